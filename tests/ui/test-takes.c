/* test-takes.c: the take strip numbers takes as `take list` does, and films a chosen still
 *
 * The first shot of the demo project gets an animatic take, then a still is
 * imported into it through the strip. The tiles say "Take 1 · 1.0 s" and
 * "Take 2 · Still" (the shot's "Board image"): the numbers the project
 * gives, and so `storyreel take list`, and never "0.0 s" for a still.
 * Chosen from its tile, the still is what the timeline's preview shows for
 * the shot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <gst/gst.h>
#include <math.h>

#include "reel-application.h"
#include "reel-preview.h"
#include "reel-scheduler.h"
#include "reel-take-strip.h"
#include "reel-take-tile.h"
#include "reel-test-utils.h"
#include "reel-timeline-page.h"
#include "reel-timeline-view.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

static ReelApplication *application;

static void
idle_cb (ReelScheduler *scheduler, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

typedef struct
{
  gboolean done;
  gint64   take_id;
  GError  *error;
} ImportResult;

static void
import_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportResult *import = user_data;

  import->take_id
      = reel_take_strip_import_file_finish (REEL_TAKE_STRIP (source), result, &import->error);
  import->done = TRUE;
}

static ReelTakeTile *
tile_for_take (ReelTakeStrip *strip, gint64 take_id)
{
  g_autoptr (GPtrArray) tiles = reel_ui_test_find_mapped (GTK_WIDGET (strip), REEL_TYPE_TAKE_TILE);

  for (guint i = 0; i < tiles->len; i++)
    if (reel_take_tile_get_take_id (tiles->pdata[i]) == take_id)
      return tiles->pdata[i];
  return NULL;
}

/* Whether one of @tile's labels reads @text. */
static gboolean
tile_shows (ReelTakeTile *tile, const char *text)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (tile), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (labels->pdata[i]), text) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  ReelTakeStrip *strip;
  guint          n_takes;
} StripShows;

static gboolean
strip_shows_n_takes (gpointer data)
{
  StripShows *shows = data;
  g_autoptr (GArray) shown = reel_take_strip_dup_shown_takes (shows->strip);

  return shown->len == shows->n_takes;
}

static gboolean
preview_ready (gpointer data)
{
  ReelTimelinePage *page = data;
  ReelPreview      *preview = reel_timeline_page_get_preview (page);

  g_assert_null (reel_preview_get_error (preview));
  return !reel_timeline_page_get_preparing (page) && reel_preview_get_ready (preview)
         && reel_preview_get_texture (preview) != NULL;
}

typedef struct
{
  ReelPreview *preview;
  double       target;
} FrameAt;

static gboolean
frame_shown_at (gpointer data)
{
  FrameAt *at = data;

  g_assert_null (reel_preview_get_error (at->preview));
  return reel_preview_get_ready (at->preview)
         && fabs (reel_preview_get_frame_time (at->preview) - at->target) < 0.1;
}

/* The colour in the middle of the preview's frame, as R, G, B. */
static void
preview_middle (ReelPreview *preview, guint8 rgb[3])
{
  GdkTexture        *texture = reel_preview_get_texture (preview);
  int                width = gdk_texture_get_width (texture);
  int                height = gdk_texture_get_height (texture);
  gsize              stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  const guchar      *pixel;

  /* GDK_MEMORY_DEFAULT: B, G, R, A in memory on little-endian machines. */
  gdk_texture_download (texture, pixels, stride);
  pixel = pixels + (height / 2) * stride + (width / 2) * 4;
  rgb[0] = pixel[2];
  rgb[1] = pixel[1];
  rgb[2] = pixel[0];
}

static void
test_take_numbers_and_stills (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *still_path = g_build_filename (tmpdir, "red.png", NULL);
  g_autofree char *pipeline = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GPtrArray) takes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelShot) shot = NULL;
  ReelWindow    *window;
  ReelTakeStrip *strip;
  ReelScheduler *scheduler;
  gboolean       idle = FALSE;
  gint64         shot_id, still_id;

  pipeline = g_strdup_printf ("videotestsrc pattern=red num-buffers=1"
                              " ! video/x-raw,width=160,height=90 ! pngenc"
                              " ! filesink location=\"%s\"",
                              still_path);
  reel_test_run_pipeline (pipeline);

  project = reel_ui_test_load_demo_project (tmpdir);
  g_assert_true (reel_project_set_resolution (project, 320, 180, &error));
  g_assert_true (reel_project_set_fps (project, 12, &error));
  shot = g_list_model_get_item (reel_project_get_shots (project), 0);
  shot_id = reel_shot_get_id (shot);
  g_assert_true (reel_project_set_shot_duration (project, shot_id, 1.0, &error));
  g_assert_no_error (error);

  window = reel_ui_test_open_window (application, project, 1280, 860);
  scheduler = reel_window_get_scheduler (window);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), &idle);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-shot", "x", shot_id));
  reel_ui_test_wait_until (reel_ui_test_flag_is_set, &idle, "the first shot to be generated");

  reel_window_select_shot (window, shot_id);
  reel_ui_test_settle (GTK_WIDGET (window));
  strip = REEL_TAKE_STRIP (reel_ui_test_find_first (GTK_WIDGET (window), REEL_TYPE_TAKE_STRIP));
  g_assert_nonnull (strip);
  g_assert_cmpint (reel_take_strip_get_shot (strip), ==, shot_id);

  /* A still imported through the strip: the shot's second take, its board. */
  {
    g_autoptr (GFile) file = g_file_new_for_path (still_path);
    ImportResult import = { 0 };
    StripShows   shows = { strip, 2 };

    reel_take_strip_import_file_async (strip, file, NULL, import_cb, &import);
    reel_ui_test_wait_until (reel_ui_test_flag_is_set, &import.done, "the still to be imported");
    g_assert_no_error (import.error);
    still_id = import.take_id;
    reel_ui_test_wait_until (strip_shows_n_takes, &shows, "the strip to show two takes");
    reel_ui_test_settle (GTK_WIDGET (window));
  }

  /* The tiles carry the project's numbers: the ones `take list` prints. */
  takes = reel_project_list_takes (project, shot_id);
  g_assert_cmpuint (takes->len, ==, 2);
  for (guint i = 0; i < takes->len; i++)
    {
      ReelTake        *take = takes->pdata[i];
      ReelTakeTile    *tile = tile_for_take (strip, take->id);
      g_autofree char *name = g_strdup_printf ("Take %u · ", take->number);

      g_assert_cmpuint (take->number, ==, i + 1);
      g_assert_nonnull (tile);
      g_test_message ("Tile of take %" G_GINT64_FORMAT ": %s", take->id,
                      reel_take_tile_get_title (tile));
      g_assert_true (g_str_has_prefix (reel_take_tile_get_title (tile), name));
    }
  g_assert_cmpint (((ReelTake *) takes->pdata[1])->id, ==, still_id);
  g_assert_cmpstr (reel_take_tile_get_title (tile_for_take (strip, still_id)), ==,
                   "Take 2 · Still");
  g_assert_true (tile_shows (tile_for_take (strip, still_id), "Board image · Free"));
  g_assert_null (strstr (reel_take_tile_get_title (tile_for_take (strip, still_id)), "0.0 s"));
  g_assert_cmpstr (
      reel_take_tile_get_title (tile_for_take (strip, ((ReelTake *) takes->pdata[0])->id)), ==,
      "Take 1 · 1.0 s");
  reel_ui_test_save_png (GTK_WIDGET (window), "takes-still.png", NULL);

  /* Chosen from its tile, the still is the shot's take in the film. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tile_for_take (strip, still_id)),
                                             "tile.choose", NULL));
  g_assert_cmpint (reel_shot_get_chosen_take_id (reel_project_lookup_shot (project, shot_id)), ==,
                   still_id);

  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "timeline"));
  reel_ui_test_settle (GTK_WIDGET (window));
  {
    ReelTimelinePage *page = REEL_TIMELINE_PAGE (reel_window_get_view (window, "timeline"));
    ReelTimelineView *view = reel_timeline_page_get_view (page);
    ReelPreview      *preview = reel_timeline_page_get_preview (page);
    FrameAt           at = { preview, 0.5 };
    guint8            rgb[3];

    reel_timeline_page_rebuild_now (page);
    reel_ui_test_wait_until (preview_ready, page, "the preview's first frame");
    g_assert_false (reel_timeline_view_clip_is_animatic (view, 0));
    reel_timeline_view_scrub (view, 0.5);
    reel_ui_test_wait_until (frame_shown_at, &at, "the frame at 0.5 s");
    preview_middle (preview, rgb);
    g_test_message ("The preview at 0.5 s: R %u G %u B %u", rgb[0], rgb[1], rgb[2]);
    g_assert_cmpuint (rgb[0], >, 200);
    g_assert_cmpuint (rgb[1], <, 60);
    g_assert_cmpuint (rgb[2], <, 60);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

int
main (int argc, char *argv[])
{
  int status;

  g_setenv (REEL_PREVIEW_AUDIO_SINK_ENV, "fakesink", TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/takes/numbers-and-stills", test_take_numbers_and_stills);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
