/* test-prompt-builder.c
 *
 * The final prompt from a template: fields filled in, empty ones gone with
 * their separators, the defaults in English and Chinese, style presets and
 * camera phrases.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "reel-prompt-builder.h"
#include "reel-test-utils.h"

/* A field table from name, value pairs, NULL-terminated. */
static GHashTable *
make_fields (const char *first, ...)
{
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  va_list     args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    g_hash_table_insert (fields, g_strdup (name), g_strdup (va_arg (args, const char *)));
  va_end (args);
  return fields;
}

static void
assert_filled (const char *template_text, GHashTable *fields, const char *expected)
{
  g_autofree char *filled = reel_prompt_fill_template (template_text, fields);

  g_assert_cmpstr (filled, ==, expected);
}

static void
test_english_default (void)
{
  g_autofree char *template_text = reel_prompt_dup_default_template ("en");
  g_autoptr (GHashTable) all
      = make_fields ("subject", "a woman", "action", "runs", "setting", "through a market", "text",
                     "Anna runs through the market.", "characters", "Anna: tall, red coat",
                     "camera", "the camera pans left", "style", "pencil storyboard sketch", NULL);
  g_autoptr (GHashTable) text_only = make_fields ("text", "Anna waits", NULL);
  g_autoptr (GHashTable) some
      = make_fields ("text", "Anna waits.", "style", "anime style", "camera", "", NULL);

  /* The read fields repeat the text: the default leaves them to the user's templates. */
  assert_filled (template_text, all,
                 "Anna runs through the market. Anna: tall, red coat. the camera pans left. "
                 "pencil storyboard sketch.");
  /* Nothing but the shot's text: exactly the text, with no stray separators. */
  assert_filled (template_text, text_only, "Anna waits");
  /* Empty fields vanish with their separators; a full stop is not doubled. */
  assert_filled (template_text, some, "Anna waits. anime style.");
}

static void
test_chinese_default (void)
{
  g_autofree char *template_text = reel_prompt_dup_default_template ("zh");
  g_autoptr (GHashTable) fields
      = make_fields ("text", "李明走进厨房。", "characters", "李明：三十岁，穿蓝衬衫", "camera",
                     "镜头缓慢推近", "style", "铅笔故事板草图", NULL);
  g_autoptr (GHashTable) text_only = make_fields ("text", "李明走进厨房", NULL);

  assert_filled (template_text, fields,
                 "李明走进厨房。李明：三十岁，穿蓝衬衫。镜头缓慢推近。铅笔故事板草图。");
  assert_filled (template_text, text_only, "李明走进厨房");
}

static void
test_empty_fields_and_separators (void)
{
  g_autoptr (GHashTable) middle = make_fields ("style", "ink", "text", "rain", NULL);
  g_autoptr (GHashTable) none = make_fields (NULL, NULL);
  g_autoptr (GHashTable) blank = make_fields ("subject", "  ", "action", "runs", NULL);

  /* The strongest separator between what is left joins it. */
  assert_filled ("{style}, {subject} {action}. {text}", middle, "ink. rain");
  assert_filled ("Look: {style}; {text}!", middle, "Look: ink; rain!");
  /* A leading literal stays only before the first field, a trailing one only after the last. */
  assert_filled ("Look: {style}; {text}!", blank, "");
  assert_filled ("{subject} {action}.", blank, "runs.");
  assert_filled ("{style}", none, "");
  /* Unknown fields are the user's own text; field values are not read as templates. */
  g_hash_table_insert (middle, g_strdup ("text"), g_strdup ("{style}"));
  assert_filled ("{mood} {style} {text}", middle, "{mood} ink {style}");
}

static void
test_style_presets (void)
{
  static const char *const ids[]
      = { "pencil-storyboard", "watercolour", "cinematic-35mm", "anime", "ink-wash" };
  g_autoptr (GPtrArray) presets = reel_prompt_list_style_presets ();
  g_autoptr (ReelStylePreset) ink = reel_prompt_lookup_style_preset ("ink-wash");

  g_assert_cmpuint (presets->len, ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      ReelStylePreset *preset = g_ptr_array_index (presets, i);

      g_assert_cmpstr (preset->id, ==, ids[i]);
      g_assert_cmpstr (reel_style_preset_get_prompt (preset, "en"), !=, "");
      /* Each has its own Chinese text for Chinese prompts. */
      g_assert_cmpstr (reel_style_preset_get_prompt (preset, "zh"), !=,
                       reel_style_preset_get_prompt (preset, "en"));
    }
  g_assert_nonnull (ink);
  g_assert_cmpstr (ink->name, ==, "Ink wash 水墨");
  g_assert_nonnull (g_strstr_len (reel_style_preset_get_prompt (ink, "zh"), -1, "水墨"));
  g_assert_null (reel_prompt_lookup_style_preset ("no-such-style"));
}

static void
test_language_and_camera (void)
{
  g_autofree char *zh = reel_prompt_dup_camera_phrase (REEL_CAMERA_PUSH_IN, "zh");
  g_autofree char *en = reel_prompt_dup_camera_phrase (REEL_CAMERA_PAN_LEFT, "en");
  g_autofree char *still = reel_prompt_dup_camera_phrase (REEL_CAMERA_STATIC, "en");
  g_autofree char *characters = reel_prompt_format_characters (
      (const char *const[]){ "Anna", "Ben", "Li", NULL },
      (const char *const[]){ "tall, red coat.", "", "short hair", NULL }, "en");
  g_autofree char *characters_zh = reel_prompt_format_characters (
      (const char *const[]){ "李明", "小红", NULL },
      (const char *const[]){ "三十岁的男人。", "穿红裙子的女孩", NULL }, "zh");

  g_assert_cmpstr (reel_prompt_language_for_text ("李明走进厨房。", "en"), ==, "zh");
  g_assert_cmpstr (reel_prompt_language_for_text ("Anna 走进厨房", "en"), ==, "zh");
  g_assert_cmpstr (reel_prompt_language_for_text ("Anna walks into 李家 kitchen", "zh"), ==, "en");
  g_assert_cmpstr (reel_prompt_language_for_text ("…", "zh_CN"), ==, "zh");
  g_assert_cmpstr (reel_prompt_language_for_text ("", "en"), ==, "en");
  g_assert_cmpstr (zh, ==, "镜头缓慢推近");
  g_assert_cmpstr (en, ==, "the camera pans left");
  g_assert_cmpstr (still, ==, "");
  /* Characters without a description add nothing; their ends do not double the separators. */
  g_assert_cmpstr (characters, ==, "Anna: tall, red coat; Li: short hair");
  g_assert_cmpstr (characters_zh, ==, "李明：三十岁的男人；小红：穿红裙子的女孩");
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-prompt-XXXXXX", NULL);
  int              status;

  /* No user additions to the shipped data. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/prompt/builder/english-default", test_english_default);
  g_test_add_func ("/prompt/builder/chinese-default", test_chinese_default);
  g_test_add_func ("/prompt/builder/empty-fields", test_empty_fields_and_separators);
  g_test_add_func ("/prompt/builder/style-presets", test_style_presets);
  g_test_add_func ("/prompt/builder/language-and-camera", test_language_and_camera);

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
