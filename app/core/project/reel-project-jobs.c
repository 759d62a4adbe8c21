/* reel-project-jobs.c: durable generation jobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "reel-project-jobs.h"
#include "reel-project-private.h"
#include "reel-shot-private.h"

static const char *const job_state_names[] = {
  "queued", "submitting", "running", "downloading", "done", "failed", "cancelled",
};
G_STATIC_ASSERT (G_N_ELEMENTS (job_state_names) == REEL_N_JOB_STATES);

static const char *const failure_kind_names[] = {
  "", "transient", "permanent", "refused", "auth",
};

const char *
reel_job_state_to_string (ReelJobState state)
{
  return state < REEL_N_JOB_STATES ? job_state_names[state] : "failed";
}

gboolean
reel_job_state_from_string (const char *str, ReelJobState *state)
{
  for (guint i = 0; str != NULL && i < REEL_N_JOB_STATES; i++)
    if (g_str_equal (str, job_state_names[i]))
      {
        *state = (ReelJobState) i;
        return TRUE;
      }
  return FALSE;
}

const char *
reel_job_state_get_label (ReelJobState state)
{
  switch (state)
    {
      case REEL_JOB_QUEUED:
        return _ ("Queued");
      case REEL_JOB_SUBMITTING:
        return _ ("Submitting");
      case REEL_JOB_RUNNING:
        return _ ("Generating");
      case REEL_JOB_DOWNLOADING:
        return _ ("Downloading");
      case REEL_JOB_DONE:
        return _ ("Done");
      case REEL_JOB_CANCELLED:
        return _ ("Cancelled");
      case REEL_JOB_FAILED:
      case REEL_N_JOB_STATES:
      default:
        return _ ("Failed");
    }
}

gboolean
reel_job_state_is_finished (ReelJobState state)
{
  return state == REEL_JOB_DONE || state == REEL_JOB_FAILED || state == REEL_JOB_CANCELLED;
}

gboolean
reel_job_state_can_change (ReelJobState from, ReelJobState to)
{
  switch (from)
    {
      case REEL_JOB_QUEUED:
        return to == REEL_JOB_SUBMITTING || to == REEL_JOB_RUNNING || to == REEL_JOB_CANCELLED
               || to == REEL_JOB_FAILED;
      case REEL_JOB_SUBMITTING:
        /* Back to queued: a transient failure waiting for its retry. */
        return to == REEL_JOB_RUNNING || to == REEL_JOB_QUEUED || to == REEL_JOB_FAILED
               || to == REEL_JOB_CANCELLED;
      case REEL_JOB_RUNNING:
        return to == REEL_JOB_DOWNLOADING || to == REEL_JOB_DONE || to == REEL_JOB_QUEUED
               || to == REEL_JOB_FAILED || to == REEL_JOB_CANCELLED;
      case REEL_JOB_DOWNLOADING:
        return to == REEL_JOB_DONE || to == REEL_JOB_QUEUED || to == REEL_JOB_FAILED
               || to == REEL_JOB_CANCELLED;
      case REEL_JOB_FAILED:
      case REEL_JOB_CANCELLED:
        /* Retry by hand. */
        return to == REEL_JOB_QUEUED;
      case REEL_JOB_DONE:
      case REEL_N_JOB_STATES:
      default:
        return FALSE;
    }
}

const char *
reel_failure_kind_to_string (ReelFailureKind kind)
{
  return kind <= REEL_FAILURE_AUTH ? failure_kind_names[kind] : "";
}

gboolean
reel_failure_kind_from_string (const char *str, ReelFailureKind *kind)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (failure_kind_names); i++)
    if (g_str_equal (str, failure_kind_names[i]))
      {
        *kind = (ReelFailureKind) i;
        return TRUE;
      }
  return FALSE;
}

ReelJobRecord *
reel_job_record_new (void)
{
  ReelJobRecord *job = g_new0 (ReelJobRecord, 1);

  job->max_attempts = 5;
  return job;
}

ReelJobRecord *
reel_job_record_copy (const ReelJobRecord *job)
{
  ReelJobRecord *copy = g_memdup2 (job, sizeof *job);

  copy->backend = g_strdup (job->backend);
  copy->model = g_strdup (job->model);
  copy->remote_id = g_strdup (job->remote_id);
  copy->resume = g_strdup (job->resume);
  copy->message = g_strdup (job->message);
  copy->error = g_strdup (job->error);
  copy->request = g_strdup (job->request);
  return copy;
}

void
reel_job_record_free (ReelJobRecord *job)
{
  if (job == NULL)
    return;
  g_free (job->backend);
  g_free (job->model);
  g_free (job->remote_id);
  g_free (job->resume);
  g_free (job->message);
  g_free (job->error);
  g_free (job->request);
  g_free (job);
}

#define JOB_COLUMNS                                                                                \
  "id, ifnull(shot_id, 0), ifnull(batch_id, 0), backend, model, state, priority, attempts,"        \
  " max_attempts, remote_id, progress, message, error_kind, error, ifnull(seed, 0), variant,"      \
  " request, ifnull(take_id, 0), next_attempt_at, created, updated, resume"

static ReelJobRecord *
job_from_row (sqlite3_stmt *stmt)
{
  ReelJobRecord *job = reel_job_record_new ();

  job->id = sqlite3_column_int64 (stmt, 0);
  job->shot_id = sqlite3_column_int64 (stmt, 1);
  job->batch_id = sqlite3_column_int64 (stmt, 2);
  job->backend = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  job->model = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  if (!reel_job_state_from_string ((const char *) sqlite3_column_text (stmt, 5), &job->state))
    job->state = REEL_JOB_FAILED;
  job->priority = sqlite3_column_int (stmt, 6);
  job->attempts = sqlite3_column_int (stmt, 7);
  job->max_attempts = sqlite3_column_int (stmt, 8);
  job->remote_id = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  job->progress = sqlite3_column_double (stmt, 10);
  job->message = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
  if (!reel_failure_kind_from_string ((const char *) sqlite3_column_text (stmt, 12),
                                      &job->error_kind))
    job->error_kind = REEL_FAILURE_NONE;
  job->error = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
  job->seed = sqlite3_column_int64 (stmt, 14);
  job->variant = sqlite3_column_int (stmt, 15);
  job->request = g_strdup ((const char *) sqlite3_column_text (stmt, 16));
  job->take_id = sqlite3_column_int64 (stmt, 17);
  job->next_attempt_at = sqlite3_column_int64 (stmt, 18);
  job->created = sqlite3_column_int64 (stmt, 19);
  job->updated = sqlite3_column_int64 (stmt, 20);
  job->resume = g_strdup ((const char *) sqlite3_column_text (stmt, 21));
  return job;
}

gboolean
reel_project_queue_jobs (ReelProject *self, GPtrArray *jobs, GError **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;
  gint64 now = g_get_real_time () / 1000;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (jobs->len == 0)
    return TRUE;

  insert = reel_sql_prepare (
      self->db,
      "INSERT INTO jobs (shot_id, batch_id, backend, model, state, priority, attempts, "
      "max_attempts,"
      " seed, variant, request, next_attempt_at, created, updated)"
      " VALUES (nullif(?, 0), nullif(?, 0), ?, ?, 'queued', ?, 0, ?, ?, ?, ?, 0, ?, ?)",
      error);
  if (insert == NULL || !reel_project_begin_system_edit (self, error))
    return FALSE;

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      job->state = REEL_JOB_QUEUED;
      job->created = job->updated = now;
      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, job->shot_id);
      sqlite3_bind_int64 (insert, 2, job->batch_id);
      sqlite3_bind_text (insert, 3, job->backend, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 4, job->model, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (insert, 5, job->priority);
      sqlite3_bind_int (insert, 6, job->max_attempts);
      sqlite3_bind_int64 (insert, 7, job->seed);
      sqlite3_bind_int (insert, 8, job->variant);
      sqlite3_bind_text (insert, 9, job->request, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (insert, 10, now);
      sqlite3_bind_int64 (insert, 11, now);
      if (!reel_sql_step_done (self->db, insert, error))
        {
          reel_project_rollback_edit (self);
          return FALSE;
        }
      job->id = sqlite3_last_insert_rowid (self->db);
      reel_project_mark_shot_dirty (self, job->shot_id);
    }

  return reel_project_commit_system_edit (self, REEL_CHANGE_JOBS, error);
}

GPtrArray *
reel_project_list_jobs (ReelProject *self, gboolean unfinished_only)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);

  g_return_val_if_fail (REEL_IS_PROJECT (self), jobs);

  stmt = reel_sql_prepare (self->db,
                           unfinished_only
                               ? "SELECT " JOB_COLUMNS " FROM jobs"
                                 " WHERE state NOT IN ('done', 'failed', 'cancelled') ORDER BY id"
                               : "SELECT " JOB_COLUMNS " FROM jobs ORDER BY id",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (jobs, job_from_row (stmt));

  return jobs;
}

ReelJobRecord *
reel_project_get_job (ReelProject *self, gint64 job_id)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  stmt = reel_sql_prepare (self->db, "SELECT " JOB_COLUMNS " FROM jobs WHERE id = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, job_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return job_from_row (stmt);
  return NULL;
}

ReelJobRecord *
reel_project_get_latest_shot_job (ReelProject *self, gint64 shot_id)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  stmt = reel_sql_prepare (
      self->db, "SELECT " JOB_COLUMNS " FROM jobs WHERE shot_id = ? ORDER BY id DESC LIMIT 1",
      NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return job_from_row (stmt);
  return NULL;
}

static gboolean
write_job (ReelProject *self, sqlite3_stmt *update, ReelJobRecord *job, GError **error)
{
  job->updated = g_get_real_time () / 1000;

  sqlite3_reset (update);
  sqlite3_bind_text (update, 1, reel_job_state_to_string (job->state), -1, SQLITE_STATIC);
  sqlite3_bind_int (update, 2, job->priority);
  sqlite3_bind_int (update, 3, job->attempts);
  sqlite3_bind_text (update, 4, job->remote_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (update, 5, job->progress);
  sqlite3_bind_text (update, 6, job->message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (update, 7, reel_failure_kind_to_string (job->error_kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 8, job->error, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 9, job->take_id);
  sqlite3_bind_int64 (update, 10, job->next_attempt_at);
  sqlite3_bind_int64 (update, 11, job->updated);
  sqlite3_bind_text (update, 12, job->resume, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 13, job->shot_id);
  sqlite3_bind_int64 (update, 14, job->id);
  if (!reel_sql_step_done (self->db, update, error))
    return FALSE;

  /* No row: the job was removed from the file behind the caller's back. Nothing
   * was recorded, and whoever waits on this write (a worker with a task id)
   * must not hear otherwise. */
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("Job %" PRId64 " is no longer in the project."), job->id);
      return FALSE;
    }
  return TRUE;
}

/* A job whose shot was deleted keeps its row with no shot (ON DELETE SET
 * NULL); when Undo brings the shot back, the next write links them again.
 * Shot ids are never reused, so an id that exists is the job's own shot. */
static sqlite3_stmt *
prepare_job_update (ReelProject *self, GError **error)
{
  return reel_sql_prepare (self->db,
                           "UPDATE jobs SET state = ?, priority = ?, attempts = ?, remote_id = ?,"
                           " progress = ?, message = ?, error_kind = nullif(?, ''), error = ?,"
                           " take_id = nullif(?, 0), next_attempt_at = ?, updated = ?,"
                           " resume = ?, shot_id = (SELECT id FROM shots WHERE id = ?)"
                           " WHERE id = ?",
                           error);
}

gboolean
reel_project_update_jobs (ReelProject *self, GPtrArray *jobs, GError **error)
{
  g_autoptr (sqlite3_stmt) update = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (jobs->len == 0)
    return TRUE;
  if (!(update = prepare_job_update (self, error)) || !reel_project_begin_system_edit (self, error))
    return FALSE;

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      if (!write_job (self, update, job, error))
        {
          reel_project_rollback_edit (self);
          return FALSE;
        }
      reel_project_mark_shot_dirty (self, job->shot_id);
    }

  return reel_project_commit_system_edit (self, REEL_CHANGE_JOBS, error);
}

gboolean
reel_project_update_job (ReelProject *self, const ReelJobRecord *job, GError **error)
{
  g_autoptr (GPtrArray) jobs = g_ptr_array_new ();

  g_ptr_array_add (jobs, (gpointer) job);
  return reel_project_update_jobs (self, jobs, error);
}

/* Whether @job is still in the file and has no result yet. */
static gboolean
job_awaits_result (ReelProject *self, const ReelJobRecord *job, GError **error)
{
  g_autoptr (sqlite3_stmt) query
      = reel_sql_prepare (self->db, "SELECT 1 FROM jobs WHERE id = ? AND state != 'done'", error);

  if (query == NULL)
    return FALSE;
  sqlite3_bind_int64 (query, 1, job->id);
  if (sqlite3_step (query) == SQLITE_ROW)
    return TRUE;
  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
               _ ("The result of job %" PRId64 " was already recorded, or the job was removed."),
               job->id);
  return FALSE;
}

/* The shot was deleted while its job ran. The service was paid all the
 * same: the charge goes into the ledger, the clip stays in the media store
 * (nothing removes it), and the job fails saying where the clip is. Its
 * task has given all it had, so it is forgotten. */
static gboolean
record_result_without_shot (ReelProject *self, ReelJobRecord *job, ReelTake *take, GError **error)
{
  g_autofree char *note
      = g_strdup_printf (_ ("The shot was deleted before its clip arrived. The clip is kept in "
                            "the project’s media folder as %s: import it as a take if you need "
                            "it."),
                         take->media);

  take->id = 0;
  if (take->cost > 0
      && !reel_project_insert_ledger_row (self, job->id, 0, take->backend, take->cost,
                                          take->currency, note, take->usage, 0, error))
    return FALSE;

  job->state = REEL_JOB_FAILED;
  job->take_id = 0;
  job->error_kind = REEL_FAILURE_PERMANENT;
  g_free (job->error);
  job->error = g_steal_pointer (&note);
  g_clear_pointer (&job->remote_id, g_free);
  g_clear_pointer (&job->resume, g_free);
  return TRUE;
}

/* A shot longer than its backend's clips is made as a chain of jobs in one
 * batch, one per segment, and only the last makes the take: the others are
 * the jobs of its batch, shot and variant that finished without one. What
 * they were charged goes to the take, which cost all of it. */
static gboolean
claim_segment_charges (ReelProject *self, const ReelJobRecord *job, ReelTake *take, GError **error)
{
  g_autoptr (sqlite3_stmt) claim = reel_sql_prepare (
      self->db,
      "UPDATE ledger SET take_id = ?1 WHERE take_id IS NULL AND currency IS ?2 AND job_id IN"
      " (SELECT id FROM jobs WHERE batch_id = ?3 AND shot_id = ?4 AND variant = ?5 AND id < ?6"
      " AND state = 'done' AND take_id IS NULL)",
      error);
  g_autoptr (sqlite3_stmt) total = NULL;
  g_autoptr (sqlite3_stmt) update = NULL;

  if (claim == NULL)
    return FALSE;
  sqlite3_bind_int64 (claim, 1, take->id);
  sqlite3_bind_text (claim, 2, take->currency, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (claim, 3, job->batch_id);
  sqlite3_bind_int64 (claim, 4, job->shot_id);
  sqlite3_bind_int (claim, 5, job->variant);
  sqlite3_bind_int64 (claim, 6, job->id);
  if (!reel_sql_step_done (self->db, claim, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return TRUE;

  if (!(total
        = reel_sql_prepare (self->db, "SELECT total(amount) FROM ledger WHERE take_id = ?", error))
      || !(update = reel_sql_prepare (self->db, "UPDATE takes SET cost = ? WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (total, 1, take->id);
  if (sqlite3_step (total) == SQLITE_ROW)
    take->cost = sqlite3_column_double (total, 0);
  sqlite3_bind_double (update, 1, take->cost);
  sqlite3_bind_int64 (update, 2, take->id);
  return reel_sql_step_done (self->db, update, error);
}

static gboolean
record_result (ReelProject *self, ReelJobRecord *job, ReelTake *take, GError **error)
{
  take->job_id = job->id;
  take->shot_id = job->shot_id;
  if (job->shot_id == 0 || reel_project_lookup_shot (self, job->shot_id) == NULL)
    return record_result_without_shot (self, job, take, error);

  reel_project_mark_shot_dirty (self, job->shot_id);
  if (!reel_project_add_take_in_transaction (self, take, error)
      || !claim_segment_charges (self, job, take, error))
    return FALSE;
  job->state = REEL_JOB_DONE;
  job->take_id = take->id;
  g_clear_pointer (&job->error, g_free);
  job->error_kind = REEL_FAILURE_NONE;
  return TRUE;
}

gboolean
reel_project_finish_job (ReelProject *self, ReelJobRecord *job, ReelTake *take, GError **error)
{
  g_autoptr (sqlite3_stmt) update = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!(update = prepare_job_update (self, error)) || !reel_project_begin_system_edit (self, error))
    return FALSE;

  job->progress = 1.0;
  if (!job_awaits_result (self, job, error) || !record_result (self, job, take, error)
      || !write_job (self, update, job, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }

  return reel_project_commit_system_edit (self, REEL_CHANGE_JOBS | REEL_CHANGE_TAKES, error);
}

gboolean
reel_project_finish_segment_job (ReelProject   *self,
                                 ReelJobRecord *job,
                                 const char    *resume,
                                 double         cost,
                                 const char    *currency,
                                 const char    *usage,
                                 GError       **error)
{
  g_autoptr (sqlite3_stmt) update = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!(update = prepare_job_update (self, error)) || !reel_project_begin_system_edit (self, error))
    return FALSE;

  job->state = REEL_JOB_DONE;
  job->progress = 1.0;
  job->error_kind = REEL_FAILURE_NONE;
  g_clear_pointer (&job->error, g_free);
  g_clear_pointer (&job->remote_id, g_free);
  g_free (job->resume);
  job->resume = g_strdup (resume);
  if (!job_awaits_result (self, job, error)
      || (cost > 0
          && !reel_project_insert_ledger_row (self, job->id, 0, job->backend, cost, currency, NULL,
                                              usage, 0, error))
      || !write_job (self, update, job, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  reel_project_mark_shot_dirty (self, job->shot_id);
  return reel_project_commit_system_edit (self, REEL_CHANGE_JOBS, error);
}

gboolean
reel_project_clear_finished_jobs (ReelProject *self, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!reel_project_begin_system_edit (self, error))
    return FALSE;
  if (!reel_sql_exec (self->db, "DELETE FROM jobs WHERE state IN ('done', 'cancelled')", error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  return reel_project_commit_system_edit (self, REEL_CHANGE_JOBS, error);
}

void
reel_project_show_job_progress (
    ReelProject *self, gint64 shot_id, const char *status, double progress, const char *message)
{
  ReelShot *shot;

  g_return_if_fail (REEL_IS_PROJECT (self));

  shot = reel_project_lookup_shot (self, shot_id);
  if (shot != NULL)
    reel_shot_set_live_status (shot, status, progress, message);
}
