/* reel-window.h: the main window: scene list, script, storyboard and timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-application.h"
#include "reel-project.h"
#include "reel-scheduler.h"

G_BEGIN_DECLS

#define REEL_TYPE_WINDOW (reel_window_get_type ())
G_DECLARE_FINAL_TYPE (ReelWindow, reel_window, REEL, WINDOW, AdwApplicationWindow)

/* Generation asks the default engine (the "default-backend" setting). A
 * paid batch (win.generate-all, win.generate-shots, win.generate-variants)
 * first shows what it will cost in an AdwMessageDialog with the responses
 * "cancel" and "generate"; one the budget cannot cover shows "close" and
 * "budget" instead. A single clicked shot (win.generate-shot) is queued at
 * once, unless the budget cannot cover it.
 *
 * The scheduler's engines are made by reel_backend_create() from the app's
 * settings, so the environment reaches them as it reaches the command line:
 * DASHSCOPE_API_KEY, FAL_KEY, DASHSCOPE_HTTP_BASE_URL. Remote engines join
 * once their keys have been looked up (asynchronously); until then the
 * generate actions of such a default engine are disabled.
 *
 * @app may be NULL (tests). */
ReelWindow  *reel_window_new (ReelApplication *app);
void         reel_window_set_project (ReelWindow *self, ReelProject *project);
ReelProject *reel_window_get_project (ReelWindow *self);
/* While a project opens in a worker: @title over a spinner in place of the
 * project (or the empty page), whose actions are off, until
 * reel_window_end_loading() ends it. Returns the opening's serial: a later
 * opening in the same window supersedes it. */
guint reel_window_begin_loading (ReelWindow *self, const char *title);
void  reel_window_set_loading_title (ReelWindow *self, const char *title);
/* Ends the opening @serial, showing the project (or the empty page) again;
 * FALSE, changing nothing, if a later opening began since. */
gboolean reel_window_end_loading (ReelWindow *self, guint serial);
/* Whether the opening @serial is the one the window shows. */
gboolean reel_window_is_loading_serial (ReelWindow *self, guint serial);
gboolean reel_window_is_loading (ReelWindow *self);
/* "script", "storyboard", "timeline" or "jobs". */
void        reel_window_show_view (ReelWindow *self, const char *name);
const char *reel_window_get_visible_view (ReelWindow *self);
/* Makes @shot_id the current shot of the storyboard, which the move, add and
 * delete actions act on. */
void   reel_window_select_shot (ReelWindow *self, gint64 shot_id);
gint64 reel_window_get_selected_shot (ReelWindow *self);
/* The page widget of a view ("script": ReelScriptPage, "storyboard":
 * ReelStoryboardPage, "timeline": ReelTimelinePage, "jobs": ReelJobsPage). */
GtkWidget *reel_window_get_view (ReelWindow *self, const char *name);

/* The generation queue of the open project (NULL without one). It lives as
 * long as the project stays open in this window. */
ReelScheduler *reel_window_get_scheduler (ReelWindow *self);
/* TRUE when @backend can generate now; otherwise says why in a dialog
 * (responses "close" and "set-up", which opens its preferences) and returns
 * FALSE. Nothing falls back to another engine. */
gboolean reel_window_check_engine (ReelWindow *self, const char *backend);

void reel_window_add_toast (ReelWindow *self, const char *title);
/* Shows @toast (floating; a toast with a button, say). */
void reel_window_add_toast_object (ReelWindow *self, AdwToast *toast);
/* A toast with an Undo button (win.undo), for an edit just made. */
void reel_window_add_undo_toast (ReelWindow *self, const char *title);
/* Shows @error in a dialog headed @heading. */
void reel_window_report_error (ReelWindow *self, const char *heading, const GError *error);
/* Finds the ReelWindow of @widget and reports there; logs otherwise. */
void reel_widget_report_error (GtkWidget *widget, const char *heading, const GError *error);

G_END_DECLS
