/* reel-window.c
 *
 * The main window: a scene list beside an AdwViewStack of the script, the
 * storyboard and the timeline. Everything a user can do here is a window
 * action ("win.*"), so the header bar, menus, shortcuts and tests all drive
 * the same code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-backend-setup.h"
#include "reel-engines.h"
#include "reel-batch-window.h"
#include "reel-characters-window.h"
#include "reel-library-window.h"
#include "reel-export-dialog.h"
#include "reel-jobs-page.h"
#include "reel-preferences-window.h"
#include "reel-project-jobs.h"
#include "reel-project-ledger.h"
#include "reel-scene-row.h"
#include "reel-scheduler.h"
#include "reel-script-page.h"
#include "reel-shot-card.h"
#include "reel-storyboard-page.h"
#include "reel-take-strip.h"
#include "reel-timeline-page.h"
#include "reel-window.h"
#include "storyreel-ui-resources.h"

/* "Generate Variants…" makes this many takes of the selected shot. */
#define N_VARIANTS 3

struct _ReelWindow
{
  AdwApplicationWindow parent_instance;

  ReelProject *project;
  /* The application's, once the window belongs to one; NULL before, or
   * without the schema. */
  GSettings *settings;
  /* One per open project: it owns the project's generation jobs. */
  ReelScheduler *scheduler;
  /* Keeps the scheduler's shipped backends set up from the settings. */
  ReelEngines *engines;
  /* The unfinished jobs of the project have been picked up: that waits for
   * every backend, so that none of them fails for want of its backend. */
  gboolean            resumed;
  GtkSingleSelection *scene_selection;
  ReelScene          *navigated_scene;
  GCancellable       *cancellable;
  /* Generate All is working out what it would cost. */
  gboolean              estimating;
  gboolean              closing;
  GtkFileChooserNative *save_chooser;
  GtkFileChooserNative *import_chooser;
  guint                 update_for_width_source;
  /* Counts the openings begun in this window: only the latest may show its
   * project. */
  guint loading_serial;
  /* Counts the project's changes, to tell whether jobs worked out in a
   * worker still match it. */
  guint64 project_changes;

  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  GtkToggleButton      *sidebar_button;
  GtkButton            *break_down_button;
  GtkButton            *generate_all_button;
  GtkButton            *export_button;
  GtkWidget            *undo_box;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkStack             *main_stack;
  AdwStatusPage        *loading_page;
  GtkSpinner           *loading_spinner;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkStack             *scene_stack;
  GtkListView          *scene_list;
  AdwViewStack         *view_stack;
  ReelScriptPage       *script_page;
  ReelStoryboardPage   *storyboard_page;
  AdwFlap              *storyboard_flap;
  ReelTakeStrip        *take_strip;
  ReelJobsPage         *jobs_page;
  ReelTimelinePage     *timeline_page;
  GMenu                *recent_section;
  GMenu                *narrow_section;
};

G_DEFINE_FINAL_TYPE (ReelWindow, reel_window, ADW_TYPE_APPLICATION_WINDOW)

static void
set_action_enabled (ReelWindow *self, const char *name, gboolean enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), name, enabled);
}

static ReelShot *
selected_shot (ReelWindow *self)
{
  gint64 id = reel_storyboard_page_get_selected_shot (self->storyboard_page);

  if (self->project == NULL || id == 0)
    return NULL;
  return reel_project_lookup_shot (self->project, id);
}

/* The engine new generation uses: the preference, else the built-in one. */
static char *
default_backend_name (ReelWindow *self)
{
  g_autofree char *name
      = self->settings != NULL ? g_settings_get_string (self->settings, "default-backend") : NULL;

  return name != NULL && *name != '\0' ? g_steal_pointer (&name) : g_strdup ("animatic");
}

/* Generation can be asked for once the default engine is in the scheduler,
 * or once every key has been looked up (an unknown engine is then said to
 * be unknown, rather than waited for). */
static gboolean
can_generate (ReelWindow *self)
{
  g_autofree char *name = NULL;

  if (self->scheduler == NULL)
    return FALSE;
  if (self->engines == NULL || reel_engines_is_ready (self->engines))
    return TRUE;
  name = default_backend_name (self);
  return reel_scheduler_get_backend (self->scheduler, name) != NULL;
}

static void
update_actions (ReelWindow *self)
{
  /* While another project opens, the one still set is out of sight: nothing
   * may act on it. */
  gboolean  has_project = self->project != NULL && !reel_window_is_loading (self);
  gboolean  generate = has_project && can_generate (self);
  ReelShot *shot = has_project ? selected_shot (self) : NULL;
  guint     n_shots
      = has_project ? g_list_model_get_n_items (reel_project_get_shots (self->project)) : 0;
  guint n_scenes
      = has_project ? g_list_model_get_n_items (reel_project_get_scenes (self->project)) : 0;
  guint position = shot != NULL ? reel_shot_get_position (shot) : 0;

  set_action_enabled (self, "win.break-down", has_project);
  set_action_enabled (self, "win.undo", has_project && reel_project_can_undo (self->project));
  set_action_enabled (self, "win.redo", has_project && reel_project_can_redo (self->project));
  set_action_enabled (self, "win.save-as", has_project);
  set_action_enabled (self, "win.import-script", has_project);
  set_action_enabled (self, "win.show-view", has_project);
  set_action_enabled (self, "win.move-shot-up", shot != NULL && position > 0);
  set_action_enabled (self, "win.move-shot-down", shot != NULL && position + 1 < n_shots);
  set_action_enabled (self, "win.delete-shot", shot != NULL);
  set_action_enabled (self, "win.add-shot", has_project && n_scenes > 0);
  set_action_enabled (self, "win.duplicate-shot", shot != NULL);
  set_action_enabled (self, "win.split-shot", shot != NULL);
  set_action_enabled (self, "win.toggle-sidebar", has_project);
  set_action_enabled (self, "win.generate-all", generate && n_shots > 0);
  set_action_enabled (self, "win.generate-shot", generate);
  set_action_enabled (self, "win.generate-shots", generate);
  set_action_enabled (self, "win.retry-shot", generate);
  set_action_enabled (self, "win.generate-variants", generate && shot != NULL);
  set_action_enabled (self, "win.set-up-engine", TRUE);
  set_action_enabled (self, "win.edit-budget", has_project);
  set_action_enabled (self, "win.show-takes", has_project);
  set_action_enabled (self, "win.export", n_shots > 0);
  set_action_enabled (self, "win.personal-films", n_shots > 0);
  set_action_enabled (self, "win.characters", has_project);

  gtk_stack_set_visible_child_name (self->scene_stack, n_scenes > 0 ? "scenes" : "empty");
}

static void
update_title (ReelWindow *self)
{
  const char      *title = NULL;
  g_autofree char *file_name = NULL;

  if (self->project != NULL)
    {
      GFile *file = reel_project_get_file (self->project);

      title = reel_project_get_title (self->project);
      if (file != NULL)
        {
          g_autofree char *basename = g_file_get_basename (file);
          char            *dot;

          file_name = g_filename_display_name (basename);
          dot = g_strrstr (file_name, ".storyreel");
          if (dot != NULL && dot != file_name)
            *dot = '\0';
        }
      if (title == NULL || *title == '\0')
        title = file_name;
    }

  if (title == NULL || *title == '\0')
    title = _ ("Storyreel");

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_view_switcher_title_set_title (self->switcher_title, title);
  adw_view_switcher_title_set_subtitle (
      self->switcher_title,
      self->project != NULL && g_strcmp0 (title, file_name) != 0 ? file_name : NULL);
}

void
reel_window_add_toast (ReelWindow *self, const char *title)
{
  g_return_if_fail (REEL_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

void
reel_window_add_toast_object (ReelWindow *self, AdwToast *toast)
{
  g_return_if_fail (REEL_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
reel_window_report_error (ReelWindow *self, const char *heading, const GError *error)
{
  GtkWidget *dialog;

  g_return_if_fail (REEL_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  g_message ("%s: %s", heading, error->message);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

void
reel_widget_report_error (GtkWidget *widget, const char *heading, const GError *error)
{
  GtkRoot *root = widget != NULL ? gtk_widget_get_root (widget) : NULL;

  if (REEL_IS_WINDOW (root))
    reel_window_report_error (REEL_WINDOW (root), heading, error);
  else
    g_message ("%s: %s", heading, error->message);
}

/* Edits in progress (script typing, a card's text) are written before any
 * action that reads or rewinds the project. */
static gboolean
commit_edits (ReelWindow *self)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *card = focus != NULL ? gtk_widget_get_ancestor (focus, REEL_TYPE_SHOT_CARD) : NULL;

  if (card != NULL)
    reel_shot_card_commit (REEL_SHOT_CARD (card));

  if (!reel_script_page_flush (self->script_page, &error))
    {
      reel_window_report_error (self, _ ("Could Not Save the Script"), error);
      return FALSE;
    }

  return TRUE;
}

static char *
format_breakdown_report (const ReelBreakdownReport *report)
{
  g_autofree char *scenes = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u scene", "%u scenes", report->scenes), report->scenes);
  g_autofree char *shots = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u shot", "%u shots", report->shots), report->shots);

  /* Translators: "Broke down the script: 4 scenes, 15 shots (3 added, 1 changed, 0 removed)" */
  return g_strdup_printf (_ ("Broke down the script: %s, %s (%u added, %u changed, %u removed)"),
                          scenes, shots, report->added, report->changed, report->removed);
}

static void
break_down_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char    *message = NULL;
  ReelBreakdownReport report = { 0 };

  if (self->project == NULL || !commit_edits (self))
    return;

  if (!reel_project_break_down (self->project, &report, &error))
    {
      reel_window_report_error (self, _ ("Could Not Break Down the Script"), error);
      return;
    }

  message = format_breakdown_report (&report);
  reel_window_add_toast (self, message);

  if (g_strcmp0 (reel_window_get_visible_view (self), "timeline") != 0)
    reel_window_show_view (self, "storyboard");
}

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  gboolean undo = g_str_equal (action_name, "win.undo");

  if (self->project == NULL || !commit_edits (self))
    return;

  if (undo ? !reel_project_undo (self->project, &error)
           : !reel_project_redo (self->project, &error))
    reel_window_report_error (self, undo ? _ ("Could Not Undo") : _ ("Could Not Redo"), error);
}

static void
save_copy_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!reel_project_save_copy_finish (REEL_PROJECT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reel_window_report_error (self, _ ("Could Not Save a Copy"), error);
      return;
    }

  {
    GFile           *dest = g_object_get_data (G_OBJECT (self), "reel-save-copy-dest");
    g_autofree char *name = dest != NULL ? g_file_get_parse_name (dest) : g_strdup ("");
    g_autofree char *message = g_strdup_printf (_ ("Saved a copy as %s"), name);
    GtkApplication  *application = gtk_window_get_application (GTK_WINDOW (self));

    reel_window_add_toast (self, message);
    if (dest != NULL && REEL_IS_APPLICATION (application))
      reel_application_add_recent (REEL_APPLICATION (application), g_file_peek_path (dest));
  }
}

static void
save_chooser_response_cb (ReelWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->project != NULL)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->save_chooser);

  if (file == NULL)
    return;

  /* NAME.storyreel: other extensions would not open again as a project. */
  if (!g_str_has_suffix (g_file_peek_path (file), ".storyreel"))
    {
      g_autofree char *path = g_strconcat (g_file_peek_path (file), ".storyreel", NULL);
      g_autoptr (GFile) with_extension = g_file_new_for_path (path);

      g_set_object (&file, with_extension);
    }

  g_object_set_data_full (G_OBJECT (self), "reel-save-copy-dest", g_object_ref (file),
                          g_object_unref);
  reel_project_save_copy_async (self->project, file, self->cancellable, save_copy_cb,
                                g_object_ref (self));
}

static void
save_as_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->project == NULL || !commit_edits (self))
    return;

  g_clear_object (&self->save_chooser);
  self->save_chooser
      = gtk_file_chooser_native_new (_ ("Save a Copy"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_file_filter_set_name (filter, _ ("Storyreel Projects"));
  gtk_file_filter_add_pattern (filter, "*.storyreel");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->save_chooser), filter);

  /* Translators: the suggested file name of a copy; %s is the project title */
  name = g_strdup_printf (_ ("%s (Copy).storyreel"), gtk_window_get_title (GTK_WINDOW (self)));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->save_chooser), name);

  g_signal_connect_object (self->save_chooser, "response", G_CALLBACK (save_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
}

/* Importing a script: the project's script becomes the file's text and is
 * broken down, as opening a script file does. */

typedef struct
{
  ReelWindow  *window;
  ReelProject *project;
} ImportRequest;

static void
import_request_free (ImportRequest *request)
{
  g_object_unref (request->window);
  g_object_unref (request->project);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportRequest, import_request_free)

static void
import_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ImportRequest) request = user_data;
  ReelWindow *self = request->window;
  g_autoptr (GError) error = NULL;
  g_autofree char    *contents = NULL;
  g_autofree char    *message = NULL;
  gsize               length = 0;
  ReelBreakdownReport report = { 0 };

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reel_window_report_error (self, _ ("Could Not Import the Script"), error);
      return;
    }
  /* The window moved on to another project meanwhile. */
  if (self->project != request->project)
    return;
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));

      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("“%s” is not UTF-8 text. Save the script as UTF-8 and import it again."),
                   name);
      reel_window_report_error (self, _ ("Could Not Import the Script"), error);
      return;
    }
  if (!commit_edits (self))
    return;

  if (!reel_project_set_script (self->project, contents, &error)
      || !reel_project_break_down (self->project, &report, &error))
    {
      reel_window_report_error (self, _ ("Could Not Import the Script"), error);
      return;
    }

  message = format_breakdown_report (&report);
  reel_window_add_toast (self, message);
  reel_window_show_view (self, "storyboard");
}

static void
import_chooser_response_cb (ReelWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  ImportRequest *request;

  if (response == GTK_RESPONSE_ACCEPT && self->project != NULL)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->import_chooser);
  if (file == NULL)
    return;

  request = g_new0 (ImportRequest, 1);
  request->window = g_object_ref (self);
  request->project = g_object_ref (self->project);
  g_file_load_contents_async (file, self->cancellable, import_loaded_cb, request);
}

static void
import_script_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GFile *project_file;

  if (self->project == NULL)
    return;

  g_clear_object (&self->import_chooser);
  self->import_chooser
      = gtk_file_chooser_native_new (_ ("Import a Script"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Import"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->import_chooser), TRUE);
  gtk_file_filter_set_name (filter, _ ("Scripts (Fountain or Plain Text)"));
  gtk_file_filter_add_pattern (filter, "*.fountain");
  gtk_file_filter_add_pattern (filter, "*.spmd");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->import_chooser), filter);

  /* A script usually lies beside the project made from it. */
  project_file = reel_project_get_file (self->project);
  if (project_file != NULL)
    {
      g_autoptr (GFile) folder = g_file_get_parent (project_file);

      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->import_chooser), folder, NULL);
    }

  g_signal_connect_object (self->import_chooser, "response",
                           G_CALLBACK (import_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->import_chooser));
}

static void
show_view_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  reel_window_show_view (REEL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static gboolean
focus_in_storyboard (ReelWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->storyboard_page));
}

static void
move_shot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  ReelShot *shot = selected_shot (self);
  gboolean  down = g_str_equal (action_name, "win.move-shot-down");
  gboolean  had_focus = focus_in_storyboard (self);
  guint     position, n_shots;
  gint64    shot_id;

  if (shot == NULL || !commit_edits (self))
    return;

  position = reel_shot_get_position (shot);
  n_shots = g_list_model_get_n_items (reel_project_get_shots (self->project));
  if ((down && position + 1 >= n_shots) || (!down && position == 0))
    return;

  shot_id = reel_shot_get_id (shot);
  if (!reel_project_move_shot (self->project, shot_id, down ? position + 1 : position - 1, &error))
    {
      reel_window_report_error (self, _ ("Could Not Move the Shot"), error);
      return;
    }

  reel_storyboard_page_select_shot (self->storyboard_page, shot_id, had_focus);
  update_actions (self);
}

static void
delete_shot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *number = NULL;
  g_autofree char *message = NULL;
  ReelShot        *shot = selected_shot (self);
  AdwToast        *toast;

  if (shot == NULL || !commit_edits (self))
    return;

  number = g_strdup (reel_shot_get_number (shot));
  if (!reel_project_delete_shot (self->project, reel_shot_get_id (shot), &error))
    {
      reel_window_report_error (self, _ ("Could Not Delete the Shot"), error);
      return;
    }

  message = g_strdup_printf (_ ("Deleted shot %s"), number);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
add_shot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  ReelShot *shot = selected_shot (self);
  gint64    scene_id = 0, after_id = 0, new_id;

  if (self->project == NULL || !commit_edits (self))
    return;

  if (shot != NULL)
    {
      scene_id = reel_shot_get_scene_id (shot);
      after_id = reel_shot_get_id (shot);
    }
  else
    {
      GListModel *shots = reel_project_get_shots (self->project);
      GListModel *scenes = reel_project_get_scenes (self->project);
      guint       n_shots = g_list_model_get_n_items (shots);
      guint       n_scenes = g_list_model_get_n_items (scenes);

      if (n_shots > 0)
        {
          g_autoptr (ReelShot) last = g_list_model_get_item (shots, n_shots - 1);
          scene_id = reel_shot_get_scene_id (last);
          after_id = reel_shot_get_id (last);
        }
      else if (n_scenes > 0)
        {
          g_autoptr (ReelScene) scene = g_list_model_get_item (scenes, n_scenes - 1);
          scene_id = reel_scene_get_id (scene);
        }
      else
        return;
    }

  new_id = reel_project_insert_shot (self->project, scene_id, after_id, _ ("New shot"), &error);
  if (new_id <= 0)
    {
      reel_window_report_error (self, _ ("Could Not Add a Shot"), error);
      return;
    }

  reel_window_show_view (self, "storyboard");
  reel_storyboard_page_select_shot (self->storyboard_page, new_id, TRUE);
}

/* After an edit that made @new_id beside the selected shot: the new shot is
 * the selected one, with the focus if the storyboard had it. */
static void
select_new_shot (ReelWindow *self, gint64 new_id, gboolean had_focus)
{
  reel_window_show_view (self, "storyboard");
  reel_storyboard_page_select_shot (self->storyboard_page, new_id, had_focus);
  update_actions (self);
}

static void
duplicate_shot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *number = NULL;
  g_autofree char *message = NULL;
  ReelShot        *shot = selected_shot (self);
  gboolean         had_focus = focus_in_storyboard (self);
  gint64           copy_id;

  if (shot == NULL || !commit_edits (self))
    return;

  number = g_strdup (reel_shot_get_number (shot));
  copy_id = reel_project_duplicate_shot (self->project, reel_shot_get_id (shot), &error);
  if (copy_id == 0)
    {
      reel_window_report_error (self, _ ("Could Not Duplicate the Shot"), error);
      return;
    }

  /* Translators: "Duplicated shot 1A as 1B" */
  message
      = g_strdup_printf (_ ("Duplicated shot %s as %s"), number,
                         reel_shot_get_number (reel_project_lookup_shot (self->project, copy_id)));
  reel_window_add_undo_toast (self, message);
  select_new_shot (self, copy_id, had_focus);
}

static void
split_shot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  ReelShot        *shot = selected_shot (self);
  gboolean         had_focus = focus_in_storyboard (self);
  GtkWidget       *card;
  gssize           offset;
  gint64           new_id;

  if (shot == NULL)
    return;

  /* At the cursor the user put in the shot's text; else between sentences. */
  card = reel_storyboard_page_get_card (self->storyboard_page, reel_shot_get_id (shot));
  offset = card != NULL ? reel_shot_card_get_split_offset (REEL_SHOT_CARD (card)) : -1;
  if (!commit_edits (self))
    return;

  new_id = reel_project_split_shot (self->project, reel_shot_get_id (shot), offset, &error);
  if (new_id == 0)
    {
      /* Nowhere to cut is no failure: say where to put the cursor. */
      if (g_error_matches (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID))
        reel_window_add_toast (self, error->message);
      else
        reel_window_report_error (self, _ ("Could Not Split the Shot"), error);
      return;
    }

  /* Translators: "Split shot 1A in two: 1A and 1B" */
  message
      = g_strdup_printf (_ ("Split shot %s in two: %s and %s"), reel_shot_get_number (shot),
                         reel_shot_get_number (shot),
                         reel_shot_get_number (reel_project_lookup_shot (self->project, new_id)));
  reel_window_add_undo_toast (self, message);
  select_new_shot (self, new_id, had_focus);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  GtkWidget  *dialog;

  if (self->project == NULL || !commit_edits (self))
    return;

  reel_timeline_page_pause (self->timeline_page);
  dialog = reel_export_dialog_new (GTK_WINDOW (self), self->project);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* One film per row of a table, the script's {column}s filled from it. */
static void
personal_films_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  GtkWidget  *batch;

  if (self->project == NULL || !commit_edits (self))
    return;

  reel_timeline_page_pause (self->timeline_page);
  batch = reel_batch_window_new (GTK_WINDOW (self), self->project, self->scheduler, self->settings);
  gtk_window_present (GTK_WINDOW (batch));
}

/* The character sheets whose descriptions go into the prompts. */
static void
characters_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);

  if (self->project == NULL || !commit_edits (self))
    return;

  gtk_window_present (GTK_WINDOW (reel_characters_window_new (GTK_WINDOW (self), self->project)));
}

/* Kept takes, characters and styles, to use in this window's project. */
static void
library_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  reel_library_window_present_for (REEL_WINDOW (widget));
}

static void
open_uri_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    reel_window_report_error (self, _ ("Could Not Open the File"), error);
}

/* The toasts and dialogs of finished exports open what they made. */
static void
open_uri_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  g_autoptr (GdkAppLaunchContext) context
      = gdk_display_get_app_launch_context (gtk_widget_get_display (widget));

  g_app_info_launch_default_for_uri_async (g_variant_get_string (parameter, NULL),
                                           G_APP_LAUNCH_CONTEXT (context), self->cancellable,
                                           open_uri_cb, g_object_ref (self));
}

static void
toggle_sidebar_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);

  gtk_toggle_button_set_active (self->sidebar_button,
                                !gtk_toggle_button_get_active (self->sidebar_button));
}

/* Generation: the window owns the scheduler of its project. Shots, cards,
 * the take strip and the Jobs view all follow the project and the scheduler's
 * signals; the actions here only start, retry and show work. */

#define NOTIFICATION_ID "generation-finished"

void
reel_window_add_undo_toast (ReelWindow *self, const char *title)
{
  AdwToast *toast;

  g_return_if_fail (REEL_IS_WINDOW (self));

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

ReelScheduler *
reel_window_get_scheduler (ReelWindow *self)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), NULL);
  return self->scheduler;
}

static void
apply_parallel_limit (ReelWindow *self)
{
  GSettings *settings = self->settings;
  g_autoptr (GPtrArray) backends = NULL;
  guint limit;

  if (self->scheduler == NULL)
    return;

  /* Without the schema (a bare build tree), each backend keeps its own limit. */
  limit = settings != NULL ? (guint) MAX (g_settings_get_int (settings, "parallel-jobs"), 1) : 0;
  backends = reel_scheduler_list_backends (self->scheduler);
  for (guint i = 0; i < backends->len; i++)
    {
      ReelBackend            *backend = g_ptr_array_index (backends, i);
      ReelBackendCapabilities caps;

      /* A pool of render nodes takes what its servers take. */
      reel_backend_get_capabilities (backend, &caps);
      if (caps.features & REEL_BACKEND_SERVER_POOL)
        continue;
      reel_scheduler_set_parallel_limit (self->scheduler, reel_backend_get_name (backend), limit);
    }
}

static char *
format_batch_summary (guint n_done, guint n_failed)
{
  g_autofree char *done = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u take done", "%u takes done", n_done), n_done);

  if (n_failed == 0)
    return g_steal_pointer (&done);

  /* Translators: "12 takes done, 1 failed" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u failed", "%s, %u failed", n_failed),
                          done, n_failed);
}

static void
batch_finished_cb (
    ReelWindow *self, gint64 batch_id, guint n_done, guint n_failed, ReelScheduler *scheduler)
{
  GSettings       *settings = self->settings;
  GApplication    *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autofree char *summary = format_batch_summary (n_done, n_failed);

  g_debug ("Batch %" G_GINT64_FORMAT " finished: %s", batch_id, summary);

  if (gtk_window_is_active (GTK_WINDOW (self)))
    {
      AdwToast *toast = adw_toast_new (summary);

      if (n_failed > 0)
        {
          adw_toast_set_button_label (toast, _ ("Show _Jobs"));
          adw_toast_set_detailed_action_name (toast, "win.show-view::jobs");
        }
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }

  /* In the background: tell the desktop, unless the user asked not to. */
  if (app != NULL && (settings == NULL || g_settings_get_boolean (settings, "notify-when-done")))
    {
      g_autoptr (GNotification) notification = g_notification_new (
          n_failed > 0 ? _ ("Generation Finished with Errors") : _ ("Generation Finished"));
      guint window_id = gtk_application_window_get_id (GTK_APPLICATION_WINDOW (self));

      g_notification_set_body (notification, summary);
      g_notification_set_default_action_and_target (notification, "app.show-window", "u",
                                                    window_id);
      if (n_failed > 0)
        g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
      g_application_send_notification (app, NOTIFICATION_ID, notification);
    }
}

static void
window_is_active_cb (ReelWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  /* Back in the window, the user sees the results: the notification is old news. */
  if (app != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    g_application_withdraw_notification (app, NOTIFICATION_ID);
}

static void
stop_scheduler (ReelWindow *self)
{
  if (self->scheduler == NULL)
    return;

  if (self->engines != NULL)
    g_signal_handlers_disconnect_by_data (self->engines, self);
  g_clear_object (&self->engines);
  g_signal_handlers_disconnect_by_data (self->scheduler, self);
  reel_jobs_page_set_scheduler (self->jobs_page, NULL);
  /* Unfinished jobs stay in the project: opening it again resumes them. */
  reel_scheduler_shutdown (self->scheduler);
  g_clear_object (&self->scheduler);
  self->resumed = FALSE;
}

static void
resume_unfinished_jobs (ReelWindow *self)
{
  g_autoptr (GError) error = NULL;
  guint n_resumed;

  if (self->resumed || self->scheduler == NULL)
    return;
  self->resumed = TRUE;

  /* Jobs a crashed or killed run left behind go on where they stopped. */
  n_resumed = reel_scheduler_resume_unfinished_jobs (self->scheduler, &error);
  if (error != NULL)
    reel_window_report_error (self, _ ("Could Not Resume the Unfinished Jobs"), error);
  else if (n_resumed > 0)
    {
      g_autofree char *message
          = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Resuming %u unfinished job",
                                          "Resuming %u unfinished jobs", n_resumed),
                             n_resumed);
      reel_window_add_toast (self, message);
    }
}

/* What people call the engine @name. */
static const char *
engine_label (ReelWindow *self, const char *name)
{
  ReelBackend *backend
      = self->scheduler != NULL ? reel_scheduler_get_backend (self->scheduler, name) : NULL;
  const char *label = reel_backend_name_get_label (name);

  if (backend != NULL)
    return reel_backend_get_display_name (backend);
  return label != NULL ? label : name;
}

/* Why the engine @name cannot generate now, or NULL when it can. */
static char *
engine_problem (ReelWindow *self, const char *name)
{
  ReelBackend *backend = reel_scheduler_get_backend (self->scheduler, name);
  char        *reason = NULL;

  if (backend == NULL)
    return g_strdup_printf (_ ("There is no engine called “%s”. Choose another default engine in "
                               "Preferences."),
                            name);
  if (!reel_backend_check_ready (backend, &reason))
    return reason != NULL ? reason : g_strdup (_ ("The engine is not set up."));
  g_free (reason);
  return NULL;
}

/* The Jobs view says when the default engine cannot generate, before anyone
 * asks it to. */
static void
update_engine_state (ReelWindow *self)
{
  g_autofree char *name = default_backend_name (self);
  g_autofree char *problem = NULL;

  if (self->scheduler != NULL && self->engines != NULL && reel_engines_is_ready (self->engines))
    problem = engine_problem (self, name);
  reel_jobs_page_set_engine_problem (self->jobs_page, name, engine_label (self, name), problem);
  update_actions (self);
}

static void
engines_ready_cb (ReelWindow *self)
{
  if (reel_engines_is_ready (self->engines))
    resume_unfinished_jobs (self);
  update_engine_state (self);
}

static void
engine_changed_cb (ReelWindow *self, const char *backend)
{
  /* A new backend object starts from its own limit: the user's applies again. */
  apply_parallel_limit (self);
  update_engine_state (self);
}

/* The application's GPU probe, so that every window's local engines share
 * its GPU slots; NULL for a window without a ReelApplication. */
static ReelGpuProbe *
gpu_probe_of (ReelWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  return REEL_IS_APPLICATION (application)
             ? reel_application_get_gpu_probe (REEL_APPLICATION (application))
             : NULL;
}

static void
start_scheduler (ReelWindow *self)
{
  self->scheduler = reel_scheduler_new (self->project);
  self->engines = reel_engines_new (self->scheduler, self->settings, gpu_probe_of (self));
  g_signal_connect_object (self->engines, "notify::ready", G_CALLBACK (engines_ready_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engines, "changed", G_CALLBACK (engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  apply_parallel_limit (self);
  g_signal_connect_object (self->scheduler, "batch-finished", G_CALLBACK (batch_finished_cb), self,
                           G_CONNECT_SWAPPED);
  reel_jobs_page_set_scheduler (self->jobs_page, self->scheduler);

  /* Without keys to look up, the engines are ready at once. */
  engines_ready_cb (self);
}

/* The settings arrived after the project (a window without an application
 * first): the engines are set up again from them. */
static void
restart_engines (ReelWindow *self)
{
  if (self->scheduler == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->engines, self);
  g_clear_object (&self->engines);
  self->engines = reel_engines_new (self->scheduler, self->settings, gpu_probe_of (self));
  g_signal_connect_object (self->engines, "notify::ready", G_CALLBACK (engines_ready_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engines, "changed", G_CALLBACK (engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  engines_ready_cb (self);
}

static void
api_key_changed_cb (ReelWindow *self, const char *backend)
{
  if (self->engines != NULL)
    reel_engines_reload (self->engines, backend);
}

static void
show_preferences (ReelWindow *self, const char *engine)
{
  GtkWidget *preferences = reel_preferences_window_new (GTK_WINDOW (self), self->project);

  if (engine != NULL)
    reel_preferences_window_show_engine (REEL_PREFERENCES_WINDOW (preferences), engine);
  else
    reel_preferences_window_show_budget (REEL_PREFERENCES_WINDOW (preferences));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
set_up_engine_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  show_preferences (REEL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
edit_budget_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);

  if (self->project != NULL)
    show_preferences (self, NULL);
}

static void
set_up_response_cb (AdwMessageDialog *dialog, const char *response, ReelWindow *self)
{
  const char *engine = g_object_get_data (G_OBJECT (dialog), "reel-engine");

  if (g_strcmp0 (response, "set-up") == 0)
    show_preferences (self, engine);
}

gboolean
reel_window_check_engine (ReelWindow *self, const char *backend)
{
  g_autofree char *problem = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget       *dialog;

  g_return_val_if_fail (REEL_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (backend != NULL, FALSE);

  if (self->scheduler == NULL || (problem = engine_problem (self, backend)) == NULL)
    return TRUE;

  g_message ("Not generating with %s: %s", backend, problem);
  if (reel_scheduler_get_backend (self->scheduler, backend) != NULL)
    /* Translators: "Alibaba Cloud Model Studio Is Not Set Up" */
    heading = g_strdup_printf (_ ("%s Is Not Set Up"), engine_label (self, backend));
  else
    heading = g_strdup (_ ("Engine Not Available"));
  body = g_strdup_printf ("%s\n\n%s", problem,
                          _ ("Nothing was queued. Set the engine up in Preferences, or choose "
                             "another default engine there."));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  g_object_set_data_full (G_OBJECT (dialog), "reel-engine", g_strdup (backend), g_free);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"), "set-up",
                                    _ ("_Set Up…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "set-up",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "set-up");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (set_up_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

/* What a generate request asks for, kept while the user confirms it. */
typedef struct
{
  GArray             *shot_ids; /* NULL: every shot without a take */
  ReelGenerateOptions options;
  char               *backend;
  /* Said once the jobs are queued, or NULL. */
  char *started;
  /* Generate All's jobs as its estimate worked them out, valid while the
   * project's changes are still @changes; or NULL. */
  GPtrArray *planned;
  guint64    changes;
  /* The project's scheduler when it was asked: nothing is queued on
   * another project's. */
  ReelScheduler *scheduler;
} Generation;

static void
generation_free (Generation *generation)
{
  g_clear_pointer (&generation->shot_ids, g_array_unref);
  g_clear_pointer (&generation->planned, g_ptr_array_unref);
  g_clear_object (&generation->scheduler);
  g_free (generation->backend);
  g_free (generation->started);
  g_free (generation);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Generation, generation_free)

/* Queues the jobs; reports what went wrong, or that there was nothing to do. */
static gint64
start_generation (ReelWindow *self, Generation *generation)
{
  g_autoptr (GError) error = NULL;
  const gint64 *ids
      = generation->shot_ids != NULL ? (const gint64 *) generation->shot_ids->data : NULL;
  guint  n_ids = generation->shot_ids != NULL ? generation->shot_ids->len : 0;
  gint64 batch_id;

  /* Another project opened, or is opening, since the user asked. */
  if (self->scheduler == NULL || generation->scheduler != self->scheduler
      || reel_window_is_loading (self))
    return 0;

  /* Building a feature's jobs takes a second: reuse the estimate's, unless
   * the project changed since. */
  if (generation->planned != NULL && generation->changes == self->project_changes)
    {
      g_auto (ReelCostEstimate) planned = { .jobs = g_steal_pointer (&generation->planned) };

      batch_id = reel_scheduler_generate_planned (self->scheduler, &planned, &error);
    }
  else
    batch_id = reel_scheduler_generate (self->scheduler, ids, n_ids, &generation->options, &error);
  if (batch_id == 0 && error != NULL)
    reel_window_report_error (self, _ ("Could Not Start Generating"), error);
  else if (batch_id == 0)
    reel_window_add_toast (self, ids == NULL ? _ ("Every shot has a take already")
                                 : n_ids > 1 ? _ ("The shots are being generated already")
                                             : _ ("The shot is being generated already"));
  else if (generation->started != NULL)
    reel_window_add_toast (self, generation->started);
  return batch_id;
}

static void
confirm_response_cb (AdwMessageDialog *dialog, const char *response, ReelWindow *self)
{
  Generation *generation = g_object_get_data (G_OBJECT (dialog), "reel-generation");

  if (g_strcmp0 (response, "generate") == 0 && generation != NULL)
    start_generation (self, generation);
  else if (g_strcmp0 (response, "budget") == 0)
    show_preferences (self, NULL);
}

static char *
format_money_left (ReelProject *project, double left)
{
  const char *currency = NULL;

  reel_project_get_budget (project, NULL, &currency);
  return reel_format_money (left, currency);
}

/* A paid batch says what it will cost before it starts, and one the budget
 * cannot cover says so instead. */
static void
confirm_cost (ReelWindow *self, Generation *generation, const ReelCostEstimate *estimate)
{
  g_autofree char *cost = reel_cost_estimate_describe (estimate);
  g_autofree char *heading = NULL;
  g_autoptr (GString) body = g_string_new (NULL);
  const char *label = engine_label (self, generation->backend);
  GtkWidget  *dialog;

  if (estimate->over_budget)
    {
      g_autofree char *left = format_money_left (self->project, estimate->budget_left);

      heading = g_strdup (_ ("Over Budget"));
      /* Translators: "12 shots × 5 s ≈ ¥8.40 on Alibaba Cloud Model Studio, but only ¥3.00 …" */
      g_string_printf (
          body,
          _ ("%s on %s, but only %s of the project’s budget is left. Raise the budget, "
             "or generate fewer shots."),
          cost, label, left);
    }
  else
    {
      if (estimate->n_jobs == estimate->n_shots)
        heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Generate %u Shot?",
                                                "Generate %u Shots?", estimate->n_jobs),
                                   estimate->n_jobs);
      else
        heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Generate %u Take?",
                                                "Generate %u Takes?", estimate->n_jobs),
                                   estimate->n_jobs);
      /* Translators: "12 shots × 5 s ≈ ¥8.40 on Alibaba Cloud Model Studio." */
      g_string_printf (body, _ ("%s on %s."), cost, label);
      if (estimate->budget_left >= 0)
        {
          g_autofree char *left = format_money_left (self->project, estimate->budget_left);

          g_string_append_c (body, '\n');
          /* Translators: "¥41.60 of the project's budget is left." */
          g_string_append_printf (body, _ ("%s of the project’s budget is left."), left);
        }
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body->str);
  if (estimate->over_budget)
    {
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"),
                                        "budget", _ ("Change _Budget…"), NULL);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
    }
  else
    {
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                        "generate", _ ("_Generate"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "generate",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "generate");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    }
  g_object_set_data_full (G_OBJECT (dialog), "reel-generation", generation,
                          (GDestroyNotify) generation_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Asks first when a paid batch (@confirm) or the budget calls for it. */
static void
go_ahead (ReelWindow             *self,
          Generation             *generation,
          const ReelCostEstimate *estimate,
          gboolean                confirm)
{
  g_autoptr (Generation) owned = generation;

  if (estimate->n_jobs > 0 && estimate->currency != NULL && (confirm || estimate->over_budget))
    {
      confirm_cost (self, g_steal_pointer (&owned), estimate);
      return;
    }
  start_generation (self, generation);
}

typedef struct
{
  ReelWindow *window;
  Generation *generation;
  gboolean    confirm;
} Estimating;

static void
estimated_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Estimating *estimating = user_data;
  g_autoptr (ReelWindow) self = estimating->window;
  g_autoptr (Generation) generation = estimating->generation;
  g_autoptr (GError) error = NULL;
  g_auto (ReelCostEstimate) estimate = { 0 };
  gboolean confirm = estimating->confirm;

  g_free (estimating);
  self->estimating = FALSE;
  if (!reel_scheduler_estimate_finish (REEL_SCHEDULER (source), result, &estimate, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reel_window_report_error (self, _ ("Could Not Start Generating"), error);
      return;
    }
  /* Another project was opened, or the window closed, meanwhile: nothing
   * is queued (or paid for) that the user can no longer see. */
  if (self->closing || REEL_SCHEDULER (source) != self->scheduler || reel_window_is_loading (self))
    return;
  if (generation->changes == self->project_changes)
    generation->planned = g_steal_pointer (&estimate.jobs);
  go_ahead (self, g_steal_pointer (&generation), &estimate, confirm);
}

/* Every way to generate comes here: the engine is the default one, it must
 * be ready (nothing falls back to another engine), and a paid batch is
 * confirmed with what it will cost. @confirm is FALSE for a single clicked
 * shot, which the user asked for by name. Generate All (@shot_ids NULL)
 * works out every shot's final prompt for its estimate, which takes seconds
 * for a long project, so that is done in a worker. */
static void
request_generation (ReelWindow          *self,
                    const gint64        *shot_ids,
                    guint                n_shots,
                    ReelGenerateOptions *options,
                    gboolean             confirm,
                    const char          *started)
{
  g_autoptr (Generation) generation = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (ReelCostEstimate) estimate = { 0 };

  if (self->scheduler == NULL || !commit_edits (self))
    return;

  generation = g_new0 (Generation, 1);
  generation->backend = default_backend_name (self);
  generation->options = *options;
  generation->options.backend = generation->backend;
  generation->started = g_strdup (started);
  generation->changes = self->project_changes;
  generation->scheduler = g_object_ref (self->scheduler);
  if (shot_ids != NULL)
    {
      generation->shot_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_shots);
      g_array_append_vals (generation->shot_ids, shot_ids, n_shots);
    }

  if (!reel_window_check_engine (self, generation->backend))
    return;

  if (shot_ids == NULL)
    {
      Estimating *estimating;

      /* The one on its way answers this click too. */
      if (self->estimating)
        return;
      self->estimating = TRUE;
      estimating = g_new0 (Estimating, 1);
      estimating->window = g_object_ref (self);
      estimating->confirm = confirm;
      estimating->generation = g_steal_pointer (&generation);
      reel_scheduler_estimate_async (self->scheduler, NULL, 0, &estimating->generation->options,
                                     self->cancellable, estimated_cb, estimating);
      return;
    }

  if (!reel_scheduler_estimate (self->scheduler, shot_ids, n_shots, &generation->options, &estimate,
                                &error))
    {
      reel_window_report_error (self, _ ("Could Not Start Generating"), error);
      return;
    }
  go_ahead (self, g_steal_pointer (&generation), &estimate, confirm);
}

static void
generate_all_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelGenerateOptions options = { .priority = REEL_PRIORITY_BATCH };

  request_generation (REEL_WINDOW (widget), NULL, 0, &options, TRUE, NULL);
}

static void
generate_shot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gint64 shot_id = g_variant_get_int64 (parameter);
  /* A clicked shot jumps the queue, and a shot with takes gets another one. */
  ReelGenerateOptions options = { .priority = REEL_PRIORITY_CLICK, .regenerate = TRUE };

  request_generation (REEL_WINDOW (widget), &shot_id, 1, &options, FALSE, NULL);
}

static void
generate_shots_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gsize               n_shots = 0;
  const gint64       *shot_ids = g_variant_get_fixed_array (parameter, &n_shots, sizeof (gint64));
  ReelGenerateOptions options = { .priority = REEL_PRIORITY_CLICK, .regenerate = TRUE };

  if (n_shots > 0)
    request_generation (REEL_WINDOW (widget), shot_ids, (guint) n_shots, &options, TRUE, NULL);
}

static void
generate_variants_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow         *self = REEL_WINDOW (widget);
  ReelShot           *shot = selected_shot (self);
  g_autofree char    *started = NULL;
  gint64              shot_id;
  ReelGenerateOptions options
      = { .priority = REEL_PRIORITY_CLICK, .regenerate = TRUE, .variants = N_VARIANTS };

  if (shot == NULL)
    return;
  shot_id = reel_shot_get_id (shot);
  started = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Generating %u variant of shot %s",
                                          "Generating %u variants of shot %s", N_VARIANTS),
                             N_VARIANTS, reel_shot_get_number (shot));
  request_generation (self, &shot_id, 1, &options, TRUE, started);
}

/* Retry on a card: the shot's latest failed or cancelled job runs again, with
 * its backend and seed; without one, the shot is generated anew. */
static void
retry_shot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);
  gint64      shot_id = g_variant_get_int64 (parameter);
  g_autoptr (GPtrArray) jobs = NULL;
  g_autoptr (GError) error = NULL;

  if (self->scheduler == NULL)
    return;

  jobs = reel_project_list_jobs (self->project, FALSE);
  for (guint i = jobs->len; i > 0; i--)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i - 1);

      if (job->shot_id != shot_id)
        continue;
      if (job->state == REEL_JOB_FAILED || job->state == REEL_JOB_CANCELLED)
        {
          /* A job that failed for want of a key would only fail again. */
          if (reel_window_check_engine (self, job->backend)
              && !reel_scheduler_retry_job (self->scheduler, job->id, &error))
            reel_window_report_error (self, _ ("Could Not Try Again"), error);
          return;
        }
      break;
    }

  generate_shot_action (widget, action_name, parameter);
}

static void
show_takes_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelWindow *self = REEL_WINDOW (widget);

  reel_window_show_view (self, "storyboard");
  reel_storyboard_page_select_shot (self->storyboard_page, g_variant_get_int64 (parameter), FALSE);
  adw_flap_set_reveal_flap (self->storyboard_flap, TRUE);
  update_actions (self);
}

static void
selected_shot_cb (ReelWindow *self)
{
  reel_take_strip_set_shot (self->take_strip,
                            reel_storyboard_page_get_selected_shot (self->storyboard_page));
  update_actions (self);
}

static void
close_takes_cb (ReelWindow *self)
{
  if (adw_flap_get_folded (self->storyboard_flap))
    adw_flap_set_reveal_flap (self->storyboard_flap, FALSE);
}

static void
jobs_counts_cb (ReelWindow *self)
{
  AdwViewStackPage *page = adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->jobs_page));
  guint             n_failed = reel_jobs_page_get_n_failed (self->jobs_page);

  adw_view_stack_page_set_badge_number (page, n_failed);
  adw_view_stack_page_set_needs_attention (page, n_failed > 0);
}

/* The leaflet folds below about 600 px: the sidebar then slides over the
 * content, shown by the toggle button. */

static void
update_for_width (ReelWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  gboolean on_timeline;

  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button), folded && self->project != NULL);
  adw_view_switcher_bar_set_reveal (
      self->switcher_bar, adw_view_switcher_title_get_title_visible (self->switcher_title));
  /* Folded, the title needs the room of undo and redo: the menu has them,
   * and so do Ctrl+Z and the toasts. */
  gtk_widget_set_visible (self->undo_box, !folded && self->project != NULL);
  if (folded && g_menu_model_get_n_items (G_MENU_MODEL (self->narrow_section)) == 0)
    {
      g_autoptr (GMenuItem) undo = g_menu_item_new (_ ("_Undo"), "win.undo");
      g_autoptr (GMenuItem) redo = g_menu_item_new (_ ("_Redo"), "win.redo");

      g_menu_item_set_attribute (undo, "hidden-when", "s", "action-disabled");
      g_menu_item_set_attribute (redo, "hidden-when", "s", "action-disabled");
      g_menu_append_item (self->narrow_section, undo);
      g_menu_append_item (self->narrow_section, redo);
    }
  else if (!folded)
    g_menu_remove_all (self->narrow_section);
  if (folded)
    gtk_toggle_button_set_active (self->sidebar_button,
                                  adw_leaflet_get_visible_child (self->leaflet) == self->sidebar);
  /* Narrow header bars have no room for it: the main menu has it too. */
  gtk_widget_set_visible (GTK_WIDGET (self->break_down_button), !folded && self->project != NULL);
  /* So does Generate All: the menu and Ctrl+G still have it. On the
   * Timeline, Export takes its place (the menu and Ctrl+E have it too), so
   * the header bar is no wider there. */
  on_timeline = g_strcmp0 (reel_window_get_visible_view (self), "timeline") == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->generate_all_button),
                          !folded && self->project != NULL && !on_timeline);
  gtk_widget_set_visible (GTK_WIDGET (self->export_button),
                          !folded && self->project != NULL && on_timeline);
}

static gboolean
update_for_width_idle_cb (gpointer user_data)
{
  ReelWindow *self = user_data;

  self->update_for_width_source = 0;
  update_for_width (self);
  return G_SOURCE_REMOVE;
}

/* The leaflet folds, and the switcher title gives way to the title, while
 * the window is being allocated: changing the header bar or the switcher bar
 * right then would leave parts of the window unallocated for a frame. */
static void
allocation_changed_cb (ReelWindow *self)
{
  if (self->update_for_width_source == 0)
    self->update_for_width_source = g_idle_add (update_for_width_idle_cb, self);
}

static void
sidebar_button_toggled_cb (ReelWindow *self)
{
  gboolean active = gtk_toggle_button_get_active (self->sidebar_button);

  if (!adw_leaflet_get_folded (self->leaflet))
    return;
  adw_leaflet_set_visible_child (self->leaflet, active ? self->sidebar : self->content);
}

static void
leaflet_visible_child_cb (ReelWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    gtk_toggle_button_set_active (self->sidebar_button,
                                  adw_leaflet_get_visible_child (self->leaflet) == self->sidebar);
}

static void
scene_selected_cb (ReelWindow *self)
{
  ReelScene  *scene = gtk_single_selection_get_selected_item (self->scene_selection);
  const char *view;

  /* Splices move the selection around; only a new scene is a navigation. */
  if (scene == NULL || scene == self->navigated_scene)
    return;
  self->navigated_scene = scene;

  view = reel_window_get_visible_view (self);
  if (g_strcmp0 (view, "script") == 0)
    reel_script_page_scroll_to_heading (self->script_page, reel_scene_get_heading (scene));
  else
    {
      reel_window_show_view (self, "storyboard");
      reel_storyboard_page_scroll_to_scene (self->storyboard_page, reel_scene_get_id (scene));
    }

  if (adw_leaflet_get_folded (self->leaflet))
    gtk_toggle_button_set_active (self->sidebar_button, FALSE);
}

static void
scene_row_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  gtk_list_item_set_child (item, reel_scene_row_new ());
}

static void
scene_row_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  reel_scene_row_set_scene (REEL_SCENE_ROW (gtk_list_item_get_child (item)),
                            REEL_SCENE (gtk_list_item_get_item (item)));
}

static void
scene_row_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  reel_scene_row_set_scene (REEL_SCENE_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
project_changed_cb (ReelWindow *self)
{
  self->project_changes++;
  update_actions (self);
}

static void
project_title_cb (ReelWindow *self)
{
  update_title (self);
}

void
reel_window_set_project (ReelWindow *self, ReelProject *project)
{
  g_return_if_fail (REEL_IS_WINDOW (self));
  g_return_if_fail (project == NULL || REEL_IS_PROJECT (project));

  if (self->project == project)
    return;

  if (self->project != NULL)
    {
      commit_edits (self);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }

  stop_scheduler (self);
  g_set_object (&self->project, project);
  self->project_changes++;
  self->navigated_scene = NULL;

  reel_script_page_set_project (self->script_page, project);
  reel_storyboard_page_set_project (self->storyboard_page, project);
  reel_take_strip_set_project (self->take_strip, project);
  reel_timeline_page_set_project (self->timeline_page, project);
  if (project != NULL)
    start_scheduler (self);
  gtk_single_selection_set_model (self->scene_selection,
                                  project != NULL ? reel_project_get_scenes (project) : NULL);
  gtk_single_selection_set_selected (self->scene_selection, GTK_INVALID_LIST_POSITION);

  if (project != NULL)
    {
      g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "notify::can-undo", G_CALLBACK (project_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "notify::can-redo", G_CALLBACK (project_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "notify::title", G_CALLBACK (project_title_cb), self,
                               G_CONNECT_SWAPPED);
    }

  gtk_spinner_stop (self->loading_spinner);
  gtk_stack_set_visible_child_name (self->main_stack, project != NULL ? "project" : "empty");
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, project != NULL);
  update_for_width (self);

  /* A fresh project opens on its script, ready for typing; a broken-down
   * one on its storyboard. */
  if (project != NULL && g_list_model_get_n_items (reel_project_get_shots (project)) > 0)
    reel_window_show_view (self, "storyboard");
  else if (project != NULL)
    {
      reel_window_show_view (self, "script");
      gtk_widget_grab_focus (GTK_WIDGET (self->script_page));
    }

  update_title (self);
  update_actions (self);
}

guint
reel_window_begin_loading (ReelWindow *self, const char *title)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), 0);
  g_return_val_if_fail (title != NULL, 0);

  commit_edits (self);
  reel_window_set_loading_title (self, title);
  gtk_spinner_start (self->loading_spinner);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  update_actions (self);
  return ++self->loading_serial;
}

void
reel_window_set_loading_title (ReelWindow *self, const char *title)
{
  g_return_if_fail (REEL_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  adw_status_page_set_title (self->loading_page, title);
}

gboolean
reel_window_end_loading (ReelWindow *self, guint serial)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), FALSE);

  if (serial != self->loading_serial)
    return FALSE;
  if (reel_window_is_loading (self))
    {
      gtk_spinner_stop (self->loading_spinner);
      gtk_stack_set_visible_child_name (self->main_stack,
                                        self->project != NULL ? "project" : "empty");
      update_actions (self);
    }
  return TRUE;
}

gboolean
reel_window_is_loading_serial (ReelWindow *self, guint serial)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), FALSE);
  return serial == self->loading_serial && reel_window_is_loading (self);
}

gboolean
reel_window_is_loading (ReelWindow *self)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "loading") == 0;
}

ReelProject *
reel_window_get_project (ReelWindow *self)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), NULL);
  return self->project;
}

void
reel_window_show_view (ReelWindow *self, const char *name)
{
  g_return_if_fail (REEL_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    {
      g_critical ("No view called “%s”", name);
      return;
    }

  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

const char *
reel_window_get_visible_view (ReelWindow *self)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
reel_window_select_shot (ReelWindow *self, gint64 shot_id)
{
  g_return_if_fail (REEL_IS_WINDOW (self));

  reel_storyboard_page_select_shot (
      self->storyboard_page, shot_id,
      focus_in_storyboard (self)
          || g_strcmp0 (reel_window_get_visible_view (self), "storyboard") == 0);
  update_actions (self);
}

gint64
reel_window_get_selected_shot (ReelWindow *self)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), 0);
  return reel_storyboard_page_get_selected_shot (self->storyboard_page);
}

GtkWidget *
reel_window_get_view (ReelWindow *self, const char *name)
{
  g_return_val_if_fail (REEL_IS_WINDOW (self), NULL);

  /* The storyboard shares its page with the take strip. */
  if (g_strcmp0 (name, "storyboard") == 0)
    return GTK_WIDGET (self->storyboard_page);
  return adw_view_stack_get_child_by_name (self->view_stack, name);
}

static void
rebuild_recent_menu (ReelWindow *self)
{
  GSettings *settings = self->settings;
  g_auto (GStrv) paths
      = settings != NULL ? g_settings_get_strv (settings, "recent-projects") : NULL;
  guint n_items = 0;

  g_menu_remove_all (self->recent_section);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *basename = g_path_get_basename (paths[i]);
      g_autofree char *label = g_filename_display_name (basename);
      g_autoptr (GMenuItem) item = NULL;

      if (g_str_has_suffix (label, ".storyreel") && strlen (label) > strlen (".storyreel"))
        label[strlen (label) - strlen (".storyreel")] = '\0';

      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "app.open-recent",
                                               g_variant_new_string (paths[i]));
      g_menu_append_item (self->recent_section, item);
      n_items++;
    }

  if (n_items == 0)
    g_menu_append (self->recent_section, _ ("No Recent Projects"), "app.no-recent");
}

/* The Shortcuts window opens on the shortcuts of the whole app each time,
 * not on the section it was left on. */
static void
help_overlay_show_cb (GtkWidget *overlay)
{
  g_object_set (overlay, "section-name", "general", NULL);
}

static void
follow_help_overlay (ReelWindow *self)
{
  GtkShortcutsWindow *overlay
      = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));

  if (overlay != NULL
      && g_signal_handler_find (overlay, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, help_overlay_show_cb,
                                NULL)
             == 0)
    g_signal_connect (overlay, "show", G_CALLBACK (help_overlay_show_cb), NULL);
}

/* The application is set after the window is built (even by g_object_new):
 * only then are its settings known. */
static void
application_changed_cb (ReelWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  GSettings      *settings = REEL_IS_APPLICATION (application)
                                 ? reel_application_get_settings (REEL_APPLICATION (application))
                                 : NULL;

  follow_help_overlay (self);

  if (REEL_IS_APPLICATION (application)
      && g_signal_handler_find (application, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                api_key_changed_cb, self)
             == 0)
    g_signal_connect_object (application, "api-key-changed", G_CALLBACK (api_key_changed_cb), self,
                             G_CONNECT_SWAPPED);

  /* Leaving the application as it closes, the window keeps what it had. */
  if (settings == NULL || settings == self->settings)
    return;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);

  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect_object (settings, "changed::recent-projects", G_CALLBACK (rebuild_recent_menu),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::parallel-jobs", G_CALLBACK (apply_parallel_limit),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::default-backend", G_CALLBACK (update_engine_state),
                           self, G_CONNECT_SWAPPED);
  rebuild_recent_menu (self);
  restart_engines (self);
  apply_parallel_limit (self);
}

static gboolean
reel_window_close_request (GtkWindow *window)
{
  ReelWindow *self = REEL_WINDOW (window);
  GSettings  *settings = self->settings;

  self->closing = TRUE;
  commit_edits (self);
  /* Running jobs stop here and resume when the project opens next time. */
  stop_scheduler (self);

  if (settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (settings);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window))
        {
          g_settings_set_int (settings, "window-width", width);
          g_settings_set_int (settings, "window-height", height);
        }
      g_settings_apply (settings);
    }

  return GTK_WINDOW_CLASS (reel_window_parent_class)->close_request (window);
}

static void
reel_window_dispose (GObject *object)
{
  ReelWindow *self = REEL_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->update_for_width_source, g_source_remove);
  stop_scheduler (self);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->save_chooser);
  g_clear_object (&self->import_chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_WINDOW);

  g_clear_object (&self->scene_selection);
  g_clear_object (&self->project);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (reel_window_parent_class)->dispose (object);
}

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, break_down_button);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, generate_all_button);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, undo_box);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, content);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, scene_stack);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, scene_list);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, script_page);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, storyboard_page);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, storyboard_flap);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, take_strip);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, jobs_page);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, timeline_page);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, ReelWindow, narrow_section);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.break-down", NULL, break_down_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.import-script", NULL, import_script_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.move-shot-up", NULL, move_shot_action);
  gtk_widget_class_install_action (widget_class, "win.move-shot-down", NULL, move_shot_action);
  gtk_widget_class_install_action (widget_class, "win.delete-shot", NULL, delete_shot_action);
  gtk_widget_class_install_action (widget_class, "win.add-shot", NULL, add_shot_action);
  gtk_widget_class_install_action (widget_class, "win.duplicate-shot", NULL, duplicate_shot_action);
  gtk_widget_class_install_action (widget_class, "win.split-shot", NULL, split_shot_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.generate-all", NULL, generate_all_action);
  gtk_widget_class_install_action (widget_class, "win.generate-shot", "x", generate_shot_action);
  gtk_widget_class_install_action (widget_class, "win.generate-shots", "ax", generate_shots_action);
  gtk_widget_class_install_action (widget_class, "win.retry-shot", "x", retry_shot_action);
  gtk_widget_class_install_action (widget_class, "win.generate-variants", NULL,
                                   generate_variants_action);
  gtk_widget_class_install_action (widget_class, "win.show-takes", "x", show_takes_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.personal-films", NULL, personal_films_action);
  gtk_widget_class_install_action (widget_class, "win.characters", NULL, characters_action);
  gtk_widget_class_install_action (widget_class, "win.library", NULL, library_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
  gtk_widget_class_install_action (widget_class, "win.set-up-engine", "s", set_up_engine_action);
  gtk_widget_class_install_action (widget_class, "win.edit-budget", NULL, edit_budget_action);
}

static void
add_shortcuts (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "win.break-down",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-view", "s",
                                       "script");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-view", "s",
                                       "storyboard");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-view", "s",
                                       "timeline");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.show-view", "s",
                                       "jobs");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK,
                                       "win.generate-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.generate-variants", NULL);
  /* Alt+arrows: text views keep Ctrl and Shift arrows for the cursor. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.move-shot-up",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "win.move-shot-up",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK,
                                       "win.move-shot-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "win.move-shot-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "win.add-shot", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.delete-shot", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "win.duplicate-shot", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.split-shot",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_E, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.personal-films", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.characters", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_L, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.library", NULL);
}

static void
reel_window_class_init (ReelWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = reel_window_dispose;
  window_class->close_request = reel_window_close_request;

  g_type_ensure (REEL_TYPE_SCRIPT_PAGE);
  g_type_ensure (REEL_TYPE_STORYBOARD_PAGE);
  g_type_ensure (REEL_TYPE_TAKE_STRIP);
  g_type_ensure (REEL_TYPE_JOBS_PAGE);
  g_type_ensure (REEL_TYPE_TIMELINE_PAGE);

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  bind_template (widget_class);
  install_actions (widget_class);
  add_shortcuts (widget_class);
}

static void
reel_window_init (ReelWindow *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  self->scene_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->scene_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->scene_selection, TRUE);
  g_signal_connect_object (self->scene_selection, "notify::selected-item",
                           G_CALLBACK (scene_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (factory, "setup", G_CALLBACK (scene_row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (scene_row_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (scene_row_unbind_cb), NULL);
  gtk_list_view_set_factory (self->scene_list, factory);
  gtk_list_view_set_model (self->scene_list, GTK_SELECTION_MODEL (self->scene_selection));

  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (allocation_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (allocation_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::visible-child",
                           G_CALLBACK (leaflet_visible_child_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar_button, "toggled", G_CALLBACK (sidebar_button_toggled_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->storyboard_page, "notify::selected-shot",
                           G_CALLBACK (selected_shot_cb), self, G_CONNECT_SWAPPED);
  reel_take_strip_set_image_cache (self->take_strip,
                                   reel_storyboard_page_get_image_cache (self->storyboard_page));
  g_signal_connect_object (self->take_strip, "close", G_CALLBACK (close_takes_cb), self,
                           G_CONNECT_SWAPPED);
  g_object_bind_property (self->storyboard_flap, "folded", self->take_strip, "folded",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->jobs_page, "notify::n-failed", G_CALLBACK (jobs_counts_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::is-active", G_CALLBACK (window_is_active_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (update_for_width),
                           self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self, "notify::application", G_CALLBACK (application_changed_cb), self,
                           G_CONNECT_SWAPPED);
  rebuild_recent_menu (self);

  gtk_stack_set_visible_child_name (self->main_stack, "empty");
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->break_down_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->generate_all_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->export_button), FALSE);
  gtk_widget_set_visible (self->undo_box, FALSE);
  update_title (self);
  update_actions (self);
}

ReelWindow *
reel_window_new (ReelApplication *app)
{
  return g_object_new (REEL_TYPE_WINDOW, "application", app, NULL);
}
