/* test-matcher.c: shot identity across a re-breakdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "reel-shot-matcher.h"

static const char *const old_shots[] = {
  "Sunlight falls across rows of desks.",     "Miss Lin draws a big blue wave on the whiteboard.",
  "Leo waves his hand high in the air.",      "The camera pans left across a sparkling ocean.",
  "Tiny drops of water rise from the waves.",
};

/* "0= 1= 2~ -1": the old index of each new shot, = for unchanged and ~ for edited. */
static char *
describe (GArray *matches)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < matches->len; i++)
    {
      const ReelShotMatch *match = &g_array_index (matches, ReelShotMatch, i);

      if (i > 0)
        g_string_append_c (out, ' ');
      if (match->old_index < 0)
        g_string_append (out, "-1");
      else
        g_string_append_printf (out, "%d%c", match->old_index, match->exact ? '=' : '~');
    }

  return g_string_free (out, FALSE);
}

static char *
match_texts (const char *const *old_texts, guint n_old, const char *const *new_texts, guint n_new)
{
  g_autoptr (GArray) matches
      = reel_shot_matcher_match (old_texts, NULL, n_old, new_texts, NULL, n_new);

  g_assert_cmpuint (matches->len, ==, n_new);
  return describe (matches);
}

static void
test_unchanged (void)
{
  g_autofree char *result = match_texts (old_shots, 5, old_shots, 5);

  g_assert_cmpstr (result, ==, "0= 1= 2= 3= 4=");
}

static void
test_lightly_edited (void)
{
  const char *const new_shots[] = {
    "Sunlight falls across rows of desks.",
    "Miss Lin draws a huge blue wave on the whiteboard.",
    "Leo waves his hand high in the air.",
    "The camera pans left across the sparkling ocean!",
    "Tiny drops of water rise from the waves.",
  };
  g_autofree char *result = match_texts (old_shots, 5, new_shots, 5);

  g_assert_cmpstr (result, ==, "0= 1~ 2= 3~ 4=");
}

static void
test_inserted (void)
{
  const char *const new_shots[] = {
    "A school bell rings.",
    "Sunlight falls across rows of desks.",
    "Miss Lin draws a big blue wave on the whiteboard.",
    "Thunder rumbles outside the window.",
    "Leo waves his hand high in the air.",
    "The camera pans left across a sparkling ocean.",
    "Tiny drops of water rise from the waves.",
    "The end.",
  };
  g_autofree char *result = match_texts (old_shots, 5, new_shots, 8);

  g_assert_cmpstr (result, ==, "-1 0= 1= -1 2= 3= 4= -1");
}

static void
test_removed (void)
{
  const char *const new_shots[] = {
    "Sunlight falls across rows of desks.",
    "Leo waves his hand high in the air.",
    "Tiny drops of water rise from the waves.",
  };
  g_autofree char *result = match_texts (old_shots, 5, new_shots, 3);

  g_assert_cmpstr (result, ==, "0= 2= 4=");
}

static void
test_reordered (void)
{
  const char *const new_shots[] = {
    "Tiny drops of water rise from the waves.",
    "Sunlight falls across rows of desks.",
    "Leo waves his hand high in the air.",
    "Miss Lin draws a big blue wave on the whiteboard.",
    "The camera pans left across a sparkling ocean.",
  };
  g_autofree char *result = match_texts (old_shots, 5, new_shots, 5);

  g_assert_cmpstr (result, ==, "4= 0= 2= 1= 3=");
}

static void
test_everything_at_once (void)
{
  /* Moved, edited, inserted and removed in one re-breakdown. */
  const char *const new_shots[] = {
    "Leo waves his hand in the air.",
    "Sunlight falls across rows of desks.",
    "A completely new shot of a rainbow.",
    "Tiny drops of water rise from the waves.",
  };
  g_autofree char *result = match_texts (old_shots, 5, new_shots, 4);

  g_assert_cmpstr (result, ==, "2~ 0= -1 4=");
}

static void
test_chinese_edits (void)
{
  const char *const old_zh[]
      = { "小雨回头张望。", "三个黑衣人出现在楼梯顶端。", "列车驶上高架桥。" };
  const char *const new_zh[]
      = { "小雨回头张望了一下。", "两个警察出现在站台。", "列车驶上高架桥。" };
  g_autofree char *result = match_texts (old_zh, 3, new_zh, 3);

  g_assert_cmpstr (result, ==, "0~ -1 2=");
}

static void
test_each_old_shot_once (void)
{
  /* Two edited versions of one old shot: only the closer one keeps its identity. */
  const char *const old_one[] = { "The kettle whistles on the stove." };
  const char *const new_two[]
      = { "The old kettle whistles on the stove.", "The kettle whistles on the stove top." };
  const char *const new_same[]
      = { "The kettle whistles on the stove.", "The kettle whistles on the stove." };
  g_autofree char *edited = match_texts (old_one, 1, new_two, 2);
  g_autofree char *duplicated = match_texts (old_one, 1, new_same, 2);

  g_assert_cmpstr (duplicated, ==, "0= -1");
  g_assert_true (g_str_equal (edited, "0~ -1") || g_str_equal (edited, "-1 0~"));
}

static void
test_headings_break_ties (void)
{
  /* The same line in two scenes: each copy stays with its own scene, even when the scenes
   * swap places. */
  const char *const old_texts[] = { "She nods.", "Rain.", "She nods." };
  const char *const old_headings[] = { "INT. KITCHEN", "INT. KITCHEN", "EXT. GARDEN" };
  const char *const new_texts[] = { "She nods.", "She nods.", "Rain." };
  const char *const new_headings[] = { "EXT. GARDEN", "INT. KITCHEN", "INT. KITCHEN" };
  g_autoptr (GArray) matches
      = reel_shot_matcher_match (old_texts, old_headings, 3, new_texts, new_headings, 3);
  g_autofree char *result = describe (matches);

  g_assert_cmpstr (result, ==, "2= 0= 1=");
}

static void
test_empty_sides (void)
{
  g_autofree char *no_old = match_texts (NULL, 0, old_shots, 2);
  g_autoptr (GArray) no_new = reel_shot_matcher_match (old_shots, NULL, 5, NULL, NULL, 0);

  g_assert_cmpstr (no_old, ==, "-1 -1");
  g_assert_cmpuint (no_new->len, ==, 0);
}

static void
test_similarity (void)
{
  g_assert_cmpfloat (reel_shot_matcher_similarity ("Same text.", "Same text."), ==, 1.0);
  g_assert_cmpfloat (reel_shot_matcher_similarity ("Same  TEXT.", "same text."), ==, 1.0);
  g_assert_cmpfloat (reel_shot_matcher_similarity ("abc", "xyz"), ==, 0.0);
  g_assert_cmpfloat (reel_shot_matcher_similarity ("雨", "雨"), ==, 1.0);
  g_assert_cmpfloat (reel_shot_matcher_similarity ("雨", "雪"), ==, 0.0);
  g_assert_cmpfloat (reel_shot_matcher_similarity ("小雨回头张望。", "小雨回头张望了一下。"), >=,
                     REEL_SHOT_MATCHER_MIN_SIMILARITY);
  g_assert_cmpfloat (reel_shot_matcher_similarity ("A dog barks.", "The sun rises slowly."), <,
                     REEL_SHOT_MATCHER_MIN_SIMILARITY);
}

/* A script the size of a feature's previs: long enough that the matcher can no longer compare
 * every shot with every other one. */
#define LARGE_SCRIPT 5000

/* A sentence of pseudo-words, as varied as a real script's action lines. */
static char *
make_sentence (GRand *rand)
{
  static const char *const syllables[]
      = { "ka",  "lo",  "mer", "ti", "san", "dor", "ve", "lin", "ra",  "po", "shu", "en",
          "bri", "tal", "mo",  "ne", "gar", "cu",  "fi", "ost", "pel", "ya", "wen", "tru" };
  GString *text = g_string_new (NULL);
  guint    n_words = g_rand_int_range (rand, 8, 13);

  for (guint w = 0; w < n_words; w++)
    {
      if (w > 0)
        g_string_append_c (text, ' ');
      for (guint k = g_rand_int_range (rand, 1, 4); k > 0; k--)
        g_string_append (text, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
    }
  g_string_append_c (text, '.');
  return g_string_free (text, FALSE);
}

/* @text with its second word replaced by one that differs. */
static char *
change_one_word (const char *text)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);

  g_free (words[1]);
  words[1] = g_strdup ("quibbled");
  return g_strjoinv (" ", words);
}

static GPtrArray *
make_script (guint n_shots)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2024);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_shots; i++)
    g_ptr_array_add (texts, make_sentence (rand));
  return texts;
}

/* The scene of each shot: four shots a scene. */
static GPtrArray *
make_headings (guint n_shots)
{
  GPtrArray *headings = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_shots; i++)
    g_ptr_array_add (headings, g_strdup_printf ("INT. ROOM %u - DAY", i / 4));
  return headings;
}

/* Swaps the four-shot scenes @a and @b, as a writer moving a scene would. */
static void
swap_scenes (GPtrArray *shots, guint a, guint b)
{
  for (guint k = 0; k < 4; k++)
    {
      gpointer shot = shots->pdata[a * 4 + k];

      shots->pdata[a * 4 + k] = shots->pdata[b * 4 + k];
      shots->pdata[b * 4 + k] = shot;
    }
}

static GArray *
match_arrays (GPtrArray *old_texts,
              GPtrArray *old_headings,
              GPtrArray *new_texts,
              GPtrArray *new_headings)
{
  return reel_shot_matcher_match (
      (const char *const *) old_texts->pdata,
      old_headings != NULL ? (const char *const *) old_headings->pdata : NULL, old_texts->len,
      (const char *const *) new_texts->pdata,
      new_headings != NULL ? (const char *const *) new_headings->pdata : NULL, new_texts->len);
}

static void
test_large_every_shot_edited (void)
{
  /* Every shot changed by one word, and scenes swapped near and far: every shot keeps its
   * identity, though no text is left unchanged to anchor on. */
  g_autoptr (GPtrArray) old_texts = make_script (LARGE_SCRIPT);
  g_autoptr (GPtrArray) old_headings = make_headings (LARGE_SCRIPT);
  g_autoptr (GPtrArray) new_texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) new_headings = make_headings (LARGE_SCRIPT);
  g_autoptr (GPtrArray) origin = g_ptr_array_new (); /* the old index of each new shot */
  g_autoptr (GArray) matches = NULL;

  for (guint i = 0; i < LARGE_SCRIPT; i++)
    {
      g_ptr_array_add (new_texts, change_one_word (g_ptr_array_index (old_texts, i)));
      g_ptr_array_add (origin, GUINT_TO_POINTER (i));
    }
  for (guint scene = 3; scene + 700 < LARGE_SCRIPT / 4; scene += 150)
    {
      swap_scenes (new_texts, scene, scene + 700);
      swap_scenes (new_headings, scene, scene + 700);
      swap_scenes (origin, scene, scene + 700);
    }

  matches = match_arrays (old_texts, old_headings, new_texts, new_headings);
  for (guint j = 0; j < LARGE_SCRIPT; j++)
    {
      const ReelShotMatch *match = &g_array_index (matches, ReelShotMatch, j);

      g_assert_cmpint (match->old_index, ==, GPOINTER_TO_INT (g_ptr_array_index (origin, j)));
      g_assert_false (match->exact);
    }
}

static void
test_large_moved_far (void)
{
  /* An unchanged shot moved from the start to the end of a long script keeps its identity, and
   * so does one edited and moved; the rest keep theirs around an inserted and a removed shot. */
  g_autoptr (GPtrArray) old_texts = make_script (LARGE_SCRIPT);
  g_autoptr (GPtrArray) new_texts = g_ptr_array_new ();
  g_autoptr (GPtrArray) origin = g_ptr_array_new ();
  g_autofree char *edited = change_one_word (g_ptr_array_index (old_texts, 20));
  g_autoptr (GArray) matches = NULL;

  for (guint i = 0; i < LARGE_SCRIPT; i++)
    {
      if (i == 7 || i == 20 || i == 4000)
        continue;
      if (i == 1000)
        {
          g_ptr_array_add (new_texts, (gpointer) "A completely new shot of a rainbow.");
          g_ptr_array_add (origin, GINT_TO_POINTER (-1));
        }
      g_ptr_array_add (new_texts, g_ptr_array_index (old_texts, i));
      g_ptr_array_add (origin, GINT_TO_POINTER (i));
    }
  g_ptr_array_insert (new_texts, 3000, edited);
  g_ptr_array_insert (origin, 3000, GINT_TO_POINTER (20));
  g_ptr_array_add (new_texts, g_ptr_array_index (old_texts, 7));
  g_ptr_array_add (origin, GINT_TO_POINTER (7));

  matches = match_arrays (old_texts, NULL, new_texts, NULL);
  for (guint j = 0; j < new_texts->len; j++)
    {
      const ReelShotMatch *match = &g_array_index (matches, ReelShotMatch, j);

      g_assert_cmpint (match->old_index, ==, GPOINTER_TO_INT (g_ptr_array_index (origin, j)));
      g_assert_true (match->exact == (match->old_index >= 0 && match->old_index != 20));
    }
}

static void
test_large_repeated_lines (void)
{
  /* "She nods." after every shot of a long script, and the first ten shots cut: each copy stays
   * with the shot before it. */
  g_autoptr (GPtrArray) old_texts = make_script (LARGE_SCRIPT);
  g_autoptr (GArray) matches = NULL;
  guint cut = 20;

  for (guint i = 1; i < old_texts->len; i += 2)
    {
      g_free (old_texts->pdata[i]);
      old_texts->pdata[i] = g_strdup ("She nods.");
    }

  matches = reel_shot_matcher_match ((const char *const *) old_texts->pdata, NULL, old_texts->len,
                                     (const char *const *) old_texts->pdata + cut, NULL,
                                     old_texts->len - cut);
  for (guint j = 0; j < matches->len; j++)
    {
      g_assert_cmpint (g_array_index (matches, ReelShotMatch, j).old_index, ==, j + cut);
      g_assert_true (g_array_index (matches, ReelShotMatch, j).exact);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/matcher/unchanged", test_unchanged);
  g_test_add_func ("/matcher/lightly-edited", test_lightly_edited);
  g_test_add_func ("/matcher/inserted", test_inserted);
  g_test_add_func ("/matcher/removed", test_removed);
  g_test_add_func ("/matcher/reordered", test_reordered);
  g_test_add_func ("/matcher/everything-at-once", test_everything_at_once);
  g_test_add_func ("/matcher/chinese-edits", test_chinese_edits);
  g_test_add_func ("/matcher/each-old-shot-once", test_each_old_shot_once);
  g_test_add_func ("/matcher/headings-break-ties", test_headings_break_ties);
  g_test_add_func ("/matcher/empty-sides", test_empty_sides);
  g_test_add_func ("/matcher/similarity", test_similarity);
  g_test_add_func ("/matcher/large-every-shot-edited", test_large_every_shot_edited);
  g_test_add_func ("/matcher/large-moved-far", test_large_moved_far);
  g_test_add_func ("/matcher/large-repeated-lines", test_large_repeated_lines);

  return g_test_run ();
}
