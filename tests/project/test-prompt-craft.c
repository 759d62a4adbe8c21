/* test-prompt-craft.c
 *
 * The project's side of prompt craft: the character sheet, styles, the
 * negative prompt, the template and a shot's override, each an undoable
 * edit, and what they make of each shot's final prompt; and the migration
 * of a version 4 file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "reel-project.h"
#include "reel-test-utils.h"

typedef struct
{
  char        *dir;
  char        *path;
  ReelProject *project;
} Fixture;

static const char script[] = "INT. KITCHEN - NIGHT\n"
                             "\n"
                             "Anna opens the fridge.\n"
                             "\n"
                             "She drinks the milk.\n"
                             "\n"
                             "EXT. 花园 - 白天\n"
                             "\n"
                             "李明走进花园。他坐在长椅上。\n";

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  fixture->dir = reel_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "Film.storyreel", NULL);
  if (data != NULL)
    return;
  file = g_file_new_for_path (fixture->path);
  fixture->project = reel_project_create (file, "Milk", &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (fixture->project, script, &error));
  g_assert_true (reel_project_break_down (fixture->project, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (fixture->project)), ==, 3);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->project);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static gint64
shot_id (Fixture *fixture, guint position)
{
  g_autoptr (ReelShot) shot
      = g_list_model_get_item (reel_project_get_shots (fixture->project), position);
  return reel_shot_get_id (shot);
}

static char *
final_prompt (Fixture *fixture, guint position)
{
  return reel_project_dup_final_prompt (fixture->project, shot_id (fixture, position));
}

static gint64
add_character (Fixture    *fixture,
               const char *name,
               const char *aliases,
               const char *pronoun,
               const char *description,
               const char *reference_image)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) split = g_strsplit (aliases, ",", -1);
  ReelCharacter character = {
    .name = (char *) name,
    .description = (char *) description,
    .aliases = split,
    .pronoun = (char *) pronoun,
    .reference_image = (char *) reference_image,
    .voice = (char *) "",
  };
  gint64 id = reel_project_save_character (fixture->project, &character, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_characters (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelShotPrompt) second = NULL;
  g_autoptr (GPtrArray) characters = NULL;
  g_autofree char     *before = final_prompt (fixture, 1);
  g_autofree char     *first = NULL;
  g_autofree char     *chinese = NULL;
  g_autofree char     *undone = NULL;
  gint64               anna;
  const ReelCharacter *sheet;

  g_assert_cmpstr (before, ==, "She drinks the milk.");
  anna = add_character (fixture, "Anna", "Annie, 安娜", "she", "a woman in a green raincoat.",
                        "refs/anna.png");
  add_character (fixture, "Li Ming", " 李明 ", "he", "三十岁的男人，穿蓝衬衫", NULL);

  /* The sheet keeps what was given, aliases trimmed. */
  characters = reel_project_list_characters (fixture->project);
  sheet = g_ptr_array_index (characters, 0);
  g_assert_cmpstr (sheet->name, ==, "Anna");
  g_assert_cmpstrv (sheet->aliases, ((const char *const[]){ "Annie", "安娜", NULL }));
  g_assert_cmpstr (sheet->pronoun, ==, "she");
  g_assert_cmpstr (sheet->reference_image, ==, "refs/anna.png");

  first = final_prompt (fixture, 0);
  g_assert_cmpstr (first, ==, "Anna opens the fridge. Anna: a woman in a green raincoat.");
  /* "She" in the next shot of the scene can only be Anna, whose picture it may start from. */
  second = reel_project_dup_shot_prompt (fixture->project, shot_id (fixture, 1));
  g_assert_cmpstr (second->prompt, ==, "She drinks the milk. Anna: a woman in a green raincoat.");
  g_assert_cmpuint (second->character_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (second->character_ids, gint64, 0), ==, anna);
  g_assert_cmpstr (second->reference_image, ==, "refs/anna.png");
  g_assert_cmpstr (second->language, ==, "en");
  /* The Chinese shot: the Chinese template, and 他 is 李明 within the scene. */
  chinese = final_prompt (fixture, 2);
  g_assert_cmpstr (chinese, ==, "李明走进花园。他坐在长椅上。李明：三十岁的男人，穿蓝衬衫。");

  /* Adding a character is one step to undo. */
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_no_error (error);
  undone = final_prompt (fixture, 2);
  g_assert_cmpstr (undone, ==, "李明走进花园。他坐在长椅上。");
}

static void
test_style_negative_and_template (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelShotPrompt) prompt = NULL;
  g_autofree char *pencil = NULL;
  g_autofree char *pencil_zh = NULL;
  g_autofree char *own = NULL;
  g_autofree char *templated = NULL;
  g_autofree char *undone = NULL;
  gint64           noir;

  g_assert_true (reel_project_set_style (fixture->project, "pencil-storyboard", &error));
  g_assert_no_error (error);
  pencil = final_prompt (fixture, 0);
  g_assert_cmpstr (pencil, ==,
                   "Anna opens the fridge. pencil storyboard sketch, rough graphite lines on "
                   "white paper, monochrome, hand-drawn.");
  pencil_zh = final_prompt (fixture, 2);
  g_assert_true (
      g_str_has_suffix (pencil_zh, "。铅笔故事板草图，白纸上的粗略石墨线条，黑白，手绘。"));

  /* A style of the project's own, chosen by name. */
  noir = reel_project_add_style (fixture->project, "Noir", "black and white, hard shadows", &error);
  g_assert_no_error (error);
  g_assert_cmpint (noir, >, 0);
  g_assert_cmpint (reel_project_add_style (fixture->project, "Noir", "", &error), ==, 0);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (reel_project_set_style (fixture->project, "Noir", &error));
  own = final_prompt (fixture, 0);
  g_assert_cmpstr (own, ==, "Anna opens the fridge. black and white, hard shadows.");

  g_assert_true (reel_project_set_negative_prompt (fixture->project, " blurry, text ", &error));
  g_assert_true (reel_project_set_prompt_template (fixture->project, "{style} | {text}", &error));
  g_assert_no_error (error);
  prompt = reel_project_dup_shot_prompt (fixture->project, shot_id (fixture, 0));
  g_assert_cmpstr (prompt->prompt, ==, "black and white, hard shadows | Anna opens the fridge.");
  g_assert_cmpstr (prompt->negative_prompt, ==, "blurry, text");

  /* Each setting is a step of its own. */
  g_assert_true (reel_project_undo (fixture->project, &error));
  templated = final_prompt (fixture, 0);
  g_assert_cmpstr (templated, ==, "Anna opens the fridge. black and white, hard shadows.");
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_true (reel_project_undo (fixture->project, &error));
  undone = final_prompt (fixture, 0);
  g_assert_true (g_str_has_prefix (undone, "Anna opens the fridge. pencil storyboard sketch"));
  g_assert_no_error (error);
}

static void
test_override (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelShotPrompt) prompt = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *reverted = NULL;
  g_autofree char *undone = NULL;
  const char      *mine = "  A carton of milk, close up. {style}  ";
  JsonObject      *scene, *shot;

  g_assert_true (reel_project_set_style (fixture->project, "anime", &error));
  g_assert_true (
      reel_project_set_shot_prompt_override (fixture->project, shot_id (fixture, 1), mine, &error));
  g_assert_no_error (error);

  /* Sent verbatim: no template, no style, no trimming. */
  prompt = reel_project_dup_shot_prompt (fixture->project, shot_id (fixture, 1));
  g_assert_true (prompt->overridden);
  g_assert_cmpstr (prompt->prompt, ==, mine);
  g_assert_true (g_str_has_prefix (prompt->automatic, "She drinks the milk. anime style"));

  /* What `storyreel inspect --json` shows. */
  json = reel_project_to_json (fixture->project);
  root = json_from_string (json, &error);
  g_assert_no_error (error);
  scene = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (root), "scenes"), 0);
  shot = json_array_get_object_element (json_object_get_array_member (scene, "shots"), 1);
  g_assert_cmpstr (json_object_get_string_member (shot, "final_prompt"), ==, mine);
  g_assert_true (json_object_get_boolean_member (shot, "prompt_overridden"));

  /* Back to automatic, and Undo brings the override back. */
  g_assert_true (
      reel_project_set_shot_prompt_override (fixture->project, shot_id (fixture, 1), "", &error));
  reverted = final_prompt (fixture, 1);
  g_assert_true (g_str_has_prefix (reverted, "She drinks the milk. anime style"));
  g_assert_true (reel_project_undo (fixture->project, &error));
  undone = final_prompt (fixture, 1);
  g_assert_cmpstr (undone, ==, mine);
  g_assert_no_error (error);
}

static void
exec_sql (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char    *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, sql, NULL, NULL, &message);
  g_assert_null (message);
  sqlite3_close (db);
}

/* Version 5 adds prompt craft to the character sheet and the settings; what version 4 had
 * stays, and the new fields start empty. */
static void
test_migrate_v4 (Fixture *fixture, gconstpointer data)
{
  g_autofree char *sql_path = reel_test_source_path ("tests/project/schema-v4.sql");
  g_autofree char *sql = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (fixture->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) characters = NULL;
  g_autoptr (GPtrArray) styles = NULL;
  g_autoptr (ReelTake) take = NULL;
  g_autofree char     *style = NULL;
  g_autofree char     *plain = NULL;
  g_autofree char     *styled = NULL;
  const ReelCharacter *ruiz;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, NULL));
  exec_sql (fixture->path, sql);
  fixture->project = reel_project_open (file, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (reel_project_get_title (fixture->project), ==, "The Night Ferry");
  take = reel_project_get_take (fixture->project, 4);
  g_assert_nonnull (take);
  characters = reel_project_list_characters (fixture->project);
  g_assert_cmpuint (characters->len, ==, 1);
  ruiz = g_ptr_array_index (characters, 0);
  g_assert_cmpint (ruiz->id, ==, 5);
  g_assert_cmpstr (ruiz->description, ==, "a grey-bearded ferry captain in a yellow oilskin");
  g_assert_cmpstrv (ruiz->aliases, ((const char *const[]){ NULL }));
  g_assert_cmpstr (ruiz->pronoun, ==, "");
  g_assert_null (ruiz->reference_image);
  styles = reel_project_list_styles (fixture->project);
  g_assert_cmpuint (styles->len, ==, 1);
  g_assert_cmpstr (((ReelStyle *) styles->pdata[0])->prompt, ==,
                   "high-contrast black and white, deep shadows");
  style = reel_project_dup_style (fixture->project);
  g_assert_cmpstr (style, ==, "");

  /* The shots' prompts are their text until a style is chosen. */
  plain = reel_project_dup_final_prompt (fixture->project, 21);
  g_assert_cmpstr (plain, ==, "The ferry leaves.");
  g_assert_true (reel_project_set_style (fixture->project, "Night noir", &error));
  g_assert_no_error (error);
  styled = reel_project_dup_final_prompt (fixture->project, 21);
  g_assert_cmpstr (styled, ==, "The ferry leaves. high-contrast black and white, deep shadows.");
}

/* A template of fields gets what reading each shot finds: who, doing what,
 * where (from the scene heading), in English and in Chinese; a character's
 * name is a subject. */
static void
test_reading_fields (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelShotReading) reading = NULL;
  g_autofree char *english = NULL;
  g_autofree char *chinese = NULL;
  ReelCharacter    li = { .name = (char *) "李明" };

  reading = reel_project_dup_shot_reading (fixture->project, shot_id (fixture, 0));
  g_assert_nonnull (reading);
  g_assert_cmpstr (reel_shot_reading_get_setting (reading), ==, "kitchen");
  g_assert_cmpstr (reel_shot_reading_get_time_of_day (reading), ==, "night");

  g_assert_cmpint (reel_project_save_character (fixture->project, &li, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_prompt_template (fixture->project,
                                                   "{subject} | {action} | {setting}", &error));
  g_assert_no_error (error);
  english = final_prompt (fixture, 0);
  g_test_message ("English fields: %s", english);
  g_assert_cmpstr (english, ==, "Anna | opens the fridge | kitchen");
  chinese = final_prompt (fixture, 2);
  g_test_message ("Chinese fields: %s", chinese);
  g_assert_true (g_str_has_prefix (chinese, "李明 | 走进"));
  g_assert_true (g_str_has_suffix (chinese, "| 花园"));

  /* The default templates leave the fields out: they repeat the text. */
  g_assert_true (reel_project_set_prompt_template (fixture->project, "", &error));
  g_clear_pointer (&english, g_free);
  english = final_prompt (fixture, 0);
  g_assert_cmpstr (english, ==, "Anna opens the fridge.");
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-prompt-XXXXXX", NULL);
  int              status;

  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data)                                                                      \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/project/prompt/characters", test_characters, NULL);
  ADD ("/project/prompt/style-negative-template", test_style_negative_and_template, NULL);
  ADD ("/project/prompt/override", test_override, NULL);
  ADD ("/project/prompt/reading-fields", test_reading_fields, NULL);
  ADD ("/project/migrate-v4", test_migrate_v4, "empty");

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
