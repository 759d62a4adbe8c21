/* reel-scene-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-scene-row.h"
#include "storyreel-ui-resources.h"

struct _ReelSceneRow
{
  GtkWidget parent_instance;

  GtkWidget *row_box;
  ReelScene *scene;
  gulong     notify_id;

  GtkLabel *number_label;
  GtkLabel *heading_label;
  GtkLabel *shots_label;
};

G_DEFINE_FINAL_TYPE (ReelSceneRow, reel_scene_row, GTK_TYPE_WIDGET)

static void
update (ReelSceneRow *self)
{
  g_autofree char *shots = NULL;
  guint            n_shots;
  const char      *heading;

  if (self->scene == NULL)
    return;

  n_shots = reel_scene_get_n_shots (self->scene);
  heading = reel_scene_get_heading (self->scene);
  if (heading == NULL || *heading == '\0')
    heading = _ ("Untitled scene");

  gtk_label_set_label (self->number_label, reel_scene_get_number (self->scene));
  gtk_label_set_label (self->heading_label, heading);
  shots = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u shot", "%u shots", n_shots), n_shots);
  gtk_label_set_label (self->shots_label, shots);
}

static void
scene_notify_cb (ReelSceneRow *self)
{
  update (self);
}

void
reel_scene_row_set_scene (ReelSceneRow *self, ReelScene *scene)
{
  g_return_if_fail (REEL_IS_SCENE_ROW (self));

  if (self->scene == scene)
    return;

  if (self->scene != NULL)
    g_clear_signal_handler (&self->notify_id, self->scene);
  g_set_object (&self->scene, scene);
  if (scene != NULL)
    {
      self->notify_id = g_signal_connect_object (scene, "notify", G_CALLBACK (scene_notify_cb),
                                                 self, G_CONNECT_SWAPPED);
      update (self);
    }
}

ReelScene *
reel_scene_row_get_scene (ReelSceneRow *self)
{
  g_return_val_if_fail (REEL_IS_SCENE_ROW (self), NULL);
  return self->scene;
}

GtkWidget *
reel_scene_row_new (void)
{
  return g_object_new (REEL_TYPE_SCENE_ROW, NULL);
}

static void
reel_scene_row_dispose (GObject *object)
{
  ReelSceneRow *self = REEL_SCENE_ROW (object);

  reel_scene_row_set_scene (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_SCENE_ROW);

  G_OBJECT_CLASS (reel_scene_row_parent_class)->dispose (object);
}

static void
reel_scene_row_class_init (ReelSceneRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_scene_row_dispose;

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-scene-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelSceneRow, row_box);
  gtk_widget_class_bind_template_child (widget_class, ReelSceneRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, ReelSceneRow, heading_label);
  gtk_widget_class_bind_template_child (widget_class, ReelSceneRow, shots_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
reel_scene_row_init (ReelSceneRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
