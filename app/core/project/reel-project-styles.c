/* reel-project-styles.c: a project's own styles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-project-private.h"
#include "reel-project-styles.h"

gint64
reel_project_add_style (ReelProject *self, const char *name, const char *prompt, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 id;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                           _ ("A style needs a name."));
      return 0;
    }
  if (!(stmt
        = reel_sql_prepare (self->db, "INSERT INTO styles (name, prompt) VALUES (?, ?)", error)))
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, prompt != NULL ? prompt : "", -1, SQLITE_TRANSIENT);

  if (!reel_project_begin_edit (self, error))
    return 0;
  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      if (g_error_matches (*error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID))
        {
          g_clear_error (error);
          g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                       _ ("There is already a style called “%s” in this project."), name);
        }
      return 0;
    }
  id = sqlite3_last_insert_rowid (self->db);
  if (!reel_project_commit_edit (self, _ ("Add style"), REEL_CHANGE_SETTINGS, error))
    return 0;
  return id;
}
