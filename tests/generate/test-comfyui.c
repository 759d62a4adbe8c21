/* test-comfyui.c: the ComfyUI backend and its workflows, against a fake ComfyUI that misbehaves
 *
 * The backend is driven as the scheduler drives it: a worker thread runs
 * submit → wait → fetch with a job context, and asks the backend to cancel
 * when the job was stopped, while the test iterates the main context, where
 * the context's reports arrive and are acknowledged at once (the last resume
 * state is kept, as the scheduler stores it). A job that "resumes" gets a new
 * context with that state. The fake runs one unit of work per tick; a test
 * holds it mid-job to drop its sockets, stop, cancel or restart it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-comfyui.h"
#include "reel-backend-setup.h"
#include "reel-comfyui-backend.h"
#include "reel-comfyui-workflow.h"
#include "reel-job-context-private.h"
#include "reel-project.h"
#include "reel-remote.h"
#include "reel-test-utils.h"

#define PROMPT "A lighthouse keeper climbs the spiral stairs at dusk, lamp in hand"
/* Generous bounds: a run normally takes a fraction of a second. */
#define RUN_TIMEOUT_MS 15000
#define OOM_MESSAGE "Allocation on device 0 would exceed allowed memory. (out of memory)"

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

/* ------------------------------------------------------------------------ */
/* The harness                                                               */

typedef struct
{
  char            *dir;
  ReelMediaStore  *store;
  GObject         *owner; /* the reports' owner; carries the fixture */
  GBytes          *video;
  ReelFakeComfyui *fake;
  ReelBackend     *backend;
  /* What the "scheduler" stored. */
  char      *remote_id;
  char      *state;
  GPtrArray *states;
  /* What the job reported. */
  GArray    *fractions;
  GPtrArray *messages;
  gboolean   downloading;
  gboolean   full_before_done; /* progress reached 1 before the clip was fetched */
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
  guint           places_after_wait; /* the backend's places taken once wait() returned */
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
        g_array_append_val (fixture->fractions, fraction);
        g_ptr_array_add (fixture->messages, g_strdup (text != NULL ? text : ""));
        if (fraction >= 1.0 && !fixture->downloading)
          fixture->full_before_done = TRUE;
        break;
      case REEL_JOB_REPORT_DOWNLOADING:
        fixture->downloading = TRUE;
        break;
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

/* The places the jobs of @backend hold on its servers now. */
static guint
count_places (ReelBackend *backend)
{
  ReelServerPool *pool = reel_comfyui_backend_get_pool (REEL_COMFYUI_BACKEND (backend));
  guint           places = 0;

  for (guint i = 0; i < reel_server_pool_get_n_nodes (pool); i++)
    places += reel_server_pool_get_load (pool, reel_server_pool_get_node (pool, i));
  return places;
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
  run->places_after_wait = count_places (run->backend);
  reel_job_context_downloading (run->context);
  run->path = reel_backend_fetch (run->backend, run->context, &error);

out:
  if (error != NULL && g_cancellable_is_cancelled (cancellable)
      && reel_job_context_is_cancelled_by_user (run->context))
    reel_backend_cancel (run->backend, run->context);
  run->error = error;
  g_main_context_invoke (NULL, run_done_cb, run);
  return NULL;
}

static Run *
run_start_full (Fixture              *fixture,
                const ReelJobRequest *request,
                const char           *remote_id,
                const char           *state)
{
  Run *run = g_new0 (Run, 1);

  run->fixture = fixture;
  run->backend = g_object_ref (fixture->backend);
  run->context = reel_job_context_new (1, 1, request, remote_id, fixture->store,
                                       g_main_context_default (), report_cb, fixture->owner);
  if (state != NULL)
    reel_job_context_set_resume_state (run->context, state);
  run->thread = g_thread_new ("comfyui-job", run_thread, run);
  return run;
}

static Run *
run_start (Fixture *fixture, const ReelJobRequest *request)
{
  return run_start_full (fixture, request, NULL, NULL);
}

static gboolean
run_is_done (gpointer data)
{
  return ((Run *) data)->done;
}

static void
run_finish (Run *run)
{
  wait_until (run_is_done, run, RUN_TIMEOUT_MS, "the job's worker to return");
  g_thread_join (g_steal_pointer (&run->thread));
  if (run->error != NULL)
    g_test_message ("The job failed: %s", run->error->message);
}

static void
run_free (Run *run)
{
  if (run->thread != NULL)
    run_finish (run);
  g_clear_object (&run->backend);
  g_clear_pointer (&run->context, reel_job_context_unref);
  g_clear_error (&run->error);
  g_free (run->path);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static Run *
run_job (Fixture *fixture, const ReelJobRequest *request)
{
  Run *run = run_start (fixture, request);

  run_finish (run);
  return run;
}

/* The same job again, as the scheduler retries or resumes it: a fresh
 * context with what the last attempt left. */
static Run *
run_again (Fixture *fixture, const ReelJobRequest *request)
{
  Run *run = run_start_full (fixture, request, fixture->remote_id, fixture->state);

  run_finish (run);
  return run;
}

static gboolean
sockets_closed (gpointer data)
{
  return reel_fake_comfyui_count_open_sockets (((Fixture *) data)->fake) == 0;
}

/* The job's worker has let go of its server: its socket is closed and its
 * place free, while the job's context, which the scheduler drops later on
 * the main thread, still lives. */
static void
assert_let_go (Fixture *fixture, Run *run)
{
  g_assert_nonnull (run->context);
  wait_until (sockets_closed, fixture, RUN_TIMEOUT_MS, "the worker to close the job's socket");
  g_assert_cmpuint (count_places (fixture->backend), ==, 0);
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

static JsonObject *
node_inputs (JsonObject *graph, const char *node)
{
  JsonObject *object = json_object_get_object_member (graph, node);

  g_assert_nonnull (object);
  return json_object_get_object_member (object, "inputs");
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GFile) directory = NULL;
  ReelComfyuiBackend *backend;

  fixture->dir = reel_test_make_tmpdir ();
  directory = g_file_new_for_path (fixture->dir);
  fixture->store = reel_media_store_new (directory);
  fixture->owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_data (fixture->owner, "fixture", fixture);
  fixture->video = reel_fake_make_video ();
  fixture->states = g_ptr_array_new_with_free_func (g_free);
  fixture->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  fixture->messages = g_ptr_array_new_with_free_func (g_free);
  fixture->fake = reel_fake_comfyui_new (fixture->video);

  backend = reel_comfyui_backend_new (reel_fake_comfyui_get_url (fixture->fake));
  reel_comfyui_backend_set_timing (backend, 5, 20, 200);
  fixture->backend = REEL_BACKEND (backend);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->backend);
  g_clear_pointer (&fixture->fake, reel_fake_comfyui_free);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->owner);
  g_clear_pointer (&fixture->video, g_bytes_unref);
  g_clear_pointer (&fixture->states, g_ptr_array_unref);
  g_clear_pointer (&fixture->fractions, g_array_unref);
  g_clear_pointer (&fixture->messages, g_ptr_array_unref);
  g_free (fixture->remote_id);
  g_free (fixture->state);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
fake_is_holding (gpointer data)
{
  return reel_fake_comfyui_is_holding (((Fixture *) data)->fake);
}

static void
wait_for_hold (Fixture *fixture)
{
  wait_until (fake_is_holding, fixture, RUN_TIMEOUT_MS, "the fake to hold the running prompt");
}

static char *
prompt_status (Fixture *fixture)
{
  g_autofree char *id = reel_fake_comfyui_dup_last_prompt_id (fixture->fake);

  return reel_fake_comfyui_dup_prompt_status (fixture->fake, id);
}

static gboolean
any_message_contains (Fixture *fixture, const char *needle)
{
  for (guint i = 0; i < fixture->messages->len; i++)
    if (strstr (fixture->messages->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Workflows                                                                 */

static gboolean
has_placeholder (JsonObject *graph)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), graph);
  g_autofree char *text = json_to_string (node, FALSE);

  return strstr (text, "{{") != NULL;
}

/* Every shipped workflow loads, and a job's values leave no placeholder. */
static void
test_workflow_shipped (void)
{
  g_auto (GStrv) names = reel_comfyui_workflow_list_names ();
  const char *const expected[] = { "wan2.2-a14b", "wan2.2-a14b-fast", "wan2.2-ti2v-5b" };
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (ReelComfyuiWorkflow) t2v = NULL;
      g_autoptr (ReelComfyuiWorkflow) i2v = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (g_strv_contains ((const char *const *) names, expected[i]));
      g_assert_true (reel_comfyui_workflow_resolve (expected[i], &t2v, &i2v, &error));
      g_assert_no_error (error);
      g_assert_nonnull (t2v);
      g_assert_nonnull (i2v);
      g_assert_false (reel_comfyui_workflow_is_image_to_video (t2v));
      g_assert_true (reel_comfyui_workflow_is_image_to_video (i2v));

      for (guint v = 0; v < 2; v++)
        {
          ReelComfyuiWorkflow *workflow = v == 0 ? t2v : i2v;
          ReelComfyuiJobValues values;
          g_autoptr (JsonObject) graph = NULL;

          reel_comfyui_workflow_plan (workflow, request, 0, &values);
          values.start_image = "board.png";
          graph = reel_comfyui_workflow_fill (workflow, &values);
          g_assert_false (has_placeholder (graph));
        }
    }
}

/* The A14B graphs run the two experts as two KSamplerAdvanced passes split
 * at the boundary; the fast ones add the LightX2V LoRAs, 4 steps, cfg 1 and
 * shift 5. */
static void
test_workflow_a14b_experts (void)
{
  g_autoptr (ReelComfyuiWorkflow) t2v = NULL;
  g_autoptr (ReelComfyuiWorkflow) i2v = NULL;
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (JsonObject) full = NULL;
  g_autoptr (JsonObject) fast = NULL;
  g_autoptr (GError) error = NULL;
  ReelComfyuiJobValues values;
  JsonObject          *high, *low;

  g_assert_true (reel_comfyui_workflow_resolve ("wan2.2-a14b", &t2v, &i2v, &error));
  reel_comfyui_workflow_plan (t2v, request, 0, &values);
  full = reel_comfyui_workflow_fill (t2v, &values);
  high = node_inputs (full, "10");
  low = node_inputs (full, "11");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (full, "10"), "class_type"), ==,
      "KSamplerAdvanced");
  g_assert_cmpint (json_object_get_int_member (high, "steps"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (high, "end_at_step"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (low, "start_at_step"), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (high, "add_noise"), ==, "enable");
  g_assert_cmpstr (json_object_get_string_member (low, "add_noise"), ==, "disable");
  g_assert_cmpstr (json_object_get_string_member (high, "return_with_leftover_noise"), ==,
                   "enable");
  g_assert_cmpint (json_object_get_int_member (high, "noise_seed"), ==, 7);
  g_clear_object (&t2v);
  g_clear_object (&i2v);

  g_assert_true (reel_comfyui_workflow_resolve ("wan2.2-a14b-fast", &t2v, &i2v, &error));
  reel_comfyui_workflow_plan (t2v, request, 0, &values);
  fast = reel_comfyui_workflow_fill (t2v, &values);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (fast, "16"), "class_type"), ==,
      "LoraLoaderModelOnly");
  g_assert_nonnull (strstr (json_object_get_string_member (node_inputs (fast, "16"), "lora_name"),
                            "lightx2v_4steps"));
  g_assert_cmpfloat (json_object_get_double_member (node_inputs (fast, "5"), "shift"), ==, 5.0);
  g_assert_cmpint (json_object_get_int_member (node_inputs (fast, "10"), "steps"), ==, 4);
  g_assert_cmpfloat (json_object_get_double_member (node_inputs (fast, "10"), "cfg"), ==, 1.0);
  g_assert_cmpint (json_object_get_int_member (node_inputs (fast, "10"), "end_at_step"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (node_inputs (fast, "11"), "start_at_step"), ==, 2);
}

/* Wan makes 4n + 1 frames: the count nearest the shot's length at the rate
 * the workflow makes clips at. */
/* Each job gets its own copy: filling one job's graph must not change the
 * workflow for the next job (they run at the same time in a pool). */
static void
test_workflow_fill_twice (void)
{
  g_autoptr (ReelComfyuiWorkflow) text = NULL;
  g_autoptr (ReelComfyuiWorkflow) unused = NULL;
  g_autoptr (ReelJobRequest) first = make_request (1280, 720, 3.0);
  g_autoptr (ReelJobRequest) second = make_request (1280, 720, 3.0);
  g_autoptr (JsonObject) first_graph = NULL;
  g_autoptr (JsonObject) second_graph = NULL;
  g_autofree char     *first_text = NULL;
  g_autofree char     *second_text = NULL;
  ReelComfyuiJobValues values;

  g_assert_true (reel_comfyui_workflow_resolve ("wan2.2-ti2v-5b", &text, &unused, NULL));
  g_free (first->prompt);
  first->prompt = g_strdup ("A lighthouse at dawn");
  g_free (second->prompt);
  second->prompt = g_strdup ("A ferry in the fog");

  reel_comfyui_workflow_plan (text, first, 0, &values);
  first_graph = reel_comfyui_workflow_fill (text, &values);
  reel_comfyui_workflow_plan (text, second, 0, &values);
  second_graph = reel_comfyui_workflow_fill (text, &values);

  first_text = reel_json_object_to_string (first_graph);
  second_text = reel_json_object_to_string (second_graph);
  g_assert_nonnull (strstr (first_text, "A lighthouse at dawn"));
  g_assert_null (strstr (first_text, "A ferry in the fog"));
  g_assert_nonnull (strstr (second_text, "A ferry in the fog"));
  g_assert_null (strstr (second_text, "A lighthouse at dawn"));
}

static void
test_workflow_frames (void)
{
  const struct
  {
    double duration;
    guint  fps; /* the project's */
    guint  frames_5b;
    guint  frames_14b;
  } cases[] = {
    { 3.0, 24, 73, 49 }, /* 72 and 48 frames */
    { 5.0, 24, 121, 81 }, { 2.5, 30, 61, 41 }, { 0.25, 24, 5, 5 }, { 4.1, 24, 97, 65 },
  };
  g_autoptr (ReelComfyuiWorkflow) five_b = NULL;
  g_autoptr (ReelComfyuiWorkflow) a14b = NULL;
  g_autoptr (ReelComfyuiWorkflow) unused = NULL;
  g_autoptr (ReelComfyuiWorkflow) unused2 = NULL;

  g_assert_true (reel_comfyui_workflow_resolve ("wan2.2-ti2v-5b", &five_b, &unused, NULL));
  g_assert_true (reel_comfyui_workflow_resolve ("wan2.2-a14b", &a14b, &unused2, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (ReelJobRequest) request = make_request (1280, 720, cases[i].duration);
      ReelComfyuiJobValues values;

      request->fps = cases[i].fps;
      reel_comfyui_workflow_plan (five_b, request, 0, &values);
      g_assert_cmpuint (values.frames % 4, ==, 1);
      g_assert_cmpuint (values.frames, ==, cases[i].frames_5b);
      g_assert_cmpuint (values.fps, ==, 24);
      reel_comfyui_workflow_plan (a14b, request, 0, &values);
      g_assert_cmpuint (values.frames, ==, cases[i].frames_14b);
      g_assert_cmpuint (values.fps, ==, 16);
      /* The shot's shape at about 832×480, in multiples of 32. */
      g_assert_cmpuint (values.width, ==, 832);
      g_assert_cmpuint (values.height, ==, 480);
    }
}

static char *
write_workflow (const char *dir, const char *name, const char *json)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

/* A user's own workflow is checked on import, and refused with a sentence
 * that says what to change. */
static void
test_workflow_refused_on_import (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  /* A 5B workflow with a fixed seed: no {{seed}}. */
  g_autofree char *no_seed = write_workflow (
      dir, "my-wan.json",
      "{\"1\": {\"class_type\": \"UNETLoader\", \"inputs\": {\"unet_name\": \"w.safetensors\"}},"
      " \"2\": {\"class_type\": \"CLIPTextEncode\", \"inputs\": {\"text\": \"{{prompt}}, film\"}},"
      " \"3\": {\"class_type\": \"EmptyHunyuanLatentVideo\", \"inputs\": {\"width\": "
      "\"{{width}}\", \"height\": \"{{height}}\", \"length\": \"{{frames}}\"}},"
      " \"4\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 42, \"model\": [\"1\", 0]}},"
      " \"5\": {\"class_type\": \"CreateVideo\", \"inputs\": {\"fps\": \"{{fps:16}}\"}},"
      " \"6\": {\"class_type\": \"SaveVideo\", \"inputs\": {\"video\": [\"5\", 0]}}}");
  g_autofree char *editor = write_workflow (dir, "editor.json",
                                            "{\"nodes\": [{\"id\": 1, \"type\": \"KSampler\"}], "
                                            "\"links\": [], \"version\": 0.4}");
  g_autofree char *unknown
      = write_workflow (dir, "unknown.json",
                        "{\"1\": {\"class_type\": \"SaveVideo\", \"inputs\": {\"filename_prefix\": "
                        "\"{{shot_number}}\"}}}");
  g_autofree char *embedded
      = write_workflow (dir, "embedded.json",
                        "{\"1\": {\"class_type\": \"SaveVideo\", \"inputs\": {\"filename_prefix\": "
                        "\"clip_{{seed}}\"}}}");
  g_autoptr (ReelComfyuiBackend) backend = reel_comfyui_backend_new (NULL);
  g_autoptr (ReelBackend) created = NULL;
  g_autoptr (ReelComfyuiWorkflow) workflow = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char     *reason = NULL;
  ReelBackendOverrides overrides = { .endpoint = "http://127.0.0.1:1", .model = no_seed };

  /* Named by the file, naming the missing placeholder and where it goes. */
  g_assert_false (reel_comfyui_backend_set_workflow (backend, no_seed, &error));
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“my-wan”"));
  g_assert_nonnull (strstr (error->message, "{{seed}}"));
  g_assert_nonnull (strstr (error->message, "noise_seed"));
  g_assert_null (strstr (error->message, "{{prompt}}"));
  g_assert_null (strstr (error->message, "{{width}}"));
  /* The backend says so too, and takes no job. */
  g_assert_false (reel_backend_check_ready (REEL_BACKEND (backend), &reason));
  g_assert_nonnull (strstr (reason, "{{seed}}"));
  g_clear_error (&error);

  /* The command line's --workflow stops the run before it starts. */
  created = reel_backend_create ("comfyui", NULL, &overrides, &error);
  g_assert_null (created);
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (error->message, "{{seed}}"));
  g_clear_error (&error);

  workflow = reel_comfyui_workflow_new_from_file (editor, &error);
  g_assert_null (workflow);
  g_assert_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (error->message, "Export (API)"));
  g_clear_error (&error);

  workflow = reel_comfyui_workflow_new_from_file (unknown, &error);
  g_assert_null (workflow);
  g_assert_nonnull (strstr (error->message, "{{shot_number}}"));
  g_clear_error (&error);

  workflow = reel_comfyui_workflow_new_from_file (embedded, &error);
  g_assert_null (workflow);
  g_assert_nonnull (strstr (error->message, "whole value"));
  g_clear_error (&error);

  reel_test_rm_rf (dir);
}

/* ------------------------------------------------------------------------ */
/* Jobs                                                                      */

/* The job's graph carries the shot, the state is durable before the prompt
 * leaves, the clip is the server's, and progress reaches the end only once
 * the clip is there. */
static void
test_happy_path (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autoptr (JsonObject) graph = NULL;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) last = NULL;
  g_autofree char *prompt_id = NULL;
  g_auto (GStrv) client_ids = NULL;
  const ReelServiceReport *report;
  double                   previous = 0;

  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);

  /* 3 s at the 5B model's 24 fps: 72 frames, made 73 (4n + 1); the shot's
   * 16:9 at the model's 1280×704. */
  graph = reel_fake_comfyui_dup_last_graph (fixture->fake);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "7"), "length"), ==, 73);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "7"), "width"), ==, 1280);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "7"), "height"), ==, 704);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "10"), "fps"), ==, 24);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "8"), "seed"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (node_inputs (graph, "5"), "text"), ==, PROMPT);

  /* The prompt's id was the client's, saved before it was sent; the
   * socket listened with the job's client id. */
  prompt_id = reel_fake_comfyui_dup_last_prompt_id (fixture->fake);
  g_assert_cmpuint (fixture->states->len, ==, 2);
  first = parse_object (fixture->states->pdata[0]);
  last = parse_object (fixture->states->pdata[1]);
  g_assert_cmpstr (json_object_get_string_member (first, "prompt_id"), ==, prompt_id);
  g_assert_false (json_object_get_boolean_member (first, "queued"));
  g_assert_true (json_object_get_boolean_member (last, "queued"));
  g_assert_cmpstr (fixture->remote_id, ==, prompt_id);
  client_ids = reel_fake_comfyui_dup_socket_client_ids (fixture->fake);
  g_assert_cmpuint (g_strv_length (client_ids), ==, 1);
  g_assert_cmpstr (client_ids[0], ==, json_object_get_string_member (last, "client_id"));
  g_assert_cmpstr (prompt_status (fixture), ==, "success");

  report = reel_job_context_get_service_report (run->context);
  g_assert_cmpint (report->seed, ==, 7);

  g_assert_false (fixture->full_before_done);
  g_assert_true (fixture->downloading);
  for (guint i = 0; i < fixture->fractions->len; i++)
    {
      double fraction = g_array_index (fixture->fractions, double, i);

      g_assert_cmpfloat (fraction, >=, previous);
      g_assert_cmpfloat (fraction, <, 1.0);
      previous = fraction;
    }
}

static gboolean
progress_passed_half (gpointer data)
{
  Fixture *fixture = data;

  return fixture->fractions->len > 0
         && g_array_index (fixture->fractions, double, fixture->fractions->len - 1) > 0.5;
}

/* Progress blends the nodes and sampler steps: half-way through sampling it
 * shows more than half, and still not the end. */
static void
test_progress_blended (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  double last;

  /* The 5B graph: nodes 1–7, then the sampler (node 8) and its 20 steps;
   * hold after its 15th step. */
  reel_fake_comfyui_set_hold (fixture->fake, 8 + 15);
  run = run_start (fixture, request);
  wait_for_hold (fixture);
  wait_until (progress_passed_half, fixture, RUN_TIMEOUT_MS, "progress past one half");
  last = g_array_index (fixture->fractions, double, fixture->fractions->len - 1);
  g_assert_cmpfloat (last, <, 0.95);
  g_assert_false (fixture->downloading);
  g_assert_true (any_message_contains (fixture, "sampling: step"));

  reel_fake_comfyui_set_hold (fixture->fake, REEL_FAKE_COMFYUI_NO_HOLD);
  run_finish (run);
  g_assert_no_error (run->error);
  g_assert_false (fixture->full_before_done);
  g_assert_true (fixture->downloading);
}

/* A board image is uploaded through /upload/image and given to LoadImage.
 * Media store files have no extension and sit in a folder with a dot in
 * its name; the upload is named by its content, "storyreel-….png". */
static void
test_start_image_uploaded (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (832, 480, 2);
  g_autofree char *folder = g_build_filename (fixture->dir, "Take.1", NULL);
  g_autofree char *image = g_build_filename (folder, "b", NULL);
  g_autofree char *description = g_strdup_printf (
      "videotestsrc num-buffers=1 pattern=smpte ! video/x-raw,width=64,height=36 ! pngenc ! "
      "filesink location=\"%s\"",
      image);
  g_autoptr (Run) run = NULL;
  g_autoptr (GBytes) uploaded = NULL;
  g_autoptr (JsonObject) graph = NULL;
  g_autofree char *uploaded_name = NULL;
  g_autofree char *contents = NULL;
  gsize            length;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  reel_test_run_pipeline (description);
  request->start_image = g_strdup (image);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);

  uploaded = reel_fake_comfyui_dup_upload (fixture->fake, &uploaded_name);
  g_assert_nonnull (uploaded);
  g_assert_true (g_str_has_prefix (uploaded_name, "storyreel-"));
  g_assert_true (g_str_has_suffix (uploaded_name, ".png"));
  g_assert_null (strchr (uploaded_name, '/'));
  g_assert_true (g_file_get_contents (image, &contents, &length, NULL));
  g_assert_cmpmem (g_bytes_get_data (uploaded, NULL), g_bytes_get_size (uploaded), contents,
                   length);
  /* The image-to-video variant, starting from the upload. */
  graph = reel_fake_comfyui_dup_last_graph (fixture->fake);
  g_assert_cmpstr (json_object_get_string_member (node_inputs (graph, "12"), "image"), ==,
                   uploaded_name);
  g_assert_true (json_object_has_member (node_inputs (graph, "7"), "start_image"));
}

/* The fast A14B workflow at 16 fps: two sampler passes of two steps each,
 * and 49 frames for 3 s. */
static void
test_fast_workflow_frames (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1920, 1080, 3);
  g_autoptr (Run) run = NULL;
  g_autoptr (JsonObject) graph = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (reel_comfyui_backend_set_workflow (REEL_COMFYUI_BACKEND (fixture->backend),
                                                    "wan2.2-a14b-fast", &error));
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  graph = reel_fake_comfyui_dup_last_graph (fixture->fake);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "9"), "length"), ==, 49);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "13"), "fps"), ==, 16);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "10"), "end_at_step"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "11"), "start_at_step"), ==, 2);
}

/* Before the first job: what the server lacks, and where each file goes. */
static void
test_missing_models (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *servers = NULL;

  reel_fake_comfyui_remove_model (fixture->fake, "wan2.2_vae.safetensors");
  reel_fake_comfyui_remove_model (fixture->fake, "wan2.2_ti2v_5B_fp16.safetensors");
  reel_fake_comfyui_remove_node_type (fixture->fake, "Wan22ImageToVideoLatent");
  run = run_job (fixture, request);

  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "wan2.2_vae.safetensors: put it in "
                                                 "ComfyUI/models/vae/"));
  g_assert_nonnull (strstr (run->error->message, "wan2.2_ti2v_5B_fp16.safetensors: put it in "
                                                 "ComfyUI/models/diffusion_models/"));
  g_assert_nonnull (strstr (run->error->message, "the node type Wan22ImageToVideoLatent"));
  /* What is there is not listed. */
  g_assert_null (strstr (run->error->message, "umt5_xxl"));
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 0);

  /* The connection test and `storyreel backends` say the same. */
  g_assert_false (reel_backend_test_connection (fixture->backend, NULL, &error));
  g_assert_nonnull (strstr (error->message, "ComfyUI/models/vae/"));
  servers = reel_comfyui_backend_describe_servers (REEL_COMFYUI_BACKEND (fixture->backend), NULL);
  g_assert_nonnull (strstr (servers, "ComfyUI 0.3.64, cuda:0 NVIDIA GeForce RTX 4090"));
  g_assert_nonnull (strstr (servers, "ComfyUI/models/vae/"));
}

/* Validation errors: the node, its type and ComfyUI's own words. */
static void
test_node_errors (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_comfyui_set_node_error (fixture->fake, "8", "value_smaller_than_min",
                                    "Value 0 smaller than min of 1", "steps");
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "node 8 (KSampler): Value 0 smaller than min of "
                                                 "1: steps"));
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 0);
  assert_let_go (fixture, run);
}

/* A full queue is worth another try, after the server's wait. */
static void
test_queue_full (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_comfyui_set_queue_full (fixture->fake, TRUE);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_cmpfloat (reel_job_context_get_retry_after (run->context), ==, 3.0);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 0);
}

static gboolean
reconnected (gpointer data)
{
  return reel_fake_comfyui_count_sockets (((Fixture *) data)->fake) >= 2;
}

/* A dropped socket reconnects with the same client id, and the job goes on. */
static void
test_socket_reconnects (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_auto (GStrv) client_ids = NULL;

  reel_fake_comfyui_set_hold (fixture->fake, 10);
  run = run_start (fixture, request);
  wait_for_hold (fixture);
  reel_fake_comfyui_drop_sockets (fixture->fake);
  wait_until (reconnected, fixture, RUN_TIMEOUT_MS, "the socket to reconnect");
  reel_fake_comfyui_set_hold (fixture->fake, REEL_FAKE_COMFYUI_NO_HOLD);
  run_finish (run);

  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
  client_ids = reel_fake_comfyui_dup_socket_client_ids (fixture->fake);
  g_assert_cmpuint (g_strv_length (client_ids), >=, 2);
  for (guint i = 1; client_ids[i] != NULL; i++)
    g_assert_cmpstr (client_ids[i], ==, client_ids[0]);
  g_assert_false (fixture->full_before_done);
}

static gboolean
says_it_polls (gpointer data)
{
  return any_message_contains (data, "by polling");
}

static gboolean
four_socket_requests (gpointer data)
{
  return reel_fake_server_count (data, "GET", "/ws") >= 4;
}

/* A socket that keeps failing gives way to polling the history. */
static void
test_socket_falls_back_to_polling (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  ReelFakeServer *server = reel_fake_comfyui_get_server (fixture->fake);
  guint           histories;

  reel_fake_comfyui_set_hold (fixture->fake, 10);
  run = run_start (fixture, request);
  wait_for_hold (fixture);
  reel_fake_comfyui_set_refuse_sockets (fixture->fake, TRUE);
  reel_fake_comfyui_drop_sockets (fixture->fake);
  /* Three refused reconnections, then the job polls. */
  wait_until (four_socket_requests, server, RUN_TIMEOUT_MS, "three attempts to reconnect");
  histories = reel_fake_server_count (server, "GET", "/history/");
  wait_until (says_it_polls, fixture, RUN_TIMEOUT_MS, "the job to say that it polls");
  reel_fake_comfyui_set_hold (fixture->fake, REEL_FAKE_COMFYUI_NO_HOLD);
  run_finish (run);

  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
  g_assert_cmpuint (reel_fake_server_count (server, "GET", "/ws"), ==, 4);
  g_assert_cmpuint (reel_fake_comfyui_count_sockets (fixture->fake), ==, 1);
  g_assert_cmpuint (reel_fake_server_count (server, "GET", "/history/"), >, histories);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 1);
}

/* Someone stopped the prompt in ComfyUI's own window. */
static void
test_interrupted_at_server (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_comfyui_set_hold (fixture->fake, 10);
  run = run_start (fixture, request);
  wait_for_hold (fixture);
  reel_fake_comfyui_interrupt (fixture->fake);
  run_finish (run);

  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "interrupted"));
  g_assert_true (reel_job_context_is_remote_task_dropped (run->context));
}

/* Out of memory: the take fails with the server's last messages. */
static void
test_out_of_memory (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_fake_comfyui_set_execution_error (fixture->fake, "KSampler", "torch.OutOfMemoryError",
                                         OOM_MESSAGE);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT);
  g_assert_nonnull (strstr (run->error->message, "ran out of GPU memory in node 8 (KSampler)"));
  g_assert_nonnull (strstr (run->error->message, OOM_MESSAGE));
  g_assert_nonnull (strstr (run->error->message, "!!! Exception during processing !!!"));
  g_assert_nonnull (strstr (run->error->message, "torch.OutOfMemoryError: " OOM_MESSAGE));
  g_assert_true (reel_job_context_is_remote_task_dropped (run->context));
  g_assert_false (fixture->downloading);
  assert_let_go (fixture, run);
}

/* Stop is not cancel: the prompt stays on the server, and the next run
 * takes the clip from the history. */
static gboolean
prompt_succeeded (gpointer data)
{
  g_autofree char *status = prompt_status (data);

  return g_strcmp0 (status, "success") == 0;
}

static void
test_stop_resumes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autoptr (Run) again = NULL;
  ReelFakeServer  *server = reel_fake_comfyui_get_server (fixture->fake);
  g_autofree char *status = NULL;

  reel_fake_comfyui_set_hold (fixture->fake, 5);
  run = run_start (fixture, request);
  wait_for_hold (fixture);
  reel_job_context_stop (run->context, FALSE);
  run_finish (run);
  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Nothing was taken off the server. */
  status = prompt_status (fixture);
  g_assert_cmpstr (status, ==, "running");
  g_assert_cmpuint (reel_fake_server_count (server, "POST", "/interrupt"), ==, 0);
  g_assert_cmpuint (reel_fake_server_count (server, "POST", "/queue"), ==, 0);
  g_assert_cmpuint (reel_fake_server_count (server, "POST", "/api/jobs/"), ==, 0);

  /* It finishes while Storyreel is away. */
  reel_fake_comfyui_set_hold (fixture->fake, REEL_FAKE_COMFYUI_NO_HOLD);
  wait_until (prompt_succeeded, fixture, RUN_TIMEOUT_MS, "the prompt to finish at the server");

  again = run_again (fixture, request);
  g_assert_no_error (again->error);
  assert_file_is_video (fixture, again->path);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 1);
}

/* A restarted ComfyUI has forgotten the prompt: a failure the scheduler
 * retries with a new one. */
static void
test_restart_forgets (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autoptr (Run) again = NULL;

  reel_fake_comfyui_set_hold (fixture->fake, 5);
  run = run_start (fixture, request);
  wait_for_hold (fixture);
  reel_job_context_stop (run->context, FALSE);
  run_finish (run);

  reel_fake_comfyui_restart (fixture->fake);
  reel_fake_comfyui_set_hold (fixture->fake, REEL_FAKE_COMFYUI_NO_HOLD);
  again = run_again (fixture, request);
  g_assert_error (again->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_nonnull (strstr (again->error->message, "forgets its queue and history when it "
                                                   "restarts"));
  g_assert_true (reel_job_context_is_remote_task_dropped (again->context));
}

static gboolean
queue_is_empty (gpointer data)
{
  g_auto (GStrv) queue = reel_fake_comfyui_dup_queue (((Fixture *) data)->fake);

  return g_strv_length (queue) == 0;
}

/* The user's cancel interrupts the running prompt: nothing is left on the server. */
static void
test_cancel_running (Fixture *fixture, gconstpointer data)
{
  gboolean jobs_api = GPOINTER_TO_INT (data);
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  ReelFakeServer  *server = reel_fake_comfyui_get_server (fixture->fake);
  g_autofree char *status = NULL;

  reel_fake_comfyui_set_jobs_api (fixture->fake, jobs_api);
  reel_fake_comfyui_set_hold (fixture->fake, 5);
  run = run_start (fixture, request);
  wait_for_hold (fixture);
  reel_job_context_stop (run->context, TRUE);
  run_finish (run);

  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  status = prompt_status (fixture);
  g_assert_cmpstr (status, ==, "interrupted");
  g_assert_true (queue_is_empty (fixture));
  if (jobs_api)
    g_assert_cmpuint (reel_fake_server_count (server, "POST", "/interrupt"), ==, 0);
  else
    g_assert_cmpuint (reel_fake_server_count (server, "POST", "/interrupt"), ==, 1);
  assert_let_go (fixture, run);
}

typedef struct
{
  Fixture *fixture;
  guint    length;
} QueueLength;

static gboolean
queue_has_length (gpointer data)
{
  QueueLength *wanted = data;
  g_auto (GStrv) queue = reel_fake_comfyui_dup_queue (wanted->fixture->fake);

  return g_strv_length (queue) == wanted->length;
}

/* Cancelling a prompt that waits in the queue removes it, and only it: the
 * running one goes on, and nothing is interrupted. */
static void
test_cancel_pending (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) first = NULL;
  g_autoptr (Run) second = NULL;
  QueueLength two = { fixture, 2 };
  g_auto (GStrv) queue = NULL;
  g_auto (GStrv) after = NULL;
  g_autofree char *status = NULL;
  ReelFakeServer  *server = reel_fake_comfyui_get_server (fixture->fake);

  reel_fake_comfyui_set_hold (fixture->fake, 5);
  first = run_start (fixture, request);
  wait_for_hold (fixture);
  second = run_start (fixture, request);
  wait_until (queue_has_length, &two, RUN_TIMEOUT_MS, "a second prompt in the queue");
  queue = reel_fake_comfyui_dup_queue (fixture->fake);

  reel_job_context_stop (second->context, TRUE);
  run_finish (second);
  g_assert_error (second->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  status = reel_fake_comfyui_dup_prompt_status (fixture->fake, queue[1]);
  g_assert_cmpstr (status, ==, "deleted");
  after = reel_fake_comfyui_dup_queue (fixture->fake);
  g_assert_cmpuint (g_strv_length (after), ==, 1);
  g_assert_cmpstr (after[0], ==, queue[0]);
  g_assert_cmpuint (reel_fake_server_count (server, "POST", "/interrupt"), ==, 0);

  reel_fake_comfyui_set_hold (fixture->fake, REEL_FAKE_COMFYUI_NO_HOLD);
  run_finish (first);
  g_assert_no_error (first->error);
  assert_file_is_video (fixture, first->path);
}

/* The reply to the prompt is lost: the next try finds the prompt by the id
 * it saved, and does not queue a second one. */
static void
test_lost_reply (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autoptr (Run) again = NULL;

  reel_fake_comfyui_add_fault (fixture->fake, REEL_FAKE_COMFYUI_PROMPT, REEL_FAKE_FAULT_DROP_MIDWAY,
                               1);
  run = run_job (fixture, request);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 1);
  g_assert_null (fixture->remote_id);

  again = run_again (fixture, request);
  g_assert_no_error (again->error);
  assert_file_is_video (fixture, again->path);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 1);
}

static gboolean
tree_has_file (const char *dir, const char *name)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);

      if (g_str_equal (entry, name)
          || (g_file_test (path, G_FILE_TEST_IS_DIR) && tree_has_file (path, name)))
        return TRUE;
    }
  return FALSE;
}

/* A file name from the server names nothing on this side. */
static void
test_malicious_filename (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autofree char *temp_dir = g_build_filename (fixture->dir, ".tmp", NULL);
  g_autofree char *parent = g_path_get_dirname (fixture->dir);
  g_autofree char *base = NULL;

  reel_fake_comfyui_set_output (fixture->fake, "../../../escape/../storyreel-escape.mp4",
                                "../../..");
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);

  g_assert_true (g_str_has_prefix (run->path, temp_dir));
  base = g_path_get_basename (run->path);
  g_assert_null (strstr (base, "escape"));
  g_assert_false (tree_has_file (parent, "storyreel-escape.mp4"));
}

/* A server with no GPU says so plainly, and still works. */
static void
test_no_gpu (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autofree char *servers = NULL;

  reel_fake_comfyui_set_cpu_only (fixture->fake, TRUE);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  g_assert_true (any_message_contains (fixture, "has no GPU"));
  servers = reel_comfyui_backend_describe_servers (REEL_COMFYUI_BACKEND (fixture->backend), NULL);
  g_assert_nonnull (strstr (servers, "no GPU"));
}

/* The prompt is over once wait() returns: the next job may have the
 * server's place while this one's clip downloads, and nothing is left for
 * the main thread to close. */
static void
test_lets_go_in_worker (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  ReelServerPool *pool = reel_comfyui_backend_get_pool (REEL_COMFYUI_BACKEND (fixture->backend));

  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  g_assert_cmpuint (run->places_after_wait, ==, 0);
  g_assert_cmpuint (reel_server_pool_get_served (pool, reel_fake_comfyui_get_url (fixture->fake)),
                    ==, 1);
  assert_let_go (fixture, run);
}

/* Replaces the fixture's backend with a pool of @urls, which gives up on a
 * server that stays silent for a second. */
static ReelComfyuiBackend *
use_pool (Fixture *fixture, const char *urls)
{
  ReelComfyuiBackend *backend = reel_comfyui_backend_new (urls);

  reel_comfyui_backend_set_timing (backend, 5, 20, 200);
  reel_comfyui_backend_set_unreachable_time (backend, 1000);
  g_object_unref (fixture->backend);
  fixture->backend = REEL_BACKEND (backend);
  return backend;
}

/* A server went off without a word while it held a job's prompt: its
 * address neither refuses nor answers. The job gives up on it within the
 * time allowed, not after every timeout of every try, and in a pool its
 * next try starts anew on another server. */
static void
test_server_powered_off (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelFakeBlackhole) off = reel_fake_blackhole_new (0);
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autofree char *prompt_id = g_uuid_string_random ();
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *urls = g_strdup_printf ("%s,%s", reel_fake_blackhole_get_url (off),
                                           reel_fake_comfyui_get_url (fixture->fake));
  g_autofree char *state
      = g_strdup_printf ("{\"server\": \"%s\", \"prompt_id\": \"%s\", \"client_id\": \"%s\", "
                         "\"workflow\": \"wan2.2-ti2v-5b\", \"seed\": 7, \"queued\": true}",
                         reel_fake_blackhole_get_url (off), prompt_id, client_id);
  ReelComfyuiBackend *backend = use_pool (fixture, urls);
  gint64              started = g_get_monotonic_time ();
  gint64              elapsed_ms;

  run = run_start_full (fixture, request, prompt_id, state);
  run_finish (run);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_test_message ("gave up on the silent server after %" G_GINT64_FORMAT " ms", elapsed_ms);
  g_assert_error (run->error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT);
  g_assert_true (reel_job_context_is_remote_task_dropped (run->context));
  g_assert_true (reel_server_pool_is_resting (reel_comfyui_backend_get_pool (backend),
                                              reel_fake_blackhole_get_url (off)));
  /* A second of silence and the requests it cut short. */
  g_assert_cmpint (elapsed_ms, <, 5000);
  g_assert_cmpuint (count_places (fixture->backend), ==, 0);

  /* The scheduler's next try, with the prompt dropped. */
  g_clear_pointer (&run, run_free);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 1);
}

/* A moment of trouble at the server (its HTTP side answering 503) while
 * the socket reconnects does not cost the job its prompt. */
static void
test_blip_keeps_prompt (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;

  reel_comfyui_backend_set_unreachable_time (REEL_COMFYUI_BACKEND (fixture->backend), 5000);
  reel_fake_comfyui_set_hold (fixture->fake, 10);
  run = run_start (fixture, request);
  wait_for_hold (fixture);
  reel_fake_comfyui_add_fault (fixture->fake, REEL_FAKE_COMFYUI_HISTORY,
                               REEL_FAKE_FAULT_UNAVAILABLE, 3);
  reel_fake_comfyui_drop_sockets (fixture->fake);
  reel_fake_comfyui_set_hold (fixture->fake, REEL_FAKE_COMFYUI_NO_HOLD);
  run_finish (run);

  g_assert_no_error (run->error);
  assert_file_is_video (fixture, run->path);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 1);
  g_assert_false (reel_job_context_is_remote_task_dropped (run->context));
}

/* Of several servers, jobs use the first that answers. */
static void
test_first_reachable_server (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1280, 720, 3);
  g_autoptr (Run) run = NULL;
  g_autofree char *urls
      = g_strdup_printf ("http://127.0.0.1:1, %s", reel_fake_comfyui_get_url (fixture->fake));
  g_autofree char    *servers = NULL;
  ReelComfyuiBackend *backend = reel_comfyui_backend_new (urls);
  g_autoptr (GError) error = NULL;

  reel_comfyui_backend_set_timing (backend, 5, 20, 200);
  g_object_unref (fixture->backend);
  fixture->backend = REEL_BACKEND (backend);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 1);
  g_assert_true (reel_backend_test_connection (fixture->backend, NULL, &error));
  g_assert_no_error (error);

  servers = reel_comfyui_backend_describe_servers (backend, NULL);
  g_assert_nonnull (strstr (servers, "http://127.0.0.1:1: not reachable"));
  g_assert_nonnull (strstr (servers, "has what wan2.2-ti2v-5b needs"));
}

/* ------------------------------------------------------------------------ */
/* The command line                                                          */

static char *
make_project (Fixture *fixture)
{
  static const char script[] = "INT. LIGHTHOUSE - NIGHT\n\n"
                               "The keeper climbs the spiral stairs.\n\n"
                               "The great lamp turns.\n";
  char             *path = g_build_filename (fixture->dir, "Lighthouse.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *shots;

  project = reel_project_create (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (project, script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  shots = reel_project_get_shots (project);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      g_assert_true (reel_project_set_shot_duration (project, reel_shot_get_id (shot), 3, &error));
    }
  return path;
}

static int
storyreel (const char *const *args, char **err)
{
  g_autofree char *binary = reel_test_build_path ("app/storyreel");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return reel_test_spawn ((const char *const *) argv->pdata, NULL, NULL, err);
}

/* storyreel generate --workflow NAME --endpoint URL: every shot gets a take
 * from the server, recorded as made by that workflow on comfyui. */
static void
test_command_line (Fixture *fixture, gconstpointer data)
{
  g_autofree char  *project_path = make_project (fixture);
  const char       *url = reel_fake_comfyui_get_url (fixture->fake);
  const char *const generate[]
      = { "generate", project_path, "--workflow", "wan2.2-a14b-fast", "--endpoint", url, NULL };
  const char *const both[]
      = { "generate", project_path, "--workflow", "wan2.2-a14b", "--model", "x", NULL };
  const char *const elsewhere[]
      = { "generate", project_path, "--backend", "fal", "--workflow", "wan2.2-a14b", NULL };
  g_autofree char  *broken = write_workflow (fixture->dir, "broken.json",
                                             "{\"1\": {\"class_type\": \"SaveVideo\", "
                                              "\"inputs\": {\"filename_prefix\": \"x\"}}}");
  const char *const refused[]
      = { "generate", project_path, "--workflow", broken, "--endpoint", url, NULL };
  g_autofree char *err = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) graph = NULL;
  GListModel *shots;

  /* Misused options are usage errors; a broken workflow stops the run. */
  g_assert_cmpint (storyreel (both, NULL), ==, 2);
  g_assert_cmpint (storyreel (elsewhere, NULL), ==, 2);
  g_assert_cmpint (storyreel (refused, &err), ==, 1);
  g_assert_nonnull (strstr (err, "{{prompt}}"));
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 0);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (storyreel (generate, &err), ==, 0);
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->fake), ==, 2);
  graph = reel_fake_comfyui_dup_last_graph (fixture->fake);
  g_assert_cmpint (json_object_get_int_member (node_inputs (graph, "9"), "length"), ==, 49);

  file = g_file_new_for_path (project_path);
  project = reel_project_open (file, &error);
  g_assert_no_error (error);
  shots = reel_project_get_shots (project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, 2);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      g_autoptr (GPtrArray) takes = reel_project_list_takes (project, reel_shot_get_id (shot));
      ReelTake *take;

      g_assert_cmpuint (takes->len, ==, 1);
      take = g_ptr_array_index (takes, 0);
      g_assert_cmpstr (take->backend, ==, "comfyui");
      g_assert_cmpstr (take->model, ==, "wan2.2-a14b-fast");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/comfyui/workflow/shipped", test_workflow_shipped);
  g_test_add_func ("/comfyui/workflow/a14b-experts", test_workflow_a14b_experts);
  g_test_add_func ("/comfyui/workflow/frames", test_workflow_frames);
  g_test_add_func ("/comfyui/workflow/fill-twice", test_workflow_fill_twice);
  g_test_add_func ("/comfyui/workflow/refused-on-import", test_workflow_refused_on_import);

#define JOB(path, func, data)                                                                      \
  g_test_add ("/comfyui/job/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  JOB ("happy-path", test_happy_path, NULL);
  JOB ("progress-blended", test_progress_blended, NULL);
  JOB ("start-image-uploaded", test_start_image_uploaded, NULL);
  JOB ("fast-workflow-frames", test_fast_workflow_frames, NULL);
  JOB ("missing-models", test_missing_models, NULL);
  JOB ("node-errors", test_node_errors, NULL);
  JOB ("queue-full", test_queue_full, NULL);
  JOB ("socket-reconnects", test_socket_reconnects, NULL);
  JOB ("socket-falls-back-to-polling", test_socket_falls_back_to_polling, NULL);
  JOB ("interrupted-at-server", test_interrupted_at_server, NULL);
  JOB ("out-of-memory", test_out_of_memory, NULL);
  JOB ("stop-resumes", test_stop_resumes, NULL);
  JOB ("restart-forgets", test_restart_forgets, NULL);
  JOB ("cancel-running", test_cancel_running, GINT_TO_POINTER (FALSE));
  JOB ("cancel-running-jobs-api", test_cancel_running, GINT_TO_POINTER (TRUE));
  JOB ("cancel-pending", test_cancel_pending, NULL);
  JOB ("lost-reply", test_lost_reply, NULL);
  JOB ("malicious-filename", test_malicious_filename, NULL);
  JOB ("no-gpu", test_no_gpu, NULL);
  JOB ("first-reachable-server", test_first_reachable_server, NULL);
  JOB ("lets-go-in-worker", test_lets_go_in_worker, NULL);
  JOB ("server-powered-off", test_server_powered_off, NULL);
  JOB ("blip-keeps-prompt", test_blip_keeps_prompt, NULL);
  JOB ("command-line", test_command_line, NULL);
#undef JOB

  return g_test_run ();
}
