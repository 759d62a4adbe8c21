/* reel-music-editor.c
 *
 * The popover content of a music track: where it starts in the film, how
 * loud it plays and how long it fades in and out; or its removal. It keeps
 * the track's id, so the cut may be built again while it is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-music-editor.h"
#include "storyreel-ui-resources.h"

struct _ReelMusicEditor
{
  GtkBox parent_instance;

  gint64 music_id;

  GtkLabel      *heading_label;
  GtkSpinButton *offset_spin;
  GtkSpinButton *volume_spin;
  GtkSpinButton *fade_in_spin;
  GtkSpinButton *fade_out_spin;
};

G_DEFINE_FINAL_TYPE (ReelMusicEditor, reel_music_editor, GTK_TYPE_BOX)

static void
popdown (ReelMusicEditor *self)
{
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER)));
}

static void
apply_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelMusicEditor *self = REEL_MUSIC_EDITOR (widget);

  gtk_widget_activate_action (widget, "music.update", "(xdddd)", self->music_id,
                              gtk_spin_button_get_value (self->offset_spin),
                              gtk_spin_button_get_value (self->volume_spin) / 100.0,
                              gtk_spin_button_get_value (self->fade_in_spin),
                              gtk_spin_button_get_value (self->fade_out_spin));
  popdown (self);
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelMusicEditor *self = REEL_MUSIC_EDITOR (widget);

  gtk_widget_activate_action (widget, "music.remove", "x", self->music_id);
  popdown (self);
}

GtkWidget *
reel_music_editor_new (const ReelMusicTrack *music)
{
  ReelMusicEditor *self;

  g_return_val_if_fail (music != NULL, NULL);

  self = g_object_new (REEL_TYPE_MUSIC_EDITOR, NULL);
  self->music_id = music->id;

  gtk_label_set_label (self->heading_label, music->name != NULL ? music->name : _ ("Music"));
  gtk_spin_button_set_value (self->offset_spin, music->start_offset);
  gtk_spin_button_set_value (self->volume_spin, music->volume * 100);
  gtk_spin_button_set_value (self->fade_in_spin, music->fade_in);
  gtk_spin_button_set_value (self->fade_out_spin, music->fade_out);
  return GTK_WIDGET (self);
}

static void
reel_music_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), REEL_TYPE_MUSIC_EDITOR);

  G_OBJECT_CLASS (reel_music_editor_parent_class)->dispose (object);
}

static void
reel_music_editor_class_init (ReelMusicEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_music_editor_dispose;

  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-music-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelMusicEditor, heading_label);
  gtk_widget_class_bind_template_child (widget_class, ReelMusicEditor, offset_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelMusicEditor, volume_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelMusicEditor, fade_in_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelMusicEditor, fade_out_spin);

  gtk_widget_class_install_action (widget_class, "music-editor.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "music-editor.remove", NULL, remove_action);
}

static void
reel_music_editor_init (ReelMusicEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
