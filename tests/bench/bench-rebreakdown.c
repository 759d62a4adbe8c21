/* bench-rebreakdown.c: re-breaking down an edited feature-length script
 *
 * A director's previs of a feature has 1,000 to 2,000 shots, and every pass over the script
 * touches most of them. For each size (default 2,000 and 8,000 shots, or the sizes given as
 * arguments) this makes a Fountain script of four shots per scene, creates a project from it,
 * then edits every shot lightly (a word changed or added in each action line), swaps a few
 * scenes far apart, inserts and deletes a few shots, and times the re-breakdown of the edited
 * script through the path the GUI and CLI take: reel_project_set_script() and
 * reel_project_break_down(). Target at 8,000 shots: ≤ 2 s and ≤ 300 MB.
 *
 * Each size runs in a child process of its own, and the peak resident memory (VmHWM) is reset
 * before the re-breakdown, so the figure is the re-breakdown's own peak, the open project
 * included. The parse and the matcher are then timed alone to say where the time goes; the rest
 * is the SQL apply and the reload of the project's models.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reel-breakdown.h"
#include "reel-project.h"
#include "reel-shot-matcher.h"
#include "reel-test-feature.h"
#include "reel-test-utils.h"

#define TARGET_SECONDS 2.0
#define TARGET_MB 300.0
#define SHOTS_PER_SCENE 4
#define MOVE_EVERY 97 /* scenes: one in this many swaps with one far later */
#define MOVE_DISTANCE 40
#define INSERT_EVERY 50 /* scenes: one in this many gains a shot, another loses one */

typedef struct
{
  char      *heading;
  GPtrArray *shots; /* char* */
  char      *speech;
} Scene;

static void
scene_free (Scene *scene)
{
  g_free (scene->heading);
  g_ptr_array_unref (scene->shots);
  g_free (scene->speech);
  g_free (scene);
}

static char *
make_sentence (GPtrArray *words, GRand *rand)
{
  GString *text = g_string_new (NULL);
  guint    n = g_rand_int_range (rand, 8, 15);

  for (guint k = 0; k < n; k++)
    {
      if (k > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, reel_test_pick_word (words, rand));
    }
  text->str[0] = g_ascii_toupper (text->str[0]);
  g_string_append_c (text, '.');
  return g_string_free (text, FALSE);
}

static GPtrArray *
make_scenes (guint n_shots, GPtrArray *words, GRand *rand)
{
  GPtrArray *scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) scene_free);

  for (guint i = 0; i < (n_shots + SHOTS_PER_SCENE - 1) / SHOTS_PER_SCENE; i++)
    {
      Scene *scene = g_new0 (Scene, 1);

      scene->heading = g_strdup_printf ("%s. %s %u - %s", i % 3 == 0 ? "EXT" : "INT",
                                        (const char *) reel_test_pick_word (words, rand), i + 1,
                                        i % 2 == 0 ? "DAY" : "NIGHT");
      scene->shots = g_ptr_array_new_with_free_func (g_free);
      for (guint k = 0; k < SHOTS_PER_SCENE && i * SHOTS_PER_SCENE + k < n_shots; k++)
        g_ptr_array_add (scene->shots, make_sentence (words, rand));
      scene->speech = make_sentence (words, rand);
      g_ptr_array_add (scenes, scene);
    }
  return scenes;
}

/* One word replaced, or one added at the end: the light edit of a re-read. */
static char *
edit_shot (const char *text, GPtrArray *words, GRand *rand)
{
  g_auto (GStrv) parts = g_strsplit (text, " ", -1);
  guint n = g_strv_length (parts);

  if (g_rand_boolean (rand))
    {
      g_autofree char *joined = g_strndup (text, strlen (text) - 1);

      return g_strdup_printf ("%s %s.", joined, reel_test_pick_word (words, rand));
    }

  {
    guint k = g_rand_int_range (rand, 1, n - 1);

    g_free (parts[k]);
    parts[k] = g_strdup (reel_test_pick_word (words, rand));
    return g_strjoinv (" ", parts);
  }
}

static GPtrArray *
edit_scenes (GPtrArray *scenes, GPtrArray *words, GRand *rand)
{
  GPtrArray *edited = g_ptr_array_new_with_free_func ((GDestroyNotify) scene_free);

  for (guint i = 0; i < scenes->len; i++)
    {
      const Scene *scene = g_ptr_array_index (scenes, i);
      Scene       *copy = g_new0 (Scene, 1);

      copy->heading = g_strdup (scene->heading);
      copy->speech = g_strdup (scene->speech);
      copy->shots = g_ptr_array_new_with_free_func (g_free);
      for (guint k = 0; k < scene->shots->len; k++)
        g_ptr_array_add (copy->shots, edit_shot (g_ptr_array_index (scene->shots, k), words, rand));
      if (i % INSERT_EVERY == 0)
        g_ptr_array_insert (copy->shots, 1, make_sentence (words, rand));
      else if (i % INSERT_EVERY == INSERT_EVERY / 2 && copy->shots->len > 2)
        g_ptr_array_remove_index (copy->shots, 2);
      g_ptr_array_add (edited, copy);
    }

  for (guint i = 0; i + MOVE_DISTANCE < edited->len; i += MOVE_EVERY)
    {
      gpointer first = edited->pdata[i];

      edited->pdata[i] = edited->pdata[i + MOVE_DISTANCE];
      edited->pdata[i + MOVE_DISTANCE] = first;
    }
  return edited;
}

static char *
to_fountain (GPtrArray *scenes)
{
  GString *text = g_string_new ("Title: The Long Previs\n\n");

  for (guint i = 0; i < scenes->len; i++)
    {
      const Scene *scene = g_ptr_array_index (scenes, i);

      g_string_append_printf (text, "%s\n\n", scene->heading);
      for (guint k = 0; k < scene->shots->len; k++)
        {
          g_string_append_printf (text, "%s\n\n",
                                  (const char *) g_ptr_array_index (scene->shots, k));
          if (k == 1)
            g_string_append_printf (text, "MARA\n%s\n\n", scene->speech);
        }
    }
  return g_string_free (text, FALSE);
}

static double
now_seconds (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

/* The peak resident memory in MB since the last reset_peak(). */
static double
peak_mb (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

static double
resident_mb (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024.0;
}

/* Writing 5 to clear_refs sets VmHWM back to the current resident size (Linux 4.0 and later). */
static void
reset_peak (void)
{
  FILE    *clear_refs = fopen ("/proc/self/clear_refs", "w");
  gboolean reset = clear_refs != NULL && fputs ("5", clear_refs) >= 0;

  if (clear_refs != NULL && fclose (clear_refs) != 0)
    reset = FALSE;
  if (!reset)
    g_printerr ("Could not reset the peak memory; it includes the set-up\n");
}

static GStrv
plan_texts (ReelPlan *plan)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < plan->scenes->len; i++)
    {
      ReelPlanScene *scene = g_ptr_array_index (plan->scenes, i);

      for (guint k = 0; k < scene->shots->len; k++)
        g_strv_builder_add (builder, ((ReelPlanShot *) g_ptr_array_index (scene->shots, k))->text);
    }
  return g_strv_builder_end (builder);
}

/* The parse and the matcher alone, on the same scripts, to say where the time goes. */
static void
time_parts (const char *original, const char *edited)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelPlan) old_plan = reel_breakdown_script (original, &error);
  g_autoptr (ReelPlan) new_plan = NULL;
  g_autoptr (GArray) matches = NULL;
  g_auto (GStrv) old_texts = NULL;
  g_auto (GStrv) new_texts = NULL;
  double start, parse, match, base;
  guint  kept = 0;

  g_assert_no_error (error);
  start = now_seconds ();
  new_plan = reel_breakdown_script (edited, &error);
  parse = now_seconds () - start;
  g_assert_no_error (error);

  old_texts = plan_texts (old_plan);
  new_texts = plan_texts (new_plan);
  reset_peak ();
  base = resident_mb ();
  start = now_seconds ();
  matches
      = reel_shot_matcher_match ((const char *const *) old_texts, NULL, g_strv_length (old_texts),
                                 (const char *const *) new_texts, NULL, g_strv_length (new_texts));
  match = now_seconds () - start;
  for (guint j = 0; j < matches->len; j++)
    kept += g_array_index (matches, ReelShotMatch, j).old_index >= 0;

  g_print ("  parse + breakdown  %6.2f s\n", parse);
  g_print ("  shot matcher       %6.2f s  %+7.1f MB  (%u of %u new shots matched)\n", match,
           peak_mb () - base, kept, matches->len);
}

static void
run_size (guint n_shots)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);
  g_autoptr (GPtrArray) words = reel_test_make_vocabulary (rand);
  g_autoptr (GPtrArray) scenes = make_scenes (n_shots, words, rand);
  g_autoptr (GPtrArray) edited = edit_scenes (scenes, words, rand);
  g_autofree char *original = to_fountain (scenes);
  g_autofree char *changed = to_fountain (edited);
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "previs.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = reel_project_create (file, NULL, &error);
  ReelBreakdownReport report = { 0 };
  double              start, total, peak, script_seconds;

  g_assert_no_error (error);
  start = now_seconds ();
  g_assert_true (reel_project_set_script (project, original, &error));
  g_assert_true (reel_project_break_down (project, &report, &error));
  g_print ("%u shots: first breakdown %.2f s (%u shots in %u scenes)\n", n_shots,
           now_seconds () - start, report.shots, report.scenes);

  reset_peak ();
  start = now_seconds ();
  g_assert_true (reel_project_set_script (project, changed, &error));
  script_seconds = now_seconds () - start;
  g_assert_true (reel_project_break_down (project, &report, &error));
  total = now_seconds () - start;
  peak = peak_mb ();
  g_assert_no_error (error);

  g_print ("  re-breakdown       %6.2f s  %7.1f MB peak  (target %.0f s / %.0f MB: ratios %.2f / "
           "%.2f)\n",
           total, peak, TARGET_SECONDS, TARGET_MB, total / TARGET_SECONDS, peak / TARGET_MB);
  g_print ("  %u kept unchanged, %u kept edited, %u added, %u removed\n", report.unchanged,
           report.changed, report.added, report.removed);
  g_print ("  storing the script %6.2f s\n", script_seconds);
  time_parts (original, changed);

  g_clear_object (&project);
  reel_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  guint default_sizes[] = { 2000, 8000 };
  guint n_sizes = argc > 1 ? (guint) argc - 1 : G_N_ELEMENTS (default_sizes);
  int   failed = 0;

  setlocale (LC_ALL, "");
  for (guint i = 0; i < n_sizes; i++)
    {
      guint n_shots = argc > 1 ? (guint) atoi (argv[i + 1]) : default_sizes[i];
      pid_t pid;
      int   status = 0;

      if (n_shots == 0)
        {
          g_printerr ("Usage: %s [SHOTS...]\n", argv[0]);
          return 2;
        }

      /* A fresh process per size, so one size's heap does not count in the next one's peak. */
      fflush (stdout);
      pid = fork ();
      if (pid == 0)
        {
          run_size (n_shots);
          fflush (stdout);
          _exit (0);
        }
      waitpid (pid, &status, 0);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        failed = 1;
    }
  return failed;
}
