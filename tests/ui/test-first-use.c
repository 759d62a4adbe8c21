/* test-first-use.c: what a new user meets first
 *
 * Ctrl+N asks where the project goes (never the process's working folder),
 * and a new project opens on an empty script that shows what a script looks
 * like and offers to import one. The Shortcuts window opens on its shortcuts.
 * A shot can be duplicated and split from its menu and the keyboard. Progress
 * never says 100 % before the work is done, the Jobs view says how far a
 * batch is and how long it may take, and an export has one Cancel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>

#include "reel-application.h"
#include "reel-export-dialog.h"
#include "reel-job-row.h"
#include "reel-jobs-page.h"
#include "reel-project-jobs.h"
#include "reel-scheduler.h"
#include "reel-script-page.h"
#include "reel-shot-card.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-ui-utils.h"
#include "reel-window.h"

static ReelApplication *application;

/* Toplevels */

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }
  return NULL;
}

static gboolean
file_chooser_shown (gpointer data)
{
  GtkWidget *dialog = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (dialog);
}

static gboolean
folder_known (gpointer data)
{
  g_autoptr (GFile) folder = gtk_file_chooser_get_current_folder (data);

  return folder != NULL;
}

/* The file chooser a GtkFileChooserNative shows where there is no portal,
 * once it has looked its folder up. */
static GtkFileChooser *
wait_for_file_chooser (void)
{
  GtkFileChooser *chooser;

  reel_ui_test_wait_until (file_chooser_shown, NULL, "a file chooser");
  chooser = GTK_FILE_CHOOSER (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));
  reel_ui_test_wait_until (folder_known, chooser, "the file chooser's folder");
  return chooser;
}

static gboolean
file_chooser_gone (gpointer data)
{
  return find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL;
}

static void
answer_file_chooser (GtkFileChooser *chooser, int response)
{
  gtk_dialog_response (GTK_DIALOG (chooser), response);
  reel_ui_test_wait_until (file_chooser_gone, NULL, "the file chooser to close");
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
assert_same_file (GFile *a, GFile *b)
{
  g_autofree char *path_a = g_file_get_path (a);
  g_autofree char *path_b = g_file_get_path (b);

  g_assert_cmpstr (path_a, ==, path_b);
}

/* Widgets */

static GtkWidget *
find_mapped_button (GtkWidget *root, const char *action_name)
{
  g_autoptr (GPtrArray) buttons = reel_ui_test_find_mapped (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), action_name) == 0)
      return buttons->pdata[i];
  return NULL;
}

static GtkWidget *
find_label_containing (GtkWidget *root, const char *text)
{
  g_autoptr (GPtrArray) labels = reel_ui_test_find_mapped (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (labels->pdata[i]), text) != NULL)
      return labels->pdata[i];
  return NULL;
}

/* New project */

static void
test_new_project (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *taken = g_build_filename (tmpdir, "Untitled.storyreel", NULL);
  g_autofree char *recent = g_build_filename (tmpdir, "Earlier.storyreel", NULL);
  g_autofree char *expected_path = g_build_filename (tmpdir, "Untitled 2.storyreel", NULL);
  g_autofree char *in_cwd = g_build_filename (cwd, "Untitled.storyreel", NULL);
  const char      *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);
  GSettings       *settings = reel_application_get_settings (application);
  const char      *no_recent[] = { NULL };
  const char      *recent_list[] = { recent, NULL };
  ReelWindow      *window = reel_ui_test_open_window (application, NULL, 900, 640);
  GtkFileChooser  *chooser;
  GtkWidget       *script;
  ReelProject     *project;
  GtkWidget       *focus;
  GtkTextBuffer   *buffer;

  g_assert_nonnull (settings);
  g_assert_false (g_file_test (in_cwd, G_FILE_TEST_EXISTS));

  /* Ctrl+N asks where, starting in the Videos folder (else the home
   * folder), never the folder the process happened to start in. */
  g_settings_set_strv (settings, "recent-projects", no_recent);
  g_action_group_activate_action (G_ACTION_GROUP (application), "new", NULL);
  chooser = wait_for_file_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==, GTK_FILE_CHOOSER_ACTION_SAVE);
  {
    g_autoptr (GFile) folder = gtk_file_chooser_get_current_folder (chooser);
    g_autoptr (GFile) expected = g_file_new_for_path (
        videos != NULL && g_file_test (videos, G_FILE_TEST_IS_DIR) ? videos : g_get_home_dir ());
    g_autofree char *name = gtk_file_chooser_get_current_name (chooser);

    g_assert_nonnull (folder);
    assert_same_file (folder, expected);
    g_assert_cmpstr (name, ==, "Untitled.storyreel");
  }
  /* Cancelling creates nothing. */
  answer_file_chooser (chooser, GTK_RESPONSE_CANCEL);
  g_assert_null (reel_window_get_project (window));
  g_assert_false (g_file_test (in_cwd, G_FILE_TEST_EXISTS));

  /* After a project elsewhere, that folder, with a name not taken there. */
  g_assert_true (g_file_set_contents (taken, "", 0, NULL));
  g_settings_set_strv (settings, "recent-projects", recent_list);
  g_action_group_activate_action (G_ACTION_GROUP (application), "new", NULL);
  chooser = wait_for_file_chooser ();
  {
    g_autoptr (GFile) folder = gtk_file_chooser_get_current_folder (chooser);
    g_autoptr (GFile) expected = g_file_new_for_path (tmpdir);
    g_autofree char *name = gtk_file_chooser_get_current_name (chooser);

    assert_same_file (folder, expected);
    g_assert_cmpstr (name, ==, "Untitled 2.storyreel");
  }
  answer_file_chooser (chooser, GTK_RESPONSE_ACCEPT);

  /* The new project opens on its empty script, ready for typing, with an
   * example of a script and a way to import one. */
  project = reel_window_get_project (window);
  g_assert_nonnull (project);
  g_assert_true (g_file_test (expected_path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (in_cwd, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (reel_window_get_visible_view (window), ==, "script");
  reel_ui_test_settle (GTK_WIDGET (window));
  script = reel_window_get_view (window, "script");
  g_assert_nonnull (find_mapped_button (script, "win.import-script"));
  g_assert_nonnull (find_label_containing (script, "INT. KITCHEN - MORNING"));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (GTK_SOURCE_IS_VIEW (focus));
  g_assert_true (gtk_widget_is_ancestor (focus, script));
  reel_ui_test_save_png (GTK_WIDGET (window), "new-project.png", NULL);

  /* Typing takes the example away. */
  buffer = reel_script_page_get_buffer (REEL_SCRIPT_PAGE (script));
  gtk_text_buffer_insert_at_cursor (buffer, "INT. ATTIC - NIGHT\n", -1);
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_null (find_mapped_button (script, "win.import-script"));
  g_assert_null (find_label_containing (script, "INT. KITCHEN - MORNING"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "recent-projects");
  reel_test_rm_rf (tmpdir);
}

static gboolean
chooser_has_file (gpointer data)
{
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));
  g_autoptr (GFile) file = chooser != NULL ? gtk_file_chooser_get_file (chooser) : NULL;

  return file != NULL && g_file_equal (file, data);
}

static gboolean
project_has_shots (gpointer data)
{
  return g_list_model_get_n_items (reel_project_get_shots (data)) > 0;
}

static void
test_import_script (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *project_path = g_build_filename (tmpdir, "Rain.storyreel", NULL);
  g_autofree char *script_path = g_build_filename (tmpdir, "rain.fountain", NULL);
  g_autoptr (GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr (GFile) script_file = g_file_new_for_path (script_path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = NULL;
  const char      script[] = "EXT. STATION - NIGHT\n\nRain on the platform. 列车进站了。\n\n"
                             "INT. TRAIN - NIGHT\n\nMaya finds a seat by the window.\n";
  ReelWindow     *window;
  GtkFileChooser *chooser;

  g_assert_true (g_file_set_contents (script_path, script, -1, &error));
  project = reel_project_create (project_file, "Rain", &error);
  g_assert_no_error (error);
  window = reel_ui_test_open_window (application, project, 1000, 700);
  g_assert_cmpstr (reel_window_get_visible_view (window), ==, "script");

  /* The placeholder's button asks for a script beside the project. */
  gtk_widget_activate (
      find_mapped_button (reel_window_get_view (window, "script"), "win.import-script"));
  chooser = wait_for_file_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==, GTK_FILE_CHOOSER_ACTION_OPEN);
  {
    g_autoptr (GFile) folder = gtk_file_chooser_get_current_folder (chooser);
    g_autoptr (GFile) expected = g_file_new_for_path (tmpdir);

    assert_same_file (folder, expected);
  }
  g_assert_true (gtk_file_chooser_set_file (chooser, script_file, NULL));
  reel_ui_test_wait_until (chooser_has_file, script_file, "the script to be selected");
  answer_file_chooser (chooser, GTK_RESPONSE_ACCEPT);

  /* Read off the main thread, then stored and broken down. */
  reel_ui_test_wait_until (project_has_shots, project, "the imported script's shots");
  g_assert_cmpstr (reel_project_get_script (project), ==, script);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_scenes (project)), ==, 2);
  g_assert_cmpstr (reel_window_get_visible_view (window), ==, "storyboard");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

/* Keyboard shortcuts */

/* The accelerator the window binds to @action_name, as a string, or NULL. */
static char *
dup_window_accelerator (GtkWidget *window, const char *action_name)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (window);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_NAMED_ACTION (action)
              && g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                              action_name))
            return gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
        }
    }
  return NULL;
}

static GtkWidget *
find_shortcut (GtkWidget *shortcuts, const char *accelerator)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();

  reel_ui_test_collect_descendants (shortcuts, GTK_TYPE_SHORTCUTS_SHORTCUT, all);
  for (guint i = 0; i < all->len; i++)
    {
      g_autofree char *accel = NULL;

      g_object_get (all->pdata[i], "accelerator", &accel, NULL);
      if (g_strcmp0 (accel, accelerator) == 0)
        return all->pdata[i];
    }
  return NULL;
}

static gboolean
shortcuts_shown (gpointer data)
{
  GtkWidget *shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);

  return shortcuts != NULL && gtk_widget_get_mapped (shortcuts);
}

static gboolean
shortcuts_hidden (gpointer data)
{
  return find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW) == NULL;
}

/* The stack of the window's sections. */
static GtkStack *
find_sections_stack (GtkWidget *shortcuts)
{
  g_autoptr (GPtrArray) stacks = g_ptr_array_new ();

  reel_ui_test_collect_descendants (shortcuts, GTK_TYPE_STACK, stacks);
  for (guint i = 0; i < stacks->len; i++)
    if (gtk_stack_get_child_by_name (stacks->pdata[i], "general") != NULL)
      return stacks->pdata[i];
  g_assert_not_reached ();
}

static void
assert_visible_section (GtkStack *sections, const char *name)
{
  GtkWidget       *section = gtk_stack_get_visible_child (sections);
  g_autofree char *section_name = NULL;

  g_assert_true (GTK_IS_SHORTCUTS_SECTION (section));
  g_assert_true (gtk_widget_get_mapped (section));
  g_object_get (section, "section-name", &section_name, NULL);
  g_assert_cmpstr (section_name, ==, name);
}

static void
test_shortcuts_window (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = reel_ui_test_load_demo_project (tmpdir);
  ReelWindow *window = reel_ui_test_open_window (application, project, 1280, 800);
  GtkWidget  *shortcuts;
  GtkStack   *sections;
  const char *new_actions[][2] = {
    { "win.duplicate-shot", "Duplicate the selected shot" },
    { "win.split-shot", "Split the selected shot at the cursor, or between sentences" },
  };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  reel_ui_test_wait_until (shortcuts_shown, NULL, "the Shortcuts window");
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  reel_ui_test_settle (shortcuts);

  /* It opens on the general shortcuts: not a search, not a later section. */
  sections = find_sections_stack (shortcuts);
  assert_visible_section (sections, "general");
  g_assert_nonnull (find_label_containing (shortcuts, "Break down the script"));
  g_assert_nonnull (find_label_containing (shortcuts, "New project"));
  reel_ui_test_save_png (shortcuts, "shortcuts.png", NULL);

  /* Left on another section, it opens on the general one again. */
  gtk_stack_set_visible_child_name (sections, "storyboard");
  reel_ui_test_settle (shortcuts);
  g_assert_nonnull (find_label_containing (shortcuts, "Duplicate the selected shot"));
  reel_ui_test_save_png (shortcuts, "shortcuts-storyboard.png", NULL);
  gtk_window_close (GTK_WINDOW (shortcuts));
  reel_ui_test_wait_until (shortcuts_hidden, NULL, "the Shortcuts window to close");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  reel_ui_test_wait_until (shortcuts_shown, NULL, "the Shortcuts window again");
  assert_visible_section (sections, "general");

  /* The new shot shortcuts are bound, and listed as bound. */
  for (guint i = 0; i < G_N_ELEMENTS (new_actions); i++)
    {
      g_autofree char *accelerator
          = dup_window_accelerator (GTK_WIDGET (window), new_actions[i][0]);
      GtkWidget       *listed;
      g_autofree char *title = NULL;

      g_assert_nonnull (accelerator);
      listed = find_shortcut (shortcuts, accelerator);
      g_assert_nonnull (listed);
      g_object_get (listed, "title", &title, NULL);
      g_assert_cmpstr (title, ==, new_actions[i][1]);
    }

  gtk_window_destroy (GTK_WINDOW (shortcuts));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

/* Duplicate and split */

static ReelShotCard *
card_for_shot (ReelWindow *window, gint64 shot_id)
{
  g_autoptr (GPtrArray) cards = reel_ui_test_find_mapped (GTK_WIDGET (window), REEL_TYPE_SHOT_CARD);

  for (guint i = 0; i < cards->len; i++)
    if (reel_shot_get_id (reel_shot_card_get_shot (cards->pdata[i])) == shot_id)
      return cards->pdata[i];
  return NULL;
}

static GtkTextView *
card_text_view (ReelShotCard *card)
{
  g_autoptr (GPtrArray) views = reel_ui_test_find_mapped (GTK_WIDGET (card), GTK_TYPE_TEXT_VIEW);

  /* The shot's text comes first, its dialogue second. */
  g_assert_cmpuint (views->len, >=, 1);
  return views->pdata[0];
}

static gboolean
menu_shown (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The items of the card's menu a user sees, by their label without the
 * mnemonic underline; the menu is closed again. */
static GStrv
dup_menu_labels (ReelShotCard *card)
{
  GtkMenuButton *button
      = GTK_MENU_BUTTON (reel_ui_test_find_first (GTK_WIDGET (card), GTK_TYPE_MENU_BUTTON));
  GtkPopover *popover;
  g_autoptr (GStrvBuilder) labels = g_strv_builder_new ();
  g_autoptr (GPtrArray) items = g_ptr_array_new ();

  /* The card makes its menu when it first pops up. */
  gtk_menu_button_popup (button);
  popover = gtk_menu_button_get_popover (button);
  g_assert_nonnull (popover);
  reel_ui_test_wait_until (menu_shown, popover, "the shot's menu");
  reel_ui_test_collect_descendants (GTK_WIDGET (popover), GTK_TYPE_LABEL, items);
  for (guint i = 0; i < items->len; i++)
    if (gtk_widget_get_mapped (items->pdata[i]))
      g_strv_builder_add (labels, gtk_label_get_text (items->pdata[i]));
  gtk_menu_button_popdown (button);
  return g_strv_builder_end (labels);
}

static void
test_duplicate_and_split (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = reel_ui_test_load_demo_project (tmpdir);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) menu = NULL;
  GListModel   *shots = reel_project_get_shots (project);
  ReelWindow   *window = reel_ui_test_open_window (application, project, 1280, 800);
  ReelShot     *shot;
  ReelShotCard *card;
  GtkTextView  *text_view;
  GtkTextIter   cursor;
  gint64        shot_id, copy_id, second_id;
  guint         n_shots = g_list_model_get_n_items (shots);
  const char   *text = "Clouds gather over the sea. Rain begins to fall.";

  {
    g_autoptr (ReelShot) first = g_list_model_get_item (shots, 0);
    shot = first;
  }
  shot_id = reel_shot_get_id (shot);
  g_assert_true (reel_project_set_shot_text (project, shot_id, text, &error));
  g_assert_no_error (error);
  reel_window_show_view (window, "storyboard");
  reel_ui_test_settle (GTK_WIDGET (window));
  card = card_for_shot (window, shot_id);
  g_assert_nonnull (card);

  /* The card's menu offers both, by name. */
  menu = dup_menu_labels (card);
  g_assert_true (g_strv_contains ((const char *const *) menu, "Duplicate Shot"));
  g_assert_true (g_strv_contains ((const char *const *) menu, "Split Shot"));
  g_assert_true (reel_window_get_selected_shot (window) == shot_id);

  /* Duplicate: a copy right after it, selected; undo takes it away. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.duplicate-shot", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, n_shots + 1);
  {
    g_autoptr (ReelShot) copy = g_list_model_get_item (shots, 1);

    copy_id = reel_shot_get_id (copy);
    g_assert_cmpint (copy_id, !=, shot_id);
    g_assert_cmpstr (reel_shot_get_text (copy), ==, text);
    g_assert_cmpuint (reel_shot_get_n_takes (copy), ==, 0);
  }
  g_assert_cmpint (reel_window_get_selected_shot (window), ==, copy_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, n_shots);
  g_assert_null (reel_project_lookup_shot (project, copy_id));

  /* Split at the cursor the user put in the text, even once the focus has
   * gone on to the card's menu. */
  card = card_for_shot (window, shot_id);
  text_view = card_text_view (card);
  gtk_widget_grab_focus (GTK_WIDGET (text_view));
  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (text_view), &cursor,
                                      g_utf8_strlen ("Clouds gather", -1));
  gtk_text_buffer_place_cursor (gtk_text_view_get_buffer (text_view), &cursor);
  gtk_widget_grab_focus (reel_ui_test_find_first (GTK_WIDGET (card), GTK_TYPE_MENU_BUTTON));
  g_assert_cmpint (reel_window_get_selected_shot (window), ==, shot_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.split-shot", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, n_shots + 1);
  g_assert_cmpstr (reel_shot_get_text (shot), ==, "Clouds gather");
  second_id = reel_window_get_selected_shot (window);
  g_assert_cmpint (second_id, !=, shot_id);
  g_assert_cmpstr (reel_shot_get_text (reel_project_lookup_shot (project, second_id)), ==,
                   "over the sea. Rain begins to fall.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpstr (reel_shot_get_text (shot), ==, text);

  /* Without a cursor in the text: between the sentences. */
  reel_window_select_shot (window, shot_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.split-shot", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpstr (reel_shot_get_text (shot), ==, "Clouds gather over the sea.");
  second_id = reel_window_get_selected_shot (window);
  g_assert_cmpstr (reel_shot_get_text (reel_project_lookup_shot (project, second_id)), ==,
                   "Rain begins to fall.");

  /* One sentence and no cursor: nothing changes, and no error dialog. */
  n_shots = g_list_model_get_n_items (shots);
  reel_window_select_shot (window, shot_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.split-shot", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, n_shots);
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  reel_ui_test_save_png (GTK_WIDGET (window), "split.png", NULL);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

/* Progress */

static ReelJobRecord *
job_record (gint64 batch, gint64 shot, ReelJobState state, gint64 created, gint64 updated)
{
  ReelJobRecord *job = reel_job_record_new ();

  job->id = shot;
  job->batch_id = batch;
  job->shot_id = shot;
  job->backend = g_strdup ("animatic");
  job->state = state;
  job->created = created;
  job->updated = updated;
  return job;
}

static void
test_batch_estimate (void)
{
  g_autoptr (GPtrArray) jobs
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);
  const gint64     start = 1700000000000;
  g_autofree char *text = NULL;
  double           fraction = -1;

  /* Nothing runs: nothing to say. */
  g_assert_null (reel_ui_describe_batch_progress (jobs, start, NULL));
  g_ptr_array_add (jobs, job_record (7, 1, REEL_JOB_DONE, start - 60000, start - 1000));
  g_assert_null (reel_ui_describe_batch_progress (jobs, start, NULL));

  /* A batch of 12 shots: at first nothing done, no estimate. */
  g_ptr_array_set_size (jobs, 0);
  for (gint64 i = 1; i <= 12; i++)
    g_ptr_array_add (jobs, job_record (8, i, REEL_JOB_QUEUED, start, start));
  text = reel_ui_describe_batch_progress (jobs, start + 5000, &fraction);
  g_assert_cmpstr (text, ==, "0 of 12 shots");
  g_assert_cmpfloat (fraction, ==, 0);
  g_clear_pointer (&text, g_free);

  /* Three done in 30 s: nine more take about 90 s. */
  for (guint i = 0; i < 3; i++)
    ((ReelJobRecord *) jobs->pdata[i])->state = i == 2 ? REEL_JOB_FAILED : REEL_JOB_DONE;
  ((ReelJobRecord *) jobs->pdata[3])->state = REEL_JOB_RUNNING;
  text = reel_ui_describe_batch_progress (jobs, start + 30000, &fraction);
  g_assert_cmpstr (text, ==, "3 of 12 shots · about 2 min left");
  g_assert_cmpfloat_with_epsilon (fraction, 0.25, 1e-9);
  g_clear_pointer (&text, g_free);

  /* Cancelled jobs are no longer part of it; a quick batch says so. */
  for (guint i = 6; i < 12; i++)
    ((ReelJobRecord *) jobs->pdata[i])->state = REEL_JOB_CANCELLED;
  text = reel_ui_describe_batch_progress (jobs, start + 6000, NULL);
  g_assert_cmpstr (text, ==, "3 of 6 shots · less than a minute left");
  g_clear_pointer (&text, g_free);

  /* Variants of one shot count as takes; an older finished batch does not
   * count at all. */
  g_ptr_array_set_size (jobs, 0);
  g_ptr_array_add (jobs, job_record (9, 1, REEL_JOB_DONE, start - 60000, start - 30000));
  for (gint64 i = 0; i < 3; i++)
    {
      ReelJobRecord *job
          = job_record (10, 5, i == 0 ? REEL_JOB_DONE : REEL_JOB_RUNNING, start, start + 60000);
      job->id = 100 + i;
      job->variant = i;
      g_ptr_array_add (jobs, job);
    }
  text = reel_ui_describe_batch_progress (jobs, start + 20 * 60000, NULL);
  g_assert_cmpstr (text, ==, "1 of 3 takes · about 40 min left");
}

static void
test_job_row_progress (void)
{
  GtkWidget *row = reel_job_row_new ();
  g_autoptr (ReelJobRecord) job = job_record (1, 1, REEL_JOB_RUNNING, 1, 1);
  const struct
  {
    ReelJobState state;
    double       progress;
    const char  *shown;
  } cases[] = {
    /* Nothing reported yet: not known, not 0 %. */
    { REEL_JOB_SUBMITTING, 0, "—" },
    { REEL_JOB_RUNNING, 0, "—" },
    { REEL_JOB_RUNNING, 0.42, "42 %" },
    { REEL_JOB_RUNNING, 0.996, "99 %" },
    /* The service's video is made, but the take is not there yet. */
    { REEL_JOB_RUNNING, 1.0, "99 %" },
    { REEL_JOB_DOWNLOADING, 1.0, "99 %" },
    { REEL_JOB_DONE, 1.0, "100 %" },
  };

  g_object_ref_sink (row);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkProgressBar *bar = GTK_PROGRESS_BAR (reel_ui_test_find_first (row, GTK_TYPE_PROGRESS_BAR));

      job->state = cases[i].state;
      job->progress = cases[i].progress;
      reel_job_row_update (REEL_JOB_ROW (row), job, "1A", "Animatic");
      g_assert_cmpstr (reel_job_row_get_progress_text (REEL_JOB_ROW (row)), ==, cases[i].shown);
      /* No bar while nothing is known: an empty one would say 0 %. */
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)) == (cases[i].progress > 0));
      if (cases[i].state != REEL_JOB_DONE)
        g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), <, 1.0);
    }

  /* A progress tick of a running job is capped too. */
  job->state = REEL_JOB_RUNNING;
  job->progress = 0.5;
  reel_job_row_update (REEL_JOB_ROW (row), job, "1A", "Animatic");
  reel_job_row_set_progress (REEL_JOB_ROW (row), 1.0);
  g_assert_cmpstr (reel_job_row_get_progress_text (REEL_JOB_ROW (row)), ==, "99 %");
  g_object_unref (row);
}

static gboolean
scheduler_is_idle (gpointer data)
{
  return reel_scheduler_get_n_unfinished (data) == 0 && reel_scheduler_get_n_running (data) == 0;
}

static gboolean
backend_runs (gpointer data)
{
  return reel_test_backend_count_runs (data) >= 2;
}

typedef struct
{
  gboolean done;
  gboolean ok;
} Finished;

static void
export_finished_cb (ReelExportDialog *dialog, gboolean ok, gpointer user_data)
{
  Finished *finished = user_data;

  finished->ok = ok;
  finished->done = TRUE;
}

static void
test_progress_in_window (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *film = g_build_filename (tmpdir, "film.mp4", NULL);
  g_autoptr (ReelProject) project = reel_ui_test_load_demo_project (tmpdir);
  g_autoptr (ReelTestBackend) backend = reel_test_backend_new ("/nonexistent.mp4", 0.0, 2);
  g_autoptr (GError) error = NULL;
  ReelGenerateOptions options = { .backend = "test", .priority = REEL_PRIORITY_BATCH };
  ReelWindow         *window = reel_ui_test_open_window (application, project, 1280, 800);
  ReelScheduler      *scheduler = reel_window_get_scheduler (window);
  ReelJobsPage       *jobs = REEL_JOBS_PAGE (reel_window_get_view (window, "jobs"));
  gint64              shot_ids[3];
  guint               n_unknown = 0;

  g_assert_true (reel_project_set_resolution (project, 320, 180, &error));
  for (guint i = 0; i < G_N_ELEMENTS (shot_ids); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), i);
      shot_ids[i] = reel_shot_get_id (shot);
    }

  /* A batch whose jobs have reported nothing yet. */
  reel_scheduler_add_backend (scheduler, REEL_BACKEND (backend));
  reel_test_backend_hold (backend, TRUE);
  g_assert_cmpint (
      reel_scheduler_generate (scheduler, shot_ids, G_N_ELEMENTS (shot_ids), &options, &error), >,
      0);
  g_assert_no_error (error);
  reel_ui_test_wait_until (backend_runs, backend, "two jobs to start");
  reel_window_show_view (window, "jobs");
  reel_jobs_page_refresh (jobs);
  reel_ui_test_settle (GTK_WIDGET (window));

  /* The heading says how far the batch is; the running rows do not pretend
   * to know how far they are. */
  g_assert_cmpstr (reel_jobs_page_get_batch_progress (jobs), ==, "0 of 3 shots");
  {
    g_autoptr (GPtrArray) rows = reel_ui_test_find_mapped (GTK_WIDGET (jobs), REEL_TYPE_JOB_ROW);

    for (guint i = 0; i < rows->len; i++)
      if (reel_job_row_get_job (rows->pdata[i])->state == REEL_JOB_RUNNING)
        {
          g_assert_cmpstr (reel_job_row_get_progress_text (rows->pdata[i]), ==, "—");
          n_unknown++;
        }
    g_assert_cmpuint (n_unknown, ==, 2);
  }
  {
    ReelShotCard *card = NULL;
    g_autoptr (GPtrArray) cards = g_ptr_array_new ();

    reel_ui_test_collect_descendants (reel_window_get_view (window, "storyboard"),
                                      REEL_TYPE_SHOT_CARD, cards);
    for (guint i = 0; i < cards->len; i++)
      if (reel_shot_get_id (reel_shot_card_get_shot (cards->pdata[i])) == shot_ids[0])
        card = cards->pdata[i];
    g_assert_nonnull (card);
    g_assert_cmpstr (reel_shot_card_get_status_text (card), ==, "Generating…");
  }
  reel_ui_test_save_png (GTK_WIDGET (window), "jobs-batch.png", NULL);

  reel_scheduler_cancel_all (scheduler);
  reel_test_backend_hold (backend, FALSE);
  reel_ui_test_wait_until (scheduler_is_idle, scheduler, "the cancelled jobs to end");
  reel_jobs_page_refresh (jobs);
  g_assert_null (reel_jobs_page_get_batch_progress (jobs));

  /* An export shows how far it is in numbers, and one way to cancel it. */
  {
    GtkWidget *dialog = reel_export_dialog_new (GTK_WINDOW (window), project);
    Finished   finished = { 0 };
    GtkWidget *bar;
    guint      n_cancel = 0;
    g_autoptr (GPtrArray) buttons = NULL;

    gtk_window_present (GTK_WINDOW (dialog));
    reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, dialog, "the export dialog");
    g_signal_connect (dialog, "finished", G_CALLBACK (export_finished_cb), &finished);
    reel_export_dialog_export_to (REEL_EXPORT_DIALOG (dialog), film);
    reel_ui_test_settle (dialog);

    bar = reel_ui_test_find_first (dialog, GTK_TYPE_PROGRESS_BAR);
    g_assert_true (gtk_widget_get_mapped (bar));
    g_assert_true (gtk_progress_bar_get_show_text (GTK_PROGRESS_BAR (bar)));
    g_assert_true (g_str_has_suffix (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar)), " %"));
    g_assert_cmpstr (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar)), !=, "100 %");
    buttons = reel_ui_test_find_mapped (dialog, GTK_TYPE_BUTTON);
    for (guint i = 0; i < buttons->len; i++)
      {
        const char *label = gtk_button_get_label (buttons->pdata[i]);

        if (label != NULL && strstr (label, "Cancel") != NULL)
          n_cancel++;
      }
    g_assert_cmpuint (n_cancel, ==, 1);

    reel_export_dialog_cancel (REEL_EXPORT_DIALOG (dialog));
    reel_ui_test_wait_until (reel_ui_test_flag_is_set, &finished.done, "the export to stop");
    g_assert_false (finished.ok);
    /* Back on the options, the dialog can be closed again. */
    g_assert_nonnull (find_mapped_button (dialog, "window.close"));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  reel_ui_test_set_wait_timeout (20000);
  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/first-use/new-project", test_new_project);
  g_test_add_func ("/ui/first-use/import-script", test_import_script);
  g_test_add_func ("/ui/first-use/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/ui/first-use/duplicate-and-split", test_duplicate_and_split);
  g_test_add_func ("/ui/first-use/batch-estimate", test_batch_estimate);
  g_test_add_func ("/ui/first-use/job-row-progress", test_job_row_progress);
  g_test_add_func ("/ui/first-use/progress-in-window", test_progress_in_window);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
