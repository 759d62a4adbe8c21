/* test-prompt-jobs.c: what generation sends is the final prompt the shot shows
 *
 * A real project and the real scheduler, once with the test backend and once
 * with the Model Studio backend against its fake: the request a job freezes,
 * the body the service receives and the take that records it all hold the
 * final prompt that reel_project_dup_shot_prompt() (the card, `storyreel
 * inspect`) shows, with the project's negative prompt; a shot without a
 * board starts from the picture of the character it shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "fake-dashscope.h"
#include "reel-dashscope-backend.h"
#include "reel-generate-fixture.h"
#include "reel-project-jobs.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"

#define DASHSCOPE_KEY "sk-5d2e8b1f9c4a47e3a6b0d8c2e4f6a1b3"
#define TIMEOUT_MS 30000

static const char script[] = "INT. LAB - DAY\n\n"
                             "Mara lifts the flask.\n\n"
                             "She smiles.\n\n"
                             "Sparks fly.\n";

typedef struct
{
  char          *dir;
  ReelProject   *project;
  ReelScheduler *scheduler;
  GArray        *shot_ids;
  gboolean       idle;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) aliases = g_strsplit ("Dr. Mara Quist", ",", -1);
  ReelCharacter mara = { .name = (char *) "Mara",
                         .description = (char *) "a chemist in a white coat and goggles",
                         .aliases = aliases,
                         .pronoun = (char *) "she",
                         .reference_image = (char *) "refs/mara.png" };

  fixture->dir = reel_test_make_tmpdir ();
  fixture->project
      = reel_generate_fixture_create_project (fixture->dir, "Lab.storyreel", 0, script);
  g_assert_cmpint (reel_project_save_character (fixture->project, &mara, &error), >, 0);
  g_assert_true (reel_project_set_style (fixture->project, "watercolour", &error));
  g_assert_true (reel_project_set_negative_prompt (fixture->project, "blurry, watermark", &error));
  g_assert_no_error (error);

  fixture->shot_ids = reel_generate_fixture_dup_shot_ids (fixture->project, 3);
  /* The third shot says what to send in the user's own words. */
  g_assert_true (reel_project_set_shot_prompt_override (
      fixture->project, g_array_index (fixture->shot_ids, gint64, 2),
      "Macro shot: orange sparks rain onto a steel bench.", &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_generate_fixture_stop_scheduler (&fixture->scheduler);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->project);
  g_clear_pointer (&fixture->shot_ids, g_array_unref);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

/* Generates every shot on @backend and waits for the jobs to end. */
static void
generate_all (Fixture *fixture, const char *backend)
{
  g_autoptr (GError) error = NULL;
  gint64 batch = reel_scheduler_generate (fixture->scheduler, NULL, 0,
                                          &(ReelGenerateOptions){ .backend = backend }, &error);

  g_assert_no_error (error);
  g_assert_cmpint (batch, >, 0);
  fixture->idle = FALSE;
  reel_test_wait_until (reel_test_flag_is_set, &fixture->idle, TIMEOUT_MS, "every job to end");
}

static ReelJobRecord *
job_of (Fixture *fixture, gint64 shot_id)
{
  g_autoptr (GPtrArray) jobs = reel_project_list_jobs (fixture->project, FALSE);

  for (guint i = 0; i < jobs->len; i++)
    if (((ReelJobRecord *) jobs->pdata[i])->shot_id == shot_id)
      return g_ptr_array_steal_index (jobs, i);
  g_error ("Shot %" G_GINT64_FORMAT " has no job", shot_id);
}

/* The shot's take records exactly the prompt the shot shows, which its job asked for. */
static void
assert_take_records (Fixture *fixture, gint64 shot_id, const ReelShotPrompt *shown)
{
  ReelShot *shot = reel_project_lookup_shot (fixture->project, shot_id);
  g_autoptr (ReelTake) take
      = reel_project_get_take (fixture->project, reel_shot_get_chosen_take_id (shot));
  g_autoptr (ReelJobRecord) job = job_of (fixture, shot_id);
  g_autoptr (ReelJobRequest) request = reel_job_request_new_from_json (job->request, NULL);

  g_assert_nonnull (take);
  g_assert_nonnull (request);
  g_assert_cmpstr (request->prompt, ==, shown->prompt);
  g_assert_cmpstr (request->negative_prompt, ==, "blurry, watermark");
  g_assert_cmpstr (take->prompt, ==, shown->prompt);
}

static void
test_test_backend (Fixture *fixture, gconstpointer data)
{
  g_autofree char *clip = g_build_filename (fixture->dir, "clip.mp4", NULL);
  g_autoptr (ReelTestBackend) backend = NULL;
  g_autofree char *reference = NULL;
  g_autoptr (GPtrArray) characters = reel_project_list_characters (fixture->project);
  const ReelCharacter *mara = g_ptr_array_index (characters, 0);
  ReelTake            *take = NULL;
  gint64               source_id;

  reel_generate_fixture_render_clip (clip);
  backend = reel_test_backend_new (clip, 0.01, 2);
  fixture->scheduler = reel_generate_fixture_new_scheduler (fixture->project,
                                                            REEL_BACKEND (backend), &fixture->idle);
  generate_all (fixture, "test");

  reference = reel_project_get_media_path (fixture->project, "refs/mara.png");
  for (guint i = 0; i < fixture->shot_ids->len; i++)
    {
      gint64 id = g_array_index (fixture->shot_ids, gint64, i);
      g_autoptr (ReelShotPrompt) shown = reel_project_dup_shot_prompt (fixture->project, id);
      g_autoptr (ReelJobRecord) job = job_of (fixture, id);
      g_autoptr (ReelJobRequest) request = reel_job_request_new_from_json (job->request, NULL);

      assert_take_records (fixture, id, shown);
      /* Mara's shots (by name, then by "She") start from her picture; the third does not. */
      g_assert_cmpstr (request->start_image, ==, i < 2 ? reference : NULL);
      /* Their takes say so. */
      take = reel_project_get_take (
          fixture->project,
          reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, id)));
      g_assert_cmpint (reel_take_get_start (take, &source_id), ==,
                       i < 2 ? REEL_TAKE_START_CHARACTER : REEL_TAKE_START_NONE);
      g_assert_cmpint (source_id, ==, i < 2 ? mara->id : 0);
      g_clear_pointer (&take, reel_take_free);
    }
}

static void
test_dashscope (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) video = reel_fake_make_video ();
  g_autoptr (ReelFakeDashscope) dashscope = reel_fake_dashscope_new (DASHSCOPE_KEY, video);
  g_autoptr (ReelDashscopeBackend) backend
      = reel_dashscope_backend_new (reel_fake_dashscope_get_base_url (dashscope), DASHSCOPE_KEY);
  gint64 id = g_array_index (fixture->shot_ids, gint64, 2);
  g_autoptr (ReelShotPrompt) shown = reel_project_dup_shot_prompt (fixture->project, id);
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *sent = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *input;

  reel_dashscope_backend_set_model (backend, "wan2.6-t2v");
  reel_dashscope_backend_set_poll_interval (backend, 5, 20);
  fixture->scheduler = reel_generate_fixture_new_scheduler (fixture->project,
                                                            REEL_BACKEND (backend), &fixture->idle);
  g_assert_true (reel_scheduler_generate (fixture->scheduler, &id, 1,
                                          &(ReelGenerateOptions){ .backend = "dashscope" }, &error)
                 > 0);
  fixture->idle = FALSE;
  reel_test_wait_until (reel_test_flag_is_set, &fixture->idle, TIMEOUT_MS, "the job to end");

  /* The service got the override verbatim, and the project's negative prompt. */
  sent = reel_fake_dashscope_dup_last_create_body (dashscope);
  body = json_from_string (sent, &error);
  g_assert_no_error (error);
  input = json_object_get_object_member (json_node_get_object (body), "input");
  g_assert_true (shown->overridden);
  g_assert_cmpstr (json_object_get_string_member (input, "prompt"), ==,
                   "Macro shot: orange sparks rain onto a steel bench.");
  g_assert_cmpstr (json_object_get_string_member (input, "negative_prompt"), ==,
                   "blurry, watermark");
  assert_take_records (fixture, id, shown);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-prompt-XXXXXX", NULL);
  int              status;

  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/generate/prompt/test-backend", Fixture, NULL, fixture_set_up, test_test_backend,
              fixture_tear_down);
  g_test_add ("/generate/prompt/dashscope", Fixture, NULL, fixture_set_up, test_dashscope,
              fixture_tear_down);

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
