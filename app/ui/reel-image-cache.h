/* reel-image-cache.h: pictures decoded in a worker, at the size they are
 * shown, kept in a bounded least-recently-used cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define REEL_TYPE_IMAGE_CACHE (reel_image_cache_get_type ())
G_DECLARE_FINAL_TYPE (ReelImageCache, reel_image_cache, REEL, IMAGE_CACHE, GObject)

/* A cache that keeps at most @max_bytes of decoded pixels. */
ReelImageCache *reel_image_cache_new (gsize max_bytes);
/* The picture of @path decoded to fit @size × @size pixels, if it is in the
 * cache (it then becomes the most recently used); never decodes.
 * Returns: (transfer none) (nullable): the texture */
GdkTexture *reel_image_cache_lookup (ReelImageCache *self, const char *path, int size);
/* Decodes @path to fit @size × @size pixels in a worker thread, unless it is
 * cached, and keeps it. A request cancelled before its turn is not decoded;
 * two requests for a picture not yet cached each decode it. */
void reel_image_cache_load_async (ReelImageCache     *self,
                                  const char         *path,
                                  int                 size,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
/* Returns: (transfer full): the texture, or NULL with @error set */
GdkTexture *
reel_image_cache_load_finish (ReelImageCache *self, GAsyncResult *result, GError **error);
/* Keeps @texture, decoded elsewhere, as the picture of @path at @size (a
 * key of the caller's, e.g. a video's frame at a time). */
void
reel_image_cache_insert (ReelImageCache *self, const char *path, int size, GdkTexture *texture);
/* How many pictures and how many bytes of pixels the cache holds. */
guint reel_image_cache_get_n_images (ReelImageCache *self);
gsize reel_image_cache_get_n_bytes (ReelImageCache *self);
/* How many pictures were decoded since the cache was made. */
guint reel_image_cache_get_n_decoded (ReelImageCache *self);

G_END_DECLS
