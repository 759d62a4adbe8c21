/* test-library.c: Keep in Library from a take's tile, in a real window
 *
 * The first shot of the demo project gets an animatic take; Keep in Library
 * on its tile copies it into the user's library, where a search finds it,
 * with its thumbnail and the project it came from, and the window says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <gst/gst.h>

#include "reel-application.h"
#include "reel-library.h"
#include "reel-preview.h"
#include "reel-scheduler.h"
#include "reel-take-strip.h"
#include "reel-take-tile.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

static ReelApplication *application;

static void
idle_cb (ReelScheduler *scheduler, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
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

static gboolean
library_has_a_take (gpointer data)
{
  g_autoptr (GPtrArray) takes = reel_library_search (data, NULL, REEL_LIBRARY_KIND_TAKE, NULL);

  return takes != NULL && takes->len > 0;
}

static void
test_keep_take (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (GFile) library_file = reel_library_dup_default_file ();
  g_autoptr (ReelLibrary) library = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelShot) shot = NULL;
  g_autoptr (GPtrArray) kept = NULL;
  g_autoptr (GError) error = NULL;
  ReelLibraryItem *item;
  ReelWindow      *window;
  ReelTakeStrip   *strip;
  gboolean         idle = FALSE;
  gint64           shot_id;

  library = reel_library_open (library_file, &error);
  g_assert_no_error (error);
  project = reel_ui_test_load_demo_project (tmpdir);
  g_assert_true (reel_project_set_resolution (project, 320, 180, &error));
  shot = g_list_model_get_item (reel_project_get_shots (project), 0);
  shot_id = reel_shot_get_id (shot);
  g_assert_true (reel_project_set_shot_duration (project, shot_id, 1.0, &error));
  g_assert_no_error (error);

  window = reel_ui_test_open_window (application, project, 1280, 860);
  g_signal_connect (reel_window_get_scheduler (window), "idle", G_CALLBACK (idle_cb), &idle);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-shot", "x", shot_id));
  reel_ui_test_wait_until (reel_ui_test_flag_is_set, &idle, "the first shot to be generated");
  reel_window_select_shot (window, shot_id);
  reel_ui_test_settle (GTK_WIDGET (window));
  strip = REEL_TAKE_STRIP (reel_ui_test_find_first (GTK_WIDGET (window), REEL_TYPE_TAKE_STRIP));
  g_assert_nonnull (strip);
  g_assert_nonnull (tile_for_take (strip, reel_shot_get_chosen_take_id (shot)));

  g_assert_true (gtk_widget_activate_action (
      GTK_WIDGET (tile_for_take (strip, reel_shot_get_chosen_take_id (shot))), "tile.keep", NULL));
  reel_ui_test_wait_until (library_has_a_take, library, "the take to reach the library");

  kept = reel_library_search (library, NULL, REEL_LIBRARY_KIND_TAKE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 1);
  item = kept->pdata[0];
  g_assert_cmpstr (item->source_project, ==, reel_project_get_title (project));
  g_assert_cmpstr (item->backend, ==, "animatic");
  g_assert_nonnull (item->thumbnail);
  {
    g_autofree char *thumbnail = reel_library_get_media_path (library, item->thumbnail);
    g_autofree char *first_word = g_strndup (item->name, strcspn (item->name, " "));
    g_autoptr (GPtrArray) found
        = reel_library_search (library, first_word, REEL_LIBRARY_KIND_ANY, &error);

    g_assert_true (g_file_test (thumbnail, G_FILE_TEST_IS_REGULAR));
    /* Found by the words of its shot. */
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
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
  /* Before anything asks GLib for it: GLib keeps the first answer. */
  g_autofree char *data_home = g_dir_make_tmp ("storyreel-ui-library-XXXXXX", NULL);
  int              status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv (REEL_PREVIEW_AUDIO_SINK_ENV, "fakesink", TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/library/keep-take", test_keep_take);

  status = g_test_run ();
  g_clear_object (&application);
  reel_test_rm_rf (data_home);
  return status;
}
