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

  return g_test_run ();
}
