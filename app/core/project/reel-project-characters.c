/* reel-project-characters.c: the cast of a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-project-private.h"

void
reel_character_free (ReelCharacter *character)
{
  if (character == NULL)
    return;
  g_free (character->name);
  g_free (character->description);
  g_strfreev (character->aliases);
  g_free (character->pronoun);
  g_free (character->reference_image);
  g_free (character->voice);
  g_free (character);
}

GPtrArray *
reel_project_list_characters (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *characters = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_character_free);

  g_return_val_if_fail (REEL_IS_PROJECT (self), characters);

  stmt = reel_sql_prepare (self->db,
                           "SELECT id, name, description, aliases, pronoun, reference_image, voice"
                           " FROM characters ORDER BY name",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      ReelCharacter   *character = g_new0 (ReelCharacter, 1);
      g_autofree char *aliases = reel_sql_dup_text (stmt, 3);

      character->id = sqlite3_column_int64 (stmt, 0);
      character->name = reel_sql_dup_text (stmt, 1);
      character->description = reel_sql_dup_text (stmt, 2);
      character->aliases
          = g_strsplit (aliases != NULL && *aliases != '\0' ? aliases : "", "\n", -1);
      character->pronoun = reel_sql_dup_text (stmt, 4);
      character->reference_image = reel_sql_dup_text (stmt, 5);
      character->voice = reel_sql_dup_text (stmt, 6);
      if (character->pronoun == NULL)
        character->pronoun = g_strdup ("");
      if (character->voice == NULL)
        character->voice = g_strdup ("");
      g_ptr_array_add (characters, character);
    }

  return characters;
}

static gboolean
check_character_name (const char *name, GError **error)
{
  if (name != NULL && *name != '\0' && g_utf8_validate (name, -1, NULL))
    return TRUE;

  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
               _ ("A character needs a name."));
  return FALSE;
}

gint64
reel_project_add_character (ReelProject *self,
                            const char  *name,
                            const char  *description,
                            GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 id;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  if (!check_character_name (name, error))
    return 0;
  if (!(stmt = reel_sql_prepare (
            self->db, "INSERT INTO characters (name, description) VALUES (?, ?)", error)))
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, description != NULL ? description : "", -1, SQLITE_TRANSIENT);

  if (!reel_project_begin_edit (self, error))
    return 0;
  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      if (g_error_matches (*error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID))
        {
          g_clear_error (error);
          g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                       _ ("There is already a character called “%s”."), name);
        }
      return 0;
    }
  id = sqlite3_last_insert_rowid (self->db);
  if (!reel_project_commit_edit (self, _ ("Add character"), REEL_CHANGE_CHARACTERS, error))
    return 0;
  return id;
}

gboolean
reel_project_update_character (ReelProject *self,
                               gint64       character_id,
                               const char  *name,
                               const char  *description,
                               GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!check_character_name (name, error))
    return FALSE;
  if (!(stmt = reel_sql_prepare (
            self->db, "UPDATE characters SET name = ?, description = ? WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, description != NULL ? description : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, character_id);
  return reel_project_run_edit (self, _ ("Edit character"), REEL_CHANGE_CHARACTERS, stmt, error);
}

gboolean
reel_project_remove_character (ReelProject *self, gint64 character_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!(stmt = reel_sql_prepare (self->db, "DELETE FROM characters WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, character_id);
  return reel_project_run_edit (self, _ ("Remove character"), REEL_CHANGE_CHARACTERS, stmt, error);
}

/* The aliases as stored: one per line, each trimmed, none empty. */
static char *
join_aliases (const char *const *aliases)
{
  g_autoptr (GString) joined = g_string_new (NULL);

  for (guint i = 0; aliases != NULL && aliases[i] != NULL; i++)
    {
      g_autofree char *alias = g_strstrip (g_strdup (aliases[i]));

      if (*alias == '\0')
        continue;
      if (joined->len > 0)
        g_string_append_c (joined, '\n');
      g_string_append (joined, alias);
    }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

gint64
reel_project_save_character (ReelProject *self, const ReelCharacter *character, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *aliases = NULL;
  gint64           id;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);
  g_return_val_if_fail (character != NULL, 0);

  if (!check_character_name (character->name, error))
    return 0;
  stmt = reel_sql_prepare (
      self->db,
      character->id == 0
          ? "INSERT INTO characters (name, description, aliases, pronoun, reference_image, voice)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
          : "UPDATE characters SET name = ?1, description = ?2, aliases = ?3, pronoun = ?4,"
            " reference_image = ?5, voice = ?6 WHERE id = ?7",
      error);
  if (stmt == NULL)
    return 0;
  aliases = join_aliases ((const char *const *) character->aliases);
  sqlite3_bind_text (stmt, 1, character->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, character->description != NULL ? character->description : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, aliases, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, character->pronoun != NULL ? character->pronoun : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, character->reference_image, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, character->voice != NULL ? character->voice : "", -1,
                     SQLITE_TRANSIENT);
  if (character->id != 0)
    sqlite3_bind_int64 (stmt, 7, character->id);

  if (!reel_project_begin_edit (self, error))
    return 0;
  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      if (error != NULL && g_error_matches (*error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID))
        {
          g_clear_error (error);
          g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                       _ ("There is already a character called “%s”."), character->name);
        }
      return 0;
    }
  id = character->id != 0 ? character->id : sqlite3_last_insert_rowid (self->db);
  if (!reel_project_commit_edit (self,
                                 character->id == 0 ? _ ("Add character") : _ ("Edit character"),
                                 REEL_CHANGE_CHARACTERS, error))
    return 0;
  return id;
}
