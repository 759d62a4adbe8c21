/* test-safety.c
 *
 * The blocklist screen: the ways people dress a blocked word up are caught,
 * ordinary screenplay text passes, and the user's own list adds and takes
 * away entries.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "reel-prompt-data.h"
#include "reel-safety-screen.h"
#include "reel-test-utils.h"

static ReelSafetyScreen *
new_screen (void)
{
  g_autoptr (GError) error = NULL;
  ReelSafetyScreen *screen = reel_safety_screen_new (&error);

  g_assert_no_error (error);
  g_assert_nonnull (screen);
  return screen;
}

static char *
user_blocklist (void)
{
  g_autofree char *path = reel_prompt_data_dup_user_path ("blocklist.tsv");
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_true (g_str_has_prefix (path, g_getenv ("XDG_DATA_HOME")));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_remove (path);
  return g_steal_pointer (&path);
}

static void
assert_blocked (ReelSafetyScreen *screen, const char *text, const char *term, const char *category)
{
  ReelSafetyMatch match = { 0 };

  if (!reel_safety_screen_check (screen, text, &match))
    g_error ("“%s” was not blocked; it should be, for “%s”", text, term);
  g_assert_cmpstr (match.term, ==, term);
  g_assert_cmpstr (match.category, ==, category);
  g_assert_cmpuint (match.start, <, match.end);
  g_assert_cmpuint (match.end, <=, strlen (text));
}

static void
assert_passes (ReelSafetyScreen *screen, const char *text)
{
  ReelSafetyMatch match = { 0 };

  if (reel_safety_screen_check (screen, text, &match))
    g_error ("“%s” was blocked for “%s” at “%.*s”", text, match.term,
             (int) (match.end - match.start), text + match.start);
}

static void
test_shipped_list (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = new_screen ();
  ReelSafetyMatch match = { 0 };
  const char     *text = "A film with porn in it.";

  g_assert_cmpuint (reel_safety_screen_get_n_entries (screen), >, 100);
  g_assert_true (reel_safety_screen_check (screen, text, &match));
  g_assert_cmpstr (match.term, ==, "porn");
  g_assert_cmpstr (match.category, ==, "sexual");
  g_assert_cmpuint (match.start, ==, 12);
  g_assert_cmpuint (match.end, ==, 16);
  /* Each of the shipped categories has something in it. */
  assert_blocked (screen, "儿童色情", "儿童色情", "minors");
  assert_blocked (screen, "A decapitated soldier", "decapitated", "gore");
  assert_blocked (screen, "她割腕了", "割腕", "self-harm");
  assert_blocked (screen, "a deepfake of the mayor", "deepfake", "deepfake");
}

static void
test_evasion (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = new_screen ();
  const struct
  {
    const char *text;
    const char *term;
    const char *category;
  } cases[] = {
    { "ｐｏｒｎ", "porn", "sexual" },                           /* full-width */
    { "PoRn", "porn", "sexual" },                               /* mixed case */
    { "a P O R N film", "porn", "sexual" },                     /* spaced out */
    { "a p.o.r.n film", "porn", "sexual" },                     /* dotted */
    { "p-o_r*n", "porn", "sexual" },                            /* punctuation */
    { "p\u200Bo\u200Cr\u00ADn", "porn", "sexual" },             /* zero-width */
    { "p o rn", "porn", "sexual" },                             /* partly spaced */
    { "ＣＨＩＬＤ　ＰＯＲＮ", "child porn", "minors" },         /* ideographic space */
    { "child\tpornography!", "child pornography", "minors" },   /* the longest entry */
    { "兒童色情", "儿童色情", "minors" },                       /* traditional */
    { "一張裸體照片", "裸体", "sexual" },                       /* traditional */
    { "色 情 片", "色情", "sexual" },                           /* spaced */
    { "色·情", "色情", "sexual" },                              /* dotted */
    { "色\u200B情", "色情", "sexual" },                         /* zero-width */
    { "士兵被斬首", "斩首", "gore" },                           /* traditional */
    { "ＡＩ換臉", "换脸", "deepfake" },                         /* traditional, full-width */
    { "Face-Swap the actor", "face swap", "deepfake" },         /* joined by a hyphen */
    { "faceswap", "face swap", "deepfake" },                    /* joined */
    { "看porn", "porn", "sexual" },                             /* after Chinese */
    { "ロリコン", "ロリコン", "minors" },                       /* Japanese */
    { "ﾛﾘｺﾝ", "ロリコン", "minors" },                           /* half-width katakana */
    { "Детское ПОРНО", "детское порно", "minors" },             /* Cyrillic */
    { "PÉDOPORNOGRAPHIE", "pédopornographie", "minors" },       /* accents and case */
    { "pe\u0301dopornographie", "pédopornographie", "minors" }, /* decomposed é */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_blocked (screen, cases[i].text, cases[i].term, cases[i].category);
}

/* Letters written as digits or symbols are read back, in a word that mixes
 * them with letters, and the match is still in the text as written. */
static void
test_leetspeak (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = new_screen ();
  ReelSafetyMatch match = { 0 };
  const char     *text = "A film with pr0n, no, p0rn in it.";
  const struct
  {
    const char *text;
    const char *term;
    const char *category;
  } cases[] = {
    { "a p0rn film", "porn", "sexual" },               /* 0 for o */
    { "PORN0GRAPHY", "pornography", "sexual" },        /* capitals */
    { "nud3 on the beach", "nude", "sexual" },         /* 3 for e */
    { "h3nt@i", "hentai", "sexual" },                  /* @ for a */
    { "a $triptease", "striptease", "sexual" },        /* $ for s */
    { "r@pe", "rape", "sexual" },                      /* @ for a */
    { "7opless", "topless", "sexual" },                /* 7 for t */
    { "m4sturb4tion", "masturbation", "sexual" },      /* 4 for a */
    { "hardc0re 5ex", "hardcore sex", "sexual" },      /* 5 for s, two words */
    { "ch1ld p0rn", "child porn", "minors" },          /* 1 for i */
    { "p3d0phi1ia", "pedophilia", "minors" },          /* 1 for l */
    { "p.0.r.n", "porn", "sexual" },                   /* dotted as well */
    { "他在看p0rn", "porn", "sexual" },                /* after Chinese */
    { "d3c@pit@t3d soldiers", "decapitated", "gore" }, /* several */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_blocked (screen, cases[i].text, cases[i].term, cases[i].category);

  g_assert_true (reel_safety_screen_check (screen, text, &match));
  g_assert_cmpstr (match.term, ==, "porn");
  g_assert_cmpint (strncmp (text + match.start, "p0rn", match.end - match.start), ==, 0);
  g_assert_cmpuint (match.end - match.start, ==, 4);
}

/* Digits in ordinary screenplay text are numbers, not letters. */
static void
test_digits_in_ordinary_text (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = NULL;
  const char *corpus[] = {
    "Scene 3: 4 apples on the table.",
    "In 1984, the 5 friends meet at 7.",
    "Room 101. Agent 007 opens the safe at 3:45.",
    "She shoots on 35mm film, in 4K and 3D, 24fps.",
    "Shot 12A: a B-52 bomber crosses the sky in the 1950s.",
    "R2-D2 beeps; C-3PO answers.",
    "Write to sam@example.com, it costs $5 or $15.50.",
    "第3场，5个人在1999年的火车站。",
    "The MP4 plays on the 4th of July at 5pm.",
    "A 3-way split screen; 1st and 2nd unit.",
    "Essex 4, Sussex 3: the 2nd half.",
    "Page 7 of 45, take 3.",
    "Th3 analyst types 5ex4ct1y in Scene 10.",
  };

  /* "sex" alone is on no shipped list, so the user's own shows that a
   * number beside a word is no letter of it. */
  g_assert_true (g_file_set_contents (user, "sex\tmine\nass\tmine\n", -1, NULL));
  screen = new_screen ();
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    assert_passes (screen, corpus[i]);
  /* A word that mixes them is read as letters, and still has to be whole. */
  assert_blocked (screen, "a 5ex film", "sex", "mine");
  assert_blocked (screen, "what an a$$", "ass", "mine");
  g_remove (user);
}

/* The match says where, in the text as written. */
static void
test_span (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = new_screen ();
  ReelSafetyMatch match = { 0 };
  const char     *text = "Then Ｐ.Ｏ.Ｒ.Ｎ, then 兒童色情.";

  g_assert_true (reel_safety_screen_check (screen, text, &match));
  g_assert_cmpstr (match.term, ==, "porn");
  g_assert_cmpint (strncmp (text + match.start, "Ｐ.Ｏ.Ｒ.Ｎ", match.end - match.start), ==, 0);
  g_assert_cmpuint (match.end - match.start, ==, strlen ("Ｐ.Ｏ.Ｒ.Ｎ"));
}

static void
test_ordinary_text (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = new_screen ();
  const char *corpus[] = {
    "INT. CLASSROOM - DAY",
    "A classic assessment: the class passes the bass to Cass.",
    "Scunthorpe United play Sussex, Essex and Middlesex.",
    "The Essex scene opens on a sextant and a compass.",
    "The therapist eats grapes beside the drape; rapeseed fields beyond.",
    "Gregory analyses the Japanese documents in Penistone.",
    "The detective draws her gun. Blood on the floor. He fights the killer.",
    "She waves goodbye and the train leaves the station.",
    "The students assess a class assignment.",
    "他一脚射门，球进了！",
    "杀手举起枪，血溅在墙上。",
    "这家餐厅很有特色情调。",
    "警察在河边发现了部分尸体的线索。",
    "港口交通很繁忙，个性交友网站也很火。",
    "清晨的露点温度很低，她剪了短发。",
    "老师在黑板上写下“自然科学”四个字。",
    "镜头慢慢推近，女孩回头微笑。",
    "夕陽西下，兩個人走在海邊。",
    "The pen is mightier than the sword.",
    "Cum laude, she graduates; her classmates cheer.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    assert_passes (screen, corpus[i]);
}

/* Two whole words do not make a blocked one, even without the space. */
static void
test_word_edges (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = NULL;

  g_assert_true (g_file_set_contents (user, "ass\tmine\nanal\tmine\n", -1, NULL));
  screen = new_screen ();

  assert_passes (screen, "classic");
  assert_passes (screen, "assessment");
  assert_passes (screen, "a pass, a mass exodus, a bass");
  assert_passes (screen, "An Al Capone film.");
  assert_passes (screen, "Analysis of the canal");
  assert_blocked (screen, "what an ass", "ass", "mine");
  assert_blocked (screen, "what an A S S", "ass", "mine");
  assert_blocked (screen, "a.s.s", "ass", "mine");
  assert_blocked (screen, "a nal", "anal", "mine");
  g_remove (user);
}

static void
test_user_extends_and_removes (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) shipped = new_screen ();
  g_autoptr (ReelSafetyScreen) screen = NULL;

  g_assert_true (g_file_set_contents (user,
                                      "# mine\n"
                                      "Dragon Fruit\tfruit\n"
                                      "火龙果\n"
                                      "!porn\tsexual\n",
                                      -1, NULL));
  screen = new_screen ();

  g_assert_cmpuint (reel_safety_screen_get_n_entries (screen), ==,
                    reel_safety_screen_get_n_entries (shipped) + 1);
  assert_blocked (screen, "a DRAGON-FRUIT smoothie", "Dragon Fruit", "fruit");
  assert_blocked (screen, "一盘火龍果", "火龙果", "other");
  assert_passes (screen, "a porn film");
  assert_blocked (screen, "pornography", "pornography", "sexual");
  assert_blocked (shipped, "a porn film", "porn", "sexual");
  g_remove (user);
}

static void
test_message (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = new_screen ();
  g_autoptr (GError) error = NULL;

  g_assert_true (reel_safety_screen_allows (screen, "A quiet morning.", &error));
  g_assert_no_error (error);
  g_assert_false (reel_safety_screen_allows (screen, "Some gory splatter", &error));
  g_assert_error (error, REEL_SAFETY_ERROR, REEL_SAFETY_ERROR_BLOCKED);
  g_assert_nonnull (strstr (error->message, "“gory”"));
  g_assert_nonnull (strstr (error->message, "extreme gore"));
  g_assert_nonnull (strstr (error->message, "before sending"));

  g_assert_cmpstr (reel_safety_category_get_label ("minors"), ==,
                   "sexual content involving minors");
  g_assert_cmpstr (reel_safety_category_get_label ("fruit"), ==, "fruit");
}

static gpointer
check_many (gpointer data)
{
  ReelSafetyScreen *screen = data;
  guint             blocked = 0;

  for (guint i = 0; i < 200; i++)
    {
      ReelSafetyMatch match;

      if (reel_safety_screen_check (screen, "夕陽西下，兩個人走在海邊。", &match))
        return GUINT_TO_POINTER (G_MAXUINT);
      if (reel_safety_screen_check (screen, "一張裸體照片", &match)
          && g_str_equal (match.term, "裸体"))
        blocked++;
    }
  return GUINT_TO_POINTER (blocked);
}

/* One screen serves every worker at once. */
static void
test_threads (void)
{
  g_autofree char *user = user_blocklist ();
  g_autoptr (ReelSafetyScreen) screen = NULL;
  g_autoptr (ReelSafetyScreen) again = NULL;
  g_autoptr (GError) error = NULL;
  GThread *threads[4];

  screen = reel_safety_screen_dup_default (&error);
  g_assert_no_error (error);
  again = reel_safety_screen_dup_default (&error);
  g_assert_true (screen == again);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("screen", check_many, screen);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 200);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-safety-XXXXXX", NULL);
  int              status;

  g_assert_nonnull (home);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/prompt/safety/shipped-list", test_shipped_list);
  g_test_add_func ("/prompt/safety/evasion", test_evasion);
  g_test_add_func ("/prompt/safety/leetspeak", test_leetspeak);
  g_test_add_func ("/prompt/safety/digits-in-ordinary-text", test_digits_in_ordinary_text);
  g_test_add_func ("/prompt/safety/span", test_span);
  g_test_add_func ("/prompt/safety/ordinary-text", test_ordinary_text);
  g_test_add_func ("/prompt/safety/word-edges", test_word_edges);
  g_test_add_func ("/prompt/safety/user-extends-and-removes", test_user_extends_and_removes);
  g_test_add_func ("/prompt/safety/message", test_message);
  g_test_add_func ("/prompt/safety/threads", test_threads);

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
