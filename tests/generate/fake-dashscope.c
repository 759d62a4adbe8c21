/* fake-dashscope.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-dashscope.h"

#define BASE_PATH "/api/v1"
#define N_REQUEST_KINDS (REEL_FAKE_DASHSCOPE_DOWNLOAD + 1)
#define DAY_S (24 * 3600)

typedef struct
{
  ReelFakeLifecycle life; /* first: see reel_fake_lifecycles_advance() */
  char             *id;
  char             *model;
  char             *prompt;
  char             *actual_prompt;
  double            duration;
  guint             sr;
  char             *failure_code;
  char             *failure_message;
  gboolean          billed;
  guint             polls;
  guint             cancels;
  guint             downloads;
} Task;

struct _ReelFakeDashscope
{
  ReelFakeServer *server;
  char           *api_key;
  GBytes         *video;
  char           *base_url;
  ReelFakeFaults *faults;

  GMutex      lock;
  GPtrArray  *tasks; /* Task*, oldest first */
  GHashTable *by_id; /* id → Task* */
  int         retry_after_s;
  guint       queue_ms;
  guint       run_ms;
  guint       max_running;
  char       *failure_code;
  char       *failure_message;
  gboolean    failure_billed;
  gboolean    refuse_creates;
  gint64      link_lifetime_s;
  guint       creates;
  guint       polls;
  guint       lists;
  gboolean    download_saw_authorization;
  char       *last_create_body;
};

static void
task_free (Task *task)
{
  g_free (task->id);
  g_free (task->model);
  g_free (task->prompt);
  g_free (task->actual_prompt);
  g_free (task->failure_code);
  g_free (task->failure_message);
  g_free (task);
}

/* ------------------------------------------------------------------------ */
/* Replies                                                                   */

static void
reply_error (SoupServerMessage *message, guint status, const char *code, const char *text)
{
  g_autoptr (JsonObject) object = json_object_new ();
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *json = NULL;

  json_object_set_string_member (object, "request_id", request_id);
  json_object_set_string_member (object, "code", code);
  json_object_set_string_member (object, "message", text);
  json = reel_fake_json (object);
  reel_fake_server_reply_json (message, status, json);
}

/* "YYYY-MM-DD hh:mm:ss.mmm" in Beijing time, as the service writes times. */
static char *
service_time (gint64 real_us)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_offset (8 * 3600);
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (real_us / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autofree char *seconds = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");

  return g_strdup_printf ("%s.%03d", seconds, (int) (real_us % G_USEC_PER_SEC / 1000));
}

/* "YYYYMMDDhhmmss" in Beijing time → unix seconds, or -1. */
static gint64
parse_query_time (const char *text)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_offset (8 * 3600);
  g_autoptr (GDateTime) time = NULL;
  g_autofree char *iso = NULL;

  if (text == NULL || strlen (text) != 14)
    return -1;
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", text, text + 4, text + 6, text + 8,
                         text + 10, text + 12);
  time = g_date_time_new_from_iso8601 (iso, zone);
  return time != NULL ? g_date_time_to_unix (time) : -1;
}

static const char *
task_status (const Task *task)
{
  switch (task->life.stage)
    {
      case REEL_FAKE_STAGE_QUEUED:
        return "PENDING";
      case REEL_FAKE_STAGE_RUNNING:
        return "RUNNING";
      case REEL_FAKE_STAGE_DONE:
        return task->failure_code != NULL ? "FAILED" : "SUCCEEDED";
      case REEL_FAKE_STAGE_CANCELLED:
        return "CANCELED";
      default:
        return "UNKNOWN";
    }
}

static void
advance (ReelFakeDashscope *self)
{
  reel_fake_lifecycles_advance (self->tasks, self->queue_ms, self->run_ms, self->max_running);
}

static char *
video_url (ReelFakeDashscope *self, const Task *task)
{
  gint64 expires = self->link_lifetime_s >= 0
                       ? task->life.finished / G_USEC_PER_SEC + self->link_lifetime_s
                       : g_get_real_time () / G_USEC_PER_SEC + self->link_lifetime_s;

  return g_strdup_printf ("%s/files/%s.mp4?Expires=%" G_GINT64_FORMAT "&OSSAccessKeyId=fake"
                          "&Signature=x",
                          reel_fake_server_get_url (self->server), task->id, expires);
}

static char *
task_json (ReelFakeDashscope *self, const Task *task)
{
  g_autoptr (JsonObject) root = json_object_new ();
  JsonObject      *output = json_object_new ();
  const char      *status = task_status (task);
  g_autofree char *request_id = g_uuid_string_random ();

  json_object_set_string_member (root, "request_id", request_id);
  json_object_set_object_member (root, "output", output);
  json_object_set_string_member (output, "task_id", task->id);
  json_object_set_string_member (output, "task_status", status);
  reel_fake_json_take_string (output, "submit_time", service_time (task->life.created));
  if (task->life.started != 0)
    reel_fake_json_take_string (output, "scheduled_time", service_time (task->life.started));
  if (task->life.stage == REEL_FAKE_STAGE_DONE)
    reel_fake_json_take_string (output, "end_time", service_time (task->life.finished));

  if (g_str_equal (status, "SUCCEEDED"))
    {
      reel_fake_json_take_string (output, "video_url", video_url (self, task));
      if (task->prompt != NULL)
        json_object_set_string_member (output, "orig_prompt", task->prompt);
      if (task->actual_prompt != NULL)
        json_object_set_string_member (output, "actual_prompt", task->actual_prompt);
    }
  else if (g_str_equal (status, "FAILED"))
    {
      json_object_set_string_member (output, "code", task->failure_code);
      json_object_set_string_member (output, "message", task->failure_message);
    }

  if (g_str_equal (status, "SUCCEEDED") || (g_str_equal (status, "FAILED") && task->billed))
    {
      JsonObject *usage = json_object_new ();

      json_object_set_double_member (usage, "video_duration", task->duration);
      json_object_set_int_member (usage, "video_count", 1);
      json_object_set_int_member (usage, "SR", task->sr);
      json_object_set_string_member (usage, "video_ratio", "standard");
      json_object_set_object_member (root, "usage", usage);
    }
  return reel_fake_json (root);
}

/* ------------------------------------------------------------------------ */
/* Tasks                                                                     */

/* The resolution it bills: a t2v "size" W*H or an i2v "resolution". */
static guint
resolution_of (JsonObject *parameters)
{
  const char *size = reel_fake_json_string (parameters, "size");
  const char *resolution = reel_fake_json_string (parameters, "resolution");

  if (size != NULL)
    {
      guint64 width = g_ascii_strtoull (size, NULL, 10);
      guint64 height
          = strchr (size, '*') != NULL ? g_ascii_strtoull (strchr (size, '*') + 1, NULL, 10) : 0;
      guint64 pixels = width * height;

      return pixels <= 500000 ? 480 : pixels <= 1200000 ? 720 : 1080;
    }
  if (resolution != NULL)
    return (guint) g_ascii_strtoull (resolution, NULL, 10);
  return 1080;
}

/* Called locked. */
static Task *
add_task (ReelFakeDashscope *self,
          const char        *model,
          const char        *prompt,
          gboolean           prompt_extend,
          double             duration,
          guint              sr)
{
  Task *task = g_new0 (Task, 1);

  task->life.stage = REEL_FAKE_STAGE_QUEUED;
  task->life.created = g_get_real_time ();
  task->id = g_uuid_string_random ();
  task->model = g_strdup (model);
  task->prompt = g_strdup (prompt);
  if (prompt != NULL && prompt_extend)
    task->actual_prompt
        = g_strdup_printf ("%s. Cinematic lighting, a slow dolly-in, rich detail.", prompt);
  task->duration = duration;
  task->sr = sr;
  task->failure_code = g_strdup (self->failure_code);
  task->failure_message = g_strdup (self->failure_message);
  task->billed = self->failure_billed;
  g_ptr_array_add (self->tasks, task);
  g_hash_table_insert (self->by_id, task->id, task);
  return task;
}

static gboolean
valid_size (const char *size)
{
  return size != NULL && g_regex_match_simple ("^[0-9]+\\*[0-9]+$", size, 0, 0);
}

static void
handle_create (ReelFakeDashscope *self,
               SoupServerMessage *message,
               gboolean           image2video,
               ReelFakeFault      fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr (JsonObject) body = reel_fake_parse_body (message);
  g_autoptr (GBytes) raw
      = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autoptr (JsonObject) answer = json_object_new ();
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *json = NULL;
  JsonObject      *input, *parameters, *output;
  const char      *model;
  Task            *task;

  g_mutex_lock (&self->lock);
  g_free (self->last_create_body);
  self->last_create_body = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_mutex_unlock (&self->lock);

  if (g_strcmp0 (soup_message_headers_get_one (headers, "X-DashScope-Async"), "enable") != 0)
    {
      reply_error (message, 403, "AccessDenied",
                   "current user api does not support synchronous calls");
      return;
    }
  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, self->retry_after_s, 0, NULL);
      return;
    }
  if (body == NULL)
    {
      reply_error (message, 400, "InvalidParameter", "The request body is not valid JSON.");
      return;
    }
  model = reel_fake_json_string (body, "model");
  input = reel_fake_json_object (body, "input");
  parameters = reel_fake_json_object (body, "parameters");
  if (model == NULL || *model == '\0')
    {
      reply_error (message, 400, "BadRequest.EmptyModel", "Required parameter(model) missing.");
      return;
    }
  if (input == NULL)
    {
      reply_error (message, 400, "BadRequest.EmptyInput", "Required input parameter missing.");
      return;
    }
  /* kf2v models live only on the image2video path, and only they do. */
  if ((strstr (model, "kf2v") != NULL || strstr (model, "s2v") != NULL) != image2video)
    {
      reply_error (message, 400, "InvalidParameter", "Model not exist.");
      return;
    }
  if (parameters != NULL && json_object_has_member (parameters, "size")
      && !valid_size (reel_fake_json_string (parameters, "size")))
    {
      reply_error (message, 400, "InvalidParameter",
                   "The size is not match the allowed size ['1280*720', …].");
      return;
    }

  g_mutex_lock (&self->lock);
  if (self->refuse_creates)
    {
      g_mutex_unlock (&self->lock);
      reply_error (message, 400, "DataInspectionFailed",
                   "Input data may contain inappropriate content.");
      return;
    }
  task = add_task (self, model, reel_fake_json_string (input, "prompt"),
                   reel_fake_json_boolean (parameters, "prompt_extend", TRUE),
                   reel_fake_json_number (parameters, "duration", 5), resolution_of (parameters));
  self->creates++;
  output = json_object_new ();
  json_object_set_string_member (output, "task_id", task->id);
  json_object_set_string_member (output, "task_status", "PENDING");
  g_mutex_unlock (&self->lock);

  json_object_set_object_member (answer, "output", output);
  json_object_set_string_member (answer, "request_id", request_id);
  json = reel_fake_json (answer);
  reel_fake_reply (self->server, message, fault, self->retry_after_s, 200, json);
}

static void
handle_poll (ReelFakeDashscope *self,
             SoupServerMessage *message,
             const char        *task_id,
             ReelFakeFault      fault)
{
  g_autofree char *json = NULL;
  Task            *task;

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, self->retry_after_s, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  self->polls++;
  advance (self);
  task = g_hash_table_lookup (self->by_id, task_id);
  if (task != NULL)
    {
      task->polls++;
      json = task_json (self, task);
    }
  else
    {
      g_autofree char *request_id = g_uuid_string_random ();

      json = g_strdup_printf ("{\"request_id\":\"%s\",\"output\":{\"task_id\":\"%s\","
                              "\"task_status\":\"UNKNOWN\"}}",
                              request_id, task_id);
    }
  g_mutex_unlock (&self->lock);

  reel_fake_reply (self->server, message, fault, self->retry_after_s, 200, json);
}

static void
handle_cancel (ReelFakeDashscope *self,
               SoupServerMessage *message,
               const char        *task_id,
               ReelFakeFault      fault)
{
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *json = NULL;
  Task            *task;

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, self->retry_after_s, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  advance (self);
  task = g_hash_table_lookup (self->by_id, task_id);
  if (task == NULL)
    {
      g_mutex_unlock (&self->lock);
      reply_error (message, 404, "NotFound", "The task does not exist.");
      return;
    }
  task->cancels++;
  if (task->life.stage != REEL_FAKE_STAGE_QUEUED)
    {
      g_mutex_unlock (&self->lock);
      reply_error (message, 400, "UnsupportedOperation",
                   "Failed to cancel the task, please confirm if the task is in PENDING status.");
      return;
    }
  task->life.stage = REEL_FAKE_STAGE_CANCELLED;
  task->life.finished = g_get_real_time ();
  g_mutex_unlock (&self->lock);

  json = g_strdup_printf ("{\"request_id\":\"%s\"}", request_id);
  reel_fake_reply (self->server, message, fault, self->retry_after_s, 200, json);
}

static void
handle_list (ReelFakeDashscope *self, SoupServerMessage *message, ReelFakeFault fault)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (message));
  g_autoptr (GHashTable) params
      = query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  const char *model = params != NULL ? g_hash_table_lookup (params, "model_name") : NULL;
  const char *status = params != NULL ? g_hash_table_lookup (params, "status") : NULL;
  gint64      start
      = parse_query_time (params != NULL ? g_hash_table_lookup (params, "start_time") : NULL);
  gint64  end = parse_query_time (params != NULL ? g_hash_table_lookup (params, "end_time") : NULL);
  guint64 page_no = params != NULL && g_hash_table_lookup (params, "page_no") != NULL
                        ? g_ascii_strtoull (g_hash_table_lookup (params, "page_no"), NULL, 10)
                        : 1;
  guint64 page_size = params != NULL && g_hash_table_lookup (params, "page_size") != NULL
                          ? g_ascii_strtoull (g_hash_table_lookup (params, "page_size"), NULL, 10)
                          : 10;
  g_autoptr (JsonObject) root = json_object_new ();
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *json = NULL;
  JsonArray       *data = json_array_new ();
  guint            total = 0;

  if (reel_fake_fault_refuses (fault))
    {
      json_array_unref (data);
      reel_fake_reply (self->server, message, fault, self->retry_after_s, 0, NULL);
      return;
    }
  page_no = MAX (page_no, 1);
  page_size = CLAMP (page_size, 1, 100);

  g_mutex_lock (&self->lock);
  self->lists++;
  advance (self);
  for (guint i = self->tasks->len; i > 0; i--)
    {
      Task       *task = g_ptr_array_index (self->tasks, i - 1);
      gint64      submitted = task->life.created / G_USEC_PER_SEC;
      JsonObject *item;

      if ((model != NULL && g_strcmp0 (model, task->model) != 0)
          || (status != NULL && g_strcmp0 (status, task_status (task)) != 0)
          || (start >= 0 && submitted < start) || (end >= 0 && submitted > end))
        continue;
      total++;
      if (total <= (page_no - 1) * page_size || total > page_no * page_size)
        continue;
      item = json_object_new ();
      json_object_set_string_member (item, "task_id", task->id);
      json_object_set_string_member (item, "task_status", task_status (task));
      json_object_set_string_member (item, "model_name", task->model);
      reel_fake_json_take_string (item, "submit_time", service_time (task->life.created));
      json_object_set_string_member (item, "region", "cn-beijing");
      json_array_add_object_element (data, item);
    }
  g_mutex_unlock (&self->lock);

  json_object_set_string_member (root, "request_id", request_id);
  json_object_set_array_member (root, "data", data);
  json_object_set_int_member (root, "total", total);
  json_object_set_int_member (root, "page_no", (gint64) page_no);
  json_object_set_int_member (root, "page_size", (gint64) page_size);
  json = reel_fake_json (root);
  reel_fake_reply (self->server, message, fault, self->retry_after_s, 200, json);
}

static void
handle_download (ReelFakeDashscope *self,
                 SoupServerMessage *message,
                 const char        *file,
                 ReelFakeFault      fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char         *query = g_uri_get_query (soup_server_message_get_uri (message));
  g_autoptr (GHashTable) params
      = query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  const char      *expires = params != NULL ? g_hash_table_lookup (params, "Expires") : NULL;
  g_autofree char *task_id = g_str_has_suffix (file, ".mp4")
                                 ? g_strndup (file, strlen (file) - strlen (".mp4"))
                                 : g_strdup (file);
  Task            *task;

  g_mutex_lock (&self->lock);
  if (soup_message_headers_get_one (headers, "Authorization") != NULL)
    self->download_saw_authorization = TRUE;
  task = g_hash_table_lookup (self->by_id, task_id);
  if (task != NULL && !reel_fake_fault_refuses (fault))
    task->downloads++;
  g_mutex_unlock (&self->lock);

  if (task == NULL || expires == NULL)
    {
      reel_fake_server_reply_json (message, 404, "{}");
      return;
    }
  /* OSS refuses a signed link once its Expires has passed. */
  if (g_ascii_strtoll (expires, NULL, 10) < g_get_real_time () / G_USEC_PER_SEC)
    {
      const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied"
                        "</Code><Message>Request has expired.</Message></Error>";

      soup_server_message_set_status (message, 403, NULL);
      soup_server_message_set_response (message, "application/xml", SOUP_MEMORY_COPY, xml,
                                        strlen (xml));
      return;
    }
  reel_fake_serve_bytes (self->server, message, fault, self->video, "video/mp4");
}

static void
handler (ReelFakeServer *server, SoupServerMessage *message, const char *path, gpointer user_data)
{
  ReelFakeDashscope  *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char         *method = soup_server_message_get_method (message);
  g_autofree char    *expected = g_strdup_printf ("Bearer %s", self->api_key);
  g_auto (GStrv) parts = NULL;
  guint n_parts;

  if (g_str_has_prefix (path, "/files/") && g_str_equal (method, "GET"))
    {
      handle_download (self, message, path + strlen ("/files/"),
                       reel_fake_faults_take (self->faults, REEL_FAKE_DASHSCOPE_DOWNLOAD));
      return;
    }
  if (!g_str_has_prefix (path, BASE_PATH "/"))
    {
      reply_error (message, 404, "NotFound", "Not found.");
      return;
    }
  if (g_strcmp0 (soup_message_headers_get_one (headers, "Authorization"), expected) != 0)
    {
      reply_error (message, 401, "InvalidApiKey", "Invalid API-key provided.");
      return;
    }

  parts = g_strsplit (path + strlen (BASE_PATH "/"), "/", -1);
  n_parts = g_strv_length (parts);
  if (g_str_equal (method, "POST")
      && (g_str_equal (path, BASE_PATH "/services/aigc/video-generation/video-synthesis")
          || g_str_equal (path, BASE_PATH "/services/aigc/image2video/video-synthesis")))
    handle_create (self, message, strstr (path, "image2video") != NULL,
                   reel_fake_faults_take (self->faults, REEL_FAKE_DASHSCOPE_CREATE));
  else if (g_str_equal (method, "GET") && n_parts == 1 && g_str_equal (parts[0], "tasks"))
    handle_list (self, message, reel_fake_faults_take (self->faults, REEL_FAKE_DASHSCOPE_LIST));
  else if (g_str_equal (method, "GET") && n_parts == 2 && g_str_equal (parts[0], "tasks"))
    handle_poll (self, message, parts[1],
                 reel_fake_faults_take (self->faults, REEL_FAKE_DASHSCOPE_POLL));
  else if (g_str_equal (method, "POST") && n_parts == 3 && g_str_equal (parts[0], "tasks")
           && g_str_equal (parts[2], "cancel"))
    handle_cancel (self, message, parts[1],
                   reel_fake_faults_take (self->faults, REEL_FAKE_DASHSCOPE_CANCEL));
  else
    reply_error (message, 404, "NotFound", "Not found.");
}

/* ------------------------------------------------------------------------ */
/* Life                                                                      */

ReelFakeDashscope *
reel_fake_dashscope_new (const char *api_key, GBytes *video)
{
  ReelFakeDashscope *self = g_new0 (ReelFakeDashscope, 1);

  g_mutex_init (&self->lock);
  self->api_key = g_strdup (api_key);
  self->video = g_bytes_ref (video);
  self->faults = reel_fake_faults_new (N_REQUEST_KINDS);
  self->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) task_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->retry_after_s = 7;
  self->queue_ms = 20;
  self->run_ms = 60;
  self->link_lifetime_s = DAY_S;
  self->server = reel_fake_server_new (handler, self);
  self->base_url = g_strconcat (reel_fake_server_get_url (self->server), BASE_PATH, NULL);
  return self;
}

void
reel_fake_dashscope_free (ReelFakeDashscope *self)
{
  if (self == NULL)
    return;
  /* The server's thread is gone before the state it uses. */
  reel_fake_server_free (self->server);
  reel_fake_faults_free (self->faults);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->tasks);
  g_bytes_unref (self->video);
  g_free (self->api_key);
  g_free (self->base_url);
  g_free (self->failure_code);
  g_free (self->failure_message);
  g_free (self->last_create_body);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
reel_fake_dashscope_get_url (ReelFakeDashscope *self)
{
  return reel_fake_server_get_url (self->server);
}

const char *
reel_fake_dashscope_get_base_url (ReelFakeDashscope *self)
{
  return self->base_url;
}

ReelFakeServer *
reel_fake_dashscope_get_server (ReelFakeDashscope *self)
{
  return self->server;
}

/* ------------------------------------------------------------------------ */
/* Switches                                                                  */

void
reel_fake_dashscope_add_fault (ReelFakeDashscope       *self,
                               ReelFakeDashscopeRequest kind,
                               ReelFakeFault            fault,
                               guint                    count)
{
  reel_fake_faults_add (self->faults, kind, fault, count);
}

void
reel_fake_dashscope_clear_faults (ReelFakeDashscope *self)
{
  reel_fake_faults_clear (self->faults);
}

void
reel_fake_dashscope_set_retry_after (ReelFakeDashscope *self, int seconds)
{
  g_mutex_lock (&self->lock);
  self->retry_after_s = seconds;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_dashscope_set_latency (ReelFakeDashscope *self, guint queue_ms, guint run_ms)
{
  g_mutex_lock (&self->lock);
  self->queue_ms = queue_ms;
  self->run_ms = run_ms;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_dashscope_set_max_running (ReelFakeDashscope *self, guint tasks)
{
  g_mutex_lock (&self->lock);
  self->max_running = tasks;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_dashscope_set_failure (ReelFakeDashscope *self,
                                 const char        *code,
                                 const char        *message,
                                 gboolean           billed)
{
  g_mutex_lock (&self->lock);
  g_free (self->failure_code);
  g_free (self->failure_message);
  self->failure_code = g_strdup (code);
  self->failure_message = code != NULL ? g_strdup (message) : NULL;
  self->failure_billed = code != NULL && billed;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_dashscope_set_refuse_creates (ReelFakeDashscope *self, gboolean refuse)
{
  g_mutex_lock (&self->lock);
  self->refuse_creates = refuse;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_dashscope_set_link_lifetime (ReelFakeDashscope *self, gint64 seconds)
{
  g_mutex_lock (&self->lock);
  self->link_lifetime_s = seconds;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_dashscope_forget_tasks (ReelFakeDashscope *self)
{
  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->tasks, 0);
  g_mutex_unlock (&self->lock);
}

char *
reel_fake_dashscope_create_task (ReelFakeDashscope *self, const char *model, const char *prompt)
{
  char *id;

  g_mutex_lock (&self->lock);
  id = g_strdup (add_task (self, model, prompt, TRUE, 5, 1080)->id);
  g_mutex_unlock (&self->lock);
  return id;
}

/* ------------------------------------------------------------------------ */
/* Counters and state                                                        */

typedef enum
{
  COUNT_POLLS,
  COUNT_CANCELS,
  COUNT_DOWNLOADS,
} Counter;

static guint
task_counter (const Task *task, Counter counter)
{
  switch (counter)
    {
      case COUNT_POLLS:
        return task->polls;
      case COUNT_CANCELS:
        return task->cancels;
      case COUNT_DOWNLOADS:
        return task->downloads;
      default:
        g_assert_not_reached ();
    }
}

static guint
count (ReelFakeDashscope *self, const char *task_id, Counter counter)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  if (task_id != NULL)
    {
      Task *task = g_hash_table_lookup (self->by_id, task_id);

      n = task != NULL ? task_counter (task, counter) : 0;
    }
  else if (counter == COUNT_POLLS)
    n = self->polls;
  else
    for (guint i = 0; i < self->tasks->len; i++)
      n += task_counter (g_ptr_array_index (self->tasks, i), counter);
  g_mutex_unlock (&self->lock);
  return n;
}

guint
reel_fake_dashscope_count_creates (ReelFakeDashscope *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->creates;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
reel_fake_dashscope_count_polls (ReelFakeDashscope *self, const char *task_id)
{
  return count (self, task_id, COUNT_POLLS);
}

guint
reel_fake_dashscope_count_cancels (ReelFakeDashscope *self, const char *task_id)
{
  return count (self, task_id, COUNT_CANCELS);
}

guint
reel_fake_dashscope_count_downloads (ReelFakeDashscope *self, const char *task_id)
{
  return count (self, task_id, COUNT_DOWNLOADS);
}

guint
reel_fake_dashscope_count_lists (ReelFakeDashscope *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->lists;
  g_mutex_unlock (&self->lock);
  return n;
}

gboolean
reel_fake_dashscope_download_saw_authorization (ReelFakeDashscope *self)
{
  gboolean saw;

  g_mutex_lock (&self->lock);
  saw = self->download_saw_authorization;
  g_mutex_unlock (&self->lock);
  return saw;
}

GStrv
reel_fake_dashscope_dup_task_ids (ReelFakeDashscope *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->tasks->len; i++)
    g_strv_builder_add (builder, ((Task *) g_ptr_array_index (self->tasks, i))->id);
  g_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}

char *
reel_fake_dashscope_dup_task_status (ReelFakeDashscope *self, const char *task_id)
{
  Task *task;
  char *status = NULL;

  g_mutex_lock (&self->lock);
  advance (self);
  task = g_hash_table_lookup (self->by_id, task_id);
  if (task != NULL)
    status = g_strdup (task_status (task));
  g_mutex_unlock (&self->lock);
  return status;
}

char *
reel_fake_dashscope_dup_actual_prompt (ReelFakeDashscope *self, const char *task_id)
{
  Task *task;
  char *prompt = NULL;

  g_mutex_lock (&self->lock);
  task = g_hash_table_lookup (self->by_id, task_id);
  if (task != NULL)
    prompt = g_strdup (task->actual_prompt);
  g_mutex_unlock (&self->lock);
  return prompt;
}

char *
reel_fake_dashscope_dup_last_create_body (ReelFakeDashscope *self)
{
  char *body;

  g_mutex_lock (&self->lock);
  body = g_strdup (self->last_create_body);
  g_mutex_unlock (&self->lock);
  return body;
}
