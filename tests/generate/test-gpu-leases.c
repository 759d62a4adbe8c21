/* test-gpu-leases.c: one local job per GPU, across sd-cli and a ComfyUI on this computer
 *
 * The local backends share one ReelGpuSlots made for a number of GPUs, as
 * the window and the command line make it from the probe. Each backend is
 * driven as the scheduler drives it (a worker thread runs submit → wait →
 * fetch with a job context whose reports arrive on the main context), but
 * without the scheduler's limits, so that only the GPU leases keep the jobs
 * apart. The fake sd-cli writes a line to a runs file when it starts (with
 * its CUDA_VISIBLE_DEVICES) and when it ends, and stands still until the
 * test creates its hold file; the fake ComfyUI on 127.0.0.1 holds its
 * running prompt until the test lifts the hold.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fake-comfyui.h"
#include "reel-comfyui-backend.h"
#include "reel-job-context-private.h"
#include "reel-local-gpu.h"
#include "reel-project.h"
#include "reel-sdcpp-cli-backend.h"
#include "reel-test-utils.h"

#define PROMPT "A lighthouse keeper climbs the spiral stairs at dusk, lamp in hand"
/* Generous bounds: a job normally takes well under a second. */
#define RUN_TIMEOUT_MS 30000

/* ------------------------------------------------------------------------ */
/* Waiting                                                                   */

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* reel_test_wait_until(), woken now and then to look at what other threads
 * and processes change. */
static void
wait_until (ReelTestCondition condition, gpointer data, const char *what)
{
  guint tick = g_timeout_add (5, tick_cb, NULL);

  reel_test_wait_until (condition, data, RUN_TIMEOUT_MS, what);
  g_source_remove (tick);
}

/* ------------------------------------------------------------------------ */
/* The harness                                                               */

typedef struct
{
  char            *dir;
  char            *models;
  ReelMediaStore  *store;
  char            *fake_cli;
  char            *runs_file; /* the fake sd-cli's starts and ends */
  char            *hold_file; /* the fake sd-cli goes on once it exists */
  ReelGpuSlots    *slots;
  ReelFakeComfyui *comfyui;
} Fixture;

typedef struct
{
  ReelBackend    *backend;
  ReelJobContext *context;
  GObject        *owner; /* the reports' owner; carries the run */
  GThread        *thread;
  gboolean        done;
  GPtrArray      *messages; /* what the job said, in order */
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
  Run *run = g_object_get_data (user_data, "run");

  switch (kind)
    {
      case REEL_JOB_REPORT_SUBMITTED:
      case REEL_JOB_REPORT_RESUME_STATE:
        reel_job_context_acknowledge (context, TRUE);
        break;
      case REEL_JOB_REPORT_PROGRESS:
        if (text != NULL)
          g_ptr_array_add (run->messages, g_strdup (text));
        break;
      case REEL_JOB_REPORT_DOWNLOADING:
      default:
        break;
    }
}

static gboolean
run_done_cb (gpointer data)
{
  ((Run *) data)->done = TRUE;
  return G_SOURCE_REMOVE;
}

/* The worker, as the scheduler's run_job() does it. */
static gpointer
run_thread (gpointer data)
{
  Run                    *run = data;
  ReelBackendCapabilities caps;
  GError                 *error = NULL;

  reel_backend_get_capabilities (run->backend, &caps);
  if (reel_backend_check_request (run->backend, reel_job_context_get_request (run->context), &error)
      && reel_backend_submit (run->backend, run->context, &error)
      && reel_backend_wait (run->backend, run->context, &error))
    {
      if (caps.features & REEL_BACKEND_REMOTE)
        reel_job_context_downloading (run->context);
      run->path = reel_backend_fetch (run->backend, run->context, &error);
    }
  run->error = error;
  /* After every report the worker posted. */
  {
    g_autoptr (GSource) source = g_idle_source_new ();

    g_source_set_callback (source, run_done_cb, run, NULL);
    g_source_attach (source, NULL);
  }
  return NULL;
}

static ReelJobRequest *
make_request (void)
{
  ReelJobRequest *request = reel_job_request_new ();

  request->shot_id = 1;
  request->prompt = g_strdup (PROMPT);
  request->width = 320;
  request->height = 180;
  request->fps = 24;
  request->duration = 1;
  request->seed = 1234567;
  return request;
}

/* Job @job_id on @backend, started in a worker. */
static Run *
run_start (Fixture *fixture, ReelBackend *backend, gint64 job_id)
{
  g_autoptr (ReelJobRequest) request = make_request ();
  Run *run = g_new0 (Run, 1);

  run->backend = g_object_ref (backend);
  run->messages = g_ptr_array_new_with_free_func (g_free);
  run->owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_data (run->owner, "run", run);
  run->context = reel_job_context_new (job_id, 1, request, NULL, fixture->store,
                                       g_main_context_default (), report_cb, run->owner);
  run->thread = g_thread_new ("gpu-lease-job", run_thread, run);
  return run;
}

static gboolean
run_is_done (gpointer data)
{
  return ((Run *) data)->done;
}

/* Waits for the worker, and asserts the job made its clip. */
static void
run_finish (Run *run)
{
  if (run->thread == NULL)
    return;
  wait_until (run_is_done, run, "the job's worker to return");
  g_thread_join (g_steal_pointer (&run->thread));
  g_assert_no_error (run->error);
  g_assert_nonnull (run->path);
}

/* The job is over for the scheduler too: its context goes, and with it
 * whatever the backend kept for the job. */
static void
run_free (Run *run)
{
  if (run->thread != NULL)
    {
      wait_until (run_is_done, run, "the job's worker to return");
      g_thread_join (g_steal_pointer (&run->thread));
    }
  g_clear_pointer (&run->context, reel_job_context_unref);
  g_clear_object (&run->backend);
  g_clear_object (&run->owner);
  g_ptr_array_unref (run->messages);
  g_clear_error (&run->error);
  if (run->path != NULL)
    g_unlink (run->path);
  g_free (run->path);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static gboolean
run_said (Run *run, const char *needle)
{
  for (guint i = 0; i < run->messages->len; i++)
    if (strstr (g_ptr_array_index (run->messages, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

typedef struct
{
  Run        *run;
  const char *needle;
} Saying;

static gboolean
run_has_said (gpointer data)
{
  Saying *saying = data;

  return run_said (saying->run, saying->needle);
}

static void
wait_for_message (Run *run, const char *needle)
{
  Saying           saying = { run, needle };
  g_autofree char *what = g_strdup_printf ("the job to say “%s”", needle);

  wait_until (run_has_said, &saying, what);
}

static void
touch (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "GGUF", 4, NULL));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GFile) directory = NULL;
  g_autofree char *media = NULL;

  fixture->dir = reel_test_make_tmpdir ();
  media = g_build_filename (fixture->dir, "Lighthouse.media", NULL);
  g_assert_cmpint (g_mkdir (media, 0755), ==, 0);
  directory = g_file_new_for_path (media);
  fixture->store = reel_media_store_new (directory);
  fixture->models = g_build_filename (fixture->dir, "models", NULL);
  touch (fixture->models, "diffusion_models/wan2.2_ti2v_5B_fp16.safetensors");
  touch (fixture->models, "vae/wan2.2_vae.safetensors");
  touch (fixture->models, "text_encoders/umt5-xxl-encoder-Q8_0.gguf");
  fixture->fake_cli = reel_test_build_path ("tests/generate/fake-sd-cli");
  fixture->runs_file = g_build_filename (fixture->dir, "runs.txt", NULL);
  fixture->hold_file = g_build_filename (fixture->dir, "go", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->slots);
  g_clear_pointer (&fixture->comfyui, reel_fake_comfyui_free);
  g_clear_object (&fixture->store);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->models);
  g_free (fixture->fake_cli);
  g_free (fixture->runs_file);
  g_free (fixture->hold_file);
}

/* sd-cli on the fake, on @fixture's slots, its runs recorded. */
static ReelBackend *
sd_cli_backend (Fixture *fixture)
{
  g_autofree char     *runs = g_strconcat ("FAKE_SD_CLI_RUNS=", fixture->runs_file, NULL);
  g_autofree char     *hold = g_strconcat ("FAKE_SD_CLI_HOLD=", fixture->hold_file, NULL);
  const char *const    environment[] = { runs, hold, NULL };
  ReelSdcppCliBackend *backend = reel_sdcpp_cli_backend_new (fixture->fake_cli);

  reel_sdcpp_cli_backend_set_model_dir (backend, fixture->models);
  reel_sdcpp_cli_backend_set_environment (backend, environment);
  reel_sdcpp_cli_backend_set_gpu_slots (backend, fixture->slots);
  return REEL_BACKEND (backend);
}

/* ComfyUI on a fake on 127.0.0.1, on @fixture's slots. */
static ReelBackend *
comfyui_backend (Fixture *fixture)
{
  g_autoptr (GBytes) video = reel_fake_make_video ();
  ReelComfyuiBackend *backend;

  fixture->comfyui = reel_fake_comfyui_new (video);
  backend = reel_comfyui_backend_new (reel_fake_comfyui_get_url (fixture->comfyui));
  reel_comfyui_backend_set_steps (backend, 2);
  reel_comfyui_backend_set_timing (backend, 5, 20, 200);
  reel_comfyui_backend_set_gpu_slots (backend, fixture->slots);
  return REEL_BACKEND (backend);
}

static guint
max_parallel_jobs (ReelBackend *backend)
{
  ReelBackendCapabilities caps;

  reel_backend_get_capabilities (backend, &caps);
  return caps.max_parallel_jobs;
}

/* The fake sd-cli's runs so far: "start PID GPU" and "end PID" lines. */
static GStrv
read_runs (Fixture *fixture)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (fixture->runs_file, &text, NULL, NULL))
    return g_new0 (char *, 1);
  g_strchomp (text);
  return *text != '\0' ? g_strsplit (text, "\n", -1) : g_new0 (char *, 1);
}

static guint
count_starts (Fixture *fixture)
{
  g_auto (GStrv) runs = read_runs (fixture);
  guint starts = 0;

  for (guint i = 0; runs[i] != NULL; i++)
    if (g_str_has_prefix (runs[i], "start "))
      starts++;
  return starts;
}

static gboolean
one_started (gpointer data)
{
  return count_starts (data) >= 1;
}

static gboolean
two_started (gpointer data)
{
  return count_starts (data) >= 2;
}

static gboolean
someone_waits_for_the_gpu (gpointer data)
{
  return reel_gpu_slots_get_n_waiting (((Fixture *) data)->slots) > 0;
}

/* The fake sd-cli may go on. */
static void
let_sd_cli_go (Fixture *fixture)
{
  g_assert_true (g_file_set_contents (fixture->hold_file, "", 0, NULL));
}

/* What a "start" line says: the GPU it ran on ("-" for none). */
static const char *
run_gpu (const char *line)
{
  const char *space = strrchr (line, ' ');

  g_assert_true (g_str_has_prefix (line, "start "));
  g_assert_nonnull (space);
  return space + 1;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */

static void
test_local_urls (void)
{
  g_assert_true (reel_local_gpu_is_local_url ("http://127.0.0.1:8188"));
  g_assert_true (reel_local_gpu_is_local_url ("http://127.0.1.1:8188/"));
  g_assert_true (reel_local_gpu_is_local_url ("http://[::1]:1234"));
  g_assert_true (reel_local_gpu_is_local_url ("http://localhost:8188"));
  g_assert_true (reel_local_gpu_is_local_url ("https://LocalHost"));
  g_assert_false (reel_local_gpu_is_local_url ("http://192.168.1.20:8188"));
  g_assert_false (reel_local_gpu_is_local_url ("http://render-1.lan:8188"));
  g_assert_false (reel_local_gpu_is_local_url ("http://[fe80::1]:8188"));
  g_assert_false (reel_local_gpu_is_local_url ("not an address"));
  g_assert_false (reel_local_gpu_is_local_url (""));
  g_assert_false (reel_local_gpu_is_local_url (NULL));
}

/* One GPU: the second sd-cli job waits, says for whom, and starts only once
 * the first has ended. */
static void
test_sd_cli_one_gpu (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelBackend) backend = NULL;
  g_autoptr (Run) first = NULL;
  g_autoptr (Run) second = NULL;
  g_auto (GStrv) runs = NULL;

  fixture->slots = reel_gpu_slots_new (1);
  backend = sd_cli_backend (fixture);
  g_assert_cmpuint (max_parallel_jobs (backend), ==, 1);

  first = run_start (fixture, backend, 1);
  wait_until (one_started, fixture, "the first sd-cli to start");
  second = run_start (fixture, backend, 2);
  wait_for_message (second, "Waiting for the GPU (used by sd-cli job 1)");
  wait_until (someone_waits_for_the_gpu, fixture, "the second job to wait for the GPU");
  g_assert_cmpuint (count_starts (fixture), ==, 1);

  let_sd_cli_go (fixture);
  run_finish (first);
  run_finish (second);

  /* One after the other, both on GPU 0. */
  runs = read_runs (fixture);
  g_assert_cmpuint (g_strv_length (runs), ==, 4);
  g_assert_cmpstr (run_gpu (runs[0]), ==, "0");
  g_assert_true (g_str_has_prefix (runs[1], "end "));
  g_assert_cmpstr (run_gpu (runs[2]), ==, "0");
  g_assert_true (g_str_has_prefix (runs[3], "end "));
  g_assert_false (run_said (first, "Waiting for the GPU"));
  g_assert_null (reel_gpu_slots_dup_holder (fixture->slots, 0));
}

/* Two GPUs: two sd-cli jobs run at once, one on each. */
static void
test_sd_cli_two_gpus (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelBackend) backend = NULL;
  g_autoptr (Run) first = NULL;
  g_autoptr (Run) second = NULL;
  g_auto (GStrv) runs = NULL;
  g_autoptr (GPtrArray) gpus = g_ptr_array_new ();

  fixture->slots = reel_gpu_slots_new (2);
  backend = sd_cli_backend (fixture);
  g_assert_cmpuint (max_parallel_jobs (backend), ==, 2);

  first = run_start (fixture, backend, 1);
  second = run_start (fixture, backend, 2);
  /* Both stand still in sd-cli at the same time. */
  wait_until (two_started, fixture, "both sd-cli runs to start");
  let_sd_cli_go (fixture);
  run_finish (first);
  run_finish (second);

  runs = read_runs (fixture);
  g_assert_cmpuint (g_strv_length (runs), ==, 4);
  g_ptr_array_add (gpus, (gpointer) run_gpu (runs[0]));
  g_ptr_array_add (gpus, (gpointer) run_gpu (runs[1]));
  g_assert_true ((g_str_equal (gpus->pdata[0], "0") && g_str_equal (gpus->pdata[1], "1"))
                 || (g_str_equal (gpus->pdata[0], "1") && g_str_equal (gpus->pdata[1], "0")));
  g_assert_false (run_said (first, "Waiting for the GPU"));
  g_assert_false (run_said (second, "Waiting for the GPU"));
}

/* No NVIDIA GPU: sd-cli runs all the same, and the job says it may be slow. */
static void
test_sd_cli_no_gpu (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelBackend) backend = NULL;
  g_autoptr (Run) run = NULL;
  g_auto (GStrv) runs = NULL;

  fixture->slots = reel_gpu_slots_new (0);
  backend = sd_cli_backend (fixture);
  g_assert_cmpuint (max_parallel_jobs (backend), ==, 1);
  g_assert_true (reel_backend_check_ready (backend, NULL));
  g_assert_nonnull (
      strstr (reel_sdcpp_cli_backend_get_gpu_warning (REEL_SDCPP_CLI_BACKEND (backend)),
              "No NVIDIA GPU found"));

  /* Storyreel's own environment holds the cloud keys; sd-cli's must not. */
  g_setenv ("DASHSCOPE_API_KEY", "sk-not-for-sd-cli", TRUE);
  g_setenv ("FAL_KEY", "not:for-sd-cli", TRUE);
  let_sd_cli_go (fixture);
  run = run_start (fixture, backend, 1);
  run_finish (run);
  g_unsetenv ("DASHSCOPE_API_KEY");
  g_unsetenv ("FAL_KEY");
  g_assert_true (run_said (run, "No NVIDIA GPU found: sd-cli runs on the CPU or on the GPU "
                                "backend it was built for, which may be very slow"));
  runs = read_runs (fixture);
  g_assert_cmpuint (g_strv_length (runs), ==, 2);
  g_assert_cmpstr (run_gpu (runs[0]), ==, "-");
  g_assert_nonnull (strstr (runs[0], " keys=0 "));
}

static gboolean
comfyui_is_holding (gpointer data)
{
  return reel_fake_comfyui_is_holding (((Fixture *) data)->comfyui);
}

/* A ComfyUI on this computer is busy: sd-cli waits until its job is over. */
static void
test_comfyui_then_sd_cli (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelBackend) comfyui = NULL;
  g_autoptr (ReelBackend) sd_cli = NULL;
  g_autoptr (Run) prompt = NULL;
  g_autoptr (Run) clip = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *expected = NULL;

  fixture->slots = reel_gpu_slots_new (1);
  comfyui = comfyui_backend (fixture);
  sd_cli = sd_cli_backend (fixture);
  let_sd_cli_go (fixture);
  reel_fake_comfyui_set_hold (fixture->comfyui, 0);

  prompt = run_start (fixture, comfyui, 1);
  wait_until (comfyui_is_holding, fixture, "ComfyUI to run the prompt");
  expected = g_strdup_printf ("ComfyUI at %s", reel_fake_comfyui_get_url (fixture->comfyui));
  holder = reel_gpu_slots_dup_holder (fixture->slots, 0);
  g_assert_cmpstr (holder, ==, expected);

  clip = run_start (fixture, sd_cli, 2);
  wait_for_message (clip, "Waiting for the GPU (used by ComfyUI at http://127.0.0.1:");
  wait_until (someone_waits_for_the_gpu, fixture, "sd-cli to wait for the GPU");

  /* Once the prompt is over the GPU is free, although the job's context
   * lives on until the scheduler has recorded its take: sd-cli starts. */
  reel_fake_comfyui_set_hold (fixture->comfyui, REEL_FAKE_COMFYUI_NO_HOLD);
  run_finish (prompt);
  run_finish (clip);
  g_assert_cmpuint (count_starts (fixture), ==, 1);
  g_clear_pointer (&prompt, run_free);
}

static gboolean
comfyui_has_a_prompt (gpointer data)
{
  return reel_fake_comfyui_count_prompts (((Fixture *) data)->comfyui) > 0;
}

/* And the other way round: ComfyUI waits for sd-cli before it queues. */
static void
test_sd_cli_then_comfyui (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelBackend) comfyui = NULL;
  g_autoptr (ReelBackend) sd_cli = NULL;
  g_autoptr (Run) clip = NULL;
  g_autoptr (Run) prompt = NULL;

  fixture->slots = reel_gpu_slots_new (1);
  comfyui = comfyui_backend (fixture);
  sd_cli = sd_cli_backend (fixture);

  clip = run_start (fixture, sd_cli, 1);
  wait_until (one_started, fixture, "sd-cli to start");
  prompt = run_start (fixture, comfyui, 2);
  wait_for_message (prompt, "Waiting for the GPU (used by sd-cli job 1)");
  wait_until (someone_waits_for_the_gpu, fixture, "ComfyUI's job to wait for the GPU");
  g_assert_cmpuint (reel_fake_comfyui_count_prompts (fixture->comfyui), ==, 0);

  let_sd_cli_go (fixture);
  run_finish (clip);
  wait_until (comfyui_has_a_prompt, fixture, "ComfyUI's job to queue its prompt");
  run_finish (prompt);
}

static guint
comfyui_queue_length (Fixture *fixture)
{
  g_auto (GStrv) queue = reel_fake_comfyui_dup_queue (fixture->comfyui);

  return g_strv_length (queue);
}

static gboolean
comfyui_holds_two (gpointer data)
{
  return comfyui_queue_length (data) >= 2;
}

/* The jobs on one ComfyUI share its lease: the next prompt is queued while
 * the first runs, as without GPU slots, and the GPU is free once both are
 * over. */
static void
test_comfyui_jobs_share (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelBackend) comfyui = NULL;
  g_autoptr (Run) first = NULL;
  g_autoptr (Run) second = NULL;
  g_autofree char *holder = NULL;

  fixture->slots = reel_gpu_slots_new (1);
  comfyui = comfyui_backend (fixture);
  reel_fake_comfyui_set_hold (fixture->comfyui, 0);

  first = run_start (fixture, comfyui, 1);
  second = run_start (fixture, comfyui, 2);
  wait_until (comfyui_holds_two, fixture, "both prompts to be on the server");
  g_assert_false (run_said (second, "Waiting for the GPU"));
  g_assert_cmpuint (reel_gpu_slots_get_n_waiting (fixture->slots), ==, 0);

  reel_fake_comfyui_set_hold (fixture->comfyui, REEL_FAKE_COMFYUI_NO_HOLD);
  run_finish (first);
  run_finish (second);
  /* Both are over, and the GPU is free before the scheduler drops the jobs. */
  holder = reel_gpu_slots_dup_holder (fixture->slots, 0);
  g_assert_null (holder);
}

/* A stopped job that waits for the GPU ends at once, without taking it. */
static void
test_stopped_while_waiting (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelBackend) backend = NULL;
  g_autoptr (Run) first = NULL;
  g_autoptr (Run) second = NULL;

  fixture->slots = reel_gpu_slots_new (1);
  backend = sd_cli_backend (fixture);
  first = run_start (fixture, backend, 1);
  wait_until (one_started, fixture, "the first sd-cli to start");
  second = run_start (fixture, backend, 2);
  wait_until (someone_waits_for_the_gpu, fixture, "the second job to wait for the GPU");

  reel_job_context_stop (second->context, FALSE);
  wait_until (run_is_done, second, "the stopped job's worker to return");
  g_thread_join (g_steal_pointer (&second->thread));
  g_assert_error (second->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (reel_gpu_slots_get_n_waiting (fixture->slots), ==, 0);

  let_sd_cli_go (fixture);
  run_finish (first);
  g_assert_cmpuint (count_starts (fixture), ==, 1);
}

int
main (int argc, char **argv)
{
  /* The GPU each run sees is the one the backend gives it. */
  g_unsetenv ("CUDA_VISIBLE_DEVICES");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gpu-leases/local-urls", test_local_urls);
#define ADD(path, test) g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down)
  ADD ("/gpu-leases/sd-cli/one-gpu", test_sd_cli_one_gpu);
  ADD ("/gpu-leases/sd-cli/two-gpus", test_sd_cli_two_gpus);
  ADD ("/gpu-leases/sd-cli/no-gpu", test_sd_cli_no_gpu);
  ADD ("/gpu-leases/sd-cli/stopped-while-waiting", test_stopped_while_waiting);
  ADD ("/gpu-leases/comfyui-then-sd-cli", test_comfyui_then_sd_cli);
  ADD ("/gpu-leases/sd-cli-then-comfyui", test_sd_cli_then_comfyui);
  ADD ("/gpu-leases/comfyui/jobs-share", test_comfyui_jobs_share);
#undef ADD

  return g_test_run ();
}
