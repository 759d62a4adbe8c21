/* reel-scheduler-private.h: the parts of ReelScheduler in other files
 *
 * reel-scheduler-continuity.c connects shots and chains segments: a shot
 * that starts from the last frame of the shot before, and a shot longer
 * than the backend's clips made as segments, each its own job, each
 * starting from the last frame of the one before, joined into one take by
 * the job of the last segment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-job-context-private.h"
#include "reel-scheduler.h"

G_BEGIN_DECLS

/* Queue time: sets up continuity on @request and adds @job to @jobs (taking
 * it), or as many jobs as @backend needs segments for the shot. */
void reel_scheduler_add_shot_jobs (ReelProject    *project,
                                   ReelBackend    *backend,
                                   ReelShot       *shot,
                                   ReelJobRecord  *job,
                                   ReelJobRequest *request,
                                   GPtrArray      *jobs);

/* Dispatch: whether @job waits for another unfinished job in @jobs (id →
 * ReelJobRecord*): the segment before it, or, with continuity, the jobs of
 * the shot before it. Only ever on older jobs, so waits make no cycle. */
gboolean reel_scheduler_job_must_wait (ReelProject *project, GHashTable *jobs, ReelJobRecord *job);

/* Main thread, as @job starts: fills in where its start frame comes from and
 * the clips it joins. FALSE with @error when the segment before it has no
 * clip (it failed or was cancelled). */
gboolean reel_scheduler_prepare_request (ReelProject    *project,
                                         ReelBackend    *backend,
                                         ReelJobRecord  *job,
                                         ReelJobRequest *request,
                                         GError        **error);

/* The later segments of @job's chain, still in @jobs: cancelled with it. */
GArray *reel_scheduler_list_later_segments (GHashTable *jobs, const ReelJobRecord *job);

/* Retry: the other segments of @job's chain that failed or were cancelled,
 * read from the file. A segment after a failed one fails at once, having
 * no clip to start from, so a retry that makes the failed one again must
 * make those after it too. Empty for a job that makes a whole shot. */
GPtrArray *reel_scheduler_list_segments_to_retry (ReelProject *project, const ReelJobRecord *job);

/* Where the take that @request makes started ("none", "board",
 * "character" or "previous-shot", see ReelJobRequest), with the id of
 * that source in @source_id. NULL for a job queued before jobs said. */
const char *reel_scheduler_find_take_start (const ReelJobRequest *request, gint64 *source_id);

/* "Segment 2 of 3: @text" for a segment; @text otherwise. */
char *reel_scheduler_describe_progress (const ReelJobRequest *request, const char *text);

/* Worker thread, before the backend runs: decodes the last frame of the
 * clip before into a still in the media store and makes it the start
 * image. FALSE only when cancelled: a clip that cannot be read leaves the
 * job starting from its own board or text. */
gboolean reel_scheduler_make_start_image (ReelJobContext *context, GError **error);

/* Worker thread, after the result is stored: the last segment joins the
 * clips before it and its own into one clip, which replaces @media. When
 * any of them has sound the joined clip has it too, with silence for the
 * length of each clip that has none. */
gboolean
reel_scheduler_join_segments (ReelJobContext *context, ReelMediaInfo **media, GError **error);

/* Main thread: records a finished segment that is not the last one, which
 * makes no take. FALSE when @job makes a take. */
gboolean reel_scheduler_record_segment (ReelProject         *project,
                                        ReelJobRecord       *job,
                                        ReelJobContext      *context,
                                        ReelBackend         *backend,
                                        const ReelMediaInfo *media);

G_END_DECLS
