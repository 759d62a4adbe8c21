/* reel-media-store.h: the content-addressed media folder beside a project
 *
 * NAME.media/ holds every take, board image and thumbnail of a project under
 * <first two hex digits>/<sha256>.<ext>. A file reaches its final name only
 * after GstDiscoverer has verified it, and a file at a final name is never
 * overwritten. Everything here is synchronous and safe to call from worker
 * threads; nothing needs a main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "reel-media-enums.h"
#include "reel-types.h"

G_BEGIN_DECLS

#define REEL_MEDIA_ERROR (reel_media_error_quark ())
GQuark reel_media_error_quark (void);

typedef enum
{
  REEL_MEDIA_ERROR_NOT_MEDIA,   /* not a video, image or audio file at all */
  REEL_MEDIA_ERROR_DAMAGED,     /* recognised, but truncated, empty or altered */
  REEL_MEDIA_ERROR_UNSUPPORTED, /* a real media file of a kind Storyreel cannot use */
  REEL_MEDIA_ERROR_MISSING,     /* the file is not there */
  REEL_MEDIA_ERROR_IO,          /* reading, writing or renaming failed */
  REEL_MEDIA_ERROR_NO_SPACE,    /* the disk is full */
} ReelMediaError;

typedef enum
{
  REEL_MEDIA_KIND_VIDEO,
  REEL_MEDIA_KIND_IMAGE,
  REEL_MEDIA_KIND_AUDIO,
} ReelMediaKind;

/* Stable identifiers ("video", "image", "audio") for the database and JSON. */
const char *reel_media_kind_to_string (ReelMediaKind kind);
gboolean    reel_media_kind_from_string (const char *str, ReelMediaKind *kind);

typedef enum /*< flags >*/
{
  REEL_MEDIA_ADD_COPY = 0,      /* copy the source and leave it in place (user imports) */
  REEL_MEDIA_ADD_MOVE = 1 << 0, /* consume the source, even when it is refused (worker output) */
} ReelMediaAddFlags;

/* What a probe found. Strings are GStreamer caps names ("video/quicktime",
 * "video/x-h264", "audio/mpeg", "image/png"), or NULL when there is none. */
typedef struct
{
  char         *sha256;        /* NULL from reel_media_probe(), which does not hash */
  char         *relative_path; /* "ab/ab12….mp4" inside the store; NULL from reel_media_probe() */
  ReelMediaKind kind;
  double        duration; /* seconds; 0 for images */
  guint         width;
  guint         height;
  double        fps; /* 0 for images, audio and variable frame rates */
  char         *container;
  char         *video_codec;
  char         *audio_codec;
  gboolean      has_audio;
} ReelMediaInfo;

#define REEL_TYPE_MEDIA_INFO (reel_media_info_get_type ())
GType          reel_media_info_get_type (void) G_GNUC_CONST;
ReelMediaInfo *reel_media_info_copy (const ReelMediaInfo *info);
void           reel_media_info_free (ReelMediaInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelMediaInfo, reel_media_info_free)

#define REEL_TYPE_MEDIA_STORE (reel_media_store_get_type ())
G_DECLARE_FINAL_TYPE (ReelMediaStore, reel_media_store, REEL, MEDIA_STORE, GObject)

ReelMediaStore *reel_media_store_new (GFile *directory);
GFile          *reel_media_store_get_directory (ReelMediaStore *self);

/* A fresh, unique path in DIR/.tmp/ for a worker to write into before handing
 * the file to reel_media_store_add_file() with MOVE. The file is created
 * empty to reserve the name; writers replace or truncate it. */
char *reel_media_store_new_temp_path (ReelMediaStore *self, const char *extension, GError **error);

/* Copies or moves @path into the store, verifies it and returns what it is.
 * Adding content the store already holds returns the existing file. */
ReelMediaInfo *reel_media_store_add_file (ReelMediaStore   *self,
                                          const char       *path,
                                          ReelMediaAddFlags flags,
                                          GCancellable     *cancellable,
                                          GError          **error);

/* reel_media_store_add_file() in a worker thread, for an import the user
 * asked for: with @thumbnail_width above 0, a video also gets a thumbnail
 * from its middle (a failure there is not an error). The callback runs in
 * the thread-default main context of the caller. */
void reel_media_store_add_file_async (ReelMediaStore     *self,
                                      const char         *path,
                                      ReelMediaAddFlags   flags,
                                      guint               thumbnail_width,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
/* @thumbnail: (out) (optional) (nullable): the video's thumbnail, if made */
ReelMediaInfo *reel_media_store_add_file_finish (ReelMediaStore *self,
                                                 GAsyncResult   *result,
                                                 ReelMediaInfo **thumbnail,
                                                 GError        **error);

/* Makes a PNG thumbnail of a stored video or image and stores it too. */
ReelMediaInfo *reel_media_store_add_thumbnail (ReelMediaStore *self,
                                               const char     *relative_path,
                                               double          at_seconds,
                                               guint           max_width,
                                               GCancellable   *cancellable,
                                               GError        **error);

/* Absolute path of a stored file, whether or not it exists. */
char *reel_media_store_get_path (ReelMediaStore *self, const char *relative_path);

/* Whether a stored file is there and intact (@sha256 may be NULL to take the
 * one in its name). Fails with MISSING or DAMAGED. */
gboolean reel_media_store_check (ReelMediaStore *self,
                                 const char     *relative_path,
                                 const char     *sha256,
                                 GError        **error);

/* Removes temporaries in DIR/.tmp/ last changed more than @max_age ago: what
 * workers left behind when the app was killed. Returns how many it removed. */
guint reel_media_store_remove_stale_temporaries (ReelMediaStore *self, GTimeSpan max_age);

/* Probes a file with GstDiscoverer in the calling thread and checks that it
 * is a usable video (container, video stream, duration, size, decodable to
 * its end), a still image (PNG, JPEG, WebP) or audio. */
ReelMediaInfo *reel_media_probe (const char *path, GCancellable *cancellable, GError **error);

/* Decodes the frame shown at @at_seconds (clamped to the media) of a video or
 * image into an ARGB32 surface at its own size, alpha premultiplied. */
cairo_surface_t *reel_media_load_frame (const char   *path,
                                        double        at_seconds,
                                        GCancellable *cancellable,
                                        GError      **error);

/* Writes a PNG of the frame at @at_seconds, at most @max_width pixels wide
 * (0: full size), atomically to @png_path. */
gboolean reel_media_make_thumbnail (const char   *video_or_image_path,
                                    double        at_seconds,
                                    guint         max_width,
                                    const char   *png_path,
                                    GCancellable *cancellable,
                                    GError      **error);

G_END_DECLS
