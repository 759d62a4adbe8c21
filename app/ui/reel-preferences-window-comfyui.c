/* reel-preferences-window-comfyui.c
 *
 * The ComfyUI groups on the Generation page: the servers of the pool, one
 * row each, saved to the comfyui-url setting as a comma-separated list, each
 * with a test that asks the server what it is and whether it has what the
 * workflow needs (the backend's own description, so the window says what
 * `storyreel backends` says); and the workflow, with the user's own imported
 * into the folder where the backend finds them. Tests and imports run in
 * threads, each with a cancellable the window's end cancels.
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

static void
server_row_free (ReelComfyuiServerRow *server)
{
  if (server->cancellable != NULL)
    g_cancellable_cancel (server->cancellable);
  g_clear_object (&server->cancellable);
  g_clear_object (&server->row);
  g_free (server->url);
  g_free (server->result);
  g_free (server);
}

static ReelComfyuiServerRow *
find_server (ReelPreferencesWindow *self, const char *url)
{
  for (guint i = 0; self->comfyui_servers != NULL && i < self->comfyui_servers->len; i++)
    {
      ReelComfyuiServerRow *server = g_ptr_array_index (self->comfyui_servers, i);

      if (g_str_equal (server->url, url))
        return server;
    }
  return NULL;
}

static void
show_server (ReelComfyuiServerRow *server)
{
  gboolean    busy = server->cancellable != NULL;
  const char *subtitle = busy                     ? _ ("Testing…")
                         : server->result != NULL ? server->result
                         : server->listed         ? _ ("Not tested yet")
                                                  : _ ("No server is listed: jobs go to this one");

  adw_action_row_set_subtitle (server->row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (server->spinner), busy);
  gtk_spinner_set_spinning (server->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (server->test_button), !busy);
}

static GtkWidget *
new_remove_button (const char *url)
{
  GtkWidget       *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *label = g_strdup_printf (_ ("Remove the ComfyUI server at %s"), url);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _ ("Remove the Server"));
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "prefs.remove-comfyui-server");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", url);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

static ReelComfyuiServerRow *
server_row_new (const char *url, gboolean listed)
{
  ReelComfyuiServerRow *server = g_new0 (ReelComfyuiServerRow, 1);
  GtkWidget            *row = adw_action_row_new ();
  g_autofree char      *test_label = g_strdup_printf (_ ("Test the ComfyUI server at %s"), url);

  server->url = g_strdup (url);
  server->listed = listed;
  server->row = ADW_ACTION_ROW (g_object_ref_sink (row));
  /* Addresses and what servers say are not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), url);
  adw_action_row_set_subtitle_lines (server->row, 0);

  server->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_valign (GTK_WIDGET (server->spinner), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (server->spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Waiting for the ComfyUI server"), -1);
  adw_action_row_add_suffix (server->row, GTK_WIDGET (server->spinner));

  server->test_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_ ("_Test")));
  gtk_widget_set_valign (GTK_WIDGET (server->test_button), GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (server->test_button),
                                  "prefs.test-comfyui-server");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (server->test_button), "s", url);
  gtk_accessible_update_property (GTK_ACCESSIBLE (server->test_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, test_label, -1);
  adw_action_row_add_suffix (server->row, GTK_WIDGET (server->test_button));

  /* The address jobs fall back on is not in the list to remove. */
  if (listed)
    adw_action_row_add_suffix (server->row, new_remove_button (url));
  show_server (server);
  return server;
}

/* The addresses the setting lists, in its order, each once. */
static GStrv
listed_urls (ReelPreferencesWindow *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "comfyui-url");
  g_auto (GStrv) parts = g_strsplit (value, ",", -1);
  g_autoptr (GStrvBuilder) urls = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0' && g_hash_table_add (seen, parts[i]))
        g_strv_builder_add (urls, parts[i]);
    }
  return g_strv_builder_end (urls);
}

static void
write_urls (ReelPreferencesWindow *self, const char *const *urls)
{
  g_autofree char *value = g_strjoinv (",", (char **) urls);

  g_settings_set_string (self->settings, "comfyui-url", value);
}

/* Rows for what the setting lists now; a server still listed keeps its row
 * and what its test found. */
static void
sync_servers (ReelPreferencesWindow *self)
{
  g_auto (GStrv) urls = listed_urls (self);
  g_autoptr (GPtrArray) old = g_steal_pointer (&self->comfyui_servers);
  gboolean listed = urls[0] != NULL;

  self->comfyui_servers = g_ptr_array_new_with_free_func ((GDestroyNotify) server_row_free);
  for (guint i = 0; old != NULL && i < old->len; i++)
    gtk_list_box_remove (self->comfyui_server_list,
                         GTK_WIDGET (((ReelComfyuiServerRow *) old->pdata[i])->row));

  if (!listed)
    {
      g_autoptr (GStrvBuilder) fallback = g_strv_builder_new ();

      g_strv_builder_add (fallback, REEL_COMFYUI_DEFAULT_URL);
      g_strfreev (urls);
      urls = g_strv_builder_end (fallback);
    }
  for (guint i = 0; urls[i] != NULL; i++)
    {
      ReelComfyuiServerRow *server = NULL;
      guint                 index;

      for (index = 0; old != NULL && index < old->len; index++)
        {
          ReelComfyuiServerRow *candidate = old->pdata[index];

          if (g_str_equal (candidate->url, urls[i]) && candidate->listed == listed)
            {
              server = g_ptr_array_steal_index (old, index);
              break;
            }
        }
      if (server == NULL)
        server = server_row_new (urls[i], listed);
      g_ptr_array_add (self->comfyui_servers, server);
      gtk_list_box_insert (self->comfyui_server_list, GTK_WIDGET (server->row), (int) i);
    }
}

static void
add_server_applied_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_auto (GStrv) urls = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) new_urls = NULL;

  if (self->settings == NULL)
    return;
  url = reel_preferences_window_check_address (
      gtk_editable_get_text (GTK_EDITABLE (self->comfyui_add_row)), FALSE, &error);
  if (url == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->comfyui_add_row), "error");
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      return;
    }

  urls = listed_urls (self);
  if (g_strv_contains ((const char *const *) urls, url))
    {
      g_autofree char *message = g_strdup_printf (_ ("%s is already in the list"), url);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
      return;
    }
  g_strv_builder_addv (builder, (const char **) urls);
  g_strv_builder_add (builder, url);
  new_urls = g_strv_builder_end (builder);
  write_urls (self, (const char *const *) new_urls);
  gtk_editable_set_text (GTK_EDITABLE (self->comfyui_add_row), "");
}

static void
add_server_changed_cb (ReelPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->comfyui_add_row), "error");
}

static void
remove_server_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  const char            *url = g_variant_get_string (parameter, NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) urls = NULL;
  g_auto (GStrv) kept = NULL;

  if (self->settings == NULL)
    return;
  urls = listed_urls (self);
  for (guint i = 0; urls[i] != NULL; i++)
    if (!g_str_equal (urls[i], url))
      g_strv_builder_add (builder, urls[i]);
  kept = g_strv_builder_end (builder);
  write_urls (self, (const char *const *) kept);
}

/* The test: the backend's own description of one server, in a thread. */

typedef struct
{
  char *url;
  char *workflow;
} ServerTestData;

static void
server_test_data_free (ServerTestData *data)
{
  g_free (data->url);
  g_free (data->workflow);
  g_free (data);
}

static void
server_test_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ServerTestData *data = task_data;
  g_autoptr (ReelComfyuiBackend) backend = reel_comfyui_backend_new (data->url);
  g_autoptr (ReelComfyuiServer) server = reel_comfyui_server_new (data->url);
  g_autofree char *prefix = NULL;
  g_autofree char *text = NULL;
  GError          *error = NULL;

  /* A workflow that cannot be used is what the description then reports. */
  reel_comfyui_backend_set_workflow (backend, data->workflow, NULL);
  text = reel_comfyui_backend_describe_servers (backend, cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* "URL: what it found": the row already shows the address. */
  prefix = g_strconcat (reel_comfyui_server_get_url (server), ": ", NULL);
  if (g_str_has_prefix (text, prefix))
    g_task_return_pointer (task, g_strdup (text + strlen (prefix)), g_free);
  else
    g_task_return_pointer (task, g_steal_pointer (&text), g_free);
}

typedef struct
{
  GWeakRef     *window;
  char         *url;
  GCancellable *cancellable;
} ServerTest;

static void
server_test_free (ServerTest *test)
{
  g_free (test->url);
  g_object_unref (test->cancellable);
  g_free (test);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServerTest, server_test_free)

static void
server_tested_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ServerTest) test = user_data;
  g_autoptr (ReelPreferencesWindow) self = reel_preferences_window_weak_ref_finish (test->window);
  g_autoptr (GError) error = NULL;
  g_autofree char      *text = g_task_propagate_pointer (G_TASK (result), &error);
  ReelComfyuiServerRow *server;

  /* Cancelled: the window closed, or the server left the list or was tested again. */
  if (self == NULL || g_cancellable_is_cancelled (test->cancellable))
    return;
  server = find_server (self, test->url);
  if (server == NULL || server->cancellable != test->cancellable)
    return;

  g_clear_object (&server->cancellable);
  g_free (server->result);
  server->result = text != NULL ? g_steal_pointer (&text) : g_strdup (error->message);
  g_debug ("ComfyUI server %s: %s", server->url, server->result);
  show_server (server);
}

static void
test_server (ReelPreferencesWindow *self, ReelComfyuiServerRow *server)
{
  g_autoptr (GTask) task = NULL;
  ServerTestData *data = g_new0 (ServerTestData, 1);
  ServerTest     *test = g_new0 (ServerTest, 1);

  if (server->cancellable != NULL)
    g_cancellable_cancel (server->cancellable);
  g_clear_object (&server->cancellable);
  server->cancellable = g_cancellable_new ();
  g_clear_pointer (&server->result, g_free);
  show_server (server);

  data->url = g_strdup (server->url);
  data->workflow = g_settings_get_string (self->settings, "comfyui-workflow");
  test->window = reel_preferences_window_weak_ref_new (self);
  test->url = g_strdup (server->url);
  test->cancellable = g_object_ref (server->cancellable);

  task = g_task_new (NULL, server->cancellable, server_tested_cb, test);
  g_task_set_source_tag (task, test_server);
  g_task_set_task_data (task, data, (GDestroyNotify) server_test_data_free);
  g_task_run_in_thread (task, server_test_thread);
}

static void
test_server_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  ReelComfyuiServerRow  *server = find_server (self, g_variant_get_string (parameter, NULL));

  if (server != NULL && self->settings != NULL)
    test_server (self, server);
}

/* What a test found was for the workflow of its time. */
static void
forget_test_results (ReelPreferencesWindow *self)
{
  for (guint i = 0; self->comfyui_servers != NULL && i < self->comfyui_servers->len; i++)
    {
      ReelComfyuiServerRow *server = g_ptr_array_index (self->comfyui_servers, i);

      if (server->cancellable != NULL)
        g_cancellable_cancel (server->cancellable);
      g_clear_object (&server->cancellable);
      g_clear_pointer (&server->result, g_free);
      show_server (server);
    }
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
    sync_servers (self);
  else if (g_str_equal (key, "comfyui-workflow"))
    {
      show_chosen_workflow (self);
      forget_test_results (self);
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
  sync_servers (self);
  sync_workflows (self);
}

void
reel_preferences_window_init_comfyui (ReelPreferencesWindow *self)
{
  self->comfyui_servers = g_ptr_array_new_with_free_func ((GDestroyNotify) server_row_free);
  g_signal_connect_object (self->comfyui_add_row, "apply", G_CALLBACK (add_server_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->comfyui_add_row, "changed", G_CALLBACK (add_server_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->comfyui_workflow_row, "notify::selected",
                           G_CALLBACK (workflow_selected_cb), self, G_CONNECT_SWAPPED);
}

void
reel_preferences_window_dispose_comfyui (ReelPreferencesWindow *self)
{
  if (self->comfyui_import_cancellable != NULL)
    g_cancellable_cancel (self->comfyui_import_cancellable);
  g_clear_object (&self->comfyui_import_cancellable);
  /* Each row's test is cancelled as the row goes. */
  g_clear_pointer (&self->comfyui_servers, g_ptr_array_unref);
  g_clear_pointer (&self->comfyui_workflows, g_strfreev);
}

void
reel_preferences_window_class_init_comfyui (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, comfyui_server_list);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, comfyui_add_row);
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
