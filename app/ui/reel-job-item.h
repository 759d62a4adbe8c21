/* reel-job-item.h: one generation job as an item of the Jobs view's list models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-project-jobs.h"

G_BEGIN_DECLS

#define REEL_TYPE_JOB_ITEM (reel_job_item_get_type ())
G_DECLARE_FINAL_TYPE (ReelJobItem, reel_job_item, REEL, JOB_ITEM, GObject)

ReelJobItem *reel_job_item_new (const ReelJobRecord *job);
/* Takes a copy of @job and what its row shows of its shot (NULL when the shot
 * is gone) and engine; emits "changed" when any of it differs. */
void reel_job_item_update (ReelJobItem         *self,
                           const ReelJobRecord *job,
                           const char          *shot_number,
                           const char          *backend_label);
/* A progress tick between two updates; emits "progress". */
void                 reel_job_item_set_progress (ReelJobItem *self, double fraction);
const ReelJobRecord *reel_job_item_get_job (ReelJobItem *self);
const char          *reel_job_item_get_shot_number (ReelJobItem *self);
const char          *reel_job_item_get_backend_label (ReelJobItem *self);

G_END_DECLS
