/* reel-script-page.h: the Fountain script editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_SCRIPT_PAGE (reel_script_page_get_type ())
G_DECLARE_FINAL_TYPE (ReelScriptPage, reel_script_page, REEL, SCRIPT_PAGE, GtkWidget)

void reel_script_page_set_project (ReelScriptPage *self, ReelProject *project);
/* Writes pending edits to the project now instead of after the debounce. */
gboolean       reel_script_page_flush (ReelScriptPage *self, GError **error);
GtkTextBuffer *reel_script_page_get_buffer (ReelScriptPage *self);
/* Scrolls to the scene heading @heading (the @nth one of that text). */
void reel_script_page_scroll_to_heading (ReelScriptPage *self, const char *heading);

G_END_DECLS
