/* test-cli-library.c: `storyreel library` on the real binary
 *
 * A user keeps two takes of a film, in English and Chinese, finds each again
 * by who is in it and by its mood, and uses one in a second film, where it
 * is a take of the shot they named, in that film's own media folder. A
 * library file that is not one is refused with a reason and left alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>

#include "reel-test-utils.h"

static const char first_script[] = "INT. KITCHEN - NIGHT\n"
                                   "\n"
                                   "Mia waits in the tense silence of the kitchen.\n"
                                   "\n"
                                   "EXT. 花园 - 白天\n"
                                   "\n"
                                   "小明在花园里孤独地等待。\n";

static const char second_script[] = "INT. STATION - DAY\n"
                                    "\n"
                                    "A train arrives.\n"
                                    "\n"
                                    "Passengers get off.\n";

typedef struct
{
  char *dir;
  char *binary;
  char *video;
  char *first;
  char *second;
} Fixture;

/* Runs storyreel with the arguments after @err; NULL-terminated. */
static int
run (Fixture *fixture, char **out, char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;
  const char      *arg;
  va_list          args;
  int              status;

  g_ptr_array_add (argv, fixture->binary);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  status = reel_test_spawn ((const char *const *) argv->pdata, NULL, &out_text, &err_text);
  g_test_message ("storyreel %s %s → %d\n%s%s", (char *) argv->pdata[1],
                  argv->len > 2 ? (char *) argv->pdata[2] : "", status, out_text, err_text);
  if (out != NULL)
    *out = g_steal_pointer (&out_text);
  if (err != NULL)
    *err = g_steal_pointer (&err_text);
  return status;
}

static void
make_project (Fixture *fixture, const char *project, const char *script_text)
{
  g_autofree char *script = g_strconcat (project, ".fountain", NULL);

  g_assert_true (g_file_set_contents (script, script_text, -1, NULL));
  g_assert_cmpint (run (fixture, NULL, NULL, "import", project, script, NULL), ==, 0);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *pipeline = NULL;
  g_autofree char *library = g_build_filename (g_get_user_data_dir (), "storyreel", NULL);

  reel_test_rm_rf (library);
  fixture->dir = reel_test_make_tmpdir ();
  fixture->binary = reel_test_build_path ("app/storyreel");
  fixture->video = g_build_filename (fixture->dir, "clip.mp4", NULL);
  fixture->first = g_build_filename (fixture->dir, "First.storyreel", NULL);
  fixture->second = g_build_filename (fixture->dir, "Second.storyreel", NULL);
  pipeline = g_strdup_printf (
      "videotestsrc num-buffers=12 ! video/x-raw,width=160,height=90,framerate=24/1 ! x264enc ! "
      "mp4mux ! filesink location=\"%s\"",
      fixture->video);
  reel_test_run_pipeline (pipeline);
  make_project (fixture, fixture->first, first_script);
  make_project (fixture, fixture->second, second_script);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->binary);
  g_free (fixture->video);
  g_free (fixture->first);
  g_free (fixture->second);
}

/* Imports the clip as a take of @shot and keeps it; returns the library id. */
static char *
keep_take (Fixture *fixture, const char *shot)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (
      run (fixture, NULL, NULL, "take", "import", fixture->first, shot, fixture->video, NULL), ==,
      0);
  g_assert_cmpint (run (fixture, &out, NULL, "library", "add", fixture->first, shot, NULL), ==, 0);
  return g_strstrip (g_steal_pointer (&out));
}

/* The ids `library search` prints, one a line, first column. */
static GStrv
search (Fixture *fixture, const char *query, const char *kind)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();

  g_assert_cmpint (run (fixture, &out, NULL, "library", "search", query,
                        kind != NULL ? "--kind" : NULL, kind, NULL),
                   ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      {
        g_auto (GStrv) cells = g_strsplit (lines[i], "\t", -1);

        g_assert_cmpuint (g_strv_length (cells), ==, 4);
        g_strv_builder_add (ids, cells[0]);
      }
  return g_strv_builder_end (ids);
}

static void
assert_finds_only (Fixture *fixture, const char *query, const char *kind, const char *id)
{
  g_auto (GStrv) ids = search (fixture, query, kind);

  g_assert_cmpuint (g_strv_length (ids), ==, id != NULL ? 1 : 0);
  if (id != NULL)
    g_assert_cmpstr (ids[0], ==, id);
}

static void
test_search (Fixture *fixture, gconstpointer data)
{
  g_autofree char *kitchen = keep_take (fixture, "1A");
  g_autofree char *garden = keep_take (fixture, "2A");
  g_autofree char *err = NULL;

  assert_finds_only (fixture, "Mia", NULL, kitchen);
  assert_finds_only (fixture, "tense", "take", kitchen);
  assert_finds_only (fixture, "小明", NULL, garden);
  assert_finds_only (fixture, "孤独", NULL, garden);
  assert_finds_only (fixture, "Mia", "style", NULL);
  g_assert_cmpint (run (fixture, NULL, &err, "library", "search", "Mia", "--kind", "film", NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "--kind"));

  /* A preset kept as a style is found as one; a style the project lacks is refused. */
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (
        run (fixture, &out, NULL, "library", "add-style", fixture->first, "watercolour", NULL), ==,
        0);
    assert_finds_only (fixture, "watercolour", "style", g_strstrip (out));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (
        run (fixture, NULL, &err, "library", "add-style", fixture->first, "no-such-look", NULL), ==,
        1);
    g_assert_nonnull (strstr (err, "no-such-look"));
  }
}

static JsonObject *
shot_of (JsonNode *plan, guint scene, guint shot)
{
  JsonArray  *scenes = json_object_get_array_member (json_node_get_object (plan), "scenes");
  JsonObject *scene_object = json_array_get_object_element (scenes, scene);

  return json_array_get_object_element (json_object_get_array_member (scene_object, "shots"), shot);
}

static void
test_use_take_in_another_project (Fixture *fixture, gconstpointer data)
{
  g_autofree char *kitchen = keep_take (fixture, "1A");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autofree char *media = NULL;
  g_autofree char *clip_sha256 = reel_test_sha256_file (fixture->video);
  g_autoptr (JsonNode) plan = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray  *takes;
  JsonObject *take;

  /* A take needs a shot to go to. */
  g_assert_cmpint (run (fixture, NULL, &err, "library", "use", kitchen, fixture->second, NULL), ==,
                   2);
  g_assert_cmpint (
      run (fixture, &out, NULL, "library", "use", kitchen, fixture->second, "1B", NULL), ==, 0);
  g_assert_cmpint (run (fixture, &json, NULL, "inspect", fixture->second, "--json", NULL), ==, 0);
  plan = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (shot_of (plan, 0, 0), "takes")), ==, 0);
  takes = json_object_get_array_member (shot_of (plan, 0, 1), "takes");
  g_assert_cmpuint (json_array_get_length (takes), ==, 1);
  take = json_array_get_object_element (takes, 0);
  g_assert_cmpint (json_object_get_int_member (take, "id"), ==, g_ascii_strtoll (out, NULL, 10));
  /* The very clip, copied into the second film's own folder. */
  media = g_strdup (json_object_get_string_member (take, "media"));
  g_assert_true (g_str_has_prefix (media, fixture->dir));
  g_assert_nonnull (strstr (media, "Second.media"));
  {
    g_autofree char *sha256 = reel_test_sha256_file (media);

    g_assert_cmpstr (sha256, ==, clip_sha256);
  }
}

static void
test_refuses_foreign_file (Fixture *fixture, gconstpointer data)
{
  static const char text[] = "Shopping list: tea, milk.\n";
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "storyreel", "library", NULL);
  g_autofree char *path = g_build_filename (folder, "library.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (run (fixture, NULL, &err, "library", "list", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "is not a Storyreel library"));
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, text);
}

int
main (int argc, char *argv[])
{
  /* Before anything asks GLib for it: GLib keeps the first answer. The
   * commands run inherit it. */
  g_autofree char *data_home = g_dir_make_tmp ("storyreel-cli-library-XXXXXX", NULL);
  int              status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD_TEST(path, func)                                                                       \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("/cli/library/search", test_search);
  ADD_TEST ("/cli/library/use-take-in-another-project", test_use_take_in_another_project);
  ADD_TEST ("/cli/library/refuses-foreign-file", test_refuses_foreign_file);

  status = g_test_run ();
  reel_test_rm_rf (data_home);
  return status;
}
