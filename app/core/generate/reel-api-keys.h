/* reel-api-keys.h: where a remote backend's API key comes from
 *
 * A key is read from the provider's usual environment variable first
 * (DASHSCOPE_API_KEY, FAL_KEY), then from the login keyring through
 * libsecret. Keys are never written to the project, GSettings or a log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  REEL_KEY_SOURCE_NONE,
  REEL_KEY_SOURCE_ENVIRONMENT,
  REEL_KEY_SOURCE_KEYRING,
} ReelKeySource;

/* The environment variable of @backend's key ("DASHSCOPE_API_KEY"), or NULL
 * when the backend needs no key. */
const char *reel_api_key_get_env_var (const char *backend);

/* Synchronous, for workers and the command line. Returns NULL without an
 * error when no key is set anywhere; an error means the keyring failed. */
char *reel_api_key_lookup (const char    *backend,
                           ReelKeySource *source,
                           GCancellable  *cancellable,
                           GError       **error);
void  reel_api_key_lookup_async (const char         *backend,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
char *reel_api_key_lookup_finish (GAsyncResult *result, ReelKeySource *source, GError **error);

/* Stores @key in the login keyring; an empty or NULL key removes it. */
void     reel_api_key_store_async (const char         *backend,
                                   const char         *key,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gboolean reel_api_key_store_finish (GAsyncResult *result, GError **error);
gboolean reel_api_key_store (const char   *backend,
                             const char   *key,
                             GCancellable *cancellable,
                             GError      **error);

G_END_DECLS
