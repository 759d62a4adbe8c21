/* cut-fixtures.h: media made on the spot for the cut and export tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-cut.h"
#include "reel-exporter.h"

G_BEGIN_DECLS

/* Writes an H.264 MP4 of one solid colour (0xRRGGBB), with an AAC sine tone
 * when @with_audio. */
void reel_fixture_make_solid_take (const char *path,
                                   guint32     rgb,
                                   guint       width,
                                   guint       height,
                                   guint       fps,
                                   double      seconds,
                                   gboolean    with_audio);
/* A WAV of a loud sine tone. */
void reel_fixture_make_tone (const char *path, double seconds);

/* Adds an item showing @path, a whole take of @seconds. */
ReelCutItem *
reel_fixture_add_item (ReelCut *cut, const char *path, double seconds, const char *backend);

/* How long an export of the tests' few seconds of film may take. */
#define REEL_FIXTURE_EXPORT_TIMEOUT_MS 120000

/* Runs the export to its end in the default main context; fails the test
 * after REEL_FIXTURE_EXPORT_TIMEOUT_MS. */
gboolean reel_fixture_export (ReelCut                 *cut,
                              const ReelExportOptions *options,
                              const char              *output,
                              gboolean                *stream_copied,
                              GError                 **error);

/* The colour at the centre of the frame shown at @seconds, as 0xRRGGBB. */
guint32 reel_fixture_frame_colour (const char *path, double seconds);
/* Whether two colours are within @tolerance on each channel. */
gboolean reel_fixture_colour_near (guint32 a, guint32 b, guint tolerance);

/* Every file in @dir, for checking nothing was left behind. */
char **reel_fixture_list_dir (const char *dir);

G_END_DECLS
