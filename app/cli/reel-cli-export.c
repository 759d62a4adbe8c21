/* reel-cli-export.c: `storyreel export PROJECT -o FILE`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reel-cli-private.h"
#include "reel-cut-timeline.h"
#include "reel-exporter.h"

#define PROGRESS_BAR_WIDTH 30

typedef struct
{
  GMainLoop *loop;
  gboolean   tty;
  int        last_tenth; /* for the one-line-per-10% log when not on a terminal */
  gboolean   bar_shown;
  gboolean   ok;
  GError    *error;
} ExportRun;

static void
show_progress (ReelExporter *exporter, ExportRun *run)
{
  double      progress = reel_exporter_get_progress (exporter);
  double      eta = reel_exporter_get_eta (exporter);
  const char *stage = reel_exporter_get_stage (exporter);

  if (run->tty)
    {
      char             bar[PROGRESS_BAR_WIDTH + 1];
      int              filled = (int) (progress * PROGRESS_BAR_WIDTH + 0.5);
      g_autofree char *eta_text
          = eta >= 0 ? g_strdup_printf (_ ("%d s left"), (int) eta) : g_strdup ("");

      memset (bar, '#', filled);
      memset (bar + filled, '-', PROGRESS_BAR_WIDTH - filled);
      bar[PROGRESS_BAR_WIDTH] = '\0';
      fprintf (stderr, "\r\033[K[%s] %3d%% %s %s", bar, (int) (progress * 100 + 0.5),
               stage != NULL ? stage : "", eta_text);
      run->bar_shown = TRUE;
    }
  else
    {
      int tenth = (int) (progress * 10);

      if (tenth > run->last_tenth)
        {
          run->last_tenth = tenth;
          fprintf (stderr, "%d%% %s\n", tenth * 10, stage != NULL ? stage : "");
        }
    }
}

static void
progress_cb (ReelExporter *exporter, GParamSpec *pspec, gpointer user_data)
{
  show_progress (exporter, user_data);
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ExportRun *run = user_data;

  run->ok = reel_exporter_run_finish (REEL_EXPORTER (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
parse_resolution (const char *text, guint *width, guint *height)
{
  guint64 w, h;
  char   *x;

  if (text == NULL || (x = strpbrk (text, "xX")) == NULL)
    return FALSE;

  {
    g_autofree char *w_text = g_strndup (text, x - text);

    if (!g_ascii_string_to_unsigned (w_text, 10, 16, 16384, &w, NULL)
        || !g_ascii_string_to_unsigned (x + 1, 10, 16, 16384, &h, NULL))
      return FALSE;
  }
  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

int
reel_cli_export (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("export"));
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelExporter) exporter = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char  *output = NULL;
  g_autofree char  *format = NULL;
  g_autofree char  *captions = NULL;
  g_autofree char  *music = NULL;
  g_autofree char  *resolution = NULL;
  g_autofree char  *label_position = NULL;
  g_autofree char  *grid = NULL;
  gboolean          no_sidecars = FALSE;
  gboolean          no_stream_copy = FALSE;
  int               fps = 0;
  guint             columns = 0, rows = 0;
  ReelExportOptions options;
  ReelCut          *cut;
  ExportRun         run = { 0 };
  GOptionEntry      entries[] = {
         { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("Where to write the export"),
           N_ ("FILE") },
         { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
           N_ ("mp4, webm, otio, fcpxml, edl, pdf, srt or vtt (default: from the file name)"),
           N_ ("FORMAT") },
         { "captions", 'c', 0, G_OPTION_ARG_STRING, &captions,
           N_ ("burn (into the picture, the default), soft (a subtitle track) or off"), N_ ("MODE") },
         { "music", 'm', 0, G_OPTION_ARG_FILENAME, &music, N_ ("An audio file to mix in"), N_ ("FILE") },
         { "resolution", 'r', 0, G_OPTION_ARG_STRING, &resolution,
           N_ ("Frame size, e.g. 1920x1080 (default: the project’s)"), N_ ("WxH") },
         { "fps", 0, 0, G_OPTION_ARG_INT, &fps, N_ ("Frames per second (default: the project’s)"),
           N_ ("N") },
         { "label-position", 0, 0, G_OPTION_ARG_STRING, &label_position,
           N_ ("Where the “AI-generated” label goes: top-left, top-right, bottom-left, "
                    "bottom-right or none"),
           N_ ("POSITION") },
         { "grid", 0, 0, G_OPTION_ARG_STRING, &grid,
           N_ ("Storyboard frames per page for PDF, columns × rows (default 3x2)"), N_ ("CxR") },
         { "no-sidecars", 0, 0, G_OPTION_ARG_NONE, &no_sidecars,
           N_ ("Do not write SRT and WebVTT files beside the film"), NULL },
         { "no-stream-copy", 0, 0, G_OPTION_ARG_NONE, &no_stream_copy,
           N_ ("Always re-encode the picture"), NULL },
         { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!reel_cli_parse (context, "export", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;
  if (argc != 3)
    return reel_cli_usage_error ("export", _ ("Expected exactly one PROJECT file."));
  if (output == NULL)
    return reel_cli_usage_error ("export", _ ("Say where to write the export with -o FILE."));

  reel_export_options_init (&options);
  if (format != NULL ? !reel_export_format_from_string (format, &options.format)
                     : !reel_export_format_guess (output, &options.format))
    {
      reel_export_options_clear (&options);
      if (format != NULL)
        return reel_cli_usage_error ("export", _ ("“%s” is not a format Storyreel exports."),
                                     format);
      return reel_cli_usage_error ("export", _ ("Cannot tell the format from “%s”: add --format."),
                                   output);
    }
  if (captions != NULL && !reel_caption_mode_from_string (captions, &options.captions))
    {
      reel_export_options_clear (&options);
      return reel_cli_usage_error ("export", _ ("--captions takes burn, soft or off."));
    }
  if (resolution != NULL && !parse_resolution (resolution, &options.width, &options.height))
    {
      reel_export_options_clear (&options);
      return reel_cli_usage_error ("export", _ ("“%s” is not a resolution like 1280x720."),
                                   resolution);
    }
  if (fps < 0 || fps > 240)
    {
      reel_export_options_clear (&options);
      return reel_cli_usage_error ("export", _ ("--fps takes a number from 1 to 240."));
    }
  if (label_position != NULL && !reel_label_position_from_string (label_position, NULL))
    {
      reel_export_options_clear (&options);
      return reel_cli_usage_error ("export",
                                   _ ("--label-position takes top-left, top-right, bottom-left, "
                                      "bottom-right or none."));
    }
  if (grid != NULL)
    {
      g_auto (GStrv) parts = g_strsplit_set (grid, "xX", 2);
      guint64 c = 0, r = 0;

      if (g_strv_length (parts) != 2 || !g_ascii_string_to_unsigned (parts[0], 10, 1, 6, &c, NULL)
          || !g_ascii_string_to_unsigned (parts[1], 10, 1, 6, &r, NULL))
        {
          reel_export_options_clear (&options);
          return reel_cli_usage_error ("export", _ ("--grid takes columns x rows, each 1 to 6."));
        }
      columns = (guint) c;
      rows = (guint) r;
    }
  options.fps = (guint) fps;
  options.caption_sidecars = !no_sidecars;
  options.allow_stream_copy = !no_stream_copy;
  options.extra_music = g_strdup (music);
  options.ai_label_position = g_strdup (label_position);
  options.pdf_columns = columns;
  options.pdf_rows = rows;

  project = reel_cli_open_project (argv[2], &error);
  if (project == NULL)
    {
      reel_export_options_clear (&options);
      return reel_cli_fail ("%s", error->message);
    }

  cut = reel_cut_new_from_project (project, &error);
  if (cut == NULL)
    {
      reel_export_options_clear (&options);
      return reel_cli_fail ("%s", error->message);
    }

  exporter = reel_exporter_new (cut, &options, output);
  reel_export_options_clear (&options);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.tty = isatty (STDERR_FILENO);
  run.last_tenth = 0;
  g_signal_connect (exporter, "notify::progress", G_CALLBACK (progress_cb), &run);
  reel_exporter_run_async (exporter, NULL, export_done_cb, &run);
  g_main_loop_run (loop);

  if (run.bar_shown)
    fputc ('\n', stderr);
  if (!run.ok)
    {
      int status = reel_cli_fail ("%s", run.error->message);

      g_clear_error (&run.error);
      return status;
    }

  if (reel_exporter_get_stream_copied (exporter))
    fprintf (stderr, _ ("%s: the takes’ video was copied without re-encoding\n"), output);
  fprintf (stderr, _ ("Wrote %s\n"), output);
  for (const char *const *sidecar = reel_exporter_get_sidecars (exporter); *sidecar != NULL;
       sidecar++)
    fprintf (stderr, _ ("Wrote %s\n"), *sidecar);
  return REEL_CLI_EXIT_OK;
}
