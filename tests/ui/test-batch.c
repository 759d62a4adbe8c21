/* test-batch.c: Personalised Films in a real window
 *
 * A teacher opens Personalised Films from the window, chooses a table of
 * pupils, sees one row per pupil and which shots differ, and makes the
 * films into a folder. The file choosers are GTK's: the test gives the
 * chosen files to the window the way their answers do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "reel-batch-window.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"

static ReelApplication *application;

static const char script[] = "INT. CLASSROOM - DAY\n\n"
                             "The door opens.\n\n"
                             "{name} waves at the class.\n\n"
                             "The bell rings.\n";

static ReelBatchWindow *
find_batch_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (REEL_IS_BATCH_WINDOW (window))
        return REEL_BATCH_WINDOW (window);
    }
  return NULL;
}

static gboolean
batch_window_is_open (gpointer data)
{
  return find_batch_window () != NULL;
}

static gboolean
has_films (gpointer data)
{
  return reel_batch_window_get_n_films (data) > 0;
}

static gboolean
is_finished (gpointer data)
{
  return !reel_batch_window_get_running (data);
}

static gboolean
has_row_titled (GtkWidget *root, const char *title)
{
  g_autoptr (GPtrArray) rows = reel_ui_test_find_mapped (root, ADW_TYPE_ACTION_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return TRUE;
  return FALSE;
}

static ReelProject *
make_project (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "lesson.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (ReelProject) project = reel_project_create (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (reel_project_set_resolution (project, 64, 36, &error));
  g_assert_true (reel_project_set_fps (project, 8, &error));
  g_assert_true (reel_project_set_default_shot_duration (project, 1, &error));
  g_assert_true (reel_project_set_script (project, script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

static void
test_make_films (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *table_path = g_build_filename (dir, "pupils.csv", NULL);
  g_autofree char *films = g_build_filename (dir, "films", NULL);
  g_autoptr (ReelProject) project = make_project (dir);
  g_autoptr (GFile) table = g_file_new_for_path (table_path);
  g_autoptr (GFile) folder = g_file_new_for_path (films);
  const char *const names[] = { "01-Alice.mp4", "02-Bob.mp4", "03-小明.mp4" };
  ReelWindow       *window;
  ReelBatchWindow  *batch;

  g_assert_true (
      g_file_set_contents (table_path, "name,pet\nAlice,cat\nBob,dog\n小明,猫\n", -1, NULL));
  window = reel_ui_test_open_window (application, project, 900, 700);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.personal-films", NULL));
  reel_ui_test_wait_until (batch_window_is_open, NULL, "the Personalised Films window");
  batch = find_batch_window ();
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, batch, "the window to show");
  /* Nothing to make before a table is chosen. */
  gtk_widget_activate_action (GTK_WIDGET (batch), "batch.start", NULL);
  g_assert_false (reel_batch_window_get_running (batch));

  reel_batch_window_load_table (batch, table);
  reel_ui_test_wait_until (has_films, batch, "the table's rows");
  reel_ui_test_settle (GTK_WIDGET (batch));
  g_assert_cmpuint (reel_batch_window_get_n_films (batch), ==, 3);
  g_assert_true (has_row_titled (GTK_WIDGET (batch), "Alice"));
  g_assert_true (has_row_titled (GTK_WIDGET (batch), "小明"));
  g_assert_nonnull (strstr (reel_batch_window_get_preview_text (batch), "1 of 3 shots differ"));
  reel_ui_test_save_png (GTK_WIDGET (batch), "batch-preview.png", NULL);

  reel_batch_window_set_folder (batch, folder);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (batch), "batch.start", NULL));
  g_assert_true (reel_batch_window_get_running (batch));
  reel_ui_test_wait_until (is_finished, batch, "the films");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *film = g_build_filename (films, names[i], NULL);

      g_assert_true (g_file_test (film, G_FILE_TEST_IS_REGULAR));
    }

  gtk_window_destroy (GTK_WINDOW (batch));
  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/batch/make-films", test_make_films);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
