/* reel-storyboard-page.c
 *
 * The storyboard is a GtkGridView over the project's shot model: only the
 * cards near the visible rows exist, and the grid binds them to other shots
 * as the user scrolls, so a feature's two thousand shots cost no more than a
 * short's twenty. The selected shot is "the current shot" that the window's
 * move, add and delete actions act on; it is kept by id, so it survives the
 * project splicing the model after every change, and a shot scrolled out of
 * sight (whose card is gone) stays selected.
 *
 * GTK 4.8's grid keeps cards for max-columns × 30 items around an anchor,
 * and slides that range by the anchor's place in the view
 * (gtk_list_base_set_anchor()): as each row passes, the range sweeps down
 * and jumps back by most of its length, so scrolling fast re-binds some
 * thirty cards a frame, nearly all of them many rows from what is on show.
 * A card bound that far away is left unbound and hidden, and is bound when
 * the view comes within a few rows of it; the grid's layout at the last
 * frame tells which rows those are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "reel-image-cache.h"
#include "reel-shot-card.h"
#include "reel-storyboard-page.h"
#include "storyreel-ui-resources.h"

/* Decoded pictures kept for the cards: about a hundred boards at card size,
 * several screens' worth of scrolling back. */
#define IMAGE_CACHE_BYTES (64 * 1024 * 1024)
/* Cards this many rows above or below the view are bound at once. */
#define NEAR_ROWS 2

/* Where the grid put its rows at the last frame, in its content's pixels. */
typedef struct
{
  gboolean valid;
  guint    first_position; /* the first card in sight */
  double   first_y;
  double   row_height;
  guint    n_columns;
} ShownRows;

struct _ReelStoryboardPage
{
  GtkWidget parent_instance;

  ReelProject        *project;
  GListModel         *shots;
  GtkSingleSelection *selection;
  ReelImageCache     *image_cache;
  gint64              selected_shot_id;
  gint64              focus_shot_id; /* to focus once its card is made, or 0 */
  /* Set while the page itself changes the grid's selection. */
  gboolean restoring;
  /* The list items whose cards wait to be bound until they come near. */
  GHashTable *deferred;
  ShownRows   shown;
  guint       bind_source;

  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  GtkGridView       *grid_view;
};

G_DEFINE_FINAL_TYPE (ReelStoryboardPage, reel_storyboard_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SELECTED_SHOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
setup_card_cb (GtkSignalListItemFactory *factory, GtkListItem *item, ReelStoryboardPage *self)
{
  GtkWidget *card = g_object_new (REEL_TYPE_SHOT_CARD, "image-cache", self->image_cache, NULL);

  gtk_list_item_set_child (item, card);
}

typedef struct
{
  ReelShotCard *card;
  gint64        shot_id;
} FocusCard;

static void
focus_card_free (FocusCard *focus)
{
  g_object_unref (focus->card);
  g_free (focus);
}

static gboolean
focus_card_cb (gpointer user_data)
{
  FocusCard *focus = user_data;
  ReelShot  *shot = reel_shot_card_get_shot (focus->card);

  /* Unless it was re-bound to another shot meanwhile. */
  if (shot != NULL && reel_shot_get_id (shot) == focus->shot_id)
    gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (focus->card)));
  return G_SOURCE_REMOVE;
}

static GtkAdjustment *
vadjustment (ReelStoryboardPage *self)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->grid_view));
}

/* Whether @position is in sight, or within NEAR_ROWS rows of it, as far as
 * the last frame's rows tell; anything goes while they tell nothing. */
static gboolean
is_near (ReelStoryboardPage *self, guint position)
{
  GtkAdjustment *adjustment = vadjustment (self);
  double         top, bottom;
  guint          first_row, row;

  if (!self->shown.valid || adjustment == NULL)
    return TRUE;

  first_row = self->shown.first_position / self->shown.n_columns;
  row = position / self->shown.n_columns;
  top = first_row
        + floor ((gtk_adjustment_get_value (adjustment) - self->shown.first_y)
                 / self->shown.row_height);
  bottom = first_row
           + ceil ((gtk_adjustment_get_value (adjustment)
                    + gtk_adjustment_get_page_size (adjustment) - self->shown.first_y)
                   / self->shown.row_height);
  return row + NEAR_ROWS >= top && row <= bottom + NEAR_ROWS;
}

static void
bind_now (ReelStoryboardPage *self, GtkListItem *item)
{
  GtkWidget *card = gtk_list_item_get_child (item);
  ReelShot  *shot = gtk_list_item_get_item (item);

  g_hash_table_remove (self->deferred, item);
  gtk_widget_set_opacity (card, 1);
  gtk_accessible_reset_state (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_STATE_HIDDEN);
  reel_shot_card_bind (REEL_SHOT_CARD (card), self->project, shot);

  /* A new shot scrolled to before its card existed (GTK 4.8 makes it at the
   * next allocation): focus it once it is there, outside the layout. */
  if (self->focus_shot_id != 0 && shot != NULL && reel_shot_get_id (shot) == self->focus_shot_id)
    {
      FocusCard *focus = g_new0 (FocusCard, 1);

      focus->card = g_object_ref (REEL_SHOT_CARD (card));
      focus->shot_id = self->focus_shot_id;
      self->focus_shot_id = 0;
      g_idle_add_full (G_PRIORITY_DEFAULT, focus_card_cb, focus, (GDestroyNotify) focus_card_free);
    }
}

/* Binds the waiting cards the view has come near. */
static void
bind_near (ReelStoryboardPage *self)
{
  GHashTableIter iter;
  gpointer       item;
  g_autoptr (GPtrArray) near = g_ptr_array_new ();

  g_hash_table_iter_init (&iter, self->deferred);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    if (is_near (self, gtk_list_item_get_position (item)))
      g_ptr_array_add (near, item);
  for (guint i = 0; i < near->len; i++)
    bind_now (self, near->pdata[i]);
}

static void
scrolled_cb (ReelStoryboardPage *self)
{
  bind_near (self);
}

static gboolean
bind_near_cb (gpointer user_data)
{
  ReelStoryboardPage *self = user_data;

  self->bind_source = 0;
  bind_near (self);
  return G_SOURCE_REMOVE;
}

/* Notes where the rows are, from the cards the grid has just laid out. */
static void
note_shown_rows (ReelStoryboardPage *self)
{
  GtkWidget *grid = GTK_WIDGET (self->grid_view);
  double     value = vadjustment (self) != NULL ? gtk_adjustment_get_value (vadjustment (self)) : 0;
  int        height = gtk_widget_get_height (grid);
  ShownRows  shown = { 0 };

  for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget      *card = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;
      ReelShot       *shot;
      guint           position;

      /* The item the focus or the selection keeps is not always laid out. */
      if (!REEL_IS_SHOT_CARD (card)
          || (shot = reel_shot_card_get_shot (REEL_SHOT_CARD (card))) == NULL
          || !gtk_widget_get_child_visible (child)
          || !gtk_widget_compute_bounds (child, grid, &bounds)
          || bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= height
          || bounds.size.height < 1)
        continue;

      position = reel_shot_get_position (shot);
      if (!shown.valid || position < shown.first_position)
        {
          shown.valid = TRUE;
          shown.first_position = position;
          shown.first_y = value + bounds.origin.y;
          shown.row_height = bounds.size.height;
        }
    }
  if (!shown.valid)
    {
      self->shown = shown;
      return;
    }

  /* The cards in the first row share its top. */
  for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (gtk_widget_get_child_visible (child) && gtk_widget_compute_bounds (child, grid, &bounds)
          && G_APPROX_VALUE (value + bounds.origin.y, shown.first_y, 0.5))
        shown.n_columns++;
    }
  shown.n_columns = MAX (shown.n_columns, 1);
  /* The first card in sight may sit mid-row. */
  shown.first_position -= shown.first_position % shown.n_columns;
  self->shown = shown;
}

static void
reel_storyboard_page_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  ReelStoryboardPage *self = REEL_STORYBOARD_PAGE (widget);
  GHashTableIter      iter;
  gpointer            item;

  GTK_WIDGET_CLASS (reel_storyboard_page_parent_class)->snapshot (widget, snapshot);

  note_shown_rows (self);
  /* A jump (a drag of the scroll bar, a model change) can bring a waiting
   * card in sight before the scroll handler could tell: bind it now. */
  g_hash_table_iter_init (&iter, self->deferred);
  while (self->bind_source == 0 && g_hash_table_iter_next (&iter, &item, NULL))
    if (is_near (self, gtk_list_item_get_position (item)))
      self->bind_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, bind_near_cb, self, NULL);
}

/* Whether the focus is in @card, or on the grid's item that holds it. */
static gboolean
has_focus_within (GtkWidget *card)
{
  GtkRoot   *root = gtk_widget_get_root (card);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *item = gtk_widget_get_parent (card);

  return focus != NULL && item != NULL && (focus == item || gtk_widget_is_ancestor (focus, item));
}

static void
bind_card_cb (GtkSignalListItemFactory *factory, GtkListItem *item, ReelStoryboardPage *self)
{
  ReelShotCard *card = REEL_SHOT_CARD (gtk_list_item_get_child (item));

  /* GTK 4.8 binds an item again when only its selection or position
   * changes: the card the user works in, or the selected one, is bound at
   * once wherever it is. */
  if (!is_near (self, gtk_list_item_get_position (item)) && !gtk_list_item_get_selected (item)
      && !has_focus_within (GTK_WIDGET (card)))
    {
      /* Hidden, from screen readers too: an unbound card still shows what
       * it showed before. */
      gtk_widget_set_opacity (GTK_WIDGET (card), 0);
      gtk_accessible_update_state (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      g_hash_table_add (self->deferred, item);
      return;
    }
  bind_now (self, item);
}

static void
unbind_card_cb (GtkSignalListItemFactory *factory, GtkListItem *item, ReelStoryboardPage *self)
{
  g_hash_table_remove (self->deferred, item);
  reel_shot_card_bind (REEL_SHOT_CARD (gtk_list_item_get_child (item)), NULL, NULL);
}

/* Where @shot_id is in the film, or GTK_INVALID_LIST_POSITION. */
static guint
shot_position (ReelStoryboardPage *self, gint64 shot_id)
{
  ReelShot *shot;

  if (self->project == NULL || shot_id == 0
      || (shot = reel_project_lookup_shot (self->project, shot_id)) == NULL)
    return GTK_INVALID_LIST_POSITION;
  return reel_shot_get_position (shot);
}

/* The card bound to @shot_id, if the grid made one. Only the cards near the
 * visible rows exist, so this walks a bounded number of widgets. */
static ReelShotCard *
find_card (ReelStoryboardPage *self, gint64 shot_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card = gtk_widget_get_first_child (child);
      ReelShot  *shot;

      if (REEL_IS_SHOT_CARD (card)
          && (shot = reel_shot_card_get_shot (REEL_SHOT_CARD (card))) != NULL
          && reel_shot_get_id (shot) == shot_id)
        return REEL_SHOT_CARD (card);
    }

  return NULL;
}

static void
set_selected_shot_id (ReelStoryboardPage *self, gint64 shot_id)
{
  if (self->selected_shot_id == shot_id)
    return;

  self->selected_shot_id = shot_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_SHOT]);
}

static void
select_position (ReelStoryboardPage *self, guint position)
{
  self->restoring = TRUE;
  if (position == GTK_INVALID_LIST_POSITION)
    gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  else if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  self->restoring = FALSE;
}

static void
selection_changed_cb (ReelStoryboardPage *self)
{
  ReelShot *shot;

  if (self->restoring)
    return;

  shot = gtk_single_selection_get_selected_item (self->selection);
  /* A splice drops the selection for a moment; keep the shot until it is
   * gone from the project. */
  if (shot != NULL)
    set_selected_shot_id (self, reel_shot_get_id (shot));
}

/* The window's shot actions act on the selected card: focus anywhere in a
 * card (its text, its duration, the card itself) selects it. */
static void
root_focus_changed_cb (ReelStoryboardPage *self, GParamSpec *pspec, GtkRoot *root)
{
  GtkWidget *focus = gtk_root_get_focus (root);
  GtkWidget *card;
  ReelShot  *shot;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->grid_view)))
    return;

  card = REEL_IS_SHOT_CARD (focus) ? focus : gtk_widget_get_ancestor (focus, REEL_TYPE_SHOT_CARD);
  /* The grid's item widget holds the card. */
  if (card == NULL && gtk_widget_get_parent (focus) == GTK_WIDGET (self->grid_view))
    card = gtk_widget_get_first_child (focus);
  if (!REEL_IS_SHOT_CARD (card) || (shot = reel_shot_card_get_shot (REEL_SHOT_CARD (card))) == NULL)
    return;

  reel_storyboard_page_select_shot (self, reel_shot_get_id (shot), FALSE);
}

static void
reel_storyboard_page_root (GtkWidget *widget)
{
  ReelStoryboardPage *self = REEL_STORYBOARD_PAGE (widget);

  GTK_WIDGET_CLASS (reel_storyboard_page_parent_class)->root (widget);

  g_signal_connect_object (gtk_widget_get_root (widget), "notify::focus-widget",
                           G_CALLBACK (root_focus_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
reel_storyboard_page_unroot (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_root (widget), root_focus_changed_cb,
                                        widget);

  GTK_WIDGET_CLASS (reel_storyboard_page_parent_class)->unroot (widget);
}

static void
update_empty_state (ReelStoryboardPage *self)
{
  gboolean empty = self->shots == NULL || g_list_model_get_n_items (self->shots) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "board");
}

static void
shots_changed_cb (ReelStoryboardPage *self)
{
  update_empty_state (self);

  if (self->selected_shot_id == 0)
    return;

  /* The selection model handled the splice before us: select the shot again
   * where it is now, or forget it if it is gone. */
  if (shot_position (self, self->selected_shot_id) == GTK_INVALID_LIST_POSITION)
    {
      select_position (self, GTK_INVALID_LIST_POSITION);
      set_selected_shot_id (self, 0);
      return;
    }
  select_position (self, shot_position (self, self->selected_shot_id));
}

void
reel_storyboard_page_set_project (ReelStoryboardPage *self, ReelProject *project)
{
  g_return_if_fail (REEL_IS_STORYBOARD_PAGE (self));
  g_return_if_fail (project == NULL || REEL_IS_PROJECT (project));

  if (self->project == project)
    return;

  if (self->shots != NULL)
    g_signal_handlers_disconnect_by_data (self->shots, self);
  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->shots);
  self->shown.valid = FALSE;
  g_set_object (&self->project, project);
  set_selected_shot_id (self, 0);

  if (project != NULL)
    {
      self->shots = g_object_ref (reel_project_get_shots (project));
      gtk_single_selection_set_model (self->selection, self->shots);
      g_signal_connect_object (self->shots, "items-changed", G_CALLBACK (shots_changed_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }

  update_empty_state (self);
}

gint64
reel_storyboard_page_get_selected_shot (ReelStoryboardPage *self)
{
  g_return_val_if_fail (REEL_IS_STORYBOARD_PAGE (self), 0);
  return self->selected_shot_id;
}

/* Scrolls @position into view; the grid makes its card if it had none. */
static void
scroll_to_position (ReelStoryboardPage *self, guint position)
{
  /* The cards the grid binds on the way are where the view is going, and
   * the cards waiting may be too. */
  self->shown.valid = FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self->grid_view), "list.scroll-to-item", "u", position);
  bind_near (self);
}

void
reel_storyboard_page_select_shot (ReelStoryboardPage *self, gint64 shot_id, gboolean grab_focus)
{
  guint position;

  g_return_if_fail (REEL_IS_STORYBOARD_PAGE (self));

  position = shot_position (self, shot_id);
  if (position == GTK_INVALID_LIST_POSITION)
    {
      select_position (self, GTK_INVALID_LIST_POSITION);
      set_selected_shot_id (self, 0);
      return;
    }

  select_position (self, position);
  set_selected_shot_id (self, shot_id);
  if (grab_focus)
    {
      ReelShotCard *card;

      scroll_to_position (self, position);
      card = find_card (self, shot_id);
      self->focus_shot_id = card == NULL ? shot_id : 0;
      if (card != NULL)
        gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (card)));
    }
}

GtkWidget *
reel_storyboard_page_get_card (ReelStoryboardPage *self, gint64 shot_id)
{
  g_return_val_if_fail (REEL_IS_STORYBOARD_PAGE (self), NULL);

  return shot_id != 0 ? (GtkWidget *) find_card (self, shot_id) : NULL;
}

void
reel_storyboard_page_scroll_to_shot (ReelStoryboardPage *self, gint64 shot_id)
{
  guint position;

  g_return_if_fail (REEL_IS_STORYBOARD_PAGE (self));

  position = shot_position (self, shot_id);
  if (position != GTK_INVALID_LIST_POSITION)
    scroll_to_position (self, position);
}

void
reel_storyboard_page_scroll_to_scene (ReelStoryboardPage *self, gint64 scene_id)
{
  guint n_items;

  g_return_if_fail (REEL_IS_STORYBOARD_PAGE (self));

  if (self->shots == NULL)
    return;

  n_items = g_list_model_get_n_items (self->shots);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (self->shots, i);

      if (reel_shot_get_scene_id (shot) == scene_id)
        {
          reel_storyboard_page_select_shot (self, reel_shot_get_id (shot), FALSE);
          scroll_to_position (self, i);
          return;
        }
    }
}

ReelImageCache *
reel_storyboard_page_get_image_cache (ReelStoryboardPage *self)
{
  g_return_val_if_fail (REEL_IS_STORYBOARD_PAGE (self), NULL);
  return self->image_cache;
}

/* A card's menu and buttons select their shot through this action, so the
 * card needs to know nothing of the grid holding it. */
static void
select_shot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  reel_storyboard_page_select_shot (REEL_STORYBOARD_PAGE (widget), g_variant_get_int64 (parameter),
                                    FALSE);
}

static void
reel_storyboard_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelStoryboardPage *self = REEL_STORYBOARD_PAGE (object);

  switch (prop_id)
    {
      case PROP_SELECTED_SHOT:
        g_value_set_int64 (value, self->selected_shot_id);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_storyboard_page_dispose (GObject *object)
{
  ReelStoryboardPage *self = REEL_STORYBOARD_PAGE (object);

  if (self->shots != NULL)
    g_signal_handlers_disconnect_by_data (self->shots, self);
  if (self->grid_view != NULL)
    gtk_grid_view_set_model (self->grid_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->shots);
  g_clear_object (&self->project);
  g_clear_handle_id (&self->bind_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_STORYBOARD_PAGE);

  g_clear_object (&self->image_cache);
  g_clear_pointer (&self->deferred, g_hash_table_unref);

  G_OBJECT_CLASS (reel_storyboard_page_parent_class)->dispose (object);
}

static void
reel_storyboard_page_class_init (ReelStoryboardPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_storyboard_page_dispose;
  object_class->get_property = reel_storyboard_page_get_property;
  widget_class->root = reel_storyboard_page_root;
  widget_class->unroot = reel_storyboard_page_unroot;
  widget_class->snapshot = reel_storyboard_page_snapshot;

  properties[PROP_SELECTED_SHOT]
      = g_param_spec_int64 ("selected-shot", NULL, NULL, 0, G_MAXINT64, 0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "storyboard.select-shot", "x", select_shot_action);

  g_type_ensure (REEL_TYPE_SHOT_CARD);
  g_type_ensure (ADW_TYPE_STATUS_PAGE);

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-storyboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelStoryboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ReelStoryboardPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ReelStoryboardPage, grid_view);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
reel_storyboard_page_init (ReelStoryboardPage *self)
{
  GtkListItemFactory *factory;

  self->image_cache = reel_image_cache_new (IMAGE_CACHE_BYTES);
  self->deferred = g_hash_table_new (NULL, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* After the grid's own handler, which binds the cards for the new place. */
  g_signal_connect_object (vadjustment (self), "value-changed", G_CALLBACK (scrolled_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_card_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_card_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_card_cb), self, 0);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);

  update_empty_state (self);
}
