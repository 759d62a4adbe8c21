/* test-breakdown.c: scripts broken down into scenes, shots and captions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "reel-breakdown.h"
#include "reel-project.h"
#include "reel-shot-reader.h"
#include "reel-test-utils.h"

static ReelPlan *
breakdown_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  ReelPlan *plan = reel_breakdown_script (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

/* The plan as the project stores it: with the camera moves its text names, which the prompt
 * module reads (see tests/prompt/test-understanding.c for the words themselves). */
static ReelPlan *
breakdown_with_cameras (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelShotReader) reader = reel_shot_reader_new (&error);
  ReelPlan *plan = breakdown_ok (text);

  g_assert_no_error (error);
  reel_shot_reader_guess_plan_cameras (reader, plan);
  return plan;
}

static ReelPlanScene *
scene_at (const ReelPlan *plan, guint index)
{
  g_assert_cmpuint (index, <, plan->scenes->len);
  return g_ptr_array_index (plan->scenes, index);
}

static ReelPlanShot *
shot_at (const ReelPlan *plan, guint scene_index, guint shot_index)
{
  ReelPlanScene *scene = scene_at (plan, scene_index);

  g_assert_cmpuint (shot_index, <, scene->shots->len);
  return g_ptr_array_index (scene->shots, shot_index);
}

static ReelCaption *
caption_at (const ReelPlanShot *shot, guint index)
{
  g_assert_cmpuint (index, <, shot->captions->len);
  return g_ptr_array_index (shot->captions, index);
}

/* "3 3 3 3": the shot count of each scene. */
static char *
shots_per_scene (const ReelPlan *plan)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < plan->scenes->len; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? " " : "", scene_at (plan, i)->shots->len);
  return g_string_free (out, FALSE);
}

static char *
load_example (const char *name)
{
  g_autofree char *path = reel_test_source_path (name);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
assert_no_markup_in_shots (const ReelPlan *plan)
{
  for (guint i = 0; i < plan->scenes->len; i++)
    for (guint j = 0; j < scene_at (plan, i)->shots->len; j++)
      {
        const char *text = shot_at (plan, i, j)->text;

        g_assert_cmpstr (text, !=, "");
        g_assert_null (strstr (text, "[["));
        g_assert_null (strstr (text, "/*"));
        g_assert_null (strstr (text, "**"));
        g_assert_null (strchr (text, '\r'));
      }
}

static void
test_example_lesson (void)
{
  g_autofree char *text = load_example ("data/examples/lesson.fountain");
  g_autoptr (ReelPlan) plan = breakdown_with_cameras (text);
  g_autofree char *counts = shots_per_scene (plan);
  ReelPlanShot    *shot;

  /* Counted by hand: 4 scenes; 3 shots each (the ocean's four sentences make two groups of at
   * most 25 words, the mountain's two paragraphs three shots with the camera line). */
  g_assert_true (plan->fountain);
  g_assert_cmpstr (plan->title, ==, "The Water Cycle");
  g_assert_cmpuint (plan->scenes->len, ==, 4);
  g_assert_cmpuint (reel_plan_count_shots (plan), ==, 12);
  g_assert_cmpstr (counts, ==, "3 3 3 3");

  g_assert_cmpstr (scene_at (plan, 0)->heading, ==, "INT. CLASSROOM - DAY");
  g_assert_cmpstr (scene_at (plan, 0)->number, ==, "1");
  g_assert_cmpstr (scene_at (plan, 1)->heading, ==, "EXT. OCEAN - DAY");
  g_assert_cmpstr (scene_at (plan, 3)->number, ==, "4");

  g_assert_cmpuint (plan->characters->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (plan->characters, 0), ==, "MISS LIN");
  g_assert_cmpstr (g_ptr_array_index (plan->characters, 1), ==, "LEO");

  /* Dialogue and the parenthetical attach to the shot they follow. */
  shot = shot_at (plan, 0, 1);
  g_assert_cmpuint (shot->captions->len, ==, 1);
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "MISS LIN");
  g_assert_cmpstr (caption_at (shot, 0)->text, ==, "Where does the rain come from?");
  shot = shot_at (plan, 0, 2);
  g_assert_cmpuint (shot->captions->len, ==, 3);
  g_assert_true (caption_at (shot, 0)->parenthetical);
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "LEO");
  g_assert_cmpstr (caption_at (shot, 0)->text, ==, "raising his hand");
  g_assert_false (caption_at (shot, 1)->parenthetical);

  /* The camera words, the (V.O.) extension dropped, and emphasis stripped. */
  shot = shot_at (plan, 1, 0);
  g_assert_cmpint (shot->camera, ==, REEL_CAMERA_PAN_LEFT);
  g_assert_true (shot->camera_explicit);
  shot = shot_at (plan, 1, 2);
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "MISS LIN");
  g_assert_cmpstr (caption_at (shot, 0)->text, ==,
                   "The sun heats the water. It turns into vapour and rises. We call this "
                   "evaporation.");
  g_assert_cmpint (shot_at (plan, 2, 0)->camera, ==, REEL_CAMERA_TILT_UP);
  g_assert_cmpint (shot_at (plan, 3, 0)->camera, ==, REEL_CAMERA_PUSH_IN);
  g_assert_cmpint (shot_at (plan, 0, 0)->camera, ==, REEL_CAMERA_STATIC);
  g_assert_false (shot_at (plan, 0, 0)->camera_explicit);

  /* The note inside the mountain paragraph is gone; the dual dialogue shares one shot. */
  g_assert_cmpstr (shot_at (plan, 2, 2)->text, ==,
                   "Rain pours onto the mountains. Streams carry the water down the slopes, back "
                   "toward the sea.");
  shot = shot_at (plan, 3, 0);
  g_assert_cmpuint (shot->captions->len, ==, 2);
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "MISS LIN");
  g_assert_cmpstr (caption_at (shot, 1)->speaker, ==, "LEO");
  g_assert_cmpstr (caption_at (shot, 1)->text, ==, "It's a circle!");

  assert_no_markup_in_shots (plan);
}

static void
test_example_chase (void)
{
  g_autofree char *text = load_example ("data/examples/chase.zh.fountain");
  g_autoptr (ReelPlan) plan = breakdown_with_cameras (text);
  g_autofree char *counts = shots_per_scene (plan);
  ReelPlanShot    *shot;

  /* Counted by hand: the station's second paragraph (6 + 20 + 16 CJK characters) splits after
   * its second sentence; every other paragraph fits one shot of 40 characters. */
  g_assert_cmpstr (plan->title, ==, "雨夜追逐");
  g_assert_cmpstr (g_hash_table_lookup (plan->title_page, "author"), ==, "林导演");
  g_assert_cmpuint (plan->scenes->len, ==, 4);
  g_assert_cmpuint (reel_plan_count_shots (plan), ==, 12);
  g_assert_cmpstr (counts, ==, "3 3 3 3");

  g_assert_cmpstr (scene_at (plan, 0)->heading, ==, "EXT. 老城区街道 - 夜");
  g_assert_cmpstr (scene_at (plan, 3)->heading, ==, "EXT. 海边码头 - 黎明");

  g_assert_cmpuint (plan->characters->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (plan->characters, 0), ==, "阿杰");
  g_assert_cmpstr (g_ptr_array_index (plan->characters, 1), ==, "小雨");
  g_assert_cmpstr (g_ptr_array_index (plan->characters, 2), ==, "黑衣人甲");

  g_assert_cmpint (shot_at (plan, 0, 1)->camera, ==, REEL_CAMERA_PAN_LEFT);
  g_assert_cmpint (shot_at (plan, 1, 0)->camera, ==, REEL_CAMERA_PUSH_IN);
  g_assert_cmpint (shot_at (plan, 2, 0)->camera, ==, REEL_CAMERA_PULL_OUT);
  g_assert_cmpint (shot_at (plan, 3, 1)->camera, ==, REEL_CAMERA_TILT_UP);

  g_assert_cmpstr (shot_at (plan, 1, 1)->text, ==,
                   "小雨回头张望。三个黑衣人出现在楼梯顶端，他们为什么这么快？");
  g_assert_cmpstr (shot_at (plan, 1, 2)->text, ==, "她拉住阿杰的手，挤进即将关门的车厢。");

  /* Dual dialogue: both speakers on the shot before them. */
  shot = shot_at (plan, 0, 2);
  g_assert_cmpuint (shot->captions->len, ==, 3);
  g_assert_cmpstr (caption_at (shot, 0)->text, ==, "喘着气");
  g_assert_cmpstr (caption_at (shot, 1)->speaker, ==, "阿杰");
  g_assert_cmpstr (caption_at (shot, 2)->speaker, ==, "小雨");

  assert_no_markup_in_shots (plan);
}

static void
test_crlf_and_bom (void)
{
  g_autofree char *text = load_example ("data/examples/lesson.fountain");
  g_autoptr (GString) crlf = g_string_new ("\xef\xbb\xbf");
  g_autoptr (ReelPlan) lf_plan = breakdown_ok (text);
  g_autoptr (ReelPlan) crlf_plan = NULL;

  g_string_append (crlf, text);
  g_string_replace (crlf, "\n", "\r\n", 0);
  crlf_plan = breakdown_ok (crlf->str);

  g_assert_cmpstr (crlf_plan->title, ==, lf_plan->title);
  g_assert_cmpuint (crlf_plan->scenes->len, ==, lf_plan->scenes->len);
  for (guint i = 0; i < lf_plan->scenes->len; i++)
    {
      g_assert_cmpstr (scene_at (crlf_plan, i)->heading, ==, scene_at (lf_plan, i)->heading);
      g_assert_cmpuint (scene_at (crlf_plan, i)->shots->len, ==, scene_at (lf_plan, i)->shots->len);
      for (guint j = 0; j < scene_at (lf_plan, i)->shots->len; j++)
        g_assert_cmpstr (shot_at (crlf_plan, i, j)->text, ==, shot_at (lf_plan, i, j)->text);
    }
}

static void
test_dialogue_before_action (void)
{
  g_autoptr (ReelPlan) plan = breakdown_ok ("INT. CAR - NIGHT\n"
                                            "\n"
                                            "MAYA (V.O.)\n"
                                            "(softly)\n"
                                            "We're almost there.\n"
                                            "\n"
                                            "TOM (CONT'D)\n"
                                            "Are we?\n"
                                            "\n"
                                            "The car stops.\n");
  ReelPlanShot *shot;

  g_assert_cmpuint (reel_plan_count_shots (plan), ==, 2);
  /* A shot is made for the speech; its text is the speech itself. */
  shot = shot_at (plan, 0, 0);
  g_assert_cmpstr (shot->text, ==, "We're almost there.");
  g_assert_cmpuint (shot->captions->len, ==, 3);
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "MAYA");
  g_assert_true (caption_at (shot, 0)->parenthetical);
  g_assert_cmpstr (caption_at (shot, 1)->speaker, ==, "MAYA");
  g_assert_cmpstr (caption_at (shot, 2)->speaker, ==, "TOM");
  g_assert_cmpstr (caption_at (shot, 2)->text, ==, "Are we?");
  g_assert_cmpuint (shot_at (plan, 0, 1)->captions->len, ==, 0);
  g_assert_cmpuint (plan->characters->len, ==, 2);
}

static void
test_dual_dialogue (void)
{
  g_autoptr (ReelPlan) plan = breakdown_ok ("EXT. ROOF\n"
                                            "\n"
                                            "Two men face the sunset.\n"
                                            "\n"
                                            "The wind picks up.\n"
                                            "\n"
                                            "BRICK\n"
                                            "Screw retirement.\n"
                                            "\n"
                                            "STEEL ^\n"
                                            "Screw retirement.\n");
  ReelPlanShot *shot = shot_at (plan, 0, 1);

  g_assert_cmpuint (reel_plan_count_shots (plan), ==, 2);
  g_assert_cmpuint (shot_at (plan, 0, 0)->captions->len, ==, 0);
  g_assert_cmpuint (shot->captions->len, ==, 2);
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "BRICK");
  g_assert_cmpstr (caption_at (shot, 1)->speaker, ==, "STEEL");
}

static void
test_non_shots (void)
{
  g_autoptr (ReelPlan) plan = breakdown_ok ("Title: _Only **one** shot_\n"
                                            "\n"
                                            "# Act one\n"
                                            "\n"
                                            "= Synopsis of the act.\n"
                                            "\n"
                                            "[[A note\n"
                                            "\n"
                                            "over several lines]]\n"
                                            "\n"
                                            "/* Boneyard\n"
                                            "\n"
                                            "EXT. NOWHERE\n"
                                            "\n"
                                            "A deleted shot.\n"
                                            "*/\n"
                                            "\n"
                                            "INT. ROOM\n"
                                            "\n"
                                            "A *lamp* glows.\n"
                                            "\n"
                                            "===\n"
                                            "\n"
                                            "> THE END <\n"
                                            "\n"
                                            "SMASH CUT TO:\n"
                                            "\n"
                                            "> Fade out.\n");

  g_assert_cmpstr (plan->title, ==, "Only one shot");
  g_assert_cmpuint (plan->scenes->len, ==, 1);
  g_assert_cmpuint (reel_plan_count_shots (plan), ==, 1);
  g_assert_cmpstr (scene_at (plan, 0)->heading, ==, "INT. ROOM");
  g_assert_cmpstr (shot_at (plan, 0, 0)->text, ==, "A lamp glows.");
}

static void
test_implicit_first_scene (void)
{
  g_autoptr (ReelPlan) plan = breakdown_ok ("FADE IN:\n"
                                            "\n"
                                            "Darkness. A match is struck.\n"
                                            "\n"
                                            "int. cellar - night #7#\n"
                                            "\n"
                                            "Candles everywhere.\n"
                                            "\n"
                                            ".FLASHBACK\n"
                                            "\n"
                                            "...and the cellar was new.\n");

  g_assert_cmpuint (plan->scenes->len, ==, 3);
  g_assert_cmpstr (scene_at (plan, 0)->heading, ==, "");
  g_assert_null (scene_at (plan, 0)->number);
  g_assert_cmpstr (shot_at (plan, 0, 0)->text, ==, "Darkness. A match is struck.");
  g_assert_cmpstr (scene_at (plan, 1)->heading, ==, "int. cellar - night");
  g_assert_cmpstr (scene_at (plan, 1)->number, ==, "7");
  g_assert_cmpstr (scene_at (plan, 2)->heading, ==, "FLASHBACK");
  g_assert_cmpstr (shot_at (plan, 2, 0)->text, ==, "...and the cellar was new.");
}

static void
test_long_paragraph_splits (void)
{
  /* Four sentences of 10 words: two shots of 20 words (at most 25 each). */
  g_autoptr (ReelPlan) plan = breakdown_ok (
      "EXT. BEACH - DAY\n"
      "\n"
      "The waves roll in slowly over the warm golden sand. "
      "A small crab runs sideways toward a hidden rock pool. "
      "Two children build a tall castle with a deep moat. "
      "Their father reads a thick book under a striped umbrella.\n"
      "\n"
      "INT. 教室 - 白天\n"
      "\n"
      "老师在黑板上画了一朵很大的白色云彩。学生们认真地看着，有人举起了手！"
      "窗外突然下起了大雨，大家都跑到窗边。雨停以后，天空出现了一道美丽的彩虹？\n"
      "\n"
      "A single sentence that is much longer than any shot should be, going on "
      "and on about the sea and the sky and the gulls and the boats, stays whole.\n");

  g_assert_cmpuint (scene_at (plan, 0)->shots->len, ==, 2);
  g_assert_cmpstr (shot_at (plan, 0, 1)->text, ==,
                   "Two children build a tall castle with a deep moat. Their father reads a "
                   "thick book under a striped umbrella.");
  /* 17 + 14 | 16 + 16 CJK characters: two shots, then the long English sentence. */
  g_assert_cmpuint (scene_at (plan, 1)->shots->len, ==, 3);
  g_assert_cmpstr (shot_at (plan, 1, 0)->text, ==,
                   "老师在黑板上画了一朵很大的白色云彩。学生们认真地看着，有人举起了手！");
  g_assert_cmpstr (shot_at (plan, 1, 1)->text, ==,
                   "窗外突然下起了大雨，大家都跑到窗边。雨停以后，天空出现了一道美丽的彩虹？");
  g_assert_true (g_str_has_suffix (shot_at (plan, 1, 2)->text, "stays whole."));
}

static void
test_plain_scene_lines (void)
{
  g_autoptr (ReelPlan) plan = breakdown_ok ("A title card fades in.\n"
                                            "\n"
                                            "Scene 1: The lab\n"
                                            "The lab is dark. Machines hum.\n"
                                            "\n"
                                            "A light flickers on.\n"
                                            "\n"
                                            "\n"
                                            "\n"
                                            "SCENE 2 - THE ROOF\n"
                                            "Wind.\n"
                                            "场景三：教室\n"
                                            "老师走进教室。学生们站起来。\n"
                                            "\n"
                                            "Scenery rolls past the window.\n");

  g_assert_false (plan->fountain);
  g_assert_cmpuint (plan->scenes->len, ==, 4);
  g_assert_cmpstr (scene_at (plan, 0)->heading, ==, "");
  g_assert_cmpstr (scene_at (plan, 1)->heading, ==, "Scene 1: The lab");
  g_assert_cmpstr (scene_at (plan, 2)->heading, ==, "SCENE 2 - THE ROOF");
  g_assert_cmpstr (scene_at (plan, 3)->heading, ==, "场景三：教室");
  /* One paragraph, one shot: not split by sentence. */
  g_assert_cmpuint (scene_at (plan, 1)->shots->len, ==, 2);
  g_assert_cmpstr (shot_at (plan, 1, 0)->text, ==, "The lab is dark. Machines hum.");
  g_assert_cmpstr (shot_at (plan, 2, 0)->text, ==, "Wind.");
  /* "Scenery" is not a scene line. */
  g_assert_cmpuint (scene_at (plan, 3)->shots->len, ==, 2);
  g_assert_cmpstr (shot_at (plan, 3, 0)->text, ==, "老师走进教室。学生们站起来。");
  g_assert_cmpstr (shot_at (plan, 3, 1)->text, ==, "Scenery rolls past the window.");
  g_assert_cmpuint (plan->characters->len, ==, 0);
}

static void
test_plain_blocks (void)
{
  g_autoptr (ReelPlan) blocks = breakdown_ok ("\n\nMorning. The town wakes up.\n"
                                              "The baker opens his shop.\n"
                                              "\n"
                                              "A dog barks.\n"
                                              "\n"
                                              "\n"
                                              "Noon. The square is full.\r\n"
                                              "\r\n"
                                              "\r\n"
                                              "\r\n"
                                              "夜晚。街上空无一人。\n");
  g_autoptr (ReelPlan) single = breakdown_ok ("One.\n\nTwo.\n\nThree.\n");

  g_assert_false (blocks->fountain);
  g_assert_cmpuint (blocks->scenes->len, ==, 3);
  g_assert_cmpuint (reel_plan_count_shots (blocks), ==, 4);
  g_assert_cmpstr (shot_at (blocks, 0, 0)->text, ==,
                   "Morning. The town wakes up. The baker opens his shop.");
  g_assert_cmpstr (shot_at (blocks, 0, 1)->text, ==, "A dog barks.");
  g_assert_cmpstr (shot_at (blocks, 1, 0)->text, ==, "Noon. The square is full.");
  g_assert_cmpstr (shot_at (blocks, 2, 0)->text, ==, "夜晚。街上空无一人。");

  g_assert_cmpuint (single->scenes->len, ==, 1);
  g_assert_cmpuint (reel_plan_count_shots (single), ==, 3);
  g_assert_cmpstr (scene_at (single, 0)->heading, ==, "");
}

static void
test_plain_very_long_paragraph (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (ReelPlan) plan = NULL;

  /* Twelve sentences of 8 words: far more than a shot, so even plain text is split. */
  for (guint i = 0; i < 12; i++)
    g_string_append (text, "The old train rattles across the long bridge. ");
  plan = breakdown_ok (text->str);

  g_assert_false (plan->fountain);
  g_assert_cmpuint (reel_plan_count_shots (plan), >, 1);
  for (guint i = 0; i < scene_at (plan, 0)->shots->len; i++)
    g_assert_cmpuint (strlen (shot_at (plan, 0, i)->text), <, text->len);
}

static void
test_errors (void)
{
  static const char *const empty[] = { "", "   \n\t\n  ", "\xef\xbb\xbf\r\n", NULL };

  for (guint i = 0; empty[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ReelPlan) plan = reel_breakdown_script (empty[i], &error);

      g_assert_null (plan);
      g_assert_error (error, REEL_SCRIPT_ERROR, REEL_SCRIPT_ERROR_EMPTY);
    }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (ReelPlan) plan = reel_breakdown_script ("INT. HOUSE\n\nCaf\xe9 au lait.\n", &error);

    g_assert_null (plan);
    g_assert_error (error, REEL_SCRIPT_ERROR, REEL_SCRIPT_ERROR_INVALID_UTF8);
    /* The message says where: line 3, byte 15. */
    g_assert_nonnull (strstr (error->message, "3"));
    g_assert_nonnull (strstr (error->message, "15"));
    g_assert_nonnull (strstr (error->message, "UTF-8"));
  }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (ReelPlan) plan = reel_breakdown_script (
        "Title: Nothing yet\n\n# Act one\n\n[[ideas]]\n\nINT. VOID\n", &error);

    g_assert_null (plan);
    g_assert_error (error, REEL_SCRIPT_ERROR, REEL_SCRIPT_ERROR_NO_SHOTS);
  }
}

/* Whether a shot's text holds @needle anywhere in the plan. */
static gboolean
plan_text_contains (const ReelPlan *plan, const char *needle)
{
  for (guint i = 0; i < plan->scenes->len; i++)
    for (guint j = 0; j < scene_at (plan, i)->shots->len; j++)
      if (strstr (shot_at (plan, i, j)->text, needle) != NULL)
        return TRUE;
  return FALSE;
}

/* The three-scene script of the report: a name on its own line over a Chinese speech. Unknown,
 * it stays action, but apart from the speech and with one warning; known, it speaks. */
static const char chinese_script[] = "EXT. 码头 - 黄昏\n"
                                     "\n"
                                     "渡轮靠岸，乘客们涌下舷梯。\n"
                                     "\n"
                                     "小男孩\n"
                                     "妈妈，你一定要回来！\n"
                                     "\n"
                                     "INT. 渡轮 - 夜\n"
                                     "\n"
                                     "妈妈望着窗外。\n"
                                     "\n"
                                     "小男孩\n"
                                     "妈妈！\n";

static void
test_chinese_dialogue (void)
{
  g_autoptr (ReelPlan) unknown = breakdown_ok (chinese_script);
  const char *const characters[] = { "小男孩", NULL };
  g_autoptr (ReelPlan) known
      = reel_breakdown_script_with_characters (chinese_script, characters, NULL);
  g_autoptr (ReelPlan) colon = breakdown_ok ("EXT. 码头 - 黄昏\n"
                                             "\n"
                                             "渡轮靠岸，乘客们涌下舷梯。\n"
                                             "小男孩：妈妈，你一定要回来！\n"
                                             "妈妈: 我一定回来。\n");
  const ReelPlanWarning *warning;
  ReelPlanShot          *shot;

  g_assert_false (plan_text_contains (unknown, "小男孩妈妈"));
  g_assert_cmpstr (shot_at (unknown, 0, 1)->text, ==, "小男孩 妈妈，你一定要回来！");
  g_assert_cmpuint (unknown->warnings->len, ==, 1);
  warning = g_ptr_array_index (unknown->warnings, 0);
  g_assert_cmpuint (warning->line, ==, 5);
  g_assert_cmpstr (warning->name, ==, "小男孩");
  g_assert_nonnull (strstr (warning->message, "小男孩："));

  g_assert_nonnull (known);
  g_assert_cmpuint (known->warnings->len, ==, 0);
  g_assert_cmpuint (reel_plan_count_shots (known), ==, 2);
  shot = shot_at (known, 0, 0);
  g_assert_cmpuint (shot->captions->len, ==, 1);
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "小男孩");
  g_assert_cmpstr (caption_at (shot, 0)->text, ==, "妈妈，你一定要回来！");
  g_assert_cmpstr (caption_at (shot_at (known, 1, 0), 0)->text, ==, "妈妈！");
  g_assert_cmpstr (g_ptr_array_index (known->characters, 0), ==, "小男孩");

  g_assert_cmpuint (reel_plan_count_shots (colon), ==, 1);
  shot = shot_at (colon, 0, 0);
  g_assert_cmpuint (shot->captions->len, ==, 2);
  g_assert_cmpstr (caption_at (shot, 1)->speaker, ==, "妈妈");
  g_assert_cmpstr (caption_at (shot, 1)->text, ==, "我一定回来。");
  g_assert_cmpuint (colon->characters->len, ==, 2);
}

/* Plain text, scene lines and all, with speeches after a name and a colon. */
static void
test_plain_colon_dialogue (void)
{
  g_autoptr (ReelPlan) plan = breakdown_ok ("场景一：码头\n"
                                            "渡轮靠岸，乘客们涌下舷梯。\n"
                                            "小男孩：妈妈，你一定要回来！\n"
                                            "妈妈：（轻声）我一定回来。\n"
                                            "妈妈转身走上渡轮。\n"
                                            "\n"
                                            "场景二：家\n"
                                            "TOM: Mum?\n"
                                            "The house is empty.\n");
  ReelPlanShot *shot;

  g_assert_false (plan->fountain);
  g_assert_cmpuint (plan->scenes->len, ==, 2);
  g_assert_cmpstr (scene_at (plan, 0)->heading, ==, "场景一：码头");
  g_assert_cmpuint (scene_at (plan, 0)->shots->len, ==, 2);
  shot = shot_at (plan, 0, 0);
  g_assert_cmpstr (shot->text, ==, "渡轮靠岸，乘客们涌下舷梯。");
  g_assert_cmpuint (shot->captions->len, ==, 3);
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "小男孩");
  g_assert_true (caption_at (shot, 1)->parenthetical);
  g_assert_cmpstr (caption_at (shot, 1)->text, ==, "轻声");
  g_assert_cmpstr (caption_at (shot, 2)->text, ==, "我一定回来。");
  g_assert_cmpstr (shot_at (plan, 0, 1)->text, ==, "妈妈转身走上渡轮。");
  /* A speech before any action makes its own shot. */
  shot = shot_at (plan, 1, 0);
  g_assert_cmpstr (shot->text, ==, "Mum?");
  g_assert_cmpstr (caption_at (shot, 0)->speaker, ==, "TOM");
  g_assert_cmpstr (shot_at (plan, 1, 1)->text, ==, "The house is empty.");
}

/* The project's characters are known names: a re-breakdown reads them as cues. */
static void
test_project_characters_are_cues (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "boy.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = reel_project_create (file, "Boy", &error);
  GPtrArray *warnings;

  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (project, chinese_script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  warnings = reel_project_get_breakdown_warnings (project);
  g_assert_cmpuint (warnings->len, ==, 1);

  g_assert_cmpint (reel_project_add_character (project, "小男孩", NULL, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reel_project_get_breakdown_warnings (project)->len, ==, 0);
  {
    GListModel *shots = reel_project_get_shots (project);
    g_autoptr (ReelShot) first = g_list_model_get_item (shots, 0);
    g_autofree char *captions = reel_shot_dup_captions_text (first);

    g_assert_cmpuint (g_list_model_get_n_items (shots), ==, 2);
    g_assert_nonnull (strstr (captions, "妈妈，你一定要回来！"));
  }

  g_clear_object (&project);
  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/breakdown/example-lesson", test_example_lesson);
  g_test_add_func ("/breakdown/example-chase", test_example_chase);
  g_test_add_func ("/breakdown/crlf-and-bom", test_crlf_and_bom);
  g_test_add_func ("/breakdown/dialogue-before-action", test_dialogue_before_action);
  g_test_add_func ("/breakdown/dual-dialogue", test_dual_dialogue);
  g_test_add_func ("/breakdown/non-shots", test_non_shots);
  g_test_add_func ("/breakdown/implicit-first-scene", test_implicit_first_scene);
  g_test_add_func ("/breakdown/long-paragraph-splits", test_long_paragraph_splits);
  g_test_add_func ("/breakdown/plain-scene-lines", test_plain_scene_lines);
  g_test_add_func ("/breakdown/plain-blocks", test_plain_blocks);
  g_test_add_func ("/breakdown/plain-very-long-paragraph", test_plain_very_long_paragraph);
  g_test_add_func ("/breakdown/errors", test_errors);
  g_test_add_func ("/breakdown/chinese-dialogue", test_chinese_dialogue);
  g_test_add_func ("/breakdown/plain-colon-dialogue", test_plain_colon_dialogue);
  g_test_add_func ("/breakdown/project-characters-are-cues", test_project_characters_are_cues);

  return g_test_run ();
}
