/* reel-captions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include "reel-captions.h"

typedef struct
{
  gint32 start; /* UTF-16 offsets into the paragraph */
  gint32 end;
  guint  width;          /* columns, trailing spaces included */
  guint  trailing_space; /* columns of the spaces at its end */
} Segment;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UBreakIterator, ubrk_close)

static guint
codepoint_columns (UChar32 c)
{
  int category = u_charType (c);
  int east_asian_width;

  if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x200b)
    return 0;
  if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK || category == U_FORMAT_CHAR)
    return 0;

  east_asian_width = u_getIntPropertyValue (c, UCHAR_EAST_ASIAN_WIDTH);
  if (east_asian_width == U_EA_WIDE || east_asian_width == U_EA_FULLWIDTH)
    return 2;
  return 1;
}

guint
reel_captions_get_columns (const char *text)
{
  guint columns = 0;

  g_return_val_if_fail (text != NULL, 0);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    columns += codepoint_columns (g_utf8_get_char (p));
  return columns;
}

static void
measure_range (const UChar *text, gint32 start, gint32 end, guint *width, guint *trailing_space)
{
  gint32 i = start;

  *width = 0;
  *trailing_space = 0;
  while (i < end)
    {
      UChar32 c;
      guint   columns;

      U16_NEXT (text, i, end, c);
      columns = codepoint_columns (c);
      *width += columns;
      if (u_isUWhiteSpace (c))
        *trailing_space += columns;
      else
        *trailing_space = 0;
    }
}

/* Splits a segment too wide for any line between its grapheme clusters. */
static void
append_split_segment (GArray         *segments,
                      UBreakIterator *characters,
                      const UChar    *text,
                      gint32          start,
                      gint32          end,
                      guint           max_columns)
{
  gint32 piece_start = start;
  gint32 piece_end = start;

  while (piece_end < end)
    {
      gint32 next = ubrk_following (characters, piece_end);
      guint  width, trailing;

      if (next == UBRK_DONE || next > end)
        next = end;

      measure_range (text, piece_start, next, &width, &trailing);
      if (width - trailing > max_columns && piece_end > piece_start)
        {
          Segment piece = { piece_start, piece_end, 0, 0 };

          measure_range (text, piece_start, piece_end, &piece.width, &piece.trailing_space);
          g_array_append_val (segments, piece);
          piece_start = piece_end;
        }
      piece_end = next;
    }

  if (piece_start < end)
    {
      Segment piece = { piece_start, end, 0, 0 };

      measure_range (text, piece_start, end, &piece.width, &piece.trailing_space);
      g_array_append_val (segments, piece);
    }
}

static GArray *
split_into_segments (const UChar *text, gint32 length, guint max_columns)
{
  g_autoptr (GArray) segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr (UBreakIterator) lines = NULL;
  g_autoptr (UBreakIterator) characters = NULL;
  UErrorCode status = U_ZERO_ERROR;
  gint32     start, end;

  lines = ubrk_open (UBRK_LINE, "", text, length, &status);
  if (U_SUCCESS (status))
    characters = ubrk_open (UBRK_CHARACTER, "", text, length, &status);
  if (U_FAILURE (status))
    {
      Segment whole = { 0, length, 0, 0 };

      g_debug ("ICU break iterator unavailable: %s", u_errorName (status));
      measure_range (text, 0, length, &whole.width, &whole.trailing_space);
      g_array_append_val (segments, whole);
      return g_steal_pointer (&segments);
    }

  start = ubrk_first (lines);
  for (end = ubrk_next (lines); end != UBRK_DONE; start = end, end = ubrk_next (lines))
    {
      Segment segment = { start, end, 0, 0 };

      measure_range (text, start, end, &segment.width, &segment.trailing_space);
      if (segment.width - segment.trailing_space > max_columns)
        append_split_segment (segments, characters, text, start, end, max_columns);
      else
        g_array_append_val (segments, segment);
    }

  return g_steal_pointer (&segments);
}

/* Columns of segments [first, last] on one line: the last one's trailing
 * spaces fall at the line break and are not shown. */
static guint
line_columns (const Segment *segments, guint first, guint last)
{
  guint width = 0;

  for (guint i = first; i < last; i++)
    width += segments[i].width;
  return width + segments[last].width - segments[last].trailing_space;
}

static void
append_line (GString *out, const UChar *text, gint32 start, gint32 end)
{
  g_autofree char *utf8
      = g_utf16_to_utf8 ((const gunichar2 *) text + start, end - start, NULL, NULL, NULL);

  if (utf8 == NULL)
    return;
  g_strstrip (utf8);
  if (*utf8 == '\0')
    return;
  if (out->len > 0)
    g_string_append_c (out, '\n');
  g_string_append (out, utf8);
}

static void
wrap_paragraph (GString *out, const char *paragraph, guint max_columns)
{
  g_autofree gunichar2 *text16 = NULL;
  g_autoptr (GArray) segment_array = NULL;
  g_autoptr (GArray) line_starts = g_array_new (FALSE, FALSE, sizeof (guint));
  const UChar   *text;
  const Segment *segments;
  glong          length = 0;
  guint          n, first = 0;

  text16 = g_utf8_to_utf16 (paragraph, -1, NULL, &length, NULL);
  if (text16 == NULL || length == 0)
    return;
  text = (const UChar *) text16;

  segment_array = split_into_segments (text, (gint32) length, max_columns);
  segments = (const Segment *) segment_array->data;
  n = segment_array->len;
  if (n == 0)
    return;

  /* Greedy filling first: it gives the fewest lines. */
  g_array_append_val (line_starts, first);
  for (guint i = 1; i < n; i++)
    {
      if (line_columns (segments, first, i) > max_columns)
        {
          first = i;
          g_array_append_val (line_starts, first);
        }
    }

  /* Two lines read best when balanced, the top one no longer than the bottom. */
  if (line_starts->len == 2)
    {
      guint best_split = g_array_index (line_starts, guint, 1);
      guint best_longest = G_MAXUINT;

      for (guint split = 1; split < n; split++)
        {
          guint top = line_columns (segments, 0, split - 1);
          guint bottom = line_columns (segments, split, n - 1);
          guint longest = MAX (top, bottom);

          if (top > max_columns || bottom > max_columns)
            continue;
          if (longest < best_longest || (longest == best_longest && top <= bottom))
            {
              best_longest = longest;
              best_split = split;
            }
        }
      g_array_index (line_starts, guint, 1) = best_split;
    }

  for (guint line = 0; line < line_starts->len; line++)
    {
      guint line_first = g_array_index (line_starts, guint, line);
      guint line_end
          = line + 1 < line_starts->len ? g_array_index (line_starts, guint, line + 1) : n;

      append_line (out, text, segments[line_first].start, segments[line_end - 1].end);
    }
}

char *
reel_captions_wrap (const char *text, guint max_columns)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GRegex) blanks = g_regex_new ("[ \\t]+", 0, 0, NULL);
  g_auto (GStrv) paragraphs = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  max_columns = MAX (max_columns, 2);
  paragraphs = g_regex_split_simple ("\\r?\\n|\\r", text, 0, 0);
  for (guint i = 0; paragraphs[i] != NULL; i++)
    {
      g_autofree char *collapsed = NULL;

      /* Runs of spaces and tabs show as one space. */
      collapsed = g_regex_replace_literal (blanks, paragraphs[i], -1, 0, " ", 0, NULL);
      if (collapsed == NULL)
        continue;
      wrap_paragraph (out, collapsed, max_columns);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Subtitle writing */

typedef enum
{
  SUBTITLE_SRT,
  SUBTITLE_WEBVTT,
} SubtitleFormat;

static void
append_timestamp (GString *out, gint64 milliseconds, SubtitleFormat format)
{
  gint64 ms = MAX (milliseconds, 0);

  g_string_append_printf (out, "%02" G_GINT64_FORMAT ":%02d:%02d%c%03d", ms / 3600000,
                          (int) (ms / 60000 % 60), (int) (ms / 1000 % 60),
                          format == SUBTITLE_SRT ? ',' : '.', (int) (ms % 1000));
}

static void
append_cue_text (GString *out, const char *text, SubtitleFormat format)
{
  if (format == SUBTITLE_SRT)
    {
      g_string_append (out, text);
      return;
    }

  /* WebVTT cue text is markup: "<", "&" and the "-->" arrow must be escaped. */
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
          case '&':
            g_string_append (out, "&amp;");
            break;
          case '<':
            g_string_append (out, "&lt;");
            break;
          case '>':
            g_string_append (out, "&gt;");
            break;
          default:
            g_string_append_c (out, *p);
        }
    }
}

static char *
subtitles_from_cut (const ReelCut *cut, SubtitleFormat format)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint number = 1;

  g_return_val_if_fail (cut != NULL, NULL);

  if (format == SUBTITLE_WEBVTT)
    g_string_append (out, "WEBVTT\n");

  for (guint i = 0; cut->cues != NULL && i < cut->cues->len; i++)
    {
      const ReelCutCue *cue = g_ptr_array_index (cut->cues, i);
      g_autofree char  *label = NULL;
      g_autofree char  *wrapped = NULL;
      g_auto (GStrv) lines = NULL;
      guint  n_lines, total_columns = 0, columns_before = 0;
      gint64 cue_start_ms, cue_end_ms;

      if (cue->text == NULL || !(cue->duration > 0))
        continue;

      if (cue->speaker != NULL && *cue->speaker != '\0')
        label = g_strdup_printf ("%s: %s", cue->speaker, cue->text);
      else
        label = g_strdup (cue->text);

      wrapped = reel_captions_wrap (label, REEL_CAPTIONS_DEFAULT_COLUMNS);
      lines = g_strsplit (wrapped, "\n", -1);
      n_lines = g_strv_length (lines);
      if (n_lines == 0)
        continue;

      for (guint l = 0; l < n_lines; l++)
        total_columns += MAX (reel_captions_get_columns (lines[l]), 1);

      cue_start_ms = llround (cue->start * 1000.0);
      cue_end_ms = llround ((cue->start + cue->duration) * 1000.0);

      /* A cue longer than two lines is shown as consecutive cues, each on
       * screen for its share of the reading. */
      for (guint first = 0; first < n_lines; first += REEL_CAPTIONS_MAX_LINES)
        {
          guint  last = MIN (first + REEL_CAPTIONS_MAX_LINES, n_lines);
          guint  columns_here = 0;
          gint64 start_ms, end_ms;

          for (guint l = first; l < last; l++)
            columns_here += MAX (reel_captions_get_columns (lines[l]), 1);

          start_ms = cue_start_ms + (cue_end_ms - cue_start_ms) * columns_before / total_columns;
          columns_before += columns_here;
          end_ms = cue_start_ms + (cue_end_ms - cue_start_ms) * columns_before / total_columns;
          if (end_ms <= start_ms)
            continue;

          /* A blank line ends each cue, and the WebVTT header. */
          if (format == SUBTITLE_WEBVTT || number > 1)
            g_string_append_c (out, '\n');
          if (format == SUBTITLE_SRT)
            g_string_append_printf (out, "%u\n", number);
          number++;
          append_timestamp (out, start_ms, format);
          g_string_append (out, " --> ");
          append_timestamp (out, end_ms, format);
          g_string_append_c (out, '\n');
          for (guint l = first; l < last; l++)
            {
              append_cue_text (out, lines[l], format);
              g_string_append_c (out, '\n');
            }
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
reel_captions_to_srt (const ReelCut *cut)
{
  return subtitles_from_cut (cut, SUBTITLE_SRT);
}

char *
reel_captions_to_webvtt (const ReelCut *cut)
{
  return subtitles_from_cut (cut, SUBTITLE_WEBVTT);
}

static gboolean
write_subtitles (const char *contents, const char *path, GError **error)
{
  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0666, error))
    {
      g_autofree char *name = g_filename_display_name (path);

      g_prefix_error (error, _ ("Could not save the subtitles “%s”: "), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
reel_captions_write_srt (const ReelCut *cut, const char *path, GError **error)
{
  g_autofree char *contents = NULL;

  g_return_val_if_fail (cut != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  contents = reel_captions_to_srt (cut);
  return write_subtitles (contents, path, error);
}

gboolean
reel_captions_write_webvtt (const ReelCut *cut, const char *path, GError **error)
{
  g_autofree char *contents = NULL;

  g_return_val_if_fail (cut != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  contents = reel_captions_to_webvtt (cut);
  return write_subtitles (contents, path, error);
}
