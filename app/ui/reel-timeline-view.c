/* reel-timeline-view.c
 *
 * The cut drawn as tracks under a ruler: one clip per shot (a strip of
 * thumbnails, as wide as the clip lasts), the cuts between them, a caption
 * track, one row per music track, markers on the ruler and the playhead.
 * The view only shows a ReelCut; every edit made here is an undoable edit of
 * the project (through the "clip.*", "cue.*", "music.*" and "marker.*"
 * actions), and the page hands the view the cut built again.
 *
 * Thumbnails are decoded in a worker thread and cached by file and time;
 * nothing is decoded on the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "reel-cue-editor.h"
#include "reel-marker-editor.h"
#include "reel-media-store.h"
#include "reel-music-editor.h"
#include "reel-project-cut.h"
#include "reel-timeline-view.h"
#include "reel-transition-editor.h"
#include "reel-window.h"
#include "storyreel-ui-resources.h"

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

  /* Thumbnails: "path\x1fmilliseconds" → GdkTexture (or a NULL value for a
   * frame that cannot be decoded, so it is not asked for again). */
  GHashTable   *thumbnails;
  GHashTable   *thumbnails_wanted;
  GCancellable *cancellable;
  gboolean      decoding;
  guint         n_thumbnails;
};

G_DEFINE_FINAL_TYPE (ReelTimelineView, reel_timeline_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_POSITION,
  PROP_ZOOM,
  PROP_SELECTED_SHOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SEEK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void request_thumbnails (ReelTimelineView *self);

/* Geometry */

static double
time_to_x (ReelTimelineView *self, double seconds)
{
  return PAD_X + seconds * self->zoom;
}

static double
x_to_time (ReelTimelineView *self, double x)
{
  return MAX (0.0, (x - PAD_X) / self->zoom);
}

static double
film_duration (ReelTimelineView *self)
{
  return self->cut != NULL ? self->cut->duration : 0;
}

static guint
n_items (ReelTimelineView *self)
{
  return self->cut != NULL ? self->cut->items->len : 0;
}

static ReelCutItem *
item_at (ReelTimelineView *self, guint index)
{
  return g_ptr_array_index (self->cut->items, index);
}

static guint
n_music (ReelTimelineView *self)
{
  return self->cut != NULL ? self->cut->music->len : 0;
}

static graphene_rect_t
clip_rect (ReelTimelineView *self, guint index)
{
  ReelCutItem *item = item_at (self, index);

  return GRAPHENE_RECT_INIT (time_to_x (self, item->start), VIDEO_Y, item->duration * self->zoom,
                             VIDEO_H);
}

/* The knob of the cut into item @index: at the cut, or in the middle of the
 * crossfade. */
static graphene_point_t
cut_knob (ReelTimelineView *self, guint index)
{
  ReelCutItem *item = item_at (self, index);
  double       t = item->start;

  if (item->transition == REEL_TRANSITION_CROSSFADE && item->transition_duration > 0)
    t += item->transition_duration / 2;
  return GRAPHENE_POINT_INIT (time_to_x (self, t), VIDEO_Y + VIDEO_H - KNOB_R - 3);
}

static graphene_rect_t
cue_rect (ReelTimelineView *self, guint index)
{
  ReelCutCue *cue = g_ptr_array_index (self->cut->cues, index);

  return GRAPHENE_RECT_INIT (time_to_x (self, cue->start), CAPTION_Y,
                             MAX (cue->duration * self->zoom, 2.0), CAPTION_H);
}

static graphene_rect_t
music_rect (ReelTimelineView *self, guint index)
{
  ReelMusicTrack *music = g_ptr_array_index (self->cut->music, index);
  double          start = MIN (music->start_offset, film_duration (self));

  return GRAPHENE_RECT_INIT (time_to_x (self, start), MUSIC_Y + index * (MUSIC_H + MUSIC_GAP),
                             MAX ((film_duration (self) - start) * self->zoom, 4.0), MUSIC_H);
}

static double
content_height (ReelTimelineView *self)
{
  guint rows = n_music (self);

  return MUSIC_Y + rows * (MUSIC_H + MUSIC_GAP) + BOTTOM_PAD;
}

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

static Hit
hit_test (ReelTimelineView *self, double x, double y)
{
  Hit hit = { HIT_NONE, 0 };

  if (self->cut == NULL)
    return hit;

  if (y < RULER_H)
    {
      for (guint i = 0; i < self->cut->markers->len; i++)
        {
          ReelMarker *marker = g_ptr_array_index (self->cut->markers, i);

          if (fabs (x - time_to_x (self, marker->time)) <= 7 && y >= RULER_H - 16)
            return (Hit){ HIT_MARKER, i };
        }
      return (Hit){ HIT_RULER, 0 };
    }

  if (y >= VIDEO_Y && y < VIDEO_Y + VIDEO_H)
    {
      for (guint i = 1; i < n_items (self); i++)
        {
          graphene_point_t knob = cut_knob (self, i);

          if (hypot (x - knob.x, y - knob.y) <= KNOB_R + 2)
            return (Hit){ HIT_CUT, i };
        }
      /* Later clips lie over earlier ones in a crossfade. */
      for (guint i = n_items (self); i > 0; i--)
        {
          graphene_rect_t rect = clip_rect (self, i - 1);
          gboolean        joined_before = FALSE, joined_after = FALSE;

          if (i - 1 > 0)
            {
              graphene_rect_t before = clip_rect (self, i - 2);
              joined_before = spans_meet (before.origin.x + before.size.width, rect.origin.x);
            }
          if (i < n_items (self))
            joined_after
                = spans_meet (rect.origin.x + rect.size.width, clip_rect (self, i).origin.x);

          switch (span_part (x, &rect, joined_before, joined_after))
            {
              case SPAN_START:
                return (Hit){ HIT_CLIP_START, i - 1 };
              case SPAN_END:
                return (Hit){ HIT_CLIP_END, i - 1 };
              case SPAN_BODY:
                return (Hit){ HIT_CLIP, i - 1 };
              case SPAN_OUTSIDE:
                break;
              default:
                break;
            }
        }
      return hit;
    }

  if (y >= CAPTION_Y && y < CAPTION_Y + CAPTION_H)
    {
      guint n_cues = self->cut->cues->len;

      for (guint i = 0; i < n_cues; i++)
        {
          graphene_rect_t rect = cue_rect (self, i);
          gboolean        joined_before = FALSE, joined_after = FALSE;

          if (i > 0)
            {
              graphene_rect_t before = cue_rect (self, i - 1);
              joined_before = spans_meet (before.origin.x + before.size.width, rect.origin.x);
            }
          if (i + 1 < n_cues)
            joined_after
                = spans_meet (rect.origin.x + rect.size.width, cue_rect (self, i + 1).origin.x);

          switch (span_part (x, &rect, joined_before, joined_after))
            {
              case SPAN_START:
                return (Hit){ HIT_CUE_START, i };
              case SPAN_END:
                return (Hit){ HIT_CUE_END, i };
              case SPAN_BODY:
                return (Hit){ HIT_CUE, i };
              case SPAN_OUTSIDE:
                break;
              default:
                break;
            }
        }
      return hit;
    }

  for (guint i = 0; i < n_music (self); i++)
    {
      graphene_rect_t rect = music_rect (self, i);

      if (rect_contains (&rect, x, y))
        return (Hit){ HIT_MUSIC, i };
    }
  return hit;
}

/* Formatting */

static char *
format_seconds (double seconds)
{
  /* Translators: a length in seconds, e.g. "0.5 s" */
  return g_strdup_printf (_ ("%.1f s"), seconds);
}

static char *
format_ruler_time (double seconds)
{
  int total = (int) floor (seconds + 1e-6);

  return g_strdup_printf ("%d:%02d", total / 60, total % 60);
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

static double
ruler_step (ReelTimelineView *self)
{
  static const double steps[] = { 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * self->zoom >= 64)
      return steps[i];
  return 1200;
}

static void
snapshot_ruler (ReelTimelineView *self, GtkSnapshot *snapshot, double width, const GdkRGBA *fg)
{
  double  step = ruler_step (self);
  double  minor = step / 5;
  double  end = x_to_time (self, width);
  GdkRGBA tick = *ALPHA (*fg, 0.35);
  GdkRGBA label = *ALPHA (*fg, 0.7);

  gtk_snapshot_append_color (snapshot, ALPHA (*fg, 0.04),
                             &GRAPHENE_RECT_INIT (0, 0, width, RULER_H));
  gtk_snapshot_append_color (snapshot, ALPHA (*fg, 0.12),
                             &GRAPHENE_RECT_INIT (0, RULER_H - 1, width, 1));

  for (double t = 0; t <= end; t += minor)
    {
      double   x = floor (time_to_x (self, t)) + 0.5;
      gboolean major = fmod (t + minor / 2, step) < minor;

      gtk_snapshot_append_color (
          snapshot, major ? &tick : ALPHA (*fg, 0.18),
          &GRAPHENE_RECT_INIT (x - 0.5, major ? RULER_H - 10 : RULER_H - 5, 1, major ? 9 : 4));
      if (major)
        {
          g_autofree char *text = format_ruler_time (t);
          append_text (self, snapshot, text, x + 3, 3, step * self->zoom - 6, FALSE, TRUE, &label);
        }
    }
}

static GdkTexture *
thumbnail_for (ReelTimelineView *self, ReelCutItem *item, double seconds)
{
  g_autofree char *key = NULL;

  if (item->media_path == NULL)
    return NULL;
  key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, item->media_path,
                         (gint64) llround (seconds * 1000));
  return g_hash_table_lookup (self->thumbnails, key);
}

/* The times whose frames a clip's strip shows. */
static guint
clip_frame_times (ReelTimelineView *self, ReelCutItem *item, double *times, guint max)
{
  double width = item->duration * self->zoom;
  guint  n = width > 3 * THUMB_H * 16.0 / 9 ? MIN (max, 3u) : 1;

  for (guint k = 0; k < n; k++)
    {
      /* Whole tenths of a second, so zooming reuses decoded frames. */
      double t = item->in_point + item->duration * (k + 0.5) / n;
      times[k] = round (t * 10) / 10;
    }
  return n;
}

static void
snapshot_clip (ReelTimelineView      *self,
               GtkSnapshot           *snapshot,
               guint                  index,
               const graphene_rect_t *rect,
               double                 alpha)
{
  ReelCutItem   *item = item_at (self, index);
  gboolean       selected = item->shot_id == self->selected_shot;
  GdkRGBA        accent = style_color (GTK_WIDGET (self), "accent_bg_color", "#3584e4");
  GdkRGBA        base = item->animatic_fallback ? (GdkRGBA){ 0.22, 0.24, 0.3, 1 }
                                                : (GdkRGBA){ 0.12, 0.12, 0.14, 1 };
  GdkRGBA        white = { 1, 1, 1, 1 };
  GdkRGBA        pill = { 0, 0, 0, 0.62 };
  GskRoundedRect rounded;
  double         times[3];
  guint          n_times = clip_frame_times (self, item, times, 3);
  GdkTexture    *first = NULL;

  if (alpha < 1)
    gtk_snapshot_push_opacity (snapshot, alpha);

  gsk_rounded_rect_init_from_rect (&rounded, rect, MIN (CLIP_RADIUS, rect->size.width / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &base, rect);

  for (guint k = 0; k < n_times && first == NULL; k++)
    first = thumbnail_for (self, item, times[k]);

  if (first != NULL)
    {
      double tile_h = rect->size.height - 4;
      double tile_w
          = tile_h * gdk_texture_get_width (first) / MAX (gdk_texture_get_height (first), 1);
      guint n_tiles = (guint) ceil (rect->size.width / MAX (tile_w, 8));

      for (guint t = 0; t < n_tiles; t++)
        {
          double      x = rect->origin.x + t * tile_w;
          guint       k = MIN ((guint) ((t + 0.5) * n_times / MAX (n_tiles, 1)), n_times - 1);
          GdkTexture *texture = thumbnail_for (self, item, times[k]);

          if (texture == NULL)
            texture = first;
          gtk_snapshot_append_texture (snapshot, texture,
                                       &GRAPHENE_RECT_INIT (x, rect->origin.y + 2, tile_w, tile_h));
        }
      /* A little shade on top so the shot number stays legible. */
      gtk_snapshot_append_color (snapshot, &(GdkRGBA){ 0, 0, 0, 0.08 }, rect);
    }
  else
    {
      /* Not decoded yet (or the card is not rendered yet): the shot's text. */
      append_text (self, snapshot, item->text != NULL ? item->text : "", rect->origin.x + 8,
                   rect->origin.y + 26, rect->size.width - 16, FALSE, TRUE,
                   &(GdkRGBA){ 1, 1, 1, 0.75 });
    }

  append_badge (self, snapshot, item->shot_number != NULL ? item->shot_number : "?",
                rect->origin.x + 5, rect->origin.y + 5, rect->size.width - 10, &pill, &white);
  if (item->animatic_fallback && rect->size.width > 90)
    append_badge (self, snapshot, _ ("Animatic"), rect->origin.x + 5,
                  rect->origin.y + rect->size.height - 22, rect->size.width - 30,
                  &(GdkRGBA){ 0.95, 0.75, 0.2, 0.9 }, &(GdkRGBA){ 0.1, 0.1, 0.1, 1 });
  gtk_snapshot_pop (snapshot);

  if (selected)
    {
      append_outline (snapshot, rect, CLIP_RADIUS, 2.5, &accent);
      /* Trim handles */
      append_rounded (
          snapshot,
          &GRAPHENE_RECT_INIT (rect->origin.x + 1, rect->origin.y + 14, 4, rect->size.height - 28),
          2, &white);
      append_rounded (snapshot,
                      &GRAPHENE_RECT_INIT (rect->origin.x + rect->size.width - 5,
                                           rect->origin.y + 14, 4, rect->size.height - 28),
                      2, &white);
    }
  else
    append_outline (snapshot, rect, CLIP_RADIUS, 1, &(GdkRGBA){ 0, 0, 0, 0.35 });

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
snapshot_cues (ReelTimelineView *self, GtkSnapshot *snapshot, const GdkRGBA *fg)
{
  GdkRGBA accent = style_color (GTK_WIDGET (self), "accent_color", "#1c71d8");
  GdkRGBA accent_bg = style_color (GTK_WIDGET (self), "accent_bg_color", "#3584e4");

  for (guint i = 0; i < self->cut->cues->len; i++)
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
  GdkRGBA red = style_color (GTK_WIDGET (self), "destructive_bg_color", "#e01b24");
  double  x = round (time_to_x (self, self->position));

  gtk_snapshot_append_color (snapshot, &red, &GRAPHENE_RECT_INIT (x - 1, 4, 2, height - 4));
  append_rounded (snapshot, &GRAPHENE_RECT_INIT (x - 6, 2, 12, 12), 3, &red);
}

static void
reel_timeline_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  double            width = gtk_widget_get_width (widget);
  double            height = gtk_widget_get_height (widget);
  GdkRGBA           fg;
  GdkRGBA           accent = style_color (widget, "accent_bg_color", "#3584e4");
  guint             dragged = G_MAXUINT;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  snapshot_ruler (self, snapshot, width, &fg);
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

  for (guint i = 0; i < n_items (self); i++)
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
  for (guint i = 1; i < n_items (self); i++)
    snapshot_cut (self, snapshot, i, &fg);

  snapshot_cues (self, snapshot, &fg);
  snapshot_music (self, snapshot, &fg);

  if (dragged != G_MAXUINT)
    {
      graphene_rect_t rect = clip_rect (self, dragged);
      guint           slot = 0;
      double          pointer_x = self->drag_start_x + self->drag_dx;

      rect.origin.x += self->drag_dx;
      rect.origin.y -= 3;
      snapshot_clip (self, snapshot, dragged, &rect, 0.75);

      /* Where it will land: a bar at the gap between two clips. */
      for (guint i = 0; i < n_items (self); i++)
        {
          graphene_rect_t other = clip_rect (self, i);
          if (pointer_x > other.origin.x + other.size.width / 2)
            slot = i + 1;
        }
      {
        double x = slot < n_items (self) ? clip_rect (self, slot).origin.x
                                         : time_to_x (self, film_duration (self));
        append_rounded (snapshot, &GRAPHENE_RECT_INIT (x - 2, VIDEO_Y - 4, 4, VIDEO_H + 8), 2,
                        &accent);
      }
    }

  snapshot_markers (self, snapshot, height);
  snapshot_playhead (self, snapshot, height);
}

/* Size */

static void
reel_timeline_view_measure (GtkWidget     *widget,
                            GtkOrientation orientation,
                            int            for_size,
                            int           *minimum,
                            int           *natural,
                            int           *minimum_baseline,
                            int           *natural_baseline)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = (int) ceil (2 * PAD_X + film_duration (self) * self->zoom + END_ROOM);
  else
    *minimum = *natural = (int) ceil (content_height (self));
}

static void
reel_timeline_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);

  if (self->popover != NULL && gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    gtk_popover_present (self->popover);
}

/* Thumbnails */

typedef struct
{
  char       *key;
  char       *path;
  double      seconds;
  GdkTexture *texture;
} ThumbnailRequest;

/* Frames that cannot be decoded are cached as NULL. */
static void
unref_texture (gpointer texture)
{
  if (texture != NULL)
    g_object_unref (texture);
}

static void
thumbnail_request_free (gpointer data)
{
  ThumbnailRequest *request = data;

  g_free (request->key);
  g_free (request->path);
  g_clear_object (&request->texture);
  g_free (request);
}

static GdkTexture *
scaled_texture (cairo_surface_t *frame, int height)
{
  int              src_w = cairo_image_surface_get_width (frame);
  int              src_h = cairo_image_surface_get_height (frame);
  int              width = MAX (1, (int) lround ((double) src_w * height / MAX (src_h, 1)));
  cairo_surface_t *scaled = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t         *cr = cairo_create (scaled);
  g_autoptr (GBytes) bytes = NULL;
  GdkTexture *texture;

  cairo_scale (cr, (double) width / src_w, (double) height / src_h);
  cairo_set_source_surface (cr, frame, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (scaled);

  bytes = g_bytes_new (cairo_image_surface_get_data (scaled),
                       (gsize) cairo_image_surface_get_stride (scaled) * height);
  /* Cairo's ARGB32 is GDK's default memory format. */
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (scaled));
  cairo_surface_destroy (scaled);
  return texture;
}

static void
decode_thumbnails_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GPtrArray *requests = task_data;
  /* Twice the track height: sharp on HiDPI screens. */
  int height = (int) THUMB_H * 2;

  for (guint i = 0; i < requests->len; i++)
    {
      ThumbnailRequest *request = g_ptr_array_index (requests, i);
      g_autoptr (GError) error = NULL;
      cairo_surface_t *frame;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      frame = reel_media_load_frame (request->path, request->seconds, cancellable, &error);
      if (frame == NULL)
        {
          g_debug ("No thumbnail of %s at %.2f s: %s", request->path, request->seconds,
                   error->message);
          continue;
        }
      request->texture = scaled_texture (frame, height);
      cairo_surface_destroy (frame);
    }
  g_task_return_boolean (task, TRUE);
}

static void
thumbnails_decoded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (source);
  GPtrArray        *requests = g_task_get_task_data (G_TASK (result));

  if (g_task_had_error (G_TASK (result))
      || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  self->decoding = FALSE;
  for (guint i = 0; i < requests->len; i++)
    {
      ThumbnailRequest *request = g_ptr_array_index (requests, i);

      g_hash_table_remove (self->thumbnails_wanted, request->key);
      g_hash_table_replace (self->thumbnails, g_strdup (request->key),
                            request->texture != NULL ? g_object_ref (request->texture) : NULL);
      if (request->texture != NULL)
        self->n_thumbnails++;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* More may have been asked for meanwhile. */
  request_thumbnails (self);
}

static void
request_thumbnails (ReelTimelineView *self)
{
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GTask) task = NULL;

  /* Out of sight, nothing is decoded; mapping the view asks again. */
  if (self->cut == NULL || self->decoding || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  requests = g_ptr_array_new_with_free_func (thumbnail_request_free);
  for (guint i = 0; i < n_items (self); i++)
    {
      ReelCutItem *item = item_at (self, i);
      double       times[3];
      guint        n;

      if (item->media_path == NULL)
        continue;
      n = clip_frame_times (self, item, times, 3);
      for (guint k = 0; k < n; k++)
        {
          g_autofree char  *key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, item->media_path,
                                                   (gint64) llround (times[k] * 1000));
          ThumbnailRequest *request;

          if (g_hash_table_contains (self->thumbnails, key)
              || g_hash_table_contains (self->thumbnails_wanted, key))
            continue;
          request = g_new0 (ThumbnailRequest, 1);
          request->key = g_strdup (key);
          request->path = g_strdup (item->media_path);
          request->seconds = times[k];
          g_hash_table_add (self->thumbnails_wanted, g_steal_pointer (&key));
          g_ptr_array_add (requests, request);
        }
    }

  if (requests->len == 0)
    return;

  self->decoding = TRUE;
  task = g_task_new (self, self->cancellable, thumbnails_decoded_cb, NULL);
  g_task_set_source_tag (task, request_thumbnails);
  g_task_set_task_data (task, g_steal_pointer (&requests), (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, decode_thumbnails_thread);
}

/* Edits */

static void
report (ReelTimelineView *self, const char *heading, GError *error)
{
  if (error != NULL)
    reel_widget_report_error (GTK_WIDGET (self), heading, error);
}

static void
set_transition_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  gint64         shot_id;
  const char    *kind;
  double         seconds;
  ReelTransition transition;

  g_variant_get (parameter, "(x&sd)", &shot_id, &kind, &seconds);
  if (self->project == NULL || !reel_transition_from_string (kind, &transition))
    return;
  if (!reel_project_set_transition (self->project, shot_id, transition, seconds, &error))
    report (self, _ ("Could Not Change the Cut"), error);
}

static void
set_trim_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  gint64 shot_id;
  double in_point, out_point;

  g_variant_get (parameter, "(xdd)", &shot_id, &in_point, &out_point);
  if (self->project != NULL
      && !reel_project_set_trim (self->project, shot_id, in_point, out_point, &error))
    report (self, _ ("Could Not Trim the Shot"), error);
}

static void
set_duration_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  gint64 shot_id;
  double duration;

  g_variant_get (parameter, "(xd)", &shot_id, &duration);
  if (self->project != NULL
      && !reel_project_set_shot_duration (self->project, shot_id, duration, &error))
    report (self, _ ("Could Not Change the Shot’s Length"), error);
}

static void
move_clip_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  gint64 shot_id;
  guint  position;

  g_variant_get (parameter, "(xu)", &shot_id, &position);
  if (self->project != NULL && !reel_project_move_shot (self->project, shot_id, position, &error))
    report (self, _ ("Could Not Move the Shot"), error);
}

static void
set_cue_timing_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  gint64 shot_id;
  guint  index;
  double start, duration;

  g_variant_get (parameter, "(xudd)", &shot_id, &index, &start, &duration);
  if (self->project != NULL
      && !reel_project_set_cue_timing (self->project, shot_id, index, start, duration, &error))
    report (self, _ ("Could Not Time the Caption"), error);
}

static void
reset_cue_timing_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  gint64 shot_id;
  guint  index;

  g_variant_get (parameter, "(xu)", &shot_id, &index);
  if (self->project != NULL
      && !reel_project_clear_cue_timing (self->project, shot_id, index, &error))
    report (self, _ ("Could Not Time the Caption"), error);
}

static void
set_cue_text_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) captions = NULL;
  gint64      shot_id;
  guint       index;
  const char *text;
  ReelShot   *shot;
  GPtrArray  *current;

  g_variant_get (parameter, "(xu&s)", &shot_id, &index, &text);
  if (self->project == NULL || (shot = reel_project_lookup_shot (self->project, shot_id)) == NULL)
    return;

  current = reel_shot_get_captions (shot);
  if (current == NULL || index >= current->len)
    return;
  captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  for (guint i = 0; i < current->len; i++)
    {
      ReelCaption *caption = reel_caption_copy (g_ptr_array_index (current, i));

      if (i == index)
        {
          g_free (caption->text);
          caption->text = g_strstrip (g_strdup (text));
        }
      g_ptr_array_add (captions, caption);
    }
  if (!reel_project_set_shot_captions (self->project, shot_id, captions, &error))
    report (self, _ ("Could Not Change the Caption"), error);
}

static void
update_music_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  gint64 music_id;
  double offset, volume, fade_in, fade_out;

  g_variant_get (parameter, "(xdddd)", &music_id, &offset, &volume, &fade_in, &fade_out);
  if (self->project != NULL
      && !reel_project_update_music (self->project, music_id, offset, volume, fade_in, fade_out,
                                     &error))
    report (self, _ ("Could Not Change the Music"), error);
}

static void
remove_music_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;

  if (self->project != NULL
      && !reel_project_remove_music (self->project, g_variant_get_int64 (parameter), &error))
    report (self, _ ("Could Not Remove the Music"), error);
}

static ReelMarker *
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

static void
set_marker_comment_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;
  gint64      marker_id;
  const char *comment;
  ReelMarker *marker;

  g_variant_get (parameter, "(x&s)", &marker_id, &comment);
  if (self->project == NULL || (marker = find_marker (self, marker_id)) == NULL)
    return;
  if (!reel_project_update_marker (self->project, marker_id, marker->time, comment, &error))
    report (self, _ ("Could Not Change the Marker"), error);
}

static void
remove_marker_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (widget);
  g_autoptr (GError) error = NULL;

  if (self->project != NULL
      && !reel_project_remove_marker (self->project, g_variant_get_int64 (parameter), &error))
    report (self, _ ("Could Not Delete the Marker"), error);
}

/* Popovers */

static void
show_popover (ReelTimelineView *self, GtkWidget *editor, const graphene_rect_t *at)
{
  GdkRectangle rect = { (int) at->origin.x, (int) at->origin.y, MAX ((int) at->size.width, 1),
                        MAX ((int) at->size.height, 1) };

  gtk_popover_popdown (self->popover);
  gtk_popover_set_child (self->popover, editor);
  gtk_popover_set_pointing_to (self->popover, &rect);
  gtk_popover_popup (self->popover);
}

void
reel_timeline_view_edit_transition (ReelTimelineView *self, gint64 shot_id)
{
  guint            index = 0;
  graphene_point_t knob;

  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));

  /* The first clip has no cut into it. */
  for (guint i = 1; i < n_items (self); i++)
    if (item_at (self, i)->shot_id == shot_id)
      index = i;
  if (index == 0)
    return;

  knob = cut_knob (self, index);
  show_popover (self, reel_transition_editor_new (item_at (self, index), self->cut->fps),
                &GRAPHENE_RECT_INIT (knob.x - KNOB_R, knob.y - KNOB_R, 2 * KNOB_R, 2 * KNOB_R));
}

static ReelCutItem *
item_of_shot (ReelTimelineView *self, gint64 shot_id)
{
  for (guint i = 0; i < n_items (self); i++)
    if (item_at (self, i)->shot_id == shot_id)
      return item_at (self, i);
  return NULL;
}

static void
edit_cue (ReelTimelineView *self, guint index)
{
  ReelCutCue     *cue = g_ptr_array_index (self->cut->cues, index);
  ReelCutItem    *item = item_of_shot (self, cue->shot_id);
  graphene_rect_t rect = cue_rect (self, index);

  if (item != NULL)
    show_popover (self, reel_cue_editor_new (cue, item), &rect);
}

static void
edit_music (ReelTimelineView *self, guint index)
{
  graphene_rect_t rect = music_rect (self, index);

  rect.size.width = MIN (rect.size.width, 80);
  show_popover (self, reel_music_editor_new (g_ptr_array_index (self->cut->music, index)), &rect);
}

void
reel_timeline_view_edit_marker (ReelTimelineView *self, gint64 marker_id)
{
  ReelMarker *marker;
  GtkWidget  *editor;
  double      x;

  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));

  if ((marker = find_marker (self, marker_id)) == NULL)
    return;

  editor = reel_marker_editor_new (marker);
  x = time_to_x (self, marker->time);
  show_popover (self, editor, &GRAPHENE_RECT_INIT (x - 5, RULER_H - 15, 10, 13));
  gtk_widget_grab_focus (editor);
}

GtkPopover *
reel_timeline_view_get_popover (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), NULL);
  return self->popover;
}

/* Gestures */

static void
select_shot (ReelTimelineView *self, gint64 shot_id)
{
  if (self->selected_shot == shot_id)
    return;
  self->selected_shot = shot_id;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_SHOT]);
}

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
        select_shot (self, item_at (self, self->drag_hit.index)->shot_id);
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
          double pointer_x = self->drag_start_x + self->drag_dx;
          guint  slot = 0;
          guint  from = self->drag_hit.index;
          guint  to;

          for (guint i = 0; i < n_items (self); i++)
            {
              graphene_rect_t other = clip_rect (self, i);
              if (pointer_x > other.origin.x + other.size.width / 2)
                slot = i + 1;
            }
          to = slot > from ? slot - 1 : slot;
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
            edit_cue (self, hit.index);
            break;
          case HIT_MUSIC:
            edit_music (self, hit.index);
            break;
          case HIT_MARKER:
            reel_timeline_view_edit_marker (
                self, ((ReelMarker *) g_ptr_array_index (self->cut->markers, hit.index))->id);
            break;
          case HIT_NONE:
            if (self->drag_start_y >= VIDEO_Y)
              select_shot (self, 0);
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

/* Public */

void
reel_timeline_view_set_project (ReelTimelineView *self, ReelProject *project)
{
  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));
  g_set_object (&self->project, project);
}

void
reel_timeline_view_set_cut (ReelTimelineView *self, const ReelCut *cut)
{
  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));

  g_clear_pointer (&self->cut, reel_cut_free);
  if (cut != NULL)
    self->cut = reel_cut_copy (cut);

  /* The selection follows its shot; a shot that went away leaves none. */
  if (self->selected_shot != 0
      && (self->cut == NULL || item_of_shot (self, self->selected_shot) == NULL))
    select_shot (self, 0);
  /* An open popover stays: its editor holds ids, not pointers into the cut,
   * and the preview hands over the same cut again with its cards. */

  gtk_widget_queue_resize (GTK_WIDGET (self));
  request_thumbnails (self);
}

const ReelCut *
reel_timeline_view_get_cut (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), NULL);
  return self->cut;
}

void
reel_timeline_view_set_position (ReelTimelineView *self, double seconds)
{
  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));

  seconds = MAX (seconds, 0);
  if (fabs (self->position - seconds) < 1e-6)
    return;
  self->position = seconds;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

double
reel_timeline_view_get_position (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), 0);
  return self->position;
}

void
reel_timeline_view_scrub (ReelTimelineView *self, double seconds)
{
  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));

  seconds = CLAMP (seconds, 0, film_duration (self));
  reel_timeline_view_set_position (self, seconds);
  g_signal_emit (self, signals[SEEK], 0, seconds);
}

void
reel_timeline_view_set_zoom (ReelTimelineView *self, double pixels_per_second)
{
  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));

  pixels_per_second = CLAMP (pixels_per_second, REEL_TIMELINE_MIN_ZOOM, REEL_TIMELINE_MAX_ZOOM);
  if (fabs (self->zoom - pixels_per_second) < 1e-9)
    return;
  self->zoom = pixels_per_second;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  request_thumbnails (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
reel_timeline_view_get_zoom (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), REEL_TIMELINE_DEFAULT_ZOOM);
  return self->zoom;
}

double
reel_timeline_view_time_to_x (ReelTimelineView *self, double seconds)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), 0);
  return time_to_x (self, seconds);
}

gint64
reel_timeline_view_get_selected_shot (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), 0);
  return self->selected_shot;
}

void
reel_timeline_view_set_selected_shot (ReelTimelineView *self, gint64 shot_id)
{
  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));
  select_shot (self, shot_id);
}

guint
reel_timeline_view_get_n_clips (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), 0);
  return n_items (self);
}

gboolean
reel_timeline_view_get_clip_bounds (ReelTimelineView *self, guint index, graphene_rect_t *bounds)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), FALSE);

  if (index >= n_items (self))
    return FALSE;
  *bounds = clip_rect (self, index);
  return TRUE;
}

gboolean
reel_timeline_view_get_cue_bounds (ReelTimelineView *self, guint index, graphene_rect_t *bounds)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), FALSE);

  if (self->cut == NULL || index >= self->cut->cues->len)
    return FALSE;
  *bounds = cue_rect (self, index);
  return TRUE;
}

gboolean
reel_timeline_view_clip_is_animatic (ReelTimelineView *self, guint index)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), FALSE);
  return index < n_items (self) && item_at (self, index)->animatic_fallback;
}

guint
reel_timeline_view_get_n_thumbnails (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), 0);
  return self->n_thumbnails;
}

static void
reel_timeline_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (reel_timeline_view_parent_class)->map (widget);
  request_thumbnails (REEL_TIMELINE_VIEW (widget));
}

/* GObject */

static void
reel_timeline_view_dispose (GObject *object)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_TIMELINE_VIEW);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (reel_timeline_view_parent_class)->dispose (object);
}

static void
reel_timeline_view_finalize (GObject *object)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (object);

  g_clear_pointer (&self->cut, reel_cut_free);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->thumbnails_wanted, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (reel_timeline_view_parent_class)->finalize (object);
}

static void
reel_timeline_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (object);

  switch (prop_id)
    {
      case PROP_POSITION:
        g_value_set_double (value, self->position);
        break;
      case PROP_ZOOM:
        g_value_set_double (value, self->zoom);
        break;
      case PROP_SELECTED_SHOT:
        g_value_set_int64 (value, self->selected_shot);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_timeline_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (object);

  switch (prop_id)
    {
      case PROP_POSITION:
        reel_timeline_view_set_position (self, g_value_get_double (value));
        break;
      case PROP_ZOOM:
        reel_timeline_view_set_zoom (self, g_value_get_double (value));
        break;
      case PROP_SELECTED_SHOT:
        reel_timeline_view_set_selected_shot (self, g_value_get_int64 (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_timeline_view_class_init (ReelTimelineViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_timeline_view_dispose;
  object_class->finalize = reel_timeline_view_finalize;
  object_class->get_property = reel_timeline_view_get_property;
  object_class->set_property = reel_timeline_view_set_property;
  widget_class->snapshot = reel_timeline_view_snapshot;
  widget_class->measure = reel_timeline_view_measure;
  widget_class->size_allocate = reel_timeline_view_size_allocate;
  widget_class->map = reel_timeline_view_map;

  properties[PROP_POSITION]
      = g_param_spec_double ("position", NULL, NULL, 0, G_MAXDOUBLE, 0,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM]
      = g_param_spec_double ("zoom", NULL, NULL, REEL_TIMELINE_MIN_ZOOM, REEL_TIMELINE_MAX_ZOOM,
                             REEL_TIMELINE_DEFAULT_ZOOM,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_SHOT]
      = g_param_spec_int64 ("selected-shot", NULL, NULL, 0, G_MAXINT64, 0,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::seek (seconds): the user moved the playhead on the ruler. */
  signals[SEEK] = g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);

  gtk_widget_class_install_action (widget_class, "clip.set-transition", "(xsd)",
                                   set_transition_action);
  gtk_widget_class_install_action (widget_class, "clip.set-trim", "(xdd)", set_trim_action);
  gtk_widget_class_install_action (widget_class, "clip.set-duration", "(xd)", set_duration_action);
  gtk_widget_class_install_action (widget_class, "clip.move", "(xu)", move_clip_action);
  gtk_widget_class_install_action (widget_class, "cue.set-timing", "(xudd)", set_cue_timing_action);
  gtk_widget_class_install_action (widget_class, "cue.reset-timing", "(xu)",
                                   reset_cue_timing_action);
  gtk_widget_class_install_action (widget_class, "cue.set-text", "(xus)", set_cue_text_action);
  gtk_widget_class_install_action (widget_class, "music.update", "(xdddd)", update_music_action);
  gtk_widget_class_install_action (widget_class, "music.remove", "x", remove_music_action);
  gtk_widget_class_install_action (widget_class, "marker.set-comment", "(xs)",
                                   set_marker_comment_action);
  gtk_widget_class_install_action (widget_class, "marker.remove", "x", remove_marker_action);

  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-timeline-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelTimelineView, popover);
  gtk_widget_class_bind_template_callback (widget_class, drag_begin_cb);
  gtk_widget_class_bind_template_callback (widget_class, drag_update_cb);
  gtk_widget_class_bind_template_callback (widget_class, drag_end_cb);
  gtk_widget_class_bind_template_callback (widget_class, motion_cb);
  gtk_widget_class_bind_template_callback (widget_class, scroll_cb);

  gtk_widget_class_set_css_name (widget_class, "timelineview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
reel_timeline_view_init (ReelTimelineView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->zoom = REEL_TIMELINE_DEFAULT_ZOOM;
  self->cancellable = g_cancellable_new ();
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_texture);
  self->thumbnails_wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

GtkWidget *
reel_timeline_view_new (void)
{
  return g_object_new (REEL_TYPE_TIMELINE_VIEW, NULL);
}
