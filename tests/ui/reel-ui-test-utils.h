/* reel-ui-test-utils.h: helpers shared by the GUI tests (a real ReelWindow under Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-application.h"
#include "reel-window.h"

G_BEGIN_DECLS

/* How long reel_ui_test_wait_until() waits unless told otherwise. */
#define REEL_UI_TEST_WAIT_TIMEOUT_MS 150000

/* A state the main loop is iterated towards; @data is the caller's. */
typedef gboolean (*ReelUiTestCondition) (gpointer data);

/* Sets how long reel_ui_test_wait_until() waits before failing the test;
 * REEL_UI_TEST_WAIT_TIMEOUT_MS until called. */
void reel_ui_test_set_wait_timeout (guint timeout_ms);

/* Iterates the default main context until @condition holds; fails the test
 * with "Timed out waiting for @what" after the wait timeout. */
void reel_ui_test_wait_until (ReelUiTestCondition condition, gpointer data, const char *what);

/* Lets @widget (usually a window) lay out and paint what just changed: runs
 * what is pending, then waits for two frames of its frame clock. */
void reel_ui_test_settle (GtkWidget *widget);

/* Conditions for reel_ui_test_wait_until() */

/* @data is a GtkWidget: TRUE once it is mapped. */
gboolean reel_ui_test_widget_is_mapped (gpointer data);
/* @data is a ReelWindow: TRUE once its project is open (reel_application_open_file()
 * opens it in a worker). */
gboolean reel_ui_test_window_has_project (gpointer data);
/* @data is a gboolean *: TRUE once it is set. */
gboolean reel_ui_test_flag_is_set (gpointer data);
/* @data is a GtkWidget holding an AdwLeaflet: TRUE once the first one folds. */
gboolean reel_ui_test_leaflet_is_folded (gpointer data);
/* @data is a GtkNative: TRUE once its surface is at most 360 px wide. */
gboolean reel_ui_test_window_is_narrow (gpointer data);

/* Finding widgets */

/* Appends every descendant of @widget (not @widget) that is a @type to
 * @found, depth first, in child order. */
void reel_ui_test_collect_descendants (GtkWidget *widget, GType type, GPtrArray *found);

/* The descendants of @root of @type that a user can see: mapped ones.
 * Returns: (transfer container): a new array of borrowed widgets */
GPtrArray *reel_ui_test_find_mapped (GtkWidget *root, GType type);

/* The first descendant of @root of @type, mapped or not.
 * Returns: (transfer none) (nullable): the widget, or NULL */
GtkWidget *reel_ui_test_find_first (GtkWidget *root, GType type);

/* Pointer input: real button and motion events sent through the X server
 * (XTest), so they reach the widget the way a hand on the mouse does:
 * through GDK, event controllers and gestures. */

/* Whether the pointer helpers work here: an X11 display with XTest. Tests
 * skip their pointer steps when it is FALSE. */
gboolean reel_ui_test_pointer_available (GtkWidget *widget);

/* Presses the first button at (@from_x, @from_y) in @widget's coordinates,
 * moves to (@to_x, @to_y) in a few steps, and releases it there. Returns
 * once the X server has queued the events; wait for their effect with
 * reel_ui_test_wait_until(). The points must lie inside the window. */
void reel_ui_test_pointer_drag (
    GtkWidget *widget, double from_x, double from_y, double to_x, double to_y);

/* Pictures */

/* Where a picture called @name goes: the ui/ folder of the test build
 * directory ($G_TEST_BUILDDIR), or the build directory without it.
 * Returns: (transfer full): the path */
char *reel_ui_test_png_path (const char *name);

/* Renders @widget at its current size as the user sees it and writes it as
 * PNG to reel_ui_test_png_path (@name); asserts it was written. If
 * @out_texture is not NULL it receives the rendered picture (transfer full). */
void reel_ui_test_save_png (GtkWidget *widget, const char *name, GdkTexture **out_texture);

/* The application and the demo project */

/* A new ReelApplication, registered so its startup ran (styles, shortcuts,
 * help overlay); asserts the registration worked.
 * Returns: (transfer full): the application */
ReelApplication *reel_ui_test_register_application (void);

/* Writes the demo project (from the shipped lesson, through the app's own
 * code path) to @dir/Demo.storyreel and opens it; asserts it worked.
 * Returns: (transfer full): the project */
ReelProject *reel_ui_test_load_demo_project (const char *dir);

/* A new window of @application showing @project (none if NULL), at
 * @width×@height by default (the window's own default if either is 0 or
 * less), presented, mapped and drawn.
 * Returns: (transfer none): the window; gtk_window_destroy() it */
ReelWindow *reel_ui_test_open_window (ReelApplication *application,
                                      ReelProject     *project,
                                      int              width,
                                      int              height);

G_END_DECLS
