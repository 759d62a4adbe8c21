/* reel-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "reel-application.h"
#include "reel-preferences-window.h"
#include "reel-segment-cache.h"
#include "reel-window.h"

#define MAX_RECENT_PROJECTS 10

struct _ReelApplication
{
  AdwApplication parent_instance;

  /* NULL without the schema */
  GSettings            *settings;
  ReelGpuProbe         *gpu_probe;
  gboolean              open_demo;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (ReelApplication, reel_application, ADW_TYPE_APPLICATION)

enum
{
  API_KEY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Used when no example script is installed, so the demo always opens. */
static const char builtin_demo_script[]
    = "Title: A Lesson in Light\n"
      "Author: Storyreel\n"
      "\n"
      "INT. CLASSROOM - DAY\n"
      "\n"
      "Morning sun falls across rows of empty desks. A prism sits on the teacher's table.\n"
      "\n"
      "MS. REYES\n"
      "Today we find out what white light is made of.\n"
      "\n"
      "EXT. SCHOOLYARD - DAY\n"
      "\n"
      "Students hold the prism up to the sun. A rainbow spills across the pavement.\n"
      "\n"
      "INT. CLASSROOM - LATER\n"
      "\n"
      "The class draws the spectrum on the board, colour by colour.\n";

static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_message ("The GSettings schema %s is not installed: preferences are not kept", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

GSettings *
reel_application_get_settings (ReelApplication *self)
{
  g_return_val_if_fail (REEL_IS_APPLICATION (self), NULL);
  return self->settings;
}

ReelGpuProbe *
reel_application_get_gpu_probe (ReelApplication *self)
{
  g_return_val_if_fail (REEL_IS_APPLICATION (self), NULL);
  return self->gpu_probe;
}

ReelApplication *
reel_application_get_for_widget (GtkWidget *widget)
{
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  root = gtk_widget_get_root (widget);
  for (GtkWindow *window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL; window != NULL;
       window = gtk_window_get_transient_for (window))
    {
      GtkApplication *application = gtk_window_get_application (window);

      if (REEL_IS_APPLICATION (application))
        return REEL_APPLICATION (application);
    }
  return NULL;
}

GSettings *
reel_application_get_settings_for_widget (GtkWidget *widget)
{
  ReelApplication *application;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  application = reel_application_get_for_widget (widget);
  return application != NULL ? application->settings : NULL;
}

void
reel_application_api_key_changed (ReelApplication *self, const char *backend)
{
  g_return_if_fail (REEL_IS_APPLICATION (self));
  g_return_if_fail (backend != NULL);

  g_signal_emit (self, signals[API_KEY_CHANGED], 0, backend);
}

void
reel_application_add_recent (ReelApplication *self, const char *path)
{
  GSettings *settings;
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) old = NULL;
  g_auto (GStrv) recent = NULL;
  guint n = 1;

  g_return_if_fail (REEL_IS_APPLICATION (self));

  settings = self->settings;
  if (settings == NULL || path == NULL)
    return;

  old = g_settings_get_strv (settings, "recent-projects");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_PROJECTS; i++)
    {
      if (g_str_equal (old[i], path))
        continue;
      g_strv_builder_add (builder, old[i]);
      n++;
    }
  recent = g_strv_builder_end (builder);

  if (!g_strv_equal ((const char *const *) old, (const char *const *) recent))
    g_settings_set_strv (settings, "recent-projects", (const char *const *) recent);
}

static void
remove_recent (ReelApplication *self, const char *path)
{
  GSettings *settings = self->settings;
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) old = NULL;
  g_auto (GStrv) recent = NULL;

  if (settings == NULL)
    return;

  old = g_settings_get_strv (settings, "recent-projects");
  builder = g_strv_builder_new ();
  for (guint i = 0; old[i] != NULL; i++)
    if (!g_str_equal (old[i], path))
      g_strv_builder_add (builder, old[i]);
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "recent-projects", (const char *const *) recent);
}

char *
reel_application_find_example (const char *basename)
{
  const char *const dirs[] = { PKGDATADIR "/examples", SOURCE_DATADIR "/examples" };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], basename, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  return NULL;
}

GFile *
reel_application_get_demo_file (void)
{
  return g_file_new_build_filename (g_get_user_data_dir (), "storyreel", "Demo.storyreel", NULL);
}

ReelProject *
reel_application_import_script (GFile *project_file, const char *script, GError **error)
{
  g_autoptr (ReelProject) project = NULL;

  g_return_val_if_fail (G_IS_FILE (project_file), NULL);
  g_return_val_if_fail (script != NULL, NULL);

  project = reel_project_open_or_create (project_file, error);
  if (project == NULL)
    return NULL;

  if (g_strcmp0 (reel_project_get_script (project), script) != 0
      && !reel_project_set_script (project, script, error))
    return NULL;

  if (!reel_project_break_down (project, NULL, error))
    return NULL;

  return g_steal_pointer (&project);
}

ReelProject *
reel_application_load_demo_project (GFile *project_file, GError **error)
{
  g_autofree char *example = NULL;
  g_autofree char *script = NULL;
  g_autoptr (GFile) parent = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (project_file), NULL);

  /* Created once: after that it is the user's to edit. */
  if (g_file_query_exists (project_file, NULL))
    return reel_project_open (project_file, error);

  parent = g_file_get_parent (project_file);
  if (parent != NULL && !g_file_make_directory_with_parents (parent, NULL, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  example = reel_application_find_example ("lesson.fountain");
  if (example == NULL || !g_file_get_contents (example, &script, NULL, NULL)
      || !g_utf8_validate (script, -1, NULL))
    {
      g_clear_pointer (&script, g_free);
      script = g_strdup (builtin_demo_script);
    }

  return reel_application_import_script (project_file, script, error);
}

GFile *
reel_application_project_file_for_script (GFile *script_file)
{
  g_autofree char *path = g_file_get_path (script_file);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *dirname = g_path_get_dirname (path);
  g_autofree char *name = NULL;
  char            *dot = strrchr (basename, '.');

  if (dot != NULL && dot != basename)
    *dot = '\0';
  name = g_strconcat (basename, ".storyreel", NULL);
  return g_file_new_build_filename (dirname, name, NULL);
}

static gboolean
is_script_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (basename, -1);

  return g_str_has_suffix (lower, ".fountain") || g_str_has_suffix (lower, ".spmd")
         || g_str_has_suffix (lower, ".txt");
}

/* What an opening in a worker loads, and the window that waits for it. */
typedef struct
{
  GFile   *file;
  gboolean demo;
  /* Weak: a window closed while its project loads is not kept for it. */
  GWeakRef window;
  guint    serial; /* the window's opening this is */
} OpenRequest;

static void
open_request_free (OpenRequest *request)
{
  g_clear_object (&request->file);
  g_weak_ref_clear (&request->window);
  g_free (request);
}

/* A stage of the opening, from the worker to the waiting window. */
typedef struct
{
  GTask               *task;
  ReelProjectOpenStage stage;
} OpenStage;

static void
open_stage_free (OpenStage *stage)
{
  g_object_unref (stage->task);
  g_free (stage);
}

/* On the main thread, which alone may take (and so maybe finalize) a
 * reference to the window. */
static gboolean
show_open_stage_cb (gpointer user_data)
{
  OpenStage   *stage = user_data;
  OpenRequest *request = g_task_get_task_data (stage->task);
  g_autoptr (ReelWindow) window = g_weak_ref_get (&request->window);

  if (window != NULL && reel_window_is_loading_serial (window, request->serial)
      && stage->stage == REEL_PROJECT_OPEN_UPGRADING)
    reel_window_set_loading_title (window, _ ("Upgrading Project…"));
  return G_SOURCE_REMOVE;
}

/* In the worker: passes the stage on to the main context through an idle
 * source, never running the callback here (g_main_context_invoke() would
 * when the worker could acquire that context) and never touching the
 * window. */
static void
open_progress_cb (ReelProjectOpenStage stage, gpointer user_data)
{
  GTask     *task = user_data;
  OpenStage *message = g_new0 (OpenStage, 1);
  g_autoptr (GSource) source = g_idle_source_new ();

  message->task = g_object_ref (task);
  message->stage = stage;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, show_open_stage_cb, message, (GDestroyNotify) open_stage_free);
  g_source_attach (source, g_task_get_context (task));
}

static ReelProject *
load_file (GFile *file, GTask *task, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GFile) project_file = NULL;
  gsize length = 0;

  if (!is_script_file (file))
    return reel_project_open_with_progress (file, open_progress_cb, task, error);

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("“%s” is not UTF-8 text. Save the script as UTF-8 and open it again."), name);
      return NULL;
    }

  project_file = reel_application_project_file_for_script (file);
  return reel_application_import_script (project_file, contents, error);
}

/* The whole opening, migration and breakdown of an imported script included:
 * the project's SQLite connection and models are made here, and nothing
 * else sees the project until the task hands it to the main thread. */
static void
open_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  OpenRequest *request = task_data;
  GError      *error = NULL;
  ReelProject *project;

  if (request->demo)
    project = reel_application_load_demo_project (request->file, &error);
  else
    project = load_file (request->file, task, &error);

  if (project == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, project, g_object_unref);
}

static ReelWindow *
window_for_opening (ReelApplication *self, GtkWindow *window)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (REEL_IS_WINDOW (window))
    return REEL_WINDOW (window);
  if (REEL_IS_WINDOW (active) && reel_window_get_project (REEL_WINDOW (active)) == NULL
      && !reel_window_is_loading (REEL_WINDOW (active)))
    return REEL_WINDOW (active);
  return reel_window_new (self);
}

static void
show_project (ReelApplication *self, ReelWindow *window, ReelProject *project)
{
  GFile *file = reel_project_get_file (project);

  reel_window_set_project (window, project);
  gtk_window_present (GTK_WINDOW (window));
  if (file != NULL && g_file_peek_path (file) != NULL)
    reel_application_add_recent (self, g_file_peek_path (file));
}

static void
open_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelApplication *self = REEL_APPLICATION (source);
  OpenRequest     *request = g_task_get_task_data (G_TASK (result));
  g_autoptr (ReelWindow) window = g_weak_ref_get (&request->window);
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;

  project = g_task_propagate_pointer (G_TASK (result), &error);
  g_application_release (G_APPLICATION (self));
  if (window == NULL)
    return;

  /* Opened again since (Open Recent twice): the later opening wins, and this
   * project closes unseen. */
  if (!reel_window_end_loading (window, request->serial))
    return;
  if (project != NULL)
    {
      show_project (self, window, project);
      return;
    }

  if (request->demo)
    reel_window_report_error (window, _ ("Could Not Open the Demo Project"), error);
  else
    {
      g_autofree char *name = g_file_get_basename (request->file);
      g_autofree char *heading = g_strdup_printf (_ ("Could Not Open “%s”"), name);

      reel_window_report_error (window, heading, error);
      if (!g_file_query_exists (request->file, NULL))
        remove_recent (self, g_file_peek_path (request->file));
    }
}

static ReelWindow *
open_in_worker (ReelApplication *self, GFile *file, gboolean demo, GtkWindow *window)
{
  ReelWindow  *target = window_for_opening (self, window);
  OpenRequest *request = g_new0 (OpenRequest, 1);
  g_autoptr (GTask) task = g_task_new (self, NULL, open_done_cb, NULL);

  request->file = g_object_ref (file);
  request->demo = demo;
  g_weak_ref_init (&request->window, target);
  g_task_set_task_data (task, request, (GDestroyNotify) open_request_free);
  g_task_set_source_tag (task, open_in_worker);

  /* The window is usable at once: it shows the opening as it goes. */
  request->serial = reel_window_begin_loading (target, _ ("Opening Project…"));
  gtk_window_present (GTK_WINDOW (target));
  /* Closing the last window during an upgrade must not end the process
   * while the worker still writes the project. */
  g_application_hold (G_APPLICATION (self));
  g_task_run_in_thread (task, open_thread);
  return target;
}

ReelWindow *
reel_application_open_file (ReelApplication *self, GFile *file, GtkWindow *window)
{
  g_return_val_if_fail (REEL_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return open_in_worker (self, file, FALSE, window);
}

ReelWindow *
reel_application_open_demo (ReelApplication *self, GtkWindow *window)
{
  g_autoptr (GFile) file = reel_application_get_demo_file ();

  g_return_val_if_fail (REEL_IS_APPLICATION (self), NULL);

  return open_in_worker (self, file, TRUE, window);
}

/* Actions */

static GtkWindow *
active_window (ReelApplication *self)
{
  return gtk_application_get_active_window (GTK_APPLICATION (self));
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *const *patterns)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static gboolean
remove_existing_project (GFile *file, GError **error)
{
  g_autofree char  *path = g_file_get_path (file);
  const char *const suffixes[] = { "-wal", "-shm" };
  g_autoptr (GError) local_error = NULL;

  /* The file chooser already asked before replacing. */
  if (!g_file_delete (file, NULL, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, suffixes[i], NULL);
      g_autoptr (GFile) side_file = g_file_new_for_path (side);

      g_file_delete (side_file, NULL, NULL);
    }
  return TRUE;
}

static void
new_chooser_response_cb (ReelApplication *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  GtkWindow       *parent = gtk_native_dialog_get_transient_for (GTK_NATIVE_DIALOG (chooser));
  ReelWindow      *window;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  if (!g_str_has_suffix (g_file_peek_path (file), ".storyreel"))
    {
      g_autofree char *path = g_strconcat (g_file_peek_path (file), ".storyreel", NULL);
      g_autoptr (GFile) with_extension = g_file_new_for_path (path);

      g_set_object (&file, with_extension);
    }

  {
    g_autofree char *basename = g_file_get_basename (file);
    title = g_strndup (basename, strlen (basename) - strlen (".storyreel"));
  }

  if (remove_existing_project (file, &error))
    project = reel_project_create (file, title, &error);

  window = window_for_opening (self, parent);
  if (project == NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      reel_window_report_error (window, _ ("Could Not Create the Project"), error);
      return;
    }

  show_project (self, window, project);
  reel_window_show_view (window, "script");
}

/* Where a new project goes unless the user says otherwise. */
static GFile *
dup_new_project_folder (ReelApplication *self)
{
  g_auto (GStrv) recent = NULL;
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);

  /* Where the user last kept a project, if it is still there. */
  recent = self->settings != NULL ? g_settings_get_strv (self->settings, "recent-projects") : NULL;
  for (guint i = 0; recent != NULL && recent[i] != NULL; i++)
    {
      g_autofree char *folder = g_path_get_dirname (recent[i]);
      g_autofree char *demo_folder = g_build_filename (g_get_user_data_dir (), "storyreel", NULL);

      /* The demo lives in the app's own data, which is no place for films. */
      if (g_str_equal (folder, demo_folder))
        continue;
      if (g_path_is_absolute (folder) && g_file_test (folder, G_FILE_TEST_IS_DIR))
        return g_file_new_for_path (folder);
    }

  if (videos != NULL && g_file_test (videos, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (videos);
  return g_file_new_for_path (g_get_home_dir ());
}

/* A name no file in @folder has yet, so Enter never offers to replace one. */
static char *
dup_new_project_name (GFile *folder)
{
  for (guint n = 1; n < 1000; n++)
    {
      /* Translators: the suggested file names of new projects: "Untitled.storyreel", then
       * "Untitled 2.storyreel" */
      g_autofree char *name = n == 1 ? g_strdup (_ ("Untitled.storyreel"))
                                     : g_strdup_printf (_ ("Untitled %u.storyreel"), n);
      g_autoptr (GFile) file = g_file_get_child (folder, name);

      if (!g_file_query_exists (file, NULL))
        return g_steal_pointer (&name);
    }
  return g_strdup (_ ("Untitled.storyreel"));
}

static void
new_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ReelApplication  *self = user_data;
  const char *const patterns[] = { "*.storyreel", NULL };
  g_autoptr (GFile) folder = dup_new_project_folder (self);
  g_autofree char *name = dup_new_project_name (folder);

  g_clear_object (&self->chooser);
  self->chooser
      = gtk_file_chooser_native_new (_ ("New Project"), active_window (self),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Create"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _ ("Storyreel Projects"), patterns);
  /* Never the process's working folder, which the user did not choose. */
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (new_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_chooser_response_cb (ReelApplication *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  GtkWindow *parent = gtk_native_dialog_get_transient_for (GTK_NATIVE_DIALOG (chooser));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);

  if (file != NULL)
    reel_application_open_file (self, file, parent);
}

static void
open_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ReelApplication  *self = user_data;
  const char *const all[] = { "*.storyreel", "*.fountain", "*.spmd", "*.txt", NULL };
  const char *const projects[] = { "*.storyreel", NULL };
  const char *const scripts[] = { "*.fountain", "*.spmd", "*.txt", NULL };

  g_clear_object (&self->chooser);
  self->chooser
      = gtk_file_chooser_native_new (_ ("Open a Project or Script"), active_window (self),
                                     GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Open"), _ ("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (self->chooser), _ ("Projects and Scripts"), all);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _ ("Storyreel Projects"), projects);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _ ("Scripts (Fountain or Plain Text)"), scripts);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (open_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_recent_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ReelApplication *self = user_data;
  const char      *path = g_variant_get_string (parameter, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);

  reel_application_open_file (self, file, active_window (self));
}

static void
open_demo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ReelApplication *self = user_data;

  reel_application_open_demo (self, active_window (self));
}

static void
preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ReelApplication *self = user_data;
  GtkWindow       *window = active_window (self);
  ReelProject     *project
      = REEL_IS_WINDOW (window) ? reel_window_get_project (REEL_WINDOW (window)) : NULL;
  GtkWidget *preferences = reel_preferences_window_new (window, project);

  /* Without a window to be transient for, it takes the app's settings itself. */
  if (window == NULL)
    gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ReelApplication *self = user_data;
  const char      *developers[] = { "The Storyreel developers", NULL };
  GtkWidget       *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for", active_window (self),
                        "application-name", _ ("Storyreel"), "application-icon", APP_ID, "version",
                        PACKAGE_VERSION, "developer-name", _ ("The Storyreel developers"),
                        "developers", developers, "comments",
                        _ ("Turn a script into a storyboard, an animatic and a film"), "website",
                        "https://github.com/storyreel/storyreel", "issue-url",
                        "https://github.com/storyreel/storyreel/issues", "license-type",
                        GTK_LICENSE_GPL_3_0, "copyright", "© 2025 The Storyreel developers",
                        /* Translators: your names, one per line */
                        "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ReelApplication *self = user_data;
  GList           *windows;

  /* Closing (not destroying) the windows lets them write pending edits and
   * save their size. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    {
      GtkWindow *window = windows->data;
      guint      n_before = g_list_length (windows);

      gtk_window_close (window);
      if (g_list_length (gtk_application_get_windows (GTK_APPLICATION (self))) == n_before)
        gtk_window_destroy (window);
    }

  g_application_quit (G_APPLICATION (self));
}

/* A notification's default action: back to the window that sent it. */
static void
show_window_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow      *window = gtk_application_get_window_by_id (app, g_variant_get_uint32 (parameter));

  if (window == NULL)
    window = gtk_application_get_active_window (app);
  if (window != NULL)
    gtk_window_present (window);
  else
    g_application_activate (G_APPLICATION (app));
}

static void
clear_export_cache_thread (GTask        *task,
                           gpointer      source,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  g_autoptr (ReelSegmentCache) cache = reel_segment_cache_new (NULL);
  GError *error = NULL;

  if (reel_segment_cache_clear (cache, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_cache_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_message ("Cannot empty the export cache: %s", error->message);
}

/* The encoded segments that make re-exports fast; emptied off the main
 * thread, as there may be thousands. */
static void
clear_export_cache_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (user_data, NULL, export_cache_cleared_cb, NULL);

  g_task_set_source_tag (task, clear_export_cache_action);
  g_task_run_in_thread (task, clear_export_cache_thread);
}

static const GActionEntry app_actions[] = {
  { "new", new_action },
  { "open", open_action },
  { "open-recent", open_recent_action, "s" },
  { "open-demo", open_demo_action },
  { "no-recent", NULL },
  { "preferences", preferences_action },
  { "clear-export-cache", clear_export_cache_action },
  { "about", about_action },
  { "quit", quit_action },
  { "show-window", show_window_action, "u" },
};

/* GApplication vfuncs */

static void
reel_application_startup (GApplication *application)
{
  ReelApplication  *self = REEL_APPLICATION (application);
  const char *const new_accels[] = { "<Control>n", NULL };
  const char *const open_accels[] = { "<Control>o", NULL };
  const char *const preferences_accels[] = { "<Control>comma", NULL };
  const char *const quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (reel_application_parent_class)->startup (application);

  gtk_source_init ();

  /* Running from the build tree: the app icon is not installed yet. */
  {
    GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

    if (!gtk_icon_theme_has_icon (theme, APP_ID))
      gtk_icon_theme_add_search_path (theme, SOURCE_DATADIR "/icons");
  }
  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "no-recent")), FALSE);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

static void
reel_application_activate (GApplication *application)
{
  ReelApplication *self = REEL_APPLICATION (application);
  GtkWindow       *window = active_window (self);

  if (window == NULL)
    window = GTK_WINDOW (reel_window_new (self));

  if (self->open_demo)
    {
      self->open_demo = FALSE;
      reel_application_open_demo (self, window);
    }

  gtk_window_present (window);
}

static void
reel_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  ReelApplication *self = REEL_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    reel_application_open_file (self, files[i], NULL);
}

static int
reel_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  ReelApplication *self = REEL_APPLICATION (application);

  if (g_variant_dict_contains (options, "demo"))
    self->open_demo = TRUE;

  return -1;
}

static void
reel_application_dispose (GObject *object)
{
  ReelApplication *self = REEL_APPLICATION (object);

  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  g_clear_object (&self->gpu_probe);

  G_OBJECT_CLASS (reel_application_parent_class)->dispose (object);
}

static void
reel_application_class_init (ReelApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = reel_application_dispose;
  app_class->startup = reel_application_startup;
  app_class->activate = reel_application_activate;
  app_class->open = reel_application_open;
  app_class->handle_local_options = reel_application_handle_local_options;

  /**
   * ReelApplication::api-key-changed:
   * @backend: the backend whose key was stored or removed
   *
   * The keyring has no change notification of its own: whoever stores a key
   * says so here, and windows set that backend up again with the new key.
   */
  signals[API_KEY_CHANGED]
      = g_signal_new ("api-key-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
reel_application_init (ReelApplication *self)
{
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Open the demo project"), NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  self->settings = create_settings ();
  /* Asks nothing until a window's engines or Preferences query it. */
  self->gpu_probe = reel_gpu_probe_new ();
}

ReelApplication *
reel_application_new (void)
{
  return g_object_new (REEL_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE, NULL);
}
