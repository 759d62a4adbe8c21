/* reel-safety-screen.c
 *
 * The blocklist is matched against a folded copy of the text: NFKC with
 * case folding (full-width letters, ligatures, case and invisible characters
 * fall away), then traditional characters turned simplified, and finally
 * every space, punctuation mark and symbol taken out, so that "Ｐ.o r N" or
 * "色 情" cannot slip through. Each folded letter remembers the bytes of the
 * original text it came from, so a match can say where it is.
 *
 * Taking the spaces out joins words, and "ass" would then be found in
 * "a classic". So a term in a script that spaces its words must begin and
 * end on a word's edges, and may span a space only where the term itself has
 * one or where a lone letter stands beside it ("s e x"): two whole words
 * ("an al") are left alone. Chinese and Japanese have no spaces to go by, so
 * their terms match anywhere; an "allow" entry lets an ordinary word that
 * contains one (特色情调 holds 色情) pass.
 *
 * Leetspeak ("p0rn", "$3x", "r@pe") is read back into letters in a second
 * copy of the text, checked as well as the text itself. Only a word that
 * mixes Latin letters with digits or @ and $ is read so: "Scene 3",
 * "4 apples" and "1984" stay numbers. A 1 may stand for i or l, so a text
 * with one is read both ways.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "storyreel-prompt"

#include "config.h"

#include <glib/gi18n.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

#include "reel-prompt-data.h"
#include "reel-safety-screen.h"

#define BLOCKLIST "blocklist.tsv"
#define ALLOW_CATEGORY "allow"
#define OTHER_CATEGORY "other"

typedef enum
{
  GAP_NONE,
  GAP_TIGHT, /* punctuation or symbols only */
  GAP_SPACE,
} Gap;

/* A letter, digit or mark of the folded text. */
typedef struct
{
  UChar32  c;
  gsize    start; /* the bytes of the original text it came from */
  gsize    end;
  guint    piece; /* the run of units between two separators it belongs to */
  Gap      gap;   /* what separated it from the unit before */
  gboolean edge;  /* a word may begin here */
} Unit;

typedef struct
{
  GArray *units;      /* Unit */
  GArray *piece_lens; /* guint, units per piece */
} Folded;

typedef struct
{
  char     *term;
  char     *category;
  UChar32  *key;
  gboolean *gaps; /* the term itself has a gap before key[i] */
  guint     len;
  gboolean  spaced; /* its script separates words with spaces */
  gboolean  allow;
} Entry;

struct _ReelSafetyScreen
{
  GObject parent_instance;

  GPtrArray          *entries;  /* Entry* */
  GHashTable         *by_first; /* first code point → GPtrArray of Entry* */
  const UNormalizer2 *fold;
  UTransliterator    *to_simplified;
  /* ICU's transliterators keep state while they work. */
  GMutex mutex;
};

G_DEFINE_FINAL_TYPE (ReelSafetyScreen, reel_safety_screen, G_TYPE_OBJECT)

GQuark
reel_safety_error_quark (void)
{
  return g_quark_from_static_string ("reel-safety-error-quark");
}

static void
entry_free (Entry *entry)
{
  g_free (entry->term);
  g_free (entry->category);
  g_free (entry->key);
  g_free (entry->gaps);
  g_free (entry);
}

static void
folded_free (Folded *folded)
{
  g_array_unref (folded->units);
  g_array_unref (folded->piece_lens);
  g_free (folded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Folded, folded_free)

static void
reel_safety_screen_finalize (GObject *object)
{
  ReelSafetyScreen *self = REEL_SAFETY_SCREEN (object);

  g_clear_pointer (&self->by_first, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->to_simplified, utrans_close);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (reel_safety_screen_parent_class)->finalize (object);
}

static void
reel_safety_screen_class_init (ReelSafetyScreenClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_safety_screen_finalize;
}

static void
reel_safety_screen_init (ReelSafetyScreen *self)
{
  g_mutex_init (&self->mutex);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->by_first = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

/* ------------------------------------------------------------------------ */
/* Folding                                                                   */

static gboolean
is_unspaced_script (UChar32 c)
{
  UErrorCode status = U_ZERO_ERROR;
  int        script = uscript_getScript (c, &status);

  switch (script)
    {
      case USCRIPT_HAN:
      case USCRIPT_HIRAGANA:
      case USCRIPT_KATAKANA:
      case USCRIPT_THAI:
      case USCRIPT_LAO:
      case USCRIPT_KHMER:
      case USCRIPT_MYANMAR:
      case USCRIPT_TIBETAN:
      case USCRIPT_YI:
        return TRUE;
      default:
        return FALSE;
    }
}

static gboolean
has_han (const UChar *chars, int32_t len)
{
  for (int32_t i = 0; i < len;)
    {
      UErrorCode status = U_ZERO_ERROR;
      UChar32    c;

      U16_NEXT (chars, i, len, c);
      if (uscript_getScript (c, &status) == USCRIPT_HAN)
        return TRUE;
    }
  return FALSE;
}

/* Folds one normalisation chunk of UTF-8 into @out; returns its length. */
static int32_t
fold_chunk (ReelSafetyScreen *self, const char *chunk, gsize len, UChar **out)
{
  UErrorCode            status = U_ZERO_ERROR;
  glong                 n_src = 0;
  g_autofree gunichar2 *src = g_utf8_to_utf16 (chunk, (glong) len, NULL, &n_src, NULL);
  /* NFKC makes at most 18 units of one; that leaves room to transliterate. */
  int32_t capacity = (int32_t) n_src * 18 + 16;
  UChar  *dest = g_new (UChar, capacity);
  int32_t n = 0;

  if (src != NULL)
    n = unorm2_normalize (self->fold, (const UChar *) src, (int32_t) n_src, dest, capacity,
                          &status);
  if (src == NULL || U_FAILURE (status))
    n = 0;
  else if (has_han (dest, n))
    {
      int32_t limit = n;

      g_mutex_lock (&self->mutex);
      utrans_transUChars (self->to_simplified, dest, &n, capacity, 0, &limit, &status);
      g_mutex_unlock (&self->mutex);
      if (U_FAILURE (status))
        n = 0;
    }
  *out = dest;
  return n;
}

static void
add_unit (Folded *folded, UChar32 c, gsize start, gsize end, Gap gap)
{
  Unit        unit = { .c = c, .start = start, .end = end, .gap = gap };
  const Unit *prev = folded->units->len > 0
                         ? &g_array_index (folded->units, Unit, folded->units->len - 1)
                         : NULL;

  if (prev == NULL || gap != GAP_NONE)
    {
      guint empty = 0;

      unit.piece = folded->piece_lens->len;
      g_array_append_val (folded->piece_lens, empty);
    }
  else
    unit.piece = prev->piece;
  g_array_index (folded->piece_lens, guint, unit.piece)++;
  /* Where the script changes, as in "看porn", a word begins too. */
  unit.edge
      = prev == NULL || gap != GAP_NONE || is_unspaced_script (prev->c) || is_unspaced_script (c);
  g_array_append_val (folded->units, unit);
}

static void
add_chunk (
    ReelSafetyScreen *self, Folded *folded, const char *text, gsize start, gsize end, Gap *gap)
{
  g_autofree UChar *chars = NULL;
  int32_t           len = fold_chunk (self, text + start, end - start, &chars);

  for (int32_t i = 0; i < len;)
    {
      UChar32  c;
      uint32_t mask;

      U16_NEXT (chars, i, len, c);
      mask = U_GET_GC_MASK (c);
      if (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK))
        {
          add_unit (folded, c, start, end, *gap);
          *gap = GAP_NONE;
        }
      else if (u_isUWhiteSpace (c) || (mask & (U_GC_CC_MASK | U_GC_Z_MASK)))
        *gap = GAP_SPACE;
      else if (!(mask & U_GC_CF_MASK) && *gap == GAP_NONE)
        *gap = GAP_TIGHT; /* invisible format characters join what they split */
    }
}

static Folded *
fold_text (ReelSafetyScreen *self, const char *text)
{
  Folded     *folded = g_new0 (Folded, 1);
  Gap         gap = GAP_NONE;
  const char *p = text;

  folded->units = g_array_new (FALSE, FALSE, sizeof (Unit));
  folded->piece_lens = g_array_new (FALSE, FALSE, sizeof (guint));

  /* Chunk by chunk, each normalised alone, so that every folded letter
   * knows its source; a chunk ends where normalisation may break. */
  while (*p != '\0')
    {
      const char *end = g_utf8_next_char (p);

      while (*end != '\0' && !unorm2_hasBoundaryBefore (self->fold, g_utf8_get_char (end)))
        end = g_utf8_next_char (end);
      add_chunk (self, folded, text, p - text, end - text, &gap);
      p = end;
    }
  return folded;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                   */

static Entry *
entry_new (ReelSafetyScreen *self, const char *line)
{
  g_auto (GStrv) fields = reel_prompt_data_split_fields (line, 2);
  g_autoptr (Folded) folded = fold_text (self, fields[0]);
  Entry *entry;

  if (folded->units->len == 0)
    return NULL;

  entry = g_new0 (Entry, 1);
  entry->term = g_strdup (fields[0]);
  entry->category = g_strdup (*fields[1] != '\0' ? fields[1] : OTHER_CATEGORY);
  entry->allow = g_str_equal (entry->category, ALLOW_CATEGORY);
  entry->len = folded->units->len;
  entry->key = g_new (UChar32, entry->len);
  entry->gaps = g_new0 (gboolean, entry->len);
  entry->spaced = TRUE;
  for (guint i = 0; i < entry->len; i++)
    {
      const Unit *unit = &g_array_index (folded->units, Unit, i);

      entry->key[i] = unit->c;
      entry->gaps[i] = i > 0 && unit->gap != GAP_NONE;
      if (is_unspaced_script (unit->c))
        entry->spaced = FALSE;
    }
  return entry;
}

static void
add_entry (ReelSafetyScreen *self, Entry *entry)
{
  gpointer   first = GINT_TO_POINTER (entry->key[0]);
  GPtrArray *bucket = g_hash_table_lookup (self->by_first, first);

  if (bucket == NULL)
    {
      bucket = g_ptr_array_new ();
      g_hash_table_insert (self->by_first, first, bucket);
    }
  g_ptr_array_add (bucket, entry);
  g_ptr_array_add (self->entries, entry);
}

static gboolean
open_icu (ReelSafetyScreen *self, GError **error)
{
  static const char id[] = "Traditional-Simplified";
  UChar             uid[sizeof id];
  UErrorCode        status = U_ZERO_ERROR;

  self->fold = unorm2_getNFKCCasefoldInstance (&status);
  if (U_SUCCESS (status))
    self->to_simplified
        = utrans_openU (u_uastrcpy (uid, id), -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
  if (U_FAILURE (status))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   /* Translators: %s is an error name from the ICU library */
                   _ ("The blocklist cannot be used: ICU’s text data is missing (%s)."),
                   u_errorName (status));
      return FALSE;
    }
  return TRUE;
}

/**
 * reel_safety_screen_new:
 * @error: where an unreadable list or missing ICU data is reported
 *
 * Builds a screen from the shipped blocklist and the user's additions.
 *
 * Returns: (transfer full): the screen, or %NULL
 */
ReelSafetyScreen *
reel_safety_screen_new (GError **error)
{
  g_autoptr (ReelSafetyScreen) self = g_object_new (REEL_TYPE_SAFETY_SCREEN, NULL);
  g_autoptr (GPtrArray) lines = NULL;

  if (!open_icu (self, error) || !(lines = reel_prompt_data_read_lines (BLOCKLIST, error)))
    return NULL;

  for (guint i = 0; i < lines->len; i++)
    {
      Entry *entry = entry_new (self, g_ptr_array_index (lines, i));

      if (entry != NULL)
        add_entry (self, entry);
    }
  g_debug ("The blocklist has %u entries", self->entries->len);
  return g_steal_pointer (&self);
}

/**
 * reel_safety_screen_dup_default:
 * @error: where a screen that cannot be built is reported
 *
 * The screen is built on first use and kept: it never changes after, so
 * every thread may share it. A failure is not kept, so the next call tries
 * again.
 *
 * Returns: (transfer full): the process's screen, or %NULL
 */
ReelSafetyScreen *
reel_safety_screen_dup_default (GError **error)
{
  static GMutex            lock;
  static ReelSafetyScreen *screen;
  ReelSafetyScreen        *result;

  g_mutex_lock (&lock);
  if (screen == NULL)
    screen = reel_safety_screen_new (error);
  result = screen != NULL ? g_object_ref (screen) : NULL;
  g_mutex_unlock (&lock);
  return result;
}

guint
reel_safety_screen_get_n_entries (ReelSafetyScreen *self)
{
  g_return_val_if_fail (REEL_IS_SAFETY_SCREEN (self), 0);

  return self->entries->len;
}

/* ------------------------------------------------------------------------ */
/* Matching                                                                  */

static guint
piece_len (const Folded *text, guint piece)
{
  return g_array_index (text->piece_lens, guint, piece);
}

/* See the top of the file: words' edges, and which spaces a term may span. */
static gboolean
on_word_edges (const Entry *entry, const Folded *text, guint at)
{
  const Unit *units = (const Unit *) (gpointer) text->units->data;
  guint       end = at + entry->len;

  if (!units[at].edge || (end < text->units->len && !units[end].edge))
    return FALSE;
  for (guint k = at + 1; k < end; k++)
    if (units[k].gap == GAP_SPACE && !entry->gaps[k - at]
        && piece_len (text, units[k - 1].piece) > 1 && piece_len (text, units[k].piece) > 1)
      return FALSE;
  return TRUE;
}

static gboolean
matches_at (const Entry *entry, const Folded *text, guint at)
{
  const Unit *units = (const Unit *) (gpointer) text->units->data;

  if (at + entry->len > text->units->len)
    return FALSE;
  for (guint i = 0; i < entry->len; i++)
    if (units[at + i].c != entry->key[i])
      return FALSE;
  return !entry->spaced || on_word_edges (entry, text, at);
}

/* The longest entry of the kind asked for that matches at @at, or NULL. */
static const Entry *
longest_at (ReelSafetyScreen *self, const Folded *text, guint at, gboolean allow)
{
  const Unit  *unit = &g_array_index (text->units, Unit, at);
  GPtrArray   *bucket = g_hash_table_lookup (self->by_first, GINT_TO_POINTER (unit->c));
  const Entry *best = NULL;

  for (guint i = 0; bucket != NULL && i < bucket->len; i++)
    {
      const Entry *entry = g_ptr_array_index (bucket, i);

      if (entry->allow == allow && (best == NULL || entry->len > best->len)
          && matches_at (entry, text, at))
        best = entry;
    }
  return best;
}

/* Marks the units an "allow" entry covers. */
static gboolean *
allowed_units (ReelSafetyScreen *self, const Folded *text)
{
  gboolean *allowed = g_new0 (gboolean, text->units->len + 1);

  for (guint at = 0; at < text->units->len; at++)
    {
      const Entry *entry = longest_at (self, text, at, TRUE);

      for (guint i = 0; entry != NULL && i < entry->len; i++)
        allowed[at + i] = TRUE;
    }
  return allowed;
}

/* ------------------------------------------------------------------------ */
/* Leetspeak                                                                 */

/* The letter an ASCII digit or symbol stands for in leetspeak, or 0. */
static char
leet_letter (char c, char one_as)
{
  switch (c)
    {
      case '0':
        return 'o';
      case '1':
        return one_as;
      case '3':
        return 'e';
      case '4':
      case '@':
        return 'a';
      case '5':
      case '$':
        return 's';
      case '7':
        return 't';
      default:
        return 0;
    }
}

/* Words here end at spaces and where an unspaced script begins, so that
 * "第3场" is no word with Latin letters in it, but "p.0.r.n" is one. */
static gboolean
ends_word (gunichar c)
{
  return g_unichar_isspace (c) || is_unspaced_script ((UChar32) c);
}

/* A copy of @text with the leetspeak of its mixed words read as letters,
 * byte for byte (every substitution is ASCII for ASCII, so a match's place
 * holds in @text too); NULL when no word mixes them. @has_one: whether a 1
 * was read, and reading it as l may differ. */
static char *
leet_to_letters (const char *text, char one_as, gboolean *has_one)
{
  g_autofree char *copy = g_strdup (text);
  gboolean         changed = FALSE;
  const char      *p = text;

  *has_one = FALSE;
  while (*p != '\0')
    {
      const char *word;
      gboolean    letters = FALSE, leet = FALSE;

      while (*p != '\0' && ends_word (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      word = p;
      for (; *p != '\0' && !ends_word (g_utf8_get_char (p)); p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (leet_letter (*p, 'i') != 0)
            leet = TRUE;
          else if (g_unichar_isalpha (c))
            {
              UErrorCode status = U_ZERO_ERROR;

              letters = letters || uscript_getScript ((UChar32) c, &status) == USCRIPT_LATIN;
            }
        }
      if (!letters || !leet)
        continue;
      for (const char *q = word; q < p; q++)
        {
          char letter = leet_letter (*q, one_as);

          if (letter == 0)
            continue;
          copy[q - text] = letter;
          changed = TRUE;
          if (*q == '1')
            *has_one = TRUE;
        }
    }
  return changed ? g_steal_pointer (&copy) : NULL;
}

/* @text, as it is folded, against the list. */
static gboolean
check_folded (ReelSafetyScreen *self, const char *text, ReelSafetyMatch *match)
{
  g_autoptr (Folded) folded = fold_text (self, text);
  g_autofree gboolean *allowed = allowed_units (self, folded);

  for (guint at = 0; at < folded->units->len; at++)
    {
      const Entry *entry = longest_at (self, folded, at, FALSE);
      guint        i;

      if (entry == NULL)
        continue;
      for (i = 0; i < entry->len && allowed[at + i]; i++)
        ;
      if (i == entry->len)
        continue;
      if (match != NULL)
        *match = (ReelSafetyMatch){
          .term = entry->term,
          .category = entry->category,
          .start = g_array_index (folded->units, Unit, at).start,
          .end = g_array_index (folded->units, Unit, at + entry->len - 1).end,
        };
      return TRUE;
    }
  return FALSE;
}

/**
 * reel_safety_screen_check:
 * @self: a screen
 * @text: UTF-8 text, such as a prompt
 * @match: (out caller-allocates) (optional): where the first blocked entry
 *   matched
 *
 * Returns: %TRUE when @text contains a blocked entry
 */
gboolean
reel_safety_screen_check (ReelSafetyScreen *self, const char *text, ReelSafetyMatch *match)
{
  g_return_val_if_fail (REEL_IS_SAFETY_SCREEN (self), TRUE);
  g_return_val_if_fail (text != NULL && g_utf8_validate (text, -1, NULL), TRUE);

  if (check_folded (self, text, match))
    return TRUE;
  for (const char *one_as = "il"; *one_as != '\0'; one_as++)
    {
      gboolean         has_one;
      g_autofree char *letters = leet_to_letters (text, *one_as, &has_one);

      if (letters == NULL)
        return FALSE;
      if (check_folded (self, letters, match))
        return TRUE;
      if (!has_one)
        return FALSE;
    }
  return FALSE;
}

/**
 * reel_safety_screen_allows:
 * @self: a screen
 * @text: UTF-8 text, such as a prompt
 * @error: says what was blocked and why, for the user
 *
 * Returns: %TRUE when @text contains nothing blocked
 */
gboolean
reel_safety_screen_allows (ReelSafetyScreen *self, const char *text, GError **error)
{
  ReelSafetyMatch match;

  if (!reel_safety_screen_check (self, text, &match))
    return TRUE;

  /* The text itself only in debug output: logs get shared. */
  g_debug ("Blocked for “%s” (%s) at %" G_GSIZE_FORMAT "–%" G_GSIZE_FORMAT ": %s", match.term,
           match.category, match.start, match.end, text);
  g_set_error (error, REEL_SAFETY_ERROR, REEL_SAFETY_ERROR_BLOCKED,
               /* Translators: the first %s is a blocklist entry, the second
                * why it is blocked, such as “extreme gore” */
               _ ("Blocked before sending: “%s” (%s) is on the blocklist. Reword the shot."),
               match.term, reel_safety_category_get_label (match.category));
  return FALSE;
}

const char *
reel_safety_category_get_label (const char *category)
{
  static const struct
  {
    const char *category;
    const char *label;
  } labels[] = {
    { "minors", N_ ("sexual content involving minors") },
    { "sexual", N_ ("explicit sexual content") },
    { "gore", N_ ("extreme gore") },
    { "self-harm", N_ ("self-harm") },
    { "deepfake", N_ ("a real person’s likeness") },
    { OTHER_CATEGORY, N_ ("added by you") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (category, labels[i].category) == 0)
      return _ (labels[i].label);
  return category;
}
