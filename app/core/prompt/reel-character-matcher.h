/* reel-character-matcher.h: which characters a shot's text mentions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define REEL_TYPE_CHARACTER_MATCHER (reel_character_matcher_get_type ())
G_DECLARE_FINAL_TYPE (
    ReelCharacterMatcher, reel_character_matcher, REEL, CHARACTER_MATCHER, GObject)

ReelCharacterMatcher *reel_character_matcher_new (void);
/* @aliases: (nullable) (array zero-terminated=1): other names, Chinese ones included.
 * @pronoun: (nullable): the pronoun class the character goes by ("he", "she", as in
 * data/prompt/pronouns.tsv), or NULL when not known. */
void reel_character_matcher_add_character (ReelCharacterMatcher *self,
                                           gint64                id,
                                           const char           *name,
                                           const char *const    *aliases,
                                           const char           *pronoun);
/* Forgets who the scene so far has mentioned, so no pronoun reaches back past it. */
void reel_character_matcher_begin_scene (ReelCharacterMatcher *self);
/* (transfer full) (element-type gint64): the characters @text mentions, in the order it first
 * mentions them. English names match whole words, ignoring case; a Chinese name matches inside
 * text without spaces, a one-character one only where it is not part of a longer word. A
 * pronoun counts as a mention of the one character of its class the scene has mentioned before
 * it, and of none when that is ambiguous. What @text mentions stays known to the rest of the
 * scene. */
GArray *reel_character_matcher_match (ReelCharacterMatcher *self, const char *text);

G_END_DECLS
