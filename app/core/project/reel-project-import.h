/* reel-project-import.h: media files imported into a project
 *
 * An import stores a file in NAME.media/ off the main thread (copied, or
 * moved when it is a worker's output), then records it on the main thread:
 * as a take of a shot, where a still image becomes the shot's board, or as a
 * music track. A file Storyreel cannot use is refused before anything is
 * recorded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-media-store.h"
#include "reel-project.h"

G_BEGIN_DECLS

/* Builds the take that records @media, a file already in the store, with
 * the media fields of @media and @thumbnail (without one, a still is its own
 * thumbnail). Backend, model, prompt, seed, params, cost, currency and job id
 * come from @template when it has them; what it leaves unset is that of an
 * import of @source_name. Refuses audio with REEL_MEDIA_ERROR_UNSUPPORTED.
 * Touches no project, so a worker may call it. */
ReelTake *reel_take_new_for_media (const ReelTake      *template_or_null,
                                   const ReelMediaInfo *media,
                                   const ReelMediaInfo *thumbnail,
                                   const char          *source_name,
                                   GError             **error);

/* Stores @file and records it as a take of @shot_id (not undoable: like a
 * generated take, it records work done). @flags: REEL_MEDIA_ADD_COPY for a
 * user's file, REEL_MEDIA_ADD_MOVE to consume it. */
void reel_project_import_take_async (ReelProject        *self,
                                     gint64              shot_id,
                                     GFile              *file,
                                     const ReelTake     *template_or_null,
                                     ReelMediaAddFlags   flags,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
/* Returns the new take's id, or 0 with @error set. */
gint64 reel_project_import_take_finish (ReelProject *self, GAsyncResult *result, GError **error);

/* Stores the frame shown at @at_seconds of take @take_id (clamped to the
 * take, so G_MAXDOUBLE is its last frame) as a still take of @shot_id,
 * which makes it the shot's board: the start image of image-to-video. The
 * frame is decoded and written in a worker thread. */
void reel_project_import_frame_async (ReelProject        *self,
                                      gint64              shot_id,
                                      gint64              take_id,
                                      double              at_seconds,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
/* Returns the new take's id, or 0 with @error set. */
gint64 reel_project_import_frame_finish (ReelProject *self, GAsyncResult *result, GError **error);

/* Copies @file into the store and adds it as a music track (an undoable
 * edit). Refuses a file without sound. */
void reel_project_import_music_async (ReelProject        *self,
                                      GFile              *file,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
/* Returns the new music track's id, or 0 with @error set. */
gint64 reel_project_import_music_finish (ReelProject *self, GAsyncResult *result, GError **error);

/* Copies a still image into the store for a character sheet; records
 * nothing, as the sheet's save is the undoable edit. Refuses anything but a
 * still image. */
void reel_project_import_reference_image_async (ReelProject        *self,
                                                GFile              *file,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
/* Returns the image's media path (transfer full), or NULL with @error set. */
char *reel_project_import_reference_image_finish (ReelProject  *self,
                                                  GAsyncResult *result,
                                                  GError      **error);

G_END_DECLS
