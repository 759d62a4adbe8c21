/* test-film-batch.c: personalised films, one per row of a table
 *
 * A teacher's script names the pupil and the pupil's pet in two of its six
 * shots. Five pupils make five films, and the backend is asked for each of
 * the four shared shots once and for the two personal shots once per pupil:
 * 6 + 2 × 4 = 14 jobs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <locale.h>
#include <string.h>

#include "reel-animatic.h"
#include "reel-film-batch.h"
#include "reel-media-store.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"

static const char script[] = "INT. CLASSROOM - DAY\n\n"
                             "The teacher opens the door.\n\n"
                             "{name} waves at the class.\n\n"
                             "The children sit down.\n\n"
                             "A map hangs on the wall.\n\n"
                             "{name} points at a picture of a {pet} on the map.\n\n"
                             "The bell rings.\n";

static const char pupils[] = "\xEF\xBB\xBFname,pet\r\n"
                             "Alice,cat\r\n"
                             "Bob,dog\r\n"
                             "小明,猫\r\n"
                             "\"O'Neil, Jr.\",hen\r\n"
                             "Eve/Adam,\"gold\r\nfish\"\r\n";

static const char *const films[]
    = { "01-Alice.mp4", "02-Bob.mp4", "03-小明.mp4", "04-O'Neil, Jr.mp4", "05-Eve_Adam.mp4" };

typedef struct
{
  char            *dir;
  char            *films_dir;
  char            *projects_dir;
  ReelTestBackend *backend;
  ReelProject     *settings;
  GAsyncResult    *result;
  guint            n_finished;
  guint            n_failed;
  GThread         *main_thread;
  GThread         *scheduler_thread; /* where the last scheduler was made */
  GPtrArray       *statuses;         /* what the batch said it was doing */
} Fixture;

static ReelScheduler *
make_scheduler_cb (ReelProject *project, gpointer user_data, GError **error)
{
  Fixture       *fixture = user_data;
  ReelScheduler *scheduler = reel_scheduler_new (project);

  fixture->scheduler_thread = g_thread_self ();
  /* One backend for every film, so it counts every job of the batch. */
  reel_scheduler_add_backend (scheduler, REEL_BACKEND (fixture->backend));
  return scheduler;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelAnimaticSpec) spec = reel_animatic_spec_new ();
  g_autofree char *clip = NULL;
  g_autofree char *settings_path = NULL;
  g_autoptr (GFile) settings_file = NULL;

  fixture->main_thread = g_thread_self ();
  fixture->statuses = g_ptr_array_new_with_free_func (g_free);
  fixture->dir = reel_test_make_tmpdir ();
  fixture->films_dir = g_build_filename (fixture->dir, "films", NULL);
  fixture->projects_dir = g_build_filename (fixture->dir, "lesson.personal", NULL);
  clip = g_build_filename (fixture->dir, "clip.mp4", NULL);
  spec->width = 64;
  spec->height = 36;
  spec->fps = 8;
  spec->duration = 1;
  g_assert_true (reel_animatic_render (spec, clip, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  fixture->backend = reel_test_backend_new (clip, 0.01, 2);

  /* The small frame of the script's own project, for the films' projects. */
  settings_path = g_build_filename (fixture->dir, "lesson.storyreel", NULL);
  settings_file = g_file_new_for_path (settings_path);
  fixture->settings = reel_project_create (settings_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_resolution (fixture->settings, 64, 36, &error));
  g_assert_true (reel_project_set_fps (fixture->settings, 8, &error));
  g_assert_true (reel_project_set_default_shot_duration (fixture->settings, 1, &error));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->backend);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->result);
  g_clear_pointer (&fixture->statuses, g_ptr_array_unref);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->films_dir);
  g_free (fixture->projects_dir);
}

static ReelFilmBatch *
new_batch_of (Fixture *fixture, const char *csv)
{
  g_autoptr (GError) error = NULL;
  ReelCsv          *table = reel_csv_parse (csv, -1, &error);
  ReelExportOptions options;
  ReelFilmBatch    *batch;

  g_assert_no_error (error);
  reel_export_options_init (&options);
  options.captions = REEL_CAPTION_MODE_OFF;
  options.segment_cache_dir = g_build_filename (fixture->dir, "segments", NULL);
  batch = reel_film_batch_new (script, table, NULL, fixture->projects_dir, fixture->films_dir,
                               &options, &error);
  reel_export_options_clear (&options);
  g_assert_no_error (error);
  reel_film_batch_set_scheduler_func (batch, make_scheduler_cb, fixture, NULL);
  reel_film_batch_set_backend (batch, "test", NULL);
  reel_film_batch_set_settings_from (batch, fixture->settings);
  return batch;
}

static ReelFilmBatch *
new_batch (Fixture *fixture)
{
  return new_batch_of (fixture, pupils);
}

static void
film_finished_cb (
    ReelFilmBatch *batch, guint row, const char *path, const GError *error, Fixture *fixture)
{
  g_assert_cmpuint (row, ==, fixture->n_finished);
  fixture->n_finished++;
  if (error != NULL)
    {
      g_test_message ("%s: %s", path, error->message);
      fixture->n_failed++;
    }
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->result = g_object_ref (result);
}

/* The sum of the shots' lengths of the film made of @row's project. */
static double
expected_duration (Fixture *fixture, const char *film)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strndup (film, strlen (film) - strlen (".mp4"));
  g_autofree char *project_name = g_strconcat (name, ".storyreel", NULL);
  g_autofree char *path = g_build_filename (fixture->projects_dir, project_name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (ReelProject) project = reel_project_open (file, &error);
  GListModel *shots;
  double      total = 0;

  g_assert_no_error (error);
  shots = reel_project_get_shots (project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, 6);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);

      g_assert_cmpint (reel_shot_get_chosen_take_id (shot), !=, 0);
      total += reel_shot_get_duration (shot);
    }
  return total;
}

static void
test_five_pupils (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelFilmBatch) batch = new_batch (fixture);
  g_autoptr (ReelFilmBatch) again = NULL;
  ReelFilmBatchSummary summary;

  g_assert_true (reel_film_batch_plan (batch, &error));
  g_assert_no_error (error);
  reel_film_batch_get_summary (batch, &summary);
  g_assert_cmpuint (summary.n_films, ==, 5);
  g_assert_cmpuint (summary.n_missing, ==, 30);
  g_assert_cmpuint (summary.n_generate, ==, 14);
  g_assert_cmpuint (summary.n_shared, ==, 4);
  g_assert_cmpuint (summary.n_personal, ==, 10);
  g_assert_cmpuint (summary.n_reuse, ==, 16);
  /* The test backend charges 0.01 USD a second; each 1 s request once, shared or not. */
  g_assert_cmpstr (summary.currency, ==, "USD");
  g_assert_cmpfloat_with_epsilon (summary.cost, 14 * 0.01, 1e-9);

  g_signal_connect (batch, "film-finished", G_CALLBACK (film_finished_cb), fixture);
  reel_film_batch_run_async (batch, NULL, run_done_cb, fixture);
  reel_test_wait_until (reel_test_pointer_is_set, &fixture->result, 120000, "the five films");
  reel_film_batch_run_finish (batch, fixture->result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_finished, ==, 5);
  g_assert_cmpuint (fixture->n_failed, ==, 0);
  g_assert_cmpuint (reel_test_backend_count_runs (fixture->backend), ==, 14);
  g_assert_cmpfloat (reel_film_batch_get_progress (batch), ==, 1.0);
  {
    guint encoded, reused;

    /* 30 shots: a shared take is encoded for the first film that shows
     * it, and reused by the others. */
    reel_film_batch_get_segment_counts (batch, &encoded, &reused);
    g_assert_cmpuint (encoded + reused, ==, 30);
    g_assert_cmpuint (encoded, <=, 14);
    g_assert_cmpuint (reused, >=, 16);
  }

  for (guint i = 0; i < G_N_ELEMENTS (films); i++)
    {
      g_autofree char *path = g_build_filename (fixture->films_dir, films[i], NULL);
      g_autoptr (ReelMediaInfo) info = reel_media_probe (path, NULL, &error);

      g_assert_cmpstr (reel_film_batch_get_film_path (batch, i), ==, path);
      g_assert_no_error (error);
      g_assert_cmpuint (info->width, ==, 64);
      g_assert_cmpfloat_with_epsilon (info->duration, expected_duration (fixture, films[i]), 0.3);
    }

  /* A second run finds every take in the films' projects. */
  again = new_batch (fixture);
  g_assert_true (reel_film_batch_plan (again, &error));
  reel_film_batch_get_summary (again, &summary);
  g_assert_cmpuint (summary.n_missing, ==, 0);
  g_assert_cmpuint (summary.n_generate, ==, 0);
  g_clear_object (&again);

  /* Bob's pet changes: his film keeps its shots, but not the take that
   * shows the old pet. */
  again = new_batch_of (fixture, "name,pet\nAlice,cat\nBob,hen\n小明,猫\n\"O'Neil, Jr.\",hen\n"
                                 "Eve/Adam,\"gold\r\nfish\"\n");
  g_assert_true (reel_film_batch_plan (again, &error));
  g_assert_no_error (error);
  reel_film_batch_get_summary (again, &summary);
  g_assert_cmpuint (summary.n_missing, ==, 1);
  g_assert_cmpuint (summary.n_generate, ==, 1);
  g_assert_cmpuint (summary.n_reuse, ==, 0);
}

/* A placeholder the table has no column for stops the batch before any
 * project is touched, naming it and the film. */
static void
test_unknown_column (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ReelCsv          *table = reel_csv_parse ("name\nAlice\n", -1, &error);
  ReelExportOptions options;
  g_autoptr (ReelFilmBatch) batch = NULL;

  reel_export_options_init (&options);
  batch = reel_film_batch_new (script, table, NULL, fixture->projects_dir, fixture->films_dir,
                               &options, &error);
  g_assert_no_error (error);
  g_assert_false (reel_film_batch_plan (batch, &error));
  g_assert_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_UNKNOWN_COLUMN);
  g_assert_nonnull (strstr (error->message, "Film 1 of 1"));
  g_assert_nonnull (strstr (error->message, "{pet}"));
  g_clear_error (&error);

  g_clear_object (&batch);
  batch = reel_film_batch_new (script, reel_csv_parse ("name,pet\nAl,cat\n", -1, NULL), "pupil",
                               fixture->projects_dir, fixture->films_dir, &options, &error);
  g_assert_null (batch);
  g_assert_error (error, REEL_FILM_BATCH_ERROR, REEL_FILM_BATCH_ERROR_NAME_COLUMN);
  reel_export_options_clear (&options);
}

/* Every film's prompts are the ones the template project's cards show:
 * its characters, style and negative prompt go into each row's project. */
static void
test_prompt_craft (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelFilmBatch) batch = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  ReelCharacter teacher
      = { .name = (char *) "Teacher", .description = (char *) "a tall woman in a green cardigan" };
  guint with_teacher = 0;

  g_assert_cmpint (reel_project_save_character (fixture->settings, &teacher, &error), >, 0);
  g_assert_true (reel_project_set_style (fixture->settings, "watercolour", &error));
  g_assert_true (reel_project_set_negative_prompt (fixture->settings, "blurry", &error));
  g_assert_no_error (error);

  batch = new_batch_of (fixture, "name,pet\nAlice,cat\nBob,dog\n");
  g_assert_true (reel_film_batch_plan (batch, &error));
  g_assert_no_error (error);
  reel_film_batch_run_async (batch, NULL, run_done_cb, fixture);
  reel_test_wait_until (reel_test_pointer_is_set, &fixture->result, 120000, "the two films");
  g_assert_true (reel_film_batch_run_finish (batch, fixture->result, &error));
  g_assert_no_error (error);

  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_cmpuint (requests->len, ==, 6 + 2);
  for (guint i = 0; i < requests->len; i++)
    {
      const ReelJobRequest *request = g_ptr_array_index (requests, i);

      g_assert_nonnull (strstr (request->prompt, "watercolour"));
      g_assert_cmpstr (request->negative_prompt, ==, "blurry");
      if (strstr (request->prompt, "Teacher: a tall woman in a green cardigan") != NULL)
        with_teacher++;
    }
  /* "The teacher opens the door.": the one shot that names her, shared by both films. */
  g_assert_cmpuint (with_teacher, ==, 1);
}

static void
status_cb (ReelFilmBatch *batch, GParamSpec *pspec, Fixture *fixture)
{
  /* The batch's properties change on its own thread only. */
  g_assert_true (g_thread_self () == fixture->main_thread);
  g_ptr_array_add (fixture->statuses, g_strdup (reel_film_batch_get_status (batch)));
}

static void
plan_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->result = g_object_ref (result);
}

static gboolean
plan_async (Fixture *fixture, ReelFilmBatch *batch, GCancellable *cancellable, GError **error)
{
  gboolean planned;

  g_clear_object (&fixture->result);
  reel_film_batch_plan_async (batch, cancellable, plan_done_cb, fixture);
  reel_test_wait_until (reel_test_pointer_is_set, &fixture->result, 60000, "the batch's plan");
  planned = reel_film_batch_plan_finish (batch, fixture->result, error);
  g_clear_object (&fixture->result);
  return planned;
}

/* The Personalised Films window plans without blocking: each film's
 * project is made, and the template's character picture copied into it, in
 * a worker that says which film it is at; a cancelled plan touches no
 * project. */
static void
test_plan_in_worker (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelFilmBatch) batch = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (ReelMediaStore) store
      = reel_media_store_new (reel_project_get_media_dir (fixture->settings));
  g_autoptr (ReelMediaInfo) picture = NULL;
  g_autofree char *picture_path = g_build_filename (fixture->dir, "teacher.png", NULL);
  g_autofree char *pipeline = g_strdup_printf (
      "videotestsrc num-buffers=1 ! video/x-raw,width=32,height=32 ! pngenc ! filesink "
      "location=\"%s\"",
      picture_path);
  ReelCharacter        teacher = { .name = (char *) "Teacher", .description = (char *) "tall" };
  ReelFilmBatchSummary summary;

  reel_test_run_pipeline (pipeline);
  picture = reel_media_store_add_file (store, picture_path, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  teacher.reference_image = picture->relative_path;
  g_assert_cmpint (reel_project_save_character (fixture->settings, &teacher, &error), >, 0);
  g_assert_no_error (error);

  /* Cancelled before it starts: no film's project is made. */
  batch = new_batch_of (fixture, "name,pet\nAlice,cat\nBob,dog\n");
  g_cancellable_cancel (cancellable);
  g_assert_false (plan_async (fixture, batch, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  {
    g_autofree char *alice = g_build_filename (fixture->projects_dir, "01-Alice.storyreel", NULL);

    g_assert_false (g_file_test (alice, G_FILE_TEST_EXISTS));
  }

  g_signal_connect (batch, "notify::status", G_CALLBACK (status_cb), fixture);
  g_assert_true (plan_async (fixture, batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (fixture->scheduler_thread);
  g_assert_true (fixture->scheduler_thread != fixture->main_thread);
  g_assert_cmpuint (fixture->statuses->len, ==, 2);
  g_assert_cmpstr (fixture->statuses->pdata[0], ==, "Preparing film 1 of 2…");
  g_assert_cmpstr (fixture->statuses->pdata[1], ==, "Preparing film 2 of 2…");
  reel_film_batch_get_summary (batch, &summary);
  g_assert_cmpuint (summary.n_films, ==, 2);
  g_assert_cmpuint (summary.n_generate, ==, 6 + 2);

  for (guint i = 0; i < 2; i++)
    {
      const char      *name = i == 0 ? "01-Alice.storyreel" : "02-Bob.storyreel";
      g_autofree char *path = g_build_filename (fixture->projects_dir, name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (ReelProject) film = reel_project_open (file, &error);
      g_autoptr (GPtrArray) cast = NULL;
      g_autoptr (ReelMediaStore) film_store = NULL;
      const ReelCharacter *copy;

      g_assert_no_error (error);
      cast = reel_project_list_characters (film);
      g_assert_cmpuint (cast->len, ==, 1);
      copy = cast->pdata[0];
      g_assert_nonnull (copy->reference_image);
      film_store = reel_media_store_new (reel_project_get_media_dir (film));
      g_assert_true (
          reel_media_store_check (film_store, copy->reference_image, picture->sha256, &error));
      g_assert_no_error (error);
    }
}

/* The template project's logo is on every film, from a copy in each film's
 * own project. */
static void
test_logo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelFilmBatch) batch = NULL;
  g_autoptr (ReelMediaStore) store = NULL;
  g_autoptr (ReelMediaInfo) image = NULL;
  g_autoptr (ReelLogo) logo = reel_logo_new ();
  g_autofree char *png = g_build_filename (fixture->dir, "brand.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 40, 20);
  cairo_t         *cr = cairo_create (surface);
  const char      *names[] = { "01-Alice", "02-Bob" };

  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  store = reel_media_store_new (reel_project_get_media_dir (fixture->settings));
  image = reel_media_store_add_file (store, png, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  logo->media_path = g_strdup (image->relative_path);
  logo->position = REEL_LOGO_POSITION_TOP_LEFT;
  logo->size = REEL_LOGO_MAX_SIZE;
  logo->opacity = 1;
  g_assert_true (reel_project_set_logo (fixture->settings, logo, &error));
  g_assert_no_error (error);

  batch = new_batch_of (fixture, "name,pet\nAlice,cat\nBob,dog\n");
  g_assert_true (reel_film_batch_plan (batch, &error));
  g_assert_no_error (error);
  reel_film_batch_run_async (batch, NULL, run_done_cb, fixture);
  reel_test_wait_until (reel_test_pointer_is_set, &fixture->result, 120000, "the two films");
  g_assert_true (reel_film_batch_run_finish (batch, fixture->result, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *film_name = g_strconcat (names[i], ".mp4", NULL);
      g_autofree char *film = g_build_filename (fixture->films_dir, film_name, NULL);
      g_autofree char *project_name = g_strconcat (names[i], ".storyreel", NULL);
      g_autofree char *project_path = g_build_filename (fixture->projects_dir, project_name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (project_path);
      g_autoptr (ReelProject) project = reel_project_open (file, &error);
      g_autoptr (ReelLogo) copied = NULL;
      g_autofree char *media_dir = NULL;
      cairo_surface_t *frame;
      guint32          pixel;

      g_assert_no_error (error);
      copied = reel_project_dup_logo (project);
      media_dir = g_file_get_path (reel_project_get_media_dir (project));
      g_assert_cmpstr (copied->media_path, ==, logo->media_path);
      g_assert_true (g_str_has_prefix (copied->path, media_dir));
      g_assert_true (g_file_test (copied->path, G_FILE_TEST_IS_REGULAR));

      /* 64 × 36: the logo is 32 × 16, a pixel in from the top left. */
      frame = reel_media_load_frame (film, 0.5, NULL, &error);
      g_assert_no_error (error);
      cairo_surface_flush (frame);
      pixel = *(guint32 *) (cairo_image_surface_get_data (frame)
                            + 9 * cairo_image_surface_get_stride (frame) + 17 * 4);
      g_test_message ("%s: %06x under the logo", film_name, pixel & 0xffffff);
      g_assert_cmpuint ((pixel >> 16) & 0xff, >, 200);
      g_assert_cmpuint ((pixel >> 8) & 0xff, <, 60);
      g_assert_cmpuint (pixel & 0xff, <, 60);
      cairo_surface_destroy (frame);
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/film-batch/five-pupils", Fixture, NULL, fixture_set_up, test_five_pupils,
              fixture_tear_down);
  g_test_add ("/film-batch/unknown-column", Fixture, NULL, fixture_set_up, test_unknown_column,
              fixture_tear_down);
  g_test_add ("/film-batch/prompt-craft", Fixture, NULL, fixture_set_up, test_prompt_craft,
              fixture_tear_down);
  g_test_add ("/film-batch/plan-in-worker", Fixture, NULL, fixture_set_up, test_plan_in_worker,
              fixture_tear_down);
  g_test_add ("/film-batch/logo", Fixture, NULL, fixture_set_up, test_logo, fixture_tear_down);
  return g_test_run ();
}
