/* reel-test-feature.h: feature-length scripts and projects for benchmarks and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A Fountain script of @n_shots action paragraphs, four to a scene, each
 * scene with one line of dialogue: a director's previs of a feature. The
 * same @seed gives the same script.
 * Returns: (transfer full): the script */
char *reel_test_make_feature_script (guint n_shots, guint32 seed);

/* Creates the project @path from reel_test_make_feature_script() and breaks
 * it down, through the path the CLI's import takes; asserts it worked and
 * leaves the project closed on disk. */
void reel_test_make_feature_project (const char *path, guint n_shots);

G_END_DECLS
