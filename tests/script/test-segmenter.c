/* test-segmenter.c: sentences, shot groups, word counts and reading time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "reel-segmenter.h"

static void
assert_strv (GPtrArray *actual, const char *const *expected)
{
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < actual->len; i++)
    g_test_message ("got [%u] %s", i, (const char *) g_ptr_array_index (actual, i));

  g_assert_cmpuint (actual->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (actual, i), ==, expected[i]);
}

static void
test_sentences_english (void)
{
  g_autoptr (GPtrArray) sentences
      = reel_segmenter_split_sentences ("The door opens. A man walks in!  Is he lost?\n"
                                        "He checks a map that costs 3.50 dollars.");
  const char *const expected[] = { "The door opens.", "A man walks in!", "Is he lost?",
                                   "He checks a map that costs 3.50 dollars.", NULL };

  assert_strv (sentences, expected);
}

static void
test_sentences_chinese (void)
{
  g_autoptr (GPtrArray) sentences
      = reel_segmenter_split_sentences ("他跑了。她追了上去！谁会赢？最后，"
                                        "两人都笑了。");
  const char *const expected[]
      = { "他跑了。", "她追了上去！", "谁会赢？", "最后，两人都笑了。", NULL };

  assert_strv (sentences, expected);
}

static void
test_sentences_mixed (void)
{
  g_autoptr (GPtrArray) sentences = reel_segmenter_split_sentences (
      "他打开电脑，屏幕上写着 Hello world。Then the lights go out. "
      "她尖叫起来！GPS 信号丢失了？");
  const char *const expected[]
      = { "他打开电脑，屏幕上写着 Hello world。", "Then the lights go out.", "她尖叫起来！",
          "GPS 信号丢失了？", NULL };

  assert_strv (sentences, expected);
}

static void
test_sentences_empty (void)
{
  g_autoptr (GPtrArray) none = reel_segmenter_split_sentences ("");
  g_autoptr (GPtrArray) blank = reel_segmenter_split_sentences (" \n\t ");

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (blank->len, ==, 0);
}

static void
test_groups (void)
{
  /* 10 + 10 + 10 + 3 words: a new group whenever the next sentence would pass 25. */
  g_autoptr (GPtrArray) english
      = reel_segmenter_group_sentences ("The waves roll in slowly over the warm golden sand. "
                                        "A small crab runs sideways toward a hidden rock pool. "
                                        "Two children build a tall castle with a deep moat. "
                                        "Gulls cry overhead.",
                                        REEL_SEGMENTER_SHOT_WORDS, REEL_SEGMENTER_SHOT_CJK_CHARS);
  const char *const english_expected[] = {
    "The waves roll in slowly over the warm golden sand. A small crab runs sideways toward a "
    "hidden rock pool.",
    "Two children build a tall castle with a deep moat. Gulls cry overhead.",
    NULL,
  };
  /* 15 + 15 + 15 CJK characters. */
  g_autoptr (GPtrArray) chinese = reel_segmenter_group_sentences (
      "一二三四五六七八九十一二三四五。一二三四五六七八九十一二三四五！"
      "一二三四五六七八九十一二三四五？",
      REEL_SEGMENTER_SHOT_WORDS, REEL_SEGMENTER_SHOT_CJK_CHARS);
  const char *const chinese_expected[] = {
    "一二三四五六七八九十一二三四五。一二三四五六七八九十一二三四五！",
    "一二三四五六七八九十一二三四五？",
    NULL,
  };
  /* A sentence longer than a shot is never cut. */
  g_autoptr (GPtrArray) long_one = reel_segmenter_group_sentences (
      "One two three four five six seven eight nine ten eleven", 5, 10);

  assert_strv (english, english_expected);
  assert_strv (chinese, chinese_expected);
  g_assert_cmpuint (long_one->len, ==, 1);
}

static void
test_groups_mixed_weights (void)
{
  /* 10 words (0.4 of a shot) + 24 CJK characters (0.6) fill exactly one shot; one more CJK
   * sentence starts the next. */
  g_autoptr (GPtrArray) groups
      = reel_segmenter_group_sentences ("One two three four five six seven eight nine ten. "
                                        "一二三四五六七八九十一二三四五六七八九十一二三四。"
                                        "好。",
                                        REEL_SEGMENTER_SHOT_WORDS, REEL_SEGMENTER_SHOT_CJK_CHARS);

  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (groups, 1), ==, "好。");
}

static void
test_count_words (void)
{
  g_assert_cmpuint (reel_segmenter_count_words (""), ==, 0);
  g_assert_cmpuint (reel_segmenter_count_words (NULL), ==, 0);
  g_assert_cmpuint (reel_segmenter_count_words ("Hello, world! It's 3 o'clock."), ==, 5);
  g_assert_cmpuint (reel_segmenter_count_words ("  ...  !!  "), ==, 0);
  /* CJK counts per character, whatever words ICU finds. */
  g_assert_cmpuint (reel_segmenter_count_words ("你好世界。"), ==, 4);
  g_assert_cmpuint (reel_segmenter_count_words ("我爱 GNOME 和 GTK！"), ==, 5);
  g_assert_cmpuint (reel_segmenter_count_words ("こんにちは"), ==, 5);
  g_assert_cmpuint (reel_segmenter_count_words ("안녕하세요 세계"), ==, 2);
}

static void
test_reading_seconds (void)
{
  g_autoptr (GString) words = g_string_new (NULL);
  g_autoptr (GString) cjk = g_string_new (NULL);

  for (guint i = 0; i < 30; i++)
    g_string_append (words, "word ");
  for (guint i = 0; i < 50; i++)
    g_string_append (cjk, "字");

  g_assert_cmpfloat_with_epsilon (reel_segmenter_reading_seconds (""), 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (reel_segmenter_reading_seconds ("Hi."), 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (reel_segmenter_reading_seconds (words->str), 10.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (reel_segmenter_reading_seconds (cjk->str), 10.0, 1e-9);
  g_string_append (cjk, words->str);
  g_assert_cmpfloat_with_epsilon (reel_segmenter_reading_seconds (cjk->str), 20.0, 1e-9);
}

static void
test_normalize_space (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "  a \n\t b  ", "a b" },
    { "中文\n继续", "中文继续" },
    { "中文。\n下一句", "中文。下一句" },
    { "中文 English 中文", "中文 English 中文" },
    { "中文\nEnglish", "中文 English" },
    { "한국어\n문장", "한국어 문장" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = reel_segmenter_normalize_space (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

/* Lines of a paragraph never run two words together: a name over a sentence keeps a space,
 * while a line the editor wrapped, or one ending in punctuation, joins the next directly. */
static void
test_join_lines (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "小男孩\n妈妈，你一定要回来！", "小男孩 妈妈，你一定要回来！" },
    { "渡轮靠岸了。\n乘客们涌下舷梯。", "渡轮靠岸了。乘客们涌下舷梯。" },
    { "他慢慢地走进房间，看见桌上放着一封\n信，信上写着他的名字。",
      "他慢慢地走进房间，看见桌上放着一封信，信上写着他的名字。" },
    { "Rain.\nWind.", "Rain.\nWind." },
    { "中文\nEnglish", "中文\nEnglish" },
    { "一\n\n二", "一 二" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = reel_segmenter_join_lines (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }

  /* And a shot made of such a paragraph shows the name apart from what follows. */
  {
    g_autoptr (GPtrArray) groups
        = reel_segmenter_group_sentences ("小男孩\n妈妈，你一定要回来！", 25, 40);

    g_assert_cmpuint (groups->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (groups, 0), ==, "小男孩 妈妈，你一定要回来！");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/segmenter/sentences/english", test_sentences_english);
  g_test_add_func ("/segmenter/sentences/chinese", test_sentences_chinese);
  g_test_add_func ("/segmenter/sentences/mixed", test_sentences_mixed);
  g_test_add_func ("/segmenter/sentences/empty", test_sentences_empty);
  g_test_add_func ("/segmenter/groups", test_groups);
  g_test_add_func ("/segmenter/groups-mixed-weights", test_groups_mixed_weights);
  g_test_add_func ("/segmenter/count-words", test_count_words);
  g_test_add_func ("/segmenter/reading-seconds", test_reading_seconds);
  g_test_add_func ("/segmenter/normalize-space", test_normalize_space);
  g_test_add_func ("/segmenter/join-lines", test_join_lines);

  return g_test_run ();
}
