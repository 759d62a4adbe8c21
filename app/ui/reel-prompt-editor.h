/* reel-prompt-editor.h: a shot's final prompt, the user's override of it,
 * and the fields read from its text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_PROMPT_EDITOR (reel_prompt_editor_get_type ())
G_DECLARE_FINAL_TYPE (ReelPromptEditor, reel_prompt_editor, REEL, PROMPT_EDITOR, GtkWidget)

GtkWidget *reel_prompt_editor_new (void);
/* Shows the final prompt of @shot_id (0: none) in @project. */
void reel_prompt_editor_set_shot (ReelPromptEditor *self, ReelProject *project, gint64 shot_id);
/* The prompt is worked out, and follows the project, only while active. */
void reel_prompt_editor_set_active (ReelPromptEditor *self, gboolean active);
/* (transfer full): the prompt the editor shows. */
char *reel_prompt_editor_dup_prompt (ReelPromptEditor *self);
/* Sends @text for the shot from now on, as typing it and leaving the editor does. */
void reel_prompt_editor_override (ReelPromptEditor *self, const char *text);

G_END_DECLS
