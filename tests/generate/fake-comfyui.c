/* fake-comfyui.c
 *
 * Everything happens in the fake server's thread: the handlers, the ticker
 * that runs prompts, and the sockets. The state is behind a recursive lock,
 * since a socket may close (and call back) while the lock is held; the
 * test's thread reads it under the same lock, and makes things happen at the
 * server through run_in_server(), which returns once they have.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-comfyui.h"

#define DEFAULT_OUTPUT "clip_00001_.mp4"
#define DEFAULT_SUBFOLDER "video"
#define QUEUE_FULL_RETRY_S 3

typedef enum
{
  UNIT_NODE, /* a node starts */
  UNIT_STEP, /* one sampler step */
} UnitKind;

typedef struct
{
  UnitKind kind;
  char    *node;
  guint    step;
  guint    max;
} Unit;

typedef struct
{
  char       *id;
  char       *client_id;
  double      number;
  JsonObject *graph;
  char       *status; /* pending, running, success, error, interrupted, deleted */
  GArray     *units;  /* Unit */
  guint       done;   /* units done */
  char       *current_node;
  JsonArray  *messages; /* the history's status messages */
  JsonObject *outputs;
  JsonObject *history;  /* once finished */
  gint64      started;  /* monotonic µs, 0 before it runs */
  gint64      finished; /* monotonic µs, 0 before it ends */
} Prompt;

typedef struct
{
  SoupWebsocketConnection *connection;
  char                    *client_id;
} Socket;

struct _ReelFakeComfyui
{
  ReelFakeServer *server;
  GBytes         *video;
  ReelFakeFaults *faults;

  GRecMutex   lock;
  GPtrArray  *prompts; /* Prompt*, in the order they came */
  Prompt     *running;
  GPtrArray  *sockets; /* Socket* */
  GSource    *ticker;
  guint       tick_ms;
  guint       hold;
  GHashTable *removed_models;
  GHashTable *removed_types;
  GHashTable *uploads; /* names LoadImage may use */
  gboolean    cpu_only;
  gboolean    queue_full;
  gboolean    refuse_sockets;
  gboolean    jobs_api;
  guint       peak_held; /* the most prompts pending and running at once */
  char       *error_node;
  char       *error_type;
  char       *error_message;
  char       *error_details;
  char       *fail_class;
  char       *fail_type;
  char       *fail_message;
  char       *output_name;
  char       *output_subfolder;
  GBytes     *last_upload;
  char       *last_upload_name;
  GPtrArray  *log;
  guint       accepted;
  double      next_number;
  GPtrArray  *socket_client_ids;
};

/* ------------------------------------------------------------------------ */
/* What the server has                                                       */

static const char *const diffusion_models[] = {
  "wan2.2_ti2v_5B_fp16.safetensors",
  "wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors",
  "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors",
  "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
  "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
  NULL,
};
static const char *const text_encoders[] = { "umt5_xxl_fp8_e4m3fn_scaled.safetensors", NULL };
static const char *const vaes[] = { "wan2.2_vae.safetensors", "wan_2.1_vae.safetensors", NULL };
static const char *const loras[] = {
  "wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise.safetensors",
  "wan2.2_t2v_lightx2v_4steps_lora_v1.1_low_noise.safetensors",
  "wan2.2_i2v_lightx2v_4steps_lora_v1_high_noise.safetensors",
  "wan2.2_i2v_lightx2v_4steps_lora_v1_low_noise.safetensors",
  NULL,
};
static const char *const weight_dtypes[]
    = { "default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2", NULL };
static const char *const clip_types[] = { "stable_diffusion", "sd3", "wan", "hunyuan_video", NULL };
static const char *const samplers[] = { "euler", "euler_ancestral", "uni_pc", "dpmpp_2m", NULL };
static const char *const schedulers[] = { "simple", "normal", "karras", "beta", NULL };
static const char *const enable_disable[] = { "enable", "disable", NULL };
static const char *const video_formats[] = { "auto", "mp4", NULL };
static const char *const video_codecs[] = { "auto", "h264", NULL };

typedef enum
{
  SPEC_LINK, /* a link of a type */
  SPEC_INT,
  SPEC_FLOAT,
  SPEC_STRING,
  SPEC_COMBO,     /* the classic form: [[options]] */
  SPEC_NEW_COMBO, /* the newer form: ["COMBO", {"options": [...]}] */
  SPEC_UPLOADS,   /* the images uploaded so far */
} SpecKind;

typedef struct
{
  const char        *name;
  SpecKind           kind;
  const char        *type; /* of a link */
  const char *const *options;
  gboolean           optional;
} InputSpec;

#define MAX_INPUTS 14

static const struct
{
  const char *class_type;
  gboolean    output_node;
  InputSpec   inputs[MAX_INPUTS];
} node_types[] = {
  { "UNETLoader",
    FALSE,
    { { "unet_name", SPEC_COMBO, NULL, diffusion_models },
      { "weight_dtype", SPEC_COMBO, NULL, weight_dtypes } } },
  { "CLIPLoader",
    FALSE,
    { { "clip_name", SPEC_COMBO, NULL, text_encoders },
      { "type", SPEC_COMBO, NULL, clip_types } } },
  { "VAELoader", FALSE, { { "vae_name", SPEC_COMBO, NULL, vaes } } },
  { "LoraLoaderModelOnly",
    FALSE,
    { { "model", SPEC_LINK, "MODEL" },
      { "lora_name", SPEC_COMBO, NULL, loras },
      { "strength_model", SPEC_FLOAT } } },
  { "ModelSamplingSD3", FALSE, { { "model", SPEC_LINK, "MODEL" }, { "shift", SPEC_FLOAT } } },
  { "CLIPTextEncode", FALSE, { { "text", SPEC_STRING }, { "clip", SPEC_LINK, "CLIP" } } },
  { "EmptyHunyuanLatentVideo",
    FALSE,
    { { "width", SPEC_INT },
      { "height", SPEC_INT },
      { "length", SPEC_INT },
      { "batch_size", SPEC_INT } } },
  { "Wan22ImageToVideoLatent",
    FALSE,
    { { "vae", SPEC_LINK, "VAE" },
      { "width", SPEC_INT },
      { "height", SPEC_INT },
      { "length", SPEC_INT },
      { "batch_size", SPEC_INT },
      { "start_image", SPEC_LINK, "IMAGE", NULL, TRUE } } },
  { "WanImageToVideo",
    FALSE,
    { { "positive", SPEC_LINK, "CONDITIONING" },
      { "negative", SPEC_LINK, "CONDITIONING" },
      { "vae", SPEC_LINK, "VAE" },
      { "width", SPEC_INT },
      { "height", SPEC_INT },
      { "length", SPEC_INT },
      { "batch_size", SPEC_INT },
      { "clip_vision_output", SPEC_LINK, "CLIP_VISION_OUTPUT", NULL, TRUE },
      { "start_image", SPEC_LINK, "IMAGE", NULL, TRUE } } },
  { "KSampler",
    FALSE,
    { { "model", SPEC_LINK, "MODEL" },
      { "seed", SPEC_INT },
      { "steps", SPEC_INT },
      { "cfg", SPEC_FLOAT },
      { "sampler_name", SPEC_COMBO, NULL, samplers },
      { "scheduler", SPEC_COMBO, NULL, schedulers },
      { "positive", SPEC_LINK, "CONDITIONING" },
      { "negative", SPEC_LINK, "CONDITIONING" },
      { "latent_image", SPEC_LINK, "LATENT" },
      { "denoise", SPEC_FLOAT } } },
  { "KSamplerAdvanced",
    FALSE,
    { { "model", SPEC_LINK, "MODEL" },
      { "add_noise", SPEC_COMBO, NULL, enable_disable },
      { "noise_seed", SPEC_INT },
      { "steps", SPEC_INT },
      { "cfg", SPEC_FLOAT },
      { "sampler_name", SPEC_COMBO, NULL, samplers },
      { "scheduler", SPEC_COMBO, NULL, schedulers },
      { "positive", SPEC_LINK, "CONDITIONING" },
      { "negative", SPEC_LINK, "CONDITIONING" },
      { "latent_image", SPEC_LINK, "LATENT" },
      { "start_at_step", SPEC_INT },
      { "end_at_step", SPEC_INT },
      { "return_with_leftover_noise", SPEC_COMBO, NULL, enable_disable } } },
  { "VAEDecode", FALSE, { { "samples", SPEC_LINK, "LATENT" }, { "vae", SPEC_LINK, "VAE" } } },
  { "CreateVideo", FALSE, { { "images", SPEC_LINK, "IMAGE" }, { "fps", SPEC_FLOAT } } },
  { "SaveVideo",
    TRUE,
    { { "video", SPEC_LINK, "VIDEO" },
      { "filename_prefix", SPEC_STRING },
      { "format", SPEC_NEW_COMBO, NULL, video_formats },
      { "codec", SPEC_NEW_COMBO, NULL, video_codecs } } },
  { "LoadImage", FALSE, { { "image", SPEC_UPLOADS } } },
};

static int
find_type (ReelFakeComfyui *self, const char *class_type)
{
  if (class_type == NULL || g_hash_table_contains (self->removed_types, class_type))
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (node_types); i++)
    if (g_str_equal (node_types[i].class_type, class_type))
      return (int) i;
  return -1;
}

static gboolean
is_sampler (const char *class_type)
{
  return g_strcmp0 (class_type, "KSampler") == 0 || g_strcmp0 (class_type, "KSamplerAdvanced") == 0;
}

/* The options an input offers now. */
static GPtrArray *
spec_options (ReelFakeComfyui *self, const InputSpec *spec)
{
  GPtrArray *options = g_ptr_array_new ();

  if (spec->kind == SPEC_UPLOADS)
    {
      GHashTableIter iter;
      gpointer       name;

      g_hash_table_iter_init (&iter, self->uploads);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        g_ptr_array_add (options, name);
    }
  else
    for (guint i = 0; spec->options != NULL && spec->options[i] != NULL; i++)
      if (!g_hash_table_contains (self->removed_models, spec->options[i]))
        g_ptr_array_add (options, (gpointer) spec->options[i]);
  return options;
}

static JsonNode *
options_node (GPtrArray *options)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < options->len; i++)
    json_array_add_string_element (array, options->pdata[i]);
  return json_node_init_array (json_node_alloc (), array);
}

static JsonObject *
describe_type (ReelFakeComfyui *self, guint index)
{
  JsonObject *info = json_object_new ();
  JsonObject *input = json_object_new ();
  JsonObject *required = json_object_new ();
  JsonObject *optional = json_object_new ();

  for (guint i = 0; i < MAX_INPUTS && node_types[index].inputs[i].name != NULL; i++)
    {
      const InputSpec *spec = &node_types[index].inputs[i];
      JsonArray       *value = json_array_new ();
      g_autoptr (GPtrArray) options = NULL;

      switch (spec->kind)
        {
          case SPEC_LINK:
            json_array_add_string_element (value, spec->type);
            break;
          case SPEC_INT:
            json_array_add_string_element (value, "INT");
            break;
          case SPEC_FLOAT:
            json_array_add_string_element (value, "FLOAT");
            break;
          case SPEC_STRING:
            json_array_add_string_element (value, "STRING");
            break;
          case SPEC_NEW_COMBO:
            {
              JsonObject *extra = json_object_new ();

              options = spec_options (self, spec);
              json_array_add_string_element (value, "COMBO");
              json_object_set_member (extra, "options", options_node (options));
              json_array_add_object_element (value, extra);
            }
            break;
          case SPEC_COMBO:
          case SPEC_UPLOADS:
          default:
            options = spec_options (self, spec);
            json_array_add_element (value, options_node (options));
            break;
        }
      json_object_set_array_member (spec->optional ? optional : required, spec->name, value);
    }
  json_object_set_object_member (input, "required", required);
  json_object_set_object_member (input, "optional", optional);
  json_object_set_object_member (info, "input", input);
  json_object_set_string_member (info, "name", node_types[index].class_type);
  json_object_set_boolean_member (info, "output_node", node_types[index].output_node);
  return info;
}

/* ------------------------------------------------------------------------ */
/* Prompts                                                                   */

static void
unit_clear (Unit *unit)
{
  g_free (unit->node);
}

static void
prompt_free (Prompt *prompt)
{
  g_free (prompt->id);
  g_free (prompt->client_id);
  g_clear_pointer (&prompt->graph, json_object_unref);
  g_free (prompt->status);
  g_array_unref (prompt->units);
  g_free (prompt->current_node);
  g_clear_pointer (&prompt->messages, json_array_unref);
  g_clear_pointer (&prompt->outputs, json_object_unref);
  g_clear_pointer (&prompt->history, json_object_unref);
  g_free (prompt);
}

static Prompt *
find_prompt (ReelFakeComfyui *self, const char *id)
{
  for (guint i = 0; id != NULL && i < self->prompts->len; i++)
    {
      Prompt *prompt = self->prompts->pdata[i];

      if (g_str_equal (prompt->id, id))
        return prompt;
    }
  return NULL;
}

static void
set_status (Prompt *prompt, const char *status)
{
  g_free (prompt->status);
  prompt->status = g_strdup (status);
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  return (int) (g_ascii_strtoll (*(const char *const *) a, NULL, 10)
                - g_ascii_strtoll (*(const char *const *) b, NULL, 10));
}

static gint64
input_int (JsonObject *inputs, const char *name, gint64 fallback)
{
  JsonNode *node = json_object_get_member (inputs, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  return json_node_get_int (node);
}

/* Each node is a unit, and each sampler step another, in the order of the
 * node ids (the shipped workflows number their nodes in order). */
static void
plan_units (Prompt *prompt)
{
  g_autoptr (GList) members = json_object_get_members (prompt->graph);
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (ids, l->data);
  g_ptr_array_sort (ids, compare_ids);
  for (guint i = 0; i < ids->len; i++)
    {
      JsonObject *node = json_object_get_object_member (prompt->graph, ids->pdata[i]);
      JsonObject *inputs = json_object_get_object_member (node, "inputs");
      const char *class_type = json_object_get_string_member (node, "class_type");
      Unit        unit = { UNIT_NODE, g_strdup (ids->pdata[i]), 0, 0 };

      g_array_append_val (prompt->units, unit);
      if (is_sampler (class_type))
        {
          gint64 steps = input_int (inputs, "steps", 1);
          gint64 end = MIN (input_int (inputs, "end_at_step", steps), steps);
          gint64 run = end - input_int (inputs, "start_at_step", 0);

          for (gint64 step = 1; step <= run; step++)
            {
              Unit sampling = { UNIT_STEP, g_strdup (ids->pdata[i]), (guint) step, (guint) run };
              g_array_append_val (prompt->units, sampling);
            }
        }
    }
}

static void
add_log (ReelFakeComfyui *self, const char *line)
{
  g_ptr_array_add (self->log, g_strdup (line));
}

/* ------------------------------------------------------------------------ */
/* Sockets                                                                   */

static void socket_closed_cb (SoupWebsocketConnection *connection, ReelFakeComfyui *self);

static void
socket_free (Socket *socket)
{
  g_signal_handlers_disconnect_matched (socket->connection, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        socket_closed_cb, NULL);
  g_object_unref (socket->connection);
  g_free (socket->client_id);
  g_free (socket);
}

static void
socket_closed_cb (SoupWebsocketConnection *connection, ReelFakeComfyui *self)
{
  g_rec_mutex_lock (&self->lock);
  for (guint i = 0; i < self->sockets->len; i++)
    if (((Socket *) self->sockets->pdata[i])->connection == connection)
      {
        g_ptr_array_remove_index (self->sockets, i);
        break;
      }
  g_rec_mutex_unlock (&self->lock);
}

/* Sends {"type": @type, "data": @data} to @client_id's socket, or to every
 * socket when @client_id is NULL. Takes @data. */
static void
send_event (ReelFakeComfyui *self, const char *client_id, const char *type, JsonObject *data)
{
  g_autoptr (JsonObject) message = json_object_new ();
  g_autofree char *text = NULL;

  g_autoptr (GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);

  json_object_set_string_member (message, "type", type);
  json_object_set_object_member (message, "data", data);
  text = reel_fake_json (message);
  /* Sending to a socket its peer closed ends it there and then, and takes
   * it out of the list. */
  for (guint i = 0; i < self->sockets->len; i++)
    {
      Socket *socket = self->sockets->pdata[i];

      if (client_id == NULL || g_strcmp0 (socket->client_id, client_id) == 0)
        g_ptr_array_add (connections, g_object_ref (socket->connection));
    }
  for (guint i = 0; i < connections->len; i++)
    if (soup_websocket_connection_get_state (connections->pdata[i]) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_text (connections->pdata[i], text);
}

static JsonObject *
event_data (Prompt *prompt)
{
  JsonObject *data = json_object_new ();

  if (prompt != NULL)
    json_object_set_string_member (data, "prompt_id", prompt->id);
  json_object_set_int_member (data, "timestamp", g_get_real_time () / 1000);
  return data;
}

static guint
queue_remaining (ReelFakeComfyui *self)
{
  guint n = 0;

  for (guint i = 0; i < self->prompts->len; i++)
    {
      Prompt *prompt = self->prompts->pdata[i];

      n += g_strcmp0 (prompt->status, "pending") == 0 || g_strcmp0 (prompt->status, "running") == 0;
    }
  return n;
}

static void
send_status (ReelFakeComfyui *self, const char *sid)
{
  JsonObject *data = json_object_new ();
  JsonObject *status = json_object_new ();
  JsonObject *exec_info = json_object_new ();

  json_object_set_int_member (exec_info, "queue_remaining", queue_remaining (self));
  json_object_set_object_member (status, "exec_info", exec_info);
  json_object_set_object_member (data, "status", status);
  if (sid != NULL)
    json_object_set_string_member (data, "sid", sid);
  send_event (self, sid, "status", data);
}

static void
socket_cb (SoupServer              *server,
           SoupServerMessage       *message,
           const char              *path,
           SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  ReelFakeComfyui *self = user_data;
  GUri            *uri = soup_server_message_get_uri (message);
  g_autoptr (GHashTable) params
      = g_uri_get_query (uri) != NULL
            ? g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL)
            : NULL;
  const char      *client_id = params != NULL ? g_hash_table_lookup (params, "clientId") : NULL;
  g_autofree char *sid = client_id != NULL ? g_strdup (client_id) : g_uuid_string_random ();
  Socket          *socket;

  g_rec_mutex_lock (&self->lock);
  /* A new socket with the same client id replaces the old one. */
  {
    g_autoptr (GPtrArray) stale = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < self->sockets->len; i++)
      if (g_strcmp0 (((Socket *) self->sockets->pdata[i])->client_id, sid) == 0)
        g_ptr_array_add (stale, g_object_ref (((Socket *) self->sockets->pdata[i])->connection));
    for (guint i = 0; i < stale->len; i++)
      if (soup_websocket_connection_get_state (stale->pdata[i]) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (stale->pdata[i], SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  }

  socket = g_new0 (Socket, 1);
  socket->connection = g_object_ref (connection);
  socket->client_id = g_strdup (sid);
  g_signal_connect (connection, "closed", G_CALLBACK (socket_closed_cb), self);
  g_ptr_array_add (self->sockets, socket);
  g_ptr_array_add (self->socket_client_ids, g_strdup (sid));

  send_status (self, sid);
  /* What the client missed: the running node, with no prompt id. */
  if (self->running != NULL && g_strcmp0 (self->running->client_id, sid) == 0
      && self->running->current_node != NULL)
    {
      JsonObject *data = json_object_new ();

      json_object_set_string_member (data, "node", self->running->current_node);
      json_object_set_string_member (data, "display_node", self->running->current_node);
      send_event (self, sid, "executing", data);
    }
  g_rec_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------------ */
/* Running prompts                                                           */

static void
record_message (Prompt *prompt, const char *type, JsonObject *data)
{
  JsonArray *pair = json_array_new ();

  json_array_add_string_element (pair, type);
  json_array_add_object_element (pair, json_object_ref (data));
  json_array_add_array_element (prompt->messages, pair);
}

static const char *
class_of (Prompt *prompt, const char *node)
{
  JsonObject *object = node != NULL ? json_object_get_object_member (prompt->graph, node) : NULL;

  return object != NULL ? json_object_get_string_member (object, "class_type") : NULL;
}

/* The history entry, then "executing" with a null node, as ComfyUI's
 * prompt worker does once the prompt is done. */
static void
finish (ReelFakeComfyui *self, Prompt *prompt, const char *status)
{
  JsonObject *entry = json_object_new ();
  JsonObject *state = json_object_new ();
  JsonArray  *record = json_array_new ();
  JsonObject *extra = json_object_new ();
  JsonObject *data;

  set_status (prompt, status);
  prompt->finished = g_get_monotonic_time ();
  json_array_add_double_element (record, prompt->number);
  json_array_add_string_element (record, prompt->id);
  json_array_add_object_element (record, json_object_ref (prompt->graph));
  json_object_set_string_member (extra, "client_id", prompt->client_id);
  json_array_add_object_element (record, extra);
  json_array_add_array_element (record, json_array_new ());
  json_object_set_array_member (entry, "prompt", record);
  json_object_set_object_member (entry, "outputs",
                                 g_str_equal (status, "success") ? json_object_ref (prompt->outputs)
                                                                 : json_object_new ());
  json_object_set_string_member (state, "status_str",
                                 g_str_equal (status, "success") ? "success" : "error");
  json_object_set_boolean_member (state, "completed", g_str_equal (status, "success"));
  json_object_set_array_member (state, "messages", json_array_ref (prompt->messages));
  json_object_set_object_member (entry, "status", state);
  json_object_set_object_member (entry, "meta", json_object_new ());
  prompt->history = entry;
  if (self->running == prompt)
    self->running = NULL;

  data = event_data (prompt);
  json_object_set_null_member (data, "node");
  json_object_set_null_member (data, "display_node");
  send_event (self, prompt->client_id, "executing", data);
  send_status (self, NULL);
}

static void
fail (ReelFakeComfyui *self, Prompt *prompt, const char *node)
{
  JsonObject      *data = event_data (prompt);
  JsonArray       *traceback = json_array_new ();
  g_autofree char *line = g_strdup_printf ("%s: %s\n", self->fail_type, self->fail_message);

  add_log (self, "!!! Exception during processing !!! Allocation on device 0 would exceed "
                 "allowed memory. (out of memory)");
  add_log (self, "Traceback (most recent call last):");
  add_log (self, "  File \"/ComfyUI/execution.py\", line 496, in execute");
  add_log (self, "  File \"/ComfyUI/comfy/samplers.py\", line 1043, in sample");
  add_log (self, line);
  json_array_add_string_element (traceback, "  File \"/ComfyUI/execution.py\", line 496\n");
  json_array_add_string_element (traceback, line);
  json_object_set_string_member (data, "node_id", node);
  json_object_set_string_member (data, "node_type", class_of (prompt, node));
  json_object_set_array_member (data, "executed", json_array_new ());
  json_object_set_string_member (data, "exception_message", self->fail_message);
  json_object_set_string_member (data, "exception_type", self->fail_type);
  json_object_set_array_member (data, "traceback", traceback);
  json_object_set_object_member (data, "current_inputs", json_object_new ());
  json_object_set_object_member (data, "current_outputs", json_object_new ());
  record_message (prompt, "execution_error", data);
  send_event (self, prompt->client_id, "execution_error", data);
  finish (self, prompt, "error");
}

static void
interrupt_running (ReelFakeComfyui *self)
{
  Prompt     *prompt = self->running;
  JsonObject *data;

  if (prompt == NULL)
    return;
  data = event_data (prompt);
  json_object_set_string_member (data, "node_id", prompt->current_node);
  json_object_set_string_member (data, "node_type", class_of (prompt, prompt->current_node));
  json_object_set_array_member (data, "executed", json_array_new ());
  record_message (prompt, "execution_interrupted", data);
  add_log (self, "Processing interrupted");
  /* Broadcast, as ComfyUI does. */
  send_event (self, NULL, "execution_interrupted", data);
  finish (self, prompt, "interrupted");
}

static void
run_node (ReelFakeComfyui *self, Prompt *prompt, const Unit *unit)
{
  JsonObject *data = event_data (prompt);
  const char *class_type = class_of (prompt, unit->node);

  g_free (prompt->current_node);
  prompt->current_node = g_strdup (unit->node);
  json_object_set_string_member (data, "node", unit->node);
  json_object_set_string_member (data, "display_node", unit->node);
  send_event (self, prompt->client_id, "executing", data);

  if (g_strcmp0 (class_type, "SaveVideo") == 0)
    {
      JsonObject *output = json_object_new ();
      JsonArray  *images = json_array_new ();
      JsonObject *file = json_object_new ();
      JsonArray  *animated = json_array_new ();
      JsonObject *executed = event_data (prompt);

      json_object_set_string_member (file, "filename", self->output_name);
      json_object_set_string_member (file, "subfolder", self->output_subfolder);
      json_object_set_string_member (file, "type", "output");
      json_array_add_object_element (images, file);
      json_array_add_boolean_element (animated, TRUE);
      json_object_set_array_member (output, "images", images);
      json_object_set_array_member (output, "animated", animated);
      json_object_set_object_member (prompt->outputs, unit->node, json_object_ref (output));
      json_object_set_string_member (executed, "node", unit->node);
      json_object_set_string_member (executed, "display_node", unit->node);
      json_object_set_object_member (executed, "output", output);
      send_event (self, prompt->client_id, "executed", executed);
    }
}

static void
run_step (ReelFakeComfyui *self, Prompt *prompt, const Unit *unit)
{
  JsonObject *progress = event_data (prompt);
  JsonObject *state = event_data (prompt);
  JsonObject *nodes = json_object_new ();
  JsonObject *node = json_object_new ();

  json_object_set_int_member (progress, "value", unit->step);
  json_object_set_int_member (progress, "max", unit->max);
  json_object_set_string_member (progress, "node", unit->node);
  send_event (self, prompt->client_id, "progress", progress);

  json_object_set_int_member (node, "value", unit->step);
  json_object_set_int_member (node, "max", unit->max);
  json_object_set_string_member (node, "state", "running");
  json_object_set_string_member (node, "node_id", unit->node);
  json_object_set_string_member (node, "prompt_id", prompt->id);
  json_object_set_object_member (nodes, unit->node, node);
  json_object_set_object_member (state, "nodes", nodes);
  send_event (self, prompt->client_id, "progress_state", state);
}

static Prompt *
next_pending (ReelFakeComfyui *self)
{
  Prompt *next = NULL;

  for (guint i = 0; i < self->prompts->len; i++)
    {
      Prompt *prompt = self->prompts->pdata[i];

      if (g_strcmp0 (prompt->status, "pending") == 0
          && (next == NULL || prompt->number < next->number))
        next = prompt;
    }
  return next;
}

static gboolean
tick_cb (gpointer data)
{
  ReelFakeComfyui *self = data;
  Prompt          *prompt;

  g_rec_mutex_lock (&self->lock);
  if (self->running == NULL)
    {
      if ((prompt = next_pending (self)) != NULL)
        {
          JsonObject *start = event_data (prompt);

          self->running = prompt;
          prompt->started = g_get_monotonic_time ();
          set_status (prompt, "running");
          add_log (self, "got prompt");
          record_message (prompt, "execution_start", start);
          send_event (self, prompt->client_id, "execution_start", start);
        }
    }
  else if ((prompt = self->running)->done < self->hold)
    {
      if (prompt->done < prompt->units->len)
        {
          const Unit *unit = &g_array_index (prompt->units, Unit, prompt->done);

          prompt->done++;
          if (unit->kind == UNIT_NODE)
            run_node (self, prompt, unit);
          else if (self->fail_class != NULL && unit->step == 1
                   && g_strcmp0 (class_of (prompt, unit->node), self->fail_class) == 0)
            fail (self, prompt, unit->node);
          else
            run_step (self, prompt, unit);
        }
      else
        {
          JsonObject *success = event_data (prompt);

          record_message (prompt, "execution_success", success);
          send_event (self, prompt->client_id, "execution_success", success);
          add_log (self, "Prompt executed in 0.05 seconds");
          finish (self, prompt, "success");
        }
    }
  g_rec_mutex_unlock (&self->lock);
  return G_SOURCE_CONTINUE;
}

static void
restart_ticker (ReelFakeComfyui *self)
{
  if (self->ticker != NULL)
    {
      g_source_destroy (self->ticker);
      g_source_unref (self->ticker);
    }
  self->ticker = g_timeout_source_new (self->tick_ms);
  g_source_set_callback (self->ticker, tick_cb, self, NULL);
  g_source_attach (self->ticker, reel_fake_server_get_context (self->server));
}

/* ------------------------------------------------------------------------ */
/* Running things in the server's thread                                    */

typedef struct
{
  ReelFakeComfyui *self;
  void (*func) (ReelFakeComfyui *self);
  GMutex   lock;
  GCond    cond;
  gboolean done;
} Invocation;

static gboolean
invocation_cb (gpointer data)
{
  Invocation *invocation = data;

  g_rec_mutex_lock (&invocation->self->lock);
  invocation->func (invocation->self);
  g_rec_mutex_unlock (&invocation->self->lock);
  g_mutex_lock (&invocation->lock);
  invocation->done = TRUE;
  g_cond_signal (&invocation->cond);
  g_mutex_unlock (&invocation->lock);
  return G_SOURCE_REMOVE;
}

static void
run_in_server (ReelFakeComfyui *self, void (*func) (ReelFakeComfyui *self))
{
  Invocation invocation = { self, func };

  g_mutex_init (&invocation.lock);
  g_cond_init (&invocation.cond);
  g_main_context_invoke (reel_fake_server_get_context (self->server), invocation_cb, &invocation);
  g_mutex_lock (&invocation.lock);
  while (!invocation.done)
    g_cond_wait (&invocation.cond, &invocation.lock);
  g_mutex_unlock (&invocation.lock);
  g_mutex_clear (&invocation.lock);
  g_cond_clear (&invocation.cond);
}

static void
close_all_sockets (ReelFakeComfyui *self)
{
  g_autoptr (GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->sockets->len; i++)
    g_ptr_array_add (connections, g_object_ref (((Socket *) self->sockets->pdata[i])->connection));
  for (guint i = 0; i < connections->len; i++)
    if (soup_websocket_connection_get_state (connections->pdata[i]) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (connections->pdata[i], SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                       NULL);
}

static void
forget_everything (ReelFakeComfyui *self)
{
  close_all_sockets (self);
  g_ptr_array_set_size (self->sockets, 0);
  self->running = NULL;
  g_ptr_array_set_size (self->prompts, 0);
  g_ptr_array_set_size (self->log, 0);
  add_log (self, "Starting server");
  add_log (self, "To see the GUI go to: http://127.0.0.1:8188");
}

static void
shut_down (ReelFakeComfyui *self)
{
  if (self->ticker != NULL)
    {
      g_source_destroy (self->ticker);
      g_clear_pointer (&self->ticker, g_source_unref);
    }
  close_all_sockets (self);
  g_ptr_array_set_size (self->sockets, 0);
}

/* ------------------------------------------------------------------------ */
/* Routes                                                                    */

static void
reply_object (ReelFakeComfyui   *self,
              SoupServerMessage *message,
              ReelFakeFault      fault,
              guint              status,
              JsonObject        *object)
{
  g_autofree char *text = reel_fake_json (object);

  reel_fake_reply (self->server, message, fault, -1, status, text);
  json_object_unref (object);
}

static void
handle_system_stats (ReelFakeComfyui *self, SoupServerMessage *message)
{
  JsonObject *stats = json_object_new ();
  JsonObject *system = json_object_new ();
  JsonArray  *devices = json_array_new ();
  JsonObject *device = json_object_new ();

  json_object_set_string_member (system, "os", "posix");
  json_object_set_int_member (system, "ram_total", G_GINT64_CONSTANT (67108864000));
  json_object_set_string_member (system, "comfyui_version", "0.3.64");
  json_object_set_string_member (system, "python_version", "3.12.3");
  json_object_set_string_member (system, "pytorch_version", "2.8.0+cu128");
  json_object_set_boolean_member (system, "embedded_python", FALSE);
  if (self->cpu_only)
    {
      json_object_set_string_member (device, "name", "cpu");
      json_object_set_string_member (device, "type", "cpu");
      json_object_set_null_member (device, "index");
      json_object_set_int_member (device, "vram_total", 0);
    }
  else
    {
      json_object_set_string_member (device, "name",
                                     "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync");
      json_object_set_string_member (device, "type", "cuda");
      json_object_set_int_member (device, "index", 0);
      json_object_set_int_member (device, "vram_total", G_GINT64_CONSTANT (25393692672));
      json_object_set_int_member (device, "vram_free", G_GINT64_CONSTANT (24000000000));
    }
  json_array_add_object_element (devices, device);
  json_object_set_object_member (stats, "system", system);
  json_object_set_array_member (stats, "devices", devices);
  reply_object (self, message, REEL_FAKE_FAULT_NONE, 200, stats);
}

static void
handle_object_info (ReelFakeComfyui *self, SoupServerMessage *message, const char *class_type)
{
  JsonObject *answer = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (node_types); i++)
    if ((class_type == NULL || g_str_equal (class_type, node_types[i].class_type))
        && find_type (self, node_types[i].class_type) >= 0)
      json_object_set_object_member (answer, node_types[i].class_type, describe_type (self, i));
  reply_object (self, message, REEL_FAKE_FAULT_NONE, 200, answer);
}

static void
handle_upload (ReelFakeComfyui *self, SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr (GBytes) body
      = soup_message_body_flatten (soup_server_message_get_request_body (message));
  SoupMultipart *multipart = soup_multipart_new_from_message (headers, body);
  JsonObject    *answer;
  gboolean       found = FALSE;

  for (int i = 0; multipart != NULL && i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes             *part_body;
      g_autoptr (GHashTable) params = NULL;
      g_autofree char *disposition = NULL;
      const char      *name, *filename;

      if (!soup_multipart_get_part (multipart, i, &part_headers, &part_body)
          || !soup_message_headers_get_content_disposition (part_headers, &disposition, &params))
        continue;
      name = g_hash_table_lookup (params, "name");
      filename = g_hash_table_lookup (params, "filename");
      if (g_strcmp0 (name, "image") != 0 || filename == NULL)
        continue;
      g_clear_pointer (&self->last_upload, g_bytes_unref);
      self->last_upload = g_bytes_ref (part_body);
      g_free (self->last_upload_name);
      self->last_upload_name = g_strdup (filename);
      g_hash_table_add (self->uploads, g_strdup (filename));
      found = TRUE;
    }
  g_clear_pointer (&multipart, soup_multipart_free);

  if (!found)
    {
      reel_fake_server_reply_json (message, 400, "{\"error\": \"no image\"}");
      return;
    }
  answer = json_object_new ();
  json_object_set_string_member (answer, "name", self->last_upload_name);
  json_object_set_string_member (answer, "subfolder", "");
  json_object_set_string_member (answer, "type", "input");
  reply_object (self, message, REEL_FAKE_FAULT_NONE, 200, answer);
}

static gboolean
is_uuid (const char *text)
{
  static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

  if (text == NULL || strlen (text) != strlen (pattern))
    return FALSE;
  for (guint i = 0; pattern[i] != '\0'; i++)
    if (pattern[i] == '-' ? text[i] != '-'
                          : !(g_ascii_isdigit (text[i]) || (text[i] >= 'a' && text[i] <= 'f')))
      return FALSE;
  return TRUE;
}

static void
add_node_error (JsonObject *node_errors,
                const char *node_id,
                const char *class_type,
                const char *type,
                const char *message,
                const char *details)
{
  JsonObject *node = reel_fake_json_object (node_errors, node_id);
  JsonObject *error = json_object_new ();

  if (node == NULL)
    {
      node = json_object_new ();
      json_object_set_array_member (node, "errors", json_array_new ());
      json_object_set_array_member (node, "dependent_outputs", json_array_new ());
      json_object_set_string_member (node, "class_type", class_type);
      json_object_set_object_member (node_errors, node_id, node);
    }
  json_object_set_string_member (error, "type", type);
  json_object_set_string_member (error, "message", message);
  json_object_set_string_member (error, "details", details);
  json_object_set_object_member (error, "extra_info", json_object_new ());
  json_array_add_object_element (json_object_get_array_member (node, "errors"), error);
}

/* Checks one node as ComfyUI's validate_inputs() does. */
static void
validate_node (
    ReelFakeComfyui *self, const char *node_id, JsonObject *node, int type, JsonObject *node_errors)
{
  const char *class_type = json_object_get_string_member (node, "class_type");
  JsonObject *inputs = json_object_get_object_member (node, "inputs");

  for (guint i = 0; i < MAX_INPUTS && node_types[type].inputs[i].name != NULL; i++)
    {
      const InputSpec *spec = &node_types[type].inputs[i];
      JsonNode        *value = inputs != NULL ? json_object_get_member (inputs, spec->name) : NULL;
      gboolean         is_string = value != NULL && JSON_NODE_HOLDS_VALUE (value)
                           && json_node_get_value_type (value) == G_TYPE_STRING;
      g_autoptr (GPtrArray) options = NULL;

      if (value == NULL)
        {
          if (!spec->optional)
            add_node_error (node_errors, node_id, class_type, "required_input_missing",
                            "Required input is missing", spec->name);
          continue;
        }
      if (JSON_NODE_HOLDS_ARRAY (value))
        continue;
      if ((spec->kind == SPEC_INT || spec->kind == SPEC_FLOAT) && is_string)
        {
          g_autofree char *details
              = g_strdup_printf ("%s, %s", spec->name, json_node_get_string (value));
          add_node_error (node_errors, node_id, class_type, "invalid_input_type",
                          spec->kind == SPEC_INT
                              ? "Failed to convert an input value to a INT value"
                              : "Failed to convert an input value to a FLOAT value",
                          details);
          continue;
        }
      if (spec->kind != SPEC_COMBO && spec->kind != SPEC_NEW_COMBO && spec->kind != SPEC_UPLOADS)
        continue;
      options = spec_options (self, spec);
      if (!is_string
          || !g_ptr_array_find_with_equal_func (options, json_node_get_string (value), g_str_equal,
                                                NULL))
        {
          g_autofree char *details = g_strdup_printf (
              "%s: '%s' not in list", spec->name, is_string ? json_node_get_string (value) : "?");
          add_node_error (node_errors, node_id, class_type, "value_not_in_list",
                          "Value not in list", details);
        }
    }
}

static void
refuse_prompt (ReelFakeComfyui   *self,
               SoupServerMessage *message,
               const char        *type,
               const char        *text,
               JsonObject        *node_errors)
{
  JsonObject *answer = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (error, "type", type);
  json_object_set_string_member (error, "message", text);
  json_object_set_string_member (error, "details", "");
  json_object_set_object_member (error, "extra_info", json_object_new ());
  json_object_set_object_member (answer, "error", error);
  json_object_set_object_member (answer, "node_errors",
                                 node_errors != NULL ? json_object_ref (node_errors)
                                                     : json_object_new ());
  reply_object (self, message, REEL_FAKE_FAULT_NONE, 400, answer);
}

static void
handle_prompt (ReelFakeComfyui *self, SoupServerMessage *message, ReelFakeFault fault)
{
  g_autoptr (JsonObject) body = reel_fake_parse_body (message);
  g_autoptr (JsonObject) node_errors = json_object_new ();
  JsonObject      *graph = reel_fake_json_object (body, "prompt");
  const char      *client_id = reel_fake_json_string (body, "client_id");
  const char      *requested_id = reel_fake_json_string (body, "prompt_id");
  g_autofree char *prompt_id = NULL;
  g_autoptr (GList) ids = NULL;
  gboolean    has_output = FALSE;
  Prompt     *prompt;
  JsonObject *answer;

  if (self->queue_full)
    {
      g_autofree char *retry = g_strdup_printf ("%d", QUEUE_FULL_RETRY_S);

      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    "Retry-After", retry);
      reel_fake_server_reply_json (message, 429, "{\"error\": \"queue is full\"}");
      return;
    }
  if (graph == NULL)
    {
      refuse_prompt (self, message, "no_prompt", "No prompt provided", NULL);
      return;
    }
  if (requested_id != NULL && !is_uuid (requested_id))
    {
      refuse_prompt (self, message, "invalid_prompt", "prompt_id must be a lowercase UUID", NULL);
      return;
    }

  ids = json_object_get_members (graph);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonNode   *member = json_object_get_member (graph, l->data);
      JsonObject *node = JSON_NODE_HOLDS_OBJECT (member) ? json_node_get_object (member) : NULL;
      const char *class_type = reel_fake_json_string (node, "class_type");
      int         type = find_type (self, class_type);

      if (type < 0)
        {
          g_autofree char *text = g_strdup_printf ("Cannot execute because node %s does not exist.",
                                                   class_type != NULL ? class_type : "?");
          refuse_prompt (self, message, "invalid_prompt", text, NULL);
          return;
        }
      has_output = has_output || node_types[type].output_node;
      validate_node (self, l->data, node, type, node_errors);
    }
  if (self->error_node != NULL)
    {
      JsonObject *node = reel_fake_json_object (graph, self->error_node);

      add_node_error (node_errors, self->error_node, reel_fake_json_string (node, "class_type"),
                      self->error_type, self->error_message, self->error_details);
    }
  if (!has_output)
    {
      refuse_prompt (self, message, "prompt_no_outputs", "Prompt has no outputs", NULL);
      return;
    }
  if (json_object_get_size (node_errors) > 0)
    {
      refuse_prompt (self, message, "prompt_outputs_failed_validation",
                     "Prompt outputs failed validation", node_errors);
      return;
    }

  prompt_id = requested_id != NULL ? g_strdup (requested_id) : g_uuid_string_random ();
  prompt = g_new0 (Prompt, 1);
  prompt->id = g_strdup (prompt_id);
  prompt->client_id = g_strdup (client_id);
  prompt->number = self->next_number++;
  prompt->graph = json_object_ref (graph);
  prompt->status = g_strdup ("pending");
  prompt->units = g_array_new (FALSE, FALSE, sizeof (Unit));
  g_array_set_clear_func (prompt->units, (GDestroyNotify) unit_clear);
  prompt->messages = json_array_new ();
  prompt->outputs = json_object_new ();
  plan_units (prompt);
  g_ptr_array_add (self->prompts, prompt);
  self->accepted++;
  self->peak_held = MAX (self->peak_held, queue_remaining (self));
  send_status (self, NULL);

  answer = json_object_new ();
  json_object_set_string_member (answer, "prompt_id", prompt_id);
  json_object_set_double_member (answer, "number", prompt->number);
  json_object_set_object_member (answer, "node_errors", json_object_new ());
  reply_object (self, message, fault, 200, answer);
}

static void
handle_history (ReelFakeComfyui   *self,
                SoupServerMessage *message,
                const char        *id,
                ReelFakeFault      fault)
{
  JsonObject *answer = json_object_new ();
  Prompt     *prompt = find_prompt (self, id);

  if (prompt != NULL && prompt->history != NULL)
    json_object_set_object_member (answer, prompt->id, json_object_ref (prompt->history));
  reply_object (self, message, fault, 200, answer);
}

static JsonArray *
queue_entry (Prompt *prompt)
{
  JsonArray  *entry = json_array_new ();
  JsonObject *extra = json_object_new ();

  json_array_add_double_element (entry, prompt->number);
  json_array_add_string_element (entry, prompt->id);
  json_array_add_object_element (entry, json_object_ref (prompt->graph));
  json_object_set_string_member (extra, "client_id", prompt->client_id);
  json_array_add_object_element (entry, extra);
  json_array_add_array_element (entry, json_array_new ());
  return entry;
}

static void
handle_queue (ReelFakeComfyui *self, SoupServerMessage *message, ReelFakeFault fault)
{
  JsonObject *answer = json_object_new ();
  JsonArray  *running = json_array_new ();
  JsonArray  *pending = json_array_new ();

  /* ComfyUI lists its pending prompts in heap order, not queue order. */
  for (guint i = self->prompts->len; i > 0; i--)
    {
      Prompt *prompt = self->prompts->pdata[i - 1];

      if (g_strcmp0 (prompt->status, "running") == 0)
        json_array_add_array_element (running, queue_entry (prompt));
      else if (g_strcmp0 (prompt->status, "pending") == 0)
        json_array_add_array_element (pending, queue_entry (prompt));
    }
  json_object_set_array_member (answer, "queue_running", running);
  json_object_set_array_member (answer, "queue_pending", pending);
  reply_object (self, message, fault, 200, answer);
}

static void
handle_queue_change (ReelFakeComfyui *self, SoupServerMessage *message)
{
  g_autoptr (JsonObject) body = reel_fake_parse_body (message);
  JsonNode *delete = body != NULL ? json_object_get_member (body, "delete") : NULL;

  if (delete != NULL && JSON_NODE_HOLDS_ARRAY (delete))
    {
      JsonArray *ids = json_node_get_array (delete);

      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          Prompt *prompt = find_prompt (self, json_array_get_string_element (ids, i));

          /* Only pending prompts leave the queue this way. */
          if (prompt != NULL && g_strcmp0 (prompt->status, "pending") == 0)
            set_status (prompt, "deleted");
        }
    }
  if (reel_fake_json_boolean (body, "clear", FALSE))
    for (guint i = 0; i < self->prompts->len; i++)
      if (g_strcmp0 (((Prompt *) self->prompts->pdata[i])->status, "pending") == 0)
        set_status (self->prompts->pdata[i], "deleted");
  send_status (self, NULL);
  reel_fake_server_reply_json (message, 200, "{}");
}

static void
handle_interrupt (ReelFakeComfyui *self, SoupServerMessage *message)
{
  g_autoptr (JsonObject) body = reel_fake_parse_body (message);
  const char *prompt_id = reel_fake_json_string (body, "prompt_id");

  /* With an id, only that prompt, and only while it runs. */
  if (self->running != NULL && (prompt_id == NULL || g_str_equal (prompt_id, self->running->id)))
    interrupt_running (self);
  reel_fake_server_reply_json (message, 200, "{}");
}

static void
handle_jobs_cancel (ReelFakeComfyui *self, SoupServerMessage *message, const char *id)
{
  Prompt *prompt = find_prompt (self, id);

  if (!self->jobs_api)
    {
      reel_fake_server_reply_json (message, 404, "{\"error\": \"Not Found\"}");
      return;
    }
  if (prompt != NULL && prompt == self->running)
    interrupt_running (self);
  else if (prompt != NULL && g_strcmp0 (prompt->status, "pending") == 0)
    set_status (prompt, "deleted");
  reel_fake_server_reply_json (message, 200, "{\"status\": \"cancelled\"}");
}

static void
handle_logs (ReelFakeComfyui *self, SoupServerMessage *message)
{
  JsonObject *answer = json_object_new ();
  JsonArray  *entries = json_array_new ();

  for (guint i = 0; i < self->log->len; i++)
    {
      JsonObject      *entry = json_object_new ();
      g_autofree char *line = g_strdup_printf ("%s\n", (char *) self->log->pdata[i]);

      json_object_set_string_member (entry, "t", "2026-12-01 10:00:00.000");
      json_object_set_string_member (entry, "m", line);
      json_array_add_object_element (entries, entry);
    }
  json_object_set_array_member (answer, "entries", entries);
  reply_object (self, message, REEL_FAKE_FAULT_NONE, 200, answer);
}

static void
handle_view (ReelFakeComfyui *self, SoupServerMessage *message, ReelFakeFault fault)
{
  GUri *uri = soup_server_message_get_uri (message);
  g_autoptr (GHashTable) params
      = g_uri_get_query (uri) != NULL
            ? g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL)
            : NULL;
  const char *filename = params != NULL ? g_hash_table_lookup (params, "filename") : NULL;
  const char *subfolder = params != NULL ? g_hash_table_lookup (params, "subfolder") : NULL;

  for (guint i = 0; i < self->prompts->len; i++)
    {
      Prompt *prompt = self->prompts->pdata[i];

      if (g_strcmp0 (prompt->status, "success") == 0 && g_strcmp0 (filename, self->output_name) == 0
          && g_strcmp0 (subfolder, self->output_subfolder) == 0)
        {
          reel_fake_serve_bytes (self->server, message, fault, self->video, "video/mp4");
          return;
        }
    }
  reel_fake_server_reply_json (message, 404, "{\"error\": \"not found\"}");
}

static void
handler (ReelFakeServer *server, SoupServerMessage *message, const char *path, gpointer user_data)
{
  ReelFakeComfyui *self = user_data;
  const char      *method = soup_server_message_get_method (message);
  ReelFakeFault    fault = REEL_FAKE_FAULT_NONE;
  int              kind = -1;

  if (g_str_equal (path, "/prompt") && g_str_equal (method, "POST"))
    kind = REEL_FAKE_COMFYUI_PROMPT;
  else if (g_str_has_prefix (path, "/history/"))
    kind = REEL_FAKE_COMFYUI_HISTORY;
  else if (g_str_equal (path, "/queue") && g_str_equal (method, "GET"))
    kind = REEL_FAKE_COMFYUI_QUEUE;
  else if (g_str_equal (path, "/view"))
    kind = REEL_FAKE_COMFYUI_VIEW;
  if (kind >= 0)
    {
      fault = reel_fake_faults_take (self->faults, kind);
      if (reel_fake_fault_refuses (fault))
        {
          reel_fake_reply (server, message, fault, -1, 0, NULL);
          return;
        }
    }

  g_rec_mutex_lock (&self->lock);
  if (g_str_equal (path, "/ws"))
    {
      /* No status: the upgrade goes ahead. */
      if (self->refuse_sockets)
        reel_fake_server_reply_json (message, 503, "{\"error\": \"unavailable\"}");
    }
  else if (g_str_equal (path, "/system_stats"))
    handle_system_stats (self, message);
  else if (g_str_has_prefix (path, "/object_info/"))
    handle_object_info (self, message, path + strlen ("/object_info/"));
  else if (g_str_equal (path, "/object_info"))
    handle_object_info (self, message, NULL);
  else if (g_str_equal (path, "/upload/image") && g_str_equal (method, "POST"))
    handle_upload (self, message);
  else if (kind == REEL_FAKE_COMFYUI_PROMPT)
    handle_prompt (self, message, fault);
  else if (kind == REEL_FAKE_COMFYUI_HISTORY)
    handle_history (self, message, path + strlen ("/history/"), fault);
  else if (kind == REEL_FAKE_COMFYUI_QUEUE)
    handle_queue (self, message, fault);
  else if (g_str_equal (path, "/queue") && g_str_equal (method, "POST"))
    handle_queue_change (self, message);
  else if (g_str_equal (path, "/interrupt") && g_str_equal (method, "POST"))
    handle_interrupt (self, message);
  else if (g_str_has_prefix (path, "/api/jobs/") && g_str_has_suffix (path, "/cancel"))
    {
      g_autofree char *id = g_strndup (path + strlen ("/api/jobs/"),
                                       strlen (path) - strlen ("/api/jobs/") - strlen ("/cancel"));
      handle_jobs_cancel (self, message, id);
    }
  else if (g_str_equal (path, "/internal/logs/raw"))
    handle_logs (self, message);
  else if (kind == REEL_FAKE_COMFYUI_VIEW)
    handle_view (self, message, fault);
  else
    reel_fake_server_reply_json (message, 404, "{\"error\": \"Not Found\"}");
  g_rec_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------------ */
/* Life                                                                      */

ReelFakeComfyui *
reel_fake_comfyui_new (GBytes *video)
{
  ReelFakeComfyui *self = g_new0 (ReelFakeComfyui, 1);

  g_rec_mutex_init (&self->lock);
  self->video = g_bytes_ref (video);
  self->faults = reel_fake_faults_new (REEL_FAKE_COMFYUI_N_REQUESTS);
  self->prompts = g_ptr_array_new_with_free_func ((GDestroyNotify) prompt_free);
  self->sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) socket_free);
  self->removed_models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->removed_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->socket_client_ids = g_ptr_array_new_with_free_func (g_free);
  self->output_name = g_strdup (DEFAULT_OUTPUT);
  self->output_subfolder = g_strdup (DEFAULT_SUBFOLDER);
  self->tick_ms = 2;
  self->hold = REEL_FAKE_COMFYUI_NO_HOLD;
  self->next_number = 1;
  add_log (self, "Starting server");

  self->server = reel_fake_server_new (handler, self);
  reel_fake_server_add_websocket (self->server, "/ws", socket_cb, self);
  run_in_server (self, restart_ticker);
  return self;
}

void
reel_fake_comfyui_free (ReelFakeComfyui *self)
{
  if (self == NULL)
    return;
  run_in_server (self, shut_down);
  reel_fake_server_free (self->server);
  g_ptr_array_unref (self->prompts);
  g_ptr_array_unref (self->sockets);
  g_hash_table_unref (self->removed_models);
  g_hash_table_unref (self->removed_types);
  g_hash_table_unref (self->uploads);
  g_ptr_array_unref (self->log);
  g_ptr_array_unref (self->socket_client_ids);
  reel_fake_faults_free (self->faults);
  g_bytes_unref (self->video);
  g_clear_pointer (&self->last_upload, g_bytes_unref);
  g_free (self->last_upload_name);
  g_free (self->error_node);
  g_free (self->error_type);
  g_free (self->error_message);
  g_free (self->error_details);
  g_free (self->fail_class);
  g_free (self->fail_type);
  g_free (self->fail_message);
  g_free (self->output_name);
  g_free (self->output_subfolder);
  g_rec_mutex_clear (&self->lock);
  g_free (self);
}

const char *
reel_fake_comfyui_get_url (ReelFakeComfyui *self)
{
  return reel_fake_server_get_url (self->server);
}

ReelFakeServer *
reel_fake_comfyui_get_server (ReelFakeComfyui *self)
{
  return self->server;
}

/* ------------------------------------------------------------------------ */
/* Switches                                                                  */

void
reel_fake_comfyui_add_fault (ReelFakeComfyui       *self,
                             ReelFakeComfyuiRequest kind,
                             ReelFakeFault          fault,
                             guint                  count)
{
  reel_fake_faults_add (self->faults, kind, fault, count);
}

void
reel_fake_comfyui_set_tick (ReelFakeComfyui *self, guint milliseconds)
{
  g_rec_mutex_lock (&self->lock);
  self->tick_ms = MAX (milliseconds, 1);
  g_rec_mutex_unlock (&self->lock);
  run_in_server (self, restart_ticker);
}

void
reel_fake_comfyui_set_hold (ReelFakeComfyui *self, guint units)
{
  g_rec_mutex_lock (&self->lock);
  self->hold = units;
  g_rec_mutex_unlock (&self->lock);
}

gboolean
reel_fake_comfyui_is_holding (ReelFakeComfyui *self)
{
  gboolean holding;

  g_rec_mutex_lock (&self->lock);
  holding = self->running != NULL && self->running->done >= self->hold;
  g_rec_mutex_unlock (&self->lock);
  return holding;
}

void
reel_fake_comfyui_remove_model (ReelFakeComfyui *self, const char *filename)
{
  g_rec_mutex_lock (&self->lock);
  g_hash_table_add (self->removed_models, g_strdup (filename));
  g_rec_mutex_unlock (&self->lock);
}

void
reel_fake_comfyui_remove_node_type (ReelFakeComfyui *self, const char *class_type)
{
  g_rec_mutex_lock (&self->lock);
  g_hash_table_add (self->removed_types, g_strdup (class_type));
  g_rec_mutex_unlock (&self->lock);
}

void
reel_fake_comfyui_set_cpu_only (ReelFakeComfyui *self, gboolean cpu_only)
{
  g_rec_mutex_lock (&self->lock);
  self->cpu_only = cpu_only;
  g_rec_mutex_unlock (&self->lock);
}

void
reel_fake_comfyui_set_node_error (ReelFakeComfyui *self,
                                  const char      *node_id,
                                  const char      *type,
                                  const char      *message,
                                  const char      *details)
{
  g_rec_mutex_lock (&self->lock);
  g_free (self->error_node);
  g_free (self->error_type);
  g_free (self->error_message);
  g_free (self->error_details);
  self->error_node = g_strdup (node_id);
  self->error_type = g_strdup (type);
  self->error_message = g_strdup (message);
  self->error_details = g_strdup (details);
  g_rec_mutex_unlock (&self->lock);
}

void
reel_fake_comfyui_set_queue_full (ReelFakeComfyui *self, gboolean full)
{
  g_rec_mutex_lock (&self->lock);
  self->queue_full = full;
  g_rec_mutex_unlock (&self->lock);
}

void
reel_fake_comfyui_set_execution_error (ReelFakeComfyui *self,
                                       const char      *class_type,
                                       const char      *exception_type,
                                       const char      *message)
{
  g_rec_mutex_lock (&self->lock);
  g_free (self->fail_class);
  g_free (self->fail_type);
  g_free (self->fail_message);
  self->fail_class = g_strdup (class_type);
  self->fail_type = g_strdup (exception_type);
  self->fail_message = g_strdup (message);
  g_rec_mutex_unlock (&self->lock);
}

void
reel_fake_comfyui_set_output (ReelFakeComfyui *self, const char *filename, const char *subfolder)
{
  g_rec_mutex_lock (&self->lock);
  g_free (self->output_name);
  g_free (self->output_subfolder);
  self->output_name = g_strdup (filename);
  self->output_subfolder = g_strdup (subfolder);
  g_rec_mutex_unlock (&self->lock);
}

void
reel_fake_comfyui_set_refuse_sockets (ReelFakeComfyui *self, gboolean refuse)
{
  g_rec_mutex_lock (&self->lock);
  self->refuse_sockets = refuse;
  g_rec_mutex_unlock (&self->lock);
}

void
reel_fake_comfyui_set_jobs_api (ReelFakeComfyui *self, gboolean offered)
{
  g_rec_mutex_lock (&self->lock);
  self->jobs_api = offered;
  g_rec_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------------ */
/* Events                                                                    */

void
reel_fake_comfyui_interrupt (ReelFakeComfyui *self)
{
  run_in_server (self, interrupt_running);
}

void
reel_fake_comfyui_drop_sockets (ReelFakeComfyui *self)
{
  run_in_server (self, close_all_sockets);
}

void
reel_fake_comfyui_restart (ReelFakeComfyui *self)
{
  run_in_server (self, forget_everything);
}

/* ------------------------------------------------------------------------ */
/* Counters and state                                                        */

guint
reel_fake_comfyui_count_prompts (ReelFakeComfyui *self)
{
  guint n;

  g_rec_mutex_lock (&self->lock);
  n = self->accepted;
  g_rec_mutex_unlock (&self->lock);
  return n;
}

guint
reel_fake_comfyui_count_sockets (ReelFakeComfyui *self)
{
  guint n;

  g_rec_mutex_lock (&self->lock);
  n = self->socket_client_ids->len;
  g_rec_mutex_unlock (&self->lock);
  return n;
}

guint
reel_fake_comfyui_count_open_sockets (ReelFakeComfyui *self)
{
  guint n;

  g_rec_mutex_lock (&self->lock);
  n = self->sockets->len;
  g_rec_mutex_unlock (&self->lock);
  return n;
}

GStrv
reel_fake_comfyui_dup_socket_client_ids (ReelFakeComfyui *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_rec_mutex_lock (&self->lock);
  for (guint i = 0; i < self->socket_client_ids->len; i++)
    g_strv_builder_add (builder, self->socket_client_ids->pdata[i]);
  g_rec_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}

char *
reel_fake_comfyui_dup_prompt_status (ReelFakeComfyui *self, const char *prompt_id)
{
  Prompt *prompt;
  char   *status;

  g_rec_mutex_lock (&self->lock);
  prompt = find_prompt (self, prompt_id);
  status = prompt != NULL ? g_strdup (prompt->status) : NULL;
  g_rec_mutex_unlock (&self->lock);
  return status;
}

GStrv
reel_fake_comfyui_dup_queue (ReelFakeComfyui *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_rec_mutex_lock (&self->lock);
  if (self->running != NULL)
    g_strv_builder_add (builder, self->running->id);
  for (guint i = 0; i < self->prompts->len; i++)
    if (g_strcmp0 (((Prompt *) self->prompts->pdata[i])->status, "pending") == 0)
      g_strv_builder_add (builder, ((Prompt *) self->prompts->pdata[i])->id);
  g_rec_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}

JsonObject *
reel_fake_comfyui_dup_last_graph (ReelFakeComfyui *self)
{
  JsonObject *graph = NULL;

  g_rec_mutex_lock (&self->lock);
  if (self->prompts->len > 0)
    {
      Prompt          *last = self->prompts->pdata[self->prompts->len - 1];
      g_autofree char *text = reel_fake_json (last->graph);
      g_autoptr (JsonParser) parser = json_parser_new ();

      /* A copy: the server's thread goes on using its own. */
      if (json_parser_load_from_data (parser, text, -1, NULL))
        graph = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }
  g_rec_mutex_unlock (&self->lock);
  return graph;
}

char *
reel_fake_comfyui_dup_last_prompt_id (ReelFakeComfyui *self)
{
  char *id = NULL;

  g_rec_mutex_lock (&self->lock);
  if (self->prompts->len > 0)
    id = g_strdup (((Prompt *) self->prompts->pdata[self->prompts->len - 1])->id);
  g_rec_mutex_unlock (&self->lock);
  return id;
}

GBytes *
reel_fake_comfyui_dup_upload (ReelFakeComfyui *self, char **name)
{
  GBytes *upload;

  g_rec_mutex_lock (&self->lock);
  upload = self->last_upload != NULL ? g_bytes_ref (self->last_upload) : NULL;
  if (name != NULL)
    *name = g_strdup (self->last_upload_name);
  g_rec_mutex_unlock (&self->lock);
  return upload;
}

guint
reel_fake_comfyui_get_peak_held (ReelFakeComfyui *self)
{
  guint peak;

  g_rec_mutex_lock (&self->lock);
  peak = self->peak_held;
  g_rec_mutex_unlock (&self->lock);
  return peak;
}

GArray *
reel_fake_comfyui_dup_run_spans (ReelFakeComfyui *self)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_rec_mutex_lock (&self->lock);
  for (guint i = 0; i < self->prompts->len; i++)
    {
      Prompt *prompt = self->prompts->pdata[i];

      if (prompt->started == 0 || prompt->finished == 0)
        continue;
      g_array_append_val (spans, prompt->started);
      g_array_append_val (spans, prompt->finished);
    }
  g_rec_mutex_unlock (&self->lock);
  return spans;
}
