/* reel-preferences-window.c
 *
 * The Project page writes through the ReelProject setters (each change is an
 * undoable step of the project), the budget included, and shows what
 * generation has cost so far; the Generation page is bound to GSettings,
 * except the API keys, which go to the keyring
 * (reel-preferences-window-engines.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "reel-application.h"
#include "reel-backend-setup.h"
#include "reel-preferences-window-private.h"
#include "reel-price-table.h"
#include "reel-project-ledger.h"
#include "reel-ui-utils.h"
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

/* The currencies a budget is offered in: those of the price tables. */
static const struct
{
  const char *code;
  const char *label;
} known_currencies[] = {
  { "CNY", N_ ("Chinese yuan (CNY)") },
  { "USD", N_ ("US dollar (USD)") },
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

/* The currency a new budget starts in: the default engine's. */
static const char *
default_currency (ReelPreferencesWindow *self)
{
  ReelBackendOverrides overrides = { .key_looked_up = TRUE };
  g_autofree char     *name = NULL;
  g_autoptr (ReelBackend) backend = NULL;
  ReelBackendCapabilities caps = { 0 };

  if (self->settings != NULL)
    name = g_settings_get_string (self->settings, "default-backend");
  if (name != NULL)
    backend = reel_backend_create (name, self->settings, &overrides, NULL);
  if (backend != NULL)
    reel_backend_get_capabilities (backend, &caps);
  return g_intern_string (caps.currency != NULL ? caps.currency : "USD");
}

static const char *
selected_currency (ReelPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->budget_currency_row);

  if (self->currencies == NULL || selected >= g_strv_length (self->currencies))
    return default_currency (self);
  return self->currencies[selected];
}

/* What was spent, and what is left of the budget. */
static void
show_spent (ReelPreferencesWindow *self)
{
  g_autoptr (GPtrArray) entries = reel_project_list_ledger (self->project);
  g_autofree char *totals = reel_ui_format_ledger_totals (entries);
  g_autofree char *subtitle = NULL;
  const char      *currency = NULL;
  double           budget;

  if (entries->len == 0)
    subtitle = g_strdup (_ ("Nothing yet"));
  else if (reel_project_get_budget (self->project, &budget, &currency))
    {
      g_autofree char *left = reel_format_money (
          MAX (budget - reel_project_get_spent (self->project, currency), 0), currency);

      /* Translators: "¥8.40 · $0.80; ¥41.60 of the budget is left" */
      subtitle = g_strdup_printf (_ ("%s; %s of the budget is left"), totals, left);
    }
  else
    subtitle = g_steal_pointer (&totals);
  adw_action_row_set_subtitle (self->spent_row, subtitle);
}

/* The project's budget: on or off, its amount and its currency. */
static void
sync_budget (ReelPreferencesWindow *self)
{
  g_autoptr (GStrvBuilder) codes = g_strv_builder_new ();
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  const char *currency = NULL;
  const char *shown;
  double      amount = 0;
  gboolean    has_budget, known = FALSE;

  self->syncing++;

  has_budget = reel_project_get_budget (self->project, &amount, &currency);
  shown = has_budget ? currency : default_currency (self);
  for (guint i = 0; i < G_N_ELEMENTS (known_currencies); i++)
    {
      g_strv_builder_add (codes, known_currencies[i].code);
      gtk_string_list_append (labels, _ (known_currencies[i].label));
      known |= g_strcmp0 (known_currencies[i].code, shown) == 0;
    }
  /* A budget set elsewhere (the command line) may be in any currency. */
  if (shown != NULL && !known)
    {
      g_strv_builder_add (codes, shown);
      gtk_string_list_append (labels, shown);
    }
  g_strfreev (self->currencies);
  self->currencies = g_strv_builder_end (codes);
  adw_combo_row_set_model (self->budget_currency_row, G_LIST_MODEL (labels));
  for (guint i = 0; self->currencies[i] != NULL; i++)
    if (g_strcmp0 (self->currencies[i], shown) == 0)
      adw_combo_row_set_selected (self->budget_currency_row, i);

  adw_expander_row_set_enable_expansion (self->budget_row, has_budget);
  if (has_budget)
    {
      g_autofree char *money = reel_format_money (amount, currency);

      gtk_spin_button_set_value (self->budget_spin, amount);
      adw_expander_row_set_subtitle (self->budget_row, money);
    }
  else
    adw_expander_row_set_subtitle (self->budget_row, _ ("No limit"));
  show_spent (self);

  self->syncing--;
}

static void
budget_changed_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  gboolean    enabled = adw_expander_row_get_enable_expansion (self->budget_row);
  double      amount = enabled ? gtk_spin_button_get_value (self->budget_spin) : -1;
  const char *currency = selected_currency (self);
  const char *old_currency = NULL;
  double      old_amount = -1;

  if (self->syncing > 0 || self->project == NULL)
    return;

  if (!reel_project_get_budget (self->project, &old_amount, &old_currency))
    old_amount = -1;
  if ((!enabled && old_amount < 0)
      || (enabled && G_APPROX_VALUE (amount, old_amount, 1e-9)
          && g_strcmp0 (currency, old_currency) == 0))
    return;

  if (!reel_project_set_budget (self->project, amount, currency, &error))
    report (self, error);
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

  gtk_switch_set_active (self->continuity_switch, reel_project_get_continuity (self->project));
  sync_budget (self);
  reel_preferences_window_sync_style (self);
  reel_preferences_window_sync_logo (self);

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
continuity_changed_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  gboolean active = gtk_switch_get_active (self->continuity_switch);

  if (self->syncing > 0 || self->project == NULL
      || active == reel_project_get_continuity (self->project))
    return;
  if (!reel_project_set_continuity (self->project, active, &error))
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
  else if ((flags & (REEL_CHANGE_JOBS | REEL_CHANGE_TAKES)) != 0)
    show_spent (self);
}

static gboolean
backend_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  ReelPreferencesWindow *self = user_data;
  const char            *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; self->backend_ids != NULL && self->backend_ids[i] != NULL; i++)
    if (g_str_equal (self->backend_ids[i], id))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
backend_set_mapping (const GValue *value, const GVariantType *expected_type, gpointer user_data)
{
  ReelPreferencesWindow *self = user_data;
  guint                  selected = g_value_get_uint (value);

  if (self->backend_ids == NULL || selected >= g_strv_length (self->backend_ids))
    return NULL;
  return g_variant_new_string (self->backend_ids[selected]);
}

/* The engines Storyreel has. A default engine it does not have (one from an
 * older version, or set by hand) is listed as not available rather than
 * shown as another one: generation would not use another one either. */
static void
build_backend_choices (ReelPreferencesWindow *self)
{
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *current = NULL;
  gboolean         known = FALSE;

  if (self->settings != NULL)
    current = g_settings_get_string (self->settings, "default-backend");
  for (const char *const *name = reel_backend_list_names (); *name != NULL; name++)
    {
      g_strv_builder_add (ids, *name);
      gtk_string_list_append (labels, reel_backend_name_get_label (*name));
      known |= g_strcmp0 (*name, current) == 0;
    }
  if (current != NULL && !known)
    {
      /* Translators: an engine this version does not have, "comfyui (not available)" */
      g_autofree char *label = g_strdup_printf (_ ("%s (not available)"), current);

      g_strv_builder_add (ids, current);
      gtk_string_list_append (labels, label);
    }

  g_strfreev (self->backend_ids);
  self->backend_ids = g_strv_builder_end (ids);
  adw_combo_row_set_model (self->backend_row, G_LIST_MODEL (labels));
}

static void
bind_settings (ReelPreferencesWindow *self)
{
  GSettings *settings = reel_application_get_settings_for_widget (GTK_WIDGET (self));

  if (self->settings != NULL || settings == NULL)
    return;

  self->settings = g_object_ref (settings);
  gtk_widget_set_sensitive (GTK_WIDGET (self->generation_page), TRUE);
  build_backend_choices (self);
  g_settings_bind_with_mapping (settings, "default-backend", self->backend_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, backend_get_mapping, backend_set_mapping,
                                self, NULL);
  g_settings_bind (settings, "parallel-jobs", gtk_spin_button_get_adjustment (self->parallel_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-when-done", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "export-cache-limit",
                   gtk_spin_button_get_adjustment (self->export_cache_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  reel_preferences_window_bind_engines (self);
  reel_preferences_window_bind_comfyui (self);
  reel_preferences_window_bind_sdcpp (self);
  reel_price_editor_set_settings (self->price_editor, settings);
  reel_lora_list_set_settings (self->lora_list, settings);
  /* A new budget starts in the default engine's currency, known only now. */
  if (self->project != NULL)
    sync_budget (self);
}

/* File choosers */

static void
file_chosen_cb (ReelPreferencesWindow *self, int response, GtkNativeDialog *chooser)
{
  g_autoptr (GFile) file = NULL;
  ReelPreferencesFileFunc chosen = self->file_chosen;
  gpointer                data = self->file_chosen_data;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (self->file_chooser == GTK_FILE_CHOOSER_NATIVE (chooser))
    {
      g_signal_handlers_disconnect_by_data (chooser, self);
      g_clear_object (&self->file_chooser);
      self->file_chosen = NULL;
    }
  if (file != NULL && chosen != NULL)
    chosen (self, file, data);
}

static void
close_file_chooser (ReelPreferencesWindow *self)
{
  if (self->file_chooser == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->file_chooser, self);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  self->file_chosen = NULL;
}

void
reel_preferences_window_choose_file (ReelPreferencesWindow  *self,
                                     const char             *title,
                                     GtkFileChooserAction    action,
                                     GtkFileFilter          *filter,
                                     ReelPreferencesFileFunc callback,
                                     gpointer                user_data)
{
  close_file_chooser (self);
  self->file_chooser = gtk_file_chooser_native_new (
      title, GTK_WINDOW (self), action,
      action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER ? _ ("_Select") : _ ("_Open"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), filter);
  self->file_chosen = callback;
  self->file_chosen_data = user_data;
  g_signal_connect_object (self->file_chooser, "response", G_CALLBACK (file_chosen_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

GWeakRef *
reel_preferences_window_weak_ref_new (ReelPreferencesWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

ReelPreferencesWindow *
reel_preferences_window_weak_ref_finish (GWeakRef *ref)
{
  ReelPreferencesWindow *self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return self;
}

char *
reel_preferences_window_check_address (const char *text, gboolean allow_path, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autoptr (GUri) uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  g_autofree char *path = NULL;
  const char      *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char      *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri != NULL)
    {
      path = g_strdup (g_uri_get_path (uri));
      while (g_str_has_suffix (path, "/"))
        path[strlen (path) - 1] = '\0';
    }
  /* A comma would split the address in a list of servers. */
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || host == NULL || *host == '\0' || g_uri_get_port (uri) <= 0
      || g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL || (!allow_path && *path != '\0')
      || strchr (trimmed, ',') != NULL)
    {
      /* Short: it is said in a toast. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("Write the address as http://HOST:PORT"));
      return NULL;
    }
  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, host, g_uri_get_port (uri), path, NULL, NULL);
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

void
reel_preferences_window_show_engine (ReelPreferencesWindow *self, const char *backend)
{
  ReelEngineRows *engine;

  g_return_if_fail (REEL_IS_PREFERENCES_WINDOW (self));

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self), self->generation_page);
  engine = reel_preferences_window_find_engine (self, backend);
  if (engine != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (engine->key_row));
  else if (g_strcmp0 (backend, "comfyui") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->comfyui_servers.add_row));
  else if (g_strcmp0 (backend, "sd-server") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->sdcpp_servers.add_row));
  else if (g_strcmp0 (backend, "sd-cli") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->sdcpp_files_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->backend_row));
}

void
reel_preferences_window_show_budget (ReelPreferencesWindow *self)
{
  g_return_if_fail (REEL_IS_PREFERENCES_WINDOW (self));

  if (self->project_page == NULL)
    return;
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self), self->project_page);
  adw_expander_row_set_expanded (self->budget_row, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->budget_row));
}

static void
reel_preferences_window_dispose (GObject *object)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (object);

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  if (self->settings != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->settings, self);
      /* Its mapping reads the choices, which go now; the window may outlive
       * this (a keyring call in flight holds it). */
      g_settings_unbind (self->backend_row, "selected");
    }
  close_file_chooser (self);
  reel_preferences_window_dispose_engines (self);
  reel_preferences_window_dispose_gpus (self);
  reel_preferences_window_dispose_style (self);
  reel_preferences_window_dispose_logo (self);
  reel_preferences_window_dispose_comfyui (self);
  reel_preferences_window_dispose_sdcpp (self);
  g_clear_object (&self->project);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->backend_ids, g_strfreev);
  g_clear_pointer (&self->currencies, g_strfreev);

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
  g_type_ensure (REEL_TYPE_PRICE_EDITOR);
  g_type_ensure (REEL_TYPE_LORA_LIST);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, project_page);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, generation_page);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, title_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, fps_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, continuity_switch);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, budget_group);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, budget_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, budget_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, budget_currency_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, spent_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, backend_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, parallel_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, export_cache_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, price_editor);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, lora_list);
  reel_preferences_window_class_init_engines (widget_class);
  reel_preferences_window_class_init_gpus (widget_class);
  reel_preferences_window_class_init_style (widget_class);
  reel_preferences_window_class_init_logo (widget_class);
  reel_preferences_window_class_init_comfyui (widget_class);
  reel_preferences_window_class_init_sdcpp (widget_class);
}

static void
reel_preferences_window_init (ReelPreferencesWindow *self)
{
  g_autoptr (GtkStringList) fps_labels = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) language_labels = gtk_string_list_new (NULL);

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

  build_backend_choices (self);
  reel_preferences_window_init_engines (self);
  reel_preferences_window_init_gpus (self);
  reel_preferences_window_init_style (self);
  reel_preferences_window_init_logo (self);
  reel_preferences_window_init_comfyui (self);
  reel_preferences_window_init_sdcpp (self);

  g_signal_connect_object (self->title_row, "apply", G_CALLBACK (title_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->resolution_row, "notify::selected",
                           G_CALLBACK (resolution_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fps_row, "notify::selected", G_CALLBACK (fps_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->duration_spin, "value-changed", G_CALLBACK (duration_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->continuity_switch, "notify::active",
                           G_CALLBACK (continuity_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->language_row, "notify::selected",
                           G_CALLBACK (language_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->budget_row, "notify::enable-expansion",
                           G_CALLBACK (budget_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->budget_spin, "value-changed", G_CALLBACK (budget_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->budget_currency_row, "notify::selected",
                           G_CALLBACK (budget_changed_cb), self, G_CONNECT_SWAPPED);

  /* Both are set after the window is built, even by g_object_new. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->generation_page), FALSE);
  g_signal_connect_object (self, "notify::transient-for", G_CALLBACK (bind_settings), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::application", G_CALLBACK (bind_settings), self,
                           G_CONNECT_SWAPPED);
}
