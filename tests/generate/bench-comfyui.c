/* bench-comfyui.c: a pool of two ComfyUI servers kept busy
 *
 * 40 shots on two fake ComfyUI servers, each running one prompt at a time
 * for a fixed time (5 ms a unit of work, about 100 units a prompt). The
 * pool keeps one prompt running and one waiting on each server, so a server
 * starts its next prompt as soon as one ends: the benchmark prints each
 * server's idle time between consecutive prompts (target: under 50 ms, that
 * is, the next prompt was already queued; the fake itself starts a waiting
 * prompt on its next 5 ms tick) and the batch's wall time against the ideal,
 * 20 prompts one after another on each server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <stdio.h>

#include "fake-comfyui.h"
#include "reel-comfyui-backend.h"
#include "reel-scheduler.h"
#include "reel-test-utils.h"

#define N_SHOTS 40
#define N_SERVERS 2
#define TICK_MS 5
#define STEPS 90
#define TARGET_MS 50.0

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

static ReelProject *
make_project (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "Farm.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GString) script = g_string_new (NULL);
  ReelProject *project = reel_project_create (file, "Farm", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < N_SHOTS; i++)
    g_string_append_printf (script, "Shot %u of the render farm.\n\n", i + 1);
  if (!reel_project_set_resolution (project, 160, 96, &error)
      || !reel_project_set_script (project, script->str, &error)
      || !reel_project_break_down (project, NULL, &error))
    g_error ("%s", error->message);
  return project;
}

/* Prints one server's gaps between prompts; returns the longest in ms. */
static double
report_server (guint index, ReelFakeComfyui *server, double *busy_ms, guint *n_prompts)
{
  g_autoptr (GArray) spans = reel_fake_comfyui_dup_run_spans (server);
  guint  n = spans->len / 2;
  double longest = 0, total_gap = 0;

  *busy_ms = 0;
  for (guint i = 0; i < n; i++)
    {
      gint64 start = g_array_index (spans, gint64, 2 * i);
      gint64 end = g_array_index (spans, gint64, 2 * i + 1);

      *busy_ms += (end - start) / 1000.0;
      if (i > 0)
        {
          double gap = (start - g_array_index (spans, gint64, 2 * i - 1)) / 1000.0;
          total_gap += gap;
          longest = MAX (longest, gap);
        }
    }
  *n_prompts = n;
  printf ("server %u: %u prompts, %.2f s busy; idle between prompts: mean %.1f ms, longest "
          "%.1f ms\n",
          index + 1, n, *busy_ms / 1000, n > 1 ? total_gap / (n - 1) : 0, longest);
  return longest;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) video = NULL;
  g_autoptr (GString) urls = g_string_new (NULL);
  g_autofree char *dir = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelScheduler) scheduler = NULL;
  g_autoptr (ReelComfyuiBackend) backend = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  ReelFakeComfyui *servers[N_SERVERS];
  Run              run = { loop, 0, 0 };
  double           longest = 0, busiest = 0, elapsed, ideal;
  guint            prompts = 0;
  gint64           start, end;
  gboolean         ok;

  gst_init (&argc, &argv);
  video = reel_fake_make_video ();
  dir = g_dir_make_tmp ("storyreel-bench-comfyui-XXXXXX", &error);
  g_assert_no_error (error);
  project = make_project (dir);

  for (guint i = 0; i < N_SERVERS; i++)
    {
      servers[i] = reel_fake_comfyui_new (video);
      reel_fake_comfyui_set_tick (servers[i], TICK_MS);
      g_string_append_printf (urls, "%s%s", i > 0 ? "," : "",
                              reel_fake_comfyui_get_url (servers[i]));
    }

  backend = reel_comfyui_backend_new (urls->str);
  reel_comfyui_backend_set_steps (backend, STEPS);
  scheduler = reel_scheduler_new (project);
  reel_scheduler_add_backend (scheduler, REEL_BACKEND (backend));
  g_signal_connect (scheduler, "job-changed", G_CALLBACK (job_changed_cb), &run);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), &run);

  start = g_get_monotonic_time ();
  if (reel_scheduler_generate (scheduler, NULL, 0, &(ReelGenerateOptions){ .backend = "comfyui" },
                               &error)
      == 0)
    g_error ("nothing queued: %s", error != NULL ? error->message : "?");
  g_main_loop_run (loop);
  end = g_get_monotonic_time ();
  reel_scheduler_shutdown (scheduler);

  printf ("shots: %d on %d fake ComfyUI servers, %d ms a unit of work\n", N_SHOTS, N_SERVERS,
          TICK_MS);
  for (guint i = 0; i < N_SERVERS; i++)
    {
      double busy, server_longest;
      guint  n;

      server_longest = report_server (i, servers[i], &busy, &n);
      longest = MAX (longest, server_longest);
      busiest = MAX (busiest, busy);
      prompts += n;
    }

  /* The ideal: the busiest server's prompts one after another. */
  elapsed = (end - start) / 1e6;
  ideal = busiest / 1000;
  ok = run.done == N_SHOTS && run.failed == 0 && prompts == N_SHOTS && longest < TARGET_MS;
  printf ("takes: %u done, %u failed; prompts run: %u\n", run.done, run.failed, prompts);
  printf ("elapsed: %.2f s, ideal (busiest server back to back): %.2f s, ratio: %.3f\n", elapsed,
          ideal, elapsed / ideal);
  printf ("longest idle between prompts: %.1f ms (target < %.0f ms)\n", longest, TARGET_MS);
  printf ("%s\n", ok ? "PASS" : "FAIL");

  g_clear_object (&scheduler);
  g_clear_object (&project);
  for (guint i = 0; i < N_SERVERS; i++)
    reel_fake_comfyui_free (servers[i]);
  reel_test_rm_rf (dir);
  return ok ? 0 : 1;
}
