/* reel-transition-editor.h: the popover content of a cut between two clips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-cut.h"

G_BEGIN_DECLS

#define REEL_TYPE_TRANSITION_EDITOR (reel_transition_editor_get_type ())
G_DECLARE_FINAL_TYPE (ReelTransitionEditor, reel_transition_editor, REEL, TRANSITION_EDITOR, GtkBox)

/* Edits the transition into @item, in a cut at @fps. Apply goes to the
 * "clip.set-transition" action of the widget the editor's popover is
 * attached to, and closes that popover. */
GtkWidget *reel_transition_editor_new (const ReelCutItem *item, guint fps);

G_END_DECLS
