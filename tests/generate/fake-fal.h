/* fake-fal.h: a fake fal.ai queue for tests
 *
 * Speaks the queue protocol of shared/protocols/remote-apis.md §4 (as
 * corrected) on a loopback ReelFakeServer; the base URL (give it to the
 * backend) is the server's root:
 *   POST /{owner}/{app}/{path…} with "Authorization: Key KEY" →
 *     {"request_id", "status_url", "response_url", "cancel_url",
 *      "queue_position"}, whose URLs name only {owner}/{app}, as the real
 *     queue's do: /fal-ai/wan/requests/{id}/status
 *   GET  /{owner}/{app}/requests/{id}/status → 202 {"status": "IN_QUEUE",
 *     "queue_position"}, 202 {"status": "IN_PROGRESS", "logs"}, then 200
 *     {"status": "COMPLETED", "logs", "metrics"} (+ "error", "error_type")
 *   GET  /{owner}/{app}/requests/{id} → {"video": {"url": "{base}/files/{id}.mp4",
 *     "content_type", "file_name", "file_size"}, "seed", "prompt"}; 400 while
 *     the request runs; pydantic's 422 {"detail": [{"loc", "msg", "type"}]}
 *     for invalid input or content_policy_violation
 *   PUT  /{owner}/{app}/requests/{id}/cancel → 202 CANCELLATION_REQUESTED
 *     (a queued request is removed, a running one runs on), 400
 *     ALREADY_COMPLETED, 404 NOT_FOUND
 *   GET  /files/{id}.mp4 → the video (Range honoured)
 * A wrong key gets 401. The input is checked against the Wan 2.2 A14B schema
 * (prompt; num_frames 17–161; frames_per_second 4–60; resolution, aspect_ratio
 * and interpolator_model from their lists; image_url for image-to-video).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fake-service.h"

G_BEGIN_DECLS

typedef struct _ReelFakeFal ReelFakeFal;

typedef enum
{
  REEL_FAKE_FAL_SUBMIT,
  REEL_FAKE_FAL_STATUS,
  REEL_FAKE_FAL_RESULT,
  REEL_FAKE_FAL_CANCEL,
  REEL_FAKE_FAL_DOWNLOAD,
} ReelFakeFalRequest;

ReelFakeFal *reel_fake_fal_new (const char *api_key, GBytes *video);
void         reel_fake_fal_free (ReelFakeFal *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelFakeFal, reel_fake_fal_free)

/* "http://127.0.0.1:PORT", the base URL to give the backend. */
const char     *reel_fake_fal_get_url (ReelFakeFal *self);
ReelFakeServer *reel_fake_fal_get_server (ReelFakeFal *self);

/* Switches. */
void reel_fake_fal_add_fault (ReelFakeFal       *self,
                              ReelFakeFalRequest kind,
                              ReelFakeFault      fault,
                              guint              count);
void reel_fake_fal_clear_faults (ReelFakeFal *self);
/* Retry-After of a THROTTLE fault, in seconds; negative: none. Default 7. */
void reel_fake_fal_set_retry_after (ReelFakeFal *self, int seconds);
/* Default 20 ms queued, 60 ms in progress; REEL_FAKE_FOREVER holds. */
void reel_fake_fal_set_latency (ReelFakeFal *self, guint queue_ms, guint run_ms);
/* At most @requests in progress at once (0: no limit, the default). */
void reel_fake_fal_set_max_running (ReelFakeFal *self, guint requests);
/* Requests submitted from now on complete with "error" and "error_type"
 * in their status (and a 500 from their result). NULL: they succeed. */
void reel_fake_fal_set_failure (ReelFakeFal *self, const char *error_type, const char *message);
/* Requests submitted from now on are refused by the content checker: their
 * result is a 422 of type content_policy_violation on the prompt. */
void reel_fake_fal_set_refusal (ReelFakeFal *self, gboolean refuse);
/* The input fails validation on @field with @msg and @type, as if the schema
 * said so (NULL: only the schema's own checks). */
void reel_fake_fal_set_invalid_field (ReelFakeFal *self,
                                      const char  *field,
                                      const char  *msg,
                                      const char  *type);
/* Where invalid input is answered: the submit (TRUE) or the result of the
 * request once it has run (FALSE, the default, as the app validates it). */
void reel_fake_fal_set_validate_on_submit (ReelFakeFal *self, gboolean on_submit);

/* Counters; a @request_id of NULL counts over all requests.
 * Requests that a fault refused before any work (THROTTLE, SERVER_ERROR, …,
 * HANG) are not counted: they are only in the server's log
 * (reel_fake_server_count()). */
/* Requests queued by a submit. */
guint    reel_fake_fal_count_submits (ReelFakeFal *self);
guint    reel_fake_fal_count_status_polls (ReelFakeFal *self, const char *request_id);
guint    reel_fake_fal_count_results (ReelFakeFal *self, const char *request_id);
guint    reel_fake_fal_count_cancels (ReelFakeFal *self, const char *request_id);
guint    reel_fake_fal_count_downloads (ReelFakeFal *self, const char *request_id);
gboolean reel_fake_fal_download_saw_authorization (ReelFakeFal *self);

/* State. */
GStrv reel_fake_fal_dup_request_ids (ReelFakeFal *self);
/* "IN_QUEUE", "IN_PROGRESS", "COMPLETED", "CANCELLED", or NULL. */
char *reel_fake_fal_dup_status (ReelFakeFal *self, const char *request_id);
/* Every submit body that reached the fake, accepted or not, in order. */
GPtrArray *reel_fake_fal_dup_bodies (ReelFakeFal *self);
/* The last one as a JSON object, or NULL (unref it). */
JsonObject *reel_fake_fal_dup_last_input (ReelFakeFal *self);
/* The endpoint ("fal-ai/wan/v2.2-a14b/text-to-video") of the last submit. */
char *reel_fake_fal_dup_last_endpoint (ReelFakeFal *self);

G_END_DECLS
