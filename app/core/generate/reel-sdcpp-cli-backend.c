/* reel-sdcpp-cli-backend.c
 *
 * sd-cli as examples/cli/main.cpp and examples/common/common.cpp have it at
 * 97d2990 (see also shared/protocols/local-engines.md §1.2–1.3): the flags
 * of "-M vid_gen", progress bars on stdout, ERROR lines on stderr, exit 0 or
 * 1, and a signal for a crash. The child runs in a main context of the
 * worker's own, so its two pipes, its exit and a cancel are all watched at
 * once without blocking the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "reel-api-keys.h"
#include "reel-backend-setup.h"
#include "reel-local-gpu.h"
#include "reel-sdcpp-cli-backend.h"
#include "reel-sdcpp-clip.h"

#define ENGINE_NAME "sd-cli"
/* How long the group has to end after SIGTERM before it gets SIGKILL. */
#define TERMINATE_GRACE_MS 3000
/* After sd-cli exits, how long its pipes may stay open (something it
 * started still holding them) before the rest of its group is killed. */
#define DRAIN_MS 2000
#define READ_CHUNK 4096
/* Lines of sd-cli's log an error message quotes. */
#define QUOTED_LINES 6

struct _ReelSdcppCliBackend
{
  GObject parent_instance;

  char               *program;
  char               *model_dir;
  ReelSdcppModelFiles files; /* as configured */
  GPtrArray          *loras; /* ReelSdcppLora* */
  guint               steps;
  double              cfg_scale;
  double              flow_shift;
  guint               short_side;
  gboolean            offload_to_cpu;
  gboolean            vae_tiling;
  gboolean            flash_attention;
  GStrv               environment;
  ReelGpuSlots       *gpu_slots; /* NULL: sd-cli runs as it is, one job at a time */
};

static void backend_iface_init (ReelBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ReelSdcppCliBackend,
                               reel_sdcpp_cli_backend,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (REEL_TYPE_BACKEND, backend_iface_init))

/* ------------------------------------------------------------------------ */
/* The command                                                               */

char *
reel_sdcpp_cli_backend_find_program (ReelSdcppCliBackend *self)
{
  g_return_val_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self), NULL);

  /* Absolute and relative paths are checked for being executable too. */
  return g_find_program_in_path (self->program);
}

void
reel_sdcpp_cli_backend_resolve_model_files (ReelSdcppCliBackend *self, ReelSdcppModelFiles *files)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  reel_sdcpp_model_files_resolve (&self->files, self->model_dir, files);
}

static void
add_number (GPtrArray *argv, const char *flag, double value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ptr_array_add (argv, g_strdup (flag));
  g_ptr_array_add (argv, g_strdup (g_ascii_dtostr (text, sizeof text, value)));
}

static void
add_integer (GPtrArray *argv, const char *flag, gint64 value)
{
  g_ptr_array_add (argv, g_strdup (flag));
  g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static void
add_option (GPtrArray *argv, const char *flag, const char *value)
{
  g_ptr_array_add (argv, g_strdup (flag));
  g_ptr_array_add (argv, g_strdup (value));
}

/* sd-cli takes LoRAs as tags in the prompt, by name in one folder. */
static gboolean
add_loras (ReelSdcppCliBackend *self, GPtrArray *argv, GString *prompt, GError **error)
{
  g_autofree char *folder = NULL;

  for (guint i = 0; self->loras != NULL && i < self->loras->len; i++)
    {
      const ReelSdcppLora *lora = g_ptr_array_index (self->loras, i);
      g_autofree char     *dir = g_path_get_dirname (lora->path);
      g_autofree char     *name = g_path_get_basename (lora->path);
      char                *dot = strrchr (name, '.');
      char                 weight[G_ASCII_DTOSTR_BUF_SIZE];

      if (folder == NULL)
        folder = g_strdup (dir);
      else if (g_strcmp0 (folder, dir) != 0)
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("sd-cli reads LoRAs from one folder, but they are in %s and %s. Put "
                          "them together."),
                       folder, dir);
          return FALSE;
        }
      if (dot != NULL && dot != name)
        *dot = '\0';
      g_ascii_formatd (weight, sizeof weight, "%g", lora->multiplier);
      g_string_append_printf (prompt, "<lora:%s%s:%s>", lora->high_noise ? "|high_noise|" : "",
                              name, weight);
    }
  if (folder != NULL)
    add_option (argv, "--lora-model-dir", folder);
  return TRUE;
}

GStrv
reel_sdcpp_cli_backend_build_command (ReelSdcppCliBackend  *self,
                                      const ReelJobRequest *request,
                                      const char           *output,
                                      GError              **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_auto (ReelSdcppModelFiles) files = { 0 };
  g_autoptr (GString) prompt = g_string_new (request->prompt);
  g_autofree char *program = NULL;
  g_autofree char *missing = NULL;
  guint            fps, width, height;

  g_return_val_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self), NULL);

  if ((program = reel_sdcpp_cli_backend_find_program (self)) == NULL)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("sd-cli was not found (“%s”): install stable-diffusion.cpp, or choose the "
                      "program in Preferences (or pass --sd-cli PATH)."),
                   self->program);
      return NULL;
    }
  reel_sdcpp_model_files_resolve (&self->files, self->model_dir, &files);
  if ((missing = reel_sdcpp_model_files_describe_missing (&files, self->model_dir)) != NULL)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT, missing);
      return NULL;
    }

  fps = reel_sdcpp_model_fps (files.diffusion_model);
  reel_sdcpp_choose_size (request->width, request->height, self->short_side, &width, &height);

  g_ptr_array_add (argv, g_steal_pointer (&program));
  add_option (argv, "-M", "vid_gen");
  add_option (argv, "--diffusion-model", files.diffusion_model);
  if (files.high_noise_model != NULL)
    add_option (argv, "--high-noise-diffusion-model", files.high_noise_model);
  if (files.tae != NULL)
    add_option (argv, "--tae", files.tae);
  else
    add_option (argv, "--vae", files.vae);
  add_option (argv, "--t5xxl", files.text_encoder);
  if (!add_loras (self, argv, prompt, error))
    return NULL;
  add_option (argv, "-p", prompt->str);
  if (request->negative_prompt != NULL && *request->negative_prompt != '\0')
    add_option (argv, "-n", request->negative_prompt);
  add_integer (argv, "-W", width);
  add_integer (argv, "-H", height);
  add_integer (argv, "--video-frames", reel_sdcpp_frame_count (request->duration, fps));
  /* Always: its help says 24 while the code starts at 16. */
  add_integer (argv, "--fps", fps);
  add_integer (argv, "-s", request->seed);
  if (self->steps > 0)
    add_integer (argv, "--steps", self->steps);
  if (self->cfg_scale > 0)
    {
      add_number (argv, "--cfg-scale", self->cfg_scale);
      if (files.high_noise_model != NULL)
        add_number (argv, "--high-noise-cfg-scale", self->cfg_scale);
    }
  if (self->flow_shift > 0)
    add_number (argv, "--flow-shift", self->flow_shift);
  if (self->offload_to_cpu)
    g_ptr_array_add (argv, g_strdup ("--offload-to-cpu"));
  if (self->vae_tiling)
    g_ptr_array_add (argv, g_strdup ("--vae-tiling"));
  if (self->flash_attention)
    g_ptr_array_add (argv, g_strdup ("--diffusion-fa"));
  if (request->start_image != NULL && reel_sdcpp_model_takes_image (files.diffusion_model))
    add_option (argv, "-i", request->start_image);
  add_option (argv, "-o", output);
  g_ptr_array_add (argv, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&argv), FALSE);
}

/* ------------------------------------------------------------------------ */
/* The child                                                                 */

typedef struct _Child Child;

typedef struct
{
  Child        *child;
  GInputStream *stream;
  gboolean      from_stderr;
  gboolean      eof;
} Pipe;

struct _Child
{
  GMainContext    *main_context;
  ReelJobContext  *job;
  GSubprocess     *process;
  pid_t            group;
  ReelSdcppOutput *output;
  int              gpu; /* the GPU it runs on alone, or -1 */
  Pipe             pipes[2];
  GCancellable    *reads; /* ends reads that a leftover process keeps open */
  guint            pending;
  gboolean         exited;
  GSource         *cancel_source;
  GSource         *kill_source;
  GSource         *drain_source;
};

static void
child_setup (gpointer user_data)
{
  /* Its own process group, so that a cancel ends whatever it started too. */
  setpgid (0, 0);
#ifdef __linux__
  /* And it does not outlive a Storyreel that crashed. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static void
signal_group (Child *child, int signal_number)
{
  if (child->group > 0 && kill (-child->group, signal_number) != 0 && errno != ESRCH)
    g_debug ("Could not signal sd-cli's process group %d: %s", (int) child->group,
             g_strerror (errno));
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static GSource *
add_timeout (Child *child, guint milliseconds, GSourceFunc callback)
{
  GSource *source = g_timeout_source_new (milliseconds);

  g_source_set_callback (source, callback, child, NULL);
  g_source_attach (source, child->main_context);
  return source;
}

static gboolean
kill_group_cb (gpointer user_data)
{
  Child *child = user_data;

  g_debug ("sd-cli did not end after SIGTERM: killing its process group");
  signal_group (child, SIGKILL);
  g_clear_pointer (&child->kill_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
job_stopped_cb (GCancellable *cancellable, gpointer user_data)
{
  Child *child = user_data;

  if (!child->exited)
    {
      signal_group (child, SIGTERM);
      child->kill_source = add_timeout (child, TERMINATE_GRACE_MS, kill_group_cb);
    }
  g_clear_pointer (&child->cancel_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
drained_cb (gpointer user_data)
{
  Child *child = user_data;

  g_debug ("sd-cli's output stayed open after it exited: ending its process group");
  signal_group (child, SIGKILL);
  g_cancellable_cancel (child->reads);
  g_clear_pointer (&child->drain_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
report_progress (Child *child)
{
  g_autofree char *status = reel_sdcpp_output_dup_status (child->output);

  reel_job_context_progress (child->job, reel_sdcpp_output_get_fraction (child->output), status);
}

static void start_read (Pipe *pipe);

static void
read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pipe  *pipe = user_data;
  Child *child = pipe->child;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  gsize size = 0;

  child->pending--;
  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Reading sd-cli's output failed: %s", error->message);
      pipe->eof = TRUE;
      return;
    }

  {
    const char *data = g_bytes_get_data (bytes, &size);

    if (reel_sdcpp_output_feed (child->output, data, size, pipe->from_stderr))
      report_progress (child);
  }
  start_read (pipe);
}

static void
start_read (Pipe *pipe)
{
  pipe->child->pending++;
  g_input_stream_read_bytes_async (pipe->stream, READ_CHUNK, G_PRIORITY_DEFAULT, pipe->child->reads,
                                   read_cb, pipe);
}

static void
wait_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Child *child = user_data;
  g_autoptr (GError) error = NULL;

  child->pending--;
  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    g_debug ("Waiting for sd-cli failed: %s", error->message);
  child->exited = TRUE;
  destroy_source (&child->kill_source);
  /* Nothing of its group outlives it. */
  signal_group (child, SIGKILL);
  if (!child->pipes[0].eof || !child->pipes[1].eof)
    child->drain_source = add_timeout (child, DRAIN_MS, drained_cb);
}

static void
child_clear (Child *child)
{
  destroy_source (&child->cancel_source);
  destroy_source (&child->kill_source);
  destroy_source (&child->drain_source);
  g_clear_object (&child->process);
  g_clear_object (&child->reads);
  g_clear_pointer (&child->output, reel_sdcpp_output_free);
  g_clear_pointer (&child->main_context, g_main_context_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Child, child_clear)

static GSubprocess *
spawn (ReelSdcppCliBackend *self,
       const char *const   *argv,
       const char          *workdir,
       int                  gpu,
       GError             **error)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GError) local_error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_cwd (launcher, workdir);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  /* The cloud services' keys are Storyreel's to send, not a third-party
   * program's to read. */
  for (const char *const *name = reel_backend_list_names (); *name != NULL; name++)
    if (reel_api_key_get_env_var (*name) != NULL)
      g_subprocess_launcher_unsetenv (launcher, reel_api_key_get_env_var (*name));
  for (guint i = 0; self->environment != NULL && self->environment[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (self->environment[i], "=", 2);

      if (pair[0] != NULL && pair[1] != NULL)
        g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  if (gpu >= 0)
    {
      g_autofree char *index = g_strdup_printf ("%d", gpu);

      /* CUDA counts the fastest GPU first unless told otherwise; the lease
       * counts as the driver (NVML) does, in the order of the PCI bus. */
      g_subprocess_launcher_setenv (launcher, "CUDA_DEVICE_ORDER", "PCI_BUS_ID", TRUE);
      g_subprocess_launcher_setenv (launcher, "CUDA_VISIBLE_DEVICES", index, TRUE);
    }

  process = g_subprocess_launcher_spawnv (launcher, argv, &local_error);
  if (process == NULL)
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("sd-cli could not be started: %s"), local_error->message);
  return process;
}

/* Runs sd-cli to its end, reading its output as it comes. FALSE only when it
 * could not start; how it ended is in @child. */
static gboolean
run_child (ReelSdcppCliBackend *self,
           Child               *child,
           const char *const   *argv,
           const char          *workdir,
           GError             **error)
{
  GCancellable *cancellable = reel_job_context_get_cancellable (child->job);
  const char   *identifier;

  g_main_context_push_thread_default (child->main_context);
  child->process = spawn (self, argv, workdir, child->gpu, error);
  if (child->process == NULL)
    {
      g_main_context_pop_thread_default (child->main_context);
      return FALSE;
    }
  /* None when it already ended and was reaped: nothing is left to signal. */
  identifier = g_subprocess_get_identifier (child->process);
  child->group = identifier != NULL ? (pid_t) g_ascii_strtoll (identifier, NULL, 10) : 0;
  g_debug ("Started sd-cli for job %" G_GINT64_FORMAT " as process %d",
           reel_job_context_get_job_id (child->job), (int) child->group);

  child->pipes[0] = (Pipe){ child, g_subprocess_get_stdout_pipe (child->process), FALSE, FALSE };
  child->pipes[1] = (Pipe){ child, g_subprocess_get_stderr_pipe (child->process), TRUE, FALSE };
  start_read (&child->pipes[0]);
  start_read (&child->pipes[1]);
  child->pending++;
  g_subprocess_wait_async (child->process, NULL, wait_cb, child);

  child->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (child->cancel_source, G_SOURCE_FUNC (job_stopped_cb), child, NULL);
  g_source_attach (child->cancel_source, child->main_context);

  while (child->pending > 0)
    g_main_context_iteration (child->main_context, TRUE);

  destroy_source (&child->cancel_source);
  destroy_source (&child->kill_source);
  destroy_source (&child->drain_source);
  g_main_context_pop_thread_default (child->main_context);
  reel_sdcpp_output_finish (child->output);
  return TRUE;
}

/* How sd-cli ended, for the take's error: the cause when it said one, and
 * its last lines. */
static GError *
failure_error (Child *child)
{
  GSubprocess     *process = child->process;
  gboolean         out_of_memory = reel_sdcpp_output_saw_out_of_memory (child->output);
  const char      *error_line = reel_sdcpp_output_get_error (child->output);
  g_autofree char *lines = reel_sdcpp_output_dup_last_lines (child->output, QUOTED_LINES);
  g_autofree char *summary = NULL;

  if (g_subprocess_get_if_signaled (process))
    {
      int signal_number = g_subprocess_get_term_sig (process);

      if (out_of_memory)
        summary = g_strdup_printf (_ ("sd-cli ran out of memory and stopped (%s). Make clips "
                                      "smaller or shorter, or turn on CPU offloading and VAE "
                                      "tiling in Preferences."),
                                   g_strsignal (signal_number));
      else if (signal_number == SIGKILL)
        summary = g_strdup (_ ("sd-cli was killed, perhaps by the system because memory ran out."));
      else
        /* Translators: "sd-cli crashed (Aborted)." */
        summary = g_strdup_printf (_ ("sd-cli crashed (%s)."), g_strsignal (signal_number));
    }
  else if (out_of_memory)
    summary = g_strdup (_ ("sd-cli ran out of memory. Make clips smaller or shorter, or turn on "
                           "CPU offloading and VAE tiling in Preferences."));
  else if (error_line != NULL)
    summary = g_strdup_printf (_ ("sd-cli failed: %s"), error_line);
  else
    summary = g_strdup_printf (_ ("sd-cli failed with exit status %d."),
                               g_subprocess_get_exit_status (process));

  if (lines == NULL)
    return g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT, summary);
  /* Translators: a summary, then the last lines sd-cli printed */
  return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                      _ ("%s\nIts last lines:\n%s"), summary, lines);
}

/* ------------------------------------------------------------------------ */
/* Running a job                                                             */

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A folder of the job's own in the media store's temporary area, for sd-cli
 * to write its clip (and whatever else) into. */
static char *
make_workdir (ReelJobContext *context, GError **error)
{
  g_autofree char *path = reel_job_context_new_temp_path (context, "sdcpp", error);

  if (path == NULL)
    return NULL;
  /* The reserved name becomes a folder. */
  g_unlink (path);
  if (g_mkdir (path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("A folder for sd-cli could not be made: %s"), g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&path);
}

static gboolean
is_clip (const char *path)
{
  GStatBuf st;

  return path != NULL && g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0;
}

/* The file it wrote: the one its log names, else the one its naming rule
 * gives for what was asked. */
static char *
find_clip (Child *child, const char *workdir, const char *requested, GError **error)
{
  const char      *saved = reel_sdcpp_output_get_saved_path (child->output);
  g_autofree char *logged = NULL;
  g_autofree char *by_rule = reel_sdcpp_cli_video_path (requested);

  if (saved != NULL)
    logged
        = g_path_is_absolute (saved) ? g_strdup (saved) : g_build_filename (workdir, saved, NULL);
  if (is_clip (logged))
    return g_steal_pointer (&logged);
  if (is_clip (by_rule))
    return g_steal_pointer (&by_rule);

  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("sd-cli finished but wrote no clip (looked for %s)."), by_rule);
  return NULL;
}

static gboolean
stopped (ReelJobContext *context, GError **error)
{
  return g_cancellable_set_error_if_cancelled (reel_job_context_get_cancellable (context), error);
}

/* The GPU this job may run on alone, taken for it; NULL in @lease (and
 * TRUE) when sd-cli runs without one: set up with no slots, or on a
 * computer without an NVIDIA GPU, which the job's message then says. */
static gboolean
take_gpu (ReelSdcppCliBackend *self, ReelJobContext *context, ReelGpuLease **lease, GError **error)
{
  const char      *warning = reel_sdcpp_cli_backend_get_gpu_warning (self);
  g_autofree char *holder = NULL;

  *lease = NULL;
  if (self->gpu_slots == NULL)
    return TRUE;
  if (warning != NULL)
    {
      reel_job_context_progress (context, 0, warning);
      return TRUE;
    }
  /* Translators: who has a GPU, for "Waiting for the GPU (used by sd-cli job 12)" */
  holder
      = g_strdup_printf (_ ("sd-cli job %lld"), (long long) reel_job_context_get_job_id (context));
  *lease = reel_local_gpu_acquire_any (self->gpu_slots, context, holder, error);
  return *lease != NULL;
}

static gboolean
generate (ReelSdcppCliBackend *self, ReelJobContext *context, const char *workdir, GError **error)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  g_autofree char      *requested = g_build_filename (workdir, "clip.avi", NULL);
  g_auto (GStrv) argv = NULL;
  g_auto (ReelSdcppModelFiles) files = { 0 };
  g_auto (Child) child = { 0 };
  g_autoptr (ReelGpuLease) gpu = NULL;
  g_autofree char  *clip = NULL;
  g_autofree char  *path = NULL;
  ReelServiceReport report = { .seed = request->seed, .billed_seconds = -1, .cost = -1 };

  if ((argv = reel_sdcpp_cli_backend_build_command (self, request, requested, error)) == NULL)
    return FALSE;
  reel_sdcpp_model_files_resolve (&self->files, self->model_dir, &files);
  if (!take_gpu (self, context, &gpu, error))
    return FALSE;

  child.main_context = g_main_context_new ();
  child.job = context;
  child.reads = g_cancellable_new ();
  child.output = reel_sdcpp_output_new (files.high_noise_model != NULL ? 2 : 1);
  child.gpu = gpu != NULL ? (int) reel_gpu_lease_get_index (gpu) : -1;
  report_progress (&child);
  if (!run_child (self, &child, (const char *const *) argv, workdir, error))
    return FALSE;
  /* sd-cli has ended: the next job may have the GPU while this clip is
   * converted. */
  g_clear_pointer (&gpu, reel_gpu_lease_release);

  /* Stopped: however it ended, this take is not made. */
  if (stopped (context, error))
    return FALSE;
  if (!g_subprocess_get_if_exited (child.process)
      || g_subprocess_get_exit_status (child.process) != 0)
    {
      g_propagate_error (error, failure_error (&child));
      return FALSE;
    }
  if ((clip = find_clip (&child, workdir, requested, error)) == NULL)
    return FALSE;

  reel_job_context_progress (context, 0.97, _ ("Converting the clip"));
  if ((path = reel_job_context_new_temp_path (context, "mp4", error)) == NULL)
    return FALSE;
  if (!reel_sdcpp_clip_convert (clip, path, reel_sdcpp_model_fps (files.diffusion_model),
                                ENGINE_NAME, reel_job_context_get_cancellable (context), error))
    return FALSE;

  reel_job_context_set_result_path (context, path);
  reel_job_context_report_service (context, &report);
  reel_job_context_progress (context, 1.0, NULL);
  return TRUE;
}

static gboolean
wait_for_clip (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelSdcppCliBackend *self = REEL_SDCPP_CLI_BACKEND (backend);
  g_autofree char     *workdir = make_workdir (context, error);
  gboolean             ok;

  if (workdir == NULL)
    return FALSE;
  ok = generate (self, context, workdir, error);
  remove_tree (workdir);
  return ok;
}

static char *
fetch_clip (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  return g_strdup (reel_job_context_get_result_path (context));
}

/* ------------------------------------------------------------------------ */
/* The rest of the interface                                                 */

static gboolean
check_ready (ReelBackend *backend, char **reason)
{
  ReelSdcppCliBackend *self = REEL_SDCPP_CLI_BACKEND (backend);
  g_autofree char     *program = reel_sdcpp_cli_backend_find_program (self);
  g_auto (ReelSdcppModelFiles) files = { 0 };
  g_autofree char *missing = NULL;

  if (program == NULL)
    {
      if (reason != NULL)
        *reason = g_strdup_printf (_ ("sd-cli was not found (“%s”): install "
                                      "stable-diffusion.cpp, or choose the program in "
                                      "Preferences (or pass --sd-cli PATH)"),
                                   self->program);
      return FALSE;
    }
  reel_sdcpp_model_files_resolve (&self->files, self->model_dir, &files);
  if ((missing = reel_sdcpp_model_files_describe_missing (&files, self->model_dir)) != NULL)
    {
      if (reason != NULL)
        *reason = g_steal_pointer (&missing);
      return FALSE;
    }
  return TRUE;
}

static const char *
get_name (ReelBackend *backend)
{
  return "sd-cli";
}

static const char *
get_display_name (ReelBackend *backend)
{
  return _ ("stable-diffusion.cpp on this computer");
}

static void
get_capabilities (ReelBackend *backend, ReelBackendCapabilities *caps)
{
  ReelSdcppCliBackend *self = REEL_SDCPP_CLI_BACKEND (backend);

  /* A board image is used by the models that take one, and left out by
   * the others. */
  caps->features
      = REEL_BACKEND_TEXT_TO_VIDEO | REEL_BACKEND_IMAGE_TO_VIDEO | REEL_BACKEND_NEEDS_GPU;
  caps->max_width = 7680;
  caps->max_height = 4320;
  caps->min_duration = 0.1;
  caps->max_duration = 10;
  caps->min_fps = 1;
  caps->max_fps = 120;
  /* One model fills a GPU: one job per GPU, and one at a time without. */
  caps->max_parallel_jobs
      = self->gpu_slots != NULL ? MAX (reel_gpu_slots_get_n_gpus (self->gpu_slots), 1) : 1;
  caps->currency = NULL;
}

static void
backend_iface_init (ReelBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->get_display_name = get_display_name;
  iface->get_capabilities = get_capabilities;
  iface->wait = wait_for_clip;
  iface->fetch = fetch_clip;
  iface->check_ready = check_ready;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
reel_sdcpp_cli_backend_finalize (GObject *object)
{
  ReelSdcppCliBackend *self = REEL_SDCPP_CLI_BACKEND (object);

  g_free (self->program);
  g_free (self->model_dir);
  reel_sdcpp_model_files_clear (&self->files);
  g_clear_pointer (&self->loras, g_ptr_array_unref);
  g_strfreev (self->environment);
  g_clear_object (&self->gpu_slots);

  G_OBJECT_CLASS (reel_sdcpp_cli_backend_parent_class)->finalize (object);
}

static void
reel_sdcpp_cli_backend_class_init (ReelSdcppCliBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_sdcpp_cli_backend_finalize;
}

static void
reel_sdcpp_cli_backend_init (ReelSdcppCliBackend *self)
{
  self->short_side = 480;
  self->vae_tiling = TRUE;
}

ReelSdcppCliBackend *
reel_sdcpp_cli_backend_new (const char *program)
{
  ReelSdcppCliBackend *self = g_object_new (REEL_TYPE_SDCPP_CLI_BACKEND, NULL);

  self->program
      = g_strdup (program != NULL && *program != '\0' ? program : REEL_SDCPP_CLI_DEFAULT_PROGRAM);
  return self;
}

const char *
reel_sdcpp_cli_backend_get_program (ReelSdcppCliBackend *self)
{
  g_return_val_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self), NULL);
  return self->program;
}

void
reel_sdcpp_cli_backend_set_model_dir (ReelSdcppCliBackend *self, const char *dir)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  g_free (self->model_dir);
  self->model_dir = dir != NULL && *dir != '\0' ? g_strdup (dir) : NULL;
}

const char *
reel_sdcpp_cli_backend_get_model_dir (ReelSdcppCliBackend *self)
{
  g_return_val_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self), NULL);
  return self->model_dir;
}

static char *
non_empty (const char *value)
{
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

void
reel_sdcpp_cli_backend_set_model_files (ReelSdcppCliBackend *self, const ReelSdcppModelFiles *files)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  reel_sdcpp_model_files_clear (&self->files);
  if (files == NULL)
    return;
  self->files.diffusion_model = non_empty (files->diffusion_model);
  self->files.high_noise_model = non_empty (files->high_noise_model);
  self->files.vae = non_empty (files->vae);
  self->files.tae = non_empty (files->tae);
  self->files.text_encoder = non_empty (files->text_encoder);
}

void
reel_sdcpp_cli_backend_set_loras (ReelSdcppCliBackend *self, GPtrArray *loras)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  g_clear_pointer (&self->loras, g_ptr_array_unref);
  if (loras != NULL)
    self->loras = g_ptr_array_ref (loras);
}

void
reel_sdcpp_cli_backend_set_sampling (ReelSdcppCliBackend *self,
                                     guint                steps,
                                     double               cfg_scale,
                                     double               flow_shift)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  self->steps = steps;
  self->cfg_scale = cfg_scale;
  self->flow_shift = flow_shift;
}

void
reel_sdcpp_cli_backend_set_short_side (ReelSdcppCliBackend *self, guint short_side)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  self->short_side = short_side > 0 ? short_side : 480;
}

void
reel_sdcpp_cli_backend_set_memory_options (ReelSdcppCliBackend *self,
                                           gboolean             offload_to_cpu,
                                           gboolean             vae_tiling,
                                           gboolean             flash_attention)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  self->offload_to_cpu = offload_to_cpu;
  self->vae_tiling = vae_tiling;
  self->flash_attention = flash_attention;
}

void
reel_sdcpp_cli_backend_set_environment (ReelSdcppCliBackend *self, const char *const *environment)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  g_strfreev (self->environment);
  self->environment = g_strdupv ((char **) environment);
}

void
reel_sdcpp_cli_backend_set_gpu_slots (ReelSdcppCliBackend *self, ReelGpuSlots *slots)
{
  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self));
  g_return_if_fail (slots == NULL || REEL_IS_GPU_SLOTS (slots));
  g_set_object (&self->gpu_slots, slots);
}

const char *
reel_sdcpp_cli_backend_get_gpu_warning (ReelSdcppCliBackend *self)
{
  g_return_val_if_fail (REEL_IS_SDCPP_CLI_BACKEND (self), NULL);

  if (self->gpu_slots == NULL || reel_gpu_slots_get_n_gpus (self->gpu_slots) > 0)
    return NULL;
  return _ ("No NVIDIA GPU found: sd-cli runs on the CPU or on the GPU backend it was built for, "
            "which may be very slow");
}
