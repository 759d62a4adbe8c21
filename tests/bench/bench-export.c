/* bench-export.c: Storyreel's film export against the equivalent ffmpeg command
 *
 * 1. 20 shots of 5 s at 1280×720, 30 fps, H.264, exported to MP4 with the
 *    captions burned in and a music track; ffmpeg does the same with the
 *    concat demuxer, the subtitles filter and amix, libx264 at the same
 *    preset and CRF. Target: Storyreel / ffmpeg ≤ 1.0.
 * 2. A cuts-only export of the same matching takes, which Storyreel copies,
 *    against ffmpeg re-encoding the same film. Target: ffmpeg / Storyreel ≥ 10.
 *
 * BENCH_PRESET sets the x264 preset for both (default "veryfast"), BENCH_SHOTS
 * and BENCH_SECONDS the size of the film, BENCH_ROUNDS how many times each
 * side of the first part runs (default 3; the medians are compared). BENCH_DIR keeps the inputs
 * there for the next run; BENCH_SKIP_FFMPEG times Storyreel alone and BENCH_SKIP_COPY leaves out
 * the second part (for profiling).
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

#include "reel-captions.h"
#include "reel-exporter.h"
#include "reel-media-memory.h"
#include "reel-test-utils.h"

#define MAX_ROUNDS 9

static guint  n_shots = 20;
static guint  n_rounds = 3;
static double shot_seconds = 5.0;

static void
run_or_die (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int              status = reel_test_spawn (argv, NULL, &out, &err);

  if (status != 0)
    {
      g_printerr ("%s failed (%d):\n%s\n", argv[0], status, err);
      exit (1);
    }
}

static void
make_take (const char *path, guint index)
{
  g_autofree char *video
      = g_strdup_printf ("testsrc2=size=1280x720:rate=30:duration=%g", shot_seconds);
  g_autofree char *audio
      = g_strdup_printf ("sine=frequency=%u:duration=%g", 300 + index * 20, shot_seconds);
  /* Like a generated take: H.264 High, yuv420p, AAC, a keyframe every 2 s. */
  const char *argv[]
      = { "ffmpeg",   "-v",      "error",     "-y",  "-f",   "lavfi",   "-i",      video,
          "-f",       "lavfi",   "-i",        audio, "-c:v", "libx264", "-preset", "veryfast",
          "-pix_fmt", "yuv420p", "-g",        "60",  "-c:a", "aac",     "-ar",     "48000",
          "-ac",      "2",       "-shortest", path,  NULL };
  run_or_die (argv);
}

static void
make_music (const char *path, double seconds)
{
  g_autofree char *source = g_strdup_printf ("sine=frequency=220:duration=%g", seconds);
  const char      *argv[] = { "ffmpeg", "-v",  "error", "-y",  "-f", "lavfi", "-i",
                              source,   "-ar", "48000", "-ac", "2",  path,    NULL };
  run_or_die (argv);
}

typedef struct
{
  gboolean      done;
  gboolean      ok;
  GError       *error;
  ReelExporter *exporter;
} ExportRun;

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ExportRun *run = user_data;

  run->ok = reel_exporter_run_finish (REEL_EXPORTER (source), result, &run->error);
  run->done = TRUE;
}

/* Wall-clock seconds of one export; exits on failure. */
static double
time_storyreel (ReelCut                 *cut,
                const ReelExportOptions *options,
                const char              *output,
                gboolean                *copied)
{
  g_autoptr (ReelExporter) exporter = reel_exporter_new (cut, options, output);
  ExportRun run = { FALSE, FALSE, NULL, exporter };
  gint64    start = g_get_monotonic_time ();

  reel_exporter_run_async (exporter, NULL, export_done_cb, &run);
  reel_test_wait_until (reel_test_flag_is_set, &run.done, 300000, "the export to finish");
  if (!run.ok)
    {
      g_printerr ("Storyreel export failed: %s\n", run.error->message);
      exit (1);
    }
  *copied = reel_exporter_get_stream_copied (exporter);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
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

static double
time_command (const char *const *argv)
{
  gint64 start = g_get_monotonic_time ();

  run_or_die (argv);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* User and system CPU seconds used so far by this process, or by its waited
 * children: with the wall time, how many cores each side kept busy. */
static double
cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / (double) G_USEC_PER_SEC;
}

static ReelCut *
make_cut (GPtrArray *takes, const char *music, gboolean with_captions)
{
  ReelCut *cut = reel_cut_new ();

  cut->title = g_strdup ("Benchmark");
  cut->width = 1280;
  cut->height = 720;
  cut->fps = 30;
  for (guint i = 0; i < takes->len; i++)
    {
      ReelCutItem *item = reel_cut_item_new ();

      item->shot_id = i + 1;
      item->shot_number = g_strdup_printf ("%u", i + 1);
      item->media_path = g_strdup (g_ptr_array_index (takes, i));
      item->media_duration = shot_seconds;
      item->out_point = shot_seconds;
      item->duration = shot_seconds;
      item->backend = g_strdup ("import");
      g_ptr_array_add (cut->items, item);

      if (with_captions)
        {
          ReelCutCue *cue = reel_cut_cue_new ();

          cue->shot_id = item->shot_id;
          cue->speaker = g_strdup ("ANNA");
          cue->text = g_strdup_printf ("This is the line of dialogue for shot number %u.", i + 1);
          g_ptr_array_add (cut->cues, cue);
        }
    }
  if (music != NULL)
    {
      ReelMusicTrack *track = reel_music_track_new ();

      track->name = g_strdup ("Music");
      track->path = g_strdup (music);
      track->volume = 0.5;
      g_ptr_array_add (cut->music, track);
    }
  reel_cut_layout (cut);
  return cut;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *list_path = NULL;
  g_autofree char *srt_path = NULL;
  g_autofree char *music = NULL;
  g_autofree char *filter = NULL;
  g_autoptr (GPtrArray) takes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) list = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *preset = g_getenv ("BENCH_PRESET") != NULL ? g_getenv ("BENCH_PRESET") : "veryfast";
  ReelExportOptions options;
  double            storyreel_full, ffmpeg_full, storyreel_copy, ffmpeg_copy;
  double            storyreel_cpu, ffmpeg_cpu;
  gboolean          copied = FALSE;
  gboolean          keep_dir;
  gboolean          skip_ffmpeg = g_getenv ("BENCH_SKIP_FFMPEG") != NULL;

  /* As the storyreel binary does first thing. */
  reel_media_tune_allocator ();
  setlocale (LC_ALL, "");
  gst_init (&argc, &argv);
  if (g_getenv ("BENCH_SHOTS") != NULL)
    n_shots = MAX (1, atoi (g_getenv ("BENCH_SHOTS")));
  if (g_getenv ("BENCH_ROUNDS") != NULL)
    n_rounds = CLAMP (atoi (g_getenv ("BENCH_ROUNDS")), 1, MAX_ROUNDS);
  if (g_getenv ("BENCH_SECONDS") != NULL)
    shot_seconds = MAX (1.0, g_ascii_strtod (g_getenv ("BENCH_SECONDS"), NULL));

  /* BENCH_DIR keeps the inputs between runs, so that profiling one side
   * does not pay for making them again. */
  keep_dir = g_getenv ("BENCH_DIR") != NULL;
  dir = keep_dir ? g_strdup (g_getenv ("BENCH_DIR")) : reel_test_make_tmpdir ();
  g_mkdir_with_parents (dir, 0700);
  g_print ("Making %u takes of %g s at 1280×720, 30 fps in %s…\n", n_shots, shot_seconds, dir);
  for (guint i = 0; i < n_shots; i++)
    {
      char *path = g_strdup_printf ("%s/take-%02u.mp4", dir, i);

      if (!keep_dir || !g_file_test (path, G_FILE_TEST_EXISTS))
        make_take (path, i);
      g_ptr_array_add (takes, path);
      g_string_append_printf (list, "file '%s'\n", path);
    }
  music = g_build_filename (dir, "music.wav", NULL);
  if (!keep_dir || !g_file_test (music, G_FILE_TEST_EXISTS))
    make_music (music, n_shots * shot_seconds);
  list_path = g_build_filename (dir, "list.txt", NULL);
  g_file_set_contents (list_path, list->str, -1, &error);
  g_assert_no_error (error);

  /* 1. Captions burned in and music */
  if (g_getenv ("BENCH_ONLY_COPY") == NULL)
    {
      g_autoptr (ReelCut) cut = make_cut (takes, music, TRUE);
      g_autofree char *output = g_build_filename (dir, "storyreel-full.mp4", NULL);
      g_autofree char *ffmpeg_output = g_build_filename (dir, "ffmpeg-full.mp4", NULL);

      srt_path = g_build_filename (dir, "captions.srt", NULL);
      g_assert_true (reel_captions_write_srt (cut, srt_path, &error));
      filter = g_strdup_printf ("[0:v]subtitles=%s[v];[1:a]volume=0.5[m];[0:a][m]amix=inputs=2:"
                                "duration=first[a]",
                                srt_path);
      {
        const char *ffmpeg[] = { "ffmpeg",
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
                                 preset,
                                 "-crf",
                                 "23",
                                 "-pix_fmt",
                                 "yuv420p",
                                 "-c:a",
                                 "aac",
                                 "-b:a",
                                 "192k",
                                 ffmpeg_output,
                                 NULL };

        /* The machines this runs on vary by a tenth from one minute to
         * the next, so both sides run several times, interleaved and in
         * alternating order, and the medians are compared. */
        double storyreel_times[MAX_ROUNDS], ffmpeg_times[MAX_ROUNDS];
        double storyreel_cpus[MAX_ROUNDS], ffmpeg_cpus[MAX_ROUNDS];

        for (guint round = 0; round < n_rounds; round++)
          for (guint side = 0; side < 2; side++)
            {
              gboolean ffmpeg_turn = (side == 0) == (round % 2 == 1);

              if (ffmpeg_turn)
                {
                  double cpu = cpu_seconds (RUSAGE_CHILDREN);

                  ffmpeg_times[round] = skip_ffmpeg ? 1.0 : time_command (ffmpeg);
                  ffmpeg_cpus[round] = cpu_seconds (RUSAGE_CHILDREN) - cpu;
                }
              else
                {
                  double cpu = cpu_seconds (RUSAGE_SELF);

                  reel_export_options_init (&options);
                  options.captions = REEL_CAPTION_MODE_BURN;
                  options.caption_sidecars = FALSE;
                  options.x264_speed_preset = g_strdup (preset);
                  /* x264 against libx264, whatever GPU the machine has. */
                  options.allow_hardware_encoder = FALSE;
                  storyreel_times[round] = time_storyreel (
                      make_cut (takes, music, g_getenv ("BENCH_NO_CAPTIONS") == NULL), &options,
                      output, &copied);
                  storyreel_cpus[round] = cpu_seconds (RUSAGE_SELF) - cpu;
                  reel_export_options_clear (&options);
                }
            }

        g_print ("\nBurned captions + music, %u × %g s, x264 preset %s, %u rounds:\n", n_shots,
                 shot_seconds, preset, n_rounds);
        for (guint round = 0; round < n_rounds; round++)
          g_print ("  round %u    Storyreel %6.2f s (%.2f cores)   ffmpeg %6.2f s (%.2f cores)"
                   "   ratio %.2f\n",
                   round + 1, storyreel_times[round],
                   storyreel_cpus[round] / storyreel_times[round], ffmpeg_times[round],
                   ffmpeg_cpus[round] / ffmpeg_times[round],
                   storyreel_times[round] / ffmpeg_times[round]);
        storyreel_full = median (storyreel_times, n_rounds);
        ffmpeg_full = median (ffmpeg_times, n_rounds);
        storyreel_cpu = median (storyreel_cpus, n_rounds);
        ffmpeg_cpu = median (ffmpeg_cpus, n_rounds);
      }
      g_print ("  median:\n");
      g_print ("  Storyreel  %7.2f s  (CPU %6.2f s, %.2f cores busy)\n", storyreel_full,
               storyreel_cpu, storyreel_cpu / storyreel_full);
      g_print ("  ffmpeg     %7.2f s  (CPU %6.2f s, %.2f cores busy)\n", ffmpeg_full, ffmpeg_cpu,
               ffmpeg_cpu / ffmpeg_full);
      g_print ("  ratio      %7.2f (target ≤ 1.0)\n", storyreel_full / ffmpeg_full);
    }

  /* 2. Cuts only: copied by Storyreel, re-encoded by ffmpeg */
  if (g_getenv ("BENCH_SKIP_COPY") == NULL)
    {
      g_autoptr (ReelCut) cut = make_cut (takes, NULL, FALSE);
      g_autofree char *output = g_build_filename (dir, "storyreel-copy.mp4", NULL);
      g_autofree char *ffmpeg_output = g_build_filename (dir, "ffmpeg-reencode.mp4", NULL);
      const char      *ffmpeg[]
          = { "ffmpeg",   "-v",      "error", "-y",      "-f",      "concat", "-safe",       "0",
              "-i",       list_path, "-c:v",  "libx264", "-preset", preset,   "-crf",        "23",
              "-pix_fmt", "yuv420p", "-c:a",  "aac",     "-b:a",    "192k",   ffmpeg_output, NULL };

      reel_export_options_init (&options);
      options.captions = REEL_CAPTION_MODE_OFF;
      options.caption_sidecars = FALSE;
      options.x264_speed_preset = g_strdup (preset);
      options.allow_hardware_encoder = FALSE;
      storyreel_copy = time_storyreel (g_steal_pointer (&cut), &options, output, &copied);
      reel_export_options_clear (&options);
      ffmpeg_copy = skip_ffmpeg ? 1.0 : time_command (ffmpeg);
      g_print ("\nCuts only (Storyreel %s the video):\n", copied ? "copied" : "DID NOT COPY");
      g_print ("  Storyreel  %7.2f s\n  ffmpeg     %7.2f s (re-encoding)\n"
               "  speed-up   %7.1f× (target ≥ 10×)\n",
               storyreel_copy, ffmpeg_copy, ffmpeg_copy / storyreel_copy);
    }

  if (g_getenv ("BENCH_KEEP") == NULL && !keep_dir)
    reel_test_rm_rf (dir);
  return 0;
}
