/* reel-exporter-copy.c: a film export without re-encoding the pictures
 *
 * When nothing is drawn over or between the takes and they share one H.264
 * format, their streams are joined unchanged; only the sound is encoded
 * again. Soft subtitles are added the same way: the rendered film is
 * remuxed with a text track, its streams copied.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/app/app.h>
#include <math.h>

#include "reel-captions.h"
#include "reel-exporter-private.h"

/* Stream copy */

static gboolean
close_enough (double a, double b, double tolerance)
{
  return fabs (a - b) <= tolerance;
}

/* What rules out copying the takes before looking at them: the options,
 * and anything drawn over or between the pictures. */
gboolean
reel_exporter_copy_ruled_out (ReelExporter *self)
{
  const ReelCut *cut = self->cut;

  if (!self->options.allow_stream_copy || self->options.format != REEL_EXPORT_FORMAT_MP4)
    return TRUE;
  if (self->options.captions == REEL_CAPTION_MODE_BURN && cut->cues->len > 0)
    return TRUE;
  if (cut->logo != NULL)
    return TRUE;
  if (reel_cut_has_ai_generated (cut)
      && reel_exporter_label_position (self) != REEL_LABEL_POSITION_NONE)
    return TRUE;
  for (guint i = 1; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      if (item->transition != REEL_TRANSITION_CUT && item->transition_duration > 0)
        return TRUE;
    }
  return FALSE;
}

/* Whether the takes' pictures can be joined without decoding: MP4 H.264
 * takes with the very same stream parameters, each whole, joined by plain
 * cuts, with nothing drawn over them. (Music is fine: the sound is mixed and
 * encoded anyway.) The visible AI label is drawn, so a
 * film with AI-generated shots is only copied with the label turned off
 * ("none"); its tags and provenance sidecar still mark it. */
gboolean
reel_exporter_can_copy_streams (ReelExporter *self)
{
  const ReelCut *cut = self->cut;
  const char    *video_caps = NULL;
  double         frame;

  if (reel_exporter_copy_ruled_out (self))
    return FALSE;

  frame = 1.0 / MAX (self->fps, 1);
  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      if (item->media_path == NULL || item->media_is_image || item->media_video_caps == NULL)
        return FALSE;
      if (g_strcmp0 (item->media_container, "video/quicktime") != 0
          || g_strcmp0 (item->media_video_codec, "video/x-h264") != 0)
        return FALSE;
      if (item->media_width != self->width || item->media_height != self->height
          || !close_enough (item->media_fps, self->fps, 0.01))
        return FALSE;
      /* Whole takes only: a trim would need a cut on a keyframe. */
      if (item->in_point > frame / 2
          || !close_enough (item->out_point, item->media_duration, frame))
        return FALSE;
      if (i == 0)
        video_caps = item->media_video_caps;
      else if (g_strcmp0 (video_caps, item->media_video_caps) != 0)
        return FALSE;
    }

  return cut->items->len > 0;
}

typedef struct
{
  GstPad     *video_sink;
  GstPad     *audio_sink;
  GstElement *bin;
} DemuxLinks;

static void
demux_links_free (gpointer data)
{
  DemuxLinks *links = data;

  gst_clear_object (&links->video_sink);
  gst_clear_object (&links->audio_sink);
  g_free (links);
}

static void
link_to_fakesink (GstElement *bin, GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "async", FALSE, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (bin), sink);
  gst_element_sync_state_with_parent (sink);
  gst_pad_link (pad, sink_pad);
}

/* Links a demuxer's new pad to the waiting sink pad of its kind; pads nobody
 * wants go to a fakesink, so the demuxer never stops on "not linked". */
static void
demux_pad_added_cb (GstElement *demux, GstPad *pad, gpointer user_data)
{
  DemuxLinks *links = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name = caps != NULL ? gst_structure_get_name (gst_caps_get_structure (caps, 0)) : "";
  GstPad    **target = NULL;

  if (g_str_has_prefix (name, "video/"))
    target = &links->video_sink;
  else if (g_str_has_prefix (name, "audio/"))
    target = &links->audio_sink;

  if (target != NULL && *target != NULL && !gst_pad_is_linked (*target))
    {
      if (gst_pad_link (pad, *target) != GST_PAD_LINK_OK)
        g_warning ("Cannot link %s", name);
      return;
    }

  link_to_fakesink (links->bin, pad);
}

static GstElement *
make_element (const char *factory, GError **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    g_set_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MISSING_PLUGIN,
                 _ ("The GStreamer element “%s” is not installed."), factory);
  return element;
}

/* A queue that never blocks: streams from one demuxer feed a muxer that
 * waits for all of them. */
static GstElement *
make_unlimited_queue (void)
{
  GstElement *queue = gst_element_factory_make ("queue", NULL);

  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0, "max-size-time", (guint64) 0,
                NULL);
  return queue;
}

static gboolean
join_failed (GError **error)
{
  g_set_error_literal (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                       _ ("The takes cannot be joined without re-encoding."));
  return FALSE;
}

static GESTimeline *
build_sound_timeline (ReelExporter *self, GError **error)
{
  ReelTimelineOptions timeline_options;

  reel_timeline_options_init (&timeline_options);
  timeline_options.width = self->width;
  timeline_options.height = self->height;
  timeline_options.fps = self->fps;
  timeline_options.extra_music = self->options.extra_music;
  timeline_options.audio_only = TRUE;
  return reel_cut_build_timeline (self->cut, &timeline_options, error);
}

/* The film's muxer and file: the pictures go into @video_concat, the sound
 * into @mux's audio pad. */
static gboolean
add_muxing (ReelExporter *self,
            GstElement   *pipeline,
            GstElement  **video_concat,
            GstElement  **mux,
            GError      **error)
{
  GstElement *video_parse, *video_queue, *sink;

  if (!(*video_concat = make_element ("concat", error))
      || !(video_parse = make_element ("h264parse", error))
      || !(*mux = make_element ("mp4mux", error)) || !(sink = make_element ("filesink", error)))
    return FALSE;
  video_queue = make_unlimited_queue ();
  g_object_set (sink, "location", self->render_path, NULL);
  g_object_set (*mux, "faststart", TRUE, NULL);
  reel_exporter_apply_tags (self, *mux);
  gst_bin_add_many (GST_BIN (pipeline), *video_concat, video_parse, video_queue, *mux, sink, NULL);
  if (!gst_element_link_many (*video_concat, video_parse, video_queue, NULL)
      || !gst_element_link_pads (video_queue, "src", *mux, "video_%u")
      || !gst_element_link (*mux, sink))
    return join_failed (error);
  return TRUE;
}

/* The sound of @timeline, an audio-only GES timeline, encoded into @mux. */
static gboolean
add_mixed_sound (GstElement *pipeline, GESTimeline *timeline, GstElement *mux, GError **error)
{
  g_autoptr (GList) tracks = ges_timeline_get_tracks (timeline);
  g_autoptr (GstPad) convert_sink = NULL;
  GstElement *audio_convert, *audio_resample, *audio_encoder, *audio_queue;
  GstPad     *timeline_pad;

  if (!(audio_convert = make_element ("audioconvert", error))
      || !(audio_resample = make_element ("audioresample", error))
      || !(audio_encoder = make_element (reel_exporter_pick_copy_aac_encoder (), error)))
    return FALSE;
  g_object_set (audio_encoder, "bitrate", 192000, NULL);
  audio_queue = make_unlimited_queue ();
  gst_bin_add_many (GST_BIN (pipeline), GST_ELEMENT (timeline), audio_convert, audio_resample,
                    audio_encoder, audio_queue, NULL);
  if (!gst_element_link_many (audio_convert, audio_resample, audio_encoder, audio_queue, NULL)
      || !gst_element_link_pads (audio_queue, "src", mux, "audio_%u"))
    return join_failed (error);

  timeline_pad = tracks != NULL ? ges_timeline_get_pad_for_track (timeline, tracks->data) : NULL;
  g_list_foreach (tracks, (GFunc) (void (*) (void)) gst_object_unref, NULL);
  if (timeline_pad == NULL)
    return join_failed (error);
  convert_sink = gst_element_get_static_pad (audio_convert, "sink");
  if (gst_pad_link (timeline_pad, convert_sink) != GST_PAD_LINK_OK)
    return join_failed (error);
  return TRUE;
}

/* The sound already encoded in the MP4 file at @path, copied into @mux. */
static gboolean
add_sound_file (GstElement *pipeline, const char *path, GstElement *mux, GError **error)
{
  GstElement *source, *demux, *parse, *queue;
  DemuxLinks *links;

  if (!(source = make_element ("filesrc", error)) || !(demux = make_element ("qtdemux", error))
      || !(parse = make_element ("aacparse", error)))
    return FALSE;
  queue = make_unlimited_queue ();
  g_object_set (source, "location", path, NULL);
  gst_bin_add_many (GST_BIN (pipeline), source, demux, parse, queue, NULL);
  if (!gst_element_link (source, demux) || !gst_element_link (parse, queue)
      || !gst_element_link_pads (queue, "src", mux, "audio_%u"))
    return join_failed (error);

  links = g_new0 (DemuxLinks, 1);
  links->bin = pipeline;
  links->audio_sink = gst_element_get_static_pad (parse, "sink");
  g_signal_connect_data (demux, "pad-added", G_CALLBACK (demux_pad_added_cb), links,
                         (GClosureNotify) (void (*) (void)) demux_links_free, 0);
  return TRUE;
}

/* Each file read and parsed into the next sink pad of @video_concat. */
static gboolean
add_pictures (GPtrArray *paths, GstElement *pipeline, GstElement *video_concat, GError **error)
{
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      GstElement *source = gst_element_factory_make ("filesrc", NULL);
      GstElement *demux = gst_element_factory_make ("qtdemux", NULL);
      GstElement *parse = gst_element_factory_make ("h264parse", NULL);
      DemuxLinks *links = g_new0 (DemuxLinks, 1);
      g_autoptr (GstPad) parse_src = NULL;
      g_autoptr (GstPad) video_sink = NULL;

      g_object_set (source, "location", path, NULL);
      gst_bin_add_many (GST_BIN (pipeline), source, demux, parse, NULL);
      gst_element_link (source, demux);

      /* Concat plays its sink pads in the order they were requested. */
      parse_src = gst_element_get_static_pad (parse, "src");
      video_sink = gst_element_request_pad_simple (video_concat, "sink_%u");
      if (gst_pad_link (parse_src, video_sink) != GST_PAD_LINK_OK)
        return join_failed (error);

      links->bin = pipeline;
      links->video_sink = gst_element_get_static_pad (parse, "sink");
      g_signal_connect_data (demux, "pad-added", G_CALLBACK (demux_pad_added_cb), links,
                             (GClosureNotify) (void (*) (void)) demux_links_free, 0);
    }
  return TRUE;
}

/* The takes' H.264 streams joined unchanged, in order. The sound comes from
 * an audio-only GES timeline of the same cut (the takes' sound placed
 * exactly under their pictures, silence where they have none, the music
 * mixed in) and is encoded once more: cheap next to the picture, and exact,
 * where joining the takes' AAC frames would drift by their padding. */
GstElement *
reel_exporter_build_copy_pipeline (ReelExporter *self, GESTimeline **timeline, GError **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();

  for (guint i = 0; i < self->cut->items->len; i++)
    g_ptr_array_add (paths, ((ReelCutItem *) g_ptr_array_index (self->cut->items, i))->media_path);
  return reel_exporter_build_join_pipeline (self, paths, NULL, timeline, error);
}

GstElement *
reel_exporter_build_join_pipeline (ReelExporter *self,
                                   GPtrArray    *paths,
                                   const char   *sound_path,
                                   GESTimeline **timeline,
                                   GError      **error)
{
  g_autoptr (GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("storyreel-copy"));
  GstElement *video_concat = NULL;
  GstElement *mux = NULL;

  if (!add_muxing (self, pipeline, &video_concat, &mux, error))
    return NULL;
  if (sound_path != NULL)
    {
      if (!add_sound_file (pipeline, sound_path, mux, error))
        return NULL;
    }
  else if (!(*timeline = build_sound_timeline (self, error))
           || !add_mixed_sound (pipeline, *timeline, mux, error))
    return NULL;
  if (!add_pictures (paths, pipeline, video_concat, error))
    return NULL;
  return g_steal_pointer (&pipeline);
}

GstElement *
reel_exporter_build_sound_pipeline (ReelExporter *self,
                                    const char   *path,
                                    GESTimeline **timeline,
                                    GError      **error)
{
  g_autoptr (GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("storyreel-sound"));
  GstElement *mux, *sink;

  if (!(mux = make_element ("mp4mux", error)) || !(sink = make_element ("filesink", error)))
    return NULL;
  g_object_set (sink, "location", path, NULL);
  gst_bin_add_many (GST_BIN (pipeline), mux, sink, NULL);
  if (!gst_element_link (mux, sink))
    {
      join_failed (error);
      return NULL;
    }
  if (!(*timeline = build_sound_timeline (self, error))
      || !add_mixed_sound (pipeline, *timeline, mux, error))
    return NULL;
  return g_steal_pointer (&pipeline);
}

/* Soft subtitles: the film again, with a text track */

static void
push_subtitles (ReelExporter *self, GstElement *appsrc)
{
  gboolean     mp4 = self->options.format == REEL_EXPORT_FORMAT_MP4;
  GstClockTime position = 0;

  g_autoptr (GPtrArray) events = reel_captions_layout (self->cut);

  for (guint i = 0; i < events->len; i++)
    {
      const ReelCaptionEvent *event = g_ptr_array_index (events, i);
      const char             *text = event->text;
      GstClockTime start = gst_util_uint64_scale (llround (event->start * 1000), GST_MSECOND, 1);
      GstClockTime duration
          = gst_util_uint64_scale (llround (event->duration * 1000), GST_MSECOND, 1);
      GstBuffer *buffer;
      gsize      length = strlen (text);

      /* MP4 text samples last until the next one: an empty sample clears the
       * screen between cues. */
      if (mp4 && start > position)
        {
          GstBuffer *gap = gst_buffer_new ();

          GST_BUFFER_PTS (gap) = GST_BUFFER_DTS (gap) = position;
          GST_BUFFER_DURATION (gap) = start - position;
          gst_app_src_push_buffer (GST_APP_SRC (appsrc), gap);
        }

      buffer = gst_buffer_new_wrapped (g_strndup (text, length), length);
      GST_BUFFER_PTS (buffer) = GST_BUFFER_DTS (buffer) = start;
      GST_BUFFER_DURATION (buffer) = duration;
      gst_app_src_push_buffer (GST_APP_SRC (appsrc), buffer);
      position = start + duration;
    }

  if (mp4 && position < self->film_duration)
    {
      GstBuffer *gap = gst_buffer_new ();

      GST_BUFFER_PTS (gap) = GST_BUFFER_DTS (gap) = position;
      GST_BUFFER_DURATION (gap) = self->film_duration - position;
      gst_app_src_push_buffer (GST_APP_SRC (appsrc), gap);
    }
  gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
}

static GstElement *
build_remux_pipeline (ReelExporter *self, const char *input, GError **error)
{
  g_autoptr (GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("storyreel-remux"));
  gboolean    mp4 = self->options.format == REEL_EXPORT_FORMAT_MP4;
  GstElement *source, *demux, *mux, *sink, *appsrc, *text_queue;
  DemuxLinks *links;
  g_autoptr (GstCaps) text_caps
      = gst_caps_new_simple ("text/x-raw", "format", G_TYPE_STRING, "utf8", NULL);

  if (!(source = make_element ("filesrc", error))
      || !(demux = make_element (mp4 ? "qtdemux" : "matroskademux", error))
      || !(mux = make_element (mp4 ? "mp4mux" : "webmmux", error))
      || !(sink = make_element ("filesink", error)) || !(appsrc = make_element ("appsrc", error)))
    return NULL;

  g_object_set (source, "location", input, NULL);
  g_object_set (sink, "location", self->render_path, NULL);
  g_object_set (appsrc, "caps", text_caps, "format", GST_FORMAT_TIME, NULL);
  if (mp4)
    g_object_set (mux, "faststart", TRUE, NULL);
  reel_exporter_apply_tags (self, mux);
  text_queue = make_unlimited_queue ();
  gst_bin_add_many (GST_BIN (pipeline), source, demux, mux, sink, appsrc, text_queue, NULL);
  if (!gst_element_link (source, demux) || !gst_element_link (mux, sink)
      || !gst_element_link (appsrc, text_queue)
      || !gst_element_link_pads (text_queue, "src", mux, "subtitle_%u"))
    {
      g_set_error_literal (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                           _ ("The subtitle track cannot be added to this film."));
      return NULL;
    }

  links = g_new0 (DemuxLinks, 1);
  links->bin = pipeline;
  for (guint i = 0; i < 2; i++)
    {
      GstElement *queue = make_unlimited_queue ();
      g_autoptr (GstPad) queue_src = gst_element_get_static_pad (queue, "src");
      g_autoptr (GstPad) mux_sink
          = gst_element_request_pad_simple (mux, i == 0 ? "video_%u" : "audio_%u");

      gst_bin_add (GST_BIN (pipeline), queue);
      gst_pad_link (queue_src, mux_sink);
      if (i == 0)
        links->video_sink = gst_element_get_static_pad (queue, "sink");
      else
        links->audio_sink = gst_element_get_static_pad (queue, "sink");
    }
  g_signal_connect_data (demux, "pad-added", G_CALLBACK (demux_pad_added_cb), links,
                         (GClosureNotify) (void (*) (void)) demux_links_free, 0);

  push_subtitles (self, appsrc);
  return g_steal_pointer (&pipeline);
}

static void
remux_done (ReelExporter *self, G_GNUC_UNUSED gpointer unused)
{
  g_unlink (self->remux_path);
  g_clear_pointer (&self->remux_path, g_free);
  reel_exporter_finish_film (self);
}

void
reel_exporter_start_remux (ReelExporter *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  char *output;

  /* The render becomes the input, removed once read; a second reserved name
   * takes the output, which becomes the film. */
  output = reel_exporter_reserve_temporary (self->output_path, ".subtitled", &error);
  if (output == NULL)
    {
      reel_exporter_fail (self, g_steal_pointer (&error));
      return;
    }
  self->remux_path = g_steal_pointer (&self->reserved_path);
  self->reserved_path = output;
  g_free (self->render_path);
  self->render_path = g_strdup (output);

  reel_exporter_set_stage (self, N_ ("Adding subtitles"), 0.98);
  pipeline = build_remux_pipeline (self, self->remux_path, &error);
  if (pipeline == NULL
      || !reel_exporter_play_pipeline (self, pipeline, NULL, self->film_duration, 0, remux_done,
                                       NULL, NULL, &error))
    reel_exporter_fail (self, g_steal_pointer (&error));
}
