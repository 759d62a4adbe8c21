/* reel-lora-list.h: the LoRAs stable-diffusion.cpp applies, for Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define REEL_TYPE_LORA_LIST (reel_lora_list_get_type ())
G_DECLARE_FINAL_TYPE (ReelLoraList, reel_lora_list, REEL, LORA_LIST, AdwPreferencesGroup)

GtkWidget *reel_lora_list_new (void);
/* Shows and edits the "sdcpp-loras" key of @settings (the app's). */
void reel_lora_list_set_settings (ReelLoraList *self, GSettings *settings);
/* Adds the LoRA file at @path at strength 1, as "Add LoRA…" does once the
 * user has chosen it. */
void reel_lora_list_add (ReelLoraList *self, const char *path);

G_END_DECLS
