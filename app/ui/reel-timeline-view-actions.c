/* reel-timeline-view-actions.c
 *
 * The edits of the timeline view as actions: "clip.set-transition",
 * "clip.set-trim", "clip.set-duration", "clip.move", "cue.set-timing",
 * "cue.reset-timing", "cue.set-text", "music.update", "music.remove",
 * "marker.set-comment" and "marker.remove". Drags, the popover editors and
 * tests all go through them; each is one undoable edit of the project, and
 * a failure is reported in the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-timeline-view-private.h"
#include "reel-window.h"

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

void
_reel_timeline_view_class_actions_init (ReelTimelineViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

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
}
