/* reel-http-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-net"

#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "reel-http-client.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLU, curl_url_cleanup)

#define DEFAULT_CONNECT_TIMEOUT_S 15
#define DEFAULT_LOW_SPEED_TIME_S 60
#define DEFAULT_MAX_RESPONSE (8 * 1024 * 1024)
#define DEFAULT_MAX_DOWNLOAD (G_GUINT64_CONSTANT (4) * 1024 * 1024 * 1024)
/* A download that keeps dropping is given this many fresh connections. */
#define MAX_DOWNLOAD_RESUMES 4
/* How long a transfer sleeps in curl_multi_poll() at most; the cancellable
 * wakes it sooner. */
#define POLL_INTERVAL_MS 1000
#define REDACTED "[hidden]"

struct _ReelHttpClient
{
  GObject parent_instance;

  CURL         *easy;
  CURLM        *multi;
  GCancellable *cancellable;
  gulong        cancelled_id;
  GPtrArray    *secrets;
  guint         connect_timeout_s;
  guint         low_speed_time_s;
  gsize         max_response;
  guint64       max_download;
  char          error_buffer[CURL_ERROR_SIZE];

  /* The transfer in progress. */
  GHashTable          *headers;
  guint                status;
  GByteArray          *body;
  gsize                body_limit;
  gboolean             too_large;
  int                  fd; /* a download's file, or -1 */
  guint64              fd_offset;
  gboolean             range_checked;
  int                  write_errno;
  ReelHttpProgressFunc progress;
  gpointer             progress_data;
};

G_DEFINE_FINAL_TYPE (ReelHttpClient, reel_http_client, G_TYPE_OBJECT)

GQuark
reel_net_error_quark (void)
{
  return g_quark_from_static_string ("reel-net-error-quark");
}

/* ------------------------------------------------------------------------ */
/* Responses                                                                 */

void
reel_http_response_free (ReelHttpResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->headers, g_hash_table_unref);
  g_free (response->url);
  g_free (response);
}

const char *
reel_http_response_get_header (const ReelHttpResponse *response, const char *name)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (response != NULL, NULL);

  lower = g_ascii_strdown (name, -1);
  return g_hash_table_lookup (response->headers, lower);
}

const char *
reel_http_response_get_text (const ReelHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  /* The body always carries a trailing NUL beyond its size; see finish_body(). */
  return g_bytes_get_data (response->body, NULL);
}

static char *
host_of (const char *url)
{
  g_autoptr (CURLU) handle = curl_url ();
  char *host = NULL;
  char *copy;

  if (handle == NULL || curl_url_set (handle, CURLUPART_URL, url, 0) != CURLUE_OK
      || curl_url_get (handle, CURLUPART_HOST, &host, 0) != CURLUE_OK)
    return g_strdup (_ ("the server"));
  copy = g_strdup (host);
  curl_free (host);
  return copy;
}

static ReelNetError
error_for_status (guint status)
{
  if (status == 401 || status == 403)
    return REEL_NET_ERROR_AUTH;
  if (status == 404 || status == 410)
    return REEL_NET_ERROR_NOT_FOUND;
  if (status == 408 || status == 425 || status == 429 || status >= 500)
    return REEL_NET_ERROR_TRANSIENT;
  return REEL_NET_ERROR_PERMANENT;
}

gboolean
reel_http_response_check (const ReelHttpResponse *response, GError **error)
{
  g_autofree char *host = NULL;

  g_return_val_if_fail (response != NULL, FALSE);

  if (response->status >= 200 && response->status < 300)
    return TRUE;

  host = host_of (response->url);
  /* Translators: "The server api.example.com answered with HTTP 503." */
  g_set_error (error, REEL_NET_ERROR, error_for_status (response->status),
               _ ("The server %s answered with HTTP %u."), host, response->status);
  return FALSE;
}

gint64
reel_http_parse_retry_after (const char *value, gint64 now_unix)
{
  g_autofree char *trimmed = NULL;
  guint64          seconds;
  time_t           when;

  if (value == NULL)
    return -1;
  trimmed = g_strstrip (g_strdup (value));
  if (*trimmed == '\0')
    return -1;

  if (g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXINT32, &seconds, NULL))
    return (gint64) seconds * 1000;

  /* An HTTP date: curl reads the three formats RFC 9110 allows. */
  when = curl_getdate (trimmed, NULL);
  if (when == (time_t) -1)
    return -1;
  return MAX ((gint64) when - now_unix, 0) * 1000;
}

gboolean
reel_http_url_is_loopback (const char *url)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autoptr (GInetAddress) address = NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
reel_http_url_may_carry_secret (const char *url)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL)
    return FALSE;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0
         || reel_http_url_is_loopback (url);
}

gboolean
reel_net_error_is_transient (const GError *error)
{
  return error != NULL && error->domain == REEL_NET_ERROR
         && error->code == REEL_NET_ERROR_TRANSIENT;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static gpointer
init_curl_once (gpointer data)
{
  CURLcode code = curl_global_init (CURL_GLOBAL_DEFAULT);

  if (code != CURLE_OK)
    g_warning ("libcurl could not start: %s", curl_easy_strerror (code));
  return GINT_TO_POINTER (code == CURLE_OK);
}

static void
cancelled_cb (GCancellable *cancellable, ReelHttpClient *self)
{
  /* Any thread: wakes a transfer sleeping in curl_multi_poll(). */
  curl_multi_wakeup (self->multi);
}

static void
disconnect_cancellable (ReelHttpClient *self)
{
  if (self->cancellable != NULL && self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);
}

static void
reel_http_client_dispose (GObject *object)
{
  ReelHttpClient *self = REEL_HTTP_CLIENT (object);

  disconnect_cancellable (self);

  G_OBJECT_CLASS (reel_http_client_parent_class)->dispose (object);
}

static void
reel_http_client_finalize (GObject *object)
{
  ReelHttpClient *self = REEL_HTTP_CLIENT (object);

  g_clear_pointer (&self->multi, curl_multi_cleanup);
  g_clear_pointer (&self->easy, curl_easy_cleanup);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_clear_pointer (&self->headers, g_hash_table_unref);
  g_clear_pointer (&self->body, g_byte_array_unref);

  G_OBJECT_CLASS (reel_http_client_parent_class)->finalize (object);
}

static void
reel_http_client_class_init (ReelHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reel_http_client_dispose;
  object_class->finalize = reel_http_client_finalize;
}

static void
reel_http_client_init (ReelHttpClient *self)
{
  static GOnce curl_once = G_ONCE_INIT;

  g_once (&curl_once, init_curl_once, NULL);

  self->easy = curl_easy_init ();
  self->multi = curl_multi_init ();
  self->secrets = g_ptr_array_new_with_free_func (g_free);
  self->connect_timeout_s = DEFAULT_CONNECT_TIMEOUT_S;
  self->low_speed_time_s = DEFAULT_LOW_SPEED_TIME_S;
  self->max_response = DEFAULT_MAX_RESPONSE;
  self->max_download = DEFAULT_MAX_DOWNLOAD;
  self->fd = -1;
}

ReelHttpClient *
reel_http_client_new (void)
{
  return g_object_new (REEL_TYPE_HTTP_CLIENT, NULL);
}

void
reel_http_client_set_cancellable (ReelHttpClient *self, GCancellable *cancellable)
{
  g_return_if_fail (REEL_IS_HTTP_CLIENT (self));

  disconnect_cancellable (self);
  if (cancellable == NULL)
    return;
  self->cancellable = g_object_ref (cancellable);
  self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
}

void
reel_http_client_add_secret (ReelHttpClient *self, const char *secret)
{
  g_return_if_fail (REEL_IS_HTTP_CLIENT (self));

  /* A very short "secret" would redact ordinary words. */
  if (secret == NULL || strlen (secret) < 4)
    return;
  for (guint i = 0; i < self->secrets->len; i++)
    if (g_str_equal (g_ptr_array_index (self->secrets, i), secret))
      return;
  g_ptr_array_add (self->secrets, g_strdup (secret));
}

char *
reel_http_client_redact (ReelHttpClient *self, const char *text)
{
  g_autoptr (GString) result = NULL;

  g_return_val_if_fail (REEL_IS_HTTP_CLIENT (self), NULL);

  if (text == NULL)
    return NULL;
  result = g_string_new (text);
  for (guint i = 0; i < self->secrets->len; i++)
    g_string_replace (result, g_ptr_array_index (self->secrets, i), REDACTED, 0);
  return g_string_free (g_steal_pointer (&result), FALSE);
}

void
reel_http_client_set_timeouts (ReelHttpClient *self,
                               guint           connect_timeout_s,
                               guint           low_speed_time_s)
{
  g_return_if_fail (REEL_IS_HTTP_CLIENT (self));
  self->connect_timeout_s = MAX (connect_timeout_s, 1);
  self->low_speed_time_s = MAX (low_speed_time_s, 1);
}

void
reel_http_client_set_max_response_size (ReelHttpClient *self, gsize max_bytes)
{
  g_return_if_fail (REEL_IS_HTTP_CLIENT (self));
  self->max_response = max_bytes;
}

void
reel_http_client_set_max_download_size (ReelHttpClient *self, guint64 max_bytes)
{
  g_return_if_fail (REEL_IS_HTTP_CLIENT (self));
  self->max_download = max_bytes;
}

/* ------------------------------------------------------------------------ */
/* Transfers                                                                 */

static size_t
header_cb (char *buffer, size_t size, size_t n_items, void *user_data)
{
  ReelHttpClient  *self = user_data;
  gsize            length = size * n_items;
  g_autofree char *line = g_strndup (buffer, length);
  char            *colon;

  g_strchomp (line);

  /* A status line starts the headers of a new response: after a redirect or
   * a "100 Continue", the earlier ones do not count. */
  if (g_str_has_prefix (line, "HTTP/"))
    {
      const char *code = strchr (line, ' ');

      g_hash_table_remove_all (self->headers);
      self->status = code != NULL ? (guint) g_ascii_strtoull (code + 1, NULL, 10) : 0;
      return length;
    }

  colon = strchr (line, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      g_hash_table_replace (self->headers, g_ascii_strdown (g_strstrip (line), -1),
                            g_strdup (g_strstrip (colon + 1)));
    }
  return length;
}

static gboolean
status_is_success (guint status)
{
  return status >= 200 && status < 300;
}

static size_t
write_cb (char *data, size_t size, size_t n_items, void *user_data)
{
  ReelHttpClient *self = user_data;
  gsize           length = size * n_items;

  /* A download writes the file only when the server sends the file; an error
   * page is kept in memory for the message. */
  if (self->fd >= 0 && status_is_success (self->status))
    {
      /* A server that ignores Range sends the whole file again: start over. */
      if (!self->range_checked)
        {
          self->range_checked = TRUE;
          if (self->status == 200 && self->fd_offset > 0)
            {
              g_debug ("The server ignored the Range request; downloading from the start");
              if (ftruncate (self->fd, 0) != 0 || lseek (self->fd, 0, SEEK_SET) != 0)
                {
                  self->write_errno = errno;
                  return 0;
                }
              self->fd_offset = 0;
            }
        }
      if (self->fd_offset + length > self->max_download)
        {
          self->too_large = TRUE;
          return 0;
        }
      for (gsize written = 0; written < length;)
        {
          gssize n = write (self->fd, data + written, length - written);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              self->write_errno = n < 0 ? errno : ENOSPC;
              return 0;
            }
          written += (gsize) n;
        }
      self->fd_offset += length;
      return length;
    }

  if (self->body->len + length > self->body_limit)
    {
      self->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (self->body, (const guint8 *) data, length);
  return length;
}

static int
xferinfo_cb (
    void *user_data, curl_off_t dl_total, curl_off_t dl_now, curl_off_t ul_total, curl_off_t ul_now)
{
  ReelHttpClient *self = user_data;

  if (g_cancellable_is_cancelled (self->cancellable))
    return 1;
  if (self->progress != NULL && self->fd >= 0 && status_is_success (self->status))
    self->progress (self->fd_offset, dl_total > 0 ? self->fd_offset - dl_now + dl_total : 0,
                    self->progress_data);
  return 0;
}

static struct curl_slist *
build_header_list (const char *const *headers)
{
  struct curl_slist *list = NULL;

  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    list = curl_slist_append (list, headers[i]);
  /* libcurl would otherwise wait a second for "100 Continue" before a body. */
  list = curl_slist_append (list, "Expect:");
  return list;
}

static void
prepare (ReelHttpClient *self, const char *url, struct curl_slist *headers)
{
  CURL *easy = self->easy;

  /* A reset keeps the connection cache, so one job's requests reuse one connection. */
  curl_easy_reset (easy);
  self->error_buffer[0] = '\0';
  self->status = 0;
  self->too_large = FALSE;
  self->write_errno = 0;
  if (self->headers == NULL)
    self->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_remove_all (self->headers);
  g_clear_pointer (&self->body, g_byte_array_unref);
  self->body = g_byte_array_new ();

  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, (long) self->connect_timeout_s);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_TIME, (long) self->low_speed_time_s);
  curl_easy_setopt (easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (easy, CURLOPT_USERAGENT, "Storyreel/" PACKAGE_VERSION);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, self->error_buffer);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, self);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, self);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, self);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);
}

/* Runs the prepared transfer on the multi handle, so that cancelling wakes it
 * at once instead of at the next progress callback. */
static CURLcode
perform (ReelHttpClient *self)
{
  CURLcode result = CURLE_OK;
  CURLMsg *message;
  int      running = 1;
  int      queued;

  curl_multi_add_handle (self->multi, self->easy);
  while (running > 0)
    {
      CURLMcode code = curl_multi_perform (self->multi, &running);

      if (code == CURLM_OK && running > 0 && !g_cancellable_is_cancelled (self->cancellable))
        code = curl_multi_poll (self->multi, NULL, 0, POLL_INTERVAL_MS, NULL);
      if (code != CURLM_OK)
        {
          g_debug ("libcurl's multi interface failed: %s", curl_multi_strerror (code));
          result = CURLE_RECV_ERROR;
          break;
        }
      if (g_cancellable_is_cancelled (self->cancellable))
        {
          result = CURLE_ABORTED_BY_CALLBACK;
          break;
        }
    }

  while ((message = curl_multi_info_read (self->multi, &queued)) != NULL)
    if (message->msg == CURLMSG_DONE && message->easy_handle == self->easy && result == CURLE_OK)
      result = message->data.result;

  curl_multi_remove_handle (self->multi, self->easy);
  return result;
}

static void
set_transfer_error (ReelHttpClient *self, CURLcode code, const char *url, GError **error)
{
  g_autofree char *host = host_of (url);
  g_autofree char *detail = NULL;

  if (code == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (self->cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
      return;
    }
  if (self->too_large)
    {
      g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TOO_LARGE,
                   _ ("The answer from %s is larger than Storyreel accepts."), host);
      return;
    }
  if (self->write_errno == ENOSPC || self->write_errno == EDQUOT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _ ("The disk is full. Free some space and try again."));
      return;
    }
  if (self->write_errno != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (self->write_errno),
                   _ ("Could not save the download: %s"), g_strerror (self->write_errno));
      return;
    }

  detail = reel_http_client_redact (
      self, self->error_buffer[0] != '\0' ? self->error_buffer : curl_easy_strerror (code));

  if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT)
    g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_PERMANENT,
                 _ ("Storyreel cannot use this address: %s"), detail);
  else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE
           || code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_ISSUER_ERROR)
    g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_PERMANENT,
                 _ ("The certificate of %s cannot be trusted: %s"), host, detail);
  else if (code == CURLE_OPERATION_TIMEDOUT)
    g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT, _ ("%s stopped answering."),
                 host);
  else
    g_set_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT, _ ("Could not reach %s: %s"),
                 host, detail);
}

static ReelHttpResponse *
finish_response (ReelHttpClient *self, const char *url)
{
  ReelHttpResponse *response = g_new0 (ReelHttpResponse, 1);
  const char       *retry_after_ms;
  gsize             size = self->body->len;
  guint8            nul = 0;

  response->status = self->status;
  /* A hidden NUL after the bytes lets callers read the body as text. */
  g_byte_array_append (self->body, &nul, 1);
  response->body = g_bytes_new_from_bytes (
      g_byte_array_free_to_bytes (g_steal_pointer (&self->body)), 0, size);
  response->headers = g_steal_pointer (&self->headers);
  response->url = reel_http_client_redact (self, url);
  response->retry_after_ms = -1;

  retry_after_ms = g_hash_table_lookup (response->headers, "retry-after-ms");
  if (retry_after_ms != NULL)
    response->retry_after_ms = (gint64) g_ascii_strtoll (retry_after_ms, NULL, 10);
  if (response->retry_after_ms < 0)
    response->retry_after_ms
        = reel_http_parse_retry_after (g_hash_table_lookup (response->headers, "retry-after"),
                                       g_get_real_time () / G_USEC_PER_SEC);
  return response;
}

ReelHttpResponse *
reel_http_client_request (ReelHttpClient    *self,
                          const char        *method,
                          const char        *url,
                          const char *const *headers,
                          GBytes            *body,
                          GError           **error)
{
  struct curl_slist *list = NULL;
  g_autofree char   *shown_url = NULL;
  ReelHttpResponse  *response;
  CURLcode           code;
  gint64             started = g_get_monotonic_time ();

  g_return_val_if_fail (REEL_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (method != NULL && url != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return NULL;

  shown_url = reel_http_client_redact (self, url);
  list = build_header_list (headers);
  prepare (self, url, list);
  self->body_limit = self->max_response;

  if (g_strcmp0 (method, "GET") == 0)
    curl_easy_setopt (self->easy, CURLOPT_HTTPGET, 1L);
  else if (g_strcmp0 (method, "HEAD") == 0)
    curl_easy_setopt (self->easy, CURLOPT_NOBODY, 1L);
  else
    {
      gsize         size = 0;
      gconstpointer data = body != NULL ? g_bytes_get_data (body, &size) : "";

      curl_easy_setopt (self->easy, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt (self->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
      curl_easy_setopt (self->easy, CURLOPT_COPYPOSTFIELDS, data);
    }

  g_debug ("%s %s", method, shown_url);
  code = perform (self);
  curl_slist_free_all (list);

  if (code != CURLE_OK)
    {
      set_transfer_error (self, code, url, error);
      g_debug ("%s %s failed after %.1f s: %s", method, shown_url,
               (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
               error != NULL && *error != NULL ? (*error)->message : curl_easy_strerror (code));
      return NULL;
    }

  response = finish_response (self, url);
  g_debug ("%s %s → %u (%" G_GSIZE_FORMAT " bytes, %.1f s%s)", method, shown_url, response->status,
           g_bytes_get_size (response->body),
           (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
           response->retry_after_ms >= 0 ? ", with Retry-After" : "");
  if (!status_is_success (response->status))
    {
      g_autofree char *text = g_strndup (reel_http_response_get_text (response), 300);
      g_autofree char *shown = reel_http_client_redact (self, text);

      g_debug ("%s %s: %s", method, shown_url, shown);
    }
  return response;
}

/* ------------------------------------------------------------------------ */
/* Downloads                                                                 */

static gboolean
truncate_file (ReelHttpClient *self, GError **error)
{
  if (ftruncate (self->fd, 0) != 0 || lseek (self->fd, 0, SEEK_SET) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not save the download: %s"), g_strerror (saved));
      return FALSE;
    }
  self->fd_offset = 0;
  return TRUE;
}

static gboolean
is_dropped_connection (CURLcode code)
{
  return code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR
         || code == CURLE_GOT_NOTHING || code == CURLE_OPERATION_TIMEDOUT || code == CURLE_HTTP2
         || code == CURLE_HTTP2_STREAM;
}

/* One connection's worth of the download. Returns TRUE when the file is
 * complete; FALSE with @error unset asks for a resume. */
static gboolean
download_once (ReelHttpClient    *self,
               const char        *url,
               const char        *shown_url,
               struct curl_slist *headers,
               GError           **error)
{
  guint64  resume_from = self->fd_offset;
  CURLcode code;

  prepare (self, url, headers);
  self->body_limit = 64 * 1024;
  curl_easy_setopt (self->easy, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt (self->easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (self->easy, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt (self->easy, CURLOPT_RESUME_FROM_LARGE, (curl_off_t) resume_from);
  /* Compressed bytes would not line up with a Range offset. */
  curl_easy_setopt (self->easy, CURLOPT_ACCEPT_ENCODING, NULL);

  g_debug ("GET %s (download%s)", shown_url, resume_from > 0 ? ", resuming" : "");
  self->range_checked = FALSE;
  code = perform (self);

  if (code == CURLE_OK)
    {
      if (status_is_success (self->status))
        return TRUE;
      if (self->status == 416 && resume_from > 0)
        {
          /* What we have does not line up with the file any more. */
          g_debug ("GET %s: range not satisfiable; downloading from the start", shown_url);
          truncate_file (self, error);
          return FALSE;
        }
      {
        g_autoptr (ReelHttpResponse) response = finish_response (self, url);
        reel_http_response_check (response, error);
      }
      return FALSE;
    }

  if (is_dropped_connection (code) && status_is_success (self->status)
      && !g_cancellable_is_cancelled (self->cancellable) && !self->too_large
      && self->write_errno == 0)
    {
      g_debug ("GET %s: the connection dropped after %" G_GUINT64_FORMAT " bytes (%s)", shown_url,
               self->fd_offset, curl_easy_strerror (code));
      return FALSE;
    }

  set_transfer_error (self, code, url, error);
  return FALSE;
}

static gboolean
sync_and_close (ReelHttpClient *self, GError **error)
{
  int fd = self->fd;

  self->fd = -1;
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   saved == ENOSPC ? _ ("The disk is full. Free some space and try again.")
                                   : _ ("Could not save the download: %s"),
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
reel_http_client_download (ReelHttpClient      *self,
                           const char          *url,
                           const char *const   *headers,
                           const char          *dest_path,
                           ReelHttpProgressFunc progress,
                           gpointer             user_data,
                           GError             **error)
{
  g_autofree char   *temp_path = NULL;
  g_autofree char   *shown_url = NULL;
  struct curl_slist *list = NULL;
  GError            *local_error = NULL;
  gboolean           complete = FALSE;

  g_return_val_if_fail (REEL_IS_HTTP_CLIENT (self), FALSE);
  g_return_val_if_fail (url != NULL && dest_path != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;

  temp_path = g_strdup_printf ("%s.part", dest_path);
  self->fd = g_open (temp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (self->fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not save the download: %s"), g_strerror (saved));
      return FALSE;
    }
  self->fd_offset = 0;
  self->progress = progress;
  self->progress_data = user_data;
  shown_url = reel_http_client_redact (self, url);
  list = build_header_list (headers);

  for (guint attempt = 0; attempt <= MAX_DOWNLOAD_RESUMES && !complete && local_error == NULL;
       attempt++)
    complete = download_once (self, url, shown_url, list, &local_error);

  curl_slist_free_all (list);
  self->progress = NULL;
  self->progress_data = NULL;

  if (complete && local_error == NULL)
    complete = sync_and_close (self, &local_error);
  else if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }

  if (complete && g_rename (temp_path, dest_path) != 0)
    {
      int saved = errno;

      complete = FALSE;
      g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not save the download: %s"), g_strerror (saved));
    }

  if (!complete)
    {
      g_unlink (temp_path);
      if (local_error == NULL)
        {
          g_autofree char *host = host_of (url);

          local_error = g_error_new (REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT,
                                     _ ("The download from %s kept breaking off."), host);
        }
      g_debug ("GET %s: download failed: %s", shown_url, local_error->message);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  g_debug ("GET %s: saved %" G_GUINT64_FORMAT " bytes", shown_url, self->fd_offset);
  return TRUE;
}
