/* reel-take-strip.c
 *
 * The takes of one shot, beside the storyboard: a tile per take (thumbnail,
 * backend, duration, seed, cost, and a mark on the chosen one), a player for
 * finished files (GtkVideo), two players side by side to compare takes, and
 * imports. Choosing and deleting are undoable project edits. Media are
 * checked against their SHA-256 in a worker thread; a missing or damaged
 * file is marked on its tile, never crashed on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "reel-library.h"
#include "reel-media-store.h"
#include "reel-project-import.h"
#include "reel-take-strip.h"
#include "reel-take-tile.h"
#include "reel-ui-utils.h"
#include "reel-window.h"
#include "storyreel-ui-resources.h"

struct _ReelTakeStrip
{
  GtkWidget parent_instance;

  ReelProject  *project;
  gint64        shot_id;
  GPtrArray    *takes;   /* ReelTake*, as shown */
  GHashTable   *damaged; /* gint64 take id → message */
  GCancellable *check_cancellable;
  GCancellable *cancellable;
  /* The still being decoded for the player. */
  GCancellable         *still_cancellable;
  ReelImageCache       *image_cache;
  GtkFileChooserNative *chooser;
  guint                 refresh_source;
  gboolean              folded;
  gint64                playing_take_id;
  gint64                compare_take_ids[2];
  /* Compared takes play as plain pictures under one set of controls, so
   * they stay in step (and two GtkVideo control bars would not fit). */
  GtkMediaStream *compare_streams[2];

  GtkWidget      *strip_box;
  GtkLabel       *title_label;
  GtkButton      *compare_button;
  AdwSplitButton *generate_button;
  GtkButton      *close_button;
  GtkStack       *stack;
  GtkStack       *player_stack;
  GtkVideo       *video;
  GtkLabel       *video_label;
  GtkPicture     *image;
  GtkPicture     *compare_picture_a;
  GtkPicture     *compare_picture_b;
  GtkButton      *pause_button;
  GtkLabel       *compare_label_a;
  GtkLabel       *compare_label_b;
  GtkLabel       *count_label;
  GtkStack       *takes_stack;
  GtkGridView    *take_box;
  /* The shown takes' ids, as strings: the grid's tiles find each take in
   * self->takes when they are bound. */
  GtkStringList     *take_ids;
  GtkMultiSelection *take_selection;
};

G_DEFINE_FINAL_TYPE (ReelTakeStrip, reel_take_strip, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_FOLDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void refresh (ReelTakeStrip *self);

static ReelShot *
current_shot (ReelTakeStrip *self)
{
  if (self->project == NULL || self->shot_id == 0)
    return NULL;
  return reel_project_lookup_shot (self->project, self->shot_id);
}

static const ReelTake *
find_take (ReelTakeStrip *self, gint64 take_id)
{
  for (guint i = 0; self->takes != NULL && i < self->takes->len; i++)
    if (((ReelTake *) g_ptr_array_index (self->takes, i))->id == take_id)
      return g_ptr_array_index (self->takes, i);
  return NULL;
}

/* "Take 3": the project numbers them, so the command line says the same. */
static guint
take_number (ReelTakeStrip *self, gint64 take_id)
{
  const ReelTake *take = find_take (self, take_id);

  return take != NULL ? take->number : 0;
}

static char *
dup_take_label (ReelTakeStrip *self, gint64 take_id)
{
  return g_strdup_printf (_ ("Take %u"), take_number (self, take_id));
}

/* The media of a take, or NULL (with @error) when it is not there to use. */
static char *
dup_media_path (ReelTakeStrip *self, const ReelTake *take, GError **error)
{
  g_autofree char *path = reel_project_get_media_path (self->project, take->media);

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("The file of take %u is missing from the project’s media folder. Generate "
                      "the shot again, or import the file again."),
                   take_number (self, take->id));
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* Player */

/* The still player shows a picture at most this many pixels across. */
#define STILL_SIZE 1920
/* The strip's own pictures, until the window shares the storyboard's. */
#define OWN_CACHE_BYTES (16 * 1024 * 1024)

static void
stop_players (ReelTakeStrip *self)
{
  g_cancellable_cancel (self->still_cancellable);
  g_clear_object (&self->still_cancellable);
  gtk_video_set_media_stream (self->video, NULL);
  gtk_picture_set_paintable (self->compare_picture_a, NULL);
  gtk_picture_set_paintable (self->compare_picture_b, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (self->compare_streams); i++)
    {
      if (self->compare_streams[i] != NULL)
        {
          g_signal_handlers_disconnect_by_data (self->compare_streams[i], self);
          gtk_media_stream_pause (self->compare_streams[i]);
        }
      g_clear_object (&self->compare_streams[i]);
    }
  gtk_picture_set_paintable (self->image, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->player_stack), FALSE);
  self->playing_take_id = 0;
  self->compare_take_ids[0] = self->compare_take_ids[1] = 0;
}

static void
still_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelTakeStrip) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = reel_ui_load_thumbnail_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (texture == NULL)
    {
      stop_players (self);
      reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Show the Picture"), error);
      return;
    }
  gtk_picture_set_paintable (self->image, GDK_PAINTABLE (texture));
}

void
reel_take_strip_set_image_cache (ReelTakeStrip *self, ReelImageCache *image_cache)
{
  g_return_if_fail (REEL_IS_TAKE_STRIP (self));
  g_return_if_fail (REEL_IS_IMAGE_CACHE (image_cache));

  g_set_object (&self->image_cache, image_cache);
}

void
reel_take_strip_play (ReelTakeStrip *self, gint64 take_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  const ReelTake  *take;

  g_return_if_fail (REEL_IS_TAKE_STRIP (self));

  take = find_take (self, take_id);
  if (take == NULL)
    return;

  if ((path = dup_media_path (self, take, &error)) == NULL)
    {
      reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Play the Take"), error);
      return;
    }

  stop_players (self);
  self->playing_take_id = take_id;

  if (g_strcmp0 (take->kind, "image") == 0)
    {
      /* Decoded in a worker; the player shows the picture when it is there. */
      self->still_cancellable = g_cancellable_new ();
      reel_ui_load_thumbnail_async (path, STILL_SIZE, self->still_cancellable, still_loaded_cb,
                                    g_object_ref (self));
      gtk_stack_set_visible_child_name (self->player_stack, "image");
    }
  else
    {
      g_autoptr (GtkMediaStream) media = gtk_media_file_new_for_filename (path);

      /* GtkVideo shows a damaged file's error itself; autoplay starts it. */
      gtk_video_set_media_stream (self->video, media);
      gtk_stack_set_visible_child_name (self->player_stack, "video");
    }

  label = g_strdup_printf (_ ("Playing take %u · %s"), take_number (self, take_id),
                           reel_take_tile_get_backend_label (take->backend));
  gtk_label_set_label (self->video_label, label);
  gtk_widget_set_visible (GTK_WIDGET (self->player_stack), TRUE);
}

static void
update_pause_button (ReelTakeStrip *self)
{
  gboolean playing
      = self->compare_streams[0] != NULL && gtk_media_stream_get_playing (self->compare_streams[0]);

  gtk_button_set_icon_name (self->pause_button, playing ? "media-playback-pause-symbolic"
                                                        : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               playing ? _ ("Pause Both") : _ ("Play Both"));
}

static void
start_compare (ReelTakeStrip *self)
{
  GtkMediaStream **streams = self->compare_streams;

  for (guint i = 0; i < 2; i++)
    if (streams[i] == NULL || !gtk_media_stream_is_prepared (streams[i]))
      return;

  /* Both from their first frame, in the same main-loop turn. */
  for (guint i = 0; i < 2; i++)
    {
      gtk_media_stream_pause (streams[i]);
      if (gtk_media_stream_is_seekable (streams[i]))
        gtk_media_stream_seek (streams[i], 0);
    }
  for (guint i = 0; i < 2; i++)
    gtk_media_stream_play (streams[i]);
}

GtkMediaStream *
reel_take_strip_get_compare_stream (ReelTakeStrip *self, guint index)
{
  g_return_val_if_fail (REEL_IS_TAKE_STRIP (self), NULL);
  g_return_val_if_fail (index < 2, NULL);
  return self->compare_streams[index];
}

void
reel_take_strip_compare (ReelTakeStrip *self, gint64 take_a, gint64 take_b)
{
  const gint64    ids[] = { take_a, take_b };
  GtkPicture     *pictures[] = { self->compare_picture_a, self->compare_picture_b };
  GtkLabel       *labels[] = { self->compare_label_a, self->compare_label_b };
  ReelShot       *shot = current_shot (self);
  GtkMediaStream *streams[2] = { NULL, NULL };

  g_return_if_fail (REEL_IS_TAKE_STRIP (self));

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (GError) error = NULL;
      const ReelTake  *take = find_take (self, ids[i]);
      g_autofree char *path = NULL;

      if (take == NULL || (path = dup_media_path (self, take, &error)) == NULL)
        {
          if (error != NULL)
            reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Compare the Takes"), error);
          g_clear_object (&streams[0]);
          return;
        }
      streams[i] = gtk_media_file_new_for_filename (path);
    }

  stop_players (self);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *label = NULL;

      if (shot != NULL && reel_shot_get_chosen_take_id (shot) == ids[i])
        /* Translators: "Take 2 (chosen)" */
        label = g_strdup_printf (_ ("Take %u (chosen)"), take_number (self, ids[i]));
      else
        label = dup_take_label (self, ids[i]);
      gtk_label_set_label (labels[i], label);

      /* One sound track is enough to follow two pictures. */
      gtk_media_stream_set_muted (streams[i], i > 0);
      g_signal_connect_object (streams[i], "notify::prepared", G_CALLBACK (start_compare), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (streams[i], "notify::playing", G_CALLBACK (update_pause_button),
                               self, G_CONNECT_SWAPPED);
      gtk_picture_set_paintable (pictures[i], GDK_PAINTABLE (streams[i]));
      self->compare_streams[i] = streams[i];
      self->compare_take_ids[i] = ids[i];
    }

  gtk_stack_set_visible_child_name (self->player_stack, "compare");
  gtk_widget_set_visible (GTK_WIDGET (self->player_stack), TRUE);
  start_compare (self);
}

/* Tiles */

/* A video's own thumbnail, or the still image itself. */
static char *
dup_thumbnail_path (ReelTakeStrip *self, const ReelTake *take)
{
  if (take->thumbnail != NULL)
    return reel_project_get_media_path (self->project, take->thumbnail);
  if (g_strcmp0 (take->kind, "image") == 0)
    return reel_project_get_media_path (self->project, take->media);
  return NULL;
}

/* The id of the take at @position of the grid. */
static gint64
take_id_at (ReelTakeStrip *self, guint position)
{
  const char *id = gtk_string_list_get_string (self->take_ids, position);

  return id != NULL ? g_ascii_strtoll (id, NULL, 10) : 0;
}

static void
setup_tile_cb (GtkSignalListItemFactory *factory, GtkListItem *item, ReelTakeStrip *self)
{
  gtk_list_item_set_child (item, g_object_new (REEL_TYPE_TAKE_TILE, NULL));
}

static void
bind_tile_cb (GtkSignalListItemFactory *factory, GtkListItem *item, ReelTakeStrip *self)
{
  ReelTakeTile    *tile = REEL_TAKE_TILE (gtk_list_item_get_child (item));
  gint64           id = take_id_at (self, gtk_list_item_get_position (item));
  const ReelTake  *take = find_take (self, id);
  ReelShot        *shot = current_shot (self);
  g_autofree char *thumbnail = NULL;
  gboolean         board;

  if (take == NULL || shot == NULL)
    {
      reel_take_tile_bind (tile, NULL, FALSE, FALSE, NULL, NULL);
      return;
    }
  thumbnail = dup_thumbnail_path (self, take);
  board = g_strcmp0 (take->kind, "image") == 0
          && g_strcmp0 (take->media, reel_shot_get_board_image (shot)) == 0;
  reel_take_tile_bind (tile, take, take->id == reel_shot_get_chosen_take_id (shot), board,
                       thumbnail, self->image_cache);
  reel_take_tile_set_problem (tile, g_hash_table_lookup (self->damaged, &id));
}

static void
unbind_tile_cb (GtkSignalListItemFactory *factory, GtkListItem *item, ReelTakeStrip *self)
{
  reel_take_tile_bind (REEL_TAKE_TILE (gtk_list_item_get_child (item)), NULL, FALSE, FALSE, NULL,
                       NULL);
}

/* Only the tiles the grid made need marking; the others are marked when
 * they are bound. */
static void
show_damaged (ReelTakeStrip *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->take_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *tile = gtk_widget_get_first_child (child);
      gint64     id;

      if (!REEL_IS_TAKE_TILE (tile))
        continue;
      id = reel_take_tile_get_take_id (REEL_TAKE_TILE (tile));
      reel_take_tile_set_problem (REEL_TAKE_TILE (tile), g_hash_table_lookup (self->damaged, &id));
    }
}

/* Media checks: hashing videos takes a while, so it happens in a worker. */

typedef struct
{
  ReelMediaStore *store;
  GPtrArray      *takes; /* ReelTake* */
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->takes, g_ptr_array_unref);
  g_free (data);
}

static void
check_media_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CheckData  *data = task_data;
  GHashTable *damaged = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint i = 0; i < data->takes->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      ReelTake *take = g_ptr_array_index (data->takes, i);
      g_autoptr (GError) error = NULL;

      if (!reel_media_store_check (data->store, take->media, take->media_sha256, &error))
        g_hash_table_insert (damaged, g_memdup2 (&take->id, sizeof take->id),
                             g_strdup (error->message));
    }

  g_task_return_pointer (task, damaged, (GDestroyNotify) g_hash_table_unref);
}

static void
check_media_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GHashTable) damaged = g_task_propagate_pointer (G_TASK (result), NULL);
  ReelTakeStrip *self;

  if (damaged == NULL)
    return;
  self = REEL_TAKE_STRIP (source);
  g_hash_table_remove_all (self->damaged);
  {
    GHashTableIter iter;
    gpointer       key, value;

    g_hash_table_iter_init (&iter, damaged);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        g_message ("Take %" G_GINT64_FORMAT ": %s", *(gint64 *) key, (char *) value);
        g_hash_table_insert (self->damaged, g_memdup2 (key, sizeof (gint64)), g_strdup (value));
      }
  }
  show_damaged (self);
}

static void
check_media (ReelTakeStrip *self)
{
  g_autoptr (GTask) task = NULL;
  CheckData *data;

  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->takes == NULL || self->takes->len == 0)
    return;

  self->check_cancellable = g_cancellable_new ();
  data = g_new0 (CheckData, 1);
  data->store = reel_media_store_new (reel_project_get_media_dir (self->project));
  data->takes = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_take_free);
  for (guint i = 0; i < self->takes->len; i++)
    g_ptr_array_add (data->takes, reel_take_copy (g_ptr_array_index (self->takes, i)));

  task = g_task_new (self, self->check_cancellable, check_media_cb, NULL);
  g_task_set_source_tag (task, check_media);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_media_thread);
}

static void
update_compare_action (ReelTakeStrip *self)
{
  g_autoptr (GtkBitset) selected
      = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->take_selection));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "take.compare-selected",
                                 gtk_bitset_get_size (selected) == 2);
}

static void
clear_tiles (ReelTakeStrip *self)
{
  gtk_string_list_splice (self->take_ids, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->take_ids)), NULL);
}

static void
show_no_shot (ReelTakeStrip *self)
{
  self->shot_id = 0;
  g_clear_pointer (&self->takes, g_ptr_array_unref);
  clear_tiles (self);
  stop_players (self);
  gtk_label_set_label (self->title_label, _ ("Takes"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->generate_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_compare_action (self);
}

/* The ids of the selected tiles: a user may be picking two to compare, and
 * the selection survives a rebuild. */
static GHashTable *
dup_selected_ids (ReelTakeStrip *self)
{
  GHashTable *selected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GtkBitset) positions
      = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->take_selection));
  GtkBitsetIter iter;
  guint         position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, positions, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      gint64 id = take_id_at (self, position);
      g_hash_table_add (selected, g_memdup2 (&id, sizeof id));
    }
  return selected;
}

/* Every take is bound again: the chosen one, or the board, may have changed. */
static void
build_tiles (ReelTakeStrip *self, GHashTable *selected)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) ids = NULL;

  for (guint i = 0; i < self->takes->len; i++)
    {
      ReelTake        *take = g_ptr_array_index (self->takes, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, take->id);

      g_strv_builder_add (builder, id);
    }
  ids = g_strv_builder_end (builder);
  gtk_string_list_splice (self->take_ids, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->take_ids)),
                          (const char *const *) ids);

  for (guint i = 0; i < self->takes->len; i++)
    {
      ReelTake *take = g_ptr_array_index (self->takes, i);

      if (g_hash_table_contains (selected, &take->id))
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->take_selection), i, FALSE);
    }
}

static void
show_heading (ReelTakeStrip *self, ReelShot *shot)
{
  g_autofree char *title = g_strdup_printf (_ ("Shot %s"), reel_shot_get_number (shot));
  g_autofree char *count = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u take", "%u takes", self->takes->len), self->takes->len);

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->count_label, count);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->generate_button),
                                          g_variant_new_int64 (self->shot_id));
  gtk_widget_set_sensitive (GTK_WIDGET (self->generate_button), TRUE);
  gtk_stack_set_visible_child_name (self->takes_stack, self->takes->len > 0 ? "takes" : "none");
  gtk_stack_set_visible_child_name (self->stack, "shot");
}

static void
refresh (ReelTakeStrip *self)
{
  g_autoptr (GHashTable) selected = NULL;
  ReelShot *shot;

  g_clear_handle_id (&self->refresh_source, g_source_remove);

  shot = current_shot (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "take.import", shot != NULL);
  if (shot == NULL)
    {
      show_no_shot (self);
      return;
    }

  selected = dup_selected_ids (self);
  g_clear_pointer (&self->takes, g_ptr_array_unref);
  self->takes = reel_project_list_takes (self->project, self->shot_id);
  build_tiles (self, selected);

  /* A played or compared take that is gone stops. */
  if ((self->playing_take_id != 0 && find_take (self, self->playing_take_id) == NULL)
      || (self->compare_take_ids[0] != 0
          && (find_take (self, self->compare_take_ids[0]) == NULL
              || find_take (self, self->compare_take_ids[1]) == NULL)))
    stop_players (self);

  show_heading (self, shot);
  update_compare_action (self);
  show_damaged (self);
  check_media (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  ReelTakeStrip *self = user_data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
project_changed_cb (ReelTakeStrip *self, guint flags)
{
  /* Takes, the chosen take and shot numbers; job progress is the cards' business. */
  if ((flags & (REEL_CHANGE_TAKES | REEL_CHANGE_PLAN)) && self->refresh_source == 0)
    self->refresh_source = g_idle_add (refresh_cb, self);
}

void
reel_take_strip_set_project (ReelTakeStrip *self, ReelProject *project)
{
  g_return_if_fail (REEL_IS_TAKE_STRIP (self));
  g_return_if_fail (project == NULL || REEL_IS_PROJECT (project));

  if (self->project == project)
    return;

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  if (project != NULL)
    g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                             G_CONNECT_SWAPPED);
  self->shot_id = 0;
  g_hash_table_remove_all (self->damaged);
  refresh (self);
}

void
reel_take_strip_set_shot (ReelTakeStrip *self, gint64 shot_id)
{
  g_return_if_fail (REEL_IS_TAKE_STRIP (self));

  if (self->shot_id == shot_id)
    return;

  self->shot_id = shot_id;
  stop_players (self);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->take_selection));
  g_hash_table_remove_all (self->damaged);
  refresh (self);
}

gint64
reel_take_strip_get_shot (ReelTakeStrip *self)
{
  g_return_val_if_fail (REEL_IS_TAKE_STRIP (self), 0);
  return self->shot_id;
}

GArray *
reel_take_strip_dup_shown_takes (ReelTakeStrip *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (REEL_IS_TAKE_STRIP (self), ids);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->take_ids)); i++)
    {
      gint64 id = take_id_at (self, i);
      g_array_append_val (ids, id);
    }
  return ids;
}

const char *
reel_take_strip_get_take_problem (ReelTakeStrip *self, gint64 take_id)
{
  g_return_val_if_fail (REEL_IS_TAKE_STRIP (self), NULL);
  return g_hash_table_lookup (self->damaged, &take_id);
}

/* Imports */

static void
take_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) outer = user_data;
  g_autoptr (GError) error = NULL;
  gint64 take_id = reel_project_import_take_finish (REEL_PROJECT (source), result, &error);

  if (take_id == 0)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_int (outer, take_id);
}

void
reel_take_strip_import_file_async (ReelTakeStrip      *self,
                                   GFile              *file,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr (GTask) outer = NULL;

  g_return_if_fail (REEL_IS_TAKE_STRIP (self));
  g_return_if_fail (G_IS_FILE (file));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, reel_take_strip_import_file_async);

  if (current_shot (self) == NULL || g_file_peek_path (file) == NULL)
    {
      g_task_return_new_error (outer, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                               _ ("Select a shot to import a take into."));
      return;
    }

  reel_project_import_take_async (self->project, self->shot_id, file, NULL, REEL_MEDIA_ADD_COPY,
                                  cancellable, take_imported_cb, g_steal_pointer (&outer));
}

gint64
reel_take_strip_import_file_finish (ReelTakeStrip *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  gssize take_id = g_task_propagate_int (G_TASK (result), error);

  /* -1 with an error */
  return take_id > 0 ? (gint64) take_id : 0;
}

static void
import_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (source);
  g_autoptr (GError) error = NULL;
  gint64 take_id = reel_take_strip_import_file_finish (self, result, &error);

  if (take_id == 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Import the Take"), error);
      return;
    }

  {
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

    if (REEL_IS_WINDOW (root))
      reel_window_add_toast (REEL_WINDOW (root), _ ("Imported the take"));
  }
}

static void
take_file_chosen (GtkWidget *widget, GFile *file)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);

  reel_take_strip_import_file_async (self, file, self->cancellable, import_done_cb, NULL);
}

static void
import_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);
  g_autoptr (GtkFileFilter) media = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) videos = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) images = gtk_file_filter_new ();
  const char *const image_types[] = { "image/png", "image/jpeg", "image/webp" };

  if (current_shot (self) == NULL)
    return;

  gtk_file_filter_set_name (media, _ ("Videos and Pictures"));
  gtk_file_filter_set_name (videos, _ ("Videos"));
  gtk_file_filter_set_name (images, _ ("Pictures"));
  gtk_file_filter_add_mime_type (media, "video/*");
  gtk_file_filter_add_mime_type (videos, "video/*");
  for (guint i = 0; i < G_N_ELEMENTS (image_types); i++)
    {
      gtk_file_filter_add_mime_type (media, image_types[i]);
      gtk_file_filter_add_mime_type (images, image_types[i]);
    }

  {
    GtkFileFilter *const filters[] = { media, videos, images };

    reel_ui_choose_file_to_open (widget, &self->chooser, _ ("Import a Take"), _ ("_Import"),
                                 _ ("_Cancel"), filters, G_N_ELEMENTS (filters), take_file_chosen);
  }
}

/* Actions */

static void
play_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  reel_take_strip_play (REEL_TAKE_STRIP (widget), g_variant_get_int64 (parameter));
}

static void
choose_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);
  gint64         take_id = g_variant_get_int64 (parameter);
  g_autoptr (GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->project == NULL || self->shot_id == 0)
    return;

  if (!reel_project_choose_take (self->project, self->shot_id, take_id, &error))
    {
      reel_widget_report_error (widget, _ ("Could Not Choose the Take"), error);
      return;
    }

  if (REEL_IS_WINDOW (root))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("Take %u is the shot’s take now"), take_number (self, take_id));
      reel_window_add_undo_toast (REEL_WINDOW (root), message);
    }
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);
  gint64         take_id = g_variant_get_int64 (parameter);
  guint          number = take_number (self, take_id);
  g_autoptr (GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->project == NULL)
    return;

  if (!reel_project_delete_take (self->project, take_id, &error))
    {
      reel_widget_report_error (widget, _ ("Could Not Delete the Take"), error);
      return;
    }

  /* Undo in the toast instead of asking first: the media stay in the store. */
  if (REEL_IS_WINDOW (root))
    {
      g_autofree char *message = g_strdup_printf (_ ("Deleted take %u"), number);
      reel_window_add_undo_toast (REEL_WINDOW (root), message);
    }
}

typedef struct
{
  ReelTakeStrip *strip;
  ReelProject   *project;
  gint64         take_id;
} KeepTake;

static void
keep_take_free (KeepTake *keep)
{
  g_object_unref (keep->strip);
  g_object_unref (keep->project);
  g_free (keep);
}

static void
report_kept (KeepTake *keep, GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (keep->strip));

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reel_widget_report_error (GTK_WIDGET (keep->strip), _ ("Could Not Keep the Take"), error);
    }
  else if (REEL_IS_WINDOW (root))
    {
      g_autofree char *message = g_strdup_printf (_ ("Kept take %u in the library"),
                                                  take_number (keep->strip, keep->take_id));
      reel_window_add_toast (REEL_WINDOW (root), message);
    }
  keep_take_free (keep);
}

static void
take_kept_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  reel_library_add_take_finish (REEL_LIBRARY (source), result, &error);
  report_kept (user_data, error);
}

static void
library_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KeepTake *keep = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelLibrary) library = reel_library_open_finish (result, &error);

  if (library == NULL)
    {
      report_kept (keep, error);
      return;
    }
  reel_library_add_take_async (library, keep->project, keep->take_id, keep->strip->cancellable,
                               take_kept_cb, keep);
}

/* Opening the library and copying the take both run in worker threads. */
static void
keep_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);
  g_autoptr (GFile) file = reel_library_dup_default_file ();
  KeepTake *keep;

  if (self->project == NULL)
    return;
  keep = g_new0 (KeepTake, 1);
  keep->strip = g_object_ref (self);
  keep->project = g_object_ref (self->project);
  keep->take_id = g_variant_get_int64 (parameter);
  reel_library_open_async (file, self->cancellable, library_opened_cb, keep);
}

static void
compare_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);
  ReelShot      *shot = current_shot (self);
  gint64         take_id = g_variant_get_int64 (parameter);
  gint64         chosen_id = shot != NULL ? reel_shot_get_chosen_take_id (shot) : 0;

  if (chosen_id != 0 && chosen_id != take_id)
    reel_take_strip_compare (self, chosen_id, take_id);
}

static void
compare_selected_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);
  g_autoptr (GtkBitset) selected
      = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->take_selection));

  if (gtk_bitset_get_size (selected) != 2)
    return;
  /* In the order they are shown, whichever was picked first. */
  reel_take_strip_compare (self, take_id_at (self, gtk_bitset_get_minimum (selected)),
                           take_id_at (self, gtk_bitset_get_maximum (selected)));
}

static void
replay_compare_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_compare (REEL_TAKE_STRIP (widget));
}

static void
pause_compare_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);
  gboolean       playing;

  if (self->compare_streams[0] == NULL || self->compare_streams[1] == NULL)
    return;

  playing = gtk_media_stream_get_playing (self->compare_streams[0]);
  for (guint i = 0; i < 2; i++)
    {
      if (playing)
        gtk_media_stream_pause (self->compare_streams[i]);
      else if (gtk_media_stream_get_ended (self->compare_streams[i]))
        {
          start_compare (self);
          return;
        }
    }
  if (!playing)
    for (guint i = 0; i < 2; i++)
      gtk_media_stream_play (self->compare_streams[i]);
}

static void
tile_activated_cb (ReelTakeStrip *self, guint position)
{
  reel_take_strip_play (self, take_id_at (self, position));
}

static void
close_clicked_cb (ReelTakeStrip *self)
{
  g_signal_emit (self, signals[CLOSE], 0);
}

static void
reel_take_strip_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (object);

  switch (prop_id)
    {
      case PROP_FOLDED:
        g_value_set_boolean (value, self->folded);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_take_strip_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (object);

  switch (prop_id)
    {
      case PROP_FOLDED:
        if (self->folded != g_value_get_boolean (value))
          {
            self->folded = g_value_get_boolean (value);
            /* Folded, the strip slides over the board and needs a way out. */
            gtk_widget_set_visible (GTK_WIDGET (self->close_button), self->folded);
            g_object_notify_by_pspec (object, pspec);
          }
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Beside the board the strip keeps to a column of its own: its natural width
 * would grow with the takes and squeeze the storyboard to one card a row. */
#define NATURAL_WIDTH 340

static void
reel_take_strip_measure (GtkWidget     *widget,
                         GtkOrientation orientation,
                         int            for_size,
                         int           *minimum,
                         int           *natural,
                         int           *minimum_baseline,
                         int           *natural_baseline)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (widget);

  gtk_widget_measure (self->strip_box, orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, NATURAL_WIDTH);
}

static void
reel_take_strip_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  gtk_widget_allocate (REEL_TAKE_STRIP (widget)->strip_box, width, height, baseline, NULL);
}

static void
reel_take_strip_dispose (GObject *object)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->chooser);

  if (self->take_box != NULL)
    gtk_grid_view_set_model (self->take_box, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_TAKE_STRIP);
  g_clear_object (&self->take_selection);
  g_clear_object (&self->take_ids);

  g_clear_object (&self->project);
  g_clear_pointer (&self->takes, g_ptr_array_unref);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->still_cancellable);
  g_clear_object (&self->image_cache);

  G_OBJECT_CLASS (reel_take_strip_parent_class)->dispose (object);
}

static void
reel_take_strip_finalize (GObject *object)
{
  ReelTakeStrip *self = REEL_TAKE_STRIP (object);

  g_clear_pointer (&self->damaged, g_hash_table_unref);

  G_OBJECT_CLASS (reel_take_strip_parent_class)->finalize (object);
}

static void
reel_take_strip_class_init (ReelTakeStripClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_take_strip_dispose;
  object_class->finalize = reel_take_strip_finalize;
  object_class->get_property = reel_take_strip_get_property;
  object_class->set_property = reel_take_strip_set_property;
  widget_class->measure = reel_take_strip_measure;
  widget_class->size_allocate = reel_take_strip_size_allocate;

  properties[PROP_FOLDED]
      = g_param_spec_boolean ("folded", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The user asked to hide the strip (only offered while it is folded). */
  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "take.play", "x", play_action);
  gtk_widget_class_install_action (widget_class, "take.choose", "x", choose_action);
  gtk_widget_class_install_action (widget_class, "take.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "take.compare", "x", compare_action);
  gtk_widget_class_install_action (widget_class, "take.keep", "x", keep_action);
  gtk_widget_class_install_action (widget_class, "take.compare-selected", NULL,
                                   compare_selected_action);
  gtk_widget_class_install_action (widget_class, "take.replay-compare", NULL,
                                   replay_compare_action);
  gtk_widget_class_install_action (widget_class, "take.pause-compare", NULL, pause_compare_action);
  gtk_widget_class_install_action (widget_class, "take.import", NULL, import_action);

  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  g_type_ensure (ADW_TYPE_SPLIT_BUTTON);
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-take-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, strip_box);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, title_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, compare_button);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, generate_button);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, close_button);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, stack);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, player_stack);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, video);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, video_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, image);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, compare_picture_a);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, compare_picture_b);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, pause_button);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, compare_label_a);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, compare_label_b);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, count_label);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, takes_stack);
  gtk_widget_class_bind_template_child (widget_class, ReelTakeStrip, take_box);

  gtk_widget_class_set_css_name (widget_class, "takestrip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
reel_take_strip_init (ReelTakeStrip *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The target first: the action takes the shot id. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->generate_button),
                                          g_variant_new_int64 (0));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->generate_button), "win.generate-shot");

  self->cancellable = g_cancellable_new ();
  self->image_cache = reel_image_cache_new (OWN_CACHE_BYTES);
  self->damaged = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  self->take_ids = gtk_string_list_new (NULL);
  self->take_selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->take_ids)));
  gtk_grid_view_set_model (self->take_box, GTK_SELECTION_MODEL (self->take_selection));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_tile_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_tile_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_tile_cb), self, 0);
  gtk_grid_view_set_factory (self->take_box, factory);
  g_object_unref (factory);
  g_signal_connect_object (self->take_box, "activate", G_CALLBACK (tile_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->take_selection, "selection-changed",
                           G_CALLBACK (update_compare_action), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->close_button, "clicked", G_CALLBACK (close_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Takes of the selected shot"), -1);
  refresh (self);
}
