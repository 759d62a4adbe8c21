/* reel-characters-window.c: the character sheets of a project
 *
 * The list shows each character with a thumbnail of their reference image,
 * decoded in a worker thread. A sheet is edited on a page of its own and
 * saved in one step, so Undo takes back the whole edit; a reference image is
 * copied into the media store as soon as it is chosen (the store keeps
 * unused files harmlessly) and becomes the character's when the sheet is
 * saved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-characters-window.h"
#include "reel-library.h"
#include "reel-project-import.h"
#include "reel-ui-utils.h"
#include "reel-window.h"

#define THUMBNAIL_SIZE 48

struct _ReelCharactersWindow
{
  AdwWindow parent_instance;

  ReelProject          *project;
  GCancellable         *cancellable; /* thumbnails and imports in flight */
  GCancellable         *import_cancellable;
  GtkFileChooserNative *chooser;

  /* The sheet being edited: 0 for a new character. */
  gint64 editing_id;
  char  *reference_image;

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkStack        *list_stack;
  GtkListBox      *list_box;
  AdwEntryRow     *name_row;
  AdwEntryRow     *aliases_row;
  AdwComboRow     *pronoun_row;
  AdwEntryRow     *voice_row;
  GtkTextView     *description_view;
  GtkPicture      *image_picture;
  GtkSpinner      *image_spinner;
};

G_DEFINE_FINAL_TYPE (ReelCharactersWindow, reel_characters_window, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the Pronoun row offers, as the core stores it. */
static const struct
{
  const char *id;
  const char *label;
} pronouns[] = {
  { "", N_ ("Not Given") },
  { "he", N_ ("He") },
  { "she", N_ ("She") },
  { "they", N_ ("They") },
};

static void
report (ReelCharactersWindow *self, const char *heading, const GError *error)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (REEL_IS_WINDOW (parent))
    reel_window_report_error (REEL_WINDOW (parent), heading, error);
  else
    g_warning ("%s: %s", heading, error->message);
}

static void
thumbnail_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GtkPicture) picture = user_data;
  g_autoptr (GdkTexture) texture = reel_ui_load_thumbnail_finish (result, NULL);

  /* A missing or damaged picture leaves the place empty. */
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

static void
load_thumbnail (ReelCharactersWindow *self, GtkPicture *picture, const char *media_path)
{
  g_autofree char *path = NULL;

  gtk_picture_set_paintable (picture, NULL);
  if (media_path == NULL || *media_path == '\0')
    return;
  path = reel_project_get_media_path (self->project, media_path);
  reel_ui_load_thumbnail_async (path, THUMBNAIL_SIZE * 2, self->cancellable, thumbnail_loaded_cb,
                                g_object_ref (picture));
}

static GtkWidget *
new_button (const char *icon_name, const char *action, gint64 id, const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

static GtkWidget *
new_character_row (ReelCharactersWindow *self, const ReelCharacter *character)
{
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *picture = gtk_picture_new ();
  g_autofree char *aliases = g_strjoinv (", ", character->aliases);
  g_autofree char *edit_label = g_strdup_printf (_ ("Edit %s"), character->name);
  g_autofree char *remove_label = g_strdup_printf (_ ("Remove %s"), character->name);
  /* Translators: %s is a character's name */
  g_autofree char *keep_label = g_strdup_printf (_ ("Keep %s in the Library"), character->name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), character->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), aliases);
  gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Reference Image"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), picture);
  adw_action_row_add_suffix (
      ADW_ACTION_ROW (row),
      new_button ("document-edit-symbolic", "characters.edit", character->id, edit_label));
  adw_action_row_add_suffix (
      ADW_ACTION_ROW (row),
      new_button ("starred-symbolic", "characters.keep", character->id, keep_label));
  adw_action_row_add_suffix (
      ADW_ACTION_ROW (row),
      new_button ("user-trash-symbolic", "characters.remove", character->id, remove_label));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "characters.edit");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", character->id);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  load_thumbnail (self, GTK_PICTURE (picture), character->reference_image);
  return row;
}

static void
rebuild_list (ReelCharactersWindow *self)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (self->project);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  for (guint i = 0; i < characters->len; i++)
    gtk_list_box_append (self->list_box, new_character_row (self, characters->pdata[i]));
  gtk_stack_set_visible_child_name (self->list_stack, characters->len > 0 ? "characters" : "empty");
}

static void
project_changed_cb (ReelCharactersWindow *self, guint flags)
{
  if ((flags & REEL_CHANGE_CHARACTERS) != 0)
    rebuild_list (self);
}

static ReelCharacter *
find_character (ReelCharactersWindow *self, gint64 id)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (self->project);

  for (guint i = 0; i < characters->len; i++)
    if (((ReelCharacter *) characters->pdata[i])->id == id)
      return g_ptr_array_steal_index (characters, i);
  return NULL;
}

static void
set_busy (ReelCharactersWindow *self, gboolean busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->image_spinner), busy);
  gtk_spinner_set_spinning (self->image_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "characters.save", !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Drops the picture being copied: the sheet it was for is gone or changed. */
static void
cancel_import (ReelCharactersWindow *self)
{
  if (self->import_cancellable == NULL)
    return;
  g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  set_busy (self, FALSE);
}

static void
set_reference_image (ReelCharactersWindow *self, const char *media_path)
{
  g_free (self->reference_image);
  self->reference_image = media_path != NULL && *media_path != '\0' ? g_strdup (media_path) : NULL;
  load_thumbnail (self, self->image_picture, self->reference_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "characters.clear-image",
                                 self->reference_image != NULL);
}

/* Shows the sheet of @character, or an empty one for NULL. */
static void
show_sheet (ReelCharactersWindow *self, const ReelCharacter *character)
{
  g_autofree char *aliases = NULL;
  guint            pronoun = 0;

  cancel_import (self);
  self->editing_id = character != NULL ? character->id : 0;
  if (character != NULL)
    {
      aliases = g_strjoinv (", ", character->aliases);
      for (guint i = 0; i < G_N_ELEMENTS (pronouns); i++)
        if (g_strcmp0 (pronouns[i].id, character->pronoun) == 0)
          pronoun = i;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), character != NULL ? character->name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->aliases_row), aliases != NULL ? aliases : "");
  gtk_editable_set_text (GTK_EDITABLE (self->voice_row), character != NULL ? character->voice : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                            character != NULL ? character->description : "", -1);
  adw_combo_row_set_selected (self->pronoun_row, pronoun);
  set_reference_image (self, character != NULL ? character->reference_image : NULL);
  gtk_window_set_title (GTK_WINDOW (self),
                        character != NULL ? character->name : _ ("New Character"));
  gtk_stack_set_visible_child_name (self->stack, "edit");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
show_list (ReelCharactersWindow *self)
{
  cancel_import (self);
  gtk_window_set_title (GTK_WINDOW (self), _ ("Characters"));
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  show_sheet (REEL_CHARACTERS_WINDOW (widget), NULL);
}

static void
edit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (widget);
  g_autoptr (ReelCharacter) character = find_character (self, g_variant_get_int64 (parameter));

  if (character != NULL)
    show_sheet (self, character);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  show_list (REEL_CHARACTERS_WINDOW (widget));
}

/* Other names as typed: separated by commas (Western or Chinese) or 、. */
static char **
parse_aliases (const char *text)
{
  g_autoptr (GString) normalised = g_string_new (text);

  g_string_replace (normalised, "、", ",", 0);
  g_string_replace (normalised, "，", ",", 0);
  return g_strsplit (normalised->str, ",", -1);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) aliases = parse_aliases (gtk_editable_get_text (GTK_EDITABLE (self->aliases_row)));
  g_autofree char *description = NULL;
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter      start, end;
  guint            pronoun = adw_combo_row_get_selected (self->pronoun_row);
  g_autofree char *name
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  ReelCharacter character = {
    .id = self->editing_id,
    .name = name,
    .aliases = aliases,
    .pronoun = (char *) pronouns[pronoun < G_N_ELEMENTS (pronouns) ? pronoun : 0].id,
    .reference_image = self->reference_image,
    .voice = (char *) gtk_editable_get_text (GTK_EDITABLE (self->voice_row)),
  };

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  description = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  character.description = g_strstrip (description);

  if (reel_project_save_character (self->project, &character, &error) == 0)
    {
      report (self, _ ("Could Not Save the Character"), error);
      return;
    }
  show_list (self);
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (widget);
  g_autoptr (ReelCharacter) character = find_character (self, g_variant_get_int64 (parameter));
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast        *toast;

  if (character == NULL)
    return;
  if (!reel_project_remove_character (self->project, character->id, &error))
    {
      report (self, _ ("Could Not Remove the Character"), error);
      return;
    }
  title = g_strdup_printf (_ ("Removed %s"), character->name);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_action_name (toast, "characters.undo");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Keep in Library: the sheet and a copy of its picture go to the user's
 * library, for other projects; the database and the copy are worked on in a
 * thread of their own. */
typedef struct
{
  char  *name;
  char **aliases;
  char  *description;
  char  *picture; /* absolute, or NULL */
  char  *voice;
} KeptSheet;

static void
kept_sheet_free (KeptSheet *sheet)
{
  g_free (sheet->name);
  g_strfreev (sheet->aliases);
  g_free (sheet->description);
  g_free (sheet->picture);
  g_free (sheet->voice);
  g_free (sheet);
}

static void
keep_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  KeptSheet *kept = task_data;
  g_autoptr (GFile) file = reel_library_dup_default_file ();
  g_autoptr (ReelLibrary) library = NULL;
  GError                   *error = NULL;
  ReelLibraryCharacterSheet sheet = {
    .name = kept->name,
    .aliases = (const char *const *) kept->aliases,
    .description = kept->description,
    .reference_image = kept->picture,
    .voice = kept->voice,
  };

  if ((library = reel_library_open (file, &error)) == NULL
      || reel_library_add_character (library, &sheet, &error) == 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
kept_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (source);
  KeptSheet            *kept = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Translators: a toast; %s is a character's name */
      g_autofree char *title = g_strdup_printf (_ ("Kept %s in the library"), kept->name);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report (self, _ ("Could Not Keep the Character"), error);
}

static void
keep_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (widget);
  g_autoptr (ReelCharacter) character = find_character (self, g_variant_get_int64 (parameter));
  g_autoptr (GTask) task = NULL;
  KeptSheet *kept;

  if (character == NULL)
    return;
  kept = g_new0 (KeptSheet, 1);
  kept->name = g_strdup (character->name);
  kept->aliases = g_strdupv (character->aliases);
  kept->description = g_strdup (character->description);
  kept->voice = g_strdup (character->voice);
  if (character->reference_image != NULL && *character->reference_image != '\0')
    kept->picture = reel_project_get_media_path (self->project, character->reference_image);
  task = g_task_new (self, self->cancellable, kept_cb, NULL);
  g_task_set_task_data (task, kept, (GDestroyNotify) kept_sheet_free);
  g_task_run_in_thread (task, keep_thread);
}

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (reel_project_can_undo (self->project) && !reel_project_undo (self->project, &error))
    report (self, _ ("Could Not Undo"), error);
}

static void
image_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelCharactersWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *media_path
      = reel_project_import_reference_image_finish (REEL_PROJECT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->import_cancellable);
  set_busy (self, FALSE);
  if (media_path == NULL)
    report (self, _ ("Could Not Use the Picture"), error);
  else
    set_reference_image (self, media_path);
}

void
reel_characters_window_set_reference_file (ReelCharactersWindow *self, GFile *file)
{
  g_return_if_fail (REEL_IS_CHARACTERS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  cancel_import (self);
  self->import_cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  reel_project_import_reference_image_async (self->project, file, self->import_cancellable,
                                             image_imported_cb, g_object_ref (self));
}

gboolean
reel_characters_window_get_busy (ReelCharactersWindow *self)
{
  g_return_val_if_fail (REEL_IS_CHARACTERS_WINDOW (self), FALSE);

  return self->import_cancellable != NULL;
}

const char *
reel_characters_window_get_reference_image (ReelCharactersWindow *self)
{
  g_return_val_if_fail (REEL_IS_CHARACTERS_WINDOW (self), NULL);

  return self->reference_image;
}

static void
image_chosen (GtkWidget *widget, GFile *file)
{
  reel_characters_window_set_reference_file (REEL_CHARACTERS_WINDOW (widget), file);
}

static void
choose_image_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileFilter *filters[1];

  gtk_file_filter_set_name (filter, _ ("Pictures"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  filters[0] = filter;
  reel_ui_choose_file_to_open (widget, &self->chooser, _ ("Choose a Reference Image"),
                               _ ("_Choose"), _ ("_Cancel"), filters, 1, image_chosen);
}

static void
clear_image_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (widget);

  cancel_import (self);
  set_reference_image (self, NULL);
}

GtkWidget *
reel_characters_window_new (GtkWindow *parent, ReelProject *project)
{
  ReelCharactersWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (REEL_IS_PROJECT (project), NULL);

  self = g_object_new (REEL_TYPE_CHARACTERS_WINDOW, "transient-for", parent, NULL);
  self->project = g_object_ref (project);
  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                           G_CONNECT_SWAPPED);
  rebuild_list (self);
  return GTK_WIDGET (self);
}

static void
reel_characters_window_dispose (GObject *object)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->project);
  g_clear_pointer (&self->reference_image, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_CHARACTERS_WINDOW);

  G_OBJECT_CLASS (reel_characters_window_parent_class)->dispose (object);
}

static void
reel_characters_window_finalize (GObject *object)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (reel_characters_window_parent_class)->finalize (object);
}

static void
reel_characters_window_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ReelCharactersWindow *self = REEL_CHARACTERS_WINDOW (object);

  switch (prop_id)
    {
      case PROP_BUSY:
        g_value_set_boolean (value, reel_characters_window_get_busy (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "characters.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "characters.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "characters.remove", "x", remove_action);
  gtk_widget_class_install_action (widget_class, "characters.keep", "x", keep_action);
  gtk_widget_class_install_action (widget_class, "characters.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "characters.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "characters.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "characters.choose-image", NULL,
                                   choose_image_action);
  gtk_widget_class_install_action (widget_class, "characters.clear-image", NULL,
                                   clear_image_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "characters.undo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "characters.add",
                                       NULL);
}

static void
reel_characters_window_class_init (ReelCharactersWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_characters_window_dispose;
  object_class->finalize = reel_characters_window_finalize;
  object_class->get_property = reel_characters_window_get_property;

  properties[PROP_BUSY]
      = g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-characters-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, list_box);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, aliases_row);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, pronoun_row);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, voice_row);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, description_view);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, image_picture);
  gtk_widget_class_bind_template_child (widget_class, ReelCharactersWindow, image_spinner);
  install_actions (widget_class);
}

static void
reel_characters_window_init (ReelCharactersWindow *self)
{
  g_autoptr (GtkStringList) pronoun_labels = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (pronouns); i++)
    gtk_string_list_append (pronoun_labels, _ (pronouns[i].label));
  adw_combo_row_set_model (self->pronoun_row, G_LIST_MODEL (pronoun_labels));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "characters.clear-image", FALSE);
}
