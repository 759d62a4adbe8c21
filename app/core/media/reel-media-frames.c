/* reel-media-frames.c: single frames of a video or image, and thumbnails
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-media"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "reel-media-store-private.h"

#define PIPELINE_TIMEOUT_US (20 * G_USEC_PER_SEC)
#define BUS_POLL_INTERVAL (50 * GST_MSECOND)

/* Pipelines, polled without a main loop */

/* Waits until @pipeline has prerolled (or reached the end). Errors on the bus
 * become DAMAGED errors about @display_name. */
static gboolean
wait_for_preroll (GstElement   *pipeline,
                  const char   *display_name,
                  GCancellable *cancellable,
                  GError      **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + PIPELINE_TIMEOUT_US;

  for (;;)
    {
      g_autoptr (GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                       _ ("“%s” took too long to decode. It may be damaged; try exporting or "
                          "downloading it again."),
                       display_name);
          return FALSE;
        }

      message = gst_bus_timed_pop_filtered (
          bus, BUS_POLL_INTERVAL, GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      if (message == NULL)
        continue;

      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          g_autoptr (GError) gst_error = NULL;
          g_autofree char *debug = NULL;

          gst_message_parse_error (message, &gst_error, &debug);
          g_debug ("Decoding %s failed: %s (%s)", display_name, gst_error->message, debug);
          g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                       _ ("“%s” is damaged and cannot be played to its end: %s. Try exporting or "
                          "downloading it again."),
                       display_name, gst_error->message);
          return FALSE;
        }

      return TRUE;
    }
}

/* A pipeline that decodes only the picture of @path into the appsink named
 * "sink", in Cairo's ARGB32 memory order with square pixels. */
static GstElement *
make_frame_pipeline (const char *path, const char *display_name, GError **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) decoder = NULL;
  g_autoptr (GstCaps) video_caps = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *description = NULL;
  const char      *format = G_BYTE_ORDER == G_LITTLE_ENDIAN ? "BGRA" : "ARGB";

  uri = gst_filename_to_uri (path, &local_error);
  if (uri == NULL)
    {
      reel_media_propagate_io_error (error, g_steal_pointer (&local_error), display_name);
      return NULL;
    }

  description = g_strdup_printf ("uridecodebin name=decoder ! videoconvert ! videoscale ! "
                                 "video/x-raw,format=%s,pixel-aspect-ratio=1/1 ! "
                                 "appsink name=sink sync=false max-buffers=1",
                                 format);
  pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &local_error);
  if (pipeline == NULL)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                   _ ("“%s” cannot be decoded because a GStreamer plugin is missing: %s. "
                      "Install gstreamer1.0-plugins-base."),
                   display_name, local_error->message);
      return NULL;
    }
  gst_object_ref_sink (pipeline);

  decoder = gst_bin_get_by_name (GST_BIN (pipeline), "decoder");

  /* Only decode and expose the picture; sound would stall the preroll. */
  video_caps = gst_caps_from_string ("video/x-raw(ANY)");
  g_object_set (decoder, "uri", uri, "caps", video_caps, "expose-all-streams", FALSE, NULL);

  return g_steal_pointer (&pipeline);
}

static gboolean
preroll (GstElement *pipeline, const char *display_name, GCancellable *cancellable, GError **error)
{
  GstStateChangeReturn ret = gst_element_set_state (pipeline, GST_STATE_PAUSED);

  if (ret != GST_STATE_CHANGE_FAILURE
      && wait_for_preroll (pipeline, display_name, cancellable, error))
    return TRUE;

  /* A failed state change leaves its reason on the bus. */
  if (ret == GST_STATE_CHANGE_FAILURE)
    wait_for_preroll (pipeline, display_name, cancellable, error);
  if (error != NULL && *error == NULL)
    g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                 _ ("“%s” cannot be decoded. Try exporting or downloading it again."),
                 display_name);
  return FALSE;
}

/* Moves the prerolled @pipeline to @at_seconds, clamped to its last frame. */
static gboolean
seek_to (GstElement   *pipeline,
         double        at_seconds,
         const char   *display_name,
         GCancellable *cancellable,
         GError      **error)
{
  gint64 duration = -1;

  /* Stills have no duration and cannot be seeked; show their one picture. */
  if (at_seconds > 0 && gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration)
      && duration > 0)
    {
      gint64 last = MAX (0, duration - 20 * GST_MSECOND);
      /* Compared in seconds first: G_MAXDOUBLE, "the last frame", would
       * overflow a clock time. */
      gint64 position
          = at_seconds >= (double) last / GST_SECOND ? last : (gint64) (at_seconds * GST_SECOND);
      if (!gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
                                    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, position)
          || !wait_for_preroll (pipeline, display_name, cancellable, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                         _ ("“%s” cannot be played to %.1f seconds. It may be damaged; try "
                            "exporting or downloading it again."),
                         display_name, at_seconds);
          return FALSE;
        }
    }

  return TRUE;
}

GstSample *
reel_media_decode_frame_sample (const char   *path,
                                const char   *display_name,
                                double        at_seconds,
                                GCancellable *cancellable,
                                GError      **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) sink = NULL;
  GstSample *sample;

  pipeline = make_frame_pipeline (path, display_name, error);
  if (pipeline == NULL)
    return NULL;

  if (!preroll (pipeline, display_name, cancellable, error)
      || !seek_to (pipeline, at_seconds, display_name, cancellable, error))
    {
      gst_element_set_state (pipeline, GST_STATE_NULL);
      return NULL;
    }

  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), 0);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (sample == NULL)
    g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                 _ ("“%s” has no picture that can be decoded there. It may be damaged; try "
                    "exporting or downloading it again."),
                 display_name);

  return sample;
}

static cairo_surface_t *
surface_from_sample (GstSample *sample, const char *display_name, GError **error)
{
  GstVideoInfo     video_info;
  GstVideoFrame    frame;
  cairo_surface_t *surface;
  guchar          *pixels;
  int              stride;

  if (!gst_video_info_from_caps (&video_info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &video_info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("The picture in “%s” cannot be read."), display_name);
      return NULL;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, GST_VIDEO_INFO_WIDTH (&video_info),
                                        GST_VIDEO_INFO_HEIGHT (&video_info));
  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  for (int y = 0; y < GST_VIDEO_INFO_HEIGHT (&video_info); y++)
    {
      const guint8 *src = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
                          + y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
      guint32 *dst = (guint32 *) (pixels + y * stride);

      for (int x = 0; x < GST_VIDEO_INFO_WIDTH (&video_info); x++)
        {
          guint32 argb;
          guint   a, r, g, b;

          /* The bytes are in native ARGB32 order; GStreamer's alpha is straight,
           * cairo's is premultiplied. */
          memcpy (&argb, src + 4 * x, 4);
          a = argb >> 24;
          r = (argb >> 16) & 0xff;
          g = (argb >> 8) & 0xff;
          b = argb & 0xff;
          if (a != 0xff)
            {
              r = (r * a + 127) / 255;
              g = (g * a + 127) / 255;
              b = (b * a + 127) / 255;
            }
          dst[x] = (a << 24) | (r << 16) | (g << 8) | b;
        }
    }

  gst_video_frame_unmap (&frame);
  cairo_surface_mark_dirty (surface);

  return surface;
}

cairo_surface_t *
reel_media_load_frame (const char   *path,
                       double        at_seconds,
                       GCancellable *cancellable,
                       GError      **error)
{
  g_autofree char *display_name = NULL;
  g_autoptr (GstSample) sample = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!reel_media_ensure_gstreamer (error))
    return NULL;

  display_name = g_filename_display_basename (path);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("“%s” could not be found. It may have been moved or deleted."), display_name);
      return NULL;
    }

  sample = reel_media_decode_frame_sample (path, display_name, at_seconds, cancellable, error);
  if (sample == NULL)
    return NULL;

  return surface_from_sample (sample, display_name, error);
}

static gboolean
write_png_atomically (cairo_surface_t *surface, const char *png_path, GError **error)
{
  g_autofree char *temp_path = g_strdup_printf ("%s.%08x.part", png_path, g_random_int ());
  g_autofree char *display_name = g_filename_display_basename (png_path);
  cairo_status_t   status;

  status = cairo_surface_write_to_png (surface, temp_path);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (temp_path);
      if (status == CAIRO_STATUS_WRITE_ERROR)
        g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_IO,
                     _ ("“%s” could not be written. Check that the disk is not full and that the "
                        "folder is writable."),
                     display_name);
      else
        g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_IO,
                     _ ("“%s” could not be written: %s"), display_name,
                     cairo_status_to_string (status));
      return FALSE;
    }

  if (g_rename (temp_path, png_path) != 0)
    {
      int saved_errno = errno;

      g_unlink (temp_path);
      reel_media_set_errno_error (error, saved_errno, display_name);
      return FALSE;
    }

  return TRUE;
}

gboolean
reel_media_make_thumbnail (const char   *video_or_image_path,
                           double        at_seconds,
                           guint         max_width,
                           const char   *png_path,
                           GCancellable *cancellable,
                           GError      **error)
{
  cairo_surface_t *frame;
  cairo_surface_t *thumbnail;
  cairo_t         *cr;
  int              width, height;
  int              thumb_width, thumb_height;
  gboolean         ret;

  g_return_val_if_fail (video_or_image_path != NULL, FALSE);
  g_return_val_if_fail (png_path != NULL, FALSE);

  frame = reel_media_load_frame (video_or_image_path, at_seconds, cancellable, error);
  if (frame == NULL)
    return FALSE;

  width = cairo_image_surface_get_width (frame);
  height = cairo_image_surface_get_height (frame);
  thumb_width = width;
  thumb_height = height;
  if (max_width > 0 && (guint) width > max_width)
    {
      thumb_width = (int) max_width;
      thumb_height = MAX (1, (int) round ((double) height * max_width / width));
    }

  thumbnail = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, thumb_width, thumb_height);
  cr = cairo_create (thumbnail);
  cairo_scale (cr, (double) thumb_width / width, (double) thumb_height / height);
  cairo_set_source_surface (cr, frame, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (frame);

  ret = write_png_atomically (thumbnail, png_path, error);
  cairo_surface_destroy (thumbnail);

  return ret;
}
