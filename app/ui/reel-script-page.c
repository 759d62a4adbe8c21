/* reel-script-page.c
 *
 * The script editor writes its text back to the project 600 ms after the last
 * keystroke (and when it is unmapped or disposed), so a burst of typing is one
 * undo step and the database is not written on every key. When the project's
 * script changes from elsewhere (undo, redo), the buffer follows it.
 *
 * An empty script shows a short example in Fountain, greyed out where the
 * text will go, and a button to import a script instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "reel-script-page.h"
#include "reel-window.h"
#include "storyreel-ui-resources.h"

#define SAVE_DELAY_MS 600

struct _ReelScriptPage
{
  GtkWidget parent_instance;

  ReelProject *project;
  guint        save_source;
  /* Set while the page loads the project's script into the buffer. */
  gboolean loading;

  GtkWidget         *overlay;
  GtkScrolledWindow *scrolled_window;
  GtkSourceView     *source_view;
  GtkSourceBuffer   *buffer;
  GtkWidget         *placeholder;
};

G_DEFINE_FINAL_TYPE (ReelScriptPage, reel_script_page, GTK_TYPE_WIDGET)

static char *
dup_buffer_text (ReelScriptPage *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
}

static void
update_placeholder (ReelScriptPage *self)
{
  gtk_widget_set_visible (self->placeholder,
                          self->project != NULL
                              && gtk_text_buffer_get_char_count (GTK_TEXT_BUFFER (self->buffer))
                                     == 0);
}

static void
load_script (ReelScriptPage *self)
{
  g_autofree char *current = dup_buffer_text (self);
  const char      *script = self->project != NULL ? reel_project_get_script (self->project) : NULL;
  GtkTextIter      iter;
  int              line = 0;

  if (script == NULL)
    script = "";
  if (g_strcmp0 (current, script) == 0)
    return;

  gtk_text_buffer_get_iter_at_mark (GTK_TEXT_BUFFER (self->buffer), &iter,
                                    gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)));
  line = gtk_text_iter_get_line (&iter);

  self->loading = TRUE;
  /* The project keeps the undo history of the script: a reload is not an
   * edit the buffer can undo. */
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), script, -1);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  self->loading = FALSE;

  gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &iter, line);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &iter);
}

gboolean
reel_script_page_flush (ReelScriptPage *self, GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (REEL_IS_SCRIPT_PAGE (self), FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->project == NULL || !gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->buffer)))
    return TRUE;

  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  text = dup_buffer_text (self);
  if (g_strcmp0 (text, reel_project_get_script (self->project)) == 0)
    return TRUE;

  return reel_project_set_script (self->project, text, error);
}

static void
flush_and_report (ReelScriptPage *self)
{
  g_autoptr (GError) error = NULL;

  if (!reel_script_page_flush (self, &error))
    reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Save the Script"), error);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  ReelScriptPage *self = user_data;

  self->save_source = 0;
  flush_and_report (self);
  return G_SOURCE_REMOVE;
}

static void
buffer_changed_cb (ReelScriptPage *self)
{
  update_placeholder (self);
  if (self->loading || self->project == NULL)
    return;

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

static void
project_changed_cb (ReelScriptPage *self, guint flags)
{
  /* Our own pending edit wins over a reload: it is written in a moment. */
  if ((flags & REEL_CHANGE_SCRIPT) == 0 || self->save_source != 0)
    return;

  load_script (self);
}

void
reel_script_page_set_project (ReelScriptPage *self, ReelProject *project)
{
  g_return_if_fail (REEL_IS_SCRIPT_PAGE (self));
  g_return_if_fail (project == NULL || REEL_IS_PROJECT (project));

  if (self->project == project)
    return;

  flush_and_report (self);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  if (project != NULL)
    g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                             G_CONNECT_SWAPPED);

  load_script (self);
  update_placeholder (self);
  if (project != NULL)
    {
      GtkTextIter start;

      gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
      gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &start);
    }
}

GtkTextBuffer *
reel_script_page_get_buffer (ReelScriptPage *self)
{
  g_return_val_if_fail (REEL_IS_SCRIPT_PAGE (self), NULL);
  return GTK_TEXT_BUFFER (self->buffer);
}

void
reel_script_page_scroll_to_heading (ReelScriptPage *self, const char *heading)
{
  GtkTextIter start, match_start, match_end;

  g_return_if_fail (REEL_IS_SCRIPT_PAGE (self));

  if (heading == NULL || *heading == '\0')
    return;

  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
  if (gtk_text_iter_forward_search (&start, heading, GTK_TEXT_SEARCH_CASE_INSENSITIVE, &match_start,
                                    &match_end, NULL))
    {
      gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &match_start);
      gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->source_view), &match_start, 0.0, TRUE, 0.0,
                                    0.1);
    }
}

static void
update_style_scheme (ReelScriptPage *self)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  AdwStyleManager             *style_manager = adw_style_manager_get_default ();
  GtkSourceStyleScheme        *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (
      manager, adw_style_manager_get_dark (style_manager) ? "Adwaita-dark" : "Adwaita");
  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (
        manager, adw_style_manager_get_dark (style_manager) ? "classic-dark" : "classic");
  gtk_source_buffer_set_style_scheme (self->buffer, scheme);
}

static void
reel_script_page_unmap (GtkWidget *widget)
{
  flush_and_report (REEL_SCRIPT_PAGE (widget));

  GTK_WIDGET_CLASS (reel_script_page_parent_class)->unmap (widget);
}

/* Focusing the page puts the cursor in the script. */
static gboolean
reel_script_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (REEL_SCRIPT_PAGE (widget)->source_view));
}

static void
reel_script_page_dispose (GObject *object)
{
  ReelScriptPage *self = REEL_SCRIPT_PAGE (object);

  if (self->project != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!reel_script_page_flush (self, &error))
        g_warning ("Could not save the script: %s", error->message);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_object (&self->project);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_SCRIPT_PAGE);

  G_OBJECT_CLASS (reel_script_page_parent_class)->dispose (object);
}

static void
placeholder_pressed_cb (ReelScriptPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

static void
ensure_fountain_language (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();

      gtk_source_language_manager_append_search_path (
          manager, "resource:///io/github/storyreel/Storyreel/language-specs/");
      g_once_init_leave (&initialized, 1);
    }
}

static void
reel_script_page_class_init (ReelScriptPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_script_page_dispose;
  widget_class->unmap = reel_script_page_unmap;
  widget_class->grab_focus = reel_script_page_grab_focus;

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();
  ensure_fountain_language ();

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-script-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelScriptPage, overlay);
  gtk_widget_class_bind_template_child (widget_class, ReelScriptPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ReelScriptPage, source_view);
  gtk_widget_class_bind_template_child (widget_class, ReelScriptPage, placeholder);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
reel_script_page_init (ReelScriptPage *self)
{
  GtkSourceLanguage *language;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
  language = gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (),
                                                       "fountain");
  if (language != NULL)
    gtk_source_buffer_set_language (self->buffer, language);
  gtk_source_buffer_set_highlight_matching_brackets (self->buffer, FALSE);

  update_style_scheme (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "changed", G_CALLBACK (buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* A click on the example starts the script, as a click on the page would. */
  {
    GtkGesture *click = gtk_gesture_click_new ();

    g_signal_connect_object (click, "pressed", G_CALLBACK (placeholder_pressed_cb), self,
                             G_CONNECT_SWAPPED);
    gtk_widget_add_controller (self->placeholder, GTK_EVENT_CONTROLLER (click));
  }
}
