/* test-caption-burner.c: burned captions as a viewer reads them on the frame
 *
 * Each test burns text into frames of a flat colour and reads the pixels
 * back. With STORYREEL_TEST_PNG_DIR set, the frames are also written there
 * as PNG files, to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <gst/app/app.h>
#include <gst/video/video.h>
#include <math.h>

#include "cut-fixtures.h"
#include "reel-caption-burner.h"
#include "reel-captions.h"
#include "reel-test-utils.h"

#define GREY 0x808080
#define PAPER 0xf3efe6 /* the animatic card's paper */
/* The animatic card draws its frame at action safe, 5 % in from each edge. */
#define CARD_BORDER_SHARE 0.05

typedef struct
{
  guint   width;
  guint   height;
  guint8 *rgb; /* width × height × 3 */
} Frame;

static void
frame_free (Frame *frame)
{
  g_free (frame->rgb);
  g_free (frame);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Frame, frame_free)

static const guint8 *
pixel_at (const Frame *frame, guint x, guint y)
{
  return frame->rgb + ((gsize) y * frame->width + x) * 3;
}

static guint
luma_at (const Frame *frame, guint x, guint y)
{
  const guint8 *p = pixel_at (frame, x, y);

  return (p[0] * 2126u + p[1] * 7152u + p[2] * 722u) / 10000u;
}

static void
maybe_save_png (const Frame *frame, const char *name)
{
  const char      *dir = g_getenv ("STORYREEL_TEST_PNG_DIR");
  g_autofree char *path = NULL;
  cairo_surface_t *surface;

  if (dir == NULL)
    return;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, frame->width, frame->height);
  cairo_surface_flush (surface);
  for (guint y = 0; y < frame->height; y++)
    for (guint x = 0; x < frame->width; x++)
      {
        const guint8 *p = pixel_at (frame, x, y);

        *(guint32 *) (cairo_image_surface_get_data (surface)
                      + y * cairo_image_surface_get_stride (surface) + x * 4)
            = (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2];
      }
  cairo_surface_mark_dirty (surface);
  path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* One frame of @rgb, @width × @height, with @caption (may be NULL) and
 * @label (may be NULL) burned in, as the film's I420 frames are. */
static Frame *
burn_frame (guint width, guint height, guint32 rgb, const char *caption, const char *label)
{
  g_autofree char *line = g_strdup_printf (
      "videotestsrc num-buffers=1 pattern=solid-color foreground-color=0x%08x"
      " ! video/x-raw,format=I420,width=%u,height=%u,framerate=24/1"
      " ! identity name=burn ! videoconvert ! video/x-raw,format=RGB ! appsink name=sink",
      0xff000000u | rgb, width, height);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, &error);
  g_autoptr (GstElement) identity = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (GstSample) sample = NULL;
  ReelCaptionBurner *burner = reel_caption_burner_new ();
  GstVideoInfo       info;
  GstVideoFrame      video;
  Frame             *frame = g_new0 (Frame, 1);

  g_assert_no_error (error);
  if (caption != NULL)
    reel_caption_burner_add_cue (burner, 0, GST_SECOND, caption);
  if (label != NULL)
    reel_caption_burner_set_label (burner, label, REEL_CAPTION_CORNER_BOTTOM_RIGHT);
  identity = gst_bin_get_by_name (GST_BIN (pipeline), "burn");
  pad = gst_element_get_static_pad (identity, "src");
  reel_caption_burner_attach (burner, pad);

  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  /* Bounded: a stalled pipeline fails the test instead of hanging it. */
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 30 * GST_SECOND);
  g_assert_nonnull (sample);
  g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  g_assert_true (gst_video_frame_map (&video, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
  frame->width = width;
  frame->height = height;
  frame->rgb = g_malloc ((gsize) width * height * 3);
  for (guint y = 0; y < height; y++)
    memcpy (frame->rgb + (gsize) y * width * 3,
            (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&video, 0)
                + y * GST_VIDEO_FRAME_PLANE_STRIDE (&video, 0),
            (gsize) width * 3);
  gst_video_frame_unmap (&video);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return frame;
}

/* The bounding box of what differs from the background @rgb. */
static gboolean
find_ink (const Frame *frame, guint32 rgb, guint *left, guint *top, guint *right, guint *bottom)
{
  gboolean found = FALSE;

  *left = frame->width;
  *top = frame->height;
  *right = *bottom = 0;
  for (guint y = 0; y < frame->height; y++)
    for (guint x = 0; x < frame->width; x++)
      {
        const guint8 *p = pixel_at (frame, x, y);
        gboolean      ink = FALSE;

        for (int c = 0; c < 3; c++)
          ink |= ABS ((int) p[c] - (int) ((rgb >> (16 - 8 * c)) & 0xff)) > 12;
        if (!ink)
          continue;
        found = TRUE;
        *left = MIN (*left, x);
        *right = MAX (*right, x);
        *top = MIN (*top, y);
        *bottom = MAX (*bottom, y);
      }
  return found;
}

/* The runs of white on row @y, the letters' strokes. */
static guint
count_white_runs (const Frame *frame, guint y)
{
  guint    runs = 0;
  gboolean in_run = FALSE;

  for (guint x = 0; x < frame->width; x++)
    {
      gboolean white = luma_at (frame, x, y) >= 235;

      runs += white && !in_run;
      in_run = white;
    }
  return runs;
}

/* The letters are white with a dark edge; where the edges of two of them
 * meet, the gap between them is closed, and the word turns into a dark
 * block. On the rows through the middle of the letters, those that cross
 * the most strokes, some pixel between any two runs of white must stay
 * nearer the picture behind than the black of the edge: a soft shadow may
 * darken a gap, an outline must not fill it. (Nearer the tops of arches and
 * bowls a gap narrows to nothing in the letter itself.) */
static void
assert_gaps_open (const Frame *frame, guint background, const char *what)
{
  guint most = 0, rows = 0, gaps = 0;

  for (guint y = 0; y < frame->height; y++)
    most = MAX (most, count_white_runs (frame, y));
  g_assert_cmpuint (most, >, 5);

  for (guint y = 0; y < frame->height; y++)
    {
      int   last_white_end = -1;
      guint brightest = 0;

      if (count_white_runs (frame, y) < most * 9 / 10)
        continue;
      rows++;
      for (guint x = 0; x < frame->width; x++)
        {
          guint luma = luma_at (frame, x, y);

          if (luma < 235)
            {
              brightest = MAX (brightest, luma);
              continue;
            }
          if (last_white_end >= 0 && (int) x > last_white_end + 1)
            {
              gaps++;
              if (brightest < background / 2)
                g_error ("%s: the gap at x %d–%u, y %u is closed: its brightest pixel is %u on "
                         "a background of %u",
                         what, last_white_end, x, y, brightest, background);
            }
          last_white_end = (int) x;
          brightest = 0;
        }
    }
  g_assert_cmpuint (rows, >, 0);
  g_assert_cmpuint (gaps, >, 10);
}

static void
test_letter_gaps_stay_open (void)
{
  static const struct
  {
    guint       width, height;
    const char *text;
    const char *png;
  } cases[] = {
    { 1280, 720, "Illicit mill, hill: lilt!", "gaps-latin-720p.png" },
    /* Between the characters, and in their open parts: the cells of the
     * densest (涌) are three or four pixels at this size, which any edge
     * that can be seen darkens. */
    { 1280, 720, "小川山口日，工川三日。", "gaps-chinese-720p.png" },
    { 640, 360, "Illicit mill, hill: lilt!", "gaps-latin-360p.png" },
    { 1920, 1080, "Illicit mill, hill: lilt!", "gaps-latin-1080p.png" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Frame) frame
          = burn_frame (cases[i].width, cases[i].height, GREY, cases[i].text, NULL);

      maybe_save_png (frame, cases[i].png);
      assert_gaps_open (frame, GREY & 0xff, cases[i].png);
    }
}

/* Captions and the label sit in title safe, clear of the frame the animatic
 * card draws at action safe, captions at the bottom. */
static void
test_title_safe (void)
{
  static const guint heights[] = { 360, 720, 1080 };

  for (guint i = 0; i < G_N_ELEMENTS (heights); i++)
    {
      guint            height = heights[i];
      guint            width = height * 16 / 9;
      guint            border_top = (guint) floor (height * (1 - CARD_BORDER_SHARE)) - 2;
      g_autofree char *png = g_strdup_printf ("title-safe-%up.png", height);
      g_autoptr (Frame) caption = burn_frame (
          width, height, PAPER, "小男孩：妈妈，你一定要回来！\nShe waves, gypsy-quick.", NULL);
      g_autoptr (Frame) label = burn_frame (width, height, PAPER, NULL, "AI-generated");
      guint left, top, right, bottom;

      maybe_save_png (caption, png);
      g_assert_true (find_ink (caption, PAPER, &left, &top, &right, &bottom));
      /* The caption's lowest pixel, its shadow included, ends above the
       * card's frame, near title safe; the caption stays at the bottom. */
      g_assert_cmpuint (bottom, <, border_top);
      g_assert_cmpuint (bottom, <=, height * 0.9 + height * 0.02);
      g_assert_cmpuint (top, >, height * 0.7);
      g_assert_cmpuint (left, >=, width * 0.1);
      g_assert_cmpuint (right, <=, width * 0.9);

      g_assert_true (find_ink (label, PAPER, &left, &top, &right, &bottom));
      g_assert_cmpuint (bottom, <, border_top);
      g_assert_cmpuint (right, <, width * (1 - CARD_BORDER_SHARE) - 2);
      g_assert_cmpuint (right, <=, width * 0.9 + height * 0.02);
    }
}

/* The bands of rows holding white text in the lower part of @frame: its
 * lines of caption. */
static guint
count_text_lines (const guint8 *rgb, guint width, guint height, gsize stride)
{
  guint    lines = 0, blank_rows = 0;
  gboolean in_line = FALSE;

  for (guint y = height / 2; y < height; y++)
    {
      gboolean white = FALSE;

      for (guint x = 0; x < width && !white; x++)
        {
          const guint8 *p = rgb + y * stride + x * 3;

          white = p[0] >= 235 && p[1] >= 235 && p[2] >= 235;
        }
      if (white && !in_line)
        lines++;
      if (white)
        blank_rows = 0;
      else if (++blank_rows >= 3)
        in_line = FALSE;
      in_line |= white;
    }
  return lines;
}

/* A speech too long for one screen is shown as screens of at most two lines,
 * in the film as in the subtitle files. */
static void
test_film_shows_two_lines (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *take = g_build_filename (dir, "grey.mp4", NULL);
  g_autofree char *film = g_build_filename (dir, "film.mp4", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *line = NULL;
  g_autoptr (ReelCut) cut = reel_cut_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) sink = NULL;
  ReelExportOptions options;
  ReelCutCue       *cue = reel_cut_cue_new ();
  guint             most = 0, frames_with_text = 0, changes = 0, previous = 0;

  reel_fixture_make_solid_take (take, GREY, 640, 360, 12, 4.0, FALSE);
  cut->width = 640;
  cut->height = 360;
  cut->fps = 12;
  reel_fixture_add_item (cut, take, 4.0, "import");
  cue->shot_id = 1;
  cue->speaker = g_strdup ("MAYA");
  cue->text = g_strdup ("I waited at the pier all afternoon, and every ferry that came in was the "
                        "wrong one, so I walked home along the beach in the rain, and then I saw "
                        "your letter on the table.");
  cue->timing_set = TRUE;
  cue->set_start = 0.0;
  cue->set_duration = 4.0;
  g_ptr_array_add (cut->cues, cue);
  reel_cut_layout (cut);

  reel_export_options_init (&options);
  options.captions = REEL_CAPTION_MODE_BURN;
  options.caption_sidecars = FALSE;
  options.allow_stream_copy = FALSE;
  options.x264_speed_preset = g_strdup ("ultrafast");
  g_assert_true (reel_fixture_export (g_steal_pointer (&cut), &options, film, NULL, &error));
  g_assert_no_error (error);
  reel_export_options_clear (&options);

  uri = gst_filename_to_uri (film, NULL);
  line = g_strdup_printf ("uridecodebin uri=\"%s\" ! videoconvert ! video/x-raw,format=RGB"
                          " ! appsink name=sink sync=false",
                          uri);
  pipeline = gst_parse_launch (line, &error);
  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;)
    {
      g_autoptr (GstSample) sample
          = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 30 * GST_SECOND);
      GstVideoInfo  info;
      GstVideoFrame video;
      guint         lines;

      if (sample == NULL)
        {
          g_assert_true (gst_app_sink_is_eos (GST_APP_SINK (sink)));
          break;
        }
      g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
      g_assert_true (
          gst_video_frame_map (&video, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
      lines = count_text_lines (GST_VIDEO_FRAME_PLANE_DATA (&video, 0),
                                GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                GST_VIDEO_FRAME_PLANE_STRIDE (&video, 0));
      gst_video_frame_unmap (&video);
      most = MAX (most, lines);
      frames_with_text += lines > 0;
      changes += lines != previous;
      previous = lines;
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  /* Never more than two lines; the speech on screen throughout, as more than
   * one screen. */
  g_assert_cmpuint (most, ==, REEL_CAPTIONS_MAX_LINES);
  g_assert_cmpuint (frames_with_text, >=, 4 * 12 - 2);
  g_assert_cmpuint (changes, >=, 1);
  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/caption-burner/letter-gaps-stay-open", test_letter_gaps_stay_open);
  g_test_add_func ("/caption-burner/title-safe", test_title_safe);
  g_test_add_func ("/caption-burner/film-shows-two-lines", test_film_shows_two_lines);
  return g_test_run ();
}
