/* test-fountain.c: the Fountain parser, rule by rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "reel-fountain.h"

/* The element types of a document as one string, "scene-heading action …", for compact
 * assertions. */
static char *
types_of (const ReelFountainDocument *doc)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < doc->elements->len; i++)
    {
      const ReelFountainElement *element = g_ptr_array_index (doc->elements, i);

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, reel_fountain_element_type_to_string (element->type));
    }

  return g_string_free (out, FALSE);
}

static const ReelFountainElement *
element_at (const ReelFountainDocument *doc, guint index)
{
  g_assert_cmpuint (index, <, doc->elements->len);
  return g_ptr_array_index (doc->elements, index);
}

static void
assert_types (const char *script, const char *expected)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse (script);
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (types, ==, expected);
}

static void
test_title_page (void)
{
  const char *script = "Title: **雨夜** _Chase_\n"
                       "Credit: 编剧\n"
                       "Author: 林导演\n"
                       "Draft Date: 2024年10月12日\n"
                       "Contact:\n"
                       "    北京市朝阳区\n"
                       "\tlin@example.invalid\n"
                       "\n"
                       "INT. 厨房 - 夜\n"
                       "\n"
                       "她打开冰箱。\n";
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse (script);
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (g_hash_table_lookup (doc->title_page, "title"), ==, "**雨夜** _Chase_");
  g_assert_cmpstr (g_hash_table_lookup (doc->title_page, "credit"), ==, "编剧");
  g_assert_cmpstr (g_hash_table_lookup (doc->title_page, "author"), ==, "林导演");
  /* Keys are lowercased. */
  g_assert_cmpstr (g_hash_table_lookup (doc->title_page, "draft date"), ==, "2024年10月12日");
  g_assert_null (g_hash_table_lookup (doc->title_page, "Draft Date"));
  /* Indented lines continue the key above. */
  g_assert_cmpstr (g_hash_table_lookup (doc->title_page, "contact"), ==,
                   "北京市朝阳区\nlin@example.invalid");
  g_assert_cmpstr (types, ==, "scene-heading action");
  g_assert_cmpuint (element_at (doc, 0)->line, ==, 9);
}

static void
test_no_title_page (void)
{
  /* A key: value line of no title-page key is the script itself. */
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("Note to self: buy milk\n");

  g_assert_cmpuint (g_hash_table_size (doc->title_page), ==, 0);
  g_assert_cmpstr (element_at (doc, 0)->text, ==, "Note to self: buy milk");
  g_assert_false (reel_fountain_document_has_markup (doc));
}

static void
test_crlf_and_bom (void)
{
  const char *lf = "Title: Crossing\n\nEXT. BRIDGE - DAY\n\nRain.\nWind.\n\nMAYA\nHold on!\n";
  const char *crlf = "\xef\xbb\xbfTitle: Crossing\r\n\r\nEXT. BRIDGE - DAY\r\n\r\nRain.\r\nWind."
                     "\r\n\r\nMAYA\r\nHold on!\r\n";
  const char *cr = "\xef\xbb\xbfTitle: Crossing\r\rEXT. BRIDGE - DAY\r\rRain.\rWind.\r\rMAYA\r"
                   "Hold on!\r";
  g_autoptr (ReelFountainDocument) lf_doc = reel_fountain_parse (lf);
  g_autoptr (ReelFountainDocument) crlf_doc = reel_fountain_parse (crlf);
  g_autoptr (ReelFountainDocument) cr_doc = reel_fountain_parse (cr);
  g_autofree char *lf_types = types_of (lf_doc);
  g_autofree char *crlf_types = types_of (crlf_doc);
  g_autofree char *cr_types = types_of (cr_doc);

  g_assert_cmpstr (lf_types, ==, "scene-heading action character dialogue");
  g_assert_cmpstr (crlf_types, ==, lf_types);
  g_assert_cmpstr (cr_types, ==, lf_types);

  /* The BOM is not part of the first key, and no \r is left in any text. */
  g_assert_cmpstr (g_hash_table_lookup (crlf_doc->title_page, "title"), ==, "Crossing");
  for (guint i = 0; i < crlf_doc->elements->len; i++)
    {
      g_assert_cmpstr (element_at (crlf_doc, i)->text, ==, element_at (lf_doc, i)->text);
      g_assert_null (strchr (element_at (crlf_doc, i)->text, '\r'));
    }
  g_assert_cmpstr (element_at (crlf_doc, 1)->text, ==, "Rain.\nWind.");
}

static void
test_scene_headings (void)
{
  static const struct
  {
    const char *line;
    gboolean    heading;
  } cases[] = {
    { "INT. KITCHEN - NIGHT", TRUE },
    { "EXT. PARK - DAY", TRUE },
    { "int. kitchen - night", TRUE },
    { "Ext. park", TRUE },
    { "EST. CITY SKYLINE", TRUE },
    { "INT./EXT. CAR - MOVING", TRUE },
    { "INT/EXT CAR", TRUE },
    { "I/E CAR", TRUE },
    { "i/e car", TRUE },
    { "INT KITCHEN", TRUE },
    { "INTERIOR DESIGN", FALSE },
    { "EXTRA LARGE", FALSE },
    { "Interesting things happen.", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *script = g_strdup_printf ("%s\n\nShe waits.\n", cases[i].line);
      g_autoptr (ReelFountainDocument) doc = reel_fountain_parse (script);

      g_test_message ("%s", cases[i].line);
      g_assert_cmpint (reel_fountain_is_scene_heading (cases[i].line), ==, cases[i].heading);
      g_assert_cmpint (element_at (doc, 0)->type, ==,
                       cases[i].heading ? REEL_FOUNTAIN_SCENE_HEADING : REEL_FOUNTAIN_ACTION);
      if (cases[i].heading)
        g_assert_cmpstr (element_at (doc, 0)->text, ==, cases[i].line);
    }
}

static void
test_forced_heading_and_ellipsis (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse (".FLASHBACK\n"
                                                              "\n"
                                                              "...and then, silence.\n"
                                                              "\n"
                                                              ".. still not a heading\n"
                                                              "\n"
                                                              ". nor this\n"
                                                              "\n"
                                                              "!INT. NOT A HEADING\n");
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (types, ==, "scene-heading action action action action");
  g_assert_cmpstr (element_at (doc, 0)->text, ==, "FLASHBACK");
  g_assert_true (element_at (doc, 0)->forced);
  g_assert_cmpstr (element_at (doc, 1)->text, ==, "...and then, silence.");
  g_assert_cmpstr (element_at (doc, 4)->text, ==, "INT. NOT A HEADING");
  g_assert_true (element_at (doc, 4)->forced);
}

static void
test_scene_numbers (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("INT. HOUSE - DAY #1#\n"
                                                              "\n"
                                                              "A.\n"
                                                              "\n"
                                                              "EXT. GARDEN #1A#\n"
                                                              "\n"
                                                              "B.\n"
                                                              "\n"
                                                              ".DREAM #I-1-A.2#\n"
                                                              "\n"
                                                              "INT. HALL\n");

  g_assert_cmpstr (element_at (doc, 0)->text, ==, "INT. HOUSE - DAY");
  g_assert_cmpstr (element_at (doc, 0)->scene_number, ==, "1");
  g_assert_cmpstr (element_at (doc, 2)->text, ==, "EXT. GARDEN");
  g_assert_cmpstr (element_at (doc, 2)->scene_number, ==, "1A");
  g_assert_cmpstr (element_at (doc, 4)->text, ==, "DREAM");
  g_assert_cmpstr (element_at (doc, 4)->scene_number, ==, "I-1-A.2");
  g_assert_null (element_at (doc, 5)->scene_number);
}

static void
test_characters_and_dialogue (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("MAYA (V.O.)\n"
                                                              "I remember the rain.\n"
                                                              "It never stopped.\n"
                                                              "\n"
                                                              "TOM (CONT'D)\n"
                                                              "(quietly)\n"
                                                              "Me too.\n"
                                                              "(beat)\n"
                                                              "Mostly.\n"
                                                              "\n"
                                                              "@王老师\n"
                                                              "同学们好！\n"
                                                              "\n"
                                                              "@McCLANE\n"
                                                              "Yippee.\n"
                                                              "\n"
                                                              "SHOUTING ALONE\n"
                                                              "\n"
                                                              "She leaves.\n");
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (types, ==,
                   "character dialogue character parenthetical dialogue parenthetical dialogue "
                   "character dialogue character dialogue action action");
  g_assert_cmpstr (element_at (doc, 0)->text, ==, "MAYA");
  g_assert_cmpstr (element_at (doc, 0)->extension, ==, "(V.O.)");
  g_assert_cmpstr (element_at (doc, 1)->text, ==, "I remember the rain.\nIt never stopped.");
  g_assert_cmpstr (element_at (doc, 2)->text, ==, "TOM");
  g_assert_cmpstr (element_at (doc, 2)->extension, ==, "(CONT'D)");
  g_assert_cmpstr (element_at (doc, 3)->text, ==, "(quietly)");
  g_assert_cmpstr (element_at (doc, 7)->text, ==, "王老师");
  g_assert_true (element_at (doc, 7)->forced);
  g_assert_cmpstr (element_at (doc, 8)->text, ==, "同学们好！");
  g_assert_cmpstr (element_at (doc, 9)->text, ==, "McCLANE");
  /* An all-caps line with no dialogue after it is action. */
  g_assert_cmpstr (element_at (doc, 11)->text, ==, "SHOUTING ALONE");
}

static void
test_dual_dialogue (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("BRICK\n"
                                                              "Screw retirement.\n"
                                                              "\n"
                                                              "STEEL ^\n"
                                                              "(grinning)\n"
                                                              "Screw retirement.\n"
                                                              "\n"
                                                              "BRICK\n"
                                                              "Again?\n");
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (types, ==,
                   "character dialogue character parenthetical dialogue character dialogue");
  g_assert_cmpstr (element_at (doc, 2)->text, ==, "STEEL");
  for (guint i = 0; i < 5; i++)
    g_assert_true (element_at (doc, i)->dual);
  g_assert_false (element_at (doc, 5)->dual);
  g_assert_false (element_at (doc, 6)->dual);
}

static void
test_transitions_and_centered (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("He runs.\n"
                                                              "\n"
                                                              "CUT TO:\n"
                                                              "\n"
                                                              "> Fade to black.\n"
                                                              "\n"
                                                              ">THE END<\n"
                                                              "\n"
                                                              "> 淡出 <\n"
                                                              "\n"
                                                              "FADE OUT.\n");
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (types, ==, "action transition transition centered centered transition");
  g_assert_cmpstr (element_at (doc, 1)->text, ==, "CUT TO:");
  g_assert_cmpstr (element_at (doc, 2)->text, ==, "Fade to black.");
  g_assert_cmpstr (element_at (doc, 3)->text, ==, "THE END");
  g_assert_cmpstr (element_at (doc, 4)->text, ==, "淡出");

  /* Without a blank line after it, "CUT TO:" is not a transition. */
  assert_types ("CUT TO:\nthe chase.\n", "action");
}

static void
test_sections_synopses_page_breaks (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("# Act one\n"
                                                              "\n"
                                                              "## The heist\n"
                                                              "= They plan the job.\n"
                                                              "\n"
                                                              "===\n"
                                                              "\n"
                                                              "~Singing in the rain\n");
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (types, ==, "section section synopsis page-break lyrics");
  g_assert_cmpstr (element_at (doc, 0)->text, ==, "Act one");
  g_assert_cmpuint (element_at (doc, 0)->section_depth, ==, 1);
  g_assert_cmpuint (element_at (doc, 1)->section_depth, ==, 2);
  g_assert_cmpstr (element_at (doc, 2)->text, ==, "They plan the job.");
  g_assert_cmpstr (element_at (doc, 4)->text, ==, "Singing in the rain");
}

static void
test_notes_and_boneyard (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("EXT. FIELD\n"
                                                              "\n"
                                                              "The grass sways. [[Wind or\n"
                                                              "no wind?]] A crow lands.\n"
                                                              "[[A note on its own line]]\n"
                                                              "It caws.\n"
                                                              "\n"
                                                              "/* An old scene:\n"
                                                              "\n"
                                                              "INT. BARN\n"
                                                              "\n"
                                                              "COW\n"
                                                              "Moo.\n"
                                                              "*/\n"
                                                              "\n"
                                                              "The crow flies off.\n");
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (types, ==, "scene-heading action note note boneyard action");
  /* Notes inside a paragraph do not split it, and leave no markup behind. */
  g_assert_cmpstr (element_at (doc, 1)->text, ==, "The grass sways.  A crow lands.\nIt caws.");
  g_assert_cmpstr (element_at (doc, 2)->text, ==, "Wind or\nno wind?");
  g_assert_cmpuint (element_at (doc, 2)->line, ==, 3);
  g_assert_cmpstr (element_at (doc, 3)->text, ==, "A note on its own line");
  g_assert_cmpuint (element_at (doc, 3)->line, ==, 5);
  g_assert_true (g_str_has_prefix (element_at (doc, 4)->text, "An old scene:"));
  g_assert_cmpuint (element_at (doc, 4)->line, ==, 8);
  /* Line numbers after a removed span still point into the input. */
  g_assert_cmpuint (element_at (doc, 5)->line, ==, 16);
}

static void
test_emphasis (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "*italic*", "italic" },
    { "**bold**", "bold" },
    { "***bold italic***", "bold italic" },
    { "_underlined_", "underlined" },
    { "**bold *and italic* text**", "bold and italic text" },
    { "_**BRICK & STEEL**_", "BRICK & STEEL" },
    { "\\*not italic\\*", "*not italic*" },
    { "\\_not underlined\\_", "_not underlined_" },
    { "snake_case_name stays", "snake_case_name stays" },
    { "2 * 3 * 4", "2 * 3 * 4" },
    { "他*慢慢地*走开了", "他慢慢地走开了" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = reel_fountain_strip_emphasis (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }

  {
    g_autoptr (ReelFountainDocument) doc
        = reel_fountain_parse (".*DREAM* SEQUENCE\n\nShe is **very** _late_.\n\nMAYA\n*Run!*\n");

    g_assert_cmpstr (element_at (doc, 0)->text, ==, "DREAM SEQUENCE");
    g_assert_cmpstr (element_at (doc, 1)->text, ==, "She is very late.");
    g_assert_cmpstr (element_at (doc, 3)->text, ==, "Run!");
  }
}

static void
test_plain_text_has_no_markup (void)
{
  g_autoptr (ReelFountainDocument) plain
      = reel_fountain_parse ("Scene 1: The lab\nThe lab is dark.\n\nA light flickers on.\n");
  g_autoptr (ReelFountainDocument) chinese
      = reel_fountain_parse ("场景一：教室\n老师走进教室。\n\n学生们站起来。\n");
  g_autoptr (ReelFountainDocument) fountain = reel_fountain_parse ("INT. LAB\n\nDark.\n");

  g_assert_false (reel_fountain_document_has_markup (plain));
  g_assert_false (reel_fountain_document_has_markup (chinese));
  g_assert_true (reel_fountain_document_has_markup (fountain));
}

static void
test_invalid_utf8_is_repaired (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("Bad \xff byte.\n");

  g_assert_true (g_utf8_validate (element_at (doc, 0)->text, -1, NULL));
}

/* Chinese scripts write a speech after the speaker's name and a colon, full width or not. */
static void
test_inline_cues (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse ("EXT. 码头 - 黄昏\n"
                                                              "\n"
                                                              "渡轮靠岸。\n"
                                                              "小男孩：妈妈，你一定要回来！\n"
                                                              "妈妈:（轻声）我一定回来。\n"
                                                              "妈妈转身走上渡轮。\n"
                                                              "\n"
                                                              "时间：傍晚\n"
                                                              "推镜：海鸥掠过水面。\n"
                                                              "\n"
                                                              "TOM: Mum!\n"
                                                              "Note: keep this short.\n"
                                                              "\n"
                                                              "小雨回头看去：两道车灯刺破雨幕。\n"
                                                              "他说：“快走！”\n");
  g_autofree char *types = types_of (doc);

  g_assert_cmpstr (types, ==,
                   "scene-heading action character dialogue character parenthetical dialogue "
                   "action action character dialogue action action");
  g_assert_cmpstr (element_at (doc, 2)->text, ==, "小男孩");
  g_assert_true (element_at (doc, 2)->by_name);
  g_assert_cmpuint (element_at (doc, 2)->line, ==, 4);
  g_assert_cmpstr (element_at (doc, 3)->text, ==, "妈妈，你一定要回来！");
  g_assert_cmpstr (element_at (doc, 4)->text, ==, "妈妈");
  g_assert_cmpstr (element_at (doc, 5)->text, ==, "（轻声）");
  g_assert_cmpstr (element_at (doc, 6)->text, ==, "我一定回来。");
  /* The speech ends with its line: the next one is action again. */
  g_assert_cmpstr (element_at (doc, 7)->text, ==, "妈妈转身走上渡轮。");
  /* Labels and camera directions before a colon never speak. */
  g_assert_cmpstr (element_at (doc, 8)->text, ==, "时间：傍晚\n推镜：海鸥掠过水面。");
  g_assert_cmpstr (element_at (doc, 9)->text, ==, "TOM");
  g_assert_cmpstr (element_at (doc, 11)->text, ==, "Note: keep this short.");
  /* Action that says what someone sees, and prose that quotes what is said. */
  g_assert_cmpstr (element_at (doc, 12)->text, ==,
                   "小雨回头看去：两道车灯刺破雨幕。\n他说：“快走！”");
  g_assert_cmpuint (doc->likely_cues->len, ==, 0);
}

/* A name once used as a cue, or one the caller knows, is a cue on a line of its own too. */
static void
test_known_name_cues (void)
{
  g_autoptr (ReelFountainDocument) used
      = reel_fountain_parse ("小男孩：妈妈！\n\n渡轮开走了。\n\n小男孩\n妈妈，你一定要回来！\n");
  g_autoptr (ReelFountainDocument) unknown
      = reel_fountain_parse ("渡轮开走了。\n\n小男孩\n妈妈，你一定要回来！\n\n小男孩\n妈妈！\n");
  const char *const characters[] = { "MAYA", NULL };
  g_autoptr (ReelFountainDocument) given = reel_fountain_parse_with_characters (
      "INT. HALL - NIGHT\n\nThe lights go out.\nMaya (V.O.)\nWhere are you?\nI can't see.\n",
      characters);
  g_autofree char           *used_types = types_of (used);
  g_autofree char           *unknown_types = types_of (unknown);
  g_autofree char           *given_types = types_of (given);
  const ReelFountainElement *likely;

  g_assert_cmpstr (used_types, ==, "character dialogue action character dialogue");
  g_assert_cmpstr (element_at (used, 4)->text, ==, "妈妈，你一定要回来！");

  /* Unknown, the name stays action, with its line; remembered once, where it first appears. */
  g_assert_cmpstr (unknown_types, ==, "action action action");
  g_assert_cmpstr (element_at (unknown, 1)->text, ==, "小男孩\n妈妈，你一定要回来！");
  g_assert_cmpuint (unknown->likely_cues->len, ==, 1);
  likely = g_ptr_array_index (unknown->likely_cues, 0);
  g_assert_cmpstr (likely->text, ==, "小男孩");
  g_assert_cmpuint (likely->line, ==, 3);
  g_assert_false (reel_fountain_document_has_markup (unknown));

  /* Known whatever its case, with an extension, even right under action. */
  g_assert_cmpstr (given_types, ==, "scene-heading action character dialogue");
  g_assert_cmpstr (element_at (given, 2)->text, ==, "Maya");
  g_assert_cmpstr (element_at (given, 2)->extension, ==, "(V.O.)");
  g_assert_cmpstr (element_at (given, 3)->text, ==, "Where are you?\nI can't see.");
}

/* Speeches by name alone are no Fountain markup: a plain-text script keeps its plain reading. */
static void
test_inline_cues_are_not_markup (void)
{
  g_autoptr (ReelFountainDocument) doc = reel_fountain_parse (
      "场景一：码头\n渡轮靠岸。\n小男孩：妈妈！\n妈妈：（轻声）我会回来。\n");

  g_assert_false (reel_fountain_document_has_markup (doc));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fountain/title-page", test_title_page);
  g_test_add_func ("/fountain/no-title-page", test_no_title_page);
  g_test_add_func ("/fountain/crlf-and-bom", test_crlf_and_bom);
  g_test_add_func ("/fountain/scene-headings", test_scene_headings);
  g_test_add_func ("/fountain/forced-heading-and-ellipsis", test_forced_heading_and_ellipsis);
  g_test_add_func ("/fountain/scene-numbers", test_scene_numbers);
  g_test_add_func ("/fountain/characters-and-dialogue", test_characters_and_dialogue);
  g_test_add_func ("/fountain/dual-dialogue", test_dual_dialogue);
  g_test_add_func ("/fountain/transitions-and-centered", test_transitions_and_centered);
  g_test_add_func ("/fountain/sections-synopses-page-breaks", test_sections_synopses_page_breaks);
  g_test_add_func ("/fountain/notes-and-boneyard", test_notes_and_boneyard);
  g_test_add_func ("/fountain/emphasis", test_emphasis);
  g_test_add_func ("/fountain/inline-cues", test_inline_cues);
  g_test_add_func ("/fountain/known-name-cues", test_known_name_cues);
  g_test_add_func ("/fountain/inline-cues-are-not-markup", test_inline_cues_are_not_markup);
  g_test_add_func ("/fountain/plain-text-has-no-markup", test_plain_text_has_no_markup);
  g_test_add_func ("/fountain/invalid-utf8-is-repaired", test_invalid_utf8_is_repaired);

  return g_test_run ();
}
