/* reel-animatic.h: the built-in animatic renderer
 *
 * Draws a shot as a storyboard card (or its board image) with Cairo and
 * Pango, moves a virtual camera over it and encodes the frames to an H.264
 * MP4 with GStreamer. Needs no model, network or GPU. The same spec always
 * gives the same bytes. Synchronous: meant for a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "reel-types.h"

G_BEGIN_DECLS

#define REEL_ANIMATIC_ERROR (reel_animatic_error_quark ())
GQuark reel_animatic_error_quark (void);

typedef enum
{
  REEL_ANIMATIC_ERROR_INVALID,        /* the spec cannot be rendered (size, fps, duration) */
  REEL_ANIMATIC_ERROR_MISSING_PLUGIN, /* an encoder or muxer is not installed */
  REEL_ANIMATIC_ERROR_BOARD_IMAGE,    /* the board image cannot be read */
  REEL_ANIMATIC_ERROR_FAILED,         /* encoding or writing failed */
} ReelAnimaticError;

typedef struct
{
  guint          width; /* even, pixels */
  guint          height;
  guint          fps;
  double         duration; /* seconds; the film has round (duration × fps) frames */
  ReelCameraMove camera;
  char          *scene_heading;    /* "INT. KITCHEN - NIGHT", may be NULL */
  char          *shot_number;      /* "1A", may be NULL */
  char          *text;             /* what the shot shows, may be NULL */
  GPtrArray     *captions;         /* ReelCaption*, owned; may be NULL */
  char          *board_image_path; /* a still shown instead of the card; may be NULL */
  char          *language;         /* "en", "ja", "zh-CN"…: picks CJK glyph forms; may be NULL */
} ReelAnimaticSpec;

#define REEL_TYPE_ANIMATIC_SPEC (reel_animatic_spec_get_type ())
GType reel_animatic_spec_get_type (void) G_GNUC_CONST;
/* 1280×720, 24 fps, 3 s, static, nothing written on it. */
ReelAnimaticSpec *reel_animatic_spec_new (void);
ReelAnimaticSpec *reel_animatic_spec_copy (const ReelAnimaticSpec *spec);
void              reel_animatic_spec_free (ReelAnimaticSpec *spec);
/* Takes a copy of @caption. */
void reel_animatic_spec_add_caption (ReelAnimaticSpec *spec, const ReelCaption *caption);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelAnimaticSpec, reel_animatic_spec_free)

/* Called in the rendering thread after each frame; @fraction goes from 0 to 1. */
typedef void (*ReelAnimaticProgressFunc) (double fraction, gpointer user_data);

/* Number of frames a spec renders to: round (duration × fps), at least 1. */
guint reel_animatic_spec_get_n_frames (const ReelAnimaticSpec *spec);

/* Renders @spec to an MP4 at @output_path, which appears only once complete.
 * Cancelling stops between frames, leaves no file and fails with
 * G_IO_ERROR_CANCELLED. */
gboolean reel_animatic_render (const ReelAnimaticSpec  *spec,
                               const char              *output_path,
                               GCancellable            *cancellable,
                               ReelAnimaticProgressFunc progress,
                               gpointer                 user_data,
                               GError                 **error);

/* A pictogram of @move, in the current source, in the @size square at @x, @y:
 * a frame, with arrows for a pan, tilt, push or pull. */
void
reel_animatic_draw_camera_icon (cairo_t *cr, ReelCameraMove move, double x, double y, double size);

/* Writes the first frame, the card before the camera moves, as a PNG. */
gboolean
reel_animatic_render_card_png (const ReelAnimaticSpec *spec, const char *png_path, GError **error);

G_END_DECLS
