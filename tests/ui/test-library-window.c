/* test-library-window.c: the Library window, searched and used in a real window
 *
 * A take of one project and a character sheet are kept in the library. From
 * the window of another project, Ctrl+Shift+L's action opens the Library
 * window, which lists both, the take with its thumbnail; a search by who is in
 * the take finds only it, and one that matches nothing says so. The take's
 * Use button waits for a shot to be selected, then copies the take into the
 * project's media store as a take of that shot; the character sheet's adds
 * the character.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "reel-application.h"
#include "reel-library-window.h"
#include "reel-library.h"
#include "reel-preview.h"
#include "reel-project-import.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

static ReelApplication *application;

static const char kitchen_script[] = "INT. KITCHEN - NIGHT\n"
                                     "\n"
                                     "Mia waits in the tense silence of the kitchen.\n";

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
pointer_is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* A project whose one shot has a short video take, kept in @library. */
static void
keep_kitchen_take (ReelLibrary *library, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "Kitchen.storyreel", NULL);
  g_autofree char *video = g_build_filename (dir, "clip.mp4", NULL);
  g_autofree char *pipeline = g_strdup_printf (
      "videotestsrc num-buffers=12 ! video/x-raw,width=160,height=90,framerate=24/1 ! x264enc ! "
      "mp4mux ! filesink location=\"%s\"",
      video);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) video_file = g_file_new_for_path (video);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelShot) shot = NULL;
  GAsyncResult *result = NULL;
  gint64        take_id;

  reel_test_run_pipeline (pipeline);
  project = reel_project_create (file, "Kitchen", &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (project, kitchen_script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_cmpint (reel_project_add_character (project, "Mia", "a tall woman", &error), >, 0);
  g_assert_no_error (error);
  shot = g_list_model_get_item (reel_project_get_shots (project), 0);

  reel_project_import_take_async (project, reel_shot_get_id (shot), video_file, NULL,
                                  REEL_MEDIA_ADD_COPY, NULL, result_cb, &result);
  reel_ui_test_wait_until (pointer_is_set, &result, "the take's import");
  take_id = reel_project_import_take_finish (project, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  reel_library_add_take_async (library, project, take_id, NULL, result_cb, &result);
  reel_ui_test_wait_until (pointer_is_set, &result, "keeping the take");
  g_assert_cmpint (reel_library_add_take_finish (library, result, &error), >, 0);
  g_assert_no_error (error);
  g_clear_object (&result);
}

static ReelLibraryWindow *
find_library_window (ReelWindow *parent)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (REEL_IS_LIBRARY_WINDOW (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (parent))
      return l->data;
  return NULL;
}

static gboolean
library_is_open (gpointer data)
{
  return g_strcmp0 (reel_library_window_get_state (data), "loading") != 0;
}

typedef struct
{
  ReelLibraryWindow *window;
  const char        *state;
  guint              n_results;
} Expected;

static gboolean
window_shows (gpointer data)
{
  Expected *expected = data;

  return g_strcmp0 (reel_library_window_get_state (expected->window), expected->state) == 0
         && reel_library_window_get_n_results (expected->window) == expected->n_results;
}

/* Types @query as a user does and waits for the debounced search's result. */
static void
search (ReelLibraryWindow *window, const char *query, const char *state, guint n_results)
{
  GtkWidget       *entry = reel_ui_test_find_first (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY);
  Expected         expected = { window, state, n_results };
  g_autofree char *what = g_strdup_printf ("“%s” to find %u items", query, n_results);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), query);
  reel_ui_test_wait_until (window_shows, &expected, what);
  reel_ui_test_settle (GTK_WIDGET (window));
}

/* The mapped row titled @title. */
static AdwActionRow *
find_row (ReelLibraryWindow *window, const char *title_prefix)
{
  g_autoptr (GPtrArray) rows = reel_ui_test_find_mapped (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_str_has_prefix (adw_preferences_row_get_title (rows->pdata[i]), title_prefix))
      return rows->pdata[i];
  return NULL;
}

static GtkWidget *
use_button_of (AdwActionRow *row)
{
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (row), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "_Use") == 0)
      return buttons->pdata[i];
  g_assert_not_reached ();
}

static gboolean
thumbnail_is_shown (gpointer data)
{
  GtkWidget *picture = reel_ui_test_find_first (data, GTK_TYPE_PICTURE);

  return picture != NULL && gtk_picture_get_paintable (GTK_PICTURE (picture)) != NULL;
}

typedef struct
{
  ReelProject *project;
  gint64       shot_id;
  guint        n_takes;
} ShotTakes;

static gboolean
shot_has_more_takes (gpointer data)
{
  ShotTakes *shot = data;
  g_autoptr (GPtrArray) takes = reel_project_list_takes (shot->project, shot->shot_id);

  return takes->len > shot->n_takes;
}

static gboolean
project_has_character (gpointer data)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (data);

  for (guint i = 0; i < characters->len; i++)
    if (g_strcmp0 (((ReelCharacter *) characters->pdata[i])->name, "Ada") == 0)
      return TRUE;
  return FALSE;
}

/* The take goes into the shot selected in the main window, and only then. */
static void
use_take (ReelLibraryWindow *library_window, ReelWindow *window, ReelProject *project)
{
  g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), 1);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  AdwActionRow *row = find_row (library_window, "Mia");
  GtkWidget    *use;
  ShotTakes     expected = { project, reel_shot_get_id (shot), 0 };
  ReelTake     *take;

  g_assert_nonnull (row);
  use = use_button_of (row);
  reel_window_select_shot (window, 0);
  reel_ui_test_settle (GTK_WIDGET (library_window));
  g_assert_false (gtk_widget_is_sensitive (use));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (use), ==, "Select a shot in the storyboard first");

  reel_window_select_shot (window, expected.shot_id);
  reel_ui_test_settle (GTK_WIDGET (library_window));
  g_assert_true (gtk_widget_is_sensitive (use));
  before = reel_project_list_takes (project, expected.shot_id);
  expected.n_takes = before->len;
  g_signal_emit_by_name (use, "clicked");
  reel_ui_test_wait_until (shot_has_more_takes, &expected, "the take to reach the selected shot");

  after = reel_project_list_takes (project, expected.shot_id);
  take = after->pdata[after->len - 1];
  g_assert_cmpstr (take->kind, ==, "video");
  {
    g_autofree char *media = reel_project_get_media_path (project, take->media);
    g_autofree char *store
        = g_path_get_dirname (g_file_peek_path (reel_project_get_file (project)));

    /* A copy in the project's own store, not a link to the library's. */
    g_assert_true (g_file_test (media, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_str_has_prefix (media, store));
  }
}

static void
test_search_and_use (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *demo_dir = g_build_filename (tmpdir, "demo", NULL);
  g_autoptr (GFile) library_file = reel_library_dup_default_file ();
  g_autoptr (ReelLibrary) library = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  ReelLibraryCharacterSheet sheet = { .name = "Ada", .description = "a red coat" };
  ReelLibraryWindow        *library_window;
  ReelWindow               *window;

  library = reel_library_open (library_file, &error);
  g_assert_no_error (error);
  keep_kitchen_take (library, tmpdir);
  g_assert_cmpint (reel_library_add_character (library, &sheet, &error), >, 0);
  g_assert_no_error (error);

  g_assert_cmpint (g_mkdir_with_parents (demo_dir, 0700), ==, 0);
  project = reel_ui_test_load_demo_project (demo_dir);
  window = reel_ui_test_open_window (application, project, 1280, 860);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.library", NULL));
  library_window = find_library_window (window);
  g_assert_nonnull (library_window);
  reel_ui_test_wait_until (library_is_open, library_window, "the library to open");
  g_assert_cmpstr (reel_library_window_get_state (library_window), ==, "results");
  g_assert_cmpuint (reel_library_window_get_n_results (library_window), ==, 2);
  reel_ui_test_wait_until (thumbnail_is_shown, find_row (library_window, "Mia"),
                           "the take's thumbnail");
  reel_ui_test_save_png (GTK_WIDGET (library_window), "library-window.png", NULL);

  /* By who is in the take, then by nothing kept. */
  search (library_window, "Mia", "results", 1);
  g_assert_nonnull (find_row (library_window, "Mia"));
  search (library_window, "zebra", "empty", 0);
  g_assert_nonnull (reel_ui_test_find_first (GTK_WIDGET (library_window), ADW_TYPE_STATUS_PAGE));
  search (library_window, "Mia", "results", 1);
  use_take (library_window, window, project);

  /* Only characters; Enter on the row uses it as its button does. */
  search (library_window, "", "results", 2);
  gtk_drop_down_set_selected (
      GTK_DROP_DOWN (reel_ui_test_find_first (GTK_WIDGET (library_window), GTK_TYPE_DROP_DOWN)),
      REEL_LIBRARY_KIND_CHARACTER);
  reel_ui_test_settle (GTK_WIDGET (library_window));
  g_assert_cmpuint (reel_library_window_get_n_results (library_window), ==, 1);
  g_assert_nonnull (find_row (library_window, "Ada"));
  g_signal_emit_by_name (find_row (library_window, "Ada"), "activate");
  reel_ui_test_wait_until (project_has_character, project, "the character to be added");

  /* Remove from Library, as the row's menu does. */
  {
    g_autoptr (GPtrArray) characters
        = reel_library_search (library, "Ada", REEL_LIBRARY_KIND_CHARACTER, &error);
    g_autoptr (GPtrArray) left = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (characters->len, ==, 1);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (find_row (library_window, "Ada")),
                                               "library.remove", "x",
                                               ((ReelLibraryItem *) characters->pdata[0])->id));
    g_assert_cmpstr (reel_library_window_get_state (library_window), ==, "empty");
    left = reel_library_search (library, NULL, REEL_LIBRARY_KIND_ANY, &error);
    g_assert_cmpuint (left->len, ==, 1);
  }

  /* The same window again, not a second one. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.library", NULL));
  g_assert_true (find_library_window (window) == library_window);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

/* A file that is not a library is refused, said so, and left as it is. */
static void
test_foreign_file (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (GFile) library_file = reel_library_dup_default_file ();
  g_autoptr (GFile) library_folder = g_file_get_parent (library_file);
  const char      *folder = g_file_peek_path (library_folder);
  g_autofree char *saved = g_strconcat (folder, ".saved", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  ReelLibraryWindow *library_window;
  ReelWindow        *window;

  /* The other test's library, with its journal, set aside whole. */
  if (g_file_test (folder, G_FILE_TEST_EXISTS))
    g_assert_cmpint (g_rename (folder, saved), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (g_file_peek_path (library_file), "not a library", -1, NULL));

  project = reel_ui_test_load_demo_project (tmpdir);
  window = reel_ui_test_open_window (application, project, 1024, 700);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.library", NULL));
  library_window = find_library_window (window);
  g_assert_nonnull (library_window);
  reel_ui_test_wait_until (library_is_open, library_window, "the library to be tried");
  g_assert_cmpstr (reel_library_window_get_state (library_window), ==, "failed");
  g_assert_null (reel_library_window_get_library (library_window));
  g_assert_true (g_file_get_contents (g_file_peek_path (library_file), &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, "not a library");

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  reel_test_rm_rf (folder);
  if (g_file_test (saved, G_FILE_TEST_EXISTS))
    g_assert_cmpint (g_rename (saved, folder), ==, 0);
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

int
main (int argc, char *argv[])
{
  /* Before anything asks GLib for it: GLib keeps the first answer. */
  g_autofree char *data_home = g_dir_make_tmp ("storyreel-ui-library-window-XXXXXX", NULL);
  int              status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv (REEL_PREVIEW_AUDIO_SINK_ENV, "fakesink", TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/library-window/search-and-use", test_search_and_use);
  g_test_add_func ("/ui/library-window/foreign-file", test_foreign_file);

  status = g_test_run ();
  g_clear_object (&application);
  reel_test_rm_rf (data_home);
  return status;
}
