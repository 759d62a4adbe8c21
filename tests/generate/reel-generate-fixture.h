/* reel-generate-fixture.h: what the scheduler's tests set up alike
 *
 * A project broken down from a script in a test's temporary directory, the
 * clip a test backend hands back, a scheduler that says when it is idle, and
 * a bounded wait for it to be.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-project.h"
#include "reel-scheduler.h"

G_BEGIN_DECLS

/* Writes a 64×36, 8 fps, half-second animatic to @path. */
void reel_generate_fixture_render_clip (const char *path);

/* A new project @file_name in @dir at 64×36 (and @fps frames a second,
 * unless 0), with @script broken down into shots. */
ReelProject *reel_generate_fixture_create_project (const char *dir,
                                                   const char *file_name,
                                                   guint       fps,
                                                   const char *script);
/* (transfer full) gint64: the ids of @project's shots in their order; there
 * must be @n_shots of them. */
GArray *reel_generate_fixture_dup_shot_ids (ReelProject *project, guint n_shots);

/* A scheduler for @project with @backend, which sets *@idle each time it
 * goes idle. */
ReelScheduler *
reel_generate_fixture_new_scheduler (ReelProject *project, ReelBackend *backend, gboolean *idle);
/* Shuts *@scheduler down, when there is one, and drops it. */
void reel_generate_fixture_stop_scheduler (ReelScheduler **scheduler);

/* Clears *@idle, then iterates the main loop until the scheduler that sets
 * it goes idle; fails the test after 30 s. */
void reel_generate_fixture_wait_idle (gboolean *idle);

G_END_DECLS
