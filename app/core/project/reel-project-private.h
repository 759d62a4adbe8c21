/* reel-project-private.h: the parts of ReelProject shared by its source files
 *
 * ReelProject spans several files, one concern each:
 *   reel-project.c             the GObject, opening and creating, notifications
 *   reel-project-sql.c         SQL helpers
 *   reel-project-schema.c      schema and migrations
 *   reel-project-model.c       reading the document into the cached model
 *   reel-project-edit.c        edit transactions
 *   reel-project-undo.c        the undo log, undo and redo
 *   reel-project-settings.c    settings and the script
 *   reel-project-plan.c        scenes, shots and captions
 *   reel-project-breakdown.c   applying a script breakdown
 *   reel-project-characters.c  the cast
 *   reel-project-takes.c       takes and board images
 *   reel-project-jobs.c        generation jobs
 *   reel-project-copy.c        Save a Copy, and snapshots of the database
 *   reel-project-import.c      media files imported as takes or music
 *   reel-project-json.c        inspect output
 *   reel-project-cut.c         the cut's edits
 *   reel-project-styles.c      the project's own styles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "reel-project.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef struct
{
  gint64          first_seq;
  gint64          last_seq;
  char           *label;
  ReelChangeFlags flags;
} ReelUndoStep;

struct _ReelProject
{
  GObject parent_instance;

  sqlite3 *db;
  GFile   *file;
  GFile   *media_dir;

  /* Cached settings, reloaded after every change. */
  char  *title;
  char  *language;
  char  *script;
  guint  width;
  guint  height;
  guint  fps;
  double default_shot_duration;
  double budget; /* negative: none */
  char  *budget_currency;

  GListStore *scenes;
  GListStore *shots;
  GHashTable *scenes_by_id; /* gint64* → ReelScene* */
  GHashTable *shots_by_id;  /* gint64* → ReelShot* */
  /* ReelPlanWarning* of the last breakdown applied; NULL before any. */
  GPtrArray *breakdown_warnings;

  /* Undo: steps are ranges of the temp.undo_log table. */
  GPtrArray *undo_steps;
  GPtrArray *redo_steps;
  gint64     edit_mark;
  /* Shots whose takes or jobs a system edit touched; NULL: reload them all. */
  GArray *dirty_shots;
  guint   in_edit : 1;
  guint   in_system_edit : 1;
};

/* Schema */
gboolean reel_project_schema_create (sqlite3 *db, GError **error);
gboolean reel_project_schema_migrate (sqlite3 *db, int from_version, GError **error);

/* SQL helpers: every failure becomes a REEL_PROJECT_ERROR with a readable message. */
gboolean      reel_sql_exec (sqlite3 *db, const char *sql, GError **error);
sqlite3_stmt *reel_sql_prepare (sqlite3 *db, const char *sql, GError **error);
gboolean      reel_sql_step_done (sqlite3 *db, sqlite3_stmt *stmt, GError **error);
void          reel_sql_set_error (sqlite3 *db, int rc, GError **error);
gint64        reel_sql_query_int (sqlite3 *db, const char *sql, gint64 fallback);
char         *reel_sql_dup_text (sqlite3_stmt *stmt, int column);

/* Lifecycle */
/* NAME.media/ beside NAME.storyreel. */
GFile *reel_project_media_dir_for (GFile *file);
void   reel_project_notify_title (ReelProject *self);
/* Notifies can-undo and can-redo where they differ from the values before a change. */
void reel_project_notify_history (ReelProject *self, gboolean could_undo, gboolean could_redo);

/* Writes what @db holds, changes still in its -wal file included, as a
 * database of its own at @dest_path, through a temporary renamed into place
 * once complete and on the disk: a crash never leaves a partial copy under
 * @dest_path. */
gboolean reel_project_snapshot (sqlite3 *db, const char *dest_path, GError **error);

/* Undo log */
gboolean reel_project_undo_install (ReelProject *self, GError **error);
gint64   reel_project_undo_last_seq (ReelProject *self);
void     reel_undo_step_free (ReelUndoStep *step);
/* Replays a step backwards inside its own transaction; the statements it logs
 * become the opposite step. */
ReelUndoStep *reel_project_undo_replay (ReelProject *self, ReelUndoStep *step, GError **error);
void          reel_project_undo_set_recording (ReelProject *self, gboolean recording);

/* Edits: one transaction each. A user edit becomes an undo step; a system edit
 * (job progress, generated takes) is not recorded. */
gboolean reel_project_begin_edit (ReelProject *self, GError **error);
gboolean reel_project_commit_edit (ReelProject    *self,
                                   const char     *label,
                                   ReelChangeFlags flags,
                                   GError        **error);
void     reel_project_rollback_edit (ReelProject *self);
gboolean reel_project_begin_system_edit (ReelProject *self, GError **error);
gboolean reel_project_commit_system_edit (ReelProject *self, ReelChangeFlags flags, GError **error);
/* Runs one parameterised statement as a whole undoable edit. */
gboolean reel_project_run_edit (ReelProject    *self,
                                const char     *label,
                                ReelChangeFlags flags,
                                sqlite3_stmt   *stmt,
                                GError        **error);

/* Settings */
/* Whether @seconds is a shot length Storyreel accepts. */
gboolean reel_project_check_shot_duration (double seconds, GError **error);

/* Plan */
/* Writes a shot's captions inside the caller's transaction. */
gboolean reel_project_write_captions (ReelProject *self,
                                      gint64       shot_id,
                                      GPtrArray   *captions,
                                      GError     **error);
gboolean reel_captions_equal (GPtrArray *a, GPtrArray *b);

/* Inserts a take inside the caller's transaction. */
gboolean reel_project_add_take_in_transaction (ReelProject *self, ReelTake *take, GError **error);

/* Inside a system edit: only this shot's generation status needs a reload. */
void reel_project_mark_shot_dirty (ReelProject *self, gint64 shot_id);

void reel_project_reload (ReelProject *self, ReelChangeFlags flags);
void reel_project_emit_changed (ReelProject *self, ReelChangeFlags flags);

/* Inside the caller's transaction. */
gboolean reel_project_insert_ledger_row (ReelProject *self,
                                         gint64       job_id,
                                         gint64       take_id,
                                         const char  *backend,
                                         double       amount,
                                         const char  *currency,
                                         const char  *note,
                                         const char  *usage,
                                         gint64       created,
                                         GError     **error);

G_END_DECLS
