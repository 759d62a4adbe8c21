/* reel-fal-backend.h: Wan on fal.ai's queue
 *
 * Submits to https://queue.fal.run/{model}, keeps the status, response and
 * cancel URLs the queue returns (they name only the owner and app, never the
 * full model path) and uses them as given, then downloads the clip. The
 * length is asked for exactly: frames per second and a frame count, with
 * fal's frame interpolation turned off.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-backend.h"
#include "reel-price-table.h"

G_BEGIN_DECLS

#define REEL_FAL_BASE "https://queue.fal.run"
#define REEL_FAL_DEFAULT_MODEL "fal-ai/wan/v2.2-a14b/text-to-video"

#define REEL_TYPE_FAL_BACKEND (reel_fal_backend_get_type ())
G_DECLARE_FINAL_TYPE (ReelFalBackend, reel_fal_backend, REEL, FAL_BACKEND, GObject)

/* @base_url: NULL for https://queue.fal.run. @api_key may be NULL: jobs then
 * fail with an AUTH error that says to set FAL_KEY. */
ReelFalBackend *reel_fal_backend_new (const char *base_url, const char *api_key);

const char *const *reel_fal_list_models (void);

void reel_fal_backend_set_model (ReelFalBackend *self, const char *model);
void reel_fal_backend_set_max_parallel_jobs (ReelFalBackend *self, guint jobs);
void reel_fal_backend_set_prices (ReelFalBackend *self, ReelPriceTable *prices);
void reel_fal_backend_set_poll_interval (ReelFalBackend *self, guint min_ms, guint max_ms);

G_END_DECLS
