/* reel-project-schema.c: the project file's schema and its forward migrations
 *
 * The schema version is PRAGMA user_version. Version 1 was the first file
 * format: settings, script, scenes and shots with their dialogue as text.
 * Version 2 adds captions as rows, characters, styles, takes, jobs, the cut,
 * music, markers and the spending ledger. Version 3 adds what remote
 * generation needs: a job's resume state, what the service reported about a
 * take (the prompt it used, its usage, the seconds it billed), the usage
 * behind a ledger entry, and a project budget. Version 4 keeps a job when
 * its shot is deleted (jobs.shot_id becomes NULL rather than the row going):
 * a paid task whose shot is gone still has a row to record its charge on,
 * and indexes the foreign keys that deleting shots and takes looks up.
 * Version 5 adds prompt craft: a character's aliases, pronoun, reference
 * image and voice, and the project's style, negative prompt and prompt
 * template, and the fields of a shot the user edited (shot_fields). A
 * shot's prompt override is the shots.prompt column version 2 already has
 * (NULL: the prompt is made from the template).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-project-private.h"

/* Everything version 2 adds to version 1, shared by creation and migration. */
static const char schema_v2_tables[]
    = "CREATE TABLE captions ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  shot_id INTEGER NOT NULL REFERENCES shots (id) ON DELETE CASCADE,"
      "  position INTEGER NOT NULL DEFAULT 0,"
      "  speaker TEXT,"
      "  text TEXT NOT NULL DEFAULT '',"
      "  parenthetical INTEGER NOT NULL DEFAULT 0,"
      "  cue_start REAL,"   /* set by hand in the timeline, else derived */
      "  cue_duration REAL" /* set by hand, else from reading speed */
      ");"
      "CREATE INDEX captions_by_shot ON captions (shot_id, position);"
      "CREATE TABLE characters ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  name TEXT NOT NULL UNIQUE,"
      "  description TEXT NOT NULL DEFAULT ''"
      ");"
      "CREATE TABLE styles ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  name TEXT NOT NULL UNIQUE,"
      "  prompt TEXT NOT NULL DEFAULT ''"
      ");"
      "CREATE TABLE takes ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  shot_id INTEGER NOT NULL REFERENCES shots (id) ON DELETE CASCADE,"
      "  job_id INTEGER,"
      "  kind TEXT NOT NULL DEFAULT 'video',"
      "  backend TEXT NOT NULL,"
      "  model TEXT,"
      "  prompt TEXT,"
      "  seed INTEGER,"
      "  params TEXT,"
      "  duration REAL,"
      "  width INTEGER,"
      "  height INTEGER,"
      "  fps REAL,"
      "  media TEXT,"
      "  media_sha256 TEXT,"
      "  thumbnail TEXT,"
      "  cost REAL NOT NULL DEFAULT 0,"
      "  currency TEXT,"
      "  created INTEGER NOT NULL DEFAULT 0"
      ");"
      "CREATE INDEX takes_by_shot ON takes (shot_id);"
      /* Jobs are not part of the undoable document: they record work done. */
      "CREATE TABLE jobs ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  shot_id INTEGER REFERENCES shots (id) ON DELETE CASCADE,"
      "  batch_id INTEGER,"
      "  backend TEXT NOT NULL,"
      "  model TEXT,"
      "  state TEXT NOT NULL DEFAULT 'queued',"
      "  priority INTEGER NOT NULL DEFAULT 0,"
      "  attempts INTEGER NOT NULL DEFAULT 0,"
      "  max_attempts INTEGER NOT NULL DEFAULT 5,"
      "  remote_id TEXT,"
      "  progress REAL NOT NULL DEFAULT 0,"
      "  message TEXT,"
      "  error_kind TEXT,"
      "  error TEXT,"
      "  seed INTEGER,"
      "  variant INTEGER NOT NULL DEFAULT 0,"
      "  request TEXT,"
      "  take_id INTEGER,"
      "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
      "  created INTEGER NOT NULL DEFAULT 0,"
      "  updated INTEGER NOT NULL DEFAULT 0"
      ");"
      "CREATE INDEX jobs_by_state ON jobs (state);"
      "CREATE INDEX jobs_by_shot ON jobs (shot_id);"
      "CREATE TABLE cut_items ("
      "  shot_id INTEGER PRIMARY KEY REFERENCES shots (id) ON DELETE CASCADE,"
      "  trim_in REAL NOT NULL DEFAULT 0,"
      "  trim_out REAL NOT NULL DEFAULT 0,"
      "  transition TEXT NOT NULL DEFAULT 'cut',"
      "  transition_duration REAL NOT NULL DEFAULT 0.5"
      ");"
      "CREATE TABLE music_tracks ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  position INTEGER NOT NULL DEFAULT 0,"
      "  name TEXT NOT NULL DEFAULT '',"
      "  media TEXT NOT NULL,"
      "  media_sha256 TEXT,"
      "  start_offset REAL NOT NULL DEFAULT 0,"
      "  volume REAL NOT NULL DEFAULT 1,"
      "  fade_in REAL NOT NULL DEFAULT 0,"
      "  fade_out REAL NOT NULL DEFAULT 0"
      ");"
      "CREATE TABLE markers ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  time REAL NOT NULL,"
      "  comment TEXT NOT NULL DEFAULT '',"
      "  shot_id INTEGER REFERENCES shots (id) ON DELETE SET NULL"
      ");"
      "CREATE TABLE ledger ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  job_id INTEGER,"
      "  take_id INTEGER,"
      "  backend TEXT NOT NULL,"
      "  amount REAL NOT NULL DEFAULT 0,"
      "  currency TEXT,"
      "  note TEXT,"
      "  created INTEGER NOT NULL DEFAULT 0"
      ");";

/* Everything version 4 changes in version 3, shared by creation and migration:
 * the jobs table is rebuilt, as SQLite cannot change a foreign key, with its
 * ids and its AUTOINCREMENT sequence kept (takes and the ledger name job
 * ids, which must never be reused). */
static const char schema_v4_jobs[]
    = "CREATE TEMP TABLE jobs_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'jobs';"
      "CREATE TABLE jobs_v4 ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  shot_id INTEGER REFERENCES shots (id) ON DELETE SET NULL,"
      "  batch_id INTEGER,"
      "  backend TEXT NOT NULL,"
      "  model TEXT,"
      "  state TEXT NOT NULL DEFAULT 'queued',"
      "  priority INTEGER NOT NULL DEFAULT 0,"
      "  attempts INTEGER NOT NULL DEFAULT 0,"
      "  max_attempts INTEGER NOT NULL DEFAULT 5,"
      "  remote_id TEXT,"
      "  progress REAL NOT NULL DEFAULT 0,"
      "  message TEXT,"
      "  error_kind TEXT,"
      "  error TEXT,"
      "  seed INTEGER,"
      "  variant INTEGER NOT NULL DEFAULT 0,"
      "  request TEXT,"
      "  take_id INTEGER,"
      "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
      "  created INTEGER NOT NULL DEFAULT 0,"
      "  updated INTEGER NOT NULL DEFAULT 0,"
      "  resume TEXT"
      ");"
      "INSERT INTO jobs_v4 SELECT id, shot_id, batch_id, backend, model, state, priority,"
      "  attempts, max_attempts, remote_id, progress, message, error_kind, error, seed, variant,"
      "  request, take_id, next_attempt_at, created, updated, resume FROM jobs;"
      "DROP TABLE jobs;"
      "ALTER TABLE jobs_v4 RENAME TO jobs;"
      "DELETE FROM sqlite_sequence WHERE name = 'jobs';"
      "INSERT INTO sqlite_sequence (name, seq)"
      "  SELECT 'jobs', max(ifnull((SELECT seq FROM temp.jobs_sequence), 0),"
      "                      ifnull((SELECT max(id) FROM jobs), 0));"
      "DROP TABLE temp.jobs_sequence;"
      "CREATE INDEX jobs_by_state ON jobs (state);"
      "CREATE INDEX jobs_by_shot ON jobs (shot_id);"
      /* Deleting a take or a shot looks these up row by row: without an
       * index, deleting the shots of a long script scans every shot for each
       * of their takes. */
      "CREATE INDEX shots_by_chosen_take ON shots (chosen_take_id);"
      "CREATE INDEX markers_by_shot ON markers (shot_id);";

/* Everything version 3 adds to version 2, shared by creation and migration. */
static const char schema_v3_additions[]
    = "ALTER TABLE jobs ADD COLUMN resume TEXT;" /* JSON the backend resumes from */
      "ALTER TABLE takes ADD COLUMN actual_prompt TEXT;"
      "ALTER TABLE takes ADD COLUMN usage TEXT;" /* JSON, as the service reported it */
      "ALTER TABLE takes ADD COLUMN billed_seconds REAL;"
      "ALTER TABLE ledger ADD COLUMN usage TEXT;"
      "ALTER TABLE project ADD COLUMN budget REAL;" /* NULL: no budget */
      "ALTER TABLE project ADD COLUMN budget_currency TEXT;";

/* Everything version 5 adds to version 4, shared by creation and migration. */
static const char schema_v5_prompt_craft[]
    = "ALTER TABLE characters ADD COLUMN aliases TEXT NOT NULL DEFAULT '';" /* one per line */
      "ALTER TABLE characters ADD COLUMN pronoun TEXT NOT NULL DEFAULT '';" /* 'he', 'she' */
      "ALTER TABLE characters ADD COLUMN reference_image TEXT;"             /* media path */
      "ALTER TABLE characters ADD COLUMN voice TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE project ADD COLUMN style TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE project ADD COLUMN negative_prompt TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE project ADD COLUMN prompt_template TEXT NOT NULL DEFAULT '';"
      /* What the user wrote over the fields read from a shot's text. */
      "CREATE TABLE shot_fields ("
      "  shot_id INTEGER NOT NULL REFERENCES shots (id) ON DELETE CASCADE,"
      "  field TEXT NOT NULL,"
      "  value TEXT NOT NULL,"
      "  PRIMARY KEY (shot_id, field)"
      ");";

static const char schema_v2_settings_and_plan[]
    = "CREATE TABLE project ("
      "  id INTEGER PRIMARY KEY CHECK (id = 1),"
      "  title TEXT NOT NULL DEFAULT '',"
      "  width INTEGER NOT NULL DEFAULT 1280,"
      "  height INTEGER NOT NULL DEFAULT 720,"
      "  fps INTEGER NOT NULL DEFAULT 24,"
      "  default_shot_duration REAL NOT NULL DEFAULT 4.0,"
      "  language TEXT NOT NULL DEFAULT 'en',"
      "  script TEXT NOT NULL DEFAULT ''"
      ");"
      "INSERT INTO project (id) VALUES (1);"
      "CREATE TABLE scenes ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  position INTEGER NOT NULL DEFAULT 0,"
      "  number TEXT,"
      "  heading TEXT NOT NULL DEFAULT ''"
      ");"
      "CREATE TABLE shots ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  scene_id INTEGER NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,"
      "  position INTEGER NOT NULL DEFAULT 0,"
      "  text TEXT NOT NULL DEFAULT '',"
      "  duration REAL NOT NULL DEFAULT 4.0,"
      "  duration_set INTEGER NOT NULL DEFAULT 0,"
      "  camera TEXT NOT NULL DEFAULT 'static',"
      "  camera_set INTEGER NOT NULL DEFAULT 0,"
      "  prompt TEXT,"
      "  chosen_take_id INTEGER REFERENCES takes (id) ON DELETE SET NULL,"
      "  board_media TEXT"
      ");"
      "CREATE INDEX shots_by_scene ON shots (scene_id, position);";

gboolean
reel_project_schema_create (sqlite3 *db, GError **error)
{
  g_autofree char *pragmas
      = g_strdup_printf ("PRAGMA application_id = %d;"
                         "PRAGMA user_version = %d;",
                         REEL_PROJECT_APPLICATION_ID, REEL_PROJECT_SCHEMA_VERSION);

  if (!reel_sql_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (reel_sql_exec (db, schema_v2_settings_and_plan, error)
      && reel_sql_exec (db, schema_v2_tables, error)
      && reel_sql_exec (db, schema_v3_additions, error) && reel_sql_exec (db, schema_v4_jobs, error)
      && reel_sql_exec (db, schema_v5_prompt_craft, error) && reel_sql_exec (db, pragmas, error)
      && reel_sql_exec (db, "COMMIT", error))
    return TRUE;

  reel_sql_exec (db, "ROLLBACK", NULL);
  return FALSE;
}

/* Version 1 kept a shot's dialogue as "SPEAKER: line" text in shots.dialogue;
 * version 2 keeps each caption as a row. */
static gboolean
migrate_v1_captions (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) select = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  int rc;

  select = reel_sql_prepare (db, "SELECT id, dialogue FROM shots_v1 WHERE dialogue != ''", error);
  insert
      = reel_sql_prepare (db,
                          "INSERT INTO captions (shot_id, position, speaker, text, parenthetical)"
                          " VALUES (?, ?, ?, ?, ?)",
                          error);
  if (select == NULL || insert == NULL)
    return FALSE;

  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64      shot_id = sqlite3_column_int64 (select, 0);
      const char *dialogue = (const char *) sqlite3_column_text (select, 1);
      g_auto (GStrv) lines = g_strsplit (dialogue != NULL ? dialogue : "", "\n", -1);
      int position = 0;

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autofree char *speaker = NULL;
          g_autofree char *text = NULL;
          const char      *colon = strchr (lines[i], ':');
          gboolean         parenthetical;

          if (g_strstrip (lines[i])[0] == '\0')
            continue;
          if (colon != NULL)
            {
              speaker = g_strstrip (g_strndup (lines[i], colon - lines[i]));
              text = g_strstrip (g_strdup (colon + 1));
            }
          else
            text = g_strdup (lines[i]);

          parenthetical = text[0] == '(' && g_str_has_suffix (text, ")");
          if (parenthetical)
            {
              char *inner = g_strndup (text + 1, strlen (text) - 2);
              g_free (text);
              text = inner;
            }

          sqlite3_reset (insert);
          sqlite3_bind_int64 (insert, 1, shot_id);
          sqlite3_bind_int (insert, 2, position++);
          sqlite3_bind_text (insert, 3, speaker, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (insert, 4, text, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (insert, 5, parenthetical);
          if (!reel_sql_step_done (db, insert, error))
            return FALSE;
        }
    }

  if (rc != SQLITE_DONE)
    {
      reel_sql_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate_v1_to_v2 (sqlite3 *db, GError **error)
{
  g_debug ("Migrating project schema from version 1 to 2");

  /* Version 1's settings table lacked the default shot length and language,
   * and its shots had no chosen take, board image or prompt fields. Tables
   * with AUTOINCREMENT ids are rebuilt so ids are never reused (undo relies on
   * that). */
  return reel_sql_exec (db,
                        "ALTER TABLE project RENAME TO project_v1;"
                        "ALTER TABLE scenes RENAME TO scenes_v1;"
                        "ALTER TABLE shots RENAME TO shots_v1;",
                        error)
         && reel_sql_exec (db, schema_v2_settings_and_plan, error)
         && reel_sql_exec (db, schema_v2_tables, error)
         && reel_sql_exec (
             db,
             "UPDATE project SET (title, width, height, fps, script) ="
             " (SELECT title, width, height, fps, script FROM project_v1 LIMIT 1);"
             "INSERT INTO scenes (id, position, number, heading)"
             " SELECT id, position, number, heading FROM scenes_v1;"
             "INSERT INTO shots (id, scene_id, position, text, duration, duration_set,"
             "                   camera, camera_set)"
             " SELECT id, scene_id, position, text, duration, 1, camera,"
             "        camera != 'static' FROM shots_v1;",
             error)
         && migrate_v1_captions (db, error)
         && reel_sql_exec (db, "DROP TABLE shots_v1; DROP TABLE scenes_v1; DROP TABLE project_v1;",
                           error);
}

static gboolean
migrate_v2_to_v3 (sqlite3 *db, GError **error)
{
  g_debug ("Migrating project schema from version 2 to 3");
  return reel_sql_exec (db, schema_v3_additions, error);
}

static gboolean
migrate_v3_to_v4 (sqlite3 *db, GError **error)
{
  g_debug ("Migrating project schema from version 3 to 4");
  return reel_sql_exec (db, schema_v4_jobs, error);
}

static gboolean
migrate_v4_to_v5 (sqlite3 *db, GError **error)
{
  g_debug ("Migrating project schema from version 4 to 5");
  return reel_sql_exec (db, schema_v5_prompt_craft, error);
}

typedef gboolean (*MigrationFunc) (sqlite3 *db, GError **error);

/* migrations[i] takes a file from version i + 1 to version i + 2. */
static const MigrationFunc migrations[] = {
  migrate_v1_to_v2,
  migrate_v2_to_v3,
  migrate_v3_to_v4,
  migrate_v4_to_v5,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == REEL_PROJECT_SCHEMA_VERSION - 1);

gboolean
reel_project_schema_migrate (sqlite3 *db, int from_version, GError **error)
{
  g_autofree char *pragma = NULL;

  g_return_val_if_fail (from_version >= 1 && from_version < REEL_PROJECT_SCHEMA_VERSION, FALSE);

  /* Foreign keys must be off while tables are rebuilt; they are checked at the end. */
  if (!reel_sql_exec (db, "PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE", error))
    return FALSE;

  for (int version = from_version; version < REEL_PROJECT_SCHEMA_VERSION; version++)
    {
      if (!migrations[version - 1](db, error))
        goto fail;
    }

  if (reel_sql_query_int (db, "SELECT count(*) FROM pragma_foreign_key_check", 1) != 0)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
                   _ ("The project could not be upgraded because its scenes and shots do not "
                      "refer to each other consistently."));
      goto fail;
    }

  pragma = g_strdup_printf ("PRAGMA user_version = %d", REEL_PROJECT_SCHEMA_VERSION);
  if (!reel_sql_exec (db, pragma, error) || !reel_sql_exec (db, "COMMIT", error))
    goto fail;

  return reel_sql_exec (db, "PRAGMA foreign_keys = ON", error);

fail:
  reel_sql_exec (db, "ROLLBACK; PRAGMA foreign_keys = ON", NULL);
  return FALSE;
}
