/* reel-test-backend.h: a backend with settable latency and failures
 *
 * For tests and benchmarks: it sleeps for its latency, then hands back a copy
 * of a fixture video. It can act as a remote service (reporting task ids) and
 * fail chosen shots in chosen ways, and it counts what it was asked to do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-backend.h"

G_BEGIN_DECLS

#define REEL_TYPE_TEST_BACKEND (reel_test_backend_get_type ())
G_DECLARE_FINAL_TYPE (ReelTestBackend, reel_test_backend, REEL, TEST_BACKEND, GObject)

ReelTestBackend      *
reel_test_backend_new (const char *fixture_path, double latency, guint max_parallel_jobs);
void reel_test_backend_set_remote (ReelTestBackend *self, gboolean remote);
/* The longest clip it makes (600 s unless set). */
void reel_test_backend_set_max_duration (ReelTestBackend *self, double seconds);
/* (transfer full) ReelJobRequest*: what it was asked, in the order it was asked. */
GPtrArray *reel_test_backend_dup_requests (ReelTestBackend *self);
/* The first @times attempts for @shot_id fail with @kind (G_MAXUINT: always). */
void reel_test_backend_fail_shot (ReelTestBackend *self,
                                  gint64           shot_id,
                                  ReelBackendError kind,
                                  guint            times);
/* Blocks every job in wait() until reel_test_backend_release() (for cancel tests). */
void  reel_test_backend_hold (ReelTestBackend *self, gboolean hold);
guint reel_test_backend_count_submits (ReelTestBackend *self, gint64 shot_id);
guint reel_test_backend_count_runs (ReelTestBackend *self);
/* Blocks until @runs jobs have started their work in wait (); FALSE on timeout. */
gboolean reel_test_backend_wait_for_runs (ReelTestBackend *self, guint runs, guint timeout_ms);
/* Shot ids in the order their work started. */
GArray *reel_test_backend_dup_start_order (ReelTestBackend *self);
guint   reel_test_backend_get_peak_parallel (ReelTestBackend *self);

G_END_DECLS
