/* test-characters.c: character sheets and the project's style in real windows
 *
 * Under Xvfb, on a real project: a character added through the Characters
 * window's own rows reaches the final prompt of a card whose shot names them
 * by another name; a reference image is copied into the project's media
 * store; a removal can be undone; and the style and negative prompt chosen
 * in Preferences reach the project and the cards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <cairo.h>
#include <string.h>

#include "reel-characters-window.h"
#include "reel-library.h"
#include "reel-preferences-window.h"
#include "reel-prompt-view.h"
#include "reel-storyboard-page.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"

static ReelApplication *application;

static ReelCharactersWindow *
find_characters_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (REEL_IS_CHARACTERS_WINDOW (window))
        return REEL_CHARACTERS_WINDOW (window);
    }
  return NULL;
}

static gboolean
characters_window_is_open (gpointer data)
{
  return find_characters_window () != NULL;
}

static gboolean
is_idle (gpointer data)
{
  return !reel_characters_window_get_busy (data);
}

/* The mapped row of @type titled @title under @root, or NULL. */
static GtkWidget *
find_row (GtkWidget *root, GType type, const char *title)
{
  g_autoptr (GPtrArray) rows = reel_ui_test_find_mapped (root, type);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

static void
type_in_row (GtkWidget *root, const char *title, const char *text)
{
  GtkWidget *row = find_row (root, ADW_TYPE_ENTRY_ROW, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static ReelCharacter *
dup_only_character (ReelProject *project)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (project);

  g_assert_cmpuint (characters->len, ==, 1);
  return g_ptr_array_steal_index (characters, 0);
}

static ReelProject *
make_project (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "Lab.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (ReelProject) project = reel_project_create (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (
      project, "INT. LAB - DAY\n\nDoc lifts the flask to the light.\n", &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

static char *
write_picture (const char *dir)
{
  char            *path = g_build_filename (dir, "mara.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 32, 48);
  cairo_t         *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.8, 0.3, 0.2);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

/* The card of the first shot, its prompt open: what it shows is what is sent. */
static char *
dup_card_prompt (ReelWindow *window, ReelProject *project, gint64 shot_id)
{
  GtkWidget       *page = reel_window_get_view (window, "storyboard");
  GtkWidget       *card = reel_storyboard_page_get_card (REEL_STORYBOARD_PAGE (page), shot_id);
  ReelPromptView  *view;
  char            *shown;
  g_autofree char *sent = reel_project_dup_final_prompt (project, shot_id);

  g_assert_nonnull (card);
  view = REEL_PROMPT_VIEW (reel_ui_test_find_first (card, REEL_TYPE_PROMPT_VIEW));
  g_assert_nonnull (view);
  reel_prompt_view_set_expanded (view, TRUE);
  shown = reel_prompt_view_dup_shown_prompt (view);
  g_assert_cmpstr (shown, ==, sent);
  return shown;
}

static void
add_character (ReelCharactersWindow *characters)
{
  GtkWidget     *root = GTK_WIDGET (characters);
  GtkTextView   *description;
  GtkTextBuffer *buffer;

  g_assert_true (gtk_widget_activate_action (root, "characters.add", NULL));
  reel_ui_test_settle (root);
  type_in_row (root, "Name", "Mara");
  type_in_row (root, "Other Names", "Doc、玛拉");
  description = GTK_TEXT_VIEW (reel_ui_test_find_first (root, GTK_TYPE_TEXT_VIEW));
  g_assert_nonnull (description);
  buffer = gtk_text_view_get_buffer (description);
  gtk_text_buffer_set_text (buffer, "a chemist in round goggles", -1);
  g_assert_true (gtk_widget_activate_action (root, "characters.save", NULL));
  reel_ui_test_settle (root);
  g_assert_nonnull (find_row (root, ADW_TYPE_ACTION_ROW, "Mara"));
}

static void
set_reference_image (ReelCharactersWindow *characters, ReelProject *project, const char *dir)
{
  g_autofree char *png = write_picture (dir);
  g_autoptr (GFile) file = g_file_new_for_path (png);
  g_autoptr (ReelCharacter) mara = dup_only_character (project);
  g_autoptr (ReelCharacter) saved = NULL;
  g_autofree char *stored = NULL;
  GFile           *media_dir = reel_project_get_media_dir (project);
  g_autofree char *media_root = g_file_get_path (media_dir);

  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (characters), "characters.edit", "x", mara->id));
  reel_characters_window_set_reference_file (characters, file);
  g_assert_true (reel_characters_window_get_busy (characters));
  reel_ui_test_wait_until (is_idle, characters, "the picture to be copied");
  g_assert_nonnull (reel_characters_window_get_reference_image (characters));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (characters), "characters.save", NULL));

  saved = dup_only_character (project);
  g_assert_nonnull (saved->reference_image);
  stored = reel_project_get_media_path (project, saved->reference_image);
  g_assert_true (g_str_has_prefix (stored, media_root));
  g_assert_true (g_file_test (stored, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (saved->description, ==, "a chemist in round goggles");
}

static gboolean
library_has_mara (gpointer data)
{
  g_autoptr (GFile) file = reel_library_dup_default_file ();
  g_autoptr (ReelLibrary) library = NULL;
  g_autoptr (GPtrArray) found = NULL;
  const ReelLibraryItem *item;

  if (!g_file_query_exists (file, NULL) || (library = reel_library_open (file, NULL)) == NULL)
    return FALSE;
  found = reel_library_search (library, "Doc", REEL_LIBRARY_KIND_CHARACTER, NULL);
  if (found == NULL || found->len != 1)
    return FALSE;
  item = g_ptr_array_index (found, 0);
  /* Found by her other name, with her looks and a copy of her picture. */
  g_assert_cmpstr (item->name, ==, "Mara");
  g_assert_cmpstr (item->description, ==, "a chemist in round goggles");
  g_assert_nonnull (item->media);
  return TRUE;
}

/* Keep in Library copies the sheet, picture included, to the user's library. */
static void
keep_in_library (ReelCharactersWindow *characters, ReelProject *project)
{
  g_autoptr (ReelCharacter) mara = dup_only_character (project);

  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (characters), "characters.keep", "x", mara->id));
  reel_ui_test_wait_until (library_has_mara, NULL, "Mara to be kept in the library");
}

static void
remove_and_undo (ReelCharactersWindow *characters, ReelProject *project)
{
  g_autoptr (ReelCharacter) mara = dup_only_character (project);
  g_autoptr (GPtrArray) left = NULL;
  g_autoptr (ReelCharacter) back = NULL;

  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (characters), "characters.remove", "x", mara->id));
  left = reel_project_list_characters (project);
  g_assert_cmpuint (left->len, ==, 0);
  reel_ui_test_settle (GTK_WIDGET (characters));
  g_assert_null (find_row (GTK_WIDGET (characters), ADW_TYPE_ACTION_ROW, "Mara"));

  /* What the toast's Undo button does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (characters), "characters.undo", NULL));
  back = dup_only_character (project);
  g_assert_cmpstr (back->name, ==, "Mara");
  g_assert_cmpstr (back->reference_image, ==, mara->reference_image);
  reel_ui_test_settle (GTK_WIDGET (characters));
  g_assert_nonnull (find_row (GTK_WIDGET (characters), ADW_TYPE_ACTION_ROW, "Mara"));
}

static void
test_characters (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = make_project (dir);
  g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), 0);
  g_autofree char      *before = NULL;
  g_autofree char      *after = NULL;
  ReelCharactersWindow *characters;
  ReelWindow           *window;

  window = reel_ui_test_open_window (application, project, 900, 700);
  reel_window_show_view (window, "storyboard");
  reel_ui_test_settle (GTK_WIDGET (window));
  before = dup_card_prompt (window, project, reel_shot_get_id (shot));
  g_assert_null (strstr (before, "goggles"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.characters", NULL));
  reel_ui_test_wait_until (characters_window_is_open, NULL, "the Characters window");
  characters = find_characters_window ();
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, characters, "the window to show");

  /* The shot says "Doc": the sheet's other name brings Mara's looks in. */
  add_character (characters);
  after = dup_card_prompt (window, project, reel_shot_get_id (shot));
  g_assert_nonnull (strstr (after, "Mara: a chemist in round goggles"));

  set_reference_image (characters, project, dir);
  reel_ui_test_save_png (GTK_WIDGET (characters), "characters.png", NULL);
  keep_in_library (characters, project);
  remove_and_undo (characters, project);

  gtk_window_destroy (GTK_WINDOW (characters));
  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (dir);
}

static guint
find_choice (AdwComboRow *row, const char *label)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label) == 0)
      return i;
  g_assert_not_reached ();
}

static void
test_style (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = make_project (dir);
  g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), 0);
  gint64           shot_id = reel_shot_get_id (shot);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *style = NULL;
  g_autofree char *negative = NULL;
  ReelWindow      *window;
  GtkWidget       *preferences;
  GtkWidget       *row;

  window = reel_ui_test_open_window (application, project, 900, 700);
  reel_window_show_view (window, "storyboard");
  reel_ui_test_settle (GTK_WIDGET (window));
  before = dup_card_prompt (window, project, shot_id);

  preferences = reel_preferences_window_new (GTK_WINDOW (window), project);
  gtk_window_present (GTK_WINDOW (preferences));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, preferences, "Preferences to show");

  row = find_row (preferences, ADW_TYPE_COMBO_ROW, "_Style");
  g_assert_nonnull (row);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row),
                              find_choice (ADW_COMBO_ROW (row), "Watercolour"));
  style = reel_project_dup_style (project);
  g_assert_cmpstr (style, ==, "watercolour");
  after = dup_card_prompt (window, project, shot_id);
  g_assert_cmpstr (after, !=, before);
  g_assert_nonnull (strstr (after, "watercolour"));

  row = find_row (preferences, ADW_TYPE_ENTRY_ROW, "Negative Prompt");
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "blurry, extra fingers");
  g_signal_emit_by_name (row, "apply");
  negative = reel_project_dup_negative_prompt (project);
  g_assert_cmpstr (negative, ==, "blurry, extra fingers");
  reel_ui_test_save_png (preferences, "preferences-prompts.png", NULL);

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-characters-XXXXXX", NULL);
  int              status;

  /* The library Keep in Library writes to; GLib reads it once. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/characters/sheet", test_characters);
  g_test_add_func ("/ui/characters/style", test_style);

  status = g_test_run ();
  g_clear_object (&application);
  reel_test_rm_rf (home);
  return status;
}
