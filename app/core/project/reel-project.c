/* reel-project.c: lifecycle, the plan model and edits of a Storyreel project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "reel-breakdown.h"
#include "reel-segmenter.h"
#include "reel-project-private.h"
#include "reel-scene-private.h"
#include "reel-shot-matcher.h"
#include "reel-shot-private.h"

G_DEFINE_FINAL_TYPE (ReelProject, reel_project, G_TYPE_OBJECT)
GQuark
reel_project_error_quark (void)
{
  return g_quark_from_static_string ("reel-project-error-quark");
}

enum
{
  PROP_0,
  PROP_FILE,
  PROP_TITLE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

/* SQLite header of every database file, "SQLite format 3\0". */
static const char sqlite_magic[16] = "SQLite format 3";

/* ------------------------------------------------------------------------ */
/* SQL helpers                                                               */

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

static char *
dup_column_text (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
reel_project_dispose (GObject *object)
{
  ReelProject *self = REEL_PROJECT (object);

  if (self->scenes != NULL)
    g_list_store_remove_all (self->scenes);
  if (self->shots != NULL)
    g_list_store_remove_all (self->shots);

  G_OBJECT_CLASS (reel_project_parent_class)->dispose (object);
}

static void
reel_project_finalize (GObject *object)
{
  ReelProject *self = REEL_PROJECT (object);

  if (self->db != NULL)
    {
      /* Checkpoint so the file stands alone once closed. */
      sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
    }

  g_clear_object (&self->file);
  g_clear_object (&self->media_dir);
  g_clear_object (&self->scenes);
  g_clear_object (&self->shots);
  g_clear_pointer (&self->scenes_by_id, g_hash_table_unref);
  g_clear_pointer (&self->shots_by_id, g_hash_table_unref);
  g_clear_pointer (&self->undo_steps, g_ptr_array_unref);
  g_clear_pointer (&self->dirty_shots, g_array_unref);
  g_clear_pointer (&self->redo_steps, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->script, g_free);

  G_OBJECT_CLASS (reel_project_parent_class)->finalize (object);
}

static void
reel_project_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelProject *self = REEL_PROJECT (object);

  switch (prop_id)
    {
      case PROP_FILE:
        g_value_set_object (value, self->file);
        break;
      case PROP_TITLE:
        g_value_set_string (value, self->title);
        break;
      case PROP_CAN_UNDO:
        g_value_set_boolean (value, reel_project_can_undo (self));
        break;
      case PROP_CAN_REDO:
        g_value_set_boolean (value, reel_project_can_redo (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_project_class_init (ReelProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reel_project_dispose;
  object_class->finalize = reel_project_finalize;
  object_class->get_property = reel_project_get_property;

  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE]
      = g_param_spec_string ("title", NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAN_UNDO]
      = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAN_REDO]
      = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ReelProject::changed:
   * @flags: the #ReelChangeFlags of what changed
   *
   * Emitted on the main thread after every committed change, undo and redo.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
reel_project_init (ReelProject *self)
{
  self->scenes = g_list_store_new (REEL_TYPE_SCENE);
  self->shots = g_list_store_new (REEL_TYPE_SHOT);
  self->scenes_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->shots_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->undo_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_undo_step_free);
  self->redo_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_undo_step_free);
  self->fps = 24;
  self->width = 1280;
  self->height = 720;
  self->default_shot_duration = 4.0;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                   */

static GFile *
media_dir_for (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *base = NULL;

  if (g_str_has_suffix (path, ".storyreel"))
    base = g_strndup (path, strlen (path) - strlen (".storyreel"));
  else
    base = g_strdup (path);

  g_autofree char *media = g_strconcat (base, ".media", NULL);

  return g_file_new_for_path (media);
}

/* Checks, on a read-only connection that cannot change a byte of the file,
 * that @path is a Storyreel project this build can open. Returns its schema
 * version. */
static int
inspect_file (const char *path, GError **error)
{
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *uri = NULL;
  sqlite3         *db = NULL;
  char             header[16] = { 0 };
  FILE            *fp;
  gint64           application_id;
  gint64           version;
  int              rc;
  int              result = -1;

  fp = g_fopen (path, "rb");
  if (fp == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, REEL_PROJECT_ERROR,
                   saved_errno == ENOENT ? REEL_PROJECT_ERROR_NOT_FOUND : REEL_PROJECT_ERROR_IO,
                   _ ("Could not open “%s”: %s"), basename, g_strerror (saved_errno));
      return -1;
    }
  if (fread (header, 1, sizeof header, fp) != sizeof header
      || memcmp (header, sqlite_magic, sizeof header) != 0)
    {
      fclose (fp);
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_A_PROJECT,
                   _ ("“%s” is not a Storyreel project. Open a .storyreel file, or import a "
                      "script with New Project."),
                   basename);
      return -1;
    }
  fclose (fp);

  uri = g_strdup_printf ("file:%s?mode=ro", path);
  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
                   _ ("“%s” could not be read: %s"), basename, sqlite3_errstr (rc));
      goto out;
    }

  application_id = reel_sql_query_int (db, "PRAGMA application_id", -1);
  version = reel_sql_query_int (db, "PRAGMA user_version", -1);

  if (application_id == -1 || version == -1)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
                   _ ("“%s” is damaged and cannot be opened. If you have a copy made with Save "
                      "As, open that instead."),
                   basename);
      goto out;
    }

  if (application_id != REEL_PROJECT_APPLICATION_ID)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_A_PROJECT,
                   _ ("“%s” is a database of another program, not a Storyreel project."), basename);
      goto out;
    }

  if (version > REEL_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_TOO_NEW,
                   _ ("“%s” was made by a newer version of Storyreel. Update Storyreel to open "
                      "it."),
                   basename);
      goto out;
    }

  if (version < 1)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
                   _ ("“%s” is an incomplete Storyreel project and cannot be opened."), basename);
      goto out;
    }

  {
    g_autoptr (sqlite3_stmt) check = reel_sql_prepare (db, "PRAGMA quick_check", NULL);
    const char *verdict = NULL;

    if (check != NULL && sqlite3_step (check) == SQLITE_ROW)
      verdict = (const char *) sqlite3_column_text (check, 0);
    if (g_strcmp0 (verdict, "ok") != 0)
      {
        g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
                     _ ("“%s” is damaged and cannot be opened. If you have a copy made with Save "
                        "As, open that instead."),
                     basename);
        goto out;
      }
  }

  result = (int) version;

out:
  sqlite3_close_v2 (db);
  return result;
}

static gboolean
open_connection (ReelProject *self, const char *path, int flags, GError **error)
{
  int rc = sqlite3_open_v2 (path, &self->db, flags, NULL);

  if (rc != SQLITE_OK)
    {
      g_autofree char *basename = g_path_get_basename (path);

      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO, _ ("Could not open “%s”: %s"),
                   basename, sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, TRUE);

  /* FULL sync: an edit the user saw applied survives a power cut. System
   * edits (job bookkeeping, many a second) commit with NORMAL: in WAL mode
   * that survives a crash or kill -9, and the next FULL commit makes it
   * durable on disk too, without an fsync on the main thread per job event. */
  return reel_sql_exec (self->db,
                        "PRAGMA journal_mode = WAL;"
                        "PRAGMA synchronous = FULL;"
                        "PRAGMA foreign_keys = ON;",
                        error);
}

/* Keeps a copy of a file about to be migrated, so an upgrade never loses the original. */
static gboolean
backup_before_migration (const char *path, int version, GError **error)
{
  g_autofree char *backup_path = g_strdup_printf ("%s.v%d-backup", path, version);
  g_autoptr (GFile) source = g_file_new_for_path (path);
  g_autoptr (GFile) backup = g_file_new_for_path (backup_path);

  if (g_file_query_exists (backup, NULL))
    return TRUE;

  return g_file_copy (source, backup, G_FILE_COPY_NONE, NULL, NULL, NULL, error);
}

static gboolean
finish_open (ReelProject *self, GError **error)
{
  if (!reel_project_undo_install (self, error))
    return FALSE;

  reel_project_reload (self, REEL_CHANGE_ALL);
  return TRUE;
}

ReelProject *
reel_project_open (GFile *file, GError **error)
{
  g_autoptr (ReelProject) self = NULL;
  g_autofree char *path = NULL;
  int              version;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
                   _ ("Projects can only be opened from a local folder."));
      return NULL;
    }

  version = inspect_file (path, error);
  if (version < 0)
    return NULL;

  self = g_object_new (REEL_TYPE_PROJECT, NULL);
  self->file = g_object_ref (file);
  self->media_dir = media_dir_for (file);

  if (!open_connection (self, path, SQLITE_OPEN_READWRITE, error))
    return NULL;

  if (version < REEL_PROJECT_SCHEMA_VERSION)
    {
      g_message ("Upgrading %s from schema version %d to %d", path, version,
                 REEL_PROJECT_SCHEMA_VERSION);
      if (!backup_before_migration (path, version, error)
          || !reel_project_schema_migrate (self->db, version, error))
        return NULL;
    }

  if (!finish_open (self, error))
    return NULL;

  g_debug ("Opened %s (schema %d)", path, version);
  return g_steal_pointer (&self);
}

ReelProject *
reel_project_create (GFile *file, const char *title, GError **error)
{
  g_autoptr (ReelProject) self = NULL;
  g_autoptr (GFile) parent = NULL;
  g_autofree char *path = NULL;
  GStatBuf         st;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
                   _ ("Projects can only be created in a local folder."));
      return NULL;
    }

  /* An empty file (made by a file chooser, say) counts as new. */
  if (g_stat (path, &st) == 0 && st.st_size > 0)
    {
      g_autofree char *basename = g_path_get_basename (path);
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_EXISTS,
                   _ ("“%s” already exists. Choose another name or open it."), basename);
      return NULL;
    }

  parent = g_file_get_parent (file);
  if (parent != NULL && !g_file_make_directory_with_parents (parent, NULL, NULL)
      && !g_file_query_exists (parent, NULL))
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
                   _ ("The folder for “%s” could not be created."), path);
      return NULL;
    }

  self = g_object_new (REEL_TYPE_PROJECT, NULL);
  self->file = g_object_ref (file);
  self->media_dir = media_dir_for (file);

  if (!open_connection (self, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error)
      || !reel_project_schema_create (self->db, error))
    {
      g_clear_pointer (&self->db, sqlite3_close_v2);
      g_unlink (path);
      return NULL;
    }

  if (title != NULL)
    {
      g_autoptr (sqlite3_stmt) stmt
          = reel_sql_prepare (self->db, "UPDATE project SET title = ?", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, title, -1, SQLITE_TRANSIENT);
      if (!reel_sql_step_done (self->db, stmt, error))
        return NULL;
    }

  if (!finish_open (self, error))
    return NULL;

  g_debug ("Created %s", path);
  return g_steal_pointer (&self);
}

ReelProject *
reel_project_open_or_create (GFile *file, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  GStatBuf         st;

  if (path != NULL && g_stat (path, &st) == 0 && st.st_size > 0)
    return reel_project_open (file, error);

  return reel_project_create (file, NULL, error);
}

GFile *
reel_project_get_file (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return self->file;
}

GFile *
reel_project_get_media_dir (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return self->media_dir;
}

/* ------------------------------------------------------------------------ */
/* Reading the document into the model                                       */

static void
reload_settings (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (
      self->db,
      "SELECT title, width, height, fps, default_shot_duration, language, script"
      " FROM project WHERE id = 1",
      NULL);
  g_autofree char *old_title = g_steal_pointer (&self->title);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      self->title = dup_column_text (stmt, 0);
      self->width = sqlite3_column_int (stmt, 1);
      self->height = sqlite3_column_int (stmt, 2);
      self->fps = sqlite3_column_int (stmt, 3);
      self->default_shot_duration = sqlite3_column_double (stmt, 4);
      g_free (self->language);
      self->language = dup_column_text (stmt, 5);
      g_free (self->script);
      self->script = dup_column_text (stmt, 6);
    }

  if (self->title == NULL)
    self->title = g_strdup ("");

  if (g_strcmp0 (old_title, self->title) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
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

static void
reload_plan (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) scenes_stmt = NULL;
  g_autoptr (sqlite3_stmt) shots_stmt = NULL;
  g_autoptr (GPtrArray) scenes = g_ptr_array_new ();
  g_autoptr (GPtrArray) shots = g_ptr_array_new ();
  g_autoptr (GHashTable) captions = load_captions (self);
  g_autoptr (GHashTable) seen_scenes = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) seen_shots = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer       key;
  guint          position = 0;

  scenes_stmt = reel_sql_prepare (self->db,
                                  "SELECT sc.id, sc.number, sc.heading,"
                                  "  (SELECT count(*) FROM shots s WHERE s.scene_id = sc.id)"
                                  " FROM scenes sc ORDER BY sc.position, sc.id",
                                  NULL);
  while (scenes_stmt != NULL && sqlite3_step (scenes_stmt) == SQLITE_ROW)
    {
      gint64           id = sqlite3_column_int64 (scenes_stmt, 0);
      const char      *explicit_number = (const char *) sqlite3_column_text (scenes_stmt, 1);
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
      reel_scene_update (scene, scenes->len, number,
                         (const char *) sqlite3_column_text (scenes_stmt, 2),
                         sqlite3_column_int (scenes_stmt, 3));
      g_hash_table_add (seen_scenes, scene);
      g_ptr_array_add (scenes, scene);
    }

  shots_stmt = reel_sql_prepare (
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
  while (shots_stmt != NULL && sqlite3_step (shots_stmt) == SQLITE_ROW)
    {
      ReelShotData data = { 0 };
      gint64       id = sqlite3_column_int64 (shots_stmt, 0);
      ReelShot    *shot = g_hash_table_lookup (self->shots_by_id, &id);
      ReelScene   *scene;
      GPtrArray   *shot_captions;

      data.id = id;
      data.scene_id = sqlite3_column_int64 (shots_stmt, 1);
      data.position = position++;
      data.text = dup_column_text (shots_stmt, 2);
      data.duration = sqlite3_column_double (shots_stmt, 3);
      if (!reel_camera_move_from_string ((const char *) sqlite3_column_text (shots_stmt, 4),
                                         &data.camera))
        data.camera = REEL_CAMERA_STATIC;
      data.chosen_take_id = sqlite3_column_int64 (shots_stmt, 5);
      data.board_image = dup_column_text (shots_stmt, 6);
      data.scene_heading = dup_column_text (shots_stmt, 7);
      data.n_takes = sqlite3_column_int (shots_stmt, 8);
      scene = g_hash_table_lookup (self->scenes_by_id, &data.scene_id);
      data.number = reel_format_shot_number (scene != NULL ? reel_scene_get_number (scene) : "",
                                             sqlite3_column_int (shots_stmt, 9));
      data.status = g_strdup (sqlite3_column_type (shots_stmt, 10) == SQLITE_NULL
                                  ? ""
                                  : (const char *) sqlite3_column_text (shots_stmt, 10));
      data.progress = CLAMP (sqlite3_column_double (shots_stmt, 11), 0.0, 1.0);
      data.status_message = dup_column_text (shots_stmt, 12);
      shot_captions = g_hash_table_lookup (captions, &id);
      data.captions = shot_captions != NULL ? g_ptr_array_ref (shot_captions) : NULL;

      if (shot == NULL)
        {
          shot = reel_shot_new (id);
          g_hash_table_insert (self->shots_by_id, g_memdup2 (&id, sizeof id), shot);
        }
      reel_shot_update (shot, &data);
      reel_shot_data_clear (&data);

      g_hash_table_add (seen_shots, shot);
      g_ptr_array_add (shots, shot);
    }

  sync_store (self->scenes, scenes);
  sync_store (self->shots, shots);

  /* Forget the objects of rows that are gone; the stores no longer hold them. */
  g_hash_table_iter_init (&iter, self->scenes_by_id);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen_scenes, g_hash_table_lookup (self->scenes_by_id, key)))
      g_hash_table_iter_remove (&iter);
  g_hash_table_iter_init (&iter, self->shots_by_id);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen_shots, g_hash_table_lookup (self->shots_by_id, key)))
      g_hash_table_iter_remove (&iter);
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

void
reel_project_emit_changed (ReelProject *self, ReelChangeFlags flags)
{
  g_signal_emit (self, signals[CHANGED], 0, (guint) flags);
}

/* ------------------------------------------------------------------------ */
/* Edit transactions                                                         */

gboolean
reel_project_begin_edit (ReelProject *self, GError **error)
{
  g_return_val_if_fail (!self->in_edit, FALSE);

  if (!reel_sql_exec (self->db, "PRAGMA synchronous = FULL; BEGIN IMMEDIATE", error))
    return FALSE;

  self->in_edit = TRUE;
  self->edit_mark = reel_project_undo_last_seq (self);
  return TRUE;
}

static void
notify_history (ReelProject *self, gboolean could_undo, gboolean could_redo)
{
  if (could_undo != reel_project_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != reel_project_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

gboolean
reel_project_commit_edit (ReelProject    *self,
                          const char     *label,
                          ReelChangeFlags flags,
                          GError        **error)
{
  gboolean could_undo = reel_project_can_undo (self);
  gboolean could_redo = reel_project_can_redo (self);
  gint64   last;

  g_return_val_if_fail (self->in_edit, FALSE);

  last = reel_project_undo_last_seq (self);
  if (!reel_sql_exec (self->db, "COMMIT", error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  self->in_edit = FALSE;

  /* An edit that changed nothing leaves no step to undo. */
  if (last > self->edit_mark)
    {
      ReelUndoStep *step = g_new0 (ReelUndoStep, 1);

      step->first_seq = self->edit_mark + 1;
      step->last_seq = last;
      step->label = g_strdup (label);
      step->flags = flags;
      g_ptr_array_add (self->undo_steps, step);

      /* The redo history is stale now; its log rows can go. */
      for (guint i = 0; i < self->redo_steps->len; i++)
        {
          ReelUndoStep    *redo = g_ptr_array_index (self->redo_steps, i);
          g_autofree char *sql
              = g_strdup_printf ("DELETE FROM temp.undo_log WHERE seq BETWEEN %" G_GINT64_FORMAT
                                 " AND %" G_GINT64_FORMAT,
                                 redo->first_seq, redo->last_seq);
          reel_sql_exec (self->db, sql, NULL);
        }
      g_ptr_array_set_size (self->redo_steps, 0);
      g_debug ("Edit “%s” recorded as undo log %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT, label,
               step->first_seq, step->last_seq);
    }

  reel_project_reload (self, flags);
  notify_history (self, could_undo, could_redo);
  reel_project_emit_changed (self, flags);
  return TRUE;
}

void
reel_project_rollback_edit (ReelProject *self)
{
  if (self->in_edit || self->in_system_edit)
    reel_sql_exec (self->db, "ROLLBACK", NULL);
  if (self->in_system_edit)
    reel_project_undo_set_recording (self, TRUE);
  self->in_edit = FALSE;
  self->in_system_edit = FALSE;
  g_clear_pointer (&self->dirty_shots, g_array_unref);
}

gboolean
reel_project_begin_system_edit (ReelProject *self, GError **error)
{
  g_return_val_if_fail (!self->in_edit && !self->in_system_edit, FALSE);

  if (!reel_sql_exec (self->db, "PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE", error))
    return FALSE;

  self->in_system_edit = TRUE;
  g_clear_pointer (&self->dirty_shots, g_array_unref);
  reel_project_undo_set_recording (self, FALSE);
  return TRUE;
}

gboolean
reel_project_commit_system_edit (ReelProject *self, ReelChangeFlags flags, GError **error)
{
  g_return_val_if_fail (self->in_system_edit, FALSE);

  reel_project_undo_set_recording (self, TRUE);
  if (!reel_sql_exec (self->db, "COMMIT", error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  self->in_system_edit = FALSE;

  reel_project_reload (self, flags);
  reel_project_emit_changed (self, flags);
  return TRUE;
}

/* Runs one parameterised statement as a whole undoable edit. */
static gboolean
run_edit (
    ReelProject *self, const char *label, ReelChangeFlags flags, sqlite3_stmt *stmt, GError **error)
{
  if (!reel_project_begin_edit (self, error))
    return FALSE;

  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }

  return reel_project_commit_edit (self, label, flags, error);
}

static gboolean
ensure_shot (ReelProject *self, gint64 shot_id, GError **error)
{
  if (g_hash_table_contains (self->shots_by_id, &shot_id))
    return TRUE;

  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
               _ ("There is no shot %" PRId64 " in this project."), shot_id);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Settings                                                                  */

static gboolean
set_setting_text (
    ReelProject *self, const char *column, const char *value, const char *label, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE project SET %s = ? WHERE id = 1", column);
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  return run_edit (self, label,
                   g_str_equal (column, "script") ? REEL_CHANGE_SCRIPT : REEL_CHANGE_SETTINGS, stmt,
                   error);
}

const char *
reel_project_get_title (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return self->title;
}

gboolean
reel_project_set_title (ReelProject *self, const char *title, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  return set_setting_text (self, "title", title, _ ("Rename project"), error);
}

void
reel_project_get_resolution (ReelProject *self, guint *width, guint *height)
{
  g_return_if_fail (REEL_IS_PROJECT (self));

  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = self->height;
}

gboolean
reel_project_set_resolution (ReelProject *self, guint width, guint height, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  /* H.264 and VP9 need even sizes. */
  if (width < 16 || height < 16 || width > 7680 || height > 4320 || width % 2 || height % 2)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("%u×%u is not a resolution Storyreel can render. Use even sizes from 16×16 "
                      "to 7680×4320."),
                   width, height);
      return FALSE;
    }

  if (!(stmt = reel_sql_prepare (self->db, "UPDATE project SET width = ?, height = ? WHERE id = 1",
                                 error)))
    return FALSE;
  sqlite3_bind_int (stmt, 1, width);
  sqlite3_bind_int (stmt, 2, height);
  return run_edit (self, _ ("Change resolution"), REEL_CHANGE_SETTINGS, stmt, error);
}

char *
reel_project_dup_aspect_ratio (ReelProject *self)
{
  static const struct
  {
    double      ratio;
    const char *name;
  } known[] = {
    { 16.0 / 9.0, "16:9" }, { 9.0 / 16.0, "9:16" }, { 1.0, "1:1" },
    { 4.0 / 3.0, "4:3" },   { 2.39, "2.39:1" },     { 1.85, "1.85:1" },
  };
  double ratio;
  guint  a, b;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  ratio = (double) self->width / MAX (self->height, 1);
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (fabs (ratio - known[i].ratio) < 0.01)
      return g_strdup (known[i].name);

  a = self->width;
  b = self->height;
  while (b != 0)
    {
      guint t = a % b;
      a = b;
      b = t;
    }
  return g_strdup_printf ("%u:%u", self->width / MAX (a, 1), self->height / MAX (a, 1));
}

guint
reel_project_get_fps (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);
  return self->fps;
}

gboolean
reel_project_set_fps (ReelProject *self, guint fps, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (fps < 1 || fps > 120)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("%u frames per second is out of range. Use 1 to 120."), fps);
      return FALSE;
    }

  if (!(stmt = reel_sql_prepare (self->db, "UPDATE project SET fps = ? WHERE id = 1", error)))
    return FALSE;
  sqlite3_bind_int (stmt, 1, fps);
  return run_edit (self, _ ("Change frame rate"), REEL_CHANGE_SETTINGS, stmt, error);
}

double
reel_project_get_default_shot_duration (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);
  return self->default_shot_duration;
}

static gboolean
check_duration (double seconds, GError **error)
{
  if (seconds >= 0.1 && seconds <= 600)
    return TRUE;

  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
               _ ("A shot of %.1f seconds is out of range. Use 0.1 to 600 seconds."), seconds);
  return FALSE;
}

gboolean
reel_project_set_default_shot_duration (ReelProject *self, double seconds, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!check_duration (seconds, error))
    return FALSE;
  if (!(stmt = reel_sql_prepare (
            self->db, "UPDATE project SET default_shot_duration = ? WHERE id = 1", error)))
    return FALSE;
  sqlite3_bind_double (stmt, 1, seconds);
  return run_edit (self, _ ("Change default shot length"), REEL_CHANGE_SETTINGS, stmt, error);
}

const char *
reel_project_get_language (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return self->language;
}

gboolean
reel_project_set_language (ReelProject *self, const char *language, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (language != NULL, FALSE);

  return set_setting_text (self, "language", language, _ ("Change language"), error);
}

const char *
reel_project_get_script (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return self->script;
}

gboolean
reel_project_set_script (ReelProject *self, const char *text, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (g_strcmp0 (text, self->script) == 0)
    return TRUE;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("The script is not valid UTF-8 text. Save it as UTF-8 and import it again."));
      return FALSE;
    }

  return set_setting_text (self, "script", text, _ ("Edit script"), error);
}

/* ------------------------------------------------------------------------ */
/* Plan                                                                      */

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
  return run_edit (self, _ ("Edit scene heading"), REEL_CHANGE_PLAN, stmt, error);
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
  return run_edit (self, _ ("Edit shot text"), REEL_CHANGE_PLAN, stmt, error);
}

gboolean
reel_project_set_shot_duration (ReelProject *self, gint64 shot_id, double seconds, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!ensure_shot (self, shot_id, error) || !check_duration (seconds, error))
    return FALSE;
  if (!(stmt = reel_sql_prepare (
            self->db, "UPDATE shots SET duration = ?, duration_set = 1 WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_double (stmt, 1, seconds);
  sqlite3_bind_int64 (stmt, 2, shot_id);
  return run_edit (self, _ ("Change shot length"), REEL_CHANGE_PLAN, stmt, error);
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
  return run_edit (self, _ ("Change camera move"), REEL_CHANGE_PLAN, stmt, error);
}

static gboolean
write_captions (ReelProject *self, gint64 shot_id, GPtrArray *captions, GError **error)
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

static gboolean
captions_equal (GPtrArray *a, GPtrArray *b)
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
  if (captions_equal (reel_shot_get_captions (shot), captions))
    return TRUE;

  if (!reel_project_begin_edit (self, error))
    return FALSE;
  if (!write_captions (self, shot_id, captions, error))
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
  return run_edit (self, _ ("Delete shot"), REEL_CHANGE_PLAN | REEL_CHANGE_TAKES, stmt, error);
}

/* ------------------------------------------------------------------------ */
/* Breakdown                                                                 */

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
          gboolean    same_captions = captions_equal (old->captions, plan_shot->captions);

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
          if (!same_captions && !write_captions (self, shot_id, plan_shot->captions, error))
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
          if (!write_captions (self, shot_id, plan_shot->captions, error))
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

/* ------------------------------------------------------------------------ */
/* Characters                                                                */

void
reel_character_free (ReelCharacter *character)
{
  if (character == NULL)
    return;
  g_free (character->name);
  g_free (character->description);
  g_free (character);
}

GPtrArray *
reel_project_list_characters (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *characters = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_character_free);

  g_return_val_if_fail (REEL_IS_PROJECT (self), characters);

  stmt = reel_sql_prepare (self->db, "SELECT id, name, description FROM characters ORDER BY name",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      ReelCharacter *character = g_new0 (ReelCharacter, 1);

      character->id = sqlite3_column_int64 (stmt, 0);
      character->name = dup_column_text (stmt, 1);
      character->description = dup_column_text (stmt, 2);
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
  return run_edit (self, _ ("Edit character"), REEL_CHANGE_CHARACTERS, stmt, error);
}

gboolean
reel_project_remove_character (ReelProject *self, gint64 character_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!(stmt = reel_sql_prepare (self->db, "DELETE FROM characters WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, character_id);
  return run_edit (self, _ ("Remove character"), REEL_CHANGE_CHARACTERS, stmt, error);
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
      notify_history (self, could_undo, could_redo);
      return FALSE;
    }

  flags = step->flags;
  g_ptr_array_remove_index (from, from->len - 1);
  g_ptr_array_add (to, opposite);

  reel_project_reload (self, flags | REEL_CHANGE_SETTINGS);
  notify_history (self, could_undo, could_redo);
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

/* ------------------------------------------------------------------------ */
/* Save a copy                                                               */

static gboolean
backup_database (ReelProject *self, const char *dest_path, GError **error)
{
  sqlite3        *dest = NULL;
  sqlite3_backup *backup;
  int             rc;

  rc = sqlite3_open_v2 (dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (dest, "main", self->db, "main");
      if (backup != NULL)
        {
          sqlite3_backup_step (backup, -1);
          sqlite3_backup_finish (backup);
        }
      rc = sqlite3_errcode (dest);
    }
  /* The copy stands alone: no -wal beside it. */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    reel_sql_set_error (dest, rc, error);
  sqlite3_close_v2 (dest);
  return rc == SQLITE_OK;
}

static gboolean
copy_tree (GFile *source, GFile *dest, GCancellable *cancellable, GError **error)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GError) local_error = NULL;
  GFileInfo *info;

  if (!g_file_make_directory_with_parents (dest, cancellable, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  enumerator = g_file_enumerate_children (
      source, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
      G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (enumerator == NULL)
    return FALSE;

  while ((info = g_file_enumerator_next_file (enumerator, cancellable, error)) != NULL)
    {
      g_autoptr (GFileInfo) owned = info;
      const char *name = g_file_info_get_name (info);
      g_autoptr (GFile) child = g_file_get_child (source, name);
      g_autoptr (GFile) target = g_file_get_child (dest, name);

      if (g_str_equal (name, ".tmp"))
        continue;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!copy_tree (child, target, cancellable, error))
            return FALSE;
        }
      else if (!g_file_query_exists (target, cancellable)
               && !g_file_copy (child, target, G_FILE_COPY_NONE, cancellable, NULL, NULL, error))
        return FALSE;
    }

  return error == NULL || *error == NULL;
}

typedef struct
{
  GFile *media_source;
  GFile *media_dest;
  char  *tmp_path;
  char  *dest_path;
} SaveCopy;

static void
save_copy_free (SaveCopy *copy)
{
  if (copy->tmp_path != NULL)
    g_unlink (copy->tmp_path);
  g_clear_object (&copy->media_source);
  g_clear_object (&copy->media_dest);
  g_free (copy->tmp_path);
  g_free (copy->dest_path);
  g_free (copy);
}

/* Snapshots the database into a temporary file beside @dest. This part uses
 * the connection and so runs on the main thread; it only reads pages. */
static SaveCopy *
save_copy_prepare (ReelProject *self, GFile *dest, GError **error)
{
  SaveCopy        *copy;
  g_autofree char *dest_path = g_file_get_path (dest);

  if (dest_path == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
                   _ ("Copies can only be saved in a local folder."));
      return NULL;
    }
  if (g_file_equal (dest, self->file))
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_EXISTS,
                   _ ("This is the project’s own file. Choose another name for the copy."));
      return NULL;
    }

  copy = g_new0 (SaveCopy, 1);
  copy->dest_path = g_steal_pointer (&dest_path);
  copy->tmp_path = g_strdup_printf ("%s.saving-%d", copy->dest_path, (int) getpid ());
  copy->media_source = g_object_ref (self->media_dir);
  copy->media_dest = media_dir_for (dest);

  g_unlink (copy->tmp_path);
  if (!backup_database (self, copy->tmp_path, error))
    {
      save_copy_free (copy);
      return NULL;
    }

  return copy;
}

/* Copies the media, then renames the database into place: a copy whose
 * database exists always has its media. Safe to run in a worker. */
static gboolean
save_copy_finish_files (SaveCopy *copy, GCancellable *cancellable, GError **error)
{
  if (g_file_query_exists (copy->media_source, cancellable)
      && !copy_tree (copy->media_source, copy->media_dest, cancellable, error))
    return FALSE;

  if (g_rename (copy->tmp_path, copy->dest_path) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
                   _ ("The copy could not be saved: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  g_clear_pointer (&copy->tmp_path, g_free);
  return TRUE;
}

gboolean
reel_project_save_copy (ReelProject *self, GFile *dest, GError **error)
{
  SaveCopy *copy;
  gboolean  ok;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (dest), FALSE);

  if (!(copy = save_copy_prepare (self, dest, error)))
    return FALSE;
  ok = save_copy_finish_files (copy, NULL, error);
  save_copy_free (copy);
  return ok;
}

static void
save_copy_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;

  if (!save_copy_finish_files (task_data, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
reel_project_save_copy_async (ReelProject        *self,
                              GFile              *dest,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;
  SaveCopy *copy;

  g_task_set_source_tag (task, reel_project_save_copy_async);

  if (!(copy = save_copy_prepare (self, dest, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, copy, (GDestroyNotify) save_copy_free);
  g_task_run_in_thread (task, save_copy_thread);
}

gboolean
reel_project_save_copy_finish (ReelProject *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
