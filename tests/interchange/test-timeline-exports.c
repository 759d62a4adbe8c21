/* test-timeline-exports.c: OTIO, FCPXML and EDL files parse back to the cut
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "interchange-cut.h"
#include "reel-edl.h"
#include "reel-fcpxml.h"
#include "reel-otio.h"
#include "reel-test-utils.h"

typedef struct
{
  char    *dir;
  ReelCut *cut;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  fixture->dir = reel_test_make_tmpdir ();
  fixture->cut = sample_cut_new (NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  reel_cut_free (fixture->cut);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static char *
write_and_read (Fixture    *fixture,
                const char *name,
                gboolean (*write) (const ReelCut *, const char *, GError **))
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_assert_true (write (fixture->cut, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
assert_write_fails_cleanly (Fixture    *fixture,
                            const char *name,
                            gboolean (*write) (const ReelCut *, const char *, GError **))
{
  g_autofree char *path = g_build_filename (fixture->dir, "no-such-folder", name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (write (fixture->cut, path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* OpenTimelineIO */

static const char *
schema_of (JsonObject *object)
{
  return json_object_get_string_member (object, "OTIO_SCHEMA");
}

static gint64
rational_frames (JsonObject *time)
{
  g_assert_cmpstr (schema_of (time), ==, "RationalTime.1");
  g_assert_cmpfloat (json_object_get_double_member (time, "rate"), ==, SAMPLE_FPS);
  return (gint64) json_object_get_double_member (time, "value");
}

static void
range_frames (JsonObject *range, gint64 *start, gint64 *duration)
{
  g_assert_nonnull (range);
  g_assert_cmpstr (schema_of (range), ==, "TimeRange.1");
  *start = rational_frames (json_object_get_object_member (range, "start_time"));
  *duration = rational_frames (json_object_get_object_member (range, "duration"));
}

static JsonObject *
storyreel_metadata (JsonObject *object)
{
  JsonObject *metadata = json_object_get_object_member (object, "metadata");

  g_assert_nonnull (metadata);
  g_assert_true (json_object_has_member (metadata, "storyreel"));
  return json_object_get_object_member (metadata, "storyreel");
}

static void
test_otio (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *text = write_and_read (fixture, "film.otio", reel_otio_write);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  const char *expected_schemas[] = { "Clip.1", "Transition.1", "Clip.1", "Gap.1", "Clip.1" };
  JsonObject *timeline, *stack, *video, *audio, *clip, *reference, *metadata;
  JsonArray  *tracks, *children, *markers, *captions;
  gint64      start, duration, total = 0, in_offset, out_offset;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  timeline = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (schema_of (timeline), ==, "Timeline.1");
  g_assert_cmpstr (json_object_get_string_member (timeline, "name"), ==, "光合作用 Lesson");
  metadata = storyreel_metadata (timeline);
  g_assert_cmpint (json_object_get_int_member (metadata, "fps"), ==, SAMPLE_FPS);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (metadata, "captions")), ==,
                    3);

  stack = json_object_get_object_member (timeline, "tracks");
  g_assert_cmpstr (schema_of (stack), ==, "Stack.1");
  tracks = json_object_get_array_member (stack, "children");
  g_assert_cmpuint (json_array_get_length (tracks), ==, 2);

  /* The shots: clip, crossfade, clip, a gap for the shot with no media, the still. */
  video = json_array_get_object_element (tracks, 0);
  g_assert_cmpstr (schema_of (video), ==, "Track.1");
  g_assert_cmpstr (json_object_get_string_member (video, "kind"), ==, "Video");
  children = json_object_get_array_member (video, "children");
  g_assert_cmpuint (json_array_get_length (children), ==, G_N_ELEMENTS (expected_schemas));
  for (guint i = 0; i < G_N_ELEMENTS (expected_schemas); i++)
    {
      JsonObject *child = json_array_get_object_element (children, i);

      g_assert_cmpstr (schema_of (child), ==, expected_schemas[i]);
      if (g_str_equal (schema_of (child), "Transition.1"))
        continue;
      range_frames (json_object_get_object_member (child, "source_range"), &start, &duration);
      g_assert_cmpint (duration, >, 0);
      total += duration;
      /* Every shot carries its provenance, gaps included. */
      g_assert_true (json_object_has_member (storyreel_metadata (child), "shot_id"));
    }
  /* Transitions take no room: the items add up to the film. */
  g_assert_cmpint (total, ==, SAMPLE_TOTAL_FRAMES);
  g_assert_cmpint (total, ==, (gint64) (fixture->cut->duration * SAMPLE_FPS + 0.5));

  /* 1A: a take trimmed to frames 0–36, cut at the middle of the 12-frame crossfade. */
  clip = json_array_get_object_element (children, 0);
  range_frames (json_object_get_object_member (clip, "source_range"), &start, &duration);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (duration, ==, 30);
  reference = json_object_get_object_member (clip, "media_reference");
  g_assert_cmpstr (schema_of (reference), ==, "ExternalReference.1");
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (reference, "target_url"), "file:///"));
  {
    g_autofree char *path
        = g_filename_from_uri (json_object_get_string_member (reference, "target_url"), NULL, NULL);

    g_assert_cmpstr (path, ==, "/nonexistent/take-a.mp4");
  }
  range_frames (json_object_get_object_member (reference, "available_range"), &start, &duration);
  g_assert_cmpint (duration, ==, 48);
  g_assert_false (json_object_has_member (clip, "media_references")); /* Clip.1, not Clip.2 */

  metadata = storyreel_metadata (clip);
  g_assert_cmpint (json_object_get_int_member (metadata, "shot_id"), ==, 11);
  g_assert_cmpstr (json_object_get_string_member (metadata, "shot_number"), ==, "1A");
  g_assert_cmpint (json_object_get_int_member (metadata, "take_id"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (metadata, "backend"), ==, "dashscope");
  g_assert_cmpstr (json_object_get_string_member (metadata, "model"), ==, "wan2.1-t2v-turbo");
  g_assert_cmpint (json_object_get_int_member (metadata, "seed"), ==, 42);
  g_assert_true (json_object_get_boolean_member (metadata, "ai_generated"));
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (metadata, "prompt"), "A teacher enters"));
  captions = json_object_get_array_member (metadata, "captions");
  g_assert_cmpuint (json_array_get_length (captions), ==, 1);
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (captions, 0), "speaker"), ==,
      "老师");

  /* The crossfade is centred on the cut: 6 frames on each side. */
  clip = json_array_get_object_element (children, 1);
  g_assert_cmpstr (json_object_get_string_member (clip, "transition_type"), ==, "SMPTE_Dissolve");
  in_offset = rational_frames (json_object_get_object_member (clip, "in_offset"));
  out_offset = rational_frames (json_object_get_object_member (clip, "out_offset"));
  g_assert_cmpint (in_offset + out_offset, ==, 12);
  g_assert_cmpint (in_offset, ==, 6);

  /* 1B starts 0.25 s into its take, plus the half of the crossfade before the cut. */
  clip = json_array_get_object_element (children, 2);
  range_frames (json_object_get_object_member (clip, "source_range"), &start, &duration);
  g_assert_cmpint (start, ==, 6 + 6);
  g_assert_cmpint (duration, ==, 36);

  /* 2A has no media yet: a gap of its length. */
  clip = json_array_get_object_element (children, 3);
  range_frames (json_object_get_object_member (clip, "source_range"), &start, &duration);
  g_assert_cmpint (duration, ==, 24);
  g_assert_cmpstr (json_object_get_string_member (storyreel_metadata (clip), "shot_number"), ==,
                   "2A");

  /* Markers: Marker.2 with identical marked_range and range. */
  markers = json_object_get_array_member (stack, "markers");
  g_assert_cmpuint (json_array_get_length (markers), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject      *marker = json_array_get_object_element (markers, i);
      g_autofree char *marked = NULL;
      g_autofree char *range = NULL;

      g_assert_cmpstr (schema_of (marker), ==, "Marker.2");
      marked = json_to_string (json_object_get_member (marker, "marked_range"), FALSE);
      range = json_to_string (json_object_get_member (marker, "range"), FALSE);
      g_assert_cmpstr (marked, ==, range);
      range_frames (json_object_get_object_member (marker, "marked_range"), &start, &duration);
      g_assert_cmpint (start, ==, i == 0 ? 12 : 78);
      g_assert_nonnull (json_object_get_string_member (marker, "color"));
      g_assert_true (json_object_has_member (storyreel_metadata (marker), "shot_id"));
    }
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (markers, 0), "comment"), ==,
      "redo: coat colour wrong");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (markers, 1), "name"), ==,
      "check: 树叶颜色");

  /* Music on an audio track, from 0.5 s to the end. */
  audio = json_array_get_object_element (tracks, 1);
  g_assert_cmpstr (json_object_get_string_member (audio, "kind"), ==, "Audio");
  children = json_object_get_array_member (audio, "children");
  g_assert_cmpuint (json_array_get_length (children), ==, 2);
  g_assert_cmpstr (schema_of (json_array_get_object_element (children, 0)), ==, "Gap.1");
  clip = json_array_get_object_element (children, 1);
  g_assert_cmpstr (schema_of (clip), ==, "Clip.1");
  range_frames (json_object_get_object_member (clip, "source_range"), &start, &duration);
  g_assert_cmpint (duration, ==, SAMPLE_TOTAL_FRAMES - 12);

  assert_write_fails_cleanly (fixture, "film.otio", reel_otio_write);
}

/* FCPXML */

typedef struct
{
  char       *name;
  char       *parent;
  GHashTable *attributes;
  GString    *text;
} XmlElement;

static void
xml_element_free (XmlElement *element)
{
  g_free (element->name);
  g_free (element->parent);
  g_hash_table_unref (element->attributes);
  g_string_free (element->text, TRUE);
  g_free (element);
}

typedef struct
{
  GPtrArray *elements; /* in document order */
  GPtrArray *open;     /* XmlElement* being read, innermost last */
} XmlDocument;

static void
start_element_cb (GMarkupParseContext *context,
                  const char          *name,
                  const char         **attribute_names,
                  const char         **attribute_values,
                  gpointer             user_data,
                  GError             **error)
{
  XmlDocument  *document = user_data;
  XmlElement   *element = g_new0 (XmlElement, 1);
  const GSList *stack = g_markup_parse_context_get_element_stack (context);

  element->name = g_strdup (name);
  element->parent = g_strdup (stack->next != NULL ? stack->next->data : "");
  element->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  element->text = g_string_new (NULL);
  for (guint i = 0; attribute_names[i] != NULL; i++)
    g_hash_table_insert (element->attributes, g_strdup (attribute_names[i]),
                         g_strdup (attribute_values[i]));
  g_ptr_array_add (document->elements, element);
  g_ptr_array_add (document->open, element);
}

static void
end_element_cb (GMarkupParseContext *context, const char *name, gpointer user_data, GError **error)
{
  XmlDocument *document = user_data;

  g_ptr_array_remove_index (document->open, document->open->len - 1);
}

static void
text_cb (GMarkupParseContext *context,
         const char          *text,
         gsize                length,
         gpointer             user_data,
         GError             **error)
{
  XmlDocument *document = user_data;

  /* Text counts for every element around it, so <caption> sees its words. */
  for (guint i = 0; i < document->open->len; i++)
    g_string_append_len (((XmlElement *) g_ptr_array_index (document->open, i))->text, text,
                         length);
}

static const char *
attribute (const XmlElement *element, const char *name)
{
  return g_hash_table_lookup (element->attributes, name);
}

/* "0s", "5s", "49/24s" in frames at the sample's rate; fails on any other time. */
static gint64
fcpxml_frames (const char *time)
{
  gint64 numerator, denominator = 1;
  char  *end;

  g_assert_nonnull (time);
  numerator = g_ascii_strtoll (time, &end, 10);
  if (*end == '/')
    denominator = g_ascii_strtoll (end + 1, &end, 10);
  g_assert_cmpstr (end, ==, "s");
  /* Exact at the frame rate: a whole number of frames. */
  g_assert_cmpint ((numerator * SAMPLE_FPS) % denominator, ==, 0);
  return numerator * SAMPLE_FPS / denominator;
}

static void
test_fcpxml (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char           *text = write_and_read (fixture, "film.fcpxml", reel_fcpxml_write);
  static const GMarkupParser parser = { start_element_cb, end_element_cb, text_cb, NULL, NULL };
  XmlDocument                document
      = { g_ptr_array_new_with_free_func ((GDestroyNotify) xml_element_free), g_ptr_array_new () };
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GHashTable) assets = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  const char *expected_spine[] = { "asset-clip", "transition", "asset-clip", "gap", "asset-clip" };
  guint       n_spine = 0, n_captions = 0, n_markers = 0, n_connected_clips = 0;
  gint64      position = 0, sequence_duration = -1;
  gboolean    chinese_caption = FALSE;

  context = g_markup_parse_context_new (&parser, 0, &document, NULL);
  g_assert_true (g_markup_parse_context_parse (context, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_true (
      g_str_has_prefix (text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>"));

  for (guint i = 0; i < document.elements->len; i++)
    {
      XmlElement *element = g_ptr_array_index (document.elements, i);

      if (g_str_equal (element->name, "fcpxml"))
        g_assert_cmpstr (attribute (element, "version"), ==, "1.10");
      else if (g_str_equal (element->name, "format"))
        {
          g_assert_cmpstr (attribute (element, "id"), ==, "r1");
          g_assert_cmpstr (attribute (element, "frameDuration"), ==, "1/24s");
          g_assert_cmpstr (attribute (element, "width"), ==, "1280");
          g_assert_cmpstr (attribute (element, "height"), ==, "720");
        }
      else if (g_str_equal (element->name, "asset"))
        g_hash_table_insert (assets, (gpointer) attribute (element, "id"), element);
      else if (g_str_equal (element->name, "media-rep"))
        {
          g_assert_cmpstr (element->parent, ==, "asset");
          g_assert_cmpstr (attribute (element, "kind"), ==, "original-media");
          g_assert_true (g_str_has_prefix (attribute (element, "src"), "file:///"));
        }
      else if (g_str_equal (element->name, "sequence"))
        {
          g_assert_cmpstr (attribute (element, "format"), ==, "r1");
          sequence_duration = fcpxml_frames (attribute (element, "duration"));
        }
      else if (g_str_equal (element->parent, "spine"))
        {
          gint64 offset = fcpxml_frames (attribute (element, "offset"));
          gint64 duration = fcpxml_frames (attribute (element, "duration"));

          g_assert_cmpuint (n_spine, <, G_N_ELEMENTS (expected_spine));
          g_assert_cmpstr (element->name, ==, expected_spine[n_spine]);
          n_spine++;

          if (g_str_equal (element->name, "transition"))
            {
              /* It starts where the overlap starts and takes no room. */
              g_assert_cmpint (offset, ==, 24);
              g_assert_cmpint (duration, ==, 12);
              continue;
            }
          /* Spine items butt against each other. */
          g_assert_cmpint (offset, ==, position);
          position += duration;
          if (g_str_equal (element->name, "asset-clip"))
            {
              XmlElement *asset = g_hash_table_lookup (assets, attribute (element, "ref"));

              g_assert_nonnull (asset);
              g_assert_cmpstr (attribute (asset, "hasVideo"), ==, "1");
              fcpxml_frames (attribute (element, "start"));
            }
        }
      else if (g_str_equal (element->name, "caption"))
        {
          g_assert_cmpstr (attribute (element, "lane"), ==, "1");
          g_assert_true (g_str_has_prefix (attribute (element, "role"), "SRT?captionFormat=SRT."));
          fcpxml_frames (attribute (element, "offset"));
          fcpxml_frames (attribute (element, "duration"));
          if (strstr (element->text->str, "光合作用") != NULL)
            chinese_caption = TRUE;
          n_captions++;
        }
      else if (g_str_equal (element->name, "marker"))
        {
          g_assert_nonnull (attribute (element, "value"));
          g_assert_cmpint (fcpxml_frames (attribute (element, "duration")), ==, 1);
          fcpxml_frames (attribute (element, "start"));
          n_markers++;
        }
      else if (g_str_equal (element->name, "asset-clip"))
        {
          /* The music, connected below the spine. */
          g_assert_cmpstr (attribute (element, "lane"), ==, "-1");
          g_assert_nonnull (g_hash_table_lookup (assets, attribute (element, "ref")));
          g_assert_cmpint (fcpxml_frames (attribute (element, "duration")), ==,
                           SAMPLE_TOTAL_FRAMES - 12);
          n_connected_clips++;
        }
    }

  g_assert_cmpuint (n_spine, ==, G_N_ELEMENTS (expected_spine));
  g_assert_cmpint (position, ==, SAMPLE_TOTAL_FRAMES);
  g_assert_cmpint (sequence_duration, ==, SAMPLE_TOTAL_FRAMES);
  /* Two takes, one still, one music file. */
  g_assert_cmpuint (g_hash_table_size (assets), ==, 4);
  g_assert_cmpuint (n_captions, ==, 3);
  g_assert_true (chinese_caption);
  g_assert_cmpuint (n_markers, ==, 2);
  g_assert_cmpuint (n_connected_clips, ==, 1);
  g_assert_nonnull (strstr (text, "<filter-video ref=\"r2\" name=\"Cross Dissolve\"/>"));

  g_ptr_array_unref (document.elements);
  g_ptr_array_unref (document.open);

  assert_write_fails_cleanly (fixture, "film.fcpxml", reel_fcpxml_write);
}

static void
test_fcpxml_times (void)
{
  g_autofree char *zero = reel_fcpxml_format_time (0, 24);
  g_autofree char *whole = reel_fcpxml_format_time (48, 24);
  g_autofree char *frames = reel_fcpxml_format_time (49, 24);
  g_autofree char *reduced = reel_fcpxml_format_time (15, 30);

  g_assert_cmpstr (zero, ==, "0s");
  g_assert_cmpstr (whole, ==, "2s");
  g_assert_cmpstr (frames, ==, "49/24s");
  g_assert_cmpstr (reduced, ==, "1/2s");
}

/* EDL */

static gint64
timecode_frames (const char *timecode)
{
  unsigned h, m, s, f;

  g_assert_cmpint (sscanf (timecode, "%u:%u:%u:%u", &h, &m, &s, &f), ==, 4);
  g_assert_cmpuint (f, <, SAMPLE_FPS);
  g_assert_cmpuint (m, <, 60);
  g_assert_cmpuint (s, <, 60);
  return ((h * 60 + m) * 60 + s) * (gint64) SAMPLE_FPS + f;
}

static void
test_edl (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *text = write_and_read (fixture, "film.edl", reel_edl_write);
  g_autoptr (GRegex) event = g_regex_new (
      "^(\\d{3})  (\\S{1,8}) +V +(C|D) +(\\d{3})? *(\\d\\d:\\d\\d:\\d\\d:\\d\\d) "
      "(\\d\\d:\\d\\d:\\d\\d:\\d\\d) (\\d\\d:\\d\\d:\\d\\d:\\d\\d) (\\d\\d:\\d\\d:\\d\\d:\\d\\d)$",
      0, 0, NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GHashTable) event_numbers
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const gint64 hour = 3600 * SAMPLE_FPS;
  gint64       record = hour;
  guint        n_events = 0, n_dissolves = 0, n_sources = 0, n_clip_names = 0, n_locators = 0;
  guint        n_black = 0;

  g_assert_cmpstr (lines[0], ==, "TITLE: 光合作用 Lesson");
  g_assert_cmpstr (lines[1], ==, "FCM: NON-DROP FRAME");

  for (guint i = 2; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) match = NULL;

      if (g_regex_match (event, lines[i], 0, &match))
        {
          g_autofree char *number = g_match_info_fetch (match, 1);
          g_autofree char *reel = g_match_info_fetch (match, 2);
          g_autofree char *kind = g_match_info_fetch (match, 3);
          g_autofree char *length = g_match_info_fetch (match, 4);
          g_autofree char *source_in = g_match_info_fetch (match, 5);
          g_autofree char *source_out = g_match_info_fetch (match, 6);
          g_autofree char *record_in = g_match_info_fetch (match, 7);
          g_autofree char *record_out = g_match_info_fetch (match, 8);

          n_events++;
          g_hash_table_add (event_numbers, g_steal_pointer (&number));
          if (g_str_equal (reel, "BL"))
            n_black++;
          else
            g_assert_cmpstr (reel, ==, "AX");

          /* The record side is contiguous from 01:00:00:00, and each line
           * uses as many source frames as record frames. */
          g_assert_cmpint (timecode_frames (record_in), ==, record);
          g_assert_cmpint (timecode_frames (record_out) - timecode_frames (record_in), ==,
                           timecode_frames (source_out) - timecode_frames (source_in));
          record = timecode_frames (record_out);

          if (g_str_equal (kind, "D"))
            {
              g_assert_cmpstr (length, ==, "012");
              g_assert_cmpint (timecode_frames (record_in), ==, hour + 24);
              /* 1B from 0.25 s into its take. */
              g_assert_cmpint (timecode_frames (source_in), ==, 6);
              n_dissolves++;
            }
          else
            g_assert_cmpstr (length, ==, "");
        }
      else if (g_str_has_prefix (lines[i], "* SOURCE FILE: "))
        n_sources++;
      else if (g_str_has_prefix (lines[i], "* FROM CLIP NAME: ")
               || g_str_has_prefix (lines[i], "* TO CLIP NAME: "))
        n_clip_names++;
      else if (g_str_has_prefix (lines[i], "* LOC: "))
        {
          g_assert_true (g_str_has_prefix (lines[i], n_locators == 0 ? "* LOC: 01:00:00:12 "
                                                                     : "* LOC: 01:00:03:06 "));
          n_locators++;
        }
      else
        g_assert_cmpstr (lines[i], ==, "");
    }

  /* Four events; the dissolve is two lines under one number. */
  g_assert_cmpuint (g_hash_table_size (event_numbers), ==, SAMPLE_N_ITEMS);
  g_assert_cmpuint (n_events, ==, SAMPLE_N_ITEMS + 1);
  g_assert_cmpuint (n_dissolves, ==, 1);
  g_assert_cmpuint (n_black, ==, 1);
  g_assert_cmpint (record, ==, hour + SAMPLE_TOTAL_FRAMES);
  g_assert_cmpuint (n_sources, ==, 3);
  g_assert_cmpuint (n_clip_names, ==, SAMPLE_N_ITEMS + 1);
  g_assert_cmpuint (n_locators, ==, 2);
  g_assert_nonnull (strstr (text, "* SOURCE FILE: /nonexistent/take-a.mp4\n"));

  assert_write_fails_cleanly (fixture, "film.edl", reel_edl_write);
}

static void
test_edl_timecode (void)
{
  g_autofree char *zero = reel_edl_format_timecode (0, 24);
  g_autofree char *hour = reel_edl_format_timecode (3600 * 25 + 61 * 25 + 24, 25);

  g_assert_cmpstr (zero, ==, "00:00:00:00");
  g_assert_cmpstr (hour, ==, "01:01:01:24");
}

/* A film without shots yet still gives files other tools can open. */
static void
test_empty_cut (void)
{
  g_autoptr (ReelCut) cut = reel_cut_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  static const GMarkupParser no_callbacks = { 0 };
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *otio = NULL;
  g_autofree char *fcpxml = NULL;
  g_autofree char *edl = NULL;

  cut->fps = 25;
  cut->width = 640;
  cut->height = 360;

  otio = reel_otio_to_string (cut);
  json_parser_load_from_data (parser, otio, -1, &error);
  g_assert_no_error (error);

  fcpxml = reel_fcpxml_to_string (cut);
  context = g_markup_parse_context_new (&no_callbacks, 0, NULL, NULL);
  g_assert_true (g_markup_parse_context_parse (context, fcpxml, -1, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (fcpxml, "<spine>"));

  edl = reel_edl_to_string (cut);
  g_assert_cmpstr (edl, ==, "TITLE: Storyreel\nFCM: NON-DROP FRAME\n");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/interchange/otio", Fixture, NULL, fixture_set_up, test_otio, fixture_tear_down);
  g_test_add ("/interchange/fcpxml", Fixture, NULL, fixture_set_up, test_fcpxml, fixture_tear_down);
  g_test_add_func ("/interchange/fcpxml-times", test_fcpxml_times);
  g_test_add ("/interchange/edl", Fixture, NULL, fixture_set_up, test_edl, fixture_tear_down);
  g_test_add_func ("/interchange/edl-timecode", test_edl_timecode);
  g_test_add_func ("/interchange/empty-cut", test_empty_cut);

  return g_test_run ();
}
