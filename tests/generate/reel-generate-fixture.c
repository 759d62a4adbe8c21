/* reel-generate-fixture.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "reel-generate-fixture.h"

#include "reel-animatic.h"
#include "reel-test-utils.h"

void
reel_generate_fixture_render_clip (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelAnimaticSpec) spec = reel_animatic_spec_new ();

  spec->width = 64;
  spec->height = 36;
  spec->fps = 8;
  spec->duration = 0.5;
  g_assert_true (reel_animatic_render (spec, path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

ReelProject *
reel_generate_fixture_create_project (const char *dir,
                                      const char *file_name,
                                      guint       fps,
                                      const char *script)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  ReelProject *project = reel_project_create (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (reel_project_set_resolution (project, 64, 36, &error));
  if (fps != 0)
    g_assert_true (reel_project_set_fps (project, fps, &error));
  g_assert_true (reel_project_set_script (project, script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  return project;
}

GArray *
reel_generate_fixture_dup_shot_ids (ReelProject *project, guint n_shots)
{
  GArray     *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GListModel *shots = reel_project_get_shots (project);

  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, n_shots);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      gint64 id = reel_shot_get_id (shot);

      g_array_append_val (ids, id);
    }
  return ids;
}

static void
idle_cb (ReelScheduler *scheduler, gboolean *idle)
{
  *idle = TRUE;
}

ReelScheduler *
reel_generate_fixture_new_scheduler (ReelProject *project, ReelBackend *backend, gboolean *idle)
{
  ReelScheduler *scheduler = reel_scheduler_new (project);

  reel_scheduler_add_backend (scheduler, backend);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), idle);
  return scheduler;
}

void
reel_generate_fixture_stop_scheduler (ReelScheduler **scheduler)
{
  if (*scheduler != NULL)
    reel_scheduler_shutdown (*scheduler);
  g_clear_object (scheduler);
}

void
reel_generate_fixture_wait_idle (gboolean *idle)
{
  *idle = FALSE;
  reel_test_wait_until (reel_test_flag_is_set, idle, 30000, "the scheduler to be idle");
}
