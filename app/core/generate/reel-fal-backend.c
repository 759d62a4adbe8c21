/* reel-fal-backend.c
 *
 * The queue protocol, as fal documents it and fal_client implements it (see
 * also shared/protocols/remote-apis.md and corrections-2026-12.md):
 *   POST {base}/{model} with "Authorization: Key …" →
 *     {"request_id", "status_url", "response_url", "cancel_url"}
 *   GET  status_url?logs=1 → 202 {"status": "IN_QUEUE", "queue_position"} |
 *     202 {"status": "IN_PROGRESS", "logs"} | 200 {"status": "COMPLETED",
 *     "error"?, "error_type"?}
 *   GET  response_url → {"video": {"url"}, "seed"}, or a pydantic-style 422
 *   PUT  cancel_url
 * fal offers no way to look up a request whose submit reply was lost, so a
 * lost reply is never answered by a second submission: the job fails and
 * says so, and only the user's Retry submits again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "reel-fal-backend.h"
#include "reel-remote.h"

#define SERVICE_NAME "fal.ai"
/* Wan's own frame rate: the billing counts video seconds at 16 fps. */
#define WAN_FPS 16
#define MIN_FRAMES 17
#define MAX_FRAMES 161
#define MAX_POLL_ERRORS 8
#define MAX_IMAGE_BYTES (10 * 1000 * 1000)

static const char *const known_models[] = {
  "fal-ai/wan/v2.2-a14b/text-to-video",       "fal-ai/wan/v2.2-a14b/image-to-video",
  "fal-ai/wan/v2.2-a14b/text-to-video/turbo", "fal-ai/wan/v2.2-a14b/image-to-video/turbo",
  "fal-ai/wan/v2.2-a14b/text-to-video/lora",  NULL,
};

struct _ReelFalBackend
{
  GObject parent_instance;

  char           *base_url;
  char           *api_key;
  char           *model;
  guint           max_parallel_jobs;
  guint           poll_min_ms;
  guint           poll_max_ms;
  ReelPriceTable *prices;
};

typedef struct
{
  const char *model;
  gboolean    image_to_video;
  const char *resolution; /* "480p", "580p", "720p" */
  const char *aspect_ratio;
  guint       frames;
  guint       fps;
} Plan;

static void backend_iface_init (ReelBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ReelFalBackend,
                               reel_fal_backend,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (REEL_TYPE_BACKEND, backend_iface_init))

const char *const *
reel_fal_list_models (void)
{
  return known_models;
}

/* ------------------------------------------------------------------------ */
/* Plans and prices                                                          */

static void
make_plan (ReelFalBackend *self, const ReelJobRequest *request, Plan *plan)
{
  double ratio = (double) request->width / MAX (request->height, 1);
  guint  lines = MIN (request->width, request->height);
  guint  frames;

  plan->model = request->model != NULL && *request->model != '\0' ? request->model : self->model;
  plan->image_to_video = strstr (plan->model, "image-to-video") != NULL;
  plan->resolution = lines >= 720 ? "720p" : lines >= 580 ? "580p" : "480p";
  if (plan->image_to_video)
    plan->aspect_ratio = "auto";
  else
    plan->aspect_ratio = ratio > 1.2 ? "16:9" : ratio < 0.83 ? "9:16" : "1:1";

  /* Wan makes 4n + 1 frames; the nearest such count to the shot's length
   * at Wan's own rate, so the clip is as long as the shot. */
  frames = (guint) lround (request->duration * WAN_FPS);
  frames = ((frames + 1) / 4) * 4 + 1;
  plan->frames = CLAMP (frames, MIN_FRAMES, MAX_FRAMES);
  plan->fps = WAN_FPS;
}

static double
plan_seconds (const Plan *plan)
{
  return (double) plan->frames / WAN_FPS;
}

static double
price_per_second (ReelFalBackend *self, const Plan *plan)
{
  double price;

  if (reel_price_table_lookup (self->prices, "fal", plan->model, plan->resolution, &price))
    return price;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */

static gboolean
check_key (ReelFalBackend *self, GError **error)
{
  if (self->api_key != NULL && *self->api_key != '\0')
    return TRUE;
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH,
               _ ("fal.ai needs an API key. Set FAL_KEY, or enter the key in Preferences."));
  return FALSE;
}

static char *
origin_of (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), g_uri_get_host (uri),
                          g_uri_get_port (uri));
}

/* The key goes only to the queue that was asked: a URL in an answer that
 * points elsewhere is refused rather than sent the key. */
static gboolean
check_same_origin (ReelFalBackend *self, const char *url, GError **error)
{
  g_autofree char *expected = origin_of (self->base_url);
  g_autofree char *actual = url != NULL ? origin_of (url) : NULL;

  if (actual != NULL && g_strcmp0 (expected, actual) == 0)
    return TRUE;
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("fal.ai pointed Storyreel at another server; the request was not followed."));
  return FALSE;
}

static ReelHttpResponse *
send_request (ReelFalBackend *self,
              ReelHttpClient *client,
              const char     *method,
              const char     *url,
              const char     *body,
              GError        **error)
{
  g_autofree char *authorization = g_strdup_printf ("Authorization: Key %s", self->api_key);
  const char      *headers[]
      = { authorization, "Content-Type: application/json", "Accept: application/json", NULL };
  g_autoptr (GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr (GError) net_error = NULL;
  ReelHttpResponse *response;

  if (!reel_remote_check_secure_url (url, SERVICE_NAME, error))
    return NULL;
  reel_http_client_add_secret (client, self->api_key);
  response = reel_http_client_request (client, method, url, headers, bytes, &net_error);
  if (response == NULL)
    g_propagate_error (error, reel_remote_error_from_net (net_error, SERVICE_NAME));
  return response;
}

/* pydantic's 422: {"detail": [{"loc": ["body", "num_frames"], "msg": "…",
 * "type": "…"}]} becomes "num_frames: …". */
static char *
describe_detail (JsonObject *object, gboolean *refused)
{
  JsonArray  *details = reel_json_get_array (object, "detail");
  const char *text = reel_json_get_string (object, "detail");
  g_autoptr (GString) sentence = g_string_new (NULL);

  if (text != NULL)
    return g_strdup (text);
  for (guint i = 0; details != NULL && i < json_array_get_length (details); i++)
    {
      JsonNode   *node = json_array_get_element (details, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray  *loc = reel_json_get_array (item, "loc");
      const char *msg = reel_json_get_string (item, "msg");
      const char *type = reel_json_get_string (item, "type");
      const char *field = NULL;

      if (g_strcmp0 (type, "content_policy_violation") == 0)
        *refused = TRUE;
      if (loc != NULL && json_array_get_length (loc) > 0)
        {
          JsonNode *last = json_array_get_element (loc, json_array_get_length (loc) - 1);
          if (JSON_NODE_HOLDS_VALUE (last) && json_node_get_value_type (last) == G_TYPE_STRING)
            field = json_node_get_string (last);
        }
      if (sentence->len > 0)
        g_string_append (sentence, "; ");
      if (field != NULL && g_strcmp0 (field, "body") != 0)
        g_string_append_printf (sentence, "%s: ", field);
      g_string_append (sentence, msg != NULL ? msg : (type != NULL ? type : "?"));
    }
  return sentence->len > 0 ? g_string_free (g_steal_pointer (&sentence), FALSE) : NULL;
}

static GError *
error_from_answer (ReelHttpResponse *response, ReelJobContext *context)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) net_error = NULL;
  JsonObject      *object = reel_remote_parse_object (response, parser, SERVICE_NAME, NULL);
  const char      *error_type = reel_json_get_string (object, "error_type");
  gboolean         refused = FALSE;
  g_autofree char *detail = describe_detail (object, &refused);

  if (error_type == NULL)
    error_type = reel_http_response_get_header (response, "X-Fal-Error-Type");
  if (refused || g_strcmp0 (error_type, "content_policy_violation") == 0)
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED,
                        _ ("fal.ai refused the shot’s content: %s"),
                        detail != NULL ? detail : error_type);
  if (response->status == 401 || response->status == 403)
    return g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH,
                                _ ("fal.ai did not accept the API key. Check it in Preferences, "
                                   "or set FAL_KEY."));
  if (response->status == 422)
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                        _ ("fal.ai did not accept the request: %s."),
                        detail != NULL ? detail : _ ("invalid input"));

  if (response->retry_after_ms >= 0)
    reel_job_context_set_retry_after (context, response->retry_after_ms / 1000.0);
  reel_http_response_check (response, &net_error);
  if (detail != NULL)
    return g_error_new (REEL_BACKEND_ERROR,
                        reel_net_error_is_transient (net_error) ? REEL_BACKEND_ERROR_TRANSIENT
                                                                : REEL_BACKEND_ERROR_PERMANENT,
                        _ ("fal.ai: %s"), detail);
  return reel_remote_error_from_net (net_error, SERVICE_NAME);
}

static gboolean
stopped (ReelJobContext *context, GError **error)
{
  return g_cancellable_set_error_if_cancelled (reel_job_context_get_cancellable (context), error);
}

static JsonObject *
parse_state (ReelJobContext *context, JsonParser *parser)
{
  const char *state = reel_job_context_get_resume_state (context);
  JsonNode   *root;

  if (state == NULL || !json_parser_load_from_data (parser, state, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_node_get_object (root);
}

/* ------------------------------------------------------------------------ */
/* Submit                                                                    */

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder, const char *name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static char *
submit_body (const ReelJobRequest *request, const Plan *plan, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *image = NULL;

  if (plan->image_to_video)
    {
      if (request->start_image == NULL)
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("The model %s starts from an image: give the shot a board image, or "
                          "choose a text-to-video model."),
                       plan->model);
          return NULL;
        }
      if ((image = reel_remote_image_data_uri (request->start_image, MAX_IMAGE_BYTES, error))
          == NULL)
        return NULL;
    }

  json_builder_begin_object (builder);
  add_string (builder, "prompt", request->prompt);
  if (request->negative_prompt != NULL && *request->negative_prompt != '\0')
    add_string (builder, "negative_prompt", request->negative_prompt);
  add_string (builder, "image_url", image);
  add_int (builder, "num_frames", plan->frames);
  add_int (builder, "frames_per_second", plan->fps);
  add_string (builder, "resolution", plan->resolution);
  add_string (builder, "aspect_ratio", plan->aspect_ratio);
  /* Interpolation would double the frame rate and change the length. */
  add_string (builder, "interpolator_model", "none");
  if (request->seed > 0)
    add_int (builder, "seed", request->seed % G_MAXINT32);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
state_json (JsonObject *submitted, const char *model, gboolean creating)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  const char *const members[] = { "request_id", "status_url", "response_url", "cancel_url" };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    add_string (builder, members[i], reel_json_get_string (submitted, members[i]));
  add_string (builder, "model", model);
  if (creating)
    add_int (builder, "creating_since", g_get_real_time () / G_USEC_PER_SEC);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Sends the submit; the queue's answer, or NULL. Only a refusal (4xx)
 * proves that nothing was queued, and clears the note written before the
 * request left; after any other failure the request may exist. */
static JsonObject *
post_submit (ReelFalBackend *self,
             ReelJobContext *context,
             const Plan     *plan,
             const char     *body,
             JsonParser     *parser,
             GError        **error)
{
  g_autofree char *url = g_strdup_printf ("%s/%s", self->base_url, plan->model);
  g_autoptr (ReelHttpResponse) response = NULL;
  JsonObject *answer;

  g_debug ("Submitting job %" G_GINT64_FORMAT " to %s (%u frames at %u fps, %s)",
           reel_job_context_get_job_id (context), plan->model, plan->frames, plan->fps,
           plan->resolution);
  response
      = send_request (self, reel_job_context_get_http_client (context), "POST", url, body, error);
  if (response == NULL)
    return NULL;
  if (response->status >= 400 && response->status < 500)
    {
      g_autofree char *cleared = state_json (NULL, plan->model, FALSE);

      reel_job_context_save_resume_state (context, NULL, cleared);
      g_propagate_error (error, error_from_answer (response, context));
      return NULL;
    }

  /* A gateway's 502 or 504 may come after fal queued the request, and fal
   * cannot be asked about it: sending it again could pay twice, so the user
   * decides, and their Retry sends a new one. */
  if (response->status < 200 || response->status >= 300)
    {
      reel_job_context_drop_remote_task (context);
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("fal.ai answered with error %u after Storyreel sent the request, so it may "
                      "have been queued and charged all the same. It was not sent again, to "
                      "avoid paying twice: check your requests on fal.ai’s dashboard before you "
                      "Retry."),
                   response->status);
      return NULL;
    }

  /* Unreadable, the answer still means the request was queued: the note
   * stays, and the next try says the reply was lost. */
  answer = reel_remote_parse_object (response, parser, SERVICE_NAME, error);
  if (answer == NULL || reel_json_get_string (answer, "request_id") == NULL
      || !check_same_origin (self, reel_json_get_string (answer, "status_url"), error)
      || !check_same_origin (self, reel_json_get_string (answer, "response_url"), error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                             _ ("fal.ai answered with something Storyreel cannot read."));
      return NULL;
    }
  return answer;
}

static gboolean
submit (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelFalBackend       *self = REEL_FAL_BACKEND (backend);
  const ReelJobRequest *request = reel_job_context_get_request (context);
  g_autoptr (JsonParser) state_parser = json_parser_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  g_autofree char *creating = NULL;
  g_autofree char *saved = NULL;
  JsonObject      *state, *answer;
  Plan             plan = { 0 };

  if (!check_key (self, error))
    return FALSE;
  make_plan (self, request, &plan);

  state = parse_state (context, state_parser);
  if (reel_json_get_string (state, "request_id") != NULL)
    return TRUE;
  if (reel_json_get_number (state, "creating_since", 0) > 0)
    {
      /* Only the user can tell: their Retry sends a new request. */
      reel_job_context_drop_remote_task (context);
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                           _ ("The reply to Storyreel’s request to fal.ai was lost, so it cannot "
                              "tell whether fal.ai is making the clip. It was not sent again, to "
                              "avoid paying twice: see your requests on fal.ai, or Retry to make "
                              "a new one."));
      return FALSE;
    }

  if ((body = submit_body (request, &plan, error)) == NULL)
    return FALSE;

  /* Durable before the request leaves, or the request does not leave. */
  creating = state_json (NULL, plan.model, TRUE);
  if (!reel_job_context_save_resume_state (context, NULL, creating))
    return reel_remote_state_not_saved (context, error);

  if ((answer = post_submit (self, context, &plan, body, parser, error)) == NULL)
    return FALSE;

  saved = state_json (answer, plan.model, FALSE);
  if (!reel_job_context_save_resume_state (context, reel_json_get_string (answer, "request_id"),
                                           saved))
    return reel_remote_state_not_saved (context, error);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Poll                                                                      */

static const char *
last_log_message (JsonObject *status)
{
  JsonArray  *logs = reel_json_get_array (status, "logs");
  guint       n = logs != NULL ? json_array_get_length (logs) : 0;
  JsonNode   *last = n > 0 ? json_array_get_element (logs, n - 1) : NULL;
  JsonObject *entry
      = last != NULL && JSON_NODE_HOLDS_OBJECT (last) ? json_node_get_object (last) : NULL;

  return reel_json_get_string (entry, "message");
}

static GError *
completed_with_error (JsonObject *status)
{
  const char *message = reel_json_get_string (status, "error");
  const char *error_type = reel_json_get_string (status, "error_type");

  if (message == NULL && error_type == NULL)
    return NULL;
  if (g_strcmp0 (error_type, "content_policy_violation") == 0)
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED,
                        _ ("fal.ai refused the shot’s content: %s"),
                        message != NULL ? message : error_type);
  /* Timeouts and lost runners are fal's own failures: worth another try. */
  if (g_strcmp0 (error_type, "request_timeout") == 0
      || g_strcmp0 (error_type, "runner_disconnected") == 0)
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                        _ ("fal.ai failed to make the clip: %s"),
                        message != NULL ? message : error_type);
  return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                      _ ("fal.ai failed to make the clip: %s"),
                      message != NULL ? message : error_type);
}

/* One poll: TRUE when the request has ended (@done, or an error). */
static gboolean
poll_once (ReelFalBackend *self,
           ReelJobContext *context,
           const char     *url,
           guint          *server_errors,
           gboolean       *done,
           GError        **error)
{
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  JsonObject *status = NULL;
  const char *name;

  *done = FALSE;
  response = send_request (self, reel_job_context_get_http_client (context), "GET", url, NULL,
                           &local_error);
  if (response != NULL && (response->status < 200 || response->status >= 300))
    local_error = error_from_answer (response, context);
  else if (response != NULL)
    status = reel_remote_parse_object (response, parser, SERVICE_NAME, &local_error);

  if (local_error != NULL)
    {
      if (g_error_matches (local_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
          && ++*server_errors < MAX_POLL_ERRORS)
        return FALSE;
      reel_remote_drop_task_if_over (context, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TRUE;
    }
  name = reel_json_get_string (status, "status");
  /* JSON without a status (a proxy's answer, a changed API) is as unreadable
   * as garbage: it counts towards the limit, and does not reset it. */
  if (name == NULL)
    {
      g_debug ("Polling %s: the answer has no status (%u)", url, *server_errors + 1);
      if (++*server_errors < MAX_POLL_ERRORS)
        return FALSE;
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                   _ ("%s answered with something Storyreel cannot read."), SERVICE_NAME);
      return TRUE;
    }
  *server_errors = 0;

  if (g_strcmp0 (name, "COMPLETED") == 0)
    {
      GError *failure = completed_with_error (status);

      /* A failed request is over: a retry submits a new one. */
      if (failure != NULL)
        reel_job_context_drop_remote_task (context);

      if (failure != NULL)
        g_propagate_error (error, failure);
      *done = failure == NULL;
      return TRUE;
    }
  if (g_strcmp0 (name, "IN_QUEUE") == 0)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("Waiting in fal.ai’s queue (position %.0f)"),
                             reel_json_get_number (status, "queue_position", 0) + 1);
      reel_job_context_progress (context, 0.02, message);
    }
  else
    reel_job_context_progress (context, -1,
                               last_log_message (status) != NULL
                                   ? last_log_message (status)
                                   : _ ("fal.ai is generating the clip"));
  return FALSE;
}

static gboolean
wait_for_request (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelFalBackend *self = REEL_FAL_BACKEND (backend);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject      *state = parse_state (context, parser);
  const char      *status_url = reel_json_get_string (state, "status_url");
  g_autofree char *url = NULL;
  guint            interval = self->poll_min_ms;
  guint            server_errors = 0;

  if (!check_key (self, error))
    return FALSE;
  if (status_url == NULL || !check_same_origin (self, status_url, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                             _ ("The request was not submitted yet."));
      else if (error != NULL)
        reel_remote_drop_task_if_over (context, *error);
      return FALSE;
    }

  url = g_strdup_printf ("%s%slogs=1", status_url, strchr (status_url, '?') != NULL ? "&" : "?");
  for (guint poll = 0;; poll++)
    {
      gboolean done;

      if (poll_once (self, context, url, &server_errors, &done, error))
        return done;
      if (!reel_job_context_wait (context, interval))
        return !stopped (context, error);
      if (poll % 3 == 2)
        interval = MIN (interval * 2, self->poll_max_ms);
    }
}

/* ------------------------------------------------------------------------ */
/* Result                                                                    */

static JsonObject *
get_result (ReelFalBackend *self,
            ReelJobContext *context,
            const char     *response_url,
            JsonParser     *parser,
            GError        **error)
{
  g_autoptr (ReelHttpResponse) response = NULL;

  if (!check_same_origin (self, response_url, error))
    return NULL;
  response = send_request (self, reel_job_context_get_http_client (context), "GET", response_url,
                           NULL, error);
  if (response == NULL)
    return NULL;
  if (response->status < 200 || response->status >= 300)
    {
      g_propagate_error (error, error_from_answer (response, context));
      return NULL;
    }
  return reel_remote_parse_object (response, parser, SERVICE_NAME, error);
}

static void
report_result (ReelFalBackend *self, ReelJobContext *context, JsonObject *result)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  ReelServiceReport     report = { .seed = -1, .billed_seconds = -1, .cost = -1 };
  Plan                  plan = { 0 };
  double                price;

  make_plan (self, request, &plan);
  report.seed = (gint64) reel_json_get_number (result, "seed", (double) request->seed);
  report.actual_prompt = reel_json_get_string (result, "prompt");
  report.billed_seconds = plan_seconds (&plan);
  price = price_per_second (self, &plan);
  if (price >= 0)
    {
      report.cost = report.billed_seconds * price;
      report.currency = reel_price_table_get_currency (self->prices, "fal");
    }
  reel_job_context_report_service (context, &report);
}

static char *
fetch (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelFalBackend *self = REEL_FAL_BACKEND (backend);
  g_autoptr (JsonParser) state_parser = json_parser_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) net_error = NULL;
  JsonObject      *state = parse_state (context, state_parser);
  JsonObject      *result;
  const char      *video_url;
  g_autofree char *path = NULL;

  result = get_result (self, context, reel_json_get_string (state, "response_url"), parser, error);
  video_url = reel_json_get_string (reel_json_get_object (result, "video"), "url");
  if (result != NULL && video_url == NULL)
    g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                         _ ("fal.ai finished the request but gave no video."));
  if (video_url == NULL)
    {
      /* A refused or unusable result is final; a download that failed (a
       * full disk, a dropped link) is not, and a Retry downloads it again. */
      reel_remote_drop_task_if_over (context, error != NULL ? *error : NULL);
      return NULL;
    }

  if ((path = reel_job_context_new_temp_path (context, "mp4", error)) == NULL)
    return NULL;
  /* fal's media host gets no key. */
  if (!reel_http_client_download (reel_job_context_get_http_client (context), video_url, NULL, path,
                                  NULL, NULL, &net_error))
    {
      g_propagate_error (error, reel_remote_error_from_net (net_error, SERVICE_NAME));
      return NULL;
    }

  report_result (self, context, result);
  return g_steal_pointer (&path);
}

/* ------------------------------------------------------------------------ */
/* Cancel and the rest of the interface                                      */

static void
cancel (ReelBackend *backend, ReelJobContext *context)
{
  ReelFalBackend *self = REEL_FAL_BACKEND (backend);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *state = parse_state (context, parser);
  const char *cancel_url = reel_json_get_string (state, "cancel_url");
  g_autoptr (ReelHttpClient) client = NULL;
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redacted = NULL;

  /* A job that Storyreel stopped (quit, project closed) resumes its request
   * next time: only the user's cancel gives it up. */
  if (cancel_url == NULL || self->api_key == NULL
      || !reel_job_context_is_cancelled_by_user (context)
      || !check_same_origin (self, cancel_url, NULL))
    return;

  /* The job's own client is cancelled by now. */
  client = reel_http_client_new ();
  reel_http_client_set_timeouts (client, 10, 10);
  response = send_request (self, client, "PUT", cancel_url, NULL, &error);
  /* The answer is the service's text: it could echo what was sent. */
  redacted = reel_http_client_redact (
      client, response != NULL ? reel_http_response_get_text (response) : error->message);
  g_debug ("Cancelling %s: %s", reel_json_get_string (state, "request_id"), redacted);
}

static gboolean
test_connection (ReelBackend *backend, GCancellable *cancellable, GError **error)
{
  ReelFalBackend *self = REEL_FAL_BACKEND (backend);
  g_autoptr (ReelHttpClient) client = reel_http_client_new ();
  g_autoptr (ReelHttpResponse) response = NULL;
  /* The status of a request that does not exist: free, and it needs a key. */
  g_autofree char *url = g_strdup_printf (
      "%s/fal-ai/wan/requests/00000000-0000-4000-8000-000000000000/status", self->base_url);

  if (!check_key (self, error))
    return FALSE;
  reel_http_client_set_cancellable (client, cancellable);
  reel_http_client_set_timeouts (client, 10, 15);
  response = send_request (self, client, "GET", url, NULL, error);
  if (response == NULL)
    return FALSE;
  if (response->status == 401 || response->status == 403)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH,
                           _ ("fal.ai did not accept the API key. Check it in Preferences, or set "
                              "FAL_KEY."));
      return FALSE;
    }
  if (response->status >= 500)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                   _ ("fal.ai answered with HTTP %u; try again later."), response->status);
      return FALSE;
    }
  return TRUE;
}

static const char *
get_name (ReelBackend *backend)
{
  return "fal";
}

static const char *
get_display_name (ReelBackend *backend)
{
  return "fal.ai";
}

static void
get_capabilities (ReelBackend *backend, ReelBackendCapabilities *caps)
{
  ReelFalBackend *self = REEL_FAL_BACKEND (backend);

  caps->features = REEL_BACKEND_TEXT_TO_VIDEO | REEL_BACKEND_IMAGE_TO_VIDEO | REEL_BACKEND_REMOTE;
  caps->max_width = 7680;
  caps->max_height = 4320;
  caps->min_duration = 0.5;
  caps->max_duration = (double) MAX_FRAMES / WAN_FPS;
  caps->min_fps = 1;
  caps->max_fps = 120;
  caps->max_parallel_jobs = self->max_parallel_jobs;
  caps->currency = reel_price_table_get_currency (self->prices, "fal");
}

static double
estimate_cost (ReelBackend *backend, const ReelJobRequest *request)
{
  ReelFalBackend *self = REEL_FAL_BACKEND (backend);
  Plan            plan = { 0 };
  double          price;

  make_plan (self, request, &plan);
  price = price_per_second (self, &plan);
  return price >= 0 ? price * plan_seconds (&plan) : -1;
}

static double
billed_seconds (ReelBackend *backend, const ReelJobRequest *request)
{
  Plan plan = { 0 };

  make_plan (REEL_FAL_BACKEND (backend), request, &plan);
  return plan_seconds (&plan);
}

static gboolean
check_ready (ReelBackend *backend, char **reason)
{
  ReelFalBackend *self = REEL_FAL_BACKEND (backend);

  if (self->api_key != NULL && *self->api_key != '\0')
    return TRUE;
  if (reason != NULL)
    *reason = g_strdup (_ ("No API key: set FAL_KEY or enter the key in Preferences"));
  return FALSE;
}

static const char *const *
list_models (ReelBackend *backend)
{
  return known_models;
}

static const char *
get_model (ReelBackend *backend)
{
  return REEL_FAL_BACKEND (backend)->model;
}

static void
backend_iface_init (ReelBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->get_display_name = get_display_name;
  iface->get_capabilities = get_capabilities;
  iface->estimate_cost = estimate_cost;
  iface->submit = submit;
  iface->wait = wait_for_request;
  iface->fetch = fetch;
  iface->cancel = cancel;
  iface->test_connection = test_connection;
  iface->check_ready = check_ready;
  iface->billed_seconds = billed_seconds;
  iface->list_models = list_models;
  iface->get_model = get_model;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
reel_fal_backend_finalize (GObject *object)
{
  ReelFalBackend *self = REEL_FAL_BACKEND (object);

  g_free (self->base_url);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  g_free (self->model);
  g_clear_pointer (&self->prices, reel_price_table_unref);

  G_OBJECT_CLASS (reel_fal_backend_parent_class)->finalize (object);
}

static void
reel_fal_backend_class_init (ReelFalBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_fal_backend_finalize;
}

static void
reel_fal_backend_init (ReelFalBackend *self)
{
  self->model = g_strdup (REEL_FAL_DEFAULT_MODEL);
  /* New accounts run two requests at once; more wait in fal's queue. */
  self->max_parallel_jobs = 2;
  self->poll_min_ms = 1000;
  self->poll_max_ms = 5000;
  self->prices = reel_price_table_new_default ();
}

ReelFalBackend *
reel_fal_backend_new (const char *base_url, const char *api_key)
{
  ReelFalBackend  *self = g_object_new (REEL_TYPE_FAL_BACKEND, NULL);
  g_autofree char *base
      = g_strdup (base_url != NULL && *base_url != '\0' ? base_url : REEL_FAL_BASE);

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  self->base_url = g_steal_pointer (&base);
  self->api_key = api_key != NULL && *api_key != '\0' ? g_strdup (api_key) : NULL;
  return self;
}

void
reel_fal_backend_set_model (ReelFalBackend *self, const char *model)
{
  g_return_if_fail (REEL_IS_FAL_BACKEND (self));
  if (model == NULL || *model == '\0')
    model = REEL_FAL_DEFAULT_MODEL;
  g_free (self->model);
  self->model = g_strdup (model);
}

void
reel_fal_backend_set_max_parallel_jobs (ReelFalBackend *self, guint jobs)
{
  g_return_if_fail (REEL_IS_FAL_BACKEND (self));
  self->max_parallel_jobs = MAX (jobs, 1);
}

void
reel_fal_backend_set_prices (ReelFalBackend *self, ReelPriceTable *prices)
{
  g_return_if_fail (REEL_IS_FAL_BACKEND (self));
  g_return_if_fail (prices != NULL);
  reel_price_table_ref (prices);
  g_clear_pointer (&self->prices, reel_price_table_unref);
  self->prices = prices;
}

void
reel_fal_backend_set_poll_interval (ReelFalBackend *self, guint min_ms, guint max_ms)
{
  g_return_if_fail (REEL_IS_FAL_BACKEND (self));
  self->poll_min_ms = MAX (min_ms, 1);
  self->poll_max_ms = MAX (max_ms, self->poll_min_ms);
}
