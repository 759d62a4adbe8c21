/* reel-preview.c
 *
 * Debian 12 has no GStreamer sink for GTK 4, so the preview does what GTK's
 * own media module does (modules/media/gtkgstpaintable.c): a GESPipeline
 * renders into an appsink that asks for BGRA, the streaming thread hands
 * each sample to the main thread, and there it becomes a GdkMemoryTexture
 * that the paintable shows. Everything else (state, seeks, the position
 * while playing, bus messages) happens on the main thread, as in Pitivi's
 * pipeline.py.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <math.h>

#include "reel-preview.h"

/* How often the playhead follows the pipeline while playing. */
#define POSITION_POLL_MS 40

struct _ReelPreview
{
  GObject parent_instance;

  GESTimeline *timeline;
  GstElement  *pipeline;
  GstElement  *appsink;
  guint        bus_watch;
  guint        poll_source;

  guint width;
  guint height;
  guint fps;

  GdkTexture *texture;
  double      frame_time;
  double      position;
  double      duration;
  char       *error;

  /* What the user asked for; the pipeline follows once it can. */
  gboolean want_playing;
  gboolean ready;
  /* A flushing seek is under way; the next one waits for it. */
  gboolean seeking;
  double   pending_seek; /* -1: none */

  /* Samples from the streaming thread wait here for the main thread. */
  GMutex     lock;
  GstSample *pending_sample;
  guint      frame_source;
};

static void reel_preview_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ReelPreview,
                               reel_preview,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      reel_preview_paintable_init))

enum
{
  PROP_0,
  PROP_PLAYING,
  PROP_POSITION,
  PROP_DURATION,
  PROP_READY,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GdkPaintable */

static void
reel_preview_paintable_snapshot (GdkPaintable *paintable,
                                 GdkSnapshot  *snapshot,
                                 double        width,
                                 double        height)
{
  ReelPreview *self = REEL_PREVIEW (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
  else
    gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &(GdkRGBA){ 0, 0, 0, 1 },
                               &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static GdkPaintable *
reel_preview_paintable_get_current_image (GdkPaintable *paintable)
{
  ReelPreview *self = REEL_PREVIEW (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));
  return gdk_paintable_new_empty (self->width, self->height);
}

static int
reel_preview_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  ReelPreview *self = REEL_PREVIEW (paintable);

  return self->texture != NULL ? gdk_texture_get_width (self->texture) : (int) self->width;
}

static int
reel_preview_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  ReelPreview *self = REEL_PREVIEW (paintable);

  return self->texture != NULL ? gdk_texture_get_height (self->texture) : (int) self->height;
}

static double
reel_preview_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  int width = reel_preview_paintable_get_intrinsic_width (paintable);
  int height = reel_preview_paintable_get_intrinsic_height (paintable);

  return width > 0 && height > 0 ? (double) width / height : 0;
}

static void
reel_preview_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = reel_preview_paintable_snapshot;
  iface->get_current_image = reel_preview_paintable_get_current_image;
  iface->get_intrinsic_width = reel_preview_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = reel_preview_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = reel_preview_paintable_get_intrinsic_aspect_ratio;
}

/* Frames */

typedef struct
{
  GstVideoFrame frame;
} MappedFrame;

static void
mapped_frame_free (gpointer data)
{
  MappedFrame *mapped = data;

  gst_video_frame_unmap (&mapped->frame);
  g_free (mapped);
}

/* The buffer's memory becomes the texture's without a copy; the mapping is
 * released with the last reference to the texture. */
static GdkTexture *
texture_from_sample (GstSample *sample, double *frame_time)
{
  GstCaps     *caps = gst_sample_get_caps (sample);
  GstBuffer   *buffer = gst_sample_get_buffer (sample);
  GstSegment  *segment = gst_sample_get_segment (sample);
  GstVideoInfo info;
  MappedFrame *mapped;
  g_autoptr (GBytes) bytes = NULL;
  GdkTexture *texture;

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps))
    return NULL;

  mapped = g_new0 (MappedFrame, 1);
  if (!gst_video_frame_map (&mapped->frame, &info, buffer, GST_MAP_READ))
    {
      g_free (mapped);
      return NULL;
    }

  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (&mapped->frame, 0),
                                      (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0)
                                          * GST_VIDEO_FRAME_HEIGHT (&mapped->frame),
                                      mapped_frame_free, mapped);
  texture = gdk_memory_texture_new (
      GST_VIDEO_FRAME_WIDTH (&mapped->frame), GST_VIDEO_FRAME_HEIGHT (&mapped->frame),
      GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0));

  *frame_time = -1;
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    {
      guint64 stream_time = segment != NULL ? gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
                                                                          GST_BUFFER_PTS (buffer))
                                            : GST_BUFFER_PTS (buffer);

      if (GST_CLOCK_TIME_IS_VALID (stream_time))
        *frame_time = (double) stream_time / GST_SECOND;
    }
  return texture;
}

static gboolean
show_frame_cb (gpointer user_data)
{
  ReelPreview *self = user_data;
  g_autoptr (GstSample) sample = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  double   frame_time = -1;
  gboolean size_changed;
  gboolean was_ready = self->ready;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&self->pending_sample);
  self->frame_source = 0;
  g_mutex_unlock (&self->lock);

  if (sample == NULL || (texture = texture_from_sample (sample, &frame_time)) == NULL)
    return G_SOURCE_REMOVE;

  size_changed = self->texture == NULL
                 || gdk_texture_get_width (self->texture) != gdk_texture_get_width (texture)
                 || gdk_texture_get_height (self->texture) != gdk_texture_get_height (texture);
  g_set_object (&self->texture, texture);
  self->frame_time = frame_time;

  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));

  if (!was_ready && !self->seeking)
    {
      self->ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
  return G_SOURCE_REMOVE;
}

/* Streaming thread: keep only the newest sample, and wake the main thread once. */
static void
queue_sample (ReelPreview *self, GstSample *sample)
{
  g_mutex_lock (&self->lock);
  if (self->pending_sample != NULL)
    gst_sample_unref (self->pending_sample);
  self->pending_sample = sample;
  if (self->frame_source == 0)
    self->frame_source = g_idle_add_full (G_PRIORITY_DEFAULT, show_frame_cb, self, NULL);
  g_mutex_unlock (&self->lock);
}

static GstFlowReturn
new_sample_cb (GstAppSink *appsink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_sample (appsink);

  if (sample != NULL)
    queue_sample (user_data, sample);
  return GST_FLOW_OK;
}

static GstFlowReturn
new_preroll_cb (GstAppSink *appsink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_preroll (appsink);

  if (sample != NULL)
    queue_sample (user_data, sample);
  return GST_FLOW_OK;
}

/* Position */

static void
set_position (ReelPreview *self, double position)
{
  if (fabs (self->position - position) < 1e-6)
    return;
  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

static gboolean
poll_position_cb (gpointer user_data)
{
  ReelPreview *self = user_data;
  gint64       position;

  if (self->pipeline != NULL && !self->seeking
      && gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &position) && position >= 0)
    set_position (self, MIN ((double) position / GST_SECOND, self->duration));
  return G_SOURCE_CONTINUE;
}

static void
update_polling (ReelPreview *self)
{
  if (self->want_playing && self->pipeline != NULL)
    {
      if (self->poll_source == 0)
        self->poll_source = g_timeout_add (POSITION_POLL_MS, poll_position_cb, self);
    }
  else
    g_clear_handle_id (&self->poll_source, g_source_remove);
}

static void
set_want_playing (ReelPreview *self, gboolean playing)
{
  if (self->want_playing == playing)
    return;
  self->want_playing = playing;
  update_polling (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
set_error (ReelPreview *self, const char *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
do_seek (ReelPreview *self, double seconds)
{
  GstClockTime time = (GstClockTime) llround (seconds * GST_SECOND);

  self->seeking = TRUE;
  if (!gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME,
                                GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, time))
    {
      g_debug ("The preview cannot seek to %f s", seconds);
      self->seeking = FALSE;
    }
}

/* Bus */

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ReelPreview *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ASYNC_DONE)
    {
      self->seeking = FALSE;
      if (self->pending_seek >= 0)
        {
          double seconds = self->pending_seek;

          self->pending_seek = -1;
          do_seek (self, seconds);
          return G_SOURCE_CONTINUE;
        }
      if (!self->ready && self->texture != NULL)
        {
          self->ready = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
        }
      if (self->want_playing)
        gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
      set_want_playing (self, FALSE);
      set_position (self, self->duration);
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *debug = NULL;
      g_autofree char *text = NULL;

      gst_message_parse_error (message, &error, &debug);
      g_message ("Preview error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
                 error->message, debug != NULL ? debug : "");
      /* Translators: %s is GStreamer's own description of the problem */
      text = g_strdup_printf (_ ("The preview cannot play: %s"), error->message);
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      self->seeking = FALSE;
      set_want_playing (self, FALSE);
      set_error (self, text);
    }

  return G_SOURCE_CONTINUE;
}

/* Pipeline */

static GstElement *
make_audio_sink (void)
{
  const char *name = g_getenv (REEL_PREVIEW_AUDIO_SINK_ENV);
  GstElement *sink = NULL;

  if (name != NULL && *name != '\0')
    sink = gst_element_factory_make (name, NULL);

  if (sink == NULL)
    {
      sink = gst_element_factory_make ("autoaudiosink", NULL);
      /* Without a sound server or device (a CI machine) it cannot open. */
      if (sink != NULL && gst_element_set_state (sink, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE)
        {
          g_debug ("No audio output: the preview plays silently");
          gst_element_set_state (sink, GST_STATE_NULL);
          g_clear_pointer (&sink, gst_object_unref);
        }
      else if (sink != NULL)
        gst_element_set_state (sink, GST_STATE_NULL);
    }

  if (sink == NULL)
    sink = gst_element_factory_make ("fakesink", NULL);
  /* A fake sink keeps time like a real one, so audio and video stay together. */
  if (sink != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (sink), "sync") != NULL)
    g_object_set (sink, "sync", TRUE, NULL);
  return sink;
}

static void
stop_pipeline (ReelPreview *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_handle_id (&self->bus_watch, g_source_remove);

  if (self->pipeline != NULL)
    {
      /* Joins the streaming threads: no sample arrives after this. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_pointer (&self->pipeline, gst_object_unref);
    }
  self->appsink = NULL;
  g_clear_object (&self->timeline);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending_sample, gst_sample_unref);
  g_clear_handle_id (&self->frame_source, g_source_remove);
  g_mutex_unlock (&self->lock);

  self->seeking = FALSE;
  self->pending_seek = -1;
}

void
reel_preview_set_timeline (
    ReelPreview *self, GESTimeline *timeline, guint width, guint height, guint fps)
{
  static GstAppSinkCallbacks callbacks = {
    .new_sample = new_sample_cb,
    .new_preroll = new_preroll_cb,
  };
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstBus) bus = NULL;
  GstElement *audio_sink;
  double      keep_position = self->position;
  gboolean    was_ready = self->ready;

  g_return_if_fail (REEL_IS_PREVIEW (self));
  g_return_if_fail (timeline == NULL || GES_IS_TIMELINE (timeline));

  stop_pipeline (self);
  self->ready = FALSE;
  set_error (self, NULL);

  if (timeline == NULL)
    {
      g_clear_object (&self->texture);
      self->frame_time = -1;
      self->duration = 0;
      set_want_playing (self, FALSE);
      gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
      if (was_ready)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
      return;
    }

  self->timeline = g_object_ref (timeline);
  self->width = width;
  self->height = height;
  self->fps = MAX (fps, 1);
  self->duration = (double) ges_timeline_get_duration (timeline) / GST_SECOND;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);

  self->pipeline = gst_object_ref_sink (GST_ELEMENT (ges_pipeline_new ()));
  self->appsink = gst_element_factory_make ("appsink", "preview-sink");
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRA", NULL);
  g_object_set (self->appsink, "caps", caps, "sync", TRUE, "max-buffers", 2, "drop", FALSE,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (self->appsink), &callbacks, self, NULL);
  ges_pipeline_preview_set_video_sink (GES_PIPELINE (self->pipeline), self->appsink);
  audio_sink = make_audio_sink ();
  if (audio_sink != NULL)
    ges_pipeline_preview_set_audio_sink (GES_PIPELINE (self->pipeline), audio_sink);

  if (!ges_pipeline_set_timeline (GES_PIPELINE (self->pipeline), timeline))
    {
      stop_pipeline (self);
      set_error (self, _ ("The preview cannot play this film."));
      return;
    }

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);

  if (gst_element_set_state (self->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    {
      g_debug ("The preview pipeline cannot pause");
      /* The bus has the reason; bus_cb reports it. */
    }

  /* Back to where the previous cut was, once the pipeline can seek. */
  keep_position = MIN (keep_position, MAX (self->duration - 1.0 / self->fps, 0));
  if (keep_position > 0)
    {
      self->seeking = TRUE;
      self->pending_seek = keep_position;
    }
  set_position (self, keep_position);
  update_polling (self);
  if (was_ready)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

GESTimeline *
reel_preview_get_timeline (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), NULL);
  return self->timeline;
}

void
reel_preview_play (ReelPreview *self)
{
  g_return_if_fail (REEL_IS_PREVIEW (self));

  if (self->pipeline == NULL || self->error != NULL)
    return;

  /* At the end: play again from the start. */
  if (self->position >= self->duration - 0.5 / self->fps)
    reel_preview_seek (self, 0);

  set_want_playing (self, TRUE);
  if (!self->seeking)
    gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
}

void
reel_preview_pause (ReelPreview *self)
{
  g_return_if_fail (REEL_IS_PREVIEW (self));

  set_want_playing (self, FALSE);
  if (self->pipeline == NULL)
    return;
  gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
  poll_position_cb (self);
}

gboolean
reel_preview_get_playing (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), FALSE);
  return self->want_playing;
}

void
reel_preview_seek (ReelPreview *self, double seconds)
{
  g_return_if_fail (REEL_IS_PREVIEW (self));

  /* Without a pipeline yet, the next one starts there. */
  if (self->pipeline == NULL)
    {
      set_position (self, MAX (seconds, 0));
      return;
    }

  /* The last frame starts one frame before the end. */
  seconds = CLAMP (seconds, 0, MAX (self->duration - 1.0 / self->fps, 0));
  /* Whole frames, so the picture and the time label agree. A time within a
   * thousandth of a frame of a frame's start is that frame: pointer
   * positions come through single-precision transforms (a drag of 144 px
   * arrives as 143.99998). */
  seconds = floor (seconds * self->fps + 1e-3) / self->fps;
  set_position (self, seconds);

  if (self->seeking)
    self->pending_seek = seconds;
  else
    do_seek (self, seconds);
}

void
reel_preview_step (ReelPreview *self, int n_frames)
{
  g_return_if_fail (REEL_IS_PREVIEW (self));

  if (self->pipeline == NULL)
    return;
  if (self->want_playing)
    reel_preview_pause (self);
  reel_preview_seek (self, self->position + (double) n_frames / self->fps + 0.5 / self->fps);
}

double
reel_preview_get_position (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), 0);
  return self->position;
}

double
reel_preview_get_duration (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), 0);
  return self->duration;
}

guint
reel_preview_get_fps (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), 0);
  return self->fps;
}

double
reel_preview_get_frame_time (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), -1);
  return self->frame_time;
}

GdkTexture *
reel_preview_get_texture (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), NULL);
  return self->texture;
}

gboolean
reel_preview_get_ready (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), FALSE);
  return self->ready;
}

const char *
reel_preview_get_error (ReelPreview *self)
{
  g_return_val_if_fail (REEL_IS_PREVIEW (self), NULL);
  return self->error;
}

static void
reel_preview_dispose (GObject *object)
{
  ReelPreview *self = REEL_PREVIEW (object);

  stop_pipeline (self);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (reel_preview_parent_class)->dispose (object);
}

static void
reel_preview_finalize (GObject *object)
{
  ReelPreview *self = REEL_PREVIEW (object);

  g_free (self->error);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (reel_preview_parent_class)->finalize (object);
}

static void
reel_preview_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelPreview *self = REEL_PREVIEW (object);

  switch (prop_id)
    {
      case PROP_PLAYING:
        g_value_set_boolean (value, self->want_playing);
        break;
      case PROP_POSITION:
        g_value_set_double (value, self->position);
        break;
      case PROP_DURATION:
        g_value_set_double (value, self->duration);
        break;
      case PROP_READY:
        g_value_set_boolean (value, self->ready);
        break;
      case PROP_ERROR:
        g_value_set_string (value, self->error);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_preview_class_init (ReelPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reel_preview_dispose;
  object_class->finalize = reel_preview_finalize;
  object_class->get_property = reel_preview_get_property;

  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] = g_param_spec_double ("position", NULL, NULL, 0, G_MAXDOUBLE, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] = g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_READY] = g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR]
      = g_param_spec_string ("error", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
reel_preview_init (ReelPreview *self)
{
  g_mutex_init (&self->lock);
  self->frame_time = -1;
  self->pending_seek = -1;
  self->fps = 24;
  self->width = 16;
  self->height = 9;
}

ReelPreview *
reel_preview_new (void)
{
  return g_object_new (REEL_TYPE_PREVIEW, NULL);
}
