/* reel-fountain.h: a parser for Fountain screenplays (https://fountain.io)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  REEL_FOUNTAIN_SCENE_HEADING,
  REEL_FOUNTAIN_ACTION,
  REEL_FOUNTAIN_CHARACTER,
  REEL_FOUNTAIN_DIALOGUE,
  REEL_FOUNTAIN_PARENTHETICAL,
  REEL_FOUNTAIN_TRANSITION,
  REEL_FOUNTAIN_CENTERED,
  REEL_FOUNTAIN_NOTE,
  REEL_FOUNTAIN_BONEYARD,
  REEL_FOUNTAIN_SECTION,
  REEL_FOUNTAIN_SYNOPSIS,
  REEL_FOUNTAIN_PAGE_BREAK,
  REEL_FOUNTAIN_LYRICS,
} ReelFountainElementType;

typedef struct
{
  ReelFountainElementType type;
  /* Emphasis markers stripped (except in notes and boneyard, which keep what was written).
   * Action keeps its line breaks; a character holds the bare name ("MAYA", "王老师"). */
  char    *text;
  char    *scene_number;  /* headings: "1A" from "#1A#", else NULL */
  char    *extension;     /* characters: "(V.O.)", "(CONT'D)", else NULL */
  guint    section_depth; /* sections: number of leading '#' */
  gboolean forced;        /* written with a forcing prefix: . ! @ > */
  gboolean dual;          /* character, dialogue, parenthetical of dual dialogue */
  /* characters: known by a name the script (or the caller) uses for a speaker elsewhere, or
   * written "NAME: speech" on one line, rather than by Fountain's own rules */
  gboolean by_name;
  guint    line; /* 1-based line in the input where the element starts */
} ReelFountainElement;

typedef struct
{
  GHashTable *title_page; /* lowercase key → value (continuation lines joined by "\n") */
  GPtrArray  *elements;   /* ReelFountainElement*, in script order */
  /* ReelFountainElement* of type CHARACTER, one per name: lines inside action that look like a
   * speaker's name before a speech but are no known character, so they stayed action. */
  GPtrArray *likely_cues;
} ReelFountainDocument;

/* @text must be valid UTF-8 (invalid sequences are replaced); a BOM and CRLF or CR line endings
 * are accepted. Never fails: anything that is not other markup is action. */
ReelFountainDocument *reel_fountain_parse (const char *text);
/* The same, and a line that names a known character before a speech is a character cue, with
 * or without the capitals or "@" Fountain asks for; so is "NAME: speech" (or "NAME：speech") on
 * one line. The characters known are @characters (may be NULL), the speakers the script names
 * by Fountain's rules, names of Chinese or Japanese script before a colon, and names written
 * before a colon more than once. */
ReelFountainDocument *reel_fountain_parse_with_characters (const char        *text,
                                                           const char *const *characters);
void                  reel_fountain_document_free (ReelFountainDocument *doc);

/* TRUE when the document uses any Fountain markup beyond plain action paragraphs. */
gboolean reel_fountain_document_has_markup (const ReelFountainDocument *doc);

const char *reel_fountain_element_type_to_string (ReelFountainElementType type);

/* Removes *italic*, **bold**, ***bold italic*** and _underline_ markers; \* and \_ stay as
 * literal * and _. */
char *reel_fountain_strip_emphasis (const char *text);

/* TRUE when @line starts like a scene heading: INT EXT EST INT./EXT INT/EXT I/E in any case,
 * followed by '.' or a space. */
gboolean reel_fountain_is_scene_heading (const char *line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelFountainDocument, reel_fountain_document_free)

G_END_DECLS
