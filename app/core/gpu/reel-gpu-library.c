/* reel-gpu-library.c: finding and loading the NVIDIA driver's libraries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-gpu"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "reel-gpu-driver-private.h"

/* On failure, sets @failure unless an earlier one is there: the first
 * failure is the one to report. */
static GModule *
open_resident (const char *path, char **failure)
{
  GModule *library = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);

  if (library == NULL)
    {
      if (*failure == NULL)
        *failure = g_strdup (g_module_error ());
      return NULL;
    }
  g_module_make_resident (library);
  return library;
}

GModule *
reel_gpu_library_open (const char *const   *dirs,
                       const char          *soname,
                       ReelGpuDriverStatus *status,
                       char               **reason)
{
  g_autofree char *failure = NULL;
  GModule         *library;

  if (dirs == NULL)
    {
      /* The loader's own search: ld.so.cache, LD_LIBRARY_PATH. A name it
       * cannot find and one it cannot load fail alike, so tell them apart
       * by its message, which ends in strerror (ENOENT) in the user's
       * language. */
      if ((library = open_resident (soname, &failure)) != NULL)
        {
          g_debug ("Loaded %s", soname);
          return library;
        }
      g_debug ("Could not load %s: %s", soname, failure);
      if (failure == NULL || strstr (failure, "No such file") != NULL
          || strstr (failure, g_strerror (ENOENT)) != NULL)
        {
          *status = REEL_GPU_DRIVER_MISSING;
          *reason = NULL;
          return NULL;
        }
    }
  else
    {
      for (guint i = 0; dirs[i] != NULL; i++)
        {
          g_autofree char *path = g_build_filename (dirs[i], soname, NULL);

          if (!g_file_test (path, G_FILE_TEST_EXISTS))
            continue;
          if ((library = open_resident (path, &failure)) != NULL)
            {
              g_debug ("Loaded %s", path);
              return library;
            }
          /* A later folder may still have one that loads. */
          g_debug ("Could not load %s: %s", path, g_module_error ());
        }
      if (failure == NULL)
        {
          *status = REEL_GPU_DRIVER_MISSING;
          *reason = NULL;
          return NULL;
        }
    }

  *status = REEL_GPU_DRIVER_FAILED;
  /* Translators: "libcuda.so.1 could not be loaded: <the system's reason>" */
  *reason = g_strdup_printf (_ ("%s could not be loaded: %s"), soname, failure);
  return NULL;
}

gboolean
reel_gpu_library_lookup (
    GModule *library, const char *soname, const char *symbol, gpointer *address, char **reason)
{
  if (g_module_symbol (library, symbol, address) && *address != NULL)
    return TRUE;
  /* Translators: "The NVIDIA driver is too old: libnvidia-ml.so.1 has no nvmlInit_v2." */
  *reason = g_strdup_printf (_ ("The NVIDIA driver is too old: %s has no %s."), soname, symbol);
  return FALSE;
}

char *
reel_gpu_no_gpu_reason (void)
{
  return g_strdup (_ ("The NVIDIA driver is installed, but it found no NVIDIA GPU."));
}
