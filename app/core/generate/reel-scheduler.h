/* reel-scheduler.h: the generation queue and its policy
 *
 * The scheduler lives on the main thread next to ReelProject. It turns shots
 * into durable jobs, runs them on a worker pool per backend within that
 * backend's parallelism, retries transient failures with backoff and jitter,
 * and resumes every unfinished job after a restart. Workers never touch the
 * project: their reports come back to the main context and are recorded here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-backend.h"
#include "reel-price-table.h"
#include "reel-project-jobs.h"
#include "reel-retry-policy.h"

G_BEGIN_DECLS

/* A shot the user clicks goes ahead of a batch. */
#define REEL_PRIORITY_BATCH 0
#define REEL_PRIORITY_CLICK 10

typedef struct
{
  const char *backend;  /* NULL: "animatic" */
  const char *model;    /* NULL: the backend's default */
  guint       variants; /* takes per shot, each with its own seed; 0 means 1 */
  int         priority;
  gint64      seed;       /* 0: random */
  gboolean    regenerate; /* also shots that already have a take */
} ReelGenerateOptions;

#define REEL_TYPE_SCHEDULER (reel_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (ReelScheduler, reel_scheduler, REEL, SCHEDULER, GObject)

ReelScheduler *reel_scheduler_new (ReelProject *project);
ReelProject   *reel_scheduler_get_project (ReelScheduler *self);

void reel_scheduler_add_backend (ReelScheduler *self, ReelBackend *backend);
/* The backends that need no setup: the animatic engine. */
void         reel_scheduler_add_default_backends (ReelScheduler *self);
ReelBackend *reel_scheduler_get_backend (ReelScheduler *self, const char *name);
/* (transfer full) ReelBackend*: each kept alive for as long as the list,
 * which a worker may hold while the scheduler changes its backends. */
GPtrArray *reel_scheduler_list_backends (ReelScheduler *self);
/* 0: the backend's own limit. */
void reel_scheduler_set_parallel_limit (ReelScheduler *self, const char *backend, guint limit);
void reel_scheduler_set_retry_policy (ReelScheduler *self, const ReelRetryPolicy *policy);

/* Queues jobs for @shot_ids (NULL: every shot without a take), skipping
 * shots that already have an unfinished job. Returns the batch id, or 0 with
 * @error set; 0 without an error means there was nothing to do. */
gint64 reel_scheduler_generate (ReelScheduler             *self,
                                const gint64              *shot_ids,
                                guint                      n_shots,
                                const ReelGenerateOptions *options,
                                GError                   **error);
/* What a generate call would cost, before anything is queued. */
typedef struct
{
  guint    n_shots;
  guint    n_jobs;
  double   seconds;     /* of video asked for, over all jobs */
  double   duration;    /* of each job when they are all as long, else 0 */
  double   amount;      /* in @currency */
  char    *currency;    /* NULL when the backend is free */
  guint    n_unpriced;  /* jobs whose price is not in the price table */
  gboolean over_budget; /* the project's budget would not cover it */
  double   budget_left; /* in the budget's currency; negative: no budget */
  guint    n_blocked;   /* shots the safety screen stops, counted in nothing above */
  /* ReelJobRecord*: the jobs reel_scheduler_estimate_async() worked out,
   * for reel_scheduler_generate_planned(); NULL otherwise. */
  GPtrArray *jobs;
} ReelCostEstimate;

void reel_cost_estimate_clear (ReelCostEstimate *estimate);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReelCostEstimate, reel_cost_estimate_clear)
/* "12 shots × 5 s ≈ ¥8.40", or "3 shots, free"; "…; 2 shots blocked" when the safety
 * screen stops some. */
char *reel_cost_estimate_describe (const ReelCostEstimate *estimate);

gboolean reel_scheduler_estimate (ReelScheduler             *self,
                                  const gint64              *shot_ids,
                                  guint                      n_shots,
                                  const ReelGenerateOptions *options,
                                  ReelCostEstimate          *estimate,
                                  GError                   **error);
/* The same, for many shots: working out every shot's final prompt and screening it takes
 * seconds for a long project, so it is done in a worker, on a connection of its own to the
 * project's file (edits are written as they are made). The shots with unfinished jobs and the
 * budget are read on the calling thread. */
void     reel_scheduler_estimate_async (ReelScheduler             *self,
                                        const gint64              *shot_ids,
                                        guint                      n_shots,
                                        const ReelGenerateOptions *options,
                                        GCancellable              *cancellable,
                                        GAsyncReadyCallback        callback,
                                        gpointer                   user_data);
gboolean reel_scheduler_estimate_finish (ReelScheduler    *self,
                                         GAsyncResult     *result,
                                         ReelCostEstimate *estimate,
                                         GError          **error);
/* Queues the jobs an estimate worked out in its worker (@estimate->jobs,
 * which it takes), as reel_scheduler_generate() with the same arguments
 * would have: a shot deleted, or being generated, since is left out, and
 * the budget is checked again. Only valid while the project has not
 * changed since the estimate began. Returns the batch's id, or 0. */
gint64
reel_scheduler_generate_planned (ReelScheduler *self, ReelCostEstimate *estimate, GError **error);

/* (transfer full) ReelJobRequest*: what a generate call with the same
 * arguments would ask its backend, one per job, without queuing anything.
 * With a fixed @options->seed, two projects whose shots would be made
 * alike get equal requests (shot ids aside). */
GPtrArray *reel_scheduler_dup_requests (ReelScheduler             *self,
                                        const gint64              *shot_ids,
                                        guint                      n_shots,
                                        const ReelGenerateOptions *options,
                                        GError                   **error);

/* Picks up the jobs a previous run left unfinished. Returns how many. */
guint    reel_scheduler_resume_unfinished_jobs (ReelScheduler *self, GError **error);
gboolean reel_scheduler_cancel_job (ReelScheduler *self, gint64 job_id, GError **error);
void     reel_scheduler_cancel_all (ReelScheduler *self);
gboolean reel_scheduler_retry_job (ReelScheduler *self, gint64 job_id, GError **error);
/* Stops the workers without cancelling their jobs: the next start resumes them. */
void reel_scheduler_shutdown (ReelScheduler *self);

/* Jobs not yet finished (queued, running, waiting for a retry). */
guint reel_scheduler_get_n_unfinished (ReelScheduler *self);
guint reel_scheduler_get_n_running (ReelScheduler *self);
/* (transfer full) ReelJobRecord*: this project's jobs, newest state. */
GPtrArray *reel_scheduler_list_jobs (ReelScheduler *self);

G_END_DECLS
