/* fake-sd-cli.c: a stand-in for stable-diffusion.cpp's sd-cli, for tests
 *
 * Takes sd-cli's vid_gen flags (an unknown one is refused, as sd-cli
 * refuses it), checks that the model files exist, prints what sd-cli prints
 * (log lines "[INFO ] file.cpp:123  - …", the tensor-loading bar, one
 * sampling bar per pass, "\r" between steps and "\033[K" after each, ERROR
 * lines on stderr) and writes a real clip where sd-cli would
 * (examples/cli/main.cpp and src/core/util.cpp at 97d2990).
 *
 * It misbehaves when told to, through its environment:
 *   FAKE_SD_CLI_MODE     abort: dies of SIGABRT while sampling
 *                        oom: CUDA runs out of memory (stderr), exit 1
 *                        fail: "generate failed", exit 1
 *                        garbage: writes a file that is not a video
 *                        hang: starts a grandchild, then never ends
 *                        quiet: does not log where it saved the clip
 *   FAKE_SD_CLI_CONTENT  writes this container ("avi") whatever the name,
 *                        as a build without WebM or WebP support does
 *   FAKE_SD_CLI_ARGS     a file to write its arguments to, one a line
 *   FAKE_SD_CLI_PIDS     a file to write "PID GRANDCHILD" to (hang)
 *   FAKE_SD_CLI_STEP_MS  time each step takes (default 0)
 *   FAKE_SD_CLI_RUNS     a file to add a line to when it starts
 *                        ("start PID keys=N CUDA_VISIBLE_DEVICES", "-" for
 *                        none; N: how many cloud keys it could read)
 *                        and one when it ends ("end PID"), so that a test
 *                        sees which runs overlapped and on which GPU
 *   FAKE_SD_CLI_HOLD     a file: once started, it waits until this file
 *                        exists (for a minute at most) before it goes on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fake-sd-clip.h"

#define LOADING_TENSORS 40

typedef struct
{
  const char *mode;
  const char *diffusion_model;
  const char *high_noise_model;
  const char *vae;
  const char *tae;
  const char *t5xxl;
  const char *output;
  int         width;
  int         height;
  int         frames;
  int         fps;
  int         steps;
  gint64      seed;
} Args;

static guint step_ms;

static void info (const char *file, int line, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
info (const char *file, int line, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  printf ("[INFO ] %s:%-4d - %s\n", file, line, message);
  fflush (stdout);
}

static void error_line (const char *file, int line, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
error_line (const char *file, int line, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "[ERROR] %s:%-4d - %s\n", file, line, message);
  fflush (stderr);
}

/* print_progress_line() */
static void
progress_line (int step, int steps, const char *speed, char cell, gboolean head)
{
  g_autoptr (GString) bar = g_string_new ("  |");
  int current = steps > 0 ? (int) (step * 1.f * 50 / steps) : 0;

  if (step == 0)
    return;
  for (int i = 0; i < 50; i++)
    {
      if (i > current)
        g_string_append_c (bar, ' ');
      else if (head && i == current && i != 49)
        g_string_append_c (bar, '>');
      else
        g_string_append_c (bar, cell);
    }
  g_string_append_c (bar, '|');
  printf ("\r%s %i/%i - %s\033[K%s", bar->str, step, steps, speed, step == steps ? "\n" : "");
  fflush (stdout);
}

static void
pause_for_step (void)
{
  if (step_ms > 0)
    g_usleep (step_ms * 1000);
}

static void
sampling_bar (int steps)
{
  for (int step = 1; step <= steps; step++)
    {
      pause_for_step ();
      /* Under a second a step: "it/s", as pretty_progress() has it. */
      progress_line (step, steps, step % 2 ? "1.32s/it" : "1.25it/s", '=', TRUE);
    }
}

static G_NORETURN void
die (void)
{
  struct rlimit none = { 0, 0 };

  /* An abort without a core file, as in a container. */
  setrlimit (RLIMIT_CORE, &none);
  signal (SIGABRT, SIG_DFL);
  abort ();
}

static G_NORETURN void
hang (const Args *args)
{
  const char      *pids = g_getenv ("FAKE_SD_CLI_PIDS");
  pid_t            grandchild = fork ();
  g_autofree char *text = NULL;
  g_autofree char *temp = NULL;

  if (grandchild == 0)
    {
      /* A worker it started, in its process group. */
      for (;;)
        pause ();
    }
  if (pids != NULL)
    {
      text = g_strdup_printf ("%d %d\n", (int) getpid (), (int) grandchild);
      temp = g_strconcat (pids, ".part", NULL);
      g_file_set_contents (temp, text, -1, NULL);
      g_rename (temp, pids);
    }
  info ("stable-diffusion.cpp", 4380, "sampling using euler method");
  progress_line (1, args->steps, "12.50s/it", '=', TRUE);
  for (;;)
    pause ();
}

static gboolean
has_extension (const char *path, const char *const *names)
{
  const char *slash = strrchr (path, '/');
  const char *dot = strrchr (slash != NULL ? slash + 1 : path, '.');

  if (dot == NULL || dot == (slash != NULL ? slash + 1 : path))
    return FALSE;
  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (dot, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* save_results() for a video: the base loses a known extension, and
 * anything but .avi, .webm or .webp becomes .avi. */
static char *
video_path (const char *output)
{
  static const char *const known[]
      = { ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".avi", ".webm", NULL };
  static const char *const video[] = { ".avi", ".webm", ".webp", NULL };
  g_autofree char         *base = g_strdup (output);
  const char              *slash = strrchr (output, '/');
  const char              *dot = strrchr (slash != NULL ? slash + 1 : output, '.');
  g_autofree char         *extension = NULL;

  if (has_extension (output, known))
    base[dot - output] = '\0';
  extension = has_extension (output, video) ? g_strdup (dot) : g_strdup (".avi");
  return g_strconcat (base, extension, NULL);
}

static int
save (const Args *args)
{
  g_autofree char *path = video_path (args->output);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) clip = NULL;
  const char *content = g_getenv ("FAKE_SD_CLI_CONTENT");
  const char *format;

  if (g_strcmp0 (args->mode, "garbage") == 0)
    clip = g_bytes_new_static ("<html><body>502 Bad Gateway</body></html>\n", 42);
  else
    {
      format = content != NULL                    ? content
               : g_str_has_suffix (path, ".webm") ? "webm"
               : g_str_has_suffix (path, ".webp") ? "webp"
                                                  : "avi";
      clip = fake_sd_clip_make (format, (guint) args->width, (guint) args->height,
                                (guint) args->frames, (guint) args->fps, &error);
    }
  if (clip == NULL
      || !g_file_set_contents (path, g_bytes_get_data (clip, NULL),
                               (gssize) g_bytes_get_size (clip), &error))
    {
      error_line ("main.cpp", 544, "Failed to save result video to '%s'", path);
      return 1;
    }
  if (g_strcmp0 (args->mode, "quiet") != 0)
    info ("main.cpp", 536, "save result video to '%s'", path);
  return 0;
}

static gboolean
model_exists (const char *path)
{
  if (path == NULL || g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  error_line ("model_loader.cpp", 312, "init model loader from file failed: '%s'", path);
  return FALSE;
}

static int
generate (Args *args)
{
  int high_steps = args->high_noise_model != NULL ? MAX (args->steps * 2 / 5, 1) : 0;
  int low_steps = args->steps - high_steps;

  info ("stable-diffusion.cpp", 720, "loading diffusion model from '%s'", args->diffusion_model);
  if (args->high_noise_model != NULL)
    info ("stable-diffusion.cpp", 727, "loading high noise diffusion model from '%s'",
          args->high_noise_model);
  info ("stable-diffusion.cpp", 762, "loading t5xxl from '%s'", args->t5xxl);
  info ("stable-diffusion.cpp", args->tae != NULL ? 799 : 791, "loading %s from '%s'",
        args->tae != NULL ? "tae" : "vae", args->tae != NULL ? args->tae : args->vae);
  if (!model_exists (args->diffusion_model) || !model_exists (args->high_noise_model)
      || !model_exists (args->t5xxl) || !model_exists (args->tae != NULL ? args->tae : args->vae))
    {
      error_line ("main.cpp", 958, "new_sd_ctx_t failed");
      return 1;
    }
  for (int tensor = 1; tensor <= LOADING_TENSORS; tensor++)
    progress_line (tensor, LOADING_TENSORS, tensor < 10 ? "812.44MB/s" : "4.58GB/s", '#', FALSE);
  info ("model_loader.cpp", 1304,
        "loading tensors completed, taking 1.21s (read: 0.92s, memcpy: 0.00s, convert: 0.11s, "
        "copy_to_backend: 0.18s)");

  if (g_strcmp0 (args->mode, "oom") == 0)
    {
      fprintf (stderr, "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 20895.80 MiB on "
                       "device 0: cudaMalloc failed: out of memory\n");
      error_line ("ggml_extend.hpp", 1834, "wan_vae: failed to allocate the compute buffer");
      error_line ("main.cpp", 1007, "generate failed");
      return 1;
    }

  args->frames = (int) fake_sd_clip_floor_frames ((guint) args->frames);
  info ("stable-diffusion.cpp", 6914, "generate_video %dx%dx%d", args->width, args->height,
        args->frames);
  if (g_strcmp0 (args->mode, "hang") == 0)
    hang (args);
  if (high_steps > 0)
    {
      info ("stable-diffusion.cpp", 4385, "sampling(high noise) using euler method");
      sampling_bar (high_steps);
      info ("stable-diffusion.cpp", 6972, "sampling(high noise) completed, taking 3.21s");
    }
  info ("stable-diffusion.cpp", 4380, "sampling using euler method");
  if (g_strcmp0 (args->mode, "abort") == 0)
    {
      progress_line (1, low_steps, "9.87s/it", '=', TRUE);
      progress_line (2, low_steps, "9.91s/it", '=', TRUE);
      fprintf (stderr, "/src/ggml/src/ggml-cuda/ggml-cuda.cu:2417: GGML_ASSERT(ptr) failed\n");
      fflush (stderr);
      die ();
    }
  sampling_bar (low_steps);
  info ("stable-diffusion.cpp", 7012, "sampling completed, taking 12.84s");
  if (g_strcmp0 (args->mode, "fail") == 0)
    {
      error_line ("stable-diffusion.cpp", 5393, "no decoded images");
      error_line ("main.cpp", 1007, "generate failed");
      return 1;
    }
  info ("stable-diffusion.cpp", 6583, "decode_first_stage completed, taking 4.02s");
  info ("stable-diffusion.cpp", 7215, "generate_video completed in 21.37s");
  return save (args);
}

/* One line, written at once to the end of the runs file: the runs of
 * several fakes at the same time do not mix. */
static void record_run (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
record_run (const char *format, ...)
{
  const char      *file = g_getenv ("FAKE_SD_CLI_RUNS");
  g_autofree char *line = NULL;
  va_list          args;
  int              fd;

  if (file == NULL)
    return;
  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  fd = open (file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  if (write (fd, line, strlen (line)) < 0)
    perror ("fake-sd-cli: runs file");
  close (fd);
}

/* Stands still, as if generating, until the test lets it go. */
static void
wait_for_hold (void)
{
  const char *file = g_getenv ("FAKE_SD_CLI_HOLD");
  gint64      deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (file != NULL && !g_file_test (file, G_FILE_TEST_EXISTS)
         && g_get_monotonic_time () < deadline)
    g_usleep (5000);
}

static void
record_arguments (int argc, char **argv)
{
  const char *file = g_getenv ("FAKE_SD_CLI_ARGS");
  g_autoptr (GString) text = g_string_new (NULL);

  if (file == NULL)
    return;
  for (int i = 0; i < argc; i++)
    g_string_append_printf (text, "%s\n", argv[i]);
  g_file_set_contents (file, text->str, (gssize) text->len, NULL);
}

static gboolean
parse_args (int argc, char **argv, Args *args, const char **mode)
{
  static const char *const switches[]
      = { "--offload-to-cpu", "--vae-tiling", "--diffusion-fa", "--fa", "-v", "--color", NULL };
  static const char *const ignored[] = { "--lora-model-dir",
                                         "-n",
                                         "--negative-prompt",
                                         "--cfg-scale",
                                         "--high-noise-cfg-scale",
                                         "--flow-shift",
                                         "--high-noise-steps",
                                         "--sampling-method",
                                         "--scheduler",
                                         "-i",
                                         "--init-img",
                                         "--end-img",
                                         "--clip_vision",
                                         NULL };

  for (int i = 1; i < argc; i++)
    {
      const char *flag = argv[i];
      const char *value = i + 1 < argc ? argv[i + 1] : NULL;

      if (g_strv_contains (switches, flag))
        continue;
      if (value == NULL)
        {
          error_line ("common.cpp", 1460, "error: missing argument for %s", flag);
          return FALSE;
        }
      i++;
      if (g_str_equal (flag, "-M") || g_str_equal (flag, "--mode"))
        *mode = value;
      else if (g_str_equal (flag, "--diffusion-model"))
        args->diffusion_model = value;
      else if (g_str_equal (flag, "--high-noise-diffusion-model"))
        args->high_noise_model = value;
      else if (g_str_equal (flag, "--vae"))
        args->vae = value;
      else if (g_str_equal (flag, "--tae") || g_str_equal (flag, "--taesd"))
        args->tae = value;
      else if (g_str_equal (flag, "--t5xxl"))
        args->t5xxl = value;
      else if (g_str_equal (flag, "-o") || g_str_equal (flag, "--output"))
        args->output = value;
      else if (g_str_equal (flag, "-W") || g_str_equal (flag, "--width"))
        args->width = atoi (value);
      else if (g_str_equal (flag, "-H") || g_str_equal (flag, "--height"))
        args->height = atoi (value);
      else if (g_str_equal (flag, "--video-frames"))
        args->frames = atoi (value);
      else if (g_str_equal (flag, "--fps"))
        args->fps = atoi (value);
      else if (g_str_equal (flag, "--steps"))
        args->steps = atoi (value);
      else if (g_str_equal (flag, "-s") || g_str_equal (flag, "--seed"))
        args->seed = g_ascii_strtoll (value, NULL, 10);
      else if (g_str_equal (flag, "-p") || g_str_equal (flag, "--prompt")
               || g_strv_contains (ignored, flag))
        ;
      else
        {
          error_line ("common.cpp", 1471, "error: unknown argument: %s", flag);
          return FALSE;
        }
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  Args        args = { .output = "./output.png",
                       .width = 512,
                       .height = 512,
                       .frames = 1,
                       .fps = 16,
                       .steps = 20,
                       .seed = 42 };
  const char *mode = "img_gen";
  const char *step_text = g_getenv ("FAKE_SD_CLI_STEP_MS");
  const char *gpu = g_getenv ("CUDA_VISIBLE_DEVICES");
  int         status;

  args.mode = g_getenv ("FAKE_SD_CLI_MODE");
  step_ms = step_text != NULL ? (guint) atoi (step_text) : 0;
  record_arguments (argc, argv);

  if (!parse_args (argc, argv, &args, &mode))
    return 1;
  if (g_strcmp0 (mode, "vid_gen") != 0)
    {
      error_line ("main.cpp", 870, "the fake only makes videos, not %s", mode);
      return 1;
    }
  if (args.diffusion_model == NULL)
    {
      error_line ("common.cpp", 1602,
                  "the following arguments are required: model_path/diffusion_model");
      return 1;
    }
  record_run ("start %d keys=%d %s\n", (int) getpid (),
              (g_getenv ("DASHSCOPE_API_KEY") != NULL) + (g_getenv ("FAL_KEY") != NULL),
              gpu != NULL ? gpu : "-");
  wait_for_hold ();
  status = generate (&args);
  record_run ("end %d\n", (int) getpid ());
  return status;
}
