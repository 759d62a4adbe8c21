/* reel-exporter-encode.c: the encoders of a film export
 *
 * Which encoders a film needs and whether they are installed, the settings
 * that encodebin's profile cannot carry, the encoding profile itself, and
 * the fallback from the NVENC hardware encoder to x264 when it fails.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>

#include "reel-exporter-private.h"

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
const char *
reel_exporter_pick_copy_aac_encoder (void)
{
  if (has_factory ("voaacenc"))
    return "voaacenc";
  return pick_aac_encoder ();
}

gboolean
reel_exporter_check_plugins (ReelExporter *self, GError **error)
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

/* Encoder settings */

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

/* The analysis settings of x264's own presets, as libx264 (core 164) sets
 * them and ffmpeg's libx264 encodes with: "slow" still searches with "hex";
 * "umh" only starts at "slower". */
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
    { "slow", "ref=5:bframes=3:subme=8:me=hex:trellis=2:rc-lookahead=50:weightp=2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (preset, presets[i].preset) == 0)
      return presets[i].options;
  return NULL;
}

const char *
reel_exporter_x264_preset (ReelExporter *self)
{
  static const char *const presets[] = {
    [REEL_EXPORT_QUALITY_DRAFT] = "veryfast",
    [REEL_EXPORT_QUALITY_STANDARD] = "medium",
    [REEL_EXPORT_QUALITY_HIGH] = "slow",
  };

  if (self->options.x264_speed_preset != NULL)
    return self->options.x264_speed_preset;
  if ((guint) self->options.quality >= G_N_ELEMENTS (presets))
    return "medium";
  return presets[self->options.quality];
}

/* libvpx's speeds for the "good" deadline, matched to x264's presets by
 * their relative cost: 5 is about as much faster than 4 as "veryfast" is
 * than "medium", and 2 about as much slower as "slow" (ffmpeg -deadline good
 * -cpu-used N gives the same streams). */
static const char *
vp9_cpu_used (ReelExporter *self)
{
  switch (self->options.quality)
    {
      case REEL_EXPORT_QUALITY_DRAFT:
        return "5";
      case REEL_EXPORT_QUALITY_HIGH:
        return "2";
      case REEL_EXPORT_QUALITY_STANDARD:
      default:
        return "4";
    }
}

const char *
reel_exporter_pick_video_encoder (ReelExporter *self)
{
  if (self->options.format == REEL_EXPORT_FORMAT_WEBM)
    return "vp9enc";
  return pick_h264_encoder (&self->options);
}

/* Encoder settings that encodebin's profile cannot carry, applied as the
 * encoders are created (in whatever thread creates them). */
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
      const char      *preset = reel_exporter_x264_preset (self);
      const char      *preset_options = x264_preset_options (preset);

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
      if (self->x264_threads > 0)
        {
          g_autofree char *threads = g_strdup_printf ("%u", self->x264_threads);

          gst_util_set_object_arg (G_OBJECT (element), "threads", threads);
        }
    }
  else if (g_strcmp0 (name, "vp9enc") == 0)
    {
      /* libvpx's default is "best quality" at a crawl; the "good" deadline
       * with row threading is what web encoders use, at a speed from the
       * quality (see vp9_cpu_used()). */
      guint64          bits = (guint64) self->width * self->height * MAX (self->fps, 1) / 8;
      g_autofree char *bitrate = g_strdup_printf ("%" G_GUINT64_FORMAT, MAX (bits, 200000));
      g_autofree char *threads = g_strdup_printf ("%u", MAX (g_get_num_processors (), 1));

      gst_util_set_object_arg (G_OBJECT (element), "deadline", "1");
      gst_util_set_object_arg (G_OBJECT (element), "cpu-used", vp9_cpu_used (self));
      gst_util_set_object_arg (G_OBJECT (element), "row-mt", "true");
      gst_util_set_object_arg (G_OBJECT (element), "threads", threads);
      gst_util_set_object_arg (G_OBJECT (element), "target-bitrate", bitrate);
    }
  else if (g_strcmp0 (name, "videoflip") == 0)
    {
      /* GES turns every take upright with a videoflip that follows the
       * take's orientation tag. Upright, GStreamer 1.22's videoflip still
       * copies every frame, as it only becomes passthrough when its method
       * changes; start it as one. An orientation tag changes the method,
       * which turns the passthrough off again (gst_video_flip_set_method()). */
      gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (element), TRUE);
    }
  else if (self->single_threaded_decoders && name != NULL && g_str_has_prefix (name, "avdec_")
           && GST_IS_VIDEO_DECODER (element))
    gst_util_set_object_arg (G_OBJECT (element), "max-threads", "1");
  else if (g_strcmp0 (name, "avenc_aac") == 0)
    gst_util_set_object_arg (G_OBJECT (element), "bitrate", "192000");
  else if (g_strcmp0 (name, "mp4mux") == 0)
    reel_exporter_apply_tags (self, element);
  else if (element_is_muxer (element))
    reel_exporter_apply_tags (self, element);
}

void
reel_exporter_configure_encoders (ReelExporter *self, GstElement *pipeline)
{
  self->single_threaded_decoders
      = self->options.format == REEL_EXPORT_FORMAT_WEBM
        || g_strcmp0 (pick_h264_encoder (&self->options), "x264enc") == 0;
  g_signal_connect (pipeline, "deep-element-added", G_CALLBACK (deep_element_added_cb), self);
}

/* The encoding profile */

GstEncodingProfile *
reel_exporter_make_profile (ReelExporter *self, gboolean with_audio)
{
  g_autoptr (GstCaps) container_caps = NULL;
  g_autoptr (GstCaps) video_caps = NULL;
  g_autoptr (GstCaps) audio_caps = NULL;
  g_autoptr (GstCaps) video_restriction = NULL;
  g_autoptr (GstCaps) audio_restriction = NULL;
  g_autofree char             *colorimetry = NULL;
  GstVideoInfo                 assumed;
  GstEncodingContainerProfile *container;
  GstEncodingVideoProfile     *video;
  GstEncodingAudioProfile     *audio;
  gboolean                     mp4 = self->options.format == REEL_EXPORT_FORMAT_MP4;

  container_caps
      = gst_caps_from_string (mp4 ? "video/quicktime, variant=(string)iso" : "video/webm");
  video_caps = gst_caps_from_string (mp4 ? "video/x-h264" : "video/x-vp9");
  audio_caps = gst_caps_from_string (mp4 ? "audio/mpeg, mpegversion=(int)4" : "audio/x-opus");
  /* 4:2:0, which every player decodes (x264 would otherwise keep 4:4:4).
   * The colorimetry and chroma siting too, as GStreamer assumes them for
   * the size: left open, the caps were first agreed without them and then
   * again with them once the encoder gave its first frame, and x264enc,
   * reconfigured in the middle of the stream, showed two frames twice. */
  gst_video_info_set_format (&assumed, GST_VIDEO_FORMAT_I420, self->width, self->height);
  colorimetry = gst_video_colorimetry_to_string (&assumed.colorimetry);
  video_restriction = gst_caps_new_simple (
      "video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT, (int) self->width,
      "height", G_TYPE_INT, (int) self->height, "framerate", GST_TYPE_FRACTION, (int) self->fps, 1,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  if (colorimetry != NULL)
    gst_caps_set_simple (video_restriction, "colorimetry", G_TYPE_STRING, colorimetry, NULL);
  if (gst_video_chroma_site_to_string (assumed.chroma_site) != NULL)
    gst_caps_set_simple (video_restriction, "chroma-site", G_TYPE_STRING,
                         gst_video_chroma_site_to_string (assumed.chroma_site), NULL);
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
  if (with_audio)
    gst_encoding_container_profile_add_profile (container, GST_ENCODING_PROFILE (audio));
  else
    g_object_unref (audio);
  return GST_ENCODING_PROFILE (container);
}

/* The encoder in use, and the hardware fallback */

/* The first video encoder inside @pipeline, or NULL. */
const char *
reel_exporter_find_video_encoder (GstElement *pipeline)
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
gboolean
reel_exporter_fall_back_to_software (ReelExporter *self, GstMessage *message)
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
  reel_exporter_stop_pipelines (self);
  reel_exporter_start_render (self);
  return TRUE;
}
