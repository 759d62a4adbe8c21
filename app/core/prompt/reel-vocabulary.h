/* reel-vocabulary.h: the prompt module's word lists, matched against a shot's text
 *
 * Text is cut into units: a word of an alphabetic script, lowercased, or a single CJK
 * character, each knowing the ICU word it came from. Vocabulary phrases are cut the same way,
 * so "Close-up", "close up" and "CLOSE-UPS" meet, and Chinese without spaces matches
 * character by character.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char    *key; /* lowercase, a possessive "'s" dropped; or one CJK character */
  gsize    start;
  gsize    end; /* byte offsets into the text */
  guint    clause;
  guint    sentence;
  gboolean word_start; /* starts an ICU word */
  gboolean word_end;   /* ends one */
  gboolean cjk;
  gboolean capitals; /* alphabetic, every letter a capital */
  gboolean title;    /* alphabetic, an initial capital only */
} ReelWordUnit;

/* (transfer full) (element-type ReelWordUnit) */
GArray *reel_word_units_split (const char *text);

typedef enum
{
  REEL_VOCABULARY_SUBJECT,
  REEL_VOCABULARY_ACTION,
  REEL_VOCABULARY_SETTING,
  REEL_VOCABULARY_TIME,
  REEL_VOCABULARY_MOOD,
  REEL_VOCABULARY_STYLE,
  REEL_VOCABULARY_FRAMING,
  REEL_VOCABULARY_CAMERA_MOVE,
  REEL_VOCABULARY_CAMERA_MENTION, /* "camera", "镜头": makes words that need one count */
  REEL_VOCABULARY_NOT_CAMERA,     /* "左摇右晃", "摇头": hides the camera words inside it */
  REEL_VOCABULARY_FUNCTION_WORD,  /* "the", "she": no name; the value "joins" ends an action */
  REEL_N_VOCABULARY_FIELDS
} ReelVocabularyField;

typedef enum
{
  REEL_VOCABULARY_ALWAYS,
  REEL_VOCABULARY_CAPITALS_OR_CAMERA, /* in capitals, or in a sentence naming the camera */
  REEL_VOCABULARY_WITH_CAMERA,        /* only in a sentence naming the camera */
} ReelVocabularyWhen;

typedef struct
{
  ReelVocabularyField field;
  char               *value;           /* the phrase itself where the file gives no value */
  gboolean            value_from_text; /* the text as written is the value ("mountains") */
  ReelVocabularyWhen  when;
  int                 move; /* a ReelCameraMove, for REEL_VOCABULARY_CAMERA_MOVE */
} ReelVocabularyEntry;

typedef struct
{
  guint                      first; /* unit index */
  guint                      n_units;
  const ReelVocabularyEntry *entry;
} ReelVocabularyMatch;

typedef struct _ReelVocabulary ReelVocabulary;

ReelVocabulary *reel_vocabulary_new (void);
void            reel_vocabulary_free (ReelVocabulary *self);
/* Adds the entries of the data file @name, whose lines are "phrase<TAB>value<TAB>when"
 * (see data/prompt/README.md). */
gboolean reel_vocabulary_load (ReelVocabulary     *self,
                               const char         *name,
                               ReelVocabularyField field,
                               GError            **error);
/* (transfer full) (element-type ReelVocabularyMatch): leftmost-longest matches in @units of
 * @text, in order, none overlapping. */
GArray *reel_vocabulary_scan (const ReelVocabulary *self, GArray *units);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelVocabulary, reel_vocabulary_free)

G_END_DECLS
