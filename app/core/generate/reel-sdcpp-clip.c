/* reel-sdcpp-clip.c
 *
 * The AVI and WebM go through decodebin, which finds the container from the
 * bytes. GStreamer 1.22 has no decoder for animated WebP (webpdec reads
 * stills), so libwebp's animation decoder composes its frames, which sd.cpp's
 * WebPAnimEncoder stores as changed rectangles, into whole pictures for an
 * appsrc.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <webp/demux.h>

#include "reel-backend.h"
#include "reel-sdcpp-clip.h"

#define BUS_POLL_INTERVAL (20 * GST_MSECOND)
/* A few seconds of 720p video encode in seconds: these only catch a
 * pipeline that stopped moving. */
#define CONVERT_TIMEOUT_US (600 * G_USEC_PER_SEC)
#define STALL_US (30 * G_USEC_PER_SEC)
#define MAX_QUEUED_FRAMES 4
/* Larger files are not a clip of a few seconds. */
#define MAX_WEBP_BYTES (1024 * 1024 * 1024)

static const struct
{
  const char *element;
  const char *package;
} required_elements[] = {
  { "filesrc", "gstreamer1.0 (core elements)" },    { "decodebin", "gstreamer1.0-plugins-base" },
  { "appsrc", "gstreamer1.0-plugins-base" },        { "videoconvert", "gstreamer1.0-plugins-base" },
  { "avidemux", "gstreamer1.0-plugins-good" },      { "jpegdec", "gstreamer1.0-plugins-good" },
  { "matroskademux", "gstreamer1.0-plugins-good" }, { "vp8dec", "gstreamer1.0-plugins-good" },
  { "x264enc", "gstreamer1.0-plugins-ugly" },       { "h264parse", "gstreamer1.0-plugins-bad" },
  { "mp4mux", "gstreamer1.0-plugins-good" },        { "filesink", "gstreamer1.0 (core elements)" },
};

static gboolean
check_elements (const char *engine, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (required_elements); i++)
    {
      g_autoptr (GstElementFactory) factory
          = gst_element_factory_find (required_elements[i].element);

      if (factory == NULL)
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("Clips from %s cannot be converted because the GStreamer element “%s” "
                          "is missing. Install the package %s."),
                       engine, required_elements[i].element, required_elements[i].package);
          return FALSE;
        }
    }
  return TRUE;
}

/* "RIFF" size "WEBP": a WebP, still or animated, whatever its name. */
static gboolean
is_webp (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
  guint8 header[12];
  gsize  n_read = 0;

  if (stream == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header, &n_read, NULL,
                                   NULL)
      || n_read < sizeof header)
    return FALSE;
  return memcmp (header, "RIFF", 4) == 0 && memcmp (header + 8, "WEBP", 4) == 0;
}

static GstElement *
build_pipeline (
    const char *source, const char *output, guint fps, const char *engine, GError **error)
{
  g_autofree char *description = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GError) local_error = NULL;
  GstElement *pipeline;

  /* The clip is a draft for the cut: quality close to the engine's JPEG
   * frames, encoded fast, a key frame every second for trimming. */
  description = g_strdup_printf (
      "%s ! videoconvert ! video/x-raw,format=I420 ! "
      "x264enc name=encoder speed-preset=faster pass=qual quantizer=18 bframes=0 key-int-max=%u ! "
      "video/x-h264,profile=high ! h264parse ! mp4mux faststart=true ! filesink name=sink",
      source, MAX (fps, 1));
  pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &local_error);
  if (pipeline == NULL)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The clip from %s could not be converted: %s"), engine, local_error->message);
      return NULL;
    }
  gst_object_ref_sink (pipeline);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", output, NULL);
  return pipeline;
}

static GstPadProbeReturn
count_frame_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  g_atomic_int_inc ((int *) user_data);
  return GST_PAD_PROBE_OK;
}

static void
count_frames (GstElement *pipeline, int *counter)
{
  g_autoptr (GstElement) encoder = gst_bin_get_by_name (GST_BIN (pipeline), "encoder");
  g_autoptr (GstPad) pad = gst_element_get_static_pad (encoder, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_frame_cb, counter, NULL);
}

static void
set_pipeline_error (GstMessage *message, const char *engine, GError **error)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Converting a clip from %s failed: %s (%s)", engine, gst_error->message, debug);

  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT))
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("The clip from %s could not be converted because the disk is full. Free "
                    "some space and try again."),
                 engine);
  /* The elements for every format sd.cpp writes are there (check_elements()):
   * a missing decoder means the file is something else. */
  else if (gst_error->domain == GST_STREAM_ERROR
           || g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN))
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("%s wrote a file that is not a video Storyreel can read: %s"), engine,
                 gst_error->message);
  else
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("The clip from %s could not be converted: %s"), engine, gst_error->message);
}

/* The next error or end of stream, watching @cancellable and the frames
 * going by (@n_frames); NULL with @error after a stop or a stall. */
static GstMessage *
next_message (GstBus       *bus,
              gint64        deadline,
              int          *n_frames,
              const char   *engine,
              GCancellable *cancellable,
              GError      **error)
{
  int    seen = g_atomic_int_get (n_frames);
  gint64 last_frame_at = g_get_monotonic_time ();

  for (;;)
    {
      GstMessage *message;
      gint64      now = g_get_monotonic_time ();
      int         count = g_atomic_int_get (n_frames);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (count != seen)
        {
          seen = count;
          last_frame_at = now;
        }
      if (now > deadline || now - last_frame_at > STALL_US)
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("Converting the clip from %s stopped after %d frames."), engine, count);
          return NULL;
        }
      message = gst_bus_timed_pop_filtered (bus, BUS_POLL_INTERVAL,
                                            GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      if (message != NULL)
        return message;
    }
}

static gboolean
start (GstElement *pipeline, const char *engine, GError **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE)
    return TRUE;
  {
    g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (message != NULL)
      set_pipeline_error (message, engine, error);
    else
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The clip from %s could not be converted: the encoder did not start."),
                   engine);
  }
  return FALSE;
}

static gboolean
wait_for_end (GstElement   *pipeline,
              gint64        deadline,
              int          *n_frames,
              const char   *engine,
              GCancellable *cancellable,
              GError      **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) message
      = next_message (bus, deadline, n_frames, engine, cancellable, error);

  if (message == NULL)
    return FALSE;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      set_pipeline_error (message, engine, error);
      return FALSE;
    }
  return TRUE;
}

/* Waits until the encoder has room for more frames, or the pipeline failed. */
static gboolean
wait_for_room (GstElement   *pipeline,
               GstAppSrc    *source,
               gsize         max_bytes,
               gint64        deadline,
               const char   *engine,
               GCancellable *cancellable,
               GError      **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);

  while (gst_app_src_get_current_level_bytes (source) > max_bytes)
    {
      g_autoptr (GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                       _ ("Converting the clip from %s took too long."), engine);
          return FALSE;
        }
      message = gst_bus_timed_pop_filtered (bus, BUS_POLL_INTERVAL, GST_MESSAGE_ERROR);
      if (message != NULL)
        {
          set_pipeline_error (message, engine, error);
          return FALSE;
        }
    }
  return TRUE;
}

static void
anim_decoder_free (WebPAnimDecoder *decoder)
{
  WebPAnimDecoderDelete (decoder);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WebPAnimDecoder, anim_decoder_free)

static gboolean
not_a_webp (const char *engine, GError **error)
{
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("%s wrote a file that is not a video Storyreel can read: %s"), engine,
               _ ("a damaged WebP animation"));
  return FALSE;
}

static gboolean
convert_webp (const char   *input,
              const char   *output,
              guint         fps,
              const char   *engine,
              int          *n_frames,
              GCancellable *cancellable,
              GError      **error)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  g_autoptr (WebPAnimDecoder) decoder = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) source = NULL;
  g_autofree char       *description = NULL;
  WebPAnimDecoderOptions options;
  WebPAnimInfo           info;
  WebPData               data;
  gsize                  frame_size;
  gint64                 deadline = g_get_monotonic_time () + CONVERT_TIMEOUT_US;
  gboolean               ok;

  if (!g_file_get_contents (input, &contents, &length, error))
    return FALSE;
  if (length > MAX_WEBP_BYTES)
    return not_a_webp (engine, error);

  data.bytes = (const uint8_t *) contents;
  data.size = length;
  if (!WebPAnimDecoderOptionsInit (&options))
    return not_a_webp (engine, error);
  options.color_mode = MODE_RGBA;
  options.use_threads = 0;
  decoder = WebPAnimDecoderNew (&data, &options);
  if (decoder == NULL || !WebPAnimDecoderGetInfo (decoder, &info) || info.canvas_width == 0
      || info.canvas_height == 0 || info.frame_count == 0)
    return not_a_webp (engine, error);

  description = g_strdup_printf (
      "appsrc name=source format=time is-live=false "
      "caps=video/x-raw,format=RGBA,width=%u,height=%u,framerate=%u/1,pixel-aspect-ratio=1/1",
      info.canvas_width, info.canvas_height, MAX (fps, 1));
  if ((pipeline = build_pipeline (description, output, fps, engine, error)) == NULL)
    return FALSE;
  count_frames (pipeline, n_frames);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  frame_size = (gsize) info.canvas_width * info.canvas_height * 4;

  ok = start (pipeline, engine, error);
  for (guint i = 0; ok && WebPAnimDecoderHasMoreFrames (decoder); i++)
    {
      uint8_t   *pixels;
      int        timestamp;
      GstBuffer *buffer;

      if (!WebPAnimDecoderGetNext (decoder, &pixels, &timestamp))
        {
          ok = not_a_webp (engine, error);
          break;
        }
      if (!(ok = wait_for_room (pipeline, GST_APP_SRC (source), MAX_QUEUED_FRAMES * frame_size,
                                deadline, engine, cancellable, error)))
        break;
      /* The file keeps whole milliseconds (42 ms at 24 fps): the rate asked
       * for times the frames exactly. */
      buffer = gst_buffer_new_memdup (pixels, frame_size);
      GST_BUFFER_PTS (buffer) = gst_util_uint64_scale_int (i, GST_SECOND, MAX (fps, 1));
      GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale_int (1, GST_SECOND, MAX (fps, 1));
      gst_app_src_push_buffer (GST_APP_SRC (source), buffer);
    }
  if (ok)
    {
      gst_app_src_end_of_stream (GST_APP_SRC (source));
      ok = wait_for_end (pipeline, deadline, n_frames, engine, cancellable, error);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

static gboolean
convert_container (const char   *input,
                   const char   *output,
                   guint         fps,
                   const char   *engine,
                   int          *n_frames,
                   GCancellable *cancellable,
                   GError      **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) source = NULL;
  gint64   deadline = g_get_monotonic_time () + CONVERT_TIMEOUT_US;
  gboolean ok;

  /* The queue puts the demuxer in push mode: in pull mode, avidemux
   * sometimes lost the error of a file it could not read and left the
   * pipeline waiting for good. */
  if ((pipeline
       = build_pipeline ("filesrc name=source ! queue ! decodebin", output, fps, engine, error))
      == NULL)
    return FALSE;
  count_frames (pipeline, n_frames);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  g_object_set (source, "location", input, NULL);

  ok = start (pipeline, engine, error)
       && wait_for_end (pipeline, deadline, n_frames, engine, cancellable, error);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

gboolean
reel_sdcpp_clip_convert (const char   *input,
                         const char   *output,
                         guint         fps,
                         const char   *engine,
                         GCancellable *cancellable,
                         GError      **error)
{
  g_autoptr (GError) local_error = NULL;
  GStatBuf st;
  int      n_frames = 0;
  gboolean ok;

  g_return_val_if_fail (input != NULL && output != NULL, FALSE);

  if (!gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The clip from %s could not be converted: %s"), engine, local_error->message);
      return FALSE;
    }
  if (g_stat (input, &st) != 0 || st.st_size == 0)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT, _ ("%s wrote no clip."),
                   engine);
      return FALSE;
    }
  if (!check_elements (engine, error))
    return FALSE;

  if (is_webp (input))
    ok = convert_webp (input, output, fps, engine, &n_frames, cancellable, &local_error);
  else
    ok = convert_container (input, output, fps, engine, &n_frames, cancellable, &local_error);

  if (ok && g_atomic_int_get (&n_frames) == 0)
    {
      ok = FALSE;
      g_set_error (&local_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The clip from %s has no frames."), engine);
    }
  if (!ok)
    {
      g_unlink (output);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_debug ("Converted %s (%d frames at %u fps) to %s", input, n_frames, fps, output);
  return TRUE;
}
