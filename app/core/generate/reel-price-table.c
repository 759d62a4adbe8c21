/* reel-price-table.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "reel-generate-resources.h"
#include "reel-price-table.h"

#define DEFAULT_PRICES_RESOURCE "/io/github/storyreel/Storyreel/pricing/prices.json"

struct _ReelPriceTable
{
  gatomicrefcount ref_count;
  GHashTable     *prices;     /* "table/model/RESOLUTION" → double* */
  GHashTable     *currencies; /* table → currency */
  GHashTable     *overrides;  /* "table/model/RESOLUTION" → double* */
};

G_DEFINE_BOXED_TYPE (ReelPriceTable, reel_price_table, reel_price_table_ref, reel_price_table_unref)

static char *
price_key (const char *table, const char *model, const char *resolution)
{
  g_autofree char *upper = g_ascii_strup (resolution != NULL ? resolution : "", -1);

  return g_strdup_printf ("%s/%s/%s", table, model, upper);
}

static double *
new_price (double value)
{
  return g_memdup2 (&value, sizeof value);
}

static ReelPriceTable *
price_table_new_empty (void)
{
  ReelPriceTable *self = g_new0 (ReelPriceTable, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->prices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->currencies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

static void
load_model (ReelPriceTable *self, const char *table, const char *model, JsonObject *resolutions)
{
  g_autoptr (GList) names = json_object_get_members (resolutions);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (resolutions, l->data);

      if (JSON_NODE_HOLDS_VALUE (node))
        g_hash_table_replace (self->prices, price_key (table, model, l->data),
                              new_price (json_node_get_double (node)));
    }
}

static void
load_tables (ReelPriceTable *self, JsonObject *tables)
{
  g_autoptr (GList) names = json_object_get_members (tables);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *table = l->data;
      JsonObject *object = json_object_get_object_member (tables, table);
      JsonObject *models;
      g_autoptr (GList) model_names = NULL;

      if (object == NULL)
        continue;
      g_hash_table_replace (
          self->currencies, g_strdup (table),
          g_strdup (json_object_get_string_member_with_default (object, "currency", "USD")));
      models = json_object_get_object_member (object, "models");
      if (models == NULL)
        continue;
      model_names = json_object_get_members (models);
      for (GList *m = model_names; m != NULL; m = m->next)
        {
          JsonObject *resolutions = json_object_get_object_member (models, m->data);

          if (resolutions != NULL)
            load_model (self, table, m->data, resolutions);
        }
    }
}

ReelPriceTable *
reel_price_table_new_default (void)
{
  ReelPriceTable *self = price_table_new_empty ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;

  /* Looked up in the library's own resource: a static library's resource
   * constructor is linked in only when something refers to it. */
  bytes = g_resource_lookup_data (reel_generate_get_resource (), DEFAULT_PRICES_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), &error))
    {
      /* Shipped with the program: only a broken build gets here. */
      g_critical ("The shipped price table cannot be read: %s", error->message);
      return self;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  if (root != NULL && json_object_has_member (root, "tables"))
    load_tables (self, json_object_get_object_member (root, "tables"));
  return self;
}

ReelPriceTable *
reel_price_table_ref (ReelPriceTable *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
reel_price_table_unref (ReelPriceTable *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->prices);
  g_hash_table_unref (self->currencies);
  g_hash_table_unref (self->overrides);
  g_free (self);
}

gboolean
reel_price_table_lookup (ReelPriceTable *self,
                         const char     *table,
                         const char     *model,
                         const char     *resolution,
                         double         *per_second)
{
  g_autofree char *key = NULL;
  double          *price;

  g_return_val_if_fail (self != NULL, FALSE);

  if (table == NULL || model == NULL)
    return FALSE;
  key = price_key (table, model, resolution);
  price = g_hash_table_lookup (self->prices, key);
  if (price == NULL)
    return FALSE;
  if (per_second != NULL)
    *per_second = *price;
  return TRUE;
}

const char *
reel_price_table_get_currency (ReelPriceTable *self, const char *table)
{
  g_return_val_if_fail (self != NULL, NULL);
  return table != NULL ? g_hash_table_lookup (self->currencies, table) : NULL;
}

void
reel_price_table_set (ReelPriceTable *self,
                      const char     *table,
                      const char     *model,
                      const char     *resolution,
                      double          per_second)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (table != NULL && model != NULL);

  g_hash_table_replace (self->prices, price_key (table, model, resolution),
                        new_price (MAX (per_second, 0)));
  g_hash_table_replace (self->overrides, price_key (table, model, resolution),
                        new_price (MAX (per_second, 0)));
}

GVariant *
reel_price_table_dup_overrides (ReelPriceTable *self)
{
  GVariantBuilder builder;
  GHashTableIter  iter;
  gpointer        key, value;

  g_return_val_if_fail (self != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sd}"));
  g_hash_table_iter_init (&iter, self->overrides);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&builder, "{sd}", key, *(double *) value);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

void
reel_price_table_apply_overrides (ReelPriceTable *self, GVariant *overrides)
{
  GVariantIter iter;
  const char  *key;
  double       value;

  g_return_if_fail (self != NULL);

  if (overrides == NULL || !g_variant_is_of_type (overrides, G_VARIANT_TYPE ("a{sd}")))
    return;

  g_variant_iter_init (&iter, overrides);
  while (g_variant_iter_next (&iter, "{&sd}", &key, &value))
    {
      g_auto (GStrv) parts = g_strsplit (key, "/", 2);
      const char *slash;

      /* "table/model/resolution", where a model id may itself hold slashes. */
      slash = strrchr (key, '/');
      if (parts[0] == NULL || parts[1] == NULL || slash == NULL || slash <= key + strlen (parts[0])
          || !g_hash_table_contains (self->currencies, parts[0]) || value < 0)
        {
          g_debug ("Ignoring the price override “%s”", key);
          continue;
        }
      {
        g_autofree char *model
            = g_strndup (key + strlen (parts[0]) + 1, slash - (key + strlen (parts[0]) + 1));
        reel_price_table_set (self, parts[0], model, slash + 1, value);
      }
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

GStrv
reel_price_table_list_keys (ReelPriceTable *self)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer       key;

  g_return_val_if_fail (self != NULL, NULL);

  g_hash_table_iter_init (&iter, self->prices);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&keys), FALSE);
}

char *
reel_format_money (double amount, const char *currency)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (number, sizeof number, "%.2f", amount);
  if (g_strcmp0 (currency, "CNY") == 0)
    return g_strdup_printf ("¥%s", number);
  if (g_strcmp0 (currency, "USD") == 0)
    return g_strdup_printf ("$%s", number);
  if (g_strcmp0 (currency, "EUR") == 0)
    return g_strdup_printf ("€%s", number);
  return g_strdup_printf ("%s %s", number, currency != NULL ? currency : "");
}
