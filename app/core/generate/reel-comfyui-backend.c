/* reel-comfyui-backend.c
 *
 * A job's resume state names the server, the prompt and client ids, the
 * workflow, the seed, and what progress needs to know of the graph:
 *   {"server", "prompt_id", "client_id", "workflow", "seed", "queued",
 *    "nodes": {id: class_type}, "steps": {id: sampler steps}}
 * "queued" is false while the prompt is being sent: a restart then looks the
 * prompt up by its id before sending it again.
 *
 * The WebSocket messages (local-engines.md §2.2, corrections-2026-12.md
 * §2.2): status, execution_start, execution_cached, executing, progress,
 * progress_state, executed, execution_success, execution_error,
 * execution_interrupted; binary frames are previews and are skipped. The
 * server writes the history after execution_success and before the
 * closing "executing" with a null node, so that message, not success, is
 * when the history is read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "reel-comfyui-backend.h"
#include "reel-comfyui-server.h"
#include "reel-comfyui-workflow.h"
#include "reel-local-gpu.h"
#include "reel-remote.h"
#include "reel-server-pool.h"
#include "reel-web-socket.h"

#define SOCKET_CONNECT_TIMEOUT_MS 10000
/* The socket may fail this many times in a row, or be opened this many
 * times in all, before the job follows the history instead. */
#define MAX_SOCKET_FAILURES 3
#define MAX_SOCKET_OPENINGS 12
/* Look-ups that fail in a row before the job gives up on its server, unless
 * the time the server may stay silent is over first. */
#define MAX_LOOKUP_ERRORS 8
/* The most a look-up may take to connect, and to stall once connected: the
 * answers are small, and a server that takes longer is in trouble. */
#define LOOKUP_TIMEOUT_S 5
/* What a request that sends a workflow or an image may stall for. */
#define SUBMIT_STALL_S 30
#define LOG_LINES 8
/* Progress shown before the server starts, and the most shown before the
 * clip is on disk. */
#define QUEUED_FRACTION 0.02
#define STARTED_FRACTION 0.05
#define MAX_RUNNING_FRACTION 0.95

struct _ReelComfyuiBackend
{
  GObject parent_instance;

  GPtrArray           *servers; /* ReelComfyuiServer*, in order of preference */
  ReelServerPool      *pool;    /* their places, by address */
  char                *workflow;
  ReelComfyuiWorkflow *text_to_video;
  ReelComfyuiWorkflow *image_to_video;
  char                *workflow_problem;
  GStrv                workflow_names;
  guint                steps;
  guint                poll_min_ms;
  guint                poll_max_ms;
  guint                silence_ms;
  guint                unreachable_ms;

  ReelGpuSlots *gpu_slots; /* this computer's, or NULL */
};

/* What a job keeps between submit(), wait() and fetch(). */
typedef struct
{
  ReelWebSocket   *socket;
  JsonObject      *history; /* the finished prompt's history entry */
  ReelServerPlace *place;   /* the job's place on its server */
  ReelGpuLease    *gpu;     /* a share of its server's GPU, when that is on this computer */
} JobData;

static void backend_iface_init (ReelBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ReelComfyuiBackend,
                               reel_comfyui_backend,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (REEL_TYPE_BACKEND, backend_iface_init))

/* Gives back the job's place on its server and its share of the GPU, then
 * closes its socket. The worker does this as soon as the prompt is over (at
 * the end of wait(), or when submit() or wait() fails): the next job may use
 * the server while this one's clip downloads, and the context's last
 * reference, which may be dropped on the main thread, frees only memory. The
 * socket closes last, as closing waits a moment for the server to agree. */
static void
release_job (JobData *data)
{
  g_clear_pointer (&data->place, reel_server_place_release);
  g_clear_pointer (&data->gpu, reel_gpu_lease_release);
  if (data->socket != NULL)
    reel_web_socket_close (data->socket);
  g_clear_object (&data->socket);
}

static void
job_data_free (JobData *data)
{
  /* Released by the worker already; these only guard against a path that
   * forgot to, and none of them waits. */
  g_clear_pointer (&data->place, reel_server_place_release);
  g_clear_pointer (&data->gpu, reel_gpu_lease_release);
  g_clear_object (&data->socket);
  g_clear_pointer (&data->history, json_object_unref);
  g_free (data);
}

static JobData *
job_data (ReelJobContext *context)
{
  JobData *data = reel_job_context_get_backend_data (context);

  if (data == NULL)
    {
      data = g_new0 (JobData, 1);
      reel_job_context_set_backend_data (context, data, (GDestroyNotify) job_data_free);
    }
  return data;
}

static gboolean
stopped (ReelJobContext *context, GError **error)
{
  return g_cancellable_set_error_if_cancelled (reel_job_context_get_cancellable (context), error);
}

/* ------------------------------------------------------------------------ */
/* Servers and workflows                                                     */

static ReelComfyuiServer *
server_for_url (ReelComfyuiBackend *self, const char *url)
{
  g_autoptr (ReelComfyuiServer) probe = reel_comfyui_server_new (url);

  for (guint i = 0; i < self->servers->len; i++)
    if (g_strcmp0 (reel_comfyui_server_get_url (self->servers->pdata[i]),
                   reel_comfyui_server_get_url (probe))
        == 0)
      return g_object_ref (self->servers->pdata[i]);
  /* A job queued on a server the settings no longer list still finishes there. */
  return g_steal_pointer (&probe);
}

/* A client for a job's requests to its server, bound to @cancellable. A
 * server that takes no connection within a few seconds (or the time a
 * server may stay silent, if shorter) is off, and one that sends nothing
 * for @stall_s has hung. */
static ReelHttpClient *
new_client (ReelComfyuiBackend *self, GCancellable *cancellable, guint stall_s)
{
  ReelHttpClient *client = reel_http_client_new ();
  guint           connect_s = CLAMP ((self->unreachable_ms + 999) / 1000, 1, LOOKUP_TIMEOUT_S);

  reel_http_client_set_cancellable (client, cancellable);
  reel_http_client_set_timeouts (client, connect_s, stall_s);
  return client;
}

/* For short questions, whose answers come at once. */
static ReelHttpClient *
quick_client (ReelComfyuiBackend *self, GCancellable *cancellable)
{
  return new_client (self, cancellable, 2 * LOOKUP_TIMEOUT_S);
}

/* ------------------------------------------------------------------------ */
/* The pool of render nodes                                                  */

/* Every server takes its own share of jobs (one running and one waiting
 * keeps its GPU busy between shots); a server that does not answer rests out
 * of rotation for a while and its jobs go to the others. */

/* A job resumed after a restart, or one that found its lost prompt, holds
 * its place on its server too, whatever that server's load. */
static void
claim_node (ReelComfyuiBackend *self, JobData *data, const char *url)
{
  if (data->place == NULL)
    data->place = reel_server_pool_claim_node (self->pool, url);
}

/* The addresses of the servers, in their order. */
static GStrv
dup_server_urls (ReelComfyuiBackend *self)
{
  g_autoptr (GStrvBuilder) urls = g_strv_builder_new ();

  for (guint i = 0; i < self->servers->len; i++)
    g_strv_builder_add (urls, reel_comfyui_server_get_url (self->servers->pdata[i]));
  return g_strv_builder_end (urls);
}

/* A server on this computer shares its GPU with the other local engines:
 * its jobs hold it together (the running prompt and the one queued behind
 * it), so an sd-cli job waits while ComfyUI works here, and the other way
 * round. */
static gboolean
hold_gpu (ReelComfyuiBackend *self, ReelJobContext *context, GError **error)
{
  JobData         *data = job_data (context);
  const char      *node = data->place != NULL ? reel_server_place_get_url (data->place) : NULL;
  g_autofree char *holder = NULL;
  g_auto (GStrv) urls = NULL;

  if (node == NULL)
    return TRUE;
  /* Translators: who has a GPU, for "Waiting for the GPU (used by ComfyUI at
   * http://127.0.0.1:8188)" */
  holder = g_strdup_printf (_ ("ComfyUI at %s"), node);
  urls = dup_server_urls (self);
  return reel_local_gpu_hold_for_server (self->gpu_slots, (const char *const *) urls, node, context,
                                         holder, &data->gpu, error);
}

/* The server for a new job: the least busy one that answers, with a place
 * taken on it. A job that finds every place taken waits for one. */
static ReelComfyuiServer *
choose_server (ReelComfyuiBackend *self, ReelJobContext *context, GError **error)
{
  GCancellable *cancellable = reel_job_context_get_cancellable (context);
  JobData      *data = job_data (context);
  g_autoptr (ReelHttpClient) client = quick_client (self, cancellable);
  g_autoptr (GHashTable) tried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) reasons = g_string_new (NULL);
  g_autoptr (GError) first_error = NULL;

  g_clear_pointer (&data->place, reel_server_place_release);
  for (;;)
    {
      g_autoptr (ReelServerPlace) place = NULL;
      g_autoptr (ReelComfyuiServer) server = NULL;
      g_autoptr (GError) probe_error = NULL;
      GError *claim_error = NULL;

      place = reel_server_pool_claim (self->pool, tried, cancellable, &claim_error);
      if (claim_error != NULL)
        {
          g_propagate_error (error, claim_error);
          return NULL;
        }
      if (place == NULL)
        break;
      server = server_for_url (self, reel_server_place_get_url (place));
      if (reel_comfyui_server_probe (server, client, &probe_error))
        {
          data->place = g_steal_pointer (&place);
          return g_steal_pointer (&server);
        }
      if (g_error_matches (probe_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&probe_error));
          return NULL;
        }
      g_hash_table_add (tried, g_strdup (reel_server_place_get_url (place)));
      reel_server_pool_rest_node (self->pool, reel_server_place_get_url (place),
                                  probe_error->message);
      g_string_append_printf (reasons, "\n%s", probe_error->message);
      if (first_error == NULL)
        first_error = g_steal_pointer (&probe_error);
    }

  if (self->servers->len == 1 && first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return NULL;
    }
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
               _ ("No ComfyUI server answered:%s"),
               reasons->len > 0 ? reasons->str : _ (" every server is resting after a failure"));
  return NULL;
}

/* The variants of the workflow @request names, or of the backend's. */
static gboolean
workflows_for (ReelComfyuiBackend   *self,
               const char           *name,
               ReelComfyuiWorkflow **text_to_video,
               ReelComfyuiWorkflow **image_to_video,
               GError              **error)
{
  if (name == NULL || *name == '\0' || g_strcmp0 (name, self->workflow) == 0)
    {
      if (self->workflow_problem != NULL)
        {
          g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                               self->workflow_problem);
          return FALSE;
        }
      *text_to_video = self->text_to_video != NULL ? g_object_ref (self->text_to_video) : NULL;
      *image_to_video = self->image_to_video != NULL ? g_object_ref (self->image_to_video) : NULL;
      return TRUE;
    }
  return reel_comfyui_workflow_resolve (name, text_to_video, image_to_video, error);
}

static ReelComfyuiWorkflow *
workflow_for_request (ReelComfyuiBackend *self, const ReelJobRequest *request, GError **error)
{
  g_autoptr (ReelComfyuiWorkflow) text_to_video = NULL;
  g_autoptr (ReelComfyuiWorkflow) image_to_video = NULL;
  const char *name
      = request->model != NULL && *request->model != '\0' ? request->model : self->workflow;

  if (!workflows_for (self, request->model, &text_to_video, &image_to_video, error))
    return NULL;
  if (request->start_image != NULL && image_to_video != NULL)
    return g_steal_pointer (&image_to_video);
  if (request->start_image == NULL && text_to_video != NULL)
    return g_steal_pointer (&text_to_video);

  if (request->start_image != NULL)
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("The ComfyUI workflow “%s” cannot start from a board image. Choose one that "
                    "can, or remove the shot’s board image."),
                 name);
  else
    g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                 _ ("The ComfyUI workflow “%s” starts from a board image. Import a still for "
                    "the shot first, or choose a text-to-video workflow."),
                 name);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* The resume state                                                          */

typedef struct
{
  const char *server;
  const char *prompt_id;
  const char *client_id;
  const char *workflow;
  gint64      seed;
  gboolean    queued;
  JsonObject *nodes; /* id → class_type */
  JsonObject *steps; /* id → sampler steps */
} State;

static gboolean
read_state (ReelJobContext *context, JsonParser *parser, State *state)
{
  const char *text = reel_job_context_get_resume_state (context);
  JsonNode   *root;
  JsonObject *object;

  *state = (State){ .seed = -1 };
  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  state->server = reel_json_get_string (object, "server");
  state->prompt_id = reel_json_get_string (object, "prompt_id");
  state->client_id = reel_json_get_string (object, "client_id");
  state->workflow = reel_json_get_string (object, "workflow");
  state->seed = (gint64) reel_json_get_number (object, "seed", -1);
  state->queued = json_object_has_member (object, "queued")
                  && JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "queued"))
                  && json_object_get_boolean_member (object, "queued");
  state->nodes = reel_json_get_object (object, "nodes");
  state->steps = reel_json_get_object (object, "steps");
  return state->server != NULL && state->prompt_id != NULL && state->client_id != NULL;
}

static char *
state_json (const State *state, JsonObject *graph)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GHashTable) steps = graph != NULL ? reel_comfyui_graph_sampler_steps (graph) : NULL;
  g_autoptr (GList) ids = graph != NULL ? json_object_get_members (graph) : NULL;

  json_builder_begin_object (builder);
#define STRING(name, value)                                                                        \
  if ((value) != NULL)                                                                             \
    {                                                                                              \
      json_builder_set_member_name (builder, name);                                                \
      json_builder_add_string_value (builder, value);                                              \
    }
  STRING ("server", state->server);
  STRING ("prompt_id", state->prompt_id);
  STRING ("client_id", state->client_id);
  STRING ("workflow", state->workflow);
#undef STRING
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, state->seed);
  json_builder_set_member_name (builder, "queued");
  json_builder_add_boolean_value (builder, state->queued);

  if (graph != NULL)
    {
      GHashTableIter iter;
      gpointer       key, value;

      json_builder_set_member_name (builder, "nodes");
      json_builder_begin_object (builder);
      for (GList *l = ids; l != NULL; l = l->next)
        {
          json_builder_set_member_name (builder, l->data);
          json_builder_add_string_value (
              builder, json_object_get_string_member (
                           json_object_get_object_member (graph, l->data), "class_type"));
        }
      json_builder_end_object (builder);

      json_builder_set_member_name (builder, "steps");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, steps);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_int_value (builder, GPOINTER_TO_UINT (value));
        }
      json_builder_end_object (builder);
    }
  else if (state->nodes != NULL)
    {
      json_builder_set_member_name (builder, "nodes");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), state->nodes));
      if (state->steps != NULL)
        {
          json_builder_set_member_name (builder, "steps");
          json_builder_add_value (builder,
                                  json_node_init_object (json_node_alloc (), state->steps));
        }
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Submit                                                                    */

/* An earlier try saved the prompt's ids before sending it, and its reply
 * never came: if the server has the prompt, this job takes it. */
static gboolean
adopt_lost_prompt (ReelComfyuiBackend *self,
                   ReelJobContext     *context,
                   const State        *state,
                   gboolean           *adopted,
                   GError            **error)
{
  g_autoptr (ReelComfyuiServer) server = server_for_url (self, state->server);
  g_autoptr (ReelHttpClient) client
      = quick_client (self, reel_job_context_get_cancellable (context));
  g_autoptr (JsonObject) history = NULL;
  g_autofree char       *saved = NULL;
  ReelComfyuiPromptState where;
  State                  queued = *state;
  guint                  ahead;

  *adopted = FALSE;
  {
    g_autoptr (GError) find_error = NULL;

    if (!reel_comfyui_server_find_prompt (server, client, state->prompt_id, &where, &ahead,
                                          &history, &find_error))
      {
        /* Its server is gone from a pool that has others: the prompt is out
         * of reach, and the job starts again elsewhere. */
        if (self->servers->len > 1
            && g_error_matches (find_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
            && !stopped (context, NULL))
          {
            reel_server_pool_rest_node (self->pool, state->server, find_error->message);
            return TRUE;
          }
        g_propagate_error (error, g_steal_pointer (&find_error));
        return FALSE;
      }
  }
  if (where == REEL_COMFYUI_PROMPT_GONE)
    return TRUE;

  g_debug ("Job %" G_GINT64_FORMAT " found its prompt %s on %s",
           reel_job_context_get_job_id (context), state->prompt_id,
           reel_comfyui_server_get_url (server));
  claim_node (self, job_data (context), reel_comfyui_server_get_url (server));
  queued.queued = TRUE;
  saved = state_json (&queued, NULL);
  if (!reel_job_context_save_resume_state (context, state->prompt_id, saved))
    return !stopped (context, error);
  *adopted = TRUE;
  return TRUE;
}

/* Opens the job's socket; a failure only means the first events are
 * missed, and wait() tries again. */
static void
open_socket (ReelComfyuiBackend *self,
             ReelComfyuiServer  *server,
             ReelJobContext     *context,
             const char         *client_id)
{
  JobData         *data = job_data (context);
  g_autofree char *url = reel_comfyui_server_socket_url (server, client_id);
  g_autoptr (GError) error = NULL;

  if (data->socket == NULL)
    data->socket = reel_web_socket_new (reel_job_context_get_cancellable (context));
  if (!reel_web_socket_connect (data->socket, url,
                                MIN (SOCKET_CONNECT_TIMEOUT_MS, self->unreachable_ms), &error))
    g_debug ("No WebSocket to %s yet: %s", reel_comfyui_server_get_url (server), error->message);
}

/* A server for the job that answers and has what @workflow needs. */
static ReelComfyuiServer *
prepare_server (ReelComfyuiBackend  *self,
                ReelJobContext      *context,
                ReelHttpClient      *client,
                ReelComfyuiWorkflow *workflow,
                GError             **error)
{
  g_autoptr (ReelComfyuiServer) server = choose_server (self, context, error);

  if (server == NULL || !hold_gpu (self, context, error)
      || !reel_comfyui_server_check_workflow (server, client, workflow, error))
    return NULL;
  if (!reel_comfyui_server_has_gpu (server))
    {
      g_autofree char *warning = g_strdup_printf (
          _ ("%s has no GPU: it runs on the CPU, and the clip will take very long"),
          reel_comfyui_server_get_label (server));
      reel_job_context_progress (context, 0, warning);
    }
  return g_steal_pointer (&server);
}

/* The graph of @workflow filled from the job, its board image uploaded. */
static JsonObject *
prepare_graph (ReelComfyuiBackend   *self,
               ReelJobContext       *context,
               ReelHttpClient       *client,
               ReelComfyuiServer    *server,
               ReelComfyuiWorkflow  *workflow,
               ReelComfyuiJobValues *values,
               GError              **error)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  g_autofree char      *image_name = NULL;
  JsonObject           *graph;

  reel_comfyui_workflow_plan (workflow, request, self->steps, values);
  if (reel_comfyui_workflow_is_image_to_video (workflow))
    {
      image_name = reel_comfyui_server_upload_image (server, client, request->start_image, error);
      if (image_name == NULL)
        return NULL;
      values->start_image = image_name;
    }
  graph = reel_comfyui_workflow_fill (workflow, values);
  values->start_image = NULL;
  return graph;
}

/* Sends the prompt that @state names, saved first as not queued yet, then
 * as queued under the id the server gave it. */
static gboolean
queue_prompt (ReelComfyuiBackend *self,
              ReelJobContext     *context,
              ReelHttpClient     *client,
              ReelComfyuiServer  *server,
              JsonObject         *graph,
              State              *state,
              GError            **error)
{
  g_autofree char *sending = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *queued_id = NULL;
  double           retry_after = -1;
  GError          *queue_error = NULL;

  /* Listening before the prompt is queued: its first events come at once. */
  open_socket (self, server, context, state->client_id);

  /* Durable before the request leaves: a restart after a lost reply finds
   * the prompt by its id instead of queueing it twice. */
  sending = state_json (state, graph);
  if (!reel_job_context_save_resume_state (context, NULL, sending))
    return !stopped (context, error);

  queued_id = reel_comfyui_server_queue_prompt (server, client, graph, state->prompt_id,
                                                state->client_id, &retry_after, &queue_error);
  if (queued_id == NULL)
    {
      if (retry_after >= 0)
        reel_job_context_set_retry_after (context, retry_after);
      g_propagate_error (error, queue_error);
      return FALSE;
    }
  /* Servers before 0.3.45 choose the id themselves. */
  if (g_strcmp0 (queued_id, state->prompt_id) != 0)
    g_debug ("%s queued the prompt as %s", state->server, queued_id);

  state->prompt_id = queued_id;
  state->queued = TRUE;
  saved = state_json (state, graph);
  if (!reel_job_context_save_resume_state (context, queued_id, saved))
    return !stopped (context, error);
  return TRUE;
}

/* A new prompt on the least busy server; @earlier: what a lost try left. */
static gboolean
submit_prompt (ReelComfyuiBackend *self,
               ReelJobContext     *context,
               const State        *earlier,
               GError            **error)
{
  /* The job's own client may wait long to connect: it is also for downloads. */
  g_autoptr (ReelHttpClient) client
      = new_client (self, reel_job_context_get_cancellable (context), SUBMIT_STALL_S);
  g_autoptr (ReelComfyuiWorkflow) workflow = NULL;
  g_autoptr (ReelComfyuiServer) server = NULL;
  g_autoptr (JsonObject) graph = NULL;
  g_autofree char     *prompt_id = NULL;
  g_autofree char     *client_id = NULL;
  ReelComfyuiJobValues values;
  State                state;

  if ((workflow = workflow_for_request (self, reel_job_context_get_request (context), error))
          == NULL
      || (server = prepare_server (self, context, client, workflow, error)) == NULL
      || (graph = prepare_graph (self, context, client, server, workflow, &values, error)) == NULL)
    return FALSE;

  /* The same ids as the lost try: the server knows at most one of them. */
  if (earlier->prompt_id != NULL
      && g_strcmp0 (earlier->server, reel_comfyui_server_get_url (server)) == 0)
    prompt_id = g_strdup (earlier->prompt_id);
  else
    prompt_id = g_uuid_string_random ();
  client_id = earlier->client_id != NULL ? g_strdup (earlier->client_id) : g_uuid_string_random ();

  state = (State){
    .server = reel_comfyui_server_get_url (server),
    .prompt_id = prompt_id,
    .client_id = client_id,
    .workflow = reel_comfyui_workflow_get_name (workflow),
    .seed = values.seed,
    .queued = FALSE,
  };
  g_debug ("Queueing %s for job %" G_GINT64_FORMAT " on %s as %s (%ux%u, %u frames at %u fps)",
           state.workflow, reel_job_context_get_job_id (context), state.server, prompt_id,
           values.width, values.height, values.frames, values.fps);
  return queue_prompt (self, context, client, server, graph, &state, error);
}

static gboolean
submit (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelComfyuiBackend *self = REEL_COMFYUI_BACKEND (backend);
  g_autoptr (JsonParser) parser = json_parser_new ();
  State    earlier;
  gboolean adopted = FALSE;

  /* A state that names no prompt (an older one) may still give a client id. */
  if (read_state (context, parser, &earlier)
      && !adopt_lost_prompt (self, context, &earlier, &adopted, error))
    {
      release_job (job_data (context));
      return FALSE;
    }
  if (adopted)
    return TRUE;

  if (submit_prompt (self, context, &earlier, error))
    return TRUE;
  /* No wait() follows. */
  release_job (job_data (context));
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Following a prompt                                                        */

typedef struct
{
  ReelComfyuiBackend *self;
  ReelJobContext     *context;
  ReelComfyuiServer  *server;
  ReelHttpClient     *client;        /* the job's, for the server's log */
  ReelHttpClient     *lookup_client; /* for look-ups, with timeouts of their own */
  JobData            *data;
  State               state;

  GHashTable *weights;  /* node id → expected sampler steps */
  GHashTable *fraction; /* node id → its sampler's progress, as a double in a box */
  GHashTable *finished; /* node ids */
  double      total_steps;
  guint       n_nodes;
  char       *current_node;
  gboolean    started;
  gboolean    polling; /* the socket gave up: no step-by-step progress */
  double      reported;

  /* The server not answering: since when (monotonic µs; 0 while it
   * answers), how many look-ups failed in a row, and whether the job gave
   * up on it. */
  gint64   silent_since;
  guint    lookup_errors;
  gboolean unreachable;
} Watch;

static void
watch_clear (Watch *watch)
{
  g_clear_object (&watch->server);
  g_clear_object (&watch->lookup_client);
  g_clear_pointer (&watch->weights, g_hash_table_unref);
  g_clear_pointer (&watch->fraction, g_hash_table_unref);
  g_clear_pointer (&watch->finished, g_hash_table_unref);
  g_clear_pointer (&watch->current_node, g_free);
}

static void
watch_init (Watch *watch, ReelComfyuiBackend *self, ReelJobContext *context)
{
  g_autoptr (GList) ids = NULL;

  watch->self = self;
  watch->context = context;
  watch->client = reel_job_context_get_http_client (context);
  watch->lookup_client = quick_client (self, reel_job_context_get_cancellable (context));
  watch->data = job_data (context);
  watch->server = server_for_url (self, watch->state.server);
  watch->weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  watch->fraction = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  watch->finished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  watch->n_nodes = watch->state.nodes != NULL ? json_object_get_size (watch->state.nodes) : 0;

  ids = watch->state.steps != NULL ? json_object_get_members (watch->state.steps) : NULL;
  for (GList *l = ids; l != NULL; l = l->next)
    {
      double steps = reel_json_get_number (watch->state.steps, l->data, 0);

      if (steps >= 1)
        {
          g_hash_table_insert (watch->weights, g_strdup (l->data),
                               GUINT_TO_POINTER ((guint) steps));
          watch->total_steps += steps;
        }
    }
}

/* How much longer the server may stay silent before the job gives up on
 * it, in milliseconds; all of it while it answers. */
static guint
patience_left (Watch *watch)
{
  gint64 silent_ms;

  if (watch->silent_since == 0)
    return watch->self->unreachable_ms;
  silent_ms = (g_get_monotonic_time () - watch->silent_since) / 1000;
  return silent_ms >= watch->self->unreachable_ms ? 0
                                                  : watch->self->unreachable_ms - (guint) silent_ms;
}

/* A request to the server failed after starting at @since. TRUE when the
 * job should keep trying: a server restarting, or a moment of network
 * trouble, is normal. A server that stays silent the whole time, or fails
 * every look-up in a row, has gone away. */
static gboolean
bear_silence (Watch *watch, gint64 since, const char *what, const GError *error)
{
  if (watch->silent_since == 0)
    watch->silent_since = since;
  if (patience_left (watch) > 0 && watch->lookup_errors < MAX_LOOKUP_ERRORS)
    {
      g_debug ("%s on %s failed (%u): %s", what, reel_comfyui_server_get_url (watch->server),
               watch->lookup_errors, error->message);
      return TRUE;
    }
  watch->unreachable = TRUE;
  return FALSE;
}

static void
server_answered (Watch *watch)
{
  watch->silent_since = 0;
  watch->lookup_errors = 0;
  watch->unreachable = FALSE;
}

static const char *
class_of (Watch *watch, const char *node)
{
  const char *class_type = reel_json_get_string (watch->state.nodes, node);

  return class_type != NULL ? class_type : node;
}

/* Blends the finished nodes and the sampler steps into one fraction, as
 * krita-ai-diffusion does: sampling is most of the time. It never reaches
 * the end before the clip is on disk, and never goes back. */
static void
report_progress (Watch *watch, const char *message)
{
  double nodes
      = watch->n_nodes > 0
            ? (double) MIN (g_hash_table_size (watch->finished), watch->n_nodes) / watch->n_nodes
            : 0;
  double         sampled = 0, fraction;
  GHashTableIter iter;
  gpointer       key, value;

  g_hash_table_iter_init (&iter, watch->weights);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      double *done = g_hash_table_lookup (watch->fraction, key);

      if (g_hash_table_contains (watch->finished, key))
        sampled += GPOINTER_TO_UINT (value);
      else if (done != NULL)
        sampled += GPOINTER_TO_UINT (value) * MIN (*done, 1.0);
    }
  sampled = watch->total_steps > 0 ? sampled / watch->total_steps : nodes;

  fraction = STARTED_FRACTION
             + (MAX_RUNNING_FRACTION - STARTED_FRACTION) * (0.2 * nodes + 0.8 * sampled);
  fraction = CLAMP (fraction, watch->reported, MAX_RUNNING_FRACTION);
  watch->reported = fraction;
  reel_job_context_progress (watch->context, fraction, message);
}

static void
finish_node (Watch *watch, const char *node)
{
  if (node != NULL)
    g_hash_table_add (watch->finished, g_strdup (node));
}

static void
node_progress (Watch *watch, const char *node, double value, double max)
{
  double *done;

  if (node == NULL || max <= 0)
    return;
  /* A sampler the graph did not announce (a custom node) counts as it reports. */
  if (!g_hash_table_contains (watch->weights, node))
    {
      g_hash_table_insert (watch->weights, g_strdup (node), GUINT_TO_POINTER ((guint) max));
      watch->total_steps += max;
    }
  done = g_new (double, 1);
  *done = value / max;
  g_hash_table_replace (watch->fraction, g_strdup (node), done);
}

/* The server's last log lines, or the end of the traceback, for a failure. */
static char *
failure_context (Watch *watch, JsonObject *data)
{
  g_autofree char *log = reel_comfyui_server_dup_log_tail (watch->server, watch->client, LOG_LINES);
  JsonArray       *traceback = reel_json_get_array (data, "traceback");
  g_autoptr (GString) text = g_string_new (NULL);
  guint n = traceback != NULL ? json_array_get_length (traceback) : 0;

  if (log != NULL)
    return g_steal_pointer (&log);
  for (guint i = n > 3 ? n - 3 : 0; i < n; i++)
    {
      JsonNode *line = json_array_get_element (traceback, i);

      if (JSON_NODE_HOLDS_VALUE (line) && json_node_get_value_type (line) == G_TYPE_STRING)
        g_string_append (text, json_node_get_string (line));
    }
  g_strstrip (text->str);
  return text->str[0] != '\0' ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static GError *
execution_error (Watch *watch, JsonObject *data)
{
  const char      *node = reel_json_get_string (data, "node_id");
  const char      *node_type = reel_json_get_string (data, "node_type");
  const char      *type = reel_json_get_string (data, "exception_type");
  g_autofree char *message = g_strdup (reel_json_get_string (data, "exception_message"));
  g_autofree char *lines = failure_context (watch, data);
  g_autofree char *sentence = NULL;
  gboolean         out_of_memory;

  if (message == NULL)
    message = g_strdup (type != NULL ? type : _ ("no reason given"));
  g_strstrip (message);
  out_of_memory = (type != NULL && strstr (type, "OutOfMemory") != NULL)
                  || strstr (message, "out of memory") != NULL
                  || strstr (message, "Out of memory") != NULL;

  /* The prompt is over: a retry queues a new one. */
  reel_job_context_drop_remote_task (watch->context);
  if (out_of_memory)
    sentence = g_strdup_printf (
        _ ("%s ran out of GPU memory in node %s (%s): %s. Make the shot smaller or shorter, or "
           "use a lighter workflow such as wan2.2-a14b-fast or wan2.2-ti2v-5b."),
        reel_comfyui_server_get_label (watch->server), node != NULL ? node : "?",
        node_type != NULL ? node_type : "?", message);
  else
    sentence = g_strdup_printf (
        _ ("%s failed in node %s (%s): %s"), reel_comfyui_server_get_label (watch->server),
        node != NULL ? node : "?", node_type != NULL ? node_type : "?", message);
  if (lines == NULL)
    return g_error_new_literal (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT, sentence);
  return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                      _ ("%s\nThe server’s last messages:\n%s"), sentence, lines);
}

static GError *
interrupted_error (Watch *watch)
{
  reel_job_context_drop_remote_task (watch->context);
  return g_error_new (REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                      _ ("The job was interrupted on %s, outside Storyreel. Generate the shot "
                         "again to make a new one."),
                      reel_comfyui_server_get_label (watch->server));
}

/* A finished prompt's history entry: TRUE when it made its outputs. */
static gboolean
read_outcome (Watch *watch, JsonObject *history, GError **error)
{
  JsonObject *status = reel_json_get_object (history, "status");
  const char *status_str = reel_json_get_string (status, "status_str");
  JsonArray  *messages = reel_json_get_array (status, "messages");

  if (status_str == NULL || g_strcmp0 (status_str, "success") == 0)
    {
      g_clear_pointer (&watch->data->history, json_object_unref);
      watch->data->history = json_object_ref (history);
      return TRUE;
    }

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode   *item = json_array_get_element (messages, i);
      JsonArray  *pair = JSON_NODE_HOLDS_ARRAY (item) ? json_node_get_array (item) : NULL;
      JsonNode   *type = pair != NULL && json_array_get_length (pair) == 2
                             ? json_array_get_element (pair, 0)
                             : NULL;
      JsonNode   *data_node = type != NULL ? json_array_get_element (pair, 1) : NULL;
      JsonObject *data = data_node != NULL && JSON_NODE_HOLDS_OBJECT (data_node)
                             ? json_node_get_object (data_node)
                             : NULL;
      const char *name = type != NULL && JSON_NODE_HOLDS_VALUE (type)
                                 && json_node_get_value_type (type) == G_TYPE_STRING
                             ? json_node_get_string (type)
                             : NULL;

      if (g_strcmp0 (name, "execution_error") == 0)
        {
          g_propagate_error (error, execution_error (watch, data));
          return FALSE;
        }
      if (g_strcmp0 (name, "execution_interrupted") == 0)
        {
          g_propagate_error (error, interrupted_error (watch));
          return FALSE;
        }
    }

  reel_job_context_drop_remote_task (watch->context);
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("%s could not run the workflow, and gave no reason."),
               reel_comfyui_server_get_label (watch->server));
  return FALSE;
}

static void report_running (Watch *watch);

/* Asks the server where the prompt stands. FALSE when the job has failed;
 * @finished once its outputs are known. */
static gboolean
look_up (Watch *watch, gboolean *finished, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonObject) history = NULL;
  ReelComfyuiPromptState where;
  guint                  ahead;
  gint64                 asked = g_get_monotonic_time ();
  guint timeout_s = CLAMP ((patience_left (watch) + 999) / 1000, 1, LOOKUP_TIMEOUT_S);

  *finished = FALSE;
  /* A server that has been silent a while gets no more than the time left. */
  reel_http_client_set_timeouts (watch->lookup_client, timeout_s, timeout_s);
  if (!reel_comfyui_server_find_prompt (watch->server, watch->lookup_client, watch->state.prompt_id,
                                        &where, &ahead, &history, &local_error))
    {
      watch->lookup_errors++;
      if (g_error_matches (local_error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT)
          && !stopped (watch->context, NULL)
          && bear_silence (watch, asked, "Looking up the prompt", local_error))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  server_answered (watch);

  switch (where)
    {
      case REEL_COMFYUI_PROMPT_FINISHED:
        *finished = read_outcome (watch, history, error);
        return *finished;
      case REEL_COMFYUI_PROMPT_PENDING:
        {
          g_autofree char *message
              = g_strdup_printf (_ ("Waiting in the queue of %s (%u ahead)"),
                                 reel_comfyui_server_get_label (watch->server), ahead);
          reel_job_context_progress (watch->context, MAX (watch->reported, QUEUED_FRACTION),
                                     message);
        }
        return TRUE;
      case REEL_COMFYUI_PROMPT_RUNNING:
        /* Also after a quiet spell: the last report may have been one of
         * those dropped for coming too soon after another. */
        watch->started = TRUE;
        report_running (watch);
        return TRUE;
      case REEL_COMFYUI_PROMPT_GONE:
      default:
        /* Its queue and history live in memory only. */
        reel_job_context_drop_remote_task (watch->context);
        g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                     _ ("%s no longer knows this job: ComfyUI forgets its queue and history when "
                        "it restarts. Storyreel will make the clip again."),
                     reel_comfyui_server_get_label (watch->server));
        return FALSE;
    }
}

typedef enum
{
  MESSAGE_CONTINUE,
  MESSAGE_LOOK_UP, /* the prompt has ended: the history says how */
  MESSAGE_FAILED,
} MessageOutcome;

static void
report_running (Watch *watch)
{
  const char *node = watch->current_node;
  double     *done = node != NULL ? g_hash_table_lookup (watch->fraction, node) : NULL;
  guint steps = node != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (watch->weights, node)) : 0;
  g_autofree char *message = NULL;

  if (watch->polling)
    message = g_strdup_printf (_ ("Following %s by polling: its live connection failed"),
                               reel_comfyui_server_get_label (watch->server));
  else if (done != NULL && steps > 0)
    message = g_strdup_printf (_ ("%s is sampling: step %u of %u"),
                               reel_comfyui_server_get_label (watch->server),
                               (guint) (*done * steps + 0.5), steps);
  else if (node != NULL)
    message
        = g_strdup_printf (_ ("%s is running %s"), reel_comfyui_server_get_label (watch->server),
                           class_of (watch, node));
  else
    message = g_strdup_printf (_ ("%s is running the workflow"),
                               reel_comfyui_server_get_label (watch->server));
  report_progress (watch, message);
}

static void
on_cached (Watch *watch, JsonObject *data)
{
  JsonArray *nodes = reel_json_get_array (data, "nodes");

  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      JsonNode *id = json_array_get_element (nodes, i);

      if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
        finish_node (watch, json_node_get_string (id));
    }
}

/* The node now running; with none, this client's prompt has ended and the
 * history says how (the "executing" a reconnected socket gets has neither
 * node nor prompt id). */
static MessageOutcome
on_executing (Watch *watch, JsonObject *data, gboolean has_prompt_id)
{
  const char *node = reel_json_get_string (data, "node");

  if (node == NULL)
    return has_prompt_id ? MESSAGE_LOOK_UP : MESSAGE_CONTINUE;
  watch->started = TRUE;
  if (g_strcmp0 (node, watch->current_node) != 0)
    {
      finish_node (watch, watch->current_node);
      g_free (watch->current_node);
      watch->current_node = g_strdup (node);
    }
  report_running (watch);
  return MESSAGE_CONTINUE;
}

static void
on_progress (Watch *watch, JsonObject *data)
{
  const char *node = reel_json_get_string (data, "node");

  node_progress (watch, node != NULL ? node : watch->current_node,
                 reel_json_get_number (data, "value", 0), reel_json_get_number (data, "max", 0));
}

static void
on_progress_state (Watch *watch, JsonObject *data)
{
  JsonObject *nodes = reel_json_get_object (data, "nodes");
  g_autoptr (GList) ids = nodes != NULL ? json_object_get_members (nodes) : NULL;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *state = reel_json_get_object (nodes, l->data);
      const char *name = reel_json_get_string (state, "state");

      if (g_strcmp0 (name, "finished") == 0)
        finish_node (watch, l->data);
      else if (g_strcmp0 (name, "running") == 0)
        node_progress (watch, l->data, reel_json_get_number (state, "value", 0),
                       reel_json_get_number (state, "max", 0));
    }
}

/* One event of this job's prompt. */
static MessageOutcome
handle_event (
    Watch *watch, const char *type, JsonObject *data, gboolean has_prompt_id, GError **error)
{
  if (g_strcmp0 (type, "executing") == 0)
    return on_executing (watch, data, has_prompt_id);
  if (g_strcmp0 (type, "execution_error") == 0)
    {
      g_propagate_error (error, execution_error (watch, data));
      return MESSAGE_FAILED;
    }
  if (g_strcmp0 (type, "execution_interrupted") == 0)
    {
      g_propagate_error (error, interrupted_error (watch));
      return MESSAGE_FAILED;
    }

  if (g_strcmp0 (type, "execution_start") == 0)
    watch->started = TRUE;
  else if (g_strcmp0 (type, "execution_cached") == 0)
    on_cached (watch, data);
  else if (g_strcmp0 (type, "progress") == 0)
    on_progress (watch, data);
  else if (g_strcmp0 (type, "progress_state") == 0)
    on_progress_state (watch, data);
  else if (g_strcmp0 (type, "executed") == 0)
    finish_node (watch, reel_json_get_string (data, "node"));
  else
    /* execution_success comes before the history is written; the
     * "executing" with no node that follows it ends the wait. */
    return MESSAGE_CONTINUE;
  report_running (watch);
  return MESSAGE_CONTINUE;
}

static MessageOutcome
handle_message (Watch *watch, GBytes *bytes, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize       length = 0;
  const char *text = g_bytes_get_data (bytes, &length);
  JsonNode   *root;
  JsonObject *message, *data;
  const char *type, *prompt_id;

  if (length == 0 || !json_parser_load_from_data (parser, text, (gssize) length, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return MESSAGE_CONTINUE;
  message = json_node_get_object (root);
  type = reel_json_get_string (message, "type");
  data = reel_json_get_object (message, "data");
  prompt_id = reel_json_get_string (data, "prompt_id");
  /* Another client's prompt, or one of this client's earlier ones. The
   * "executing" re-sent to a socket that reconnected has no prompt id. */
  if (prompt_id != NULL && g_strcmp0 (prompt_id, watch->state.prompt_id) != 0)
    return MESSAGE_CONTINUE;
  if (prompt_id == NULL && g_strcmp0 (type, "executing") != 0)
    return MESSAGE_CONTINUE;
  return handle_event (watch, type, data, prompt_id != NULL, error);
}

/* When the socket will not stay up: the prompt's history, now and then. */
static gboolean
poll_until_finished (Watch *watch, GError **error)
{
  guint    interval = watch->self->poll_min_ms;
  gboolean finished;

  watch->polling = TRUE;
  for (guint poll = 0;; poll++)
    {
      if (!look_up (watch, &finished, error))
        return FALSE;
      if (finished)
        return TRUE;
      if (!reel_job_context_wait (watch->context, interval))
        return !stopped (watch->context, error);
      if (poll % 3 == 2)
        interval = MIN (interval * 2, watch->self->poll_max_ms);
    }
}

/* What follow() does next. */
typedef enum
{
  FOLLOW_ON,
  FOLLOW_DONE,   /* the prompt finished with its outputs */
  FOLLOW_FAILED, /* or the job failed, or it was stopped: see the error */
  FOLLOW_POLL,   /* the socket gave up: the history is polled instead */
} FollowStep;

static FollowStep
step_after_look_up (Watch *watch, GError **error)
{
  gboolean finished;

  if (!look_up (watch, &finished, error))
    return FOLLOW_FAILED;
  return finished ? FOLLOW_DONE : FOLLOW_ON;
}

/* (Re)opens the socket with the prompt's client id, so the server sends
 * this prompt's events to it; then asks what happened while it was down. */
static FollowStep
reconnect (Watch *watch, guint *failures, guint *openings, GError **error)
{
  JobData         *data = watch->data;
  g_autofree char *url = NULL;
  g_autoptr (GError) socket_error = NULL;
  gint64 started;
  guint  timeout_ms;

  if (*failures >= MAX_SOCKET_FAILURES || *openings >= MAX_SOCKET_OPENINGS)
    return FOLLOW_POLL;
  if (*failures > 0
      && !reel_job_context_wait (watch->context, watch->self->poll_min_ms << (*failures - 1)))
    return stopped (watch->context, error) ? FOLLOW_FAILED : FOLLOW_DONE;

  if (data->socket == NULL)
    data->socket = reel_web_socket_new (reel_job_context_get_cancellable (watch->context));
  url = reel_comfyui_server_socket_url (watch->server, watch->state.client_id);
  (*openings)++;
  started = g_get_monotonic_time ();
  /* A server that has been silent a while gets no more than the time left. */
  timeout_ms = CLAMP (patience_left (watch), 100, SOCKET_CONNECT_TIMEOUT_MS);
  if (!reel_web_socket_connect (data->socket, url, timeout_ms, &socket_error))
    {
      if (stopped (watch->context, error))
        return FOLLOW_FAILED;
      g_debug ("Reconnecting to %s failed (%u): %s", url, *failures + 1, socket_error->message);
      (*failures)++;
      /* The server may answer a look-up all the same (a proxy that refuses
       * sockets), and the prompt may have finished meanwhile. */
      if (watch->silent_since == 0)
        watch->silent_since = started;
    }
  /* Whatever happened while it was down. */
  return step_after_look_up (watch, error);
}

/* Takes the socket's next message. */
static FollowStep
receive (Watch *watch, guint *failures, GError **error)
{
  g_autoptr (GError) socket_error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  ReelWebSocketMessageType type;
  FollowStep               step;

  bytes = reel_web_socket_receive (watch->data->socket, watch->self->silence_ms, &type,
                                   &socket_error);
  if (bytes == NULL)
    {
      if (g_error_matches (socket_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return stopped (watch->context, error) ? FOLLOW_FAILED : FOLLOW_DONE;
      if (!g_error_matches (socket_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          /* Reconnected at once: only connections that fail count. */
          g_debug ("The WebSocket of prompt %s dropped: %s", watch->state.prompt_id,
                   socket_error->message);
          return FOLLOW_ON;
        }
      /* A silent socket may have lost a message, or its server. One that
       * does not answer a look-up either is closed: a connection to a
       * server that went away without a word never says so itself. */
      step = step_after_look_up (watch, error);
      if (step == FOLLOW_ON && watch->silent_since != 0)
        reel_web_socket_close (watch->data->socket);
      return step;
    }
  *failures = 0;
  server_answered (watch);
  if (type == REEL_WEB_SOCKET_BINARY)
    return FOLLOW_ON;

  switch (handle_message (watch, bytes, error))
    {
      case MESSAGE_FAILED:
        return FOLLOW_FAILED;
      case MESSAGE_LOOK_UP:
        return step_after_look_up (watch, error);
      case MESSAGE_CONTINUE:
      default:
        return FOLLOW_ON;
    }
}

static gboolean
follow (Watch *watch, GError **error)
{
  guint      failures = 0, openings = 0;
  FollowStep step;

  /* Where it stands now: after a restart, or events missed before the
   * socket was up. */
  step = step_after_look_up (watch, error);
  while (step == FOLLOW_ON)
    {
      if (watch->data->socket == NULL || !reel_web_socket_is_open (watch->data->socket))
        step = reconnect (watch, &failures, &openings, error);
      else
        step = receive (watch, &failures, error);
    }
  if (step == FOLLOW_POLL)
    return poll_until_finished (watch, error);
  return step == FOLLOW_DONE;
}

/* The prompt could not be followed to its end. A server that no longer
 * answers goes out of rotation, and in a pool the job starts anew on
 * another server: its prompt is lost or out of reach. With one server the
 * job keeps its prompt, to look it up again on the next try. */
static void
give_up_on_node (Watch *watch)
{
  ReelComfyuiBackend *self = watch->self;
  const char         *url = reel_comfyui_server_get_url (watch->server);
  g_autoptr (GError) probe_error = NULL;

  if (!watch->unreachable)
    {
      if (reel_comfyui_server_probe (watch->server, watch->lookup_client, &probe_error)
          || g_error_matches (probe_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      reel_server_pool_rest_node (self->pool, url, probe_error->message);
    }
  else
    reel_server_pool_rest_node (self->pool, url, "it did not answer");
  if (reel_server_pool_get_n_nodes (self->pool) > 1)
    reel_job_context_drop_remote_task (watch->context);
}

static gboolean
wait_for_prompt (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelComfyuiBackend *self = REEL_COMFYUI_BACKEND (backend);
  g_autoptr (JsonParser) parser = json_parser_new ();
  Watch    watch = { 0 };
  gboolean done = FALSE;

  if (!read_state (context, parser, &watch.state) || !watch.state.queued)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                           _ ("The prompt was not queued yet."));
      release_job (job_data (context));
      return FALSE;
    }
  /* A job resumed after a restart holds its place on its server too. */
  claim_node (self, job_data (context), watch.state.server);
  if (hold_gpu (self, context, error))
    {
      watch_init (&watch, self, context);
      done = follow (&watch, error);
      if (!done && error != NULL && *error != NULL
          && g_error_matches (*error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT))
        give_up_on_node (&watch);
      watch_clear (&watch);
    }
  /* The prompt is over, one way or another: what is left is fetch(), from
   * the history it keeps. */
  release_job (job_data (context));
  return done;
}

/* ------------------------------------------------------------------------ */
/* Result                                                                    */

/* The extension of a name the server chose, if it is a plain one; the name
 * itself is never used on this side. */
static char *
safe_extension (const char *filename)
{
  const char      *dot = strrchr (filename, '.');
  g_autofree char *extension = NULL;

  if (dot == NULL || dot[1] == '\0' || strlen (dot + 1) > 5)
    return g_strdup ("mp4");
  extension = g_ascii_strdown (dot + 1, -1);
  for (const char *c = extension; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c))
      return g_strdup ("mp4");
  return g_steal_pointer (&extension);
}

static int
output_rank (const char *filename, gboolean animated)
{
  g_autofree char *extension = safe_extension (filename);
  const char      *videos[] = { "mp4", "webm", "mkv", "mov", NULL };
  const char      *animations[] = { "webp", "gif", "png", NULL };

  if (g_strv_contains (videos, extension))
    return 2;
  if (animated && g_strv_contains (animations, extension))
    return 1;
  return 0;
}

/* The best clip among the outputs: {node: {"images" | "gifs" | "videos":
 * [{filename, subfolder, type}], "animated": [bool]}}. SaveVideo lists its
 * file under "images", with animated true. */
static JsonObject *
choose_output (JsonObject *outputs)
{
  g_autoptr (GList) nodes = outputs != NULL ? json_object_get_members (outputs) : NULL;
  JsonObject *best = NULL;
  int         best_rank = 0;

  nodes = g_list_sort (nodes, (GCompareFunc) g_strcmp0);
  for (GList *n = nodes; n != NULL; n = n->next)
    {
      JsonObject *output = reel_json_get_object (outputs, n->data);
      JsonArray  *animated = reel_json_get_array (output, "animated");
      gboolean    is_animated = FALSE;
      g_autoptr (GList) lists = output != NULL ? json_object_get_members (output) : NULL;

      for (guint i = 0; animated != NULL && i < json_array_get_length (animated); i++)
        {
          JsonNode *flag = json_array_get_element (animated, i);
          is_animated |= JSON_NODE_HOLDS_VALUE (flag)
                         && json_node_get_value_type (flag) == G_TYPE_BOOLEAN
                         && json_node_get_boolean (flag);
        }

      for (GList *l = lists; l != NULL; l = l->next)
        {
          JsonArray *files = reel_json_get_array (output, l->data);

          for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
            {
              JsonNode   *item = json_array_get_element (files, i);
              JsonObject *file = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
              const char *filename = reel_json_get_string (file, "filename");
              int         rank = filename != NULL ? output_rank (filename, is_animated) : 0;

              if (rank > best_rank)
                {
                  best = file;
                  best_rank = rank;
                }
            }
        }
    }
  return best;
}

static char *
fetch (ReelBackend *backend, ReelJobContext *context, GError **error)
{
  ReelComfyuiBackend *self = REEL_COMFYUI_BACKEND (backend);
  JobData            *data = job_data (context);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (ReelComfyuiServer) server = NULL;
  g_autofree char  *extension = NULL;
  g_autofree char  *path = NULL;
  JsonObject       *file;
  const char       *filename;
  State             state;
  ReelServiceReport report = { .seed = -1, .billed_seconds = -1, .cost = -1 };

  /* wait() let go of the server already; a download needs no place on it. */
  release_job (data);
  if (!read_state (context, parser, &state) || data->history == NULL)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                           _ ("The prompt has not finished yet."));
      return NULL;
    }
  server = server_for_url (self, state.server);
  file = choose_output (reel_json_get_object (data->history, "outputs"));
  filename = reel_json_get_string (file, "filename");
  if (filename == NULL)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The workflow “%s” finished on %s without saving a video. It must end with "
                      "a SaveVideo, SaveWEBM or SaveAnimatedWEBP node."),
                   state.workflow != NULL ? state.workflow : "?",
                   reel_comfyui_server_get_label (server));
      return NULL;
    }

  /* The server names the file it made; this side names the file it writes. */
  extension = safe_extension (filename);
  if ((path = reel_job_context_new_temp_path (context, extension, error)) == NULL)
    return NULL;
  if (!reel_comfyui_server_download (server, reel_job_context_get_http_client (context), filename,
                                     reel_json_get_string (file, "subfolder"),
                                     reel_json_get_string (file, "type"), path, error))
    return NULL;

  report.seed = state.seed;
  reel_job_context_report_service (context, &report);
  return g_steal_pointer (&path);
}

/* ------------------------------------------------------------------------ */
/* Cancel                                                                    */

static void
cancel (ReelBackend *backend, ReelJobContext *context)
{
  ReelComfyuiBackend *self = REEL_COMFYUI_BACKEND (backend);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (ReelComfyuiServer) server = NULL;
  g_autoptr (ReelHttpClient) client = NULL;
  State state;

  /* Stopping Storyreel leaves the prompt to be picked up next time: only
   * the user's cancel takes it off the server. */
  if (!reel_job_context_is_cancelled_by_user (context) || !read_state (context, parser, &state))
    return;

  /* The job's own client is cancelled by now. */
  client = quick_client (self, NULL);
  server = server_for_url (self, state.server);
  reel_comfyui_server_cancel_prompt (server, client, state.prompt_id);
}

/* ------------------------------------------------------------------------ */
/* Readiness                                                                 */

/* Checks the default workflow's variants on @server. */
static gboolean
check_server (ReelComfyuiBackend *self,
              ReelComfyuiServer  *server,
              ReelHttpClient     *client,
              GError            **error)
{
  if (self->workflow_problem != NULL)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                           self->workflow_problem);
      return FALSE;
    }
  return (self->text_to_video == NULL
          || reel_comfyui_server_check_workflow (server, client, self->text_to_video, error))
         && (self->image_to_video == NULL
             || reel_comfyui_server_check_workflow (server, client, self->image_to_video, error));
}

static gboolean
test_connection (ReelBackend *backend, GCancellable *cancellable, GError **error)
{
  ReelComfyuiBackend *self = REEL_COMFYUI_BACKEND (backend);
  g_autoptr (ReelHttpClient) client = quick_client (self, cancellable);
  g_autoptr (GString) reasons = g_string_new (NULL);

  /* Every server is tested: the pool works if one of them does. */
  for (guint i = 0; i < self->servers->len; i++)
    {
      ReelComfyuiServer *server = self->servers->pdata[i];
      g_autoptr (GError) server_error = NULL;

      if (reel_comfyui_server_probe (server, client, &server_error)
          && check_server (self, server, client, &server_error))
        return TRUE;
      if (g_error_matches (server_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || self->servers->len == 1)
        {
          g_propagate_error (error, g_steal_pointer (&server_error));
          return FALSE;
        }
      g_string_append_printf (reasons, "\n%s", server_error->message);
    }
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
               _ ("No ComfyUI server answered:%s"), reasons->str);
  return FALSE;
}

char *
reel_comfyui_backend_describe_servers (ReelComfyuiBackend *self, GCancellable *cancellable)
{
  g_autoptr (ReelHttpClient) client = quick_client (self, cancellable);
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (REEL_IS_COMFYUI_BACKEND (self), NULL);

  for (guint i = 0; i < self->servers->len; i++)
    {
      ReelComfyuiServer *server = self->servers->pdata[i];
      g_autoptr (GError) error = NULL;
      g_autofree char *description = NULL;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s: ", reel_comfyui_server_get_url (server));
      if (!reel_comfyui_server_probe (server, client, &error))
        {
          /* Translators: "not reachable: Could not connect to 127.0.0.1" */
          g_string_append_printf (text, _ ("not reachable: %s"), error->message);
          continue;
        }
      description = reel_comfyui_server_describe (server);
      g_string_append (text, description);
      if (check_server (self, server, client, &error))
        /* Translators: "…; has what wan2.2-ti2v-5b needs" */
        g_string_append_printf (text, _ ("; has what %s needs"), self->workflow);
      else
        g_string_append_printf (text, "\n%s", error->message);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
check_ready (ReelBackend *backend, char **reason)
{
  ReelComfyuiBackend *self = REEL_COMFYUI_BACKEND (backend);

  if (self->workflow_problem == NULL)
    return TRUE;
  if (reason != NULL)
    *reason = g_strdup (self->workflow_problem);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* The rest of the interface                                                 */

static const char *
get_name (ReelBackend *backend)
{
  return "comfyui";
}

static const char *
get_display_name (ReelBackend *backend)
{
  return "ComfyUI";
}

static void
get_capabilities (ReelBackend *backend, ReelBackendCapabilities *caps)
{
  ReelComfyuiBackend *self = REEL_COMFYUI_BACKEND (backend);
  gboolean            known = self->workflow_problem == NULL;

  /* A prompt id survives a restart of Storyreel: the job resumes it. */
  caps->features = REEL_BACKEND_REMOTE;
  if (!known || self->text_to_video != NULL)
    caps->features |= REEL_BACKEND_TEXT_TO_VIDEO;
  if (!known || self->image_to_video != NULL)
    caps->features |= REEL_BACKEND_IMAGE_TO_VIDEO;
  /* Clips are made at the size the workflow's model works at. */
  caps->max_width = 7680;
  caps->max_height = 4320;
  caps->min_duration = 0.25;
  caps->max_duration = 10;
  caps->min_fps = 1;
  caps->max_fps = 120;
  /* Each server in rotation takes its share; the pool is as wide as they are. */
  caps->max_parallel_jobs = reel_server_pool_get_places_per_node (self->pool)
                            * MAX (reel_server_pool_count_in_rotation (self->pool), 1);
  caps->features |= REEL_BACKEND_SERVER_POOL;
  caps->currency = NULL;
}

static const char *const *
list_models (ReelBackend *backend)
{
  return (const char *const *) REEL_COMFYUI_BACKEND (backend)->workflow_names;
}

static const char *
get_model (ReelBackend *backend)
{
  return REEL_COMFYUI_BACKEND (backend)->workflow;
}

static void
backend_iface_init (ReelBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->get_display_name = get_display_name;
  iface->get_capabilities = get_capabilities;
  iface->submit = submit;
  iface->wait = wait_for_prompt;
  iface->fetch = fetch;
  iface->cancel = cancel;
  iface->check_ready = check_ready;
  iface->test_connection = test_connection;
  iface->list_models = list_models;
  iface->get_model = get_model;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
reel_comfyui_backend_finalize (GObject *object)
{
  ReelComfyuiBackend *self = REEL_COMFYUI_BACKEND (object);

  g_ptr_array_unref (self->servers);
  g_clear_object (&self->pool);
  g_free (self->workflow);
  g_clear_object (&self->text_to_video);
  g_clear_object (&self->image_to_video);
  g_free (self->workflow_problem);
  g_strfreev (self->workflow_names);
  g_clear_object (&self->gpu_slots);

  G_OBJECT_CLASS (reel_comfyui_backend_parent_class)->finalize (object);
}

static void
reel_comfyui_backend_class_init (ReelComfyuiBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_comfyui_backend_finalize;
}

static void
reel_comfyui_backend_init (ReelComfyuiBackend *self)
{
  self->servers = g_ptr_array_new_with_free_func (g_object_unref);
  self->workflow_names = reel_comfyui_workflow_list_names ();
  self->poll_min_ms = 1000;
  self->poll_max_ms = 5000;
  self->silence_ms = 15000;
  /* A server powered off answers nothing, not even a refusal: its jobs go
   * to the others well within a minute, while a restart of the network or
   * of a busy server's HTTP side within this time keeps the prompt. */
  self->unreachable_ms = 20000;
}

ReelComfyuiBackend *
reel_comfyui_backend_new (const char *urls)
{
  ReelComfyuiBackend *self = g_object_new (REEL_TYPE_COMFYUI_BACKEND, NULL);
  g_auto (GStrv) parts = g_strsplit (urls != NULL ? urls : "", ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_ptr_array_add (self->servers, reel_comfyui_server_new (parts[i]));
    }
  if (self->servers->len == 0)
    g_ptr_array_add (self->servers, reel_comfyui_server_new (REEL_COMFYUI_DEFAULT_URL));
  {
    g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
    g_auto (GStrv) nodes = NULL;

    for (guint i = 0; i < self->servers->len; i++)
      g_strv_builder_add (builder, reel_comfyui_server_get_url (self->servers->pdata[i]));
    nodes = g_strv_builder_end (builder);
    /* One prompt running and one waiting: the GPU never idles between
     * jobs, and Storyreel's own queue keeps the rest, where it can reorder
     * them. */
    self->pool = reel_server_pool_new ((const char *const *) nodes);
  }

  reel_comfyui_backend_set_workflow (self, NULL, NULL);
  return self;
}

gboolean
reel_comfyui_backend_set_workflow (ReelComfyuiBackend *self, const char *workflow, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (REEL_IS_COMFYUI_BACKEND (self), FALSE);

  if (workflow == NULL || *workflow == '\0')
    workflow = REEL_COMFYUI_DEFAULT_WORKFLOW;
  g_free (self->workflow);
  self->workflow = g_strdup (workflow);
  g_clear_object (&self->text_to_video);
  g_clear_object (&self->image_to_video);
  g_clear_pointer (&self->workflow_problem, g_free);

  if (reel_comfyui_workflow_resolve (workflow, &self->text_to_video, &self->image_to_video,
                                     &local_error))
    return TRUE;
  self->workflow_problem = g_strdup (local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

void
reel_comfyui_backend_set_steps (ReelComfyuiBackend *self, guint steps)
{
  g_return_if_fail (REEL_IS_COMFYUI_BACKEND (self));
  self->steps = steps;
}

void
reel_comfyui_backend_set_max_parallel_jobs (ReelComfyuiBackend *self, guint jobs)
{
  g_return_if_fail (REEL_IS_COMFYUI_BACKEND (self));
  reel_server_pool_set_places_per_node (self->pool, jobs);
}

void
reel_comfyui_backend_set_timing (ReelComfyuiBackend *self,
                                 guint               poll_min_ms,
                                 guint               poll_max_ms,
                                 guint               silence_ms)
{
  g_return_if_fail (REEL_IS_COMFYUI_BACKEND (self));
  self->poll_min_ms = MAX (poll_min_ms, 1);
  self->poll_max_ms = MAX (poll_max_ms, self->poll_min_ms);
  self->silence_ms = MAX (silence_ms, 1);
}

void
reel_comfyui_backend_set_rest_time (ReelComfyuiBackend *self, guint milliseconds)
{
  g_return_if_fail (REEL_IS_COMFYUI_BACKEND (self));
  reel_server_pool_set_rest_time (self->pool, milliseconds);
}

void
reel_comfyui_backend_set_unreachable_time (ReelComfyuiBackend *self, guint milliseconds)
{
  g_return_if_fail (REEL_IS_COMFYUI_BACKEND (self));
  self->unreachable_ms = MAX (milliseconds, 1);
}

ReelServerPool *
reel_comfyui_backend_get_pool (ReelComfyuiBackend *self)
{
  g_return_val_if_fail (REEL_IS_COMFYUI_BACKEND (self), NULL);
  return self->pool;
}

void
reel_comfyui_backend_set_gpu_slots (ReelComfyuiBackend *self, ReelGpuSlots *slots)
{
  g_return_if_fail (REEL_IS_COMFYUI_BACKEND (self));
  g_return_if_fail (slots == NULL || REEL_IS_GPU_SLOTS (slots));
  g_set_object (&self->gpu_slots, slots);
}
