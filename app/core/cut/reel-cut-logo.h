/* reel-cut-logo.h: the brand logo drawn on the film's frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* GES 1.22's headers put const on returned values, which -Wextra reports in
 * every file that includes them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-qualifiers"
#include <ges/ges.h>
#pragma GCC diagnostic pop

#include "reel-project-logo.h"

G_BEGIN_DECLS

/* The logo's place in a @frame_width × @frame_height frame for an image of
 * @image_width × @image_height: @size of the frame's width wide but no
 * taller than half the frame, its aspect kept, a margin in from its
 * corner. */
void reel_cut_logo_get_rectangle (const ReelLogo *logo,
                                  int             frame_width,
                                  int             frame_height,
                                  int             image_width,
                                  int             image_height,
                                  int            *x,
                                  int            *y,
                                  int            *width,
                                  int            *height);

/* Draws @logo (its path must be set) on every frame of @timeline's video
 * output, in preview and export alike. The image is decoded once, in the
 * streaming thread, when the first frame comes. */
gboolean reel_cut_logo_attach (GESTimeline *timeline, const ReelLogo *logo, GError **error);

/* What decides the logo's pixels, as a string that stays the same across
 * runs: the image's content (its hash), corner, size and opacity; "none"
 * for NULL. For caches of rendered frames to key on. */
char *reel_cut_logo_dup_key (const ReelLogo *logo);

G_END_DECLS
