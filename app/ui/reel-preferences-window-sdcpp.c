/* reel-preferences-window-sdcpp.c
 *
 * The stable-diffusion.cpp groups on the Generation page: sd-server's
 * addresses, a pool like ComfyUI's (reel-preferences-window-servers.c), each
 * with a test that asks the server what model it loaded; sd-cli's program,
 * the model folder and the model files, each either found in the folder by
 * the name its publisher uses or chosen by hand; and the memory and sampling
 * settings. The folder is searched the way jobs search it
 * (reel_sdcpp_model_files_resolve()), in a thread, again whenever one of
 * these settings changes. LoRAs are set with gsettings for now.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "reel-backend-setup.h"
#include "reel-preferences-window-private.h"
#include "reel-sdcpp-cli-backend.h"
#include "reel-sdcpp-server-backend.h"

/* The settings of sd-cli's files, and the names it looks for (from
 * reel-sdcpp.c; file names are not translated). */
static const struct
{
  const char *key;
  const char *looks_for; /* NULL: not looked for on its own */
} model_files[REEL_N_SDCPP_FILES] = {
  [REEL_SDCPP_FILE_DIFFUSION]
  = { "sdcpp-diffusion-model",
      "wan2.2_ti2v_5B_fp16.safetensors, Wan2.2-TI2V-5B-*.gguf, Wan2.2-T2V-A14B-LowNoise-*.gguf" },
  [REEL_SDCPP_FILE_HIGH_NOISE] = { "sdcpp-high-noise-model", NULL },
  [REEL_SDCPP_FILE_VAE] = { "sdcpp-vae", "wan2.2_vae.safetensors, wan_2.1_vae.safetensors" },
  [REEL_SDCPP_FILE_TAE] = { "sdcpp-tae", NULL },
  [REEL_SDCPP_FILE_TEXT_ENCODER]
  = { "sdcpp-text-encoder", "umt5-xxl-encoder-*.gguf, umt5_xxl_*.safetensors" },
};

/* The settings a file chooser or a clear button may change. */
static gboolean
is_path_key (const char *key)
{
  if (g_str_equal (key, "sdcpp-cli-path") || g_str_equal (key, "sdcpp-model-dir"))
    return TRUE;
  for (guint i = 0; i < REEL_N_SDCPP_FILES; i++)
    if (g_str_equal (key, model_files[i].key))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* sd-server                                                                 */

/* What the server at @url loaded, as a job would find it. */
static char *
describe_server (const char *url, const char *detail, GCancellable *cancellable, GError **error)
{
  g_autoptr (ReelSdcppServerBackend) backend = reel_sdcpp_server_backend_new (url);
  g_autofree char *description = reel_sdcpp_server_backend_describe (backend, cancellable, error);

  if (description == NULL)
    return NULL;
  /* Translators: what sd-server runs, "Ready: wan2.2_ti2v_5B_fp16.safetensors (video as webm)" */
  return g_strdup_printf (_ ("Ready: %s"), description);
}

static void
test_server_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);

  reel_server_list_test (&self->sdcpp_servers, g_variant_get_string (parameter, NULL));
}

static void
remove_server_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);

  reel_server_list_remove (&self->sdcpp_servers, g_variant_get_string (parameter, NULL));
}

/* ------------------------------------------------------------------------ */
/* sd-cli's program and model files                                          */

/* What sd-cli would use now, found in a thread. */
typedef struct
{
  char               *program; /* its full path, or NULL */
  char               *dir;
  ReelSdcppModelFiles files;
  gboolean            exists[REEL_N_SDCPP_FILES];
  char               *missing; /* NULL when it can run */
} Look;

static void
look_free (Look *look)
{
  g_free (look->program);
  g_free (look->dir);
  reel_sdcpp_model_files_clear (&look->files);
  g_free (look->missing);
  g_free (look);
}

static const char *
look_path (Look *look, ReelSdcppFileIndex index)
{
  switch (index)
    {
      case REEL_SDCPP_FILE_DIFFUSION:
        return look->files.diffusion_model;
      case REEL_SDCPP_FILE_HIGH_NOISE:
        return look->files.high_noise_model;
      case REEL_SDCPP_FILE_VAE:
        return look->files.vae;
      case REEL_SDCPP_FILE_TAE:
        return look->files.tae;
      case REEL_SDCPP_FILE_TEXT_ENCODER:
        return look->files.text_encoder;
      case REEL_N_SDCPP_FILES:
      default:
        g_return_val_if_reached (NULL);
    }
}

static void
look_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ReelSdcppCliBackend *backend = task_data;
  Look                *look = g_new0 (Look, 1);

  look->program = reel_sdcpp_cli_backend_find_program (backend);
  look->dir = g_strdup (reel_sdcpp_cli_backend_get_model_dir (backend));
  reel_sdcpp_cli_backend_resolve_model_files (backend, &look->files);
  look->missing = reel_sdcpp_model_files_describe_missing (&look->files, look->dir);
  for (guint i = 0; i < REEL_N_SDCPP_FILES; i++)
    {
      const char *path = look_path (look, i);

      look->exists[i] = path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
    }
  g_task_return_pointer (task, look, (GDestroyNotify) look_free);
}

/* Where the row's file is: chosen by hand, found in the folder, or missing. */
static char *
describe_file (ReelPreferencesWindow *self, Look *look, ReelSdcppFileIndex index)
{
  g_autofree char *chosen = g_settings_get_string (self->settings, model_files[index].key);
  const char      *path = look_path (look, index);

  if (*chosen != '\0' && look->exists[index])
    /* Translators: a file chosen in Preferences, "Chosen: /models/wan2.2_vae.safetensors" */
    return g_strdup_printf (_ ("Chosen: %s"), path);
  if (*chosen != '\0')
    return g_strdup_printf (_ ("Chosen: %s, which does not exist"), path != NULL ? path : chosen);
  if (path != NULL)
    {
      const char *shown = path;

      if (look->dir != NULL && g_str_has_prefix (path, look->dir)
          && path[strlen (look->dir)] == G_DIR_SEPARATOR)
        shown = path + strlen (look->dir) + 1;
      /* Translators: "Found in the model folder: vae/wan2.2_vae.safetensors" */
      return g_strdup_printf (_ ("Found in the model folder: %s"), shown);
    }
  if (index == REEL_SDCPP_FILE_HIGH_NOISE)
    return g_strdup (_ ("None: only Wan2.2 A14B has a high-noise model, found beside its "
                        "low-noise one"));
  if (index == REEL_SDCPP_FILE_TAE)
    return g_strdup (_ ("None: the VAE decodes the frames"));
  if (index == REEL_SDCPP_FILE_VAE && look->files.tae != NULL)
    return g_strdup (_ ("Not needed: the tiny autoencoder decodes the frames"));
  /* Translators: %s lists file names, "Missing: looks for umt5-xxl-encoder-*.gguf, …" */
  return g_strdup_printf (_ ("Missing: looks for %s"), model_files[index].looks_for);
}

static void
show_program (ReelPreferencesWindow *self, Look *look)
{
  g_autofree char *program = g_settings_get_string (self->settings, "sdcpp-cli-path");
  g_autoptr (GVariant) chosen = g_settings_get_user_value (self->settings, "sdcpp-cli-path");
  g_autofree char *subtitle = NULL;

  if (look->program != NULL)
    subtitle = g_strdup (look->program);
  else
    /* Translators: %s is the program, "sd-cli" */
    subtitle = g_strdup_printf (_ ("%s was not found: install stable-diffusion.cpp, or choose "
                                   "its sd-cli program"),
                                program);
  adw_action_row_set_subtitle (self->sdcpp_program_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->sdcpp_program_clear_button), chosen != NULL);
}

static void
show_look (ReelPreferencesWindow *self, Look *look)
{
  show_program (self, look);
  adw_action_row_set_subtitle (self->sdcpp_folder_row,
                               look->dir != NULL && *look->dir != '\0'
                                   ? look->dir
                                   : _ ("None: choose the folder that holds the Wan model files"));
  gtk_widget_set_visible (GTK_WIDGET (self->sdcpp_folder_clear_button),
                          look->dir != NULL && *look->dir != '\0');
  adw_expander_row_set_subtitle (self->sdcpp_files_row, look->missing != NULL
                                                            ? look->missing
                                                            : _ ("sd-cli has every file it needs"));
  for (guint i = 0; i < REEL_N_SDCPP_FILES; i++)
    {
      g_autofree char *subtitle = describe_file (self, look, i);
      g_autofree char *chosen = g_settings_get_string (self->settings, model_files[i].key);

      adw_action_row_set_subtitle (self->sdcpp_files[i].row, subtitle);
      gtk_widget_set_visible (GTK_WIDGET (self->sdcpp_files[i].clear_button), *chosen != '\0');
    }
}

static void
looked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelPreferencesWindow) self = reel_preferences_window_weak_ref_finish (user_data);
  Look *look = g_task_propagate_pointer (G_TASK (result), NULL);

  /* Replaced by a newer look, or the window closed. */
  if (self == NULL || g_task_get_cancellable (G_TASK (result)) != self->sdcpp_files_cancellable
      || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      g_clear_pointer (&look, look_free);
      return;
    }
  g_clear_object (&self->sdcpp_files_cancellable);
  show_look (self, look);
  look_free (look);
}

static void
look_again (ReelPreferencesWindow *self)
{
  g_autoptr (GTask) task = NULL;
  ReelBackend *backend = reel_backend_create ("sd-cli", self->settings, NULL, NULL);

  g_return_if_fail (REEL_IS_SDCPP_CLI_BACKEND (backend));
  if (self->sdcpp_files_cancellable != NULL)
    g_cancellable_cancel (self->sdcpp_files_cancellable);
  g_clear_object (&self->sdcpp_files_cancellable);
  self->sdcpp_files_cancellable = g_cancellable_new ();

  task = g_task_new (NULL, self->sdcpp_files_cancellable, looked_cb,
                     reel_preferences_window_weak_ref_new (self));
  g_task_set_source_tag (task, look_again);
  g_task_set_task_data (task, backend, g_object_unref);
  g_task_run_in_thread (task, look_thread);
}

static void
file_chosen_cb (ReelPreferencesWindow *self, GFile *file, gpointer user_data)
{
  const char      *key = user_data;
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL && self->settings != NULL)
    g_settings_set_string (self->settings, key, path);
}

static const char *
chooser_title (const char *key)
{
  if (g_str_equal (key, "sdcpp-cli-path"))
    return _ ("Choose the sd-cli Program");
  if (g_str_equal (key, "sdcpp-model-dir"))
    return _ ("Choose the Model Folder");
  return _ ("Choose a Model File");
}

/* (KEY, PATH): sets KEY to PATH, or asks the user for one when PATH is "". */
static void
choose_file_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  const char            *key, *path;

  g_variant_get (parameter, "(&s&s)", &key, &path);
  if (self->settings == NULL || !is_path_key (key))
    return;
  if (*path != '\0')
    {
      g_settings_set_string (self->settings, key, path);
      return;
    }
  /* The chooser keeps the key: the settings' own copy of its name outlives it. */
  key = g_intern_string (key);
  reel_preferences_window_choose_file (self, chooser_title (key),
                                       g_str_equal (key, "sdcpp-model-dir")
                                           ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                           : GTK_FILE_CHOOSER_ACTION_OPEN,
                                       NULL, file_chosen_cb, (gpointer) key);
}

static void
reset_setting_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  const char            *key = g_variant_get_string (parameter, NULL);

  if (self->settings != NULL && is_path_key (key))
    g_settings_reset (self->settings, key);
}

/* ------------------------------------------------------------------------ */
/* Set-up                                                                    */

static void
settings_changed_cb (ReelPreferencesWindow *self, const char *key)
{
  if (g_str_equal (key, "sdcpp-server-url"))
    reel_server_list_sync (&self->sdcpp_servers);
  else if (is_path_key (key))
    look_again (self);
}

void
reel_preferences_window_bind_sdcpp (ReelPreferencesWindow *self)
{
  GSettings *settings = self->settings;

  g_settings_bind (settings, "sdcpp-offload-to-cpu", self->sdcpp_offload_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "sdcpp-vae-tiling", self->sdcpp_tiling_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "sdcpp-flash-attention", self->sdcpp_flash_attention_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "sdcpp-short-side",
                   gtk_spin_button_get_adjustment (self->sdcpp_short_side_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "sdcpp-steps", gtk_spin_button_get_adjustment (self->sdcpp_steps_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "sdcpp-cfg-scale",
                   gtk_spin_button_get_adjustment (self->sdcpp_cfg_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "sdcpp-flow-shift",
                   gtk_spin_button_get_adjustment (self->sdcpp_flow_shift_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reel_server_list_sync (&self->sdcpp_servers);
  adw_expander_row_set_subtitle (self->sdcpp_files_row, _ ("Looking in the model folder…"));
  look_again (self);
}

void
reel_preferences_window_init_sdcpp (ReelPreferencesWindow *self)
{
  ReelServerList *servers = &self->sdcpp_servers;

  servers->engine = "sd-server";
  servers->key = "sdcpp-server-url";
  servers->detail_key = NULL;
  servers->default_url = REEL_SDCPP_SERVER_DEFAULT_URL;
  /* "http://host:1234/sdcpp/v1" is the same server. */
  servers->allow_path = TRUE;
  servers->test_action = "prefs.test-sdcpp-server";
  servers->remove_action = "prefs.remove-sdcpp-server";
  servers->describe = describe_server;
  reel_server_list_init (servers, self);
}

void
reel_preferences_window_dispose_sdcpp (ReelPreferencesWindow *self)
{
  reel_server_list_dispose (&self->sdcpp_servers);
  if (self->sdcpp_files_cancellable != NULL)
    g_cancellable_cancel (self->sdcpp_files_cancellable);
  g_clear_object (&self->sdcpp_files_cancellable);
}

void
reel_preferences_window_class_init_sdcpp (GtkWidgetClass *widget_class)
{
  static const char *const file_ids[REEL_N_SDCPP_FILES] = {
    "sdcpp_diffusion", "sdcpp_high_noise", "sdcpp_vae", "sdcpp_tae", "sdcpp_text_encoder",
  };

  for (guint i = 0; i < REEL_N_SDCPP_FILES; i++)
    {
      g_autofree char *row = g_strconcat (file_ids[i], "_row", NULL);
      g_autofree char *clear = g_strconcat (file_ids[i], "_clear_button", NULL);

      gtk_widget_class_bind_template_child_full (
          widget_class, g_intern_string (row), FALSE,
          G_STRUCT_OFFSET (ReelPreferencesWindow, sdcpp_files) + i * sizeof (ReelSdcppFileRow)
              + G_STRUCT_OFFSET (ReelSdcppFileRow, row));
      gtk_widget_class_bind_template_child_full (
          widget_class, g_intern_string (clear), FALSE,
          G_STRUCT_OFFSET (ReelPreferencesWindow, sdcpp_files) + i * sizeof (ReelSdcppFileRow)
              + G_STRUCT_OFFSET (ReelSdcppFileRow, clear_button));
    }
  reel_server_list_bind_template (widget_class,
                                  G_STRUCT_OFFSET (ReelPreferencesWindow, sdcpp_servers),
                                  "sdcpp_server_list", "sdcpp_add_row");
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_program_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow,
                                        sdcpp_program_clear_button);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_folder_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow,
                                        sdcpp_folder_clear_button);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_files_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_offload_switch);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_tiling_switch);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow,
                                        sdcpp_flash_attention_switch);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_short_side_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_steps_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_cfg_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, sdcpp_flow_shift_spin);

  gtk_widget_class_install_action (widget_class, "prefs.test-sdcpp-server", "s",
                                   test_server_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-sdcpp-server", "s",
                                   remove_server_action);
  gtk_widget_class_install_action (widget_class, "prefs.choose-sdcpp-file", "(ss)",
                                   choose_file_action);
  gtk_widget_class_install_action (widget_class, "prefs.reset-sdcpp-setting", "s",
                                   reset_setting_action);
}
