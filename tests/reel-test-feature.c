/* reel-test-feature.c: feature-length scripts and projects for benchmarks and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "reel-project.h"
#include "reel-test-feature.h"

#define SHOTS_PER_SCENE 4
#define VOCABULARY_SIZE 1500

/* Pseudo-words from syllables: a vocabulary as varied as a real script's. */
GPtrArray *
reel_test_make_vocabulary (GRand *rand)
{
  static const char *const syllables[]
      = { "ka",  "lo",  "mer", "ti", "san", "dor", "ve", "lin", "ra",  "po", "shu", "en",
          "bri", "tal", "mo",  "ne", "gar", "cu",  "fi", "ost", "pel", "ya", "wen", "tru" };
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < VOCABULARY_SIZE; i++)
    {
      GString *word = g_string_new (NULL);
      guint    n = g_rand_int_range (rand, 1, 4);

      for (guint k = 0; k < n; k++)
        g_string_append (word, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
      g_ptr_array_add (words, g_string_free (word, FALSE));
    }
  return words;
}

/* Common words come up far more often than rare ones, as in prose. */
const char *
reel_test_pick_word (GPtrArray *words, GRand *rand)
{
  double u = g_rand_double (rand);

  return g_ptr_array_index (words, (guint) (u * u * u * words->len));
}

static void
append_sentence (GString *text, GPtrArray *words, GRand *rand)
{
  gsize start = text->len;
  guint n = g_rand_int_range (rand, 8, 15);

  for (guint k = 0; k < n; k++)
    {
      if (k > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, reel_test_pick_word (words, rand));
    }
  text->str[start] = g_ascii_toupper (text->str[start]);
  g_string_append_c (text, '.');
}

char *
reel_test_make_feature_script (guint n_shots, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr (GPtrArray) words = reel_test_make_vocabulary (rand);
  GString *text = g_string_new ("Title: The Long Previs\n\n");
  guint    n_scenes = (n_shots + SHOTS_PER_SCENE - 1) / SHOTS_PER_SCENE;

  for (guint i = 0; i < n_scenes; i++)
    {
      g_string_append_printf (text, "%s. %s %u - %s\n\n", i % 3 == 0 ? "EXT" : "INT",
                              reel_test_pick_word (words, rand), i + 1,
                              i % 2 == 0 ? "DAY" : "NIGHT");
      for (guint k = 0; k < SHOTS_PER_SCENE && i * SHOTS_PER_SCENE + k < n_shots; k++)
        {
          append_sentence (text, words, rand);
          g_string_append (text, "\n\n");
          if (k == 1)
            {
              g_string_append (text, "MARA\n");
              append_sentence (text, words, rand);
              g_string_append (text, "\n\n");
            }
        }
    }
  return g_string_free (text, FALSE);
}

void
reel_test_make_feature_project (const char *path, guint n_shots)
{
  g_autofree char *script = reel_test_make_feature_script (n_shots, 13);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = reel_project_create (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (project, script, &error));
  g_assert_no_error (error);
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (project)), ==, n_shots);
}
