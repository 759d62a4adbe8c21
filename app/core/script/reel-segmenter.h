/* reel-segmenter.h: sentences, shot-sized groups and reading time, through ICU
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one shot of action may hold before the breakdown splits a paragraph: a single longer
 * sentence still stays one shot. */
#define REEL_SEGMENTER_SHOT_WORDS 25
#define REEL_SEGMENTER_SHOT_CJK_CHARS 40

/* (transfer full) (element-type utf8): the sentences of @text, whitespace-normalised, none
 * empty. Handles 。！？ and mixed Chinese/English text (ICU sentence break iterator). */
GPtrArray *reel_segmenter_split_sentences (const char *text);

/* (transfer full) (element-type utf8): the sentences of @paragraph grouped greedily, in order,
 * so each group holds at most @max_words words plus @max_cjk_chars CJK characters (as shares of
 * one). Its lines are first joined with reel_segmenter_join_lines(). */
GPtrArray *
reel_segmenter_group_sentences (const char *paragraph, guint max_words, guint max_cjk_chars);

/* Joins the lines of a paragraph so no two words run together. Between two CJK characters a
 * line break disappears only where the line ends in punctuation or was wrapped (it runs about
 * as wide as the longest line); a short line such as a name over a sentence keeps a space.
 * Other line breaks stay, for reel_segmenter_normalize_space() to make spaces of them. */
char *reel_segmenter_join_lines (const char *paragraph);

/* Words of alphabetic scripts (ICU word break) plus CJK characters (one each). */
guint reel_segmenter_count_words (const char *text);

/* Seconds a viewer needs to read @text: 3 words/s, 5 CJK characters/s, at least 1.5 s. */
double reel_segmenter_reading_seconds (const char *text);

/* Collapses runs of white space to one space and trims the ends; a line break between two CJK
 * characters disappears, as it would in print. */
char *reel_segmenter_normalize_space (const char *text);

G_END_DECLS
