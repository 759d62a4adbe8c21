/* reel-timeline-view.c
 *
 * The cut drawn as tracks under a ruler: one clip per shot (a strip of
 * thumbnails, as wide as the clip lasts), the cuts between them, a caption
 * track, one row per music track, markers on the ruler and the playhead.
 * The view only shows a ReelCut; every edit made here is an undoable edit of
 * the project (through the "clip.*", "cue.*", "music.*" and "marker.*"
 * actions), and the page hands the view the cut built again.
 *
 * Thumbnails are decoded in a worker thread and cached by file and time,
 * and the music files are probed there for their lengths; nothing is
 * decoded on the main thread.
 *
 * A click on a cut, cue, music row or marker opens its editor
 * (ReelTransitionEditor, ReelCueEditor, ReelMusicEditor, ReelMarkerEditor)
 * in the view's one popover; the editors apply through the same actions.
 *
 * This file holds the widget itself: its properties, size, popovers and
 * public API. reel-timeline-view-private.h lists the other parts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <math.h>

#include "reel-cue-editor.h"
#include "reel-marker-editor.h"
#include "reel-music-editor.h"
#include "reel-timeline-view-private.h"
#include "reel-transition-editor.h"
#include "storyreel-ui-resources.h"

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

/* Size */

static double
content_height (ReelTimelineView *self)
{
  guint rows = n_music (self);

  return MUSIC_Y + rows * (MUSIC_H + MUSIC_GAP) + BOTTOM_PAD;
}

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
  /* A new width or zoom brings other clips, or other frames, into sight. */
  _reel_timeline_view_request_thumbnails (self);
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

void
_reel_timeline_view_edit_cue (ReelTimelineView *self, guint index)
{
  ReelCutCue     *cue = g_ptr_array_index (self->cut->cues, index);
  ReelCutItem    *item = item_of_shot (self, cue->shot_id);
  graphene_rect_t rect = cue_rect (self, index);

  if (item != NULL)
    show_popover (self, reel_cue_editor_new (cue, item), &rect);
}

void
_reel_timeline_view_edit_music (ReelTimelineView *self, guint index)
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

/* Public */

static void
select_shot (ReelTimelineView *self, gint64 shot_id)
{
  if (self->selected_shot == shot_id)
    return;
  self->selected_shot = shot_id;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_SHOT]);
}

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
  _reel_timeline_view_request_thumbnails (self);
  _reel_timeline_view_request_music_lengths (self);
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
  _reel_timeline_view_request_thumbnails (self);
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

gboolean
reel_timeline_view_get_music_bounds (ReelTimelineView *self, guint index, graphene_rect_t *bounds)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), FALSE);

  if (index >= n_music (self))
    return FALSE;
  *bounds = music_rect (self, index);
  return TRUE;
}

double
reel_timeline_view_get_music_length (ReelTimelineView *self, guint index)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), 0);

  if (index >= n_music (self))
    return 0;
  return _reel_timeline_view_music_length (
      self, ((ReelMusicTrack *) g_ptr_array_index (self->cut->music, index))->path);
}

guint
reel_timeline_view_get_n_ruler_labels (ReelTimelineView *self)
{
  g_autoptr (GArray) labels = NULL;

  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), 0);

  labels = _reel_timeline_view_ruler_labels (self, 0, G_MAXDOUBLE,
                                             gtk_widget_get_width (GTK_WIDGET (self)), NULL);
  return labels->len;
}

char *
reel_timeline_view_dup_ruler_label (ReelTimelineView *self, guint index, graphene_rect_t *bounds)
{
  g_autoptr (GArray) labels = NULL;
  RulerLabel *label;

  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), NULL);

  labels = _reel_timeline_view_ruler_labels (self, 0, G_MAXDOUBLE,
                                             gtk_widget_get_width (GTK_WIDGET (self)), NULL);
  if (index >= labels->len)
    return NULL;
  label = &g_array_index (labels, RulerLabel, index);
  if (bounds != NULL)
    *bounds = label->bounds;
  return g_strdup (label->text);
}

void
reel_timeline_view_get_playhead_bounds (ReelTimelineView *self, graphene_rect_t *bounds)
{
  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));
  *bounds = playhead_knob (self);
}

guint
reel_timeline_view_get_n_thumbnails (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), 0);
  return self->n_thumbnails;
}

gboolean
reel_timeline_view_get_loading_thumbnails (ReelTimelineView *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), FALSE);
  return self->decoding;
}

gboolean
reel_timeline_view_clip_shows_thumbnail (ReelTimelineView *self, guint index)
{
  double times[3];
  guint  n;

  g_return_val_if_fail (REEL_IS_TIMELINE_VIEW (self), FALSE);

  if (index >= n_items (self))
    return FALSE;
  n = _reel_timeline_view_clip_frame_times (self, item_at (self, index), times, 3);
  for (guint k = 0; k < n; k++)
    if (_reel_timeline_view_lookup_thumbnail (self, item_at (self, index), times[k]) != NULL)
      return TRUE;
  return FALSE;
}

void
reel_timeline_view_set_thumbnail_cache_size (ReelTimelineView *self, gsize max_bytes)
{
  g_return_if_fail (REEL_IS_TIMELINE_VIEW (self));
  g_return_if_fail (max_bytes > 0);

  _reel_timeline_view_set_thumbnail_budget (self, max_bytes);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* What is in sight */

void
_reel_timeline_view_visible_x (ReelTimelineView *self, double *x0, double *x1)
{
  if (self->hadjustment != NULL && gtk_adjustment_get_page_size (self->hadjustment) > 0)
    {
      *x0 = gtk_adjustment_get_value (self->hadjustment);
      *x1 = *x0 + gtk_adjustment_get_page_size (self->hadjustment);
      return;
    }
  *x0 = 0;
  *x1 = gtk_widget_get_width (GTK_WIDGET (self));
}

/* The index of the first of @n spans, in order of their start times, that
 * starts after @seconds. */
typedef double (*SpanStart) (GPtrArray *spans, guint index);

static guint
first_starting_after (GPtrArray *spans, SpanStart start_of, double seconds)
{
  guint low = 0, high = spans->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (start_of (spans, middle) <= seconds)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

/* [*first, *end) of the spans between @x0 and @x1. A span that starts before
 * @x0 can still reach into sight: those just before are kept while they do. */
static void
spans_between (ReelTimelineView *self,
               GPtrArray        *spans,
               SpanStart         start_of,
               SpanStart         end_of,
               double            x0,
               double            x1,
               guint            *first,
               guint            *end)
{
  double t0 = (x0 - PAD_X) / self->zoom;
  double t1 = (x1 - PAD_X) / self->zoom;
  guint  i = first_starting_after (spans, start_of, t0);

  while (i > 0 && end_of (spans, i - 1) >= t0)
    i--;
  *first = i;
  *end = MAX (i, first_starting_after (spans, start_of, t1));
}

static double
item_start (GPtrArray *items, guint index)
{
  return ((ReelCutItem *) g_ptr_array_index (items, index))->start;
}

static double
item_end (GPtrArray *items, guint index)
{
  ReelCutItem *item = g_ptr_array_index (items, index);

  return item->start + item->duration;
}

static double
cue_start (GPtrArray *cues, guint index)
{
  return ((ReelCutCue *) g_ptr_array_index (cues, index))->start;
}

static double
cue_end (GPtrArray *cues, guint index)
{
  ReelCutCue *cue = g_ptr_array_index (cues, index);

  return cue->start + cue->duration;
}

void
_reel_timeline_view_clips_between (
    ReelTimelineView *self, double x0, double x1, guint *first, guint *end)
{
  *first = *end = 0;
  if (self->cut != NULL)
    spans_between (self, self->cut->items, item_start, item_end, x0, x1, first, end);
}

void
_reel_timeline_view_cues_between (
    ReelTimelineView *self, double x0, double x1, guint *first, guint *end)
{
  *first = *end = 0;
  if (self->cut != NULL)
    spans_between (self, self->cut->cues, cue_start, cue_end, x0, x1, first, end);
}

/* Only what is in sight is drawn, and only its frames are decoded: a scroll
 * brings the rest. */
static void
scrolled_cb (ReelTimelineView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _reel_timeline_view_request_thumbnails (self);
}

static void
watch_viewport (ReelTimelineView *self)
{
  GtkWidget     *viewport = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_VIEWPORT);
  GtkAdjustment *adjustment
      = viewport != NULL ? gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (viewport)) : NULL;

  if (adjustment == self->hadjustment)
    return;
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, scrolled_cb, self);
  g_set_object (&self->hadjustment, adjustment);
  if (adjustment != NULL)
    {
      g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scrolled_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (adjustment, "notify::page-size", G_CALLBACK (scrolled_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
reel_timeline_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (reel_timeline_view_parent_class)->map (widget);
  watch_viewport (REEL_TIMELINE_VIEW (widget));
  _reel_timeline_view_request_thumbnails (REEL_TIMELINE_VIEW (widget));
}

/* GObject */

static void
reel_timeline_view_dispose (GObject *object)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_TIMELINE_VIEW);
  g_clear_object (&self->project);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, scrolled_cb, self);
  g_clear_object (&self->hadjustment);

  G_OBJECT_CLASS (reel_timeline_view_parent_class)->dispose (object);
}

static void
reel_timeline_view_finalize (GObject *object)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (object);

  g_clear_pointer (&self->cut, reel_cut_free);
  g_clear_object (&self->thumbnails);
  g_clear_pointer (&self->thumbnails_failed, g_hash_table_unref);
  g_clear_pointer (&self->thumbnails_wanted, g_hash_table_unref);
  g_clear_pointer (&self->thumbnails_shown, g_hash_table_unref);
  g_clear_pointer (&self->music_lengths, g_hash_table_unref);
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
  widget_class->snapshot = _reel_timeline_view_snapshot;
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

  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-timeline-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelTimelineView, popover);
  _reel_timeline_view_class_input_init (klass);
  _reel_timeline_view_class_actions_init (klass);

  gtk_widget_class_set_css_name (widget_class, "timelineview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
reel_timeline_view_init (ReelTimelineView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->zoom = REEL_TIMELINE_DEFAULT_ZOOM;
  self->cancellable = g_cancellable_new ();
  _reel_timeline_view_init_thumbnails (self);
}

GtkWidget *
reel_timeline_view_new (void)
{
  return g_object_new (REEL_TYPE_TIMELINE_VIEW, NULL);
}
