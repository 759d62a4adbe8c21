/* reel-fake-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "reel-fake-server.h"

struct _ReelFakeServer
{
  ReelFakeHandler handler;
  gpointer        user_data;

  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;

  GMutex     mutex;
  GCond      cond;
  gboolean   ready;
  GPtrArray *requests; /* ReelFakeRequest* */
  GPtrArray *held;     /* GIOStream* of hung connections */
};

void
reel_fake_request_free (ReelFakeRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_clear_pointer (&request->headers, g_hash_table_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

static ReelFakeRequest *
request_copy (const ReelFakeRequest *request)
{
  ReelFakeRequest *copy = g_new0 (ReelFakeRequest, 1);
  GHashTableIter   iter;
  gpointer         key, value;

  copy->method = g_strdup (request->method);
  copy->path = g_strdup (request->path);
  copy->query = g_strdup (request->query);
  copy->body = g_bytes_ref (request->body);
  copy->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, request->headers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->headers, g_strdup (key), g_strdup (value));
  return copy;
}

static void
record_request (ReelFakeServer *self, SoupServerMessage *message, const char *path)
{
  ReelFakeRequest       *request = g_new0 (ReelFakeRequest, 1);
  SoupMessageHeaders    *headers = soup_server_message_get_request_headers (message);
  SoupMessageBody       *body = soup_server_message_get_request_body (message);
  SoupMessageHeadersIter iter;
  const char            *name, *value;
  GUri                  *uri = soup_server_message_get_uri (message);

  request->method = g_strdup (soup_server_message_get_method (message));
  request->path = g_strdup (path);
  request->query = g_strdup (g_uri_get_query (uri));
  request->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_hash_table_replace (request->headers, g_ascii_strdown (name, -1), g_strdup (value));
  request->body = soup_message_body_flatten (body);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->requests, request);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  ReelFakeServer *self = user_data;

  record_request (self, message, path);
  self->handler (self, message, path, self->user_data);
}

static gpointer
server_thread (gpointer data)
{
  ReelFakeServer *self = data;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "fake-service", NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("The fake server cannot listen: %s", error->message);

  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&self->mutex);
  self->ready = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->loop);

  /* Hung connections close with the server. */
  g_ptr_array_set_size (self->held, 0);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let the closed connections finish in this context. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

ReelFakeServer *
reel_fake_server_new (ReelFakeHandler handler, gpointer user_data)
{
  ReelFakeServer *self = g_new0 (ReelFakeServer, 1);

  self->handler = handler;
  self->user_data = user_data;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_fake_request_free);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);

  self->thread = g_thread_new ("fake-server", server_thread, self);
  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  return self;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
reel_fake_server_free (ReelFakeServer *self)
{
  if (self == NULL)
    return;

  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);

  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->requests);
  g_ptr_array_unref (self->held);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->url);
  g_free (self);
}

const char *
reel_fake_server_get_url (ReelFakeServer *self)
{
  return self->url;
}

static gboolean
matches (const ReelFakeRequest *request, const char *method, const char *path_prefix)
{
  return (method == NULL || g_strcmp0 (request->method, method) == 0)
         && (path_prefix == NULL || g_str_has_prefix (request->path, path_prefix));
}

static guint
count_locked (ReelFakeServer *self, const char *method, const char *path_prefix)
{
  guint n = 0;

  for (guint i = 0; i < self->requests->len; i++)
    if (matches (g_ptr_array_index (self->requests, i), method, path_prefix))
      n++;
  return n;
}

guint
reel_fake_server_count (ReelFakeServer *self, const char *method, const char *path_prefix)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = count_locked (self, method, path_prefix);
  g_mutex_unlock (&self->mutex);
  return n;
}

GPtrArray *
reel_fake_server_dup_requests (ReelFakeServer *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_fake_request_free);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->requests->len; i++)
    g_ptr_array_add (copy, request_copy (g_ptr_array_index (self->requests, i)));
  g_mutex_unlock (&self->mutex);
  return copy;
}

void
reel_fake_server_wait_for (ReelFakeServer *self,
                           const char     *method,
                           const char     *path_prefix,
                           guint           count,
                           guint           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  g_mutex_lock (&self->mutex);
  while (count_locked (self, method, path_prefix) < count)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      {
        guint seen = count_locked (self, method, path_prefix);

        g_mutex_unlock (&self->mutex);
        g_error ("Timed out after %u ms waiting for %u %s %s requests (%u arrived)", timeout_ms,
                 count, method != NULL ? method : "", path_prefix != NULL ? path_prefix : "", seen);
      }
  g_mutex_unlock (&self->mutex);
}

typedef struct
{
  ReelFakeServer             *server;
  const char                 *path;
  SoupServerWebsocketCallback callback;
  gpointer                    user_data;
  gboolean                    done;
} AddWebsocket;

static gboolean
add_websocket_cb (gpointer data)
{
  AddWebsocket   *add = data;
  ReelFakeServer *self = add->server;

  /* The plain handler on the same path runs first, so the fake can refuse
   * the upgrade; the WebSocket handler takes it from there. */
  soup_server_add_handler (self->server, add->path, handle_cb, self, NULL);
  soup_server_add_websocket_handler (self->server, add->path, NULL, NULL, add->callback,
                                     add->user_data, NULL);
  g_mutex_lock (&self->mutex);
  add->done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  return G_SOURCE_REMOVE;
}

void
reel_fake_server_add_websocket (ReelFakeServer             *self,
                                const char                 *path,
                                SoupServerWebsocketCallback callback,
                                gpointer                    user_data)
{
  AddWebsocket add = { self, path, callback, user_data, FALSE };

  g_main_context_invoke (self->context, add_websocket_cb, &add);
  g_mutex_lock (&self->mutex);
  while (!add.done)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

GMainContext *
reel_fake_server_get_context (ReelFakeServer *self)
{
  return self->context;
}

void
reel_fake_server_reply_json (SoupServerMessage *message, guint status, const char *json)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, json,
                                    strlen (json));
}

void
reel_fake_server_hang (ReelFakeServer *self, SoupServerMessage *message)
{
  GIOStream *stream = soup_server_message_steal_connection (message);

  g_ptr_array_add (self->held, stream);
}

void
reel_fake_server_send_raw (ReelFakeServer    *self,
                           SoupServerMessage *message,
                           const void        *raw,
                           gsize              length)
{
  g_autoptr (GIOStream) stream = soup_server_message_steal_connection (message);
  GOutputStream *output = g_io_stream_get_output_stream (stream);

  g_output_stream_write_all (output, raw, length, NULL, NULL, NULL);
  g_output_stream_flush (output, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}
