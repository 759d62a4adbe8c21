/* reel-comfyui-server.c
 *
 * The routes, as ComfyUI's server.py serves them (see also
 * shared/protocols/local-engines.md §2 and corrections-2026-12.md §2):
 *   GET  /system_stats → {"system": {"comfyui_version", …}, "devices": [{name,
 *     type, vram_total, …}]}
 *   GET  /object_info/{class} → {class: {"input": {"required", "optional"}}},
 *     or {} for a class the server does not have; a combo input is a list of
 *     options, or ["COMBO", {"options": […]}] in the newer node schema
 *   POST /upload/image, multipart: image, type, overwrite → {name, subfolder, type}
 *   POST /prompt {prompt, client_id, prompt_id} → {prompt_id, number,
 *     node_errors}; 400 {error: {type, message, details}, node_errors}
 *   GET  /history/{id} → {} until it finished, then {id: {outputs, status}}
 *   GET  /queue → {queue_running: [[number, id, …]], queue_pending: […]}
 *   POST /queue {"delete": [ids]} (pending only), POST /interrupt {prompt_id}
 *   POST /api/jobs/{id}/cancel (v0.26 and later)
 *   GET  /internal/logs/raw → {entries: [{t, m}]}
 *   GET  /view?filename=&subfolder=&type=
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "reel-comfyui-server.h"
#include "reel-remote.h"

/* ComfyUI takes uploads up to 100 MB unless told otherwise. */
#define MAX_UPLOAD_BYTES (100 * 1000 * 1000)
/* A refused queue's wait, when the server names none. */
#define QUEUE_FULL_RETRY_S 15.0
/* A refusal's details can be every model file the server has: enough to
 * read, not a page. */
#define MAX_DETAIL_CHARS 240

struct _ReelComfyuiServer
{
  GObject parent_instance;

  char *url;
  char *label;

  GMutex      lock;
  char       *description;
  gboolean    probed;
  gboolean    has_gpu;
  GHashTable *verified; /* what check_workflow() found complete */
};

G_DEFINE_FINAL_TYPE (ReelComfyuiServer, reel_comfyui_server, G_TYPE_OBJECT)

static void
reel_comfyui_server_finalize (GObject *object)
{
  ReelComfyuiServer *self = REEL_COMFYUI_SERVER (object);

  g_free (self->url);
  g_free (self->label);
  g_free (self->description);
  g_hash_table_unref (self->verified);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (reel_comfyui_server_parent_class)->finalize (object);
}

static void
reel_comfyui_server_class_init (ReelComfyuiServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_comfyui_server_finalize;
}

static void
reel_comfyui_server_init (ReelComfyuiServer *self)
{
  g_mutex_init (&self->lock);
  self->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->has_gpu = TRUE;
}

ReelComfyuiServer *
reel_comfyui_server_new (const char *url)
{
  ReelComfyuiServer *self = g_object_new (REEL_TYPE_COMFYUI_SERVER, NULL);
  g_autofree char   *base
      = g_strstrip (g_strdup (url != NULL && *url != '\0' ? url : REEL_COMFYUI_DEFAULT_URL));
  g_autoptr (GUri) uri = NULL;

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  self->url = g_steal_pointer (&base);
  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL && g_uri_get_port (uri) > 0)
    self->label = g_strdup_printf ("ComfyUI (%s:%d)", g_uri_get_host (uri), g_uri_get_port (uri));
  else if (uri != NULL && g_uri_get_host (uri) != NULL)
    self->label = g_strdup_printf ("ComfyUI (%s)", g_uri_get_host (uri));
  else
    self->label = g_strdup_printf ("ComfyUI (%s)", self->url);
  return self;
}

const char *
reel_comfyui_server_get_url (ReelComfyuiServer *self)
{
  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), NULL);
  return self->url;
}

const char *
reel_comfyui_server_get_label (ReelComfyuiServer *self)
{
  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), NULL);
  return self->label;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */

static ReelHttpResponse *
send_request (ReelComfyuiServer *self,
              ReelHttpClient    *client,
              const char        *method,
              const char        *path,
              GBytes            *body,
              const char        *content_type,
              GError           **error)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  g_autofree char *content_header
      = content_type != NULL ? g_strdup_printf ("Content-Type: %s", content_type) : NULL;
  const char *headers[] = { "Accept: application/json", content_header, NULL };
  g_autoptr (GError) net_error = NULL;
  ReelHttpResponse *response;

  response = reel_http_client_request (client, method, url, headers, body, &net_error);
  if (response == NULL)
    g_propagate_error (error, reel_remote_error_from_net (net_error, self->label));
  return response;
}

static ReelHttpResponse *
send_json (ReelComfyuiServer *self,
           ReelHttpClient    *client,
           const char        *path,
           const char        *json,
           GError           **error)
{
  g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));

  return send_request (self, client, "POST", path, body, "application/json", error);
}

/* The answer as a JSON object, or NULL with an error for any other status or body. */
static JsonObject *
answer_object (ReelComfyuiServer *self,
               ReelHttpResponse  *response,
               JsonParser        *parser,
               GError           **error)
{
  g_autoptr (GError) net_error = NULL;

  if (!reel_http_response_check (response, &net_error))
    {
      g_propagate_error (error, reel_remote_error_from_net (net_error, self->label));
      return NULL;
    }
  return reel_remote_parse_object (response, parser, self->label, error);
}

static JsonObject *
get_object (ReelComfyuiServer *self,
            ReelHttpClient    *client,
            const char        *path,
            JsonParser        *parser,
            GError           **error)
{
  g_autoptr (ReelHttpResponse) response
      = send_request (self, client, "GET", path, NULL, NULL, error);

  return response != NULL ? answer_object (self, response, parser, error) : NULL;
}

/* ------------------------------------------------------------------------ */
/* The server itself                                                         */

gboolean
reel_comfyui_server_probe (ReelComfyuiServer *self, ReelHttpClient *client, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject      *stats, *system, *device = NULL;
  JsonArray       *devices;
  const char      *version, *type, *name;
  double           vram;
  g_autofree char *hardware = NULL;

  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), FALSE);

  if ((stats = get_object (self, client, "/system_stats", parser, error)) == NULL)
    return FALSE;
  system = reel_json_get_object (stats, "system");
  devices = reel_json_get_array (stats, "devices");
  if (devices != NULL && json_array_get_length (devices) > 0
      && JSON_NODE_HOLDS_OBJECT (json_array_get_element (devices, 0)))
    device = json_array_get_object_element (devices, 0);
  version = reel_json_get_string (system, "comfyui_version");
  type = reel_json_get_string (device, "type");
  name = reel_json_get_string (device, "name");
  vram = reel_json_get_number (device, "vram_total", 0);

  if (device == NULL || g_strcmp0 (type, "cpu") == 0)
    hardware = g_strdup (_ ("no GPU: it runs on the CPU, which takes hours for a clip"));
  else if (vram > 0)
    hardware = g_strdup_printf ("%s (%.1f GB)", name != NULL ? name : type, vram / 1e9);
  else
    hardware = g_strdup (name != NULL ? name : type);

  g_mutex_lock (&self->lock);
  g_free (self->description);
  self->description = g_strdup_printf ("ComfyUI %s, %s", version != NULL ? version : "?", hardware);
  self->has_gpu = device != NULL && g_strcmp0 (type, "cpu") != 0;
  self->probed = TRUE;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

char *
reel_comfyui_server_describe (ReelComfyuiServer *self)
{
  char *description;

  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), NULL);

  g_mutex_lock (&self->lock);
  description = g_strdup (self->description);
  g_mutex_unlock (&self->lock);
  return description;
}

gboolean
reel_comfyui_server_has_gpu (ReelComfyuiServer *self)
{
  gboolean has_gpu;

  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), FALSE);

  g_mutex_lock (&self->lock);
  has_gpu = self->has_gpu;
  g_mutex_unlock (&self->lock);
  return has_gpu;
}

/* ------------------------------------------------------------------------ */
/* What a workflow needs                                                     */

/* The options of a combo input's spec, or NULL when it is not a combo. */
static JsonArray *
combo_options (JsonNode *spec)
{
  JsonArray *array;
  JsonNode  *first;

  if (spec == NULL || !JSON_NODE_HOLDS_ARRAY (spec))
    return NULL;
  array = json_node_get_array (spec);
  if (json_array_get_length (array) == 0)
    return NULL;
  first = json_array_get_element (array, 0);
  if (JSON_NODE_HOLDS_ARRAY (first))
    return json_node_get_array (first);
  if (JSON_NODE_HOLDS_VALUE (first) && g_strcmp0 (json_node_get_string (first), "COMBO") == 0
      && json_array_get_length (array) > 1
      && JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, 1)))
    return reel_json_get_array (json_array_get_object_element (array, 1), "options");
  return NULL;
}

static gboolean
options_contain (JsonArray *options, const char *value)
{
  for (guint i = 0; i < json_array_get_length (options); i++)
    {
      JsonNode *option = json_array_get_element (options, i);

      if (JSON_NODE_HOLDS_VALUE (option) && json_node_get_value_type (option) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (option), value) == 0)
        return TRUE;
    }
  return FALSE;
}

static JsonNode *
input_spec (JsonObject *info, const char *input)
{
  JsonObject *inputs = reel_json_get_object (info, "input");
  JsonObject *required = reel_json_get_object (inputs, "required");
  JsonObject *optional = reel_json_get_object (inputs, "optional");

  if (required != NULL && json_object_has_member (required, input))
    return json_object_get_member (required, input);
  if (optional != NULL && json_object_has_member (optional, input))
    return json_object_get_member (optional, input);
  return NULL;
}

/* Checks one node against its class's description; appends what is missing. */
static void
check_node_inputs (const char *node_id,
                   const char *class_type,
                   JsonObject *inputs,
                   JsonObject *info,
                   GString    *missing)
{
  g_autoptr (GList) names = inputs != NULL ? json_object_get_members (inputs) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *input = l->data;
      JsonNode   *value = json_object_get_member (inputs, input);
      const char *text;
      JsonArray  *options;
      const char *folder;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        continue;
      text = json_node_get_string (value);
      /* A placeholder is the job's to fill. */
      if (strstr (text, "{{") != NULL)
        continue;
      options = combo_options (input_spec (info, input));
      if (options == NULL || options_contain (options, text))
        continue;

      folder = reel_comfyui_model_folder (class_type, input);
      g_string_append_c (missing, '\n');
      if (folder != NULL)
        /* Translators: "• wan2.2_vae.safetensors: put it in ComfyUI/models/vae/" */
        g_string_append_printf (missing, _ ("• %s: put it in ComfyUI/%s/"), text, folder);
      else
        g_string_append_printf (missing,
                                _ ("• “%s” for the input %s of node %s (%s), which this server "
                                   "does not offer"),
                                text, input, node_id, class_type);
    }
}

static void
node_unref_if_any (gpointer node)
{
  if (node != NULL)
    json_node_unref (node);
}

gboolean
reel_comfyui_server_check_workflow (ReelComfyuiServer   *self,
                                    ReelHttpClient      *client,
                                    ReelComfyuiWorkflow *workflow,
                                    GError             **error)
{
  JsonObject *graph = reel_comfyui_workflow_get_graph (workflow);
  g_autoptr (GList) ids = json_object_get_members (graph);
  /* class → its description, or NULL for a class the server does not have */
  g_autoptr (GHashTable) infos
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, node_unref_if_any);
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autofree char *key = NULL;
  gboolean         verified;

  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), FALSE);

  /* The graph as written is what the check covers. */
  {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), graph);
    g_autofree char *text = json_to_string (node, FALSE);

    key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  }
  g_mutex_lock (&self->lock);
  verified = g_hash_table_contains (self->verified, key);
  g_mutex_unlock (&self->lock);
  if (verified)
    return TRUE;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = json_object_get_object_member (graph, l->data);
      const char *class_type = json_object_get_string_member (node, "class_type");
      JsonNode   *info = g_hash_table_lookup (infos, class_type);

      if (info == NULL && !g_hash_table_contains (infos, class_type))
        {
          g_autoptr (JsonParser) parser = json_parser_new ();
          g_autofree char *escaped = g_uri_escape_string (class_type, NULL, FALSE);
          g_autofree char *path = g_strconcat ("/object_info/", escaped, NULL);
          JsonObject      *answer = get_object (self, client, path, parser, error);
          JsonObject      *described;

          if (answer == NULL)
            return FALSE;
          described = reel_json_get_object (answer, class_type);
          info = described != NULL ? json_node_init_object (json_node_alloc (), described) : NULL;
          g_hash_table_insert (infos, g_strdup (class_type), info);
          if (info == NULL)
            {
              g_string_append_c (missing, '\n');
              g_string_append_printf (missing,
                                      _ ("• the node type %s: update ComfyUI, or install the "
                                         "custom nodes that provide it"),
                                      class_type);
            }
        }
      if (info != NULL)
        check_node_inputs (l->data, class_type, json_object_get_object_member (node, "inputs"),
                           json_node_get_object (info), missing);
    }

  if (missing->len > 0)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The ComfyUI server at %s lacks what the workflow “%s” needs:%s\nAdd "
                      "them, then try again."),
                   self->url, reel_comfyui_workflow_get_name (workflow), missing->str);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  g_hash_table_add (self->verified, g_steal_pointer (&key));
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Upload                                                                    */

/* The multipart form of POST /upload/image for an image of type @mime,
 * named by its content: the same board is uploaded once, and no other
 * upload is overwritten. */
static GBytes *
upload_form (const char *contents, gsize length, const char *mime, char **content_type)
{
  g_autofree char *digest
      = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  g_autofree char *extension = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *boundary = NULL;
  GString         *body = g_string_new (NULL);

  /* The extension comes from the content, not the path, whose folders may
   * hold dots: "image/jpeg" → "jpeg", "image/svg+xml" → "svg". */
  extension = g_strndup (mime + strlen ("image/"),
                         strspn (mime + strlen ("image/"), "abcdefghijklmnopqrstuvwxyz0123456789"));
  if (*extension == '\0' || strlen (extension) > 5)
    {
      g_free (extension);
      extension = g_strdup ("png");
    }
  file_name = g_strdup_printf ("storyreel-%.16s.%s", digest, extension);
  boundary = g_strdup_printf ("storyreel-%.24s", digest);

  g_string_append_printf (body,
                          "--%s\r\nContent-Disposition: form-data; name=\"image\"; "
                          "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n",
                          boundary, file_name, mime);
  g_string_append_len (body, contents, (gssize) length);
  g_string_append_printf (body,
                          "\r\n--%s\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ninput"
                          "\r\n--%s\r\nContent-Disposition: form-data; "
                          "name=\"overwrite\"\r\n\r\ntrue\r\n--%s--\r\n",
                          boundary, boundary, boundary);
  *content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  return g_string_free_to_bytes (body);
}

char *
reel_comfyui_server_upload_image (ReelComfyuiServer *self,
                                  ReelHttpClient    *client,
                                  const char        *path,
                                  GError           **error)
{
  g_autoptr (GError) read_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *mime = NULL;
  g_autofree char *multipart = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize       length = 0;
  JsonObject *answer;
  const char *name, *subfolder;

  if (!g_file_get_contents (path, &contents, &length, &read_error))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The start image cannot be read: %s"), read_error->message);
      return NULL;
    }
  if (length > MAX_UPLOAD_BYTES)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The start image is %.1f MB; the service takes at most %.0f MB."),
                   length / 1e6, MAX_UPLOAD_BYTES / 1e6);
      return NULL;
    }
  content_type = g_content_type_guess (path, (const guchar *) contents, length, NULL);
  mime = g_content_type_get_mime_type (content_type);
  if (mime == NULL || !g_str_has_prefix (mime, "image/"))
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                           _ ("The start image is not an image file."));
      return NULL;
    }

  bytes = upload_form (contents, length, mime, &multipart);

  response = send_request (self, client, "POST", "/upload/image", bytes, multipart, error);
  if (response == NULL || (answer = answer_object (self, response, parser, error)) == NULL)
    return NULL;
  name = reel_json_get_string (answer, "name");
  subfolder = reel_json_get_string (answer, "subfolder");
  if (name == NULL)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                   _ ("%s answered with something Storyreel cannot read."), self->label);
      return NULL;
    }
  /* LoadImage finds an upload in a subfolder by "subfolder/name". */
  if (subfolder != NULL && *subfolder != '\0')
    return g_strdup_printf ("%s/%s", subfolder, name);
  return g_strdup (name);
}

/* ------------------------------------------------------------------------ */
/* Queue                                                                     */

static void
append_detail (GString *text, const char *message, const char *details)
{
  if (text->len > 0)
    g_string_append (text, "; ");
  g_string_append (text, message != NULL ? message : "?");
  if (details != NULL && *details != '\0')
    {
      /* g_utf8_substring() reads past a string shorter than its end. */
      glong            length = g_utf8_strlen (details, -1);
      g_autofree char *cut = g_utf8_substring (details, 0, MIN (length, MAX_DETAIL_CHARS));

      g_string_append_printf (text, ": %s%s", cut, length > MAX_DETAIL_CHARS ? "…" : "");
    }
}

/* ComfyUI's validation errors as one sentence: "node 4 (UNETLoader): Value
 * not in list: unet_name: 'x.safetensors' not in […]". */
static char *
describe_refusal (JsonObject *answer)
{
  g_autoptr (GString) text = g_string_new (NULL);
  JsonObject *node_errors = reel_json_get_object (answer, "node_errors");
  JsonObject *error = reel_json_get_object (answer, "error");
  g_autoptr (GList) ids = node_errors != NULL ? json_object_get_members (node_errors) : NULL;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = reel_json_get_object (node_errors, l->data);
      JsonArray  *errors = reel_json_get_array (node, "errors");
      g_autoptr (GString) messages = g_string_new (NULL);

      for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
        {
          JsonNode   *item = json_array_get_element (errors, i);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

          append_detail (messages, reel_json_get_string (object, "message"),
                         reel_json_get_string (object, "details"));
        }
      if (text->len > 0)
        g_string_append (text, "; ");
      /* Translators: "node 4 (UNETLoader): …" */
      g_string_append_printf (text, _ ("node %s (%s): %s"), (const char *) l->data,
                              reel_json_get_string (node, "class_type") != NULL
                                  ? reel_json_get_string (node, "class_type")
                                  : "?",
                              messages->str);
    }
  if (text->len == 0)
    append_detail (text, reel_json_get_string (error, "message"),
                   reel_json_get_string (error, "details"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
reel_comfyui_server_queue_prompt (ReelComfyuiServer *self,
                                  ReelHttpClient    *client,
                                  JsonObject        *graph,
                                  const char        *prompt_id,
                                  const char        *client_id,
                                  double            *retry_after,
                                  GError           **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (GError) net_error = NULL;
  g_autofree char *body = NULL;
  JsonObject      *answer;
  const char      *queued;

  *retry_after = -1;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), graph));
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, client_id);
  json_builder_set_member_name (builder, "prompt_id");
  json_builder_add_string_value (builder, prompt_id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  if ((response = send_json (self, client, "/prompt", body, error)) == NULL)
    return NULL;

  if (response->status == 400)
    {
      JsonObject      *refusal = reel_remote_parse_object (response, parser, self->label, NULL);
      g_autofree char *reason = describe_refusal (refusal);

      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("%s refused the workflow: %s"), self->label,
                   *reason != '\0' ? reason : _ ("no reason given"));
      return NULL;
    }
  if (response->status == 429 || response->status == 503)
    {
      *retry_after
          = response->retry_after_ms >= 0 ? response->retry_after_ms / 1000.0 : QUEUE_FULL_RETRY_S;
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                   _ ("%s is busy: its queue is full. Storyreel will try again."), self->label);
      return NULL;
    }
  if (!reel_http_response_check (response, &net_error))
    {
      if (response->retry_after_ms >= 0)
        *retry_after = response->retry_after_ms / 1000.0;
      g_propagate_error (error, reel_remote_error_from_net (net_error, self->label));
      return NULL;
    }

  answer = reel_remote_parse_object (response, parser, self->label, error);
  queued = reel_json_get_string (answer, "prompt_id");
  if (queued == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                     _ ("%s answered with something Storyreel cannot read."), self->label);
      return NULL;
    }
  return g_strdup (queued);
}

/* The queue number of an entry [number, prompt_id, …], or @fallback. */
static double
queue_number (JsonArray *list, guint index, double fallback)
{
  JsonNode  *item = json_array_get_element (list, index);
  JsonArray *entry = JSON_NODE_HOLDS_ARRAY (item) ? json_node_get_array (item) : NULL;
  JsonNode  *number = entry != NULL && json_array_get_length (entry) > 0
                          ? json_array_get_element (entry, 0)
                          : NULL;

  if (number == NULL || !JSON_NODE_HOLDS_VALUE (number)
      || (json_node_get_value_type (number) != G_TYPE_INT64
          && json_node_get_value_type (number) != G_TYPE_DOUBLE))
    return fallback;
  return json_node_get_double (number);
}

static gboolean
queue_lists (JsonArray *list, const char *prompt_id, guint *position)
{
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode  *item = json_array_get_element (list, i);
      JsonArray *entry = JSON_NODE_HOLDS_ARRAY (item) ? json_node_get_array (item) : NULL;
      JsonNode  *id = entry != NULL && json_array_get_length (entry) > 1
                          ? json_array_get_element (entry, 1)
                          : NULL;

      if (id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (id), prompt_id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* The history entry of @prompt_id, a new reference, or NULL when there is none. */
static JsonObject *
get_history (ReelComfyuiServer *self,
             ReelHttpClient    *client,
             const char        *prompt_id,
             gboolean          *ok,
             GError           **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_strdup_printf ("/history/%s", prompt_id);
  JsonObject      *history = get_object (self, client, path, parser, error);
  JsonObject      *entry;

  *ok = history != NULL;
  entry = reel_json_get_object (history, prompt_id);
  return entry != NULL ? json_object_ref (entry) : NULL;
}

gboolean
reel_comfyui_server_find_prompt (ReelComfyuiServer      *self,
                                 ReelHttpClient         *client,
                                 const char             *prompt_id,
                                 ReelComfyuiPromptState *state,
                                 guint                  *ahead,
                                 JsonObject            **history,
                                 GError                **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *queue;
  JsonArray  *running, *pending;
  guint       position = 0;
  gboolean    ok;

  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), FALSE);

  *state = REEL_COMFYUI_PROMPT_GONE;
  *ahead = 0;
  *history = get_history (self, client, prompt_id, &ok, error);
  if (!ok)
    return FALSE;
  if (*history != NULL)
    {
      *state = REEL_COMFYUI_PROMPT_FINISHED;
      return TRUE;
    }

  if ((queue = get_object (self, client, "/queue", parser, error)) == NULL)
    return FALSE;
  running = reel_json_get_array (queue, "queue_running");
  pending = reel_json_get_array (queue, "queue_pending");
  if (queue_lists (running, prompt_id, &position))
    {
      *state = REEL_COMFYUI_PROMPT_RUNNING;
      return TRUE;
    }
  if (queue_lists (pending, prompt_id, &position))
    {
      /* The pending list is in no particular order on the server; the
       * queue number says who goes first. */
      double number = queue_number (pending, position, 0);

      *state = REEL_COMFYUI_PROMPT_PENDING;
      *ahead = running != NULL ? json_array_get_length (running) : 0;
      for (guint i = 0; i < json_array_get_length (pending); i++)
        if (queue_number (pending, i, number) < number)
          (*ahead)++;
      return TRUE;
    }

  /* It may have finished between the two questions. */
  *history = get_history (self, client, prompt_id, &ok, error);
  if (!ok)
    return FALSE;
  if (*history != NULL)
    *state = REEL_COMFYUI_PROMPT_FINISHED;
  return TRUE;
}

void
reel_comfyui_server_cancel_prompt (ReelComfyuiServer *self,
                                   ReelHttpClient    *client,
                                   const char        *prompt_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char       *jobs_path = g_strdup_printf ("/api/jobs/%s/cancel", prompt_id);
  g_autofree char       *delete_body = NULL;
  g_autofree char       *interrupt_body = NULL;
  ReelComfyuiPromptState state;
  JsonObject            *history = NULL;
  guint                  ahead;

  g_return_if_fail (REEL_IS_COMFYUI_SERVER (self));

  /* The jobs API (v0.26) cancels either kind at once, atomically. */
  response = send_json (self, client, jobs_path, "{}", &error);
  if (response != NULL && response->status >= 200 && response->status < 300)
    {
      g_debug ("%s cancelled prompt %s through its jobs API", self->label, prompt_id);
      return;
    }
  g_clear_pointer (&response, reel_http_response_free);
  g_clear_error (&error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "delete");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, prompt_id);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  delete_body = json_to_string (root, FALSE);

  /* Deleting takes only a pending prompt off the queue; one that started
   * meanwhile is interrupted below. */
  response = send_json (self, client, "/queue", delete_body, &error);
  g_clear_pointer (&response, reel_http_response_free);
  if (error != NULL)
    {
      g_debug ("%s: removing prompt %s from the queue failed: %s", self->label, prompt_id,
               error->message);
      return;
    }

  /* A server before 0.3.57 interrupts whatever runs, whatever the body
   * says: interrupt only once it is known to be this prompt. */
  if (!reel_comfyui_server_find_prompt (self, client, prompt_id, &state, &ahead, &history, &error))
    {
      g_debug ("%s: cannot tell whether prompt %s runs: %s", self->label, prompt_id,
               error->message);
      return;
    }
  g_clear_pointer (&history, json_object_unref);
  if (state != REEL_COMFYUI_PROMPT_RUNNING)
    return;

  interrupt_body = g_strdup_printf ("{\"prompt_id\": \"%s\"}", prompt_id);
  response = send_json (self, client, "/interrupt", interrupt_body, &error);
  g_debug ("%s: interrupting prompt %s: %s", self->label, prompt_id,
           response != NULL ? reel_http_response_get_text (response) : error->message);
}

/* ------------------------------------------------------------------------ */
/* Logs and files                                                            */

static char *
last_lines (const char *text, guint count)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  guint n = g_strv_length (lines);

  for (guint i = n; i > 0 && kept->len < count; i--)
    {
      char *line = g_strchomp (lines[i - 1]);

      if (*line != '\0')
        g_ptr_array_insert (kept, 0, line);
    }
  if (kept->len == 0)
    return NULL;
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("\n", (char **) kept->pdata);
}

char *
reel_comfyui_server_dup_log_tail (ReelComfyuiServer *self, ReelHttpClient *client, guint lines)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  JsonObject *logs;
  JsonArray  *entries;

  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), NULL);

  logs = get_object (self, client, "/internal/logs/raw", parser, &error);
  entries = reel_json_get_array (logs, "entries");
  if (entries == NULL)
    {
      g_debug ("%s shares no log: %s", self->label, error != NULL ? error->message : "no entries");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode   *item = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *message = reel_json_get_string (entry, "m");

      if (message != NULL)
        g_string_append (text, message);
    }
  return last_lines (text->str, lines);
}

gboolean
reel_comfyui_server_download (ReelComfyuiServer *self,
                              ReelHttpClient    *client,
                              const char        *filename,
                              const char        *subfolder,
                              const char        *type,
                              const char        *dest_path,
                              GError           **error)
{
  g_autofree char *name = g_uri_escape_string (filename, NULL, FALSE);
  g_autofree char *folder = g_uri_escape_string (subfolder != NULL ? subfolder : "", NULL, FALSE);
  g_autofree char *kind = g_uri_escape_string (type != NULL ? type : "output", NULL, FALSE);
  g_autofree char *url
      = g_strdup_printf ("%s/view?filename=%s&subfolder=%s&type=%s", self->url, name, folder, kind);
  g_autoptr (GError) net_error = NULL;

  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), FALSE);

  if (reel_http_client_download (client, url, NULL, dest_path, NULL, NULL, &net_error))
    return TRUE;
  if (g_error_matches (net_error, REEL_NET_ERROR, REEL_NET_ERROR_NOT_FOUND))
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("%s no longer has the clip it made (%s). Generate the shot again."),
                 self->label, filename);
  else
    g_propagate_error (error, reel_remote_error_from_net (net_error, self->label));
  return FALSE;
}

char *
reel_comfyui_server_socket_url (ReelComfyuiServer *self, const char *client_id)
{
  const char *rest;

  g_return_val_if_fail (REEL_IS_COMFYUI_SERVER (self), NULL);

  if (g_str_has_prefix (self->url, "https://"))
    rest = self->url + strlen ("https://");
  else if (g_str_has_prefix (self->url, "http://"))
    rest = self->url + strlen ("http://");
  else
    rest = self->url;
  return g_strdup_printf ("%s%s/ws?clientId=%s",
                          g_str_has_prefix (self->url, "https://") ? "wss://" : "ws://", rest,
                          client_id);
}
