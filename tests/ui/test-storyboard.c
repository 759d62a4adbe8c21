/* test-storyboard.c: a long storyboard makes cards only for what is in sight
 *
 * A real window under Xvfb on a project of 300 shots: the grid makes far
 * fewer cards than shots and binds them to other shots as the user scrolls;
 * at the bottom the last shot's card shows that shot, and its board appears
 * once the worker has decoded it. Selecting a shot far out of sight brings
 * its card back and gives it the focus. The image cache on its own keeps
 * to its byte budget.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "reel-image-cache.h"
#include "reel-shot-card.h"
#include "reel-storyboard-page.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"

#define N_SCENES 75
#define SHOTS_PER_SCENE 4
#define N_SHOTS (N_SCENES * SHOTS_PER_SCENE)
#define BOARD_NAME "last-board.png"
#define WAIT_TIMEOUT_MS 30000
/* GTK 4.8's grid keeps cards for about thirty rows of its most columns
 * (four) around what is in sight, wherever the user scrolls. */
#define MAX_CARDS (N_SHOTS / 2)

static char *
make_script (void)
{
  GString *script = g_string_new (NULL);

  for (guint scene = 0; scene < N_SCENES; scene++)
    {
      g_string_append_printf (script, "%s. PLACE %u - DAY\n\n", scene % 2 == 0 ? "INT" : "EXT",
                              scene + 1);
      for (guint shot = 0; shot < SHOTS_PER_SCENE; shot++)
        g_string_append_printf (script, "Action %u of scene %u happens here.\n\n", shot + 1,
                                scene + 1);
    }
  return g_string_free (script, FALSE);
}

/* A 640×360 picture, larger than a card shows it: the cache scales it. */
static void
write_board (ReelProject *project)
{
  g_autofree char *media = g_file_get_path (reel_project_get_media_dir (project));
  g_autofree char *path = g_build_filename (media, BOARD_NAME, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 360);
  cairo_t         *cr = cairo_create (surface);

  g_assert_cmpint (g_mkdir_with_parents (media, 0755), ==, 0);
  cairo_set_source_rgb (cr, 0.2, 0.4, 0.8);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static GPtrArray *
all_cards (GtkWidget *page)
{
  GPtrArray *cards = g_ptr_array_new ();

  reel_ui_test_collect_descendants (page, REEL_TYPE_SHOT_CARD, cards);
  return cards;
}

/* The card a user sees for @shot_id, or NULL. */
static ReelShotCard *
shown_card (GtkWidget *page, gint64 shot_id)
{
  g_autoptr (GPtrArray) cards = reel_ui_test_find_mapped (page, REEL_TYPE_SHOT_CARD);

  for (guint i = 0; i < cards->len; i++)
    {
      ReelShot *shot = reel_shot_card_get_shot (cards->pdata[i]);

      if (shot != NULL && reel_shot_get_id (shot) == shot_id)
        return cards->pdata[i];
    }
  return NULL;
}

/* The shot number a card shows in its header. */
static const char *
card_number (ReelShotCard *card)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (card), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (labels->pdata[i], "shot-number"))
      return gtk_label_get_label (labels->pdata[i]);
  g_assert_not_reached ();
}

static gboolean
card_in_sight (GtkWidget *page, ReelShotCard *card)
{
  GtkWidget      *grid = reel_ui_test_find_first (page, GTK_TYPE_GRID_VIEW);
  graphene_rect_t bounds;

  return gtk_widget_get_child_visible (gtk_widget_get_parent (GTK_WIDGET (card)))
         && gtk_widget_compute_bounds (GTK_WIDGET (card), grid, &bounds)
         && bounds.origin.y + bounds.size.height > 0
         && bounds.origin.y < gtk_widget_get_height (grid);
}

/* Every card in sight shows the shot it is bound to, nothing of a shot it
 * showed before it was recycled; a card far out of sight may wait, unbound
 * and not drawn, until the view comes near. */
static void
assert_cards_show_their_shots (GtkWidget *page)
{
  g_autoptr (GPtrArray) cards = all_cards (page);
  guint n_waiting = 0;

  for (guint i = 0; i < cards->len; i++)
    {
      ReelShot *shot = reel_shot_card_get_shot (cards->pdata[i]);

      if (shot == NULL)
        {
          g_assert_false (card_in_sight (page, cards->pdata[i]));
          g_assert_cmpfloat (gtk_widget_get_opacity (cards->pdata[i]), ==, 0);
          n_waiting++;
          continue;
        }
      g_assert_cmpfloat (gtk_widget_get_opacity (cards->pdata[i]), ==, 1);
      g_assert_cmpstr (card_number (cards->pdata[i]), ==, reel_shot_get_number (shot));
      /* Only the last shot has a picture. */
      if (reel_shot_get_position (shot) != N_SHOTS - 1)
        g_assert_false (reel_shot_card_has_picture (cards->pdata[i]));
    }
  g_test_message ("%u of %u cards wait to be bound", n_waiting, cards->len);
}

typedef struct
{
  GtkWidget *page;
  gint64     shot_id;
} ShotCard;

static gboolean
card_is_shown (gpointer data)
{
  ShotCard *wanted = data;

  return shown_card (wanted->page, wanted->shot_id) != NULL;
}

static gboolean
card_has_picture (gpointer data)
{
  ShotCard     *wanted = data;
  ReelShotCard *card = shown_card (wanted->page, wanted->shot_id);

  return card != NULL && reel_shot_card_has_picture (card);
}

static gboolean
card_has_focus (gpointer data)
{
  ShotCard     *wanted = data;
  ReelShotCard *card = shown_card (wanted->page, wanted->shot_id);
  GtkRoot      *root = gtk_widget_get_root (wanted->page);
  GtkWidget    *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return card != NULL && focus != NULL
         && (focus == GTK_WIDGET (card) || gtk_widget_is_ancestor (GTK_WIDGET (card), focus));
}

static void
test_storyboard_recycles_cards (gconstpointer data)
{
  ReelApplication *application = REEL_APPLICATION ((gpointer) data);
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "Long.storyreel", NULL);
  g_autofree char *script = make_script ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = reel_project_create (file, NULL, &error);
  g_autoptr (ReelShot) first = NULL;
  g_autoptr (ReelShot) last = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  GtkWidget      *grid;
  GtkAdjustment  *vadjustment;
  ReelImageCache *cache;
  ReelWindow     *window;
  GtkWidget      *page;
  ReelShotCard   *card;
  ShotCard        wanted;

  reel_ui_test_set_wait_timeout (WAIT_TIMEOUT_MS);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (project, script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (project)), ==, N_SHOTS);
  first = g_list_model_get_item (reel_project_get_shots (project), 0);
  last = g_list_model_get_item (reel_project_get_shots (project), N_SHOTS - 1);
  write_board (project);
  g_assert_true (
      reel_project_set_board_image (project, reel_shot_get_id (last), BOARD_NAME, &error));
  g_assert_no_error (error);

  window = reel_ui_test_open_window (application, project, 1280, 860);
  reel_window_show_view (window, "storyboard");
  reel_ui_test_settle (GTK_WIDGET (window));
  page = reel_window_get_view (window, "storyboard");

  /* At the top: the first shot in sight, and far fewer cards than shots. */
  g_assert_nonnull (shown_card (page, reel_shot_get_id (first)));
  cards = all_cards (page);
  g_test_message ("%u cards for %u shots at the top", cards->len, N_SHOTS);
  g_assert_cmpuint (cards->len, >, 0);
  g_assert_cmpuint (cards->len, <=, MAX_CARDS);
  g_assert_null (shown_card (page, reel_shot_get_id (last)));
  assert_cards_show_their_shots (page);

  /* Scrolled to the bottom, the recycled cards show the last shots. */
  grid = reel_ui_test_find_first (page, GTK_TYPE_GRID_VIEW);
  g_assert_nonnull (grid);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (grid));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment)
                                             - gtk_adjustment_get_page_size (vadjustment));
  wanted.page = page;
  wanted.shot_id = reel_shot_get_id (last);
  reel_ui_test_wait_until (card_is_shown, &wanted, "the last shot's card at the bottom");
  card = shown_card (page, reel_shot_get_id (last));
  g_assert_cmpstr (card_number (card), ==, reel_shot_get_number (last));

  /* Its board arrives from the worker, decoded once and kept. */
  reel_ui_test_wait_until (card_has_picture, &wanted, "the last shot's board on its card");
  cache = reel_storyboard_page_get_image_cache (REEL_STORYBOARD_PAGE (page));
  g_assert_cmpuint (reel_image_cache_get_n_decoded (cache), ==, 1);
  g_assert_cmpuint (reel_image_cache_get_n_images (cache), ==, 1);
  reel_ui_test_settle (GTK_WIDGET (window));
  g_clear_pointer (&cards, g_ptr_array_unref);
  cards = all_cards (page);
  g_test_message ("%u cards for %u shots at the bottom", cards->len, N_SHOTS);
  g_assert_cmpuint (cards->len, <=, MAX_CARDS);
  assert_cards_show_their_shots (page);
  reel_ui_test_save_png (GTK_WIDGET (window), "storyboard-bottom.png", NULL);

  /* Selecting the first shot, far out of sight, scrolls back to its card
   * and focuses it, as the window's shot actions do. */
  reel_window_select_shot (window, reel_shot_get_id (first));
  g_assert_cmpint (reel_window_get_selected_shot (window), ==, reel_shot_get_id (first));
  wanted.shot_id = reel_shot_get_id (first);
  reel_ui_test_wait_until (card_has_focus, &wanted, "the first shot's card to have the focus");
  assert_cards_show_their_shots (page);

  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (dir);
}

/* A card's menus are made when they first pop up (a popover in every card
 * cost more than the rest of the card), and work as the user sees them. */

static GtkWidget *
find_menu_item (GtkWidget *popover, const char *label)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  reel_ui_test_collect_descendants (popover, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (labels->pdata[i]), label) == 0)
      return gtk_widget_get_ancestor (labels->pdata[i], g_type_from_name ("GtkModelButton"));
  return NULL;
}

static GtkLabel *
camera_label (ReelShotCard *card, const char *text)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (card), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (labels->pdata[i]), text) == 0
        && gtk_widget_get_ancestor (labels->pdata[i], GTK_TYPE_MENU_BUTTON) != NULL
        && gtk_widget_get_ancestor (labels->pdata[i], GTK_TYPE_POPOVER) == NULL)
      return labels->pdata[i];
  return NULL;
}

static void
test_card_menus (gconstpointer data)
{
  ReelApplication *application = REEL_APPLICATION ((gpointer) data);
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = reel_ui_test_load_demo_project (dir);
  g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), 0);
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr (GPtrArray) editors = g_ptr_array_new ();
  GtkMenuButton *camera_button = NULL;
  GtkWidget     *item;
  ReelWindow    *window;
  GtkWidget     *page;
  ReelShotCard  *card;

  g_assert_cmpint (reel_shot_get_camera (shot), !=, REEL_CAMERA_PAN_LEFT);
  window = reel_ui_test_open_window (application, project, 1280, 860);
  reel_window_show_view (window, "storyboard");
  reel_ui_test_settle (GTK_WIDGET (window));
  page = reel_window_get_view (window, "storyboard");
  card = shown_card (page, reel_shot_get_id (shot));
  g_assert_nonnull (card);

  /* No card has built its menus or its prompt editor yet. */
  cards = all_cards (page);
  for (guint i = 0; i < cards->len; i++)
    {
      g_ptr_array_set_size (buttons, 0);
      reel_ui_test_collect_descendants (cards->pdata[i], GTK_TYPE_MENU_BUTTON, buttons);
      g_assert_cmpuint (buttons->len, ==, 2);
      for (guint j = 0; j < buttons->len; j++)
        g_assert_null (gtk_menu_button_get_popover (buttons->pdata[j]));
      reel_ui_test_collect_descendants (cards->pdata[i], g_type_from_name ("ReelPromptEditor"),
                                        editors);
    }
  g_assert_cmpuint (editors->len, ==, 0);

  /* The camera button says the move; its menu changes it, one undoable edit. */
  g_assert_nonnull (camera_label (card, reel_camera_move_get_label (reel_shot_get_camera (shot))));
  g_ptr_array_set_size (buttons, 0);
  reel_ui_test_collect_descendants (GTK_WIDGET (card), GTK_TYPE_MENU_BUTTON, buttons);
  for (guint j = 0; j < buttons->len; j++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (buttons->pdata[j]), "Camera Move") == 0)
      camera_button = buttons->pdata[j];
  g_assert_nonnull (camera_button);
  gtk_menu_button_popup (camera_button);
  g_assert_nonnull (gtk_menu_button_get_popover (camera_button));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped,
                           gtk_menu_button_get_popover (camera_button), "the camera menu");
  item = find_menu_item (GTK_WIDGET (gtk_menu_button_get_popover (camera_button)),
                         reel_camera_move_get_label (REEL_CAMERA_PAN_LEFT));
  g_assert_nonnull (item);
  gtk_widget_activate (item);
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpint (reel_shot_get_camera (shot), ==, REEL_CAMERA_PAN_LEFT);
  /* The grid may have bound another card to the shot. */
  card = shown_card (page, reel_shot_get_id (shot));
  g_assert_nonnull (camera_label (card, reel_camera_move_get_label (REEL_CAMERA_PAN_LEFT)));
  g_assert_true (reel_project_undo (project, NULL));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpint (reel_shot_get_camera (shot), !=, REEL_CAMERA_PAN_LEFT);
  card = shown_card (page, reel_shot_get_id (shot));
  g_assert_null (camera_label (card, reel_camera_move_get_label (REEL_CAMERA_PAN_LEFT)));

  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (dir);
}

/* The image cache on its own */

typedef struct
{
  GdkTexture *texture;
  GError     *error;
  gboolean    done;
} Loaded;

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Loaded *loaded = user_data;

  loaded->texture
      = reel_image_cache_load_finish (REEL_IMAGE_CACHE (source), result, &loaded->error);
  loaded->done = TRUE;
}

static void
load (ReelImageCache *cache, const char *path, int size, GCancellable *cancellable, Loaded *loaded)
{
  memset (loaded, 0, sizeof *loaded);
  reel_image_cache_load_async (cache, path, size, cancellable, loaded_cb, loaded);
  reel_ui_test_wait_until (reel_ui_test_flag_is_set, &loaded->done, "a picture to be decoded");
}

static char *
write_picture (const char *dir, const char *name, int width, int height)
{
  char            *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t         *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.9, 0.6, 0.1);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

/* Pictures come back scaled down to fit, the least recently used go first
 * once the byte budget is spent, a cancelled request says so, and a damaged
 * file is an error, not a crash. */
static void
test_image_cache_bounded (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *a = write_picture (dir, "a.png", 400, 200);
  g_autofree char *b = write_picture (dir, "b.png", 400, 200);
  g_autofree char *c = write_picture (dir, "c.png", 400, 200);
  g_autofree char *small = write_picture (dir, "small.png", 40, 20);
  g_autofree char *damaged = g_build_filename (dir, "damaged.png", NULL);
  /* Room for two 100×50 pictures, not three. */
  g_autoptr (ReelImageCache) cache = reel_image_cache_new (2 * 100 * 50 * 4 + 1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Loaded loaded;

  reel_ui_test_set_wait_timeout (WAIT_TIMEOUT_MS);
  g_assert_true (g_file_set_contents (damaged, "not a picture", -1, NULL));

  load (cache, a, 100, NULL, &loaded);
  g_assert_no_error (loaded.error);
  g_assert_cmpint (gdk_texture_get_width (loaded.texture), ==, 100);
  g_assert_cmpint (gdk_texture_get_height (loaded.texture), ==, 50);
  g_assert_true (reel_image_cache_lookup (cache, a, 100) == loaded.texture);
  g_clear_object (&loaded.texture);

  load (cache, b, 100, NULL, &loaded);
  g_clear_object (&loaded.texture);
  /* a is used again, so b is the least recently used when c comes. */
  g_assert_nonnull (reel_image_cache_lookup (cache, a, 100));
  load (cache, c, 100, NULL, &loaded);
  g_clear_object (&loaded.texture);
  g_assert_cmpuint (reel_image_cache_get_n_images (cache), ==, 2);
  g_assert_cmpuint (reel_image_cache_get_n_bytes (cache), <=, 2 * 100 * 50 * 4);
  g_assert_nonnull (reel_image_cache_lookup (cache, a, 100));
  g_assert_null (reel_image_cache_lookup (cache, b, 100));
  g_assert_nonnull (reel_image_cache_lookup (cache, c, 100));
  g_assert_cmpuint (reel_image_cache_get_n_decoded (cache), ==, 3);

  /* A cached picture is not decoded again. */
  load (cache, a, 100, NULL, &loaded);
  g_assert_nonnull (loaded.texture);
  g_clear_object (&loaded.texture);
  g_assert_cmpuint (reel_image_cache_get_n_decoded (cache), ==, 3);

  /* A small picture is kept at its own size. */
  load (cache, small, 100, NULL, &loaded);
  g_assert_cmpint (gdk_texture_get_width (loaded.texture), ==, 40);
  g_clear_object (&loaded.texture);

  g_cancellable_cancel (cancellable);
  load (cache, b, 100, cancellable, &loaded);
  g_assert_error (loaded.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (loaded.texture);
  g_clear_error (&loaded.error);

  load (cache, damaged, 100, NULL, &loaded);
  g_assert_nonnull (loaded.error);
  g_assert_null (loaded.texture);
  g_clear_error (&loaded.error);

  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_autoptr (ReelApplication) application = NULL;

  g_test_init (&argc, &argv, NULL);
  /* One application per process: it owns its name on the session bus. */
  application = reel_ui_test_register_application ();
  g_test_add_data_func ("/ui/storyboard/recycles-cards", application,
                        test_storyboard_recycles_cards);
  g_test_add_data_func ("/ui/storyboard/card-menus", application, test_card_menus);
  g_test_add_func ("/ui/storyboard/image-cache", test_image_cache_bounded);
  return g_test_run ();
}
