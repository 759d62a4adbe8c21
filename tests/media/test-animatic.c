/* test-animatic.c: the built-in animatic renderer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/pbutils/pbutils.h>

#include "reel-animatic.h"
#include "reel-test-utils.h"

typedef struct
{
  char *tmpdir;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  fixture->tmpdir = reel_test_make_tmpdir ();
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  reel_test_rm_rf (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

static ReelAnimaticSpec *
small_spec (guint fps, double duration, ReelCameraMove camera)
{
  ReelAnimaticSpec *spec = reel_animatic_spec_new ();
  g_autoptr (ReelCaption) line = reel_caption_new ("MARA", "We should not be here.", FALSE);

  spec->width = 320;
  spec->height = 180;
  spec->fps = fps;
  spec->duration = duration;
  spec->camera = camera;
  spec->scene_heading = g_strdup ("INT. LIGHTHOUSE - NIGHT");
  spec->shot_number = g_strdup ("1A");
  spec->text = g_strdup ("Mara climbs the spiral stairs, lantern first, and stops at the door.");
  reel_animatic_spec_add_caption (spec, line);

  return spec;
}

static char *
render (Fixture *fixture, const ReelAnimaticSpec *spec, const char *name)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (fixture->tmpdir, name, NULL);

  g_assert_true (reel_animatic_render (spec, path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return path;
}

/* Frames decoded to grey levels, as a viewer would see them. */
typedef struct
{
  guint   n_frames;
  guint   width;
  guint   height;
  guint8 *first;
  guint8 *last;
} Frames;

static void
frames_clear (Frames *frames)
{
  g_clear_pointer (&frames->first, g_free);
  g_clear_pointer (&frames->last, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Frames, frames_clear)

static guint8 *
copy_grey_pixels (GstSample *sample, guint *width, guint *height)
{
  GstStructure *structure = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  GstBuffer    *buffer = gst_sample_get_buffer (sample);
  GstMapInfo    map;
  int           w, h;
  guint         stride;
  guint8       *pixels;

  g_assert_true (gst_structure_get_int (structure, "width", &w));
  g_assert_true (gst_structure_get_int (structure, "height", &h));
  g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
  /* GRAY8 rows are padded to four bytes. */
  stride = GST_ROUND_UP_4 (w);
  pixels = g_malloc ((gsize) w * h);
  for (int y = 0; y < h; y++)
    memcpy (pixels + y * w, map.data + y * stride, w);
  gst_buffer_unmap (buffer, &map);

  *width = w;
  *height = h;
  return pixels;
}

static void
decode_frames (const char *path, Frames *frames)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autofree char *description = g_strdup_printf (
      "filesrc location=\"%s\" ! decodebin ! videoconvert ! video/x-raw,format=GRAY8 ! "
      "appsink name=sink sync=false",
      path);

  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  for (;;)
    {
      g_autoptr (GstSample) sample
          = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 30 * GST_SECOND);

      if (sample == NULL)
        break;

      g_clear_pointer (&frames->last, g_free);
      frames->last = copy_grey_pixels (sample, &frames->width, &frames->height);
      if (frames->first == NULL)
        frames->first = g_memdup2 (frames->last, (gsize) frames->width * frames->height);
      frames->n_frames++;
    }

  g_assert_true (gst_app_sink_is_eos (GST_APP_SINK (sink)));
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_cmpuint (frames->n_frames, >, 0);
}

static double
mean_difference (const guint8 *a, const guint8 *b, gsize n_pixels)
{
  guint64 sum = 0;

  for (gsize i = 0; i < n_pixels; i++)
    sum += ABS ((int) a[i] - (int) b[i]);
  return (double) sum / n_pixels;
}

/* Where the dark marks (text, frame, caption band) are, and how spread out. */
typedef struct
{
  double x, y;
  double spread;
} Ink;

static Ink
measure_ink (const guint8 *pixels, guint width, guint height)
{
  Ink    ink = { 0 };
  double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      if (pixels[y * width + x] < 128)
        {
          n++;
          sx += x;
          sy += y;
          sxx += (double) x * x;
          syy += (double) y * y;
        }

  g_assert_cmpfloat (n, >, 0);
  ink.x = sx / n;
  ink.y = sy / n;
  ink.spread = sqrt (sxx / n - ink.x * ink.x + syy / n - ink.y * ink.y);
  return ink;
}

static void
record_progress (double fraction, gpointer user_data)
{
  GArray *fractions = user_data;

  g_array_append_val (fractions, fraction);
}

static void
assert_plays_as_requested (Fixture *fixture, guint fps, double duration)
{
  g_autoptr (ReelAnimaticSpec) spec = small_spec (fps, duration, REEL_CAMERA_PAN_RIGHT);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = NULL;
  g_autoptr (GstDiscovererInfo) info = NULL;
  g_autoptr (GstDiscovererStreamInfo) top = NULL;
  g_autoptr (GstCaps) container_caps = NULL;
  g_autoptr (GstCaps) video_caps = NULL;
  g_autoptr (GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto (Frames) frames = { 0 };
  g_autofree char        *path = g_build_filename (fixture->tmpdir, "shot.mp4", NULL);
  g_autofree char        *uri = NULL;
  GList                  *video_streams;
  GstDiscovererVideoInfo *video;
  double                  frame = 1.0 / fps;
  double                  probed_duration;

  g_assert_true (reel_animatic_render (spec, path, NULL, record_progress, fractions, &error));
  g_assert_no_error (error);

  /* Progress goes forward, once per frame, and ends at 1. */
  g_assert_cmpuint (fractions->len, >=, reel_animatic_spec_get_n_frames (spec));
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=,
                       g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  discoverer = gst_discoverer_new (30 * GST_SECOND, &error);
  g_assert_no_error (error);
  uri = gst_filename_to_uri (path, &error);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_discoverer_info_get_result (info), ==, GST_DISCOVERER_OK);

  /* H.264 in MP4. */
  top = gst_discoverer_info_get_stream_info (info);
  g_assert_true (GST_IS_DISCOVERER_CONTAINER_INFO (top));
  container_caps = gst_discoverer_stream_info_get_caps (top);
  g_assert_cmpstr (gst_structure_get_name (gst_caps_get_structure (container_caps, 0)), ==,
                   "video/quicktime");
  g_assert_cmpstr (gst_structure_get_string (gst_caps_get_structure (container_caps, 0), "variant"),
                   ==, "iso");

  video_streams = gst_discoverer_info_get_video_streams (info);
  g_assert_cmpuint (g_list_length (video_streams), ==, 1);
  g_assert_null (gst_discoverer_info_get_audio_streams (info));
  video = video_streams->data;
  video_caps = gst_discoverer_stream_info_get_caps (GST_DISCOVERER_STREAM_INFO (video));
  g_assert_cmpstr (gst_structure_get_name (gst_caps_get_structure (video_caps, 0)), ==,
                   "video/x-h264");
  g_assert_cmpuint (gst_discoverer_video_info_get_width (video), ==, 320);
  g_assert_cmpuint (gst_discoverer_video_info_get_height (video), ==, 180);
  g_assert_cmpuint (gst_discoverer_video_info_get_framerate_num (video), ==, fps);
  g_assert_cmpuint (gst_discoverer_video_info_get_framerate_denom (video), ==, 1);
  gst_discoverer_stream_info_list_free (video_streams);

  probed_duration = (double) gst_discoverer_info_get_duration (info) / GST_SECOND;
  g_test_message ("%.3f s at %u fps probes as %.4f s", duration, fps, probed_duration);
  g_assert_cmpfloat (fabs (probed_duration - duration), <=, frame + 1e-6);

  /* Every frame is there to be decoded. */
  decode_frames (path, &frames);
  g_assert_cmpuint (frames.n_frames, ==, (guint) round (duration * fps));
  g_assert_cmpuint (frames.width, ==, 320);
  g_assert_cmpuint (frames.height, ==, 180);
}

static void
test_plays_2s_at_24fps (Fixture *fixture, gconstpointer user_data)
{
  assert_plays_as_requested (fixture, 24, 2.0);
}

static void
test_plays_1_5s_at_25fps (Fixture *fixture, gconstpointer user_data)
{
  assert_plays_as_requested (fixture, 25, 1.5);
}

static void
test_camera_moves (Fixture *fixture, gconstpointer user_data)
{
  g_autofree guint8 *static_first = NULL;

  for (ReelCameraMove move = REEL_CAMERA_STATIC; move < REEL_N_CAMERA_MOVES; move++)
    {
      g_autoptr (ReelAnimaticSpec) spec = small_spec (12, 1.0, move);
      g_autofree char *name = g_strdup_printf ("%s.mp4", reel_camera_move_to_string (move));
      g_autofree char *path = render (fixture, spec, name);
      g_auto (Frames) frames = { 0 };
      gsize  n_pixels;
      double difference;
      Ink    first, last;

      decode_frames (path, &frames);
      n_pixels = (gsize) frames.width * frames.height;
      difference = mean_difference (frames.first, frames.last, n_pixels);
      first = measure_ink (frames.first, frames.width, frames.height);
      last = measure_ink (frames.last, frames.width, frames.height);
      g_test_message ("%s: mean difference %.2f, ink (%.1f, %.1f) ~%.1f → (%.1f, %.1f) ~%.1f", name,
                      difference, first.x, first.y, first.spread, last.x, last.y, last.spread);

      /* Every move starts on the card as it is framed. */
      if (move == REEL_CAMERA_STATIC)
        static_first = g_memdup2 (frames.first, n_pixels);
      else
        g_assert_cmpfloat (mean_difference (static_first, frames.first, n_pixels), <, 1.0);

      switch (move)
        {
          case REEL_CAMERA_STATIC:
            g_assert_cmpfloat (difference, <, 0.5);
            break;
          case REEL_CAMERA_PAN_LEFT: /* the view moves left: the card slides right */
            g_assert_cmpfloat (difference, >, 4);
            g_assert_cmpfloat (last.x - first.x, >, 0.05 * frames.width);
            break;
          case REEL_CAMERA_PAN_RIGHT:
            g_assert_cmpfloat (difference, >, 4);
            g_assert_cmpfloat (first.x - last.x, >, 0.05 * frames.width);
            break;
          case REEL_CAMERA_TILT_UP: /* the view moves up: the card slides down */
            g_assert_cmpfloat (difference, >, 4);
            g_assert_cmpfloat (last.y - first.y, >, 0.05 * frames.height);
            break;
          case REEL_CAMERA_TILT_DOWN:
            g_assert_cmpfloat (difference, >, 4);
            g_assert_cmpfloat (first.y - last.y, >, 0.05 * frames.height);
            break;
          case REEL_CAMERA_PUSH_IN:
            g_assert_cmpfloat (difference, >, 4);
            g_assert_cmpfloat (last.spread, >, first.spread * 1.08);
            break;
          case REEL_CAMERA_PULL_OUT:
            g_assert_cmpfloat (difference, >, 4);
            g_assert_cmpfloat (last.spread, <, first.spread / 1.08);
            break;
          case REEL_N_CAMERA_MOVES:
          default:
            g_assert_not_reached ();
        }
    }
}

/* The muxer would stamp the film with the time of the render, making every
 * render differ from the last one a second later. */
static void
assert_undated (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize            length = 0;
  const char      *boxes[] = { "mvhd", "tkhd", "mdhd" };

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++)
    {
      const guint8 *box = NULL;

      for (gsize at = 0; box == NULL && at + 24 < length; at++)
        if (memcmp (contents + at, boxes[i], 4) == 0)
          box = (const guint8 *) contents + at;
      const guint8 *zeroes = (const guint8 *) "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

      g_assert_nonnull (box);
      g_assert_cmpint (box[4], <=, 1); /* version */
      /* creation and modification times follow the version and flags */
      g_assert_cmpmem (box + 8, box[4] == 1 ? 16 : 8, zeroes, box[4] == 1 ? 16 : 8);
    }
}

static void
test_same_input_same_output (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (ReelAnimaticSpec) spec = small_spec (24, 2.0, REEL_CAMERA_PUSH_IN);
  g_autoptr (ReelAnimaticSpec) copy = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *other = NULL;
  g_autofree char *first_sha256 = NULL;
  g_autofree char *second_sha256 = NULL;
  g_autofree char *other_sha256 = NULL;

  /* At this size x264's frame threads, were they used, would already make
   * two renders differ. */
  spec->width = 1280;
  spec->height = 720;
  first = render (fixture, spec, "first.mp4");
  first_sha256 = reel_test_sha256_file (first);

  copy = reel_animatic_spec_copy (spec);
  second = render (fixture, copy, "second.mp4");
  second_sha256 = reel_test_sha256_file (second);
  g_assert_cmpstr (first_sha256, ==, second_sha256);
  assert_undated (first);

  /* …and different input gives a different film. */
  g_free (copy->text);
  copy->text = g_strdup ("Mara climbs the spiral stairs.");
  other = render (fixture, copy, "other.mp4");
  other_sha256 = reel_test_sha256_file (other);
  g_assert_cmpstr (first_sha256, !=, other_sha256);
}

static void
cancel_halfway (double fraction, gpointer user_data)
{
  GCancellable *cancellable = user_data;

  if (fraction >= 0.5)
    g_cancellable_cancel (cancellable);
}

static void
test_cancel_leaves_nothing (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (ReelAnimaticSpec) spec = small_spec (24, 2.0, REEL_CAMERA_PAN_LEFT);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autofree char *path = g_build_filename (fixture->tmpdir, "shot.mp4", NULL);

  g_assert_false (
      reel_animatic_render (spec, path, cancellable, cancel_halfway, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Neither the film nor a partial file is left. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  dir = g_dir_open (fixture->tmpdir, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
}

static guint
count_ink (cairo_surface_t *surface, double x0, double y0, double x1, double y1)
{
  int           width = cairo_image_surface_get_width (surface);
  int           height = cairo_image_surface_get_height (surface);
  int           stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint         n = 0;

  for (int y = (int) (y0 * height); y < (int) (y1 * height); y++)
    for (int x = (int) (x0 * width); x < (int) (x1 * width); x++)
      {
        guint32 pixel;
        guint   grey;

        memcpy (&pixel, data + y * stride + 4 * x, 4);
        grey = (((pixel >> 16) & 0xff) + ((pixel >> 8) & 0xff) + (pixel & 0xff)) / 3;
        if (grey < 128)
          n++;
      }

  return n;
}

static cairo_surface_t *
render_card (Fixture *fixture, const ReelAnimaticSpec *spec, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->tmpdir, name, NULL);
  cairo_surface_t *surface;

  g_assert_true (reel_animatic_render_card_png (spec, path, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, spec->width);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, spec->height);
  return surface;
}

static void
test_cjk_card (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (ReelAnimaticSpec) spec = reel_animatic_spec_new ();
  g_autoptr (ReelAnimaticSpec) blank = NULL;
  g_autoptr (ReelAnimaticSpec) spoken = NULL;
  cairo_surface_t *captioned;
  g_autoptr (ReelCaption) line = reel_caption_new ("美咲", "我们不该来这里。", FALSE);
  cairo_surface_t *card;
  cairo_surface_t *empty;
  guint            text_ink, blank_ink, caption_ink;

  spec->width = 640;
  spec->height = 360;
  spec->language = g_strdup ("ja");
  spec->scene_heading = g_strdup ("内景。灯台 — 夜");
  spec->shot_number = g_strdup ("1A");
  spec->text = g_strdup ("美咲はランタンを先に掲げて螺旋階段を上り、扉の前で立ち止まる。");
  reel_animatic_spec_add_caption (spec, line);

  blank = reel_animatic_spec_copy (spec);
  g_clear_pointer (&blank->text, g_free);
  g_ptr_array_set_size (blank->captions, 0);

  card = render_card (fixture, spec, "card.png");
  empty = render_card (fixture, blank, "blank.png");

  /* The shot text fills the middle of the card with glyphs… */
  text_ink = count_ink (card, 0.1, 0.35, 0.9, 0.65);
  blank_ink = count_ink (empty, 0.1, 0.35, 0.9, 0.65);
  g_test_message ("ink in the text area: %u with text, %u without", text_ink, blank_ink);
  g_assert_cmpuint (text_ink, >, 1500);
  g_assert_cmpuint (blank_ink, <, 50);

  /* …the dialogue box under the header carries the Chinese caption… */
  spoken = reel_animatic_spec_copy (blank);
  reel_animatic_spec_add_caption (spoken, line);
  captioned = render_card (fixture, spoken, "captioned.png");
  caption_ink = count_ink (captioned, 0.1, 0.2, 0.9, 0.45);
  g_test_message ("ink in the dialogue box: %u with a caption, %u without", caption_ink,
                  count_ink (empty, 0.1, 0.2, 0.9, 0.45));
  g_assert_cmpuint (caption_ink, >, count_ink (empty, 0.1, 0.2, 0.9, 0.45) + 300);

  /* …and the bottom of title safe stays clear for subtitles burned in on export. */
  g_assert_cmpuint (count_ink (card, 0.12, 0.78, 0.88, 0.88), <, 50);

  cairo_surface_destroy (card);
  cairo_surface_destroy (empty);
  cairo_surface_destroy (captioned);
}

/* Text is sized from the frame: a 1920×1080 card scaled down is the 640×360 one. */
static void
test_card_scales_with_resolution (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (ReelAnimaticSpec) small = small_spec (24, 1.0, REEL_CAMERA_TILT_UP);
  g_autoptr (ReelAnimaticSpec) large = NULL;
  cairo_surface_t *small_card;
  cairo_surface_t *large_card;
  cairo_surface_t *reduced;
  cairo_t         *cr;
  double           text_small, text_reduced;

  small->width = 640;
  small->height = 360;
  large = reel_animatic_spec_copy (small);
  large->width = 1920;
  large->height = 1080;

  small_card = render_card (fixture, small, "small.png");
  large_card = render_card (fixture, large, "large.png");

  reduced = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 360);
  cr = cairo_create (reduced);
  cairo_scale (cr, 1 / 3.0, 1 / 3.0);
  cairo_set_source_surface (cr, large_card, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (reduced);

  /* The same amount of ink in the same places, give or take antialiasing. */
  text_small = count_ink (small_card, 0.05, 0.05, 0.95, 0.95);
  text_reduced = count_ink (reduced, 0.05, 0.05, 0.95, 0.95);
  g_test_message ("ink: %.0f at 640×360, %.0f at 1920×1080 reduced", text_small, text_reduced);
  g_assert_cmpfloat (fabs (text_small - text_reduced), <, 0.1 * text_small);
  for (double y = 0.05; y < 0.9; y += 0.1)
    {
      double a = count_ink (small_card, 0.05, y, 0.95, y + 0.1);
      double b = count_ink (reduced, 0.05, y, 0.95, y + 0.1);

      g_assert_cmpfloat (fabs (a - b), <, 0.2 * MAX (a, b) + 40);
    }

  cairo_surface_destroy (small_card);
  cairo_surface_destroy (large_card);
  cairo_surface_destroy (reduced);
}

static void
read_pixel (cairo_surface_t *surface, int x, int y, guint *r, guint *g, guint *b)
{
  guint32 pixel;

  cairo_surface_flush (surface);
  memcpy (&pixel,
          cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface)
              + 4 * x,
          4);
  *r = (pixel >> 16) & 0xff;
  *g = (pixel >> 8) & 0xff;
  *b = pixel & 0xff;
}

static void
test_board_image (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (ReelAnimaticSpec) spec = small_spec (24, 0.5, REEL_CAMERA_PUSH_IN);
  g_autofree char *jpeg = g_build_filename (fixture->tmpdir, "board.jpg", NULL);
  g_autofree char *description = g_strdup_printf (
      "videotestsrc num-buffers=1 pattern=red ! video/x-raw,width=320,height=180 ! jpegenc ! "
      "filesink location=\"%s\"",
      jpeg);
  g_autofree char *film = NULL;
  cairo_surface_t *card;
  guint            r, g, b;

  reel_test_run_pipeline (description);

  /* A JPEG board replaces the card; the shot number stays in the corner. */
  spec->board_image_path = g_strdup (jpeg);
  card = render_card (fixture, spec, "board-card.png");
  read_pixel (card, 160, 90, &r, &g, &b);
  g_assert_cmpuint (r, >, 200);
  g_assert_cmpuint (g, <, 60);
  g_assert_cmpuint (b, <, 60);
  /* No card text is drawn over it. */
  for (int y = 50; y < 130; y += 4)
    for (int x = 30; x < 290; x += 4)
      {
        read_pixel (card, x, y, &r, &g, &b);
        g_assert_true (r > 200 && g < 60 && b < 60);
      }
  read_pixel (card, 320 - 16 - 5, 9 + 5, &r, &g, &b);
  g_assert_false (r > 200 && g < 60 && b < 60); /* the number badge */
  cairo_surface_destroy (card);

  film = render (fixture, spec, "board.mp4");
  g_assert_true (g_file_test (film, G_FILE_TEST_IS_REGULAR));
}

static void
test_refuses_bad_specs (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "shot.mp4", NULL);
  g_autofree char *missing = g_build_filename (fixture->tmpdir, "nowhere.png", NULL);
  g_autoptr (ReelAnimaticSpec) odd = small_spec (24, 1.0, REEL_CAMERA_STATIC);
  g_autoptr (ReelAnimaticSpec) endless = small_spec (24, 0, REEL_CAMERA_STATIC);
  g_autoptr (ReelAnimaticSpec) unreadable = small_spec (24, 1.0, REEL_CAMERA_STATIC);
  g_autoptr (GError) error = NULL;

  odd->width = 321;
  g_assert_false (reel_animatic_render (odd, path, NULL, NULL, NULL, &error));
  g_assert_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (reel_animatic_render (endless, path, NULL, NULL, NULL, &error));
  g_assert_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_INVALID);
  g_clear_error (&error);

  unreadable->board_image_path = g_strdup (missing);
  g_assert_false (reel_animatic_render (unreadable, path, NULL, NULL, NULL, &error));
  g_assert_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_BOARD_IMAGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "nowhere.png"));
  g_clear_error (&error);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_frame_count (void)
{
  g_autoptr (ReelAnimaticSpec) spec = reel_animatic_spec_new ();

  spec->fps = 25;
  spec->duration = 1.5;
  g_assert_cmpuint (reel_animatic_spec_get_n_frames (spec), ==, 38);
  spec->fps = 24;
  spec->duration = 2.0;
  g_assert_cmpuint (reel_animatic_spec_get_n_frames (spec), ==, 48);
  spec->duration = 0.001;
  g_assert_cmpuint (reel_animatic_spec_get_n_frames (spec), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

#define ADD_TEST(path, func)                                                                       \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/animatic/frame-count", test_frame_count);
  ADD_TEST ("/animatic/plays/2s-at-24fps", test_plays_2s_at_24fps);
  ADD_TEST ("/animatic/plays/1.5s-at-25fps", test_plays_1_5s_at_25fps);
  ADD_TEST ("/animatic/camera-moves", test_camera_moves);
  ADD_TEST ("/animatic/same-input-same-output", test_same_input_same_output);
  ADD_TEST ("/animatic/cancel-leaves-nothing", test_cancel_leaves_nothing);
  ADD_TEST ("/animatic/cjk-card", test_cjk_card);
  ADD_TEST ("/animatic/card-scales-with-resolution", test_card_scales_with_resolution);
  ADD_TEST ("/animatic/board-image", test_board_image);
  ADD_TEST ("/animatic/refuses-bad-specs", test_refuses_bad_specs);

#undef ADD_TEST

  return g_test_run ();
}
