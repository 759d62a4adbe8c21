/* reel-scene.h: a scene of the plan, as last read from the project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define REEL_TYPE_SCENE (reel_scene_get_type ())
G_DECLARE_FINAL_TYPE (ReelScene, reel_scene, REEL, SCENE, GObject)

gint64      reel_scene_get_id (ReelScene *self);
guint       reel_scene_get_position (ReelScene *self);
const char *reel_scene_get_number (ReelScene *self);
const char *reel_scene_get_heading (ReelScene *self);
guint       reel_scene_get_n_shots (ReelScene *self);

G_END_DECLS
