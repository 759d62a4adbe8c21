/* reel-exporter.h: export of the cut as a film or a file for other tools
 *
 * A ReelExporter lives on the main thread. It renders missing animatic cards
 * in a worker thread, then renders the GES timeline (or copies the takes'
 * video streams when nothing forces a re-encode), adds soft subtitles, tags,
 * caption sidecars and the provenance sidecar, and renames the result into
 * place. A failed or cancelled export leaves nothing under the chosen name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-cut.h"

G_BEGIN_DECLS

#define REEL_EXPORT_ERROR (reel_export_error_quark ())
GQuark reel_export_error_quark (void);

typedef enum
{
  REEL_EXPORT_ERROR_INVALID,        /* options that cannot work together */
  REEL_EXPORT_ERROR_NOT_WRITABLE,   /* the destination folder cannot be written */
  REEL_EXPORT_ERROR_NO_SPACE,       /* the disk is full */
  REEL_EXPORT_ERROR_MISSING_PLUGIN, /* an encoder or muxer is not installed */
  REEL_EXPORT_ERROR_MEDIA,          /* a take or the music cannot be used */
  REEL_EXPORT_ERROR_FAILED,         /* encoding failed */
} ReelExportError;

typedef enum
{
  REEL_EXPORT_FORMAT_MP4,  /* H.264 + AAC */
  REEL_EXPORT_FORMAT_WEBM, /* VP9 + Opus */
  REEL_EXPORT_FORMAT_OTIO,
  REEL_EXPORT_FORMAT_FCPXML,
  REEL_EXPORT_FORMAT_EDL,
  REEL_EXPORT_FORMAT_PDF,
  REEL_EXPORT_FORMAT_SRT,
  REEL_EXPORT_FORMAT_VTT,
} ReelExportFormat;

/* "mp4", "webm", "otio", "fcpxml", "edl", "pdf", "srt", "vtt" */
const char *reel_export_format_to_string (ReelExportFormat format);
gboolean    reel_export_format_from_string (const char *str, ReelExportFormat *format);
/* From the file name's extension (".vtt" and ".webvtt" both mean VTT). */
gboolean reel_export_format_guess (const char *path, ReelExportFormat *format);
/* Whether the format is a film (MP4, WebM) rather than a file for other tools. */
gboolean reel_export_format_is_film (ReelExportFormat format);

typedef enum
{
  REEL_CAPTION_MODE_BURN, /* drawn into the picture */
  REEL_CAPTION_MODE_SOFT, /* a subtitle track players can switch on and off */
  REEL_CAPTION_MODE_OFF,
} ReelCaptionMode;

/* "burn", "soft", "off" */
const char *reel_caption_mode_to_string (ReelCaptionMode mode);
gboolean    reel_caption_mode_from_string (const char *str, ReelCaptionMode *mode);

/* How long the encoder looks for a smaller film at the same picture quality
 * (CRF 23 for H.264): x264's "veryfast", "medium" and "slow"; for VP9,
 * libvpx's "good" deadline at cpu-used 5, 4 and 2. */
typedef enum
{
  REEL_EXPORT_QUALITY_DRAFT,
  REEL_EXPORT_QUALITY_STANDARD,
  REEL_EXPORT_QUALITY_HIGH,
} ReelExportQuality;

/* "draft", "standard", "high" */
const char *reel_export_quality_to_string (ReelExportQuality quality);
gboolean    reel_export_quality_from_string (const char *str, ReelExportQuality *quality);

typedef struct
{
  ReelExportFormat format;
  guint            width;  /* 0: from the cut */
  guint            height; /* 0: from the cut */
  guint            fps;    /* 0: from the cut */
  ReelCaptionMode  captions;
  gboolean         caption_sidecars; /* also write FILM.mp4.srt and FILM.mp4.vtt beside it */
  char            *extra_music;      /* an audio file mixed in from the start, or NULL */
  /* Where the visible "AI-generated" label goes on films with AI-generated
   * shots: "top-left", "top-right", "bottom-left", "bottom-right" or "none". */
  char             *ai_label_position;
  gboolean          allow_hardware_encoder; /* nvh264enc when GStreamer has it */
  gboolean          allow_stream_copy;      /* copy the takes when nothing forces a re-encode */
  ReelExportQuality quality;
  char             *x264_speed_preset; /* overrides the quality's preset when set */
  /* Encode the film as cached segments, so that the next export re-encodes
   * only what changed (see reel-segment-cache.h). */
  gboolean use_segment_cache;
  char    *segment_cache_dir;   /* NULL: the user's cache */
  guint64  segment_cache_limit; /* bytes; 0: REEL_SEGMENT_CACHE_DEFAULT_LIMIT */
  guint    pdf_columns;         /* storyboard grid; 0: 3 × 2 */
  guint    pdf_rows;
} ReelExportOptions;

/* MP4 at standard quality, burned captions, sidecars, the label at the
 * bottom right, hardware encoding, stream copy and the segment cache
 * allowed. */
void               reel_export_options_init (ReelExportOptions *options);
void               reel_export_options_clear (ReelExportOptions *options);
ReelExportOptions *reel_export_options_copy (const ReelExportOptions *options);
void               reel_export_options_free (ReelExportOptions *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelExportOptions, reel_export_options_free)

#define REEL_TYPE_EXPORTER (reel_exporter_get_type ())
G_DECLARE_FINAL_TYPE (ReelExporter, reel_exporter, REEL, EXPORTER, GObject)

/* Takes @cut. The options are copied. */
ReelExporter *
reel_exporter_new (ReelCut *cut, const ReelExportOptions *options, const char *output_path);

const char *reel_exporter_get_output_path (ReelExporter *self);
double      reel_exporter_get_progress (ReelExporter *self); /* 0…1 */
double      reel_exporter_get_eta (ReelExporter *self);      /* seconds left, -1 unknown */
const char *reel_exporter_get_stage (ReelExporter *self);    /* translated */
/* Whether the video stream was copied from the takes rather than re-encoded. */
gboolean reel_exporter_get_stream_copied (ReelExporter *self);
/* How many segments of the film this export encoded, and how many it took
 * from the segment cache unchanged; both 0 when it used no segments. */
guint reel_exporter_get_segments_encoded (ReelExporter *self);
guint reel_exporter_get_segments_reused (ReelExporter *self);
/* The GStreamer factory of the video encoder the film is being encoded
 * with ("x264enc", "nvh264enc", "vp9enc"); NULL before encoding starts and
 * when the picture is copied. */
const char *reel_exporter_get_video_encoder (ReelExporter *self);
/* The files written besides the film (subtitles, provenance), once finished. */
const char *const *reel_exporter_get_sidecars (ReelExporter *self);

/* Runs once. Call on the main thread; progress is notified there. */
void     reel_exporter_run_async (ReelExporter       *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
gboolean reel_exporter_run_finish (ReelExporter *self, GAsyncResult *result, GError **error);

G_END_DECLS
