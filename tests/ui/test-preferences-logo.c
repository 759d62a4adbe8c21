/* test-preferences-logo.c: the project's logo, and the export cache, set
 * in the Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <cairo.h>

#include "reel-application.h"
#include "reel-preferences-window.h"
#include "reel-project-logo.h"
#include "reel-segment-cache.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

static ReelApplication *application;

static gboolean
logo_is_set (gpointer data)
{
  g_autoptr (ReelLogo) logo = reel_project_dup_logo (data);

  return logo->media_path != NULL;
}

/* The row whose title is @title (mnemonic underline left out). */
static GtkWidget *
find_row (GtkWidget *root, GType type, const char *title)
{
  g_autoptr (GPtrArray) rows = reel_ui_test_find_mapped (root, type);

  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *plain = g_strdup (adw_preferences_row_get_title (rows->pdata[i]));
      char            *underline = strchr (plain, '_');

      if (underline != NULL)
        memmove (underline, underline + 1, strlen (underline));
      if (g_strcmp0 (plain, title) == 0)
        return rows->pdata[i];
    }
  g_error ("No mapped row titled “%s”", title);
  return NULL;
}

/* Choosing an image, its corner, size and opacity in the Preferences
 * changes the project's logo; removing it takes it away, and undo brings
 * it back. */
static void
test_set_in_preferences (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "Film.storyreel", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "brand.png", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = reel_project_create (file, "Logo", &error);
  g_autoptr (ReelLogo) logo = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 64, 32);
  cairo_t         *cr = cairo_create (surface);
  ReelWindow      *window;
  GtkWidget       *preferences;
  GtkWidget       *logo_row, *corner_row, *size_row, *opacity_row;
  GtkSpinButton   *size_spin, *opacity_spin;

  g_assert_no_error (error);
  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  window = reel_ui_test_open_window (application, project, 1000, 800);
  preferences = reel_preferences_window_new (GTK_WINDOW (window), project);
  gtk_window_set_default_size (GTK_WINDOW (preferences), 640, 2000);
  gtk_window_present (GTK_WINDOW (preferences));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, preferences,
                           "the preferences to be mapped");
  reel_ui_test_settle (preferences);

  logo_row = find_row (preferences, ADW_TYPE_ACTION_ROW, "Image");
  corner_row = find_row (preferences, ADW_TYPE_COMBO_ROW, "Corner");
  size_row = find_row (preferences, ADW_TYPE_ACTION_ROW, "Size");
  opacity_row = find_row (preferences, ADW_TYPE_ACTION_ROW, "Opacity");
  size_spin = GTK_SPIN_BUTTON (reel_ui_test_find_first (size_row, GTK_TYPE_SPIN_BUTTON));
  opacity_spin = GTK_SPIN_BUTTON (reel_ui_test_find_first (opacity_row, GTK_TYPE_SPIN_BUTTON));

  /* Without an image there is nothing to place or remove. */
  g_assert_false (gtk_widget_is_sensitive (corner_row));
  g_assert_false (gtk_widget_is_sensitive (size_row));
  g_assert_cmpfloat (gtk_spin_button_get_value (size_spin), ==, 100 * REEL_LOGO_DEFAULT_SIZE);

  /* What the file chooser does once the user picked brand.png. */
  g_assert_true (gtk_widget_activate_action (preferences, "prefs.use-logo", "s", png));
  reel_ui_test_wait_until (logo_is_set, project, "the logo to be copied into the project");
  reel_ui_test_settle (preferences);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (logo_row)), ==, "brand.png");
  g_assert_true (gtk_widget_is_sensitive (corner_row));
  g_assert_true (gtk_widget_is_sensitive (size_row));

  adw_combo_row_set_selected (ADW_COMBO_ROW (corner_row), REEL_LOGO_POSITION_BOTTOM_LEFT);
  gtk_spin_button_set_value (size_spin, 30);
  gtk_spin_button_set_value (opacity_spin, 50);
  logo = reel_project_dup_logo (project);
  g_assert_cmpint (logo->position, ==, REEL_LOGO_POSITION_BOTTOM_LEFT);
  g_assert_cmpfloat_with_epsilon (logo->size, 0.3, 1e-6);
  g_assert_cmpfloat_with_epsilon (logo->opacity, 0.5, 1e-6);
  g_assert_true (g_file_test (logo->path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&logo, reel_logo_free);
  reel_ui_test_settle (preferences);
  reel_ui_test_save_png (preferences, "preferences-logo.png", NULL);

  /* The Remove button in the Image row. */
  {
    GtkWidget *remove = NULL;
    g_autoptr (GPtrArray) buttons = reel_ui_test_find_mapped (logo_row, GTK_TYPE_BUTTON);

    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "prefs.remove-logo") == 0)
        remove = buttons->pdata[i];
    g_assert_nonnull (remove);
    g_assert_true (gtk_widget_is_sensitive (remove));
    g_signal_emit_by_name (remove, "clicked");
  }
  logo = reel_project_dup_logo (project);
  g_assert_null (logo->media_path);
  g_clear_pointer (&logo, reel_logo_free);
  reel_ui_test_settle (preferences);
  g_assert_false (gtk_widget_is_sensitive (corner_row));

  g_assert_true (reel_project_undo (project, &error));
  g_assert_no_error (error);
  reel_ui_test_settle (preferences);
  g_assert_true (gtk_widget_is_sensitive (corner_row));
  g_assert_cmpfloat (gtk_spin_button_get_value (opacity_spin), ==, 50);

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

static gboolean
file_is_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

/* The export cache's size is a setting, and Clear empties the cache. */
static void
test_export_cache (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "Film.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = reel_project_create (file, "Cache", &error);
  g_autoptr (ReelSegmentCache) cache = reel_segment_cache_new (NULL);
  g_autofree char *segment = NULL;
  ReelWindow      *window;
  GtkWidget       *preferences;
  GtkWidget       *row;
  GtkWidget       *clear = NULL;
  GSettings       *settings;
  g_autoptr (GPtrArray) buttons = NULL;

  g_assert_no_error (error);
  /* A segment an earlier export left. */
  g_assert_cmpint (g_mkdir_with_parents (reel_segment_cache_get_dir (cache), 0700), ==, 0);
  segment = g_build_filename (reel_segment_cache_get_dir (cache), "0123abcd.mp4", NULL);
  g_assert_true (g_file_set_contents (segment, "segment", -1, NULL));

  window = reel_ui_test_open_window (application, project, 1000, 800);
  preferences = reel_preferences_window_new (GTK_WINDOW (window), project);
  gtk_window_set_default_size (GTK_WINDOW (preferences), 640, 2000);
  /* As app.preferences does: Clear is an action of the application. */
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (application));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "generation");
  gtk_window_present (GTK_WINDOW (preferences));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, preferences,
                           "the preferences to be mapped");
  reel_ui_test_settle (preferences);

  row = find_row (preferences, ADW_TYPE_ACTION_ROW, "Export Cache Size");
  settings = reel_application_get_settings_for_widget (preferences);
  g_assert_nonnull (settings);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (reel_ui_test_find_first (row, GTK_TYPE_SPIN_BUTTON)),
                             512);
  g_assert_cmpint (g_settings_get_int (settings, "export-cache-limit"), ==, 512);

  buttons = reel_ui_test_find_mapped (row, GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "app.clear-export-cache")
        == 0)
      clear = buttons->pdata[i];
  g_assert_nonnull (clear);
  g_signal_emit_by_name (clear, "clicked");
  reel_ui_test_wait_until (file_is_gone, segment, "the export cache to be emptied");

  g_settings_reset (settings, "export-cache-limit");
  gtk_window_destroy (GTK_WINDOW (preferences));
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
  g_test_add_func ("/ui/preferences/logo", test_set_in_preferences);
  g_test_add_func ("/ui/preferences/export-cache", test_export_cache);
  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
