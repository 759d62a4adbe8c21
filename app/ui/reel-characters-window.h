/* reel-characters-window.h: the character sheets of a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_CHARACTERS_WINDOW (reel_characters_window_get_type ())
G_DECLARE_FINAL_TYPE (
    ReelCharactersWindow, reel_characters_window, REEL, CHARACTERS_WINDOW, AdwWindow)

/* Lists @project's characters; "characters.add" and "characters.edit" (x: the id) open the
 * sheet, which "characters.save" saves as one undoable edit; "characters.remove" (x)
 * removes one at once and offers Undo. */
GtkWidget *reel_characters_window_new (GtkWindow *parent, ReelProject *project);

/* As choosing it does: the picture is copied into the project's media store in a worker
 * thread; "busy" is TRUE until it has been, and the sheet then shows it. */
void     reel_characters_window_set_reference_file (ReelCharactersWindow *self, GFile *file);
gboolean reel_characters_window_get_busy (ReelCharactersWindow *self);
/* The media path of the sheet's reference image, or NULL. */
const char *reel_characters_window_get_reference_image (ReelCharactersWindow *self);

G_END_DECLS
