/* test-safety-jobs.c: nothing the blocklist stops reaches a backend
 *
 * A blocked shot fails as refused, with the reason on its card, while the
 * shots beside it are generated; it is never submitted, retried or charged,
 * whether it was just queued, retried by the user or resumed after a
 * restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <string.h>

#include "reel-generate-fixture.h"
#include "reel-job-screen.h"
#include "reel-project-jobs.h"
#include "reel-project-ledger.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"

/* The third shot is blocked, dressed up as people do: full-width letters
 * with dots between them. */
static const char script[] = "INT. CINEMA - NIGHT\n\nThe lights go down.\n\n"
                             "A classic film begins.\n\n"
                             "The screen shows ｐ.ｏ.ｒ.ｎ.\n\n"
                             "The audience leaves.\n";
#define BLOCKED 2

typedef struct
{
  char            *dir;
  ReelProject     *project;
  ReelScheduler   *scheduler;
  ReelTestBackend *backend;
  GArray          *shot_ids;
  gboolean         idle;
  guint            batch_done;
  guint            batch_failed;
} Fixture;

static void
batch_finished_cb (
    ReelScheduler *scheduler, gint64 batch, guint done, guint failed, Fixture *fixture)
{
  fixture->batch_done += done;
  fixture->batch_failed += failed;
}

static ReelScheduler *
make_scheduler (Fixture *fixture)
{
  ReelScheduler *scheduler = reel_generate_fixture_new_scheduler (
      fixture->project, REEL_BACKEND (fixture->backend), &fixture->idle);
  ReelRetryPolicy retries
      = { .max_attempts = 4, .base_delay = 0.01, .factor = 2, .max_delay = 0.05 };

  reel_scheduler_set_retry_policy (scheduler, &retries);
  g_signal_connect (scheduler, "batch-finished", G_CALLBACK (batch_finished_cb), fixture);
  return scheduler;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *clip = NULL;

  fixture->dir = reel_test_make_tmpdir ();
  clip = g_build_filename (fixture->dir, "fixture.mp4", NULL);
  reel_generate_fixture_render_clip (clip);
  fixture->project
      = reel_generate_fixture_create_project (fixture->dir, "Safety.storyreel", 0, script);
  fixture->shot_ids = reel_generate_fixture_dup_shot_ids (fixture->project, 4);

  /* A paid remote service, one job at a time. */
  fixture->backend = reel_test_backend_new (clip, 0.02, 1);
  reel_test_backend_set_remote (fixture->backend, TRUE);
  fixture->scheduler = make_scheduler (fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_generate_fixture_stop_scheduler (&fixture->scheduler);
  g_clear_object (&fixture->backend);
  g_clear_object (&fixture->project);
  g_clear_pointer (&fixture->shot_ids, g_array_unref);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static gint64
shot_id (Fixture *fixture, guint index)
{
  return g_array_index (fixture->shot_ids, gint64, index);
}

static ReelJobRecord *
latest_job_of (Fixture *fixture, gint64 shot)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (fixture->project, FALSE);

  for (guint i = jobs->len; i > 0; i--)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i - 1);

      if (job->shot_id == shot)
        return reel_job_record_copy (job);
    }
  return NULL;
}

static guint
count_takes (Fixture *fixture, gint64 shot)
{
  g_autoptr (GPtrArray) takes = reel_project_list_takes (fixture->project, shot);

  return takes->len;
}

/* Refused with the reason, on the job and on the shot's card; never sent,
 * retried, charged or made into a take. */
static void
assert_refused_unsent (Fixture *fixture, gint64 shot)
{
  g_autoptr (ReelJobRecord) job = latest_job_of (fixture, shot);
  g_autoptr (GPtrArray) ledger = reel_project_list_ledger (fixture->project);
  ReelShot *card = reel_project_lookup_shot (fixture->project, shot);

  g_assert_nonnull (job);
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_REFUSED);
  g_assert_nonnull (strstr (job->error, "before sending"));
  g_assert_nonnull (strstr (job->error, "“porn”"));
  g_assert_nonnull (strstr (job->error, "explicit sexual content"));
  g_assert_null (job->remote_id);

  g_assert_cmpstr (reel_shot_get_status (card), ==, "failed");
  g_assert_cmpstr (reel_shot_get_status_message (card), ==, job->error);

  g_assert_cmpuint (reel_test_backend_count_submits (fixture->backend, shot), ==, 0);
  g_assert_cmpuint (count_takes (fixture, shot), ==, 0);
  for (guint i = 0; i < ledger->len; i++)
    g_assert_cmpint (((ReelLedgerEntry *) g_ptr_array_index (ledger, i))->job_id, !=, job->id);
}

static void
test_blocked_shot_not_sent (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) job = NULL;

  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, NULL, 0,
                                            &(ReelGenerateOptions){ .backend = "test" }, &error),
                   >, 0);
  g_assert_no_error (error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  assert_refused_unsent (fixture, shot_id (fixture, BLOCKED));
  job = latest_job_of (fixture, shot_id (fixture, BLOCKED));
  g_assert_cmpuint (job->attempts, ==, 1);
  for (guint i = 0; i < fixture->shot_ids->len; i++)
    if (i != BLOCKED)
      {
        g_assert_cmpuint (count_takes (fixture, shot_id (fixture, i)), ==, 1);
        g_assert_cmpuint (reel_test_backend_count_submits (fixture->backend, shot_id (fixture, i)),
                          ==, 1);
      }
  g_assert_cmpuint (reel_test_backend_count_runs (fixture->backend), ==, 3);
  g_assert_cmpuint (fixture->batch_done, ==, 3);
  g_assert_cmpuint (fixture->batch_failed, ==, 1);
}

static gboolean
blocked_job_failed (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr (ReelJobRecord) job = latest_job_of (fixture, shot_id (fixture, BLOCKED));

  return job != NULL && job->state == REEL_JOB_FAILED;
}

/* The user sees it at once, not when the job's turn comes. */
static void
test_refused_at_once (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  reel_test_backend_hold (fixture->backend, TRUE);
  reel_scheduler_generate (fixture->scheduler, NULL, 0, &(ReelGenerateOptions){ .backend = "test" },
                           &error);
  g_assert_no_error (error);
  reel_test_wait_until (blocked_job_failed, fixture, 30000, "the blocked job to be refused");
  /* The shots before and after it are still waiting for the one slot. */
  g_assert_cmpuint (reel_scheduler_get_n_running (fixture->scheduler), ==, 1);
  g_assert_cmpuint (reel_test_backend_count_submits (fixture->backend, shot_id (fixture, 1)), ==,
                    0);
  g_assert_cmpuint (reel_test_backend_count_submits (fixture->backend, shot_id (fixture, 3)), ==,
                    0);
  assert_refused_unsent (fixture, shot_id (fixture, BLOCKED));

  reel_test_backend_hold (fixture->backend, FALSE);
  reel_generate_fixture_wait_idle (&fixture->idle);
  g_assert_cmpuint (reel_test_backend_count_runs (fixture->backend), ==, 3);
}

/* Trying again by hand does not get it past the screen. */
static void
test_retry_still_blocked (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) job = NULL;
  gint64 blocked = shot_id (fixture, BLOCKED);

  reel_scheduler_generate (fixture->scheduler, &blocked, 1,
                           &(ReelGenerateOptions){ .backend = "test" }, &error);
  g_assert_no_error (error);
  reel_generate_fixture_wait_idle (&fixture->idle);
  job = latest_job_of (fixture, blocked);
  g_assert_true (reel_scheduler_retry_job (fixture->scheduler, job->id, &error));
  g_assert_no_error (error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  assert_refused_unsent (fixture, blocked);
  g_assert_cmpuint (reel_test_backend_count_runs (fixture->backend), ==, 0);
}

/* Queues a job for shot @index asking for @prompt, as an older Storyreel
 * would have, and marks it as @attempts tries in. */
static void
queue_old_job (Fixture *fixture, guint index, const char *prompt, int priority, guint attempts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);
  g_autoptr (ReelJobRequest) request = reel_job_request_new ();
  ReelJobRecord *job = reel_job_record_new ();

  request->shot_id = shot_id (fixture, index);
  request->prompt = g_strdup (prompt);
  request->width = 64;
  request->height = 36;
  request->fps = 8;
  request->duration = 0.5;
  job->shot_id = request->shot_id;
  job->backend = g_strdup ("test");
  job->priority = priority;
  job->max_attempts = 4;
  job->request = reel_job_request_to_json (request);
  g_ptr_array_add (jobs, job);
  g_assert_true (reel_project_queue_jobs (fixture->project, jobs, &error));
  g_assert_no_error (error);
  if (attempts > 0)
    {
      job->attempts = attempts;
      job->state = REEL_JOB_RUNNING;
      g_assert_true (reel_project_update_job (fixture->project, job, &error));
      g_assert_no_error (error);
    }
}

/* A job queued before the screen (by an older Storyreel, or before the user
 * added a word), and running when Storyreel quit, is screened when it is
 * resumed; the one slot it took goes to the next job. */
static void
test_resumed_job_screened (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  queue_old_job (fixture, BLOCKED, "The screen shows P O R N.", REEL_PRIORITY_CLICK, 1);
  queue_old_job (fixture, 3, "The audience leaves.", REEL_PRIORITY_BATCH, 0);

  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 2);
  g_assert_no_error (error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  assert_refused_unsent (fixture, shot_id (fixture, BLOCKED));
  g_assert_cmpuint (count_takes (fixture, shot_id (fixture, 3)), ==, 1);
  g_assert_cmpuint (reel_test_backend_count_runs (fixture->backend), ==, 1);
}

static void
estimated_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Generate All's estimate, worked out in a worker; returns how long the
 * main thread spent on it, in µs. */
static gint64
estimate_async (ReelScheduler             *scheduler,
                const ReelGenerateOptions *options,
                ReelCostEstimate          *estimate)
{
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;
  gint64        start = g_get_monotonic_time (), blocked;

  reel_scheduler_estimate_async (scheduler, NULL, 0, options, NULL, estimated_cb, &result);
  blocked = g_get_monotonic_time () - start;
  reel_test_wait_until (reel_test_pointer_is_set, &result, 60000, "the estimate");
  start = g_get_monotonic_time ();
  g_assert_true (reel_scheduler_estimate_finish (scheduler, result, estimate, &error));
  blocked += g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_object_unref (result);
  return blocked;
}

/* Generate All's estimate leaves out the shot the screen stops, which costs
 * nothing, and says it is blocked. */
static void
test_estimate_leaves_out_blocked (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (ReelCostEstimate) estimate = { 0 };
  ReelGenerateOptions options = { .backend = "test" };
  g_autofree char    *text = NULL;

  g_assert_true (
      reel_scheduler_estimate (fixture->scheduler, NULL, 0, &options, &estimate, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (estimate.n_jobs, ==, 3);
  g_assert_cmpuint (estimate.n_shots, ==, 3);
  g_assert_cmpuint (estimate.n_blocked, ==, 1);
  g_assert_cmpstr (estimate.currency, ==, "USD");
  g_assert_cmpfloat (estimate.amount, >, 0);
  /* What the three other shots cost on their own. */
  {
    const gint64 others[] = { shot_id (fixture, 0), shot_id (fixture, 1), shot_id (fixture, 3) };
    g_auto (ReelCostEstimate) alone = { 0 };

    g_assert_true (reel_scheduler_estimate (fixture->scheduler, others, G_N_ELEMENTS (others),
                                            &options, &alone, &error));
    g_assert_cmpfloat_with_epsilon (estimate.amount, alone.amount, 1e-9);
    g_assert_cmpfloat_with_epsilon (estimate.seconds, alone.seconds, 1e-9);
    g_assert_cmpuint (alone.n_blocked, ==, 0);
  }
  text = reel_cost_estimate_describe (&estimate);
  g_assert_nonnull (strstr (text, "3 shots"));
  g_assert_nonnull (strstr (text, "1 shot blocked"));

  /* The same, worked out in a worker for Generate All. */
  {
    g_auto (ReelCostEstimate) in_worker = { 0 };

    estimate_async (fixture->scheduler, &options, &in_worker);
    g_assert_cmpuint (in_worker.n_jobs, ==, 3);
    g_assert_cmpuint (in_worker.n_blocked, ==, 1);
    g_assert_cmpfloat_with_epsilon (in_worker.amount, estimate.amount, 1e-9);
    g_assert_cmpstr (in_worker.currency, ==, "USD");
  }

  /* Asked for by itself, the blocked shot makes an estimate of nothing. */
  reel_cost_estimate_clear (&estimate);
  g_assert_true (reel_scheduler_estimate (fixture->scheduler,
                                          &g_array_index (fixture->shot_ids, gint64, BLOCKED), 1,
                                          &options, &estimate, &error));
  g_assert_cmpuint (estimate.n_jobs, ==, 0);
  g_assert_cmpuint (estimate.n_blocked, ==, 1);
}

/* Generate All queues the jobs its estimate worked out in the worker, as
 * they would have been built on the main thread, less a shot deleted
 * meanwhile. */
static void
test_generate_planned (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (ReelCostEstimate) in_worker = { 0 };
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  ReelGenerateOptions options = { .backend = "test", .seed = 42 };
  gint64              deleted = shot_id (fixture, 0);
  gint64              batch;
  guint               n_queued = 0;

  estimate_async (fixture->scheduler, &options, &in_worker);
  g_assert_nonnull (in_worker.jobs);
  /* The blocked shot's job too: it fails when it comes up, unsent. */
  g_assert_cmpuint (in_worker.jobs->len, ==, 4);

  g_assert_true (reel_project_delete_shot (fixture->project, deleted, &error));
  g_assert_no_error (error);
  requests = reel_scheduler_dup_requests (fixture->scheduler, NULL, 0, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (requests->len, ==, 3);

  batch = reel_scheduler_generate_planned (fixture->scheduler, &in_worker, &error);
  g_assert_no_error (error);
  g_assert_cmpint (batch, !=, 0);
  g_assert_null (in_worker.jobs);

  jobs = reel_project_list_jobs (fixture->project, FALSE);
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);
      g_autoptr (ReelJobRequest) planned = NULL;

      if (job->batch_id != batch)
        continue;
      g_assert_cmpint (job->shot_id, !=, deleted);
      /* The very request generate would have made (the same seed). */
      planned = reel_job_request_new_from_json (job->request, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (planned->prompt, ==,
                       ((ReelJobRequest *) g_ptr_array_index (requests, n_queued))->prompt);
      n_queued++;
    }
  g_assert_cmpuint (n_queued, ==, 3);
}

/* How long Generate All's estimate takes on the main thread for a long
 * project: it works out every shot's final prompt and screens it. Printed,
 * not asserted: the machine decides the figure. */
static void
test_estimate_time (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "Long.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (ReelProject) project = reel_project_create (file, NULL, &error);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (ReelScheduler) scheduler = NULL;
  ReelGenerateOptions options = { 0 };
  guint               n_shots;
  gint64              start, best = G_MAXINT64;

  g_assert_no_error (error);
  g_assert_true (reel_project_add_character (project, "Mia", "a tall woman in a red coat", &error));
  for (guint scene = 0; scene < 100; scene++)
    {
      g_string_append_printf (text, "%s. PLACE %u - %s\n\n", scene % 2 ? "INT" : "EXT", scene,
                              scene % 3 ? "DAY" : "NIGHT");
      for (guint shot = 0; shot < 40; shot++)
        g_string_append_printf (text,
                                shot % 2 ? "Close-up: Mia looks at the clock, number %u, and "
                                           "smiles in the warm light.\n\n"
                                         : "米娅慢慢走到窗前，第%u次看着外面的雨。\n\n",
                                scene * 40 + shot);
    }
  g_assert_true (reel_project_set_script (project, text->str, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  n_shots = g_list_model_get_n_items (reel_project_get_shots (project));
  g_assert_cmpuint (n_shots, ==, 2000);

  scheduler = reel_scheduler_new (project);
  reel_scheduler_add_default_backends (scheduler);
  for (guint run = 0; run < 3; run++)
    {
      g_auto (ReelCostEstimate) estimate = { 0 };

      start = g_get_monotonic_time ();
      g_assert_true (reel_scheduler_estimate (scheduler, NULL, 0, &options, &estimate, &error));
      best = MIN (best, g_get_monotonic_time () - start);
      g_assert_cmpuint (estimate.n_jobs, ==, 2000);
    }
  g_test_message ("Generate All's estimate of %u shots on the calling thread: %.1f ms (best of 3)",
                  n_shots, best / 1000.0);
  /* What the window does: the main thread only starts it and reads the budget. */
  {
    g_auto (ReelCostEstimate) estimate = { 0 };
    gint64 start_all = g_get_monotonic_time ();
    gint64 on_main = estimate_async (scheduler, &options, &estimate);

    g_assert_cmpuint (estimate.n_jobs, ==, 2000);
    g_test_message ("In a worker: %.1f ms on the main thread, %.1f ms in all", on_main / 1000.0,
                    (g_get_monotonic_time () - start_all) / 1000.0);
  }
  /* Queuing them once the user says yes: the window queues the jobs the
   * estimate worked out; building them where generate is called is what
   * it does when the project changed meanwhile. Printed, not asserted. */
  {
    g_auto (ReelCostEstimate) estimate = { 0 };
    gint64 start_queue;

    estimate_async (scheduler, &options, &estimate);
    start_queue = g_get_monotonic_time ();
    g_assert_cmpint (reel_scheduler_generate_planned (scheduler, &estimate, &error), !=, 0);
    g_assert_no_error (error);
    g_test_message ("Queuing the %u jobs the estimate worked out: %.1f ms on the calling thread",
                    n_shots, (g_get_monotonic_time () - start_queue) / 1000.0);
  }
  reel_scheduler_shutdown (scheduler);
  g_clear_object (&scheduler);
  g_clear_object (&project);
  reel_test_rm_rf (dir);
}

/* The negative prompt names what must not appear, so it is not screened;
 * the prompt and the shot's text are. */
static void
test_request_screen (void)
{
  g_autoptr (ReelJobRequest) request = reel_job_request_new ();
  g_autoptr (GError) error = NULL;

  request->prompt = g_strdup ("A quiet classroom.");
  request->text = g_strdup ("A quiet classroom.");
  request->negative_prompt = g_strdup ("nudity, gore, blurry");
  g_assert_true (reel_job_request_screen (request, &error));
  g_assert_no_error (error);

  g_free (request->text);
  request->text = g_strdup ("A quiet 課堂, then 裸體.");
  g_assert_false (reel_job_request_screen (request, &error));
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "裸体"));
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-safety-XXXXXX", NULL);
  int              status;

  /* No user blocklist: the shipped one alone. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/generate/safety/blocked-shot-not-sent", test_blocked_shot_not_sent);
  ADD ("/generate/safety/refused-at-once", test_refused_at_once);
  ADD ("/generate/safety/retry-still-blocked", test_retry_still_blocked);
  ADD ("/generate/safety/resumed-job-screened", test_resumed_job_screened);
  ADD ("/generate/safety/estimate-leaves-out-blocked", test_estimate_leaves_out_blocked);
  ADD ("/generate/safety/generate-planned", test_generate_planned);
#undef ADD
  g_test_add_func ("/generate/safety/estimate-time", test_estimate_time);
  g_test_add_func ("/generate/safety/request-screen", test_request_screen);

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
