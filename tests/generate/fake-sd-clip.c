/* fake-sd-clip.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "fake-sd-clip.h"

#define PIPELINE_TIMEOUT (60 * GST_SECOND)

guint
fake_sd_clip_floor_frames (guint requested)
{
  return requested >= 1 ? (requested - 1) / 4 * 4 + 1 : 1;
}

static GstElement *
start_pipeline (const char *description, GError **error)
{
  GstElement *pipeline;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (pipeline == NULL)
    return NULL;
  gst_object_ref_sink (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE, "%s did not start",
                   description);
      gst_object_unref (pipeline);
      return NULL;
    }
  return pipeline;
}

static gboolean
check_bus (GstElement *pipeline, GError **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (message == NULL)
    return TRUE;
  gst_message_parse_error (message, error, NULL);
  return FALSE;
}

/* Each frame of the test pattern, encoded by @encoder (may be empty). */
static GPtrArray *
pull_frames (const char *format,
             const char *encoder,
             guint       width,
             guint       height,
             guint       frames,
             guint       fps,
             GError    **error)
{
  g_autofree char *description
      = g_strdup_printf ("videotestsrc num-buffers=%u pattern=ball ! "
                         "video/x-raw,format=%s,width=%u,height=%u,framerate=%u/1 ! %s "
                         "appsink name=sink sync=false",
                         frames, format, width, height, fps, encoder);
  g_autoptr (GstElement) pipeline = start_pipeline (description, error);
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GPtrArray) buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  if (pipeline == NULL)
    return NULL;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  for (;;)
    {
      g_autoptr (GstSample) sample
          = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), PIPELINE_TIMEOUT);
      GstBuffer *buffer;
      GstMapInfo map;

      if (sample == NULL)
        break;
      buffer = gst_sample_get_buffer (sample);
      gst_buffer_map (buffer, &map, GST_MAP_READ);
      g_ptr_array_add (buffers, g_bytes_new (map.data, map.size));
      gst_buffer_unmap (buffer, &map);
    }
  if (!check_bus (pipeline, error) || !gst_app_sink_is_eos (GST_APP_SINK (sink)))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "%s stalled", description);
      gst_element_set_state (pipeline, GST_STATE_NULL);
      return NULL;
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return g_steal_pointer (&buffers);
}

/* sd.cpp's AVI writer */

static void
put_fourcc (GByteArray *data, const char *fourcc)
{
  g_byte_array_append (data, (const guint8 *) fourcc, 4);
}

static void
put_u32 (GByteArray *data, guint32 value)
{
  guint32 le = GUINT32_TO_LE (value);

  g_byte_array_append (data, (const guint8 *) &le, 4);
}

static void
put_u16 (GByteArray *data, guint16 value)
{
  guint16 le = GUINT16_TO_LE (value);

  g_byte_array_append (data, (const guint8 *) &le, 2);
}

static void
patch_u32 (GByteArray *data, gsize at, guint32 value)
{
  guint32 le = GUINT32_TO_LE (value);

  memcpy (data->data + at, &le, 4);
}

static GBytes *
make_avi (guint width, guint height, guint frames, guint fps, GError **error)
{
  g_autoptr (GPtrArray) jpegs
      = pull_frames ("I420", "jpegenc quality=90 !", width, height, frames, fps, error);
  g_autoptr (GByteArray) avi = g_byte_array_new ();
  g_autoptr (GByteArray) index = g_byte_array_new ();
  gsize riff_size_at, movi_size_at;

  if (jpegs == NULL)
    return NULL;

  put_fourcc (avi, "RIFF");
  riff_size_at = avi->len;
  put_u32 (avi, 0);
  put_fourcc (avi, "AVI ");

  put_fourcc (avi, "LIST");
  put_u32 (avi, 4 + 8 + 56 + 8 + 4 + 8 + 56 + 8 + 40);
  put_fourcc (avi, "hdrl");

  put_fourcc (avi, "avih");
  put_u32 (avi, 56);
  put_u32 (avi, 1000000 / fps);
  put_u32 (avi, 0);
  put_u32 (avi, 0);
  put_u32 (avi, 0x110);
  put_u32 (avi, jpegs->len);
  put_u32 (avi, 0);
  put_u32 (avi, 1);
  put_u32 (avi, width * height * 3);
  put_u32 (avi, width);
  put_u32 (avi, height);
  for (guint i = 0; i < 4; i++)
    put_u32 (avi, 0);

  put_fourcc (avi, "LIST");
  put_u32 (avi, 4 + 8 + 56 + 8 + 40);
  put_fourcc (avi, "strl");

  put_fourcc (avi, "strh");
  put_u32 (avi, 56);
  put_fourcc (avi, "vids");
  put_fourcc (avi, "MJPG");
  put_u32 (avi, 0);
  put_u16 (avi, 0);
  put_u16 (avi, 0);
  put_u32 (avi, 0);
  put_u32 (avi, 1);
  put_u32 (avi, fps);
  put_u32 (avi, 0);
  put_u32 (avi, jpegs->len);
  put_u32 (avi, width * height * 3);
  put_u32 (avi, G_MAXUINT32);
  put_u32 (avi, 0);
  for (guint i = 0; i < 4; i++)
    put_u16 (avi, 0);

  put_fourcc (avi, "strf");
  put_u32 (avi, 40);
  put_u32 (avi, 40);
  put_u32 (avi, width);
  put_u32 (avi, height);
  put_u16 (avi, 1);
  put_u16 (avi, 24);
  put_fourcc (avi, "MJPG");
  put_u32 (avi, width * height * 3);
  for (guint i = 0; i < 4; i++)
    put_u32 (avi, 0);

  put_fourcc (avi, "LIST");
  movi_size_at = avi->len;
  put_u32 (avi, 0);
  put_fourcc (avi, "movi");

  for (guint i = 0; i < jpegs->len; i++)
    {
      gsize         size = 0;
      const guint8 *jpeg = g_bytes_get_data (g_ptr_array_index (jpegs, i), &size);

      put_fourcc (index, "00dc");
      put_u32 (index, 0x10);
      put_u32 (index, avi->len);
      put_u32 (index, size);

      put_fourcc (avi, "00dc");
      put_u32 (avi, size);
      g_byte_array_append (avi, jpeg, size);
      if (size % 2 != 0)
        g_byte_array_append (avi, (const guint8 *) "", 1);
    }
  patch_u32 (avi, movi_size_at, avi->len - movi_size_at - 4);

  put_fourcc (avi, "idx1");
  put_u32 (avi, index->len);
  g_byte_array_append (avi, index->data, index->len);
  patch_u32 (avi, riff_size_at, avi->len - riff_size_at - 4);

  return g_byte_array_free_to_bytes (g_steal_pointer (&avi));
}

static GBytes *
make_webm (guint width, guint height, guint frames, guint fps, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  char *contents = NULL;
  gsize length = 0;
  int   fd;

  if ((fd = g_file_open_tmp ("fake-sd-XXXXXX.webm", &path, error)) < 0)
    return NULL;
  close (fd);
  description = g_strdup_printf (
      "videotestsrc num-buffers=%u pattern=ball ! "
      "video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1 ! vp8enc deadline=1 ! "
      "webmmux ! filesink location=\"%s\"",
      frames, width, height, fps, path);
  if ((pipeline = start_pipeline (description, error)) == NULL)
    {
      g_unlink (path);
      return NULL;
    }
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, PIPELINE_TIMEOUT, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (message == NULL || GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      if (message != NULL)
        gst_message_parse_error (message, error, NULL);
      else
        g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "the WebM stalled");
      g_unlink (path);
      return NULL;
    }
  g_file_get_contents (path, &contents, &length, error);
  g_unlink (path);
  return contents != NULL ? g_bytes_new_take (contents, length) : NULL;
}

/* As create_animated_webp_from_sd_images_to_vector() does it. */
static GBytes *
make_webp (guint width, guint height, guint frames, guint fps, GError **error)
{
  g_autoptr (GPtrArray) pictures = pull_frames ("RGBA", "", width, height, frames, fps, error);
  WebPAnimEncoderOptions options;
  WebPAnimEncoder       *encoder;
  WebPConfig             config;
  WebPData               data;
  int                    duration_ms = MAX (1, (int) (1000.0 / fps + 0.5));
  int                    timestamp = 0;
  GBytes                *result = NULL;

  if (pictures == NULL)
    return NULL;
  if (!WebPAnimEncoderOptionsInit (&options) || !WebPConfigInit (&config))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libwebp would not start");
      return NULL;
    }
  config.quality = 90;
  config.method = 0;
  encoder = WebPAnimEncoderNew ((int) width, (int) height, &options);
  for (guint i = 0; i < pictures->len; i++)
    {
      WebPPicture picture;

      WebPPictureInit (&picture);
      picture.use_argb = 1;
      picture.width = (int) width;
      picture.height = (int) height;
      WebPPictureImportRGBA (&picture, g_bytes_get_data (g_ptr_array_index (pictures, i), NULL),
                             (int) width * 4);
      WebPAnimEncoderAdd (encoder, &picture, timestamp, &config);
      WebPPictureFree (&picture);
      timestamp += duration_ms;
    }
  WebPAnimEncoderAdd (encoder, NULL, timestamp, NULL);
  WebPDataInit (&data);
  if (WebPAnimEncoderAssemble (encoder, &data))
    result = g_bytes_new (data.bytes, data.size);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libwebp: %s",
                 WebPAnimEncoderGetError (encoder));
  WebPDataClear (&data);
  WebPAnimEncoderDelete (encoder);
  return result;
}

GBytes *
fake_sd_clip_make (
    const char *format, guint width, guint height, guint frames, guint fps, GError **error)
{
  fps = MAX (fps, 1);
  frames = MAX (frames, 1);
  if (g_strcmp0 (format, "webm") == 0)
    return make_webm (width, height, frames, fps, error);
  if (g_strcmp0 (format, "webp") == 0)
    return make_webp (width, height, frames, fps, error);
  return make_avi (width, height, frames, fps, error);
}
