/* reel-preferences-window-comfyui.c
 *
 * The ComfyUI groups on the Generation page: the servers of the pool, one
 * row each (reel-preferences-window-servers.c), saved to the comfyui-url
 * setting, each with a test that asks the server what it is and whether it
 * has what the workflow needs (the backend's own description, so the window
 * says what `storyreel backends` says); and the workflow, with the user's
 * own imported into the folder where the backend finds them. Tests and
 * imports run in threads, each with a cancellable the window's end cancels.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "reel-comfyui-backend.h"
#include "reel-comfyui-server.h"
#include "reel-comfyui-workflow.h"
#include "reel-preferences-window-private.h"

/* What the shipped workflows are for, from data/workflows/README.md. */
static const struct
{
  const char *name;
  const char *description;
} shipped_workflows[] = {
  { "wan2.2-ti2v-5b", N_ ("Wan 2.2 TI2V-5B at 24 fps: 8 GB and up") },
  { "wan2.2-a14b", N_ ("Wan 2.2 A14B in 20 steps: 24 GB and up, slow") },
  { "wan2.2-a14b-fast", N_ ("Wan 2.2 A14B in 4 steps: 24 GB and up") },
};

/* ------------------------------------------------------------------------ */
/* The servers                                                               */

/* What one server is and whether it has what @workflow needs, as the
 * backend describes it: "URL: what it found", less the address the row
 * shows already. */
static char *
describe_server (const char *url, const char *workflow, GCancellable *cancellable, GError **error)
{
  g_autoptr (ReelComfyuiBackend) backend = reel_comfyui_backend_new (url);
  g_autoptr (ReelComfyuiServer) server = reel_comfyui_server_new (url);
  g_autofree char *prefix = NULL;
  g_autofree char *text = NULL;

  /* A workflow that cannot be used is what the description then reports. */
  reel_comfyui_backend_set_workflow (backend, workflow, NULL);
  text = reel_comfyui_backend_describe_servers (backend, cancellable);
  prefix = g_strconcat (reel_comfyui_server_get_url (server), ": ", NULL);
  if (g_str_has_prefix (text, prefix))
    return g_strdup (text + strlen (prefix));
  return g_steal_pointer (&text);
}

static void
test_server_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);

  reel_server_list_test (&self->comfyui_servers, g_variant_get_string (parameter, NULL));
}

static void
remove_server_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);

  reel_server_list_remove (&self->comfyui_servers, g_variant_get_string (parameter, NULL));
}

/* ------------------------------------------------------------------------ */
/* The workflow                                                              */

static const char *
shipped_description (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (shipped_workflows); i++)
    if (g_str_equal (shipped_workflows[i].name, name))
      return _ (shipped_workflows[i].description);
  return NULL;
}

static gboolean
names_file (const char *workflow)
{
  return strchr (workflow, G_DIR_SEPARATOR) != NULL || g_str_has_suffix (workflow, ".json");
}

static char *
user_workflow_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "storyreel", "workflows", NULL);
}

static void
show_workflow_description (ReelPreferencesWindow *self, const char *workflow)
{
  g_autofree char *subtitle = NULL;

  if (shipped_description (workflow) != NULL)
    subtitle = g_strdup (shipped_description (workflow));
  else if (names_file (workflow))
    /* Translators: a workflow given as a file, "The file /home/ann/wan.json" */
    subtitle = g_strdup_printf (_ ("The file %s"), workflow);
  else
    subtitle = g_strdup (_ ("Your own, imported"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->comfyui_workflow_row), subtitle);
}

static char *
current_workflow (ReelPreferencesWindow *self)
{
  g_autofree char *workflow = g_settings_get_string (self->settings, "comfyui-workflow");

  if (*workflow == '\0')
    return g_strdup (REEL_COMFYUI_DEFAULT_WORKFLOW);
  return g_steal_pointer (&workflow);
}

/* The shipped workflows and the user's, and the one chosen if it is neither
 * (a file named by its path, or one that is gone). */
static void
sync_workflows (ReelPreferencesWindow *self)
{
  g_auto (GStrv) names = reel_comfyui_workflow_list_names ();
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *current = current_workflow (self);
  guint            selected = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_strv_builder_add (ids, names[i]);
      gtk_string_list_append (labels, names[i]);
      if (g_str_equal (names[i], current))
        selected = i + 1;
    }
  if (selected == 0)
    {
      g_autofree char *label = g_path_get_basename (current);

      g_strv_builder_add (ids, current);
      gtk_string_list_append (labels, label);
      selected = g_strv_length (names) + 1;
    }

  g_strfreev (self->comfyui_workflows);
  self->comfyui_workflows = g_strv_builder_end (ids);
  self->syncing++;
  adw_combo_row_set_model (self->comfyui_workflow_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->comfyui_workflow_row, selected - 1);
  self->syncing--;
  show_workflow_description (self, current);
}

/* Selects the chosen workflow. The row's model is only replaced when the
 * choice is not in it: this runs while the row's selection changes. */
static void
show_chosen_workflow (ReelPreferencesWindow *self)
{
  g_autofree char *current = current_workflow (self);

  for (guint i = 0; self->comfyui_workflows != NULL && self->comfyui_workflows[i] != NULL; i++)
    if (g_str_equal (self->comfyui_workflows[i], current))
      {
        self->syncing++;
        adw_combo_row_set_selected (self->comfyui_workflow_row, i);
        self->syncing--;
        show_workflow_description (self, current);
        return;
      }
  sync_workflows (self);
}

static void
workflow_selected_cb (ReelPreferencesWindow *self)
{
  guint            selected = adw_combo_row_get_selected (self->comfyui_workflow_row);
  g_autofree char *current = NULL;

  if (self->syncing > 0 || self->settings == NULL || self->comfyui_workflows == NULL
      || selected >= g_strv_length (self->comfyui_workflows))
    return;
  current = current_workflow (self);
  if (!g_str_equal (current, self->comfyui_workflows[selected]))
    g_settings_set_string (self->settings, "comfyui-workflow", self->comfyui_workflows[selected]);
}

/* Importing: checked as jobs would load it, then copied into the folder
 * where the backend finds the user's workflows, under a temporary name
 * first (g_file_set_contents), so a half-written copy is never used. */

/* The name jobs know a workflow file by: its family's, without -t2v or -i2v. */
static char *
family_name (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);

  if (g_str_has_suffix (name, ".json"))
    name[strlen (name) - strlen (".json")] = '\0';
  if (g_str_has_suffix (name, "-t2v") || g_str_has_suffix (name, "-i2v"))
    name[strlen (name) - strlen ("-t2v")] = '\0';
  return g_steal_pointer (&name);
}

/* Whether @family is a shipped workflow's name, which the backend finds
 * before the user's: one listed with no file of the user's behind it. */
static gboolean
is_shipped (const char *family, const char *dir)
{
  g_auto (GStrv) names = reel_comfyui_workflow_list_names ();
  g_autofree char *single = g_strconcat (family, ".json", NULL);
  g_autofree char *t2v = g_strconcat (family, "-t2v.json", NULL);
  g_autofree char *i2v = g_strconcat (family, "-i2v.json", NULL);
  const char      *files[] = { single, t2v, i2v };

  if (shipped_description (family) != NULL)
    return TRUE;
  if (!g_strv_contains ((const char *const *) names, family))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return FALSE;
    }
  return TRUE;
}

static void
import_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  const char      *path = task_data;
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name
      = g_str_has_suffix (base, ".json") ? g_strndup (base, strlen (base) - 5) : g_strdup (base);
  g_autofree char *family = family_name (path);
  g_autofree char *dir = user_workflow_dir ();
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *dest = g_build_filename (dir, file, NULL);
  g_autoptr (ReelComfyuiWorkflow) workflow = NULL;
  GError *error = NULL;
  gsize   length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error)
      || (workflow = reel_comfyui_workflow_new_from_data (name, contents, (gssize) length, &error))
             == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (is_shipped (family, dir))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _ ("Storyreel has a workflow called “%s” already. Rename the file, "
                                  "then import it again."),
                               family);
      return;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (dest, contents, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT,
                                    0644, &error))
    {
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno),
                     _ ("The folder %s cannot be made: %s"), dir, g_strerror (errno));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&family), g_free);
}

static void
report_import_failure (ReelPreferencesWindow *self, const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                              _ ("Could Not Import the Workflow"), error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelPreferencesWindow) self = reel_preferences_window_weak_ref_finish (user_data);
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || self->settings == NULL)
    return;
  g_clear_object (&self->comfyui_import_cancellable);
  if (name == NULL)
    {
      g_message ("Could not import a ComfyUI workflow: %s", error->message);
      report_import_failure (self, error);
      return;
    }

  /* Translators: %s is a workflow's name */
  message = g_strdup_printf (_ ("Imported the workflow “%s”"), name);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
  g_settings_set_string (self->settings, "comfyui-workflow", name);
  /* Listed even when it was chosen already, as when it is imported again. */
  sync_workflows (self);
}

static void
import_workflow (ReelPreferencesWindow *self, const char *path)
{
  g_autoptr (GTask) task = NULL;

  if (self->comfyui_import_cancellable != NULL)
    g_cancellable_cancel (self->comfyui_import_cancellable);
  g_clear_object (&self->comfyui_import_cancellable);
  self->comfyui_import_cancellable = g_cancellable_new ();

  task = g_task_new (NULL, self->comfyui_import_cancellable, imported_cb,
                     reel_preferences_window_weak_ref_new (self));
  g_task_set_source_tag (task, import_workflow);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, import_thread);
}

static void
workflow_chosen_cb (ReelPreferencesWindow *self, GFile *file, gpointer user_data)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    import_workflow (self, path);
}

/* "": ask the user for the file. */
static void
import_workflow_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  const char            *path = g_variant_get_string (parameter, NULL);
  g_autoptr (GtkFileFilter) filter = NULL;

  if (*path != '\0')
    {
      import_workflow (self, path);
      return;
    }
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _ ("ComfyUI workflows (API format)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  reel_preferences_window_choose_file (self, _ ("Import a ComfyUI Workflow"),
                                       GTK_FILE_CHOOSER_ACTION_OPEN, filter, workflow_chosen_cb,
                                       NULL);
}

/* ------------------------------------------------------------------------ */
/* Set-up                                                                    */

static void
settings_changed_cb (ReelPreferencesWindow *self, const char *key)
{
  if (g_str_equal (key, "comfyui-url"))
    reel_server_list_sync (&self->comfyui_servers);
  else if (g_str_equal (key, "comfyui-workflow"))
    {
      show_chosen_workflow (self);
      /* What a test found was for the workflow of its time. */
      reel_server_list_forget_results (&self->comfyui_servers);
    }
}

void
reel_preferences_window_bind_comfyui (ReelPreferencesWindow *self)
{
  GSettings *settings = self->settings;

  g_settings_bind (settings, "comfyui-steps",
                   gtk_spin_button_get_adjustment (self->comfyui_steps_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "comfyui-max-jobs",
                   gtk_spin_button_get_adjustment (self->comfyui_jobs_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reel_server_list_sync (&self->comfyui_servers);
  sync_workflows (self);
}

void
reel_preferences_window_init_comfyui (ReelPreferencesWindow *self)
{
  ReelServerList *servers = &self->comfyui_servers;

  servers->engine = "ComfyUI";
  servers->key = "comfyui-url";
  servers->detail_key = "comfyui-workflow";
  servers->default_url = REEL_COMFYUI_DEFAULT_URL;
  servers->allow_path = FALSE;
  servers->test_action = "prefs.test-comfyui-server";
  servers->remove_action = "prefs.remove-comfyui-server";
  servers->describe = describe_server;
  reel_server_list_init (servers, self);
  g_signal_connect_object (self->comfyui_workflow_row, "notify::selected",
                           G_CALLBACK (workflow_selected_cb), self, G_CONNECT_SWAPPED);
}

void
reel_preferences_window_dispose_comfyui (ReelPreferencesWindow *self)
{
  if (self->comfyui_import_cancellable != NULL)
    g_cancellable_cancel (self->comfyui_import_cancellable);
  g_clear_object (&self->comfyui_import_cancellable);
  reel_server_list_dispose (&self->comfyui_servers);
  g_clear_pointer (&self->comfyui_workflows, g_strfreev);
}

void
reel_preferences_window_class_init_comfyui (GtkWidgetClass *widget_class)
{
  reel_server_list_bind_template (widget_class,
                                  G_STRUCT_OFFSET (ReelPreferencesWindow, comfyui_servers),
                                  "comfyui_server_list", "comfyui_add_row");
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, comfyui_workflow_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, comfyui_steps_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, comfyui_jobs_spin);

  gtk_widget_class_install_action (widget_class, "prefs.test-comfyui-server", "s",
                                   test_server_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-comfyui-server", "s",
                                   remove_server_action);
  gtk_widget_class_install_action (widget_class, "prefs.import-workflow", "s",
                                   import_workflow_action);
}
