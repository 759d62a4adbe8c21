/* reel-library.c: the user's asset library: the GObject, opening and the schema
 *
 * Opening first inspects an existing file on a read-only connection, as a
 * project is opened, so a file that is not a library, or a damaged one, is
 * refused without a byte of it changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"
/* renameat2() and RENAME_NOREPLACE, which glibc (2.28 and later) declares
 * in <stdio.h> only for GNU sources; the build's gnu17 does not ask for
 * them. */
#define _GNU_SOURCE

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reel-library-private.h"

G_DEFINE_FINAL_TYPE (ReelLibrary, reel_library, G_TYPE_OBJECT)

GQuark
reel_library_error_quark (void)
{
  return g_quark_from_static_string ("reel-library-error-quark");
}

/* The FTS5 index reads the search_* columns of items (external content),
 * which hold the item's words with Chinese and Japanese characters spaced
 * apart: unicode61 then makes each of them a token, and a query is matched
 * as a phrase of them. Trigrams would not find two-character names such as
 * 小明, and ICU segments a name differently in a query and in a sentence. */
static const char schema_v1[]
    = "CREATE TABLE items ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  kind TEXT NOT NULL CHECK (kind IN ('take', 'character', 'style')),"
      "  name TEXT NOT NULL,"
      "  description TEXT NOT NULL DEFAULT '',"
      "  aliases TEXT NOT NULL DEFAULT '',"
      "  voice TEXT,"
      "  media TEXT,"
      "  media_sha256 TEXT,"
      "  thumbnail TEXT,"
      "  media_kind TEXT,"
      "  backend TEXT,"
      "  model TEXT,"
      "  seed INTEGER NOT NULL DEFAULT 0,"
      "  duration REAL NOT NULL DEFAULT 0,"
      "  source_project TEXT,"
      "  created INTEGER NOT NULL DEFAULT 0,"
      "  search_name TEXT NOT NULL DEFAULT '',"
      "  search_tags TEXT NOT NULL DEFAULT '',"
      "  search_text TEXT NOT NULL DEFAULT ''"
      ");"
      "CREATE UNIQUE INDEX items_by_name ON items (kind, name) WHERE kind != 'take';"
      "CREATE TABLE tags ("
      "  item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,"
      "  facet TEXT NOT NULL CHECK (facet IN ('theme', 'character', 'setting')),"
      "  value TEXT NOT NULL,"
      "  PRIMARY KEY (item_id, facet, value)"
      ");"
      "CREATE VIRTUAL TABLE items_fts USING fts5 ("
      "  search_name, search_tags, search_text,"
      "  content = 'items', content_rowid = 'id',"
      "  tokenize = 'unicode61 remove_diacritics 2'"
      ");"
      "CREATE TRIGGER items_inserted AFTER INSERT ON items BEGIN"
      "  INSERT INTO items_fts (rowid, search_name, search_tags, search_text)"
      "    VALUES (new.id, new.search_name, new.search_tags, new.search_text);"
      "END;"
      "CREATE TRIGGER items_deleted AFTER DELETE ON items BEGIN"
      "  INSERT INTO items_fts (items_fts, rowid, search_name, search_tags, search_text)"
      "    VALUES ('delete', old.id, old.search_name, old.search_tags, old.search_text);"
      "END;"
      "CREATE TRIGGER items_updated AFTER UPDATE ON items BEGIN"
      "  INSERT INTO items_fts (items_fts, rowid, search_name, search_tags, search_text)"
      "    VALUES ('delete', old.id, old.search_name, old.search_tags, old.search_text);"
      "  INSERT INTO items_fts (rowid, search_name, search_tags, search_text)"
      "    VALUES (new.id, new.search_name, new.search_tags, new.search_text);"
      "END;";

/* SQLite header of every database file, "SQLite format 3\0". */
static const char sqlite_magic[16] = "SQLite format 3";

static void
reel_library_finalize (GObject *object)
{
  ReelLibrary *self = REEL_LIBRARY (object);

  if (self->db != NULL)
    {
      sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
    }
  g_clear_object (&self->file);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);

  G_OBJECT_CLASS (reel_library_parent_class)->finalize (object);
}

static void
reel_library_class_init (ReelLibraryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_library_finalize;
}

static void
reel_library_init (ReelLibrary *self)
{
}

/* ------------------------------------------------------------------------ */
/* SQL helpers                                                               */

void
reel_library_set_sql_error (ReelLibrary *self, int rc, GError **error)
{
  switch (rc & 0xff)
    {
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_CORRUPT,
                     _ ("The library is damaged: %s"), sqlite3_errmsg (self->db));
        return;
      case SQLITE_FULL:
        g_set_error_literal (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_IO,
                             _ ("The disk is full, so the library was not changed. Free some "
                                "space and try again."));
        return;
      case SQLITE_CONSTRAINT:
        g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_INVALID,
                     _ ("The library refused the change: %s"), sqlite3_errmsg (self->db));
        return;
      default:
        g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_IO,
                     _ ("The library database reported an error: %s"), sqlite3_errmsg (self->db));
    }
}

gboolean
reel_library_exec (ReelLibrary *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  reel_library_set_sql_error (self, rc, error);
  return FALSE;
}

sqlite3_stmt *
reel_library_prepare (ReelLibrary *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    return stmt;
  g_debug ("SQL prepare failed (%s): %.200s", sqlite3_errmsg (self->db), sql);
  reel_library_set_sql_error (self, rc, error);
  return NULL;
}

gboolean
reel_library_step_done (ReelLibrary *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  reel_library_set_sql_error (self, rc, error);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                   */

GFile *
reel_library_dup_default_file (void)
{
  return g_file_new_build_filename (g_get_user_data_dir (), "storyreel", "library", "library.db",
                                    NULL);
}

static void
set_damaged_error (const char *path, GError **error)
{
  g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_CORRUPT,
               _ ("The library “%s” is damaged and cannot be opened. Move it away to start a new "
                  "library; Storyreel leaves it as it is."),
               path);
}

/* Whether @path, not empty, starts with the header of an SQLite database. */
static gboolean
check_header (const char *path, GError **error)
{
  char  header[16] = { 0 };
  FILE *fp = g_fopen (path, "rb");

  if (fp == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_IO,
                   _ ("Could not open the library “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  if (fread (header, 1, sizeof header, fp) != sizeof header
      || memcmp (header, sqlite_magic, sizeof header) != 0)
    {
      fclose (fp);
      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_NOT_A_LIBRARY,
                   _ ("“%s” is not a Storyreel library. Move it away to start a new library; "
                      "Storyreel leaves it as it is."),
                   path);
      return FALSE;
    }
  fclose (fp);
  return TRUE;
}

static gboolean
check_identity (sqlite3 *db, const char *path, GError **error)
{
  g_autoptr (sqlite3_stmt) check = NULL;
  gint64 application_id = reel_sql_query_int (db, "PRAGMA application_id", -1);
  gint64 version = reel_sql_query_int (db, "PRAGMA user_version", -1);

  if (application_id == -1 || version == -1)
    {
      set_damaged_error (path, error);
      return FALSE;
    }
  if (application_id != REEL_LIBRARY_APPLICATION_ID || version < 1)
    {
      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_NOT_A_LIBRARY,
                   _ ("“%s” is a database of another program, not a Storyreel library. Move it "
                      "away to start a new library; Storyreel leaves it as it is."),
                   path);
      return FALSE;
    }
  if (version > REEL_LIBRARY_SCHEMA_VERSION)
    {
      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_TOO_NEW,
                   _ ("The library “%s” was made by a newer version of Storyreel. Update "
                      "Storyreel to use it."),
                   path);
      return FALSE;
    }
  check = reel_sql_prepare (db, "PRAGMA quick_check", NULL);
  if (check == NULL || sqlite3_step (check) != SQLITE_ROW
      || g_strcmp0 ((const char *) sqlite3_column_text (check, 0), "ok") != 0)
    {
      set_damaged_error (path, error);
      return FALSE;
    }
  return TRUE;
}

/* On a read-only connection that cannot change the file. */
static gboolean
inspect_file_once (const char *path, GError **error)
{
  g_autofree char *uri = NULL;
  sqlite3         *db = NULL;
  gboolean         ok;

  if (!check_header (path, error))
    return FALSE;
  uri = g_strdup_printf ("file:%s?mode=ro", path);
  if (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
    {
      sqlite3_close_v2 (db);
      set_damaged_error (path, error);
      return FALSE;
    }
  /* Another process may be checkpointing or closing it right now. */
  sqlite3_busy_timeout (db, 5000);
  ok = check_identity (db, path, error);
  sqlite3_close_v2 (db);
  return ok;
}

static gboolean
inspect_file (const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  /* A library that another opener is closing can look unreadable for the
   * moment its log is removed (the read-only connection cannot make the
   * log again): look again before calling it damaged. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_clear_error (&local_error);
      if (inspect_file_once (path, &local_error))
        return TRUE;
      if (!g_error_matches (local_error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_CORRUPT))
        break;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
create_schema (ReelLibrary *self, GError **error)
{
  g_autofree char *identity
      = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                         REEL_LIBRARY_APPLICATION_ID, REEL_LIBRARY_SCHEMA_VERSION);

  if (!reel_library_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!reel_library_exec (self, schema_v1, error) || !reel_library_exec (self, identity, error)
      || !reel_library_exec (self, "COMMIT", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_connection (ReelLibrary *self, const char *path, gboolean create, GError **error)
{
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2 (path, &self->db, flags, NULL);

  if (rc != SQLITE_OK)
    {
      int system_errno = self->db != NULL ? sqlite3_system_errno (self->db) : 0;

      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_IO,
                   _ ("Could not open the library “%s”: %s"), path,
                   system_errno != 0 ? g_strerror (system_errno) : sqlite3_errstr (rc));
      g_clear_pointer (&self->db, sqlite3_close_v2);
      return FALSE;
    }
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, TRUE);
  if (!reel_library_exec (self,
                          "PRAGMA journal_mode = WAL;"
                          "PRAGMA synchronous = FULL;"
                          "PRAGMA foreign_keys = ON;",
                          error))
    return FALSE;
  return !create || create_schema (self, error);
}

/* Puts @made_path at @path unless something is there already, by the
 * first of @method and the methods after it that the file system supports.
 * Returns 0 or an errno; EEXIST when something is there. */
static int
put_without_replacing (const char *made_path, const char *path, ReelLibraryPutMethod method)
{
  GStatBuf st;

  switch (method)
    {
      case REEL_LIBRARY_PUT_LINK:
        if (link (made_path, path) == 0)
          return 0;
        if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP)
          return errno;
        /* A file system without hard links. */
        G_GNUC_FALLTHROUGH;
      case REEL_LIBRARY_PUT_RENAME_NOREPLACE:
#ifdef RENAME_NOREPLACE
        if (renameat2 (AT_FDCWD, made_path, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
          return 0;
        /* EINVAL: a file system that cannot rename without replacing;
         * ENOSYS: a kernel older than Linux 3.15. */
        if (errno != EINVAL && errno != ENOSYS)
          return errno;
#endif
        G_GNUC_FALLTHROUGH;
      case REEL_LIBRARY_PUT_CHECK_THEN_RENAME:
      default:
        /* Nothing here can put a file in place atomically without
         * replacing another: a library another opener puts there between
         * the check and the rename is lost, so this narrows the race to
         * that moment rather than closing it. */
        if (g_lstat (path, &st) == 0)
          return EEXIST;
        return g_rename (made_path, path) == 0 ? 0 : errno;
    }
}

int
reel_library_put_file (const char *made_path, const char *path, ReelLibraryPutMethod method)
{
  int      saved_errno = put_without_replacing (made_path, path, method);
  GStatBuf st;

  if (saved_errno != EEXIST)
    return saved_errno;
  /* An empty file left by an old version is replaced. */
  if (g_stat (path, &st) == 0 && st.st_size == 0)
    return g_rename (made_path, path) == 0 ? 0 : errno;
  return 0; /* another opener made it first */
}

/* Lays out a new library beside @path and puts it there only complete, so
 * that a window and `storyreel library` starting at once never see, or
 * delete, each other's half-made file: the first to put it there wins and
 * the others open the winner's. */
static gboolean
make_library_file (ReelLibrary *self, const char *path, GError **error)
{
  g_autofree char *temp_path = g_strconcat (path, ".new-XXXXXX", NULL);
  gboolean         made;
  int              fd;
  int              saved_errno = 0;

  if ((fd = g_mkstemp_full (temp_path, O_RDWR, 0600)) == -1)
    {
      saved_errno = errno;
      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_IO,
                   _ ("Could not open the library “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  made = open_connection (self, temp_path, TRUE, error);
  /* Closing checkpoints the log into the file and removes the log. */
  g_clear_pointer (&self->db, sqlite3_close_v2);
  if (made)
    saved_errno = reel_library_put_file (temp_path, path, REEL_LIBRARY_PUT_LINK);
  g_unlink (temp_path);
  if (made && saved_errno != 0)
    {
      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_IO,
                   _ ("Could not open the library “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  return made;
}

ReelLibrary *
reel_library_open (GFile *file, GError **error)
{
  g_autoptr (ReelLibrary) self = NULL;
  g_autoptr (GFile) folder = NULL;
  g_autoptr (GFile) media = NULL;
  g_autofree char *path = NULL;
  gboolean         create;
  GStatBuf         st;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_IO,
                           _ ("The library must be in a local folder."));
      return NULL;
    }
  create = g_stat (path, &st) != 0 || st.st_size == 0;
  folder = g_file_get_parent (file);
  if (create && g_mkdir_with_parents (g_file_peek_path (folder), 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_IO,
                   _ ("The library’s folder “%s” could not be made: %s"), g_file_peek_path (folder),
                   g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (REEL_TYPE_LIBRARY, NULL);
  self->file = g_object_ref (file);
  media = g_file_get_child (folder, "media");
  self->store = reel_media_store_new (media);
  if ((create && !make_library_file (self, path, error)) || !inspect_file (path, error)
      || !open_connection (self, path, FALSE, error))
    {
      g_clear_pointer (&self->db, sqlite3_close_v2);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError      *error = NULL;
  ReelLibrary *library = reel_library_open (task_data, &error);

  if (library == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, library, g_object_unref);
}

void
reel_library_open_async (GFile              *file,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, reel_library_open_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_thread);
}

ReelLibrary *
reel_library_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
reel_library_get_file (ReelLibrary *self)
{
  g_return_val_if_fail (REEL_IS_LIBRARY (self), NULL);
  return self->file;
}

char *
reel_library_get_media_path (ReelLibrary *self, const char *relative_path)
{
  g_return_val_if_fail (REEL_IS_LIBRARY (self), NULL);
  return reel_media_store_get_path (self->store, relative_path);
}

ReelShotReader *
reel_library_get_reader (ReelLibrary *self, GError **error)
{
  if (self->reader == NULL)
    self->reader = reel_shot_reader_new (error);
  return self->reader;
}
