/* reel-media-store-private.h: what the media store's source files share
 *
 * The store spans reel-media-store.c (the GObject: temporary names, hashing,
 * verify-then-rename, the caches and the async import), reel-media-probe.c
 * (GstDiscoverer, ReelMediaInfo) and reel-media-frames.c (decoding single
 * frames, thumbnails). Only reel-media-store.c touches the object itself;
 * probing and frames work on paths.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "reel-media-store.h"

G_BEGIN_DECLS

/* Starts GStreamer if it is not yet; fails with UNSUPPORTED. */
gboolean reel_media_ensure_gstreamer (GError **error);

/* Takes @io_error, about @display_name, into the media domain; cancellation
 * stays a G_IO_ERROR_CANCELLED so that callers can recognise it. */
void reel_media_propagate_io_error (GError **error, GError *io_error, const char *display_name);
void reel_media_set_errno_error (GError **error, int saved_errno, const char *display_name);

/* Probes @path, naming it @display_name in errors; *extension (optional)
 * gets the extension its contents call for, or NULL. */
ReelMediaInfo *reel_media_probe_file (const char   *path,
                                      const char   *display_name,
                                      char        **extension,
                                      GCancellable *cancellable,
                                      GError      **error);

/* Decodes the frame at @at_seconds (clamped; stills have one) as native-endian
 * ARGB32 with square pixels. */
GstSample *reel_media_decode_frame_sample (const char   *path,
                                           const char   *display_name,
                                           double        at_seconds,
                                           GCancellable *cancellable,
                                           GError      **error);

G_END_DECLS
