/* reel-timeline-view-private.h
 *
 * What the files of ReelTimelineView share: its struct, the layout of its
 * tracks and the geometry every part of it measures with.
 *
 *   reel-timeline-view.c             the widget: properties, size, popovers, public API
 *   reel-timeline-view-draw.c        the snapshot of the tracks
 *   reel-timeline-view-input.c       hit testing, clicks, drags, the pointer and the wheel
 *   reel-timeline-view-actions.c     the "clip.*", "cue.*", "music.*" and "marker.*" actions
 *   reel-timeline-view-thumbnails.c  the frames of the clip strips and the lengths of the music,
 *                                    read off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-image-cache.h"
#include "reel-timeline-view.h"

G_BEGIN_DECLS

#define PAD_X 16.0
#define END_ROOM 48.0
#define RULER_H 28.0
#define TRACK_GAP 6.0
#define VIDEO_Y (RULER_H + 8.0)
#define VIDEO_H 64.0
#define CAPTION_Y (VIDEO_Y + VIDEO_H + TRACK_GAP)
#define CAPTION_H 28.0
#define MUSIC_Y (CAPTION_Y + CAPTION_H + TRACK_GAP)
#define MUSIC_H 26.0
#define MUSIC_GAP 4.0
#define BOTTOM_PAD 10.0
#define EDGE_GRAB 6.0
#define KNOB_R 8.0
/* The playhead's knob sits in the ticks at the foot of the ruler, under the
 * labels along its top, so it never hides the time it is at. */
#define PLAYHEAD_KNOB_W 12.0
#define PLAYHEAD_KNOB_H 10.0
#define RULER_LABEL_Y 1.0
#define DRAG_THRESHOLD 6.0
#define CLIP_RADIUS 6.0
#define THUMB_H (VIDEO_H - 4.0)

typedef enum
{
  HIT_NONE,
  HIT_RULER,
  HIT_CLIP,
  HIT_CLIP_START,
  HIT_CLIP_END,
  HIT_CUT,
  HIT_CUE,
  HIT_CUE_START,
  HIT_CUE_END,
  HIT_MUSIC,
  HIT_MARKER,
} HitKind;

typedef struct
{
  HitKind kind;
  guint   index;
} Hit;

struct _ReelTimelineView
{
  GtkWidget parent_instance;

  ReelProject *project;
  ReelCut     *cut;
  double       position;
  double       zoom;
  gint64       selected_shot;

  /* Dragging */
  Hit      drag_hit;
  gboolean drag_moved;
  double   drag_start_x;
  double   drag_start_y;
  double   drag_dx;

  GtkPopover *popover;

  /* Thumbnails, keyed "path\x1fmilliseconds": the decoded ones in a bounded
   * cache, and those that cannot be decoded, so they are not asked for
   * again. Only the frames of the clips in sight are asked for, at most
   * half a cache of them. */
  ReelImageCache *thumbnails;
  GHashTable     *thumbnails_failed;
  GHashTable     *thumbnails_wanted;
  /* The frames the clips in sight show, at most as many as half the cache
   * holds (nullable): the only ones drawn. */
  GHashTable *thumbnails_shown;
  /* The cache's size, and the size of the largest frame decoded so far. */
  gsize         thumbnails_budget;
  gsize         thumbnail_bytes;
  GCancellable *cancellable;
  gboolean      decoding;
  guint         n_thumbnails;
  /* How long each music file plays: absolute path → gdouble* seconds, 0
   * while it is being read or when it cannot be. */
  GHashTable *music_lengths;
  /* The viewport's, while the view scrolls in one: what is in sight. */
  GtkAdjustment *hadjustment;
};

/* A label of the ruler: a whole second, and where it is drawn. */
typedef struct
{
  double          seconds;
  char           *text;
  graphene_rect_t bounds;
} RulerLabel;

/* Geometry: where things are drawn, in the view's coordinates */

static inline double
time_to_x (ReelTimelineView *self, double seconds)
{
  return PAD_X + seconds * self->zoom;
}

static inline double
x_to_time (ReelTimelineView *self, double x)
{
  return MAX (0.0, (x - PAD_X) / self->zoom);
}

static inline double
film_duration (ReelTimelineView *self)
{
  return self->cut != NULL ? self->cut->duration : 0;
}

static inline guint
n_items (ReelTimelineView *self)
{
  return self->cut != NULL ? self->cut->items->len : 0;
}

static inline ReelCutItem *
item_at (ReelTimelineView *self, guint index)
{
  return g_ptr_array_index (self->cut->items, index);
}

static inline guint
n_music (ReelTimelineView *self)
{
  return self->cut != NULL ? self->cut->music->len : 0;
}

static inline graphene_rect_t
clip_rect (ReelTimelineView *self, guint index)
{
  ReelCutItem *item = item_at (self, index);

  return GRAPHENE_RECT_INIT (time_to_x (self, item->start), VIDEO_Y, item->duration * self->zoom,
                             VIDEO_H);
}

/* The knob of the cut into item @index: at the cut, or in the middle of the
 * crossfade. */
static inline graphene_point_t
cut_knob (ReelTimelineView *self, guint index)
{
  ReelCutItem *item = item_at (self, index);
  double       t = item->start;

  if (item->transition == REEL_TRANSITION_CROSSFADE && item->transition_duration > 0)
    t += item->transition_duration / 2;
  return GRAPHENE_POINT_INIT (time_to_x (self, t), VIDEO_Y + VIDEO_H - KNOB_R - 3);
}

static inline graphene_rect_t
cue_rect (ReelTimelineView *self, guint index)
{
  ReelCutCue *cue = g_ptr_array_index (self->cut->cues, index);

  return GRAPHENE_RECT_INIT (time_to_x (self, cue->start), CAPTION_Y,
                             MAX (cue->duration * self->zoom, 2.0), CAPTION_H);
}

/* reel-timeline-view.c: the part of the view in sight, in its own x
 * coordinates: the page of the viewport it scrolls in, else all of it. */
void _reel_timeline_view_visible_x (ReelTimelineView *self, double *x0, double *x1);

/* The clips that may show between @x0 and @x1, as the range [*first, *end)
 * of the cut's items: found by binary search on their start times, so a
 * feature's thousands of clips cost nothing out of sight. */
void _reel_timeline_view_clips_between (
    ReelTimelineView *self, double x0, double x1, guint *first, guint *end);
/* The same for the caption cues, also in time order. */
void _reel_timeline_view_cues_between (
    ReelTimelineView *self, double x0, double x1, guint *first, guint *end);

/* reel-timeline-view-thumbnails.c: seconds, or 0 while not known. */
double _reel_timeline_view_music_length (ReelTimelineView *self, const char *path);

/* Music plays once from its start, until its own end or the film's. Until
 * its length is known it is drawn to the film's end. */
static inline graphene_rect_t
music_rect (ReelTimelineView *self, guint index)
{
  ReelMusicTrack *music = g_ptr_array_index (self->cut->music, index);
  double          film = film_duration (self);
  double          start = MIN (music->start_offset, film);
  double          length = _reel_timeline_view_music_length (self, music->path);
  double          end = length > 0 ? MIN (film, start + length) : film;

  return GRAPHENE_RECT_INIT (time_to_x (self, start), MUSIC_Y + index * (MUSIC_H + MUSIC_GAP),
                             MAX ((end - start) * self->zoom, 4.0), MUSIC_H);
}

static inline graphene_rect_t
playhead_knob (ReelTimelineView *self)
{
  double x = round (time_to_x (self, self->position));

  return GRAPHENE_RECT_INIT (x - PLAYHEAD_KNOB_W / 2, RULER_H - PLAYHEAD_KNOB_H - 1,
                             PLAYHEAD_KNOB_W, PLAYHEAD_KNOB_H);
}

/* Where a clip dropped at @pointer_x lands: before the first clip whose
 * middle is past it (n_items() at the end). */
static inline guint
clip_drop_slot (ReelTimelineView *self, double pointer_x)
{
  guint slot = 0;

  for (guint i = 0; i < n_items (self); i++)
    {
      graphene_rect_t other = clip_rect (self, i);
      if (pointer_x > other.origin.x + other.size.width / 2)
        slot = i + 1;
    }
  return slot;
}

static inline ReelCutItem *
item_of_shot (ReelTimelineView *self, gint64 shot_id)
{
  for (guint i = 0; i < n_items (self); i++)
    if (item_at (self, i)->shot_id == shot_id)
      return item_at (self, i);
  return NULL;
}

static inline ReelMarker *
find_marker (ReelTimelineView *self, gint64 marker_id)
{
  for (guint i = 0; self->cut != NULL && i < self->cut->markers->len; i++)
    {
      ReelMarker *marker = g_ptr_array_index (self->cut->markers, i);
      if (marker->id == marker_id)
        return marker;
    }
  return NULL;
}

/* reel-timeline-view.c */
void _reel_timeline_view_edit_cue (ReelTimelineView *self, guint index);
void _reel_timeline_view_edit_music (ReelTimelineView *self, guint index);

/* reel-timeline-view-draw.c */
void _reel_timeline_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot);
/* The labels of the ruler across @width, left to right, from the last one
 * before @from_x to the last one before @to_x: a GArray of RulerLabel that
 * frees their text. @out_step (nullable) receives the seconds from one label
 * to the next. */
GArray *_reel_timeline_view_ruler_labels (
    ReelTimelineView *self, double from_x, double to_x, double width, gint64 *out_step);

/* reel-timeline-view-input.c */
void _reel_timeline_view_class_input_init (ReelTimelineViewClass *klass);

/* reel-timeline-view-actions.c */
void _reel_timeline_view_class_actions_init (ReelTimelineViewClass *klass);

/* reel-timeline-view-thumbnails.c */
void _reel_timeline_view_init_thumbnails (ReelTimelineView *self);
/* Keeps at most @max_bytes of decoded frames, forgetting those decoded. */
void _reel_timeline_view_set_thumbnail_budget (ReelTimelineView *self, gsize max_bytes);
/* Reads the lengths of the cut's music files not known yet, off the main thread. */
void  _reel_timeline_view_request_music_lengths (ReelTimelineView *self);
void  _reel_timeline_view_request_thumbnails (ReelTimelineView *self);
guint _reel_timeline_view_clip_frame_times (ReelTimelineView *self,
                                            ReelCutItem      *item,
                                            double           *times,
                                            guint             max);
GdkTexture *
_reel_timeline_view_lookup_thumbnail (ReelTimelineView *self, ReelCutItem *item, double seconds);

G_END_DECLS
