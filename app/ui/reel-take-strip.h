/* reel-take-strip.h: the takes of the selected shot: play, choose, compare,
 * delete and import them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-image-cache.h"
#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_TAKE_STRIP (reel_take_strip_get_type ())
G_DECLARE_FINAL_TYPE (ReelTakeStrip, reel_take_strip, REEL, TAKE_STRIP, GtkWidget)

void reel_take_strip_set_project (ReelTakeStrip *self, ReelProject *project);
/* Decodes the tiles' thumbnails through @image_cache (the storyboard's: one
 * bounded cache for the window's pictures). */
void reel_take_strip_set_image_cache (ReelTakeStrip *self, ReelImageCache *image_cache);
/* Shows the takes of @shot_id (0: none). */
void   reel_take_strip_set_shot (ReelTakeStrip *self, gint64 shot_id);
gint64 reel_take_strip_get_shot (ReelTakeStrip *self);
/* (transfer full) gint64 take ids, in the order the strip shows them. */
GArray *reel_take_strip_dup_shown_takes (ReelTakeStrip *self);
/* Why a shown take's media cannot be used (missing or damaged), or NULL. The
 * strip verifies the media in a worker after it shows a shot. */
const char *reel_take_strip_get_take_problem (ReelTakeStrip *self, gint64 take_id);
/* Plays @take_id in the strip's player. */
void reel_take_strip_play (ReelTakeStrip *self, gint64 take_id);
/* Plays two takes side by side, started together. */
void reel_take_strip_compare (ReelTakeStrip *self, gint64 take_a, gint64 take_b);
/* The compared streams (index 0 or 1), or NULL when not comparing. */
GtkMediaStream *reel_take_strip_get_compare_stream (ReelTakeStrip *self, guint index);

/* Copies @file into the media store (in a worker thread), verifies it and
 * adds it as a take of the shown shot; a still image becomes the shot's
 * board image. A file that is not a usable video or image changes nothing. */
void reel_take_strip_import_file_async (ReelTakeStrip      *self,
                                        GFile              *file,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
/* Returns the new take's id, or 0 with @error set. */
gint64
reel_take_strip_import_file_finish (ReelTakeStrip *self, GAsyncResult *result, GError **error);

G_END_DECLS
