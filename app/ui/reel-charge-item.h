/* reel-charge-item.h: one charge of the spending ledger as an item of the Jobs view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define REEL_TYPE_CHARGE_ITEM (reel_charge_item_get_type ())
G_DECLARE_FINAL_TYPE (ReelChargeItem, reel_charge_item, REEL, CHARGE_ITEM, GObject)

/* What the charge's row says: the shot it paid for, the service and date
 * (and why no take came of it), and the amount. */
ReelChargeItem *reel_charge_item_new (const char *title, const char *subtitle, const char *amount);
const char     *reel_charge_item_get_title (ReelChargeItem *self);
const char     *reel_charge_item_get_subtitle (ReelChargeItem *self);
const char     *reel_charge_item_get_amount (ReelChargeItem *self);

G_END_DECLS
