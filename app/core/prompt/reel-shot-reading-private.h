/* reel-shot-reading-private.h: the fields ReelShotReader fills in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-shot-reading.h"

G_BEGIN_DECLS

struct _ReelShotReading
{
  GObject        parent_instance;
  char         **subjects;
  char          *action;
  char          *setting;
  char          *time_of_day;
  char         **mood;
  char         **style;
  char         **framing;
  ReelCameraMove camera;
  gboolean       names_camera;
};

/* An empty reading, for the reader to fill in before anyone else sees it. */
ReelShotReading *reel_shot_reading_new (void);

G_END_DECLS
