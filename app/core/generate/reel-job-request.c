/* reel-job-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "reel-job-request.h"

ReelJobRequest *
reel_job_request_new (void)
{
  ReelJobRequest *request = g_new0 (ReelJobRequest, 1);

  request->width = 1280;
  request->height = 720;
  request->fps = 24;
  request->duration = 4.0;
  request->captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  return request;
}

ReelJobRequest *
reel_job_request_copy (const ReelJobRequest *request)
{
  ReelJobRequest *copy = g_memdup2 (request, sizeof *request);

  copy->prompt = g_strdup (request->prompt);
  copy->negative_prompt = g_strdup (request->negative_prompt);
  copy->model = g_strdup (request->model);
  copy->start_image = g_strdup (request->start_image);
  copy->end_image = g_strdup (request->end_image);
  copy->start_from = g_strdup (request->start_from);
  copy->start_frame_of = g_strdup (request->start_frame_of);
  copy->segment_clips = g_strdupv (request->segment_clips);
  copy->start_note = g_strdup (request->start_note);
  copy->scene_heading = g_strdup (request->scene_heading);
  copy->shot_number = g_strdup (request->shot_number);
  copy->text = g_strdup (request->text);
  copy->language = g_strdup (request->language);
  copy->captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  for (guint i = 0; request->captions != NULL && i < request->captions->len; i++)
    g_ptr_array_add (copy->captions, reel_caption_copy (g_ptr_array_index (request->captions, i)));
  return copy;
}

void
reel_job_request_free (ReelJobRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->prompt);
  g_free (request->negative_prompt);
  g_free (request->model);
  g_free (request->start_image);
  g_free (request->end_image);
  g_free (request->start_frame_of);
  g_free (request->start_from);
  g_strfreev (request->segment_clips);
  g_free (request->start_note);
  g_free (request->scene_heading);
  g_free (request->shot_number);
  g_free (request->text);
  g_free (request->language);
  g_clear_pointer (&request->captions, g_ptr_array_unref);
  g_free (request);
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

char *
reel_job_request_to_json (const ReelJobRequest *request)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "shot_id");
  json_builder_add_int_value (builder, request->shot_id);
  add_string (builder, "prompt", request->prompt);
  add_string (builder, "negative_prompt", request->negative_prompt);
  add_string (builder, "model", request->model);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, request->width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, request->height);
  json_builder_set_member_name (builder, "fps");
  json_builder_add_int_value (builder, request->fps);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, request->duration);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, request->seed);
  add_string (builder, "camera", reel_camera_move_to_string (request->camera));
  add_string (builder, "start_image", request->start_image);
  add_string (builder, "end_image", request->end_image);
  if (request->previous_shot_id != 0)
    {
      json_builder_set_member_name (builder, "previous_shot_id");
      json_builder_add_int_value (builder, request->previous_shot_id);
    }
  add_string (builder, "start_from", request->start_from);
  if (request->start_source_id != 0)
    {
      json_builder_set_member_name (builder, "start_source_id");
      json_builder_add_int_value (builder, request->start_source_id);
    }
  if (request->n_segments > 1)
    {
      json_builder_set_member_name (builder, "segment");
      json_builder_add_int_value (builder, request->segment);
      json_builder_set_member_name (builder, "n_segments");
      json_builder_add_int_value (builder, request->n_segments);
    }
  add_string (builder, "scene_heading", request->scene_heading);
  add_string (builder, "shot_number", request->shot_number);
  add_string (builder, "text", request->text);
  add_string (builder, "language", request->language);
  json_builder_set_member_name (builder, "captions");
  json_builder_begin_array (builder);
  for (guint i = 0; request->captions != NULL && i < request->captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (request->captions, i);

      json_builder_begin_object (builder);
      add_string (builder, "speaker", caption->speaker);
      add_string (builder, "text", caption->text);
      json_builder_set_member_name (builder, "parenthetical");
      json_builder_add_boolean_value (builder, caption->parenthetical);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
dup_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

ReelJobRequest *
reel_job_request_new_from_json (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (ReelJobRequest) request = NULL;
  g_autofree char *camera = NULL;
  JsonObject      *object;
  JsonArray       *captions;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _ ("The job has no request recorded."));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("The job’s recorded request is damaged."));
      return NULL;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  request = reel_job_request_new ();
  request->shot_id = json_object_get_int_member_with_default (object, "shot_id", 0);
  request->prompt = dup_member (object, "prompt");
  request->negative_prompt = dup_member (object, "negative_prompt");
  request->model = dup_member (object, "model");
  request->width = json_object_get_int_member_with_default (object, "width", 1280);
  request->height = json_object_get_int_member_with_default (object, "height", 720);
  request->fps = json_object_get_int_member_with_default (object, "fps", 24);
  request->duration = json_object_get_double_member_with_default (object, "duration", 4.0);
  request->seed = json_object_get_int_member_with_default (object, "seed", 0);
  camera = dup_member (object, "camera");
  if (!reel_camera_move_from_string (camera, &request->camera))
    request->camera = REEL_CAMERA_STATIC;
  request->start_image = dup_member (object, "start_image");
  request->end_image = dup_member (object, "end_image");
  request->previous_shot_id
      = json_object_get_int_member_with_default (object, "previous_shot_id", 0);
  request->start_from = dup_member (object, "start_from");
  request->start_source_id = json_object_get_int_member_with_default (object, "start_source_id", 0);
  request->segment = json_object_get_int_member_with_default (object, "segment", 0);
  request->n_segments = json_object_get_int_member_with_default (object, "n_segments", 0);
  request->scene_heading = dup_member (object, "scene_heading");
  request->shot_number = dup_member (object, "shot_number");
  request->text = dup_member (object, "text");
  request->language = dup_member (object, "language");

  captions = json_object_has_member (object, "captions")
                 ? json_object_get_array_member (object, "captions")
                 : NULL;
  for (guint i = 0; captions != NULL && i < json_array_get_length (captions); i++)
    {
      JsonObject      *caption = json_array_get_object_element (captions, i);
      g_autofree char *speaker = NULL;
      g_autofree char *text = NULL;

      if (caption == NULL)
        continue;
      speaker = dup_member (caption, "speaker");
      text = dup_member (caption, "text");
      g_ptr_array_add (request->captions,
                       reel_caption_new (speaker, text,
                                         json_object_get_boolean_member_with_default (
                                             caption, "parenthetical", FALSE)));
    }

  return g_steal_pointer (&request);
}
