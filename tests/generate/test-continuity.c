/* test-continuity.c: shots that continue the one before, and long shots
 * made as chained segments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <math.h>
#include <string.h>

#include "reel-generate-fixture.h"
#include "reel-media-store.h"
#include "reel-project-import.h"
#include "reel-project-jobs.h"
#include "reel-project-ledger.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"

static const char script[]
    = "INT. LAB - DAY\n\nA flask bubbles.\n\nSparks fly.\n\nThe door opens.\n";

typedef struct
{
  char            *dir;
  char            *clip; /* what the test backend hands back: its last frame is its own */
  ReelProject     *project;
  ReelScheduler   *scheduler;
  ReelTestBackend *backend;
  GArray          *shot_ids;
  GPtrArray       *messages; /* every progress message, in order */
  gboolean         idle;
  guint            segments_done;
  guint            hold_after; /* holds the backend once this many jobs are done; 0: never */
  guint            fail_after; /* fails the next job of shot 0 once this many are done; 0: never */
  char            *swap_in[4]; /* what the backend hands back once this many jobs are done */
} Fixture;

static void
copy_file (const char *from, const char *to)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize            length;

  g_assert_true (g_file_get_contents (from, &contents, &length, &error));
  g_assert_true (g_file_set_contents (to, contents, length, &error));
  g_assert_no_error (error);
}

static void
progress_cb (
    ReelScheduler *scheduler, gint64 job_id, double fraction, const char *text, Fixture *fixture)
{
  if (text != NULL)
    g_ptr_array_add (fixture->messages, g_strdup (text));
}

/* Runs in the main thread before the next job is dispatched. */
static void
job_changed_cb (ReelScheduler *scheduler, gint64 job_id, guint state, Fixture *fixture)
{
  if (state != REEL_JOB_DONE)
    return;
  fixture->segments_done++;
  if (fixture->hold_after > 0 && fixture->segments_done == fixture->hold_after)
    reel_test_backend_hold (fixture->backend, TRUE);
  if (fixture->segments_done < G_N_ELEMENTS (fixture->swap_in)
      && fixture->swap_in[fixture->segments_done] != NULL)
    copy_file (fixture->swap_in[fixture->segments_done], fixture->clip);
  if (fixture->fail_after > 0 && fixture->segments_done == fixture->fail_after)
    reel_test_backend_fail_shot (fixture->backend, g_array_index (fixture->shot_ids, gint64, 0),
                                 REEL_BACKEND_ERROR_PERMANENT, 1);
}

static ReelScheduler *
make_scheduler (Fixture *fixture)
{
  ReelScheduler *scheduler = reel_generate_fixture_new_scheduler (
      fixture->project, REEL_BACKEND (fixture->backend), &fixture->idle);

  g_signal_connect (scheduler, "job-progress", G_CALLBACK (progress_cb), fixture);
  g_signal_connect (scheduler, "job-changed", G_CALLBACK (job_changed_cb), fixture);
  return scheduler;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *pipeline = NULL;

  fixture->dir = reel_test_make_tmpdir ();
  fixture->clip = g_build_filename (fixture->dir, "ball.mp4", NULL);
  /* A moving ball: the first and last frames differ. */
  pipeline = g_strdup_printf ("videotestsrc num-buffers=8 pattern=ball ! "
                              "video/x-raw,width=64,height=36,framerate=8/1 ! videoconvert ! "
                              "x264enc bframes=0 ! mp4mux ! filesink location=\"%s\"",
                              fixture->clip);
  reel_test_run_pipeline (pipeline);

  fixture->project
      = reel_generate_fixture_create_project (fixture->dir, "Continuity.storyreel", 8, script);
  fixture->shot_ids = reel_generate_fixture_dup_shot_ids (fixture->project, 3);

  fixture->messages = g_ptr_array_new_with_free_func (g_free);
  fixture->backend = reel_test_backend_new (fixture->clip, 0.02, 2);
  fixture->scheduler = make_scheduler (fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_generate_fixture_stop_scheduler (&fixture->scheduler);
  g_clear_object (&fixture->backend);
  g_clear_object (&fixture->project);
  g_clear_pointer (&fixture->shot_ids, g_array_unref);
  g_clear_pointer (&fixture->messages, g_ptr_array_unref);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->clip);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->swap_in); i++)
    g_free (fixture->swap_in[i]);
}

static gint64
shot (Fixture *fixture, guint index)
{
  return g_array_index (fixture->shot_ids, gint64, index);
}

static void
generate (Fixture *fixture, guint n_shots)
{
  g_autoptr (GError) error = NULL;

  fixture->idle = FALSE;
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler,
                                            (const gint64 *) fixture->shot_ids->data, n_shots,
                                            &(ReelGenerateOptions){ .backend = "test" }, &error),
                   !=, 0);
  g_assert_no_error (error);
  reel_test_wait_until (reel_test_flag_is_set, &fixture->idle, 30000, "the scheduler to be idle");
}

static cairo_surface_t *
load_frame (const char *path, double at_seconds)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *frame = reel_media_load_frame (path, at_seconds, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return frame;
}

/* The same picture, give or take a rounding step per channel. */
static gboolean
same_pixels (cairo_surface_t *a, cairo_surface_t *b)
{
  int           width = cairo_image_surface_get_width (a);
  int           height = cairo_image_surface_get_height (a);
  const guint8 *pa = cairo_image_surface_get_data (a);
  const guint8 *pb = cairo_image_surface_get_data (b);

  if (width != cairo_image_surface_get_width (b) || height != cairo_image_surface_get_height (b))
    return FALSE;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width * 4; x++)
      if (abs (pa[y * cairo_image_surface_get_stride (a) + x]
               - pb[y * cairo_image_surface_get_stride (b) + x])
          > 2)
        return FALSE;
  return TRUE;
}

/* Whether @image shows the last frame of @video, and not its first. */
static void
assert_is_last_frame_of (const char *image, const char *video)
{
  cairo_surface_t *start = load_frame (image, 0);
  cairo_surface_t *last = load_frame (video, G_MAXDOUBLE);
  cairo_surface_t *first = load_frame (video, 0);

  g_assert_false (same_pixels (first, last));
  g_assert_true (same_pixels (start, last));
  cairo_surface_destroy (start);
  cairo_surface_destroy (last);
  cairo_surface_destroy (first);
}

static ReelJobRequest *
request_of (GPtrArray *requests, gint64 shot_id)
{
  for (guint i = 0; i < requests->len; i++)
    {
      ReelJobRequest *request = g_ptr_array_index (requests, i);

      if (request->shot_id == shot_id)
        return request;
    }
  g_assert_not_reached ();
}

static char *
chosen_take_path (Fixture *fixture, gint64 shot_id, double *duration)
{
  ReelShot *found = reel_project_lookup_shot (fixture->project, shot_id);
  g_autoptr (ReelTake) take
      = reel_project_get_take (fixture->project, reel_shot_get_chosen_take_id (found));

  g_assert_nonnull (take);
  if (duration != NULL)
    *duration = take->duration;
  return reel_project_get_media_path (fixture->project, take->media);
}

static gint64
chosen_take_id (Fixture *fixture, gint64 shot_id)
{
  return reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, shot_id));
}

static void
assert_take_start (Fixture *fixture, gint64 shot_id, ReelTakeStart start, gint64 source_id)
{
  g_autoptr (ReelTake) take
      = reel_project_get_take (fixture->project, chosen_take_id (fixture, shot_id));
  gint64 found = -1;

  g_assert_nonnull (take);
  g_assert_cmpint (reel_take_get_start (take, &found), ==, start);
  g_assert_cmpint (found, ==, source_id);
}

static gboolean
said (Fixture *fixture, const char *text)
{
  for (guint i = 0; i < fixture->messages->len; i++)
    if (strstr (g_ptr_array_index (fixture->messages, i), text) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_last_frame (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree char *first_take = NULL;
  ReelJobRequest  *second;

  g_assert_true (reel_project_set_continuity (fixture->project, TRUE, &error));
  g_assert_true (reel_project_get_continuity (fixture->project));
  generate (fixture, 2);

  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_cmpuint (requests->len, ==, 2);
  /* The second waited for the first: with two slots it would have gone at once. */
  g_assert_cmpint (((ReelJobRequest *) g_ptr_array_index (requests, 0))->shot_id, ==,
                   shot (fixture, 0));
  g_assert_null (request_of (requests, shot (fixture, 0))->start_image);
  second = request_of (requests, shot (fixture, 1));
  g_assert_nonnull (second->start_image);
  first_take = chosen_take_path (fixture, shot (fixture, 0), NULL);
  assert_is_last_frame_of (second->start_image, first_take);
  /* Each take says where it started. */
  assert_take_start (fixture, shot (fixture, 0), REEL_TAKE_START_NONE, 0);
  assert_take_start (fixture, shot (fixture, 1), REEL_TAKE_START_PREVIOUS_SHOT,
                     chosen_take_id (fixture, shot (fixture, 0)));

  /* Undoable, like every setting. */
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_false (reel_project_get_continuity (fixture->project));
}

static void
test_off (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) requests = NULL;

  g_assert_false (reel_project_get_continuity (fixture->project));
  generate (fixture, 2);
  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_null (request_of (requests, shot (fixture, 1))->start_image);
}

static void
test_failed_shot_before (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;

  g_assert_true (reel_project_set_continuity (fixture->project, TRUE, &error));
  reel_test_backend_fail_shot (fixture->backend, shot (fixture, 0), REEL_BACKEND_ERROR_PERMANENT,
                               G_MAXUINT);
  generate (fixture, 2);

  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_null (request_of (requests, shot (fixture, 1))->start_image);
  g_assert_true (said (fixture, "starts from its own text"));
  g_assert_cmpuint (
      reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, shot (fixture, 1))),
      !=, 0);
}

static double
ledger_total (Fixture *fixture, guint *n_entries)
{
  g_autoptr (GPtrArray) ledger = reel_project_list_ledger (fixture->project);
  double total = 0;

  for (guint i = 0; i < ledger->len; i++)
    total += ((ReelLedgerEntry *) g_ptr_array_index (ledger, i))->amount;
  *n_entries = ledger->len;
  return total;
}

static void
assert_chained_take (Fixture *fixture)
{
  g_autofree char *take = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) clip = reel_media_probe (fixture->clip, NULL, &error);
  double duration;
  guint  n_entries;

  g_assert_no_error (error);
  g_autoptr (GPtrArray) takes = reel_project_list_takes (fixture->project, shot (fixture, 0));

  g_assert_cmpuint (takes->len, ==, 1);
  /* The take cost what its segments did, not just the last one. */
  g_assert_cmpfloat_with_epsilon (((ReelTake *) g_ptr_array_index (takes, 0))->cost, 0.12, 1e-6);
  take = chosen_take_path (fixture, shot (fixture, 0), &duration);
  /* Three segments of the backend's clip, joined. */
  g_assert_cmpfloat_with_epsilon (duration, 3 * clip->duration, 0.3);
  /* Paid per segment: 0.01 a second over 12 s. */
  g_assert_cmpfloat_with_epsilon (ledger_total (fixture, &n_entries), 0.12, 1e-6);
  g_assert_cmpuint (n_entries, ==, 3);
}

static void
test_chained (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;

  reel_test_backend_set_max_duration (fixture->backend, 5);
  g_assert_true (reel_project_set_shot_duration (fixture->project, shot (fixture, 0), 12, &error));
  generate (fixture, 1);

  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_cmpuint (requests->len, ==, 3);
  for (guint k = 0; k < 3; k++)
    {
      ReelJobRequest *request = g_ptr_array_index (requests, k);

      g_assert_cmpuint (request->segment, ==, k);
      g_assert_cmpfloat_with_epsilon (request->duration, 4, 1e-6);
      /* Each segment after the first starts where the one before ended. */
      if (k == 0)
        g_assert_null (request->start_image);
      else
        assert_is_last_frame_of (request->start_image, fixture->clip);
    }
  assert_chained_take (fixture);
  g_assert_true (said (fixture, "Segment 2 of 3"));
  assert_take_start (fixture, shot (fixture, 0), REEL_TAKE_START_NONE, 0);
}

/* A long shot that goes on from the one before: its first segment starts
 * from that shot's last frame, and its joined take says so. */
static void
test_chain_continues_shot (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree char *first_take = NULL;

  g_assert_true (reel_project_set_continuity (fixture->project, TRUE, &error));
  reel_test_backend_set_max_duration (fixture->backend, 5);
  g_assert_true (reel_project_set_shot_duration (fixture->project, shot (fixture, 1), 12, &error));
  generate (fixture, 2);

  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_cmpuint (requests->len, ==, 4);
  first_take = chosen_take_path (fixture, shot (fixture, 0), NULL);
  assert_is_last_frame_of (request_of (requests, shot (fixture, 1))->start_image, first_take);
  assert_take_start (fixture, shot (fixture, 1), REEL_TAKE_START_PREVIOUS_SHOT,
                     chosen_take_id (fixture, shot (fixture, 0)));
}

static void
frame_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gint64 *still_id = user_data;
  g_autoptr (GError) error = NULL;

  *still_id = reel_project_import_frame_finish (REEL_PROJECT (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
id_is_set (gpointer data)
{
  return *(gint64 *) data != 0;
}

/* A frame chosen from one shot's take as the next shot's board. */
static void
test_start_from_chosen_frame (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (ReelTake) still = NULL;
  gint64 still_id = 0;

  generate (fixture, 1);
  reel_project_import_frame_async (fixture->project, shot (fixture, 1),
                                   chosen_take_id (fixture, shot (fixture, 0)), 0.5, NULL,
                                   frame_imported_cb, &still_id);
  reel_test_wait_until (id_is_set, &still_id, 30000, "the frame to be imported");

  fixture->idle = FALSE;
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler,
                                            &g_array_index (fixture->shot_ids, gint64, 1), 1,
                                            &(ReelGenerateOptions){ .backend = "test" }, NULL),
                   !=, 0);
  reel_test_wait_until (reel_test_flag_is_set, &fixture->idle, 30000, "the scheduler to be idle");
  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_nonnull (request_of (requests, shot (fixture, 1))->start_image);
  assert_take_start (fixture, shot (fixture, 1), REEL_TAKE_START_BOARD, still_id);
  /* The still itself was not generated from anything. */
  still = reel_project_get_take (fixture->project, still_id);
  g_assert_cmpint (reel_take_get_start (still, NULL), ==, REEL_TAKE_START_UNKNOWN);
}

static guint
count_segment (GPtrArray *requests, guint segment)
{
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    n += ((ReelJobRequest *) g_ptr_array_index (requests, i))->segment == segment;
  return n;
}

static gboolean
third_segment_runs (gpointer data)
{
  Fixture *fixture = data;

  return fixture->segments_done == 2 && reel_scheduler_get_n_running (fixture->scheduler) == 1;
}

static void
test_chain_resumes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  ReelJobRequest *last;

  reel_test_backend_set_max_duration (fixture->backend, 5);
  g_assert_true (reel_project_set_shot_duration (fixture->project, shot (fixture, 0), 12, &error));
  /* Stopped while the third segment runs. */
  fixture->hold_after = 2;
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler,
                                            (const gint64 *) fixture->shot_ids->data, 1,
                                            &(ReelGenerateOptions){ .backend = "test" }, &error),
                   !=, 0);
  reel_test_wait_until (third_segment_runs, fixture, 30000, "the third segment to run");
  reel_scheduler_shutdown (fixture->scheduler);
  g_clear_object (&fixture->scheduler);
  reel_test_backend_hold (fixture->backend, FALSE);

  fixture->scheduler = make_scheduler (fixture);
  fixture->idle = FALSE;
  g_assert_cmpuint (reel_scheduler_resume_unfinished_jobs (fixture->scheduler, &error), ==, 1);
  g_assert_no_error (error);
  reel_test_wait_until (reel_test_flag_is_set, &fixture->idle, 30000, "the scheduler to be idle");

  /* Segments 1 and 2 were not made again: the third was, after the stop. */
  requests = reel_test_backend_dup_requests (fixture->backend);
  last = g_ptr_array_index (requests, requests->len - 1);
  g_assert_cmpuint (count_segment (requests, 0), ==, 1);
  g_assert_cmpuint (count_segment (requests, 1), ==, 1);
  g_assert_cmpuint (last->segment, ==, 2);
  assert_is_last_frame_of (last->start_image, fixture->clip);
  assert_chained_take (fixture);
}

static gboolean
first_segment_runs (gpointer data)
{
  Fixture *fixture = data;

  /* Running in the scheduler's eyes is not yet running in the engine's: the
   * worker may not have reached it, and a cancel then stops it unstarted. */
  return reel_scheduler_get_n_running (fixture->scheduler) == 1
         && reel_test_backend_count_runs (fixture->backend) == 1;
}

static void
test_cancel_chain (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs = NULL;

  reel_test_backend_set_max_duration (fixture->backend, 5);
  reel_test_backend_hold (fixture->backend, TRUE);
  g_assert_true (reel_project_set_shot_duration (fixture->project, shot (fixture, 0), 12, &error));
  fixture->idle = FALSE;
  g_assert_cmpint (reel_scheduler_generate (fixture->scheduler,
                                            (const gint64 *) fixture->shot_ids->data, 1,
                                            &(ReelGenerateOptions){ .backend = "test" }, &error),
                   !=, 0);
  reel_test_wait_until (first_segment_runs, fixture, 30000, "the first segment to run");
  jobs = reel_scheduler_list_jobs (fixture->scheduler);
  g_assert_cmpuint (jobs->len, ==, 3);
  g_assert_true (reel_scheduler_cancel_job (
      fixture->scheduler, ((ReelJobRecord *) g_ptr_array_index (jobs, 0))->id, &error));
  reel_test_wait_until (reel_test_flag_is_set, &fixture->idle, 30000, "the scheduler to be idle");
  g_clear_pointer (&jobs, g_ptr_array_unref);

  jobs = reel_scheduler_list_jobs (fixture->scheduler);
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpint (((ReelJobRecord *) g_ptr_array_index (jobs, i))->state, ==,
                     REEL_JOB_CANCELLED);
  g_assert_cmpuint (reel_test_backend_count_runs (fixture->backend), ==, 1);
}

/* The job of @shot_id's segment @segment (any job of the shot: -1), in the
 * state @state. */
static gint64
find_job (Fixture *fixture, gint64 shot_id, int segment, ReelJobState state)
{
  g_autoptr (GPtrArray) jobs = reel_scheduler_list_jobs (fixture->scheduler);

  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);
      g_autoptr (ReelJobRequest) request = reel_job_request_new_from_json (job->request, NULL);

      if (job->shot_id == shot_id && job->state == state
          && (segment < 0 || request->segment == (guint) segment))
        return job->id;
    }
  g_assert_not_reached ();
}

static void
retry (Fixture *fixture, gint64 job_id)
{
  g_autoptr (GError) error = NULL;

  fixture->idle = FALSE;
  g_assert_true (reel_scheduler_retry_job (fixture->scheduler, job_id, &error));
  g_assert_no_error (error);
}

static ReelJobRequest *
last_request_of (GPtrArray *requests, gint64 shot_id)
{
  for (guint i = requests->len; i > 0; i--)
    {
      ReelJobRequest *request = g_ptr_array_index (requests, i - 1);

      if (request->shot_id == shot_id)
        return request;
    }
  g_assert_not_reached ();
}

static void
test_retry_middle_segment (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  ReelJobRequest *last;

  reel_test_backend_set_max_duration (fixture->backend, 5);
  g_assert_true (reel_project_set_shot_duration (fixture->project, shot (fixture, 0), 12, &error));
  /* The second segment fails; the third has nothing to start from. */
  fixture->fail_after = 1;
  generate (fixture, 1);
  g_assert_cmpuint (
      reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, shot (fixture, 0))),
      ==, 0);
  g_assert_cmpint (find_job (fixture, shot (fixture, 0), 2, REEL_JOB_FAILED), !=, 0);

  /* Trying the second again makes the third too, from the second's last frame. */
  retry (fixture, find_job (fixture, shot (fixture, 0), 1, REEL_JOB_FAILED));
  reel_test_wait_until (reel_test_flag_is_set, &fixture->idle, 30000, "the scheduler to be idle");

  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_cmpuint (count_segment (requests, 0), ==, 1);
  g_assert_cmpuint (count_segment (requests, 1), ==, 2);
  g_assert_cmpuint (count_segment (requests, 2), ==, 1);
  last = g_ptr_array_index (requests, requests->len - 1);
  g_assert_cmpuint (last->segment, ==, 2);
  assert_is_last_frame_of (last->start_image, fixture->clip);
  assert_chained_take (fixture);
}

static void
test_retry_continued_shot (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree char *first_take = NULL;

  g_assert_true (reel_project_set_continuity (fixture->project, TRUE, &error));
  reel_test_backend_set_max_duration (fixture->backend, 5);
  g_assert_true (reel_project_set_shot_duration (fixture->project, shot (fixture, 0), 12, &error));
  /* The long first shot breaks off in its second segment, and the second
   * shot, which went on from its own text, fails too. */
  fixture->fail_after = 1;
  reel_test_backend_fail_shot (fixture->backend, shot (fixture, 1), REEL_BACKEND_ERROR_PERMANENT,
                               1);
  generate (fixture, 2);
  requests = reel_test_backend_dup_requests (fixture->backend);
  g_assert_null (last_request_of (requests, shot (fixture, 1))->start_image);
  g_clear_pointer (&requests, g_ptr_array_unref);

  /* Both tried again: the second shot waits for the first's joined take and
   * starts from its last frame. */
  retry (fixture, find_job (fixture, shot (fixture, 0), 1, REEL_JOB_FAILED));
  retry (fixture, find_job (fixture, shot (fixture, 1), -1, REEL_JOB_FAILED));
  reel_test_wait_until (reel_test_flag_is_set, &fixture->idle, 30000, "the scheduler to be idle");

  requests = reel_test_backend_dup_requests (fixture->backend);
  first_take = chosen_take_path (fixture, shot (fixture, 0), NULL);
  g_assert_nonnull (last_request_of (requests, shot (fixture, 1))->start_image);
  assert_is_last_frame_of (last_request_of (requests, shot (fixture, 1))->start_image, first_take);
  g_assert_cmpuint (
      reel_shot_get_chosen_take_id (reel_project_lookup_shot (fixture->project, shot (fixture, 1))),
      !=, 0);
}

static void
sound_handoff_cb (GstElement *sink, GstBuffer *buffer, GstPad *pad, GByteArray *samples)
{
  GstMapInfo map;

  if (gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_byte_array_append (samples, map.data, map.size);
      gst_buffer_unmap (buffer, &map);
    }
}

#define SOUND_RATE 8000

/* The soundtrack of @path, as 16-bit mono samples at SOUND_RATE. */
static GByteArray *
decode_sound (const char *path)
{
  g_autofree char *description = g_strdup_printf (
      "filesrc location=\"%s\" ! qtdemux ! aacparse ! avdec_aac ! audioconvert ! audioresample ! "
      "audio/x-raw,format=S16LE,channels=1,rate=%d ! fakesink name=sink sync=false "
      "signal-handoffs=true",
      path, SOUND_RATE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  GByteArray *samples = g_byte_array_new ();

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_signal_connect (sink, "handoff", G_CALLBACK (sound_handoff_cb), samples);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return samples;
}

/* How loud the soundtrack is from @from to @to seconds (root mean square). */
static double
loudness (GByteArray *samples, double from, double to)
{
  const gint16 *values = (const gint16 *) samples->data;
  guint n = samples->len / 2, first = (guint) (from * SOUND_RATE), last = (guint) (to * SOUND_RATE);
  double sum = 0;

  g_assert_cmpuint (last, <=, n);
  for (guint i = first; i < last; i++)
    sum += (double) values[i] * values[i];
  return sqrt (sum / MAX (last - first, 1));
}

/* Sets the test backend handing back a clip with a soundtrack (a tone),
 * and returns the path of the same clip without one. */
static char *
make_sound_clips (Fixture *fixture)
{
  g_autofree char *sound = g_build_filename (fixture->dir, "ball-sound.mp4", NULL);
  char            *silent = g_build_filename (fixture->dir, "ball-silent.mp4", NULL);
  g_autofree char *pipeline = g_strdup_printf (
      "videotestsrc num-buffers=8 pattern=ball ! video/x-raw,width=64,height=36,framerate=8/1 ! "
      "videoconvert ! x264enc bframes=0 ! mux. "
      "audiotestsrc num-buffers=100 samplesperbuffer=480 volume=0.5 ! "
      "audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux. "
      "mp4mux name=mux ! filesink location=\"%s\"",
      sound);

  reel_test_run_pipeline (pipeline);
  copy_file (fixture->clip, silent);
  copy_file (sound, fixture->clip);
  return silent;
}

static char *
joined_take_with_sound (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  char *take;

  reel_test_backend_set_max_duration (fixture->backend, 5);
  g_assert_true (reel_project_set_shot_duration (fixture->project, shot (fixture, 0), 12, &error));
  generate (fixture, 1);
  take = chosen_take_path (fixture, shot (fixture, 0), NULL);
  info = reel_media_probe (take, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (info->has_audio);
  return take;
}

static void
test_chain_keeps_sound (Fixture *fixture, gconstpointer data)
{
  g_autofree char *silent = make_sound_clips (fixture);
  g_autofree char *take = joined_take_with_sound (fixture);
  g_autoptr (GByteArray) samples = decode_sound (take);

  /* Three seconds of tone, heard across both joins. */
  g_assert_cmpfloat_with_epsilon (samples->len / 2.0 / SOUND_RATE, 3, 0.15);
  for (double at = 0.1; at < 2.8; at += 0.2)
    g_assert_cmpfloat (loudness (samples, at, at + 0.1), >, 3000);
}

static void
test_chain_fills_silence (Fixture *fixture, gconstpointer data)
{
  g_autofree char *silent = make_sound_clips (fixture);
  g_autofree char *take = NULL;
  g_autoptr (GByteArray) samples = NULL;

  /* The second segment comes back without a soundtrack. */
  fixture->swap_in[1] = g_strdup (silent);
  fixture->swap_in[2] = g_build_filename (fixture->dir, "ball-sound.mp4", NULL);
  take = joined_take_with_sound (fixture);
  samples = decode_sound (take);

  /* Its second is silent, and the third segment's tone comes after it, in
   * step with its picture. */
  g_assert_cmpfloat_with_epsilon (samples->len / 2.0 / SOUND_RATE, 3, 0.15);
  g_assert_cmpfloat (loudness (samples, 0.2, 0.8), >, 3000);
  g_assert_cmpfloat (loudness (samples, 1.2, 1.8), <, 50);
  g_assert_cmpfloat (loudness (samples, 2.2, 2.8), >, 3000);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/continuity/last-frame", test_last_frame);
  ADD ("/continuity/off", test_off);
  ADD ("/continuity/failed-shot-before", test_failed_shot_before);
  ADD ("/continuity/chained", test_chained);
  ADD ("/continuity/chain-resumes", test_chain_resumes);
  ADD ("/continuity/cancel-chain", test_cancel_chain);
  ADD ("/continuity/retry-middle-segment", test_retry_middle_segment);
  ADD ("/continuity/retry-continued-shot", test_retry_continued_shot);
  ADD ("/continuity/chain-continues-shot", test_chain_continues_shot);
  ADD ("/continuity/start-from-chosen-frame", test_start_from_chosen_frame);
  ADD ("/continuity/chain-keeps-sound", test_chain_keeps_sound);
  ADD ("/continuity/chain-fills-silence", test_chain_fills_silence);
#undef ADD

  return g_test_run ();
}
