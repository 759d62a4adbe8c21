/* test-gpu-advice.c: which Wan 2.2 model is proposed for which GPU
 *
 * The sizes are what real cards report through NVML, which is less than
 * they are sold with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "reel-gpu-advice.h"
#include "reel-gpu-enums.h"
#include "reel-test-utils.h"

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)

typedef struct
{
  const char *card;
  guint64     total_memory;
  ReelGpuTier tier;
} Card;

static const Card cards[] = {
  { "GeForce RTX 3060 Ti (8 GB)", 8192 * MIB, REEL_GPU_TIER_TOO_SMALL },
  { "GeForce RTX 3060 (12 GB)", 12288 * MIB, REEL_GPU_TIER_TOO_SMALL },
  { "a 14 GiB card", 14336 * MIB, REEL_GPU_TIER_TOO_SMALL },
  { "Tesla T4 (16 GB)", 15360 * MIB, REEL_GPU_TIER_TI2V_5B_OFFLOAD },
  { "GeForce RTX 4060 Ti 16 GB", 16380 * MIB, REEL_GPU_TIER_TI2V_5B_OFFLOAD },
  { "RTX 4000 Ada (20 GB)", 20475 * MIB, REEL_GPU_TIER_TI2V_5B_OFFLOAD },
  { "L4 (24 GB)", 23034 * MIB, REEL_GPU_TIER_A14B_FP8_4STEP },
  { "GeForce RTX 4090 (24 GB)", 24564 * MIB, REEL_GPU_TIER_A14B_FP8_4STEP },
  { "GeForce RTX 5090 (32 GB)", 32607 * MIB, REEL_GPU_TIER_A14B_FP8_4STEP },
  { "L40S (48 GB)", 46068 * MIB, REEL_GPU_TIER_A14B_FP8_4STEP },
  { "H100 PCIe (80 GB)", 81559 * MIB, REEL_GPU_TIER_A14B_FULL },
  { "A100 SXM4 (80 GB)", 81920 * MIB, REEL_GPU_TIER_A14B_FULL },
  { "H200 (141 GB)", 143771 * MIB, REEL_GPU_TIER_A14B_FULL },
};

static const char *
tier_name (ReelGpuTier tier)
{
  GEnumClass *klass = g_type_class_ref (REEL_TYPE_GPU_TIER);
  const char *name = g_enum_get_value (klass, tier)->value_nick;

  g_type_class_unref (klass);
  return name;
}

static void
assert_advice_consistent (const ReelGpuAdvice *advice)
{
  g_assert_nonnull (advice->summary);
  g_assert_nonnull (advice->details);
  switch (advice->tier)
    {
      case REEL_GPU_TIER_NO_GPU:
      case REEL_GPU_TIER_UNKNOWN_MEMORY:
      case REEL_GPU_TIER_TOO_SMALL:
        g_assert_null (advice->model);
        g_assert_null (advice->precision);
        g_assert_false (advice->cpu_offload);
        g_assert_false (advice->four_step_lora);
        g_assert_cmpuint (advice->steps, ==, 0);
        break;
      case REEL_GPU_TIER_TI2V_5B_OFFLOAD:
        g_assert_cmpstr (advice->model, ==, "wan2.2-ti2v-5b");
        g_assert_cmpstr (advice->precision, ==, "bf16");
        g_assert_true (advice->cpu_offload);
        g_assert_false (advice->four_step_lora);
        g_assert_cmpuint (advice->steps, ==, 50);
        g_assert_nonnull (strstr (advice->summary, "TI2V-5B"));
        g_assert_nonnull (strstr (advice->summary, "offload"));
        break;
      case REEL_GPU_TIER_A14B_FP8_4STEP:
        g_assert_cmpstr (advice->model, ==, "wan2.2-a14b");
        g_assert_cmpstr (advice->precision, ==, "fp8");
        g_assert_false (advice->cpu_offload);
        g_assert_true (advice->four_step_lora);
        g_assert_cmpuint (advice->steps, ==, 4);
        g_assert_nonnull (strstr (advice->summary, "A14B"));
        g_assert_nonnull (strstr (advice->summary, "fp8"));
        g_assert_nonnull (strstr (advice->summary, "LightX2V 4-step"));
        break;
      case REEL_GPU_TIER_A14B_FULL:
        g_assert_cmpstr (advice->model, ==, "wan2.2-a14b");
        g_assert_cmpstr (advice->precision, ==, "bf16");
        g_assert_false (advice->cpu_offload);
        g_assert_false (advice->four_step_lora);
        g_assert_cmpuint (advice->steps, ==, 40);
        break;
      default:
        g_assert_not_reached ();
    }
}

static void
test_real_cards (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cards); i++)
    {
      g_autoptr (ReelGpuAdvice) advice = reel_gpu_advice_new_for_memory (cards[i].total_memory);

      g_test_message ("%s → %s: %s", cards[i].card, tier_name (advice->tier), advice->summary);
      g_assert_cmpstr (tier_name (advice->tier), ==, tier_name (cards[i].tier));
      assert_advice_consistent (advice);
    }
}

/* Each tier begins exactly at its threshold. */
static void
test_thresholds (void)
{
  const struct
  {
    guint64     threshold;
    ReelGpuTier below;
    ReelGpuTier at;
  } edges[] = {
    { REEL_GPU_TIER_16GB_MIN, REEL_GPU_TIER_TOO_SMALL, REEL_GPU_TIER_TI2V_5B_OFFLOAD },
    { REEL_GPU_TIER_24GB_MIN, REEL_GPU_TIER_TI2V_5B_OFFLOAD, REEL_GPU_TIER_A14B_FP8_4STEP },
    { REEL_GPU_TIER_80GB_MIN, REEL_GPU_TIER_A14B_FP8_4STEP, REEL_GPU_TIER_A14B_FULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    {
      g_autoptr (ReelGpuAdvice) below = reel_gpu_advice_new_for_memory (edges[i].threshold - 1);
      g_autoptr (ReelGpuAdvice) at = reel_gpu_advice_new_for_memory (edges[i].threshold);

      g_assert_cmpstr (tier_name (below->tier), ==, tier_name (edges[i].below));
      g_assert_cmpstr (tier_name (at->tier), ==, tier_name (edges[i].at));
    }
  /* Every nominal size clears its own tier with room for the driver's share. */
  g_assert_cmpuint (REEL_GPU_TIER_16GB_MIN, <, 15360 * MIB);
  g_assert_cmpuint (REEL_GPU_TIER_24GB_MIN, <, 23034 * MIB);
  g_assert_cmpuint (REEL_GPU_TIER_80GB_MIN, <, 81559 * MIB);
  /* And no card of the size below reaches it. */
  g_assert_cmpuint (REEL_GPU_TIER_16GB_MIN, >, 12288 * MIB);
  g_assert_cmpuint (REEL_GPU_TIER_24GB_MIN, >, 20480 * MIB);
  g_assert_cmpuint (REEL_GPU_TIER_80GB_MIN, >, 49152 * MIB);
}

/* Under 16 GB, the advice says that Wan 2.2 cannot run, and why. */
static void
test_too_small (void)
{
  g_autoptr (ReelGpuAdvice) advice = reel_gpu_advice_new_for_memory (12288 * MIB);

  g_assert_cmpint (advice->tier, ==, REEL_GPU_TIER_TOO_SMALL);
  g_assert_nonnull (strstr (advice->details, "12.0\u00a0GiB"));
  g_assert_nonnull (strstr (advice->details, "16 GB"));
  g_assert_nonnull (strstr (advice->details, "remote engine"));
}

static void
test_unknown_memory (void)
{
  g_autoptr (ReelGpuAdvice) advice = reel_gpu_advice_new_for_memory (0);

  g_assert_cmpint (advice->tier, ==, REEL_GPU_TIER_UNKNOWN_MEMORY);
  assert_advice_consistent (advice);
}

static ReelGpuInfo *
gpu_new (guint index, const char *name, guint64 total_memory)
{
  ReelGpuInfo *gpu = reel_gpu_info_new ();

  gpu->index = index;
  gpu->name = g_strdup (name);
  gpu->total_memory = total_memory;
  gpu->source = "nvml";
  return gpu;
}

/* For a report: the GPU with the most memory, by its index. */
static void
test_report (void)
{
  GPtrArray *gpus = g_ptr_array_new ();
  g_autoptr (ReelGpuReport) report = NULL;
  g_autoptr (ReelGpuAdvice) advice = NULL;
  g_autoptr (ReelGpuAdvice) first = NULL;

  g_ptr_array_add (gpus, gpu_new (0, "NVIDIA GeForce RTX 4090", 24564 * MIB));
  g_ptr_array_add (gpus, gpu_new (1, "NVIDIA A100-SXM4-80GB", 81920 * MIB));
  report = reel_gpu_report_new (gpus, NULL);

  advice = reel_gpu_advice_new_for_report (report);
  g_assert_cmpint (advice->tier, ==, REEL_GPU_TIER_A14B_FULL);
  g_assert_cmpuint (advice->gpu_index, ==, 1);

  first = reel_gpu_advice_new_for_gpu (reel_gpu_report_get_gpu (report, 0));
  g_assert_cmpint (first->tier, ==, REEL_GPU_TIER_A14B_FP8_4STEP);
  g_assert_cmpuint (first->gpu_index, ==, 0);
}

/* With no GPU, the advice carries the probe's reason and says what still works. */
static void
test_no_gpu (void)
{
  g_autoptr (ReelGpuReport) report = reel_gpu_report_new (
      g_ptr_array_new (), "No NVIDIA driver was found (libnvidia-ml.so.1 is not installed).");
  g_autoptr (ReelGpuAdvice) advice = reel_gpu_advice_new_for_report (report);

  g_assert_cmpint (advice->tier, ==, REEL_GPU_TIER_NO_GPU);
  assert_advice_consistent (advice);
  g_assert_nonnull (strstr (advice->details, "libnvidia-ml.so.1 is not installed"));
  g_assert_nonnull (strstr (advice->details, "Remote engines and the animatic work"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gpu/advice/real-cards", test_real_cards);
  g_test_add_func ("/gpu/advice/thresholds", test_thresholds);
  g_test_add_func ("/gpu/advice/too-small", test_too_small);
  g_test_add_func ("/gpu/advice/unknown-memory", test_unknown_memory);
  g_test_add_func ("/gpu/advice/report", test_report);
  g_test_add_func ("/gpu/advice/no-gpu", test_no_gpu);

  return g_test_run ();
}
