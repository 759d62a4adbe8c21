/* fake-dashscope.h: a fake Alibaba Cloud Model Studio (DashScope) for tests
 *
 * Speaks the asynchronous video-synthesis protocol of
 * shared/protocols/remote-apis.md §1 on a loopback ReelFakeServer, under the
 * base path /api/v1 (give the backend reel_fake_dashscope_get_base_url()):
 *   POST /api/v1/services/aigc/video-generation/video-synthesis
 *   POST /api/v1/services/aigc/image2video/video-synthesis (kf2v models)
 *     "Authorization: Bearer KEY" and "X-DashScope-Async: enable" →
 *     {"output": {"task_id", "task_status": "PENDING"}, "request_id"}
 *   GET  /api/v1/tasks/{id} → PENDING, RUNNING, then SUCCEEDED with
 *     output.video_url (this server's /files/{id}.mp4?Expires=…&Signature=x),
 *     orig_prompt, actual_prompt and usage {video_duration, video_count, SR};
 *     or FAILED with output.code and output.message; UNKNOWN for a task it
 *     does not know
 *   POST /api/v1/tasks/{id}/cancel, only while the task is PENDING
 *   GET  /api/v1/tasks?start_time=&end_time=&model_name=&status=&page_no=&page_size=
 *     → {"data": [{"task_id", "task_status", "model_name", "submit_time"}],
 *       "total"}, newest first, times as "YYYY-MM-DD hh:mm:ss.mmm" in UTC+8
 *   GET  /files/{id}.mp4 → the video (Range honoured); 403 once Expires passed
 * A wrong key gets 401 InvalidApiKey; a create without the async header gets
 * 403 AccessDenied.
 *
 * A task waits in the queue for the queue latency after it was created (and
 * while the concurrency limit is reached), then runs for the run latency.
 * The duration it bills is the request's "duration" (5 when there is none)
 * and its SR the resolution of the request's "size" or "resolution".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fake-service.h"

G_BEGIN_DECLS

typedef struct _ReelFakeDashscope ReelFakeDashscope;

/* The kinds of request a fault can be queued for. */
typedef enum
{
  REEL_FAKE_DASHSCOPE_CREATE,
  REEL_FAKE_DASHSCOPE_POLL,
  REEL_FAKE_DASHSCOPE_CANCEL,
  REEL_FAKE_DASHSCOPE_LIST,
  REEL_FAKE_DASHSCOPE_DOWNLOAD,
} ReelFakeDashscopeRequest;

/* Serves @video as every task's clip, and accepts only @api_key. */
ReelFakeDashscope *reel_fake_dashscope_new (const char *api_key, GBytes *video);
void               reel_fake_dashscope_free (ReelFakeDashscope *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelFakeDashscope, reel_fake_dashscope_free)

/* "http://127.0.0.1:PORT" */
const char *reel_fake_dashscope_get_url (ReelFakeDashscope *self);
/* "http://127.0.0.1:PORT/api/v1", the endpoint to give the backend. */
const char     *reel_fake_dashscope_get_base_url (ReelFakeDashscope *self);
ReelFakeServer *reel_fake_dashscope_get_server (ReelFakeDashscope *self);

/* Switches. */
/* The next @count requests of @kind get @fault (after any queued before). */
void reel_fake_dashscope_add_fault (ReelFakeDashscope       *self,
                                    ReelFakeDashscopeRequest kind,
                                    ReelFakeFault            fault,
                                    guint                    count);
void reel_fake_dashscope_clear_faults (ReelFakeDashscope *self);
/* Retry-After of a THROTTLE fault, in seconds; negative: none, as the real
 * service sends. Default 7. */
void reel_fake_dashscope_set_retry_after (ReelFakeDashscope *self, int seconds);
/* Default 20 ms in the queue, 60 ms running. REEL_FAKE_FOREVER holds tasks;
 * a change applies to tasks already made. */
void reel_fake_dashscope_set_latency (ReelFakeDashscope *self, guint queue_ms, guint run_ms);
/* At most @tasks run at once; the rest stay PENDING (0: no limit, the default). */
void reel_fake_dashscope_set_max_running (ReelFakeDashscope *self, guint tasks);
/* Tasks created from now on end FAILED with @code and @message; when
 * @billed, their usage reports the clip that was made. @code NULL: they
 * succeed again. "DataInspectionFailed" is the moderation of the output. */
void reel_fake_dashscope_set_failure (ReelFakeDashscope *self,
                                      const char        *code,
                                      const char        *message,
                                      gboolean           billed);
/* Creates are refused with 400 DataInspectionFailed (moderation of the input). */
void reel_fake_dashscope_set_refuse_creates (ReelFakeDashscope *self, gboolean refuse);
/* How long a finished task's video link lasts, in seconds (24 h by
 * default); negative: it expired that long ago. */
void reel_fake_dashscope_set_link_lifetime (ReelFakeDashscope *self, gint64 seconds);
/* Every task is forgotten: polls answer UNKNOWN, as after 24 hours. */
void reel_fake_dashscope_forget_tasks (ReelFakeDashscope *self);
/* Makes a task as another program (or another job) would; returns its id. */
char *
reel_fake_dashscope_create_task (ReelFakeDashscope *self, const char *model, const char *prompt);

/* Counters. A @task_id of NULL counts over all tasks.
 * Requests that a fault refused before any work (THROTTLE, SERVER_ERROR, …,
 * HANG) are not counted: they are only in the server's log
 * (reel_fake_server_count()). */
/* Tasks made by create requests. */
guint reel_fake_dashscope_count_creates (ReelFakeDashscope *self);
/* Task queries, unknown ids included when @task_id is NULL. */
guint reel_fake_dashscope_count_polls (ReelFakeDashscope *self, const char *task_id);
guint reel_fake_dashscope_count_cancels (ReelFakeDashscope *self, const char *task_id);
/* Download requests (a resumed download counts twice). */
guint reel_fake_dashscope_count_downloads (ReelFakeDashscope *self, const char *task_id);
guint reel_fake_dashscope_count_lists (ReelFakeDashscope *self);
/* Whether any download request carried an Authorization header. */
gboolean reel_fake_dashscope_download_saw_authorization (ReelFakeDashscope *self);

/* State. */
/* Every task's id, oldest first. */
GStrv reel_fake_dashscope_dup_task_ids (ReelFakeDashscope *self);
/* "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", or NULL. */
char *reel_fake_dashscope_dup_task_status (ReelFakeDashscope *self, const char *task_id);
/* The prompt the task reports it actually used. */
char *reel_fake_dashscope_dup_actual_prompt (ReelFakeDashscope *self, const char *task_id);
/* The body of the last create request that reached the fake, or NULL. */
char *reel_fake_dashscope_dup_last_create_body (ReelFakeDashscope *self);

G_END_DECLS
