/* fake-comfyui.h: a fake ComfyUI server for tests, HTTP and WebSocket
 *
 * Speaks the routes of shared/protocols/local-engines.md §2 on a loopback
 * ReelFakeServer:
 *   GET  /system_stats, GET /object_info/{class} (the nodes the shipped Wan
 *     workflows use, with the model files they name)
 *   POST /upload/image (multipart) → {name, subfolder, type}
 *   POST /prompt → validated as ComfyUI does (node types, combo values,
 *     lowercase UUID prompt ids): 200 {prompt_id, number, node_errors} or
 *     400 {error, node_errors}
 *   GET  /history/{id}, GET /queue, POST /queue {"delete": [ids]},
 *     POST /interrupt {prompt_id}, POST /api/jobs/{id}/cancel (when enabled)
 *   GET  /internal/logs/raw, GET /view?filename=&subfolder=&type=
 *   /ws?clientId= : status on connect; then, for the prompts that client
 *     queued, execution_start, executing, progress, progress_state,
 *     executed, execution_success (or execution_error), the history, and
 *     executing with a null node; execution_interrupted to everyone. A socket
 *     that reconnects with the same client id replaces the old one and is
 *     re-sent "executing" for the running node, with no prompt id.
 *
 * One prompt runs at a time, one unit of work per tick: each node is one
 * unit, and each sampler step another. A test holds the running prompt
 * after a number of units to act on it mid-job.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fake-service.h"

G_BEGIN_DECLS

typedef struct _ReelFakeComfyui ReelFakeComfyui;

/* The kinds of request a fault can be queued for. */
typedef enum
{
  REEL_FAKE_COMFYUI_PROMPT,
  REEL_FAKE_COMFYUI_HISTORY,
  REEL_FAKE_COMFYUI_QUEUE,
  REEL_FAKE_COMFYUI_VIEW,
  REEL_FAKE_COMFYUI_N_REQUESTS,
} ReelFakeComfyuiRequest;

/* Never holds. */
#define REEL_FAKE_COMFYUI_NO_HOLD G_MAXUINT

/* Serves @video as every prompt's clip. */
ReelFakeComfyui *reel_fake_comfyui_new (GBytes *video);
void             reel_fake_comfyui_free (ReelFakeComfyui *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelFakeComfyui, reel_fake_comfyui_free)

/* "http://127.0.0.1:PORT" */
const char     *reel_fake_comfyui_get_url (ReelFakeComfyui *self);
ReelFakeServer *reel_fake_comfyui_get_server (ReelFakeComfyui *self);

/* Switches. */
void reel_fake_comfyui_add_fault (ReelFakeComfyui       *self,
                                  ReelFakeComfyuiRequest kind,
                                  ReelFakeFault          fault,
                                  guint                  count);
/* Milliseconds per unit of work (default 2). */
void reel_fake_comfyui_set_tick (ReelFakeComfyui *self, guint milliseconds);
/* The running prompt stops after @units units of work (0: right after
 * execution_start) until the hold is lifted; REEL_FAKE_COMFYUI_NO_HOLD lifts it. */
void reel_fake_comfyui_set_hold (ReelFakeComfyui *self, guint units);
/* Whether a prompt runs and is held where the hold says. */
gboolean reel_fake_comfyui_is_holding (ReelFakeComfyui *self);
/* The server has no such model file (in any loader's list) or node type. */
void reel_fake_comfyui_remove_model (ReelFakeComfyui *self, const char *filename);
void reel_fake_comfyui_remove_node_type (ReelFakeComfyui *self, const char *class_type);
/* /system_stats lists only the CPU. */
void reel_fake_comfyui_set_cpu_only (ReelFakeComfyui *self, gboolean cpu_only);
/* POST /prompt is refused with 400 and this error for node @node_id; NULL: accepted again. */
void reel_fake_comfyui_set_node_error (ReelFakeComfyui *self,
                                       const char      *node_id,
                                       const char      *type,
                                       const char      *message,
                                       const char      *details);
/* POST /prompt answers 429 with Retry-After: 3. */
void reel_fake_comfyui_set_queue_full (ReelFakeComfyui *self, gboolean full);
/* The first sampler step of a node of @class_type raises @exception_type
 * with @message, as an out-of-memory error does; NULL: no failure. */
void reel_fake_comfyui_set_execution_error (ReelFakeComfyui *self,
                                            const char      *class_type,
                                            const char      *exception_type,
                                            const char      *message);
/* The clip every prompt saves: its name and subfolder (default
 * "storyreel/clip_00001_.mp4" in "video"). */
void
reel_fake_comfyui_set_output (ReelFakeComfyui *self, const char *filename, const char *subfolder);
/* /ws is refused with 503. */
void reel_fake_comfyui_set_refuse_sockets (ReelFakeComfyui *self, gboolean refuse);
/* The jobs API's cancel (ComfyUI 0.26 and later) is offered. */
void reel_fake_comfyui_set_jobs_api (ReelFakeComfyui *self, gboolean offered);

/* Events, as if they happened at the server. Each is done when it returns. */
/* Someone pressed Cancel in ComfyUI's own window (a global interrupt). */
void reel_fake_comfyui_interrupt (ReelFakeComfyui *self);
/* Every open socket is closed by the server. */
void reel_fake_comfyui_drop_sockets (ReelFakeComfyui *self);
/* The server restarted: queue, history and sockets are gone. */
void reel_fake_comfyui_restart (ReelFakeComfyui *self);

/* Counters and state. */
/* Prompts the server accepted. */
guint reel_fake_comfyui_count_prompts (ReelFakeComfyui *self);
/* WebSocket connections the server accepted, and the client ids they gave. */
guint reel_fake_comfyui_count_sockets (ReelFakeComfyui *self);
GStrv reel_fake_comfyui_dup_socket_client_ids (ReelFakeComfyui *self);
/* WebSocket connections open now: until the client closes them, or the server does. */
guint reel_fake_comfyui_count_open_sockets (ReelFakeComfyui *self);
/* "pending", "running", "success", "error", "interrupted", or NULL for a prompt it does not know.
 */
char *reel_fake_comfyui_dup_prompt_status (ReelFakeComfyui *self, const char *prompt_id);
/* The ids of the queue, running first, then pending. */
GStrv reel_fake_comfyui_dup_queue (ReelFakeComfyui *self);
/* The last accepted prompt's graph and id (caller unrefs/frees). */
JsonObject *reel_fake_comfyui_dup_last_graph (ReelFakeComfyui *self);
char       *reel_fake_comfyui_dup_last_prompt_id (ReelFakeComfyui *self);
/* The last uploaded image and the name it got, or NULL. */
GBytes *reel_fake_comfyui_dup_upload (ReelFakeComfyui *self, char **name);

/* The most prompts it held at once, pending and running. */
guint reel_fake_comfyui_get_peak_held (ReelFakeComfyui *self);
/* Each finished prompt's run, as monotonic µs pairs (start, end), in the
 * order the prompts came: prompts run one at a time. */
GArray *reel_fake_comfyui_dup_run_spans (ReelFakeComfyui *self);

G_END_DECLS
