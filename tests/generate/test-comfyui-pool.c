/* test-comfyui-pool.c: a pool of ComfyUI render nodes, through the scheduler
 *
 * Two fake ComfyUI servers and the real scheduler: a batch is spread over
 * both, no server ever holds more than one prompt running and one waiting,
 * and when one server goes away mid-batch the others finish its shots.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>

#include "fake-comfyui.h"
#include "reel-comfyui-backend.h"
#include "reel-project-jobs.h"
#include "reel-scheduler.h"
#include "reel-test-utils.h"

#define N_SHOTS 8
#define TIMEOUT_MS 60000

static const ReelRetryPolicy fast_retries = {
  .max_attempts = 5,
  .base_delay = 0.01,
  .factor = 2.0,
  .max_delay = 0.05,
  .jitter = 0.1,
};

typedef struct
{
  char            *dir;
  ReelProject     *project;
  ReelScheduler   *scheduler;
  ReelFakeComfyui *first;
  ReelFakeComfyui *second;
  gboolean         idle;
} Fixture;

static void
idle_cb (ReelScheduler *scheduler, Fixture *fixture)
{
  fixture->idle = TRUE;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) video = reel_fake_make_video ();
  g_autoptr (GString) script = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *urls = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (ReelComfyuiBackend) backend = NULL;

  fixture->dir = reel_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "Pool.storyreel", NULL);
  file = g_file_new_for_path (path);
  fixture->project = reel_project_create (file, "Pool", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_SHOTS; i++)
    g_string_append_printf (script, "Shot %u of the render farm.\n\n", i + 1);
  g_assert_true (reel_project_set_resolution (fixture->project, 160, 96, &error));
  g_assert_true (reel_project_set_script (fixture->project, script->str, &error));
  g_assert_true (reel_project_break_down (fixture->project, NULL, &error));
  g_assert_no_error (error);

  fixture->first = reel_fake_comfyui_new (video);
  fixture->second = reel_fake_comfyui_new (video);
  /* A job takes a while, so that prompts wait in the servers' queues. */
  reel_fake_comfyui_set_tick (fixture->first, 8);
  reel_fake_comfyui_set_tick (fixture->second, 8);

  urls = g_strdup_printf ("%s,%s", reel_fake_comfyui_get_url (fixture->first),
                          reel_fake_comfyui_get_url (fixture->second));
  backend = reel_comfyui_backend_new (urls);
  reel_comfyui_backend_set_steps (backend, 4);
  reel_comfyui_backend_set_timing (backend, 20, 100, 2000);
  reel_comfyui_backend_set_rest_time (backend, 60000);

  fixture->scheduler = reel_scheduler_new (fixture->project);
  reel_scheduler_add_backend (fixture->scheduler, REEL_BACKEND (backend));
  reel_scheduler_set_retry_policy (fixture->scheduler, &fast_retries);
  g_signal_connect (fixture->scheduler, "idle", G_CALLBACK (idle_cb), fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_scheduler_shutdown (fixture->scheduler);
  g_clear_object (&fixture->scheduler);
  g_clear_object (&fixture->project);
  g_clear_pointer (&fixture->first, reel_fake_comfyui_free);
  g_clear_pointer (&fixture->second, reel_fake_comfyui_free);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (Fixture *fixture);

/* The tick wakes the loop to look at what changes in the fakes' threads. */
static void
wait_until (Fixture *fixture, Condition condition, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) TIMEOUT_MS * 1000;
  guint  tick = g_timeout_add (5, tick_cb, NULL);

  while (!condition (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", TIMEOUT_MS, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
is_idle (Fixture *fixture)
{
  return fixture->idle;
}

static gboolean
second_has_a_prompt (Fixture *fixture)
{
  return reel_fake_comfyui_count_prompts (fixture->second) >= 1;
}

static void
generate_all (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  fixture->idle = FALSE;
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, NULL, 0,
                                            &(ReelGenerateOptions){ .backend = "comfyui" }, &error),
                   >, 0);
  g_assert_no_error (error);
}

/* Every shot has a take, and every job is done. */
static void
assert_all_done (Fixture *fixture)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (fixture->project, FALSE);
  GListModel *shots = reel_project_get_shots (fixture->project);
  guint       done = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      if (job->state != REEL_JOB_DONE)
        g_error ("Job %" G_GINT64_FORMAT " ended %s: %s", job->id,
                 reel_job_state_to_string (job->state), job->error != NULL ? job->error : "");
      done++;
    }
  g_assert_cmpuint (done, ==, N_SHOTS);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      g_assert_cmpint (reel_shot_get_chosen_take_id (shot), !=, 0);
    }
}

static void
test_spread (Fixture *fixture, gconstpointer data)
{
  guint first, second;

  generate_all (fixture);
  wait_until (fixture, is_idle, "the batch to finish");
  assert_all_done (fixture);

  /* Both servers worked, and neither held more than one prompt running and
   * one waiting: the rest waited in Storyreel's own queue. */
  first = reel_fake_comfyui_count_prompts (fixture->first);
  second = reel_fake_comfyui_count_prompts (fixture->second);
  g_test_message ("first server: %u prompts, second: %u", first, second);
  g_assert_cmpuint (first + second, ==, N_SHOTS);
  g_assert_cmpuint (first, >=, 2);
  g_assert_cmpuint (second, >=, 2);
  g_assert_cmpuint (reel_fake_comfyui_get_peak_held (fixture->first), <=, 2);
  g_assert_cmpuint (reel_fake_comfyui_get_peak_held (fixture->second), <=, 2);
}

static void
test_node_goes_away (Fixture *fixture, gconstpointer data)
{
  guint served_by_second;

  generate_all (fixture);
  wait_until (fixture, second_has_a_prompt, "the second server to get a prompt");

  /* The second server goes away with its prompts, mid-batch. */
  served_by_second = reel_fake_comfyui_count_prompts (fixture->second);
  g_clear_pointer (&fixture->second, reel_fake_comfyui_free);

  wait_until (fixture, is_idle, "the batch to finish on the first server");
  assert_all_done (fixture);
  g_test_message ("the second server had %u prompts when it went away", served_by_second);
  /* The first server made every take the second did not deliver. */
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->first), >=,
                    N_SHOTS - served_by_second);
  g_assert_cmpuint (reel_fake_comfyui_get_peak_held (fixture->first), <=, 2);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/comfyui/pool/spread", Fixture, NULL, fixture_set_up, test_spread,
              fixture_tear_down);
  g_test_add ("/comfyui/pool/node-goes-away", Fixture, NULL, fixture_set_up, test_node_goes_away,
              fixture_tear_down);
  return g_test_run ();
}
