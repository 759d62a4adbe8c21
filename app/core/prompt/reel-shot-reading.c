/* reel-shot-reading.c: what a shot's text says, field by field
 *
 * Immutable once ReelShotReader has made it, so readings may be shared between threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-prompt"

#include "config.h"

#include "reel-shot-reading-private.h"

G_DEFINE_FINAL_TYPE (ReelShotReading, reel_shot_reading, G_TYPE_OBJECT)

static const char *const no_words[] = { NULL };

static void
reel_shot_reading_finalize (GObject *object)
{
  ReelShotReading *self = REEL_SHOT_READING (object);

  g_strfreev (self->subjects);
  g_free (self->action);
  g_free (self->setting);
  g_free (self->time_of_day);
  g_strfreev (self->mood);
  g_strfreev (self->style);
  g_strfreev (self->framing);

  G_OBJECT_CLASS (reel_shot_reading_parent_class)->finalize (object);
}

static void
reel_shot_reading_class_init (ReelShotReadingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_shot_reading_finalize;
}

static void
reel_shot_reading_init (ReelShotReading *self)
{
  self->camera = REEL_CAMERA_STATIC;
}

ReelShotReading *
reel_shot_reading_new (void)
{
  return g_object_new (REEL_TYPE_SHOT_READING, NULL);
}

const char *const *
reel_shot_reading_get_subjects (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), NULL);
  return self->subjects != NULL ? (const char *const *) self->subjects : no_words;
}

const char *
reel_shot_reading_get_action (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), NULL);
  return self->action;
}

const char *
reel_shot_reading_get_setting (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), NULL);
  return self->setting;
}

const char *
reel_shot_reading_get_time_of_day (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), NULL);
  return self->time_of_day;
}

const char *const *
reel_shot_reading_get_mood (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), NULL);
  return self->mood != NULL ? (const char *const *) self->mood : no_words;
}

const char *const *
reel_shot_reading_get_style (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), NULL);
  return self->style != NULL ? (const char *const *) self->style : no_words;
}

const char *const *
reel_shot_reading_get_framing (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), NULL);
  return self->framing != NULL ? (const char *const *) self->framing : no_words;
}

ReelCameraMove
reel_shot_reading_get_camera (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), REEL_CAMERA_STATIC);
  return self->camera;
}

gboolean
reel_shot_reading_names_camera (ReelShotReading *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_READING (self), FALSE);
  return self->names_camera;
}
