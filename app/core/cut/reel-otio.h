/* reel-otio.h: OpenTimelineIO export of the cut
 *
 * Written for the widest compatibility across OTIO versions: Clip.1 with an
 * ExternalReference.1, Gap.1 where a shot has no media yet, Transition.1
 * (SMPTE_Dissolve) for crossfades, and Marker.2 carrying both "marked_range"
 * and the older "range" key. Storyreel's own data (shot, take, provenance,
 * captions) goes under the "storyreel" metadata key. Works on any thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-cut.h"

G_BEGIN_DECLS

/* The timeline as OTIO JSON, pretty-printed. */
char *reel_otio_to_string (const ReelCut *cut);

/* Writes atomically: a failed write leaves no file under @path. */
gboolean reel_otio_write (const ReelCut *cut, const char *path, GError **error);

G_END_DECLS
