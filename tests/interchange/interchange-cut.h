/* interchange-cut.h: the sample cut every interchange test writes
 *
 * Four shots at 24 fps: 1A a video take (frames 0–36), 1B a second video
 * take crossfading in over 12 frames, 2A an animatic fallback without media,
 * 2B a still image. 114 frames in all. Chinese captions, two markers, music.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-cut.h"

G_BEGIN_DECLS

#define SAMPLE_FPS 24
#define SAMPLE_TOTAL_FRAMES 114
#define SAMPLE_N_ITEMS 4

typedef struct
{
  char *dir;
  char *video_a; /* 2 s, 160×90 */
  char *video_b;
  char *still; /* 320×180 PNG */
  char *music; /* a path only: no writer here reads it */
} SampleMedia;

/* Makes the media files in a fresh temporary directory. */
SampleMedia *sample_media_new (void);
void         sample_media_free (SampleMedia *media);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SampleMedia, sample_media_free)

/* The sample cut, laid out with reel_cut_layout(). @media may be NULL for
 * writers that never open the media: then the paths point nowhere. */
ReelCut *sample_cut_new (const SampleMedia *media);

/* Adds a caption cue set by hand at @start seconds in the cut, on the shot
 * @shot_id (0: none), which must be laid out already. */
void sample_cut_add_cue (ReelCut    *cut,
                         gint64      shot_id,
                         double      start,
                         double      duration,
                         const char *speaker,
                         const char *text);

/* Runs a program, returns its standard output, or NULL when it is not installed. */
char *sample_run_tool (const char *const *argv, int *exit_status);

G_END_DECLS
