/* reel-scene-row.h: a scene in the sidebar: number, heading, shot count
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-scene.h"

G_BEGIN_DECLS

#define REEL_TYPE_SCENE_ROW (reel_scene_row_get_type ())
G_DECLARE_FINAL_TYPE (ReelSceneRow, reel_scene_row, REEL, SCENE_ROW, GtkWidget)

GtkWidget *reel_scene_row_new (void);
void       reel_scene_row_set_scene (ReelSceneRow *self, ReelScene *scene);
ReelScene *reel_scene_row_get_scene (ReelSceneRow *self);

G_END_DECLS
