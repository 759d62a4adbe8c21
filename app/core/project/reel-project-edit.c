/* reel-project-edit.c: edit transactions
 *
 * A user edit is one transaction and one undo step; a system edit (job
 * bookkeeping, generated takes) is one transaction that undo does not record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include "reel-project-private.h"

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
  reel_project_notify_history (self, could_undo, could_redo);
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

gboolean
reel_project_run_edit (
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
