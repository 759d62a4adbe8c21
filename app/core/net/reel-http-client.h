/* reel-http-client.h: HTTP on libcurl, with no knowledge of any service
 *
 * A ReelHttpClient owns one libcurl easy handle and belongs to one worker
 * thread at a time, in the style of fwupd's curl helper. It speaks only
 * http and https, verifies certificates, gives up on a dead connection
 * (connect and low-speed timeouts), refuses responses over a size limit,
 * downloads to a temporary file that it resumes with Range after a drop, and
 * maps HTTP statuses to the kinds of failure that decide a retry.
 *
 * Cancelling the client's GCancellable ends a transfer at once, even one
 * blocked on a silent server: the transfer runs on a multi handle that the
 * cancellable wakes.
 *
 * Secrets registered with reel_http_client_add_secret() never appear in a log
 * line, a URL it reports or an error message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define REEL_NET_ERROR (reel_net_error_quark ())
GQuark reel_net_error_quark (void);

typedef enum
{
  REEL_NET_ERROR_TRANSIENT, /* no connection, timed out, dropped, 408, 425, 429, 5xx: try later */
  REEL_NET_ERROR_PERMANENT, /* a request the server will never accept (other 4xx, bad URL) */
  REEL_NET_ERROR_AUTH,      /* 401 or 403: the key is missing, wrong or not allowed */
  REEL_NET_ERROR_NOT_FOUND, /* 404 or 410 */
  REEL_NET_ERROR_TOO_LARGE, /* the response is over the client's size limit */
} ReelNetError;

typedef struct
{
  guint       status;         /* HTTP status */
  GBytes     *body;           /* never NULL */
  GHashTable *headers;        /* lower-case name → value */
  char       *url;            /* the effective URL, secrets redacted */
  gint64      retry_after_ms; /* from Retry-After or retry-after-ms; -1 when absent */
} ReelHttpResponse;

void reel_http_response_free (ReelHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelHttpResponse, reel_http_response_free)

const char *reel_http_response_get_header (const ReelHttpResponse *response, const char *name);
/* The body as text (NUL-terminated, owned by the response). */
const char *reel_http_response_get_text (const ReelHttpResponse *response);
/* FALSE with a REEL_NET_ERROR for any status outside 200–299. The message
 * names the status and the host, never a secret. */
gboolean reel_http_response_check (const ReelHttpResponse *response, GError **error);

/* Parses a Retry-After value, seconds or an HTTP date, relative to @now_unix.
 * Returns milliseconds, or -1 when @value is not one. */
gint64 reel_http_parse_retry_after (const char *value, gint64 now_unix);

/* Whether @error says the same request might succeed later. */
gboolean reel_net_error_is_transient (const GError *error);

/* Whether @url names this computer (localhost or a loopback address). */
gboolean reel_http_url_is_loopback (const char *url);
/* Whether a key may be sent to @url: over https, or to this computer
 * (a test's fake, a local proxy); never in clear text across a network. */
gboolean reel_http_url_may_carry_secret (const char *url);

#define REEL_TYPE_HTTP_CLIENT (reel_http_client_get_type ())
G_DECLARE_FINAL_TYPE (ReelHttpClient, reel_http_client, REEL, HTTP_CLIENT, GObject)

/* Called on the transfer's thread; @total is 0 when unknown. */
typedef void (*ReelHttpProgressFunc) (guint64 received, guint64 total, gpointer user_data);

ReelHttpClient *reel_http_client_new (void);

void reel_http_client_set_cancellable (ReelHttpClient *self, GCancellable *cancellable);
/* Replaced by "[hidden]" wherever the client logs or reports text. */
void  reel_http_client_add_secret (ReelHttpClient *self, const char *secret);
char *reel_http_client_redact (ReelHttpClient *self, const char *text);
/* Defaults: 15 s to connect; a transfer slower than 1 byte/s for 60 s is dropped. */
void reel_http_client_set_timeouts (ReelHttpClient *self,
                                    guint           connect_timeout_s,
                                    guint           low_speed_time_s);
/* Responses kept in memory; downloads have their own limit. Default 8 MiB. */
void reel_http_client_set_max_response_size (ReelHttpClient *self, gsize max_bytes);
/* Default 4 GiB. */
void reel_http_client_set_max_download_size (ReelHttpClient *self, guint64 max_bytes);

/* Sends one request. @headers: "Name: value" strings, NULL-terminated, or
 * NULL. @body may be NULL. Returns the response whatever its status; NULL
 * with an error only when no response came (no connection, timeout,
 * cancelled, too large). */
ReelHttpResponse *reel_http_client_request (ReelHttpClient    *self,
                                            const char        *method,
                                            const char        *url,
                                            const char *const *headers,
                                            GBytes            *body,
                                            GError           **error);

/* Downloads @url to @dest_path. The bytes go to a temporary file beside it
 * that becomes @dest_path only when complete; a connection dropped part-way
 * is resumed with a Range request (up to a few times), and a server that
 * ignores Range starts the file again. */
gboolean reel_http_client_download (ReelHttpClient      *self,
                                    const char          *url,
                                    const char *const   *headers,
                                    const char          *dest_path,
                                    ReelHttpProgressFunc progress,
                                    gpointer             user_data,
                                    GError             **error);

G_END_DECLS
