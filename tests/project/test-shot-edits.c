/* test-shot-edits.c: duplicating and splitting a shot, on an English and Chinese script
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "reel-project.h"
#include "reel-test-utils.h"

/* Three scenes, as a new user writes them: English, Chinese, and both. */
static const char script[] = "Title: Two Cities\n"
                             "\n"
                             "INT. KITCHEN - MORNING\n"
                             "\n"
                             "Steam rises from a kettle. Maya pours two cups of tea.\n"
                             "\n"
                             "MAYA\n"
                             "You're up early.\n"
                             "\n"
                             "LEO\n"
                             "I couldn't sleep.\n"
                             "\n"
                             ".外景. 上海外滩 - 夜\n"
                             "\n"
                             "江面上灯火闪烁。一艘渡轮缓缓驶过。\n"
                             "\n"
                             "@小林\n"
                             "我们到了。\n"
                             "\n"
                             "EXT. STATION - NIGHT\n"
                             "\n"
                             "Rain on the platform. 列车进站了。\n";

typedef struct
{
  char        *dir;
  ReelProject *project;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  fixture->dir = reel_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "Two Cities.storyreel", NULL);
  file = g_file_new_for_path (path);
  fixture->project = reel_project_create (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (fixture->project, script, &error));
  g_assert_true (reel_project_break_down (fixture->project, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_scenes (fixture->project)), ==, 3);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->project);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static ReelShot *
shot_at (ReelProject *project, guint position)
{
  g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), position);

  g_assert_nonnull (shot);
  return shot;
}

/* The first shot whose text contains @needle. */
static ReelShot *
shot_with_text (ReelProject *project, const char *needle)
{
  GListModel *shots = reel_project_get_shots (project);

  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);

      if (strstr (reel_shot_get_text (shot), needle) != NULL)
        return shot;
    }
  g_assert_not_reached ();
}

static gint64
add_take (Fixture *fixture, gint64 shot_id)
{
  g_autoptr (GError) error = NULL;
  ReelTake take = { 0 };

  take.shot_id = shot_id;
  take.kind = (char *) "video";
  take.backend = (char *) "animatic";
  take.prompt = (char *) "a prompt";
  take.duration = 4;
  take.width = 320;
  take.height = 180;
  take.fps = 24;
  take.media = (char *) "take.mp4";
  take.media_sha256 = (char *) "abc";
  g_assert_true (reel_project_add_take (fixture->project, &take, &error));
  g_assert_no_error (error);
  return take.id;
}

/* Undo gives back exactly what was there, redo exactly what the edit made. */
static void
assert_undo_redo (ReelProject *project, const char *before)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *after = reel_project_to_json (project);
  g_autofree char *undone = NULL;
  g_autofree char *redone = NULL;

  g_assert_cmpstr (before, !=, after);
  g_assert_true (reel_project_undo (project, &error));
  g_assert_no_error (error);
  undone = reel_project_to_json (project);
  g_assert_cmpstr (undone, ==, before);
  g_assert_true (reel_project_redo (project, &error));
  g_assert_no_error (error);
  redone = reel_project_to_json (project);
  g_assert_cmpstr (redone, ==, after);
}

static void
test_duplicate (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *original_captions = NULL;
  g_autofree char *copy_captions = NULL;
  ReelShot        *original = shot_with_text (fixture->project, "kettle");
  ReelShot        *copy;
  ReelShot        *next;
  gint64           original_id = reel_shot_get_id (original);
  guint            n_shots = g_list_model_get_n_items (reel_project_get_shots (fixture->project));
  guint            position = reel_shot_get_position (original);
  gint64           next_id = reel_shot_get_id (shot_at (fixture->project, position + 1));
  gint64           copy_id;

  g_assert_true (reel_project_set_shot_duration (fixture->project, original_id, 6.5, &error));
  g_assert_true (
      reel_project_set_shot_camera (fixture->project, original_id, REEL_CAMERA_PUSH_IN, &error));
  add_take (fixture, original_id);
  g_assert_cmpuint (reel_shot_get_n_takes (original), ==, 1);
  g_assert_cmpuint (reel_shot_get_captions (original)->len, ==, 2);
  before = reel_project_to_json (fixture->project);

  copy_id = reel_project_duplicate_shot (fixture->project, original_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (copy_id, >, 0);
  g_assert_cmpint (copy_id, !=, original_id);

  /* Right after the original, in its scene; the shots after it move on. */
  copy = reel_project_lookup_shot (fixture->project, copy_id);
  g_assert_nonnull (copy);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (fixture->project)), ==,
                    n_shots + 1);
  g_assert_cmpuint (reel_shot_get_position (copy), ==, position + 1);
  g_assert_cmpint (reel_shot_get_scene_id (copy), ==, reel_shot_get_scene_id (original));
  next = reel_project_lookup_shot (fixture->project, next_id);
  g_assert_cmpuint (reel_shot_get_position (next), ==, position + 2);

  /* What the shot is, but none of what was made of it. */
  g_assert_cmpstr (reel_shot_get_text (copy), ==, reel_shot_get_text (original));
  g_assert_cmpfloat_with_epsilon (reel_shot_get_duration (copy), 6.5, 1e-9);
  g_assert_cmpint (reel_shot_get_camera (copy), ==, REEL_CAMERA_PUSH_IN);
  original_captions = reel_shot_dup_captions_text (original);
  copy_captions = reel_shot_dup_captions_text (copy);
  g_assert_cmpstr (copy_captions, ==, original_captions);
  g_assert_cmpuint (reel_shot_get_n_takes (copy), ==, 0);
  g_assert_cmpint (reel_shot_get_chosen_take_id (copy), ==, 0);
  g_assert_cmpuint (reel_shot_get_n_takes (original), ==, 1);
  g_assert_cmpstr (reel_shot_get_number (copy), !=, reel_shot_get_number (original));

  assert_undo_redo (fixture->project, before);
}

static void
test_split_at_offset (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *captions = NULL;
  ReelShot        *shot = shot_with_text (fixture->project, "kettle");
  const char      *text = reel_shot_get_text (shot);
  const char      *cut = strstr (text, "Maya");
  gint64           shot_id = reel_shot_get_id (shot);
  gint64           take_id = add_take (fixture, shot_id);
  guint            n_shots = g_list_model_get_n_items (reel_project_get_shots (fixture->project));
  ReelShot        *second;
  gint64           second_id;

  g_assert_cmpstr (text, ==, "Steam rises from a kettle. Maya pours two cups of tea.");
  captions = reel_shot_dup_captions_text (shot);
  before = reel_project_to_json (fixture->project);

  second_id = reel_project_split_shot (fixture->project, shot_id, cut - text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second_id, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (fixture->project)), ==,
                    n_shots + 1);

  /* The first part stays the shot, with its takes; the second follows it
   * with the dialogue that came after the action. */
  second = reel_project_lookup_shot (fixture->project, second_id);
  g_assert_cmpstr (reel_shot_get_text (shot), ==, "Steam rises from a kettle.");
  g_assert_cmpstr (reel_shot_get_text (second), ==, "Maya pours two cups of tea.");
  g_assert_cmpuint (reel_shot_get_position (second), ==, reel_shot_get_position (shot) + 1);
  g_assert_cmpint (reel_shot_get_scene_id (second), ==, reel_shot_get_scene_id (shot));
  g_assert_cmpint (reel_shot_get_chosen_take_id (shot), ==, take_id);
  g_assert_cmpuint (reel_shot_get_n_takes (second), ==, 0);
  g_assert_cmpuint (reel_shot_get_captions (shot)->len, ==, 0);
  {
    g_autofree char *moved = reel_shot_dup_captions_text (second);
    g_assert_cmpstr (moved, ==, captions);
  }
  /* Each part is at least a shot long. */
  g_assert_cmpfloat (reel_shot_get_duration (shot), >=,
                     reel_project_get_default_shot_duration (fixture->project));
  g_assert_cmpfloat (reel_shot_get_duration (second), >=,
                     reel_project_get_default_shot_duration (fixture->project));

  assert_undo_redo (fixture->project, before);
}

static void
test_split_at_sentence (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  ReelShot        *shot = shot_with_text (fixture->project, "渡轮");
  gint64           shot_id = reel_shot_get_id (shot);
  gint64           second_id;
  ReelShot        *second;

  g_assert_cmpstr (reel_shot_get_text (shot), ==, "江面上灯火闪烁。一艘渡轮缓缓驶过。");
  /* A length set by hand is shared between the parts. */
  g_assert_true (reel_project_set_shot_duration (fixture->project, shot_id, 8, &error));
  before = reel_project_to_json (fixture->project);

  second_id = reel_project_split_shot (fixture->project, shot_id, -1, &error);
  g_assert_no_error (error);
  second = reel_project_lookup_shot (fixture->project, second_id);
  g_assert_cmpstr (reel_shot_get_text (shot), ==, "江面上灯火闪烁。");
  g_assert_cmpstr (reel_shot_get_text (second), ==, "一艘渡轮缓缓驶过。");
  g_assert_cmpfloat_with_epsilon (reel_shot_get_duration (shot) + reel_shot_get_duration (second),
                                  8, 1e-9);
  g_assert_cmpfloat (reel_shot_get_duration (shot), >, 0);
  g_assert_cmpfloat (reel_shot_get_duration (second), >, 0);
  {
    g_autofree char *captions = reel_shot_dup_captions_text (second);
    g_assert_cmpstr (captions, ==, "小林: 我们到了。");
  }

  assert_undo_redo (fixture->project, before);

  /* Mixed scripts split at their sentence boundary too. */
  shot = shot_with_text (fixture->project, "platform");
  second_id = reel_project_split_shot (fixture->project, reel_shot_get_id (shot), -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reel_shot_get_text (shot), ==, "Rain on the platform.");
  g_assert_cmpstr (reel_shot_get_text (reel_project_lookup_shot (fixture->project, second_id)), ==,
                   "列车进站了。");
}

static void
test_split_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  ReelShot        *shot = shot_with_text (fixture->project, "platform");
  gint64           shot_id = reel_shot_get_id (shot);
  gsize            length;

  g_assert_true (reel_project_set_shot_text (fixture->project, shot_id, "Rain.", &error));
  before = reel_project_to_json (fixture->project);
  length = strlen (reel_shot_get_text (shot));

  /* One sentence and no cursor: nowhere to split. */
  g_assert_cmpint (reel_project_split_shot (fixture->project, shot_id, -1, &error), ==, 0);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  /* At either end one part would be empty; in the middle of a character it
   * would not be text. */
  g_assert_cmpint (reel_project_split_shot (fixture->project, shot_id, 0, &error), ==, 0);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (reel_project_split_shot (fixture->project, shot_id, length, &error), ==, 0);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (reel_project_split_shot (fixture->project, shot_id, length + 10, &error), ==, 0);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  shot = shot_with_text (fixture->project, "渡轮");
  g_assert_cmpint (reel_project_split_shot (fixture->project, reel_shot_get_id (shot), 1, &error),
                   ==, 0);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  after = reel_project_to_json (fixture->project);
  g_assert_cmpstr (after, ==, before);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/project/shot-edits/duplicate", Fixture, NULL, fixture_set_up, test_duplicate,
              fixture_tear_down);
  g_test_add ("/project/shot-edits/split-at-offset", Fixture, NULL, fixture_set_up,
              test_split_at_offset, fixture_tear_down);
  g_test_add ("/project/shot-edits/split-at-sentence", Fixture, NULL, fixture_set_up,
              test_split_at_sentence, fixture_tear_down);
  g_test_add ("/project/shot-edits/split-refused", Fixture, NULL, fixture_set_up,
              test_split_refused, fixture_tear_down);

  return g_test_run ();
}
