/* test-local-engines.c: Preferences for the local engines, in a real window
 *
 * The ComfyUI servers are loopback fakes (tests/generate/fake-comfyui.h),
 * and so are the sd-servers (fake-sd-server.h): a test adds them the way a
 * user does, in the engine's Add row, presses Test, and reads what the rows
 * say.
 * Imported workflows go to the user's data folder, which main() points at a
 * temporary one before anything asks for it; sd-cli's model folder is a
 * temporary one with files named as their publishers name them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fake-comfyui.h"
#include "fake-sd-server.h"
#include "reel-preferences-window.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"

/* Each wait takes well under a second: loopback servers and small folders. */
#define WAIT_TIMEOUT_MS 30000

static ReelApplication *application;
/* $XDG_DATA_HOME for the whole run. */
static char *data_home;

static GSettings *
settings (void)
{
  GSettings *app_settings = reel_application_get_settings (application);

  g_assert_nonnull (app_settings);
  return app_settings;
}

static char *
setting (const char *key)
{
  return g_settings_get_string (settings (), key);
}

/* ------------------------------------------------------------------------ */
/* Waiting                                                                   */

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* reel_ui_test_wait_until(), waking up now and then: a thread's answer does
 * not always wake the main loop by itself. */
static void
wait_for (ReelUiTestCondition condition, gpointer data, const char *what)
{
  guint tick = g_timeout_add (10, tick_cb, NULL);

  reel_ui_test_wait_until (condition, data, what);
  g_source_remove (tick);
}

/* ------------------------------------------------------------------------ */
/* Finding things by what they say                                           */

/* The row of @type titled @title, mapped or not, or NULL. */
static GtkWidget *
find_row (GtkWidget *root, GType type, const char *title)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  reel_ui_test_collect_descendants (root, type, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

static GtkWidget *
get_row (GtkWidget *root, GType type, const char *title)
{
  GtkWidget *row = find_row (root, type, title);

  if (row == NULL)
    g_error ("No row titled “%s”", title);
  return row;
}

/* The button in @row that runs @action_name. */
static GtkWidget *
find_button (GtkWidget *row, const char *action_name)
{
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

  reel_ui_test_collect_descendants (row, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), action_name) == 0)
      return buttons->pdata[i];
  g_error ("No button for %s", action_name);
  return NULL;
}

static void
press (GtkWidget *row, const char *action_name)
{
  GtkWidget *button = find_button (row, action_name);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static const char *
subtitle (GtkWidget *row)
{
  if (ADW_IS_EXPANDER_ROW (row))
    return adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row));
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

typedef struct
{
  GtkWidget  *root;
  GType       type;
  const char *title;
  const char *needle;
} SubtitleWait;

static gboolean
subtitle_contains (gpointer data)
{
  SubtitleWait *wait = data;
  GtkWidget    *row = find_row (wait->root, wait->type, wait->title);
  const char   *text = row != NULL ? subtitle (row) : NULL;

  return text != NULL && strstr (text, wait->needle) != NULL;
}

static void
wait_for_subtitle (GtkWidget *root, GType type, const char *title, const char *needle)
{
  SubtitleWait     wait = { root, type, title, needle };
  g_autofree char *what = g_strdup_printf ("“%s” to say “%s”", title, needle);

  wait_for (subtitle_contains, &wait, what);
  g_test_message ("%s: %s", title, subtitle (find_row (root, type, title)));
}

static AdwMessageDialog *
shown_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return shown_message_dialog () != NULL;
}

/* ------------------------------------------------------------------------ */
/* The window                                                                */

static GtkWidget *
open_preferences (void)
{
  ReelWindow *window = reel_ui_test_open_window (application, NULL, 0, 0);
  GtkWidget  *preferences = reel_preferences_window_new (GTK_WINDOW (window), NULL);

  gtk_window_present (GTK_WINDOW (preferences));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, preferences,
                           "the preferences to be mapped");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "generation");
  reel_ui_test_settle (preferences);
  return preferences;
}

/* Scrolls the page so that the group titled @title starts at the top, and
 * saves a picture of what shows. */
static void
save_group_png (GtkWidget *preferences, const char *title, const char *name)
{
  g_autoptr (GPtrArray) groups = g_ptr_array_new ();
  g_autoptr (GPtrArray) scrolled = reel_ui_test_find_mapped (preferences, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget       *group = NULL;
  GtkWidget       *content;
  graphene_point_t top = GRAPHENE_POINT_INIT (0, 0);

  reel_ui_test_collect_descendants (preferences, ADW_TYPE_PREFERENCES_GROUP, groups);
  for (guint i = 0; i < groups->len; i++)
    if (g_strcmp0 (adw_preferences_group_get_title (groups->pdata[i]), title) == 0)
      group = groups->pdata[i];
  g_assert_nonnull (group);
  g_assert_cmpuint (scrolled->len, >, 0);
  gtk_window_set_default_size (GTK_WINDOW (preferences), 600, 960);
  reel_ui_test_settle (preferences);
  content = gtk_scrolled_window_get_child (scrolled->pdata[0]);
  g_assert_true (gtk_widget_compute_point (group, content, &top, &top));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scrolled->pdata[0]), top.y);
  reel_ui_test_settle (preferences);
  reel_ui_test_save_png (preferences, name, NULL);
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closes the preferences and their window, and waits until the
 * preferences are freed: nothing in flight may keep them. */
static void
close_preferences (GtkWidget *preferences)
{
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (preferences));

  g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *) &preferences);
  gtk_window_destroy (GTK_WINDOW (preferences));
  wait_for (pointer_is_null, &preferences, "the closed preferences to be freed");
  gtk_window_destroy (window);
}

static void
reset_settings (void)
{
  const char *const keys[]
      = { "comfyui-url",     "comfyui-workflow", "sdcpp-server-url",     "sdcpp-cli-path",
          "sdcpp-model-dir", "sdcpp-vae",        "sdcpp-diffusion-model" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings (), keys[i]);
}

/* Types @text in the entry row titled @title and presses Enter. */
static void
enter (GtkWidget *preferences, const char *title, const char *text)
{
  GtkWidget *row = get_row (preferences, ADW_TYPE_ENTRY_ROW, title);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

/* ------------------------------------------------------------------------ */
/* ComfyUI                                                                   */

#define ADD_SERVER "_Add Server (http://HOST:PORT)"
#define TEST_ACTION "prefs.test-comfyui-server"

static void
test_comfyui_servers (void)
{
  g_autoptr (GBytes) video = g_bytes_new_static ("", 0);
  g_autoptr (ReelFakeComfyui) first = reel_fake_comfyui_new (video);
  ReelFakeComfyui *second = reel_fake_comfyui_new (video);
  g_autofree char *second_url = g_strdup (reel_fake_comfyui_get_url (second));
  const char      *first_url = reel_fake_comfyui_get_url (first);
  g_autofree char *both = g_strdup_printf ("%s,%s", first_url, second_url);
  GtkWidget       *preferences = open_preferences ();
  g_autofree char *value = NULL;

  /* With none listed, jobs go to the default address, which has no Remove. */
  g_settings_set_string (settings (), "comfyui-url", "");
  get_row (preferences, ADW_TYPE_ACTION_ROW, "http://127.0.0.1:8188");

  /* What is not an address is refused, and nothing is saved. */
  enter (preferences, ADD_SERVER, "my-gpu-box");
  g_assert_true (
      gtk_widget_has_css_class (get_row (preferences, ADW_TYPE_ENTRY_ROW, ADD_SERVER), "error"));
  value = setting ("comfyui-url");
  g_assert_cmpstr (value, ==, "");
  g_clear_pointer (&value, g_free);

  /* Two servers, each a row, both in the setting. */
  enter (preferences, ADD_SERVER, first_url);
  enter (preferences, ADD_SERVER, second_url);
  value = setting ("comfyui-url");
  g_assert_cmpstr (value, ==, both);
  g_assert_null (find_row (preferences, ADW_TYPE_ACTION_ROW, "http://127.0.0.1:8188"));
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (get_row (preferences, ADW_TYPE_ENTRY_ROW, ADD_SERVER))),
      ==, "");

  /* A test says what the server is and that it has what the workflow needs. */
  press (get_row (preferences, ADW_TYPE_ACTION_ROW, first_url), TEST_ACTION);
  wait_for_subtitle (preferences, ADW_TYPE_ACTION_ROW, first_url, "NVIDIA GeForce RTX 4090");
  wait_for_subtitle (preferences, ADW_TYPE_ACTION_ROW, first_url, "has what wan2.2-ti2v-5b needs");

  /* One that stopped says it cannot be reached. */
  reel_fake_comfyui_free (second);
  press (get_row (preferences, ADW_TYPE_ACTION_ROW, second_url), TEST_ACTION);
  wait_for_subtitle (preferences, ADW_TYPE_ACTION_ROW, second_url, "not reachable");

  /* A server that lacks a model file says which, and where it goes. */
  reel_fake_comfyui_remove_model (first, "wan2.2_vae.safetensors");
  press (get_row (preferences, ADW_TYPE_ACTION_ROW, first_url), TEST_ACTION);
  wait_for_subtitle (preferences, ADW_TYPE_ACTION_ROW, first_url, "wan2.2_vae.safetensors");
  wait_for_subtitle (preferences, ADW_TYPE_ACTION_ROW, first_url, "models/vae");

  /* Remove takes a server out of the list. */
  press (get_row (preferences, ADW_TYPE_ACTION_ROW, second_url), "prefs.remove-comfyui-server");
  g_clear_pointer (&value, g_free);
  value = setting ("comfyui-url");
  g_assert_cmpstr (value, ==, first_url);
  g_assert_null (find_row (preferences, ADW_TYPE_ACTION_ROW, second_url));

  save_group_png (preferences, "ComfyUI", "preferences-comfyui.png");
  close_preferences (preferences);
  reset_settings ();
}

static char *
user_workflow (const char *file)
{
  return g_build_filename (data_home, "storyreel", "workflows", file, NULL);
}

static gboolean
workflow_is (gpointer data)
{
  g_autofree char *workflow = setting ("comfyui-workflow");

  return g_strcmp0 (workflow, data) == 0;
}

static gboolean
combo_offers (GtkWidget *combo, const char *name)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (combo));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name) == 0)
      return TRUE;
  return FALSE;
}

/* Imports @path and waits for the message that it could not be. */
static void
assert_import_refused (GtkWidget *preferences, const char *path, const char *reason)
{
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (preferences, "prefs.import-workflow", "s", path));
  wait_for (message_dialog_shown, NULL, "the message that the workflow was refused");
  dialog = shown_message_dialog ();
  g_test_message ("%s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), reason));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_import_workflow (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *shipped = g_build_filename (g_getenv ("STORYREEL_SOURCE_DIR"), "data",
                                               "workflows", "wan2.2-ti2v-5b-t2v.json", NULL);
  g_autofree char *good = g_build_filename (tmpdir, "harbour-look.json", NULL);
  g_autofree char *bad = g_build_filename (tmpdir, "no-prompt.json", NULL);
  g_autofree char *taken = g_build_filename (tmpdir, "wan2.2-a14b.json", NULL);
  g_autofree char *copied = user_workflow ("harbour-look.json");
  g_autofree char *not_copied = user_workflow ("no-prompt.json");
  g_autofree char *not_shadowed = user_workflow ("wan2.2-a14b.json");
  g_autofree char *contents = NULL;
  g_autofree char *copy = NULL;
  GtkWidget       *preferences = open_preferences ();
  GtkWidget       *combo = get_row (preferences, ADW_TYPE_COMBO_ROW, "_Workflow");

  g_assert_true (g_file_get_contents (shipped, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (good, contents, -1, NULL));
  g_assert_true (g_file_set_contents (taken, contents, -1, NULL));
  /* The same graph with the prompt written in. */
  {
    g_auto (GStrv) parts = g_strsplit (contents, "{{prompt}}", -1);
    g_autofree char *fixed = g_strjoinv ("a harbour at dawn", parts);

    g_assert_cmpuint (g_strv_length (parts), >, 1);
    g_assert_true (g_file_set_contents (bad, fixed, -1, NULL));
  }
  g_assert_true (combo_offers (combo, "wan2.2-a14b-fast"));
  g_assert_false (combo_offers (combo, "harbour-look"));
  /* The row offers the file chooser. */
  g_assert_nonnull (find_button (preferences, "prefs.import-workflow"));

  /* A valid one is copied into the user's folder, offered and chosen. */
  g_assert_true (gtk_widget_activate_action (preferences, "prefs.import-workflow", "s", good));
  wait_for (workflow_is, (gpointer) "harbour-look", "the imported workflow to be chosen");
  g_assert_true (g_file_get_contents (copied, &copy, NULL, NULL));
  g_assert_cmpstr (copy, ==, contents);
  g_assert_true (combo_offers (combo, "harbour-look"));
  g_assert_cmpstr (
      gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (ADW_COMBO_ROW (combo))),
                                  adw_combo_row_get_selected (ADW_COMBO_ROW (combo))),
      ==, "harbour-look");

  /* One without the placeholders a job needs says so, and nothing changes. */
  assert_import_refused (preferences, bad, "{{prompt}}");
  g_assert_false (g_file_test (not_copied, G_FILE_TEST_EXISTS));
  g_assert_false (combo_offers (combo, "no-prompt"));
  g_assert_true (workflow_is ((gpointer) "harbour-look"));

  /* Nor may one take a shipped workflow's name. */
  assert_import_refused (preferences, taken, "wan2.2-a14b");
  g_assert_false (g_file_test (not_shadowed, G_FILE_TEST_EXISTS));

  /* Choosing another in the row is the setting. */
  for (guint i = 0; i < g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (combo)));
       i++)
    if (g_str_equal (gtk_string_list_get_string (
                         GTK_STRING_LIST (adw_combo_row_get_model (ADW_COMBO_ROW (combo))), i),
                     "wan2.2-a14b"))
      adw_combo_row_set_selected (ADW_COMBO_ROW (combo), i);
  g_assert_true (workflow_is ((gpointer) "wan2.2-a14b"));

  close_preferences (preferences);
  reset_settings ();
  reel_test_rm_rf (tmpdir);
}

/* ------------------------------------------------------------------------ */
/* stable-diffusion.cpp                                                      */

static void
touch (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "weights", -1, NULL));
}

#define WAN_MODEL "Wan Model"
#define MODEL_FILES "Model Files"

static void
test_sdcpp_files (void)
{
  g_autofree char *models = reel_test_make_tmpdir ();
  g_autofree char *chosen_vae = g_build_filename (models, "elsewhere", "my_vae.safetensors", NULL);
  GtkWidget       *preferences = open_preferences ();
  GType            row = ADW_TYPE_ACTION_ROW;

  /* An empty folder: each file says what it looks for. */
  g_assert_true (gtk_widget_activate_action (preferences, "prefs.choose-sdcpp-file", "(ss)",
                                             "sdcpp-model-dir", models));
  wait_for_subtitle (preferences, row, "Model Folder", models);
  wait_for_subtitle (preferences, row, WAN_MODEL, "Missing: looks for");
  wait_for_subtitle (preferences, row, "Text Encoder", "umt5-xxl-encoder-");
  wait_for_subtitle (preferences, ADW_TYPE_EXPANDER_ROW, MODEL_FILES, "Missing in");

  /* Files by their usual names are found, in subfolders too. */
  touch (models, "diffusion_models/wan2.2_ti2v_5B_fp16.safetensors");
  touch (models, "vae/wan2.2_vae.safetensors");
  touch (models, "umt5-xxl-encoder-Q8_0.gguf");
  /* The folder is looked at again when it is chosen again. */
  g_settings_reset (settings (), "sdcpp-model-dir");
  g_assert_true (gtk_widget_activate_action (preferences, "prefs.choose-sdcpp-file", "(ss)",
                                             "sdcpp-model-dir", models));
  wait_for_subtitle (preferences, row, WAN_MODEL,
                     "Found in the model folder: diffusion_models/wan2.2_ti2v_5B_fp16.safetensors");
  wait_for_subtitle (preferences, row, "VAE", "Found in the model folder: vae/wan2.2_vae");
  wait_for_subtitle (preferences, row, "Text Encoder", "umt5-xxl-encoder-Q8_0.gguf");
  wait_for_subtitle (preferences, row, "High-Noise Model", "None");
  wait_for_subtitle (preferences, ADW_TYPE_EXPANDER_ROW, MODEL_FILES, "every file it needs");
  g_assert_false (gtk_widget_get_visible (
      find_button (get_row (preferences, row, "VAE"), "prefs.reset-sdcpp-setting")));

  /* A file chosen by hand wins, says when it is not there, and Clear goes
   * back to the one in the folder. */
  g_assert_true (gtk_widget_activate_action (preferences, "prefs.choose-sdcpp-file", "(ss)",
                                             "sdcpp-vae", chosen_vae));
  wait_for_subtitle (preferences, row, "VAE", "which does not exist");
  wait_for_subtitle (preferences, ADW_TYPE_EXPANDER_ROW, MODEL_FILES, "my_vae.safetensors");
  press (get_row (preferences, row, "VAE"), "prefs.reset-sdcpp-setting");
  wait_for_subtitle (preferences, row, "VAE", "Found in the model folder");
  wait_for_subtitle (preferences, ADW_TYPE_EXPANDER_ROW, MODEL_FILES, "every file it needs");

  /* A program that is not there is said to be missing. */
  g_settings_set_string (settings (), "sdcpp-cli-path", "/nonexistent/sd-cli");
  wait_for_subtitle (preferences, row, "sd-cli Program", "/nonexistent/sd-cli was not found");

  adw_expander_row_set_expanded (
      ADW_EXPANDER_ROW (get_row (preferences, ADW_TYPE_EXPANDER_ROW, MODEL_FILES)), TRUE);
  save_group_png (preferences, "stable-diffusion.cpp", "preferences-sdcpp.png");
  close_preferences (preferences);
  reset_settings ();
  reel_test_rm_rf (models);
}

#define ADD_SD_SERVER "Add sd-_server (http://HOST:PORT)"
#define SD_TEST_ACTION "prefs.test-sdcpp-server"
#define SD_REMOVE_ACTION "prefs.remove-sdcpp-server"

/* sd-server's addresses are a list like ComfyUI's, rows and all. */
static void
test_sdcpp_servers (void)
{
  ReelFakeSdServer *first = reel_fake_sd_server_new ();
  g_autoptr (ReelFakeSdServer) second = reel_fake_sd_server_new ();
  g_autofree char *first_url = g_strdup (reel_fake_sd_server_get_url (first));
  const char      *second_url = reel_fake_sd_server_get_url (second);
  g_autofree char *both = g_strdup_printf ("%s,%s", first_url, second_url);
  GtkWidget       *preferences = open_preferences ();
  GtkWidget       *usual;
  g_autofree char *value = NULL;

  /* The usual address is listed, and may be removed; with none listed,
   * jobs go to it, and its row has no Remove. */
  usual = get_row (preferences, ADW_TYPE_ACTION_ROW, "http://127.0.0.1:1234");
  press (usual, SD_REMOVE_ACTION);
  value = setting ("sdcpp-server-url");
  g_assert_cmpstr (value, ==, "");
  g_clear_pointer (&value, g_free);
  wait_for_subtitle (preferences, ADW_TYPE_ACTION_ROW, "http://127.0.0.1:1234",
                     "No server is listed");

  /* What is not an address is refused, and nothing is saved. */
  enter (preferences, ADD_SD_SERVER, "ftp://somewhere");
  g_assert_true (
      gtk_widget_has_css_class (get_row (preferences, ADW_TYPE_ENTRY_ROW, ADD_SD_SERVER), "error"));
  value = setting ("sdcpp-server-url");
  g_assert_cmpstr (value, ==, "");
  g_clear_pointer (&value, g_free);

  /* Two servers, each a row, both in the setting; ComfyUI's list is not
   * touched. */
  enter (preferences, ADD_SD_SERVER, first_url);
  enter (preferences, ADD_SD_SERVER, second_url);
  value = setting ("sdcpp-server-url");
  g_assert_cmpstr (value, ==, both);
  g_clear_pointer (&value, g_free);
  g_assert_null (find_row (preferences, ADW_TYPE_ACTION_ROW, "http://127.0.0.1:1234"));
  value = setting ("comfyui-url");
  g_assert_cmpstr (value, ==, "http://127.0.0.1:8188");
  g_clear_pointer (&value, g_free);

  /* A test says what model the server loaded. */
  press (get_row (preferences, ADW_TYPE_ACTION_ROW, first_url), SD_TEST_ACTION);
  wait_for_subtitle (preferences, ADW_TYPE_ACTION_ROW, first_url,
                     "Ready: wan2.2_ti2v_5B_fp16.safetensors");
  g_assert_cmpstr (subtitle (get_row (preferences, ADW_TYPE_ACTION_ROW, second_url)), ==,
                   "Not tested yet");

  /* One that stopped says it cannot be reached. */
  reel_fake_sd_server_free (first);
  press (get_row (preferences, ADW_TYPE_ACTION_ROW, first_url), SD_TEST_ACTION);
  wait_for_subtitle (preferences, ADW_TYPE_ACTION_ROW, first_url, "not reachable");
  g_assert_null (
      strstr (subtitle (get_row (preferences, ADW_TYPE_ACTION_ROW, first_url)), "Ready"));

  /* Remove takes a server out of the list. */
  press (get_row (preferences, ADW_TYPE_ACTION_ROW, first_url), SD_REMOVE_ACTION);
  value = setting ("sdcpp-server-url");
  g_assert_cmpstr (value, ==, second_url);
  g_assert_null (find_row (preferences, ADW_TYPE_ACTION_ROW, first_url));

  save_group_png (preferences, "stable-diffusion.cpp Servers", "preferences-sdcpp-servers.png");
  close_preferences (preferences);
  reset_settings ();
}

/* Closing the window while a server keeps a test waiting ends the test,
 * and the window is freed. */
static void
test_close_while_testing (void)
{
  g_autoptr (ReelFakeSdServer) server = reel_fake_sd_server_new ();
  const char *url = reel_fake_sd_server_get_url (server);
  GtkWidget  *preferences;

  reel_fake_sd_server_add_fault (server, REEL_FAKE_SD_CAPABILITIES, REEL_FAKE_FAULT_HANG,
                                 REEL_FAKE_FAULT_FOREVER);
  g_settings_set_string (settings (), "sdcpp-server-url", url);
  preferences = open_preferences ();
  press (get_row (preferences, ADW_TYPE_ACTION_ROW, url), SD_TEST_ACTION);
  g_assert_cmpstr (subtitle (get_row (preferences, ADW_TYPE_ACTION_ROW, url)), ==, "Testing…");
  close_preferences (preferences);
  reset_settings ();
}

int
main (int argc, char *argv[])
{
  int status;

  /* Before anything reads it: imported workflows go here. */
  data_home = reel_test_make_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  reel_ui_test_set_wait_timeout (WAIT_TIMEOUT_MS);
  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/local/comfyui-servers", test_comfyui_servers);
  g_test_add_func ("/ui/local/import-workflow", test_import_workflow);
  g_test_add_func ("/ui/local/sdcpp-files", test_sdcpp_files);
  g_test_add_func ("/ui/local/sdcpp-servers", test_sdcpp_servers);
  g_test_add_func ("/ui/local/close-while-testing", test_close_while_testing);

  status = g_test_run ();
  g_clear_object (&application);
  reel_test_rm_rf (data_home);
  g_free (data_home);
  return status;
}
