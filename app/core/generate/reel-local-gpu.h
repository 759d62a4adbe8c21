/* reel-local-gpu.h: how the local backends take this computer's GPUs
 *
 * sd-cli runs here, and so do ComfyUI and sd-server when their address is
 * this computer's: all of them need a GPU to themselves. Their workers take
 * a lease from the one ReelGpuSlots whoever set the backends up gave them,
 * and a job that has to wait for it says so, and for whom.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-gpu-slots.h"
#include "reel-job-context.h"

G_BEGIN_DECLS

/* Whether @url names this computer (127.0.0.1 or another loopback address,
 * ::1, localhost): a server there runs on this computer's GPU. */
gboolean reel_local_gpu_is_local_url (const char *url);

/* The GPU a server at @url, one of @urls, runs on when it is on this
 * computer: its place among the servers here, as each uses the first GPU
 * unless told otherwise and a second one on a computer with two GPUs the
 * other (modulo the GPUs there are). */
guint
reel_local_gpu_index_of_server (ReelGpuSlots *slots, const char *const *urls, const char *url);

/* Worker thread. Waits for any free GPU and takes it for @holder (“sd-cli
 * job 12”); while it waits, the job's message says who has them.
 * Returns: (transfer full) (nullable): the lease, or NULL with
 * REEL_GPU_ERROR_NO_GPU or G_IO_ERROR_CANCELLED when the job stopped */
ReelGpuLease *reel_local_gpu_acquire_any (ReelGpuSlots   *slots,
                                          ReelJobContext *context,
                                          const char     *holder,
                                          GError        **error);
/* Worker thread. The same for a share of GPU @index, which @holder (a
 * server: “ComfyUI at http://127.0.0.1:8188”) keeps while any of its jobs
 * holds a share (reel_gpu_slots_acquire_shared()). */
ReelGpuLease *reel_local_gpu_acquire_shared (
    ReelGpuSlots *slots, guint index, ReelJobContext *context, const char *holder, GError **error);

/* Worker thread. A server on this computer shares its GPU with the other
 * local engines: a job on the server at @url, one of @urls, holds a share
 * of the GPU it runs on (reel_local_gpu_index_of_server()) for @holder in
 * *@lease, waiting for it as reel_local_gpu_acquire_shared() does. There is
 * nothing to take when *@lease is held already, this computer has no @slots
 * or no GPUs, or the server is elsewhere (it has a GPU of its own).
 * Returns: FALSE with the error when the job stopped while it waited */
gboolean reel_local_gpu_hold_for_server (ReelGpuSlots      *slots,
                                         const char *const *urls,
                                         const char        *url,
                                         ReelJobContext    *context,
                                         const char        *holder,
                                         ReelGpuLease     **lease,
                                         GError           **error);

G_END_DECLS
