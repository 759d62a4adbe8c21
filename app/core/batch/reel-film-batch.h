/* reel-film-batch.h: one film per row of a table, for personalised films
 *
 * The script is a template: {column} placeholders are filled from each row of
 * a CSV table (see reel_csv_fill_template()). Every row becomes its own
 * project, so each film can be opened and touched up later, and its film is
 * exported under a name made of the row. A shot whose request to the backend
 * (prompt, size, length, fps, seed, backend, model, start image, …) is the
 * same in several rows is generated once; the other rows get a copy of that
 * take. Seeds come from the script, so unchanged shots stay alike between
 * rows and between runs, and a second run generates only what is new.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-csv.h"
#include "reel-exporter.h"
#include "reel-scheduler.h"

G_BEGIN_DECLS

#define REEL_FILM_BATCH_ERROR (reel_film_batch_error_quark ())

typedef enum
{
  REEL_FILM_BATCH_ERROR_NO_ROWS,     /* the table has a header and nothing else */
  REEL_FILM_BATCH_ERROR_NAME_COLUMN, /* the column to name films by is not in the table */
  REEL_FILM_BATCH_ERROR_FILMS,       /* some films could not be made; the others were */
} ReelFilmBatchError;

GQuark reel_film_batch_error_quark (void);

/* The scheduler a row's project generates with, its backends set up. While
 * planning it is called, and its scheduler used, in a worker thread. */
typedef ReelScheduler *(*ReelFilmBatchSchedulerFunc) (ReelProject *project,
                                                      gpointer     user_data,
                                                      GError     **error);

/* What a planned batch will do, in shots (one take each). */
typedef struct
{
  guint n_films;
  guint n_missing;  /* shots of all films without a take */
  guint n_generate; /* of those, the different requests to generate */
  guint n_shared;   /* of those, requests that several films share */
  guint n_personal; /* of those, requests that one film alone has */
  guint n_reuse;    /* shots that get a copy of a take, made now or before */
  /* What generating them costs on a paid backend, each shared request once;
   * currency NULL (and cost 0) on a free one. */
  double      cost;
  const char *currency;
} ReelFilmBatchSummary;

#define REEL_TYPE_FILM_BATCH (reel_film_batch_get_type ())
G_DECLARE_FINAL_TYPE (ReelFilmBatch, reel_film_batch, REEL, FILM_BATCH, GObject)

/* Films of @script (the template) for each row of @table (taken), written to
 * @films_dir as NN-NAME.EXT, their projects kept in @projects_dir.
 * @name_column: the column films are named by; NULL: "name" when the table
 * has it, else the row number alone; "": the row number alone. */
ReelFilmBatch *reel_film_batch_new (const char              *script,
                                    ReelCsv                 *table,
                                    const char              *name_column,
                                    const char              *projects_dir,
                                    const char              *films_dir,
                                    const ReelExportOptions *options,
                                    GError                 **error);
void           reel_film_batch_set_scheduler_func (ReelFilmBatch             *self,
                                                   ReelFilmBatchSchedulerFunc func,
                                                   gpointer                   user_data,
                                                   GDestroyNotify             destroy);
/* @backend NULL: "animatic"; @model NULL: the backend's default. */
void reel_film_batch_set_backend (ReelFilmBatch *self, const char *backend, const char *model);
/* Frame size, frame rate and shot length for the films' projects, and the
 * prompt craft each gets (characters with their pictures, own styles, style,
 * negative prompt, template), from @project (usually the one made of the
 * template itself), which the batch keeps. */
void reel_film_batch_set_settings_from (ReelFilmBatch *self, ReelProject *project);

ReelCsv    *reel_film_batch_get_table (ReelFilmBatch *self);
guint       reel_film_batch_get_n_films (ReelFilmBatch *self);
const char *reel_film_batch_get_film_path (ReelFilmBatch *self, guint row);
/* The seed every job of the batch asks for. */
gint64 reel_film_batch_get_seed (ReelFilmBatch *self);

/* Fills the template for each row, makes or updates each row's project
 * (copying the template's character pictures into it), and finds the shots
 * that are alike. Fails on the first row whose script cannot be made, naming
 * it. The template's prompt craft is read on the calling thread; the rows'
 * projects are opened, filled and closed in a worker, whose progress
 * ("Preparing film 2 of 5…") comes back as the batch's progress and status.
 * Cancelling stops before the next row; rows done so far keep their update.
 * Neither plan nor run the batch again until it finishes. */
void     reel_film_batch_plan_async (ReelFilmBatch      *self,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
gboolean reel_film_batch_plan_finish (ReelFilmBatch *self, GAsyncResult *result, GError **error);
/* The same, blocking the calling thread: for the command line. */
gboolean reel_film_batch_plan (ReelFilmBatch *self, GError **error);
void     reel_film_batch_get_summary (ReelFilmBatch *self, ReelFilmBatchSummary *summary);
/* The segments the films' exports encoded, and those they took from the
 * export cache: a shot the films share is encoded once. */
void reel_film_batch_get_segment_counts (ReelFilmBatch *self, guint *encoded, guint *reused);
/* "Generating 4 shared shots and 10 personal shots for 5 films; 16 takes reused." */
char *reel_film_batch_describe (ReelFilmBatch *self);

/* Makes the films one after the other ("film-finished" after each). A film
 * that fails does not stop the others; the result is then
 * REEL_FILM_BATCH_ERROR_FILMS. Cancelling stops local work (remote tasks are
 * resumed by the next run) and leaves the films made so far. */
void     reel_film_batch_run_async (ReelFilmBatch      *self,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
gboolean reel_film_batch_run_finish (ReelFilmBatch *self, GAsyncResult *result, GError **error);

/* 0…1 over the whole batch, and what it is doing, translated. */
double      reel_film_batch_get_progress (ReelFilmBatch *self);
const char *reel_film_batch_get_status (ReelFilmBatch *self);

G_END_DECLS
