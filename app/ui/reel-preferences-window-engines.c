/* reel-preferences-window-engines.c
 *
 * The groups of the remote engines on the Generation page. API keys go to
 * the login keyring when applied and never into GSettings; the key of the
 * provider's environment variable overrides the keyring, and the group says
 * so. Every keyring call and the connection test run off the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-application.h"
#include "reel-backend-setup.h"
#include "reel-preferences-window-private.h"

static const char *const engine_names[REEL_N_ENGINES] = { "dashscope", "fal" };

static const struct
{
  const char *id;
  const char *label;
} regions[] = {
  { "beijing", N_ ("China (Beijing)") },
  { "singapore", N_ ("International (Singapore)") },
  { "us", N_ ("United States (Virginia)") },
};

ReelEngineRows *
reel_preferences_window_find_engine (ReelPreferencesWindow *self, const char *name)
{
  for (guint i = 0; i < REEL_N_ENGINES; i++)
    if (g_strcmp0 (self->engines[i].name, name) == 0)
      return &self->engines[i];
  return NULL;
}

static void
show_status (ReelPreferencesWindow *self, ReelEngineRows *engine)
{
  g_autoptr (GString) status = g_string_new (engine->key_status);

  if (engine->test_result != NULL)
    {
      if (status->len > 0)
        g_string_append_c (status, '\n');
      g_string_append (status, engine->test_result);
    }
  adw_action_row_set_subtitle (engine->status_row, status->str);
  gtk_widget_set_visible (GTK_WIDGET (engine->remove_button),
                          engine->source == REEL_KEY_SOURCE_KEYRING && engine->busy == 0);
  gtk_widget_set_visible (GTK_WIDGET (engine->spinner), engine->busy > 0);
  gtk_spinner_set_spinning (engine->spinner, engine->busy > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (engine->test_button), engine->busy == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (engine->key_row), engine->busy == 0);
}

/* An answer of the keyring or of a test, for the engine it was asked for. */
typedef struct
{
  /* Not a reference: the window's dispose cancels every call, and a call
   * that owned the window could finalise it after its transient parent,
   * from a callback, once both were closed. */
  ReelPreferencesWindow *self;
  ReelEngineIndex        index;
  GCancellable          *cancellable;
  /* The key stored (NULL: removed), for what the toast says. */
  gboolean removed;
} EngineCall;

static EngineCall *
engine_call_new (ReelPreferencesWindow *self, ReelEngineRows *engine)
{
  EngineCall *call = g_new0 (EngineCall, 1);

  /* A new call replaces the one in flight. */
  if (engine->cancellable != NULL)
    {
      g_cancellable_cancel (engine->cancellable);
      engine->busy = 0;
    }
  g_clear_object (&engine->cancellable);
  engine->cancellable = g_cancellable_new ();
  engine->busy++;

  call->self = self;
  call->index = (ReelEngineIndex) (engine - self->engines);
  call->cancellable = g_object_ref (engine->cancellable);
  return call;
}

static void
engine_call_free (EngineCall *call)
{
  g_object_unref (call->cancellable);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EngineCall, engine_call_free)

/* The engine of @call, or NULL when the call was cancelled or replaced (the
 * window may be gone: look at nothing else before this). Ends the call's busy
 * state. */
static ReelEngineRows *
engine_call_finish (EngineCall *call)
{
  ReelEngineRows *engine;

  if (g_cancellable_is_cancelled (call->cancellable))
    return NULL;
  engine = &call->self->engines[call->index];
  if (engine->cancellable != call->cancellable)
    return NULL;
  g_clear_object (&engine->cancellable);
  engine->busy = 0;
  return engine;
}

static void
key_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EngineCall) call = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *key = NULL;
  ReelKeySource    key_source = REEL_KEY_SOURCE_NONE;
  ReelEngineRows  *engine;

  key = reel_api_key_lookup_finish (result, &key_source, &error);
  /* Only where it comes from is shown: the key itself stays out of sight. */
  if (key != NULL)
    memset (key, 0, strlen (key));
  if ((engine = engine_call_finish (call)) == NULL)
    return;

  engine->source = key_source;
  g_free (engine->key_status);
  switch (key_source)
    {
      case REEL_KEY_SOURCE_ENVIRONMENT:
        /* Translators: "Using the key in DASHSCOPE_API_KEY, …" */
        engine->key_status
            = g_strdup_printf (_ ("Using the key in the environment variable %s, which overrides "
                                  "the keyring"),
                               reel_api_key_get_env_var (engine->name));
        break;
      case REEL_KEY_SOURCE_KEYRING:
        engine->key_status = g_strdup (_ ("Using the key saved in the login keyring"));
        break;
      case REEL_KEY_SOURCE_NONE:
      default:
        if (error != NULL)
          engine->key_status = g_strdup (error->message);
        else
          /* Translators: %s is the environment variable, "DASHSCOPE_API_KEY" */
          engine->key_status
              = g_strdup_printf (_ ("No key yet: paste it above and press Enter, or set %s"),
                                 reel_api_key_get_env_var (engine->name));
        break;
    }
  show_status (call->self, engine);
}

static void
look_up_key (ReelPreferencesWindow *self, ReelEngineRows *engine)
{
  EngineCall *call = engine_call_new (self, engine);

  show_status (self, engine);
  reel_api_key_lookup_async (engine->name, engine->cancellable, key_looked_up_cb, call);
}

static void
key_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EngineCall) call = user_data;
  g_autoptr (GError) error = NULL;
  ReelPreferencesWindow *self = call->self;
  ReelApplication       *application;
  ReelEngineRows        *engine;
  gboolean               stored;

  stored = reel_api_key_store_finish (result, &error);
  if ((engine = engine_call_finish (call)) == NULL)
    return;

  if (!stored)
    {
      g_message ("Could not save the %s key: %s", engine->name, error->message);
      g_free (engine->test_result);
      engine->test_result = g_strdup (error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_ ("Could not save the key")));
      show_status (self, engine);
      return;
    }

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (call->removed
                                                       ? _ ("Removed the key from the keyring")
                                                       : _ ("Saved the key in the login keyring")));
  /* Once stored, the key is the keyring's: the entry's reveal button must
   * not show it to whoever sits down next. */
  gtk_editable_set_text (GTK_EDITABLE (engine->key_row), "");

  /* The keyring tells no one: the windows set the engine up again. */
  application = reel_application_get_for_widget (GTK_WIDGET (self));
  if (application != NULL)
    reel_application_api_key_changed (application, engine->name);
  look_up_key (self, engine);
}

static void
store_key (ReelPreferencesWindow *self, ReelEngineRows *engine, const char *key)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (key != NULL ? key : ""));
  EngineCall      *call = engine_call_new (self, engine);

  call->removed = *trimmed == '\0';
  g_clear_pointer (&engine->test_result, g_free);
  show_status (self, engine);
  reel_api_key_store_async (engine->name, trimmed, engine->cancellable, key_stored_cb, call);
  memset (trimmed, 0, strlen (trimmed));
}

static void
key_applied_cb (ReelPreferencesWindow *self, AdwEntryRow *row)
{
  for (guint i = 0; i < REEL_N_ENGINES; i++)
    if (self->engines[i].key_row == ADW_PASSWORD_ENTRY_ROW (row))
      store_key (self, &self->engines[i], gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
remove_key_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  ReelEngineRows        *engine
      = reel_preferences_window_find_engine (self, g_variant_get_string (parameter, NULL));

  if (engine != NULL)
    store_key (self, engine, NULL);
}

/* The connection test: one cheap authenticated call, in a thread. */

static void
test_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (reel_backend_test_connection (REEL_BACKEND (task_data), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
tested_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EngineCall) call = user_data;
  g_autoptr (GError) error = NULL;
  ReelPreferencesWindow *self = call->self;
  ReelEngineRows        *engine;
  gboolean               connected;

  connected = g_task_propagate_boolean (G_TASK (result), &error);
  if ((engine = engine_call_finish (call)) == NULL)
    return;

  g_free (engine->test_result);
  if (connected)
    engine->test_result = g_strdup (_ ("Connected: the service accepts the key"));
  else
    {
      g_message ("Connection test of %s: %s", engine->name, error->message);
      engine->test_result = g_strdup (error->message);
    }
  adw_preferences_window_add_toast (
      ADW_PREFERENCES_WINDOW (self),
      adw_toast_new (connected ? _ ("Connected") : _ ("The connection test failed")));
  show_status (self, engine);
}

static void
test_key_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EngineCall) call = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelBackend) backend = NULL;
  g_autoptr (GTask) task = NULL;
  g_autofree char       *key = NULL;
  g_autofree char       *reason = NULL;
  ReelPreferencesWindow *self = call->self;
  ReelEngineRows        *engine;
  ReelBackendOverrides   overrides = { .key_looked_up = TRUE };

  key = reel_api_key_lookup_finish (result, NULL, &error);
  if (g_cancellable_is_cancelled (call->cancellable)
      || self->engines[call->index].cancellable != call->cancellable)
    return;
  engine = &self->engines[call->index];

  /* The engine as a window would make it now: these settings, this key. */
  overrides.api_key = key;
  backend = reel_backend_create (engine->name, self->settings, &overrides, NULL);
  if (key != NULL)
    memset (key, 0, strlen (key));
  if (backend == NULL || !reel_backend_check_ready (backend, &reason))
    {
      engine_call_finish (call);
      g_free (engine->test_result);
      engine->test_result = g_strdup (error != NULL    ? error->message
                                      : reason != NULL ? reason
                                                       : _ ("The engine is not set up."));
      show_status (self, engine);
      return;
    }

  task = g_task_new (NULL, call->cancellable, tested_cb, g_steal_pointer (&call));
  g_task_set_source_tag (task, test_key_looked_up_cb);
  g_task_set_task_data (task, g_steal_pointer (&backend), g_object_unref);
  g_task_run_in_thread (task, test_thread);
}

static void
test_connection_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  ReelEngineRows        *engine
      = reel_preferences_window_find_engine (self, g_variant_get_string (parameter, NULL));
  EngineCall *call;

  if (engine == NULL)
    return;

  call = engine_call_new (self, engine);
  g_free (engine->test_result);
  engine->test_result = g_strdup (_ ("Testing the connection…"));
  show_status (self, engine);
  reel_api_key_lookup_async (engine->name, engine->cancellable, test_key_looked_up_cb, call);
}

/* Models: the known ones in a menu, any other typed in. */

static void
show_model (ReelPreferencesWindow *self, ReelEngineRows *engine)
{
  g_autofree char *key = g_strconcat (engine->name, "-model", NULL);
  g_autofree char *model = NULL;

  if (self->settings == NULL || gtk_widget_has_focus (GTK_WIDGET (engine->model_row)))
    return;
  model = g_settings_get_string (self->settings, key);
  self->syncing++;
  gtk_editable_set_text (GTK_EDITABLE (engine->model_row), model);
  self->syncing--;
}

static void
write_model (ReelPreferencesWindow *self, ReelEngineRows *engine, const char *model)
{
  g_autofree char *key = g_strconcat (engine->name, "-model", NULL);
  g_autofree char *trimmed = g_strstrip (g_strdup (model));

  if (self->settings == NULL)
    return;
  if (*trimmed == '\0')
    g_settings_reset (self->settings, key);
  else
    g_settings_set_string (self->settings, key, trimmed);
  show_model (self, engine);
}

static void
model_applied_cb (ReelPreferencesWindow *self, AdwEntryRow *row)
{
  for (guint i = 0; i < REEL_N_ENGINES; i++)
    if (self->engines[i].model_row == row)
      write_model (self, &self->engines[i], gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
set_model_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  const char            *name, *model;
  ReelEngineRows        *engine;

  g_variant_get (parameter, "(&s&s)", &name, &model);
  if ((engine = reel_preferences_window_find_engine (self, name)) != NULL)
    {
      self->syncing++;
      gtk_editable_set_text (GTK_EDITABLE (engine->model_row), model);
      self->syncing--;
      write_model (self, engine, model);
    }
}

static void
build_model_menu (ReelPreferencesWindow *self, ReelEngineRows *engine)
{
  ReelBackendOverrides overrides = { .key_looked_up = TRUE };
  g_autoptr (ReelBackend) backend = reel_backend_create (engine->name, NULL, &overrides, NULL);
  g_autoptr (GMenu) menu = g_menu_new ();
  const char *const *models = backend != NULL ? reel_backend_list_models (backend) : NULL;

  for (guint i = 0; models != NULL && models[i] != NULL; i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (models[i], NULL);

      g_menu_item_set_action_and_target_value (item, "prefs.set-model",
                                               g_variant_new ("(ss)", engine->name, models[i]));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (engine->model_button, G_MENU_MODEL (menu));
}

/* Model Studio's region and address */

static gboolean
region_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    if (g_str_equal (regions[i].id, id))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
region_set_mapping (const GValue *value, const GVariantType *expected_type, gpointer user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (regions))
    return NULL;
  return g_variant_new_string (regions[selected].id);
}

static void
show_base_url (ReelPreferencesWindow *self)
{
  g_autofree char *url = NULL;

  if (self->settings == NULL || gtk_widget_has_focus (GTK_WIDGET (self->dashscope_url_row)))
    return;
  url = g_settings_get_string (self->settings, "dashscope-base-url");
  gtk_editable_set_text (GTK_EDITABLE (self->dashscope_url_row), url);
}

static void
base_url_applied_cb (ReelPreferencesWindow *self)
{
  g_autofree char *url
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->dashscope_url_row))));

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "dashscope-base-url", url);
}

static void
settings_changed_cb (ReelPreferencesWindow *self, const char *key)
{
  if (g_str_equal (key, "dashscope-base-url"))
    show_base_url (self);
  for (guint i = 0; i < REEL_N_ENGINES; i++)
    {
      g_autofree char *model_key = g_strconcat (self->engines[i].name, "-model", NULL);

      if (g_str_equal (key, model_key))
        show_model (self, &self->engines[i]);
    }
}

void
reel_preferences_window_bind_engines (ReelPreferencesWindow *self)
{
  GSettings *settings = self->settings;

  g_settings_bind_with_mapping (settings, "dashscope-region", self->dashscope_region_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, region_get_mapping,
                                region_set_mapping, NULL, NULL);
  g_settings_bind (settings, "dashscope-prompt-extend", self->dashscope_extend_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "dashscope-watermark", self->dashscope_watermark_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "dashscope-max-jobs",
                   gtk_spin_button_get_adjustment (self->engines[REEL_ENGINE_DASHSCOPE].jobs_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "fal-max-jobs",
                   gtk_spin_button_get_adjustment (self->engines[REEL_ENGINE_FAL].jobs_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  show_base_url (self);
  for (guint i = 0; i < REEL_N_ENGINES; i++)
    show_model (self, &self->engines[i]);
}

void
reel_preferences_window_init_engines (ReelPreferencesWindow *self)
{
  g_autoptr (GtkStringList) region_labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    gtk_string_list_append (region_labels, _ (regions[i].label));
  adw_combo_row_set_model (self->dashscope_region_row, G_LIST_MODEL (region_labels));

  /* The variable overrides the region and the address alike: say so. */
  if (g_getenv ("DASHSCOPE_HTTP_BASE_URL") != NULL && *g_getenv ("DASHSCOPE_HTTP_BASE_URL") != '\0')
    adw_action_row_set_subtitle (
        ADW_ACTION_ROW (self->dashscope_region_row),
        _ ("The environment variable DASHSCOPE_HTTP_BASE_URL is set: its address overrides the "
           "region and the address below"));

  g_signal_connect_object (self->dashscope_url_row, "apply", G_CALLBACK (base_url_applied_cb), self,
                           G_CONNECT_SWAPPED);

  for (guint i = 0; i < REEL_N_ENGINES; i++)
    {
      ReelEngineRows *engine = &self->engines[i];

      engine->name = engine_names[i];
      g_signal_connect_object (engine->key_row, "apply", G_CALLBACK (key_applied_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (engine->model_row, "apply", G_CALLBACK (model_applied_cb), self,
                               G_CONNECT_SWAPPED);
      build_model_menu (self, engine);
      look_up_key (self, engine);
    }
}

void
reel_preferences_window_dispose_engines (ReelPreferencesWindow *self)
{
  for (guint i = 0; i < REEL_N_ENGINES; i++)
    {
      ReelEngineRows *engine = &self->engines[i];

      if (engine->cancellable != NULL)
        g_cancellable_cancel (engine->cancellable);
      g_clear_object (&engine->cancellable);
      g_clear_pointer (&engine->key_status, g_free);
      g_clear_pointer (&engine->test_result, g_free);
    }
}

#define BIND_ENGINE_CHILD(widget_class, index, prefix, field)                                      \
  gtk_widget_class_bind_template_child_full (widget_class, prefix "_" #field, FALSE,               \
                                             G_STRUCT_OFFSET (ReelPreferencesWindow, engines)      \
                                                 + (index) * sizeof (ReelEngineRows)               \
                                                 + G_STRUCT_OFFSET (ReelEngineRows, field))

void
reel_preferences_window_class_init_engines (GtkWidgetClass *widget_class)
{
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", group);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", key_row);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", status_row);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", spinner);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", remove_button);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", test_button);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", model_row);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", model_button);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_DASHSCOPE, "dashscope", jobs_spin);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", group);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", key_row);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", status_row);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", spinner);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", remove_button);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", test_button);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", model_row);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", model_button);
  BIND_ENGINE_CHILD (widget_class, REEL_ENGINE_FAL, "fal", jobs_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, dashscope_region_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, dashscope_url_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow,
                                        dashscope_extend_switch);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow,
                                        dashscope_watermark_switch);

  gtk_widget_class_install_action (widget_class, "prefs.test-connection", "s",
                                   test_connection_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-key", "s", remove_key_action);
  gtk_widget_class_install_action (widget_class, "prefs.set-model", "(ss)", set_model_action);
}
