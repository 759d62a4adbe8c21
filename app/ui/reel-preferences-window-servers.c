/* reel-preferences-window-servers.c
 *
 * A list of servers of one engine (ComfyUI, sd-server), as the Generation
 * page shows it: a row per address the engine's setting lists (a
 * comma-separated list), each with a test that asks the server what it is,
 * in a thread, and a button that takes it out of the list; and a row to add
 * one. With none listed, the address jobs then use has a row without one.
 * What each engine's server says is the engine file's describe function.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-preferences-window-private.h"

static void
server_row_free (ReelServerRow *server)
{
  if (server->cancellable != NULL)
    g_cancellable_cancel (server->cancellable);
  g_clear_object (&server->cancellable);
  g_clear_object (&server->row);
  g_free (server->url);
  g_free (server->result);
  g_free (server);
}

static ReelServerRow *
find_server (ReelServerList *list, const char *url)
{
  for (guint i = 0; list->rows != NULL && i < list->rows->len; i++)
    {
      ReelServerRow *server = g_ptr_array_index (list->rows, i);

      if (g_str_equal (server->url, url))
        return server;
    }
  return NULL;
}

static void
show_server (ReelServerRow *server)
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
new_remove_button (ReelServerList *list, const char *url)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  /* Translators: "Remove the ComfyUI server at http://gpu1:8188" */
  g_autofree char *label = g_strdup_printf (_ ("Remove the %s server at %s"), list->engine, url);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _ ("Remove the Server"));
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), list->remove_action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", url);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

static ReelServerRow *
server_row_new (ReelServerList *list, const char *url, gboolean listed)
{
  ReelServerRow *server = g_new0 (ReelServerRow, 1);
  GtkWidget     *row = adw_action_row_new ();
  /* Translators: "Test the ComfyUI server at http://gpu1:8188" */
  g_autofree char *test_label = g_strdup_printf (_ ("Test the %s server at %s"), list->engine, url);
  /* Translators: "Waiting for the ComfyUI server" */
  g_autofree char *waiting = g_strdup_printf (_ ("Waiting for the %s server"), list->engine);

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
                                  waiting, -1);
  adw_action_row_add_suffix (server->row, GTK_WIDGET (server->spinner));

  server->test_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_ ("_Test")));
  gtk_widget_set_valign (GTK_WIDGET (server->test_button), GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (server->test_button), list->test_action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (server->test_button), "s", url);
  gtk_accessible_update_property (GTK_ACCESSIBLE (server->test_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, test_label, -1);
  adw_action_row_add_suffix (server->row, GTK_WIDGET (server->test_button));

  /* The address jobs fall back on is not in the list to remove. */
  if (listed)
    adw_action_row_add_suffix (server->row, new_remove_button (list, url));
  show_server (server);
  return server;
}

/* The addresses the setting lists, in its order, each once. */
static GStrv
listed_urls (ReelServerList *list)
{
  g_autofree char *value = g_settings_get_string (list->window->settings, list->key);
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
write_urls (ReelServerList *list, const char *const *urls)
{
  g_autofree char *value = g_strjoinv (",", (char **) urls);

  g_settings_set_string (list->window->settings, list->key, value);
}

void
reel_server_list_sync (ReelServerList *list)
{
  g_auto (GStrv) urls = listed_urls (list);
  g_autoptr (GPtrArray) old = g_steal_pointer (&list->rows);
  gboolean listed = urls[0] != NULL;

  list->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) server_row_free);
  for (guint i = 0; old != NULL && i < old->len; i++)
    gtk_list_box_remove (list->list, GTK_WIDGET (((ReelServerRow *) old->pdata[i])->row));

  if (!listed)
    {
      g_autoptr (GStrvBuilder) fallback = g_strv_builder_new ();

      g_strv_builder_add (fallback, list->default_url);
      g_strfreev (urls);
      urls = g_strv_builder_end (fallback);
    }
  for (guint i = 0; urls[i] != NULL; i++)
    {
      ReelServerRow *server = NULL;
      guint          index;

      for (index = 0; old != NULL && index < old->len; index++)
        {
          ReelServerRow *candidate = old->pdata[index];

          if (g_str_equal (candidate->url, urls[i]) && candidate->listed == listed)
            {
              server = g_ptr_array_steal_index (old, index);
              break;
            }
        }
      if (server == NULL)
        server = server_row_new (list, urls[i], listed);
      g_ptr_array_add (list->rows, server);
      gtk_list_box_insert (list->list, GTK_WIDGET (server->row), (int) i);
    }
}

static void
add_applied_cb (ReelServerList *list)
{
  ReelPreferencesWindow *self = list->window;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_auto (GStrv) urls = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) new_urls = NULL;

  if (self->settings == NULL)
    return;
  url = reel_preferences_window_check_address (gtk_editable_get_text (GTK_EDITABLE (list->add_row)),
                                               list->allow_path, &error);
  if (url == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (list->add_row), "error");
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      return;
    }

  urls = listed_urls (list);
  if (g_strv_contains ((const char *const *) urls, url))
    {
      g_autofree char *message = g_strdup_printf (_ ("%s is already in the list"), url);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
      return;
    }
  g_strv_builder_addv (builder, (const char **) urls);
  g_strv_builder_add (builder, url);
  new_urls = g_strv_builder_end (builder);
  write_urls (list, (const char *const *) new_urls);
  gtk_editable_set_text (GTK_EDITABLE (list->add_row), "");
}

static void
add_changed_cb (ReelServerList *list)
{
  gtk_widget_remove_css_class (GTK_WIDGET (list->add_row), "error");
}

void
reel_server_list_remove (ReelServerList *list, const char *url)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) urls = NULL;
  g_auto (GStrv) kept = NULL;

  if (list->window->settings == NULL)
    return;
  urls = listed_urls (list);
  for (guint i = 0; urls[i] != NULL; i++)
    if (!g_str_equal (urls[i], url))
      g_strv_builder_add (builder, urls[i]);
  kept = g_strv_builder_end (builder);
  write_urls (list, (const char *const *) kept);
}

/* The test: the engine's own description of one server, in a thread. */

typedef struct
{
  ReelServerDescribeFunc describe;
  char                  *url;
  char                  *detail;
} ServerTestData;

static void
server_test_data_free (ServerTestData *data)
{
  g_free (data->url);
  g_free (data->detail);
  g_free (data);
}

static void
server_test_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ServerTestData *data = task_data;
  GError         *error = NULL;
  char           *text = data->describe (data->url, data->detail, cancellable, &error);

  if (text == NULL || g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_free (text);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, text, g_free);
}

typedef struct
{
  GWeakRef       *window;
  ReelServerList *list; /* the window's: used only while the window lives */
  char           *url;
  GCancellable   *cancellable;
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
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);
  ReelServerRow   *server;

  /* Cancelled: the window closed, or the server left the list or was tested again. */
  if (self == NULL || g_cancellable_is_cancelled (test->cancellable))
    return;
  server = find_server (test->list, test->url);
  if (server == NULL || server->cancellable != test->cancellable)
    return;

  g_clear_object (&server->cancellable);
  g_free (server->result);
  server->result = text != NULL ? g_steal_pointer (&text) : g_strdup (error->message);
  g_debug ("%s server %s: %s", test->list->engine, server->url, server->result);
  show_server (server);
}

void
reel_server_list_test (ReelServerList *list, const char *url)
{
  ReelPreferencesWindow *self = list->window;
  ReelServerRow         *server = find_server (list, url);
  g_autoptr (GTask) task = NULL;
  ServerTestData *data;
  ServerTest     *test;

  if (server == NULL || self->settings == NULL)
    return;
  if (server->cancellable != NULL)
    g_cancellable_cancel (server->cancellable);
  g_clear_object (&server->cancellable);
  server->cancellable = g_cancellable_new ();
  g_clear_pointer (&server->result, g_free);
  show_server (server);

  data = g_new0 (ServerTestData, 1);
  data->describe = list->describe;
  data->url = g_strdup (server->url);
  if (list->detail_key != NULL)
    data->detail = g_settings_get_string (self->settings, list->detail_key);
  test = g_new0 (ServerTest, 1);
  test->window = reel_preferences_window_weak_ref_new (self);
  test->list = list;
  test->url = g_strdup (server->url);
  test->cancellable = g_object_ref (server->cancellable);

  task = g_task_new (NULL, server->cancellable, server_tested_cb, test);
  g_task_set_source_tag (task, reel_server_list_test);
  g_task_set_task_data (task, data, (GDestroyNotify) server_test_data_free);
  g_task_run_in_thread (task, server_test_thread);
}

void
reel_server_list_forget_results (ReelServerList *list)
{
  for (guint i = 0; list->rows != NULL && i < list->rows->len; i++)
    {
      ReelServerRow *server = g_ptr_array_index (list->rows, i);

      if (server->cancellable != NULL)
        g_cancellable_cancel (server->cancellable);
      g_clear_object (&server->cancellable);
      g_clear_pointer (&server->result, g_free);
      show_server (server);
    }
}

void
reel_server_list_init (ReelServerList *list, ReelPreferencesWindow *self)
{
  list->window = self;
  list->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) server_row_free);
  /* The entry row is the window's template child: it lives as long as @list. */
  g_signal_connect_swapped (list->add_row, "apply", G_CALLBACK (add_applied_cb), list);
  g_signal_connect_swapped (list->add_row, "changed", G_CALLBACK (add_changed_cb), list);
}

void
reel_server_list_dispose (ReelServerList *list)
{
  /* Each row's test is cancelled as the row goes. */
  g_clear_pointer (&list->rows, g_ptr_array_unref);
}

void
reel_server_list_bind_template (GtkWidgetClass *widget_class,
                                gsize           offset,
                                const char     *list_id,
                                const char     *add_row_id)
{
  gtk_widget_class_bind_template_child_full (widget_class, list_id, FALSE,
                                             offset + G_STRUCT_OFFSET (ReelServerList, list));
  gtk_widget_class_bind_template_child_full (widget_class, add_row_id, FALSE,
                                             offset + G_STRUCT_OFFSET (ReelServerList, add_row));
}
