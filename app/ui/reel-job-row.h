/* reel-job-row.h: one generation job in the Jobs view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "reel-project-jobs.h"

G_BEGIN_DECLS

#define REEL_TYPE_JOB_ROW (reel_job_row_get_type ())
G_DECLARE_FINAL_TYPE (ReelJobRow, reel_job_row, REEL, JOB_ROW, AdwActionRow)

GtkWidget *reel_job_row_new (void);
/* Shows @job; @shot_number is NULL when its shot is gone, @backend_label the
 * backend's display name. */
void reel_job_row_update (ReelJobRow          *self,
                          const ReelJobRecord *job,
                          const char          *shot_number,
                          const char          *backend_label);
/* A progress tick: only the progress bar changes. */
void                 reel_job_row_set_progress (ReelJobRow *self, double fraction);
const ReelJobRecord *reel_job_row_get_job (ReelJobRow *self);
/* What the row says of the job's progress ("42 %", or "—" while not known). */
const char *reel_job_row_get_progress_text (ReelJobRow *self);

G_END_DECLS
