/* reel-gpu-report.h: the NVIDIA GPUs a probe found, or why there are none
 *
 * A report is immutable once made, so the probe's thread, the UI and the
 * local backends may share one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  /* The driver's index: NVML's, or the CUDA device ordinal. Local engines
   * are told to use the GPU of this index. */
  guint index;
  char *name; /* "NVIDIA GeForce RTX 4090" */
  char *uuid; /* "GPU-…" as nvidia-smi writes it, or NULL when the driver does not say */
  /* Bytes; 0 when the driver does not say. */
  guint64 total_memory;
  guint64 free_memory;
  /* The CUDA driver API tells free memory only inside a context, which costs
   * hundreds of MB of video memory to make, so the CUDA fallback leaves it
   * unknown. */
  gboolean free_memory_known;
  /* NVML: the driver's version ("550.54.14"); CUDA: the CUDA version the
   * driver supports ("12.4"). NULL when unknown. */
  char *driver_version;
  /* "nvml" or "cuda": which library answered (a static string). */
  const char *source;
} ReelGpuInfo;

ReelGpuInfo *reel_gpu_info_new (void);
void         reel_gpu_info_free (ReelGpuInfo *gpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelGpuInfo, reel_gpu_info_free)

/* "24.0 GiB" or "24.0 GiB, 21.3 GiB free", or "unknown" (translated). */
char *reel_gpu_info_describe_memory (const ReelGpuInfo *gpu);
/* "NVIDIA driver 550.54.14", "NVIDIA driver for CUDA 12.4" (translated). */
char *reel_gpu_info_describe_driver (const ReelGpuInfo *gpu);

#define REEL_TYPE_GPU_REPORT (reel_gpu_report_get_type ())
typedef struct _ReelGpuReport ReelGpuReport;

GType reel_gpu_report_get_type (void) G_GNUC_CONST;

/* @gpus: (transfer full) (element-type ReelGpuInfo): what was found, in
 * index order; may be empty, and then @reason (required) says why, for the
 * user. */
ReelGpuReport *reel_gpu_report_new (GPtrArray *gpus, const char *reason);
ReelGpuReport *reel_gpu_report_ref (ReelGpuReport *self);
void           reel_gpu_report_unref (ReelGpuReport *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelGpuReport, reel_gpu_report_unref)

guint              reel_gpu_report_get_n_gpus (ReelGpuReport *self);
const ReelGpuInfo *reel_gpu_report_get_gpu (ReelGpuReport *self, guint i);
/* Why there is no GPU, written for the user ("No NVIDIA driver was found
 * (libnvidia-ml.so.1 is not installed)."); NULL when there is one. */
const char *reel_gpu_report_get_reason (ReelGpuReport *self);

G_END_DECLS
