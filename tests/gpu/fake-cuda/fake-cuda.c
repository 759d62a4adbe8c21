/* fake-cuda.c: a stand-in for libcuda.so.1 (see ../fake-driver.h)
 *
 * Like the real driver API, it refuses every call before a cuInit that
 * succeeded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fake-driver.h"

enum
{
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_STUB_LIBRARY = 34,
  CUDA_ERROR_INSUFFICIENT_DRIVER = 35,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
};

static char        mode[64];
static atomic_int  mode_set;
static atomic_uint init_count;
static atomic_int  initialised;

void
fake_cuda_set_mode (const char *new_mode)
{
  strncpy (mode, new_mode != NULL ? new_mode : "", sizeof mode - 1);
  atomic_store (&mode_set, 1);
}

static int
mode_is (const char *name)
{
  const char *current = atomic_load (&mode_set) ? mode : getenv ("STORYREEL_FAKE_CUDA");

  return current != NULL && strcmp (current, name) == 0;
}

unsigned int
fake_cuda_get_init_count (void)
{
  return atomic_load (&init_count);
}

int
cuInit (unsigned int flags)
{
  atomic_fetch_add (&init_count, 1);
  atomic_store (&initialised, 0);
  if (flags != 0)
    return CUDA_ERROR_INVALID_VALUE;
  if (mode_is ("no-device"))
    return CUDA_ERROR_NO_DEVICE;
  if (mode_is ("stub"))
    return CUDA_ERROR_STUB_LIBRARY;
  if (mode_is ("insufficient-driver"))
    return CUDA_ERROR_INSUFFICIENT_DRIVER;
  atomic_store (&initialised, 1);
  return CUDA_SUCCESS;
}

/* Works before cuInit, as the real one does. */
int
cuDriverGetVersion (int *version)
{
  if (version == NULL)
    return CUDA_ERROR_INVALID_VALUE;
  *version = FAKE_CUDA_DRIVER_VERSION;
  return CUDA_SUCCESS;
}

int
cuDeviceGetCount (int *count)
{
  if (!atomic_load (&initialised))
    return CUDA_ERROR_NOT_INITIALIZED;
  *count = 1;
  return CUDA_SUCCESS;
}

int
cuDeviceGet (int *device, int ordinal)
{
  if (!atomic_load (&initialised))
    return CUDA_ERROR_NOT_INITIALIZED;
  if (ordinal != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

int
cuDeviceGetName (char *name, int length, int device)
{
  if (!atomic_load (&initialised))
    return CUDA_ERROR_NOT_INITIALIZED;
  if (device != 0 || name == NULL || length <= 0)
    return CUDA_ERROR_INVALID_VALUE;
  /* The real one truncates to fit. */
  strncpy (name, FAKE_CUDA_GPU0_NAME, (size_t) length - 1);
  name[length - 1] = '\0';
  return CUDA_SUCCESS;
}

int
cuDeviceTotalMem_v2 (size_t *bytes, int device)
{
  if (!atomic_load (&initialised))
    return CUDA_ERROR_NOT_INITIALIZED;
  if (device != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  *bytes = FAKE_CUDA_GPU0_TOTAL;
  return CUDA_SUCCESS;
}

int
cuDeviceGetUuid_v2 (FakeCuUuid *uuid, int device)
{
  const FakeCuUuid fake = { FAKE_CUDA_GPU0_UUID_BYTES };

  if (!atomic_load (&initialised))
    return CUDA_ERROR_NOT_INITIALIZED;
  if (device != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  *uuid = fake;
  return CUDA_SUCCESS;
}

int
cuGetErrorString (int result, const char **text)
{
  *text = result == CUDA_ERROR_NOT_INITIALIZED ? "initialization error" : "unknown error";
  return CUDA_SUCCESS;
}
