/* test-cli.c: the command-line contract, run against the real binary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <signal.h>

#include "reel-animatic.h"
#include "reel-project-jobs.h"
#include "reel-project.h"
#include "reel-test-utils.h"

typedef struct
{
  char *dir;
  char *binary;
  char *project;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = reel_test_make_tmpdir ();
  fixture->binary = reel_test_build_path ("app/storyreel");
  fixture->project = g_build_filename (fixture->dir, "Film.storyreel", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->binary);
  g_free (fixture->project);
}

/* Runs storyreel with the arguments after @fixture; NULL-terminated. */
static int
run (Fixture *fixture, char **out, char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list     args;

  g_ptr_array_add (argv, fixture->binary);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return reel_test_spawn ((const char *const *) argv->pdata, NULL, out, err);
}

static void
assert_one_line (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), >, 0);
  g_assert_true (g_str_has_suffix (text, "\n"));
  g_assert_null (strchr (text, '\n') == text + strlen (text) - 1 ? NULL : strchr (text, '\n'));
}

static void
test_exit_codes (Fixture *fixture, gconstpointer data)
{
  g_autofree char *script = reel_test_source_path ("data/examples/lesson.fountain");
  g_autofree char *bad_script = g_build_filename (fixture->dir, "latin1.fountain", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.storyreel", NULL);
  char            *err = NULL;

  /* Usage errors: 2. */
  g_assert_cmpint (run (fixture, NULL, &err, "new", NULL), ==, 2);
  g_free (err);
  g_assert_cmpint (run (fixture, NULL, &err, "inspect", "--bogus", fixture->project, NULL), ==, 2);
  g_free (err);
  g_assert_cmpint (run (fixture, NULL, &err, "new", fixture->project, "--resolution", "big", NULL),
                   ==, 2);
  g_free (err);

  /* Success: 0. */
  g_assert_cmpint (run (fixture, NULL, NULL, "new", fixture->project, "--title", "Rain",
                        "--resolution", "640x360", "--fps", "25", NULL),
                   ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "import", fixture->project, script, NULL), ==, 0);

  /* Failures: 1 with a one-line reason. */
  g_assert_cmpint (run (fixture, NULL, &err, "new", fixture->project, NULL), ==, 1);
  assert_one_line (err);
  g_assert_true (g_str_has_prefix (err, "storyreel: "));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "inspect", missing, "--json", NULL), ==, 1);
  assert_one_line (err);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (bad_script, "INT. CAF\xe9 - DAY\n\nHello.\n", -1, NULL));
  g_assert_cmpint (run (fixture, NULL, &err, "import", fixture->project, bad_script, NULL), ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "UTF-8"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "new", fixture->project, "--fps", "0", NULL), ==, 1);
  g_clear_pointer (&err, g_free);
}

static JsonObject *
inspect (Fixture *fixture, JsonParser *parser)
{
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (run (fixture, &out, NULL, "inspect", fixture->project, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_members (JsonObject *object, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (!json_object_has_member (object, names[i]))
      g_error ("JSON object lacks “%s”", names[i]);
}

static void
test_json_shape (Fixture *fixture, gconstpointer data)
{
  static const char *const top[] = { "format", "title", "resolution", "fps", "scenes", NULL };
  static const char *const scene_keys[] = { "id", "number", "heading", "shots", NULL };
  static const char *const shot_keys[]
      = { "id", "number", "text", "duration", "camera", "final_prompt", "captions", "takes", NULL };
  static const char *const caption_keys[] = { "speaker", "text", NULL };
  static const char *const take_keys[]
      = { "id", "backend", "model", "status", "media", "duration", "seed", "cost", "chosen", NULL };
  g_autofree char *script = reel_test_source_path ("data/examples/chase.zh.fountain");
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root, *scene, *shot = NULL, *take;
  JsonArray  *scenes, *resolution;
  guint       n_shots = 0, n_captions = 0;

  g_assert_cmpint (run (fixture, NULL, NULL, "new", fixture->project, "--resolution", "160x90",
                        "--fps", "8", NULL),
                   ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "import", fixture->project, script, NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "generate", fixture->project, "--shots", "1A", NULL),
                   ==, 0);

  root = inspect (fixture, parser);
  assert_members (root, top);
  g_assert_cmpint (json_object_get_int_member (root, "format"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (root, "title"), ==, "雨夜追逐");
  resolution = json_object_get_array_member (root, "resolution");
  g_assert_cmpint (json_array_get_int_element (resolution, 0), ==, 160);
  g_assert_cmpint (json_array_get_int_element (resolution, 1), ==, 90);
  g_assert_cmpint (json_object_get_int_member (root, "fps"), ==, 8);

  scenes = json_object_get_array_member (root, "scenes");
  g_assert_cmpuint (json_array_get_length (scenes), ==, 4);
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonArray *shots;

      scene = json_array_get_object_element (scenes, i);
      assert_members (scene, scene_keys);
      shots = json_object_get_array_member (scene, "shots");
      for (guint j = 0; j < json_array_get_length (shots); j++)
        {
          JsonObject *s = json_array_get_object_element (shots, j);
          JsonArray  *captions = json_object_get_array_member (s, "captions");

          assert_members (s, shot_keys);
          for (guint k = 0; k < json_array_get_length (captions); k++, n_captions++)
            assert_members (json_array_get_object_element (captions, k), caption_keys);
          if (g_strcmp0 (json_object_get_string_member (s, "number"), "1A") == 0)
            shot = s;
          n_shots++;
        }
    }
  g_assert_cmpuint (n_shots, ==, 12);
  g_assert_cmpuint (n_captions, >, 0);

  /* The generated take is listed, chosen, with its media on disk. */
  g_assert_nonnull (shot);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (shot, "takes")), ==, 1);
  take = json_array_get_object_element (json_object_get_array_member (shot, "takes"), 0);
  assert_members (take, take_keys);
  g_assert_cmpstr (json_object_get_string_member (take, "backend"), ==, "animatic");
  g_assert_true (json_object_get_boolean_member (take, "chosen"));
  g_assert_true (g_file_test (json_object_get_string_member (take, "media"), G_FILE_TEST_EXISTS));
}

static void
test_take_import (Fixture *fixture, gconstpointer data)
{
  g_autofree char *script = reel_test_source_path ("data/examples/lesson.fountain");
  g_autofree char *video = g_build_filename (fixture->dir, "clip.mp4", NULL);
  g_autofree char *still = g_build_filename (fixture->dir, "board.png", NULL);
  g_autofree char *corrupt = g_build_filename (fixture->dir, "broken.mp4", NULL);
  g_autofree char *err = NULL;
  /* An MP4 file type box and then nothing a demuxer can use. The length
   * comes from the array: the text has zero bytes in it. */
  static const char not_a_video[] = "\x00\x00\x00\x18"
                                    "ftypmp42 this is not a video";
  g_autoptr (ReelAnimaticSpec) spec = reel_animatic_spec_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GPtrArray) takes = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  ReelShot        *shot;

  spec->width = 160;
  spec->height = 90;
  spec->fps = 10;
  spec->duration = 1.0;
  spec->text = g_strdup ("An imported clip");
  g_assert_true (reel_animatic_render (spec, video, NULL, NULL, NULL, &error));
  g_assert_true (reel_animatic_render_card_png (spec, still, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (corrupt, not_a_video, sizeof not_a_video - 1, NULL));

  g_assert_cmpint (run (fixture, NULL, NULL, "import", fixture->project, script, NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "take", "import", fixture->project, "1B", video, NULL),
                   ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "take", "import", fixture->project, "2A", still, NULL),
                   ==, 0);

  before = reel_test_sha256_file (fixture->project);
  g_assert_cmpint (
      run (fixture, NULL, &err, "take", "import", fixture->project, "1A", corrupt, NULL), ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "broken.mp4"));
  g_assert_cmpint (run (fixture, NULL, NULL, "take", "import", fixture->project, "9Z", video, NULL),
                   ==, 1);

  file = g_file_new_for_path (fixture->project);
  project = reel_project_open (file, &error);
  g_assert_no_error (error);

  shot = reel_project_find_shot (project, "1B");
  takes = reel_project_list_takes (project, reel_shot_get_id (shot));
  g_assert_cmpuint (takes->len, ==, 1);
  g_assert_cmpstr (((ReelTake *) takes->pdata[0])->backend, ==, "import");
  g_assert_cmpfloat_with_epsilon (((ReelTake *) takes->pdata[0])->duration, 1.0, 0.11);
  g_assert_cmpint (reel_shot_get_chosen_take_id (shot), ==, ((ReelTake *) takes->pdata[0])->id);

  /* A still becomes the shot's board image, not a clip. */
  shot = reel_project_find_shot (project, "2A");
  g_assert_nonnull (reel_shot_get_board_image (shot));
  g_assert_cmpint (reel_shot_get_chosen_take_id (shot), ==, 0);

  /* The refused import left no take. */
  g_clear_pointer (&takes, g_ptr_array_unref);
  takes = reel_project_list_takes (project,
                                   reel_shot_get_id (reel_project_find_shot (project, "1A")));
  g_assert_cmpuint (takes->len, ==, 0);
  g_clear_object (&project);
  after = reel_test_sha256_file (fixture->project);
  g_assert_cmpstr (before, ==, after);
}

/* Counts the takes `storyreel generate` reports done on its stderr. */
typedef struct
{
  GDataInputStream *lines;
  guint             wanted;
  guint             done;
  gboolean          ended;
} TakeCounter;

static void
line_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TakeCounter *counter = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line
      = g_data_input_stream_read_line_finish_utf8 (counter->lines, result, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    {
      counter->ended = TRUE;
      return;
    }
  if (g_str_has_suffix (line, ": Done"))
    counter->done++;
  if (counter->done < counter->wanted)
    g_data_input_stream_read_line_async (counter->lines, G_PRIORITY_DEFAULT, NULL, line_read_cb,
                                         counter);
}

static gboolean
enough_takes_or_end (gpointer data)
{
  TakeCounter *counter = data;

  return counter->done >= counter->wanted || counter->ended;
}

/* A child `storyreel generate` is killed with SIGKILL in the middle of a
 * batch and started again: every shot ends with exactly one take, and the
 * takes made before the kill are kept, not made again. */
static void
test_crash_resume (Fixture *fixture, gconstpointer data)
{
  g_autofree char *script = reel_test_source_path ("data/examples/lesson.fountain");
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) first_takes
      = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autofree char *err = NULL;
  GListModel      *shots;
  TakeCounter      counter = { 0 };

  g_assert_cmpint (run (fixture, NULL, NULL, "new", fixture->project, "--resolution", "320x180",
                        "--fps", "24", NULL),
                   ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "import", fixture->project, script, NULL), ==, 0);

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                            &error, fixture->binary, "generate", fixture->project, "--jobs", "1",
                            NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (child));

  /* Kill it once three takes are recorded: in the middle of the batch. */
  counter.lines = lines;
  counter.wanted = 3;
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, line_read_cb, &counter);
  reel_test_wait_until (enough_takes_or_end, &counter, 60000, "three takes to be recorded");
  g_assert_cmpuint (counter.done, ==, 3);
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  file = g_file_new_for_path (fixture->project);
  project = reel_project_open (file, &error);
  g_assert_no_error (error);
  shots = reel_project_get_shots (project);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      gint64 take = reel_shot_get_chosen_take_id (shot);
      gint64 id = reel_shot_get_id (shot);

      if (take != 0)
        g_hash_table_insert (first_takes, g_memdup2 (&id, sizeof id), GINT_TO_POINTER ((int) take));
    }
  g_assert_cmpuint (g_hash_table_size (first_takes), >=, 3);
  g_assert_cmpuint (g_hash_table_size (first_takes), <, 12);
  g_clear_object (&project);

  /* Start again: it resumes the unfinished jobs and queues nothing twice. */
  g_assert_cmpint (run (fixture, NULL, &err, "generate", fixture->project, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "Resuming"));

  project = reel_project_open (file, &error);
  g_assert_no_error (error);
  shots = reel_project_get_shots (project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, 12);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      g_autoptr (GPtrArray) takes = reel_project_list_takes (project, reel_shot_get_id (shot));
      gint64   id = reel_shot_get_id (shot);
      gpointer first = g_hash_table_lookup (first_takes, &id);

      g_assert_cmpuint (takes->len, ==, 1);
      if (first != NULL)
        g_assert_cmpint (reel_shot_get_chosen_take_id (shot), ==, GPOINTER_TO_INT (first));
    }

  /* One job per shot, all done: none was queued or done twice. */
  jobs = reel_project_list_jobs (project, FALSE);
  g_assert_cmpuint (jobs->len, ==, 12);
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);
      gpointer       first = g_hash_table_lookup (first_takes, &job->shot_id);

      g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
      if (first != NULL)
        g_assert_cmpuint (job->attempts, ==, 1);
    }
}

/* `storyreel generate`: bad arguments are usage errors, a backend or shot
 * that is not there is a one-line failure, and with every shot taken there
 * is nothing to do. */
static void
test_generate_arguments (Fixture *fixture, gconstpointer data)
{
  g_autofree char *script = reel_test_source_path ("data/examples/lesson.fountain");
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.storyreel", NULL);
  char            *err = NULL;

  g_assert_cmpint (run (fixture, NULL, NULL, "new", fixture->project, "--resolution", "160x90",
                        "--fps", "10", NULL),
                   ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "import", fixture->project, script, NULL), ==, 0);

  g_assert_cmpint (run (fixture, NULL, &err, "generate", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, NULL, &err, "generate", fixture->project, "--variants", "0", NULL),
                   ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, NULL, &err, "generate", fixture->project, "--jobs", "65", NULL),
                   ==, 2);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "generate", missing, NULL), ==, 1);
  assert_one_line (err);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (
      run (fixture, NULL, &err, "generate", fixture->project, "--backend", "nowhere", NULL), ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "nowhere"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, NULL, &err, "generate", fixture->project, "--shots", "9Z", NULL),
                   ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "9Z"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "generate", fixture->project, "--shots", "1A", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (err, "1 takes done"));
  g_clear_pointer (&err, g_free);
}

/* `storyreel render`: script to film in one go, the project kept beside the
 * film; run again, it makes no take twice. */
static void
test_render (Fixture *fixture, gconstpointer data)
{
  g_autofree char *script = g_build_filename (fixture->dir, "rain.fountain", NULL);
  g_autofree char *film = g_build_filename (fixture->dir, "rain.webm", NULL);
  g_autofree char *kept = g_build_filename (fixture->dir, "rain.storyreel", NULL);
  g_autofree char *not_a_film = g_build_filename (fixture->dir, "rain.pdf", NULL);
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  char *err = NULL;

  g_assert_true (g_file_set_contents (script,
                                      "INT. ROOM - DAY\n\nRain runs down the window.\n\n"
                                      "A cat watches it.\n",
                                      -1, &error));

  g_assert_cmpint (run (fixture, NULL, &err, "render", script, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, NULL, &err, "render", script, "-o", not_a_film, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (
      run (fixture, NULL, &err, "render", script, "-o", film, "--captions", "loud", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (
      run (fixture, NULL, &err, "render", script, "-o", film, "--backend", "nowhere", NULL), ==, 1);
  assert_one_line (g_strrstr (err, "storyreel: "));
  g_assert_false (g_file_test (film, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "render", script, "-o", film, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "Generating 2 takes"));
  g_assert_nonnull (strstr (err, "Wrote "));
  g_assert_true (g_file_test (film, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "render", script, "-o", film, NULL), ==, 0);
  g_assert_null (strstr (err, "Generating"));
  g_clear_pointer (&err, g_free);

  file = g_file_new_for_path (kept);
  project = reel_project_open (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (project)), ==, 2);
  jobs = reel_project_list_jobs (project, FALSE);
  g_assert_cmpuint (jobs->len, ==, 2);
}

/* Whether @needle is in @data, NUL bytes and all. */
static gboolean
bytes_contain (const char *data, gsize length, const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (data + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

/* `storyreel render --quality` takes export's choices and reaches the
 * encoder: a draft film is x264's "veryfast" (one reference frame, subpixel
 * refinement 2, as x264 writes in the stream), not "medium". Burned
 * captions make the exporter encode the picture rather than copy the
 * animatic's own stream. */
static void
test_render_quality (Fixture *fixture, gconstpointer data)
{
  g_autofree char *script = g_build_filename (fixture->dir, "rain.fountain", NULL);
  g_autofree char *film = g_build_filename (fixture->dir, "rain.mp4", NULL);
  g_autoptr (GstElementFactory) hardware = gst_element_factory_find ("nvh264enc");
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize            length = 0;
  char            *err = NULL;

  g_assert_true (g_file_set_contents (
      script, "INT. ROOM - DAY\n\nRain runs down the window.\n\nANNA\nIt will not stop.\n", -1,
      &error));

  g_assert_cmpint (
      run (fixture, NULL, &err, "render", script, "-o", film, "--quality", "best", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--quality takes draft, standard or high."));
  g_assert_false (g_file_test (film, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "render", script, "-o", film, "--quality", "draft",
                        "--captions", "burn", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (err, "Wrote "));
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_get_contents (film, &contents, &length, &error));
  g_assert_no_error (error);
  if (hardware != NULL)
    {
      g_test_message ("nvh264enc encoded the film: no x264 settings to read");
      return;
    }
  g_assert_true (bytes_contain (contents, length, "x264 - core"));
  g_assert_true (bytes_contain (contents, length, " ref=1 "));
  g_assert_true (bytes_contain (contents, length, " subme=2 "));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cli/exit-codes", test_exit_codes);
  ADD ("/cli/json-shape", test_json_shape);
  ADD ("/cli/take-import", test_take_import);
  ADD ("/cli/crash-resume", test_crash_resume);
  ADD ("/cli/generate-arguments", test_generate_arguments);
  ADD ("/cli/render", test_render);
  ADD ("/cli/render-quality", test_render_quality);
#undef ADD

  return g_test_run ();
}
