/* test-gpu-probe.c: the GPU probe, loading fake NVIDIA drivers through dlopen
 *
 * There is no NVIDIA GPU where these tests run. The probe loads the fakes
 * of fake-driver.h from folders of their own, the way it loads the real
 * driver, and must report exactly what they say; from an empty folder it
 * must report no GPU and say why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gmodule.h>
#include <unistd.h>

#include "fake-driver.h"
#include "reel-gpu-probe.h"
#include "reel-test-utils.h"

#define WAIT_MS 30000

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

/* The folder of a fake driver in the build tree: "fake-nvml". */
static char *
fake_dir (const char *name)
{
  g_autofree char *relative = g_build_filename ("tests", "gpu", name, NULL);

  return reel_test_build_path (relative);
}

/* The fake's controls, from the very library the probe loads: the same file
 * opened again is the same library, with the same state. */
typedef struct
{
  void (*set_mode) (const char *mode);
  unsigned int (*get_init_count) (void);
  int (*get_open_count) (void);
} FakeNvml;

typedef struct
{
  void (*set_mode) (const char *mode);
  unsigned int (*get_init_count) (void);
} FakeCuda;

static GModule *
open_fake (const char *dir_name, const char *soname)
{
  g_autofree char *dir = fake_dir (dir_name);
  g_autofree char *path = g_build_filename (dir, soname, NULL);
  GModule         *module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);

  if (module == NULL)
    g_error ("Could not load the fake %s: %s", path, g_module_error ());
  g_module_make_resident (module);
  return module;
}

static FakeNvml
fake_nvml (void)
{
  GModule *module = open_fake ("fake-nvml", "libnvidia-ml.so.1");
  FakeNvml fake = { 0 };

  g_assert_true (g_module_symbol (module, "fake_nvml_set_mode", (gpointer *) &fake.set_mode));
  g_assert_true (
      g_module_symbol (module, "fake_nvml_get_init_count", (gpointer *) &fake.get_init_count));
  g_assert_true (
      g_module_symbol (module, "fake_nvml_get_open_count", (gpointer *) &fake.get_open_count));
  fake.set_mode (NULL);
  return fake;
}

static FakeCuda
fake_cuda (void)
{
  GModule *module = open_fake ("fake-cuda", "libcuda.so.1");
  FakeCuda fake = { 0 };

  g_assert_true (g_module_symbol (module, "fake_cuda_set_mode", (gpointer *) &fake.set_mode));
  g_assert_true (
      g_module_symbol (module, "fake_cuda_get_init_count", (gpointer *) &fake.get_init_count));
  fake.set_mode (NULL);
  return fake;
}

/* A probe looking only in the fakes' folders @names ("fake-nvml", …). */
static ReelGpuProbe *
probe_for (const char *const *names)
{
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (dirs, fake_dir (names[i]));
  g_ptr_array_add (dirs, NULL);
  {
    g_autofree char *path = g_strjoinv (G_SEARCHPATH_SEPARATOR_S, (char **) dirs->pdata);
    return reel_gpu_probe_new_for_library_path (path);
  }
}

#define PROBE_FOR(...) probe_for ((const char *const[]){ __VA_ARGS__, NULL })

static ReelGpuReport *
query (const char *const *names)
{
  g_autoptr (ReelGpuProbe) probe = probe_for (names);

  return reel_gpu_probe_query (probe);
}

#define QUERY(...) query ((const char *const[]){ __VA_ARGS__, NULL })

static void
assert_no_gpu (ReelGpuReport *report, const char *reason_part)
{
  const char *reason = reel_gpu_report_get_reason (report);

  g_test_message ("reason: %s", reason);
  g_assert_cmpuint (reel_gpu_report_get_n_gpus (report), ==, 0);
  g_assert_nonnull (reason);
  g_assert_true (g_utf8_validate (reason, -1, NULL));
  if (strstr (reason, reason_part) == NULL)
    g_test_fail_printf ("The reason “%s” does not say “%s”", reason, reason_part);
}

static void
assert_fake_nvml_gpus (ReelGpuReport *report)
{
  const ReelGpuInfo *gpu;

  g_assert_cmpuint (reel_gpu_report_get_n_gpus (report), ==, 2);
  g_assert_null (reel_gpu_report_get_reason (report));

  gpu = reel_gpu_report_get_gpu (report, 0);
  g_assert_cmpuint (gpu->index, ==, 0);
  g_assert_cmpstr (gpu->name, ==, FAKE_NVML_GPU0_NAME);
  g_assert_cmpstr (gpu->uuid, ==, FAKE_NVML_GPU0_UUID);
  g_assert_cmpuint (gpu->total_memory, ==, FAKE_NVML_GPU0_TOTAL);
  g_assert_true (gpu->free_memory_known);
  g_assert_cmpuint (gpu->free_memory, ==, FAKE_NVML_GPU0_FREE);
  g_assert_cmpstr (gpu->driver_version, ==, FAKE_NVML_DRIVER_VERSION);
  g_assert_cmpstr (gpu->source, ==, "nvml");

  gpu = reel_gpu_report_get_gpu (report, 1);
  g_assert_cmpuint (gpu->index, ==, 1);
  g_assert_cmpstr (gpu->name, ==, FAKE_NVML_GPU1_NAME);
  g_assert_cmpstr (gpu->uuid, ==, FAKE_NVML_GPU1_UUID);
  g_assert_cmpuint (gpu->total_memory, ==, FAKE_NVML_GPU1_TOTAL);
  g_assert_cmpuint (gpu->free_memory, ==, FAKE_NVML_GPU1_FREE);
  g_assert_cmpstr (gpu->driver_version, ==, FAKE_NVML_DRIVER_VERSION);
  g_assert_cmpstr (gpu->source, ==, "nvml");
}

/* No driver: neither library where the probe looks */

static void
test_no_driver (void)
{
  g_autofree char *empty = reel_test_make_tmpdir ();
  g_autoptr (ReelGpuProbe) probe = reel_gpu_probe_new_for_library_path (empty);
  g_autoptr (ReelGpuReport) report = reel_gpu_probe_query (probe);

  assert_no_gpu (report, "No NVIDIA driver was found");
  g_assert_nonnull (strstr (reel_gpu_report_get_reason (report), empty));
  reel_test_rm_rf (empty);
}

/* What the system's loader finds (on a computer with the driver, real GPUs),
 * in a process of its own: there, no fake of the same name is loaded yet. */
static void
test_system_loader (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (ReelGpuProbe) probe = reel_gpu_probe_new_for_library_path (NULL);
      g_autoptr (ReelGpuReport) report = reel_gpu_probe_query (probe);
      guint n_gpus = reel_gpu_report_get_n_gpus (report);

      g_assert_null (reel_gpu_probe_get_library_path (probe));
      /* Either GPUs, or none and a reason: never both, never neither. */
      g_assert_true ((n_gpus > 0) == (reel_gpu_report_get_reason (report) == NULL));
      for (guint i = 0; i < n_gpus; i++)
        {
          const ReelGpuInfo *gpu = reel_gpu_report_get_gpu (report, i);

          g_assert_nonnull (gpu->name);
          g_test_message ("GPU %u: %s", gpu->index, gpu->name);
        }
      if (n_gpus == 0)
        g_test_message ("no GPU: %s", reel_gpu_report_get_reason (report));
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Without a library path, the loader's own search finds the library: here
 * through $LD_LIBRARY_PATH, which the loader reads only at start, so in a
 * child started with it. */
#define LOADER_CHILD_ENV "STORYREEL_TEST_LOADER_CHILD"

static void
test_loader_search (void)
{
  g_autofree char *self = NULL;
  g_autofree char *nvml = NULL;
  g_autofree char *loader_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;

  if (g_getenv (LOADER_CHILD_ENV) != NULL)
    {
      g_autoptr (ReelGpuProbe) probe = reel_gpu_probe_new_for_library_path (NULL);
      g_autoptr (ReelGpuReport) report = reel_gpu_probe_query (probe);

      assert_fake_nvml_gpus (report);
      return;
    }

  self = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  nvml = fake_dir ("fake-nvml");
  loader_path = g_strdup_printf ("LD_LIBRARY_PATH=%s", nvml);
  {
    const char *const argv[] = { "env", loader_path, LOADER_CHILD_ENV "=1",
                                 self,  "-p",        "/gpu/probe/loader-search",
                                 NULL };
    int               status = reel_test_spawn (argv, NULL, &out, &err);

    print_lines ("child", out);
    print_lines ("child", err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "ok 1 /gpu/probe/loader-search"));
  }
}

/* $STORYREEL_GPU_LIBRARY_PATH, set in a process of its own before any
 * thread starts. */
static void
test_environment (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *nvml = fake_dir ("fake-nvml");
      g_autoptr (ReelGpuProbe) probe = NULL;
      g_autoptr (ReelGpuReport) report = NULL;

      g_setenv (REEL_GPU_LIBRARY_PATH_ENV, nvml, TRUE);
      probe = reel_gpu_probe_new ();
      g_assert_cmpstr (reel_gpu_probe_get_library_path (probe), ==, nvml);
      report = reel_gpu_probe_query (probe);
      assert_fake_nvml_gpus (report);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_library_path (void)
{
  g_autofree char *cuda = fake_dir ("fake-cuda");
  g_autofree char *padded = g_strdup_printf (":%s:", cuda);
  g_autoptr (ReelGpuProbe) blank = reel_gpu_probe_new_for_library_path ("");
  g_autoptr (ReelGpuProbe) probe = reel_gpu_probe_new_for_library_path (padded);
  g_autoptr (ReelGpuReport) report = NULL;

  /* An empty value is as good as none: the loader's search. */
  g_assert_null (reel_gpu_probe_get_library_path (blank));

  /* Empty entries are skipped, the others searched. */
  fake_cuda ();
  report = reel_gpu_probe_query (probe);
  g_assert_cmpuint (reel_gpu_report_get_n_gpus (report), ==, 1);
  g_assert_cmpstr (reel_gpu_report_get_gpu (report, 0)->name, ==, FAKE_CUDA_GPU0_NAME);
}

/* NVML */

static void
test_nvml (void)
{
  FakeNvml fake = fake_nvml ();
  guint    inits = fake.get_init_count ();
  g_autoptr (ReelGpuReport) report = QUERY ("fake-nvml");
  g_autofree char *memory = NULL;
  g_autofree char *driver = NULL;

  assert_fake_nvml_gpus (report);
  g_assert_cmpuint (fake.get_init_count (), ==, inits + 1);
  /* Every nvmlInit_v2 is matched by nvmlShutdown. */
  g_assert_cmpint (fake.get_open_count (), ==, 0);

  memory = reel_gpu_info_describe_memory (reel_gpu_report_get_gpu (report, 0));
  g_assert_cmpstr (memory, ==, "24.0\u00a0GiB, 20.5\u00a0GiB free");
  driver = reel_gpu_info_describe_driver (reel_gpu_report_get_gpu (report, 0));
  g_assert_cmpstr (driver, ==, "NVIDIA driver " FAKE_NVML_DRIVER_VERSION);
}

static void
assert_nvml_fails (const char *mode, const char *reason_part)
{
  FakeNvml fake = fake_nvml ();
  FakeCuda cuda = fake_cuda ();
  guint    cuda_inits = cuda.get_init_count ();
  g_autoptr (ReelGpuReport) report = NULL;

  g_test_message ("NVML mode %s", mode);
  fake.set_mode (mode);
  report = QUERY ("fake-nvml");
  assert_no_gpu (report, reason_part);
  g_assert_cmpint (fake.get_open_count (), ==, 0);
  /* No libcuda.so.1 in that folder: the fallback found nothing to load. */
  g_assert_cmpuint (cuda.get_init_count (), ==, cuda_inits);
  fake.set_mode (NULL);
}

static void
test_nvml_failures (void)
{
  assert_nvml_fails ("driver-not-loaded", "not running");
  assert_nvml_fails ("no-permission", "/dev/nvidia");
  assert_nvml_fails ("unknown-error", "Unknown Error (NVML error 999)");
  assert_nvml_fails ("no-gpu", "found no NVIDIA GPU");
  assert_nvml_fails ("broken-devices", "GPU is lost (NVML error 15)");
}

/* A GPU that tells no memory is still a GPU. */
static void
test_nvml_no_memory_info (void)
{
  FakeNvml fake = fake_nvml ();
  g_autoptr (ReelGpuReport) report = NULL;
  g_autofree char   *memory = NULL;
  const ReelGpuInfo *gpu;

  fake.set_mode ("no-memory-info");
  report = QUERY ("fake-nvml");
  fake.set_mode (NULL);

  g_assert_cmpuint (reel_gpu_report_get_n_gpus (report), ==, 2);
  gpu = reel_gpu_report_get_gpu (report, 0);
  g_assert_cmpstr (gpu->name, ==, FAKE_NVML_GPU0_NAME);
  g_assert_cmpuint (gpu->total_memory, ==, 0);
  g_assert_false (gpu->free_memory_known);
  memory = reel_gpu_info_describe_memory (gpu);
  g_assert_cmpstr (memory, ==, "unknown");
}

static void
test_nvml_too_old (void)
{
  g_autoptr (ReelGpuReport) report = QUERY ("fake-nvml-old");

  assert_no_gpu (report, "too old");
  g_assert_nonnull (strstr (reel_gpu_report_get_reason (report), "nvmlDeviceGetCount_v2"));
}

/* The CUDA driver API, when NVML is missing or fails */

static void
assert_fake_cuda_gpu (ReelGpuReport *report)
{
  const ReelGpuInfo *gpu;
  g_autofree char   *memory = NULL;
  g_autofree char   *driver = NULL;

  g_assert_cmpuint (reel_gpu_report_get_n_gpus (report), ==, 1);
  g_assert_null (reel_gpu_report_get_reason (report));
  gpu = reel_gpu_report_get_gpu (report, 0);
  g_assert_cmpuint (gpu->index, ==, 0);
  g_assert_cmpstr (gpu->name, ==, FAKE_CUDA_GPU0_NAME);
  g_assert_cmpstr (gpu->uuid, ==, FAKE_CUDA_GPU0_UUID);
  g_assert_cmpuint (gpu->total_memory, ==, FAKE_CUDA_GPU0_TOTAL);
  /* Telling it would take a CUDA context. */
  g_assert_false (gpu->free_memory_known);
  g_assert_cmpstr (gpu->driver_version, ==, "12.4");
  g_assert_cmpstr (gpu->source, ==, "cuda");

  memory = reel_gpu_info_describe_memory (gpu);
  g_assert_cmpstr (memory, ==, "16.0\u00a0GiB");
  driver = reel_gpu_info_describe_driver (gpu);
  g_assert_cmpstr (driver, ==, "NVIDIA driver for CUDA 12.4");
}

static void
test_cuda_fallback (void)
{
  FakeCuda cuda = fake_cuda ();
  guint    inits = cuda.get_init_count ();
  g_autoptr (ReelGpuReport) report = QUERY ("fake-cuda");

  assert_fake_cuda_gpu (report);
  g_assert_cmpuint (cuda.get_init_count (), ==, inits + 1);
}

static void
test_cuda_after_nvml_fails (void)
{
  FakeNvml nvml = fake_nvml ();
  FakeCuda cuda = fake_cuda ();
  g_autoptr (ReelGpuReport) fallback = NULL;
  g_autoptr (ReelGpuReport) both_fail = NULL;
  g_autoptr (ReelGpuReport) no_gpu = NULL;
  guint cuda_inits;

  nvml.set_mode ("driver-not-loaded");
  fallback = QUERY ("fake-nvml", "fake-cuda");
  assert_fake_cuda_gpu (fallback);

  /* When both fail, NVML's reason is the one that says what to do. */
  cuda.set_mode ("stub");
  both_fail = QUERY ("fake-nvml", "fake-cuda");
  assert_no_gpu (both_fail, "not running");
  nvml.set_mode (NULL);
  cuda.set_mode (NULL);

  /* NVML that answers "no GPU" is believed: CUDA is not asked. */
  cuda_inits = cuda.get_init_count ();
  nvml.set_mode ("no-gpu");
  no_gpu = QUERY ("fake-nvml", "fake-cuda");
  nvml.set_mode (NULL);
  assert_no_gpu (no_gpu, "found no NVIDIA GPU");
  g_assert_cmpuint (cuda.get_init_count (), ==, cuda_inits);
}

static void
assert_cuda_fails (const char *mode, const char *reason_part)
{
  FakeCuda cuda = fake_cuda ();
  g_autoptr (ReelGpuReport) report = NULL;

  g_test_message ("CUDA mode %s", mode);
  cuda.set_mode (mode);
  report = QUERY ("fake-cuda");
  cuda.set_mode (NULL);
  assert_no_gpu (report, reason_part);
}

static void
test_cuda_failures (void)
{
  assert_cuda_fails ("no-device", "found no NVIDIA GPU");
  assert_cuda_fails ("stub", "stand-in");
  assert_cuda_fails ("insufficient-driver", "update the NVIDIA driver");
}

/* The real libcuda.so stub of an installed CUDA toolkit, where there is
 * one: NVIDIA's own binary, linked against at build time but refusing to
 * run, as it is on a computer with the toolkit and no driver. */
static char *
find_toolkit_stub (void)
{
  g_autoptr (GDir) local = g_dir_open ("/usr/local", 0, NULL);
  const char *name;

  while (local != NULL && (name = g_dir_read_name (local)) != NULL)
    {
      g_autofree char *stub = NULL;

      if (!g_str_has_prefix (name, "cuda"))
        continue;
      stub = g_build_filename ("/usr/local", name, "lib64", "stubs", "libcuda.so", NULL);
      if (g_file_test (stub, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&stub);
    }
  return NULL;
}

static void
test_cuda_toolkit_stub (void)
{
  g_autofree char *stub = find_toolkit_stub ();
  g_autofree char *dir = NULL;
  g_autofree char *link = NULL;
  g_autoptr (ReelGpuProbe) probe = NULL;
  g_autoptr (ReelGpuReport) report = NULL;

  if (stub == NULL)
    {
      g_test_skip ("no CUDA toolkit in /usr/local");
      return;
    }
  dir = reel_test_make_tmpdir ();
  link = g_build_filename (dir, "libcuda.so.1", NULL);
  g_assert_no_errno (symlink (stub, link));
  probe = reel_gpu_probe_new_for_library_path (dir);
  report = reel_gpu_probe_query (probe);
  assert_no_gpu (report, "stand-in for libcuda.so.1");
  reel_test_rm_rf (dir);
}

/* A file of the right name that is no library fails to load, and says so. */
static void
test_not_a_library (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "libnvidia-ml.so.1", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelGpuProbe) probe = NULL;
  g_autoptr (ReelGpuReport) report = NULL;

  g_file_set_contents (path, "not a library", -1, &error);
  g_assert_no_error (error);
  probe = reel_gpu_probe_new_for_library_path (dir);
  report = reel_gpu_probe_query (probe);
  assert_no_gpu (report, "libnvidia-ml.so.1 could not be loaded");
  reel_test_rm_rf (dir);
}

/* Keeping the answer */

static void
test_kept (void)
{
  FakeNvml fake = fake_nvml ();
  g_autoptr (ReelGpuProbe) probe = PROBE_FOR ("fake-nvml");
  g_autoptr (ReelGpuReport) first = NULL;
  g_autoptr (ReelGpuReport) second = NULL;
  g_autoptr (ReelGpuReport) kept = NULL;
  g_autoptr (ReelGpuReport) fresh = NULL;
  guint inits = fake.get_init_count ();

  g_assert_null (reel_gpu_probe_dup_report (probe));
  first = reel_gpu_probe_query (probe);
  second = reel_gpu_probe_query (probe);
  g_assert_true (first == second);
  g_assert_cmpuint (fake.get_init_count (), ==, inits + 1);
  kept = reel_gpu_probe_dup_report (probe);
  g_assert_true (kept == first);

  reel_gpu_probe_forget (probe);
  g_assert_null (reel_gpu_probe_dup_report (probe));
  fresh = reel_gpu_probe_query (probe);
  g_assert_true (fresh != first);
  assert_fake_nvml_gpus (fresh);
  g_assert_cmpuint (fake.get_init_count (), ==, inits + 2);
}

/* Every window of the application shares the probe, and with it one set of
 * GPU slots, sized by the first report and kept when the probe asks again. */
static void
test_slots_shared (void)
{
  g_autoptr (ReelGpuProbe) probe = PROBE_FOR ("fake-nvml");
  g_autoptr (ReelGpuReport) report = NULL;
  g_autoptr (ReelGpuReport) fresh = NULL;
  g_autoptr (ReelGpuSlots) first = NULL;
  g_autoptr (ReelGpuSlots) second = NULL;
  g_autoptr (ReelGpuSlots) after_forget = NULL;
  g_autoptr (ReelGpuLease) lease = NULL;
  g_autoptr (ReelGpuLease) refused = NULL;

  g_assert_null (reel_gpu_probe_dup_slots (probe));
  report = reel_gpu_probe_query (probe);
  assert_fake_nvml_gpus (report);
  first = reel_gpu_probe_dup_slots (probe);
  second = reel_gpu_probe_dup_slots (probe);
  g_assert_nonnull (first);
  g_assert_true (first == second);
  g_assert_cmpuint (reel_gpu_slots_get_n_gpus (first), ==, reel_gpu_report_get_n_gpus (report));

  /* A lease taken through one window's slots holds the GPU for the other. */
  lease = reel_gpu_slots_try_acquire (first, 0, "sd-cli job 1");
  g_assert_nonnull (lease);
  refused = reel_gpu_slots_try_acquire (second, 0, "sd-cli job 2");
  g_assert_null (refused);

  reel_gpu_probe_forget (probe);
  fresh = reel_gpu_probe_query (probe);
  after_forget = reel_gpu_probe_dup_slots (probe);
  g_assert_true (after_forget == first);
}

static void
query_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async (void)
{
  FakeNvml fake = fake_nvml ();
  g_autoptr (ReelGpuProbe) probe = PROBE_FOR ("fake-nvml");
  g_autoptr (GAsyncResult) first_result = NULL;
  g_autoptr (GAsyncResult) second_result = NULL;
  g_autoptr (ReelGpuReport) first = NULL;
  g_autoptr (ReelGpuReport) second = NULL;
  g_autoptr (GError) error = NULL;
  guint inits = fake.get_init_count ();

  /* Two queries at once ask the driver once. */
  reel_gpu_probe_query_async (probe, NULL, query_done_cb, &first_result);
  reel_gpu_probe_query_async (probe, NULL, query_done_cb, &second_result);
  reel_test_wait_until (reel_test_pointer_is_set, &first_result, WAIT_MS, "the first query");
  reel_test_wait_until (reel_test_pointer_is_set, &second_result, WAIT_MS, "the second query");

  first = reel_gpu_probe_query_finish (probe, first_result, &error);
  g_assert_no_error (error);
  second = reel_gpu_probe_query_finish (probe, second_result, &error);
  g_assert_no_error (error);
  assert_fake_nvml_gpus (first);
  g_assert_true (first == second);
  g_assert_cmpuint (fake.get_init_count (), ==, inits + 1);
}

/* An empty folder, so that a probe left running counts on no fake. */
static void
test_async_cancelled (void)
{
  g_autofree char *empty = reel_test_make_tmpdir ();
  g_autoptr (ReelGpuProbe) probe = reel_gpu_probe_new_for_library_path (empty);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ReelGpuReport) report = NULL;
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (cancellable);
  reel_gpu_probe_query_async (probe, cancellable, query_done_cb, &result);
  reel_test_wait_until (reel_test_pointer_is_set, &result, WAIT_MS, "the cancelled query");
  report = reel_gpu_probe_query_finish (probe, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (report);
  reel_test_rm_rf (empty);
}

/* Threads asking at once get one answer from one probe. */
static gpointer
query_thread (gpointer data)
{
  return reel_gpu_probe_query (data);
}

static void
test_threads (void)
{
  FakeNvml fake = fake_nvml ();
  g_autoptr (ReelGpuProbe) probe = PROBE_FOR ("fake-nvml");
  GThread       *threads[8];
  ReelGpuReport *reports[G_N_ELEMENTS (threads)];
  guint          inits = fake.get_init_count ();

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("gpu-query", query_thread, probe);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    reports[i] = g_thread_join (threads[i]);

  assert_fake_nvml_gpus (reports[0]);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_assert_true (reports[i] == reports[0]);
      reel_gpu_report_unref (reports[i]);
    }
  g_assert_cmpuint (fake.get_init_count (), ==, inits + 1);
  g_assert_cmpint (fake.get_open_count (), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gpu/probe/no-driver", test_no_driver);
  g_test_add_func ("/gpu/probe/slots-shared", test_slots_shared);
  g_test_add_func ("/gpu/probe/system-loader", test_system_loader);
  g_test_add_func ("/gpu/probe/loader-search", test_loader_search);
  g_test_add_func ("/gpu/probe/environment", test_environment);
  g_test_add_func ("/gpu/probe/library-path", test_library_path);
  g_test_add_func ("/gpu/probe/nvml", test_nvml);
  g_test_add_func ("/gpu/probe/nvml-failures", test_nvml_failures);
  g_test_add_func ("/gpu/probe/nvml-no-memory-info", test_nvml_no_memory_info);
  g_test_add_func ("/gpu/probe/nvml-too-old", test_nvml_too_old);
  g_test_add_func ("/gpu/probe/cuda-fallback", test_cuda_fallback);
  g_test_add_func ("/gpu/probe/cuda-after-nvml-fails", test_cuda_after_nvml_fails);
  g_test_add_func ("/gpu/probe/cuda-failures", test_cuda_failures);
  g_test_add_func ("/gpu/probe/cuda-toolkit-stub", test_cuda_toolkit_stub);
  g_test_add_func ("/gpu/probe/not-a-library", test_not_a_library);
  g_test_add_func ("/gpu/probe/kept", test_kept);
  g_test_add_func ("/gpu/probe/async", test_async);
  g_test_add_func ("/gpu/probe/async-cancelled", test_async_cancelled);
  g_test_add_func ("/gpu/probe/threads", test_threads);

  return g_test_run ();
}
