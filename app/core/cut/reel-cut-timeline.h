/* reel-cut-timeline.h: the cut as a GES timeline, for preview and export
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

#include "reel-cut.h"

G_BEGIN_DECLS

#define REEL_CUT_TIMELINE_ERROR (reel_cut_timeline_error_quark ())
GQuark reel_cut_timeline_error_quark (void);

typedef enum
{
  REEL_CUT_TIMELINE_ERROR_EMPTY,   /* no shots */
  REEL_CUT_TIMELINE_ERROR_MEDIA,   /* a media file cannot be used */
  REEL_CUT_TIMELINE_ERROR_INVALID, /* bad options */
} ReelCutTimelineError;

typedef enum
{
  REEL_LABEL_POSITION_NONE, /* no visible label */
  REEL_LABEL_POSITION_TOP_LEFT,
  REEL_LABEL_POSITION_TOP_RIGHT,
  REEL_LABEL_POSITION_BOTTOM_LEFT,
  REEL_LABEL_POSITION_BOTTOM_RIGHT,
} ReelLabelPosition;

/* "none", "top-left", "top-right", "bottom-left", "bottom-right" */
const char *reel_label_position_to_string (ReelLabelPosition position);
gboolean    reel_label_position_from_string (const char *str, ReelLabelPosition *position);

typedef struct
{
  guint    width;  /* 0: the cut's */
  guint    height; /* 0: the cut's */
  guint    fps;    /* 0: the cut's */
  gboolean burn_captions;
  /* Where the "AI-generated" label goes when the cut holds AI-generated shots. */
  ReelLabelPosition ai_label_position;
  /* For a part of a film rendered on its own: the whole film holds
   * AI-generated shots, so the label is drawn whatever this part holds. */
  gboolean ai_generated_film;
  /* Another audio file mixed in from the start, at full volume; may be NULL. */
  const char *extra_music;
  /* Only the sound: the takes' audio and the music, silence in between, for
   * an export that copies the picture. */
  gboolean audio_only;
} ReelTimelineOptions;

/* Burned captions off, the label at the bottom right, the cut's size and rate. */
void reel_timeline_options_init (ReelTimelineOptions *options);

/* Discovers the media files the timeline of @cut with @options will use
 * (takes, cards, music), all at once and without blocking: GES looks at
 * each on the thread-default main context. Afterwards they are in GES's
 * cache, so reel_cut_build_timeline() does not wait on discovery. A file
 * that cannot be used is not an error here; building the timeline reports
 * it. Fails only when @cancellable is cancelled. */
void     reel_cut_load_assets_async (const ReelCut             *cut,
                                     const ReelTimelineOptions *options,
                                     GCancellable              *cancellable,
                                     GAsyncReadyCallback        callback,
                                     gpointer                   user_data);
gboolean reel_cut_load_assets_finish (GAsyncResult *result, GError **error);

/* Builds the timeline on the main thread: every item must have media (see
 * reel_cut_render_missing()). The timeline is committed. A file whose asset
 * is not loaded yet is discovered here, blocking: load them first with
 * reel_cut_load_assets_async(). */
GESTimeline *
reel_cut_build_timeline (const ReelCut *cut, const ReelTimelineOptions *options, GError **error);

/* (transfer none): the pad of @timeline's video track, where what is drawn
 * over the picture (captions, the logo) is attached; NULL without one. */
GstPad *reel_cut_timeline_get_video_pad (GESTimeline *timeline);

/* The nanosecond time of @frames at @fps. */
GstClockTime reel_frames_to_time (gint64 frames, guint fps);

G_END_DECLS
