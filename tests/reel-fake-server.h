/* reel-fake-server.h: a loopback HTTP server for the tests of remote services
 *
 * The server runs libsoup's SoupServer on 127.0.0.1 in a thread of its own,
 * so a test (or a child process it starts) can make blocking requests to it.
 * The handler runs in the server's thread; every request is recorded for the
 * test's assertions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _ReelFakeServer ReelFakeServer;

typedef struct
{
  char       *method;
  char       *path;
  char       *query;   /* may be NULL */
  GHashTable *headers; /* lower-case name → value */
  GBytes     *body;
} ReelFakeRequest;

/* Server thread. The message is answered when the handler returns, unless
 * it paused it, or handed its connection to reel_fake_server_hang() or
 * reel_fake_server_send_raw(). */
typedef void (*ReelFakeHandler) (ReelFakeServer    *server,
                                 SoupServerMessage *message,
                                 const char        *path,
                                 gpointer           user_data);

ReelFakeServer *reel_fake_server_new (ReelFakeHandler handler, gpointer user_data);
/* Stops the server and closes every connection, hung ones included. */
void reel_fake_server_free (ReelFakeServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelFakeServer, reel_fake_server_free)

/* "http://127.0.0.1:PORT", no trailing slash. */
const char *reel_fake_server_get_url (ReelFakeServer *server);

/* Requests so far whose method matches (NULL: any) and whose path starts with @path_prefix. */
guint reel_fake_server_count (ReelFakeServer *server, const char *method, const char *path_prefix);
/* (transfer full) ReelFakeRequest*, in arrival order. */
GPtrArray *reel_fake_server_dup_requests (ReelFakeServer *server);
void       reel_fake_request_free (ReelFakeRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelFakeRequest, reel_fake_request_free)
/* Waits (any thread but the server's) until @count matching requests have
 * arrived; fails the test after @timeout_ms. */
void reel_fake_server_wait_for (ReelFakeServer *server,
                                const char     *method,
                                const char     *path_prefix,
                                guint           count,
                                guint           timeout_ms);

/* Accepts WebSocket connections at @path. The handler sees the upgrade
 * request first (it is recorded like any other) and refuses it by setting a
 * status; otherwise @callback gets the connection. Both run in the server's
 * thread. */
void reel_fake_server_add_websocket (ReelFakeServer             *server,
                                     const char                 *path,
                                     SoupServerWebsocketCallback callback,
                                     gpointer                    user_data);
/* The server thread's main context, for sources that act on their own (a
 * timer that pushes messages to sockets). */
GMainContext *reel_fake_server_get_context (ReelFakeServer *server);

/* Answers with a JSON text and a status. */
void reel_fake_server_reply_json (SoupServerMessage *message, guint status, const char *json);
/* Takes the connection over and never answers: a hung server. */
void reel_fake_server_hang (ReelFakeServer *server, SoupServerMessage *message);
/* Takes the connection over, writes @raw as it is (status line, headers and
 * whatever part of a body), and closes it: a connection dropped part-way. */
void reel_fake_server_send_raw (ReelFakeServer    *server,
                                SoupServerMessage *message,
                                const void        *raw,
                                gsize              length);

G_END_DECLS
