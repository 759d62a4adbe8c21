/* fake-sd-server.h: a fake stable-diffusion.cpp server (sd-server) for tests
 *
 * Speaks sd-server's asynchronous API under /sdcpp/v1 as
 * examples/server/routes_sdcpp.cpp and async_jobs.cpp have it at 97d2990
 * (shared/protocols/corrections-2026-12.md §1.1), on a loopback
 * ReelFakeServer:
 *   GET  /sdcpp/v1/capabilities → model, supported_modes,
 *     output_formats_by_mode.vid_gen, features_by_mode, loras, limits
 *   POST /sdcpp/v1/vid_gen with a flat body → 202 {id, kind, status,
 *     created, poll_url}; 400 {"error"} for an empty or invalid body, a model
 *     without vid_gen, an output_format it does not offer (one left out
 *     means "webm") or a LoRA it does not list; 429 when the queue is full
 *   GET  /sdcpp/v1/jobs/{id} → queued (with queue_position), generating,
 *     then completed with result {output_format, mime_type, fps,
 *     frame_count, b64_json} (a real clip of the frames asked for, floored
 *     to 4n+1), or failed with error {code: "generation_failed", message};
 *     410 {"error": "job expired"} once expired, then 404
 *   POST /sdcpp/v1/jobs/{id}/cancel → 200 and the job while it is queued
 *     (or finished); 409 while it is generating; 404; 410
 * One job generates at a time, as the server holds one model. Everything
 * here is thread-safe.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fake-service.h"

G_BEGIN_DECLS

typedef struct _ReelFakeSdServer ReelFakeSdServer;

/* The kinds of request a fault can be queued for. */
typedef enum
{
  REEL_FAKE_SD_CAPABILITIES,
  REEL_FAKE_SD_SUBMIT,
  REEL_FAKE_SD_POLL,
  REEL_FAKE_SD_CANCEL,
} ReelFakeSdRequest;

/* Loads "wan2.2_ti2v_5B_fp16.safetensors", which makes video, and offers
 * every output format: "webm", "webp", "avi". */
ReelFakeSdServer *reel_fake_sd_server_new (void);
void              reel_fake_sd_server_free (ReelFakeSdServer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelFakeSdServer, reel_fake_sd_server_free)

/* "http://127.0.0.1:PORT", the address to give the backend. */
const char     *reel_fake_sd_server_get_url (ReelFakeSdServer *self);
ReelFakeServer *reel_fake_sd_server_get_server (ReelFakeSdServer *self);

/* Switches. */
/* The model file it says it loaded, and whether that makes video. */
void reel_fake_sd_server_set_model (ReelFakeSdServer *self, const char *name, gboolean vid_gen);
/* The video formats its build writes, NULL-terminated, in its order. */
void reel_fake_sd_server_set_output_formats (ReelFakeSdServer *self, const char *const *formats);
/* The LoRA files it found in its --lora-model-dir (full paths). */
void reel_fake_sd_server_set_loras (ReelFakeSdServer *self, const char *const *paths);
/* Jobs queued or generating at most; more are refused with 429. Default 64. */
void reel_fake_sd_server_set_max_pending (ReelFakeSdServer *self, guint jobs);
/* Default 20 ms before a job may start, 60 ms generating. REEL_FAKE_FOREVER
 * holds jobs where they are; a change applies to jobs already made. */
void reel_fake_sd_server_set_latency (ReelFakeSdServer *self, guint queue_ms, guint run_ms);
/* Jobs queued from now on fail with @message; NULL: they succeed again. */
void reel_fake_sd_server_set_failure (ReelFakeSdServer *self, const char *message);
/* While @hold, a vid_gen request makes its job but its answer is held back
 * (the connection stays open), until the hold is lifted. */
void  reel_fake_sd_server_set_hold_submits (ReelFakeSdServer *self, gboolean hold);
guint reel_fake_sd_server_count_held_submits (ReelFakeSdServer *self);
/* The next @count requests of @kind get @fault (after any queued before). */
void reel_fake_sd_server_add_fault (ReelFakeSdServer *self,
                                    ReelFakeSdRequest kind,
                                    ReelFakeFault     fault,
                                    guint             count);
/* Ten minutes pass: finished jobs answer 410. */
void reel_fake_sd_server_expire_finished (ReelFakeSdServer *self);
/* Ten more: expired jobs answer 404. */
void reel_fake_sd_server_purge_expired (ReelFakeSdServer *self);

/* Counters and state. */
guint reel_fake_sd_server_count_submits (ReelFakeSdServer *self);
/* Polls of @job_id that reached it (NULL: of any job, unknown ones too). */
guint reel_fake_sd_server_count_polls (ReelFakeSdServer *self, const char *job_id);
/* Polls answered "completed", which carry the clip. */
guint reel_fake_sd_server_count_completed_answers (ReelFakeSdServer *self, const char *job_id);
guint reel_fake_sd_server_count_cancels (ReelFakeSdServer *self, const char *job_id);
/* "queued", "generating", "completed", "failed", "cancelled", "expired",
 * or NULL for a job it does not know. */
char *reel_fake_sd_server_dup_status (ReelFakeSdServer *self, const char *job_id);
/* Every job's id, oldest first. */
GStrv reel_fake_sd_server_dup_job_ids (ReelFakeSdServer *self);
/* The body of the last vid_gen request that reached it, or NULL. */
char *reel_fake_sd_server_dup_last_body (ReelFakeSdServer *self);

G_END_DECLS
