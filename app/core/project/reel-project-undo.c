/* reel-project-undo.c: undo and redo for every kind of edit
 *
 * Each document table gets TEMP triggers that write the SQL undoing every
 * inserted, updated or deleted row into temp.undo_log (the technique of
 * sqlite.org's "Automatic Undo/Redo Using SQLite"). An edit transaction is one
 * range of that log. Replaying a range backwards undoes the edit, and the
 * triggers record the replay itself, which becomes the redo step.
 *
 * Updates record only the columns that changed, so undoing a user's edit
 * never reverts what the scheduler wrote to other columns meanwhile (a chosen
 * take, say). Jobs and the ledger are not part of the undoable document.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-project-private.h"

static const char *const undoable_tables[] = {
  "project", "scenes",    "shots",        "captions", "characters", "styles",
  "takes",   "cut_items", "music_tracks", "markers",  "settings",   "shot_fields",
};

void
reel_undo_step_free (ReelUndoStep *step)
{
  if (step == NULL)
    return;
  g_free (step->label);
  g_free (step);
}

static GPtrArray *
list_columns (sqlite3 *db, const char *table, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf ("PRAGMA main.table_info(%s)", table);

  if (!(stmt = reel_sql_prepare (db, sql, error)))
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));

  return g_steal_pointer (&columns);
}

static gboolean
install_table_triggers (sqlite3 *db, const char *table, GError **error)
{
  g_autoptr (GPtrArray) columns = list_columns (db, table, error);
  g_autoptr (GString) insert_cols = g_string_new ("rowid");
  g_autoptr (GString) insert_vals = g_string_new ("old.rowid");
  g_autoptr (GString) update_sets = g_string_new (NULL);
  g_autoptr (GString) update_when = g_string_new (NULL);
  g_autofree char *sql = NULL;

  if (columns == NULL)
    return FALSE;

  for (guint i = 0; i < columns->len; i++)
    {
      const char *col = g_ptr_array_index (columns, i);

      g_string_append_printf (insert_cols, ", \"%s\"", col);
      g_string_append_printf (insert_vals, " || ',' || quote(old.\"%s\")", col);
      g_string_append_printf (update_sets,
                              " || CASE WHEN old.\"%s\" IS NOT new.\"%s\""
                              " THEN '\"%s\"=' || quote(old.\"%s\") || ',' ELSE '' END",
                              col, col, col, col);
      g_string_append_printf (update_when, "%sold.\"%s\" IS NOT new.\"%s\"", i > 0 ? " OR " : "",
                              col, col);
    }

  sql = g_strdup_printf (
      "CREATE TEMP TRIGGER undo_%1$s_insert AFTER INSERT ON main.%1$s"
      " WHEN (SELECT recording FROM undo_state)"
      " BEGIN INSERT INTO undo_log (sql) VALUES"
      "   ('DELETE FROM main.%1$s WHERE rowid=' || new.rowid); END;"
      "CREATE TEMP TRIGGER undo_%1$s_update AFTER UPDATE ON main.%1$s"
      " WHEN (SELECT recording FROM undo_state) AND (%2$s)"
      " BEGIN INSERT INTO undo_log (sql) VALUES"
      "   ('UPDATE main.%1$s SET ' || rtrim(''%3$s, ',') || ' WHERE rowid=' || old.rowid); END;"
      "CREATE TEMP TRIGGER undo_%1$s_delete BEFORE DELETE ON main.%1$s"
      " WHEN (SELECT recording FROM undo_state)"
      " BEGIN INSERT INTO undo_log (sql) VALUES"
      "   ('INSERT INTO main.%1$s (%4$s) VALUES (' || %5$s || ')'); END;",
      table, update_when->str, update_sets->str, insert_cols->str, insert_vals->str);

  return reel_sql_exec (db, sql, error);
}

gboolean
reel_project_undo_install (ReelProject *self, GError **error)
{
  if (!reel_sql_exec (self->db,
                      "CREATE TEMP TABLE undo_log (seq INTEGER PRIMARY KEY, sql TEXT NOT NULL);"
                      "CREATE TEMP TABLE undo_state (recording INTEGER NOT NULL);"
                      "INSERT INTO temp.undo_state VALUES (1);",
                      error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (undoable_tables); i++)
    if (!install_table_triggers (self->db, undoable_tables[i], error))
      return FALSE;

  return TRUE;
}

void
reel_project_undo_set_recording (ReelProject *self, gboolean recording)
{
  reel_sql_exec (self->db,
                 recording ? "UPDATE temp.undo_state SET recording = 1"
                           : "UPDATE temp.undo_state SET recording = 0",
                 NULL);
}

gint64
reel_project_undo_last_seq (ReelProject *self)
{
  return reel_sql_query_int (self->db, "SELECT ifnull(max(seq), 0) FROM temp.undo_log", 0);
}

ReelUndoStep *
reel_project_undo_replay (ReelProject *self, ReelUndoStep *step, GError **error)
{
  g_autoptr (sqlite3_stmt) select = NULL;
  g_autoptr (GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (sqlite3_stmt) purge = NULL;
  ReelUndoStep *opposite;
  gint64        mark;

  /* Rows come back in an order foreign keys may not like (a shot before its
   * scene): check them at commit, not statement by statement. */
  if (!reel_sql_exec (self->db, "BEGIN IMMEDIATE; PRAGMA defer_foreign_keys = ON", error))
    return NULL;

  mark = reel_project_undo_last_seq (self);

  if (!(select = reel_sql_prepare (self->db,
                                   "SELECT sql FROM temp.undo_log WHERE seq BETWEEN ? AND ?"
                                   " ORDER BY seq DESC",
                                   error)))
    goto fail;
  sqlite3_bind_int64 (select, 1, step->first_seq);
  sqlite3_bind_int64 (select, 2, step->last_seq);
  while (sqlite3_step (select) == SQLITE_ROW)
    g_ptr_array_add (statements, g_strdup ((const char *) sqlite3_column_text (select, 0)));

  for (guint i = 0; i < statements->len; i++)
    {
      g_debug ("undo: %s", (const char *) g_ptr_array_index (statements, i));
      if (!reel_sql_exec (self->db, g_ptr_array_index (statements, i), error))
        goto fail;
    }

  if (!(purge = reel_sql_prepare (self->db, "DELETE FROM temp.undo_log WHERE seq BETWEEN ? AND ?",
                                  error)))
    goto fail;
  sqlite3_bind_int64 (purge, 1, step->first_seq);
  sqlite3_bind_int64 (purge, 2, step->last_seq);
  if (!reel_sql_step_done (self->db, purge, error))
    goto fail;

  if (!reel_sql_exec (self->db, "COMMIT", error))
    goto fail;

  opposite = g_new0 (ReelUndoStep, 1);
  opposite->first_seq = mark + 1;
  opposite->last_seq = reel_project_undo_last_seq (self);
  opposite->label = g_strdup (step->label);
  opposite->flags = step->flags;
  return opposite;

fail:
  reel_sql_exec (self->db, "ROLLBACK", NULL);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Undo and redo                                                             */

gboolean
reel_project_can_undo (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  return self->undo_steps->len > 0;
}

gboolean
reel_project_can_redo (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  return self->redo_steps->len > 0;
}

static gboolean
replay (ReelProject *self, GPtrArray *from, GPtrArray *to, GError **error)
{
  gboolean        could_undo = reel_project_can_undo (self);
  gboolean        could_redo = reel_project_can_redo (self);
  ReelUndoStep   *step;
  ReelUndoStep   *opposite;
  ReelChangeFlags flags;

  if (from->len == 0)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOTHING_TO_UNDO,
                   from == self->undo_steps ? _ ("There is nothing to undo.")
                                            : _ ("There is nothing to redo."));
      return FALSE;
    }

  step = g_ptr_array_index (from, from->len - 1);
  opposite = reel_project_undo_replay (self, step, error);
  if (opposite == NULL)
    {
      /* The document no longer fits the history (it should not happen); keep
       * the document and drop the history rather than half-apply a step. */
      g_ptr_array_set_size (self->undo_steps, 0);
      g_ptr_array_set_size (self->redo_steps, 0);
      reel_project_notify_history (self, could_undo, could_redo);
      return FALSE;
    }

  flags = step->flags;
  g_ptr_array_remove_index (from, from->len - 1);
  g_ptr_array_add (to, opposite);

  reel_project_reload (self, flags | REEL_CHANGE_SETTINGS);
  reel_project_notify_history (self, could_undo, could_redo);
  reel_project_emit_changed (self, flags);
  return TRUE;
}

gboolean
reel_project_undo (ReelProject *self, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  return replay (self, self->undo_steps, self->redo_steps, error);
}

gboolean
reel_project_redo (ReelProject *self, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  return replay (self, self->redo_steps, self->undo_steps, error);
}
