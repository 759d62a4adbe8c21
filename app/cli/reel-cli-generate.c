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
  char *backend;
  char *endpoint;
  char *model;
  char *shots;
  int   variants;
  int   jobs;
} GenerateArgs;

static void
generate_args_clear (GenerateArgs *args)
{
  g_clear_pointer (&args->backend, g_free);
  g_clear_pointer (&args->endpoint, g_free);
  g_clear_pointer (&args->model, g_free);
  g_clear_pointer (&args->shots, g_free);
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
      N_ ("The backend (default: animatic)"), N_ ("NAME") },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &args->endpoint, N_ ("The service’s address"),
      N_ ("URL") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &args->model, N_ ("The model"), N_ ("ID") },
    { "shots", 's', 0, G_OPTION_ARG_STRING, &args->shots,
      N_ ("Only these shots, by id or number (default: every shot without a take)"), N_ ("ID,…") },
    { "variants", 'n', 0, G_OPTION_ARG_INT, &args->variants,
      N_ ("Takes per shot, each with its own seed"), N_ ("N") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &args->jobs, N_ ("Jobs to run at once"), N_ ("N") },
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
  return REEL_CLI_EXIT_OK;
}

/* The scheduler for @project, with the backend and the parallelism asked
 * for; or NULL with *@status set. */
static ReelScheduler *
scheduler_for_args (ReelProject *project, const GenerateArgs *args, int *status)
{
  g_autoptr (ReelScheduler) scheduler = reel_scheduler_new (project);

  reel_scheduler_add_default_backends (scheduler);
  if (args->backend != NULL && reel_scheduler_get_backend (scheduler, args->backend) == NULL)
    {
      *status = reel_cli_fail (_ ("There is no backend called “%s”. Available: animatic."),
                               args->backend);
      return NULL;
    }
  if (args->jobs > 0)
    reel_scheduler_set_parallel_limit (
        scheduler, args->backend != NULL ? args->backend : "animatic", args->jobs);
  return g_steal_pointer (&scheduler);
}

/* Queues the takes asked for (@ids, or every shot without one), after the
 * unfinished jobs of a run that was killed, which come first and exactly
 * once. Returns REEL_CLI_EXIT_OK or the failure's status. */
static int
queue_takes (GenerateRun *run, const GenerateArgs *args, GArray *ids)
{
  g_autoptr (GError) error = NULL;
  gboolean chosen = args->shots != NULL;
  guint    resumed;

  resumed = reel_scheduler_resume_unfinished_jobs (run->scheduler, &error);
  if (error != NULL)
    return reel_cli_fail ("%s", error->message);
  if (resumed > 0)
    fprintf (stderr, _ ("Resuming %u unfinished jobs\n"), resumed);

  reel_scheduler_generate (run->scheduler, chosen ? (gint64 *) ids->data : NULL,
                           chosen ? ids->len : 0,
                           &(ReelGenerateOptions){ .backend = args->backend,
                                                   .model = args->model,
                                                   .variants = args->variants,
                                                   .regenerate = chosen },
                           &error);
  if (error != NULL)
    return reel_cli_fail ("%s", error->message);
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
  if (status != REEL_CLI_EXIT_OK)
    return status;
  if (run.total == 0)
    {
      fprintf (stderr, _ ("Nothing to generate: every shot has a take.\n"));
      return REEL_CLI_EXIT_OK;
    }
  return run_queue (&run);
}

int
reel_cli_take (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("take"));
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelMediaStore) store = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autoptr (ReelMediaInfo) thumbnail = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *basename = NULL;
  ReelTake         take = { 0 };
  ReelShot        *shot;

  if (!reel_cli_parse (context, "take", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;
  if (argc != 6 || g_strcmp0 (argv[2], "import") != 0)
    return reel_cli_usage_error ("take", _ ("Expected: take import PROJECT SHOT FILE"));

  project = reel_cli_open_project (argv[3], &error);
  if (project == NULL)
    return reel_cli_fail ("%s", error->message);
  shot = reel_project_find_shot (project, argv[4]);
  if (shot == NULL)
    return reel_cli_fail (_ ("There is no shot “%s” in this project."), argv[4]);

  /* Probed and verified before anything is recorded: a corrupt file changes nothing. */
  store = reel_media_store_new (reel_project_get_media_dir (project));
  info = reel_media_store_add_file (store, argv[5], REEL_MEDIA_ADD_COPY, NULL, &error);
  if (info == NULL)
    return reel_cli_fail ("%s", error->message);
  if (info->kind == REEL_MEDIA_KIND_AUDIO)
    {
      basename = g_path_get_basename (argv[5]);
      return reel_cli_fail (_ ("“%s” is audio; a take needs a video or a still image."), basename);
    }
  if (info->kind == REEL_MEDIA_KIND_VIDEO)
    thumbnail = reel_media_store_add_thumbnail (store, info->relative_path, info->duration / 2, 320,
                                                NULL, NULL);

  basename = g_path_get_basename (argv[5]);
  take.shot_id = reel_shot_get_id (shot);
  take.kind = (char *) (info->kind == REEL_MEDIA_KIND_IMAGE ? "image" : "video");
  take.backend = (char *) "import";
  take.prompt = basename;
  take.duration = info->duration;
  take.width = info->width;
  take.height = info->height;
  take.fps = info->fps;
  take.media = info->relative_path;
  take.media_sha256 = info->sha256;
  take.thumbnail = thumbnail != NULL                     ? thumbnail->relative_path
                   : info->kind == REEL_MEDIA_KIND_IMAGE ? info->relative_path
                                                         : NULL;
  if (!reel_project_add_take (project, &take, &error))
    return reel_cli_fail ("%s", error->message);

  fprintf (stderr,
           info->kind == REEL_MEDIA_KIND_IMAGE
               ? _ ("Shot %s: imported “%s” as its board image (take %" PRId64 ")\n")
               : _ ("Shot %s: imported “%s” as take %" PRId64 "\n"),
           reel_shot_get_number (shot), basename, take.id);
  printf ("%" G_GINT64_FORMAT "\n", take.id);
  return REEL_CLI_EXIT_OK;
}
