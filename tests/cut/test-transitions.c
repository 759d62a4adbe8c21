/* test-transitions.c: what a viewer sees across the transitions of an exported film
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/app/app.h>
#include <gst/video/video.h>
#include <math.h>

#include "cut-fixtures.h"
#include "reel-exporter.h"
#include "reel-test-utils.h"

#define WIDTH 320
#define HEIGHT 180
#define FPS 30
/* The animatic card's paper, and a colour far from it on every channel. */
#define PAPER 0xf3efe6
#define INK 0x284078
/* Flat colours survive H.264 and the conversions to and from YUV within a
 * few levels. (A fade that dips towards black is 45 levels off in the
 * middle.) */
#define LEVEL_TOLERANCE 5.0

typedef struct
{
  double time; /* seconds */
  double mean[3];
} Frame;

/* The mean of each channel of every frame of @path, decoded to RGB. */
static GArray *
decode_frame_means (const char *path)
{
  g_autofree char *uri = gst_filename_to_uri (path, NULL);
  g_autofree char *line = g_strdup_printf ("uridecodebin uri=\"%s\" ! videoconvert ! "
                                           "video/x-raw,format=RGB ! appsink name=sink sync=false",
                                           uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, &error);
  g_autoptr (GstElement) sink = NULL;
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (Frame));

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);

  for (;;)
    {
      /* Bounded: a stalled decoder fails the test instead of hanging it. */
      g_autoptr (GstSample) sample
          = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 30 * GST_SECOND);
      GstVideoInfo  info;
      GstVideoFrame video;
      Frame         frame = { 0 };

      if (sample == NULL)
        {
          g_assert_true (gst_app_sink_is_eos (GST_APP_SINK (sink)));
          break;
        }
      g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
      g_assert_true (
          gst_video_frame_map (&video, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
      for (int y = 0; y < GST_VIDEO_INFO_HEIGHT (&info); y++)
        {
          const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&video, 0)
                              + y * GST_VIDEO_FRAME_PLANE_STRIDE (&video, 0);

          for (int x = 0; x < GST_VIDEO_INFO_WIDTH (&info); x++)
            for (int c = 0; c < 3; c++)
              frame.mean[c] += row[x * 3 + c];
        }
      for (int c = 0; c < 3; c++)
        frame.mean[c] /= (double) GST_VIDEO_INFO_WIDTH (&info) * GST_VIDEO_INFO_HEIGHT (&info);
      frame.time = (double) GST_BUFFER_PTS (gst_sample_get_buffer (sample)) / GST_SECOND;
      gst_video_frame_unmap (&video);
      g_array_append_val (frames, frame);
    }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  return frames;
}

static double
channel (guint32 rgb, int c)
{
  return (rgb >> (16 - 8 * c)) & 0xff;
}

/* A crossfade keeps the weights of the two pictures summing to one: every
 * frame of it is the linear blend of the two, never darker than both, and
 * the weight is the same on every channel. */
static void
test_crossfade_is_linear (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *paper = g_build_filename (dir, "paper.mp4", NULL);
  g_autofree char *ink = g_build_filename (dir, "ink.mp4", NULL);
  g_autofree char *output = g_build_filename (dir, "film.mp4", NULL);
  g_autoptr (ReelCut) cut = reel_cut_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) frames = NULL;
  ReelExportOptions options;
  ReelCutItem      *second;
  const double      fade_start = 0.5, fade_duration = 0.5;
  const Frame      *first, *last;
  guint             in_fade = 0;

  reel_fixture_make_solid_take (paper, PAPER, WIDTH, HEIGHT, FPS, 1.0, FALSE);
  reel_fixture_make_solid_take (ink, INK, WIDTH, HEIGHT, FPS, 1.0, FALSE);

  cut->title = g_strdup ("Crossfade");
  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  reel_fixture_add_item (cut, paper, 1.0, "import");
  second = reel_fixture_add_item (cut, ink, 1.0, "import");
  second->transition = REEL_TRANSITION_CROSSFADE;
  second->transition_duration = fade_duration;
  reel_cut_layout (cut);
  g_assert_cmpfloat_with_epsilon (second->start, fade_start, 1e-9);

  reel_export_options_init (&options);
  options.format = REEL_EXPORT_FORMAT_MP4;
  options.captions = REEL_CAPTION_MODE_OFF;
  options.caption_sidecars = FALSE;
  options.allow_stream_copy = FALSE;
  options.x264_speed_preset = g_strdup ("ultrafast");
  g_assert_true (reel_fixture_export (g_steal_pointer (&cut), &options, output, NULL, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);

  frames = decode_frame_means (output);
  g_assert_cmpuint (frames->len, >=, (guint) (1.5 * FPS) - 1);
  /* Blended from the two pictures as they came out of the encoder. */
  first = &g_array_index (frames, Frame, 0);
  last = &g_array_index (frames, Frame, frames->len - 1);
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpfloat (fabs (first->mean[c] - channel (PAPER, c)), <=, LEVEL_TOLERANCE);
      g_assert_cmpfloat (fabs (last->mean[c] - channel (INK, c)), <=, LEVEL_TOLERANCE);
    }

  for (guint i = 0; i < frames->len; i++)
    {
      const Frame *frame = &g_array_index (frames, Frame, i);
      /* GES ramps the weight linearly from the first frame of the overlap. */
      double weight = CLAMP ((frame->time - fade_start) / fade_duration, 0.0, 1.0);

      if (weight > 0 && weight < 1)
        in_fade++;
      for (int c = 0; c < 3; c++)
        {
          double expected = (1 - weight) * first->mean[c] + weight * last->mean[c];

          if (fabs (frame->mean[c] - expected) > LEVEL_TOLERANCE)
            g_error ("Frame %u at %.3f s, channel %d: mean %.1f, but the linear blend with "
                     "weight %.2f is %.1f",
                     i, frame->time, c, frame->mean[c], weight, expected);
        }
    }
  /* The fade was seen, frame by frame. */
  g_assert_cmpuint (in_fade, >=, (guint) (fade_duration * FPS) - 2);

  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/transitions/crossfade-linear", test_crossfade_is_linear);
  return g_test_run ();
}
