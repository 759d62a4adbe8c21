/* reel-timeline-view.h: the tracks of the cut, drawn, with their editing gestures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-cut.h"
#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_TIMELINE_VIEW (reel_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (ReelTimelineView, reel_timeline_view, REEL, TIMELINE_VIEW, GtkWidget)

/* Pixels per second. */
#define REEL_TIMELINE_DEFAULT_ZOOM 48.0
#define REEL_TIMELINE_MIN_ZOOM 4.0
#define REEL_TIMELINE_MAX_ZOOM 960.0

GtkWidget *reel_timeline_view_new (void);

/* Edits made in the view (trims, transitions, cues, music, markers, order)
 * go to @project as undoable edits; the view shows them once the owner
 * hands it the cut built again. */
void reel_timeline_view_set_project (ReelTimelineView *self, ReelProject *project);
/* Shows a copy of @cut (NULL: nothing). */
void           reel_timeline_view_set_cut (ReelTimelineView *self, const ReelCut *cut);
const ReelCut *reel_timeline_view_get_cut (ReelTimelineView *self);

/* The playhead, in seconds. Setting it does not emit ::seek. */
void   reel_timeline_view_set_position (ReelTimelineView *self, double seconds);
double reel_timeline_view_get_position (ReelTimelineView *self);
/* What a click or drag on the ruler does: moves the playhead and emits
 * ::seek (seconds) for the preview to follow. */
void reel_timeline_view_scrub (ReelTimelineView *self, double seconds);

void   reel_timeline_view_set_zoom (ReelTimelineView *self, double pixels_per_second);
double reel_timeline_view_get_zoom (ReelTimelineView *self);
/* Where @seconds into the cut is drawn, in the view's x. */
double reel_timeline_view_time_to_x (ReelTimelineView *self, double seconds);

/* The shot whose clip is selected (0: none). */
gint64 reel_timeline_view_get_selected_shot (ReelTimelineView *self);
void   reel_timeline_view_set_selected_shot (ReelTimelineView *self, gint64 shot_id);

/* One clip per item of the cut, in order. */
guint reel_timeline_view_get_n_clips (ReelTimelineView *self);
gboolean
reel_timeline_view_get_clip_bounds (ReelTimelineView *self, guint index, graphene_rect_t *bounds);
/* Where cue @index of the cut (in time order) is drawn, in the view's
 * coordinates; FALSE if there is no such cue. */
gboolean
reel_timeline_view_get_cue_bounds (ReelTimelineView *self, guint index, graphene_rect_t *bounds);
/* Where music track @index is drawn: from its start to where it stops
 * playing, its own end or the film's; FALSE if there is no such track. */
gboolean
reel_timeline_view_get_music_bounds (ReelTimelineView *self, guint index, graphene_rect_t *bounds);
/* How long the file of music track @index plays, in seconds; 0 until the
 * view has read it (or when it cannot). */
double reel_timeline_view_get_music_length (ReelTimelineView *self, guint index);
/* The labels of the ruler as drawn at the view's width, left to right:
 * how many, and label @index with where it is drawn (NULL if none). */
guint reel_timeline_view_get_n_ruler_labels (ReelTimelineView *self);
char *
reel_timeline_view_dup_ruler_label (ReelTimelineView *self, guint index, graphene_rect_t *bounds);
/* Where the playhead's knob is drawn on the ruler. */
void reel_timeline_view_get_playhead_bounds (ReelTimelineView *self, graphene_rect_t *bounds);
/* Whether the clip shows the shot's animatic card (the shot has no take). */
gboolean reel_timeline_view_clip_is_animatic (ReelTimelineView *self, guint index);
/* How many thumbnails have been decoded for the clip strips so far. */
guint reel_timeline_view_get_n_thumbnails (ReelTimelineView *self);
/* Whether a worker is decoding thumbnails for the clips in sight. */
gboolean reel_timeline_view_get_loading_thumbnails (ReelTimelineView *self);
/* Whether clip @index is drawn with a decoded frame, not only its colour. */
gboolean reel_timeline_view_clip_shows_thumbnail (ReelTimelineView *self, guint index);
/* Keeps at most @max_bytes of decoded thumbnails (32 MB unless set), and
 * decodes again those in sight: for tests, which make a feature's screen
 * outgrow it with fewer clips. */
void reel_timeline_view_set_thumbnail_cache_size (ReelTimelineView *self, gsize max_bytes);

/* Opens the popover of the cut into @shot_id, as a click on the cut does. */
void reel_timeline_view_edit_transition (ReelTimelineView *self, gint64 shot_id);
/* Opens the popover of @marker_id, as a click on the marker does. */
void reel_timeline_view_edit_marker (ReelTimelineView *self, gint64 marker_id);
/* The popover the view shows, for tests. (transfer none) */
GtkPopover *reel_timeline_view_get_popover (ReelTimelineView *self);

G_END_DECLS
