/* reel-sdcpp-server-backend.c
 *
 * The protocol, as examples/server/api.md and routes_sdcpp.cpp have it at
 * 97d2990 (see also shared/protocols/corrections-2026-12.md §1.1):
 *   GET  /sdcpp/v1/capabilities → {model{name,path}, supported_modes[],
 *     output_formats_by_mode{vid_gen[]}, features_by_mode, loras[{name,path}],
 *     limits}; "avi" is always offered, "webm" and "webp" only by builds
 *     with them, so output_format is always sent and chosen from here
 *   POST /sdcpp/v1/vid_gen with a flat body → 202 {id, status: "queued",
 *     poll_url}; 400 {"error"} for a bad body or a model without vid_gen,
 *     429 {"error": "job queue is full"} (64 pending)
 *   GET  /sdcpp/v1/jobs/{id} → {status: queued|generating|completed|failed|
 *     cancelled, queue_position, result{output_format, mime_type, fps,
 *     frame_count, b64_json}, error{code, message}}; no progress field.
 *     Finished jobs are kept 600 s, then answer 410 for 600 s, then 404.
 *   POST /sdcpp/v1/jobs/{id}/cancel → 200 while queued (or finished), 409
 *     while generating ("cannot be interrupted yet"), 404, 410
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "reel-local-gpu.h"
#include "reel-remote.h"
#include "reel-sdcpp-clip.h"
#include "reel-sdcpp-server-backend.h"
#include "reel-sdcpp.h"

#define SERVICE_NAME "sd-server"
#define API_PATH "/sdcpp/v1"
/* A poll that fails for want of an answer is tried this many times in a row
 * before the job fails (and is retried by the scheduler with the same id). */
#define MAX_POLL_ERRORS 8
/* A full queue sends no Retry-After; a Wan clip takes minutes. */
#define QUEUE_FULL_RETRY_S 30.0
/* The whole clip comes base64-encoded in one answer. */
#define MAX_ANSWER_BYTES (1024 * 1024 * 1024)
#define MAX_IMAGE_BYTES (20 * 1000 * 1000)
/* What a clip takes on a 24 GB card, for a bar that creeps meanwhile. */
#define TYPICAL_GENERATION_S 180.0

/* The formats Storyreel can read, best first: WebM is the smallest answer,
 * AVI is in every build. */
static const char *const readable_formats[] = { "webm", "avi", "webp" };

struct _ReelSdcppServerBackend
{
  GObject parent_instance;

  char      *url; /* without a trailing slash or the API path */
  guint      steps;
  double     cfg_scale;
  double     flow_shift;
  guint      short_side;
  GPtrArray *loras; /* ReelSdcppLora* */
  guint      poll_min_ms;
  guint      poll_max_ms;

  ReelGpuSlots *gpu_slots; /* this computer's, or NULL */
};

/* What the server said about itself. */
typedef struct
{
  JsonParser *parser;
  JsonObject *root;
  const char *model; /* the loaded model's file name, or NULL */
  gboolean    vid_gen;
  JsonArray  *formats; /* may be NULL */
  JsonArray  *loras;   /* may be NULL */
} Capabilities;

/* A finished job's clip, decoded, between wait() and fetch(). */
typedef struct
{
  char  *path;
  guint  fps;
  char  *format;
  gint64 frame_count;
} Clip;

/* What a job keeps from submit() to fetch(). */
typedef struct
{
  ReelGpuLease *gpu;  /* a share of the server's GPU, when it runs on this computer */
  Clip         *clip; /* once the job is done */
} JobData;

static void backend_iface_init (ReelBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ReelSdcppServerBackend,
                               reel_sdcpp_server_backend,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (REEL_TYPE_BACKEND, backend_iface_init))

static void
capabilities_clear (Capabilities *caps)
{
  g_clear_object (&caps->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Capabilities, capabilities_clear)

static void
clip_free (Clip *clip)
{
  if (clip->path != NULL)
    g_unlink (clip->path);
  g_free (clip->path);
  g_free (clip->format);
  g_free (clip);
}

static void
job_data_free (JobData *data)
{
  g_clear_pointer (&data->gpu, reel_gpu_lease_release);
  g_clear_pointer (&data->clip, clip_free);
  g_free (data);
}

static JobData *
job_data (ReelJobContext *context)
{
  JobData *data = reel_job_context_get_backend_data (context);

  if (data == NULL)
    {
      data = g_new0 (JobData, 1);
      reel_job_context_set_backend_data (context, data, (GDestroyNotify) job_data_free);
    }
  return data;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */

static char *
api_url (ReelSdcppServerBackend *self, const char *path)
{
  return g_strconcat (self->url, API_PATH, path, NULL);
}

static GError *
unreachable_error (ReelSdcppServerBackend *self, const GError *net_error)
{
  if (net_error->domain != REEL_NET_ERROR)
    return g_error_copy (net_error);
  return g_error_new (REEL_BACKEND_ERROR,
                      reel_net_error_is_transient (net_error) ? REEL_BACKEND_ERROR_TRANSIENT
                                                              : REEL_BACKEND_ERROR_PERMANENT,
                      _ ("sd-server is not reachable at %s: %s. Start it, or check its address "
                         "in Preferences."),
                      self->url, net_error->message);
}

static ReelHttpResponse *
send_request (ReelSdcppServerBackend *self,
              ReelHttpClient         *client,
              const char             *method,
              const char             *path,
              const char             *body,
              GError                **error)
{
  const char      *headers[] = { "Content-Type: application/json", NULL };
  g_autofree char *url = api_url (self, path);
  g_autoptr (GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr (GError) net_error = NULL;
  ReelHttpResponse *response;

  response = reel_http_client_request (client, method, url, body != NULL ? headers : NULL, bytes,
                                       &net_error);
  if (response == NULL)
    g_propagate_error (error, unreachable_error (self, net_error));
  return response;
}

/* The server's own words in an error answer: {"error": "…", "message": "…"}. */
static char *
answer_error_text (ReelHttpResponse *response)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object = reel_remote_parse_object (response, parser, SERVICE_NAME, NULL);
  const char *error = reel_json_get_string (object, "error");
  const char *message = reel_json_get_string (object, "message");

  if (error != NULL && message != NULL)
    return g_strdup_printf ("%s: %s", error, message);
  if (error != NULL)
    return g_strdup (error);
  return g_strdup_printf ("HTTP %u", response->status);
}

/* An answer that is not the one hoped for, as the failure kind it is. */
static GError *
error_from_answer (ReelHttpResponse *response, ReelJobContext *context)
{
  g_autofree char *text = answer_error_text (response);
  g_autoptr (GError) net_error = NULL;

  if (response->status == 429)
    {
      if (context != NULL)
        reel_job_context_set_retry_after (context, response->retry_after_ms >= 0
                                                       ? response->retry_after_ms / 1000.0
                                                       : QUEUE_FULL_RETRY_S);
      return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                          _ ("sd-server’s queue is full (%s): the shot is tried again later."),
                          text);
    }
  if (response->status >= 400 && response->status < 500)
    return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                        _ ("sd-server refused the job: %s"), text);
  reel_http_response_check (response, &net_error);
  return g_error_new (REEL_BACKEND_ERROR,
                      net_error == NULL || reel_net_error_is_transient (net_error)
                          ? REEL_BACKEND_ERROR_TRANSIENT
                          : REEL_BACKEND_ERROR_PERMANENT,
                      _ ("sd-server failed: %s"), text);
}

/* ------------------------------------------------------------------------ */
/* Capabilities                                                              */

static gboolean
array_has_string (JsonArray *array, const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (node), value) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
array_to_text (JsonArray *array)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, json_node_get_string (node));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
read_capabilities (ReelSdcppServerBackend *self,
                   ReelHttpClient         *client,
                   Capabilities           *caps,
                   GError                **error)
{
  g_autoptr (ReelHttpResponse) response = NULL;
  JsonObject *by_mode;

  response = send_request (self, client, "GET", "/capabilities", NULL, error);
  if (response == NULL)
    return FALSE;
  if (response->status == 404)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The server at %s has no stable-diffusion.cpp video API (%s): update "
                      "sd-server to a build from April 2026 or later."),
                   self->url, API_PATH);
      return FALSE;
    }
  if (response->status != 200)
    {
      g_propagate_error (error, error_from_answer (response, NULL));
      return FALSE;
    }

  caps->parser = json_parser_new ();
  caps->root = reel_remote_parse_object (response, caps->parser, SERVICE_NAME, error);
  if (caps->root == NULL)
    return FALSE;
  caps->model = reel_json_get_string (reel_json_get_object (caps->root, "model"), "name");
  caps->vid_gen = array_has_string (reel_json_get_array (caps->root, "supported_modes"), "vid_gen");
  by_mode = reel_json_get_object (caps->root, "output_formats_by_mode");
  caps->formats = reel_json_get_array (by_mode, "vid_gen");
  caps->loras = reel_json_get_array (caps->root, "loras");
  return TRUE;
}

static gboolean
check_video (ReelSdcppServerBackend *self, Capabilities *caps, GError **error)
{
  if (caps->vid_gen)
    return TRUE;
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("The model sd-server loaded (%s) cannot make video. Start sd-server with a "
                  "Wan model (--diffusion-model, --vae, --t5xxl)."),
               caps->model != NULL && *caps->model != '\0' ? caps->model : _ ("unknown"));
  return FALSE;
}

static const char *
choose_format (Capabilities *caps, GError **error)
{
  g_autofree char *offered = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (readable_formats); i++)
    if (array_has_string (caps->formats, readable_formats[i]))
      return readable_formats[i];

  offered = array_to_text (caps->formats);
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("sd-server offers no video format Storyreel can read (it offers: %s)."),
               *offered != '\0' ? offered : _ ("none"));
  return NULL;
}

static gboolean
lora_matches (const ReelSdcppLora *lora, const char *name, const char *path)
{
  g_autofree char *base = g_path_get_basename (lora->path);
  g_autofree char *offered_base = path != NULL ? g_path_get_basename (path) : NULL;
  char            *dot = strrchr (base, '.');

  if (g_strcmp0 (lora->path, path) == 0 || g_strcmp0 (base, offered_base) == 0)
    return TRUE;
  if (dot != NULL)
    *dot = '\0';
  return g_strcmp0 (base, name) == 0 || g_strcmp0 (lora->path, name) == 0;
}

/* The server resolves a LoRA only by a path it listed itself. */
static const char *
find_lora (Capabilities *caps, const ReelSdcppLora *lora)
{
  for (guint i = 0; caps->loras != NULL && i < json_array_get_length (caps->loras); i++)
    {
      JsonNode   *node = json_array_get_element (caps->loras, i);
      JsonObject *offered = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = reel_json_get_string (offered, "name");
      const char *path = reel_json_get_string (offered, "path");

      if (path != NULL && lora_matches (lora, name, path))
        return path;
    }
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Submit                                                                    */

static void
add_sample_params (ReelSdcppServerBackend *self, JsonBuilder *builder, gboolean high_noise)
{
  gboolean steps = self->steps > 0 && !high_noise;
  gboolean shift = self->flow_shift > 0 && !high_noise;

  if (!steps && !shift && self->cfg_scale <= 0)
    return;
  /* Only what Preferences set: the server overlays each field on its own
   * defaults. A14B's high-noise expert follows the guidance. */
  json_builder_set_member_name (builder, high_noise ? "high_noise_sample_params" : "sample_params");
  json_builder_begin_object (builder);
  if (steps)
    {
      json_builder_set_member_name (builder, "sample_steps");
      json_builder_add_int_value (builder, self->steps);
    }
  if (shift)
    {
      json_builder_set_member_name (builder, "flow_shift");
      json_builder_add_double_value (builder, self->flow_shift);
    }
  if (self->cfg_scale > 0)
    {
      json_builder_set_member_name (builder, "guidance");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "txt_cfg");
      json_builder_add_double_value (builder, self->cfg_scale);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

static gboolean
add_loras (ReelSdcppServerBackend *self, JsonBuilder *builder, Capabilities *caps, GError **error)
{
  if (self->loras == NULL || self->loras->len == 0)
    return TRUE;

  json_builder_set_member_name (builder, "lora");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->loras->len; i++)
    {
      const ReelSdcppLora *lora = g_ptr_array_index (self->loras, i);
      const char          *path = find_lora (caps, lora);

      if (path == NULL)
        {
          g_autofree char *name = g_path_get_basename (lora->path);

          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("sd-server has no LoRA “%s”. Put it in the folder given to sd-server "
                          "with --lora-model-dir, or remove it in Preferences."),
                       name);
          return FALSE;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "multiplier");
      json_builder_add_double_value (builder, lora->multiplier);
      json_builder_set_member_name (builder, "is_high_noise");
      json_builder_add_boolean_value (builder, lora->high_noise);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return TRUE;
}

static void
add_int (JsonBuilder *builder, const char *name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* Flat, as the server reads it: video_frames inside sample_params would
 * silently make one frame. */
static char *
create_body (ReelSdcppServerBackend *self,
             const ReelJobRequest   *request,
             Capabilities           *caps,
             const char             *format,
             GError                **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  guint fps = reel_sdcpp_model_fps (caps->model);
  guint width, height;

  reel_sdcpp_choose_size (request->width, request->height, self->short_side, &width, &height);

  json_builder_begin_object (builder);
  add_string (builder, "prompt", request->prompt != NULL ? request->prompt : "");
  if (request->negative_prompt != NULL && *request->negative_prompt != '\0')
    add_string (builder, "negative_prompt", request->negative_prompt);
  add_int (builder, "width", width);
  add_int (builder, "height", height);
  add_int (builder, "seed", request->seed);
  add_int (builder, "video_frames", reel_sdcpp_frame_count (request->duration, fps));
  add_int (builder, "fps", fps);
  add_sample_params (self, builder, FALSE);
  add_sample_params (self, builder, TRUE);
  if (request->start_image != NULL && reel_sdcpp_model_takes_image (caps->model))
    {
      g_autofree char *image
          = reel_remote_image_data_uri (request->start_image, MAX_IMAGE_BYTES, error);
      if (image == NULL)
        return NULL;
      add_string (builder, "init_image", image);
    }
  if (!add_loras (self, builder, caps, error))
    return NULL;
  add_string (builder, "output_format", format);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static ReelHttpClient *
client_for (ReelJobContext *context)
{
  ReelHttpClient *client = reel_job_context_get_http_client (context);

  reel_http_client_set_max_response_size (client, MAX_ANSWER_BYTES);
  return client;
}

static gboolean
stopped (ReelJobContext *context, GError **error)
{
  return g_cancellable_set_error_if_cancelled (reel_job_context_get_cancellable (context), error);
}

/* A server on this computer shares its GPU with the other local engines:
 * Storyreel's jobs on it (the one generating and the one queued behind it)
 * hold it together, so sd-cli waits while it works and the other way round.
 * A server elsewhere has a GPU of its own. */
static gboolean
hold_gpu (ReelSdcppServerBackend *self, ReelJobContext *context, GError **error)
{
  JobData         *data = job_data (context);
  g_autofree char *holder = NULL;

  if (data->gpu != NULL || self->gpu_slots == NULL
      || reel_gpu_slots_get_n_gpus (self->gpu_slots) == 0
      || !reel_local_gpu_is_local_url (self->url))
    return TRUE;
  /* Translators: who has a GPU, for "Waiting for the GPU (used by sd-server
   * at http://127.0.0.1:1234)" */
  holder = g_strdup_printf (_ ("sd-server at %s"), self->url);
  /* Like any CUDA program, sd-server uses the first GPU unless told otherwise. */
  data->gpu = reel_local_gpu_acquire_shared (self->gpu_slots, 0, context, holder, error);
  return data->gpu != NULL;
}

static gboolean
submit (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelSdcppServerBackend *self = REEL_SDCPP_SERVER_BACKEND (backend);
  const ReelJobRequest   *request = reel_job_context_get_request (context);
  ReelHttpClient         *client = client_for (context);
  g_auto (Capabilities) caps = { 0 };
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  const char      *format;
  const char      *job_id;

  if (!hold_gpu (self, context, error))
    return FALSE;
  reel_job_context_progress (context, 0, _ ("Asking sd-server what it runs"));
  if (!read_capabilities (self, client, &caps, error) || !check_video (self, &caps, error)
      || (format = choose_format (&caps, error)) == NULL)
    return FALSE;
  if ((body = create_body (self, request, &caps, format, error)) == NULL)
    return FALSE;

  g_debug ("Queueing job %" G_GINT64_FORMAT " on sd-server (%s, %s)",
           reel_job_context_get_job_id (context), caps.model != NULL ? caps.model : "?", format);
  /* A lost answer is not looked for: the server has no job list, and a
   * second job costs only the GPU's time. */
  response = send_request (self, client, "POST", "/vid_gen", body, error);
  if (response == NULL)
    return FALSE;
  if (response->status != 202 && response->status != 200)
    {
      g_propagate_error (error, error_from_answer (response, context));
      return FALSE;
    }
  job_id = reel_json_get_string (reel_remote_parse_object (response, parser, SERVICE_NAME, error),
                                 "id");
  if (job_id == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                     _ ("%s answered with something Storyreel cannot read."), SERVICE_NAME);
      return FALSE;
    }
  if (!reel_job_context_submitted (context, job_id))
    return !stopped (context, error);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Poll                                                                      */

static const char *
extension_for (const char *format, const char *mime_type)
{
  if (g_strcmp0 (format, "webm") == 0 || g_strcmp0 (mime_type, "video/webm") == 0)
    return "webm";
  if (g_strcmp0 (format, "webp") == 0 || g_strcmp0 (mime_type, "image/webp") == 0)
    return "webp";
  return "avi";
}

/* Decodes the clip at once: the server forgets it ten minutes after. */
static gboolean
take_result (ReelJobContext *context, JsonObject *job, GError **error)
{
  JsonObject        *result = reel_json_get_object (job, "result");
  const char        *b64 = reel_json_get_string (result, "b64_json");
  const char        *format = reel_json_get_string (result, "output_format");
  const char        *mime_type = reel_json_get_string (result, "mime_type");
  g_autofree char   *path = NULL;
  g_autofree guchar *data = NULL;
  gsize              length = 0;
  Clip              *clip;

  if (b64 == NULL || *b64 == '\0')
    {
      reel_job_context_drop_remote_task (context);
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                   _ ("sd-server finished the job but sent no clip."));
      return FALSE;
    }
  if ((path = reel_job_context_new_temp_path (context, extension_for (format, mime_type), error))
      == NULL)
    return FALSE;
  data = g_base64_decode (b64, &length);
  if (length == 0 || !g_file_set_contents (path, (const char *) data, (gssize) length, error))
    {
      g_unlink (path);
      reel_job_context_drop_remote_task (context);
      if (error != NULL && *error == NULL)
        g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                     _ ("sd-server sent a clip that is not valid base64."));
      return FALSE;
    }

  clip = g_new0 (Clip, 1);
  clip->path = g_steal_pointer (&path);
  clip->fps = (guint) CLAMP (reel_json_get_number (result, "fps", 16), 1, 240);
  clip->format = g_strdup (extension_for (format, mime_type));
  clip->frame_count = (gint64) reel_json_get_number (result, "frame_count", -1);
  g_clear_pointer (&job_data (context)->clip, clip_free);
  job_data (context)->clip = clip;
  return TRUE;
}

static GError *
failed_job_error (ReelJobContext *context, JsonObject *job, const char *status)
{
  JsonObject *failure = reel_json_get_object (job, "error");
  const char *message = reel_json_get_string (failure, "message");
  const char *code = reel_json_get_string (failure, "code");

  /* This job is over: a retry queues a new one. */
  reel_job_context_drop_remote_task (context);
  if (g_strcmp0 (status, "cancelled") == 0)
    return g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                                _ ("The job was cancelled at sd-server."));
  return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                      _ ("sd-server failed to make the clip: %s"),
                      message != NULL && *message != '\0' ? message
                      : code != NULL                      ? code
                                                          : _ ("no reason given"));
}

static void
report_waiting (ReelJobContext *context, JsonObject *job, const char *status, gint64 started)
{
  double elapsed = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  if (g_strcmp0 (status, "queued") == 0)
    {
      guint            position = (guint) reel_json_get_number (job, "queue_position", 0);
      g_autofree char *message
          = position > 0
                /* Translators: "Waiting in sd-server’s queue (position 2)" */
                ? g_strdup_printf (_ ("Waiting in sd-server’s queue (position %u)"), position)
                : g_strdup (_ ("Waiting in sd-server’s queue"));

      reel_job_context_progress (context, 0.02, message);
    }
  else
    /* The server reports no steps: creep towards nine tenths, never to the
     * end, which only the clip reaches. */
    reel_job_context_progress (context, 0.05 + 0.85 * (1 - exp (-elapsed / TYPICAL_GENERATION_S)),
                               _ ("sd-server is generating the clip"));
}

/* One poll. TRUE when the job reached an end (@done, or an error). */
static gboolean
poll_once (ReelSdcppServerBackend *self,
           ReelJobContext         *context,
           const char             *path,
           gint64                  started,
           guint                  *errors_in_row,
           gboolean               *done,
           GError                **error)
{
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  JsonObject *job = NULL;
  const char *status = NULL;

  *done = FALSE;
  response = send_request (self, client_for (context), "GET", path, NULL, &local_error);
  if (response != NULL && response->status == 410)
    {
      reel_job_context_drop_remote_task (context);
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("sd-server has discarded the finished clip: it keeps clips for ten "
                      "minutes. Generate the shot again."));
      return TRUE;
    }
  if (response != NULL && response->status == 404)
    {
      reel_job_context_drop_remote_task (context);
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("sd-server does not know this job: it was restarted, or the clip expired. "
                      "Generate the shot again."));
      return TRUE;
    }
  if (response != NULL && response->status != 200)
    local_error = error_from_answer (response, context);
  else if (response != NULL)
    job = reel_remote_parse_object (response, parser, SERVICE_NAME, &local_error);
  status = reel_json_get_string (job, "status");
  if (local_error == NULL && status == NULL)
    g_set_error (&local_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                 _ ("%s answered with something Storyreel cannot read."), SERVICE_NAME);

  if (local_error != NULL)
    {
      /* A busy server answers late now and then; the job is still there. */
      if (g_error_matches (local_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
          && ++*errors_in_row < MAX_POLL_ERRORS)
        {
          g_debug ("Polling %s failed (%u): %s", path, *errors_in_row, local_error->message);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TRUE;
    }
  *errors_in_row = 0;

  if (g_strcmp0 (status, "completed") == 0)
    {
      *done = take_result (context, job, error);
      return TRUE;
    }
  if (g_strcmp0 (status, "failed") == 0 || g_strcmp0 (status, "cancelled") == 0)
    {
      g_propagate_error (error, failed_job_error (context, job, status));
      return TRUE;
    }
  report_waiting (context, job, status, started);
  return FALSE;
}

static gboolean
wait_for_job (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelSdcppServerBackend *self = REEL_SDCPP_SERVER_BACKEND (backend);
  const char             *job_id = reel_job_context_get_remote_id (context);
  g_autofree char        *escaped = NULL;
  g_autofree char        *path = NULL;
  gint64                  started = g_get_monotonic_time ();
  guint                   interval = self->poll_min_ms;
  guint                   errors_in_row = 0;

  if (job_id == NULL)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                           _ ("The job was not queued yet."));
      return FALSE;
    }

  /* A job resumed after a restart holds the GPU too. */
  if (!hold_gpu (self, context, error))
    return FALSE;
  escaped = g_uri_escape_string (job_id, NULL, TRUE);
  path = g_strdup_printf ("/jobs/%s", escaped);
  for (;;)
    {
      gboolean done;

      if (poll_once (self, context, path, started, &errors_in_row, &done, error))
        return done;
      if (!reel_job_context_wait (context, interval))
        return !stopped (context, error);
      interval = MIN (interval * 3 / 2 + 1, self->poll_max_ms);
    }
}

/* ------------------------------------------------------------------------ */
/* Fetch and cancel                                                          */

static char *
fetch (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  Clip                 *clip = job_data (context)->clip;
  g_autofree char      *path = NULL;
  g_autofree char      *usage = NULL;
  ReelServiceReport     report = { .seed = request->seed, .billed_seconds = -1, .cost = -1 };

  if (clip == NULL)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                           _ ("sd-server finished the job but sent no clip."));
      return NULL;
    }

  reel_job_context_progress (context, 0.97, _ ("Converting the clip"));
  if ((path = reel_job_context_new_temp_path (context, "mp4", error)) == NULL)
    return NULL;
  if (!reel_sdcpp_clip_convert (clip->path, path, clip->fps, SERVICE_NAME,
                                reel_job_context_get_cancellable (context), error))
    {
      /* The same job would give the same clip: a retry queues a new one. */
      if (error == NULL || !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reel_job_context_drop_remote_task (context);
      return NULL;
    }

  usage = g_strdup_printf ("{\"output_format\": \"%s\", \"frame_count\": %" G_GINT64_FORMAT
                           ", \"fps\": %u}",
                           clip->format, clip->frame_count, clip->fps);
  report.usage = usage;
  reel_job_context_report_service (context, &report);
  reel_job_context_progress (context, 1.0, NULL);
  return g_steal_pointer (&path);
}

static void
cancel (ReelBackend *backend, ReelJobContext *context)
{
  ReelSdcppServerBackend *self = REEL_SDCPP_SERVER_BACKEND (backend);
  const char             *job_id = reel_job_context_get_remote_id (context);
  g_autoptr (ReelHttpClient) client = NULL;
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  /* A job that Storyreel stopped (quit, project closed) is picked up again
   * next time: only the user's cancel gives it up. */
  if (job_id == NULL || !reel_job_context_is_cancelled_by_user (context))
    return;

  /* The job's own client is cancelled by now. */
  client = reel_http_client_new ();
  reel_http_client_set_timeouts (client, 10, 10);
  escaped = g_uri_escape_string (job_id, NULL, TRUE);
  path = g_strdup_printf ("/jobs/%s/cancel", escaped);
  response = send_request (self, client, "POST", path, NULL, &error);
  if (response != NULL && response->status == 409)
    /* Not an error: the server cannot stop a job it is generating yet. */
    reel_job_context_progress (context, -1,
                               _ ("sd-server will finish this clip, then it is discarded"));
  g_debug ("Cancelling sd-server job %s: %s", job_id,
           response != NULL ? (response->status == 200   ? "cancelled"
                               : response->status == 409 ? "generating, will be discarded"
                                                         : "gone")
                            : error->message);
}

/* ------------------------------------------------------------------------ */
/* The rest of the interface                                                 */

char *
reel_sdcpp_server_backend_describe (ReelSdcppServerBackend *self,
                                    GCancellable           *cancellable,
                                    GError                **error)
{
  g_autoptr (ReelHttpClient) client = reel_http_client_new ();
  g_auto (Capabilities) caps = { 0 };
  g_autofree char *formats = NULL;

  g_return_val_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self), NULL);

  reel_http_client_set_cancellable (client, cancellable);
  reel_http_client_set_timeouts (client, 5, 10);
  if (!read_capabilities (self, client, &caps, error) || !check_video (self, &caps, error))
    return NULL;
  formats = array_to_text (caps.formats);
  /* Translators: "wan2.2_ti2v_5B_fp16.safetensors (video as webm, avi)" */
  return g_strdup_printf (_ ("%s (video as %s)"),
                          caps.model != NULL && *caps.model != '\0' ? caps.model : _ ("unknown"),
                          *formats != '\0' ? formats : _ ("none"));
}

static gboolean
test_connection (ReelBackend *backend, GCancellable *cancellable, GError **error)
{
  g_autofree char *description = reel_sdcpp_server_backend_describe (
      REEL_SDCPP_SERVER_BACKEND (backend), cancellable, error);

  return description != NULL;
}

static gboolean
check_ready (ReelBackend *backend, char **reason)
{
  ReelSdcppServerBackend *self = REEL_SDCPP_SERVER_BACKEND (backend);
  g_autoptr (GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);

  /* Whether it answers is test_connection()'s: this runs on the main thread. */
  if (uri != NULL
      && (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
          || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0))
    return TRUE;
  if (reason != NULL)
    *reason = g_strdup_printf (_ ("“%s” is not an sd-server address like %s: set it in "
                                  "Preferences, or pass --endpoint URL"),
                               self->url, REEL_SDCPP_SERVER_DEFAULT_URL);
  return FALSE;
}

static const char *
get_name (ReelBackend *backend)
{
  return "sd-server";
}

static const char *
get_display_name (ReelBackend *backend)
{
  return _ ("stable-diffusion.cpp server");
}

static void
get_capabilities (ReelBackend *backend, ReelBackendCapabilities *caps)
{
  caps->features = REEL_BACKEND_TEXT_TO_VIDEO | REEL_BACKEND_IMAGE_TO_VIDEO | REEL_BACKEND_REMOTE;
  /* Any project size: the clip is made at the short side set in
   * Preferences, and the cut scales it. */
  caps->max_width = 7680;
  caps->max_height = 4320;
  caps->min_duration = 0.1;
  caps->max_duration = 10;
  caps->min_fps = 1;
  caps->max_fps = 120;
  /* One generating and one waiting in the server's queue: no gap between
   * clips, and a queued job can still be cancelled. */
  caps->max_parallel_jobs = 2;
  caps->currency = NULL;
}

static void
backend_iface_init (ReelBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->get_display_name = get_display_name;
  iface->get_capabilities = get_capabilities;
  iface->submit = submit;
  iface->wait = wait_for_job;
  iface->fetch = fetch;
  iface->cancel = cancel;
  iface->check_ready = check_ready;
  iface->test_connection = test_connection;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
reel_sdcpp_server_backend_finalize (GObject *object)
{
  ReelSdcppServerBackend *self = REEL_SDCPP_SERVER_BACKEND (object);

  g_free (self->url);
  g_clear_pointer (&self->loras, g_ptr_array_unref);
  g_clear_object (&self->gpu_slots);

  G_OBJECT_CLASS (reel_sdcpp_server_backend_parent_class)->finalize (object);
}

static void
reel_sdcpp_server_backend_class_init (ReelSdcppServerBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_sdcpp_server_backend_finalize;
}

static void
reel_sdcpp_server_backend_init (ReelSdcppServerBackend *self)
{
  self->short_side = 480;
  self->poll_min_ms = 1000;
  self->poll_max_ms = 3000;
}

ReelSdcppServerBackend *
reel_sdcpp_server_backend_new (const char *url)
{
  ReelSdcppServerBackend *self = g_object_new (REEL_TYPE_SDCPP_SERVER_BACKEND, NULL);
  g_autofree char        *base
      = g_strstrip (g_strdup (url != NULL && *url != '\0' ? url : REEL_SDCPP_SERVER_DEFAULT_URL));

  /* "http://host:1234/", "http://host:1234/sdcpp/v1" and "…/sdcpp/v1/" are the same server. */
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  if (g_str_has_suffix (base, API_PATH))
    base[strlen (base) - strlen (API_PATH)] = '\0';
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  self->url = g_steal_pointer (&base);
  return self;
}

const char *
reel_sdcpp_server_backend_get_url (ReelSdcppServerBackend *self)
{
  g_return_val_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self), NULL);
  return self->url;
}

void
reel_sdcpp_server_backend_set_sampling (ReelSdcppServerBackend *self,
                                        guint                   steps,
                                        double                  cfg_scale,
                                        double                  flow_shift)
{
  g_return_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self));
  self->steps = steps;
  self->cfg_scale = cfg_scale;
  self->flow_shift = flow_shift;
}

void
reel_sdcpp_server_backend_set_short_side (ReelSdcppServerBackend *self, guint short_side)
{
  g_return_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self));
  self->short_side = short_side > 0 ? short_side : 480;
}

void
reel_sdcpp_server_backend_set_loras (ReelSdcppServerBackend *self, GPtrArray *loras)
{
  g_return_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self));
  g_clear_pointer (&self->loras, g_ptr_array_unref);
  if (loras != NULL)
    self->loras = g_ptr_array_ref (loras);
}

void
reel_sdcpp_server_backend_set_poll_interval (ReelSdcppServerBackend *self,
                                             guint                   min_ms,
                                             guint                   max_ms)
{
  g_return_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self));
  self->poll_min_ms = MAX (min_ms, 1);
  self->poll_max_ms = MAX (max_ms, self->poll_min_ms);
}

void
reel_sdcpp_server_backend_set_gpu_slots (ReelSdcppServerBackend *self, ReelGpuSlots *slots)
{
  g_return_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self));
  g_return_if_fail (slots == NULL || REEL_IS_GPU_SLOTS (slots));
  g_set_object (&self->gpu_slots, slots);
}
