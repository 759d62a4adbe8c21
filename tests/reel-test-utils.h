/* reel-test-utils.h: helpers shared by the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fresh empty directory under the test's temporary area; removed by reel_test_rm_rf(). */
char *reel_test_make_tmpdir (void);
void  reel_test_rm_rf (const char *path);
/* Path of a file below the source tree's top level ("data/examples/lesson.fountain"). */
char *reel_test_source_path (const char *relative);
/* Path of a file below the build tree's top level ("app/storyreel"). */
char *reel_test_build_path (const char *relative);
char *reel_test_sha256_file (const char *path);
/* Runs a gst-launch style pipeline to its end (initialising GStreamer if
 * needed); fails the test with GStreamer's message if it errors. Makes the
 * media files tests need on the spot. */
void reel_test_run_pipeline (const char *description);

/* A state the main loop is iterated towards; @data is the caller's. */
typedef gboolean (*ReelTestCondition) (gpointer data);

/* Iterates the default main context until @condition (@data) holds. When
 * @timeout_ms (times $STORYREEL_TEST_TIMEOUT_SCALE, for slow builds such as
 * the sanitizer one) pass first, fails the test at the caller's line with
 * "timed out waiting for @what". */
#define reel_test_wait_until(condition, data, timeout_ms, what)                                    \
  reel_test_wait_until_at (__FILE__, __LINE__, G_STRFUNC, (condition), (data), (timeout_ms), (what))
void reel_test_wait_until_at (const char       *file,
                              int               line,
                              const char       *func,
                              ReelTestCondition condition,
                              gpointer          data,
                              guint             timeout_ms,
                              const char       *what);

/* Conditions for reel_test_wait_until() */

/* @data is a gboolean *: TRUE once it is set. */
gboolean reel_test_flag_is_set (gpointer data);
/* @data is a pointer to a pointer (a GAsyncResult * that a callback fills in):
 * TRUE once it is not NULL. */
gboolean reel_test_pointer_is_set (gpointer data);

/* How long reel_test_spawn() lets a command run. */
#define REEL_TEST_SPAWN_TIMEOUT_MS 120000

/* Runs a command line, returns its exit status, and collects its output.
 * Kills it and fails the test when it runs past REEL_TEST_SPAWN_TIMEOUT_MS
 * (scaled as reel_test_wait_until() scales its bound). */
int reel_test_spawn (const char *const *argv,
                     const char        *stdin_text,
                     char             **stdout_text,
                     char             **stderr_text);

G_END_DECLS
