/* reel-project-sql.c: SQL helpers of ReelProject
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-project-private.h"

void
reel_sql_set_error (sqlite3 *db, int rc, GError **error)
{
  int code = REEL_PROJECT_ERROR_IO;

  switch (rc & 0xff)
    {
      case SQLITE_CORRUPT:
        code = REEL_PROJECT_ERROR_CORRUPT;
        break;
      case SQLITE_NOTADB:
        code = REEL_PROJECT_ERROR_NOT_A_PROJECT;
        break;
      case SQLITE_FULL:
        g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
                     _ ("The disk is full, so the change was not saved. Free some space and try "
                        "again."));
        return;
      case SQLITE_READONLY:
      case SQLITE_PERM:
        g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
                     _ ("The project file cannot be written. Check its permissions, or use Save As "
                        "to keep a copy elsewhere."));
        return;
      case SQLITE_CONSTRAINT:
        code = REEL_PROJECT_ERROR_INVALID;
        break;
      default:
        break;
    }

  g_set_error (error, REEL_PROJECT_ERROR, code, _ ("The project database reported an error: %s"),
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

gboolean
reel_sql_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *message = NULL;
  int   rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_debug ("SQL failed (%s): %.200s", message, sql);
      sqlite3_free (message);
      reel_sql_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

sqlite3_stmt *
reel_sql_prepare (sqlite3 *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      g_debug ("SQL prepare failed (%s): %.200s", sqlite3_errmsg (db), sql);
      reel_sql_set_error (db, rc, error);
      return NULL;
    }

  return stmt;
}

gboolean
reel_sql_step_done (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      reel_sql_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

gint64
reel_sql_query_int (sqlite3 *db, const char *sql, gint64 fallback)
{
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (db, sql, NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);

  return fallback;
}

char *
reel_sql_dup_text (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}
