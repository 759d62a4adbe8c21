/* reel-project-model.c: reading the document into the model
 *
 * The settings, scenes and shots the project caches and shows in its list
 * models, read back from the database after every change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include "reel-project-private.h"
#include "reel-scene-private.h"
#include "reel-shot-private.h"

static void
reload_settings (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (
      self->db,
      "SELECT title, width, height, fps, default_shot_duration, language, script,"
      " ifnull(budget, -1), budget_currency FROM project WHERE id = 1",
      NULL);
  g_autofree char *old_title = g_steal_pointer (&self->title);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      self->title = reel_sql_dup_text (stmt, 0);
      self->width = sqlite3_column_int (stmt, 1);
      self->height = sqlite3_column_int (stmt, 2);
      self->fps = sqlite3_column_int (stmt, 3);
      self->default_shot_duration = sqlite3_column_double (stmt, 4);
      g_free (self->language);
      self->language = reel_sql_dup_text (stmt, 5);
      g_free (self->script);
      self->script = reel_sql_dup_text (stmt, 6);
      self->budget = sqlite3_column_double (stmt, 7);
      g_free (self->budget_currency);
      self->budget_currency = reel_sql_dup_text (stmt, 8);
    }

  if (self->title == NULL)
    self->title = g_strdup ("");

  if (g_strcmp0 (old_title, self->title) != 0)
    reel_project_notify_title (self);
}

/* Replaces the store's items with @items, touching only the range that
 * differs, so views keep their widgets (and focus) for the rest. */
static void
sync_store (GListStore *store, GPtrArray *items)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < n_old && prefix < items->len)
    {
      g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (store), prefix);
      if (item != g_ptr_array_index (items, prefix))
        break;
      prefix++;
    }

  while (suffix < n_old - prefix && suffix < items->len - prefix)
    {
      g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (store), n_old - 1 - suffix);
      if (item != g_ptr_array_index (items, items->len - 1 - suffix))
        break;
      suffix++;
    }

  if (prefix == n_old && prefix == items->len)
    return;

  g_list_store_splice (store, prefix, n_old - prefix - suffix, (gpointer *) items->pdata + prefix,
                       items->len - prefix - suffix);
}

static GHashTable *
load_captions (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt
      = reel_sql_prepare (self->db,
                          "SELECT shot_id, speaker, text, parenthetical FROM captions"
                          " ORDER BY shot_id, position, id",
                          NULL);
  GHashTable *by_shot = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                               (GDestroyNotify) g_ptr_array_unref);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64     shot_id = sqlite3_column_int64 (stmt, 0);
      GPtrArray *list = g_hash_table_lookup (by_shot, &shot_id);

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
          g_hash_table_insert (by_shot, g_memdup2 (&shot_id, sizeof shot_id), list);
        }
      g_ptr_array_add (list, reel_caption_new ((const char *) sqlite3_column_text (stmt, 1),
                                               (const char *) sqlite3_column_text (stmt, 2),
                                               sqlite3_column_int (stmt, 3)));
    }

  return by_shot;
}

/* The scenes in film order, their objects updated in place or made anew. */
static GPtrArray *
read_scenes (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *scenes = g_ptr_array_new ();

  stmt = reel_sql_prepare (self->db,
                           "SELECT sc.id, sc.number, sc.heading,"
                           "  (SELECT count(*) FROM shots s WHERE s.scene_id = sc.id)"
                           " FROM scenes sc ORDER BY sc.position, sc.id",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64           id = sqlite3_column_int64 (stmt, 0);
      const char      *explicit_number = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *number = NULL;
      ReelScene       *scene = g_hash_table_lookup (self->scenes_by_id, &id);

      number = (explicit_number != NULL && *explicit_number != '\0')
                   ? g_strdup (explicit_number)
                   : g_strdup_printf ("%u", scenes->len + 1);

      if (scene == NULL)
        {
          scene = reel_scene_new (id);
          g_hash_table_insert (self->scenes_by_id, g_memdup2 (&id, sizeof id), scene);
        }
      reel_scene_update (scene, scenes->len, number, (const char *) sqlite3_column_text (stmt, 2),
                         sqlite3_column_int (stmt, 3));
      g_ptr_array_add (scenes, scene);
    }

  return scenes;
}

/* One row of read_shots()'s query, as the shot's new state. */
static void
shot_data_from_row (
    ReelProject *self, sqlite3_stmt *stmt, guint position, GHashTable *captions, ReelShotData *data)
{
  ReelScene *scene;
  GPtrArray *shot_captions;

  data->id = sqlite3_column_int64 (stmt, 0);
  data->scene_id = sqlite3_column_int64 (stmt, 1);
  data->position = position;
  data->text = reel_sql_dup_text (stmt, 2);
  data->duration = sqlite3_column_double (stmt, 3);
  if (!reel_camera_move_from_string ((const char *) sqlite3_column_text (stmt, 4), &data->camera))
    data->camera = REEL_CAMERA_STATIC;
  data->chosen_take_id = sqlite3_column_int64 (stmt, 5);
  data->board_image = reel_sql_dup_text (stmt, 6);
  data->scene_heading = reel_sql_dup_text (stmt, 7);
  data->n_takes = sqlite3_column_int (stmt, 8);
  scene = g_hash_table_lookup (self->scenes_by_id, &data->scene_id);
  data->number = reel_format_shot_number (scene != NULL ? reel_scene_get_number (scene) : "",
                                          sqlite3_column_int (stmt, 9));
  data->status = g_strdup (sqlite3_column_type (stmt, 10) == SQLITE_NULL
                               ? ""
                               : (const char *) sqlite3_column_text (stmt, 10));
  data->progress = CLAMP (sqlite3_column_double (stmt, 11), 0.0, 1.0);
  data->status_message = reel_sql_dup_text (stmt, 12);
  shot_captions = g_hash_table_lookup (captions, &data->id);
  data->captions = shot_captions != NULL ? g_ptr_array_ref (shot_captions) : NULL;
}

/* The shots in film order, their objects updated in place or made anew. */
static GPtrArray *
read_shots (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GHashTable) captions = load_captions (self);
  GPtrArray *shots = g_ptr_array_new ();

  stmt = reel_sql_prepare (
      self->db,
      "SELECT s.id, s.scene_id, s.text, s.duration, s.camera, ifnull(s.chosen_take_id, 0),"
      "  s.board_media, sc.heading,"
      "  (SELECT count(*) FROM takes t WHERE t.shot_id = s.id),"
      "  (SELECT count(*) FROM shots p WHERE p.scene_id = s.scene_id AND"
      "     (p.position < s.position OR (p.position = s.position AND p.id < s.id))),"
      "  j.state, j.progress, ifnull(j.error, j.message)"
      " FROM shots s JOIN scenes sc ON sc.id = s.scene_id"
      " LEFT JOIN jobs j ON j.id = (SELECT max(id) FROM jobs WHERE jobs.shot_id = s.id)"
      " ORDER BY sc.position, sc.id, s.position, s.id",
      NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      ReelShotData data = { 0 };
      ReelShot    *shot;

      shot_data_from_row (self, stmt, shots->len, captions, &data);
      shot = g_hash_table_lookup (self->shots_by_id, &data.id);
      if (shot == NULL)
        {
          shot = reel_shot_new (data.id);
          g_hash_table_insert (self->shots_by_id, g_memdup2 (&data.id, sizeof data.id), shot);
        }
      reel_shot_update (shot, &data);
      reel_shot_data_clear (&data);

      g_ptr_array_add (shots, shot);
    }

  return shots;
}

/* Forgets the objects of rows that are gone; the stores no longer hold them. */
static void
forget_unlisted (GHashTable *by_id, GPtrArray *listed)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer       value;

  for (guint i = 0; i < listed->len; i++)
    g_hash_table_add (seen, g_ptr_array_index (listed, i));

  g_hash_table_iter_init (&iter, by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!g_hash_table_contains (seen, value))
      g_hash_table_iter_remove (&iter);
}

static void
reload_plan (ReelProject *self)
{
  /* Scenes first: a shot's number starts with its scene's. */
  g_autoptr (GPtrArray) scenes = read_scenes (self);
  g_autoptr (GPtrArray) shots = read_shots (self);

  sync_store (self->scenes, scenes);
  sync_store (self->shots, shots);

  forget_unlisted (self->scenes_by_id, scenes);
  forget_unlisted (self->shots_by_id, shots);
}

/* After a change to takes or jobs only: the shots themselves, their order
 * and captions are as they were, so only their generation fields are read.
 * This runs after every job event, so it must stay cheap. */
static void
update_generation_status (ReelProject *self, sqlite3_stmt *stmt)
{
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64    id = sqlite3_column_int64 (stmt, 0);
      ReelShot *shot = g_hash_table_lookup (self->shots_by_id, &id);

      if (shot == NULL)
        continue;
      reel_shot_update_takes (shot, sqlite3_column_int64 (stmt, 1), sqlite3_column_int (stmt, 3),
                              (const char *) sqlite3_column_text (stmt, 2));
      reel_shot_set_live_status (shot,
                                 sqlite3_column_type (stmt, 4) == SQLITE_NULL
                                     ? ""
                                     : (const char *) sqlite3_column_text (stmt, 4),
                                 sqlite3_column_double (stmt, 5),
                                 (const char *) sqlite3_column_text (stmt, 6));
    }
}

#define GENERATION_STATUS_QUERY                                                                    \
  "SELECT s.id, ifnull(s.chosen_take_id, 0), s.board_media,"                                       \
  "  (SELECT count(*) FROM takes t WHERE t.shot_id = s.id),"                                       \
  "  j.state, j.progress, ifnull(j.error, j.message)"                                              \
  " FROM shots s"                                                                                  \
  " LEFT JOIN jobs j ON j.id = (SELECT max(id) FROM jobs WHERE jobs.shot_id = s.id)"

/* After a change to takes or jobs only: the shots themselves, their order
 * and captions are as they were, so only their generation fields are read,
 * and only for the shots the change touched when it said which. This runs
 * after every job event, so it must stay cheap. */
static void
reload_generation_status (ReelProject *self)
{
  g_autoptr (GArray) dirty = g_steal_pointer (&self->dirty_shots);

  if (dirty == NULL)
    {
      g_autoptr (sqlite3_stmt) all = reel_sql_prepare (self->db, GENERATION_STATUS_QUERY, NULL);

      if (all != NULL)
        update_generation_status (self, all);
      return;
    }

  {
    g_autoptr (sqlite3_stmt) one
        = reel_sql_prepare (self->db, GENERATION_STATUS_QUERY " WHERE s.id = ?", NULL);

    for (guint i = 0; one != NULL && i < dirty->len; i++)
      {
        sqlite3_reset (one);
        sqlite3_bind_int64 (one, 1, g_array_index (dirty, gint64, i));
        update_generation_status (self, one);
      }
  }
}

void
reel_project_mark_shot_dirty (ReelProject *self, gint64 shot_id)
{
  if (self->dirty_shots == NULL)
    self->dirty_shots = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (self->dirty_shots, shot_id);
}

void
reel_project_reload (ReelProject *self, ReelChangeFlags flags)
{
  if (flags & (REEL_CHANGE_SETTINGS | REEL_CHANGE_SCRIPT))
    reload_settings (self);
  if (flags & REEL_CHANGE_PLAN)
    reload_plan (self);
  else if (flags & (REEL_CHANGE_TAKES | REEL_CHANGE_JOBS))
    reload_generation_status (self);
  g_clear_pointer (&self->dirty_shots, g_array_unref);
}
