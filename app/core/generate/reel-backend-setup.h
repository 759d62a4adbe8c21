/* reel-backend-setup.h: the backends Storyreel ships, set up from preferences
 *
 * One place turns a backend's name, the app's GSettings and the command
 * line's overrides into a configured backend, so the window and the command
 * line make the same backend from the same settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-backend.h"
#include "reel-gpu-slots.h"

G_BEGIN_DECLS

/* "animatic", "dashscope", "fal", "comfyui", "sd-server", "sd-cli":
 * NULL-terminated, in the order people see them. */
const char *const *reel_backend_list_names (void);
/* "Animatic (built in)", "Alibaba Cloud Model Studio", "fal.ai"; NULL for an unknown name. */
const char *reel_backend_name_get_label (const char *name);
/* Whether the backend @name may run on this computer's GPUs ("comfyui",
 * "sd-server", "sd-cli"), and so takes ReelBackendOverrides.gpu_slots. */
gboolean reel_backend_name_uses_gpu (const char *name);

typedef struct
{
  const char *endpoint;      /* the API base (comfyui: its servers), overriding settings and
                                environment; or NULL */
  const char *model;         /* overriding the settings (comfyui: the workflow); or NULL */
  const char *api_key;       /* a key already looked up; NULL: look it up (blocking) */
  gboolean    key_looked_up; /* @api_key is the answer, even NULL: do not look again */
  const char *sd_cli;        /* sd-cli: the program, overriding the settings; or NULL */
  const char *model_dir;     /* sd-cli: the model folder, overriding the settings; or NULL */
  /* The local backends: this computer's GPUs, one ReelGpuSlots for every
   * backend of the process (so one local job runs per GPU, whichever
   * backend it belongs to); NULL when they are not known. */
  ReelGpuSlots *gpu_slots;
} ReelBackendOverrides;

/* Makes the backend @name. @settings is the app's GSettings
 * (io.github.storyreel.Storyreel), or NULL for the defaults. A missing key is
 * not an error here: the backend then says so in check_ready() and fails its
 * jobs with an AUTH error. NULL with an error for an unknown name. */
ReelBackend *reel_backend_create (const char                 *name,
                                  GSettings                  *settings,
                                  const ReelBackendOverrides *overrides,
                                  GError                    **error);

/* The base URL Model Studio jobs use, from (in order) @endpoint,
 * DASHSCOPE_HTTP_BASE_URL, the settings' base URL, then their region. */
char *reel_backend_dashscope_base_url (GSettings *settings, const char *endpoint);

G_END_DECLS
