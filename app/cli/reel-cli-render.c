/* reel-cli-render.c: storyreel render, the main job headless
 *
 * Script → project → missing takes → film, in one go. The project is kept
 * beside the script (NAME.storyreel), so running again reuses every take.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cli"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reel-cli-private.h"
#include "reel-cut.h"
#include "reel-exporter.h"
#include "reel-scheduler.h"

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  gboolean   interrupted;
  guint      failed;
  GString   *failures;
  gboolean   tty;
  int        last_decile;
} RenderRun;

static void
job_changed_cb (ReelScheduler *scheduler, gint64 job_id, guint state, RenderRun *run)
{
  ReelProject *project = reel_scheduler_get_project (scheduler);
  g_autoptr (ReelJobRecord) job = NULL;
  ReelShot *shot;

  if (state != REEL_JOB_FAILED && state != REEL_JOB_CANCELLED && state != REEL_JOB_DONE)
    return;

  job = reel_project_get_job (project, job_id);
  shot = job != NULL ? reel_project_lookup_shot (project, job->shot_id) : NULL;
  if (state == REEL_JOB_DONE)
    {
      fprintf (stderr, _ ("shot %s: %s\n"), shot != NULL ? reel_shot_get_number (shot) : "?",
               reel_job_state_get_label (state));
      return;
    }

  run->failed++;
  g_string_append_printf (run->failures, "%s%s: %s", run->failures->len > 0 ? "; " : "",
                          shot != NULL ? reel_shot_get_number (shot) : "?",
                          job != NULL && job->error != NULL ? job->error : _ ("cancelled"));
}

static void
scheduler_idle_cb (ReelScheduler *scheduler, RenderRun *run)
{
  g_main_loop_quit (run->loop);
}

static void
export_progress_cb (ReelExporter *exporter, GParamSpec *pspec, RenderRun *run)
{
  double progress = reel_exporter_get_progress (exporter);
  double eta = reel_exporter_get_eta (exporter);
  int    decile = (int) (progress * 10);

  if (run->tty)
    {
      fprintf (stderr, "\r\033[K%s %3.0f%%", reel_exporter_get_stage (exporter), progress * 100);
      if (eta >= 0)
        fprintf (stderr, _ (", %.0f s left"), eta);
      fflush (stderr);
    }
  else if (decile != run->last_decile)
    {
      run->last_decile = decile;
      fprintf (stderr, _ ("export: %3.0f%%\n"), progress * 100);
    }
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RenderRun *run = user_data;

  reel_exporter_run_finish (REEL_EXPORTER (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  RenderRun *run = user_data;

  /* Unfinished jobs stay in the project; the next run resumes them. */
  run->interrupted = TRUE;
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
cancel_export_cb (gpointer user_data)
{
  /* The exporter stops and removes its partial file. */
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

/* Where the project made of @script_path is kept: beside the script, as the
 * window keeps it when it opens a script, so every film made of the script
 * finds the same takes, and the film's folder holds films only. A script in
 * a folder that cannot be written (an example installed with the app) has
 * it kept in the user's cache instead. */
char *
reel_cli_render_project_path (const char *script_path)
{
  g_autofree char *beside_script = reel_cli_project_path_for_script (script_path);
  g_autofree char *name = g_path_get_basename (beside_script);
  g_autofree char *script_folder = g_path_get_dirname (script_path);
  g_autofree char *absolute = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *cached_name = NULL;
  char            *dot;

  if (g_file_test (beside_script, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&beside_script);
  if (g_access (script_folder, W_OK) == 0)
    return g_steal_pointer (&beside_script);

  /* One project per script, however many scripts share a name. */
  absolute = g_canonicalize_filename (script_path, NULL);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, absolute, -1);
  digest[12] = '\0';
  if ((dot = strrchr (name, '.')) != NULL)
    *dot = '\0';
  cached_name = g_strdup_printf ("%s-%s.storyreel", name, digest);
  return g_build_filename (g_get_user_cache_dir (), "storyreel", "render", cached_name, NULL);
}

/* Makes the film's folder if it is missing, and checks that the film can
 * be written there before any take is made for it. */
static int
check_film_folder (const char *film_path)
{
  g_autofree char *folder = g_path_get_dirname (film_path);

  if (g_mkdir_with_parents (folder, 0755) != 0 || g_access (folder, W_OK) != 0)
    {
      int saved_errno = errno;

      return reel_cli_fail (_ ("The film cannot be written to “%s”: %s. Choose another folder."),
                            folder, g_strerror (saved_errno));
    }
  return REEL_CLI_EXIT_OK;
}

typedef ReelCliRenderArgs RenderArgs;

static void
render_args_clear (RenderArgs *args)
{
  g_clear_pointer (&args->output, g_free);
  g_clear_pointer (&args->backend, g_free);
  g_clear_pointer (&args->endpoint, g_free);
  g_clear_pointer (&args->model, g_free);
  g_clear_pointer (&args->workflow, g_free);
  g_clear_pointer (&args->captions, g_free);
  g_clear_pointer (&args->sd_cli, g_free);
  g_clear_pointer (&args->model_dir, g_free);
  g_clear_pointer (&args->music, g_free);
  g_clear_pointer (&args->vars, g_free);
  g_clear_pointer (&args->name_column, g_free);
  g_clear_pointer (&args->format, g_free);
  g_clear_pointer (&args->quality, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RenderArgs, render_args_clear)

/* Reads the options and checks that one script and a film are named;
 * returns REEL_CLI_EXIT_OK or the status to exit with. */
static int
parse_args (int *argc, char ***argv, RenderArgs *args)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("render"));
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args->output, N_ ("The film to write"),
      N_ ("FILM") },
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &args->backend,
      N_ ("animatic, dashscope, fal, comfyui, sd-server or sd-cli (default: the one chosen "
          "in Preferences)"),
      N_ ("NAME") },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &args->endpoint,
      N_ ("The service’s address: http://HOST:PORT/api/v1 for dashscope, "
          "http://HOST:8188[,…] for comfyui’s servers, http://127.0.0.1:1234[,…] for "
          "sd-server’s"),
      N_ ("URL") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &args->model, N_ ("The model"), N_ ("ID") },
    { "workflow", 0, 0, G_OPTION_ARG_STRING, &args->workflow,
      N_ ("The ComfyUI workflow: a shipped one, or an API-format file (implies --backend "
          "comfyui)"),
      N_ ("NAME|FILE") },
    { "sd-cli", 0, 0, G_OPTION_ARG_FILENAME, &args->sd_cli,
      N_ ("The stable-diffusion.cpp program for sd-cli (default: the one in Preferences)"),
      N_ ("PATH") },
    { "model-dir", 0, 0, G_OPTION_ARG_FILENAME, &args->model_dir,
      N_ ("Where sd-cli finds its Wan model files by their usual names"), N_ ("DIR") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &args->yes,
      N_ ("Do not ask before spending money on a paid backend"), NULL },
    { "captions", 0, 0, G_OPTION_ARG_STRING, &args->captions,
      N_ ("burn (into the picture), soft (a subtitle track) or off (default: the window’s "
          "choice)"),
      N_ ("MODE") },
    { "music", 0, 0, G_OPTION_ARG_FILENAME, &args->music, N_ ("An audio file to mix in"),
      N_ ("FILE") },
    reel_cli_quality_option (&args->quality),
    { "vars", 0, 0, G_OPTION_ARG_FILENAME, &args->vars,
      N_ ("A CSV table whose rows fill the script’s {column} placeholders: one film per row, "
          "written into the folder -o names"),
      N_ ("FILE.csv") },
    { "name-column", 0, 0, G_OPTION_ARG_STRING, &args->name_column,
      N_ ("With --vars: the column films are named by (default: “name”, else the row number)"),
      N_ ("COLUMN") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &args->format,
      N_ ("With --vars: mp4 or webm (default: mp4)"), N_ ("FORMAT") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!reel_cli_parse (context, "render", argc, argv))
    return REEL_CLI_EXIT_USAGE;
  if (*argc != 3)
    return reel_cli_usage_error ("render", _ ("Expected exactly one SCRIPT file."));
  if (args->output == NULL && args->vars != NULL)
    return reel_cli_usage_error ("render", _ ("Name the folder for the films with -o FOLDER/."));
  if (args->output == NULL)
    return reel_cli_usage_error ("render", _ ("Name the film to write with -o FILM.mp4."));
  if (args->vars == NULL && (args->name_column != NULL || args->format != NULL))
    return reel_cli_usage_error ("render", _ ("--name-column and --format go with --vars."));
  return reel_cli_take_workflow ("render", &args->backend, &args->model, &args->workflow);
}

/* Turns the command line's choices into @options; returns REEL_CLI_EXIT_OK,
 * or the status of the usage error it reported. */
static int
fill_options (const RenderArgs *args, ReelExportOptions *options)
{
  if (args->vars != NULL)
    {
      options->format = REEL_EXPORT_FORMAT_MP4;
      if (args->format != NULL
          && (!reel_export_format_from_string (args->format, &options->format)
              || !reel_export_format_is_film (options->format)))
        return reel_cli_usage_error ("render", _ ("--format takes mp4 or webm."));
    }
  else if (!reel_export_format_guess (args->output, &options->format)
           || !reel_export_format_is_film (options->format))
    return reel_cli_usage_error ("render", _ ("The film must end in .mp4 or .webm."));
  options->captions = reel_cli_default_caption_mode ();
  if (args->captions != NULL && !reel_caption_mode_from_string (args->captions, &options->captions))
    return reel_cli_usage_error ("render", _ ("--captions takes burn, soft or off."));
  if (!reel_cli_take_quality ("render", args->quality, options))
    return REEL_CLI_EXIT_USAGE;
  options->extra_music = g_strdup (args->music);
  return REEL_CLI_EXIT_OK;
}

/* 1. The plan: the script broken down into shots, in the project kept
 * beside the script. Returns the project, or NULL with *@status set. */
static ReelProject *
plan (const char *script_path, int *status)
{
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char    *script = NULL;
  g_autofree char    *project_path = NULL;
  ReelBreakdownReport report = { 0 };

  script = reel_cli_read_script (script_path, &error);
  if (script == NULL)
    {
      *status = reel_cli_fail ("%s", error->message);
      return NULL;
    }

  project_path = reel_cli_render_project_path (script_path);
  file = g_file_new_for_path (project_path);
  project = reel_project_open_or_create (file, &error);
  if (project == NULL || !reel_project_set_script (project, script, &error)
      || !reel_project_break_down (project, &report, &error))
    {
      *status = reel_cli_fail ("%s", error->message);
      return NULL;
    }
  fprintf (stderr, _ ("%s: %u scenes, %u shots\n"), project_path, report.scenes, report.shots);
  return g_steal_pointer (&project);
}

/* 2. The missing takes, resuming whatever an earlier run left unfinished,
 * on the backend asked for (the window's default otherwise), once what it
 * costs has been agreed to. */
static int
generate_missing_takes (ReelProject *project, RenderArgs *args, RenderRun *run)
{
  g_autoptr (ReelScheduler) scheduler = NULL;
  g_autoptr (GError) error = NULL;
  ReelBackendOverrides overrides;
  ReelGenerateOptions  generate;
  guint                sigint, sigterm;

  if (args->backend == NULL)
    {
      g_autoptr (GSettings) settings = reel_cli_dup_settings ();
      args->backend = reel_cli_default_backend (settings);
    }
  overrides = (ReelBackendOverrides){ .endpoint = args->endpoint,
                                      .model = args->model,
                                      .sd_cli = args->sd_cli,
                                      .model_dir = args->model_dir };
  scheduler = reel_cli_new_scheduler_with_overrides (project, args->backend, &overrides, 0, &error);
  if (scheduler == NULL)
    return reel_cli_fail ("%s", error->message);

  sigint = g_unix_signal_add (SIGINT, interrupt_cb, run);
  sigterm = g_unix_signal_add (SIGTERM, interrupt_cb, run);
  g_signal_connect (scheduler, "job-changed", G_CALLBACK (job_changed_cb), run);
  g_signal_connect (scheduler, "idle", G_CALLBACK (scheduler_idle_cb), run);
  reel_scheduler_resume_unfinished_jobs (scheduler, NULL);
  generate = (ReelGenerateOptions){ .backend = args->backend, .model = args->model };
  if (reel_cli_confirm_cost (scheduler, NULL, 0, &generate, args->yes, &error))
    reel_scheduler_generate (scheduler, NULL, 0, &generate, &error);
  if (error == NULL && reel_scheduler_get_n_unfinished (scheduler) > 0)
    {
      fprintf (stderr, _ ("Generating %u takes\n"), reel_scheduler_get_n_unfinished (scheduler));
      g_main_loop_run (run->loop);
    }
  reel_scheduler_shutdown (scheduler);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  /* The scheduler may outlive @run, whose caller frees it. */
  g_signal_handlers_disconnect_by_data (scheduler, run);

  if (error != NULL)
    return reel_cli_fail ("%s", error->message);
  if (run->interrupted)
    return reel_cli_fail (_ ("Interrupted. Run the same command to resume."));
  if (run->failed > 0)
    return reel_cli_fail (_ ("%u shots could not be generated, so the film was not made: %s"),
                          run->failed, run->failures->str);
  return REEL_CLI_EXIT_OK;
}

/* 3. The film. */
static int
export_film (ReelProject             *project,
             const ReelExportOptions *options,
             const char              *output,
             RenderRun               *run)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (ReelExporter) exporter = NULL;
  g_autoptr (GError) error = NULL;
  ReelCut *cut = reel_cut_new_from_project (project, &error);
  gulong   progress_handler;
  guint    sigint, sigterm;

  if (cut == NULL)
    return reel_cli_fail ("%s", error->message);
  exporter = reel_exporter_new (cut, options, output);
  progress_handler
      = g_signal_connect (exporter, "notify::progress", G_CALLBACK (export_progress_cb), run);

  sigint = g_unix_signal_add (SIGINT, cancel_export_cb, cancellable);
  sigterm = g_unix_signal_add (SIGTERM, cancel_export_cb, cancellable);
  reel_exporter_run_async (exporter, cancellable, export_done_cb, run);
  g_main_loop_run (run->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_signal_handler_disconnect (exporter, progress_handler);

  if (run->tty)
    fprintf (stderr, "\n");
  if (run->error != NULL)
    {
      g_autoptr (GError) export_error = g_steal_pointer (&run->error);

      return reel_cli_fail ("%s", export_error->message);
    }
  fprintf (stderr, _ ("Wrote %s\n"), output);
  return REEL_CLI_EXIT_OK;
}

int
reel_cli_render (int argc, char **argv)
{
  g_auto (RenderArgs) args = { 0 };
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GString) failures = g_string_new (NULL);
  ReelExportOptions options;
  RenderRun         run = { 0 };
  int               status;

  status = parse_args (&argc, &argv, &args);
  if (status != REEL_CLI_EXIT_OK)
    return status;

  reel_export_options_init (&options);
  status = fill_options (&args, &options);
  /* What would stop the film is found before any take is made for it. */
  if (status == REEL_CLI_EXIT_OK && args.vars != NULL)
    {
      g_autofree char *inside = g_build_filename (args.output, "film", NULL);

      status = check_film_folder (inside);
    }
  else if (status == REEL_CLI_EXIT_OK)
    status = check_film_folder (args.output);
  if (status == REEL_CLI_EXIT_OK && args.music != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!reel_cli_check_music (args.music, &error))
        status = reel_cli_fail ("%s", error->message);
    }
  if (status == REEL_CLI_EXIT_OK && args.vars != NULL)
    status = reel_cli_render_personal (argv[2], &args, &options);
  else if (status == REEL_CLI_EXIT_OK)
    project = plan (argv[2], &status);
  if (project != NULL)
    {
      run.loop = loop;
      run.tty = isatty (STDERR_FILENO);
      run.failures = failures;
      run.last_decile = -1;
      status = generate_missing_takes (project, &args, &run);
      if (status == REEL_CLI_EXIT_OK)
        status = export_film (project, &options, args.output, &run);
    }
  reel_export_options_clear (&options);
  return status;
}
