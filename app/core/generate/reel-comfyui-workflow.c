/* reel-comfyui-workflow.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "reel-backend.h"
#include "reel-comfyui-workflow.h"
#include "reel-generate-resources.h"

#define RESOURCE_DIR "/io/github/storyreel/Storyreel/workflows/"
/* Wan's latents are 8 (14B) or 16 (5B) pixels a cell, in patches of two:
 * sizes that are multiples of 32 suit every Wan model. */
#define SIZE_STEP 32
#define MIN_FRAMES 5
#define DEFAULT_STEPS 20

typedef enum
{
  KIND_TEXT,
  KIND_NUMBER,
} PlaceholderKind;

typedef struct
{
  const char     *name;
  PlaceholderKind kind;
  gboolean        required;
  const char     *hint; /* where it goes, for the refusal of a workflow that lacks it */
} PlaceholderInfo;

static const PlaceholderInfo placeholders[] = {
  { "prompt", KIND_TEXT, TRUE, N_ ("the text of the positive CLIPTextEncode node") },
  { "negative_prompt", KIND_TEXT, FALSE, NULL },
  { "width", KIND_NUMBER, TRUE, N_ ("the width of the latent video node") },
  { "height", KIND_NUMBER, TRUE, N_ ("the height of the latent video node") },
  { "frames", KIND_NUMBER, TRUE, N_ ("the length of the latent video node") },
  { "fps", KIND_NUMBER, TRUE, N_ ("the fps of the CreateVideo or SaveWEBM node") },
  { "seed", KIND_NUMBER, TRUE, N_ ("the sampler’s seed or noise_seed") },
  { "steps", KIND_NUMBER, FALSE, NULL },
  { "split_step", KIND_NUMBER, FALSE, NULL },
  { "start_image", KIND_TEXT, FALSE, NULL },
};

/* The nodes that write a clip Storyreel can take. */
static const char *const savers[]
    = { "SaveVideo", "SaveWEBM", "SaveAnimatedWEBP", "SaveAnimatedPNG", "VHS_VideoCombine", NULL };

/* Where the loaders of ComfyUI (and of ComfyUI-GGUF) find their files. */
static const struct
{
  const char *class_type;
  const char *input;
  const char *folder;
} model_inputs[] = {
  { "UNETLoader", "unet_name", "models/diffusion_models" },
  { "CLIPLoader", "clip_name", "models/text_encoders" },
  { "DualCLIPLoader", "clip_name1", "models/text_encoders" },
  { "DualCLIPLoader", "clip_name2", "models/text_encoders" },
  { "VAELoader", "vae_name", "models/vae" },
  { "LoraLoaderModelOnly", "lora_name", "models/loras" },
  { "LoraLoader", "lora_name", "models/loras" },
  { "CLIPVisionLoader", "clip_name", "models/clip_vision" },
  { "CheckpointLoaderSimple", "ckpt_name", "models/checkpoints" },
  { "UpscaleModelLoader", "model_name", "models/upscale_models" },
  { "UnetLoaderGGUF", "unet_name", "models/unet" },
  { "CLIPLoaderGGUF", "clip_name", "models/text_encoders" },
};

struct _ReelComfyuiWorkflow
{
  GObject parent_instance;

  char       *name;
  char       *text; /* the graph as JSON: each job's copy is parsed from it */
  JsonNode   *root;
  JsonObject *graph;
  GHashTable *used;  /* placeholder name → its default, or "" */
  guint       width; /* the size the model works at, or 0 */
  guint       height;
  guint       fps;   /* the model's own rate, or 0 */
  guint       steps; /* the workflow's own step count */
};

G_DEFINE_FINAL_TYPE (ReelComfyuiWorkflow, reel_comfyui_workflow, G_TYPE_OBJECT)

static void
reel_comfyui_workflow_finalize (GObject *object)
{
  ReelComfyuiWorkflow *self = REEL_COMFYUI_WORKFLOW (object);

  g_free (self->name);
  g_free (self->text);
  g_clear_pointer (&self->root, json_node_unref);
  g_clear_pointer (&self->used, g_hash_table_unref);

  G_OBJECT_CLASS (reel_comfyui_workflow_parent_class)->finalize (object);
}

static void
reel_comfyui_workflow_class_init (ReelComfyuiWorkflowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_comfyui_workflow_finalize;
}

static void
reel_comfyui_workflow_init (ReelComfyuiWorkflow *self)
{
  self->used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* ------------------------------------------------------------------------ */
/* Placeholders                                                              */

static const PlaceholderInfo *
lookup_placeholder (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
    if (g_strcmp0 (placeholders[i].name, name) == 0)
      return &placeholders[i];
  return NULL;
}

/* Finds the next "{{name}}" or "{{name:default}}" in @text from @from: its
 * start and end offsets, its name and its default (NULL when none). */
static gboolean
next_placeholder (
    const char *text, gsize from, gsize *start, gsize *end, char **name, char **fallback)
{
  const char *open = strstr (text + from, "{{");
  const char *close, *colon;

  if (open == NULL || (close = strstr (open + 2, "}}")) == NULL)
    return FALSE;
  colon = memchr (open + 2, ':', close - (open + 2));
  *start = open - text;
  *end = close + 2 - text;
  *name = g_strndup (open + 2, (colon != NULL ? colon : close) - (open + 2));
  g_strstrip (*name);
  *fallback = colon != NULL ? g_strndup (colon + 1, close - (colon + 1)) : NULL;
  return TRUE;
}

static gboolean
parse_number (const char *text, guint64 *value)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  return g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXINT64, value, NULL);
}

/* Records the placeholders of one string input; FALSE with an error for one
 * that breaks the convention. */
static gboolean
scan_input (ReelComfyuiWorkflow *self,
            const char          *node_id,
            const char          *input,
            const char          *text,
            GError             **error)
{
  gsize start, end, from = 0;
  char *raw_name, *raw_fallback;

  while (next_placeholder (text, from, &start, &end, &raw_name, &raw_fallback))
    {
      g_autofree char       *name = raw_name;
      g_autofree char       *fallback = raw_fallback;
      const PlaceholderInfo *info = lookup_placeholder (name);
      guint64                number;

      from = end;
      if (info == NULL)
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("The workflow “%s” has an unknown placeholder {{%s}} in node %s. "
                          "Storyreel fills {{prompt}}, {{negative_prompt}}, {{width}}, "
                          "{{height}}, {{frames}}, {{fps}}, {{seed}}, {{steps}}, "
                          "{{split_step}} and {{start_image}}."),
                       self->name, name, node_id);
          return FALSE;
        }
      if (info->kind == KIND_NUMBER && (start != 0 || text[end] != '\0'))
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("In the workflow “%s”, {{%s}} must be the whole value of the input "
                          "“%s” of node %s."),
                       self->name, name, input, node_id);
          return FALSE;
        }
      if (info->kind == KIND_NUMBER && fallback != NULL && !parse_number (fallback, &number))
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("In the workflow “%s”, the default of {{%s}} in node %s is not a "
                          "whole number."),
                       self->name, name, node_id);
          return FALSE;
        }

      /* The first default given is the workflow's. */
      if (fallback != NULL || !g_hash_table_contains (self->used, name))
        {
          const char *known = g_hash_table_lookup (self->used, name);

          if (known == NULL || *known == '\0')
            g_hash_table_replace (self->used, g_strdup (name),
                                  g_strdup (fallback != NULL ? fallback : ""));
        }
    }
  return TRUE;
}

static guint
default_number (ReelComfyuiWorkflow *self, const char *name)
{
  const char *text = g_hash_table_lookup (self->used, name);
  guint64     value = 0;

  if (text == NULL || !parse_number (text, &value))
    return 0;
  return (guint) MIN (value, G_MAXUINT);
}

/* ------------------------------------------------------------------------ */
/* Loading and checking                                                      */

static gboolean
check_link (ReelComfyuiWorkflow *self,
            const char          *node_id,
            const char          *input,
            JsonArray           *link,
            GError             **error)
{
  JsonNode        *source;
  g_autofree char *source_id = NULL;

  if (json_array_get_length (link) != 2)
    return TRUE;
  source = json_array_get_element (link, 0);
  if (!JSON_NODE_HOLDS_VALUE (source))
    return TRUE;
  if (json_node_get_value_type (source) == G_TYPE_STRING)
    source_id = g_strdup (json_node_get_string (source));
  else if (json_node_get_value_type (source) == G_TYPE_INT64)
    source_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (source));
  else
    return TRUE;

  if (json_object_has_member (self->graph, source_id))
    return TRUE;
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("In the workflow “%s”, the input “%s” of node %s comes from node %s, which the "
                  "workflow does not have."),
               self->name, input, node_id, source_id);
  return FALSE;
}

static gboolean
check_node (
    ReelComfyuiWorkflow *self, const char *node_id, JsonNode *node, gboolean *saves, GError **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode   *class_node = object != NULL ? json_object_get_member (object, "class_type") : NULL;
  JsonNode   *inputs_node = object != NULL ? json_object_get_member (object, "inputs") : NULL;
  JsonObject *inputs;
  g_autoptr (GList) names = NULL;
  const char *class_type;

  if (class_node == NULL || !JSON_NODE_HOLDS_VALUE (class_node)
      || json_node_get_value_type (class_node) != G_TYPE_STRING || inputs_node == NULL
      || !JSON_NODE_HOLDS_OBJECT (inputs_node))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("Node %s of the workflow “%s” has no class_type or inputs. Export the "
                      "workflow from ComfyUI with Export (API)."),
                   node_id, self->name);
      return FALSE;
    }
  class_type = json_node_get_string (class_node);
  *saves = *saves || g_strv_contains (savers, class_type);

  inputs = json_node_get_object (inputs_node);
  names = json_object_get_members (inputs);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *input = l->data;
      JsonNode   *value = json_object_get_member (inputs, input);

      if (JSON_NODE_HOLDS_ARRAY (value)
          && !check_link (self, node_id, input, json_node_get_array (value), error))
        return FALSE;
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
          && !scan_input (self, node_id, input, json_node_get_string (value), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_placeholders (ReelComfyuiWorkflow *self, GError **error)
{
  g_autoptr (GString) missing = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
    if (placeholders[i].required && !g_hash_table_contains (self->used, placeholders[i].name))
      {
        if (missing->len > 0)
          g_string_append (missing, "; ");
        /* Translators: "{{seed}} (in the sampler's seed or noise_seed)" */
        g_string_append_printf (missing, _ ("{{%s}} (in %s)"), placeholders[i].name,
                                _ (placeholders[i].hint));
      }
  if (missing->len == 0)
    return TRUE;
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("The workflow “%s” lacks placeholders that Storyreel fills from the shot: %s. "
                  "Put each where it belongs; %s explains them."),
               self->name, missing->str,
               PKGDATADIR G_DIR_SEPARATOR_S "workflows" G_DIR_SEPARATOR_S "README.md");
  return FALSE;
}

ReelComfyuiWorkflow *
reel_comfyui_workflow_new_from_data (const char *name,
                                     const char *json,
                                     gssize      length,
                                     GError    **error)
{
  g_autoptr (ReelComfyuiWorkflow) self = g_object_new (REEL_TYPE_COMFYUI_WORKFLOW, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (GList) ids = NULL;
  JsonNode *root;
  gboolean  saves = FALSE;

  g_return_val_if_fail (name != NULL && json != NULL, NULL);

  self->name = g_strdup (name);
  if (!json_parser_load_from_data (parser, json, length, &parse_error))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The workflow “%s” is not valid JSON: %s"), name, parse_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || json_object_get_size (json_node_get_object (root)) == 0)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The workflow “%s” has no nodes."), name);
      return NULL;
    }
  self->root = json_node_copy (root);
  self->graph = json_node_get_object (self->root);
  self->text = json_to_string (self->root, FALSE);

  /* The editor's format has lists of nodes and links, and no class_type. */
  if (json_object_has_member (self->graph, "nodes")
      && json_object_has_member (self->graph, "links"))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("“%s” is a workflow in the format of ComfyUI’s editor. In ComfyUI, save it "
                      "with Export (API) and use that file."),
                   name);
      return NULL;
    }

  ids = json_object_get_members (self->graph);
  for (GList *l = ids; l != NULL; l = l->next)
    if (!check_node (self, l->data, json_object_get_member (self->graph, l->data), &saves, error))
      return NULL;

  if (!saves)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The workflow “%s” saves no video. End it with a SaveVideo, SaveWEBM or "
                      "SaveAnimatedWEBP node."),
                   name);
      return NULL;
    }
  if (!check_placeholders (self, error))
    return NULL;

  self->width = default_number (self, "width");
  self->height = default_number (self, "height");
  self->fps = default_number (self, "fps");
  self->steps = default_number (self, "steps");
  if (self->steps == 0)
    self->steps = DEFAULT_STEPS;
  return g_steal_pointer (&self);
}

static char *
name_of_file (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - strlen (".json")] = '\0';
  return g_steal_pointer (&base);
}

ReelComfyuiWorkflow *
reel_comfyui_workflow_new_from_file (const char *path, GError **error)
{
  g_autoptr (GError) read_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = name_of_file (path);
  gsize            length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &read_error))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The workflow file cannot be read: %s"), read_error->message);
      return NULL;
    }
  return reel_comfyui_workflow_new_from_data (name, contents, (gssize) length, error);
}

/* ------------------------------------------------------------------------ */
/* Finding workflows                                                         */

static char *
user_workflow_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "storyreel", "workflows", NULL);
}

/* The shipped workflow @file, NULL when there is none. */
static ReelComfyuiWorkflow *
load_shipped (const char *file, GError **error)
{
  g_autofree char *path = g_strconcat (RESOURCE_DIR, file, NULL);
  g_autofree char *name = name_of_file (file);
  /* The library's own resource: a static library's is registered only
   * when something links it in. */
  g_autoptr (GBytes) bytes = g_resource_lookup_data (reel_generate_get_resource (), path,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  gsize       length = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  return reel_comfyui_workflow_new_from_data (name, data, (gssize) length, error);
}

static ReelComfyuiWorkflow *
load_user (const char *file, GError **error)
{
  g_autofree char *dir = user_workflow_dir ();
  g_autofree char *path = g_build_filename (dir, file, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return reel_comfyui_workflow_new_from_file (path, error);
}

typedef ReelComfyuiWorkflow *(*Loader) (const char *file, GError **error);

/* Fills the variants from @load; TRUE when it found any (or failed). */
static gboolean
resolve_with (Loader                load,
              const char           *name,
              ReelComfyuiWorkflow **text_to_video,
              ReelComfyuiWorkflow **image_to_video,
              GError              **error)
{
  g_autofree char *single = g_strconcat (name, ".json", NULL);
  g_autofree char *t2v = g_strconcat (name, "-t2v.json", NULL);
  g_autofree char *i2v = g_strconcat (name, "-i2v.json", NULL);
  g_autoptr (ReelComfyuiWorkflow) workflow = NULL;
  GError *local_error = NULL;

  if ((workflow = load (single, &local_error)) != NULL)
    {
      if (reel_comfyui_workflow_is_image_to_video (workflow))
        *image_to_video = g_steal_pointer (&workflow);
      else
        *text_to_video = g_steal_pointer (&workflow);
      return TRUE;
    }
  if (local_error == NULL)
    *text_to_video = load (t2v, &local_error);
  if (local_error == NULL)
    *image_to_video = load (i2v, &local_error);
  if (local_error != NULL)
    {
      g_clear_object (text_to_video);
      g_clear_object (image_to_video);
      g_propagate_error (error, local_error);
      return TRUE;
    }
  return *text_to_video != NULL || *image_to_video != NULL;
}

gboolean
reel_comfyui_workflow_resolve (const char           *name_or_path,
                               ReelComfyuiWorkflow **text_to_video,
                               ReelComfyuiWorkflow **image_to_video,
                               GError              **error)
{
  g_autoptr (ReelComfyuiWorkflow) workflow = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (name_or_path != NULL, FALSE);
  *text_to_video = NULL;
  *image_to_video = NULL;

  if (strchr (name_or_path, G_DIR_SEPARATOR) != NULL || g_str_has_suffix (name_or_path, ".json"))
    {
      if ((workflow = reel_comfyui_workflow_new_from_file (name_or_path, error)) == NULL)
        return FALSE;
      if (reel_comfyui_workflow_is_image_to_video (workflow))
        *image_to_video = g_steal_pointer (&workflow);
      else
        *text_to_video = g_steal_pointer (&workflow);
      return TRUE;
    }

  if (resolve_with (load_shipped, name_or_path, text_to_video, image_to_video, &local_error)
      || resolve_with (load_user, name_or_path, text_to_video, image_to_video, &local_error))
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, local_error);
      return FALSE;
    }

  {
    g_auto (GStrv) names = reel_comfyui_workflow_list_names ();
    g_autofree char *known = g_strjoinv (", ", names);

    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("There is no ComfyUI workflow called “%s”. Storyreel has %s; give the path "
                    "of a workflow file for another one."),
                 name_or_path, known);
  }
  return FALSE;
}

static void
add_family_names (GPtrArray *names, char **files)
{
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    {
      g_autofree char *name = NULL;

      if (!g_str_has_suffix (files[i], ".json"))
        continue;
      name = name_of_file (files[i]);
      if (g_str_has_suffix (name, "-t2v") || g_str_has_suffix (name, "-i2v"))
        name[strlen (name) - strlen ("-t2v")] = '\0';
      if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

GStrv
reel_comfyui_workflow_list_names (void)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) user = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) shipped = g_resource_enumerate_children (
      reel_generate_get_resource (), RESOURCE_DIR, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *dir = user_workflow_dir ();
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr (GStrvBuilder) files = g_strv_builder_new ();
  g_auto (GStrv) user_files = NULL;
  const char *entry;

  add_family_names (names, shipped);
  g_ptr_array_sort (names, compare_names);

  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    g_strv_builder_add (files, entry);
  user_files = g_strv_builder_end (files);
  add_family_names (user, user_files);
  g_ptr_array_sort (user, compare_names);
  for (guint i = 0; i < user->len; i++)
    if (!g_ptr_array_find_with_equal_func (names, user->pdata[i], g_str_equal, NULL))
      g_ptr_array_add (names, g_strdup (user->pdata[i]));

  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Properties                                                                */

const char *
reel_comfyui_workflow_get_name (ReelComfyuiWorkflow *self)
{
  g_return_val_if_fail (REEL_IS_COMFYUI_WORKFLOW (self), NULL);
  return self->name;
}

gboolean
reel_comfyui_workflow_is_image_to_video (ReelComfyuiWorkflow *self)
{
  g_return_val_if_fail (REEL_IS_COMFYUI_WORKFLOW (self), FALSE);
  return g_hash_table_contains (self->used, "start_image");
}

JsonObject *
reel_comfyui_workflow_get_graph (ReelComfyuiWorkflow *self)
{
  g_return_val_if_fail (REEL_IS_COMFYUI_WORKFLOW (self), NULL);
  return self->graph;
}

/* ------------------------------------------------------------------------ */
/* Filling                                                                   */

static guint
round_to_step (double value)
{
  return (guint) MAX (SIZE_STEP, lround (value / SIZE_STEP) * SIZE_STEP);
}

void
reel_comfyui_workflow_plan (ReelComfyuiWorkflow  *self,
                            const ReelJobRequest *request,
                            guint                 steps,
                            ReelComfyuiJobValues *values)
{
  double scale = 1.0;
  glong  frames;

  g_return_if_fail (REEL_IS_COMFYUI_WORKFLOW (self));

  *values = (ReelComfyuiJobValues){ 0 };
  values->prompt = request->prompt;
  values->negative_prompt = request->negative_prompt != NULL && *request->negative_prompt != '\0'
                                ? request->negative_prompt
                                : NULL;

  /* The shot's shape, in about as many pixels as the model works at, and
   * never more than the shot has. */
  if (self->width > 0 && self->height > 0 && request->width > 0 && request->height > 0)
    scale = MIN (1.0, sqrt ((double) self->width * self->height
                            / ((double) request->width * request->height)));
  values->width = round_to_step (MAX (request->width, 1) * scale);
  values->height = round_to_step (MAX (request->height, 1) * scale);

  /* Wan makes 4n + 1 frames: the count nearest the shot's length at the
   * rate the clip is made at. */
  values->fps = self->fps > 0 ? self->fps : MAX (request->fps, 1);
  frames = lround (request->duration * values->fps);
  values->frames = (guint) MAX (((frames + 1) / 4) * 4 + 1, MIN_FRAMES);

  values->steps = steps > 0 ? steps : self->steps;
  values->split_step = MAX (values->steps / 2, 1);
  values->seed = request->seed >= 0 ? request->seed : g_random_int_range (1, G_MAXINT32);
}

static gint64
number_value (const ReelComfyuiJobValues *values, const char *name)
{
  if (g_str_equal (name, "width"))
    return values->width;
  if (g_str_equal (name, "height"))
    return values->height;
  if (g_str_equal (name, "frames"))
    return values->frames;
  if (g_str_equal (name, "fps"))
    return values->fps;
  if (g_str_equal (name, "seed"))
    return values->seed;
  if (g_str_equal (name, "steps"))
    return values->steps;
  if (g_str_equal (name, "split_step"))
    return values->split_step;
  g_return_val_if_reached (0);
}

static const char *
text_value (const ReelComfyuiJobValues *values, const char *name, const char *fallback)
{
  const char *value = NULL;

  if (g_str_equal (name, "prompt"))
    value = values->prompt;
  else if (g_str_equal (name, "negative_prompt"))
    value = values->negative_prompt;
  else if (g_str_equal (name, "start_image"))
    value = values->start_image;
  if (value == NULL)
    value = fallback;
  return value != NULL ? value : "";
}

/* The input's new value, or NULL when it has no placeholder. */
static JsonNode *
fill_text (const char *text, const ReelComfyuiJobValues *values)
{
  g_autoptr (GString) filled = NULL;
  gsize start, end, from = 0;
  char *raw_name, *raw_fallback;

  while (next_placeholder (text, from, &start, &end, &raw_name, &raw_fallback))
    {
      g_autofree char       *name = raw_name;
      g_autofree char       *fallback = raw_fallback;
      const PlaceholderInfo *info = lookup_placeholder (name);

      if (filled == NULL)
        filled = g_string_new (NULL);
      g_string_append_len (filled, text + from, start - from);
      from = end;

      /* Checked on load: a number is the whole value. */
      if (info != NULL && info->kind == KIND_NUMBER)
        return json_node_init_int (json_node_alloc (), number_value (values, name));
      if (info != NULL)
        g_string_append (filled, text_value (values, name, fallback));
    }
  if (filled == NULL)
    return NULL;
  g_string_append (filled, text + from);
  return json_node_init_string (json_node_alloc (), filled->str);
}

JsonObject *
reel_comfyui_workflow_fill (ReelComfyuiWorkflow *self, const ReelComfyuiJobValues *values)
{
  g_autoptr (JsonNode) copy = NULL;
  JsonObject *graph;
  g_autoptr (GList) ids = NULL;

  g_return_val_if_fail (REEL_IS_COMFYUI_WORKFLOW (self), NULL);

  /* A deep copy for each job: json_node_copy() would share the objects, and
   * filling them in would change the workflow under every other job. */
  copy = json_from_string (self->text, NULL);
  graph = json_node_get_object (copy);
  ids = json_object_get_members (graph);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *inputs = json_object_get_object_member (
          json_object_get_object_member (graph, l->data), "inputs");
      g_autoptr (GList) names = json_object_get_members (inputs);

      for (GList *n = names; n != NULL; n = n->next)
        {
          JsonNode *value = json_object_get_member (inputs, n->data);
          JsonNode *filled;

          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
            continue;
          if ((filled = fill_text (json_node_get_string (value), values)) != NULL)
            json_object_set_member (inputs, n->data, filled);
        }
    }
  return json_object_ref (graph);
}

/* ------------------------------------------------------------------------ */
/* What a graph asks of a server                                             */

const char *
reel_comfyui_model_folder (const char *class_type, const char *input)
{
  for (guint i = 0; i < G_N_ELEMENTS (model_inputs); i++)
    if (g_strcmp0 (model_inputs[i].class_type, class_type) == 0
        && g_strcmp0 (model_inputs[i].input, input) == 0)
      return model_inputs[i].folder;
  return NULL;
}

static double
input_number (JsonObject *inputs, const char *name, double fallback)
{
  JsonNode *node = inputs != NULL ? json_object_get_member (inputs, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return fallback;
}

GHashTable *
reel_comfyui_graph_sampler_steps (JsonObject *graph)
{
  GHashTable *steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GList) ids = json_object_get_members (graph);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonNode   *node = json_object_get_member (graph, l->data);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode   *inputs_node = object != NULL ? json_object_get_member (object, "inputs") : NULL;
      JsonObject *inputs = inputs_node != NULL && JSON_NODE_HOLDS_OBJECT (inputs_node)
                               ? json_node_get_object (inputs_node)
                               : NULL;
      double      total = input_number (inputs, "steps", -1);
      double      run;

      if (total <= 0)
        continue;
      /* KSamplerAdvanced runs only its part of the schedule, and reports
       * that many steps. */
      run = MIN (input_number (inputs, "end_at_step", total), total)
            - MAX (input_number (inputs, "start_at_step", 0), 0);
      if (run >= 1)
        g_hash_table_insert (steps, g_strdup (l->data), GUINT_TO_POINTER ((guint) run));
    }
  return steps;
}
