/* reel-library.h: the user's asset library, shared by all projects
 *
 * ReelLibrary owns one SQLite database, $XDG_DATA_HOME/storyreel/library/library.db,
 * with a content-addressed media folder beside it. It keeps takes (their media
 * and thumbnail copied into that folder), character sheets and styles, each
 * tagged by theme, character and setting, and finds them again with an FTS5
 * index that searches Chinese as well as English. A kept item can be used in
 * another project: a take is imported into a shot, a character or style is
 * added to the project's own.
 *
 * One connection, used on the thread that opened it or handed over whole; every
 * edit is one transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_LIBRARY_ERROR (reel_library_error_quark ())
GQuark reel_library_error_quark (void);

typedef enum
{
  REEL_LIBRARY_ERROR_NOT_A_LIBRARY, /* a foreign file, SQLite or not */
  REEL_LIBRARY_ERROR_TOO_NEW,       /* made by a newer Storyreel */
  REEL_LIBRARY_ERROR_CORRUPT,       /* damaged database */
  REEL_LIBRARY_ERROR_NOT_FOUND,     /* no such item, take or shot */
  REEL_LIBRARY_ERROR_INVALID,       /* an item that cannot be kept or used that way */
  REEL_LIBRARY_ERROR_IO,            /* disk full, permission, … */
} ReelLibraryError;

/* What a library item is; also a filter (REEL_LIBRARY_KIND_ANY). */
typedef enum
{
  REEL_LIBRARY_KIND_ANY,
  REEL_LIBRARY_KIND_TAKE,
  REEL_LIBRARY_KIND_CHARACTER,
  REEL_LIBRARY_KIND_STYLE,
} ReelLibraryKind;

/* "take", "character", "style" ("" for ANY). */
const char *reel_library_kind_to_string (ReelLibraryKind kind);
gboolean    reel_library_kind_from_string (const char *str, ReelLibraryKind *kind);

/* The library's schema version, PRAGMA user_version. */
#define REEL_LIBRARY_SCHEMA_VERSION 1
/* PRAGMA application_id of the library: "RLIB". */
#define REEL_LIBRARY_APPLICATION_ID 0x524c4942

typedef struct
{
  gint64          id;
  ReelLibraryKind kind;
  char           *name;        /* a take: its shot's text, shortened; else the name */
  char           *description; /* a take: its prompt; a character: looks; a style: its prompt */
  char          **aliases;     /* a character's other names; never NULL */
  char           *voice;       /* a character's voice, or NULL */
  char           *media;       /* take media or a character's picture, in the library's store */
  char           *media_sha256;
  char           *thumbnail;  /* in the library's store, or NULL */
  char           *media_kind; /* "video" or "image", for takes */
  char           *backend;
  char           *model;
  gint64          seed;
  double          duration;
  char           *source_project; /* title of the project it was kept from */
  gint64          created;        /* unix time */
  /* Tags: never NULL. */
  char **themes;
  char **characters;
  char **settings;
} ReelLibraryItem;

ReelLibraryItem *reel_library_item_copy (const ReelLibraryItem *item);
void             reel_library_item_free (ReelLibraryItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelLibraryItem, reel_library_item_free)

/* A character sheet to keep. */
typedef struct
{
  const char        *name;
  const char *const *aliases; /* nullable */
  const char        *description;
  const char        *reference_image; /* a picture file to copy in, or NULL */
  const char        *voice;
} ReelLibraryCharacterSheet;

#define REEL_TYPE_LIBRARY (reel_library_get_type ())
G_DECLARE_FINAL_TYPE (ReelLibrary, reel_library, REEL, LIBRARY, GObject)

/* $XDG_DATA_HOME/storyreel/library/library.db */
GFile *reel_library_dup_default_file (void);

/* Opens the library at @file, creating it (and its folder) when no file is
 * there. A file that is not a Storyreel library, or is damaged, is refused
 * and left as it is. */
ReelLibrary *reel_library_open (GFile *file, GError **error);
void         reel_library_open_async (GFile              *file,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
ReelLibrary *reel_library_open_finish (GAsyncResult *result, GError **error);

GFile *reel_library_get_file (ReelLibrary *self);
/* Absolute path of a file in the library's media folder. */
char *reel_library_get_media_path (ReelLibrary *self, const char *relative_path);

/* Keeps take @take_id of @project: copies its media and thumbnail into the
 * library and tags it from what its shot's text says. Returns the new
 * item's id, or 0 with @error. Blocks on the copy: for a command line. */
gint64 reel_library_add_take (ReelLibrary  *self,
                              ReelProject  *project,
                              gint64        take_id,
                              GCancellable *cancellable,
                              GError      **error);
/* The same with the copy in a worker thread; @project is read at once. */
void   reel_library_add_take_async (ReelLibrary        *self,
                                    ReelProject        *project,
                                    gint64              take_id,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
gint64 reel_library_add_take_finish (ReelLibrary *self, GAsyncResult *result, GError **error);

/* Keeps a character sheet (its picture copied in), or replaces the one of
 * the same name. Returns its id, or 0. */
gint64 reel_library_add_character (ReelLibrary                     *self,
                                   const ReelLibraryCharacterSheet *sheet,
                                   GError                         **error);
/* Keeps a style, or replaces the one of the same name. */
gint64
reel_library_add_style (ReelLibrary *self, const char *name, const char *prompt, GError **error);

/* Items matching @query (words, each matched as a prefix, all required;
 * Chinese without spaces), best first; NULL or "" lists every item, newest
 * first. (transfer full) (element-type ReelLibraryItem) */
GPtrArray *
reel_library_search (ReelLibrary *self, const char *query, ReelLibraryKind kind, GError **error);
/* (transfer full), or NULL with REEL_LIBRARY_ERROR_NOT_FOUND. */
ReelLibraryItem *reel_library_get_item (ReelLibrary *self, gint64 item_id, GError **error);
/* Forgets an item; its media stay in the store, which may share them. */
gboolean reel_library_remove (ReelLibrary *self, gint64 item_id, GError **error);

/* Uses item @item_id in @project: a take is copied into the project's media
 * store and becomes a take of @shot_id (verified as any import is); a
 * character or a style is added to the project's own (@shot_id unused), a
 * character's picture copied into the project's media store, off the main
 * thread, as its reference image. The callback gets the id of what was added in the project. */
void   reel_library_use_async (ReelLibrary        *self,
                               gint64              item_id,
                               ReelProject        *project,
                               gint64              shot_id,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data);
gint64 reel_library_use_finish (ReelLibrary *self, GAsyncResult *result, GError **error);

G_END_DECLS
