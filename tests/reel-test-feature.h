/* reel-test-feature.h: feature-length scripts and projects for benchmarks and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Pseudo-words from syllables: a vocabulary as varied as a real script's,
 * the same for the same @rand. (transfer full) (element-type utf8) */
GPtrArray *reel_test_make_vocabulary (GRand *rand);
/* A word of @words, common ones far more often than rare ones, as in prose. */
const char *reel_test_pick_word (GPtrArray *words, GRand *rand);

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
