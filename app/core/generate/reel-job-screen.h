/* reel-job-screen.h: the safety screen a job passes before any backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-job-request.h"

G_BEGIN_DECLS

/* FALSE with REEL_BACKEND_ERROR_REFUSED, and a message that says what was
 * blocked and why, when @request must not be sent. */
gboolean reel_job_request_screen (const ReelJobRequest *request, GError **error);

G_END_DECLS
