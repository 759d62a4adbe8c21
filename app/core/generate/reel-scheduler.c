/* reel-scheduler.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "reel-animatic-backend.h"
#include "reel-animatic.h"
#include "reel-job-context-private.h"
#include "reel-job-screen.h"
#include "reel-media-store.h"
#include "reel-project-import.h"
#include "reel-project-ledger.h"
#include "reel-scheduler-private.h"

struct _ReelScheduler
{
  GObject parent_instance;

  ReelProject    *project;
  ReelMediaStore *store;
  GMainContext   *main_context;
  ReelRetryPolicy retry_policy;

  GHashTable  *backends;  /* name → ReelBackend* */
  GHashTable  *limits;    /* name → GUINT_TO_POINTER (limit), user overrides */
  GHashTable  *pools;     /* name → GThreadPool* */
  GHashTable  *jobs;      /* gint64* id → ReelJobRecord*, unfinished jobs */
  GHashTable  *running;   /* gint64* id → ReelJobContext* */
  GHashTable  *searching; /* gint64* ids of running jobs looking for a lost create's task */
  GHashTable  *batches;   /* gint64* batch → Batch* */
  GAsyncQueue *outcomes;  /* Outcome*, handed back by workers, not yet delivered */

  guint    schedule_source;
  guint    retry_source;
  guint    orphans_source;
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
static void project_changed_cb (ReelScheduler *self, ReelChangeFlags flags);
static void cancel_jobs_of_deleted_shots (ReelScheduler *self);

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
  g_clear_pointer (&self->searching, g_hash_table_unref);
  g_clear_pointer (&self->batches, g_hash_table_unref);
  g_clear_pointer (&self->outcomes, g_async_queue_unref);
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
  self->batches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->searching = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->outcomes = g_async_queue_new ();
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
  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                           G_CONNECT_SWAPPED);
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

static guint parallel_limit (ReelScheduler *self, ReelBackend *backend);

void
reel_scheduler_add_backend (ReelScheduler *self, ReelBackend *backend)
{
  GThreadPool *pool;

  g_return_if_fail (REEL_IS_SCHEDULER (self));
  g_return_if_fail (REEL_IS_BACKEND (backend));

  g_hash_table_replace (self->backends, g_strdup (reel_backend_get_name (backend)),
                        g_object_ref (backend));
  /* A new set-up may allow more jobs at once (sd-cli once the GPUs are
   * known): its workers follow. */
  pool = g_hash_table_lookup (self->pools, reel_backend_get_name (backend));
  if (pool != NULL)
    g_thread_pool_set_max_threads (pool, parallel_limit (self, backend), NULL);
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
  GPtrArray     *list = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->backends);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, g_object_ref (value));
  return list;
}

static guint
parallel_limit (ReelScheduler *self, ReelBackend *backend)
{
  ReelBackendCapabilities caps;
  guint                   user
      = GPOINTER_TO_UINT (g_hash_table_lookup (self->limits, reel_backend_get_name (backend)));

  /* The backend's limit is the service's: the user's setting can lower it,
   * never raise it. */
  reel_backend_get_capabilities (backend, &caps);
  if (user > 0)
    return MAX (MIN (user, caps.max_parallel_jobs), 1);
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

/* Main thread: what the workers handed back so far. */
static void
deliver_outcomes (ReelScheduler *self)
{
  Outcome *outcome;

  while ((outcome = g_async_queue_try_pop (self->outcomes)) != NULL)
    {
      outcome_deliver (outcome);
      outcome_free (outcome);
    }
}

static gboolean
deliver_outcomes_cb (gpointer user_data)
{
  deliver_outcomes (user_data);
  return G_SOURCE_REMOVE;
}

/* The media store names the file it refused, and a backend's result has
 * only a temporary name: say what it is instead. The error keeps its code,
 * which decides whether to try again. */
static GError *
describe_unusable_result (ReelBackend *backend, GError *error)
{
  GError     *described;
  const char *service = reel_backend_get_display_name (backend);

  if (error->domain != REEL_MEDIA_ERROR
      || (error->code != REEL_MEDIA_ERROR_NOT_MEDIA && error->code != REEL_MEDIA_ERROR_DAMAGED
          && error->code != REEL_MEDIA_ERROR_UNSUPPORTED))
    return error;

  described = g_error_new (REEL_MEDIA_ERROR, error->code,
                           error->code == REEL_MEDIA_ERROR_DAMAGED
                               ? _ ("The clip %s returned is damaged or cut short.")
                               : _ ("%s returned a file that is not a video Storyreel can use."),
                           service);
  g_debug ("The result was refused: %s", error->message);
  g_error_free (error);
  return described;
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

  if (g_cancellable_set_error_if_cancelled (cancellable, &error)
      || !reel_scheduler_make_start_image (context, &error))
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

  /* Verified and renamed into the store, or refused and removed. This stays
   * here, in the backend's pool and under the job's cancellable, rather than
   * going through reel_project_import_take_async(): the main thread then
   * records the take and the job's end in one transaction. */
  outcome->media
      = reel_media_store_add_file (store, result, REEL_MEDIA_ADD_MOVE, cancellable, &error);
  if (outcome->media == NULL && error != NULL)
    error = describe_unusable_result (backend, error);
  if (outcome->media != NULL && !reel_scheduler_join_segments (context, &outcome->media, &error))
    g_clear_pointer (&outcome->media, reel_media_info_free);
  if (outcome->media != NULL)
    outcome->thumbnail = reel_media_store_add_thumbnail (
        store, outcome->media->relative_path, outcome->media->duration / 2, 320, cancellable, NULL);

out:
  if (error != NULL && g_cancellable_is_cancelled (cancellable))
    {
      /* Stop is not cancel: a quit or a closed project leaves the remote
       * task running, to be resumed next time. Only the user's Cancel
       * asks the service to stop, and pays for nothing more. */
      if ((caps.features & REEL_BACKEND_REMOTE) && reel_job_context_is_cancelled_by_user (context))
        reel_backend_cancel (backend, context);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
        }
    }
  reel_job_context_redact_error (context, error);
  outcome->error = error;

  /* Always through the main thread, never run here: g_main_context_invoke()
   * would call it in this thread whenever the main thread is not iterating
   * the context (say, while it waits for the workers at shutdown), and the
   * scheduler and the project belong to the main thread. The queue lets
   * shutdown take what the main loop has not delivered yet. */
  {
    g_autoptr (GSource) source = g_idle_source_new ();
    ReelScheduler *scheduler = outcome->scheduler;

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, deliver_outcomes_cb, g_object_ref (scheduler), g_object_unref);
    g_source_set_static_name (source, "[storyreel] job outcome");
    g_async_queue_push (scheduler->outcomes, outcome);
    g_source_attach (source, scheduler->main_context);
  }
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

/* @job's task id is committed: jobs held back while it had none may go. */
static void
task_known (ReelScheduler *self, ReelJobRecord *job)
{
  g_hash_table_remove (self->searching, &job->id);
  schedule (self);
}

static void
record_resume_state (ReelScheduler  *self,
                     ReelJobRecord  *job,
                     ReelJobContext *context,
                     const char     *state)
{
  /* A copy: after a stop, the worker may go on without waiting for this. */
  g_autofree char *remote_id = reel_job_context_dup_remote_id (context);
  g_autofree char *previous = g_steal_pointer (&job->resume);
  gboolean         committed;

  job->resume = g_strdup (state);
  if (remote_id != NULL && g_strcmp0 (remote_id, job->remote_id) != 0)
    {
      g_free (job->remote_id);
      job->remote_id = g_strdup (remote_id);
      job->state = REEL_JOB_RUNNING;
      g_debug ("Job %" G_GINT64_FORMAT " submitted as %s", job->id, remote_id);
    }

  /* Durable before the worker goes on: a crash after this resumes from this
   * state, and never pays for a second task. */
  committed = write_job (self, job);
  /* Unsaved, a note written before a request leaves is not true: the worker
   * does not send the request, and the next attempt must not look for what
   * was never made. A state that names a task stays, saved or not: the task
   * exists, and the next attempt of this run resumes it. */
  if (!committed && remote_id == NULL)
    {
      g_free (job->resume);
      job->resume = g_steal_pointer (&previous);
    }
  reel_job_context_acknowledge (context, committed);
  g_signal_emit (self, signals[JOB_CHANGED], 0, job->id, (guint) job->state);
  if (job->remote_id != NULL)
    task_known (self, job);
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

  /* A stopped scheduler records nothing more: the next one may already own
   * these jobs, and resumes them from what was committed before the stop. */
  if (job == NULL || self->shutting_down)
    {
      if (kind == REEL_JOB_REPORT_SUBMITTED || kind == REEL_JOB_REPORT_RESUME_STATE)
        reel_job_context_acknowledge (context, FALSE);
      return;
    }

  switch (kind)
    {
      case REEL_JOB_REPORT_RESUME_STATE:
        record_resume_state (self, job, context, text);
        break;

      case REEL_JOB_REPORT_SUBMITTED:
        g_free (job->remote_id);
        job->remote_id = g_strdup (text);
        job->state = REEL_JOB_RUNNING;
        g_debug ("Job %" G_GINT64_FORMAT " submitted as %s", id, text);
        /* Durable before the worker polls: a crash now resumes, never resubmits. */
        reel_job_context_acknowledge (context, write_job (self, job));
        g_signal_emit (self, signals[JOB_CHANGED], 0, id, (guint) job->state);
        task_known (self, job);
        break;

      case REEL_JOB_REPORT_PROGRESS:
        if (fraction >= 0)
          job->progress = CLAMP (fraction, 0.0, 1.0);
        if (job->state == REEL_JOB_SUBMITTING)
          job->state = REEL_JOB_RUNNING;
        g_free (job->message);
        job->message
            = reel_scheduler_describe_progress (reel_job_context_get_request (context), text);
        g_signal_emit (self, signals[JOB_PROGRESS], 0, id, job->progress, job->message);
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
  gint64           source_id = 0;
  const char      *start = reel_scheduler_find_take_start (request, &source_id);
  g_autofree char *from = NULL;

  /* Where it started, as reel_take_get_start() reads it. */
  if (start != NULL)
    from = g_strdup_printf (", \"start\": \"%s\", \"start_source_id\": %" G_GINT64_FORMAT, start,
                            source_id);
  return g_strdup_printf ("{\"width\": %u, \"height\": %u, \"fps\": %u, \"duration\": %.3f,"
                          " \"camera\": \"%s\"%s}",
                          request->width, request->height, request->fps, request->duration,
                          reel_camera_move_to_string (request->camera), from != NULL ? from : "");
}

/* The take that records a worker's result, as an import would with what
 * the job asked for; NULL with @error when the result cannot be a take. */
static ReelTake *
take_for_outcome (ReelJobRecord *job, Outcome *outcome, GError **error)
{
  const ReelJobRequest    *request = reel_job_context_get_request (outcome->context);
  const ReelServiceReport *report = reel_job_context_get_service_report (outcome->context);
  ReelBackendCapabilities  caps;
  g_autofree char         *params = take_params (request);
  ReelTake template = { 0 };

  reel_backend_get_capabilities (outcome->backend, &caps);

  template.job_id = job->id;
  template.backend = job->backend;
  template.model
      = job->model != NULL ? job->model : (char *) reel_backend_get_model (outcome->backend);
  template.prompt = request->prompt;
  template.seed = job->seed;
  template.params = params;
  template.cost = MAX (reel_backend_estimate_cost (outcome->backend, request), 0);
  template.currency = (char *) caps.currency;
  template.billed_seconds = -1;

  /* What the service says it did wins over what was asked and estimated:
   * the seed it used, its rewritten prompt, and the cost it billed. */
  if (report->seed >= 0)
    template.seed = report->seed;
  template.actual_prompt = (char *) report->actual_prompt;
  template.usage = (char *) report->usage;
  template.billed_seconds = report->billed_seconds;
  if (report->cost >= 0)
    {
      template.cost = report->cost;
      if (report->currency != NULL)
        template.currency = (char *) report->currency;
    }

  return reel_take_new_for_media (&template, outcome->media, outcome->thumbnail, NULL, error);
}

/* The job's row went from the file while it ran (cleared in another
 * window, say): the take has nowhere to go, but the charge must. */
static void
record_result_of_lost_job (ReelScheduler *self, ReelJobRecord *job, ReelTake *take)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *note = NULL;

  if (take->cost <= 0)
    return;
  note = g_strdup_printf (_ ("The job was removed from the project before its clip arrived. The "
                             "clip is kept in the project’s media folder as %s."),
                          take->media);
  if (!reel_project_record_charge (self->project, job->id, job->backend, take->cost, take->currency,
                                   note, take->usage, &error))
    g_warning ("Could not record the charge of job %" G_GINT64_FORMAT ": %s", job->id,
               error->message);
}

static void
record_success (ReelScheduler *self, ReelJobRecord *job, ReelTake *take)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) in_file = NULL;

  if (!reel_project_finish_job (self->project, job, take, &error))
    {
      /* Still unfinished in the file when the write failed: the next start
       * fetches the result again. Gone from the file: only the charge is left
       * to record. Recorded already: nothing is. */
      g_message ("Result of job %" G_GINT64_FORMAT " not recorded: %s", job->id, error->message);
      if (g_error_matches (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND)
          && (in_file = reel_project_get_job (self->project, job->id)) == NULL)
        record_result_of_lost_job (self, job, take);
      count_in_batch (self, job, FALSE);
      return;
    }

  if (job->state == REEL_JOB_DONE)
    g_debug ("Job %" G_GINT64_FORMAT " made take %" G_GINT64_FORMAT " (%s)", job->id, take->id,
             take->media);
  else
    g_message ("Job %" G_GINT64_FORMAT " ended without a take: %s", job->id, job->error);
  g_signal_emit (self, signals[JOB_CHANGED], 0, job->id, (guint) job->state);
  count_in_batch (self, job, job->state == REEL_JOB_DONE);
}

static void
record_failure (ReelScheduler *self, ReelJobRecord *job, const GError *error, double retry_after)
{
  ReelFailureKind kind = classify_error (error);
  double          delay = 0;

  g_free (job->error);
  job->error = g_strdup (error->message);
  job->error_kind = kind;

  if (reel_retry_policy_should_retry (&self->retry_policy, kind, job->attempts, g_random_double (),
                                      &delay))
    {
      /* The service said when to come back: never sooner. */
      delay = MAX (delay, retry_after);
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

/* A service may bill a job that then fails (a clip refused after it was
 * made): the ledger records the charge all the same. */
static void
record_charge (ReelScheduler *self, ReelJobRecord *job, Outcome *outcome)
{
  g_autoptr (GError) error = NULL;
  const char *currency, *usage;
  double      cost;

  if (!reel_job_context_get_charge (outcome->context, &cost, &currency, &usage))
    return;
  if (!reel_project_record_charge (self->project, job->id, job->backend, cost, currency,
                                   outcome->error != NULL ? outcome->error->message : NULL, usage,
                                   &error))
    g_warning ("Could not record the charge of job %" G_GINT64_FORMAT ": %s", job->id,
               error->message);
}

/* Stopping waits for the workers, and one may have finished its clip just
 * then: it is in the media store, and the link to it may not outlive the
 * next start. The project is still open (the scheduler holds it), so the
 * take is recorded now; if that fails, the job keeps its task in the file
 * and the next start fetches the clip again. Nothing else is recorded: the
 * next scheduler resumes the job from the file. */
static void
record_stopped_outcome (ReelScheduler *self, Outcome *outcome)
{
  gint64         id = reel_job_context_get_job_id (outcome->context);
  ReelJobRecord *job = g_hash_table_lookup (self->jobs, &id);
  g_autoptr (ReelTake) take = NULL;
  g_autoptr (GError) error = NULL;

  if (job == NULL || outcome->error != NULL || outcome->media == NULL)
    return;
  if (reel_scheduler_record_segment (self->project, job, outcome->context, outcome->backend,
                                     outcome->media))
    {
      g_hash_table_remove (self->jobs, &id);
      return;
    }
  if ((take = take_for_outcome (job, outcome, &error)) == NULL
      || !reel_project_finish_job (self->project, job, take, &error))
    {
      g_message ("Result of job %" G_GINT64_FORMAT " not recorded while stopping: %s", id,
                 error->message);
      return;
    }
  g_debug ("Job %" G_GINT64_FORMAT " recorded while stopping", id);
  g_hash_table_remove (self->jobs, &id);
}

static void
outcome_deliver (Outcome *outcome)
{
  ReelScheduler *self = outcome->scheduler;
  gint64         id = reel_job_context_get_job_id (outcome->context);
  ReelJobRecord *job = g_hash_table_lookup (self->jobs, &id);
  gboolean       by_user = reel_job_context_is_cancelled_by_user (outcome->context);
  g_autoptr (ReelTake) take = NULL;

  if (self->shutting_down)
    {
      record_stopped_outcome (self, outcome);
      return;
    }
  g_hash_table_remove (self->running, &id);
  g_hash_table_remove (self->searching, &id);

  if (job == NULL)
    return;

  record_charge (self, job, outcome);
  if (reel_job_context_is_remote_task_dropped (outcome->context))
    {
      /* The service said the task is over: the next attempt makes a new one.
       * Any other failure (a full disk, say) keeps it, to be resumed. */
      g_clear_pointer (&job->remote_id, g_free);
      g_clear_pointer (&job->resume, g_free);
    }

  /* A result that cannot be a take (audio, say) fails like a broken one. */
  if (outcome->error == NULL
      && reel_scheduler_record_segment (self->project, job, outcome->context, outcome->backend,
                                        outcome->media))
    {
      g_signal_emit (self, signals[JOB_CHANGED], 0, id, (guint) job->state);
      count_in_batch (self, job, job->state == REEL_JOB_DONE);
      g_hash_table_remove (self->jobs, &id);
    }
  else if (outcome->error == NULL
           && (take = take_for_outcome (job, outcome, &outcome->error)) != NULL)
    {
      record_success (self, job, take);
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
      record_failure (self, job, outcome->error,
                      reel_job_context_get_retry_after (outcome->context));
      if (job->state != REEL_JOB_QUEUED)
        g_hash_table_remove (self->jobs, &id);
    }

  schedule (self);
  check_idle (self);
}

/* ------------------------------------------------------------------------ */
/* Costs and the budget                                                      */

void
reel_cost_estimate_clear (ReelCostEstimate *estimate)
{
  g_clear_pointer (&estimate->currency, g_free);
  g_clear_pointer (&estimate->jobs, g_ptr_array_unref);
}

static char *
describe_cost (const ReelCostEstimate *estimate)
{
  g_autofree char *shots = NULL;
  g_autofree char *money = NULL;

  if (estimate->duration > 0)
    /* Translators: "12 shots × 5 s" */
    shots = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u shot × %.0f s", "%u shots × %.0f s", estimate->n_jobs),
        estimate->n_jobs, estimate->duration);
  else
    /* Translators: "12 shots, 64 s in all" */
    shots = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u shot, %.0f s in all",
                                          "%u shots, %.0f s in all", estimate->n_jobs),
                             estimate->n_jobs, estimate->seconds);

  if (estimate->currency == NULL)
    /* Translators: "3 shots × 4 s, free" */
    return g_strdup_printf (_ ("%s, free"), shots);

  money = reel_format_money (estimate->amount, estimate->currency);
  if (estimate->n_unpriced > 0)
    /* Translators: "12 shots × 5 s ≈ ¥8.40 and 2 of unknown price" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s ≈ %s, and %u of unknown price",
                                         "%s ≈ %s, and %u of unknown price", estimate->n_unpriced),
                            shots, money, estimate->n_unpriced);
  /* Translators: "12 shots × 5 s ≈ ¥8.40" */
  return g_strdup_printf (_ ("%s ≈ %s"), shots, money);
}

char *
reel_cost_estimate_describe (const ReelCostEstimate *estimate)
{
  g_autofree char *cost = describe_cost (estimate);

  if (estimate->n_blocked == 0)
    return g_steal_pointer (&cost);
  /* Translators: "3 shots × 4 s ≈ ¥2.40; 2 shots blocked" (by the safety screen) */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s; %u shot blocked",
                                       "%s; %u shots blocked", estimate->n_blocked),
                          cost, estimate->n_blocked);
}

/* What the unfinished jobs in @currency may still cost. */
static double
committed_cost (ReelScheduler *self, const char *currency)
{
  GHashTableIter iter;
  gpointer       value;
  double         total = 0;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ReelJobRecord          *job = value;
      ReelBackend            *backend = g_hash_table_lookup (self->backends, job->backend);
      ReelBackendCapabilities caps;
      g_autoptr (ReelJobRequest) request = NULL;
      double cost;

      if (backend == NULL)
        continue;
      reel_backend_get_capabilities (backend, &caps);
      if (g_strcmp0 (caps.currency, currency) != 0
          || (request = reel_job_request_new_from_json (job->request, NULL)) == NULL)
        continue;
      cost = reel_backend_estimate_cost (backend, request);
      total += MAX (cost, 0);
    }
  return total;
}

/* What is left of the project's budget in @currency, counting what the
 * unfinished jobs will cost. FALSE when the project has no budget in that
 * currency. */
static gboolean
budget_left (ReelScheduler *self, const char *currency, double *left)
{
  const char *budget_currency;
  double      budget;

  if (currency == NULL || !reel_project_get_budget (self->project, &budget, &budget_currency)
      || g_strcmp0 (budget_currency, currency) != 0)
    return FALSE;
  *left
      = budget - reel_project_get_spent (self->project, currency) - committed_cost (self, currency);
  return TRUE;
}

static gboolean
check_budget (ReelScheduler *self, double amount, const char *currency, GError **error)
{
  g_autofree char *needed = NULL;
  g_autofree char *available = NULL;
  double           left;

  if (amount <= 0 || !budget_left (self, currency, &left) || amount <= left + 1e-9)
    return TRUE;

  needed = reel_format_money (amount, currency);
  available = reel_format_money (MAX (left, 0), currency);
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("This would cost %s, but only %s of the project’s budget is left. Raise the "
                  "budget in Preferences, or generate fewer shots."),
               needed, available);
  return FALSE;
}

/* A new submission waits for the budget: what was spent and what the
 * unfinished jobs (this one included) will cost must fit in it. A job whose
 * task already exists is never held back. */
static gboolean
budget_allows (ReelScheduler *self, ReelJobRecord *job, ReelBackend *backend, GError **error)
{
  ReelBackendCapabilities caps;
  g_autofree char        *budget = NULL;
  const char             *currency;
  double                  amount, left;

  reel_backend_get_capabilities (backend, &caps);
  if (job->remote_id != NULL || !budget_left (self, caps.currency, &left) || left >= -1e-9)
    return TRUE;

  reel_project_get_budget (self->project, &amount, &currency);
  budget = reel_format_money (amount, currency);
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("Not sent: the project’s budget of %s is spent. Raise it in Preferences to "
                  "generate more."),
               budget);
  return FALSE;
}

/* Other tasks this project knows for @backend: a backend looking for the
 * task of a lost create must not take one of these for its own. Only read
 * when it can matter, as it lists every job. */
static GStrv
known_remote_ids (ReelScheduler *self, const ReelJobRecord *job)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (self->project, FALSE);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *other = g_ptr_array_index (jobs, i);

      if (other->id != job->id && other->remote_id != NULL
          && g_strcmp0 (other->backend, job->backend) == 0)
        g_strv_builder_add (builder, other->remote_id);
    }
  return g_strv_builder_end (builder);
}

static ReelJobContext *
new_job_context (ReelScheduler *self, ReelJobRecord *job, const ReelJobRequest *request)
{
  ReelJobContext *context
      = reel_job_context_new (job->id, job->attempts, request, job->remote_id, self->store,
                              self->main_context, job_report, G_OBJECT (self));

  reel_job_context_set_resume_state (context, job->resume);
  if (job->resume != NULL && job->remote_id == NULL)
    {
      g_auto (GStrv) known = known_remote_ids (self, job);
      reel_job_context_set_known_remote_ids (context, (const char *const *) known);
    }
  return context;
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

/* Which jobs of a backend are between sending a create and committing the
 * task id it made, for this dispatch pass. */
typedef enum
{
  UNTASKED_CREATING = 1 << 0,  /* one of them may be making a task just now */
  UNTASKED_SEARCHING = 1 << 1, /* one looks for a lost create's task, or waits to */
} UntaskedFlags;

static UntaskedFlags
untasked_flags (ReelScheduler *self, GHashTable *pass, const char *backend)
{
  GHashTableIter iter;
  gpointer       key, value;
  UntaskedFlags  flags = 0;

  if (g_hash_table_lookup_extended (pass, backend, NULL, &value))
    return GPOINTER_TO_UINT (value);

  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      ReelJobRecord *job = g_hash_table_lookup (self->jobs, key);

      if (job == NULL || job->remote_id != NULL || g_strcmp0 (job->backend, backend) != 0)
        continue;
      flags |= UNTASKED_CREATING;
      if (g_hash_table_contains (self->searching, key))
        flags |= UNTASKED_SEARCHING;
    }
  g_hash_table_insert (pass, (gpointer) backend, GUINT_TO_POINTER (flags));
  return flags;
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
  record_failure (self, job, error, 0);
  g_hash_table_remove (self->jobs, &id);
}

/* Nothing the blocklist stops reaches a backend, whether queued, retried or
 * resumed. It fails at once as refused, is not retried, and costs nothing.
 * A job with a remote task was sent already, and its result is paid for.
 * FALSE when @job was failed (and is gone). */
static gboolean
screen_job (ReelScheduler *self, ReelJobRecord *job)
{
  g_autoptr (ReelJobRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = job->id;

  if (job->remote_id != NULL
      || (request = reel_job_request_new_from_json (job->request, NULL)) == NULL
      || reel_job_request_screen (request, &error))
    return TRUE;
  job->attempts = MAX (job->attempts, 1);
  record_failure (self, job, error, 0);
  g_hash_table_remove (self->searching, &id);
  g_hash_table_remove (self->jobs, &id);
  return FALSE;
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

/* A job whose create's reply was lost looks for its task among the
 * service's recent ones, and takes any that no other job has claimed. That
 * is sound only while no other job of the backend is between sending a
 * create and committing its task: it runs alone among them, and those after
 * it wait until it has its task. FALSE when @job must wait for its turn. */
static gboolean
may_look_for_task (ReelScheduler *self,
                   ReelJobRecord *job,
                   ReelBackend   *backend,
                   GHashTable    *untasked)
{
  ReelBackendCapabilities caps;
  UntaskedFlags           flags;
  gboolean                lost_task;

  reel_backend_get_capabilities (backend, &caps);
  if (job->remote_id != NULL || !(caps.features & REEL_BACKEND_REMOTE))
    return TRUE;

  lost_task = job->resume != NULL;
  flags = untasked_flags (self, untasked, job->backend);
  if ((flags & UNTASKED_SEARCHING) || (lost_task && (flags & UNTASKED_CREATING)))
    {
      /* Its turn comes first: no new create gets ahead of it. */
      if (lost_task)
        g_hash_table_insert (untasked, job->backend, GUINT_TO_POINTER (flags | UNTASKED_SEARCHING));
      return FALSE;
    }
  return TRUE;
}

/* Takes one of the backend's free slots for this pass, if there is one. */
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
mark_starting (ReelScheduler *self, ReelJobRecord *job, ReelBackend *backend, GHashTable *untasked)
{
  ReelBackendCapabilities caps;
  gboolean                needs_task, lost_task;

  reel_backend_get_capabilities (backend, &caps);
  needs_task = job->remote_id == NULL && (caps.features & REEL_BACKEND_REMOTE);
  lost_task = needs_task && job->resume != NULL;
  if (needs_task)
    g_hash_table_insert (untasked, job->backend,
                         GUINT_TO_POINTER (untasked_flags (self, untasked, job->backend)
                                           | UNTASKED_CREATING
                                           | (lost_task ? UNTASKED_SEARCHING : 0)));
  if (lost_task)
    g_hash_table_add (self->searching, id_key (job->id));

  job->attempts++;
  /* Only a remote service has a submission step worth showing. */
  job->state = needs_task ? REEL_JOB_SUBMITTING : REEL_JOB_RUNNING;
  job->next_attempt_at = 0;
  g_clear_pointer (&job->message, g_free);
}

/* Chooses the jobs to start in this pass; returns when the next waiting
 * retry is due (G_MAXINT64: none). */
static gint64
pick_jobs (ReelScheduler *self, gint64 now, GPtrArray *starting, GPtrArray *broken)
{
  g_autoptr (GPtrArray) queued = queued_jobs (self);
  g_autoptr (GHashTable) slots = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) untasked = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 next_due = G_MAXINT64;

  for (guint i = 0; i < queued->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (queued, i);
      ReelBackend   *backend = g_hash_table_lookup (self->backends, job->backend);

      if (job->next_attempt_at > now)
        next_due = MIN (next_due, job->next_attempt_at);
      else if (backend == NULL)
        g_ptr_array_add (broken, job);
      else if (!reel_scheduler_job_must_wait (self->project, self->jobs, job)
               && may_look_for_task (self, job, backend, untasked)
               && take_slot (self, slots, job, backend))
        {
          mark_starting (self, job, backend, untasked);
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

/* Jobs whose rows went from the file (cleared in another window, say) can
 * never be recorded: this scheduler lets them go. */
static void
forget_removed_jobs (ReelScheduler *self, GArray *ids)
{
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr (ReelJobRecord) in_file = reel_project_get_job (self->project, id);
      ReelJobRecord *job = g_hash_table_lookup (self->jobs, &id);

      if (in_file != NULL || job == NULL)
        continue;
      g_message ("Job %" G_GINT64_FORMAT " is no longer in the project", id);
      count_in_batch (self, job, FALSE);
      g_hash_table_remove (self->jobs, &id);
    }
}

/* One transaction for the whole pass: each job is durable as started
 * before its worker begins. When that fails they all go back to the queue. */
static gboolean
record_started (ReelScheduler *self, GPtrArray *starting)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ids = NULL;

  if (starting->len == 0 || reel_project_update_jobs (self->project, starting, &error))
    return TRUE;

  if (g_error_matches (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND))
    g_message ("Could not start jobs: %s", error->message);
  else
    g_warning ("Could not start jobs: %s", error->message);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), starting->len);
  for (guint i = 0; i < starting->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (starting, i);

      job->attempts--;
      job->state = REEL_JOB_QUEUED;
      g_hash_table_remove (self->searching, &job->id);
      g_array_append_val (ids, job->id);
    }
  /* A row that is gone fails the whole pass; without it the rest may start. */
  if (g_error_matches (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND))
    {
      forget_removed_jobs (self, ids);
      schedule (self);
      check_idle (self);
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

  if (!screen_job (self, job))
    {
      /* Its slot is free again. */
      schedule (self);
      check_idle (self);
      return;
    }
  request = reel_job_request_new_from_json (job->request, &error);
  if (request == NULL || !budget_allows (self, job, backend, &error)
      || !reel_scheduler_prepare_request (self->project, backend, job, request, &error))
    {
      fail_now (self, job, error->message);
      /* Its slot is free again, and it may have been the last job. */
      schedule (self);
      check_idle (self);
      return;
    }

  context = new_job_context (self, job, request);
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

/* Jobs just queued show they are blocked at once, without waiting for a slot. */
static void
refuse_blocked_jobs (ReelScheduler *self)
{
  g_autoptr (GPtrArray) queued = queued_jobs (self);
  gboolean refused = FALSE;

  for (guint i = 0; i < queued->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (queued, i);

      if (job->attempts == 0 && !screen_job (self, job))
        refused = TRUE;
    }
  if (refused)
    check_idle (self);
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

  refuse_blocked_jobs (self);
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

/* The still take that is @shot's board, for its takes to say they started
 * from it (a frame chosen from a take is such a still); 0 when none is. */
static gint64
find_board_take (ReelScheduler *self, ReelShot *shot)
{
  g_autoptr (GPtrArray) takes = reel_project_list_takes (self->project, reel_shot_get_id (shot));

  for (guint i = 0; i < takes->len; i++)
    {
      const ReelTake *take = g_ptr_array_index (takes, i);

      if (g_strcmp0 (take->kind, "image") == 0
          && g_strcmp0 (take->media, reel_shot_get_board_image (shot)) == 0)
        return take->id;
    }
  return 0;
}

/* The character of @prompt whose picture the shot starts from. */
static gint64
find_pictured_character (ReelScheduler *self, const ReelShotPrompt *prompt)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (self->project);

  for (guint i = 0; i < prompt->character_ids->len; i++)
    for (guint j = 0; j < characters->len; j++)
      {
        const ReelCharacter *character = g_ptr_array_index (characters, j);

        if (character->id == g_array_index (prompt->character_ids, gint64, i)
            && g_strcmp0 (character->reference_image, prompt->reference_image) == 0)
          return character->id;
      }
  return 0;
}

static ReelJobRequest *
request_for_shot (ReelScheduler *self, ReelShot *shot, const char *model, gint64 seed)
{
  ReelJobRequest *request = reel_job_request_new ();
  GPtrArray      *captions = reel_shot_get_captions (shot);
  ReelScene      *scene = reel_project_lookup_scene (self->project, reel_shot_get_scene_id (shot));
  g_autoptr (ReelShotPrompt) prompt
      = reel_project_dup_shot_prompt (self->project, reel_shot_get_id (shot));
  const char *start_image = reel_shot_get_board_image (shot);

  reel_project_get_resolution (self->project, &request->width, &request->height);
  request->shot_id = reel_shot_get_id (shot);
  request->fps = reel_project_get_fps (self->project);
  request->duration = reel_shot_get_duration (shot);
  request->camera = reel_shot_get_camera (shot);
  request->seed = seed;
  request->model = g_strdup (model);
  /* What the shot's card shows and its take records: the final prompt, exactly. */
  request->prompt = g_steal_pointer (&prompt->prompt);
  request->negative_prompt = g_steal_pointer (&prompt->negative_prompt);
  request->text = g_strdup (reel_shot_get_text (shot));
  request->shot_number = g_strdup (reel_shot_get_number (shot));
  request->scene_heading = g_strdup (scene != NULL ? reel_scene_get_heading (scene)
                                                   : reel_shot_get_scene_heading (shot));
  request->language = g_strdup (reel_project_get_language (self->project));
  /* A shot without a board of its own starts from the picture of a character it shows. */
  if (start_image != NULL)
    {
      request->start_from = g_strdup ("board");
      request->start_source_id = find_board_take (self, shot);
    }
  else if ((start_image = prompt->reference_image) != NULL)
    {
      request->start_from = g_strdup ("character");
      request->start_source_id = find_pictured_character (self, prompt);
    }
  request->start_image = reel_project_get_media_path (self->project, start_image);
  for (guint i = 0; i < captions->len; i++)
    g_ptr_array_add (request->captions, reel_caption_copy (g_ptr_array_index (captions, i)));

  return request;
}

/* A job whose shot was deleted has no shot in the file (ON DELETE SET
 * NULL); its request still names it, for when Undo brings the shot back. */
static void
recover_shot_id (ReelJobRecord *job)
{
  g_autoptr (ReelJobRequest) request = NULL;

  if (job->shot_id != 0 || job->request == NULL
      || (request = reel_job_request_new_from_json (job->request, NULL)) == NULL)
    return;
  job->shot_id = request->shot_id;
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

/* The shots a generate call is about: the ones asked for, or every shot
 * without a take (all of them with @regenerate). */
static GArray *
collect_shot_ids (ReelScheduler             *self,
                  const gint64              *shot_ids,
                  guint                      n_shots,
                  const ReelGenerateOptions *options,
                  GError                   **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (shot_ids != NULL)
    {
      for (guint i = 0; i < n_shots; i++)
        if (reel_project_lookup_shot (self->project, shot_ids[i]) == NULL)
          {
            g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                         _ ("There is no shot %" PRId64 " in this project."), shot_ids[i]);
            return NULL;
          }
      g_array_append_vals (ids, shot_ids, n_shots);
      return g_steal_pointer (&ids);
    }

  for (guint i = 0; i < g_list_model_get_n_items (reel_project_get_shots (self->project)); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (self->project), i);
      gint64 id = reel_shot_get_id (shot);

      if (options->regenerate || reel_shot_get_chosen_take_id (shot) == 0)
        g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

/* The new jobs of a generate call, not yet written. Shots already being
 * generated are left out: each shot is generated once at a time. */
static GPtrArray *
build_jobs (ReelScheduler             *self,
            GArray                    *shot_ids,
            const char                *backend_name,
            const ReelGenerateOptions *options,
            gint64                     batch_id)
{
  GPtrArray *jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);
  guint      variants = MAX (options->variants, 1);

  for (guint i = 0; i < shot_ids->len; i++)
    {
      gint64    shot_id = g_array_index (shot_ids, gint64, i);
      ReelShot *shot = reel_project_lookup_shot (self->project, shot_id);
      gint64    base_seed = options->seed != 0 ? options->seed : g_random_int_range (1, G_MAXINT32);

      /* Deleted since its id was taken (the estimate reads the project in a
       * worker), or already on its way. */
      if (shot == NULL || shot_has_unfinished_job (self, shot_id))
        continue;

      for (guint v = 0; v < variants; v++)
        {
          g_autoptr (ReelJobRequest) request = NULL;
          ReelJobRecord *job = reel_job_record_new ();

          job->shot_id = shot_id;
          job->batch_id = batch_id;
          job->backend = g_strdup (backend_name);
          job->model = g_strdup (options->model);
          job->priority = options->priority;
          job->max_attempts = self->retry_policy.max_attempts;
          /* Distinct seeds make distinct variants. */
          job->seed = (base_seed + (gint64) v * 7919) % G_MAXINT32;
          job->variant = v;
          request = request_for_shot (self, shot, options->model, job->seed);
          reel_scheduler_add_shot_jobs (self->project,
                                        g_hash_table_lookup (self->backends, backend_name), shot,
                                        job, request, jobs);
        }
    }
  return jobs;
}

static ReelBackend *
backend_for_options (ReelScheduler *self, const ReelGenerateOptions *options, GError **error)
{
  const char  *name = options->backend != NULL ? options->backend : "animatic";
  ReelBackend *backend = g_hash_table_lookup (self->backends, name);

  if (backend == NULL)
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("There is no backend called “%s”."), name);
  return backend;
}

/* Adds up what @jobs will cost on @backend. A job the safety screen stops
 * fails before it is sent and costs nothing, so it is only counted as
 * blocked. Touches no scheduler, so a worker may call it. */
static void
add_up_jobs (ReelBackend *backend, GPtrArray *jobs, ReelCostEstimate *estimate)
{
  ReelBackendCapabilities caps;
  g_autoptr (GHashTable) shots = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) blocked = g_hash_table_new (g_int64_hash, g_int64_equal);

  reel_backend_get_capabilities (backend, &caps);
  *estimate = (ReelCostEstimate){ .currency = g_strdup (caps.currency), .budget_left = -1 };

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);
      g_autoptr (ReelJobRequest) request = reel_job_request_new_from_json (job->request, NULL);
      double cost, seconds;

      if (request == NULL)
        continue;
      if (!reel_job_request_screen (request, NULL))
        {
          g_hash_table_add (blocked, &job->shot_id);
          continue;
        }
      g_hash_table_add (shots, &job->shot_id);
      /* The seconds the service makes and bills, which may be more than asked. */
      seconds = reel_backend_billed_seconds (backend, request);
      estimate->n_jobs++;
      estimate->seconds += seconds;
      estimate->duration
          = estimate->n_jobs == 1 || fabs (estimate->duration - seconds) < 1e-6 ? seconds : 0;
      cost = reel_backend_estimate_cost (backend, request);
      if (cost < 0)
        estimate->n_unpriced++;
      else
        estimate->amount += cost;
    }
  estimate->n_shots = g_hash_table_size (shots);
  estimate->n_blocked = g_hash_table_size (blocked);
  if (estimate->amount <= 0 && estimate->n_unpriced == 0)
    g_clear_pointer (&estimate->currency, g_free);
}

/* What is left of the budget once the jobs already queued are paid for. */
static void
estimate_budget (ReelScheduler *self, ReelCostEstimate *estimate)
{
  double left;

  if (budget_left (self, estimate->currency, &left))
    {
      estimate->budget_left = MAX (left, 0);
      estimate->over_budget = estimate->amount > left + 1e-9;
    }
}

gboolean
reel_scheduler_estimate (ReelScheduler             *self,
                         const gint64              *shot_ids,
                         guint                      n_shots,
                         const ReelGenerateOptions *options,
                         ReelCostEstimate          *estimate,
                         GError                   **error)
{
  ReelGenerateOptions defaults = { 0 };
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  ReelBackend *backend;

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), FALSE);

  if (options == NULL)
    options = &defaults;
  if ((backend = backend_for_options (self, options, error)) == NULL
      || (ids = collect_shot_ids (self, shot_ids, n_shots, options, error)) == NULL)
    return FALSE;

  jobs = build_jobs (self, ids, reel_backend_get_name (backend), options, 0);
  add_up_jobs (backend, jobs, estimate);
  estimate_budget (self, estimate);
  return TRUE;
}

/* An estimate worked out in a worker, on a connection of its own to the
 * project's file: every shot's final prompt is read and screened there. */
typedef struct
{
  GFile              *file;
  ReelBackend        *backend;
  GArray             *ids; /* without the shots that have unfinished jobs */
  char               *model;
  ReelGenerateOptions options;
  ReelCostEstimate    estimate;
} Estimate;

static void
estimate_free (Estimate *work)
{
  g_clear_object (&work->file);
  g_clear_object (&work->backend);
  g_clear_pointer (&work->ids, g_array_unref);
  g_free (work->model);
  reel_cost_estimate_clear (&work->estimate);
  g_free (work);
}

static void
estimate_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Estimate *work = task_data;
  GError   *error = NULL;
  g_autoptr (ReelProject) project = reel_project_open (work->file, &error);
  g_autoptr (ReelScheduler) scheduler = NULL;
  g_autoptr (GPtrArray) jobs = NULL;

  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Never started: it only builds the jobs, in this thread. */
  scheduler = reel_scheduler_new (project);
  reel_scheduler_add_backend (scheduler, work->backend);
  jobs
      = build_jobs (scheduler, work->ids, reel_backend_get_name (work->backend), &work->options, 0);
  add_up_jobs (work->backend, jobs, &work->estimate);
  /* Kept: queuing them saves building them again on the main thread. */
  work->estimate.jobs = g_steal_pointer (&jobs);
  reel_scheduler_shutdown (scheduler);
  g_task_return_boolean (task, TRUE);
}

void
reel_scheduler_estimate_async (ReelScheduler             *self,
                               const gint64              *shot_ids,
                               guint                      n_shots,
                               const ReelGenerateOptions *options,
                               GCancellable              *cancellable,
                               GAsyncReadyCallback        callback,
                               gpointer                   user_data)
{
  ReelGenerateOptions defaults = { 0 };
  g_autoptr (GTask) task = NULL;
  g_autoptr (GArray) ids = NULL;
  GError      *error = NULL;
  ReelBackend *backend;
  Estimate    *work;

  g_return_if_fail (REEL_IS_SCHEDULER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_scheduler_estimate_async);
  if (options == NULL)
    options = &defaults;
  if ((backend = backend_for_options (self, options, &error)) == NULL
      || (ids = collect_shot_ids (self, shot_ids, n_shots, options, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  work = g_new0 (Estimate, 1);
  work->file = g_object_ref (reel_project_get_file (self->project));
  work->backend = g_object_ref (backend);
  /* Which shots are being generated is known here only. */
  work->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < ids->len; i++)
    if (!shot_has_unfinished_job (self, g_array_index (ids, gint64, i)))
      g_array_append_val (work->ids, g_array_index (ids, gint64, i));
  work->model = g_strdup (options->model);
  work->options = *options;
  work->options.backend = NULL;
  work->options.model = work->model;
  g_task_set_task_data (task, work, (GDestroyNotify) estimate_free);
  g_task_run_in_thread (task, estimate_thread);
}

gboolean
reel_scheduler_estimate_finish (ReelScheduler    *self,
                                GAsyncResult     *result,
                                ReelCostEstimate *estimate,
                                GError          **error)
{
  Estimate *work;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == reel_scheduler_estimate_async,
                        FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  work = g_task_get_task_data (G_TASK (result));
  *estimate = work->estimate;
  work->estimate = (ReelCostEstimate){ 0 };
  /* The jobs queued meanwhile count too: here, on the scheduler's thread. */
  estimate_budget (self, estimate);
  return TRUE;
}

GPtrArray *
reel_scheduler_dup_requests (ReelScheduler             *self,
                             const gint64              *shot_ids,
                             guint                      n_shots,
                             const ReelGenerateOptions *options,
                             GError                   **error)
{
  ReelGenerateOptions defaults = { 0 };
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  GPtrArray   *requests;
  ReelBackend *backend;

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), NULL);

  if (options == NULL)
    options = &defaults;
  if ((backend = backend_for_options (self, options, error)) == NULL
      || (ids = collect_shot_ids (self, shot_ids, n_shots, options, error)) == NULL)
    return NULL;

  /* The very requests generate would freeze into its jobs. */
  jobs = build_jobs (self, ids, reel_backend_get_name (backend), options, 0);
  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_request_free);
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      g_ptr_array_add (requests, reel_job_request_new_from_json (job->request, NULL));
    }
  return requests;
}

gint64
reel_scheduler_generate_planned (ReelScheduler *self, ReelCostEstimate *estimate, GError **error)
{
  g_autoptr (GPtrArray) planned = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_auto (ReelCostEstimate) sum = { 0 };
  g_autoptr (GHashTable) left_out = g_hash_table_new (g_int64_hash, g_int64_equal);
  ReelBackend *backend;
  gint64       batch_id;

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), 0);
  g_return_val_if_fail (estimate != NULL, 0);

  planned = g_steal_pointer (&estimate->jobs);
  if (planned == NULL || planned->len == 0)
    return 0;
  backend = g_hash_table_lookup (self->backends,
                                 ((ReelJobRecord *) g_ptr_array_index (planned, 0))->backend);
  if (backend == NULL)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("There is no backend called “%s”."),
                   ((ReelJobRecord *) g_ptr_array_index (planned, 0))->backend);
      return 0;
    }

  /* Unique enough, and ordered: the time the batch was made. */
  batch_id = g_get_real_time ();
  jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);
  for (guint i = 0; i < planned->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (planned, i);

      /* Every job of a shot goes (a continuity chain has several), or none. */
      if (g_hash_table_contains (left_out, &job->shot_id)
          || reel_project_lookup_shot (self->project, job->shot_id) == NULL
          || shot_has_unfinished_job (self, job->shot_id))
        {
          g_hash_table_add (left_out, &job->shot_id);
          continue;
        }
      job->batch_id = batch_id;
      /* The worker's scheduler had the default policy. */
      job->max_attempts = self->retry_policy.max_attempts;
      g_ptr_array_add (jobs, g_ptr_array_steal_index (planned, i));
      i--;
    }
  if (jobs->len == 0)
    return 0;

  add_up_jobs (backend, jobs, &sum);
  if (!check_budget (self, sum.amount, sum.currency, error)
      || !reel_project_queue_jobs (self->project, jobs, error))
    return 0;

  g_debug ("Queued %u planned jobs on %s as batch %" G_GINT64_FORMAT, jobs->len,
           reel_backend_get_name (backend), batch_id);
  adopt_jobs (self, jobs);
  schedule (self);
  return batch_id;
}

gint64
reel_scheduler_generate (ReelScheduler             *self,
                         const gint64              *shot_ids,
                         guint                      n_shots,
                         const ReelGenerateOptions *options,
                         GError                   **error)
{
  ReelGenerateOptions defaults = { 0 };
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_auto (ReelCostEstimate) estimate = { 0 };
  ReelBackend *backend;
  gint64       batch_id;

  g_return_val_if_fail (REEL_IS_SCHEDULER (self), 0);

  if (options == NULL)
    options = &defaults;
  if ((backend = backend_for_options (self, options, error)) == NULL
      || (ids = collect_shot_ids (self, shot_ids, n_shots, options, error)) == NULL)
    return 0;

  /* Unique enough, and ordered: the time the batch was made. */
  batch_id = g_get_real_time ();
  jobs = build_jobs (self, ids, reel_backend_get_name (backend), options, batch_id);
  if (jobs->len == 0)
    return 0;

  /* Nothing is queued that the project's budget cannot pay for. */
  add_up_jobs (backend, jobs, &estimate);
  if (!check_budget (self, estimate.amount, estimate.currency, error))
    return 0;

  if (!reel_project_queue_jobs (self->project, jobs, error))
    return 0;

  g_debug ("Queued %u jobs on %s as batch %" G_GINT64_FORMAT, jobs->len,
           reel_backend_get_name (backend), batch_id);
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

  /* Temporaries of workers killed mid-write are garbage. A fresh one may be
   * another's at work on the same media store (an import, another window,
   * a command-line run): only those untouched for an hour go. */
  reel_media_store_remove_stale_temporaries (self->store, G_TIME_SPAN_HOUR);

  unfinished = reel_project_list_jobs (self->project, TRUE);
  for (guint i = 0; i < unfinished->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (unfinished, i);

      if (g_hash_table_contains (self->jobs, &job->id))
        continue;
      recover_shot_id (job);

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
  /* Shots deleted while no scheduler watched (by a command-line run, say). */
  cancel_jobs_of_deleted_shots (self);
  schedule (self);
  return adopt->len;
}

static void
cancel_remote_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  ReelJobContext *context = task_data;
  ReelBackend    *backend = source_object;

  reel_backend_cancel (backend, context);
  g_task_return_boolean (task, TRUE);
}

/* Asks the service to cancel the task of a job that is not running: one
 * short request, in a thread. */
static void
cancel_remote_task (ReelScheduler *self, ReelJobRecord *job)
{
  ReelBackend *backend = g_hash_table_lookup (self->backends, job->backend);
  g_autoptr (ReelJobRequest) request = NULL;
  g_autoptr (GTask) task = NULL;
  ReelJobContext *context;

  if (backend == NULL || (request = reel_job_request_new_from_json (job->request, NULL)) == NULL)
    return;

  context = new_job_context (self, job, request);
  reel_job_context_stop (context, TRUE);
  g_debug ("Cancelling the remote task of queued job %" G_GINT64_FORMAT " (%s)", job->id,
           job->remote_id != NULL ? job->remote_id : "no task id yet");
  task = g_task_new (backend, NULL, NULL, NULL);
  g_task_set_source_tag (task, cancel_remote_task);
  g_task_set_task_data (task, context, (GDestroyNotify) reel_job_context_unref);
  g_task_run_in_thread (task, cancel_remote_thread);
}

/* A chain is one take: cancelling one segment cancels those after it,
 * which wait in the queue for it. */
static void
cancel_later_segments (ReelScheduler *self, ReelJobRecord *job)
{
  g_autoptr (GArray) later = reel_scheduler_list_later_segments (self->jobs, job);

  for (guint i = 0; i < later->len; i++)
    reel_scheduler_cancel_job (self, g_array_index (later, gint64, i), NULL);
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
  cancel_later_segments (self, job);

  context = g_hash_table_lookup (self->running, &job_id);
  if (context != NULL)
    {
      /* The worker notices, asks the service to cancel, stops, and its
       * outcome records the cancel. */
      reel_job_context_stop (context, TRUE);
      return TRUE;
    }

  /* A queued job may already have a task at the service (it was stopped,
   * or waits for a retry): the user's cancel reaches the service too. */
  if (job->remote_id != NULL || job->resume != NULL)
    cancel_remote_task (self, job);

  job->state = REEL_JOB_CANCELLED;
  write_job (self, job);
  g_signal_emit (self, signals[JOB_CHANGED], 0, job_id, (guint) job->state);
  count_in_batch (self, job, FALSE);
  g_hash_table_remove (self->jobs, &job_id);
  /* A job that waited for this one may go now. */
  schedule (self);
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

/* Whether @job's service may charge for a request it was sent. Such a
 * job is not cancelled when its shot goes: a cancel stops a task only
 * while it waits in the service's queue, and one that runs already
 * finishes and bills all the same, where nobody would record it. */
static gboolean
job_may_be_charged (ReelScheduler *self, ReelJobRecord *job)
{
  ReelBackend *backend = g_hash_table_lookup (self->backends, job->backend);
  g_autoptr (ReelJobRequest) request = NULL;

  /* A running job with a note may have a create on its way; a queued one
   * without a task has none (a cancel asks the service about a lost one). */
  if (job->remote_id == NULL
      && (job->resume == NULL || !g_hash_table_contains (self->running, &job->id)))
    return FALSE;
  if (backend == NULL || (request = reel_job_request_new_from_json (job->request, NULL)) == NULL)
    return TRUE;
  /* An unknown price (-1) may be a charge. */
  return reel_backend_estimate_cost (backend, request) != 0;
}

/* The user removed what these jobs were for. One that has not asked a
 * service for anything, or asked a free one, is cancelled as the user's
 * Cancel would. One that may be charged goes on: its cost is recorded
 * without a take, its clip kept in the media store, or, if Undo brings
 * the shot back before the clip arrives, the clip is the shot's take. */
static void
cancel_jobs_of_deleted_shots (ReelScheduler *self)
{
  g_autoptr (GArray) orphans = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ReelJobRecord *job = value;

      if (reel_project_lookup_shot (self->project, job->shot_id) == NULL
          && !job_may_be_charged (self, job))
        g_array_append_val (orphans, job->id);
    }

  for (guint i = 0; i < orphans->len; i++)
    {
      g_debug ("Cancelling job %" G_GINT64_FORMAT ": its shot was deleted",
               g_array_index (orphans, gint64, i));
      reel_scheduler_cancel_job (self, g_array_index (orphans, gint64, i), NULL);
    }
}

static gboolean
cancel_orphans_cb (gpointer user_data)
{
  ReelScheduler *self = user_data;

  self->orphans_source = 0;
  cancel_jobs_of_deleted_shots (self);
  return G_SOURCE_REMOVE;
}

/* After the edit that deleted shots is committed, and outside its change
 * notification, whose other handlers have yet to see it. */
static void
project_changed_cb (ReelScheduler *self, ReelChangeFlags flags)
{
  if ((flags & REEL_CHANGE_PLAN) && self->orphans_source == 0 && !self->shutting_down
      && g_hash_table_size (self->jobs) > 0)
    self->orphans_source = g_idle_add_full (G_PRIORITY_DEFAULT, cancel_orphans_cb, self, NULL);
}

/* Queued again as if new. The user's cancel gave the task up: the retry
 * makes a new one. After a failure the task is kept unless its backend said
 * it is over (see outcome_deliver()): a finished clip that could not be
 * stored (a full disk) is fetched again for nothing, where a new task is
 * paid again. */
static void
requeue_job (ReelJobRecord *job)
{
  if (job->state == REEL_JOB_CANCELLED)
    {
      g_clear_pointer (&job->remote_id, g_free);
      g_clear_pointer (&job->resume, g_free);
    }
  job->state = REEL_JOB_QUEUED;
  job->attempts = 0;
  job->next_attempt_at = 0;
  job->error_kind = REEL_FAILURE_NONE;
  g_clear_pointer (&job->error, g_free);
  g_clear_pointer (&job->message, g_free);
}

gboolean
reel_scheduler_retry_job (ReelScheduler *self, gint64 job_id, GError **error)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GPtrArray) chain = NULL;
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
  recover_shot_id (job);
  if (reel_project_lookup_shot (self->project, job->shot_id) == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("The shot of this job was deleted, so it cannot be tried again. Undo the "
                      "deletion first."));
      return FALSE;
    }

  /* A chain is one take: the segments that failed for want of this one's
   * clip go again with it, after it, as their ids say. */
  g_ptr_array_add (adopt, job);
  chain = reel_scheduler_list_segments_to_retry (self->project, job);
  for (guint i = 0; i < chain->len; i++)
    {
      ReelJobRecord *segment = g_ptr_array_index (chain, i);

      if (g_hash_table_contains (self->jobs, &segment->id))
        continue;
      recover_shot_id (segment);
      g_ptr_array_add (adopt, segment);
    }
  for (guint i = 0; i < adopt->len; i++)
    requeue_job (g_ptr_array_index (adopt, i));
  if (!reel_project_update_jobs (self->project, adopt, error))
    return FALSE;

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
  g_clear_handle_id (&self->orphans_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->project, self);

  /* Stopped, not cancelled: remote tasks keep running and are resumed next time. */
  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    reel_job_context_stop (value, FALSE);

  /* Waits for the workers. A clip one of them finished meanwhile is
   * recorded now, as the main loop may not run again before the process
   * ends; any other outcome is left to the next start, which resumes the
   * job from the file (see outcome_deliver()). */
  g_hash_table_remove_all (self->pools);
  deliver_outcomes (self);
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
