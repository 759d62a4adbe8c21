/* reel-storyboard-page.c
 *
 * The storyboard is a GtkFlowBox bound to the project's shot model: the
 * project splices the model after every change, and the flow box makes one
 * ReelShotCard per shot. The selected card is "the current shot" that the
 * window's move, add and delete actions act on; it survives the rebuilds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "reel-shot-card.h"
#include "reel-storyboard-page.h"
#include "storyreel-ui-resources.h"

struct _ReelStoryboardPage
{
  GtkWidget parent_instance;

  ReelProject *project;
  GListModel  *shots;
  gint64       selected_shot_id;
  /* Set while the page restores the selection after a rebuild. */
  gboolean restoring;

  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  GtkFlowBox        *flow_box;
};

G_DEFINE_FINAL_TYPE (ReelStoryboardPage, reel_storyboard_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SELECTED_SHOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
create_card_cb (gpointer item, gpointer user_data)
{
  ReelStoryboardPage *self = user_data;

  return reel_shot_card_new (self->project, REEL_SHOT (item));
}

static GtkFlowBoxChild *
find_child (ReelStoryboardPage *self, gint64 shot_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->flow_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card;

      if (!GTK_IS_FLOW_BOX_CHILD (child))
        continue;
      card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      if (REEL_IS_SHOT_CARD (card)
          && reel_shot_get_id (reel_shot_card_get_shot (REEL_SHOT_CARD (card))) == shot_id)
        return GTK_FLOW_BOX_CHILD (child);
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
selected_children_changed_cb (ReelStoryboardPage *self)
{
  g_autoptr (GList) selected = NULL;
  GtkWidget *card;

  if (self->restoring)
    return;

  selected = gtk_flow_box_get_selected_children (self->flow_box);
  /* A rebuild drops the selection for a moment; keep the shot until it is
   * gone from the project. */
  if (selected == NULL)
    return;

  card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (selected->data));
  if (REEL_IS_SHOT_CARD (card))
    set_selected_shot_id (self, reel_shot_get_id (reel_shot_card_get_shot (REEL_SHOT_CARD (card))));
}

/* The window's shot actions act on the selected card: focus anywhere in a
 * card (its text, its duration, the card itself) selects it. */
static void
root_focus_changed_cb (ReelStoryboardPage *self, GParamSpec *pspec, GtkRoot *root)
{
  GtkWidget *focus = gtk_root_get_focus (root);
  GtkWidget *child;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->flow_box)))
    return;

  child = GTK_IS_FLOW_BOX_CHILD (focus) ? focus
                                        : gtk_widget_get_ancestor (focus, GTK_TYPE_FLOW_BOX_CHILD);
  if (child != NULL && !gtk_flow_box_child_is_selected (GTK_FLOW_BOX_CHILD (child)))
    gtk_flow_box_select_child (self->flow_box, GTK_FLOW_BOX_CHILD (child));
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

  if (self->project == NULL
      || reel_project_lookup_shot (self->project, self->selected_shot_id) == NULL)
    {
      gtk_flow_box_unselect_all (self->flow_box);
      set_selected_shot_id (self, 0);
      return;
    }

  /* The flow box handled the splice before us: select the shot's new card. */
  {
    GtkFlowBoxChild *child = find_child (self, self->selected_shot_id);

    if (child != NULL && !gtk_flow_box_child_is_selected (child))
      {
        self->restoring = TRUE;
        gtk_flow_box_select_child (self->flow_box, child);
        self->restoring = FALSE;
      }
  }
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
  gtk_flow_box_bind_model (self->flow_box, NULL, NULL, NULL, NULL);
  g_clear_object (&self->shots);
  g_set_object (&self->project, project);
  set_selected_shot_id (self, 0);

  if (project != NULL)
    {
      self->shots = g_object_ref (reel_project_get_shots (project));
      gtk_flow_box_bind_model (self->flow_box, self->shots, create_card_cb, self, NULL);
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

void
reel_storyboard_page_select_shot (ReelStoryboardPage *self, gint64 shot_id, gboolean grab_focus)
{
  GtkFlowBoxChild *child;

  g_return_if_fail (REEL_IS_STORYBOARD_PAGE (self));

  child = shot_id != 0 ? find_child (self, shot_id) : NULL;
  if (child == NULL)
    {
      gtk_flow_box_unselect_all (self->flow_box);
      set_selected_shot_id (self, 0);
      return;
    }

  gtk_flow_box_select_child (self->flow_box, child);
  set_selected_shot_id (self, shot_id);
  /* The viewport scrolls the focused card into view. */
  if (grab_focus)
    gtk_widget_grab_focus (GTK_WIDGET (child));
}

GtkWidget *
reel_storyboard_page_get_card (ReelStoryboardPage *self, gint64 shot_id)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (REEL_IS_STORYBOARD_PAGE (self), NULL);

  child = shot_id != 0 ? find_child (self, shot_id) : NULL;
  return child != NULL ? gtk_flow_box_child_get_child (child) : NULL;
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
          GtkFlowBoxChild *child = find_child (self, reel_shot_get_id (shot));
          GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
          graphene_point_t point;

          reel_storyboard_page_select_shot (self, reel_shot_get_id (shot), FALSE);
          if (child != NULL
              && gtk_widget_compute_point (GTK_WIDGET (child), GTK_WIDGET (self->flow_box),
                                           &GRAPHENE_POINT_INIT (0, 0), &point))
            gtk_adjustment_set_value (vadjustment, MAX (0, point.y - 12));
          return;
        }
    }
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
  if (self->flow_box != NULL)
    gtk_flow_box_bind_model (self->flow_box, NULL, NULL, NULL, NULL);
  g_clear_object (&self->shots);
  g_clear_object (&self->project);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_STORYBOARD_PAGE);

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

  properties[PROP_SELECTED_SHOT]
      = g_param_spec_int64 ("selected-shot", NULL, NULL, 0, G_MAXINT64, 0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (REEL_TYPE_SHOT_CARD);
  g_type_ensure (ADW_TYPE_STATUS_PAGE);

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-storyboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelStoryboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ReelStoryboardPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ReelStoryboardPage, flow_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
reel_storyboard_page_init (ReelStoryboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->flow_box, "selected-children-changed",
                           G_CALLBACK (selected_children_changed_cb), self, G_CONNECT_SWAPPED);
  update_empty_state (self);
}
