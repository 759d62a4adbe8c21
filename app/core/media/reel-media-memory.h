/* reel-media-memory.h: how the process allocates video frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Call once at start-up, before any thread is started. */
void reel_media_tune_allocator (void);
/* For a process that does little but encode films: freed encoder memory is
 * kept for the next encoder rather than handed back to the kernel, at the
 * cost of a larger resident size. */
void reel_media_tune_allocator_for_encoding (void);

G_END_DECLS
