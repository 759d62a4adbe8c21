/* reel-ui-utils.c: small helpers shared by the widgets of storyreel-ui
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-price-table.h"
#include "reel-project-jobs.h"
#include "reel-project-ledger.h"
#include "reel-ui-utils.h"

typedef struct
{
  GtkFileChooserNative **chooser;
  ReelFileChosenFunc     chosen;
} OpenChooser;

static void
open_chooser_response_cb (GtkNativeDialog *dialog, int response, GtkWidget *widget)
{
  OpenChooser       *open = g_object_get_data (G_OBJECT (dialog), "reel-open-chooser");
  ReelFileChosenFunc chosen = open->chosen;
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  /* This may drop the last reference to the dialog, and @open with it. */
  g_clear_object (open->chooser);

  if (file != NULL)
    chosen (widget, file);
}

void
reel_ui_choose_file_to_open (GtkWidget             *widget,
                             GtkFileChooserNative **chooser,
                             const char            *title,
                             const char            *accept_label,
                             const char            *cancel_label,
                             GtkFileFilter *const  *filters,
                             guint                  n_filters,
                             ReelFileChosenFunc     chosen)
{
  GtkRoot     *root = gtk_widget_get_root (widget);
  OpenChooser *open;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (chooser != NULL);
  g_return_if_fail (chosen != NULL);

  g_clear_object (chooser);
  *chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                          GTK_FILE_CHOOSER_ACTION_OPEN, accept_label, cancel_label);
  for (guint i = 0; i < n_filters; i++)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (*chooser), filters[i]);

  open = g_new0 (OpenChooser, 1);
  open->chooser = chooser;
  open->chosen = chosen;
  g_object_set_data_full (G_OBJECT (*chooser), "reel-open-chooser", open, g_free);
  g_signal_connect_object (*chooser, "response", G_CALLBACK (open_chooser_response_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (*chooser));
}

/* "¥8.40 · $0.80": what was spent in each currency, in the order first charged. */
char *
reel_ui_format_ledger_totals (GPtrArray *entries)
{
  g_autoptr (GPtrArray) currencies = g_ptr_array_new ();
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) totals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < entries->len; i++)
    {
      ReelLedgerEntry *entry = g_ptr_array_index (entries, i);
      const char      *currency = entry->currency != NULL ? entry->currency : "";
      double          *total = g_hash_table_lookup (totals, currency);

      if (total == NULL)
        {
          total = g_new0 (double, 1);
          g_hash_table_insert (totals, (gpointer) currency, total);
          g_ptr_array_add (currencies, (gpointer) currency);
        }
      *total += entry->amount;
    }

  for (guint i = 0; i < currencies->len; i++)
    {
      const char *currency = g_ptr_array_index (currencies, i);

      g_ptr_array_add (parts, reel_format_money (*(double *) g_hash_table_lookup (totals, currency),
                                                 *currency != '\0' ? currency : NULL));
    }
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (_ (" · "), (char **) parts->pdata);
}

static char *
format_time_left (double seconds)
{
  guint minutes;

  if (seconds < 60)
    return g_strdup (_ ("less than a minute left"));
  minutes = (guint) ceil (seconds / 60);
  if (minutes < 90)
    /* Translators: an estimate of the time a batch still needs */
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "about %u min left", "about %u min left", minutes), minutes);
  {
    guint hours = (minutes + 30) / 60;

    /* Translators: an estimate of the time a batch still needs */
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "about %u hour left", "about %u hours left", hours), hours);
  }
}

char *
reel_ui_describe_batch_progress (GPtrArray *jobs, gint64 now, double *fraction)
{
  g_autoptr (GHashTable) running
      = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) shots = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *count = NULL;
  guint            n_jobs = 0, n_finished = 0;
  gint64           start = G_MAXINT64;

  g_return_val_if_fail (jobs != NULL, NULL);

  /* A batch runs while any of its jobs is unfinished. */
  for (guint i = 0; i < jobs->len; i++)
    {
      const ReelJobRecord *job = g_ptr_array_index (jobs, i);

      if (!reel_job_state_is_finished (job->state))
        g_hash_table_add (running, g_memdup2 (&job->batch_id, sizeof job->batch_id));
    }
  if (g_hash_table_size (running) == 0)
    return NULL;

  for (guint i = 0; i < jobs->len; i++)
    {
      const ReelJobRecord *job = g_ptr_array_index (jobs, i);

      if (job->state == REEL_JOB_CANCELLED || !g_hash_table_contains (running, &job->batch_id))
        continue;
      n_jobs++;
      if (reel_job_state_is_finished (job->state))
        n_finished++;
      g_hash_table_add (shots, (gpointer) &job->shot_id);
      if (job->created > 0)
        start = MIN (start, job->created);
    }

  if (fraction != NULL)
    *fraction = n_jobs > 0 ? (double) n_finished / n_jobs : 0;

  /* Variants make several takes of one shot: then it is takes that are counted. */
  if (g_hash_table_size (shots) == n_jobs)
    /* Translators: a batch's progress, "3 of 12 shots" */
    count
        = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u shot", "%u of %u shots", n_jobs),
                           n_finished, n_jobs);
  else
    /* Translators: a batch's progress, "3 of 12 takes" */
    count
        = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u take", "%u of %u takes", n_jobs),
                           n_finished, n_jobs);

  if (n_finished > 0 && n_finished < n_jobs && start < now)
    {
      double           seconds_per_job = (now - start) / 1000.0 / n_finished;
      g_autofree char *left = format_time_left (seconds_per_job * (n_jobs - n_finished));

      /* Translators: "3 of 12 shots · about 2 min left" */
      return g_strdup_printf (_ ("%s · %s"), count, left);
    }
  return g_steal_pointer (&count);
}

static void
load_thumbnail_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *path = task_data;
  int         size = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "size"));
  GError     *error = NULL;
  GdkPixbuf  *pixbuf = gdk_pixbuf_new_from_file_at_scale (path, size, size, TRUE, &error);

  if (pixbuf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pixbuf, g_object_unref);
}

void
reel_ui_load_thumbnail_async (const char         *path,
                              int                 size,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, reel_ui_load_thumbnail_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (task), "size", GINT_TO_POINTER (size));
  g_task_run_in_thread (task, load_thumbnail_thread);
}

GdkTexture *
reel_ui_load_thumbnail_finish (GAsyncResult *result, GError **error)
{
  g_autoptr (GdkPixbuf) pixbuf = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  /* A texture is made here, on the main thread, from the pixels decoded there. */
  pixbuf = g_task_propagate_pointer (G_TASK (result), error);
  return pixbuf != NULL ? gdk_texture_new_for_pixbuf (pixbuf) : NULL;
}

guint64
reel_ui_export_cache_limit (GSettings *settings)
{
  gint64 megabytes;

  if (settings == NULL)
    return 0; /* the exporter's default */
  megabytes = MAX (g_settings_get_int (settings, "export-cache-limit"), 0);
  return MAX ((guint64) megabytes << 20, 1);
}

char *
reel_ui_text_view_dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer;
  GtkTextIter    start, end;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);

  buffer = gtk_text_view_get_buffer (view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
