/* reel-cli-render-vars.c: storyreel render --vars, one film per row of a table
 *
 * The films' projects are kept beside the script's own project, in a folder
 * NAME.personal/, so running again generates only what a new or changed row
 * needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reel-cli-private.h"
#include "reel-film-batch.h"

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  gboolean   tty;
} PersonalRun;

typedef struct
{
  char                *backend;
  ReelBackendOverrides overrides;
} SchedulerSetup;

static ReelScheduler *
make_scheduler_cb (ReelProject *project, gpointer user_data, GError **error)
{
  SchedulerSetup *setup = user_data;

  return reel_cli_new_scheduler_with_overrides (project, setup->backend, &setup->overrides, 0,
                                                error);
}

static void
status_cb (ReelFilmBatch *batch, GParamSpec *pspec, PersonalRun *run)
{
  if (run->tty)
    fprintf (stderr, "\r\033[K%s", reel_film_batch_get_status (batch));
  else
    fprintf (stderr, "%s\n", reel_film_batch_get_status (batch));
  fflush (stderr);
}

static void
film_finished_cb (
    ReelFilmBatch *batch, guint row, const char *path, const GError *error, PersonalRun *run)
{
  if (run->tty)
    fprintf (stderr, "\n");
  if (error != NULL)
    fprintf (stderr, _ ("storyreel: %s could not be made: %s\n"), path, error->message);
  else
    fprintf (stderr, _ ("Wrote %s\n"), path);
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PersonalRun *run = user_data;

  reel_film_batch_run_finish (REEL_FILM_BATCH (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
cancel_cb (gpointer user_data)
{
  /* Unfinished jobs stay in the films' projects; the next run resumes them. */
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

/* NAME.personal/ beside the project render keeps for the script. */
static char *
projects_dir_for (const char *script_path)
{
  g_autofree char *project_path = reel_cli_render_project_path (script_path);

  if (g_str_has_suffix (project_path, ".storyreel"))
    project_path[strlen (project_path) - strlen (".storyreel")] = '\0';
  return g_strconcat (project_path, ".personal", NULL);
}

/* The batch, planned: the table read, every film's project up to date. */
static ReelFilmBatch *
plan_batch (const char              *script_path,
            ReelCliRenderArgs       *args,
            const ReelExportOptions *options,
            SchedulerSetup          *setup,
            GError                 **error)
{
  g_autofree char *script = reel_cli_read_script (script_path, error);
  g_autoptr (GFile) csv_file = g_file_new_for_commandline_arg (args->vars);
  g_autofree char *projects_dir = projects_dir_for (script_path);
  g_autofree char *own_project = reel_cli_render_project_path (script_path);
  g_autoptr (ReelFilmBatch) batch = NULL;
  ReelCsv *table;

  if (script == NULL || (table = reel_csv_read_file (csv_file, NULL, error)) == NULL)
    return NULL;
  batch = reel_film_batch_new (script, table, args->name_column, projects_dir, args->output,
                               options, error);
  if (batch == NULL)
    return NULL;
  /* The script's own project, when there is one, sets the frame, the cast
   * and the style. */
  if (g_file_test (own_project, G_FILE_TEST_EXISTS))
    {
      g_autoptr (GFile) file = g_file_new_for_path (own_project);
      g_autoptr (ReelProject) project = reel_project_open (file, NULL);

      if (project != NULL)
        reel_film_batch_set_settings_from (batch, project);
    }
  reel_film_batch_set_scheduler_func (batch, make_scheduler_cb, setup, NULL);
  reel_film_batch_set_backend (batch, setup->backend, args->model);
  if (!reel_film_batch_plan (batch, error))
    return NULL;
  return g_steal_pointer (&batch);
}

/* A paid backend spends money on every film, so it is asked for plainly. */
static gboolean
check_paid (const char *backend, gboolean yes, GError **error)
{
  /* Only its price is wanted: no key is looked up. */
  ReelBackendOverrides overrides = { .key_looked_up = TRUE };
  g_autoptr (ReelBackend) probe = NULL;
  ReelBackendCapabilities caps;

  if (yes || (probe = reel_backend_create (backend, NULL, &overrides, NULL)) == NULL)
    return TRUE;
  reel_backend_get_capabilities (probe, &caps);
  if (caps.currency == NULL)
    return TRUE;
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("%s is a paid backend. Add --yes to make personalised films with it."), backend);
  return FALSE;
}

int
reel_cli_render_personal (const char              *script_path,
                          ReelCliRenderArgs       *args,
                          const ReelExportOptions *options)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (ReelFilmBatch) batch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = NULL;
  SchedulerSetup   setup = { 0 };
  PersonalRun      run = { .loop = loop, .tty = isatty (STDERR_FILENO) };
  guint            sigint, sigterm;

  if (args->backend == NULL)
    {
      g_autoptr (GSettings) settings = reel_cli_dup_settings ();
      args->backend = reel_cli_default_backend (settings);
    }
  setup.backend = args->backend;
  setup.overrides = (ReelBackendOverrides){ .endpoint = args->endpoint,
                                            .model = args->model,
                                            .sd_cli = args->sd_cli,
                                            .model_dir = args->model_dir };
  if (!check_paid (args->backend, args->yes, &error)
      || (batch = plan_batch (script_path, args, options, &setup, &error)) == NULL)
    return reel_cli_fail ("%s", error->message);

  summary = reel_film_batch_describe (batch);
  fprintf (stderr, "%s\n", summary);
  g_signal_connect (batch, "notify::status", G_CALLBACK (status_cb), &run);
  g_signal_connect (batch, "film-finished", G_CALLBACK (film_finished_cb), &run);
  sigint = g_unix_signal_add (SIGINT, cancel_cb, cancellable);
  sigterm = g_unix_signal_add (SIGTERM, cancel_cb, cancellable);
  reel_film_batch_run_async (batch, cancellable, run_done_cb, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_signal_handlers_disconnect_by_data (batch, &run);

  if (run.error != NULL)
    {
      g_autoptr (GError) run_error = g_steal_pointer (&run.error);

      if (g_error_matches (run_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return reel_cli_fail (_ ("Interrupted. Run the same command to resume."));
      return reel_cli_fail ("%s", run_error->message);
    }
  return REEL_CLI_EXIT_OK;
}
