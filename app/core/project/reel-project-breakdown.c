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
#include "reel-shot-reader.h"

typedef struct
{
  gint64     id;
  char      *text;
  char      *heading;
  GPtrArray *captions;
} StoredShot;

static void
stored_shot_free (StoredShot *shot)
{
  g_free (shot->text);
  g_free (shot->heading);
  g_clear_pointer (&shot->captions, g_ptr_array_unref);
  g_free (shot);
}

/* One application of a plan: the shots as stored and as planned, how they
 * match, and the statements that write the result. */
typedef struct
{
  ReelProject        *self;
  const ReelPlan     *plan;
  GPtrArray          *stored;          /* StoredShot*, in film order */
  GPtrArray          *new_shots;       /* ReelPlanShot*, in film order */
  GArray             *new_scene_index; /* guint: the plan scene of each new shot */
  GArray             *matches;         /* ReelShotMatch: the stored shot of each new shot */
  GArray             *old_scene_ids;   /* gint64, by position */
  GArray             *scene_ids;       /* gint64: the plan's scenes as written */
  GHashTable         *kept;            /* gint64*: stored shots that stay */
  sqlite3_stmt       *update_scene;
  sqlite3_stmt       *insert_scene;
  sqlite3_stmt       *update_shot;
  sqlite3_stmt       *insert_shot;
  sqlite3_stmt       *delete_shot;
  ReelBreakdownReport report;
} PlanApply;

static void
plan_apply_clear (PlanApply *apply)
{
  g_clear_pointer (&apply->stored, g_ptr_array_unref);
  g_clear_pointer (&apply->new_shots, g_ptr_array_unref);
  g_clear_pointer (&apply->new_scene_index, g_array_unref);
  g_clear_pointer (&apply->matches, g_array_unref);
  g_clear_pointer (&apply->old_scene_ids, g_array_unref);
  g_clear_pointer (&apply->scene_ids, g_array_unref);
  g_clear_pointer (&apply->kept, g_hash_table_unref);
  g_clear_pointer (&apply->update_scene, sqlite3_finalize);
  g_clear_pointer (&apply->insert_scene, sqlite3_finalize);
  g_clear_pointer (&apply->update_shot, sqlite3_finalize);
  g_clear_pointer (&apply->insert_shot, sqlite3_finalize);
  g_clear_pointer (&apply->delete_shot, sqlite3_finalize);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PlanApply, plan_apply_clear)

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

/* The shots as stored, in film order. */
static void
collect_stored_shots (PlanApply *apply)
{
  GListModel *shots = G_LIST_MODEL (apply->self->shots);
  guint       n = g_list_model_get_n_items (shots);

  apply->stored = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_shot_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      StoredShot *s = g_new0 (StoredShot, 1);

      s->id = reel_shot_get_id (shot);
      s->text = g_strdup (reel_shot_get_text (shot));
      s->heading = g_strdup (reel_shot_get_scene_heading (shot));
      s->captions = g_ptr_array_ref (reel_shot_get_captions (shot));
      g_ptr_array_add (apply->stored, s);
    }
}

/* The plan's shots, flattened into film order. */
static void
collect_plan_shots (PlanApply *apply)
{
  apply->new_shots = g_ptr_array_new ();
  apply->new_scene_index = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < apply->plan->scenes->len; i++)
    {
      ReelPlanScene *scene = g_ptr_array_index (apply->plan->scenes, i);

      for (guint j = 0; j < scene->shots->len; j++)
        {
          g_ptr_array_add (apply->new_shots, g_ptr_array_index (scene->shots, j));
          g_array_append_val (apply->new_scene_index, i);
        }
    }
}

static void
match_shots (PlanApply *apply)
{
  g_autoptr (GPtrArray) old_texts = g_ptr_array_new ();
  g_autoptr (GPtrArray) old_headings = g_ptr_array_new ();
  g_autoptr (GPtrArray) new_texts = g_ptr_array_new ();
  g_autoptr (GPtrArray) new_headings = g_ptr_array_new ();

  for (guint i = 0; i < apply->stored->len; i++)
    {
      StoredShot *s = g_ptr_array_index (apply->stored, i);

      g_ptr_array_add (old_texts, s->text);
      g_ptr_array_add (old_headings, s->heading);
    }
  for (guint i = 0; i < apply->new_shots->len; i++)
    {
      ReelPlanShot  *shot = g_ptr_array_index (apply->new_shots, i);
      guint          scene_index = g_array_index (apply->new_scene_index, guint, i);
      ReelPlanScene *scene = g_ptr_array_index (apply->plan->scenes, scene_index);

      g_ptr_array_add (new_texts, shot->text);
      g_ptr_array_add (new_headings, scene->heading);
    }

  apply->matches = reel_shot_matcher_match (
      (const char *const *) old_texts->pdata, (const char *const *) old_headings->pdata,
      old_texts->len, (const char *const *) new_texts->pdata,
      (const char *const *) new_headings->pdata, new_texts->len);
}

static gboolean
read_old_scene_ids (PlanApply *apply, GError **error)
{
  g_autoptr (sqlite3_stmt) old_scenes
      = reel_sql_prepare (apply->self->db, "SELECT id FROM scenes ORDER BY position, id", error);

  if (old_scenes == NULL)
    return FALSE;

  apply->old_scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while (sqlite3_step (old_scenes) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (old_scenes, 0);
      g_array_append_val (apply->old_scene_ids, id);
    }
  return TRUE;
}

static gboolean
prepare_statements (PlanApply *apply, GError **error)
{
  sqlite3 *db = apply->self->db;

  /* Durations and camera moves set by hand survive the breakdown. */
  return (apply->update_scene
          = reel_sql_prepare (db,
                              "UPDATE scenes SET position = ?, number = ?, heading = ?"
                              " WHERE id = ?",
                              error))
         && (apply->insert_scene = reel_sql_prepare (
                 db, "INSERT INTO scenes (position, number, heading) VALUES (?, ?, ?)", error))
         && (apply->update_shot = reel_sql_prepare (
                 db,
                 "UPDATE shots SET scene_id = ?, position = ?, text = ?,"
                 " duration = CASE WHEN duration_set THEN duration ELSE ? END,"
                 " camera = CASE WHEN camera_set THEN camera ELSE ? END WHERE id = ?",
                 error))
         && (apply->insert_shot = reel_sql_prepare (db,
                                                    "INSERT INTO shots (scene_id, position, text,"
                                                    " duration, camera) VALUES (?, ?, ?, ?, ?)",
                                                    error))
         && (apply->delete_shot = reel_sql_prepare (db, "DELETE FROM shots WHERE id = ?", error));
}

static gboolean
write_title (PlanApply *apply, GError **error)
{
  const char *title = apply->plan->title;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (title == NULL || *title == '\0')
    return TRUE;

  stmt = reel_sql_prepare (apply->self->db, "UPDATE project SET title = ? WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, title, -1, SQLITE_TRANSIENT);
  return reel_sql_step_done (apply->self->db, stmt, error);
}

/* Scenes keep their ids by position: scene 2 stays scene 2 when its heading
 * is edited. Shots moved between scenes keep theirs through the matcher. */
static gboolean
write_scenes (PlanApply *apply, GError **error)
{
  apply->scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < apply->plan->scenes->len; i++)
    {
      ReelPlanScene *scene = g_ptr_array_index (apply->plan->scenes, i);
      gboolean       stored = i < apply->old_scene_ids->len;
      sqlite3_stmt  *stmt = stored ? apply->update_scene : apply->insert_scene;
      gint64         id = stored ? g_array_index (apply->old_scene_ids, gint64, i) : 0;

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, i);
      sqlite3_bind_text (stmt, 2, scene->number, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, scene->heading != NULL ? scene->heading : "", -1,
                         SQLITE_TRANSIENT);
      if (stored)
        sqlite3_bind_int64 (stmt, 4, id);
      if (!reel_sql_step_done (apply->self->db, stmt, error))
        return FALSE;
      if (!stored)
        id = sqlite3_last_insert_rowid (apply->self->db);
      g_array_append_val (apply->scene_ids, id);
    }
  return TRUE;
}

/* Rewrites a stored shot that matched the plan's shot @i; returns its id or 0. */
static gint64
update_matched_shot (PlanApply *apply, guint i, gint64 scene_id, GError **error)
{
  const ReelPlanShot  *plan_shot = g_ptr_array_index (apply->new_shots, i);
  const ReelShotMatch *match = &g_array_index (apply->matches, ReelShotMatch, i);
  StoredShot          *old = g_ptr_array_index (apply->stored, match->old_index);
  gboolean             same_captions = reel_captions_equal (old->captions, plan_shot->captions);
  sqlite3_stmt        *stmt = apply->update_shot;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, scene_id);
  sqlite3_bind_int (stmt, 2, i);
  sqlite3_bind_text (stmt, 3, plan_shot->text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 4, plan_shot_duration (apply->self, plan_shot));
  /* A camera move the script names wins over the stored default. */
  sqlite3_bind_text (stmt, 5, reel_camera_move_to_string (plan_shot->camera), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, old->id);
  if (!reel_sql_step_done (apply->self->db, stmt, error))
    return 0;
  if (!same_captions
      && !reel_project_write_captions (apply->self, old->id, plan_shot->captions, error))
    return 0;

  if (match->exact && same_captions)
    apply->report.unchanged++;
  else
    apply->report.changed++;
  return old->id;
}

/* Inserts the plan's shot @i, which matched no stored shot; returns its id or 0. */
static gint64
insert_new_shot (PlanApply *apply, guint i, gint64 scene_id, GError **error)
{
  const ReelPlanShot *plan_shot = g_ptr_array_index (apply->new_shots, i);
  sqlite3_stmt       *stmt = apply->insert_shot;
  gint64              shot_id;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, scene_id);
  sqlite3_bind_int (stmt, 2, i);
  sqlite3_bind_text (stmt, 3, plan_shot->text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 4, plan_shot_duration (apply->self, plan_shot));
  sqlite3_bind_text (stmt, 5, reel_camera_move_to_string (plan_shot->camera), -1, SQLITE_STATIC);
  if (!reel_sql_step_done (apply->self->db, stmt, error))
    return 0;
  shot_id = sqlite3_last_insert_rowid (apply->self->db);
  if (!reel_project_write_captions (apply->self, shot_id, plan_shot->captions, error))
    return 0;

  apply->report.added++;
  return shot_id;
}

/* Park every stored shot on scene positions out of the way first, so no
 * shot is lost when scenes are removed below. */
static gboolean
write_shots (PlanApply *apply, GError **error)
{
  apply->kept = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < apply->new_shots->len; i++)
    {
      const ReelShotMatch *match = &g_array_index (apply->matches, ReelShotMatch, i);
      guint                scene_index = g_array_index (apply->new_scene_index, guint, i);
      gint64               scene_id = g_array_index (apply->scene_ids, gint64, scene_index);
      gint64 shot_id = match->old_index >= 0 ? update_matched_shot (apply, i, scene_id, error)
                                             : insert_new_shot (apply, i, scene_id, error);

      if (shot_id == 0)
        return FALSE;
      g_hash_table_add (apply->kept, g_memdup2 (&shot_id, sizeof shot_id));
    }
  return TRUE;
}

static gboolean
delete_unmatched_shots (PlanApply *apply, GError **error)
{
  for (guint i = 0; i < apply->stored->len; i++)
    {
      StoredShot *old = g_ptr_array_index (apply->stored, i);

      if (g_hash_table_contains (apply->kept, &old->id))
        continue;
      sqlite3_reset (apply->delete_shot);
      sqlite3_bind_int64 (apply->delete_shot, 1, old->id);
      if (!reel_sql_step_done (apply->self->db, apply->delete_shot, error))
        return FALSE;
      apply->report.removed++;
    }
  return TRUE;
}

/* Scenes beyond the plan's are gone; their shots were moved or deleted above. */
static gboolean
drop_extra_scenes (PlanApply *apply, GError **error)
{
  for (guint i = apply->plan->scenes->len; i < apply->old_scene_ids->len; i++)
    {
      g_autoptr (sqlite3_stmt) drop
          = reel_sql_prepare (apply->self->db, "DELETE FROM scenes WHERE id = ?", error);
      if (drop == NULL)
        return FALSE;
      sqlite3_bind_int64 (drop, 1, g_array_index (apply->old_scene_ids, gint64, i));
      if (!reel_sql_step_done (apply->self->db, drop, error))
        return FALSE;
    }
  return TRUE;
}

/* Characters named in the script join the cast; existing descriptions stay. */
static gboolean
add_characters (PlanApply *apply, GError **error)
{
  GPtrArray *characters = apply->plan->characters;

  for (guint i = 0; characters != NULL && i < characters->len; i++)
    {
      g_autoptr (sqlite3_stmt) add = reel_sql_prepare (
          apply->self->db, "INSERT OR IGNORE INTO characters (name) VALUES (?)", error);
      if (add == NULL)
        return FALSE;
      sqlite3_bind_text (add, 1, g_ptr_array_index (characters, i), -1, SQLITE_TRANSIENT);
      if (!reel_sql_step_done (apply->self->db, add, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
reel_project_apply_plan (ReelProject         *self,
                         const ReelPlan      *plan,
                         ReelBreakdownReport *report,
                         GError             **error)
{
  g_auto (PlanApply) apply = { .self = self, .plan = plan };
  const ReelBreakdownReport *r = &apply.report;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);

  collect_stored_shots (&apply);
  collect_plan_shots (&apply);
  match_shots (&apply);
  if (!read_old_scene_ids (&apply, error) || !prepare_statements (&apply, error))
    return FALSE;

  if (!reel_project_begin_edit (self, error))
    return FALSE;
  if (!write_title (&apply, error) || !write_scenes (&apply, error) || !write_shots (&apply, error)
      || !delete_unmatched_shots (&apply, error) || !drop_extra_scenes (&apply, error)
      || !add_characters (&apply, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }

  apply.report.scenes = plan->scenes->len;
  apply.report.shots = apply.new_shots->len;

  if (!reel_project_commit_edit (self, _ ("Break down script"),
                                 REEL_CHANGE_SETTINGS | REEL_CHANGE_PLAN | REEL_CHANGE_CHARACTERS
                                     | REEL_CHANGE_TAKES,
                                 error))
    return FALSE;

  g_debug ("Breakdown: %u scenes, %u shots: %u added, %u changed, %u removed, %u unchanged",
           r->scenes, r->shots, r->added, r->changed, r->removed, r->unchanged);
  if (report != NULL)
    *report = apply.report;
  g_clear_pointer (&self->breakdown_warnings, g_ptr_array_unref);
  self->breakdown_warnings = g_ptr_array_ref (plan->warnings);
  return TRUE;
}

GPtrArray *
reel_project_get_breakdown_warnings (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  if (self->breakdown_warnings == NULL)
    self->breakdown_warnings
        = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_plan_warning_free);
  return self->breakdown_warnings;
}

gboolean
reel_project_break_down (ReelProject *self, ReelBreakdownReport *report, GError **error)
{
  g_autoptr (ReelPlan) plan = NULL;
  g_autoptr (ReelShotReader) reader = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  /* Read afresh each time, so that words a user adds to their vocabulary count at the next
   * breakdown. */
  reader = reel_shot_reader_new (error);
  if (reader == NULL)
    return FALSE;

  {
    g_autoptr (GPtrArray) characters = reel_project_list_characters (self);
    g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
    g_auto (GStrv) known = NULL;

    for (guint i = 0; i < characters->len; i++)
      g_strv_builder_add (names, ((ReelCharacter *) g_ptr_array_index (characters, i))->name);
    known = g_strv_builder_end (names);
    plan = reel_breakdown_script_with_characters (self->script, (const char *const *) known, error);
  }
  if (plan == NULL)
    return FALSE;
  /* Camera words set the shot's move; a move set by hand survives (see prepare_statements). */
  reel_shot_reader_guess_plan_cameras (reader, plan);

  return reel_project_apply_plan (self, plan, report, error);
}
