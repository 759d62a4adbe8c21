/* reel-cut.h: the cut, the timeline derived from the plan
 *
 * A ReelCut is a plain snapshot built on the main thread from the project:
 * the chosen takes in shot order with their trims and transitions, caption
 * cues, music and markers. Once built it refers to nothing else, so exporters
 * and writers can use it from any thread. Export never changes the plan.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-animatic.h"
#include "reel-cut-enums.h"
#include "reel-project-cut.h"
#include "reel-project-logo.h"

G_BEGIN_DECLS

typedef struct
{
  gint64         shot_id;
  char          *shot_number; /* "1A" */
  char          *scene_heading;
  char          *text;
  ReelCameraMove camera;
  GPtrArray     *captions; /* ReelCaption* */

  /* The media shown: the chosen take, or NULL when the shot has none yet and
   * its animatic card stands in (see reel_cut_render_missing()). */
  char    *media_path; /* absolute */
  char    *media_sha256;
  gboolean media_is_image; /* a still: shown for the item's duration */
  double   media_duration; /* seconds; 0 for stills */
  guint    media_width;
  guint    media_height;
  double   media_fps;
  gboolean animatic_fallback; /* TRUE when media_path is a rendered card, not a take */

  /* Trims inside the media, in seconds. duration = out_point - in_point. */
  double in_point;
  double out_point;
  double duration;

  /* Where the item starts in the cut, after the transitions before it. */
  double start;
  /* The transition from the previous item into this one. */
  ReelTransition transition;
  double         transition_duration;

  /* Provenance of the take, for the AI label and the provenance sidecar. */
  gint64   take_id;
  char    *backend;
  char    *model;
  char    *prompt;
  gint64   seed;
  gboolean ai_generated;

  /* The shot's board image (absolute), drawn by its animatic card; may be NULL. */
  char *board_image_path;
  /* What the media file holds, as GStreamer caps names; filled by
   * reel_cut_probe_media(), NULL until then. */
  char *media_container;
  char *media_video_codec;
  char *media_audio_codec;
  char *media_video_caps; /* the full caps, to tell whether streams can be joined */
  char *media_audio_caps;
} ReelCutItem;

typedef struct
{
  gint64   shot_id;
  double   start; /* seconds in the cut */
  double   duration;
  char    *speaker; /* may be NULL */
  char    *text;
  gboolean timing_set; /* set by hand, not derived from reading speed */

  /* Which caption of the shot it shows (0-based, among all its captions), and
   * when set by hand, its timing relative to the start of the shot. */
  guint  caption_index;
  double set_start;
  double set_duration;
} ReelCutCue;

typedef struct
{
  char      *title;
  guint      width;
  guint      height;
  guint      fps;
  char      *language;
  double     duration;  /* of the whole cut, transitions overlapping */
  GPtrArray *items;     /* ReelCutItem* in order */
  GPtrArray *cues;      /* ReelCutCue* in time order */
  GPtrArray *music;     /* ReelMusicTrack* */
  GPtrArray *markers;   /* ReelMarker* in time order */
  char      *media_dir; /* the project's media directory, absolute */
  /* Whether animatic cards draw their shot's dialogue: for a film without
   * captions only, since captions show it already. FALSE by default. */
  gboolean cards_show_dialogue;
  /* The brand logo drawn on every frame (its path set), or NULL for none. */
  ReelLogo *logo;
} ReelCut;

ReelCut *reel_cut_new (void);
void     reel_cut_free (ReelCut *cut);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelCut, reel_cut_free)

ReelCutItem *reel_cut_item_new (void);
void         reel_cut_item_free (ReelCutItem *item);
ReelCutCue  *reel_cut_cue_new (void);
void         reel_cut_cue_free (ReelCutCue *cue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelCutItem, reel_cut_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelCutCue, reel_cut_cue_free)

ReelCut *reel_cut_copy (const ReelCut *cut);

/* Builds the cut from the project (main thread). */
ReelCut *reel_cut_new_from_project (ReelProject *project, GError **error);

/* Recomputes every item's start and the cut's duration from durations and
 * transitions, and derives the timing of cues not set by hand. */
void reel_cut_layout (ReelCut *cut);

/* Whether any item shows media made by a generative model (not imported
 * footage and not an animatic card). */
gboolean reel_cut_has_ai_generated (const ReelCut *cut);

/* The cue's text as shown: "SPEAKER: text" where it has a speaker, or
 * "SPEAKER：text" when the text is Chinese or Japanese. */
char *reel_cut_cue_dup_display_text (const ReelCutCue *cue);

/* Whether a take of @backend was made by a generative model. */
gboolean reel_backend_is_generative (const char *backend);

/* Called in the working thread; @fraction goes from 0 to 1. */
typedef void (*ReelCutProgressFunc) (double fraction, gpointer user_data);

/* Whether the shot's text is nothing but one of its speeches, as the
 * breakdown makes it for dialogue that no action precedes. */
gboolean reel_cut_item_text_is_dialogue (const ReelCutItem *item);

/* The animatic card that stands in for @item while it has no take: its
 * heading, number, camera move and text, and its dialogue where
 * cut->cards_show_dialogue. A shot that is nothing but a speech shows its
 * speakers while captions show the words. */
ReelAnimaticSpec *reel_cut_dup_animatic_spec (const ReelCut *cut, const ReelCutItem *item);

/* Renders the animatic card of every item without media (see
 * animatic_fallback) into a cache beside the media, MEDIA_DIR/.cache/ (reused
 * when the same card was rendered before), and points the item at it.
 * Synchronous: call it from a worker thread. */
gboolean reel_cut_render_missing (ReelCut            *cut,
                                  GCancellable       *cancellable,
                                  ReelCutProgressFunc progress,
                                  gpointer            user_data,
                                  GError            **error);

/* Reads the container and codecs of every item's media (GstDiscoverer, no
 * decoding). Synchronous: call it from a worker thread. */
gboolean reel_cut_probe_media (ReelCut *cut, GCancellable *cancellable, GError **error);

G_END_DECLS
