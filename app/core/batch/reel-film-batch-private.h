/* reel-film-batch-private.h: ReelFilmBatch's struct, shared by its planning
 * (reel-film-batch.c) and its run (reel-film-batch-run.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-film-batch.h"

G_BEGIN_DECLS

/* A shot of a film that has no take yet, and the key of its request. */
typedef struct
{
  gint64 shot_id;
  char  *number;
  char  *key;
  double cost; /* what generating it costs on the batch's backend; 0 when free */
} MissingShot;

typedef struct
{
  char      *film_path;
  char      *project_path;
  GPtrArray *missing; /* MissingShot */
} FilmRow;

/* A take whose media any film with the same request can copy. */
typedef struct
{
  char     *media_path; /* absolute */
  ReelTake *take;
} Donor;

struct _ReelFilmBatch
{
  GObject parent_instance;

  char              *script;
  ReelCsv           *table;
  char              *projects_dir;
  ReelExportOptions *options;
  char              *backend;
  char              *currency; /* of the backend's prices, NULL when it is free */
  char              *model;
  gint64             seed;
  guint              width, height, fps;
  double             shot_duration;
  ReelProject *template; /* whose prompt craft every row gets, or NULL */

  ReelFilmBatchSchedulerFunc scheduler_func;
  gpointer                   scheduler_data;
  GDestroyNotify             scheduler_destroy;

  GPtrArray           *rows;   /* FilmRow */
  GHashTable          *donors; /* request key → Donor */
  ReelFilmBatchSummary summary;

  /* While running */
  GTask         *task;
  guint          current;
  guint          n_failed;
  ReelProject   *project;
  ReelScheduler *scheduler;
  ReelExporter  *exporter;
  GString       *shot_failures;
  guint          pending_imports;
  int            export_decile;
  guint          segments_encoded;
  guint          segments_reused;
  gulong         cancelled_handler;
  double         progress;
  char          *status;
};

enum
{
  FILM_FINISHED,
  N_SIGNALS
};

extern guint reel_film_batch_signals[N_SIGNALS];

ReelScheduler *
reel_film_batch_make_scheduler (ReelFilmBatch *self, ReelProject *project, GError **error);
ReelGenerateOptions reel_film_batch_generate_options (ReelFilmBatch *self);
/* The key of @request: equal for requests that make the same pixels. */
char *reel_film_batch_request_key (const ReelJobRequest *request);
void  reel_film_batch_add_donor (ReelFilmBatch *self,
                                 const char    *key,
                                 ReelProject   *project,
                                 gint64         take_id);
void  reel_film_batch_set_progress (ReelFilmBatch *self, double progress, const char *status);

G_END_DECLS
