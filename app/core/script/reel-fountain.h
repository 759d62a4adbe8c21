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
  guint    line;          /* 1-based line in the input where the element starts */
} ReelFountainElement;

typedef struct
{
  GHashTable *title_page; /* lowercase key → value (continuation lines joined by "\n") */
  GPtrArray  *elements;   /* ReelFountainElement*, in script order */
} ReelFountainDocument;

/* @text must be valid UTF-8 (invalid sequences are replaced); a BOM and CRLF or CR line endings
 * are accepted. Never fails: anything that is not other markup is action. */
ReelFountainDocument *reel_fountain_parse (const char *text);
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
