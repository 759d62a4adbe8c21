/* test-logo.c: the brand logo in the exported film, checked on its frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <gst/app/app.h>
#include <gst/video/video.h>
#include <math.h>

#include "cut-fixtures.h"
#include "reel-cut-logo.h"
#include "reel-cut-timeline.h"
#include "reel-media-store.h"
#include "reel-test-utils.h"

#define GREY 0x808080
#define RED 0xff0000
#define WIDTH 320
#define HEIGHT 180
#define FPS 12
/* Colours survive H.264 only approximately. */
#define COLOUR_TOLERANCE 40

typedef struct
{
  char *dir;
  char *take;
  char *logo; /* a solid red PNG, wider than high */
} Fixture;

/* An 80 × 40 PNG of one colour (0xRRGGBB). */
static void
write_png (const char *path, guint32 rgb)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 80, 40);
  cairo_t         *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, (rgb >> 16) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = reel_test_make_tmpdir ();
  fixture->take = g_build_filename (fixture->dir, "grey.mp4", NULL);
  fixture->logo = g_build_filename (fixture->dir, "logo.png", NULL);
  reel_fixture_make_solid_take (fixture->take, GREY, WIDTH, HEIGHT, FPS, 1.0, FALSE);
  write_png (fixture->logo, RED);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->take);
  g_free (fixture->logo);
}

static ReelCut *
make_cut (Fixture *fixture, ReelLogoPosition position, double opacity)
{
  ReelCut *cut = reel_cut_new ();

  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  reel_fixture_add_item (cut, fixture->take, 1.0, "import");
  reel_cut_layout (cut);
  if (opacity >= 0)
    {
      cut->logo = reel_logo_new ();
      cut->logo->path = g_strdup (fixture->logo);
      cut->logo->position = position;
      cut->logo->size = 0.25;
      cut->logo->opacity = opacity;
    }
  return cut;
}

static char *export(Fixture *fixture, ReelCut *cut, gboolean *stream_copied)
{
  g_autofree char *film = g_build_filename (fixture->dir, "film.mp4", NULL);
  g_autoptr (GError) error = NULL;
  ReelExportOptions options;

  reel_export_options_init (&options);
  options.caption_sidecars = FALSE;
  options.x264_speed_preset = g_strdup ("ultrafast");
  g_assert_true (reel_fixture_export (cut, &options, film, stream_copied, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);
  return g_steal_pointer (&film);
}

/* The colour at the middle of the logo's place in @corner, as 0xRRGGBB. */
static guint32
colour_in_corner (cairo_surface_t *frame, ReelLogoPosition corner)
{
  g_autoptr (ReelLogo) place = reel_logo_new ();
  int x, y, width, height;

  place->position = corner;
  place->size = 0.25;
  reel_cut_logo_get_rectangle (place, cairo_image_surface_get_width (frame),
                               cairo_image_surface_get_height (frame), 80, 40, &x, &y, &width,
                               &height);
  g_assert_cmpint (width, ==, cairo_image_surface_get_width (frame) / 4);
  g_assert_cmpint (height, ==, cairo_image_surface_get_width (frame) / 8);
  x += width / 2;
  y += height / 2;
  return *(guint32 *) (cairo_image_surface_get_data (frame)
                       + y * cairo_image_surface_get_stride (frame) + x * 4)
         & 0xffffff;
}

static cairo_surface_t *
load_frame_sized (const char *film, int width, int height)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *frame = reel_media_load_frame (film, 0.5, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (cairo_image_surface_get_width (frame), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (frame), ==, height);
  cairo_surface_flush (frame);
  return frame;
}

static cairo_surface_t *
load_frame (const char *film)
{
  return load_frame_sized (film, WIDTH, HEIGHT);
}

/* An opaque logo in the top-right corner is red there, and nowhere else;
 * and it forces a re-encode of takes that would otherwise be copied. */
static void
test_opaque_logo_in_corner (Fixture *fixture, gconstpointer data)
{
  g_autofree char *plain = NULL;
  g_autofree char *film = NULL;
  cairo_surface_t *frame;
  gboolean         copied = FALSE;

  /* Without a logo, the whole H.264 take is joined unchanged. */
  plain = export(fixture, make_cut (fixture, REEL_LOGO_POSITION_TOP_RIGHT, -1), &copied);
  g_assert_true (copied);

  film = export(fixture, make_cut (fixture, REEL_LOGO_POSITION_TOP_RIGHT, 1.0), &copied);
  g_assert_false (copied);

  frame = load_frame (film);
  g_assert_true (reel_fixture_colour_near (colour_in_corner (frame, REEL_LOGO_POSITION_TOP_RIGHT),
                                           RED, COLOUR_TOLERANCE));
  g_assert_true (reel_fixture_colour_near (colour_in_corner (frame, REEL_LOGO_POSITION_BOTTOM_LEFT),
                                           GREY, COLOUR_TOLERANCE));
  g_assert_true (reel_fixture_colour_near (colour_in_corner (frame, REEL_LOGO_POSITION_TOP_LEFT),
                                           GREY, COLOUR_TOLERANCE));
  g_assert_true (
      reel_fixture_colour_near (reel_fixture_frame_colour (film, 0.5), GREY, COLOUR_TOLERANCE));
  cairo_surface_destroy (frame);
}

/* The preview, a GES pipeline playing the same timeline into an appsink as
 * ReelPreview does, shows the logo too. */
static void
test_preview_shows_logo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelCut) cut = make_cut (fixture, REEL_LOGO_POSITION_TOP_RIGHT, 1.0);
  g_autoptr (GError) error = NULL;
  g_autoptr (GESTimeline) timeline = reel_cut_build_timeline (cut, NULL, &error);
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstCaps) caps
      = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRx", NULL);
  g_autoptr (GstSample) sample = NULL;
  GstElement      *appsink = gst_element_factory_make ("appsink", NULL);
  GstVideoInfo     info;
  GstVideoFrame    frame;
  cairo_surface_t *surface;

  g_assert_no_error (error);
  pipeline = gst_object_ref_sink (GST_ELEMENT (ges_pipeline_new ()));
  g_object_set (appsink, "caps", caps, "sync", FALSE, NULL);
  ges_pipeline_preview_set_video_sink (GES_PIPELINE (pipeline), appsink);
  ges_pipeline_preview_set_audio_sink (GES_PIPELINE (pipeline),
                                       gst_element_factory_make ("fakesink", NULL));
  g_assert_true (ges_pipeline_set_timeline (GES_PIPELINE (pipeline), g_object_ref (timeline)));
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  /* The sink flushes until it is paused itself. */
  gst_element_get_state (pipeline, NULL, NULL, 30 * GST_SECOND);
  sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (appsink), 30 * GST_SECOND);
  if (sample == NULL)
    {
      g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr (GError) pipeline_error = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &pipeline_error, NULL);
      g_error ("The preview showed no frame: %s",
               pipeline_error != NULL ? pipeline_error->message : "no error");
    }

  /* Into a cairo surface, to read it as the film's frames are read. */
  g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&info), ==, WIDTH);
  g_assert_true (gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  cairo_surface_flush (surface);
  for (int y = 0; y < HEIGHT; y++)
    memcpy (cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface),
            (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
                + y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
            WIDTH * 4);
  cairo_surface_mark_dirty (surface);
  gst_video_frame_unmap (&frame);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_assert_true (reel_fixture_colour_near (colour_in_corner (surface, REEL_LOGO_POSITION_TOP_RIGHT),
                                           RED, COLOUR_TOLERANCE));
  g_assert_true (reel_fixture_colour_near (
      colour_in_corner (surface, REEL_LOGO_POSITION_BOTTOM_LEFT), GREY, COLOUR_TOLERANCE));
  cairo_surface_destroy (surface);
}

/* At half opacity the logo and the picture mix half and half. */
static void
test_half_opacity_blends (Fixture *fixture, gconstpointer data)
{
  g_autofree char *film = NULL;
  cairo_surface_t *frame;
  guint32          blend = ((0xff + 0x80) / 2) << 16 | 0x40 << 8 | 0x40;
  guint32          colour;

  film = export(fixture, make_cut (fixture, REEL_LOGO_POSITION_BOTTOM_LEFT, 0.5), NULL);
  frame = load_frame (film);
  colour = colour_in_corner (frame, REEL_LOGO_POSITION_BOTTOM_LEFT);
  g_test_message ("half-opacity logo: %06x", colour);
  g_assert_true (reel_fixture_colour_near (colour, blend, 24));
  g_assert_true (reel_fixture_colour_near (colour_in_corner (frame, REEL_LOGO_POSITION_TOP_RIGHT),
                                           GREY, COLOUR_TOLERANCE));
  cairo_surface_destroy (frame);
}

/* A logo whose image cannot be read fails the export with a message that
 * names the logo, rather than making a film without it. */
static void
test_missing_image_fails (Fixture *fixture, gconstpointer data)
{
  g_autofree char *film = g_build_filename (fixture->dir, "film.mp4", NULL);
  g_autoptr (GError) error = NULL;
  ReelCut          *cut = make_cut (fixture, REEL_LOGO_POSITION_TOP_RIGHT, 1.0);
  ReelExportOptions options;

  g_free (cut->logo->path);
  cut->logo->path = g_build_filename (fixture->dir, "gone.png", NULL);
  reel_export_options_init (&options);
  options.caption_sidecars = FALSE;
  options.x264_speed_preset = g_strdup ("ultrafast");
  g_assert_false (reel_fixture_export (cut, &options, film, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "logo"));
  reel_export_options_clear (&options);
}

static int
run_cli (const char *const *args)
{
  g_autofree char *binary = reel_test_build_path ("app/storyreel");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int              status;

  g_ptr_array_add (argv, binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  status = reel_test_spawn ((const char *const *) argv->pdata, NULL, NULL, &err);
  if (status != 0)
    g_test_message ("storyreel %s: %s", args[0], err);
  return status;
}

/* `storyreel export` draws the project's logo where the project puts it,
 * and --logo draws another image in its place. */
static void
test_cli (Fixture *fixture, gconstpointer data)
{
  g_autofree char *project_path = g_build_filename (fixture->dir, "film.storyreel", NULL);
  g_autofree char *script = g_build_filename (fixture->dir, "film.fountain", NULL);
  g_autofree char *film = g_build_filename (fixture->dir, "film.mp4", NULL);
  g_autofree char *green = g_build_filename (fixture->dir, "green.png", NULL);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *frame;

  write_png (green, 0x00ff00);
  g_assert_true (g_file_set_contents (script, "INT. ROOM - DAY\n\nA cat sleeps.\n", -1, &error));
  {
    const char *args[] = { "new", project_path, "--resolution", "160x90", "--fps", "10", NULL };
    g_assert_cmpint (run_cli (args), ==, 0);
  }
  {
    const char *args[] = { "import", project_path, script, NULL };
    g_assert_cmpint (run_cli (args), ==, 0);
  }
  {
    g_autoptr (GFile) file = g_file_new_for_path (project_path);
    g_autoptr (ReelProject) project = reel_project_open (file, &error);
    g_autoptr (ReelMediaStore) store = NULL;
    g_autoptr (ReelMediaInfo) info = NULL;
    g_autoptr (ReelLogo) logo = reel_logo_new ();

    g_assert_no_error (error);
    store = reel_media_store_new (reel_project_get_media_dir (project));
    info = reel_media_store_add_file (store, fixture->logo, REEL_MEDIA_ADD_COPY, NULL, &error);
    g_assert_no_error (error);
    logo->media_path = g_strdup (info->relative_path);
    logo->position = REEL_LOGO_POSITION_BOTTOM_LEFT;
    logo->size = 0.25;
    logo->opacity = 1;
    g_assert_true (reel_project_set_logo (project, logo, &error));
    g_assert_no_error (error);
  }

  {
    const char *args[] = { "export", project_path, "-o", film, "--no-sidecars", NULL };
    g_assert_cmpint (run_cli (args), ==, 0);
  }
  frame = load_frame_sized (film, 160, 90);
  g_assert_true (reel_fixture_colour_near (colour_in_corner (frame, REEL_LOGO_POSITION_BOTTOM_LEFT),
                                           RED, COLOUR_TOLERANCE));
  g_assert_false (reel_fixture_colour_near (colour_in_corner (frame, REEL_LOGO_POSITION_TOP_RIGHT),
                                            RED, COLOUR_TOLERANCE));
  cairo_surface_destroy (frame);

  {
    const char *args[]
        = { "export", project_path, "-o", film, "--no-sidecars", "--logo", green, NULL };
    g_assert_cmpint (run_cli (args), ==, 0);
  }
  frame = load_frame_sized (film, 160, 90);
  g_assert_true (reel_fixture_colour_near (colour_in_corner (frame, REEL_LOGO_POSITION_BOTTOM_LEFT),
                                           0x00ff00, COLOUR_TOLERANCE));
  cairo_surface_destroy (frame);

  {
    const char *args[] = { "export", project_path, "-o", film, "--logo", script, NULL };
    g_assert_cmpint (run_cli (args), ==, 1);
  }
}

/* A logo keeps its aspect, stays inside the frame in every corner, and a
 * tall one is no taller than half the frame. */
static void
test_rectangle (void)
{
  g_autoptr (ReelLogo) logo = reel_logo_new ();

  logo->size = REEL_LOGO_MAX_SIZE;
  for (int corner = REEL_LOGO_POSITION_TOP_LEFT; corner <= REEL_LOGO_POSITION_BOTTOM_RIGHT;
       corner++)
    {
      const int images[][2] = { { 400, 100 }, { 100, 400 }, { 300, 300 } };

      logo->position = (ReelLogoPosition) corner;
      for (guint i = 0; i < G_N_ELEMENTS (images); i++)
        {
          int x, y, width, height;

          reel_cut_logo_get_rectangle (logo, 1920, 1080, images[i][0], images[i][1], &x, &y, &width,
                                       &height);
          g_assert_cmpint (x, >, 0);
          g_assert_cmpint (y, >, 0);
          g_assert_cmpint (x + width, <, 1920);
          g_assert_cmpint (y + height, <, 1080);
          g_assert_cmpint (height, <=, 540);
          g_assert_cmpint (width, <=, 960);
          g_assert_cmpfloat (fabs ((double) width / height - (double) images[i][0] / images[i][1]),
                             <, 0.02);
          g_assert_cmpint ((x + width / 2 > 960), ==,
                           corner == REEL_LOGO_POSITION_TOP_RIGHT
                               || corner == REEL_LOGO_POSITION_BOTTOM_RIGHT);
          g_assert_cmpint ((y + height / 2 > 540), ==,
                           corner == REEL_LOGO_POSITION_BOTTOM_LEFT
                               || corner == REEL_LOGO_POSITION_BOTTOM_RIGHT);
        }
    }
}

/* The key a segment cache hashes changes with whatever changes the logo's
 * pixels, and with nothing else. */
static void
test_key (void)
{
  g_autoptr (ReelLogo) logo = reel_logo_new ();
  g_autoptr (ReelLogo) other = NULL;
  g_autofree char *none = reel_cut_logo_dup_key (NULL);
  g_autofree char *key = NULL;
  g_autofree char *same = NULL;
  const char      *changes[] = { "position", "size", "opacity", "image" };

  logo->media_path = g_strdup ("ab/ab12cd.png");
  logo->path = g_strdup ("/somewhere/else/ab/ab12cd.png");
  key = reel_cut_logo_dup_key (logo);
  g_assert_cmpstr (none, ==, "none");
  g_assert_cmpstr (key, !=, none);

  /* Where the store lies does not change the picture. */
  other = reel_logo_copy (logo);
  g_free (other->path);
  other->path = g_strdup ("/moved/ab/ab12cd.png");
  same = reel_cut_logo_dup_key (other);
  g_assert_cmpstr (same, ==, key);

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr (ReelLogo) changed = reel_logo_copy (logo);
      g_autofree char *changed_key = NULL;

      if (i == 0)
        changed->position = REEL_LOGO_POSITION_BOTTOM_LEFT;
      else if (i == 1)
        changed->size = 0.2;
      else if (i == 2)
        changed->opacity = 0.5;
      else
        {
          g_free (changed->media_path);
          changed->media_path = g_strdup ("cd/cd34ef.png");
        }
      changed_key = reel_cut_logo_dup_key (changed);
      g_test_message ("%s: %s", changes[i], changed_key);
      g_assert_cmpstr (changed_key, !=, key);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add ("/logo/opaque-in-corner", Fixture, NULL, fixture_set_up, test_opaque_logo_in_corner,
              fixture_tear_down);
  g_test_add ("/logo/preview-shows-logo", Fixture, NULL, fixture_set_up, test_preview_shows_logo,
              fixture_tear_down);
  g_test_add ("/logo/half-opacity-blends", Fixture, NULL, fixture_set_up, test_half_opacity_blends,
              fixture_tear_down);
  g_test_add ("/logo/missing-image-fails", Fixture, NULL, fixture_set_up, test_missing_image_fails,
              fixture_tear_down);
  g_test_add ("/logo/cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  g_test_add_func ("/logo/rectangle", test_rectangle);
  g_test_add_func ("/logo/key", test_key);
  return g_test_run ();
}
