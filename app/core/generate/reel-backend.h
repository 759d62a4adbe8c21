/* reel-backend.h: the interface every generation backend implements
 *
 * A backend knows its service and nothing else: no UI, no database, no other
 * backend. It is driven from a worker thread of the scheduler's pool with a
 * ReelJobContext, and reports through it. A remote backend submits, polls
 * and downloads; a local one does the work in wait().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-generate-enums.h"
#include "reel-job-context.h"
#include "reel-job-request.h"

G_BEGIN_DECLS

#define REEL_BACKEND_ERROR (reel_backend_error_quark ())
GQuark reel_backend_error_quark (void);

/* The codes are the failure kinds of ARCHITECTURE.md: they decide retries. */
typedef enum
{
  REEL_BACKEND_ERROR_TRANSIENT, /* network, timeout, rate limit, busy: try again later */
  REEL_BACKEND_ERROR_PERMANENT, /* bad input, unsupported size: do not retry */
  REEL_BACKEND_ERROR_REFUSED,   /* the service refused the content */
  REEL_BACKEND_ERROR_AUTH,      /* missing or rejected credentials */
} ReelBackendError;

typedef enum /*< flags >*/
{
  REEL_BACKEND_TEXT_TO_VIDEO = 1 << 0,
  REEL_BACKEND_IMAGE_TO_VIDEO = 1 << 1,
  REEL_BACKEND_REMOTE = 1 << 2, /* has remote task ids that survive a restart */
  REEL_BACKEND_NEEDS_GPU = 1 << 3,
  /* Spreads jobs over servers that each take a set number: its parallel
   * limit is theirs, and the window's "parallel jobs" does not lower it. */
  REEL_BACKEND_SERVER_POOL = 1 << 4,
} ReelBackendFeatures;

typedef struct
{
  ReelBackendFeatures features;
  const char *const *sizes; /* "1280x720", …; NULL: any even size up to max_width × max_height */
  guint              max_width;
  guint              max_height;
  double             min_duration;
  double             max_duration;
  guint              min_fps;
  guint              max_fps;
  guint              max_parallel_jobs;
  const char        *currency; /* of estimate_cost(), e.g. "USD"; NULL when free */
} ReelBackendCapabilities;

#define REEL_TYPE_BACKEND (reel_backend_get_type ())
G_DECLARE_INTERFACE (ReelBackend, reel_backend, REEL, BACKEND, GObject)

struct _ReelBackendInterface
{
  GTypeInterface parent_iface;

  const char *(*get_name) (ReelBackend *self);
  const char *(*get_display_name) (ReelBackend *self);
  void (*get_capabilities) (ReelBackend *self, ReelBackendCapabilities *capabilities);
  double (*estimate_cost) (ReelBackend *self, const ReelJobRequest *request);

  /* Worker thread. submit() starts the work and reports a remote id with
   * reel_job_context_submitted(); it is skipped when a resumed job already
   * has one. wait() returns once the result is ready, reporting progress.
   * fetch() returns the path of the result as a local file, ideally inside
   * reel_job_context_new_temp_path(). cancel() asks the service to stop; the
   * scheduler calls it only when the user cancelled the job, never when
   * Storyreel stops (a quit leaves remote tasks running, to be resumed). */
  gboolean (*submit) (ReelBackend *self, ReelJobContext *context, GError **error);
  gboolean (*wait) (ReelBackend *self, ReelJobContext *context, GError **error);
  char *(*fetch) (ReelBackend *self, ReelJobContext *context, GError **error);
  void (*cancel) (ReelBackend *self, ReelJobContext *context);

  /* Optional. check_ready() says whether jobs can run as the backend is set
   * up (a key, a server address) and, if not, what is missing.
   * test_connection() makes a cheap authenticated call (any thread).
   * list_models() and get_model() name the models it offers and the one
   * jobs use when they name none. */
  gboolean (*check_ready) (ReelBackend *self, char **reason);
  /* The seconds of video the service makes, and bills, for @request
   * (a model with fixed lengths makes 5 s for a 3 s shot). */
  double (*billed_seconds) (ReelBackend *self, const ReelJobRequest *request);
  gboolean (*test_connection) (ReelBackend *self, GCancellable *cancellable, GError **error);
  const char *const *(*list_models) (ReelBackend *self);
  const char *(*get_model) (ReelBackend *self);
};

const char *reel_backend_get_name (ReelBackend *self);
const char *reel_backend_get_display_name (ReelBackend *self);
void reel_backend_get_capabilities (ReelBackend *self, ReelBackendCapabilities *capabilities);
/* What the job will cost in capabilities.currency; 0 when free, negative
 * when the price of this model or size is not known. */
double reel_backend_estimate_cost (ReelBackend *self, const ReelJobRequest *request);
/* Checks a request against the capabilities; a PERMANENT error says why not. */
gboolean
reel_backend_check_request (ReelBackend *self, const ReelJobRequest *request, GError **error);
gboolean reel_backend_submit (ReelBackend *self, ReelJobContext *context, GError **error);
gboolean reel_backend_wait (ReelBackend *self, ReelJobContext *context, GError **error);
char    *reel_backend_fetch (ReelBackend *self, ReelJobContext *context, GError **error);
void     reel_backend_cancel (ReelBackend *self, ReelJobContext *context);
gboolean reel_backend_check_ready (ReelBackend *self, char **reason);
double   reel_backend_billed_seconds (ReelBackend *self, const ReelJobRequest *request);
gboolean
reel_backend_test_connection (ReelBackend *self, GCancellable *cancellable, GError **error);
/* NULL-terminated; empty when the backend has no model choice. */
const char *const *reel_backend_list_models (ReelBackend *self);
/* The model jobs use when they name none, or NULL. */
const char *reel_backend_get_model (ReelBackend *self);

G_END_DECLS
