/* test-cards.c: what the animatic cards that stand in for missing takes show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/app/app.h>
#include <gst/video/video.h>

#include "cut-fixtures.h"
#include "reel-cut.h"
#include "reel-exporter.h"
#include "reel-test-utils.h"

#define WIDTH 640
#define HEIGHT 360
#define FPS 12

/* A shot with action and a speech, and a shot that is nothing but a speech,
 * as the breakdown makes one for dialogue no action precedes. Neither has a
 * take yet. */
static ReelCut *
make_cut (const char *media_dir)
{
  ReelCut     *cut = reel_cut_new ();
  ReelCutItem *item;

  cut->width = WIDTH;
  cut->height = HEIGHT;
  cut->fps = FPS;
  cut->language = g_strdup ("zh-CN");
  cut->media_dir = g_strdup (media_dir);

  item = reel_cut_item_new ();
  item->shot_id = 1;
  item->shot_number = g_strdup ("1A");
  item->scene_heading = g_strdup ("EXT. 码头 - 黄昏");
  item->text = g_strdup ("渡轮靠岸，乘客们涌下舷梯。");
  item->duration = item->out_point = 1.0;
  g_ptr_array_add (item->captions, reel_caption_new ("小男孩", "妈妈，你一定要回来！", FALSE));
  g_ptr_array_add (cut->items, item);

  item = reel_cut_item_new ();
  item->shot_id = 2;
  item->shot_number = g_strdup ("1B");
  item->scene_heading = g_strdup ("EXT. 码头 - 黄昏");
  item->text = g_strdup ("我一定回来。");
  item->duration = item->out_point = 1.0;
  g_ptr_array_add (item->captions, reel_caption_new ("妈妈", "轻声", TRUE));
  g_ptr_array_add (item->captions, reel_caption_new ("妈妈", "我一定回来。", FALSE));
  g_ptr_array_add (cut->items, item);

  reel_cut_layout (cut);
  return cut;
}

/* With captions, the card leaves the words to them; without, it shows them,
 * and never the same words twice. */
static void
test_dialogue_only_without_captions (void)
{
  g_autoptr (ReelCut) cut = make_cut ("/nonexistent");
  const ReelCutItem *action = g_ptr_array_index (cut->items, 0);
  const ReelCutItem *speech = g_ptr_array_index (cut->items, 1);

  {
    g_autoptr (ReelAnimaticSpec) spec = reel_cut_dup_animatic_spec (cut, action);

    g_assert_cmpstr (spec->text, ==, "渡轮靠岸，乘客们涌下舷梯。");
    g_assert_cmpuint (spec->captions->len, ==, 0);
  }
  {
    g_autoptr (ReelAnimaticSpec) spec = reel_cut_dup_animatic_spec (cut, speech);

    /* Who speaks, not what the caption under it says. */
    g_assert_cmpstr (spec->text, ==, "妈妈");
    g_assert_cmpuint (spec->captions->len, ==, 0);
  }

  cut->cards_show_dialogue = TRUE;
  {
    g_autoptr (ReelAnimaticSpec) spec = reel_cut_dup_animatic_spec (cut, action);

    g_assert_cmpstr (spec->text, ==, "渡轮靠岸，乘客们涌下舷梯。");
    g_assert_cmpuint (spec->captions->len, ==, 1);
    g_assert_cmpstr (((ReelCaption *) g_ptr_array_index (spec->captions, 0))->text, ==,
                     "妈妈，你一定要回来！");
  }
  {
    g_autoptr (ReelAnimaticSpec) spec = reel_cut_dup_animatic_spec (cut, speech);

    g_assert_null (spec->text);
    g_assert_cmpuint (spec->captions->len, ==, 2);
  }
}

/* The most rows in a row of the first frame of @path whose middle stretch
 * is the tint of the card's dialogue box: darker than the paper, lighter
 * than ink. */
static guint
count_dialogue_box_rows (const char *path)
{
  g_autofree char *uri = gst_filename_to_uri (path, NULL);
  g_autofree char *line = g_strdup_printf (
      "uridecodebin uri=\"%s\" ! videoconvert ! video/x-raw,format=GRAY8 ! appsink name=sink "
      "sync=false",
      uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, &error);
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstSample) sample = NULL;
  GstVideoInfo  info;
  GstVideoFrame frame;
  guint         rows = 0, run = 0, paper;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 30 * GST_SECOND);
  g_assert_nonnull (sample);
  g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  g_assert_true (gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
  /* The paper, at the top of the frame, outside the card's frame. */
  paper = ((const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0))[WIDTH / 2];
  for (guint y = 0; y < HEIGHT; y++)
    {
      const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
                          + y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
      guint tinted = 0, span = 0;

      for (guint x = WIDTH * 2 / 10; x < WIDTH * 8 / 10; x++, span++)
        tinted += row[x] + 8 <= paper && row[x] + 30 >= paper;
      run = tinted * 10 >= span * 9 ? run + 1 : 0;
      rows = MAX (rows, run);
    }
  gst_video_frame_unmap (&frame);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return rows;
}

/* The export decides: a film without captions shows the dialogue on the
 * cards, a film with burned captions does not. */
static void
test_export_caption_mode (void)
{
  g_autofree char      *dir = reel_test_make_tmpdir ();
  g_autofree char      *media = g_build_filename (dir, "film.media", NULL);
  const ReelCaptionMode modes[] = { REEL_CAPTION_MODE_OFF, REEL_CAPTION_MODE_BURN };
  guint                 box_rows[G_N_ELEMENTS (modes)];

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_autofree char *output = g_build_filename (
          dir, modes[m] == REEL_CAPTION_MODE_OFF ? "off.mp4" : "burn.mp4", NULL);
      g_autoptr (GError) error = NULL;
      ReelExportOptions options;

      reel_export_options_init (&options);
      options.captions = modes[m];
      options.caption_sidecars = FALSE;
      options.allow_stream_copy = FALSE;
      options.x264_speed_preset = g_strdup ("ultrafast");
      g_assert_true (reel_fixture_export (make_cut (media), &options, output, NULL, &error));
      g_assert_no_error (error);
      reel_export_options_clear (&options);
      box_rows[m] = count_dialogue_box_rows (output);
    }

  /* A band of the box's tint above and around the line of dialogue; none
   * without it (a row or two where the card's rule is smoothed). */
  g_assert_cmpuint (box_rows[0], >=, 6);
  g_assert_cmpuint (box_rows[1], <=, 2);
  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/cards/dialogue-only-without-captions", test_dialogue_only_without_captions);
  g_test_add_func ("/cards/export-caption-mode", test_export_caption_mode);
  return g_test_run ();
}
