/* reel-prompt-view.h: a shot's final prompt, and the user's override of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_PROMPT_VIEW (reel_prompt_view_get_type ())
G_DECLARE_FINAL_TYPE (ReelPromptView, reel_prompt_view, REEL, PROMPT_VIEW, GtkWidget)

/* Shows the final prompt of @shot_id (0: none) in @project. */
void reel_prompt_view_set_shot (ReelPromptView *self, ReelProject *project, gint64 shot_id);
/* Opens or closes the view; the prompt is worked out only while it is open. */
void reel_prompt_view_set_expanded (ReelPromptView *self, gboolean expanded);
/* (transfer full): the prompt the view shows, NULL while it is closed. */
char *reel_prompt_view_dup_shown_prompt (ReelPromptView *self);
/* Sends @text for the shot from now on, as typing it and leaving the view does. */
void reel_prompt_view_override (ReelPromptView *self, const char *text);

G_END_DECLS
