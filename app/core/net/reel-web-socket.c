/* reel-web-socket.c
 *
 * libsoup ties a session and its connections to the thread-default main
 * context they were made in. Every call here pushes the socket's own context
 * and iterates it until what it waits for has happened, so the socket lives
 * entirely in the thread that uses it, and nothing of it runs while nobody
 * waits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-net"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "reel-http-client.h"
#include "reel-web-socket.h"

#define DEFAULT_MAX_MESSAGE (32 * 1024 * 1024)
/* How long closing waits for the server's close frame. */
#define CLOSE_TIMEOUT_MS 250

typedef struct
{
  ReelWebSocketMessageType type;
  GBytes                  *bytes;
} Message;

struct _ReelWebSocket
{
  GObject parent_instance;

  GMainContext            *context;
  GCancellable            *cancellable;
  gulong                   cancelled_id;
  SoupSession             *session;
  SoupWebsocketConnection *connection;
  char                    *host;
  gsize                    max_message;

  GQueue   messages; /* Message* */
  gboolean closed;
  GError  *connection_error;

  /* The connect in progress. */
  gboolean                 connecting;
  SoupWebsocketConnection *connected;
  GError                  *connect_error;
};

G_DEFINE_FINAL_TYPE (ReelWebSocket, reel_web_socket, G_TYPE_OBJECT)

static void
message_free (Message *message)
{
  g_bytes_unref (message->bytes);
  g_free (message);
}

static void
cancelled_cb (GCancellable *cancellable, GMainContext *context)
{
  /* Any thread: ends the iteration the owner may be blocked in. */
  g_main_context_wakeup (context);
}

/* ------------------------------------------------------------------------ */
/* Connection signals                                                        */

static void
message_cb (SoupWebsocketConnection *connection, int type, GBytes *bytes, ReelWebSocket *self)
{
  Message *message = g_new0 (Message, 1);

  message->type
      = type == SOUP_WEBSOCKET_DATA_BINARY ? REEL_WEB_SOCKET_BINARY : REEL_WEB_SOCKET_TEXT;
  message->bytes = g_bytes_ref (bytes);
  g_queue_push_tail (&self->messages, message);
}

static void
error_cb (SoupWebsocketConnection *connection, GError *error, ReelWebSocket *self)
{
  g_debug ("The WebSocket connection to %s failed: %s", self->host, error->message);
  if (self->connection_error == NULL)
    self->connection_error = g_error_copy (error);
}

static void
closed_cb (SoupWebsocketConnection *connection, ReelWebSocket *self)
{
  g_debug ("The WebSocket connection to %s closed (%u)", self->host,
           soup_websocket_connection_get_close_code (connection));
  self->closed = TRUE;
}

static void
drop_connection (ReelWebSocket *self)
{
  if (self->connection == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
}

/* ------------------------------------------------------------------------ */
/* Iterating the socket's context                                            */

static gboolean
deadline_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* One blocking iteration of the socket's context, woken at @deadline at the
 * latest. FALSE once @deadline has passed. */
static gboolean
iterate_until (ReelWebSocket *self, gint64 deadline)
{
  gint64   now = g_get_monotonic_time ();
  gboolean expired = FALSE;
  GSource *timeout;

  if (now >= deadline)
    return FALSE;
  timeout = g_timeout_source_new ((guint) ((deadline - now + 999) / 1000));
  g_source_set_callback (timeout, deadline_cb, &expired, NULL);
  g_source_attach (timeout, self->context);
  g_main_context_iteration (self->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  return !expired;
}

static gboolean
is_cancelled (ReelWebSocket *self)
{
  return self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable);
}

/* ------------------------------------------------------------------------ */
/* Connect                                                                   */

static void
connect_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  ReelWebSocket *self = data;

  self->connected
      = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &self->connect_error);
  self->connecting = FALSE;
}

static char *
http_url_for (const char *url)
{
  if (g_str_has_prefix (url, "ws://"))
    return g_strconcat ("http://", url + strlen ("ws://"), NULL);
  if (g_str_has_prefix (url, "wss://"))
    return g_strconcat ("https://", url + strlen ("wss://"), NULL);
  return g_strdup (url);
}

static void
close_now (ReelWebSocket *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  if (self->connection == NULL)
    return;
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_CLOSED
         && !is_cancelled (self) && iterate_until (self, deadline))
    ;
  drop_connection (self);
}

/* Runs the opening handshake on the socket's own context until it ends,
 * @deadline passes or the worker is cancelled, and keeps the connection.
 * Returns whether it ran out of time. */
static gboolean
run_handshake (ReelWebSocket *self, GUri *uri, gint64 deadline)
{
  g_autoptr (SoupMessage) message = soup_message_new_from_uri ("GET", uri);
  g_autoptr (GCancellable) attempt = g_cancellable_new ();
  gboolean timed_out = FALSE;

  self->connecting = TRUE;
  soup_session_websocket_connect_async (self->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        attempt, connect_done_cb, self);
  while (self->connecting)
    {
      if (!g_cancellable_is_cancelled (attempt)
          && (is_cancelled (self) || g_get_monotonic_time () >= deadline))
        {
          timed_out = !is_cancelled (self);
          g_cancellable_cancel (attempt);
        }
      /* A cancelled connect still ends through its callback. */
      if (g_cancellable_is_cancelled (attempt))
        g_main_context_iteration (self->context, TRUE);
      else
        iterate_until (self, deadline);
    }

  if (self->connected != NULL)
    {
      self->connection = g_steal_pointer (&self->connected);
      soup_websocket_connection_set_max_incoming_payload_size (self->connection, self->max_message);
      g_signal_connect (self->connection, "message", G_CALLBACK (message_cb), self);
      g_signal_connect (self->connection, "error", G_CALLBACK (error_cb), self);
      g_signal_connect (self->connection, "closed", G_CALLBACK (closed_cb), self);
    }
  return timed_out;
}

gboolean
reel_web_socket_connect (ReelWebSocket *self, const char *url, guint timeout_ms, GError **error)
{
  g_autofree char *http_url = NULL;
  g_autoptr (GUri) uri = NULL;
  gint64   deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean timed_out = FALSE;

  g_return_val_if_fail (REEL_IS_WEB_SOCKET (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);

  http_url = http_url_for (url);
  uri = g_uri_parse (http_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
      || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_PERMANENT,
                   _ ("“%s” is not a WebSocket address."), url);
      return FALSE;
    }

  g_main_context_push_thread_default (self->context);

  close_now (self, 0);
  g_queue_clear_full (&self->messages, (GDestroyNotify) message_free);
  g_clear_error (&self->connection_error);
  g_clear_error (&self->connect_error);
  self->closed = FALSE;
  g_free (self->host);
  self->host = g_strdup (g_uri_get_host (uri));

  if (self->session == NULL)
    self->session = soup_session_new ();

  timed_out = run_handshake (self, uri, deadline);
  g_main_context_pop_thread_default (self->context);

  if (self->connection != NULL)
    return TRUE;
  if (is_cancelled (self))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
  else if (timed_out)
    /* Translators: "No WebSocket connection to 192.168.1.20 within 10 seconds." */
    g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT,
                 _ ("No WebSocket connection to %s within %u seconds."), self->host,
                 MAX (timeout_ms / 1000, 1));
  else
    g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT,
                 _ ("Could not open a WebSocket connection to %s: %s"), self->host,
                 self->connect_error != NULL ? self->connect_error->message : "?");
  g_clear_error (&self->connect_error);
  return FALSE;
}

gboolean
reel_web_socket_is_open (ReelWebSocket *self)
{
  g_return_val_if_fail (REEL_IS_WEB_SOCKET (self), FALSE);

  return self->connection != NULL && !self->closed
         && soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* ------------------------------------------------------------------------ */
/* Receive                                                                   */

GBytes *
reel_web_socket_receive (ReelWebSocket            *self,
                         guint                     timeout_ms,
                         ReelWebSocketMessageType *type,
                         GError                  **error)
{
  gint64   deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  Message *message;
  GBytes  *bytes;

  g_return_val_if_fail (REEL_IS_WEB_SOCKET (self), NULL);

  g_main_context_push_thread_default (self->context);
  /* Whatever already arrived, without blocking. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  while (g_queue_is_empty (&self->messages) && !is_cancelled (self)
         && reel_web_socket_is_open (self) && iterate_until (self, deadline))
    ;
  g_main_context_pop_thread_default (self->context);

  message = g_queue_pop_head (&self->messages);
  if (message != NULL)
    {
      if (type != NULL)
        *type = message->type;
      bytes = g_steal_pointer (&message->bytes);
      g_free (message);
      return bytes;
    }

  if (is_cancelled (self))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
  else if (!reel_web_socket_is_open (self))
    {
      if (self->connection_error != NULL)
        g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT,
                     _ ("The WebSocket connection to %s failed: %s"),
                     self->host != NULL ? self->host : "?", self->connection_error->message);
      else
        g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT,
                     _ ("The WebSocket connection to %s closed."),
                     self->host != NULL ? self->host : "?");
    }
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _ ("No message came in time."));
  return NULL;
}

void
reel_web_socket_close (ReelWebSocket *self)
{
  g_return_if_fail (REEL_IS_WEB_SOCKET (self));

  g_main_context_push_thread_default (self->context);
  close_now (self, is_cancelled (self) ? 0 : CLOSE_TIMEOUT_MS);
  g_main_context_pop_thread_default (self->context);
}

void
reel_web_socket_set_max_message_size (ReelWebSocket *self, gsize max_bytes)
{
  g_return_if_fail (REEL_IS_WEB_SOCKET (self));

  self->max_message = max_bytes;
  if (self->connection != NULL)
    soup_websocket_connection_set_max_incoming_payload_size (self->connection, max_bytes);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
reel_web_socket_dispose (GObject *object)
{
  ReelWebSocket *self = REEL_WEB_SOCKET (object);

  if (self->cancellable != NULL && self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);

  g_main_context_push_thread_default (self->context);
  close_now (self, 0);
  g_clear_object (&self->session);
  /* Let the closed connection's sources finish in this context. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  G_OBJECT_CLASS (reel_web_socket_parent_class)->dispose (object);
}

static void
reel_web_socket_finalize (GObject *object)
{
  ReelWebSocket *self = REEL_WEB_SOCKET (object);

  g_queue_clear_full (&self->messages, (GDestroyNotify) message_free);
  g_clear_error (&self->connection_error);
  g_clear_error (&self->connect_error);
  g_free (self->host);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (reel_web_socket_parent_class)->finalize (object);
}

static void
reel_web_socket_class_init (ReelWebSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reel_web_socket_dispose;
  object_class->finalize = reel_web_socket_finalize;
}

static void
reel_web_socket_init (ReelWebSocket *self)
{
  self->context = g_main_context_new ();
  self->max_message = DEFAULT_MAX_MESSAGE;
  g_queue_init (&self->messages);
}

ReelWebSocket *
reel_web_socket_new (GCancellable *cancellable)
{
  ReelWebSocket *self = g_object_new (REEL_TYPE_WEB_SOCKET, NULL);

  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                  g_main_context_ref (self->context),
                                                  (GDestroyNotify) g_main_context_unref);
    }
  return self;
}
