/* reel-shot-card.h: one shot of the storyboard, editable in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "reel-project.h"

G_BEGIN_DECLS

#define REEL_TYPE_SHOT_CARD (reel_shot_card_get_type ())
G_DECLARE_FINAL_TYPE (ReelShotCard, reel_shot_card, REEL, SHOT_CARD, GtkWidget)

GtkWidget *reel_shot_card_new (ReelProject *project, ReelShot *shot);
/* Shows @shot of @project instead (both NULL: nothing), as a grid that
 * recycles its cards does; an uncommitted edit of the last shot is dropped. */
void      reel_shot_card_bind (ReelShotCard *self, ReelProject *project, ReelShot *shot);
ReelShot *reel_shot_card_get_shot (ReelShotCard *self);
/* Writes pending text and caption edits to the project. */
void reel_shot_card_commit (ReelShotCard *self);
/* Where in the shot's text (a byte offset, as reel_project_split_shot()
 * takes it) the user last put the cursor, or -1 when not inside the text. */
gssize reel_shot_card_get_split_offset (ReelShotCard *self);
/* What the card says about the shot's generation ("Queued", "Done", …). */
const char *reel_shot_card_get_status_text (ReelShotCard *self);
/* Whether the card shows a picture (the chosen take's thumbnail or the board). */
gboolean reel_shot_card_has_picture (ReelShotCard *self);
/* Why the picture cannot be shown (missing or damaged media), or NULL. */
const char *reel_shot_card_get_media_problem (ReelShotCard *self);

G_END_DECLS
