/* reel-job-item.c: one generation job as an item of the Jobs view's list models
 *
 * The Jobs view keeps one item per job for as long as the job is listed, so
 * its list views keep their rows when the job changes group or place; a row
 * exists only while its item is in sight, and follows the item's signals.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include "reel-job-item.h"

struct _ReelJobItem
{
  GObject parent_instance;

  ReelJobRecord *job;
  char          *shot_number;
  char          *backend_label;
};

G_DEFINE_FINAL_TYPE (ReelJobItem, reel_job_item, G_TYPE_OBJECT)

enum
{
  CHANGED,
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
reel_job_item_finalize (GObject *object)
{
  ReelJobItem *self = REEL_JOB_ITEM (object);

  g_clear_pointer (&self->job, reel_job_record_free);
  g_clear_pointer (&self->shot_number, g_free);
  g_clear_pointer (&self->backend_label, g_free);

  G_OBJECT_CLASS (reel_job_item_parent_class)->finalize (object);
}

static void
reel_job_item_class_init (ReelJobItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reel_job_item_finalize;

  /**
   * ReelJobItem::changed:
   *
   * The job, its shot's number or its engine's name changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  /**
   * ReelJobItem::progress:
   *
   * Only the job's progress changed.
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
reel_job_item_init (ReelJobItem *self)
{
}

ReelJobItem *
reel_job_item_new (const ReelJobRecord *job)
{
  ReelJobItem *self = g_object_new (REEL_TYPE_JOB_ITEM, NULL);

  self->job = reel_job_record_copy (job);
  return self;
}

/* Whether what a row shows of the job differs: its state, progress, message,
 * error or place in the queue. */
static gboolean
jobs_differ (const ReelJobRecord *a, const ReelJobRecord *b)
{
  return a->state != b->state || a->progress != b->progress || a->priority != b->priority
         || a->variant != b->variant || a->error_kind != b->error_kind || a->updated != b->updated
         || a->attempts != b->attempts || a->max_attempts != b->max_attempts
         || a->next_attempt_at != b->next_attempt_at || a->take_id != b->take_id
         || g_strcmp0 (a->model, b->model) != 0 || g_strcmp0 (a->message, b->message) != 0
         || g_strcmp0 (a->error, b->error) != 0 || g_strcmp0 (a->backend, b->backend) != 0;
}

void
reel_job_item_update (ReelJobItem         *self,
                      const ReelJobRecord *job,
                      const char          *shot_number,
                      const char          *backend_label)
{
  g_return_if_fail (REEL_IS_JOB_ITEM (self));
  g_return_if_fail (job != NULL);

  if (!jobs_differ (self->job, job) && g_strcmp0 (self->shot_number, shot_number) == 0
      && g_strcmp0 (self->backend_label, backend_label) == 0)
    return;

  g_clear_pointer (&self->job, reel_job_record_free);
  self->job = reel_job_record_copy (job);
  g_free (self->shot_number);
  self->shot_number = g_strdup (shot_number);
  g_free (self->backend_label);
  self->backend_label = g_strdup (backend_label);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
reel_job_item_set_progress (ReelJobItem *self, double fraction)
{
  g_return_if_fail (REEL_IS_JOB_ITEM (self));

  self->job->progress = CLAMP (fraction, 0.0, 1.0);
  g_signal_emit (self, signals[PROGRESS], 0);
}

const ReelJobRecord *
reel_job_item_get_job (ReelJobItem *self)
{
  g_return_val_if_fail (REEL_IS_JOB_ITEM (self), NULL);
  return self->job;
}

const char *
reel_job_item_get_shot_number (ReelJobItem *self)
{
  g_return_val_if_fail (REEL_IS_JOB_ITEM (self), NULL);
  return self->shot_number;
}

const char *
reel_job_item_get_backend_label (ReelJobItem *self)
{
  g_return_val_if_fail (REEL_IS_JOB_ITEM (self), NULL);
  return self->backend_label;
}
