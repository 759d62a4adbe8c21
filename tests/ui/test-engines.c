/* test-engines.c: paid engines in a real window: keys, costs, readiness
 *
 * Runs inside build-aux/test's D-Bus session, whose gnome-keyring-daemon is
 * unlocked and thrown away afterwards: the key stored from the preferences
 * goes through the real Secret Service. fal.ai's key comes from FAL_KEY (set
 * here), Model Studio has none until the keyring test gives it one, and the
 * test backend stands for a paid service that needs no network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "reel-api-keys.h"
#include "reel-application.h"
#include "reel-backend-setup.h"
#include "reel-job-row.h"
#include "reel-jobs-page.h"
#include "reel-preferences-window.h"
#include "reel-price-row.h"
#include "reel-project-jobs.h"
#include "reel-project-ledger.h"
#include "reel-scheduler.h"
#include "reel-shot-card.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

#define TEST_FAL_KEY "fal-test-key-from-the-environment"
#define TEST_DASHSCOPE_KEY "sk-storyreel-keyring-test-5f3a9c"

/* Registered, so its startup ran: styles, shortcuts, help overlay. */
static ReelApplication *application;

static GSettings *
settings (void)
{
  GSettings *app_settings = reel_application_get_settings (application);

  g_assert_nonnull (app_settings);
  return app_settings;
}

/* Finding things the way a user does: by the titles on screen */

/* The row of @type titled @row_title (any title if NULL) in the group titled
 * @group_title (any group if NULL), or NULL. */
static GtkWidget *
find_row (GtkWidget *root, const char *group_title, GType type, const char *row_title)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  reel_ui_test_collect_descendants (root, type, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = rows->pdata[i];
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (row_title != NULL
          && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), row_title) != 0)
        continue;
      if (group_title != NULL
          && (group == NULL
              || g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)),
                            group_title)
                     != 0))
        continue;
      return row;
    }
  return NULL;
}

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

/* Waits for the dialog, answers it with @response and waits for it to go. */
static AdwMessageDialog *
wait_for_message_dialog (void)
{
  reel_ui_test_wait_until (message_dialog_shown, NULL, "a message dialog");
  return shown_message_dialog ();
}

static void
answer_message_dialog (AdwMessageDialog *dialog, const char *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_destroy (GTK_WINDOW (dialog));
  reel_ui_test_wait_until (no_message_dialog, NULL, "the message dialog to close");
}

static GtkWidget *
open_preferences (ReelWindow *window, ReelProject *project)
{
  GtkWidget *preferences = reel_preferences_window_new (GTK_WINDOW (window), project);

  gtk_window_present (GTK_WINDOW (preferences));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, preferences,
                           "the preferences to be mapped");
  reel_ui_test_settle (preferences);
  return preferences;
}

/* Waiting for the window's engines */

static gboolean
engines_set_up (gpointer data)
{
  ReelScheduler *scheduler = reel_window_get_scheduler (data);

  for (const char *const *name = reel_backend_list_names (); *name != NULL; name++)
    if (reel_scheduler_get_backend (scheduler, *name) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
dashscope_is_ready (gpointer data)
{
  ReelBackend *backend = reel_scheduler_get_backend (reel_window_get_scheduler (data), "dashscope");

  return backend != NULL && reel_backend_check_ready (backend, NULL);
}

static gboolean
dashscope_is_not_ready (gpointer data)
{
  ReelBackend *backend = reel_scheduler_get_backend (reel_window_get_scheduler (data), "dashscope");

  return backend != NULL && !reel_backend_check_ready (backend, NULL);
}

static ReelWindow *
open_demo_window (const char *tmpdir, ReelProject **project)
{
  ReelWindow *window;

  *project = reel_ui_test_load_demo_project (tmpdir);
  window = reel_ui_test_open_window (application, *project, 1280, 860);
  reel_ui_test_wait_until (engines_set_up, window, "every shipped engine in the scheduler");
  return window;
}

static void
close_window (ReelWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_settings_reset (settings (), "default-backend");
  g_settings_reset (settings (), "prices");
}

static gboolean
scheduler_is_idle (gpointer data)
{
  return reel_scheduler_get_n_unfinished (data) == 0 && reel_scheduler_get_n_running (data) == 0;
}

static guint
count_jobs (ReelProject *project)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (project, FALSE);

  return jobs->len;
}

/* Takes Model Studio's key out of the keyring; FALSE when there is no
 * keyring in this session. */
static gboolean
clear_dashscope_key (void)
{
  g_autoptr (GError) error = NULL;

  if (!reel_api_key_store ("dashscope", NULL, NULL, &error))
    {
      g_test_message ("No keyring in this session: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  gsize            needle_length = strlen (needle);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (contents + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWidget  *row;
  const char *needle;
} SubtitleWait;

static gboolean
subtitle_contains (gpointer data)
{
  SubtitleWait *wait = data;
  const char   *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (wait->row));

  return subtitle != NULL && strstr (subtitle, wait->needle) != NULL;
}

/* Every file of the project (the database, its WAL, the media) is free of
 * @needle. */
static void
assert_not_in_directory (const char *dir, const char *needle)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_not_in_directory (path, needle);
      else if (file_contains (path, needle))
        g_error ("%s holds the API key", path);
    }
}

static void
assert_not_in_settings (GSettings *app_settings, const char *needle)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  g_object_get (app_settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr (GVariant) value = g_settings_get_value (app_settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      if (strstr (printed, needle) != NULL)
        g_error ("The setting %s holds the API key", keys[i]);
    }
}

/* The price of the project's resolution (1280 × 720) on fal.ai's default model. */
#define FAL_PRICE_KEY "fal/fal-ai/wan/v2.2-a14b/text-to-video/720P"

static double
fal_estimate (ReelWindow *window)
{
  g_auto (ReelCostEstimate) estimate = { 0 };
  ReelGenerateOptions options = { .backend = "fal" };

  g_assert_true (reel_scheduler_estimate (reel_window_get_scheduler (window), NULL, 0, &options,
                                          &estimate, NULL));
  return estimate.amount;
}

typedef struct
{
  ReelWindow *window;
  double      before;
} PriceWait;

static gboolean
fal_estimate_changed (gpointer data)
{
  PriceWait *wait = data;

  return !G_APPROX_VALUE (fal_estimate (wait->window), wait->before, 1e-9);
}

/* The Default Engine row offers exactly the engines that exist. */
static void
test_preferences_list_engines (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = NULL;
  ReelWindow *window = open_demo_window (tmpdir, &project);
  GtkWidget  *preferences = open_preferences (window, project);
  GtkWidget  *engine_row;
  GListModel *model;
  guint       n_names = g_strv_length ((GStrv) reel_backend_list_names ());

  engine_row = find_row (preferences, "Generation", ADW_TYPE_COMBO_ROW, "Default _Engine");
  g_assert_nonnull (engine_row);
  model = adw_combo_row_get_model (ADW_COMBO_ROW (engine_row));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_names);
  for (guint i = 0; i < n_names; i++)
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), i), ==,
                     reel_backend_name_get_label (reel_backend_list_names ()[i]));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (engine_row)), ==, 0);

  /* Choosing one sets the preference. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (engine_row), 2);
  {
    g_autofree char *chosen = g_settings_get_string (settings (), "default-backend");
    g_assert_cmpstr (chosen, ==, reel_backend_list_names ()[2]);
  }

  /* Each remote engine has its group, and fal.ai says its key comes from
   * the environment, which overrides the keyring. */
  g_assert_nonnull (find_row (preferences, "Alibaba Cloud Model Studio",
                              ADW_TYPE_PASSWORD_ENTRY_ROW, "API _Key"));
  g_assert_nonnull (find_row (preferences, "fal.ai", ADW_TYPE_PASSWORD_ENTRY_ROW, "API _Key"));
  {
    GtkWidget   *status = find_row (preferences, "fal.ai", ADW_TYPE_ACTION_ROW, "Connection");
    SubtitleWait wait = { status, "FAL_KEY" };

    g_assert_nonnull (status);
    reel_ui_test_wait_until (subtitle_contains, &wait, "fal.ai's key to be looked up");
    g_test_message ("fal.ai: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (status)));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (status)), "overrides"));
  }
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "generation");
  gtk_window_set_default_size (GTK_WINDOW (preferences), 600, 960);
  reel_ui_test_settle (preferences);
  reel_ui_test_save_png (preferences, "preferences-generation.png", NULL);
  /* Further down: fal.ai and the prices. */
  {
    g_autoptr (GPtrArray) scrolled
        = reel_ui_test_find_mapped (preferences, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment;

    g_assert_cmpuint (scrolled->len, >, 0);
    adjustment = gtk_scrolled_window_get_vadjustment (scrolled->pdata[0]);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    reel_ui_test_settle (preferences);
    reel_ui_test_save_png (preferences, "preferences-generation-end.png", NULL);
  }
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* A price changed in the editor is an override in the settings, and the
   * window's engine estimates with it; Reset brings the published one back. */
  {
    GtkWidget *preferences_again = open_preferences (window, project);
    GtkWidget *row = NULL;
    g_autoptr (GPtrArray) rows = g_ptr_array_new ();
    g_autoptr (GVariant) overrides = NULL;
    PriceWait wait = { window, 0 };
    double    price = 0;

    reel_ui_test_collect_descendants (preferences_again, REEL_TYPE_PRICE_ROW, rows);
    for (guint i = 0; i < rows->len; i++)
      if (g_str_equal (reel_price_row_get_key (rows->pdata[i]), FAL_PRICE_KEY))
        row = rows->pdata[i];
    g_assert_nonnull (row);
    g_assert_cmpfloat_with_epsilon (reel_price_row_get_price (REEL_PRICE_ROW (row)),
                                    reel_price_row_get_published (REEL_PRICE_ROW (row)), 1e-9);
    wait.before = fal_estimate (window);
    g_assert_cmpfloat (wait.before, >, 0);

    gtk_spin_button_set_value (
        GTK_SPIN_BUTTON (reel_ui_test_find_first (row, GTK_TYPE_SPIN_BUTTON)), 0.5);
    overrides = g_settings_get_value (settings (), "prices");
    g_assert_true (g_variant_lookup (overrides, FAL_PRICE_KEY, "d", &price));
    g_assert_cmpfloat_with_epsilon (price, 0.5, 1e-9);
    g_clear_pointer (&overrides, g_variant_unref);
    reel_ui_test_wait_until (fal_estimate_changed, &wait, "fal.ai to be set up with the new price");

    g_assert_true (gtk_widget_activate_action (row, "prices.reset", "s", FAL_PRICE_KEY));
    overrides = g_settings_get_value (settings (), "prices");
    g_assert_false (g_variant_lookup (overrides, FAL_PRICE_KEY, "d", &price));
    g_assert_cmpfloat_with_epsilon (reel_price_row_get_price (REEL_PRICE_ROW (row)),
                                    reel_price_row_get_published (REEL_PRICE_ROW (row)), 1e-9);
    gtk_window_destroy (GTK_WINDOW (preferences_again));
  }

  /* An engine this version does not have is said to be unavailable, not
   * shown as another one. */
  g_settings_set_string (settings (), "default-backend", "runway");
  preferences = open_preferences (window, project);
  engine_row = find_row (preferences, "Generation", ADW_TYPE_COMBO_ROW, "Default _Engine");
  model = adw_combo_row_get_model (ADW_COMBO_ROW (engine_row));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_names + 1);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (engine_row)), ==, n_names);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), n_names), ==,
                   "runway (not available)");
  gtk_window_destroy (GTK_WINDOW (preferences));

  close_window (window);
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

typedef struct
{
  const char *expected;
} KeyLookup;

static gboolean
keyring_holds (gpointer data)
{
  KeyLookup       *lookup = data;
  g_autofree char *key = reel_api_key_lookup ("dashscope", NULL, NULL, NULL);

  return g_strcmp0 (key, lookup->expected) == 0;
}

/* A key typed into the preferences goes to the keyring, and only there; the
 * window's engine gets it at once. */
static void
test_keyring_round_trip (void)
{
  g_autofree char *tmpdir = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *key = NULL;
  ReelKeySource    source = REEL_KEY_SOURCE_NONE;
  ReelWindow      *window;
  GtkWidget       *preferences;
  GtkWidget       *key_row;
  GtkWidget       *status;
  KeyLookup        stored = { TEST_DASHSCOPE_KEY }, removed = { NULL };

  if (!clear_dashscope_key ())
    {
      g_test_skip ("No keyring in this session: run the tests with build-aux/test");
      return;
    }

  tmpdir = reel_test_make_tmpdir ();
  window = open_demo_window (tmpdir, &project);
  g_assert_true (dashscope_is_not_ready (window));

  preferences = open_preferences (window, project);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "generation");
  key_row = find_row (preferences, "Alibaba Cloud Model Studio", ADW_TYPE_PASSWORD_ENTRY_ROW,
                      "API _Key");
  status = find_row (preferences, "Alibaba Cloud Model Studio", ADW_TYPE_ACTION_ROW, "Connection");
  g_assert_nonnull (key_row);
  g_assert_nonnull (status);

  /* Typed and applied (Enter or the apply button). */
  gtk_editable_set_text (GTK_EDITABLE (key_row), TEST_DASHSCOPE_KEY);
  g_signal_emit_by_name (key_row, "apply");
  reel_ui_test_wait_until (keyring_holds, &stored, "the key to reach the keyring");
  reel_ui_test_wait_until (dashscope_is_ready, window, "the window's Model Studio to get the key");

  key = reel_api_key_lookup ("dashscope", &source, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, TEST_DASHSCOPE_KEY);
  g_assert_cmpint (source, ==, REEL_KEY_SOURCE_KEYRING);

  /* Nowhere else: not in the settings, not in the project or its media. */
  g_assert_true (reel_project_set_title (project, "After the key", &error));
  g_assert_no_error (error);
  assert_not_in_settings (settings (), TEST_DASHSCOPE_KEY);
  assert_not_in_directory (tmpdir, TEST_DASHSCOPE_KEY);

  {
    SubtitleWait wait = { status, "login keyring" };

    reel_ui_test_wait_until (subtitle_contains, &wait, "the group to say where the key is");
    g_test_message ("Model Studio: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (status)));
  }
  reel_ui_test_settle (preferences);
  reel_ui_test_save_png (preferences, "preferences-key-saved.png", NULL);

  /* Removed from the keyring with the group's button: the engine has no key
   * again. */
  g_assert_true (gtk_widget_activate_action (preferences, "prefs.remove-key", "s", "dashscope"));
  reel_ui_test_wait_until (keyring_holds, &removed, "the key to leave the keyring");
  reel_ui_test_wait_until (dashscope_is_not_ready, window, "the window's Model Studio to lose it");

  gtk_window_destroy (GTK_WINDOW (preferences));
  close_window (window);
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

/* Generate All on a paid engine says what it will cost first; Cancel queues
 * nothing, Generate queues the batch, and the budget is kept. */
static void
test_estimate_dialog (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelTestBackend) backend = reel_test_backend_new ("/nonexistent.mp4", 0.0, 2);
  g_autoptr (GError) error = NULL;
  g_auto (ReelCostEstimate) estimate = { 0 };
  g_autofree char    *cost = NULL;
  g_autofree char    *body = NULL;
  g_autofree char    *heading = NULL;
  ReelGenerateOptions options = { .backend = "test", .priority = REEL_PRIORITY_BATCH };
  ReelWindow         *window = open_demo_window (tmpdir, &project);
  ReelScheduler      *scheduler = reel_window_get_scheduler (window);
  AdwMessageDialog   *dialog;

  reel_scheduler_add_backend (scheduler, REEL_BACKEND (backend));
  g_settings_set_string (settings (), "default-backend", "test");

  g_assert_true (reel_scheduler_estimate (scheduler, NULL, 0, &options, &estimate, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (estimate.n_jobs, >, 1);
  g_assert_cmpstr (estimate.currency, ==, "USD");
  cost = reel_cost_estimate_describe (&estimate);
  heading = g_strdup_printf ("Generate %u Shots?", estimate.n_jobs);
  body = g_strdup_printf ("%s on test.", cost);

  /* Cancel: nothing is queued. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-all", NULL));
  dialog = wait_for_message_dialog ();
  g_test_message ("%s — %s", adw_message_dialog_get_heading (dialog),
                  adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, body);
  reel_ui_test_settle (GTK_WIDGET (dialog));
  reel_ui_test_save_png (GTK_WIDGET (dialog), "estimate-dialog.png", NULL);
  answer_message_dialog (dialog, "cancel");
  g_assert_cmpuint (count_jobs (project), ==, 0);

  /* Over the budget: refused, and nothing is queued. */
  g_assert_true (reel_project_set_budget (project, 0.01, "USD", &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-all", NULL));
  dialog = wait_for_message_dialog ();
  g_test_message ("%s — %s", adw_message_dialog_get_heading (dialog),
                  adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Over Budget");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "only $0.01"));
  g_assert_false (adw_message_dialog_has_response (dialog, "generate"));
  answer_message_dialog (dialog, "close");
  g_assert_cmpuint (count_jobs (project), ==, 0);

  /* Within the budget: the dialog says what is left; Generate queues it. */
  g_assert_true (reel_project_set_budget (project, 100, "USD", &error));
  g_assert_no_error (error);
  reel_test_backend_hold (backend, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-all", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), body));
  g_assert_nonnull (
      strstr (adw_message_dialog_get_body (dialog), "$100.00 of the project’s budget is left."));
  answer_message_dialog (dialog, "generate");
  g_assert_cmpuint (count_jobs (project), ==, estimate.n_jobs);
  reel_scheduler_cancel_all (scheduler);
  reel_test_backend_hold (backend, FALSE);
  reel_ui_test_wait_until (scheduler_is_idle, scheduler, "the cancelled jobs to end");

  /* fal.ai, with its key from FAL_KEY: set up by the window, and paid. */
  g_settings_set_string (settings (), "default-backend", "fal");
  g_assert_true (reel_backend_check_ready (reel_scheduler_get_backend (scheduler, "fal"), NULL));
  g_assert_true (reel_project_set_budget (project, -1, NULL, &error));
  g_assert_no_error (error);
  {
    guint before = count_jobs (project);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-all", NULL));
    dialog = wait_for_message_dialog ();
    g_test_message ("%s — %s", adw_message_dialog_get_heading (dialog),
                    adw_message_dialog_get_body (dialog));
    g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (dialog), "Generate "));
    g_assert_true (g_str_has_suffix (adw_message_dialog_get_body (dialog), " on fal.ai."));
    answer_message_dialog (dialog, "cancel");
    g_assert_cmpuint (count_jobs (project), ==, before);
  }

  close_window (window);
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
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

static ReelJobRow *
row_for_shot (ReelWindow *window, gint64 shot_id)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  reel_jobs_page_refresh (REEL_JOBS_PAGE (reel_window_get_view (window, "jobs")));
  reel_ui_test_collect_descendants (reel_window_get_view (window, "jobs"), REEL_TYPE_JOB_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (reel_job_row_get_job (rows->pdata[i])->shot_id == shot_id)
      return rows->pdata[i];
  return NULL;
}

static void
idle_cb (ReelScheduler *scheduler, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* An engine without its key is reported, never replaced by another; jobs the
 * service refused, or that wanted a key, say so on the card and in the Jobs
 * view; what was charged is listed. */
static void
test_not_ready_engine (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelTestBackend) backend = reel_test_backend_new ("/nonexistent.mp4", 0.0, 2);
  g_autoptr (GError) error = NULL;
  ReelWindow       *window;
  ReelScheduler    *scheduler;
  ReelJobsPage     *jobs_page;
  AdwMessageDialog *dialog;
  gint64            shots[2];
  gboolean          idle = FALSE;

  /* No key anywhere for Model Studio (without a keyring, none either). */
  clear_dashscope_key ();
  g_settings_set_string (settings (), "default-backend", "dashscope");
  window = open_demo_window (tmpdir, &project);
  scheduler = reel_window_get_scheduler (window);
  jobs_page = REEL_JOBS_PAGE (reel_window_get_view (window, "jobs"));
  g_assert_true (dashscope_is_not_ready (window));
  {
    GListModel *model = reel_project_get_shots (project);
    g_autoptr (ReelShot) first = g_list_model_get_item (model, 0);
    g_autoptr (ReelShot) second = g_list_model_get_item (model, 1);

    shots[0] = reel_shot_get_id (first);
    shots[1] = reel_shot_get_id (second);
  }

  /* The Jobs view says so before anyone asks. */
  g_assert_nonnull (reel_jobs_page_get_engine_problem (jobs_page));
  g_assert_nonnull (strstr (reel_jobs_page_get_engine_problem (jobs_page), "No API key"));

  /* Generate All: a dialog says why not; nothing runs, on no other engine. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-all", NULL));
  dialog = wait_for_message_dialog ();
  g_test_message ("%s — %s", adw_message_dialog_get_heading (dialog),
                  adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "Alibaba Cloud Model Studio Is Not Set Up");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "No API key"));
  g_assert_true (adw_message_dialog_has_response (dialog, "set-up"));
  answer_message_dialog (dialog, "close");
  g_assert_cmpuint (count_jobs (project), ==, 0);

  /* One shot from its card: the same. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_for_shot (window, shots[0])),
                                             "shot.generate", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "Alibaba Cloud Model Studio Is Not Set Up");
  answer_message_dialog (dialog, "close");
  g_assert_cmpuint (count_jobs (project), ==, 0);
  g_assert_cmpstr (reel_shot_card_get_status_text (card_for_shot (window, shots[0])), ==,
                   "Not generated yet");

  /* A shot the service refuses, and one it wants a key for. */
  g_settings_set_string (settings (), "default-backend", "animatic");
  g_assert_null (reel_jobs_page_get_engine_problem (jobs_page));
  reel_test_backend_fail_shot (backend, shots[0], REEL_BACKEND_ERROR_REFUSED, G_MAXUINT);
  reel_test_backend_fail_shot (backend, shots[1], REEL_BACKEND_ERROR_AUTH, G_MAXUINT);
  reel_scheduler_add_backend (scheduler, REEL_BACKEND (backend));
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), &idle);
  {
    ReelGenerateOptions options = { .backend = "test", .priority = REEL_PRIORITY_CLICK };

    g_assert_cmpint (reel_scheduler_generate (scheduler, shots, 2, &options, &error), !=, 0);
    g_assert_no_error (error);
  }
  reel_ui_test_wait_until (reel_ui_test_flag_is_set, &idle, "both jobs to fail");
  reel_window_show_view (window, "storyboard");
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpstr (reel_shot_card_get_status_text (card_for_shot (window, shots[0])), ==,
                   "Content refused");
  g_assert_cmpstr (reel_shot_card_get_status_text (card_for_shot (window, shots[1])), ==,
                   "Needs an API key");
  reel_ui_test_save_png (GTK_WIDGET (window), "storyboard-refused.png", NULL);

  /* A charge for the refused clip, billed all the same. */
  {
    g_autoptr (GPtrArray) jobs = reel_project_list_jobs (project, FALSE);

    g_assert_true (reel_project_record_charge (project, ((ReelJobRecord *) jobs->pdata[0])->id,
                                               "test", 0.7, "CNY", "Refused after it was made",
                                               NULL, &error));
    g_assert_no_error (error);
  }

  reel_window_show_view (window, "jobs");
  reel_ui_test_settle (GTK_WIDGET (window));
  {
    ReelJobRow *refused = row_for_shot (window, shots[0]);
    ReelJobRow *needs_key = row_for_shot (window, shots[1]);
    g_autoptr (GPtrArray) buttons = NULL;
    gboolean has_set_up = FALSE;

    g_assert_nonnull (refused);
    g_assert_nonnull (needs_key);
    g_assert_nonnull (
        strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (refused)), "Content refused"));
    g_assert_nonnull (
        strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (needs_key)), "Needs a valid API key"));
    reel_ui_test_settle (GTK_WIDGET (window));
    buttons = reel_ui_test_find_mapped (GTK_WIDGET (needs_key), GTK_TYPE_BUTTON);
    for (guint i = 0; i < buttons->len; i++)
      has_set_up
          |= g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "win.set-up-engine")
             == 0;
    g_assert_true (has_set_up);
  }
  g_test_message ("Spending: %s", reel_jobs_page_get_spending_summary (jobs_page));
  g_assert_cmpstr (reel_jobs_page_get_spending_summary (jobs_page), ==, "¥0.70 in all");
  {
    g_autoptr (GPtrArray) rows = g_ptr_array_new ();
    gboolean listed = FALSE;

    reel_ui_test_collect_descendants (GTK_WIDGET (jobs_page), ADW_TYPE_ACTION_ROW, rows);
    for (guint i = 0; i < rows->len; i++)
      {
        const char *subtitle = adw_action_row_get_subtitle (rows->pdata[i]);

        listed |= !REEL_IS_JOB_ROW (rows->pdata[i]) && subtitle != NULL
                  && strstr (subtitle, "Charged without a take: Refused after it was made") != NULL;
      }
    g_assert_true (listed);
  }
  reel_ui_test_save_png (GTK_WIDGET (window), "jobs-refused.png", NULL);

  /* The budget, set on the Project page, is one undoable step. */
  {
    GtkWidget *preferences = open_preferences (window, project);
    GtkWidget *budget = find_row (preferences, "Budget", ADW_TYPE_EXPANDER_ROW, "_Limit Spending");

    g_assert_nonnull (budget);
    g_assert_false (reel_project_get_budget (project, NULL, NULL));
    adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (budget), TRUE);
    g_assert_true (reel_project_get_budget (project, NULL, NULL));
    reel_ui_test_settle (preferences);
    reel_ui_test_save_png (preferences, "preferences-budget.png", NULL);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    g_assert_false (reel_project_get_budget (project, NULL, NULL));
    g_assert_false (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (budget)));
    gtk_window_destroy (GTK_WINDOW (preferences));
  }

  g_signal_handlers_disconnect_by_func (scheduler, idle_cb, &idle);
  close_window (window);
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

int
main (int argc, char *argv[])
{
  int status;

  /* fal.ai's key from the environment; Model Studio's from nowhere yet. */
  g_setenv ("FAL_KEY", TEST_FAL_KEY, TRUE);
  g_unsetenv ("DASHSCOPE_API_KEY");
  g_unsetenv ("DASHSCOPE_HTTP_BASE_URL");

  g_test_init (&argc, &argv, NULL);

  application = reel_ui_test_register_application ();
  /* Batches end while a dialog has the focus: no desktop to tell here. */
  g_settings_set_boolean (settings (), "notify-when-done", FALSE);

  g_test_add_func ("/ui/engines/preferences", test_preferences_list_engines);
  g_test_add_func ("/ui/engines/keyring", test_keyring_round_trip);
  g_test_add_func ("/ui/engines/estimate", test_estimate_dialog);
  g_test_add_func ("/ui/engines/not-ready", test_not_ready_engine);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
