/* fake-service.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-service.h"
#include "reel-test-utils.h"

typedef struct
{
  ReelFakeFault fault;
  guint         count;
} Entry;

struct _ReelFakeFaults
{
  GMutex  lock;
  GQueue *queues; /* of Entry*, one per kind */
  guint   n_kinds;
};

GBytes *
reel_fake_make_video (void)
{
  static GBytes *video;
  static GMutex  lock;
  GBytes        *result;

  g_mutex_lock (&lock);
  if (video == NULL)
    {
      g_autofree char *dir = reel_test_make_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "clip.mp4", NULL);
      g_autofree char *description = g_strdup_printf (
          "videotestsrc num-buffers=16 pattern=ball ! "
          "video/x-raw,width=160,height=90,framerate=16/1 ! videoconvert ! "
          "x264enc speed-preset=ultrafast ! h264parse ! mp4mux ! filesink location=\"%s\"",
          path);
      g_autoptr (GError) error = NULL;
      char *contents = NULL;
      gsize length = 0;

      reel_test_run_pipeline (description);
      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      video = g_bytes_new_take (contents, length);
      reel_test_rm_rf (dir);
    }
  result = g_bytes_ref (video);
  g_mutex_unlock (&lock);
  return result;
}

/* ------------------------------------------------------------------------ */
/* A server that does not answer                                             */

/* A listening socket that never accepts, its queue of connections full: the
 * kernel then drops the SYN of every new connection, as the network does for
 * a computer that is off, and the client retries until its timeout. */
struct _ReelFakeBlackhole
{
  GSocket   *listener;
  GPtrArray *fillers; /* GSocket*, the connections that fill its queue */
  char      *url;
};

static GSocket *
new_tcp_socket (void)
{
  g_autoptr (GError) error = NULL;
  GSocket *socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  return socket;
}

ReelFakeBlackhole *
reel_fake_blackhole_new (guint16 port)
{
  ReelFakeBlackhole *self = g_new0 (ReelFakeBlackhole, 1);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  self->listener = new_tcp_socket ();
  /* A queue of one connection (Linux counts one more than the backlog). */
  g_socket_set_listen_backlog (self->listener, 0);
  g_socket_bind (self->listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (self->listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (self->listener, &error);
  g_assert_no_error (error);

  /* The first fills the queue and waits there for ever; the second makes
   * sure, and hangs like every connection after it. */
  self->fillers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < 2; i++)
    {
      GSocket *filler = new_tcp_socket ();

      g_socket_set_blocking (filler, FALSE);
      g_socket_connect (filler, bound, NULL, NULL);
      g_ptr_array_add (self->fillers, filler);
    }
  self->url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return self;
}

void
reel_fake_blackhole_free (ReelFakeBlackhole *self)
{
  g_ptr_array_unref (self->fillers);
  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_free (self->url);
  g_free (self);
}

const char *
reel_fake_blackhole_get_url (ReelFakeBlackhole *self)
{
  return self->url;
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                    */

ReelFakeFaults *
reel_fake_faults_new (guint n_kinds)
{
  ReelFakeFaults *faults = g_new0 (ReelFakeFaults, 1);

  g_mutex_init (&faults->lock);
  faults->n_kinds = n_kinds;
  faults->queues = g_new0 (GQueue, n_kinds);
  return faults;
}

void
reel_fake_faults_clear (ReelFakeFaults *faults)
{
  g_mutex_lock (&faults->lock);
  for (guint i = 0; i < faults->n_kinds; i++)
    g_queue_clear_full (&faults->queues[i], g_free);
  g_mutex_unlock (&faults->lock);
}

void
reel_fake_faults_free (ReelFakeFaults *faults)
{
  if (faults == NULL)
    return;
  reel_fake_faults_clear (faults);
  g_free (faults->queues);
  g_mutex_clear (&faults->lock);
  g_free (faults);
}

void
reel_fake_faults_add (ReelFakeFaults *faults, guint kind, ReelFakeFault fault, guint count)
{
  Entry *entry;

  g_return_if_fail (kind < faults->n_kinds);
  if (count == 0 || fault == REEL_FAKE_FAULT_NONE)
    return;
  entry = g_new0 (Entry, 1);
  entry->fault = fault;
  entry->count = count;
  g_mutex_lock (&faults->lock);
  g_queue_push_tail (&faults->queues[kind], entry);
  g_mutex_unlock (&faults->lock);
}

ReelFakeFault
reel_fake_faults_take (ReelFakeFaults *faults, guint kind)
{
  ReelFakeFault fault = REEL_FAKE_FAULT_NONE;
  Entry        *entry;

  g_return_val_if_fail (kind < faults->n_kinds, REEL_FAKE_FAULT_NONE);
  g_mutex_lock (&faults->lock);
  entry = g_queue_peek_head (&faults->queues[kind]);
  if (entry != NULL)
    {
      fault = entry->fault;
      if (entry->count != REEL_FAKE_FAULT_FOREVER && --entry->count == 0)
        g_free (g_queue_pop_head (&faults->queues[kind]));
    }
  g_mutex_unlock (&faults->lock);
  return fault;
}

gboolean
reel_fake_fault_refuses (ReelFakeFault fault)
{
  switch (fault)
    {
      case REEL_FAKE_FAULT_THROTTLE:
      case REEL_FAKE_FAULT_SERVER_ERROR:
      case REEL_FAKE_FAULT_UNAVAILABLE:
      case REEL_FAKE_FAULT_FORBIDDEN:
      case REEL_FAKE_FAULT_HANG:
        return TRUE;
      case REEL_FAKE_FAULT_NONE:
      case REEL_FAKE_FAULT_DROP:
      case REEL_FAKE_FAULT_DROP_MIDWAY:
      case REEL_FAKE_FAULT_TRUNCATED:
      case REEL_FAKE_FAULT_GARBAGE:
      case REEL_FAKE_FAULT_EMPTY:
      case REEL_FAKE_FAULT_BAD_GATEWAY:
      default:
        return FALSE;
    }
}

/* ------------------------------------------------------------------------ */
/* Answers                                                                   */

static void
send_half (ReelFakeServer    *server,
           SoupServerMessage *message,
           guint              status,
           const char        *status_text,
           const char        *content_type,
           const char        *extra_headers,
           const guint8      *data,
           gsize              length)
{
  g_autoptr (GString) raw = g_string_new (NULL);

  g_string_append_printf (
      raw, "HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n%s\r\n",
      status, status_text, content_type, length, extra_headers != NULL ? extra_headers : "");
  g_string_append_len (raw, (const char *) data, length / 2);
  reel_fake_server_send_raw (server, message, raw->str, raw->len);
}

void
reel_fake_reply (ReelFakeServer    *server,
                 SoupServerMessage *message,
                 ReelFakeFault      fault,
                 int                retry_after_s,
                 guint              status,
                 const char        *json)
{
  switch (fault)
    {
      case REEL_FAKE_FAULT_THROTTLE:
        reel_fake_server_reply_json (message, 429,
                                     "{\"code\":\"Throttling.RateQuota\",\"message\":\"Requests "
                                     "rate limit exceeded, please try again later.\","
                                     "\"detail\":\"Too many requests\"}");
        if (retry_after_s >= 0)
          {
            g_autofree char *value = g_strdup_printf ("%d", retry_after_s);

            soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                          "Retry-After", value);
          }
        return;
      case REEL_FAKE_FAULT_SERVER_ERROR:
        reel_fake_server_reply_json (
            message, 500,
            "{\"code\":\"InternalError\",\"message\":\"An internal error has occured, please try "
            "again later.\",\"detail\":\"Internal Server Error\"}");
        return;
      case REEL_FAKE_FAULT_UNAVAILABLE:
        {
          const char *page
              = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";

          soup_server_message_set_status (message, 503, NULL);
          soup_server_message_set_response (message, "text/html", SOUP_MEMORY_COPY, page,
                                            strlen (page));
        }
        return;
      case REEL_FAKE_FAULT_FORBIDDEN:
        reel_fake_server_reply_json (message, 403,
                                     "{\"code\":\"AccessDenied\",\"message\":\"Access denied.\","
                                     "\"detail\":\"Forbidden\"}");
        return;
      case REEL_FAKE_FAULT_HANG:
        reel_fake_server_hang (server, message);
        return;
      case REEL_FAKE_FAULT_DROP:
        reel_fake_server_send_raw (server, message, "", 0);
        return;
      case REEL_FAKE_FAULT_DROP_MIDWAY:
        send_half (server, message, status, soup_status_get_phrase (status), "application/json",
                   NULL, (const guint8 *) json, strlen (json));
        return;
      case REEL_FAKE_FAULT_TRUNCATED:
        {
          g_autofree char *half = g_strndup (json, strlen (json) / 2);

          reel_fake_server_reply_json (message, 200, half);
        }
        return;
      case REEL_FAKE_FAULT_GARBAGE:
        {
          const char *page = "<html><head><title>Bad Gateway</title></head><body>upstream "
                             "connect error or disconnect/reset before headers</body></html>";

          soup_server_message_set_status (message, 200, NULL);
          soup_server_message_set_response (message, "text/html", SOUP_MEMORY_COPY, page,
                                            strlen (page));
        }
        return;
      case REEL_FAKE_FAULT_EMPTY:
        reel_fake_server_reply_json (message, 200, "{}");
        return;
      case REEL_FAKE_FAULT_BAD_GATEWAY:
        {
          const char *page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 "
                             "Bad Gateway</h1></body></html>";

          soup_server_message_set_status (message, 502, NULL);
          soup_server_message_set_response (message, "text/html", SOUP_MEMORY_COPY, page,
                                            strlen (page));
        }
        return;
      case REEL_FAKE_FAULT_NONE:
      default:
        reel_fake_server_reply_json (message, status, json);
        return;
    }
}

void
reel_fake_serve_bytes (ReelFakeServer    *server,
                       SoupServerMessage *message,
                       ReelFakeFault      fault,
                       GBytes            *bytes,
                       const char        *content_type)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  const char         *range = soup_message_headers_get_one (request_headers, "Range");
  gsize               size;
  const guint8       *data = g_bytes_get_data (bytes, &size);
  goffset             start = 0;

  if (reel_fake_fault_refuses (fault) || fault == REEL_FAKE_FAULT_DROP)
    {
      reel_fake_reply (server, message, fault, -1, 0, NULL);
      return;
    }

  if (range != NULL && g_str_has_prefix (range, "bytes="))
    start = MIN ((goffset) g_ascii_strtoll (range + strlen ("bytes="), NULL, 10), (goffset) size);

  if (fault == REEL_FAKE_FAULT_DROP_MIDWAY)
    {
      g_autofree char *content_range
          = start > 0 ? g_strdup_printf ("Content-Range: bytes %" G_GOFFSET_FORMAT
                                         "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT "\r\n",
                                         start, size - 1, size)
                      : NULL;

      send_half (server, message, start > 0 ? 206 : 200, start > 0 ? "Partial Content" : "OK",
                 content_type, content_range, data + start, size - start);
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
  soup_server_message_set_response (message, content_type, SOUP_MEMORY_COPY,
                                    (const char *) data + start, size - start);
}

char *
reel_fake_json (JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

JsonObject *
reel_fake_parse_body (SoupServerMessage *message)
{
  g_autoptr (GBytes) body
      = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize       size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode   *root;

  if (size == 0 || !json_parser_load_from_data (parser, data, (gssize) size, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static JsonNode *
member_value (JsonObject *object, const char *member, GType type)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

const char *
reel_fake_json_string (JsonObject *object, const char *member)
{
  JsonNode *node = member_value (object, member, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

JsonObject *
reel_fake_json_object (JsonObject *object, const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

gboolean
reel_fake_json_is_number (JsonObject *object, const char *member)
{
  return member_value (object, member, G_TYPE_INT64) != NULL
         || member_value (object, member, G_TYPE_DOUBLE) != NULL;
}

double
reel_fake_json_number (JsonObject *object, const char *member, double fallback)
{
  JsonNode *node;

  if ((node = member_value (object, member, G_TYPE_INT64)) != NULL)
    return (double) json_node_get_int (node);
  if ((node = member_value (object, member, G_TYPE_DOUBLE)) != NULL)
    return json_node_get_double (node);
  return fallback;
}

gboolean
reel_fake_json_boolean (JsonObject *object, const char *member, gboolean fallback)
{
  JsonNode *node = member_value (object, member, G_TYPE_BOOLEAN);

  return node != NULL ? json_node_get_boolean (node) : fallback;
}

void
reel_fake_json_take_string (JsonObject *object, const char *member, char *value)
{
  json_object_set_string_member (object, member, value);
  g_free (value);
}

/* ------------------------------------------------------------------------ */
/* Lifecycles                                                                */

static gboolean
due (gint64 since, guint ms, gint64 now)
{
  return ms != REEL_FAKE_FOREVER && now >= since + (gint64) ms * 1000;
}

void
reel_fake_lifecycles_advance (GPtrArray *tasks, guint queue_ms, guint run_ms, guint max_running)
{
  gint64 now = g_get_real_time ();
  guint  running = 0;

  for (guint i = 0; i < tasks->len; i++)
    {
      ReelFakeLifecycle *life = g_ptr_array_index (tasks, i);

      if (life->stage == REEL_FAKE_STAGE_RUNNING && due (life->started, run_ms, now))
        {
          life->stage = REEL_FAKE_STAGE_DONE;
          life->finished = life->started + (gint64) run_ms * 1000;
        }
      if (life->stage == REEL_FAKE_STAGE_RUNNING)
        running++;
    }

  /* In order: a task never overtakes one made before it. */
  for (guint i = 0; i < tasks->len; i++)
    {
      ReelFakeLifecycle *life = g_ptr_array_index (tasks, i);

      if (life->stage != REEL_FAKE_STAGE_QUEUED)
        continue;
      if (!due (life->created, queue_ms, now) || (max_running > 0 && running >= max_running))
        break;
      life->stage = REEL_FAKE_STAGE_RUNNING;
      /* Behind a concurrency limit it started when a slot freed, which a lazy
       * fake only knows as "by now". */
      life->started = max_running > 0 ? now : life->created + (gint64) queue_ms * 1000;
      if (due (life->started, run_ms, now))
        {
          life->stage = REEL_FAKE_STAGE_DONE;
          life->finished = life->started + (gint64) run_ms * 1000;
        }
      else
        running++;
    }
}

guint
reel_fake_lifecycles_queue_position (GPtrArray *tasks, gconstpointer task)
{
  guint ahead = 0;

  for (guint i = 0; i < tasks->len; i++)
    {
      ReelFakeLifecycle *life = g_ptr_array_index (tasks, i);

      if (life == task)
        return ahead;
      if (life->stage == REEL_FAKE_STAGE_QUEUED)
        ahead++;
    }
  return ahead;
}
