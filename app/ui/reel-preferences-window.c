/* reel-preferences-window.c
 *
 * The Project page writes through the ReelProject setters (each change is an
 * undoable step of the project); the Generation page is bound to GSettings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-application.h"
#include "reel-preferences-window.h"
#include "storyreel-ui-resources.h"

typedef struct
{
  guint       width;
  guint       height;
  const char *label;
} Resolution;

static const Resolution resolutions[] = {
  { 640, 360, N_ ("640 × 360") },
  { 1280, 720, N_ ("1280 × 720 (HD)") },
  { 1920, 1080, N_ ("1920 × 1080 (Full HD)") },
  { 1080, 1920, N_ ("1080 × 1920 (Vertical)") },
  { 1080, 1080, N_ ("1080 × 1080 (Square)") },
};

static const guint frame_rates[] = { 24, 25, 30 };

static const struct
{
  const char *id;
  const char *label;
} languages[] = {
  { "en", N_ ("English") },
  { "zh", N_ ("中文 (Chinese)") },
  { "mixed", N_ ("Mixed") },
};

static const struct
{
  const char *id;
  const char *label;
} backends[] = {
  { "animatic", N_ ("Built-in Animatic") },
  { "comfyui", N_ ("ComfyUI") },
  { "sdcpp", N_ ("stable-diffusion.cpp") },
  { "dashscope", N_ ("Alibaba Cloud Model Studio") },
  { "fal", N_ ("fal.ai") },
};

struct _ReelPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  ReelProject *project;
  /* What the Generation page is bound to: the application's settings, known
   * once the window belongs to it or is transient for a window that does. */
  GSettings *settings;
  /* Set while the window shows the project's values. */
  guint syncing;
  /* A resolution that is not one of the presets, shown as the last choice. */
  guint custom_width;
  guint custom_height;

  AdwPreferencesPage *project_page;
  AdwPreferencesPage *generation_page;
  AdwEntryRow        *title_row;
  AdwComboRow        *resolution_row;
  AdwComboRow        *fps_row;
  GtkSpinButton      *duration_spin;
  AdwComboRow        *language_row;
  AdwComboRow        *backend_row;
  GtkSpinButton      *parallel_spin;
  GtkSwitch          *notify_switch;
};

G_DEFINE_FINAL_TYPE (ReelPreferencesWindow, reel_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
report (ReelPreferencesWindow *self, GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Could Not Change the Setting"),
                                              error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_from_project (ReelPreferencesWindow *self)
{
  g_autoptr (GtkStringList) resolution_labels = gtk_string_list_new (NULL);
  guint       width = 0, height = 0, fps, selected = GTK_INVALID_LIST_POSITION;
  const char *language;

  if (self->project == NULL)
    return;

  self->syncing++;

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), reel_project_get_title (self->project));

  reel_project_get_resolution (self->project, &width, &height);
  for (guint i = 0; i < G_N_ELEMENTS (resolutions); i++)
    {
      gtk_string_list_append (resolution_labels, _ (resolutions[i].label));
      if (resolutions[i].width == width && resolutions[i].height == height)
        selected = i;
    }
  self->custom_width = self->custom_height = 0;
  if (selected == GTK_INVALID_LIST_POSITION)
    {
      g_autofree char *label = g_strdup_printf (_ ("%u × %u (Custom)"), width, height);

      gtk_string_list_append (resolution_labels, label);
      selected = G_N_ELEMENTS (resolutions);
      self->custom_width = width;
      self->custom_height = height;
    }
  adw_combo_row_set_model (self->resolution_row, G_LIST_MODEL (resolution_labels));
  adw_combo_row_set_selected (self->resolution_row, selected);

  fps = reel_project_get_fps (self->project);
  adw_combo_row_set_selected (self->fps_row, 0);
  for (guint i = 0; i < G_N_ELEMENTS (frame_rates); i++)
    if (frame_rates[i] == fps)
      adw_combo_row_set_selected (self->fps_row, i);

  gtk_spin_button_set_value (self->duration_spin,
                             reel_project_get_default_shot_duration (self->project));

  language = reel_project_get_language (self->project);
  adw_combo_row_set_selected (self->language_row, 0);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_strcmp0 (languages[i].id, language) == 0)
      adw_combo_row_set_selected (self->language_row, i);

  self->syncing--;
}

static void
title_applied_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));

  if (self->syncing > 0 || self->project == NULL
      || g_strcmp0 (title, reel_project_get_title (self->project)) == 0)
    return;

  if (!reel_project_set_title (self->project, title, &error))
    report (self, error);
}

static void
resolution_selected_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  guint selected = adw_combo_row_get_selected (self->resolution_row);
  guint width, height, old_width = 0, old_height = 0;

  if (self->syncing > 0 || self->project == NULL)
    return;

  if (selected < G_N_ELEMENTS (resolutions))
    {
      width = resolutions[selected].width;
      height = resolutions[selected].height;
    }
  else if (self->custom_width > 0)
    {
      width = self->custom_width;
      height = self->custom_height;
    }
  else
    return;

  reel_project_get_resolution (self->project, &old_width, &old_height);
  if (width == old_width && height == old_height)
    return;

  if (!reel_project_set_resolution (self->project, width, height, &error))
    report (self, error);
}

static void
fps_selected_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  guint selected = adw_combo_row_get_selected (self->fps_row);

  if (self->syncing > 0 || self->project == NULL || selected >= G_N_ELEMENTS (frame_rates)
      || frame_rates[selected] == reel_project_get_fps (self->project))
    return;

  if (!reel_project_set_fps (self->project, frame_rates[selected], &error))
    report (self, error);
}

static void
duration_changed_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  double seconds = gtk_spin_button_get_value (self->duration_spin);

  if (self->syncing > 0 || self->project == NULL
      || G_APPROX_VALUE (seconds, reel_project_get_default_shot_duration (self->project), 1e-6))
    return;

  if (!reel_project_set_default_shot_duration (self->project, seconds, &error))
    report (self, error);
}

static void
language_selected_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  guint selected = adw_combo_row_get_selected (self->language_row);

  if (self->syncing > 0 || self->project == NULL || selected >= G_N_ELEMENTS (languages)
      || g_strcmp0 (languages[selected].id, reel_project_get_language (self->project)) == 0)
    return;

  if (!reel_project_set_language (self->project, languages[selected].id, &error))
    report (self, error);
}

static void
project_changed_cb (ReelPreferencesWindow *self, guint flags)
{
  if ((flags & REEL_CHANGE_SETTINGS) != 0)
    sync_from_project (self);
}

static gboolean
backend_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    if (g_str_equal (backends[i].id, id))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
backend_set_mapping (const GValue *value, const GVariantType *expected_type, gpointer user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (backends))
    return NULL;
  return g_variant_new_string (backends[selected].id);
}

static void
bind_settings (ReelPreferencesWindow *self)
{
  GSettings *settings = reel_application_get_settings_for_widget (GTK_WIDGET (self));

  if (self->settings != NULL || settings == NULL)
    return;

  self->settings = g_object_ref (settings);
  gtk_widget_set_sensitive (GTK_WIDGET (self->generation_page), TRUE);
  g_settings_bind_with_mapping (settings, "default-backend", self->backend_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, backend_get_mapping, backend_set_mapping,
                                NULL, NULL);
  g_settings_bind (settings, "parallel-jobs", gtk_spin_button_get_adjustment (self->parallel_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-when-done", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

GtkWidget *
reel_preferences_window_new (GtkWindow *parent, ReelProject *project)
{
  ReelPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (project == NULL || REEL_IS_PROJECT (project), NULL);

  self = g_object_new (REEL_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  if (project != NULL)
    {
      self->project = g_object_ref (project);
      g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                               G_CONNECT_SWAPPED);
      sync_from_project (self);
    }
  else
    {
      adw_preferences_window_remove (ADW_PREFERENCES_WINDOW (self), self->project_page);
      self->project_page = NULL;
    }

  return GTK_WIDGET (self);
}

static void
reel_preferences_window_dispose (GObject *object)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (object);

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->project);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (reel_preferences_window_parent_class)->dispose (object);
}

static void
reel_preferences_window_class_init (ReelPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_preferences_window_dispose;

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, project_page);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, generation_page);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, title_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, fps_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, backend_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, parallel_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, notify_switch);
}

static void
reel_preferences_window_init (ReelPreferencesWindow *self)
{
  g_autoptr (GtkStringList) fps_labels = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) language_labels = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) backend_labels = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (frame_rates); i++)
    {
      g_autofree char *label = g_strdup_printf (_ ("%u fps"), frame_rates[i]);
      gtk_string_list_append (fps_labels, label);
    }
  adw_combo_row_set_model (self->fps_row, G_LIST_MODEL (fps_labels));

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    gtk_string_list_append (language_labels, _ (languages[i].label));
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (language_labels));

  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    gtk_string_list_append (backend_labels, _ (backends[i].label));
  adw_combo_row_set_model (self->backend_row, G_LIST_MODEL (backend_labels));

  g_signal_connect_object (self->title_row, "apply", G_CALLBACK (title_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->resolution_row, "notify::selected",
                           G_CALLBACK (resolution_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fps_row, "notify::selected", G_CALLBACK (fps_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->duration_spin, "value-changed", G_CALLBACK (duration_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->language_row, "notify::selected",
                           G_CALLBACK (language_selected_cb), self, G_CONNECT_SWAPPED);

  /* Both are set after the window is built, even by g_object_new. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->generation_page), FALSE);
  g_signal_connect_object (self, "notify::transient-for", G_CALLBACK (bind_settings), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::application", G_CALLBACK (bind_settings), self,
                           G_CONNECT_SWAPPED);
}
