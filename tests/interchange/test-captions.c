/* test-captions.c: caption wrapping and the SRT / WebVTT sidecar files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "interchange-cut.h"
#include "reel-captions.h"
#include "reel-test-utils.h"

/* Chinese punctuation that must never open a line. */
static const char *const no_line_start[]
    = { "。", "，", "！", "？", "、", "；", "：", "”", "）", NULL };

static void
assert_lines_fit (const char *wrapped, guint max_columns)
{
  g_auto (GStrv) lines = g_strsplit (wrapped, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpstr (lines[i], !=, "");
      if (reel_captions_get_columns (lines[i]) > max_columns)
        g_error ("Line “%s” is %u columns, more than %u", lines[i],
                 reel_captions_get_columns (lines[i]), max_columns);
      for (guint p = 0; no_line_start[p] != NULL; p++)
        if (g_str_has_prefix (lines[i], no_line_start[p]))
          g_error ("Line “%s” starts with “%s”", lines[i], no_line_start[p]);
    }
}

static char *
without_newlines (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, "\n", -1);

  return g_strjoinv ("", parts);
}

static void
test_columns (void)
{
  g_assert_cmpuint (reel_captions_get_columns ("abc"), ==, 3);
  g_assert_cmpuint (reel_captions_get_columns ("中文"), ==, 4);
  g_assert_cmpuint (reel_captions_get_columns ("中文ab。"), ==, 8);
  g_assert_cmpuint (reel_captions_get_columns ("ＡＢ"), ==, 4);      /* fullwidth */
  g_assert_cmpuint (reel_captions_get_columns ("e\xcc\x81"), ==, 1); /* e + combining acute */
  g_assert_cmpuint (reel_captions_get_columns (""), ==, 0);
}

static void
test_wrap_chinese (void)
{
  const char *texts[] = {
    "同学们好！今天我们学习光合作用，请大家打开课本第三十二页，认真看图。",
    "叶子里的叶绿体吸收阳光，把二氧化碳和水变成葡萄糖和氧气，所以植物不用吃饭也能长大。",
    "“你看，”她说，“树叶在喝太阳！”大家都笑了。",
    "这是一个句号。这是一个逗号，这是一个问号？这是一个感叹号！",
    NULL,
  };
  const guint limits[] = { 10, 16, 20, 32, 42 };

  for (guint t = 0; texts[t] != NULL; t++)
    for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
      {
        g_autofree char *wrapped = reel_captions_wrap (texts[t], limits[l]);
        g_autofree char *joined = without_newlines (wrapped);

        assert_lines_fit (wrapped, limits[l]);
        /* Chinese has no spaces: wrapping only inserts line breaks. */
        g_assert_cmpstr (joined, ==, texts[t]);
      }

  /* Short text stays on one line; long text does break. */
  {
    g_autofree char *short_line = reel_captions_wrap ("短句。", 42);
    g_autofree char *long_line = reel_captions_wrap (texts[0], 20);

    g_assert_cmpstr (short_line, ==, "短句。");
    g_assert_nonnull (strchr (long_line, '\n'));
  }
}

static void
test_wrap_latin (void)
{
  const char      *text = "The teacher walks into the classroom, puts the book on the desk and "
                          "turns to the blackboard.";
  g_autofree char *wrapped = reel_captions_wrap (text, 24);
  g_auto (GStrv) lines = g_strsplit (wrapped, "\n", -1);
  g_autofree char *rejoined = g_strjoinv (" ", lines);

  assert_lines_fit (wrapped, 24);
  /* Words are never cut: rejoining with spaces gives the text back. */
  g_assert_cmpstr (rejoined, ==, text);
  g_assert_cmpuint (g_strv_length (lines), >, 3);

  /* Runs of spaces collapse and explicit line breaks stay. */
  {
    g_autofree char *kept = reel_captions_wrap ("One   line\nTwo lines", 42);

    g_assert_cmpstr (kept, ==, "One line\nTwo lines");
  }

  /* A word longer than a line is broken rather than overflowing. */
  {
    g_autofree char *forced
        = reel_captions_wrap ("Pneumonoultramicroscopicsilicovolcanoconiosis", 10);

    assert_lines_fit (forced, 10);
  }
}

static void
test_wrap_balanced (void)
{
  /* Fits on two lines of 30: the two lines come out nearly even, the top one
   * not longer, instead of a full line over a short one. */
  g_autofree char *wrapped = reel_captions_wrap ("The quick brown fox jumps over the lazy dog", 30);
  g_auto (GStrv) lines = g_strsplit (wrapped, "\n", -1);
  guint top, bottom;

  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  top = reel_captions_get_columns (lines[0]);
  bottom = reel_captions_get_columns (lines[1]);
  g_assert_cmpuint (top, <=, bottom);
  g_assert_cmpuint (bottom - top, <=, 6);
}

typedef struct
{
  gint64 start_ms;
  gint64 end_ms;
  char  *text;
} ParsedCue;

static void
parsed_cue_free (ParsedCue *cue)
{
  g_free (cue->text);
  g_free (cue);
}

static gint64
timestamp_ms (const GMatchInfo *match, guint first_group)
{
  gint64 parts[4];

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *digits = g_match_info_fetch (match, first_group + i);

      parts[i] = g_ascii_strtoll (digits, NULL, 10);
    }
  return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + parts[3];
}

/* Parses SRT (separator ",") or WebVTT (".") cues. */
static GPtrArray *
parse_cues (const char *text, char separator)
{
  g_autoptr (GPtrArray) cues = g_ptr_array_new_with_free_func ((GDestroyNotify) parsed_cue_free);
  g_autofree char *pattern = g_strdup_printf (
      "^(\\d\\d):(\\d\\d):(\\d\\d)\\%c(\\d\\d\\d) --> (\\d\\d):(\\d\\d):(\\d\\d)\\%c(\\d\\d\\d)\\n"
      "((?:.+\\n)+)",
      separator, separator);
  g_autoptr (GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;

  g_assert_nonnull (regex);
  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      ParsedCue *cue = g_new0 (ParsedCue, 1);

      cue->start_ms = timestamp_ms (match, 1);
      cue->end_ms = timestamp_ms (match, 5);
      cue->text = g_match_info_fetch (match, 9);
      g_strchomp (cue->text);
      g_ptr_array_add (cues, cue);
      g_match_info_next (match, NULL);
    }
  return g_steal_pointer (&cues);
}

static void
check_sample_cues (GPtrArray *cues)
{
  const ParsedCue *cue;

  /* Three cues; the first and the third hold more than two lines of 16
   * Chinese characters, so each is shown as two screens. */
  g_assert_cmpuint (cues->len, ==, 5);

  /* A split cue covers the original time exactly, in order, cut after a
   * clause; the speaker of Chinese text is named with a full-width colon. */
  cue = g_ptr_array_index (cues, 0);
  g_assert_cmpint (cue->start_ms, ==, 200);
  g_assert_cmpint (cue->end_ms, ==, ((ParsedCue *) g_ptr_array_index (cues, 1))->start_ms);
  g_assert_cmpint (((ParsedCue *) g_ptr_array_index (cues, 1))->end_ms, ==, 1400);
  g_assert_cmpstr (cue->text, ==, "老师：同学们好！\n今天我们学习光合作用，");

  cue = g_ptr_array_index (cues, 2);
  g_assert_cmpint (cue->start_ms, ==, 1600);
  g_assert_cmpint (cue->end_ms, ==, 2600);
  g_assert_cmpstr (cue->text, ==, "Plants turn light into food.");

  g_assert_cmpint (((ParsedCue *) g_ptr_array_index (cues, 3))->start_ms, ==, 3000);
  g_assert_cmpint (((ParsedCue *) g_ptr_array_index (cues, 3))->end_ms, ==,
                   ((ParsedCue *) g_ptr_array_index (cues, 4))->start_ms);
  g_assert_cmpint (((ParsedCue *) g_ptr_array_index (cues, 4))->end_ms, ==, 3750);
  g_assert_true (g_str_has_prefix (((ParsedCue *) g_ptr_array_index (cues, 3))->text, "MARA："));

  for (guint i = 0; i < cues->len; i++)
    {
      g_auto (GStrv) lines = NULL;

      cue = g_ptr_array_index (cues, i);
      lines = g_strsplit (cue->text, "\n", -1);
      g_assert_cmpint (cue->start_ms, <, cue->end_ms);
      g_assert_cmpuint (g_strv_length (lines), <=, REEL_CAPTIONS_MAX_LINES);
      assert_lines_fit (cue->text, REEL_CAPTIONS_DEFAULT_COLUMNS);
    }
}

static void
test_srt (void)
{
  g_autoptr (ReelCut) cut = sample_cut_new (NULL);
  g_autofree char *srt = reel_captions_to_srt (cut);
  g_autoptr (GPtrArray) cues = parse_cues (srt, ',');
  g_autoptr (GRegex) numbers = g_regex_new ("^(\\d+)\\n\\d\\d:", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  guint expected = 1;

  check_sample_cues (cues);

  /* Cues are numbered 1, 2, 3… and separated by one blank line. */
  g_regex_match (numbers, srt, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *number = g_match_info_fetch (match, 1);

      g_assert_cmpint (g_ascii_strtoll (number, NULL, 10), ==, expected++);
      g_match_info_next (match, NULL);
    }
  g_assert_cmpuint (expected - 1, ==, cues->len);
  g_assert_true (g_str_has_prefix (srt, "1\n00:00:00,200 --> 00:00:00,"));
  g_assert_null (strstr (srt, "\n\n\n"));
}

static void
test_webvtt (void)
{
  g_autoptr (ReelCut) cut = sample_cut_new (NULL);
  g_autofree char *vtt = NULL;
  g_autoptr (GPtrArray) cues = NULL;

  vtt = reel_captions_to_webvtt (cut);
  g_assert_true (g_str_has_prefix (vtt, "WEBVTT\n\n00:00:00.200 --> 00:00:00."));
  cues = parse_cues (vtt, '.');
  check_sample_cues (cues);

  /* Cue text is markup in WebVTT: "<" and "&" must not start a tag or entity. */
  g_ptr_array_set_size (cut->cues, 0);
  sample_cut_add_cue (cut, 0, 1.0, 2.0, NULL, "a < b & c --> d");
  g_free (vtt);
  vtt = reel_captions_to_webvtt (cut);
  g_assert_nonnull (strstr (vtt, "a &lt; b &amp; c --&gt; d\n"));
}

static void
test_long_times (void)
{
  g_autoptr (ReelCut) cut = reel_cut_new ();
  g_autofree char *srt = NULL;
  g_autofree char *vtt = NULL;

  cut->fps = 24;
  sample_cut_add_cue (cut, 0, 3723.457, 1.0, "", "Later");
  sample_cut_add_cue (cut, 0, 5.0, 0.0, NULL, "Never shown: no duration");
  srt = reel_captions_to_srt (cut);
  vtt = reel_captions_to_webvtt (cut);
  g_assert_cmpstr (srt, ==, "1\n01:02:03,457 --> 01:02:04,457\nLater\n");
  g_assert_cmpstr (vtt, ==, "WEBVTT\n\n01:02:03.457 --> 01:02:04.457\nLater\n");
}

static void
test_write_atomic (void)
{
  g_autoptr (ReelCut) cut = sample_cut_new (NULL);
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *srt_path = g_build_filename (dir, "film.srt", NULL);
  g_autofree char *vtt_path = g_build_filename (dir, "film.vtt", NULL);
  g_autofree char *missing_dir = g_build_filename (dir, "not-there", NULL);
  g_autofree char *missing_path = g_build_filename (missing_dir, "film.srt", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = reel_captions_to_srt (cut);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) listing = NULL;
  guint n_files = 0;

  g_assert_true (reel_captions_write_srt (cut, srt_path, &error));
  g_assert_no_error (error);
  g_assert_true (reel_captions_write_webvtt (cut, vtt_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (srt_path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);

  /* Nothing but the two files: no temporaries left behind. */
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 2);

  g_assert_false (reel_captions_write_srt (cut, missing_path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "film.srt"));
  g_assert_false (g_file_test (missing_path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (reel_captions_write_webvtt (cut, missing_path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_false (g_file_test (missing_path, G_FILE_TEST_EXISTS));

  reel_test_rm_rf (dir);
}

/* The broadcasters' line lengths: 42 Latin characters, 16 Chinese ones. */
static void
test_line_lengths (void)
{
  const char      *chinese = "渡轮缓缓靠岸，乘客们提着行李涌下舷梯，小男孩踮起脚尖，在拥挤的人群中"
                             "寻找妈妈的身影。";
  const char      *latin = "The ferry docks slowly, and the passengers pour down the gangway while "
                           "the boy stands on tiptoe, looking for his mother in the crowd.";
  g_autofree char *wrapped_chinese = reel_captions_wrap (chinese, REEL_CAPTIONS_DEFAULT_COLUMNS);
  g_autofree char *wrapped_latin = reel_captions_wrap (latin, REEL_CAPTIONS_DEFAULT_COLUMNS);
  g_auto (GStrv) chinese_lines = g_strsplit (wrapped_chinese, "\n", -1);
  g_auto (GStrv) latin_lines = g_strsplit (wrapped_latin, "\n", -1);

  for (guint i = 0; chinese_lines[i] != NULL; i++)
    g_assert_cmpint (g_utf8_strlen (chinese_lines[i], -1), <=, 16);
  /* Full lines, not short ones: as few lines as the limit allows. */
  g_assert_cmpuint (g_strv_length (chinese_lines), ==, 3);
  for (guint i = 0; latin_lines[i] != NULL; i++)
    g_assert_cmpint (g_utf8_strlen (latin_lines[i], -1), <=, 42);
  g_assert_cmpuint (g_strv_length (latin_lines), ==, 4);
}

/* Lines break between words, found by ICU's dictionary in Chinese: never 渡 /
 * 轮, whatever the width. */
static void
test_wrap_between_words (void)
{
  const char *const words[] = { "渡轮", "舷梯", "乘客", "码头", "妈妈", "行李", "人群", NULL };
  const char *text = "乘客们从渡轮上走下来，小男孩提着行李在码头的人群里等妈妈。";

  for (guint columns = 8; columns <= 42; columns++)
    {
      g_autofree char *wrapped = reel_captions_wrap (text, columns);
      g_autofree char *joined = without_newlines (wrapped);

      g_assert_cmpstr (joined, ==, text);
      for (guint w = 0; words[w] != NULL; w++)
        {
          g_autofree char *first = g_utf8_substring (words[w], 0, 1);
          g_autofree char *second = g_utf8_substring (words[w], 1, 2);
          g_autofree char *split = g_strconcat (first, "\n", second, NULL);

          if (strstr (wrapped, split) != NULL)
            g_error ("“%s” is broken at %u columns:\n%s", words[w], columns, wrapped);
        }
    }
}

/* Chinese and Japanese captions name the speaker with a full-width colon. */
static void
test_speaker_colon (void)
{
  static const struct
  {
    const char *speaker;
    const char *text;
    const char *shown;
  } cases[] = {
    { "阿杰", "快！", "阿杰：快！" }, { "MARA", "树叶在喝太阳！", "MARA：树叶在喝太阳！" },
    { "MAYA", "Run!", "MAYA: Run!" }, { "阿杰", "Run!", "阿杰: Run!" },
    { "阿杰", "……", "阿杰：……" },     { NULL, "快！", "快！" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ReelCutCue cue = { .speaker = (char *) cases[i].speaker, .text = (char *) cases[i].text };
      g_autofree char *shown = reel_cut_cue_dup_display_text (&cue);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

/* A cue a little over two lines is not two lines and a word left over for an
 * instant: two screens of even length, cut after a clause, each on screen
 * long enough to read. */
static void
test_no_short_remainder (void)
{
  ReelCutCue cue = {
    .start = 10.0,
    .duration = 4.0,
    .speaker = (char *) "MAYA",
    .text = (char *) "I waited at the pier all afternoon, and every ferry that came in was "
                     "the wrong one, again.",
  };
  ReelCutCue chinese = {
    .start = 20.0,
    .duration = 3.0,
    .speaker = (char *) "小男孩",
    .text = (char *) "我在码头等了一下午，每一班渡轮都不是你坐的那一班，你到底在哪里呀？",
  };
  ReelCutCue *cues[] = { &cue, &chinese };

  for (guint c = 0; c < G_N_ELEMENTS (cues); c++)
    {
      g_autoptr (GPtrArray) events = reel_captions_layout_cue (cues[c]);
      double end = cues[c]->start;

      g_assert_cmpuint (events->len, ==, 2);
      for (guint i = 0; i < events->len; i++)
        {
          const ReelCaptionEvent *event = g_ptr_array_index (events, i);
          g_auto (GStrv) lines = g_strsplit (event->text, "\n", -1);

          g_test_message ("%.2f +%.2f: %s", event->start, event->duration, event->text);
          g_assert_cmpfloat_with_epsilon (event->start, end, 1e-9);
          end = event->start + event->duration;
          g_assert_cmpfloat (event->duration, >=, REEL_CAPTIONS_MIN_EVENT_SECONDS - 1e-9);
          g_assert_cmpuint (g_strv_length (lines), <=, REEL_CAPTIONS_MAX_LINES);
          /* Neither screen is a remainder of a word or two. */
          g_assert_cmpuint (reel_captions_get_columns (event->text), >=,
                            reel_captions_get_columns (cues[c]->text) / 4);
        }
      g_assert_cmpfloat_with_epsilon (end, cues[c]->start + cues[c]->duration, 1e-9);
      /* The first screen ends a clause. */
      g_assert_true (g_str_has_suffix (((ReelCaptionEvent *) g_ptr_array_index (events, 0))->text,
                                       c == 0 ? "," : "，"));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interchange/captions/columns", test_columns);
  g_test_add_func ("/interchange/captions/wrap-chinese", test_wrap_chinese);
  g_test_add_func ("/interchange/captions/wrap-latin", test_wrap_latin);
  g_test_add_func ("/interchange/captions/wrap-balanced", test_wrap_balanced);
  g_test_add_func ("/interchange/captions/srt", test_srt);
  g_test_add_func ("/interchange/captions/webvtt", test_webvtt);
  g_test_add_func ("/interchange/captions/long-times", test_long_times);
  g_test_add_func ("/interchange/captions/write-atomic", test_write_atomic);
  g_test_add_func ("/interchange/captions/line-lengths", test_line_lengths);
  g_test_add_func ("/interchange/captions/wrap-between-words", test_wrap_between_words);
  g_test_add_func ("/interchange/captions/speaker-colon", test_speaker_colon);
  g_test_add_func ("/interchange/captions/no-short-remainder", test_no_short_remainder);

  return g_test_run ();
}
