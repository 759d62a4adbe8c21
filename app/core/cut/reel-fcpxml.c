/* reel-fcpxml.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "reel-fcpxml.h"
#include "reel-interchange-private.h"

#define FCPXML_VERSION "1.10"
/* Final Cut Pro's built-in Cross Dissolve. */
#define CROSS_DISSOLVE_UID "FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265"

static gint64
gcd (gint64 a, gint64 b)
{
  while (b != 0)
    {
      gint64 t = a % b;

      a = b;
      b = t;
    }
  return a;
}

char *
reel_fcpxml_format_time (gint64 frames, guint fps)
{
  gint64 divisor;

  g_return_val_if_fail (fps > 0, NULL);

  if (frames == 0)
    return g_strdup ("0s");
  divisor = gcd (ABS (frames), fps);
  if (fps / divisor == 1)
    return g_strdup_printf ("%" G_GINT64_FORMAT "s", frames / divisor);
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "s", frames / divisor,
                          fps / divisor);
}

static void G_GNUC_PRINTF (3, 4) append_element (GString *out, guint depth, const char *format, ...)
{
  g_autofree char *line = NULL;
  va_list          args;

  va_start (args, format);
  line = g_markup_vprintf_escaped (format, args);
  va_end (args);

  for (guint i = 0; i < depth; i++)
    g_string_append (out, "    ");
  g_string_append (out, line);
  g_string_append_c (out, '\n');
}

/* Connected items hang off the spine element under them, in its own time. */
typedef struct
{
  gint64     offset; /* on the sequence */
  gint64     duration;
  gint64     start;   /* the element's local time at its offset */
  GPtrArray *cues;    /* const ReelCutCue* starting here */
  GPtrArray *markers; /* const ReelMarker* */
  GPtrArray *music;   /* const ReelMusicTrack* */
} SpineElement;

static guint
element_at (const SpineElement *elements, guint n_elements, gint64 frame)
{
  for (guint i = 0; i < n_elements; i++)
    {
      if (frame < elements[i].offset + elements[i].duration)
        return i;
    }
  return n_elements - 1;
}

static char *
local_time (const SpineElement *element, gint64 frame, guint fps)
{
  return reel_fcpxml_format_time (element->start + (frame - element->offset), fps);
}

/* FCP names caption languages with a primary tag ("en") or a script ("zh-Hans"). */
static char *
caption_language (const char *language)
{
  g_autofree char *lower
      = g_ascii_strdown (language != NULL && *language != '\0' ? language : "en", -1);

  g_strdelimit (lower, "_", '-');
  if (g_str_has_prefix (lower, "zh"))
    {
      if (strstr (lower, "hant") != NULL || strstr (lower, "tw") != NULL
          || strstr (lower, "hk") != NULL || strstr (lower, "mo") != NULL)
        return g_strdup ("zh-Hant");
      return g_strdup ("zh-Hans");
    }
  lower[strcspn (lower, "-")] = '\0';
  return g_steal_pointer (&lower);
}

static void
append_caption (GString            *out,
                guint               depth,
                const ReelCut      *cut,
                const SpineElement *element,
                const ReelCutCue   *cue,
                const char         *role,
                guint              *style_number)
{
  gint64           start = reel_seconds_to_frames (cue->start, cut->fps);
  gint64           duration = MAX (reel_seconds_to_frames (cue->duration, cut->fps), 1);
  g_autofree char *offset = local_time (element, start, cut->fps);
  g_autofree char *length = reel_fcpxml_format_time (duration, cut->fps);
  g_autofree char *label = NULL;
  g_autofree char *style_id = g_strdup_printf ("ts%u", ++*style_number);

  if (cue->speaker != NULL && *cue->speaker != '\0')
    label = g_strdup_printf ("%s: %s", cue->speaker, cue->text);
  else
    label = g_strdup (cue->text);

  append_element (out, depth,
                  "<caption lane=\"1\" offset=\"%s\" name=\"%s\" duration=\"%s\" role=\"%s\">",
                  offset, label, length, role);
  append_element (out, depth + 1,
                  "<text placement=\"bottom\"><text-style ref=\"%s\">%s</text-style></text>",
                  style_id, label);
  append_element (out, depth + 1, "<text-style-def id=\"%s\">", style_id);
  append_element (out, depth + 2,
                  "<text-style font=\".AppleSystemUIFont\" fontSize=\"13\" fontFace=\"Regular\" "
                  "fontColor=\"1 1 1 1\" backgroundColor=\"0 0 0 1\"/>");
  append_element (out, depth + 1, "</text-style-def>");
  append_element (out, depth, "</caption>");
}

static void
append_marker (GString            *out,
               guint               depth,
               const ReelCut      *cut,
               const SpineElement *element,
               const ReelMarker   *marker)
{
  const char      *comment = marker->comment != NULL ? marker->comment : "";
  g_autofree char *value = g_strndup (comment, strcspn (comment, "\r\n"));
  g_autofree char *start
      = local_time (element, reel_seconds_to_frames (marker->time, cut->fps), cut->fps);
  g_autofree char *one_frame = reel_fcpxml_format_time (1, cut->fps);

  append_element (out, depth, "<marker start=\"%s\" duration=\"%s\" value=\"%s\" note=\"%s\"/>",
                  start, one_frame, value, comment);
}

static void
append_music (GString              *out,
              guint                 depth,
              const ReelCut        *cut,
              const SpineElement   *element,
              const ReelMusicTrack *music,
              const char           *asset_id,
              gint64                total_frames)
{
  gint64           start_frame = reel_seconds_to_frames (music->start_offset, cut->fps);
  g_autofree char *offset = local_time (element, start_frame, cut->fps);
  g_autofree char *duration = reel_fcpxml_format_time (total_frames - start_frame, cut->fps);
  g_autofree char *name
      = music->name != NULL ? g_strdup (music->name) : g_path_get_basename (music->path);
  gboolean has_fades = music->fade_in > 0 || music->fade_out > 0;
  gboolean has_gain = music->volume > 0 && fabs (music->volume - 1.0) > 1e-6;

  append_element (out, depth,
                  "<asset-clip ref=\"%s\" lane=\"-1\" offset=\"%s\" name=\"%s\" start=\"0s\" "
                  "duration=\"%s\" audioRole=\"music\">",
                  asset_id, offset, name, duration);
  if (has_gain || has_fades)
    {
      g_autofree char *amount
          = g_strdup_printf ("%.1fdB", has_gain ? 20.0 * log10 (music->volume) : 0.0);

      append_element (out, depth + 1, "<adjust-volume amount=\"%s\">", amount);
      if (has_fades)
        {
          append_element (out, depth + 2, "<param name=\"amount\">");
          if (music->fade_in > 0)
            {
              g_autofree char *fade = reel_fcpxml_format_time (
                  MAX (reel_seconds_to_frames (music->fade_in, cut->fps), 1), cut->fps);

              append_element (out, depth + 3, "<fadeIn type=\"easeIn\" duration=\"%s\"/>", fade);
            }
          if (music->fade_out > 0)
            {
              g_autofree char *fade = reel_fcpxml_format_time (
                  MAX (reel_seconds_to_frames (music->fade_out, cut->fps), 1), cut->fps);

              append_element (out, depth + 3, "<fadeOut type=\"easeIn\" duration=\"%s\"/>", fade);
            }
          append_element (out, depth + 2, "</param>");
        }
      append_element (out, depth + 1, "</adjust-volume>");
    }
  append_element (out, depth, "</asset-clip>");
}

static void
append_media_rep (GString *out, const char *absolute, const char *uri)
{
  append_element (out, 3, "<media-rep kind=\"original-media\" src=\"%s\"/>",
                  uri != NULL ? uri : absolute);
  append_element (out, 2, "</asset>");
}

static void
append_take_asset (
    GString *out, const ReelCut *cut, guint index, const char *id, const ReelFrameSpan *spans)
{
  const ReelCutItem *item = g_ptr_array_index (cut->items, index);
  g_autofree char   *absolute = g_canonicalize_filename (item->media_path, NULL);
  g_autofree char   *uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autofree char   *name = g_path_get_basename (absolute);
  g_autofree char   *duration = NULL;

  if (item->media_is_image)
    {
      /* Stills have no length of their own. */
      append_element (out, 2,
                      "<asset id=\"%s\" name=\"%s\" start=\"0s\" duration=\"0s\" "
                      "hasVideo=\"1\" videoSources=\"1\">",
                      id, name);
    }
  else
    {
      gint64 frames = reel_seconds_to_frames (item->media_duration, cut->fps);

      /* Every use of the media, handles for crossfades included, lies inside it. */
      for (guint j = index; j < cut->items->len; j++)
        {
          const ReelCutItem *other = g_ptr_array_index (cut->items, j);

          if (g_strcmp0 (other->media_path, item->media_path) == 0)
            frames = MAX (frames, spans[j].source_in + (spans[j].record_out - spans[j].record_in));
        }
      duration = reel_fcpxml_format_time (frames, cut->fps);
      if (item->media_sha256 != NULL)
        append_element (out, 2,
                        "<asset id=\"%s\" name=\"%s\" uid=\"%s\" start=\"0s\" duration=\"%s\" "
                        "hasVideo=\"1\" format=\"r1\" videoSources=\"1\">",
                        id, name, item->media_sha256, duration);
      else
        append_element (out, 2,
                        "<asset id=\"%s\" name=\"%s\" start=\"0s\" duration=\"%s\" "
                        "hasVideo=\"1\" format=\"r1\" videoSources=\"1\">",
                        id, name, duration);
    }
  append_media_rep (out, absolute, uri);
}

static void
append_music_asset (GString *out, const ReelMusicTrack *music, const char *id)
{
  g_autofree char *absolute = g_canonicalize_filename (music->path, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autofree char *name = g_path_get_basename (absolute);

  append_element (out, 2,
                  "<asset id=\"%s\" name=\"%s\" start=\"0s\" hasAudio=\"1\" audioSources=\"1\" "
                  "audioChannels=\"2\" audioRate=\"48000\">",
                  id, name);
  append_media_rep (out, absolute, uri);
}

/* Fills @asset_ids (path → "rN") as it writes one asset per media file. */
static void
append_resources (GString             *out,
                  const ReelCut       *cut,
                  gboolean             has_crossfades,
                  GHashTable          *asset_ids,
                  const ReelFrameSpan *spans)
{
  g_autofree char *frame_duration = g_strdup_printf ("1/%us", cut->fps);
  /* r1 is the format, r2 the dissolve effect; assets follow. */
  guint next_id = 3;

  append_element (out, 1, "<resources>");
  append_element (out, 2, "<format id=\"r1\" frameDuration=\"%s\" width=\"%u\" height=\"%u\"/>",
                  frame_duration, cut->width, cut->height);
  if (has_crossfades)
    append_element (out, 2, "<effect id=\"r2\" name=\"Cross Dissolve\" uid=\"%s\"/>",
                    CROSS_DISSOLVE_UID);

  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);
      char              *id;

      if (item->media_path == NULL || g_hash_table_contains (asset_ids, item->media_path))
        continue;
      id = g_strdup_printf ("r%u", next_id++);
      g_hash_table_insert (asset_ids, item->media_path, id);
      append_take_asset (out, cut, i, id, spans);
    }

  for (guint i = 0; cut->music != NULL && i < cut->music->len; i++)
    {
      const ReelMusicTrack *music = g_ptr_array_index (cut->music, i);
      char                 *id;

      if (music->path == NULL || g_hash_table_contains (asset_ids, music->path))
        continue;
      id = g_strdup_printf ("r%u", next_id++);
      g_hash_table_insert (asset_ids, music->path, id);
      append_music_asset (out, music, id);
    }

  append_element (out, 1, "</resources>");
}

static void
append_provenance_note (GString *out, guint depth, const ReelCutItem *item)
{
  g_autofree char *note = NULL;

  if (!item->ai_generated)
    return;
  note = g_strdup_printf ("AI-generated: %s%s%s, seed %" G_GINT64_FORMAT,
                          item->backend != NULL ? item->backend : "unknown",
                          item->model != NULL ? " / " : "", item->model != NULL ? item->model : "",
                          item->seed);
  append_element (out, depth, "<note>%s</note>", note);
}

/* One spine element per item, each taking over at its cut point. */
static SpineElement *
spine_elements_new (const ReelCut *cut, const ReelFrameSpan *spans, gboolean *has_crossfades)
{
  guint         n = cut->items->len;
  SpineElement *elements = g_new0 (SpineElement, MAX (n, 1));

  *has_crossfades = FALSE;
  for (guint i = 0; i < n; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      elements[i].offset = spans[i].cut_in;
      elements[i].duration = spans[i].cut_out - spans[i].cut_in;
      elements[i].start = item->media_path != NULL
                              ? spans[i].source_in + (spans[i].cut_in - spans[i].record_in)
                              : 0;
      elements[i].cues = g_ptr_array_new ();
      elements[i].markers = g_ptr_array_new ();
      elements[i].music = g_ptr_array_new ();
      if (spans[i].transition > 0)
        *has_crossfades = TRUE;
    }
  return elements;
}

static void
spine_elements_clear (SpineElement *elements, guint n_elements)
{
  for (guint i = 0; i < n_elements; i++)
    {
      g_ptr_array_unref (elements[i].cues);
      g_ptr_array_unref (elements[i].markers);
      g_ptr_array_unref (elements[i].music);
    }
}

/* Hangs each cue, marker and music track off the spine element it starts in. */
static void
attach_connected_items (SpineElement *elements, const ReelCut *cut, gint64 total_frames)
{
  guint n = cut->items->len;

  if (n == 0)
    return;
  for (guint i = 0; cut->cues != NULL && i < cut->cues->len; i++)
    {
      const ReelCutCue *cue = g_ptr_array_index (cut->cues, i);

      if (cue->text != NULL && cue->duration > 0)
        g_ptr_array_add (
            elements[element_at (elements, n, reel_seconds_to_frames (cue->start, cut->fps))].cues,
            (gpointer) cue);
    }
  for (guint i = 0; cut->markers != NULL && i < cut->markers->len; i++)
    {
      const ReelMarker *marker = g_ptr_array_index (cut->markers, i);

      g_ptr_array_add (
          elements[element_at (elements, n, reel_seconds_to_frames (marker->time, cut->fps))]
              .markers,
          (gpointer) marker);
    }
  for (guint i = 0; cut->music != NULL && i < cut->music->len; i++)
    {
      const ReelMusicTrack *music = g_ptr_array_index (cut->music, i);
      gint64                start = reel_seconds_to_frames (music->start_offset, cut->fps);

      if (music->path != NULL && start < total_frames)
        g_ptr_array_add (elements[element_at (elements, n, start)].music, (gpointer) music);
    }
}

static void
append_transition (GString *out, guint depth, const ReelCut *cut, const ReelFrameSpan *span)
{
  /* The transition starts where the overlap starts and takes no room on
   * the spine: both clips reach into it through their handles. */
  g_autofree char *offset = reel_fcpxml_format_time (span->record_in, cut->fps);
  g_autofree char *duration = reel_fcpxml_format_time (span->transition, cut->fps);

  append_element (out, depth, "<transition name=\"Cross Dissolve\" offset=\"%s\" duration=\"%s\">",
                  offset, duration);
  append_element (out, depth + 1, "<filter-video ref=\"r2\" name=\"Cross Dissolve\"/>");
  append_element (out, depth, "</transition>");
}

/* Each item as an asset clip (a gap for a shot without media), with its
 * transition before it and its connected items inside it. */
static void
append_spine (GString             *out,
              const ReelCut       *cut,
              const SpineElement  *elements,
              const ReelFrameSpan *spans,
              GHashTable          *asset_ids,
              gint64               total_frames)
{
  g_autofree char *language = caption_language (cut->language);
  g_autofree char *role = g_strdup_printf ("SRT?captionFormat=SRT.%s", language);
  const guint      depth = 6;
  guint            style_number = 0;

  append_element (out, 5, "<spine>");
  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem  *item = g_ptr_array_index (cut->items, i);
      const SpineElement *element = &elements[i];
      g_autofree char    *name = reel_cut_item_dup_display_name (item);
      g_autofree char    *offset = reel_fcpxml_format_time (element->offset, cut->fps);
      g_autofree char    *start = reel_fcpxml_format_time (element->start, cut->fps);
      g_autofree char    *duration = reel_fcpxml_format_time (element->duration, cut->fps);

      if (spans[i].transition > 0)
        append_transition (out, depth, cut, &spans[i]);

      if (item->media_path != NULL)
        append_element (out, depth,
                        "<asset-clip ref=\"%s\" offset=\"%s\" name=\"%s\" start=\"%s\" "
                        "duration=\"%s\" tcFormat=\"NDF\">",
                        (const char *) g_hash_table_lookup (asset_ids, item->media_path), offset,
                        name, start, duration);
      else
        append_element (out, depth, "<gap name=\"%s\" offset=\"%s\" start=\"%s\" duration=\"%s\">",
                        name, offset, start, duration);

      if (item->media_path != NULL)
        append_provenance_note (out, depth + 1, item);
      for (guint j = 0; j < element->music->len; j++)
        {
          const ReelMusicTrack *music = g_ptr_array_index (element->music, j);

          append_music (out, depth + 1, cut, element, music,
                        g_hash_table_lookup (asset_ids, music->path), total_frames);
        }
      for (guint j = 0; j < element->cues->len; j++)
        append_caption (out, depth + 1, cut, element, g_ptr_array_index (element->cues, j), role,
                        &style_number);
      for (guint j = 0; j < element->markers->len; j++)
        append_marker (out, depth + 1, cut, element, g_ptr_array_index (element->markers, j));

      append_element (out, depth, item->media_path != NULL ? "</asset-clip>" : "</gap>");
    }
  append_element (out, 5, "</spine>");
}

char *
reel_fcpxml_to_string (const ReelCut *cut)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GHashTable) asset_ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree ReelFrameSpan *spans = NULL;
  g_autofree SpineElement  *elements = NULL;
  g_autofree char          *sequence_duration = NULL;
  const char               *title;
  gint64                    total_frames = 0;
  gboolean                  has_crossfades;

  g_return_val_if_fail (cut != NULL, NULL);
  g_return_val_if_fail (cut->fps > 0, NULL);

  title = cut->title != NULL && *cut->title != '\0' ? cut->title : "Storyreel";
  spans = reel_frame_spans_compute (cut, &total_frames);
  elements = spine_elements_new (cut, spans, &has_crossfades);
  attach_connected_items (elements, cut, total_frames);
  sequence_duration = reel_fcpxml_format_time (total_frames, cut->fps);

  g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>\n\n");
  append_element (out, 0, "<fcpxml version=\"%s\">", FCPXML_VERSION);
  append_resources (out, cut, has_crossfades, asset_ids, spans);
  append_element (out, 1, "<library>");
  append_element (out, 2, "<event name=\"%s\">", title);
  append_element (out, 3, "<project name=\"%s\">", title);
  append_element (out, 4,
                  "<sequence format=\"r1\" duration=\"%s\" tcStart=\"0s\" tcFormat=\"NDF\" "
                  "audioLayout=\"stereo\" audioRate=\"48k\">",
                  sequence_duration);
  append_spine (out, cut, elements, spans, asset_ids, total_frames);
  append_element (out, 4, "</sequence>");
  append_element (out, 3, "</project>");
  append_element (out, 2, "</event>");
  append_element (out, 1, "</library>");
  append_element (out, 0, "</fcpxml>");

  spine_elements_clear (elements, cut->items->len);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
reel_fcpxml_write (const ReelCut *cut, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (cut != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = g_filename_display_name (path);
  if (cut->fps == 0)
    {
      g_set_error (
          error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          _ ("Could not export the Final Cut Pro XML “%s”: the project has no frame rate."), name);
      return FALSE;
    }

  contents = reel_fcpxml_to_string (cut);
  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0666, error))
    {
      g_prefix_error (error, _ ("Could not save the Final Cut Pro XML “%s”: "), name);
      return FALSE;
    }
  return TRUE;
}
