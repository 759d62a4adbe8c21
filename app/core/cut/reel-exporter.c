/* reel-exporter.c: export of the cut as a film or a file for other tools
 *
 * A film export goes through these stages, each started on the main thread
 * when the previous one finished:
 *
 *  1. reserve ".NAME.partial-XXXXXX" beside the destination (so an unwritable
 *     or full folder fails at once) and check the encoders are installed;
 *  2. in a worker thread: render the animatic cards of shots without a take,
 *     and read the takes' codecs;
 *  3. render the GES timeline with an encoding profile built for it
 *     (reel-exporter-render.c, reel-exporter-encode.c), or, for MP4, encode
 *     it as cached segments, two at a time, with the sound mixed meanwhile,
 *     and join them (reel-exporter-segments.c), or, when nothing forces a
 *     re-encode, join the takes' H.264 streams unchanged
 *     (reel-exporter-copy.c);
 *  4. for soft subtitles, remux the film with a text track (no re-encoding);
 *  5. in a worker thread: write the sidecars (SRT, WebVTT, provenance JSON)
 *     to temporaries, flush every file to the disk and rename them into
 *     place, the film first (reel-exporter-files.c).
 *
 * Progress comes from polling the pipelines' positions, as Pitivi does
 * (reel-exporter-pipeline.c). This file holds the object, the public API and
 * the first two stages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-captions.h"
#include "reel-edl.h"
#include "reel-exporter-private.h"
#include "reel-fcpxml.h"
#include "reel-otio.h"
#include "reel-pdf-boards.h"

GQuark
reel_export_error_quark (void)
{
  return g_quark_from_static_string ("reel-export-error-quark");
}

/* Formats, modes and options */

static const char *const format_names[] = {
  [REEL_EXPORT_FORMAT_MP4] = "mp4",   [REEL_EXPORT_FORMAT_WEBM] = "webm",
  [REEL_EXPORT_FORMAT_OTIO] = "otio", [REEL_EXPORT_FORMAT_FCPXML] = "fcpxml",
  [REEL_EXPORT_FORMAT_EDL] = "edl",   [REEL_EXPORT_FORMAT_PDF] = "pdf",
  [REEL_EXPORT_FORMAT_SRT] = "srt",   [REEL_EXPORT_FORMAT_VTT] = "vtt",
};

const char *
reel_export_format_to_string (ReelExportFormat format)
{
  if ((guint) format >= G_N_ELEMENTS (format_names))
    return "mp4";
  return format_names[format];
}

gboolean
reel_export_format_from_string (const char *str, ReelExportFormat *format)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (format_names); i++)
    {
      if (g_ascii_strcasecmp (str, format_names[i]) == 0)
        {
          if (format != NULL)
            *format = (ReelExportFormat) i;
          return TRUE;
        }
    }
  if (str != NULL && g_ascii_strcasecmp (str, "webvtt") == 0)
    {
      if (format != NULL)
        *format = REEL_EXPORT_FORMAT_VTT;
      return TRUE;
    }
  return FALSE;
}

gboolean
reel_export_format_guess (const char *path, ReelExportFormat *format)
{
  const char *dot;

  if (path == NULL || (dot = strrchr (path, '.')) == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return FALSE;
  if (g_ascii_strcasecmp (dot + 1, "m4v") == 0 || g_ascii_strcasecmp (dot + 1, "mov") == 0)
    {
      if (format != NULL)
        *format = REEL_EXPORT_FORMAT_MP4;
      return TRUE;
    }
  if (g_ascii_strcasecmp (dot + 1, "xml") == 0)
    {
      if (format != NULL)
        *format = REEL_EXPORT_FORMAT_FCPXML;
      return TRUE;
    }
  return reel_export_format_from_string (dot + 1, format);
}

gboolean
reel_export_format_is_film (ReelExportFormat format)
{
  return format == REEL_EXPORT_FORMAT_MP4 || format == REEL_EXPORT_FORMAT_WEBM;
}

static const char *const caption_mode_names[] = {
  [REEL_CAPTION_MODE_BURN] = "burn",
  [REEL_CAPTION_MODE_SOFT] = "soft",
  [REEL_CAPTION_MODE_OFF] = "off",
};

const char *
reel_caption_mode_to_string (ReelCaptionMode mode)
{
  if ((guint) mode >= G_N_ELEMENTS (caption_mode_names))
    return "burn";
  return caption_mode_names[mode];
}

gboolean
reel_caption_mode_from_string (const char *str, ReelCaptionMode *mode)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (caption_mode_names); i++)
    {
      if (g_ascii_strcasecmp (str, caption_mode_names[i]) == 0)
        {
          if (mode != NULL)
            *mode = (ReelCaptionMode) i;
          return TRUE;
        }
    }
  return FALSE;
}

static const char *const quality_names[] = {
  [REEL_EXPORT_QUALITY_DRAFT] = "draft",
  [REEL_EXPORT_QUALITY_STANDARD] = "standard",
  [REEL_EXPORT_QUALITY_HIGH] = "high",
};

const char *
reel_export_quality_to_string (ReelExportQuality quality)
{
  if ((guint) quality >= G_N_ELEMENTS (quality_names))
    return "standard";
  return quality_names[quality];
}

gboolean
reel_export_quality_from_string (const char *str, ReelExportQuality *quality)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (quality_names); i++)
    {
      if (g_ascii_strcasecmp (str, quality_names[i]) == 0)
        {
          if (quality != NULL)
            *quality = (ReelExportQuality) i;
          return TRUE;
        }
    }
  return FALSE;
}

void
reel_export_options_init (ReelExportOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->format = REEL_EXPORT_FORMAT_MP4;
  options->captions = REEL_CAPTION_MODE_BURN;
  options->caption_sidecars = TRUE;
  options->allow_hardware_encoder = TRUE;
  options->allow_stream_copy = TRUE;
  options->quality = REEL_EXPORT_QUALITY_STANDARD;
  options->use_segment_cache = TRUE;
}

void
reel_export_options_clear (ReelExportOptions *options)
{
  if (options == NULL)
    return;
  g_clear_pointer (&options->extra_music, g_free);
  g_clear_pointer (&options->ai_label_position, g_free);
  g_clear_pointer (&options->x264_speed_preset, g_free);
  g_clear_pointer (&options->segment_cache_dir, g_free);
}

static void
export_options_copy_into (ReelExportOptions *dest, const ReelExportOptions *src)
{
  *dest = *src;
  dest->extra_music = g_strdup (src->extra_music);
  dest->ai_label_position = g_strdup (src->ai_label_position);
  dest->x264_speed_preset = g_strdup (src->x264_speed_preset);
  dest->segment_cache_dir = g_strdup (src->segment_cache_dir);
}

ReelExportOptions *
reel_export_options_copy (const ReelExportOptions *options)
{
  ReelExportOptions *copy = g_new0 (ReelExportOptions, 1);

  export_options_copy_into (copy, options);
  return copy;
}

void
reel_export_options_free (ReelExportOptions *options)
{
  if (options == NULL)
    return;
  reel_export_options_clear (options);
  g_free (options);
}

/* The exporter */

enum
{
  PROP_0,
  PROP_OUTPUT_PATH,
  PROP_PROGRESS,
  PROP_ETA,
  PROP_STAGE,
  PROP_STREAM_COPIED,
  PROP_VIDEO_ENCODER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ReelExporter, reel_exporter, G_TYPE_OBJECT)

static void
reel_exporter_dispose (GObject *object)
{
  ReelExporter *self = REEL_EXPORTER (object);

  reel_exporter_stop_pipelines (self);
  if (self->cancellable != NULL && self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->task);

  G_OBJECT_CLASS (reel_exporter_parent_class)->dispose (object);
}

static void
reel_exporter_finalize (GObject *object)
{
  ReelExporter *self = REEL_EXPORTER (object);

  g_clear_pointer (&self->cut, reel_cut_free);
  reel_export_options_clear (&self->options);
  g_free (self->output_path);
  g_free (self->video_encoder);
  g_clear_pointer (&self->sidecars, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->reserved_path);
  g_free (self->remux_path);
  g_free (self->render_path);
  g_clear_pointer (&self->tags, gst_tag_list_unref);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_free (self->sound_temporary);
  reel_exporter_drop_segment_hold (self);
  g_clear_object (&self->segment_cache);

  G_OBJECT_CLASS (reel_exporter_parent_class)->finalize (object);
}

static void
reel_exporter_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelExporter *self = REEL_EXPORTER (object);

  switch (prop_id)
    {
      case PROP_OUTPUT_PATH:
        g_value_set_string (value, self->output_path);
        break;
      case PROP_PROGRESS:
        g_value_set_double (value, self->progress);
        break;
      case PROP_ETA:
        g_value_set_double (value, self->eta);
        break;
      case PROP_STAGE:
        g_value_set_string (value, reel_exporter_get_stage (self));
        break;
      case PROP_STREAM_COPIED:
        g_value_set_boolean (value, self->stream_copied);
        break;
      case PROP_VIDEO_ENCODER:
        g_value_set_string (value, self->video_encoder);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_exporter_class_init (ReelExporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reel_exporter_dispose;
  object_class->finalize = reel_exporter_finalize;
  object_class->get_property = reel_exporter_get_property;

  properties[PROP_OUTPUT_PATH] = g_param_spec_string ("output-path", NULL, NULL, NULL,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ETA] = g_param_spec_double ("eta", NULL, NULL, -1, G_MAXDOUBLE, -1,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STAGE]
      = g_param_spec_string ("stage", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STREAM_COPIED] = g_param_spec_boolean ("stream-copied", NULL, NULL, FALSE,
                                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIDEO_ENCODER] = g_param_spec_string ("video-encoder", NULL, NULL, NULL,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
reel_exporter_init (ReelExporter *self)
{
  self->eta = -1;
  self->sidecars = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->sidecars, NULL);
}

ReelExporter *
reel_exporter_new (ReelCut *cut, const ReelExportOptions *options, const char *output_path)
{
  ReelExporter     *self;
  ReelExportOptions defaults;

  g_return_val_if_fail (cut != NULL, NULL);
  g_return_val_if_fail (output_path != NULL, NULL);

  self = g_object_new (REEL_TYPE_EXPORTER, NULL);
  self->cut = cut;
  if (options == NULL)
    {
      reel_export_options_init (&defaults);
      options = &defaults;
    }
  export_options_copy_into (&self->options, options);
  self->output_path = g_canonicalize_filename (output_path, NULL);
  return self;
}

const char *
reel_exporter_get_output_path (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), NULL);
  return self->output_path;
}

double
reel_exporter_get_progress (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), 0);
  return self->progress;
}

double
reel_exporter_get_eta (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), -1);
  return self->eta;
}

const char *
reel_exporter_get_stage (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), NULL);
  return self->stage != NULL ? _ (self->stage) : NULL;
}

gboolean
reel_exporter_get_stream_copied (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), FALSE);
  return self->stream_copied;
}

guint
reel_exporter_get_segments_encoded (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), 0);
  return self->segments_encoded;
}

guint
reel_exporter_get_segments_reused (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), 0);
  return self->segments_reused;
}

const char *
reel_exporter_get_video_encoder (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), NULL);
  return self->video_encoder;
}

const char *const *
reel_exporter_get_sidecars (ReelExporter *self)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), NULL);
  return (const char *const *) self->sidecars->pdata;
}

static void
set_progress (ReelExporter *self, double progress)
{
  progress = CLAMP (progress, 0.0, 1.0);
  if (progress == self->progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
set_eta (ReelExporter *self, double eta)
{
  if (eta == self->eta)
    return;
  self->eta = eta;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
}

/* @stage is N_()-marked; the stage covers progress from the current value to @to. */
void
reel_exporter_set_stage (ReelExporter *self, const char *stage, double to)
{
  self->stage_from = self->progress;
  self->stage_to = MAX (to, self->progress);
  self->stage_started_us = g_get_monotonic_time ();
  self->stage_work = 0;
  self->stage_work_done = 0;
  set_eta (self, -1);
  if (g_strcmp0 (stage, self->stage) == 0)
    return;
  self->stage = stage;
  g_debug ("Export stage: %s", stage);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

/* Progress inside the current stage, and an ETA from its rate so far. */
void
reel_exporter_set_stage_fraction (ReelExporter *self, double fraction)
{
  double elapsed = (g_get_monotonic_time () - self->stage_started_us) / (double) G_USEC_PER_SEC;

  fraction = CLAMP (fraction, 0.0, 1.0);
  set_progress (self, self->stage_from + (self->stage_to - self->stage_from) * fraction);
  if (fraction > 0.02 && elapsed > 0.5)
    set_eta (self, round (elapsed * (1 - fraction) / fraction));
}

void
reel_exporter_set_stream_copied (ReelExporter *self, gboolean stream_copied)
{
  if (self->stream_copied == stream_copied)
    return;
  self->stream_copied = stream_copied;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM_COPIED]);
}

void
reel_exporter_set_video_encoder (ReelExporter *self, const char *name)
{
  if (g_strcmp0 (self->video_encoder, name) == 0)
    return;
  g_free (self->video_encoder);
  self->video_encoder = g_strdup (name);
  g_debug ("Video encoder: %s", name != NULL ? name : "none");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_ENCODER]);
}

ReelLabelPosition
reel_exporter_label_position (ReelExporter *self)
{
  ReelLabelPosition position = REEL_LABEL_POSITION_BOTTOM_RIGHT;

  if (self->options.ai_label_position != NULL)
    reel_label_position_from_string (self->options.ai_label_position, &position);
  return position;
}

/* Ending: every path goes through one of these two. */

/* The temporaries an export writes through are its own business: a message
 * that names one (GStreamer's, or GLib's about the temporary
 * g_file_set_contents() writes) names the file the user chose instead. */
static void
name_the_output (ReelExporter *self, GError *error)
{
  const char      *temporaries[] = { self->reserved_path, self->remux_path };
  g_autofree char *output_name = g_path_get_basename (self->output_path);
  g_autofree char *escaped = g_regex_escape_string (self->output_path, -1);
  g_autofree char *pattern
      = g_strdup_printf ("(%s(?:\\.[a-z]+)*)\\.[A-Za-z0-9]{6}(?![A-Za-z0-9.])", escaped);
  g_autoptr (GRegex) set_contents_temporary = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr (GString) message = g_string_new (error->message);

  for (guint i = 0; i < G_N_ELEMENTS (temporaries); i++)
    if (temporaries[i] != NULL)
      {
        g_autofree char *name = g_path_get_basename (temporaries[i]);

        g_string_replace (message, temporaries[i], self->output_path, 0);
        g_string_replace (message, name, output_name, 0);
      }
  if (set_contents_temporary != NULL)
    {
      g_autofree char *named
          = g_regex_replace (set_contents_temporary, message->str, -1, 0, "\\1", 0, NULL);

      if (named != NULL)
        g_string_assign (message, named);
    }

  g_free (error->message);
  error->message = g_string_free (g_steal_pointer (&message), FALSE);
}

void
reel_exporter_fail (ReelExporter *self, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  name_the_output (self, error);
  reel_exporter_stop_pipelines (self);
  reel_exporter_discard_files (self);
  /* The held segments' space is the cache's again. */
  reel_exporter_drop_segment_hold (self);
  set_eta (self, -1);

  g_debug ("Export to %s failed: %s", self->output_path, error->message);
  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

void
reel_exporter_succeed (ReelExporter *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  reel_exporter_stop_pipelines (self);
  reel_exporter_set_stage (self, N_ ("Done"), 1.0);
  set_progress (self, 1.0);
  set_eta (self, 0);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

/* Returns TRUE (and fails the export) when it was cancelled. */
gboolean
reel_exporter_check_cancelled (ReelExporter *self)
{
  GError *error = NULL;

  if (self->task == NULL)
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (self->cancellable, &error))
    {
      reel_exporter_fail (self, error);
      return TRUE;
    }
  return FALSE;
}

static gboolean
cancelled_in_main_cb (gpointer user_data)
{
  ReelExporter *self = user_data;

  /* Only a running pipeline needs stopping from here; a worker checks the
   * cancellable itself and reports back. */
  if (self->task != NULL && reel_exporter_is_running_pipelines (self))
    reel_exporter_check_cancelled (self);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  ReelExporter *self = user_data;

  /* May run in any thread. */
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, cancelled_in_main_cb,
                              g_object_ref (self), g_object_unref);
}

/* Worker threads: synchronous work off the main thread, reported back to it */

typedef gboolean (*WorkFunc) (ReelExporter *self, GError **error);
typedef void (*WorkDoneFunc) (ReelExporter *self);

typedef struct
{
  ReelExporter *self;
  WorkFunc      work;
  WorkDoneFunc  done;
  GError       *error;
  gboolean      ok;
} Work;

static gboolean
work_done_cb (gpointer user_data)
{
  Work *work = user_data;

  if (work->self->task == NULL)
    ; /* already ended */
  else if (!work->ok)
    reel_exporter_fail (work->self, g_steal_pointer (&work->error));
  else if (!reel_exporter_check_cancelled (work->self))
    work->done (work->self);

  g_clear_error (&work->error);
  g_object_unref (work->self);
  g_free (work);
  return G_SOURCE_REMOVE;
}

static gpointer
work_thread (gpointer user_data)
{
  Work *work = user_data;

  work->ok = work->work (work->self, &work->error);
  if (!work->ok && work->error == NULL)
    g_set_error_literal (&work->error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                         _ ("The export failed."));
  g_main_context_invoke (work->self->context, work_done_cb, work);
  return NULL;
}

static void
run_in_thread (ReelExporter *self, WorkFunc func, WorkDoneFunc done)
{
  Work *work = g_new0 (Work, 1);

  work->self = g_object_ref (self);
  work->work = func;
  work->done = done;
  /* A thread of its own: renders take minutes and must not hold one of the
   * few threads GTask shares with short I/O. */
  g_thread_unref (g_thread_new ("storyreel-export", work_thread, work));
}

typedef struct
{
  ReelExporter *self;
  double        fraction;
} ProgressUpdate;

static gboolean
progress_in_main_cb (gpointer user_data)
{
  ProgressUpdate *update = user_data;

  if (update->self->task != NULL)
    reel_exporter_set_stage_fraction (update->self, update->fraction);
  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *update = data;

  g_object_unref (update->self);
  g_free (update);
}

static void
worker_progress_cb (double fraction, gpointer user_data)
{
  ReelExporter   *self = user_data;
  ProgressUpdate *update = g_new0 (ProgressUpdate, 1);

  update->self = g_object_ref (self);
  update->fraction = fraction;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, progress_in_main_cb, update,
                              progress_update_free);
}

/* Files for other tools */

static gboolean
write_interchange (ReelExporter *self, GError **error)
{
  switch (self->options.format)
    {
      case REEL_EXPORT_FORMAT_OTIO:
        return reel_otio_write (self->cut, self->output_path, error);
      case REEL_EXPORT_FORMAT_FCPXML:
        return reel_fcpxml_write (self->cut, self->output_path, error);
      case REEL_EXPORT_FORMAT_EDL:
        return reel_edl_write (self->cut, self->output_path, error);
      case REEL_EXPORT_FORMAT_PDF:
        /* A shot without a take gets an empty panel to draw on, not a
         * card: the board prints what a card would repeat. */
        return reel_pdf_boards_write (self->cut, self->output_path,
                                      self->options.pdf_columns > 0 ? self->options.pdf_columns : 3,
                                      self->options.pdf_rows > 0 ? self->options.pdf_rows : 2,
                                      self->cancellable, error);
      case REEL_EXPORT_FORMAT_SRT:
        return reel_captions_write_srt (self->cut, self->output_path, error);
      case REEL_EXPORT_FORMAT_VTT:
        return reel_captions_write_webvtt (self->cut, self->output_path, error);
      case REEL_EXPORT_FORMAT_MP4:
      case REEL_EXPORT_FORMAT_WEBM:
      default:
        g_assert_not_reached ();
    }
  return FALSE;
}

static void
interchange_done (ReelExporter *self)
{
  reel_exporter_succeed (self);
}

/* Preparing media */

static gboolean
prepare_media (ReelExporter *self, GError **error)
{
  /* Without captions, the cards that stand in for missing takes show what
   * is said; with them, the film would show it twice. */
  self->cut->cards_show_dialogue = self->options.captions == REEL_CAPTION_MODE_OFF;
  if (!reel_cut_render_missing (self->cut, self->cancellable, worker_progress_cb, self, error))
    return FALSE;
  /* Probing every take only serves to decide whether they can be copied. */
  if (!reel_exporter_copy_ruled_out (self))
    return reel_cut_probe_media (self->cut, self->cancellable, error);
  return TRUE;
}

static void
assets_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelExporter) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!reel_cut_load_assets_finish (result, &error))
    {
      /* Only cancelling fails it. */
      reel_exporter_check_cancelled (self);
      return;
    }
  if (!reel_exporter_check_cancelled (self))
    reel_exporter_start_render (self);
}

static void
media_prepared (ReelExporter *self)
{
  ReelTimelineOptions options;

  /* Discovering every take would otherwise block this thread (the
   * application's main loop) while the timeline is built. */
  reel_timeline_options_init (&options);
  options.extra_music = self->options.extra_music;
  reel_cut_load_assets_async (self->cut, &options, self->cancellable, assets_loaded_cb,
                              g_object_ref (self));
}

/* Running */

void
reel_exporter_run_async (ReelExporter       *self,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (REEL_IS_EXPORTER (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->context = g_main_context_ref_thread_default ();
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, reel_exporter_run_async);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();

  self->width = (self->options.width > 0 ? self->options.width : self->cut->width) & ~1u;
  self->height = (self->options.height > 0 ? self->options.height : self->cut->height) & ~1u;
  self->fps = self->options.fps > 0 ? self->options.fps : MAX (self->cut->fps, 1);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  if (!reel_export_format_is_film (self->options.format))
    {
      reel_exporter_set_stage (self, N_ ("Writing"), 1.0);
      run_in_thread (self, write_interchange, interchange_done);
      return;
    }

  if (self->cut->items->len == 0)
    {
      reel_exporter_fail (
          self, g_error_new_literal (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_INVALID,
                                     _ ("The film has no shots yet. Import a script first.")));
      return;
    }
  if (self->width < 16 || self->height < 16 || self->fps > 240)
    {
      reel_exporter_fail (
          self, g_error_new_literal (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_INVALID,
                                     _ ("Choose a frame size of at least 16×16 pixels and at "
                                        "most 240 frames per second.")));
      return;
    }
  if (self->options.extra_music != NULL
      && !g_file_test (self->options.extra_music, G_FILE_TEST_IS_REGULAR))
    {
      reel_exporter_fail (self, g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MEDIA,
                                             _ ("The music file “%s” does not exist."),
                                             self->options.extra_music));
      return;
    }

  if (!reel_exporter_check_plugins (self, &error)
      || !(self->reserved_path = reel_exporter_reserve_temporary (self->output_path, "", &error)))
    {
      reel_exporter_fail (self, g_steal_pointer (&error));
      return;
    }

  self->cancelled_id
      = g_cancellable_connect (self->cancellable, G_CALLBACK (cancelled_cb), self, NULL);

  {
    gboolean missing = FALSE;

    for (guint i = 0; i < self->cut->items->len; i++)
      missing |= ((ReelCutItem *) g_ptr_array_index (self->cut->items, i))->media_path == NULL;
    reel_exporter_set_stage (self, missing ? N_ ("Rendering missing animatics") : N_ ("Preparing"),
                             missing ? 0.25 : 0.02);
  }
  run_in_thread (self, prepare_media, media_prepared);
}

gboolean
reel_exporter_run_finish (ReelExporter *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (REEL_IS_EXPORTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
