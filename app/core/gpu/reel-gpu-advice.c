/* reel-gpu-advice.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-gpu"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-gpu-advice.h"

/* Wan 2.2's own defaults: 50 sampling steps for TI2V-5B, 40 for A14B. */
#define TI2V_5B_STEPS 50
#define A14B_STEPS 40
#define LORA_STEPS 4

void
reel_gpu_advice_free (ReelGpuAdvice *advice)
{
  if (advice == NULL)
    return;
  g_free (advice->summary);
  g_free (advice->details);
  g_free (advice);
}

static ReelGpuTier
tier_for_memory (guint64 total_memory)
{
  if (total_memory == 0)
    return REEL_GPU_TIER_UNKNOWN_MEMORY;
  if (total_memory >= REEL_GPU_TIER_80GB_MIN)
    return REEL_GPU_TIER_A14B_FULL;
  if (total_memory >= REEL_GPU_TIER_24GB_MIN)
    return REEL_GPU_TIER_A14B_FP8_4STEP;
  if (total_memory >= REEL_GPU_TIER_16GB_MIN)
    return REEL_GPU_TIER_TI2V_5B_OFFLOAD;
  return REEL_GPU_TIER_TOO_SMALL;
}

static ReelGpuAdvice *
advice_new (ReelGpuTier tier, guint64 total_memory, const char *no_gpu_reason)
{
  ReelGpuAdvice   *advice = g_new0 (ReelGpuAdvice, 1);
  g_autofree char *memory = g_format_size_full (total_memory, G_FORMAT_SIZE_IEC_UNITS);

  advice->tier = tier;
  switch (tier)
    {
      case REEL_GPU_TIER_NO_GPU:
        advice->summary = g_strdup (_ ("No local video generation"));
        /* Translators: %s says why there is no GPU */
        advice->details = g_strdup_printf (
            _ ("%s Remote engines and the animatic work without a GPU."),
            no_gpu_reason != NULL ? no_gpu_reason : _ ("There is no NVIDIA GPU."));
        break;
      case REEL_GPU_TIER_UNKNOWN_MEMORY:
        advice->summary = g_strdup (_ ("No proposal: the GPU’s memory is unknown"));
        advice->details = g_strdup (
            _ ("The driver does not say how much video memory this GPU has. Wan 2.2 needs at "
               "least 16 GB: TI2V-5B with CPU offload from 16 GB, A14B from 24 GB."));
        break;
      case REEL_GPU_TIER_TOO_SMALL:
        advice->summary = g_strdup (_ ("Too little video memory for Wan 2.2"));
        /* Translators: %s is the GPU's memory, "12.0 GiB" */
        advice->details = g_strdup_printf (
            _ ("This GPU has %s; Wan 2.2 needs at least 16 GB, even the small TI2V-5B model "
               "with CPU offload. Use a remote engine or the animatic."),
            memory);
        break;
      case REEL_GPU_TIER_TI2V_5B_OFFLOAD:
        advice->model = "wan2.2-ti2v-5b";
        advice->precision = "bf16";
        advice->cpu_offload = TRUE;
        advice->steps = TI2V_5B_STEPS;
        advice->summary = g_strdup (_ ("Wan 2.2 TI2V-5B with CPU offload"));
        advice->details = g_strdup (
            _ ("The small model, 720p at 24 fps, with its weights moved to main memory between "
               "steps: slower, but it fits. The A14B models need 24 GB."));
        break;
      case REEL_GPU_TIER_A14B_FP8_4STEP:
        advice->model = "wan2.2-a14b";
        advice->precision = "fp8";
        advice->four_step_lora = TRUE;
        advice->steps = LORA_STEPS;
        advice->summary = g_strdup (_ ("Wan 2.2 A14B in fp8 with the LightX2V 4-step LoRAs"));
        advice->details = g_strdup (
            _ ("The large models in 8-bit weights, in 4 steps instead of 40. TI2V-5B fits too, "
               "without offload. The full A14B needs 80 GB."));
        break;
      case REEL_GPU_TIER_A14B_FULL:
        advice->model = "wan2.2-a14b";
        advice->precision = "bf16";
        advice->steps = A14B_STEPS;
        advice->summary = g_strdup (_ ("Wan 2.2 A14B in full precision"));
        advice->details = g_strdup (
            _ ("The large models as published, with their usual 40 steps, no offload and no "
               "quantisation."));
        break;
      default:
        g_assert_not_reached ();
    }
  return advice;
}

ReelGpuAdvice *
reel_gpu_advice_new_for_memory (guint64 total_memory)
{
  return advice_new (tier_for_memory (total_memory), total_memory, NULL);
}

ReelGpuAdvice *
reel_gpu_advice_new_for_gpu (const ReelGpuInfo *gpu)
{
  ReelGpuAdvice *advice;

  g_return_val_if_fail (gpu != NULL, NULL);

  advice = reel_gpu_advice_new_for_memory (gpu->total_memory);
  advice->gpu_index = gpu->index;
  return advice;
}

ReelGpuAdvice *
reel_gpu_advice_new_for_report (ReelGpuReport *report)
{
  const ReelGpuInfo *largest = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  for (guint i = 0; i < reel_gpu_report_get_n_gpus (report); i++)
    {
      const ReelGpuInfo *gpu = reel_gpu_report_get_gpu (report, i);

      if (largest == NULL || gpu->total_memory > largest->total_memory)
        largest = gpu;
    }
  if (largest == NULL)
    return advice_new (REEL_GPU_TIER_NO_GPU, 0, reel_gpu_report_get_reason (report));
  return reel_gpu_advice_new_for_gpu (largest);
}
