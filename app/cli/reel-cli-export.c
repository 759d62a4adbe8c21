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
#include "reel-media-memory.h"
#include "reel-media-store.h"
#include "reel-segment-cache.h"

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

/* What the command line asked for. */
typedef struct
{
  char    *output;
  char    *format;
  char    *captions;
  char    *music;
  char    *logo;
  char    *resolution;
  char    *label_position;
  char    *grid;
  char    *quality;
  gboolean clear_cache;
  gboolean no_sidecars;
  gboolean no_stream_copy;
  int      fps;
} ExportArgs;

static void
export_args_clear (ExportArgs *args)
{
  g_clear_pointer (&args->output, g_free);
  g_clear_pointer (&args->format, g_free);
  g_clear_pointer (&args->captions, g_free);
  g_clear_pointer (&args->music, g_free);
  g_clear_pointer (&args->logo, g_free);
  g_clear_pointer (&args->resolution, g_free);
  g_clear_pointer (&args->label_position, g_free);
  g_clear_pointer (&args->grid, g_free);
  g_clear_pointer (&args->quality, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ExportArgs, export_args_clear)

ReelCaptionMode
reel_cli_default_caption_mode (void)
{
  g_autoptr (GSettings) settings = reel_cli_dup_settings ();
  g_autofree char *name
      = settings != NULL ? g_settings_get_string (settings, "caption-mode") : NULL;
  ReelCaptionMode mode;

  if (name != NULL && reel_caption_mode_from_string (name, &mode))
    return mode;
  /* The schema's default, for a build tree without the compiled schema. */
  return REEL_CAPTION_MODE_SOFT;
}

gboolean
reel_cli_check_music (const char *path, GError **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autoptr (GError) probe_error = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _ ("The music file “%s” does not exist."), path);
      return FALSE;
    }

  info = reel_media_probe (path, NULL, &probe_error);
  if (info != NULL && (info->kind == REEL_MEDIA_KIND_AUDIO || info->has_audio))
    return TRUE;
  if (info != NULL || g_error_matches (probe_error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA))
    g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                 _ ("The music “%s” is not a sound file Storyreel can play. Choose an MP3, OGG, "
                    "FLAC or WAV file."),
                 name);
  else
    g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                 _ ("The music “%s” cannot be used: %s"), name, probe_error->message);
  return FALSE;
}

GOptionEntry
reel_cli_quality_option (char **quality)
{
  return (GOptionEntry){
    .long_name = "quality",
    .short_name = 'q',
    .arg = G_OPTION_ARG_STRING,
    .arg_data = quality,
    .description = N_ ("draft, standard or high: how long the encoder works on a smaller film "
                       "(default standard)"),
    .arg_description = N_ ("QUALITY"),
  };
}

gboolean
reel_cli_take_quality (const char *command, const char *quality, ReelExportOptions *options)
{
  if (quality == NULL || reel_export_quality_from_string (quality, &options->quality))
    return TRUE;
  reel_cli_usage_error (command, _ ("--quality takes draft, standard or high."));
  return FALSE;
}

/* Reads the options and checks that one project and an output are named;
 * returns REEL_CLI_EXIT_OK or the status to exit with. */
static int
parse_args (int *argc, char ***argv, ExportArgs *args)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("export"));
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args->output, N_ ("Where to write the export"),
      N_ ("FILE") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &args->format,
      N_ ("mp4, webm, otio, fcpxml, edl, pdf, srt or vtt (default: from the file name)"),
      N_ ("FORMAT") },
    { "captions", 'c', 0, G_OPTION_ARG_STRING, &args->captions,
      N_ ("burn (into the picture), soft (a subtitle track) or off (default: the window’s "
          "choice)"),
      N_ ("MODE") },
    { "music", 'm', 0, G_OPTION_ARG_FILENAME, &args->music, N_ ("An audio file to mix in"),
      N_ ("FILE") },
    { "logo", 0, 0, G_OPTION_ARG_FILENAME, &args->logo,
      N_ ("A still image to show as the brand logo instead of the project’s"), N_ ("FILE") },
    { "resolution", 'r', 0, G_OPTION_ARG_STRING, &args->resolution,
      N_ ("Frame size, e.g. 1920x1080 (default: the project’s)"), N_ ("WxH") },
    { "fps", 0, 0, G_OPTION_ARG_INT, &args->fps, N_ ("Frames per second (default: the project’s)"),
      N_ ("N") },
    { "label-position", 0, 0, G_OPTION_ARG_STRING, &args->label_position,
      N_ ("Where the “AI-generated” label goes: top-left, top-right, bottom-left, "
          "bottom-right or none"),
      N_ ("POSITION") },
    { "grid", 0, 0, G_OPTION_ARG_STRING, &args->grid,
      N_ ("Storyboard frames per page for PDF, columns × rows (default 3x2)"), N_ ("CxR") },
    { "no-sidecars", 0, 0, G_OPTION_ARG_NONE, &args->no_sidecars,
      N_ ("Do not write SRT and WebVTT files beside the film"), NULL },
    { "no-stream-copy", 0, 0, G_OPTION_ARG_NONE, &args->no_stream_copy,
      N_ ("Always re-encode the picture"), NULL },
    reel_cli_quality_option (&args->quality),
    { "clear-cache", 0, 0, G_OPTION_ARG_NONE, &args->clear_cache,
      N_ ("Empty the cache of encoded shots first (alone: only that)"), NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!reel_cli_parse (context, "export", argc, argv))
    return REEL_CLI_EXIT_USAGE;
  if (args->clear_cache && *argc == 2 && args->output == NULL)
    return REEL_CLI_EXIT_OK;
  if (*argc != 3)
    return reel_cli_usage_error ("export", _ ("Expected exactly one PROJECT file."));
  if (args->output == NULL)
    return reel_cli_usage_error ("export", _ ("Say where to write the export with -o FILE."));
  return REEL_CLI_EXIT_OK;
}

static gboolean
parse_grid (const char *text, guint *columns, guint *rows)
{
  g_auto (GStrv) parts = g_strsplit_set (text, "xX", 2);
  guint64 c = 0, r = 0;

  if (g_strv_length (parts) != 2 || !g_ascii_string_to_unsigned (parts[0], 10, 1, 6, &c, NULL)
      || !g_ascii_string_to_unsigned (parts[1], 10, 1, 6, &r, NULL))
    return FALSE;
  *columns = (guint) c;
  *rows = (guint) r;
  return TRUE;
}

/* Turns the command line's choices into @options; returns REEL_CLI_EXIT_OK,
 * or the status of the usage error it reported. */
static int
fill_options (const ExportArgs *args, ReelExportOptions *options)
{
  if (args->format != NULL && !reel_export_format_from_string (args->format, &options->format))
    return reel_cli_usage_error ("export", _ ("“%s” is not a format Storyreel exports."),
                                 args->format);
  if (args->format == NULL && !reel_export_format_guess (args->output, &options->format))
    return reel_cli_usage_error ("export", _ ("Cannot tell the format from “%s”: add --format."),
                                 args->output);
  options->captions = reel_cli_default_caption_mode ();
  if (args->captions != NULL && !reel_caption_mode_from_string (args->captions, &options->captions))
    return reel_cli_usage_error ("export", _ ("--captions takes burn, soft or off."));
  if (args->resolution != NULL
      && !parse_resolution (args->resolution, &options->width, &options->height))
    return reel_cli_usage_error ("export", _ ("“%s” is not a resolution like 1280x720."),
                                 args->resolution);
  if (args->fps < 0 || args->fps > 240)
    return reel_cli_usage_error ("export", _ ("--fps takes a number from 1 to 240."));
  if (args->label_position != NULL && !reel_label_position_from_string (args->label_position, NULL))
    return reel_cli_usage_error ("export",
                                 _ ("--label-position takes top-left, top-right, bottom-left, "
                                    "bottom-right or none."));
  if (args->grid != NULL && !parse_grid (args->grid, &options->pdf_columns, &options->pdf_rows))
    return reel_cli_usage_error ("export", _ ("--grid takes columns x rows, each 1 to 6."));

  if (!reel_cli_take_quality ("export", args->quality, options))
    return REEL_CLI_EXIT_USAGE;
  options->fps = (guint) args->fps;
  options->caption_sidecars = !args->no_sidecars;
  options->allow_stream_copy = !args->no_stream_copy;
  options->extra_music = g_strdup (args->music);
  {
    g_autoptr (GSettings) settings = reel_cli_dup_settings ();

    /* The window's corner for the label, unless one is asked for. */
    if (args->label_position != NULL)
      options->ai_label_position = g_strdup (args->label_position);
    else if (settings != NULL)
      options->ai_label_position = g_settings_get_string (settings, "ai-label-position");
    /* 0 MB keeps no segment after the export. */
    if (settings != NULL)
      {
        gint64 megabytes = MAX (g_settings_get_int (settings, "export-cache-limit"), 0);

        options->segment_cache_limit = MAX ((guint64) megabytes << 20, 1);
      }
  }
  return REEL_CLI_EXIT_OK;
}

/* The project's logo drawn from @path instead, at the project's corner,
 * size and opacity. */
static gboolean
override_logo (ReelCut *cut, ReelProject *project, const char *path, GError **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autoptr (GError) probe_error = NULL;
  g_autoptr (ReelLogo) logo = reel_project_dup_logo (project);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("The logo “%s” does not exist."),
                   path);
      return FALSE;
    }
  info = reel_media_probe (path, NULL, &probe_error);
  if (info == NULL || info->kind != REEL_MEDIA_KIND_IMAGE)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                   _ ("The logo “%s” is not a still image Storyreel can use. Choose a PNG, JPEG "
                      "or WebP file."),
                   name);
      return FALSE;
    }
  g_clear_pointer (&logo->media_path, g_free);
  g_free (logo->path);
  logo->path = g_canonicalize_filename (path, NULL);
  reel_logo_free (cut->logo);
  cut->logo = g_steal_pointer (&logo);
  return TRUE;
}

/* The exporter of the project at @path as the command line asks, or NULL
 * with *@status set to the status to exit with. */
static ReelExporter *
exporter_for_project (const char *path, const ExportArgs *args, int *status)
{
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  ReelExporter     *exporter = NULL;
  ReelExportOptions options;
  ReelCut          *cut = NULL;

  reel_export_options_init (&options);
  *status = fill_options (args, &options);
  if (*status == REEL_CLI_EXIT_OK && args->music != NULL
      && reel_export_format_is_film (options.format) && !reel_cli_check_music (args->music, &error))
    *status = reel_cli_fail ("%s", error->message);
  if (*status == REEL_CLI_EXIT_OK)
    {
      /* The cut is a snapshot: the project need not stay open. */
      project = reel_cli_open_project (path, &error);
      if (project != NULL)
        cut = reel_cut_new_from_project (project, &error);
      if (cut != NULL && args->logo != NULL && reel_export_format_is_film (options.format)
          && !override_logo (cut, project, args->logo, &error))
        g_clear_pointer (&cut, reel_cut_free);
      if (cut != NULL)
        exporter = reel_exporter_new (cut, &options, args->output);
      else
        *status = reel_cli_fail ("%s", error->message);
    }
  reel_export_options_clear (&options);
  return exporter;
}

/* Runs the export to its end, its progress on stderr. */
static gboolean
run_export (ReelExporter *exporter, GError **error)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  ExportRun run = { 0 };
  gulong    progress_handler;

  /* The command ends with the export: nothing else needs the memory. */
  reel_media_tune_allocator_for_encoding ();
  run.loop = loop;
  run.tty = isatty (STDERR_FILENO);
  progress_handler
      = g_signal_connect (exporter, "notify::progress", G_CALLBACK (progress_cb), &run);
  reel_exporter_run_async (exporter, NULL, export_done_cb, &run);
  g_main_loop_run (loop);
  g_signal_handler_disconnect (exporter, progress_handler);

  if (run.bar_shown)
    fputc ('\n', stderr);
  if (!run.ok)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  return TRUE;
}

static void
report_written (ReelExporter *exporter, const char *output)
{
  guint encoded = reel_exporter_get_segments_encoded (exporter);
  guint reused = reel_exporter_get_segments_reused (exporter);

  if (encoded + reused > 0)
    fprintf (stderr, _ ("%s: %u of %u segments encoded, the others reused from earlier exports\n"),
             output, encoded, encoded + reused);
  if (reel_exporter_get_stream_copied (exporter))
    fprintf (stderr, _ ("%s: the takes’ video was copied without re-encoding\n"), output);
  fprintf (stderr, _ ("Wrote %s\n"), output);
  for (const char *const *sidecar = reel_exporter_get_sidecars (exporter); *sidecar != NULL;
       sidecar++)
    {
      const char *film = reel_exporter_get_output_path (exporter);
      /* As the user named the film: out/film.mp4.srt beside out/film.mp4. */
      g_autofree char *named = g_str_has_prefix (*sidecar, film)
                                   ? g_strconcat (output, *sidecar + strlen (film), NULL)
                                   : g_strdup (*sidecar);

      fprintf (stderr, _ ("Wrote %s\n"), named);
    }
}

int
reel_cli_export (int argc, char **argv)
{
  g_auto (ExportArgs) args = { 0 };
  g_autoptr (ReelExporter) exporter = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  status = parse_args (&argc, &argv, &args);
  if (status != REEL_CLI_EXIT_OK)
    return status;
  if (args.clear_cache)
    {
      g_autoptr (ReelSegmentCache) cache = reel_segment_cache_new (NULL);

      if (!reel_segment_cache_clear (cache, &error))
        return reel_cli_fail ("%s", error->message);
      fprintf (stderr, _ ("Emptied the export cache %s\n"), reel_segment_cache_get_dir (cache));
      if (argc == 2 && args.output == NULL)
        return REEL_CLI_EXIT_OK;
    }
  exporter = exporter_for_project (argv[2], &args, &status);
  if (exporter == NULL)
    return status;
  if (!run_export (exporter, &error))
    return reel_cli_fail ("%s", error->message);
  report_written (exporter, args.output);
  return REEL_CLI_EXIT_OK;
}
