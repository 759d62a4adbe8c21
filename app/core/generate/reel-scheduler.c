/* reel-scheduler.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "reel-animatic-backend.h"
#include "reel-animatic.h"
#include "reel-job-context-private.h"
#include "reel-media-store.h"
#include "reel-scheduler.h"

struct _ReelScheduler
{
  GObject parent_instance;

  ReelProject    *project;
  ReelMediaStore *store;
  GMainContext   *main_context;
  ReelRetryPolicy retry_policy;

  GHashTable *backends;       /* name → ReelBackend* */
  GHashTable *limits;         /* name → GUINT_TO_POINTER (limit), user overrides */
  GHashTable *pools;          /* name → GThreadPool* */
  GHashTable *jobs;           /* gint64* id → ReelJobRecord*, unfinished jobs */
  GHashTable *running;        /* gint64* id → ReelJobContext* */
  GHashTable *user_cancelled; /* gint64* ids cancelled by the user while running */
  GHashTable *batches;        /* gint64* batch → Batch* */

  guint    schedule_source;
  guint    retry_source;
  gboolean shutting_down;
};

typedef struct
{
  guint total;
  guint done;
  guint failed;
} Batch;

/* What a worker hands back to the main context when a job ends. */
typedef struct
{
  ReelScheduler  *scheduler;
  ReelJobContext *context;
  ReelBackend    *backend;
  ReelMediaInfo  *media;
  ReelMediaInfo  *thumbnail;
  GError         *error;
} Outcome;

G_DEFINE_FINAL_TYPE (ReelScheduler, reel_scheduler, G_TYPE_OBJECT)

enum
{
  JOB_CHANGED,
  JOB_PROGRESS,
  BATCH_FINISHED,
  IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule (ReelScheduler *self);

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static void
pool_free (GThreadPool *pool)
{
  /* Workers were cancelled first; waiting lets each end cleanly. */
  g_thread_pool_free (pool, FALSE, TRUE);
}

static void
reel_scheduler_dispose (GObject *object)
{
  ReelScheduler *self = REEL_SCHEDULER (object);

  reel_scheduler_shutdown (self);

  G_OBJECT_CLASS (reel_scheduler_parent_class)->dispose (object);
}

static void
reel_scheduler_finalize (GObject *object)
{
  ReelScheduler *self = REEL_SCHEDULER (object);

  g_clear_pointer (&self->pools, g_hash_table_unref);
  g_clear_pointer (&self->backends, g_hash_table_unref);
  g_clear_pointer (&self->limits, g_hash_table_unref);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->user_cancelled, g_hash_table_unref);
  g_clear_pointer (&self->batches, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->project);
  g_clear_pointer (&self->main_context, g_main_context_unref);

  G_OBJECT_CLASS (reel_scheduler_parent_class)->finalize (object);
}

static void
reel_scheduler_class_init (ReelSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reel_scheduler_dispose;
  object_class->finalize = reel_scheduler_finalize;

  /**
   * ReelScheduler::job-changed:
   * @job_id: the job
   * @state: its new #ReelJobState
   */
  signals[JOB_CHANGED]
      = g_signal_new ("job-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_UINT);
  signals[JOB_PROGRESS]
      = g_signal_new ("job-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_DOUBLE, G_TYPE_STRING);
  /**
   * ReelScheduler::batch-finished:
   * @batch_id: the batch
   * @n_done: jobs that made a take
   * @n_failed: jobs that failed or were cancelled
   */
  signals[BATCH_FINISHED]
      = g_signal_new ("batch-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_UINT, G_TYPE_UINT);
  /** ReelScheduler::idle: no job is left unfinished. */
  signals[IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 0);
}

static void
reel_scheduler_init (ReelScheduler *self)
{
  self->retry_policy = REEL_RETRY_POLICY_DEFAULT;
  self->backends = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pools = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pool_free);
  self->jobs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                      (GDestroyNotify) reel_job_record_free);
  self->running = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) reel_job_context_unref);
  self->user_cancelled = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->batches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->main_context = g_main_context_ref_thread_default ();
}

ReelScheduler *
reel_scheduler_new (ReelProject *project)
{
  ReelScheduler *self;

  g_return_val_if_fail (REEL_IS_PROJECT (project), NULL);

  self = g_object_new (REEL_TYPE_SCHEDULER, NULL);
  self->project = g_object_ref (project);
  self->store = reel_media_store_new (reel_project_get_media_dir (project));
  return self;
}

ReelProject *
reel_scheduler_get_project (ReelScheduler *self)
{
  g_return_val_if_fail (REEL_IS_SCHEDULER (self), NULL);
  return self->project;
}

/* ------------------------------------------------------------------------ */
/* Backends                                                                  */

void
reel_scheduler_add_backend (ReelScheduler *self, ReelBackend *backend)
{
  g_return_if_fail (REEL_IS_SCHEDULER (self));
  g_return_if_fail (REEL_IS_BACKEND (backend));

  g_hash_table_replace (self->backends, g_strdup (reel_backend_get_name (backend)),
                        g_object_ref (backend));
}

void
reel_scheduler_add_default_backends (ReelScheduler *self)
{
  g_autoptr (ReelBackend) animatic = reel_animatic_backend_new ();

  reel_scheduler_add_backend (self, animatic);
}

ReelBackend *
reel_scheduler_get_backend (ReelScheduler *self, const char *name)
{
  g_return_val_if_fail (REEL_IS_SCHEDULER (self), NULL);
  return name != NULL ? g_hash_table_lookup (self->backends, name) : NULL;
}

GPtrArray *
reel_scheduler_list_backends (ReelScheduler *self)
{
  GPtrArray     *list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->backends);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);
  return list;
}

static guint
parallel_limit (ReelScheduler *self, ReelBackend *backend)
{
  ReelBackendCapabilities caps;
  guint                   user
      = GPOINTER_TO_UINT (g_hash_table_lookup (self->limits, reel_backend_get_name (backend)));

  if (user > 0)
    return user;
  reel_backend_get_capabilities (backend, &caps);
  return MAX (caps.max_parallel_jobs, 1);
}

void
reel_scheduler_set_parallel_limit (ReelScheduler *self, const char *backend, guint limit)
{
  GThreadPool *pool;

  g_return_if_fail (REEL_IS_SCHEDULER (self));

  g_hash_table_replace (self->limits, g_strdup (backend), GUINT_TO_POINTER (limit));
  pool = g_hash_table_lookup (self->pools, backend);
  if (pool != NULL && g_hash_table_lookup (self->backends, backend) != NULL)
    g_thread_pool_set_max_threads (
        pool, parallel_limit (self, g_hash_table_lookup (self->backends, backend)), NULL);
  schedule (self);
}

void
reel_scheduler_set_retry_policy (ReelScheduler *self, const ReelRetryPolicy *policy)
{
  g_return_if_fail (REEL_IS_SCHEDULER (self));
  self->retry_policy = *policy;
}

/* ------------------------------------------------------------------------ */
/* Workers                                                                   */

static ReelFailureKind
classify_error (const GError *error)
{
  if (error->domain == REEL_BACKEND_ERROR)
    {
      switch ((ReelBackendError) error->code)
        {
          case REEL_BACKEND_ERROR_TRANSIENT:
            return REEL_FAILURE_TRANSIENT;
          case REEL_BACKEND_ERROR_REFUSED:
            return REEL_FAILURE_REFUSED;
          case REEL_BACKEND_ERROR_AUTH:
            return REEL_FAILURE_AUTH;
          case REEL_BACKEND_ERROR_PERMANENT:
          default:
            return REEL_FAILURE_PERMANENT;
        }
    }

  /* A result that arrived broken is worth another try; a full disk is not. */
  if (error->domain == REEL_MEDIA_ERROR)
    return error->code == REEL_MEDIA_ERROR_NO_SPACE || error->code == REEL_MEDIA_ERROR_IO
               ? REEL_FAILURE_PERMANENT
               : REEL_FAILURE_TRANSIENT;

  if (error->domain == G_IO_ERROR
      && (error->code == G_IO_ERROR_TIMED_OUT || error->code == G_IO_ERROR_BUSY
          || error->code == G_IO_ERROR_WOULD_BLOCK || error->code == G_IO_ERROR_NETWORK_UNREACHABLE
          || error->code == G_IO_ERROR_HOST_UNREACHABLE
          || error->code == G_IO_ERROR_CONNECTION_REFUSED))
    return REEL_FAILURE_TRANSIENT;

  return REEL_FAILURE_PERMANENT;
}

static void outcome_deliver (Outcome *outcome);

static gboolean
outcome_deliver_cb (gpointer user_data)
{
  outcome_deliver (user_data);
  return G_SOURCE_REMOVE;
}

static void
outcome_free (Outcome *outcome)
{
  g_object_unref (outcome->scheduler);
  reel_job_context_unref (outcome->context);
  g_object_unref (outcome->backend);
  g_clear_pointer (&outcome->media, reel_media_info_free);
  g_clear_pointer (&outcome->thumbnail, reel_media_info_free);
  g_clear_error (&outcome->error);
  g_free (outcome);
}

/* Worker thread: no project, no GTK. Just the backend, the media store and
 * reports to the main context. */
static void
run_job (gpointer data, gpointer user_data)
{
  Outcome                *outcome = data;
  ReelJobContext         *context = outcome->context;
  ReelBackend            *backend = outcome->backend;
  GCancellable           *cancellable = reel_job_context_get_cancellable (context);
  ReelMediaStore         *store = reel_job_context_get_store (context);
  ReelBackendCapabilities caps;
  g_autofree char        *result = NULL;
  GError                 *error = NULL;

  reel_backend_get_capabilities (backend, &caps);

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto out;
  if (!reel_backend_check_request (backend, reel_job_context_get_request (context), &error))
    goto out;

  if (reel_job_context_get_remote_id (context) == NULL
      && !reel_backend_submit (backend, context, &error))
    goto out;
  if (!reel_backend_wait (backend, context, &error))
    goto out;
  if (caps.features & REEL_BACKEND_REMOTE)
    reel_job_context_downloading (context);
  if (!(result = reel_backend_fetch (backend, context, &error)))
    goto out;

  /* Verified and renamed into the store, or refused and removed. */
  outcome->media
      = reel_media_store_add_file (store, result, REEL_MEDIA_ADD_MOVE, cancellable, &error);
  if (outcome->media != NULL)
    outcome->thumbnail = reel_media_store_add_thumbnail (
        store, outcome->media->relative_path, outcome->media->duration / 2, 320, cancellable, NULL);

out:
  if (error != NULL && g_cancellable_is_cancelled (cancellable))
    {
      if (caps.features & REEL_BACKEND_REMOTE)
        reel_backend_cancel (backend, context);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
        }
    }
  outcome->error = error;

  g_main_context_invoke_full (outcome->scheduler->main_context, G_PRIORITY_DEFAULT,
                              outcome_deliver_cb, outcome, (GDestroyNotify) outcome_free);
}

static GThreadPool *
pool_for (ReelScheduler *self, ReelBackend *backend)
{
  const char  *name = reel_backend_get_name (backend);
  GThreadPool *pool = g_hash_table_lookup (self->pools, name);

  if (pool == NULL)
    {
      /* Exclusive: the pool keeps its workers between jobs. A shared pool
       * keeps only two idle threads process-wide, so a batch would pay for
       * new threads every round. */
      pool = g_thread_pool_new (run_job, self, parallel_limit (self, backend), TRUE, NULL);
      g_hash_table_insert (self->pools, g_strdup (name), pool);
    }

  return pool;
}

/* ------------------------------------------------------------------------ */
/* Recording what workers report                                             */

static void
set_shot_status (ReelScheduler *self, const ReelJobRecord *job)
{
  reel_project_show_job_progress (self->project, job->shot_id,
                                  reel_job_state_to_string (job->state), job->progress,
                                  job->error != NULL ? job->error : job->message);
}

static gboolean
write_job (ReelScheduler *self, ReelJobRecord *job)
{
  g_autoptr (GError) error = NULL;

  if (!reel_project_update_job (self->project, job, &error))
    {
      g_warning ("Could not record job %" G_GINT64_FORMAT ": %s", job->id, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
job_report (ReelJobContext   *context,
            ReelJobReportKind kind,
            const char       *text,
            double            fraction,
            gpointer          user_data)
{
  ReelScheduler *self = REEL_SCHEDULER (user_data);
  gint64         id = reel_job_context_get_job_id (context);
  ReelJobRecord *job = g_hash_table_lookup (self->jobs, &id);

  if (job == NULL)
    {
      if (kind == REEL_JOB_REPORT_SUBMITTED)
        reel_job_context_acknowledge (context, FALSE);
      return;
    }

  switch (kind)
    {
      case REEL_JOB_REPORT_SUBMITTED:
        g_free (job->remote_id);
        job->remote_id = g_strdup (text);
        job->state = REEL_JOB_RUNNING;
        g_debug ("Job %" G_GINT64_FORMAT " submitted as %s", id, text);
        /* Durable before the worker polls: a crash now resumes, never resubmits. */
        reel_job_context_acknowledge (context, write_job (self, job));
        g_signal_emit (self, signals[JOB_CHANGED], 0, id, (guint) job->state);
        break;

      case REEL_JOB_REPORT_PROGRESS:
        if (fraction >= 0)
          job->progress = CLAMP (fraction, 0.0, 1.0);
        if (job->state == REEL_JOB_SUBMITTING)
          job->state = REEL_JOB_RUNNING;
        g_free (job->message);
        job->message = g_strdup (text);
        g_signal_emit (self, signals[JOB_PROGRESS], 0, id, job->progress, text);
        break;

      case REEL_JOB_REPORT_DOWNLOADING:
        job->state = REEL_JOB_DOWNLOADING;
        write_job (self, job);
        g_signal_emit (self, signals[JOB_CHANGED], 0, id, (guint) job->state);
        break;

      default:
        break;
    }

  set_shot_status (self, job);
}

static void
count_in_batch (ReelScheduler *self, ReelJobRecord *job, gboolean succeeded)
{
  Batch *batch = g_hash_table_lookup (self->batches, &job->batch_id);

  if (batch == NULL)
    return;

  if (succeeded)
    batch->done++;
  else
    batch->failed++;

  if (batch->done + batch->failed >= batch->total)
    {
      gint64 batch_id = job->batch_id;
      guint  done = batch->done;
      guint  failed = batch->failed;

      g_hash_table_remove (self->batches, &batch_id);
      g_debug ("Batch %" G_GINT64_FORMAT " finished: %u done, %u failed", batch_id, done, failed);
      g_signal_emit (self, signals[BATCH_FINISHED], 0, batch_id, done, failed);
    }
}

static char *
take_params (const ReelJobRequest *request)
{
  return g_strdup_printf ("{\"width\": %u, \"height\": %u, \"fps\": %u, \"duration\": %.3f,"
                          " \"camera\": \"%s\"}",
                          request->width, request->height, request->fps, request->duration,
                          reel_camera_move_to_string (request->camera));
}

static void
record_success (ReelScheduler *self, ReelJobRecord *job, Outcome *outcome)
{
  const ReelJobRequest   *request = reel_job_context_get_request (outcome->context);
  ReelBackendCapabilities caps;
  g_autoptr (GError) error = NULL;
  ReelTake take = { 0 };

  reel_backend_get_capabilities (outcome->backend, &caps);

  take.kind = (char *) (outcome->media->kind == REEL_MEDIA_KIND_IMAGE ? "image" : "video");
  take.backend = job->backend;
  take.model = job->model;
  take.prompt = request->prompt;
  take.seed = job->seed;
  take.params = take_params (request);
  take.duration = outcome->media->duration;
  take.width = outcome->media->width;
  take.height = outcome->media->height;
  take.fps = outcome->media->fps;
  take.media = outcome->media->relative_path;
  take.media_sha256 = outcome->media->sha256;
  take.thumbnail = outcome->thumbnail != NULL ? outcome->thumbnail->relative_path : NULL;
  take.cost = reel_backend_estimate_cost (outcome->backend, request);
  take.currency = (char *) caps.currency;

  if (reel_project_finish_job (self->project, job, &take, &error))
    {
      g_debug ("Job %" G_GINT64_FORMAT " made take %" G_GINT64_FORMAT " (%s)", job->id, take.id,
               take.media);
      g_signal_emit (self, signals[JOB_CHANGED], 0, job->id, (guint) REEL_JOB_DONE);
      count_in_batch (self, job, TRUE);
    }
  else
    {
      g_message ("Result of job %" G_GINT64_FORMAT " not recorded: %s", job->id, error->message);
      count_in_batch (self, job, FALSE);
    }

  g_free (take.params);
}

static void
record_failure (ReelScheduler *self, ReelJobRecord *job, const GError *error)
{
  ReelFailureKind kind = classify_error (error);
  double          delay = 0;

  g_free (job->error);
  job->error = g_strdup (error->message);
  job->error_kind = kind;

  if (reel_retry_policy_should_retry (&self->retry_policy, kind, job->attempts, g_random_double (),
                                      &delay))
    {
      job->state = REEL_JOB_QUEUED;
      job->next_attempt_at = g_get_real_time () / 1000 + (gint64) (delay * 1000);
      g_free (job->message);
      job->message = g_strdup_printf (_ ("Trying again in %.0f s"), delay);
      g_message ("Job %" G_GINT64_FORMAT " failed (%s), retry %u in %.1f s: %s", job->id,
                 reel_failure_kind_to_string (kind), job->attempts + 1, delay, error->message);
      write_job (self, job);
      g_signal_emit (self, signals[JOB_CHANGED], 0, job->id, (guint) job->state);
      return;
    }

  job->state = REEL_JOB_FAILED;
  g_message ("Job %" G_GINT64_FORMAT " failed (%s) after %u attempts: %s", job->id,
             reel_failure_kind_to_string (kind), job->attempts, error->message);
  write_job (self, job);
  g_signal_emit (self, signals[JOB_CHANGED], 0, job->id, (guint) job->state);
  count_in_batch (self, job, FALSE);
}

static void
check_idle (ReelScheduler *self)
{
  if (g_hash_table_size (self->jobs) == 0 && g_hash_table_size (self->running) == 0)
    g_signal_emit (self, signals[IDLE], 0);
}

static void
outcome_deliver (Outcome *outcome)
{
  ReelScheduler *self = outcome->scheduler;
  gint64         id = reel_job_context_get_job_id (outcome->context);
  ReelJobRecord *job = g_hash_table_lookup (self->jobs, &id);
  gboolean       by_user = g_hash_table_remove (self->user_cancelled, &id);

  g_hash_table_remove (self->running, &id);

  if (job == NULL)
    return;

  if (outcome->error == NULL)
    {
      record_success (self, job, outcome);
      g_hash_table_remove (self->jobs, &id);
    }
  else if (g_error_matches (outcome->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!by_user)
        {
          /* Stopped by shutdown: the job stays unfinished and resumes next time. */
          return;
        }
      job->state = REEL_JOB_CANCELLED;
      write_job (self, job);
      g_signal_emit (self, signals[JOB_CHANGED], 0, id, (guint) job->state);
      count_in_batch (self, job, FALSE);
      g_hash_table_remove (self->jobs, &id);
    }
  else
    {
      record_failure (self, job, outcome->error);
      if (job->state != REEL_JOB_QUEUED)
        g_hash_table_remove (self->jobs, &id);
    }

  schedule (self);
  check_idle (self);
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                  */

static gint
compare_queued (gconstpointer a, gconstpointer b)
{
  const ReelJobRecord *ja = *(ReelJobRecord **) a;
  const ReelJobRecord *jb = *(ReelJobRecord **) b;

  if (ja->priority != jb->priority)
    return ja->priority > jb->priority ? -1 : 1;
  return ja->id < jb->id ? -1 : ja->id > jb->id;
}

static guint
count_running (ReelScheduler *self, const char *backend)
{
  GHashTableIter iter;
  gpointer       key;
  guint          n = 0;

  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      ReelJobRecord *job = g_hash_table_lookup (self->jobs, key);
      if (job != NULL && g_strcmp0 (job->backend, backend) == 0)
        n++;
    }
  return n;
}

static gboolean
retry_due_cb (gpointer user_data)
{
  ReelScheduler *self = user_data;

  self->retry_source = 0;
  schedule (self);
  return G_SOURCE_REMOVE;
}

static void
fail_now (ReelScheduler *self, ReelJobRecord *job, const char *message)
{
  g_autoptr (GError) error
      = g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT, message);
  gint64 id = job->id;

  job->attempts = MAX (job->attempts, 1);
  record_failure (self, job, error);
  g_hash_table_remove (self->jobs, &id);
}

/* The queued jobs, the one to start first first. */
static GPtrArray *
queued_jobs (ReelScheduler *self)
{
  GPtrArray     *queued = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((ReelJobRecord *) value)->state == REEL_JOB_QUEUED)
      g_ptr_array_add (queued, value);
  g_ptr_array_sort (queued, compare_queued);
  return queued;
}

/* Takes one of @backend's free slots for this pass, if it has one left.
 * @slots counts them down from its limit less its jobs already running. */
static gboolean
take_slot (ReelScheduler *self, GHashTable *slots, ReelJobRecord *job, ReelBackend *backend)
{
  gpointer value;
  guint    free_slots;

  if (!g_hash_table_lookup_extended (slots, job->backend, NULL, &value))
    {
      guint limit = parallel_limit (self, backend);
      guint busy = count_running (self, job->backend);

      value = GUINT_TO_POINTER (limit > busy ? limit - busy : 0);
    }
  free_slots = GPOINTER_TO_UINT (value);
  if (free_slots == 0)
    return FALSE;
  g_hash_table_insert (slots, job->backend, GUINT_TO_POINTER (free_slots - 1));
  return TRUE;
}

static void
mark_starting (ReelJobRecord *job, ReelBackend *backend)
{
  ReelBackendCapabilities caps;

  job->attempts++;
  /* Only a remote service has a submission step worth showing. */
  reel_backend_get_capabilities (backend, &caps);
  job->state = job->remote_id != NULL || !(caps.features & REEL_BACKEND_REMOTE)
                   ? REEL_JOB_RUNNING
                   : REEL_JOB_SUBMITTING;
  job->next_attempt_at = 0;
  g_clear_pointer (&job->message, g_free);
}

/* Goes through the queue in order: the jobs due that their backend has room
 * for go to @starting, marked as started; those whose backend is gone go to
 * @broken. Returns when the next retry is due (ms), G_MAXINT64 for none. */
static gint64
pick_jobs (ReelScheduler *self, gint64 now, GPtrArray *starting, GPtrArray *broken)
{
  g_autoptr (GPtrArray) queued = queued_jobs (self);
  g_autoptr (GHashTable) slots = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 next_due = G_MAXINT64;

  for (guint i = 0; i < queued->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (queued, i);
      ReelBackend   *backend = g_hash_table_lookup (self->backends, job->backend);

      if (job->next_attempt_at > now)
        next_due = MIN (next_due, job->next_attempt_at);
      else if (backend == NULL)
        g_ptr_array_add (broken, job);
      else if (take_slot (self, slots, job, backend))
        {
          mark_starting (job, backend);
          g_ptr_array_add (starting, job);
        }
    }
  return next_due;
}

static void
fail_without_backend (ReelScheduler *self, GPtrArray *broken)
{
  for (guint i = 0; i < broken->len; i++)
    {
      ReelJobRecord   *job = g_ptr_array_index (broken, i);
      g_autofree char *message
          = g_strdup_printf (_ ("The backend “%s” is not available. Set it up in Preferences, or "
                                "generate the shot with another backend."),
                             job->backend);
      fail_now (self, job, message);
    }
}

/* One transaction for the whole pass: each job is durable as started
 * before its worker begins. When that fails they all go back to the queue. */
static gboolean
record_started (ReelScheduler *self, GPtrArray *starting)
{
  g_autoptr (GError) error = NULL;

  if (starting->len == 0 || reel_project_update_jobs (self->project, starting, &error))
    return TRUE;

  g_warning ("Could not start jobs: %s", error->message);
  for (guint i = 0; i < starting->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (starting, i);
      job->attempts--;
      job->state = REEL_JOB_QUEUED;
    }
  return FALSE;
}

/* Hands @job to a worker of its backend's pool. */
static void
start_job (ReelScheduler *self, ReelJobRecord *job)
{
  ReelBackend *backend = g_hash_table_lookup (self->backends, job->backend);
  g_autoptr (ReelJobRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  ReelJobContext *context;
  Outcome        *outcome;

  request = reel_job_request_new_from_json (job->request, &error);
  if (request == NULL)
    {
      fail_now (self, job, error->message);
      return;
    }

  context = reel_job_context_new (job->id, job->attempts, request, job->remote_id, self->store,
                                  self->main_context, job_report, G_OBJECT (self));
  g_hash_table_insert (self->running, id_key (job->id), context);

  outcome = g_new0 (Outcome, 1);
  outcome->scheduler = g_object_ref (self);
  outcome->context = reel_job_context_ref (context);
  outcome->backend = g_object_ref (backend);

  g_debug ("Starting job %" G_GINT64_FORMAT " (shot %" G_GINT64_FORMAT ", %s, attempt %u)", job->id,
           job->shot_id, job->backend, job->attempts);
  set_shot_status (self, job);
  g_signal_emit (self, signals[JOB_CHANGED], 0, job->id, (guint) job->state);
  g_thread_pool_push (pool_for (self, backend), outcome, NULL);
}

static void
dispatch (ReelScheduler *self)
{
  g_autoptr (GPtrArray) starting = g_ptr_array_new ();
  g_autoptr (GPtrArray) broken = g_ptr_array_new ();
  gint64 now = g_get_real_time () / 1000;
  gint64 next_due;

  if (self->shutting_down)
    return;

  next_due = pick_jobs (self, now, starting, broken);
  fail_without_backend (self, broken);
  if (!record_started (self, starting))
    return;
  for (guint i = 0; i < starting->len; i++)
    start_job (self, g_ptr_array_index (starting, i));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (next_due != G_MAXINT64)
    self->retry_source = g_timeout_add (MAX (next_due - now, 1), retry_due_cb, self);

  if (broken->len > 0)
    check_idle (self);
}

static gboolean
schedule_cb (gpointer user_data)
{
  ReelScheduler *self = user_data;

  self->schedule_source = 0;
  dispatch (self);
  return G_SOURCE_REMOVE;
}

/* Coalesces the reasons to look at the queue into one pass. */
static void
schedule (ReelScheduler *self)
{
  if (self->schedule_source == 0 && !self->shutting_down)
    self->schedule_source = g_idle_add_full (G_PRIORITY_DEFAULT, schedule_cb, self, NULL);
}

/* ------------------------------------------------------------------------ */
/* Public                                                                    */

static ReelJobRequest *
request_for_shot (ReelScheduler *self, ReelShot *shot, const char *model, gint64 seed)
{
  ReelJobRequest *request = reel_job_request_new ();
  GPtrArray      *captions = reel_shot_get_captions (shot);
  ReelScene      *scene = reel_project_lookup_scene (self->project, reel_shot_get_scene_id (shot));

  reel_project_get_resolution (self->project, &request->width, &request->height);
  request->shot_id = reel_shot_get_id (shot);
  request->fps = reel_project_get_fps (self->project);
  request->duration = reel_shot_get_duration (shot);
  request->camera = reel_shot_get_camera (shot);
  request->seed = seed;
  request->model = g_strdup (model);
  /* Prompt craft (characters, styles) refines this into the final prompt. */
  request->prompt = g_strdup (reel_shot_get_text (shot));
  request->text = g_strdup (reel_shot_get_text (shot));
  request->shot_number = g_strdup (reel_shot_get_number (shot));
  request->scene_heading = g_strdup (scene != NULL ? reel_scene_get_heading (scene)
                                                   : reel_shot_get_scene_heading (shot));
  request->language = g_strdup (reel_project_get_language (self->project));
  request->start_image
      = reel_project_get_media_path (self->project, reel_shot_get_board_image (shot));
  for (guint i = 0; i < captions->len; i++)
    g_ptr_array_add (request->captions, reel_caption_copy (g_ptr_array_index (captions, i)));

  return request;
}

static gboolean
shot_has_unfinished_job (ReelScheduler *self, gint64 shot_id)
{
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((ReelJobRecord *) value)->shot_id == shot_id)
      return TRUE;
  return FALSE;
}

static void
adopt_jobs (ReelScheduler *self, GPtrArray *jobs)
{
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);
      Batch         *batch = g_hash_table_lookup (self->batches, &job->batch_id);

      if (batch == NULL)
        {
          batch = g_new0 (Batch, 1);
          g_hash_table_insert (self->batches, id_key (job->batch_id), batch);
        }
      batch->total++;
      g_hash_table_insert (self->jobs, id_key (job->id), reel_job_record_copy (job));
      g_signal_emit (self, signals[JOB_CHANGED], 0, job->id, (guint) job->state);
    }
}

/* The shots a batch is for: those given, or else every shot without a
 * take (every shot when regenerating). */
static GArray *
shots_to_generate (ReelScheduler *self, const gint64 *shot_ids, guint n_shots, gboolean regenerate)
{
  GArray     *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GListModel *shots;

  if (shot_ids != NULL)
    return g_array_append_vals (ids, shot_ids, n_shots);

  shots = reel_project_get_shots (self->project);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      gint64 id = reel_shot_get_id (shot);

      if (regenerate || reel_shot_get_chosen_take_id (shot) == 0)
        g_array_append_val (ids, id);
    }
  return ids;
}

static ReelJobRecord *
new_job (ReelScheduler             *self,
         ReelShot                  *shot,
         const ReelGenerateOptions *options,
         const char                *backend_name,
         gint64                     batch_id,
         gint64                     seed,
         guint                      variant)
{
  g_autoptr (ReelJobRequest) request = NULL;
  ReelJobRecord *job = reel_job_record_new ();

  job->shot_id = reel_shot_get_id (shot);
  job->batch_id = batch_id;
  job->backend = g_strdup (backend_name);
  job->model = g_strdup (options->model);
  job->priority = options->priority;
  job->max_attempts = self->retry_policy.max_attempts;
  job->seed = seed;
  job->variant = variant;
  request = request_for_shot (self, shot, options->model, job->seed);
  job->request = reel_job_request_to_json (request);
  return job;
}

/* Adds to @jobs the variants of each shot of @ids, except for shots that
 * already have an unfinished job. Fails on a shot the project lacks. */
static gboolean
plan_jobs (ReelScheduler             *self,
           GArray                    *ids,
           const ReelGenerateOptions *options,
           const char                *backend_name,
           gint64                     batch_id,
           GPtrArray                 *jobs,
           GError                   **error)
{
  guint variants = MAX (options->variants, 1);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64    shot_id = g_array_index (ids, gint64, i);
      ReelShot *shot = reel_project_lookup_shot (self->project, shot_id);
      gint64    base_seed = options->seed != 0 ? options->seed : g_random_int_range (1, G_MAXINT32);

      if (shot == NULL)
        {
          g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                       _ ("There is no shot %" PRId64 " in this project."), shot_id);
          return FALSE;
        }
      /* Exactly once: a shot already being generated is not queued again. */
      if (shot_has_unfinished_job (self, shot_id))
        continue;

      /* Distinct seeds make distinct variants. */
      for (guint v = 0; v < variants; v++)
        g_ptr_array_add (jobs, new_job (self, shot, options, backend_name, batch_id,
                                        (base_seed + (gint64) v * 7919) % G_MAXINT32, v));
    }
  return TRUE;
}

gint64
reel_scheduler_generate (ReelScheduler             *self,
                         const gint64              *shot_ids,
                         guint                      n_shots,
                         const ReelGenerateOptions *options,
                         GError                   **error)
{
  g_autoptr (GPtrArray) jobs
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);
  g_autoptr (GArray) ids = NULL;
  ReelGenerateOptions defaults = { 0 };
  const char         *backend_name;
  gint64              batch_id;

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), 0);

  if (options == NULL)
    options = &defaults;
  backend_name = options->backend != NULL ? options->backend : "animatic";
  if (!g_hash_table_contains (self->backends, backend_name))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("There is no backend called “%s”."), backend_name);
      return 0;
    }

  ids = shots_to_generate (self, shot_ids, n_shots, options->regenerate);
  /* Unique enough, and ordered: the time the batch was made. */
  batch_id = g_get_real_time ();
  if (!plan_jobs (self, ids, options, backend_name, batch_id, jobs, error) || jobs->len == 0
      || !reel_project_queue_jobs (self->project, jobs, error))
    return 0;

  g_debug ("Queued %u jobs on %s as batch %" G_GINT64_FORMAT, jobs->len, backend_name, batch_id);
  adopt_jobs (self, jobs);
  schedule (self);
  return batch_id;
}

guint
reel_scheduler_resume_unfinished_jobs (ReelScheduler *self, GError **error)
{
  g_autoptr (GPtrArray) unfinished = NULL;
  g_autoptr (GPtrArray) requeue = g_ptr_array_new ();
  g_autoptr (GPtrArray) adopt = g_ptr_array_new ();

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), 0);

  /* Temporaries of workers killed mid-write are garbage now. */
  reel_media_store_remove_stale_temporaries (self->store, 0);

  unfinished = reel_project_list_jobs (self->project, TRUE);
  for (guint i = 0; i < unfinished->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (unfinished, i);

      if (g_hash_table_contains (self->jobs, &job->id))
        continue;

      /* A job that was running when the last process died starts again from
       * the queue; one with a remote id resumes polling, never resubmits. */
      if (job->state != REEL_JOB_QUEUED)
        {
          job->state = REEL_JOB_QUEUED;
          g_ptr_array_add (requeue, job);
        }
      g_ptr_array_add (adopt, job);
    }

  if (!reel_project_update_jobs (self->project, requeue, error))
    return 0;

  if (adopt->len > 0)
    g_message ("Resuming %u unfinished jobs", adopt->len);
  adopt_jobs (self, adopt);
  schedule (self);
  return adopt->len;
}

gboolean
reel_scheduler_cancel_job (ReelScheduler *self, gint64 job_id, GError **error)
{
  ReelJobRecord  *job;
  ReelJobContext *context;

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), FALSE);

  job = g_hash_table_lookup (self->jobs, &job_id);
  if (job == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("Job %" PRId64 " is not running or queued."), job_id);
      return FALSE;
    }

  context = g_hash_table_lookup (self->running, &job_id);
  if (context != NULL)
    {
      /* The worker notices, stops, and its outcome records the cancel. */
      g_hash_table_add (self->user_cancelled, id_key (job_id));
      g_cancellable_cancel (reel_job_context_get_cancellable (context));
      return TRUE;
    }

  job->state = REEL_JOB_CANCELLED;
  write_job (self, job);
  g_signal_emit (self, signals[JOB_CHANGED], 0, job_id, (guint) job->state);
  count_in_batch (self, job, FALSE);
  g_hash_table_remove (self->jobs, &job_id);
  check_idle (self);
  return TRUE;
}

void
reel_scheduler_cancel_all (ReelScheduler *self)
{
  g_autoptr (GList) ids = NULL;

  g_return_if_fail (REEL_IS_SCHEDULER (self));

  ids = g_hash_table_get_keys (self->jobs);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      gint64 id = *(gint64 *) l->data;
      reel_scheduler_cancel_job (self, id, NULL);
    }
}

gboolean
reel_scheduler_retry_job (ReelScheduler *self, gint64 job_id, GError **error)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GPtrArray) adopt = g_ptr_array_new ();

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), FALSE);

  job = reel_project_get_job (self->project, job_id);
  if (job == NULL || !reel_job_state_can_change (job->state, REEL_JOB_QUEUED)
      || g_hash_table_contains (self->jobs, &job_id))
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("Only failed or cancelled jobs can be tried again."));
      return FALSE;
    }

  job->state = REEL_JOB_QUEUED;
  job->attempts = 0;
  job->next_attempt_at = 0;
  job->error_kind = REEL_FAILURE_NONE;
  g_clear_pointer (&job->error, g_free);
  g_clear_pointer (&job->message, g_free);
  if (!reel_project_update_job (self->project, job, error))
    return FALSE;

  g_ptr_array_add (adopt, job);
  adopt_jobs (self, adopt);
  schedule (self);
  return TRUE;
}

void
reel_scheduler_shutdown (ReelScheduler *self)
{
  GHashTableIter iter;
  gpointer       value;

  g_return_if_fail (REEL_IS_SCHEDULER (self));

  if (self->shutting_down)
    return;
  self->shutting_down = TRUE;

  g_clear_handle_id (&self->schedule_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);

  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (reel_job_context_get_cancellable (value));

  /* Waits for the workers; their outcomes are dropped with the main loop. */
  g_hash_table_remove_all (self->pools);
}

guint
reel_scheduler_get_n_unfinished (ReelScheduler *self)
{
  g_return_val_if_fail (REEL_IS_SCHEDULER (self), 0);
  return g_hash_table_size (self->jobs);
}

guint
reel_scheduler_get_n_running (ReelScheduler *self)
{
  g_return_val_if_fail (REEL_IS_SCHEDULER (self), 0);
  return g_hash_table_size (self->running);
}

GPtrArray *
reel_scheduler_list_jobs (ReelScheduler *self)
{
  GPtrArray *jobs;

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), NULL);

  jobs = reel_project_list_jobs (self->project, FALSE);
  /* The scheduler's own copies carry live progress. */
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);
      ReelJobRecord *live = g_hash_table_lookup (self->jobs, &job->id);

      if (live != NULL)
        {
          g_ptr_array_index (jobs, i) = reel_job_record_copy (live);
          reel_job_record_free (job);
        }
    }
  return jobs;
}
