/* reel-otio.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "reel-interchange-private.h"
#include "reel-otio.h"

static void
add_rational_time (JsonBuilder *builder, gint64 frames, guint fps)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "OTIO_SCHEMA");
  json_builder_add_string_value (builder, "RationalTime.1");
  json_builder_set_member_name (builder, "rate");
  json_builder_add_double_value (builder, fps);
  json_builder_set_member_name (builder, "value");
  json_builder_add_double_value (builder, (double) frames);
  json_builder_end_object (builder);
}

static void
add_time_range (JsonBuilder *builder, gint64 start, gint64 duration, guint fps)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "OTIO_SCHEMA");
  json_builder_add_string_value (builder, "TimeRange.1");
  json_builder_set_member_name (builder, "duration");
  add_rational_time (builder, duration, fps);
  json_builder_set_member_name (builder, "start_time");
  add_rational_time (builder, start, fps);
  json_builder_end_object (builder);
}

static void
set_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
set_int (JsonBuilder *builder, const char *name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
set_double (JsonBuilder *builder, const char *name, double value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
set_bool (JsonBuilder *builder, const char *name, gboolean value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
set_empty_array (JsonBuilder *builder, const char *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
}

static void
set_empty_object (JsonBuilder *builder, const char *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
}

/* The members every OTIO Item has, after its schema and name. */
static void
set_item_defaults (JsonBuilder *builder)
{
  set_empty_array (builder, "effects");
  set_empty_array (builder, "markers");
  set_bool (builder, "enabled", TRUE);
}

static void
add_captions (JsonBuilder *builder, GPtrArray *captions)
{
  json_builder_begin_array (builder);
  for (guint i = 0; captions != NULL && i < captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (captions, i);

      json_builder_begin_object (builder);
      set_string (builder, "speaker", caption->speaker);
      set_string (builder, "text", caption->text);
      set_bool (builder, "parenthetical", caption->parenthetical);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_item_metadata (JsonBuilder *builder, const ReelCutItem *item)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "storyreel");
  json_builder_begin_object (builder);
  set_int (builder, "shot_id", item->shot_id);
  set_string (builder, "shot_number", item->shot_number);
  set_string (builder, "scene_heading", item->scene_heading);
  set_string (builder, "text", item->text);
  set_string (builder, "camera", reel_camera_move_to_string (item->camera));
  set_double (builder, "duration", item->duration);
  set_double (builder, "in_point", item->in_point);
  set_double (builder, "out_point", item->out_point);
  set_string (builder, "transition", reel_transition_to_string (item->transition));
  set_double (builder, "transition_duration", item->transition_duration);
  json_builder_set_member_name (builder, "take_id");
  if (item->take_id > 0)
    json_builder_add_int_value (builder, item->take_id);
  else
    json_builder_add_null_value (builder);
  set_string (builder, "backend", item->backend);
  set_string (builder, "model", item->model);
  set_string (builder, "prompt", item->prompt);
  set_int (builder, "seed", item->seed);
  set_bool (builder, "ai_generated", item->ai_generated);
  set_bool (builder, "animatic_fallback", item->animatic_fallback || item->media_path == NULL);
  set_string (builder, "media_sha256", item->media_sha256);
  json_builder_set_member_name (builder, "captions");
  add_captions (builder, item->captions);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_external_reference (JsonBuilder *builder, const char *path, gint64 available_frames, guint fps)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autofree char *name = g_path_get_basename (absolute);

  json_builder_begin_object (builder);
  set_string (builder, "OTIO_SCHEMA", "ExternalReference.1");
  set_empty_object (builder, "metadata");
  set_string (builder, "name", name);
  json_builder_set_member_name (builder, "available_range");
  if (available_frames > 0)
    add_time_range (builder, 0, available_frames, fps);
  else
    json_builder_add_null_value (builder); /* a still lasts as long as it is shown */
  json_builder_set_member_name (builder, "available_image_bounds");
  json_builder_add_null_value (builder);
  set_string (builder, "target_url", uri != NULL ? uri : absolute);
  json_builder_end_object (builder);
}

static void
add_shot_item (JsonBuilder         *builder,
               const ReelCut       *cut,
               const ReelCutItem   *item,
               const ReelFrameSpan *span)
{
  g_autofree char *name = reel_cut_item_dup_display_name (item);
  gint64           length = span->cut_out - span->cut_in;

  json_builder_begin_object (builder);
  if (item->media_path != NULL)
    {
      gint64 source_start = span->source_in + (span->cut_in - span->record_in);
      gint64 available
          = item->media_is_image ? 0 : reel_seconds_to_frames (item->media_duration, cut->fps);

      set_string (builder, "OTIO_SCHEMA", "Clip.1");
      json_builder_set_member_name (builder, "metadata");
      add_item_metadata (builder, item);
      set_string (builder, "name", name);
      json_builder_set_member_name (builder, "source_range");
      add_time_range (builder, source_start, length, cut->fps);
      set_item_defaults (builder);
      json_builder_set_member_name (builder, "media_reference");
      add_external_reference (builder, item->media_path, available, cut->fps);
    }
  else
    {
      /* The animatic card is not rendered yet: hold its place and timing. */
      set_string (builder, "OTIO_SCHEMA", "Gap.1");
      json_builder_set_member_name (builder, "metadata");
      add_item_metadata (builder, item);
      set_string (builder, "name", name);
      json_builder_set_member_name (builder, "source_range");
      add_time_range (builder, 0, length, cut->fps);
      set_item_defaults (builder);
    }
  json_builder_end_object (builder);
}

static void
add_transition (JsonBuilder         *builder,
                const ReelFrameSpan *previous,
                const ReelFrameSpan *span,
                guint                fps)
{
  json_builder_begin_object (builder);
  set_string (builder, "OTIO_SCHEMA", "Transition.1");
  set_empty_object (builder, "metadata");
  set_string (builder, "name", "Crossfade");
  set_string (builder, "transition_type", "SMPTE_Dissolve");
  /* Centred on the cut point: in_offset reaches back into the outgoing item,
   * out_offset forward into the incoming one. */
  json_builder_set_member_name (builder, "in_offset");
  add_rational_time (builder, span->cut_in - span->record_in, fps);
  json_builder_set_member_name (builder, "out_offset");
  add_rational_time (builder, previous->record_out - span->cut_in, fps);
  json_builder_end_object (builder);
}

/* A Track.1 up to its children, which the caller adds. */
static void
begin_track (JsonBuilder *builder, const char *name)
{
  json_builder_begin_object (builder);
  set_string (builder, "OTIO_SCHEMA", "Track.1");
  set_empty_object (builder, "metadata");
  set_string (builder, "name", name);
  json_builder_set_member_name (builder, "source_range");
  json_builder_add_null_value (builder);
  set_item_defaults (builder);
  json_builder_set_member_name (builder, "children");
  json_builder_begin_array (builder);
}

/* @kind: "Video" or "Audio" */
static void
end_track (JsonBuilder *builder, const char *kind)
{
  json_builder_end_array (builder);
  set_string (builder, "kind", kind);
  json_builder_end_object (builder);
}

static void
add_video_track (JsonBuilder *builder, const ReelCut *cut, const ReelFrameSpan *spans)
{
  begin_track (builder, "Shots");
  for (guint i = 0; i < cut->items->len; i++)
    {
      if (i > 0 && spans[i].transition > 0)
        add_transition (builder, &spans[i - 1], &spans[i], cut->fps);
      add_shot_item (builder, cut, g_ptr_array_index (cut->items, i), &spans[i]);
    }
  end_track (builder, "Video");
}

static void
add_music_track (JsonBuilder          *builder,
                 const ReelCut        *cut,
                 const ReelMusicTrack *music,
                 gint64                total_frames)
{
  gint64           offset = reel_seconds_to_frames (music->start_offset, cut->fps);
  g_autofree char *name
      = music->name != NULL ? g_strdup (music->name) : g_path_get_basename (music->path);

  begin_track (builder, name);

  if (offset > 0)
    {
      json_builder_begin_object (builder);
      set_string (builder, "OTIO_SCHEMA", "Gap.1");
      set_empty_object (builder, "metadata");
      set_string (builder, "name", "");
      json_builder_set_member_name (builder, "source_range");
      add_time_range (builder, 0, offset, cut->fps);
      set_item_defaults (builder);
      json_builder_end_object (builder);
    }

  /* The music plays until the film ends; its own length is not known here. */
  json_builder_begin_object (builder);
  set_string (builder, "OTIO_SCHEMA", "Clip.1");
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "storyreel");
  json_builder_begin_object (builder);
  set_int (builder, "music_id", music->id);
  set_double (builder, "start_offset", music->start_offset);
  set_double (builder, "volume", music->volume);
  set_double (builder, "fade_in", music->fade_in);
  set_double (builder, "fade_out", music->fade_out);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  set_string (builder, "name", name);
  json_builder_set_member_name (builder, "source_range");
  add_time_range (builder, 0, total_frames - offset, cut->fps);
  set_item_defaults (builder);
  json_builder_set_member_name (builder, "media_reference");
  add_external_reference (builder, music->path, 0, cut->fps);
  json_builder_end_object (builder);

  end_track (builder, "Audio");
}

static void
add_marker (JsonBuilder *builder, const ReelCut *cut, const ReelMarker *marker)
{
  const char      *comment = marker->comment != NULL ? marker->comment : "";
  g_autofree char *name = g_strndup (comment, strcspn (comment, "\r\n"));
  gint64           frame = reel_seconds_to_frames (marker->time, cut->fps);

  json_builder_begin_object (builder);
  set_string (builder, "OTIO_SCHEMA", "Marker.2");
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "storyreel");
  json_builder_begin_object (builder);
  set_int (builder, "marker_id", marker->id);
  json_builder_set_member_name (builder, "shot_id");
  if (marker->shot_id > 0)
    json_builder_add_int_value (builder, marker->shot_id);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  set_string (builder, "name", name);
  set_string (builder, "color", "RED");
  /* OTIO renamed "range" to "marked_range"; readers of either find theirs. */
  json_builder_set_member_name (builder, "marked_range");
  add_time_range (builder, frame, 0, cut->fps);
  json_builder_set_member_name (builder, "range");
  add_time_range (builder, frame, 0, cut->fps);
  set_string (builder, "comment", comment);
  json_builder_end_object (builder);
}

static void
add_timeline_metadata (JsonBuilder *builder, const ReelCut *cut)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "storyreel");
  json_builder_begin_object (builder);
  set_int (builder, "format", 1);
  set_string (builder, "generator", PACKAGE_NAME " " PACKAGE_VERSION);
  set_string (builder, "title", cut->title);
  set_int (builder, "width", cut->width);
  set_int (builder, "height", cut->height);
  set_int (builder, "fps", cut->fps);
  set_string (builder, "language", cut->language);
  set_double (builder, "duration", cut->duration);
  json_builder_set_member_name (builder, "captions");
  json_builder_begin_array (builder);
  for (guint i = 0; cut->cues != NULL && i < cut->cues->len; i++)
    {
      const ReelCutCue *cue = g_ptr_array_index (cut->cues, i);

      json_builder_begin_object (builder);
      set_int (builder, "shot_id", cue->shot_id);
      set_double (builder, "start", cue->start);
      set_double (builder, "duration", cue->duration);
      set_string (builder, "speaker", cue->speaker);
      set_string (builder, "text", cue->text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

char *
reel_otio_to_string (const ReelCut *cut)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree ReelFrameSpan *spans = NULL;
  gint64                    total_frames = 0;

  g_return_val_if_fail (cut != NULL, NULL);
  g_return_val_if_fail (cut->fps > 0, NULL);

  spans = reel_frame_spans_compute (cut, &total_frames);

  json_builder_begin_object (builder);
  set_string (builder, "OTIO_SCHEMA", "Timeline.1");
  json_builder_set_member_name (builder, "metadata");
  add_timeline_metadata (builder, cut);
  set_string (builder, "name", cut->title != NULL ? cut->title : "");
  json_builder_set_member_name (builder, "global_start_time");
  json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "tracks");
  json_builder_begin_object (builder);
  set_string (builder, "OTIO_SCHEMA", "Stack.1");
  set_empty_object (builder, "metadata");
  set_string (builder, "name", "tracks");
  json_builder_set_member_name (builder, "source_range");
  json_builder_add_null_value (builder);
  set_empty_array (builder, "effects");
  /* Markers live on the stack, so their times are the film's times. */
  json_builder_set_member_name (builder, "markers");
  json_builder_begin_array (builder);
  for (guint i = 0; cut->markers != NULL && i < cut->markers->len; i++)
    add_marker (builder, cut, g_ptr_array_index (cut->markers, i));
  json_builder_end_array (builder);
  set_bool (builder, "enabled", TRUE);
  json_builder_set_member_name (builder, "children");
  json_builder_begin_array (builder);
  add_video_track (builder, cut, spans);
  for (guint i = 0; cut->music != NULL && i < cut->music->len; i++)
    {
      const ReelMusicTrack *music = g_ptr_array_index (cut->music, i);
      gint64                offset = reel_seconds_to_frames (music->start_offset, cut->fps);

      if (music->path != NULL && offset < total_frames)
        add_music_track (builder, cut, music, total_frames);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 4);
  return json_generator_to_data (generator, NULL);
}

gboolean
reel_otio_write (const ReelCut *cut, const char *path, GError **error)
{
  g_autofree char *contents = NULL;

  g_return_val_if_fail (cut != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cut->fps == 0)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("Could not export the timeline “%s”: the project has no frame rate."), name);
      return FALSE;
    }

  contents = reel_otio_to_string (cut);
  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0666, error))
    {
      g_autofree char *name = g_filename_display_name (path);

      g_prefix_error (error, _ ("Could not save the timeline “%s”: "), name);
      return FALSE;
    }
  return TRUE;
}
