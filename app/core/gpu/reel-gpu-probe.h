/* reel-gpu-probe.h: which NVIDIA GPUs this computer has
 *
 * A ReelGpuProbe asks the NVIDIA driver at run time: NVML
 * (libnvidia-ml.so.1) first, the CUDA driver API (libcuda.so.1) when NVML is
 * missing or fails, both loaded with GModule. Nothing NVIDIA is needed to
 * build, and without the driver the report has no GPU and says why. The
 * driver may take seconds to answer, so the GUI asks asynchronously; the
 * synchronous call is for the command line and worker threads.
 *
 * The first answer is kept: later queries return it at once, and queries
 * made while a probe runs wait for that probe instead of starting another.
 * reel_gpu_probe_forget() makes the next query ask the driver again (free
 * memory changes as other programs run).
 *
 * $STORYREEL_GPU_LIBRARY_PATH, read by reel_gpu_probe_new() only, is a list
 * of directories separated by ':' in which the probe looks for the two
 * libraries instead of the system loader's search path. It is for tests
 * (which point it at fake drivers, or at an empty directory) and for
 * installs the loader does not know about (WSL's /usr/lib/wsl/lib, a driver
 * unpacked into /opt).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-gpu-report.h"
#include "reel-gpu-slots.h"

G_BEGIN_DECLS

#define REEL_GPU_LIBRARY_PATH_ENV "STORYREEL_GPU_LIBRARY_PATH"

#define REEL_TYPE_GPU_PROBE (reel_gpu_probe_get_type ())
G_DECLARE_FINAL_TYPE (ReelGpuProbe, reel_gpu_probe, REEL, GPU_PROBE, GObject)

/* Looks where $STORYREEL_GPU_LIBRARY_PATH says, or where the loader does. */
ReelGpuProbe *reel_gpu_probe_new (void);
/* @library_path: directories separated by ':', or NULL for the loader's
 * search path. */
ReelGpuProbe *reel_gpu_probe_new_for_library_path (const char *library_path);

/* Returns: (nullable): the directories looked in, NULL for the loader's. */
const char *reel_gpu_probe_get_library_path (ReelGpuProbe *self);

/* Returns: (transfer full) (nullable): the report kept from the last probe,
 * or NULL when there is none yet. Never waits. */
ReelGpuReport *reel_gpu_probe_dup_report (ReelGpuProbe *self);
/* The next query asks the driver again. */
void reel_gpu_probe_forget (ReelGpuProbe *self);

/* The slots of the GPUs this probe found, made at the first call after a
 * report and the same ones from then on, so that everything sharing the
 * probe (every window of the application) keeps one local job per GPU.
 * Never waits.
 * Returns: (transfer full) (nullable): the slots, or NULL before a report */
ReelGpuSlots *reel_gpu_probe_dup_slots (ReelGpuProbe *self);

/* Probes in a thread (or returns the kept report). Cancelling returns at
 * once, even while the driver has not answered yet. */
void reel_gpu_probe_query_async (ReelGpuProbe       *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
/* Returns: (transfer full): the report; NULL only when cancelled. */
ReelGpuReport *
reel_gpu_probe_query_finish (ReelGpuProbe *self, GAsyncResult *result, GError **error);
/* Blocks until the driver answers: never on the main thread of the GUI.
 * Returns: (transfer full): the report */
ReelGpuReport *reel_gpu_probe_query (ReelGpuProbe *self);

G_END_DECLS
