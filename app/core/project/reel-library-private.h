/* reel-library-private.h: the parts of ReelLibrary shared by its source files
 *
 * ReelLibrary spans three files:
 *   reel-library.c        the GObject, opening and creating, the schema, SQL helpers
 *   reel-library-items.c  items and their tags: keeping, searching, removing
 *   reel-library-use.c    keeping a project's take, and using items in a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "reel-library.h"
#include "reel-media-store.h"
#include "reel-project-private.h"
#include "reel-shot-reader.h"

G_BEGIN_DECLS

struct _ReelLibrary
{
  GObject parent_instance;

  sqlite3        *db;
  GFile          *file;
  ReelMediaStore *store;
  /* Made on first use; immutable, so workers may share it. */
  ReelShotReader *reader;
};

/* SQL helpers: every failure becomes a REEL_LIBRARY_ERROR with a readable message. */
gboolean      reel_library_exec (ReelLibrary *self, const char *sql, GError **error);
sqlite3_stmt *reel_library_prepare (ReelLibrary *self, const char *sql, GError **error);
gboolean      reel_library_step_done (ReelLibrary *self, sqlite3_stmt *stmt, GError **error);
void          reel_library_set_sql_error (ReelLibrary *self, int rc, GError **error);

/* How a newly made library file is put in its place without replacing one
 * another opener put there first; each falls back to the next where the
 * file system does not support it. */
typedef enum
{
  REEL_LIBRARY_PUT_LINK,              /* link(), then removing the made file */
  REEL_LIBRARY_PUT_RENAME_NOREPLACE,  /* renameat2() with RENAME_NOREPLACE */
  REEL_LIBRARY_PUT_CHECK_THEN_RENAME, /* racy: the last resort */
} ReelLibraryPutMethod;

/* Puts the complete library @made_path at @path, starting with @method. An
 * empty file at @path (left by an old version) is replaced; a file with
 * anything in it is left as it is, and @made_path then stays where it is
 * for the caller to remove. Returns 0 when a library is at @path, made by
 * this call or another opener, or an errno. */
int reel_library_put_file (const char *made_path, const char *path, ReelLibraryPutMethod method);

/* Items */
ReelLibraryItem *reel_library_item_new (ReelLibraryKind kind);
/* Inserts @item with its tags in one transaction; fills @item->id. An item
 * that is not a take replaces the one of its kind with its name. */
gboolean reel_library_insert_item (ReelLibrary *self, ReelLibraryItem *item, GError **error);

/* The shot reader, made on first use; NULL with @error when the user's
 * vocabulary files cannot be read. (transfer none) */
ReelShotReader *reel_library_get_reader (ReelLibrary *self, GError **error);

G_END_DECLS
