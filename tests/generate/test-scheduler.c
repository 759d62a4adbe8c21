/* test-scheduler.c: the job state machine, retries, priorities, cancel and resume
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <string.h>

#include "reel-generate-fixture.h"
#include "reel-project-jobs.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"

static const char script[] = "INT. LAB - DAY\n\nA flask bubbles.\n\nSparks fly.\n\n"
                             "EXT. ROOF - NIGHT\n\nStars wheel overhead.\n\nA door slams.\n\n"
                             "The wind howls.\n\nA kite escapes.\n";

typedef struct
{
  char            *dir;
  char            *fixture;
  ReelProject     *project;
  ReelScheduler   *scheduler;
  ReelTestBackend *backend;
  GArray          *shot_ids;
  gboolean         idle;
  guint            batches_finished;
} Fixture;

static const ReelRetryPolicy fast_retries = {
  .max_attempts = 4,
  .base_delay = 0.01,
  .factor = 2.0,
  .max_delay = 0.05,
  .jitter = 0.1,
};

static void
batch_finished_cb (
    ReelScheduler *scheduler, gint64 batch, guint done, guint failed, Fixture *fixture)
{
  fixture->batches_finished++;
}

static ReelScheduler *
make_scheduler (Fixture *fixture)
{
  ReelScheduler *scheduler = reel_generate_fixture_new_scheduler (
      fixture->project, REEL_BACKEND (fixture->backend), &fixture->idle);

  reel_scheduler_set_retry_policy (scheduler, &fast_retries);
  g_signal_connect (scheduler, "batch-finished", G_CALLBACK (batch_finished_cb), fixture);
  return scheduler;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = reel_test_make_tmpdir ();
  fixture->fixture = g_build_filename (fixture->dir, "fixture.mp4", NULL);
  reel_generate_fixture_render_clip (fixture->fixture);
  fixture->project
      = reel_generate_fixture_create_project (fixture->dir, "Jobs.storyreel", 0, script);
  fixture->shot_ids = reel_generate_fixture_dup_shot_ids (fixture->project, 6);

  fixture->backend = reel_test_backend_new (fixture->fixture, 0.02, 2);
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
  g_free (fixture->fixture);
}

static gint64
shot (Fixture *fixture, guint index)
{
  return g_array_index (fixture->shot_ids, gint64, index);
}

typedef struct
{
  ReelScheduler *scheduler;
  guint          n;
} RunningCount;

static gboolean
at_least_n_running (gpointer data)
{
  RunningCount *count = data;

  return reel_scheduler_get_n_running (count->scheduler) >= count->n;
}

static void
wait_running (Fixture *fixture, guint n)
{
  RunningCount count = { fixture->scheduler, n };

  reel_test_wait_until (at_least_n_running, &count, 30000, "jobs to start running");
}

static guint
count_takes (Fixture *fixture, gint64 shot_id)
{
  g_autoptr (GPtrArray) takes = reel_project_list_takes (fixture->project, shot_id);
  return takes->len;
}

static ReelJobRecord *
only_job_of (Fixture *fixture, gint64 shot_id)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (fixture->project, FALSE);
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

static void
test_state_machine (void)
{
  g_assert_true (reel_job_state_can_change (REEL_JOB_QUEUED, REEL_JOB_SUBMITTING));
  g_assert_true (reel_job_state_can_change (REEL_JOB_SUBMITTING, REEL_JOB_RUNNING));
  g_assert_true (reel_job_state_can_change (REEL_JOB_RUNNING, REEL_JOB_DOWNLOADING));
  g_assert_true (reel_job_state_can_change (REEL_JOB_DOWNLOADING, REEL_JOB_DONE));
  g_assert_true (reel_job_state_can_change (REEL_JOB_RUNNING, REEL_JOB_QUEUED));
  g_assert_true (reel_job_state_can_change (REEL_JOB_FAILED, REEL_JOB_QUEUED));
  g_assert_true (reel_job_state_can_change (REEL_JOB_CANCELLED, REEL_JOB_QUEUED));
  g_assert_false (reel_job_state_can_change (REEL_JOB_DONE, REEL_JOB_QUEUED));
  g_assert_false (reel_job_state_can_change (REEL_JOB_DONE, REEL_JOB_RUNNING));
  g_assert_false (reel_job_state_can_change (REEL_JOB_QUEUED, REEL_JOB_DONE));
  g_assert_false (reel_job_state_can_change (REEL_JOB_FAILED, REEL_JOB_DONE));
  g_assert_true (reel_job_state_is_finished (REEL_JOB_CANCELLED));
  g_assert_false (reel_job_state_is_finished (REEL_JOB_DOWNLOADING));

  for (guint i = 0; i < REEL_N_JOB_STATES; i++)
    {
      ReelJobState state;
      g_assert_true (reel_job_state_from_string (reel_job_state_to_string (i), &state));
      g_assert_cmpuint (state, ==, i);
    }
}

static void
test_retry_policy (void)
{
  ReelRetryPolicy policy = REEL_RETRY_POLICY_DEFAULT;
  double          delay = -1, previous = 0;

  /* Permanent kinds are never retried. */
  g_assert_false (reel_retry_policy_should_retry (&policy, REEL_FAILURE_PERMANENT, 1, 0.5, &delay));
  g_assert_false (reel_retry_policy_should_retry (&policy, REEL_FAILURE_REFUSED, 1, 0.5, &delay));
  g_assert_false (reel_retry_policy_should_retry (&policy, REEL_FAILURE_AUTH, 1, 0.5, &delay));

  /* Transient ones back off exponentially up to the ceiling. */
  for (guint attempt = 1; attempt < policy.max_attempts; attempt++)
    {
      g_assert_true (
          reel_retry_policy_should_retry (&policy, REEL_FAILURE_TRANSIENT, attempt, 0.5, &delay));
      g_assert_cmpfloat (delay, >, previous);
      g_assert_cmpfloat (delay, <=, policy.max_delay);
      previous = delay;
    }
  g_assert_cmpfloat_with_epsilon (previous, MIN (2.0 * 8, policy.max_delay), 1e-9);
  g_assert_false (reel_retry_policy_should_retry (&policy, REEL_FAILURE_TRANSIENT,
                                                  policy.max_attempts, 0.5, &delay));

  /* Jitter spreads the delay within ±25 %. */
  g_assert_true (reel_retry_policy_should_retry (&policy, REEL_FAILURE_TRANSIENT, 1, 0.0, &delay));
  g_assert_cmpfloat_with_epsilon (delay, 1.5, 1e-9);
  g_assert_true (
      reel_retry_policy_should_retry (&policy, REEL_FAILURE_TRANSIENT, 1, 0.999, &delay));
  g_assert_cmpfloat (delay, >, 2.49);
  g_assert_cmpfloat (delay, <, 2.5);
}

static void
test_generate_all (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 batch = reel_scheduler_generate (fixture->scheduler, NULL, 0,
                                          &(ReelGenerateOptions){ .backend = "test" }, &error);

  g_assert_no_error (error);
  g_assert_cmpint (batch, >, 0);
  reel_generate_fixture_wait_idle (&fixture->idle);

  g_assert_cmpuint (fixture->batches_finished, ==, 1);
  for (guint i = 0; i < fixture->shot_ids->len; i++)
    {
      ReelShot *s = reel_project_lookup_shot (fixture->project, shot (fixture, i));
      g_autoptr (ReelTake) take
          = reel_project_get_take (fixture->project, reel_shot_get_chosen_take_id (s));

      g_assert_cmpuint (count_takes (fixture, shot (fixture, i)), ==, 1);
      g_assert_nonnull (take);
      g_assert_cmpstr (take->backend, ==, "test");
      g_assert_cmpstr (take->prompt, ==, reel_shot_get_text (s));
      g_assert_cmpfloat (take->cost, >, 0);
      g_assert_nonnull (take->media_sha256);
      g_assert_nonnull (take->thumbnail);
      g_assert_cmpstr (reel_shot_get_status (s), ==, "done");
    }
  /* The parallelism limit held. */
  g_assert_cmpuint (reel_test_backend_get_peak_parallel (fixture->backend), <=, 2);

  /* Nothing left to do: a second run queues nothing. */
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, NULL, 0,
                                            &(ReelGenerateOptions){ .backend = "test" }, &error),
                   ==, 0);
  g_assert_no_error (error);
}

static void
test_variants (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) takes = NULL;
  gint64 id = shot (fixture, 0);

  reel_scheduler_generate (fixture->scheduler, &id, 1,
                           &(ReelGenerateOptions){ .backend = "test", .variants = 3 }, &error);
  g_assert_no_error (error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  takes = reel_project_list_takes (fixture->project, id);
  g_assert_cmpuint (takes->len, ==, 3);
  g_assert_cmpint (((ReelTake *) takes->pdata[0])->seed, !=, ((ReelTake *) takes->pdata[1])->seed);
  g_assert_cmpint (((ReelTake *) takes->pdata[1])->seed, !=, ((ReelTake *) takes->pdata[2])->seed);
  /* The first one is chosen; choosing another is an undoable edit. */
  g_assert_cmpint (reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, id)),
                   ==, ((ReelTake *) takes->pdata[0])->id);
  g_assert_true (
      reel_project_choose_take (fixture->project, id, ((ReelTake *) takes->pdata[2])->id, &error));
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_cmpint (reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, id)),
                   ==, ((ReelTake *) takes->pdata[0])->id);
}

static void
test_priority (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) order = NULL;
  gint64 clicked = shot (fixture, 5);

  reel_scheduler_set_parallel_limit (fixture->scheduler, "test", 1);
  reel_test_backend_hold (fixture->backend, TRUE);

  /* A batch of the first five shots, then the user clicks the last one. */
  reel_scheduler_generate (fixture->scheduler, (gint64 *) fixture->shot_ids->data, 5,
                           &(ReelGenerateOptions){ .backend = "test" }, &error);
  g_assert_no_error (error);
  wait_running (fixture, 1);
  reel_scheduler_generate (
      fixture->scheduler, &clicked, 1,
      &(ReelGenerateOptions){ .backend = "test", .priority = REEL_PRIORITY_CLICK }, &error);
  reel_test_backend_hold (fixture->backend, FALSE);
  reel_generate_fixture_wait_idle (&fixture->idle);

  order = reel_test_backend_dup_start_order (fixture->backend);
  g_assert_cmpuint (order->len, ==, 6);
  g_assert_cmpint (g_array_index (order, gint64, 0), ==, shot (fixture, 0));
  /* The click jumped ahead of the rest of the batch. */
  g_assert_cmpint (g_array_index (order, gint64, 1), ==, clicked);
  g_assert_cmpint (g_array_index (order, gint64, 2), ==, shot (fixture, 1));
  g_assert_cmpuint (fixture->batches_finished, ==, 2);
}

static void
test_transient_retried (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) job = NULL;
  gint64 id = shot (fixture, 1);

  reel_test_backend_fail_shot (fixture->backend, id, REEL_BACKEND_ERROR_TRANSIENT, 2);
  reel_scheduler_generate (fixture->scheduler, &id, 1, &(ReelGenerateOptions){ .backend = "test" },
                           &error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  job = only_job_of (fixture, id);
  g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
  g_assert_cmpuint (job->attempts, ==, 3);
  g_assert_cmpuint (count_takes (fixture, id), ==, 1);
}

static void
test_transient_gives_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) job = NULL;
  gint64 id = shot (fixture, 1);

  reel_test_backend_fail_shot (fixture->backend, id, REEL_BACKEND_ERROR_TRANSIENT, G_MAXUINT);
  reel_scheduler_generate (fixture->scheduler, &id, 1, &(ReelGenerateOptions){ .backend = "test" },
                           &error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  job = only_job_of (fixture, id);
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpuint (job->attempts, ==, fast_retries.max_attempts);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_TRANSIENT);
}

static void
test_permanent_not_retried (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) job = NULL;
  gint64    id = shot (fixture, 2);
  ReelShot *s = reel_project_lookup_shot (fixture->project, id);

  reel_test_backend_fail_shot (fixture->backend, id, REEL_BACKEND_ERROR_REFUSED, G_MAXUINT);
  reel_scheduler_generate (fixture->scheduler, &id, 1, &(ReelGenerateOptions){ .backend = "test" },
                           &error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  job = only_job_of (fixture, id);
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpuint (job->attempts, ==, 1);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_REFUSED);
  g_assert_nonnull (strstr (job->error, "on purpose"));
  g_assert_cmpuint (count_takes (fixture, id), ==, 0);
  /* The shot shows it in plain words. */
  g_assert_cmpstr (reel_shot_get_status (s), ==, "failed");
  g_assert_nonnull (strstr (reel_shot_get_status_message (s), "on purpose"));

  /* Retry by hand, after the cause is gone. */
  reel_test_backend_fail_shot (fixture->backend, id, REEL_BACKEND_ERROR_REFUSED, 0);
  g_assert_true (reel_scheduler_retry_job (fixture->scheduler, job->id, &error));
  reel_generate_fixture_wait_idle (&fixture->idle);
  g_assert_cmpuint (count_takes (fixture, id), ==, 1);
}

static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) running = NULL;
  g_autoptr (ReelJobRecord) queued = NULL;

  reel_scheduler_set_parallel_limit (fixture->scheduler, "test", 1);
  reel_test_backend_hold (fixture->backend, TRUE);
  reel_scheduler_generate (fixture->scheduler, (gint64 *) fixture->shot_ids->data, 2,
                           &(ReelGenerateOptions){ .backend = "test" }, &error);
  wait_running (fixture, 1);
  /* Cancel once the backend is really at work on the first job, not while
   * its worker is still on the way there. */
  g_assert_true (reel_test_backend_wait_for_runs (fixture->backend, 1, 30000));

  running = only_job_of (fixture, shot (fixture, 0));
  queued = only_job_of (fixture, shot (fixture, 1));
  g_assert_true (reel_scheduler_cancel_job (fixture->scheduler, queued->id, &error));
  g_assert_true (reel_scheduler_cancel_job (fixture->scheduler, running->id, &error));
  g_assert_no_error (error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  g_clear_pointer (&running, reel_job_record_free);
  g_clear_pointer (&queued, reel_job_record_free);
  running = only_job_of (fixture, shot (fixture, 0));
  queued = only_job_of (fixture, shot (fixture, 1));
  g_assert_cmpint (running->state, ==, REEL_JOB_CANCELLED);
  g_assert_cmpint (queued->state, ==, REEL_JOB_CANCELLED);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 0);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 1)), ==, 0);
  /* The queued one never started. */
  g_assert_cmpuint (reel_test_backend_count_runs (fixture->backend), ==, 1);
}

typedef struct
{
  Fixture *fixture;
  gint64   shot_id;
} SubmittedShot;

static gboolean
job_is_submitted (gpointer data)
{
  SubmittedShot *submitted = data;
  g_autoptr (ReelJobRecord) job = only_job_of (submitted->fixture, submitted->shot_id);

  return job->remote_id != NULL;
}

static void
test_resume_after_stop (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint resumed;

  /* A remote service: the task id is durable before polling starts. */
  reel_test_backend_set_remote (fixture->backend, TRUE);
  reel_test_backend_hold (fixture->backend, TRUE);
  reel_scheduler_generate (fixture->scheduler, NULL, 0, &(ReelGenerateOptions){ .backend = "test" },
                           &error);
  g_assert_no_error (error);
  wait_running (fixture, 2);
  /* Let the submissions be acknowledged. */
  for (guint i = 0; i < 2; i++)
    {
      SubmittedShot submitted = { fixture, shot (fixture, i) };

      reel_test_wait_until (job_is_submitted, &submitted, 30000,
                            "the remote service to acknowledge a submission");
    }

  /* The process goes away mid-batch. */
  reel_scheduler_shutdown (fixture->scheduler);
  g_clear_object (&fixture->scheduler);
  reel_test_backend_hold (fixture->backend, FALSE);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 0);

  fixture->scheduler = make_scheduler (fixture);
  resumed = reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resumed, ==, 6);
  /* Nothing is queued twice for a shot with an unfinished job. */
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, NULL, 0,
                                            &(ReelGenerateOptions){ .backend = "test" }, &error),
                   ==, 0);
  reel_generate_fixture_wait_idle (&fixture->idle);

  for (guint i = 0; i < fixture->shot_ids->len; i++)
    {
      g_assert_cmpuint (count_takes (fixture, shot (fixture, i)), ==, 1);
      /* Paid once: a submitted task is polled again, never resubmitted. */
      g_assert_cmpuint (reel_test_backend_count_submits (fixture->backend, shot (fixture, i)), ==,
                        1);
    }
}

static void
test_takes_survive_rebreakdown (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char    *edited = NULL;
  ReelBreakdownReport report;
  gint64              kept = shot (fixture, 0);
  gint64              take_id;

  reel_scheduler_generate (fixture->scheduler, NULL, 0, &(ReelGenerateOptions){ .backend = "test" },
                           &error);
  reel_generate_fixture_wait_idle (&fixture->idle);
  take_id = reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, kept));
  g_assert_cmpint (take_id, >, 0);

  /* Edit a shot lightly, add one, remove one. */
  edited = g_strdup ("INT. LAB - DAY\n\nA flask bubbles over.\n\nSparks fly.\n\n"
                     "A cat watches.\n\nEXT. ROOF - NIGHT\n\nStars wheel overhead.\n\n"
                     "A door slams.\n\nThe wind howls.\n");
  g_assert_true (reel_project_set_script (fixture->project, edited, &error));
  g_assert_true (reel_project_break_down (fixture->project, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.added, ==, 1);
  g_assert_cmpuint (report.changed, ==, 1);
  g_assert_cmpuint (report.removed, ==, 1);
  g_assert_cmpuint (report.unchanged, ==, 4);

  g_assert_nonnull (reel_project_lookup_shot (fixture->project, kept));
  g_assert_cmpstr (reel_shot_get_text (reel_project_lookup_shot (fixture->project, kept)), ==,
                   "A flask bubbles over.");
  g_assert_cmpint (reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, kept)),
                   ==, take_id);
  g_assert_cmpuint (count_takes (fixture, kept), ==, 1);
}

/* A backend that hands back something that is not a video: the job says
 * which backend returned what, never the result's temporary file name. */
static void
test_unusable_result (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelTestBackend) garbage_backend = NULL;
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autofree char      *garbage = g_build_filename (fixture->dir, "result.mp4", NULL);
  const ReelRetryPolicy once
      = { .max_attempts = 1, .base_delay = 0.01, .factor = 1, .max_delay = 1 };
  gint64 first = shot (fixture, 0);

  g_assert_true (g_file_set_contents (garbage, "this is not a video at all", -1, NULL));
  garbage_backend = reel_test_backend_new (garbage, 0.0, 1);
  reel_scheduler_add_backend (fixture->scheduler, REEL_BACKEND (garbage_backend));
  reel_scheduler_set_retry_policy (fixture->scheduler, &once);

  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, &first, 1,
                                            &(ReelGenerateOptions){ .backend = "test" }, &error),
                   >, 0);
  g_assert_no_error (error);
  reel_generate_fixture_wait_idle (&fixture->idle);

  jobs = reel_project_list_jobs (fixture->project, FALSE);
  g_assert_cmpuint (jobs->len, ==, 1);
  job = reel_job_record_copy (g_ptr_array_index (jobs, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_nonnull (job->error);
  g_assert_nonnull (
      strstr (job->error, reel_backend_get_display_name (REEL_BACKEND (garbage_backend))));
  /* The temporary copy the backend made has a random name in .tmp/: no
   * part of a path, and no ".mp4" file name, appears. */
  g_assert_null (strstr (job->error, "/"));
  g_assert_null (strstr (job->error, ".mp4"));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scheduler/state-machine", test_state_machine);
  g_test_add_func ("/scheduler/retry-policy", test_retry_policy);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/scheduler/generate-all", test_generate_all);
  ADD ("/scheduler/variants", test_variants);
  ADD ("/scheduler/priority", test_priority);
  ADD ("/scheduler/transient-retried", test_transient_retried);
  ADD ("/scheduler/transient-gives-up", test_transient_gives_up);
  ADD ("/scheduler/permanent-not-retried", test_permanent_not_retried);
  ADD ("/scheduler/cancel", test_cancel);
  ADD ("/scheduler/resume-after-stop", test_resume_after_stop);
  ADD ("/scheduler/takes-survive-rebreakdown", test_takes_survive_rebreakdown);
  ADD ("/scheduler/unusable-result", test_unusable_result);
#undef ADD

  return g_test_run ();
}
