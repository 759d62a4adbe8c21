/* test-feature.c: a feature-length project of 2,000 shots in a real window under Xvfb
 *
 * A director's previs of a feature: 500 scenes of four shots. The window opens it through the
 * application's own path, which opens the project in a worker: the call returns at once with
 * the window showing that it is opening, and the project arrives later. The test then checks
 * that the first scene and the storyboard are on show, scrolls the storyboard and the scene
 * list to their ends until the last shot and the last scene are in sight, and scrolls the
 * timeline to its end until the last clip is in sight. Every wait is on the widgets' own
 * state, bounded, and nothing is timed: bench-open does the timing.
 *
 * A second test opens a project of an older file format: the window says that it upgrades it
 * while the worker keeps the copy and migrates it. A third lists 2,000 jobs in the Jobs view,
 * which makes rows only for the jobs in sight, and scrolls it to the last one.
 *
 * STORYREEL_TEST_FEATURE_SHOTS sets another number of shots, for a quicker run by hand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <gst/gst.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "reel-jobs-page.h"
#include "reel-job-row.h"
#include "reel-scene-row.h"
#include "reel-shot-card.h"
#include "reel-test-feature.h"
#include "reel-test-utils.h"
#include "reel-timeline-view.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

#define DEFAULT_SHOTS 2000

static ReelApplication *application;

static guint
n_shots_wanted (void)
{
  const char *value = g_getenv ("STORYREEL_TEST_FEATURE_SHOTS");
  int         n = value != NULL ? atoi (value) : 0;

  return n > 0 ? (guint) n : DEFAULT_SHOTS;
}

/* The first scrolled window in @root, breadth first: the storyboard's, whatever it scrolls. */
static GtkScrolledWindow *
find_scroller (GtkWidget *root)
{
  g_autoptr (GPtrArray) queue = g_ptr_array_new ();

  g_ptr_array_add (queue, root);
  for (guint i = 0; i < queue->len; i++)
    {
      GtkWidget *widget = queue->pdata[i];

      if (GTK_IS_SCROLLED_WINDOW (widget))
        return GTK_SCROLLED_WINDOW (widget);
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (queue, child);
    }
  return NULL;
}

static void
scroll_to_end (GtkAdjustment *adjustment)
{
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                            - gtk_adjustment_get_page_size (adjustment));
}

/* A view that estimates the size of what it has not laid out yet may grow
 * as it scrolls: each check scrolls to the end again. */
typedef struct
{
  GtkAdjustment *adjustment;
  GtkWidget     *root;
  gpointer       wanted; /* ReelShot or ReelScene */
} Reach;

static gboolean
card_in_sight (gpointer data)
{
  Reach *reach = data;
  g_autoptr (GPtrArray) cards = reel_ui_test_find_mapped (reach->root, REEL_TYPE_SHOT_CARD);

  scroll_to_end (reach->adjustment);
  for (guint i = 0; i < cards->len; i++)
    if (reel_shot_card_get_shot (cards->pdata[i]) == reach->wanted)
      return TRUE;
  return FALSE;
}

static gboolean
scene_row_in_sight (gpointer data)
{
  Reach *reach = data;
  g_autoptr (GPtrArray) rows = reel_ui_test_find_mapped (reach->root, REEL_TYPE_SCENE_ROW);

  scroll_to_end (reach->adjustment);
  for (guint i = 0; i < rows->len; i++)
    if (reel_scene_row_get_scene (rows->pdata[i]) == reach->wanted)
      return TRUE;
  return FALSE;
}

typedef struct
{
  ReelTimelineView *view;
  guint             n_clips;
} Clips;

static gboolean
cut_shown (gpointer data)
{
  Clips *clips = data;

  return reel_timeline_view_get_n_clips (clips->view) == clips->n_clips;
}

typedef struct
{
  GtkAdjustment    *adjustment;
  ReelTimelineView *view;
  guint             index;
} ClipReach;

static gboolean
clip_in_sight (gpointer data)
{
  ClipReach      *reach = data;
  graphene_rect_t bounds;
  double          from, to;

  scroll_to_end (reach->adjustment);
  from = gtk_adjustment_get_value (reach->adjustment);
  to = from + gtk_adjustment_get_page_size (reach->adjustment);
  return gtk_widget_get_mapped (GTK_WIDGET (reach->view))
         && reel_timeline_view_get_clip_bounds (reach->view, reach->index, &bounds)
         && bounds.origin.x >= from && bounds.origin.x + bounds.size.width <= to;
}

static gpointer
item_at (GListModel *model, guint position)
{
  g_autoptr (GObject) item = g_list_model_get_item (model, position);

  /* The project's stores keep it. */
  return item;
}

static void
test_feature_open_and_scroll (void)
{
  guint            n_shots = n_shots_wanted ();
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "Feature.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  ReelWindow  *window;
  ReelProject *project;
  GListModel  *shots, *scenes;
  GtkWidget   *storyboard, *timeline_page;
  Reach        reach = { 0 };

  reel_test_make_feature_project (path, n_shots);

  window = reel_window_new (application);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_assert_true (reel_application_open_file (application, file, GTK_WINDOW (window)) == window);

  g_test_message ("Opening the project");
  /* Opened in a worker: the window says so until the project arrives. */
  g_assert_true (reel_window_is_loading (window));
  g_assert_null (reel_window_get_project (window));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, window, "the window to be mapped");
  reel_ui_test_wait_until (reel_ui_test_window_has_project, window, "the project to open");
  g_assert_false (reel_window_is_loading (window));
  reel_ui_test_settle (GTK_WIDGET (window));

  project = reel_window_get_project (window);
  shots = reel_project_get_shots (project);
  scenes = reel_project_get_scenes (project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, n_shots);
  g_assert_cmpuint (g_list_model_get_n_items (scenes), ==, (n_shots + 3) / 4);

  /* The storyboard is on show, from the first shot, and the scene list from the first scene. */
  g_assert_cmpstr (reel_window_get_visible_view (window), ==, "storyboard");
  storyboard = reel_window_get_view (window, "storyboard");
  {
    g_autoptr (GPtrArray) cards = reel_ui_test_find_mapped (storyboard, REEL_TYPE_SHOT_CARD);
    g_autoptr (GPtrArray) rows
        = reel_ui_test_find_mapped (GTK_WIDGET (window), REEL_TYPE_SCENE_ROW);

    g_assert_cmpuint (cards->len, >, 0);
    g_assert_true (reel_shot_card_get_shot (cards->pdata[0]) == item_at (shots, 0));
    g_assert_cmpuint (rows->len, >, 0);
    g_assert_true (reel_scene_row_get_scene (rows->pdata[0]) == item_at (scenes, 0));
  }

  g_test_message ("Scrolling the storyboard");
  /* Down to the last shot of the storyboard. */
  reach.root = storyboard;
  reach.adjustment = gtk_scrolled_window_get_vadjustment (find_scroller (storyboard));
  reach.wanted = item_at (shots, n_shots - 1);
  reel_ui_test_wait_until (card_in_sight, &reach, "the last shot's card to come into sight");

  g_test_message ("Scrolling the scene list");
  /* And to the last scene of the scene list. */
  {
    g_autoptr (GPtrArray) rows
        = reel_ui_test_find_mapped (GTK_WIDGET (window), REEL_TYPE_SCENE_ROW);
    GtkWidget *scroller = gtk_widget_get_ancestor (rows->pdata[0], GTK_TYPE_SCROLLED_WINDOW);

    g_assert_nonnull (scroller);
    reach.root = GTK_WIDGET (window);
    reach.adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
    reach.wanted = item_at (scenes, g_list_model_get_n_items (scenes) - 1);
    reel_ui_test_wait_until (scene_row_in_sight, &reach, "the last scene to come into sight");
  }

  g_test_message ("Scrolling the timeline");
  /* The timeline, across to its last clip. */
  reel_window_show_view (window, "timeline");
  timeline_page = reel_window_get_view (window, "timeline");
  {
    Clips clips
        = { REEL_TIMELINE_VIEW (reel_ui_test_find_first (timeline_page, REEL_TYPE_TIMELINE_VIEW)),
            n_shots };
    ClipReach  clip = { NULL, clips.view, n_shots - 1 };
    GtkWidget *scroller;

    g_assert_nonnull (clips.view);
    reel_ui_test_wait_until (cut_shown, &clips, "the timeline to show every clip");
    scroller = gtk_widget_get_ancestor (GTK_WIDGET (clips.view), GTK_TYPE_SCROLLED_WINDOW);
    g_assert_nonnull (scroller);
    clip.adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
    reel_ui_test_wait_until (clip_in_sight, &clip, "the last clip to come into sight");
    reel_ui_test_save_png (GTK_WIDGET (window), "feature-timeline-end.png", NULL);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (tmpdir);
}

typedef struct
{
  AdwStatusPage *page;
  gboolean       upgrading;
} LoadingTitles;

static void
loading_title_cb (AdwStatusPage *page, GParamSpec *pspec, LoadingTitles *titles)
{
  titles->upgrading |= g_strcmp0 (adw_status_page_get_title (page), "Upgrading Project…") == 0;
}

static void
test_feature_upgrade (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "Ferry.storyreel", NULL);
  g_autofree char *backup = g_strconcat (path, ".v4-backup", NULL);
  g_autofree char *sql_path = reel_test_source_path ("tests/project/schema-v4.sql");
  g_autofree char *sql = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GPtrArray) pages = NULL;
  LoadingTitles titles = { 0 };
  ReelWindow   *window;
  sqlite3      *db = NULL;
  char         *message = NULL;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, sql, NULL, NULL, &message);
  g_assert_null (message);
  sqlite3_close (db);

  window = reel_window_new (application);
  pages = g_ptr_array_new ();
  reel_ui_test_collect_descendants (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, pages);
  for (guint i = 0; i < pages->len; i++)
    g_signal_connect (pages->pdata[i], "notify::title", G_CALLBACK (loading_title_cb), &titles);

  reel_application_open_file (application, file, GTK_WINDOW (window));
  reel_ui_test_wait_until (reel_ui_test_window_has_project, window, "the project to open");
  g_assert_true (titles.upgrading);
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  g_assert_false (reel_window_is_loading (window));

  for (guint i = 0; i < pages->len; i++)
    g_signal_handlers_disconnect_by_data (pages->pdata[i], &titles);
  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (tmpdir);
}

typedef struct
{
  GtkAdjustment *adjustment;
  GtkWidget     *page;
  gint64         job_id;
} JobReach;

static gboolean
job_row_in_sight (gpointer data)
{
  JobReach *reach = data;
  g_autoptr (GPtrArray) rows = reel_ui_test_find_mapped (reach->page, REEL_TYPE_JOB_ROW);

  scroll_to_end (reach->adjustment);
  for (guint i = 0; i < rows->len; i++)
    if (reel_job_row_get_job (rows->pdata[i])->id == reach->job_id)
      return TRUE;
  return FALSE;
}

static void
test_feature_jobs (void)
{
  const guint      n_jobs = MAX (n_shots_wanted (), 40);
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "Jobs.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelScheduler) scheduler = NULL;
  g_autoptr (GPtrArray) jobs
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GListModel *shots;
  GtkWidget  *window, *page;
  JobReach    reach = { 0 };

  reel_test_make_feature_project (path, 40);
  project = reel_project_open (file, &error);
  g_assert_no_error (error);
  shots = reel_project_get_shots (project);

  /* A batch of a feature, queued to an engine that is not set up: it waits. */
  for (guint i = 0; i < n_jobs; i++)
    {
      ReelJobRecord *job = reel_job_record_new ();
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i % 40);

      job->shot_id = reel_shot_get_id (shot);
      job->backend = g_strdup ("nowhere");
      job->variant = i / 40;
      g_ptr_array_add (jobs, job);
    }
  g_assert_true (reel_project_queue_jobs (project, jobs, &error));
  g_assert_no_error (error);
  scheduler = reel_scheduler_new (project);

  page = g_object_new (REEL_TYPE_JOBS_PAGE, NULL);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  reel_jobs_page_set_scheduler (REEL_JOBS_PAGE (page), scheduler);
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, window, "the window to be mapped");
  reel_ui_test_settle (window);

  /* Rows for what is in sight and a little more, not for every job. */
  reel_ui_test_collect_descendants (page, REEL_TYPE_JOB_ROW, rows);
  g_test_message ("%u rows for %u jobs", rows->len, n_jobs);
  g_assert_cmpuint (rows->len, >, 0);
  g_assert_cmpuint (rows->len, <=, 250);

  /* In the queue's order, the last queued job comes last. */
  reach.page = page;
  reach.adjustment = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (rows->pdata[0], GTK_TYPE_SCROLLED_WINDOW)));
  reach.job_id = ((ReelJobRecord *) g_ptr_array_index (jobs, n_jobs - 1))->id;
  reel_ui_test_wait_until (job_row_in_sight, &reach, "the last job's row to come into sight");

  reel_jobs_page_set_scheduler (REEL_JOBS_PAGE (page), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (tmpdir);
}

static gboolean
window_shows_a_project (gpointer data)
{
  return reel_window_get_project (data) != NULL && !reel_window_is_loading (data);
}

/* Whether the header bar's button for the window's action @name can be
 * clicked. */
static gboolean
action_enabled (ReelWindow *window, const char *name)
{
  g_autofree char *action = g_strconcat ("win.", name, NULL);
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), action) == 0
        && gtk_widget_get_ancestor (buttons->pdata[i], ADW_TYPE_HEADER_BAR) != NULL)
      return gtk_widget_get_sensitive (buttons->pdata[i]);
  g_error ("No button for %s in the header bar", action);
}

/* Open Recent twice in a row into one window: the project asked for last is
 * the one shown, whichever opens first, and nothing acts on the project
 * still set while the window says it opens another. */
static void
test_feature_open_twice (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *big_path = g_build_filename (tmpdir, "Feature.storyreel", NULL);
  g_autoptr (GFile) big = g_file_new_for_path (big_path);
  g_autoptr (GFile) small = NULL;
  ReelWindow *window;

  {
    g_autoptr (ReelProject) demo = reel_ui_test_load_demo_project (tmpdir);

    small = g_object_ref (reel_project_get_file (demo));
  }
  reel_test_make_feature_project (big_path, n_shots_wanted ());

  window = reel_window_new (application);
  reel_application_open_file (application, small, GTK_WINDOW (window));
  reel_ui_test_wait_until (window_shows_a_project, window, "the first project to open");
  g_assert_true (action_enabled (window, "break-down"));
  g_assert_true (action_enabled (window, "export"));

  /* The small project again, then the big one: the small one arrives first. */
  reel_application_open_file (application, small, GTK_WINDOW (window));
  reel_application_open_file (application, big, GTK_WINDOW (window));
  g_assert_true (reel_window_is_loading (window));
  g_assert_false (action_enabled (window, "break-down"));
  g_assert_false (action_enabled (window, "export"));
  g_assert_false (action_enabled (window, "generate-all"));

  reel_ui_test_wait_until (window_shows_a_project, window, "the last project asked for to open");
  g_assert_true (g_file_equal (reel_project_get_file (reel_window_get_project (window)), big));
  g_assert_true (action_enabled (window, "break-down"));
  g_assert_true (action_enabled (window, "export"));

  gtk_window_destroy (GTK_WINDOW (window));
  reel_test_rm_rf (tmpdir);
}

int
main (int argc, char *argv[])
{
  int status;

  /* Xvfb has no GPU: GTK's GL renderer runs on llvmpipe, which on the
   * two-core CI machine spends minutes drawing a 2,000-shot timeline while
   * the preview renders its cards (5 s with Cairo). What this test checks
   * (what exists, what can be reached) does not depend on the renderer. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_test_init (&argc, &argv, NULL);
  /* The timeline's preview is a GES pipeline. */
  gst_init (&argc, &argv);
  /* Bounded, but with room for a loaded two-core machine. */
  reel_ui_test_set_wait_timeout (300000);

  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/feature/upgrade", test_feature_upgrade);
  g_test_add_func ("/ui/feature/jobs", test_feature_jobs);
  g_test_add_func ("/ui/feature/open-twice", test_feature_open_twice);
  g_test_add_func ("/ui/feature/open-and-scroll", test_feature_open_and_scroll);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
