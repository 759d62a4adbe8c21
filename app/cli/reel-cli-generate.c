/* reel-cli-generate.c: storyreel generate and storyreel take import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "reel-cli-private.h"
#include "reel-project-import.h"
#include "reel-media-store.h"
#include "reel-scheduler.h"

typedef struct
{
  GMainLoop     *loop;
  ReelScheduler *scheduler;
  ReelProject   *project;
  gboolean       tty;
  guint          total;
  guint          done;
  guint          failed;
  GString       *failures;
  gboolean       interrupted;
} GenerateRun;

static const char *
shot_label (GenerateRun *run, gint64 shot_id)
{
  ReelShot *shot = reel_project_lookup_shot (run->project, shot_id);
  return shot != NULL ? reel_shot_get_number (shot) : "?";
}

static void
draw_bar (GenerateRun *run, const char *note)
{
  const guint      width = 30;
  guint            finished = run->done + run->failed;
  guint            filled = run->total > 0 ? finished * width / run->total : width;
  g_autofree char *bar = g_strnfill (filled, '#');
  g_autofree char *rest = g_strnfill (width - filled, '-');

  fprintf (stderr, "\r\033[K[%s%s] %u/%u %s", bar, rest, finished, run->total,
           note != NULL ? note : "");
  fflush (stderr);
}

static void
job_changed_cb (ReelScheduler *scheduler, gint64 job_id, guint state, GenerateRun *run)
{
  g_autoptr (ReelJobRecord) job = reel_project_get_job (run->project, job_id);
  const char *number;

  if (job == NULL)
    return;
  number = shot_label (run, job->shot_id);

  if (state == REEL_JOB_DONE)
    run->done++;
  else if (state == REEL_JOB_FAILED || state == REEL_JOB_CANCELLED)
    {
      run->failed++;
      g_string_append_printf (run->failures, "%s%s: %s", run->failures->len > 0 ? "; " : "", number,
                              job->error != NULL ? job->error : _ ("cancelled"));
    }

  /* Being queued is no news, unless it is a retry. */
  if (state == REEL_JOB_QUEUED && job->error == NULL)
    return;

  if (run->tty)
    {
      g_autofree char *note
          = g_strdup_printf (_ ("shot %s: %s"), number, reel_job_state_get_label (state));
      draw_bar (run, note);
    }
  else if (state == REEL_JOB_FAILED || (state == REEL_JOB_QUEUED && job->error != NULL))
    fprintf (stderr, _ ("shot %s: %s: %s\n"), number, reel_job_state_get_label (state), job->error);
  else
    fprintf (stderr, _ ("shot %s: %s\n"), number, reel_job_state_get_label (state));
}

static void
job_progress_cb (
    ReelScheduler *scheduler, gint64 job_id, double fraction, const char *message, GenerateRun *run)
{
  g_autoptr (ReelJobRecord) job = NULL;
  g_autofree char *note = NULL;

  if (!run->tty)
    return;
  job = reel_project_get_job (run->project, job_id);
  if (job == NULL)
    return;
  note = g_strdup_printf (_ ("shot %s: %.0f%%"), shot_label (run, job->shot_id), fraction * 100);
  draw_bar (run, note);
}

static void
idle_cb (ReelScheduler *scheduler, GenerateRun *run)
{
  g_main_loop_quit (run->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  GenerateRun *run = user_data;

  /* Unfinished jobs stay in the project; the next run resumes them. */
  run->interrupted = TRUE;
  g_main_loop_quit (run->loop);
  /* Kept, so the caller's g_source_remove() finds it. */
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_shots (ReelProject *project, const char *list, GArray *ids, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char     *part = g_strstrip (parts[i]);
      ReelShot *shot;
      gint64    id;

      if (*part == '\0')
        continue;
      shot = reel_project_find_shot (project, part);
      if (shot == NULL)
        {
          g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                       _ ("There is no shot “%s” in this project."), part);
          return FALSE;
        }
      id = reel_shot_get_id (shot);
      g_array_append_val (ids, id);
    }

  return TRUE;
}

/* What the command line asked for. */
typedef struct
{
  char    *backend;
  char    *endpoint;
  char    *model;
  char    *workflow;
  char    *sd_cli;
  char    *model_dir;
  char    *shots;
  int      variants;
  int      jobs;
  gboolean yes;
  gboolean continuity;
} GenerateArgs;

static void
generate_args_clear (GenerateArgs *args)
{
  g_clear_pointer (&args->backend, g_free);
  g_clear_pointer (&args->endpoint, g_free);
  g_clear_pointer (&args->model, g_free);
  g_clear_pointer (&args->workflow, g_free);
  g_clear_pointer (&args->shots, g_free);
  g_clear_pointer (&args->sd_cli, g_free);
  g_clear_pointer (&args->model_dir, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GenerateArgs, generate_args_clear)

/* Reads and checks the options; returns REEL_CLI_EXIT_OK or the status to
 * exit with. */
static int
parse_generate_args (int *argc, char ***argv, GenerateArgs *args)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("generate"));
  GOptionEntry entries[] = {
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
    { "shots", 's', 0, G_OPTION_ARG_STRING, &args->shots,
      N_ ("Only these shots, by id or number (default: every shot without a take)"), N_ ("ID,…") },
    { "variants", 'n', 0, G_OPTION_ARG_INT, &args->variants,
      N_ ("Takes per shot, each with its own seed"), N_ ("N") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &args->jobs, N_ ("Jobs to run at once"), N_ ("N") },
    { "continuity", 0, 0, G_OPTION_ARG_NONE, &args->continuity,
      N_ ("Start each shot without a board from the last frame of the shot before (kept as the "
          "project’s setting)"),
      NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &args->yes,
      N_ ("Do not ask before spending money on a paid backend"), NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!reel_cli_parse (context, "generate", argc, argv))
    return REEL_CLI_EXIT_USAGE;
  if (*argc != 3)
    return reel_cli_usage_error ("generate", _ ("Expected exactly one PROJECT file."));
  if (args->variants < 1 || args->variants > 16)
    return reel_cli_usage_error ("generate", _ ("--variants takes a number from 1 to 16."));
  if (args->jobs < 0 || args->jobs > 64)
    return reel_cli_usage_error ("generate", _ ("--jobs takes a number from 1 to 64."));
  return reel_cli_take_workflow ("generate", &args->backend, &args->model, &args->workflow);
}

/* The scheduler for @project, with the backend (the window's default unless
 * one is asked for) set up as the window sets it up; or NULL with *@status
 * set. */
static ReelScheduler *
scheduler_for_args (ReelProject *project, GenerateArgs *args, int *status)
{
  g_autoptr (GError) error = NULL;
  ReelBackendOverrides overrides;
  ReelScheduler       *scheduler;

  if (args->backend == NULL)
    {
      g_autoptr (GSettings) settings = reel_cli_dup_settings ();
      args->backend = reel_cli_default_backend (settings);
    }
  overrides = (ReelBackendOverrides){ .endpoint = args->endpoint,
                                      .model = args->model,
                                      .sd_cli = args->sd_cli,
                                      .model_dir = args->model_dir };
  scheduler = reel_cli_new_scheduler_with_overrides (project, args->backend, &overrides, args->jobs,
                                                     &error);
  if (scheduler == NULL)
    *status = reel_cli_fail ("%s", error->message);
  return scheduler;
}

/* Queues the takes asked for (@ids, or every shot without one), after the
 * unfinished jobs of a run that was killed, which come first and exactly
 * once. Returns REEL_CLI_EXIT_OK or the failure's status. */
static int
queue_takes (GenerateRun *run, GenerateArgs *args, GArray *ids)
{
  g_autoptr (GError) error = NULL;
  gboolean            chosen = args->shots != NULL;
  const gint64       *shot_ids = chosen ? (gint64 *) ids->data : NULL;
  guint               n_shots = chosen ? ids->len : 0;
  ReelGenerateOptions options = {
    .backend = args->backend, .model = args->model, .variants = args->variants, .regenerate = chosen
  };
  guint resumed;

  if (args->continuity && !reel_project_set_continuity (run->project, TRUE, &error))
    return reel_cli_fail ("%s", error->message);
  resumed = reel_scheduler_resume_unfinished_jobs (run->scheduler, &error);
  if (error != NULL)
    return reel_cli_fail ("%s", error->message);
  if (resumed > 0)
    fprintf (stderr, _ ("Resuming %u unfinished jobs\n"), resumed);

  /* What it costs is said, and agreed to, before anything is sent. */
  if (!reel_cli_confirm_cost (run->scheduler, shot_ids, n_shots, &options, args->yes, &error)
      || (reel_scheduler_generate (run->scheduler, shot_ids, n_shots, &options, &error) == 0
          && error != NULL))
    {
      reel_scheduler_shutdown (run->scheduler);
      return reel_cli_fail ("%s", error->message);
    }
  run->total = reel_scheduler_get_n_unfinished (run->scheduler);
  return REEL_CLI_EXIT_OK;
}

/* Runs the queue until it is empty or the user interrupts; says how it went. */
static int
run_queue (GenerateRun *run)
{
  guint sigint, sigterm;

  fprintf (stderr, _ ("Generating %u takes\n"), run->total);
  sigint = g_unix_signal_add (SIGINT, interrupt_cb, run);
  sigterm = g_unix_signal_add (SIGTERM, interrupt_cb, run);
  g_main_loop_run (run->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  reel_scheduler_shutdown (run->scheduler);

  if (run->tty)
    fprintf (stderr, "\n");
  if (run->interrupted)
    return reel_cli_fail (_ ("Interrupted; %u of %u takes done. Run the same command to resume."),
                          run->done, run->total);
  if (run->failed > 0)
    return reel_cli_fail (_ ("%u of %u takes failed: %s"), run->failed, run->total,
                          run->failures->str);
  fprintf (stderr, _ ("%u takes done\n"), run->done);
  return REEL_CLI_EXIT_OK;
}

int
reel_cli_generate (int argc, char **argv)
{
  g_auto (GenerateArgs) args = { .variants = 1 };
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelScheduler) scheduler = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GString) failures = g_string_new (NULL);
  GenerateRun run = { 0 };
  int         status;

  status = parse_generate_args (&argc, &argv, &args);
  if (status != REEL_CLI_EXIT_OK)
    return status;
  project = reel_cli_open_project (argv[2], &error);
  if (project == NULL)
    return reel_cli_fail ("%s", error->message);
  if (args.shots != NULL && !parse_shots (project, args.shots, ids, &error))
    return reel_cli_fail ("%s", error->message);
  scheduler = scheduler_for_args (project, &args, &status);
  if (scheduler == NULL)
    return status;

  run.loop = loop;
  run.scheduler = scheduler;
  run.project = project;
  run.tty = isatty (STDERR_FILENO);
  run.failures = failures;
  g_signal_connect (scheduler, "job-changed", G_CALLBACK (job_changed_cb), &run);
  g_signal_connect (scheduler, "job-progress", G_CALLBACK (job_progress_cb), &run);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), &run);

  status = queue_takes (&run, &args, ids);
  if (status == REEL_CLI_EXIT_OK && run.total == 0)
    fprintf (stderr, _ ("Nothing to generate: every shot has a take.\n"));
  else if (status == REEL_CLI_EXIT_OK)
    status = run_queue (&run);
  /* @run and its failures go away with this frame, before the scheduler,
   * whose last jobs may still report. */
  g_signal_handlers_disconnect_by_data (scheduler, &run);
  return status;
}

typedef struct
{
  GMainLoop *loop;
  gint64     take_id;
  GError    *error;
} TakeImport;

static void
take_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TakeImport *import = user_data;

  import->take_id = reel_project_import_take_finish (REEL_PROJECT (source), result, &import->error);
  g_main_loop_quit (import->loop);
}

static gboolean
take_is_still (const ReelTake *take)
{
  return g_strcmp0 (take->kind, "image") == 0;
}

static int
take_import (ReelProject *project, const char *project_path, ReelShot *shot, const char *path)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (ReelTake) take = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  TakeImport       import = { .loop = loop };
  gint64           chosen_id;

  /* Probed and verified before anything is recorded: a corrupt file changes nothing. */
  reel_project_import_take_async (project, reel_shot_get_id (shot), file, NULL, REEL_MEDIA_ADD_COPY,
                                  NULL, take_imported_cb, &import);
  g_main_loop_run (loop);
  if (import.take_id == 0)
    {
      g_propagate_error (&error, import.error);
      return reel_cli_fail ("%s", error->message);
    }

  take = reel_project_get_take (project, import.take_id);
  if (take == NULL)
    return reel_cli_fail (_ ("The imported take of shot %s is gone."), reel_shot_get_number (shot));

  chosen_id = reel_shot_get_chosen_take_id (shot);
  if (!take_is_still (take))
    fprintf (stderr, _ ("Shot %s: imported “%s” as take %u\n"), reel_shot_get_number (shot),
             basename, take->number);
  else if (chosen_id == 0)
    fprintf (stderr,
             _ ("Shot %s: imported “%s” as take %u, its board image, which the film shows\n"),
             reel_shot_get_number (shot), basename, take->number);
  else
    {
      g_autoptr (ReelTake) chosen = reel_project_get_take (project, chosen_id);

      /* The film goes on showing the chosen take: say how to show the still. */
      fprintf (stderr,
               _ ("Shot %s: imported “%s” as take %u, its board image. The film shows take %u; "
                  "run “storyreel take choose %s %s %u” to show the still instead.\n"),
               reel_shot_get_number (shot), basename, take->number,
               chosen != NULL ? chosen->number : 0, project_path, reel_shot_get_number (shot),
               take->number);
    }
  printf ("%" G_GINT64_FORMAT "\n", import.take_id);
  return REEL_CLI_EXIT_OK;
}

/* How many columns @text takes on a terminal: CJK characters take two. */
static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

static void
print_row (const char *const *cells, const guint *widths, guint n_cells)
{
  g_autoptr (GString) line = g_string_new (NULL);

  for (guint i = 0; i < n_cells; i++)
    {
      g_string_append (line, cells[i]);
      if (i + 1 < n_cells)
        for (guint pad = display_width (cells[i]); pad < widths[i] + 2; pad++)
          g_string_append_c (line, ' ');
    }
  /* The last cell may be empty: no trailing spaces. */
  while (line->len > 0 && line->str[line->len - 1] == ' ')
    g_string_truncate (line, line->len - 1);
  printf ("%s\n", line->str);
}

enum
{
  COLUMN_SHOT,
  COLUMN_TAKE,
  COLUMN_ID,
  COLUMN_KIND,
  COLUMN_BACKEND,
  COLUMN_LENGTH,
  COLUMN_COST,
  COLUMN_NOTE,
  N_COLUMNS
};

/* One row of `take list`: the cells in column order. */
static GStrv
take_row (ReelShot *shot, const ReelTake *take)
{
  GStrv    row = g_new0 (char *, N_COLUMNS + 1);
  gboolean chosen = take->id == reel_shot_get_chosen_take_id (shot);
  gboolean board
      = take_is_still (take) && g_strcmp0 (take->media, reel_shot_get_board_image (shot)) == 0;

  row[COLUMN_SHOT] = g_strdup (reel_shot_get_number (shot));
  row[COLUMN_TAKE] = g_strdup_printf ("%u", take->number);
  row[COLUMN_ID] = g_strdup_printf ("%" G_GINT64_FORMAT, take->id);
  /* Translators: the kind of a take in `storyreel take list` */
  row[COLUMN_KIND] = g_strdup (take_is_still (take) ? _ ("still") : _ ("video"));
  row[COLUMN_BACKEND] = g_strdup (take->backend != NULL ? take->backend : "");
  /* A still has no length of its own: it lasts as long as the shot. */
  row[COLUMN_LENGTH] = take_is_still (take) ? g_strdup ("—")
                                            /* Translators: a take's length, "4.0 s" */
                                            : g_strdup_printf (_ ("%.1f s"), take->duration);
  row[COLUMN_COST] = take->cost > 0
                         /* Translators: a take's cost, "0.35 USD" */
                         ? g_strdup_printf (_ ("%.2f %s"), take->cost,
                                            take->currency != NULL ? take->currency : "")
                         : g_strdup (_ ("free"));
  if (chosen && board)
    /* Translators: `storyreel take list` notes a take that the film shows and is the board image */
    row[COLUMN_NOTE] = g_strdup (_ ("chosen, board"));
  else if (chosen)
    row[COLUMN_NOTE] = g_strdup (_ ("chosen"));
  else if (board)
    row[COLUMN_NOTE] = g_strdup (_ ("board"));
  else
    row[COLUMN_NOTE] = g_strdup ("");
  return row;
}

static int
take_list (ReelProject *project, const char *shot_arg)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GPtrArray) shots = g_ptr_array_new_with_free_func (g_object_unref);
  const char *headers[N_COLUMNS] = {
    /* Translators: the column headings of `storyreel take list` */
    _ ("SHOT"), _ ("TAKE"), _ ("ID"), _ ("KIND"), _ ("BACKEND"), _ ("LENGTH"), _ ("COST"), "",
  };
  guint widths[N_COLUMNS] = { 0 };

  if (shot_arg != NULL)
    {
      ReelShot *shot = reel_project_find_shot (project, shot_arg);

      if (shot == NULL)
        return reel_cli_fail (_ ("There is no shot “%s” in this project."), shot_arg);
      g_ptr_array_add (shots, g_object_ref (shot));
    }
  else
    {
      GListModel *model = reel_project_get_shots (project);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (shots, g_list_model_get_item (model, i));
    }

  for (guint i = 0; i < shots->len; i++)
    {
      ReelShot *shot = g_ptr_array_index (shots, i);
      g_autoptr (GPtrArray) takes = reel_project_list_takes (project, reel_shot_get_id (shot));

      for (guint t = 0; t < takes->len; t++)
        g_ptr_array_add (rows, take_row (shot, g_ptr_array_index (takes, t)));
    }

  if (rows->len == 0)
    {
      if (shot_arg != NULL)
        fprintf (stderr, _ ("Shot %s has no takes yet.\n"), shot_arg);
      else
        fprintf (stderr, _ ("No shot has a take yet.\n"));
      return REEL_CLI_EXIT_OK;
    }

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      widths[c] = display_width (headers[c]);
      for (guint r = 0; r < rows->len; r++)
        widths[c] = MAX (widths[c], display_width (((char **) g_ptr_array_index (rows, r))[c]));
    }
  print_row (headers, widths, N_COLUMNS);
  for (guint r = 0; r < rows->len; r++)
    print_row ((const char *const *) g_ptr_array_index (rows, r), widths, N_COLUMNS);
  return REEL_CLI_EXIT_OK;
}

static int
take_choose (ReelProject *project, ReelShot *shot, const char *take_arg)
{
  g_autoptr (ReelTake) take = NULL;
  g_autoptr (GError) error = NULL;

  take = reel_project_find_take (project, reel_shot_get_id (shot), take_arg, &error);
  if (take == NULL
      || !reel_project_choose_take (project, reel_shot_get_id (shot), take->id, &error))
    return reel_cli_fail ("%s", error->message);

  fprintf (stderr,
           take_is_still (take) ? _ ("Shot %s: the film shows take %u, a still, for %.1f s\n")
                                : _ ("Shot %s: the film shows take %u\n"),
           reel_shot_get_number (shot), take->number, reel_shot_get_duration (shot));
  return REEL_CLI_EXIT_OK;
}

int
reel_cli_take (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("take"));
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *usage = g_strdup_printf (
      "%s\n  take import %s\n      %s\n  take list %s\n      %s\n  take choose %s\n      %s\n",
      _ ("Commands:"), _ ("PROJECT SHOT FILE"), _ ("Import a video or still image as a take"),
      _ ("PROJECT [SHOT]"), _ ("List the takes of a shot, or of every shot"),
      _ ("PROJECT SHOT TAKE"),
      _ ("Use a take in the film: TAKE is its number, as “take list” shows it, or id:ID"));
  const char *action;
  ReelShot   *shot = NULL;

  g_option_context_set_description (context, usage);
  if (!reel_cli_parse (context, "take", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;

  action = argc > 2 ? argv[2] : NULL;
  if (g_strcmp0 (action, "import") == 0 && argc != 6)
    return reel_cli_usage_error ("take", _ ("Expected: take import PROJECT SHOT FILE"));
  if (g_strcmp0 (action, "list") == 0 && argc != 4 && argc != 5)
    return reel_cli_usage_error ("take", _ ("Expected: take list PROJECT [SHOT]"));
  if (g_strcmp0 (action, "choose") == 0 && argc != 6)
    return reel_cli_usage_error ("take", _ ("Expected: take choose PROJECT SHOT TAKE"));
  if (g_strcmp0 (action, "import") != 0 && g_strcmp0 (action, "list") != 0
      && g_strcmp0 (action, "choose") != 0)
    return reel_cli_usage_error ("take", _ ("Expected import, list or choose after “take”."));

  project = reel_cli_open_project (argv[3], &error);
  if (project == NULL)
    return reel_cli_fail ("%s", error->message);

  if (g_str_equal (action, "list"))
    return take_list (project, argc == 5 ? argv[4] : NULL);

  shot = reel_project_find_shot (project, argv[4]);
  if (shot == NULL)
    return reel_cli_fail (_ ("There is no shot “%s” in this project."), argv[4]);

  if (g_str_equal (action, "choose"))
    return take_choose (project, shot, argv[5]);
  return take_import (project, argv[3], shot, argv[5]);
}
