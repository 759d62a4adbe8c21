/* test-comfyui-pool.c: a pool of ComfyUI render nodes, through the scheduler
 *
 * ReelServerPool on its own first: places on the least busy node, a cap
 * per node, waiting for a free place (woken by a release, a rest or a
 * cancel, not by polling), and resting nodes. Then the backend:
 * Two fake ComfyUI servers and the real scheduler: a batch is spread over
 * both, no server ever holds more than one prompt running and one waiting,
 * and when one server goes away mid-batch (stopped, or powered off so that
 * its address answers nothing at all) the others finish its shots.
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
  char               *dir;
  ReelProject        *project;
  ReelScheduler      *scheduler;
  ReelFakeComfyui    *first;
  ReelFakeComfyui    *second;
  ReelComfyuiBackend *backend;
  gboolean            idle;
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
  ReelComfyuiBackend *backend;

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
  backend = fixture->backend = reel_comfyui_backend_new (urls);
  reel_comfyui_backend_set_steps (backend, 4);
  reel_comfyui_backend_set_timing (backend, 20, 100, 2000);
  reel_comfyui_backend_set_rest_time (backend, 60000);
  reel_comfyui_backend_set_unreachable_time (backend, 1000);

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
  g_clear_object (&fixture->backend);
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
  ReelServerPool *pool;
  guint           first, second;

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
  /* The pool counted the same. */
  pool = reel_comfyui_backend_get_pool (fixture->backend);
  g_assert_cmpuint (reel_server_pool_get_served (pool, reel_fake_comfyui_get_url (fixture->first)),
                    ==, first);
  g_assert_cmpuint (reel_server_pool_get_peak (pool, reel_fake_comfyui_get_url (fixture->first)),
                    <=, 2);
  g_assert_cmpuint (reel_server_pool_get_peak (pool, reel_fake_comfyui_get_url (fixture->second)),
                    <=, 2);
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

/* ------------------------------------------------------------------------ */
/* ReelServerPool                                                            */

static const char *const two_nodes[] = { "http://a:8188", "http://b:8188", NULL };

typedef struct
{
  ReelServerPool  *pool;
  GHashTable      *skip;
  GCancellable    *cancellable;
  ReelServerPlace *place;
  GError          *error;
  gboolean         done;
} Claim;

static gpointer
claim_thread (gpointer data)
{
  Claim *claim = data;

  claim->place
      = reel_server_pool_claim (claim->pool, claim->skip, claim->cancellable, &claim->error);
  g_atomic_int_set (&claim->done, TRUE);
  return NULL;
}

typedef gboolean (*Check) (gpointer data);

static void
wait_for (Check check, gpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) TIMEOUT_MS * 1000;
  guint  tick = g_timeout_add (5, tick_cb, NULL);

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", TIMEOUT_MS, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
claim_waits (gpointer data)
{
  return reel_server_pool_get_n_waiting (((Claim *) data)->pool) == 1;
}

static gboolean
claim_done (gpointer data)
{
  return g_atomic_int_get (&((Claim *) data)->done);
}

/* Starts a claim in a thread and returns once it waits for a place. */
static GThread *
start_waiting_claim (Claim *claim)
{
  GThread *thread = g_thread_new ("claim", claim_thread, claim);

  wait_for (claim_waits, claim, "the claim to wait for a place");
  return thread;
}

static void
finish_claim (Claim *claim, GThread *thread)
{
  wait_for (claim_done, claim, "the claim to return");
  g_thread_join (thread);
}

/* The least busy node first, the first of equals; never more than its places. */
static void
test_pool_least_busy (void)
{
  g_autoptr (ReelServerPool) pool = reel_server_pool_new (two_nodes);
  g_autoptr (ReelServerPlace) first = NULL;
  g_autoptr (ReelServerPlace) second = NULL;
  g_autoptr (ReelServerPlace) third = NULL;
  g_autoptr (ReelServerPlace) fourth = NULL;
  g_autoptr (ReelServerPlace) again = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (reel_server_pool_get_places_per_node (pool), ==, 2);
  first = reel_server_pool_claim (pool, NULL, NULL, &error);
  second = reel_server_pool_claim (pool, NULL, NULL, &error);
  third = reel_server_pool_claim (pool, NULL, NULL, &error);
  fourth = reel_server_pool_claim (pool, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reel_server_place_get_url (first), ==, "http://a:8188");
  g_assert_cmpstr (reel_server_place_get_url (second), ==, "http://b:8188");
  g_assert_cmpstr (reel_server_place_get_url (third), ==, "http://a:8188");
  g_assert_cmpstr (reel_server_place_get_url (fourth), ==, "http://b:8188");
  g_assert_cmpuint (reel_server_pool_get_load (pool, "http://a:8188"), ==, 2);

  /* A freed place is taken again at once. */
  g_clear_pointer (&second, reel_server_place_release);
  again = reel_server_pool_claim (pool, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reel_server_place_get_url (again), ==, "http://b:8188");
  g_assert_cmpuint (reel_server_pool_get_peak (pool, "http://b:8188"), ==, 2);
  g_assert_cmpuint (reel_server_pool_get_served (pool, "http://b:8188"), ==, 3);
  g_assert_cmpuint (reel_server_pool_get_served (pool, "http://a:8188"), ==, 2);
}

/* Every place taken: a claim waits until one is freed, and a cancel ends
 * the wait. */
static void
test_pool_waits_for_a_place (void)
{
  g_autoptr (ReelServerPool) pool = reel_server_pool_new (two_nodes);
  g_autoptr (GPtrArray) held
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_server_place_release);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Claim    claim = { .pool = pool, .cancellable = cancellable };
  GThread *thread;
  char    *url;

  reel_server_pool_set_places_per_node (pool, 1);
  g_ptr_array_add (held, reel_server_pool_claim (pool, NULL, NULL, NULL));
  g_ptr_array_add (held, reel_server_pool_claim (pool, NULL, NULL, NULL));

  thread = start_waiting_claim (&claim);
  g_assert_false (g_atomic_int_get (&claim.done));
  /* The second node's place is freed. */
  g_ptr_array_remove_index (held, 1);
  finish_claim (&claim, thread);
  g_assert_no_error (claim.error);
  g_assert_nonnull (claim.place);
  url = g_strdup (reel_server_place_get_url (claim.place));
  g_assert_cmpstr (url, ==, "http://b:8188");
  g_free (url);
  g_ptr_array_add (held, g_steal_pointer (&claim.place));

  claim.done = FALSE;
  thread = start_waiting_claim (&claim);
  g_cancellable_cancel (cancellable);
  finish_claim (&claim, thread);
  g_assert_error (claim.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (claim.place);
  g_clear_error (&claim.error);
  g_assert_cmpuint (reel_server_pool_get_n_waiting (pool), ==, 0);
}

/* A resting node takes no job; a claim for which every node rests or was
 * tried has nothing to wait for; a node resting while the others are full
 * wakes the jobs that wait. A pool of one node never rests it. */
static void
test_pool_rests_nodes (void)
{
  const char *const one_node[] = { "http://a:8188", NULL };
  g_autoptr (ReelServerPool) pool = reel_server_pool_new (two_nodes);
  g_autoptr (ReelServerPool) alone = reel_server_pool_new (one_node);
  g_autoptr (GHashTable) skip = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (ReelServerPlace) place = NULL;
  g_autoptr (ReelServerPlace) none = NULL;
  g_autoptr (ReelServerPlace) resumed = NULL;
  g_autoptr (GError) error = NULL;
  Claim    claim = { .pool = pool };
  GThread *thread;

  reel_server_pool_set_places_per_node (pool, 1);
  reel_server_pool_rest_node (pool, "http://a:8188", "a test");
  g_assert_true (reel_server_pool_is_resting (pool, "http://a:8188"));
  g_assert_cmpuint (reel_server_pool_count_in_rotation (pool), ==, 1);
  place = reel_server_pool_claim (pool, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reel_server_place_get_url (place), ==, "http://b:8188");

  g_hash_table_add (skip, (gpointer) "http://b:8188");
  none = reel_server_pool_claim (pool, skip, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  /* b is full and a rests: a claim waits for b, until b rests too. */
  thread = start_waiting_claim (&claim);
  reel_server_pool_rest_node (pool, "http://b:8188", "a test");
  finish_claim (&claim, thread);
  g_assert_no_error (claim.error);
  g_assert_null (claim.place);

  /* A job resumed on a node keeps its place there, full or resting. */
  resumed = reel_server_pool_claim_node (pool, "http://a:8188");
  g_assert_cmpuint (reel_server_pool_get_load (pool, "http://a:8188"), ==, 1);

  reel_server_pool_rest_node (alone, "http://a:8188", "a test");
  g_assert_false (reel_server_pool_is_resting (alone, "http://a:8188"));
  g_assert_cmpuint (reel_server_pool_count_in_rotation (alone), ==, 1);
}

/* The second server is switched off mid-batch: its port takes no
 * connection and refuses none. Its jobs give up on it within the second the
 * backend allows, and the first server makes their takes. */
static void
test_node_powered_off (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelFakeBlackhole) off = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *url = NULL;
  ReelServerPool  *pool = reel_comfyui_backend_get_pool (fixture->backend);
  gint64           switched_off, elapsed_ms;

  generate_all (fixture);
  wait_until (fixture, second_has_a_prompt, "the second server to get a prompt");

  url = g_strdup (reel_fake_comfyui_get_url (fixture->second));
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_clear_pointer (&fixture->second, reel_fake_comfyui_free);
  off = reel_fake_blackhole_new ((guint16) g_uri_get_port (uri));
  g_assert_cmpstr (reel_fake_blackhole_get_url (off), ==, url);
  switched_off = g_get_monotonic_time ();

  wait_until (fixture, is_idle, "the batch to finish on the first server");
  elapsed_ms = (g_get_monotonic_time () - switched_off) / 1000;
  g_test_message ("the batch ended %" G_GINT64_FORMAT " ms after the server went off", elapsed_ms);
  assert_all_done (fixture);
  /* A second of silence per job, not the minutes of every timeout. */
  g_assert_cmpint (elapsed_ms, <, 15000);
  g_assert_true (reel_server_pool_is_resting (pool, url));
  g_assert_cmpuint (reel_server_pool_get_peak (pool, reel_fake_comfyui_get_url (fixture->first)),
                    <=, 2);
  g_assert_cmpuint (reel_fake_comfyui_get_peak_held (fixture->first), <=, 2);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-pool/least-busy", test_pool_least_busy);
  g_test_add_func ("/server-pool/waits-for-a-place", test_pool_waits_for_a_place);
  g_test_add_func ("/server-pool/rests-nodes", test_pool_rests_nodes);

  g_test_add ("/comfyui/pool/spread", Fixture, NULL, fixture_set_up, test_spread,
              fixture_tear_down);
  g_test_add ("/comfyui/pool/node-goes-away", Fixture, NULL, fixture_set_up, test_node_goes_away,
              fixture_tear_down);
  g_test_add ("/comfyui/pool/node-powered-off", Fixture, NULL, fixture_set_up,
              test_node_powered_off, fixture_tear_down);
  return g_test_run ();
}
