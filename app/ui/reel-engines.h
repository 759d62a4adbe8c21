/* reel-engines.h: a scheduler's shipped backends, kept set up from preferences
 *
 * The window's scheduler gets every backend Storyreel ships
 * (reel_backend_list_names()), each made by reel_backend_create() from the
 * app's GSettings and its API key. Keys are looked up asynchronously, so the
 * main loop never waits on the keyring; until a remote backend's first
 * lookup has finished, it is not in the scheduler and "ready" is FALSE. The
 * local backends wait the same way for the GPU probe, and share the GPU
 * slots made from its answer.
 * A backend is made again when its settings, the prices or its key change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-gpu-probe.h"
#include "reel-scheduler.h"

G_BEGIN_DECLS

#define REEL_TYPE_ENGINES (reel_engines_get_type ())
G_DECLARE_FINAL_TYPE (ReelEngines, reel_engines, REEL, ENGINES, GObject)

/* Starts setting up @scheduler's shipped backends from @settings (the app's
 * GSettings, or NULL for the defaults). The local engines share the GPU
 * slots of @gpu_probe (the application's, so that all windows share them;
 * NULL: a probe of their own). The backends that need neither a key nor a
 * GPU are in the scheduler when this returns. */
ReelEngines *
reel_engines_new (ReelScheduler *scheduler, GSettings *settings, ReelGpuProbe *gpu_probe);
/* TRUE once every shipped backend is in the scheduler ("ready"). */
gboolean reel_engines_is_ready (ReelEngines *self);
/* Looks @backend's key up again and sets it up anew (NULL: every backend). */
void reel_engines_reload (ReelEngines *self, const char *backend);

G_END_DECLS
