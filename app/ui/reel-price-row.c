/* reel-price-row.c
 *
 * The price per second of one model at one resolution. The row only shows
 * and reports: its price editor keeps the overrides in GSettings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-price-row.h"
#include "storyreel-ui-resources.h"

/* Prices are kept to a tenth of a cent. */
#define PRICE_EPSILON 1e-6

struct _ReelPriceRow
{
  AdwActionRow parent_instance;

  char  *key;
  double published;
  /* Set while the row shows a price it was given, not one typed. */
  guint syncing;

  GtkSpinButton *spin;
  GtkLabel      *currency_label;
  GtkButton     *reset_button;
};

G_DEFINE_FINAL_TYPE (ReelPriceRow, reel_price_row, ADW_TYPE_ACTION_ROW)

enum
{
  PRICE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_reset (ReelPriceRow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->reset_button),
                          fabs (gtk_spin_button_get_value (self->spin) - self->published)
                              > PRICE_EPSILON);
}

static void
value_changed_cb (ReelPriceRow *self)
{
  update_reset (self);
  if (self->syncing == 0)
    g_signal_emit (self, signals[PRICE_CHANGED], 0);
}

GtkWidget *
reel_price_row_new (const char *key,
                    const char *model,
                    const char *resolution,
                    const char *currency,
                    double      published)
{
  ReelPriceRow    *self;
  g_autofree char *unit = NULL;
  g_autofree char *spin_label = NULL;
  g_autofree char *reset_label = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (REEL_TYPE_PRICE_ROW, "title", model, "subtitle", resolution, NULL);
  self->key = g_strdup (key);
  self->published = published;

  /* Translators: a price's unit, "CNY/s": the currency per second of video */
  unit = g_strdup_printf (_ ("%s/s"), currency != NULL ? currency : "");
  gtk_label_set_label (self->currency_label, unit);
  /* Translators: "Price per second of wan2.2-t2v-plus at 1080P" */
  spin_label = g_strdup_printf (_ ("Price per second of %s at %s"), model, resolution);
  reset_label = g_strdup_printf (_ ("Back to the published price of %s at %s"), model, resolution);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  spin_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reset_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, reset_label, -1);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reset_button),
                                          g_variant_new_string (key));
  reel_price_row_set_price (self, published);

  return GTK_WIDGET (self);
}

const char *
reel_price_row_get_key (ReelPriceRow *self)
{
  g_return_val_if_fail (REEL_IS_PRICE_ROW (self), NULL);
  return self->key;
}

double
reel_price_row_get_published (ReelPriceRow *self)
{
  g_return_val_if_fail (REEL_IS_PRICE_ROW (self), 0);
  return self->published;
}

void
reel_price_row_set_price (ReelPriceRow *self, double price)
{
  g_return_if_fail (REEL_IS_PRICE_ROW (self));

  self->syncing++;
  gtk_spin_button_set_value (self->spin, price);
  self->syncing--;
  update_reset (self);
}

double
reel_price_row_get_price (ReelPriceRow *self)
{
  g_return_val_if_fail (REEL_IS_PRICE_ROW (self), 0);
  return gtk_spin_button_get_value (self->spin);
}

static void
reel_price_row_finalize (GObject *object)
{
  ReelPriceRow *self = REEL_PRICE_ROW (object);

  g_free (self->key);

  G_OBJECT_CLASS (reel_price_row_parent_class)->finalize (object);
}

static void
reel_price_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), REEL_TYPE_PRICE_ROW);

  G_OBJECT_CLASS (reel_price_row_parent_class)->dispose (object);
}

static void
reel_price_row_class_init (ReelPriceRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_price_row_dispose;
  object_class->finalize = reel_price_row_finalize;

  /**
   * ReelPriceRow::price-changed:
   *
   * The user changed the price.
   */
  signals[PRICE_CHANGED] = g_signal_new ("price-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-price-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelPriceRow, spin);
  gtk_widget_class_bind_template_child (widget_class, ReelPriceRow, currency_label);
  gtk_widget_class_bind_template_child (widget_class, ReelPriceRow, reset_button);
}

static void
reel_price_row_init (ReelPriceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->spin, "value-changed", G_CALLBACK (value_changed_cb), self,
                           G_CONNECT_SWAPPED);
}
