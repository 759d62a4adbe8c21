/* reel-project-jobs.h: durable generation jobs
 *
 * A job is written to the project before any work starts and updated at each
 * step, so a crashed or killed process can resume every unfinished job. Jobs
 * record work done: they are not part of the undoable document.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-project.h"

G_BEGIN_DECLS

typedef enum
{
  REEL_JOB_QUEUED,
  REEL_JOB_SUBMITTING,
  REEL_JOB_RUNNING,
  REEL_JOB_DOWNLOADING,
  REEL_JOB_DONE,
  REEL_JOB_FAILED,
  REEL_JOB_CANCELLED,
  REEL_N_JOB_STATES
} ReelJobState;

const char *reel_job_state_to_string (ReelJobState state);
gboolean    reel_job_state_from_string (const char *str, ReelJobState *state);
/* Translated, for people: "Queued", "Running", … */
const char *reel_job_state_get_label (ReelJobState state);
gboolean    reel_job_state_is_finished (ReelJobState state);
/* The job state machine: which steps are allowed. */
gboolean reel_job_state_can_change (ReelJobState from, ReelJobState to);

/* Why a backend failed, which decides whether to try again. */
typedef enum
{
  REEL_FAILURE_NONE,
  REEL_FAILURE_TRANSIENT, /* network, timeout, busy: retried with backoff */
  REEL_FAILURE_PERMANENT, /* bad input, unsupported: shown, not retried */
  REEL_FAILURE_REFUSED,   /* the service refused the content */
  REEL_FAILURE_AUTH,      /* missing or wrong API key */
} ReelFailureKind;

const char *reel_failure_kind_to_string (ReelFailureKind kind);
gboolean    reel_failure_kind_from_string (const char *str, ReelFailureKind *kind);

typedef struct
{
  gint64          id;
  gint64          shot_id;
  gint64          batch_id;
  char           *backend;
  char           *model;
  ReelJobState    state;
  int             priority; /* higher first */
  guint           attempts;
  guint           max_attempts;
  char           *remote_id;
  char           *resume; /* JSON the backend resumes its remote task from, or NULL */
  double          progress;
  char           *message;
  ReelFailureKind error_kind;
  char           *error;
  gint64          seed;
  guint           variant;
  char           *request; /* JSON: what the backend is asked, frozen when queued */
  gint64          take_id;
  gint64          next_attempt_at; /* unix time in ms; 0 = now */
  gint64          created;
  gint64          updated;
} ReelJobRecord;

ReelJobRecord *reel_job_record_new (void);
ReelJobRecord *reel_job_record_copy (const ReelJobRecord *job);
void           reel_job_record_free (ReelJobRecord *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelJobRecord, reel_job_record_free)

/* Writes new jobs (ids filled in) in one transaction. */
gboolean reel_project_queue_jobs (ReelProject *self, GPtrArray *jobs, GError **error);
/* (transfer full) ReelJobRecord*, oldest first. */
GPtrArray     *reel_project_list_jobs (ReelProject *self, gboolean unfinished_only);
ReelJobRecord *reel_project_get_job (ReelProject *self, gint64 job_id);
/* The newest job of @shot_id, or NULL when it has none; one indexed lookup,
 * for a view that shows one shot among thousands. */
ReelJobRecord *reel_project_get_latest_shot_job (ReelProject *self, gint64 shot_id);
/* Writes the state fields of several jobs in one transaction. */
gboolean reel_project_update_jobs (ReelProject *self, GPtrArray *jobs, GError **error);
gboolean reel_project_update_job (ReelProject *self, const ReelJobRecord *job, GError **error);
/* Records the take and marks the job done in one transaction: a result is
 * never recorded twice, and never lost once the job says done. When the
 * job's shot was deleted meanwhile, there is no take (@take's id stays 0):
 * its cost goes into the ledger, and the job fails naming the clip, which
 * the media store keeps. Fails with NOT_FOUND when the job is gone from
 * the file or its result was recorded already. */
gboolean
reel_project_finish_job (ReelProject *self, ReelJobRecord *job, ReelTake *take, GError **error);
/* Marks a job that made one segment of a chained take done, in one
 * transaction with its cost in the ledger: its take is made later, by the
 * job of the last segment. @resume (JSON) names the segment's clip for the
 * jobs after it. Fails with NOT_FOUND like reel_project_finish_job(). */
gboolean reel_project_finish_segment_job (ReelProject   *self,
                                          ReelJobRecord *job,
                                          const char    *resume,
                                          double         cost,
                                          const char    *currency,
                                          const char    *usage,
                                          GError       **error);
/* Removes finished jobs from the list (their takes stay). */
gboolean reel_project_clear_finished_jobs (ReelProject *self, GError **error);
/* Shows a running job's progress on its shot without writing the database. */
void reel_project_show_job_progress (
    ReelProject *self, gint64 shot_id, const char *status, double progress, const char *message);

G_END_DECLS
