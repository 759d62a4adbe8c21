/* test-gpu-cli.c: the GPU section of `storyreel backends`
 *
 * The binary of the build tree runs with $STORYREEL_GPU_LIBRARY_PATH set to
 * a fake driver's folder, or to an empty one as on a computer without the
 * NVIDIA driver, where the command must still succeed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fake-driver.h"
#include "reel-gpu-probe.h"
#include "reel-test-utils.h"

/* Another program's output, one line per message: a line of it must not
 * pass for one of this test's TAP lines. */
static void
print_lines (const char *what, const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_test_message ("%s: %s", what, lines[i]);
}

/* Runs `storyreel backends` with @library_path and @fake_nvml_mode (or
 * none); returns its output after "GPU:", and asserts it succeeded. The
 * section about sd-cli goes to @sd_cli unless it is NULL. */
static char *
run_backends_full (const char *library_path, const char *fake_nvml_mode, char **sd_cli)
{
  g_autofree char *binary = reel_test_build_path ("app/storyreel");
  g_autofree char *path_setting
      = g_strdup_printf ("%s=%s", REEL_GPU_LIBRARY_PATH_ENV, library_path);
  g_autofree char *mode_setting
      = g_strdup_printf ("STORYREEL_FAKE_NVML=%s", fake_nvml_mode != NULL ? fake_nvml_mode : "");
  const char *const argv[] = { "env", path_setting, mode_setting, binary, "backends", NULL };
  g_autofree char  *out = NULL;
  g_autofree char  *err = NULL;
  const char       *section;
  int               status;

  status = reel_test_spawn (argv, NULL, &out, &err);
  print_lines ("stdout", out);
  print_lines ("stderr", err);
  g_assert_cmpint (status, ==, 0);
  /* The engines are still listed. */
  g_assert_nonnull (strstr (out, "animatic\t"));
  section = strstr (out, "\nGPU:\n");
  g_assert_nonnull (section);
  if (sd_cli != NULL)
    {
      const char *start = strstr (out, "\nsd-cli\t");

      g_assert_nonnull (start);
      g_assert_true (start < section);
      *sd_cli = g_strndup (start, section - start);
    }
  return g_strdup (section);
}

static char *
run_backends (const char *library_path, const char *fake_nvml_mode)
{
  return run_backends_full (library_path, fake_nvml_mode, NULL);
}

static char *
fake_dir (const char *name)
{
  g_autofree char *relative = g_build_filename ("tests", "gpu", name, NULL);

  return reel_test_build_path (relative);
}

static void
assert_has (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_test_fail_printf ("“%s” is not in:\n%s", part, text);
}

static void
test_fake_gpus (void)
{
  g_autofree char *dir = fake_dir ("fake-nvml");
  g_autofree char *sd_cli = NULL;
  g_autofree char *gpus = run_backends_full (dir, NULL, &sd_cli);

  assert_has (gpus, "  0\t" FAKE_NVML_GPU0_NAME "\n");
  assert_has (gpus, "video memory: 24.0\u00a0GiB, 20.5\u00a0GiB free\n");
  assert_has (gpus, "NVIDIA driver " FAKE_NVML_DRIVER_VERSION "\n");
  assert_has (gpus, "id: " FAKE_NVML_GPU0_UUID "\n");
  assert_has (gpus, "suggested: Wan 2.2 A14B in fp8 with the LightX2V 4-step LoRAs\n");
  assert_has (gpus, "  1\t" FAKE_NVML_GPU1_NAME "\n");
  assert_has (gpus, "video memory: 80.0\u00a0GiB, 79.1\u00a0GiB free\n");
  assert_has (gpus, "suggested: Wan 2.2 A14B in full precision\n");
  assert_has (gpus, "one job per GPU");
  /* sd-cli runs one job on each. */
  assert_has (sd_cli, "  jobs at once: 2\n");
  g_assert_null (strstr (sd_cli, "No NVIDIA GPU"));
}

static void
test_cuda_gpu (void)
{
  g_autofree char *dir = fake_dir ("fake-cuda");
  g_autofree char *gpus = run_backends (dir, NULL);

  assert_has (gpus, "  0\t" FAKE_CUDA_GPU0_NAME "\n");
  assert_has (gpus, "video memory: 16.0\u00a0GiB\n");
  assert_has (gpus, "NVIDIA driver for CUDA 12.4\n");
  assert_has (gpus, "suggested: Wan 2.2 TI2V-5B with CPU offload\n");
}

/* No driver: the command says so plainly and succeeds. */
static void
test_no_driver (void)
{
  g_autofree char *empty = reel_test_make_tmpdir ();
  g_autofree char *sd_cli = NULL;
  g_autofree char *gpus = run_backends_full (empty, NULL, &sd_cli);

  assert_has (gpus, "  none: No NVIDIA driver was found in ");
  assert_has (gpus, "Remote engines and the animatic work without a GPU.");
  /* sd-cli still runs, slowly, and says so. */
  assert_has (sd_cli, "  No NVIDIA GPU found: sd-cli runs on the CPU or on the GPU backend it "
                      "was built for, which may be very slow\n");
  assert_has (sd_cli, "  jobs at once: 1\n");
  reel_test_rm_rf (empty);
}

static void
test_driver_not_running (void)
{
  g_autofree char *dir = fake_dir ("fake-nvml");
  g_autofree char *gpus = run_backends (dir, "driver-not-loaded");

  assert_has (gpus, "  none: The NVIDIA driver is installed but not running");
}

/* A driver that does not answer holds the command up for 20 seconds, no more. */
static void
test_driver_hangs (void)
{
  g_autofree char *dir = fake_dir ("fake-nvml");
  g_autofree char *gpus = run_backends (dir, "hang");

  assert_has (gpus, "  none: The NVIDIA driver did not answer within 20 seconds.\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gpu/cli/fake-gpus", test_fake_gpus);
  g_test_add_func ("/gpu/cli/cuda-gpu", test_cuda_gpu);
  g_test_add_func ("/gpu/cli/no-driver", test_no_driver);
  g_test_add_func ("/gpu/cli/driver-not-running", test_driver_not_running);
  g_test_add_func ("/gpu/cli/driver-hangs", test_driver_hangs);

  return g_test_run ();
}
