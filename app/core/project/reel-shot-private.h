/* reel-shot-private.h: for ReelProject only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-shot.h"

G_BEGIN_DECLS

typedef struct
{
  gint64         id;
  gint64         scene_id;
  guint          position;
  char          *number;
  char          *scene_heading;
  char          *text;
  double         duration;
  ReelCameraMove camera;
  GPtrArray     *captions;
  gint64         chosen_take_id;
  guint          n_takes;
  char          *board_image;
  char          *status;
  double         progress;
  char          *status_message;
} ReelShotData;

ReelShot *reel_shot_new (gint64 id);
void      reel_shot_update (ReelShot *self, const ReelShotData *data);
void      reel_shot_data_clear (ReelShotData *data);
/* Takes and the latest job's state, after a change that touched only those. */
void reel_shot_update_takes (ReelShot   *self,
                             gint64      chosen_take_id,
                             guint       n_takes,
                             const char *board_image);
/* Live generation status, shown without a database read. */
void reel_shot_set_live_status (ReelShot   *self,
                                const char *status,
                                double      progress,
                                const char *message);

G_END_DECLS
