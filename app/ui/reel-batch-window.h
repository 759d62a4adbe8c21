/* reel-batch-window.h: Personalised Films: one film per row of a table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-project.h"
#include "reel-scheduler.h"

G_BEGIN_DECLS

#define REEL_TYPE_BATCH_WINDOW (reel_batch_window_get_type ())
G_DECLARE_FINAL_TYPE (ReelBatchWindow, reel_batch_window, REEL, BATCH_WINDOW, AdwWindow)

/* Films of @project's script; they generate on the backends of @scheduler
 * (the window's) and @settings' default backend. */
GtkWidget *reel_batch_window_new (GtkWindow     *parent,
                                  ReelProject   *project,
                                  ReelScheduler *scheduler,
                                  GSettings     *settings);

/* As choosing them does. The table is read and previewed in a thread;
 * "n-films" changes when it has been. */
void  reel_batch_window_load_table (ReelBatchWindow *self, GFile *file);
void  reel_batch_window_set_folder (ReelBatchWindow *self, GFile *folder);
guint reel_batch_window_get_n_films (ReelBatchWindow *self);
/* "2 of 6 shots differ between the films: 1B, 2A", or the table's error. */
const char *reel_batch_window_get_preview_text (ReelBatchWindow *self);
gboolean    reel_batch_window_get_running (ReelBatchWindow *self);

G_END_DECLS
