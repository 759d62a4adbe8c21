/* reel-shot.h: a shot of the plan, as last read from the project
 *
 * ReelShot objects are owned by ReelProject, which keeps one object per shot id
 * for the life of the project and updates its properties after every change, so
 * widgets can bind to them. They are read-only to everyone else: edits go
 * through ReelProject.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-types.h"

G_BEGIN_DECLS

#define REEL_TYPE_SHOT (reel_shot_get_type ())
G_DECLARE_FINAL_TYPE (ReelShot, reel_shot, REEL, SHOT, GObject)

gint64         reel_shot_get_id (ReelShot *self);
gint64         reel_shot_get_scene_id (ReelShot *self);
guint          reel_shot_get_position (ReelShot *self); /* 0-based index in the film */
const char    *reel_shot_get_number (ReelShot *self);   /* "1A" */
const char    *reel_shot_get_scene_heading (ReelShot *self);
const char    *reel_shot_get_text (ReelShot *self);
double         reel_shot_get_duration (ReelShot *self); /* seconds */
ReelCameraMove reel_shot_get_camera (ReelShot *self);
GPtrArray     *reel_shot_get_captions (ReelShot *self);       /* (transfer none) ReelCaption* */
char          *reel_shot_dup_captions_text (ReelShot *self);  /* "SPEAKER: line\n…" */
gint64         reel_shot_get_chosen_take_id (ReelShot *self); /* 0 when none */
guint          reel_shot_get_n_takes (ReelShot *self);
const char    *reel_shot_get_board_image (ReelShot *self); /* media path or NULL */
const char *reel_shot_get_status (ReelShot *self); /* "", "queued", "running", "failed", "done" */
double      reel_shot_get_progress (ReelShot *self);
const char *reel_shot_get_status_message (ReelShot *self);

G_END_DECLS
