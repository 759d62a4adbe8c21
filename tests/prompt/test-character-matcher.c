/* test-character-matcher.c
 *
 * Which characters a shot mentions: names and aliases on word boundaries,
 * Chinese names inside text without spaces, and pronouns only where one
 * character could be meant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "reel-character-matcher.h"
#include "reel-test-utils.h"

enum
{
  ANNA = 1,
  BEN,
  LI_MING,
  WANG,
  LI_MINGHUA,
  XIAO_HONG,
  SAM,
};

static ReelCharacterMatcher *
make_cast (void)
{
  ReelCharacterMatcher *matcher = reel_character_matcher_new ();

  reel_character_matcher_add_character (matcher, ANNA, "Anna",
                                        (const char *const[]){ "Annie", "安娜", NULL }, "she");
  reel_character_matcher_add_character (matcher, BEN, "Ben Okafor",
                                        (const char *const[]){ "Ben", NULL }, "he");
  reel_character_matcher_add_character (matcher, LI_MING, "Li Ming",
                                        (const char *const[]){ "李明", NULL }, "he");
  reel_character_matcher_add_character (matcher, WANG, "王", NULL, "he");
  reel_character_matcher_add_character (matcher, LI_MINGHUA, "李明华", NULL, "");
  reel_character_matcher_add_character (matcher, XIAO_HONG, "小红", NULL, "she");
  reel_character_matcher_add_character (matcher, SAM, "Sam", NULL, "they");
  reel_character_matcher_begin_scene (matcher);
  return matcher;
}

/* Asserts that @matcher reads exactly @expected (0-terminated) in @text, in that order. */
static void
assert_mentions (ReelCharacterMatcher *matcher, const char *text, const gint64 *expected)
{
  g_autoptr (GArray) ids = reel_character_matcher_match (matcher, text);
  guint n = 0;

  while (expected[n] != 0)
    n++;
  if (ids->len != n)
    g_error ("“%s”: %u characters found, %u expected", text, ids->len, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, expected[i]);
}

#define MENTIONS(...) ((const gint64[]){ __VA_ARGS__, 0 })
#define NOBODY ((const gint64[]){ 0 })

static void
test_names_and_aliases (void)
{
  g_autoptr (ReelCharacterMatcher) matcher = make_cast ();

  assert_mentions (matcher, "ANNA waits for Ben.", MENTIONS (ANNA, BEN));
  reel_character_matcher_begin_scene (matcher);
  assert_mentions (matcher, "Annie's phone rings; ben okafor answers.", MENTIONS (ANNA, BEN));
  reel_character_matcher_begin_scene (matcher);
  /* Whole words only. */
  assert_mentions (matcher, "Annabel bends over the bench.", NOBODY);
  assert_mentions (matcher, "A man named Li Mingsheng arrives.", NOBODY);
}

static void
test_chinese_names_without_spaces (void)
{
  g_autoptr (ReelCharacterMatcher) matcher = make_cast ();

  assert_mentions (matcher, "李明走进厨房，看见安娜在做饭。", MENTIONS (LI_MING, ANNA));
  reel_character_matcher_begin_scene (matcher);
  /* The longer name wins over the shorter one inside it. */
  assert_mentions (matcher, "李明华推开门。", MENTIONS (LI_MINGHUA));
  reel_character_matcher_begin_scene (matcher);
  /* A one-character name counts only as a word of its own: not in 王国 (kingdom). */
  assert_mentions (matcher, "王国的城墙很高。", NOBODY);
  assert_mentions (matcher, "王走进来，坐下。", MENTIONS (WANG));
  reel_character_matcher_begin_scene (matcher);
  /* Mixed scripts. */
  assert_mentions (matcher, "Anna和小红在公园散步。", MENTIONS (ANNA, XIAO_HONG));
}

static void
test_pronouns_when_unambiguous (void)
{
  g_autoptr (ReelCharacterMatcher) matcher = make_cast ();

  /* Nobody mentioned yet: nobody to refer to. */
  assert_mentions (matcher, "She opens the door.", NOBODY);
  assert_mentions (matcher, "Anna opens the door.", MENTIONS (ANNA));
  /* Later in the scene, "she" can only be Anna. */
  assert_mentions (matcher, "She sits down.", MENTIONS (ANNA));
  assert_mentions (matcher, "Ben enters. He hands her a letter.", MENTIONS (BEN, ANNA));
  /* Not in "the", "there" or "hero". */
  reel_character_matcher_begin_scene (matcher);
  assert_mentions (matcher, "Ben looks there: the hero.", MENTIONS (BEN));
  /* A new scene forgets. */
  reel_character_matcher_begin_scene (matcher);
  assert_mentions (matcher, "He laughs.", NOBODY);
}

static void
test_pronouns_ambiguous (void)
{
  g_autoptr (ReelCharacterMatcher) matcher = make_cast ();

  /* Two men: "he" could be either. */
  assert_mentions (matcher, "Ben and Li Ming argue. He leaves.", MENTIONS (BEN, LI_MING));
  reel_character_matcher_begin_scene (matcher);
  /* A character of no known pronoun could be meant by any. */
  assert_mentions (matcher, "李明华看着小红。她笑了。", MENTIONS (LI_MINGHUA, XIAO_HONG));
}

/* "They" means a character who goes by it, and never one of no known
 * pronoun: as often it means a group. */
static void
test_they (void)
{
  g_autoptr (ReelCharacterMatcher) matcher = make_cast ();

  assert_mentions (matcher, "Sam waits.", MENTIONS (SAM));
  assert_mentions (matcher, "They check the clock.", MENTIONS (SAM));
  reel_character_matcher_begin_scene (matcher);
  assert_mentions (matcher, "李明华 waves at the guards.", MENTIONS (LI_MINGHUA));
  assert_mentions (matcher, "They wave back.", NOBODY);
}

static void
test_chinese_pronouns (void)
{
  g_autoptr (ReelCharacterMatcher) matcher = make_cast ();

  assert_mentions (matcher, "李明走进厨房。", MENTIONS (LI_MING));
  assert_mentions (matcher, "他坐下来。", MENTIONS (LI_MING));
  reel_character_matcher_begin_scene (matcher);
  /* 他们 (they) and 其他 (other) are not 他. */
  assert_mentions (matcher, "李明走进来。他们都站起来，其他人没动。", MENTIONS (LI_MING));
  reel_character_matcher_begin_scene (matcher);
  assert_mentions (matcher, "小红哭了，她的朋友们安慰她。", MENTIONS (XIAO_HONG));
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-prompt-XXXXXX", NULL);
  int              status;

  /* No user additions to the shipped pronouns. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/prompt/characters/names-and-aliases", test_names_and_aliases);
  g_test_add_func ("/prompt/characters/chinese-without-spaces", test_chinese_names_without_spaces);
  g_test_add_func ("/prompt/characters/pronouns-unambiguous", test_pronouns_when_unambiguous);
  g_test_add_func ("/prompt/characters/they", test_they);
  g_test_add_func ("/prompt/characters/pronouns-ambiguous", test_pronouns_ambiguous);
  g_test_add_func ("/prompt/characters/chinese-pronouns", test_chinese_pronouns);

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
