/* reel-remote.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-remote.h"

GError *
reel_remote_error_from_net (const GError *error, const char *service)
{
  ReelBackendError kind;

  if (error->domain != REEL_NET_ERROR)
    return g_error_copy (error);

  switch ((ReelNetError) error->code)
    {
      case REEL_NET_ERROR_TRANSIENT:
        kind = REEL_BACKEND_ERROR_TRANSIENT;
        break;
      case REEL_NET_ERROR_AUTH:
        kind = REEL_BACKEND_ERROR_AUTH;
        break;
      case REEL_NET_ERROR_PERMANENT:
      case REEL_NET_ERROR_NOT_FOUND:
      case REEL_NET_ERROR_TOO_LARGE:
      default:
        kind = REEL_BACKEND_ERROR_PERMANENT;
        break;
    }
  /* Translators: "fal.ai: Could not reach queue.fal.run: …" */
  return g_error_new (REEL_BACKEND_ERROR, kind, _ ("%s: %s"), service, error->message);
}

JsonObject *
reel_remote_parse_object (const ReelHttpResponse *response,
                          JsonParser             *parser,
                          const char             *service,
                          GError                **error)
{
  g_autoptr (GError) parse_error = NULL;
  JsonNode   *root;
  gsize       size = 0;
  const char *text = g_bytes_get_data (response->body, &size);

  if (size == 0 || !json_parser_load_from_data (parser, text, (gssize) size, &parse_error)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("%s sent %" G_GSIZE_FORMAT " bytes that are not a JSON object: %s", service, size,
               parse_error != NULL ? parse_error->message : "not an object");
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                   _ ("%s answered with something Storyreel cannot read."), service);
      return NULL;
    }
  return json_node_get_object (root);
}

const char *
reel_json_get_string (JsonObject *object, const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
reel_json_get_object (JsonObject *object, const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
reel_json_get_array (JsonObject *object, const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

double
reel_json_get_number (JsonObject *object, const char *member, double fallback)
{
  JsonNode *node;
  GType     type;

  if (object == NULL || !json_object_has_member (object, member))
    return fallback;
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      char       *end = NULL;
      double      value = g_ascii_strtod (text, &end);

      return end != text ? value : fallback;
    }
  return fallback;
}

char *
reel_json_member_to_string (JsonObject *object, const char *member)
{
  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  return json_to_string (json_object_get_member (object, member), FALSE);
}

char *
reel_json_object_to_string (JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

gboolean
reel_remote_state_not_saved (ReelJobContext *context, GError **error)
{
  if (!g_cancellable_set_error_if_cancelled (reel_job_context_get_cancellable (context), error))
    g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_TRANSIENT,
                         _ ("Storyreel could not save the job’s progress in the project file, so "
                            "it stopped there and tries again shortly."));
  return FALSE;
}

void
reel_remote_drop_task_if_over (ReelJobContext *context, const GError *error)
{
  if (g_error_matches (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT)
      || g_error_matches (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_REFUSED))
    reel_job_context_drop_remote_task (context);
}

char *
reel_remote_image_data_uri (const char *path, gsize max_bytes, GError **error)
{
  g_autoptr (GError) read_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *mime = NULL;
  g_autofree char *base64 = NULL;
  gsize            length = 0;

  if (!g_file_get_contents (path, &contents, &length, &read_error))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The start image cannot be read: %s"), read_error->message);
      return NULL;
    }
  if (length > max_bytes)
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The start image is %.1f MB; the service takes at most %.0f MB."),
                   length / 1e6, max_bytes / 1e6);
      return NULL;
    }

  content_type = g_content_type_guess (path, (const guchar *) contents, length, NULL);
  mime = g_content_type_get_mime_type (content_type);
  if (mime == NULL || !g_str_has_prefix (mime, "image/"))
    {
      g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                   _ ("The start image is not an image file."));
      return NULL;
    }
  base64 = g_base64_encode ((const guchar *) contents, length);
  return g_strdup_printf ("data:%s;base64,%s", mime, base64);
}

gboolean
reel_remote_check_secure_url (const char *url, const char *service, GError **error)
{
  if (reel_http_url_may_carry_secret (url))
    return TRUE;
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               /* Translators: "Storyreel sends the fal.ai key only over https, …" */
               _ ("Storyreel sends the %s key only over https, and %s is not: change the "
                  "service’s address to one starting with https://."),
               service, url);
  return FALSE;
}
