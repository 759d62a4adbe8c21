/* reel-timeline-view-input.c
 *
 * What the pointer does on the timeline. A press finds the part under it
 * (hit_test): the ruler scrubs, a clip is selected. A click opens the
 * editor of a cut, cue, music row or marker; a drag past a few pixels moves
 * a clip, trims an edge or times a cue, and lands on whole frames through
 * the view's actions when released. Ctrl and the wheel zoom.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <math.h>

#include "reel-timeline-view-private.h"

/* Hit testing */

static gboolean
rect_contains (const graphene_rect_t *rect, double x, double y)
{
  return x >= rect->origin.x && x < rect->origin.x + rect->size.width && y >= rect->origin.y
         && y < rect->origin.y + rect->size.height;
}

typedef enum
{
  SPAN_OUTSIDE,
  SPAN_START,
  SPAN_END,
  SPAN_BODY,
} SpanPart;

/* Whether one span ends where the next begins (to the pixel). */
static gboolean
spans_meet (double end, double next_start)
{
  return fabs (end - next_start) < 1.0;
}

/* Which part of a clip or cue drawn at @rect the pointer at @x (already
 * inside its row) takes. An edge can be grabbed a little outside the span,
 * except where a neighbour touches it: there the side of the join decides,
 * so both edges of a cut between two clips can be reached. A span too narrow
 * for two handles keeps only its end, so it can be made longer. */
static SpanPart
span_part (double x, const graphene_rect_t *rect, gboolean joined_before, gboolean joined_after)
{
  double start = rect->origin.x;
  double end = rect->origin.x + rect->size.width;

  if (x < start - (joined_before ? 0 : EDGE_GRAB / 2))
    return SPAN_OUTSIDE;
  if (joined_after ? x >= end : x > end + EDGE_GRAB / 2)
    return SPAN_OUTSIDE;
  if (rect->size.width > 3 * EDGE_GRAB && x - start <= EDGE_GRAB)
    return SPAN_START;
  if (end - x <= EDGE_GRAB)
    return SPAN_END;
  return SPAN_BODY;
}

/* Where span @index of a row (a clip, a cue) is drawn. */
typedef graphene_rect_t (*SpanRectFunc) (ReelTimelineView *self, guint index);

/* Which part of span @index, in a row of @n spans that @span_rect places,
 * the pointer at @x takes; its neighbours decide whether its edges are
 * joined. */
static SpanPart
row_span_part (ReelTimelineView *self, SpanRectFunc span_rect, guint n, guint index, double x)
{
  graphene_rect_t rect = span_rect (self, index);
  gboolean        joined_before = FALSE, joined_after = FALSE;

  if (index > 0)
    {
      graphene_rect_t before = span_rect (self, index - 1);
      joined_before = spans_meet (before.origin.x + before.size.width, rect.origin.x);
    }
  if (index + 1 < n)
    joined_after
        = spans_meet (rect.origin.x + rect.size.width, span_rect (self, index + 1).origin.x);

  return span_part (x, &rect, joined_before, joined_after);
}

/* What @part of span @index is, as the kinds of its row name them. */
static Hit
span_hit (SpanPart part, HitKind start, HitKind end, HitKind body, guint index)
{
  switch (part)
    {
      case SPAN_START:
        return (Hit){ start, index };
      case SPAN_END:
        return (Hit){ end, index };
      case SPAN_BODY:
        return (Hit){ body, index };
      case SPAN_OUTSIDE:
      default:
        return (Hit){ HIT_NONE, 0 };
    }
}

/* On the ruler: a marker's flag, else the ruler itself. */
static Hit
hit_ruler (ReelTimelineView *self, double x, double y)
{
  for (guint i = 0; i < self->cut->markers->len; i++)
    {
      ReelMarker *marker = g_ptr_array_index (self->cut->markers, i);

      if (fabs (x - time_to_x (self, marker->time)) <= 7 && y >= RULER_H - 16)
        return (Hit){ HIT_MARKER, i };
    }
  return (Hit){ HIT_RULER, 0 };
}

/* On the video track: the knob of a cut, else an edge or the body of a clip. */
static Hit
hit_video (ReelTimelineView *self, double x, double y)
{
  guint first, end;

  /* Only the clips near the pointer: a knob or an edge reaches this far. */
  _reel_timeline_view_clips_between (self, x - KNOB_R - EDGE_GRAB, x + KNOB_R + EDGE_GRAB, &first,
                                     &end);
  for (guint i = MAX (first, 1); i < end; i++)
    {
      graphene_point_t knob = cut_knob (self, i);

      if (hypot (x - knob.x, y - knob.y) <= KNOB_R + 2)
        return (Hit){ HIT_CUT, i };
    }
  /* Later clips lie over earlier ones in a crossfade. */
  for (guint i = end; i > first; i--)
    {
      SpanPart part = row_span_part (self, clip_rect, n_items (self), i - 1, x);

      if (part != SPAN_OUTSIDE)
        return span_hit (part, HIT_CLIP_START, HIT_CLIP_END, HIT_CLIP, i - 1);
    }
  return (Hit){ HIT_NONE, 0 };
}

/* On the caption track: an edge or the body of a cue. */
static Hit
hit_captions (ReelTimelineView *self, double x)
{
  guint n_cues = self->cut->cues->len;
  guint first, end;

  _reel_timeline_view_cues_between (self, x - EDGE_GRAB, x + EDGE_GRAB, &first, &end);
  for (guint i = first; i < end; i++)
    {
      SpanPart part = row_span_part (self, cue_rect, n_cues, i, x);

      if (part != SPAN_OUTSIDE)
        return span_hit (part, HIT_CUE_START, HIT_CUE_END, HIT_CUE, i);
    }
  return (Hit){ HIT_NONE, 0 };
}

/* Below the captions: a music row. */
static Hit
hit_music (ReelTimelineView *self, double x, double y)
{
  for (guint i = 0; i < n_music (self); i++)
    {
      graphene_rect_t rect = music_rect (self, i);

      if (rect_contains (&rect, x, y))
        return (Hit){ HIT_MUSIC, i };
    }
  return (Hit){ HIT_NONE, 0 };
}

/* The part of the view under (@x, @y), track by track from the top. */
static Hit
hit_test (ReelTimelineView *self, double x, double y)
{
  if (self->cut == NULL)
    return (Hit){ HIT_NONE, 0 };
  if (y < RULER_H)
    return hit_ruler (self, x, y);
  if (y >= VIDEO_Y && y < VIDEO_Y + VIDEO_H)
    return hit_video (self, x, y);
  if (y >= CAPTION_Y && y < CAPTION_Y + CAPTION_H)
    return hit_captions (self, x);
  return hit_music (self, x, y);
}

/* Gestures */

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, ReelTimelineView *self)
{
  self->drag_hit = hit_test (self, x, y);
  self->drag_moved = FALSE;
  self->drag_start_x = x;
  self->drag_start_y = y;
  self->drag_dx = 0;
  g_debug ("Pointer pressed on part %d #%u at %.1f, %.1f", self->drag_hit.kind,
           self->drag_hit.index, x, y);

  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));

  switch (self->drag_hit.kind)
    {
      case HIT_RULER:
        reel_timeline_view_scrub (self, x_to_time (self, x));
        break;
      case HIT_CLIP:
      case HIT_CLIP_START:
      case HIT_CLIP_END:
        reel_timeline_view_set_selected_shot (self, item_at (self, self->drag_hit.index)->shot_id);
        break;
      case HIT_CUE:
      case HIT_CUE_END:
      case HIT_CUE_START:
      case HIT_CUT:
      case HIT_MARKER:
      case HIT_MUSIC:
      case HIT_NONE:
      default:
        break;
    }
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, ReelTimelineView *self)
{
  if (!self->drag_moved && fabs (dx) < DRAG_THRESHOLD && fabs (dy) < DRAG_THRESHOLD)
    return;
  self->drag_moved = TRUE;
  self->drag_dx = dx;

  if (self->drag_hit.kind == HIT_RULER)
    reel_timeline_view_scrub (self, x_to_time (self, self->drag_start_x + dx));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Edits made by dragging land on whole frames, as in any editor: a pointer
 * moves by pixels, and a pixel is rarely a frame. */
static double
snap_to_frame (ReelTimelineView *self, double seconds)
{
  double fps = MAX (self->cut->fps, 1);

  return round (seconds * fps) / fps;
}

static void
finish_clip_drag (ReelTimelineView *self)
{
  ReelCutItem *item = item_at (self, self->drag_hit.index);
  double       delta = self->drag_dx / self->zoom;
  double       frame = 1.0 / MAX (self->cut->fps, 1);
  gboolean     whole_media
      = item->animatic_fallback || item->media_is_image || item->media_duration <= 0;

  switch (self->drag_hit.kind)
    {
      case HIT_CLIP:
        {
          guint slot = clip_drop_slot (self, self->drag_start_x + self->drag_dx);
          guint from = self->drag_hit.index;
          guint to = slot > from ? slot - 1 : slot;

          if (to != from)
            gtk_widget_activate_action (GTK_WIDGET (self), "clip.move", "(xu)", item->shot_id, to);
        }
        break;

      case HIT_CLIP_START:
        if (!whole_media)
          {
            double in_point
                = CLAMP (snap_to_frame (self, item->in_point + delta), 0, item->out_point - frame);
            gtk_widget_activate_action (GTK_WIDGET (self), "clip.set-trim", "(xdd)", item->shot_id,
                                        in_point, item->out_point);
          }
        break;

      case HIT_CLIP_END:
        if (whole_media)
          {
            /* A card or a still lasts as long as the shot: the drag sets that. */
            double duration = MAX (snap_to_frame (self, item->duration + delta), 0.25);

            gtk_widget_activate_action (GTK_WIDGET (self), "clip.set-duration", "(xd)",
                                        item->shot_id, duration);
          }
        else
          {
            double out_point = CLAMP (snap_to_frame (self, item->out_point + delta),
                                      item->in_point + frame, item->media_duration);
            /* Up to the end of the media: no trim at the end. */
            if (out_point >= item->media_duration - frame / 2)
              out_point = 0;
            gtk_widget_activate_action (GTK_WIDGET (self), "clip.set-trim", "(xdd)", item->shot_id,
                                        item->in_point, out_point);
          }
        break;

      case HIT_CUE:
      case HIT_CUE_END:
      case HIT_CUE_START:
      case HIT_CUT:
      case HIT_MARKER:
      case HIT_MUSIC:
      case HIT_NONE:
      case HIT_RULER:
      default:
        break;
    }
}

static void
finish_cue_drag (ReelTimelineView *self)
{
  ReelCutCue  *cue = g_ptr_array_index (self->cut->cues, self->drag_hit.index);
  ReelCutItem *item = item_of_shot (self, cue->shot_id);
  double       delta = self->drag_dx / self->zoom;
  double       start = cue->start - (item != NULL ? item->start : 0);
  double       duration = cue->duration;

  if (item == NULL)
    return;
  /* The dragged edge lands on a frame of the shot. */
  if (self->drag_hit.kind == HIT_CUE_START)
    {
      double new_start = CLAMP (snap_to_frame (self, start + delta), 0, start + duration - 0.1);
      duration -= new_start - start;
      start = new_start;
    }
  else
    duration = CLAMP (snap_to_frame (self, start + duration + delta) - start, 0.1,
                      item->duration - start);

  gtk_widget_activate_action (GTK_WIDGET (self), "cue.set-timing", "(xudd)", cue->shot_id,
                              cue->caption_index, start, duration);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, ReelTimelineView *self)
{
  Hit      hit = self->drag_hit;
  gboolean moved = self->drag_moved;

  self->drag_dx = moved ? dx : 0;
  g_debug ("Pointer released on part %d #%u after %.1f px%s", hit.kind, hit.index, dx,
           moved ? "" : " (a click)");

  if (self->cut != NULL && moved)
    {
      switch (hit.kind)
        {
          case HIT_CLIP:
          case HIT_CLIP_START:
          case HIT_CLIP_END:
            finish_clip_drag (self);
            break;
          case HIT_CUE_START:
          case HIT_CUE_END:
            finish_cue_drag (self);
            break;
          case HIT_CUE:
          case HIT_CUT:
          case HIT_MARKER:
          case HIT_MUSIC:
          case HIT_NONE:
          case HIT_RULER:
          default:
            break;
        }
    }
  else if (self->cut != NULL)
    {
      /* A click */
      switch (hit.kind)
        {
          case HIT_CUT:
            reel_timeline_view_edit_transition (self, item_at (self, hit.index)->shot_id);
            break;
          case HIT_CUE:
          case HIT_CUE_START:
          case HIT_CUE_END:
            _reel_timeline_view_edit_cue (self, hit.index);
            break;
          case HIT_MUSIC:
            _reel_timeline_view_edit_music (self, hit.index);
            break;
          case HIT_MARKER:
            reel_timeline_view_edit_marker (
                self, ((ReelMarker *) g_ptr_array_index (self->cut->markers, hit.index))->id);
            break;
          case HIT_NONE:
            if (self->drag_start_y >= VIDEO_Y)
              reel_timeline_view_set_selected_shot (self, 0);
            break;
          case HIT_CLIP:
          case HIT_CLIP_END:
          case HIT_CLIP_START:
          case HIT_RULER:
          default:
            break;
        }
    }

  self->drag_hit = (Hit){ HIT_NONE, 0 };
  self->drag_moved = FALSE;
  self->drag_dx = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, ReelTimelineView *self)
{
  const char *cursor = NULL;

  switch (hit_test (self, x, y).kind)
    {
      case HIT_CLIP_START:
      case HIT_CLIP_END:
      case HIT_CUE_START:
      case HIT_CUE_END:
        cursor = "col-resize";
        break;
      case HIT_CUT:
      case HIT_MARKER:
      case HIT_CUE:
      case HIT_MUSIC:
        cursor = "pointer";
        break;
      case HIT_CLIP:
        cursor = "grab";
        break;
      case HIT_RULER:
        cursor = "text";
        break;
      case HIT_NONE:
      default:
        break;
    }
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor);
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, ReelTimelineView *self)
{
  GdkModifierType state
      = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (!(state & GDK_CONTROL_MASK))
    return FALSE;
  reel_timeline_view_set_zoom (self, self->zoom * (dy < 0 ? 1.25 : 0.8));
  return TRUE;
}

void
_reel_timeline_view_class_input_init (ReelTimelineViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_bind_template_callback (widget_class, drag_begin_cb);
  gtk_widget_class_bind_template_callback (widget_class, drag_update_cb);
  gtk_widget_class_bind_template_callback (widget_class, drag_end_cb);
  gtk_widget_class_bind_template_callback (widget_class, motion_cb);
  gtk_widget_class_bind_template_callback (widget_class, scroll_cb);
}
