/* reel-scene-private.h: for ReelProject only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-scene.h"

G_BEGIN_DECLS

ReelScene *reel_scene_new (gint64 id);
void       reel_scene_update (
          ReelScene *self, guint position, const char *number, const char *heading, guint n_shots);

G_END_DECLS
