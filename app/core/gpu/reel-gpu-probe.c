/* reel-gpu-probe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-gpu"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-gpu-driver-private.h"
#include "reel-gpu-probe.h"

struct _ReelGpuProbe
{
  GObject parent_instance;

  char *library_path;
  GStrv dirs; /* NULL: the loader's search path */

  /* Held while the driver is asked, so that queries made meanwhile wait for
   * its answer instead of asking again. Taken before @lock. */
  GMutex probe_lock;
  /* Guards what follows; never held while the driver is asked. */
  GMutex         lock;
  ReelGpuReport *report;
  ReelGpuSlots  *slots; /* made once, from the first report */
  /* Counts reel_gpu_probe_forget(): a probe that began before the last one
   * answers its callers but is not kept. */
  guint generation;
};

G_DEFINE_FINAL_TYPE (ReelGpuProbe, reel_gpu_probe, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_LIBRARY_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static ReelGpuReport *
probe_drivers (const char *const *dirs, const char *library_path)
{
  g_autoptr (GPtrArray) gpus = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_gpu_info_free);
  g_autofree char    *nvml_reason = NULL;
  g_autofree char    *cuda_reason = NULL;
  g_autofree char    *missing = NULL;
  ReelGpuDriverStatus nvml, cuda;

  nvml = reel_gpu_nvml_probe (dirs, gpus, &nvml_reason);
  if (nvml == REEL_GPU_DRIVER_ANSWERED)
    return reel_gpu_report_new (g_steal_pointer (&gpus), nvml_reason);
  g_debug ("NVML: %s; trying the CUDA driver API",
           nvml_reason != NULL ? nvml_reason : REEL_GPU_NVML_LIBRARY " not found");

  cuda = reel_gpu_cuda_probe (dirs, gpus, &cuda_reason);
  if (cuda == REEL_GPU_DRIVER_ANSWERED && gpus->len > 0)
    return reel_gpu_report_new (g_steal_pointer (&gpus), NULL);
  g_debug ("CUDA: %s", cuda_reason != NULL ? cuda_reason : REEL_GPU_CUDA_LIBRARY " not found");

  /* NVML's failure says more than CUDA's: it is the library of the driver
   * itself, and CUDA usually fails for the same cause. */
  if (nvml == REEL_GPU_DRIVER_FAILED)
    return reel_gpu_report_new (g_steal_pointer (&gpus), nvml_reason);
  if (cuda != REEL_GPU_DRIVER_MISSING)
    return reel_gpu_report_new (g_steal_pointer (&gpus), cuda_reason);
  if (library_path != NULL)
    /* Translators: %s is a list of folders, as $STORYREEL_GPU_LIBRARY_PATH set it */
    missing = g_strdup_printf (_ ("No NVIDIA driver was found in %s (neither libnvidia-ml.so.1 "
                                  "nor libcuda.so.1 is there)."),
                               library_path);
  else
    missing = g_strdup (_ ("No NVIDIA driver was found (libnvidia-ml.so.1 is not installed)."));
  return reel_gpu_report_new (g_steal_pointer (&gpus), missing);
}

ReelGpuReport *
reel_gpu_probe_query (ReelGpuProbe *self)
{
  ReelGpuReport *report;
  guint          generation;

  g_return_val_if_fail (REEL_IS_GPU_PROBE (self), NULL);

  g_mutex_lock (&self->probe_lock);
  g_mutex_lock (&self->lock);
  if (self->report != NULL)
    {
      report = reel_gpu_report_ref (self->report);
      g_mutex_unlock (&self->lock);
      g_mutex_unlock (&self->probe_lock);
      return report;
    }
  generation = self->generation;
  g_mutex_unlock (&self->lock);

  report = probe_drivers ((const char *const *) self->dirs, self->library_path);
  if (reel_gpu_report_get_n_gpus (report) > 0)
    g_debug ("%u NVIDIA GPU(s), from %s", reel_gpu_report_get_n_gpus (report),
             reel_gpu_report_get_gpu (report, 0)->source);
  else
    g_debug ("No NVIDIA GPU: %s", reel_gpu_report_get_reason (report));

  g_mutex_lock (&self->lock);
  if (generation == self->generation)
    self->report = reel_gpu_report_ref (report);
  g_mutex_unlock (&self->lock);
  g_mutex_unlock (&self->probe_lock);
  return report;
}

static void
query_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  g_task_return_pointer (task, reel_gpu_probe_query (source_object),
                         (GDestroyNotify) reel_gpu_report_unref);
}

void
reel_gpu_probe_query_async (ReelGpuProbe       *self,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  ReelGpuReport *report;

  g_return_if_fail (REEL_IS_GPU_PROBE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_gpu_probe_query_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  if ((report = reel_gpu_probe_dup_report (self)) != NULL)
    {
      g_task_return_pointer (task, report, (GDestroyNotify) reel_gpu_report_unref);
      return;
    }
  /* A driver that hangs must not hold up a window that closes: the task
   * returns at once when cancelled, and its thread ends when the driver
   * answers. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, query_thread);
}

ReelGpuReport *
reel_gpu_probe_query_finish (ReelGpuProbe *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (REEL_IS_GPU_PROBE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

ReelGpuReport *
reel_gpu_probe_dup_report (ReelGpuProbe *self)
{
  ReelGpuReport *report;

  g_return_val_if_fail (REEL_IS_GPU_PROBE (self), NULL);

  g_mutex_lock (&self->lock);
  report = self->report != NULL ? reel_gpu_report_ref (self->report) : NULL;
  g_mutex_unlock (&self->lock);
  return report;
}

ReelGpuSlots *
reel_gpu_probe_dup_slots (ReelGpuProbe *self)
{
  ReelGpuSlots *slots = NULL;

  g_return_val_if_fail (REEL_IS_GPU_PROBE (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->slots == NULL && self->report != NULL)
    self->slots = reel_gpu_slots_new (reel_gpu_report_get_n_gpus (self->report));
  if (self->slots != NULL)
    slots = g_object_ref (self->slots);
  g_mutex_unlock (&self->lock);
  return slots;
}

void
reel_gpu_probe_forget (ReelGpuProbe *self)
{
  g_return_if_fail (REEL_IS_GPU_PROBE (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->report, reel_gpu_report_unref);
  self->generation++;
  g_mutex_unlock (&self->lock);
}

const char *
reel_gpu_probe_get_library_path (ReelGpuProbe *self)
{
  g_return_val_if_fail (REEL_IS_GPU_PROBE (self), NULL);

  return self->library_path;
}

static void
set_library_path (ReelGpuProbe *self, const char *library_path)
{
  g_autoptr (GStrvBuilder) dirs = g_strv_builder_new ();
  g_auto (GStrv) parts = NULL;
  guint n_dirs = 0;

  if (library_path == NULL)
    return;
  parts = g_strsplit (library_path, G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      {
        g_strv_builder_add (dirs, parts[i]);
        n_dirs++;
      }
  /* An empty value is no value: the loader searches. */
  if (n_dirs == 0)
    return;
  self->library_path = g_strdup (library_path);
  self->dirs = g_strv_builder_end (dirs);
}

ReelGpuProbe *
reel_gpu_probe_new_for_library_path (const char *library_path)
{
  return g_object_new (REEL_TYPE_GPU_PROBE, "library-path", library_path, NULL);
}

ReelGpuProbe *
reel_gpu_probe_new (void)
{
  return reel_gpu_probe_new_for_library_path (g_getenv (REEL_GPU_LIBRARY_PATH_ENV));
}

static void
reel_gpu_probe_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelGpuProbe *self = REEL_GPU_PROBE (object);

  switch (prop_id)
    {
      case PROP_LIBRARY_PATH:
        g_value_set_string (value, self->library_path);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_gpu_probe_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ReelGpuProbe *self = REEL_GPU_PROBE (object);

  switch (prop_id)
    {
      case PROP_LIBRARY_PATH:
        set_library_path (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_gpu_probe_finalize (GObject *object)
{
  ReelGpuProbe *self = REEL_GPU_PROBE (object);

  g_clear_pointer (&self->report, reel_gpu_report_unref);
  g_clear_object (&self->slots);
  g_free (self->library_path);
  g_strfreev (self->dirs);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->probe_lock);

  G_OBJECT_CLASS (reel_gpu_probe_parent_class)->finalize (object);
}

static void
reel_gpu_probe_class_init (ReelGpuProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = reel_gpu_probe_get_property;
  object_class->set_property = reel_gpu_probe_set_property;
  object_class->finalize = reel_gpu_probe_finalize;

  /* Directories separated by ':' to look for the driver's libraries in;
   * NULL for the loader's search path. */
  properties[PROP_LIBRARY_PATH]
      = g_param_spec_string ("library-path", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
reel_gpu_probe_init (ReelGpuProbe *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->probe_lock);
}
