/* reel-take-tile.h: one take in the take strip: its thumbnail, what made it,
 * and its play, choose, compare and delete actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-image-cache.h"
#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_TAKE_TILE (reel_take_tile_get_type ())
G_DECLARE_FINAL_TYPE (ReelTakeTile, reel_take_tile, REEL, TAKE_TILE, GtkWidget)

/* Shows @take as "Take N" (its number), marked when it is the shot's
 * @chosen take, a still as the shot's @board image when it is, with the
 * picture at @thumbnail_path (NULL or a missing file: none), decoded through
 * @image_cache in a worker. Its buttons and
 * menu activate take.play, take.choose, take.compare and take.delete with the
 * take's id, which the widget holding it installs. */
GtkWidget *reel_take_tile_new (const ReelTake *take,
                               gboolean        chosen,
                               gboolean        board,
                               const char     *thumbnail_path,
                               ReelImageCache *image_cache);
/* "Take 2 · 3.0 s", as the tile shows it. */
/* Shows another take, as reel_take_tile_new() does (@take NULL: none), for
 * a grid that recycles its tiles. */
void        reel_take_tile_bind (ReelTakeTile   *self,
                                 const ReelTake *take,
                                 gboolean        chosen,
                                 gboolean        board,
                                 const char     *thumbnail_path,
                                 ReelImageCache *image_cache);
const char *reel_take_tile_get_title (ReelTakeTile *self);
gint64      reel_take_tile_get_take_id (ReelTakeTile *self);
/* Marks the tile with why its media cannot be used (NULL: they can). */
void reel_take_tile_set_problem (ReelTakeTile *self, const char *problem);

/* What users call the backend named @backend: "Animatic", "Imported", a
 * service's name ("Alibaba Cloud Model Studio"), or the name itself. */
const char *reel_take_tile_get_backend_label (const char *backend);

G_END_DECLS
