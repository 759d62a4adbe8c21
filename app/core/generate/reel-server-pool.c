/* reel-server-pool.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include "reel-server-pool.h"

struct _ReelServerPool
{
  GObject parent_instance;

  GPtrArray *urls; /* char*, the nodes in order of preference */
  guint      places_per_node;
  guint      rest_ms;

  GMutex lock;
  /* Signalled when a place is freed, a node rests, or a waiter's
   * cancellable fires. */
  GCond       changed;
  GHashTable *nodes; /* url → Node*, for the listed nodes and any claimed */
  guint       n_waiting;
};

typedef struct
{
  guint  load;       /* places taken now */
  guint  peak;       /* the most taken at once */
  guint  served;     /* places taken in all */
  gint64 rest_until; /* monotonic µs: out of rotation until then */
} Node;

struct _ReelServerPlace
{
  ReelServerPool *pool;
  char           *url;
};

G_DEFINE_FINAL_TYPE (ReelServerPool, reel_server_pool, G_TYPE_OBJECT)

static Node *
node_locked (ReelServerPool *self, const char *url)
{
  Node *node = g_hash_table_lookup (self->nodes, url);

  if (node == NULL)
    {
      node = g_new0 (Node, 1);
      g_hash_table_insert (self->nodes, g_strdup (url), node);
    }
  return node;
}

static gboolean
is_resting (Node *node, gint64 now)
{
  return node->rest_until > now;
}

static ReelServerPlace *
take_locked (ReelServerPool *self, const char *url)
{
  Node            *node = node_locked (self, url);
  ReelServerPlace *place = g_new0 (ReelServerPlace, 1);

  node->load++;
  node->served++;
  node->peak = MAX (node->peak, node->load);
  place->pool = g_object_ref (self);
  place->url = g_strdup (url);
  return place;
}

/* The least busy node in rotation outside @skip with a place free, or NULL.
 * *@wait_until: when it is worth looking again, or 0 when waiting changes
 * nothing. While a node in rotation is full, a place may be freed at any
 * moment, and a resting node may come back first. */
static const char *
choose_locked (ReelServerPool *self, GHashTable *skip, gint64 now, gint64 *wait_until)
{
  const char *best = NULL;
  guint       best_load = G_MAXUINT;
  gboolean    some_full = FALSE;
  gint64      rest_ends = G_MAXINT64;

  for (guint i = 0; i < self->urls->len; i++)
    {
      const char *url = self->urls->pdata[i];
      Node       *node = node_locked (self, url);

      if (skip != NULL && g_hash_table_contains (skip, url))
        continue;
      if (is_resting (node, now))
        rest_ends = MIN (rest_ends, node->rest_until);
      else if (node->load >= self->places_per_node)
        some_full = TRUE;
      else if (node->load < best_load)
        {
          best = url;
          best_load = node->load;
        }
    }
  *wait_until = some_full ? rest_ends : 0;
  return best;
}

static void
cancelled_cb (GCancellable *cancellable, ReelServerPool *self)
{
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

ReelServerPlace *
reel_server_pool_claim (ReelServerPool *self,
                        GHashTable     *skip,
                        GCancellable   *cancellable,
                        GError        **error)
{
  ReelServerPlace *place = NULL;
  gulong           cancelled_id = 0;

  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Connected before the lock is taken: it runs at once when the
   * cancellable has already fired, and it takes the lock itself. */
  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);

  g_mutex_lock (&self->lock);
  self->n_waiting++;
  while (cancellable == NULL || !g_cancellable_is_cancelled (cancellable))
    {
      gint64      wait_until;
      const char *url = choose_locked (self, skip, g_get_monotonic_time (), &wait_until);

      if (url != NULL)
        {
          place = take_locked (self, url);
          break;
        }
      if (wait_until == 0)
        break;
      g_cond_wait_until (&self->changed, &self->lock, wait_until);
    }
  self->n_waiting--;
  g_mutex_unlock (&self->lock);

  /* Not under the lock: it waits for a callback in flight, which takes it. */
  g_cancellable_disconnect (cancellable, cancelled_id);

  if (place == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, error);
  return place;
}

ReelServerPlace *
reel_server_pool_claim_node (ReelServerPool *self, const char *url)
{
  ReelServerPlace *place;

  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  g_mutex_lock (&self->lock);
  place = take_locked (self, url);
  g_mutex_unlock (&self->lock);
  return place;
}

void
reel_server_pool_rest_node (ReelServerPool *self, const char *url, const char *why)
{
  guint rest_ms;

  g_return_if_fail (REEL_IS_SERVER_POOL (self));
  g_return_if_fail (url != NULL);

  if (self->urls->len < 2)
    return;
  g_mutex_lock (&self->lock);
  rest_ms = self->rest_ms;
  node_locked (self, url)->rest_until = g_get_monotonic_time () + (gint64) rest_ms * 1000;
  /* Jobs waiting for a place may have nowhere left to wait for. */
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
  g_message ("%s is out of rotation for %u s: %s", url, (rest_ms + 999) / 1000,
             why != NULL ? why : "");
}

gboolean
reel_server_pool_is_resting (ReelServerPool *self, const char *url)
{
  gboolean resting;

  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), FALSE);

  g_mutex_lock (&self->lock);
  resting = is_resting (node_locked (self, url), g_get_monotonic_time ());
  g_mutex_unlock (&self->lock);
  return resting;
}

guint
reel_server_pool_count_in_rotation (ReelServerPool *self)
{
  gint64 now = g_get_monotonic_time ();
  guint  up = 0;

  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), 0);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->urls->len; i++)
    if (!is_resting (node_locked (self, self->urls->pdata[i]), now))
      up++;
  g_mutex_unlock (&self->lock);
  return up;
}

guint
reel_server_pool_get_n_waiting (ReelServerPool *self)
{
  guint n_waiting;

  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), 0);

  g_mutex_lock (&self->lock);
  n_waiting = self->n_waiting;
  g_mutex_unlock (&self->lock);
  return n_waiting;
}

typedef enum
{
  COUNT_LOAD,
  COUNT_PEAK,
  COUNT_SERVED,
} Count;

static guint
get_count (ReelServerPool *self, const char *url, Count count)
{
  Node *node;
  guint value = 0;

  g_mutex_lock (&self->lock);
  node = g_hash_table_lookup (self->nodes, url);
  if (node != NULL)
    value = count == COUNT_LOAD ? node->load : count == COUNT_PEAK ? node->peak : node->served;
  g_mutex_unlock (&self->lock);
  return value;
}

guint
reel_server_pool_get_load (ReelServerPool *self, const char *url)
{
  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), 0);
  return get_count (self, url, COUNT_LOAD);
}

guint
reel_server_pool_get_peak (ReelServerPool *self, const char *url)
{
  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), 0);
  return get_count (self, url, COUNT_PEAK);
}

guint
reel_server_pool_get_served (ReelServerPool *self, const char *url)
{
  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), 0);
  return get_count (self, url, COUNT_SERVED);
}

const char *
reel_server_place_get_url (ReelServerPlace *place)
{
  g_return_val_if_fail (place != NULL, NULL);
  return place->url;
}

void
reel_server_place_release (ReelServerPlace *place)
{
  ReelServerPool *self;
  Node           *node;

  g_return_if_fail (place != NULL);

  self = place->pool;
  g_mutex_lock (&self->lock);
  node = node_locked (self, place->url);
  node->load = node->load > 0 ? node->load - 1 : 0;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);

  g_object_unref (place->pool);
  g_free (place->url);
  g_free (place);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
reel_server_pool_finalize (GObject *object)
{
  ReelServerPool *self = REEL_SERVER_POOL (object);

  g_ptr_array_unref (self->urls);
  g_hash_table_unref (self->nodes);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);

  G_OBJECT_CLASS (reel_server_pool_parent_class)->finalize (object);
}

static void
reel_server_pool_class_init (ReelServerPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_server_pool_finalize;
}

static void
reel_server_pool_init (ReelServerPool *self)
{
  self->urls = g_ptr_array_new_with_free_func (g_free);
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->places_per_node = 2;
  /* Long enough not to knock on a dead server for every job, short enough
   * that a restarted one is back in rotation for the next batch. */
  self->rest_ms = 30000;
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
}

ReelServerPool *
reel_server_pool_new (const char *const *urls)
{
  ReelServerPool *self = g_object_new (REEL_TYPE_SERVER_POOL, NULL);

  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    {
      gboolean listed = FALSE;

      for (guint j = 0; j < self->urls->len && !listed; j++)
        listed = g_str_equal (self->urls->pdata[j], urls[i]);
      if (!listed)
        g_ptr_array_add (self->urls, g_strdup (urls[i]));
    }
  return self;
}

guint
reel_server_pool_get_n_nodes (ReelServerPool *self)
{
  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), 0);
  return self->urls->len;
}

const char *
reel_server_pool_get_node (ReelServerPool *self, guint index)
{
  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), NULL);
  g_return_val_if_fail (index < self->urls->len, NULL);
  return self->urls->pdata[index];
}

void
reel_server_pool_set_places_per_node (ReelServerPool *self, guint places)
{
  g_return_if_fail (REEL_IS_SERVER_POOL (self));

  g_mutex_lock (&self->lock);
  self->places_per_node = MAX (places, 1);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

guint
reel_server_pool_get_places_per_node (ReelServerPool *self)
{
  guint places;

  g_return_val_if_fail (REEL_IS_SERVER_POOL (self), 0);

  g_mutex_lock (&self->lock);
  places = self->places_per_node;
  g_mutex_unlock (&self->lock);
  return places;
}

void
reel_server_pool_set_rest_time (ReelServerPool *self, guint milliseconds)
{
  g_return_if_fail (REEL_IS_SERVER_POOL (self));

  g_mutex_lock (&self->lock);
  self->rest_ms = MAX (milliseconds, 1);
  g_mutex_unlock (&self->lock);
}
