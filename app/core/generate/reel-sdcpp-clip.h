/* reel-sdcpp-clip.h: a clip from stable-diffusion.cpp, made into one the film can use
 *
 * sd.cpp writes no MP4. Its clips are an AVI of JPEG frames (its own
 * writer), a WebM of VP8 frames, or an animated WebP, and a build without
 * WebM or WebP support writes the AVI whatever the name asked for. The cut
 * and the exporter expect H.264 in MP4, like every other take, so the clip
 * is converted by what it contains, not by its name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Worker thread. Encodes the clip at @input to H.264 in MP4 at @output,
 * timed at @fps (the rate the engine was asked for; an animated WebP keeps
 * only whole milliseconds). A file that is not a video, or has no frame,
 * fails with a PERMANENT REEL_BACKEND_ERROR whose message names @engine. */
gboolean reel_sdcpp_clip_convert (const char   *input,
                                  const char   *output,
                                  guint         fps,
                                  const char   *engine,
                                  GCancellable *cancellable,
                                  GError      **error);

G_END_DECLS
