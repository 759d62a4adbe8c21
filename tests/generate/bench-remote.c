/* bench-remote.c: remote generation against a fake Model Studio
 *
 * 100 shots on the Model Studio backend, against a fake service in a child
 * process whose tasks take 2 s, within the backend's concurrency limit of
 * 2 tasks: the ideal is 100 / 2 × 2 s = 100 s. The benchmark prints the wall
 * time against that ideal and the CPU time Storyreel spends per job (the
 * fake's own CPU is in the other process), and the number of creates the
 * service saw (exactly one per shot).
 *
 * The poll interval is the backend's own (1 s, doubling every third poll up
 * to 5 s, as the DashScope SDK polls), since the figure is about the app as
 * users run it.
 *
 *   bench-remote              the benchmark
 *   bench-remote --serve      the fake service alone (used by the above)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#include "fake-dashscope.h"
#include "reel-dashscope-backend.h"
#include "reel-media-store.h"
#include "reel-scheduler.h"
#include "reel-test-utils.h"

#define N_SHOTS 100
#define LATENCY_MS 2000
#define PARALLEL 2
#define BENCH_KEY "sk-bench-0123456789"
#define BENCH_MODEL "wan2.6-t2v"

/* The fake runs in its own process, so its CPU is not counted as the app's. */
static int
serve (void)
{
  g_autoptr (GBytes) video = reel_fake_make_video ();
  g_autoptr (ReelFakeDashscope) fake = reel_fake_dashscope_new (BENCH_KEY, video);
  char line[64];

  reel_fake_dashscope_set_latency (fake, 0, LATENCY_MS);
  printf ("%s\n", reel_fake_dashscope_get_base_url (fake));
  fflush (stdout);
  /* Until the parent asks for the count, which is the last thing it does. */
  if (fgets (line, sizeof line, stdin) != NULL)
    printf ("%u\n", reel_fake_dashscope_count_creates (fake));
  fflush (stdout);
  return 0;
}

typedef struct
{
  GMainLoop *loop;
  guint      done;
  guint      failed;
} Run;

static void
job_changed_cb (ReelScheduler *scheduler, gint64 job_id, guint state, Run *run)
{
  if (state == REEL_JOB_DONE)
    run->done++;
  else if (state == REEL_JOB_FAILED || state == REEL_JOB_CANCELLED)
    run->failed++;
}

static void
idle_cb (ReelScheduler *scheduler, Run *run)
{
  g_main_loop_quit (run->loop);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec
         + usage.ru_stime.tv_usec / 1e6;
}

static ReelProject *
make_project (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "Bench.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GString) script = g_string_new (NULL);
  ReelProject *project = reel_project_create (file, "Benchmark", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < N_SHOTS; i++)
    g_string_append_printf (script, "Shot number %u of the remote benchmark.\n\n", i + 1);
  if (!reel_project_set_script (project, script->str, &error)
      || !reel_project_break_down (project, NULL, &error))
    g_error ("%s", error->message);
  return project;
}

/* Reads one line from the fake service. */
static char *
read_line (GDataInputStream *input)
{
  g_autoptr (GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (input, NULL, NULL, &error);

  if (line == NULL)
    g_error ("The fake service said nothing: %s", error != NULL ? error->message : "EOF");
  return line;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) service = NULL;
  g_autoptr (GDataInputStream) service_out = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *creates_text = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelScheduler) scheduler = NULL;
  g_autoptr (ReelDashscopeBackend) backend = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Run      run = { loop, 0, 0 };
  gint64   start, end;
  double   cpu_start, cpu, elapsed, ideal;
  guint    creates;
  gboolean ok;

  if (argc > 1 && g_str_equal (argv[1], "--serve"))
    return serve ();

  gst_init (&argc, &argv);

  service = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, argv[0], "--serve", NULL);
  if (service == NULL)
    g_error ("The fake service cannot start: %s", error->message);
  service_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (service));
  base_url = read_line (service_out);

  dir = g_dir_make_tmp ("storyreel-bench-remote-XXXXXX", &error);
  g_assert_no_error (error);
  project = make_project (dir);

  backend = reel_dashscope_backend_new (base_url, BENCH_KEY);
  reel_dashscope_backend_set_model (backend, BENCH_MODEL);
  reel_dashscope_backend_set_max_parallel_jobs (backend, PARALLEL);
  scheduler = reel_scheduler_new (project);
  reel_scheduler_add_backend (scheduler, REEL_BACKEND (backend));
  /* The user asks for more; the service's limit wins. */
  reel_scheduler_set_parallel_limit (scheduler, "dashscope", 8);
  g_signal_connect (scheduler, "job-changed", G_CALLBACK (job_changed_cb), &run);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), &run);

  cpu_start = cpu_seconds ();
  start = g_get_monotonic_time ();
  if (reel_scheduler_generate (scheduler, NULL, 0, &(ReelGenerateOptions){ .backend = "dashscope" },
                               &error)
      == 0)
    g_error ("nothing queued: %s", error != NULL ? error->message : "?");
  g_main_loop_run (loop);
  end = g_get_monotonic_time ();
  cpu = cpu_seconds () - cpu_start;
  reel_scheduler_shutdown (scheduler);

  /* How many tasks the service made. */
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (service), "count\n", 6, NULL, NULL, NULL);
  creates_text = read_line (service_out);
  creates = (guint) g_ascii_strtoull (creates_text, NULL, 10);
  g_subprocess_wait (service, NULL, NULL);

  elapsed = (end - start) / 1e6;
  ideal = ceil ((double) N_SHOTS / PARALLEL) * LATENCY_MS / 1000.0;
  ok = run.done == N_SHOTS && run.failed == 0 && creates == N_SHOTS;

  printf ("shots: %d, task latency: %.1f s, service limit: %d tasks at once\n", N_SHOTS,
          LATENCY_MS / 1000.0, PARALLEL);
  printf ("takes: %u done, %u failed; creates seen by the service: %u (one per shot)\n", run.done,
          run.failed, creates);
  printf ("elapsed: %.2f s, ideal: %.2f s, ratio: %.3f\n", elapsed, ideal, elapsed / ideal);
  printf ("Storyreel's CPU: %.2f s in all, %.1f ms per job\n", cpu, cpu * 1000 / N_SHOTS);
  printf ("%s\n", ok ? "PASS" : "FAIL");

  g_clear_object (&scheduler);
  g_clear_object (&project);
  reel_test_rm_rf (dir);
  return ok ? 0 : 1;
}
