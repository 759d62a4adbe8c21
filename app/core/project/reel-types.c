/* reel-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "reel-types.h"

static const GEnumValue camera_move_values[] = {
  { REEL_CAMERA_STATIC, "REEL_CAMERA_STATIC", "static" },
  { REEL_CAMERA_PAN_LEFT, "REEL_CAMERA_PAN_LEFT", "pan-left" },
  { REEL_CAMERA_PAN_RIGHT, "REEL_CAMERA_PAN_RIGHT", "pan-right" },
  { REEL_CAMERA_TILT_UP, "REEL_CAMERA_TILT_UP", "tilt-up" },
  { REEL_CAMERA_TILT_DOWN, "REEL_CAMERA_TILT_DOWN", "tilt-down" },
  { REEL_CAMERA_PUSH_IN, "REEL_CAMERA_PUSH_IN", "push-in" },
  { REEL_CAMERA_PULL_OUT, "REEL_CAMERA_PULL_OUT", "pull-out" },
  { 0, NULL, NULL },
};

GType
reel_camera_move_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type
          = g_enum_register_static (g_intern_static_string ("ReelCameraMove"), camera_move_values);
      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

const char *
reel_camera_move_to_string (ReelCameraMove move)
{
  if (move >= REEL_N_CAMERA_MOVES)
    move = REEL_CAMERA_STATIC;
  return camera_move_values[move].value_nick;
}

gboolean
reel_camera_move_from_string (const char *str, ReelCameraMove *move)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < REEL_N_CAMERA_MOVES; i++)
    {
      if (g_ascii_strcasecmp (str, camera_move_values[i].value_nick) == 0)
        {
          *move = (ReelCameraMove) i;
          return TRUE;
        }
    }

  return FALSE;
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
