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
/* Main thread: the remote id is durable (or could not be made so). */
void            reel_job_context_acknowledge (ReelJobContext *self, gboolean committed);
ReelMediaStore *reel_job_context_get_store (ReelJobContext *self);

G_END_DECLS
