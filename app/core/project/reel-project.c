/* reel-project.c: lifecycle of a Storyreel project: the GObject and opening
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "reel-project-private.h"

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
  g_clear_pointer (&self->breakdown_warnings, g_ptr_array_unref);
  g_clear_pointer (&self->undo_steps, g_ptr_array_unref);
  g_clear_pointer (&self->dirty_shots, g_array_unref);
  g_clear_object (&self->shot_reader);
  g_clear_pointer (&self->redo_steps, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->script, g_free);
  g_clear_pointer (&self->budget_currency, g_free);

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
  self->budget = -1;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                   */

GFile *
reel_project_media_dir_for (GFile *file)
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

/* Whether @path starts with the header of an SQLite database, so that no
 * other kind of file ever reaches SQLite. */
static gboolean
check_sqlite_header (const char *path, const char *basename, GError **error)
{
  char  header[16] = { 0 };
  FILE *fp;

  fp = g_fopen (path, "rb");
  if (fp == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, REEL_PROJECT_ERROR,
                   saved_errno == ENOENT ? REEL_PROJECT_ERROR_NOT_FOUND : REEL_PROJECT_ERROR_IO,
                   _ ("Could not open “%s”: %s"), basename, g_strerror (saved_errno));
      return FALSE;
    }
  if (fread (header, 1, sizeof header, fp) != sizeof header
      || memcmp (header, sqlite_magic, sizeof header) != 0)
    {
      fclose (fp);
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_A_PROJECT,
                   _ ("“%s” is not a Storyreel project. Open a .storyreel file, or import a "
                      "script with New Project."),
                   basename);
      return FALSE;
    }
  fclose (fp);
  return TRUE;
}

/* The schema version of a Storyreel database this build can open, or -1. */
static int
read_schema_version (sqlite3 *db, const char *basename, GError **error)
{
  gint64 application_id = reel_sql_query_int (db, "PRAGMA application_id", -1);
  gint64 version = reel_sql_query_int (db, "PRAGMA user_version", -1);

  if (application_id == -1 || version == -1)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
                   _ ("“%s” is damaged and cannot be opened. If you have a copy made with Save "
                      "As, open that instead."),
                   basename);
      return -1;
    }

  if (application_id != REEL_PROJECT_APPLICATION_ID)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_A_PROJECT,
                   _ ("“%s” is a database of another program, not a Storyreel project."), basename);
      return -1;
    }

  if (version > REEL_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_TOO_NEW,
                   _ ("“%s” was made by a newer version of Storyreel. Update Storyreel to open "
                      "it."),
                   basename);
      return -1;
    }

  if (version < 1)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
                   _ ("“%s” is an incomplete Storyreel project and cannot be opened."), basename);
      return -1;
    }

  return (int) version;
}

static gboolean
check_integrity (sqlite3 *db, const char *basename, GError **error)
{
  g_autoptr (sqlite3_stmt) check = reel_sql_prepare (db, "PRAGMA quick_check", NULL);
  const char *verdict = NULL;

  if (check != NULL && sqlite3_step (check) == SQLITE_ROW)
    verdict = (const char *) sqlite3_column_text (check, 0);
  if (g_strcmp0 (verdict, "ok") == 0)
    return TRUE;

  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
               _ ("“%s” is damaged and cannot be opened. If you have a copy made with Save "
                  "As, open that instead."),
               basename);
  return FALSE;
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
  int              rc;
  int              version;

  if (!check_sqlite_header (path, basename, error))
    return -1;

  uri = g_strdup_printf ("file:%s?mode=ro", path);
  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_CORRUPT,
                   _ ("“%s” could not be read: %s"), basename, sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return -1;
    }

  version = read_schema_version (db, basename, error);
  if (version >= 0 && !check_integrity (db, basename, error))
    version = -1;

  sqlite3_close_v2 (db);
  return version;
}

/* One thread at a time uses the connection: the window opens a project in a
 * worker and hands the finished object to the main thread, which alone uses
 * it from then on. SQLITE_OPEN_FULLMUTEX makes that handover safe whatever
 * threading mode the system's SQLite was built with by default; the mutex
 * costs nothing measurable when only one thread ever takes it. */
static gboolean
open_connection (ReelProject *self, const char *path, int flags, GError **error)
{
  int rc = sqlite3_open_v2 (path, &self->db, flags | SQLITE_OPEN_FULLMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_autofree char *basename = g_path_get_basename (path);
      int              system_errno = self->db != NULL ? sqlite3_system_errno (self->db) : 0;

      /* The system's reason ("Permission denied") says more than SQLite's
       * ("unable to open database file"). */
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO, _ ("Could not open “%s”: %s"),
                   basename, system_errno != 0 ? g_strerror (system_errno) : sqlite3_errstr (rc));
      g_clear_pointer (&self->db, sqlite3_close_v2);
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

/* Keeps a copy of a file about to be migrated, so an upgrade never loses the
 * original. The copy is taken through the open connection, so it holds what
 * a crash left in the -wal file too. Any older copy of this version is
 * replaced: the file about to be migrated is the newest state of it, and a
 * copy cut short by a crash (before copies were renamed into place) must
 * not stand for it. */
static gboolean
backup_before_migration (ReelProject *self, const char *path, int version, GError **error)
{
  g_autofree char *backup_path = g_strdup_printf ("%s.v%d-backup", path, version);

  if (!reel_project_snapshot (self->db, backup_path, error))
    {
      g_autofree char *basename = g_filename_display_basename (path);

      g_prefix_error (error,
                      _ ("“%s” was not upgraded, because a copy of it could not be kept "
                         "first: "),
                      basename);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_open (ReelProject *self, GError **error)
{
  /* Settings that are a switch or a word are keys of this table, so a new
   * one needs no schema version: a file without the table gets it here, and
   * an older Storyreel ignores it. */
  if (!reel_sql_exec (
          self->db, "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT)", error)
      || !reel_project_undo_install (self, error))
    return FALSE;

  reel_project_reload (self, REEL_CHANGE_ALL);
  return TRUE;
}

static void
report_stage (ReelProjectOpenProgress progress, gpointer user_data, ReelProjectOpenStage stage)
{
  if (progress != NULL)
    progress (stage, user_data);
}

ReelProject *
reel_project_open (GFile *file, GError **error)
{
  return reel_project_open_with_progress (file, NULL, NULL, error);
}

ReelProject *
reel_project_open_with_progress (GFile                  *file,
                                 ReelProjectOpenProgress progress,
                                 gpointer                user_data,
                                 GError                **error)
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

  report_stage (progress, user_data, REEL_PROJECT_OPEN_CHECKING);
  version = inspect_file (path, error);
  if (version < 0)
    return NULL;

  self = g_object_new (REEL_TYPE_PROJECT, NULL);
  self->file = g_object_ref (file);
  self->media_dir = reel_project_media_dir_for (file);

  if (!open_connection (self, path, SQLITE_OPEN_READWRITE, error))
    return NULL;

  if (version < REEL_PROJECT_SCHEMA_VERSION)
    {
      g_message ("Upgrading %s from schema version %d to %d", path, version,
                 REEL_PROJECT_SCHEMA_VERSION);
      report_stage (progress, user_data, REEL_PROJECT_OPEN_UPGRADING);
      if (!backup_before_migration (self, path, version, error)
          || !reel_project_schema_migrate (self->db, version, error))
        return NULL;
    }

  report_stage (progress, user_data, REEL_PROJECT_OPEN_LOADING);
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

  /* SQLite would only say that it is "unable to open database file". */
  {
    g_autofree char *folder = g_path_get_dirname (path);

    if (g_access (folder, W_OK) != 0)
      {
        int              saved_errno = errno;
        g_autofree char *basename = g_path_get_basename (path);

        g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
                     _ ("“%s” cannot be made in “%s”: %s. Choose a folder you can write to."),
                     basename, folder, g_strerror (saved_errno));
        return NULL;
      }
  }

  self = g_object_new (REEL_TYPE_PROJECT, NULL);
  self->file = g_object_ref (file);
  self->media_dir = reel_project_media_dir_for (file);

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
/* Notifications                                                             */

void
reel_project_emit_changed (ReelProject *self, ReelChangeFlags flags)
{
  g_signal_emit (self, signals[CHANGED], 0, (guint) flags);
}

void
reel_project_notify_history (ReelProject *self, gboolean could_undo, gboolean could_redo)
{
  if (could_undo != reel_project_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != reel_project_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

void
reel_project_notify_title (ReelProject *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}
