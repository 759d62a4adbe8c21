/* reel-project-copy.c: Save a Copy, and snapshots of the database
 *
 * Both copy the database with SQLite's online backup, which reads through
 * the open connection and so includes changes still in the -wal file, into
 * a temporary beside the destination, renamed into place only once it is
 * complete and on the disk: a copy is never found half-written under its
 * final name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "reel-durable.h"
#include "reel-project-private.h"

static gboolean
backup_database (sqlite3 *db, const char *dest_path, GError **error)
{
  sqlite3        *dest = NULL;
  sqlite3_backup *backup;
  int             rc;

  rc = sqlite3_open_v2 (dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (dest, "main", db, "main");
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

/* Named after this process, so that two saving the same copy at once never
 * write into each other's temporary. */
static char *
temporary_path_for (const char *dest_path)
{
  return g_strdup_printf ("%s.saving-%d", dest_path, (int) getpid ());
}

static void
set_save_error (GError **error, int saved_errno)
{
  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_IO,
               _ ("The copy could not be saved: %s"), g_strerror (saved_errno));
}

gboolean
reel_project_snapshot (sqlite3 *db, const char *dest_path, GError **error)
{
  g_autofree char *tmp_path = temporary_path_for (dest_path);

  g_unlink (tmp_path);
  if (!backup_database (db, tmp_path, error))
    {
      g_unlink (tmp_path);
      return FALSE;
    }
  if (!reel_durable_rename (tmp_path, dest_path))
    {
      set_save_error (error, errno);
      g_unlink (tmp_path);
      return FALSE;
    }
  return TRUE;
}

/* A copied file reaches the disk before the database that refers to it is
 * renamed into place. */
static gboolean
copy_file (GFile *source, GFile *dest, GCancellable *cancellable, GError **error)
{
  g_autofree char *path = g_file_get_path (dest);

  if (!g_file_copy (source, dest, G_FILE_COPY_NONE, cancellable, NULL, NULL, error))
    return FALSE;
  if (path != NULL && !reel_durable_sync_file (path))
    {
      set_save_error (error, errno);
      return FALSE;
    }
  return TRUE;
}

static gboolean
copy_tree (GFile *source, GFile *dest, GCancellable *cancellable, GError **error)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *folder = NULL;
  GFileInfo       *info;

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
               && !copy_file (child, target, cancellable, error))
        return FALSE;
    }
  if (error != NULL && *error != NULL)
    return FALSE;

  folder = g_file_get_path (dest);
  if (folder != NULL)
    reel_durable_sync_folder (folder);
  return TRUE;
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
  copy->tmp_path = temporary_path_for (copy->dest_path);
  copy->media_source = g_object_ref (self->media_dir);
  copy->media_dest = reel_project_media_dir_for (dest);

  g_unlink (copy->tmp_path);
  if (!backup_database (self->db, copy->tmp_path, error))
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

  if (!reel_durable_rename (copy->tmp_path, copy->dest_path))
    {
      set_save_error (error, errno);
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
