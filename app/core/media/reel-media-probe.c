/* reel-media-probe.c: what a media file is, found with GstDiscoverer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-media"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "reel-media-store-private.h"

/* A local file is read in well under a second. Under load, decodebin (1.22)
 * can lose an error a demuxer posts as it starts, and the discoverer then
 * waits for its whole timeout; the race rarely goes the same way twice, so
 * try a few times with short timeouts rather than once with a long one. */
static const guint discover_timeouts_s[] = { 2, 3, 5, 10 };

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

/* Caps */

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

/* Probing */

static gboolean
is_supported_image (const char *caps_name)
{
  return g_strcmp0 (caps_name, "image/png") == 0 || g_strcmp0 (caps_name, "image/jpeg") == 0
         || g_strcmp0 (caps_name, "image/webp") == 0;
}

/* Whether a plugin the discoverer missed would read pictures or sound. The
 * type finder also knows documents and archives (application/pdf,
 * application/zip), for which no plugin exists: such a file is no media. */
static gboolean
needs_media_plugin (GstDiscovererInfo *info)
{
  static const char *const media_types[] = { "video/",
                                             "audio/",
                                             "image/",
                                             "application/ogg",
                                             "application/mxf",
                                             "application/vnd.rn-realmedia",
                                             "application/x-yuv4mpeg",
                                             "application/x-pn-realaudio" };
  const char             **details
      = info != NULL ? gst_discoverer_info_get_missing_elements_installer_details (info) : NULL;

  /* Without details, nothing says it is not media. */
  if (details == NULL || details[0] == NULL)
    return TRUE;

  for (guint i = 0; details[i] != NULL; i++)
    {
      /* "gstreamer|1.0|app|description|decoder-video/x-h265" */
      const char *type = strrchr (details[i], '|');
      const char *caps = type != NULL ? strchr (type, '-') : NULL;

      if (caps == NULL)
        return TRUE;
      caps++;
      for (guint j = 0; j < G_N_ELEMENTS (media_types); j++)
        if (g_str_has_prefix (caps, media_types[j]))
          return TRUE;
    }
  return FALSE;
}

static void
set_discoverer_error (GError            **error,
                      GstDiscovererResult result,
                      GstDiscovererInfo  *info,
                      const GError       *discover_error,
                      const char         *display_name)
{
  const char *detail = discover_error != NULL ? discover_error->message : NULL;

  if (result == GST_DISCOVERER_MISSING_PLUGINS && !needs_media_plugin (info))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                   _ ("“%s” is not a video or image Storyreel can read. Choose an MP4, WebM "
                      "or MOV video, or a PNG, JPEG or WebP image."),
                   display_name);
      return;
    }

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

/* Whether @path is a file with something in it, before GStreamer reads it. */
static gboolean
check_is_nonempty_file (const char *path, const char *display_name, GError **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      reel_media_set_errno_error (error, errno, display_name);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                   _ ("“%s” is not a file. Choose a video or image file."), display_name);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("“%s” is empty. Try exporting or downloading it again."), display_name);
      return FALSE;
    }

  return TRUE;
}

/* What the discoverer found in @path; fails unless it read the file through. */
static GstDiscovererInfo *
discover (const char *path, const char *display_name, GCancellable *cancellable, GError **error)
{
  g_autoptr (GstDiscoverer) discoverer = NULL;
  g_autoptr (GstDiscovererInfo) discover_info = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char    *uri = NULL;
  GstDiscovererResult result;

  uri = gst_filename_to_uri (path, &local_error);
  if (uri == NULL)
    {
      reel_media_propagate_io_error (error, g_steal_pointer (&local_error), display_name);
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
      set_discoverer_error (error, result, discover_info, local_error, display_name);
      return NULL;
    }

  return g_steal_pointer (&discover_info);
}

/* Reads the picture's size, codec and rate into @info. Refuses images in
 * formats Storyreel cannot use, bare video streams and pictures without a
 * size. */
static gboolean
read_video_stream (GstDiscovererVideoInfo *video,
                   ReelMediaInfo          *info,
                   GstCaps               **extension_caps,
                   const char             *display_name,
                   GError                **error)
{
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
          return FALSE;
        }
      if (*extension_caps == NULL)
        *extension_caps = gst_caps_ref (caps);
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
          return FALSE;
        }
    }

  if (info->width == 0 || info->height == 0)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("“%s” has a picture without a size. It may be damaged; try exporting or "
                      "downloading it again."),
                   display_name);
      return FALSE;
    }

  return TRUE;
}

/* Fills @info from the streams the discoverer found, and *extension_caps with
 * the caps that the stored file's extension follows from. */
static gboolean
read_streams (GstDiscovererInfo *discover_info,
              ReelMediaInfo     *info,
              GstCaps          **extension_caps,
              const char        *display_name,
              GError           **error)
{
  g_autoptr (GstDiscovererStreamInfo) top = gst_discoverer_info_get_stream_info (discover_info);
  GList   *video_streams = gst_discoverer_info_get_video_streams (discover_info);
  GList   *audio_streams = gst_discoverer_info_get_audio_streams (discover_info);
  gboolean ok = TRUE;

  if (top != NULL && GST_IS_DISCOVERER_CONTAINER_INFO (top))
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (top);

      info->container = dup_caps_name (caps);
      *extension_caps = g_steal_pointer (&caps);
    }

  if (audio_streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (audio_streams->data);

      info->has_audio = TRUE;
      info->audio_codec = dup_caps_name (caps);
    }

  if (video_streams != NULL)
    ok = read_video_stream (video_streams->data, info, extension_caps, display_name, error);
  else if (audio_streams != NULL)
    {
      info->kind = REEL_MEDIA_KIND_AUDIO;
      if (*extension_caps == NULL)
        *extension_caps = gst_discoverer_stream_info_get_caps (audio_streams->data);
    }
  else
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                   _ ("“%s” contains neither pictures nor sound. Choose a video or image file."),
                   display_name);
      ok = FALSE;
    }

  gst_discoverer_stream_info_list_free (video_streams);
  gst_discoverer_stream_info_list_free (audio_streams);

  return ok;
}

static gboolean
read_duration (GstDiscovererInfo *discover_info,
               ReelMediaInfo     *info,
               const char        *display_name,
               GError           **error)
{
  GstClockTime duration = gst_discoverer_info_get_duration (discover_info);

  if (!GST_CLOCK_TIME_IS_VALID (duration) || duration == 0)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("“%s” has no length. It may be damaged or unfinished; try exporting or "
                      "downloading it again."),
                   display_name);
      return FALSE;
    }
  info->duration = (double) duration / GST_SECOND;

  return TRUE;
}

/* The discoverer reads the headers and the first frame only. A file cut
 * short after its index (an interrupted download of a "fast start" MP4)
 * passes that, so also decode the last frame. */
static gboolean
check_last_frame (const char          *path,
                  const char          *display_name,
                  const ReelMediaInfo *info,
                  GCancellable        *cancellable,
                  GError             **error)
{
  g_autoptr (GstSample) last = NULL;
  g_autoptr (GError) decode_error = NULL;
  double half_frame = info->fps > 0 ? 0.5 / info->fps : 0.02;

  last = reel_media_decode_frame_sample (path, display_name, MAX (0.0, info->duration - half_frame),
                                         cancellable, &decode_error);
  /* The file's length is its longest stream's. Encoders pad AAC a little
   * past the last picture, so a film with sound may end its video up to
   * a few frames earlier: look there before calling it cut short. */
  if (last == NULL && info->has_audio
      && !g_error_matches (decode_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&decode_error);
      last = reel_media_decode_frame_sample (
          path, display_name, MAX (0.0, info->duration - MIN (0.5, info->duration / 2)),
          cancellable, &decode_error);
    }
  if (last != NULL)
    return TRUE;

  if (g_error_matches (decode_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&decode_error));
  else
    g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                 _ ("“%s” is cut short: its last frames cannot be played. It may be an "
                    "unfinished download or render; try exporting or downloading it "
                    "again."),
                 display_name);
  return FALSE;
}

ReelMediaInfo *
reel_media_probe_file (const char   *path,
                       const char   *display_name,
                       char        **extension,
                       GCancellable *cancellable,
                       GError      **error)
{
  g_autoptr (GstDiscovererInfo) discover_info = NULL;
  g_autoptr (GstCaps) extension_caps = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;

  if (!reel_media_ensure_gstreamer (error))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!check_is_nonempty_file (path, display_name, error))
    return NULL;

  discover_info = discover (path, display_name, cancellable, error);
  if (discover_info == NULL)
    return NULL;

  info = g_new0 (ReelMediaInfo, 1);
  if (!read_streams (discover_info, info, &extension_caps, display_name, error))
    return NULL;

  if (info->kind != REEL_MEDIA_KIND_IMAGE
      && !read_duration (discover_info, info, display_name, error))
    return NULL;

  if (info->kind == REEL_MEDIA_KIND_VIDEO
      && !check_last_frame (path, display_name, info, cancellable, error))
    return NULL;

  if (extension != NULL)
    *extension = g_strdup (extension_for_caps (extension_caps, info->kind));

  return g_steal_pointer (&info);
}

ReelMediaInfo *
reel_media_probe (const char *path, GCancellable *cancellable, GError **error)
{
  g_autofree char *display_name = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  display_name = g_filename_display_basename (path);
  return reel_media_probe_file (path, display_name, NULL, cancellable, error);
}
