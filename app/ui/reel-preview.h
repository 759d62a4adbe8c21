/* reel-preview.h: a GES timeline played into a GdkPaintable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-cut-timeline.h"

G_BEGIN_DECLS

#define REEL_TYPE_PREVIEW (reel_preview_get_type ())
G_DECLARE_FINAL_TYPE (ReelPreview, reel_preview, REEL, PREVIEW, GObject)

/* The environment variable that names the audio sink (e.g. "fakesink" in
 * tests); autoaudiosink, or fakesink when no audio device works, otherwise. */
#define REEL_PREVIEW_AUDIO_SINK_ENV "STORYREEL_PREVIEW_AUDIO_SINK"

ReelPreview *reel_preview_new (void);

/* Plays @timeline (a committed timeline whose video track is @width×@height
 * at @fps) from where the previous one was, playing or paused as before.
 * NULL stops and clears the picture. */
void reel_preview_set_timeline (
    ReelPreview *self, GESTimeline *timeline, guint width, guint height, guint fps);
GESTimeline *reel_preview_get_timeline (ReelPreview *self);

void     reel_preview_play (ReelPreview *self);
void     reel_preview_pause (ReelPreview *self);
gboolean reel_preview_get_playing (ReelPreview *self);
/* Frame-accurate: the frame shown at @seconds, clamped to the film. */
void reel_preview_seek (ReelPreview *self, double seconds);
/* Pauses, then moves @n_frames (negative: back). */
void reel_preview_step (ReelPreview *self, int n_frames);

double reel_preview_get_position (ReelPreview *self); /* seconds */
double reel_preview_get_duration (ReelPreview *self); /* seconds, 0 without a timeline */
guint  reel_preview_get_fps (ReelPreview *self);
/* The time of the frame on show, -1 before the first one. */
double reel_preview_get_frame_time (ReelPreview *self);
/* The frame on show, or NULL. (transfer none) */
GdkTexture *reel_preview_get_texture (ReelPreview *self);
/* Whether the pipeline has shown its first frame and can be controlled. */
gboolean reel_preview_get_ready (ReelPreview *self);
/* Why the preview cannot play, in plain words; NULL when all is well. */
const char *reel_preview_get_error (ReelPreview *self);

G_END_DECLS
