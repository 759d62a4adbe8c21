/* reel-transition-editor.c
 *
 * The popover content of a cut between two clips: a plain cut or a
 * crossfade, and how long the crossfade lasts. It keeps the shot's id, not
 * the item, so the cut may be built again while it is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-transition-editor.h"
#include "storyreel-ui-resources.h"

struct _ReelTransitionEditor
{
  GtkBox parent_instance;

  gint64 shot_id;

  GtkLabel       *heading_label;
  GtkCheckButton *cut_check;
  GtkCheckButton *crossfade_check;
  GtkSpinButton  *length_spin;
};

G_DEFINE_FINAL_TYPE (ReelTransitionEditor, reel_transition_editor, GTK_TYPE_BOX)

static void
popdown (ReelTransitionEditor *self)
{
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER)));
}

static void
apply_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTransitionEditor *self = REEL_TRANSITION_EDITOR (widget);
  gboolean              crossfade = gtk_check_button_get_active (self->crossfade_check);

  gtk_widget_activate_action (widget, "clip.set-transition", "(xsd)", self->shot_id,
                              crossfade ? "crossfade" : "cut",
                              gtk_spin_button_get_value (self->length_spin));
  popdown (self);
}

GtkWidget *
reel_transition_editor_new (const ReelCutItem *item, guint fps)
{
  ReelTransitionEditor *self;
  g_autofree char      *heading = NULL;
  gboolean              crossfade;

  g_return_val_if_fail (item != NULL, NULL);

  self = g_object_new (REEL_TYPE_TRANSITION_EDITOR, NULL);
  self->shot_id = item->shot_id;
  crossfade = item->transition == REEL_TRANSITION_CROSSFADE;

  /* Translators: the popover of the cut between two shots; %s is the later shot's number */
  heading = g_strdup_printf (_ ("Into Shot %s"), item->shot_number);
  gtk_label_set_label (self->heading_label, heading);
  gtk_check_button_set_active (crossfade ? self->crossfade_check : self->cut_check, TRUE);
  /* A crossfade lasts at least a frame. */
  gtk_spin_button_set_range (self->length_spin, 1.0 / MAX (fps, 1), 10);
  gtk_spin_button_set_value (self->length_spin, crossfade && item->transition_duration > 0
                                                    ? item->transition_duration
                                                    : 0.5);
  return GTK_WIDGET (self);
}

static void
reel_transition_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), REEL_TYPE_TRANSITION_EDITOR);

  G_OBJECT_CLASS (reel_transition_editor_parent_class)->dispose (object);
}

static void
reel_transition_editor_class_init (ReelTransitionEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_transition_editor_dispose;

  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-transition-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelTransitionEditor, heading_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTransitionEditor, cut_check);
  gtk_widget_class_bind_template_child (widget_class, ReelTransitionEditor, crossfade_check);
  gtk_widget_class_bind_template_child (widget_class, ReelTransitionEditor, length_spin);

  gtk_widget_class_install_action (widget_class, "transition-editor.apply", NULL, apply_action);
}

static void
reel_transition_editor_init (ReelTransitionEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
