/* reel-interchange-private.h: what the OTIO, FCPXML, EDL and PDF writers share
 *
 * Every interchange format counts in whole frames, so the cut is laid out once
 * in frames here. Frames are accumulated from the items' durations rather than
 * rounded from each item's start, so the timeline has no one-frame holes or
 * overlaps whatever the rounding, and every writer agrees on the same numbers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>

#include "reel-cut.h"

G_BEGIN_DECLS

typedef struct
{
  /* The item on the film, transition overlaps included: [record_in, record_out). */
  gint64 record_in;
  gint64 record_out;
  /* Frames of the crossfade from the previous item (0 for a plain cut). */
  gint64 transition;
  /* Where the item takes over when a crossfade is drawn as one cut point in
   * its middle, as OTIO and FCPXML place their transitions: [cut_in, cut_out).
   * These ranges tile the film with no overlap. */
  gint64 cut_in;
  gint64 cut_out;
  /* The media frame (at the cut's rate) shown at record_in. */
  gint64 source_in;
} ReelFrameSpan;

static inline gint64
reel_seconds_to_frames (double seconds, guint fps)
{
  if (!(seconds > 0))
    return 0;
  return (gint64) llround (seconds * fps);
}

/* Returns one span per item of @cut; the film lasts spans[n-1].record_out frames. */
static inline ReelFrameSpan *
reel_frame_spans_compute (const ReelCut *cut, gint64 *total_frames)
{
  guint          n = cut->items->len;
  ReelFrameSpan *spans = g_new0 (ReelFrameSpan, MAX (n, 1));
  gint64         position = 0;

  for (guint i = 0; i < n; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);
      gint64             length = MAX (reel_seconds_to_frames (item->duration, cut->fps), 1);
      gint64             transition = 0;

      if (i > 0 && item->transition == REEL_TRANSITION_CROSSFADE)
        {
          gint64 previous_length = spans[i - 1].record_out - spans[i - 1].record_in;

          /* A crossfade can never be longer than either side of it, nor reach
           * back into the crossfade that brought the previous item in. */
          transition = reel_seconds_to_frames (item->transition_duration, cut->fps);
          transition = MIN (transition, MIN (previous_length - spans[i - 1].transition, length));
        }

      spans[i].record_in = position - transition;
      spans[i].record_out = spans[i].record_in + length;
      spans[i].transition = transition;
      spans[i].source_in = reel_seconds_to_frames (item->in_point, cut->fps);
      spans[i].cut_in = spans[i].record_in + transition / 2;
      spans[i].cut_out = spans[i].record_out;
      if (i > 0)
        spans[i - 1].cut_out = spans[i].cut_in;

      position = spans[i].record_out;
    }

  if (total_frames != NULL)
    *total_frames = position;
  return spans;
}

/* "1A: The teacher writes…", for clip names in other editors. */
static inline char *
reel_cut_item_dup_display_name (const ReelCutItem *item)
{
  const char      *number = item->shot_number != NULL ? item->shot_number : "";
  g_autofree char *text = g_strdup (item->text != NULL ? item->text : "");
  const guint      max_chars = 40;

  g_strdelimit (text, "\r\n\t", ' ');
  g_strstrip (text);
  if (*text == '\0')
    return g_strdup (number);
  if (g_utf8_strlen (text, -1) > max_chars)
    {
      g_autofree char *head = g_utf8_substring (text, 0, max_chars - 1);

      g_strchomp (head);
      g_free (text);
      text = g_strconcat (head, "…", NULL);
    }
  if (*number == '\0')
    return g_steal_pointer (&text);
  return g_strdup_printf ("%s: %s", number, text);
}

G_END_DECLS
