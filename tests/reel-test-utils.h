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
/* Iterates the default main context until *flag is TRUE or @timeout_ms passes (fails the test). */
void reel_test_wait_for_flag (gboolean *flag, guint timeout_ms);
/* Runs a command line, returns its exit status, and collects its output. */
int reel_test_spawn (const char *const *argv,
                     const char        *stdin_text,
                     char             **stdout_text,
                     char             **stderr_text);

G_END_DECLS
