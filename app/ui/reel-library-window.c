/* reel-library-window.c: the asset library: search it, use what it keeps
 *
 * The library is opened in a thread and thumbnails are decoded in threads;
 * a search is one indexed SQLite query on the connection the main thread was
 * handed, as quick as the project's own reads. Using a take copies it into
 * the project's media store in the project's import worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-image-cache.h"
#include "reel-library-window.h"
#include "reel-storyboard-page.h"

/* Decoded thumbnails kept for searches that find the same takes again:
 * some sixty at the size shown. */
#define THUMBNAIL_CACHE_BYTES (1024 * 1024)
#define THUMBNAIL_WIDTH 80
#define THUMBNAIL_HEIGHT 45

struct _ReelLibraryWindow
{
  AdwWindow parent_instance;

  ReelWindow     *main_window; /* weak */
  ReelLibrary    *library;
  GCancellable   *cancellable;
  ReelImageCache *thumbnails;
  guint           n_results;

  AdwToastOverlay *toast_overlay;
  GtkSearchEntry  *search_entry;
  GtkDropDown     *kind_dropdown;
  GtkStack        *stack;
  AdwStatusPage   *failed_page;
  AdwStatusPage   *empty_page;
  GtkListBox      *results_list;
};

G_DEFINE_FINAL_TYPE (ReelLibraryWindow, reel_library_window, ADW_TYPE_WINDOW)

/* What a row of the results list stands for, kept on the row. */
typedef struct
{
  gint64          id;
  ReelLibraryKind kind;
  char           *name;
  GtkWidget      *use_button; /* the row's own */
} RowItem;

static void
row_item_free (RowItem *row_item)
{
  g_free (row_item->name);
  g_free (row_item);
}

static RowItem *
row_item_of (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "reel-library-item");
}

static ReelProject *
current_project (ReelLibraryWindow *self)
{
  return self->main_window != NULL ? reel_window_get_project (self->main_window) : NULL;
}

static gint64
current_shot (ReelLibraryWindow *self)
{
  if (current_project (self) == NULL)
    return 0;
  return reel_window_get_selected_shot (self->main_window);
}

/* A take needs a shot to go into; characters and styles only a project. */
static void
update_actions (ReelLibraryWindow *self)
{
  gboolean has_project = self->library != NULL && current_project (self) != NULL;
  gboolean has_shot = has_project && current_shot (self) != 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.use", has_project);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.use-take", has_shot);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.remove", self->library != NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      RowItem *row_item
          = GTK_IS_LIST_BOX_ROW (child) ? row_item_of (GTK_LIST_BOX_ROW (child)) : NULL;

      if (row_item == NULL || row_item->kind != REEL_LIBRARY_KIND_TAKE)
        continue;
      gtk_widget_set_tooltip_text (row_item->use_button,
                                   has_shot ? _ ("Add It as a Take of the Selected Shot")
                                            : _ ("Select a shot in the storyboard first"));
    }
}

/* Thumbnails */

static void
thumbnail_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GtkPicture) picture = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture
      = reel_image_cache_load_finish (REEL_IMAGE_CACHE (source), result, &error);

  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No thumbnail for a library take: %s", error->message);
      return;
    }
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

/* Decoded to fit THUMBNAIL_WIDTH each way, the size a 16:9 take is shown
 * at: a row needs no full frame. */
static void
load_thumbnail (ReelLibraryWindow *self, GtkPicture *picture, const char *relative_path)
{
  g_autofree char *path = reel_library_get_media_path (self->library, relative_path);
  GdkTexture      *cached = reel_image_cache_lookup (self->thumbnails, path, THUMBNAIL_WIDTH);

  if (cached != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (cached));
  else
    reel_image_cache_load_async (self->thumbnails, path, THUMBNAIL_WIDTH, self->cancellable,
                                 thumbnail_loaded_cb, g_object_ref (picture));
}

/* Rows */

static char *
describe_tags (const ReelLibraryItem *item)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) tags = NULL;

  g_strv_builder_addv (builder, (const char **) item->themes);
  g_strv_builder_addv (builder, (const char **) item->characters);
  g_strv_builder_addv (builder, (const char **) item->settings);
  tags = g_strv_builder_end (builder);
  if (tags[0] == NULL)
    return g_strdup (item->description != NULL ? item->description : "");
  /* TRANSLATORS: between a library item's tags */
  return g_strjoinv (_ (" · "), tags);
}

static const char *
icon_for_kind (ReelLibraryKind kind)
{
  switch (kind)
    {
      case REEL_LIBRARY_KIND_TAKE:
        return "camera-video-symbolic";
      case REEL_LIBRARY_KIND_CHARACTER:
        return "avatar-default-symbolic";
      case REEL_LIBRARY_KIND_STYLE:
        return "applications-graphics-symbolic";
      case REEL_LIBRARY_KIND_ANY:
      default:
        return "edit-find-symbolic";
    }
}

static const char *
describe_kind (ReelLibraryKind kind)
{
  switch (kind)
    {
      case REEL_LIBRARY_KIND_TAKE:
        return _ ("Take");
      case REEL_LIBRARY_KIND_CHARACTER:
        return _ ("Character");
      case REEL_LIBRARY_KIND_STYLE:
        return _ ("Style");
      case REEL_LIBRARY_KIND_ANY:
      default:
        return "";
    }
}

static GtkWidget *
make_kind_prefix (ReelLibraryWindow *self, const ReelLibraryItem *item)
{
  GtkWidget *picture;
  GtkWidget *frame;

  if (item->kind != REEL_LIBRARY_KIND_TAKE || item->thumbnail == NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_for_kind (item->kind));

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      describe_kind (item->kind), -1);
      return icon;
    }
  picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_alternative_text (GTK_PICTURE (picture), item->name);
  gtk_widget_set_size_request (picture, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
  gtk_widget_add_css_class (picture, "card");
  load_thumbnail (self, GTK_PICTURE (picture), item->thumbnail);
  /* A GtkFixed keeps the picture at its own size: in the row's box it
   * would grow with the row's height. */
  frame = gtk_fixed_new ();
  gtk_widget_set_valign (frame, GTK_ALIGN_CENTER);
  gtk_fixed_put (GTK_FIXED (frame), picture, 0, 0);
  return frame;
}

static GtkWidget *
make_use_button (const ReelLibraryItem *item)
{
  g_autofree char *accessible = g_strdup_printf (_ ("Use “%s” in this project"), item->name);
  GtkWidget       *button = gtk_button_new_with_mnemonic (_ ("_Use"));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), item->kind == REEL_LIBRARY_KIND_TAKE
                                                               ? "library.use-take"
                                                               : "library.use");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", item->id);
  if (item->kind != REEL_LIBRARY_KIND_TAKE)
    gtk_widget_set_tooltip_text (button, _ ("Add It to This Project"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return button;
}

static GtkWidget *
make_menu_button (const ReelLibraryItem *item)
{
  g_autofree char *accessible = g_strdup_printf (_ ("More for “%s”"), item->name);
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) remove = g_menu_item_new (_ ("_Remove from Library"), NULL);
  GtkWidget *button = gtk_menu_button_new ();

  g_menu_item_set_action_and_target (remove, "library.remove", "x", item->id);
  g_menu_append_item (menu, remove);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _ ("More"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return button;
}

static GtkWidget *
make_row (ReelLibraryWindow *self, const ReelLibraryItem *item)
{
  g_autofree char *subtitle = describe_tags (item);
  GtkWidget       *row = adw_action_row_new ();
  RowItem         *row_item = g_new0 (RowItem, 1);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), item->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), make_kind_prefix (self, item));

  row_item->id = item->id;
  row_item->kind = item->kind;
  row_item->name = g_strdup (item->name);
  row_item->use_button = make_use_button (item);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_item->use_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), make_menu_button (item));
  g_object_set_data_full (G_OBJECT (row), "reel-library-item", row_item,
                          (GDestroyNotify) row_item_free);
  return row;
}

/* Searching */

static void
clear_results (ReelLibraryWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, child);
}

static void
show_empty (ReelLibraryWindow *self, gboolean filtered)
{
  if (filtered)
    {
      adw_status_page_set_title (self->empty_page, _ ("No Matches"));
      adw_status_page_set_description (self->empty_page,
                                       _ ("Try other words, or show every kind of item."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _ ("Nothing Kept Yet"));
      adw_status_page_set_description (
          self->empty_page,
          _ ("Keep a take with Keep in Library in its menu in the take strip; it can then be used "
             "in any project."));
    }
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
show_failed (ReelLibraryWindow *self, const char *title, const GError *error)
{
  adw_status_page_set_title (self->failed_page, title);
  adw_status_page_set_description (self->failed_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "failed");
}

static void
run_search (ReelLibraryWindow *self)
{
  const char     *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  ReelLibraryKind kind = (ReelLibraryKind) gtk_drop_down_get_selected (self->kind_dropdown);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;

  if (self->library == NULL)
    return;
  /* The drop-down lists All, Takes, Characters, Styles: the order of the kinds. */
  if (kind > REEL_LIBRARY_KIND_STYLE)
    kind = REEL_LIBRARY_KIND_ANY;
  clear_results (self);
  items = reel_library_search (self->library, query, kind, &error);
  if (items == NULL)
    {
      self->n_results = 0;
      show_failed (self, _ ("Could Not Search the Library"), error);
      return;
    }
  self->n_results = items->len;
  for (guint i = 0; i < items->len; i++)
    gtk_list_box_append (self->results_list, make_row (self, items->pdata[i]));
  if (items->len == 0)
    show_empty (self, query[0] != '\0' || kind != REEL_LIBRARY_KIND_ANY);
  else
    gtk_stack_set_visible_child_name (self->stack, "results");
  update_actions (self);
}

static void
search_changed_cb (ReelLibraryWindow *self)
{
  run_search (self);
}

static void
library_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelLibraryWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  ReelLibrary *library = reel_library_open_finish (result, &error);

  /* A window closed meanwhile has no widgets left to show it in. */
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&library);
      return;
    }
  if (library == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failed (self, _ ("Could Not Open the Library"), error);
      return;
    }
  self->library = library;
  run_search (self);
  update_actions (self);
}

/* Using and removing items */

typedef struct
{
  ReelLibraryWindow *self;
  ReelLibraryKind    kind;
  char              *name;
} UseRequest;

static void
use_request_free (UseRequest *request)
{
  g_object_unref (request->self);
  g_free (request->name);
  g_free (request);
}

static char *
describe_use (const UseRequest *request)
{
  switch (request->kind)
    {
      case REEL_LIBRARY_KIND_TAKE:
        return g_strdup_printf (_ ("Added “%s” as a take of the selected shot"), request->name);
      case REEL_LIBRARY_KIND_CHARACTER:
        return g_strdup_printf (_ ("Added %s to the project’s characters"), request->name);
      case REEL_LIBRARY_KIND_STYLE:
        return g_strdup_printf (_ ("Added the style “%s” to the project"), request->name);
      case REEL_LIBRARY_KIND_ANY:
      default:
        g_assert_not_reached ();
    }
}

static void
item_used_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UseRequest        *request = user_data;
  ReelLibraryWindow *self = request->self;
  g_autoptr (GError) error = NULL;

  if (reel_library_use_finish (REEL_LIBRARY (source), result, &error) == 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ;
      else if (self->main_window != NULL)
        reel_widget_report_error (GTK_WIDGET (self->main_window), _ ("Could Not Use the Item"),
                                  error);
      else
        g_message ("Could not use a library item: %s", error->message);
    }
  else
    {
      g_autofree char *message = describe_use (request);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
  use_request_free (request);
}

static RowItem *
find_row_item (ReelLibraryWindow *self, gint64 item_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      RowItem *row_item
          = GTK_IS_LIST_BOX_ROW (child) ? row_item_of (GTK_LIST_BOX_ROW (child)) : NULL;

      if (row_item != NULL && row_item->id == item_id)
        return row_item;
    }
  return NULL;
}

static void
use_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelLibraryWindow *self = REEL_LIBRARY_WINDOW (widget);
  RowItem           *row_item = find_row_item (self, g_variant_get_int64 (parameter));
  ReelProject       *project = current_project (self);
  UseRequest        *request;

  if (row_item == NULL || project == NULL || self->library == NULL)
    return;
  request = g_new0 (UseRequest, 1);
  request->self = g_object_ref (self);
  request->kind = row_item->kind;
  request->name = g_strdup (row_item->name);
  reel_library_use_async (self->library, row_item->id, project,
                          row_item->kind == REEL_LIBRARY_KIND_TAKE ? current_shot (self) : 0,
                          self->cancellable, item_used_cb, request);
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelLibraryWindow *self = REEL_LIBRARY_WINDOW (widget);
  RowItem           *row_item = find_row_item (self, g_variant_get_int64 (parameter));
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (row_item == NULL || self->library == NULL)
    return;
  if (!reel_library_remove (self->library, row_item->id, &error))
    {
      if (self->main_window != NULL)
        reel_widget_report_error (GTK_WIDGET (self->main_window), _ ("Could Not Remove the Item"),
                                  error);
      return;
    }
  message = g_strdup_printf (_ ("Removed “%s” from the library"), row_item->name);
  /* The search rebuilds the rows, row_item with them. */
  run_search (self);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
row_activated_cb (ReelLibraryWindow *self, GtkListBoxRow *row)
{
  RowItem *row_item = row_item_of (row);

  if (row_item != NULL)
    gtk_widget_activate (row_item->use_button);
}

/* The window */

static void
reel_library_window_dispose (GObject *object)
{
  ReelLibraryWindow *self = REEL_LIBRARY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->main_window);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_LIBRARY_WINDOW);

  G_OBJECT_CLASS (reel_library_window_parent_class)->dispose (object);
}

static void
reel_library_window_finalize (GObject *object)
{
  ReelLibraryWindow *self = REEL_LIBRARY_WINDOW (object);

  g_clear_object (&self->library);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->thumbnails);

  G_OBJECT_CLASS (reel_library_window_parent_class)->finalize (object);
}

static void
reel_library_window_class_init (ReelLibraryWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_library_window_dispose;
  object_class->finalize = reel_library_window_finalize;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/storyreel/Storyreel/reel-library-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelLibraryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ReelLibraryWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ReelLibraryWindow, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ReelLibraryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ReelLibraryWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, ReelLibraryWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, ReelLibraryWindow, results_list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "library.use", "x", use_action);
  gtk_widget_class_install_action (widget_class, "library.use-take", "x", use_action);
  gtk_widget_class_install_action (widget_class, "library.remove", "x", remove_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
reel_library_window_init (ReelLibraryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->thumbnails = reel_image_cache_new (THUMBNAIL_CACHE_BYTES);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
  update_actions (self);
}

/* Not destroy-with-parent: GTK 4.8 then keeps pointing at the parent, and
 * a use still running outlives it. */
static void
main_window_destroyed_cb (ReelLibraryWindow *self)
{
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static ReelLibraryWindow *
library_window_new (ReelWindow *parent)
{
  ReelLibraryWindow *self
      = g_object_new (REEL_TYPE_LIBRARY_WINDOW, "transient-for", parent, "application",
                      gtk_window_get_application (GTK_WINDOW (parent)), NULL);
  GtkWidget *storyboard = reel_window_get_view (parent, "storyboard");
  g_autoptr (GFile) file = reel_library_dup_default_file ();

  g_set_weak_pointer (&self->main_window, parent);
  g_signal_connect_object (parent, "destroy", G_CALLBACK (main_window_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  /* The Use buttons of takes follow the shot selected in the main window. */
  g_signal_connect_object (storyboard, "notify::selected-shot", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::is-active", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  reel_library_open_async (file, self->cancellable, library_opened_cb, g_object_ref (self));
  return self;
}

ReelLibraryWindow *
reel_library_window_present_for (ReelWindow *parent)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
  ReelLibraryWindow *window = NULL;

  g_return_val_if_fail (REEL_IS_WINDOW (parent), NULL);

  for (GList *l = toplevels; l != NULL && window == NULL; l = l->next)
    if (REEL_IS_LIBRARY_WINDOW (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (parent))
      window = l->data;
  if (window == NULL)
    window = library_window_new (parent);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

ReelLibrary *
reel_library_window_get_library (ReelLibraryWindow *self)
{
  g_return_val_if_fail (REEL_IS_LIBRARY_WINDOW (self), NULL);
  return self->library;
}

const char *
reel_library_window_get_state (ReelLibraryWindow *self)
{
  g_return_val_if_fail (REEL_IS_LIBRARY_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

guint
reel_library_window_get_n_results (ReelLibraryWindow *self)
{
  g_return_val_if_fail (REEL_IS_LIBRARY_WINDOW (self), 0);
  return self->n_results;
}
