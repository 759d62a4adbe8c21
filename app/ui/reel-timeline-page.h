/* reel-timeline-page.h: the Timeline view: the preview above the tracks of the cut
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-preview.h"
#include "reel-project.h"
#include "reel-timeline-view.h"

G_BEGIN_DECLS

#define REEL_TYPE_TIMELINE_PAGE (reel_timeline_page_get_type ())
G_DECLARE_FINAL_TYPE (ReelTimelinePage, reel_timeline_page, REEL, TIMELINE_PAGE, GtkWidget)

void reel_timeline_page_set_project (ReelTimelinePage *self, ReelProject *project);

ReelTimelineView *reel_timeline_page_get_view (ReelTimelinePage *self);
ReelPreview      *reel_timeline_page_get_preview (ReelTimelinePage *self);
/* Stops playing (an export or another view takes over). */
void reel_timeline_page_pause (ReelTimelinePage *self);
/* Whether the preview is being prepared (animatic cards, media). */
gboolean reel_timeline_page_get_preparing (ReelTimelinePage *self);
/* Builds the cut again now instead of after the short pause that gathers
 * a burst of edits. */
void reel_timeline_page_rebuild_now (ReelTimelinePage *self);
/* The text of the time label, "00:12.08 / 01:03.00" (minutes, seconds and frames). */
const char *reel_timeline_page_get_time_text (ReelTimelinePage *self);

/* Imports @file into the project's media and adds it as a music track, as
 * "Add Music…" does after its file chooser. */
void   reel_timeline_page_import_music_async (ReelTimelinePage   *self,
                                              GFile              *file,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gint64 reel_timeline_page_import_music_finish (ReelTimelinePage *self,
                                               GAsyncResult     *result,
                                               GError          **error);

G_END_DECLS
