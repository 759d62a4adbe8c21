/* reel-batch-window.c: Personalised Films: one film per row of a table
 *
 * The table is read and compared in a thread; the films are made by a
 * ReelFilmBatch, whose planning (each film's project), generation and export
 * run off the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "reel-batch-window.h"
#include "reel-ui-utils.h"
#include "reel-film-batch.h"

/* The rows the preview lists; the rest are counted. */
#define PREVIEW_ROWS 20
/* The rows compared for the shots that differ. */
#define COMPARED_ROWS 200

struct _ReelBatchWindow
{
  AdwWindow parent_instance;

  ReelProject          *project;
  ReelScheduler        *scheduler;
  GSettings            *settings;
  GCancellable         *cancellable;
  ReelCsv              *table;
  GFile                *folder;
  ReelFilmBatch        *batch;
  char                 *preview_text;
  gboolean              running;
  gboolean              done;
  gboolean              closed;
  GtkFileChooserNative *chooser;

  AdwActionRow        *table_row;
  AdwActionRow        *folder_row;
  AdwComboRow         *name_row;
  AdwPreferencesGroup *rows_group;
  AdwPreferencesGroup *progress_group;
  GtkListBox          *rows_list;
  GtkProgressBar      *progress_bar;
  GtkLabel            *status_label;
  GtkButton           *cancel_button;
};

G_DEFINE_FINAL_TYPE (ReelBatchWindow, reel_batch_window, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_N_FILMS,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_actions (ReelBatchWindow *self)
{
  gboolean ready = self->table != NULL && self->folder != NULL && !self->running && !self->done;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.start", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.choose-table", !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.choose-folder", !self->running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), self->table != NULL && !self->running);
  gtk_button_set_label (self->cancel_button, self->running ? _ ("_Cancel") : _ ("_Close"));
}

static void
set_running (ReelBatchWindow *self, gboolean running)
{
  if (self->running == running)
    return;
  self->running = running;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* Preview */

typedef struct
{
  GFile   *file;
  char    *script;
  ReelCsv *table;
  GArray  *varying;
  guint    n_shots;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data->script);
  g_clear_pointer (&data->table, reel_csv_free);
  g_clear_pointer (&data->varying, g_array_unref);
  g_free (data);
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError   *error = NULL;

  data->table = reel_csv_read_file (data->file, cancellable, &error);
  if (data->table != NULL)
    data->varying = reel_csv_find_varying_shots (data->table, data->script, COMPARED_ROWS,
                                                 &data->n_shots, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* "name: Alice · pet: cat" */
static char *
describe_row (ReelCsv *table, guint row)
{
  g_autoptr (GString) text = g_string_new (NULL);
  const char *const *columns = reel_csv_get_columns (table);

  for (guint i = 0; columns[i] != NULL; i++)
    g_string_append_printf (text, "%s%s: %s", i > 0 ? " · " : "", columns[i],
                            reel_csv_get_value (table, row, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
clear_rows (ReelBatchWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_list))) != NULL)
    gtk_list_box_remove (self->rows_list, child);
}

static void
fill_rows (ReelBatchWindow *self)
{
  guint n = reel_csv_get_n_rows (self->table);
  int   name_column = reel_csv_find_column (self->table, "name");

  clear_rows (self);
  for (guint i = 0; i < MIN (n, PREVIEW_ROWS); i++)
    {
      GtkWidget       *row = adw_action_row_new ();
      g_autofree char *title = name_column >= 0
                                   ? g_strdup (reel_csv_get_value (self->table, i, name_column))
                                   : g_strdup_printf (_ ("Row %u"), i + 1);
      g_autofree char *subtitle = describe_row (self->table, i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->rows_list, row);
    }
  if (n > PREVIEW_ROWS)
    {
      GtkWidget       *row = adw_action_row_new ();
      g_autofree char *more = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "And %u more film", "And %u more films", n - PREVIEW_ROWS),
          n - PREVIEW_ROWS);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), more);
      gtk_list_box_append (self->rows_list, row);
    }
}

/* The shots that differ, by the numbers the storyboard shows. */
static char *
describe_varying (ReelBatchWindow *self, GArray *varying, guint n_shots)
{
  GListModel *shots = reel_project_get_shots (self->project);
  g_autoptr (GString) numbers = g_string_new (NULL);

  if (varying->len == 0)
    return g_strdup (_ ("Every film has the same shots: the table’s values are not in the "
                        "script. Write {column} where a value goes."));
  for (guint i = 0; i < varying->len; i++)
    {
      guint index = g_array_index (varying, guint, i);
      g_autoptr (ReelShot) shot = g_list_model_get_n_items (shots) == n_shots
                                      ? g_list_model_get_item (shots, index)
                                      : NULL;

      if (numbers->len > 0)
        g_string_append (numbers, ", ");
      if (shot != NULL)
        g_string_append (numbers, reel_shot_get_number (shot));
      else
        g_string_append_printf (numbers, "%u", index + 1);
    }
  return g_strdup_printf (_ ("%u of %u shots differ between the films: %s. The others are "
                             "generated once."),
                          varying->len, n_shots, numbers->str);
}

static void
fill_name_row (ReelBatchWindow *self)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  int name_column = reel_csv_find_column (self->table, "name");

  gtk_string_list_append (names, _ ("Row Number"));
  for (const char *const *column = reel_csv_get_columns (self->table); *column != NULL; column++)
    gtk_string_list_append (names, *column);
  adw_combo_row_set_model (self->name_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->name_row, name_column >= 0 ? (guint) name_column + 1 : 0);
}

static void
set_preview_text (ReelBatchWindow *self, char *text)
{
  g_free (self->preview_text);
  self->preview_text = text;
  adw_preferences_group_set_description (self->rows_group, text);
  gtk_widget_set_visible (GTK_WIDGET (self->rows_group), TRUE);
}

static void
load_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelBatchWindow *self = REEL_BATCH_WINDOW (source);
  LoadData        *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_pointer (&self->table, reel_csv_free);
      clear_rows (self);
      set_preview_text (self, g_strdup (error->message));
    }
  else
    {
      g_clear_pointer (&self->table, reel_csv_free);
      self->table = g_steal_pointer (&data->table);
      fill_rows (self);
      fill_name_row (self);
      set_preview_text (self, describe_varying (self, data->varying, data->n_shots));
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FILMS]);
}

void
reel_batch_window_load_table (ReelBatchWindow *self, GFile *file)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *name = g_file_get_basename (file);
  LoadData        *data = g_new0 (LoadData, 1);

  g_return_if_fail (REEL_IS_BATCH_WINDOW (self));

  data->file = g_object_ref (file);
  data->script = g_strdup (reel_project_get_script (self->project));
  adw_action_row_set_subtitle (self->table_row, name);
  task = g_task_new (self, self->cancellable, load_done_cb, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

void
reel_batch_window_set_folder (ReelBatchWindow *self, GFile *folder)
{
  g_autofree char *name = NULL;

  g_return_if_fail (REEL_IS_BATCH_WINDOW (self));

  g_set_object (&self->folder, folder);
  name = g_file_get_parse_name (folder);
  adw_action_row_set_subtitle (self->folder_row, name);
  update_actions (self);
}

guint
reel_batch_window_get_n_films (ReelBatchWindow *self)
{
  return self->table != NULL ? reel_csv_get_n_rows (self->table) : 0;
}

const char *
reel_batch_window_get_preview_text (ReelBatchWindow *self)
{
  return self->preview_text;
}

gboolean
reel_batch_window_get_running (ReelBatchWindow *self)
{
  return self->running;
}

/* Choosers */

static void
chooser_response_cb (ReelBatchWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL
      && gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser))
             == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER)
    reel_batch_window_set_folder (self, file);
  else if (file != NULL)
    reel_batch_window_load_table (self, file);
  g_clear_object (&self->chooser);
}

static void
choose (ReelBatchWindow *self, const char *title, GtkFileChooserAction action)
{
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, NULL, NULL);
  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _ ("CSV Tables"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      gtk_file_filter_add_suffix (filter, "csv");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
choose_table_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  choose (REEL_BATCH_WINDOW (widget), _ ("Choose a Table"), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
choose_folder_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  choose (REEL_BATCH_WINDOW (widget), _ ("Choose the Folder for the Films"),
          GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

/* Running */

static ReelScheduler *
make_scheduler_cb (ReelProject *project, gpointer user_data, GError **error)
{
  GPtrArray     *backends = user_data;
  ReelScheduler *scheduler = reel_scheduler_new (project);

  /* The window's backends, set up from the preferences and keys. */
  for (guint i = 0; i < backends->len; i++)
    reel_scheduler_add_backend (scheduler, g_ptr_array_index (backends, i));
  return scheduler;
}

static void
batch_status_cb (ReelBatchWindow *self)
{
  /* A late report after the window was closed. */
  if (self->status_label == NULL)
    return;
  gtk_label_set_text (self->status_label, reel_film_batch_get_status (self->batch));
  gtk_progress_bar_set_fraction (self->progress_bar, reel_film_batch_get_progress (self->batch));
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelBatchWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *folder = g_file_get_parse_name (self->folder);
  g_autofree char *done = NULL;

  if (!reel_film_batch_run_finish (REEL_FILM_BATCH (source), result, &error))
    gtk_label_set_text (self->status_label, error->message);
  else
    {
      done = g_strdup_printf (_ ("The films are in %s."), folder);
      gtk_label_set_text (self->status_label, done);
    }
  self->done = TRUE;
  set_running (self, FALSE);
}

static const char *
chosen_name_column (ReelBatchWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->name_row);

  /* "": the row number alone, even when there is a "name" column. */
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return "";
  return reel_csv_get_columns (self->table)[selected - 1];
}

static ReelFilmBatch *
new_batch (ReelBatchWindow *self, GError **error)
{
  g_autofree char *project_path = g_file_get_path (reel_project_get_file (self->project));
  g_autofree char *folder = g_file_get_path (self->folder);
  g_autofree char *caption_mode
      = self->settings != NULL ? g_settings_get_string (self->settings, "caption-mode") : NULL;
  g_autofree char *backend
      = self->settings != NULL ? g_settings_get_string (self->settings, "default-backend") : NULL;
  g_autofree char *projects_dir = NULL;
  g_autofree char *name_column = g_strdup (chosen_name_column (self));
  g_autoptr (ReelFilmBatch) batch = NULL;
  ReelExportOptions options;

  if (g_str_has_suffix (project_path, ".storyreel"))
    project_path[strlen (project_path) - strlen (".storyreel")] = '\0';
  projects_dir = g_strconcat (project_path, ".personal", NULL);
  reel_export_options_init (&options);
  options.segment_cache_limit = reel_ui_export_cache_limit (self->settings);
  if (caption_mode != NULL)
    reel_caption_mode_from_string (caption_mode, &options.captions);
  batch = reel_film_batch_new (reel_project_get_script (self->project),
                               g_steal_pointer (&self->table), name_column, projects_dir, folder,
                               &options, error);
  reel_export_options_clear (&options);
  if (batch == NULL)
    return NULL;
  reel_film_batch_set_settings_from (batch, self->project);
  /* Listed here: planning makes its schedulers in a worker. */
  reel_film_batch_set_scheduler_func (batch, make_scheduler_cb,
                                      reel_scheduler_list_backends (self->scheduler),
                                      (GDestroyNotify) g_ptr_array_unref);
  reel_film_batch_set_backend (batch, backend, NULL);
  return g_steal_pointer (&batch);
}

static void
run (ReelBatchWindow *self)
{
  set_running (self, TRUE);
  reel_film_batch_run_async (self->batch, self->cancellable, run_done_cb, g_object_ref (self));
}

static void
cost_response_cb (AdwMessageDialog *dialog, const char *response, ReelBatchWindow *self)
{
  if (g_str_equal (response, "make") && self->batch != NULL && !self->running)
    run (self);
  else
    gtk_label_set_text (self->status_label, _ ("Nothing was generated."));
}

/* A paid backend spends money on every film: say how much before any. */
static void
confirm_cost (ReelBatchWindow *self, const ReelFilmBatchSummary *summary)
{
  /* Translators: "14 shots to generate for 5 films: about 8.40 CNY." */
  g_autofree char *body
      = g_strdup_printf (_ ("%u shots to generate for %u films: about %.2f %s."),
                         summary->n_generate, summary->n_films, summary->cost, summary->currency);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Make the Films?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "make",
                                    _ ("_Make Films"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "make",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (cost_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
plan_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelBatchWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char     *summary_text = NULL;
  ReelFilmBatchSummary summary;
  gboolean planned = reel_film_batch_plan_finish (REEL_FILM_BATCH (source), result, &error);

  /* Closed meanwhile: nothing is generated for a window that is gone. */
  if (self->closed || self->status_label == NULL)
    return;
  set_running (self, FALSE);
  if (!planned)
    {
      gtk_label_set_text (self->status_label,
                          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                              ? _ ("Nothing was generated.")
                              : error->message);
      self->done = TRUE;
      update_actions (self);
      return;
    }
  summary_text = reel_film_batch_describe (self->batch);
  gtk_label_set_text (self->status_label, summary_text);
  reel_film_batch_get_summary (self->batch, &summary);
  if (summary.currency != NULL && summary.n_generate > 0)
    confirm_cost (self, &summary);
  else
    run (self);
}

static void
start_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelBatchWindow *self = REEL_BATCH_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->progress_group), TRUE);
  if (self->batch != NULL)
    g_signal_handlers_disconnect_by_data (self->batch, self);
  g_clear_object (&self->batch);
  self->batch = new_batch (self, &error);
  if (self->batch == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      self->done = TRUE;
      update_actions (self);
      return;
    }
  /* Each row's project is made in a worker, which says which film it is at. */
  g_signal_connect_object (self->batch, "notify::status", G_CALLBACK (batch_status_cb), self,
                           G_CONNECT_SWAPPED);
  set_running (self, TRUE);
  reel_film_batch_plan_async (self->batch, self->cancellable, plan_done_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelBatchWindow *self = REEL_BATCH_WINDOW (widget);

  /* The films made so far stay; the next run resumes the rest. */
  if (self->running)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* Class */

/* Closing stops what the window started: a reference held by its planning
 * keeps it from being disposed, so dispose alone would come too late. */
static gboolean
reel_batch_window_close_request (GtkWindow *window)
{
  ReelBatchWindow *self = REEL_BATCH_WINDOW (window);

  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (reel_batch_window_parent_class)->close_request (window);
}

static void
reel_batch_window_dispose (GObject *object)
{
  ReelBatchWindow *self = REEL_BATCH_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_BATCH_WINDOW);

  G_OBJECT_CLASS (reel_batch_window_parent_class)->dispose (object);
}

static void
reel_batch_window_finalize (GObject *object)
{
  ReelBatchWindow *self = REEL_BATCH_WINDOW (object);

  g_clear_object (&self->project);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->table, reel_csv_free);
  g_clear_object (&self->folder);
  g_clear_object (&self->batch);
  g_free (self->preview_text);

  G_OBJECT_CLASS (reel_batch_window_parent_class)->finalize (object);
}

static void
reel_batch_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelBatchWindow *self = REEL_BATCH_WINDOW (object);

  switch (prop_id)
    {
      case PROP_N_FILMS:
        g_value_set_uint (value, reel_batch_window_get_n_films (self));
        break;
      case PROP_RUNNING:
        g_value_set_boolean (value, self->running);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_batch_window_class_init (ReelBatchWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_batch_window_dispose;
  object_class->finalize = reel_batch_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = reel_batch_window_close_request;
  object_class->get_property = reel_batch_window_get_property;

  properties[PROP_N_FILMS] = g_param_spec_uint ("n-films", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-batch-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, table_row);
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, rows_group);
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, progress_group);
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, rows_list);
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ReelBatchWindow, cancel_button);

  gtk_widget_class_install_action (widget_class, "batch.choose-table", NULL, choose_table_action);
  gtk_widget_class_install_action (widget_class, "batch.choose-folder", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "batch.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "batch.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "batch.cancel", NULL);
}

static void
reel_batch_window_init (ReelBatchWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_actions (self);
}

GtkWidget *
reel_batch_window_new (GtkWindow     *parent,
                       ReelProject   *project,
                       ReelScheduler *scheduler,
                       GSettings     *settings)
{
  ReelBatchWindow *self = g_object_new (REEL_TYPE_BATCH_WINDOW, "transient-for", parent, NULL);
  g_autofree char *folder = NULL;

  self->project = g_object_ref (project);
  self->scheduler = g_object_ref (scheduler);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  /* Films beside the project until another folder is chosen. */
  folder = g_path_get_dirname (g_file_peek_path (reel_project_get_file (project)));
  self->folder = g_file_new_for_path (folder);
  adw_action_row_set_subtitle (self->folder_row, folder);
  update_actions (self);
  return GTK_WIDGET (self);
}
