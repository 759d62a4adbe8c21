/* reel-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-backend.h"

GQuark
reel_backend_error_quark (void)
{
  return g_quark_from_static_string ("reel-backend-error-quark");
}
G_DEFINE_INTERFACE (ReelBackend, reel_backend, G_TYPE_OBJECT)

static gboolean
reel_backend_real_submit (ReelBackend *self, ReelJobContext *context, GError **error)
{
  /* Local backends have nothing to submit: wait() does the work. */
  return TRUE;
}

static void
reel_backend_real_cancel (ReelBackend *self, ReelJobContext *context)
{
  /* The job's GCancellable is enough for local work. */
}

static double
reel_backend_real_estimate_cost (ReelBackend *self, const ReelJobRequest *request)
{
  return 0;
}

static void
reel_backend_default_init (ReelBackendInterface *iface)
{
  iface->submit = reel_backend_real_submit;
  iface->cancel = reel_backend_real_cancel;
  iface->estimate_cost = reel_backend_real_estimate_cost;
}

const char *
reel_backend_get_name (ReelBackend *self)
{
  g_return_val_if_fail (REEL_IS_BACKEND (self), NULL);
  return REEL_BACKEND_GET_IFACE (self)->get_name (self);
}

const char *
reel_backend_get_display_name (ReelBackend *self)
{
  ReelBackendInterface *iface;

  g_return_val_if_fail (REEL_IS_BACKEND (self), NULL);

  iface = REEL_BACKEND_GET_IFACE (self);
  return iface->get_display_name != NULL ? iface->get_display_name (self) : iface->get_name (self);
}

void
reel_backend_get_capabilities (ReelBackend *self, ReelBackendCapabilities *capabilities)
{
  g_return_if_fail (REEL_IS_BACKEND (self));

  *capabilities = (ReelBackendCapabilities){
    .features = REEL_BACKEND_TEXT_TO_VIDEO,
    .max_width = 1920,
    .max_height = 1080,
    .min_duration = 1,
    .max_duration = 10,
    .min_fps = 8,
    .max_fps = 60,
    .max_parallel_jobs = 1,
  };
  REEL_BACKEND_GET_IFACE (self)->get_capabilities (self, capabilities);
}

double
reel_backend_estimate_cost (ReelBackend *self, const ReelJobRequest *request)
{
  g_return_val_if_fail (REEL_IS_BACKEND (self), 0);
  return REEL_BACKEND_GET_IFACE (self)->estimate_cost (self, request);
}

gboolean
reel_backend_check_request (ReelBackend *self, const ReelJobRequest *request, GError **error)
{
  ReelBackendCapabilities caps;
  const char             *name;

  g_return_val_if_fail (REEL_IS_BACKEND (self), FALSE);

  reel_backend_get_capabilities (self, &caps);
  name = reel_backend_get_display_name (self);

  if (request->start_image != NULL && !(caps.features & REEL_BACKEND_IMAGE_TO_VIDEO))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("%s cannot start a clip from an image. Choose a backend that can, or "
                      "remove the shot’s board image."),
                   name);
      return FALSE;
    }
  if (request->start_image == NULL && !(caps.features & REEL_BACKEND_TEXT_TO_VIDEO))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("%s needs a board image to start from. Import a still for the shot "
                      "first."),
                   name);
      return FALSE;
    }

  if (caps.sizes != NULL)
    {
      g_autofree char *size = g_strdup_printf ("%ux%u", request->width, request->height);

      if (!g_strv_contains (caps.sizes, size))
        {
          g_autofree char *sizes = g_strjoinv (", ", (char **) caps.sizes);
          g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                       _ ("%s cannot make %s clips. It makes %s; change the project’s "
                          "resolution in Preferences."),
                       name, size, sizes);
          return FALSE;
        }
    }
  else if (request->width > caps.max_width || request->height > caps.max_height)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("%s makes clips of at most %u×%u; this shot asks for %u×%u."), name,
                   caps.max_width, caps.max_height, request->width, request->height);
      return FALSE;
    }

  if (request->duration < caps.min_duration - 1e-6 || request->duration > caps.max_duration + 1e-6)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("%s makes clips of %.1f to %.1f seconds; this shot lasts %.1f seconds."),
                   name, caps.min_duration, caps.max_duration, request->duration);
      return FALSE;
    }

  if (request->fps < caps.min_fps || request->fps > caps.max_fps)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("%s makes clips at %u to %u frames per second, not %u."), name, caps.min_fps,
                   caps.max_fps, request->fps);
      return FALSE;
    }

  return TRUE;
}

gboolean
reel_backend_submit (ReelBackend *self, ReelJobContext *context, GError **error)
{
  g_return_val_if_fail (REEL_IS_BACKEND (self), FALSE);
  return REEL_BACKEND_GET_IFACE (self)->submit (self, context, error);
}

gboolean
reel_backend_wait (ReelBackend *self, ReelJobContext *context, GError **error)
{
  g_return_val_if_fail (REEL_IS_BACKEND (self), FALSE);
  return REEL_BACKEND_GET_IFACE (self)->wait (self, context, error);
}

char *
reel_backend_fetch (ReelBackend *self, ReelJobContext *context, GError **error)
{
  g_return_val_if_fail (REEL_IS_BACKEND (self), NULL);
  return REEL_BACKEND_GET_IFACE (self)->fetch (self, context, error);
}

void
reel_backend_cancel (ReelBackend *self, ReelJobContext *context)
{
  g_return_if_fail (REEL_IS_BACKEND (self));
  REEL_BACKEND_GET_IFACE (self)->cancel (self, context);
}

gboolean
reel_backend_check_ready (ReelBackend *self, char **reason)
{
  ReelBackendInterface *iface;

  g_return_val_if_fail (REEL_IS_BACKEND (self), FALSE);

  iface = REEL_BACKEND_GET_IFACE (self);
  return iface->check_ready != NULL ? iface->check_ready (self, reason) : TRUE;
}

gboolean
reel_backend_test_connection (ReelBackend *self, GCancellable *cancellable, GError **error)
{
  ReelBackendInterface *iface;

  g_return_val_if_fail (REEL_IS_BACKEND (self), FALSE);

  iface = REEL_BACKEND_GET_IFACE (self);
  if (iface->test_connection != NULL)
    return iface->test_connection (self, cancellable, error);
  return reel_backend_check_ready (self, NULL);
}

const char *const *
reel_backend_list_models (ReelBackend *self)
{
  static const char *const none[] = { NULL };
  ReelBackendInterface    *iface;

  g_return_val_if_fail (REEL_IS_BACKEND (self), none);

  iface = REEL_BACKEND_GET_IFACE (self);
  return iface->list_models != NULL ? iface->list_models (self) : none;
}

const char *
reel_backend_get_model (ReelBackend *self)
{
  ReelBackendInterface *iface;

  g_return_val_if_fail (REEL_IS_BACKEND (self), NULL);

  iface = REEL_BACKEND_GET_IFACE (self);
  return iface->get_model != NULL ? iface->get_model (self) : NULL;
}

double
reel_backend_billed_seconds (ReelBackend *self, const ReelJobRequest *request)
{
  ReelBackendInterface *iface;

  g_return_val_if_fail (REEL_IS_BACKEND (self), 0);

  iface = REEL_BACKEND_GET_IFACE (self);
  return iface->billed_seconds != NULL ? iface->billed_seconds (self, request) : request->duration;
}
