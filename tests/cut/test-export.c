/* test-export.c: films made from the cut, checked as a viewer would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/app/app.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <unistd.h>

#include "cut-fixtures.h"
#include "reel-cut-timeline.h"
#include "reel-exporter.h"
#include "reel-media-store.h"
#include "reel-project-cut.h"
#include "reel-test-utils.h"

#define RED 0xff0000
#define GREEN 0x00ff00
#define BLUE 0x0000ff
#define WIDTH 320
#define HEIGHT 180
#define FPS 30
/* Colours survive H.264 only approximately. */
#define COLOUR_TOLERANCE 40

typedef struct
{
  char *dir;
  char *red;
  char *green;
  char *blue;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  gboolean with_audio = GPOINTER_TO_INT (data) == 0;

  fixture->dir = reel_test_make_tmpdir ();
  /* Each test starts with an empty segment cache: one that reused an
   * earlier test's segments would not encode what it checks. */
  reel_test_rm_rf (g_get_user_cache_dir ());
  fixture->red = g_build_filename (fixture->dir, "red.mp4", NULL);
  fixture->green = g_build_filename (fixture->dir, "green.mp4", NULL);
  fixture->blue = g_build_filename (fixture->dir, "blue.mp4", NULL);
  reel_fixture_make_solid_take (fixture->red, RED, WIDTH, HEIGHT, FPS, 1.0, with_audio);
  reel_fixture_make_solid_take (fixture->green, GREEN, WIDTH, HEIGHT, FPS, 1.0, with_audio);
  reel_fixture_make_solid_take (fixture->blue, BLUE, WIDTH, HEIGHT, FPS, 1.0, with_audio);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->red);
  g_free (fixture->green);
  g_free (fixture->blue);
}

static ReelCut *
make_rgb_cut (Fixture *fixture, const char *backend)
{
  ReelCut *cut = reel_cut_new ();

  cut->title = g_strdup ("Colours");
  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  reel_fixture_add_item (cut, fixture->red, 1.0, backend);
  reel_fixture_add_item (cut, fixture->green, 1.0, backend);
  reel_fixture_add_item (cut, fixture->blue, 1.0, backend);
  return cut;
}

static void
init_fast_options (ReelExportOptions *options, ReelExportFormat format)
{
  reel_export_options_init (options);
  options->format = format;
  options->captions = REEL_CAPTION_MODE_OFF;
  options->caption_sidecars = FALSE;
  options->allow_stream_copy = FALSE;
  /* What these tests check (x264's settings in the stream, its timing) is
   * x264's: a GPU in the machine must not change it. The hardware encoder
   * tests ask for it by name. */
  options->allow_hardware_encoder = FALSE;
  options->x264_speed_preset = g_strdup ("ultrafast");
}

/* Nothing but @expected (and the fixtures' own files) in the folder: no
 * temporaries left behind. */
static void
assert_no_partial_files (const char *dir)
{
  g_auto (GStrv) names = reel_fixture_list_dir (dir);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (strstr (names[i], ".partial") != NULL)
        g_error ("A temporary was left behind: %s", names[i]);
    }
}

static char *
dup_caps_name (GstCaps *caps)
{
  return caps != NULL ? g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0))) : NULL;
}

/* What GstDiscoverer sees in the film. (Not reel_media_probe(): it also
 * decodes the last frame at the end of the longest stream, and AAC's padding
 * makes the audio a few milliseconds longer than the picture.) */
static ReelMediaInfo *
probe (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  g_autoptr (GstDiscovererInfo) discovered = NULL;
  g_autoptr (GstDiscovererStreamInfo) top = NULL;
  g_autofree char *uri = gst_filename_to_uri (path, NULL);
  ReelMediaInfo   *info = g_new0 (ReelMediaInfo, 1);
  GList           *streams;

  g_assert_no_error (error);
  discovered = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_discoverer_info_get_result (discovered), ==, GST_DISCOVERER_OK);

  top = gst_discoverer_info_get_stream_info (discovered);
  if (GST_IS_DISCOVERER_CONTAINER_INFO (top))
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (top);
      info->container = dup_caps_name (caps);
    }
  info->duration = (double) gst_discoverer_info_get_duration (discovered) / GST_SECOND;

  streams = gst_discoverer_info_get_video_streams (discovered);
  if (streams != NULL)
    {
      GstDiscovererVideoInfo *video = streams->data;
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      info->video_codec = dup_caps_name (caps);
      info->width = gst_discoverer_video_info_get_width (video);
      info->height = gst_discoverer_video_info_get_height (video);
      info->fps = (double) gst_discoverer_video_info_get_framerate_num (video)
                  / MAX (gst_discoverer_video_info_get_framerate_denom (video), 1);
    }
  gst_discoverer_stream_info_list_free (streams);

  streams = gst_discoverer_info_get_audio_streams (discovered);
  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);
      info->audio_codec = dup_caps_name (caps);
      info->has_audio = TRUE;
    }
  gst_discoverer_stream_info_list_free (streams);
  return info;
}

/* x264 writes the settings it encoded with into the stream as text. */
static char *
dup_x264_settings (const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  const char       needle[] = "x264 - core";

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* Binary data: no string search that stops at a zero byte. */
  for (gsize i = 0; i + sizeof needle - 1 <= length; i++)
    if (memcmp (contents + i, needle, sizeof needle - 1) == 0)
      return g_strndup (contents + i, strnlen (contents + i, length - i));
  g_assert_not_reached ();
  return NULL;
}

static void
test_mp4 (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCut) cut = make_rgb_cut (fixture, "import");
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char  *output = g_build_filename (fixture->dir, "film.mp4", NULL);
  ReelExportOptions options;
  ReelCutItem      *blue = g_ptr_array_index (cut->items, 2);
  double            expected;

  blue->transition = REEL_TRANSITION_CROSSFADE;
  blue->transition_duration = 0.5;
  reel_cut_layout (cut);
  expected = cut->duration;
  g_assert_cmpfloat_with_epsilon (expected, 2.5, 1e-9);

  init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
  g_assert_true (reel_fixture_export (g_steal_pointer (&cut), &options, output, NULL, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);

  info = probe (output);
  g_assert_cmpstr (info->container, ==, "video/quicktime");
  g_assert_cmpstr (info->video_codec, ==, "video/x-h264");
  g_assert_cmpstr (info->audio_codec, ==, "audio/mpeg");
  g_assert_cmpuint (info->width, ==, WIDTH);
  g_assert_cmpuint (info->height, ==, HEIGHT);
  g_assert_cmpfloat_with_epsilon (info->fps, FPS, 0.01);
  /* One frame of slack per transition, and AAC's last partial packet. */
  g_assert_cmpfloat (fabs (info->duration - expected), <=, 1.0 / FPS + 0.03);

  /* Constant quality with no bit-rate cap (x264enc adds a 2 Mbit/s one
   * unless told otherwise), and the preset's own analysis settings. */
  {
    g_autofree char *settings = dup_x264_settings (output);

    g_assert_nonnull (strstr (settings, " rc=crf "));
    g_assert_null (strstr (settings, "vbv_maxrate"));
    g_assert_nonnull (strstr (settings, " trellis=0 "));
  }

  /* The shots in order, the crossfade half-way between green and blue. */
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 0.5), RED, COLOUR_TOLERANCE));
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 1.2), GREEN, COLOUR_TOLERANCE));
  {
    guint32 mix = reel_fixture_frame_colour (output, 1.75);

    /* Both pictures show through in the middle of the crossfade. */
    g_assert_cmpuint ((mix >> 16) & 0xff, <, COLOUR_TOLERANCE);
    g_assert_cmpuint ((mix >> 8) & 0xff, >, 40);
    g_assert_cmpuint ((mix >> 8) & 0xff, <, 215);
    g_assert_cmpuint (mix & 0xff, >, 40);
    g_assert_cmpuint (mix & 0xff, <, 215);
  }
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 2.3), BLUE, COLOUR_TOLERANCE));
  assert_no_partial_files (fixture->dir);
}

static void
test_webm (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char  *output = g_build_filename (fixture->dir, "film.webm", NULL);
  ReelCut          *cut = make_rgb_cut (fixture, "import");
  ReelExportOptions options;

  reel_cut_layout (cut);
  init_fast_options (&options, REEL_EXPORT_FORMAT_WEBM);
  g_assert_true (reel_fixture_export (cut, &options, output, NULL, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);

  info = probe (output);
  g_assert_cmpstr (info->container, ==, "video/webm");
  g_assert_cmpstr (info->video_codec, ==, "video/x-vp9");
  g_assert_cmpstr (info->audio_codec, ==, "audio/x-opus");
  g_assert_cmpfloat (fabs (info->duration - 3.0), <=, 0.05);
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 1.5), GREEN, COLOUR_TOLERANCE));
}

/* Takes registered in a project, in shot order after a reorder; a shot
 * without a take plays as its animatic card. */
static void
test_project_order (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (ReelCut) cut = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char  *path = g_build_filename (fixture->dir, "film.storyreel", NULL);
  g_autofree char  *output = g_build_filename (fixture->dir, "film.mp4", NULL);
  const char       *sources[] = { fixture->red, fixture->green, fixture->blue };
  gint64            shot_ids[4];
  GListModel       *shots;
  ReelExportOptions options;

  file = g_file_new_for_path (path);
  project = reel_project_create (file, "Order", &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_resolution (project, WIDTH, HEIGHT, &error));
  g_assert_true (reel_project_set_fps (project, FPS, &error));
  g_assert_true (reel_project_set_script (
      project, "INT. ROOM - DAY\n\nRed.\n\nGreen.\n\nBlue.\n\nNothing yet.\n", &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  shots = reel_project_get_shots (project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);

      shot_ids[i] = reel_shot_get_id (shot);
      g_assert_true (reel_project_set_shot_duration (project, shot_ids[i], 1.0, &error));
    }

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *relative = g_strdup_printf ("takes/%u.mp4", i);
      g_autofree char *media = reel_project_get_media_path (project, relative);
      g_autofree char *folder = g_path_get_dirname (media);
      g_autofree char *contents = NULL;
      gsize            length;
      ReelTake         take = { 0 };

      g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
      g_assert_true (g_file_get_contents (sources[i], &contents, &length, &error));
      g_assert_true (g_file_set_contents (media, contents, length, &error));
      take.shot_id = shot_ids[i];
      take.kind = (char *) "video";
      take.backend = (char *) "import";
      take.duration = 1.0;
      take.width = WIDTH;
      take.height = HEIGHT;
      take.fps = FPS;
      take.media = relative;
      g_assert_true (reel_project_add_take (project, &take, &error));
      g_assert_no_error (error);
    }

  /* Red moves to the end: green, blue, red, then the card. */
  g_assert_true (reel_project_move_shot (project, shot_ids[0], 2, &error));
  g_assert_no_error (error);

  cut = reel_cut_new_from_project (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cut->items->len, ==, 4);
  g_assert_true (((ReelCutItem *) g_ptr_array_index (cut->items, 3))->animatic_fallback);

  init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
  g_assert_true (reel_fixture_export (g_steal_pointer (&cut), &options, output, NULL, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);

  info = probe (output);
  g_assert_cmpfloat (fabs (info->duration - 4.0), <=, 0.05);
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 0.5), GREEN, COLOUR_TOLERANCE));
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 1.5), BLUE, COLOUR_TOLERANCE));
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 2.5), RED, COLOUR_TOLERANCE));
  /* The card is none of the takes' colours. */
  {
    guint32 card = reel_fixture_frame_colour (output, 3.5);

    g_assert_false (reel_fixture_colour_near (card, RED, COLOUR_TOLERANCE));
    g_assert_false (reel_fixture_colour_near (card, GREEN, COLOUR_TOLERANCE));
    g_assert_false (reel_fixture_colour_near (card, BLUE, COLOUR_TOLERANCE));
  }

  /* The card was cached beside the media for the next export. */
  {
    GFile           *media_dir = reel_project_get_media_dir (project);
    g_autofree char *media_path = g_file_get_path (media_dir);
    g_autofree char *cache = g_build_filename (media_path, ".cache", NULL);
    g_auto (GStrv) names = reel_fixture_list_dir (cache);

    g_assert_cmpuint (g_strv_length (names), ==, 1);
    g_assert_true (g_str_has_prefix (names[0], "animatic-"));
  }
}

static void
add_timed_cue (ReelCut    *cut,
               gint64      shot_id,
               const char *speaker,
               const char *text,
               double      start,
               double      duration)
{
  ReelCutCue *cue = reel_cut_cue_new ();

  cue->shot_id = shot_id;
  cue->speaker = g_strdup (speaker);
  cue->text = g_strdup (text);
  cue->timing_set = TRUE;
  cue->set_start = start;
  cue->set_duration = duration;
  g_ptr_array_add (cut->cues, cue);
}

typedef struct
{
  GstClockTime start;
  GstClockTime duration;
  char        *text;
} TextSample;

static void
text_sample_free (TextSample *sample)
{
  g_free (sample->text);
  g_free (sample);
}

/* The non-empty samples of the film's subtitle track. */
static GPtrArray *
read_subtitles (const char *path, const char *demuxer)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_strdup_printf (
      "filesrc location=\"%s\" ! %s name=d d.subtitle_0 ! appsink name=s sync=false", path,
      demuxer);
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, &error);
  g_autoptr (GstElement) sink = NULL;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) text_sample_free);
  GstSample *sample;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND)) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      GstMapInfo map;

      if (gst_buffer_map (buffer, &map, GST_MAP_READ))
        {
          if (map.size > 0 && map.data[0] != '\0')
            {
              TextSample *text = g_new0 (TextSample, 1);

              text->start = GST_BUFFER_PTS (buffer);
              text->duration = GST_BUFFER_DURATION (buffer);
              text->text = g_strndup ((const char *) map.data, map.size);
              g_ptr_array_add (samples, text);
            }
          gst_buffer_unmap (buffer, &map);
        }
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return samples;
}

static void
assert_time_near (GstClockTime time, double seconds)
{
  g_assert_cmpfloat (fabs ((double) time / GST_SECOND - seconds), <=, 0.05);
}

static void
test_soft_captions (Fixture *fixture, gconstpointer data)
{
  const char *format = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) samples = NULL;
  g_autofree char *output = g_strdup_printf ("%s/film.%s", fixture->dir, format);
  /* Named after the whole film: film.mp4.srt and film.webm.srt side by side. */
  g_autofree char  *srt_path = g_strconcat (output, ".srt", NULL);
  g_autofree char  *vtt_path = g_strconcat (output, ".vtt", NULL);
  g_autofree char  *srt = NULL;
  g_autofree char  *vtt = NULL;
  ReelCut          *cut = make_rgb_cut (fixture, "import");
  ReelExportOptions options;
  gboolean          mp4 = g_str_equal (format, "mp4");

  add_timed_cue (cut, 1, "ANNA", "Hello there.", 0.2, 0.7);
  add_timed_cue (cut, 2, NULL, "The green one.", 0.2, 0.6);
  reel_cut_layout (cut);

  init_fast_options (&options, mp4 ? REEL_EXPORT_FORMAT_MP4 : REEL_EXPORT_FORMAT_WEBM);
  options.captions = REEL_CAPTION_MODE_SOFT;
  options.caption_sidecars = TRUE;
  g_assert_true (reel_fixture_export (cut, &options, output, NULL, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);

  samples = read_subtitles (output, mp4 ? "qtdemux" : "matroskademux");
  g_assert_cmpuint (samples->len, ==, 2);
  {
    TextSample *first = g_ptr_array_index (samples, 0);
    TextSample *second = g_ptr_array_index (samples, 1);

    g_assert_nonnull (strstr (first->text, "ANNA: Hello there."));
    assert_time_near (first->start, 0.2);
    assert_time_near (first->duration, 0.7);
    g_assert_nonnull (strstr (second->text, "The green one."));
    assert_time_near (second->start, 1.2);
    assert_time_near (second->duration, 0.6);
  }

  g_assert_true (g_file_get_contents (srt_path, &srt, NULL, &error));
  g_assert_nonnull (strstr (srt, "00:00:00,200 --> 00:00:00,900"));
  g_assert_nonnull (strstr (srt, "00:00:01,200 --> 00:00:01,800"));
  g_assert_true (g_file_get_contents (vtt_path, &vtt, NULL, &error));
  g_assert_true (g_str_has_prefix (vtt, "WEBVTT"));
  g_assert_nonnull (strstr (vtt, "00:00:00.200 --> 00:00:00.900"));
  g_assert_nonnull (strstr (vtt, "The green one."));
  assert_no_partial_files (fixture->dir);
}

/* Pixels in rows [@from, @to) of the frame that differ clearly between two films. */
static guint
count_changed_pixels (const char *a_path, const char *b_path, double at, double from, double to)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *a = reel_media_load_frame (a_path, at, NULL, &error);
  cairo_surface_t *b = reel_media_load_frame (b_path, at, NULL, &error);
  int              width = cairo_image_surface_get_width (a);
  int              height = cairo_image_surface_get_height (a);
  guint            changed = 0;

  g_assert_no_error (error);
  g_assert_cmpint (width, ==, cairo_image_surface_get_width (b));
  for (int y = (int) (from * height); y < (int) (to * height); y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pa = *(guint32 *) (cairo_image_surface_get_data (a)
                                   + y * cairo_image_surface_get_stride (a) + x * 4);
        guint32 pb = *(guint32 *) (cairo_image_surface_get_data (b)
                                   + y * cairo_image_surface_get_stride (b) + x * 4);

        if (!reel_fixture_colour_near (pa, pb, 60))
          changed++;
      }
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  return changed;
}

static void
test_burned_captions (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char  *burned = g_build_filename (fixture->dir, "burned.mp4", NULL);
  g_autofree char  *plain = g_build_filename (fixture->dir, "plain.mp4", NULL);
  ReelExportOptions options;

  for (guint i = 0; i < 2; i++)
    {
      ReelCut *cut = make_rgb_cut (fixture, "import");

      add_timed_cue (cut, 1, "ANNA", "Hello there, this is a caption.", 0.0, 1.0);
      add_timed_cue (cut, 3, "BEN", "And this one is later.", 0.2, 0.5);
      reel_cut_layout (cut);
      init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
      options.captions = i == 0 ? REEL_CAPTION_MODE_BURN : REEL_CAPTION_MODE_OFF;
      g_assert_true (reel_fixture_export (cut, &options, i == 0 ? burned : plain, NULL, &error));
      g_assert_no_error (error);
      reel_export_options_clear (&options);
    }

  /* Text in the lower part of the frame while a cue is on, nothing above
   * it, and nothing between the cues or after the last (2.2 s to 2.7 s). */
  g_assert_cmpuint (count_changed_pixels (burned, plain, 0.5, 0.6, 1.0), >, 200);
  g_assert_cmpuint (count_changed_pixels (burned, plain, 0.5, 0.0, 0.4), <, 20);
  g_assert_cmpuint (count_changed_pixels (burned, plain, 1.5, 0.0, 1.0), <, 20);
  g_assert_cmpuint (count_changed_pixels (burned, plain, 2.1, 0.0, 1.0), <, 20);
  g_assert_cmpuint (count_changed_pixels (burned, plain, 2.45, 0.6, 1.0), >, 200);
  g_assert_cmpuint (count_changed_pixels (burned, plain, 2.85, 0.0, 1.0), <, 20);
}

/* Root mean square of the mono mix in [from, to) seconds. */
static double
audio_rms (const float *samples, gsize n_samples, double from, double to)
{
  gsize  start = (gsize) (from * 48000), end = MIN ((gsize) (to * 48000), n_samples);
  double sum = 0;

  g_assert_cmpuint (end, >, start);
  for (gsize i = start; i < end; i++)
    sum += samples[i] * samples[i];
  return sqrt (sum / (end - start));
}

static GArray *
decode_audio (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_strdup_printf (
      "filesrc location=\"%s\" ! decodebin ! audioconvert ! audioresample"
      " ! audio/x-raw,format=F32LE,channels=1,rate=48000 ! appsink name=s sync=false",
      path);
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, &error);
  g_autoptr (GstElement) sink = NULL;
  GArray    *samples = g_array_new (FALSE, FALSE, sizeof (float));
  GstSample *sample;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND)) != NULL)
    {
      GstMapInfo map;

      if (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ))
        {
          g_array_append_vals (samples, map.data, map.size / sizeof (float));
          gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
        }
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return samples;
}

static void
test_music_fades (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) samples = NULL;
  g_autofree char  *tone = g_build_filename (fixture->dir, "tone.wav", NULL);
  g_autofree char  *output = g_build_filename (fixture->dir, "film.mp4", NULL);
  ReelCut          *cut = make_rgb_cut (fixture, "import");
  ReelMusicTrack   *music = reel_music_track_new ();
  ReelExportOptions options;
  double            start, middle, end;

  reel_fixture_make_tone (tone, 5.0);
  music->name = g_strdup ("Tone");
  music->path = g_strdup (tone);
  music->fade_in = 1.0;
  music->fade_out = 0.5;
  g_ptr_array_add (cut->music, music);
  reel_cut_layout (cut);

  init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
  g_assert_true (reel_fixture_export (cut, &options, output, NULL, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);

  samples = decode_audio (output);
  g_assert_cmpfloat ((double) samples->len / 48000, >=, 2.9);
  start = audio_rms ((float *) samples->data, samples->len, 0.05, 0.25);
  middle = audio_rms ((float *) samples->data, samples->len, 1.2, 2.2);
  end = audio_rms ((float *) samples->data, samples->len, 2.85, 2.95);
  g_test_message ("music RMS: start %.3f, middle %.3f, end %.3f", start, middle, end);
  /* The tone is there, it rises out of silence and dies away at the end. */
  g_assert_cmpfloat (middle, >, 0.2);
  g_assert_cmpfloat (start, <, middle * 0.4);
  g_assert_cmpfloat (end, <, middle * 0.4);
}

static void
test_ai_marks (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = NULL;
  g_autoptr (GstDiscovererInfo) info = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char  *output = g_build_filename (fixture->dir, "film.mp4", NULL);
  g_autofree char  *plain = g_build_filename (fixture->dir, "plain.mp4", NULL);
  g_autofree char  *provenance = g_build_filename (fixture->dir, "film.mp4.provenance.json", NULL);
  g_autofree char  *uri = gst_filename_to_uri (output, NULL);
  g_autofree char  *comment = NULL;
  gboolean          copied = TRUE;
  ReelExportOptions options;
  const GstTagList *tags;
  JsonArray        *shots;
  JsonObject       *shot;

  for (guint i = 0; i < 2; i++)
    {
      ReelCut *cut = make_rgb_cut (fixture, "wan");

      reel_cut_layout (cut);
      init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
      /* Stream copy is allowed, but the visible label forces a re-encode. */
      options.allow_stream_copy = TRUE;
      options.ai_label_position = g_strdup (i == 0 ? "top-left" : "none");
      g_assert_true (reel_fixture_export (cut, &options, i == 0 ? output : plain,
                                          i == 0 ? &copied : NULL, &error));
      g_assert_no_error (error);
      reel_export_options_clear (&options);
    }
  g_assert_false (copied);

  /* The label is drawn in the top-left corner. */
  g_assert_cmpuint (count_changed_pixels (output, plain, 1.5, 0.0, 0.3), >, 50);
  g_assert_cmpuint (count_changed_pixels (output, plain, 1.5, 0.5, 1.0), <, 20);

  discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  g_assert_no_error (error);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  tags = gst_discoverer_info_get_tags (info);
  g_assert_nonnull (tags);
  g_assert_true (gst_tag_list_get_string (tags, GST_TAG_COMMENT, &comment));
  g_assert_nonnull (strstr (comment, "AI-generated"));
  g_assert_nonnull (strstr (comment, "wan"));

  g_assert_true (json_parser_load_from_file (parser, provenance, &error));
  g_assert_no_error (error);
  shots = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "shots");
  g_assert_cmpuint (json_array_get_length (shots), ==, 3);
  shot = json_array_get_object_element (shots, 1);
  g_assert_cmpstr (json_object_get_string_member (shot, "shot"), ==, "1B");
  g_assert_cmpstr (json_object_get_string_member (shot, "backend"), ==, "wan");
  g_assert_cmpstr (json_object_get_string_member (shot, "model"), ==, "test-model");
  g_assert_cmpstr (json_object_get_string_member (shot, "prompt"), ==, "a solid colour");
  g_assert_cmpint (json_object_get_int_member (shot, "seed"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (shot, "take_id"), ==, 101);
  {
    g_autofree char *contents = NULL;
    g_autofree char *sha256 = NULL;
    gsize            length = 0;

    g_assert_true (g_file_get_contents (fixture->green, &contents, &length, NULL));
    sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
    g_assert_cmpstr (json_object_get_string_member (shot, "media_sha256"), ==, sha256);
  }
  g_assert_true (json_object_get_boolean_member (shot, "ai_generated"));
}

static void
test_unwritable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char  *not_a_folder = g_build_filename (fixture->dir, "notes.txt", NULL);
  g_autofree char  *output = g_build_filename (not_a_folder, "film.mp4", NULL);
  ReelCut          *cut = make_rgb_cut (fixture, "import");
  ReelExportOptions options;

  g_assert_true (g_file_set_contents (not_a_folder, "a file, not a folder", -1, &error));
  reel_cut_layout (cut);
  init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
  g_assert_false (reel_fixture_export (cut, &options, output, NULL, &error));
  g_assert_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NOT_WRITABLE);
  g_assert_nonnull (strstr (error->message, "cannot be written"));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A read-only folder, where permissions apply (not to root). */
  if (geteuid () != 0)
    {
      g_autofree char *locked = g_build_filename (fixture->dir, "locked", NULL);
      g_autofree char *inside = g_build_filename (locked, "film.mp4", NULL);

      g_assert_cmpint (g_mkdir (locked, 0500), ==, 0);
      cut = make_rgb_cut (fixture, "import");
      reel_cut_layout (cut);
      g_assert_false (reel_fixture_export (cut, &options, inside, NULL, &error));
      g_assert_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NOT_WRITABLE);
      g_assert_false (g_file_test (inside, G_FILE_TEST_EXISTS));
      g_clear_error (&error);
    }
  reel_export_options_clear (&options);
}

typedef struct
{
  GCancellable *cancellable;
  gboolean      cancelled_while_encoding;
} CancelState;

static void
stage_changed_cb (ReelExporter *exporter, GParamSpec *pspec, gpointer user_data)
{
  CancelState *state = user_data;

  /* Cancel once the encoder has started and made some progress. */
  if (g_strcmp0 (reel_exporter_get_stage (exporter), "Encoding") == 0
      && reel_exporter_get_progress (exporter) > 0.1 && !state->cancelled_while_encoding)
    {
      state->cancelled_while_encoding = TRUE;
      g_cancellable_cancel (state->cancellable);
    }
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (ReelExporter) exporter = NULL;
  g_autofree char  *output = g_build_filename (fixture->dir, "film.mp4", NULL);
  ReelCut          *cut = reel_cut_new ();
  ReelExportOptions options;
  GAsyncResult     *result = NULL;
  CancelState       state = { cancellable, FALSE };

  /* Long enough to be caught in the middle: 20 s at a slow preset. */
  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  for (guint i = 0; i < 20; i++)
    reel_fixture_add_item (cut, i % 2 ? fixture->red : fixture->blue, 1.0, "import");
  reel_cut_layout (cut);

  init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
  g_free (options.x264_speed_preset);
  options.x264_speed_preset = g_strdup ("veryslow");
  exporter = reel_exporter_new (cut, &options, output);
  reel_export_options_clear (&options);
  g_signal_connect (exporter, "notify::progress", G_CALLBACK (stage_changed_cb), &state);
  reel_exporter_run_async (exporter, cancellable, export_done_cb, &result);
  reel_test_wait_until (reel_test_pointer_is_set, &result, REEL_FIXTURE_EXPORT_TIMEOUT_MS,
                        "the cancelled export to finish");

  g_assert_true (state.cancelled_while_encoding);
  g_assert_false (reel_exporter_run_finish (exporter, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (result);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  assert_no_partial_files (fixture->dir);
}

/* An export of film.mp4 with both caption sidecars and, its takes being
 * AI-generated, a provenance sidecar; @line tells the exports apart. */
static ReelExporter *
new_export_with_sidecars (Fixture *fixture, const char *line)
{
  g_autofree char  *output = g_build_filename (fixture->dir, "film.mp4", NULL);
  ReelCut          *cut = make_rgb_cut (fixture, "wan");
  ReelExporter     *exporter;
  ReelExportOptions options;

  add_timed_cue (cut, 1, "ANNA", line, 0.2, 0.7);
  reel_cut_layout (cut);
  init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
  options.caption_sidecars = TRUE;
  exporter = reel_exporter_new (cut, &options, output);
  reel_export_options_clear (&options);
  return exporter;
}

/* The films and sidecars an export leaves, by name, with their bytes. */
static GHashTable *
read_film_files (const char *dir)
{
  const char *names[] = { "film.mp4", "film.mp4.srt", "film.mp4.vtt", "film.mp4.provenance.json" };
  GHashTable *files
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr (GError) error = NULL;
      char *contents = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &contents, &length, &error));
      g_assert_no_error (error);
      g_hash_table_insert (files, (gpointer) names[i], g_bytes_new_take (contents, length));
    }
  return files;
}

typedef struct
{
  const char *dir;
  guint       removed;
} Sabotage;

/* Once the film is rendered and the sidecars are about to be written, its
 * temporary disappears, so it can be neither flushed nor renamed: any
 * failure after the sidecars, as a full disk or a refused rename. */
static void
remove_film_temporary_cb (ReelExporter *exporter, GParamSpec *pspec, gpointer user_data)
{
  Sabotage *sabotage = user_data;
  g_auto (GStrv) names = NULL;

  if (g_strcmp0 (reel_exporter_get_stage (exporter), "Writing subtitles") != 0)
    return;
  names = reel_fixture_list_dir (sabotage->dir);
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (names[i], ".film.mp4.partial-"))
      {
        g_autofree char *path = g_build_filename (sabotage->dir, names[i], NULL);

        g_assert_cmpint (g_unlink (path), ==, 0);
        sabotage->removed++;
      }
}

static gboolean
run_export (ReelExporter *exporter, GError **error)
{
  GAsyncResult *result = NULL;
  gboolean      ok;

  reel_exporter_run_async (exporter, NULL, export_done_cb, &result);
  reel_test_wait_until (reel_test_pointer_is_set, &result, REEL_FIXTURE_EXPORT_TIMEOUT_MS,
                        "the export to finish");
  ok = reel_exporter_run_finish (exporter, result, error);
  g_object_unref (result);
  return ok;
}

static void
assert_same_files (GHashTable *expected, GHashTable *found)
{
  GHashTableIter iter;
  gpointer       name, bytes;

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &name, &bytes))
    if (!g_bytes_equal (bytes, g_hash_table_lookup (found, name)))
      g_error ("%s changed", (const char *) name);
}

/* An export that fails at its very end leaves the previous export's film
 * and sidecars as they were; one that succeeds replaces all of them. */
static void
test_failure_keeps_previous (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelExporter) first = new_export_with_sidecars (fixture, "The first take.");
  g_autoptr (ReelExporter) failing = new_export_with_sidecars (fixture, "A second try.");
  g_autoptr (ReelExporter) third = NULL;
  g_autoptr (GHashTable) before = NULL;
  g_autoptr (GHashTable) after = NULL;
  g_autofree char *srt = g_build_filename (fixture->dir, "film.mp4.srt", NULL);
  g_autofree char *contents = NULL;
  Sabotage         sabotage = { fixture->dir, 0 };

  g_assert_true (run_export (first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((GStrv) reel_exporter_get_sidecars (first)), ==, 3);
  before = read_film_files (fixture->dir);

  g_signal_connect (failing, "notify::stage", G_CALLBACK (remove_film_temporary_cb), &sabotage);
  g_assert_false (run_export (failing, &error));
  g_assert_cmpuint (sabotage.removed, ==, 1);
  g_assert_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NOT_WRITABLE);
  g_clear_error (&error);
  g_assert_null (reel_exporter_get_sidecars (failing)[0]);
  after = read_film_files (fixture->dir);
  assert_same_files (before, after);
  assert_no_partial_files (fixture->dir);

  third = new_export_with_sidecars (fixture, "A third, at last.");
  g_assert_true (run_export (third, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((GStrv) reel_exporter_get_sidecars (third)), ==, 3);
  g_assert_true (g_file_get_contents (srt, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "A third, at last."));
  assert_no_partial_files (fixture->dir);
}

static void
test_stream_copy (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char  *output = g_build_filename (fixture->dir, "film.mp4", NULL);
  ReelCut          *cut = make_rgb_cut (fixture, "import");
  ReelExportOptions options;
  gboolean          copied = FALSE;

  reel_cut_layout (cut);
  init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
  options.allow_stream_copy = TRUE;
  g_assert_true (reel_fixture_export (cut, &options, output, &copied, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);
  g_assert_true (copied);

  info = probe (output);
  g_assert_cmpstr (info->video_codec, ==, "video/x-h264");
  g_assert_cmpstr (info->audio_codec, ==, "audio/mpeg");
  g_assert_cmpfloat (fabs (info->duration - 3.0), <=, 1.0 / FPS + 0.03);
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 0.5), RED, COLOUR_TOLERANCE));
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 1.5), GREEN, COLOUR_TOLERANCE));
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 2.5), BLUE, COLOUR_TOLERANCE));
}

static int
run_cli (const char *const *args, char **err)
{
  g_autofree char *binary = reel_test_build_path ("app/storyreel");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return reel_test_spawn ((const char *const *) argv->pdata, NULL, NULL, err);
}

/* `storyreel export`: a project without takes becomes a film of animatic
 * cards; bad arguments are usage errors; a failure is one line. */
static void
test_cli (Fixture *fixture, gconstpointer data)
{
  g_autofree char *project = g_build_filename (fixture->dir, "film.storyreel", NULL);
  g_autofree char *script = g_build_filename (fixture->dir, "film.fountain", NULL);
  g_autofree char *output = g_build_filename (fixture->dir, "film.webm", NULL);
  g_autofree char *srt = g_build_filename (fixture->dir, "film.webm.srt", NULL);
  g_autofree char *blocked = g_build_filename (fixture->dir, "red.mp4", "film.mp4", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;

  g_assert_true (g_file_set_contents (script,
                                      "INT. ROOM - DAY\n\nA cat sleeps.\n\nANNA\nWake up.\n\n"
                                      "The cat yawns.\n",
                                      -1, &error));
  {
    const char *args[] = { "new", project, "--resolution", "160x90", "--fps", "10", NULL };
    g_assert_cmpint (run_cli (args, NULL), ==, 0);
  }
  {
    const char *args[] = { "import", project, script, NULL };
    g_assert_cmpint (run_cli (args, NULL), ==, 0);
  }
  {
    g_autofree char *err = NULL;
    const char      *args[] = { "export", project, "-o", output, "--captions", "soft", NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 0);
    /* Not a terminal: progress as lines, ending at 100 %. */
    g_assert_nonnull (strstr (err, "100%"));
  }
  info = probe (output);
  g_assert_cmpstr (info->video_codec, ==, "video/x-vp9");
  g_assert_cmpuint (info->width, ==, 160);
  g_assert_true (g_file_test (srt, G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr (GPtrArray) samples = read_subtitles (output, "matroskademux");
    g_assert_cmpuint (samples->len, >=, 1);
  }

  /* MP4 is encoded as segments: a second export reuses them all, and
   * after --clear-cache encodes them all again. */
  {
    g_autofree char *film = g_build_filename (fixture->dir, "film.mp4", NULL);
    const char      *args[]
        = { "export", project,         "-o", film, "--quality", "draft", "--captions",
            "burn",   "--no-sidecars", NULL, NULL };

    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *err = NULL;
        g_autofree char *report = NULL;

        args[9] = i == 2 ? "--clear-cache" : NULL;
        g_assert_cmpint (run_cli (args, &err), ==, 0);
        g_test_message ("%s", err);
        report = g_strdup_printf ("%s: %u of 2 segments encoded", film, i == 1 ? 0 : 2);
        g_assert_nonnull (strstr (err, report));
      }
  }
  {
    const char      *args[] = { "export", "--clear-cache", NULL };
    g_autofree char *segments
        = g_build_filename (g_get_user_cache_dir (), "storyreel", "segments", NULL);
    g_auto (GStrv) names = NULL;

    g_assert_cmpint (run_cli (args, NULL), ==, 0);
    names = reel_fixture_list_dir (segments);
    g_assert_cmpuint (g_strv_length (names), ==, 0);
  }

  {
    const char *args[] = { "export", project, "-o", output, "--captions", "loud", NULL };
    g_assert_cmpint (run_cli (args, NULL), ==, 2);
  }
  {
    const char *args[] = { "export", project, NULL };
    g_assert_cmpint (run_cli (args, NULL), ==, 2);
  }
  {
    g_autofree char *no_format = g_build_filename (fixture->dir, "film.xyz", NULL);
    const char      *bad[][4] = {
           { "--format", "gif", "-o", output },
           { "-o", no_format, NULL, NULL },
           { "--resolution", "big", "-o", output },
           { "--fps", "241", "-o", output },
           { "--label-position", "middle", "-o", output },
           { "--grid", "7x1", "-o", output },
           { "--quality", "best", "-o", output },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        const char *args[]
            = { "export", project, bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL };

        g_test_message ("storyreel export %s %s", bad[i][0], bad[i][1]);
        g_assert_cmpint (run_cli (args, NULL), ==, 2);
      }
  }
  {
    g_autofree char *err = NULL;
    const char      *args[] = { "export", project, "-o", blocked, NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 1);
    g_assert_true (g_str_has_prefix (err, "storyreel: "));
    g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);
  }
}

static void
store_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
load_assets (ReelCut *cut, const ReelTimelineOptions *options, GCancellable *cancellable)
{
  GAsyncResult *result = NULL;

  reel_cut_load_assets_async (cut, options, cancellable, store_result_cb, &result);
  reel_test_wait_until (reel_test_pointer_is_set, &result, 30000, "the assets to load");
  return result;
}

static GESAsset *
cached_asset (const char *path)
{
  g_autofree char *uri = gst_filename_to_uri (path, NULL);

  /* For a URI clip, ges_asset_request() answers only from GES's cache. */
  return ges_asset_request (GES_TYPE_URI_CLIP, uri, NULL);
}

/* The takes and the music are discovered ahead, without blocking, so that
 * building the timeline on the main thread does not wait on them; a file
 * that cannot be used is left for the build to report. */
static void
test_load_assets (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_rgb_cut (fixture, NULL);
  g_autofree char *tone = g_build_filename (fixture->dir, "tone.wav", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.mp4", NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GESTimeline) timeline = NULL;
  g_autoptr (GError) error = NULL;
  ReelTimelineOptions options;

  ges_init ();
  reel_cut_layout (cut);
  reel_fixture_make_tone (tone, 1.0);
  reel_timeline_options_init (&options);
  options.extra_music = tone;

  g_assert_null (cached_asset (fixture->red));
  g_assert_null (cached_asset (tone));

  /* Cancelled: it says so, having started nothing. */
  g_cancellable_cancel (cancellable);
  result = load_assets (cut, &options, cancellable);
  g_assert_false (reel_cut_load_assets_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_null (cached_asset (fixture->red));

  result = load_assets (cut, &options, NULL);
  g_assert_true (reel_cut_load_assets_finish (result, &error));
  g_assert_no_error (error);
  {
    g_autoptr (GESAsset) red = cached_asset (fixture->red);
    g_autoptr (GESAsset) blue = cached_asset (fixture->blue);
    g_autoptr (GESAsset) music = cached_asset (tone);

    g_assert_nonnull (red);
    g_assert_nonnull (blue);
    g_assert_nonnull (music);
  }
  timeline = reel_cut_build_timeline (cut, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (timeline);
  g_clear_object (&timeline);
  g_clear_object (&result);

  /* A take that is not there: loading goes on, the build says which. */
  reel_fixture_add_item (cut, missing, 1.0, NULL);
  reel_cut_layout (cut);
  result = load_assets (cut, &options, NULL);
  g_assert_true (reel_cut_load_assets_finish (result, &error));
  timeline = reel_cut_build_timeline (cut, &options, &error);
  g_assert_null (timeline);
  g_assert_error (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA);
  g_assert_nonnull (strstr (error->message, "missing.mp4"));
}

/* A stand-in for NVIDIA's nvh264enc: x264enc registered under that name,
 * which fails, when told to, the way the real one does without a usable GPU.
 * It takes the place of a real nvh264enc where the machine has one, so that
 * the tests below do not depend on the GPU of the machine they run on. */

typedef enum
{
  FAKE_NVENC_WORKS,
  FAKE_NVENC_FAILS_TO_START,  /* no CUDA device: the state change fails */
  FAKE_NVENC_FAILS_ON_FORMAT, /* no free session: an error while streaming */
} FakeNvencMode;

static FakeNvencMode fake_nvenc_mode;
static gboolean (*x264_start) (GstVideoEncoder *encoder);
static gboolean (*x264_set_format) (GstVideoEncoder *encoder, GstVideoCodecState *state);

static gboolean
fake_nvenc_start (GstVideoEncoder *encoder)
{
  if (fake_nvenc_mode == FAKE_NVENC_FAILS_TO_START)
    {
      GST_ELEMENT_ERROR (encoder, LIBRARY, INIT, ("Failed to create CUDA context"), (NULL));
      return FALSE;
    }
  return x264_start == NULL || x264_start (encoder);
}

static gboolean
fake_nvenc_set_format (GstVideoEncoder *encoder, GstVideoCodecState *state)
{
  if (fake_nvenc_mode == FAKE_NVENC_FAILS_ON_FORMAT)
    {
      GST_ELEMENT_ERROR (encoder, LIBRARY, SETTINGS, ("No free encoding session"), (NULL));
      return FALSE;
    }
  return x264_set_format (encoder, state);
}

static void
fake_nvenc_class_init (gpointer klass, gpointer data)
{
  GstVideoEncoderClass *encoder_class = klass;

  x264_start = encoder_class->start;
  x264_set_format = encoder_class->set_format;
  encoder_class->start = fake_nvenc_start;
  encoder_class->set_format = fake_nvenc_set_format;
}

static GType
fake_nvenc_get_type (void)
{
  static GType type;

  if (g_once_init_enter (&type))
    {
      g_autoptr (GstElementFactory) x264 = gst_element_factory_find ("x264enc");
      g_autoptr (GstPluginFeature) loaded = NULL;
      GTypeQuery query;
      GType      parent;

      g_assert_nonnull (x264);
      loaded = gst_plugin_feature_load (GST_PLUGIN_FEATURE (x264));
      parent = gst_element_factory_get_element_type (GST_ELEMENT_FACTORY (loaded));
      g_type_query (parent, &query);
      g_once_init_leave (&type, g_type_register_static_simple (
                                    parent, "FakeNvh264Enc", query.class_size,
                                    fake_nvenc_class_init, query.instance_size, NULL, 0));
    }
  return type;
}

typedef struct
{
  FakeNvencMode mode;
  gboolean      allow_hardware;
  const char   *expected_encoder;
} HardwareCase;

static const HardwareCase hardware_used = { FAKE_NVENC_WORKS, TRUE, "nvh264enc" };
static const HardwareCase hardware_declined = { FAKE_NVENC_WORKS, FALSE, "x264enc" };
static const HardwareCase hardware_fails_to_start = { FAKE_NVENC_FAILS_TO_START, TRUE, "x264enc" };
static const HardwareCase hardware_fails_on_format
    = { FAKE_NVENC_FAILS_ON_FORMAT, TRUE, "x264enc" };

/* Puts the stand-in in GStreamer's registry, in this process only, in place
 * of any nvh264enc already there. A real one would decide by itself whether
 * it works; these tests are about what the exporter does in each case. */
static void
install_fake_nvenc (FakeNvencMode mode)
{
  GstRegistry *registry = gst_registry_get ();
  g_autoptr (GstPluginFeature) installed = gst_registry_lookup_feature (registry, "nvh264enc");
  g_autoptr (GstElementFactory) factory = NULL;

  if (installed != NULL)
    {
      g_test_message ("Replacing the nvh264enc of %s with the stand-in",
                      gst_plugin_feature_get_plugin_name (installed));
      gst_registry_remove_feature (registry, installed);
    }
  g_assert_true (
      gst_element_register (NULL, "nvh264enc", GST_RANK_PRIMARY + 1, fake_nvenc_get_type ()));
  factory = gst_element_factory_find ("nvh264enc");
  g_assert_nonnull (factory);
  g_assert_true (gst_element_factory_get_element_type (factory) == fake_nvenc_get_type ());
  fake_nvenc_mode = mode;
}

/* Exports the three colours to MP4, the hardware encoder allowed or not;
 * returns the exporter, which made the film. */
static ReelExporter *
export_colours (Fixture *fixture, gboolean allow_hardware, const char *output)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ReelExporter     *exporter;
  ReelCut          *cut = make_rgb_cut (fixture, "import");
  ReelExportOptions options;

  reel_cut_layout (cut);
  init_fast_options (&options, REEL_EXPORT_FORMAT_MP4);
  options.allow_hardware_encoder = allow_hardware;
  exporter = reel_exporter_new (cut, &options, output);
  reel_export_options_clear (&options);
  reel_exporter_run_async (exporter, NULL, store_result_cb, &result);
  reel_test_wait_until (reel_test_pointer_is_set, &result, REEL_FIXTURE_EXPORT_TIMEOUT_MS,
                        "the export to finish");
  g_assert_true (reel_exporter_run_finish (exporter, result, &error));
  g_assert_no_error (error);
  return exporter;
}

/* When GStreamer offers nvh264enc the film is encoded with it, unless the
 * options say no; when it fails to start or to take the stream, the export
 * goes on with x264 and still makes the film. */
static void
test_hardware_encoder (Fixture *fixture, gconstpointer data)
{
  const HardwareCase *hardware = data;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autoptr (ReelExporter) exporter = NULL;
  g_autofree char *output = g_build_filename (fixture->dir, "film.mp4", NULL);

  /* In a process of its own: the stand-in stays in the registry for good. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  install_fake_nvenc (hardware->mode);
  exporter = export_colours (fixture, hardware->allow_hardware, output);
  g_assert_cmpstr (reel_exporter_get_video_encoder (exporter), ==, hardware->expected_encoder);

  info = probe (output);
  g_assert_cmpstr (info->video_codec, ==, "video/x-h264");
  g_assert_cmpfloat (fabs (info->duration - 3.0), <=, 1.0 / FPS + 0.03);
  assert_no_partial_files (fixture->dir);
}

/* With NVIDIA's own nvh264enc, where the machine has one: the film is made
 * with it and its settings show the picture right, or, when the GPU cannot
 * take the work, with x264 after all. Elsewhere there is nothing to try. */
static void
test_real_hardware_encoder (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GstElementFactory) nvenc = gst_element_factory_find ("nvh264enc");
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autoptr (ReelExporter) exporter = NULL;
  g_autofree char *output = g_build_filename (fixture->dir, "film.mp4", NULL);
  const char      *encoder;

  if (nvenc == NULL)
    {
      g_test_skip ("GStreamer has no nvh264enc here (it needs an NVIDIA GPU with NVENC)");
      return;
    }

  exporter = export_colours (fixture, TRUE, output);
  encoder = reel_exporter_get_video_encoder (exporter);
  g_test_message ("Encoded with %s", encoder);
  g_assert_true (g_strcmp0 (encoder, "nvh264enc") == 0 || g_strcmp0 (encoder, "x264enc") == 0);

  info = probe (output);
  g_assert_cmpstr (info->video_codec, ==, "video/x-h264");
  g_assert_cmpuint (info->width, ==, WIDTH);
  g_assert_cmpuint (info->height, ==, HEIGHT);
  g_assert_cmpfloat (fabs (info->duration - 3.0), <=, 1.0 / FPS + 0.03);
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 0.5), RED, COLOUR_TOLERANCE));
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 1.5), GREEN, COLOUR_TOLERANCE));
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (output, 2.5), BLUE, COLOUR_TOLERANCE));
  assert_no_partial_files (fixture->dir);
}

/* A take of white noise: every frame costs the encoder a lot, so even a
 * second of it fills more than a megabyte. */
static void
make_noise_take (const char *path)
{
  g_autofree char *description = g_strdup_printf (
      "videotestsrc pattern=snow num-buffers=24 ! video/x-raw,width=640,height=360,framerate=24/1 "
      "! x264enc speed-preset=ultrafast pass=quant quantizer=12 ! mp4mux ! filesink "
      "location=\"%s\"",
      path);
  GStatBuf st;

  reel_test_run_pipeline (description);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 2 * 1024 * 1024);
}

typedef struct
{
  const char *disk_size;  /* tmpfs size= */
  gboolean    noise_take; /* the shot has a take of noise, not its card */
  const char *captions;   /* --captions */
  const char *must_reach; /* a stage the export reaches before the disk fills */
} DiskFull;

/* The disk is already full: the exporter's up-front check of the space
 * fails. */
static const DiskFull disk_full_at_start = { "64k", FALSE, "burn", NULL };
/* A megabyte and a bit: the up-front check passes and the film fills the
 * disk while it is being encoded… */
static const DiskFull disk_full_encoding = { "1152k", TRUE, "burn", "Export stage: Encoding" };
/* …or while the take's video is being copied into the film. */
static const DiskFull disk_full_copying = { "1152k", TRUE, "off", "Export stage: Copying" };

/* A full disk: the export fails with a message that says so, and leaves
 * neither the film nor a temporary file on that disk. The disk is a small
 * tmpfs mounted in a private mount namespace (util-linux's unshare, as the
 * user's own root), and the check of what is left runs inside it too. A
 * machine that cannot do this skips the test. */
static void
test_disk_full (Fixture *fixture, gconstpointer data)
{
  const DiskFull  *full = data;
  g_autofree char *project = g_build_filename (fixture->dir, "full.storyreel", NULL);
  g_autofree char *script = g_build_filename (fixture->dir, "full.fountain", NULL);
  g_autofree char *noise = g_build_filename (fixture->dir, "noise.mp4", NULL);
  g_autofree char *disk = g_build_filename (fixture->dir, "small-disk", NULL);
  g_autofree char *binary = reel_test_build_path ("app/storyreel");
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  g_autofree char *mount_only = NULL;
  g_autofree char *export_on_it = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *reason;

  mount_only = g_strdup_printf ("mount -t tmpfs -o size=%s tmpfs \"$1\"", full->disk_size);
  export_on_it
      = g_strdup_printf ("mount -t tmpfs -o size=%s tmpfs \"$1\" || exit 99\n"
                         "G_MESSAGES_DEBUG=storyreel-cut \"$2\" export \"$3\" -o \"$1/film.mp4\" "
                         "--captions %s >&2\n"
                         "status=$?\n"
                         "ls -A \"$1\"\n"
                         "exit $status\n",
                         full->disk_size, full->captions);

  g_assert_cmpint (g_mkdir (disk, 0700), ==, 0);
  if (unshare == NULL)
    {
      g_test_skip ("unshare (util-linux) is not installed");
      return;
    }
  {
    const char *argv[]
        = { unshare, "--mount", "--map-root-user", "sh", "-c", mount_only, "sh", disk, NULL };

    if (reel_test_spawn (argv, NULL, NULL, NULL) != 0)
      {
        g_test_skip ("This machine cannot mount a small disk in a private mount namespace");
        return;
      }
  }

  g_assert_true (g_file_set_contents (script,
                                      "INT. ROOM - DAY\n\nA cat sleeps on a red sofa.\n\nANNA\n"
                                      "Wake up.\n",
                                      -1, &error));
  {
    const char *args[] = { "new", project, "--resolution", "640x360", "--fps", "24", NULL };
    g_assert_cmpint (run_cli (args, NULL), ==, 0);
  }
  {
    const char *args[] = { "import", project, script, NULL };
    g_assert_cmpint (run_cli (args, NULL), ==, 0);
  }
  if (full->noise_take)
    {
      const char *args[] = { "take", "import", project, "1A", noise, NULL };

      make_noise_take (noise);
      g_assert_cmpint (run_cli (args, NULL), ==, 0);
    }
  {
    const char *argv[] = { unshare, "--mount", "--map-root-user", "sh", "-c", export_on_it, "sh",
                           disk,    binary,    project,           NULL };

    g_assert_cmpint (reel_test_spawn (argv, NULL, &out, &err), ==, 1);
  }
  /* Progress and debug lines, then the reason as the last line. */
  g_test_message ("%s", err);
  reason = strstr (err, "storyreel: The disk is full");
  g_assert_nonnull (reason);
  g_assert_true (strchr (reason, '\n') == err + strlen (err) - 1);
  /* The disk filled up part of the way through, not at the start: the
   * exporter's debug log (storyreel-cut, sent to stderr with the rest)
   * names the stages it reached. */
  if (full->must_reach != NULL)
    g_assert_nonnull (strstr (err, full->must_reach));
  /* Nothing left on the full disk. */
  g_assert_cmpstr (out, ==, "");
}

int
main (int argc, char **argv)
{
  g_autofree char *cache_home = reel_test_make_tmpdir ();
  int              status;

  /* The segment cache of these exports, and of the command line's, away
   * from the user's. */
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

#define ADD(path, func, data)                                                                      \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/export/mp4", test_mp4, NULL);
  ADD ("/export/webm", test_webm, NULL);
  ADD ("/export/project-order", test_project_order, NULL);
  ADD ("/export/soft-captions/mp4", test_soft_captions, "mp4");
  ADD ("/export/soft-captions/webm", test_soft_captions, "webm");
  ADD ("/export/burned-captions", test_burned_captions, NULL);
  ADD ("/export/load-assets", test_load_assets, NULL);
  ADD ("/export/hardware-encoder/used", test_hardware_encoder, &hardware_used);
  ADD ("/export/hardware-encoder/declined", test_hardware_encoder, &hardware_declined);
  ADD ("/export/hardware-encoder/fails-to-start", test_hardware_encoder, &hardware_fails_to_start);
  ADD ("/export/hardware-encoder/fails-on-format", test_hardware_encoder,
       &hardware_fails_on_format);
  ADD ("/export/hardware-encoder/real", test_real_hardware_encoder, NULL);
  ADD ("/export/disk-full/at-start", test_disk_full, &disk_full_at_start);
  ADD ("/export/disk-full/encoding", test_disk_full, &disk_full_encoding);
  ADD ("/export/disk-full/copying", test_disk_full, &disk_full_copying);
  ADD ("/export/music-fades", test_music_fades, GINT_TO_POINTER (1));
  ADD ("/export/ai-marks", test_ai_marks, NULL);
  ADD ("/export/unwritable", test_unwritable, NULL);
  ADD ("/export/cancel", test_cancel, NULL);
  ADD ("/export/failure-keeps-previous", test_failure_keeps_previous, NULL);
  ADD ("/export/stream-copy", test_stream_copy, NULL);
  ADD ("/export/cli", test_cli, NULL);
#undef ADD

  status = g_test_run ();
  reel_test_rm_rf (cache_home);
  return status;
}
