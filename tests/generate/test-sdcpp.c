/* test-sdcpp.c: the stable-diffusion.cpp backends against a fake sd-server and a fake sd-cli
 *
 * The pieces first (frame counts, sizes, sd-cli's naming rule, the reader
 * of its console output fed sd.cpp's exact bars, the model files found in a
 * folder, the conversion of each container it writes), then each backend
 * driven as the scheduler drives it: a worker thread runs submit → wait →
 * fetch with a job context whose reports arrive on the main context, where
 * the test records them. The fakes misbehave on demand: a model without
 * video, a full queue, a failed or expired job, a cancel the server refuses,
 * an abort, an out-of-memory error, a garbage clip, and a child that starts
 * a worker of its own and never ends. Last, the real binary runs both.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fake-sd-clip.h"
#include "fake-sd-server.h"
#include "reel-job-context-private.h"
#include "reel-project-jobs.h"
#include "reel-project.h"
#include "reel-scheduler.h"
#include "reel-sdcpp-cli-backend.h"
#include "reel-sdcpp-clip.h"
#include "reel-sdcpp-server-backend.h"
#include "reel-sdcpp.h"
#include "reel-test-utils.h"

#define PROMPT "A lighthouse keeper climbs the spiral stairs at dusk, lamp in hand"
/* Generous bounds: a job normally takes well under a second. */
#define RUN_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 10000

/* ------------------------------------------------------------------------ */
/* Waiting on the main context                                               */

typedef gboolean (*Condition) (gpointer data);

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @condition holds; fails the test after
 * @timeout_ms (times $STORYREEL_TEST_TIMEOUT_SCALE, for slow builds). The
 * tick wakes the loop to look at conditions that change on other threads or
 * in other processes. */
static void
wait_until (Condition condition, gpointer data, guint timeout_ms, const char *what)
{
  const char *scale_text = g_getenv ("STORYREEL_TEST_TIMEOUT_SCALE");
  guint  scale = scale_text != NULL ? MAX ((guint) g_ascii_strtoull (scale_text, NULL, 10), 1) : 1;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * scale * 1000;
  guint  tick = g_timeout_add (5, tick_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", timeout_ms * scale, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* ------------------------------------------------------------------------ */
/* The harness                                                               */

typedef struct
{
  char             *dir;
  char             *models;
  ReelMediaStore   *store;
  GObject          *owner; /* the reports' owner; carries the fixture */
  ReelFakeSdServer *server;
  ReelBackend      *backend;
  char             *fake_cli;
  char             *args_file;
  /* What the "scheduler" recorded. */
  char      *remote_id;
  GArray    *fractions; /* double, in the order reported */
  GPtrArray *messages;  /* char*, non-NULL ones */
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
        if (reel_job_context_get_remote_id (context) != NULL)
          {
            g_free (fixture->remote_id);
            fixture->remote_id = g_strdup (reel_job_context_get_remote_id (context));
          }
        reel_job_context_acknowledge (context, TRUE);
        break;
      case REEL_JOB_REPORT_PROGRESS:
        if (fraction >= 0)
          g_array_append_val (fixture->fractions, fraction);
        if (text != NULL)
          g_ptr_array_add (fixture->messages, g_strdup (text));
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
  Run                    *run = data;
  GCancellable           *cancellable = reel_job_context_get_cancellable (run->context);
  ReelBackendCapabilities caps;
  GError                 *error = NULL;

  reel_backend_get_capabilities (run->backend, &caps);
  if (!reel_backend_check_request (run->backend, reel_job_context_get_request (run->context),
                                   &error))
    goto out;
  if (reel_job_context_get_remote_id (run->context) == NULL
      && !reel_backend_submit (run->backend, run->context, &error))
    goto out;
  if (!reel_backend_wait (run->backend, run->context, &error))
    goto out;
  if (caps.features & REEL_BACKEND_REMOTE)
    reel_job_context_downloading (run->context);
  run->path = reel_backend_fetch (run->backend, run->context, &error);

out:
  if (error != NULL && g_cancellable_is_cancelled (cancellable)
      && (caps.features & REEL_BACKEND_REMOTE)
      && reel_job_context_is_cancelled_by_user (run->context))
    reel_backend_cancel (run->backend, run->context);
  run->error = error;
  /* After every report the worker posted. */
  {
    g_autoptr (GSource) source = g_idle_source_new ();

    g_source_set_callback (source, run_done_cb, run, NULL);
    g_source_attach (source, NULL);
  }
  return NULL;
}

static Run *
run_start_full (Fixture *fixture, const ReelJobRequest *request, const char *remote_id)
{
  Run *run = g_new0 (Run, 1);

  run->fixture = fixture;
  run->backend = g_object_ref (fixture->backend);
  run->context = reel_job_context_new (1, 1, request, remote_id, fixture->store,
                                       g_main_context_default (), report_cb, fixture->owner);
  run->thread = g_thread_new ("sdcpp-job", run_thread, run);
  return run;
}

static Run *
run_start (Fixture *fixture, const ReelJobRequest *request)
{
  return run_start_full (fixture, request, NULL);
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
    g_test_message ("The job failed: %s", run->error->message);
}

static void
run_free (Run *run)
{
  if (run->thread != NULL)
    run_finish (run, RUN_TIMEOUT_MS);
  g_clear_object (&run->backend);
  g_clear_pointer (&run->context, reel_job_context_unref);
  g_clear_error (&run->error);
  if (run->path != NULL)
    g_unlink (run->path);
  g_free (run->path);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static Run *
run_job (Fixture *fixture, const ReelJobRequest *request)
{
  Run *run = run_start (fixture, request);

  run_finish (run, RUN_TIMEOUT_MS);
  return run;
}

static ReelJobRequest *
make_request (double duration)
{
  ReelJobRequest *request = reel_job_request_new ();

  request->shot_id = 1;
  request->prompt = g_strdup (PROMPT);
  request->negative_prompt = g_strdup ("blurry, text");
  request->width = 320;
  request->height = 180;
  request->fps = 24;
  request->duration = duration;
  request->seed = 1234567;
  return request;
}

static void
touch (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "GGUF", 4, NULL));
}

/* A ComfyUI-like models folder with Wan2.2 TI2V 5B. */
static void
add_ti2v_models (const char *dir)
{
  touch (dir, "diffusion_models/wan2.2_ti2v_5B_fp16.safetensors");
  touch (dir, "vae/wan_2.1_vae.safetensors");
  touch (dir, "vae/wan2.2_vae.safetensors");
  touch (dir, "text_encoders/umt5-xxl-encoder-Q8_0.gguf");
}

/* Wan2.2 T2V A14B in QuantStack's names, in one folder. */
static void
add_a14b_models (const char *dir)
{
  touch (dir, "Wan2.2-T2V-A14B-HighNoise-Q4_K_M.gguf");
  touch (dir, "Wan2.2-T2V-A14B-LowNoise-Q4_K_M.gguf");
  touch (dir, "wan_2.1_vae.safetensors");
  touch (dir, "umt5-xxl-encoder-Q8_0.gguf");
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
  g_assert_cmpint (g_mkdir (fixture->models, 0755), ==, 0);
  fixture->owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_data (fixture->owner, "fixture", fixture);
  fixture->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  fixture->messages = g_ptr_array_new_with_free_func (g_free);
  fixture->fake_cli = reel_test_build_path ("tests/generate/fake-sd-cli");
  fixture->args_file = g_build_filename (fixture->dir, "args.txt", NULL);
}

static void
server_set_up (Fixture *fixture, gconstpointer data)
{
  ReelSdcppServerBackend *backend;

  fixture_set_up (fixture, data);
  fixture->server = reel_fake_sd_server_new ();
  backend = reel_sdcpp_server_backend_new (reel_fake_sd_server_get_url (fixture->server));
  reel_sdcpp_server_backend_set_poll_interval (backend, 5, 20);
  fixture->backend = REEL_BACKEND (backend);
}

/* sd-cli set up on the fake, its arguments recorded, with @environment. */
static ReelSdcppCliBackend *
cli_backend (Fixture *fixture, const char *const *environment)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) env = NULL;
  g_autofree char     *args = g_strconcat ("FAKE_SD_CLI_ARGS=", fixture->args_file, NULL);
  ReelSdcppCliBackend *backend = reel_sdcpp_cli_backend_new (fixture->fake_cli);

  g_strv_builder_add (builder, args);
  if (environment != NULL)
    g_strv_builder_addv (builder, (const char **) environment);
  env = g_strv_builder_end (builder);
  reel_sdcpp_cli_backend_set_model_dir (backend, fixture->models);
  reel_sdcpp_cli_backend_set_environment (backend, (const char *const *) env);
  g_clear_object (&fixture->backend);
  fixture->backend = REEL_BACKEND (backend);
  return backend;
}

static void
cli_set_up (Fixture *fixture, gconstpointer data)
{
  fixture_set_up (fixture, data);
  add_ti2v_models (fixture->models);
  cli_backend (fixture, NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->backend);
  g_clear_pointer (&fixture->server, reel_fake_sd_server_free);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->owner);
  g_array_unref (fixture->fractions);
  g_ptr_array_unref (fixture->messages);
  g_free (fixture->remote_id);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->models);
  g_free (fixture->fake_cli);
  g_free (fixture->args_file);
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

/* The clip went into the media store as the film needs it: H.264, of the
 * frames asked for at the rate asked for. */
static void
assert_take (Fixture *fixture, const char *path, guint frames, guint fps)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;

  g_assert_nonnull (path);
  info = reel_media_store_add_file (fixture->store, path, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->kind, ==, REEL_MEDIA_KIND_VIDEO);
  g_assert_cmpstr (info->video_codec, ==, "video/x-h264");
  g_assert_cmpfloat_with_epsilon (info->fps, fps, 0.01);
  g_assert_cmpfloat_with_epsilon (info->duration, (double) frames / fps, 0.5 / fps + 1e-3);
}

/* Progress only moved forward, and reached the end only with the take. */
static void
assert_progress_ends_with_take (Fixture *fixture)
{
  GArray *fractions = fixture->fractions;

  g_assert_cmpuint (fractions->len, >=, 2);
  for (guint i = 0; i + 1 < fractions->len; i++)
    {
      g_assert_cmpfloat (g_array_index (fractions, double, i), <, 1.0);
      g_assert_cmpfloat (g_array_index (fractions, double, i), <=,
                         g_array_index (fractions, double, i + 1));
    }
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
}

static gboolean
messages_contain (Fixture *fixture, const char *needle)
{
  for (guint i = 0; i < fixture->messages->len; i++)
    if (strstr (g_ptr_array_index (fixture->messages, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
assert_backend_error (GError *error, ReelBackendError kind, const char *needle)
{
  g_assert_error (error, REEL_BACKEND_ERROR, (gint) kind);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” is not in the error: %s", needle, error->message);
}

/* ------------------------------------------------------------------------ */
/* The pieces                                                                */

static void
test_frame_count (void)
{
  /* 4n+1 that covers the shot: the engine floors any other count. */
  g_assert_cmpuint (reel_sdcpp_frame_count (2.0, 16), ==, 33);
  g_assert_cmpuint (reel_sdcpp_frame_count (5.0, 16), ==, 81);
  g_assert_cmpuint (reel_sdcpp_frame_count (5.0, 24), ==, 121);
  g_assert_cmpuint (reel_sdcpp_frame_count (1.0, 24), ==, 25);
  g_assert_cmpuint (reel_sdcpp_frame_count (2.1, 16), ==, 37);
  g_assert_cmpuint (reel_sdcpp_frame_count (0.1, 16), ==, 5);
  for (guint tenths = 1; tenths <= 100; tenths++)
    {
      guint frames = reel_sdcpp_frame_count (tenths / 10.0, 16);

      g_assert_cmpuint (frames % 4, ==, 1);
      g_assert_cmpfloat (frames, >=, tenths / 10.0 * 16 - 1e-6);
      g_assert_cmpuint (fake_sd_clip_floor_frames (frames), ==, frames);
    }
  /* What the engine does with other counts (local-engines.md §1.2). */
  g_assert_cmpuint (fake_sd_clip_floor_frames (34), ==, 33);
  g_assert_cmpuint (fake_sd_clip_floor_frames (32), ==, 29);
}

static void
test_choose_size (void)
{
  guint width, height;

  reel_sdcpp_choose_size (1920, 1080, 480, &width, &height);
  g_assert_cmpuint (height, ==, 480);
  g_assert_cmpuint (width, ==, 864);
  reel_sdcpp_choose_size (1080, 1920, 480, &width, &height);
  g_assert_cmpuint (width, ==, 480);
  g_assert_cmpuint (height, ==, 864);
  reel_sdcpp_choose_size (1280, 720, 704, &width, &height);
  g_assert_cmpuint (width, ==, 1248);
  g_assert_cmpuint (height, ==, 704);
  /* A small project is not scaled up, only made a multiple of 32. */
  reel_sdcpp_choose_size (320, 180, 480, &width, &height);
  g_assert_cmpuint (width, ==, 320);
  g_assert_cmpuint (height, ==, 192);
}

static void
test_cli_video_path (Fixture *fixture, gconstpointer data)
{
  const char *const fake_args[] = { fixture->fake_cli,
                                    "-M",
                                    "vid_gen",
                                    "--diffusion-model",
                                    NULL,
                                    "--vae",
                                    NULL,
                                    "--t5xxl",
                                    NULL,
                                    "-W",
                                    "64",
                                    "-H",
                                    "64",
                                    "--video-frames",
                                    "5",
                                    "-o",
                                    NULL,
                                    NULL };
  g_autofree char  *model = g_build_filename (fixture->models, "diffusion_models",
                                              "wan2.2_ti2v_5B_fp16.safetensors", NULL);
  g_autofree char  *vae = g_build_filename (fixture->models, "vae", "wan2.2_vae.safetensors", NULL);
  g_autofree char  *t5
      = g_build_filename (fixture->models, "text_encoders", "umt5-xxl-encoder-Q8_0.gguf", NULL);
  g_autofree char *requested = g_build_filename (fixture->dir, "clip.mp4", NULL);
  g_autofree char *expected = g_build_filename (fixture->dir, "clip.mp4.avi", NULL);
  g_autofree char *written = reel_sdcpp_cli_video_path (requested);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *line = NULL;
  const char      *argv[G_N_ELEMENTS (fake_args)];

  /* examples/cli/main.cpp's save_results() for a video. */
  g_assert_cmpstr (written, ==, expected);
  {
    const struct
    {
      const char *asked;
      const char *written;
    } cases[] = {
      { "out/clip.avi", "out/clip.avi" },
      { "out/clip.webm", "out/clip.webm" },
      { "out/clip.webp", "out/clip.webp" },
      { "output.png", "output.avi" },
      { "shot.JPG", "shot.avi" },
      { "clip", "clip.avi" },
      { "take.v2/clip", "take.v2/clip.avi" },
      { "CLIP.AVI", "CLIP.AVI" },
      { "clip.mov", "clip.mov.avi" },
      { ".hidden", ".hidden.avi" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *path = reel_sdcpp_cli_video_path (cases[i].asked);
        g_assert_cmpstr (path, ==, cases[i].written);
      }
  }

  /* The fake follows the same rule: -o clip.mp4 writes clip.mp4.avi. */
  memcpy (argv, fake_args, sizeof argv);
  argv[4] = model;
  argv[6] = vae;
  argv[8] = t5;
  argv[16] = requested;
  g_assert_cmpint (reel_test_spawn (argv, NULL, &out, &err), ==, 0);
  line = g_strdup_printf ("save result video to '%s'", expected);
  g_assert_nonnull (strstr (out, line));
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (requested, G_FILE_TEST_EXISTS));
}

/* print_progress_line() in src/core/util.cpp, byte for byte. */
static void
append_bar (GString *out, int step, int steps, const char *speed, char cell, gboolean head)
{
  int current = (int) (step * 1.f * 50 / steps);

  g_string_append (out, "\r  |");
  for (int i = 0; i < 50; i++)
    g_string_append_c (out, i > current ? ' ' : head && i == current && i != 49 ? '>' : cell);
  g_string_append_printf (out, "| %i/%i - %s\033[K%s", step, steps, speed,
                          step == steps ? "\n" : "");
}

typedef struct
{
  ReelSdcppPhase phase;
  guint          pass;
  double         fraction;
} Seen;

/* Feeds @text in pieces of @chunk bytes; returns where the reader was after
 * each piece. */
static GArray *
feed (ReelSdcppOutput *output, const char *text, gsize chunk, gboolean from_stderr)
{
  GArray *seen = g_array_new (FALSE, FALSE, sizeof (Seen));
  gsize   length = strlen (text);

  for (gsize at = 0; at < length; at += chunk)
    {
      Seen now;

      reel_sdcpp_output_feed (output, text + at, MIN (chunk, length - at), from_stderr);
      now.phase = reel_sdcpp_output_get_phase (output);
      now.pass = reel_sdcpp_output_get_pass (output);
      now.fraction = reel_sdcpp_output_get_fraction (output);
      g_array_append_val (seen, now);
    }
  return seen;
}

static void
assert_moves_forward (GArray *seen)
{
  for (guint i = 0; i < seen->len; i++)
    {
      Seen *now = &g_array_index (seen, Seen, i);

      g_assert_cmpfloat (now->fraction, >=, 0);
      g_assert_cmpfloat (now->fraction, <, 1);
      if (i > 0)
        {
          Seen *before = &g_array_index (seen, Seen, i - 1);

          g_assert_cmpint (now->phase, >=, before->phase);
          g_assert_cmpfloat (now->fraction, >=, before->fraction);
        }
    }
}

/* sd-cli's stdout for Wan2.2 A14B: loading, a high-noise pass of 4 steps,
 * a low-noise pass of 6, a save. */
static char *
a14b_stdout (gboolean with_pass_lines)
{
  GString *out = g_string_new (NULL);

  g_string_append (out, "[INFO ] stable-diffusion.cpp:720  - loading diffusion model from "
                        "'/models/Wan2.2-T2V-A14B-LowNoise-Q8_0.gguf'\n");
  for (int i = 1; i <= 4444; i += 1111)
    append_bar (out, i, 4444, "4.58GB/s", '#', FALSE);
  append_bar (out, 4444, 4444, "4.61GB/s", '#', FALSE);
  g_string_append (out, "[INFO ] model_loader.cpp:1304 - loading tensors completed, taking "
                        "9.12s (read: 7.80s, memcpy: 0.00s, convert: 0.52s, copy_to_backend: "
                        "0.80s)\n");
  g_string_append (out, "[INFO ] stable-diffusion.cpp:6914 - generate_video 832x480x33\n");
  for (int i = 1; i <= 4; i++)
    append_bar (out, i, 4, "21.43s/it", '=', TRUE);
  if (with_pass_lines)
    g_string_append (out, "[INFO ] stable-diffusion.cpp:6972 - sampling(high noise) completed, "
                          "taking 85.71s\n");
  for (int i = 1; i <= 6; i++)
    append_bar (out, i, 6, i % 2 ? "20.01s/it" : "1.05it/s", '=', TRUE);
  if (with_pass_lines)
    g_string_append (out, "[INFO ] stable-diffusion.cpp:7012 - sampling completed, taking "
                          "120.05s\n");
  g_string_append (out, "[INFO ] stable-diffusion.cpp:6583 - decode_first_stage completed, "
                        "taking 40.20s\n"
                        "[INFO ] stable-diffusion.cpp:7215 - generate_video completed in "
                        "255.10s\n"
                        "[INFO ] main.cpp:536  - save result video to '/tmp/x/clip.avi'\n");
  return g_string_free (out, FALSE);
}

static void
test_progress_bars (void)
{
  /* The exact lines of local-engines.md §1.3. */
  {
    g_autoptr (ReelSdcppOutput) output = reel_sdcpp_output_new (1);
    const char *text
        = "\r  |=====>                                            | 3/20 - 1.23s/it\033[K";

    reel_sdcpp_output_feed (output, text, strlen (text), FALSE);
    /* No end of line yet: the bar is read when the next "\r" comes. */
    g_assert_cmpint (reel_sdcpp_output_get_phase (output), ==, REEL_SDCPP_PHASE_STARTING);
    reel_sdcpp_output_feed (output, "\r", 1, FALSE);
    g_assert_cmpint (reel_sdcpp_output_get_phase (output), ==, REEL_SDCPP_PHASE_SAMPLING);
    g_assert_cmpfloat_with_epsilon (reel_sdcpp_output_get_fraction (output), 0.10 + 0.75 * 3 / 20.0,
                                    1e-9);
    text = "  |########   | 657/4444 - 4.58GB/s\n";
    /* A loading bar after sampling began does not set it back. */
    reel_sdcpp_output_feed (output, text, strlen (text), FALSE);
    g_assert_cmpint (reel_sdcpp_output_get_phase (output), ==, REEL_SDCPP_PHASE_SAMPLING);
  }

  /* Two passes, in pieces of every size, with and without the log lines
   * that end a pass (older builds). */
  for (guint with_lines = 0; with_lines < 2; with_lines++)
    for (gsize chunk = 1; chunk <= 4097; chunk = chunk * 3 + 1)
      {
        g_autofree char *text = a14b_stdout (with_lines);
        g_autoptr (ReelSdcppOutput) output = reel_sdcpp_output_new (2);
        g_autoptr (GArray) seen = NULL;
        gboolean         loading = FALSE, high = FALSE, low = FALSE;
        g_autofree char *status = NULL;

        seen = feed (output, text, chunk, FALSE);
        assert_moves_forward (seen);
        for (guint i = 0; i < seen->len; i++)
          {
            Seen *now = &g_array_index (seen, Seen, i);

            loading |= now->phase == REEL_SDCPP_PHASE_LOADING && now->fraction > 0;
            high |= now->phase == REEL_SDCPP_PHASE_SAMPLING && now->pass == 0;
            low |= now->phase == REEL_SDCPP_PHASE_SAMPLING && now->pass == 1;
            /* The first pass ends half-way through sampling. */
            if (now->phase == REEL_SDCPP_PHASE_SAMPLING && now->pass == 0)
              g_assert_cmpfloat (now->fraction, <=, 0.10 + 0.75 / 2 + 1e-9);
          }
        /* Pieces smaller than a bar show every stage on the way. */
        if (chunk < 80)
          {
            g_assert_true (loading);
            g_assert_true (high);
            g_assert_true (low);
          }
        g_assert_cmpint (reel_sdcpp_output_get_phase (output), ==, REEL_SDCPP_PHASE_SAVING);
        g_assert_cmpfloat (reel_sdcpp_output_get_fraction (output), <, 1);
        g_assert_cmpstr (reel_sdcpp_output_get_saved_path (output), ==, "/tmp/x/clip.avi");
        g_assert_null (reel_sdcpp_output_get_error (output));
        g_assert_false (reel_sdcpp_output_saw_out_of_memory (output));
        status = reel_sdcpp_output_dup_status (output);
        g_assert_cmpstr (status, ==, "Saving the clip");
      }

  /* Mid-way through the second pass, it says so. */
  {
    g_autoptr (ReelSdcppOutput) output = reel_sdcpp_output_new (2);
    g_autoptr (GString) text = g_string_new (NULL);
    g_autofree char *status = NULL;

    for (int i = 1; i <= 4; i++)
      append_bar (text, i, 4, "21.43s/it", '=', TRUE);
    append_bar (text, 1, 6, "20.01s/it", '=', TRUE);
    append_bar (text, 2, 6, "20.01s/it", '=', TRUE);
    g_string_append_c (text, '\r');
    reel_sdcpp_output_feed (output, text->str, text->len, FALSE);
    g_assert_cmpuint (reel_sdcpp_output_get_pass (output), ==, 1);
    g_assert_cmpfloat_with_epsilon (reel_sdcpp_output_get_fraction (output),
                                    0.10 + 0.75 * (1 + 2 / 6.0) / 2, 1e-9);
    status = reel_sdcpp_output_dup_status (output);
    g_assert_cmpstr (status, ==, "Sampling, pass 2 of 2: step 2 of 6");
  }
}

static void
test_progress_errors (void)
{
  g_autoptr (ReelSdcppOutput) output = reel_sdcpp_output_new (1);
  g_autofree char *lines = NULL;
  const char      *out = "\033[34;1m[INFO ]\033[0m stable-diffusion.cpp:720  - loading diffusion "
                         "model from '/m/wan.gguf'\n";
  const char      *err = "ggml_cuda_init: found 1 CUDA devices:\n"
                         "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 20895.80 MiB on "
                         "device 0: cudaMalloc failed: out of memory\n"
                         "[ERROR] main.cpp:1007 - generate failed";

  reel_sdcpp_output_feed (output, out, strlen (out), FALSE);
  reel_sdcpp_output_feed (output, err, strlen (err), TRUE);
  /* The last line has no end yet. */
  g_assert_true (reel_sdcpp_output_saw_out_of_memory (output));
  reel_sdcpp_output_finish (output);

  /* The first line that says what went wrong, not ggml's greeting. */
  g_assert_cmpstr (reel_sdcpp_output_get_error (output), ==,
                   "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 20895.80 MiB on "
                   "device 0: cudaMalloc failed: out of memory");
  lines = reel_sdcpp_output_dup_last_lines (output, 2);
  g_assert_cmpstr (lines, ==,
                   "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 20895.80 MiB on "
                   "device 0: cudaMalloc failed: out of memory\n"
                   "[ERROR] main.cpp:1007 - generate failed");
  g_clear_pointer (&lines, g_free);
  /* Colour codes are gone. */
  lines = reel_sdcpp_output_dup_last_lines (output, 4);
  g_assert_true (g_str_has_prefix (lines, "[INFO ] stable-diffusion.cpp:720"));

  /* A zoom in a prompt is not an out-of-memory error. */
  {
    g_autoptr (ReelSdcppOutput) other = reel_sdcpp_output_new (1);
    const char *text = "[INFO ] main.cpp:12 - prompt: slow zoom into the room\n";

    reel_sdcpp_output_feed (other, text, strlen (text), FALSE);
    g_assert_false (reel_sdcpp_output_saw_out_of_memory (other));
  }
}

static void
test_model_files (Fixture *fixture, gconstpointer data)
{
  g_auto (ReelSdcppModelFiles) configured = { 0 };
  g_autofree char *missing = NULL;

  /* Nothing anywhere: it says where to set a folder. */
  {
    g_auto (ReelSdcppModelFiles) files = { 0 };

    reel_sdcpp_model_files_resolve (&configured, NULL, &files);
    missing = reel_sdcpp_model_files_describe_missing (&files, NULL);
    g_assert_nonnull (strstr (missing, "--model-dir"));
    g_clear_pointer (&missing, g_free);
  }

  /* An empty folder: each file is named, with its usual name. */
  {
    g_auto (ReelSdcppModelFiles) files = { 0 };

    reel_sdcpp_model_files_resolve (&configured, fixture->models, &files);
    missing = reel_sdcpp_model_files_describe_missing (&files, fixture->models);
    g_assert_nonnull (strstr (missing, fixture->models));
    g_assert_nonnull (strstr (missing, "wan2.2_ti2v_5B_fp16.safetensors"));
    g_assert_nonnull (strstr (missing, "VAE"));
    g_assert_nonnull (strstr (missing, "umt5-xxl-encoder-Q8_0.gguf"));
    g_clear_pointer (&missing, g_free);
  }

  /* TI2V 5B in ComfyUI's subfolders takes the Wan2.2 VAE, not 2.1's. */
  add_ti2v_models (fixture->models);
  {
    g_auto (ReelSdcppModelFiles) files = { 0 };

    reel_sdcpp_model_files_resolve (&configured, fixture->models, &files);
    g_assert_true (g_str_has_suffix (files.diffusion_model,
                                     "/diffusion_models/wan2.2_ti2v_5B_fp16.safetensors"));
    g_assert_null (files.high_noise_model);
    g_assert_true (g_str_has_suffix (files.vae, "/vae/wan2.2_vae.safetensors"));
    g_assert_true (g_str_has_suffix (files.text_encoder, "/umt5-xxl-encoder-Q8_0.gguf"));
    g_assert_null (reel_sdcpp_model_files_describe_missing (&files, fixture->models));
    g_assert_cmpuint (reel_sdcpp_model_fps (files.diffusion_model), ==, 24);
  }

  /* Half an A14B pair is no model; the whole pair is preferred. */
  touch (fixture->models, "Wan2.2-T2V-A14B-LowNoise-Q4_K_M.gguf");
  {
    g_auto (ReelSdcppModelFiles) files = { 0 };

    reel_sdcpp_model_files_resolve (&configured, fixture->models, &files);
    g_assert_true (g_str_has_suffix (files.diffusion_model, "wan2.2_ti2v_5B_fp16.safetensors"));
  }
  touch (fixture->models, "Wan2.2-T2V-A14B-HighNoise-Q4_K_M.gguf");
  {
    g_auto (ReelSdcppModelFiles) files = { 0 };

    reel_sdcpp_model_files_resolve (&configured, fixture->models, &files);
    g_assert_true (
        g_str_has_suffix (files.diffusion_model, "/Wan2.2-T2V-A14B-LowNoise-Q4_K_M.gguf"));
    g_assert_true (
        g_str_has_suffix (files.high_noise_model, "/Wan2.2-T2V-A14B-HighNoise-Q4_K_M.gguf"));
    g_assert_true (g_str_has_suffix (files.vae, "/vae/wan_2.1_vae.safetensors"));
    g_assert_cmpuint (reel_sdcpp_model_fps (files.diffusion_model), ==, 16);
  }

  /* A file chosen in Preferences wins, by its name in the folder; one that
   * is not there is said to be missing. */
  configured.diffusion_model = g_strdup ("diffusion_models/wan2.2_ti2v_5B_fp16.safetensors");
  configured.text_encoder = g_strdup ("/nowhere/umt5_xxl_fp16.safetensors");
  {
    g_auto (ReelSdcppModelFiles) files = { 0 };

    reel_sdcpp_model_files_resolve (&configured, fixture->models, &files);
    g_assert_true (g_file_test (files.diffusion_model, G_FILE_TEST_IS_REGULAR));
    g_assert_null (files.high_noise_model);
    g_assert_true (g_str_has_suffix (files.vae, "/vae/wan2.2_vae.safetensors"));
    missing = reel_sdcpp_model_files_describe_missing (&files, fixture->models);
    g_assert_nonnull (strstr (missing, "/nowhere/umt5_xxl_fp16.safetensors does not exist"));
  }
}

/* Every container sd.cpp writes becomes an H.264 take; anything else is
 * refused with a reason. */
static void
test_clip_convert (Fixture *fixture, gconstpointer data)
{
  const char *const formats[] = { "avi", "webm", "webp" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) clip = fake_sd_clip_make (formats[i], 96, 64, 17, 16, &error);
      g_autofree char *input = g_build_filename (fixture->dir, "clip.bin", NULL);
      g_autofree char *output = g_build_filename (fixture->dir, "clip.mp4", NULL);

      g_assert_no_error (error);
      /* By its bytes, not its name: a build without WebM writes an AVI
       * called clip.webm. */
      g_assert_true (g_file_set_contents (input, g_bytes_get_data (clip, NULL),
                                          (gssize) g_bytes_get_size (clip), NULL));
      g_assert_true (reel_sdcpp_clip_convert (input, output, 16, "sd-cli", NULL, &error));
      g_assert_no_error (error);
      assert_take (fixture, output, 17, 16);
      g_unlink (output);
    }

  {
    g_autoptr (GError) error = NULL;
    g_autofree char *input = g_build_filename (fixture->dir, "garbage.avi", NULL);
    g_autofree char *output = g_build_filename (fixture->dir, "garbage.mp4", NULL);

    g_assert_true (g_file_set_contents (input, "RIFF\x10\0\0\0AVI garbage garbage", 28, NULL));
    g_assert_false (reel_sdcpp_clip_convert (input, output, 16, "sd-cli", NULL, &error));
    assert_backend_error (error, REEL_BACKEND_ERROR_PERMANENT, "sd-cli");
    g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  }
}

/* ------------------------------------------------------------------------ */
/* sd-server                                                                 */

static void
test_server_success (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autofree char *text = NULL;
  JsonObject      *sample;

  run = run_job (fixture, request);
  g_assert_no_error (run->error);

  /* Capabilities first, then one flat job. */
  g_assert_cmpuint (reel_fake_server_count (reel_fake_sd_server_get_server (fixture->server), "GET",
                                            "/sdcpp/v1/capabilities"),
                    ==, 1);
  g_assert_cmpuint (reel_fake_sd_server_count_submits (fixture->server), ==, 1);
  text = reel_fake_sd_server_dup_last_body (fixture->server);
  body = parse_object (text);
  g_assert_cmpstr (json_object_get_string_member (body, "prompt"), ==, PROMPT);
  g_assert_cmpstr (json_object_get_string_member (body, "negative_prompt"), ==, "blurry, text");
  g_assert_cmpint (json_object_get_int_member (body, "seed"), ==, 1234567);
  /* TI2V 5B makes 24 frames a second: 2 s is 49 frames, 4n+1. */
  g_assert_cmpint (json_object_get_int_member (body, "fps"), ==, 24);
  g_assert_cmpint (json_object_get_int_member (body, "video_frames"), ==, 49);
  g_assert_cmpint (json_object_get_int_member (body, "width") % 32, ==, 0);
  g_assert_cmpint (json_object_get_int_member (body, "height") % 32, ==, 0);
  /* Always sent, and the best the server offers. */
  g_assert_cmpstr (json_object_get_string_member (body, "output_format"), ==, "webm");
  /* Preferences set no sampling: the server's own apply. */
  g_assert_false (json_object_has_member (body, "sample_params"));

  g_assert_nonnull (fixture->remote_id);
  g_assert_cmpstr (reel_fake_sd_server_dup_status (fixture->server, fixture->remote_id), ==,
                   "completed");
  assert_take (fixture, run->path, 49, 24);
  assert_progress_ends_with_take (fixture);

  /* With sampling set, only what is set is sent, flat. */
  g_clear_pointer (&run, run_free);
  g_clear_pointer (&body, json_object_unref);
  g_clear_pointer (&text, g_free);
  reel_sdcpp_server_backend_set_sampling (REEL_SDCPP_SERVER_BACKEND (fixture->backend), 8, 5.0, 0);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  text = reel_fake_sd_server_dup_last_body (fixture->server);
  body = parse_object (text);
  sample = json_object_get_object_member (body, "sample_params");
  g_assert_cmpint (json_object_get_int_member (sample, "sample_steps"), ==, 8);
  g_assert_false (json_object_has_member (sample, "flow_shift"));
  g_assert_false (json_object_has_member (sample, "video_frames"));
  g_assert_cmpfloat (
      json_object_get_double_member (json_object_get_object_member (sample, "guidance"), "txt_cfg"),
      ==, 5.0);
}

/* The format is the best of those the server's build writes, and a clip in
 * any of them becomes a take. */
static void
test_server_output_formats (Fixture *fixture, gconstpointer data)
{
  const struct
  {
    const char *offered[4];
    const char *chosen;
  } cases[] = {
    { { "avi", NULL }, "avi" },
    { { "webp", "avi", NULL }, "avi" },
    { { "webp", NULL }, "webp" },
    { { "avi", "webm", NULL }, "webm" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (ReelJobRequest) request = make_request (1.0);
      g_autoptr (Run) run = NULL;
      g_autoptr (JsonObject) body = NULL;
      g_autofree char *text = NULL;

      reel_fake_sd_server_set_output_formats (fixture->server, cases[i].offered);
      run = run_job (fixture, request);
      g_assert_no_error (run->error);
      text = reel_fake_sd_server_dup_last_body (fixture->server);
      body = parse_object (text);
      g_assert_cmpstr (json_object_get_string_member (body, "output_format"), ==, cases[i].chosen);
      assert_take (fixture, run->path, 25, 24);
    }

  /* None it can read: said before a job is queued. */
  {
    const char *const none[] = { NULL };
    g_autoptr (ReelJobRequest) request = make_request (1.0);
    g_autoptr (Run) run = NULL;
    guint submits = reel_fake_sd_server_count_submits (fixture->server);

    reel_fake_sd_server_set_output_formats (fixture->server, none);
    run = run_job (fixture, request);
    assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT, "no video format");
    g_assert_cmpuint (reel_fake_sd_server_count_submits (fixture->server), ==, submits);
  }
}

static void
test_server_without_vid_gen (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  g_autoptr (GError) error = NULL;

  reel_fake_sd_server_set_model (fixture->server, "flux1-dev-q8_0.gguf", FALSE);
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT, "cannot make video");
  g_assert_nonnull (strstr (run->error->message, "flux1-dev-q8_0.gguf"));
  g_assert_cmpuint (reel_fake_sd_server_count_submits (fixture->server), ==, 0);

  /* The connection test says the same. */
  g_assert_false (reel_backend_test_connection (fixture->backend, NULL, &error));
  assert_backend_error (error, REEL_BACKEND_ERROR_PERMANENT, "cannot make video");
}

static void
test_server_queue_full (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;

  reel_fake_sd_server_set_max_pending (fixture->server, 0);
  run = run_job (fixture, request);
  /* Tried again later, not given up. */
  assert_backend_error (run->error, REEL_BACKEND_ERROR_TRANSIENT, "queue is full");
  g_assert_cmpfloat (reel_job_context_get_retry_after (run->context), ==, 30);
  g_assert_null (fixture->remote_id);
}

static void
test_server_job_fails (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;

  reel_fake_sd_server_set_failure (fixture->server, "generate_video returned no results");
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT,
                        "generate_video returned no results");
  /* The next try queues a new job. */
  g_assert_true (reel_job_context_is_remote_task_dropped (run->context));
  g_assert_cmpstr (reel_fake_sd_server_dup_status (fixture->server, fixture->remote_id), ==,
                   "failed");
}

typedef struct
{
  ReelFakeSdServer *server;
  Fixture          *fixture;
  const char       *status;
} JobStatus;

static gboolean
job_has_status (gpointer data)
{
  JobStatus       *wanted = data;
  g_autofree char *status = NULL;

  if (wanted->fixture->remote_id == NULL)
    return FALSE;
  status = reel_fake_sd_server_dup_status (wanted->server, wanted->fixture->remote_id);
  /* Seen by the backend too. */
  return g_strcmp0 (status, wanted->status) == 0
         && reel_fake_sd_server_count_polls (wanted->server, wanted->fixture->remote_id) > 0;
}

static void
wait_for_job_status (Fixture *fixture, const char *status)
{
  JobStatus        wanted = { fixture->server, fixture, status };
  g_autofree char *what = g_strdup_printf ("the job to be %s and polled", status);

  wait_until (job_has_status, &wanted, RUN_TIMEOUT_MS, what);
}

typedef struct
{
  Fixture    *fixture;
  const char *needle;
} MessageWait;

static gboolean
message_arrived (gpointer data)
{
  MessageWait *wait = data;

  return messages_contain (wait->fixture, wait->needle);
}

static void
wait_for_message (Fixture *fixture, const char *needle)
{
  MessageWait      wait = { fixture, needle };
  g_autofree char *what = g_strdup_printf ("the job to say “%s”", needle);

  wait_until (message_arrived, &wait, RUN_TIMEOUT_MS, what);
}

/* The clip comes in the answer that says the job is done, and is decoded
 * from it: the server forgets finished jobs after ten minutes. */
static void
test_server_expiry (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (1.0);
  g_autoptr (Run) run = NULL;
  g_autofree char *job_id = NULL;

  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  g_assert_cmpuint (reel_fake_sd_server_count_completed_answers (fixture->server, NULL), ==, 1);
  /* It never asked again: what it got once was enough. */
  reel_fake_sd_server_expire_finished (fixture->server);
  assert_take (fixture, run->path, 25, 24);
  g_clear_pointer (&run, run_free);
  g_clear_pointer (&fixture->remote_id, g_free);

  /* Storyreel stops while the job generates, and starts again after the
   * clip expired: 410. */
  reel_fake_sd_server_set_latency (fixture->server, 0, REEL_FAKE_FOREVER);
  run = run_start (fixture, request);
  wait_for_job_status (fixture, "generating");
  reel_job_context_stop (run->context, FALSE);
  run_finish (run, STOP_TIMEOUT_MS);
  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* A stop leaves the job at the server, to be picked up again. */
  g_assert_cmpuint (reel_fake_sd_server_count_cancels (fixture->server, NULL), ==, 0);
  job_id = g_strdup (fixture->remote_id);
  g_clear_pointer (&run, run_free);

  reel_fake_sd_server_set_latency (fixture->server, 0, 0);
  reel_fake_sd_server_expire_finished (fixture->server);
  g_assert_cmpstr (reel_fake_sd_server_dup_status (fixture->server, job_id), ==, "expired");
  run = run_start_full (fixture, request, job_id);
  run_finish (run, RUN_TIMEOUT_MS);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT, "ten minutes");
  g_assert_true (reel_job_context_is_remote_task_dropped (run->context));
  g_clear_pointer (&run, run_free);

  /* Ten minutes more: 404, as for a job the server forgot when it
   * restarted. The scheduler makes a new one. */
  reel_fake_sd_server_purge_expired (fixture->server);
  run = run_start_full (fixture, request, job_id);
  run_finish (run, RUN_TIMEOUT_MS);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_TRANSIENT, "does not know this job");
  g_assert_true (reel_job_context_is_remote_task_dropped (run->context));
  g_assert_cmpuint (reel_fake_sd_server_count_completed_answers (fixture->server, job_id), ==, 0);
}

static void
test_server_cancel_queued (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;

  reel_fake_sd_server_set_latency (fixture->server, REEL_FAKE_FOREVER, 0);
  run = run_start (fixture, request);
  wait_for_job_status (fixture, "queued");
  wait_for_message (fixture, "Waiting in sd-server’s queue (position 1)");
  reel_job_context_stop (run->context, TRUE);
  run_finish (run, STOP_TIMEOUT_MS);

  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (reel_fake_sd_server_count_cancels (fixture->server, fixture->remote_id), ==, 1);
  g_assert_cmpstr (reel_fake_sd_server_dup_status (fixture->server, fixture->remote_id), ==,
                   "cancelled");
  g_assert_false (messages_contain (fixture, "discarded"));
}

static void
test_server_cancel_generating (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  const char *last;

  reel_fake_sd_server_set_latency (fixture->server, 0, REEL_FAKE_FOREVER);
  run = run_start (fixture, request);
  wait_for_job_status (fixture, "generating");
  reel_job_context_stop (run->context, TRUE);
  run_finish (run, STOP_TIMEOUT_MS);

  /* The server's 409 is no failure: the job is cancelled here, and the
   * clip the server still makes is thrown away. */
  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (reel_fake_sd_server_count_cancels (fixture->server, fixture->remote_id), ==, 1);
  g_assert_cmpstr (reel_fake_sd_server_dup_status (fixture->server, fixture->remote_id), ==,
                   "generating");
  last = g_ptr_array_index (fixture->messages, fixture->messages->len - 1);
  g_assert_cmpstr (last, ==, "sd-server will finish this clip, then it is discarded");
}

static gboolean
create_is_held (gpointer data)
{
  return reel_fake_sd_server_count_held_submits (data) > 0;
}

/* The user cancels while the job's create is on its way. The server makes
 * the job whatever happens to the request: the create is let finish, its id
 * kept, and the job cancelled at the server, so none is left in its queue. */
static void
test_server_cancel_during_create (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  g_auto (GStrv) ids = NULL;
  g_autofree char *status = NULL;

  reel_fake_sd_server_set_latency (fixture->server, REEL_FAKE_FOREVER, 0);
  reel_fake_sd_server_set_hold_submits (fixture->server, TRUE);
  run = run_start (fixture, request);
  wait_until (create_is_held, fixture->server, RUN_TIMEOUT_MS, "the server to hold the create");
  reel_job_context_stop (run->context, TRUE);
  reel_fake_sd_server_set_hold_submits (fixture->server, FALSE);
  run_finish (run, STOP_TIMEOUT_MS);

  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  ids = reel_fake_sd_server_dup_job_ids (fixture->server);
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  status = reel_fake_sd_server_dup_status (fixture->server, ids[0]);
  g_assert_cmpstr (status, ==, "cancelled");
  g_assert_cmpuint (reel_fake_sd_server_count_cancels (fixture->server, ids[0]), ==, 1);
}

static void
test_server_unreachable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  g_autofree char *url = g_strdup (reel_fake_sd_server_get_url (fixture->server));
  g_autoptr (GError) error = NULL;

  /* Nothing listens there any more. */
  g_clear_pointer (&fixture->server, reel_fake_sd_server_free);
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_TRANSIENT, "not reachable");
  g_assert_nonnull (strstr (run->error->message, url));
  g_assert_true (reel_backend_check_ready (fixture->backend, NULL));
  g_assert_false (reel_backend_test_connection (fixture->backend, NULL, &error));
  assert_backend_error (error, REEL_BACKEND_ERROR_TRANSIENT, "not reachable");
}

static void
test_server_loras (Fixture *fixture, gconstpointer data)
{
  const char *const offered[]
      = { "/srv/loras/wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise.safetensors",
          "/srv/loras/wan2.2_t2v_lightx2v_4steps_lora_v1.1_low_noise.safetensors", NULL };
  g_autoptr (GPtrArray) loras
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_sdcpp_lora_free);
  g_autoptr (ReelJobRequest) request = make_request (1.0);
  g_autoptr (Run) run = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autofree char *text = NULL;
  ReelSdcppLora   *lora = g_new0 (ReelSdcppLora, 1);
  JsonObject      *sent;

  reel_fake_sd_server_set_loras (fixture->server, offered);
  /* Chosen in Preferences by a copy elsewhere: matched by its name. */
  lora->path
      = g_strdup ("/home/me/loras/wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise.safetensors");
  lora->multiplier = 1.0;
  lora->high_noise = TRUE;
  g_ptr_array_add (loras, lora);
  reel_sdcpp_server_backend_set_loras (REEL_SDCPP_SERVER_BACKEND (fixture->backend), loras);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  text = reel_fake_sd_server_dup_last_body (fixture->server);
  body = parse_object (text);
  sent = json_array_get_object_element (json_object_get_array_member (body, "lora"), 0);
  g_assert_cmpstr (json_object_get_string_member (sent, "path"), ==, offered[0]);
  g_assert_true (json_object_get_boolean_member (sent, "is_high_noise"));
  g_clear_pointer (&run, run_free);

  /* One the server does not have is named, and nothing is queued. */
  lora = g_new0 (ReelSdcppLora, 1);
  lora->path = g_strdup ("/home/me/loras/film_grain.safetensors");
  lora->multiplier = 0.5;
  g_ptr_array_add (loras, lora);
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT, "film_grain.safetensors");
  g_assert_cmpuint (reel_fake_sd_server_count_submits (fixture->server), ==, 1);
}

/* ------------------------------------------------------------------------ */
/* sd-cli                                                                    */

static GStrv
recorded_args (Fixture *fixture)
{
  g_autofree char *text = NULL;
  GStrv            lines;

  g_assert_true (g_file_get_contents (fixture->args_file, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  return lines;
}

/* The value after @flag, or NULL. */
static const char *
arg_value (GStrv args, const char *flag)
{
  for (guint i = 0; args[i] != NULL && args[i + 1] != NULL; i++)
    if (g_str_equal (args[i], flag))
      return args[i + 1];
  return NULL;
}

static gboolean
has_arg (GStrv args, const char *flag)
{
  return g_strv_contains ((const char *const *) args, flag);
}

static void
test_cli_success (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  g_auto (GStrv) args = NULL;

  run = run_job (fixture, request);
  g_assert_no_error (run->error);

  args = recorded_args (fixture);
  g_assert_cmpstr (args[0], ==, fixture->fake_cli);
  g_assert_cmpstr (arg_value (args, "-M"), ==, "vid_gen");
  g_assert_true (g_str_has_suffix (arg_value (args, "--diffusion-model"),
                                   "/diffusion_models/wan2.2_ti2v_5B_fp16.safetensors"));
  g_assert_false (has_arg (args, "--high-noise-diffusion-model"));
  g_assert_true (g_str_has_suffix (arg_value (args, "--vae"), "/vae/wan2.2_vae.safetensors"));
  g_assert_true (g_str_has_suffix (arg_value (args, "--t5xxl"), "umt5-xxl-encoder-Q8_0.gguf"));
  g_assert_cmpstr (arg_value (args, "-p"), ==, PROMPT);
  g_assert_cmpstr (arg_value (args, "-n"), ==, "blurry, text");
  /* --fps always, and 4n+1 frames that cover 2 s at it. */
  g_assert_cmpstr (arg_value (args, "--fps"), ==, "24");
  g_assert_cmpstr (arg_value (args, "--video-frames"), ==, "49");
  g_assert_cmpstr (arg_value (args, "-W"), ==, "320");
  g_assert_cmpstr (arg_value (args, "-H"), ==, "192");
  g_assert_cmpstr (arg_value (args, "-s"), ==, "1234567");
  g_assert_true (has_arg (args, "--vae-tiling"));
  g_assert_false (has_arg (args, "--offload-to-cpu"));
  g_assert_true (g_str_has_suffix (arg_value (args, "-o"), "/clip.avi"));

  assert_take (fixture, run->path, 49, 24);
  assert_progress_ends_with_take (fixture);

  /* Its folder is gone, with whatever sd-cli wrote there. */
  {
    g_autofree char *workdir = g_path_get_dirname (arg_value (args, "-o"));
    g_assert_false (g_file_test (workdir, G_FILE_TEST_EXISTS));
  }
}

/* Wan2.2 A14B: both experts, 16 frames a second, two sampling bars. */
static void
test_cli_two_passes (Fixture *fixture, gconstpointer data)
{
  const char *const environment[] = { "FAKE_SD_CLI_STEP_MS=60", NULL };
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  g_auto (GStrv) args = NULL;
  ReelSdcppCliBackend *backend;

  reel_test_rm_rf (fixture->models);
  g_assert_cmpint (g_mkdir (fixture->models, 0755), ==, 0);
  add_a14b_models (fixture->models);
  backend = cli_backend (fixture, environment);
  reel_sdcpp_cli_backend_set_sampling (backend, 10, 3.5, 3.0);
  reel_sdcpp_cli_backend_set_memory_options (backend, TRUE, FALSE, TRUE);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);

  args = recorded_args (fixture);
  g_assert_true (g_str_has_suffix (arg_value (args, "--diffusion-model"),
                                   "/Wan2.2-T2V-A14B-LowNoise-Q4_K_M.gguf"));
  g_assert_true (g_str_has_suffix (arg_value (args, "--high-noise-diffusion-model"),
                                   "/Wan2.2-T2V-A14B-HighNoise-Q4_K_M.gguf"));
  g_assert_true (g_str_has_suffix (arg_value (args, "--vae"), "/wan_2.1_vae.safetensors"));
  g_assert_cmpstr (arg_value (args, "--fps"), ==, "16");
  g_assert_cmpstr (arg_value (args, "--video-frames"), ==, "33");
  g_assert_cmpstr (arg_value (args, "--steps"), ==, "10");
  g_assert_cmpstr (arg_value (args, "--cfg-scale"), ==, "3.5");
  g_assert_cmpstr (arg_value (args, "--high-noise-cfg-scale"), ==, "3.5");
  g_assert_cmpstr (arg_value (args, "--flow-shift"), ==, "3");
  g_assert_true (has_arg (args, "--offload-to-cpu"));
  g_assert_true (has_arg (args, "--diffusion-fa"));
  g_assert_false (has_arg (args, "--vae-tiling"));

  assert_take (fixture, run->path, 33, 16);
  assert_progress_ends_with_take (fixture);
  /* The second pass took a third of a second: it was shown as such (the
   * reader's own test follows every step). */
  g_assert_true (messages_contain (fixture, "Sampling, pass 2 of 2"));
}

static void
test_cli_abort (Fixture *fixture, gconstpointer data)
{
  const char *const environment[] = { "FAKE_SD_CLI_MODE=abort", NULL };
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;

  cli_backend (fixture, environment);
  run = run_job (fixture, request);
  /* Only this take fails, with what sd-cli said last. */
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT, "crashed");
  g_assert_nonnull (strstr (run->error->message, g_strsignal (SIGABRT)));
  g_assert_nonnull (strstr (run->error->message, "GGML_ASSERT(ptr) failed"));
  g_assert_nonnull (strstr (run->error->message, "sampling using euler method"));
  g_assert_null (run->path);

  /* And the next one runs. */
  g_clear_pointer (&run, run_free);
  cli_backend (fixture, NULL);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
}

static void
test_cli_out_of_memory (Fixture *fixture, gconstpointer data)
{
  const char *const environment[] = { "FAKE_SD_CLI_MODE=oom", NULL };
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;

  cli_backend (fixture, environment);
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT, "ran out of memory");
  g_assert_nonnull (strstr (run->error->message, "cudaMalloc failed: out of memory"));
  g_assert_nonnull (strstr (run->error->message, "generate failed"));
}

static void
test_cli_failure (Fixture *fixture, gconstpointer data)
{
  const char *const environment[] = { "FAKE_SD_CLI_MODE=fail", NULL };
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;

  cli_backend (fixture, environment);
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT,
                        "sd-cli failed: [ERROR] stable-diffusion.cpp:5393 - no decoded images");
  g_assert_false (strstr (run->error->message, "memory") != NULL);
}

static void
test_cli_garbage (Fixture *fixture, gconstpointer data)
{
  const char *const environment[] = { "FAKE_SD_CLI_MODE=garbage", NULL };
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;

  cli_backend (fixture, environment);
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT,
                        "sd-cli wrote a file that is not a video");
}

/* A build that does not log where it saved: found by the naming rule, and
 * read by its bytes, whatever its name. */
static void
test_cli_unlogged_clip (Fixture *fixture, gconstpointer data)
{
  const char *const environment[] = { "FAKE_SD_CLI_MODE=quiet", "FAKE_SD_CLI_CONTENT=avi", NULL };
  g_autoptr (ReelJobRequest) request = make_request (1.0);
  g_autoptr (Run) run = NULL;

  cli_backend (fixture, environment);
  run = run_job (fixture, request);
  g_assert_no_error (run->error);
  assert_take (fixture, run->path, 25, 24);
}

typedef struct
{
  const char *path;
} FileWait;

static gboolean
file_exists (gpointer data)
{
  return g_file_test (((FileWait *) data)->path, G_FILE_TEST_EXISTS);
}

/* Gone, or a zombie that nothing will run again (its new parent may not
 * reap it at once). */
static gboolean
process_is_gone (pid_t pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char      *state;

  if (kill (pid, 0) != 0 && errno == ESRCH)
    return TRUE;
  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return kill (pid, 0) != 0;
  /* "PID (name) S …": the state follows the last ')'. */
  state = strrchr (stat, ')');
  return state != NULL && state[1] == ' ' && state[2] == 'Z';
}

typedef struct
{
  pid_t pids[2];
} Pids;

static gboolean
processes_are_gone (gpointer data)
{
  Pids *pids = data;

  return process_is_gone (pids->pids[0]) && process_is_gone (pids->pids[1]);
}

/* Cancel ends sd-cli and whatever it started: its whole process group. */
static void
test_cli_cancel_ends_group (Fixture *fixture, gconstpointer data)
{
  g_autofree char  *pids_file = g_build_filename (fixture->dir, "pids", NULL);
  g_autofree char  *pids_env = g_strconcat ("FAKE_SD_CLI_PIDS=", pids_file, NULL);
  const char *const environment[] = { "FAKE_SD_CLI_MODE=hang", pids_env, NULL };
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) numbers = NULL;
  FileWait wait = { pids_file };
  Pids     pids;

  cli_backend (fixture, environment);
  run = run_start (fixture, request);
  wait_until (file_exists, &wait, RUN_TIMEOUT_MS, "sd-cli and its worker to start");
  g_assert_true (g_file_get_contents (pids_file, &text, NULL, NULL));
  numbers = g_strsplit (g_strstrip (text), " ", 2);
  pids.pids[0] = (pid_t) g_ascii_strtoll (numbers[0], NULL, 10);
  pids.pids[1] = (pid_t) g_ascii_strtoll (numbers[1], NULL, 10);
  g_assert_cmpint (pids.pids[0], >, 1);
  g_assert_cmpint (pids.pids[1], >, 1);
  g_assert_cmpint (kill (pids.pids[0], 0), ==, 0);
  g_assert_cmpint (kill (pids.pids[1], 0), ==, 0);

  reel_job_context_stop (run->context, TRUE);
  run_finish (run, STOP_TIMEOUT_MS);
  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run->path);
  /* sd-cli itself was reaped before the worker returned. */
  g_assert_true (process_is_gone (pids.pids[0]));
  /* Its worker, orphaned by it, is not left running. */
  wait_until (processes_are_gone, &pids, STOP_TIMEOUT_MS, "sd-cli's process group to end");
}

static void
test_cli_not_ready (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelJobRequest) request = make_request (2.0);
  g_autoptr (Run) run = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *vae = g_build_filename (fixture->models, "vae", "wan2.2_vae.safetensors", NULL);
  ReelSdcppCliBackend *backend;

  g_assert_true (reel_backend_check_ready (fixture->backend, NULL));

  /* No program. */
  backend = reel_sdcpp_cli_backend_new ("/nonexistent/bin/sd-cli");
  reel_sdcpp_cli_backend_set_model_dir (backend, fixture->models);
  g_clear_object (&fixture->backend);
  fixture->backend = REEL_BACKEND (backend);
  g_assert_false (reel_backend_check_ready (fixture->backend, &reason));
  g_assert_nonnull (strstr (reason, "sd-cli was not found"));
  g_assert_nonnull (strstr (reason, "--sd-cli PATH"));
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT, "sd-cli was not found");
  g_clear_pointer (&run, run_free);
  g_clear_pointer (&reason, g_free);

  /* No VAE for the 5B model. */
  cli_backend (fixture, NULL);
  g_assert_cmpint (g_unlink (vae), ==, 0);
  g_assert_false (reel_backend_check_ready (fixture->backend, &reason));
  g_assert_nonnull (strstr (reason, "VAE"));
  g_assert_nonnull (strstr (reason, "wan2.2_vae.safetensors"));
  run = run_job (fixture, request);
  assert_backend_error (run->error, REEL_BACKEND_ERROR_PERMANENT, "wan2.2_vae.safetensors");
}

/* ------------------------------------------------------------------------ */
/* A pool of sd-servers, through the scheduler                               */

#define POOL_SHOTS 8

static const ReelRetryPolicy fast_retries = {
  .max_attempts = 5,
  .base_delay = 0.01,
  .factor = 2.0,
  .max_delay = 0.05,
  .jitter = 0.1,
};

typedef struct
{
  char                   *dir;
  ReelProject            *project;
  ReelScheduler          *scheduler;
  ReelSdcppServerBackend *backend;
  ReelFakeSdServer       *first;
  ReelFakeSdServer       *second;
  gboolean                idle;
} Pool;

static void
pool_idle_cb (ReelScheduler *scheduler, Pool *pool)
{
  pool->idle = TRUE;
}

static void
pool_set_up (Pool *pool, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) script_text = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *urls = NULL;
  g_autoptr (GFile) file = NULL;

  pool->dir = reel_test_make_tmpdir ();
  path = g_build_filename (pool->dir, "Farm.storyreel", NULL);
  file = g_file_new_for_path (path);
  pool->project = reel_project_create (file, "Farm", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < POOL_SHOTS; i++)
    g_string_append_printf (script_text, "Shot %u of the render farm.\n\n", i + 1);
  g_assert_true (reel_project_set_resolution (pool->project, 160, 96, &error));
  g_assert_true (reel_project_set_script (pool->project, script_text->str, &error));
  g_assert_true (reel_project_break_down (pool->project, NULL, &error));
  g_assert_no_error (error);

  pool->first = reel_fake_sd_server_new ();
  pool->second = reel_fake_sd_server_new ();
  urls = g_strdup_printf ("%s,%s", reel_fake_sd_server_get_url (pool->first),
                          reel_fake_sd_server_get_url (pool->second));
  pool->backend = reel_sdcpp_server_backend_new (urls);
  reel_sdcpp_server_backend_set_poll_interval (pool->backend, 5, 20);
  reel_sdcpp_server_backend_set_rest_time (pool->backend, 60000);
  reel_sdcpp_server_backend_set_unreachable_time (pool->backend, 1000);

  pool->scheduler = reel_scheduler_new (pool->project);
  reel_scheduler_add_backend (pool->scheduler, REEL_BACKEND (pool->backend));
  reel_scheduler_set_retry_policy (pool->scheduler, &fast_retries);
  g_signal_connect (pool->scheduler, "idle", G_CALLBACK (pool_idle_cb), pool);
}

static void
pool_tear_down (Pool *pool, gconstpointer data)
{
  reel_scheduler_shutdown (pool->scheduler);
  g_clear_object (&pool->scheduler);
  g_clear_object (&pool->backend);
  g_clear_object (&pool->project);
  g_clear_pointer (&pool->first, reel_fake_sd_server_free);
  g_clear_pointer (&pool->second, reel_fake_sd_server_free);
  reel_test_rm_rf (pool->dir);
  g_free (pool->dir);
}

static gboolean
pool_is_idle (gpointer data)
{
  return ((Pool *) data)->idle;
}

static void
pool_generate_all (Pool *pool)
{
  g_autoptr (GError) error = NULL;

  pool->idle = FALSE;
  g_assert_cmpint (reel_scheduler_generate (pool->scheduler, NULL, 0,
                                            &(ReelGenerateOptions){ .backend = "sd-server" },
                                            &error),
                   >, 0);
  g_assert_no_error (error);
}

/* Every shot has a take, and every job is done. */
static void
assert_pool_done (Pool *pool)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (pool->project, FALSE);
  GListModel *shots = reel_project_get_shots (pool->project);

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      if (job->state != REEL_JOB_DONE)
        g_error ("Job %" G_GINT64_FORMAT " ended %s: %s", job->id,
                 reel_job_state_to_string (job->state), job->error != NULL ? job->error : "");
    }
  g_assert_cmpuint (jobs->len, ==, POOL_SHOTS);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      g_assert_cmpint (reel_shot_get_chosen_take_id (shot), !=, 0);
    }
}

/* Both servers work, neither holds more than one job generating and one
 * queued: the rest wait in Storyreel's own queue. */
static void
test_pool_spread (Pool *pool, gconstpointer data)
{
  ReelServerPool *places = reel_sdcpp_server_backend_get_pool (pool->backend);
  const char     *first_url = reel_fake_sd_server_get_url (pool->first);
  const char     *second_url = reel_fake_sd_server_get_url (pool->second);
  guint           first, second;

  pool_generate_all (pool);
  wait_until (pool_is_idle, pool, RUN_TIMEOUT_MS, "the batch to finish");
  assert_pool_done (pool);

  first = reel_fake_sd_server_count_submits (pool->first);
  second = reel_fake_sd_server_count_submits (pool->second);
  g_test_message ("first server: %u jobs, second: %u", first, second);
  g_assert_cmpuint (first + second, ==, POOL_SHOTS);
  g_assert_cmpuint (first, >=, 2);
  g_assert_cmpuint (second, >=, 2);
  g_assert_cmpuint (reel_server_pool_get_served (places, first_url), ==, first);
  g_assert_cmpuint (reel_server_pool_get_peak (places, first_url), <=, 2);
  g_assert_cmpuint (reel_server_pool_get_peak (places, second_url), <=, 2);
}

static gboolean
second_has_a_job (gpointer data)
{
  return reel_fake_sd_server_count_submits (((Pool *) data)->second) >= 1;
}

/* The second server goes away mid-batch with its jobs: they are made again
 * on the first. */
static void
test_pool_node_goes_away (Pool *pool, gconstpointer data)
{
  g_autofree char *second_url = g_strdup (reel_fake_sd_server_get_url (pool->second));
  ReelServerPool  *places = reel_sdcpp_server_backend_get_pool (pool->backend);
  guint            served_by_second;

  /* Slow enough that jobs wait in the servers' queues. */
  reel_fake_sd_server_set_latency (pool->first, 20, 40);
  reel_fake_sd_server_set_latency (pool->second, 20, 40);
  pool_generate_all (pool);
  wait_until (second_has_a_job, pool, RUN_TIMEOUT_MS, "the second server to get a job");
  served_by_second = reel_fake_sd_server_count_submits (pool->second);
  g_clear_pointer (&pool->second, reel_fake_sd_server_free);

  wait_until (pool_is_idle, pool, RUN_TIMEOUT_MS, "the batch to finish on the first server");
  assert_pool_done (pool);
  g_test_message ("the second server had %u jobs when it went away", served_by_second);
  g_assert_cmpuint (reel_fake_sd_server_count_submits (pool->first), >=,
                    POOL_SHOTS - served_by_second);
  g_assert_true (reel_server_pool_is_resting (places, second_url));
  g_assert_cmpuint (reel_server_pool_get_peak (places, reel_fake_sd_server_get_url (pool->first)),
                    <=, 2);
}

/* ------------------------------------------------------------------------ */
/* The command line                                                          */

static const char script[] = "INT. LIGHTHOUSE - NIGHT\n\n"
                             "The keeper climbs the spiral stairs.\n\n"
                             "The great lamp turns.\n";

static char *
make_project (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "Keeper.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = reel_project_create (file, NULL, &error);
  GListModel *shots;

  g_assert_no_error (error);
  g_assert_true (reel_project_set_resolution (project, 320, 180, &error));
  g_assert_true (reel_project_set_script (project, script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  shots = reel_project_get_shots (project);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      g_assert_true (reel_project_set_shot_duration (project, reel_shot_get_id (shot), 1, &error));
    }
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* storyreel backends, generate --backend sd-cli and --backend sd-server,
 * with one server and with two. */
static void
test_command_line (Fixture *fixture, gconstpointer data)
{
  g_autofree char *binary = reel_test_build_path ("app/storyreel");
  g_autofree char *project = make_project (fixture);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *in_path = g_find_program_in_path ("sd-cli");

  add_ti2v_models (fixture->models);
  fixture->server = reel_fake_sd_server_new ();

  {
    const char *const argv[] = { binary, "backends", NULL };

    g_assert_cmpint (reel_test_spawn (argv, NULL, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "sd-server\tstable-diffusion.cpp server\n"));
    g_assert_nonnull (strstr (out, "  endpoint: http://127.0.0.1:1234\n"));
    g_assert_nonnull (strstr (out, "sd-cli\tstable-diffusion.cpp on this computer\n"));
    g_assert_nonnull (strstr (out, "  model folder: not set\n"));
    g_assert_nonnull (strstr (out, "  Wan model: not found\n"));
    g_assert_nonnull (strstr (out, "  usual names: wan2.2_ti2v_5B_fp16.safetensors"));
    if (in_path == NULL)
      g_assert_nonnull (strstr (out, "  program: sd-cli (not found)\n"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *const argv[]
        = { binary,     "generate",        project,       "--backend",     "sd-cli",
            "--sd-cli", fixture->fake_cli, "--model-dir", fixture->models, NULL };

    if (reel_test_spawn (argv, NULL, &out, &err) != 0)
      g_error ("storyreel generate --backend sd-cli failed:\n%s", err);
    g_assert_nonnull (strstr (err, "2 takes done"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *const argv[] = { binary,
                                 "generate",
                                 project,
                                 "--backend",
                                 "sd-server",
                                 "--endpoint",
                                 reel_fake_sd_server_get_url (fixture->server),
                                 "--shots",
                                 "1",
                                 NULL };

    if (reel_test_spawn (argv, NULL, &out, &err) != 0)
      g_error ("storyreel generate --backend sd-server failed:\n%s", err);
    g_assert_nonnull (strstr (err, "1 takes done"));
    g_assert_cmpuint (reel_fake_sd_server_count_submits (fixture->server), ==, 1);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* Two servers: the shots are spread over both. The first takes its time,
   * so the second job finds it busy. */
  {
    g_autoptr (ReelFakeSdServer) second = reel_fake_sd_server_new ();
    g_autofree char *both = g_strdup_printf ("%s,%s", reel_fake_sd_server_get_url (fixture->server),
                                             reel_fake_sd_server_get_url (second));
    const char *const argv[] = { binary,       "generate", project,   "--backend", "sd-server",
                                 "--endpoint", both,       "--shots", "1,2",       NULL };

    reel_fake_sd_server_set_latency (fixture->server, 0, 300);
    if (reel_test_spawn (argv, NULL, &out, &err) != 0)
      g_error ("storyreel generate --backend sd-server with two servers failed:\n%s", err);
    g_assert_nonnull (strstr (err, "2 takes done"));
    g_assert_cmpuint (reel_fake_sd_server_count_submits (fixture->server), ==, 2);
    g_assert_cmpuint (reel_fake_sd_server_count_submits (second), ==, 1);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* What the engines made is in the plan. */
  {
    const char *const argv[] = { binary, "inspect", project, "--json", NULL };

    g_assert_cmpint (reel_test_spawn (argv, NULL, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "\"sd-cli\""));
    g_assert_nonnull (strstr (out, "\"sd-server\""));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sdcpp/frame-count", test_frame_count);
  g_test_add_func ("/sdcpp/size", test_choose_size);
  g_test_add_func ("/sdcpp/progress/bars", test_progress_bars);
  g_test_add_func ("/sdcpp/progress/errors", test_progress_errors);
#define ADD(path, set_up, test) g_test_add (path, Fixture, NULL, set_up, test, fixture_tear_down)
  ADD ("/sdcpp/cli/video-path", cli_set_up, test_cli_video_path);
  ADD ("/sdcpp/model-files", fixture_set_up, test_model_files);
  ADD ("/sdcpp/clip/convert", fixture_set_up, test_clip_convert);
  ADD ("/sdcpp/server/success", server_set_up, test_server_success);
  ADD ("/sdcpp/server/output-formats", server_set_up, test_server_output_formats);
  ADD ("/sdcpp/server/without-vid-gen", server_set_up, test_server_without_vid_gen);
  ADD ("/sdcpp/server/queue-full", server_set_up, test_server_queue_full);
  ADD ("/sdcpp/server/job-fails", server_set_up, test_server_job_fails);
  ADD ("/sdcpp/server/expiry", server_set_up, test_server_expiry);
  ADD ("/sdcpp/server/cancel-queued", server_set_up, test_server_cancel_queued);
  ADD ("/sdcpp/server/cancel-generating", server_set_up, test_server_cancel_generating);
  ADD ("/sdcpp/server/unreachable", server_set_up, test_server_unreachable);
  ADD ("/sdcpp/server/cancel-during-create", server_set_up, test_server_cancel_during_create);
  ADD ("/sdcpp/server/loras", server_set_up, test_server_loras);
  ADD ("/sdcpp/cli/success", cli_set_up, test_cli_success);
  ADD ("/sdcpp/cli/two-passes", cli_set_up, test_cli_two_passes);
  ADD ("/sdcpp/cli/abort", cli_set_up, test_cli_abort);
  ADD ("/sdcpp/cli/out-of-memory", cli_set_up, test_cli_out_of_memory);
  ADD ("/sdcpp/cli/failure", cli_set_up, test_cli_failure);
  ADD ("/sdcpp/cli/garbage", cli_set_up, test_cli_garbage);
  ADD ("/sdcpp/cli/unlogged-clip", cli_set_up, test_cli_unlogged_clip);
  ADD ("/sdcpp/cli/cancel-ends-group", cli_set_up, test_cli_cancel_ends_group);
  ADD ("/sdcpp/cli/not-ready", cli_set_up, test_cli_not_ready);
  ADD ("/sdcpp/command-line", fixture_set_up, test_command_line);
#undef ADD
  g_test_add ("/sdcpp/server/pool/spread", Pool, NULL, pool_set_up, test_pool_spread,
              pool_tear_down);
  g_test_add ("/sdcpp/server/pool/node-goes-away", Pool, NULL, pool_set_up,
              test_pool_node_goes_away, pool_tear_down);

  return g_test_run ();
}
