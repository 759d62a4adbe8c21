/* test-cli-safety.c: the command line says why a blocked shot was not made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "reel-test-utils.h"

static const char script[] = "INT. ROOM - DAY\n\nA cat sleeps.\n\n"
                             "A poster reads Ｐ Ｏ Ｒ Ｎ.\n";

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
  fixture->script = g_build_filename (fixture->dir, "Poster.fountain", NULL);
  g_assert_true (g_file_set_contents (fixture->script, script, -1, NULL));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->binary);
  g_free (fixture->script);
}

static void
assert_reason (const char *err)
{
  g_test_message ("storyreel said: %s", err);
  g_assert_nonnull (strstr (err, "1B: Blocked before sending: “porn” (explicit sexual content)"));
}

/* generate fails, naming the shot, the term and why; the other take is made. */
static void
test_generate (Fixture *fixture, gconstpointer data)
{
  g_autofree char *project = g_build_filename (fixture->dir, "Poster.storyreel", NULL);
  const char      *new_argv[] = { fixture->binary, "new", project, NULL };
  const char      *import_argv[] = { fixture->binary, "import", project, fixture->script, NULL };
  const char      *generate_argv[] = { fixture->binary, "generate", project, NULL };
  const char      *takes_argv[] = { fixture->binary, "take", "list", project, "1A", NULL };
  g_autofree char *err = NULL;
  g_autofree char *takes = NULL;

  g_assert_cmpint (reel_test_spawn (new_argv, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (reel_test_spawn (import_argv, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (reel_test_spawn (generate_argv, NULL, NULL, &err), ==, 1);
  assert_reason (err);
  g_assert_nonnull (strstr (err, "1 of 2 takes failed"));
  /* The shot that passed has its take. */
  g_assert_cmpint (reel_test_spawn (takes_argv, NULL, &takes, NULL), ==, 0);
  g_assert_nonnull (strstr (takes, "animatic"));
}

/* render makes no film, and says why. */
static void
test_render (Fixture *fixture, gconstpointer data)
{
  g_autofree char *film = g_build_filename (fixture->dir, "Poster.mp4", NULL);
  const char      *argv[]
      = { fixture->binary, "render", fixture->script, "-o", film, "-b", "animatic", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (reel_test_spawn (argv, NULL, NULL, &err), ==, 1);
  assert_reason (err);
  g_assert_false (g_file_test (film, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-safety-XXXXXX", NULL);
  int              status;

  /* No user blocklist: the shipped one alone. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/safety/generate", Fixture, NULL, fixture_set_up, test_generate,
              fixture_tear_down);
  g_test_add ("/cli/safety/render", Fixture, NULL, fixture_set_up, test_render, fixture_tear_down);

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
