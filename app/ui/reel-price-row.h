/* reel-price-row.h: one price of the price editor: a model at a resolution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define REEL_TYPE_PRICE_ROW (reel_price_row_get_type ())
G_DECLARE_FINAL_TYPE (ReelPriceRow, reel_price_row, REEL, PRICE_ROW, AdwActionRow)

/* @key is the price table's "table/model/resolution"; @published the
 * shipped price per second in @currency. */
GtkWidget  *reel_price_row_new (const char *key,
                                const char *model,
                                const char *resolution,
                                const char *currency,
                                double      published);
const char *reel_price_row_get_key (ReelPriceRow *self);
double      reel_price_row_get_published (ReelPriceRow *self);
/* Shows @price (without "price-changed"); the reset button shows when it
 * is not the published price. */
void   reel_price_row_set_price (ReelPriceRow *self, double price);
double reel_price_row_get_price (ReelPriceRow *self);

G_END_DECLS
