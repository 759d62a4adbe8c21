/* reel-marker-editor.h: the popover content of a marker on the ruler
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-project-cut.h"

G_BEGIN_DECLS

#define REEL_TYPE_MARKER_EDITOR (reel_marker_editor_get_type ())
G_DECLARE_FINAL_TYPE (ReelMarkerEditor, reel_marker_editor, REEL, MARKER_EDITOR, GtkBox)

/* Edits the comment of @marker. Apply and Delete go to the "marker.*"
 * actions of the widget the editor's popover is attached to, and close that
 * popover. Focusing the editor focuses the comment. */
GtkWidget *reel_marker_editor_new (const ReelMarker *marker);

G_END_DECLS
