/* reel-gpu-nvml.c: the GPUs as NVML (libnvidia-ml.so.1) reports them
 *
 * NVML comes with every NVIDIA driver, tells free memory without creating a
 * CUDA context, and costs no video memory, so it is asked first. The types,
 * constants and entry points are NVML's ABI, declared here from NVIDIA's
 * nvml.h so that the build needs no NVIDIA header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-gpu"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-gpu-driver-private.h"
#include "reel-gpu-report.h"

typedef int                 NvmlReturn;
typedef struct _NvmlDevice *NvmlDevice;
typedef struct
{
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} NvmlMemory;

enum
{
  NVML_SUCCESS = 0,
  NVML_ERROR_NO_PERMISSION = 4,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
};

/* nvml.h's NVML_DEVICE_NAME_V2_BUFFER_SIZE, NVML_DEVICE_UUID_V2_BUFFER_SIZE
 * and NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE */
#define NAME_SIZE 96
#define UUID_SIZE 96
#define DRIVER_VERSION_SIZE 80

typedef struct
{
  NvmlReturn (*init) (void);
  NvmlReturn (*shutdown) (void);
  const char *(*error_string) (NvmlReturn result);
  NvmlReturn (*system_get_driver_version) (char *version, unsigned int length);
  NvmlReturn (*device_get_count) (unsigned int *count);
  NvmlReturn (*device_get_handle_by_index) (unsigned int index, NvmlDevice *device);
  NvmlReturn (*device_get_name) (NvmlDevice device, char *name, unsigned int length);
  NvmlReturn (*device_get_uuid) (NvmlDevice device, char *uuid, unsigned int length);
  NvmlReturn (*device_get_memory_info) (NvmlDevice device, NvmlMemory *memory);
} Nvml;

static gboolean
load (GModule *library, Nvml *nvml, char **reason)
{
  const struct
  {
    const char *symbol;
    gpointer   *address;
  } entries[] = {
    { "nvmlInit_v2", (gpointer *) &nvml->init },
    { "nvmlShutdown", (gpointer *) &nvml->shutdown },
    { "nvmlSystemGetDriverVersion", (gpointer *) &nvml->system_get_driver_version },
    { "nvmlDeviceGetCount_v2", (gpointer *) &nvml->device_get_count },
    { "nvmlDeviceGetHandleByIndex_v2", (gpointer *) &nvml->device_get_handle_by_index },
    { "nvmlDeviceGetName", (gpointer *) &nvml->device_get_name },
    { "nvmlDeviceGetUUID", (gpointer *) &nvml->device_get_uuid },
    { "nvmlDeviceGetMemoryInfo", (gpointer *) &nvml->device_get_memory_info },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (!reel_gpu_library_lookup (library, REEL_GPU_NVML_LIBRARY, entries[i].symbol,
                                  entries[i].address, reason))
      return FALSE;
  /* Only for the text of an error. */
  if (!g_module_symbol (library, "nvmlErrorString", (gpointer *) &nvml->error_string))
    nvml->error_string = NULL;
  return TRUE;
}

static const char *
error_text (const Nvml *nvml, NvmlReturn result)
{
  const char *text = nvml->error_string != NULL ? nvml->error_string (result) : NULL;

  return text != NULL ? text : _ ("unknown error");
}

/* Why nvmlInit failed, in words that say what to do. */
static char *
init_failure (const Nvml *nvml, NvmlReturn result)
{
  switch (result)
    {
      case NVML_ERROR_DRIVER_NOT_LOADED:
        return g_strdup (_ ("The NVIDIA driver is installed but not running: restart the computer, "
                            "or check that the driver’s kernel module is loaded."));
      case NVML_ERROR_NO_PERMISSION:
        return g_strdup (_ ("The NVIDIA driver does not let Storyreel use the GPU: check the "
                            "permissions of /dev/nvidia*."));
      case NVML_ERROR_LIB_RM_VERSION_MISMATCH:
        return g_strdup (_ ("The NVIDIA driver was updated, but the old one is still running: "
                            "restart the computer."));
      default:
        /* Translators: "The NVIDIA driver could not be asked about its GPUs: Unknown Error (NVML
         * error 999)." */
        return g_strdup_printf (_ ("The NVIDIA driver could not be asked about its GPUs: %s (NVML "
                                   "error %d)."),
                                error_text (nvml, result), result);
    }
}

static ReelGpuInfo *
describe_device (const Nvml *nvml, unsigned int index, const char *driver_version, char **failure)
{
  g_autoptr (ReelGpuInfo) gpu = reel_gpu_info_new ();
  NvmlDevice device = NULL;
  NvmlMemory memory = { 0 };
  char       name[NAME_SIZE] = "";
  char       uuid[UUID_SIZE] = "";
  NvmlReturn result;

  if ((result = nvml->device_get_handle_by_index (index, &device)) != NVML_SUCCESS
      || (result = nvml->device_get_name (device, name, sizeof name)) != NVML_SUCCESS)
    {
      g_free (*failure);
      *failure
          = g_strdup_printf (_ ("The NVIDIA driver could not be asked about its GPUs: %s (NVML "
                                "error %d)."),
                             error_text (nvml, result), result);
      return NULL;
    }
  name[sizeof name - 1] = '\0';

  gpu->index = index;
  gpu->name = g_utf8_make_valid (name, -1);
  gpu->source = "nvml";
  gpu->driver_version = g_strdup (driver_version);
  if (nvml->device_get_uuid (device, uuid, sizeof uuid) == NVML_SUCCESS)
    {
      uuid[sizeof uuid - 1] = '\0';
      gpu->uuid = g_utf8_make_valid (uuid, -1);
    }
  /* Integrated and some virtual GPUs do not say; the GPU is still usable. */
  if ((result = nvml->device_get_memory_info (device, &memory)) == NVML_SUCCESS)
    {
      gpu->total_memory = memory.total;
      gpu->free_memory = MIN (memory.free, memory.total);
      gpu->free_memory_known = TRUE;
    }
  else
    g_debug ("NVML tells no memory for GPU %u: %s", index, error_text (nvml, result));
  return g_steal_pointer (&gpu);
}

ReelGpuDriverStatus
reel_gpu_nvml_probe (const char *const *dirs, GPtrArray *gpus, char **reason)
{
  g_autofree char    *failure = NULL;
  GModule            *library;
  ReelGpuDriverStatus status;
  Nvml                nvml = { 0 };
  NvmlReturn          result;
  unsigned int        count = 0;
  char                driver_version[DRIVER_VERSION_SIZE] = "";
  const char         *version = NULL;

  if ((library = reel_gpu_library_open (dirs, REEL_GPU_NVML_LIBRARY, &status, reason)) == NULL)
    return status;
  if (!load (library, &nvml, reason))
    {
      g_module_close (library);
      return REEL_GPU_DRIVER_FAILED;
    }

  if ((result = nvml.init ()) != NVML_SUCCESS)
    {
      g_debug ("nvmlInit_v2: %s (%d)", error_text (&nvml, result), result);
      *reason = init_failure (&nvml, result);
      g_module_close (library);
      return REEL_GPU_DRIVER_FAILED;
    }

  if (nvml.system_get_driver_version (driver_version, sizeof driver_version) == NVML_SUCCESS)
    {
      driver_version[sizeof driver_version - 1] = '\0';
      version = driver_version;
    }
  if ((result = nvml.device_get_count (&count)) != NVML_SUCCESS)
    failure = init_failure (&nvml, result);
  for (unsigned int i = 0; i < count; i++)
    {
      ReelGpuInfo *gpu = describe_device (&nvml, i, version, &failure);

      if (gpu != NULL)
        g_ptr_array_add (gpus, gpu);
    }

  nvml.shutdown ();
  g_module_close (library);

  if (gpus->len > 0)
    return REEL_GPU_DRIVER_ANSWERED;
  /* A GPU the driver lists but cannot describe is of no use either. */
  if (failure != NULL)
    {
      *reason = g_steal_pointer (&failure);
      return REEL_GPU_DRIVER_FAILED;
    }
  *reason = reel_gpu_no_gpu_reason ();
  return REEL_GPU_DRIVER_ANSWERED;
}
