/* reel-scene.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include "reel-scene-private.h"

struct _ReelScene
{
  GObject parent_instance;

  gint64 id;
  guint  position;
  char  *number;
  char  *heading;
  guint  n_shots;
};

G_DEFINE_FINAL_TYPE (ReelScene, reel_scene, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_POSITION,
  PROP_NUMBER,
  PROP_HEADING,
  PROP_N_SHOTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
reel_scene_finalize (GObject *object)
{
  ReelScene *self = REEL_SCENE (object);

  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->heading, g_free);

  G_OBJECT_CLASS (reel_scene_parent_class)->finalize (object);
}

static void
reel_scene_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelScene *self = REEL_SCENE (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case PROP_POSITION:
        g_value_set_uint (value, self->position);
        break;
      case PROP_NUMBER:
        g_value_set_string (value, self->number);
        break;
      case PROP_HEADING:
        g_value_set_string (value, self->heading);
        break;
      case PROP_N_SHOTS:
        g_value_set_uint (value, self->n_shots);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_scene_class_init (ReelSceneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reel_scene_finalize;
  object_class->get_property = reel_scene_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] = g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NUMBER]
      = g_param_spec_string ("number", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEADING] = g_param_spec_string ("heading", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SHOTS] = g_param_spec_uint ("n-shots", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
reel_scene_init (ReelScene *self)
{
}

ReelScene *
reel_scene_new (gint64 id)
{
  ReelScene *self = g_object_new (REEL_TYPE_SCENE, NULL);

  self->id = id;
  return self;
}

static void
set_string (ReelScene *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
reel_scene_update (
    ReelScene *self, guint position, const char *number, const char *heading, guint n_shots)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (self->position != position)
    {
      self->position = position;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }
  set_string (self, &self->number, number, PROP_NUMBER);
  set_string (self, &self->heading, heading, PROP_HEADING);
  if (self->n_shots != n_shots)
    {
      self->n_shots = n_shots;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOTS]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

gint64
reel_scene_get_id (ReelScene *self)
{
  g_return_val_if_fail (REEL_IS_SCENE (self), 0);
  return self->id;
}

guint
reel_scene_get_position (ReelScene *self)
{
  g_return_val_if_fail (REEL_IS_SCENE (self), 0);
  return self->position;
}

const char *
reel_scene_get_number (ReelScene *self)
{
  g_return_val_if_fail (REEL_IS_SCENE (self), NULL);
  return self->number;
}

const char *
reel_scene_get_heading (ReelScene *self)
{
  g_return_val_if_fail (REEL_IS_SCENE (self), NULL);
  return self->heading;
}

guint
reel_scene_get_n_shots (ReelScene *self)
{
  g_return_val_if_fail (REEL_IS_SCENE (self), 0);
  return self->n_shots;
}
