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
 * A job's resume state names its server and its job: {"server", "job_id"}.
 * A job with a remote id and no state (from before there was a pool) is on
 * the first server.
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
#include "reel-server-pool.h"
#include "reel-sdcpp-server-backend.h"
#include "reel-sdcpp.h"

#define SERVICE_NAME "sd-server"
#define API_PATH "/sdcpp/v1"
/* A poll that fails for want of an answer is tried this many times in a row,
 * and for at most the unreachable time, before the job gives up on its
 * server (and is retried by the scheduler: with the same id on a server of
 * its own, with a new job elsewhere in a pool). */
#define MAX_POLL_ERRORS 8
/* The most a short request may take to connect, and to stall once
 * connected. */
#define QUICK_TIMEOUT_S 5
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

  GStrv           urls; /* the servers, each without a trailing slash or the API path */
  ReelServerPool *pool; /* their places */
  guint           unreachable_ms;
  guint           steps;
  double          cfg_scale;
  double          flow_shift;
  guint           short_side;
  GPtrArray      *loras; /* ReelSdcppLora* */
  guint           poll_min_ms;
  guint           poll_max_ms;

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
  ReelServerPlace *place; /* the job's place on its server */
  ReelGpuLease    *gpu;   /* a share of the server's GPU, when it runs on this computer */
  Clip            *clip;  /* once the job is done */
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

/* Gives back the job's place on its server and its share of the GPU, in
 * the worker, as soon as the server has done its part (or failed): the
 * next job may use the server while this one's clip is converted. */
static void
release_job (JobData *data)
{
  g_clear_pointer (&data->place, reel_server_place_release);
  g_clear_pointer (&data->gpu, reel_gpu_lease_release);
}

static void
job_data_free (JobData *data)
{
  release_job (data);
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
api_url (const char *server, const char *path)
{
  return g_strconcat (server, API_PATH, path, NULL);
}

static GError *
unreachable_error (const char *server, const GError *net_error)
{
  if (net_error->domain != REEL_NET_ERROR)
    return g_error_copy (net_error);
  return g_error_new (REEL_BACKEND_ERROR,
                      reel_net_error_is_transient (net_error) ? REEL_BACKEND_ERROR_TRANSIENT
                                                              : REEL_BACKEND_ERROR_PERMANENT,
                      _ ("sd-server is not reachable at %s: %s. Start it, or check its address "
                         "in Preferences."),
                      server, net_error->message);
}

static ReelHttpResponse *
send_request (ReelHttpClient *client,
              const char     *server,
              const char     *method,
              const char     *path,
              const char     *body,
              GError        **error)
{
  const char      *headers[] = { "Content-Type: application/json", NULL };
  g_autofree char *url = api_url (server, path);
  g_autoptr (GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr (GError) net_error = NULL;
  ReelHttpResponse *response;

  response = reel_http_client_request (client, method, url, body != NULL ? headers : NULL, bytes,
                                       &net_error);
  if (response == NULL)
    g_propagate_error (error, unreachable_error (server, net_error));
  return response;
}

/* A client for short requests to a server, bound to @cancellable (or to
 * nothing), that gives up on a server that does not answer within a few
 * seconds. Answers that carry a clip may be large, never slow. */
static ReelHttpClient *
quick_client (ReelSdcppServerBackend *self, GCancellable *cancellable)
{
  ReelHttpClient *client = reel_http_client_new ();
  guint           connect_s = CLAMP ((self->unreachable_ms + 999) / 1000, 1, QUICK_TIMEOUT_S);

  reel_http_client_set_cancellable (client, cancellable);
  reel_http_client_set_timeouts (client, connect_s, 2 * QUICK_TIMEOUT_S);
  reel_http_client_set_max_response_size (client, MAX_ANSWER_BYTES);
  return client;
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
read_capabilities (ReelHttpClient *client, const char *server, Capabilities *caps, GError **error)
{
  g_autoptr (ReelHttpResponse) response = NULL;
  JsonObject *by_mode;

  response = send_request (client, server, "GET", "/capabilities", NULL, error);
  if (response == NULL)
    return FALSE;
  if (response->status == 404)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The server at %s has no stable-diffusion.cpp video API (%s): update "
                      "sd-server to a build from April 2026 or later."),
                   server, API_PATH);
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
check_video (Capabilities *caps, GError **error)
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

static gboolean
stopped (ReelJobContext *context, GError **error)
{
  return g_cancellable_set_error_if_cancelled (reel_job_context_get_cancellable (context), error);
}

/* ------------------------------------------------------------------------ */
/* The servers                                                               */

/* A server on this computer shares its GPU with the other local engines:
 * Storyreel's jobs on it (the one generating and the one queued behind it)
 * hold it together, so sd-cli waits while it works and the other way round. */
static gboolean
hold_gpu (ReelSdcppServerBackend *self, ReelJobContext *context, GError **error)
{
  JobData         *data = job_data (context);
  const char      *server = data->place != NULL ? reel_server_place_get_url (data->place) : NULL;
  g_autofree char *holder = NULL;

  if (server == NULL)
    return TRUE;
  /* Translators: who has a GPU, for "Waiting for the GPU (used by sd-server
   * at http://127.0.0.1:1234)" */
  holder = g_strdup_printf (_ ("sd-server at %s"), server);
  return reel_local_gpu_hold_for_server (self->gpu_slots, (const char *const *) self->urls, server,
                                         context, holder, &data->gpu, error);
}

/* The server for a new job: the least busy one that says what it runs,
 * with a place taken on it and its capabilities in @caps. A job that finds
 * every place taken waits for one. */
static const char *
choose_server (ReelSdcppServerBackend *self,
               ReelJobContext         *context,
               Capabilities           *caps,
               GError                **error)
{
  GCancellable *cancellable = reel_job_context_get_cancellable (context);
  JobData      *data = job_data (context);
  g_autoptr (ReelHttpClient) client = quick_client (self, cancellable);
  g_autoptr (GHashTable) tried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) reasons = g_string_new (NULL);
  g_autoptr (GError) first_error = NULL;

  g_clear_pointer (&data->place, reel_server_place_release);
  for (;;)
    {
      g_autoptr (ReelServerPlace) place = NULL;
      g_autoptr (GError) caps_error = NULL;
      GError     *claim_error = NULL;
      const char *server;

      place = reel_server_pool_claim (self->pool, tried, cancellable, &claim_error);
      if (claim_error != NULL)
        {
          g_propagate_error (error, claim_error);
          return NULL;
        }
      if (place == NULL)
        break;
      server = reel_server_place_get_url (place);
      capabilities_clear (caps);
      *caps = (Capabilities){ 0 };
      if (read_capabilities (client, server, caps, &caps_error))
        {
          data->place = g_steal_pointer (&place);
          return reel_server_place_get_url (data->place);
        }
      /* A server that answers but cannot take the job says why. */
      if (!g_error_matches (caps_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
          || stopped (context, NULL))
        {
          g_propagate_error (error, g_steal_pointer (&caps_error));
          return NULL;
        }
      g_hash_table_add (tried, g_strdup (server));
      reel_server_pool_rest_node (self->pool, server, caps_error->message);
      g_string_append_printf (reasons, "\n%s", caps_error->message);
      if (first_error == NULL)
        first_error = g_steal_pointer (&caps_error);
    }

  if (g_strv_length (self->urls) == 1 && first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return NULL;
    }
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
               _ ("No sd-server answered:%s"),
               reasons->len > 0 ? reasons->str : _ (" every server is resting after a failure"));
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* The resume state                                                          */

static char *
state_json (const char *server, const char *job_id)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_string (builder, "server", server);
  add_string (builder, "job_id", job_id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The server that has the job's job: the saved one, or the first server for
 * a job saved with its id alone. */
static char *
dup_job_server (ReelSdcppServerBackend *self, ReelJobContext *context)
{
  const char *text = reel_job_context_get_resume_state (context);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode   *root;
  const char *server = NULL;

  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    server = reel_json_get_string (json_node_get_object (root), "server");
  return g_strdup (server != NULL ? server : self->urls[0]);
}

/* ------------------------------------------------------------------------ */
/* Submit                                                                    */

/* POST /vid_gen. The request is not cut short when the job is cancelled
 * meanwhile: the server may have made the job already, and only its id lets
 * cancel() take it off the queue. Short timeouts of its own bound it. */
static char *
create_job (ReelJobContext *context, const char *server, const char *body, GError **error)
{
  g_autoptr (ReelHttpClient) client = reel_http_client_new ();
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *job_id;

  /* Not sent yet: nothing to take back. */
  if (stopped (context, error))
    return NULL;
  reel_http_client_set_timeouts (client, QUICK_TIMEOUT_S, 2 * QUICK_TIMEOUT_S);
  response = send_request (client, server, "POST", "/vid_gen", body, error);
  if (response == NULL)
    return NULL;
  if (response->status != 202 && response->status != 200)
    {
      g_propagate_error (error, error_from_answer (response, context));
      return NULL;
    }
  job_id = reel_json_get_string (reel_remote_parse_object (response, parser, SERVICE_NAME, error),
                                 "id");
  if (job_id == NULL && error != NULL && *error == NULL)
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                 _ ("%s answered with something Storyreel cannot read."), SERVICE_NAME);
  return g_strdup (job_id);
}

static gboolean
submit_job (ReelSdcppServerBackend *self, ReelJobContext *context, GError **error)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  g_auto (Capabilities) caps = { 0 };
  g_autofree char *body = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *state = NULL;
  const char      *server;
  const char      *format;

  reel_job_context_progress (context, 0, _ ("Asking sd-server what it runs"));
  if ((server = choose_server (self, context, &caps, error)) == NULL
      || !hold_gpu (self, context, error) || !check_video (&caps, error)
      || (format = choose_format (&caps, error)) == NULL
      || (body = create_body (self, request, &caps, format, error)) == NULL)
    return FALSE;

  g_debug ("Queueing job %" G_GINT64_FORMAT " on %s (%s, %s)",
           reel_job_context_get_job_id (context), server, caps.model != NULL ? caps.model : "?",
           format);
  /* A lost answer is not looked for: the server has no job list, and a
   * second job costs only the GPU's time. */
  if ((job_id = create_job (context, server, body, error)) == NULL)
    return FALSE;
  /* Saved even when the job was cancelled meanwhile: cancel() needs it. */
  state = state_json (server, job_id);
  if (!reel_job_context_save_resume_state (context, job_id, state))
    return !stopped (context, error);
  return TRUE;
}

static gboolean
submit (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  if (submit_job (REEL_SDCPP_SERVER_BACKEND (backend), context, error))
    return TRUE;
  /* No wait() follows. */
  release_job (job_data (context));
  return FALSE;
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

/* A job being polled on its server. */
typedef struct
{
  ReelSdcppServerBackend *self;
  ReelJobContext         *context;
  ReelHttpClient         *client;
  char                   *server;
  char                   *path; /* /jobs/{id} */
  gint64                  started;
  /* The server not answering: since when (monotonic µs; 0 while it
   * answers), and how many polls failed in a row. */
  gint64 silent_since;
  guint  errors_in_row;
} Poll;

static void
poll_clear (Poll *poll)
{
  g_clear_object (&poll->client);
  g_clear_pointer (&poll->server, g_free);
  g_clear_pointer (&poll->path, g_free);
}

/* A poll failed for want of an answer. TRUE when the job should keep
 * polling: a busy server answers late now and then, and the job is still
 * there. One that stays silent for the unreachable time, or fails every
 * poll in a row, has gone away. */
static gboolean
bear_silence (Poll *poll, gint64 asked, const GError *error)
{
  gint64 silent_ms;

  if (poll->silent_since == 0)
    poll->silent_since = asked;
  silent_ms = (g_get_monotonic_time () - poll->silent_since) / 1000;
  if (++poll->errors_in_row < MAX_POLL_ERRORS && silent_ms < poll->self->unreachable_ms)
    {
      g_debug ("Polling %s%s failed (%u): %s", poll->server, poll->path, poll->errors_in_row,
               error->message);
      return TRUE;
    }
  /* In a pool the job starts anew on another server. Alone, the job keeps
   * its id, to be polled again on the next try. */
  reel_server_pool_rest_node (poll->self->pool, poll->server, error->message);
  if (reel_server_pool_get_n_nodes (poll->self->pool) > 1)
    reel_job_context_drop_remote_task (poll->context);
  return FALSE;
}

/* The job is gone from its server: the clip expired (410), or the server
 * forgot the job (404). NULL when it is there. */
static GError *
job_gone_error (Poll *poll, ReelHttpResponse *response)
{
  if (response->status == 410)
    {
      reel_job_context_drop_remote_task (poll->context);
      return g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                                  _ ("sd-server has discarded the finished clip: it keeps clips "
                                     "for ten minutes. Generate the shot again."));
    }
  if (response->status == 404)
    {
      /* Its jobs live in memory only: after a restart the scheduler makes
       * a new one. */
      reel_job_context_drop_remote_task (poll->context);
      return g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                                  _ ("sd-server does not know this job: it was restarted, or the "
                                     "clip expired. Storyreel will make the clip again."));
    }
  return NULL;
}

/* The job's state from @response, or an error. */
static GError *
read_job (Poll *poll, ReelHttpResponse *response, JsonParser *parser, JsonObject **job)
{
  GError *error = NULL;

  *job = NULL;
  if (response->status != 200)
    return error_from_answer (response, poll->context);
  *job = reel_remote_parse_object (response, parser, SERVICE_NAME, &error);
  if (error == NULL && reel_json_get_string (*job, "status") == NULL)
    error = g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                         _ ("%s answered with something Storyreel cannot read."), SERVICE_NAME);
  return error;
}

/* One poll. TRUE when the job reached an end (@done, or an error). */
static gboolean
poll_once (Poll *poll, gboolean *done, GError **error)
{
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  JsonObject *job = NULL;
  const char *status;
  gint64      asked = g_get_monotonic_time ();

  *done = FALSE;
  response = send_request (poll->client, poll->server, "GET", poll->path, NULL, &local_error);
  if (response == NULL)
    {
      if (g_error_matches (local_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
          && !stopped (poll->context, NULL) && bear_silence (poll, asked, local_error))
        return FALSE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TRUE;
    }
  poll->silent_since = 0;
  if ((local_error = job_gone_error (poll, response)) != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TRUE;
    }
  if ((local_error = read_job (poll, response, parser, &job)) != NULL)
    {
      /* A busy server answers badly now and then; the job is still there. */
      if (g_error_matches (local_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
          && ++poll->errors_in_row < MAX_POLL_ERRORS)
        {
          g_debug ("Polling %s%s failed (%u): %s", poll->server, poll->path, poll->errors_in_row,
                   local_error->message);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TRUE;
    }
  poll->errors_in_row = 0;

  status = reel_json_get_string (job, "status");
  if (g_strcmp0 (status, "completed") == 0)
    {
      *done = take_result (poll->context, job, error);
      return TRUE;
    }
  if (g_strcmp0 (status, "failed") == 0 || g_strcmp0 (status, "cancelled") == 0)
    {
      g_propagate_error (error, failed_job_error (poll->context, job, status));
      return TRUE;
    }
  report_waiting (poll->context, job, status, poll->started);
  return FALSE;
}

static gboolean
poll_until_done (ReelSdcppServerBackend *self, Poll *poll, GError **error)
{
  guint interval = self->poll_min_ms;

  for (;;)
    {
      gboolean done;

      if (poll_once (poll, &done, error))
        return done;
      if (!reel_job_context_wait (poll->context, interval))
        return !stopped (poll->context, error);
      interval = MIN (interval * 3 / 2 + 1, self->poll_max_ms);
    }
}

static gboolean
wait_for_job (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelSdcppServerBackend *self = REEL_SDCPP_SERVER_BACKEND (backend);
  JobData                *data = job_data (context);
  const char             *job_id = reel_job_context_get_remote_id (context);
  g_autofree char        *escaped = NULL;
  Poll                    poll = { self, context };
  gboolean                done = FALSE;

  if (job_id == NULL)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                           _ ("The job was not queued yet."));
      release_job (data);
      return FALSE;
    }

  poll.server = dup_job_server (self, context);
  escaped = g_uri_escape_string (job_id, NULL, TRUE);
  poll.path = g_strdup_printf ("/jobs/%s", escaped);
  poll.client = quick_client (self, reel_job_context_get_cancellable (context));
  poll.started = g_get_monotonic_time ();
  /* A job resumed after a restart holds its place and the GPU too. */
  if (data->place == NULL)
    data->place = reel_server_pool_claim_node (self->pool, poll.server);
  if (hold_gpu (self, context, error))
    done = poll_until_done (self, &poll, error);
  poll_clear (&poll);
  /* The server's part is over, one way or another: fetch() converts the
   * clip it sent. */
  release_job (data);
  return done;
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

  /* wait() let go of the server already: the clip is here. */
  release_job (job_data (context));
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
  g_autofree char *server = NULL;

  /* A job that Storyreel stopped (quit, project closed) is picked up again
   * next time: only the user's cancel gives it up. */
  if (job_id == NULL || !reel_job_context_is_cancelled_by_user (context))
    return;

  /* The job's own cancellable has fired by now. */
  client = quick_client (self, NULL);
  server = dup_job_server (self, context);
  escaped = g_uri_escape_string (job_id, NULL, TRUE);
  path = g_strdup_printf ("/jobs/%s/cancel", escaped);
  response = send_request (client, server, "POST", path, NULL, &error);
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

/* What one server runs, for people. */
static char *
describe_server (ReelHttpClient *client, const char *server, GError **error)
{
  g_auto (Capabilities) caps = { 0 };
  g_autofree char *formats = NULL;

  if (!read_capabilities (client, server, &caps, error) || !check_video (&caps, error))
    return NULL;
  formats = array_to_text (caps.formats);
  /* Translators: "wan2.2_ti2v_5B_fp16.safetensors (video as webm, avi)" */
  return g_strdup_printf (_ ("%s (video as %s)"),
                          caps.model != NULL && *caps.model != '\0' ? caps.model : _ ("unknown"),
                          *formats != '\0' ? formats : _ ("none"));
}

char *
reel_sdcpp_server_backend_describe (ReelSdcppServerBackend *self,
                                    GCancellable           *cancellable,
                                    GError                **error)
{
  g_autoptr (ReelHttpClient) client = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) reasons = g_string_new (NULL);
  gboolean answered = FALSE;

  g_return_val_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self), NULL);

  client = quick_client (self, cancellable);
  if (self->urls[1] == NULL)
    return describe_server (client, self->urls[0], error);

  /* Every server is asked: the pool works if one of them does. */
  for (guint i = 0; self->urls[i] != NULL; i++)
    {
      g_autoptr (GError) server_error = NULL;
      g_autofree char *description = describe_server (client, self->urls[i], &server_error);

      if (g_error_matches (server_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&server_error));
          return NULL;
        }
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s: %s", self->urls[i],
                              description != NULL ? description : server_error->message);
      if (description != NULL)
        answered = TRUE;
      else
        g_string_append_printf (reasons, "\n%s", server_error->message);
    }
  if (answered)
    return g_string_free (g_steal_pointer (&text), FALSE);
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
               _ ("No sd-server answered:%s"), reasons->str);
  return NULL;
}

const char *const *
reel_sdcpp_server_backend_get_urls (ReelSdcppServerBackend *self)
{
  g_return_val_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self), NULL);
  return (const char *const *) self->urls;
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

  /* Whether they answer is test_connection()'s: this runs on the main thread. */
  for (guint i = 0; self->urls[i] != NULL; i++)
    {
      g_autoptr (GUri) uri = g_uri_parse (self->urls[i], G_URI_FLAGS_NONE, NULL);

      if (uri != NULL
          && (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
              || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0))
        continue;
      if (reason != NULL)
        *reason = g_strdup_printf (_ ("“%s” is not an sd-server address like %s: set it in "
                                      "Preferences, or pass --endpoint URL"),
                                   self->urls[i], REEL_SDCPP_SERVER_DEFAULT_URL);
      return FALSE;
    }
  return TRUE;
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
  ReelSdcppServerBackend *self = REEL_SDCPP_SERVER_BACKEND (backend);

  caps->features = REEL_BACKEND_TEXT_TO_VIDEO | REEL_BACKEND_IMAGE_TO_VIDEO | REEL_BACKEND_REMOTE
                   | REEL_BACKEND_SERVER_POOL;
  /* Any project size: the clip is made at the short side set in
   * Preferences, and the cut scales it. */
  caps->max_width = 7680;
  caps->max_height = 4320;
  caps->min_duration = 0.1;
  caps->max_duration = 10;
  caps->min_fps = 1;
  caps->max_fps = 120;
  /* One generating and one waiting in each server's queue: no gap between
   * clips, and a queued job can still be cancelled. The pool is as wide as
   * the servers in rotation. */
  caps->max_parallel_jobs = reel_server_pool_get_places_per_node (self->pool)
                            * MAX (reel_server_pool_count_in_rotation (self->pool), 1);
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

  g_strfreev (self->urls);
  g_clear_object (&self->pool);
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
  /* As for ComfyUI: a server powered off answers nothing, not even a
   * refusal, and its jobs go to the others well within a minute. */
  self->unreachable_ms = 20000;
}

/* "http://host:1234/", "http://host:1234/sdcpp/v1" and "…/sdcpp/v1/" are
 * the same server. */
static char *
normalize_url (const char *url)
{
  char *base = g_strstrip (g_strdup (url));

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  if (g_str_has_suffix (base, API_PATH))
    base[strlen (base) - strlen (API_PATH)] = '\0';
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return base;
}

ReelSdcppServerBackend *
reel_sdcpp_server_backend_new (const char *urls)
{
  ReelSdcppServerBackend *self = g_object_new (REEL_TYPE_SDCPP_SERVER_BACKEND, NULL);
  g_auto (GStrv) parts = g_strsplit (urls != NULL ? urls : "", ",", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *url = normalize_url (parts[i]);

      if (*url != '\0' && g_hash_table_add (seen, g_strdup (url)))
        g_strv_builder_add (builder, url);
    }
  if (g_hash_table_size (seen) == 0)
    g_strv_builder_add (builder, REEL_SDCPP_SERVER_DEFAULT_URL);
  self->urls = g_strv_builder_end (builder);
  self->pool = reel_server_pool_new ((const char *const *) self->urls);
  return self;
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
reel_sdcpp_server_backend_set_unreachable_time (ReelSdcppServerBackend *self, guint milliseconds)
{
  g_return_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self));
  self->unreachable_ms = MAX (milliseconds, 1);
}

void
reel_sdcpp_server_backend_set_rest_time (ReelSdcppServerBackend *self, guint milliseconds)
{
  g_return_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self));
  reel_server_pool_set_rest_time (self->pool, milliseconds);
}

ReelServerPool *
reel_sdcpp_server_backend_get_pool (ReelSdcppServerBackend *self)
{
  g_return_val_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self), NULL);
  return self->pool;
}

void
reel_sdcpp_server_backend_set_gpu_slots (ReelSdcppServerBackend *self, ReelGpuSlots *slots)
{
  g_return_if_fail (REEL_IS_SDCPP_SERVER_BACKEND (self));
  g_return_if_fail (slots == NULL || REEL_IS_GPU_SLOTS (slots));
  g_set_object (&self->gpu_slots, slots);
}
