/* reel-segmenter.c: sentences, shot-sized groups and reading time, through ICU
 *
 * ICU break iterators run on a UText over the UTF-8 string itself, so every boundary they
 * return is a byte offset into the caller's text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-script"

#include "config.h"

#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "reel-segmenter.h"

#define WORDS_PER_SECOND 3.0
#define CJK_CHARS_PER_SECOND 5.0
#define MIN_READING_SECONDS 1.5

/* Opening an ICU break iterator builds its rules (and, for sentences, the abbreviation filter)
 * every time, which costs far more than using one; so each thread keeps its own pair. */
typedef struct
{
  UBreakIterator *sentence;
  UBreakIterator *word;
} ThreadIterators;

static void
thread_iterators_free (gpointer data)
{
  ThreadIterators *iterators = data;

  g_clear_pointer (&iterators->sentence, ubrk_close);
  g_clear_pointer (&iterators->word, ubrk_close);
  g_free (iterators);
}

static GPrivate thread_iterators = G_PRIVATE_INIT (thread_iterators_free);

static UBreakIterator *
open_iterator (UBreakIteratorType type)
{
  UErrorCode      status = U_ZERO_ERROR;
  UBreakIterator *iter = NULL;

  /* "ss=standard" keeps "Mr. Smith" and "e.g. this" in one sentence. */
  if (type == UBRK_SENTENCE)
    iter = ubrk_open (type, "en@ss=standard", NULL, 0, &status);

  if (iter == NULL || U_FAILURE (status))
    {
      g_clear_pointer (&iter, ubrk_close);
      status = U_ZERO_ERROR;
      iter = ubrk_open (type, "", NULL, 0, &status);
    }

  if (U_FAILURE (status))
    {
      g_warning ("ICU cannot open a break iterator: %s", u_errorName (status));
      g_clear_pointer (&iter, ubrk_close);
    }

  return iter;
}

static UBreakIterator *
get_iterator (UBreakIteratorType type)
{
  ThreadIterators *iterators = g_private_get (&thread_iterators);
  UBreakIterator **slot;

  if (iterators == NULL)
    {
      iterators = g_new0 (ThreadIterators, 1);
      g_private_set (&thread_iterators, iterators);
    }

  slot = type == UBRK_SENTENCE ? &iterators->sentence : &iterators->word;
  if (*slot == NULL)
    *slot = open_iterator (type);

  return *slot;
}

typedef struct
{
  UText          *text;
  UBreakIterator *iter; /* borrowed from the thread's iterators */
} Breaker;

static void
breaker_clear (Breaker *breaker)
{
  breaker->iter = NULL;
  g_clear_pointer (&breaker->text, utext_close);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Breaker, breaker_clear)

static gboolean
breaker_open (Breaker *breaker, UBreakIteratorType type, const char *text, gsize length)
{
  UErrorCode status = U_ZERO_ERROR;

  breaker->iter = get_iterator (type);
  if (breaker->iter == NULL)
    return FALSE;

  breaker->text = utext_openUTF8 (NULL, text, (int64_t) length, &status);
  if (U_SUCCESS (status))
    ubrk_setUText (breaker->iter, breaker->text, &status);

  if (U_FAILURE (status))
    {
      g_warning ("ICU cannot read the text: %s", u_errorName (status));
      return FALSE;
    }

  return TRUE;
}

/* Letters of scripts written without spaces between words: one of them is read like a word. */
static gboolean
is_unspaced_wide (gunichar c)
{
  return g_unichar_iswide (c) && g_unichar_get_script (c) != G_UNICODE_SCRIPT_HANGUL;
}

char *
reel_segmenter_normalize_space (const char *text)
{
  GString    *out;
  const char *p;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));
  p = text;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          gboolean has_newline = FALSE;
          gunichar before = 0, after;

          while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
            {
              if (*p == '\n')
                has_newline = TRUE;
              p = g_utf8_next_char (p);
            }

          if (out->len == 0 || *p == '\0')
            continue;

          before = g_utf8_get_char (g_utf8_find_prev_char (out->str, out->str + out->len));
          after = g_utf8_get_char (p);
          if (has_newline && is_unspaced_wide (before) && is_unspaced_wide (after))
            continue;

          g_string_append_c (out, ' ');
          continue;
        }

      g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}

/* A line that runs to about the width of the longest one was wrapped by the writer's editor,
 * not ended by the writer. */
#define WRAPPED_LINE_MIN_CHARS 12
#define WRAPPED_LINE_SHARE 0.8

char *
reel_segmenter_join_lines (const char *text)
{
  g_auto (GStrv) lines = NULL;
  GString *out;
  glong    longest = 0;

  if (text == NULL)
    return g_strdup ("");

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    longest = MAX (longest, g_utf8_strlen (g_strstrip (lines[i]), -1));

  out = g_string_sized_new (strlen (text));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      gunichar    before, after;
      glong       previous_length;

      if (*line == '\0')
        continue;
      if (out->len == 0)
        {
          g_string_append (out, line);
          continue;
        }

      before = g_utf8_get_char (g_utf8_find_prev_char (out->str, out->str + out->len));
      after = g_utf8_get_char (line);
      previous_length = g_utf8_strlen (lines[i - 1], -1);
      if (!is_unspaced_wide (before) || !is_unspaced_wide (after))
        g_string_append_c (out, '\n');
      else if (!g_unichar_ispunct (before) && !g_unichar_ispunct (after)
               && (previous_length < WRAPPED_LINE_MIN_CHARS
                   || previous_length < longest * WRAPPED_LINE_SHARE))
        /* "小男孩" over "妈妈，你一定要回来！": two things, which must not run together. */
        g_string_append_c (out, ' ');
      g_string_append (out, line);
    }

  return g_string_free (out, FALSE);
}

static void
count_units (const char *text, gsize length, guint *words, guint *cjk_chars)
{
  g_auto (Breaker) breaker = { 0 };
  int32_t start, end;

  *words = 0;
  *cjk_chars = 0;

  if (text == NULL || length == 0 || !breaker_open (&breaker, UBRK_WORD, text, length))
    return;

  for (start = ubrk_first (breaker.iter), end = ubrk_next (breaker.iter); end != UBRK_DONE;
       start = end, end = ubrk_next (breaker.iter))
    {
      int32_t rule = ubrk_getRuleStatus (breaker.iter);

      if (rule >= UBRK_WORD_KANA && rule < UBRK_WORD_IDEO_LIMIT)
        *cjk_chars += (guint) g_utf8_strlen (text + start, end - start);
      else if (rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_LETTER_LIMIT)
        *words += 1;
    }
}

guint
reel_segmenter_count_words (const char *text)
{
  guint words, cjk_chars;

  if (text == NULL)
    return 0;

  count_units (text, strlen (text), &words, &cjk_chars);
  return words + cjk_chars;
}

double
reel_segmenter_reading_seconds (const char *text)
{
  guint words = 0, cjk_chars = 0;

  if (text != NULL)
    count_units (text, strlen (text), &words, &cjk_chars);

  return MAX (MIN_READING_SECONDS, words / WORDS_PER_SECOND + cjk_chars / CJK_CHARS_PER_SECOND);
}

/* Byte ranges [start, end) of the sentences of @text. */
static GArray *
sentence_bounds (const char *text, gsize length)
{
  g_auto (Breaker) breaker = { 0 };
  GArray *bounds = g_array_new (FALSE, FALSE, sizeof (int32_t));
  int32_t b;

  if (length == 0 || !breaker_open (&breaker, UBRK_SENTENCE, text, length))
    {
      int32_t zero = 0, all = (int32_t) length;

      g_array_append_val (bounds, zero);
      if (length > 0)
        g_array_append_val (bounds, all);
      return bounds;
    }

  for (b = ubrk_first (breaker.iter); b != UBRK_DONE; b = ubrk_next (breaker.iter))
    g_array_append_val (bounds, b);

  return bounds;
}

static void
add_if_not_empty (GPtrArray *out, const char *start, gsize length)
{
  g_autofree char *raw = g_strndup (start, length);
  char            *normalized = reel_segmenter_normalize_space (raw);

  if (*normalized != '\0')
    g_ptr_array_add (out, normalized);
  else
    g_free (normalized);
}

GPtrArray *
reel_segmenter_split_sentences (const char *text)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) bounds = NULL;

  if (text == NULL)
    return out;

  bounds = sentence_bounds (text, strlen (text));
  for (guint i = 0; i + 1 < bounds->len; i++)
    {
      int32_t start = g_array_index (bounds, int32_t, i);
      int32_t end = g_array_index (bounds, int32_t, i + 1);

      add_if_not_empty (out, text + start, end - start);
    }

  return out;
}

GPtrArray *
reel_segmenter_group_sentences (const char *paragraph, guint max_words, guint max_cjk_chars)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) bounds = NULL;
  g_autofree char *text = NULL;
  int32_t          group_start = -1, group_end = -1;
  double           group_weight = 0;

  g_return_val_if_fail (max_words > 0 && max_cjk_chars > 0, out);

  if (paragraph == NULL)
    return out;

  text = reel_segmenter_join_lines (paragraph);
  bounds = sentence_bounds (text, strlen (text));
  for (guint i = 0; i + 1 < bounds->len; i++)
    {
      int32_t start = g_array_index (bounds, int32_t, i);
      int32_t end = g_array_index (bounds, int32_t, i + 1);
      guint   words, cjk_chars;
      double  weight;

      count_units (text + start, end - start, &words, &cjk_chars);
      /* A sentence's share of a full shot, whatever mix of scripts it is written in. */
      weight = (double) words / max_words + (double) cjk_chars / max_cjk_chars;

      if (group_start >= 0 && group_weight > 0 && group_weight + weight > 1.0 + 1e-9)
        {
          add_if_not_empty (out, text + group_start, group_end - group_start);
          group_start = -1;
          group_weight = 0;
        }

      if (group_start < 0)
        group_start = start;
      group_end = end;
      group_weight += weight;
    }

  if (group_start >= 0)
    add_if_not_empty (out, text + group_start, group_end - group_start);

  return out;
}
