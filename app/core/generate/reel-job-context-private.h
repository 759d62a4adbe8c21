/* reel-job-context-private.h: for the scheduler
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-job-context.h"
#include "reel-media-store.h"

G_BEGIN_DECLS

typedef enum
{
  REEL_JOB_REPORT_SUBMITTED, /* text: the remote id; acknowledge once committed */
  REEL_JOB_REPORT_PROGRESS,  /* fraction, text: message */
  REEL_JOB_REPORT_DOWNLOADING,
  REEL_JOB_REPORT_RESUME_STATE, /* text: the JSON state; acknowledge once committed */
} ReelJobReportKind;

/* Called on the main context. */
typedef void (*ReelJobReportFunc) (ReelJobContext   *context,
                                   ReelJobReportKind kind,
                                   const char       *text,
                                   double            fraction,
                                   gpointer          user_data);

ReelJobContext *reel_job_context_new (gint64                job_id,
                                      guint                 attempt,
                                      const ReelJobRequest *request,
                                      const char           *remote_id,
                                      ReelMediaStore       *store,
                                      GMainContext         *main_context,
                                      ReelJobReportFunc     report,
                                      GObject              *report_owner);
/* Main thread, before the worker starts. */
void reel_job_context_set_resume_state (ReelJobContext *self, const char *state);
void reel_job_context_set_known_remote_ids (ReelJobContext *self, const char *const *remote_ids);

/* The worker, before the backend sees the request: a start image made
 * when the job started (the last frame of the clip before). */
void reel_job_context_set_start_image (ReelJobContext *self, const char *path);

/* Main thread: stops the job. @by_user lets the worker ask the service to
 * cancel; otherwise the remote task is left running, to be resumed. */
void reel_job_context_stop (ReelJobContext *self, gboolean by_user);

/* Read by the scheduler once the worker has finished. */
double                   reel_job_context_get_retry_after (ReelJobContext *self);
gboolean                 reel_job_context_is_remote_task_dropped (ReelJobContext *self);
const ReelServiceReport *reel_job_context_get_service_report (ReelJobContext *self);
/* TRUE and the charge when the service billed a job that failed. */
gboolean reel_job_context_get_charge (ReelJobContext *self,
                                      double         *cost,
                                      const char    **currency,
                                      const char    **usage);
/* Main thread: the remote id is durable (or could not be made so). */
void            reel_job_context_acknowledge (ReelJobContext *self, gboolean committed);
ReelMediaStore *reel_job_context_get_store (ReelJobContext *self);

G_END_DECLS
