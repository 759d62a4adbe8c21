/* reel-media-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-media"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "reel-media-store.h"

#define TEMP_DIR_NAME ".tmp"
#define COPY_BUFFER_SIZE (256 * 1024)
/* A local file is read in well under a second. Under load, decodebin (1.22)
 * can lose an error a demuxer posts as it starts, and the discoverer then
 * waits for its whole timeout; the race rarely goes the same way twice, so
 * try a few times with short timeouts rather than once with a long one. */
static const guint discover_timeouts_s[] = { 2, 3, 5, 10 };
#define PIPELINE_TIMEOUT_US (20 * G_USEC_PER_SEC)
#define BUS_POLL_INTERVAL (50 * GST_MSECOND)

struct _ReelMediaStore
{
  GObject parent_instance;

  GFile *directory;
  char  *path;

  /* Only used where the file system cannot hard-link, to make "is the final
   * name free? then rename" one step for the threads of this process. */
  GMutex publish_lock;

  /* What this process has verified already, so the same content (a re-import,
   * a backend returning the same bytes) is not probed again, and thumbnails
   * are made once per source and position. Guarded by cache_lock. */
  GMutex      cache_lock;
  GHashTable *verified;   /* sha256 → ReelMediaInfo* */
  GHashTable *thumbnails; /* "relative_path@seconds@width" → ReelMediaInfo* */
};

enum
{
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ReelMediaStore, reel_media_store, G_TYPE_OBJECT)

GQuark
reel_media_error_quark (void)
{
  return g_quark_from_static_string ("reel-media-error-quark");
}

/* ReelMediaKind */

const char *
reel_media_kind_to_string (ReelMediaKind kind)
{
  return reel_enum_to_nick (REEL_TYPE_MEDIA_KIND, kind, "video");
}

gboolean
reel_media_kind_from_string (const char *str, ReelMediaKind *kind)
{
  int value;

  if (!reel_enum_from_nick (REEL_TYPE_MEDIA_KIND, str, &value))
    return FALSE;
  *kind = (ReelMediaKind) value;
  return TRUE;
}

/* ReelMediaInfo */

ReelMediaInfo *
reel_media_info_copy (const ReelMediaInfo *info)
{
  ReelMediaInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (ReelMediaInfo, 1);
  *copy = *info;
  copy->sha256 = g_strdup (info->sha256);
  copy->relative_path = g_strdup (info->relative_path);
  copy->container = g_strdup (info->container);
  copy->video_codec = g_strdup (info->video_codec);
  copy->audio_codec = g_strdup (info->audio_codec);

  return copy;
}

void
reel_media_info_free (ReelMediaInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->sha256);
  g_free (info->relative_path);
  g_free (info->container);
  g_free (info->video_codec);
  g_free (info->audio_codec);
  g_free (info);
}

G_DEFINE_BOXED_TYPE (ReelMediaInfo, reel_media_info, reel_media_info_copy, reel_media_info_free)

/* Helpers */

static gboolean
ensure_gstreamer (GError **error)
{
  g_autoptr (GError) local_error = NULL;

  /* Idempotent and thread-safe; callers in worker threads may come first. */
  if (gst_init_check (NULL, NULL, &local_error))
    return TRUE;

  g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
               _ ("GStreamer could not be started, so media cannot be read: %s"),
               local_error->message);
  return FALSE;
}

static char *
display_basename (const char *path)
{
  return g_filename_display_basename (path);
}

/* Turns an I/O error about @display_name into the media domain, keeping
 * cancellation as it is so callers can recognise it. */
static void
propagate_io_error (GError **error, GError *io_error, const char *display_name)
{
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, io_error);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NO_SPACE,
                   _ ("There is not enough disk space to store “%s”. Free some space and try "
                      "again."),
                   display_name);
      g_error_free (io_error);
    }
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("“%s” could not be found. It may have been moved or deleted."), display_name);
      g_error_free (io_error);
    }
  else
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_IO,
                   _ ("“%s” could not be stored in the project’s media folder: %s"), display_name,
                   io_error->message);
      g_error_free (io_error);
    }
}

static void
set_errno_error (GError **error, int saved_errno, const char *display_name)
{
  GError *io_error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                          g_strerror (saved_errno));
  propagate_io_error (error, io_error, display_name);
}

static const char *
structure_name_of_caps (GstCaps *caps)
{
  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;
  return gst_structure_get_name (gst_caps_get_structure (caps, 0));
}

static char *
dup_caps_name (GstCaps *caps)
{
  return g_strdup (structure_name_of_caps (caps));
}

/* The extension a stored file gets follows from what it is, not from what
 * it was called, so the same bytes always land at the same address. */
static const char *
extension_for_caps (GstCaps *caps, ReelMediaKind kind)
{
  const char   *name = structure_name_of_caps (caps);
  GstStructure *structure;

  if (name == NULL)
    return NULL;

  structure = gst_caps_get_structure (caps, 0);

  if (g_str_equal (name, "video/quicktime"))
    {
      const char *variant = gst_structure_get_string (structure, "variant");

      if (kind == REEL_MEDIA_KIND_AUDIO)
        return "m4a";
      if (g_strcmp0 (variant, "apple") == 0)
        return "mov";
      return "mp4";
    }
  if (g_str_equal (name, "audio/x-m4a"))
    return "m4a";
  if (g_str_equal (name, "video/webm") || g_str_equal (name, "audio/webm"))
    return "webm";
  if (g_str_equal (name, "video/x-matroska") || g_str_equal (name, "audio/x-matroska"))
    return kind == REEL_MEDIA_KIND_AUDIO ? "mka" : "mkv";
  if (g_str_equal (name, "video/x-msvideo"))
    return "avi";
  if (g_str_equal (name, "video/mpegts"))
    return "ts";
  if (g_str_equal (name, "application/ogg") || g_str_equal (name, "video/ogg")
      || g_str_equal (name, "audio/ogg"))
    return kind == REEL_MEDIA_KIND_AUDIO ? "ogg" : "ogv";
  if (g_str_equal (name, "image/png"))
    return "png";
  if (g_str_equal (name, "image/jpeg"))
    return "jpg";
  if (g_str_equal (name, "image/webp"))
    return "webp";
  if (g_str_equal (name, "audio/x-wav"))
    return "wav";
  if (g_str_equal (name, "audio/x-flac"))
    return "flac";
  if (g_str_equal (name, "audio/mpeg") || g_str_equal (name, "application/x-id3"))
    return "mp3";

  return NULL;
}

/* A lower-case extension of at most eight alphanumerics, or NULL. */
static char *
sane_extension (const char *path_or_extension)
{
  const char *dot = strrchr (path_or_extension, '.');
  const char *ext = dot != NULL ? dot + 1 : path_or_extension;
  gsize       len = strlen (ext);

  if (dot != NULL && strchr (dot, G_DIR_SEPARATOR) != NULL)
    return NULL;
  if (len == 0 || len > 8)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (ext[i]))
      return NULL;

  return g_ascii_strdown (ext, -1);
}

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

static GstSample *
decode_frame_sample (const char   *path,
                     const char   *display_name,
                     double        at_seconds,
                     GCancellable *cancellable,
                     GError      **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) decoder = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstCaps) video_caps = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char     *uri = NULL;
  GstStateChangeReturn ret;
  GstSample           *sample = NULL;
  gint64               duration = -1;
  const char          *format = G_BYTE_ORDER == G_LITTLE_ENDIAN ? "BGRA" : "ARGB";
  g_autofree char     *description = NULL;

  uri = gst_filename_to_uri (path, &local_error);
  if (uri == NULL)
    {
      propagate_io_error (error, g_steal_pointer (&local_error), display_name);
      return NULL;
    }

  /* Cairo's ARGB32 in memory order, square pixels. */
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
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  /* Only decode and expose the picture; sound would stall the preroll. */
  video_caps = gst_caps_from_string ("video/x-raw(ANY)");
  g_object_set (decoder, "uri", uri, "caps", video_caps, "expose-all-streams", FALSE, NULL);

  ret = gst_element_set_state (pipeline, GST_STATE_PAUSED);
  if (ret == GST_STATE_CHANGE_FAILURE
      || !wait_for_preroll (pipeline, display_name, cancellable, error))
    {
      if (ret == GST_STATE_CHANGE_FAILURE)
        wait_for_preroll (pipeline, display_name, cancellable, error);
      if (error != NULL && *error == NULL)
        g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                     _ ("“%s” cannot be decoded. Try exporting or downloading it again."),
                     display_name);
      gst_element_set_state (pipeline, GST_STATE_NULL);
      return NULL;
    }

  /* Stills have no duration and cannot be seeked; show their one picture. */
  if (at_seconds > 0 && gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration)
      && duration > 0)
    {
      gint64 position = (gint64) (at_seconds * GST_SECOND);
      gint64 last = MAX (0, duration - 20 * GST_MSECOND);

      position = CLAMP (position, 0, last);
      if (!gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
                                    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, position)
          || !wait_for_preroll (pipeline, display_name, cancellable, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                         _ ("“%s” cannot be played to %.1f seconds. It may be damaged; try "
                            "exporting or downloading it again."),
                         display_name, at_seconds);
          gst_element_set_state (pipeline, GST_STATE_NULL);
          return NULL;
        }
    }

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

  if (!ensure_gstreamer (error))
    return NULL;

  display_name = display_basename (path);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("“%s” could not be found. It may have been moved or deleted."), display_name);
      return NULL;
    }

  sample = decode_frame_sample (path, display_name, at_seconds, cancellable, error);
  if (sample == NULL)
    return NULL;

  return surface_from_sample (sample, display_name, error);
}

static gboolean
write_png_atomically (cairo_surface_t *surface, const char *png_path, GError **error)
{
  g_autofree char *temp_path = g_strdup_printf ("%s.%08x.part", png_path, g_random_int ());
  g_autofree char *display_name = display_basename (png_path);
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
      set_errno_error (error, saved_errno, display_name);
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

/* Probing */

static gboolean
is_supported_image (const char *caps_name)
{
  return g_strcmp0 (caps_name, "image/png") == 0 || g_strcmp0 (caps_name, "image/jpeg") == 0
         || g_strcmp0 (caps_name, "image/webp") == 0;
}

static void
set_discoverer_error (GError            **error,
                      GstDiscovererResult result,
                      const GError       *discover_error,
                      const char         *display_name)
{
  const char *detail = discover_error != NULL ? discover_error->message : NULL;

  switch (result)
    {
      case GST_DISCOVERER_MISSING_PLUGINS:
        g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                     _ ("“%s” uses a format that needs a GStreamer plugin that is not installed. "
                        "Install the GStreamer “good”, “bad”, “ugly” and “libav” plugins, or "
                        "convert the file to MP4 (H.264)."),
                     display_name);
        break;

      case GST_DISCOVERER_TIMEOUT:
        g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                     _ ("“%s” took too long to read. It may be damaged; try exporting or "
                        "downloading it again."),
                     display_name);
        break;

      case GST_DISCOVERER_ERROR:
      case GST_DISCOVERER_URI_INVALID:
      case GST_DISCOVERER_BUSY:
      case GST_DISCOVERER_OK:
      default:
        /* The type finder could not tell what the bytes are: not media at all.
         * Anything else means a known format whose contents are broken. */
        if (discover_error == NULL
            || g_error_matches (discover_error, GST_STREAM_ERROR, GST_STREAM_ERROR_TYPE_NOT_FOUND)
            || g_error_matches (discover_error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE))
          g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                       _ ("“%s” is not a video or image Storyreel can read. Choose an MP4, WebM "
                          "or MOV video, or a PNG, JPEG or WebP image."),
                       display_name);
        else
          {
            g_autofree char *reason = g_strdup (detail);

            g_strchomp (reason);
            if (g_str_has_suffix (reason, "."))
              reason[strlen (reason) - 1] = '\0';
            g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                         _ ("“%s” is damaged and cannot be played (%s). Try exporting or "
                            "downloading it again."),
                         display_name, reason);
          }
        break;
    }
}

/* Probes @path, naming it @display_name in errors; *extension gets the
 * extension its contents call for. */
static ReelMediaInfo *
probe_file (const char   *path,
            const char   *display_name,
            char        **extension,
            GCancellable *cancellable,
            GError      **error)
{
  g_autoptr (GstDiscoverer) discoverer = NULL;
  g_autoptr (GstDiscovererInfo) discover_info = NULL;
  g_autoptr (GstDiscovererStreamInfo) top = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char    *uri = NULL;
  GList              *video_streams = NULL;
  GList              *audio_streams = NULL;
  GstCaps            *extension_caps = NULL;
  GStatBuf            st;
  GstDiscovererResult result;

  if (!ensure_gstreamer (error))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (g_stat (path, &st) != 0)
    {
      set_errno_error (error, errno, display_name);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                   _ ("“%s” is not a file. Choose a video or image file."), display_name);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("“%s” is empty. Try exporting or downloading it again."), display_name);
      return NULL;
    }

  uri = gst_filename_to_uri (path, &local_error);
  if (uri == NULL)
    {
      propagate_io_error (error, g_steal_pointer (&local_error), display_name);
      return NULL;
    }

  for (guint attempt = 0; attempt < G_N_ELEMENTS (discover_timeouts_s); attempt++)
    {
      g_clear_object (&discoverer);
      g_clear_object (&discover_info);
      g_clear_error (&local_error);

      discoverer = gst_discoverer_new (discover_timeouts_s[attempt] * GST_SECOND, &local_error);
      if (discoverer == NULL)
        {
          g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                       _ ("Media cannot be inspected because GStreamer is incomplete: %s. "
                          "Install gstreamer1.0-plugins-base."),
                       local_error->message);
          return NULL;
        }

      discover_info = gst_discoverer_discover_uri (discoverer, uri, &local_error);
      result = discover_info != NULL ? gst_discoverer_info_get_result (discover_info)
                                     : GST_DISCOVERER_ERROR;
      if (result != GST_DISCOVERER_TIMEOUT || g_cancellable_is_cancelled (cancellable))
        break;
      g_debug ("Discovering %s timed out; trying again", path);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (result != GST_DISCOVERER_OK)
    {
      g_debug ("Discovering %s failed (result %d): %s", path, result,
               local_error != NULL ? local_error->message : "no details");
      set_discoverer_error (error, result, local_error, display_name);
      return NULL;
    }

  info = g_new0 (ReelMediaInfo, 1);
  top = gst_discoverer_info_get_stream_info (discover_info);
  video_streams = gst_discoverer_info_get_video_streams (discover_info);
  audio_streams = gst_discoverer_info_get_audio_streams (discover_info);

  if (top != NULL && GST_IS_DISCOVERER_CONTAINER_INFO (top))
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (top);

      info->container = dup_caps_name (caps);
      extension_caps = g_steal_pointer (&caps);
    }

  if (audio_streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (audio_streams->data);

      info->has_audio = TRUE;
      info->audio_codec = dup_caps_name (caps);
    }

  if (video_streams != NULL)
    {
      GstDiscovererVideoInfo *video = video_streams->data;
      g_autoptr (GstCaps) caps
          = gst_discoverer_stream_info_get_caps (GST_DISCOVERER_STREAM_INFO (video));
      guint fps_n = gst_discoverer_video_info_get_framerate_num (video);
      guint fps_d = gst_discoverer_video_info_get_framerate_denom (video);

      info->width = gst_discoverer_video_info_get_width (video);
      info->height = gst_discoverer_video_info_get_height (video);
      info->video_codec = dup_caps_name (caps);

      if (gst_discoverer_video_info_is_image (video))
        {
          info->kind = REEL_MEDIA_KIND_IMAGE;
          if (!is_supported_image (info->video_codec))
            {
              g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                           _ ("“%s” is an image in a format Storyreel cannot use. Convert it to "
                              "PNG, JPEG or WebP."),
                           display_name);
              goto out;
            }
          if (extension_caps == NULL)
            extension_caps = gst_caps_ref (caps);
        }
      else
        {
          info->kind = REEL_MEDIA_KIND_VIDEO;
          if (fps_d != 0 && fps_n != 0)
            info->fps = (double) fps_n / fps_d;
          if (info->container == NULL)
            {
              g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                           _ ("“%s” is a bare video stream without a container. Save it as an "
                              "MP4, WebM or MKV file."),
                           display_name);
              goto out;
            }
        }

      if (info->width == 0 || info->height == 0)
        {
          g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                       _ ("“%s” has a picture without a size. It may be damaged; try exporting or "
                          "downloading it again."),
                       display_name);
          goto out;
        }
    }
  else if (audio_streams != NULL)
    {
      info->kind = REEL_MEDIA_KIND_AUDIO;
      if (extension_caps == NULL)
        {
          g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (audio_streams->data);
          extension_caps = g_steal_pointer (&caps);
        }
    }
  else
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                   _ ("“%s” contains neither pictures nor sound. Choose a video or image file."),
                   display_name);
      goto out;
    }

  if (info->kind != REEL_MEDIA_KIND_IMAGE)
    {
      GstClockTime duration = gst_discoverer_info_get_duration (discover_info);

      if (!GST_CLOCK_TIME_IS_VALID (duration) || duration == 0)
        {
          g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                       _ ("“%s” has no length. It may be damaged or unfinished; try exporting or "
                          "downloading it again."),
                       display_name);
          goto out;
        }
      info->duration = (double) duration / GST_SECOND;
    }

  /* The discoverer reads the headers and the first frame only. A file cut
   * short after its index (an interrupted download of a "fast start" MP4)
   * passes that, so also decode the last frame. */
  if (info->kind == REEL_MEDIA_KIND_VIDEO)
    {
      g_autoptr (GstSample) last = NULL;
      double half_frame = info->fps > 0 ? 0.5 / info->fps : 0.02;

      g_autoptr (GError) decode_error = NULL;

      last = decode_frame_sample (path, display_name, MAX (0.0, info->duration - half_frame),
                                  cancellable, &decode_error);
      /* The file's length is its longest stream's. Encoders pad AAC a little
       * past the last picture, so a film with sound may end its video up to
       * a few frames earlier: look there before calling it cut short. */
      if (last == NULL && info->has_audio
          && !g_error_matches (decode_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&decode_error);
          last = decode_frame_sample (path, display_name,
                                      MAX (0.0, info->duration - MIN (0.5, info->duration / 2)),
                                      cancellable, &decode_error);
        }
      if (last == NULL)
        {
          if (g_error_matches (decode_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&decode_error));
          else
            g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                         _ ("“%s” is cut short: its last frames cannot be played. It may be an "
                            "unfinished download or render; try exporting or downloading it "
                            "again."),
                         display_name);
          goto out;
        }
    }

  if (extension != NULL)
    *extension = g_strdup (extension_for_caps (extension_caps, info->kind));

out:
  gst_discoverer_stream_info_list_free (video_streams);
  gst_discoverer_stream_info_list_free (audio_streams);
  g_clear_pointer (&extension_caps, gst_caps_unref);

  if (error != NULL && *error != NULL)
    return NULL;

  return g_steal_pointer (&info);
}

ReelMediaInfo *
reel_media_probe (const char *path, GCancellable *cancellable, GError **error)
{
  g_autofree char *display_name = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  display_name = display_basename (path);
  return probe_file (path, display_name, NULL, cancellable, error);
}

/* ReelMediaStore */

static void
reel_media_store_finalize (GObject *object)
{
  ReelMediaStore *self = REEL_MEDIA_STORE (object);

  g_clear_object (&self->directory);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->publish_lock);
  g_mutex_clear (&self->cache_lock);
  g_clear_pointer (&self->verified, g_hash_table_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);

  G_OBJECT_CLASS (reel_media_store_parent_class)->finalize (object);
}

static void
reel_media_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelMediaStore *self = REEL_MEDIA_STORE (object);

  switch (prop_id)
    {
      case PROP_DIRECTORY:
        g_value_set_object (value, self->directory);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_media_store_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ReelMediaStore *self = REEL_MEDIA_STORE (object);

  switch (prop_id)
    {
      case PROP_DIRECTORY:
        self->directory = g_value_dup_object (value);
        self->path = g_file_get_path (self->directory);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_media_store_class_init (ReelMediaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reel_media_store_finalize;
  object_class->get_property = reel_media_store_get_property;
  object_class->set_property = reel_media_store_set_property;

  /**
   * ReelMediaStore:directory:
   *
   * The NAME.media folder; it is created on the first write.
   */
  properties[PROP_DIRECTORY]
      = g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
reel_media_store_init (ReelMediaStore *self)
{
  g_mutex_init (&self->publish_lock);
  g_mutex_init (&self->cache_lock);
  self->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) reel_media_info_free);
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) reel_media_info_free);
}

/* A copy of what was verified for @sha256, if its file is still there. */
static ReelMediaInfo *
lookup_verified (ReelMediaStore *self, GHashTable *cache, const char *key)
{
  ReelMediaInfo *info = NULL;
  ReelMediaInfo *found;

  g_mutex_lock (&self->cache_lock);
  found = g_hash_table_lookup (cache, key);
  if (found != NULL)
    info = reel_media_info_copy (found);
  g_mutex_unlock (&self->cache_lock);

  if (info != NULL)
    {
      g_autofree char *path = reel_media_store_get_path (self, info->relative_path);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_clear_pointer (&info, reel_media_info_free);
    }

  return info;
}

static void
remember_verified (ReelMediaStore      *self,
                   GHashTable          *cache,
                   const char          *key,
                   const ReelMediaInfo *info)
{
  g_mutex_lock (&self->cache_lock);
  g_hash_table_replace (cache, g_strdup (key), reel_media_info_copy (info));
  g_mutex_unlock (&self->cache_lock);
}

ReelMediaStore *
reel_media_store_new (GFile *directory)
{
  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (g_file_is_native (directory), NULL);

  return g_object_new (REEL_TYPE_MEDIA_STORE, "directory", directory, NULL);
}

GFile *
reel_media_store_get_directory (ReelMediaStore *self)
{
  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);

  return self->directory;
}

char *
reel_media_store_get_path (ReelMediaStore *self, const char *relative_path)
{
  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);
  g_return_val_if_fail (relative_path != NULL, NULL);

  return g_build_filename (self->path, relative_path, NULL);
}

static char *
ensure_temp_dir (ReelMediaStore *self, GError **error)
{
  g_autofree char *temp_dir = g_build_filename (self->path, TEMP_DIR_NAME, NULL);

  if (g_mkdir_with_parents (temp_dir, 0755) != 0)
    {
      int              saved_errno = errno;
      g_autofree char *display_name = display_basename (self->path);

      set_errno_error (error, saved_errno, display_name);
      return NULL;
    }

  return g_steal_pointer (&temp_dir);
}

/* Reserves a name in .tmp by creating it empty; returns an fd open for
 * writing when @fd is not NULL. */
static char *
create_temp_file (ReelMediaStore *self, const char *extension, int *fd, GError **error)
{
  g_autofree char *temp_dir = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *template = NULL;
  int temp_fd;

  temp_dir = ensure_temp_dir (self, error);
  if (temp_dir == NULL)
    return NULL;

  ext = extension != NULL ? sane_extension (extension) : NULL;
  template = g_strdup_printf ("%s" G_DIR_SEPARATOR_S "XXXXXX%s%s", temp_dir, ext ? "." : "",
                              ext ? ext : "");
  temp_fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0644);
  if (temp_fd < 0)
    {
      int              saved_errno = errno;
      g_autofree char *display_name = display_basename (self->path);

      set_errno_error (error, saved_errno, display_name);
      return NULL;
    }

  if (fd != NULL)
    *fd = temp_fd;
  else
    close (temp_fd);

  return g_steal_pointer (&template);
}

char *
reel_media_store_new_temp_path (ReelMediaStore *self, const char *extension, GError **error)
{
  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);

  return create_temp_file (self, extension, NULL, error);
}

/* Hashes @path, and copies it to @fd (closed here) when @fd is not -1. The
 * copy is flushed to the disk before it may be published. */
static char *
hash_and_copy (
    const char *path, int fd, const char *display_name, GCancellable *cancellable, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) input = NULL;
  g_autoptr (GOutputStream) output = NULL;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GError) local_error = NULL;
  g_autofree guchar *buffer = g_malloc (COPY_BUFFER_SIZE);

  if (fd >= 0)
    output = g_unix_output_stream_new (fd, TRUE);

  input = g_file_read (file, cancellable, &local_error);
  if (input == NULL)
    goto fail;

  for (;;)
    {
      gssize n_read = g_input_stream_read (G_INPUT_STREAM (input), buffer, COPY_BUFFER_SIZE,
                                           cancellable, &local_error);

      if (n_read < 0)
        goto fail;
      if (n_read == 0)
        break;

      g_checksum_update (checksum, buffer, n_read);
      if (output != NULL
          && !g_output_stream_write_all (output, buffer, n_read, NULL, cancellable, &local_error))
        goto fail;
    }

  if (output != NULL)
    {
      if (fsync (fd) != 0)
        {
          int saved_errno = errno;

          local_error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                             g_strerror (saved_errno));
          goto fail;
        }
      if (!g_output_stream_close (output, cancellable, &local_error))
        goto fail;
    }

  return g_strdup (g_checksum_get_string (checksum));

fail:
  if (output != NULL)
    g_output_stream_close (output, NULL, NULL);
  propagate_io_error (error, g_steal_pointer (&local_error), display_name);
  return NULL;
}

static gboolean
flush_file_to_disk (const char *path)
{
  int      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static char *
sha256_from_relative_path (const char *relative_path)
{
  g_autofree char *base = g_path_get_basename (relative_path);
  char            *dot = strchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  return g_steal_pointer (&base);
}

static gboolean
existing_file_is_intact (ReelMediaStore *self, const char *relative_path, const char *sha256)
{
  g_autoptr (GError) error = NULL;

  if (reel_media_store_check (self, relative_path, sha256, &error))
    return TRUE;

  g_debug ("Replacing damaged %s: %s", relative_path, error->message);
  return FALSE;
}

/* Moves the verified @temp_path to @final_path unless an intact copy is
 * there already: a verified file is never overwritten. */
static gboolean
publish (ReelMediaStore *self,
         const char     *temp_path,
         const char     *final_path,
         const char     *relative_path,
         const char     *sha256,
         const char     *display_name,
         GError        **error)
{
  g_autofree char *parent = g_path_get_dirname (final_path);
  int              saved_errno;

  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      set_errno_error (error, errno, display_name);
      return FALSE;
    }

  /* Stored media are immutable; make accidental edits fail loudly. */
  g_chmod (temp_path, 0444);

  /* link() refuses to replace an existing name, atomically, even against
   * other processes. */
  if (link (temp_path, final_path) == 0)
    {
      g_unlink (temp_path);
      return TRUE;
    }

  saved_errno = errno;
  g_mutex_lock (&self->publish_lock);

  if (saved_errno == EEXIST || g_file_test (final_path, G_FILE_TEST_EXISTS))
    {
      if (existing_file_is_intact (self, relative_path, sha256))
        {
          g_mutex_unlock (&self->publish_lock);
          g_unlink (temp_path);
          return TRUE;
        }
    }
  else if (saved_errno != EPERM && saved_errno != ENOTSUP && saved_errno != EOPNOTSUPP
           && saved_errno != EMLINK && saved_errno != ENOSYS)
    {
      g_mutex_unlock (&self->publish_lock);
      set_errno_error (error, saved_errno, display_name);
      return FALSE;
    }

  /* No hard links here, or the file at the final name is damaged. */
  if (g_rename (temp_path, final_path) != 0)
    {
      saved_errno = errno;
      g_mutex_unlock (&self->publish_lock);
      set_errno_error (error, saved_errno, display_name);
      return FALSE;
    }

  g_mutex_unlock (&self->publish_lock);
  return TRUE;
}

ReelMediaInfo *
reel_media_store_add_file (ReelMediaStore   *self,
                           const char       *path,
                           ReelMediaAddFlags flags,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *source_extension = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *extension = NULL;
  g_autofree char *relative_path = NULL;
  g_autofree char *final_path = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  gboolean move = (flags & REEL_MEDIA_ADD_MOVE) != 0;
  gboolean moved = FALSE;
  int      temp_fd = -1;

  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  display_name = display_basename (path);

  if (!ensure_gstreamer (error))
    goto fail;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("“%s” could not be found. It may have been moved or deleted."), display_name);
      goto fail;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                   _ ("“%s” is not a file. Choose a video or image file."), display_name);
      goto fail;
    }

  source_extension = sane_extension (path);
  temp_path = create_temp_file (self, source_extension, move ? NULL : &temp_fd, error);
  if (temp_path == NULL)
    goto fail;

  if (move)
    {
      if (g_rename (path, temp_path) == 0)
        moved = TRUE;
      else if (errno == EXDEV)
        temp_fd = g_open (temp_path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
      else
        {
          set_errno_error (error, errno, display_name);
          goto fail;
        }

      if (!moved && temp_fd < 0)
        {
          set_errno_error (error, errno, display_name);
          goto fail;
        }
    }

  if (moved)
    {
      sha256 = hash_and_copy (temp_path, -1, display_name, cancellable, error);
      /* Bytes the store already holds need not reach the disk again. */
      if (sha256 != NULL && (info = lookup_verified (self, self->verified, sha256)) != NULL)
        {
          g_unlink (temp_path);
          return g_steal_pointer (&info);
        }
      if (sha256 != NULL && !flush_file_to_disk (temp_path))
        {
          set_errno_error (error, errno, display_name);
          goto fail;
        }
    }
  else
    {
      sha256 = hash_and_copy (path, temp_fd, display_name, cancellable, error);
      temp_fd = -1; /* closed by hash_and_copy () */
    }
  if (sha256 == NULL)
    goto fail;

  if (move && !moved)
    g_unlink (path);

  /* The same bytes were verified before and are stored intact: reuse them. */
  info = lookup_verified (self, self->verified, sha256);
  if (info != NULL)
    {
      g_unlink (temp_path);
      return g_steal_pointer (&info);
    }

  info = probe_file (temp_path, display_name, &extension, cancellable, error);
  if (info == NULL)
    goto fail;

  if (extension == NULL)
    extension = g_strdup (source_extension != NULL ? source_extension : "bin");

  relative_path = g_strdup_printf ("%.2s" G_DIR_SEPARATOR_S "%s.%s", sha256, sha256, extension);
  final_path = reel_media_store_get_path (self, relative_path);

  if (!publish (self, temp_path, final_path, relative_path, sha256, display_name, error))
    goto fail;

  info->sha256 = g_steal_pointer (&sha256);
  info->relative_path = g_steal_pointer (&relative_path);
  remember_verified (self, self->verified, info->sha256, info);

  return g_steal_pointer (&info);

fail:
  if (temp_fd >= 0)
    close (temp_fd);
  if (temp_path != NULL)
    g_unlink (temp_path);
  /* MOVE hands the file over for good: nothing of a refused take stays behind. */
  if (move && !moved)
    g_unlink (path);

  return NULL;
}

typedef struct
{
  char             *path;
  ReelMediaAddFlags flags;
  guint             thumbnail_width;
  ReelMediaInfo    *info;
  ReelMediaInfo    *thumbnail;
} AddFileData;

static void
add_file_data_free (gpointer data)
{
  AddFileData *add = data;

  g_free (add->path);
  g_clear_pointer (&add->info, reel_media_info_free);
  g_clear_pointer (&add->thumbnail, reel_media_info_free);
  g_free (add);
}

static void
add_file_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ReelMediaStore *self = source;
  AddFileData    *add = task_data;
  GError         *error = NULL;

  add->info = reel_media_store_add_file (self, add->path, add->flags, cancellable, &error);
  if (add->info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (add->thumbnail_width > 0 && add->info->kind == REEL_MEDIA_KIND_VIDEO)
    add->thumbnail
        = reel_media_store_add_thumbnail (self, add->info->relative_path, add->info->duration / 2,
                                          add->thumbnail_width, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

void
reel_media_store_add_file_async (ReelMediaStore     *self,
                                 const char         *path,
                                 ReelMediaAddFlags   flags,
                                 guint               thumbnail_width,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  AddFileData *add;

  g_return_if_fail (REEL_IS_MEDIA_STORE (self));
  g_return_if_fail (path != NULL);

  add = g_new0 (AddFileData, 1);
  add->path = g_strdup (path);
  add->flags = flags;
  add->thumbnail_width = thumbnail_width;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_media_store_add_file_async);
  g_task_set_task_data (task, add, add_file_data_free);
  g_task_run_in_thread (task, add_file_thread);
}

ReelMediaInfo *
reel_media_store_add_file_finish (ReelMediaStore *self,
                                  GAsyncResult   *result,
                                  ReelMediaInfo **thumbnail,
                                  GError        **error)
{
  AddFileData *add;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (thumbnail != NULL)
    *thumbnail = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  add = g_task_get_task_data (G_TASK (result));
  if (thumbnail != NULL)
    *thumbnail = g_steal_pointer (&add->thumbnail);
  return g_steal_pointer (&add->info);
}

ReelMediaInfo *
reel_media_store_add_thumbnail (ReelMediaStore *self,
                                const char     *relative_path,
                                double          at_seconds,
                                guint           max_width,
                                GCancellable   *cancellable,
                                GError        **error)
{
  g_autofree char *source_path = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *key = NULL;
  ReelMediaInfo   *info;

  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);
  g_return_val_if_fail (relative_path != NULL, NULL);

  /* Stored media never change, so neither does a thumbnail of one. */
  key = g_strdup_printf ("%s@%.3f@%u", relative_path, at_seconds, max_width);
  info = lookup_verified (self, self->thumbnails, key);
  if (info != NULL)
    return info;

  source_path = reel_media_store_get_path (self, relative_path);
  temp_path = create_temp_file (self, "png", NULL, error);
  if (temp_path == NULL)
    return NULL;

  if (!reel_media_make_thumbnail (source_path, at_seconds, max_width, temp_path, cancellable,
                                  error))
    {
      g_unlink (temp_path);
      return NULL;
    }

  info = reel_media_store_add_file (self, temp_path, REEL_MEDIA_ADD_MOVE, cancellable, error);
  if (info != NULL)
    remember_verified (self, self->thumbnails, key, info);
  return info;
}

static gboolean
relative_path_is_inside (const char *relative_path)
{
  g_auto (GStrv) parts = NULL;

  if (relative_path[0] == '\0' || g_path_is_absolute (relative_path))
    return FALSE;

  parts = g_strsplit (relative_path, G_DIR_SEPARATOR_S, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;

  return TRUE;
}

gboolean
reel_media_store_check (ReelMediaStore *self,
                        const char     *relative_path,
                        const char     *sha256,
                        GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *store_name = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  g_autoptr (GError) local_error = NULL;
  GStatBuf st;

  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);

  display_name = display_basename (relative_path);
  store_name = display_basename (self->path);

  if (!relative_path_is_inside (relative_path))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("“%s” is not in the project’s media folder. Import it again."),
                   relative_path);
      return FALSE;
    }

  path = reel_media_store_get_path (self, relative_path);
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("The file “%s” is missing from “%s”, the project’s media folder. Generate "
                      "or import this take again."),
                   display_name, store_name);
      return FALSE;
    }

  if (st.st_size == 0)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("The file “%s” in “%s”, the project’s media folder, is empty. Generate or "
                      "import this take again."),
                   display_name, store_name);
      return FALSE;
    }

  expected
      = sha256 != NULL ? g_ascii_strdown (sha256, -1) : sha256_from_relative_path (relative_path);
  actual = hash_and_copy (path, -1, display_name, NULL, &local_error);
  if (actual == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!g_str_equal (expected, actual))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("The file “%s” in “%s”, the project’s media folder, is damaged: its "
                      "contents have changed. Generate or import this take again."),
                   display_name, store_name);
      return FALSE;
    }

  return TRUE;
}

guint
reel_media_store_remove_stale_temporaries (ReelMediaStore *self, GTimeSpan max_age)
{
  g_autofree char *temp_dir = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;
  gint64      now = g_get_real_time ();
  guint       n_removed = 0;

  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), 0);

  temp_dir = g_build_filename (self->path, TEMP_DIR_NAME, NULL);
  dir = g_dir_open (temp_dir, 0, NULL);
  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (temp_dir, name, NULL);
      GStatBuf         st;

      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (now - (gint64) st.st_mtime * G_USEC_PER_SEC < max_age)
        continue;
      if (g_unlink (path) == 0)
        n_removed++;
    }

  return n_removed;
}
