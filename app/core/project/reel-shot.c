/* reel-shot.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include "reel-shot-private.h"

struct _ReelShot
{
  GObject      parent_instance;
  ReelShotData data;
};

G_DEFINE_FINAL_TYPE (ReelShot, reel_shot, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_SCENE_ID,
  PROP_POSITION,
  PROP_NUMBER,
  PROP_SCENE_HEADING,
  PROP_TEXT,
  PROP_DURATION,
  PROP_CAMERA,
  PROP_CAPTIONS,
  PROP_CHOSEN_TAKE_ID,
  PROP_N_TAKES,
  PROP_BOARD_IMAGE,
  PROP_STATUS,
  PROP_PROGRESS,
  PROP_STATUS_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
reel_shot_data_clear (ReelShotData *data)
{
  g_clear_pointer (&data->number, g_free);
  g_clear_pointer (&data->scene_heading, g_free);
  g_clear_pointer (&data->text, g_free);
  g_clear_pointer (&data->captions, g_ptr_array_unref);
  g_clear_pointer (&data->board_image, g_free);
  g_clear_pointer (&data->status, g_free);
  g_clear_pointer (&data->status_message, g_free);
}

static void
reel_shot_finalize (GObject *object)
{
  ReelShot *self = REEL_SHOT (object);

  reel_shot_data_clear (&self->data);

  G_OBJECT_CLASS (reel_shot_parent_class)->finalize (object);
}

static void
reel_shot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelShot *self = REEL_SHOT (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_int64 (value, self->data.id);
        break;
      case PROP_SCENE_ID:
        g_value_set_int64 (value, self->data.scene_id);
        break;
      case PROP_POSITION:
        g_value_set_uint (value, self->data.position);
        break;
      case PROP_NUMBER:
        g_value_set_string (value, self->data.number);
        break;
      case PROP_SCENE_HEADING:
        g_value_set_string (value, self->data.scene_heading);
        break;
      case PROP_TEXT:
        g_value_set_string (value, self->data.text);
        break;
      case PROP_DURATION:
        g_value_set_double (value, self->data.duration);
        break;
      case PROP_CAMERA:
        g_value_set_enum (value, self->data.camera);
        break;
      case PROP_CAPTIONS:
        g_value_take_string (value, reel_shot_dup_captions_text (self));
        break;
      case PROP_CHOSEN_TAKE_ID:
        g_value_set_int64 (value, self->data.chosen_take_id);
        break;
      case PROP_N_TAKES:
        g_value_set_uint (value, self->data.n_takes);
        break;
      case PROP_BOARD_IMAGE:
        g_value_set_string (value, self->data.board_image);
        break;
      case PROP_STATUS:
        g_value_set_string (value, self->data.status);
        break;
      case PROP_PROGRESS:
        g_value_set_double (value, self->data.progress);
        break;
      case PROP_STATUS_MESSAGE:
        g_value_set_string (value, self->data.status_message);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_shot_class_init (ReelShotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = reel_shot_finalize;
  object_class->get_property = reel_shot_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SCENE_ID] = g_param_spec_int64 ("scene-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_POSITION] = g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL, flags);
  properties[PROP_SCENE_HEADING] = g_param_spec_string ("scene-heading", NULL, NULL, NULL, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  properties[PROP_DURATION]
      = g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_CAMERA]
      = g_param_spec_enum ("camera", NULL, NULL, REEL_TYPE_CAMERA_MOVE, REEL_CAMERA_STATIC, flags);
  /* The captions as "SPEAKER: line" text, one caption a line. */
  properties[PROP_CAPTIONS] = g_param_spec_string ("captions", NULL, NULL, NULL, flags);
  properties[PROP_CHOSEN_TAKE_ID]
      = g_param_spec_int64 ("chosen-take-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_N_TAKES] = g_param_spec_uint ("n-takes", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_BOARD_IMAGE] = g_param_spec_string ("board-image", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_STATUS_MESSAGE] = g_param_spec_string ("status-message", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
reel_shot_init (ReelShot *self)
{
  self->data.captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  self->data.status = g_strdup ("");
}

ReelShot *
reel_shot_new (gint64 id)
{
  ReelShot *self = g_object_new (REEL_TYPE_SHOT, NULL);

  self->data.id = id;
  return self;
}

static gboolean
captions_equal (GPtrArray *a, GPtrArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!reel_caption_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

#define UPDATE_STRING(field, prop)                                                                 \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (g_strcmp0 (self->data.field, data->field) != 0)                                            \
      {                                                                                            \
        g_free (self->data.field);                                                                 \
        self->data.field = g_strdup (data->field);                                                 \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);                              \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

#define UPDATE_VALUE(field, prop)                                                                  \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (self->data.field != data->field)                                                           \
      {                                                                                            \
        self->data.field = data->field;                                                            \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);                              \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

/* Copies @data in and notifies only the properties whose value changed, so a
 * widget editing one field is not disturbed by a refresh of the others. */
void
reel_shot_update (ReelShot *self, const ReelShotData *data)
{
  g_return_if_fail (REEL_IS_SHOT (self));
  g_return_if_fail (data->id == self->data.id);

  g_object_freeze_notify (G_OBJECT (self));

  UPDATE_VALUE (scene_id, PROP_SCENE_ID);
  UPDATE_VALUE (position, PROP_POSITION);
  UPDATE_STRING (number, PROP_NUMBER);
  UPDATE_STRING (scene_heading, PROP_SCENE_HEADING);
  UPDATE_STRING (text, PROP_TEXT);
  UPDATE_VALUE (duration, PROP_DURATION);
  UPDATE_VALUE (camera, PROP_CAMERA);
  UPDATE_VALUE (chosen_take_id, PROP_CHOSEN_TAKE_ID);
  UPDATE_VALUE (n_takes, PROP_N_TAKES);
  UPDATE_STRING (board_image, PROP_BOARD_IMAGE);
  UPDATE_STRING (status, PROP_STATUS);
  UPDATE_VALUE (progress, PROP_PROGRESS);
  UPDATE_STRING (status_message, PROP_STATUS_MESSAGE);

  if (!captions_equal (self->data.captions, data->captions))
    {
      g_ptr_array_set_size (self->data.captions, 0);
      for (guint i = 0; data->captions != NULL && i < data->captions->len; i++)
        g_ptr_array_add (self->data.captions,
                         reel_caption_copy (g_ptr_array_index (data->captions, i)));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPTIONS]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

gint64
reel_shot_get_id (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), 0);
  return self->data.id;
}

gint64
reel_shot_get_scene_id (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), 0);
  return self->data.scene_id;
}

guint
reel_shot_get_position (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), 0);
  return self->data.position;
}

const char *
reel_shot_get_number (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), NULL);
  return self->data.number;
}

const char *
reel_shot_get_scene_heading (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), NULL);
  return self->data.scene_heading;
}

const char *
reel_shot_get_text (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), NULL);
  return self->data.text;
}

double
reel_shot_get_duration (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), 0);
  return self->data.duration;
}

ReelCameraMove
reel_shot_get_camera (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), REEL_CAMERA_STATIC);
  return self->data.camera;
}

GPtrArray *
reel_shot_get_captions (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), NULL);
  return self->data.captions;
}

char *
reel_shot_dup_captions_text (ReelShot *self)
{
  GString *str = g_string_new (NULL);

  g_return_val_if_fail (REEL_IS_SHOT (self), NULL);

  for (guint i = 0; i < self->data.captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (self->data.captions, i);

      if (i > 0)
        g_string_append_c (str, '\n');
      if (caption->speaker != NULL)
        g_string_append_printf (str, "%s: ", caption->speaker);
      if (caption->parenthetical)
        g_string_append_printf (str, "(%s)", caption->text);
      else
        g_string_append (str, caption->text);
    }

  return g_string_free (str, FALSE);
}

gint64
reel_shot_get_chosen_take_id (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), 0);
  return self->data.chosen_take_id;
}

guint
reel_shot_get_n_takes (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), 0);
  return self->data.n_takes;
}

const char *
reel_shot_get_board_image (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), NULL);
  return self->data.board_image;
}

const char *
reel_shot_get_status (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), NULL);
  return self->data.status;
}

double
reel_shot_get_progress (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), 0);
  return self->data.progress;
}

const char *
reel_shot_get_status_message (ReelShot *self)
{
  g_return_val_if_fail (REEL_IS_SHOT (self), NULL);
  return self->data.status_message;
}

void
reel_shot_set_live_status (ReelShot *self, const char *status, double progress, const char *message)
{
  ReelShotData data = self->data;

  g_return_if_fail (REEL_IS_SHOT (self));

  /* Only the status fields differ; the rest is compared against itself. */
  data.status = (char *) status;
  data.progress = CLAMP (progress, 0.0, 1.0);
  data.status_message = (char *) message;
  data.captions = NULL;
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->data.status, status) != 0)
    {
      g_free (self->data.status);
      self->data.status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (self->data.progress != data.progress)
    {
      self->data.progress = data.progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  if (g_strcmp0 (self->data.status_message, message) != 0)
    {
      g_free (self->data.status_message);
      self->data.status_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_MESSAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
reel_shot_update_takes (ReelShot   *self,
                        gint64      chosen_take_id,
                        guint       n_takes,
                        const char *board_image)
{
  g_return_if_fail (REEL_IS_SHOT (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->data.chosen_take_id != chosen_take_id)
    {
      self->data.chosen_take_id = chosen_take_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHOSEN_TAKE_ID]);
    }
  if (self->data.n_takes != n_takes)
    {
      self->data.n_takes = n_takes;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TAKES]);
    }
  if (g_strcmp0 (self->data.board_image, board_image) != 0)
    {
      g_free (self->data.board_image);
      self->data.board_image = g_strdup (board_image);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOARD_IMAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
