/* reel-animatic-backend.c: renders each shot as its storyboard card with its camera move
 *
 * The default backend: no model, no network, no GPU. The same request gives
 * the same file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-animatic"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-animatic-backend.h"
#include "reel-animatic.h"

struct _ReelAnimaticBackend
{
  GObject parent_instance;
};

static void backend_iface_init (ReelBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ReelAnimaticBackend,
                               reel_animatic_backend,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (REEL_TYPE_BACKEND, backend_iface_init))

static const char *
get_name (ReelBackend *backend)
{
  return "animatic";
}

static const char *
get_display_name (ReelBackend *backend)
{
  return _ ("Animatic");
}

static void
get_capabilities (ReelBackend *backend, ReelBackendCapabilities *caps)
{
  caps->features = REEL_BACKEND_TEXT_TO_VIDEO | REEL_BACKEND_IMAGE_TO_VIDEO;
  caps->sizes = NULL;
  caps->max_width = 7680;
  caps->max_height = 4320;
  caps->min_duration = 0.1;
  caps->max_duration = 600;
  caps->min_fps = 1;
  caps->max_fps = 120;
  /* Rendering is CPU work: one job per core keeps the machine responsive. */
  caps->max_parallel_jobs = MAX (g_get_num_processors (), 1);
  caps->currency = NULL;
}

static void
render_progress_cb (double fraction, gpointer user_data)
{
  reel_job_context_progress (user_data, fraction, NULL);
}

static gboolean
wait_for_render (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  g_autoptr (ReelAnimaticSpec) spec = reel_animatic_spec_new ();
  g_autofree char *path = NULL;

  spec->width = request->width;
  spec->height = request->height;
  spec->fps = request->fps;
  spec->duration = request->duration;
  spec->camera = request->camera;
  spec->scene_heading = g_strdup (request->scene_heading);
  spec->shot_number = g_strdup (request->shot_number);
  spec->text = g_strdup (request->text != NULL ? request->text : request->prompt);
  spec->language = g_strdup (request->language);
  spec->board_image_path = g_strdup (request->start_image);
  for (guint i = 0; request->captions != NULL && i < request->captions->len; i++)
    reel_animatic_spec_add_caption (spec, g_ptr_array_index (request->captions, i));

  path = reel_job_context_new_temp_path (context, "mp4", error);
  if (path == NULL)
    return FALSE;

  if (!reel_animatic_render (spec, path, reel_job_context_get_cancellable (context),
                             render_progress_cb, context, error))
    return FALSE;

  reel_job_context_set_result_path (context, path);
  return TRUE;
}

static char *
fetch_render (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  return g_strdup (reel_job_context_get_result_path (context));
}

static void
backend_iface_init (ReelBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->get_display_name = get_display_name;
  iface->get_capabilities = get_capabilities;
  iface->wait = wait_for_render;
  iface->fetch = fetch_render;
}

static void
reel_animatic_backend_class_init (ReelAnimaticBackendClass *klass)
{
}

static void
reel_animatic_backend_init (ReelAnimaticBackend *self)
{
}

ReelBackend *
reel_animatic_backend_new (void)
{
  return g_object_new (REEL_TYPE_ANIMATIC_BACKEND, NULL);
}
