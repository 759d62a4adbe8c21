/* reel-project-plan.c: scenes, shots and captions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "reel-project-private.h"
#include "reel-segmenter.h"

static gboolean
ensure_shot (ReelProject *self, gint64 shot_id, GError **error)
{
  if (g_hash_table_contains (self->shots_by_id, &shot_id))
    return TRUE;

  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
               _ ("There is no shot %" PRId64 " in this project."), shot_id);
  return FALSE;
}

GListModel *
reel_project_get_scenes (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->scenes);
}

GListModel *
reel_project_get_shots (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->shots);
}

ReelShot *
reel_project_lookup_shot (ReelProject *self, gint64 shot_id)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return g_hash_table_lookup (self->shots_by_id, &shot_id);
}

ReelScene *
reel_project_lookup_scene (ReelProject *self, gint64 scene_id)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return g_hash_table_lookup (self->scenes_by_id, &scene_id);
}

ReelShot *
reel_project_find_shot (ReelProject *self, const char *id_or_number)
{
  guint64 id;
  guint   n;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  if (id_or_number == NULL)
    return NULL;

  if (g_ascii_string_to_unsigned (id_or_number, 10, 1, G_MAXINT64, &id, NULL))
    return reel_project_lookup_shot (self, (gint64) id);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->shots));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (G_LIST_MODEL (self->shots), i);
      if (g_ascii_strcasecmp (reel_shot_get_number (shot), id_or_number) == 0)
        return shot;
    }

  return NULL;
}

gboolean
reel_project_set_scene_heading (ReelProject *self,
                                gint64       scene_id,
                                const char  *heading,
                                GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (heading != NULL, FALSE);

  if (reel_project_lookup_scene (self, scene_id) == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no scene %" PRId64 " in this project."), scene_id);
      return FALSE;
    }

  if (!(stmt = reel_sql_prepare (self->db, "UPDATE scenes SET heading = ? WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, heading, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, scene_id);
  return reel_project_run_edit (self, _ ("Edit scene heading"), REEL_CHANGE_PLAN, stmt, error);
}

gboolean
reel_project_set_shot_text (ReelProject *self, gint64 shot_id, const char *text, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!ensure_shot (self, shot_id, error))
    return FALSE;
  if (!(stmt = reel_sql_prepare (self->db, "UPDATE shots SET text = ? WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, shot_id);
  return reel_project_run_edit (self, _ ("Edit shot text"), REEL_CHANGE_PLAN, stmt, error);
}

gboolean
reel_project_set_shot_duration (ReelProject *self, gint64 shot_id, double seconds, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!ensure_shot (self, shot_id, error) || !reel_project_check_shot_duration (seconds, error))
    return FALSE;
  if (!(stmt = reel_sql_prepare (
            self->db, "UPDATE shots SET duration = ?, duration_set = 1 WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_double (stmt, 1, seconds);
  sqlite3_bind_int64 (stmt, 2, shot_id);
  return reel_project_run_edit (self, _ ("Change shot length"), REEL_CHANGE_PLAN, stmt, error);
}

gboolean
reel_project_set_shot_camera (ReelProject   *self,
                              gint64         shot_id,
                              ReelCameraMove camera,
                              GError       **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (camera < REEL_N_CAMERA_MOVES, FALSE);

  if (!ensure_shot (self, shot_id, error))
    return FALSE;
  if (!(stmt = reel_sql_prepare (
            self->db, "UPDATE shots SET camera = ?, camera_set = 1 WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, reel_camera_move_to_string (camera), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, shot_id);
  return reel_project_run_edit (self, _ ("Change camera move"), REEL_CHANGE_PLAN, stmt, error);
}

gboolean
reel_project_write_captions (ReelProject *self, gint64 shot_id, GPtrArray *captions, GError **error)
{
  g_autoptr (sqlite3_stmt) update = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) trim = NULL;
  guint n = captions != NULL ? captions->len : 0;

  /* Rows are updated in place by position, so a cue's timing set by hand in
   * the timeline stays with it when its words are edited. */
  if (!(update = reel_sql_prepare (self->db,
                                   "UPDATE captions SET speaker = ?, text = ?, parenthetical = ?"
                                   " WHERE shot_id = ? AND position = ?",
                                   error))
      || !(insert = reel_sql_prepare (self->db,
                                      "INSERT INTO captions (shot_id, position, speaker, text,"
                                      " parenthetical) VALUES (?, ?, ?, ?, ?)",
                                      error))
      || !(trim = reel_sql_prepare (
               self->db, "DELETE FROM captions WHERE shot_id = ? AND position >= ?", error)))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (captions, i);

      sqlite3_reset (update);
      sqlite3_bind_text (update, 1, caption->speaker, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 2, caption->text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (update, 3, caption->parenthetical);
      sqlite3_bind_int64 (update, 4, shot_id);
      sqlite3_bind_int (update, 5, i);
      if (!reel_sql_step_done (self->db, update, error))
        return FALSE;
      if (sqlite3_changes (self->db) > 0)
        continue;

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, shot_id);
      sqlite3_bind_int (insert, 2, i);
      sqlite3_bind_text (insert, 3, caption->speaker, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 4, caption->text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (insert, 5, caption->parenthetical);
      if (!reel_sql_step_done (self->db, insert, error))
        return FALSE;
    }

  sqlite3_bind_int64 (trim, 1, shot_id);
  sqlite3_bind_int (trim, 2, n);
  return reel_sql_step_done (self->db, trim, error);
}

gboolean
reel_captions_equal (GPtrArray *a, GPtrArray *b)
{
  guint na = a != NULL ? a->len : 0;
  guint nb = b != NULL ? b->len : 0;

  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!reel_caption_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

gboolean
reel_project_set_shot_captions (ReelProject *self,
                                gint64       shot_id,
                                GPtrArray   *captions,
                                GError     **error)
{
  ReelShot *shot;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!ensure_shot (self, shot_id, error))
    return FALSE;

  shot = reel_project_lookup_shot (self, shot_id);
  if (reel_captions_equal (reel_shot_get_captions (shot), captions))
    return TRUE;

  if (!reel_project_begin_edit (self, error))
    return FALSE;
  if (!reel_project_write_captions (self, shot_id, captions, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  return reel_project_commit_edit (self, _ ("Edit captions"), REEL_CHANGE_PLAN, error);
}

gboolean
reel_project_set_shot_captions_text (ReelProject *self,
                                     gint64       shot_id,
                                     const char  *text,
                                     GError     **error)
{
  g_autoptr (GPtrArray) captions
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char            *line = g_strstrip (lines[i]);
      const char      *colon;
      g_autofree char *speaker = NULL;
      g_autofree char *body = NULL;
      gsize            len;

      if (*line == '\0')
        continue;

      /* "SPEAKER: line"; also the full-width colon used in Chinese. */
      colon = strstr (line, ": ");
      if (colon == NULL)
        colon = strstr (line, "：");
      if (colon != NULL && colon - line <= 40)
        {
          speaker = g_strstrip (g_strndup (line, colon - line));
          body
              = g_strstrip (g_strdup (colon + (g_str_has_prefix (colon, ":") ? 1 : strlen ("："))));
        }
      else
        body = g_strdup (line);

      len = strlen (body);
      if (len >= 2 && body[0] == '(' && body[len - 1] == ')')
        {
          g_autofree char *inner = g_strndup (body + 1, len - 2);
          g_ptr_array_add (captions, reel_caption_new (speaker, inner, TRUE));
        }
      else
        g_ptr_array_add (captions, reel_caption_new (speaker, body, FALSE));
    }

  return reel_project_set_shot_captions (self, shot_id, captions, error);
}

/* Rewrites the position of every shot of @scene_id from @order (shot ids). */
static gboolean
renumber_scene (ReelProject *self, gint64 scene_id, GArray *order, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (
      self->db, "UPDATE shots SET position = ?, scene_id = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < order->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, i);
      sqlite3_bind_int64 (stmt, 2, scene_id);
      sqlite3_bind_int64 (stmt, 3, g_array_index (order, gint64, i));
      if (!reel_sql_step_done (self->db, stmt, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
reel_project_move_shot (ReelProject *self, gint64 shot_id, guint position, GError **error)
{
  GListModel *shots = G_LIST_MODEL (self->shots);
  g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) scenes_touched
      = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  ReelShot      *moving;
  ReelShot      *neighbour;
  guint          n;
  guint          from;
  gint64         target_scene;
  GHashTableIter iter;
  gpointer       key;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!ensure_shot (self, shot_id, error))
    return FALSE;

  n = g_list_model_get_n_items (shots);
  moving = reel_project_lookup_shot (self, shot_id);
  from = reel_shot_get_position (moving);
  position = MIN (position, n - 1);
  if (from == position)
    return TRUE;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (order, g_list_model_get_item (shots, i));
  g_ptr_array_remove_index (order, from);
  g_ptr_array_insert (order, position, g_object_ref (moving));

  /* The shot joins the scene of the shot it now follows; at the very start,
   * the scene of the shot it now precedes. */
  neighbour = position > 0 ? g_ptr_array_index (order, position - 1) : g_ptr_array_index (order, 1);
  target_scene = reel_shot_get_scene_id (neighbour);

  g_hash_table_add (scenes_touched, g_memdup2 (&target_scene, sizeof target_scene));
  {
    gint64 old_scene = reel_shot_get_scene_id (moving);
    g_hash_table_add (scenes_touched, g_memdup2 (&old_scene, sizeof old_scene));
  }

  if (!reel_project_begin_edit (self, error))
    return FALSE;

  g_hash_table_iter_init (&iter, scenes_touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint64 scene_id = *(gint64 *) key;
      g_autoptr (GArray) scene_order = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (guint i = 0; i < order->len; i++)
        {
          ReelShot *shot = g_ptr_array_index (order, i);
          gint64    id = reel_shot_get_id (shot);
          gint64    scene = shot == moving ? target_scene : reel_shot_get_scene_id (shot);

          if (scene == scene_id)
            g_array_append_val (scene_order, id);
        }

      if (!renumber_scene (self, scene_id, scene_order, error))
        {
          reel_project_rollback_edit (self);
          return FALSE;
        }
    }

  return reel_project_commit_edit (self, _ ("Move shot"), REEL_CHANGE_PLAN, error);
}

gint64
reel_project_insert_shot (
    ReelProject *self, gint64 scene_id, gint64 after_shot_id, const char *text, GError **error)
{
  g_autoptr (sqlite3_stmt) shift = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  int    position = 0;
  gint64 id;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  if (after_shot_id != 0)
    {
      g_autoptr (sqlite3_stmt) query = NULL;

      if (!ensure_shot (self, after_shot_id, error))
        return 0;
      query
          = reel_sql_prepare (self->db, "SELECT scene_id, position FROM shots WHERE id = ?", error);
      if (query == NULL)
        return 0;
      sqlite3_bind_int64 (query, 1, after_shot_id);
      if (sqlite3_step (query) == SQLITE_ROW)
        {
          scene_id = sqlite3_column_int64 (query, 0);
          position = sqlite3_column_int (query, 1) + 1;
        }
    }
  else if (reel_project_lookup_scene (self, scene_id) == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no scene %" PRId64 " in this project."), scene_id);
      return 0;
    }

  if (!(shift = reel_sql_prepare (self->db,
                                  "UPDATE shots SET position = position + 1"
                                  " WHERE scene_id = ? AND position >= ?",
                                  error))
      || !(insert
           = reel_sql_prepare (self->db,
                               "INSERT INTO shots (scene_id, position, text, duration)"
                               " VALUES (?, ?, ?, (SELECT default_shot_duration FROM project))",
                               error)))
    return 0;

  if (!reel_project_begin_edit (self, error))
    return 0;

  sqlite3_bind_int64 (shift, 1, scene_id);
  sqlite3_bind_int (shift, 2, position);
  sqlite3_bind_int64 (insert, 1, scene_id);
  sqlite3_bind_int (insert, 2, position);
  sqlite3_bind_text (insert, 3, text != NULL ? text : "", -1, SQLITE_TRANSIENT);
  if (!reel_sql_step_done (self->db, shift, error) || !reel_sql_step_done (self->db, insert, error))
    {
      reel_project_rollback_edit (self);
      return 0;
    }
  id = sqlite3_last_insert_rowid (self->db);

  if (!reel_project_commit_edit (self, _ ("Add shot"), REEL_CHANGE_PLAN, error))
    return 0;
  return id;
}

gboolean
reel_project_delete_shot (ReelProject *self, gint64 shot_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!ensure_shot (self, shot_id, error))
    return FALSE;
  if (!(stmt = reel_sql_prepare (self->db, "DELETE FROM shots WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  return reel_project_run_edit (self, _ ("Delete shot"), REEL_CHANGE_PLAN | REEL_CHANGE_TAKES, stmt,
                                error);
}

/* Makes room at @position of @scene_id: the shots from there on move one on. */
static gboolean
open_gap (ReelProject *self, gint64 scene_id, int position, GError **error)
{
  g_autoptr (sqlite3_stmt) shift = reel_sql_prepare (
      self->db, "UPDATE shots SET position = position + 1 WHERE scene_id = ? AND position >= ?",
      error);

  if (shift == NULL)
    return FALSE;
  sqlite3_bind_int64 (shift, 1, scene_id);
  sqlite3_bind_int (shift, 2, position);
  return reel_sql_step_done (self->db, shift, error);
}

static gboolean
shot_place (ReelProject *self, gint64 shot_id, gint64 *scene_id, int *position, GError **error)
{
  g_autoptr (sqlite3_stmt) query
      = reel_sql_prepare (self->db, "SELECT scene_id, position FROM shots WHERE id = ?", error);

  if (query == NULL)
    return FALSE;
  sqlite3_bind_int64 (query, 1, shot_id);
  if (sqlite3_step (query) != SQLITE_ROW)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no shot %" PRId64 " in this project."), shot_id);
      return FALSE;
    }
  *scene_id = sqlite3_column_int64 (query, 0);
  *position = sqlite3_column_int (query, 1);
  return TRUE;
}

gint64
reel_project_duplicate_shot (ReelProject *self, gint64 shot_id, GError **error)
{
  g_autoptr (sqlite3_stmt) copy_shot = NULL;
  g_autoptr (sqlite3_stmt) copy_captions = NULL;
  gint64 scene_id, copy_id;
  int    position;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  if (!ensure_shot (self, shot_id, error)
      || !shot_place (self, shot_id, &scene_id, &position, error))
    return 0;

  /* Takes, the chosen take and the board stay with the original: the copy is
   * a new shot to generate, not a second home for the same pictures. */
  if (!(copy_shot = reel_sql_prepare (
            self->db,
            "INSERT INTO shots (scene_id, position, text, duration, duration_set, camera,"
            " camera_set, prompt) SELECT scene_id, ?, text, duration, duration_set, camera,"
            " camera_set, prompt FROM shots WHERE id = ?",
            error))
      || !(copy_captions = reel_sql_prepare (
               self->db,
               "INSERT INTO captions (shot_id, position, speaker, text, parenthetical, cue_start,"
               " cue_duration) SELECT ?, position, speaker, text, parenthetical, cue_start,"
               " cue_duration FROM captions WHERE shot_id = ? ORDER BY position",
               error)))
    return 0;

  if (!reel_project_begin_edit (self, error))
    return 0;

  sqlite3_bind_int (copy_shot, 1, position + 1);
  sqlite3_bind_int64 (copy_shot, 2, shot_id);
  if (!open_gap (self, scene_id, position + 1, error)
      || !reel_sql_step_done (self->db, copy_shot, error))
    {
      reel_project_rollback_edit (self);
      return 0;
    }
  copy_id = sqlite3_last_insert_rowid (self->db);
  sqlite3_bind_int64 (copy_captions, 1, copy_id);
  sqlite3_bind_int64 (copy_captions, 2, shot_id);
  if (!reel_sql_step_done (self->db, copy_captions, error))
    {
      reel_project_rollback_edit (self);
      return 0;
    }

  if (!reel_project_commit_edit (self, _ ("Duplicate shot"), REEL_CHANGE_PLAN, error))
    return 0;
  return copy_id;
}

static guint
count_visible_chars (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      n++;
  return n;
}

/* The byte offset in @text of the sentence boundary nearest its middle, or -1
 * when it is one sentence. Sentences come back with their spacing tidied, so
 * the boundary is found again by counting what is not white space. */
static gssize
middle_sentence_boundary (const char *text)
{
  g_autoptr (GPtrArray) sentences = reel_segmenter_split_sentences (text);
  guint total = count_visible_chars (text);
  guint best = 0, best_distance = G_MAXUINT, prefix = 0, seen = 0;

  if (sentences->len < 2)
    return -1;

  for (guint i = 0; i + 1 < sentences->len; i++)
    {
      guint distance;

      prefix += count_visible_chars (g_ptr_array_index (sentences, i));
      distance = (guint) ABS ((int) (2 * prefix) - (int) total);
      if (distance < best_distance)
        {
          best_distance = distance;
          best = prefix;
        }
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)) && ++seen == best)
      return g_utf8_next_char (p) - text;
  return -1;
}

/* A length rounded to half seconds, as the breakdown gives them. */
static double
half_seconds (double seconds)
{
  return MAX (0.5, round (seconds * 2) / 2);
}

/* Cuts @text at @offset (< 0: the sentence boundary nearest its middle)
 * into two non-empty parts, or says where the user should put the cursor. */
static gboolean
split_text (ReelShot *shot, gssize offset, char **first, char **second, GError **error)
{
  const char *text = reel_shot_get_text (shot);

  if (offset < 0 && (offset = middle_sentence_boundary (text)) < 0)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("Shot %s is one sentence. Put the cursor in its text where it should be "
                      "split."),
                   reel_shot_get_number (shot));
      return FALSE;
    }
  if ((gsize) offset <= strlen (text)
      && g_utf8_find_prev_char (text, text + offset + 1) == text + offset)
    {
      *first = g_strstrip (g_strndup (text, offset));
      *second = g_strstrip (g_strdup (text + offset));
    }
  if (*first == NULL || **first == '\0' || **second == '\0')
    {
      g_clear_pointer (first, g_free);
      g_clear_pointer (second, g_free);
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("Shot %s cannot be split there: both parts need some text. Put the cursor "
                      "between two words."),
                   reel_shot_get_number (shot));
      return FALSE;
    }
  return TRUE;
}

/* The dialogue followed the end of the action in the script, so it goes
 * with the second part; the first is as long as the breakdown would make
 * it without captions. A length set by hand is shared out by the words. */
static gboolean
split_durations (ReelProject *self,
                 ReelShot    *shot,
                 const char  *first,
                 const char  *second,
                 double      *first_duration,
                 double      *second_duration,
                 GError     **error)
{
  g_autoptr (sqlite3_stmt) query
      = reel_sql_prepare (self->db, "SELECT duration_set FROM shots WHERE id = ?", error);
  GPtrArray *captions = reel_shot_get_captions (shot);
  gboolean   duration_set = FALSE;
  double     reading = 0;

  if (query == NULL)
    return FALSE;
  sqlite3_bind_int64 (query, 1, reel_shot_get_id (shot));
  if (sqlite3_step (query) == SQLITE_ROW)
    duration_set = sqlite3_column_int (query, 0) != 0;

  for (guint i = 0; captions != NULL && i < captions->len; i++)
    reading
        += reel_segmenter_reading_seconds (((ReelCaption *) g_ptr_array_index (captions, i))->text);
  if (duration_set)
    {
      double total = reel_shot_get_duration (shot);
      guint  first_words = MAX (reel_segmenter_count_words (first), 1);
      guint  second_words = MAX (reel_segmenter_count_words (second), 1);

      *first_duration
          = total >= 1.0 ? CLAMP (half_seconds (total * first_words / (first_words + second_words)),
                                  0.5, total - 0.5)
                         : total / 2;
      *second_duration = MAX (total - *first_duration, 0.1);
      *first_duration = MAX (*first_duration, 0.1);
    }
  else
    {
      *first_duration = self->default_shot_duration;
      *second_duration = MAX (self->default_shot_duration, ceil (reading * 2) / 2);
    }
  return TRUE;
}

gint64
reel_project_split_shot (ReelProject *self, gint64 shot_id, gssize offset, GError **error)
{
  g_autoptr (sqlite3_stmt) update = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) move_captions = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  ReelShot        *shot;
  double           first_duration, second_duration;
  gint64           scene_id, new_id;
  int              position;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  if (!ensure_shot (self, shot_id, error)
      || !shot_place (self, shot_id, &scene_id, &position, error))
    return 0;
  shot = reel_project_lookup_shot (self, shot_id);
  if (!split_text (shot, offset, &first, &second, error)
      || !split_durations (self, shot, first, second, &first_duration, &second_duration, error))
    return 0;

  if (!(update = reel_sql_prepare (self->db, "UPDATE shots SET text = ?, duration = ? WHERE id = ?",
                                   error))
      || !(insert = reel_sql_prepare (
               self->db,
               "INSERT INTO shots (scene_id, position, text, duration, duration_set, camera,"
               " camera_set) SELECT scene_id, ?, ?, ?, duration_set, camera, camera_set"
               " FROM shots WHERE id = ?",
               error))
      || !(move_captions = reel_sql_prepare (
               self->db, "UPDATE captions SET shot_id = ? WHERE shot_id = ?", error)))
    return 0;

  if (!reel_project_begin_edit (self, error))
    return 0;

  sqlite3_bind_text (update, 1, first, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (update, 2, first_duration);
  sqlite3_bind_int64 (update, 3, shot_id);
  sqlite3_bind_int (insert, 1, position + 1);
  sqlite3_bind_text (insert, 2, second, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (insert, 3, second_duration);
  sqlite3_bind_int64 (insert, 4, shot_id);
  if (!reel_sql_step_done (self->db, update, error)
      || !open_gap (self, scene_id, position + 1, error)
      || !reel_sql_step_done (self->db, insert, error))
    {
      reel_project_rollback_edit (self);
      return 0;
    }
  new_id = sqlite3_last_insert_rowid (self->db);
  sqlite3_bind_int64 (move_captions, 1, new_id);
  sqlite3_bind_int64 (move_captions, 2, shot_id);
  if (!reel_sql_step_done (self->db, move_captions, error))
    {
      reel_project_rollback_edit (self);
      return 0;
    }

  if (!reel_project_commit_edit (self, _ ("Split shot"), REEL_CHANGE_PLAN, error))
    return 0;
  return new_id;
}
