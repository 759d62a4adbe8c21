/* reel-job-context.h: a backend's line to the scheduler while it works on a job
 *
 * Everything here is called from the worker thread. Reports travel to the
 * main context, where the scheduler records them in the project.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

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
/* Which attempt this is, from 1. */
guint reel_job_context_get_attempt (ReelJobContext *self);

/* Records the remote task id and returns only once it is committed to the
 * project, so a crash after this point resumes polling instead of paying for
 * a second submission. FALSE when the job was cancelled meanwhile. */
gboolean reel_job_context_submitted (ReelJobContext *self, const char *remote_id);
/* @fraction from 0 to 1, or a negative value when unknown. */
void reel_job_context_progress (ReelJobContext *self, double fraction, const char *message);
/* The result is ready and is being fetched. */
void reel_job_context_downloading (ReelJobContext *self);
/* A fresh path in the media store's temporary folder. */
char *reel_job_context_new_temp_path (ReelJobContext *self, const char *extension, GError **error);

/* Where a local backend's wait() left its result, for its fetch() (owned by the context). */
void        reel_job_context_set_result_path (ReelJobContext *self, const char *path);
const char *reel_job_context_get_result_path (ReelJobContext *self);

G_END_DECLS
