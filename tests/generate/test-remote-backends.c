/* test-remote-backends.c: the Model Studio and fal.ai backends against fakes that misbehave
 *
 * Each backend is driven directly, as the scheduler drives it: a worker
 * thread runs submit → wait → fetch with a job context, while the test
 * iterates the main context, where the context's reports arrive and are
 * acknowledged at once (the last resume state is kept, as the scheduler
 * would store it). A job that "resumes" gets a new context with that state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-dashscope.h"
#include "fake-fal.h"
#include "reel-dashscope-backend.h"
#include "reel-fal-backend.h"
#include "reel-job-context-private.h"
#include "reel-test-utils.h"

#define DASHSCOPE_KEY "sk-3f9a1c7e5b2d48a6b0e4c9d7f1a2b3c4"
#define FAL_KEY "7c1e9a2b-4d5f-4e6a-8b9c-0d1e2f3a4b5c:9f8e7d6c5b4a39281706f5e4d3c2b1a0"
#define WRONG_KEY "sk-0000wrong0000key0000"
#define DASHSCOPE_MODEL "wan2.6-t2v"
#define PROMPT "A lighthouse keeper climbs the spiral stairs at dusk, lamp in hand"
/* Generous bounds: a run normally takes a fraction of a second. */
#define RUN_TIMEOUT_MS 10000
/* A stopped job must let go about at once. */
#define STOP_TIMEOUT_MS 2000

/* Every log line, for the test that no key is ever written. */
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

static void
assert_no_key (const char *text, const char *where)
{
  if (text == NULL)
    return;
  if (strstr (text, DASHSCOPE_KEY) != NULL || strstr (text, FAL_KEY) != NULL
      || strstr (text, WRONG_KEY) != NULL)
    g_error ("An API key appears in %s: %s", where, text);
}

static gboolean
log_contains (const char *needle)
{
  gboolean found;

  g_mutex_lock (&captured_lock);
  found = strstr (captured_log->str, needle) != NULL;
  g_mutex_unlock (&captured_lock);
  return found;
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
 * conditions that change on other threads. */
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

static void
wait_for_requests (ReelFakeServer *server, const char *method, const char *path_prefix, guint count)
{
  RequestCount     wanted = { server, method, path_prefix, count };
  g_autofree char *what = g_strdup_printf ("%u %s %s requests", count, method, path_prefix);

  wait_until (requests_arrived, &wanted, RUN_TIMEOUT_MS, what);
}

/* ------------------------------------------------------------------------ */
/* The harness                                                               */

typedef struct
{
  char              *dir;
  ReelMediaStore    *store;
  GObject           *owner; /* the reports' owner; carries the fixture */
  GBytes            *video;
  ReelFakeDashscope *dashscope;
  ReelFakeFal       *fal;
  ReelBackend       *backend;
  /* What the "scheduler" stored. */
  char      *remote_id;
  char      *state;
  GPtrArray *states;
  /* Resume states holding this text are not saved (a busy project file). */
  const char *refuse_state_with;
} Fixture;

typedef struct
{
  Fixture        *fixture;
  ReelBackend    *backend;
  ReelJobContext *context;
  GThread        *thread;
  gboolean        done;
  char           *path;
  GError         *error;
} Run;

static void
report_cb (ReelJobContext   *context,
           ReelJobReportKind kind,
           const char       *text,
           double            fraction,
           gpointer          user_data)
{
  Fixture *fixture = g_object_get_data (user_data, "fixture");

  switch (kind)
    {
      case REEL_JOB_REPORT_SUBMITTED:
        g_free (fixture->remote_id);
        fixture->remote_id = g_strdup (text);
        reel_job_context_acknowledge (context, TRUE);
        break;
      case REEL_JOB_REPORT_RESUME_STATE:
        if (fixture->refuse_state_with != NULL && strstr (text, fixture->refuse_state_with) != NULL)
          {
            reel_job_context_acknowledge (context, FALSE);
            break;
          }
        if (reel_job_context_get_remote_id (context) != NULL)
          {
            g_free (fixture->remote_id);
            fixture->remote_id = g_strdup (reel_job_context_get_remote_id (context));
          }
        g_free (fixture->state);
        fixture->state = g_strdup (text);
        g_ptr_array_add (fixture->states, g_strdup (text));
        reel_job_context_acknowledge (context, TRUE);
        break;
      case REEL_JOB_REPORT_PROGRESS:
        assert_no_key (text, "a progress message");
        break;
      case REEL_JOB_REPORT_DOWNLOADING:
      default:
        break;
    }
}

static gboolean
run_done_cb (gpointer data)
{
  Run *run = data;

  run->done = TRUE;
  return G_SOURCE_REMOVE;
}

/* The worker, as the scheduler's run_job() does it, cancel included. */
static gpointer
run_thread (gpointer data)
{
  Run          *run = data;
  GCancellable *cancellable = reel_job_context_get_cancellable (run->context);
  GError       *error = NULL;

  if (!reel_backend_check_request (run->backend, reel_job_context_get_request (run->context),
                                   &error))
    goto out;
  if (reel_job_context_get_remote_id (run->context) == NULL
      && !reel_backend_submit (run->backend, run->context, &error))
    goto out;
  if (!reel_backend_wait (run->backend, run->context, &error))
    goto out;
  reel_job_context_downloading (run->context);
  run->path = reel_backend_fetch (run->backend, run->context, &error);

out:
  if (error != NULL && g_cancellable_is_cancelled (cancellable))
    reel_backend_cancel (run->backend, run->context);
  run->error = error;
  g_main_context_invoke (NULL, run_done_cb, run);
  return NULL;
}

/* Starts a job. @remote_id and @state: what an earlier attempt left. */
static Run *
run_start_full (Fixture              *fixture,
                const ReelJobRequest *request,
                gint64                job_id,
                const char           *remote_id,
                const char           *state,
                const char *const    *known_remote_ids)
{
  Run *run = g_new0 (Run, 1);

  run->fixture = fixture;
  run->backend = g_object_ref (fixture->backend);
  run->context = reel_job_context_new (job_id, 1, request, remote_id, fixture->store,
                                       g_main_context_default (), report_cb, fixture->owner);
  if (state != NULL)
    reel_job_context_set_resume_state (run->context, state);
  if (known_remote_ids != NULL)
    reel_job_context_set_known_remote_ids (run->context, known_remote_ids);
  run->thread = g_thread_new ("remote-job", run_thread, run);
  return run;
}

static Run *
run_start (Fixture *fixture, const ReelJobRequest *request)
{
  return run_start_full (fixture, request, 1, NULL, NULL, NULL);
}

static gboolean
run_is_done (gpointer data)
{
  return ((Run *) data)->done;
}

static void
run_finish (Run *run, guint timeout_ms)
{
  wait_until (run_is_done, run, timeout_ms, "the job's worker to return");
  g_thread_join (g_steal_pointer (&run->thread));
  if (run->error != NULL)
    {
      g_test_message ("The job failed: %s", run->error->message);
      assert_no_key (run->error->message, "an error message");
    }
}

static void
run_free (Run *run)
{
  if (run->thread != NULL)
    run_finish (run, RUN_TIMEOUT_MS);
  g_clear_object (&run->backend);
  g_clear_pointer (&run->context, reel_job_context_unref);
  g_clear_error (&run->error);
  g_free (run->path);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* Starts a job and waits for it to end. */
static Run *
run_job (Fixture *fixture, const ReelJobRequest *request)
{
  Run *run = run_start (fixture, request);

  run_finish (run, RUN_TIMEOUT_MS);
  return run;
}

/* The same job again, as the scheduler retries or resumes it: a fresh
 * context with what the last attempt left. */
static Run *
run_again (Fixture *fixture, const ReelJobRequest *request, const char *const *known_remote_ids)
{
  Run *run
      = run_start_full (fixture, request, 1, fixture->remote_id, fixture->state, known_remote_ids);

  run_finish (run, RUN_TIMEOUT_MS);
  return run;
}

static ReelJobRequest *
make_request (guint width, guint height, double duration)
{
  ReelJobRequest *request = reel_job_request_new ();

  request->shot_id = 1;
  request->prompt = g_strdup (PROMPT);
  request->width = width;
  request->height = height;
  request->fps = 24;
  request->duration = duration;
  request->seed = 7;
  return request;
}

static void
assert_file_is_video (Fixture *fixture, const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  gsize            expected_length;
  const void      *expected = g_bytes_get_data (fixture->video, &expected_length);

  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, expected, expected_length);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GFile) directory = NULL;

  fixture->dir = reel_test_make_tmpdir ();
  directory = g_file_new_for_path (fixture->dir);
  fixture->store = reel_media_store_new (directory);
  fixture->owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_data (fixture->owner, "fixture", fixture);
  fixture->video = reel_fake_make_video ();
  fixture->states = g_ptr_array_new_with_free_func (g_free);
}

static void
dashscope_set_up (Fixture *fixture, gconstpointer data)
{
  ReelDashscopeBackend *backend;

  fixture_set_up (fixture, data);
  fixture->dashscope = reel_fake_dashscope_new (DASHSCOPE_KEY, fixture->video);
  backend = reel_dashscope_backend_new (reel_fake_dashscope_get_base_url (fixture->dashscope),
                                        DASHSCOPE_KEY);
  /* A model with a shipped price in the international table, which a base
   * URL other than Beijing's bills in. */
  reel_dashscope_backend_set_model (backend, DASHSCOPE_MODEL);
  reel_dashscope_backend_set_poll_interval (backend, 5, 20);
  fixture->backend = REEL_BACKEND (backend);
}

static void
fal_set_up (Fixture *fixture, gconstpointer data)
{
  ReelFalBackend *backend;

  fixture_set_up (fixture, data);
  fixture->fal = reel_fake_fal_new (FAL_KEY, fixture->video);
  backend = reel_fal_backend_new (reel_fake_fal_get_url (fixture->fal), FAL_KEY);
  reel_fal_backend_set_poll_interval (backend, 5, 20);
  fixture->backend = REEL_BACKEND (backend);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  /* No key in any saved state, nor in anything logged so far. */
  for (guint i = 0; i < fixture->states->len; i++)
    assert_no_key (g_ptr_array_index (fixture->states, i), "a saved resume state");
  g_mutex_lock (&captured_lock);
  assert_no_key (captured_log->str, "the log");
  g_mutex_unlock (&captured_lock);

  g_clear_object (&fixture->backend);
  g_clear_pointer (&fixture->dashscope, reel_fake_dashscope_free);
  g_clear_pointer (&fixture->fal, reel_fake_fal_free);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->owner);
  g_clear_pointer (&fixture->video, g_bytes_unref);
  g_clear_pointer (&fixture->states, g_ptr_array_unref);
  g_free (fixture->remote_id);
  g_free (fixture->state);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
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
/* Model Studio                                                              */

static char *
only_task_id (Fixture *fixture)
{
  g_auto (GStrv) ids = reel_fake_dashscope_dup_task_ids (fixture->dashscope);

  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  return g_strdup (ids[0]);
}

static void
test_dashscope_happy_path (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 4.2);
  g_autoptr (Run) run = run_job (fixture, request);
  g_autofree char *task_id = NULL;
  g_autofree char *actual_prompt = NULL;
  g_autofree char *body_text = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (JsonObject) usage = NULL;
  g_autoptr (JsonObject) state = NULL;
  g_autoptr (ReelMediaInfo) media = NULL;
  g_autoptr (GError) error = NULL;
  const ReelServiceReport *report;
  JsonObject              *parameters;
  double                   charge = 0;
  const char              *currency = NULL, *usage_text = NULL;

  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);

  /* One task, made as asked: the nearest size of the model, the shortest
   * length that covers the shot, asynchronously. */
  task_id = only_task_id (fixture);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
  body_text = reel_fake_dashscope_dup_last_create_body (fixture->dashscope);
  body = parse_object (body_text);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, DASHSCOPE_MODEL);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (body, "input"), "prompt"), ==,
      PROMPT);
  parameters = json_object_get_object_member (body, "parameters");
  g_assert_cmpstr (json_object_get_string_member (parameters, "size"), ==, "1280*720");
  g_assert_cmpint (json_object_get_int_member (parameters, "duration"), ==, 5);

  /* The task id was committed, and is what a restart would resume. */
  g_assert_cmpstr (fixture->remote_id, ==, task_id);
  state = parse_object (fixture->state);
  g_assert_cmpstr (json_object_get_string_member (state, "task_id"), ==, task_id);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, task_id), ==, 1);
  g_assert_false (reel_fake_dashscope_download_saw_authorization (fixture->dashscope));

  /* What the service said it did and billed. */
  report = reel_job_context_get_service_report (run->context);
  actual_prompt = reel_fake_dashscope_dup_actual_prompt (fixture->dashscope, task_id);
  g_assert_nonnull (actual_prompt);
  g_assert_cmpstr (report->actual_prompt, ==, actual_prompt);
  usage = parse_object (report->usage);
  g_assert_cmpfloat (json_object_get_double_member (usage, "video_duration"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (usage, "SR"), ==, 720);
  g_assert_cmpfloat (report->billed_seconds, ==, 5);
  /* wan2.6-t2v at 720P: US$0.10 a second in the shipped table. */
  g_assert_cmpfloat_with_epsilon (report->cost, 0.50, 1e-9);
  g_assert_cmpstr (report->currency, ==, "USD");
  g_assert_false (reel_job_context_get_charge (run->context, &charge, &currency, &usage_text));

  /* The media store takes the clip, as the scheduler would hand it over. */
  media = reel_media_store_add_file (fixture->store, run->path, REEL_MEDIA_ADD_MOVE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (media);

  /* The story is in the debug log (which keeps no key: see the tear-down). */
  g_assert_true (log_contains ("/api/v1/tasks/"));
}

static void
test_dashscope_retry_after (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) throttled = NULL;
  g_autoptr (Run) unhinted = NULL;
  g_autoptr (Run) retried = NULL;

  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                 REEL_FAKE_FAULT_THROTTLE, 1);
  throttled = run_job (fixture, request);
  g_assert_error (throttled->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_cmpfloat (reel_job_context_get_retry_after (throttled->context), ==, 7);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 0);

  /* Model Studio's own 429 names no wait: the backend still asks for one. */
  reel_fake_dashscope_set_retry_after (fixture->dashscope, -1);
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                 REEL_FAKE_FAULT_THROTTLE, 1);
  unhinted = run_again (fixture, request, NULL);
  g_assert_error (unhinted->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_cmpfloat (reel_job_context_get_retry_after (unhinted->context), >, 1);

  /* The retry makes one task, no more. */
  retried = run_again (fixture, request, NULL);
  g_assert_no_error (retried->error);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
}

static void
test_dashscope_server_errors (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;

  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_POLL,
                                 REEL_FAKE_FAULT_SERVER_ERROR, 3);
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_POLL,
                                 REEL_FAKE_FAULT_UNAVAILABLE, 3);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
  g_assert_cmpuint (reel_fake_server_count (reel_fake_dashscope_get_server (fixture->dashscope),
                                            "GET", "/api/v1/tasks/"),
                    >=, 7);
}

static void
test_dashscope_stopped_while_hung (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  ReelFakeServer *server = reel_fake_dashscope_get_server (fixture->dashscope);
  g_autoptr (Run) run = NULL;
  g_autofree char *task_id = NULL;

  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_POLL, REEL_FAKE_FAULT_HANG,
                                 REEL_FAKE_FAULT_FOREVER);
  run = run_start (fixture, request);
  wait_for_requests (server, "GET", "/api/v1/tasks/", 1);

  /* Storyreel quits: the poll that never answers is abandoned at once, and
   * the task is left running at the service, to be resumed next time. */
  reel_job_context_stop (run->context, FALSE);
  run_finish (run, STOP_TIMEOUT_MS);
  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (reel_fake_server_count (server, "POST", "/api/v1/tasks/"), ==, 0);
  task_id = only_task_id (fixture);
  g_assert_cmpstr (fixture->remote_id, ==, task_id);
}

static void
test_dashscope_user_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;
  g_autofree char *task_id = NULL;
  g_autofree char *status = NULL;

  reel_fake_dashscope_set_latency (fixture->dashscope, REEL_FAKE_FOREVER, 60);
  run = run_start (fixture, request);
  wait_for_requests (reel_fake_dashscope_get_server (fixture->dashscope), "GET", "/api/v1/tasks/",
                     1);

  reel_job_context_stop (run->context, TRUE);
  run_finish (run, STOP_TIMEOUT_MS);
  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  task_id = only_task_id (fixture);
  g_assert_cmpuint (reel_fake_dashscope_count_cancels (fixture->dashscope, task_id), ==, 1);
  status = reel_fake_dashscope_dup_task_status (fixture->dashscope, task_id);
  g_assert_cmpstr (status, ==, "CANCELED");
}

static void
test_dashscope_lost_create_reply (Fixture *fixture, gconstpointer data)
{
  ReelFakeFault fault = GPOINTER_TO_INT (data);
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) lost = NULL;
  g_autoptr (Run) unlisted = NULL;
  g_autoptr (Run) resumed = NULL;
  g_autofree char *other = NULL;
  g_auto (GStrv) ids = NULL;
  const char *known[2] = { NULL, NULL };

  /* Another job of the project made a task of the same model just before:
   * it must not be mistaken for ours. */
  other = reel_fake_dashscope_create_task (fixture->dashscope, DASHSCOPE_MODEL, "another shot");
  known[0] = other;

  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE, fault, 1);
  lost = run_job (fixture, request);
  g_assert_error (lost->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);

  /* The list cannot be read: no task is made blindly meanwhile. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_LIST,
                                 REEL_FAKE_FAULT_SERVER_ERROR, 1);
  unlisted = run_again (fixture, request, known);
  g_assert_error (unlisted->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);

  /* The retry finds the task in the list instead of paying for another. */
  resumed = run_again (fixture, request, known);
  g_assert_no_error (resumed->error);
  assert_file_is_video (fixture, resumed->path);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_lists (fixture->dashscope), ==, 1);

  ids = reel_fake_dashscope_dup_task_ids (fixture->dashscope);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, other);
  g_assert_cmpstr (fixture->remote_id, ==, ids[1]);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, ids[1]), ==, 1);
  g_assert_cmpuint (reel_fake_dashscope_count_polls (fixture->dashscope, other), ==, 0);
}

static void
test_dashscope_download_resumed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;
  g_autofree char *task_id = NULL;

  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_DOWNLOAD,
                                 REEL_FAKE_FAULT_DROP_MIDWAY, 1);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
  task_id = only_task_id (fixture);
  g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, task_id), ==, 2);
}

static void
test_dashscope_download_retried (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) broken = NULL;
  g_autoptr (Run) retried = NULL;

  /* A download that keeps breaking off is a transient failure; the retry
   * downloads the same task's clip and makes no new task. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_DOWNLOAD,
                                 REEL_FAKE_FAULT_DROP_MIDWAY, REEL_FAKE_FAULT_FOREVER);
  broken = run_job (fixture, request);
  g_assert_error (broken->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);

  reel_fake_dashscope_clear_faults (fixture->dashscope);
  retried = run_again (fixture, request, NULL);
  g_assert_no_error (retried->error);
  assert_file_is_video (fixture, retried->path);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 1);
}

static void
test_dashscope_first_and_last_frame (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autofree char *image = g_build_filename (fixture->dir, "board.png", NULL);
  g_autofree char *pipeline = g_strdup_printf (
      "videotestsrc num-buffers=1 ! video/x-raw,width=480,height=360 ! videoconvert ! pngenc ! "
      "filesink location=\"%s\"",
      image);
  g_autofree char *body_text = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (Run) run = NULL;
  JsonObject *input;

  reel_test_run_pipeline (pipeline);
  request->model = g_strdup ("wan2.2-kf2v-flash");
  request->start_image = g_strdup (image);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);

  /* kf2v models are served on their own path (the fake refuses them on the
   * other), with both frames inline. */
  g_assert_cmpuint (reel_fake_server_count (reel_fake_dashscope_get_server (fixture->dashscope),
                                            "POST", "/api/v1/services/aigc/image2video/"),
                    ==, 1);
  body_text = reel_fake_dashscope_dup_last_create_body (fixture->dashscope);
  body = parse_object (body_text);
  input = json_object_get_object_member (body, "input");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (input, "first_frame_url"),
                                   "data:image/png;base64,"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (input, "last_frame_url"),
                                   "data:image/png;base64,"));
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (body, "parameters"), "resolution"),
                   ==, "720P");
}

static void
test_dashscope_malformed_answers (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;

  /* A few unreadable answers in a row are ridden out. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_POLL,
                                 REEL_FAKE_FAULT_TRUNCATED, 1);
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_POLL,
                                 REEL_FAKE_FAULT_GARBAGE, 1);
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_POLL,
                                 REEL_FAKE_FAULT_EMPTY, 1);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
}

static void
test_dashscope_unreadable_forever (Fixture *fixture, gconstpointer data)
{
  ReelFakeFault fault = GPOINTER_TO_INT (data);
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;

  /* Answers that never make sense end the attempt with a transient error,
   * for the scheduler to retry later; they do not poll forever. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_POLL, fault,
                                 REEL_FAKE_FAULT_FOREVER);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_nonnull (strstr (run->error->message, "Model Studio"));
}

static void
test_dashscope_failed_task (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;
  double      cost = 0;
  const char *currency = NULL, *usage = NULL;

  reel_fake_dashscope_set_failure (fixture->dashscope, "InvalidParameter",
                                   "The prompt asks for more than the model can show.", FALSE);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "more than the model can show"));
  g_assert_false (reel_job_context_get_charge (run->context, &cost, &currency, &usage));
}

static void
test_dashscope_failed_task_billed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;
  g_autoptr (JsonObject) usage_object = NULL;
  double      cost = 0;
  const char *currency = NULL, *usage = NULL;

  reel_fake_dashscope_set_failure (fixture->dashscope, "InvalidParameter.Output",
                                   "The clip could not be encoded.", TRUE);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "The clip could not be encoded."));
  g_assert_true (reel_job_context_get_charge (run->context, &cost, &currency, &usage));
  g_assert_cmpfloat_with_epsilon (cost, 0.50, 1e-9);
  g_assert_cmpstr (currency, ==, "USD");
  usage_object = parse_object (usage);
  g_assert_cmpfloat (json_object_get_double_member (usage_object, "video_duration"), ==, 5);
}

static void
test_dashscope_refused_input (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;

  reel_fake_dashscope_set_refuse_creates (fixture->dashscope, TRUE);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 0);
}

static void
test_dashscope_refused_output (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;
  double      cost = 0;
  const char *currency = NULL, *usage = NULL;

  /* Made, then refused by the moderation of the output: still billed. */
  reel_fake_dashscope_set_failure (fixture->dashscope, "DataInspectionFailed",
                                   "Output data may contain inappropriate content.", TRUE);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED);
  g_assert_nonnull (strstr (run->error->message, "inappropriate content"));
  g_assert_true (reel_job_context_get_charge (run->context, &cost, &currency, &usage));
  g_assert_cmpfloat_with_epsilon (cost, 0.50, 1e-9);
}

static void
test_dashscope_expired_link (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;

  reel_fake_dashscope_set_link_lifetime (fixture->dashscope, -3600);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "expired"));
}

static void
test_dashscope_link_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;

  /* The link looks valid, but the storage refuses it. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_DOWNLOAD,
                                 REEL_FAKE_FAULT_FORBIDDEN, 1);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "expired"));
}

static void
test_dashscope_unknown_task (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;
  const char *task_id = "5a0c6f1e-0b7d-4b9e-9f3a-2c4d6e8f0a1b";

  /* A job resumed after the service forgot its task (24 hours later). */
  fixture->remote_id = g_strdup (task_id);
  fixture->state
      = g_strdup_printf ("{\"task_id\":\"%s\",\"model\":\"%s\"}", task_id, DASHSCOPE_MODEL);
  run = run_again (fixture, request, NULL);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "24"));
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 0);
}

static void
test_dashscope_wrong_key (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) run = NULL;

  g_object_unref (fixture->backend);
  fixture->backend = REEL_BACKEND (reel_dashscope_backend_new (
      reel_fake_dashscope_get_base_url (fixture->dashscope), WRONG_KEY));
  run = run_job (fixture, request);

  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 0);
}

static void
test_dashscope_test_connection (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelDashscopeBackend) wrong = reel_dashscope_backend_new (
      reel_fake_dashscope_get_base_url (fixture->dashscope), WRONG_KEY);

  g_assert_true (reel_backend_test_connection (fixture->backend, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (reel_backend_test_connection (REEL_BACKEND (wrong), NULL, &error));
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH);
  assert_no_key (error->message, "an error message");
}

/* An address in clear text across a network never gets the key: the job
 * and the connection test both fail at once and say why. */
static void
test_plain_http_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelDashscopeBackend) remote
      = reel_dashscope_backend_new ("http://192.0.2.10/api/v1", DASHSCOPE_KEY);
  g_autoptr (ReelFalBackend) fal = reel_fal_backend_new ("http://192.0.2.10", FAL_KEY);
  g_autoptr (Run) run = NULL;

  g_assert_false (reel_backend_test_connection (REEL_BACKEND (remote), NULL, &error));
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (error->message, "only over https"));
  assert_no_key (error->message, "an error message");
  g_clear_error (&error);

  g_set_object (&fixture->backend, REEL_BACKEND (fal));
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "only over https"));
  assert_no_key (run->error->message, "an error message");
}

/* The fake's own switches that later tests build on. */
static void
test_dashscope_fake_concurrency (Fixture *fixture, gconstpointer data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *first_status = NULL;
  g_autofree char *second_status = NULL;

  reel_fake_dashscope_set_max_running (fixture->dashscope, 1);
  reel_fake_dashscope_set_latency (fixture->dashscope, 0, REEL_FAKE_FOREVER);
  first = reel_fake_dashscope_create_task (fixture->dashscope, DASHSCOPE_MODEL, "one");
  second = reel_fake_dashscope_create_task (fixture->dashscope, DASHSCOPE_MODEL, "two");
  first_status = reel_fake_dashscope_dup_task_status (fixture->dashscope, first);
  second_status = reel_fake_dashscope_dup_task_status (fixture->dashscope, second);
  g_assert_cmpstr (first_status, ==, "RUNNING");
  g_assert_cmpstr (second_status, ==, "PENDING");

  /* The first ends: the second gets its slot. */
  reel_fake_dashscope_set_latency (fixture->dashscope, 0, 0);
  g_free (second_status);
  second_status = reel_fake_dashscope_dup_task_status (fixture->dashscope, second);
  g_assert_cmpstr (second_status, ==, "SUCCEEDED");
}

static void
test_dashscope_concurrent_jobs (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 5);
  g_autoptr (Run) first = NULL;
  g_autoptr (Run) second = NULL;

  /* Beyond the account's concurrency, tasks wait PENDING; both jobs ride it out. */
  reel_fake_dashscope_set_max_running (fixture->dashscope, 1);
  reel_fake_dashscope_set_latency (fixture->dashscope, 0, 100);
  first = run_start_full (fixture, request, 1, NULL, NULL, NULL);
  second = run_start_full (fixture, request, 2, NULL, NULL, NULL);
  run_finish (first, RUN_TIMEOUT_MS);
  run_finish (second, RUN_TIMEOUT_MS);
  g_assert_no_error (first->error);
  g_assert_no_error (second->error);
  assert_file_is_video (fixture, first->path);
  assert_file_is_video (fixture, second->path);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, 2);
}

/* ------------------------------------------------------------------------ */
/* fal.ai                                                                    */

static char *
only_request_id (Fixture *fixture)
{
  g_auto (GStrv) ids = reel_fake_fal_dup_request_ids (fixture->fal);

  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  return g_strdup (ids[0]);
}

static void
test_fal_happy_path (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3.0);
  g_autoptr (Run) run = run_job (fixture, request);
  ReelFakeServer *server = reel_fake_fal_get_server (fixture->fal);
  g_autoptr (JsonObject) input = NULL;
  g_autoptr (JsonObject) state = NULL;
  g_autofree char         *request_id = NULL;
  g_autofree char         *endpoint = NULL;
  g_autofree char         *status_prefix = NULL;
  const ReelServiceReport *report;
  gint64                   frames;

  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
  request_id = only_request_id (fixture);
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 1);
  endpoint = reel_fake_fal_dup_last_endpoint (fixture->fal);
  g_assert_cmpstr (endpoint, ==, REEL_FAL_DEFAULT_MODEL);

  /* The length is asked for exactly: Wan's 16 fps, 4n + 1 frames as near the
   * shot's three seconds as can be, and no interpolation to change it. */
  input = reel_fake_fal_dup_last_input (fixture->fal);
  g_assert_nonnull (input);
  g_assert_cmpstr (json_object_get_string_member (input, "prompt"), ==, PROMPT);
  g_assert_cmpstr (json_object_get_string_member (input, "interpolator_model"), ==, "none");
  g_assert_cmpint (json_object_get_int_member (input, "frames_per_second"), ==, 16);
  frames = json_object_get_int_member (input, "num_frames");
  g_assert_cmpint (frames % 4, ==, 1);
  g_assert_cmpfloat (ABS (frames / 16.0 - 3.0), <=, 2 / 16.0);
  g_assert_cmpstr (json_object_get_string_member (input, "resolution"), ==, "720p");
  g_assert_cmpstr (json_object_get_string_member (input, "aspect_ratio"), ==, "16:9");
  g_assert_cmpint (json_object_get_int_member (input, "seed"), ==, 7);

  /* The queue's own URLs were used: they name only the owner and the app. */
  status_prefix = g_strdup_printf ("/fal-ai/wan/requests/%s/status", request_id);
  g_assert_cmpuint (reel_fake_server_count (server, "GET", status_prefix), >=, 1);
  g_assert_cmpuint (reel_fake_server_count (server, NULL, "/fal-ai/wan/v2.2-a14b/text-to-video/"),
                    ==, 0);
  g_assert_cmpuint (reel_fake_fal_count_results (fixture->fal, request_id), ==, 1);
  g_assert_cmpuint (reel_fake_fal_count_downloads (fixture->fal, request_id), ==, 1);
  g_assert_false (reel_fake_fal_download_saw_authorization (fixture->fal));

  g_assert_cmpstr (fixture->remote_id, ==, request_id);
  state = parse_object (fixture->state);
  g_assert_cmpstr (json_object_get_string_member (state, "request_id"), ==, request_id);
  g_assert_nonnull (strstr (json_object_get_string_member (state, "status_url"), "/fal-ai/wan/"));

  report = reel_job_context_get_service_report (run->context);
  g_assert_cmpint (report->seed, ==, 7);
  g_assert_cmpstr (report->actual_prompt, ==, PROMPT);
  g_assert_cmpfloat (report->billed_seconds, ==, frames / 16.0);
  /* 720p: US$0.08 a video second in the shipped table. */
  g_assert_cmpfloat_with_epsilon (report->cost, frames / 16.0 * 0.08, 1e-9);
  g_assert_cmpstr (report->currency, ==, "USD");
}

static void
test_fal_retry_after (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) throttled = NULL;
  g_autoptr (Run) retried = NULL;

  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_SUBMIT, REEL_FAKE_FAULT_THROTTLE, 1);
  throttled = run_job (fixture, request);
  g_assert_error (throttled->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_cmpfloat (reel_job_context_get_retry_after (throttled->context), ==, 7);
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 0);

  /* A refused submit queued nothing: the retry submits. */
  retried = run_again (fixture, request, NULL);
  g_assert_no_error (retried->error);
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 1);
}

static void
test_fal_server_errors (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_STATUS, REEL_FAKE_FAULT_SERVER_ERROR, 3);
  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_STATUS, REEL_FAKE_FAULT_UNAVAILABLE, 3);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
}

static void
test_fal_stopped_while_hung (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  ReelFakeServer *server = reel_fake_fal_get_server (fixture->fal);
  g_autoptr (Run) run = NULL;

  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_STATUS, REEL_FAKE_FAULT_HANG,
                           REEL_FAKE_FAULT_FOREVER);
  run = run_start (fixture, request);
  wait_for_requests (server, "GET", "/fal-ai/wan/requests/", 1);

  reel_job_context_stop (run->context, FALSE);
  run_finish (run, STOP_TIMEOUT_MS);
  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (reel_fake_server_count (server, "PUT", NULL), ==, 0);
  g_assert_cmpuint (reel_fake_fal_count_cancels (fixture->fal, NULL), ==, 0);
}

static void
test_fal_user_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *status = NULL;

  reel_fake_fal_set_latency (fixture->fal, REEL_FAKE_FOREVER, 60);
  run = run_start (fixture, request);
  wait_for_requests (reel_fake_fal_get_server (fixture->fal), "GET", "/fal-ai/wan/requests/", 1);

  reel_job_context_stop (run->context, TRUE);
  run_finish (run, STOP_TIMEOUT_MS);
  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  request_id = only_request_id (fixture);
  g_assert_cmpuint (reel_fake_fal_count_cancels (fixture->fal, request_id), ==, 1);
  status = reel_fake_fal_dup_status (fixture->fal, request_id);
  g_assert_cmpstr (status, ==, "CANCELLED");
}

static void
test_fal_lost_submit_reply (Fixture *fixture, gconstpointer data)
{
  ReelFakeFault fault = GPOINTER_TO_INT (data);
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  ReelFakeServer *server = reel_fake_fal_get_server (fixture->fal);
  g_autoptr (Run) lost = NULL;
  g_autoptr (Run) retried = NULL;

  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_SUBMIT, fault, 1);
  lost = run_job (fixture, request);
  g_assert_error (lost->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 1);

  /* fal cannot be asked whether the request exists: the retry says so, and
   * does not pay for a second one. */
  retried = run_again (fixture, request, NULL);
  g_assert_error (retried->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (retried->error->message, "was lost"));
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 1);
  g_assert_cmpuint (reel_fake_server_count (server, "POST", NULL), ==, 1);
}

static void
test_fal_download_resumed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autofree char *request_id = NULL;

  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_DOWNLOAD, REEL_FAKE_FAULT_DROP_MIDWAY, 1);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
  request_id = only_request_id (fixture);
  g_assert_cmpuint (reel_fake_fal_count_downloads (fixture->fal, request_id), ==, 2);
}

static void
test_fal_malformed_answers (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_STATUS, REEL_FAKE_FAULT_TRUNCATED, 1);
  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_STATUS, REEL_FAKE_FAULT_GARBAGE, 1);
  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_STATUS, REEL_FAKE_FAULT_EMPTY, 1);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
}

static void
test_fal_unreadable_forever (Fixture *fixture, gconstpointer data)
{
  ReelFakeFault fault = GPOINTER_TO_INT (data);
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_STATUS, fault, REEL_FAKE_FAULT_FOREVER);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_nonnull (strstr (run->error->message, "fal.ai"));
}

static void
test_fal_failed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_fal_set_failure (fixture->fal, "internal_error",
                             "The model could not generate the video.");
  run = run_job (fixture, request);
  g_assert_nonnull (run->error);
  g_assert_true (run->error->domain == REEL_BACKEND_ERROR);
  g_assert_nonnull (strstr (run->error->message, "The model could not generate the video."));
  g_assert_cmpuint (reel_fake_fal_count_downloads (fixture->fal, NULL), ==, 0);
}

static void
test_fal_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_fal_set_refusal (fixture->fal, TRUE);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED);
  g_assert_nonnull (strstr (run->error->message, "flagged by a content checker"));
}

static void
test_fal_refused_in_status (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_fal_set_failure (fixture->fal, "content_policy_violation",
                             "The content was flagged by a content checker.");
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED);
}

static void
test_fal_invalid_field (Fixture *fixture, gconstpointer data)
{
  gboolean on_submit = GPOINTER_TO_INT (data);
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_fal_set_validate_on_submit (fixture->fal, on_submit);
  reel_fake_fal_set_invalid_field (fixture->fal, "num_frames",
                                   "Input should be less than or equal to 121", "less_than_equal");
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  /* A sentence a person can act on, not pydantic's JSON. */
  g_assert_nonnull (strstr (run->error->message, "num_frames: Input should be less than or equal "
                                                 "to 121"));
  g_assert_null (strstr (run->error->message, "\"loc\""));
  g_assert_null (strstr (run->error->message, "{"));
}

static void
test_fal_wrong_key (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  g_object_unref (fixture->backend);
  fixture->backend
      = REEL_BACKEND (reel_fal_backend_new (reel_fake_fal_get_url (fixture->fal), WRONG_KEY));
  run = run_job (fixture, request);

  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH);
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, 0);
}

static void
test_fal_test_connection (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelFalBackend) wrong
      = reel_fal_backend_new (reel_fake_fal_get_url (fixture->fal), WRONG_KEY);

  g_assert_true (reel_backend_test_connection (fixture->backend, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (reel_backend_test_connection (REEL_BACKEND (wrong), NULL, &error));
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH);
  assert_no_key (error->message, "an error message");
}

/* ------------------------------------------------------------------------ */
/* Resume states the project file did not take                               */

static guint
count_submissions (Fixture *fixture)
{
  return fixture->fal != NULL
             ? reel_fake_server_count (reel_fake_fal_get_server (fixture->fal), "POST", NULL)
             : reel_fake_server_count (reel_fake_dashscope_get_server (fixture->dashscope), "POST",
                                       NULL);
}

/* The note that a create is about to leave is not saved (the project file
 * is busy, or its disk full), and nobody stopped the job: the create is not
 * sent, as a restart could not know of it, and the job fails for now. */
static void
test_unsaved_create_note (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  fixture->refuse_state_with = "creating_since";
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_nonnull (strstr (run->error->message, "could not save"));
  g_assert_cmpuint (count_submissions (fixture), ==, 0);
}

/* The task's id is not saved: the job does not go on as if it were. */
static void
test_unsaved_task_id (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  fixture->refuse_state_with = fixture->fal != NULL ? "request_id" : "task_id";
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_nonnull (strstr (run->error->message, "could not save"));
  g_assert_cmpuint (count_submissions (fixture), ==, 1);
  if (fixture->fal != NULL)
    {
      g_assert_cmpuint (reel_fake_fal_count_status_polls (fixture->fal, NULL), ==, 0);
      g_assert_cmpuint (reel_fake_fal_count_downloads (fixture->fal, NULL), ==, 0);
    }
  else
    {
      g_assert_cmpuint (reel_fake_dashscope_count_polls (fixture->dashscope, NULL), ==, 0);
      g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, NULL), ==, 0);
    }
}

int
main (int argc, char **argv)
{
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_test_init (&argc, &argv, NULL);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

#define DASHSCOPE(path, func, data)                                                                \
  g_test_add ("/remote/dashscope/" path, Fixture, data, dashscope_set_up, func, fixture_tear_down)
#define FAL(path, func, data)                                                                      \
  g_test_add ("/remote/fal/" path, Fixture, data, fal_set_up, func, fixture_tear_down)

  DASHSCOPE ("happy-path", test_dashscope_happy_path, NULL);
  DASHSCOPE ("unsaved-create-note", test_unsaved_create_note, NULL);
  DASHSCOPE ("unsaved-task-id", test_unsaved_task_id, NULL);
  FAL ("unsaved-create-note", test_unsaved_create_note, NULL);
  FAL ("unsaved-task-id", test_unsaved_task_id, NULL);
  DASHSCOPE ("retry-after", test_dashscope_retry_after, NULL);
  DASHSCOPE ("server-errors", test_dashscope_server_errors, NULL);
  DASHSCOPE ("stopped-while-hung", test_dashscope_stopped_while_hung, NULL);
  DASHSCOPE ("user-cancel", test_dashscope_user_cancel, NULL);
  DASHSCOPE ("lost-create-reply/nothing", test_dashscope_lost_create_reply,
             GINT_TO_POINTER (REEL_FAKE_FAULT_DROP));
  DASHSCOPE ("lost-create-reply/partial", test_dashscope_lost_create_reply,
             GINT_TO_POINTER (REEL_FAKE_FAULT_DROP_MIDWAY));
  DASHSCOPE ("download-resumed", test_dashscope_download_resumed, NULL);
  DASHSCOPE ("download-retried", test_dashscope_download_retried, NULL);
  DASHSCOPE ("first-and-last-frame", test_dashscope_first_and_last_frame, NULL);
  DASHSCOPE ("malformed-answers", test_dashscope_malformed_answers, NULL);
  DASHSCOPE ("unreadable-forever/garbage", test_dashscope_unreadable_forever,
             GINT_TO_POINTER (REEL_FAKE_FAULT_GARBAGE));
  DASHSCOPE ("unreadable-forever/empty", test_dashscope_unreadable_forever,
             GINT_TO_POINTER (REEL_FAKE_FAULT_EMPTY));
  DASHSCOPE ("failed-task", test_dashscope_failed_task, NULL);
  DASHSCOPE ("failed-task-billed", test_dashscope_failed_task_billed, NULL);
  DASHSCOPE ("refused-input", test_dashscope_refused_input, NULL);
  DASHSCOPE ("refused-output", test_dashscope_refused_output, NULL);
  DASHSCOPE ("expired-link", test_dashscope_expired_link, NULL);
  DASHSCOPE ("link-refused", test_dashscope_link_refused, NULL);
  DASHSCOPE ("unknown-task", test_dashscope_unknown_task, NULL);
  DASHSCOPE ("wrong-key", test_dashscope_wrong_key, NULL);
  DASHSCOPE ("test-connection", test_dashscope_test_connection, NULL);
  DASHSCOPE ("plain-http-refused", test_plain_http_refused, NULL);
  DASHSCOPE ("fake-concurrency", test_dashscope_fake_concurrency, NULL);
  DASHSCOPE ("concurrent-jobs", test_dashscope_concurrent_jobs, NULL);

  FAL ("happy-path", test_fal_happy_path, NULL);
  FAL ("retry-after", test_fal_retry_after, NULL);
  FAL ("server-errors", test_fal_server_errors, NULL);
  FAL ("stopped-while-hung", test_fal_stopped_while_hung, NULL);
  FAL ("user-cancel", test_fal_user_cancel, NULL);
  FAL ("lost-submit-reply/nothing", test_fal_lost_submit_reply,
       GINT_TO_POINTER (REEL_FAKE_FAULT_DROP));
  FAL ("lost-submit-reply/partial", test_fal_lost_submit_reply,
       GINT_TO_POINTER (REEL_FAKE_FAULT_DROP_MIDWAY));
  FAL ("download-resumed", test_fal_download_resumed, NULL);
  FAL ("malformed-answers", test_fal_malformed_answers, NULL);
  FAL ("unreadable-forever/garbage", test_fal_unreadable_forever,
       GINT_TO_POINTER (REEL_FAKE_FAULT_GARBAGE));
  FAL ("unreadable-forever/empty", test_fal_unreadable_forever,
       GINT_TO_POINTER (REEL_FAKE_FAULT_EMPTY));
  FAL ("failed", test_fal_failed, NULL);
  FAL ("refused", test_fal_refused, NULL);
  FAL ("refused-in-status", test_fal_refused_in_status, NULL);
  FAL ("invalid-field/on-result", test_fal_invalid_field, GINT_TO_POINTER (FALSE));
  FAL ("invalid-field/on-submit", test_fal_invalid_field, GINT_TO_POINTER (TRUE));
  FAL ("wrong-key", test_fal_wrong_key, NULL);
  FAL ("test-connection", test_fal_test_connection, NULL);
#undef DASHSCOPE
#undef FAL

  return g_test_run ();
}
