/* reel-fountain-private.h: how the parser tells a character's name, shared by its files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The key under which a name is known: case-folded, white space collapsed, so "Maya", "MAYA"
 * and "maya" are one character. */
char *reel_fountain_name_key (const char *name);

/* Whether @name (without its extension) could be a character's name: a letter first, at most
 * three words of letters, or up to eight characters of a script written without spaces (Chinese,
 * Japanese), and nothing that ends a sentence. */
gboolean reel_fountain_is_name_like (const char *name);

/* Whether @name is a label that scripts write before a colon ("Note", "时间", "场景一"), which
 * never speaks. */
gboolean reel_fountain_is_label (const char *name);

/* Whether @name holds a character of a script written without spaces between words. */
gboolean reel_fountain_has_unspaced_script (const char *name);

/* Splits "NAME: speech" or "NAME（画外音）：speech" (an ASCII or full-width colon) into the bare
 * name, the extension ("(V.O.)", "（画外音）") and the speech. FALSE when the line is not of that
 * form: no colon, nothing after it, or no name-like text before it. */
gboolean
reel_fountain_split_inline_cue (const char *line, char **name, char **extension, char **speech);

/* Splits "MAYA (V.O.)" or "小男孩（画外音）" into the bare name and the extension, which is
 * NULL when there is none. */
void reel_fountain_split_extension (const char *cue, char **name, char **extension);

G_END_DECLS
