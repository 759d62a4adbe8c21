/* reel-project-takes.c: takes of a shot, the chosen take and board images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "reel-project-private.h"

/* A take's number counts the takes of its shot made up to it, so numbers
 * follow the order of making and close up when a take is deleted, as the
 * take strip shows them. */
#define TAKE_COLUMNS                                                                               \
  "id, shot_id, ifnull(job_id, 0), kind, backend, model, prompt, ifnull(seed, 0), params,"         \
  " ifnull(duration, 0), ifnull(width, 0), ifnull(height, 0), ifnull(fps, 0), media,"              \
  " media_sha256, thumbnail, cost, currency, created, actual_prompt, usage,"                       \
  " ifnull(billed_seconds, -1),"                                                                   \
  " (SELECT count(*) FROM takes earlier"                                                           \
  "  WHERE earlier.shot_id = takes.shot_id AND earlier.id <= takes.id)"

ReelTake *
reel_take_copy (const ReelTake *take)
{
  ReelTake *copy = g_memdup2 (take, sizeof *take);

  copy->kind = g_strdup (take->kind);
  copy->backend = g_strdup (take->backend);
  copy->model = g_strdup (take->model);
  copy->prompt = g_strdup (take->prompt);
  copy->params = g_strdup (take->params);
  copy->media = g_strdup (take->media);
  copy->media_sha256 = g_strdup (take->media_sha256);
  copy->thumbnail = g_strdup (take->thumbnail);
  copy->currency = g_strdup (take->currency);
  copy->actual_prompt = g_strdup (take->actual_prompt);
  copy->usage = g_strdup (take->usage);
  return copy;
}

void
reel_take_free (ReelTake *take)
{
  if (take == NULL)
    return;
  g_free (take->kind);
  g_free (take->backend);
  g_free (take->model);
  g_free (take->prompt);
  g_free (take->params);
  g_free (take->media);
  g_free (take->media_sha256);
  g_free (take->thumbnail);
  g_free (take->currency);
  g_free (take->actual_prompt);
  g_free (take->usage);
  g_free (take);
}

ReelTakeStart
reel_take_get_start (const ReelTake *take, gint64 *source_id)
{
  static const struct
  {
    const char   *name;
    ReelTakeStart start;
  } starts[] = {
    { "none", REEL_TAKE_START_NONE },
    { "previous-shot", REEL_TAKE_START_PREVIOUS_SHOT },
    { "board", REEL_TAKE_START_BOARD },
    { "character", REEL_TAKE_START_CHARACTER },
  };
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *params;
  const char *name;

  g_return_val_if_fail (take != NULL, REEL_TAKE_START_UNKNOWN);

  if (source_id != NULL)
    *source_id = 0;
  if (take->params == NULL || !json_parser_load_from_data (parser, take->params, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return REEL_TAKE_START_UNKNOWN;
  params = json_node_get_object (json_parser_get_root (parser));
  name = json_object_get_string_member_with_default (params, "start", NULL);
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (starts); i++)
    if (g_str_equal (name, starts[i].name))
      {
        if (source_id != NULL)
          *source_id = json_object_get_int_member_with_default (params, "start_source_id", 0);
        return starts[i].start;
      }
  return REEL_TAKE_START_UNKNOWN;
}

static ReelTake *
take_from_row (sqlite3_stmt *stmt)
{
  ReelTake *take = g_new0 (ReelTake, 1);

  take->id = sqlite3_column_int64 (stmt, 0);
  take->shot_id = sqlite3_column_int64 (stmt, 1);
  take->job_id = sqlite3_column_int64 (stmt, 2);
  take->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  take->backend = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  take->model = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  take->prompt = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  take->seed = sqlite3_column_int64 (stmt, 7);
  take->params = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  take->duration = sqlite3_column_double (stmt, 9);
  take->width = sqlite3_column_int (stmt, 10);
  take->height = sqlite3_column_int (stmt, 11);
  take->fps = sqlite3_column_double (stmt, 12);
  take->media = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
  take->media_sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 14));
  take->thumbnail = g_strdup ((const char *) sqlite3_column_text (stmt, 15));
  take->cost = sqlite3_column_double (stmt, 16);
  take->currency = g_strdup ((const char *) sqlite3_column_text (stmt, 17));
  take->created = sqlite3_column_int64 (stmt, 18);
  take->actual_prompt = g_strdup ((const char *) sqlite3_column_text (stmt, 19));
  take->usage = g_strdup ((const char *) sqlite3_column_text (stmt, 20));
  take->billed_seconds = sqlite3_column_double (stmt, 21);
  take->number = (guint) sqlite3_column_int (stmt, 22);
  return take;
}

GPtrArray *
reel_project_list_takes (ReelProject *self, gint64 shot_id)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *takes = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_take_free);

  g_return_val_if_fail (REEL_IS_PROJECT (self), takes);

  stmt = reel_sql_prepare (
      self->db, "SELECT " TAKE_COLUMNS " FROM takes WHERE shot_id = ? ORDER BY id", NULL);
  if (stmt == NULL)
    return takes;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (takes, take_from_row (stmt));

  return takes;
}

ReelTake *
reel_project_get_take (ReelProject *self, gint64 take_id)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  stmt = reel_sql_prepare (self->db, "SELECT " TAKE_COLUMNS " FROM takes WHERE id = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, take_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return take_from_row (stmt);

  return NULL;
}

static ReelTake *
find_take_by_number (GPtrArray *takes, guint64 number)
{
  for (guint i = 0; i < takes->len; i++)
    if (((ReelTake *) g_ptr_array_index (takes, i))->number == number)
      return g_ptr_array_index (takes, i);
  return NULL;
}

static ReelTake *
find_take_by_id (GPtrArray *takes, guint64 id)
{
  for (guint i = 0; i < takes->len; i++)
    if ((guint64) ((ReelTake *) g_ptr_array_index (takes, i))->id == id)
      return g_ptr_array_index (takes, i);
  return NULL;
}

ReelTake *
reel_project_find_take (ReelProject *self, gint64 shot_id, const char *number_or_id, GError **error)
{
  g_autoptr (GPtrArray) takes = NULL;
  ReelShot   *shot;
  const char *id_text = NULL;
  ReelTake   *by_number = NULL;
  ReelTake   *by_id = NULL;
  guint64     value;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  g_return_val_if_fail (number_or_id != NULL, NULL);

  shot = reel_project_lookup_shot (self, shot_id);
  if (shot == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no shot %" PRId64 " in this project."), shot_id);
      return NULL;
    }

  if (g_str_has_prefix (number_or_id, "id:"))
    id_text = number_or_id + strlen ("id:");
  if (!g_ascii_string_to_unsigned (id_text != NULL ? id_text : number_or_id, 10, 1, G_MAXINT64,
                                   &value, NULL))
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("“%s” is not a take. Give its number, as “storyreel take list” shows it, "
                      "or its id."),
                   number_or_id);
      return NULL;
    }

  /* The number first: it is what the take strip, `take list` and every
   * message show. An id is read as one when no take has that number. */
  takes = reel_project_list_takes (self, shot_id);
  if (id_text == NULL)
    by_number = find_take_by_number (takes, value);
  if (by_number == NULL)
    by_id = find_take_by_id (takes, value);

  if (takes->len == 0)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("Shot %s has no takes yet. Generate it, or import one with “storyreel take "
                      "import”."),
                   reel_shot_get_number (shot));
      return NULL;
    }
  if (by_number == NULL && by_id == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Shot %s has no take “%s”: it has %u take. Run “storyreel take "
                                "list” to see it.",
                                "Shot %s has no take “%s”: it has %u takes. Run “storyreel take "
                                "list” to see them.",
                                takes->len),
                   reel_shot_get_number (shot), number_or_id, takes->len);
      return NULL;
    }

  return reel_take_copy (by_number != NULL ? by_number : by_id);
}

char *
reel_project_get_media_path (ReelProject *self, const char *relative_path)
{
  g_autoptr (GFile) file = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  if (relative_path == NULL)
    return NULL;
  file = g_file_resolve_relative_path (self->media_dir, relative_path);
  return g_file_get_path (file);
}

static gboolean
insert_take_row (ReelProject *self, ReelTake *take, GError **error)
{
  g_autoptr (sqlite3_stmt) insert = reel_sql_prepare (
      self->db,
      "INSERT INTO takes (shot_id, job_id, kind, backend, model, prompt, seed, params, duration,"
      " width, height, fps, media, media_sha256, thumbnail, cost, currency, created,"
      " actual_prompt, usage, billed_seconds)"
      " VALUES (?, nullif(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      error);

  if (insert == NULL)
    return FALSE;

  if (take->created == 0)
    take->created = g_get_real_time () / G_USEC_PER_SEC;

  sqlite3_bind_int64 (insert, 1, take->shot_id);
  sqlite3_bind_int64 (insert, 2, take->job_id);
  sqlite3_bind_text (insert, 3, take->kind != NULL ? take->kind : "video", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, take->backend, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 5, take->model, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 6, take->prompt, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 7, take->seed);
  sqlite3_bind_text (insert, 8, take->params, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (insert, 9, take->duration);
  sqlite3_bind_int (insert, 10, take->width);
  sqlite3_bind_int (insert, 11, take->height);
  sqlite3_bind_double (insert, 12, take->fps);
  sqlite3_bind_text (insert, 13, take->media, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 14, take->media_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 15, take->thumbnail, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (insert, 16, take->cost);
  sqlite3_bind_text (insert, 17, take->currency, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 18, take->created);
  sqlite3_bind_text (insert, 19, take->actual_prompt, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 20, take->usage, -1, SQLITE_TRANSIENT);
  if (take->billed_seconds > 0)
    sqlite3_bind_double (insert, 21, take->billed_seconds);
  else
    sqlite3_bind_null (insert, 21);
  if (!reel_sql_step_done (self->db, insert, error))
    return FALSE;
  take->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
set_board_media (ReelProject *self, const ReelTake *take, GError **error)
{
  g_autoptr (sqlite3_stmt) board
      = reel_sql_prepare (self->db, "UPDATE shots SET board_media = ? WHERE id = ?", error);

  if (board == NULL)
    return FALSE;
  sqlite3_bind_text (board, 1, take->media, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (board, 2, take->shot_id);
  return reel_sql_step_done (self->db, board, error);
}

/* The first take of a shot becomes its chosen take. */
static gboolean
choose_if_first (ReelProject *self, const ReelTake *take, GError **error)
{
  g_autoptr (sqlite3_stmt) choose = reel_sql_prepare (self->db,
                                                      "UPDATE shots SET chosen_take_id = ?"
                                                      " WHERE id = ? AND chosen_take_id IS NULL",
                                                      error);

  if (choose == NULL)
    return FALSE;
  sqlite3_bind_int64 (choose, 1, take->id);
  sqlite3_bind_int64 (choose, 2, take->shot_id);
  return reel_sql_step_done (self->db, choose, error);
}

static gboolean
record_cost (ReelProject *self, const ReelTake *take, GError **error)
{
  /* Free work (animatics, imports) costs nothing and is not a charge. */
  if (take->cost <= 0)
    return TRUE;
  return reel_project_insert_ledger_row (self, take->job_id, take->id, take->backend, take->cost,
                                         take->currency, NULL, take->usage, take->created, error);
}

gboolean
reel_project_add_take_in_transaction (ReelProject *self, ReelTake *take, GError **error)
{
  /* Paid once, recorded once: the ledger row commits with the take, a
   * still's as much as a clip's. */
  if (!insert_take_row (self, take, error) || !record_cost (self, take, error))
    return FALSE;

  /* A still image is the shot's board, not a clip for the cut. */
  if (g_strcmp0 (take->kind, "image") == 0)
    return set_board_media (self, take, error);

  return choose_if_first (self, take, error);
}

gboolean
reel_project_add_take (ReelProject *self, ReelTake *take, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (take != NULL && take->backend != NULL, FALSE);

  if (reel_project_lookup_shot (self, take->shot_id) == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no shot %" PRId64 " in this project."), take->shot_id);
      return FALSE;
    }

  if (!reel_project_begin_system_edit (self, error))
    return FALSE;
  reel_project_mark_shot_dirty (self, take->shot_id);
  if (!reel_project_add_take_in_transaction (self, take, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  return reel_project_commit_system_edit (self, REEL_CHANGE_TAKES, error);
}

gboolean
reel_project_choose_take (ReelProject *self, gint64 shot_id, gint64 take_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!(stmt = reel_sql_prepare (self->db,
                                 "UPDATE shots SET chosen_take_id = ?1 WHERE id = ?2 AND"
                                 " EXISTS (SELECT 1 FROM takes WHERE id = ?1 AND shot_id = ?2)",
                                 error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, take_id);
  sqlite3_bind_int64 (stmt, 2, shot_id);

  if (!reel_project_begin_edit (self, error))
    return FALSE;
  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      reel_project_rollback_edit (self);
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("Take %" PRId64 " does not belong to this shot."), take_id);
      return FALSE;
    }
  return reel_project_commit_edit (self, _ ("Choose take"), REEL_CHANGE_TAKES, error);
}

gboolean
reel_project_delete_take (ReelProject *self, gint64 take_id, GError **error)
{
  g_autoptr (sqlite3_stmt) remove = NULL;
  g_autoptr (sqlite3_stmt) rechoose = NULL;
  g_autoptr (ReelTake) take = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  take = reel_project_get_take (self, take_id);
  if (take == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no take %" PRId64 " in this project."), take_id);
      return FALSE;
    }

  if (!(remove = reel_sql_prepare (self->db, "DELETE FROM takes WHERE id = ?", error))
      || !(rechoose = reel_sql_prepare (self->db,
                                        "UPDATE shots SET chosen_take_id ="
                                        " (SELECT max(id) FROM takes WHERE shot_id = ?1"
                                        "  AND kind = 'video')"
                                        " WHERE id = ?1 AND chosen_take_id IS NULL",
                                        error)))
    return FALSE;

  if (!reel_project_begin_edit (self, error))
    return FALSE;

  sqlite3_bind_int64 (remove, 1, take_id);
  sqlite3_bind_int64 (rechoose, 1, take->shot_id);
  /* Deleting the chosen take leaves the newest other take chosen. */
  if (!reel_sql_step_done (self->db, remove, error)
      || !reel_sql_step_done (self->db, rechoose, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }

  return reel_project_commit_edit (self, _ ("Delete take"), REEL_CHANGE_TAKES, error);
}

gboolean
reel_project_set_board_image (ReelProject *self,
                              gint64       shot_id,
                              const char  *relative_path,
                              GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (reel_project_lookup_shot (self, shot_id) == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no shot %" PRId64 " in this project."), shot_id);
      return FALSE;
    }
  if (!(stmt = reel_sql_prepare (self->db, "UPDATE shots SET board_media = ? WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, relative_path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, shot_id);

  if (!reel_project_begin_edit (self, error))
    return FALSE;
  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  return reel_project_commit_edit (self, _ ("Change board image"), REEL_CHANGE_TAKES, error);
}
