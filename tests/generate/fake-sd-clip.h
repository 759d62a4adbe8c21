/* fake-sd-clip.h: clips as stable-diffusion.cpp writes them, for its fakes
 *
 * The fake sd-server and the fake sd-cli hand back what the real ones do: an
 * AVI of JPEG frames laid out byte for byte as sd.cpp's own writer does it
 * (create_mjpg_avi_from_sd_images_to_vector() in examples/common/media_io.cpp
 * at 97d2990), a WebM of VP8 frames, or an animated WebP made with libwebp's
 * WebPAnimEncoder, as sd.cpp makes it. The pictures are GStreamer's test
 * pattern.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @format: "avi", "webm" or "webp". Any thread; initialises GStreamer if
 * needed. */
GBytes *fake_sd_clip_make (
    const char *format, guint width, guint height, guint frames, guint fps, GError **error);

/* The frame count sd.cpp makes of @requested: the largest 4n+1 not above it
 * (34 → 33, 32 → 29), at least 1. */
guint fake_sd_clip_floor_frames (guint requested);

G_END_DECLS
