/* test-cli-durable.c: what the user made survives a power cut
 *
 * A file replaced through a temporary is only safe from a power cut if the
 * temporary reaches the disk before the rename and the rename reaches it
 * after; otherwise the disk may keep the new name with no data behind it.
 * A power cut cannot be staged here, so these tests watch the system calls
 * the real binary makes, with strace: the film and its sidecars, the
 * storyboard PDF, a take in the media store and the backup kept before a
 * migration are each flushed, put in place, and their folder flushed after.
 * A machine without strace, or where it may not trace, skips them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "reel-test-utils.h"

static const char script_text[] = "INT. FERRY DECK - DAWN\n"
                                  "\n"
                                  "Gulls circle over the wake.\n"
                                  "\n"
                                  "ANNA\n"
                                  "We are nearly there.\n";

typedef struct
{
  char *dir;
  char *binary;
  char *project;
  char *trace;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = reel_test_make_tmpdir ();
  fixture->binary = reel_test_build_path ("app/storyreel");
  fixture->project = g_build_filename (fixture->dir, "ferry.storyreel", NULL);
  fixture->trace = g_build_filename (fixture->dir, "trace.txt", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->binary);
  g_free (fixture->project);
  g_free (fixture->trace);
}

typedef enum
{
  EVENT_OPEN_TO_WRITE,
  EVENT_SYNC,
  EVENT_RENAME, /* or a link: a new name for a file */
} EventKind;

typedef struct
{
  EventKind kind;
  char     *path; /* what was opened or synced; a rename's source */
  char     *to;   /* a rename's destination */
} Event;

static void
event_free (Event *event)
{
  g_free (event->path);
  g_free (event->to);
  g_free (event);
}

/* The quoted strings of @line, in order: a call's paths. */
static GPtrArray *
quoted_strings (const char *line)
{
  GPtrArray  *strings = g_ptr_array_new_with_free_func (g_free);
  const char *start;

  while ((start = strchr (line, '"')) != NULL)
    {
      const char *end = strchr (start + 1, '"');

      if (end == NULL)
        break;
      g_ptr_array_add (strings, g_strndup (start + 1, end - start - 1));
      line = end + 1;
    }
  return strings;
}

/* One line of `strace -f -y`: "PID call(args) = result", where -y writes a
 * file descriptor as 7</its/path>. NULL for lines that are none of ours. */
static Event *
parse_event (const char *line)
{
  const char *call = strchr (line, ' ');
  Event      *event = NULL;

  if (call == NULL || strstr (line, "resumed>") != NULL)
    return NULL;
  while (*call == ' ')
    call++;
  if (g_str_has_prefix (call, "fsync(") || g_str_has_prefix (call, "fdatasync("))
    {
      const char *open = strchr (call, '<');
      const char *close = open != NULL ? strchr (open, '>') : NULL;

      if (close == NULL)
        return NULL;
      event = g_new0 (Event, 1);
      event->kind = EVENT_SYNC;
      event->path = g_strndup (open + 1, close - open - 1);
    }
  else if (g_str_has_prefix (call, "rename") || g_str_has_prefix (call, "link"))
    {
      g_autoptr (GPtrArray) paths = quoted_strings (call);

      if (paths->len < 2 || strstr (call, ") = 0") == NULL)
        return NULL;
      event = g_new0 (Event, 1);
      event->kind = EVENT_RENAME;
      event->path = g_strdup (g_ptr_array_index (paths, 0));
      event->to = g_strdup (g_ptr_array_index (paths, 1));
    }
  else if (g_str_has_prefix (call, "open")
           && (strstr (call, "O_WRONLY") || strstr (call, "O_RDWR")))
    {
      g_autoptr (GPtrArray) paths = quoted_strings (call);

      if (paths->len < 1)
        return NULL;
      event = g_new0 (Event, 1);
      event->kind = EVENT_OPEN_TO_WRITE;
      event->path = g_strdup (g_ptr_array_index (paths, 0));
    }
  return event;
}

static GPtrArray *
read_events (const char *trace)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);

  g_assert_true (g_file_get_contents (trace, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      Event *event = parse_event (lines[i]);

      if (event != NULL)
        g_ptr_array_add (events, event);
    }
  return events;
}

/* Whether strace can trace here: it may be missing, or a container may
 * forbid ptrace. */
static char *
find_strace (void)
{
  g_autofree char *strace = g_find_program_in_path ("strace");

  if (strace != NULL)
    {
      const char *argv[] = { strace, "-f", "-o", "/dev/null", "true", NULL };

      if (reel_test_spawn (argv, NULL, NULL, NULL) == 0)
        return g_steal_pointer (&strace);
    }
  g_test_skip ("strace is not installed, or may not trace here");
  return NULL;
}

/* Runs `storyreel ARGS…` (NULL-terminated) under strace, and returns the
 * calls it made that put files in place, in order. */
static GPtrArray *
run_traced (Fixture *fixture, const char *strace, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *traced[] = { "-f",
                           "-qq",
                           "-y",
                           "-s",
                           "4096",
                           "--seccomp-bpf",
                           "-e",
                           "trace=open,openat,creat,fsync,fdatasync,rename,renameat,renameat2,"
                           "link,linkat",
                           "-o",
                           fixture->trace };
  const char *arg;
  va_list     args;

  g_ptr_array_add (argv, (gpointer) strace);
  for (guint i = 0; i < G_N_ELEMENTS (traced); i++)
    g_ptr_array_add (argv, (gpointer) traced[i]);
  g_ptr_array_add (argv, fixture->binary);
  va_start (args, strace);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_cmpint (reel_test_spawn ((const char *const *) argv->pdata, NULL, NULL, NULL), ==, 0);
  return read_events (fixture->trace);
}

/* @final was given its name by a rename (or a link) from a temporary that
 * was flushed to the disk after it was last opened for writing, and the
 * folder was flushed after the rename. */
static void
assert_put_in_place_durably (GPtrArray *events, const char *final)
{
  g_autofree char *folder = g_path_get_dirname (final);
  const char      *temporary = NULL;
  guint            renamed = 0, written = 0;
  gboolean         flushed = FALSE, folder_flushed = FALSE;

  for (guint i = 0; i < events->len && temporary == NULL; i++)
    {
      Event *event = g_ptr_array_index (events, i);

      if (event->kind == EVENT_RENAME && g_strcmp0 (event->to, final) == 0)
        {
          temporary = event->path;
          renamed = i;
        }
    }
  if (temporary == NULL)
    g_error ("%s was not put in place through a temporary", final);

  for (guint i = 0; i < renamed; i++)
    {
      Event *event = g_ptr_array_index (events, i);

      if (event->kind == EVENT_OPEN_TO_WRITE && g_str_equal (event->path, temporary))
        written = i;
    }
  for (guint i = written; i < events->len; i++)
    {
      Event *event = g_ptr_array_index (events, i);

      if (event->kind != EVENT_SYNC)
        continue;
      if (i < renamed && g_str_equal (event->path, temporary))
        flushed = TRUE;
      else if (i > renamed && g_str_equal (event->path, folder))
        folder_flushed = TRUE;
    }
  if (!flushed)
    g_error ("%s was put in place before it reached the disk", final);
  if (!folder_flushed)
    g_error ("%s was put in place, but its folder was not flushed to the disk", final);
}

static void
make_project (Fixture *fixture)
{
  g_autofree char *script = g_build_filename (fixture->dir, "ferry.fountain", NULL);
  const char      *new_argv[]
      = { fixture->binary, "new", fixture->project, "--resolution", "160x90", "--fps", "8", NULL };
  const char *import_argv[] = { fixture->binary, "import", fixture->project, script, NULL };

  g_assert_true (g_file_set_contents (script, script_text, -1, NULL));
  g_assert_cmpint (reel_test_spawn (new_argv, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (reel_test_spawn (import_argv, NULL, NULL, NULL), ==, 0);
}

/* The film and its subtitles, the storyboard, and the files for other
 * tools. */
static void
test_exports (Fixture *fixture, gconstpointer data)
{
  static const char *const formats[] = { "pdf", "otio", "fcpxml", "edl", "srt", "vtt" };
  g_autofree char         *strace = find_strace ();
  g_autofree char         *film = g_build_filename (fixture->dir, "film.mp4", NULL);
  g_autofree char         *srt = g_strconcat (film, ".srt", NULL);
  g_autofree char         *vtt = g_strconcat (film, ".vtt", NULL);
  g_autoptr (GPtrArray) events = NULL;

  if (strace == NULL)
    return;
  make_project (fixture);

  events = run_traced (fixture, strace, "export", fixture->project, "-o", film, NULL);
  assert_put_in_place_durably (events, film);
  assert_put_in_place_durably (events, srt);
  assert_put_in_place_durably (events, vtt);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strconcat ("cut.", formats[i], NULL);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_clear_pointer (&events, g_ptr_array_unref);
      events = run_traced (fixture, strace, "export", fixture->project, "-o", path, "--format",
                           formats[i], NULL);
      assert_put_in_place_durably (events, path);
    }
}

/* A take copied into the media store. */
static void
test_take_import (Fixture *fixture, gconstpointer data)
{
  g_autofree char *strace = find_strace ();
  g_autofree char *take = g_build_filename (fixture->dir, "take.mp4", NULL);
  g_autofree char *pipeline = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *stored = NULL;
  g_autoptr (GPtrArray) events = NULL;

  if (strace == NULL)
    return;
  make_project (fixture);
  pipeline = g_strdup_printf ("videotestsrc num-buffers=8 ! video/x-raw,width=160,height=90,"
                              "framerate=8/1 ! x264enc ! mp4mux ! filesink location=\"%s\"",
                              take);
  reel_test_run_pipeline (pipeline);
  sha256 = reel_test_sha256_file (take);

  events = run_traced (fixture, strace, "take", "import", fixture->project, "1A", take, NULL);
  stored = g_strdup_printf ("%s/ferry.media/%.2s/%s.mp4", fixture->dir, sha256, sha256);
  g_assert_true (g_file_test (stored, G_FILE_TEST_IS_REGULAR));
  assert_put_in_place_durably (events, stored);
}

/* The backup kept before a migration. */
static void
test_migration_backup (Fixture *fixture, gconstpointer data)
{
  g_autofree char *strace = find_strace ();
  g_autofree char *sql_path = reel_test_source_path ("tests/project/schema-v1.sql");
  g_autofree char *sql = NULL;
  g_autofree char *backup = g_strconcat (fixture->project, ".v1-backup", NULL);
  g_autoptr (GPtrArray) events = NULL;
  sqlite3 *db = NULL;

  if (strace == NULL)
    return;
  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, NULL));
  g_assert_cmpint (sqlite3_open (fixture->project, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  events = run_traced (fixture, strace, "inspect", fixture->project, "--json", NULL);
  assert_put_in_place_durably (events, backup);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cli/durable/exports", test_exports);
  ADD ("/cli/durable/take-import", test_take_import);
  ADD ("/cli/durable/migration-backup", test_migration_backup);
#undef ADD

  return g_test_run ();
}
