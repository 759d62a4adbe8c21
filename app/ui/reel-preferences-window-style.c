/* reel-preferences-window-style.c: the Project page's prompt craft
 *
 * The project's style (a shipped preset, one of its own styles, or none),
 * what every shot asks the model to avoid, the template the prompts are
 * made from, and the project's own styles. Each change is one undoable edit
 * of the project; the shot cards follow it through the project's ::changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-preferences-window-private.h"
#include "reel-prompt-builder.h"

static void
report_error (ReelPreferencesWindow *self, const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Could Not Change the Setting"),
                                              error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Fills the Style row: None, the presets, then the project's own styles. */
static void
sync_style_choices (ReelPreferencesWindow *self, GPtrArray *styles)
{
  g_autoptr (GPtrArray) presets = reel_prompt_list_style_presets ();
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autofree char *current = reel_project_dup_style (self->project);
  g_auto (GStrv) choices = NULL;
  guint selected = 0, n = 0;

  gtk_string_list_append (labels, C_ ("style", "None"));
  g_strv_builder_add (ids, "");
  for (guint i = 0; i < presets->len; i++)
    {
      const ReelStylePreset *preset = presets->pdata[i];

      gtk_string_list_append (labels, reel_style_preset_get_display_name (preset));
      g_strv_builder_add (ids, preset->id);
    }
  for (guint i = 0; i < styles->len; i++)
    {
      const ReelStyle *style = styles->pdata[i];

      gtk_string_list_append (labels, style->name);
      g_strv_builder_add (ids, style->name);
    }
  choices = g_strv_builder_end (ids);
  for (char **id = choices; *id != NULL; id++, n++)
    if (g_strcmp0 (*id, current) == 0)
      selected = n;

  /* A choice made in the row changes the project while the row is still
   * selecting: its model must stay as it is unless the choices changed. */
  if (self->style_ids == NULL
      || !g_strv_equal ((const char *const *) choices, (const char *const *) self->style_ids))
    {
      g_strfreev (self->style_ids);
      self->style_ids = g_steal_pointer (&choices);
      adw_combo_row_set_model (self->style_row, G_LIST_MODEL (labels));
    }
  if (adw_combo_row_get_selected (self->style_row) != selected)
    adw_combo_row_set_selected (self->style_row, selected);
}

static GtkWidget *
new_style_entry (const char *title, const char *text, gint64 id, const char *field)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_object_set_data_full (G_OBJECT (row), "style-id", g_memdup2 (&id, sizeof id), g_free);
  g_object_set_data (G_OBJECT (row), "style-field", (gpointer) field);
  return row;
}

static void style_entry_applied_cb (ReelPreferencesWindow *self, AdwEntryRow *row);

/* One own style: its name and words to edit, and a button to remove it. */
static GtkWidget *
new_style_row (ReelPreferencesWindow *self, const ReelStyle *style)
{
  GtkWidget       *row = adw_expander_row_new ();
  GtkWidget       *name = new_style_entry (_ ("Name"), style->name, style->id, "name");
  GtkWidget       *words = new_style_entry (_ ("Words"), style->prompt, style->id, "prompt");
  GtkWidget       *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *label = g_strdup_printf (_ ("Remove the Style “%s”"), style->name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), style->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), style->prompt);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "prefs.remove-style");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "x", style->id);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), remove);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), name);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), words);
  g_signal_connect_object (name, "apply", G_CALLBACK (style_entry_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (words, "apply", G_CALLBACK (style_entry_applied_cb), self,
                           G_CONNECT_SWAPPED);
  return row;
}

static void
sync_own_styles (ReelPreferencesWindow *self, GPtrArray *styles)
{
  for (guint i = 0; i < self->style_rows->len; i++)
    adw_expander_row_remove (self->styles_row, self->style_rows->pdata[i]);
  g_ptr_array_set_size (self->style_rows, 0);
  for (guint i = 0; i < styles->len; i++)
    {
      GtkWidget *row = new_style_row (self, styles->pdata[i]);

      g_ptr_array_add (self->style_rows, g_object_ref_sink (row));
      adw_expander_row_add_row (self->styles_row, row);
    }
}

/* Sets @row's text unless it already says it: the cursor stays where it is. */
static void
set_entry_text (AdwEntryRow *row, const char *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

void
reel_preferences_window_sync_style (ReelPreferencesWindow *self)
{
  g_autoptr (GPtrArray) styles = NULL;
  g_autofree char *negative = NULL;
  g_autofree char *template_text = NULL;

  if (self->project == NULL)
    return;

  self->syncing++;
  styles = reel_project_list_styles (self->project);
  sync_style_choices (self, styles);
  sync_own_styles (self, styles);
  negative = reel_project_dup_negative_prompt (self->project);
  set_entry_text (self->negative_row, negative != NULL ? negative : "");
  template_text = reel_project_dup_prompt_template (self->project);
  set_entry_text (self->template_row, template_text != NULL ? template_text : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.use-default-template",
                                 template_text != NULL && *template_text != '\0');
  self->syncing--;
}

static void
style_selected_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *current = NULL;
  guint            selected = adw_combo_row_get_selected (self->style_row);

  if (self->syncing > 0 || self->project == NULL || self->style_ids == NULL
      || selected >= g_strv_length (self->style_ids))
    return;

  current = reel_project_dup_style (self->project);
  if (g_strcmp0 (current, self->style_ids[selected]) != 0
      && !reel_project_set_style (self->project, self->style_ids[selected], &error))
    report_error (self, error);
}

static void
negative_applied_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (self->syncing == 0 && self->project != NULL
      && !reel_project_set_negative_prompt (
          self->project, gtk_editable_get_text (GTK_EDITABLE (self->negative_row)), &error))
    report_error (self, error);
}

static void
template_applied_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (self->syncing == 0 && self->project != NULL
      && !reel_project_set_prompt_template (
          self->project, gtk_editable_get_text (GTK_EDITABLE (self->template_row)), &error))
    report_error (self, error);
}

static void
use_default_template_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (self->project != NULL && !reel_project_set_prompt_template (self->project, "", &error))
    report_error (self, error);
}

static void
add_style_applied_cb (ReelPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->add_style_row))));

  if (self->syncing > 0 || self->project == NULL)
    return;
  if (reel_project_add_style (self->project, name, "", &error) == 0)
    {
      report_error (self, error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->add_style_row), "");
  /* The new style's words come next. */
  for (guint i = 0; i < self->style_rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (self->style_rows->pdata[i]), name) == 0)
      adw_expander_row_set_expanded (self->style_rows->pdata[i], TRUE);
}

/* Finds the style of an own style's row, as it is now. */
static ReelStyle *
find_style (ReelPreferencesWindow *self, gint64 id)
{
  g_autoptr (GPtrArray) styles = reel_project_list_styles (self->project);

  for (guint i = 0; i < styles->len; i++)
    if (((ReelStyle *) styles->pdata[i])->id == id)
      return g_ptr_array_steal_index (styles, i);
  return NULL;
}

static void
style_entry_applied_cb (ReelPreferencesWindow *self, AdwEntryRow *row)
{
  g_autoptr (GError) error = NULL;
  const gint64 *id = g_object_get_data (G_OBJECT (row), "style-id");
  const char   *field = g_object_get_data (G_OBJECT (row), "style-field");
  const char   *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr (ReelStyle) style = NULL;

  if (self->syncing > 0 || self->project == NULL || id == NULL
      || (style = find_style (self, *id)) == NULL)
    return;

  if (!reel_project_update_style (self->project, style->id,
                                  g_str_equal (field, "name") ? text : style->name,
                                  g_str_equal (field, "prompt") ? text : style->prompt, &error))
    report_error (self, error);
}

static void
remove_style_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (self->project != NULL
      && !reel_project_remove_style (self->project, g_variant_get_int64 (parameter), &error))
    report_error (self, error);
}

void
reel_preferences_window_class_init_style (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, negative_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, template_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, styles_row);
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, add_style_row);
  gtk_widget_class_install_action (widget_class, "prefs.use-default-template", NULL,
                                   use_default_template_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-style", "x", remove_style_action);
}

void
reel_preferences_window_init_style (ReelPreferencesWindow *self)
{
  self->style_rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect_object (self->style_row, "notify::selected", G_CALLBACK (style_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->negative_row, "apply", G_CALLBACK (negative_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->template_row, "apply", G_CALLBACK (template_applied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->add_style_row, "apply", G_CALLBACK (add_style_applied_cb), self,
                           G_CONNECT_SWAPPED);
}

void
reel_preferences_window_dispose_style (ReelPreferencesWindow *self)
{
  g_clear_pointer (&self->style_rows, g_ptr_array_unref);
  g_clear_pointer (&self->style_ids, g_strfreev);
}
