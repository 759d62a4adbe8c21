/* reel-preferences-window-logo.c: the Project page's brand logo
 *
 * The image is copied into the project's media in a worker, so the project
 * stays whole when the user's file moves; its corner, size and opacity are
 * project settings. Each change is one undoable edit, which the preview
 * follows through the project's ::changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-preferences-window-private.h"
#include "reel-project-import.h"
#include "reel-project-logo.h"

/* In the order of ReelLogoPosition. */
static const char *const position_labels[] = {
  N_ ("Top Left"),
  N_ ("Top Right"),
  N_ ("Bottom Left"),
  N_ ("Bottom Right"),
};

static void
report_error (ReelPreferencesWindow *self, const char *title, const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), title, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
reel_preferences_window_sync_logo (ReelPreferencesWindow *self)
{
  g_autoptr (ReelLogo) logo = NULL;
  gboolean has_image;

  if (self->project == NULL)
    return;

  logo = reel_project_dup_logo (self->project);
  has_image = logo->media_path != NULL;

  self->syncing++;
  if (has_image)
    {
      g_autofree char *name
          = logo->name != NULL ? g_strdup (logo->name) : g_filename_display_basename (logo->path);

      adw_action_row_set_subtitle (self->logo_row, name);
    }
  else
    adw_action_row_set_subtitle (self->logo_row, _ ("None: the film carries no logo"));
  adw_combo_row_set_selected (self->logo_position_row, logo->position);
  gtk_spin_button_set_value (self->logo_size_spin, 100 * logo->size);
  gtk_spin_button_set_value (self->logo_opacity_spin, 100 * logo->opacity);
  self->syncing--;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.remove-logo", has_image);
  gtk_widget_set_sensitive (GTK_WIDGET (self->logo_position_row), has_image);
  gtk_widget_set_sensitive (GTK_WIDGET (self->logo_size_row), has_image);
  gtk_widget_set_sensitive (GTK_WIDGET (self->logo_opacity_row), has_image);
}

/* The project's logo with what the rows now show. */
static void
placement_changed_cb (ReelPreferencesWindow *self)
{
  g_autoptr (ReelLogo) logo = NULL;
  g_autoptr (GError) error = NULL;
  guint position;

  if (self->syncing > 0 || self->project == NULL)
    return;

  logo = reel_project_dup_logo (self->project);
  position = adw_combo_row_get_selected (self->logo_position_row);
  if (position < G_N_ELEMENTS (position_labels))
    logo->position = (ReelLogoPosition) position;
  logo->size = gtk_spin_button_get_value (self->logo_size_spin) / 100;
  logo->opacity = gtk_spin_button_get_value (self->logo_opacity_spin) / 100;
  if (!reel_project_set_logo (self->project, logo, &error))
    {
      report_error (self, _ ("Could Not Change the Logo"), error);
      reel_preferences_window_sync_logo (self);
    }
}

typedef struct
{
  GWeakRef *window;
  char     *name; /* of the user's file, for display */
} LogoImport;

static void
logo_import_free (LogoImport *import)
{
  g_free (import->name);
  g_free (import);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LogoImport, logo_import_free)

static void
logo_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (LogoImport) import = user_data;
  g_autoptr (ReelPreferencesWindow) self = reel_preferences_window_weak_ref_finish (import->window);
  g_autoptr (GError) error = NULL;
  g_autofree char *media_path
      = reel_project_import_reference_image_finish (REEL_PROJECT (source), result, &error);
  g_autoptr (ReelLogo) logo = NULL;

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->logo_cancellable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.choose-logo", TRUE);
  if (self->project != REEL_PROJECT (source))
    return;

  if (media_path != NULL)
    {
      /* A new image keeps the place, size and opacity of the last. */
      logo = reel_project_dup_logo (self->project);
      g_free (logo->media_path);
      logo->media_path = g_steal_pointer (&media_path);
      g_free (logo->name);
      logo->name = g_steal_pointer (&import->name);
      if (reel_project_set_logo (self->project, logo, &error))
        return;
    }
  report_error (self, _ ("Could Not Use the Logo"), error);
}

/* Copies the image at the path @parameter names into the project and
 * makes it the logo: what the file chooser does once the user chose. */
static void
use_logo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  const char            *path = g_variant_get_string (parameter, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  LogoImport *import;

  if (self->project == NULL)
    return;

  g_cancellable_cancel (self->logo_cancellable);
  g_clear_object (&self->logo_cancellable);
  self->logo_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.choose-logo", FALSE);
  import = g_new0 (LogoImport, 1);
  import->window = reel_preferences_window_weak_ref_new (self);
  import->name = g_filename_display_basename (path);
  reel_project_import_reference_image_async (self->project, file, self->logo_cancellable,
                                             logo_imported_cb, import);
}

static void
logo_chosen_cb (ReelPreferencesWindow *self, GFile *file, gpointer user_data)
{
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autoptr (GError) error = g_error_new_literal (
          G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
          _ ("Only a file on this computer can be the logo. Copy it here first."));

      report_error (self, _ ("Could Not Use the Logo"), error);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "prefs.use-logo", "s", path);
}

static void
choose_logo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("Images (PNG, JPEG, WebP)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  reel_preferences_window_choose_file (self, _ ("Choose a Logo"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                       filter, logo_chosen_cb, NULL);
}

static void
remove_logo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  g_autoptr (ReelLogo) logo = NULL;
  g_autoptr (GError) error = NULL;

  if (self->project == NULL)
    return;
  logo = reel_project_dup_logo (self->project);
  g_clear_pointer (&logo->media_path, g_free);
  if (!reel_project_set_logo (self->project, logo, &error))
    report_error (self, _ ("Could Not Change the Logo"), error);
}

void
reel_preferences_window_class_init_logo (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, logo_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, logo_position_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, logo_size_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, logo_size_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, logo_opacity_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, logo_opacity_spin);
  gtk_widget_class_install_action (widget_class, "prefs.choose-logo", NULL, choose_logo_action);
  gtk_widget_class_install_action (widget_class, "prefs.use-logo", "s", use_logo_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-logo", NULL, remove_logo_action);
}

void
reel_preferences_window_init_logo (ReelPreferencesWindow *self)
{
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (position_labels); i++)
    gtk_string_list_append (labels, _ (position_labels[i]));
  adw_combo_row_set_model (self->logo_position_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->logo_position_row, REEL_LOGO_DEFAULT_POSITION);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.remove-logo", FALSE);

  g_signal_connect_object (self->logo_position_row, "notify::selected",
                           G_CALLBACK (placement_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->logo_size_spin, "value-changed", G_CALLBACK (placement_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->logo_opacity_spin, "value-changed",
                           G_CALLBACK (placement_changed_cb), self, G_CONNECT_SWAPPED);
}

void
reel_preferences_window_dispose_logo (ReelPreferencesWindow *self)
{
  g_cancellable_cancel (self->logo_cancellable);
  g_clear_object (&self->logo_cancellable);
}
