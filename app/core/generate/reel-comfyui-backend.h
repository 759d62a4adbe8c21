/* reel-comfyui-backend.h: Wan workflows on ComfyUI servers on this computer or the local network
 *
 * A job fills a workflow's placeholders (reel-comfyui-workflow.h), uploads
 * the board image when the workflow starts from one, and queues the graph
 * with a prompt id and a client id of its own choosing, both saved before the
 * request leaves, so a lost reply is looked up rather than queued twice.
 * Before the first job on a server its GPU is read (/system_stats) and every
 * node type and model file the workflow needs is looked up (/object_info);
 * what is missing is listed, with the folder each file goes in. Progress
 * comes from the server's WebSocket, blended over the graph's nodes and
 * sampler steps; the socket reconnects with the same client id, and when it
 * keeps failing the job follows the prompt's history instead. The clip is
 * read from the history's outputs and fetched with /view into a temporary
 * file whose name the server has no say in.
 *
 * Stop is not cancel: quitting leaves the prompt in the server's queue and
 * the next run picks it up from the history; only the user's Cancel removes
 * a pending prompt or interrupts the running one. A server that restarted
 * has forgotten its queue and history: the job then fails in a way the
 * scheduler retries, with a new prompt.
 *
 * Several addresses make a pool of render nodes: a new job goes to the
 * least busy server that answers, each server holding at most its share of
 * jobs (one running and one waiting, so its GPU stays busy and its model
 * loaded between shots, and Storyreel's own queue keeps the rest, where it
 * can reorder or cancel them cheaply; see ReelServerPool). A server that
 * does not answer rests out of rotation and its jobs start again on the
 * others: one that refuses connections at once, and one powered off, which
 * answers nothing at all, once it has been silent for the unreachable time.
 * A job lets go of its server as soon as its prompt is over, before its clip
 * downloads. Everything about one server is in ReelComfyuiServer.
 *
 * A server on this computer (127.0.0.1, ::1, localhost) shares its GPU with
 * the other local backends: while Storyreel's jobs are on it, they hold one
 * lease on that GPU between them, taken by the first and given back by the
 * last, so sd-cli waits for it and ComfyUI waits for sd-cli.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-backend.h"
#include "reel-gpu-slots.h"
#include "reel-server-pool.h"

G_BEGIN_DECLS

#define REEL_COMFYUI_DEFAULT_WORKFLOW "wan2.2-ti2v-5b"

#define REEL_TYPE_COMFYUI_BACKEND (reel_comfyui_backend_get_type ())
G_DECLARE_FINAL_TYPE (ReelComfyuiBackend, reel_comfyui_backend, REEL, COMFYUI_BACKEND, GObject)

/* @urls: one address, or several separated by commas; NULL or empty for
 * http://127.0.0.1:8188. */
ReelComfyuiBackend *reel_comfyui_backend_new (const char *urls);

/* The workflow jobs use when they name none: a name or a file (see
 * reel_comfyui_workflow_resolve()). One that cannot be used is refused with
 * an error that says why; the backend then keeps it, and check_ready() says
 * what is wrong. NULL or empty: the default. */
gboolean
reel_comfyui_backend_set_workflow (ReelComfyuiBackend *self, const char *workflow, GError **error);
/* Sampler steps: 0 for each workflow's own. */
void reel_comfyui_backend_set_steps (ReelComfyuiBackend *self, guint steps);
/* Prompts each server holds at once: one running and one waiting suits a
 * GPU. The backend takes that many times the servers in rotation. */
void reel_comfyui_backend_set_max_parallel_jobs (ReelComfyuiBackend *self, guint jobs);
/* How often a prompt is looked up without a live connection (from @poll_min_ms
 * growing to @poll_max_ms), and how long the socket may stay silent before
 * the prompt is looked up all the same. Tests shorten them. */
void reel_comfyui_backend_set_timing (ReelComfyuiBackend *self,
                                      guint               poll_min_ms,
                                      guint               poll_max_ms,
                                      guint               silence_ms);

/* This computer's GPUs, shared with the other local backends; NULL (the
 * default): servers here take no lease. */
void reel_comfyui_backend_set_gpu_slots (ReelComfyuiBackend *self, ReelGpuSlots *slots);

/* How long a server that did not answer stays out of rotation (default 30 s). */
void reel_comfyui_backend_set_rest_time (ReelComfyuiBackend *self, guint milliseconds);
/* How long a job's server may leave every request unanswered (a computer
 * powered off refuses nothing) before the job gives up on it and, in a
 * pool, starts again on another (default 20 s). Tests shorten it. */
void reel_comfyui_backend_set_unreachable_time (ReelComfyuiBackend *self, guint milliseconds);
/* The servers' places, for tests. */
ReelServerPool *reel_comfyui_backend_get_pool (ReelComfyuiBackend *self);

/* One line per server, for people: whether it answers, its version and GPU,
 * and whether it has what the workflow needs (or what is missing). Blocks. */
char *reel_comfyui_backend_describe_servers (ReelComfyuiBackend *self, GCancellable *cancellable);

G_END_DECLS
