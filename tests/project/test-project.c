/* test-project.c: opening, creating, refusing and migrating project files; large re-breakdowns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "reel-project-jobs.h"
#include "reel-project-ledger.h"
#include "reel-project.h"
#include "reel-test-utils.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = reel_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "Film.storyreel", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static ReelProject *
create_project (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  ReelProject *project = reel_project_create (file, "My Film", &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static ReelProject *
open_project (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  return reel_project_open (file, error);
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

static char *
query_text (const char *path, const char *sql)
{
  sqlite3      *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char         *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

static void
test_create_and_reopen (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autofree char *journal = NULL;
  g_autofree char *aspect = NULL;
  guint            width, height;

  g_assert_cmpstr (reel_project_get_title (project), ==, "My Film");
  g_assert_true (reel_project_set_resolution (project, 1920, 1080, &error));
  g_assert_no_error (error);
  g_assert_true (reel_project_set_fps (project, 25, &error));
  g_assert_true (reel_project_set_default_shot_duration (project, 3.5, &error));
  g_assert_true (reel_project_set_language (project, "zh_CN", &error));
  g_assert_true (reel_project_set_script (project, "INT. ROOM - DAY\n\nA cat sleeps.\n", &error));
  g_assert_no_error (error);

  /* While open, the database is in WAL mode. */
  journal = query_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");

  g_clear_object (&project);
  project = open_project (fixture->path, &error);
  g_assert_no_error (error);

  reel_project_get_resolution (project, &width, &height);
  g_assert_cmpuint (width, ==, 1920);
  g_assert_cmpuint (height, ==, 1080);
  aspect = reel_project_dup_aspect_ratio (project);
  g_assert_cmpstr (aspect, ==, "16:9");
  g_assert_cmpuint (reel_project_get_fps (project), ==, 25);
  g_assert_cmpfloat_with_epsilon (reel_project_get_default_shot_duration (project), 3.5, 1e-9);
  g_assert_cmpstr (reel_project_get_language (project), ==, "zh_CN");
  g_assert_cmpstr (reel_project_get_script (project), ==, "INT. ROOM - DAY\n\nA cat sleeps.\n");
  g_assert_cmpstr (reel_project_get_title (project), ==, "My Film");
}

static void
test_create_refuses_existing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autoptr (GFile) file = g_file_new_for_path (fixture->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) again = reel_project_create (file, NULL, &error);

  g_assert_null (again);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_EXISTS);
}

static void
test_shot_survives_restart (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autoptr (ReelShot) shot = NULL;
  gint64 id;

  g_assert_true (reel_project_set_script (
      project, "EXT. FIELD - DAY\n\nA kite rises.\n\nIt falls.\n", &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (project)), ==, 2);

  shot = g_list_model_get_item (reel_project_get_shots (project), 1);
  id = reel_shot_get_id (shot);
  g_assert_true (reel_project_set_shot_text (project, id, "It falls into a tree.", &error));
  g_assert_true (reel_project_set_shot_duration (project, id, 6.5, &error));
  g_assert_true (reel_project_set_shot_camera (project, id, REEL_CAMERA_TILT_DOWN, &error));
  g_assert_no_error (error);
  g_clear_object (&shot);

  /* No save step: closing (or being killed) keeps every committed edit. */
  g_clear_object (&project);
  project = open_project (fixture->path, &error);
  g_assert_no_error (error);

  shot = g_object_ref (reel_project_lookup_shot (project, id));
  g_assert_cmpstr (reel_shot_get_text (shot), ==, "It falls into a tree.");
  g_assert_cmpfloat_with_epsilon (reel_shot_get_duration (shot), 6.5, 1e-9);
  g_assert_cmpint (reel_shot_get_camera (shot), ==, REEL_CAMERA_TILT_DOWN);
  g_assert_cmpstr (reel_shot_get_number (shot), ==, "1B");
}

static void
test_invalid_values (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autoptr (GError) error = NULL;

  g_assert_false (reel_project_set_fps (project, 0, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (reel_project_set_resolution (project, 1279, 720, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (reel_project_set_shot_text (project, 4242, "x", &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND);
  g_assert_cmpuint (reel_project_get_fps (project), ==, 24);
  g_assert_false (reel_project_can_undo (project));
}

static void
assert_refused_unchanged (const char *path, int expected_code)
{
  g_autofree char *before = reel_test_sha256_file (path);
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = open_project (path, &error);

  g_assert_null (project);
  g_assert_error (error, REEL_PROJECT_ERROR, expected_code);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_test_message ("Refused with: %s", error->message);

  after = reel_test_sha256_file (path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_refuse_foreign_sqlite (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "contacts.storyreel", NULL);

  exec_sql (path, "CREATE TABLE contacts (name TEXT, phone TEXT);"
                  "INSERT INTO contacts VALUES ('Ada', '123');");
  assert_refused_unchanged (path, REEL_PROJECT_ERROR_NOT_A_PROJECT);
}

static void
test_refuse_not_sqlite (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "notes.storyreel", NULL);

  g_assert_true (g_file_set_contents (path, "INT. HOUSE - DAY\n\nJust a script.\n", -1, NULL));
  assert_refused_unchanged (path, REEL_PROJECT_ERROR_NOT_A_PROJECT);
}

static void
test_refuse_corrupt (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize            length;

  g_assert_true (reel_project_set_script (project, "INT. A - DAY\n\nSomething happens.\n", &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_clear_object (&project);

  /* Scribble over every page after the header page: the tables are gone. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8192);
  for (gsize i = 4096; i < length; i++)
    contents[i] = (char) (i * 7 + 13);
  g_assert_true (g_file_set_contents (fixture->path, contents, length, NULL));

  assert_refused_unchanged (fixture->path, REEL_PROJECT_ERROR_CORRUPT);
}

static void
test_refuse_truncated (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autofree char *contents = NULL;
  gsize            length;

  g_clear_object (&project);
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (fixture->path, contents, 100, NULL));

  assert_refused_unchanged (fixture->path, REEL_PROJECT_ERROR_CORRUPT);
}

static void
test_refuse_newer (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = create_project (fixture->path);

  g_clear_object (&project);
  exec_sql (fixture->path, "PRAGMA user_version = 99");
  assert_refused_unchanged (fixture->path, REEL_PROJECT_ERROR_TOO_NEW);
}

static void
test_migrate_v1 (Fixture *fixture, gconstpointer data)
{
  g_autofree char *sql_path = reel_test_source_path ("tests/project/schema-v1.sql");
  g_autofree char *sql = NULL;
  g_autofree char *backup = g_strconcat (fixture->path, ".v1-backup", NULL);
  g_autofree char *version = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *scenes;
  ReelShot   *shot;
  GPtrArray  *captions;
  guint       width, height;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, NULL));
  exec_sql (fixture->path, sql);

  project = open_project (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);

  g_assert_cmpstr (reel_project_get_title (project), ==, "The Old Lighthouse");
  reel_project_get_resolution (project, &width, &height);
  g_assert_cmpuint (width, ==, 1920);
  g_assert_cmpuint (height, ==, 1080);
  g_assert_cmpuint (reel_project_get_fps (project), ==, 25);
  g_assert_true (g_str_has_prefix (reel_project_get_script (project), "INT. LIGHTHOUSE"));

  scenes = reel_project_get_scenes (project);
  g_assert_cmpuint (g_list_model_get_n_items (scenes), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (project)), ==, 3);

  /* Ids are kept, so anything that referred to a shot still does. */
  shot = reel_project_lookup_shot (project, 11);
  g_assert_nonnull (shot);
  g_assert_cmpstr (reel_shot_get_text (shot), ==, "The lamp turns.");
  g_assert_cmpint (reel_shot_get_camera (shot), ==, REEL_CAMERA_PUSH_IN);
  g_assert_cmpfloat_with_epsilon (reel_shot_get_duration (shot), 3.5, 1e-9);
  g_assert_cmpstr (reel_shot_get_number (shot), ==, "1A");
  captions = reel_shot_get_captions (shot);
  g_assert_cmpuint (captions->len, ==, 2);
  g_assert_cmpstr (((ReelCaption *) captions->pdata[0])->speaker, ==, "KEEPER");
  g_assert_cmpstr (((ReelCaption *) captions->pdata[0])->text, ==, "Another night.");
  g_assert_true (((ReelCaption *) captions->pdata[1])->parenthetical);
  g_assert_cmpstr (((ReelCaption *) captions->pdata[1])->text, ==, "whispering");

  shot = reel_project_lookup_shot (project, 13);
  g_assert_cmpstr (reel_shot_get_number (shot), ==, "2AA");
  captions = reel_shot_get_captions (shot);
  g_assert_cmpuint (captions->len, ==, 1);
  g_assert_null (((ReelCaption *) captions->pdata[0])->speaker);

  /* The original was kept, and the file is now version 2 with new features working. */
  g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));
  g_assert_true (reel_project_add_character (project, "KEEPER", "an old man", &error) > 0);
  g_assert_no_error (error);
  g_clear_object (&project);
  version = query_text (fixture->path, "PRAGMA user_version");
  g_assert_cmpint (atoi (version), ==, REEL_PROJECT_SCHEMA_VERSION);

  project = open_project (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reel_project_get_shots (project)), ==, 3);
}

static gint64
query_int (const char *path, const char *sql)
{
  g_autofree char *text = query_text (path, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

/* Version 3 deleted a shot's jobs with it; version 4 keeps them, shot-less.
 * The jobs table is rebuilt for that, and must come through whole: its
 * rows with their ids, and its sequence, so that no job id is given twice
 * (takes and the ledger name them). */
static void
test_migrate_v3 (Fixture *fixture, gconstpointer data)
{
  g_autofree char *sql_path = reel_test_source_path ("tests/project/schema-v3.sql");
  g_autofree char *sql = NULL;
  g_autofree char *backup = g_strconcat (fixture->path, ".v3-backup", NULL);
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelJobRecord) done = NULL;
  g_autoptr (ReelJobRecord) running = NULL;
  g_autoptr (ReelJobRecord) orphan = NULL;
  g_autoptr (ReelJobRecord) queued = reel_job_record_new ();
  g_autoptr (GPtrArray) new_jobs = g_ptr_array_new ();
  g_autoptr (GPtrArray) ledger = NULL;
  g_autoptr (ReelTake) take = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, NULL));
  exec_sql (fixture->path, sql);
  project = open_project (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));

  /* Every job is there as it was. */
  done = reel_project_get_job (project, 7);
  g_assert_nonnull (done);
  g_assert_cmpint (done->shot_id, ==, 21);
  g_assert_cmpint (done->state, ==, REEL_JOB_DONE);
  g_assert_cmpint (done->take_id, ==, 4);
  g_assert_cmpstr (done->remote_id, ==, "task-ferry-leaves");
  running = reel_project_get_job (project, 12);
  g_assert_nonnull (running);
  g_assert_cmpint (running->shot_id, ==, 22);
  g_assert_cmpint (running->state, ==, REEL_JOB_RUNNING);
  g_assert_cmpstr (running->resume, ==, "{\"request_id\":\"request-ferry-sinks\"}");
  take = reel_project_get_take (project, 4);
  g_assert_nonnull (take);
  g_assert_cmpint (take->job_id, ==, 7);

  /* Jobs 13 to 15 were cleared before: the next job is 16. */
  queued->shot_id = 21;
  queued->backend = g_strdup ("animatic");
  g_ptr_array_add (new_jobs, queued);
  g_assert_true (reel_project_queue_jobs (project, new_jobs, &error));
  g_assert_no_error (error);
  g_assert_cmpint (queued->id, ==, 16);

  /* Deleting the shot of a running job keeps the job, and its charges. */
  g_assert_true (reel_project_delete_shot (project, 22, &error));
  g_assert_no_error (error);
  orphan = reel_project_get_job (project, 12);
  g_assert_nonnull (orphan);
  g_assert_cmpint (orphan->shot_id, ==, 0);
  g_assert_cmpstr (orphan->remote_id, ==, "request-ferry-sinks");
  g_assert_true (reel_project_delete_shot (project, 21, &error));
  g_assert_no_error (error);
  g_clear_pointer (&done, reel_job_record_free);
  done = reel_project_get_job (project, 7);
  g_assert_nonnull (done);
  ledger = reel_project_list_ledger (project);
  g_assert_cmpuint (ledger->len, ==, 1);
  g_assert_cmpint (((ReelLedgerEntry *) ledger->pdata[0])->job_id, ==, 7);

  g_clear_object (&project);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   REEL_PROJECT_SCHEMA_VERSION);
  g_assert_cmpint (query_int (fixture->path, "SELECT seq FROM sqlite_sequence WHERE name = 'jobs'"),
                   ==, 16);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM pragma_foreign_key_check"), ==,
                   0);
  project = open_project (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);
}

/* A board image a service was paid for is a charge like a clip. */
static void
test_paid_board_image_charged (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autoptr (GPtrArray) ledger = NULL;
  g_autoptr (GError) error = NULL;
  ReelTake         take = { 0 };
  ReelLedgerEntry *entry;
  g_autoptr (ReelShot) shot = NULL;

  g_assert_true (reel_project_set_script (project, "EXT. FIELD - DAY\n\nA kite rises.\n", &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  shot = g_list_model_get_item (reel_project_get_shots (project), 0);

  take.shot_id = reel_shot_get_id (shot);
  take.kind = (char *) "image";
  take.backend = (char *) "fal";
  take.media = (char *) "boards/kite.png";
  take.cost = 0.04;
  take.currency = (char *) "USD";
  g_assert_true (reel_project_add_take (project, &take, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (reel_shot_get_board_image (shot), ==, "boards/kite.png");
  ledger = reel_project_list_ledger (project);
  g_assert_cmpuint (ledger->len, ==, 1);
  entry = g_ptr_array_index (ledger, 0);
  g_assert_cmpint (entry->take_id, ==, take.id);
  g_assert_cmpfloat_with_epsilon (entry->amount, 0.04, 1e-9);
  g_assert_cmpfloat_with_epsilon (reel_project_get_spent (project, "USD"), 0.04, 1e-9);
}

/* A version 1 project whose last change, a new title, was committed but is
 * still only in its -wal file, as a crash leaves it. */
static void
make_v1_with_change_in_wal (const char *path)
{
  g_autofree char *sql_path = reel_test_source_path ("tests/project/schema-v1.sql");
  g_autofree char *sql = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *main_only = g_strconcat (path, ".main-only", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *title = NULL;
  gsize            length;
  sqlite3         *db = NULL;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, NULL));
  exec_sql (path, sql);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* Closing would otherwise move the change into the main file. */
  g_assert_cmpint (sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA journal_mode = WAL;"
                                 "UPDATE project SET title = 'The Lighthouse, Relit'",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  /* The main file alone still has the old title. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (main_only, contents, length, NULL));
  title = query_text (main_only, "SELECT title FROM project");
  g_assert_cmpstr (title, ==, "The Old Lighthouse");
  g_unlink (main_only);
}

/* The backup kept before a migration is a whole database of the version it
 * was, holding everything that was committed. */
static void
assert_backup_complete (const char *backup)
{
  g_autofree char *backup_wal = g_strconcat (backup, "-wal", NULL);
  sqlite3         *db = NULL;
  sqlite3_stmt    *stmt = NULL;
  int              rc;

  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  /* It stands alone: nothing of it is in a -wal file beside it. */
  g_assert_false (g_file_test (backup_wal, G_FILE_TEST_EXISTS));

  g_assert_cmpint (sqlite3_open_v2 (backup, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  rc = sqlite3_prepare_v2 (db,
                           "SELECT title, (SELECT user_version FROM pragma_user_version), "
                           "(SELECT integrity_check FROM pragma_integrity_check) FROM project",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_error ("The backup cannot be read: %s", sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "The Lighthouse, Relit");
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 1);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
assert_no_temporaries (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (listing)) != NULL)
    if (strstr (name, ".saving-") != NULL)
      g_error ("A temporary was left behind: %s", name);
}

/* A crash before the migration loses nothing: the backup taken first holds
 * the changes that were only in the -wal file. */
static void
test_migrate_backup_holds_wal (Fixture *fixture, gconstpointer data)
{
  g_autofree char *backup = g_strconcat (fixture->path, ".v1-backup", NULL);
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;

  make_v1_with_change_in_wal (fixture->path);
  project = open_project (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reel_project_get_title (project), ==, "The Lighthouse, Relit");

  assert_backup_complete (backup);
  assert_no_temporaries (fixture->dir);
}

/* What a crash in the middle of an earlier backup left, the backup cut
 * short under its final name and a temporary, does not count as a backup:
 * the next migration keeps a whole one. */
static void
test_migrate_backup_after_crash (Fixture *fixture, gconstpointer data)
{
  g_autofree char *backup = g_strconcat (fixture->path, ".v1-backup", NULL);
  g_autofree char *temporary
      = g_strdup_printf ("%s.v1-backup.saving-%d", fixture->path, (int) getpid ());
  g_autofree char *contents = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;

  make_v1_with_change_in_wal (fixture->path);
  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (backup, contents, 1024, NULL));
  g_assert_true (g_file_set_contents (temporary, contents, 2048, NULL));

  project = open_project (fixture->path, &error);
  g_assert_no_error (error);

  assert_backup_complete (backup);
  assert_no_temporaries (fixture->dir);
}

static void
test_save_copy (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autoptr (ReelProject) copy = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *copy_path = g_build_filename (fixture->dir, "Copy.storyreel", NULL);
  g_autoptr (GFile) copy_file = g_file_new_for_path (copy_path);
  g_autofree char *original_json = NULL;
  g_autofree char *copy_json = NULL;

  g_assert_true (reel_project_set_script (project, "INT. A - DAY\n\nOne.\n\nTwo.\n", &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_true (reel_project_save_copy (project, copy_file, &error));
  g_assert_no_error (error);

  /* The original stays the open document; the copy opens on its own. */
  {
    g_autoptr (GFile) original = g_file_new_for_path (fixture->path);
    g_assert_true (g_file_equal (reel_project_get_file (project), original));
  }
  copy = open_project (copy_path, &error);
  g_assert_no_error (error);
  original_json = reel_project_to_json (project);
  copy_json = reel_project_to_json (copy);
  g_assert_cmpstr (original_json, ==, copy_json);
}

/* A previs-sized script, four shots a scene; @edited changes one word in every shot and swaps
 * scene 5 with scene 400. */
static char *
large_script (guint n_scenes, gboolean edited)
{
  static const char *const words[] = { "lamp", "window", "river", "engine", "orchard", "ladder" };
  GString                 *text = g_string_new (NULL);

  for (guint i = 0; i < n_scenes; i++)
    {
      guint scene = !edited ? i : i == 5 ? 400 : i == 400 ? 5 : i;

      g_string_append_printf (text, "INT. ROOM %u - DAY\n\n", scene);
      for (guint k = 0; k < 4; k++)
        g_string_append_printf (text, "Mara %s the %s number %u near the %s of hall %u.\n\n",
                                edited ? "drops" : "lifts", words[(scene + k) % 6], scene * 4 + k,
                                words[(scene * 4 + k) % 5], scene);
    }
  return g_string_free (text, FALSE);
}

static void
test_rebreakdown_large (Fixture *fixture, gconstpointer data)
{
  const guint n_scenes = 500;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = create_project (fixture->path);
  g_autofree char    *original = large_script (n_scenes, FALSE);
  g_autofree char    *edited = large_script (n_scenes, TRUE);
  g_autofree gint64  *ids = g_new (gint64, n_scenes * 4); /* by original shot */
  GListModel         *shots = reel_project_get_shots (project);
  ReelBreakdownReport report = { 0 };

  g_assert_true (reel_project_set_script (project, original, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, n_scenes * 4);
  for (guint i = 0; i < n_scenes * 4; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      ids[i] = reel_shot_get_id (shot);
    }

  /* Every shot edited, two scenes far apart swapped: each shot keeps its id, and so its takes. */
  g_assert_true (reel_project_set_script (project, edited, &error));
  g_assert_true (reel_project_break_down (project, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.changed, ==, n_scenes * 4);
  g_assert_cmpuint (report.added + report.removed + report.unchanged, ==, 0);
  for (guint i = 0; i < n_scenes * 4; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      guint scene = i / 4 == 5 ? 400 : i / 4 == 400 ? 5 : i / 4;

      g_assert_cmpint (reel_shot_get_id (shot), ==, ids[scene * 4 + i % 4]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/project/create-and-reopen", test_create_and_reopen);
  ADD ("/project/create-refuses-existing", test_create_refuses_existing);
  ADD ("/project/shot-survives-restart", test_shot_survives_restart);
  ADD ("/project/invalid-values", test_invalid_values);
  ADD ("/project/refuse/foreign-sqlite", test_refuse_foreign_sqlite);
  ADD ("/project/refuse/not-sqlite", test_refuse_not_sqlite);
  ADD ("/project/refuse/corrupt", test_refuse_corrupt);
  ADD ("/project/refuse/truncated", test_refuse_truncated);
  ADD ("/project/refuse/newer", test_refuse_newer);
  ADD ("/project/migrate-v1", test_migrate_v1);
  ADD ("/project/migrate-v3", test_migrate_v3);
  ADD ("/project/paid-board-image-charged", test_paid_board_image_charged);
  ADD ("/project/migrate/backup-holds-wal", test_migrate_backup_holds_wal);
  ADD ("/project/migrate/backup-after-crash", test_migrate_backup_after_crash);
  ADD ("/project/save-copy", test_save_copy);
  ADD ("/project/rebreakdown-large", test_rebreakdown_large);
#undef ADD

  return g_test_run ();
}
