/* reel-jobs-page.c
 *
 * The Jobs view lists every job of the project in three groups: in progress
 * (running before queued), failed or cancelled, and done (newest first).
 * Below them, the spending ledger lists what the services charged, with the
 * total per currency; above them, a row says when the default engine cannot
 * generate.
 *
 * A feature's batch makes thousands of jobs, so the groups are one
 * virtualised GtkListView over a flattened model: a heading item and a list
 * store per group. Only the rows in sight exist; they are bound to items
 * kept per job id, which move between the stores as their state changes.
 * State changes are coalesced into one refresh that splices each store once;
 * a progress tick touches only its own item, and so the row showing it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "reel-backend-setup.h"
#include "reel-charge-item.h"
#include "reel-job-item.h"
#include "reel-job-row.h"
#include "reel-jobs-page.h"
#include "reel-project-ledger.h"
#include "reel-ui-utils.h"
#include "reel-window.h"
#include "storyreel-ui-resources.h"

/* A burst of job events (a batch being queued, a pass of the scheduler)
 * becomes one refresh after this long. */
#define REFRESH_DELAY_MS 120
/* How often the time a batch still needs is estimated again. */
#define BATCH_TICK_SECONDS 5

struct _ReelJobsPage
{
  GtkWidget parent_instance;

  ReelScheduler *scheduler;
  ReelProject   *project;
  /* gint64 job id → ReelJobItem, for every job listed */
  GHashTable *items;
  /* ReelJobItem by group, and ReelChargeItem, newest first */
  GListStore *active_store;
  GListStore *failed_store;
  GListStore *done_store;
  GListStore *spending_store;
  /* Each holds its group's heading item while the group has items. */
  GListStore *active_heading;
  GListStore *failed_heading;
  GListStore *done_heading;
  GListStore *spending_heading;
  char       *spent_text;
  guint       refresh_source;
  /* Brings the batch's time estimate up to date between job events. */
  guint batch_source;
  guint n_failed;
  /* What the spending list shows: the number of charges and the newest,
   * or -1 when it must be built again (shot numbers or the budget changed). */
  gint64 shown_charges;
  gint64 shown_last_charge;
  char  *engine_problem;

  GtkWidget      *content_box;
  GtkRevealer    *engine_revealer;
  AdwActionRow   *engine_row;
  GtkButton      *engine_button;
  GtkStack       *stack;
  GtkLabel       *summary_label;
  GtkLabel       *narrow_summary_label;
  GtkWidget      *batch_box;
  GtkLabel       *batch_label;
  GtkProgressBar *batch_bar;
  GtkListView    *job_list;
};

G_DEFINE_FINAL_TYPE (ReelJobsPage, reel_jobs_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_N_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The group of a job in @state: 0 in progress, 1 failed or cancelled, 2 done. */
static guint
group_for_state (ReelJobState state)
{
  switch (state)
    {
      case REEL_JOB_DONE:
        return 2;
      case REEL_JOB_FAILED:
      case REEL_JOB_CANCELLED:
        return 1;
      case REEL_JOB_QUEUED:
      case REEL_JOB_SUBMITTING:
      case REEL_JOB_RUNNING:
      case REEL_JOB_DOWNLOADING:
      case REEL_N_JOB_STATES:
      default:
        return 0;
    }
}

/* In progress: running first, then the queue in the order it will run.
 * Finished groups: the newest first. */
static int
compare_items (gconstpointer item_a, gconstpointer item_b)
{
  const ReelJobRecord *a = reel_job_item_get_job (*(ReelJobItem **) item_a);
  const ReelJobRecord *b = reel_job_item_get_job (*(ReelJobItem **) item_b);
  gboolean             a_waiting = a->state == REEL_JOB_QUEUED;
  gboolean             b_waiting = b->state == REEL_JOB_QUEUED;

  if (reel_job_state_is_finished (a->state))
    return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;

  if (a_waiting != b_waiting)
    return a_waiting ? 1 : -1;
  if (a->priority != b->priority)
    return a->priority > b->priority ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id ? 1 : 0;
}

static const char *
backend_label (ReelJobsPage *self, const char *name)
{
  ReelBackend *backend
      = self->scheduler != NULL ? reel_scheduler_get_backend (self->scheduler, name) : NULL;
  const char *label = reel_backend_name_get_label (name);

  if (backend != NULL)
    return reel_backend_get_display_name (backend);
  return label != NULL ? label : name;
}

static void
set_n_failed (ReelJobsPage *self, guint n_failed)
{
  if (self->n_failed == n_failed)
    return;
  self->n_failed = n_failed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
}

static char *
format_summary (guint n_running, guint n_queued, guint n_failed, guint n_done)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (n_running > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u running",
                                                          "%u running", n_running),
                                             n_running));
  if (n_queued > 0)
    g_ptr_array_add (
        parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u queued", "%u queued", n_queued),
                                n_queued));
  if (n_failed > 0)
    g_ptr_array_add (
        parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u failed", "%u failed", n_failed),
                                n_failed));
  if (n_done > 0)
    g_ptr_array_add (
        parts,
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u done", "%u done", n_done), n_done));
  if (parts->len == 0)
    return g_strdup (_ ("No jobs"));

  g_ptr_array_add (parts, NULL);
  /* Translators: the separator of "2 running · 5 queued · 1 failed" */
  return g_strjoinv (_ (" · "), (char **) parts->pdata);
}

/* How many jobs stand where: what the summary and the groups show. */
typedef struct
{
  guint running;
  guint queued;
  guint failed;
  guint cancelled;
  guint done;
} JobCounts;

static void
count_job (JobCounts *counts, ReelJobState state)
{
  switch (state)
    {
      case REEL_JOB_QUEUED:
        counts->queued++;
        break;
      case REEL_JOB_DONE:
        counts->done++;
        break;
      case REEL_JOB_FAILED:
        counts->failed++;
        break;
      case REEL_JOB_CANCELLED:
        counts->cancelled++;
        break;
      case REEL_JOB_SUBMITTING:
      case REEL_JOB_RUNNING:
      case REEL_JOB_DOWNLOADING:
      case REEL_N_JOB_STATES:
      default:
        counts->running++;
        break;
    }
}

/* The item of @job, made the first time, brought up to date. */
static ReelJobItem *
update_item (ReelJobsPage *self, const ReelJobRecord *job)
{
  ReelJobItem *item = g_hash_table_lookup (self->items, &job->id);
  ReelShot    *shot = reel_project_lookup_shot (self->project, job->shot_id);
  const char  *number = shot != NULL ? reel_shot_get_number (shot) : NULL;

  if (item == NULL)
    {
      item = reel_job_item_new (job);
      g_hash_table_insert (self->items, g_memdup2 (&job->id, sizeof job->id), item);
    }
  reel_job_item_update (item, job, number, backend_label (self, job->backend));
  return item;
}

/* Replaces the store's items with @items, touching only the range that
 * differs, so the list view keeps the rows (and focus) of the rest. */
static void
sync_store (GListStore *store, GPtrArray *items)
{
  GListModel *model = G_LIST_MODEL (store);
  guint       n_old = g_list_model_get_n_items (model);
  guint       prefix = 0, suffix = 0;

  while (prefix < n_old && prefix < items->len)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, prefix);
      if (item != g_ptr_array_index (items, prefix))
        break;
      prefix++;
    }
  while (suffix < n_old - prefix && suffix < items->len - prefix)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, n_old - 1 - suffix);
      if (item != g_ptr_array_index (items, items->len - 1 - suffix))
        break;
      suffix++;
    }
  if (prefix == n_old && prefix == items->len)
    return;
  g_list_store_splice (store, prefix, n_old - prefix - suffix, items->pdata + prefix,
                       items->len - prefix - suffix);
}

/* Shows @heading's item while its group has items. */
static void
show_heading (GListStore *heading, const char *title, gboolean shown)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (heading));

  if (shown && n == 0)
    {
      g_autoptr (GtkStringObject) item = gtk_string_object_new (title);
      g_list_store_append (heading, item);
    }
  else if (!shown && n > 0)
    g_list_store_remove_all (heading);
}

/* Jobs cleared from the project, or of a project that is gone. */
static void
forget_items_not_in (ReelJobsPage *self, GHashTable *job_ids)
{
  GHashTableIter iter;
  gpointer       key;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (job_ids, key))
      g_hash_table_iter_remove (&iter);
}

static void
show_counts (ReelJobsPage *self, const JobCounts *counts)
{
  guint            n_active = counts->running + counts->queued;
  guint            n_stopped = counts->failed + counts->cancelled;
  g_autofree char *summary
      = format_summary (counts->running, counts->queued, n_stopped, counts->done);

  show_heading (self->active_heading, _ ("In Progress"), n_active > 0);
  show_heading (self->failed_heading, _ ("Failed and Cancelled"), n_stopped > 0);
  show_heading (self->done_heading, _ ("Done"), counts->done > 0);
  gtk_stack_set_visible_child_name (
      self->stack,
      n_active + n_stopped + counts->done > 0 || self->spent_text != NULL ? "jobs" : "empty");
  gtk_label_set_label (self->summary_label, summary);
  gtk_label_set_label (self->narrow_summary_label, summary);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.cancel-all", n_active > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.clear-finished",
                                 counts->done + counts->cancelled > 0);
  set_n_failed (self, counts->failed);
}

/* The shot a charge paid for, through its take or else its job. */
static const char *
charge_shot_number (ReelJobsPage *self, const ReelLedgerEntry *entry)
{
  gint64 shot_id = 0;

  if (entry->take_id != 0)
    {
      g_autoptr (ReelTake) take = reel_project_get_take (self->project, entry->take_id);

      if (take != NULL)
        shot_id = take->shot_id;
    }
  if (shot_id == 0 && entry->job_id != 0)
    {
      g_autoptr (ReelJobRecord) job = reel_project_get_job (self->project, entry->job_id);

      if (job != NULL)
        shot_id = job->shot_id;
    }
  if (shot_id != 0)
    {
      ReelShot *shot = reel_project_lookup_shot (self->project, shot_id);

      if (shot != NULL)
        return reel_shot_get_number (shot);
    }
  return NULL;
}

static ReelChargeItem *
new_charge_item (ReelJobsPage *self, const ReelLedgerEntry *entry)
{
  const char *number = charge_shot_number (self, entry);
  g_autoptr (GDateTime) created = g_date_time_new_from_unix_local (entry->created);
  g_autofree char *date = created != NULL ? g_date_time_format (created, "%x %H:%M") : NULL;
  g_autofree char *title = NULL;
  g_autofree char *amount = reel_format_money (entry->amount, entry->currency);
  g_autoptr (GString) subtitle = g_string_new (backend_label (self, entry->backend));

  if (number != NULL)
    title = g_strdup_printf (_ ("Shot %s"), number);
  else
    title = g_strdup (_ ("A deleted shot"));
  if (date != NULL)
    g_string_append_printf (subtitle, " · %s", date);
  /* Billed, then refused or lost: paid for all the same. */
  if (entry->take_id == 0)
    {
      g_string_append_c (subtitle, '\n');
      if (entry->note != NULL && *entry->note != '\0')
        g_string_append_printf (subtitle, _ ("Charged without a take: %s"), entry->note);
      else
        g_string_append (subtitle, _ ("Charged without a take"));
    }

  return reel_charge_item_new (title, subtitle->str, amount);
}

static void
refresh_spending (ReelJobsPage *self)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *totals = NULL;
  g_autofree char *spent = NULL;
  g_autoptr (GPtrArray) charges = NULL;
  gint64      last;
  const char *budget_currency = NULL;
  double      budget = 0;

  entries = self->project != NULL
                ? reel_project_list_ledger (self->project)
                : g_ptr_array_new_with_free_func ((GDestroyNotify) reel_ledger_entry_free);
  last = entries->len > 0 ? ((ReelLedgerEntry *) g_ptr_array_index (entries, entries->len - 1))->id
                          : 0;
  /* Job events come many times a second in a batch; charges far less often. */
  if (self->shown_charges == (gint64) entries->len && self->shown_last_charge == last)
    return;
  self->shown_charges = entries->len;
  self->shown_last_charge = last;

  charges = g_ptr_array_new_full (entries->len, g_object_unref);
  for (guint i = entries->len; i > 0; i--)
    g_ptr_array_add (charges, new_charge_item (self, g_ptr_array_index (entries, i - 1)));
  g_list_store_splice (self->spending_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->spending_store)),
                       charges->pdata, charges->len);

  totals = reel_ui_format_ledger_totals (entries);
  if (self->project != NULL && reel_project_get_budget (self->project, &budget, &budget_currency))
    {
      g_autofree char *limit = reel_format_money (budget, budget_currency);

      /* Translators: "¥8.40 of a budget of ¥50.00" */
      spent = g_strdup_printf (_ ("%s of a budget of %s"), totals, limit);
    }
  else
    /* Translators: what was spent in all, "¥8.40 · $0.80 in all" */
    spent = g_strdup_printf (_ ("%s in all"), totals);
  g_clear_pointer (&self->spent_text, g_free);
  if (entries->len > 0)
    self->spent_text = g_steal_pointer (&spent);
  /* The heading shows the total: a new item binds it afresh. */
  g_list_store_remove_all (self->spending_heading);
  if (self->spent_text != NULL)
    {
      g_autoptr (GtkStringObject) heading = gtk_string_object_new (_ ("Spending"));

      g_object_set_data_full (G_OBJECT (heading), "total", g_strdup (self->spent_text), g_free);
      g_list_store_append (self->spending_heading, heading);
    }
}

void
reel_jobs_page_set_engine_problem (ReelJobsPage *self,
                                   const char   *backend,
                                   const char   *label,
                                   const char   *problem)
{
  g_autofree char *title = NULL;
  g_autofree char *button = NULL;

  g_return_if_fail (REEL_IS_JOBS_PAGE (self));

  g_free (self->engine_problem);
  self->engine_problem = g_strdup (problem);
  gtk_revealer_set_reveal_child (self->engine_revealer, problem != NULL);
  if (problem == NULL)
    return;

  /* Translators: "Alibaba Cloud Model Studio cannot generate" */
  title = g_strdup_printf (_ ("%s cannot generate"), label != NULL ? label : backend);
  button = g_strdup_printf (_ ("Set up %s"), label != NULL ? label : backend);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->engine_row), title);
  adw_action_row_set_subtitle (self->engine_row, problem);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->engine_button),
                                          g_variant_new_string (backend));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->engine_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, button, -1);
}

const char *
reel_jobs_page_get_spending_summary (ReelJobsPage *self)
{
  g_return_val_if_fail (REEL_IS_JOBS_PAGE (self), NULL);
  return self->spent_text;
}

const char *
reel_jobs_page_get_engine_problem (ReelJobsPage *self)
{
  g_return_val_if_fail (REEL_IS_JOBS_PAGE (self), NULL);
  return self->engine_problem;
}

static gboolean batch_tick_cb (gpointer user_data);

/* Returns whether a batch is running. */
static gboolean
show_batch_progress (ReelJobsPage *self, GPtrArray *jobs)
{
  double           fraction = 0;
  g_autofree char *progress
      = reel_ui_describe_batch_progress (jobs, g_get_real_time () / 1000, &fraction);

  gtk_widget_set_visible (self->batch_box, progress != NULL);
  if (progress == NULL)
    {
      g_clear_handle_id (&self->batch_source, g_source_remove);
      return FALSE;
    }

  gtk_label_set_label (self->batch_label, progress);
  gtk_progress_bar_set_fraction (self->batch_bar, fraction);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->batch_bar),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, progress, -1);
  if (self->batch_source == 0)
    self->batch_source = g_timeout_add_seconds (BATCH_TICK_SECONDS, batch_tick_cb, self);
  return TRUE;
}

static gboolean
batch_tick_cb (gpointer user_data)
{
  ReelJobsPage *self = user_data;
  g_autoptr (GPtrArray) jobs = NULL;

  jobs = self->scheduler != NULL ? reel_scheduler_list_jobs (self->scheduler) : NULL;
  if (jobs != NULL && show_batch_progress (self, jobs))
    return G_SOURCE_CONTINUE;
  self->batch_source = 0;
  return G_SOURCE_REMOVE;
}

const char *
reel_jobs_page_get_batch_progress (ReelJobsPage *self)
{
  g_return_val_if_fail (REEL_IS_JOBS_PAGE (self), NULL);
  return gtk_widget_get_visible (self->batch_box) ? gtk_label_get_label (self->batch_label) : NULL;
}

void
reel_jobs_page_refresh (ReelJobsPage *self)
{
  g_autoptr (GPtrArray) jobs = NULL;
  g_autoptr (GHashTable) job_ids = NULL;
  GPtrArray  *groups[3] = { NULL };
  GListStore *stores[3] = { self->active_store, self->failed_store, self->done_store };
  JobCounts   counts = { 0 };

  g_return_if_fail (REEL_IS_JOBS_PAGE (self));

  g_clear_handle_id (&self->refresh_source, g_source_remove);

  jobs = self->scheduler != NULL
             ? reel_scheduler_list_jobs (self->scheduler)
             : g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);
  job_ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    groups[g] = g_ptr_array_new ();

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      g_ptr_array_add (groups[group_for_state (job->state)], update_item (self, job));
      g_hash_table_add (job_ids, &job->id);
      count_job (&counts, job->state);
    }
  /* Each group sorted, then spliced into its store at once. */
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_ptr_array_sort (groups[g], compare_items);
      sync_store (stores[g], groups[g]);
      g_ptr_array_unref (groups[g]);
    }
  forget_items_not_in (self, job_ids);
  refresh_spending (self);
  show_batch_progress (self, jobs);
  show_counts (self, &counts);
}

static gboolean
refresh_cb (gpointer user_data)
{
  ReelJobsPage *self = user_data;

  self->refresh_source = 0;
  reel_jobs_page_refresh (self);
  return G_SOURCE_REMOVE;
}

/* The first event of a burst schedules the refresh; later ones ride along,
 * so a steady stream of events still refreshes every REFRESH_DELAY_MS. */
static void
queue_refresh (ReelJobsPage *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_cb, self);
}

static void
job_progress_cb (ReelJobsPage  *self,
                 gint64         job_id,
                 double         fraction,
                 const char    *message,
                 ReelScheduler *scheduler)
{
  ReelJobItem *item = g_hash_table_lookup (self->items, &job_id);

  if (item != NULL)
    reel_job_item_set_progress (item, fraction);
}

static void
project_changed_cb (ReelJobsPage *self, guint flags)
{
  /* Shot numbers and the budget show in the spending list. */
  if (flags & (REEL_CHANGE_PLAN | REEL_CHANGE_SETTINGS))
    self->shown_charges = -1;
  if (flags & (REEL_CHANGE_JOBS | REEL_CHANGE_TAKES | REEL_CHANGE_PLAN | REEL_CHANGE_SETTINGS))
    queue_refresh (self);
}

void
reel_jobs_page_set_scheduler (ReelJobsPage *self, ReelScheduler *scheduler)
{
  g_return_if_fail (REEL_IS_JOBS_PAGE (self));
  g_return_if_fail (scheduler == NULL || REEL_IS_SCHEDULER (scheduler));

  if (self->scheduler == scheduler)
    return;

  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->scheduler, scheduler);
  if (scheduler != NULL)
    g_set_object (&self->project, reel_scheduler_get_project (scheduler));
  else
    g_clear_object (&self->project);
  self->shown_charges = -1;

  if (scheduler != NULL)
    {
      g_signal_connect_object (scheduler, "job-changed", G_CALLBACK (queue_refresh), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (scheduler, "job-progress", G_CALLBACK (job_progress_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->project, "changed", G_CALLBACK (project_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  reel_jobs_page_refresh (self);
}

guint
reel_jobs_page_get_n_failed (ReelJobsPage *self)
{
  g_return_val_if_fail (REEL_IS_JOBS_PAGE (self), 0);
  return self->n_failed;
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelJobsPage *self = REEL_JOBS_PAGE (widget);
  g_autoptr (GError) error = NULL;

  if (self->scheduler != NULL
      && !reel_scheduler_cancel_job (self->scheduler, g_variant_get_int64 (parameter), &error))
    reel_widget_report_error (widget, _ ("Could Not Cancel the Job"), error);
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelJobsPage *self = REEL_JOBS_PAGE (widget);
  gint64        job_id = g_variant_get_int64 (parameter);
  GtkRoot      *root = gtk_widget_get_root (widget);
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GError) error = NULL;

  if (self->scheduler == NULL)
    return;

  /* A job that failed for want of a key would only fail again. */
  job = reel_project_get_job (self->project, job_id);
  if (job != NULL && REEL_IS_WINDOW (root)
      && !reel_window_check_engine (REEL_WINDOW (root), job->backend))
    return;

  if (!reel_scheduler_retry_job (self->scheduler, job_id, &error))
    reel_widget_report_error (widget, _ ("Could Not Try Again"), error);
}

static void
cancel_all_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelJobsPage *self = REEL_JOBS_PAGE (widget);

  if (self->scheduler != NULL)
    reel_scheduler_cancel_all (self->scheduler);
}

static void
clear_finished_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelJobsPage *self = REEL_JOBS_PAGE (widget);
  g_autoptr (GError) error = NULL;

  if (self->project != NULL && !reel_project_clear_finished_jobs (self->project, &error))
    reel_widget_report_error (widget, _ ("Could Not Clear the Finished Jobs"), error);
}

static void
reel_jobs_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelJobsPage *self = REEL_JOBS_PAGE (object);

  switch (prop_id)
    {
      case PROP_N_FAILED:
        g_value_set_uint (value, self->n_failed);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_jobs_page_dispose (GObject *object)
{
  ReelJobsPage *self = REEL_JOBS_PAGE (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->batch_source, g_source_remove);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->project);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_object (&self->active_store);
  g_clear_object (&self->failed_store);
  g_clear_object (&self->done_store);
  g_clear_object (&self->spending_store);
  g_clear_object (&self->active_heading);
  g_clear_object (&self->failed_heading);
  g_clear_object (&self->done_heading);
  g_clear_object (&self->spending_heading);
  g_clear_pointer (&self->spent_text, g_free);
  g_clear_pointer (&self->engine_problem, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_JOBS_PAGE);

  G_OBJECT_CLASS (reel_jobs_page_parent_class)->dispose (object);
}

static void
reel_jobs_page_class_init (ReelJobsPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_jobs_page_dispose;
  object_class->get_property = reel_jobs_page_get_property;

  properties[PROP_N_FAILED]
      = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "job.cancel", "x", cancel_action);
  gtk_widget_class_install_action (widget_class, "job.retry", "x", retry_action);
  gtk_widget_class_install_action (widget_class, "jobs.cancel-all", NULL, cancel_all_action);
  gtk_widget_class_install_action (widget_class, "jobs.clear-finished", NULL,
                                   clear_finished_action);

  g_type_ensure (REEL_TYPE_JOB_ROW);
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  g_type_ensure (ADW_TYPE_SQUEEZER);

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-jobs-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, content_box);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, engine_revealer);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, engine_row);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, engine_button);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, narrow_summary_label);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, batch_box);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, batch_label);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, batch_bar);
  gtk_widget_class_bind_template_child (widget_class, ReelJobsPage, job_list);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* Rows: one factory for the three kinds of item. A row keeps its widget
 * while it is bound to items of the same kind. */

static void
job_item_changed_cb (ReelJobItem *item, ReelJobRow *row)
{
  reel_job_row_update (row, reel_job_item_get_job (item), reel_job_item_get_shot_number (item),
                       reel_job_item_get_backend_label (item));
}

static void
job_item_progress_cb (ReelJobItem *item, ReelJobRow *row)
{
  reel_job_row_set_progress (row, reel_job_item_get_job (item)->progress);
}

static GtkWidget *
new_heading (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  /* A heading to screen readers too, so they can jump between groups. */
  GtkWidget *title
      = g_object_new (GTK_TYPE_LABEL, "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING, NULL);
  GtkWidget *total = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (total), 1);
  gtk_label_set_wrap (GTK_LABEL (total), TRUE);
  gtk_widget_add_css_class (total, "numeric");
  gtk_widget_add_css_class (total, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), total);
  gtk_widget_add_css_class (box, "jobs-heading");
  return box;
}

static GtkWidget *
new_charge_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *amount = gtk_label_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (amount, "numeric");
  gtk_widget_set_valign (amount, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), amount);
  g_object_set_data (G_OBJECT (row), "amount-label", amount);
  return row;
}

/* The child of @list_item, made anew unless it already is a @type. */
static GtkWidget *
child_of_type (GtkListItem *list_item, GType type, GtkWidget *(*make) (void) )
{
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (child == NULL || G_OBJECT_TYPE (child) != type)
    {
      child = make ();
      gtk_list_item_set_child (list_item, child);
    }
  return child;
}

static void
bind_heading (ReelJobsPage *self, GtkListItem *list_item, GtkStringObject *item)
{
  GtkWidget  *box = child_of_type (list_item, GTK_TYPE_BOX, new_heading);
  GtkWidget  *title = gtk_widget_get_first_child (box);
  GtkWidget  *total = gtk_widget_get_next_sibling (title);
  const char *spent = g_object_get_data (G_OBJECT (item), "total");

  gtk_label_set_label (GTK_LABEL (title), gtk_string_object_get_string (item));
  /* Only the spending heading has a total beside it. */
  gtk_label_set_label (GTK_LABEL (total), spent);
  gtk_widget_set_visible (total, spent != NULL);
}

/* Job and charge rows are GtkListBoxRows (AdwActionRows), which focus and
 * draw as they should only inside a GtkListBox: each sits in a boxed list
 * of its own. The row of @list_item, if it is a @type. */
static GtkWidget *
boxed_row (GtkListItem *list_item, GType type)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *row = GTK_IS_LIST_BOX (box) ? gtk_widget_get_first_child (box) : NULL;

  return row != NULL && G_OBJECT_TYPE (row) == type ? row : NULL;
}

/* Each row sits in a list of its own (a bare row in a list view takes the
 * focus badly): named after its group, so a screen reader does not announce
 * an unnamed list for every row. */
static void
label_boxed_row (GtkListItem *list_item, const char *group)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_list_item_get_child (list_item)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, group, -1);
}

static const char *
group_title (ReelJobState state)
{
  switch (group_for_state (state))
    {
      case 1:
        return _ ("Failed and Cancelled");
      case 2:
        return _ ("Done");
      default:
        return _ ("In Progress");
    }
}

static void
set_boxed_row (GtkListItem *list_item, GtkWidget *row)
{
  GtkWidget *box = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (box, "boxed-list");
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_append (GTK_LIST_BOX (box), row);
  gtk_list_item_set_child (list_item, box);
}

static void
item_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ReelJobsPage *self)
{
  GObject *item = gtk_list_item_get_item (list_item);

  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
  if (REEL_IS_JOB_ITEM (item))
    {
      GtkWidget *row = boxed_row (list_item, REEL_TYPE_JOB_ROW);

      /* A row's buttons get their job's id before they reach the page's
       * job.* actions, which take one. */
      if (row == NULL)
        {
          row = reel_job_row_new ();
          job_item_changed_cb (REEL_JOB_ITEM (item), REEL_JOB_ROW (row));
          set_boxed_row (list_item, row);
        }
      else
        job_item_changed_cb (REEL_JOB_ITEM (item), REEL_JOB_ROW (row));
      label_boxed_row (list_item,
                       group_title (reel_job_item_get_job (REEL_JOB_ITEM (item))->state));
      g_signal_connect_object (item, "changed", G_CALLBACK (job_item_changed_cb), row, 0);
      g_signal_connect_object (item, "progress", G_CALLBACK (job_item_progress_cb), row, 0);
    }
  else if (REEL_IS_CHARGE_ITEM (item))
    {
      GtkWidget      *row = boxed_row (list_item, ADW_TYPE_ACTION_ROW);
      ReelChargeItem *charge = REEL_CHARGE_ITEM (item);

      if (row == NULL)
        {
          row = new_charge_row ();
          set_boxed_row (list_item, row);
          label_boxed_row (list_item, _ ("Spending"));
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     reel_charge_item_get_title (charge));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reel_charge_item_get_subtitle (charge));
      gtk_label_set_label (g_object_get_data (G_OBJECT (row), "amount-label"),
                           reel_charge_item_get_amount (charge));
    }
  else if (GTK_IS_STRING_OBJECT (item))
    bind_heading (self, list_item, GTK_STRING_OBJECT (item));
}

static void
item_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ReelJobsPage *self)
{
  GObject   *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = boxed_row (list_item, REEL_TYPE_JOB_ROW);

  if (item != NULL && row != NULL)
    g_signal_handlers_disconnect_by_data (item, row);
}

static void
reel_jobs_page_init (ReelJobsPage *self)
{
  g_autoptr (GListStore) sections = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkFlattenListModel *flat;
  g_autoptr (GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->shown_charges = -1;
  self->active_store = g_list_store_new (REEL_TYPE_JOB_ITEM);
  self->failed_store = g_list_store_new (REEL_TYPE_JOB_ITEM);
  self->done_store = g_list_store_new (REEL_TYPE_JOB_ITEM);
  self->spending_store = g_list_store_new (REEL_TYPE_CHARGE_ITEM);
  self->active_heading = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->failed_heading = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->done_heading = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->spending_heading = g_list_store_new (GTK_TYPE_STRING_OBJECT);

  g_list_store_append (sections, self->active_heading);
  g_list_store_append (sections, self->active_store);
  g_list_store_append (sections, self->failed_heading);
  g_list_store_append (sections, self->failed_store);
  g_list_store_append (sections, self->done_heading);
  g_list_store_append (sections, self->done_store);
  g_list_store_append (sections, self->spending_heading);
  g_list_store_append (sections, self->spending_store);
  flat = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&sections)));

  g_signal_connect_object (factory, "bind", G_CALLBACK (item_bind_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (item_unbind_cb), self, 0);
  gtk_list_view_set_factory (self->job_list, factory);
  selection = gtk_no_selection_new (G_LIST_MODEL (flat));
  gtk_list_view_set_model (self->job_list, GTK_SELECTION_MODEL (selection));

  reel_jobs_page_refresh (self);
}
