/* test-cli-remote.c: `storyreel generate` on paid services, killed and run again
 *
 * The real binary talks to fakes of Model Studio and fal.ai that run in
 * this process, in threads of their own. It is killed at each step of a
 * job (before the create's reply, while polling, while downloading) and run
 * again: every shot ends with one take, and each was paid for exactly once.
 * Quitting sends no cancel, paid work needs a key and a yes, and no key is
 * ever printed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <signal.h>
#include <string.h>

#include "fake-dashscope.h"
#include "fake-fal.h"
#include "reel-project-jobs.h"
#include "reel-project.h"
#include "reel-test-utils.h"

#define DASHSCOPE_KEY "sk-8e1f3a5c7b9d42e6a0c4f8b2d6e1a3c5"
#define FAL_KEY "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d:1f2e3d4c5b6a79880716f5e4d3c2b1a0"
#define MODEL "wan2.6-t2v"
#define CREATE_PATH "/api/v1/services/aigc/video-generation/"
#define FAL_SUBMIT_PATH "/fal-ai/wan/v2.2-a14b/text-to-video"
/* Generous bounds: a run normally takes a second or two. */
#define TIMEOUT_MS 30000

static const char script[] = "INT. LIGHTHOUSE - NIGHT\n\n"
                             "The keeper climbs the spiral stairs.\n\n"
                             "The great lamp turns.\n";
#define N_SHOTS 2

typedef struct
{
  char              *dir;
  char              *binary;
  char              *project;
  GBytes            *video;
  ReelFakeDashscope *dashscope;
  ReelFakeFal       *fal;
  guint              n_children;
} Fixture;

/* ------------------------------------------------------------------------ */
/* Children                                                                  */

typedef struct
{
  GSubprocess *process;
  char        *out_path;
  char        *err_path;
  gboolean     exited;
} Child;

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static char *
child_dup_stderr (Child *child)
{
  return read_text (child->err_path);
}

static char *
child_dup_stdout (Child *child)
{
  return read_text (child->out_path);
}

typedef gboolean (*Condition) (gpointer data);

/* Iterates the main context until @condition holds; fails the test after
 * @timeout_ms, or as soon as @child (if any) exits, saying what it waited
 * for. The tick wakes the loop to look at what changes in other threads. */
static void
wait_until (Condition condition, gpointer data, Child *child, guint timeout_ms, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint  tick = g_timeout_add (5, tick_cb, NULL);

  while (!condition (data))
    {
      if (child != NULL && child->exited)
        {
          g_autofree char *err = child_dup_stderr (child);
          g_error ("storyreel exited (status %d) while the test waited for %s; it said:\n%s",
                   g_subprocess_get_status (child->process), what, err);
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static void
child_exited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Child *child = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  child->exited = TRUE;
}

/* The environment every child gets: the test's (GSettings in memory, the
 * build's schemas), no keys unless given, and a session bus that is not
 * there, so that no keyring answers. */
static GSubprocessLauncher *
launcher_new (Fixture *fixture, const char *const *environment)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char     *no_bus = g_build_filename (fixture->dir, "no-bus", NULL);
  g_autofree char     *bus = g_strconcat ("unix:path=", no_bus, NULL);

  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DASHSCOPE_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "DASHSCOPE_HTTP_BASE_URL");
  g_subprocess_launcher_unsetenv (launcher, "FAL_KEY");
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  for (guint i = 0; environment != NULL && environment[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (environment[i], "=", 2);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  /* Not a terminal: nobody is there to answer a question. */
  g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  return launcher;
}

/* Starts storyreel with @argv (after the program's name) and @environment
 * (NAME=VALUE strings), its output going to files. */
static Child *
child_spawn (Fixture *fixture, const char *const *environment, const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = launcher_new (fixture, environment);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  Child *child = g_new0 (Child, 1);
  guint  n = ++fixture->n_children;

  child->out_path = g_strdup_printf ("%s/child-%u.out", fixture->dir, n);
  child->err_path = g_strdup_printf ("%s/child-%u.err", fixture->dir, n);
  g_subprocess_launcher_set_stdout_file_path (launcher, child->out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, child->err_path);

  g_ptr_array_add (args, fixture->binary);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  child->process
      = g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (child->process, NULL, child_exited_cb, child);
  return child;
}

static gboolean
child_has_exited (gpointer data)
{
  return ((Child *) data)->exited;
}

/* Waits for @child to end; returns its exit status, or 128 + the signal. */
static int
child_finish (Child *child)
{
  wait_until (child_has_exited, child, NULL, TIMEOUT_MS, "storyreel to finish");
  if (g_subprocess_get_if_exited (child->process))
    return g_subprocess_get_exit_status (child->process);
  return 128 + g_subprocess_get_term_sig (child->process);
}

static void
child_kill (Child *child, int signal_number)
{
  g_subprocess_send_signal (child->process, signal_number);
  child_finish (child);
}

static void
child_free (Child *child)
{
  if (!child->exited)
    child_kill (child, SIGKILL);
  g_clear_object (&child->process);
  g_free (child->out_path);
  g_free (child->err_path);
  g_free (child);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Child, child_free)

/* Runs storyreel to its end; returns its status and what it printed. */
static int
run (Fixture           *fixture,
     const char *const *environment,
     const char *const *argv,
     char             **out,
     char             **err)
{
  g_autoptr (Child) child = child_spawn (fixture, environment, argv);
  int status = child_finish (child);

  if (out != NULL)
    *out = child_dup_stdout (child);
  if (err != NULL)
    *err = child_dup_stderr (child);
  return status;
}

/* ------------------------------------------------------------------------ */
/* The harness                                                               */

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GFile) file = NULL;
  GListModel *shots;

  fixture->dir = reel_test_make_tmpdir ();
  fixture->binary = reel_test_build_path ("app/storyreel");
  fixture->project = g_build_filename (fixture->dir, "Lighthouse.storyreel", NULL);

  file = g_file_new_for_path (fixture->project);
  project = reel_project_create (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_resolution (project, 1280, 720, &error));
  g_assert_true (reel_project_set_script (project, script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  shots = reel_project_get_shots (project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, N_SHOTS);
  for (guint i = 0; i < N_SHOTS; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      g_assert_true (reel_project_set_shot_duration (project, reel_shot_get_id (shot), 3, &error));
    }
  g_assert_no_error (error);

  fixture->video = reel_fake_make_video ();
  fixture->dashscope = reel_fake_dashscope_new (DASHSCOPE_KEY, fixture->video);
  fixture->fal = reel_fake_fal_new (FAL_KEY, fixture->video);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->dashscope, reel_fake_dashscope_free);
  g_clear_pointer (&fixture->fal, reel_fake_fal_free);
  g_clear_pointer (&fixture->video, g_bytes_unref);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->binary);
  g_free (fixture->project);
}

static const char *const dashscope_env[] = { "DASHSCOPE_API_KEY=" DASHSCOPE_KEY, NULL };
static const char *const fal_env[] = { "FAL_KEY=" FAL_KEY, NULL };

/* storyreel generate PROJECT --backend dashscope … --yes */
static GStrv
dashscope_generate_args (Fixture *fixture)
{
  const char *const args[] = { "generate",   fixture->project,
                               "--backend",  "dashscope",
                               "--endpoint", reel_fake_dashscope_get_base_url (fixture->dashscope),
                               "--model",    MODEL,
                               "--yes",      NULL };
  return g_strdupv ((char **) args);
}

static GStrv
fal_generate_args (Fixture *fixture)
{
  const char *const args[] = { "generate",   fixture->project,
                               "--backend",  "fal",
                               "--endpoint", reel_fake_fal_get_url (fixture->fal),
                               "--yes",      NULL };
  return g_strdupv ((char **) args);
}

static ReelProject *
open_project (Fixture *fixture)
{
  g_autoptr (GFile) file = g_file_new_for_path (fixture->project);
  g_autoptr (GError) error = NULL;
  ReelProject *project = reel_project_open (file, &error);

  g_assert_no_error (error);
  return project;
}

/* Every shot has exactly one take, and one job that is done; the jobs'
 * tasks are distinct. Returns the tasks' ids. */
static GStrv
assert_every_shot_done (Fixture *fixture)
{
  g_autoptr (ReelProject) project = open_project (fixture);
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (project, FALSE);
  g_autoptr (GStrvBuilder) tasks = g_strv_builder_new ();
  GListModel *shots = reel_project_get_shots (project);

  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      g_autoptr (GPtrArray) takes = reel_project_list_takes (project, reel_shot_get_id (shot));

      g_assert_cmpuint (takes->len, ==, 1);
      g_assert_cmpint (reel_shot_get_chosen_take_id (shot), ==,
                       ((ReelTake *) g_ptr_array_index (takes, 0))->id);
    }
  g_assert_cmpuint (jobs->len, ==, N_SHOTS);
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      g_assert_cmpint (job->state, ==, REEL_JOB_DONE);
      g_assert_nonnull (job->remote_id);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (job->remote_id, !=,
                         ((ReelJobRecord *) g_ptr_array_index (jobs, j))->remote_id);
      g_strv_builder_add (tasks, job->remote_id);
    }
  return g_strv_builder_end (tasks);
}

/* Runs the same command again after a kill: it resumes and ends well. */
static void
rerun_succeeds (Fixture *fixture, const char *const *environment, const char *const *argv)
{
  g_autofree char *err = NULL;
  int              status = run (fixture, environment, argv, NULL, &err);

  if (status != 0)
    g_error ("The run after the kill failed (%d):\n%s", status, err);
  g_assert_nonnull (strstr (err, "Resuming 2 unfinished jobs"));
}

typedef struct
{
  ReelFakeServer *server;
  const char     *method;
  const char     *path_prefix;
  guint           count;
} RequestCount;

static gboolean
requests_arrived (gpointer data)
{
  RequestCount *wanted = data;

  return reel_fake_server_count (wanted->server, wanted->method, wanted->path_prefix)
         >= wanted->count;
}

static void
wait_for_requests (
    Child *child, ReelFakeServer *server, const char *method, const char *path_prefix, guint count)
{
  RequestCount     wanted = { server, method, path_prefix, count };
  g_autofree char *what = g_strdup_printf ("%u %s %s requests", count, method, path_prefix);

  wait_until (requests_arrived, &wanted, child, TIMEOUT_MS, what);
}

/* Both shots' tasks exist and have been asked about at least once: the
 * child is polling them. */
static gboolean
dashscope_tasks_polled (gpointer data)
{
  ReelFakeDashscope *fake = data;
  g_auto (GStrv) ids = reel_fake_dashscope_dup_task_ids (fake);

  if (g_strv_length (ids) < N_SHOTS)
    return FALSE;
  for (guint i = 0; ids[i] != NULL; i++)
    if (reel_fake_dashscope_count_polls (fake, ids[i]) < 1)
      return FALSE;
  return TRUE;
}

static gboolean
fal_requests_polled (gpointer data)
{
  ReelFakeFal *fake = data;
  g_auto (GStrv) ids = reel_fake_fal_dup_request_ids (fake);

  if (g_strv_length (ids) < N_SHOTS)
    return FALSE;
  for (guint i = 0; ids[i] != NULL; i++)
    if (reel_fake_fal_count_status_polls (fake, ids[i]) < 1)
      return FALSE;
  return TRUE;
}

static ReelFakeServer *
dashscope_server (Fixture *fixture)
{
  return reel_fake_dashscope_get_server (fixture->dashscope);
}

static ReelFakeServer *
fal_server (Fixture *fixture)
{
  return reel_fake_fal_get_server (fixture->fal);
}

/* ------------------------------------------------------------------------ */
/* Killed and run again: one create per shot                                 */

/* Makes the task each job's lost create made, from the prompt it sent: a
 * task of another prompt is not the job's. */
static void
make_lost_tasks (Fixture *fixture)
{
  g_autoptr (ReelProject) project = open_project (fixture);
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (project, FALSE);

  g_assert_cmpuint (jobs->len, ==, N_SHOTS);
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      JsonObject *request;

      g_assert_true (json_parser_load_from_data (parser, job->request, -1, &error));
      g_assert_no_error (error);
      request = json_node_get_object (json_parser_get_root (parser));
      g_free (reel_fake_dashscope_create_task (fixture->dashscope, MODEL,
                                               json_object_get_string_member (request, "prompt")));
    }
}

static void
test_killed_before_create_reply (Fixture *fixture, gconstpointer data)
{
  g_auto (GStrv) args = dashscope_generate_args (fixture);
  g_autoptr (Child) child = NULL;
  g_auto (GStrv) tasks = NULL;

  /* Both creates reach the service and their replies never come back. The
   * fake's hung create makes no task, so the test makes the two tasks the
   * service would have made, from each shot's prompt. */
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_CREATE,
                                 REEL_FAKE_FAULT_HANG, N_SHOTS);
  child = child_spawn (fixture, dashscope_env, (const char *const *) args);
  wait_for_requests (child, dashscope_server (fixture), "POST", CREATE_PATH, N_SHOTS);
  child_kill (child, SIGKILL);
  make_lost_tasks (fixture);

  /* The next run finds the tasks in the service's list instead of
   * creating others, and finishes them. */
  reel_fake_dashscope_set_latency (fixture->dashscope, 0, 0);
  rerun_succeeds (fixture, dashscope_env, (const char *const *) args);
  tasks = assert_every_shot_done (fixture);
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "POST", CREATE_PATH), ==,
                    N_SHOTS);
  g_assert_cmpuint (reel_fake_dashscope_count_lists (fixture->dashscope), >=, 1);
  for (guint i = 0; tasks[i] != NULL; i++)
    g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, tasks[i]), ==, 1);
}

static void
test_killed_while_polling (Fixture *fixture, gconstpointer data)
{
  g_auto (GStrv) args = dashscope_generate_args (fixture);
  g_autoptr (Child) child = NULL;
  g_auto (GStrv) tasks = NULL;

  reel_fake_dashscope_set_latency (fixture->dashscope, REEL_FAKE_FOREVER, 0);
  child = child_spawn (fixture, dashscope_env, (const char *const *) args);
  wait_until (dashscope_tasks_polled, fixture->dashscope, child, TIMEOUT_MS,
              "both tasks to be polled");
  child_kill (child, SIGKILL);

  reel_fake_dashscope_set_latency (fixture->dashscope, 0, 0);
  rerun_succeeds (fixture, dashscope_env, (const char *const *) args);
  tasks = assert_every_shot_done (fixture);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, N_SHOTS);
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "POST", CREATE_PATH), ==,
                    N_SHOTS);
  g_assert_cmpuint (reel_fake_dashscope_count_lists (fixture->dashscope), ==, 0);
  for (guint i = 0; tasks[i] != NULL; i++)
    g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, tasks[i]), ==, 1);
}

static void
test_killed_while_downloading (Fixture *fixture, gconstpointer data)
{
  g_auto (GStrv) args = dashscope_generate_args (fixture);
  g_autoptr (Child) child = NULL;
  g_auto (GStrv) tasks = NULL;

  reel_fake_dashscope_set_latency (fixture->dashscope, 0, 0);
  reel_fake_dashscope_add_fault (fixture->dashscope, REEL_FAKE_DASHSCOPE_DOWNLOAD,
                                 REEL_FAKE_FAULT_HANG, N_SHOTS);
  child = child_spawn (fixture, dashscope_env, (const char *const *) args);
  wait_for_requests (child, dashscope_server (fixture), "GET", "/files/", N_SHOTS);
  child_kill (child, SIGKILL);

  rerun_succeeds (fixture, dashscope_env, (const char *const *) args);
  tasks = assert_every_shot_done (fixture);
  g_assert_cmpuint (reel_fake_dashscope_count_creates (fixture->dashscope), ==, N_SHOTS);
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "POST", CREATE_PATH), ==,
                    N_SHOTS);
  /* The hung downloads, then one that completed for each task. */
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "GET", "/files/"), ==,
                    2 * N_SHOTS);
  for (guint i = 0; tasks[i] != NULL; i++)
    g_assert_cmpuint (reel_fake_dashscope_count_downloads (fixture->dashscope, tasks[i]), ==, 1);
}

static void
test_fal_killed_while_polling (Fixture *fixture, gconstpointer data)
{
  g_auto (GStrv) args = fal_generate_args (fixture);
  g_autoptr (Child) child = NULL;
  g_auto (GStrv) requests = NULL;

  reel_fake_fal_set_latency (fixture->fal, REEL_FAKE_FOREVER, 0);
  child = child_spawn (fixture, fal_env, (const char *const *) args);
  wait_until (fal_requests_polled, fixture->fal, child, TIMEOUT_MS, "both requests to be polled");
  child_kill (child, SIGKILL);

  reel_fake_fal_set_latency (fixture->fal, 0, 0);
  rerun_succeeds (fixture, fal_env, (const char *const *) args);
  requests = assert_every_shot_done (fixture);
  g_assert_cmpuint (reel_fake_fal_count_submits (fixture->fal), ==, N_SHOTS);
  g_assert_cmpuint (reel_fake_server_count (fal_server (fixture), "POST", NULL), ==, N_SHOTS);
  for (guint i = 0; requests[i] != NULL; i++)
    g_assert_cmpuint (reel_fake_fal_count_downloads (fixture->fal, requests[i]), ==, 1);
}

static void
test_fal_killed_before_submit_reply (Fixture *fixture, gconstpointer data)
{
  g_auto (GStrv) args = fal_generate_args (fixture);
  g_autoptr (Child) child = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autofree char *err = NULL;

  reel_fake_fal_add_fault (fixture->fal, REEL_FAKE_FAL_SUBMIT, REEL_FAKE_FAULT_HANG, N_SHOTS);
  child = child_spawn (fixture, fal_env, (const char *const *) args);
  wait_for_requests (child, fal_server (fixture), "POST", FAL_SUBMIT_PATH, N_SHOTS);
  child_kill (child, SIGKILL);

  /* fal.ai cannot say whether it queued them: the next run does not submit
   * again, and says why. */
  g_assert_cmpint (run (fixture, fal_env, (const char *const *) args, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "reply to Storyreel’s request to fal.ai was lost"));
  g_assert_cmpuint (reel_fake_server_count (fal_server (fixture), "POST", NULL), ==, N_SHOTS);

  project = open_project (fixture);
  jobs = reel_project_list_jobs (project, FALSE);
  g_assert_cmpuint (jobs->len, ==, N_SHOTS);
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);
      g_autoptr (GPtrArray) takes = reel_project_list_takes (project, job->shot_id);

      g_assert_cmpint (job->state, ==, REEL_JOB_FAILED);
      g_assert_cmpuint (takes->len, ==, 0);
    }
}

/* ------------------------------------------------------------------------ */
/* Quitting is not cancelling                                                */

typedef struct
{
  const char *backend;
  int         signal_number;
} Quit;

static void
test_quit_sends_no_cancel (Fixture *fixture, gconstpointer data)
{
  const Quit *quit = data;
  gboolean    fal = g_strcmp0 (quit->backend, "fal") == 0;
  g_auto (GStrv) args = fal ? fal_generate_args (fixture) : dashscope_generate_args (fixture);
  g_autoptr (Child) child = NULL;
  g_autofree char *err = NULL;
  int              status;

  if (fal)
    reel_fake_fal_set_latency (fixture->fal, REEL_FAKE_FOREVER, 0);
  else
    reel_fake_dashscope_set_latency (fixture->dashscope, REEL_FAKE_FOREVER, 0);
  child = child_spawn (fixture, fal ? fal_env : dashscope_env, (const char *const *) args);
  if (fal)
    wait_until (fal_requests_polled, fixture->fal, child, TIMEOUT_MS, "both requests polled");
  else
    wait_until (dashscope_tasks_polled, fixture->dashscope, child, TIMEOUT_MS, "both tasks polled");

  /* The user quits (Ctrl+C, or the session ends): the tasks go on at the
   * service, for the next run to pick up. */
  g_subprocess_send_signal (child->process, quit->signal_number);
  status = child_finish (child);
  err = child_dup_stderr (child);
  if (status != 1)
    g_error ("storyreel ended with %d after signal %d, not 1:\n%s", status, quit->signal_number,
             err);
  g_assert_nonnull (strstr (err, "Run the same command to resume"));
  g_assert_cmpuint (reel_fake_dashscope_count_cancels (fixture->dashscope, NULL), ==, 0);
  g_assert_cmpuint (reel_fake_fal_count_cancels (fixture->fal, NULL), ==, 0);
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), "POST", "/api/v1/tasks/"),
                    ==, 0);
  g_assert_cmpuint (reel_fake_server_count (fal_server (fixture), "PUT", NULL), ==, 0);

  /* The next run picks the same tasks up. */
  if (fal)
    reel_fake_fal_set_latency (fixture->fal, 0, 0);
  else
    reel_fake_dashscope_set_latency (fixture->dashscope, 0, 0);
  rerun_succeeds (fixture, fal ? fal_env : dashscope_env, (const char *const *) args);
  g_strfreev (assert_every_shot_done (fixture));
  g_assert_cmpuint (fal ? reel_fake_fal_count_submits (fixture->fal)
                        : reel_fake_dashscope_count_creates (fixture->dashscope),
                    ==, N_SHOTS);
}

/* ------------------------------------------------------------------------ */
/* Keys and consent                                                          */

static guint
count_jobs (Fixture *fixture)
{
  g_autoptr (ReelProject) project = open_project (fixture);
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (project, FALSE);

  return jobs->len;
}

static void
test_needs_key (Fixture *fixture, gconstpointer data)
{
  gboolean fal = g_strcmp0 (data, "fal") == 0;
  g_auto (GStrv) args = fal ? fal_generate_args (fixture) : dashscope_generate_args (fixture);
  g_autofree char *err = NULL;

  g_assert_cmpint (run (fixture, NULL, (const char *const *) args, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, fal ? "FAL_KEY" : "DASHSCOPE_API_KEY"));
  /* One line, the reason. */
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), NULL, NULL), ==, 0);
  g_assert_cmpuint (reel_fake_server_count (fal_server (fixture), NULL, NULL), ==, 0);
  g_assert_cmpuint (count_jobs (fixture), ==, 0);
}

static void
test_needs_yes (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "generate",   fixture->project,
                               "--backend",  "dashscope",
                               "--endpoint", reel_fake_dashscope_get_base_url (fixture->dashscope),
                               "--model",    MODEL,
                               NULL };
  g_autofree char  *err = NULL;

  /* Without a terminal to ask on, paid work is refused after its price is shown. */
  g_assert_cmpint (run (fixture, dashscope_env, args, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "$0.60"));
  g_assert_nonnull (strstr (err, "--yes"));
  g_assert_cmpuint (reel_fake_server_count (dashscope_server (fixture), NULL, NULL), ==, 0);
  g_assert_cmpuint (count_jobs (fixture), ==, 0);
}

/* The lines of `storyreel backends` about @name, up to the next backend. */
static char *
backend_section (const char *out, const char *name)
{
  g_autofree char *heading = g_strdup_printf ("%s\t", name);
  const char      *start = strstr (out, heading);
  const char      *end;

  g_assert_nonnull (start);
  end = strstr (start, "\n\n");
  return end != NULL ? g_strndup (start, end - start) : g_strdup (start);
}

static void
test_backends_listed (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "backends", NULL };
  g_autofree char  *out = NULL;
  g_autofree char  *dashscope = NULL;
  g_autofree char  *fal = NULL;

  g_assert_cmpint (run (fixture, dashscope_env, args, &out, NULL), ==, 0);
  dashscope = backend_section (out, "dashscope");
  g_assert_nonnull (strstr (dashscope, "configured (key from the environment)"));
  g_assert_nonnull (strstr (dashscope, "models: "));
  g_assert_nonnull (strstr (dashscope, MODEL));
  g_assert_nonnull (strstr (dashscope, "wan2.2-t2v-plus"));
  g_assert_null (strstr (out, DASHSCOPE_KEY));
  /* No key for fal.ai anywhere: it says what to do. */
  fal = backend_section (out, "fal");
  g_assert_nonnull (strstr (fal, "not configured"));
  g_assert_nonnull (strstr (fal, "FAL_KEY"));
}

static void
assert_no_key (const char *text, const char *where)
{
  if (strstr (text, DASHSCOPE_KEY) != NULL || strstr (text, FAL_KEY) != NULL)
    g_error ("An API key appears in %s:\n%s", where, text);
}

static void
test_key_never_printed (Fixture *fixture, gconstpointer data)
{
  const char *const debug_dashscope_env[]
      = { "DASHSCOPE_API_KEY=" DASHSCOPE_KEY, "FAL_KEY=" FAL_KEY, "G_MESSAGES_DEBUG=all", NULL };
  /* fal.ai given Model Studio's key: refused, and the key not echoed. */
  const char *const wrong_fal_env[] = { "FAL_KEY=" DASHSCOPE_KEY, "G_MESSAGES_DEBUG=all", NULL };
  g_auto (GStrv) args = dashscope_generate_args (fixture);
  g_auto (GStrv) fal_args = fal_generate_args (fixture);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run (fixture, wrong_fal_env, (const char *const *) fal_args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "did not accept the API key"));
  assert_no_key (out, "the output of a refused generate");
  assert_no_key (err, "the messages of a refused generate");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  reel_fake_dashscope_set_latency (fixture->dashscope, 0, 0);
  g_assert_cmpint (run (fixture, debug_dashscope_env, (const char *const *) args, &out, &err), ==,
                   0);
  /* The debug log was on (GLib writes it to stdout), and tells the story
   * of the requests. */
  g_assert_nonnull (strstr (out, "/api/v1/tasks/"));
  assert_no_key (out, "the output of generate");
  assert_no_key (err, "the messages of generate");
}

int
main (int argc, char **argv)
{
  static const Quit quit_term = { "dashscope", SIGTERM };
  static const Quit quit_int = { "dashscope", SIGINT };
  static const Quit quit_fal = { "fal", SIGTERM };

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data)                                                                      \
  g_test_add ("/cli-remote/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("killed/before-create-reply", test_killed_before_create_reply, NULL);
  ADD ("killed/while-polling", test_killed_while_polling, NULL);
  ADD ("killed/while-downloading", test_killed_while_downloading, NULL);
  ADD ("killed/fal-while-polling", test_fal_killed_while_polling, NULL);
  ADD ("killed/fal-before-submit-reply", test_fal_killed_before_submit_reply, NULL);
  ADD ("quit/sigterm", test_quit_sends_no_cancel, &quit_term);
  ADD ("quit/sigint", test_quit_sends_no_cancel, &quit_int);
  ADD ("quit/fal", test_quit_sends_no_cancel, &quit_fal);
  ADD ("needs-key/dashscope", test_needs_key, "dashscope");
  ADD ("needs-key/fal", test_needs_key, "fal");
  ADD ("needs-yes", test_needs_yes, NULL);
  ADD ("backends", test_backends_listed, NULL);
  ADD ("key-never-printed", test_key_never_printed, NULL);
#undef ADD

  return g_test_run ();
}
