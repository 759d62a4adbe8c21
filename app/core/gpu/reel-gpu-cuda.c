/* reel-gpu-cuda.c: the GPUs as the CUDA driver API (libcuda.so.1) reports them
 *
 * The fallback for when NVML is missing or fails (some containers and WSL
 * carry only libcuda). It tells no free memory: cuMemGetInfo needs a
 * context, which would take hundreds of MB of the very memory the local
 * engines want, and seconds to make. The types, constants and entry points
 * are the driver API's ABI, declared here from NVIDIA's cuda.h so that the
 * build needs no CUDA toolkit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-gpu"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-gpu-driver-private.h"
#include "reel-gpu-report.h"

typedef int CuResult;
typedef int CuDevice;
typedef struct
{
  unsigned char bytes[16];
} CuUuid;

enum
{
  CUDA_SUCCESS = 0,
  CUDA_ERROR_STUB_LIBRARY = 34,
  CUDA_ERROR_INSUFFICIENT_DRIVER = 35,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803,
};

#define NAME_SIZE 256

typedef struct
{
  CuResult (*init) (unsigned int flags);
  CuResult (*driver_get_version) (int *version);
  CuResult (*device_get_count) (int *count);
  CuResult (*device_get) (CuDevice *device, int ordinal);
  CuResult (*device_get_name) (char *name, int length, CuDevice device);
  CuResult (*device_total_mem) (size_t *bytes, CuDevice device);
  CuResult (*device_get_uuid) (CuUuid *uuid, CuDevice device);
  CuResult (*get_error_string) (CuResult result, const char **text);
} Cuda;

static gboolean
load (GModule *library, Cuda *cuda, char **reason)
{
  const struct
  {
    const char *symbol;
    gpointer   *address;
  } entries[] = {
    { "cuInit", (gpointer *) &cuda->init },
    { "cuDriverGetVersion", (gpointer *) &cuda->driver_get_version },
    { "cuDeviceGetCount", (gpointer *) &cuda->device_get_count },
    { "cuDeviceGet", (gpointer *) &cuda->device_get },
    { "cuDeviceGetName", (gpointer *) &cuda->device_get_name },
    { "cuDeviceTotalMem_v2", (gpointer *) &cuda->device_total_mem },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (!reel_gpu_library_lookup (library, REEL_GPU_CUDA_LIBRARY, entries[i].symbol,
                                  entries[i].address, reason))
      return FALSE;
  /* Newer drivers have only the _v2 of cuDeviceGetUuid; neither is needed. */
  if (!g_module_symbol (library, "cuDeviceGetUuid_v2", (gpointer *) &cuda->device_get_uuid)
      && !g_module_symbol (library, "cuDeviceGetUuid", (gpointer *) &cuda->device_get_uuid))
    cuda->device_get_uuid = NULL;
  if (!g_module_symbol (library, "cuGetErrorString", (gpointer *) &cuda->get_error_string))
    cuda->get_error_string = NULL;
  return TRUE;
}

static char *
failure_text (const Cuda *cuda, CuResult result)
{
  const char *text = NULL;

  switch (result)
    {
      case CUDA_ERROR_NO_DEVICE:
        return reel_gpu_no_gpu_reason ();
      case CUDA_ERROR_STUB_LIBRARY:
        return g_strdup (_ ("Only the CUDA toolkit’s stand-in for libcuda.so.1 was found, not the "
                            "NVIDIA driver: install the NVIDIA driver."));
      case CUDA_ERROR_INSUFFICIENT_DRIVER:
        return g_strdup (_ ("The NVIDIA driver is too old for its CUDA library: update the NVIDIA "
                            "driver."));
      case CUDA_ERROR_SYSTEM_DRIVER_MISMATCH:
        return g_strdup (_ ("The NVIDIA driver was updated, but the old one is still running: "
                            "restart the computer."));
      default:
        if (cuda->get_error_string == NULL || cuda->get_error_string (result, &text) != CUDA_SUCCESS
            || text == NULL)
          text = _ ("unknown error");
        /* Translators: "The NVIDIA driver could not be asked about its GPUs: initialization error
         * (CUDA error 3)." */
        return g_strdup_printf (_ ("The NVIDIA driver could not be asked about its GPUs: %s (CUDA "
                                   "error %d)."),
                                text, result);
    }
}

/* As nvidia-smi writes it: GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx */
static char *
format_uuid (const CuUuid *uuid)
{
  GString *text = g_string_new ("GPU-");

  for (guint i = 0; i < G_N_ELEMENTS (uuid->bytes); i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        g_string_append_c (text, '-');
      g_string_append_printf (text, "%02x", uuid->bytes[i]);
    }
  return g_string_free (text, FALSE);
}

static ReelGpuInfo *
describe_device (const Cuda *cuda, int ordinal, const char *driver_version, char **failure)
{
  g_autoptr (ReelGpuInfo) gpu = reel_gpu_info_new ();
  CuDevice device = 0;
  CuUuid   uuid = { { 0 } };
  size_t   total = 0;
  char     name[NAME_SIZE] = "";
  CuResult result;

  if ((result = cuda->device_get (&device, ordinal)) != CUDA_SUCCESS
      || (result = cuda->device_get_name (name, sizeof name, device)) != CUDA_SUCCESS)
    {
      g_free (*failure);
      *failure = failure_text (cuda, result);
      return NULL;
    }
  name[sizeof name - 1] = '\0';

  gpu->index = (guint) ordinal;
  gpu->name = g_utf8_make_valid (name, -1);
  gpu->source = "cuda";
  gpu->driver_version = g_strdup (driver_version);
  if (cuda->device_total_mem (&total, device) == CUDA_SUCCESS)
    gpu->total_memory = total;
  if (cuda->device_get_uuid != NULL && cuda->device_get_uuid (&uuid, device) == CUDA_SUCCESS)
    gpu->uuid = format_uuid (&uuid);
  return g_steal_pointer (&gpu);
}

ReelGpuDriverStatus
reel_gpu_cuda_probe (const char *const *dirs, GPtrArray *gpus, char **reason)
{
  g_autofree char    *failure = NULL;
  g_autofree char    *version = NULL;
  GModule            *library;
  ReelGpuDriverStatus status;
  Cuda                cuda = { 0 };
  CuResult            result;
  int                 count = 0, driver_version = 0;

  if ((library = reel_gpu_library_open (dirs, REEL_GPU_CUDA_LIBRARY, &status, reason)) == NULL)
    return status;
  if (!load (library, &cuda, reason))
    {
      g_module_close (library);
      return REEL_GPU_DRIVER_FAILED;
    }

  /* Initialising CUDA creates no context and takes no video memory. */
  if ((result = cuda.init (0)) != CUDA_SUCCESS)
    {
      g_debug ("cuInit: %d", result);
      *reason = failure_text (&cuda, result);
      g_module_close (library);
      return result == CUDA_ERROR_NO_DEVICE ? REEL_GPU_DRIVER_ANSWERED : REEL_GPU_DRIVER_FAILED;
    }

  /* 12040 is CUDA 12.4. */
  if (cuda.driver_get_version (&driver_version) == CUDA_SUCCESS && driver_version > 0)
    version = g_strdup_printf ("%d.%d", driver_version / 1000, driver_version % 1000 / 10);
  if ((result = cuda.device_get_count (&count)) != CUDA_SUCCESS)
    failure = failure_text (&cuda, result);
  for (int i = 0; i < count; i++)
    {
      ReelGpuInfo *gpu = describe_device (&cuda, i, version, &failure);

      if (gpu != NULL)
        g_ptr_array_add (gpus, gpu);
    }
  g_module_close (library);

  if (gpus->len > 0)
    return REEL_GPU_DRIVER_ANSWERED;
  if (failure != NULL)
    {
      *reason = g_steal_pointer (&failure);
      return REEL_GPU_DRIVER_FAILED;
    }
  *reason = reel_gpu_no_gpu_reason ();
  return REEL_GPU_DRIVER_ANSWERED;
}
