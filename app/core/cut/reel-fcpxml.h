/* reel-fcpxml.h: Final Cut Pro XML 1.10 export of the cut
 *
 * One asset per media file, a project whose spine holds an asset-clip per shot
 * (a gap where a shot has no media yet) with Cross Dissolve transitions, the
 * captions as connected SRT captions, markers, and the music as a connected
 * audio clip. Times are exact rationals at the cut's frame rate. Works on any
 * thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-cut.h"

G_BEGIN_DECLS

/* "0s", "5s", "49/24s": @frames at @fps as an FCPXML time. */
char *reel_fcpxml_format_time (gint64 frames, guint fps);

char *reel_fcpxml_to_string (const ReelCut *cut);

/* Writes atomically: a failed write leaves no file under @path. */
gboolean reel_fcpxml_write (const ReelCut *cut, const char *path, GError **error);

G_END_DECLS
