/* reel-test-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-test"

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "reel-test-backend.h"

typedef struct
{
  ReelBackendError kind;
  guint            times;
} Failure;

struct _ReelTestBackend
{
  GObject parent_instance;

  char    *fixture_path;
  double   latency;
  guint    max_parallel_jobs;
  gboolean remote;
  double   max_duration;

  GMutex      mutex;
  GCond       cond;
  gboolean    hold;
  GHashTable *failures; /* gint64* shot → Failure* */
  GHashTable *submits;  /* gint64* shot → count */
  GArray     *start_order;
  GPtrArray  *requests; /* ReelJobRequest*, as submitted */
  guint       runs;
  guint       parallel;
  guint       peak_parallel;
};

static void backend_iface_init (ReelBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ReelTestBackend,
                               reel_test_backend,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (REEL_TYPE_BACKEND, backend_iface_init))

static const char *
get_name (ReelBackend *backend)
{
  return "test";
}

static void
get_capabilities (ReelBackend *backend, ReelBackendCapabilities *caps)
{
  ReelTestBackend *self = REEL_TEST_BACKEND (backend);

  caps->features = REEL_BACKEND_TEXT_TO_VIDEO | REEL_BACKEND_IMAGE_TO_VIDEO
                   | (self->remote ? REEL_BACKEND_REMOTE : 0);
  caps->max_width = 7680;
  caps->max_height = 4320;
  caps->min_duration = 0.1;
  caps->max_duration = self->max_duration;
  caps->min_fps = 1;
  caps->max_fps = 120;
  caps->max_parallel_jobs = self->max_parallel_jobs;
  caps->currency = "USD";
}

static double
estimate_cost (ReelBackend *backend, const ReelJobRequest *request)
{
  return 0.01 * request->duration;
}

static gboolean
maybe_fail (ReelTestBackend *self, gint64 shot_id, GError **error)
{
  Failure *failure;
  gboolean failed = FALSE;

  g_mutex_lock (&self->mutex);
  failure = g_hash_table_lookup (self->failures, &shot_id);
  if (failure != NULL && failure->times > 0)
    {
      if (failure->times != G_MAXUINT)
        failure->times--;
      g_set_error (error, REEL_BACKEND_ERROR, failure->kind,
                   "The test service failed shot %" G_GINT64_FORMAT " on purpose", shot_id);
      failed = TRUE;
    }
  g_mutex_unlock (&self->mutex);
  return failed;
}

static gboolean
submit (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelTestBackend      *self = REEL_TEST_BACKEND (backend);
  const ReelJobRequest *request = reel_job_context_get_request (context);
  g_autofree char      *remote_id = NULL;
  guint                 count;

  g_mutex_lock (&self->mutex);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->submits, &request->shot_id));
  g_hash_table_insert (self->submits, g_memdup2 (&request->shot_id, sizeof (gint64)),
                       GUINT_TO_POINTER (count + 1));
  g_ptr_array_add (self->requests, reel_job_request_copy (request));
  g_mutex_unlock (&self->mutex);

  if (!self->remote)
    return TRUE;

  remote_id
      = g_strdup_printf ("test-task-%" G_GINT64_FORMAT "-%u", reel_job_context_get_job_id (context),
                         reel_job_context_get_attempt (context));
  if (!reel_job_context_submitted (context, remote_id))
    return !g_cancellable_set_error_if_cancelled (reel_job_context_get_cancellable (context),
                                                  error);
  return TRUE;
}

static gboolean
wait_for_result (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelTestBackend      *self = REEL_TEST_BACKEND (backend);
  const ReelJobRequest *request = reel_job_context_get_request (context);
  GCancellable         *cancellable = reel_job_context_get_cancellable (context);
  gint64                start = g_get_monotonic_time ();
  gint64                end = start + (gint64) (self->latency * G_USEC_PER_SEC);
  gboolean              ok;

  g_mutex_lock (&self->mutex);
  self->runs++;
  g_cond_broadcast (&self->cond);
  self->parallel++;
  self->peak_parallel = MAX (self->peak_parallel, self->parallel);
  g_array_append_val (self->start_order, request->shot_id);
  while (self->hold && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&self->cond, &self->mutex,
                       g_get_monotonic_time () + 10 * G_TIME_SPAN_MILLISECOND);
  g_mutex_unlock (&self->mutex);

  /* Sleep in slices long enough not to cost the machine, short enough to
   * notice a cancel and report progress. */
  for (gint64 now = start; now < end && !g_cancellable_is_cancelled (cancellable);
       now = g_get_monotonic_time ())
    {
      reel_job_context_progress (context, (double) (now - start) / MAX (end - start, 1), NULL);
      g_usleep (MIN (end - now, 50 * G_TIME_SPAN_MILLISECOND));
    }

  ok = !g_cancellable_set_error_if_cancelled (cancellable, error)
       && !maybe_fail (self, request->shot_id, error);

  g_mutex_lock (&self->mutex);
  self->parallel--;
  g_mutex_unlock (&self->mutex);
  return ok;
}

/* Writes the fixture as a download would: plain writes into the temporary
 * file, without the fsync GIO's replace does (the media store syncs what it
 * keeps). */
static char *
fetch (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelTestBackend *self = REEL_TEST_BACKEND (backend);
  g_autofree char *path = reel_job_context_new_temp_path (context, "mp4", error);
  g_autofree char *contents = NULL;
  gsize            length = 0;
  FILE            *out;
  gboolean         written;

  if (path == NULL || !g_file_get_contents (self->fixture_path, &contents, &length, error))
    return NULL;

  out = fopen (path, "wb");
  if (out == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                   g_strerror (saved_errno));
      return NULL;
    }
  written = fwrite (contents, 1, length, out) == length;
  if (fclose (out) != 0 || !written)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not write the result");
      return NULL;
    }

  return g_steal_pointer (&path);
}

static void
backend_iface_init (ReelBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->get_capabilities = get_capabilities;
  iface->estimate_cost = estimate_cost;
  iface->submit = submit;
  iface->wait = wait_for_result;
  iface->fetch = fetch;
}

static void
reel_test_backend_finalize (GObject *object)
{
  ReelTestBackend *self = REEL_TEST_BACKEND (object);

  g_free (self->fixture_path);
  g_hash_table_unref (self->failures);
  g_hash_table_unref (self->submits);
  g_array_unref (self->start_order);
  g_ptr_array_unref (self->requests);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (reel_test_backend_parent_class)->finalize (object);
}

static void
reel_test_backend_class_init (ReelTestBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_test_backend_finalize;
}

static void
reel_test_backend_init (ReelTestBackend *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->failures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->submits = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->start_order = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_request_free);
  self->max_duration = 600;
}

ReelTestBackend *
reel_test_backend_new (const char *fixture_path, double latency, guint max_parallel_jobs)
{
  ReelTestBackend *self = g_object_new (REEL_TYPE_TEST_BACKEND, NULL);

  self->fixture_path = g_strdup (fixture_path);
  self->latency = latency;
  self->max_parallel_jobs = MAX (max_parallel_jobs, 1);
  return self;
}

void
reel_test_backend_set_remote (ReelTestBackend *self, gboolean remote)
{
  self->remote = remote;
}

void
reel_test_backend_set_max_duration (ReelTestBackend *self, double seconds)
{
  self->max_duration = seconds;
}

GPtrArray *
reel_test_backend_dup_requests (ReelTestBackend *self)
{
  GPtrArray *copies = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_request_free);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->requests->len; i++)
    g_ptr_array_add (copies, reel_job_request_copy (g_ptr_array_index (self->requests, i)));
  g_mutex_unlock (&self->mutex);
  return copies;
}

void
reel_test_backend_fail_shot (ReelTestBackend *self,
                             gint64           shot_id,
                             ReelBackendError kind,
                             guint            times)
{
  Failure *failure = g_new0 (Failure, 1);

  failure->kind = kind;
  failure->times = times;
  g_mutex_lock (&self->mutex);
  g_hash_table_insert (self->failures, g_memdup2 (&shot_id, sizeof shot_id), failure);
  g_mutex_unlock (&self->mutex);
}

void
reel_test_backend_hold (ReelTestBackend *self, gboolean hold)
{
  g_mutex_lock (&self->mutex);
  self->hold = hold;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

guint
reel_test_backend_count_submits (ReelTestBackend *self, gint64 shot_id)
{
  guint count;

  g_mutex_lock (&self->mutex);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->submits, &shot_id));
  g_mutex_unlock (&self->mutex);
  return count;
}

guint
reel_test_backend_count_runs (ReelTestBackend *self)
{
  guint runs;

  g_mutex_lock (&self->mutex);
  runs = self->runs;
  g_mutex_unlock (&self->mutex);
  return runs;
}

GArray *
reel_test_backend_dup_start_order (ReelTestBackend *self)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_mutex_lock (&self->mutex);
  g_array_append_vals (copy, self->start_order->data, self->start_order->len);
  g_mutex_unlock (&self->mutex);
  return copy;
}

guint
reel_test_backend_get_peak_parallel (ReelTestBackend *self)
{
  guint peak;

  g_mutex_lock (&self->mutex);
  peak = self->peak_parallel;
  g_mutex_unlock (&self->mutex);
  return peak;
}

gboolean
reel_test_backend_wait_for_runs (ReelTestBackend *self, guint runs, guint timeout_ms)
{
  gint64   deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean reached;

  g_mutex_lock (&self->mutex);
  while (self->runs < runs && g_cond_wait_until (&self->cond, &self->mutex, deadline))
    ;
  reached = self->runs >= runs;
  g_mutex_unlock (&self->mutex);
  return reached;
}
