/* reel-library-window.h: the asset library: search it, use what it keeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-library.h"
#include "reel-window.h"

G_BEGIN_DECLS

#define REEL_TYPE_LIBRARY_WINDOW (reel_library_window_get_type ())
G_DECLARE_FINAL_TYPE (ReelLibraryWindow, reel_library_window, REEL, LIBRARY_WINDOW, AdwWindow)

/* The library window of @parent, whose project and selected shot its items
 * are used in: the one already open, or a new one that opens the user's
 * library in a thread. Presented.
 * Returns: (transfer none): the window */
ReelLibraryWindow *reel_library_window_present_for (ReelWindow *parent);

/* The opened library, or NULL while it opens or when it could not be. */
ReelLibrary *reel_library_window_get_library (ReelLibraryWindow *self);
/* What the window shows: "loading", "failed" (the library could not be
 * opened or searched), "empty" (nothing kept, or nothing matches) or
 * "results". */
const char *reel_library_window_get_state (ReelLibraryWindow *self);
/* How many items the last search found. */
guint reel_library_window_get_n_results (ReelLibraryWindow *self);

G_END_DECLS
