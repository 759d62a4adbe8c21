/* test-segment-cache.c: re-exports that encode only what changed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>

#include <glib/gstdio.h>
#include <gst/app/app.h>
#include <gst/pbutils/pbutils.h>
#include <math.h>
#include <utime.h>

#include "cut-fixtures.h"
#include "reel-exporter.h"
#include "reel-segment-cache.h"
#include "reel-test-utils.h"

#define WIDTH 160
#define HEIGHT 90
#define FPS 25
#define COLOUR_TOLERANCE 40

static const guint32 colours[] = { 0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0xff00ff };

typedef struct
{
  char *dir;
  char *cache_dir;
  char *takes[G_N_ELEMENTS (colours)];
  char *output;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = reel_test_make_tmpdir ();
  fixture->cache_dir = g_build_filename (fixture->dir, "cache", NULL);
  fixture->output = g_build_filename (fixture->dir, "film.mp4", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (colours); i++)
    {
      g_autofree char *name = g_strdup_printf ("take-%u.mp4", i);

      fixture->takes[i] = g_build_filename (fixture->dir, name, NULL);
      reel_fixture_make_solid_take (fixture->takes[i], colours[i], WIDTH, HEIGHT, FPS, 1.0, TRUE);
    }
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->cache_dir);
  g_free (fixture->output);
  for (guint i = 0; i < G_N_ELEMENTS (colours); i++)
    g_free (fixture->takes[i]);
}

static void
add_cue (ReelCut *cut, gint64 shot_id, const char *text)
{
  ReelCutCue *cue = reel_cut_cue_new ();

  cue->shot_id = shot_id;
  cue->speaker = g_strdup ("ANNA");
  cue->text = g_strdup (text);
  cue->timing_set = TRUE;
  cue->set_start = 0.1;
  cue->set_duration = 0.6;
  g_ptr_array_add (cut->cues, cue);
}

/* Four AI-generated shots of a second, red, green, blue and yellow, with a
 * caption on the second. */
static ReelCut *
make_cut (Fixture *fixture)
{
  ReelCut *cut = reel_cut_new ();

  cut->title = g_strdup ("Segments");
  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  for (guint i = 0; i < 4; i++)
    reel_fixture_add_item (cut, fixture->takes[i], 1.0, "fal");
  add_cue (cut, 2, "Hello there.");
  reel_cut_layout (cut);
  return cut;
}

static void
init_options (Fixture *fixture, ReelExportOptions *options)
{
  reel_export_options_init (options);
  options->captions = REEL_CAPTION_MODE_BURN;
  options->caption_sidecars = FALSE;
  options->allow_hardware_encoder = FALSE;
  options->x264_speed_preset = g_strdup ("ultrafast");
  options->segment_cache_dir = g_strdup (fixture->cache_dir);
}

typedef struct
{
  guint encoded;
  guint reused;
} Counts;

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Exports a copy of @cut; returns how many segments it encoded and reused. */
static Counts
export_cut (Fixture *fixture, const ReelCut *cut, const ReelExportOptions *options)
{
  g_autoptr (ReelExporter) exporter
      = reel_exporter_new (reel_cut_copy (cut), options, fixture->output);
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;
  Counts        counts;

  reel_exporter_run_async (exporter, NULL, export_done_cb, &result);
  reel_test_wait_until (reel_test_pointer_is_set, &result, REEL_FIXTURE_EXPORT_TIMEOUT_MS,
                        "the export to finish");
  reel_exporter_run_finish (exporter, result, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_false (reel_exporter_get_stream_copied (exporter));
  counts.encoded = reel_exporter_get_segments_encoded (exporter);
  counts.reused = reel_exporter_get_segments_reused (exporter);
  return counts;
}

#define assert_counts(counts, n_encoded, n_reused)                                                 \
  G_STMT_START                                                                                     \
  {                                                                                                \
    Counts c_ = (counts);                                                                          \
    g_assert_cmpuint (c_.encoded, ==, (n_encoded));                                                \
    g_assert_cmpuint (c_.reused, ==, (n_reused));                                                  \
  }                                                                                                \
  G_STMT_END

static ReelCutItem *
item_at (ReelCut *cut, guint index)
{
  return g_ptr_array_index (cut->items, index);
}

/* Another take, as choosing it in the project gives: its file and hash. */
static void
use_take (ReelCutItem *item, const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_free (item->media_path);
  item->media_path = g_strdup (path);
  g_free (item->media_sha256);
  item->media_sha256
      = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* Each change re-encodes exactly the segments whose pictures it changes. */
static void
test_invalidation (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture);
  ReelExportOptions options;

  init_options (fixture, &options);
  assert_counts (export_cut (fixture, cut, &options), 4, 0);
  /* Nothing changed: nothing encoded. */
  assert_counts (export_cut (fixture, cut, &options), 0, 4);

  /* The caption's words: its shot only. */
  g_free (((ReelCutCue *) g_ptr_array_index (cut->cues, 0))->text);
  ((ReelCutCue *) g_ptr_array_index (cut->cues, 0))->text = g_strdup ("Goodbye.");
  reel_cut_layout (cut);
  assert_counts (export_cut (fixture, cut, &options), 1, 3);

  /* A trim of the third shot: that shot only, though the fourth (and the
   * caption, here on the second) now start elsewhere in the film. */
  item_at (cut, 2)->in_point = 0.2;
  item_at (cut, 2)->duration = 0.8;
  reel_cut_layout (cut);
  assert_counts (export_cut (fixture, cut, &options), 1, 3);

  /* Another take of the first shot. */
  use_take (item_at (cut, 0), fixture->takes[4]);
  assert_counts (export_cut (fixture, cut, &options), 1, 3);

  /* The same take copied into another project, as the films of a batch
   * share a shot: the same segment. */
  {
    g_autofree char *contents = NULL;
    g_autofree char *copy = g_build_filename (fixture->dir, "copy-of-take-1.mp4", NULL);
    gsize            length = 0;

    g_assert_true (g_file_get_contents (fixture->takes[1], &contents, &length, NULL));
    g_assert_true (g_file_set_contents (copy, contents, (gssize) length, NULL));
    g_free (item_at (cut, 1)->media_path);
    item_at (cut, 1)->media_path = g_steal_pointer (&copy);
    assert_counts (export_cut (fixture, cut, &options), 0, 4);
  }

  /* A file from outside the media store (no hash recorded) in the fourth,
   * then a new one written over it. */
  g_clear_pointer (&item_at (cut, 3)->media_sha256, g_free);
  assert_counts (export_cut (fixture, cut, &options), 1, 3);
  reel_fixture_make_solid_take (fixture->takes[3], 0xffffff, WIDTH, HEIGHT, FPS, 1.0, TRUE);
  assert_counts (export_cut (fixture, cut, &options), 1, 3);

  /* The AI label is drawn on every shot. */
  g_free (options.ai_label_position);
  options.ai_label_position = g_strdup ("top-left");
  assert_counts (export_cut (fixture, cut, &options), 4, 0);

  /* Back to the first label: every segment is still in the cache. */
  g_clear_pointer (&options.ai_label_position, g_free);
  assert_counts (export_cut (fixture, cut, &options), 0, 4);

  /* A brand logo is drawn on every shot, and so is a change of its
   * opacity; taking it away finds the plain segments still cached. */
  {
    g_autofree char *png = g_build_filename (fixture->dir, "logo.png", NULL);
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 32, 16);
    cairo_t         *cr = cairo_create (surface);

    cairo_set_source_rgb (cr, 1, 0, 0);
    cairo_paint (cr);
    cairo_destroy (cr);
    g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (surface);
    cut->logo = reel_logo_new ();
    cut->logo->path = g_strdup (png);
    cut->logo->position = REEL_LOGO_POSITION_TOP_RIGHT;
    cut->logo->size = 0.2;
    cut->logo->opacity = 1.0;
    assert_counts (export_cut (fixture, cut, &options), 4, 0);
    cut->logo->opacity = 0.5;
    assert_counts (export_cut (fixture, cut, &options), 4, 0);
    g_clear_pointer (&cut->logo, reel_logo_free);
    assert_counts (export_cut (fixture, cut, &options), 0, 4);
  }

  /* The quality changes every shot's encoding. */
  g_clear_pointer (&options.x264_speed_preset, g_free);
  options.quality = REEL_EXPORT_QUALITY_DRAFT;
  assert_counts (export_cut (fixture, cut, &options), 4, 0);

  reel_export_options_clear (&options);
}

/* A crossfade joins its two shots in one segment: a change to either
 * re-encodes both, and nothing else. */
static void
test_transition (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture);
  ReelExportOptions options;

  item_at (cut, 2)->transition = REEL_TRANSITION_CROSSFADE;
  item_at (cut, 2)->transition_duration = 0.4;
  reel_cut_layout (cut);
  init_options (fixture, &options);
  assert_counts (export_cut (fixture, cut, &options), 3, 0);

  item_at (cut, 3)->in_point = 0.2;
  item_at (cut, 3)->duration = 0.8;
  reel_cut_layout (cut);
  assert_counts (export_cut (fixture, cut, &options), 1, 2);

  use_take (item_at (cut, 2), fixture->takes[4]);
  assert_counts (export_cut (fixture, cut, &options), 1, 2);
  reel_export_options_clear (&options);
}

typedef struct
{
  guint        frames;
  guint        gaps;
  GstClockTime end;
} Decoded;

/* Decodes the film's pictures as a player would, counting the frames and
 * the places where one does not start where the one before it ended. */
static Decoded
decode_video (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_strdup_printf (
      "filesrc location=\"%s\" ! qtdemux ! h264parse ! avdec_h264 ! appsink name=s sync=false",
      path);
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, &error);
  g_autoptr (GstElement) sink = NULL;
  GstClockTime expected = 0;
  Decoded      decoded = { 0, 0, 0 };
  GstSample   *sample;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND)) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      /* When the player shows it: the edit list of the MP4 shifts the
       * stream's times by the B-frames' delay. */
      GstClockTime pts = gst_segment_to_running_time (gst_sample_get_segment (sample),
                                                      GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));

      /* Within a millisecond: MP4's timescale rounds. */
      if (pts > expected + GST_MSECOND || pts + GST_MSECOND < expected)
        {
          g_test_message ("Frame %u at %" GST_TIME_FORMAT ", expected %" GST_TIME_FORMAT,
                          decoded.frames, GST_TIME_ARGS (pts), GST_TIME_ARGS (expected));
          decoded.gaps++;
        }
      expected = pts + GST_BUFFER_DURATION (buffer);
      decoded.frames++;
      gst_sample_unref (sample);
    }
  decoded.end = expected;
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return decoded;
}

/* A film joined from reused and newly encoded segments plays through: every
 * frame there, in order, each shot where it belongs. */
static void
test_seamless (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture);
  ReelExportOptions options;
  Decoded           decoded;
  guint             total = 0;

  init_options (fixture, &options);
  /* B-frames and a reference across more than one frame, as a user's film
   * has them: the joins must still decode. */
  g_clear_pointer (&options.x264_speed_preset, g_free);
  options.quality = REEL_EXPORT_QUALITY_DRAFT;
  assert_counts (export_cut (fixture, cut, &options), 4, 0);
  use_take (item_at (cut, 1), fixture->takes[4]);
  item_at (cut, 2)->out_point = 0.6;
  reel_cut_layout (cut);
  assert_counts (export_cut (fixture, cut, &options), 2, 2);

  decoded = decode_video (fixture->output);
  for (guint i = 0; i < cut->items->len; i++)
    total += (guint) (item_at (cut, i)->duration * FPS + 0.5);
  g_assert_cmpuint (decoded.frames, ==, total);
  g_assert_cmpuint (decoded.gaps, ==, 0);
  g_assert_cmpuint (decoded.end, ==, gst_util_uint64_scale (total, GST_SECOND, FPS));
  {
    g_autoptr (GstDiscoverer) discoverer = gst_discoverer_new (10 * GST_SECOND, NULL);
    g_autofree char *uri = gst_filename_to_uri (fixture->output, NULL);
    g_autoptr (GstDiscovererInfo) info = gst_discoverer_discover_uri (discoverer, uri, NULL);
    GstClockTime duration = gst_discoverer_info_get_duration (info);

    /* The sound, mixed over the whole film, lasts as long as the picture. */
    g_assert_cmpfloat (fabs ((double) duration / GST_SECOND - (double) total / FPS), <=,
                       1.0 / FPS + 0.03);
  }

  /* Each shot where it belongs, the captioned one included. */
  g_assert_true (reel_fixture_colour_near (reel_fixture_frame_colour (fixture->output, 0.5),
                                           colours[0], COLOUR_TOLERANCE));
  g_assert_true (reel_fixture_colour_near (reel_fixture_frame_colour (fixture->output, 1.5),
                                           colours[4], COLOUR_TOLERANCE));
  g_assert_true (reel_fixture_colour_near (reel_fixture_frame_colour (fixture->output, 2.3),
                                           colours[2], COLOUR_TOLERANCE));
  g_assert_true (reel_fixture_colour_near (reel_fixture_frame_colour (fixture->output, 3.0),
                                           colours[3], COLOUR_TOLERANCE));
  reel_export_options_clear (&options);
}

/* A take whose whole picture changes every frame, made as ffmpeg makes
 * it, with no colorimetry in its stream: as the takes of generators come.
 * FALSE without ffmpeg. */
static gboolean
make_moving_take (const char *path, double seconds)
{
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");
  g_autofree char *source
      = g_strdup_printf ("testsrc2=size=%ux%u:rate=%u:duration=%g", WIDTH, HEIGHT, FPS, seconds);
  g_autofree char *keyframes = g_strdup_printf ("%u", FPS);
  const char      *argv[] = { ffmpeg,     "-v",      "error", "-y",      "-f",      "lavfi",
                              "-i",       source,    "-c:v",  "libx264", "-preset", "ultrafast",
                              "-pix_fmt", "yuv420p", "-g",    keyframes, path,      NULL };

  if (ffmpeg == NULL)
    return FALSE;
  g_assert_cmpint (reel_test_spawn (argv, NULL, NULL, NULL), ==, 0);
  return TRUE;
}

/* How many frames of the film at @path look just like the one before. */
static guint
count_repeated_frames (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line
      = g_strdup_printf ("filesrc location=\"%s\" ! qtdemux ! h264parse ! avdec_h264 ! videoconvert"
                         " ! video/x-raw,format=GRAY8 ! appsink name=s sync=false",
                         path);
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, &error);
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GByteArray) previous = g_byte_array_new ();
  guint      repeated = 0;
  GstSample *sample;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND)) != NULL)
    {
      GstMapInfo map;
      guint64    difference = 0;

      g_assert_true (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ));
      if (previous->len == map.size)
        {
          for (gsize i = 0; i < map.size; i++)
            difference += ABS ((int) map.data[i] - (int) previous->data[i]);
          /* Under one level a pixel on average: the same picture, encoded
           * again (the take itself is checked to have none). */
          if (difference < map.size)
            repeated++;
        }
      g_byte_array_set_size (previous, 0);
      g_byte_array_append (previous, map.data, (guint) map.size);
      gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return repeated;
}

/* Every picture of a moving take reaches the film once: none is shown
 * twice. (When the caps were agreed again with the colorimetry once
 * x264enc gave its first frame, the reconfigured encoder repeated two
 * pictures, and at this size the export failed.) */
static void
test_no_repeated_frames (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = reel_cut_new ();
  g_autofree char  *moving = g_build_filename (fixture->dir, "moving.mp4", NULL);
  ReelExportOptions options;

  if (!make_moving_take (moving, 3.0))
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  g_assert_cmpuint (count_repeated_frames (moving), ==, 0);
  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  reel_fixture_add_item (cut, moving, 3.0, "fal");
  reel_cut_layout (cut);
  init_options (fixture, &options);
  /* A real preset: its look-ahead holds frames back, as a user's does. */
  g_clear_pointer (&options.x264_speed_preset, g_free);
  options.quality = REEL_EXPORT_QUALITY_STANDARD;
  assert_counts (export_cut (fixture, cut, &options), 1, 0);
  g_assert_cmpuint (decode_video (fixture->output).frames, ==, 3 * FPS);
  g_assert_cmpuint (count_repeated_frames (fixture->output), ==, 0);
  reel_export_options_clear (&options);
}

/* The same take twice, untouched: one segment, encoded once, shown twice. */
static void
test_same_segment_twice (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = reel_cut_new ();
  ReelExportOptions options;
  Decoded           decoded;

  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  reel_fixture_add_item (cut, fixture->takes[0], 1.0, "fal");
  reel_fixture_add_item (cut, fixture->takes[1], 1.0, "fal");
  reel_fixture_add_item (cut, fixture->takes[0], 1.0, "fal");
  reel_cut_layout (cut);
  init_options (fixture, &options);
  assert_counts (export_cut (fixture, cut, &options), 2, 1);

  decoded = decode_video (fixture->output);
  g_assert_cmpuint (decoded.frames, ==, 3 * FPS);
  g_assert_cmpuint (decoded.gaps, ==, 0);
  g_assert_true (reel_fixture_colour_near (reel_fixture_frame_colour (fixture->output, 0.5),
                                           colours[0], COLOUR_TOLERANCE));
  g_assert_true (reel_fixture_colour_near (reel_fixture_frame_colour (fixture->output, 1.5),
                                           colours[1], COLOUR_TOLERANCE));
  g_assert_true (reel_fixture_colour_near (reel_fixture_frame_colour (fixture->output, 2.5),
                                           colours[0], COLOUR_TOLERANCE));
  reel_export_options_clear (&options);
}

typedef struct
{
  GCancellable *cancellable;
  double        progress;
  gboolean      backwards;
  gboolean      cancelled;
} Cancelling;

static void
progress_cb (ReelExporter *exporter, GParamSpec *pspec, gpointer user_data)
{
  Cancelling *cancelling = user_data;
  double      progress = reel_exporter_get_progress (exporter);

  cancelling->backwards |= progress < cancelling->progress;
  cancelling->progress = progress;
  /* Past half the film: some segments are done, others under way. */
  if (!cancelling->cancelled && progress > 0.5
      && g_strcmp0 (reel_exporter_get_stage (exporter), "Encoding") == 0)
    {
      cancelling->cancelled = TRUE;
      g_cancellable_cancel (cancelling->cancellable);
    }
}

/* Cancelled while several segments are being encoded, an export leaves no
 * temporary and no hold in the cache, and no film; the segments it
 * finished serve the next export. Its progress never goes back. */
typedef struct
{
  ReelExporter *exporter;
  GError       *error;
  gboolean      ended;
} Ending;

/* As the window does: the export is over, and the exporter goes. */
static void
export_ended_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Ending *ending = user_data;

  g_assert_false (reel_exporter_run_finish (REEL_EXPORTER (source), result, &ending->error));
  g_clear_object (&ending->exporter);
  ending->ended = TRUE;
}

static void
test_cancelled (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = reel_cut_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Cancelling        cancelling = { cancellable, 0, FALSE, FALSE };
  Ending            ending = { NULL, NULL, FALSE };
  ReelExportOptions options;
  Counts            counts;

  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  for (guint i = 0; i < 10; i++)
    reel_fixture_add_item (cut, fixture->takes[i % G_N_ELEMENTS (colours)], 1.0, "fal");
  /* Ten different segments: the takes come round twice, their captions
   * do not. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *line = g_strdup_printf ("Line %u.", i + 1);

      add_cue (cut, i + 1, line);
    }
  reel_cut_layout (cut);
  init_options (fixture, &options);

  /* As in the window, only the export's callback holds the exporter after
   * the start, and lets go of it there, while the export still handles the
   * cancel. */
  ending.exporter = reel_exporter_new (reel_cut_copy (cut), &options, fixture->output);
  g_signal_connect (ending.exporter, "notify::progress", G_CALLBACK (progress_cb), &cancelling);
  reel_exporter_run_async (ending.exporter, cancellable, export_ended_cb, &ending);
  reel_test_wait_until (reel_test_flag_is_set, &ending.ended, REEL_FIXTURE_EXPORT_TIMEOUT_MS,
                        "the cancelled export to finish");
  g_assert_error (ending.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&ending.error);
  g_assert_true (cancelling.cancelled);
  g_assert_false (cancelling.backwards);
  g_assert_false (g_file_test (fixture->output, G_FILE_TEST_EXISTS));
  {
    g_auto (GStrv) names = reel_fixture_list_dir (fixture->cache_dir);

    for (guint i = 0; names[i] != NULL; i++)
      if (g_str_has_prefix (names[i], ".partial-") || g_str_has_prefix (names[i], ".hold-"))
        g_error ("The cancelled export left %s in the cache", names[i]);
  }

  /* Past half the work, three segments at least were done. */
  counts = export_cut (fixture, cut, &options);
  g_assert_cmpuint (counts.reused, >=, 3);
  g_assert_cmpuint (counts.encoded, >=, 1);
  g_assert_cmpuint (counts.encoded + counts.reused, ==, 10);
  reel_export_options_clear (&options);
}

static void
encoding_progress_cb (ReelExporter *exporter, GParamSpec *pspec, gpointer user_data)
{
  double *most = user_data;

  if (g_strcmp0 (reel_exporter_get_stage (exporter), "Encoding") == 0)
    *most = MAX (*most, reel_exporter_get_progress (exporter));
}

/* With every segment cached, mixing the sound is the work the progress
 * follows before the join. */
static void
test_progress_when_cached (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture);
  g_autoptr (ReelExporter) exporter = NULL;
  g_autoptr (GError) error = NULL;
  GAsyncResult     *result = NULL;
  ReelExportOptions options;
  double            most = 0;

  init_options (fixture, &options);
  assert_counts (export_cut (fixture, cut, &options), 4, 0);

  exporter = reel_exporter_new (reel_cut_copy (cut), &options, fixture->output);
  g_signal_connect (exporter, "notify::progress", G_CALLBACK (encoding_progress_cb), &most);
  reel_exporter_run_async (exporter, NULL, export_done_cb, &result);
  reel_test_wait_until (reel_test_pointer_is_set, &result, REEL_FIXTURE_EXPORT_TIMEOUT_MS,
                        "the export to finish");
  g_assert_true (reel_exporter_run_finish (exporter, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
  g_assert_cmpuint (reel_exporter_get_segments_reused (exporter), ==, 4);
  /* Encoding ends at 85 %. */
  g_assert_cmpfloat (most, >=, 0.84);
  reel_export_options_clear (&options);
}

static void
write_segment (const char *dir, const char *name, gsize size, time_t used)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = g_malloc0 (size);
  struct utimbuf   times = { used, used };
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, (gssize) size, &error));
  g_assert_no_error (error);
  g_assert_cmpint (utime (path, &times), ==, 0);
}

/* Over the limit, the least recently used segments go first; a lookup
 * counts as a use; temporaries of exports under way stay. */
static void
test_limit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelSegmentCache) cache = reel_segment_cache_new (fixture->cache_dir);
  g_autofree char *used = NULL;
  g_autofree char *temporary = NULL;
  time_t           now = time (NULL);

  temporary = reel_segment_cache_reserve (cache, NULL);
  g_assert_nonnull (temporary);
  write_segment (fixture->cache_dir, "a.mp4", 1000, now - 400);
  write_segment (fixture->cache_dir, "b.mp4", 1000, now - 300);
  write_segment (fixture->cache_dir, "c.mp4", 1000, now - 200);
  write_segment (fixture->cache_dir, "d.mp4", 1000, now - 100);
  g_assert_cmpuint (reel_segment_cache_get_size (cache), ==, 4000);

  used = reel_segment_cache_lookup (cache, "a", "mp4");
  g_assert_nonnull (used);
  g_assert_null (reel_segment_cache_lookup (cache, "e", "mp4"));

  g_assert_cmpuint (reel_segment_cache_trim (cache, 2500), ==, 2);
  g_assert_cmpuint (reel_segment_cache_get_size (cache), ==, 2000);
  g_assert_true (g_file_test (used, G_FILE_TEST_EXISTS));
  g_free (used);
  used = reel_segment_cache_dup_path (cache, "d", "mp4");
  g_assert_true (g_file_test (used, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (temporary, G_FILE_TEST_EXISTS));
}

static guint
count_holds (const char *cache_dir)
{
  g_autoptr (GDir) dir = g_dir_open (cache_dir, 0, NULL);
  const char *name;
  guint       n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, ".hold-"))
      n++;
  return n;
}

static gsize
file_size (const char *path)
{
  GStatBuf info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  return (gsize) info.st_size;
}

/* What an export looked up or made stays readable until it joins, though
 * another export trims the cache meanwhile; the hold goes with the export,
 * and one a killed export left goes after a day. */
static void
test_held_through_trim (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture);
  g_autoptr (ReelSegmentCache) cache = reel_segment_cache_new (fixture->cache_dir);
  g_autoptr (GError) error = NULL;
  g_autofree char  *hold = NULL;
  g_autofree char  *looked_up = NULL;
  g_autofree char  *held = NULL;
  g_autofree char  *temporary = NULL;
  g_autofree char  *made = NULL;
  g_autofree char  *stale = NULL;
  ReelExportOptions options;
  struct utimbuf    long_ago;
  time_t            now = time (NULL);

  /* An export lets go of its hold. */
  init_options (fixture, &options);
  assert_counts (export_cut (fixture, cut, &options), 4, 0);
  reel_export_options_clear (&options);
  g_assert_cmpuint (count_holds (fixture->cache_dir), ==, 0);
  g_assert_true (reel_segment_cache_clear (cache, &error));

  write_segment (fixture->cache_dir, "a.mp4", 1000, now - 100);
  hold = reel_segment_cache_new_hold (cache, &error);
  g_assert_no_error (error);
  looked_up = reel_segment_cache_lookup (cache, "a", "mp4");
  held = reel_segment_cache_hold (cache, hold, looked_up, "a", "mp4");
  g_assert_nonnull (held);
  g_assert_cmpstr (held, !=, looked_up);

  /* One just encoded is held before it takes its name. */
  temporary = reel_segment_cache_reserve (cache, &error);
  g_assert_true (g_file_set_contents (temporary, "xyz", 3, &error));
  made = reel_segment_cache_hold (cache, hold, temporary, "n", "mp4");
  g_assert_true (reel_segment_cache_commit (cache, temporary, "n", "mp4", &error));
  g_assert_no_error (error);

  /* Another export trims everything. */
  g_assert_cmpuint (reel_segment_cache_trim (cache, 0), ==, 2);
  g_assert_false (g_file_test (looked_up, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (reel_segment_cache_get_size (cache), ==, 0);
  g_assert_cmpuint (file_size (held), ==, 1000);
  g_assert_cmpuint (file_size (made), ==, 3);
  /* Gone from the cache: not found to hold any more. */
  g_assert_null (reel_segment_cache_hold (cache, hold, looked_up, "b", "mp4"));

  reel_segment_cache_drop_hold (cache, hold);
  g_assert_false (g_file_test (held, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (hold, G_FILE_TEST_EXISTS));

  /* A killed export's hold, two days old, goes at the next look. */
  stale = reel_segment_cache_new_hold (cache, &error);
  long_ago.actime = long_ago.modtime = now - 2 * 24 * 60 * 60;
  g_assert_cmpint (utime (stale, &long_ago), ==, 0);
  g_assert_cmpuint (count_holds (fixture->cache_dir), ==, 1);
  reel_segment_cache_get_size (cache);
  g_assert_cmpuint (count_holds (fixture->cache_dir), ==, 0);
}

/* An export keeps the cache under its limit, evicting what it can. */
static void
test_export_limit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture);
  g_autoptr (ReelSegmentCache) cache = reel_segment_cache_new (fixture->cache_dir);
  ReelExportOptions options;
  guint64           full;

  init_options (fixture, &options);
  assert_counts (export_cut (fixture, cut, &options), 4, 0);
  full = reel_segment_cache_get_size (cache);
  g_assert_cmpuint (full, >, 0);

  /* Room for about half the film: what is left of it fits. */
  options.segment_cache_limit = full / 2;
  use_take (item_at (cut, 0), fixture->takes[4]);
  assert_counts (export_cut (fixture, cut, &options), 1, 3);
  g_assert_cmpuint (reel_segment_cache_get_size (cache), <=, full / 2);
  g_assert_cmpuint (reel_segment_cache_get_size (cache), >, 0);
  reel_export_options_clear (&options);
}

/* Emptying the cache leaves no segment, and the next export encodes all. */
static void
test_clear (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture);
  g_autoptr (ReelSegmentCache) cache = reel_segment_cache_new (fixture->cache_dir);
  g_autoptr (GError) error = NULL;
  ReelExportOptions options;

  init_options (fixture, &options);
  assert_counts (export_cut (fixture, cut, &options), 4, 0);
  g_assert_true (reel_segment_cache_clear (cache, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reel_segment_cache_get_size (cache), ==, 0);
  {
    g_auto (GStrv) names = reel_fixture_list_dir (fixture->cache_dir);

    g_assert_cmpuint (g_strv_length (names), ==, 0);
  }
  assert_counts (export_cut (fixture, cut, &options), 4, 0);
  reel_export_options_clear (&options);
}

/* A cache that cannot be written costs the export its segments, not the
 * film. */
static void
test_unwritable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture);
  ReelExportOptions options;

  g_assert_true (g_file_set_contents (fixture->cache_dir, "not a folder", -1, NULL));
  init_options (fixture, &options);
  assert_counts (export_cut (fixture, cut, &options), 0, 0);
  g_assert_true (reel_fixture_colour_near (reel_fixture_frame_colour (fixture->output, 3.5),
                                           colours[3], COLOUR_TOLERANCE));
  reel_export_options_clear (&options);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/segment-cache/invalidation", test_invalidation);
  ADD ("/segment-cache/transition", test_transition);
  ADD ("/segment-cache/seamless", test_seamless);
  ADD ("/segment-cache/same-segment-twice", test_same_segment_twice);
  ADD ("/segment-cache/no-repeated-frames", test_no_repeated_frames);
  ADD ("/segment-cache/cancelled", test_cancelled);
  ADD ("/segment-cache/progress-when-cached", test_progress_when_cached);
  ADD ("/segment-cache/limit", test_limit);
  ADD ("/segment-cache/export-limit", test_export_limit);
  ADD ("/segment-cache/held-through-trim", test_held_through_trim);
  ADD ("/segment-cache/clear", test_clear);
  ADD ("/segment-cache/unwritable", test_unwritable);
#undef ADD

  return g_test_run ();
}
