/* test-undo.c: every kind of edit can be undone and redone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "reel-project.h"
#include "reel-test-utils.h"

static const char script[] = "Title: Undo Film\n"
                             "\n"
                             "INT. KITCHEN - DAY\n"
                             "\n"
                             "A kettle boils.\n"
                             "\n"
                             "ANNA\n"
                             "Tea?\n"
                             "\n"
                             "Steam fills the room.\n"
                             "\n"
                             "EXT. GARDEN - DAY\n"
                             "\n"
                             "Birds sing.\n";

typedef struct
{
  char        *dir;
  ReelProject *project;
  gint64       first_shot;
  gint64       last_shot;
  gint64       first_scene;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelShot) first = NULL;
  g_autoptr (ReelShot) last = NULL;
  g_autoptr (ReelScene) scene = NULL;
  GListModel *shots;

  fixture->dir = reel_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "Undo.storyreel", NULL);
  file = g_file_new_for_path (path);
  fixture->project = reel_project_create (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (fixture->project, script, &error));
  g_assert_true (reel_project_break_down (fixture->project, NULL, &error));
  g_assert_no_error (error);

  shots = reel_project_get_shots (fixture->project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, 3);
  first = g_list_model_get_item (shots, 0);
  last = g_list_model_get_item (shots, 2);
  scene = g_list_model_get_item (reel_project_get_scenes (fixture->project), 0);
  fixture->first_shot = reel_shot_get_id (first);
  fixture->last_shot = reel_shot_get_id (last);
  fixture->first_scene = reel_scene_get_id (scene);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->project);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

/* Everything a user can see of the document. */
static char *
snapshot (ReelProject *project)
{
  g_autofree char *json = reel_project_to_json (project);
  g_autoptr (GPtrArray) characters = reel_project_list_characters (project);
  GString *str = g_string_new (json);

  g_string_append_printf (str, "\nscript=%s\n", reel_project_get_script (project));
  for (guint i = 0; i < characters->len; i++)
    {
      ReelCharacter *c = g_ptr_array_index (characters, i);
      g_string_append_printf (str, "character=%s/%s\n", c->name, c->description);
    }
  return g_string_free (str, FALSE);
}

typedef gboolean (*EditFunc) (Fixture *fixture, GError **error);

static void
check_undo_redo (Fixture *fixture, EditFunc edit)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = snapshot (fixture->project);
  g_autofree char *after = NULL;
  g_autofree char *undone = NULL;
  g_autofree char *redone = NULL;
  g_autofree char *undone_again = NULL;

  g_assert_true (edit (fixture, &error));
  g_assert_no_error (error);
  after = snapshot (fixture->project);
  g_assert_cmpstr (before, !=, after);
  g_assert_true (reel_project_can_undo (fixture->project));
  g_assert_false (reel_project_can_redo (fixture->project));

  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_no_error (error);
  undone = snapshot (fixture->project);
  g_assert_cmpstr (undone, ==, before);
  g_assert_true (reel_project_can_redo (fixture->project));

  g_assert_true (reel_project_redo (fixture->project, &error));
  g_assert_no_error (error);
  redone = snapshot (fixture->project);
  g_assert_cmpstr (redone, ==, after);

  /* And back once more: the redo was itself recorded. */
  g_assert_true (reel_project_undo (fixture->project, &error));
  undone_again = snapshot (fixture->project);
  g_assert_cmpstr (undone_again, ==, before);
}

static gboolean
edit_title (Fixture *f, GError **error)
{
  return reel_project_set_title (f->project, "A New Title", error);
}

static gboolean
edit_resolution (Fixture *f, GError **error)
{
  return reel_project_set_resolution (f->project, 1080, 1920, error);
}

static gboolean
edit_fps (Fixture *f, GError **error)
{
  return reel_project_set_fps (f->project, 30, error);
}

static gboolean
edit_default_duration (Fixture *f, GError **error)
{
  return reel_project_set_default_shot_duration (f->project, 2.5, error);
}

static gboolean
edit_language (Fixture *f, GError **error)
{
  return reel_project_set_language (f->project, "zh_CN", error);
}

static gboolean
edit_script (Fixture *f, GError **error)
{
  return reel_project_set_script (f->project, "INT. NOWHERE - NIGHT\n\nSilence.\n", error);
}

static gboolean
edit_breakdown (Fixture *f, GError **error)
{
  /* test_edit() changed the script beforehand: this step is the breakdown alone. */
  return reel_project_break_down (f->project, NULL, error);
}

static gboolean
edit_scene_heading (Fixture *f, GError **error)
{
  return reel_project_set_scene_heading (f->project, f->first_scene, "INT. KITCHEN - NIGHT", error);
}

static gboolean
edit_shot_text (Fixture *f, GError **error)
{
  return reel_project_set_shot_text (f->project, f->first_shot, "A kettle whistles.", error);
}

static gboolean
edit_shot_duration (Fixture *f, GError **error)
{
  return reel_project_set_shot_duration (f->project, f->first_shot, 7.5, error);
}

static gboolean
edit_shot_camera (Fixture *f, GError **error)
{
  return reel_project_set_shot_camera (f->project, f->first_shot, REEL_CAMERA_PAN_RIGHT, error);
}

static gboolean
edit_captions (Fixture *f, GError **error)
{
  return reel_project_set_shot_captions_text (f->project, f->first_shot,
                                              "ANNA: Milk?\nBEN: (laughing) Always.", error);
}

static gboolean
edit_move_shot (Fixture *f, GError **error)
{
  /* Across a scene boundary: the shot changes scene too. */
  return reel_project_move_shot (f->project, f->last_shot, 0, error);
}

static gboolean
edit_insert_shot (Fixture *f, GError **error)
{
  return reel_project_insert_shot (f->project, 0, f->first_shot, "A cup is set down.", error) > 0;
}

static gboolean
edit_delete_shot (Fixture *f, GError **error)
{
  return reel_project_delete_shot (f->project, f->first_shot, error);
}

static gboolean
edit_add_character (Fixture *f, GError **error)
{
  return reel_project_add_character (f->project, "BEN", "a neighbour", error) > 0;
}

static gboolean
edit_update_character (Fixture *f, GError **error)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (f->project);
  ReelCharacter *anna;

  g_assert_cmpuint (characters->len, ==, 1);
  anna = g_ptr_array_index (characters, 0);
  return reel_project_update_character (f->project, anna->id, "ANNA", "red coat, 30s", error);
}

static gboolean
edit_remove_character (Fixture *f, GError **error)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (f->project);

  return reel_project_remove_character (
      f->project, ((ReelCharacter *) g_ptr_array_index (characters, 0))->id, error);
}

static void
test_edit (Fixture *fixture, gconstpointer data)
{
  if (data == edit_breakdown)
    g_assert_true (
        reel_project_set_script (fixture->project, "INT. NOWHERE - NIGHT\n\nSilence.\n", NULL));
  check_undo_redo (fixture, (EditFunc) data);
}

static void
test_new_edit_clears_redo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (reel_project_set_title (fixture->project, "One", &error));
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_true (reel_project_can_redo (fixture->project));
  g_assert_true (reel_project_set_title (fixture->project, "Two", &error));
  g_assert_false (reel_project_can_redo (fixture->project));
  g_assert_false (reel_project_redo (fixture->project, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOTHING_TO_UNDO);
  g_assert_cmpstr (reel_project_get_title (fixture->project), ==, "Two");
}

static void
test_undo_many_then_redo_all (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *start = snapshot (fixture->project);
  g_autofree char *end = NULL;
  g_autofree char *back = NULL;
  g_autofree char *forward = NULL;
  guint            steps = 0;

  g_assert_true (edit_shot_text (fixture, &error));
  g_assert_true (edit_move_shot (fixture, &error));
  g_assert_true (edit_captions (fixture, &error));
  g_assert_true (edit_delete_shot (fixture, &error));
  g_assert_true (edit_title (fixture, &error));
  end = snapshot (fixture->project);

  while (reel_project_can_undo (fixture->project))
    {
      g_assert_true (reel_project_undo (fixture->project, &error));
      g_assert_no_error (error);
      steps++;
    }
  /* The set-up's own script edit and breakdown are undone too. */
  g_assert_cmpuint (steps, ==, 7);
  /* Redoing the set-up's two steps gives the starting point back. */
  g_assert_true (reel_project_redo (fixture->project, &error));
  g_assert_true (reel_project_redo (fixture->project, &error));
  back = snapshot (fixture->project);
  g_assert_cmpstr (back, ==, start);

  while (reel_project_can_redo (fixture->project))
    g_assert_true (reel_project_redo (fixture->project, &error));
  forward = snapshot (fixture->project);
  g_assert_cmpstr (forward, ==, end);
}

static void
notify_cb (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_can_undo_notifies (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "Notify.storyreel", NULL);
  guint            undo_notifies = 0;
  guint            redo_notifies = 0;

  file = g_file_new_for_path (path);
  project = reel_project_create (file, NULL, &error);
  g_signal_connect (project, "notify::can-undo", G_CALLBACK (notify_cb), &undo_notifies);
  g_signal_connect (project, "notify::can-redo", G_CALLBACK (notify_cb), &redo_notifies);

  g_assert_true (reel_project_set_title (project, "x", &error));
  g_assert_cmpuint (undo_notifies, ==, 1);
  g_assert_true (reel_project_set_title (project, "y", &error));
  g_assert_cmpuint (undo_notifies, ==, 1);
  g_assert_true (reel_project_undo (project, &error));
  g_assert_cmpuint (redo_notifies, ==, 1);
}

int
main (int argc, char **argv)
{
  static const struct
  {
    const char *name;
    EditFunc    func;
  } edits[] = {
    { "title", edit_title },
    { "resolution", edit_resolution },
    { "fps", edit_fps },
    { "default-duration", edit_default_duration },
    { "language", edit_language },
    { "script", edit_script },
    { "breakdown", edit_breakdown },
    { "scene-heading", edit_scene_heading },
    { "shot-text", edit_shot_text },
    { "shot-duration", edit_shot_duration },
    { "shot-camera", edit_shot_camera },
    { "captions", edit_captions },
    { "move-shot", edit_move_shot },
    { "insert-shot", edit_insert_shot },
    { "delete-shot", edit_delete_shot },
    { "add-character", edit_add_character },
    { "update-character", edit_update_character },
    { "remove-character", edit_remove_character },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autofree char *path = g_strdup_printf ("/undo/edit/%s", edits[i].name);
      g_test_add (path, Fixture, (gconstpointer) edits[i].func, fixture_set_up, test_edit,
                  fixture_tear_down);
    }
  g_test_add ("/undo/new-edit-clears-redo", Fixture, NULL, fixture_set_up,
              test_new_edit_clears_redo, fixture_tear_down);
  g_test_add ("/undo/many-then-redo", Fixture, NULL, fixture_set_up, test_undo_many_then_redo_all,
              fixture_tear_down);
  g_test_add ("/undo/notifies", Fixture, NULL, fixture_set_up, test_can_undo_notifies,
              fixture_tear_down);

  return g_test_run ();
}
