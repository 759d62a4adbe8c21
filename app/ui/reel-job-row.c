/* reel-job-row.c
 *
 * A row of the Jobs view: which shot, which backend, where the job stands,
 * and the one thing to do about it (cancel while it runs, retry once it has
 * failed or been cancelled). Failed jobs say why in the backend's own plain
 * words, and whether the service refused the shot or wants a key (with a
 * button to set one up) rather than merely failing.
 *
 * Progress says no more than is known: a job that reported none says "—",
 * and a running job stays below 100 % until it is done, for a finished
 * download is not a take yet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-job-row.h"
#include "storyreel-ui-resources.h"

struct _ReelJobRow
{
  AdwActionRow parent_instance;

  ReelJobRecord *job;

  GtkImage       *state_icon;
  GtkWidget      *progress_box;
  GtkLabel       *percent_label;
  GtkProgressBar *progress_bar;
  GtkButton      *cancel_button;
  GtkButton      *retry_button;
  GtkButton      *setup_button;
};

G_DEFINE_FINAL_TYPE (ReelJobRow, reel_job_row, ADW_TYPE_ACTION_ROW)

static const char *
state_icon_name (const ReelJobRecord *job)
{
  if (job->state == REEL_JOB_FAILED && job->error_kind == REEL_FAILURE_REFUSED)
    return "action-unavailable-symbolic";
  if (job->state == REEL_JOB_FAILED && job->error_kind == REEL_FAILURE_AUTH)
    return "dialog-password-symbolic";

  switch (job->state)
    {
      case REEL_JOB_QUEUED:
        return "document-open-recent-symbolic";
      case REEL_JOB_SUBMITTING:
      case REEL_JOB_RUNNING:
        return "emblem-synchronizing-symbolic";
      case REEL_JOB_DOWNLOADING:
        return "folder-download-symbolic";
      case REEL_JOB_DONE:
        return "emblem-ok-symbolic";
      case REEL_JOB_FAILED:
        return "dialog-error-symbolic";
      case REEL_JOB_CANCELLED:
      case REEL_N_JOB_STATES:
      default:
        return "process-stop-symbolic";
    }
}

static void
set_accessible_label (gpointer widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/* What a running job may show at most. */
#define RUNNING_FRACTION_LIMIT 0.99

static void
show_progress (ReelJobRow *self)
{
  const ReelJobRecord *job = self->job;
  g_autofree char     *percent = NULL;
  double               fraction;

  if (job == NULL)
    return;

  /* Nothing reported yet: it runs, but how far along is not known. An
   * empty bar would say 0 %, and a pulsing one would redraw the window all
   * the time for every job in the list. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar),
                          job->state == REEL_JOB_DONE || job->progress > 0);
  if (job->state != REEL_JOB_DONE && job->progress <= 0)
    {
      gtk_label_set_label (self->percent_label, "—");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->percent_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Progress not known"), -1);
      return;
    }

  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->percent_label),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL);

  fraction = job->state == REEL_JOB_DONE ? 1.0 : MIN (job->progress, RUNNING_FRACTION_LIMIT);
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  /* Translators: a job's progress, "42 %" */
  percent = g_strdup_printf (_ ("%.0f %%"), floor (fraction * 100));
  gtk_label_set_label (self->percent_label, percent);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, percent, -1);
}

void
reel_job_row_set_progress (ReelJobRow *self, double fraction)
{
  g_return_if_fail (REEL_IS_JOB_ROW (self));

  if (self->job != NULL)
    self->job->progress = CLAMP (fraction, 0.0, 1.0);
  show_progress (self);
}

const char *
reel_job_row_get_progress_text (ReelJobRow *self)
{
  g_return_val_if_fail (REEL_IS_JOB_ROW (self), NULL);
  return gtk_label_get_label (self->percent_label);
}

static char *
format_subtitle (const ReelJobRecord *job, const char *backend_label)
{
  g_autoptr (GString) subtitle = g_string_new (backend_label);

  g_string_append (subtitle, " · ");

  switch (job->state)
    {
      case REEL_JOB_FAILED:
        if (job->error_kind == REEL_FAILURE_REFUSED)
          g_string_append (subtitle, _ ("Content refused"));
        else if (job->error_kind == REEL_FAILURE_AUTH)
          g_string_append (subtitle, _ ("Needs a valid API key"));
        else
          g_string_append_printf (subtitle,
                                  g_dngettext (GETTEXT_PACKAGE, "Failed after %u attempt",
                                               "Failed after %u attempts", MAX (job->attempts, 1)),
                                  MAX (job->attempts, 1));
        if (job->error != NULL && *job->error != '\0')
          g_string_append_printf (subtitle, "\n%s", job->error);
        break;

      case REEL_JOB_QUEUED:
        g_string_append (subtitle, reel_job_state_get_label (job->state));
        /* A job waiting for a retry says when, and why the last try failed. */
        if (job->attempts > 0)
          g_string_append_printf (subtitle, _ (" · attempt %u of %u"), job->attempts + 1,
                                  MAX (job->max_attempts, job->attempts + 1));
        if (job->message != NULL && *job->message != '\0')
          g_string_append_printf (subtitle, " · %s", job->message);
        if (job->attempts > 0 && job->error != NULL && *job->error != '\0')
          g_string_append_printf (subtitle, "\n%s", job->error);
        break;

      case REEL_JOB_SUBMITTING:
      case REEL_JOB_RUNNING:
      case REEL_JOB_DOWNLOADING:
      case REEL_JOB_DONE:
      case REEL_JOB_CANCELLED:
      case REEL_N_JOB_STATES:
      default:
        g_string_append (subtitle, reel_job_state_get_label (job->state));
        if (job->state != REEL_JOB_DONE && job->attempts > 1)
          g_string_append_printf (subtitle, _ (" · attempt %u of %u"), job->attempts,
                                  MAX (job->max_attempts, job->attempts));
        break;
    }

  return g_string_free (g_steal_pointer (&subtitle), FALSE);
}

void
reel_job_row_update (ReelJobRow          *self,
                     const ReelJobRecord *job,
                     const char          *shot_number,
                     const char          *backend_label)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *cancel_label = NULL;
  g_autofree char *retry_label = NULL;
  g_autofree char *setup_label = NULL;
  gboolean         active;
  gboolean         stopped;
  gboolean         needs_key;

  g_return_if_fail (REEL_IS_JOB_ROW (self));
  g_return_if_fail (job != NULL);

  g_clear_pointer (&self->job, reel_job_record_free);
  self->job = reel_job_record_copy (job);

  if (shot_number == NULL)
    title = g_strdup (_ ("A deleted shot"));
  else if (job->variant > 0)
    /* Translators: "Shot 2A · variant 3" */
    title = g_strdup_printf (_ ("Shot %s · variant %u"), shot_number, job->variant + 1);
  else
    title = g_strdup_printf (_ ("Shot %s"), shot_number);
  subtitle = format_subtitle (job, backend_label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_image_set_from_icon_name (self->state_icon, state_icon_name (job));

  active = !reel_job_state_is_finished (job->state);
  stopped = job->state == REEL_JOB_FAILED || job->state == REEL_JOB_CANCELLED;
  gtk_widget_set_visible (self->progress_box, active && job->state != REEL_JOB_QUEUED);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), active);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), stopped);
  needs_key = job->state == REEL_JOB_FAILED && job->error_kind == REEL_FAILURE_AUTH;
  gtk_widget_set_visible (GTK_WIDGET (self->setup_button), needs_key);
  gtk_actionable_set_action_target_value (
      GTK_ACTIONABLE (self->setup_button),
      g_variant_new_string (job->backend != NULL ? job->backend : ""));
  show_progress (self);

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->cancel_button),
                                          g_variant_new_int64 (job->id));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button),
                                          g_variant_new_int64 (job->id));

  cancel_label = g_strdup_printf (_ ("Cancel the job of %s"), title);
  retry_label = g_strdup_printf (_ ("Retry the job of %s"), title);
  set_accessible_label (self->cancel_button, cancel_label);
  set_accessible_label (self->retry_button, retry_label);
  setup_label = g_strdup_printf (_ ("Set up the key for %s"), backend_label);
  set_accessible_label (self->setup_button, setup_label);

  if (job->state == REEL_JOB_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "error");
  if (job->state == REEL_JOB_DONE)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "success");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "success");
}

const ReelJobRecord *
reel_job_row_get_job (ReelJobRow *self)
{
  g_return_val_if_fail (REEL_IS_JOB_ROW (self), NULL);
  return self->job;
}

GtkWidget *
reel_job_row_new (void)
{
  return g_object_new (REEL_TYPE_JOB_ROW, NULL);
}

static void
reel_job_row_finalize (GObject *object)
{
  ReelJobRow *self = REEL_JOB_ROW (object);

  g_clear_pointer (&self->job, reel_job_record_free);

  G_OBJECT_CLASS (reel_job_row_parent_class)->finalize (object);
}

static void
reel_job_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), REEL_TYPE_JOB_ROW);

  G_OBJECT_CLASS (reel_job_row_parent_class)->dispose (object);
}

static void
reel_job_row_class_init (ReelJobRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_job_row_dispose;
  object_class->finalize = reel_job_row_finalize;

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-job-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelJobRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, ReelJobRow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, ReelJobRow, percent_label);
  gtk_widget_class_bind_template_child (widget_class, ReelJobRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ReelJobRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ReelJobRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, ReelJobRow, setup_button);
}

static void
reel_job_row_init (ReelJobRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
