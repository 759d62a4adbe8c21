/* reel-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "reel-types.h"

const char *
reel_enum_to_nick (GType type, int value, const char *fallback)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  /* The nicks are static strings of the generated type: they outlive the class reference. */
  return enum_value != NULL ? enum_value->value_nick : fallback;
}

gboolean
reel_enum_from_nick (GType type, const char *nick, int *value)
{
  g_autoptr (GEnumClass) klass = NULL;
  g_autofree char *lower = NULL;
  GEnumValue      *enum_value;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (type);
  lower = g_ascii_strdown (nick, -1);
  enum_value = g_enum_get_value_by_nick (klass, lower);
  if (enum_value == NULL)
    return FALSE;

  if (value != NULL)
    *value = enum_value->value;
  return TRUE;
}

const char *
reel_camera_move_to_string (ReelCameraMove move)
{
  return reel_enum_to_nick (REEL_TYPE_CAMERA_MOVE, move, "static");
}

gboolean
reel_camera_move_from_string (const char *str, ReelCameraMove *move)
{
  int value;

  if (!reel_enum_from_nick (REEL_TYPE_CAMERA_MOVE, str, &value))
    return FALSE;
  *move = (ReelCameraMove) value;
  return TRUE;
}

const char *
reel_camera_move_get_label (ReelCameraMove move)
{
  switch (move)
    {
      case REEL_CAMERA_PAN_LEFT:
        return _ ("Pan left");
      case REEL_CAMERA_PAN_RIGHT:
        return _ ("Pan right");
      case REEL_CAMERA_TILT_UP:
        return _ ("Tilt up");
      case REEL_CAMERA_TILT_DOWN:
        return _ ("Tilt down");
      case REEL_CAMERA_PUSH_IN:
        return _ ("Push in");
      case REEL_CAMERA_PULL_OUT:
        return _ ("Pull out");
      case REEL_CAMERA_STATIC:
      case REEL_N_CAMERA_MOVES:
      default:
        return _ ("Static");
    }
}

G_DEFINE_BOXED_TYPE (ReelCaption, reel_caption, reel_caption_copy, reel_caption_free)

ReelCaption *
reel_caption_new (const char *speaker, const char *text, gboolean parenthetical)
{
  ReelCaption *caption = g_new0 (ReelCaption, 1);

  caption->speaker = (speaker != NULL && *speaker != '\0') ? g_strdup (speaker) : NULL;
  caption->text = g_strdup (text != NULL ? text : "");
  caption->parenthetical = !!parenthetical;

  return caption;
}

ReelCaption *
reel_caption_copy (const ReelCaption *caption)
{
  return reel_caption_new (caption->speaker, caption->text, caption->parenthetical);
}

void
reel_caption_free (ReelCaption *caption)
{
  if (caption == NULL)
    return;

  g_free (caption->speaker);
  g_free (caption->text);
  g_free (caption);
}

gboolean
reel_caption_equal (const ReelCaption *a, const ReelCaption *b)
{
  return g_strcmp0 (a->speaker, b->speaker) == 0 && g_strcmp0 (a->text, b->text) == 0
         && a->parenthetical == b->parenthetical;
}

char *
reel_format_shot_number (const char *scene_number, guint index_in_scene)
{
  GString *letters = g_string_new (NULL);
  guint    n = index_in_scene + 1;

  /* Bijective base 26: A … Z, AA, AB, … as script supervisors letter shots. */
  while (n > 0)
    {
      n--;
      g_string_prepend_c (letters, 'A' + (n % 26));
      n /= 26;
    }

  g_string_prepend (letters, scene_number != NULL ? scene_number : "");
  return g_string_free (letters, FALSE);
}
