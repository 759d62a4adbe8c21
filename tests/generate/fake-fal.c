/* fake-fal.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-fal.h"

#define N_REQUEST_KINDS (REEL_FAKE_FAL_DOWNLOAD + 1)
#define DEFAULT_SEED 424242

typedef struct
{
  ReelFakeLifecycle life; /* first: see reel_fake_lifecycles_advance() */
  char             *id;
  char             *app;      /* "fal-ai/wan" */
  char             *endpoint; /* "fal-ai/wan/v2.2-a14b/text-to-video" */
  char             *prompt;
  gint64            seed;
  char             *error_type;
  char             *error_message;
  gboolean          refused;
  char             *invalid; /* a 422 body for the result, or NULL */
  guint             polls;
  guint             results;
  guint             cancels;
  guint             downloads;
} Request;

struct _ReelFakeFal
{
  ReelFakeServer *server;
  char           *api_key;
  GBytes         *video;
  ReelFakeFaults *faults;

  GMutex      lock;
  GPtrArray  *requests; /* Request*, oldest first */
  GHashTable *by_id;
  GPtrArray  *bodies; /* char* */
  char       *last_endpoint;
  int         retry_after_s;
  guint       queue_ms;
  guint       run_ms;
  guint       max_running;
  char       *error_type;
  char       *error_message;
  gboolean    refuse;
  char       *invalid_field;
  char       *invalid_msg;
  char       *invalid_type;
  gboolean    validate_on_submit;
  guint       submits;
  gboolean    download_saw_authorization;
};

static void
request_free (Request *request)
{
  g_free (request->id);
  g_free (request->app);
  g_free (request->endpoint);
  g_free (request->prompt);
  g_free (request->error_type);
  g_free (request->error_message);
  g_free (request->invalid);
  g_free (request);
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */

/* pydantic's answer: {"detail": [{"loc": ["body", field], "msg", "type"}]}. */
static char *
validation_error (const char *field, const char *msg, const char *type, const char *input)
{
  g_autoptr (JsonObject) root = json_object_new ();
  JsonArray  *detail = json_array_new ();
  JsonObject *item = json_object_new ();
  JsonArray  *loc = json_array_new ();

  json_array_add_string_element (loc, "body");
  if (field != NULL)
    json_array_add_string_element (loc, field);
  json_object_set_array_member (item, "loc", loc);
  json_object_set_string_member (item, "msg", msg);
  json_object_set_string_member (item, "type", type);
  if (g_strcmp0 (type, "content_policy_violation") == 0)
    json_object_set_string_member (item, "url",
                                   "https://docs.fal.ai/errors#content_policy_violation");
  if (input != NULL)
    json_object_set_string_member (item, "input", input);
  json_array_add_object_element (detail, item);
  json_object_set_array_member (root, "detail", detail);
  return reel_fake_json (root);
}

static char *
check_range (JsonObject *input, const char *field, double min, double max)
{
  double value;

  if (!json_object_has_member (input, field))
    return NULL;
  if (!reel_fake_json_is_number (input, field))
    return validation_error (field, "Input should be a valid integer", "int_type", NULL);
  value = reel_fake_json_number (input, field, 0);
  if (value < min)
    {
      g_autofree char *msg = g_strdup_printf ("Input should be greater than or equal to %g", min);
      return validation_error (field, msg, "greater_than_equal", NULL);
    }
  if (value > max)
    {
      g_autofree char *msg = g_strdup_printf ("Input should be less than or equal to %g", max);
      return validation_error (field, msg, "less_than_equal", NULL);
    }
  return NULL;
}

static char *
check_literal (JsonObject *input, const char *field, const char *const *allowed)
{
  const char *value = reel_fake_json_string (input, field);

  if (!json_object_has_member (input, field) || (value != NULL && g_strv_contains (allowed, value)))
    return NULL;
  {
    g_autofree char *list = g_strjoinv ("', '", (char **) allowed);
    g_autofree char *msg = g_strdup_printf ("Input should be '%s'", list);

    return validation_error (field, msg, "literal_error", value);
  }
}

/* The Wan 2.2 A14B schema, as fal's OpenAPI describes it; NULL when valid. */
static char *
validate (ReelFakeFal *self, const char *endpoint, JsonObject *input)
{
  static const char *const resolutions[] = { "480p", "580p", "720p", NULL };
  static const char *const ratios[] = { "16:9", "9:16", "1:1", "auto", NULL };
  static const char *const interpolators[] = { "none", "film", "rife", NULL };
  const char              *prompt = reel_fake_json_string (input, "prompt");
  char                    *error;

  if (input == NULL)
    return validation_error (NULL, "Input should be a valid dictionary", "dict_type", NULL);
  if (prompt == NULL || *prompt == '\0')
    return validation_error ("prompt", "Field required", "missing", NULL);
  if (strstr (endpoint, "image-to-video") != NULL
      && reel_fake_json_string (input, "image_url") == NULL)
    return validation_error ("image_url", "Field required", "missing", NULL);
  if ((error = check_range (input, "num_frames", 17, 161)) != NULL
      || (error = check_range (input, "frames_per_second", 4, 60)) != NULL
      || (error = check_literal (input, "resolution", resolutions)) != NULL
      || (error = check_literal (input, "aspect_ratio", ratios)) != NULL
      || (error = check_literal (input, "interpolator_model", interpolators)) != NULL)
    return error;
  if (self->invalid_field != NULL)
    return validation_error (self->invalid_field, self->invalid_msg, self->invalid_type, NULL);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Handlers                                                                  */

static void
advance (ReelFakeFal *self)
{
  reel_fake_lifecycles_advance (self->requests, self->queue_ms, self->run_ms, self->max_running);
}

static char *
request_url (ReelFakeFal *self, const Request *request, const char *suffix)
{
  return g_strdup_printf ("%s/%s/requests/%s%s", reel_fake_server_get_url (self->server),
                          request->app, request->id, suffix);
}

static void
handle_submit (ReelFakeFal       *self,
               SoupServerMessage *message,
               const char        *endpoint,
               ReelFakeFault      fault)
{
  g_autoptr (GBytes) raw
      = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autoptr (JsonObject) input = reel_fake_parse_body (message);
  g_autoptr (JsonObject) answer = json_object_new ();
  g_auto (GStrv) parts = g_strsplit (endpoint, "/", 3);
  g_autofree char *invalid = NULL;
  g_autofree char *json = NULL;
  Request         *request;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->bodies, g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw)));
  g_free (self->last_endpoint);
  self->last_endpoint = g_strdup (endpoint);
  g_mutex_unlock (&self->lock);

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, self->retry_after_s, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  invalid = validate (self, endpoint, input);
  if (invalid != NULL && self->validate_on_submit)
    {
      g_mutex_unlock (&self->lock);
      reel_fake_server_reply_json (message, 422, invalid);
      return;
    }

  request = g_new0 (Request, 1);
  request->life.stage = REEL_FAKE_STAGE_QUEUED;
  request->life.created = g_get_real_time ();
  request->id = g_uuid_string_random ();
  request->app = g_strdup_printf ("%s/%s", parts[0], parts[1]);
  request->endpoint = g_strdup (endpoint);
  request->prompt = g_strdup (reel_fake_json_string (input, "prompt"));
  request->seed = (gint64) reel_fake_json_number (input, "seed", DEFAULT_SEED);
  request->error_type = g_strdup (self->error_type);
  request->error_message = g_strdup (self->error_message);
  request->refused = self->refuse;
  request->invalid = g_steal_pointer (&invalid);
  g_ptr_array_add (self->requests, request);
  g_hash_table_insert (self->by_id, request->id, request);
  self->submits++;

  json_object_set_string_member (answer, "request_id", request->id);
  json_object_set_string_member (answer, "gateway_request_id", request->id);
  reel_fake_json_take_string (answer, "response_url", request_url (self, request, ""));
  reel_fake_json_take_string (answer, "status_url", request_url (self, request, "/status"));
  reel_fake_json_take_string (answer, "cancel_url", request_url (self, request, "/cancel"));
  json_object_set_int_member (answer, "queue_position",
                              reel_fake_lifecycles_queue_position (self->requests, request));
  g_mutex_unlock (&self->lock);

  json = reel_fake_json (answer);
  reel_fake_reply (self->server, message, fault, self->retry_after_s, 200, json);
}

/* Called locked: the request, if it exists under the app the URL names. */
static Request *
lookup (ReelFakeFal *self, const char *app, const char *id)
{
  Request *request = g_hash_table_lookup (self->by_id, id);

  return request != NULL && g_str_equal (request->app, app) ? request : NULL;
}

static JsonArray *
logs_of (const Request *request)
{
  JsonArray  *logs = json_array_new ();
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "message", "Generating the video: step 14 of 27");
  json_object_set_string_member (entry, "level", "INFO");
  json_object_set_string_member (entry, "source", "user");
  json_object_set_string_member (entry, "timestamp", "2026-12-01T10:00:00.000000");
  json_array_add_object_element (logs, entry);
  return logs;
}

static void
handle_status (ReelFakeFal       *self,
               SoupServerMessage *message,
               const char        *app,
               const char        *id,
               ReelFakeFault      fault)
{
  g_autoptr (JsonObject) answer = json_object_new ();
  g_autofree char *json = NULL;
  Request         *request;
  guint            status = 202;

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, self->retry_after_s, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  advance (self);
  request = lookup (self, app, id);
  if (request == NULL)
    {
      g_mutex_unlock (&self->lock);
      reel_fake_server_reply_json (message, 404, "{\"detail\":\"Request not found\"}");
      return;
    }
  request->polls++;
  json_object_set_string_member (answer, "request_id", request->id);
  reel_fake_json_take_string (answer, "response_url", request_url (self, request, ""));
  switch (request->life.stage)
    {
      case REEL_FAKE_STAGE_QUEUED:
        json_object_set_string_member (answer, "status", "IN_QUEUE");
        json_object_set_int_member (answer, "queue_position",
                                    reel_fake_lifecycles_queue_position (self->requests, request));
        break;
      case REEL_FAKE_STAGE_RUNNING:
        json_object_set_string_member (answer, "status", "IN_PROGRESS");
        json_object_set_array_member (answer, "logs", logs_of (request));
        break;
      case REEL_FAKE_STAGE_CANCELLED:
      case REEL_FAKE_STAGE_DONE:
      default:
        {
          JsonObject *metrics = json_object_new ();

          status = 200;
          json_object_set_string_member (answer, "status", "COMPLETED");
          json_object_set_array_member (answer, "logs", logs_of (request));
          json_object_set_double_member (metrics, "inference_time",
                                         (request->life.finished - request->life.started)
                                             / (double) G_USEC_PER_SEC);
          json_object_set_object_member (answer, "metrics", metrics);
          if (request->life.stage == REEL_FAKE_STAGE_CANCELLED)
            {
              json_object_set_string_member (answer, "error", "The request was cancelled.");
              json_object_set_string_member (answer, "error_type", "request_cancelled");
            }
          else if (request->error_type != NULL)
            {
              json_object_set_string_member (answer, "error", request->error_message);
              json_object_set_string_member (answer, "error_type", request->error_type);
            }
        }
        break;
    }
  g_mutex_unlock (&self->lock);

  json = reel_fake_json (answer);
  reel_fake_reply (self->server, message, fault, self->retry_after_s, status, json);
}

static void
handle_result (ReelFakeFal       *self,
               SoupServerMessage *message,
               const char        *app,
               const char        *id,
               ReelFakeFault      fault)
{
  g_autofree char *json = NULL;
  g_autofree char *error_type = NULL;
  Request         *request;
  guint            status = 200;

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, self->retry_after_s, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  advance (self);
  request = lookup (self, app, id);
  if (request != NULL)
    request->results++;
  if (request == NULL)
    {
      status = 404;
      json = g_strdup ("{\"detail\":\"Request not found\"}");
    }
  else if (request->life.stage == REEL_FAKE_STAGE_QUEUED
           || request->life.stage == REEL_FAKE_STAGE_RUNNING)
    {
      status = 400;
      json = g_strdup ("{\"detail\":\"Request is still in progress\"}");
    }
  else if (request->life.stage == REEL_FAKE_STAGE_CANCELLED)
    {
      status = 400;
      json = g_strdup ("{\"detail\":\"The request was cancelled.\"}");
    }
  else if (request->invalid != NULL)
    {
      status = 422;
      json = g_strdup (request->invalid);
    }
  else if (request->refused)
    {
      status = 422;
      json = validation_error ("prompt", "The content was flagged by a content checker.",
                               "content_policy_violation", request->prompt);
    }
  else if (request->error_type != NULL)
    {
      g_autoptr (JsonObject) answer = json_object_new ();

      status = 500;
      error_type = g_strdup (request->error_type);
      json_object_set_string_member (answer, "detail", request->error_message);
      json_object_set_string_member (answer, "error_type", request->error_type);
      json = reel_fake_json (answer);
    }
  else
    {
      g_autoptr (JsonObject) answer = json_object_new ();
      JsonObject *video = json_object_new ();

      reel_fake_json_take_string (video, "url",
                                  g_strdup_printf ("%s/files/%s.mp4",
                                                   reel_fake_server_get_url (self->server),
                                                   request->id));
      json_object_set_string_member (video, "content_type", "video/mp4");
      reel_fake_json_take_string (video, "file_name", g_strdup_printf ("%s.mp4", request->id));
      json_object_set_int_member (video, "file_size", g_bytes_get_size (self->video));
      json_object_set_object_member (answer, "video", video);
      json_object_set_int_member (answer, "seed", request->seed);
      json_object_set_string_member (answer, "prompt", request->prompt);
      json = reel_fake_json (answer);
    }
  g_mutex_unlock (&self->lock);

  reel_fake_reply (self->server, message, fault, self->retry_after_s, status, json);
  if (error_type != NULL && fault == REEL_FAKE_FAULT_NONE)
    soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                  "X-Fal-Error-Type", error_type);
}

static void
handle_cancel (ReelFakeFal       *self,
               SoupServerMessage *message,
               const char        *app,
               const char        *id,
               ReelFakeFault      fault)
{
  Request    *request;
  guint       status;
  const char *json;

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, self->retry_after_s, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  advance (self);
  request = lookup (self, app, id);
  if (request != NULL)
    request->cancels++;
  if (request == NULL)
    {
      status = 404;
      json = "{\"status\":\"NOT_FOUND\"}";
    }
  else if (request->life.stage == REEL_FAKE_STAGE_QUEUED)
    {
      /* Removed from the queue. */
      request->life.stage = REEL_FAKE_STAGE_CANCELLED;
      request->life.finished = g_get_real_time ();
      status = 202;
      json = "{\"status\":\"CANCELLATION_REQUESTED\"}";
    }
  else if (request->life.stage == REEL_FAKE_STAGE_RUNNING)
    {
      /* The app is told, and this one runs on to the end. */
      status = 202;
      json = "{\"status\":\"CANCELLATION_REQUESTED\"}";
    }
  else
    {
      status = 400;
      json = "{\"status\":\"ALREADY_COMPLETED\"}";
    }
  g_mutex_unlock (&self->lock);

  reel_fake_reply (self->server, message, fault, self->retry_after_s, status, json);
}

static void
handle_download (ReelFakeFal       *self,
                 SoupServerMessage *message,
                 const char        *file,
                 ReelFakeFault      fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autofree char    *id = g_str_has_suffix (file, ".mp4")
                               ? g_strndup (file, strlen (file) - strlen (".mp4"))
                               : g_strdup (file);
  Request            *request;

  g_mutex_lock (&self->lock);
  if (soup_message_headers_get_one (headers, "Authorization") != NULL)
    self->download_saw_authorization = TRUE;
  request = g_hash_table_lookup (self->by_id, id);
  if (request != NULL && !reel_fake_fault_refuses (fault))
    request->downloads++;
  g_mutex_unlock (&self->lock);

  if (request == NULL)
    reel_fake_server_reply_json (message, 404, "{\"detail\":\"Not found\"}");
  else
    reel_fake_serve_bytes (self->server, message, fault, self->video, "video/mp4");
}

static void
handler (ReelFakeServer *server, SoupServerMessage *message, const char *path, gpointer user_data)
{
  ReelFakeFal        *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char         *method = soup_server_message_get_method (message);
  g_autofree char    *expected = g_strdup_printf ("Key %s", self->api_key);
  g_auto (GStrv) parts = g_strsplit (path + 1, "/", -1);
  guint            n_parts = g_strv_length (parts);
  g_autofree char *app = n_parts >= 2 ? g_strdup_printf ("%s/%s", parts[0], parts[1]) : NULL;

  if (g_str_has_prefix (path, "/files/") && g_str_equal (method, "GET"))
    {
      handle_download (self, message, path + strlen ("/files/"),
                       reel_fake_faults_take (self->faults, REEL_FAKE_FAL_DOWNLOAD));
      return;
    }
  if (g_strcmp0 (soup_message_headers_get_one (headers, "Authorization"), expected) != 0)
    {
      reel_fake_server_reply_json (message, 401,
                                   "{\"detail\":\"Authentication is required to access this "
                                   "application.\"}");
      return;
    }

  if (n_parts >= 4 && g_str_equal (parts[2], "requests"))
    {
      if (n_parts == 5 && g_str_equal (parts[4], "status") && g_str_equal (method, "GET"))
        handle_status (self, message, app, parts[3],
                       reel_fake_faults_take (self->faults, REEL_FAKE_FAL_STATUS));
      else if (n_parts == 4 && g_str_equal (method, "GET"))
        handle_result (self, message, app, parts[3],
                       reel_fake_faults_take (self->faults, REEL_FAKE_FAL_RESULT));
      else if (n_parts == 5 && g_str_equal (parts[4], "cancel") && g_str_equal (method, "PUT"))
        handle_cancel (self, message, app, parts[3],
                       reel_fake_faults_take (self->faults, REEL_FAKE_FAL_CANCEL));
      else
        reel_fake_server_reply_json (message, 405, "{\"detail\":\"Method Not Allowed\"}");
      return;
    }
  if (n_parts >= 2 && g_str_equal (method, "POST") && *parts[0] != '\0' && *parts[1] != '\0')
    {
      handle_submit (self, message, path + 1,
                     reel_fake_faults_take (self->faults, REEL_FAKE_FAL_SUBMIT));
      return;
    }
  reel_fake_server_reply_json (message, 404, "{\"detail\":\"Not Found\"}");
}

/* ------------------------------------------------------------------------ */
/* Life and switches                                                         */

ReelFakeFal *
reel_fake_fal_new (const char *api_key, GBytes *video)
{
  ReelFakeFal *self = g_new0 (ReelFakeFal, 1);

  g_mutex_init (&self->lock);
  self->api_key = g_strdup (api_key);
  self->video = g_bytes_ref (video);
  self->faults = reel_fake_faults_new (N_REQUEST_KINDS);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->bodies = g_ptr_array_new_with_free_func (g_free);
  self->retry_after_s = 7;
  self->queue_ms = 20;
  self->run_ms = 60;
  self->server = reel_fake_server_new (handler, self);
  return self;
}

void
reel_fake_fal_free (ReelFakeFal *self)
{
  if (self == NULL)
    return;
  reel_fake_server_free (self->server);
  reel_fake_faults_free (self->faults);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->requests);
  g_ptr_array_unref (self->bodies);
  g_bytes_unref (self->video);
  g_free (self->api_key);
  g_free (self->last_endpoint);
  g_free (self->error_type);
  g_free (self->error_message);
  g_free (self->invalid_field);
  g_free (self->invalid_msg);
  g_free (self->invalid_type);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
reel_fake_fal_get_url (ReelFakeFal *self)
{
  return reel_fake_server_get_url (self->server);
}

ReelFakeServer *
reel_fake_fal_get_server (ReelFakeFal *self)
{
  return self->server;
}

void
reel_fake_fal_add_fault (ReelFakeFal       *self,
                         ReelFakeFalRequest kind,
                         ReelFakeFault      fault,
                         guint              count)
{
  reel_fake_faults_add (self->faults, kind, fault, count);
}

void
reel_fake_fal_clear_faults (ReelFakeFal *self)
{
  reel_fake_faults_clear (self->faults);
}

void
reel_fake_fal_set_retry_after (ReelFakeFal *self, int seconds)
{
  g_mutex_lock (&self->lock);
  self->retry_after_s = seconds;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_fal_set_latency (ReelFakeFal *self, guint queue_ms, guint run_ms)
{
  g_mutex_lock (&self->lock);
  self->queue_ms = queue_ms;
  self->run_ms = run_ms;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_fal_set_max_running (ReelFakeFal *self, guint requests)
{
  g_mutex_lock (&self->lock);
  self->max_running = requests;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_fal_set_failure (ReelFakeFal *self, const char *error_type, const char *message)
{
  g_mutex_lock (&self->lock);
  g_free (self->error_type);
  g_free (self->error_message);
  self->error_type = g_strdup (error_type);
  self->error_message = error_type != NULL ? g_strdup (message) : NULL;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_fal_set_refusal (ReelFakeFal *self, gboolean refuse)
{
  g_mutex_lock (&self->lock);
  self->refuse = refuse;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_fal_set_invalid_field (ReelFakeFal *self,
                                 const char  *field,
                                 const char  *msg,
                                 const char  *type)
{
  g_mutex_lock (&self->lock);
  g_free (self->invalid_field);
  g_free (self->invalid_msg);
  g_free (self->invalid_type);
  self->invalid_field = g_strdup (field);
  self->invalid_msg = field != NULL ? g_strdup (msg) : NULL;
  self->invalid_type = field != NULL ? g_strdup (type) : NULL;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_fal_set_validate_on_submit (ReelFakeFal *self, gboolean on_submit)
{
  g_mutex_lock (&self->lock);
  self->validate_on_submit = on_submit;
  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------------ */
/* Counters and state                                                        */

typedef enum
{
  COUNT_POLLS,
  COUNT_RESULTS,
  COUNT_CANCELS,
  COUNT_DOWNLOADS,
} Counter;

static guint
request_counter (const Request *request, Counter counter)
{
  switch (counter)
    {
      case COUNT_POLLS:
        return request->polls;
      case COUNT_RESULTS:
        return request->results;
      case COUNT_CANCELS:
        return request->cancels;
      case COUNT_DOWNLOADS:
        return request->downloads;
      default:
        g_assert_not_reached ();
    }
}

static guint
count (ReelFakeFal *self, const char *request_id, Counter counter)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->requests->len; i++)
    {
      Request *request = g_ptr_array_index (self->requests, i);

      if (request_id == NULL || g_str_equal (request->id, request_id))
        n += request_counter (request, counter);
    }
  g_mutex_unlock (&self->lock);
  return n;
}

guint
reel_fake_fal_count_submits (ReelFakeFal *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->submits;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
reel_fake_fal_count_status_polls (ReelFakeFal *self, const char *request_id)
{
  return count (self, request_id, COUNT_POLLS);
}

guint
reel_fake_fal_count_results (ReelFakeFal *self, const char *request_id)
{
  return count (self, request_id, COUNT_RESULTS);
}

guint
reel_fake_fal_count_cancels (ReelFakeFal *self, const char *request_id)
{
  return count (self, request_id, COUNT_CANCELS);
}

guint
reel_fake_fal_count_downloads (ReelFakeFal *self, const char *request_id)
{
  return count (self, request_id, COUNT_DOWNLOADS);
}

gboolean
reel_fake_fal_download_saw_authorization (ReelFakeFal *self)
{
  gboolean saw;

  g_mutex_lock (&self->lock);
  saw = self->download_saw_authorization;
  g_mutex_unlock (&self->lock);
  return saw;
}

GStrv
reel_fake_fal_dup_request_ids (ReelFakeFal *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->requests->len; i++)
    g_strv_builder_add (builder, ((Request *) g_ptr_array_index (self->requests, i))->id);
  g_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}

char *
reel_fake_fal_dup_status (ReelFakeFal *self, const char *request_id)
{
  static const char *const names[] = {
    [REEL_FAKE_STAGE_QUEUED] = "IN_QUEUE",
    [REEL_FAKE_STAGE_RUNNING] = "IN_PROGRESS",
    [REEL_FAKE_STAGE_DONE] = "COMPLETED",
    [REEL_FAKE_STAGE_CANCELLED] = "CANCELLED",
  };
  Request *request;
  char    *status = NULL;

  g_mutex_lock (&self->lock);
  advance (self);
  request = g_hash_table_lookup (self->by_id, request_id);
  if (request != NULL)
    status = g_strdup (names[request->life.stage]);
  g_mutex_unlock (&self->lock);
  return status;
}

GPtrArray *
reel_fake_fal_dup_bodies (ReelFakeFal *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->bodies->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (self->bodies, i)));
  g_mutex_unlock (&self->lock);
  return copy;
}

JsonObject *
reel_fake_fal_dup_last_input (ReelFakeFal *self)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  JsonNode        *root;

  g_mutex_lock (&self->lock);
  if (self->bodies->len > 0)
    body = g_strdup (g_ptr_array_index (self->bodies, self->bodies->len - 1));
  g_mutex_unlock (&self->lock);

  if (body == NULL || !json_parser_load_from_data (parser, body, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

char *
reel_fake_fal_dup_last_endpoint (ReelFakeFal *self)
{
  char *endpoint;

  g_mutex_lock (&self->lock);
  endpoint = g_strdup (self->last_endpoint);
  g_mutex_unlock (&self->lock);
  return endpoint;
}
