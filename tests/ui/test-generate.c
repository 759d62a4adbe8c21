/* test-generate.c: generating the demo project's shots in a real window
 *
 * Drives the window through its actions, as a user would with the buttons:
 * Generate All, the take strip (play, variants, choose, compare, delete and
 * undo), the Jobs view with a failed job and its Retry, a corrupt import and
 * a missing media file. Waits on the scheduler's signals, never on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "reel-application.h"
#include "reel-job-row.h"
#include "reel-jobs-page.h"
#include "reel-media-store.h"
#include "reel-project-jobs.h"
#include "reel-scheduler.h"
#include "reel-shot-card.h"
#include "reel-take-strip.h"
#include "reel-take-tile.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

/* Registered, so its startup ran: styles, shortcuts, help overlay. */
static ReelApplication *application;

/* A stand-in for the desktop's notification server on the test's own bus, so
 * the test sees what the window tells the desktop. */

typedef struct
{
  guint      owner_id;
  guint      registration_id;
  GPtrArray *titles;
  GPtrArray *bodies;
} NotificationServer;

static const char notifications_xml[]
    = "<node><interface name='org.freedesktop.Notifications'>"
      "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
      "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
      "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/>"
      "<arg type='i' direction='in'/><arg type='u' direction='out'/></method>"
      "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
      "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
      "<method name='GetServerInformation'><arg type='s' direction='out'/>"
      "<arg type='s' direction='out'/><arg type='s' direction='out'/>"
      "<arg type='s' direction='out'/></method>"
      "</interface></node>";

static void
notification_method_cb (GDBusConnection       *connection,
                        const char            *sender,
                        const char            *object_path,
                        const char            *interface_name,
                        const char            *method_name,
                        GVariant              *parameters,
                        GDBusMethodInvocation *invocation,
                        gpointer               user_data)
{
  NotificationServer *server = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      const char *title, *body;

      g_variant_get_child (parameters, 3, "&s", &title);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (server->titles, g_strdup (title));
      g_ptr_array_add (server->bodies, g_strdup (body));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", server->titles->len));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new_parsed ("(@as ['body', 'actions'],)"));
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (
        invocation, g_variant_new ("(ssss)", "test", "storyreel", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notification_vtable = { notification_method_cb, NULL, NULL };

static void
name_acquired_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
notification_server_start (NotificationServer *server)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  gboolean acquired = FALSE;

  g_assert_nonnull (bus);
  server->titles = g_ptr_array_new_with_free_func (g_free);
  server->bodies = g_ptr_array_new_with_free_func (g_free);
  server->registration_id = g_dbus_connection_register_object (
      bus, "/org/freedesktop/Notifications", info->interfaces[0], &notification_vtable, server,
      NULL, NULL);
  g_assert_cmpuint (server->registration_id, >, 0);
  server->owner_id = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications",
                                                   G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired_cb,
                                                   NULL, &acquired, NULL);
  reel_ui_test_wait_until (reel_ui_test_flag_is_set, &acquired, "the notification server's name");
}

static gboolean
window_is_inactive (gpointer data)
{
  return !gtk_window_is_active (GTK_WINDOW (data));
}

static gboolean
notification_received (gpointer data)
{
  return ((NotificationServer *) data)->titles->len > 0;
}

static void
notification_server_stop (NotificationServer *server)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  g_dbus_connection_unregister_object (bus, server->registration_id);
  g_bus_unown_name (server->owner_id);
  g_clear_pointer (&server->titles, g_ptr_array_unref);
  g_clear_pointer (&server->bodies, g_ptr_array_unref);
}

/* Waiting for the scheduler */

static void
idle_cb (ReelScheduler *scheduler, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Runs @start, then iterates until the scheduler has nothing left to do. */
static void
run_until_idle (ReelScheduler *scheduler, gboolean *idle, const char *what)
{
  reel_ui_test_wait_until (reel_ui_test_flag_is_set, idle, what);
  *idle = FALSE;
}

static GPtrArray *
all_cards (ReelWindow *window)
{
  GPtrArray *cards = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (window), REEL_TYPE_SHOT_CARD, cards);
  return cards;
}

static ReelShotCard *
card_for_shot (ReelWindow *window, gint64 shot_id)
{
  g_autoptr (GPtrArray) cards = all_cards (window);

  for (guint i = 0; i < cards->len; i++)
    if (reel_shot_get_id (reel_shot_card_get_shot (cards->pdata[i])) == shot_id)
      return cards->pdata[i];
  return NULL;
}

/* Cards decode their pictures in a worker: @data is a ReelShotCard. */
static gboolean
card_has_picture (gpointer data)
{
  return reel_shot_card_has_picture (data);
}

/* The tile a user sees for @take_id in @strip, or NULL. */
static GtkWidget *
tile_for_take (ReelTakeStrip *strip, gint64 take_id)
{
  g_autoptr (GPtrArray) tiles = reel_ui_test_find_mapped (GTK_WIDGET (strip), REEL_TYPE_TAKE_TILE);

  for (guint i = 0; i < tiles->len; i++)
    if (reel_take_tile_get_take_id (tiles->pdata[i]) == take_id)
      return tiles->pdata[i];
  return NULL;
}

static gboolean
card_left_not_generated (gpointer data)
{
  return g_strcmp0 (reel_shot_card_get_status_text (data), "Not generated yet") != 0;
}

static gboolean
array_contains (GArray *ids, gint64 id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static gboolean
stream_is_prepared (gpointer data)
{
  GtkMediaStream *stream = gtk_video_get_media_stream (data);

  g_assert_no_error (stream != NULL ? gtk_media_stream_get_error (stream) : NULL);
  return stream != NULL && gtk_media_stream_is_prepared (stream);
}

static gboolean
both_playing (gpointer data)
{
  GPtrArray *streams = data;

  for (guint i = 0; i < streams->len; i++)
    {
      GtkMediaStream *stream = streams->pdata[i];

      g_assert_no_error (stream != NULL ? gtk_media_stream_get_error (stream) : NULL);
      /* Short takes may have played to their end by the time we look. */
      if (stream == NULL
          || !(gtk_media_stream_get_playing (stream) || gtk_media_stream_get_ended (stream)))
        return FALSE;
    }
  return TRUE;
}

static GPtrArray *
job_rows (ReelWindow *window)
{
  GPtrArray *rows = g_ptr_array_new ();

  reel_jobs_page_refresh (REEL_JOBS_PAGE (reel_window_get_view (window, "jobs")));
  reel_ui_test_collect_descendants (reel_window_get_view (window, "jobs"), REEL_TYPE_JOB_ROW, rows);
  return rows;
}

typedef struct
{
  gboolean done;
  gint64   take_id;
  GError  *error;
} ImportResult;

static void
import_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportResult *import = user_data;

  import->take_id
      = reel_take_strip_import_file_finish (REEL_TAKE_STRIP (source), result, &import->error);
  import->done = TRUE;
}

static gboolean
take_has_problem (gpointer data)
{
  gpointer *args = data;

  return reel_take_strip_get_take_problem (args[0], *(gint64 *) args[1]) != NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        return TRUE;
    }
  return FALSE;
}

static void
close_message_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr (GPtrArray) dialogs = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        g_ptr_array_add (dialogs, toplevel);
    }
  for (guint i = 0; i < dialogs->len; i++)
    gtk_window_destroy (dialogs->pdata[i]);
}

static void
test_generate_demo (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GPtrArray) takes = NULL;
  g_autoptr (GArray) shown = NULL;
  NotificationServer notifications = { 0 };
  GListModel        *shots;
  ReelWindow        *window;
  ReelScheduler     *scheduler;
  ReelTakeStrip     *strip;
  GtkWidget         *player;
  gboolean           idle = FALSE;
  gboolean           was_active;
  guint              n_shots;
  gint64             first_shot, second_shot, first_take, batch;

  notification_server_start (&notifications);

  project = reel_ui_test_load_demo_project (tmpdir);
  /* Small frames keep the animatic quick; the pipeline is the same. */
  g_assert_true (reel_project_set_resolution (project, 320, 180, &error));
  g_assert_no_error (error);
  g_assert_true (reel_project_set_fps (project, 12, &error));
  g_assert_no_error (error);
  shots = reel_project_get_shots (project);
  n_shots = g_list_model_get_n_items (shots);
  g_assert_cmpuint (n_shots, >=, 4);
  {
    g_autoptr (ReelShot) shot0 = g_list_model_get_item (shots, 0);
    g_autoptr (ReelShot) shot1 = g_list_model_get_item (shots, 1);

    first_shot = reel_shot_get_id (shot0);
    second_shot = reel_shot_get_id (shot1);
  }

  window = reel_ui_test_open_window (application, project, 1280, 860);
  g_assert_cmpstr (reel_window_get_visible_view (window), ==, "storyboard");

  scheduler = reel_window_get_scheduler (window);
  g_assert_nonnull (scheduler);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), &idle);

  /* Nothing generated yet: every card says so and has no picture. */
  cards = all_cards (window);
  g_assert_cmpuint (cards->len, ==, n_shots);
  for (guint i = 0; i < cards->len; i++)
    {
      g_assert_false (reel_shot_card_has_picture (cards->pdata[i]));
      g_assert_cmpstr (reel_shot_card_get_status_text (cards->pdata[i]), ==, "Not generated yet");
    }

  /* Generate All, as the header-bar button and Ctrl+G do. */
  was_active = gtk_window_is_active (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-all", NULL));
  /* Its estimate is worked out in a worker, then the jobs are queued. */
  reel_ui_test_wait_until (card_left_not_generated, card_for_shot (window, second_shot),
                           "Generate All to queue the shots");
  reel_ui_test_settle (GTK_WIDGET (window));
  /* Queued or already running: the cards say so. */
  {
    const char *status = reel_shot_card_get_status_text (card_for_shot (window, second_shot));

    g_assert_true (g_str_equal (status, "Queued") || g_str_has_prefix (status, "Generating")
                   || g_str_equal (status, "Done"));
  }
  run_until_idle (scheduler, &idle, "every shot to be generated");
  reel_ui_test_settle (GTK_WIDGET (window));

  for (guint i = 0; i < n_shots; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      ReelShotCard *card = card_for_shot (window, reel_shot_get_id (shot));

      g_assert_cmpint (reel_shot_get_chosen_take_id (shot), !=, 0);
      g_assert_cmpuint (reel_shot_get_n_takes (shot), ==, 1);
      g_assert_nonnull (card);
      g_assert_cmpstr (reel_shot_card_get_status_text (card), ==, "Done");
      reel_ui_test_wait_until (card_has_picture, card, "the card's picture");
      g_assert_null (reel_shot_card_get_media_problem (card));
    }
  reel_ui_test_save_png (GTK_WIDGET (window), "storyboard-generated.png", NULL);

  /* In the background, the desktop hears of it; in front, a toast says it. */
  g_test_message ("The window was %s", was_active ? "active: a toast" : "in the background");
  if (!was_active)
    {
      g_autofree char *body = g_strdup_printf ("%u takes done", n_shots);

      reel_ui_test_wait_until (notification_received, &notifications, "the desktop notification");
      g_assert_cmpuint (notifications.titles->len, >=, 1);
      g_assert_cmpstr (notifications.titles->pdata[0], ==, "Generation Finished");
      g_assert_cmpstr (notifications.bodies->pdata[0], ==, body);
    }
  else
    g_assert_cmpuint (notifications.titles->len, ==, 0);

  /* The take strip of the first shot shows its one take, and plays it. */
  reel_window_select_shot (window, first_shot);
  reel_ui_test_settle (GTK_WIDGET (window));
  strip = REEL_TAKE_STRIP (reel_ui_test_find_first (GTK_WIDGET (window), REEL_TYPE_TAKE_STRIP));
  g_assert_nonnull (strip);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (strip)));
  g_assert_cmpint (reel_take_strip_get_shot (strip), ==, first_shot);
  first_take = reel_shot_get_chosen_take_id (reel_project_lookup_shot (project, first_shot));
  shown = reel_take_strip_dup_shown_takes (strip);
  g_assert_cmpuint (shown->len, ==, 1);
  g_assert_cmpint (g_array_index (shown, gint64, 0), ==, first_take);
  g_clear_pointer (&shown, g_array_unref);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "take.play", "x", first_take));
  reel_ui_test_settle (GTK_WIDGET (window));
  {
    g_autoptr (GPtrArray) videos = reel_ui_test_find_mapped (GTK_WIDGET (strip), GTK_TYPE_VIDEO);

    g_assert_cmpuint (videos->len, ==, 1);
    player = videos->pdata[0];
    reel_ui_test_wait_until (stream_is_prepared, player, "the take to be prepared for playing");
    g_assert_true (gtk_media_stream_has_video (gtk_video_get_media_stream (GTK_VIDEO (player))));
  }

  /* Three variants of the selected shot: the strip shows four takes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-variants", NULL));
  run_until_idle (scheduler, &idle, "the variants to be generated");
  reel_ui_test_settle (GTK_WIDGET (window));
  takes = reel_project_list_takes (project, first_shot);
  g_assert_cmpuint (takes->len, ==, 4);
  shown = reel_take_strip_dup_shown_takes (strip);
  g_assert_cmpuint (shown->len, ==, 4);
  for (guint i = 0; i < takes->len; i++)
    g_assert_cmpint (g_array_index (shown, gint64, i), ==, ((ReelTake *) takes->pdata[i])->id);
  g_clear_pointer (&shown, g_array_unref);
  /* Variants differ by seed. */
  g_assert_cmpint (((ReelTake *) takes->pdata[1])->seed, !=, ((ReelTake *) takes->pdata[2])->seed);

  /* Choose the second take with its tile's button; undo would bring the
   * first back. */
  {
    gint64     second_take = ((ReelTake *) takes->pdata[1])->id;
    GtkWidget *tile = tile_for_take (strip, second_take);

    g_assert_nonnull (tile);
    g_assert_true (gtk_widget_activate_action (tile, "tile.choose", NULL));
    reel_ui_test_settle (GTK_WIDGET (window));
    g_assert_cmpint (reel_shot_get_chosen_take_id (reel_project_lookup_shot (project, first_shot)),
                     ==, second_take);
    reel_ui_test_wait_until (card_has_picture, card_for_shot (window, first_shot),
                             "the chosen take's picture");
  }

  /* Compare two takes side by side: both play, started together. */
  reel_take_strip_compare (strip, ((ReelTake *) takes->pdata[0])->id,
                           ((ReelTake *) takes->pdata[1])->id);
  reel_ui_test_settle (GTK_WIDGET (window));
  {
    g_autoptr (GPtrArray) streams = g_ptr_array_new ();

    g_ptr_array_add (streams, reel_take_strip_get_compare_stream (strip, 0));
    g_ptr_array_add (streams, reel_take_strip_get_compare_stream (strip, 1));
    g_assert_nonnull (streams->pdata[0]);
    g_assert_nonnull (streams->pdata[1]);
    reel_ui_test_wait_until (both_playing, streams, "both compared takes to play");
    /* The single player stopped: one thing plays at a time. */
    g_assert_null (gtk_video_get_media_stream (GTK_VIDEO (player)));
  }
  reel_ui_test_settle (GTK_WIDGET (window));
  reel_ui_test_save_png (GTK_WIDGET (window), "takes.png", NULL);

  /* Delete the third take from its tile's menu; Undo brings it back. */
  {
    gint64     third_take = ((ReelTake *) takes->pdata[2])->id;
    GtkWidget *tile = tile_for_take (strip, third_take);

    g_assert_nonnull (tile);
    g_assert_true (gtk_widget_activate_action (tile, "tile.delete", NULL));
    reel_ui_test_settle (GTK_WIDGET (window));
    shown = reel_take_strip_dup_shown_takes (strip);
    g_assert_cmpuint (shown->len, ==, 3);
    g_assert_false (array_contains (shown, third_take));
    g_clear_pointer (&shown, g_array_unref);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    reel_ui_test_settle (GTK_WIDGET (window));
    shown = reel_take_strip_dup_shown_takes (strip);
    g_assert_cmpuint (shown->len, ==, 4);
    g_assert_true (array_contains (shown, third_take));
    g_clear_pointer (&shown, g_array_unref);
  }

  /* The Jobs view lists every job, all done. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "jobs"));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpstr (reel_window_get_visible_view (window), ==, "jobs");
  {
    g_autoptr (GPtrArray) rows = job_rows (window);

    g_assert_cmpuint (rows->len, ==, n_shots + 3);
    for (guint i = 0; i < rows->len; i++)
      g_assert_cmpint (reel_job_row_get_job (rows->pdata[i])->state, ==, REEL_JOB_DONE);
    /* The list is virtualised: the rows in sight are mapped, the rest wait
     * out of sight until it scrolls. */
    g_assert_true (gtk_widget_get_mapped (rows->pdata[0]));
  }

  /* A backend that refuses the second shot: the job fails for good, and the
   * Jobs view and the card say why, with a Retry button. */
  {
    g_autofree char *fixture
        = reel_project_get_media_path (project, ((ReelTake *) takes->pdata[0])->media);
    g_autoptr (ReelTestBackend) backend = reel_test_backend_new (fixture, 0.0, 1);
    ReelGenerateOptions options
        = { .backend = "test", .priority = REEL_PRIORITY_CLICK, .regenerate = TRUE };
    g_autoptr (GPtrArray) rows = NULL;
    g_autoptr (GPtrArray) buttons = NULL;
    ReelJobRow       *failed = NULL;
    AdwViewStackPage *page;
    ReelShotCard     *card;
    GtkWidget        *other;
    guint             runs;

    /* Another window in front: this batch finishes in the background. */
    other = gtk_window_new ();
    gtk_window_set_default_size (GTK_WINDOW (other), 200, 100);
    gtk_window_present (GTK_WINDOW (other));
    reel_ui_test_wait_until (window_is_inactive, window, "the main window to lose the focus");
    reel_test_backend_fail_shot (backend, second_shot, REEL_BACKEND_ERROR_PERMANENT, G_MAXUINT);
    reel_scheduler_add_backend (scheduler, REEL_BACKEND (backend));
    batch = reel_scheduler_generate (scheduler, &second_shot, 1, &options, &error);
    g_assert_no_error (error);
    g_assert_cmpint (batch, !=, 0);
    run_until_idle (scheduler, &idle, "the refused job to fail");
    reel_ui_test_wait_until (notification_received, &notifications, "the desktop notification");
    g_assert_cmpstr (notifications.titles->pdata[notifications.titles->len - 1], ==,
                     "Generation Finished with Errors");
    g_assert_cmpstr (notifications.bodies->pdata[notifications.bodies->len - 1], ==,
                     "0 takes done, 1 failed");
    gtk_window_destroy (GTK_WINDOW (other));
    gtk_window_present (GTK_WINDOW (window));
    reel_ui_test_settle (GTK_WIDGET (window));

    rows = job_rows (window);
    g_assert_cmpuint (rows->len, ==, n_shots + 4);
    for (guint i = 0; i < rows->len; i++)
      if (reel_job_row_get_job (rows->pdata[i])->state == REEL_JOB_FAILED)
        {
          g_assert_null (failed);
          failed = rows->pdata[i];
        }
    g_assert_nonnull (failed);
    g_assert_cmpint (reel_job_row_get_job (failed)->shot_id, ==, second_shot);
    g_assert_nonnull (
        strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (failed)), "failed shot"));
    reel_ui_test_settle (GTK_WIDGET (window));
    buttons = reel_ui_test_find_mapped (GTK_WIDGET (failed), GTK_TYPE_BUTTON);
    g_assert_cmpuint (buttons->len, ==, 1);
    g_assert_cmpstr (gtk_actionable_get_action_name (buttons->pdata[0]), ==, "job.retry");

    page
        = adw_view_stack_get_page (ADW_VIEW_STACK (gtk_widget_get_ancestor (
                                       reel_window_get_view (window, "jobs"), ADW_TYPE_VIEW_STACK)),
                                   reel_window_get_view (window, "jobs"));
    g_assert_cmpuint (adw_view_stack_page_get_badge_number (page), ==, 1);
    g_assert_true (adw_view_stack_page_get_needs_attention (page));
    reel_ui_test_save_png (GTK_WIDGET (window), "jobs.png", NULL);

    card = card_for_shot (window, second_shot);
    g_assert_cmpstr (reel_shot_card_get_status_text (card), ==, "Failed");
    g_assert_nonnull (
        strstr (reel_shot_get_status_message (reel_shot_card_get_shot (card)), "failed shot"));

    /* Retry from the Jobs view: the job runs again (and fails again). */
    runs = reel_test_backend_count_runs (backend);
    g_assert_true (gtk_widget_activate_action (reel_window_get_view (window, "jobs"), "job.retry",
                                               "x", reel_job_row_get_job (failed)->id));
    run_until_idle (scheduler, &idle, "the retried job");
    g_assert_cmpuint (reel_test_backend_count_runs (backend), >, runs);
  }

  /* A corrupt video is refused with a clear error and changes nothing. */
  reel_window_show_view (window, "storyboard");
  reel_ui_test_settle (GTK_WIDGET (window));
  {
    g_autofree char *corrupt = g_build_filename (tmpdir, "broken.mp4", NULL);
    g_autoptr (GFile) file = g_file_new_for_path (corrupt);
    ImportResult import = { 0 };

    g_assert_true (g_file_set_contents (corrupt,
                                        "\0\0\0\x18"
                                        "ftypmp42 not really a video",
                                        32, NULL));
    reel_take_strip_import_file_async (strip, file, NULL, import_cb, &import);
    reel_ui_test_wait_until (reel_ui_test_flag_is_set, &import.done, "the import to finish");
    g_assert_cmpint (import.take_id, ==, 0);
    g_assert_error (import.error, REEL_MEDIA_ERROR, import.error->code);
    g_test_message ("Corrupt import: %s", import.error->message);
    g_clear_error (&import.error);
    g_assert_cmpuint (reel_shot_get_n_takes (reel_project_lookup_shot (project, first_shot)), ==,
                      4);
  }

  /* A take whose file went missing is marked, and playing it explains why. */
  {
    gint64           fourth_take = ((ReelTake *) takes->pdata[3])->id;
    g_autofree char *media
        = reel_project_get_media_path (project, ((ReelTake *) takes->pdata[3])->media);
    gpointer args[] = { strip, &fourth_take };

    g_assert_cmpint (g_unlink (media), ==, 0);
    reel_window_select_shot (window, second_shot);
    reel_ui_test_settle (GTK_WIDGET (window));
    reel_window_select_shot (window, first_shot);
    reel_ui_test_settle (GTK_WIDGET (window));
    reel_ui_test_wait_until (take_has_problem, args, "the missing file to be noticed");
    g_test_message ("Missing media: %s", reel_take_strip_get_take_problem (strip, fourth_take));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "take.play", "x", fourth_take));
    reel_ui_test_wait_until (message_dialog_shown, NULL, "the error dialog");
    close_message_dialogs ();

    /* Chosen, its card warns instead of showing a picture. */
    g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (strip), "take.choose", "x", fourth_take));
    reel_ui_test_settle (GTK_WIDGET (window));
    g_assert_nonnull (reel_shot_card_get_media_problem (card_for_shot (window, first_shot)));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  notification_server_stop (&notifications);
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/generate/demo", test_generate_demo);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
