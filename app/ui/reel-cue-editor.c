/* reel-cue-editor.c
 *
 * The popover content of a caption cue: its text, and when it starts and
 * how long it lasts within its shot. Only what changed is applied, so
 * opening a cue and applying it as it is leaves its timing derived from
 * reading speed. It keeps ids, not the cue, so the cut may be built again
 * while it is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-cue-editor.h"
#include "storyreel-ui-resources.h"

struct _ReelCueEditor
{
  GtkBox parent_instance;

  gint64 shot_id;
  guint  caption_index;
  /* As shown when the editor opened: what Apply compares with. */
  char  *text;
  double start; /* in the shot */
  double duration;

  GtkLabel      *heading_label;
  GtkEditable   *text_entry;
  GtkSpinButton *start_spin;
  GtkSpinButton *length_spin;
  GtkLabel      *timing_label;
};

G_DEFINE_FINAL_TYPE (ReelCueEditor, reel_cue_editor, GTK_TYPE_BOX)

static void
popdown (ReelCueEditor *self)
{
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER)));
}

static void
apply_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCueEditor *self = REEL_CUE_EDITOR (widget);
  const char    *text = gtk_editable_get_text (self->text_entry);
  double         start = gtk_spin_button_get_value (self->start_spin);
  double         length = gtk_spin_button_get_value (self->length_spin);

  if (fabs (start - self->start) > 0.004 || fabs (length - self->duration) > 0.004)
    gtk_widget_activate_action (widget, "cue.set-timing", "(xudd)", self->shot_id,
                                self->caption_index, start, length);
  if (g_strcmp0 (text, self->text) != 0 && *text != '\0')
    gtk_widget_activate_action (widget, "cue.set-text", "(xus)", self->shot_id, self->caption_index,
                                text);
  popdown (self);
}

static void
reset_timing_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCueEditor *self = REEL_CUE_EDITOR (widget);

  gtk_widget_activate_action (widget, "cue.reset-timing", "(xu)", self->shot_id,
                              self->caption_index);
  popdown (self);
}

/* Enter in the text applies, as the Apply button does. */
static void
text_activate_cb (ReelCueEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "cue-editor.apply", NULL);
}

GtkWidget *
reel_cue_editor_new (const ReelCutCue *cue, const ReelCutItem *item)
{
  ReelCueEditor   *self;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (cue != NULL, NULL);
  g_return_val_if_fail (item != NULL, NULL);

  self = g_object_new (REEL_TYPE_CUE_EDITOR, NULL);
  self->shot_id = cue->shot_id;
  self->caption_index = cue->caption_index;
  self->text = g_strdup (cue->text);
  self->start = cue->start - item->start;
  self->duration = cue->duration;

  heading = cue->speaker != NULL && *cue->speaker != '\0'
                /* Translators: the caption popover's heading: the speaker and the shot number */
                ? g_strdup_printf (_ ("%s, Shot %s"), cue->speaker, item->shot_number)
                : g_strdup_printf (_ ("Caption, Shot %s"), item->shot_number);
  gtk_label_set_label (self->heading_label, heading);
  gtk_editable_set_text (self->text_entry, cue->text != NULL ? cue->text : "");

  /* A cue starts within its shot and lasts no longer than it. */
  gtk_spin_button_set_range (self->start_spin, 0, MAX (item->duration - 0.04, 0));
  gtk_spin_button_set_value (self->start_spin, self->start);
  gtk_spin_button_set_range (self->length_spin, 0.1, MAX (item->duration, 0.1));
  gtk_spin_button_set_value (self->length_spin, self->duration);

  gtk_label_set_label (self->timing_label,
                       cue->timing_set ? _ ("Timed by hand") : _ ("Timed by reading speed"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cue-editor.reset-timing", cue->timing_set);
  return GTK_WIDGET (self);
}

static void
reel_cue_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), REEL_TYPE_CUE_EDITOR);

  G_OBJECT_CLASS (reel_cue_editor_parent_class)->dispose (object);
}

static void
reel_cue_editor_finalize (GObject *object)
{
  ReelCueEditor *self = REEL_CUE_EDITOR (object);

  g_free (self->text);

  G_OBJECT_CLASS (reel_cue_editor_parent_class)->finalize (object);
}

static void
reel_cue_editor_class_init (ReelCueEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_cue_editor_dispose;
  object_class->finalize = reel_cue_editor_finalize;

  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-cue-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelCueEditor, heading_label);
  gtk_widget_class_bind_template_child (widget_class, ReelCueEditor, text_entry);
  gtk_widget_class_bind_template_child (widget_class, ReelCueEditor, start_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelCueEditor, length_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelCueEditor, timing_label);
  gtk_widget_class_bind_template_callback (widget_class, text_activate_cb);

  gtk_widget_class_install_action (widget_class, "cue-editor.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "cue-editor.reset-timing", NULL,
                                   reset_timing_action);
}

static void
reel_cue_editor_init (ReelCueEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
