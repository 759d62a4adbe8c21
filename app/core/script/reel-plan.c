/* reel-plan.c: the plain structs a script breakdown produces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-script"

#include "config.h"

#include "reel-plan.h"

ReelPlan *
reel_plan_new (void)
{
  ReelPlan *plan = g_new0 (ReelPlan, 1);

  plan->title_page = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  plan->scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_plan_scene_free);
  plan->characters = g_ptr_array_new_with_free_func (g_free);
  plan->fountain = TRUE;
  plan->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_plan_warning_free);

  return plan;
}

void
reel_plan_free (ReelPlan *plan)
{
  if (plan == NULL)
    return;

  g_free (plan->title);
  g_clear_pointer (&plan->title_page, g_hash_table_unref);
  g_clear_pointer (&plan->scenes, g_ptr_array_unref);
  g_clear_pointer (&plan->characters, g_ptr_array_unref);
  g_clear_pointer (&plan->warnings, g_ptr_array_unref);
  g_free (plan);
}

void
reel_plan_add_warning (ReelPlan *plan, guint line, const char *name, char *message)
{
  ReelPlanWarning *warning = g_new0 (ReelPlanWarning, 1);

  g_return_if_fail (plan != NULL && message != NULL);

  warning->line = line;
  warning->name = g_strdup (name);
  warning->message = message;
  g_ptr_array_add (plan->warnings, warning);
}

void
reel_plan_warning_free (ReelPlanWarning *warning)
{
  if (warning == NULL)
    return;

  g_free (warning->name);
  g_free (warning->message);
  g_free (warning);
}

ReelPlanScene *
reel_plan_scene_new (const char *heading)
{
  ReelPlanScene *scene = g_new0 (ReelPlanScene, 1);

  /* Never NULL, so the project can store it without a special case: an implicit scene has "". */
  scene->heading = g_strdup (heading != NULL ? heading : "");
  scene->shots = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_plan_shot_free);

  return scene;
}

void
reel_plan_scene_free (ReelPlanScene *scene)
{
  if (scene == NULL)
    return;

  g_free (scene->heading);
  g_free (scene->number);
  g_clear_pointer (&scene->shots, g_ptr_array_unref);
  g_free (scene);
}

ReelPlanShot *
reel_plan_shot_new (const char *text)
{
  ReelPlanShot *shot = g_new0 (ReelPlanShot, 1);

  shot->text = g_strdup (text != NULL ? text : "");
  shot->captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  shot->camera = REEL_CAMERA_STATIC;
  shot->camera_explicit = FALSE;

  return shot;
}

void
reel_plan_shot_free (ReelPlanShot *shot)
{
  if (shot == NULL)
    return;

  g_free (shot->text);
  g_clear_pointer (&shot->captions, g_ptr_array_unref);
  g_free (shot);
}

guint
reel_plan_count_shots (const ReelPlan *plan)
{
  guint n = 0;

  g_return_val_if_fail (plan != NULL, 0);

  for (guint i = 0; i < plan->scenes->len; i++)
    {
      const ReelPlanScene *scene = g_ptr_array_index (plan->scenes, i);
      n += scene->shots->len;
    }

  return n;
}
