/* reel-api-keys.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

#include "reel-api-keys.h"

static const SecretSchema *
api_key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.storyreel.Storyreel.ApiKey",
    SECRET_SCHEMA_NONE,
    {
        { "backend", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
    0,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
  };

  return &schema;
}

const char *
reel_api_key_get_env_var (const char *backend)
{
  if (g_strcmp0 (backend, "dashscope") == 0)
    return "DASHSCOPE_API_KEY";
  if (g_strcmp0 (backend, "fal") == 0)
    return "FAL_KEY";
  return NULL;
}

static char *
key_from_environment (const char *backend)
{
  const char      *variable = reel_api_key_get_env_var (backend);
  const char      *value = variable != NULL ? g_getenv (variable) : NULL;
  g_autofree char *trimmed = value != NULL ? g_strstrip (g_strdup (value)) : NULL;

  return trimmed != NULL && *trimmed != '\0' ? g_steal_pointer (&trimmed) : NULL;
}

static char *
label_for (const char *backend)
{
  /* Translators: the label of a key in the keyring; %s is a backend name */
  return g_strdup_printf (_ ("Storyreel API key for %s"), backend);
}

static void
keyring_error (GError **error, const GError *cause)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _ ("The keyring could not be reached: %s. Set the key in the environment "
                  "instead, or unlock the keyring."),
               cause->message);
}

char *
reel_api_key_lookup (const char    *backend,
                     ReelKeySource *source,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr (GError) local_error = NULL;
  char *key;

  g_return_val_if_fail (backend != NULL, NULL);

  if (source != NULL)
    *source = REEL_KEY_SOURCE_NONE;

  if ((key = key_from_environment (backend)) != NULL)
    {
      if (source != NULL)
        *source = REEL_KEY_SOURCE_ENVIRONMENT;
      return key;
    }

  key = secret_password_lookup_sync (api_key_schema (), cancellable, &local_error, "backend",
                                     backend, NULL);
  if (local_error != NULL)
    {
      g_debug ("No keyring for the %s key: %s", backend, local_error->message);
      keyring_error (error, local_error);
      return NULL;
    }
  if (key != NULL && source != NULL)
    *source = REEL_KEY_SOURCE_KEYRING;
  if (key != NULL)
    {
      /* Out of libsecret's non-pageable memory into ordinary memory, as the
       * HTTP client needs it anyway. */
      char *copy = g_strdup (key);
      secret_password_free (key);
      return copy;
    }
  return NULL;
}

static void
lookup_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ReelKeySource source = REEL_KEY_SOURCE_NONE;
  GError       *error = NULL;
  char         *key = reel_api_key_lookup (task_data, &source, cancellable, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, GINT_TO_POINTER (source), NULL);
  g_task_return_pointer (task, key, g_free);
}

void
reel_api_key_lookup_async (const char         *backend,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, reel_api_key_lookup_async);
  g_task_set_task_data (task, g_strdup (backend), g_free);
  g_task_run_in_thread (task, lookup_thread);
}

char *
reel_api_key_lookup_finish (GAsyncResult *result, ReelKeySource *source, GError **error)
{
  char *key;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  key = g_task_propagate_pointer (G_TASK (result), error);
  if (source != NULL)
    *source = key != NULL ? (ReelKeySource) GPOINTER_TO_INT (g_task_get_task_data (G_TASK (result)))
                          : REEL_KEY_SOURCE_NONE;
  return key;
}

gboolean
reel_api_key_store (const char *backend, const char *key, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *label = label_for (backend);

  g_return_val_if_fail (backend != NULL, FALSE);

  if (key == NULL || *key == '\0')
    secret_password_clear_sync (api_key_schema (), cancellable, &local_error, "backend", backend,
                                NULL);
  else
    secret_password_store_sync (api_key_schema (), SECRET_COLLECTION_DEFAULT, label, key,
                                cancellable, &local_error, "backend", backend, NULL);
  if (local_error != NULL)
    {
      keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char *backend;
  char *key;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->backend);
  if (data->key != NULL)
    memset (data->key, 0, strlen (data->key));
  g_free (data->key);
  g_free (data);
}

static void
store_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  StoreData *data = task_data;
  GError    *error = NULL;

  if (reel_api_key_store (data->backend, data->key, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
reel_api_key_store_async (const char         *backend,
                          const char         *key,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  StoreData *data = g_new0 (StoreData, 1);

  data->backend = g_strdup (backend);
  data->key = g_strdup (key);
  g_task_set_source_tag (task, reel_api_key_store_async);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);
  g_task_run_in_thread (task, store_thread);
}

gboolean
reel_api_key_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
