/* reel-prompt-editor.c
 *
 * What the card's "Prompt" expander holds: the exact text generation sends
 * for the shot, which the user may rewrite. What they type is committed,
 * verbatim, when the focus leaves, as the shot's override; "Automatic"
 * drops it. The fields read from the shot's text can be corrected below it.
 *
 * The final prompt depends on the whole project (characters, style,
 * template, the scene's earlier shots), so it is worked out again after any
 * change, but only while the editor is active (its expander open).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "reel-prompt-editor.h"
#include "reel-ui-utils.h"
#include "reel-window.h"
#include "storyreel-ui-resources.h"

struct _ReelPromptEditor
{
  GtkWidget parent_instance;

  ReelProject *project;
  gint64       shot_id;
  char        *shown; /* what the view last wrote into its buffer */
  gboolean     dirty;
  gboolean     active;
  guint        syncing;

  GtkWidget   *box;
  GtkTextView *text_view;
  GtkLabel    *negative_label;
  GtkLabel    *state_label;
  GtkWidget   *automatic_button;
  /* The fields read from the shot's text, in the order of shot_fields. */
  AdwEntryRow *field_rows[6];
  gboolean     field_dirty[6];
};

/* The project's fields behind field_rows, in the same order. */
static const char *const shot_fields[] = {
  REEL_SHOT_FIELD_SUBJECTS,
  REEL_SHOT_FIELD_ACTION,
  REEL_SHOT_FIELD_SETTING,
  REEL_SHOT_FIELD_TIME,
  REEL_SHOT_FIELD_MOOD,
  REEL_SHOT_FIELD_STYLE,
  NULL,
};

G_DEFINE_FINAL_TYPE (ReelPromptEditor, reel_prompt_editor, GTK_TYPE_WIDGET)

/* Shows each field as the user wrote it or as read from the text, except
 * one the user is typing in. */
static void
sync_fields (ReelPromptEditor *self)
{
  gboolean edited[G_N_ELEMENTS (shot_fields)] = { FALSE };
  g_auto (GStrv) values = NULL;

  values = reel_project_dup_shot_fields (self->project, self->shot_id, shot_fields, edited);
  for (guint i = 0; i < G_N_ELEMENTS (self->field_rows); i++)
    {
      if (self->field_dirty[i])
        continue;
      if (g_strcmp0 (values[i], gtk_editable_get_text (GTK_EDITABLE (self->field_rows[i]))) != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->field_rows[i]), values[i]);
      if (edited[i])
        gtk_widget_add_css_class (GTK_WIDGET (self->field_rows[i]), "accent");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->field_rows[i]), "accent");
    }
}

static void
sync_from_project (ReelPromptEditor *self)
{
  g_autoptr (ReelShotPrompt) prompt = NULL;
  g_autofree char *negative = NULL;

  if (self->project == NULL || self->shot_id == 0 || !self->active
      || (prompt = reel_project_dup_shot_prompt (self->project, self->shot_id)) == NULL)
    return;

  self->syncing++;
  /* Never overwrite what the user is typing: it is committed when they leave. */
  if (!self->dirty && g_strcmp0 (self->shown, prompt->prompt) != 0)
    {
      g_free (self->shown);
      self->shown = g_strdup (prompt->prompt);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), self->shown, -1);
    }
  gtk_label_set_label (self->state_label,
                       prompt->overridden
                           ? _ ("Your own words are sent for this shot.")
                           : _ ("Made from the template, the style and the characters."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prompt.use-automatic", prompt->overridden);
  if (prompt->negative_prompt != NULL)
    /* Translators: %s is the project's negative prompt */
    negative = g_strdup_printf (_ ("Avoids: %s"), prompt->negative_prompt);
  gtk_label_set_label (self->negative_label, negative != NULL ? negative : "");
  gtk_widget_set_visible (GTK_WIDGET (self->negative_label), negative != NULL);
  sync_fields (self);
  self->syncing--;
}

static void
project_changed_cb (ReelPromptEditor *self)
{
  sync_from_project (self);
}

static void
set_override (ReelPromptEditor *self, const char *text)
{
  g_autoptr (GError) error = NULL;

  if (!reel_project_set_shot_prompt_override (self->project, self->shot_id, text, &error))
    reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Change the Prompt"), error);
  sync_from_project (self);
}

static void
commit (ReelPromptEditor *self)
{
  g_autofree char *text = NULL;

  if (!self->dirty || self->project == NULL || self->shot_id == 0)
    return;
  self->dirty = FALSE;
  text = reel_ui_text_view_dup_text (self->text_view);
  if (g_strcmp0 (text, self->shown) == 0)
    return;
  set_override (self, text);
}

/* Writes a field the user changed over what was read; an empty one is read
 * from the text again. */
static void
commit_field (ReelPromptEditor *self, guint index)
{
  g_autoptr (GError) error = NULL;
  const char *text;

  if (!self->field_dirty[index] || self->project == NULL || self->shot_id == 0)
    return;
  self->field_dirty[index] = FALSE;
  text = gtk_editable_get_text (GTK_EDITABLE (self->field_rows[index]));
  if (!reel_project_set_shot_field (self->project, self->shot_id, shot_fields[index], text, &error))
    reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Change the Field"), error);
  sync_from_project (self);
}

static guint
field_index (ReelPromptEditor *self, gpointer row)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->field_rows); i++)
    if (self->field_rows[i] == row)
      return i;
  g_return_val_if_reached (0);
}

static void
field_activated_cb (ReelPromptEditor *self, AdwEntryRow *row)
{
  commit_field (self, field_index (self, row));
}

static void
field_changed_cb (AdwEntryRow *row, ReelPromptEditor *self)
{
  if (self->syncing == 0)
    self->field_dirty[field_index (self, row)] = TRUE;
}

static void
field_focus_leave_cb (GtkEventController *focus, ReelPromptEditor *self)
{
  commit_field (self, field_index (self, gtk_event_controller_get_widget (focus)));
}

static void
buffer_changed_cb (ReelPromptEditor *self)
{
  if (self->syncing == 0)
    self->dirty = TRUE;
}

static void
focus_leave_cb (ReelPromptEditor *self)
{
  commit (self);
}

static void
use_automatic_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPromptEditor *self = REEL_PROMPT_EDITOR (widget);

  if (self->project == NULL || self->shot_id == 0)
    return;
  self->dirty = FALSE;
  set_override (self, NULL);
}

void
reel_prompt_editor_set_shot (ReelPromptEditor *self, ReelProject *project, gint64 shot_id)
{
  g_return_if_fail (REEL_IS_PROMPT_EDITOR (self));
  g_return_if_fail (project == NULL || REEL_IS_PROJECT (project));

  if (self->project != project)
    {
      if (self->project != NULL)
        g_signal_handlers_disconnect_by_data (self->project, self);
      g_set_object (&self->project, project);
      if (project != NULL)
        g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                                 G_CONNECT_SWAPPED);
    }
  if (self->shot_id != shot_id)
    {
      self->shot_id = shot_id;
      self->dirty = FALSE;
      memset (self->field_dirty, 0, sizeof self->field_dirty);
      g_clear_pointer (&self->shown, g_free);
    }
  sync_from_project (self);
}

void
reel_prompt_editor_set_active (ReelPromptEditor *self, gboolean active)
{
  g_return_if_fail (REEL_IS_PROMPT_EDITOR (self));

  self->active = active;
  sync_from_project (self);
}

char *
reel_prompt_editor_dup_prompt (ReelPromptEditor *self)
{
  g_return_val_if_fail (REEL_IS_PROMPT_EDITOR (self), NULL);
  return reel_ui_text_view_dup_text (self->text_view);
}

GtkWidget *
reel_prompt_editor_new (void)
{
  return g_object_new (REEL_TYPE_PROMPT_EDITOR, NULL);
}

void
reel_prompt_editor_override (ReelPromptEditor *self, const char *text)
{
  g_return_if_fail (REEL_IS_PROMPT_EDITOR (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  commit (self);
}

static void
reel_prompt_editor_dispose (GObject *object)
{
  ReelPromptEditor *self = REEL_PROMPT_EDITOR (object);

  /* Never write to the project from here: a card goes away inside a change. */
  self->dirty = FALSE;
  memset (self->field_dirty, 0, sizeof self->field_dirty);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->project);
  g_clear_pointer (&self->shown, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_PROMPT_EDITOR);

  G_OBJECT_CLASS (reel_prompt_editor_parent_class)->dispose (object);
}

static void
reel_prompt_editor_class_init (ReelPromptEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_prompt_editor_dispose;

  storyreel_ui_get_resource ();
  gtk_widget_class_install_action (widget_class, "prompt.use-automatic", NULL,
                                   use_automatic_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-prompt-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelPromptEditor, box);
  gtk_widget_class_bind_template_child (widget_class, ReelPromptEditor, text_view);
  gtk_widget_class_bind_template_child (widget_class, ReelPromptEditor, negative_label);
  gtk_widget_class_bind_template_child (widget_class, ReelPromptEditor, state_label);
  gtk_widget_class_bind_template_child (widget_class, ReelPromptEditor, automatic_button);
  gtk_widget_class_bind_template_callback (widget_class, field_activated_cb);
#define BIND_FIELD(index, name)                                                                    \
  gtk_widget_class_bind_template_child_full (widget_class, "field_" name, FALSE,                   \
                                             G_STRUCT_OFFSET (ReelPromptEditor, field_rows)        \
                                                 + (index) * sizeof (AdwEntryRow *))
  BIND_FIELD (0, "subjects");
  BIND_FIELD (1, "action");
  BIND_FIELD (2, "setting");
  BIND_FIELD (3, "time");
  BIND_FIELD (4, "mood");
  BIND_FIELD (5, "style");
#undef BIND_FIELD
}

static void
reel_prompt_editor_init (ReelPromptEditor *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prompt.use-automatic", FALSE);
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (buffer_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (focus, "leave", G_CALLBACK (focus_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), focus);
  for (guint i = 0; i < G_N_ELEMENTS (self->field_rows); i++)
    {
      GtkEventController *field_focus = gtk_event_controller_focus_new ();

      g_signal_connect_object (self->field_rows[i], "changed", G_CALLBACK (field_changed_cb), self,
                               0);
      g_signal_connect_object (field_focus, "leave", G_CALLBACK (field_focus_leave_cb), self, 0);
      gtk_widget_add_controller (GTK_WIDGET (self->field_rows[i]), field_focus);
    }
}
