/* reel-shot-reader.h: reads a shot's text into the fields of a ReelShotReading
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-plan.h"
#include "reel-shot-reading.h"

G_BEGIN_DECLS

#define REEL_TYPE_SHOT_READER (reel_shot_reader_get_type ())
G_DECLARE_FINAL_TYPE (ReelShotReader, reel_shot_reader, REEL, SHOT_READER, GObject)

/* Reads the vocabularies (data/prompt, extended by the user's files): fails only when a user's
 * file cannot be read. The reader is immutable, so one may serve many shots and threads. */
ReelShotReader *reel_shot_reader_new (GError **error);

/* @heading: the scene heading ("INT. KITCHEN - NIGHT", "内景 厨房 夜"), or NULL.
 * @characters: (nullable) (array zero-terminated=1): names the project knows. */
ReelShotReading *reel_shot_reader_read (ReelShotReader    *self,
                                        const char        *text,
                                        const char        *heading,
                                        const char *const *characters);

/* The camera move @text names explicitly ("PANS LEFT", "the camera pushes in", "镜头推进",
 * "右摇"). Returns FALSE, leaving @move alone, when it names none; "She pulls out a map" and
 * "小船左摇右晃" name none. */
gboolean
reel_shot_reader_guess_camera (ReelShotReader *self, const char *text, ReelCameraMove *move);

/* Sets the camera of each shot of @plan that names one, and its camera_explicit. */
void reel_shot_reader_guess_plan_cameras (ReelShotReader *self, ReelPlan *plan);

G_END_DECLS
