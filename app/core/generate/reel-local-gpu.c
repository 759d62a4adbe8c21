/* reel-local-gpu.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-http-client.h"
#include "reel-local-gpu.h"

gboolean
reel_local_gpu_is_local_url (const char *url)
{
  return reel_http_url_is_loopback (url);
}

/* Who holds the GPUs a job waits for, or NULL when one of them is free:
 * “sd-cli job 3” or “ComfyUI at …, sd-cli job 3”. */
static char *
dup_busy_holders (ReelGpuSlots *slots, guint first, guint last, const char *joinable)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) holders = NULL;

  for (guint index = first; index <= last; index++)
    {
      g_autofree char *holder = reel_gpu_slots_dup_holder (slots, index);

      /* A free GPU, or a share this job can join: no wait. */
      if (holder == NULL || g_strcmp0 (holder, joinable) == 0)
        return NULL;
      g_strv_builder_add (builder, holder);
    }
  holders = g_strv_builder_end (builder);
  return g_strjoinv (", ", holders);
}

/* Says why the job has not started yet, when it has to wait. Another job may
 * take or free the GPU in between: the message is for people, and the
 * acquiring call that follows is what decides. */
static void
report_wait (
    ReelGpuSlots *slots, ReelJobContext *context, guint first, guint last, const char *joinable)
{
  g_autofree char *holders = NULL;
  g_autofree char *message = NULL;

  if (reel_gpu_slots_get_n_gpus (slots) == 0
      || (holders = dup_busy_holders (slots, first, last, joinable)) == NULL)
    return;
  /* Translators: "Waiting for the GPU (used by sd-cli job 12)" */
  message = g_strdup_printf (_ ("Waiting for the GPU (used by %s)"), holders);
  g_debug ("Job %" G_GINT64_FORMAT ": %s", reel_job_context_get_job_id (context), message);
  reel_job_context_progress (context, 0, message);
}

ReelGpuLease *
reel_local_gpu_acquire_any (ReelGpuSlots   *slots,
                            ReelJobContext *context,
                            const char     *holder,
                            GError        **error)
{
  guint n_gpus;

  g_return_val_if_fail (REEL_IS_GPU_SLOTS (slots), NULL);

  n_gpus = reel_gpu_slots_get_n_gpus (slots);
  if (n_gpus > 0)
    report_wait (slots, context, 0, n_gpus - 1, NULL);
  return reel_gpu_slots_acquire_any (slots, holder, reel_job_context_get_cancellable (context),
                                     error);
}

guint
reel_local_gpu_index_of_server (ReelGpuSlots *slots, const char *const *urls, const char *url)
{
  guint n_gpus = reel_gpu_slots_get_n_gpus (slots);
  guint before = 0;

  for (guint i = 0; urls[i] != NULL; i++)
    {
      if (g_strcmp0 (urls[i], url) == 0)
        return n_gpus > 0 ? before % n_gpus : 0;
      if (reel_local_gpu_is_local_url (urls[i]))
        before++;
    }
  return 0;
}

ReelGpuLease *
reel_local_gpu_acquire_shared (
    ReelGpuSlots *slots, guint index, ReelJobContext *context, const char *holder, GError **error)
{
  g_return_val_if_fail (REEL_IS_GPU_SLOTS (slots), NULL);

  if (index < reel_gpu_slots_get_n_gpus (slots))
    report_wait (slots, context, index, index, holder);
  return reel_gpu_slots_acquire_shared (slots, index, holder,
                                        reel_job_context_get_cancellable (context), error);
}

gboolean
reel_local_gpu_hold_for_server (ReelGpuSlots      *slots,
                                const char *const *urls,
                                const char        *url,
                                ReelJobContext    *context,
                                const char        *holder,
                                ReelGpuLease     **lease,
                                GError           **error)
{
  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (lease != NULL, FALSE);

  if (*lease != NULL || slots == NULL || reel_gpu_slots_get_n_gpus (slots) == 0
      || !reel_local_gpu_is_local_url (url))
    return TRUE;
  *lease = reel_local_gpu_acquire_shared (slots, reel_local_gpu_index_of_server (slots, urls, url),
                                          context, holder, error);
  return *lease != NULL;
}
