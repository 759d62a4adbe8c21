/* reel-export-dialog.h: the Export dialog: options, then progress, ETA and cancel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-exporter.h"
#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_EXPORT_DIALOG (reel_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ReelExportDialog, reel_export_dialog, REEL, EXPORT_DIALOG, AdwWindow)

GtkWidget *reel_export_dialog_new (GtkWindow *parent, ReelProject *project);

/* The options as the dialog shows them. */
void reel_export_dialog_get_options (ReelExportDialog *self, ReelExportOptions *options);
void reel_export_dialog_set_format (ReelExportDialog *self, ReelExportFormat format);

/* Exports to @path with the chosen options, as "Export…" does once its file
 * chooser is answered. Emits ::finished (gboolean success) at the end. */
void reel_export_dialog_export_to (ReelExportDialog *self, const char *path);
/* As the Cancel button does while exporting. */
void          reel_export_dialog_cancel (ReelExportDialog *self);
gboolean      reel_export_dialog_get_running (ReelExportDialog *self);
ReelExporter *reel_export_dialog_get_exporter (ReelExportDialog *self);
/* The text the progress page shows ("About 12 s left"), or "". */
const char *reel_export_dialog_get_eta_text (ReelExportDialog *self);

G_END_DECLS
