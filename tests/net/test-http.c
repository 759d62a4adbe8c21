/* test-http.c: ReelHttpClient against a loopback server that misbehaves on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "reel-fake-server.h"
#include "reel-http-client.h"
#include "reel-test-utils.h"

#define SECRET "sk-test-7f3a9c2e51b84d06"

/* Every log line the client writes, for the redaction test. */
static GString *captured_log;
static GMutex   captured_lock;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  g_mutex_lock (&captured_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        g_string_append_len (captured_log, fields[i].value,
                             fields[i].length < 0 ? (gssize) strlen (fields[i].value)
                                                  : fields[i].length);
        g_string_append_c (captured_log, '\n');
      }
  g_mutex_unlock (&captured_lock);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* A file of known bytes to download. */
static GBytes *
make_payload (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 31 + i / 251);
  return g_bytes_new_take (data, size);
}

typedef struct
{
  GBytes       *payload;
  guint         drops_left;   /* /file drops the connection half-way this many times */
  gboolean      ignore_range; /* /file answers a Range request with the whole file */
  GCancellable *cancel_on_hang;
} Behaviour;

static void
send_file (ReelFakeServer *server, SoupServerMessage *message, Behaviour *behaviour)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  gsize               size;
  const guint8       *data = g_bytes_get_data (behaviour->payload, &size);
  goffset             start = 0;
  const char         *range = soup_message_headers_get_one (headers, "Range");

  if (range != NULL && !behaviour->ignore_range)
    start = g_ascii_strtoll (range + strlen ("bytes="), NULL, 10);

  if (behaviour->drops_left > 0)
    {
      g_autoptr (GString) raw = g_string_new (NULL);
      gsize half = (size - start) / 2;

      behaviour->drops_left--;
      g_string_append_printf (raw, "HTTP/1.1 %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n",
                              start > 0 ? "206 Partial Content" : "200 OK", size - start);
      if (start > 0)
        g_string_append_printf (raw,
                                "Content-Range: bytes %" G_GOFFSET_FORMAT "-%" G_GSIZE_FORMAT
                                "/%" G_GSIZE_FORMAT "\r\n",
                                start, size - 1, size);
      g_string_append (raw, "\r\n");
      g_string_append_len (raw, (const char *) data + start, half);
      reel_fake_server_send_raw (server, message, raw->str, raw->len);
      return;
    }

  if (start > 0)
    {
      soup_server_message_set_status (message, 206, NULL);
      soup_message_headers_set_content_range (soup_server_message_get_response_headers (message),
                                              start, size - 1, size);
    }
  else
    soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "video/mp4", SOUP_MEMORY_COPY,
                                    (const char *) data + start, size - start);
}

static void
handler (ReelFakeServer *server, SoupServerMessage *message, const char *path, gpointer user_data)
{
  Behaviour *behaviour = user_data;

  if (g_str_equal (path, "/ok"))
    reel_fake_server_reply_json (message, 200, "{\"hello\": \"world\"}");
  else if (g_str_has_prefix (path, "/status/"))
    {
      guint status = (guint) g_ascii_strtoull (path + strlen ("/status/"), NULL, 10);

      reel_fake_server_reply_json (message, status, "{\"code\": \"Nope\"}");
      if (status == 429)
        soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                      "Retry-After", "7");
    }
  else if (g_str_equal (path, "/big"))
    {
      g_autofree char *big = g_strnfill (64 * 1024, 'x');

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_COPY, big, strlen (big));
    }
  else if (g_str_equal (path, "/file"))
    send_file (server, message, behaviour);
  else if (g_str_equal (path, "/hang"))
    {
      reel_fake_server_hang (server, message);
      if (behaviour->cancel_on_hang != NULL)
        g_cancellable_cancel (behaviour->cancel_on_hang);
    }
  else
    reel_fake_server_reply_json (message, 404, "{}");
}

typedef struct
{
  Behaviour       behaviour;
  ReelFakeServer *server;
  ReelHttpClient *client;
  char           *dir;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->behaviour.payload = make_payload (1024 * 1024 + 17);
  fixture->server = reel_fake_server_new (handler, &fixture->behaviour);
  fixture->client = reel_http_client_new ();
  fixture->dir = reel_test_make_tmpdir ();
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, reel_fake_server_free);
  g_clear_pointer (&fixture->behaviour.payload, g_bytes_unref);
  g_clear_object (&fixture->behaviour.cancel_on_hang);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static char *
url (Fixture *fixture, const char *path)
{
  return g_strconcat (reel_fake_server_get_url (fixture->server), path, NULL);
}

static void
test_request_ok (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/ok");
  const char      *headers[] = { "X-Test: yes", NULL };
  g_autoptr (ReelHttpResponse) response = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  ReelFakeRequest *request;

  response = reel_http_client_request (fixture->client, "POST", address, headers,
                                       g_bytes_new_static ("{}", 2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (reel_http_response_get_text (response), ==, "{\"hello\": \"world\"}");
  g_assert_cmpstr (reel_http_response_get_header (response, "Content-Type"), ==,
                   "application/json");
  g_assert_true (reel_http_response_check (response, &error));

  requests = reel_fake_server_dup_requests (fixture->server);
  g_assert_cmpuint (requests->len, ==, 1);
  request = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (g_hash_table_lookup (request->headers, "x-test"), ==, "yes");
  g_assert_cmpmem (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body), "{}",
                   2);
}

static void
assert_status_maps (Fixture *fixture, guint status, GQuark domain, int code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/status/%u", status);
  g_autofree char *address = url (fixture, path);
  g_autoptr (ReelHttpResponse) response
      = reel_http_client_request (fixture->client, "GET", address, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, status);
  g_assert_false (reel_http_response_check (response, &error));
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
test_status_kinds (Fixture *fixture, gconstpointer data)
{
  assert_status_maps (fixture, 401, REEL_NET_ERROR, REEL_NET_ERROR_AUTH);
  assert_status_maps (fixture, 403, REEL_NET_ERROR, REEL_NET_ERROR_AUTH);
  assert_status_maps (fixture, 404, REEL_NET_ERROR, REEL_NET_ERROR_NOT_FOUND);
  assert_status_maps (fixture, 422, REEL_NET_ERROR, REEL_NET_ERROR_PERMANENT);
  assert_status_maps (fixture, 429, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT);
  assert_status_maps (fixture, 500, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT);
  assert_status_maps (fixture, 503, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT);
}

static void
test_retry_after (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/status/429");
  g_autoptr (ReelHttpResponse) response
      = reel_http_client_request (fixture->client, "GET", address, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (response->retry_after_ms, ==, 7000);

  /* The two forms RFC 9110 allows, and garbage. */
  g_assert_cmpint (reel_http_parse_retry_after ("120", 0), ==, 120000);
  g_assert_cmpint (reel_http_parse_retry_after ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), ==,
                   10000);
  g_assert_cmpint (reel_http_parse_retry_after ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490), ==,
                   0);
  g_assert_cmpint (reel_http_parse_retry_after ("soon", 0), ==, -1);
  g_assert_cmpint (reel_http_parse_retry_after (NULL, 0), ==, -1);
}

static void
test_size_limit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/big");
  g_autoptr (ReelHttpResponse) response = NULL;

  reel_http_client_set_max_response_size (fixture->client, 1000);
  response = reel_http_client_request (fixture->client, "GET", address, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TOO_LARGE);
}

static void
test_only_http (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelHttpResponse) response = NULL;

  response
      = reel_http_client_request (fixture->client, "GET", "file:///etc/passwd", NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, REEL_NET_ERROR, REEL_NET_ERROR_PERMANENT);
}

static void
assert_file_equals_payload (Fixture *fixture, const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  gsize            expected_size;
  const void      *expected = g_bytes_get_data (fixture->behaviour.payload, &expected_size);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, expected, expected_size);
}

static void
test_download_resumes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/file");
  g_autofree char *dest = g_build_filename (fixture->dir, "clip.mp4", NULL);
  g_autofree char *part = g_strconcat (dest, ".part", NULL);
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree char *expected_range = NULL;
  ReelFakeRequest *second;

  fixture->behaviour.drops_left = 2;
  g_assert_true (
      reel_http_client_download (fixture->client, address, NULL, dest, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_file_equals_payload (fixture, dest);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  /* Two drops, two resumes, each asking only for what was missing. */
  requests = reel_fake_server_dup_requests (fixture->server);
  g_assert_cmpuint (requests->len, ==, 3);
  g_assert_null (g_hash_table_lookup (((ReelFakeRequest *) requests->pdata[0])->headers, "range"));
  second = g_ptr_array_index (requests, 1);
  expected_range = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT "-",
                                    g_bytes_get_size (fixture->behaviour.payload) / 2);
  g_assert_cmpstr (g_hash_table_lookup (second->headers, "range"), ==, expected_range);

  /* G_MESSAGES_DEBUG=storyreel-net tells the story. */
  g_mutex_lock (&captured_lock);
  g_assert_nonnull (strstr (captured_log->str, "the connection dropped after"));
  g_assert_nonnull (strstr (captured_log->str, "resuming"));
  g_mutex_unlock (&captured_lock);
}

static void
test_download_range_ignored (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/file");
  g_autofree char *dest = g_build_filename (fixture->dir, "clip.mp4", NULL);

  fixture->behaviour.drops_left = 1;
  fixture->behaviour.ignore_range = TRUE;
  g_assert_true (
      reel_http_client_download (fixture->client, address, NULL, dest, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_file_equals_payload (fixture, dest);
  g_assert_cmpuint (reel_fake_server_count (fixture->server, "GET", "/file"), ==, 2);
}

static void
test_download_keeps_dropping (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/file");
  g_autofree char *dest = g_build_filename (fixture->dir, "clip.mp4", NULL);
  g_autofree char *part = g_strconcat (dest, ".part", NULL);

  fixture->behaviour.drops_left = 100;
  g_assert_false (
      reel_http_client_download (fixture->client, address, NULL, dest, NULL, NULL, &error));
  g_assert_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT);
  /* Nothing half-written is left where the file would be. */
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

static void
test_download_error_status (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/status/403");
  g_autofree char *dest = g_build_filename (fixture->dir, "clip.mp4", NULL);

  g_assert_false (
      reel_http_client_download (fixture->client, address, NULL, dest, NULL, NULL, &error));
  g_assert_error (error, REEL_NET_ERROR, REEL_NET_ERROR_AUTH);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

static void
test_cancel_hung (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/hang");
  g_autoptr (ReelHttpResponse) response = NULL;

  /* The server cancels as soon as it holds the request: the client, blocked
   * on a connection that will never answer, must return cancelled. */
  fixture->behaviour.cancel_on_hang = g_cancellable_new ();
  reel_http_client_set_cancellable (fixture->client, fixture->behaviour.cancel_on_hang);
  response = reel_http_client_request (fixture->client, "GET", address, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_hung_times_out (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/hang");
  g_autoptr (ReelHttpResponse) response = NULL;

  reel_http_client_set_timeouts (fixture->client, 1, 1);
  response = reel_http_client_request (fixture->client, "GET", address, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, REEL_NET_ERROR, REEL_NET_ERROR_TRANSIENT);
}

static void
test_secrets_redacted (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = url (fixture, "/status/500?key=" SECRET);
  g_autofree char *bad = g_strdup ("http://[::1:" SECRET "/");
  g_autofree char *header = g_strdup ("Authorization: Bearer " SECRET);
  const char      *headers[] = { header, NULL };
  g_autoptr (ReelHttpResponse) response = NULL;

  reel_http_client_add_secret (fixture->client, SECRET);
  response = reel_http_client_request (fixture->client, "GET", address, headers, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (response->url, SECRET));
  g_assert_false (reel_http_response_check (response, &error));
  g_assert_null (strstr (error->message, SECRET));
  g_clear_error (&error);

  /* A malformed URL's error text quotes the URL: still no key in it. */
  g_assert_null (reel_http_client_request (fixture->client, "GET", bad, headers, NULL, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, SECRET));

  g_mutex_lock (&captured_lock);
  g_assert_nonnull (strstr (captured_log->str, "/status/500"));
  g_assert_null (strstr (captured_log->str, SECRET));
  g_mutex_unlock (&captured_lock);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  captured_log = g_string_new (NULL);
  g_setenv ("G_MESSAGES_DEBUG", "storyreel-net", TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/net/request/ok", test_request_ok);
  ADD ("/net/request/status-kinds", test_status_kinds);
  ADD ("/net/request/retry-after", test_retry_after);
  ADD ("/net/request/size-limit", test_size_limit);
  ADD ("/net/request/only-http", test_only_http);
  ADD ("/net/request/cancel-hung", test_cancel_hung);
  ADD ("/net/request/hung-times-out", test_hung_times_out);
  ADD ("/net/request/secrets-redacted", test_secrets_redacted);
  ADD ("/net/download/resumes", test_download_resumes);
  ADD ("/net/download/range-ignored", test_download_range_ignored);
  ADD ("/net/download/keeps-dropping", test_download_keeps_dropping);
  ADD ("/net/download/error-status", test_download_error_status);
#undef ADD

  return g_test_run ();
}
