/* reel-jobs-page.h: the Jobs view: queued, running, failed and done jobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-scheduler.h"

G_BEGIN_DECLS

#define REEL_TYPE_JOBS_PAGE (reel_jobs_page_get_type ())
G_DECLARE_FINAL_TYPE (ReelJobsPage, reel_jobs_page, REEL, JOBS_PAGE, GtkWidget)

/* Follows the jobs of @scheduler's project (NULL: none). */
void reel_jobs_page_set_scheduler (ReelJobsPage *self, ReelScheduler *scheduler);
/* Failed jobs, shown as the view's badge ("n-failed"). */
guint reel_jobs_page_get_n_failed (ReelJobsPage *self);
/* Says above the jobs that the default engine @backend (called @label)
 * cannot generate, and why; a NULL @problem takes that away. */
void reel_jobs_page_set_engine_problem (ReelJobsPage *self,
                                        const char   *backend,
                                        const char   *label,
                                        const char   *problem);
/* The problem shown, or NULL. */
const char *reel_jobs_page_get_engine_problem (ReelJobsPage *self);
/* What the Spending group says was spent ("¥8.40 in all"), or NULL while
 * nothing was charged. */
const char *reel_jobs_page_get_spending_summary (ReelJobsPage *self);
/* What the heading says of the running batch ("3 of 12 shots · about 2 min
 * left"), or NULL while none runs. */
const char *reel_jobs_page_get_batch_progress (ReelJobsPage *self);
/* Brings the list up to date now instead of after the coalescing delay. */
void reel_jobs_page_refresh (ReelJobsPage *self);

G_END_DECLS
