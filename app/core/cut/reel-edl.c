/* reel-edl.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-edl.h"
#include "reel-interchange-private.h"

#define RECORD_START_HOURS 1
#define MAX_TITLE_CHARS 70

/* Source reels are at most 8 characters: every take is "AX" (an auxiliary
 * source named by its clip comments), a missing shot is black. */
#define REEL_MEDIA "AX"
#define REEL_BLACK "BL"

char *
reel_edl_format_timecode (gint64 frames, guint fps)
{
  gint64 seconds;

  g_return_val_if_fail (fps > 0, NULL);

  frames = MAX (frames, 0);
  seconds = frames / fps;
  return g_strdup_printf ("%02d:%02d:%02d:%02d", (int) (seconds / 3600 % 100),
                          (int) (seconds / 60 % 60), (int) (seconds % 60), (int) (frames % fps));
}

/* EDL comments are one line each. */
static char *
one_line (const char *text)
{
  char *line = g_strdup (text != NULL ? text : "");

  g_strdelimit (line, "\r\n\t", ' ');
  return g_strstrip (line);
}

static void
append_event_line (GString    *out,
                   guint       number,
                   const char *reel,
                   gint64      dissolve_frames,
                   gint64      source_in,
                   gint64      source_out,
                   gint64      record_in,
                   gint64      record_out,
                   guint       fps)
{
  gint64           record_offset = (gint64) RECORD_START_HOURS * 3600 * fps;
  g_autofree char *src_in = reel_edl_format_timecode (source_in, fps);
  g_autofree char *src_out = reel_edl_format_timecode (source_out, fps);
  g_autofree char *rec_in = reel_edl_format_timecode (record_offset + record_in, fps);
  g_autofree char *rec_out = reel_edl_format_timecode (record_offset + record_out, fps);

  if (dissolve_frames > 0)
    g_string_append_printf (out, "%03u  %-8s V     D    %03d %s %s %s %s\n", number % 1000, reel,
                            (int) MIN (dissolve_frames, 999), src_in, src_out, rec_in, rec_out);
  else
    g_string_append_printf (out, "%03u  %-8s V     C        %s %s %s %s\n", number % 1000, reel,
                            src_in, src_out, rec_in, rec_out);
}

static const char *
item_reel (const ReelCutItem *item)
{
  return item->media_path != NULL ? REEL_MEDIA : REEL_BLACK;
}

static void
append_clip_comments (GString *out, const char *prefix, const ReelCutItem *item)
{
  g_autofree char *name = reel_cut_item_dup_display_name (item);
  g_autofree char *line = one_line (name);

  g_string_append_printf (out, "* %s CLIP NAME: %s\n", prefix, line);
}

char *
reel_edl_to_string (const ReelCut *cut)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree ReelFrameSpan *spans = NULL;
  g_autofree char          *title = NULL;
  g_autofree char          *short_title = NULL;
  guint                     fps, marker_index = 0;
  gint64                    total_frames = 0;

  g_return_val_if_fail (cut != NULL, NULL);
  g_return_val_if_fail (cut->fps > 0, NULL);

  fps = cut->fps;
  spans = reel_frame_spans_compute (cut, &total_frames);

  title = one_line (cut->title != NULL && *cut->title != '\0' ? cut->title : "Storyreel");
  short_title = g_utf8_substring (title, 0, MIN (g_utf8_strlen (title, -1), MAX_TITLE_CHARS));
  g_string_append_printf (out, "TITLE: %s\n", short_title);
  g_string_append (out, "FCM: NON-DROP FRAME\n");

  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem   *item = g_ptr_array_index (cut->items, i);
      const ReelFrameSpan *span = &spans[i];
      gint64               record_in = span->record_in;
      /* The next crossfade starts where this event ends: in an EDL a dissolve
       * runs from its event's record in, over the outgoing source's tail. */
      gint64 record_out = i + 1 < cut->items->len ? spans[i + 1].record_in : span->record_out;
      gint64 source_in = item->media_path != NULL ? span->source_in : 0;
      gint64 source_out = source_in + (record_out - record_in);

      g_string_append_c (out, '\n');

      if (i > 0 && span->transition > 0)
        {
          const ReelCutItem   *previous = g_ptr_array_index (cut->items, i - 1);
          const ReelFrameSpan *previous_span = &spans[i - 1];
          gint64 previous_source = (previous->media_path != NULL ? previous_span->source_in : 0)
                                   + (record_in - previous_span->record_in);

          append_event_line (out, i + 1, item_reel (previous), 0, previous_source, previous_source,
                             record_in, record_in, fps);
          append_event_line (out, i + 1, item_reel (item), span->transition, source_in, source_out,
                             record_in, record_out, fps);
          append_clip_comments (out, "FROM", previous);
          append_clip_comments (out, "TO", item);
        }
      else
        {
          append_event_line (out, i + 1, item_reel (item), 0, source_in, source_out, record_in,
                             record_out, fps);
          append_clip_comments (out, "FROM", item);
        }

      if (item->media_path != NULL)
        g_string_append_printf (out, "* SOURCE FILE: %s\n", item->media_path);

      /* Markers inside this event, as Avid-style locators. */
      while (cut->markers != NULL && marker_index < cut->markers->len)
        {
          const ReelMarker *marker = g_ptr_array_index (cut->markers, marker_index);
          gint64            frame = reel_seconds_to_frames (marker->time, fps);
          g_autofree char  *timecode = NULL;
          g_autofree char  *comment = NULL;

          if (frame >= record_out && i + 1 < cut->items->len)
            break;

          timecode = reel_edl_format_timecode ((gint64) RECORD_START_HOURS * 3600 * fps
                                                   + MIN (frame, MAX (total_frames - 1, 0)),
                                               fps);
          comment = one_line (marker->comment);
          g_string_append_printf (out, "* LOC: %s RED     %s\n", timecode, comment);
          marker_index++;
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
reel_edl_write (const ReelCut *cut, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (cut != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = g_filename_display_name (path);
  if (cut->fps == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("Could not export the EDL “%s”: the project has no frame rate."), name);
      return FALSE;
    }

  contents = reel_edl_to_string (cut);
  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0666, error))
    {
      g_prefix_error (error, _ ("Could not save the EDL “%s”: "), name);
      return FALSE;
    }
  return TRUE;
}
