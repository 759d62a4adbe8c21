/* reel-cli-render.c: storyreel render, the main job headless
 *
 * Script → project → missing takes → film, in one go. The project is kept
 * beside the film (NAME.storyreel), so running again reuses every take.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
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

static char *
project_path_for (const char *script_path, const char *film_path)
{
  g_autofree char *base = g_path_get_basename (script_path);
  g_autofree char *dir = g_path_get_dirname (film_path);
  char            *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strdup_printf ("%s" G_DIR_SEPARATOR_S "%s.storyreel", dir, base);
}

int
reel_cli_render (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("render"));
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelScheduler) scheduler = NULL;
  g_autoptr (ReelExporter) exporter = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCut) cut = NULL;
  g_autofree char    *output = NULL;
  g_autofree char    *backend = NULL;
  g_autofree char    *endpoint = NULL;
  g_autofree char    *model = NULL;
  gboolean            yes = FALSE;
  g_autofree char    *captions = NULL;
  g_autofree char    *music = NULL;
  g_autofree char    *script = NULL;
  g_autofree char    *project_path = NULL;
  ReelExportOptions   options;
  ReelBreakdownReport report = { 0 };
  RenderRun           run = { 0 };
  guint               sigint, sigterm;
  GOptionEntry        entries[] = {
           { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("The film to write"), N_ ("FILM") },
           { "backend", 'b', 0, G_OPTION_ARG_STRING, &backend,
             N_ ("animatic, dashscope or fal (default: the one chosen in Preferences)"), N_ ("NAME") },
           { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint,
             N_ ("The service’s API base, e.g. http://HOST:PORT/api/v1 for dashscope"), N_ ("URL") },
           { "model", 'm', 0, G_OPTION_ARG_STRING, &model, N_ ("The model"), N_ ("ID") },
           { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes,
             N_ ("Do not ask before spending money on a paid backend"), NULL },
           { "captions", 0, 0, G_OPTION_ARG_STRING, &captions, N_ ("burn, soft or off (default: burn)"),
             N_ ("MODE") },
           { "music", 0, 0, G_OPTION_ARG_FILENAME, &music, N_ ("An audio file to mix in"), N_ ("FILE") },
           { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!reel_cli_parse (context, "render", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;
  if (argc != 3)
    return reel_cli_usage_error ("render", _ ("Expected exactly one SCRIPT file."));
  if (output == NULL)
    return reel_cli_usage_error ("render", _ ("Name the film to write with -o FILM.mp4."));

  reel_export_options_init (&options);
  if (!reel_export_format_guess (output, &options.format)
      || !reel_export_format_is_film (options.format))
    {
      reel_export_options_clear (&options);
      return reel_cli_usage_error ("render", _ ("The film must end in .mp4 or .webm."));
    }
  if (captions != NULL && !reel_caption_mode_from_string (captions, &options.captions))
    {
      reel_export_options_clear (&options);
      return reel_cli_usage_error ("render", _ ("--captions takes burn, soft or off."));
    }
  options.extra_music = g_strdup (music);

  script = reel_cli_read_script (argv[2], &error);
  if (script == NULL)
    {
      reel_export_options_clear (&options);
      return reel_cli_fail ("%s", error->message);
    }

  /* 1. The plan. */
  project_path = project_path_for (argv[2], output);
  file = g_file_new_for_path (project_path);
  project = reel_project_open_or_create (file, &error);
  if (project == NULL || !reel_project_set_script (project, script, &error)
      || !reel_project_break_down (project, &report, &error))
    {
      reel_export_options_clear (&options);
      return reel_cli_fail ("%s", error->message);
    }
  fprintf (stderr, _ ("%s: %u scenes, %u shots\n"), project_path, report.scenes, report.shots);

  run.loop = loop;
  run.tty = isatty (STDERR_FILENO);
  run.failures = g_string_new (NULL);
  run.last_decile = -1;
  sigint = g_unix_signal_add (SIGINT, interrupt_cb, &run);
  sigterm = g_unix_signal_add (SIGTERM, interrupt_cb, &run);

  /* 2. The missing takes, resuming whatever an earlier run left unfinished. */
  if (backend == NULL)
    {
      g_autoptr (GSettings) settings = reel_cli_dup_settings ();
      backend = reel_cli_default_backend (settings);
    }
  scheduler = reel_cli_new_scheduler (project, backend, endpoint, model, 0, &error);
  if (scheduler == NULL)
    {
      reel_export_options_clear (&options);
      return reel_cli_fail ("%s", error->message);
    }
  g_signal_connect (scheduler, "job-changed", G_CALLBACK (job_changed_cb), &run);
  g_signal_connect (scheduler, "idle", G_CALLBACK (scheduler_idle_cb), &run);
  reel_scheduler_resume_unfinished_jobs (scheduler, NULL);
  {
    ReelGenerateOptions generate = { .backend = backend, .model = model };

    if (!reel_cli_confirm_cost (scheduler, NULL, 0, &generate, yes, &error)
        || (reel_scheduler_generate (scheduler, NULL, 0, &generate, &error) == 0 && error != NULL))
      {
        reel_scheduler_shutdown (scheduler);
        reel_export_options_clear (&options);
        return reel_cli_fail ("%s", error->message);
      }
  }
  if (reel_scheduler_get_n_unfinished (scheduler) > 0)
    {
      fprintf (stderr, _ ("Generating %u takes\n"), reel_scheduler_get_n_unfinished (scheduler));
      g_main_loop_run (loop);
    }
  reel_scheduler_shutdown (scheduler);

  if (run.interrupted || run.failed > 0)
    {
      g_autofree char *summary = g_string_free (g_steal_pointer (&run.failures), FALSE);

      g_source_remove (sigint);
      g_source_remove (sigterm);
      reel_export_options_clear (&options);
      if (run.interrupted)
        return reel_cli_fail (_ ("Interrupted. Run the same command to resume."));
      return reel_cli_fail (_ ("%u shots could not be generated, so the film was not made: %s"),
                            run.failed, summary);
    }
  g_string_free (g_steal_pointer (&run.failures), TRUE);

  /* 3. The film. */
  cut = reel_cut_new_from_project (project, &error);
  if (cut == NULL)
    {
      reel_export_options_clear (&options);
      return reel_cli_fail ("%s", error->message);
    }
  exporter = reel_exporter_new (g_steal_pointer (&cut), &options, output);
  reel_export_options_clear (&options);
  g_signal_connect (exporter, "notify::progress", G_CALLBACK (export_progress_cb), &run);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  sigint = g_unix_signal_add (SIGINT, cancel_export_cb, cancellable);
  sigterm = g_unix_signal_add (SIGTERM, cancel_export_cb, cancellable);
  reel_exporter_run_async (exporter, cancellable, export_done_cb, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  if (run.tty)
    fprintf (stderr, "\n");
  if (run.error != NULL)
    {
      int status = reel_cli_fail ("%s", run.error->message);
      g_clear_error (&run.error);
      return status;
    }

  fprintf (stderr, _ ("Wrote %s\n"), output);
  return REEL_CLI_EXIT_OK;
}
