/* reel-sdcpp-server-backend.h: Wan on a stable-diffusion.cpp server (sd-server)
 *
 * Speaks sd-server's asynchronous API under /sdcpp/v1: it reads the
 * server's capabilities first (the model it loaded, the video formats it
 * writes, its LoRAs), queues a vid_gen job, polls it, and decodes the clip
 * from the answer that says it is done, since the server drops finished jobs
 * after ten minutes. The job id survives a restart, like a remote task's.
 * The server cancels a job only while it is queued: one it is generating
 * finishes, and its clip is then discarded.
 *
 * Several addresses make a pool of render nodes (ReelServerPool), as for
 * ComfyUI: a new job goes to the least busy server that answers, each
 * holding at most two of Storyreel's jobs (one generating, one queued); a
 * server that does not answer rests out of rotation, and its jobs start
 * again on the others. A job lets go of its server once its clip is in.
 *
 * A server on this computer (127.0.0.1, ::1, localhost) shares its GPU with
 * the other local backends: Storyreel's jobs on it hold one lease on its
 * GPU between them (the first GPU for the first such server), so sd-cli
 * waits while it works, and it waits for sd-cli.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-backend.h"
#include "reel-gpu-slots.h"
#include "reel-server-pool.h"

G_BEGIN_DECLS

#define REEL_SDCPP_SERVER_DEFAULT_URL "http://127.0.0.1:1234"

#define REEL_TYPE_SDCPP_SERVER_BACKEND (reel_sdcpp_server_backend_get_type ())
G_DECLARE_FINAL_TYPE (
    ReelSdcppServerBackend, reel_sdcpp_server_backend, REEL, SDCPP_SERVER_BACKEND, GObject)

/* @urls: where sd-server listens ("http://127.0.0.1:1234"; a trailing
 * "/sdcpp/v1" is accepted), or several such addresses separated by commas;
 * NULL or empty for that default. */
ReelSdcppServerBackend *reel_sdcpp_server_backend_new (const char *urls);
/* The servers' addresses, as jobs use them. */
const char *const *reel_sdcpp_server_backend_get_urls (ReelSdcppServerBackend *self);

/* Sampling settings sent with each job; 0 leaves the server's own (the
 * options it was started with). */
void reel_sdcpp_server_backend_set_sampling (ReelSdcppServerBackend *self,
                                             guint                   steps,
                                             double                  cfg_scale,
                                             double                  flow_shift);
/* The short side clips are made at (480 by default). */
void reel_sdcpp_server_backend_set_short_side (ReelSdcppServerBackend *self, guint short_side);
/* LoRAs by file name, which must be among those the server offers;
 * ReelSdcppLora*, or NULL for none. */
void reel_sdcpp_server_backend_set_loras (ReelSdcppServerBackend *self, GPtrArray *loras);
/* This computer's GPUs, shared with the other local backends; NULL (the
 * default): the server takes no lease. */
void reel_sdcpp_server_backend_set_gpu_slots (ReelSdcppServerBackend *self, ReelGpuSlots *slots);
/* How often a job is polled: from @min_ms, growing to @max_ms. */
void reel_sdcpp_server_backend_set_poll_interval (ReelSdcppServerBackend *self,
                                                  guint                   min_ms,
                                                  guint                   max_ms);
/* How long a job's server may leave every poll unanswered before the job
 * gives up on it (default 20 s), and how long such a server then stays out
 * of rotation (default 30 s). Tests shorten them. */
void reel_sdcpp_server_backend_set_unreachable_time (ReelSdcppServerBackend *self,
                                                     guint                   milliseconds);
void reel_sdcpp_server_backend_set_rest_time (ReelSdcppServerBackend *self, guint milliseconds);
/* The servers' places, for tests. */
ReelServerPool *reel_sdcpp_server_backend_get_pool (ReelSdcppServerBackend *self);

/* Any thread. What the server runs, for people: "wan2.2_ti2v_5B_fp16.safetensors
 * (video as webm, avi)"; NULL with an error when it cannot be reached or
 * its model cannot make video. */
char *reel_sdcpp_server_backend_describe (ReelSdcppServerBackend *self,
                                          GCancellable           *cancellable,
                                          GError                **error);

G_END_DECLS
