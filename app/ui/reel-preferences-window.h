/* reel-preferences-window.h: project settings and app preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_PREFERENCES_WINDOW (reel_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (
    ReelPreferencesWindow, reel_preferences_window, REEL, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @project may be NULL: the Project page is then hidden. */
GtkWidget *reel_preferences_window_new (GtkWindow *parent, ReelProject *project);
/* Shows the Generation page at the settings of @backend ("dashscope"). */
void reel_preferences_window_show_engine (ReelPreferencesWindow *self, const char *backend);
/* Shows the project's budget. */
void reel_preferences_window_show_budget (ReelPreferencesWindow *self);

G_END_DECLS
