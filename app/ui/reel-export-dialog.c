/* reel-export-dialog.c
 *
 * A small window over the main one: the export options (format, picture,
 * captions, the AI label, the storyboard grid), then a file chooser, then the
 * export itself with its stage, a progress bar, an ETA and a Cancel button.
 * ReelExporter runs asynchronously, so the window never waits on it; the
 * result is a toast in the main window (with a way to open it) or a dialog
 * that says what went wrong.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-application.h"
#include "reel-cut.h"
#include "reel-export-dialog.h"
#include "reel-ui-utils.h"
#include "reel-window.h"

static const guint       resolution_widths[] = { 3840, 1920, 1280, 854, 640 };
static const guint       frame_rates[] = { 24, 25, 30, 60 };
static const char *const label_positions[]
    = { "top-left", "top-right", "bottom-left", "bottom-right" };
static const ReelCaptionMode caption_modes[]
    = { REEL_CAPTION_MODE_BURN, REEL_CAPTION_MODE_SOFT, REEL_CAPTION_MODE_OFF };

struct _ReelExportDialog
{
  AdwWindow parent_instance;

  ReelProject          *project;
  ReelExporter         *exporter;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *output_path;
  char                 *eta_text;
  gboolean              closing;

  GtkStack       *stack;
  GtkButton      *export_button;
  GtkButton      *close_button;
  AdwComboRow    *format_row;
  GtkWidget      *picture_group;
  AdwComboRow    *resolution_row;
  AdwComboRow    *fps_row;
  GtkWidget      *captions_group;
  AdwComboRow    *captions_row;
  GtkSwitch      *sidecars_switch;
  GtkWidget      *label_group;
  AdwComboRow    *label_row;
  GtkWidget      *pdf_group;
  GtkSpinButton  *columns_spin;
  GtkSpinButton  *rows_spin;
  AdwStatusPage  *progress_page;
  GtkProgressBar *progress_bar;
  GtkLabel       *stage_label;
  GtkLabel       *eta_label;
  AdwStatusPage  *done_page;
  GtkButton      *play_button;
};

G_DEFINE_FINAL_TYPE (ReelExportDialog, reel_export_dialog, ADW_TYPE_WINDOW)

enum
{
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static ReelExportFormat
selected_format (ReelExportDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->format_row);

  return selected <= REEL_EXPORT_FORMAT_VTT ? (ReelExportFormat) selected : REEL_EXPORT_FORMAT_MP4;
}

static const char *
format_extension (ReelExportFormat format)
{
  return format == REEL_EXPORT_FORMAT_VTT ? "vtt" : reel_export_format_to_string (format);
}

static void
update_groups (ReelExportDialog *self)
{
  ReelExportFormat format = selected_format (self);
  gboolean         film = reel_export_format_is_film (format);

  gtk_widget_set_visible (self->picture_group, film);
  gtk_widget_set_visible (self->captions_group, film);
  gtk_widget_set_visible (self->label_group, film);
  gtk_widget_set_visible (self->pdf_group, format == REEL_EXPORT_FORMAT_PDF);
}

void
reel_export_dialog_set_format (ReelExportDialog *self, ReelExportFormat format)
{
  g_return_if_fail (REEL_IS_EXPORT_DIALOG (self));
  adw_combo_row_set_selected (self->format_row, format);
}

void
reel_export_dialog_get_options (ReelExportDialog *self, ReelExportOptions *options)
{
  guint resolution = adw_combo_row_get_selected (self->resolution_row);
  guint fps = adw_combo_row_get_selected (self->fps_row);
  guint captions = adw_combo_row_get_selected (self->captions_row);
  guint label = adw_combo_row_get_selected (self->label_row);

  g_return_if_fail (REEL_IS_EXPORT_DIALOG (self));

  reel_export_options_init (options);
  options->format = selected_format (self);
  options->segment_cache_limit
      = reel_ui_export_cache_limit (reel_application_get_settings_for_widget (GTK_WIDGET (self)));

  /* Item 0 of each list is the project's own setting. */
  if (resolution > 0 && resolution <= G_N_ELEMENTS (resolution_widths) && self->project != NULL)
    {
      guint width = 0, height = 0;

      reel_project_get_resolution (self->project, &width, &height);
      options->width = resolution_widths[resolution - 1];
      options->height = (guint) lround ((double) options->width * height / MAX (width, 1)) & ~1u;
    }
  if (fps > 0 && fps <= G_N_ELEMENTS (frame_rates))
    options->fps = frame_rates[fps - 1];
  if (captions < G_N_ELEMENTS (caption_modes))
    options->captions = caption_modes[captions];
  options->caption_sidecars = gtk_switch_get_active (self->sidecars_switch);
  if (label < G_N_ELEMENTS (label_positions))
    {
      g_free (options->ai_label_position);
      options->ai_label_position = g_strdup (label_positions[label]);
    }
  options->pdf_columns = (guint) gtk_spin_button_get_value_as_int (self->columns_spin);
  options->pdf_rows = (guint) gtk_spin_button_get_value_as_int (self->rows_spin);
}

/* Progress */

/* The bar says how far along in words too; it reaches 100 % only when the
 * file is written. */
static void
show_percent (ReelExportDialog *self, double progress)
{
  g_autofree char *percent = NULL;

  progress = CLAMP (progress, 0, 0.99);
  gtk_progress_bar_set_fraction (self->progress_bar, progress);
  /* Translators: how much of the export is done, "42 %" */
  percent = g_strdup_printf (_ ("%.0f %%"), floor (progress * 100));
  gtk_progress_bar_set_text (self->progress_bar, percent);
}

static void
update_progress (ReelExportDialog *self)
{
  double      progress = reel_exporter_get_progress (self->exporter);
  double      eta = reel_exporter_get_eta (self->exporter);
  const char *stage = reel_exporter_get_stage (self->exporter);

  show_percent (self, progress);
  gtk_label_set_label (self->stage_label, stage != NULL ? stage : "");

  g_free (self->eta_text);
  if (eta < 0)
    self->eta_text = g_strdup ("");
  else if (eta < 60)
    {
      int seconds = MAX (1, (int) ceil (eta));
      self->eta_text = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "About %d second left", "About %d seconds left", seconds),
          seconds);
    }
  else
    {
      int minutes = (int) ceil (eta / 60);
      self->eta_text = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "About %d minute left", "About %d minutes left", minutes),
          minutes);
    }
  gtk_label_set_label (self->eta_label, self->eta_text);
}

static GtkWindow *
main_window (ReelExportDialog *self)
{
  return gtk_window_get_transient_for (GTK_WINDOW (self));
}

static void
export_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelExportDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean         ok = reel_exporter_run_finish (REEL_EXPORTER (source), result, &error);
  g_autofree char *basename = g_path_get_basename (self->output_path);
  g_autofree char *name = g_filename_display_name (basename);
  GtkWindow       *parent = main_window (self);

  g_signal_handlers_disconnect_by_data (source, self);
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), TRUE);

  if (ok)
    {
      g_autoptr (GFile) file = g_file_new_for_path (self->output_path);
      g_autoptr (GFile) folder = g_file_get_parent (file);
      g_autofree char *file_uri = g_file_get_uri (file);
      g_autofree char *folder_uri = g_file_get_uri (folder);
      g_autofree char *title = g_strdup_printf (_ ("Exported “%s”"), name);
      gboolean         film = reel_export_format_is_film (selected_format (self));

      g_object_set_data_full (G_OBJECT (self), "file-uri", g_strdup (file_uri), g_free);
      g_object_set_data_full (G_OBJECT (self), "folder-uri", g_strdup (folder_uri), g_free);
      adw_status_page_set_description (self->done_page, name);
      gtk_button_set_label (self->play_button, film ? _ ("_Play") : _ ("_Open"));
      gtk_stack_set_visible_child_name (self->stack, "done");
      gtk_widget_set_visible (GTK_WIDGET (self->export_button), FALSE);
      gtk_button_set_label (self->close_button, _ ("_Close"));

      if (REEL_IS_WINDOW (parent))
        {
          AdwToast *toast = adw_toast_new (title);

          adw_toast_set_button_label (toast, film ? _ ("_Play") : _ ("Open _Folder"));
          adw_toast_set_action_name (toast, "win.open-uri");
          adw_toast_set_action_target_value (toast,
                                             g_variant_new_string (film ? file_uri : folder_uri));
          reel_window_add_toast_object (REEL_WINDOW (parent), toast);
        }
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "options");
      gtk_widget_set_visible (GTK_WIDGET (self->export_button), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (REEL_IS_WINDOW (parent))
            reel_window_add_toast (REEL_WINDOW (parent), _ ("Export cancelled"));
        }
      else if (!self->closing)
        {
          GtkWidget *dialog;

          g_message ("Export of %s failed: %s", self->output_path, error->message);
          dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Could Not Export the Film"),
                                           error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
          adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
          gtk_window_present (GTK_WINDOW (dialog));
        }
    }

  g_clear_object (&self->cancellable);
  g_signal_emit (self, signals[FINISHED], 0, ok);
}

void
reel_export_dialog_export_to (ReelExportDialog *self, const char *path)
{
  g_autoptr (ReelCut) cut = NULL;
  g_autoptr (GError) error = NULL;
  ReelExportOptions options;
  g_autofree char  *basename = NULL;
  g_autofree char  *name = NULL;

  g_return_if_fail (REEL_IS_EXPORT_DIALOG (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (!reel_export_dialog_get_running (self));

  if (self->project == NULL || (cut = reel_cut_new_from_project (self->project, &error)) == NULL)
    {
      if (error != NULL)
        reel_widget_report_error (GTK_WIDGET (main_window (self)), _ ("Could Not Export the Film"),
                                  error);
      return;
    }

  reel_export_dialog_get_options (self, &options);
  g_free (self->output_path);
  self->output_path = g_strdup (path);

  g_clear_object (&self->exporter);
  self->exporter = reel_exporter_new (g_steal_pointer (&cut), &options, path);
  g_signal_connect_object (self->exporter, "notify::progress", G_CALLBACK (update_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->exporter, "notify::eta", G_CALLBACK (update_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->exporter, "notify::stage", G_CALLBACK (update_progress), self,
                           G_CONNECT_SWAPPED);

  basename = g_path_get_basename (path);
  name = g_filename_display_name (basename);
  adw_status_page_set_description (self->progress_page, name);
  show_percent (self, 0);
  gtk_label_set_label (self->stage_label, "");
  gtk_label_set_label (self->eta_label, "");
  gtk_stack_set_visible_child_name (self->stack, "progress");
  gtk_widget_set_visible (GTK_WIDGET (self->export_button), FALSE);
  /* The progress page has the one Cancel while it runs. */
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), FALSE);

  self->cancellable = g_cancellable_new ();
  reel_exporter_run_async (self->exporter, self->cancellable, export_finished_cb,
                           g_object_ref (self));
  reel_export_options_clear (&options);
}

void
reel_export_dialog_cancel (ReelExportDialog *self)
{
  g_return_if_fail (REEL_IS_EXPORT_DIALOG (self));
  g_cancellable_cancel (self->cancellable);
}

gboolean
reel_export_dialog_get_running (ReelExportDialog *self)
{
  g_return_val_if_fail (REEL_IS_EXPORT_DIALOG (self), FALSE);
  return self->cancellable != NULL;
}

ReelExporter *
reel_export_dialog_get_exporter (ReelExportDialog *self)
{
  g_return_val_if_fail (REEL_IS_EXPORT_DIALOG (self), NULL);
  return self->exporter;
}

const char *
reel_export_dialog_get_eta_text (ReelExportDialog *self)
{
  g_return_val_if_fail (REEL_IS_EXPORT_DIALOG (self), NULL);
  return self->eta_text != NULL ? self->eta_text : "";
}

/* The file chooser */

static void
chooser_response_cb (ReelExportDialog *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) folder = NULL;
  GSettings       *settings = reel_application_get_settings_for_widget (GTK_WIDGET (self));
  g_autofree char *path = NULL;
  const char      *extension;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL || g_file_peek_path (file) == NULL)
    return;

  folder = g_file_get_parent (file);
  if (settings != NULL && folder != NULL && g_file_peek_path (folder) != NULL)
    g_settings_set_string (settings, "last-export-directory", g_file_peek_path (folder));

  /* The format decides the extension, so the file opens in the right app. */
  path = g_file_get_path (file);
  extension = format_extension (selected_format (self));
  {
    ReelExportFormat guessed;

    if (!reel_export_format_guess (path, &guessed) || guessed != selected_format (self))
      {
        char *with_extension = g_strdup_printf ("%s.%s", path, extension);
        g_free (path);
        path = with_extension;
      }
  }

  reel_export_dialog_export_to (self, path);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelExportDialog *self = REEL_EXPORT_DIALOG (widget);
  GSettings        *settings = reel_application_get_settings_for_widget (widget);
  g_autofree char  *folder
      = settings != NULL ? g_settings_get_string (settings, "last-export-directory") : NULL;
  g_autofree char *name = NULL;
  const char      *title = self->project != NULL ? reel_project_get_title (self->project) : NULL;

  if (reel_export_dialog_get_running (self))
    return;

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (
      _ ("Export"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (folder != NULL && *folder != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) dir = g_file_new_for_path (folder);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), dir, NULL);
    }
  name = g_strdup_printf ("%s.%s", title != NULL && *title != '\0' ? title : _ ("Film"),
                          format_extension (selected_format (self)));
  g_strdelimit (name, "/", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  reel_export_dialog_cancel (REEL_EXPORT_DIALOG (widget));
}

static void
open_result (ReelExportDialog *self, const char *key)
{
  const char *uri = g_object_get_data (G_OBJECT (self), key);
  GtkWindow  *parent = main_window (self);

  if (uri != NULL && parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.open-uri", "s", uri);
}

static void
play_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_result (REEL_EXPORT_DIALOG (widget), "file-uri");
}

static void
open_folder_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_result (REEL_EXPORT_DIALOG (widget), "folder-uri");
}

static gboolean
reel_export_dialog_close_request (GtkWindow *window)
{
  ReelExportDialog *self = REEL_EXPORT_DIALOG (window);

  /* Closing stops the export: nothing is left under the chosen name. */
  self->closing = TRUE;
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (reel_export_dialog_parent_class)->close_request (window);
}

static gboolean
close_shortcut_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (widget));
  return TRUE;
}

/* Setup */

static void
fill_choices (ReelExportDialog *self)
{
  g_autoptr (GtkStringList) resolutions = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) rates = gtk_string_list_new (NULL);
  GSettings *settings = reel_application_get_settings_for_widget (GTK_WIDGET (self));
  guint      width = 1280, height = 720, fps = 24;

  if (self->project != NULL)
    {
      reel_project_get_resolution (self->project, &width, &height);
      fps = reel_project_get_fps (self->project);
    }

  {
    /* Translators: the first choice of export sizes: the project's own, e.g. "Project (1280 × 720)"
     */
    g_autofree char *label = g_strdup_printf (_ ("Project (%u × %u)"), width, height);
    gtk_string_list_append (resolutions, label);
  }
  for (guint i = 0; i < G_N_ELEMENTS (resolution_widths); i++)
    {
      guint out_height
          = (guint) lround ((double) resolution_widths[i] * height / MAX (width, 1)) & ~1u;
      g_autofree char *label = g_strdup_printf ("%u × %u", resolution_widths[i], out_height);
      gtk_string_list_append (resolutions, label);
    }
  adw_combo_row_set_model (self->resolution_row, G_LIST_MODEL (resolutions));

  {
    /* Translators: the first choice of frame rates: the project's own, e.g. "Project (24 fps)" */
    g_autofree char *label = g_strdup_printf (_ ("Project (%u fps)"), fps);
    gtk_string_list_append (rates, label);
  }
  for (guint i = 0; i < G_N_ELEMENTS (frame_rates); i++)
    {
      /* Translators: a frame rate, e.g. "25 fps" */
      g_autofree char *label = g_strdup_printf (_ ("%u fps"), frame_rates[i]);
      gtk_string_list_append (rates, label);
    }
  adw_combo_row_set_model (self->fps_row, G_LIST_MODEL (rates));

  if (settings != NULL)
    {
      g_autofree char *caption_mode = g_settings_get_string (settings, "caption-mode");
      g_autofree char *label = g_settings_get_string (settings, "ai-label-position");
      ReelCaptionMode  mode;

      if (reel_caption_mode_from_string (caption_mode, &mode))
        for (guint i = 0; i < G_N_ELEMENTS (caption_modes); i++)
          if (caption_modes[i] == mode)
            adw_combo_row_set_selected (self->captions_row, i);
      for (guint i = 0; i < G_N_ELEMENTS (label_positions); i++)
        if (g_strcmp0 (label_positions[i], label) == 0)
          adw_combo_row_set_selected (self->label_row, i);
    }
  else
    adw_combo_row_set_selected (self->label_row, 3);
}

static void
reel_export_dialog_dispose (GObject *object)
{
  ReelExportDialog *self = REEL_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_EXPORT_DIALOG);

  g_clear_object (&self->project);
  g_clear_object (&self->exporter);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (reel_export_dialog_parent_class)->dispose (object);
}

static void
reel_export_dialog_finalize (GObject *object)
{
  ReelExportDialog *self = REEL_EXPORT_DIALOG (object);

  g_free (self->output_path);
  g_free (self->eta_text);

  G_OBJECT_CLASS (reel_export_dialog_parent_class)->finalize (object);
}

static void
reel_export_dialog_class_init (ReelExportDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = reel_export_dialog_dispose;
  object_class->finalize = reel_export_dialog_finalize;
  window_class->close_request = reel_export_dialog_close_request;

  /* ::finished (gboolean success): the export ended, well or not. */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, picture_group);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, fps_row);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, captions_group);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, captions_row);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, sidecars_switch);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, label_group);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, label_row);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, pdf_group);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, columns_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, rows_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, stage_label);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, eta_label);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, ReelExportDialog, play_button);
  gtk_widget_class_bind_template_callback (widget_class, update_groups);

  gtk_widget_class_install_action (widget_class, "export.start", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "export.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "export.open-folder", NULL, open_folder_action);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, close_shortcut_cb, NULL);
}

static void
reel_export_dialog_init (ReelExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
reel_export_dialog_new (GtkWindow *parent, ReelProject *project)
{
  ReelExportDialog *self = g_object_new (REEL_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);

  g_set_object (&self->project, project);
  fill_choices (self);
  update_groups (self);
  return GTK_WIDGET (self);
}
