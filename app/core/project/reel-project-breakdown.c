/* reel-project-breakdown.c: applying a script breakdown to the plan
 *
 * Matches the new plan against the stored shots, so unchanged and lightly
 * edited shots keep their ids and with them their takes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-breakdown.h"
#include "reel-project-private.h"
#include "reel-segmenter.h"
#include "reel-shot-matcher.h"

typedef struct
{
  gint64     id;
  char      *text;
  GPtrArray *captions;
  gboolean   duration_set;
  gboolean   camera_set;
} StoredShot;

static void
stored_shot_free (StoredShot *shot)
{
  g_free (shot->text);
  g_clear_pointer (&shot->captions, g_ptr_array_unref);
  g_free (shot);
}

/* A shot's duration from the plan: the default, or longer when its captions
 * take longer to read. */
static double
plan_shot_duration (ReelProject *self, const ReelPlanShot *shot)
{
  double reading = 0;

  for (guint i = 0; shot->captions != NULL && i < shot->captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (shot->captions, i);
      reading += reel_segmenter_reading_seconds (caption->text);
    }

  return MAX (self->default_shot_duration, ceil (reading * 2) / 2);
}

gboolean
reel_project_apply_plan (ReelProject         *self,
                         const ReelPlan      *plan,
                         ReelBreakdownReport *report,
                         GError             **error)
{
  g_autoptr (GPtrArray) stored = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_shot_free);
  g_autoptr (GPtrArray) old_texts = g_ptr_array_new ();
  g_autoptr (GPtrArray) new_texts = g_ptr_array_new ();
  g_autoptr (GPtrArray) old_headings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) new_headings = g_ptr_array_new ();
  g_autoptr (GPtrArray) new_shots = g_ptr_array_new ();
  g_autoptr (GArray) new_scene_index = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) matches = NULL;
  g_autoptr (GArray) scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GHashTable) kept = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (sqlite3_stmt) old_scenes = NULL;
  g_autoptr (sqlite3_stmt) update_scene = NULL;
  g_autoptr (sqlite3_stmt) insert_scene = NULL;
  g_autoptr (sqlite3_stmt) update_shot = NULL;
  g_autoptr (sqlite3_stmt) insert_shot = NULL;
  g_autoptr (sqlite3_stmt) delete_shot = NULL;
  g_autoptr (GArray) old_scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  ReelBreakdownReport local_report = { 0 };
  GListModel         *shots = G_LIST_MODEL (self->shots);
  guint               n_old;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);

  /* The shots as stored, in film order. */
  n_old = g_list_model_get_n_items (shots);
  for (guint i = 0; i < n_old; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      StoredShot *s = g_new0 (StoredShot, 1);

      s->id = reel_shot_get_id (shot);
      s->text = g_strdup (reel_shot_get_text (shot));
      s->captions = g_ptr_array_ref (reel_shot_get_captions (shot));
      g_ptr_array_add (stored, s);
      g_ptr_array_add (old_texts, s->text);
      g_ptr_array_add (old_headings, g_strdup (reel_shot_get_scene_heading (shot)));
    }

  for (guint i = 0; i < plan->scenes->len; i++)
    {
      ReelPlanScene *scene = g_ptr_array_index (plan->scenes, i);

      for (guint j = 0; j < scene->shots->len; j++)
        {
          ReelPlanShot *shot = g_ptr_array_index (scene->shots, j);

          g_ptr_array_add (new_shots, shot);
          g_ptr_array_add (new_texts, shot->text);
          g_ptr_array_add (new_headings, scene->heading);
          g_array_append_val (new_scene_index, i);
        }
    }

  matches = reel_shot_matcher_match ((const char *const *) old_texts->pdata,
                                     (const char *const *) old_headings->pdata, old_texts->len,
                                     (const char *const *) new_texts->pdata,
                                     (const char *const *) new_headings->pdata, new_texts->len);

  /* Flags of stored shots (set-by-hand duration and camera) survive matching. */
  {
    g_autoptr (sqlite3_stmt) flags = reel_sql_prepare (
        self->db, "SELECT duration_set, camera_set FROM shots WHERE id = ?", error);
    if (flags == NULL)
      return FALSE;
    for (guint i = 0; i < stored->len; i++)
      {
        StoredShot *s = g_ptr_array_index (stored, i);
        sqlite3_reset (flags);
        sqlite3_bind_int64 (flags, 1, s->id);
        if (sqlite3_step (flags) == SQLITE_ROW)
          {
            s->duration_set = sqlite3_column_int (flags, 0);
            s->camera_set = sqlite3_column_int (flags, 1);
          }
      }
  }

  if (!(old_scenes
        = reel_sql_prepare (self->db, "SELECT id FROM scenes ORDER BY position, id", error))
      || !(update_scene
           = reel_sql_prepare (self->db,
                               "UPDATE scenes SET position = ?, number = ?, heading = ?"
                               " WHERE id = ?",
                               error))
      || !(insert_scene = reel_sql_prepare (self->db,
                                            "INSERT INTO scenes (position, number, heading)"
                                            " VALUES (?, ?, ?)",
                                            error))
      || !(update_shot
           = reel_sql_prepare (self->db,
                               "UPDATE shots SET scene_id = ?, position = ?, text = ?,"
                               " duration = CASE WHEN duration_set THEN duration ELSE ? END,"
                               " camera = CASE WHEN camera_set THEN camera ELSE ? END WHERE id = ?",
                               error))
      || !(insert_shot = reel_sql_prepare (self->db,
                                           "INSERT INTO shots (scene_id, position, text, duration,"
                                           " camera) VALUES (?, ?, ?, ?, ?)",
                                           error))
      || !(delete_shot = reel_sql_prepare (self->db, "DELETE FROM shots WHERE id = ?", error)))
    return FALSE;

  while (sqlite3_step (old_scenes) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (old_scenes, 0);
      g_array_append_val (old_scene_ids, id);
    }

  if (!reel_project_begin_edit (self, error))
    return FALSE;

  if (plan->title != NULL && *plan->title != '\0')
    {
      g_autoptr (sqlite3_stmt) title
          = reel_sql_prepare (self->db, "UPDATE project SET title = ? WHERE id = 1", error);
      if (title == NULL)
        goto fail;
      sqlite3_bind_text (title, 1, plan->title, -1, SQLITE_TRANSIENT);
      if (!reel_sql_step_done (self->db, title, error))
        goto fail;
    }

  /* Scenes keep their ids by position: scene 2 stays scene 2 when its heading
   * is edited. Shots moved between scenes keep theirs through the matcher. */
  for (guint i = 0; i < plan->scenes->len; i++)
    {
      ReelPlanScene *scene = g_ptr_array_index (plan->scenes, i);
      sqlite3_stmt  *stmt = i < old_scene_ids->len ? update_scene : insert_scene;
      gint64         id;

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, i);
      sqlite3_bind_text (stmt, 2, scene->number, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, scene->heading != NULL ? scene->heading : "", -1,
                         SQLITE_TRANSIENT);
      if (stmt == update_scene)
        {
          id = g_array_index (old_scene_ids, gint64, i);
          sqlite3_bind_int64 (stmt, 4, id);
        }
      if (!reel_sql_step_done (self->db, stmt, error))
        goto fail;
      if (stmt == insert_scene)
        id = sqlite3_last_insert_rowid (self->db);
      g_array_append_val (scene_ids, id);
    }

  /* Park every stored shot on scene positions out of the way first, so no
   * shot is lost when scenes are removed below. */
  for (guint i = 0; i < new_shots->len; i++)
    {
      const ReelPlanShot  *plan_shot = g_ptr_array_index (new_shots, i);
      const ReelShotMatch *match = &g_array_index (matches, ReelShotMatch, i);
      gint64               scene_id
          = g_array_index (scene_ids, gint64, g_array_index (new_scene_index, guint, i));
      guint       position = i;
      double      duration = plan_shot_duration (self, plan_shot);
      const char *camera = reel_camera_move_to_string (plan_shot->camera);
      gint64      shot_id;

      if (match->old_index >= 0)
        {
          StoredShot *old = g_ptr_array_index (stored, match->old_index);
          gboolean    same_captions = reel_captions_equal (old->captions, plan_shot->captions);

          shot_id = old->id;
          sqlite3_reset (update_shot);
          sqlite3_bind_int64 (update_shot, 1, scene_id);
          sqlite3_bind_int (update_shot, 2, position);
          sqlite3_bind_text (update_shot, 3, plan_shot->text, -1, SQLITE_TRANSIENT);
          sqlite3_bind_double (update_shot, 4, duration);
          /* A camera move the script names wins over the stored default. */
          sqlite3_bind_text (update_shot, 5, camera, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (update_shot, 6, shot_id);
          if (!reel_sql_step_done (self->db, update_shot, error))
            goto fail;
          if (!same_captions
              && !reel_project_write_captions (self, shot_id, plan_shot->captions, error))
            goto fail;

          if (match->exact && same_captions)
            local_report.unchanged++;
          else
            local_report.changed++;
        }
      else
        {
          sqlite3_reset (insert_shot);
          sqlite3_bind_int64 (insert_shot, 1, scene_id);
          sqlite3_bind_int (insert_shot, 2, position);
          sqlite3_bind_text (insert_shot, 3, plan_shot->text, -1, SQLITE_TRANSIENT);
          sqlite3_bind_double (insert_shot, 4, duration);
          sqlite3_bind_text (insert_shot, 5, camera, -1, SQLITE_STATIC);
          if (!reel_sql_step_done (self->db, insert_shot, error))
            goto fail;
          shot_id = sqlite3_last_insert_rowid (self->db);
          if (!reel_project_write_captions (self, shot_id, plan_shot->captions, error))
            goto fail;
          local_report.added++;
        }

      g_hash_table_add (kept, g_memdup2 (&shot_id, sizeof shot_id));
    }

  for (guint i = 0; i < stored->len; i++)
    {
      StoredShot *old = g_ptr_array_index (stored, i);

      if (g_hash_table_contains (kept, &old->id))
        continue;
      sqlite3_reset (delete_shot);
      sqlite3_bind_int64 (delete_shot, 1, old->id);
      if (!reel_sql_step_done (self->db, delete_shot, error))
        goto fail;
      local_report.removed++;
    }

  /* Scenes beyond the plan's are gone; their shots were moved or deleted above. */
  for (guint i = plan->scenes->len; i < old_scene_ids->len; i++)
    {
      g_autoptr (sqlite3_stmt) drop
          = reel_sql_prepare (self->db, "DELETE FROM scenes WHERE id = ?", error);
      if (drop == NULL)
        goto fail;
      sqlite3_bind_int64 (drop, 1, g_array_index (old_scene_ids, gint64, i));
      if (!reel_sql_step_done (self->db, drop, error))
        goto fail;
    }

  /* Characters named in the script join the cast; existing descriptions stay. */
  for (guint i = 0; plan->characters != NULL && i < plan->characters->len; i++)
    {
      g_autoptr (sqlite3_stmt) add = reel_sql_prepare (
          self->db, "INSERT OR IGNORE INTO characters (name) VALUES (?)", error);
      if (add == NULL)
        goto fail;
      sqlite3_bind_text (add, 1, g_ptr_array_index (plan->characters, i), -1, SQLITE_TRANSIENT);
      if (!reel_sql_step_done (self->db, add, error))
        goto fail;
    }

  local_report.scenes = plan->scenes->len;
  local_report.shots = new_shots->len;

  if (!reel_project_commit_edit (self, _ ("Break down script"),
                                 REEL_CHANGE_SETTINGS | REEL_CHANGE_PLAN | REEL_CHANGE_CHARACTERS
                                     | REEL_CHANGE_TAKES,
                                 error))
    return FALSE;

  g_debug ("Breakdown: %u scenes, %u shots: %u added, %u changed, %u removed, %u unchanged",
           local_report.scenes, local_report.shots, local_report.added, local_report.changed,
           local_report.removed, local_report.unchanged);
  if (report != NULL)
    *report = local_report;
  return TRUE;

fail:
  reel_project_rollback_edit (self);
  return FALSE;
}

gboolean
reel_project_break_down (ReelProject *self, ReelBreakdownReport *report, GError **error)
{
  g_autoptr (ReelPlan) plan = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  plan = reel_breakdown_script (self->script, error);
  if (plan == NULL)
    return FALSE;

  return reel_project_apply_plan (self, plan, report, error);
}
