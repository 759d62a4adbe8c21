/* reel-retry-policy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <math.h>

#include "reel-retry-policy.h"

gboolean
reel_retry_policy_should_retry (const ReelRetryPolicy *policy,
                                ReelFailureKind        kind,
                                guint                  attempts,
                                double                 random,
                                double                *delay)
{
  double base;

  /* Bad input, refused content and bad keys fail the same way every time:
   * retrying would only cost money. */
  if (kind != REEL_FAILURE_TRANSIENT)
    return FALSE;
  if (attempts >= policy->max_attempts)
    return FALSE;

  base = policy->base_delay * pow (policy->factor, attempts > 0 ? attempts - 1 : 0);
  base = MIN (base, policy->max_delay);
  if (delay != NULL)
    *delay = MAX (0.0, base * (1.0 + policy->jitter * (2.0 * CLAMP (random, 0.0, 1.0) - 1.0)));

  return TRUE;
}
