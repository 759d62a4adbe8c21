/* reel-dashscope-backend.c
 *
 * The protocol, as Alibaba Cloud documents it (see also
 * shared/protocols/remote-apis.md):
 *   POST {base}/services/aigc/video-generation/video-synthesis (t2v, i2v)
 *   POST {base}/services/aigc/image2video/video-synthesis (kf2v models)
 *     with "X-DashScope-Async: enable" → {"output": {"task_id", "task_status"}}
 *   GET  {base}/tasks/{id} → output.task_status PENDING|RUNNING|SUCCEEDED|
 *     FAILED|CANCELED|UNKNOWN (+ SUSPENDED in the SDK), output.video_url,
 *     orig_prompt, actual_prompt, output.code/message, usage
 *   POST {base}/tasks/{id}/cancel, for PENDING tasks only
 *   GET  {base}/tasks?start_time=&end_time=&model_name=&page_no=&page_size=
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "reel-dashscope-backend.h"
#include "reel-remote.h"

#define SERVICE_NAME "Model Studio"
/* The task query limit is 20 per second per account; other programs may
 * share the account, so Storyreel keeps to half of it. */
#define QUERIES_PER_SECOND 10
/* A poll that fails with a server error is retried this many times in a row
 * before the job fails (and is retried by the scheduler). */
#define MAX_POLL_ERRORS 8
/* Throttling answers carry no Retry-After; the limits "typically resume
 * within one minute". */
#define THROTTLED_RETRY_S 20.0
#define MAX_IMAGE_BYTES (10 * 1000 * 1000)
/* How long a lost create waits for a task to say whether it is its own. */
#define LOST_TASK_WAIT_S (20 * 60)
/* The window around a lost create's note in which its task can have been
 * submitted: the clocks of Storyreel and the service may differ by a
 * minute, and a create that hangs is given up long before five. */
#define LOST_TASK_EARLIEST_S 60
#define LOST_TASK_LATEST_S (5 * 60)

typedef enum
{
  KIND_T2V,
  KIND_I2V,
  KIND_KF2V, /* first and last frame */
} ModelKind;

typedef struct
{
  const char *id;
  ModelKind   kind;
  const char *tiers;        /* resolutions it makes, smallest first */
  guint       durations[4]; /* allowed lengths in seconds, 0-terminated; empty: any in range */
  guint       min_duration; /* for a range */
  guint       max_duration;
  gboolean    fixed_duration; /* the service rejects or ignores a duration */
} ModelInfo;

static const ModelInfo models[] = {
  { "wan2.2-t2v-plus", KIND_T2V, "480P,1080P", { 5 }, 5, 5, TRUE },
  { "wan2.2-i2v-plus", KIND_I2V, "480P,1080P", { 5 }, 5, 5, TRUE },
  { "wan2.2-i2v-flash", KIND_I2V, "480P,720P,1080P", { 5 }, 5, 5, TRUE },
  { "wan2.2-kf2v-flash", KIND_KF2V, "480P,720P,1080P", { 5 }, 5, 5, TRUE },
  { "wan2.5-t2v-preview", KIND_T2V, "480P,720P,1080P", { 5, 10 }, 5, 10, FALSE },
  { "wan2.5-i2v-preview", KIND_I2V, "480P,720P,1080P", { 5, 10 }, 5, 10, FALSE },
  { "wan2.6-t2v", KIND_T2V, "480P,720P,1080P", { 0 }, 2, 15, FALSE },
  { "wan2.6-i2v", KIND_I2V, "720P,1080P", { 0 }, 2, 15, FALSE },
  { "wan2.6-i2v-flash", KIND_I2V, "720P,1080P", { 0 }, 2, 15, FALSE },
  { "wanx2.1-t2v-turbo", KIND_T2V, "480P,720P", { 5 }, 5, 5, TRUE },
  { "wanx2.1-t2v-plus", KIND_T2V, "720P", { 5 }, 5, 5, TRUE },
  { "wanx2.1-i2v-turbo", KIND_I2V, "480P,720P", { 3, 4, 5 }, 3, 5, FALSE },
  { "wanx2.1-i2v-plus", KIND_I2V, "720P", { 5 }, 5, 5, TRUE },
  { "wanx2.1-kf2v-plus", KIND_KF2V, "720P", { 5 }, 5, 5, TRUE },
};

/* Text-to-video takes an exact size "W*H" from these. */
static const struct
{
  const char *tier;
  guint       width;
  guint       height;
} t2v_sizes[] = {
  { "480P", 832, 480 },    { "480P", 480, 832 },    { "480P", 624, 624 },
  { "720P", 1280, 720 },   { "720P", 720, 1280 },   { "720P", 960, 960 },
  { "720P", 1088, 832 },   { "720P", 832, 1088 },   { "1080P", 1920, 1080 },
  { "1080P", 1080, 1920 }, { "1080P", 1440, 1440 }, { "1080P", 1632, 1248 },
  { "1080P", 1248, 1632 },
};

struct _ReelDashscopeBackend
{
  GObject parent_instance;

  char           *base_url;
  char           *api_key;
  char           *model;
  gboolean        prompt_extend;
  gboolean        watermark;
  guint           max_parallel_jobs;
  guint           poll_min_ms;
  guint           poll_max_ms;
  ReelPriceTable *prices;

  /* The times of the last queries, for the account's query limit. */
  GMutex query_lock;
  gint64 query_times[QUERIES_PER_SECOND];
  guint  query_next;
};

/* What a job asks the service for, worked out from the request. */
typedef struct
{
  const ModelInfo *info; /* NULL for a model Storyreel does not know */
  const char      *model;
  ModelKind        kind;
  char            *tier;  /* "720P" */
  guint            width; /* t2v only */
  guint            height;
  guint            duration;
} Plan;

static void backend_iface_init (ReelBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ReelDashscopeBackend,
                               reel_dashscope_backend,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (REEL_TYPE_BACKEND, backend_iface_init))

/* ------------------------------------------------------------------------ */
/* Models and plans                                                          */

const char *const *
reel_dashscope_list_models (void)
{
  static const char *ids[G_N_ELEMENTS (models) + 1];

  if (ids[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (models); i++)
      ids[i] = models[i].id;
  return ids;
}

const char *
reel_dashscope_region_base_url (const char *region)
{
  if (g_strcmp0 (region, "beijing") == 0)
    return REEL_DASHSCOPE_BASE_BEIJING;
  if (g_strcmp0 (region, "singapore") == 0)
    return REEL_DASHSCOPE_BASE_SINGAPORE;
  if (g_strcmp0 (region, "us") == 0)
    return REEL_DASHSCOPE_BASE_US;
  return NULL;
}

static const ModelInfo *
lookup_model (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    if (g_strcmp0 (models[i].id, id) == 0)
      return &models[i];
  return NULL;
}

/* A model typed in by the user: its kind from its name, as the SDK does. */
static ModelKind
guess_kind (const char *model)
{
  if (strstr (model, "kf2v") != NULL)
    return KIND_KF2V;
  if (strstr (model, "i2v") != NULL)
    return KIND_I2V;
  return KIND_T2V;
}

static guint
tier_lines (const char *tier)
{
  return (guint) g_ascii_strtoull (tier, NULL, 10);
}

/* The smallest resolution that is at least as sharp as the project's, or the
 * sharpest there is; the cut scales the clip to the project's size. */
static char *
choose_tier (const char *tiers, guint width, guint height)
{
  g_auto (GStrv) names = g_strsplit (tiers, ",", -1);
  guint lines = MIN (width, height);

  for (guint i = 0; names[i] != NULL; i++)
    if (tier_lines (names[i]) >= lines)
      return g_strdup (names[i]);
  return g_strdup (names[g_strv_length (names) - 1]);
}

static void
choose_size (const char *tier, guint width, guint height, guint *out_width, guint *out_height)
{
  double want = (double) width / MAX (height, 1);
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < G_N_ELEMENTS (t2v_sizes); i++)
    {
      double ratio, distance;

      if (g_strcmp0 (t2v_sizes[i].tier, tier) != 0)
        continue;
      ratio = (double) t2v_sizes[i].width / t2v_sizes[i].height;
      distance = fabs (log (ratio / want));
      if (distance < best)
        {
          best = distance;
          *out_width = t2v_sizes[i].width;
          *out_height = t2v_sizes[i].height;
        }
    }
}

/* The shortest length the model makes that covers the shot; the cut trims
 * the rest. */
static guint
choose_duration (const ModelInfo *info, double wanted)
{
  guint seconds = (guint) ceil (wanted - 1e-6);

  if (info == NULL)
    return CLAMP (seconds, 1, 15);
  if (info->durations[0] == 0)
    return CLAMP (seconds, info->min_duration, info->max_duration);
  for (guint i = 0; i < G_N_ELEMENTS (info->durations) && info->durations[i] != 0; i++)
    if (info->durations[i] >= seconds)
      return info->durations[i];
  return info->max_duration;
}

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->tier, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Plan, plan_clear)

static void
make_plan (ReelDashscopeBackend *self, const ReelJobRequest *request, Plan *plan)
{
  plan->model = request->model != NULL && *request->model != '\0' ? request->model : self->model;
  plan->info = lookup_model (plan->model);
  plan->kind = plan->info != NULL ? plan->info->kind : guess_kind (plan->model);
  plan->tier = choose_tier (plan->info != NULL ? plan->info->tiers : "480P,720P,1080P",
                            request->width, request->height);
  if (plan->kind == KIND_T2V)
    choose_size (plan->tier, request->width, request->height, &plan->width, &plan->height);
  plan->duration = choose_duration (plan->info, request->duration);
}

static const char *
price_table (ReelDashscopeBackend *self)
{
  /* Beijing bills in yuan; the international regions in dollars. */
  return strstr (self->base_url, "dashscope.aliyuncs.com") != NULL
                 || strstr (self->base_url, "cn-beijing") != NULL
             ? "dashscope-beijing"
             : "dashscope-intl";
}

static double
price_per_second (ReelDashscopeBackend *self, const char *model, const char *tier)
{
  double price;

  if (reel_price_table_lookup (self->prices, price_table (self), model, tier, &price))
    return price;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */

static char *
service_url (ReelDashscopeBackend *self, const char *path)
{
  return g_strdup_printf ("%s%s", self->base_url, path);
}

static ReelHttpClient *
client_for (ReelDashscopeBackend *self, ReelJobContext *context)
{
  ReelHttpClient *client = reel_job_context_get_http_client (context);

  reel_http_client_add_secret (client, self->api_key);
  return client;
}

static gboolean
check_key (ReelDashscopeBackend *self, GError **error)
{
  if (self->api_key != NULL && *self->api_key != '\0')
    return TRUE;
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH,
               _ ("Model Studio needs an API key. Set DASHSCOPE_API_KEY, or enter the key in "
                  "Preferences."));
  return FALSE;
}

/* Sends one request with the key; @body may be NULL. */
static ReelHttpResponse *
send_request (ReelDashscopeBackend *self,
              ReelHttpClient       *client,
              const char           *method,
              const char           *url,
              const char           *body,
              gboolean              async_header,
              GError              **error)
{
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", self->api_key);
  const char      *headers[] = { authorization, "Content-Type: application/json",
                            async_header ? "X-DashScope-Async: enable" : NULL, NULL };
  g_autoptr (GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr (GError) net_error = NULL;
  ReelHttpResponse *response;

  if (!reel_remote_check_secure_url (url, SERVICE_NAME, error))
    return NULL;
  response = reel_http_client_request (client, method, url, headers, bytes, &net_error);
  if (response == NULL)
    g_propagate_error (error, reel_remote_error_from_net (net_error, SERVICE_NAME));
  return response;
}

/* An error answer: {"code": "InvalidApiKey", "message": "…", "request_id": "…"}. */
static GError *
error_from_answer (ReelHttpResponse *response, ReelJobContext *context)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) net_error = NULL;
  JsonObject      *object = reel_remote_parse_object (response, parser, SERVICE_NAME, NULL);
  const char      *code = reel_json_get_string (object, "code");
  const char      *message = reel_json_get_string (object, "message");
  g_autofree char *detail = NULL;

  if (message == NULL)
    message = reel_json_get_string (object, "msg");
  detail = message != NULL ? g_strdup_printf ("%s (%s)", message, code != NULL ? code : "?") : NULL;

  if (g_strcmp0 (code, "DataInspectionFailed") == 0)
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED,
                        _ ("Model Studio refused the shot’s content: %s"), detail);
  if (g_strcmp0 (code, "Arrearage") == 0)
    return g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                                _ ("The Model Studio account is overdue. Top it up in the "
                                   "Alibaba Cloud console, then try again."));
  if (response->status == 401 || g_strcmp0 (code, "InvalidApiKey") == 0)
    return g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH,
                                _ ("Model Studio did not accept the API key. Check it in "
                                   "Preferences, or set DASHSCOPE_API_KEY."));
  if (response->status == 403)
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH,
                        _ ("The API key may not use this model, or it belongs to another region: "
                           "%s"),
                        detail != NULL ? detail : "AccessDenied");
  if (response->status == 429 || (code != NULL && g_str_has_prefix (code, "Throttling")))
    {
      reel_job_context_set_retry_after (context, response->retry_after_ms >= 0
                                                     ? response->retry_after_ms / 1000.0
                                                     : THROTTLED_RETRY_S);
      return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                          _ ("Model Studio is busy or its rate limit was reached: %s"),
                          detail != NULL ? detail : "Throttling");
    }

  reel_http_response_check (response, &net_error);
  if (detail != NULL && net_error != NULL)
    return g_error_new (REEL_BACKEND_ERROR,
                        reel_net_error_is_transient (net_error) ? REEL_BACKEND_ERROR_TRANSIENT
                                                                : REEL_BACKEND_ERROR_PERMANENT,
                        _ ("Model Studio: %s"), detail);
  if (response->retry_after_ms >= 0)
    reel_job_context_set_retry_after (context, response->retry_after_ms / 1000.0);
  return reel_remote_error_from_net (net_error, SERVICE_NAME);
}

/* ------------------------------------------------------------------------ */
/* Create                                                                    */

static void
add_member_string (JsonBuilder *builder, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static gboolean
add_input (ReelDashscopeBackend *self,
           JsonBuilder          *builder,
           const ReelJobRequest *request,
           const Plan           *plan,
           GError              **error)
{
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  json_builder_set_member_name (builder, "input");
  json_builder_begin_object (builder);
  add_member_string (builder, "prompt", request->prompt);
  if (request->negative_prompt != NULL && *request->negative_prompt != '\0')
    add_member_string (builder, "negative_prompt", request->negative_prompt);

  if (plan->kind != KIND_T2V)
    {
      if (request->start_image == NULL)
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("The model %s starts from an image: give the shot a board image, or "
                          "choose a text-to-video model."),
                       plan->model);
          return FALSE;
        }
      if ((first = reel_remote_image_data_uri (request->start_image, MAX_IMAGE_BYTES, error))
          == NULL)
        return FALSE;
    }
  if (plan->kind == KIND_KF2V)
    {
      /* Without the next shot's board the clip ends where it starts. */
      const char *end = request->end_image != NULL ? request->end_image : request->start_image;

      if ((last = reel_remote_image_data_uri (end, MAX_IMAGE_BYTES, error)) == NULL)
        return FALSE;
      add_member_string (builder, "first_frame_url", first);
      add_member_string (builder, "last_frame_url", last);
    }
  else if (plan->kind == KIND_I2V)
    add_member_string (builder, "img_url", first);

  json_builder_end_object (builder);
  return TRUE;
}

static void
add_parameters (ReelDashscopeBackend *self,
                JsonBuilder          *builder,
                const ReelJobRequest *request,
                const Plan           *plan)
{
  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  if (plan->kind == KIND_T2V)
    {
      g_autofree char *size = g_strdup_printf ("%u*%u", plan->width, plan->height);
      add_member_string (builder, "size", size);
    }
  else
    add_member_string (builder, "resolution", plan->tier);
  if (plan->info == NULL || !plan->info->fixed_duration)
    {
      json_builder_set_member_name (builder, "duration");
      json_builder_add_int_value (builder, plan->duration);
    }
  if (request->seed > 0)
    {
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, request->seed % G_MAXINT32);
    }
  json_builder_set_member_name (builder, "prompt_extend");
  json_builder_add_boolean_value (builder, self->prompt_extend);
  json_builder_set_member_name (builder, "watermark");
  json_builder_add_boolean_value (builder, self->watermark);
  json_builder_end_object (builder);
}

static char *
create_body (ReelDashscopeBackend *self,
             const ReelJobRequest *request,
             const Plan           *plan,
             GError              **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_member_string (builder, "model", plan->model);
  if (!add_input (self, builder, request, plan, error))
    return NULL;
  add_parameters (self, builder, request, plan);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
resume_state (const char *task_id, const char *model, gint64 creating_since)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_member_string (builder, "task_id", task_id);
  add_member_string (builder, "model", model);
  if (creating_since > 0)
    {
      json_builder_set_member_name (builder, "creating_since");
      json_builder_add_int_value (builder, creating_since);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The service's times are Beijing time (UTC+8), "YYYYMMDDhhmmss" in queries
 * and "YYYY-MM-DD hh:mm:ss.mmm" in answers. */
static char *
format_service_time (gint64 unix_time)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_offset (8 * 3600);
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, zone);

  return g_date_time_format (local, "%Y%m%d%H%M%S");
}

static gint64
parse_service_time (const char *text)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_offset (8 * 3600);
  g_autofree char *iso = NULL;
  g_autoptr (GDateTime) time = NULL;

  if (text == NULL || strlen (text) < 19)
    return 0;
  iso = g_strndup (text, 19);
  iso[10] = 'T';
  time = g_date_time_new_from_iso8601 (iso, zone);
  return time != NULL ? g_date_time_to_unix (time) : 0;
}

/* Reads the task list, whose exact shape the documentation does not show:
 * the tasks are the first array found under "data", "tasks", "output.data"
 * or "output.tasks" (or "data.tasks"). */
static JsonArray *
find_task_list (JsonObject *root)
{
  const char *const names[] = { "data", "tasks" };
  JsonObject       *output = reel_json_get_object (root, "output");
  JsonObject       *data = reel_json_get_object (root, "data");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonArray *array;

      if ((array = reel_json_get_array (root, names[i])) != NULL
          || (array = reel_json_get_array (output, names[i])) != NULL
          || (array = reel_json_get_array (data, names[i])) != NULL)
        return array;
    }
  return NULL;
}

static gboolean
stopped (ReelJobContext *context, GError **error)
{
  return g_cancellable_set_error_if_cancelled (reel_job_context_get_cancellable (context), error);
}

/* Keeps the account within its query limit, whatever the number of workers. */
static gboolean
wait_for_query_slot (ReelDashscopeBackend *self, ReelJobContext *context)
{
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 oldest;

      g_mutex_lock (&self->query_lock);
      oldest = self->query_times[self->query_next];
      if (now - oldest >= G_USEC_PER_SEC)
        {
          self->query_times[self->query_next] = now;
          self->query_next = (self->query_next + 1) % QUERIES_PER_SECOND;
          g_mutex_unlock (&self->query_lock);
          return TRUE;
        }
      g_mutex_unlock (&self->query_lock);
      if (!reel_job_context_wait (context, (guint) ((G_USEC_PER_SEC - (now - oldest)) / 1000) + 1))
        return FALSE;
    }
}

/* The prompt of task @task_id as the service tells it (orig_prompt, once
 * the task has finished), and when it was submitted. NULL without an
 * error while the task is still queued or running and does not say. */
static char *
dup_task_prompt (ReelDashscopeBackend *self,
                 ReelJobContext       *context,
                 const char           *task_id,
                 gint64               *submitted,
                 GError              **error)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%s", task_id);
  g_autofree char *url = service_url (self, path);
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *output;
  const char *status, *prompt;

  if (!wait_for_query_slot (self, context))
    {
      stopped (context, error);
      return NULL;
    }
  response = send_request (self, client_for (self, context), "GET", url, NULL, FALSE, error);
  if (response != NULL && response->status != 200)
    g_propagate_error (error, error_from_answer (response, context));
  if (response == NULL || response->status != 200)
    return NULL;
  output = reel_json_get_object (reel_remote_parse_object (response, parser, SERVICE_NAME, error),
                                 "output");
  if (output == NULL)
    return NULL;

  status = reel_json_get_string (output, "task_status");
  prompt = reel_json_get_string (output, "orig_prompt");
  *submitted = parse_service_time (reel_json_get_string (output, "submit_time"));
  if (prompt == NULL && (g_strcmp0 (status, "PENDING") == 0 || g_strcmp0 (status, "RUNNING") == 0))
    return NULL;
  /* A finished task that names no prompt was made without one. */
  return g_strdup (prompt != NULL ? prompt : "");
}

/* Whether a task submitted at @submitted (0: not said yet) may be the one
 * a create sent at @since made. */
static gboolean
in_create_window (gint64 submitted, gint64 since)
{
  return submitted == 0
         || (submitted >= since - LOST_TASK_EARLIEST_S && submitted <= since + LOST_TASK_LATEST_S);
}

/* A task of the right model that a lost create may have made. */
typedef struct
{
  char  *task_id;
  gint64 submitted; /* 0: not said yet */
} Candidate;

static void
candidate_free (Candidate *candidate)
{
  g_free (candidate->task_id);
  g_free (candidate);
}

static gint
compare_candidates (gconstpointer a, gconstpointer b)
{
  const Candidate *ca = *(Candidate **) a;
  const Candidate *cb = *(Candidate **) b;

  return ca->submitted < cb->submitted ? -1 : ca->submitted > cb->submitted;
}

/* The account's tasks of @model made around the time the job noted its
 * create (see in_create_window()), that no other job of this project
 * knows, earliest first. */
static GPtrArray *
list_candidates (ReelDashscopeBackend *self,
                 ReelJobContext       *context,
                 const char           *model,
                 gint64                since,
                 GError              **error)
{
  g_autofree char *start = format_service_time (since - 2 * LOST_TASK_EARLIEST_S);
  g_autofree char *end
      = format_service_time (MIN (since + LOST_TASK_LATEST_S, g_get_real_time () / G_USEC_PER_SEC)
                             + 2 * LOST_TASK_EARLIEST_S);
  g_autofree char *escaped = g_uri_escape_string (model, NULL, TRUE);
  g_autofree char *path = g_strdup_printf (
      "/tasks?start_time=%s&end_time=%s&model_name=%s&page_no=1&page_size=50", start, end, escaped);
  g_autofree char *url = service_url (self, path);
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GPtrArray  *candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  JsonObject *root = NULL;
  JsonArray  *tasks;

  response = send_request (self, client_for (self, context), "GET", url, NULL, FALSE, error);
  if (response != NULL && response->status != 200)
    g_propagate_error (error, error_from_answer (response, context));
  else if (response != NULL)
    root = reel_remote_parse_object (response, parser, SERVICE_NAME, error);
  if (root == NULL)
    {
      g_ptr_array_unref (candidates);
      return NULL;
    }

  tasks = find_task_list (root);
  for (guint i = 0; tasks != NULL && i < json_array_get_length (tasks); i++)
    {
      JsonNode   *node = json_array_get_element (tasks, i);
      JsonObject *task = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *task_id = reel_json_get_string (task, "task_id");
      const char *task_model = reel_json_get_string (task, "model_name");
      gint64      submitted = parse_service_time (reel_json_get_string (task, "submit_time"));
      Candidate  *candidate;

      if (task_id == NULL || reel_job_context_is_known_remote_id (context, task_id)
          || (task_model != NULL && g_strcmp0 (task_model, model) != 0)
          || !in_create_window (submitted, since))
        continue;
      candidate = g_new0 (Candidate, 1);
      candidate->task_id = g_strdup (task_id);
      candidate->submitted = submitted;
      g_ptr_array_add (candidates, candidate);
    }
  g_ptr_array_sort (candidates, compare_candidates);
  return candidates;
}

typedef enum
{
  VERDICT_OURS,
  VERDICT_NOT_OURS,
  VERDICT_UNDECIDED, /* still queued or running, and it does not say its prompt */
  VERDICT_ERROR,
} Verdict;

/* Another program or project on the same account may have made a task of
 * the same model meanwhile: only one made from this job's prompt is ours. */
static Verdict
judge_candidate (ReelDashscopeBackend *self,
                 ReelJobContext       *context,
                 Candidate            *candidate,
                 gint64                since,
                 GError              **error)
{
  const char      *wanted = reel_job_context_get_request (context)->prompt;
  gint64           submitted = 0;
  g_autofree char *prompt = dup_task_prompt (self, context, candidate->task_id, &submitted, error);

  if (error != NULL && *error != NULL)
    return VERDICT_ERROR;
  if (candidate->submitted == 0)
    candidate->submitted = submitted;
  if (!in_create_window (candidate->submitted, since))
    return VERDICT_NOT_OURS;
  if (prompt == NULL)
    return VERDICT_UNDECIDED;
  return g_strcmp0 (prompt, wanted != NULL ? wanted : "") == 0 ? VERDICT_OURS : VERDICT_NOT_OURS;
}

/* A create whose reply never came may still have made a task: the earliest
 * candidate with this job's prompt. A candidate that cannot tell yet is
 * waited for, within reason: it is most likely ours, and creating another
 * would pay twice. */
static char *
find_lost_task (ReelDashscopeBackend *self,
                ReelJobContext       *context,
                const char           *model,
                gint64                since,
                GError              **error)
{
  g_autoptr (GPtrArray) candidates = list_candidates (self, context, model, since, error);
  gint64 deadline = g_get_monotonic_time () + LOST_TASK_WAIT_S * G_USEC_PER_SEC;

  while (candidates != NULL && candidates->len > 0)
    {
      for (guint i = 0; i < candidates->len;)
        {
          Candidate *candidate = g_ptr_array_index (candidates, i);

          switch (judge_candidate (self, context, candidate, since, error))
            {
              case VERDICT_OURS:
                return g_strdup (candidate->task_id);
              case VERDICT_NOT_OURS:
                g_ptr_array_remove_index (candidates, i);
                break;
              case VERDICT_ERROR:
                return NULL;
              case VERDICT_UNDECIDED:
              default:
                i++;
                break;
            }
        }
      if (candidates->len == 0)
        break;
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                               _ ("Model Studio cannot tell yet whether a task it is making came "
                                  "from this shot’s lost request."));
          return NULL;
        }
      reel_job_context_progress (context, 0.01,
                                 _ ("Looking for the task of a request whose reply was lost"));
      if (!reel_job_context_wait (context, self->poll_max_ms))
        {
          stopped (context, error);
          return NULL;
        }
    }
  return NULL;
}

static JsonObject *
parse_resume_state (ReelJobContext *context, JsonParser *parser)
{
  const char *state = reel_job_context_get_resume_state (context);
  JsonNode   *root;

  if (state == NULL || !json_parser_load_from_data (parser, state, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_node_get_object (root);
}

/* Adopts the task of an earlier create whose reply was lost, if there is one. */
static gboolean
reconcile (ReelDashscopeBackend *self,
           ReelJobContext       *context,
           const char           *model,
           gboolean             *adopted,
           GError              **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject      *state = parse_resume_state (context, parser);
  gint64           since = (gint64) reel_json_get_number (state, "creating_since", 0);
  g_autofree char *task_id = NULL;
  g_autofree char *saved = NULL;

  *adopted = FALSE;
  if (since == 0)
    return TRUE;

  {
    g_autoptr (GError) lookup_error = NULL;

    task_id = find_lost_task (self, context, model, since, &lookup_error);
    if (lookup_error != NULL && stopped (context, error))
      return FALSE;
    if (lookup_error != NULL)
      {
        /* Still unknown: creating again might pay twice. A transient failure
         * is tried again later; otherwise the user decides, and their Retry
         * makes a new task. */
        if (!g_error_matches (lookup_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT))
          reel_job_context_drop_remote_task (context);
        g_set_error (
            error, REEL_BACKEND_ERROR,
            g_error_matches (lookup_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
                ? REEL_BACKEND_ERROR_TRANSIENT
                : REEL_BACKEND_ERROR_PERMANENT,
            _ ("The reply to an earlier request was lost, and Model Studio’s task list "
               "could not be read to find its task: %s. Retry makes a new task."),
            lookup_error->message);
        return FALSE;
      }
    g_debug ("Lost create of job %" G_GINT64_FORMAT ": %s", reel_job_context_get_job_id (context),
             task_id != NULL ? task_id : "no task of its own was made");
    if (task_id == NULL)
      return TRUE;
  }

  saved = resume_state (task_id, model, 0);
  if (!reel_job_context_save_resume_state (context, task_id, saved))
    return reel_remote_state_not_saved (context, error);
  *adopted = TRUE;
  return TRUE;
}

static gboolean
submit (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (backend);
  const ReelJobRequest *request = reel_job_context_get_request (context);
  g_auto (Plan) plan = { 0 };
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *creating = NULL;
  g_autofree char *saved = NULL;
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *task_id;
  gboolean    adopted;

  if (!check_key (self, error))
    return FALSE;
  make_plan (self, request, &plan);

  if (!reconcile (self, context, plan.model, &adopted, error))
    return FALSE;
  if (adopted)
    return TRUE;

  if ((body = create_body (self, request, &plan, error)) == NULL)
    return FALSE;

  /* Durable before the request leaves: if its reply is lost, the next try
   * looks for the task instead of paying for a second one. */
  creating = resume_state (NULL, plan.model, g_get_real_time () / G_USEC_PER_SEC);
  if (!reel_job_context_save_resume_state (context, NULL, creating))
    return reel_remote_state_not_saved (context, error);

  url = service_url (self, plan.kind == KIND_KF2V ? "/services/aigc/image2video/video-synthesis"
                                                  : "/services/aigc/video-generation/"
                                                    "video-synthesis");
  g_debug ("Creating a %s task for job %" G_GINT64_FORMAT " (%s, %u s)", plan.model,
           reel_job_context_get_job_id (context), plan.tier, plan.duration);
  response = send_request (self, client_for (self, context), "POST", url, body, TRUE, error);
  if (response == NULL)
    return FALSE;
  if (response->status != 200)
    {
      /* A refusal (4xx, throttling included) made no task: the next try
       * creates one instead of taking somebody else's recent task for the
       * lost one. A server error may come after the task was made, so the
       * next try still looks for it. */
      if (response->status >= 400 && response->status < 500)
        {
          g_autofree char *cleared = resume_state (NULL, plan.model, 0);
          reel_job_context_save_resume_state (context, NULL, cleared);
        }
      g_propagate_error (error, error_from_answer (response, context));
      return FALSE;
    }

  task_id = reel_json_get_string (
      reel_json_get_object (reel_remote_parse_object (response, parser, SERVICE_NAME, error),
                            "output"),
      "task_id");
  if (task_id == NULL)
    {
      /* The task may exist all the same: the next try looks for it. */
      if (error != NULL && *error == NULL)
        g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                     _ ("Model Studio answered with something Storyreel cannot read."));
      return FALSE;
    }

  /* Unsaved, the task id stays with the scheduler for the next attempt of
   * this run, and a restart finds the task by its create note. */
  saved = resume_state (task_id, plan.model, 0);
  if (!reel_job_context_save_resume_state (context, task_id, saved))
    return reel_remote_state_not_saved (context, error);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Poll                                                                      */

static const char *
task_id_of (ReelJobContext *context, JsonParser *parser)
{
  const char *task_id = reel_json_get_string (parse_resume_state (context, parser), "task_id");

  return task_id != NULL ? task_id : reel_job_context_get_remote_id (context);
}

static GError *
failed_task_error (ReelDashscopeBackend *self,
                   ReelJobContext       *context,
                   JsonObject           *root,
                   JsonObject           *output)
{
  const char *code = reel_json_get_string (output, "code");
  const char *message = reel_json_get_string (output, "message");
  JsonObject *usage = reel_json_get_object (root, "usage");
  double      billed
      = reel_json_get_number (usage, "video_duration", reel_json_get_number (usage, "duration", 0));

  /* A clip made and then refused may still be billed: the ledger says so. */
  if (billed > 0)
    {
      g_autofree char *usage_text = reel_json_object_to_string (usage);
      g_auto (Plan) plan = { 0 };
      double price;

      make_plan (self, reel_job_context_get_request (context), &plan);
      price = price_per_second (self, plan.model, plan.tier);
      reel_job_context_report_charge (
          context, price >= 0 ? billed * price : 0,
          reel_price_table_get_currency (self->prices, price_table (self)), usage_text);
    }

  /* Whatever the reason, this task is over: a retry makes a new one. */
  reel_job_context_drop_remote_task (context);
  if (g_strcmp0 (code, "DataInspectionFailed") == 0)
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED,
                        _ ("Model Studio refused the shot’s content: %s"),
                        message != NULL ? message : code);
  if (code != NULL && g_str_has_prefix (code, "InternalError"))
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                        _ ("Model Studio failed to make the clip: %s (%s)"),
                        message != NULL ? message : code, code);
  return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                      _ ("Model Studio failed to make the clip: %s (%s)"),
                      message != NULL ? message : _ ("no reason given"), code != NULL ? code : "?");
}

static void
report_waiting (ReelJobContext *context, const char *status, gint64 started)
{
  double elapsed = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  if (g_strcmp0 (status, "PENDING") == 0)
    reel_job_context_progress (context, 0.02, _ ("Waiting in Model Studio’s queue"));
  else
    /* No progress is reported; a clip takes one to five minutes. Creep
     * towards nine tenths, never to the end. */
    reel_job_context_progress (context, 0.05 + 0.85 * (1 - exp (-elapsed / 90.0)),
                               _ ("Model Studio is generating the clip"));
}

/* One poll. TRUE when the task reached an end (@done, or an error). */
static gboolean
poll_once (ReelDashscopeBackend *self,
           ReelJobContext       *context,
           const char           *url,
           gint64                started,
           guint                *server_errors,
           gboolean             *done,
           GError              **error)
{
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  JsonObject *root = NULL, *output;
  const char *status;

  *done = FALSE;
  response = send_request (self, client_for (self, context), "GET", url, NULL, FALSE, &local_error);
  if (response != NULL && response->status != 200)
    local_error = error_from_answer (response, context);
  else if (response != NULL)
    root = reel_remote_parse_object (response, parser, SERVICE_NAME, &local_error);

  if (local_error != NULL)
    {
      /* The SDK polls on through server errors; a few in a row are normal. */
      if (g_error_matches (local_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
          && ++*server_errors < MAX_POLL_ERRORS)
        {
          g_debug ("Polling %s failed (%u): %s", url, *server_errors, local_error->message);
          return FALSE;
        }
      reel_remote_drop_task_if_over (context, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TRUE;
    }
  output = reel_json_get_object (root, "output");
  status = reel_json_get_string (output, "task_status");
  /* JSON without a status (a proxy's answer, a changed API) is as unreadable
   * as garbage: it counts towards the limit, and does not reset it. */
  if (status == NULL)
    {
      g_debug ("Polling %s: the answer has no task status (%u)", url, *server_errors + 1);
      if (++*server_errors < MAX_POLL_ERRORS)
        return FALSE;
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                           _ ("Model Studio answered with something Storyreel cannot read."));
      return TRUE;
    }
  *server_errors = 0;

  if (g_strcmp0 (status, "SUCCEEDED") == 0)
    {
      reel_job_context_set_backend_data (context, json_object_ref (root),
                                         (GDestroyNotify) json_object_unref);
      *done = TRUE;
      return TRUE;
    }
  if (g_strcmp0 (status, "FAILED") == 0)
    {
      g_propagate_error (error, failed_task_error (self, context, root, output));
      return TRUE;
    }
  if (g_strcmp0 (status, "CANCELED") == 0)
    {
      reel_job_context_drop_remote_task (context);
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                           _ ("The task was cancelled at Model Studio."));
      return TRUE;
    }
  if (g_strcmp0 (status, "UNKNOWN") == 0)
    {
      reel_job_context_drop_remote_task (context);
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                           _ ("Model Studio no longer knows this task: tasks are kept for 24 "
                              "hours. Generate the shot again."));
      return TRUE;
    }
  report_waiting (context, status, started);
  return FALSE;
}

static gboolean
wait_for_task (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (backend);
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char      *task_id = task_id_of (context, parser);
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  gint64           started = g_get_monotonic_time ();
  guint            interval = self->poll_min_ms;
  guint            server_errors = 0;

  if (!check_key (self, error))
    return FALSE;
  if (task_id == NULL)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                           _ ("The task was not created yet."));
      return FALSE;
    }

  path = g_strdup_printf ("/tasks/%s", task_id);
  url = service_url (self, path);
  for (guint poll = 0;; poll++)
    {
      gboolean done;

      if (!wait_for_query_slot (self, context))
        return !stopped (context, error);
      if (poll_once (self, context, url, started, &server_errors, &done, error))
        return done;
      if (!reel_job_context_wait (context, interval))
        return !stopped (context, error);
      /* As the SDK does: the interval doubles every third poll. */
      if (poll % 3 == 2)
        interval = MIN (interval * 2, self->poll_max_ms);
    }
}

/* ------------------------------------------------------------------------ */
/* Download                                                                  */

/* The signed link's "Expires" (unix time), or 0. */
static gint64
link_expiry (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GHashTable) params = NULL;
  const char *expires;

  if (uri == NULL || g_uri_get_query (uri) == NULL)
    return 0;
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  expires = params != NULL ? g_hash_table_lookup (params, "Expires") : NULL;
  return expires != NULL ? g_ascii_strtoll (expires, NULL, 10) : 0;
}

static void
report_usage (ReelDashscopeBackend *self,
              ReelJobContext       *context,
              JsonObject           *root,
              const char           *model)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  JsonObject           *output = reel_json_get_object (root, "output");
  JsonObject           *usage = reel_json_get_object (root, "usage");
  g_autofree char      *usage_text = usage != NULL ? reel_json_object_to_string (usage) : NULL;
  g_autofree char      *tier = NULL;
  ReelServiceReport     report = { .seed = request->seed, .billed_seconds = -1, .cost = -1 };
  double                sr = reel_json_get_number (usage, "SR", 0);
  double                price;
  g_auto (Plan) plan = { 0 };

  make_plan (self, request, &plan);
  report.actual_prompt = reel_json_get_string (output, "actual_prompt");
  report.usage = usage_text;
  report.billed_seconds
      = reel_json_get_number (usage, "video_duration",
                              reel_json_get_number (usage, "output_video_duration",
                                                    reel_json_get_number (usage, "duration", -1)));

  /* The resolution it billed, when it says ("SR": 720), else the one asked for. */
  tier = sr > 0 ? g_strdup_printf ("%.0fP", sr) : g_strdup (plan.tier);
  price = price_per_second (self, model, tier);
  if (report.billed_seconds >= 0 && price >= 0)
    {
      report.cost = report.billed_seconds * price;
      report.currency = reel_price_table_get_currency (self->prices, price_table (self));
    }
  reel_job_context_report_service (context, &report);
}

static char *
fetch (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (backend);
  JsonObject           *root = reel_job_context_get_backend_data (context);
  JsonObject           *output = reel_json_get_object (root, "output");
  const char           *video_url = reel_json_get_string (output, "video_url");
  g_autofree char      *path = NULL;
  g_autoptr (GError) net_error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *model = reel_json_get_string (parse_resume_state (context, parser), "model");
  gint64      expires;

  if (video_url == NULL)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                           _ ("Model Studio finished the task but gave no video."));
      return NULL;
    }

  /* An expired link is the end of the task: a Retry makes a new one. A
   * failed download (the network, a full disk) keeps it, and a Retry
   * downloads it again while the link lives. */
  expires = link_expiry (video_url);
  if (expires != 0 && expires < g_get_real_time () / G_USEC_PER_SEC)
    {
      reel_job_context_drop_remote_task (context);
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                           _ ("The link to the finished clip has expired: Model Studio keeps it "
                              "for 24 hours. Generate the shot again."));
      return NULL;
    }

  if ((path = reel_job_context_new_temp_path (context, "mp4", error)) == NULL)
    return NULL;
  /* The download host is not Model Studio: it never sees the key. */
  if (!reel_http_client_download (reel_job_context_get_http_client (context), video_url, NULL, path,
                                  NULL, NULL, &net_error))
    {
      if (g_error_matches (net_error, REEL_NET_ERROR, REEL_NET_ERROR_AUTH))
        {
          reel_job_context_drop_remote_task (context);
          g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                               _ ("The link to the finished clip has expired: Model Studio "
                                  "keeps it for 24 hours. Generate the shot again."));
        }
      else
        g_propagate_error (error, reel_remote_error_from_net (net_error, SERVICE_NAME));
      return NULL;
    }

  report_usage (self, context, root, model != NULL ? model : self->model);
  return g_steal_pointer (&path);
}

/* ------------------------------------------------------------------------ */
/* Cancel, and the rest of the interface                                     */

static void
cancel (ReelBackend *backend, ReelJobContext *context)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (backend);
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *task_id = task_id_of (context, parser);
  g_autoptr (ReelHttpClient) client = NULL;
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  /* A job that Storyreel stopped (quit, project closed) resumes its task next
   * time: only the user's cancel gives the task up. */
  if (task_id == NULL || self->api_key == NULL || !reel_job_context_is_cancelled_by_user (context))
    return;

  /* The job's own client is cancelled by now: this request needs a fresh one. */
  client = reel_http_client_new ();
  reel_http_client_add_secret (client, self->api_key);
  reel_http_client_set_timeouts (client, 10, 10);
  path = g_strdup_printf ("/tasks/%s/cancel", task_id);
  url = service_url (self, path);
  response = send_request (self, client, "POST", url, NULL, FALSE, &error);
  /* Only a task still in the queue can be cancelled; a running one finishes. */
  g_debug ("Cancelling task %s: %s", task_id,
           response != NULL ? (response->status == 200 ? "cancelled" : "refused") : error->message);
}

static gboolean
test_connection (ReelBackend *backend, GCancellable *cancellable, GError **error)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (backend);
  g_autoptr (ReelHttpClient) client = reel_http_client_new ();
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autofree char *url = service_url (self, "/tasks?page_no=1&page_size=1");
  g_autofree char *authorization = NULL;
  g_autoptr (GError) net_error = NULL;
  const char *headers[2] = { NULL, NULL };

  if (!check_key (self, error) || !reel_remote_check_secure_url (url, SERVICE_NAME, error))
    return FALSE;
  reel_http_client_set_cancellable (client, cancellable);
  reel_http_client_add_secret (client, self->api_key);
  reel_http_client_set_timeouts (client, 10, 15);
  authorization = g_strdup_printf ("Authorization: Bearer %s", self->api_key);
  headers[0] = authorization;

  /* Listing one task costs nothing and needs a valid key. */
  response = reel_http_client_request (client, "GET", url, headers, NULL, &net_error);
  if (response == NULL)
    {
      g_propagate_error (error, reel_remote_error_from_net (net_error, SERVICE_NAME));
      return FALSE;
    }
  if (response->status == 401 || response->status == 403)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH,
                           _ ("Model Studio did not accept the API key. Check it in Preferences, "
                              "or set DASHSCOPE_API_KEY."));
      return FALSE;
    }
  return reel_http_response_check (response, &net_error)
         || (g_propagate_error (error, reel_remote_error_from_net (net_error, SERVICE_NAME)),
             FALSE);
}

static const char *
get_name (ReelBackend *backend)
{
  return "dashscope";
}

static const char *
get_display_name (ReelBackend *backend)
{
  return _ ("Alibaba Cloud Model Studio");
}

static void
get_capabilities (ReelBackend *backend, ReelBackendCapabilities *caps)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (backend);

  caps->features = REEL_BACKEND_TEXT_TO_VIDEO | REEL_BACKEND_IMAGE_TO_VIDEO | REEL_BACKEND_REMOTE;
  /* Any project size: the clip is made at the nearest size the model offers. */
  caps->max_width = 7680;
  caps->max_height = 4320;
  caps->min_duration = 0.5;
  caps->max_duration = 15;
  caps->min_fps = 1;
  caps->max_fps = 120;
  caps->max_parallel_jobs = self->max_parallel_jobs;
  caps->currency = reel_price_table_get_currency (self->prices, price_table (self));
}

static double
estimate_cost (ReelBackend *backend, const ReelJobRequest *request)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (backend);
  g_auto (Plan) plan = { 0 };
  double price;

  make_plan (self, request, &plan);
  price = price_per_second (self, plan.model, plan.tier);
  return price >= 0 ? price * plan.duration : -1;
}

static double
billed_seconds (ReelBackend *backend, const ReelJobRequest *request)
{
  g_auto (Plan) plan = { 0 };

  make_plan (REEL_DASHSCOPE_BACKEND (backend), request, &plan);
  return plan.duration;
}

static gboolean
check_ready (ReelBackend *backend, char **reason)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (backend);

  if (self->api_key != NULL && *self->api_key != '\0')
    return TRUE;
  if (reason != NULL)
    *reason = g_strdup (_ ("No API key: set DASHSCOPE_API_KEY or enter the key in Preferences"));
  return FALSE;
}

static const char *const *
list_models (ReelBackend *backend)
{
  return reel_dashscope_list_models ();
}

static const char *
get_model (ReelBackend *backend)
{
  return REEL_DASHSCOPE_BACKEND (backend)->model;
}

static void
backend_iface_init (ReelBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->get_display_name = get_display_name;
  iface->get_capabilities = get_capabilities;
  iface->estimate_cost = estimate_cost;
  iface->submit = submit;
  iface->wait = wait_for_task;
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
reel_dashscope_backend_finalize (GObject *object)
{
  ReelDashscopeBackend *self = REEL_DASHSCOPE_BACKEND (object);

  g_free (self->base_url);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  g_free (self->model);
  g_clear_pointer (&self->prices, reel_price_table_unref);
  g_mutex_clear (&self->query_lock);

  G_OBJECT_CLASS (reel_dashscope_backend_parent_class)->finalize (object);
}

static void
reel_dashscope_backend_class_init (ReelDashscopeBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_dashscope_backend_finalize;
}

static void
reel_dashscope_backend_init (ReelDashscopeBackend *self)
{
  self->model = g_strdup (REEL_DASHSCOPE_DEFAULT_MODEL);
  self->prompt_extend = TRUE;
  self->max_parallel_jobs = 2;
  self->poll_min_ms = 1000;
  self->poll_max_ms = 5000;
  self->prices = reel_price_table_new_default ();
  g_mutex_init (&self->query_lock);
}

ReelDashscopeBackend *
reel_dashscope_backend_new (const char *base_url, const char *api_key)
{
  ReelDashscopeBackend *self = g_object_new (REEL_TYPE_DASHSCOPE_BACKEND, NULL);
  g_autofree char      *base
      = g_strdup (base_url != NULL && *base_url != '\0' ? base_url : REEL_DASHSCOPE_BASE_BEIJING);

  /* "…/api/v1/" and "…/api/v1" are the same base. */
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  self->base_url = g_steal_pointer (&base);
  self->api_key = api_key != NULL && *api_key != '\0' ? g_strdup (api_key) : NULL;
  return self;
}

void
reel_dashscope_backend_set_model (ReelDashscopeBackend *self, const char *model)
{
  g_return_if_fail (REEL_IS_DASHSCOPE_BACKEND (self));
  if (model == NULL || *model == '\0')
    model = REEL_DASHSCOPE_DEFAULT_MODEL;
  g_free (self->model);
  self->model = g_strdup (model);
}

void
reel_dashscope_backend_set_prompt_extend (ReelDashscopeBackend *self, gboolean prompt_extend)
{
  g_return_if_fail (REEL_IS_DASHSCOPE_BACKEND (self));
  self->prompt_extend = prompt_extend;
}

void
reel_dashscope_backend_set_watermark (ReelDashscopeBackend *self, gboolean watermark)
{
  g_return_if_fail (REEL_IS_DASHSCOPE_BACKEND (self));
  self->watermark = watermark;
}

void
reel_dashscope_backend_set_max_parallel_jobs (ReelDashscopeBackend *self, guint jobs)
{
  g_return_if_fail (REEL_IS_DASHSCOPE_BACKEND (self));
  self->max_parallel_jobs = MAX (jobs, 1);
}

void
reel_dashscope_backend_set_prices (ReelDashscopeBackend *self, ReelPriceTable *prices)
{
  g_return_if_fail (REEL_IS_DASHSCOPE_BACKEND (self));
  g_return_if_fail (prices != NULL);
  reel_price_table_ref (prices);
  g_clear_pointer (&self->prices, reel_price_table_unref);
  self->prices = prices;
}

void
reel_dashscope_backend_set_poll_interval (ReelDashscopeBackend *self, guint min_ms, guint max_ms)
{
  g_return_if_fail (REEL_IS_DASHSCOPE_BACKEND (self));
  self->poll_min_ms = MAX (min_ms, 1);
  self->poll_max_ms = MAX (max_ms, self->poll_min_ms);
}
