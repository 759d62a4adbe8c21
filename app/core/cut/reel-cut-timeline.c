/* reel-cut-timeline.c: the cut as a GES timeline, for preview and export
 *
 * Two layers: the shots (auto-transition turns overlaps into crossfades)
 * and the music. Burned captions and the "AI-generated" label are drawn on
 * the video track's output by a ReelCaptionBurner. Positions are whole
 * frames of the output rate, so cut points land on frame boundaries.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/controller/gstinterpolationcontrolsource.h>
#include <math.h>

#include "reel-caption-burner.h"
#include "reel-captions.h"
#include "reel-cut-logo.h"
#include "reel-cut-timeline.h"

GQuark
reel_cut_timeline_error_quark (void)
{
  return g_quark_from_static_string ("reel-cut-timeline-error-quark");
}

static const char *const label_position_names[] = {
  [REEL_LABEL_POSITION_NONE] = "none",
  [REEL_LABEL_POSITION_TOP_LEFT] = "top-left",
  [REEL_LABEL_POSITION_TOP_RIGHT] = "top-right",
  [REEL_LABEL_POSITION_BOTTOM_LEFT] = "bottom-left",
  [REEL_LABEL_POSITION_BOTTOM_RIGHT] = "bottom-right",
};

const char *
reel_label_position_to_string (ReelLabelPosition position)
{
  if ((guint) position >= G_N_ELEMENTS (label_position_names))
    return "bottom-right";
  return label_position_names[position];
}

gboolean
reel_label_position_from_string (const char *str, ReelLabelPosition *position)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (label_position_names); i++)
    {
      if (g_ascii_strcasecmp (str, label_position_names[i]) == 0)
        {
          if (position != NULL)
            *position = (ReelLabelPosition) i;
          return TRUE;
        }
    }
  return FALSE;
}

void
reel_timeline_options_init (ReelTimelineOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->ai_label_position = REEL_LABEL_POSITION_BOTTOM_RIGHT;
}

GstClockTime
reel_frames_to_time (gint64 frames, guint fps)
{
  return gst_util_uint64_scale (MAX (frames, 0), GST_SECOND, MAX (fps, 1));
}

static gint64
seconds_to_frames (double seconds, guint fps)
{
  if (!(seconds > 0))
    return 0;
  return (gint64) llround (seconds * fps);
}

static GstClockTime
seconds_to_time (double seconds)
{
  if (!(seconds > 0))
    return 0;
  return (GstClockTime) llround (seconds * GST_SECOND);
}

/* Without crossfades no two pictures are ever blended, so the video track
 * needs no compositor: each frame then skips its conversion to and from the
 * mixer's format, which is most of the cost of an export beside encoding.
 * Captions and the label are operations, applied with or without mixing. */
static void
disable_video_mixing_without_crossfades (GESTimeline *timeline, const ReelCut *cut)
{
  for (guint i = 1; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      if (item->transition == REEL_TRANSITION_CROSSFADE && item->transition_duration > 0)
        return;
    }

  for (GList *l = timeline->tracks; l != NULL; l = l->next)
    if (GES_IS_VIDEO_TRACK (l->data))
      ges_track_set_mixing (GES_TRACK (l->data), FALSE);
}

/* GES makes each overlap a "crossfade", whose two pictures fade out and in
 * with their alphas summing to one and blend with "source" and "add" so the
 * result stays opaque. In GES 1.22 the transition's mixer takes each
 * picture's blending operator from the clip's frame positioner instead,
 * which is "over": the half-transparent result then lets the black under the
 * track show through, and the middle of the fade dips to three quarters of
 * the brightness. The "fade-in" transition keeps the outgoing picture opaque
 * under the incoming one, which "over" blends linearly: each frame is
 * (1 - t) × outgoing + t × incoming, whatever operator the mixer ends up
 * with. */
static void
make_crossfades_linear (GESLayer *layer)
{
  GList *clips = ges_layer_get_clips (layer);

  for (GList *l = clips; l != NULL; l = l->next)
    if (GES_IS_TRANSITION_CLIP (l->data))
      g_object_set (l->data, "vtype", GES_VIDEO_STANDARD_TRANSITION_TYPE_FADE_IN, NULL);
  g_list_free_full (clips, gst_object_unref);
}

static void
set_track_restrictions (GESTimeline *timeline, guint width, guint height, guint fps)
{
  GList *tracks = ges_timeline_get_tracks (timeline);

  for (GList *l = tracks; l != NULL; l = l->next)
    {
      GESTrack *track = l->data;
      g_autoptr (GstCaps) caps = NULL;

      if (track->type == GES_TRACK_TYPE_VIDEO)
        caps = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, (int) width, "height",
                                    G_TYPE_INT, (int) height, "framerate", GST_TYPE_FRACTION,
                                    (int) fps, 1, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                    NULL);
      else if (track->type == GES_TRACK_TYPE_AUDIO)
        caps = gst_caps_new_simple ("audio/x-raw", "rate", G_TYPE_INT, 48000, "channels",
                                    G_TYPE_INT, 2, NULL);
      if (caps != NULL)
        ges_track_set_restriction_caps (track, caps);
    }
  g_list_free_full (tracks, g_object_unref);
}

/* Loading the assets ahead */

typedef struct
{
  guint pending;
} LoadAssets;

static void
asset_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoadAssets *load = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  /* No result: the call that closes the loop in reel_cut_load_assets_async(). */
  g_autoptr (GESAsset) asset = result != NULL ? ges_asset_request_finish (result, &error) : NULL;

  if (result != NULL && asset == NULL)
    g_debug ("Cannot load an asset ahead: %s", error->message);

  if (--load->pending > 0)
    return;
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

void
reel_cut_load_assets_async (const ReelCut             *cut,
                            const ReelTimelineOptions *options,
                            GCancellable              *cancellable,
                            GAsyncReadyCallback        callback,
                            gpointer                   user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (GHashTable) paths = g_hash_table_new (g_str_hash, g_str_equal);
  LoadAssets    *load = g_new0 (LoadAssets, 1);
  GHashTableIter iter;
  gpointer       path;

  g_return_if_fail (cut != NULL);

  g_task_set_source_tag (task, reel_cut_load_assets_async);
  g_task_set_task_data (task, load, g_free);
  if (g_task_return_error_if_cancelled (task))
    return;

  for (guint i = 0; i < cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (cut->items, i);
      if (item->media_path != NULL)
        g_hash_table_add (paths, item->media_path);
    }
  for (guint i = 0; i < cut->music->len; i++)
    g_hash_table_add (paths, ((ReelMusicTrack *) g_ptr_array_index (cut->music, i))->path);
  if (options != NULL && options->extra_music != NULL)
    g_hash_table_add (paths, (gpointer) options->extra_music);

  load->pending = 1;
  g_hash_table_iter_init (&iter, paths);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      g_autofree char *uri = gst_filename_to_uri (path, NULL);

      if (uri == NULL)
        continue;
      load->pending++;
      ges_asset_request_async (GES_TYPE_URI_CLIP, uri, cancellable, asset_loaded_cb,
                               g_object_ref (task));
    }
  /* The one that stands for the loop itself. */
  asset_loaded_cb (NULL, NULL, g_object_ref (task));
}

gboolean
reel_cut_load_assets_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Building */

/* The same file used twice is one asset. */
static GESUriClipAsset *
request_asset (GHashTable *assets, const char *path, GError **error)
{
  GESUriClipAsset *asset = g_hash_table_lookup (assets, path);
  g_autofree char *uri = NULL;
  g_autoptr (GError) local_error = NULL;

  if (asset != NULL)
    return asset;

  uri = gst_filename_to_uri (path, &local_error);
  if (uri != NULL)
    asset = ges_uri_clip_asset_request_sync (uri, &local_error);
  if (asset == NULL)
    {
      g_autofree char *basename = g_path_get_basename (path);

      g_set_error (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA,
                   _ ("“%s” cannot be played (%s). Generate or import the take again."), basename,
                   local_error != NULL ? local_error->message : _ ("unknown error"));
      return NULL;
    }

  g_hash_table_insert (assets, g_strdup (path), asset);
  return asset;
}

static gboolean
add_shots (GESLayer      *layer,
           GHashTable    *assets,
           const ReelCut *cut,
           guint          fps,
           gboolean       audio_only,
           GError       **error)
{
  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);
      GESUriClipAsset   *asset;
      GstClockTime       start, end, inpoint, max_duration;
      g_autoptr (GError) local_error = NULL;
      GESClip *clip;

      if (item->media_path == NULL)
        {
          g_set_error (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA,
                       _ ("Shot %s has no picture yet."), item->shot_number);
          return FALSE;
        }

      if (!(asset = request_asset (assets, item->media_path, error)))
        return FALSE;
      if (audio_only
          && !(ges_clip_asset_get_supported_formats (GES_CLIP_ASSET (asset))
               & GES_TRACK_TYPE_AUDIO))
        continue;

      start = reel_frames_to_time (seconds_to_frames (item->start, fps), fps);
      end = reel_frames_to_time (seconds_to_frames (item->start + item->duration, fps), fps);
      if (end <= start)
        end = start + reel_frames_to_time (1, fps);

      if (ges_uri_clip_asset_is_image (asset))
        inpoint = 0;
      else
        {
          inpoint = seconds_to_time (item->in_point);
          max_duration = ges_uri_clip_asset_get_max_duration (asset);
          /* A take a fraction of a frame shorter than its recorded length
           * ends where its media does. */
          if (GST_CLOCK_TIME_IS_VALID (max_duration))
            {
              if (inpoint >= max_duration)
                inpoint = 0;
              if (end - start > max_duration - inpoint)
                end = start + (max_duration - inpoint);
            }
        }

      clip = ges_layer_add_asset_full (layer, GES_ASSET (asset), start, inpoint, end - start,
                                       audio_only ? GES_TRACK_TYPE_AUDIO : GES_TRACK_TYPE_UNKNOWN,
                                       &local_error);
      if (clip == NULL)
        {
          g_set_error (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA,
                       _ ("Shot %s cannot be placed in the timeline: %s"), item->shot_number,
                       local_error != NULL ? local_error->message : _ ("unknown error"));
          return FALSE;
        }
      g_debug ("Shot %s at %" GST_TIME_FORMAT " for %" GST_TIME_FORMAT " from %" GST_TIME_FORMAT,
               item->shot_number, GST_TIME_ARGS (start), GST_TIME_ARGS (end - start),
               GST_TIME_ARGS (inpoint));
    }

  return TRUE;
}

GstPad *
reel_cut_timeline_get_video_pad (GESTimeline *timeline)
{
  GESTrack *video_track = NULL;

  g_return_val_if_fail (GES_IS_TIMELINE (timeline), NULL);

  for (GList *l = timeline->tracks; l != NULL; l = l->next)
    if (GES_IS_VIDEO_TRACK (l->data))
      video_track = l->data;
  return video_track != NULL ? ges_timeline_get_pad_for_track (timeline, video_track) : NULL;
}

/* Burned captions and the label are drawn by a probe on the timeline's
 * video pad (see reel-caption-burner.c), not by clips. */
static gboolean
attach_caption_burner (GESTimeline               *timeline,
                       const ReelCut             *cut,
                       const ReelTimelineOptions *options,
                       GstClockTime               film_duration,
                       guint                      fps,
                       GError                   **error)
{
  g_autoptr (ReelCaptionBurner) burner = reel_caption_burner_new ();
  GstPad *pad;

  if (options->burn_captions)
    {
      g_autoptr (GPtrArray) events = reel_captions_layout (cut);

      for (guint i = 0; i < events->len; i++)
        {
          const ReelCaptionEvent *event = g_ptr_array_index (events, i);
          GstClockTime start = reel_frames_to_time (seconds_to_frames (event->start, fps), fps);
          GstClockTime end
              = reel_frames_to_time (seconds_to_frames (event->start + event->duration, fps), fps);

          reel_caption_burner_add_cue (burner, start, MIN (end, film_duration), event->text);
        }
    }

  if (options->ai_label_position != REEL_LABEL_POSITION_NONE
      && (options->ai_generated_film || reel_cut_has_ai_generated (cut)))
    {
      static const ReelCaptionCorner corners[] = {
        [REEL_LABEL_POSITION_NONE] = REEL_CAPTION_CORNER_BOTTOM_RIGHT,
        [REEL_LABEL_POSITION_TOP_LEFT] = REEL_CAPTION_CORNER_TOP_LEFT,
        [REEL_LABEL_POSITION_TOP_RIGHT] = REEL_CAPTION_CORNER_TOP_RIGHT,
        [REEL_LABEL_POSITION_BOTTOM_LEFT] = REEL_CAPTION_CORNER_BOTTOM_LEFT,
        [REEL_LABEL_POSITION_BOTTOM_RIGHT] = REEL_CAPTION_CORNER_BOTTOM_RIGHT,
      };

      reel_caption_burner_set_label (burner, _ ("AI-generated"),
                                     corners[options->ai_label_position]);
    }

  if (reel_caption_burner_is_empty (burner))
    return TRUE;

  pad = reel_cut_timeline_get_video_pad (timeline);
  if (pad == NULL)
    {
      g_set_error_literal (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA,
                           _ ("Captions cannot be drawn on the picture: the film has no "
                              "video track."));
      return FALSE;
    }
  reel_caption_burner_attach (g_steal_pointer (&burner), pad);
  return TRUE;
}

/* Volume and fades. The fade is a linear ramp of the volume element's own
 * "volume" property, keyed in the source's time (which starts at its
 * in-point, 0 here). */
static void
apply_music_volume (GESClip *clip, const ReelMusicTrack *music, GstClockTime duration)
{
  GList *elements = ges_clip_find_track_elements (clip, NULL, GES_TRACK_TYPE_AUDIO, G_TYPE_NONE);
  double volume = CLAMP (music->volume, 0.0, 10.0);
  GstClockTime fade_in = MIN (seconds_to_time (music->fade_in), duration);
  GstClockTime fade_out = MIN (seconds_to_time (music->fade_out), duration - fade_in);

  for (GList *l = elements; l != NULL; l = l->next)
    {
      GESTrackElement *element = l->data;

      if (fade_in == 0 && fade_out == 0)
        {
          ges_timeline_element_set_child_properties (GES_TIMELINE_ELEMENT (element), "volume",
                                                     volume, NULL);
          continue;
        }

      {
        g_autoptr (GstControlSource) source = gst_interpolation_control_source_new ();
        GstTimedValueControlSource *timed = GST_TIMED_VALUE_CONTROL_SOURCE (source);

        g_object_set (source, "mode", GST_INTERPOLATION_MODE_LINEAR, NULL);
        gst_timed_value_control_source_set (timed, 0, fade_in > 0 ? 0.0 : volume);
        if (fade_in > 0)
          gst_timed_value_control_source_set (timed, fade_in, volume);
        if (fade_out > 0)
          {
            gst_timed_value_control_source_set (timed, duration - fade_out, volume);
            gst_timed_value_control_source_set (timed, duration, 0.0);
          }
        else
          gst_timed_value_control_source_set (timed, duration, volume);

        if (!ges_track_element_set_control_source (element, source, "volume", "direct-absolute"))
          g_warning ("Cannot fade the music “%s”", music->name);
      }
    }
  g_list_free_full (elements, gst_object_unref);
}

static gboolean
add_music (GESLayer             *layer,
           GHashTable           *assets,
           const ReelMusicTrack *music,
           GstClockTime          film_duration,
           GError              **error)
{
  GESUriClipAsset *asset = request_asset (assets, music->path, error);
  GstClockTime     start = seconds_to_time (music->start_offset);
  GstClockTime     duration;
  g_autoptr (GError) local_error = NULL;
  GESClip *clip;

  if (asset == NULL)
    return FALSE;
  if (start >= film_duration)
    return TRUE;

  duration = ges_uri_clip_asset_get_max_duration (asset);
  if (!GST_CLOCK_TIME_IS_VALID (duration))
    duration = ges_uri_clip_asset_get_duration (asset);
  if (!GST_CLOCK_TIME_IS_VALID (duration) || duration > film_duration - start)
    duration = film_duration - start;

  clip = ges_layer_add_asset_full (layer, GES_ASSET (asset), start, 0, duration,
                                   GES_TRACK_TYPE_AUDIO, &local_error);
  if (clip == NULL)
    {
      g_set_error (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA,
                   _ ("The music “%s” cannot be added: %s"), music->name,
                   local_error != NULL ? local_error->message : _ ("unknown error"));
      return FALSE;
    }

  apply_music_volume (clip, music, duration);
  return TRUE;
}

static gboolean
check_can_build (const ReelCut *cut, GError **error)
{
  if (cut->items->len == 0)
    {
      g_set_error_literal (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_EMPTY,
                           _ ("The film has no shots yet. Import a script first."));
      return FALSE;
    }

  if (!ges_init ())
    {
      g_set_error_literal (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA,
                           _ ("GStreamer Editing Services cannot start. Install "
                              "libges-1.0-0 and gstreamer1.0-plugins-base."));
      return FALSE;
    }
  return TRUE;
}

/* A plain reference for the caller, not a floating one. */
static GESTimeline *
create_timeline (gboolean audio_only)
{
  GESTimeline *timeline;

  if (audio_only)
    {
      timeline = gst_object_ref_sink (ges_timeline_new ());
      ges_timeline_add_track (timeline, GES_TRACK (ges_audio_track_new ()));
    }
  else
    timeline = gst_object_ref_sink (ges_timeline_new_audio_video ());
  return timeline;
}

/* Silence under the whole film, so the sound lasts as long as the picture
 * even where the last takes have none. */
static gboolean
add_silence (GESTimeline *timeline, GstClockTime film_duration, GError **error)
{
  GESTestClip *silence = ges_test_clip_new ();

  ges_test_clip_set_mute (silence, TRUE);
  ges_timeline_element_set_start (GES_TIMELINE_ELEMENT (silence), 0);
  ges_timeline_element_set_duration (GES_TIMELINE_ELEMENT (silence), film_duration);
  return ges_layer_add_clip_full (ges_timeline_append_layer (timeline), GES_CLIP (silence), error);
}

/* The project's music, then the music given for this export only. */
static gboolean
add_all_music (GESLayer      *layer,
               GHashTable    *assets,
               const ReelCut *cut,
               const char    *extra_music,
               GstClockTime   film_duration,
               GError       **error)
{
  for (guint i = 0; i < cut->music->len; i++)
    if (!add_music (layer, assets, g_ptr_array_index (cut->music, i), film_duration, error))
      return FALSE;

  if (extra_music != NULL)
    {
      g_autoptr (ReelMusicTrack) extra = reel_music_track_new ();

      extra->path = g_strdup (extra_music);
      extra->name = g_path_get_basename (extra_music);
      if (!add_music (layer, assets, extra, film_duration, error))
        return FALSE;
    }
  return TRUE;
}

GESTimeline *
reel_cut_build_timeline (const ReelCut *cut, const ReelTimelineOptions *options, GError **error)
{
  g_autoptr (GESTimeline) timeline = NULL;
  g_autoptr (GHashTable) assets = NULL;
  ReelTimelineOptions defaults;
  GESLayer           *shots_layer, *music_layer;
  const ReelCutItem  *last;
  guint               width, height, fps;
  GstClockTime        film_duration;

  g_return_val_if_fail (cut != NULL, NULL);

  if (options == NULL)
    {
      reel_timeline_options_init (&defaults);
      options = &defaults;
    }

  if (!check_can_build (cut, error))
    return NULL;

  width = (options->width > 0 ? options->width : cut->width) & ~1u;
  height = (options->height > 0 ? options->height : cut->height) & ~1u;
  fps = options->fps > 0 ? options->fps : MAX (cut->fps, 1);
  if (width < 16 || height < 16)
    {
      g_set_error_literal (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_INVALID,
                           _ ("The frame size is too small: choose at least 16×16 pixels."));
      return NULL;
    }

  timeline = create_timeline (options->audio_only);
  set_track_restrictions (timeline, width, height, fps);
  disable_video_mixing_without_crossfades (timeline, cut);
  assets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  shots_layer = ges_timeline_append_layer (timeline);
  music_layer = ges_timeline_append_layer (timeline);
  ges_layer_set_auto_transition (shots_layer, TRUE);

  if (!add_shots (shots_layer, assets, cut, fps, options->audio_only, error))
    return NULL;
  make_crossfades_linear (shots_layer);

  last = g_ptr_array_index (cut->items, cut->items->len - 1);
  film_duration = reel_frames_to_time (seconds_to_frames (last->start + last->duration, fps), fps);

  if (options->audio_only && !add_silence (timeline, film_duration, error))
    return NULL;
  /* The logo first, so that captions and the label are drawn over it. */
  if (!options->audio_only && cut->logo != NULL
      && !reel_cut_logo_attach (timeline, cut->logo, error))
    return NULL;
  if (!options->audio_only
      && !attach_caption_burner (timeline, cut, options, film_duration, fps, error))
    return NULL;
  if (!add_all_music (music_layer, assets, cut, options->extra_music, film_duration, error))
    return NULL;

  ges_timeline_commit (timeline);
  return g_steal_pointer (&timeline);
}
