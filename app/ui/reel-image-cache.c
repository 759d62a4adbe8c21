/* reel-image-cache.c
 *
 * Cards and tiles show pictures (boards, take thumbnails) far smaller than
 * their files. Decoding them on the main thread stalls scrolling, and keeping
 * every one decoded grows with the project: so each picture is decoded in a
 * worker thread, scaled down to the size it is shown at, and kept in a cache
 * that forgets the least recently used pictures beyond a byte budget.
 *
 * A request follows its caller's GCancellable: a card that is recycled for
 * another shot cancels its request, and a request cancelled before its turn
 * comes is never decoded. A picture decoded for a request cancelled meanwhile
 * is still kept, for the card scrolled away is often scrolled back to.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include "reel-image-cache.h"

typedef struct
{
  char       *key;
  GdkTexture *texture;
  gsize       n_bytes;
  GList       link;
} CacheEntry;

typedef struct
{
  char *path;
  int   size;
} DecodeRequest;

struct _ReelImageCache
{
  GObject parent_instance;

  gsize max_bytes;
  gsize n_bytes;
  guint n_decoded;
  /* key → CacheEntry; the queue holds the same entries, most recently used
   * first. */
  GHashTable *entries;
  GQueue      recent;
};

G_DEFINE_FINAL_TYPE (ReelImageCache, reel_image_cache, G_TYPE_OBJECT)

static char *
make_key (const char *path, int size)
{
  return g_strdup_printf ("%d\x1f%s", size, path);
}

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_free (entry->key);
  g_clear_object (&entry->texture);
  g_free (entry);
}

static void
decode_request_free (gpointer data)
{
  DecodeRequest *request = data;

  g_free (request->path);
  g_free (request);
}

static void
evict (ReelImageCache *self)
{
  /* The newest picture stays even if it alone is over the budget. */
  while (self->n_bytes > self->max_bytes && self->recent.length > 1)
    {
      CacheEntry *entry = g_queue_peek_tail (&self->recent);

      g_queue_unlink (&self->recent, &entry->link);
      self->n_bytes -= entry->n_bytes;
      g_hash_table_remove (self->entries, entry->key);
    }
}

static void
insert (ReelImageCache *self, const char *key, GdkTexture *texture)
{
  CacheEntry *entry = g_hash_table_lookup (self->entries, key);

  if (entry != NULL)
    {
      g_queue_unlink (&self->recent, &entry->link);
      self->n_bytes -= entry->n_bytes;
      g_hash_table_remove (self->entries, key);
    }

  entry = g_new0 (CacheEntry, 1);
  entry->key = g_strdup (key);
  entry->texture = g_object_ref (texture);
  entry->n_bytes = (gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
  entry->link.data = entry;
  g_hash_table_insert (self->entries, entry->key, entry);
  g_queue_push_head_link (&self->recent, &entry->link);
  self->n_bytes += entry->n_bytes;
  evict (self);
}

void
reel_image_cache_insert (ReelImageCache *self, const char *path, int size, GdkTexture *texture)
{
  g_autofree char *key = NULL;

  g_return_if_fail (REEL_IS_IMAGE_CACHE (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  key = make_key (path, size);
  insert (self, key, texture);
}

GdkTexture *
reel_image_cache_lookup (ReelImageCache *self, const char *path, int size)
{
  g_autofree char *key = NULL;
  CacheEntry      *entry;

  g_return_val_if_fail (REEL_IS_IMAGE_CACHE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  key = make_key (path, size);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL)
    return NULL;
  g_queue_unlink (&self->recent, &entry->link);
  g_queue_push_head_link (&self->recent, &entry->link);
  return entry->texture;
}

static void
decode_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DecodeRequest *request = task_data;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;
  int     width = 0, height = 0;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Scaled down to fit, never up: a small picture is kept as it is. */
  if (gdk_pixbuf_get_file_info (request->path, &width, &height) != NULL
      && (width > request->size || height > request->size))
    pixbuf = gdk_pixbuf_new_from_file_at_scale (request->path, request->size, request->size, TRUE,
                                                &error);
  else
    pixbuf = gdk_pixbuf_new_from_file (request->path, &error);

  if (pixbuf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, gdk_texture_new_for_pixbuf (pixbuf), g_object_unref);
}

static void
decoded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelImageCache *self = REEL_IMAGE_CACHE (source);
  g_autoptr (GTask) caller = user_data;
  g_autoptr (GdkTexture) texture = NULL;
  GError        *error = NULL;
  DecodeRequest *request = g_task_get_task_data (G_TASK (result));

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL)
    {
      g_task_return_error (caller, error);
      return;
    }

  self->n_decoded++;
  {
    g_autofree char *key = make_key (request->path, request->size);
    insert (self, key, texture);
  }
  g_task_return_pointer (caller, g_steal_pointer (&texture), g_object_unref);
}

void
reel_image_cache_load_async (ReelImageCache     *self,
                             const char         *path,
                             int                 size,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr (GTask) caller = NULL;
  g_autoptr (GTask) decode = NULL;
  DecodeRequest *request;
  GdkTexture    *cached;

  g_return_if_fail (REEL_IS_IMAGE_CACHE (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (size > 0);

  caller = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (caller, reel_image_cache_load_async);

  cached = reel_image_cache_lookup (self, path, size);
  if (cached != NULL)
    {
      g_task_return_pointer (caller, g_object_ref (cached), g_object_unref);
      return;
    }

  request = g_new0 (DecodeRequest, 1);
  request->path = g_strdup (path);
  request->size = size;
  decode = g_task_new (self, cancellable, decoded_cb, g_steal_pointer (&caller));
  g_task_set_source_tag (decode, reel_image_cache_load_async);
  /* A decoded picture is kept even if its caller went away meanwhile. */
  g_task_set_check_cancellable (decode, FALSE);
  g_task_set_task_data (decode, request, decode_request_free);
  g_task_run_in_thread (decode, decode_thread);
}

GdkTexture *
reel_image_cache_load_finish (ReelImageCache *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (REEL_IS_IMAGE_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
reel_image_cache_get_n_images (ReelImageCache *self)
{
  g_return_val_if_fail (REEL_IS_IMAGE_CACHE (self), 0);
  return self->recent.length;
}

gsize
reel_image_cache_get_n_bytes (ReelImageCache *self)
{
  g_return_val_if_fail (REEL_IS_IMAGE_CACHE (self), 0);
  return self->n_bytes;
}

guint
reel_image_cache_get_n_decoded (ReelImageCache *self)
{
  g_return_val_if_fail (REEL_IS_IMAGE_CACHE (self), 0);
  return self->n_decoded;
}

ReelImageCache *
reel_image_cache_new (gsize max_bytes)
{
  ReelImageCache *self = g_object_new (REEL_TYPE_IMAGE_CACHE, NULL);

  self->max_bytes = max_bytes;
  return self;
}

static void
reel_image_cache_finalize (GObject *object)
{
  ReelImageCache *self = REEL_IMAGE_CACHE (object);

  /* The queue's links live in the entries, which the table frees. */
  g_queue_init (&self->recent);
  g_clear_pointer (&self->entries, g_hash_table_unref);

  G_OBJECT_CLASS (reel_image_cache_parent_class)->finalize (object);
}

static void
reel_image_cache_class_init (ReelImageCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_image_cache_finalize;
}

static void
reel_image_cache_init (ReelImageCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, cache_entry_free);
  g_queue_init (&self->recent);
}
