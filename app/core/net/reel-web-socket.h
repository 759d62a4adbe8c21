/* reel-web-socket.h: a WebSocket client for one worker thread, with no knowledge of any service
 *
 * libsoup 3 on a main context of its own, driven by blocking calls from the
 * thread that made the socket: connect, then take the messages one at a time,
 * each wait bounded by a timeout. Messages that arrive while nobody waits are
 * kept, in order. The GCancellable given at creation ends a wait at once, so
 * a stopped job never hangs on a silent server.
 *
 * Errors: REEL_NET_ERROR_TRANSIENT when the connection cannot be made or was
 * lost, G_IO_ERROR_TIMED_OUT when no message came in time (the socket stays
 * open), G_IO_ERROR_CANCELLED when the cancellable fired.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  REEL_WEB_SOCKET_TEXT,
  REEL_WEB_SOCKET_BINARY,
} ReelWebSocketMessageType;

#define REEL_TYPE_WEB_SOCKET (reel_web_socket_get_type ())
G_DECLARE_FINAL_TYPE (ReelWebSocket, reel_web_socket, REEL, WEB_SOCKET, GObject)

/* @cancellable may be NULL. */
ReelWebSocket *reel_web_socket_new (GCancellable *cancellable);

/* Messages over this size close the connection. Default 32 MiB. */
void reel_web_socket_set_max_message_size (ReelWebSocket *self, gsize max_bytes);

/* Connects to @url (ws, wss, or http and https taken as the same) within
 * @timeout_ms. A socket that was connected before is closed first. */
gboolean
reel_web_socket_connect (ReelWebSocket *self, const char *url, guint timeout_ms, GError **error);

/* Whether the socket is open: connected and not closed by either side. */
gboolean reel_web_socket_is_open (ReelWebSocket *self);

/* The next message, waiting up to @timeout_ms for one; NULL with an error
 * when none came. @type may be NULL. */
GBytes *reel_web_socket_receive (ReelWebSocket            *self,
                                 guint                     timeout_ms,
                                 ReelWebSocketMessageType *type,
                                 GError                  **error);

/* Closes the connection, waiting briefly for the server to agree. */
void reel_web_socket_close (ReelWebSocket *self);

G_END_DECLS
