/* test-cli-files.c: what a new user meets first on the command line, on the real binary
 *
 * A mistyped subcommand is answered, not opened as a file in a window; an
 * error says what the user asked for and what to do, and never names a
 * temporary file; files land where the user expects them: Ferry.storyreel
 * for `new Ferry`, render's project beside the script and not among the
 * films, caption sidecars named after their film; and the command line
 * exports captions as the window does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <unistd.h>

#include "reel-cli.h"
#include "reel-project.h"
#include "reel-test-utils.h"

/* Three scenes in English and Chinese, with a line of dialogue each, so
 * the film has captions. */
static const char script_text[] = "INT. FERRY DECK - DAWN\n"
                                  "\n"
                                  "Gulls circle over the wake.\n"
                                  "\n"
                                  "ANNA\n"
                                  "We are nearly there.\n"
                                  "\n"
                                  "EXT. 码头 - 清晨\n"
                                  "\n"
                                  "渔船慢慢靠岸。\n"
                                  "\n"
                                  "@李明\n"
                                  "欢迎回家。\n"
                                  "\n"
                                  "INT. HARBOUR CAFE - DAY\n"
                                  "\n"
                                  "Steam rises from two cups.\n"
                                  "\n"
                                  "ANNA\n"
                                  "Home at last.\n";

typedef struct
{
  char *dir;
  char *binary;
  char *script;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = reel_test_make_tmpdir ();
  fixture->binary = reel_test_build_path ("app/storyreel");
  fixture->script = g_build_filename (fixture->dir, "ferry.fountain", NULL);
  g_assert_true (g_file_set_contents (fixture->script, script_text, -1, NULL));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  /* A folder a test made read-only is emptied too. */
  g_autofree char *read_only = g_build_filename (fixture->dir, "read-only", NULL);

  g_chmod (read_only, 0755);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->binary);
  g_free (fixture->script);
}

/* Runs `storyreel ARGS…` (NULL-terminated), after the environment
 * assignments in @env ("NAME=VALUE", NULL-terminated; NULL for none). */
static int
run_env (Fixture *fixture, const char *const *env, char **out, char **err, va_list args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;

  if (env != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "/usr/bin/env");
      for (guint i = 0; env[i] != NULL; i++)
        g_ptr_array_add (argv, (gpointer) env[i]);
    }
  g_ptr_array_add (argv, fixture->binary);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  return reel_test_spawn ((const char *const *) argv->pdata, NULL, out, err);
}

static int
run (Fixture *fixture, char **out, char **err, ...)
{
  va_list args;
  int     status;

  va_start (args, err);
  status = run_env (fixture, NULL, out, err, args);
  va_end (args);
  return status;
}

static int
run_with (Fixture *fixture, const char *const *env, char **out, char **err, ...)
{
  va_list args;
  int     status;

  va_start (args, err);
  status = run_env (fixture, env, out, err, args);
  va_end (args);
  return status;
}

/* A failure: one line on stderr, "storyreel: …". */
static void
assert_one_line_failure (const char *err)
{
  g_assert_nonnull (err);
  g_assert_true (g_str_has_prefix (err, "storyreel: "));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
}

static void
assert_contains (const char *text, const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

static void
assert_lacks (const char *text, const char *part)
{
  if (text != NULL && strstr (text, part) != NULL)
    g_error ("“%s” should not be in “%s”", part, text);
}

/* No hidden temporary the exporter or GLib writes through is named. */
static void
assert_no_temporary_name (const char *text)
{
  g_assert_false (
      g_regex_match_simple ("\\.partial-|\\.(otio|srt|vtt|mp4)\\.[A-Za-z0-9]{6}\\b", text, 0, 0));
}

/* `storyreel inpsect demo.storyreel`: a mistyped subcommand is a usage
 * error that suggests the subcommand, never a window that tries to open
 * “inpsect”; --help lists the subcommands; --version exists. */
static void
test_unknown_command (Fixture *fixture, gconstpointer data)
{
  static const char *const subcommands[]
      = { "new", "import", "inspect", "generate", "take", "export", "backends", "render" };
  g_autofree char *version = g_strdup_printf ("storyreel %s\n", PACKAGE_VERSION);
  char            *out = NULL;
  char            *err = NULL;

  g_assert_cmpint (run (fixture, &out, &err, "inpsect", "demo.storyreel", NULL), ==, 2);
  assert_contains (err, "storyreel: unknown command “inpsect” (did you mean “inspect”?)\n");
  assert_contains (err, "storyreel --help");
  assert_lacks (err, "Could not open");
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "rendr", fixture->script, NULL), ==, 2);
  assert_contains (err, "(did you mean “render”?)");
  g_clear_pointer (&err, g_free);

  /* Nothing near enough: no guess. */
  g_assert_cmpint (run (fixture, NULL, &err, "ferry", NULL), ==, 2);
  assert_contains (err, "unknown command “ferry”\n");
  assert_lacks (err, "did you mean");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, &out, NULL, "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %s ", subcommands[i]);
      assert_contains (out, line);
    }
  assert_contains (out, "--version");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (fixture, &out, NULL, "help", "inspect", NULL), ==, 0);
  assert_contains (out, "inspect PROJECT");
  assert_contains (out, "--json");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (fixture, &out, NULL, "--version", NULL), ==, 0);
  g_assert_cmpstr (out, ==, version);
  g_clear_pointer (&out, g_free);
}

static gboolean
handles (const char *first)
{
  char *argv[] = { (char *) "storyreel", (char *) first, NULL };

  return reel_cli_handles (first != NULL ? 2 : 1, argv);
}

/* What stays the window's: no argument, its options, and anything that
 * names a file, there or not, so the window can say what is wrong with it. */
static void
test_window_or_command (Fixture *fixture, gconstpointer data)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *bare = g_build_filename (fixture->dir, "Ferry", NULL);

  g_assert_false (handles (NULL));
  g_assert_false (handles ("--demo"));
  g_assert_false (handles ("demo.storyreel"));
  g_assert_false (handles ("Heist.FOUNTAIN"));
  g_assert_false (handles ("notes.txt"));
  g_assert_false (handles ("films/ferry"));
  g_assert_false (handles ("file:///tmp/ferry.storyreel"));

  g_assert_true (handles ("inspect"));
  g_assert_true (handles ("help"));
  g_assert_true (handles ("--help"));
  g_assert_true (handles ("-h"));
  g_assert_true (handles ("--version"));
  g_assert_true (handles ("inpsect"));
  g_assert_true (handles ("Ferry"));

  /* A project made under a bare name before stays the window's. */
  g_assert_true (g_file_set_contents (bare, "", 0, NULL));
  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);
  g_assert_false (handles ("Ferry"));
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

/* `storyreel new Ferry` writes Ferry.storyreel, and “Ferry” finds it again. */
static void
test_new_names_project (Fixture *fixture, gconstpointer data)
{
  g_autofree char *name = g_build_filename (fixture->dir, "Ferry", NULL);
  g_autofree char *project = g_build_filename (fixture->dir, "Ferry.storyreel", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run (fixture, NULL, &err, "new", name, "--resolution", "160x90", NULL), ==, 0);
  assert_contains (err, "Ferry.storyreel");
  g_assert_true (g_file_test (project, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (name, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run (fixture, NULL, NULL, "import", name, fixture->script, NULL), ==, 0);
  g_assert_false (g_file_test (name, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run (fixture, &out, NULL, "inspect", name, "--json", NULL), ==, 0);
  assert_contains (out, "欢迎回家");
  /* Without --title the film is called what its file is called. */
  assert_contains (out, "\"title\" : \"Ferry\"");
}

/* Errors say what the user asked for and what to do. */
static void
test_error_messages (Fixture *fixture, gconstpointer data)
{
  g_autofree char *project = g_build_filename (fixture->dir, "ferry.storyreel", NULL);
  g_autofree char *pdf = g_build_filename (fixture->dir, "call-sheet.pdf", NULL);
  g_autofree char *notes = g_build_filename (fixture->dir, "notes.txt", NULL);
  g_autofree char *plain_file = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *under_file = g_build_filename (plain_file, "film.mp4", NULL);
  g_autofree char *otio_under_file = g_build_filename (plain_file, "film.otio", NULL);
  g_autofree char *film = g_build_filename (fixture->dir, "film.mp4", NULL);
  char            *err = NULL;

  g_assert_true (
      g_file_set_contents (pdf, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", -1, NULL));
  g_assert_true (g_file_set_contents (notes, "Bring the red scarf.\n", -1, NULL));
  g_assert_true (g_file_set_contents (plain_file, "not a folder\n", -1, NULL));

  /* A script where a project belongs: how to make one of it. */
  g_assert_cmpint (run (fixture, NULL, &err, "inspect", fixture->script, NULL), ==, 1);
  assert_one_line_failure (err);
  assert_contains (err, "is a script");
  assert_contains (err, "storyreel import");
  assert_lacks (err, "New Project");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (
      run (fixture, NULL, NULL, "new", project, "--resolution", "160x90", "--fps", "8", NULL), ==,
      0);
  g_assert_cmpint (run (fixture, NULL, NULL, "import", project, fixture->script, NULL), ==, 0);

  /* A document is not a video or image; no plugin would read it. */
  g_assert_cmpint (run (fixture, NULL, &err, "take", "import", project, "1A", pdf, NULL), ==, 1);
  assert_one_line_failure (err);
  assert_contains (err, "“call-sheet.pdf” is not a video or image");
  assert_lacks (err, "GStreamer");
  assert_lacks (err, "plugin");
  g_clear_pointer (&err, g_free);

  /* Music that is no sound is called the music, not a take. */
  g_assert_cmpint (run (fixture, NULL, &err, "export", project, "-o", film, "--music", notes, NULL),
                   ==, 1);
  assert_one_line_failure (err);
  assert_contains (err, "music “notes.txt”");
  assert_lacks (err, "take");
  g_assert_false (g_file_test (film, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (
      run (fixture, NULL, &err, "render", fixture->script, "-o", film, "--music", notes, NULL), ==,
      1);
  assert_one_line_failure (err);
  assert_contains (err, "music “notes.txt”");
  g_clear_pointer (&err, g_free);

  /* A film that cannot be written: about the film, not the project's
   * database, and before any take is made. */
  g_assert_cmpint (run (fixture, NULL, &err, "render", fixture->script, "-o", under_file, NULL), ==,
                   1);
  assert_one_line_failure (err);
  assert_contains (err, "film");
  assert_lacks (err, "database");
  assert_lacks (err, "Generating");
  g_clear_pointer (&err, g_free);

  /* GLib writes through a temporary; its name is not the user's business. */
  g_assert_cmpint (run (fixture, NULL, &err, "export", project, "-o", otio_under_file, NULL), ==,
                   1);
  assert_one_line_failure (err);
  assert_contains (err, "film.otio");
  assert_no_temporary_name (err);
  g_clear_pointer (&err, g_free);
}

/* A folder the user cannot write to: the film or project is named, with
 * the reason, never SQLite's “unable to open database file”. Root writes
 * anywhere, so this needs an ordinary user. */
static void
test_read_only_folder (Fixture *fixture, gconstpointer data)
{
  g_autofree char *read_only = g_build_filename (fixture->dir, "read-only", NULL);
  g_autofree char *film = g_build_filename (read_only, "film.mp4", NULL);
  g_autofree char *project = g_build_filename (read_only, "Ferry", NULL);
  g_autofree char *kept = g_build_filename (fixture->dir, "ferry.storyreel", NULL);
  char            *err = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root can write to a read-only folder");
      return;
    }
  g_assert_cmpint (g_mkdir (read_only, 0555), ==, 0);

  g_assert_cmpint (run (fixture, NULL, &err, "render", fixture->script, "-o", film, NULL), ==, 1);
  assert_one_line_failure (err);
  assert_contains (err, "The film cannot be written to");
  assert_contains (err, "read-only");
  assert_lacks (err, "database");
  g_clear_pointer (&err, g_free);
  /* Nothing was made for a film that could not be written. */
  g_assert_false (g_file_test (kept, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run (fixture, NULL, &err, "new", project, NULL), ==, 1);
  assert_one_line_failure (err);
  assert_contains (err, "Ferry.storyreel");
  assert_contains (err, "read-only");
  assert_lacks (err, "database");
  g_clear_pointer (&err, g_free);
}

/* How many subtitle tracks the film at @path has. */
static guint
count_subtitle_tracks (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = gst_discoverer_new (30 * GST_SECOND, &error);
  g_autoptr (GstDiscovererInfo) info = NULL;
  g_autofree char *uri = gst_filename_to_uri (path, &error);
  GList           *tracks;
  guint            count;

  g_assert_no_error (error);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  tracks = gst_discoverer_info_get_subtitle_streams (info);
  count = g_list_length (tracks);
  gst_discoverer_stream_info_list_free (tracks);
  return count;
}

/* The window's caption mode when nobody changed it: the schema's default. */
static char *
dup_schema_caption_mode (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsSchemaKey) key = NULL;
  g_autoptr (GVariant) value = NULL;

  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  g_assert_nonnull (schema);
  key = g_settings_schema_get_key (schema, "caption-mode");
  value = g_settings_schema_key_get_default_value (key);
  return g_variant_dup_string (value, NULL);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* `storyreel render ferry.fountain -o out/film.mp4`: the project stays
 * beside the script and out/ holds the film and its sidecars only, named
 * after the film, so a WebM exported beside it keeps them. */
static void
test_render_places_files (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out_dir = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *film = g_build_filename (out_dir, "film.mp4", NULL);
  g_autofree char *webm = g_build_filename (out_dir, "film.webm", NULL);
  g_autofree char *project = g_build_filename (fixture->dir, "ferry.storyreel", NULL);
  g_autofree char *mp4_srt = g_strconcat (film, ".srt", NULL);
  g_autofree char *webm_srt = g_strconcat (webm, ".srt", NULL);
  g_autofree char *mp4_srt_text = NULL;
  g_autofree char *mp4_srt_after = NULL;
  g_autofree char *caption_mode = dup_schema_caption_mode ();
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GFile) file = NULL;
  g_autoptr (ReelProject) opened = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  const char      *name;

  /* A small frame keeps the test quick; render uses the project it finds. */
  g_assert_cmpint (
      run (fixture, NULL, NULL, "new", project, "--resolution", "160x90", "--fps", "8", NULL), ==,
      0);

  g_assert_cmpint (run (fixture, NULL, &err, "render", fixture->script, "-o", film, NULL), ==, 0);
  assert_contains (err, "Wrote ");
  g_assert_true (g_file_test (film, G_FILE_TEST_IS_REGULAR));

  dir = g_dir_open (out_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "film.mp4");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "film.mp4.srt");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "film.mp4.vtt");

  file = g_file_new_for_path (project);
  opened = reel_project_open (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (opened)), ==, 3);
  g_clear_object (&opened);

  /* As the window exports: soft captions are a subtitle track. */
  g_assert_cmpuint (count_subtitle_tracks (film), ==, g_str_equal (caption_mode, "soft") ? 1 : 0);

  g_assert_true (g_file_get_contents (mp4_srt, &mp4_srt_text, NULL, &error));
  assert_contains (mp4_srt_text, "Home at last.");
  g_assert_cmpint (run (fixture, NULL, NULL, "export", project, "-o", webm, NULL), ==, 0);
  g_assert_true (g_file_test (webm_srt, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (mp4_srt, &mp4_srt_after, NULL, &error));
  g_assert_cmpstr (mp4_srt_after, ==, mp4_srt_text);
}

/* The command line reads the window's "caption-mode" setting, and falls
 * back on the schema's default when there is no schema. */
static void
test_caption_mode_setting (Fixture *fixture, gconstpointer data)
{
  g_autofree char *project = g_build_filename (fixture->dir, "ferry.storyreel", NULL);
  g_autofree char *config = g_build_filename (fixture->dir, "config", NULL);
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autofree char *no_schemas = g_build_filename (fixture->dir, "no-schemas", NULL);
  g_autofree char *off_film = g_build_filename (fixture->dir, "off.mp4", NULL);
  g_autofree char *soft_film = g_build_filename (fixture->dir, "soft.mp4", NULL);
  g_autofree char *bare_film = g_build_filename (fixture->dir, "bare.mp4", NULL);
  g_autofree char *caption_mode = dup_schema_caption_mode ();
  g_autofree char *config_env = g_strconcat ("XDG_CONFIG_HOME=", config, NULL);
  g_autofree char *no_schemas_env = g_strconcat ("GSETTINGS_SCHEMA_DIR=", no_schemas, NULL);
  const char      *keyfile_env[] = { "GSETTINGS_BACKEND=keyfile", config_env, NULL };
  const char      *bare_env[] = { no_schemas_env, NULL };

  g_assert_cmpint (
      run (fixture, NULL, NULL, "new", project, "--resolution", "160x90", "--fps", "8", NULL), ==,
      0);
  g_assert_cmpint (run (fixture, NULL, NULL, "import", project, fixture->script, NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "generate", project, NULL), ==, 0);

  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (keyfile,
                                      "[io/github/storyreel/Storyreel]\n"
                                      "caption-mode='off'\n",
                                      -1, NULL));
  g_assert_cmpint (run_with (fixture, keyfile_env, NULL, NULL, "export", project, "-o", off_film,
                             "--no-sidecars", NULL),
                   ==, 0);
  g_assert_cmpuint (count_subtitle_tracks (off_film), ==, 0);

  g_assert_true (g_file_set_contents (keyfile,
                                      "[io/github/storyreel/Storyreel]\n"
                                      "caption-mode='soft'\n",
                                      -1, NULL));
  g_assert_cmpint (run_with (fixture, keyfile_env, NULL, NULL, "export", project, "-o", soft_film,
                             "--no-sidecars", NULL),
                   ==, 0);
  g_assert_cmpuint (count_subtitle_tracks (soft_film), ==, 1);

  g_assert_cmpint (g_mkdir (no_schemas, 0755), ==, 0);
  g_assert_cmpint (run_with (fixture, bare_env, NULL, NULL, "export", project, "-o", bare_film,
                             "--no-sidecars", NULL),
                   ==, 0);
  g_assert_cmpuint (count_subtitle_tracks (bare_film), ==,
                    g_str_equal (caption_mode, "soft") ? 1 : 0);
}

/* `storyreel render lesson.fountain --vars pupils.csv -o films/`: one film
 * per pupil, named from the "name" column, the projects kept beside the
 * script; the shared shots are generated once, and a second run generates
 * nothing. */
static void
test_render_vars (Fixture *fixture, gconstpointer data)
{
  g_autofree char  *script = g_build_filename (fixture->dir, "lesson.fountain", NULL);
  g_autofree char  *project = g_build_filename (fixture->dir, "lesson.storyreel", NULL);
  g_autofree char  *pupils = g_build_filename (fixture->dir, "pupils.csv", NULL);
  g_autofree char  *wrong = g_build_filename (fixture->dir, "wrong.csv", NULL);
  g_autofree char  *films = g_build_filename (fixture->dir, "films", NULL);
  g_autofree char  *personal = g_build_filename (fixture->dir, "lesson.personal", NULL);
  g_autofree char  *err = NULL;
  const char *const names[] = { "01-Anna.mp4", "02-李明.mp4", "03-Sam.mp4" };

  g_assert_true (g_file_set_contents (script,
                                      "INT. CLASSROOM - DAY\n\nThe door opens.\n\n"
                                      "{name} waves hello.\n\nThe bell rings.\n",
                                      -1, NULL));
  g_assert_true (
      g_file_set_contents (pupils, "name,pet\r\nAnna,cat\r\n李明,猫\r\nSam,dog\r\n", -1, NULL));
  g_assert_true (g_file_set_contents (wrong, "pupil\nAnna\n", -1, NULL));
  g_assert_cmpint (
      run (fixture, NULL, NULL, "new", project, "--resolution", "160x90", "--fps", "8", NULL), ==,
      0);

  g_assert_cmpint (
      run (fixture, NULL, &err, "render", script, "--name-column", "name", "-o", films, NULL), ==,
      2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, NULL, &err, "render", script, "--vars", wrong, "-o", films, NULL),
                   ==, 1);
  assert_one_line_failure (err);
  assert_contains (err, "{name}");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "render", script, "--vars", pupils, "-o", films, NULL),
                   ==, 0);
  assert_contains (err, "3 films: generating 2 shared shots once and 3 personal shots; 4 shots "
                        "reuse a take.");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *film = g_build_filename (films, names[i], NULL);
      g_autofree char *film_project
          = g_strdup_printf ("%s/%.*s.storyreel", personal, (int) strlen (names[i]) - 4, names[i]);

      assert_contains (err, film);
      g_assert_true (g_file_test (film, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_test (film_project, G_FILE_TEST_IS_REGULAR));
    }
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, NULL, &err, "render", script, "--vars", pupils, "-o", films, NULL),
                   ==, 0);
  assert_contains (err, "generating 0 shared shots once and 0 personal shots");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cli/files/unknown-command", test_unknown_command);
  ADD ("/cli/files/window-or-command", test_window_or_command);
  ADD ("/cli/files/new-names-project", test_new_names_project);
  ADD ("/cli/files/error-messages", test_error_messages);
  ADD ("/cli/files/read-only-folder", test_read_only_folder);
  ADD ("/cli/files/render-places-files", test_render_places_files);
  ADD ("/cli/files/caption-mode-setting", test_caption_mode_setting);
  ADD ("/cli/files/render-vars", test_render_vars);
#undef ADD

  return g_test_run ();
}
