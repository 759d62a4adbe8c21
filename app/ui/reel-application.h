/* reel-application.h: the Storyreel GTK application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-gpu-probe.h"
#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_APPLICATION (reel_application_get_type ())
G_DECLARE_FINAL_TYPE (ReelApplication, reel_application, REEL, APPLICATION, AdwApplication)

ReelApplication *reel_application_new (void);

/* The app's GSettings, or NULL when the schema is not installed (running from
 * a bare build tree): callers then keep their defaults. (transfer none) */
GSettings *reel_application_get_settings (ReelApplication *self);
/* The one GPU probe of the process: its answer and its GPU slots are shared
 * by every window, so two windows generating locally still keep one job per
 * GPU. (transfer none) */
ReelGpuProbe *reel_application_get_gpu_probe (ReelApplication *self);
/* The GSettings of the ReelApplication that @widget's window belongs to (for
 * a dialog with no application of its own: the window it is transient for),
 * or NULL: a widget outside such a window keeps its defaults. (transfer none) */
GSettings *reel_application_get_settings_for_widget (GtkWidget *widget);
/* The ReelApplication that @widget's window (or the window it is transient
 * for) belongs to, or NULL. (transfer none) */
ReelApplication *reel_application_get_for_widget (GtkWidget *widget);
/* Says that the API key of @backend was stored or removed, so that every
 * window sets that backend up again ("api-key-changed"). */
void reel_application_api_key_changed (ReelApplication *self, const char *backend);

/* Opens @file in @window (NULL: the active window if it has no project, or
 * a new one). A .storyreel file is opened (and upgraded); a .fountain or
 * .txt script is imported into NAME.storyreel beside it. That runs in a
 * worker while the window, presented at once, shows the opening; the
 * project is set on the window when it is ready, and errors are shown in a
 * dialog (a missing file also leaves the recent list).
 * Returns: (transfer none): the window the project opens in */
struct _ReelWindow *
reel_application_open_file (ReelApplication *self, GFile *file, GtkWindow *window);
/* Opens (creating it the first time) $XDG_DATA_HOME/storyreel/Demo.storyreel,
 * as reel_application_open_file() does. */
struct _ReelWindow *reel_application_open_demo (ReelApplication *self, GtkWindow *window);
/* Puts @path first in the recent-projects list. */
void reel_application_add_recent (ReelApplication *self, const char *path);

/* The code paths above, without a window: shared with the tests. */

/* Where an example script lives: PKGDATADIR/examples, else the source tree's
 * data/examples. NULL when neither has it. */
char *reel_application_find_example (const char *basename);
/* $XDG_DATA_HOME/storyreel/Demo.storyreel */
GFile *reel_application_get_demo_file (void);
/* Opens @project_file, or creates it from the lesson example first. */
ReelProject *reel_application_load_demo_project (GFile *project_file, GError **error);
/* Opens or creates @project_file, stores @script and breaks it down. */
ReelProject *
reel_application_import_script (GFile *project_file, const char *script, GError **error);
/* NAME.storyreel beside a script file NAME.fountain. */
GFile *reel_application_project_file_for_script (GFile *script_file);

G_END_DECLS
