/* interchange-cut.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "interchange-cut.h"
#include "reel-test-utils.h"

static void
make_video (const char *path, const char *pattern)
{
  g_autofree char *description = g_strdup_printf (
      "videotestsrc num-buffers=48 pattern=%s ! "
      "video/x-raw,width=160,height=90,framerate=24/1 ! videoconvert ! x264enc ! mp4mux ! "
      "filesink location=\"%s\"",
      pattern, path);

  reel_test_run_pipeline (description);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
make_still (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 320, 180);
  cairo_t         *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.85, 0.55, 0.15);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.3, 0.6);
  cairo_arc (cr, 160, 90, 60, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

SampleMedia *
sample_media_new (void)
{
  SampleMedia *media = g_new0 (SampleMedia, 1);

  gst_init (NULL, NULL);
  media->dir = reel_test_make_tmpdir ();
  media->video_a = g_build_filename (media->dir, "take-a.mp4", NULL);
  media->video_b = g_build_filename (media->dir, "take-b.mp4", NULL);
  media->still = g_build_filename (media->dir, "board.png", NULL);
  media->music = g_build_filename (media->dir, "music.ogg", NULL);
  make_video (media->video_a, "smpte");
  make_video (media->video_b, "ball");
  make_still (media->still);
  return media;
}

void
sample_media_free (SampleMedia *media)
{
  if (media == NULL)
    return;
  reel_test_rm_rf (media->dir);
  g_free (media->dir);
  g_free (media->video_a);
  g_free (media->video_b);
  g_free (media->still);
  g_free (media->music);
  g_free (media);
}

static ReelCutItem *
add_item (ReelCut       *cut,
          gint64         shot_id,
          const char    *number,
          const char    *heading,
          const char    *text,
          ReelCameraMove camera,
          const char    *media_path,
          double         in_point,
          double         out_point)
{
  ReelCutItem *item = reel_cut_item_new ();

  item->shot_id = shot_id;
  item->shot_number = g_strdup (number);
  item->scene_heading = g_strdup (heading);
  item->text = g_strdup (text);
  item->camera = camera;
  if (item->captions == NULL)
    item->captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  item->media_path = g_strdup (media_path);
  item->in_point = in_point;
  item->out_point = out_point;
  item->duration = out_point - in_point;
  item->transition = REEL_TRANSITION_CUT;
  g_ptr_array_add (cut->items, item);
  return item;
}

void
sample_cut_add_cue (ReelCut    *cut,
                    gint64      shot_id,
                    double      start,
                    double      duration,
                    const char *speaker,
                    const char *text)
{
  ReelCutCue *cue = reel_cut_cue_new ();

  cue->shot_id = shot_id;
  cue->start = start;
  cue->duration = duration;
  cue->speaker = g_strdup (speaker);
  cue->text = g_strdup (text);
  cue->timing_set = TRUE;
  cue->set_duration = duration;
  /* A hand-set cue is kept relative to its shot, which must be laid out. */
  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      if (item->shot_id == shot_id)
        {
          cue->set_start = start - item->start;
        }
    }
  g_ptr_array_add (cut->cues, cue);
}

static void
add_marker (ReelCut *cut, gint64 id, double time, const char *comment, gint64 shot_id)
{
  ReelMarker *marker = reel_marker_new ();

  marker->id = id;
  marker->time = time;
  marker->comment = g_strdup (comment);
  marker->shot_id = shot_id;
  g_ptr_array_add (cut->markers, marker);
}

ReelCut *
sample_cut_new (const SampleMedia *media)
{
  ReelCut        *cut = reel_cut_new ();
  ReelCutItem    *item;
  ReelMusicTrack *music;

  g_free (cut->title);
  cut->title = g_strdup ("光合作用 Lesson");
  cut->width = 1280;
  cut->height = 720;
  cut->fps = SAMPLE_FPS;
  g_free (cut->language);
  cut->language = g_strdup ("zh-CN");

  item = add_item (cut, 11, "1A", "INT. 教室 - 日 / CLASSROOM - DAY",
                   "老师走进教室，把课本放在讲台上，转身面向黑板。", REEL_CAMERA_STATIC,
                   media != NULL ? media->video_a : "/nonexistent/take-a.mp4", 0.0, 1.5);
  item->media_duration = 2.0;
  item->media_width = 160;
  item->media_height = 90;
  item->media_fps = 24;
  item->media_sha256
      = g_strdup ("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");
  item->take_id = 7;
  item->backend = g_strdup ("dashscope");
  item->model = g_strdup ("wan2.1-t2v-turbo");
  item->prompt = g_strdup ("A teacher enters a sunny classroom, places a book on the desk");
  item->seed = 42;
  item->ai_generated = TRUE;
  g_ptr_array_add (item->captions, reel_caption_new ("老师", "同学们好！", FALSE));

  item = add_item (cut, 12, "1B", "INT. 教室 - 日 / CLASSROOM - DAY",
                   "Close on the blackboard: the word 光合作用 in chalk.", REEL_CAMERA_PUSH_IN,
                   media != NULL ? media->video_b : "/nonexistent/take-b.mp4", 0.25, 2.0);
  item->media_duration = 2.0;
  item->media_width = 160;
  item->media_height = 90;
  item->media_fps = 24;
  item->take_id = 8;
  item->transition = REEL_TRANSITION_CROSSFADE;
  item->transition_duration = 0.5;

  item = add_item (cut, 21, "2A", "EXT. 校园 - 日 / SCHOOLYARD - DAY",
                   "学生们跑出教室，阳光照在绿色的树叶上。", REEL_CAMERA_PAN_LEFT, NULL, 0.0, 1.0);
  item->animatic_fallback = TRUE;
  g_ptr_array_add (item->captions,
                   reel_caption_new ("MARA", "Look, the leaves are drinking the sun!", FALSE));
  g_ptr_array_add (item->captions, reel_caption_new ("MARA", "laughing", TRUE));

  item = add_item (cut, 22, "2B", "EXT. 校园 - 日 / SCHOOLYARD - DAY", "A still of the old tree.",
                   REEL_CAMERA_TILT_UP, media != NULL ? media->still : "/nonexistent/board.png",
                   0.0, 1.0);
  item->media_is_image = TRUE;
  item->media_width = 320;
  item->media_height = 180;

  /* Lay the shots out first: hand-set cues are timed from their shot's start. */
  reel_cut_layout (cut);
  sample_cut_add_cue (cut, 11, 0.2, 1.2, "老师",
                      "同学们好！今天我们学习光合作用，请大家打开课本第三十二页，认真看图。");
  sample_cut_add_cue (cut, 12, 1.6, 1.0, NULL, "Plants turn light into food.");
  sample_cut_add_cue (cut, 21, 3.0, 0.75, "MARA",
                      "叶子里的叶绿体吸收阳光，把二氧化碳和水变成葡萄糖和氧气，"
                      "所以植物不用吃饭也能长大，这就是我们今天要学习的光合作用。");

  add_marker (cut, 1, 0.5, "redo: coat colour wrong", 11);
  add_marker (cut, 2, 3.25, "check: 树叶颜色\nsecond line of the note", 21);

  music = reel_music_track_new ();
  music->id = 1;
  music->name = g_strdup ("Morning theme");
  music->path = g_strdup (media != NULL ? media->music : "/nonexistent/music.ogg");
  music->start_offset = 0.5;
  music->volume = 0.5;
  music->fade_in = 1.0;
  music->fade_out = 1.0;
  g_ptr_array_add (cut->music, music);

  g_free (cut->media_dir);
  cut->media_dir = g_strdup (media != NULL ? media->dir : "/nonexistent");

  reel_cut_layout (cut);
  return cut;
}

char *
sample_run_tool (const char *const *argv, int *exit_status)
{
  g_autofree char *program = g_find_program_in_path (argv[0]);
  g_autofree char *standard_output = NULL;
  g_autoptr (GError) error = NULL;
  int status = -1;

  if (program == NULL)
    return NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, &standard_output, NULL, &status, &error);
  g_assert_no_error (error);
  if (exit_status != NULL)
    *exit_status = g_spawn_check_wait_status (status, NULL) ? 0 : 1;
  return g_steal_pointer (&standard_output);
}
