/* reel-gpu-advice.h: which Wan 2.2 model a GPU can run locally
 *
 * Proposed from the GPU's video memory, for the local engines (ComfyUI,
 * stable-diffusion.cpp) and for the user in Preferences and
 * `storyreel backends`:
 *
 * - under 16 GB: no Wan 2.2 video at all, not even TI2V-5B with offload;
 * - 16 GB up to 24 GB: Wan 2.2 TI2V-5B, with the model offloaded to main
 *   memory between steps;
 * - 24 GB up to 80 GB: Wan 2.2 A14B in fp8 with the LightX2V 4-step LoRAs;
 * - 80 GB and more: Wan 2.2 A14B in full precision.
 *
 * A card reports less memory than it is sold with (the driver keeps some: a
 * 24 GB L4 reports 22.5 GiB, a 16 GB T4 15 GiB, an 80 GB H100 79.6 GiB), so
 * each tier begins a little below its nominal size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-gpu-report.h"

G_BEGIN_DECLS

/* Where each tier begins, in bytes of reported memory. */
#define REEL_GPU_TIER_16GB_MIN (G_GUINT64_CONSTANT (14848) * 1024 * 1024) /* 14.5 GiB */
#define REEL_GPU_TIER_24GB_MIN (G_GUINT64_CONSTANT (22) * 1024 * 1024 * 1024)
#define REEL_GPU_TIER_80GB_MIN (G_GUINT64_CONSTANT (75) * 1024 * 1024 * 1024)

typedef enum
{
  REEL_GPU_TIER_NO_GPU,         /* no NVIDIA GPU: local engines cannot run */
  REEL_GPU_TIER_UNKNOWN_MEMORY, /* the driver does not say how much memory it has */
  REEL_GPU_TIER_TOO_SMALL,      /* under 16 GB */
  REEL_GPU_TIER_TI2V_5B_OFFLOAD,
  REEL_GPU_TIER_A14B_FP8_4STEP,
  REEL_GPU_TIER_A14B_FULL,
} ReelGpuTier;

typedef struct
{
  ReelGpuTier tier;
  /* The GPU it is for; meaningless for REEL_GPU_TIER_NO_GPU. */
  guint gpu_index;
  /* What the local engines load, or NULL when Wan 2.2 cannot run:
   * "wan2.2-ti2v-5b", "wan2.2-a14b". */
  const char *model;
  /* "bf16" or "fp8"; NULL with no model. */
  const char *precision;
  /* Model weights move to main memory between steps. */
  gboolean cpu_offload;
  /* The LightX2V 4-step distillation LoRAs (high and low noise) are loaded. */
  gboolean four_step_lora;
  /* Sampling steps to ask for; 0 with no model. */
  guint steps;
  /* One line for the user: "Wan 2.2 TI2V-5B with CPU offload" (translated). */
  char *summary;
  /* A sentence or two on what it means and what would need more memory. */
  char *details;
} ReelGpuAdvice;

void reel_gpu_advice_free (ReelGpuAdvice *advice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelGpuAdvice, reel_gpu_advice_free)

/* The advice for a GPU with @total_memory bytes (0: unknown). */
ReelGpuAdvice *reel_gpu_advice_new_for_memory (guint64 total_memory);
ReelGpuAdvice *reel_gpu_advice_new_for_gpu (const ReelGpuInfo *gpu);
/* For the report's GPU with the most memory; with no GPU, NO_GPU and the
 * report's reason. */
ReelGpuAdvice *reel_gpu_advice_new_for_report (ReelGpuReport *report);

G_END_DECLS
