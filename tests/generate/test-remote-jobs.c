/* test-remote-jobs.c: paid remote jobs through the scheduler, as a user and an accountant see them
 *
 * A real project in a temporary folder, the real scheduler, and the Model
 * Studio and fal.ai backends pointed at fakes of the services. The tests
 * count what reached the services (tasks made, cancels sent, downloads) and
 * read what the project recorded (jobs, takes, the spending ledger): quitting
 * is not cancelling, a task is paid for once, the service's report and bill
 * are kept, and no API key is ever written anywhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>
#include <utime.h>

#include "fake-dashscope.h"
#include "fake-fal.h"
#include "reel-dashscope-backend.h"
#include "reel-fal-backend.h"
#include "reel-project-jobs.h"
#include "reel-project-ledger.h"
#include "reel-scheduler.h"
#include "reel-test-utils.h"

#define DASHSCOPE_KEY "sk-5d2e8b1f9c4a47e3a6b0d8c2e4f6a1b3"
#define FAL_KEY "2b7d4f6e-1a3c-4e5b-9d8f-7a6b5c4d3e2f:0a1b2c3d4e5f60718293a4b5c6d7e8f9"
#define MODEL "wan2.6-t2v"
/* wan2.6-t2v at 720P in the international table, which a loopback base bills from. */
#define PRICE_PER_SECOND 0.10
/* Every shot lasts this long, so that each is billed 3 s. */
#define SHOT_SECONDS 3.0
/* Generous bounds: each wait normally takes a fraction of a second. */
#define TIMEOUT_MS 20000

static const char script[] = "INT. LIGHTHOUSE - NIGHT\n\n"
                             "The keeper climbs the spiral stairs.\n\n"
                             "The great lamp turns.\n\n"
                             "Waves break on the rocks below.\n\n"
                             "A gull cries in the dark.\n\n"
                             "The door creaks open.\n";
#define N_SHOTS 5

static const ReelRetryPolicy fast_retries = {
  .max_attempts = 4,
  .base_delay = 0.01,
  .factor = 2.0,
  .max_delay = 0.05,
  .jitter = 0.1,
};

/* ------------------------------------------------------------------------ */
/* Every log line, for the check that no key is ever written                 */

static GString *captured_log;
static GMutex   captured_lock;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  g_mutex_lock (&captured_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        g_string_append_len (captured_log, fields[i].value,
                             fields[i].length < 0 ? (gssize) strlen (fields[i].value)
                                                  : fields[i].length);
        g_string_append_c (captured_log, '\n');
      }
  g_mutex_unlock (&captured_lock);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* Whether @needle is anywhere in @bytes, which may hold NUL bytes. */
static gboolean
bytes_contain (const char *bytes, gsize length, const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (bytes[i] == needle[0] && memcmp (bytes + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
contains_key (const char *bytes, gsize length)
{
  return bytes != NULL
         && (bytes_contain (bytes, length, DASHSCOPE_KEY)
             || bytes_contain (bytes, length, FAL_KEY));
}

static void
assert_no_key (const char *text, const char *where)
{
  if (text != NULL && contains_key (text, strlen (text)))
    g_error ("An API key appears in %s: %s", where, text);
}

/* ------------------------------------------------------------------------ */
/* Waiting on the main context                                               */

typedef gboolean (*Condition) (gpointer data);

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @condition holds; fails the test, saying
 * what it waited for, after @timeout_ms. The tick wakes the loop to look at
 * conditions that change in the fakes' threads. */
static void
wait_until (Condition condition, gpointer data, guint timeout_ms, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint  tick = g_timeout_add (5, tick_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* ------------------------------------------------------------------------ */
/* The harness                                                               */

typedef struct
{
  char                 *dir;
  GFile                *file;
  ReelProject          *project;
  GBytes               *video;
  ReelFakeDashscope    *dashscope;
  ReelFakeFal          *fal;
  ReelDashscopeBackend *dashscope_backend;
  ReelFalBackend       *fal_backend;
  ReelScheduler        *scheduler;
  GArray               *shot_ids;
  gboolean              idle;
  /* Set by job_changed_cb when a job first goes back to the queue after a
   * failure: the time, and the task queries Model Studio had answered. */
  gint64 requeued_at_ms;
  guint  polls_when_requeued;
} Fixture;

static void
idle_cb (ReelScheduler *scheduler, Fixture *fixture)
{
  fixture->idle = TRUE;
}

static void
job_changed_cb (ReelScheduler *scheduler, gint64 job_id, guint state, Fixture *fixture)
{
  g_autoptr (ReelJobRecord) job = NULL;

  if (state != REEL_JOB_QUEUED || fixture->requeued_at_ms != 0)
    return;
  job = reel_project_get_job (fixture->project, job_id);
  if (job == NULL || job->error == NULL)
    return;
  /* The failure was recorded just now: the retry's time was worked out from
   * a clock no later than this one. */
  fixture->requeued_at_ms = g_get_real_time () / 1000;
  fixture->polls_when_requeued = reel_fake_dashscope_count_polls (fixture->dashscope, NULL);
}

static ReelScheduler *
make_scheduler (Fixture *fixture)
{
  ReelScheduler *scheduler = reel_scheduler_new (fixture->project);

  reel_scheduler_add_backend (scheduler, REEL_BACKEND (fixture->dashscope_backend));
  reel_scheduler_add_backend (scheduler, REEL_BACKEND (fixture->fal_backend));
  reel_scheduler_set_retry_policy (scheduler, &fast_retries);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), fixture);
  g_signal_connect (scheduler, "job-changed", G_CALLBACK (job_changed_cb), fixture);
  return scheduler;
}

/* Stops the scheduler, and lets what its workers sent back meanwhile reach
 * it (and be dropped), so that nothing of it is left for later. */
static void
stop_scheduler (Fixture *fixture)
{
  if (fixture->scheduler == NULL)
    return;
  reel_scheduler_shutdown (fixture->scheduler);
  g_clear_object (&fixture->scheduler);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Storyreel quits, and starts again on the same project. */
static void
restart_scheduler (Fixture *fixture)
{
  stop_scheduler (fixture);
  fixture->scheduler = make_scheduler (fixture);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  GListModel      *shots;

  fixture->dir = reel_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "Lighthouse.storyreel", NULL);
  fixture->file = g_file_new_for_path (path);
  fixture->project = reel_project_create (fixture->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_resolution (fixture->project, 1280, 720, &error));
  g_assert_true (reel_project_set_script (fixture->project, script, &error));
  g_assert_true (reel_project_break_down (fixture->project, NULL, &error));
  g_assert_no_error (error);

  fixture->shot_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  shots = reel_project_get_shots (fixture->project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, N_SHOTS);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      gint64 id = reel_shot_get_id (shot);

      g_assert_true (reel_project_set_shot_duration (fixture->project, id, SHOT_SECONDS, &error));
      g_array_append_val (fixture->shot_ids, id);
    }

  fixture->video = reel_fake_make_video ();
  fixture->dashscope = reel_fake_dashscope_new (DASHSCOPE_KEY, fixture->video);
  fixture->fal = reel_fake_fal_new (FAL_KEY, fixture->video);

  fixture->dashscope_backend = reel_dashscope_backend_new (
      reel_fake_dashscope_get_base_url (fixture->dashscope), DASHSCOPE_KEY);
  reel_dashscope_backend_set_model (fixture->dashscope_backend, MODEL);
  reel_dashscope_backend_set_poll_interval (fixture->dashscope_backend, 5, 20);
  fixture->fal_backend = reel_fal_backend_new (reel_fake_fal_get_url (fixture->fal), FAL_KEY);
  reel_fal_backend_set_poll_interval (fixture->fal_backend, 5, 20);

  fixture->scheduler = make_scheduler (fixture);
}

static void
assert_file_has_no_key (const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return;
  if (contains_key (contents, length))
    g_error ("An API key is written in %s", path);
}

/* No key in any job's record (its error, message, task id or resume
 * state), in the log, in the project's bytes, nor in a download request. */
static void
assert_no_key_anywhere (Fixture *fixture)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (fixture->project, FALSE);
  g_autofree char *path = g_file_get_path (fixture->file);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *json = reel_project_to_json (fixture->project);

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      assert_no_key (job->error, "a job's error");
      assert_no_key (job->message, "a job's message");
      assert_no_key (job->remote_id, "a job's task id");
      assert_no_key (job->resume, "a job's resume state");
    }
  assert_no_key (json, "the inspect JSON");
  g_mutex_lock (&captured_lock);
  assert_no_key (captured_log->str, "the log");
  g_mutex_unlock (&captured_lock);
  assert_file_has_no_key (path);
  assert_file_has_no_key (wal);
  g_assert_false (reel_fake_dashscope_download_saw_authorization (fixture->dashscope));
  g_assert_false (reel_fake_fal_download_saw_authorization (fixture->fal));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_file_get_path (fixture->file);

  stop_scheduler (fixture);
  assert_no_key_anywhere (fixture);

  /* Closed, so that everything is in the file itself. */
  g_clear_object (&fixture->project);
  assert_file_has_no_key (path);

  g_clear_object (&fixture->dashscope_backend);
  g_clear_object (&fixture->fal_backend);
  g_clear_pointer (&fixture->dashscope, reel_fake_dashscope_free);
  g_clear_pointer (&fixture->fal, reel_fake_fal_free);
  g_clear_pointer (&fixture->video, g_bytes_unref);
  g_clear_pointer (&fixture->shot_ids, g_array_unref);
  g_clear_object (&fixture->file);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static gint64
shot (Fixture *fixture, guint index)
{
  return g_array_index (fixture->shot_ids, gint64, index);
}

static gboolean
is_idle (gpointer data)
{
  Fixture *fixture = data;

  return reel_scheduler_get_n_unfinished (fixture->scheduler) == 0
         && reel_scheduler_get_n_running (fixture->scheduler) == 0;
}

static void
wait_idle (Fixture *fixture)
{
  wait_until (is_idle, fixture, TIMEOUT_MS, "every job to end");
}

/* Queues the first @n_shots shots on @backend; returns the batch. */
static gint64
generate (Fixture *fixture, const char *backend, guint first, guint n_shots)
{
  g_autoptr (GError) error = NULL;
  gint64 batch = reel_scheduler_generate (
      fixture->scheduler, &g_array_index (fixture->shot_ids, gint64, first), n_shots,
      &(ReelGenerateOptions){ .backend = backend }, &error);

  g_assert_no_error (error);
  g_assert_cmpint (batch, >, 0);
  return batch;
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

static guint
count_jobs (Fixture *fixture)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (fixture->project, FALSE);
  return jobs->len;
}

static guint
count_takes (Fixture *fixture, gint64 shot_id)
{
  g_autoptr (GPtrArray) takes = reel_project_list_takes (fixture->project, shot_id);
  return takes->len;
}

/* How many of the first @n shots' jobs have a task id committed. */
typedef struct
{
  Fixture *fixture;
  guint    n;
} Shots;

static gboolean
tasks_committed (gpointer data)
{
  Shots *shots = data;

  for (guint i = 0; i < shots->n; i++)
    {
      g_autoptr (ReelJobRecord) job = only_job_of (shots->fixture, shot (shots->fixture, i));
      if (job->remote_id == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
wait_for_tasks_committed (Fixture *fixture, guint n)
{
  Shots            shots = { fixture, n };
  g_autofree char *what = g_strdup_printf ("the task ids of %u jobs to be committed", n);

  wait_until (tasks_committed, &shots, TIMEOUT_MS, what);
}

typedef struct
{
  Fixture *fixture;
  guint    index;
} OneShot;

static gboolean
task_of_shot_committed (gpointer data)
{
  OneShot *one = data;
  g_autoptr (ReelJobRecord) job = only_job_of (one->fixture, shot (one->fixture, one->index));

  return job->remote_id != NULL;
}

/* Waits until the job of shot @index has its task id committed. */
static void
wait_for_task_of_shot (Fixture *fixture, guint index)
{
  OneShot one = { fixture, index };

  wait_until (task_of_shot_committed, &one, TIMEOUT_MS, "the task id of a job to be committed");
}

typedef struct
{
  ReelFakeServer *server;
  const char     *method;
  const char     *path_prefix;
  guint           count;
} RequestCount;

static gboolean
requests_arrived (gpointer data)
{
  RequestCount *wanted = data;

  return reel_fake_server_count (wanted->server, wanted->method, wanted->path_prefix)
         >= wanted->count;
}

/* Waits on the main context (where the scheduler records what workers
 * report) until @count matching requests reached @server. */
static void
wait_for_requests (ReelFakeServer *server, const char *method, const char *path_prefix, guint count)
{
  RequestCount     wanted = { server, method, path_prefix, count };
  g_autofree char *what = g_strdup_printf ("%u %s %s requests", count, method, path_prefix);

  wait_until (requests_arrived, &wanted, TIMEOUT_MS, what);
}

static ReelFakeServer *
dashscope_server (Fixture *fixture)
{
  return reel_fake_dashscope_get_server (fixture->dashscope);
}

static ReelFakeServer *
fal_server (Fixture *fixture)
{
  return reel_fake_fal_get_server (fixture->fal);
}

/* Cancels at either service: POST …/tasks/{id}/cancel, PUT …/requests/{id}/cancel. */
static guint
count_cancel_requests (Fixture *fixture)
{
  return reel_fake_server_count (dashscope_server (fixture), "POST", "/api/v1/tasks/")
         + reel_fake_server_count (fal_server (fixture), "PUT", NULL);
}

static guint
count_tasks (Fixture *fixture, const char *backend)
{
  g_auto (GStrv) ids = g_strcmp0 (backend, "fal") == 0
                           ? reel_fake_fal_dup_request_ids (fixture->fal)
                           : reel_fake_dashscope_dup_task_ids (fixture->dashscope);
  return g_strv_length (ids);
}

static void
hold_tasks (Fixture *fixture, const char *backend, gboolean hold)
{
  /* Held tasks wait in the queue, where a cancel would take effect. */
  if (g_strcmp0 (backend, "fal") == 0)
    reel_fake_fal_set_latency (fixture->fal, hold ? REEL_FAKE_FOREVER : 0, 0);
  else
    reel_fake_dashscope_set_latency (fixture->dashscope, hold ? REEL_FAKE_FOREVER : 0, 0);
}

/* Each of the first @n jobs has been polled at least twice: its worker is
 * well into its wait, and the scheduler has had every chance to start
 * another job beside it. */
static gboolean
tasks_polled_twice (gpointer data)
{
  Shots *shots = data;
  g_auto (GStrv) ids = reel_fake_dashscope_dup_task_ids (shots->fixture->dashscope);

  if (g_strv_length (ids) < shots->n)
    return FALSE;
  for (guint i = 0; ids[i] != NULL; i++)
    if (reel_fake_dashscope_count_polls (shots->fixture->dashscope, ids[i]) < 2)
      return FALSE;
  return TRUE;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (text);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* ------------------------------------------------------------------------ */
/* Stop is not cancel                                                        */

static void
test_quit_resumes (Fixture *fixture, gconstpointer data)
{
  const char *backend = data;
  g_autoptr (GError) error = NULL;

  /* Two tasks that never finish while Storyreel runs. */
  hold_tasks (fixture, backend, TRUE);
  generate (fixture, backend, 0, 2);
  wait_for_tasks_committed (fixture, 2);
  g_assert_cmpuint (count_tasks (fixture, backend), ==, 2);

  /* Quit: the workers stop, and no cancel reaches the service. */
  stop_scheduler (fixture);
  g_assert_cmpuint (count_cancel_requests (fixture), ==, 0);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 0);

  /* The next start resumes both tasks, and pays for no other. */
  hold_tasks (fixture, backend, FALSE);
  fixture->scheduler = make_scheduler (fixture);
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 2);
  g_assert_no_error (error);
  wait_idle (fixture);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (ReelJobRecord) job = only_job_of (fixture, shot (fixture, i));

      g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
      g_assert_cmpuint (count_takes (fixture, shot (fixture, i)), ==, 1);
    }
  g_assert_cmpuint (count_tasks (fixture, backend), ==, 2);
  if (g_strcmp0 (backend, "fal") == 0)
    g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 2);
  else
    g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 2);
  g_assert_cmpuint (count_cancel_requests (fixture), ==, 0);
}

static void
test_cancel_running (Fixture *fixture, gconstpointer data)
{
  const char *backend = data;
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *status = NULL;

  hold_tasks (fixture, backend, TRUE);
  generate (fixture, backend, 0, 1);
  wait_for_tasks_committed (fixture, 1);
  job = only_job_of (fixture, shot (fixture, 0));

  g_assert_true (reel_scheduler_cancel_job (fixture->scheduler, job->id, &error));
  g_assert_no_error (error);
  wait_idle (fixture);

  g_clear_pointer (&job, reel_job_record_free);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_CANCELLED);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 0);
  g_assert_cmpuint (count_cancel_requests (fixture), ==, 1);
  if (g_strcmp0 (backend, "fal") == 0)
    {
      g_assert_cmpuint (reel_fake_fal_count_cancels (fixture->fal, job->remote_id), ==, 1);
      status = reel_fake_fal_dup_status (fixture->fal, job->remote_id);
      g_assert_cmpstr (status, ==, "CANCELLED");
    }
  else
    {
      g_assert_cmpuint (reel_fake_dashscope_count_cancels (fixture->dashscope, job->remote_id), ==,
                        1);
      status = reel_fake_dashscope_dup_task_status (fixture->dashscope, job->remote_id);
      g_assert_cmpstr (status, ==, "CANCELED");
    }
}

static gboolean
one_cancel_arrived (gpointer data)
{
  return count_cancel_requests (data) >= 1;
}

static gboolean
requeued (gpointer data)
{
  return ((Fixture *) data)->requeued_at_ms != 0;
}

/* How many requests @server received after its first cancel request. */
static guint
count_after_cancel (ReelFakeServer *server)
{
  g_autoptr (GPtrArray) requests = reel_fake_server_dup_requests (server);
  guint i = 0;

  while (i < requests->len)
    {
      ReelFakeRequest *request = g_ptr_array_index (requests, i++);

      if (g_str_has_suffix (request->path, "/cancel"))
        break;
    }
  return requests->len - i;
}

static void
test_cancel_queued_with_task (Fixture *fixture, gconstpointer data)
{
  const char *backend = data;
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GError) error = NULL;
  ReelFakeServer *server;

  hold_tasks (fixture, backend, TRUE);
  generate (fixture, backend, 0, 1);
  wait_for_tasks_committed (fixture, 1);

  /* Quit and start again: the job is queued once more, with its task. */
  restart_scheduler (fixture);
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 1);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_QUEUED);
  g_assert_nonnull (job->remote_id);
  server = g_strcmp0 (backend, "fal") == 0 ? fal_server (fixture) : dashscope_server (fixture);

  /* The user cancels it before it runs again: the service hears of it once. */
  g_assert_true (reel_scheduler_cancel_job (fixture->scheduler, job->id, &error));
  g_assert_no_error (error);
  wait_until (one_cancel_arrived, fixture, TIMEOUT_MS, "the cancel request");
  wait_idle (fixture);

  g_clear_pointer (&job, reel_job_record_free);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_CANCELLED);
  g_assert_cmpuint (count_cancel_requests (fixture), ==, 1);
  /* The cancel was the last it sent: the job did not poll its task again.
   * (Counted from the cancel on: a poll the stopped scheduler sent before
   * it stopped may reach a loaded server's log later than the restart.) */
  g_assert_cmpuint (count_after_cancel (server), ==, 0);
  if (g_strcmp0 (backend, "fal") == 0)
    g_assert_cmpuint (reel_fake_fal_count_cancels (fixture->fal, job->remote_id), ==, 1);
  else
    {
      g_autofree char *status
          = reel_fake_dashscope_dup_task_status (fixture->dashscope, job->remote_id);

      g_assert_cmpuint (reel_fake_dashscope_count_cancels (fixture->dashscope, job->remote_id), ==,
                        1);
      g_assert_cmpstr (status, ==, "CANCELED");
    }
}

#define CREATE_PATH "/api/v1/services/aigc/video-generation/"

static void
test_lost_creates_adopted_once (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelJobRecord) first = NULL;
  g_autoptr (ReelJobRecord) second = NULL;
  g_auto (GStrv) ids = NULL;

  /* Two creates are sent at once and their replies never come, though the
   * service made both tasks; then Storyreel quits. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                 REEL_FAKE_FAULT_HANG, 2);
  generate (fixture, "dashscope", 0, 2);
  wait_for_requests (dashscope_server (fixture), "POST", CREATE_PATH, 2);
  for (guint i = 0; i < 2; i++)
    g_free (reel_fake_dashscope_create_task (
        fixture->dashscope, MODEL,
        reel_shot_get_text (reel_project_lookup_shot (fixture->project, shot (fixture, i)))));
  restart_scheduler (fixture);

  /* The next start finds the two tasks, one for each job, and makes none. */
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 2);
  wait_idle (fixture);

  first = only_job_of (fixture, shot (fixture, 0));
  second = only_job_of (fixture, shot (fixture, 1));
  g_assert_cmpint (first->state, ==, REEL_JOB_DONE);
  g_assert_cmpint (second->state, ==, REEL_JOB_DONE);
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "POST", CREATE_PATH), ==,
                    2);
  ids = reel_fake_dashscope_dup_task_ids (fixture->dashscope);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (first->remote_id, !=, second->remote_id);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (g_strv_contains ((const char *const *) ids,
                                      i == 0 ? first->remote_id : second->remote_id));
      g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, ids[i]), ==, 1);
      g_assert_cmpuint (count_takes (fixture, shot (fixture, i)), ==, 1);
    }
}

static void
test_cancel_waiting_for_retry (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *task_id = NULL;

  /* The task is made, then every query about it is throttled: the job
   * waits for a retry, its task still queued at the service. */
  reel_fake_dashscope_set_latency (fixture->dashscope, REEL_FAKE_FOREVER, 0);
  reel_fake_dashscope_set_retry_after (fixture->dashscope, 30);
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_POLL,
                                 REEL_FAKE_FAULT_THROTTLE, REEL_FAKE_FAULT_FOREVER);
  generate (fixture, "dashscope", 0, 1);
  wait_until (requeued, fixture, TIMEOUT_MS, "the throttled job to wait for a retry");
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_QUEUED);
  g_assert_nonnull (job->remote_id);
  task_id = g_strdup (job->remote_id);

  /* The user gives up on it: the service hears so, once. */
  g_assert_true (reel_scheduler_cancel_job (fixture->scheduler, job->id, &error));
  g_assert_no_error (error);
  wait_until (one_cancel_arrived, fixture, TIMEOUT_MS, "the cancel request");
  wait_idle (fixture);

  g_clear_pointer (&job, reel_job_record_free);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_CANCELLED);
  g_assert_cmpuint (count_cancel_requests (fixture), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_cancels (fixture->dashscope, task_id), ==, 1);
  status = reel_fake_dashscope_dup_task_status (fixture->dashscope, task_id);
  g_assert_cmpstr (status, ==, "CANCELED");
}

/* ------------------------------------------------------------------------ */
/* Shots deleted while they are generated                                    */

typedef struct
{
  Fixture *fixture;
  gint64   job_id;
  guint    state;
} JobState;

static gboolean
job_reached_state (gpointer data)
{
  JobState *wanted = data;
  g_autoptr (ReelJobRecord) job = reel_project_get_job (wanted->fixture->project, wanted->job_id);

  return job != NULL && job->state == wanted->state;
}

static void
wait_for_job_state (Fixture *fixture, gint64 job_id, ReelJobState state)
{
  JobState         wanted = { fixture, job_id, state };
  g_autofree char *what = g_strdup_printf ("job %" G_GINT64_FORMAT " to be %s", job_id,
                                           reel_job_state_to_string (state));

  wait_until (job_reached_state, &wanted, TIMEOUT_MS, what);
}

/* The user deletes the shot of a job whose task the service has: a
 * cancel would not stop a task that runs already, which would finish and
 * bill unrecorded. The job goes on, and its charge is recorded. */
static void
test_shot_deleted_task_kept (Fixture *fixture, gconstpointer data)
{
  const char *backend = data;
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (ReelJobRecord) after = NULL;
  g_autoptr (GPtrArray) ledger = NULL;
  g_autoptr (GError) error = NULL;
  const ReelLedgerEntry *entry;

  hold_tasks (fixture, backend, TRUE);
  generate (fixture, backend, 0, 1);
  wait_for_tasks_committed (fixture, 1);
  job = only_job_of (fixture, shot (fixture, 0));

  g_assert_true (reel_project_delete_shot (fixture->project, shot (fixture, 0), &error));
  g_assert_no_error (error);
  after = reel_project_get_job (fixture->project, job->id);
  g_assert_nonnull (after);
  g_assert_cmpint (after->shot_id, ==, 0);

  hold_tasks (fixture, backend, FALSE);
  wait_idle (fixture);
  g_clear_pointer (&after, reel_job_record_free);
  after = reel_project_get_job (fixture->project, job->id);
  g_assert_cmpint (after->state, ==, REEL_JOB_FAILED);
  g_assert_nonnull (strstr (after->error, "media folder"));
  g_assert_cmpuint (count_cancel_requests (fixture), ==, 0);
  g_assert_cmpuint (count_tasks (fixture, backend), ==, 1);
  ledger = reel_project_list_ledger (fixture->project);
  g_assert_cmpuint (ledger->len, ==, 1);
  entry = g_ptr_array_index (ledger, 0);
  g_assert_cmpint (entry->job_id, ==, job->id);
  g_assert_cmpint (entry->take_id, ==, 0);
  g_assert_cmpfloat (entry->amount, >, 0);
}

/* The shot is deleted while Storyreel is closed (from the command line,
 * say): the next start resumes the shot-less job, and records its charge. */
static void
test_shot_deleted_while_closed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (ReelJobRecord) after = NULL;
  g_autoptr (GPtrArray) ledger = NULL;
  g_autoptr (GError) error = NULL;

  hold_tasks (fixture, "fal", TRUE);
  generate (fixture, "fal", 0, 1);
  wait_for_tasks_committed (fixture, 1);
  job = only_job_of (fixture, shot (fixture, 0));
  stop_scheduler (fixture);
  g_assert_true (reel_project_delete_shot (fixture->project, shot (fixture, 0), &error));
  g_assert_no_error (error);

  hold_tasks (fixture, "fal", FALSE);
  fixture->scheduler = make_scheduler (fixture);
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 1);
  wait_idle (fixture);

  after = reel_project_get_job (fixture->project, job->id);
  g_assert_cmpint (after->state, ==, REEL_JOB_FAILED);
  g_assert_cmpint (after->shot_id, ==, 0);
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 1);
  ledger = reel_project_list_ledger (fixture->project);
  g_assert_cmpuint (ledger->len, ==, 1);
  g_assert_cmpint (((ReelLedgerEntry *) ledger->pdata[0])->job_id, ==, job->id);
}

/* Deleted by mistake and brought back by Undo before the clip arrives:
 * the clip is the shot's take, paid for once. */
static void
test_shot_deleted_then_undone (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (ReelJobRecord) after = NULL;
  g_autoptr (GError) error = NULL;

  hold_tasks (fixture, "dashscope", TRUE);
  generate (fixture, "dashscope", 0, 1);
  wait_for_tasks_committed (fixture, 1);
  job = only_job_of (fixture, shot (fixture, 0));

  g_assert_true (reel_project_delete_shot (fixture->project, shot (fixture, 0), &error));
  g_assert_no_error (error);
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_no_error (error);
  hold_tasks (fixture, "dashscope", FALSE);
  wait_idle (fixture);

  after = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (after->id, ==, job->id);
  g_assert_cmpint (after->state, ==, REEL_JOB_DONE);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 1);
  g_assert_cmpuint (count_tasks (fixture, "dashscope"), ==, 1);
  g_assert_cmpuint (count_cancel_requests (fixture), ==, 0);
}

/* A job that has asked the service for nothing yet (it waits out a
 * throttle) is cancelled with its shot, and stays on record. */
static void
test_shot_deleted_before_sent (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (ReelJobRecord) after = NULL;
  g_autoptr (GError) error = NULL;

  reel_fake_dashscope_set_retry_after (fixture->dashscope, 30);
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                 REEL_FAKE_FAULT_THROTTLE, 1);
  generate (fixture, "dashscope", 0, 1);
  wait_until (requeued, fixture, TIMEOUT_MS, "the throttled job to be queued again");
  job = only_job_of (fixture, shot (fixture, 0));

  g_assert_true (reel_project_delete_shot (fixture->project, shot (fixture, 0), &error));
  g_assert_no_error (error);
  wait_for_job_state (fixture, job->id, REEL_JOB_CANCELLED);
  wait_idle (fixture);
  after = reel_project_get_job (fixture->project, job->id);
  g_assert_cmpint (after->shot_id, ==, 0);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 0);
  g_assert_cmpuint (count_tasks (fixture, "dashscope"), ==, 0);

  /* Retry cannot make a clip for a shot that is gone. */
  g_assert_false (reel_scheduler_retry_job (fixture->scheduler, job->id, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND);
}

static void
delete_shot_when_downloading_cb (ReelScheduler *scheduler,
                                 gint64         job_id,
                                 guint          state,
                                 Fixture       *fixture)
{
  g_autoptr (GError) error = NULL;

  if (state != REEL_JOB_DOWNLOADING
      || reel_project_lookup_shot (fixture->project, shot (fixture, 0)) == NULL)
    return;
  g_assert_true (reel_project_delete_shot (fixture->project, shot (fixture, 0), &error));
  g_assert_no_error (error);
}

/* The clips in the media store, thumbnails and temporaries left out. */
static void
collect_clips (const char *dir, GPtrArray *clips)
{
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_equal (name, ".tmp"))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_clips (path, clips);
      else if (g_str_has_suffix (name, ".mp4"))
        g_ptr_array_add (clips, g_steal_pointer (&path));
    }
}

static GPtrArray *
list_clips (Fixture *fixture)
{
  g_autofree char *media = g_file_get_path (reel_project_get_media_dir (fixture->project));
  GPtrArray       *clips = g_ptr_array_new_with_free_func (g_free);

  collect_clips (media, clips);
  return clips;
}

static void
test_shot_deleted_while_downloading (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GPtrArray) ledger = NULL;
  g_autoptr (GPtrArray) clips = NULL;
  const ReelLedgerEntry *entry;
  g_autofree char       *name = NULL;
  gint64                 job_id;

  /* The clip is made and paid for; the user deletes the shot while it is
   * downloaded. */
  g_signal_connect (fixture->scheduler, "job-changed", G_CALLBACK (delete_shot_when_downloading_cb),
                    fixture);
  generate (fixture, "dashscope", 0, 1);
  wait_idle (fixture);
  g_assert_null (reel_project_lookup_shot (fixture->project, shot (fixture, 0)));

  /* The clip is kept, and what it cost is in the ledger. */
  clips = list_clips (fixture);
  g_assert_cmpuint (clips->len, ==, 1);
  ledger = reel_project_list_ledger (fixture->project);
  g_assert_cmpuint (ledger->len, ==, 1);
  entry = g_ptr_array_index (ledger, 0);
  job_id = entry->job_id;
  g_assert_cmpint (entry->take_id, ==, 0);
  g_assert_cmpstr (entry->backend, ==, "dashscope");
  g_assert_cmpfloat_with_epsilon (entry->amount, SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
  g_assert_cmpfloat_with_epsilon (reel_project_get_spent (fixture->project, "USD"),
                                  SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
  g_assert_nonnull (entry->usage);

  /* The job says where the clip is, and the service made one task only. */
  job = reel_project_get_job (fixture->project, job_id);
  g_assert_nonnull (job);
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpint (job->take_id, ==, 0);
  name = g_path_get_basename (g_ptr_array_index (clips, 0));
  g_assert_nonnull (strstr (job->error, name));
  g_assert_nonnull (strstr (entry->note, name));
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_cancels (fixture->dashscope, NULL), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* A kept task is resumed                                                    */

static void
test_retry_resumes_kept_task (Fixture *fixture, gconstpointer data)
{
  g_autofree char *media = g_file_get_path (reel_project_get_media_dir (fixture->project));
  g_autofree char *blocker = g_build_filename (media, ".tmp", NULL);
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *task_id = NULL;

  /* The clip is made, and cannot be stored: the media store's folder for
   * downloads cannot be made (a full or broken disk would do the same). */
  g_assert_cmpint (g_mkdir_with_parents (media, 0755), ==, 0);
  g_assert_true (g_file_set_contents (blocker, "not a folder", -1, NULL));
  generate (fixture, "dashscope", 0, 1);
  wait_idle (fixture);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_PERMANENT);
  g_assert_nonnull (job->remote_id);
  task_id = g_strdup (job->remote_id);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);

  /* Once the disk is fixed, Retry fetches the finished clip: nothing is
   * paid twice. */
  g_assert_cmpint (g_unlink (blocker), ==, 0);
  g_assert_true (reel_scheduler_retry_job (fixture->scheduler, job->id, &error));
  g_assert_no_error (error);
  wait_idle (fixture);

  g_clear_pointer (&job, reel_job_record_free);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
  g_assert_cmpstr (job->remote_id, ==, task_id);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "POST", CREATE_PATH), ==,
                    1);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, task_id), ==, 1);
}

/* ------------------------------------------------------------------------ */
/* A clip that lands while Storyreel stops                                   */

typedef struct
{
  Fixture      *fixture;
  GMainContext *context; /* the scheduler's */
  gboolean      downloading;
} Landing;

static void
downloading_cb (ReelScheduler *scheduler, gint64 job_id, guint state, Landing *landing)
{
  if (state == REEL_JOB_DOWNLOADING)
    landing->downloading = TRUE;
}

/* Lets the scheduler's reports in (it acknowledges a worker's task id
 * there) until its worker downloads. */
static gboolean
worker_downloading (gpointer data)
{
  Landing *landing = data;

  while (!landing->downloading && g_main_context_iteration (landing->context, FALSE))
    ;
  return landing->downloading;
}

/* The clip is in the media store; what the worker then sends to the
 * scheduler's context is left there, undelivered. */
static gboolean
clip_stored (gpointer data)
{
  g_autoptr (GPtrArray) clips = list_clips (((Landing *) data)->fixture);

  return clips->len > 0;
}

static void
test_clip_lands_while_stopping (Fixture *fixture, gconstpointer data)
{
  Landing landing = { fixture, g_main_context_new (), FALSE };
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GPtrArray) ledger = NULL;

  /* A scheduler whose reports and outcomes arrive in a context of their
   * own, so that the test decides when they are delivered. */
  stop_scheduler (fixture);
  g_main_context_push_thread_default (landing.context);
  fixture->scheduler = make_scheduler (fixture);
  g_main_context_pop_thread_default (landing.context);
  g_signal_connect (fixture->scheduler, "job-changed", G_CALLBACK (downloading_cb), &landing);

  generate (fixture, "dashscope", 0, 1);
  wait_until (worker_downloading, &landing, TIMEOUT_MS, "the worker to download the clip");
  wait_until (clip_stored, &landing, TIMEOUT_MS, "the clip to be in the media store");

  /* Storyreel stops just as the worker hands the clip over, and its main
   * loop does not run again: the clip is recorded all the same, and
   * nothing is left for the next start to fetch. */
  reel_scheduler_shutdown (fixture->scheduler);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 1);
  ledger = reel_project_list_ledger (fixture->project);
  g_assert_cmpuint (ledger->len, ==, 1);

  /* What the main loop would have delivered has nothing left to do. */
  while (g_main_context_iteration (landing.context, FALSE))
    ;
  g_clear_object (&fixture->scheduler);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 1);

  fixture->scheduler = make_scheduler (fixture);
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, NULL), ==, 0);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, NULL), ==, 1);
  g_main_context_unref (landing.context);
}

/* ------------------------------------------------------------------------ */
/* Requests that may have been queued                                        */

static void
test_fal_bad_gateway_not_resubmitted (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GError) error = NULL;

  /* fal queues the request, and a gateway answers 502. */
  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_SUBMIT, REEL_FAKE_FAULT_BAD_GATEWAY, 1);
  generate (fixture, "fal", 0, 1);
  wait_idle (fixture);

  /* Not sent again: the user is told to look on fal.ai first. */
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_PERMANENT);
  g_assert_cmpuint (job->attempts, ==, 1);
  g_assert_nonnull (strstr (job->error, "dashboard"));
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 1);
  g_assert_cmpuint (reel_fake_server_count (fal_server (fixture), "POST", NULL), ==, 1);

  /* Their Retry is the one decision to submit again. */
  g_assert_true (reel_scheduler_retry_job (fixture->scheduler, job->id, &error));
  g_assert_no_error (error);
  wait_idle (fixture);
  g_clear_pointer (&job, reel_job_record_free);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 2);
}

static void
test_lost_create_not_a_strangers (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stranger = NULL;

  /* The create's reply never comes, and Model Studio made nothing; then
   * Storyreel quits. Meanwhile another program on the same account makes a
   * task of the same model. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                 REEL_FAKE_FAULT_HANG, 1);
  generate (fixture, "dashscope", 0, 1);
  wait_for_requests (dashscope_server (fixture), "POST", CREATE_PATH, 1);
  stranger = reel_fake_dashscope_create_task (fixture->dashscope, MODEL, "Somebody else's clip");
  restart_scheduler (fixture);

  /* The next start does not take the stranger's task for the lost one: it
   * makes its own. */
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 1);
  wait_idle (fixture);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
  g_assert_nonnull (job->remote_id);
  g_assert_cmpstr (job->remote_id, !=, stranger);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, stranger), ==, 0);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 1);
}

/* Moves the note of job @job_id's lost create @seconds into the past. */
static void
age_create_note (Fixture *fixture, gint64 job_id, gint64 seconds)
{
  g_autoptr (ReelJobRecord) job = reel_project_get_job (fixture->project, job_id);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *state;
  gint64      since;

  g_assert_true (json_parser_load_from_data (parser, job->resume, -1, &error));
  state = json_node_get_object (json_parser_get_root (parser));
  since = json_object_get_int_member (state, "creating_since");
  g_assert_cmpint (since, >, 0);
  json_object_set_int_member (state, "creating_since", since - seconds);
  g_free (job->resume);
  job->resume = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_true (reel_project_update_job (fixture->project, job, &error));
  g_assert_no_error (error);
}

static void
test_lost_create_not_a_later_twin (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (ReelJobRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *twin = NULL;

  /* The create's reply never comes, and Model Studio made nothing; then
   * Storyreel quits, and is started an hour later. Just before, the same
   * prompt was sent from a copy of the project: the same model, the same
   * prompt, but long after the lost create. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                 REEL_FAKE_FAULT_HANG, 1);
  generate (fixture, "dashscope", 0, 1);
  wait_for_requests (dashscope_server (fixture), "POST", CREATE_PATH, 1);
  stop_scheduler (fixture);
  job = only_job_of (fixture, shot (fixture, 0));
  age_create_note (fixture, job->id, 3600);
  request = reel_job_request_new_from_json (job->request, &error);
  g_assert_no_error (error);
  twin = reel_fake_dashscope_create_task (fixture->dashscope, MODEL, request->prompt);
  fixture->scheduler = make_scheduler (fixture);

  /* The twin was made too late to be the lost create's task: the job makes
   * its own. */
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 1);
  wait_idle (fixture);
  g_clear_pointer (&job, reel_job_record_free);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
  g_assert_nonnull (job->remote_id);
  g_assert_cmpstr (job->remote_id, !=, twin);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, twin), ==, 0);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 1);
}

/* ------------------------------------------------------------------------ */
/* Temporaries left behind                                                   */

/* A download another process is writing into the media store right now
 * (another window on the same project, a command-line run) is not a
 * temporary left by a crash: resuming the jobs leaves it. */
static void
test_resume_keeps_fresh_temporaries (Fixture *fixture, gconstpointer data)
{
  g_autofree char *media = g_file_get_path (reel_project_get_media_dir (fixture->project));
  g_autofree char *temp_dir = g_build_filename (media, ".tmp", NULL);
  g_autofree char *fresh = g_build_filename (temp_dir, "download-in-progress", NULL);
  g_autofree char *stale = g_build_filename (temp_dir, "left-by-a-crash", NULL);
  struct utimbuf   yesterday;

  g_assert_cmpint (g_mkdir_with_parents (temp_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (fresh, "half a clip", -1, NULL));
  g_assert_true (g_file_set_contents (stale, "half a clip", -1, NULL));
  yesterday.actime = yesterday.modtime = g_get_real_time () / G_USEC_PER_SEC - 24 * 3600;
  g_assert_cmpint (g_utime (stale, &yesterday), ==, 0);

  restart_scheduler (fixture);
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, NULL), ==, 0);

  g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
}

/* ------------------------------------------------------------------------ */
/* Retries                                                                   */

static void
test_retry_after (Fixture *fixture, gconstpointer data)
{
  const char *backend = data;
  const int   retry_after_s = 30;
  gint64      submitted_ms;
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (backend, "fal") == 0)
    {
      reel_fake_fal_set_retry_after (fixture->fal, retry_after_s);
      reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_SUBMIT, REEL_FAKE_FAULT_THROTTLE, 1);
    }
  else
    {
      reel_fake_dashscope_set_retry_after (fixture->dashscope, retry_after_s);
      reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                     REEL_FAKE_FAULT_THROTTLE, 1);
    }
  /* Before the service answers: the wait counts from its answer, which
   * the job's QUEUED notice follows by however long a loaded machine takes. */
  submitted_ms = g_get_real_time () / 1000;
  generate (fixture, backend, 0, 1);
  wait_until (requeued, fixture, TIMEOUT_MS, "the throttled job to be queued again");

  /* Queued again, to be tried no sooner than the service asked; the
   * backoff alone would have tried again within a tenth of a second. */
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_QUEUED);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_TRANSIENT);
  g_assert_cmpint (job->next_attempt_at, >=, submitted_ms + retry_after_s * 1000);
  g_assert_cmpint (job->next_attempt_at, <=, fixture->requeued_at_ms + (retry_after_s + 1) * 1000);

  /* Nothing was paid for, and a restart keeps the wait: the resumed job is
   * not sent before its time either. */
  if (g_strcmp0 (backend, "fal") == 0)
    g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 0);
  else
    g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 0);
  restart_scheduler (fixture);
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 1);
  g_clear_pointer (&job, reel_job_record_free);
  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->next_attempt_at, >=, submitted_ms + retry_after_s * 1000);
  /* The resumed queue has had its pass, and left the job waiting. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (reel_scheduler_get_n_running (fixture->scheduler), ==, 0);
  g_assert_cmpuint (reel_scheduler_get_n_unfinished (fixture->scheduler), ==, 1);
}

static void
test_refused_create_not_looked_for (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autofree char *stranger = NULL;

  /* The create is throttled: Model Studio answered, and made nothing. */
  reel_fake_dashscope_set_retry_after (fixture->dashscope, 0);
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                 REEL_FAKE_FAULT_THROTTLE, 1);
  generate (fixture, "dashscope", 0, 1);
  wait_until (requeued, fixture, TIMEOUT_MS, "the throttled job to be queued again");

  /* Meanwhile another program on the same account makes a task of the same
   * model. The retry must not take it for its own: it creates one. */
  stranger = reel_fake_dashscope_create_task (fixture->dashscope, MODEL, "Somebody else's clip");
  wait_idle (fixture);

  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
  g_assert_cmpstr (job->remote_id, !=, stranger);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_lists (fixture->dashscope), ==, 0);
  g_assert_cmpuint (reel_fake_dashscope_count_polls (fixture->dashscope, stranger), ==, 0);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, stranger), ==, 0);
}

static void
test_parallel_ceiling (Fixture *fixture, gconstpointer data)
{
  Shots shots = { fixture, 2 };

  /* The account runs two tasks at once; the user asks for eight. */
  reel_dashscope_backend_set_max_parallel_jobs (fixture->dashscope_backend, 2);
  reel_scheduler_set_parallel_limit (fixture->scheduler, "dashscope", 8);
  reel_fake_dashscope_set_latency (fixture->dashscope, 0, REEL_FAKE_FOREVER);
  generate (fixture, "dashscope", 0, N_SHOTS);

  /* All five jobs were ready at once: the ones allowed were started
   * together, and have had time to be joined by any others. */
  wait_until (tasks_polled_twice, &shots, TIMEOUT_MS, "two tasks polled twice each");
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 2);
  g_assert_cmpuint (reel_scheduler_get_n_running (fixture->scheduler), ==, 2);

  /* As tasks end, the others follow, never more than two at a time. */
  reel_fake_dashscope_set_latency (fixture->dashscope, 0, 0);
  wait_idle (fixture);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, N_SHOTS);
  for (guint i = 0; i < N_SHOTS; i++)
    g_assert_cmpuint (count_takes (fixture, shot (fixture, i)), ==, 1);
}

/* ------------------------------------------------------------------------ */
/* What the service reported and billed                                      */

static JsonObject *
find_take_json (JsonObject *root, gint64 take_id)
{
  JsonArray *scenes = json_object_get_array_member (root, "scenes");

  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonArray *shots
          = json_object_get_array_member (json_array_get_object_element (scenes, i), "shots");

      for (guint j = 0; j < json_array_get_length (shots); j++)
        {
          JsonArray *takes
              = json_object_get_array_member (json_array_get_object_element (shots, j), "takes");

          for (guint k = 0; k < json_array_get_length (takes); k++)
            {
              JsonObject *take = json_array_get_object_element (takes, k);
              if (json_object_get_int_member (take, "id") == take_id)
                return take;
            }
        }
    }
  g_error ("Take %" G_GINT64_FORMAT " is not in the inspect JSON", take_id);
  return NULL;
}

static void
test_service_report (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) ledger = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonObject) root = NULL;
  JsonArray *ledger_json;

  generate (fixture, "dashscope", 0, 2);
  wait_idle (fixture);

  ledger = reel_project_list_ledger (fixture->project);
  g_assert_cmpuint (ledger->len, ==, 2);
  json = reel_project_to_json (fixture->project);
  root = parse_object (json);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (ReelJobRecord) job = only_job_of (fixture, shot (fixture, i));
      g_autoptr (ReelTake) take = reel_project_get_take (fixture->project, job->take_id);
      g_autofree char *actual_prompt = NULL;
      g_autoptr (JsonObject) usage = NULL;
      const ReelLedgerEntry *entry = NULL;
      JsonObject            *take_json;

      g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
      g_assert_nonnull (take);

      /* The prompt the service says it used, its usage report, and what it billed. */
      actual_prompt = reel_fake_dashscope_dup_actual_prompt (fixture->dashscope, job->remote_id);
      g_assert_nonnull (actual_prompt);
      g_assert_cmpstr (take->actual_prompt, ==, actual_prompt);
      g_assert_cmpstr (take->prompt, !=, take->actual_prompt);
      usage = parse_object (take->usage);
      g_assert_cmpfloat (json_object_get_double_member (usage, "video_duration"), ==, SHOT_SECONDS);
      g_assert_cmpfloat (take->billed_seconds, ==, SHOT_SECONDS);
      g_assert_cmpfloat_with_epsilon (take->cost, SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
      g_assert_cmpstr (take->currency, ==, "USD");

      /* One row of the ledger for the take, for what it cost. */
      for (guint j = 0; j < ledger->len; j++)
        {
          const ReelLedgerEntry *candidate = g_ptr_array_index (ledger, j);
          if (candidate->take_id == take->id)
            {
              g_assert_null (entry);
              entry = candidate;
            }
        }
      g_assert_nonnull (entry);
      g_assert_cmpint (entry->job_id, ==, job->id);
      g_assert_cmpstr (entry->backend, ==, "dashscope");
      g_assert_cmpfloat_with_epsilon (entry->amount, take->cost, 1e-9);
      g_assert_cmpstr (entry->currency, ==, "USD");

      /* And `storyreel inspect --json` shows it all. */
      take_json = find_take_json (root, take->id);
      g_assert_cmpstr (json_object_get_string_member (take_json, "actual_prompt"), ==,
                       actual_prompt);
      g_assert_cmpfloat (json_object_get_double_member (take_json, "billed_seconds"), ==,
                         SHOT_SECONDS);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (take_json, "cost"),
                                      SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
      g_assert_cmpstr (json_object_get_string_member (take_json, "currency"), ==, "USD");
      g_assert_cmpfloat (json_object_get_double_member (
                             json_object_get_object_member (take_json, "usage"), "video_duration"),
                         ==, SHOT_SECONDS);
    }

  ledger_json = json_object_get_array_member (root, "ledger");
  g_assert_cmpuint (json_array_get_length (ledger_json), ==, 2);
  g_assert_cmpfloat_with_epsilon (reel_project_get_spent (fixture->project, "USD"),
                                  2 * SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
}

static void
test_billed_failure (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autoptr (GPtrArray) ledger = NULL;
  const ReelLedgerEntry *entry;

  reel_fake_dashscope_set_failure (fixture->dashscope, "InvalidParameter.Output",
                                   "The clip could not be encoded.", TRUE);
  generate (fixture, "dashscope", 0, 1);
  wait_idle (fixture);

  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 0);

  /* The service billed it: the ledger has the charge, with no take. */
  ledger = reel_project_list_ledger (fixture->project);
  g_assert_cmpuint (ledger->len, ==, 1);
  entry = g_ptr_array_index (ledger, 0);
  g_assert_cmpint (entry->job_id, ==, job->id);
  g_assert_cmpint (entry->take_id, ==, 0);
  g_assert_cmpstr (entry->backend, ==, "dashscope");
  g_assert_cmpfloat_with_epsilon (entry->amount, SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
  g_assert_cmpstr (entry->currency, ==, "USD");
  g_assert_nonnull (entry->note);
  g_assert_nonnull (strstr (entry->note, "could not be encoded"));
  g_assert_nonnull (entry->usage);
  g_assert_cmpfloat_with_epsilon (reel_project_get_spent (fixture->project, "USD"),
                                  SHOT_SECONDS * PRICE_PER_SECOND, 1e-9);
}

static void
test_transient_failure_new_task (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_auto (GStrv) ids = NULL;
  g_autofree char *first_status = NULL;

  /* The first task will fail with the service's internal error… */
  reel_fake_dashscope_set_failure (fixture->dashscope, "InternalError.Algo",
                                   "An internal error occurred.", FALSE);
  reel_fake_dashscope_set_latency (fixture->dashscope, 0, REEL_FAKE_FOREVER);
  generate (fixture, "dashscope", 0, 1);
  wait_for_tasks_committed (fixture, 1);
  /* …and the ones after it will not. */
  reel_fake_dashscope_set_failure (fixture->dashscope, NULL, NULL, FALSE);
  reel_fake_dashscope_set_latency (fixture->dashscope, 0, 0);
  wait_idle (fixture);

  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
  g_assert_cmpuint (job->attempts, ==, 2);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 1);

  /* The retry made a new task; the failed one was not polled again. */
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 2);
  ids = reel_fake_dashscope_dup_task_ids (fixture->dashscope);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  first_status = reel_fake_dashscope_dup_task_status (fixture->dashscope, ids[0]);
  g_assert_cmpstr (first_status, ==, "FAILED");
  g_assert_cmpstr (job->remote_id, ==, ids[1]);
  g_assert_cmpuint (fixture->requeued_at_ms, >, 0);
  g_assert_cmpuint (reel_fake_dashscope_count_polls (fixture->dashscope, ids[0]), ==,
                    fixture->polls_when_requeued);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, ids[0]), ==, 0);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, ids[1]), ==, 1);
}

static void
test_refused_not_retried (Fixture *fixture, gconstpointer data)
{
  gboolean at_create = GPOINTER_TO_INT (data);
  g_autoptr (ReelJobRecord) job = NULL;

  /* Moderation refuses the prompt when the task is created, or the clip
   * once it is made. */
  if (at_create)
    reel_fake_dashscope_set_refuse_creates (fixture->dashscope, TRUE);
  else
    reel_fake_dashscope_set_failure (fixture->dashscope, "DataInspectionFailed",
                                     "Output data may contain inappropriate content.", FALSE);
  generate (fixture, "dashscope", 0, 1);
  wait_idle (fixture);

  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_REFUSED);
  g_assert_cmpuint (job->attempts, ==, 1);
  g_assert_nonnull (strstr (job->error, "refused the shot’s content"));
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "POST",
                                            "/api/v1/services/aigc/video-generation/"),
                    ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, at_create ? 0 : 1);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* Budgets                                                                   */

static void
test_budget (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (ReelCostEstimate) estimate = { 0 };
  ReelGenerateOptions options = { .backend = "dashscope" };
  const double        one_shot = SHOT_SECONDS * PRICE_PER_SECOND;
  gint64              two[] = { shot (fixture, 0), shot (fixture, 1) };
  gint64              third = shot (fixture, 2);

  /* Enough for one shot, not for two. */
  g_assert_true (reel_project_set_budget (fixture->project, one_shot * 1.5, "USD", &error));
  g_assert_true (reel_scheduler_estimate (fixture->scheduler, two, 2, &options, &estimate, &error));
  g_assert_true (estimate.over_budget);
  g_assert_cmpfloat_with_epsilon (estimate.amount, 2 * one_shot, 1e-9);

  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, two, 2, &options, &error), ==, 0);
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (error->message, "budget"));
  g_assert_nonnull (strstr (error->message, "$0.60"));
  g_clear_error (&error);
  g_assert_cmpuint (count_jobs (fixture), ==, 0);
  g_assert_cmpuint (reel_scheduler_get_n_unfinished (fixture->scheduler), ==, 0);

  /* One fits. While it is queued, another does not: its cost is committed. */
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, two, 1, &options, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, &third, 1, &options, &error), ==,
                   0);
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_clear_error (&error);
  wait_idle (fixture);

  /* Once it is paid for, the rest of the budget is still too little. */
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler, &third, 1, &options, &error), ==,
                   0);
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_clear_error (&error);
  g_assert_cmpuint (count_jobs (fixture), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "POST", NULL), ==, 1);
  g_assert_cmpfloat_with_epsilon (reel_project_get_spent (fixture->project, "USD"), one_shot, 1e-9);
}

/* ------------------------------------------------------------------------ */
/* Keys                                                                      */

static void
test_key_never_written (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelFalBackend) wrong_fal = NULL;
  g_autofree char *path = g_file_get_path (fixture->file);
  g_autofree char *contents = NULL;
  gsize            length = 0;

  /* A clip from each service, a refusal, and a cancel after a quit: every
   * path that records something about a job. */
  generate (fixture, "dashscope", 0, 1);
  generate (fixture, "fal", 1, 1);
  wait_idle (fixture);
  reel_fake_dashscope_set_failure (fixture->dashscope, "DataInspectionFailed",
                                   "Output data may contain inappropriate content.", TRUE);
  generate (fixture, "dashscope", 2, 1);
  wait_idle (fixture);
  hold_tasks (fixture, "fal", TRUE);
  generate (fixture, "fal", 3, 1);
  wait_for_task_of_shot (fixture, 3);
  restart_scheduler (fixture);
  reel_scheduler_resume_unfinished_jobs (fixture->scheduler, NULL);
  reel_scheduler_cancel_all (fixture->scheduler);
  wait_until (one_cancel_arrived, fixture, TIMEOUT_MS, "the cancel request");

  g_assert_cmpuint (count_takes (fixture, shot (fixture, 0)), ==, 1);
  g_assert_cmpuint (count_takes (fixture, shot (fixture, 1)), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, NULL), ==, 1);
  g_assert_cmpuint (reel_fake_fal_count_downloads (fixture->fal, NULL), ==, 1);

  /* A wrong key is not written either, nor echoed in the error. */
  stop_scheduler (fixture);
  wrong_fal = reel_fal_backend_new (reel_fake_fal_get_url (fixture->fal), DASHSCOPE_KEY);
  fixture->scheduler = make_scheduler (fixture);
  reel_scheduler_add_backend (fixture->scheduler, REEL_BACKEND (wrong_fal));
  generate (fixture, "fal", 4, 1);
  wait_idle (fixture);
  {
    g_autoptr (ReelJobRecord) job = only_job_of (fixture, shot (fixture, 4));
    g_assert_cmpint (job->error_kind, ==, REEL_FAILURE_AUTH);
  }

  assert_no_key_anywhere (fixture);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 0);
  g_assert_false (contains_key (contents, length));
}

/* A service (or a proxy before it) that quotes the request in its error
 * answer: the key it quotes is hidden before the error is recorded. */
static void
test_echoed_key_hidden (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRecord) job = NULL;

  reel_fake_dashscope_set_failure (fixture->dashscope, "InternalError",
                                   "Request was: Authorization: Bearer " DASHSCOPE_KEY, FALSE);
  generate (fixture, "dashscope", 0, 1);
  wait_idle (fixture);

  job = only_job_of (fixture, shot (fixture, 0));
  g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
  g_assert_nonnull (job->error);
  g_assert_nonnull (strstr (job->error, "Request was: Authorization: Bearer [hidden]"));
  assert_no_key_anywhere (fixture);
}

int
main (int argc, char **argv)
{
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

#define ADD(path, func, data)                                                                      \
  g_test_add ("/remote-jobs/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("quit-resumes/dashscope", test_quit_resumes, "dashscope");
  ADD ("quit-resumes/fal", test_quit_resumes, "fal");
  ADD ("cancel-running/dashscope", test_cancel_running, "dashscope");
  ADD ("cancel-running/fal", test_cancel_running, "fal");
  ADD ("cancel-queued-with-task/dashscope", test_cancel_queued_with_task, "dashscope");
  ADD ("cancel-queued-with-task/fal", test_cancel_queued_with_task, "fal");
  ADD ("cancel-waiting-for-retry", test_cancel_waiting_for_retry, NULL);
  ADD ("lost-creates-adopted-once", test_lost_creates_adopted_once, NULL);
  ADD ("retry-after/dashscope", test_retry_after, "dashscope");
  ADD ("retry-after/fal", test_retry_after, "fal");
  ADD ("refused-create-not-looked-for", test_refused_create_not_looked_for, NULL);
  ADD ("parallel-ceiling", test_parallel_ceiling, NULL);
  ADD ("service-report", test_service_report, NULL);
  ADD ("billed-failure", test_billed_failure, NULL);
  ADD ("transient-failure-new-task", test_transient_failure_new_task, NULL);
  ADD ("refused-not-retried/at-create", test_refused_not_retried, GINT_TO_POINTER (TRUE));
  ADD ("refused-not-retried/after-run", test_refused_not_retried, GINT_TO_POINTER (FALSE));
  ADD ("budget", test_budget, NULL);
  ADD ("key-never-written", test_key_never_written, NULL);
  ADD ("shot-deleted-task-kept/dashscope", test_shot_deleted_task_kept, "dashscope");
  ADD ("shot-deleted-task-kept/fal", test_shot_deleted_task_kept, "fal");
  ADD ("shot-deleted-while-closed", test_shot_deleted_while_closed, NULL);
  ADD ("shot-deleted-then-undone", test_shot_deleted_then_undone, NULL);
  ADD ("shot-deleted-before-sent", test_shot_deleted_before_sent, NULL);
  ADD ("shot-deleted-while-downloading", test_shot_deleted_while_downloading, NULL);
  ADD ("retry-resumes-kept-task", test_retry_resumes_kept_task, NULL);
  ADD ("clip-lands-while-stopping", test_clip_lands_while_stopping, NULL);
  ADD ("fal-bad-gateway-not-resubmitted", test_fal_bad_gateway_not_resubmitted, NULL);
  ADD ("lost-create-not-a-strangers", test_lost_create_not_a_strangers, NULL);
  ADD ("lost-create-not-a-later-twin", test_lost_create_not_a_later_twin, NULL);
  ADD ("resume-keeps-fresh-temporaries", test_resume_keeps_fresh_temporaries, NULL);
  ADD ("echoed-key-hidden", test_echoed_key_hidden, NULL);
#undef ADD

  return g_test_run ();
}
