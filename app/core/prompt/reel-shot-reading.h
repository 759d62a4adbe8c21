/* reel-shot-reading.h: what a shot's text says, field by field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "reel-types.h"

G_BEGIN_DECLS

#define REEL_TYPE_SHOT_READING (reel_shot_reading_get_type ())
G_DECLARE_FINAL_TYPE (ReelShotReading, reel_shot_reading, REEL, SHOT_READING, GObject)

/* Who or what is in the shot: characters' names and nouns such as "girl", "小狗". */
const char *const *reel_shot_reading_get_subjects (ReelShotReading *self);
/* A short phrase from the text, from its first verb: "slams the door", "打开窗户"; or NULL. */
const char *reel_shot_reading_get_action (ReelShotReading *self);
/* Where: the scene heading's place ("kitchen", "厨房"), else a place the text names; or NULL. */
const char *reel_shot_reading_get_setting (ReelShotReading *self);
/* "night", "dawn", "day", …: from the text, else the scene heading; or NULL. */
const char        *reel_shot_reading_get_time_of_day (ReelShotReading *self);
const char *const *reel_shot_reading_get_mood (ReelShotReading *self);
const char *const *reel_shot_reading_get_style (ReelShotReading *self);
/* Shot sizes and angles: "close-up", "wide shot", "high angle", … */
const char *const *reel_shot_reading_get_framing (ReelShotReading *self);
/* The first camera move the text names, or STATIC; see reel_shot_reading_names_camera(). */
ReelCameraMove reel_shot_reading_get_camera (ReelShotReading *self);
/* Whether the text names a camera move (a still camera, "固定镜头", is one). */
gboolean reel_shot_reading_names_camera (ReelShotReading *self);

G_END_DECLS
