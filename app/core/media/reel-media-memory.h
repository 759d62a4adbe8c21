/* reel-media-memory.h: how the process allocates video frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Call once at start-up, before any thread is started. */
void reel_media_tune_allocator (void);

G_END_DECLS
