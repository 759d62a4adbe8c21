/* reel-project-ledger.h: what generation has cost, and the project's budget
 *
 * Every charge a service made is a row of the spending ledger: the take it
 * paid for, or, for a job that failed after it was billed, the job alone.
 * The ledger records work done and is not part of the undoable document.
 * The budget is a project setting like the others (undoable).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-project.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 id;
  gint64 job_id;  /* 0 when none */
  gint64 take_id; /* 0 for a job that failed after it was billed */
  char  *backend;
  double amount;
  char  *currency;
  char  *note;  /* why a charge has no take, or NULL */
  char  *usage; /* the service's usage report, JSON, or NULL */
  gint64 created;
} ReelLedgerEntry;

void reel_ledger_entry_free (ReelLedgerEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelLedgerEntry, reel_ledger_entry_free)

/* (transfer full) ReelLedgerEntry*, oldest first. */
GPtrArray *reel_project_list_ledger (ReelProject *self);
/* The sum of the ledger in @currency. */
double reel_project_get_spent (ReelProject *self, const char *currency);
/* A charge for a job that produced no take (billed, then refused or lost). */
gboolean reel_project_record_charge (ReelProject *self,
                                     gint64       job_id,
                                     const char  *backend,
                                     double       amount,
                                     const char  *currency,
                                     const char  *note,
                                     const char  *usage,
                                     GError     **error);

/* The budget, or FALSE when the project has none. */
gboolean reel_project_get_budget (ReelProject *self, double *amount, const char **currency);
/* @amount < 0 removes the budget. */
gboolean
reel_project_set_budget (ReelProject *self, double amount, const char *currency, GError **error);

G_END_DECLS
