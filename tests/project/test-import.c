/* test-import.c: files imported as takes and music through the project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <string.h>

#include "reel-project-cut.h"
#include "reel-project-import.h"
#include "reel-test-utils.h"

#define IMPORT_TIMEOUT_S 60

static const char script[] = "INT. HALL - DAY\n"
                             "\n"
                             "A door opens.\n"
                             "\n"
                             "EXT. STREET - NIGHT\n"
                             "\n"
                             "Rain falls.\n";

typedef struct
{
  char        *dir;
  char        *media_dir;
  ReelProject *project;
  gint64       first_shot;
  gint64       second_shot;
  char        *video;  /* 0.5 s, 160×90, 24 fps */
  char        *still;  /* 64×48 PNG */
  char        *sound;  /* WAV */
  char        *letter; /* plain text */
} Fixture;

typedef struct
{
  const char *what;
  gboolean    done;
  gint64      id;
  GError     *error;
} Import;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *pipeline = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelShot) first = NULL;
  g_autoptr (ReelShot) second = NULL;
  GListModel *shots;

  fixture->dir = reel_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "Film.storyreel", NULL);
  fixture->media_dir = g_build_filename (fixture->dir, "Film.media", NULL);
  file = g_file_new_for_path (path);
  fixture->project = reel_project_create (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (fixture->project, script, &error));
  g_assert_true (reel_project_break_down (fixture->project, NULL, &error));
  g_assert_no_error (error);

  shots = reel_project_get_shots (fixture->project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, 2);
  first = g_list_model_get_item (shots, 0);
  second = g_list_model_get_item (shots, 1);
  fixture->first_shot = reel_shot_get_id (first);
  fixture->second_shot = reel_shot_get_id (second);

  fixture->video = g_build_filename (fixture->dir, "door.mp4", NULL);
  fixture->still = g_build_filename (fixture->dir, "rain.png", NULL);
  fixture->sound = g_build_filename (fixture->dir, "thunder.wav", NULL);
  fixture->letter = g_build_filename (fixture->dir, "letter.mp4", NULL);

  pipeline = g_strdup_printf (
      "videotestsrc num-buffers=12 ! video/x-raw,width=160,height=90,framerate=24/1 ! x264enc ! "
      "mp4mux ! filesink location=\"%s\"",
      fixture->video);
  reel_test_run_pipeline (pipeline);
  g_free (pipeline);
  pipeline = g_strdup_printf ("videotestsrc num-buffers=1 ! video/x-raw,width=64,height=48 ! "
                              "videoconvert ! pngenc ! filesink location=\"%s\"",
                              fixture->still);
  reel_test_run_pipeline (pipeline);
  g_free (pipeline);
  pipeline = g_strdup_printf (
      "audiotestsrc num-buffers=20 ! audio/x-raw,rate=48000,channels=2 ! wavenc ! "
      "filesink location=\"%s\"",
      fixture->sound);
  reel_test_run_pipeline (pipeline);
  /* Named like a video, so only its content can give it away. */
  g_assert_true (
      g_file_set_contents (fixture->letter, "Dear producer, this is a letter.\n", -1, NULL));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->project);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->media_dir);
  g_free (fixture->video);
  g_free (fixture->still);
  g_free (fixture->sound);
  g_free (fixture->letter);
}

static gboolean
import_timeout_cb (gpointer user_data)
{
  Import *import = user_data;

  g_error ("Importing %s did not finish within %d s", import->what, IMPORT_TIMEOUT_S);
  return G_SOURCE_REMOVE;
}

static void
wait_for (Import *import)
{
  guint timeout = g_timeout_add_seconds (IMPORT_TIMEOUT_S, import_timeout_cb, import);

  while (!import->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static void
take_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Import *import = user_data;

  import->id = reel_project_import_take_finish (REEL_PROJECT (source), result, &import->error);
  import->done = TRUE;
}

static void
music_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Import *import = user_data;

  import->id = reel_project_import_music_finish (REEL_PROJECT (source), result, &import->error);
  import->done = TRUE;
}

/* Imports @path as a take of @shot_id and waits for the result. */
static gint64
import_take (Fixture    *fixture,
             gint64      shot_id,
             const char *path,
             const ReelTake *template,
             ReelMediaAddFlags flags,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  Import import = { .what = path };

  reel_project_import_take_async (fixture->project, shot_id, file, template, flags, cancellable,
                                  take_imported_cb, &import);
  wait_for (&import);
  g_assert_true ((import.id != 0) == (import.error == NULL));
  if (import.error != NULL)
    g_propagate_error (error, import.error);
  return import.id;
}

static void
frame_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Import *import = user_data;

  import->id = reel_project_import_frame_finish (REEL_PROJECT (source), result, &import->error);
  import->done = TRUE;
}

static gint64
import_frame (Fixture *fixture, gint64 shot_id, gint64 take_id, double at_seconds, GError **error)
{
  Import import = { .what = "a frame" };

  reel_project_import_frame_async (fixture->project, shot_id, take_id, at_seconds, NULL,
                                   frame_imported_cb, &import);
  wait_for (&import);
  g_assert_true ((import.id != 0) == (import.error == NULL));
  if (import.error != NULL)
    g_propagate_error (error, import.error);
  return import.id;
}

/* Whether two decoded frames hold the same pixels. */
static gboolean
same_pixels (cairo_surface_t *a, cairo_surface_t *b)
{
  int height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);

  cairo_surface_flush (a);
  cairo_surface_flush (b);
  return cairo_image_surface_get_width (a) == cairo_image_surface_get_width (b)
         && height == cairo_image_surface_get_height (b)
         && stride == cairo_image_surface_get_stride (b)
         && memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                    (size_t) stride * (size_t) height)
                == 0;
}

static gint64
import_music (Fixture *fixture, const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  Import import = { .what = path };

  reel_project_import_music_async (fixture->project, file, NULL, music_imported_cb, &import);
  wait_for (&import);
  g_assert_true ((import.id != 0) == (import.error == NULL));
  if (import.error != NULL)
    g_propagate_error (error, import.error);
  return import.id;
}

/* Whether @path is a file inside the project's NAME.media/. */
static void
assert_in_media_dir (Fixture *fixture, const char *path)
{
  g_autofree char *prefix = g_strconcat (fixture->media_dir, G_DIR_SEPARATOR_S, NULL);

  g_assert_nonnull (path);
  g_assert_true (g_str_has_prefix (path, prefix));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

/* Nothing half-written stays behind in the store's temporary folder. */
static void
assert_no_temporaries (Fixture *fixture)
{
  g_autofree char *tmp = g_build_filename (fixture->media_dir, ".tmp", NULL);
  g_autoptr (GDir) dir = g_dir_open (tmp, 0, NULL);

  if (dir != NULL)
    g_assert_null (g_dir_read_name (dir));
}

static guint
count_takes (Fixture *fixture, gint64 shot_id)
{
  g_autoptr (GPtrArray) takes = reel_project_list_takes (fixture->project, shot_id);
  return takes->len;
}

static void
test_import_video (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) takes = NULL;
  g_autofree char *media = NULL;
  g_autofree char *thumbnail = NULL;
  ReelShot        *shot;
  const ReelTake  *take;
  gint64           take_id;

  take_id = import_take (fixture, fixture->first_shot, fixture->video, NULL, REEL_MEDIA_ADD_COPY,
                         NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (take_id, >, 0);

  /* Listed on its shot, as what it is, and chosen as the shot's first take. */
  takes = reel_project_list_takes (fixture->project, fixture->first_shot);
  g_assert_cmpuint (takes->len, ==, 1);
  take = g_ptr_array_index (takes, 0);
  g_assert_cmpint (take->id, ==, take_id);
  g_assert_cmpstr (take->kind, ==, "video");
  g_assert_cmpstr (take->backend, ==, "import");
  g_assert_cmpstr (take->prompt, ==, "door.mp4");
  g_assert_cmpfloat_with_epsilon (take->duration, 0.5, 0.05);
  g_assert_cmpuint (take->width, ==, 160);
  g_assert_cmpuint (take->height, ==, 90);
  g_assert_cmpfloat_with_epsilon (take->fps, 24.0, 0.01);
  g_assert_cmpuint (strlen (take->media_sha256), ==, 64);
  shot = reel_project_lookup_shot (fixture->project, fixture->first_shot);
  g_assert_cmpint (reel_shot_get_chosen_take_id (shot), ==, take_id);
  g_assert_null (reel_shot_get_board_image (shot));

  /* Copied into NAME.media/ with a thumbnail; the user's file stays. */
  media = reel_project_get_media_path (fixture->project, take->media);
  assert_in_media_dir (fixture, media);
  thumbnail = reel_project_get_media_path (fixture->project, take->thumbnail);
  assert_in_media_dir (fixture, thumbnail);
  g_assert_true (g_str_has_suffix (thumbnail, ".png"));
  g_assert_true (g_file_test (fixture->video, G_FILE_TEST_EXISTS));
  assert_no_temporaries (fixture);
}

static void
test_import_still (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelTake) take = NULL;
  g_autofree char *media = NULL;
  ReelShot        *shot;
  gint64           take_id;

  take_id = import_take (fixture, fixture->second_shot, fixture->still, NULL, REEL_MEDIA_ADD_COPY,
                         NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (take_id, >, 0);

  take = reel_project_get_take (fixture->project, take_id);
  g_assert_nonnull (take);
  g_assert_cmpint (take->shot_id, ==, fixture->second_shot);
  g_assert_cmpstr (take->kind, ==, "image");
  g_assert_cmpfloat (take->duration, ==, 0.0);
  g_assert_cmpuint (take->width, ==, 64);
  g_assert_cmpuint (take->height, ==, 48);
  /* A still is its own thumbnail. */
  g_assert_cmpstr (take->thumbnail, ==, take->media);
  media = reel_project_get_media_path (fixture->project, take->media);
  assert_in_media_dir (fixture, media);

  /* It became the shot's board image, not a clip for the cut. */
  shot = reel_project_lookup_shot (fixture->project, fixture->second_shot);
  g_assert_cmpstr (reel_shot_get_board_image (shot), ==, take->media);
  g_assert_cmpint (reel_shot_get_chosen_take_id (shot), ==, 0);
  assert_no_temporaries (fixture);
}

/* A template gives what a backend knows; the file gives the media fields,
 * and a moved file is consumed. */
static void
test_import_with_template (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelTake) take = NULL;
  ReelTake template = {
    .backend = (char *) "test",
    .model = (char *) "model-1",
    .prompt = (char *) "A door opens slowly.",
    .seed = 42,
    .params = (char *) "{\"fps\": 24}",
    .cost = 0.25,
    .currency = (char *) "USD",
    .kind = (char *) "image", /* the file decides */
    .duration = 99,           /* likewise */
  };
  gint64 take_id;

  take_id = import_take (fixture, fixture->first_shot, fixture->video, &template,
                         REEL_MEDIA_ADD_MOVE, NULL, &error);
  g_assert_no_error (error);

  take = reel_project_get_take (fixture->project, take_id);
  g_assert_nonnull (take);
  g_assert_cmpstr (take->backend, ==, "test");
  g_assert_cmpstr (take->model, ==, "model-1");
  g_assert_cmpstr (take->prompt, ==, "A door opens slowly.");
  g_assert_cmpint (take->seed, ==, 42);
  g_assert_cmpstr (take->params, ==, "{\"fps\": 24}");
  g_assert_cmpfloat (take->cost, ==, 0.25);
  g_assert_cmpstr (take->currency, ==, "USD");
  g_assert_cmpstr (take->kind, ==, "video");
  g_assert_cmpfloat_with_epsilon (take->duration, 0.5, 0.05);
  g_assert_false (g_file_test (fixture->video, G_FILE_TEST_EXISTS));
}

static void
test_refuses_non_media (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 take_id;

  take_id = import_take (fixture, fixture->first_shot, fixture->letter, NULL, REEL_MEDIA_ADD_COPY,
                         NULL, &error);
  g_assert_cmpint (take_id, ==, 0);
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA);
  g_assert_nonnull (strstr (error->message, "letter.mp4"));

  g_assert_cmpuint (count_takes (fixture, fixture->first_shot), ==, 0);
  g_assert_cmpint (reel_shot_get_chosen_take_id (
                       reel_project_lookup_shot (fixture->project, fixture->first_shot)),
                   ==, 0);
  assert_no_temporaries (fixture);
}

static void
test_refuses_audio (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 take_id;

  take_id = import_take (fixture, fixture->first_shot, fixture->sound, NULL, REEL_MEDIA_ADD_COPY,
                         NULL, &error);
  g_assert_cmpint (take_id, ==, 0);
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "“thunder.wav” is audio; a take needs a video or a still image.");

  g_assert_cmpuint (count_takes (fixture, fixture->first_shot), ==, 0);
  g_assert_null (
      reel_shot_get_board_image (reel_project_lookup_shot (fixture->project, fixture->first_shot)));
  assert_no_temporaries (fixture);
}

static void
test_refuses_unknown_shot (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) media_dir = g_file_new_for_path (fixture->media_dir);
  gint64 take_id;

  take_id = import_take (fixture, 9999, fixture->video, NULL, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_cmpint (take_id, ==, 0);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND);
  /* Refused before anything was copied. */
  g_assert_false (g_file_query_exists (media_dir, NULL));
}

/* Cancelled while the store works, or before: whatever the store did, no
 * take is recorded. */
static void
test_cancelled_import_records_nothing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GFile) file = g_file_new_for_path (fixture->video);
  g_autoptr (GError) error = NULL;
  Import import = { .what = fixture->video };

  reel_project_import_take_async (fixture->project, fixture->first_shot, file, NULL,
                                  REEL_MEDIA_ADD_COPY, cancellable, take_imported_cb, &import);
  g_cancellable_cancel (cancellable);
  wait_for (&import);
  g_assert_cmpint (import.id, ==, 0);
  g_assert_error (import.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&import.error);
  g_assert_cmpuint (count_takes (fixture, fixture->first_shot), ==, 0);

  /* Cancelled before it starts. */
  g_assert_cmpint (import_take (fixture, fixture->first_shot, fixture->video, NULL,
                                REEL_MEDIA_ADD_COPY, cancellable, &error),
                   ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count_takes (fixture, fixture->first_shot), ==, 0);
}

static void
test_import_music (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) music = NULL;
  const ReelMusicTrack *track;
  gint64                music_id;

  music_id = import_music (fixture, fixture->sound, &error);
  g_assert_no_error (error);
  g_assert_cmpint (music_id, >, 0);

  music = reel_project_list_music (fixture->project);
  g_assert_cmpuint (music->len, ==, 1);
  track = g_ptr_array_index (music, 0);
  g_assert_cmpint (track->id, ==, music_id);
  g_assert_cmpstr (track->name, ==, "thunder.wav");
  assert_in_media_dir (fixture, track->path);
  g_assert_true (reel_project_can_undo (fixture->project));

  /* A still has no sound to play. */
  g_clear_pointer (&music, g_ptr_array_unref);
  g_assert_cmpint (import_music (fixture, fixture->still, &error), ==, 0);
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED);
  music = reel_project_list_music (fixture->project);
  g_assert_cmpuint (music->len, ==, 1);
}

/* What the scheduler gets for a worker's result: the job's fields and the
 * file's, or a refusal that names no temporary file. */
static void
test_take_for_media (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelTake) take = NULL;
  ReelMediaInfo video = { .sha256 = (char *) "ab12",
                          .relative_path = (char *) "ab/ab12.mp4",
                          .kind = REEL_MEDIA_KIND_VIDEO,
                          .duration = 4,
                          .width = 1280,
                          .height = 720,
                          .fps = 24 };
  ReelMediaInfo thumbnail
      = { .relative_path = (char *) "cd/cd34.png", .kind = REEL_MEDIA_KIND_IMAGE };
  ReelMediaInfo still = { .relative_path = (char *) "ef/ef56.png", .kind = REEL_MEDIA_KIND_IMAGE };
  ReelMediaInfo audio = { .relative_path = (char *) "01/0123.wav", .kind = REEL_MEDIA_KIND_AUDIO };
  ReelTake template = { .job_id = 7, .backend = (char *) "animatic", .seed = 3 };

  take = reel_take_new_for_media (&template, &video, &thumbnail, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (take->job_id, ==, 7);
  g_assert_cmpstr (take->backend, ==, "animatic");
  g_assert_cmpint (take->seed, ==, 3);
  g_assert_cmpstr (take->kind, ==, "video");
  g_assert_cmpfloat (take->duration, ==, 4);
  g_assert_cmpstr (take->media, ==, "ab/ab12.mp4");
  g_assert_cmpstr (take->media_sha256, ==, "ab12");
  g_assert_cmpstr (take->thumbnail, ==, "cd/cd34.png");
  g_clear_pointer (&take, reel_take_free);

  take = reel_take_new_for_media (NULL, &still, NULL, "board.png", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (take->kind, ==, "image");
  g_assert_cmpstr (take->backend, ==, "import");
  g_assert_cmpstr (take->prompt, ==, "board.png");
  g_assert_cmpstr (take->thumbnail, ==, "ef/ef56.png");
  g_clear_pointer (&take, reel_take_free);

  g_assert_null (reel_take_new_for_media (&template, &audio, NULL, NULL, &error));
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "The result is audio; a take needs a video or a still image.");
}

/* The last frame of a moving take becomes the next shot's board, the
 * start image of image-to-video, while the shot's chosen clip stays. */
static void
test_frame_as_board (Fixture *fixture, gconstpointer data)
{
  g_autofree char *ball = g_build_filename (fixture->dir, "ball.mp4", NULL);
  g_autofree char *pipeline = g_strdup_printf (
      "videotestsrc pattern=ball num-buffers=12 ! video/x-raw,width=160,height=90,framerate=24/1 "
      "! x264enc ! mp4mux ! filesink location=\"%s\"",
      ball);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelTake) video = NULL;
  g_autoptr (ReelTake) frame = NULL;
  g_autofree char *video_path = NULL;
  g_autofree char *frame_path = NULL;
  cairo_surface_t *last, *first, *stored;
  gint64           video_id, frame_id, chosen_before;
  ReelShot        *second;

  reel_test_run_pipeline (pipeline);
  video_id
      = import_take (fixture, fixture->first_shot, ball, NULL, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  second = reel_project_lookup_shot (fixture->project, fixture->second_shot);
  chosen_before = reel_shot_get_chosen_take_id (second);

  frame_id = import_frame (fixture, fixture->second_shot, video_id, G_MAXDOUBLE, &error);
  g_assert_no_error (error);
  frame = reel_project_get_take (fixture->project, frame_id);
  video = reel_project_get_take (fixture->project, video_id);
  g_assert_cmpstr (frame->kind, ==, "image");
  g_assert_cmpint (frame->shot_id, ==, fixture->second_shot);
  g_assert_cmpuint (frame->width, ==, 160);
  g_assert_cmpuint (frame->height, ==, 90);
  g_assert_cmpstr (frame->prompt, ==, "Last frame of take 1");
  second = reel_project_lookup_shot (fixture->project, fixture->second_shot);
  g_assert_cmpstr (reel_shot_get_board_image (second), ==, frame->media);
  g_assert_cmpint (reel_shot_get_chosen_take_id (second), ==, chosen_before);

  /* The pixels are the take's last frame, not its first. */
  video_path = reel_project_get_media_path (fixture->project, video->media);
  frame_path = reel_project_get_media_path (fixture->project, frame->media);
  last = reel_media_load_frame (video_path, G_MAXDOUBLE, NULL, &error);
  g_assert_no_error (error);
  first = reel_media_load_frame (video_path, 0, NULL, &error);
  g_assert_no_error (error);
  stored = reel_media_load_frame (frame_path, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (same_pixels (stored, last));
  g_assert_false (same_pixels (stored, first));
  cairo_surface_destroy (last);
  cairo_surface_destroy (first);
  cairo_surface_destroy (stored);
  assert_no_temporaries (fixture);

  /* A frame of a take that is gone is refused, and nothing is recorded. */
  g_assert_cmpint (import_frame (fixture, fixture->second_shot, 9999, 0, &error), ==, 0);
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND);
  g_clear_pointer (&frame, reel_take_free);
  frame = reel_project_get_take (fixture->project, frame_id + 1);
  g_assert_null (frame);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

#define ADD_TEST(path, func)                                                                       \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("/import/video", test_import_video);
  ADD_TEST ("/import/still", test_import_still);
  ADD_TEST ("/import/with-template", test_import_with_template);
  ADD_TEST ("/import/refuses-non-media", test_refuses_non_media);
  ADD_TEST ("/import/refuses-audio", test_refuses_audio);
  ADD_TEST ("/import/refuses-unknown-shot", test_refuses_unknown_shot);
  ADD_TEST ("/import/cancelled-records-nothing", test_cancelled_import_records_nothing);
  ADD_TEST ("/import/music", test_import_music);
  ADD_TEST ("/import/frame-as-board", test_frame_as_board);
  g_test_add_func ("/import/take-for-media", test_take_for_media);

  return g_test_run ();
}
