/* fake-driver.h: stand-ins for the NVIDIA driver's libraries, for the tests
 *
 * fake-nvml/libnvidia-ml.so.1 and fake-cuda/libcuda.so.1 export the entry
 * points that Storyreel's GPU probe loads, with NVIDIA's ABI, and answer
 * with two GPUs (NVML) or one (CUDA) of known names and memory. A test
 * chooses how they fail by calling fake_*_set_mode() through the loaded
 * library (or, for a program it spawns, through $STORYREEL_FAKE_NVML and
 * $STORYREEL_FAKE_CUDA), and reads how often they were initialised.
 * fake-nvml-old/ is NVML without nvmlDeviceGetCount_v2, as a driver too old.
 *
 * They link nothing, so they load in any process; the product never ships them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>

/* What the fakes report, for the tests to compare with. */
#define FAKE_NVML_DRIVER_VERSION "550.54.14"
#define FAKE_NVML_GPU0_NAME "NVIDIA GeForce RTX 4090"
#define FAKE_NVML_GPU0_UUID "GPU-4090a1b2-c3d4-e5f6-0718-293a4b5c6d7e"
#define FAKE_NVML_GPU0_TOTAL (24564ULL * 1024 * 1024)
#define FAKE_NVML_GPU0_FREE (21000ULL * 1024 * 1024)
#define FAKE_NVML_GPU1_NAME "NVIDIA A100-SXM4-80GB"
#define FAKE_NVML_GPU1_UUID "GPU-a1008000-0000-4000-8000-000000000080"
#define FAKE_NVML_GPU1_TOTAL (81920ULL * 1024 * 1024)
#define FAKE_NVML_GPU1_FREE (81000ULL * 1024 * 1024)

#define FAKE_CUDA_DRIVER_VERSION 12040 /* CUDA 12.4 */
#define FAKE_CUDA_GPU0_NAME "NVIDIA GeForce RTX 4060 Ti"
#define FAKE_CUDA_GPU0_TOTAL (16380ULL * 1024 * 1024)
#define FAKE_CUDA_GPU0_UUID_BYTES                                                                  \
  {                                                                                                \
    0x40, 0x60, 0x16, 0x00, 0xaa, 0xbb, 0x4c, 0xdd, 0x8e, 0xff, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab \
  }
#define FAKE_CUDA_GPU0_UUID "GPU-40601600-aabb-4cdd-8eff-0123456789ab"

/* Modes of the fake NVML ($STORYREEL_FAKE_NVML):
 *   NULL or ""            two GPUs
 *   "driver-not-loaded"   nvmlInit_v2 fails with NVML_ERROR_DRIVER_NOT_LOADED
 *   "no-permission"       nvmlInit_v2 fails with NVML_ERROR_NO_PERMISSION
 *   "unknown-error"       nvmlInit_v2 fails with NVML_ERROR_UNKNOWN
 *   "no-gpu"              no GPU
 *   "broken-devices"      both GPUs are listed but cannot be opened (NVML_ERROR_GPU_IS_LOST)
 *   "no-memory-info"      nvmlDeviceGetMemoryInfo is not supported
 *   "hang"                nvmlInit_v2 does not return for five minutes */
void         fake_nvml_set_mode (const char *mode);
unsigned int fake_nvml_get_init_count (void);
/* nvmlInit_v2 calls not yet matched by nvmlShutdown */
int fake_nvml_get_open_count (void);

/* Modes of the fake CUDA ($STORYREEL_FAKE_CUDA):
 *   NULL or ""              one GPU
 *   "no-device"             cuInit fails with CUDA_ERROR_NO_DEVICE
 *   "stub"                  cuInit fails with CUDA_ERROR_STUB_LIBRARY, as the toolkit's stub does
 *   "insufficient-driver"   cuInit fails with CUDA_ERROR_INSUFFICIENT_DRIVER */
void         fake_cuda_set_mode (const char *mode);
unsigned int fake_cuda_get_init_count (void);

/* NVML */
typedef struct _FakeNvmlDevice *FakeNvmlDevice;
typedef struct
{
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} FakeNvmlMemory;

int         nvmlInit_v2 (void);
int         nvmlShutdown (void);
const char *nvmlErrorString (int result);
int         nvmlSystemGetDriverVersion (char *version, unsigned int length);
int         nvmlDeviceGetCount_v2 (unsigned int *count);
int         nvmlDeviceGetHandleByIndex_v2 (unsigned int index, FakeNvmlDevice *device);
int         nvmlDeviceGetName (FakeNvmlDevice device, char *name, unsigned int length);
int         nvmlDeviceGetUUID (FakeNvmlDevice device, char *uuid, unsigned int length);
int         nvmlDeviceGetMemoryInfo (FakeNvmlDevice device, FakeNvmlMemory *memory);

/* CUDA */
typedef struct
{
  unsigned char bytes[16];
} FakeCuUuid;

int cuInit (unsigned int flags);
int cuDriverGetVersion (int *version);
int cuDeviceGetCount (int *count);
int cuDeviceGet (int *device, int ordinal);
int cuDeviceGetName (char *name, int length, int device);
int cuDeviceTotalMem_v2 (size_t *bytes, int device);
int cuDeviceGetUuid_v2 (FakeCuUuid *uuid, int device);
int cuGetErrorString (int result, const char **text);
