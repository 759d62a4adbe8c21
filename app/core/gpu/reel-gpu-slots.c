/* reel-gpu-slots.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-gpu"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-gpu-slots.h"

struct _ReelGpuSlots
{
  GObject parent_instance;

  GMutex lock;
  /* Signalled when a GPU is freed or a waiter's cancellable fires. */
  GCond changed;
  guint n_gpus;
  /* Per GPU: who holds it, or NULL when free. */
  char **holders;
  /* Per GPU: how many shared leases hold it; 0 when it is held alone. */
  guint *shares;
  guint  n_waiting;
};

struct _ReelGpuLease
{
  ReelGpuSlots *slots;
  guint         index;
  gboolean      shared;
};

G_DEFINE_FINAL_TYPE (ReelGpuSlots, reel_gpu_slots, G_TYPE_OBJECT)

GQuark
reel_gpu_error_quark (void)
{
  return g_quark_from_static_string ("reel-gpu-error-quark");
}

#define ANY_GPU G_MAXUINT

static void
set_no_gpu_error (ReelGpuSlots *self, guint index, GError **error)
{
  if (self->n_gpus == 0)
    g_set_error_literal (error, REEL_GPU_ERROR, REEL_GPU_ERROR_NO_GPU,
                         _ ("Local generation needs an NVIDIA GPU, and this computer has none."));
  else
    g_set_error (
        error, REEL_GPU_ERROR, REEL_GPU_ERROR_NO_GPU,
        /* Translators: "There is no GPU 2: this computer has 2 NVIDIA GPUs, counted from 0." */
        g_dngettext (
            GETTEXT_PACKAGE, "There is no GPU %u: this computer has %u NVIDIA GPU, counted from 0.",
            "There is no GPU %u: this computer has %u NVIDIA GPUs, counted from 0.", self->n_gpus),
        index, self->n_gpus);
}

/* Whether a shared lease for @holder may join the leases on GPU @index. */
static gboolean
can_join_locked (ReelGpuSlots *self, guint index, const char *holder)
{
  return self->shares[index] > 0 && g_strcmp0 (self->holders[index], holder) == 0;
}

/* Takes @index, or the first free GPU with ANY_GPU, if free (or, @shared,
 * if held by shares of the same holder). Called locked. */
static ReelGpuLease *
take_locked (ReelGpuSlots *self, guint index, const char *holder, gboolean shared)
{
  ReelGpuLease *lease;

  if (holder == NULL)
    holder = "";
  if (index == ANY_GPU)
    {
      for (index = 0; index < self->n_gpus && self->holders[index] != NULL; index++)
        ;
      if (index == self->n_gpus)
        return NULL;
    }
  else if (self->holders[index] != NULL && !(shared && can_join_locked (self, index, holder)))
    return NULL;

  if (self->holders[index] == NULL)
    {
      self->holders[index] = g_strdup (holder);
      g_debug ("GPU %u taken by %s", index, holder);
    }
  if (shared)
    self->shares[index]++;
  lease = g_new0 (ReelGpuLease, 1);
  lease->slots = g_object_ref (self);
  lease->index = index;
  lease->shared = shared;
  return lease;
}

static void
cancelled_cb (GCancellable *cancellable, ReelGpuSlots *self)
{
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

static ReelGpuLease *
acquire (ReelGpuSlots *self,
         guint         index,
         const char   *holder,
         gboolean      shared,
         GCancellable *cancellable,
         GError      **error)
{
  ReelGpuLease *lease = NULL;
  gulong        cancelled_id = 0;

  if (self->n_gpus == 0 || (index != ANY_GPU && index >= self->n_gpus))
    {
      set_no_gpu_error (self, index, error);
      return NULL;
    }

  /* Connected before the lock is taken: it runs at once when the
   * cancellable has already fired, and it takes the lock itself. */
  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);

  g_mutex_lock (&self->lock);
  self->n_waiting++;
  while ((cancellable == NULL || !g_cancellable_is_cancelled (cancellable))
         && (lease = take_locked (self, index, holder, shared)) == NULL)
    g_cond_wait (&self->changed, &self->lock);
  self->n_waiting--;
  g_mutex_unlock (&self->lock);

  /* Not under the lock: it waits for a callback in flight, which takes it. */
  g_cancellable_disconnect (cancellable, cancelled_id);

  if (lease == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, error);
  return lease;
}

ReelGpuLease *
reel_gpu_slots_acquire (
    ReelGpuSlots *self, guint index, const char *holder, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (REEL_IS_GPU_SLOTS (self), NULL);
  g_return_val_if_fail (index != ANY_GPU, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return acquire (self, index, holder, FALSE, cancellable, error);
}

ReelGpuLease *
reel_gpu_slots_acquire_any (ReelGpuSlots *self,
                            const char   *holder,
                            GCancellable *cancellable,
                            GError      **error)
{
  g_return_val_if_fail (REEL_IS_GPU_SLOTS (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return acquire (self, ANY_GPU, holder, FALSE, cancellable, error);
}

ReelGpuLease *
reel_gpu_slots_acquire_shared (
    ReelGpuSlots *self, guint index, const char *holder, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (REEL_IS_GPU_SLOTS (self), NULL);
  g_return_val_if_fail (index != ANY_GPU, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return acquire (self, index, holder, TRUE, cancellable, error);
}

ReelGpuLease *
reel_gpu_slots_try_acquire (ReelGpuSlots *self, guint index, const char *holder)
{
  ReelGpuLease *lease;

  g_return_val_if_fail (REEL_IS_GPU_SLOTS (self), NULL);

  if (index >= self->n_gpus)
    return NULL;
  g_mutex_lock (&self->lock);
  lease = take_locked (self, index, holder, FALSE);
  g_mutex_unlock (&self->lock);
  return lease;
}

char *
reel_gpu_slots_dup_holder (ReelGpuSlots *self, guint index)
{
  char *holder;

  g_return_val_if_fail (REEL_IS_GPU_SLOTS (self), NULL);

  if (index >= self->n_gpus)
    return NULL;
  g_mutex_lock (&self->lock);
  holder = g_strdup (self->holders[index]);
  g_mutex_unlock (&self->lock);
  return holder;
}

guint
reel_gpu_slots_get_n_waiting (ReelGpuSlots *self)
{
  guint n_waiting;

  g_return_val_if_fail (REEL_IS_GPU_SLOTS (self), 0);

  g_mutex_lock (&self->lock);
  n_waiting = self->n_waiting;
  g_mutex_unlock (&self->lock);
  return n_waiting;
}

guint
reel_gpu_slots_get_n_gpus (ReelGpuSlots *self)
{
  g_return_val_if_fail (REEL_IS_GPU_SLOTS (self), 0);

  return self->n_gpus;
}

guint
reel_gpu_lease_get_index (ReelGpuLease *lease)
{
  g_return_val_if_fail (lease != NULL, 0);

  return lease->index;
}

void
reel_gpu_lease_release (ReelGpuLease *lease)
{
  ReelGpuSlots *self;

  if (lease == NULL)
    return;
  self = lease->slots;

  g_mutex_lock (&self->lock);
  /* A shared GPU stays its holder's while other shares hold it. */
  if (!lease->shared || --self->shares[lease->index] == 0)
    {
      g_debug ("GPU %u freed by %s", lease->index, self->holders[lease->index]);
      g_clear_pointer (&self->holders[lease->index], g_free);
      g_cond_broadcast (&self->changed);
    }
  g_mutex_unlock (&self->lock);

  g_object_unref (self);
  g_free (lease);
}

ReelGpuSlots *
reel_gpu_slots_new (guint n_gpus)
{
  ReelGpuSlots *self = g_object_new (REEL_TYPE_GPU_SLOTS, NULL);

  self->n_gpus = n_gpus;
  self->holders = g_new0 (char *, n_gpus + 1);
  self->shares = g_new0 (guint, n_gpus + 1);
  return self;
}

static void
reel_gpu_slots_finalize (GObject *object)
{
  ReelGpuSlots *self = REEL_GPU_SLOTS (object);

  /* Every lease holds a reference: none is left here. */
  g_strfreev (self->holders);
  g_free (self->shares);
  g_cond_clear (&self->changed);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (reel_gpu_slots_parent_class)->finalize (object);
}

static void
reel_gpu_slots_class_init (ReelGpuSlotsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_gpu_slots_finalize;
}

static void
reel_gpu_slots_init (ReelGpuSlots *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
}
