/* reel-exporter.c: export of the cut as a film or a file for other tools
 *
 * A film export goes through these stages, each started on the main thread
 * when the previous one finished:
 *
 *  1. reserve ".NAME.partial-XXXXXX" beside the destination (so an unwritable
 *     or full folder fails at once) and check the encoders are installed;
 *  2. in a worker thread: render the animatic cards of shots without a take,
 *     and read the takes' codecs;
 *  3. render the GES timeline with an encoding profile built here, or, when
 *     nothing forces a re-encode, join the takes' H.264 streams unchanged;
 *  4. for soft subtitles, remux the film with a text track (no re-encoding);
 *  5. write the sidecars (SRT, WebVTT, provenance JSON) and rename the film
 *     into place.
 *
 * Progress comes from polling the pipeline's position, as Pitivi does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/app/app.h>
#include <gst/audio/audio.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <unistd.h>

#include "reel-captions.h"
#include "reel-cut-timeline.h"
#include "reel-edl.h"
#include "reel-exporter.h"
#include "reel-fcpxml.h"
#include "reel-otio.h"
#include "reel-pdf-boards.h"

GQuark
reel_export_error_quark (void)
{
  return g_quark_from_static_string ("reel-export-error-quark");
}

#define PROGRESS_POLL_MS 200
/* Bytes written into the reserved file before rendering, so a full disk is
 * found before minutes of encoding rather than after. */
#define SPACE_PROBE_BYTES (1024 * 1024)

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
}

void
reel_export_options_clear (ReelExportOptions *options)
{
  if (options == NULL)
    return;
  g_clear_pointer (&options->extra_music, g_free);
  g_clear_pointer (&options->ai_label_position, g_free);
  g_clear_pointer (&options->x264_speed_preset, g_free);
}

static void
export_options_copy_into (ReelExportOptions *dest, const ReelExportOptions *src)
{
  *dest = *src;
  dest->extra_music = g_strdup (src->extra_music);
  dest->ai_label_position = g_strdup (src->ai_label_position);
  dest->x264_speed_preset = g_strdup (src->x264_speed_preset);
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

struct _ReelExporter
{
  GObject parent_instance;

  ReelCut          *cut;
  ReelExportOptions options;
  char             *output_path;

  double      progress;
  double      eta;
  const char *stage; /* untranslated, N_() */
  gboolean    stream_copied;
  char       *video_encoder; /* the factory of the video encoder in use */
  GPtrArray  *sidecars;      /* NULL-terminated paths */

  GMainContext *context;
  GTask        *task;
  GCancellable *cancellable;
  gulong        cancelled_id;
  gboolean      started;

  char *reserved_path; /* the temporary film that becomes output_path */
  char *remux_path;    /* the render before subtitles are added, or NULL */
  char *render_path;   /* what the running pipeline writes */

  guint        width, height, fps;
  GstClockTime film_duration;
  GstElement  *pipeline;
  GESTimeline *timeline;
  guint        bus_watch_id;
  guint        poll_id;
  gint64       stage_started_us;
  double       stage_from;
  double       stage_to;
  GstTagList  *tags;
  GPtrArray   *pending_cues; /* GstBuffer* for the subtitle appsrc */
  /* A software encoder keeps every core busy on its own, so the takes are
   * decoded on one thread each: libav's frame threads would only add their
   * per-frame context copies and, since GES opens a new decoder for every
   * shot, a thread start-up per shot. */
  gboolean single_threaded_decoders;
};

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

static void     stop_pipeline (ReelExporter *self);
static void     start_render (ReelExporter *self);
static void     finish_film (ReelExporter *self);
static gboolean copy_ruled_out (ReelExporter *self);

static void
reel_exporter_dispose (GObject *object)
{
  ReelExporter *self = REEL_EXPORTER (object);

  stop_pipeline (self);
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
  g_clear_pointer (&self->pending_cues, g_ptr_array_unref);

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
static void
set_stage (ReelExporter *self, const char *stage, double to)
{
  self->stage_from = self->progress;
  self->stage_to = MAX (to, self->progress);
  self->stage_started_us = g_get_monotonic_time ();
  set_eta (self, -1);
  if (g_strcmp0 (stage, self->stage) == 0)
    return;
  self->stage = stage;
  g_debug ("Export stage: %s", stage);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

/* Progress inside the current stage, and an ETA from its rate so far. */
static void
set_stage_fraction (ReelExporter *self, double fraction)
{
  double elapsed = (g_get_monotonic_time () - self->stage_started_us) / (double) G_USEC_PER_SEC;

  fraction = CLAMP (fraction, 0.0, 1.0);
  set_progress (self, self->stage_from + (self->stage_to - self->stage_from) * fraction);
  if (fraction > 0.02 && elapsed > 0.5)
    set_eta (self, round (elapsed * (1 - fraction) / fraction));
}

/* Ending: every path goes through one of these two. */

static void
remove_temporaries (ReelExporter *self)
{
  const char *paths[] = { self->reserved_path, self->remux_path };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (paths[i] != NULL && g_unlink (paths[i]) != 0 && errno != ENOENT)
      g_debug ("Cannot remove %s: %s", paths[i], g_strerror (errno));
}

static void
stop_pipeline (ReelExporter *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_clear_object (&self->pipeline);
    }
  gst_clear_object (&self->timeline);
}

static void
fail (ReelExporter *self, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  stop_pipeline (self);
  remove_temporaries (self);
  for (guint i = 0; i + 1 < self->sidecars->len; i++)
    g_unlink (g_ptr_array_index (self->sidecars, i));
  g_ptr_array_set_size (self->sidecars, 0);
  g_ptr_array_add (self->sidecars, NULL);
  set_eta (self, -1);

  g_debug ("Export to %s failed: %s", self->output_path, error->message);
  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static void
succeed (ReelExporter *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  stop_pipeline (self);
  set_stage (self, N_ ("Done"), 1.0);
  set_progress (self, 1.0);
  set_eta (self, 0);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

/* Returns TRUE (and fails the export) when it was cancelled. */
static gboolean
check_cancelled (ReelExporter *self)
{
  GError *error = NULL;

  if (self->task == NULL)
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (self->cancellable, &error))
    {
      fail (self, error);
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
  if (self->task != NULL && self->pipeline != NULL)
    check_cancelled (self);
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
    fail (work->self, g_steal_pointer (&work->error));
  else if (!check_cancelled (work->self))
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
    set_stage_fraction (update->self, update->fraction);
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
        {
          /* Every frame is drawn from media, so cards stand in for missing takes. */
          if (!reel_cut_render_missing (self->cut, self->cancellable, worker_progress_cb, self,
                                        error))
            return FALSE;
          return reel_pdf_boards_write (
              self->cut, self->output_path,
              self->options.pdf_columns > 0 ? self->options.pdf_columns : 3,
              self->options.pdf_rows > 0 ? self->options.pdf_rows : 2, self->cancellable, error);
        }
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
  succeed (self);
}

/* Checks before rendering */

typedef struct
{
  const char *factory;
  const char *package;
} Plugin;

static gboolean
has_factory (const char *name)
{
  g_autoptr (GstElementFactory) factory = gst_element_factory_find (name);
  return factory != NULL;
}

static gboolean
require_plugin (const Plugin *plugin, GError **error)
{
  if (has_factory (plugin->factory))
    return TRUE;

  g_set_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MISSING_PLUGIN,
               _ ("The GStreamer element “%s” is not installed. Install the package %s and try "
                  "again."),
               plugin->factory, plugin->package);
  return FALSE;
}

#define HARDWARE_H264_ENCODER "nvh264enc"

static const char *
pick_h264_encoder (const ReelExportOptions *options)
{
  if (options->allow_hardware_encoder && has_factory (HARDWARE_H264_ENCODER))
    return HARDWARE_H264_ENCODER;
  return "x264enc";
}

static const char *
factory_name (GstElement *element)
{
  GstElementFactory *factory = gst_element_get_factory (element);

  return factory != NULL ? gst_plugin_feature_get_name (factory) : NULL;
}

static const char *
pick_aac_encoder (void)
{
  /* VisualOn's encoder is five times faster than libav's at the same bit
   * rate, and at 192 kbit/s the difference is not one a listener hears. */
  if (has_factory ("voaacenc"))
    return "voaacenc";
  return "avenc_aac";
}

/* encodebin only considers ranked encoders, and libav's encoders have rank
 * none so that they never win by accident; the profile names the one it
 * wants, so lift it into view (in this process only). */
static void
ensure_encoder_ranked (const char *name)
{
  g_autoptr (GstElementFactory) factory = gst_element_factory_find (name);

  if (factory != NULL
      && gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (factory)) < GST_RANK_MARGINAL)
    gst_plugin_feature_set_rank (GST_PLUGIN_FEATURE (factory), GST_RANK_MARGINAL);
}

/* When the picture is copied, encoding the sound is most of the work, and
 * libav's AAC encoder is five times slower than VisualOn's. */
static const char *
pick_copy_aac_encoder (void)
{
  if (has_factory ("voaacenc"))
    return "voaacenc";
  return pick_aac_encoder ();
}

static gboolean
check_plugins (ReelExporter *self, GError **error)
{
  const Plugin mp4[] = {
    { pick_h264_encoder (&self->options), "gstreamer1.0-plugins-ugly" },
    { pick_aac_encoder (), g_str_equal (pick_aac_encoder (), "voaacenc")
                               ? "gstreamer1.0-plugins-bad"
                               : "gstreamer1.0-libav" },
    { "mp4mux", "gstreamer1.0-plugins-good" },
    { "qtdemux", "gstreamer1.0-plugins-good" },
    { "h264parse", "gstreamer1.0-plugins-bad" },
  };
  const Plugin webm[] = {
    { "vp9enc", "gstreamer1.0-plugins-good" },
    { "opusenc", "gstreamer1.0-plugins-base" },
    { "webmmux", "gstreamer1.0-plugins-good" },
    { "matroskademux", "gstreamer1.0-plugins-good" },
  };
  const Plugin common[] = {
    { "textoverlay", "gstreamer1.0-plugins-base" },
    { "encodebin", "gstreamer1.0-plugins-base" },
    { "videoconvert", "gstreamer1.0-plugins-base" },
    { "audiomixer", "gstreamer1.0-plugins-base" },
  };
  gboolean      is_mp4 = self->options.format == REEL_EXPORT_FORMAT_MP4;
  const Plugin *list = is_mp4 ? mp4 : webm;
  guint         n = is_mp4 ? G_N_ELEMENTS (mp4) : G_N_ELEMENTS (webm);

  for (guint i = 0; i < n; i++)
    if (!require_plugin (&list[i], error))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    if (!require_plugin (&common[i], error))
      return FALSE;

  /* Before any encodebin exists: it lists the encoders when created. */
  for (guint i = 0; i < n; i++)
    ensure_encoder_ranked (list[i].factory);
  return TRUE;
}

static void
set_write_error (GError **error, int saved_errno, const char *folder)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NO_SPACE,
                 _ ("The disk is full: there is no room for the film in “%s”. Free some space "
                    "or choose another folder."),
                 folder);
  else
    g_set_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NOT_WRITABLE,
                 _ ("The film cannot be written to “%s”: %s. Choose another folder."), folder,
                 g_strerror (saved_errno));
}

/* On failure errno says why: a write that stops short with no error of its
 * own has met a full disk, and errno would otherwise be left from whatever
 * failed last, anywhere. */
static gboolean
write_all (int fd, const char *data, gsize size)
{
  while (size > 0)
    {
      gssize written = write (fd, data, size);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return FALSE;
      if (written == 0)
        {
          errno = ENOSPC;
          return FALSE;
        }
      data += written;
      size -= (gsize) written;
    }
  return TRUE;
}

/* Creates the hidden temporary beside the destination, and writes a little
 * into it so that a read-only or full location fails now. */
static char *
reserve_temporary (const char *output_path, const char *suffix, GError **error)
{
  g_autofree char *folder = g_path_get_dirname (output_path);
  g_autofree char *basename = g_path_get_basename (output_path);
  g_autofree char *name = g_strdup_printf (".%s%s.partial-XXXXXX", basename, suffix);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *zeros = NULL;
  int              fd;

  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_write_error (error, errno, folder);
      return NULL;
    }

  zeros = g_malloc0 (SPACE_PROBE_BYTES);
  if (!write_all (fd, zeros, SPACE_PROBE_BYTES) || fsync (fd) != 0 || ftruncate (fd, 0) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (path);
      set_write_error (error, saved_errno, folder);
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&path);
}

/* Preparing media */

static gboolean
prepare_media (ReelExporter *self, GError **error)
{
  if (!reel_cut_render_missing (self->cut, self->cancellable, worker_progress_cb, self, error))
    return FALSE;
  /* Probing every take only serves to decide whether they can be copied. */
  if (!copy_ruled_out (self))
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
      check_cancelled (self);
      return;
    }
  if (!check_cancelled (self))
    start_render (self);
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

/* Tags and muxer settings */

static ReelLabelPosition
label_position (ReelExporter *self)
{
  ReelLabelPosition position = REEL_LABEL_POSITION_BOTTOM_RIGHT;

  if (self->options.ai_label_position != NULL)
    reel_label_position_from_string (self->options.ai_label_position, &position);
  return position;
}

static char *
dup_generators (const ReelCut *cut)
{
  g_autoptr (GString) names = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);
      g_autofree char   *name = NULL;

      if (!item->ai_generated || item->animatic_fallback)
        continue;
      name = item->model != NULL ? g_strdup_printf ("%s %s", item->backend, item->model)
                                 : g_strdup (item->backend);
      if (g_hash_table_contains (seen, name))
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, name);
      g_hash_table_add (seen, (gpointer) g_intern_string (name));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static GstTagList *
make_tags (ReelExporter *self)
{
  GstTagList      *tags = gst_tag_list_new_empty ();
  g_autofree char *encoder = g_strdup_printf ("Storyreel %s", PACKAGE_VERSION);

  if (self->cut->title != NULL && *self->cut->title != '\0')
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_TITLE, self->cut->title, NULL);
  gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_ENCODER, encoder, GST_TAG_APPLICATION_NAME,
                    "Storyreel", NULL);

  if (reel_cut_has_ai_generated (self->cut))
    {
      g_autofree char *generators = dup_generators (self->cut);
      /* Not translated: machine-readable marks that tools search for. */
      g_autofree char *comment
          = g_strdup_printf ("AI-generated with Storyreel %s (%s)", PACKAGE_VERSION, generators);

      gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_COMMENT, comment, GST_TAG_DESCRIPTION,
                        comment, GST_TAG_KEYWORDS, "AI-generated", NULL);
    }
  return tags;
}

static void
apply_tags (ReelExporter *self, GstElement *muxer)
{
  if (!GST_IS_TAG_SETTER (muxer) || self->tags == NULL)
    return;
  gst_tag_setter_merge_tags (GST_TAG_SETTER (muxer), self->tags, GST_TAG_MERGE_REPLACE);
  gst_tag_setter_set_tag_merge_mode (GST_TAG_SETTER (muxer), GST_TAG_MERGE_KEEP);
}

static gboolean
element_is_muxer (GstElement *element)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  const char        *klass;

  if (factory == NULL)
    return FALSE;
  klass = gst_element_factory_get_metadata (factory, GST_ELEMENT_METADATA_KLASS);
  return klass != NULL && strstr (klass, "Muxer") != NULL;
}

/* Encoder settings that encodebin's profile cannot carry, applied as the
 * encoders are created (in whatever thread creates them). */
/* The analysis settings of x264's own presets (x264 --fullhelp). */
static const char *
x264_preset_options (const char *preset)
{
  static const struct
  {
    const char *preset;
    const char *options;
  } presets[] = {
    { "ultrafast", "ref=1:bframes=0:subme=0:me=dia:trellis=0:rc-lookahead=0:weightp=0" },
    { "superfast", "ref=1:bframes=3:subme=1:me=dia:trellis=0:rc-lookahead=0:weightp=1" },
    { "veryfast", "ref=1:bframes=3:subme=2:me=hex:trellis=0:rc-lookahead=10:weightp=1" },
    { "faster", "ref=2:bframes=3:subme=4:me=hex:trellis=1:rc-lookahead=20:weightp=1" },
    { "fast", "ref=2:bframes=3:subme=6:me=hex:trellis=1:rc-lookahead=30:weightp=1" },
    { "medium", "ref=3:bframes=3:subme=7:me=hex:trellis=1:rc-lookahead=40:weightp=2" },
    { "slow", "ref=5:bframes=3:subme=8:me=umh:trellis=2:rc-lookahead=50:weightp=2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (preset, presets[i].preset) == 0)
      return presets[i].options;
  return NULL;
}

static void
deep_element_added_cb (GstBin *bin, GstBin *sub_bin, GstElement *element, gpointer user_data)
{
  ReelExporter *self = user_data;
  const char   *name = factory_name (element);

  if (g_strcmp0 (name, HARDWARE_H264_ENCODER) == 0)
    {
      g_autofree char *keyframes = g_strdup_printf ("%u", MAX (self->fps, 1) * 2);

      /* Constant quality at x264's CRF 23 level, keyframes as with x264;
       * NVENC's own default is a constant 2 Mbit/s whatever the picture. */
      gst_util_set_object_arg (G_OBJECT (element), "preset", "hq");
      gst_util_set_object_arg (G_OBJECT (element), "rc-mode", "vbr");
      gst_util_set_object_arg (G_OBJECT (element), "const-quality", "23");
      gst_util_set_object_arg (G_OBJECT (element), "gop-size", keyframes);
    }
  else if (g_strcmp0 (name, "x264enc") == 0)
    {
      g_autofree char *keyframes = g_strdup_printf ("%u", MAX (self->fps, 1) * 2);
      const char      *preset
          = self->options.x264_speed_preset != NULL ? self->options.x264_speed_preset : "medium";
      const char *preset_options = x264_preset_options (preset);

      gst_util_set_object_arg (G_OBJECT (element), "speed-preset", preset);
      /* x264enc applies its own defaults for these (trellis on, three
       * references, no B-frames) over the preset's; put the preset's back so
       * "veryfast" means what it means to x264 and ffmpeg. */
      if (preset_options != NULL)
        gst_util_set_object_arg (G_OBJECT (element), "option-string", preset_options);
      /* Constant quality, as ffmpeg's default (CRF 23), rather than x264enc's
       * fixed 2 Mbit/s. */
      gst_util_set_object_arg (G_OBJECT (element), "pass", "qual");
      gst_util_set_object_arg (G_OBJECT (element), "quantizer", "23");
      /* In quality mode x264enc also turns its "bitrate" (2 Mbit/s unless
       * set) into a VBV cap, which starved busy shots of bits. An empty VBV
       * buffer makes x264 drop the cap: quality alone decides, as with x264
       * and ffmpeg. */
      gst_util_set_object_arg (G_OBJECT (element), "vbv-buf-capacity", "0");
      gst_util_set_object_arg (G_OBJECT (element), "key-int-max", keyframes);
    }
  else if (g_strcmp0 (name, "vp9enc") == 0)
    {
      /* libvpx's default is "best quality" at a crawl; "good" speed 4 with
       * row threading is what web encoders use. */
      guint64          bits = (guint64) self->width * self->height * MAX (self->fps, 1) / 8;
      g_autofree char *bitrate = g_strdup_printf ("%" G_GUINT64_FORMAT, MAX (bits, 200000));
      g_autofree char *threads = g_strdup_printf ("%u", MAX (g_get_num_processors (), 1));

      gst_util_set_object_arg (G_OBJECT (element), "deadline", "1");
      gst_util_set_object_arg (G_OBJECT (element), "cpu-used", "4");
      gst_util_set_object_arg (G_OBJECT (element), "row-mt", "true");
      gst_util_set_object_arg (G_OBJECT (element), "threads", threads);
      gst_util_set_object_arg (G_OBJECT (element), "target-bitrate", bitrate);
    }
  else if (self->single_threaded_decoders && name != NULL && g_str_has_prefix (name, "avdec_")
           && GST_IS_VIDEO_DECODER (element))
    gst_util_set_object_arg (G_OBJECT (element), "max-threads", "1");
  else if (g_strcmp0 (name, "avenc_aac") == 0)
    gst_util_set_object_arg (G_OBJECT (element), "bitrate", "192000");
  else if (g_strcmp0 (name, "mp4mux") == 0)
    apply_tags (self, element);
  else if (element_is_muxer (element))
    apply_tags (self, element);
}

static GstEncodingProfile *
make_profile (ReelExporter *self)
{
  g_autoptr (GstCaps) container_caps = NULL;
  g_autoptr (GstCaps) video_caps = NULL;
  g_autoptr (GstCaps) audio_caps = NULL;
  g_autoptr (GstCaps) video_restriction = NULL;
  g_autoptr (GstCaps) audio_restriction = NULL;
  GstEncodingContainerProfile *container;
  GstEncodingVideoProfile     *video;
  GstEncodingAudioProfile     *audio;
  gboolean                     mp4 = self->options.format == REEL_EXPORT_FORMAT_MP4;

  container_caps
      = gst_caps_from_string (mp4 ? "video/quicktime, variant=(string)iso" : "video/webm");
  video_caps = gst_caps_from_string (mp4 ? "video/x-h264" : "video/x-vp9");
  audio_caps = gst_caps_from_string (mp4 ? "audio/mpeg, mpegversion=(int)4" : "audio/x-opus");
  /* 4:2:0, which every player decodes (x264 would otherwise keep 4:4:4). */
  video_restriction = gst_caps_new_simple (
      "video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT, (int) self->width,
      "height", G_TYPE_INT, (int) self->height, "framerate", GST_TYPE_FRACTION, (int) self->fps, 1,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  audio_restriction = gst_caps_new_simple ("audio/x-raw", "rate", G_TYPE_INT, 48000, "channels",
                                           G_TYPE_INT, 2, NULL);

  container = gst_encoding_container_profile_new ("storyreel", NULL, container_caps, NULL);
  video = gst_encoding_video_profile_new (video_caps, NULL, video_restriction, 0);
  audio = gst_encoding_audio_profile_new (audio_caps, NULL, audio_restriction, 0);
  if (mp4)
    {
      gst_encoding_profile_set_preset_name (GST_ENCODING_PROFILE (video),
                                            pick_h264_encoder (&self->options));
      gst_encoding_profile_set_preset_name (GST_ENCODING_PROFILE (audio), pick_aac_encoder ());
    }
  else
    {
      gst_encoding_profile_set_preset_name (GST_ENCODING_PROFILE (video), "vp9enc");
      gst_encoding_profile_set_preset_name (GST_ENCODING_PROFILE (audio), "opusenc");
    }
  gst_encoding_container_profile_add_profile (container, GST_ENCODING_PROFILE (video));
  gst_encoding_container_profile_add_profile (container, GST_ENCODING_PROFILE (audio));
  return GST_ENCODING_PROFILE (container);
}

/* Pipelines: bus and progress */

static GError *
error_from_message (ReelExporter *self, GstMessage *message)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *folder = g_path_get_dirname (self->output_path);

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Pipeline error from %s: %s (%s)", GST_OBJECT_NAME (message->src), gst_error->message,
           debug != NULL ? debug : "");

  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT)
      || (debug != NULL && strstr (debug, g_strerror (ENOSPC)) != NULL))
    return g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NO_SPACE,
                        _ ("The disk is full: there is no room for the film in “%s”. Free some "
                           "space or choose another folder."),
                        folder);
  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE)
      || g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE))
    return g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NOT_WRITABLE,
                        _ ("The film cannot be written to “%s”: %s. Choose another folder."),
                        folder, gst_error->message);
  if (gst_error->domain == GST_CORE_ERROR && gst_error->code == GST_CORE_ERROR_MISSING_PLUGIN)
    return g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MISSING_PLUGIN,
                        _ ("A GStreamer plugin is missing: %s. Install gstreamer1.0-plugins-good, "
                           "gstreamer1.0-plugins-ugly and gstreamer1.0-libav."),
                        gst_error->message);
  return g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                      _ ("Encoding the film failed: %s"), gst_error->message);
}

typedef void (*PipelineDoneFunc) (ReelExporter *self);

static void
set_video_encoder (ReelExporter *self, const char *name)
{
  if (g_strcmp0 (self->video_encoder, name) == 0)
    return;
  g_free (self->video_encoder);
  self->video_encoder = g_strdup (name);
  g_debug ("Video encoder: %s", name != NULL ? name : "none");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_ENCODER]);
}

/* The first video encoder inside @pipeline, or NULL. */
static const char *
find_video_encoder (GstElement *pipeline)
{
  g_autoptr (GstIterator) iter = gst_bin_iterate_recurse (GST_BIN (pipeline));
  g_auto (GValue) item = G_VALUE_INIT;
  const char *found = NULL;

  while (found == NULL && gst_iterator_next (iter, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);

      if (GST_IS_VIDEO_ENCODER (element))
        found = factory_name (element);
      g_value_reset (&item);
    }
  return found;
}

/* A hardware encoder that fails (no usable GPU, a driver too old, all its
 * sessions taken) gives way to x264: the render starts again, once, with
 * the software encoder. Returns whether it did. */
static gboolean
fall_back_to_software (ReelExporter *self, GstMessage *message)
{
  g_autoptr (GError) gst_error = NULL;
  GstObject *object;

  if (!self->options.allow_hardware_encoder || message == NULL
      || GST_MESSAGE_TYPE (message) != GST_MESSAGE_ERROR)
    return FALSE;
  for (object = GST_MESSAGE_SRC (message); object != NULL; object = GST_OBJECT_PARENT (object))
    if (GST_IS_ELEMENT (object)
        && g_strcmp0 (factory_name (GST_ELEMENT (object)), HARDWARE_H264_ENCODER) == 0)
      break;
  if (object == NULL)
    return FALSE;

  gst_message_parse_error (message, &gst_error, NULL);
  g_message ("The hardware encoder %s failed (%s); encoding with x264 instead",
             HARDWARE_H264_ENCODER, gst_error->message);
  self->options.allow_hardware_encoder = FALSE;
  stop_pipeline (self);
  start_render (self);
  return TRUE;
}

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ReelExporter *self = user_data;

  if (self->task == NULL)
    return G_SOURCE_CONTINUE;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      PipelineDoneFunc done = g_object_get_data (G_OBJECT (self->pipeline), "reel-done");

      set_stage_fraction (self, 1.0);
      stop_pipeline (self);
      if (!check_cancelled (self))
        done (self);
      return G_SOURCE_REMOVE;
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      if (!fall_back_to_software (self, message))
        fail (self, error_from_message (self, message));
      return G_SOURCE_REMOVE;
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT
           && gst_is_missing_plugin_message (message))
    {
      g_autofree char *description = gst_missing_plugin_message_get_description (message);

      fail (self, g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MISSING_PLUGIN,
                               _ ("A GStreamer plugin is missing: %s. Install "
                                  "gstreamer1.0-plugins-good, gstreamer1.0-plugins-ugly and "
                                  "gstreamer1.0-libav."),
                               description));
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
poll_progress_cb (gpointer user_data)
{
  ReelExporter *self = user_data;
  gint64        position = -1;

  if (self->pipeline == NULL)
    return G_SOURCE_CONTINUE;
  if (self->film_duration > 0
      && gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &position) && position >= 0)
    set_stage_fraction (self, (double) position / self->film_duration);
  return G_SOURCE_CONTINUE;
}

static gboolean
play_pipeline (ReelExporter *self, GstElement *pipeline, PipelineDoneFunc done, GError **error)
{
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));

  self->pipeline = gst_object_ref_sink (pipeline);
  g_object_set_data (G_OBJECT (pipeline), "reel-done", done);
  self->bus_watch_id = gst_bus_add_watch (bus, bus_cb, self);
  {
    g_autoptr (GSource) poll = g_timeout_source_new (PROGRESS_POLL_MS);

    g_source_set_callback (poll, poll_progress_cb, self, NULL);
    self->poll_id = g_source_attach (poll, self->context);
  }

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      /* The reason is on the bus; take it from there. */
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (fall_back_to_software (self, message))
        return TRUE;
      if (message != NULL)
        g_propagate_error (error, error_from_message (self, message));
      else
        g_set_error_literal (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                             _ ("The encoder could not start."));
      return FALSE;
    }
  return TRUE;
}

/* Stream copy */

static gboolean
close_enough (double a, double b, double tolerance)
{
  return fabs (a - b) <= tolerance;
}

/* Whether the takes' pictures can be joined without decoding: MP4 H.264
 * takes with the very same stream parameters, each whole, joined by plain
 * cuts, with nothing drawn over them. (Music is fine: the sound is mixed and
 * encoded anyway.) The visible AI label is drawn, so a
 * film with AI-generated shots is only copied with the label turned off
 * ("none"); its tags and provenance sidecar still mark it. */
/* What rules out copying the takes before looking at them: the options,
 * and anything drawn over or between the pictures. */
static gboolean
copy_ruled_out (ReelExporter *self)
{
  const ReelCut *cut = self->cut;

  if (!self->options.allow_stream_copy || self->options.format != REEL_EXPORT_FORMAT_MP4)
    return TRUE;
  if (self->options.captions == REEL_CAPTION_MODE_BURN && cut->cues->len > 0)
    return TRUE;
  if (reel_cut_has_ai_generated (cut) && label_position (self) != REEL_LABEL_POSITION_NONE)
    return TRUE;
  for (guint i = 1; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      if (item->transition != REEL_TRANSITION_CUT && item->transition_duration > 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
can_copy_streams (ReelExporter *self)
{
  const ReelCut *cut = self->cut;
  const char    *video_caps = NULL;
  double         frame;

  if (copy_ruled_out (self))
    return FALSE;

  frame = 1.0 / MAX (self->fps, 1);
  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      if (item->media_path == NULL || item->media_is_image || item->media_video_caps == NULL)
        return FALSE;
      if (g_strcmp0 (item->media_container, "video/quicktime") != 0
          || g_strcmp0 (item->media_video_codec, "video/x-h264") != 0)
        return FALSE;
      if (item->media_width != self->width || item->media_height != self->height
          || !close_enough (item->media_fps, self->fps, 0.01))
        return FALSE;
      /* Whole takes only: a trim would need a cut on a keyframe. */
      if (item->in_point > frame / 2
          || !close_enough (item->out_point, item->media_duration, frame))
        return FALSE;
      if (i == 0)
        video_caps = item->media_video_caps;
      else if (g_strcmp0 (video_caps, item->media_video_caps) != 0)
        return FALSE;
    }

  return cut->items->len > 0;
}

typedef struct
{
  GstPad     *video_sink;
  GstPad     *audio_sink;
  GstElement *bin;
} DemuxLinks;

static void
demux_links_free (gpointer data)
{
  DemuxLinks *links = data;

  gst_clear_object (&links->video_sink);
  gst_clear_object (&links->audio_sink);
  g_free (links);
}

static void
link_to_fakesink (GstElement *bin, GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "async", FALSE, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (bin), sink);
  gst_element_sync_state_with_parent (sink);
  gst_pad_link (pad, sink_pad);
}

/* Links a demuxer's new pad to the waiting sink pad of its kind; pads nobody
 * wants go to a fakesink, so the demuxer never stops on "not linked". */
static void
demux_pad_added_cb (GstElement *demux, GstPad *pad, gpointer user_data)
{
  DemuxLinks *links = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name = caps != NULL ? gst_structure_get_name (gst_caps_get_structure (caps, 0)) : "";
  GstPad    **target = NULL;

  if (g_str_has_prefix (name, "video/"))
    target = &links->video_sink;
  else if (g_str_has_prefix (name, "audio/"))
    target = &links->audio_sink;

  if (target != NULL && *target != NULL && !gst_pad_is_linked (*target))
    {
      if (gst_pad_link (pad, *target) != GST_PAD_LINK_OK)
        g_warning ("Cannot link %s", name);
      return;
    }

  link_to_fakesink (links->bin, pad);
}

static GstElement *
make_element (const char *factory, GError **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    g_set_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MISSING_PLUGIN,
                 _ ("The GStreamer element “%s” is not installed."), factory);
  return element;
}

/* A queue that never blocks: streams from one demuxer feed a muxer that
 * waits for all of them. */
static GstElement *
make_unlimited_queue (void)
{
  GstElement *queue = gst_element_factory_make ("queue", NULL);

  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0, "max-size-time", (guint64) 0,
                NULL);
  return queue;
}

/* The takes' H.264 streams joined unchanged, in order. The sound comes from
 * an audio-only GES timeline of the same cut (the takes' sound placed
 * exactly under their pictures, silence where they have none, the music
 * mixed in) and is encoded once more: cheap next to the picture, and exact,
 * where joining the takes' AAC frames would drift by their padding. */
static GstElement *
build_copy_pipeline (ReelExporter *self, GError **error)
{
  g_autoptr (GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("storyreel-copy"));
  ReelTimelineOptions timeline_options;
  GstElement         *video_concat, *video_parse, *video_queue, *mux, *sink;
  GstElement         *audio_convert, *audio_resample, *audio_encoder, *audio_queue;
  g_autoptr (GList) tracks = NULL;
  GstPad *timeline_pad;

  reel_timeline_options_init (&timeline_options);
  timeline_options.width = self->width;
  timeline_options.height = self->height;
  timeline_options.fps = self->fps;
  timeline_options.extra_music = self->options.extra_music;
  timeline_options.audio_only = TRUE;
  self->timeline = reel_cut_build_timeline (self->cut, &timeline_options, error);
  if (self->timeline == NULL)
    return NULL;

  if (!(video_concat = make_element ("concat", error))
      || !(video_parse = make_element ("h264parse", error))
      || !(audio_convert = make_element ("audioconvert", error))
      || !(audio_resample = make_element ("audioresample", error))
      || !(audio_encoder = make_element (pick_copy_aac_encoder (), error))
      || !(mux = make_element ("mp4mux", error)) || !(sink = make_element ("filesink", error)))
    return NULL;
  g_object_set (audio_encoder, "bitrate", 192000, NULL);
  video_queue = make_unlimited_queue ();
  audio_queue = make_unlimited_queue ();
  g_object_set (sink, "location", self->render_path, NULL);
  g_object_set (mux, "faststart", TRUE, NULL);
  apply_tags (self, mux);
  gst_bin_add_many (GST_BIN (pipeline), GST_ELEMENT (self->timeline), video_concat, video_parse,
                    video_queue, audio_convert, audio_resample, audio_encoder, audio_queue, mux,
                    sink, NULL);
  if (!gst_element_link_many (video_concat, video_parse, video_queue, NULL)
      || !gst_element_link_pads (video_queue, "src", mux, "video_%u")
      || !gst_element_link_many (audio_convert, audio_resample, audio_encoder, audio_queue, NULL)
      || !gst_element_link_pads (audio_queue, "src", mux, "audio_%u")
      || !gst_element_link (mux, sink))
    goto link_failed;

  tracks = ges_timeline_get_tracks (self->timeline);
  timeline_pad
      = tracks != NULL ? ges_timeline_get_pad_for_track (self->timeline, tracks->data) : NULL;
  g_list_foreach (tracks, (GFunc) (void (*) (void)) gst_object_unref, NULL);
  if (timeline_pad == NULL)
    goto link_failed;
  {
    g_autoptr (GstPad) convert_sink = gst_element_get_static_pad (audio_convert, "sink");

    if (gst_pad_link (timeline_pad, convert_sink) != GST_PAD_LINK_OK)
      goto link_failed;
  }

  for (guint i = 0; i < self->cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (self->cut->items, i);
      GstElement        *source = gst_element_factory_make ("filesrc", NULL);
      GstElement        *demux = gst_element_factory_make ("qtdemux", NULL);
      GstElement        *parse = gst_element_factory_make ("h264parse", NULL);
      DemuxLinks        *links = g_new0 (DemuxLinks, 1);
      g_autoptr (GstPad) parse_src = NULL;
      g_autoptr (GstPad) video_sink = NULL;

      g_object_set (source, "location", item->media_path, NULL);
      gst_bin_add_many (GST_BIN (pipeline), source, demux, parse, NULL);
      gst_element_link (source, demux);

      /* Concat plays its sink pads in the order they were requested. */
      parse_src = gst_element_get_static_pad (parse, "src");
      video_sink = gst_element_request_pad_simple (video_concat, "sink_%u");
      if (gst_pad_link (parse_src, video_sink) != GST_PAD_LINK_OK)
        goto link_failed;

      links->bin = pipeline;
      links->video_sink = gst_element_get_static_pad (parse, "sink");
      g_signal_connect_data (demux, "pad-added", G_CALLBACK (demux_pad_added_cb), links,
                             (GClosureNotify) (void (*) (void)) demux_links_free, 0);
    }

  return g_steal_pointer (&pipeline);

link_failed:
  g_set_error_literal (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                       _ ("The takes cannot be joined without re-encoding."));
  return NULL;
}

/* Soft subtitles: the film again, with a text track */

static void
push_subtitles (ReelExporter *self, GstElement *appsrc)
{
  gboolean     mp4 = self->options.format == REEL_EXPORT_FORMAT_MP4;
  GstClockTime position = 0;

  for (guint i = 0; i < self->cut->cues->len; i++)
    {
      const ReelCutCue *cue = g_ptr_array_index (self->cut->cues, i);
      g_autofree char  *display = reel_cut_cue_dup_display_text (cue);
      g_autofree char  *text = reel_captions_wrap (display, REEL_CAPTIONS_DEFAULT_COLUMNS);
      GstClockTime      start = gst_util_uint64_scale (llround (cue->start * 1000), GST_MSECOND, 1);
      GstClockTime      duration
          = gst_util_uint64_scale (llround (cue->duration * 1000), GST_MSECOND, 1);
      GstBuffer *buffer;
      gsize      length = strlen (text);

      /* MP4 text samples last until the next one: an empty sample clears the
       * screen between cues. */
      if (mp4 && start > position)
        {
          GstBuffer *gap = gst_buffer_new ();

          GST_BUFFER_PTS (gap) = GST_BUFFER_DTS (gap) = position;
          GST_BUFFER_DURATION (gap) = start - position;
          gst_app_src_push_buffer (GST_APP_SRC (appsrc), gap);
        }

      buffer = gst_buffer_new_wrapped (g_strndup (text, length), length);
      GST_BUFFER_PTS (buffer) = GST_BUFFER_DTS (buffer) = start;
      GST_BUFFER_DURATION (buffer) = duration;
      gst_app_src_push_buffer (GST_APP_SRC (appsrc), buffer);
      position = start + duration;
    }

  if (mp4 && position < self->film_duration)
    {
      GstBuffer *gap = gst_buffer_new ();

      GST_BUFFER_PTS (gap) = GST_BUFFER_DTS (gap) = position;
      GST_BUFFER_DURATION (gap) = self->film_duration - position;
      gst_app_src_push_buffer (GST_APP_SRC (appsrc), gap);
    }
  gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
}

static GstElement *
build_remux_pipeline (ReelExporter *self, const char *input, GError **error)
{
  g_autoptr (GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("storyreel-remux"));
  gboolean    mp4 = self->options.format == REEL_EXPORT_FORMAT_MP4;
  GstElement *source, *demux, *mux, *sink, *appsrc, *text_queue;
  DemuxLinks *links;
  g_autoptr (GstCaps) text_caps
      = gst_caps_new_simple ("text/x-raw", "format", G_TYPE_STRING, "utf8", NULL);

  if (!(source = make_element ("filesrc", error))
      || !(demux = make_element (mp4 ? "qtdemux" : "matroskademux", error))
      || !(mux = make_element (mp4 ? "mp4mux" : "webmmux", error))
      || !(sink = make_element ("filesink", error)) || !(appsrc = make_element ("appsrc", error)))
    return NULL;

  g_object_set (source, "location", input, NULL);
  g_object_set (sink, "location", self->render_path, NULL);
  g_object_set (appsrc, "caps", text_caps, "format", GST_FORMAT_TIME, NULL);
  if (mp4)
    g_object_set (mux, "faststart", TRUE, NULL);
  apply_tags (self, mux);
  text_queue = make_unlimited_queue ();
  gst_bin_add_many (GST_BIN (pipeline), source, demux, mux, sink, appsrc, text_queue, NULL);
  if (!gst_element_link (source, demux) || !gst_element_link (mux, sink)
      || !gst_element_link (appsrc, text_queue)
      || !gst_element_link_pads (text_queue, "src", mux, "subtitle_%u"))
    {
      g_set_error_literal (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                           _ ("The subtitle track cannot be added to this film."));
      return NULL;
    }

  links = g_new0 (DemuxLinks, 1);
  links->bin = pipeline;
  for (guint i = 0; i < 2; i++)
    {
      GstElement *queue = make_unlimited_queue ();
      g_autoptr (GstPad) queue_src = gst_element_get_static_pad (queue, "src");
      g_autoptr (GstPad) mux_sink
          = gst_element_request_pad_simple (mux, i == 0 ? "video_%u" : "audio_%u");

      gst_bin_add (GST_BIN (pipeline), queue);
      gst_pad_link (queue_src, mux_sink);
      if (i == 0)
        links->video_sink = gst_element_get_static_pad (queue, "sink");
      else
        links->audio_sink = gst_element_get_static_pad (queue, "sink");
    }
  g_signal_connect_data (demux, "pad-added", G_CALLBACK (demux_pad_added_cb), links,
                         (GClosureNotify) (void (*) (void)) demux_links_free, 0);

  push_subtitles (self, appsrc);
  return g_steal_pointer (&pipeline);
}

static void
remux_done (ReelExporter *self)
{
  g_unlink (self->remux_path);
  g_clear_pointer (&self->remux_path, g_free);
  finish_film (self);
}

static void
start_remux (ReelExporter *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  char *output;

  /* The render becomes the input, removed once read; a second reserved name
   * takes the output, which becomes the film. */
  output = reserve_temporary (self->output_path, ".subtitled", &error);
  if (output == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  self->remux_path = g_steal_pointer (&self->reserved_path);
  self->reserved_path = output;
  g_free (self->render_path);
  self->render_path = g_strdup (output);

  set_stage (self, N_ ("Adding subtitles"), 0.98);
  pipeline = build_remux_pipeline (self, self->remux_path, &error);
  if (pipeline == NULL || !play_pipeline (self, pipeline, remux_done, &error))
    fail (self, g_steal_pointer (&error));
}

static void
render_done (ReelExporter *self)
{
  if (self->options.captions == REEL_CAPTION_MODE_SOFT && self->cut->cues->len > 0)
    start_remux (self);
  else
    finish_film (self);
}

static void
start_render (ReelExporter *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;

  self->film_duration = reel_frames_to_time (llround (self->cut->duration * self->fps), self->fps);
  self->tags = make_tags (self);
  g_free (self->render_path);
  self->render_path = g_strdup (self->reserved_path);

  if (can_copy_streams (self))
    {
      self->stream_copied = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM_COPIED]);
      set_stage (self, N_ ("Copying video"), 0.95);
      pipeline = build_copy_pipeline (self, &error);
    }
  else
    {
      ReelTimelineOptions timeline_options;
      g_autoptr (GstEncodingProfile) profile = NULL;
      g_autofree char *uri = NULL;
      GESPipeline     *ges_pipeline;

      reel_timeline_options_init (&timeline_options);
      timeline_options.width = self->width;
      timeline_options.height = self->height;
      timeline_options.fps = self->fps;
      timeline_options.burn_captions = self->options.captions == REEL_CAPTION_MODE_BURN;
      timeline_options.ai_label_position = label_position (self);
      timeline_options.extra_music = self->options.extra_music;

      set_stage (self, N_ ("Encoding"), 0.95);
      self->timeline = reel_cut_build_timeline (self->cut, &timeline_options, &error);
      if (self->timeline != NULL)
        {
          GstClockTime duration = ges_timeline_get_duration (self->timeline);

          if (GST_CLOCK_TIME_IS_VALID (duration) && duration > 0)
            self->film_duration = duration;
          self->single_threaded_decoders
              = self->options.format == REEL_EXPORT_FORMAT_WEBM
                || g_strcmp0 (pick_h264_encoder (&self->options), "x264enc") == 0;
          ges_pipeline = gst_object_ref_sink (ges_pipeline_new ());
          pipeline = GST_ELEMENT (ges_pipeline);
          g_signal_connect (pipeline, "deep-element-added", G_CALLBACK (deep_element_added_cb),
                            self);
          profile = make_profile (self);
          uri = gst_filename_to_uri (self->render_path, NULL);
          if (!ges_pipeline_set_timeline (ges_pipeline, self->timeline)
              || !ges_pipeline_set_render_settings (ges_pipeline, uri, profile)
              || !ges_pipeline_set_mode (ges_pipeline, GES_PIPELINE_MODE_RENDER))
            {
              g_set_error_literal (&error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                                   _ ("The film cannot be set up for rendering."));
              gst_clear_object (&pipeline);
            }
          else
            set_video_encoder (self, find_video_encoder (pipeline));
        }
    }

  if (pipeline == NULL || !play_pipeline (self, pipeline, render_done, &error))
    fail (self, g_steal_pointer (&error));
}

/* Sidecars and the rename into place */

static char *
sidecar_path (ReelExporter *self, const char *extension)
{
  const char      *dot = strrchr (self->output_path, '.');
  const char      *slash = strrchr (self->output_path, G_DIR_SEPARATOR);
  g_autofree char *stem = NULL;

  if (dot != NULL && (slash == NULL || dot > slash))
    stem = g_strndup (self->output_path, dot - self->output_path);
  else
    stem = g_strdup (self->output_path);
  return g_strconcat (stem, extension, NULL);
}

static void
add_sidecar (ReelExporter *self, char *path)
{
  g_ptr_array_insert (self->sidecars, self->sidecars->len - 1, path);
}

static void
add_string_or_null (JsonBuilder *builder, const char *value)
{
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
provenance_to_json (ReelExporter *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *film = g_path_get_basename (self->output_path);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "film");
  json_builder_add_string_value (builder, film);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->cut->title != NULL ? self->cut->title : "");
  json_builder_set_member_name (builder, "generator");
  json_builder_add_string_value (builder, "Storyreel " PACKAGE_VERSION);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "ai_generated");
  json_builder_add_boolean_value (builder, reel_cut_has_ai_generated (self->cut));
  json_builder_set_member_name (builder, "shots");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (self->cut->items, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "shot");
      json_builder_add_string_value (builder, item->shot_number != NULL ? item->shot_number : "");
      json_builder_set_member_name (builder, "shot_id");
      json_builder_add_int_value (builder, item->shot_id);
      json_builder_set_member_name (builder, "start");
      json_builder_add_double_value (builder, item->start);
      json_builder_set_member_name (builder, "duration");
      json_builder_add_double_value (builder, item->duration);
      json_builder_set_member_name (builder, "ai_generated");
      json_builder_add_boolean_value (builder, item->ai_generated && !item->animatic_fallback);
      json_builder_set_member_name (builder, "animatic");
      json_builder_add_boolean_value (builder, item->animatic_fallback);
      json_builder_set_member_name (builder, "take_id");
      if (item->take_id != 0)
        json_builder_add_int_value (builder, item->take_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "backend");
      add_string_or_null (builder, item->animatic_fallback ? "animatic" : item->backend);
      json_builder_set_member_name (builder, "model");
      add_string_or_null (builder, item->animatic_fallback ? NULL : item->model);
      json_builder_set_member_name (builder, "prompt");
      add_string_or_null (builder, item->animatic_fallback ? NULL : item->prompt);
      json_builder_set_member_name (builder, "seed");
      if (item->take_id != 0 && !item->animatic_fallback)
        json_builder_add_int_value (builder, item->seed);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "media_sha256");
      add_string_or_null (builder, item->animatic_fallback ? NULL : item->media_sha256);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static gboolean
write_sidecars (ReelExporter *self, GError **error)
{
  if (self->options.caption_sidecars && self->cut->cues->len > 0)
    {
      g_autofree char *srt = sidecar_path (self, ".srt");
      g_autofree char *vtt = sidecar_path (self, ".vtt");

      if (!reel_captions_write_srt (self->cut, srt, error))
        return FALSE;
      add_sidecar (self, g_steal_pointer (&srt));
      if (!reel_captions_write_webvtt (self->cut, vtt, error))
        return FALSE;
      add_sidecar (self, g_steal_pointer (&vtt));
    }

  if (reel_cut_has_ai_generated (self->cut))
    {
      g_autofree char *path = sidecar_path (self, ".provenance.json");
      g_autofree char *json = provenance_to_json (self);

      if (!g_file_set_contents (path, json, -1, error))
        return FALSE;
      add_sidecar (self, g_steal_pointer (&path));
    }
  return TRUE;
}

static void
finish_film (ReelExporter *self)
{
  g_autoptr (GError) error = NULL;

  set_stage (self, N_ ("Writing subtitles"), 1.0);
  if (!write_sidecars (self, &error))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  if (g_rename (self->reserved_path, self->output_path) != 0)
    {
      int              saved_errno = errno;
      g_autofree char *folder = g_path_get_dirname (self->output_path);

      set_write_error (&error, saved_errno, folder);
      fail (self, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&self->reserved_path, g_free);
  succeed (self);
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
      set_stage (self, N_ ("Writing"), 1.0);
      run_in_thread (self, write_interchange, interchange_done);
      return;
    }

  if (self->cut->items->len == 0)
    {
      fail (self, g_error_new_literal (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_INVALID,
                                       _ ("The film has no shots yet. Import a script first.")));
      return;
    }
  if (self->width < 16 || self->height < 16 || self->fps > 240)
    {
      fail (self, g_error_new_literal (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_INVALID,
                                       _ ("Choose a frame size of at least 16×16 pixels and at "
                                          "most 240 frames per second.")));
      return;
    }
  if (self->options.extra_music != NULL
      && !g_file_test (self->options.extra_music, G_FILE_TEST_IS_REGULAR))
    {
      fail (self,
            g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MEDIA,
                         _ ("The music file “%s” does not exist."), self->options.extra_music));
      return;
    }

  if (!check_plugins (self, &error)
      || !(self->reserved_path = reserve_temporary (self->output_path, "", &error)))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  self->cancelled_id
      = g_cancellable_connect (self->cancellable, G_CALLBACK (cancelled_cb), self, NULL);

  {
    gboolean missing = FALSE;

    for (guint i = 0; i < self->cut->items->len; i++)
      missing |= ((ReelCutItem *) g_ptr_array_index (self->cut->items, i))->media_path == NULL;
    set_stage (self, missing ? N_ ("Rendering missing animatics") : N_ ("Preparing"),
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
