/* reel-storyboard-page.h: the grid of shot cards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-image-cache.h"
#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_STORYBOARD_PAGE (reel_storyboard_page_get_type ())
G_DECLARE_FINAL_TYPE (ReelStoryboardPage, reel_storyboard_page, REEL, STORYBOARD_PAGE, GtkWidget)

void reel_storyboard_page_set_project (ReelStoryboardPage *self, ReelProject *project);
/* The shot of the selected card (0 when none): move, add and delete act on it. */
gint64 reel_storyboard_page_get_selected_shot (ReelStoryboardPage *self);
void
reel_storyboard_page_select_shot (ReelStoryboardPage *self, gint64 shot_id, gboolean grab_focus);
/* The card of @shot_id, or NULL when it has none: only the shots near the
 * visible rows have cards. */
GtkWidget *reel_storyboard_page_get_card (ReelStoryboardPage *self, gint64 shot_id);
/* Scrolls the first shot of @scene_id into view and selects it. */
void reel_storyboard_page_scroll_to_scene (ReelStoryboardPage *self, gint64 scene_id);
/* Scrolls @shot_id into view (making its card), without selecting it. */
void reel_storyboard_page_scroll_to_shot (ReelStoryboardPage *self, gint64 shot_id);
/* The decoded pictures the cards show; the take strip shares them.
 * Returns: (transfer none): the cache */
ReelImageCache *reel_storyboard_page_get_image_cache (ReelStoryboardPage *self);

G_END_DECLS
