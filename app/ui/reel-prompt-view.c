/* reel-prompt-view.c
 *
 * The card's "Prompt" expander. What it opens on, a ReelPromptEditor (a
 * text view and six entry rows), is made the first time it opens: every
 * card of the storyboard has one, and building and styling it in each card
 * cost more than the rest of the card.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include "reel-prompt-editor.h"
#include "reel-prompt-view.h"
#include "storyreel-ui-resources.h"

struct _ReelPromptView
{
  GtkWidget parent_instance;

  ReelProject *project;
  gint64       shot_id;

  GtkExpander      *expander;
  ReelPromptEditor *editor; /* NULL until the expander first opens */
};

G_DEFINE_FINAL_TYPE (ReelPromptView, reel_prompt_view, GTK_TYPE_WIDGET)

static ReelPromptEditor *
ensure_editor (ReelPromptView *self)
{
  if (self->editor == NULL)
    {
      self->editor = REEL_PROMPT_EDITOR (reel_prompt_editor_new ());
      reel_prompt_editor_set_shot (self->editor, self->project, self->shot_id);
      gtk_expander_set_child (self->expander, GTK_WIDGET (self->editor));
    }
  return self->editor;
}

static void
expanded_cb (ReelPromptView *self)
{
  gboolean expanded = gtk_expander_get_expanded (self->expander);

  if (expanded)
    ensure_editor (self);
  if (self->editor != NULL)
    reel_prompt_editor_set_active (self->editor, expanded);
}

void
reel_prompt_view_set_shot (ReelPromptView *self, ReelProject *project, gint64 shot_id)
{
  g_return_if_fail (REEL_IS_PROMPT_VIEW (self));
  g_return_if_fail (project == NULL || REEL_IS_PROJECT (project));

  g_set_object (&self->project, project);
  self->shot_id = shot_id;
  if (self->editor != NULL)
    reel_prompt_editor_set_shot (self->editor, project, shot_id);
}

void
reel_prompt_view_set_expanded (ReelPromptView *self, gboolean expanded)
{
  g_return_if_fail (REEL_IS_PROMPT_VIEW (self));
  gtk_expander_set_expanded (self->expander, expanded);
}

char *
reel_prompt_view_dup_shown_prompt (ReelPromptView *self)
{
  g_return_val_if_fail (REEL_IS_PROMPT_VIEW (self), NULL);

  if (!gtk_expander_get_expanded (self->expander) || self->editor == NULL)
    return NULL;
  return reel_prompt_editor_dup_prompt (self->editor);
}

void
reel_prompt_view_override (ReelPromptView *self, const char *text)
{
  g_return_if_fail (REEL_IS_PROMPT_VIEW (self));
  reel_prompt_editor_override (ensure_editor (self), text);
}

static void
reel_prompt_view_dispose (GObject *object)
{
  ReelPromptView *self = REEL_PROMPT_VIEW (object);

  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_PROMPT_VIEW);
  self->editor = NULL;

  G_OBJECT_CLASS (reel_prompt_view_parent_class)->dispose (object);
}

static void
reel_prompt_view_class_init (ReelPromptViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_prompt_view_dispose;

  storyreel_ui_get_resource ();
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-prompt-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelPromptView, expander);
  gtk_widget_class_bind_template_callback (widget_class, expanded_cb);
}

static void
reel_prompt_view_init (ReelPromptView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
