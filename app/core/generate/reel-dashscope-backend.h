/* reel-dashscope-backend.h: Wan on Alibaba Cloud Model Studio (DashScope)
 *
 * Creates an asynchronous video-synthesis task, polls it within the
 * service's query limit, downloads the clip as soon as it is ready (its link
 * lasts 24 hours) and reports what the service billed. A task is created at
 * most once per job: the intent to create is committed first, and a create
 * whose reply was lost is looked up in the task list before another is made.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-backend.h"
#include "reel-price-table.h"

G_BEGIN_DECLS

#define REEL_DASHSCOPE_BASE_BEIJING "https://dashscope.aliyuncs.com/api/v1"
#define REEL_DASHSCOPE_BASE_SINGAPORE "https://dashscope-intl.aliyuncs.com/api/v1"
#define REEL_DASHSCOPE_BASE_US "https://dashscope-us.aliyuncs.com/api/v1"
#define REEL_DASHSCOPE_DEFAULT_MODEL "wan2.2-t2v-plus"

#define REEL_TYPE_DASHSCOPE_BACKEND (reel_dashscope_backend_get_type ())
G_DECLARE_FINAL_TYPE (
    ReelDashscopeBackend, reel_dashscope_backend, REEL, DASHSCOPE_BACKEND, GObject)

/* @base_url: NULL for Beijing. @api_key may be NULL: every job then fails
 * with an AUTH error that says which variable to set. */
ReelDashscopeBackend *reel_dashscope_backend_new (const char *base_url, const char *api_key);

/* "beijing", "singapore" or "us" → its base URL; NULL for anything else. */
const char *reel_dashscope_region_base_url (const char *region);
/* The known model ids, NULL-terminated. */
const char *const *reel_dashscope_list_models (void);

void reel_dashscope_backend_set_model (ReelDashscopeBackend *self, const char *model);
void reel_dashscope_backend_set_prompt_extend (ReelDashscopeBackend *self, gboolean prompt_extend);
void reel_dashscope_backend_set_watermark (ReelDashscopeBackend *self, gboolean watermark);
/* Tasks that may run at once on the account: 2 unless the user's account allows more. */
void reel_dashscope_backend_set_max_parallel_jobs (ReelDashscopeBackend *self, guint jobs);
void reel_dashscope_backend_set_prices (ReelDashscopeBackend *self, ReelPriceTable *prices);
/* How often a task is polled: from @min_ms, growing to @max_ms. Tests and
 * benchmarks shorten it; the service is polled within 20 queries a second. */
void
reel_dashscope_backend_set_poll_interval (ReelDashscopeBackend *self, guint min_ms, guint max_ms);

G_END_DECLS
