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
  char    *resume_state;
  GStrv    known_remote_ids;
  gboolean acknowledged;
  gboolean committed;
  gint64   last_progress;
  char    *result_path;
  gboolean stopped_by_user;
  gboolean remote_task_dropped;

  /* What the backend tells the scheduler about the outcome. */
  double            retry_after;
  ReelServiceReport service;
  gboolean          charged;
  gpointer          backend_data;
  GDestroyNotify    backend_data_destroy;
  double            charge_cost;
  char             *charge_currency;
  char             *charge_usage;
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
  self->service.seed = -1;
  self->service.billed_seconds = -1;
  self->service.cost = -1;
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
  g_free (self->resume_state);
  g_strfreev (self->known_remote_ids);
  g_free (self->result_path);
  g_free ((char *) self->service.actual_prompt);
  g_free ((char *) self->service.usage);
  g_free ((char *) self->service.currency);
  g_free (self->charge_currency);
  g_free (self->charge_usage);
  if (self->backend_data_destroy != NULL)
    self->backend_data_destroy (self->backend_data);
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

void
reel_job_context_set_start_image (ReelJobContext *self, const char *path)
{
  g_return_if_fail (self != NULL);

  g_free (self->request->start_image);
  self->request->start_image = g_strdup (path);
}

GCancellable *
reel_job_context_get_cancellable (ReelJobContext *self)
{
  return self->cancellable;
}

char *
reel_job_context_dup_remote_id (ReelJobContext *self)
{
  char *remote_id;

  g_mutex_lock (&self->mutex);
  remote_id = g_strdup (self->remote_id);
  g_mutex_unlock (&self->mutex);
  return remote_id;
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
  g_autoptr (GSource) source = NULL;

  report->context = reel_job_context_ref (self);
  report->kind = kind;
  report->text = g_strdup (text);
  report->fraction = fraction;

  /* Through the main loop even when the main thread is not iterating it:
   * g_main_context_invoke() would then run the report in this worker. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_report, report, (GDestroyNotify) report_free);
  g_source_set_static_name (source, "[storyreel] job report");
  g_source_attach (source, self->main_context);
}

/* Posts a report that must be committed, and waits for the main thread's
 * answer; it wakes up now and then to notice a stop (at shutdown the main
 * loop may never answer). */
static gboolean
post_and_wait_for_commit (ReelJobContext *self, ReelJobReportKind kind, const char *text)
{
  gboolean committed;

  g_mutex_lock (&self->mutex);
  self->acknowledged = FALSE;
  g_mutex_unlock (&self->mutex);

  post_report (self, kind, text, 0);

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

gboolean
reel_job_context_submitted (ReelJobContext *self, const char *remote_id)
{
  g_return_val_if_fail (remote_id != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  g_free (self->remote_id);
  self->remote_id = g_strdup (remote_id);
  g_mutex_unlock (&self->mutex);

  return post_and_wait_for_commit (self, REEL_JOB_REPORT_SUBMITTED, remote_id);
}

const char *
reel_job_context_get_resume_state (ReelJobContext *self)
{
  const char *state;

  g_mutex_lock (&self->mutex);
  state = self->resume_state;
  g_mutex_unlock (&self->mutex);
  return state;
}

void
reel_job_context_set_resume_state (ReelJobContext *self, const char *state)
{
  g_mutex_lock (&self->mutex);
  g_free (self->resume_state);
  self->resume_state = g_strdup (state);
  g_mutex_unlock (&self->mutex);
}

gboolean
reel_job_context_save_resume_state (ReelJobContext *self, const char *remote_id, const char *state)
{
  g_return_val_if_fail (state != NULL, FALSE);

  /* The old state stays readable until the new one replaces it: the worker
   * reads it only from its own thread. */
  g_mutex_lock (&self->mutex);
  if (remote_id != NULL)
    {
      g_free (self->remote_id);
      self->remote_id = g_strdup (remote_id);
    }
  g_free (self->resume_state);
  self->resume_state = g_strdup (state);
  g_mutex_unlock (&self->mutex);

  return post_and_wait_for_commit (self, REEL_JOB_REPORT_RESUME_STATE, state);
}

void
reel_job_context_set_known_remote_ids (ReelJobContext *self, const char *const *remote_ids)
{
  g_strfreev (self->known_remote_ids);
  self->known_remote_ids = g_strdupv ((char **) remote_ids);
}

gboolean
reel_job_context_is_known_remote_id (ReelJobContext *self, const char *remote_id)
{
  return remote_id != NULL && self->known_remote_ids != NULL
         && g_strv_contains ((const char *const *) self->known_remote_ids, remote_id);
}

void
reel_job_context_stop (ReelJobContext *self, gboolean by_user)
{
  g_mutex_lock (&self->mutex);
  self->stopped_by_user = self->stopped_by_user || by_user;
  g_mutex_unlock (&self->mutex);
  g_cancellable_cancel (self->cancellable);
}

gboolean
reel_job_context_is_cancelled_by_user (ReelJobContext *self)
{
  gboolean by_user;

  g_mutex_lock (&self->mutex);
  by_user = self->stopped_by_user;
  g_mutex_unlock (&self->mutex);
  return by_user;
}

void
reel_job_context_drop_remote_task (ReelJobContext *self)
{
  self->remote_task_dropped = TRUE;
}

gboolean
reel_job_context_is_remote_task_dropped (ReelJobContext *self)
{
  return self->remote_task_dropped;
}

void
reel_job_context_set_retry_after (ReelJobContext *self, double seconds)
{
  self->retry_after = MAX (seconds, 0);
}

double
reel_job_context_get_retry_after (ReelJobContext *self)
{
  return self->retry_after;
}

void
reel_job_context_report_service (ReelJobContext *self, const ReelServiceReport *report)
{
  g_free ((char *) self->service.actual_prompt);
  g_free ((char *) self->service.usage);
  g_free ((char *) self->service.currency);
  self->service = *report;
  self->service.actual_prompt = g_strdup (report->actual_prompt);
  self->service.usage = g_strdup (report->usage);
  self->service.currency = g_strdup (report->currency);
}

const ReelServiceReport *
reel_job_context_get_service_report (ReelJobContext *self)
{
  return &self->service;
}

void
reel_job_context_report_charge (ReelJobContext *self,
                                double          cost,
                                const char     *currency,
                                const char     *usage)
{
  self->charged = TRUE;
  self->charge_cost = cost;
  g_free (self->charge_currency);
  self->charge_currency = g_strdup (currency);
  g_free (self->charge_usage);
  self->charge_usage = g_strdup (usage);
}

gboolean
reel_job_context_get_charge (ReelJobContext *self,
                             double         *cost,
                             const char    **currency,
                             const char    **usage)
{
  if (!self->charged)
    return FALSE;
  *cost = self->charge_cost;
  *currency = self->charge_currency;
  *usage = self->charge_usage;
  return TRUE;
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

/* One client per worker thread: its libcurl handle keeps connections open
 * from one job to the next. */
static GPrivate thread_http_client = G_PRIVATE_INIT (g_object_unref);

/* What a backend says comes partly from the service, which could echo the
 * key it was sent: the worker's client knows the keys and hides them. */
static char *
redact (const char *text)
{
  ReelHttpClient *client = g_private_get (&thread_http_client);

  if (text == NULL)
    return NULL;
  return client != NULL ? reel_http_client_redact (client, text) : g_strdup (text);
}

void
reel_job_context_progress (ReelJobContext *self, double fraction, const char *message)
{
  g_autofree char *redacted = NULL;
  gint64           now = g_get_monotonic_time ();

  /* What a backend says after the job was stopped (a cancel the service
   * could not honour) is its last word: never dropped. */
  if (fraction < 1.0 && now - self->last_progress < PROGRESS_INTERVAL_US
      && !g_cancellable_is_cancelled (self->cancellable))
    return;
  self->last_progress = now;

  redacted = redact (message);
  post_report (self, REEL_JOB_REPORT_PROGRESS, redacted, fraction);
}

void
reel_job_context_redact_error (ReelJobContext *self, GError *error)
{
  g_autofree char *redacted = NULL;

  g_return_if_fail (self != NULL);

  if (error == NULL || (redacted = redact (error->message)) == NULL)
    return;
  g_free (error->message);
  error->message = g_steal_pointer (&redacted);
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

ReelHttpClient *
reel_job_context_get_http_client (ReelJobContext *self)
{
  ReelHttpClient *client = g_private_get (&thread_http_client);

  if (client == NULL)
    {
      client = reel_http_client_new ();
      g_private_set (&thread_http_client, client);
    }
  reel_http_client_set_cancellable (client, self->cancellable);
  return client;
}

static void
wake_cb (GCancellable *cancellable, ReelJobContext *self)
{
  g_mutex_lock (&self->mutex);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

gboolean
reel_job_context_wait (ReelJobContext *self, guint milliseconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) milliseconds * G_TIME_SPAN_MILLISECOND;
  gulong handler;

  handler = g_cancellable_connect (self->cancellable, G_CALLBACK (wake_cb), self, NULL);
  g_mutex_lock (&self->mutex);
  while (!g_cancellable_is_cancelled (self->cancellable)
         && g_cond_wait_until (&self->cond, &self->mutex, deadline))
    ;
  g_mutex_unlock (&self->mutex);
  g_cancellable_disconnect (self->cancellable, handler);

  return !g_cancellable_is_cancelled (self->cancellable);
}

void
reel_job_context_set_backend_data (ReelJobContext *self, gpointer data, GDestroyNotify destroy)
{
  if (self->backend_data_destroy != NULL)
    self->backend_data_destroy (self->backend_data);
  self->backend_data = data;
  self->backend_data_destroy = destroy;
}

gpointer
reel_job_context_get_backend_data (ReelJobContext *self)
{
  return self->backend_data;
}
