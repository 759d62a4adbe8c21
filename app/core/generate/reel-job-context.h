/* reel-job-context.h: a backend's line to the scheduler while it works on a job
 *
 * Everything here is called from the worker thread. Reports travel to the
 * main context, where the scheduler records them in the project.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-http-client.h"
#include "reel-job-request.h"

G_BEGIN_DECLS

typedef struct _ReelJobContext ReelJobContext;

ReelJobContext *reel_job_context_ref (ReelJobContext *self);
void            reel_job_context_unref (ReelJobContext *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelJobContext, reel_job_context_unref)

gint64                reel_job_context_get_job_id (ReelJobContext *self);
const ReelJobRequest *reel_job_context_get_request (ReelJobContext *self);
GCancellable         *reel_job_context_get_cancellable (ReelJobContext *self);
/* The remote task id, when the job was submitted before (resume after a restart). */
const char *reel_job_context_get_remote_id (ReelJobContext *self);
/* A copy, for another thread than the worker's, which may replace it meanwhile. */
char *reel_job_context_dup_remote_id (ReelJobContext *self);
/* Which attempt this is, from 1. */
guint reel_job_context_get_attempt (ReelJobContext *self);

/* Records the remote task id and returns only once it is committed to the
 * project, so a crash after this point resumes polling instead of paying for
 * a second submission. FALSE when the job was stopped meanwhile. */
gboolean reel_job_context_submitted (ReelJobContext *self, const char *remote_id);

/* What a remote backend needs to pick its task up again after a restart: a
 * JSON object it saved with reel_job_context_save_resume_state() (DashScope:
 * the task id; fal: the request id and its URLs), or NULL for a fresh job. */
const char *reel_job_context_get_resume_state (ReelJobContext *self);
/* Saves @state, a JSON object, and returns only once it is committed, like
 * reel_job_context_submitted(). @remote_id names the task for people (the
 * Jobs view) and may be NULL before there is one, e.g. when a backend records
 * that it is about to create a task, so that a restart after a lost reply
 * looks for it instead of creating a second one. */
gboolean
reel_job_context_save_resume_state (ReelJobContext *self, const char *remote_id, const char *state);
/* Whether @remote_id belongs to another job of this project: a backend that
 * looks for the task of a lost create must not adopt another job's task. */
gboolean reel_job_context_is_known_remote_id (ReelJobContext *self, const char *remote_id);

/* The job's cancellable fires both when the user cancels the job and when
 * Storyreel stops (quit, project closed). Only a user's cancel may ask the
 * service to cancel: a stopped job resumes its remote task next time. */
gboolean reel_job_context_is_cancelled_by_user (ReelJobContext *self);

/* The remote task has ended without a clip (it failed at the service): a
 * retry must make a new one instead of polling this one again. */
void reel_job_context_drop_remote_task (ReelJobContext *self);

/* With a transient failure: the service asked to wait this long before the
 * next try (Retry-After). The scheduler waits at least that long. */
void reel_job_context_set_retry_after (ReelJobContext *self, double seconds);

/* What the service reported about the clip it made, recorded with the take. */
typedef struct
{
  gint64      seed;           /* the seed it used, or -1 when it did not say */
  const char *actual_prompt;  /* the prompt after the service rewrote it, or NULL */
  const char *usage;          /* its usage report as JSON, or NULL */
  double      billed_seconds; /* seconds of video it bills, or -1 */
  double      cost;           /* what that costs, or -1 to keep the estimate */
  const char *currency;       /* of @cost */
} ReelServiceReport;

void reel_job_context_report_service (ReelJobContext *self, const ReelServiceReport *report);
/* The service charged for a job that then failed (a clip refused after it was
 * made): the spending ledger records it all the same. */
void reel_job_context_report_charge (ReelJobContext *self,
                                     double          cost,
                                     const char     *currency,
                                     const char     *usage);
/* Hides the keys this worker's HTTP client was given in @error's message,
 * which may quote a service's answer. Called by the scheduler on the
 * worker thread, for the error every job ends with. */
void reel_job_context_redact_error (ReelJobContext *self, GError *error);
/* @fraction from 0 to 1, or a negative value when unknown. The message is
 * redacted like errors are. */
void reel_job_context_progress (ReelJobContext *self, double fraction, const char *message);
/* The result is ready and is being fetched. */
void reel_job_context_downloading (ReelJobContext *self);
/* A fresh path in the media store's temporary folder. */
char *reel_job_context_new_temp_path (ReelJobContext *self, const char *extension, GError **error);

/* This worker thread's HTTP client (one libcurl handle per worker, reused
 * from job to job), bound to the job's cancellable. */
ReelHttpClient *reel_job_context_get_http_client (ReelJobContext *self);
/* Sleeps @milliseconds, or less when the job is stopped: FALSE then. */
gboolean reel_job_context_wait (ReelJobContext *self, guint milliseconds);
/* Whatever a backend keeps between wait() and fetch() (e.g. the finished
 * task's description), freed with the context. */
void
reel_job_context_set_backend_data (ReelJobContext *self, gpointer data, GDestroyNotify destroy);
gpointer reel_job_context_get_backend_data (ReelJobContext *self);

/* Where a local backend's wait() left its result, for its fetch() (owned by the context). */
void        reel_job_context_set_result_path (ReelJobContext *self, const char *path);
const char *reel_job_context_get_result_path (ReelJobContext *self);

G_END_DECLS
