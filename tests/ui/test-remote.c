/* test-remote.c: a paid remote engine in a real window, against a fake service
 *
 * The window's own Alibaba Cloud Model Studio engine, made from the settings
 * as a user's is, talks to a loopback fake of the service
 * (tests/generate/fake-dashscope.h). The tests drive the window the way a
 * user does (Generate All and its estimate, Quit, the Jobs view's Cancel)
 * and check what the user sees against what reached the service and what
 * the project recorded: the estimate is what the service bills, quitting
 * does not cancel, a cancel is sent once, and a refusal is said plainly and
 * not paid for again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fake-dashscope.h"
#include "reel-application.h"
#include "reel-job-row.h"
#include "reel-jobs-page.h"
#include "reel-project-jobs.h"
#include "reel-project-ledger.h"
#include "reel-scheduler.h"
#include "reel-shot-card.h"
#include "reel-take-strip.h"
#include "reel-take-tile.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

#define DASHSCOPE_KEY "sk-storyreel-remote-gui-7c41e2"
/* A model the international price table (which a loopback base URL bills
 * from) has a price for: $0.10 a second at 720P. */
#define MODEL "wan2.6-t2v"
#define SHOT_SECONDS 5
/* What the fake bills a task: the duration asked for, at the size asked for. */
#define PRICE_PER_SECOND 0.10
/* Each wait normally takes a second or two (the engine polls every second). */
#define WAIT_TIMEOUT_MS 30000
/* A quit that takes longer than this kept the main loop from the user. */
#define PROMPT_CLOSE_MS 1500

static const char script[] = "EXT. HARBOUR - DAWN\n\n"
                             "Fishing boats rock at their moorings.\n\n"
                             "A gull lands on the lamp post.\n";
#define N_SHOTS 2

/* Registered, so its startup ran: styles, shortcuts, help overlay. */
static ReelApplication *application;

static GSettings *
settings (void)
{
  GSettings *app_settings = reel_application_get_settings (application);

  g_assert_nonnull (app_settings);
  return app_settings;
}

/* ------------------------------------------------------------------------ */
/* Waiting                                                                   */

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* reel_ui_test_wait_until(), waking up now and then: some conditions change
 * in the fake's thread, which does not wake the main loop. */
static void
wait_for (ReelUiTestCondition condition, gpointer data, const char *what)
{
  guint tick = g_timeout_add (10, tick_cb, NULL);

  reel_ui_test_wait_until (condition, data, what);
  g_source_remove (tick);
}

/* ------------------------------------------------------------------------ */
/* The fixture: a fake service, the settings pointing at it, a new project   */

typedef struct
{
  char              *dir;
  GFile             *file;
  ReelProject       *project;
  ReelFakeDashscope *fake;
  gint64             shots[N_SHOTS];
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) video = reel_fake_make_video ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  GListModel      *shots;

  fixture->fake = reel_fake_dashscope_new (DASHSCOPE_KEY, video);

  /* The engine a user picks in Preferences, at the address the fake is at. */
  g_settings_set_string (settings (), "default-backend", "dashscope");
  g_settings_set_string (settings (), "dashscope-model", MODEL);
  g_settings_set_string (settings (), "dashscope-base-url",
                         reel_fake_dashscope_get_base_url (fixture->fake));

  fixture->dir = reel_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "Harbour.storyreel", NULL);
  fixture->file = g_file_new_for_path (path);
  fixture->project = reel_application_import_script (fixture->file, script, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_resolution (fixture->project, 1280, 720, &error));
  g_assert_no_error (error);

  shots = reel_project_get_shots (fixture->project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, N_SHOTS);
  for (guint i = 0; i < N_SHOTS; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);

      fixture->shots[i] = reel_shot_get_id (shot);
      g_assert_true (reel_project_set_shot_duration (fixture->project, fixture->shots[i],
                                                     SHOT_SECONDS, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->project);
  g_clear_pointer (&fixture->fake, reel_fake_dashscope_free);
  g_clear_object (&fixture->file);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);

  g_settings_reset (settings (), "default-backend");
  g_settings_reset (settings (), "dashscope-model");
  g_settings_reset (settings (), "dashscope-base-url");
  g_settings_reset (settings (), "recent-projects");
}

/* ------------------------------------------------------------------------ */
/* The window                                                                */

static gboolean
dashscope_is_ready (gpointer data)
{
  ReelScheduler *scheduler = reel_window_get_scheduler (data);
  ReelBackend   *backend
      = scheduler != NULL ? reel_scheduler_get_backend (scheduler, "dashscope") : NULL;

  return backend != NULL && reel_backend_check_ready (backend, NULL);
}

/* The window's Model Studio is set up once its key has been looked up. */
static void
wait_for_engine (ReelWindow *window)
{
  reel_ui_test_wait_until (dashscope_is_ready, window, "the window's Model Studio to be set up");
}

static ReelWindow *
open_window (Fixture *fixture)
{
  ReelWindow *window = reel_ui_test_open_window (application, fixture->project, 1280, 860);

  wait_for_engine (window);
  return window;
}

static void
close_window (ReelWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static ReelShotCard *
card_for_shot (ReelWindow *window, gint64 shot_id)
{
  g_autoptr (GPtrArray) cards = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (window), REEL_TYPE_SHOT_CARD, cards);
  for (guint i = 0; i < cards->len; i++)
    if (reel_shot_get_id (reel_shot_card_get_shot (cards->pdata[i])) == shot_id)
      return cards->pdata[i];
  return NULL;
}

/* Cards decode their pictures in a worker: @data is a ReelShotCard. */
static gboolean
card_has_picture (gpointer data)
{
  return reel_shot_card_has_picture (data);
}

static ReelJobRow *
row_for_job (ReelWindow *window, gint64 job_id)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  reel_jobs_page_refresh (REEL_JOBS_PAGE (reel_window_get_view (window, "jobs")));
  reel_ui_test_collect_descendants (reel_window_get_view (window, "jobs"), REEL_TYPE_JOB_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (reel_job_row_get_job (rows->pdata[i])->id == job_id)
      return rows->pdata[i];
  return NULL;
}

/* The rows of the Spending group: the ones titled after the shot they paid for. */
static GPtrArray *
charge_rows (ReelWindow *window)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GPtrArray *charges = g_ptr_array_new ();

  reel_ui_test_collect_descendants (reel_window_get_view (window, "jobs"), ADW_TYPE_ACTION_ROW,
                                    rows);
  for (guint i = 0; i < rows->len; i++)
    if (!REEL_IS_JOB_ROW (rows->pdata[i])
        && g_str_has_prefix (adw_preferences_row_get_title (rows->pdata[i]), "Shot "))
      g_ptr_array_add (charges, rows->pdata[i]);
  return charges;
}

/* The text of the label at the end of @row: a charge's amount. */
static const char *
row_suffix_label (GtkWidget *row)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  reel_ui_test_collect_descendants (row, GTK_TYPE_LABEL, labels);
  g_assert_cmpuint (labels->len, >, 0);
  return gtk_label_get_label (labels->pdata[labels->len - 1]);
}

/* The label of @widget that shows @text is shown whole, and inside
 * @widget's own area: a card that says why it failed says it on the card. */
static void
assert_label_inside (GtkWidget *widget, const char *text)
{
  g_autoptr (GPtrArray) labels = reel_ui_test_find_mapped (widget, GTK_TYPE_LABEL);
  GtkWidget      *label = NULL;
  graphene_rect_t bounds;

  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (labels->pdata[i]), text) == 0)
      label = labels->pdata[i];
  if (label == NULL)
    for (guint i = 0; i < labels->len; i++)
      g_test_message ("Not “%s”: “%s”", text, gtk_label_get_label (labels->pdata[i]));
  g_assert_nonnull (label);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  g_assert_true (gtk_widget_compute_bounds (label, widget, &bounds));
  g_test_message ("“%s” is at y %.0f to %.0f in a %s %d px high", text, bounds.origin.y,
                  bounds.origin.y + bounds.size.height, G_OBJECT_TYPE_NAME (widget),
                  gtk_widget_get_height (widget));
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (widget));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (widget));
}

/* The message dialog on screen, answered */

static AdwMessageDialog *
shown_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return shown_message_dialog () != NULL;
}

static gboolean
no_message_dialog (gpointer data)
{
  return shown_message_dialog () == NULL;
}

static AdwMessageDialog *
wait_for_message_dialog (void)
{
  reel_ui_test_wait_until (message_dialog_shown, NULL, "a message dialog");
  return shown_message_dialog ();
}

/* What the Generate button of the dialog does. */
static void
answer_message_dialog (AdwMessageDialog *dialog, const char *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  adw_message_dialog_response (dialog, response);
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_destroy (GTK_WINDOW (dialog));
  reel_ui_test_wait_until (no_message_dialog, NULL, "the message dialog to close");
}

/* Generate All, and Generate in the dialog that says what it costs. Returns
 * the dialog's body. */
static char *
generate_all_confirmed (ReelWindow *window, const char *screenshot)
{
  AdwMessageDialog *dialog;
  char             *body;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-all", NULL));
  dialog = wait_for_message_dialog ();
  g_test_message ("%s — %s", adw_message_dialog_get_heading (dialog),
                  adw_message_dialog_get_body (dialog));
  body = g_strdup (adw_message_dialog_get_body (dialog));
  if (screenshot != NULL)
    {
      reel_ui_test_settle (GTK_WIDGET (dialog));
      reel_ui_test_save_png (GTK_WIDGET (dialog), screenshot, NULL);
    }
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Generate 2 Shots?");
  answer_message_dialog (dialog, "generate");
  return body;
}

/* ------------------------------------------------------------------------ */
/* What the project recorded                                                 */

/* The one job of @shot_id. (transfer full) */
static ReelJobRecord *
only_job_of (ReelProject *project, gint64 shot_id)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (project, FALSE);
  ReelJobRecord *found = NULL;

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      if (job->shot_id == shot_id)
        {
          g_assert_null (found);
          found = job;
        }
    }
  g_assert_nonnull (found);
  return reel_job_record_copy (found);
}

static guint
count_jobs (ReelProject *project)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (project, FALSE);

  return jobs->len;
}

static guint
count_takes (ReelProject *project, gint64 shot_id)
{
  g_autoptr (GPtrArray) takes = reel_project_list_takes (project, shot_id);

  return takes->len;
}

typedef struct
{
  ReelProject  *project;
  const gint64 *shots;
  guint         n_shots;
} Shots;

/* Every shot's job has its task id committed to the project. */
static gboolean
tasks_committed (gpointer data)
{
  Shots *shots = data;

  for (guint i = 0; i < shots->n_shots; i++)
    {
      g_autoptr (GPtrArray) jobs = reel_project_list_jobs (shots->project, FALSE);
      gboolean committed = FALSE;

      for (guint j = 0; j < jobs->len; j++)
        {
          ReelJobRecord *job = g_ptr_array_index (jobs, j);

          committed |= job->shot_id == shots->shots[i] && job->remote_id != NULL;
        }
      if (!committed)
        return FALSE;
    }
  return TRUE;
}

/* Every shot has a take, and the window's scheduler has nothing left to do. */
static gboolean
shots_have_takes (gpointer data)
{
  Shots          *shots = data;
  GtkApplication *app = GTK_APPLICATION (application);

  for (guint i = 0; i < shots->n_shots; i++)
    if (count_takes (shots->project, shots->shots[i]) == 0)
      return FALSE;
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    {
      ReelScheduler *scheduler
          = REEL_IS_WINDOW (l->data) ? reel_window_get_scheduler (l->data) : NULL;

      if (scheduler != NULL
          && (reel_scheduler_get_n_unfinished (scheduler) > 0
              || reel_scheduler_get_n_running (scheduler) > 0))
        return FALSE;
    }
  return TRUE;
}

static gboolean
scheduler_is_idle (gpointer data)
{
  return reel_scheduler_get_n_unfinished (data) == 0 && reel_scheduler_get_n_running (data) == 0;
}

typedef struct
{
  ReelFakeDashscope *fake;
  guint              count;
} FakeCount;

static gboolean
fake_has_creates (gpointer data)
{
  FakeCount *wanted = data;

  return reel_fake_dashscope_count_creates (wanted->fake) >= wanted->count;
}

static gboolean
fake_has_cancels (gpointer data)
{
  FakeCount *wanted = data;

  return reel_fake_dashscope_count_cancels (wanted->fake, NULL) >= wanted->count;
}

/* Cancel requests that reached the service at all, refused ones included. */
static guint
count_cancel_requests (ReelFakeDashscope *fake)
{
  return reel_fake_server_count (reel_fake_dashscope_get_server (fake), "POST", "/api/v1/tasks/");
}

static guint
count_create_requests (ReelFakeDashscope *fake)
{
  return reel_fake_server_count (reel_fake_dashscope_get_server (fake), "POST",
                                 "/api/v1/services/aigc/");
}

/* ------------------------------------------------------------------------ */
/* The tests                                                                 */

/* Two shots on Model Studio: the estimate is what the service then bills,
 * both shots get their take, and the Jobs view lists the two charges. */
static void
test_generate_two_shots (Fixture *fixture, gconstpointer data)
{
  g_autofree char *body = NULL;
  g_autofree char *expected_body = NULL;
  g_autofree char *per_shot = NULL;
  g_autofree char *total = NULL;
  g_autofree char *summary = NULL;
  g_autoptr (GPtrArray) ledger = NULL;
  g_autoptr (GPtrArray) charges = NULL;
  g_autoptr (GArray) shown = NULL;
  ReelWindow    *window = open_window (fixture);
  ReelScheduler *scheduler = reel_window_get_scheduler (window);
  ReelJobsPage  *jobs_page = REEL_JOBS_PAGE (reel_window_get_view (window, "jobs"));
  ReelTakeStrip *strip;
  Shots          shots = { fixture->project, fixture->shots, N_SHOTS };
  double         billed = 0;

  /* The bill the fake will send: each task bills the 5 s asked for at 720P. */
  per_shot = reel_format_money (SHOT_SECONDS * PRICE_PER_SECOND, "USD");
  total = reel_format_money (N_SHOTS * SHOT_SECONDS * PRICE_PER_SECOND, "USD");
  g_assert_cmpstr (per_shot, ==, "$0.50");
  g_assert_cmpstr (total, ==, "$1.00");
  expected_body = g_strdup_printf ("%u shots × %u s ≈ %s on Alibaba Cloud Model Studio.", N_SHOTS,
                                   SHOT_SECONDS, total);

  /* Nothing generated yet. */
  for (guint i = 0; i < N_SHOTS; i++)
    g_assert_cmpstr (reel_shot_card_get_status_text (card_for_shot (window, fixture->shots[i])), ==,
                     "Not generated yet");
  g_assert_null (reel_jobs_page_get_spending_summary (jobs_page));

  body = generate_all_confirmed (window, "remote-estimate-dialog.png");
  g_assert_cmpstr (body, ==, expected_body);
  g_assert_cmpuint (count_jobs (fixture->project), ==, N_SHOTS);

  wait_for (shots_have_takes, &shots, "both shots to get their take");
  g_assert_true (scheduler_is_idle (scheduler));

  /* What reached the service: one task per shot, each downloaded, none cancelled. */
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->fake), ==, N_SHOTS);
  g_assert_cmpuint (count_create_requests (fixture->fake), ==, N_SHOTS);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->fake, NULL), >=, N_SHOTS);
  g_assert_cmpuint (count_cancel_requests (fixture->fake), ==, 0);
  g_assert_false (reel_fake_dashscope_download_saw_authorization (fixture->fake));
  {
    g_autofree char *create = reel_fake_dashscope_dup_last_create_body (fixture->fake);
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_autoptr (GError) error = NULL;
    JsonObject *parameters;

    g_assert_true (json_parser_load_from_data (parser, create, -1, &error));
    g_assert_no_error (error);
    parameters = reel_fake_json_object (json_node_get_object (json_parser_get_root (parser)),
                                        "parameters");
    g_assert_cmpstr (reel_fake_json_string (parameters, "size"), ==, "1280*720");
    g_assert_cmpfloat (reel_fake_json_number (parameters, "duration", 0), ==, SHOT_SECONDS);
  }

  /* The storyboard: each card is done and shows its take. */
  reel_window_show_view (window, "storyboard");
  reel_window_select_shot (window, fixture->shots[0]);
  reel_ui_test_settle (GTK_WIDGET (window));
  for (guint i = 0; i < N_SHOTS; i++)
    {
      ReelShotCard *card = card_for_shot (window, fixture->shots[i]);
      g_autoptr (ReelJobRecord) job = only_job_of (fixture->project, fixture->shots[i]);

      g_assert_nonnull (card);
      g_assert_cmpstr (reel_shot_card_get_status_text (card), ==, "Done");
      reel_ui_test_wait_until (card_has_picture, card, "the card's picture");
      g_assert_null (reel_shot_card_get_media_problem (card));
      g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
      g_assert_cmpuint (job->attempts, ==, 1);
      g_assert_nonnull (job->remote_id);
      g_assert_cmpint (count_takes (fixture->project, fixture->shots[i]), ==, 1);
      g_assert_cmpint (reel_shot_get_chosen_take_id (
                           reel_project_lookup_shot (fixture->project, fixture->shots[i])),
                       ==, job->take_id);
    }

  /* The take strip of the selected shot shows its one take. */
  strip = REEL_TAKE_STRIP (reel_ui_test_find_first (GTK_WIDGET (window), REEL_TYPE_TAKE_STRIP));
  g_assert_nonnull (strip);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (strip)));
  g_assert_cmpint (reel_take_strip_get_shot (strip), ==, fixture->shots[0]);
  shown = reel_take_strip_dup_shown_takes (strip);
  g_assert_cmpuint (shown->len, ==, 1);
  {
    g_autoptr (GPtrArray) tiles
        = reel_ui_test_find_mapped (GTK_WIDGET (strip), REEL_TYPE_TAKE_TILE);
    g_autoptr (ReelJobRecord) job = only_job_of (fixture->project, fixture->shots[0]);

    g_assert_cmpint (g_array_index (shown, gint64, 0), ==, job->take_id);
    g_autofree char *details = NULL;

    g_assert_cmpuint (tiles->len, ==, 1);
    g_assert_cmpint (reel_take_tile_get_take_id (tiles->pdata[0]), ==, job->take_id);
    /* The tile says where the take came from and what it cost, in the
     * words and money of the estimate and the Jobs view. */
    details = g_strdup_printf ("Alibaba Cloud Model Studio · %s", per_shot);
    assert_label_inside (tiles->pdata[0], details);
  }
  reel_ui_test_save_png (GTK_WIDGET (window), "remote-storyboard.png", NULL);

  /* The project's ledger: one charge per take, as the service billed it. */
  ledger = reel_project_list_ledger (fixture->project);
  g_assert_cmpuint (ledger->len, ==, N_SHOTS);
  for (guint i = 0; i < ledger->len; i++)
    {
      ReelLedgerEntry *entry = g_ptr_array_index (ledger, i);
      g_autoptr (ReelTake) take = reel_project_get_take (fixture->project, entry->take_id);

      g_assert_cmpstr (entry->backend, ==, "dashscope");
      g_assert_cmpstr (entry->currency, ==, "USD");
      /* The service billed the 5 s asked for, at 720P. */
      g_assert_cmpfloat_with_epsilon (take->billed_seconds, SHOT_SECONDS, 1e-9);
      g_assert_cmpfloat_with_epsilon (entry->amount, take->billed_seconds * PRICE_PER_SECOND, 1e-9);
      g_assert_cmpfloat_with_epsilon (entry->amount, SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
      g_autoptr (ReelJobRecord) job = NULL;

      g_assert_nonnull (take);
      job = only_job_of (fixture->project, take->shot_id);
      g_assert_cmpint (entry->job_id, ==, job->id);
      g_assert_cmpint (job->take_id, ==, take->id);
      billed += entry->amount;
    }
  g_assert_cmpfloat_with_epsilon (billed, N_SHOTS * SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
  g_assert_cmpfloat_with_epsilon (reel_project_get_spent (fixture->project, "USD"), billed, 1e-9);
  /* The estimate the user agreed to is what was billed. */
  {
    g_autofree char *billed_text = reel_format_money (billed, "USD");

    g_assert_nonnull (strstr (body, billed_text));
  }

  /* The Jobs view's Spending group says the same. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "jobs"));
  reel_jobs_page_refresh (jobs_page);
  reel_ui_test_settle (GTK_WIDGET (window));
  summary = g_strdup_printf ("%s in all", total);
  g_test_message ("Spending: %s", reel_jobs_page_get_spending_summary (jobs_page));
  g_assert_cmpstr (reel_jobs_page_get_spending_summary (jobs_page), ==, summary);
  charges = charge_rows (window);
  g_assert_cmpuint (charges->len, ==, N_SHOTS);
  for (guint i = 0; i < N_SHOTS; i++)
    {
      ReelShot        *shot = reel_project_lookup_shot (fixture->project, fixture->shots[i]);
      g_autofree char *title = g_strdup_printf ("Shot %s", reel_shot_get_number (shot));
      gboolean         listed = FALSE;

      for (guint j = 0; j < charges->len; j++)
        if (g_str_equal (adw_preferences_row_get_title (charges->pdata[j]), title))
          {
            g_assert_false (listed);
            listed = TRUE;
            g_assert_true (gtk_widget_get_mapped (charges->pdata[j]));
            g_assert_cmpstr (row_suffix_label (charges->pdata[j]), ==, per_shot);
            g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (charges->pdata[j]),
                                             "Alibaba Cloud Model Studio"));
          }
      g_assert_true (listed);
    }
  reel_ui_test_save_png (GTK_WIDGET (window), "remote-spending.png", NULL);

  close_window (window);
}

/* Quit while the service works: nothing is cancelled there, the jobs keep
 * their tasks, and the next start picks them up without paying again. */
static void
test_quit_resumes (Fixture *fixture, gconstpointer data)
{
  g_autofree char *body = NULL;
  g_auto (GStrv) remote_ids = g_new0 (char *, N_SHOTS + 1);
  g_autoptr (ReelProject) reopened = NULL;
  g_auto (GStrv) tasks = NULL;
  ReelWindow *window = open_window (fixture);
  Shots       shots = { fixture->project, fixture->shots, N_SHOTS };
  FakeCount   creates = { fixture->fake, N_SHOTS };
  GList      *windows;
  gint64      started, took_ms;

  /* The service holds every task in its queue until told otherwise. */
  reel_fake_dashscope_set_latency (fixture->fake, REEL_FAKE_FOREVER, 0);
  body = generate_all_confirmed (window, NULL);
  wait_for (fake_has_creates, &creates, "the service to have both tasks");
  /* The cards say they are being generated once the tasks are known. */
  wait_for (tasks_committed, &shots, "both task ids to be committed");
  g_assert_cmpuint (reel_scheduler_get_n_running (reel_window_get_scheduler (window)), ==, N_SHOTS);

  /* Quit, as Ctrl+Q does: the window closes at once. */
  started = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (application), "quit", NULL);
  took_ms = (g_get_monotonic_time () - started) / 1000;
  g_test_message ("Quitting took %" G_GINT64_FORMAT " ms", took_ms);
  g_assert_cmpint (took_ms, <, PROMPT_CLOSE_MS);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (application)));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* Nothing was cancelled at the service, and the jobs wait for next time. */
  g_assert_cmpuint (count_cancel_requests (fixture->fake), ==, 0);
  tasks = reel_fake_dashscope_dup_task_ids (fixture->fake);
  g_assert_cmpuint (g_strv_length (tasks), ==, N_SHOTS);
  for (guint i = 0; i < N_SHOTS; i++)
    {
      g_autoptr (ReelJobRecord) job = only_job_of (fixture->project, fixture->shots[i]);
      g_autofree char *status = NULL;

      g_assert_true (job->state == REEL_JOB_QUEUED || job->state == REEL_JOB_RUNNING);
      g_assert_nonnull (job->remote_id);
      g_assert_true (g_strv_contains ((const char *const *) tasks, job->remote_id));
      status = reel_fake_dashscope_dup_task_status (fixture->fake, job->remote_id);
      g_assert_cmpstr (status, ==, "PENDING");
      g_assert_cmpuint (count_takes (fixture->project, fixture->shots[i]), ==, 0);
      remote_ids[i] = g_strdup (job->remote_id);
    }
  g_assert_cmpstr (remote_ids[0], !=, remote_ids[1]);

  /* Storyreel starts again on the project, and the service now finishes. */
  g_clear_object (&fixture->project);
  reel_fake_dashscope_set_latency (fixture->fake, 0, 0);
  g_assert_true (reel_application_open_file (application, fixture->file, NULL));
  windows = gtk_application_get_windows (GTK_APPLICATION (application));
  g_assert_nonnull (windows);
  g_assert_null (windows->next);
  window = REEL_WINDOW (windows->data);
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, window, "the window to be mapped");
  reel_ui_test_wait_until (reel_ui_test_window_has_project, window, "the project to open");
  reopened = g_object_ref (reel_window_get_project (window));
  shots.project = reopened;
  wait_for (shots_have_takes, &shots, "the resumed jobs to bring their takes");
  reel_ui_test_settle (GTK_WIDGET (window));

  /* Exactly one task per shot: resumed, never made again. */
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->fake), ==, N_SHOTS);
  g_assert_cmpuint (count_create_requests (fixture->fake), ==, N_SHOTS);
  g_assert_cmpuint (count_cancel_requests (fixture->fake), ==, 0);
  for (guint i = 0; i < N_SHOTS; i++)
    {
      g_autoptr (ReelJobRecord) job = only_job_of (reopened, fixture->shots[i]);

      g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
      g_assert_cmpstr (job->remote_id, ==, remote_ids[i]);
      g_assert_cmpuint (count_takes (reopened, fixture->shots[i]), ==, 1);
      g_assert_cmpstr (reel_shot_card_get_status_text (card_for_shot (window, fixture->shots[i])),
                       ==, "Done");
      reel_ui_test_wait_until (card_has_picture, card_for_shot (window, fixture->shots[i]),
                               "the card's picture");
    }
  {
    g_autoptr (GPtrArray) ledger = reel_project_list_ledger (reopened);

    g_assert_cmpuint (ledger->len, ==, N_SHOTS);
  }
  reel_ui_test_save_png (GTK_WIDGET (window), "remote-resumed.png", NULL);

  close_window (window);
}

/* The Cancel button of a running job in the Jobs view asks the service to
 * cancel its task, once. */
static void
test_cancel_from_jobs_view (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GPtrArray) buttons = NULL;
  g_autofree char *status = NULL;
  ReelWindow      *window = open_window (fixture);
  ReelScheduler   *scheduler = reel_window_get_scheduler (window);
  Shots            shots = { fixture->project, fixture->shots, 1 };
  FakeCount        cancels = { fixture->fake, 1 };
  ReelJobRow      *row;
  GtkWidget       *cancel_button = NULL;

  /* One shot from its card's Generate: no estimate for a single click. */
  reel_fake_dashscope_set_latency (fixture->fake, REEL_FAKE_FOREVER, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_for_shot (window, fixture->shots[0])),
                                             "shot.generate", NULL));
  g_assert_null (shown_message_dialog ());
  wait_for (tasks_committed, &shots, "the task id to be committed");
  job = only_job_of (fixture->project, fixture->shots[0]);
  g_assert_cmpint (job->state, ==, REEL_JOB_RUNNING);

  /* The Jobs view shows it running, with its Cancel button. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "jobs"));
  reel_ui_test_settle (GTK_WIDGET (window));
  row = row_for_job (window, job->id);
  g_assert_nonnull (row);
  reel_ui_test_settle (GTK_WIDGET (window));
  buttons = reel_ui_test_find_mapped (GTK_WIDGET (row), GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "job.cancel") == 0)
      {
        g_assert_null (cancel_button);
        cancel_button = buttons->pdata[i];
      }
  g_assert_nonnull (cancel_button);
  g_assert_true (gtk_widget_is_sensitive (cancel_button));
  reel_ui_test_save_png (GTK_WIDGET (window), "remote-jobs-running.png", NULL);

  /* Clicked. */
  g_signal_emit_by_name (cancel_button, "clicked");
  reel_ui_test_wait_until (scheduler_is_idle, scheduler, "the cancelled job to end");
  wait_for (fake_has_cancels, &cancels, "the cancel to reach the service");
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_cmpuint (reel_fake_dashscope_count_cancels (fixture->fake, job->remote_id), ==, 1);
  g_assert_cmpuint (count_cancel_requests (fixture->fake), ==, 1);
  status = reel_fake_dashscope_dup_task_status (fixture->fake, job->remote_id);
  g_assert_cmpstr (status, ==, "CANCELED");
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->fake), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->fake, NULL), ==, 0);

  g_clear_pointer (&job, reel_job_record_free);
  job = only_job_of (fixture->project, fixture->shots[0]);
  g_assert_cmpint (job->state, ==, REEL_JOB_CANCELLED);
  g_assert_cmpuint (count_takes (fixture->project, fixture->shots[0]), ==, 0);
  {
    g_autoptr (GPtrArray) ledger = reel_project_list_ledger (fixture->project);

    g_assert_cmpuint (ledger->len, ==, 0);
  }
  reel_window_show_view (window, "storyboard");
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpstr (reel_shot_card_get_status_text (card_for_shot (window, fixture->shots[0])), ==,
                   "Cancelled");

  close_window (window);
}

/* The service refuses the prompt: the card says so in plain words, and the
 * job is not tried again (each try would be refused, and could be billed). */
static void
test_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autofree char *tooltip = NULL;
  ReelWindow      *window = open_window (fixture);
  ReelScheduler   *scheduler = reel_window_get_scheduler (window);
  ReelShotCard    *card = card_for_shot (window, fixture->shots[0]);

  reel_fake_dashscope_set_refuse_creates (fixture->fake, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "shot.generate", NULL));
  g_assert_cmpuint (count_jobs (fixture->project), ==, 1);
  reel_ui_test_wait_until (scheduler_is_idle, scheduler, "the refused job to end");
  reel_ui_test_settle (GTK_WIDGET (window));

  g_assert_cmpstr (reel_shot_card_get_status_text (card), ==, "Content refused");
  g_assert_false (reel_shot_card_has_picture (card));
  tooltip = g_strdup (reel_shot_get_status_message (reel_shot_card_get_shot (card)));
  g_test_message ("The card says: %s", tooltip);
  g_assert_nonnull (tooltip);
  assert_label_inside (GTK_WIDGET (card), tooltip);
  reel_ui_test_save_png (GTK_WIDGET (window), "remote-refused.png", NULL);

  job = only_job_of (fixture->project, fixture->shots[0]);
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_REFUSED);
  g_assert_cmpuint (job->attempts, ==, 1);
  g_assert_null (job->remote_id);

  /* Asked once, and nothing made, listed or paid for. */
  g_assert_cmpuint (count_create_requests (fixture->fake), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->fake), ==, 0);
  g_assert_cmpuint (count_cancel_requests (fixture->fake), ==, 0);
  {
    g_autoptr (GPtrArray) ledger = reel_project_list_ledger (fixture->project);

    g_assert_cmpuint (ledger->len, ==, 0);
  }

  /* The Jobs view says it too. */
  reel_window_show_view (window, "jobs");
  reel_ui_test_settle (GTK_WIDGET (window));
  {
    ReelJobRow *row = row_for_job (window, job->id);

    g_assert_nonnull (row);
    g_test_message ("The Jobs view says: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
    g_assert_nonnull (
        strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Content refused"));
  }

  close_window (window);
}

/* A shot the blocklist stops is shown the way a refusal is, with the
 * reason on its card, and the service never hears of it. */
static void
test_blocked (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) job = NULL;
  const char    *reason;
  ReelWindow    *window = open_window (fixture);
  ReelScheduler *scheduler = reel_window_get_scheduler (window);
  ReelShotCard  *card = card_for_shot (window, fixture->shots[0]);

  g_assert_true (reel_project_set_shot_text (fixture->project, fixture->shots[0],
                                             "The harbour wall: a D E E P F A K E of the mayor.",
                                             &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "shot.generate", NULL));
  reel_ui_test_wait_until (scheduler_is_idle, scheduler, "the blocked job to end");
  reel_ui_test_settle (GTK_WIDGET (window));

  g_assert_cmpstr (reel_shot_card_get_status_text (card), ==, "Content refused");
  reason = reel_shot_get_status_message (reel_shot_card_get_shot (card));
  g_test_message ("The card says: %s", reason);
  g_assert_nonnull (strstr (reason, "before sending"));
  g_assert_nonnull (strstr (reason, "“deepfake”"));
  assert_label_inside (GTK_WIDGET (card), reason);

  job = only_job_of (fixture->project, fixture->shots[0]);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_REFUSED);
  g_assert_cmpuint (count_create_requests (fixture->fake), ==, 0);

  close_window (window);
}

int
main (int argc, char *argv[])
{
  int status;

  /* The key comes from the environment, and the service's address from
   * the settings (each test's fake has its own port). */
  g_setenv ("DASHSCOPE_API_KEY", DASHSCOPE_KEY, TRUE);
  g_unsetenv ("DASHSCOPE_HTTP_BASE_URL");

  g_test_init (&argc, &argv, NULL);
  reel_ui_test_set_wait_timeout (WAIT_TIMEOUT_MS);

  application = reel_ui_test_register_application ();
  /* Batches may end while a dialog has the focus: no desktop to tell here. */
  g_settings_set_boolean (settings (), "notify-when-done", FALSE);

  g_test_add ("/ui/remote/generate", Fixture, NULL, fixture_set_up, test_generate_two_shots,
              fixture_tear_down);
  g_test_add ("/ui/remote/quit-resumes", Fixture, NULL, fixture_set_up, test_quit_resumes,
              fixture_tear_down);
  g_test_add ("/ui/remote/cancel", Fixture, NULL, fixture_set_up, test_cancel_from_jobs_view,
              fixture_tear_down);
  g_test_add ("/ui/remote/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/ui/remote/blocked", Fixture, NULL, fixture_set_up, test_blocked, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
