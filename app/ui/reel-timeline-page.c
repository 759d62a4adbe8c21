/* reel-timeline-page.c
 *
 * The Timeline view: the preview (a GES timeline played into a paintable)
 * over the tracks of the cut. The cut is derived: after every change of the
 * project (gathered for a moment, as bursts of edits come) the page builds
 * it again with reel_cut_new_from_project() and hands it to the tracks. The
 * preview needs more: the animatic cards of shots without a take are
 * rendered in a worker thread, the media are discovered asynchronously, and
 * only then is the GES timeline built on the main thread, with captions,
 * transitions, music and the AI label as the export will have them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-application.h"
#include "reel-cut-timeline.h"
#include "reel-project-cut.h"
#include "reel-project-import.h"
#include "reel-timeline-page.h"
#include "reel-ui-utils.h"
#include "reel-window.h"

/* Edits come in bursts (a drag, an undo of several steps): build once. */
#define REBUILD_DELAY_MS 120
/* The preview is drawn at most this wide; the picture scales it. */
#define PREVIEW_MAX_WIDTH 640
#define PREVIEW_MAX_HEIGHT 360

struct _ReelTimelinePage
{
  GtkWidget parent_instance;

  ReelProject  *project;
  ReelCut      *cut;
  ReelPreview  *preview;
  GCancellable *prepare_cancellable;
  GCancellable *cancellable;
  guint         rebuild_source;
  gboolean      preview_stale;
  gboolean      preparing;
  /* One card render at a time: two would write the same cache files. */
  gboolean rendering;
  gboolean render_again;
  gint64   marker_to_edit;
  gint64   shot_to_reveal;
  /* A new project opens with its whole film in view. */
  gboolean              fit_pending;
  guint                 fit_source;
  char                 *time_text;
  GtkFileChooserNative *music_chooser;

  GtkStack          *stack;
  GtkPicture        *picture;
  GtkWidget         *preparing_box;
  GtkLabel          *preparing_label;
  GtkLabel          *error_label;
  GtkLabel          *time_label;
  GtkButton         *play_button;
  GtkButton         *play_button_compact;
  GtkScrolledWindow *scroller;
  ReelTimelineView  *view;
};

G_DEFINE_FINAL_TYPE (ReelTimelinePage, reel_timeline_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PREPARING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void prepare_preview (ReelTimelinePage *self);
static void queue_fit_zoom (ReelTimelinePage *self);
static void reveal_range (ReelTimelinePage *self, double from, double to);

/* Time label */

/* Timecode as editors write it, HH:MM:SS:FF, the frame after a colon. */
static char *
format_time (double seconds, guint fps)
{
  gint64 frames = (gint64) floor (seconds * fps + 1e-6);
  gint64 total_seconds = frames / fps;

  return g_strdup_printf (
      "%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
      total_seconds / 3600, total_seconds / 60 % 60, total_seconds % 60, frames % fps);
}

static guint
cut_fps (ReelTimelinePage *self)
{
  return self->cut != NULL ? MAX (self->cut->fps, 1) : 24;
}

static void
update_time_label (ReelTimelinePage *self)
{
  g_autofree char *position = NULL;
  g_autofree char *duration = NULL;
  double           film = self->cut != NULL ? self->cut->duration : 0;

  position = format_time (MIN (reel_timeline_view_get_position (self->view), film), cut_fps (self));
  duration = format_time (film, cut_fps (self));
  g_free (self->time_text);
  self->time_text = g_strdup_printf ("%s / %s", position, duration);
  gtk_label_set_label (self->time_label, self->time_text);
}

static void
update_transport (ReelTimelinePage *self)
{
  gboolean    playing = reel_preview_get_playing (self->preview);
  gboolean    has_film = self->cut != NULL && self->cut->items->len > 0;
  const char *icon = playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic";
  const char *label = playing ? _ ("Pause") : _ ("Play");
  GtkButton  *buttons[] = { self->play_button, self->play_button_compact };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      g_autofree char *tooltip = g_strdup_printf ("%s (%s)", label, _ ("Space"));

      gtk_button_set_icon_name (buttons[i], icon);
      gtk_widget_set_tooltip_text (GTK_WIDGET (buttons[i]), tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (buttons[i]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.play-pause", has_film);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.play", has_film);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.step", has_film);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.seek-start", has_film);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.seek-end", has_film);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.add-marker", has_film);
}

static void
update_overlay (ReelTimelinePage *self)
{
  const char *error = reel_preview_get_error (self->preview);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  if (error != NULL)
    gtk_label_set_label (self->error_label, error);
  gtk_widget_set_visible (self->preparing_box,
                          error == NULL
                              && (self->preparing || !reel_preview_get_ready (self->preview))
                              && self->cut != NULL && self->cut->items->len > 0);
}

static void
set_preparing (ReelTimelinePage *self, gboolean preparing)
{
  if (self->preparing == preparing)
    return;
  self->preparing = preparing;
  update_overlay (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREPARING]);
}

static void
show_error (ReelTimelinePage *self, const GError *error)
{
  g_message ("Preview: %s", error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_label_set_label (self->error_label, error->message);
  gtk_widget_set_visible (self->preparing_box, FALSE);
}

/* The preview: animatic cards, media discovery, the GES timeline */

typedef struct
{
  ReelCut *cut;
} Prepare;

static void
prepare_free (gpointer data)
{
  Prepare *prepare = data;

  g_clear_pointer (&prepare->cut, reel_cut_free);
  g_free (prepare);
}

static void
preview_size (const ReelCut *cut, guint *width, guint *height)
{
  double scale = MIN (1.0, MIN ((double) PREVIEW_MAX_WIDTH / MAX (cut->width, 1),
                                (double) PREVIEW_MAX_HEIGHT / MAX (cut->height, 1)));

  *width = MAX (16u, (guint) lround (cut->width * scale)) & ~1u;
  *height = MAX (16u, (guint) lround (cut->height * scale)) & ~1u;
}

static gboolean
captions_off (ReelTimelinePage *self)
{
  GSettings       *settings = reel_application_get_settings_for_widget (GTK_WIDGET (self));
  g_autofree char *caption_mode
      = settings != NULL ? g_settings_get_string (settings, "caption-mode") : NULL;

  return g_strcmp0 (caption_mode, "off") == 0;
}

static void
build_preview (ReelTimelinePage *self, ReelCut *cut)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GESTimeline) timeline = NULL;
  ReelTimelineOptions options;
  GSettings          *settings = reel_application_get_settings_for_widget (GTK_WIDGET (self));
  guint               width, height;

  reel_timeline_options_init (&options);
  /* As the export will look: captions burned in unless the user turned
   * them off, and the label where the export puts it. */
  if (settings != NULL)
    {
      g_autofree char *caption_mode = g_settings_get_string (settings, "caption-mode");
      g_autofree char *position = g_settings_get_string (settings, "ai-label-position");

      options.burn_captions = g_strcmp0 (caption_mode, "off") != 0;
      reel_label_position_from_string (position, &options.ai_label_position);
    }
  else
    options.burn_captions = TRUE;
  preview_size (cut, &width, &height);
  options.width = width;
  options.height = height;

  timeline = reel_cut_build_timeline (cut, &options, &error);
  set_preparing (self, FALSE);
  if (timeline == NULL)
    {
      reel_preview_set_timeline (self->preview, NULL, 0, 0, 0);
      show_error (self, error);
      return;
    }

  reel_preview_set_timeline (self->preview, timeline, width, height, MAX (cut->fps, 1));
  update_overlay (self);
}

static void
assets_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ReelTimelinePage *self = g_task_get_source_object (task);
  Prepare          *prepare = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!reel_cut_load_assets_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  build_preview (self, prepare->cut);
  g_task_return_boolean (task, TRUE);
}

/* The assets are in GES's cache afterwards: building the timeline does not
 * wait on discovery. */
static void
load_assets (ReelTimelinePage *self, GTask *task)
{
  Prepare *prepare = g_task_get_task_data (task);

  reel_cut_load_assets_async (prepare->cut, NULL, g_task_get_cancellable (task), assets_loaded_cb,
                              g_object_ref (task));
}

static void
render_missing_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Prepare *prepare = task_data;
  g_autoptr (GError) error = NULL;

  if (!reel_cut_render_missing (prepare->cut, cancellable, NULL, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
prepare_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (source);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* A preparation that a newer one replaced fails however it likes. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
        return;
      set_preparing (self, FALSE);
      show_error (self, error);
    }
}

static void
render_missing_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) outer = user_data;
  ReelTimelinePage *self = g_task_get_source_object (outer);
  Prepare          *prepare = g_task_get_task_data (outer);
  g_autoptr (GError) error = NULL;

  self->rendering = FALSE;
  if (self->render_again)
    {
      /* The cut changed while the cards were being drawn: start over. */
      self->render_again = FALSE;
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Replaced");
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        prepare_preview (self);
      else
        self->preview_stale = TRUE;
      return;
    }

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (outer))
    return;

  /* The tracks show the cards too. */
  reel_timeline_view_set_cut (self->view, prepare->cut);
  load_assets (self, outer);
}

static void
prepare_preview (ReelTimelinePage *self)
{
  g_autoptr (GTask) outer = NULL;
  g_autoptr (GTask) worker = NULL;
  Prepare *prepare;
  guint    width, height;

  g_cancellable_cancel (self->prepare_cancellable);
  g_clear_object (&self->prepare_cancellable);
  self->preview_stale = FALSE;

  if (self->cut == NULL || self->cut->items->len == 0)
    {
      reel_preview_set_timeline (self->preview, NULL, 0, 0, 0);
      set_preparing (self, FALSE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_preparing (self, TRUE);
  ges_init ();

  if (self->rendering)
    {
      self->render_again = TRUE;
      return;
    }

  self->prepare_cancellable = g_cancellable_new ();
  prepare = g_new0 (Prepare, 1);
  prepare->cut = reel_cut_copy (self->cut);
  /* Cards at the preview's size: quicker to render, and all it shows. */
  preview_size (prepare->cut, &width, &height);
  prepare->cut->width = width;
  prepare->cut->height = height;
  /* As the export draws them: the cards show dialogue only when the
   * captions are off. */
  prepare->cut->cards_show_dialogue = captions_off (self);

  outer = g_task_new (self, self->prepare_cancellable, prepare_done_cb, NULL);
  g_task_set_source_tag (outer, prepare_preview);
  g_task_set_task_data (outer, prepare, prepare_free);

  worker
      = g_task_new (NULL, self->prepare_cancellable, render_missing_done_cb, g_object_ref (outer));
  g_task_set_task_data (worker, prepare, NULL);
  self->rendering = TRUE;
  g_task_run_in_thread (worker, render_missing_thread);
}

/* The cut */

static void
rebuild (ReelTimelinePage *self)
{
  g_autoptr (GError) error = NULL;
  gboolean has_shots;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_pointer (&self->cut, reel_cut_free);

  if (self->project != NULL)
    {
      self->cut = reel_cut_new_from_project (self->project, &error);
      if (self->cut == NULL)
        g_warning ("Cannot build the cut: %s", error->message);
    }

  has_shots = self->cut != NULL && self->cut->items->len > 0;
  gtk_stack_set_visible_child_name (self->stack, has_shots ? "timeline" : "empty");
  reel_timeline_view_set_cut (self->view, self->cut);
  update_time_label (self);
  update_transport (self);

  if (self->marker_to_edit != 0)
    {
      reel_timeline_view_edit_marker (self->view, self->marker_to_edit);
      self->marker_to_edit = 0;
    }

  /* A clip moved with the keyboard stays in sight at its new place. */
  if (self->shot_to_reveal != 0)
    {
      for (guint i = 0; self->cut != NULL && i < self->cut->items->len; i++)
        {
          graphene_rect_t bounds;

          if (((ReelCutItem *) g_ptr_array_index (self->cut->items, i))->shot_id
                  == self->shot_to_reveal
              && reel_timeline_view_get_clip_bounds (self->view, i, &bounds))
            reveal_range (self, bounds.origin.x, bounds.origin.x + bounds.size.width);
        }
      self->shot_to_reveal = 0;
    }

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    queue_fit_zoom (self);

  /* The preview follows only while it is on show. */
  self->preview_stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    prepare_preview (self);
  else
    {
      g_cancellable_cancel (self->prepare_cancellable);
      set_preparing (self, FALSE);
    }
}

static gboolean
rebuild_cb (gpointer user_data)
{
  ReelTimelinePage *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
project_changed_cb (ReelTimelinePage *self, guint flags)
{
  if (!(flags & (REEL_CHANGE_PLAN | REEL_CHANGE_TAKES | REEL_CHANGE_CUT | REEL_CHANGE_SETTINGS)))
    return;
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  self->rebuild_source = g_timeout_add (REBUILD_DELAY_MS, rebuild_cb, self);
}

void
reel_timeline_page_rebuild_now (ReelTimelinePage *self)
{
  g_return_if_fail (REEL_IS_TIMELINE_PAGE (self));
  rebuild (self);
}

void
reel_timeline_page_set_project (ReelTimelinePage *self, ReelProject *project)
{
  g_return_if_fail (REEL_IS_TIMELINE_PAGE (self));
  g_return_if_fail (project == NULL || REEL_IS_PROJECT (project));

  if (self->project == project)
    return;

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  reel_timeline_view_set_project (self->view, project);
  reel_preview_set_timeline (self->preview, NULL, 0, 0, 0);
  reel_preview_seek (self->preview, 0);

  if (project != NULL)
    g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                             G_CONNECT_SWAPPED);
  self->fit_pending = TRUE;
  rebuild (self);
}

/* Following the preview and the playhead */

#define REVEAL_MARGIN 24.0

/* Scrolls the tracks as little as needed for @from…@to (the view's x) to be
 * in sight. */
static void
reveal_range (ReelTimelinePage *self, double from, double to)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (self->scroller);
  double         value = gtk_adjustment_get_value (adjustment);
  double         page = gtk_adjustment_get_page_size (adjustment);

  if (page <= 0)
    return;
  if (from - REVEAL_MARGIN < value)
    gtk_adjustment_set_value (adjustment, from - REVEAL_MARGIN);
  else if (to + REVEAL_MARGIN > value + page)
    gtk_adjustment_set_value (adjustment, MIN (from - REVEAL_MARGIN, to + REVEAL_MARGIN - page));
}

/* A playhead that leaves the tracks in sight (playing on, stepping, Home,
 * End) turns the page: it comes back in at the edge it is heading away
 * from, so playing on shows a whole page ahead. */
static void
follow_playhead (ReelTimelinePage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (self->scroller);
  double         value = gtk_adjustment_get_value (adjustment);
  double         page = gtk_adjustment_get_page_size (adjustment);
  double         x
      = reel_timeline_view_time_to_x (self->view, reel_timeline_view_get_position (self->view));

  if (page <= 0)
    return;
  if (x > value + page)
    gtk_adjustment_set_value (adjustment, x - REVEAL_MARGIN);
  else if (x < value)
    gtk_adjustment_set_value (adjustment, x - page + REVEAL_MARGIN);
}

static void
preview_position_cb (ReelTimelinePage *self)
{
  reel_timeline_view_set_position (self->view, reel_preview_get_position (self->preview));
  follow_playhead (self);
  update_time_label (self);
}

static void
preview_state_cb (ReelTimelinePage *self)
{
  update_transport (self);
  update_overlay (self);
}

static void
view_seek_cb (ReelTimelinePage *self, double seconds)
{
  reel_preview_seek (self->preview, seconds);
  update_time_label (self);
}

static void
view_selected_shot_cb (ReelTimelinePage *self)
{
  gint64   shot_id = reel_timeline_view_get_selected_shot (self->view);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* One current shot in the window: the storyboard and its actions follow. */
  if (shot_id != 0 && REEL_IS_WINDOW (root))
    reel_window_select_shot (REEL_WINDOW (root), shot_id);
}

/* Actions */

static void
play_pause_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  gboolean          play = g_str_equal (action_name, "preview.play")
                  || (g_str_equal (action_name, "preview.play-pause")
                      && !reel_preview_get_playing (self->preview));

  if (play)
    reel_preview_play (self->preview);
  else
    reel_preview_pause (self->preview);
}

static void
step_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);

  reel_preview_step (self->preview, g_variant_get_int32 (parameter));
}

static void
seek_end_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  gboolean          end = g_str_equal (action_name, "preview.seek-end");

  reel_preview_pause (self->preview);
  reel_timeline_view_scrub (self->view, end && self->cut != NULL ? self->cut->duration : 0);
}

/* The whole film across the width of the tracks, within sensible bounds. */
static gboolean
fit_zoom (ReelTimelinePage *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->scroller));

  if (self->cut == NULL || self->cut->duration <= 0 || width <= 0)
    return FALSE;
  reel_timeline_view_set_zoom (self->view,
                               CLAMP ((width - 80.0) / self->cut->duration, 24.0, 240.0));
  return TRUE;
}

static gboolean
fit_zoom_cb (gpointer user_data)
{
  ReelTimelinePage *self = user_data;

  self->fit_source = 0;
  if (self->fit_pending && fit_zoom (self))
    self->fit_pending = FALSE;
  return G_SOURCE_REMOVE;
}

/* After the next layout, when the tracks have their width. */
static void
queue_fit_zoom (ReelTimelinePage *self)
{
  if (self->fit_pending && self->fit_source == 0)
    self->fit_source = g_timeout_add (50, fit_zoom_cb, self);
}

static void
zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  double            zoom = reel_timeline_view_get_zoom (self->view);

  if (g_str_equal (action_name, "timeline.zoom-in"))
    zoom *= 1.5;
  else if (g_str_equal (action_name, "timeline.zoom-out"))
    zoom /= 1.5;
  else if (fit_zoom (self))
    return;
  else
    zoom = REEL_TIMELINE_DEFAULT_ZOOM;
  reel_timeline_view_set_zoom (self->view, zoom);
}

static ReelCutItem *
item_at_time (ReelTimelinePage *self, double seconds)
{
  ReelCutItem *found = NULL;

  for (guint i = 0; self->cut != NULL && i < self->cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (self->cut->items, i);
      if (item->start <= seconds + 1e-6)
        found = item;
    }
  return found;
}

static void
add_marker_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  g_autoptr (GError) error = NULL;
  double       position = reel_timeline_view_get_position (self->view);
  ReelCutItem *item = item_at_time (self, position);
  gint64       marker_id;

  if (self->project == NULL)
    return;
  marker_id = reel_project_add_marker (self->project, position, "",
                                       item != NULL ? item->shot_id : 0, &error);
  if (marker_id == 0)
    {
      reel_widget_report_error (widget, _ ("Could Not Add a Marker"), error);
      return;
    }
  /* Its comment, once the tracks show it. */
  self->marker_to_edit = marker_id;
}

/* The selected clip; without one, the clip under the playhead, so the
 * keyboard alone can trim and move clips. */
static ReelCutItem *
selected_item (ReelTimelinePage *self)
{
  gint64 shot_id = reel_timeline_view_get_selected_shot (self->view);

  for (guint i = 0; self->cut != NULL && i < self->cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (self->cut->items, i);
      if (item->shot_id == shot_id)
        return item;
    }
  return shot_id == 0 ? item_at_time (self, reel_timeline_view_get_position (self->view)) : NULL;
}

/* "T": the popover of the cut nearest the playhead. */
static void
edit_cut_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  double            position = reel_timeline_view_get_position (self->view);
  ReelCutItem      *nearest = NULL;

  for (guint i = 1; self->cut != NULL && i < self->cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (self->cut->items, i);
      if (nearest == NULL || fabs (item->start - position) < fabs (nearest->start - position))
        nearest = item;
    }
  if (nearest == NULL)
    {
      gtk_widget_error_bell (widget);
      return;
    }
  reel_timeline_view_edit_transition (self->view, nearest->shot_id);
}

/* "[" and "]": the selected clip starts or ends at the playhead. */
static void
set_in_out_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  g_autoptr (GError) error = NULL;
  ReelCutItem *item = selected_item (self);
  gboolean     in = g_str_equal (action_name, "timeline.set-in");
  double       frame = 1.0 / cut_fps (self);
  double       offset;
  gboolean     whole_media;

  if (item == NULL || self->project == NULL)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  offset = reel_timeline_view_get_position (self->view) - item->start;
  whole_media = item->animatic_fallback || item->media_is_image || item->media_duration <= 0;
  if (offset < frame || offset > item->duration - frame / 2 || (in && whole_media))
    {
      gtk_widget_error_bell (widget);
      return;
    }

  if (whole_media)
    reel_project_set_shot_duration (self->project, item->shot_id, offset, &error);
  else if (in)
    reel_project_set_trim (self->project, item->shot_id, item->in_point + offset, item->out_point,
                           &error);
  else
    reel_project_set_trim (self->project, item->shot_id, item->in_point, item->in_point + offset,
                           &error);
  if (error != NULL)
    reel_widget_report_error (widget, _ ("Could Not Trim the Shot"), error);
}

static void
move_clip_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  ReelCutItem      *item = selected_item (self);
  gint64            shot_id = item != NULL ? item->shot_id : 0;
  gboolean          later = g_str_equal (action_name, "timeline.move-clip-later");
  ReelShot         *shot;
  guint             position, n_shots;

  if (self->project == NULL || (shot = reel_project_lookup_shot (self->project, shot_id)) == NULL)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  position = reel_shot_get_position (shot);
  n_shots = g_list_model_get_n_items (reel_project_get_shots (self->project));
  if ((later && position + 1 >= n_shots) || (!later && position == 0))
    {
      gtk_widget_error_bell (widget);
      return;
    }
  self->shot_to_reveal = shot_id;
  gtk_widget_activate_action (GTK_WIDGET (self->view), "clip.move", "(xu)", shot_id,
                              later ? position + 1 : position - 1);
}

/* Frames as start images */

typedef struct
{
  ReelTimelinePage *page;
  char             *shot_number;
} FrameUse;

static void
frame_use_free (FrameUse *use)
{
  g_object_unref (use->page);
  g_free (use->shot_number);
  g_free (use);
}

static void
frame_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FrameUse *use = user_data;
  g_autoptr (GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (use->page));

  if (reel_project_import_frame_finish (REEL_PROJECT (source), result, &error) != 0)
    {
      if (REEL_IS_WINDOW (root))
        {
          /* Translators: a toast; %s is a shot's number */
          g_autofree char *title
              = g_strdup_printf (_ ("Shot %s now starts from this frame"), use->shot_number);

          reel_window_add_toast (REEL_WINDOW (root), title);
        }
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reel_widget_report_error (GTK_WIDGET (use->page), _ ("Could Not Use the Frame"), error);
  frame_use_free (use);
}

/* The frame at the playhead becomes a shot's board, the start image of
 * image-to-video: the shot's own ("timeline.use-frame"), to generate it
 * again from a moment the user liked, or the next shot's
 * ("timeline.continue-from-frame"), so that the next clip carries on from
 * it. Only a clip with a generated or imported video has frames to give. */
static void
use_frame_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  double            position = reel_timeline_view_get_position (self->view);
  ReelCutItem      *item = item_at_time (self, position);
  ReelCutItem      *target = item;
  FrameUse         *use;

  if (g_str_equal (action_name, "timeline.continue-from-frame"))
    {
      guint index;

      target = NULL;
      if (item != NULL && g_ptr_array_find (self->cut->items, item, &index)
          && index + 1 < self->cut->items->len)
        target = g_ptr_array_index (self->cut->items, index + 1);
    }
  if (self->project == NULL || item == NULL || target == NULL || item->animatic_fallback
      || item->media_is_image || item->take_id == 0)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  use = g_new0 (FrameUse, 1);
  use->page = g_object_ref (self);
  use->shot_number = g_strdup (target->shot_number);
  reel_project_import_frame_async (self->project, target->shot_id, item->take_id,
                                   item->in_point + (position - item->start), self->cancellable,
                                   frame_imported_cb, use);
}

/* Music */

static void
music_added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) outer = user_data;
  g_autoptr (GError) error = NULL;
  gint64 music_id = reel_project_import_music_finish (REEL_PROJECT (source), result, &error);

  if (music_id == 0)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_int (outer, music_id);
}

void
reel_timeline_page_import_music_async (ReelTimelinePage   *self,
                                       GFile              *file,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  g_autoptr (GTask) outer = NULL;

  g_return_if_fail (REEL_IS_TIMELINE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, reel_timeline_page_import_music_async);
  if (self->project == NULL || g_file_peek_path (file) == NULL)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("Only local files can be added as music."));
      return;
    }

  reel_project_import_music_async (self->project, file, cancellable, music_added_cb,
                                   g_steal_pointer (&outer));
}

gint64
reel_timeline_page_import_music_finish (ReelTimelinePage *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  return g_task_propagate_int (G_TASK (result), error);
}

static void
music_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (source);
  g_autoptr (GError) error = NULL;

  if (reel_timeline_page_import_music_finish (self, result, &error) == 0
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Add the Music"), error);
}

static void
music_file_chosen (GtkWidget *widget, GFile *file)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);

  reel_timeline_page_import_music_async (self, file, self->cancellable, music_imported_cb, NULL);
}

static void
import_music_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->project == NULL)
    return;

  gtk_file_filter_set_name (filter, _ ("Audio Files"));
  gtk_file_filter_add_mime_type (filter, "audio/*");
  reel_ui_choose_file_to_open (widget, &self->music_chooser, _ ("Add Music"), _ ("_Add"),
                               _ ("_Cancel"), &filter, 1, music_file_chosen);
}

/* Public */

ReelTimelineView *
reel_timeline_page_get_view (ReelTimelinePage *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_PAGE (self), NULL);
  return self->view;
}

ReelPreview *
reel_timeline_page_get_preview (ReelTimelinePage *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_PAGE (self), NULL);
  return self->preview;
}

void
reel_timeline_page_pause (ReelTimelinePage *self)
{
  g_return_if_fail (REEL_IS_TIMELINE_PAGE (self));
  reel_preview_pause (self->preview);
}

gboolean
reel_timeline_page_get_preparing (ReelTimelinePage *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_PAGE (self), FALSE);
  return self->preparing;
}

const char *
reel_timeline_page_get_time_text (ReelTimelinePage *self)
{
  g_return_val_if_fail (REEL_IS_TIMELINE_PAGE (self), NULL);
  return self->time_text;
}

/* GtkWidget */

static void
reel_timeline_page_map (GtkWidget *widget)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);

  GTK_WIDGET_CLASS (reel_timeline_page_parent_class)->map (widget);

  if (self->preview_stale)
    prepare_preview (self);
  queue_fit_zoom (self);
}

static void
reel_timeline_page_unmap (GtkWidget *widget)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (widget);

  /* Out of sight, the preview stops; its preparation waits until it is back. */
  reel_preview_pause (self->preview);
  self->render_again = FALSE;
  if (self->preparing)
    {
      g_cancellable_cancel (self->prepare_cancellable);
      self->preview_stale = TRUE;
      set_preparing (self, FALSE);
    }

  GTK_WIDGET_CLASS (reel_timeline_page_parent_class)->unmap (widget);
}

static void
reel_timeline_page_dispose (GObject *object)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->prepare_cancellable);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_handle_id (&self->fit_source, g_source_remove);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->music_chooser);
  if (self->preview != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->preview, self);
      reel_preview_set_timeline (self->preview, NULL, 0, 0, 0);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_TIMELINE_PAGE);

  g_clear_object (&self->preview);
  g_clear_object (&self->project);
  g_clear_object (&self->prepare_cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (reel_timeline_page_parent_class)->dispose (object);
}

static void
reel_timeline_page_finalize (GObject *object)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (object);

  g_clear_pointer (&self->cut, reel_cut_free);
  g_free (self->time_text);

  G_OBJECT_CLASS (reel_timeline_page_parent_class)->finalize (object);
}

static void
reel_timeline_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelTimelinePage *self = REEL_TIMELINE_PAGE (object);

  switch (prop_id)
    {
      case PROP_PREPARING:
        g_value_set_boolean (value, self->preparing);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* What the page does, for its buttons, keys, the window's menus and tests alike. */
static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "preview.play-pause", NULL, play_pause_action);
  gtk_widget_class_install_action (widget_class, "preview.play", NULL, play_pause_action);
  gtk_widget_class_install_action (widget_class, "preview.pause", NULL, play_pause_action);
  gtk_widget_class_install_action (widget_class, "preview.step", "i", step_action);
  gtk_widget_class_install_action (widget_class, "preview.seek-start", NULL, seek_end_action);
  gtk_widget_class_install_action (widget_class, "preview.seek-end", NULL, seek_end_action);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "timeline.add-marker", NULL, add_marker_action);
  gtk_widget_class_install_action (widget_class, "timeline.set-in", NULL, set_in_out_action);
  gtk_widget_class_install_action (widget_class, "timeline.set-out", NULL, set_in_out_action);
  gtk_widget_class_install_action (widget_class, "timeline.move-clip-earlier", NULL,
                                   move_clip_action);
  gtk_widget_class_install_action (widget_class, "timeline.move-clip-later", NULL,
                                   move_clip_action);
  gtk_widget_class_install_action (widget_class, "timeline.import-music", NULL,
                                   import_music_action);
  gtk_widget_class_install_action (widget_class, "timeline.edit-cut", NULL, edit_cut_action);
  gtk_widget_class_install_action (widget_class, "timeline.use-frame", NULL, use_frame_action);
  gtk_widget_class_install_action (widget_class, "timeline.continue-from-frame", NULL,
                                   use_frame_action);
}

/* Each key is bound to one of the page's actions, so it does what its button
 * or menu item does. */
static void
add_shortcuts (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "preview.play-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "preview.play-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "preview.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "preview.step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "preview.seek-start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "preview.seek-end", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "timeline.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "timeline.add-marker", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, 0, "timeline.edit-cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, 0, "timeline.use-frame", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_SHIFT_MASK,
                                       "timeline.continue-from-frame", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketleft, 0, "timeline.set-in",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketright, 0, "timeline.set-out",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "timeline.move-clip-earlier", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK,
                                       "timeline.move-clip-later", NULL);
}

static void
reel_timeline_page_class_init (ReelTimelinePageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_timeline_page_dispose;
  object_class->finalize = reel_timeline_page_finalize;
  object_class->get_property = reel_timeline_page_get_property;
  widget_class->map = reel_timeline_page_map;
  widget_class->unmap = reel_timeline_page_unmap;

  properties[PROP_PREPARING] = g_param_spec_boolean ("preparing", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (REEL_TYPE_TIMELINE_VIEW);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-timeline-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, stack);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, picture);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, preparing_box);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, preparing_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, time_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, play_button);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, play_button_compact);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, ReelTimelinePage, view);

  install_actions (widget_class);
  add_shortcuts (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timelinepage");
}

static void
reel_timeline_page_init (ReelTimelinePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->preview = reel_preview_new ();
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->preview));

  g_signal_connect_object (self->preview, "notify::position", G_CALLBACK (preview_position_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview, "notify::playing", G_CALLBACK (preview_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview, "notify::ready", G_CALLBACK (preview_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview, "notify::error", G_CALLBACK (preview_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "seek", G_CALLBACK (view_seek_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "notify::selected-shot", G_CALLBACK (view_selected_shot_cb),
                           self, G_CONNECT_SWAPPED);

  update_time_label (self);
  update_transport (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}
