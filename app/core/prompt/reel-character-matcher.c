/* reel-character-matcher.c
 *
 * A shot gets a character's description when it mentions them, so the
 * matcher errs towards missing a mention rather than inventing one: a wrong
 * description in a prompt changes who is on screen. Hence whole English
 * words only, a one-character Chinese name only where ICU's dictionary says
 * it is a word of its own (王 but not 王国), and a pronoun only where one
 * character could be meant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "storyreel-prompt"

#include "config.h"

#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "reel-character-matcher.h"
#include "reel-prompt-data.h"

typedef struct
{
  char    *folded;      /* the name, alias or pronoun, normalised and case-folded */
  gint64   id;          /* the character's, or 0 for a pronoun */
  char    *pronoun;     /* a pronoun's class, for a pronoun */
  gboolean single_wide; /* one CJK character, matched on word boundaries only */
} Term;

struct _ReelCharacterMatcher
{
  GObject parent_instance;

  GPtrArray  *terms;     /* Term* */
  GHashTable *pronouns;  /* gint64* id → class the character goes by */
  GArray     *mentioned; /* gint64, the scene's characters so far */
};

G_DEFINE_FINAL_TYPE (ReelCharacterMatcher, reel_character_matcher, G_TYPE_OBJECT)

static void
term_free (Term *term)
{
  g_free (term->folded);
  g_free (term->pronoun);
  g_free (term);
}

static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (normalized != NULL ? normalized : "", -1);
}

/* Letters of scripts written without spaces between words. */
static gboolean
is_unspaced_wide (gunichar c)
{
  return g_unichar_iswide (c) && g_unichar_get_script (c) != G_UNICODE_SCRIPT_HANGUL;
}

static void
add_term (ReelCharacterMatcher *self, const char *text, gint64 id, const char *pronoun)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  Term            *term;

  if (*stripped == '\0')
    return;
  term = g_new0 (Term, 1);
  term->folded = fold (stripped);
  term->id = id;
  term->pronoun = g_strdup (pronoun);
  term->single_wide
      = g_utf8_strlen (term->folded, -1) == 1 && is_unspaced_wide (g_utf8_get_char (term->folded));
  g_ptr_array_add (self->terms, term);
}

static void
load_pronouns (ReelCharacterMatcher *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = reel_prompt_data_read_lines ("pronouns.tsv", &error);

  if (lines == NULL)
    {
      g_warning ("Could not read the pronouns: %s", error->message);
      return;
    }
  for (guint i = 0; i < lines->len; i++)
    {
      g_auto (GStrv) fields = reel_prompt_data_split_fields (g_ptr_array_index (lines, i), 2);

      if (*fields[1] != '\0')
        add_term (self, fields[0], 0, fields[1]);
    }
}

static void
reel_character_matcher_finalize (GObject *object)
{
  ReelCharacterMatcher *self = REEL_CHARACTER_MATCHER (object);

  g_clear_pointer (&self->terms, g_ptr_array_unref);
  g_clear_pointer (&self->pronouns, g_hash_table_unref);
  g_clear_pointer (&self->mentioned, g_array_unref);

  G_OBJECT_CLASS (reel_character_matcher_parent_class)->finalize (object);
}

static void
reel_character_matcher_class_init (ReelCharacterMatcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_character_matcher_finalize;
}

static void
reel_character_matcher_init (ReelCharacterMatcher *self)
{
  self->terms = g_ptr_array_new_with_free_func ((GDestroyNotify) term_free);
  self->pronouns = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->mentioned = g_array_new (FALSE, FALSE, sizeof (gint64));
  load_pronouns (self);
}

ReelCharacterMatcher *
reel_character_matcher_new (void)
{
  return g_object_new (REEL_TYPE_CHARACTER_MATCHER, NULL);
}

void
reel_character_matcher_add_character (ReelCharacterMatcher *self,
                                      gint64                id,
                                      const char           *name,
                                      const char *const    *aliases,
                                      const char           *pronoun)
{
  g_return_if_fail (REEL_IS_CHARACTER_MATCHER (self));
  g_return_if_fail (id != 0);

  add_term (self, name, id, NULL);
  for (guint i = 0; aliases != NULL && aliases[i] != NULL; i++)
    add_term (self, aliases[i], id, NULL);
  if (pronoun != NULL && *pronoun != '\0')
    g_hash_table_insert (self->pronouns, g_memdup2 (&id, sizeof id), g_strdup (pronoun));
}

void
reel_character_matcher_begin_scene (ReelCharacterMatcher *self)
{
  g_return_if_fail (REEL_IS_CHARACTER_MATCHER (self));
  g_array_set_size (self->mentioned, 0);
}

/* The byte offsets of @text where ICU puts a word boundary. */
static GHashTable *
word_boundaries (const char *text)
{
  GHashTable     *boundaries = g_hash_table_new (NULL, NULL);
  UErrorCode      status = U_ZERO_ERROR;
  UText          *utext = utext_openUTF8 (NULL, text, -1, &status);
  UBreakIterator *iter = U_SUCCESS (status) ? ubrk_open (UBRK_WORD, "zh", NULL, 0, &status) : NULL;

  if (iter != NULL && U_SUCCESS (status))
    ubrk_setUText (iter, utext, &status);
  if (iter != NULL && U_SUCCESS (status))
    for (int32_t b = ubrk_first (iter); b != UBRK_DONE; b = ubrk_next (iter))
      g_hash_table_add (boundaries, GINT_TO_POINTER (b));
  else
    g_warning ("ICU cannot find the words of a shot: %s", u_errorName (status));

  g_clear_pointer (&iter, ubrk_close);
  g_clear_pointer (&utext, utext_close);
  return boundaries;
}

/* Whether the character at @p joins a word with the term next to it: a letter or digit of a
 * script written with spaces. */
static gboolean
continues_word (const char *p)
{
  gunichar c = g_utf8_get_char (p);

  return c != 0 && g_unichar_isalnum (c) && !is_unspaced_wide (c);
}

static gboolean
term_matches_at (const Term *term, const char *text, gsize at, GHashTable **boundaries)
{
  gsize length = strlen (term->folded);

  if (strncmp (text + at, term->folded, length) != 0)
    return FALSE;
  if (term->single_wide)
    {
      if (*boundaries == NULL)
        *boundaries = word_boundaries (text);
      return g_hash_table_contains (*boundaries, GSIZE_TO_POINTER (at))
             && g_hash_table_contains (*boundaries, GSIZE_TO_POINTER (at + length));
    }
  /* A term that starts or ends with a spaced letter must not run into more of them. */
  if (continues_word (term->folded) && at > 0
      && continues_word (g_utf8_find_prev_char (text, text + at)))
    return FALSE;
  if (continues_word (g_utf8_find_prev_char (term->folded, term->folded + length))
      && continues_word (text + at + length))
    return FALSE;
  return TRUE;
}

static void
add_mention (GArray *ids, gint64 id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return;
  g_array_append_val (ids, id);
}

/* The one character mentioned so far in the scene whom a pronoun of @pronoun's class can
 * mean, or 0. A character with no known pronoun could be meant by "he" or "she", but not by
 * "they", which as often means a group: only a character who goes by "they" is. */
static gint64
resolve_pronoun (ReelCharacterMatcher *self, const char *pronoun)
{
  gint64 found = 0;

  for (guint i = 0; i < self->mentioned->len; i++)
    {
      gint64      id = g_array_index (self->mentioned, gint64, i);
      const char *goes_by = g_hash_table_lookup (self->pronouns, &id);

      if (goes_by != NULL ? !g_str_equal (goes_by, pronoun) : g_str_equal (pronoun, "they"))
        continue;
      if (found != 0)
        return 0;
      found = id;
    }
  return found;
}

GArray *
reel_character_matcher_match (ReelCharacterMatcher *self, const char *text)
{
  g_autofree char *folded = NULL;
  g_autoptr (GHashTable) boundaries = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gsize   at = 0;

  g_return_val_if_fail (REEL_IS_CHARACTER_MATCHER (self), ids);

  folded = fold (text != NULL ? text : "");
  while (folded[at] != '\0')
    {
      const Term *best = NULL;
      gint64      id;

      /* The longest term wins, so 李明华 is not read as 李明. */
      for (guint i = 0; i < self->terms->len; i++)
        {
          const Term *term = g_ptr_array_index (self->terms, i);

          if ((best == NULL || strlen (term->folded) > strlen (best->folded))
              && term_matches_at (term, folded, at, &boundaries))
            best = term;
        }
      if (best == NULL)
        {
          at = g_utf8_next_char (folded + at) - folded;
          continue;
        }
      at += strlen (best->folded);
      id = best->id != 0 ? best->id : resolve_pronoun (self, best->pronoun);
      if (id == 0)
        continue;
      add_mention (ids, id);
      add_mention (self->mentioned, id);
    }
  return ids;
}
