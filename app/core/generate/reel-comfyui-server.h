/* reel-comfyui-server.h: one ComfyUI server, as Storyreel's jobs speak to it
 *
 * Everything one server needs, and nothing about which server a job uses, so
 * that a pool of render nodes can drive several of them. All calls block and
 * belong on a worker thread; each takes the HTTP client of the job (bound to
 * its cancellable). What a server told about itself, and the workflows it
 * was found to have everything for, are kept for the next job; the object is
 * thread-safe.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "reel-comfyui-workflow.h"
#include "reel-http-client.h"

G_BEGIN_DECLS

#define REEL_COMFYUI_DEFAULT_URL "http://127.0.0.1:8188"

typedef enum
{
  REEL_COMFYUI_PROMPT_GONE,    /* neither queued nor in the history: the server forgot it */
  REEL_COMFYUI_PROMPT_PENDING, /* waiting in the queue */
  REEL_COMFYUI_PROMPT_RUNNING,
  REEL_COMFYUI_PROMPT_FINISHED, /* in the history, whatever its outcome */
} ReelComfyuiPromptState;

#define REEL_TYPE_COMFYUI_SERVER (reel_comfyui_server_get_type ())
G_DECLARE_FINAL_TYPE (ReelComfyuiServer, reel_comfyui_server, REEL, COMFYUI_SERVER, GObject)

/* @url: "http://HOST:PORT", a trailing slash allowed. */
ReelComfyuiServer *reel_comfyui_server_new (const char *url);
const char        *reel_comfyui_server_get_url (ReelComfyuiServer *self);
/* "ComfyUI (HOST:PORT)", the name errors start with. */
const char *reel_comfyui_server_get_label (ReelComfyuiServer *self);

/* GET /system_stats: whether it answers, its version and its GPU. */
gboolean
reel_comfyui_server_probe (ReelComfyuiServer *self, ReelHttpClient *client, GError **error);
/* What the last probe found, for people: "ComfyUI 0.3.64, NVIDIA GeForce
 * RTX 4090 (24.0 GB)"; NULL before one succeeded. */
char *reel_comfyui_server_describe (ReelComfyuiServer *self);
/* FALSE when the last probe found only a CPU. */
gboolean reel_comfyui_server_has_gpu (ReelComfyuiServer *self);

/* GET /object_info/{class} for each node of @workflow: every node type and
 * every model file and option it names must be there. A PERMANENT error
 * lists what is missing and where each file goes. A workflow found complete
 * is not checked again on this server. */
gboolean reel_comfyui_server_check_workflow (ReelComfyuiServer   *self,
                                             ReelHttpClient      *client,
                                             ReelComfyuiWorkflow *workflow,
                                             GError             **error);

/* POST /upload/image: returns the name to give a LoadImage node. */
char *reel_comfyui_server_upload_image (ReelComfyuiServer *self,
                                        ReelHttpClient    *client,
                                        const char        *path,
                                        GError           **error);

/* POST /prompt with @prompt_id and @client_id (the server sends a prompt's
 * execution events only to the client that queued it). Returns the id the
 * server queued it under: servers before 0.3.45 choose their own.
 * @retry_after: seconds the server asked to wait after a refusal, or -1. */
char *reel_comfyui_server_queue_prompt (ReelComfyuiServer *self,
                                        ReelHttpClient    *client,
                                        JsonObject        *graph,
                                        const char        *prompt_id,
                                        const char        *client_id,
                                        double            *retry_after,
                                        GError           **error);

/* Where @prompt_id stands. @ahead: the prompts before it in the queue.
 * @history: its history entry once finished. */
gboolean reel_comfyui_server_find_prompt (ReelComfyuiServer      *self,
                                          ReelHttpClient         *client,
                                          const char             *prompt_id,
                                          ReelComfyuiPromptState *state,
                                          guint                  *ahead,
                                          JsonObject            **history,
                                          GError                **error);

/* Takes @prompt_id off the server: the jobs API's cancel where the server
 * has it, otherwise removed from the queue when pending, and interrupted
 * when running. Another prompt is never touched. */
void reel_comfyui_server_cancel_prompt (ReelComfyuiServer *self,
                                        ReelHttpClient    *client,
                                        const char        *prompt_id);

/* The last @lines lines of the server's log, or NULL when it does not share it. */
char *
reel_comfyui_server_dup_log_tail (ReelComfyuiServer *self, ReelHttpClient *client, guint lines);

/* GET /view: an output file, into @dest_path. */
gboolean reel_comfyui_server_download (ReelComfyuiServer *self,
                                       ReelHttpClient    *client,
                                       const char        *filename,
                                       const char        *subfolder,
                                       const char        *type,
                                       const char        *dest_path,
                                       GError           **error);

/* ws://HOST:PORT/ws?clientId=@client_id */
char *reel_comfyui_server_socket_url (ReelComfyuiServer *self, const char *client_id);

G_END_DECLS
