/* reel-project-ledger.c: the spending ledger and the budget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-project-ledger.h"
#include "reel-project-private.h"

void
reel_ledger_entry_free (ReelLedgerEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->backend);
  g_free (entry->currency);
  g_free (entry->note);
  g_free (entry->usage);
  g_free (entry);
}

gboolean
reel_project_insert_ledger_row (ReelProject *self,
                                gint64       job_id,
                                gint64       take_id,
                                const char  *backend,
                                double       amount,
                                const char  *currency,
                                const char  *note,
                                const char  *usage,
                                gint64       created,
                                GError     **error)
{
  g_autoptr (sqlite3_stmt) insert = reel_sql_prepare (
      self->db,
      "INSERT INTO ledger (job_id, take_id, backend, amount, currency, note, usage, created)"
      " VALUES (nullif(?, 0), nullif(?, 0), ?, ?, ?, ?, ?, ?)",
      error);

  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, job_id);
  sqlite3_bind_int64 (insert, 2, take_id);
  sqlite3_bind_text (insert, 3, backend != NULL ? backend : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (insert, 4, amount);
  sqlite3_bind_text (insert, 5, currency, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 6, note, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 7, usage, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 8, created != 0 ? created : g_get_real_time () / G_USEC_PER_SEC);
  return reel_sql_step_done (self->db, insert, error);
}

GPtrArray *
reel_project_list_ledger (ReelProject *self)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_ledger_entry_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), entries);

  stmt = reel_sql_prepare (self->db,
                           "SELECT id, ifnull(job_id, 0), ifnull(take_id, 0), backend, amount,"
                           " currency, note, usage, created FROM ledger ORDER BY id",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      ReelLedgerEntry *entry = g_new0 (ReelLedgerEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->job_id = sqlite3_column_int64 (stmt, 1);
      entry->take_id = sqlite3_column_int64 (stmt, 2);
      entry->backend = reel_sql_dup_text (stmt, 3);
      entry->amount = sqlite3_column_double (stmt, 4);
      entry->currency = reel_sql_dup_text (stmt, 5);
      entry->note = reel_sql_dup_text (stmt, 6);
      entry->usage = reel_sql_dup_text (stmt, 7);
      entry->created = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (entries, entry);
    }
  return entries;
}

double
reel_project_get_spent (ReelProject *self, const char *currency)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  stmt = reel_sql_prepare (self->db, "SELECT total(amount) FROM ledger WHERE currency IS ?", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, currency, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_double (stmt, 0) : 0;
}

gboolean
reel_project_record_charge (ReelProject *self,
                            gint64       job_id,
                            const char  *backend,
                            double       amount,
                            const char  *currency,
                            const char  *note,
                            const char  *usage,
                            GError     **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!reel_project_begin_system_edit (self, error))
    return FALSE;
  if (!reel_project_insert_ledger_row (self, job_id, 0, backend, amount, currency, note, usage, 0,
                                       error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  return reel_project_commit_system_edit (self, REEL_CHANGE_JOBS, error);
}

gboolean
reel_project_get_budget (ReelProject *self, double *amount, const char **currency)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (self->budget < 0)
    return FALSE;
  if (amount != NULL)
    *amount = self->budget;
  if (currency != NULL)
    *currency = self->budget_currency;
  return TRUE;
}

gboolean
reel_project_set_budget (ReelProject *self, double amount, const char *currency, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (amount >= 0 && (currency == NULL || *currency == '\0'))
    {
      g_set_error_literal (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                           _ ("A budget needs a currency, such as CNY or USD."));
      return FALSE;
    }
  stmt = reel_sql_prepare (
      self->db, "UPDATE project SET budget = ?, budget_currency = ? WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  if (amount >= 0)
    {
      sqlite3_bind_double (stmt, 1, amount);
      sqlite3_bind_text (stmt, 2, currency, -1, SQLITE_TRANSIENT);
    }
  return reel_project_run_edit (self, amount >= 0 ? _ ("Set budget") : _ ("Remove budget"),
                                REEL_CHANGE_SETTINGS, stmt, error);
}
