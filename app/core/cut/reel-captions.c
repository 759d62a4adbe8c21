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
#include "reel-segmenter.h"

/* Widths are counted in units of which a line holds 42 Latin or 16 Chinese
 * characters, as the broadcasters' guidelines ask (Netflix's Timed Text
 * Style Guides: 42 characters per line in English, 16 in Simplified
 * Chinese). Columns, where a wide character takes two, are the unit of the
 * API; a wide character here takes 42 / 16 of a column. */
#define NARROW_UNITS 8
#define WIDE_UNITS 21
/* How much longer the longer of two lines may get for the break to fall
 * after punctuation, where it reads best (BBC, Netflix): a dozen Latin or
 * four or five Chinese characters. */
#define PUNCTUATION_SLACK (12 * NARROW_UNITS)

typedef struct
{
  gint32   start; /* UTF-16 offsets into the paragraph */
  gint32   end;
  guint    width;          /* units, trailing spaces included */
  guint    trailing_space; /* units of the spaces at its end */
  gboolean ends_clause;    /* its last visible character is punctuation */
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

static guint
codepoint_units (UChar32 c)
{
  guint columns = codepoint_columns (c);

  return columns == 2 ? WIDE_UNITS : columns * NARROW_UNITS;
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
measure_segment (const UChar *text, Segment *segment)
{
  gint32 i = segment->start;

  segment->width = 0;
  segment->trailing_space = 0;
  segment->ends_clause = FALSE;
  while (i < segment->end)
    {
      UChar32 c;
      guint   units;

      U16_NEXT (text, i, segment->end, c);
      units = codepoint_units (c);
      segment->width += units;
      if (u_isUWhiteSpace (c))
        segment->trailing_space += units;
      else
        {
          segment->trailing_space = 0;
          segment->ends_clause = u_ispunct (c);
        }
    }
}

/* Appends [start, end) cut at @iter's boundaries into pieces no wider than a
 * line, so a word too long for any line still fits. */
static void
append_pieces (GArray         *segments,
               UBreakIterator *iter,
               const UChar    *text,
               gint32          start,
               gint32          end,
               guint           max_units)
{
  gint32 piece_start = start;
  gint32 piece_end = start;

  while (piece_end < end)
    {
      gint32  next = ubrk_following (iter, piece_end);
      Segment candidate = { piece_start, 0, 0, 0, FALSE };

      if (next == UBRK_DONE || next > end)
        next = end;
      candidate.end = next;
      measure_segment (text, &candidate);
      if (candidate.width - candidate.trailing_space > max_units && piece_end > piece_start)
        {
          Segment piece = { piece_start, piece_end, 0, 0, FALSE };

          measure_segment (text, &piece);
          g_array_append_val (segments, piece);
          piece_start = piece_end;
        }
      piece_end = next;
    }

  if (piece_start < end)
    {
      Segment piece = { piece_start, end, 0, 0, FALSE };

      measure_segment (text, &piece);
      g_array_append_val (segments, piece);
    }
}

/* The text cut where a line may break: where ICU's line breaking allows it
 * (never before 。，！？ or after an opening bracket) and between words, by
 * ICU's dictionary of Chinese and Japanese words, so 渡轮 stays together.
 * Nothing breaks before @unbreakable_end, the speaker's label. A word wider
 * than a line is cut where line breaking allows, or between characters. */
static GArray *
split_into_segments (const UChar *text, gint32 length, guint max_units, gint32 unbreakable_end)
{
  g_autoptr (GArray) segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr (UBreakIterator) lines = NULL;
  g_autoptr (UBreakIterator) words = NULL;
  g_autoptr (UBreakIterator) characters = NULL;
  UErrorCode status = U_ZERO_ERROR;
  gint32     start = 0;

  lines = ubrk_open (UBRK_LINE, "", text, length, &status);
  if (U_SUCCESS (status))
    words = ubrk_open (UBRK_WORD, "", text, length, &status);
  if (U_SUCCESS (status))
    characters = ubrk_open (UBRK_CHARACTER, "", text, length, &status);
  if (U_FAILURE (status))
    {
      Segment whole = { 0, length, 0, 0, FALSE };

      g_debug ("ICU break iterator unavailable: %s", u_errorName (status));
      measure_segment (text, &whole);
      g_array_append_val (segments, whole);
      return g_steal_pointer (&segments);
    }

  for (gint32 end = ubrk_following (lines, 0); end != UBRK_DONE; end = ubrk_next (lines))
    {
      Segment segment = { start, end, 0, 0, FALSE };

      if (end < length && (end < unbreakable_end || !ubrk_isBoundary (words, end)))
        continue;

      measure_segment (text, &segment);
      if (segment.width - segment.trailing_space <= max_units)
        g_array_append_val (segments, segment);
      else
        {
          /* Too wide: first where lines may break inside it, then between
           * characters. */
          g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (Segment));

          append_pieces (pieces, lines, text, start, end, max_units);
          for (guint i = 0; i < pieces->len; i++)
            {
              const Segment *piece = &g_array_index (pieces, Segment, i);

              if (piece->width - piece->trailing_space <= max_units)
                g_array_append_val (segments, *piece);
              else
                append_pieces (segments, characters, text, piece->start, piece->end, max_units);
            }
          /* append_pieces() moved the line iterator; go on after this segment. */
          ubrk_following (lines, end - 1);
        }
      start = end;
    }

  return g_steal_pointer (&segments);
}

/* Units of segments [first, last] on one line: the last one's trailing
 * spaces fall at the line break and are not shown. */
static guint
line_units (const Segment *segments, guint first, guint last)
{
  guint width = 0;

  for (guint i = first; i < last; i++)
    width += segments[i].width;
  return width + segments[last].width - segments[last].trailing_space;
}

/* The fewest lines: each takes segments while they fit. Returns the index of
 * the first segment of each line. */
static GArray *
fill_lines (const Segment *segments, guint first, guint end, guint max_units)
{
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (guint));
  guint   line_first = first;

  g_array_append_val (starts, line_first);
  for (guint i = first + 1; i < end; i++)
    if (line_units (segments, line_first, i) > max_units)
      {
        line_first = i;
        g_array_append_val (starts, line_first);
      }
  return starts;
}

/* Where two lines holding segments [first, end) break: the two as even as
 * they can be, the top one not the longer, and after punctuation where that
 * costs little. Returns the first segment of the bottom line. */
static guint
balance_two_lines (const Segment *segments, guint first, guint end, guint max_units)
{
  guint best_split = first + 1;
  guint best_longest = G_MAXUINT;
  guint best_cost = G_MAXUINT;

  /* The most even break first, */
  for (guint split = first + 1; split < end; split++)
    {
      guint top = line_units (segments, first, split - 1);
      guint bottom = line_units (segments, split, end - 1);

      if (top > max_units || bottom > max_units)
        continue;
      best_longest = MIN (best_longest, MAX (top, bottom));
    }

  /* then, nearly as even, one after punctuation, the top line the shorter. */
  for (guint split = first + 1; split < end; split++)
    {
      guint top = line_units (segments, first, split - 1);
      guint bottom = line_units (segments, split, end - 1);
      guint longest = MAX (top, bottom);
      guint cost;

      if (top > max_units || bottom > max_units)
        continue;
      cost = (longest - MIN (longest, best_longest)) + (top > bottom ? 1 : 0);
      if (!segments[split - 1].ends_clause)
        cost += PUNCTUATION_SLACK;
      if (cost < best_cost)
        {
          best_cost = cost;
          best_split = split;
        }
    }
  return best_split;
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

/* Segments [first, end) as lines, two of them balanced. */
static void
append_wrapped (GString       *out,
                const UChar   *text,
                const Segment *segments,
                guint          first,
                guint          end,
                guint          max_units)
{
  g_autoptr (GArray) starts = fill_lines (segments, first, end, max_units);

  if (starts->len == 2)
    g_array_index (starts, guint, 1) = balance_two_lines (segments, first, end, max_units);

  for (guint line = 0; line < starts->len; line++)
    {
      guint line_first = g_array_index (starts, guint, line);
      guint line_end = line + 1 < starts->len ? g_array_index (starts, guint, line + 1) : end;

      append_line (out, text, segments[line_first].start, segments[line_end - 1].end);
    }
}

static guint
columns_to_units (guint max_columns)
{
  return MAX (max_columns, 2) * NARROW_UNITS;
}

static void
wrap_paragraph (GString *out, const char *paragraph, guint max_columns)
{
  g_autofree gunichar2 *text16 = NULL;
  g_autoptr (GArray) segments = NULL;
  guint max_units = columns_to_units (max_columns);
  glong length = 0;

  text16 = g_utf8_to_utf16 (paragraph, -1, NULL, &length, NULL);
  if (text16 == NULL || length == 0)
    return;

  segments = split_into_segments ((const UChar *) text16, (gint32) length, max_units, 0);
  if (segments->len > 0)
    append_wrapped (out, (const UChar *) text16, (const Segment *) segments->data, 0, segments->len,
                    max_units);
}

char *
reel_captions_wrap (const char *text, guint max_columns)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GRegex) blanks = g_regex_new ("[ \\t]+", 0, 0, NULL);
  g_auto (GStrv) paragraphs = NULL;

  g_return_val_if_fail (text != NULL, NULL);

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

/* Caption events: what is on screen at a time */

void
reel_caption_event_free (ReelCaptionEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->text);
  g_free (event);
}

/* Whether segments [first, end) fit on the lines a caption may have. */
static gboolean
fits_event (const Segment *segments, guint first, guint end, guint max_units)
{
  g_autoptr (GArray) starts = fill_lines (segments, first, end, max_units);

  return starts->len <= REEL_CAPTIONS_MAX_LINES;
}

static guint
group_units (const Segment *segments, guint first, guint end)
{
  return line_units (segments, first, end - 1);
}

/* How good a way of cutting a cue into screens is, the better the lower:
 * first the count of screens that end mid-clause or hold only a word or two,
 * then the width of the widest screen. */
#define PARTITION_COST(flaws, widest) (((guint64) (flaws) << 32) | (widest))
#define PARTITION_FLAWS(cost) ((guint) ((cost) >> 32))
#define PARTITION_WIDEST(cost) ((guint) ((cost) &G_MAXUINT32))
#define PARTITION_NONE G_MAXUINT64

/* Cuts the segments into @n_events groups that each fit on two lines: at the
 * ends of sentences or clauses, none of them a word or two left over, and
 * then as even as they can be. Fills @ends with the end of each group; FALSE
 * when @n_events cannot hold the text. */
static gboolean
partition_events (
    const Segment *segments, guint n_segments, guint n_events, guint max_units, guint *ends)
{
  /* cost[k][j]: the best way of cutting segments [0, j) into k + 1 groups. */
  gsize               size = (gsize) n_events * (n_segments + 1);
  g_autofree guint64 *cost = g_new (guint64, size);
  g_autofree guint   *from = g_new0 (guint, size);

#define COST(k, j) cost[(gsize) (k) * (n_segments + 1) + (j)]
#define FROM(k, j) from[(gsize) (k) * (n_segments + 1) + (j)]
  for (guint k = 0; k < n_events; k++)
    for (guint j = 0; j <= n_segments; j++)
      {
        COST (k, j) = PARTITION_NONE;
        for (guint i = k; i < j; i++)
          {
            guint64 before = k > 0 ? COST (k - 1, i) : PARTITION_COST (0, 0);
            guint   width, flaws;
            guint64 here;

            if ((k == 0 && i > 0) || before == PARTITION_NONE)
              continue;
            if (!fits_event (segments, i, j, max_units))
              continue;
            width = group_units (segments, i, j);
            flaws = PARTITION_FLAWS (before);
            if (j < n_segments && !segments[j - 1].ends_clause)
              flaws++;
            if (n_events > 1 && width < max_units / 3)
              flaws++;
            here = PARTITION_COST (flaws, MAX (PARTITION_WIDEST (before), width));
            if (here < COST (k, j))
              {
                COST (k, j) = here;
                FROM (k, j) = i;
              }
          }
      }

  if (COST (n_events - 1, n_segments) == PARTITION_NONE)
    return FALSE;
  for (guint k = n_events, j = n_segments; k > 0; k--)
    {
      ends[k - 1] = j;
      j = FROM (k - 1, j);
    }
#undef COST
#undef FROM
  return TRUE;
}

/* Times the events of a cue by how much each holds, none shorter than a
 * viewer can read where the cue is long enough for that. */
static void
time_events (GPtrArray *events, const guint *widths, double start, double duration)
{
  guint    n = events->len;
  double   total = 0, position = start;
  double  *shares = g_newa (double, n);
  gboolean raised = TRUE;

  for (guint i = 0; i < n; i++)
    total += MAX (widths[i], 1);
  for (guint i = 0; i < n; i++)
    shares[i] = duration * MAX (widths[i], 1) / total;

  /* Raise the short ones to the minimum and take the time from the others. */
  if (duration >= n * REEL_CAPTIONS_MIN_EVENT_SECONDS)
    for (guint pass = 0; pass < n && raised; pass++)
      {
        double above = 0, deficit = 0;

        raised = FALSE;
        for (guint i = 0; i < n; i++)
          if (shares[i] < REEL_CAPTIONS_MIN_EVENT_SECONDS - 1e-9)
            {
              deficit += REEL_CAPTIONS_MIN_EVENT_SECONDS - shares[i];
              shares[i] = REEL_CAPTIONS_MIN_EVENT_SECONDS;
              raised = TRUE;
            }
          else
            above += shares[i] - REEL_CAPTIONS_MIN_EVENT_SECONDS;
        for (guint i = 0; raised && above > 0 && i < n; i++)
          if (shares[i] > REEL_CAPTIONS_MIN_EVENT_SECONDS)
            shares[i] -= deficit * (shares[i] - REEL_CAPTIONS_MIN_EVENT_SECONDS) / above;
      }

  for (guint i = 0; i < n; i++)
    {
      ReelCaptionEvent *event = g_ptr_array_index (events, i);

      event->start = position;
      /* The last ends where the cue does, whatever rounding left. */
      event->duration = i + 1 < n ? shares[i] : start + duration - position;
      position += shares[i];
    }
}

/* The shown text of a cue on one line: the writer's line breaks are no
 * subtitle's (a speech's lines run on; between Chinese characters nothing
 * is added), runs of white space one space. */
static char *
dup_running_text (const char *text)
{
  g_autofree char *joined = reel_segmenter_join_lines (text);

  return reel_segmenter_normalize_space (joined);
}

GPtrArray *
reel_captions_layout_cue (const ReelCutCue *cue)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_event_free);
  g_autofree char      *speech = NULL;
  g_autofree char      *label = NULL;
  g_autofree char      *display = NULL;
  g_autofree gunichar2 *text16 = NULL;
  g_autoptr (GArray) segment_array = NULL;
  g_autofree guint *ends = NULL;
  g_autofree guint *widths = NULL;
  const Segment    *segments;
  guint             max_units = columns_to_units (REEL_CAPTIONS_DEFAULT_COLUMNS);
  guint             n_segments, n_lines, n_events;
  glong             length = 0, label_length = 0;

  g_return_val_if_fail (cue != NULL, events);

  if (cue->text == NULL || !(cue->duration > 0))
    return events;

  {
    ReelCutCue running = *cue;

    speech = dup_running_text (cue->text);
    if (*speech == '\0')
      return events;
    running.text = speech;
    display = reel_cut_cue_dup_display_text (&running);
    label = running.speaker != NULL && *running.speaker != '\0'
                ? g_strndup (display, strlen (display) - strlen (speech))
                : g_strdup ("");
  }

  text16 = g_utf8_to_utf16 (display, -1, NULL, &length, NULL);
  g_free (g_utf8_to_utf16 (label, -1, NULL, &label_length, NULL));
  if (text16 == NULL || length == 0)
    return events;

  segment_array = split_into_segments ((const UChar *) text16, (gint32) length, max_units,
                                       (gint32) label_length);
  segments = (const Segment *) segment_array->data;
  n_segments = segment_array->len;
  if (n_segments == 0)
    return events;

  {
    g_autoptr (GArray) starts = fill_lines (segments, 0, n_segments, max_units);

    n_lines = starts->len;
  }
  ends = g_new (guint, n_segments);
  widths = g_new (guint, n_segments);
  for (n_events = (n_lines + REEL_CAPTIONS_MAX_LINES - 1) / REEL_CAPTIONS_MAX_LINES;
       n_events < n_segments && !partition_events (segments, n_segments, n_events, max_units, ends);
       n_events++)
    ;
  if (n_events >= n_segments)
    {
      n_events = n_segments;
      for (guint i = 0; i < n_segments; i++)
        ends[i] = i + 1;
    }

  for (guint i = 0, first = 0; i < n_events; first = ends[i], i++)
    {
      ReelCaptionEvent *event = g_new0 (ReelCaptionEvent, 1);
      g_autoptr (GString) text = g_string_new (NULL);

      append_wrapped (text, (const UChar *) text16, segments, first, ends[i], max_units);
      event->text = g_string_free (g_steal_pointer (&text), FALSE);
      widths[i] = group_units (segments, first, ends[i]);
      g_ptr_array_add (events, event);
    }
  time_events (events, widths, cue->start, cue->duration);
  return events;
}

GPtrArray *
reel_captions_layout (const ReelCut *cut)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_event_free);

  g_return_val_if_fail (cut != NULL, events);

  for (guint i = 0; cut->cues != NULL && i < cut->cues->len; i++)
    g_ptr_array_extend_and_steal (events,
                                  reel_captions_layout_cue (g_ptr_array_index (cut->cues, i)));
  return events;
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
  g_autoptr (GPtrArray) events = NULL;
  guint number = 1;

  g_return_val_if_fail (cut != NULL, NULL);

  if (format == SUBTITLE_WEBVTT)
    g_string_append (out, "WEBVTT\n");

  events = reel_captions_layout (cut);
  for (guint i = 0; i < events->len; i++)
    {
      const ReelCaptionEvent *event = g_ptr_array_index (events, i);
      gint64                  start_ms = llround (event->start * 1000.0);
      gint64                  end_ms = llround ((event->start + event->duration) * 1000.0);
      g_auto (GStrv) lines = NULL;

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
      lines = g_strsplit (event->text, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          append_cue_text (out, lines[l], format);
          g_string_append_c (out, '\n');
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
