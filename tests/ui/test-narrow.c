/* test-narrow.c: the window and the export dialog at 360 px, in English or Chinese
 *
 * Run once per language (the first argument: "en" or "zh_CN"), from the
 * build tree's catalogue as test-i18n.c does. At a phone's width the title,
 * the Jobs heading and every label of the export dialog must show whole:
 * none ellipsized, none reaching past the window's edge. Each view is saved
 * as a picture (narrow-*-LANGUAGE.png) to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "reel-application.h"
#include "reel-export-dialog.h"
#include "reel-jobs-page.h"
#include "reel-scheduler.h"
#include "reel-test-backend.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

#define NARROW 360

static ReelApplication *application;
static const char      *language;

static char *
picture_name (const char *what)
{
  return g_strdup_printf ("narrow-%s-%s.png", what, language);
}

/* Whether @label shows less than its text: ellipsized, or reaching past the
 * edges of @window. Says which and why. */
static gboolean
label_is_cut_off (GtkWidget *window, GtkLabel *label)
{
  graphene_rect_t bounds;
  const char     *text = gtk_label_get_text (label);

  if (text == NULL || *text == '\0')
    return FALSE;
  if (pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    {
      g_test_message ("“%s” is ellipsized", text);
      return TRUE;
    }
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (label), window, &bounds));
  if (bounds.origin.x < -0.5
      || bounds.origin.x + bounds.size.width > gtk_widget_get_width (window) + 0.5)
    {
      g_test_message ("“%s” spans %.0f to %.0f of %d px", text, bounds.origin.x,
                      bounds.origin.x + bounds.size.width, gtk_widget_get_width (window));
      return TRUE;
    }
  return FALSE;
}

/* Every label a user sees in @root shows whole in @window. */
static void
assert_no_label_cut_off (GtkWidget *window, GtkWidget *root)
{
  g_autoptr (GPtrArray) labels = reel_ui_test_find_mapped (root, GTK_TYPE_LABEL);
  guint n_cut = 0;

  g_assert_cmpuint (labels->len, >, 0);
  for (guint i = 0; i < labels->len; i++)
    if (label_is_cut_off (window, labels->pdata[i]))
      n_cut++;
  g_assert_cmpuint (n_cut, ==, 0);
}

static void
make_narrow (GtkWidget *window)
{
  gtk_window_set_default_size (GTK_WINDOW (window), NARROW, 720);
  if (REEL_IS_WINDOW (window))
    reel_ui_test_wait_until (reel_ui_test_leaflet_is_folded, window, "the sidebar to fold away");
  reel_ui_test_settle (window);
  gtk_window_set_default_size (GTK_WINDOW (window), NARROW, 700);
  reel_ui_test_wait_until (reel_ui_test_window_is_narrow, window, "the window to be 360 px wide");
  reel_ui_test_settle (window);
  reel_ui_test_settle (window);
  g_assert_cmpint (gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))), ==,
                   NARROW);
}

static gboolean
scheduler_is_idle (gpointer data)
{
  return reel_scheduler_get_n_unfinished (data) == 0 && reel_scheduler_get_n_running (data) == 0;
}

static void
test_narrow_window (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = reel_ui_test_load_demo_project (tmpdir);
  g_autoptr (ReelTestBackend) backend = reel_test_backend_new ("/nonexistent.mp4", 0.0, 2);
  g_autoptr (GError) error = NULL;
  g_autofree char    *storyboard_png = picture_name ("storyboard");
  g_autofree char    *jobs_png = picture_name ("jobs");
  ReelGenerateOptions options = { .backend = "test", .priority = REEL_PRIORITY_BATCH };
  ReelWindow         *window = reel_ui_test_open_window (application, project, 1280, 800);
  GtkWidget          *header = reel_ui_test_find_first (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  GtkWidget          *title;
  GtkWidget          *jobs = reel_window_get_view (window, "jobs");
  ReelScheduler      *scheduler = reel_window_get_scheduler (window);
  gint64              shot_ids[3];

  reel_window_show_view (window, "storyboard");
  make_narrow (GTK_WIDGET (window));

  /* The project's title, whole, between the few buttons a folded header
   * bar keeps. */
  title = reel_ui_test_find_first (header, ADW_TYPE_WINDOW_TITLE);
  g_assert_nonnull (title);
  g_assert_true (gtk_widget_get_mapped (title));
  {
    GtkWidget *title_label = reel_ui_test_find_first (title, GTK_TYPE_LABEL);

    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title_label)), ==,
                     reel_project_get_title (project));
    g_assert_false (label_is_cut_off (GTK_WIDGET (window), GTK_LABEL (title_label)));
  }
  reel_ui_test_save_png (GTK_WIDGET (window), storyboard_png, NULL);
  assert_no_label_cut_off (GTK_WIDGET (window), header);

  /* The Jobs view while a batch runs: the heading, its buttons and the
   * batch's progress fit. */
  for (guint i = 0; i < G_N_ELEMENTS (shot_ids); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), i);
      shot_ids[i] = reel_shot_get_id (shot);
    }
  reel_scheduler_add_backend (scheduler, REEL_BACKEND (backend));
  reel_test_backend_hold (backend, TRUE);
  g_assert_cmpint (
      reel_scheduler_generate (scheduler, shot_ids, G_N_ELEMENTS (shot_ids), &options, &error), >,
      0);
  g_assert_no_error (error);
  reel_window_show_view (window, "jobs");
  reel_jobs_page_refresh (REEL_JOBS_PAGE (jobs));
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_nonnull (reel_jobs_page_get_batch_progress (REEL_JOBS_PAGE (jobs)));
  reel_ui_test_save_png (GTK_WIDGET (window), jobs_png, NULL);
  assert_no_label_cut_off (GTK_WIDGET (window), jobs);
  assert_no_label_cut_off (GTK_WIDGET (window), header);
  {
    g_autoptr (GPtrArray) buttons = reel_ui_test_find_mapped (jobs, GTK_TYPE_BUTTON);
    guint n_heading_buttons = 0;

    for (guint i = 0; i < buttons->len; i++)
      {
        const char     *action = gtk_actionable_get_action_name (buttons->pdata[i]);
        graphene_rect_t bounds;

        if (g_strcmp0 (action, "jobs.cancel-all") != 0
            && g_strcmp0 (action, "jobs.clear-finished") != 0)
          continue;
        n_heading_buttons++;
        g_assert_true (gtk_widget_compute_bounds (buttons->pdata[i], GTK_WIDGET (window), &bounds));
        g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=,
                           gtk_widget_get_width (GTK_WIDGET (window)));
      }
    g_assert_cmpuint (n_heading_buttons, ==, 2);
  }

  reel_scheduler_cancel_all (scheduler);
  reel_test_backend_hold (backend, FALSE);
  reel_ui_test_wait_until (scheduler_is_idle, scheduler, "the cancelled jobs to end");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

static void
set_flag (gboolean *flag)
{
  *flag = TRUE;
}

static void
test_narrow_export (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = reel_ui_test_load_demo_project (tmpdir);
  ReelWindow *window = reel_ui_test_open_window (application, project, 1280, 800);
  GtkWidget  *dialog = reel_export_dialog_new (GTK_WINDOW (window), project);
  const struct
  {
    ReelExportFormat format;
    const char      *name;
  } formats[] = {
    { REEL_EXPORT_FORMAT_MP4, "export" },
    { REEL_EXPORT_FORMAT_PDF, "export-pdf" },
  };

  gtk_window_present (GTK_WINDOW (dialog));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, dialog, "the export dialog");
  make_narrow (dialog);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *png = picture_name (formats[i].name);

      reel_export_dialog_set_format (REEL_EXPORT_DIALOG (dialog), formats[i].format);
      reel_ui_test_settle (dialog);
      g_assert_cmpint (gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (dialog))), ==,
                       NARROW);
      reel_ui_test_save_png (dialog, png, NULL);
      assert_no_label_cut_off (dialog, dialog);
    }

  /* While it exports, and once it is done. */
  {
    g_autofree char *film = g_build_filename (tmpdir, "film.mp4", NULL);
    g_autofree char *progress_png = picture_name ("export-progress");
    g_autofree char *done_png = picture_name ("export-done");
    gboolean         staged = FALSE;
    gboolean         finished = FALSE;
    g_autoptr (GError) error = NULL;

    /* Small frames keep the export quick; the pages are the same. */
    g_assert_true (reel_project_set_resolution (project, 320, 180, &error));
    g_assert_true (reel_project_set_fps (project, 12, &error));
    g_assert_no_error (error);
    reel_export_dialog_set_format (REEL_EXPORT_DIALOG (dialog), REEL_EXPORT_FORMAT_MP4);
    g_signal_connect_swapped (dialog, "finished", G_CALLBACK (set_flag), &finished);
    reel_export_dialog_export_to (REEL_EXPORT_DIALOG (dialog), film);
    g_signal_connect_swapped (reel_export_dialog_get_exporter (REEL_EXPORT_DIALOG (dialog)),
                              "notify::stage", G_CALLBACK (set_flag), &staged);
    reel_ui_test_wait_until (reel_ui_test_flag_is_set, &staged, "the export's first stage");
    reel_ui_test_settle (dialog);
    reel_ui_test_save_png (dialog, progress_png, NULL);
    assert_no_label_cut_off (dialog, dialog);

    reel_ui_test_wait_until (reel_ui_test_flag_is_set, &finished, "the export to finish");
    g_assert_true (g_file_test (film, G_FILE_TEST_IS_REGULAR));
    reel_ui_test_settle (dialog);
    reel_ui_test_save_png (dialog, done_png, NULL);
    assert_no_label_cut_off (dialog, dialog);
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

int
main (int argc, char *argv[])
{
  int status;

  language = argc > 1 && g_str_equal (argv[1], "zh_CN") ? "zh_CN" : "en";
  /* As main.c does for a binary in the build tree. */
  if (g_str_equal (language, "zh_CN"))
    g_setenv ("LANGUAGE", "zh_CN", TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  reel_ui_test_set_wait_timeout (20000);
  application = reel_ui_test_register_application ();
  /* The title bar as GNOME sets it up, with a close button only; a bare X
   * server's minimize and maximize buttons would take a third of the room. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);

  g_test_add_func ("/ui/narrow/window", test_narrow_window);
  g_test_add_func ("/ui/narrow/export", test_narrow_export);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
