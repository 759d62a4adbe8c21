/* reel-music-editor.h: the popover content of a music track in the timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-project-cut.h"

G_BEGIN_DECLS

#define REEL_TYPE_MUSIC_EDITOR (reel_music_editor_get_type ())
G_DECLARE_FINAL_TYPE (ReelMusicEditor, reel_music_editor, REEL, MUSIC_EDITOR, GtkBox)

/* Edits where @music starts, its volume and its fades. Apply and Remove go
 * to the "music.*" actions of the widget the editor's popover is attached
 * to, and close that popover. */
GtkWidget *reel_music_editor_new (const ReelMusicTrack *music);

G_END_DECLS
