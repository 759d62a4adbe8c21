/* reel-gpu-slots.h: one local job per GPU, across the local backends
 *
 * Two jobs on one GPU do not run in half the time each: they fight over its
 * memory until one of them fails. Whoever sets up the local backends
 * (ComfyUI, stable-diffusion.cpp, …) makes one ReelGpuSlots for the GPUs the
 * probe found and gives it to each of them; a backend's worker takes a
 * lease on a GPU before it starts a job there and drops it when the job
 * ends, whichever backend it belongs to.
 *
 * Every call is thread-safe. The acquiring calls block, so they belong in
 * worker threads; cancelling their GCancellable ends the wait at once.
 * Waiters are not served in any particular order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define REEL_GPU_ERROR (reel_gpu_error_quark ())
GQuark reel_gpu_error_quark (void);

typedef enum
{
  REEL_GPU_ERROR_NO_GPU, /* there is no such GPU, or none at all */
} ReelGpuError;

#define REEL_TYPE_GPU_SLOTS (reel_gpu_slots_get_type ())
G_DECLARE_FINAL_TYPE (ReelGpuSlots, reel_gpu_slots, REEL, GPU_SLOTS, GObject)

/* The right to run one job on one GPU until it is released. */
typedef struct _ReelGpuLease ReelGpuLease;

/* @n_gpus: how many GPUs there are (the probe report's count; may be 0). */
ReelGpuSlots *reel_gpu_slots_new (guint n_gpus);
guint         reel_gpu_slots_get_n_gpus (ReelGpuSlots *self);

/* Waits until GPU @index is free, then takes it for @holder (a name for
 * logs and for reel_gpu_slots_dup_holder(): "comfyui job 12").
 * Returns: (transfer full) (nullable): the lease, or NULL with
 * REEL_GPU_ERROR_NO_GPU or G_IO_ERROR_CANCELLED */
ReelGpuLease *reel_gpu_slots_acquire (
    ReelGpuSlots *self, guint index, const char *holder, GCancellable *cancellable, GError **error);
/* Waits until any GPU is free and takes the free one of the lowest index. */
ReelGpuLease *reel_gpu_slots_acquire_any (ReelGpuSlots *self,
                                          const char   *holder,
                                          GCancellable *cancellable,
                                          GError      **error);
/* Waits until GPU @index is free or held by leases shared under the same
 * @holder, then takes a share of it: the GPU stays @holder's until the last
 * share is released. For a server on this computer, whose jobs all run on
 * its one GPU: the first job takes it, and the jobs queued behind it join. */
ReelGpuLease *reel_gpu_slots_acquire_shared (
    ReelGpuSlots *self, guint index, const char *holder, GCancellable *cancellable, GError **error);
/* Takes GPU @index only if it is free now; NULL otherwise. */
ReelGpuLease *reel_gpu_slots_try_acquire (ReelGpuSlots *self, guint index, const char *holder);

/* Workers blocked in an acquiring call now, for saying why a job has not
 * started yet. */
guint reel_gpu_slots_get_n_waiting (ReelGpuSlots *self);

/* Returns: (transfer full) (nullable): who holds GPU @index, or NULL when it
 * is free */
char *reel_gpu_slots_dup_holder (ReelGpuSlots *self, guint index);

guint reel_gpu_lease_get_index (ReelGpuLease *lease);
/* Frees the GPU for the next job; from any thread. */
void reel_gpu_lease_release (ReelGpuLease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelGpuLease, reel_gpu_lease_release)

G_END_DECLS
