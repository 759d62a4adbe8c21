/* reel-job-screen.c
 *
 * What a backend is asked for passes the blocklist first. The scheduler
 * calls this for every job it is about to hand a backend, so a new backend
 * cannot skip it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-backend.h"
#include "reel-job-screen.h"
#include "reel-safety-screen.h"

/**
 * reel_job_request_screen:
 * @request: what a backend would be sent
 * @error: says why @request is blocked
 *
 * Screens the prompt and the shot's text (which the animatic draws). The
 * negative prompt is left alone: it names what must not appear, and
 * "nudity, gore" there is the user asking for less. When the blocklist
 * cannot be read, nothing is sent: the screen fails closed.
 *
 * Returns: %TRUE when @request may be sent
 */
gboolean
reel_job_request_screen (const ReelJobRequest *request, GError **error)
{
  g_autoptr (ReelSafetyScreen) screen = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *texts[] = { request->prompt, request->text };

  g_return_val_if_fail (request != NULL, FALSE);

  screen = reel_safety_screen_dup_default (&local_error);
  if (screen == NULL)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED,
                   /* Translators: %s says why the blocklist could not be read */
                   _ ("Nothing is sent while the blocklist cannot be read: %s"),
                   local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] != NULL && !reel_safety_screen_allows (screen, texts[i], &local_error))
      {
        g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED,
                             local_error->message);
        return FALSE;
      }
  return TRUE;
}
