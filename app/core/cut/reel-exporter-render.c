/* reel-exporter-render.c: the render of a film export
 *
 * The cut becomes a film in one pipeline: the GES timeline rendered with
 * the encoding profile, or, when nothing forces a re-encode, the takes'
 * streams joined unchanged (reel-exporter-copy.c). With the segment cache,
 * the pictures are encoded as segments instead and joined the same way
 * (reel-exporter-segments.c). Soft subtitles follow in a remux of their
 * own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-exporter-private.h"

void
reel_exporter_render_done (ReelExporter *self, G_GNUC_UNUSED gpointer unused)
{
  if (self->options.captions == REEL_CAPTION_MODE_SOFT && self->cut->cues->len > 0)
    reel_exporter_start_remux (self);
  else
    reel_exporter_finish_film (self);
}

GstElement *
reel_exporter_render_timeline (ReelExporter *self,
                               GESTimeline  *timeline,
                               const char   *path,
                               gboolean      with_audio,
                               GError      **error)
{
  g_autoptr (GstEncodingProfile) profile = reel_exporter_make_profile (self, with_audio);
  g_autoptr (GstElement) pipeline = NULL;
  g_autofree char *uri = gst_filename_to_uri (path, NULL);
  GESPipeline     *ges_pipeline = gst_object_ref_sink (ges_pipeline_new ());

  pipeline = GST_ELEMENT (ges_pipeline);
  reel_exporter_configure_encoders (self, pipeline);
  if (!ges_pipeline_set_timeline (ges_pipeline, timeline)
      || !ges_pipeline_set_render_settings (ges_pipeline, uri, profile)
      || !ges_pipeline_set_mode (ges_pipeline, GES_PIPELINE_MODE_RENDER))
    {
      g_set_error_literal (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                           _ ("The film cannot be set up for rendering."));
      return NULL;
    }
  reel_exporter_set_video_encoder (self, reel_exporter_find_video_encoder (pipeline));
  return g_steal_pointer (&pipeline);
}

/* The GES timeline of the cut, put in @timeline, rendered in a
 * GESPipeline. */
static GstElement *
build_render_pipeline (ReelExporter *self, GESTimeline **timeline, GError **error)
{
  ReelTimelineOptions timeline_options;
  GstClockTime        duration;

  reel_timeline_options_init (&timeline_options);
  timeline_options.width = self->width;
  timeline_options.height = self->height;
  timeline_options.fps = self->fps;
  timeline_options.burn_captions = self->options.captions == REEL_CAPTION_MODE_BURN;
  timeline_options.ai_label_position = reel_exporter_label_position (self);
  timeline_options.extra_music = self->options.extra_music;

  *timeline = reel_cut_build_timeline (self->cut, &timeline_options, error);
  if (*timeline == NULL)
    return NULL;

  duration = ges_timeline_get_duration (*timeline);
  if (GST_CLOCK_TIME_IS_VALID (duration) && duration > 0)
    self->film_duration = duration;
  return reel_exporter_render_timeline (self, *timeline, self->render_path, TRUE, error);
}

void
reel_exporter_start_render (ReelExporter *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GESTimeline) timeline = NULL;

  self->render_attempt++;
  self->x264_threads = 0;
  self->film_duration = reel_frames_to_time (llround (self->cut->duration * self->fps), self->fps);
  g_clear_pointer (&self->tags, gst_tag_list_unref);
  self->tags = reel_exporter_make_tags (self);
  g_free (self->render_path);
  self->render_path = g_strdup (self->reserved_path);

  if (reel_exporter_can_copy_streams (self))
    {
      reel_exporter_set_stream_copied (self, TRUE);
      reel_exporter_set_stage (self, N_ ("Copying video"), 0.95);
      pipeline = reel_exporter_build_copy_pipeline (self, &timeline, &error);
    }
  else if (reel_exporter_can_encode_segments (self))
    {
      reel_exporter_start_segments (self);
      return;
    }
  else
    {
      reel_exporter_set_stage (self, N_ ("Encoding"), 0.95);
      pipeline = build_render_pipeline (self, &timeline, &error);
    }

  if (pipeline == NULL
      || !reel_exporter_play_pipeline (self, pipeline, g_steal_pointer (&timeline),
                                       self->film_duration, 0, reel_exporter_render_done, NULL,
                                       NULL, &error))
    reel_exporter_fail (self, g_steal_pointer (&error));
}
