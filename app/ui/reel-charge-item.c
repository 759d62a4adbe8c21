/* reel-charge-item.c: one charge of the spending ledger as an item of the Jobs view
 *
 * The texts are worked out once, when the ledger changes, so that binding a
 * row as it scrolls into sight asks the project nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include "reel-charge-item.h"

struct _ReelChargeItem
{
  GObject parent_instance;

  char *title;
  char *subtitle;
  char *amount;
};

G_DEFINE_FINAL_TYPE (ReelChargeItem, reel_charge_item, G_TYPE_OBJECT)

static void
reel_charge_item_finalize (GObject *object)
{
  ReelChargeItem *self = REEL_CHARGE_ITEM (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);
  g_clear_pointer (&self->amount, g_free);

  G_OBJECT_CLASS (reel_charge_item_parent_class)->finalize (object);
}

static void
reel_charge_item_class_init (ReelChargeItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_charge_item_finalize;
}

static void
reel_charge_item_init (ReelChargeItem *self)
{
}

ReelChargeItem *
reel_charge_item_new (const char *title, const char *subtitle, const char *amount)
{
  ReelChargeItem *self = g_object_new (REEL_TYPE_CHARGE_ITEM, NULL);

  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  self->amount = g_strdup (amount);
  return self;
}

const char *
reel_charge_item_get_title (ReelChargeItem *self)
{
  g_return_val_if_fail (REEL_IS_CHARGE_ITEM (self), NULL);
  return self->title;
}

const char *
reel_charge_item_get_subtitle (ReelChargeItem *self)
{
  g_return_val_if_fail (REEL_IS_CHARGE_ITEM (self), NULL);
  return self->subtitle;
}

const char *
reel_charge_item_get_amount (ReelChargeItem *self)
{
  g_return_val_if_fail (REEL_IS_CHARGE_ITEM (self), NULL);
  return self->amount;
}
