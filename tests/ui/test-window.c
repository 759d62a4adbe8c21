/* test-window.c: the main window on the demo project, driven through its actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>

#include "reel-application.h"
#include "reel-preferences-window.h"
#include "reel-scene-row.h"
#include "reel-script-page.h"
#include "reel-shot-card.h"
#include "reel-storyboard-page.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

/* Registered, so its startup ran: styles, shortcuts, help overlay. */
static ReelApplication *application;

/* Renders @widget as the user sees it and writes it to @name in the build
 * directory; checks the picture has content (not one flat colour). */
static void
save_png (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char   *path = reel_ui_test_png_path (name);
  g_autofree guchar *pixels = NULL;
  g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);
  int      width = gtk_widget_get_width (widget);
  int      height = gtk_widget_get_height (widget);
  gsize    stride;
  GStatBuf info;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  reel_ui_test_save_png (widget, name, &texture);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_size, >, 1000);

  stride = gdk_texture_get_width (texture) * 4;
  pixels = g_malloc (stride * gdk_texture_get_height (texture));
  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < gdk_texture_get_height (texture); y += 2)
    for (int x = 0; x < gdk_texture_get_width (texture); x += 2)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, 4);
        g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
      }
  /* Text, cards and chrome give hundreds of shades; a blank page gives a few. */
  g_assert_cmpuint (g_hash_table_size (colours), >, 50);

  g_test_message ("%s has %u colours", path, g_hash_table_size (colours));
}

static gint64 *
shot_order (ReelProject *project, guint *n_shots)
{
  GListModel *shots = reel_project_get_shots (project);
  guint       n = g_list_model_get_n_items (shots);
  gint64     *ids = g_new0 (gint64, n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      ids[i] = reel_shot_get_id (shot);
    }
  *n_shots = n;
  return ids;
}

typedef struct
{
  ReelWindow *window;
  guint       n_cards;
} CardCount;

/* The storyboard's grid makes cards for the shots near the visible rows
 * (all of a short project's) and shows those in sight. */
static gboolean
storyboard_has_cards (gpointer data)
{
  CardCount *count = data;
  g_autoptr (GPtrArray) cards = g_ptr_array_new ();
  g_autoptr (GPtrArray) shown
      = reel_ui_test_find_mapped (GTK_WIDGET (count->window), REEL_TYPE_SHOT_CARD);

  reel_ui_test_collect_descendants (GTK_WIDGET (count->window), REEL_TYPE_SHOT_CARD, cards);
  return cards->len == count->n_cards && shown->len > 1;
}

static void
assert_scene_rows (ReelWindow *window, ReelProject *project)
{
  GListModel *scenes = reel_project_get_scenes (project);
  g_autoptr (GPtrArray) rows = reel_ui_test_find_mapped (GTK_WIDGET (window), REEL_TYPE_SCENE_ROW);

  g_assert_cmpuint (rows->len, ==, g_list_model_get_n_items (scenes));
  for (guint i = 0; i < rows->len; i++)
    {
      ReelScene *scene = reel_scene_row_get_scene (rows->pdata[i]);
      g_autoptr (ReelScene) expected = g_list_model_get_item (scenes, i);

      g_assert_true (scene == expected);
    }
}

static void
test_window_demo (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *example = reel_application_find_example ("lesson.fountain");
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  g_autofree gint64 *before = NULL;
  g_autofree gint64 *after = NULL;
  g_autofree gint64 *undone = NULL;
  GtkTextBuffer     *buffer;
  GtkTextIter        end;
  ReelWindow        *window;
  CardCount          count;
  guint              n_before, n_after, n_undone, n_scenes;
  /* The timeline has its own test (test-timeline.c), which saves timeline.png. */
  const char *const views[] = { "script", "storyboard" };

  /* The demo comes from the shipped lesson, through the app's own code path. */
  g_assert_nonnull (example);
  project = reel_ui_test_load_demo_project (tmpdir);
  g_assert_nonnull (project);
  n_scenes = g_list_model_get_n_items (reel_project_get_scenes (project));
  g_assert_cmpuint (n_scenes, >=, 3);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (project)), >, n_scenes);

  window = reel_ui_test_open_window (application, project, 1280, 800);
  g_assert_true (reel_window_get_project (window) == project);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   reel_project_get_title (project));

  /* Break down through the window: the storyboard shows one card per shot,
   * the sidebar one row per scene. */
  reel_window_show_view (window, "storyboard");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.break-down", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  count.window = window;
  count.n_cards = g_list_model_get_n_items (reel_project_get_shots (project));
  reel_ui_test_wait_until (storyboard_has_cards, &count, "a card per shot");
  assert_scene_rows (window, project);

  cards = reel_ui_test_find_mapped (GTK_WIDGET (window), REEL_TYPE_SHOT_CARD);
  for (guint i = 0; i < cards->len; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), i);
      g_assert_true (reel_shot_card_get_shot (cards->pdata[i]) == shot);
    }

  /* Reorder by keyboard action: the first shot moves down one place. */
  before = shot_order (project, &n_before);
  gtk_widget_grab_focus (gtk_widget_get_parent (cards->pdata[0]));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpint (reel_window_get_selected_shot (window), ==, before[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.move-shot-down", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  after = shot_order (project, &n_after);
  g_assert_cmpuint (n_after, ==, n_before);
  g_assert_cmpint (after[0], ==, before[1]);
  g_assert_cmpint (after[1], ==, before[0]);
  for (guint i = 2; i < n_after; i++)
    g_assert_cmpint (after[i], ==, before[i]);
  /* The moved shot stays selected, and its card is second now. */
  g_assert_cmpint (reel_window_get_selected_shot (window), ==, before[0]);
  g_clear_pointer (&cards, g_ptr_array_unref);
  cards = reel_ui_test_find_mapped (GTK_WIDGET (window), REEL_TYPE_SHOT_CARD);
  g_assert_cmpint (reel_shot_get_id (reel_shot_card_get_shot (cards->pdata[1])), ==, before[0]);

  /* Undo puts it back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  undone = shot_order (project, &n_undone);
  g_assert_cmpuint (n_undone, ==, n_before);
  for (guint i = 0; i < n_undone; i++)
    g_assert_cmpint (undone[i], ==, before[i]);

  /* Type a new scene into the script editor and break down again: the
   * window writes the pending edit first, and the new scene shows up. */
  reel_window_show_view (window, "script");
  reel_ui_test_settle (GTK_WIDGET (window));
  buffer = reel_script_page_get_buffer (REEL_SCRIPT_PAGE (reel_window_get_view (window, "script")));
  g_assert_cmpstr (reel_project_get_script (project), !=, "");
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (
      buffer, &end, "\n\nEXT. ROOFTOP - NIGHT\n\nThe whole class watches the stars come out.\n",
      -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.break-down", NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_true (g_str_has_suffix (reel_project_get_script (project),
                                   "The whole class watches the stars come out.\n"));
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_scenes (project)), ==, n_scenes + 1);
  g_assert_cmpstr (reel_window_get_visible_view (window), ==, "storyboard");
  count.n_cards = g_list_model_get_n_items (reel_project_get_shots (project));
  g_assert_cmpuint (count.n_cards, >, n_before);
  reel_ui_test_wait_until (storyboard_has_cards, &count, "a card for the new shot");
  assert_scene_rows (window, project);

  /* Every view, as a picture in the build directory. */
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.png", views[i]);
      GVariant        *target = g_variant_new_string (views[i]);

      g_assert_true (
          gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view", target));
      reel_ui_test_settle (GTK_WIDGET (window));
      g_assert_cmpstr (reel_window_get_visible_view (window), ==, views[i]);
      save_png (GTK_WIDGET (window), name);
    }

  /* Down to 360 px: the sidebar folds away and the view switcher moves to the
   * bottom. */
  reel_window_show_view (window, "storyboard");
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  reel_ui_test_wait_until (reel_ui_test_leaflet_is_folded, window, "the sidebar to fold away");
  reel_ui_test_settle (GTK_WIDGET (window));
  /* Folded, the header bar needs less room: drag on down to 360 px. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  reel_ui_test_wait_until (reel_ui_test_window_is_narrow, window, "the window to be 360 px wide");
  reel_ui_test_settle (GTK_WIDGET (window));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpint (gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))), ==, 360);
  g_assert_true (adw_leaflet_get_folded (
      ADW_LEAFLET (reel_ui_test_find_first (GTK_WIDGET (window), ADW_TYPE_LEAFLET))));
  g_assert_true (adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (
      reel_ui_test_find_first (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_BAR))));
  save_png (GTK_WIDGET (window), "narrow.png");

  /* The preferences show the project's settings. */
  {
    GtkWidget *preferences = reel_preferences_window_new (GTK_WINDOW (window), project);
    g_autoptr (GPtrArray) rows = NULL;

    gtk_window_present (GTK_WINDOW (preferences));
    reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, preferences,
                             "the preferences to be mapped");
    reel_ui_test_settle (preferences);
    rows = reel_ui_test_find_mapped (preferences, ADW_TYPE_ENTRY_ROW);
    /* The title comes first; the Prompts group's rows follow it. */
    g_assert_cmpuint (rows->len, >=, 1);
    g_assert_cmpstr (gtk_editable_get_text (rows->pdata[0]), ==, reel_project_get_title (project));
    /* The Generation page is bound to the settings of the application its
     * window belongs to: it can be used. */
    {
      GtkWidget *notify_switch = reel_ui_test_find_first (preferences, GTK_TYPE_SWITCH);

      g_assert_nonnull (reel_application_get_settings (application));
      g_assert_nonnull (notify_switch);
      g_assert_true (gtk_widget_is_sensitive (notify_switch));
    }
    gtk_window_destroy (GTK_WINDOW (preferences));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

static gpointer
find_mapped_card (ReelWindow *window)
{
  g_autoptr (GPtrArray) cards = reel_ui_test_find_mapped (GTK_WIDGET (window), REEL_TYPE_SHOT_CARD);

  return cards->len > 0 ? cards->pdata[0] : NULL;
}

static void
test_window_empty (void)
{
  ReelWindow *window = reel_ui_test_open_window (application, NULL, 0, 0);

  g_assert_null (reel_window_get_project (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Storyreel");
  /* Without a project the window offers the ways in, and nothing else. */
  {
    g_autoptr (GPtrArray) pages
        = reel_ui_test_find_mapped (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE);
    g_autoptr (GPtrArray) buttons = NULL;

    g_assert_cmpuint (pages->len, ==, 1);
    g_assert_cmpstr (adw_status_page_get_title (pages->pdata[0]), ==, "No Project Open");
    buttons = reel_ui_test_find_mapped (pages->pdata[0], GTK_TYPE_BUTTON);
    g_assert_cmpuint (buttons->len, ==, 3);
    g_assert_null (find_mapped_card (window));
  }
  save_png (GTK_WIDGET (window), "empty.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  reel_ui_test_set_wait_timeout (20000);

  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/window/empty", test_window_empty);
  g_test_add_func ("/ui/window/demo", test_window_demo);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
