/* reel-ui-utils.h: small helpers shared by the widgets of storyreel-ui
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called with the widget that asked and the file the user picked. */
typedef void (*ReelFileChosenFunc) (GtkWidget *widget, GFile *file);

/* Asks for one file to open in a native file chooser, transient for
 * @widget's window, offering @filters (in order) with the first chosen.
 * @chosen runs once the user accepts; not when they cancel, nor once @widget
 * is gone. A native dialog has no other owner, so *@chooser holds it while it
 * is open (any earlier one is dropped first) and is cleared when it answers;
 * @widget clears it too in its dispose. */
void reel_ui_choose_file_to_open (GtkWidget             *widget,
                                  GtkFileChooserNative **chooser,
                                  const char            *title,
                                  const char            *accept_label,
                                  const char            *cancel_label,
                                  GtkFileFilter *const  *filters,
                                  guint                  n_filters,
                                  ReelFileChosenFunc     chosen);

/* Loads the picture at @path, scaled to fit @size×@size, in a worker thread;
 * the callback runs in the caller's thread-default main context. */
void        reel_ui_load_thumbnail_async (const char         *path,
                                          int                 size,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
GdkTexture *reel_ui_load_thumbnail_finish (GAsyncResult *result, GError **error);

/* "¥8.40 · $0.80": the sum of @entries (ReelLedgerEntry*) in each currency,
 * in the order each was first charged; "" when there are none. */
char *reel_ui_format_ledger_totals (GPtrArray *entries);

/* How far the running batches of @jobs (ReelJobRecord*) are, as the Jobs
 * view's header says it: "3 of 12 shots · about 2 min left". The estimate
 * comes from the pace of the jobs finished so far, counted from the batch's
 * start to @now (unix time in ms); without any yet, there is none. Cancelled
 * jobs do not count. NULL when no batch is running. If @fraction is not
 * NULL it receives the share finished. */
char *reel_ui_describe_batch_progress (GPtrArray *jobs, gint64 now, double *fraction);

/* (transfer full): all the text in @view's buffer. */
char *reel_ui_text_view_dup_text (GtkTextView *view);

/* The export cache's limit in bytes from the "export-cache-limit" setting
 * (megabytes), for ReelExportOptions.segment_cache_limit: 0 MB keeps no
 * segment after an export. */
guint64 reel_ui_export_cache_limit (GSettings *settings);

G_END_DECLS
