/* reel-gpu-report.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-gpu"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-gpu-report.h"

struct _ReelGpuReport
{
  GPtrArray *gpus;
  char      *reason;
};

G_DEFINE_BOXED_TYPE (ReelGpuReport, reel_gpu_report, reel_gpu_report_ref, reel_gpu_report_unref)

ReelGpuInfo *
reel_gpu_info_new (void)
{
  return g_new0 (ReelGpuInfo, 1);
}

void
reel_gpu_info_free (ReelGpuInfo *gpu)
{
  if (gpu == NULL)
    return;
  g_free (gpu->name);
  g_free (gpu->uuid);
  g_free (gpu->driver_version);
  g_free (gpu);
}

/* Binary units: a card sold as "24 GB" has 24 GiB, and shows as 24.0 GiB
 * rather than as 25.8 GB. */
static char *
format_memory (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

char *
reel_gpu_info_describe_memory (const ReelGpuInfo *gpu)
{
  g_autofree char *total = NULL;
  g_autofree char *free_memory = NULL;

  g_return_val_if_fail (gpu != NULL, NULL);

  if (gpu->total_memory == 0)
    /* Translators: how much video memory a GPU has, when the driver does not say */
    return g_strdup (_ ("unknown"));
  total = format_memory (gpu->total_memory);
  if (!gpu->free_memory_known)
    return g_steal_pointer (&total);
  free_memory = format_memory (gpu->free_memory);
  /* Translators: a GPU's video memory, "24.0 GiB, 21.3 GiB free" */
  return g_strdup_printf (_ ("%s, %s free"), total, free_memory);
}

char *
reel_gpu_info_describe_driver (const ReelGpuInfo *gpu)
{
  g_return_val_if_fail (gpu != NULL, NULL);

  if (gpu->driver_version == NULL)
    return g_strdup (_ ("NVIDIA driver of unknown version"));
  if (g_strcmp0 (gpu->source, "cuda") == 0)
    /* Translators: %s is a CUDA version, "12.4" */
    return g_strdup_printf (_ ("NVIDIA driver for CUDA %s"), gpu->driver_version);
  /* Translators: %s is the driver's version, "550.54.14" */
  return g_strdup_printf (_ ("NVIDIA driver %s"), gpu->driver_version);
}

ReelGpuReport *
reel_gpu_report_new (GPtrArray *gpus, const char *reason)
{
  ReelGpuReport *self;

  g_return_val_if_fail (gpus != NULL, NULL);
  g_return_val_if_fail (gpus->len > 0 || reason != NULL, NULL);

  self = g_atomic_rc_box_new0 (ReelGpuReport);
  self->gpus = gpus;
  g_ptr_array_set_free_func (self->gpus, (GDestroyNotify) reel_gpu_info_free);
  self->reason = gpus->len == 0 ? g_strdup (reason) : NULL;
  return self;
}

ReelGpuReport *
reel_gpu_report_ref (ReelGpuReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
report_clear (ReelGpuReport *self)
{
  g_ptr_array_unref (self->gpus);
  g_free (self->reason);
}

void
reel_gpu_report_unref (ReelGpuReport *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) report_clear);
}

guint
reel_gpu_report_get_n_gpus (ReelGpuReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->gpus->len;
}

const ReelGpuInfo *
reel_gpu_report_get_gpu (ReelGpuReport *self, guint i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->gpus->len, NULL);

  return g_ptr_array_index (self->gpus, i);
}

const char *
reel_gpu_report_get_reason (ReelGpuReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->reason;
}
