/* reel-cue-editor.h: the popover content of a caption cue in the timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-cut.h"

G_BEGIN_DECLS

#define REEL_TYPE_CUE_EDITOR (reel_cue_editor_get_type ())
G_DECLARE_FINAL_TYPE (ReelCueEditor, reel_cue_editor, REEL, CUE_EDITOR, GtkBox)

/* Edits the text and timing of @cue, which falls in @item (its shot's clip).
 * Apply and Reset Timing go to the "cue.*" actions of the widget the editor's
 * popover is attached to, and close that popover. */
GtkWidget *reel_cue_editor_new (const ReelCutCue *cue, const ReelCutItem *item);

G_END_DECLS
