/* reel-price-editor.c
 *
 * One expander per price table (a service and region), one row per model
 * and resolution. A price that differs from the published one is saved as
 * an override in the "prices" key (a{sd}, "table/model/resolution" → price
 * per second); going back to the published price removes the override, so a
 * later update of the shipped table reaches every price the user left alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-price-editor.h"
#include "reel-price-row.h"
#include "reel-price-table.h"

#define PRICE_EPSILON 1e-6

struct _ReelPriceEditor
{
  AdwPreferencesGroup parent_instance;

  GSettings      *settings;
  ReelPriceTable *published;
  /* "table/model/resolution" → ReelPriceRow (owned by its expander) */
  GHashTable *rows;
};

G_DEFINE_FINAL_TYPE (ReelPriceEditor, reel_price_editor, ADW_TYPE_PREFERENCES_GROUP)

static const char *
table_label (const char *table)
{
  if (g_strcmp0 (table, "dashscope-beijing") == 0)
    return _ ("Alibaba Cloud Model Studio, China (Beijing)");
  if (g_strcmp0 (table, "dashscope-intl") == 0)
    return _ ("Alibaba Cloud Model Studio, International");
  if (g_strcmp0 (table, "fal") == 0)
    return "fal.ai";
  return table;
}

/* "table/model/resolution": the model may have slashes of its own. */
static gboolean
split_key (const char *key, char **table, char **model, char **resolution)
{
  const char *first = strchr (key, '/');
  const char *last = strrchr (key, '/');

  if (first == NULL || last == first)
    return FALSE;
  *table = g_strndup (key, first - key);
  *model = g_strndup (first + 1, last - first - 1);
  *resolution = g_strdup (last + 1);
  return TRUE;
}

/* The overrides in "prices", with @key set to @price (removed when @price
 * is negative). Other keys are kept as they are, unknown ones included. */
static GVariant *
overrides_with (GSettings *settings, const char *key, double price)
{
  g_autoptr (GVariant) current = g_settings_get_value (settings, "prices");
  GVariantBuilder builder;
  GVariantIter    iter;
  const char     *name;
  double          value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sd}"));
  g_variant_iter_init (&iter, current);
  while (g_variant_iter_next (&iter, "{&sd}", &name, &value))
    if (!g_str_equal (name, key))
      g_variant_builder_add (&builder, "{sd}", name, value);
  if (price >= 0)
    g_variant_builder_add (&builder, "{sd}", key, price);
  return g_variant_builder_end (&builder);
}

static void
write_price (ReelPriceEditor *self, ReelPriceRow *row, double price)
{
  const char *key = reel_price_row_get_key (row);
  gboolean    published = fabs (price - reel_price_row_get_published (row)) <= PRICE_EPSILON;

  if (self->settings == NULL)
    return;
  g_settings_set_value (self->settings, "prices",
                        overrides_with (self->settings, key, published ? -1 : price));
}

static void
price_changed_cb (ReelPriceEditor *self, ReelPriceRow *row)
{
  write_price (self, row, reel_price_row_get_price (row));
}

/* Shows the overrides of the settings, and the published prices elsewhere. */
static void
sync_from_settings (ReelPriceEditor *self)
{
  g_autoptr (GVariant) overrides = NULL;
  GHashTableIter iter;
  gpointer       value;

  if (self->settings != NULL)
    overrides = g_settings_get_value (self->settings, "prices");

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ReelPriceRow *row = value;
      double        price = reel_price_row_get_published (row);

      if (overrides != NULL)
        g_variant_lookup (overrides, reel_price_row_get_key (row), "d", &price);
      reel_price_row_set_price (row, price);
    }
}

static void
reset_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPriceEditor *self = REEL_PRICE_EDITOR (widget);
  ReelPriceRow    *row = g_hash_table_lookup (self->rows, g_variant_get_string (parameter, NULL));

  if (row == NULL)
    return;
  reel_price_row_set_price (row, reel_price_row_get_published (row));
  write_price (self, row, reel_price_row_get_published (row));
}

static void
build_rows (ReelPriceEditor *self)
{
  g_auto (GStrv) keys = reel_price_table_list_keys (self->published);
  AdwExpanderRow  *expander = NULL;
  g_autofree char *expander_table = NULL;

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *table = NULL;
      g_autofree char *model = NULL;
      g_autofree char *resolution = NULL;
      const char      *currency;
      GtkWidget       *row;
      double           published = 0;

      if (!split_key (keys[i], &table, &model, &resolution)
          || !reel_price_table_lookup (self->published, table, model, resolution, &published))
        continue;
      currency = reel_price_table_get_currency (self->published, table);

      if (expander == NULL || g_strcmp0 (expander_table, table) != 0)
        {
          g_autofree char *subtitle = NULL;

          expander = ADW_EXPANDER_ROW (adw_expander_row_new ());
          /* Translators: "Per second of video, in CNY" */
          subtitle = g_strdup_printf (_ ("Per second of video, in %s"), currency);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), table_label (table));
          adw_expander_row_set_subtitle (expander, subtitle);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (expander));
          g_free (expander_table);
          expander_table = g_strdup (table);
        }

      row = reel_price_row_new (keys[i], model, resolution, currency, published);
      g_signal_connect_object (row, "price-changed", G_CALLBACK (price_changed_cb), self,
                               G_CONNECT_SWAPPED);
      adw_expander_row_add_row (expander, row);
      g_hash_table_insert (self->rows, g_strdup (keys[i]), row);
    }
}

GtkWidget *
reel_price_editor_new (void)
{
  return g_object_new (REEL_TYPE_PRICE_EDITOR, NULL);
}

void
reel_price_editor_set_settings (ReelPriceEditor *self, GSettings *settings)
{
  g_return_if_fail (REEL_IS_PRICE_EDITOR (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->settings == settings)
    return;
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed::prices", G_CALLBACK (sync_from_settings), self,
                             G_CONNECT_SWAPPED);
  sync_from_settings (self);
}

static void
reel_price_editor_dispose (GObject *object)
{
  ReelPriceEditor *self = REEL_PRICE_EDITOR (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->published, reel_price_table_unref);

  G_OBJECT_CLASS (reel_price_editor_parent_class)->dispose (object);
}

static void
reel_price_editor_class_init (ReelPriceEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_price_editor_dispose;

  gtk_widget_class_install_action (widget_class, "prices.reset", "s", reset_action);
}

static void
reel_price_editor_init (ReelPriceEditor *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->published = reel_price_table_new_default ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _ ("Prices"));
  adw_preferences_group_set_description (
      ADW_PREFERENCES_GROUP (self),
      _ ("What a second of video costs, to estimate a batch before it starts and to record what "
         "it cost. Change a price when the service changes it."));
  build_rows (self);
  sync_from_settings (self);
}
