/* reel-marker-editor.c
 *
 * The popover content of a marker: its comment (a note to self such as
 * "redo: coat colour wrong"), or its deletion. It keeps the marker's id, so
 * the cut may be built again while it is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-marker-editor.h"
#include "storyreel-ui-resources.h"

struct _ReelMarkerEditor
{
  GtkBox parent_instance;

  gint64 marker_id;

  GtkLabel    *heading_label;
  GtkEditable *comment_entry;
};

G_DEFINE_FINAL_TYPE (ReelMarkerEditor, reel_marker_editor, GTK_TYPE_BOX)

static void
popdown (ReelMarkerEditor *self)
{
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER)));
}

static void
apply_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelMarkerEditor *self = REEL_MARKER_EDITOR (widget);

  gtk_widget_activate_action (widget, "marker.set-comment", "(xs)", self->marker_id,
                              gtk_editable_get_text (self->comment_entry));
  popdown (self);
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelMarkerEditor *self = REEL_MARKER_EDITOR (widget);

  gtk_widget_activate_action (widget, "marker.remove", "x", self->marker_id);
  popdown (self);
}

/* Enter in the comment applies, as the Apply button does. */
static void
comment_activate_cb (ReelMarkerEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "marker-editor.apply", NULL);
}

GtkWidget *
reel_marker_editor_new (const ReelMarker *marker)
{
  ReelMarkerEditor *self;
  g_autofree char  *at = NULL;
  g_autofree char  *heading = NULL;
  int               seconds;

  g_return_val_if_fail (marker != NULL, NULL);

  self = g_object_new (REEL_TYPE_MARKER_EDITOR, NULL);
  self->marker_id = marker->id;

  /* Where it is as the ruler labels it: m:ss. */
  seconds = (int) floor (marker->time + 1e-6);
  at = g_strdup_printf ("%d:%02d", seconds / 60, seconds % 60);
  /* Translators: the marker popover's heading; %s is a time such as 0:12 */
  heading = g_strdup_printf (_ ("Marker at %s"), at);
  gtk_label_set_label (self->heading_label, heading);
  gtk_editable_set_text (self->comment_entry, marker->comment != NULL ? marker->comment : "");
  return GTK_WIDGET (self);
}

static gboolean
reel_marker_editor_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (REEL_MARKER_EDITOR (widget)->comment_entry));
}

static void
reel_marker_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), REEL_TYPE_MARKER_EDITOR);

  G_OBJECT_CLASS (reel_marker_editor_parent_class)->dispose (object);
}

static void
reel_marker_editor_class_init (ReelMarkerEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_marker_editor_dispose;
  widget_class->grab_focus = reel_marker_editor_grab_focus;

  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-marker-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelMarkerEditor, heading_label);
  gtk_widget_class_bind_template_child (widget_class, ReelMarkerEditor, comment_entry);
  gtk_widget_class_bind_template_callback (widget_class, comment_activate_cb);

  gtk_widget_class_install_action (widget_class, "marker-editor.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "marker-editor.delete", NULL, delete_action);
}

static void
reel_marker_editor_init (ReelMarkerEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
