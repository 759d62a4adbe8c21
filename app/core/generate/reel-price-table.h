/* reel-price-table.h: what a second of generated video costs
 *
 * Prices are kept per price table (a service and region, e.g.
 * "dashscope-beijing" or "fal"), model and resolution, in the table's
 * currency. Storyreel ships the published prices (data/pricing/prices.json);
 * the user's edits are layered on top and saved as overrides.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _ReelPriceTable ReelPriceTable;

#define REEL_TYPE_PRICE_TABLE (reel_price_table_get_type ())
GType reel_price_table_get_type (void) G_GNUC_CONST;

/* The shipped prices. */
ReelPriceTable *reel_price_table_new_default (void);
ReelPriceTable *reel_price_table_ref (ReelPriceTable *self);
void            reel_price_table_unref (ReelPriceTable *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelPriceTable, reel_price_table_unref)

/* TRUE and the price per second, or FALSE when the table has no price for
 * this model at this resolution. Resolutions match without regard to case
 * ("720P" and "720p"). */
gboolean reel_price_table_lookup (ReelPriceTable *self,
                                  const char     *table,
                                  const char     *model,
                                  const char     *resolution,
                                  double         *per_second);
/* The currency of a table ("CNY", "USD"), or NULL when there is no such table. */
const char *reel_price_table_get_currency (ReelPriceTable *self, const char *table);
/* An edit by the user; it is also an override. */
void reel_price_table_set (ReelPriceTable *self,
                           const char     *table,
                           const char     *model,
                           const char     *resolution,
                           double          per_second);

/* Overrides as "table/model/resolution" → price, the shape of the GSettings
 * key "prices" (a{sd}). Applying unknown tables or malformed keys is ignored. */
GVariant *reel_price_table_dup_overrides (ReelPriceTable *self);
void      reel_price_table_apply_overrides (ReelPriceTable *self, GVariant *overrides);

/* Every known "table/model/resolution" key, sorted, for a price editor. */
GStrv reel_price_table_list_keys (ReelPriceTable *self);

/* "¥8.40", "$0.80", "8.40 EUR": an amount for people. */
char *reel_format_money (double amount, const char *currency);

G_END_DECLS
