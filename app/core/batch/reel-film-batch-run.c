/* reel-film-batch-run.c: one film per row of a table: making the films
 *
 * One film at a time, each in three steps on the main context: copy the
 * takes other films made for the same requests, generate the rest, export.
 * The takes a film generates become donors for the films after it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-batch"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-cut.h"
#include "reel-film-batch-private.h"
#include "reel-project-import.h"

static void start_film (ReelFilmBatch *self);

static FilmRow *
current_row (ReelFilmBatch *self)
{
  return g_ptr_array_index (self->rows, self->current);
}

static void
clear_film (ReelFilmBatch *self)
{
  if (self->scheduler != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->scheduler, self);
      reel_scheduler_shutdown (self->scheduler);
    }
  g_clear_object (&self->scheduler);
  g_clear_object (&self->exporter);
  g_clear_object (&self->project);
  g_string_truncate (self->shot_failures, 0);
}

static void
finish_batch (ReelFilmBatch *self, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  clear_film (self);
  g_clear_signal_handler (&self->cancelled_handler, g_task_get_cancellable (task));
  if (error != NULL)
    g_task_return_error (task, error);
  else if (self->n_failed > 0)
    g_task_return_new_error (task, REEL_FILM_BATCH_ERROR, REEL_FILM_BATCH_ERROR_FILMS,
                             _ ("%u of %u films could not be made."), self->n_failed,
                             self->rows->len);
  else
    g_task_return_boolean (task, TRUE);
}

/* Ends the batch when it was cancelled; TRUE then. */
static gboolean
stop_if_cancelled (ReelFilmBatch *self)
{
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (self->task), &error))
    return FALSE;
  finish_batch (self, error);
  return TRUE;
}

/* Tells about the current film, and goes on with the next. */
static void
film_finished (ReelFilmBatch *self, GError *error)
{
  g_autoptr (GError) owned = error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_batch (self, g_steal_pointer (&owned));
      return;
    }
  if (error != NULL)
    self->n_failed++;
  g_signal_emit (self, reel_film_batch_signals[FILM_FINISHED], 0, self->current,
                 current_row (self)->film_path, error);
  clear_film (self);
  self->current++;
  reel_film_batch_set_progress (self, 0, NULL);
  start_film (self);
}

static void
export_progress_cb (ReelExporter *exporter, GParamSpec *pspec, ReelFilmBatch *self)
{
  double           progress = reel_exporter_get_progress (exporter);
  g_autofree char *status = NULL;

  /* A line a tenth, for logs and screen readers alike. */
  if ((int) (progress * 10) == self->export_decile)
    {
      reel_film_batch_set_progress (self, 0.5 + progress / 2, NULL);
      return;
    }
  self->export_decile = (int) (progress * 10);
  status = g_strdup_printf (_ ("exporting, %.0f %%"), progress * 100);
  reel_film_batch_set_progress (self, 0.5 + progress / 2, status);
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelFilmBatch *self = user_data;
  GError        *error = NULL;

  reel_exporter_run_finish (REEL_EXPORTER (source), result, &error);
  /* Every film exports through the same segment cache (unless the options
   * turn it off), so the shots the films share are encoded once. */
  self->segments_encoded += reel_exporter_get_segments_encoded (REEL_EXPORTER (source));
  self->segments_reused += reel_exporter_get_segments_reused (REEL_EXPORTER (source));
  film_finished (self, error);
}

static void
export_film (ReelFilmBatch *self)
{
  GError  *error = NULL;
  ReelCut *cut = reel_cut_new_from_project (self->project, &error);

  if (cut == NULL)
    {
      film_finished (self, error);
      return;
    }
  self->exporter = reel_exporter_new (cut, self->options, current_row (self)->film_path);
  g_signal_connect (self->exporter, "notify::progress", G_CALLBACK (export_progress_cb), self);
  self->export_decile = 0;
  reel_film_batch_set_progress (self, 0.5, _ ("exporting"));
  reel_exporter_run_async (self->exporter, g_task_get_cancellable (self->task), export_done_cb,
                           self);
}

/* Every shot of the film has a take now, or the film cannot be made. The
 * takes made for it are offered to the films after it. */
static void
generated (ReelFilmBatch *self)
{
  FilmRow *row = current_row (self);
  guint    n_missing = 0;

  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  if (stop_if_cancelled (self))
    return;
  for (guint i = 0; i < row->missing->len; i++)
    {
      MissingShot *missing = g_ptr_array_index (row->missing, i);
      ReelShot    *shot = reel_project_lookup_shot (self->project, missing->shot_id);
      gint64       take_id = shot != NULL ? reel_shot_get_chosen_take_id (shot) : 0;

      if (take_id != 0)
        reel_film_batch_add_donor (self, missing->key, self->project, take_id);
      else
        n_missing++;
    }
  if (n_missing > 0)
    {
      film_finished (self,
                     g_error_new (REEL_FILM_BATCH_ERROR, REEL_FILM_BATCH_ERROR_FILMS,
                                  _ ("%u shots could not be generated, so the film was not made: "
                                     "%s"),
                                  n_missing, self->shot_failures->str));
      return;
    }
  export_film (self);
}

static void
scheduler_idle_cb (ReelScheduler *scheduler, ReelFilmBatch *self)
{
  generated (self);
}

static void
job_changed_cb (ReelScheduler *scheduler, gint64 job_id, guint state, ReelFilmBatch *self)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autofree char *status = NULL;
  ReelShot        *shot;
  /* The job that just finished is still counted while this is told. */
  guint left = MAX (reel_scheduler_get_n_unfinished (scheduler), 1) - 1;

  if (state != REEL_JOB_FAILED && state != REEL_JOB_CANCELLED && state != REEL_JOB_DONE)
    return;
  status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "generating, %u shot to go",
                                         "generating, %u shots to go", left),
                            left);
  reel_film_batch_set_progress (self, 0.25, status);
  if (state == REEL_JOB_DONE)
    return;
  job = reel_project_get_job (self->project, job_id);
  shot = job != NULL ? reel_project_lookup_shot (self->project, job->shot_id) : NULL;
  g_string_append_printf (self->shot_failures, "%s%s: %s", self->shot_failures->len > 0 ? "; " : "",
                          shot != NULL ? reel_shot_get_number (shot) : "?",
                          job != NULL && job->error != NULL ? job->error : _ ("cancelled"));
}

/* The shots no other film has made alike, on the batch's backend. */
static void
generate_rest (ReelFilmBatch *self)
{
  FilmRow *row = current_row (self);
  g_autoptr (GArray) shot_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GError) error = NULL;
  ReelGenerateOptions options = reel_film_batch_generate_options (self);

  for (guint i = 0; i < row->missing->len; i++)
    {
      MissingShot *missing = g_ptr_array_index (row->missing, i);
      ReelShot    *shot = reel_project_lookup_shot (self->project, missing->shot_id);

      if (shot != NULL && reel_shot_get_chosen_take_id (shot) == 0)
        g_array_append_val (shot_ids, missing->shot_id);
    }

  g_signal_connect (self->scheduler, "job-changed", G_CALLBACK (job_changed_cb), self);
  reel_scheduler_resume_unfinished_jobs (self->scheduler, NULL);
  if (shot_ids->len > 0)
    reel_scheduler_generate (self->scheduler, (gint64 *) shot_ids->data, shot_ids->len, &options,
                             &error);
  if (error != NULL)
    g_string_append (self->shot_failures, error->message);
  if (reel_scheduler_get_n_unfinished (self->scheduler) == 0)
    {
      generated (self);
      return;
    }
  reel_film_batch_set_progress (self, 0.1, _ ("generating"));
  g_signal_connect (self->scheduler, "idle", G_CALLBACK (scheduler_idle_cb), self);
}

static void
import_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelFilmBatch) self = user_data;
  g_autoptr (GError) error = NULL;

  if (reel_project_import_take_finish (REEL_PROJECT (source), result, &error) == 0)
    g_string_append_printf (self->shot_failures, "%s%s", self->shot_failures->len > 0 ? "; " : "",
                            error->message);
  if (--self->pending_imports > 0 || self->task == NULL)
    return;
  if (stop_if_cancelled (self))
    return;
  generate_rest (self);
}

/* Copies the takes of shots that an earlier film (or an earlier run) made
 * for the same request. */
static void
copy_shared_takes (ReelFilmBatch *self)
{
  FilmRow *row = current_row (self);

  for (guint i = 0; i < row->missing->len; i++)
    {
      MissingShot *missing = g_ptr_array_index (row->missing, i);
      Donor       *donor = g_hash_table_lookup (self->donors, missing->key);
      ReelShot    *shot = reel_project_lookup_shot (self->project, missing->shot_id);
      g_autoptr (GFile) file = NULL;

      if (donor == NULL || shot == NULL || reel_shot_get_chosen_take_id (shot) != 0)
        continue;
      file = g_file_new_for_path (donor->media_path);
      self->pending_imports++;
      reel_project_import_take_async (self->project, missing->shot_id, file, donor->take,
                                      REEL_MEDIA_ADD_COPY, g_task_get_cancellable (self->task),
                                      import_done_cb, g_object_ref (self));
    }
  if (self->pending_imports == 0)
    generate_rest (self);
  else
    reel_film_batch_set_progress (self, 0, _ ("copying shared shots"));
}

static void
start_film (ReelFilmBatch *self)
{
  FilmRow *row;
  g_autoptr (GFile) file = NULL;
  GError *error = NULL;

  if (stop_if_cancelled (self))
    return;
  if (self->current >= self->rows->len)
    {
      finish_batch (self, NULL);
      return;
    }
  row = current_row (self);
  file = g_file_new_for_path (row->project_path);
  self->project = reel_project_open (file, &error);
  if (self->project != NULL)
    self->scheduler = reel_film_batch_make_scheduler (self, self->project, &error);
  if (self->scheduler == NULL)
    {
      film_finished (self, error);
      return;
    }
  copy_shared_takes (self);
}

static void
cancelled_cb (GCancellable *cancellable, ReelFilmBatch *self)
{
  /* Stop, not cancel: local work ends, remote tasks wait for the next run. */
  if (self->scheduler != NULL && self->exporter == NULL && self->pending_imports == 0)
    {
      reel_scheduler_shutdown (self->scheduler);
      generated (self);
    }
}

void
reel_film_batch_run_async (ReelFilmBatch      *self,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GCancellable) own
      = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();

  g_return_if_fail (REEL_IS_FILM_BATCH (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, own, callback, user_data);
  g_task_set_source_tag (self->task, reel_film_batch_run_async);
  if (self->shot_failures == NULL)
    self->shot_failures = g_string_new (NULL);
  self->current = 0;
  self->n_failed = 0;
  /* Run on the main context, where the cancellable is cancelled too. */
  self->cancelled_handler = g_signal_connect (own, "cancelled", G_CALLBACK (cancelled_cb), self);
  reel_film_batch_set_progress (self, 0, _ ("starting"));
  start_film (self);
}

gboolean
reel_film_batch_run_finish (ReelFilmBatch *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
