/* reel-types.h: small value types shared by every layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "reel-script-enums.h"

G_BEGIN_DECLS

/* The nick of @value in the enum @type ("pan-left"), or @fallback when the
 * enum has no such value. Nicks are the stable identifiers Storyreel writes
 * into the database, JSON and the command line. */
const char *reel_enum_to_nick (GType type, int value, const char *fallback);
/* Parses a nick, ignoring ASCII case. */
gboolean reel_enum_from_nick (GType type, const char *nick, int *value);

/* Camera moves the animatic engine can draw and backends can be asked for. */
typedef enum
{
  REEL_CAMERA_STATIC,
  REEL_CAMERA_PAN_LEFT,
  REEL_CAMERA_PAN_RIGHT,
  REEL_CAMERA_TILT_UP,
  REEL_CAMERA_TILT_DOWN,
  REEL_CAMERA_PUSH_IN,
  REEL_CAMERA_PULL_OUT,
  REEL_N_CAMERA_MOVES /*< skip >*/
} ReelCameraMove;

/* Stable identifiers ("static", "pan-left", …) used in the database, JSON and the CLI. */
const char *reel_camera_move_to_string (ReelCameraMove move);
gboolean    reel_camera_move_from_string (const char *str, ReelCameraMove *move);
/* Translated, human-readable label ("Pan left"). */
const char *reel_camera_move_get_label (ReelCameraMove move);

/* A caption is a line of dialogue (or a parenthetical) attached to a shot. */
typedef struct
{
  char    *speaker; /* may be NULL for narration */
  char    *text;
  gboolean parenthetical;
} ReelCaption;

#define REEL_TYPE_CAPTION (reel_caption_get_type ())
GType        reel_caption_get_type (void) G_GNUC_CONST;
ReelCaption *reel_caption_new (const char *speaker, const char *text, gboolean parenthetical);
ReelCaption *reel_caption_copy (const ReelCaption *caption);
void         reel_caption_free (ReelCaption *caption);
gboolean     reel_caption_equal (const ReelCaption *a, const ReelCaption *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelCaption, reel_caption_free)

/* Shot labels: scene number + letters, "1A", "1B", …, "1Z", "1AA". */
char *reel_format_shot_number (const char *scene_number, guint index_in_scene);

G_END_DECLS
