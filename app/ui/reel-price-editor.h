/* reel-price-editor.h: the price table, editable, for the preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define REEL_TYPE_PRICE_EDITOR (reel_price_editor_get_type ())
G_DECLARE_FINAL_TYPE (ReelPriceEditor, reel_price_editor, REEL, PRICE_EDITOR, AdwPreferencesGroup)

GtkWidget *reel_price_editor_new (void);
/* Shows and edits the "prices" overrides of @settings (the app's). */
void reel_price_editor_set_settings (ReelPriceEditor *self, GSettings *settings);

G_END_DECLS
