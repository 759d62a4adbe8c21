/* reel-job-context.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include "reel-job-context-private.h"

/* Progress reports closer together than this are dropped: the main loop only
 * needs enough to move a bar. */
#define PROGRESS_INTERVAL_US (100 * 1000)

struct _ReelJobContext
{
  gatomicrefcount   ref_count;
  gint64            job_id;
  guint             attempt;
  ReelJobRequest   *request;
  GCancellable     *cancellable;
  ReelMediaStore   *store;
  GMainContext     *main_context;
  ReelJobReportFunc report;
  GObject          *report_owner;

  GMutex   mutex;
  GCond    cond;
  char    *remote_id;
  gboolean acknowledged;
  gboolean committed;
  gint64   last_progress;
  char    *result_path;
};

typedef struct
{
  ReelJobContext   *context;
  ReelJobReportKind kind;
  char             *text;
  double            fraction;
} Report;

ReelJobContext *
reel_job_context_new (gint64                job_id,
                      guint                 attempt,
                      const ReelJobRequest *request,
                      const char           *remote_id,
                      ReelMediaStore       *store,
                      GMainContext         *main_context,
                      ReelJobReportFunc     report,
                      GObject              *report_owner)
{
  ReelJobContext *self = g_new0 (ReelJobContext, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->job_id = job_id;
  self->attempt = attempt;
  self->request = reel_job_request_copy (request);
  self->remote_id = g_strdup (remote_id);
  self->cancellable = g_cancellable_new ();
  self->store = g_object_ref (store);
  self->main_context = g_main_context_ref (main_context);
  self->report = report;
  self->report_owner = g_object_ref (report_owner);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  return self;
}

ReelJobContext *
reel_job_context_ref (ReelJobContext *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
reel_job_context_unref (ReelJobContext *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  reel_job_request_free (self->request);
  g_object_unref (self->cancellable);
  g_object_unref (self->store);
  g_main_context_unref (self->main_context);
  g_object_unref (self->report_owner);
  g_free (self->remote_id);
  g_free (self->result_path);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

gint64
reel_job_context_get_job_id (ReelJobContext *self)
{
  return self->job_id;
}

const ReelJobRequest *
reel_job_context_get_request (ReelJobContext *self)
{
  return self->request;
}

GCancellable *
reel_job_context_get_cancellable (ReelJobContext *self)
{
  return self->cancellable;
}

const char *
reel_job_context_get_remote_id (ReelJobContext *self)
{
  const char *remote_id;

  g_mutex_lock (&self->mutex);
  remote_id = self->remote_id;
  g_mutex_unlock (&self->mutex);
  return remote_id;
}

guint
reel_job_context_get_attempt (ReelJobContext *self)
{
  return self->attempt;
}

ReelMediaStore *
reel_job_context_get_store (ReelJobContext *self)
{
  return self->store;
}

static void
report_free (Report *report)
{
  reel_job_context_unref (report->context);
  g_free (report->text);
  g_free (report);
}

static gboolean
deliver_report (gpointer user_data)
{
  Report *report = user_data;

  report->context->report (report->context, report->kind, report->text, report->fraction,
                           report->context->report_owner);
  return G_SOURCE_REMOVE;
}

static void
post_report (ReelJobContext *self, ReelJobReportKind kind, const char *text, double fraction)
{
  Report *report = g_new0 (Report, 1);

  report->context = reel_job_context_ref (self);
  report->kind = kind;
  report->text = g_strdup (text);
  report->fraction = fraction;
  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT, deliver_report, report,
                              (GDestroyNotify) report_free);
}

gboolean
reel_job_context_submitted (ReelJobContext *self, const char *remote_id)
{
  gboolean committed;

  g_return_val_if_fail (remote_id != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  g_free (self->remote_id);
  self->remote_id = g_strdup (remote_id);
  self->acknowledged = FALSE;
  g_mutex_unlock (&self->mutex);

  post_report (self, REEL_JOB_REPORT_SUBMITTED, remote_id, 0);

  /* Wait for the commit, but wake up now and then to notice a cancel (at
   * shutdown the main loop may never answer). */
  g_mutex_lock (&self->mutex);
  while (!self->acknowledged && !g_cancellable_is_cancelled (self->cancellable))
    {
      gint64 deadline = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
      g_cond_wait_until (&self->cond, &self->mutex, deadline);
    }
  committed = self->acknowledged && self->committed;
  g_mutex_unlock (&self->mutex);

  return committed;
}

void
reel_job_context_acknowledge (ReelJobContext *self, gboolean committed)
{
  g_mutex_lock (&self->mutex);
  self->acknowledged = TRUE;
  self->committed = committed;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
reel_job_context_progress (ReelJobContext *self, double fraction, const char *message)
{
  gint64 now = g_get_monotonic_time ();

  if (fraction < 1.0 && now - self->last_progress < PROGRESS_INTERVAL_US)
    return;
  self->last_progress = now;

  post_report (self, REEL_JOB_REPORT_PROGRESS, message, fraction);
}

void
reel_job_context_downloading (ReelJobContext *self)
{
  post_report (self, REEL_JOB_REPORT_DOWNLOADING, NULL, 1.0);
}

char *
reel_job_context_new_temp_path (ReelJobContext *self, const char *extension, GError **error)
{
  return reel_media_store_new_temp_path (self->store, extension, error);
}

void
reel_job_context_set_result_path (ReelJobContext *self, const char *path)
{
  g_free (self->result_path);
  self->result_path = g_strdup (path);
}

const char *
reel_job_context_get_result_path (ReelJobContext *self)
{
  return self->result_path;
}
