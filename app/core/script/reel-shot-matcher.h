/* reel-shot-matcher.h: which new shot is which old one, across a re-breakdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Below this similarity an edited shot counts as a new one. */
#define REEL_SHOT_MATCHER_MIN_SIMILARITY 0.6

typedef struct
{
  int      old_index; /* index into the old shots, or -1 for a new shot */
  gboolean exact;     /* the text is unchanged (the shot may have moved) */
} ReelShotMatch;

/* (transfer full) (element-type ReelShotMatch): one entry per new shot. Unchanged shots are
 * matched first, in order (longest common subsequence, within the gaps between texts unique on
 * both sides in a long script), then moved ones, then lightly edited ones (similarity >=
 * REEL_SHOT_MATCHER_MIN_SIMILARITY; in a long script only likely pairs are scored); each old shot
 * is used at most once. Time and memory grow close to linearly with the number of shots. The
 * headings (either array may be NULL) break ties between equal candidates: a shot that stays in
 * its scene is preferred. */
GArray *reel_shot_matcher_match (const char *const *old_texts,
                                 const char *const *old_headings,
                                 guint              n_old,
                                 const char *const *new_texts,
                                 const char *const *new_headings,
                                 guint              n_new);

/* Dice coefficient of the character bigrams of @a and @b, ignoring case and white space:
 * 1.0 for equal texts, 0.0 for texts with nothing in common. Works for CJK as well. */
double reel_shot_matcher_similarity (const char *a, const char *b);

G_END_DECLS
