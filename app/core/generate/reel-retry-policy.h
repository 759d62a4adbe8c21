/* reel-retry-policy.h: when to try a failed job again
 *
 * Pure functions, so the policy is tested without a clock or a backend.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-project-jobs.h"

G_BEGIN_DECLS

typedef struct
{
  guint  max_attempts;
  double base_delay; /* seconds before the second attempt */
  double factor;     /* growth per attempt */
  double max_delay;  /* ceiling, seconds */
  double jitter;     /* ± fraction of the delay, so many failed jobs do not retry in step */
} ReelRetryPolicy;

#define REEL_RETRY_POLICY_DEFAULT                                                                  \
  ((ReelRetryPolicy){                                                                              \
      .max_attempts = 5, .base_delay = 2.0, .factor = 2.0, .max_delay = 120.0, .jitter = 0.25 })

/* Returns TRUE when a job that failed with @kind after @attempts attempts
 * should run again, and sets @delay (seconds). @random is uniform in [0, 1). */
gboolean reel_retry_policy_should_retry (const ReelRetryPolicy *policy,
                                         ReelFailureKind        kind,
                                         guint                  attempts,
                                         double                 random,
                                         double                *delay);

G_END_DECLS
