/* reel-timeline-view-draw.c
 *
 * The snapshot of the timeline: the ruler, the clips with their thumbnails
 * and shot numbers, the knobs of the cuts, the caption cues, the music rows,
 * the markers and the playhead. An edit being dragged is drawn as it will
 * land. Colours come from the libadwaita style sheet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-timeline-view-private.h"

/* Formatting */

static char *
format_seconds (double seconds)
{
  /* Translators: a length in seconds, e.g. "0.5 s" */
  return g_strdup_printf (_ ("%.1f s"), seconds);
}

/* A whole second on the ruler: "0:05", "1:00:05" past an hour. */
static char *
format_ruler_time (gint64 seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
                            seconds / 3600, seconds / 60 % 60, seconds % 60);
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, seconds / 60, seconds % 60);
}

/* Colours from the libadwaita style sheet, so the view follows dark mode
 * and the accent. */
static GdkRGBA
style_color (GtkWidget *widget, const char *name, const char *fallback)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA          color;

  if (!gtk_style_context_lookup_color (context, name, &color))
    gdk_rgba_parse (&color, fallback);
  return color;
}

/* A pointer to @color made more transparent, for the snapshot calls. */
#define ALPHA(c, a) (&(GdkRGBA){ (c).red, (c).green, (c).blue, (c).alpha * (a) })

/* Drawing */

static void
append_rounded (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect,
                double                 radius,
                const GdkRGBA         *color)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, rect,
                                   MIN (radius, MIN (rect->size.width, rect->size.height) / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, rect);
  gtk_snapshot_pop (snapshot);
}

static void
append_outline (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect,
                double                 radius,
                double                 width,
                const GdkRGBA         *color)
{
  GskRoundedRect rounded;
  float          widths[4] = { width, width, width, width };
  GdkRGBA        colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&rounded, rect,
                                   MIN (radius, MIN (rect->size.width, rect->size.height) / 2));
  gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
}

static void
append_text (ReelTimelineView *self,
             GtkSnapshot      *snapshot,
             const char       *text,
             double            x,
             double            y,
             double            max_width,
             gboolean          bold,
             gboolean          small,
             const GdkRGBA    *color)
{
  g_autoptr (PangoLayout) layout = NULL;
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();

  if (max_width < 8)
    return;

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  if (small)
    pango_attr_list_insert (attrs, pango_attr_scale_new (0.83));
  pango_layout_set_attributes (layout, attrs);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static int
text_width (ReelTimelineView *self, const char *text, gboolean bold, gboolean small)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();
  int width;

  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  if (small)
    pango_attr_list_insert (attrs, pango_attr_scale_new (0.83));
  pango_layout_set_attributes (layout, attrs);
  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

/* A small pill with text, as on video editors' clips. */
static void
append_badge (ReelTimelineView *self,
              GtkSnapshot      *snapshot,
              const char       *text,
              double            x,
              double            y,
              double            max_width,
              const GdkRGBA    *background,
              const GdkRGBA    *foreground)
{
  double          width = MIN (text_width (self, text, TRUE, TRUE) + 10.0, max_width);
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x, y, width, 17);

  if (width < 14)
    return;
  append_rounded (snapshot, &rect, 8.5, background);
  append_text (self, snapshot, text, x + 5, y + 1, width - 8, TRUE, TRUE, foreground);
}

static void
text_size (ReelTimelineView *self, const char *text, gboolean small, int *width, int *height)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();

  if (small)
    pango_attr_list_insert (attrs, pango_attr_scale_new (0.83));
  pango_layout_set_attributes (layout, attrs);
  pango_layout_get_pixel_size (layout, width, height);
}

/* Whole seconds from one label to the next, with room for the widest label:
 * a label never stands for a fraction of a second, so no second is named
 * twice. */
static gint64
ruler_step (ReelTimelineView *self, double label_width)
{
  static const gint64 steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * self->zoom >= label_width + 16)
      return steps[i];
  return 7200;
}

/* Ticks from one label to the next: a tick per frame when there is room for
 * them, else tenths, fifths, quarters or halves of the step. */
static guint
ruler_divisions (ReelTimelineView *self, gint64 step)
{
  guint       fps = self->cut != NULL ? MAX (self->cut->fps, 1) : 24;
  const guint candidates[] = { step == 1 ? fps : 1, 10, 5, 4, 2 };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] > 1 && step * self->zoom / candidates[i] >= 6)
      return candidates[i];
  return 1;
}

static void
clear_ruler_label (gpointer data)
{
  g_free (((RulerLabel *) data)->text);
}

GArray *
_reel_timeline_view_ruler_labels (
    ReelTimelineView *self, double from_x, double to_x, double width, gint64 *out_step)
{
  GArray          *labels = g_array_new (FALSE, TRUE, sizeof (RulerLabel));
  double           end = x_to_time (self, width);
  g_autofree char *widest = format_ruler_time ((gint64) ceil (MAX (end, 1)));
  int              label_width, label_height;
  gint64           step;

  g_array_set_clear_func (labels, clear_ruler_label);
  text_size (self, widest, TRUE, &label_width, &label_height);
  step = ruler_step (self, label_width);
  if (out_step != NULL)
    *out_step = step;

  /* From the last label before @from_x, whose text may reach past it. */
  for (gint64 seconds = MAX ((gint64) floor (x_to_time (self, from_x) / step) - 1, 0) * step;
       seconds <= end; seconds += step)
    {
      RulerLabel label = { 0 };
      double     x = floor (time_to_x (self, seconds)) + 0.5;
      int        text_width;

      if (x > to_x)
        break;
      label.seconds = seconds;
      label.text = format_ruler_time (seconds);
      text_size (self, label.text, TRUE, &text_width, NULL);
      label.bounds = GRAPHENE_RECT_INIT (x + 3, RULER_LABEL_Y, text_width, label_height);
      /* A label cut off at the edge would read as another time. */
      if (x + 3 + text_width > width)
        {
          g_free (label.text);
          break;
        }
      g_array_append_val (labels, label);
    }
  return labels;
}

static void
snapshot_ruler (ReelTimelineView *self,
                GtkSnapshot      *snapshot,
                double            x0,
                double            x1,
                double            width,
                const GdkRGBA    *fg)
{
  gint64 step = 1;
  g_autoptr (GArray) labels = _reel_timeline_view_ruler_labels (self, x0, x1, width, &step);
  guint   divisions = ruler_divisions (self, step);
  double  end = x_to_time (self, MIN (x1, width));
  GdkRGBA tick = *ALPHA (*fg, 0.35);
  GdkRGBA label = *ALPHA (*fg, 0.7);

  gtk_snapshot_append_color (snapshot, ALPHA (*fg, 0.04),
                             &GRAPHENE_RECT_INIT (0, 0, width, RULER_H));
  gtk_snapshot_append_color (snapshot, ALPHA (*fg, 0.12),
                             &GRAPHENE_RECT_INIT (0, RULER_H - 1, width, 1));

  /* Counted in ticks, not summed in seconds, so no rounding drifts; from
   * the first in sight. */
  for (gint64 k = (gint64) floor (x_to_time (self, x0) * divisions / step);; k++)
    {
      double   t = (double) k * step / divisions;
      double   x = floor (time_to_x (self, t)) + 0.5;
      gboolean major = k % divisions == 0;

      if (t > end)
        break;
      gtk_snapshot_append_color (
          snapshot, major ? &tick : ALPHA (*fg, 0.18),
          &GRAPHENE_RECT_INIT (x - 0.5, major ? RULER_H - 10 : RULER_H - 5, 1, major ? 9 : 4));
    }

  for (guint i = 0; i < labels->len; i++)
    {
      RulerLabel *at = &g_array_index (labels, RulerLabel, i);

      append_text (self, snapshot, at->text, at->bounds.origin.x, at->bounds.origin.y,
                   step * self->zoom - 6, FALSE, TRUE, &label);
    }
}

/* The clip's strip of frames, tiled across it; the shot's text while none
 * is decoded yet (or the card is not rendered yet). */
static void
snapshot_clip_frames (ReelTimelineView      *self,
                      GtkSnapshot           *snapshot,
                      ReelCutItem           *item,
                      const graphene_rect_t *rect)
{
  double      times[3];
  guint       n_times = _reel_timeline_view_clip_frame_times (self, item, times, 3);
  GdkTexture *first = NULL;
  double      tile_h = rect->size.height - 4;
  double      tile_w;
  guint       n_tiles;

  for (guint k = 0; k < n_times && first == NULL; k++)
    first = _reel_timeline_view_lookup_thumbnail (self, item, times[k]);

  if (first == NULL)
    {
      append_text (self, snapshot, item->text != NULL ? item->text : "", rect->origin.x + 8,
                   rect->origin.y + 26, rect->size.width - 16, FALSE, TRUE,
                   &(GdkRGBA){ 1, 1, 1, 0.75 });
      return;
    }

  tile_w = tile_h * gdk_texture_get_width (first) / MAX (gdk_texture_get_height (first), 1);
  n_tiles = (guint) ceil (rect->size.width / MAX (tile_w, 8));
  for (guint t = 0; t < n_tiles; t++)
    {
      double      x = rect->origin.x + t * tile_w;
      guint       k = MIN ((guint) ((t + 0.5) * n_times / MAX (n_tiles, 1)), n_times - 1);
      GdkTexture *texture = _reel_timeline_view_lookup_thumbnail (self, item, times[k]);

      if (texture == NULL)
        texture = first;
      gtk_snapshot_append_texture (snapshot, texture,
                                   &GRAPHENE_RECT_INIT (x, rect->origin.y + 2, tile_w, tile_h));
    }
  /* A little shade on top so the shot number stays legible. */
  gtk_snapshot_append_color (snapshot, &(GdkRGBA){ 0, 0, 0, 0.08 }, rect);
}

/* The clip's border: the accent with trim handles when it is selected. */
static void
snapshot_clip_border (ReelTimelineView      *self,
                      GtkSnapshot           *snapshot,
                      const graphene_rect_t *rect,
                      gboolean               selected)
{
  GdkRGBA accent = style_color (GTK_WIDGET (self), "accent_bg_color", "#3584e4");
  GdkRGBA white = { 1, 1, 1, 1 };

  if (!selected)
    {
      append_outline (snapshot, rect, CLIP_RADIUS, 1, &(GdkRGBA){ 0, 0, 0, 0.35 });
      return;
    }

  append_outline (snapshot, rect, CLIP_RADIUS, 2.5, &accent);
  /* Trim handles */
  append_rounded (
      snapshot,
      &GRAPHENE_RECT_INIT (rect->origin.x + 1, rect->origin.y + 14, 4, rect->size.height - 28), 2,
      &white);
  append_rounded (snapshot,
                  &GRAPHENE_RECT_INIT (rect->origin.x + rect->size.width - 5, rect->origin.y + 14,
                                       4, rect->size.height - 28),
                  2, &white);
}

static void
snapshot_clip (ReelTimelineView      *self,
               GtkSnapshot           *snapshot,
               guint                  index,
               const graphene_rect_t *rect,
               double                 alpha)
{
  ReelCutItem   *item = item_at (self, index);
  GdkRGBA        base = item->animatic_fallback ? (GdkRGBA){ 0.22, 0.24, 0.3, 1 }
                                                : (GdkRGBA){ 0.12, 0.12, 0.14, 1 };
  GdkRGBA        white = { 1, 1, 1, 1 };
  GdkRGBA        pill = { 0, 0, 0, 0.62 };
  GskRoundedRect rounded;

  if (alpha < 1)
    gtk_snapshot_push_opacity (snapshot, alpha);

  gsk_rounded_rect_init_from_rect (&rounded, rect, MIN (CLIP_RADIUS, rect->size.width / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &base, rect);
  snapshot_clip_frames (self, snapshot, item, rect);
  append_badge (self, snapshot, item->shot_number != NULL ? item->shot_number : "?",
                rect->origin.x + 5, rect->origin.y + 5, rect->size.width - 10, &pill, &white);
  if (item->animatic_fallback && rect->size.width > 90)
    append_badge (self, snapshot, _ ("Animatic"), rect->origin.x + 5,
                  rect->origin.y + rect->size.height - 22, rect->size.width - 30,
                  &(GdkRGBA){ 0.95, 0.75, 0.2, 0.9 }, &(GdkRGBA){ 0.1, 0.1, 0.1, 1 });
  gtk_snapshot_pop (snapshot);

  snapshot_clip_border (self, snapshot, rect, item->shot_id == self->selected_shot);

  if (alpha < 1)
    gtk_snapshot_pop (snapshot);
}

static void
snapshot_cut (ReelTimelineView *self, GtkSnapshot *snapshot, guint index, const GdkRGBA *fg)
{
  ReelCutItem     *item = item_at (self, index);
  graphene_point_t knob = cut_knob (self, index);
  GdkRGBA          bg = style_color (GTK_WIDGET (self), "view_bg_color", "#ffffff");
  GdkRGBA          accent = style_color (GTK_WIDGET (self), "accent_bg_color", "#3584e4");
  gboolean         crossfade
      = item->transition == REEL_TRANSITION_CROSSFADE && item->transition_duration > 0;
  GskRoundedRect circle;

  if (crossfade)
    {
      graphene_rect_t overlap = GRAPHENE_RECT_INIT (
          time_to_x (self, item->start), VIDEO_Y, item->transition_duration * self->zoom, VIDEO_H);
      g_autofree char *length = format_seconds (item->transition_duration);
      append_rounded (snapshot, &overlap, 3, ALPHA (accent, 0.35));
      append_outline (snapshot, &overlap, 3, 1.5, &accent);
      if (overlap.size.width > text_width (self, length, TRUE, TRUE) + 12)
        append_text (self, snapshot, length, overlap.origin.x + 4, VIDEO_Y + 4,
                     overlap.size.width - 6, TRUE, TRUE, &(GdkRGBA){ 1, 1, 1, 1 });
    }

  gsk_rounded_rect_init_from_rect (
      &circle, &GRAPHENE_RECT_INIT (knob.x - KNOB_R, knob.y - KNOB_R, 2 * KNOB_R, 2 * KNOB_R),
      KNOB_R);
  gtk_snapshot_push_rounded_clip (snapshot, &circle);
  gtk_snapshot_append_color (snapshot, crossfade ? &accent : &bg, &circle.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &circle, (float[4]){ 1.5, 1.5, 1.5, 1.5 },
                              (GdkRGBA[4]){ accent, accent, accent, accent });
  /* A cut is a bar, a crossfade a cross: the knob says which it is. */
  if (crossfade)
    {
      gtk_snapshot_append_color (snapshot, &(GdkRGBA){ 1, 1, 1, 1 },
                                 &GRAPHENE_RECT_INIT (knob.x - 4, knob.y - 0.75, 8, 1.5));
      gtk_snapshot_append_color (snapshot, &(GdkRGBA){ 1, 1, 1, 1 },
                                 &GRAPHENE_RECT_INIT (knob.x - 0.75, knob.y - 4, 1.5, 8));
    }
  else
    gtk_snapshot_append_color (snapshot, &accent,
                               &GRAPHENE_RECT_INIT (knob.x - 0.75, knob.y - 4, 1.5, 8));
  (void) fg;
}

static void
snapshot_cues (
    ReelTimelineView *self, GtkSnapshot *snapshot, double x0, double x1, const GdkRGBA *fg)
{
  GdkRGBA accent = style_color (GTK_WIDGET (self), "accent_color", "#1c71d8");
  GdkRGBA accent_bg = style_color (GTK_WIDGET (self), "accent_bg_color", "#3584e4");
  guint   first, end;

  _reel_timeline_view_cues_between (self, x0, x1, &first, &end);
  for (guint i = first; i < end; i++)
    {
      ReelCutCue      *cue = g_ptr_array_index (self->cut->cues, i);
      graphene_rect_t  rect = cue_rect (self, i);
      g_autofree char *text = reel_cut_cue_dup_display_text (cue);

      if (self->drag_hit.kind == HIT_CUE_START && self->drag_hit.index == i && self->drag_moved)
        {
          rect.origin.x += self->drag_dx;
          rect.size.width = MAX (rect.size.width - self->drag_dx, 4);
        }
      else if (self->drag_hit.kind == HIT_CUE_END && self->drag_hit.index == i && self->drag_moved)
        rect.size.width = MAX (rect.size.width + self->drag_dx, 4);

      rect.origin.x += 1;
      rect.size.width = MAX (rect.size.width - 2, 2);
      append_rounded (snapshot, &rect, 5, ALPHA (accent_bg, cue->timing_set ? 0.32 : 0.18));
      if (cue->timing_set)
        append_outline (snapshot, &rect, 5, 1.5, &accent_bg);
      append_text (self, snapshot, text, rect.origin.x + 6, rect.origin.y + 5, rect.size.width - 10,
                   FALSE, TRUE, fg);
    }
  (void) accent;
}

static void
snapshot_music (ReelTimelineView *self, GtkSnapshot *snapshot, const GdkRGBA *fg)
{
  GdkRGBA green = style_color (GTK_WIDGET (self), "success_bg_color", "#2ec27e");

  for (guint i = 0; i < n_music (self); i++)
    {
      ReelMusicTrack  *music = g_ptr_array_index (self->cut->music, i);
      graphene_rect_t  rect = music_rect (self, i);
      g_autofree char *label = NULL;
      double           fade_in = MIN (music->fade_in * self->zoom, rect.size.width);
      double           fade_out = MIN (music->fade_out * self->zoom, rect.size.width - fade_in);

      append_rounded (snapshot, &rect, 5, ALPHA (green, 0.28));
      /* Fades as darker wedges at either end. */
      if (fade_in > 1)
        append_rounded (
            snapshot, &GRAPHENE_RECT_INIT (rect.origin.x, rect.origin.y, fade_in, rect.size.height),
            5, ALPHA (green, 0.3));
      if (fade_out > 1)
        append_rounded (snapshot,
                        &GRAPHENE_RECT_INIT (rect.origin.x + rect.size.width - fade_out,
                                             rect.origin.y, fade_out, rect.size.height),
                        5, ALPHA (green, 0.3));
      append_outline (snapshot, &rect, 5, 1, ALPHA (green, 0.8));
      /* Translators: a music track in the timeline: its name and volume */
      label = g_strdup_printf (_ ("%s · %d%%"), music->name != NULL ? music->name : "",
                               (int) lround (music->volume * 100));
      append_text (self, snapshot, label, rect.origin.x + 8 + fade_in, rect.origin.y + 4,
                   rect.size.width - 16 - fade_in - fade_out, FALSE, TRUE, fg);
    }
}

static void
snapshot_markers (ReelTimelineView *self, GtkSnapshot *snapshot, double height)
{
  GdkRGBA yellow = style_color (GTK_WIDGET (self), "warning_bg_color", "#e5a50a");

  for (guint i = 0; i < self->cut->markers->len; i++)
    {
      ReelMarker *marker = g_ptr_array_index (self->cut->markers, i);
      double      x = round (time_to_x (self, marker->time));

      gtk_snapshot_append_color (snapshot, ALPHA (yellow, 0.55),
                                 &GRAPHENE_RECT_INIT (x - 0.5, RULER_H, 1, height - RULER_H));
      append_rounded (snapshot, &GRAPHENE_RECT_INIT (x - 5, RULER_H - 15, 10, 13), 3, &yellow);
    }
}

static void
snapshot_playhead (ReelTimelineView *self, GtkSnapshot *snapshot, double height)
{
  GdkRGBA         red = style_color (GTK_WIDGET (self), "destructive_bg_color", "#e01b24");
  graphene_rect_t knob = playhead_knob (self);
  double          x = knob.origin.x + knob.size.width / 2;

  gtk_snapshot_append_color (snapshot, &red,
                             &GRAPHENE_RECT_INIT (x - 1, knob.origin.y, 2, height - knob.origin.y));
  append_rounded (snapshot, &knob, 3, &red);
}

/* The clips in place, except @dragged (G_MAXUINT: none); a clip whose edge
 * is being dragged is drawn as the trim will leave it. */
static void
snapshot_clips (
    ReelTimelineView *self, GtkSnapshot *snapshot, guint first, guint end, guint dragged)
{
  for (guint i = first; i < end; i++)
    {
      graphene_rect_t rect = clip_rect (self, i);

      if (i == dragged)
        continue;
      if (self->drag_moved && self->drag_hit.index == i)
        {
          /* A trim in progress: the clip as it will be. */
          if (self->drag_hit.kind == HIT_CLIP_START)
            {
              rect.origin.x += self->drag_dx;
              rect.size.width = MAX (rect.size.width - self->drag_dx, 2);
            }
          else if (self->drag_hit.kind == HIT_CLIP_END)
            rect.size.width = MAX (rect.size.width + self->drag_dx, 2);
        }
      snapshot_clip (self, snapshot, i, &rect, 1.0);
    }
}

/* A clip being moved: lifted under the pointer, with a bar where it will land. */
static void
snapshot_dragged_clip (ReelTimelineView *self, GtkSnapshot *snapshot, guint dragged)
{
  GdkRGBA         accent = style_color (GTK_WIDGET (self), "accent_bg_color", "#3584e4");
  graphene_rect_t rect = clip_rect (self, dragged);
  guint           slot = clip_drop_slot (self, self->drag_start_x + self->drag_dx);
  double          x;

  rect.origin.x += self->drag_dx;
  rect.origin.y -= 3;
  snapshot_clip (self, snapshot, dragged, &rect, 0.75);

  /* Where it will land: a bar at the gap between two clips. */
  x = slot < n_items (self) ? clip_rect (self, slot).origin.x
                            : time_to_x (self, film_duration (self));
  append_rounded (snapshot, &GRAPHENE_RECT_INIT (x - 2, VIDEO_Y - 4, 4, VIDEO_H + 8), 2, &accent);
}

void
_reel_timeline_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  double            width = gtk_widget_get_width (widget);
  double            height = gtk_widget_get_height (widget);
  GdkRGBA           fg;
  guint             dragged = G_MAXUINT;
  double            x0, x1;
  guint             first, end;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  /* Only what is in sight, and what an edge or a label reaching into it
   * needs; an edit being dragged brings its own distance along. */
  _reel_timeline_view_visible_x (self, &x0, &x1);
  x0 -= 2 * KNOB_R + EDGE_GRAB;
  x1 += 2 * KNOB_R + EDGE_GRAB;
  if (self->drag_moved)
    {
      x0 -= fabs (self->drag_dx);
      x1 += fabs (self->drag_dx);
    }

  snapshot_ruler (self, snapshot, x0, x1, width, &fg);
  if (self->cut == NULL)
    return;

  /* Track backgrounds */
  gtk_snapshot_append_color (snapshot, ALPHA (fg, 0.03),
                             &GRAPHENE_RECT_INIT (0, VIDEO_Y - 2, width, VIDEO_H + 4));
  gtk_snapshot_append_color (snapshot, ALPHA (fg, 0.03),
                             &GRAPHENE_RECT_INIT (0, CAPTION_Y, width, CAPTION_H));
  if (self->cut->cues->len == 0)
    append_text (self, snapshot, _ ("No captions"), PAD_X + 4, CAPTION_Y + 5, 200, FALSE, TRUE,
                 ALPHA (fg, 0.45));

  if (self->drag_moved && self->drag_hit.kind == HIT_CLIP)
    dragged = self->drag_hit.index;

  _reel_timeline_view_clips_between (self, x0, x1, &first, &end);
  snapshot_clips (self, snapshot, first, end, dragged);
  for (guint i = MAX (first, 1); i < end; i++)
    snapshot_cut (self, snapshot, i, &fg);

  snapshot_cues (self, snapshot, x0, x1, &fg);
  snapshot_music (self, snapshot, &fg);

  /* Over the other tracks, as it is lifted from its own. */
  if (dragged != G_MAXUINT)
    snapshot_dragged_clip (self, snapshot, dragged);

  snapshot_markers (self, snapshot, height);
  snapshot_playhead (self, snapshot, height);
}
