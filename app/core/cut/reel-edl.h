/* reel-edl.h: CMX3600 edit decision list of the cut
 *
 * One video event per shot, non-drop-frame timecode at the cut's frame rate,
 * the record side starting at 01:00:00:00. Crossfades are dissolves ("D" with
 * their length in frames), shots without media yet are black ("BL"), and
 * markers are "* LOC:" comments. Works on any thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-cut.h"

G_BEGIN_DECLS

/* "01:02:03:04" for @frames at @fps, non-drop frame. */
char *reel_edl_format_timecode (gint64 frames, guint fps);

char *reel_edl_to_string (const ReelCut *cut);

/* Writes atomically: a failed write leaves no file under @path. */
gboolean reel_edl_write (const ReelCut *cut, const char *path, GError **error);

G_END_DECLS
