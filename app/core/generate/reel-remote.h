/* reel-remote.h: what the remote backends share
 *
 * Turning the net module's errors into the backend failure kinds that decide
 * retries, reading JSON answers defensively, and sending a board image as a
 * data URI. Worker thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "reel-backend.h"
#include "reel-http-client.h"

G_BEGIN_DECLS

/* Converts an error from the net module (or a cancel) into a
 * REEL_BACKEND_ERROR of the matching kind, prefixed with @service. Cancels
 * and disk errors pass through unchanged. */
GError *reel_remote_error_from_net (const GError *error, const char *service);

/* Fails with a PERMANENT error unless @url may carry the API key: https,
 * or this computer. A key never crosses a network in clear text. */
gboolean reel_remote_check_secure_url (const char *url, const char *service, GError **error);

/* The answer's body as a JSON object, or NULL with a TRANSIENT error naming
 * @service when it is not one (garbage, truncated). @parser keeps the
 * object alive. */
JsonObject *reel_remote_parse_object (const ReelHttpResponse *response,
                                      JsonParser             *parser,
                                      const char             *service,
                                      GError                **error);

/* Helpers that tolerate a missing or mistyped member. */
const char *reel_json_get_string (JsonObject *object, const char *member);
JsonObject *reel_json_get_object (JsonObject *object, const char *member);
JsonArray  *reel_json_get_array (JsonObject *object, const char *member);
/* A number, or @fallback when absent; numeric strings are accepted. */
double reel_json_get_number (JsonObject *object, const char *member, double fallback);
/* The member as JSON text, or NULL. */
char *reel_json_member_to_string (JsonObject *object, const char *member);
char *reel_json_object_to_string (JsonObject *object);

/* What a backend answers when reel_job_context_save_resume_state() was not
 * committed: a cancel when the job was stopped, else a TRANSIENT error (the
 * project file was busy, or its disk full). Always FALSE. A request whose
 * note was not saved must not be sent at all. */
gboolean reel_remote_state_not_saved (ReelJobContext *context, GError **error);

/* Tells the scheduler to forget the job's task when @error is the service
 * saying the task is unusable (PERMANENT or REFUSED about that task): a
 * Retry then makes a new one. Other failures (the network, the disk, a
 * key) keep the task, which a Retry resumes for nothing. */
void reel_remote_drop_task_if_over (ReelJobContext *context, const GError *error);

/* A still image as "data:image/png;base64,…", for services that take images
 * inline. Images over @max_bytes are refused with a PERMANENT error. */
char *reel_remote_image_data_uri (const char *path, gsize max_bytes, GError **error);

G_END_DECLS
