/* reel-take-tile.c
 *
 * A take in the take strip: its thumbnail (a video's own, or the still
 * itself), "Take 3 · 4.0 s" (or "Take 3 · Still"), the backend (or "Board
 * image" for the shot's board) and what it cost, the seed (or an import's
 * file name), a mark on the shot's chosen take and a warning when its media
 * cannot be used. The tile's own actions (tile.*) pass its take id on to the
 * take.* actions of the widget that holds it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-backend-setup.h"
#include "reel-price-table.h"
#include "reel-image-cache.h"
#include "reel-take-tile.h"
#include "storyreel-ui-resources.h"

struct _ReelTakeTile
{
  GtkWidget parent_instance;

  gint64 take_id;
  /* The thumbnail being decoded in a worker. */
  GCancellable *thumbnail_cancellable;

  GtkOverlay *frame;
  GtkPicture *thumbnail;
  GtkWidget  *chosen_badge;
  GtkWidget  *warning;
  GtkLabel   *title_label;
  GtkLabel   *details_label;
  GtkLabel   *seed_label;
  /* Bound, like every direct child, so that dispose_template unparents it. */
  GtkWidget *button_box;
  GtkWidget *play_button;
  GtkWidget *choose_button;
  GtkWidget *menu_button;
};

G_DEFINE_FINAL_TYPE (ReelTakeTile, reel_take_tile, GTK_TYPE_WIDGET)

static void
set_accessible_label (gpointer widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

const char *
reel_take_tile_get_backend_label (const char *backend)
{
  if (g_strcmp0 (backend, "animatic") == 0)
    return _ ("Animatic");
  if (g_strcmp0 (backend, "import") == 0)
    return _ ("Imported");
  /* A service by the name people know it by, as the Jobs view says it. */
  if (reel_backend_name_get_label (backend) != NULL)
    return reel_backend_name_get_label (backend);
  return backend != NULL ? backend : "";
}

static char *
format_cost (const ReelTake *take)
{
  if (take->cost <= 0)
    return g_strdup (_ ("Free"));
  /* "$0.35", as the estimate and the spending list write it. */
  return reel_format_money (take->cost, take->currency);
}

/* Twice the thumbnail's height, for HiDPI screens, fits its width too. */
#define THUMBNAIL_SIZE 256

static void
thumbnail_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelTakeTile) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture
      = reel_image_cache_load_finish (REEL_IMAGE_CACHE (source), result, &error);

  /* Cancelled: the tile shows another take now. A damaged file is marked by
   * the strip's own check; it just has no thumbnail. */
  if (texture != NULL)
    gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
}

/* Never decoded on the main thread: the tile shows its frame until the
 * worker is done. */
static void
show_thumbnail (ReelTakeTile *self, ReelImageCache *cache, const char *path)
{
  GdkTexture *cached;

  g_cancellable_cancel (self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_cancellable);
  gtk_picture_set_paintable (self->thumbnail, NULL);
  if (path == NULL || cache == NULL)
    return;
  if ((cached = reel_image_cache_lookup (cache, path, THUMBNAIL_SIZE)) != NULL)
    {
      gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (cached));
      return;
    }
  self->thumbnail_cancellable = g_cancellable_new ();
  reel_image_cache_load_async (cache, path, THUMBNAIL_SIZE, self->thumbnail_cancellable,
                               thumbnail_loaded_cb, g_object_ref (self));
}

/* "Take 2 · 3.0 s"; a still has no length of its own, it lasts as long as
 * its shot. */
static char *
dup_title (const ReelTake *take, const char *name)
{
  if (g_strcmp0 (take->kind, "image") == 0)
    /* Translators: "Take 2 · Still": a take that is a still image */
    return g_strdup_printf (_ ("%s · Still"), name);
  /* Translators: "Take 2 · 3.0 s" */
  return g_strdup_printf (_ ("%s · %.1f s"), name, take->duration);
}

/* "Animatic · Free"; a still can only be imported, so what it is for is
 * said instead: "Board image · Free". */
static char *
dup_details (const ReelTake *take, gboolean board)
{
  g_autofree char *cost = format_cost (take);

  return g_strdup_printf (
      "%s · %s", board ? _ ("Board image") : reel_take_tile_get_backend_label (take->backend),
      cost);
}

/* Where a generated take started, so a user can tell why two takes of one
 * shot look different at their first frame; NULL when it was not recorded. */
static const char *
describe_start (const ReelTake *take)
{
  switch (reel_take_get_start (take, NULL))
    {
      case REEL_TAKE_START_NONE:
        return _ ("Started from the prompt alone");
      case REEL_TAKE_START_PREVIOUS_SHOT:
        return _ ("Started from the last frame of the shot before");
      case REEL_TAKE_START_BOARD:
        return _ ("Started from the shot’s board");
      case REEL_TAKE_START_CHARACTER:
        return _ ("Started from a character’s picture");
      case REEL_TAKE_START_UNKNOWN:
      default:
        return NULL;
    }
}

static void
show_take (ReelTakeTile *self, const ReelTake *take, gboolean chosen, gboolean board)
{
  g_autofree char *name = g_strdup_printf (_ ("Take %u"), take->number);
  g_autofree char *details = dup_details (take, board);
  g_autofree char *seed = NULL;
  g_autofree char *title = dup_title (take, name);
  g_autofree char *tooltip = NULL;
  g_autofree char *tile_label = NULL;

  seed = take->seed != 0 ? g_strdup_printf (_ ("Seed %lld"), (long long) take->seed)
                         : g_strdup (take->prompt != NULL ? take->prompt : "");
  tooltip = g_strdup_printf ("%s\n%s%s%s", title, take->prompt != NULL ? take->prompt : "",
                             describe_start (take) != NULL ? "\n" : "",
                             describe_start (take) != NULL ? describe_start (take) : "");
  /* Translators: how a screen reader names the chosen take's tile, "Take 2 · 3.0 s, chosen" */
  tile_label = chosen ? g_strdup_printf (_ ("%s, chosen"), title) : g_strdup (title);

  gtk_picture_set_alternative_text (self->thumbnail, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->frame), tooltip);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->details_label, details);
  gtk_label_set_label (self->seed_label, seed);
  set_accessible_label (self, tile_label);

  gtk_widget_set_visible (self->chosen_badge, chosen);
  gtk_widget_set_visible (self->choose_button, !chosen);
  if (chosen)
    gtk_widget_add_css_class (GTK_WIDGET (self), "chosen");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "chosen");
  /* The chosen take has nothing to be compared with: its menu leaves that out. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.choose", !chosen);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.compare", !chosen);
}

static void
label_buttons (ReelTakeTile *self, guint number)
{
  g_autofree char *play_label = g_strdup_printf (_ ("Play take %u"), number);
  g_autofree char *choose_label = g_strdup_printf (_ ("Use take %u for the shot"), number);
  g_autofree char *menu_label = g_strdup_printf (_ ("More actions for take %u"), number);

  set_accessible_label (self->play_button, play_label);
  set_accessible_label (self->choose_button, choose_label);
  set_accessible_label (self->menu_button, menu_label);
}

void
reel_take_tile_bind (ReelTakeTile   *self,
                     const ReelTake *take,
                     gboolean        chosen,
                     gboolean        board,
                     const char     *thumbnail_path,
                     ReelImageCache *image_cache)
{
  g_return_if_fail (REEL_IS_TAKE_TILE (self));

  reel_take_tile_set_problem (self, NULL);
  if (take == NULL)
    {
      self->take_id = 0;
      show_thumbnail (self, NULL, NULL);
      return;
    }
  self->take_id = take->id;
  show_thumbnail (self, image_cache, thumbnail_path);
  show_take (self, take, chosen, board);
  label_buttons (self, take->number);
}

GtkWidget *
reel_take_tile_new (const ReelTake *take,
                    gboolean        chosen,
                    gboolean        board,
                    const char     *thumbnail_path,
                    ReelImageCache *image_cache)
{
  ReelTakeTile *self;

  g_return_val_if_fail (take != NULL, NULL);

  self = g_object_new (REEL_TYPE_TAKE_TILE, NULL);
  reel_take_tile_bind (self, take, chosen, board, thumbnail_path, image_cache);
  return GTK_WIDGET (self);
}

const char *
reel_take_tile_get_title (ReelTakeTile *self)
{
  g_return_val_if_fail (REEL_IS_TAKE_TILE (self), NULL);
  return gtk_label_get_label (self->title_label);
}

gint64
reel_take_tile_get_take_id (ReelTakeTile *self)
{
  g_return_val_if_fail (REEL_IS_TAKE_TILE (self), 0);
  return self->take_id;
}

void
reel_take_tile_set_problem (ReelTakeTile *self, const char *problem)
{
  g_return_if_fail (REEL_IS_TAKE_TILE (self));

  gtk_widget_set_visible (self->warning, problem != NULL);
  gtk_widget_set_tooltip_text (self->warning, problem);
  if (problem != NULL)
    set_accessible_label (self->warning, problem);
}

/* Actions */

/* The take.* actions belong to the strip: the tile only knows which take. */
static void
activate_take_action (GtkWidget *widget, const char *take_action)
{
  gtk_widget_activate_action (widget, take_action, "x", REEL_TAKE_TILE (widget)->take_id);
}

static void
play_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  activate_take_action (widget, "take.play");
}

static void
choose_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  activate_take_action (widget, "take.choose");
}

static void
compare_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  activate_take_action (widget, "take.compare");
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  activate_take_action (widget, "take.delete");
}

static void
keep_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  activate_take_action (widget, "take.keep");
}

static void
reel_take_tile_dispose (GObject *object)
{
  ReelTakeTile *self = REEL_TAKE_TILE (object);

  g_cancellable_cancel (self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), REEL_TYPE_TAKE_TILE);

  G_OBJECT_CLASS (reel_take_tile_parent_class)->dispose (object);
}

static void
reel_take_tile_class_init (ReelTakeTileClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_take_tile_dispose;

  gtk_widget_class_install_action (widget_class, "tile.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "tile.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "tile.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "tile.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "tile.keep", NULL, keep_action);

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-take-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, frame);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, chosen_badge);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, warning);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, title_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, details_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, seed_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, button_box);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, play_button);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, choose_button);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeTile, menu_button);

  gtk_widget_class_set_css_name (widget_class, "taketile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
reel_take_tile_init (ReelTakeTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
