/* reel-vocabulary.c: the prompt module's word lists, matched against a shot's text
 *
 * Matching is leftmost-longest over units. A match starts where an ICU word starts, so "上摇"
 * is not found in "马上摇头" (马上|摇|头), and a one-character Chinese entry must be a whole ICU
 * word, so "夜" is night in "夜，街道空无一人" but not inside "夜空". Longer Chinese entries
 * may end inside an ICU word: the dictionary does not know film words such as "推镜".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-prompt"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "reel-prompt-data.h"
#include "reel-types.h"
#include "reel-vocabulary.h"

/* Longer phrases than this are not looked up. */
#define MAX_PHRASE_UNITS 8

struct _ReelVocabulary
{
  GHashTable *phrases; /* key → GPtrArray of borrowed ReelVocabularyEntry* */
  GPtrArray  *entries; /* ReelVocabularyEntry*, owned */
  guint       max_units;
};

/* Units */

static void
unit_clear (ReelWordUnit *unit)
{
  g_free (unit->key);
}

/* Building an ICU word iterator costs more than using it, so each thread keeps one. */
static void
iterator_close (gpointer iter)
{
  ubrk_close (iter);
}

static GPrivate thread_word_iterator = G_PRIVATE_INIT (iterator_close);

static UBreakIterator *
get_word_iterator (void)
{
  UBreakIterator *iter = g_private_get (&thread_word_iterator);
  UErrorCode      status = U_ZERO_ERROR;

  if (iter != NULL)
    return iter;
  iter = ubrk_open (UBRK_WORD, "", NULL, 0, &status);
  if (U_FAILURE (status))
    {
      g_warning ("ICU cannot open a word break iterator: %s", u_errorName (status));
      return NULL;
    }
  g_private_set (&thread_word_iterator, iter);
  return iter;
}

static gboolean
is_sentence_end (gunichar c)
{
  return c == '\n' || g_utf8_strchr (".!?;。！？；…", -1, c) != NULL;
}

/* Hyphens and apostrophes join words ("close-up", "John's") rather than part clauses. */
static gboolean
is_clause_end (gunichar c)
{
  return g_unichar_ispunct (c) && g_utf8_strchr ("-'’‘", -1, c) == NULL;
}

static void
add_gap (const char *gap, gsize length, guint *clause, guint *sentence)
{
  gboolean clause_ends = FALSE, sentence_ends = FALSE;

  for (const char *p = gap; p < gap + length; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      clause_ends |= is_clause_end (c) || c == '\n';
      sentence_ends |= is_sentence_end (c);
    }
  *clause += clause_ends;
  *sentence += sentence_ends;
}

static char *
word_key (const char *word, gsize length)
{
  char *key = g_utf8_strdown (word, (gssize) length);

  if (g_str_has_suffix (key, "'s"))
    key[strlen (key) - 2] = '\0';
  else if (g_str_has_suffix (key, "’s"))
    key[strlen (key) - strlen ("’s")] = '\0';
  return key;
}

static void
add_word (GArray *units, const char *text, gsize start, gsize end, guint clause, guint sentence)
{
  ReelWordUnit unit = { NULL, start, end, clause, sentence, TRUE, TRUE, FALSE, FALSE, FALSE };
  gboolean     any_lower = FALSE, any_upper = FALSE;

  if (g_unichar_get_script (g_utf8_get_char (text + start)) == G_UNICODE_SCRIPT_HAN)
    {
      /* One unit per character, so that vocabulary entries need no ICU dictionary word. */
      for (const char *p = text + start; p < text + end; p = g_utf8_next_char (p))
        {
          ReelWordUnit c = unit;

          c.key = g_strndup (p, g_utf8_next_char (p) - p);
          c.start = p - text;
          c.end = g_utf8_next_char (p) - text;
          c.cjk = TRUE;
          c.word_start = c.start == start;
          c.word_end = c.end == end;
          g_array_append_val (units, c);
        }
      return;
    }

  for (const char *p = text + start; p < text + end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      any_lower |= g_unichar_islower (c);
      any_upper |= g_unichar_isupper (c);
    }
  unit.key = word_key (text + start, end - start);
  unit.capitals = any_upper && !any_lower;
  unit.title = any_upper && any_lower && g_unichar_isupper (g_utf8_get_char (text + start));
  g_array_append_val (units, unit);
}

GArray *
reel_word_units_split (const char *text)
{
  GArray         *units = g_array_new (FALSE, FALSE, sizeof (ReelWordUnit));
  UBreakIterator *iter = get_word_iterator ();
  UErrorCode      status = U_ZERO_ERROR;
  UText          *utext;
  guint           clause = 0, sentence = 0;
  int             start, end;

  g_array_set_clear_func (units, (GDestroyNotify) unit_clear);
  if (iter == NULL || text == NULL)
    return units;

  utext = utext_openUTF8 (NULL, text, -1, &status);
  ubrk_setUText (iter, utext, &status);
  if (U_FAILURE (status))
    {
      g_warning ("ICU cannot read the text: %s", u_errorName (status));
      utext_close (utext);
      return units;
    }

  start = ubrk_first (iter);
  for (end = ubrk_next (iter); end != UBRK_DONE; start = end, end = ubrk_next (iter))
    {
      if (ubrk_getRuleStatus (iter) < UBRK_WORD_NONE_LIMIT)
        add_gap (text + start, end - start, &clause, &sentence);
      else
        add_word (units, text, start, end, clause, sentence);
    }
  /* The iterator may outlive the text: point it at nothing before closing the UText. */
  ubrk_setText (iter, NULL, 0, &status);
  utext_close (utext);
  return units;
}

/* Entries */

static void
entry_free (ReelVocabularyEntry *entry)
{
  g_free (entry->value);
  g_free (entry);
}

ReelVocabulary *
reel_vocabulary_new (void)
{
  ReelVocabulary *self = g_new0 (ReelVocabulary, 1);

  self->phrases
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  return self;
}

void
reel_vocabulary_free (ReelVocabulary *self)
{
  g_hash_table_unref (self->phrases);
  g_ptr_array_unref (self->entries);
  g_free (self);
}

static void
add_variant (GPtrArray *variants, const char *stem, const char *ending)
{
  g_ptr_array_add (variants, g_strconcat (stem, ending, NULL));
}

/* @word and its simple English inflections: pans, panning, panned; dollies, dollied;
 * moves, moving. Some are not words; they are never met, so they do no harm. */
static GPtrArray *
inflect (const char *word)
{
  GPtrArray *variants = g_ptr_array_new_with_free_func (g_free);
  gsize      len = strlen (word);
  char       last = len > 0 ? word[len - 1] : '\0';

  g_ptr_array_add (variants, g_strdup (word));
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (word[i]))
      return variants;
  if (len < 2)
    return variants;

  add_variant (variants, word, "s");
  add_variant (variants, word, "es");
  add_variant (variants, word, "ing");
  add_variant (variants, word, "ed");
  if (last == 'y' || last == 'e')
    {
      g_autofree char *stem = g_strndup (word, len - 1);

      add_variant (variants, stem, last == 'y' ? "ies" : "ing");
      add_variant (variants, stem, last == 'y' ? "ied" : "ed");
    }
  else if (strchr ("aeiouwxy", last) == NULL)
    {
      /* pan → panning; also "opening" above, as doubling is not always right. */
      g_ptr_array_add (variants, g_strdup_printf ("%s%cing", word, last));
      g_ptr_array_add (variants, g_strdup_printf ("%s%ced", word, last));
    }
  return variants;
}

static void
add_phrase_key (ReelVocabulary *self, const char *key, ReelVocabularyEntry *entry)
{
  GPtrArray *entries = g_hash_table_lookup (self->phrases, key);

  if (entries == NULL)
    {
      entries = g_ptr_array_new ();
      g_hash_table_insert (self->phrases, g_strdup (key), entries);
    }
  if (!g_ptr_array_find (entries, entry, NULL))
    g_ptr_array_add (entries, entry);
}

/* Files @entry under its phrase and the phrase's inflections: those of its first word (a verb:
 * "pans left") and of its last (a plural: "close-ups"). */
static void
add_phrase (ReelVocabulary *self, const char *phrase, ReelVocabularyEntry *entry)
{
  g_autoptr (GArray) units = reel_word_units_split (phrase);
  g_autoptr (GPtrArray) firsts = NULL;
  g_autoptr (GPtrArray) lasts = NULL;
  g_autoptr (GString) middle = g_string_new (NULL);
  guint n = units->len;

  if (n == 0 || n > MAX_PHRASE_UNITS)
    {
      g_warning ("Prompt vocabulary entry “%s” is empty or too long; it is left out", phrase);
      return;
    }
  self->max_units = MAX (self->max_units, n);

  firsts = inflect (g_array_index (units, ReelWordUnit, 0).key);
  lasts = n > 1 ? inflect (g_array_index (units, ReelWordUnit, n - 1).key) : NULL;
  for (guint i = 1; i + 1 < n; i++)
    g_string_append_printf (middle, " %s", g_array_index (units, ReelWordUnit, i).key);

  for (guint f = 0; f < firsts->len; f++)
    {
      if (lasts == NULL)
        {
          add_phrase_key (self, g_ptr_array_index (firsts, f), entry);
          continue;
        }
      for (guint l = 0; l < lasts->len; l++)
        {
          g_autofree char *key
              = g_strdup_printf ("%s%s %s", (char *) g_ptr_array_index (firsts, f), middle->str,
                                 (char *) g_ptr_array_index (lasts, l));

          add_phrase_key (self, key, entry);
        }
    }
}

/* The third field of a line, which says when its phrase counts. */
static gboolean
parse_when (const char *when, ReelVocabularyWhen *out)
{
  if (*when == '\0')
    *out = REEL_VOCABULARY_ALWAYS;
  else if (g_str_equal (when, "caps"))
    *out = REEL_VOCABULARY_CAPITALS_OR_CAMERA;
  else if (g_str_equal (when, "camera"))
    *out = REEL_VOCABULARY_WITH_CAMERA;
  else
    return FALSE;
  return TRUE;
}

/* In camera.tsv the value is a move, "camera" for a word that names the camera, or "-" for a
 * phrase that holds camera words but moves no camera. */
static gboolean
parse_camera_value (ReelVocabularyEntry *entry)
{
  ReelCameraMove move;

  if (g_str_equal (entry->value, "camera"))
    entry->field = REEL_VOCABULARY_CAMERA_MENTION;
  else if (g_str_equal (entry->value, "-"))
    entry->field = REEL_VOCABULARY_NOT_CAMERA;
  else if (reel_camera_move_from_string (entry->value, &move))
    entry->move = move;
  else
    return FALSE;
  return TRUE;
}

gboolean
reel_vocabulary_load (ReelVocabulary     *self,
                      const char         *name,
                      ReelVocabularyField field,
                      GError            **error)
{
  g_autoptr (GPtrArray) lines = reel_prompt_data_read_lines (name, error);

  if (lines == NULL)
    return FALSE;

  for (guint i = 0; i < lines->len; i++)
    {
      g_auto (GStrv) fields = reel_prompt_data_split_fields (g_ptr_array_index (lines, i), 3);
      ReelVocabularyEntry *entry = g_new0 (ReelVocabularyEntry, 1);

      entry->field = field;
      entry->value = g_strdup (*fields[1] != '\0' ? fields[1] : fields[0]);
      entry->value_from_text = *fields[1] == '\0';
      if (*fields[0] == '\0' || !parse_when (fields[2], &entry->when)
          || (field == REEL_VOCABULARY_CAMERA_MOVE && !parse_camera_value (entry)))
        {
          /* One bad line in a user's file should not cost them the rest of it. */
          g_warning ("Line “%s” of %s is not “phrase, value, when”; it is left out",
                     (char *) g_ptr_array_index (lines, i), name);
          entry_free (entry);
          continue;
        }
      g_ptr_array_add (self->entries, entry);
      add_phrase (self, fields[0], entry);
    }
  return TRUE;
}

/* Scanning */

typedef struct
{
  const ReelVocabulary *self;
  GArray               *units;
  GHashTable           *camera_sentences; /* sentences that name the camera */
} Scan;

static const ReelWordUnit *
unit_at (const Scan *scan, guint i)
{
  return &g_array_index (scan->units, ReelWordUnit, i);
}

/* The entries of the phrase of @n units at @first, or NULL. */
static GPtrArray *
lookup (const Scan *scan, guint first, guint n)
{
  g_autoptr (GString) key = g_string_new (unit_at (scan, first)->key);
  const ReelWordUnit *last = unit_at (scan, first + n - 1);

  /* A one-character Chinese entry must be a whole word: "夜" is not in "夜空". */
  if (n == 1 && last->cjk && !(last->word_start && last->word_end))
    return NULL;
  for (guint i = first + 1; i < first + n; i++)
    {
      if (unit_at (scan, i)->clause != unit_at (scan, first)->clause)
        return NULL;
      g_string_append_printf (key, " %s", unit_at (scan, i)->key);
    }
  return g_hash_table_lookup (scan->self->phrases, key->str);
}

static gboolean
entry_counts (const Scan *scan, const ReelVocabularyEntry *entry, guint first, guint n)
{
  gboolean names_camera = g_hash_table_contains (
      scan->camera_sentences, GUINT_TO_POINTER (unit_at (scan, first)->sentence));

  switch (entry->when)
    {
      case REEL_VOCABULARY_CAPITALS_OR_CAMERA:
        for (guint i = first; i < first + n && !names_camera; i++)
          if (!unit_at (scan, i)->cjk && !unit_at (scan, i)->capitals)
            return FALSE;
        return TRUE;
      case REEL_VOCABULARY_WITH_CAMERA:
        return names_camera;
      case REEL_VOCABULARY_ALWAYS:
      default:
        return TRUE;
    }
}

/* Appends the longest match at @first to @matches and returns its length, or 0. */
static guint
match_at (const Scan *scan, guint first, GArray *matches)
{
  guint n = MIN (scan->self->max_units, scan->units->len - first);

  for (; n > 0; n--)
    {
      GPtrArray *entries = lookup (scan, first, n);
      guint      found = 0;

      for (guint e = 0; entries != NULL && e < entries->len; e++)
        {
          ReelVocabularyMatch match = { first, n, g_ptr_array_index (entries, e) };

          if (!entry_counts (scan, match.entry, first, n))
            continue;
          g_array_append_val (matches, match);
          found++;
        }
      if (found > 0)
        return n;
    }
  return 0;
}

static GArray *
scan_units (const Scan *scan)
{
  GArray *matches = g_array_new (FALSE, FALSE, sizeof (ReelVocabularyMatch));

  for (guint i = 0; i < scan->units->len;)
    {
      guint n = unit_at (scan, i)->word_start ? match_at (scan, i, matches) : 0;

      i += MAX (n, 1);
    }
  return matches;
}

/* Marks the sentences that name the camera anywhere, even inside a longer phrase: the "镜头"
 * of "特写镜头推向" lets "推向" count. */
static void
find_camera_sentences (Scan *scan)
{
  for (guint first = 0; first < scan->units->len; first++)
    for (guint n = 1; n <= scan->self->max_units && first + n <= scan->units->len; n++)
      {
        GPtrArray *entries = lookup (scan, first, n);

        for (guint e = 0; entries != NULL && e < entries->len; e++)
          if (((ReelVocabularyEntry *) g_ptr_array_index (entries, e))->field
              == REEL_VOCABULARY_CAMERA_MENTION)
            g_hash_table_add (scan->camera_sentences,
                              GUINT_TO_POINTER (unit_at (scan, first)->sentence));
      }
}

GArray *
reel_vocabulary_scan (const ReelVocabulary *self, GArray *units)
{
  g_autoptr (GHashTable) camera_sentences = g_hash_table_new (NULL, NULL);
  Scan scan = { self, units, camera_sentences };

  find_camera_sentences (&scan);
  return scan_units (&scan);
}
