/* fake-nvml.c: a stand-in for libnvidia-ml.so.1 (see ../fake-driver.h)
 *
 * It checks what the real NVML would refuse: calls before nvmlInit_v2 or
 * after the last nvmlShutdown, and buffers too small for the answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake-driver.h"

enum
{
  NVML_SUCCESS = 0,
  NVML_ERROR_UNINITIALIZED = 1,
  NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_NOT_SUPPORTED = 3,
  NVML_ERROR_NO_PERMISSION = 4,
  NVML_ERROR_INSUFFICIENT_SIZE = 7,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_GPU_IS_LOST = 15,
  NVML_ERROR_UNKNOWN = 999,
};

struct _FakeNvmlDevice
{
  const char        *name;
  const char        *uuid;
  unsigned long long total;
  unsigned long long free;
};

static struct _FakeNvmlDevice devices[] = {
  { FAKE_NVML_GPU0_NAME, FAKE_NVML_GPU0_UUID, FAKE_NVML_GPU0_TOTAL, FAKE_NVML_GPU0_FREE },
  { FAKE_NVML_GPU1_NAME, FAKE_NVML_GPU1_UUID, FAKE_NVML_GPU1_TOTAL, FAKE_NVML_GPU1_FREE },
};

static char        mode[64];
static atomic_int  mode_set;
static atomic_uint init_count;
static atomic_int  open_count;

void
fake_nvml_set_mode (const char *new_mode)
{
  strncpy (mode, new_mode != NULL ? new_mode : "", sizeof mode - 1);
  atomic_store (&mode_set, 1);
}

static int
mode_is (const char *name)
{
  const char *current = atomic_load (&mode_set) ? mode : getenv ("STORYREEL_FAKE_NVML");

  return current != NULL && strcmp (current, name) == 0;
}

unsigned int
fake_nvml_get_init_count (void)
{
  return atomic_load (&init_count);
}

int
fake_nvml_get_open_count (void)
{
  return atomic_load (&open_count);
}

static int
copy_text (const char *text, char *buffer, unsigned int length)
{
  if (buffer == NULL)
    return NVML_ERROR_INVALID_ARGUMENT;
  if (strlen (text) + 1 > length)
    return NVML_ERROR_INSUFFICIENT_SIZE;
  memcpy (buffer, text, strlen (text) + 1);
  return NVML_SUCCESS;
}

int
nvmlInit_v2 (void)
{
  atomic_fetch_add (&init_count, 1);
  /* Longer than anyone waits for it. */
  if (mode_is ("hang"))
    sleep (300);
  if (mode_is ("driver-not-loaded"))
    return NVML_ERROR_DRIVER_NOT_LOADED;
  if (mode_is ("no-permission"))
    return NVML_ERROR_NO_PERMISSION;
  if (mode_is ("unknown-error"))
    return NVML_ERROR_UNKNOWN;
  atomic_fetch_add (&open_count, 1);
  return NVML_SUCCESS;
}

int
nvmlShutdown (void)
{
  if (atomic_load (&open_count) <= 0)
    return NVML_ERROR_UNINITIALIZED;
  atomic_fetch_sub (&open_count, 1);
  return NVML_SUCCESS;
}

const char *
nvmlErrorString (int result)
{
  switch (result)
    {
      case NVML_SUCCESS:
        return "Success";
      case NVML_ERROR_UNINITIALIZED:
        return "Uninitialized";
      case NVML_ERROR_NOT_SUPPORTED:
        return "Not Supported";
      case NVML_ERROR_NO_PERMISSION:
        return "Insufficient Permissions";
      case NVML_ERROR_DRIVER_NOT_LOADED:
        return "Driver Not Loaded";
      case NVML_ERROR_GPU_IS_LOST:
        return "GPU is lost";
      default:
        return "Unknown Error";
    }
}

int
nvmlSystemGetDriverVersion (char *version, unsigned int length)
{
  if (atomic_load (&open_count) <= 0)
    return NVML_ERROR_UNINITIALIZED;
  return copy_text (FAKE_NVML_DRIVER_VERSION, version, length);
}

#ifndef FAKE_NVML_OLD
int
nvmlDeviceGetCount_v2 (unsigned int *count)
{
  if (atomic_load (&open_count) <= 0)
    return NVML_ERROR_UNINITIALIZED;
  *count = mode_is ("no-gpu") ? 0 : sizeof devices / sizeof devices[0];
  return NVML_SUCCESS;
}
#endif

int
nvmlDeviceGetHandleByIndex_v2 (unsigned int index, FakeNvmlDevice *device)
{
  if (atomic_load (&open_count) <= 0)
    return NVML_ERROR_UNINITIALIZED;
  if (mode_is ("broken-devices"))
    return NVML_ERROR_GPU_IS_LOST;
  if (index >= sizeof devices / sizeof devices[0] || mode_is ("no-gpu"))
    return NVML_ERROR_INVALID_ARGUMENT;
  *device = &devices[index];
  return NVML_SUCCESS;
}

int
nvmlDeviceGetName (FakeNvmlDevice device, char *name, unsigned int length)
{
  if (atomic_load (&open_count) <= 0)
    return NVML_ERROR_UNINITIALIZED;
  return copy_text (device->name, name, length);
}

int
nvmlDeviceGetUUID (FakeNvmlDevice device, char *uuid, unsigned int length)
{
  if (atomic_load (&open_count) <= 0)
    return NVML_ERROR_UNINITIALIZED;
  return copy_text (device->uuid, uuid, length);
}

int
nvmlDeviceGetMemoryInfo (FakeNvmlDevice device, FakeNvmlMemory *memory)
{
  if (atomic_load (&open_count) <= 0)
    return NVML_ERROR_UNINITIALIZED;
  if (mode_is ("no-memory-info"))
    return NVML_ERROR_NOT_SUPPORTED;
  memory->total = device->total;
  memory->free = device->free;
  memory->used = device->total - device->free;
  return NVML_SUCCESS;
}
