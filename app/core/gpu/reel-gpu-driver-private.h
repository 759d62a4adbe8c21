/* reel-gpu-driver-private.h: asking one of the NVIDIA driver's libraries
 *
 * reel-gpu-library.c finds and loads a library; reel-gpu-nvml.c and
 * reel-gpu-cuda.c ask NVML and the CUDA driver API for the GPUs, each
 * declaring the few types and entry points it uses, so the build needs no
 * NVIDIA header. reel-gpu-probe.c decides between their answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gmodule.h>

G_BEGIN_DECLS

typedef enum
{
  /* The library answered: the GPUs are in the array; with none, the reason
   * says so. */
  REEL_GPU_DRIVER_ANSWERED,
  /* The library is not installed where the probe looked. */
  REEL_GPU_DRIVER_MISSING,
  /* The library is there but failed; the reason says how. */
  REEL_GPU_DRIVER_FAILED,
} ReelGpuDriverStatus;

#define REEL_GPU_NVML_LIBRARY "libnvidia-ml.so.1"
#define REEL_GPU_CUDA_LIBRARY "libcuda.so.1"

/* Loads @soname from the first of @dirs that has it, or through the
 * system's loader when @dirs is NULL. The library stays loaded for the
 * process's life: the driver's libraries start threads and register exit
 * handlers that must not outlive their code.
 * Returns: (transfer full) (nullable): the library, or NULL with @status
 * MISSING or FAILED and @reason set */
GModule *reel_gpu_library_open (const char *const   *dirs,
                                const char          *soname,
                                ReelGpuDriverStatus *status,
                                char               **reason);

/* Looks up @symbol; on failure sets @reason to say the driver is too old. */
gboolean reel_gpu_library_lookup (
    GModule *library, const char *soname, const char *symbol, gpointer *address, char **reason);

/* "The NVIDIA driver is installed, but it found no NVIDIA GPU." */
char *reel_gpu_no_gpu_reason (void);

/* Both fill @gpus (of ReelGpuInfo) and set @reason when they find no GPU. */
ReelGpuDriverStatus reel_gpu_nvml_probe (const char *const *dirs, GPtrArray *gpus, char **reason);
ReelGpuDriverStatus reel_gpu_cuda_probe (const char *const *dirs, GPtrArray *gpus, char **reason);

G_END_DECLS
