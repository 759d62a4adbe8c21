/* bench-export.c: `storyreel export` as a user runs it, against ffmpeg
 *
 * A project of 20 shots of 5 s at 1280×720, 30 fps (five scenes of four
 * shots, a line of dialogue each), made with the command line, its takes
 * H.264 files.
 *
 * 1. Full export, captions burned in and a music track mixed in, at each
 *    quality (the segment cache emptied first, untimed), against ffmpeg
 *    doing the same with the concat demuxer, the subtitles filter and amix,
 *    libx264 at the same preset (veryfast, medium, slow), CRF 23 and
 *    keyframe interval. The two run interleaved, in alternating order.
 *    Target: Storyreel / ffmpeg ≤ 1.0 at each quality.
 * 2. Re-export after another take of one shot is chosen, against the full
 *    export. Target ≤ 15 %.
 * 3. Five films of a personalised batch (five projects sharing 18 of their
 *    20 takes, each with two takes of its own) exported one after the
 *    other, as the batch exports them, from an empty cache, against one
 *    full export. Target ≤ 1.6×.
 * 4. A cuts-only export (no captions, no music) of the matching takes,
 *    which Storyreel copies, against ffmpeg re-encoding it. Target ≥ 10×.
 *
 * BENCH_QUALITIES picks the qualities of part 1 (default
 * "draft,standard,high"), BENCH_QUALITY the one of parts 2 and 3 (default
 * "standard"), BENCH_ROUNDS the rounds of part 1 (default 1, medians
 * compared), BENCH_SHOTS and BENCH_SECONDS the film's size; BENCH_SKIP
 * lists parts to leave out ("1,4"); BENCH_DIR keeps the inputs there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "reel-test-utils.h"

#define MAX_ROUNDS 9
#define N_BATCH_FILMS 5
#define SHOTS_PER_SCENE 4

static guint  n_shots = 20;
static guint  n_rounds = 1;
static double shot_seconds = 5.0;

/* Runs a command to its end, however long it takes; exits on failure. */
static void
run_or_die (const char *const *argv)
{
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("%s %s failed: %s\n%s\n", argv[0], argv[1], error != NULL ? error->message : "",
                  err != NULL ? err : "");
      exit (1);
    }
}

/* User and system CPU seconds of the commands run so far. */
static double
children_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / (double) G_USEC_PER_SEC;
}

/* CPU seconds of the last command timed: on a machine shared with other
 * work, the wall-clock times of two commands run minutes apart vary with
 * the load, what they cost does not. */
static double last_cpu;

static double
time_command (const char *const *argv)
{
  gint64 start = g_get_monotonic_time ();
  double cpu = children_cpu_seconds ();

  run_or_die (argv);
  last_cpu = children_cpu_seconds () - cpu;
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
make_take (const char *path, guint index, const char *pattern)
{
  g_autofree char *video
      = g_strdup_printf ("%s=size=1280x720:rate=30:duration=%g", pattern, shot_seconds);
  g_autofree char *audio
      = g_strdup_printf ("sine=frequency=%u:duration=%g", 300 + index * 20, shot_seconds);
  /* Like a generated take: H.264 High, yuv420p, AAC, a keyframe every 2 s. */
  const char *argv[]
      = { "ffmpeg",   "-v",      "error",     "-y",  "-f",   "lavfi",   "-i",      video,
          "-f",       "lavfi",   "-i",        audio, "-c:v", "libx264", "-preset", "veryfast",
          "-pix_fmt", "yuv420p", "-g",        "60",  "-c:a", "aac",     "-ar",     "48000",
          "-ac",      "2",       "-shortest", path,  NULL };

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    run_or_die (argv);
}

static void
make_music (const char *path, double seconds)
{
  g_autofree char *source = g_strdup_printf ("sine=frequency=220:duration=%g", seconds);
  const char      *argv[] = { "ffmpeg", "-v",  "error", "-y",  "-f", "lavfi", "-i",
                              source,   "-ar", "48000", "-ac", "2",  path,    NULL };

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    run_or_die (argv);
}

static char *storyreel;

static char *
shot_number (guint index)
{
  return g_strdup_printf ("%u%c", index / SHOTS_PER_SCENE + 1, 'A' + index % SHOTS_PER_SCENE);
}

/* A project whose shot i shows takes[i]. */
static void
make_project (const char *path, const char *script, GPtrArray *takes)
{
  const char *create[]
      = { storyreel, "new", path, "--resolution", "1280x720", "--fps", "30", NULL };
  const char *import[] = { storyreel, "import", path, script, NULL };

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  run_or_die (create);
  run_or_die (import);
  for (guint i = 0; i < takes->len; i++)
    {
      g_autofree char *shot = shot_number (i);
      const char      *take[] = { storyreel, "take", "import", path, shot, takes->pdata[i], NULL };

      run_or_die (take);
    }
}

static void
clear_cache (void)
{
  const char *argv[] = { storyreel, "export", "--clear-cache", NULL };

  run_or_die (argv);
}

static double
time_export (const char *project, const char *output, const char *quality, const char *music)
{
  const char *argv[] = { storyreel,
                         "export",
                         project,
                         "-o",
                         output,
                         "--quality",
                         quality,
                         "--captions",
                         "burn",
                         "--no-sidecars",
                         "--label-position",
                         "none",
                         music != NULL ? "--music" : NULL,
                         music,
                         NULL };

  return time_command (argv);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (const double *values, guint n)
{
  double sorted[MAX_ROUNDS];

  memcpy (sorted, values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static const char *
x264_preset (const char *quality)
{
  if (g_str_equal (quality, "draft"))
    return "veryfast";
  if (g_str_equal (quality, "high"))
    return "slow";
  return "medium";
}

static gboolean
skipped (guint part)
{
  g_autofree char *name = g_strdup_printf ("%u", part);
  g_auto (GStrv) parts
      = g_strsplit (g_getenv ("BENCH_SKIP") ? g_getenv ("BENCH_SKIP") : "", ",", -1);

  return g_strv_contains ((const char *const *) parts, name);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *list_path = NULL;
  g_autofree char *srt_path = NULL;
  g_autofree char *music = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *script = NULL;
  g_autofree char *project = NULL;
  g_autoptr (GPtrArray) takes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) list = g_string_new (NULL);
  g_autoptr (GString) fountain = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *qualities_text = g_getenv ("BENCH_QUALITIES");
  const char *quality
      = g_getenv ("BENCH_QUALITY") != NULL ? g_getenv ("BENCH_QUALITY") : "standard";
  g_auto (GStrv) qualities
      = g_strsplit (qualities_text ? qualities_text : "draft,standard,high", ",", -1);
  gboolean keep_dir = g_getenv ("BENCH_DIR") != NULL;
  double   full = 0, full_cpu = 1;

  setlocale (LC_ALL, "");
  gst_init (&argc, &argv);
  if (g_getenv ("BENCH_SHOTS") != NULL)
    n_shots = MAX (3, atoi (g_getenv ("BENCH_SHOTS")));
  if (g_getenv ("BENCH_ROUNDS") != NULL)
    n_rounds = CLAMP (atoi (g_getenv ("BENCH_ROUNDS")), 1, MAX_ROUNDS);
  if (g_getenv ("BENCH_SECONDS") != NULL)
    shot_seconds = MAX (1.0, g_ascii_strtod (g_getenv ("BENCH_SECONDS"), NULL));

  storyreel = reel_test_build_path ("app/storyreel");
  dir = keep_dir ? g_strdup (g_getenv ("BENCH_DIR")) : reel_test_make_tmpdir ();
  g_mkdir_with_parents (dir, 0700);
  /* The command line's segment cache, here rather than the user's. */
  cache = g_build_filename (dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  g_print ("Making a project of %u takes of %g s at 1280×720, 30 fps in %s…\n", n_shots,
           shot_seconds, dir);
  for (guint i = 0; i < n_shots; i++)
    {
      char *path = g_strdup_printf ("%s/take-%02u.mp4", dir, i);

      make_take (path, i, "testsrc2");
      g_ptr_array_add (takes, path);
      g_string_append_printf (list, "file '%s'\n", path);
      if (i % SHOTS_PER_SCENE == 0)
        g_string_append_printf (fountain, "INT. ROOM %u - DAY\n\n", i / SHOTS_PER_SCENE + 1);
      g_string_append_printf (fountain,
                              "Shot %u happens.\n\nANNA\nThis is the line of dialogue for shot "
                              "number %u.\n\n",
                              i + 1, i + 1);
    }
  music = g_build_filename (dir, "music.wav", NULL);
  make_music (music, n_shots * shot_seconds);
  list_path = g_build_filename (dir, "list.txt", NULL);
  script = g_build_filename (dir, "film.fountain", NULL);
  project = g_build_filename (dir, "film.storyreel", NULL);
  g_assert_true (g_file_set_contents (list_path, list->str, -1, &error));
  g_assert_true (g_file_set_contents (script, fountain->str, -1, &error));
  make_project (project, script, takes);
  srt_path = g_build_filename (dir, "captions.srt", NULL);
  {
    const char *argv_srt[] = { storyreel, "export", project, "-o", srt_path, NULL };

    run_or_die (argv_srt);
  }
  filter = g_strdup_printf ("[0:v]subtitles=%s[v];[0:a][1:a]amix=inputs=2:duration=first[a]",
                            srt_path);

  /* 1. Full exports at each quality */
  for (guint q = 0; !skipped (1) && qualities[q] != NULL; q++)
    {
      g_autofree char *output = g_build_filename (dir, "storyreel-full.mp4", NULL);
      g_autofree char *ffmpeg_output = g_build_filename (dir, "ffmpeg-full.mp4", NULL);
      g_autofree char *keyframes = g_strdup ("60");
      const char      *ffmpeg[] = { "ffmpeg",
                                    "-v",
                                    "error",
                                    "-y",
                                    "-f",
                                    "concat",
                                    "-safe",
                                    "0",
                                    "-i",
                                    list_path,
                                    "-i",
                                    music,
                                    "-filter_complex",
                                    filter,
                                    "-map",
                                    "[v]",
                                    "-map",
                                    "[a]",
                                    "-c:v",
                                    "libx264",
                                    "-preset",
                                    x264_preset (qualities[q]),
                                    "-crf",
                                    "23",
                                    "-g",
                                    keyframes,
                                    "-pix_fmt",
                                    "yuv420p",
                                    "-c:a",
                                    "aac",
                                    "-b:a",
                                    "192k",
                                    ffmpeg_output,
                                    NULL };
      double           storyreel_times[MAX_ROUNDS], ffmpeg_times[MAX_ROUNDS];
      double           storyreel_cpus[MAX_ROUNDS], ffmpeg_cpus[MAX_ROUNDS];

      for (guint round = 0; round < n_rounds; round++)
        for (guint side = 0; side < 2; side++)
          {
            gboolean ffmpeg_turn = (side == 0) == ((round + q) % 2 == 1);

            if (ffmpeg_turn)
              {
                ffmpeg_times[round] = time_command (ffmpeg);
                ffmpeg_cpus[round] = last_cpu;
              }
            else
              {
                clear_cache ();
                storyreel_times[round] = time_export (project, output, qualities[q], music);
                storyreel_cpus[round] = last_cpu;
              }
          }

      g_print ("\n1. Full export, burned captions + music, %u × %g s, --quality %s (x264 %s):\n",
               n_shots, shot_seconds, qualities[q], x264_preset (qualities[q]));
      for (guint round = 0; round < n_rounds; round++)
        g_print ("  round %u    storyreel export %6.2f s (CPU %6.2f s)   ffmpeg %6.2f s (CPU %6.2f "
                 "s)   ratio %.2f (CPU %.2f)\n",
                 round + 1, storyreel_times[round], storyreel_cpus[round], ffmpeg_times[round],
                 ffmpeg_cpus[round], storyreel_times[round] / ffmpeg_times[round],
                 storyreel_cpus[round] / ffmpeg_cpus[round]);
      g_print ("  median     ratio %.2f, CPU ratio %.2f (target ≤ 1.0)\n",
               median (storyreel_times, n_rounds) / median (ffmpeg_times, n_rounds),
               median (storyreel_cpus, n_rounds) / median (ffmpeg_cpus, n_rounds));
    }

  /* 2. Re-export after one shot changed */
  if (!skipped (2) || !skipped (3))
    {
      g_autofree char *output = g_build_filename (dir, "storyreel-full.mp4", NULL);

      clear_cache ();
      full = time_export (project, output, quality, music);
      full_cpu = last_cpu;
      g_print ("\nFull export at --quality %s from an empty cache: %.2f s (CPU %.2f s)\n", quality,
               full, full_cpu);
    }
  if (!skipped (2))
    {
      g_autofree char *output = g_build_filename (dir, "storyreel-full.mp4", NULL);
      g_autofree char *other = g_build_filename (dir, "other-take.mp4", NULL);
      g_autofree char *shot = shot_number (n_shots / 2);
      const char      *import[] = { storyreel, "take", "import", project, shot, other, NULL };
      const char      *choose[] = { storyreel, "take", "choose", project, shot, "2", NULL };
      const char      *back[] = { storyreel, "take", "choose", project, shot, "1", NULL };
      double           again, again_cpu;

      make_take (other, 99, "smptebars");
      run_or_die (import);
      run_or_die (choose);
      again = time_export (project, output, quality, music);
      again_cpu = last_cpu;
      run_or_die (back);
      g_print ("\n2. Re-export after shot %s changed: %.2f s (CPU %.2f s), %.1f %% of the full "
               "export (CPU %.1f %%; target ≤ 15 %%)\n",
               shot, again, again_cpu, 100 * again / full, 100 * again_cpu / full_cpu);
    }

  /* 3. A personalised batch */
  if (!skipped (3))
    {
      double total = 0, total_cpu = 0;

      clear_cache ();
      for (guint film = 0; film < N_BATCH_FILMS; film++)
        {
          g_autofree char *name = g_strdup_printf ("row-%u.storyreel", film);
          g_autofree char *row_project = g_build_filename (dir, name, NULL);
          g_autofree char *output = g_strdup_printf ("%s/row-%u.mp4", dir, film);
          g_autoptr (GPtrArray) row_takes = g_ptr_array_new_with_free_func (g_free);

          for (guint i = 0; i < n_shots; i++)
            {
              if (i == 1 || i == n_shots - 2)
                {
                  char *path = g_strdup_printf ("%s/row-%u-take-%02u.mp4", dir, film, i);

                  make_take (path, i + film * 3, film % 2 == 0 ? "smptebars" : "testsrc");
                  g_ptr_array_add (row_takes, path);
                }
              else
                g_ptr_array_add (row_takes, g_strdup (takes->pdata[i]));
            }
          make_project (row_project, script, row_takes);
          total += time_export (row_project, output, quality, music);
          total_cpu += last_cpu;
        }
      g_print ("\n3. A batch of %u films, 2 of %u shots differing: %.2f s (CPU %.2f s), %.2f× one "
               "full export (CPU %.2f×; target ≤ 1.6×)\n",
               N_BATCH_FILMS, n_shots, total, total_cpu, total / full, total_cpu / full_cpu);
    }

  /* 4. Cuts only: copied by Storyreel, re-encoded by ffmpeg */
  if (!skipped (4))
    {
      g_autofree char *output = g_build_filename (dir, "storyreel-copy.mp4", NULL);
      g_autofree char *ffmpeg_output = g_build_filename (dir, "ffmpeg-reencode.mp4", NULL);
      const char      *copy[] = { storyreel,    "export", project,         "-o", output,
                                  "--captions", "off",    "--no-sidecars", NULL };
      const char      *ffmpeg[] = {
             "ffmpeg", "-v",          "error",    "-y",      "-f",      "concat",  "-safe",
             "0",      "-i",          list_path,  "-c:v",    "libx264", "-preset", x264_preset (quality),
             "-crf",   "23",          "-pix_fmt", "yuv420p", "-c:a",    "aac",     "-b:a",
             "192k",   ffmpeg_output, NULL
      };
      double storyreel_copy = time_command (copy);
      double ffmpeg_copy = time_command (ffmpeg);

      g_print ("\n4. Cuts only:\n  storyreel export %7.2f s (copying)\n  ffmpeg %7.2f s "
               "(re-encoding)\n  speed-up   %7.1f× (target ≥ 10×)\n",
               storyreel_copy, ffmpeg_copy, ffmpeg_copy / storyreel_copy);
    }

  if (g_getenv ("BENCH_KEEP") == NULL && !keep_dir)
    reel_test_rm_rf (dir);
  return 0;
}
