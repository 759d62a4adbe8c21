/* reel-exporter-segments.c: a film export encoded as cached segments
 *
 * The pictures are encoded segment by segment, each into the segment cache
 * under a hash of everything that decides its pixels, and the segments'
 * H.264 streams are then joined without re-encoding, with the film's sound
 * mixed over the whole film (reel-exporter-copy.c). A segment already in
 * the cache is not encoded again: after a small change only the segments it
 * touched are.
 *
 * A segment is one shot, or the shots that transitions blend into one
 * another: a crossfade needs both pictures, so the shots on either side of
 * it belong to the same segment, and a change to either re-encodes both.
 * Every segment is a separate encode with the very same settings, so it
 * starts with a keyframe and carries the same stream parameters: the joined
 * stream plays across the joins as one. Burned captions that run over a
 * join are drawn in each segment for the frames that lie in it.
 *
 * Two segments are encoded at once, and the film's sound is mixed and
 * encoded meanwhile into a file of its own, so that the join only copies
 * streams. A segment that appears twice in the film is encoded once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "reel-cut-logo.h"
#include "reel-exporter-private.h"

/* Bump when the segments' encoding changes in a way the description below
 * does not show, so that no old segment is taken for a new one. (3: the
 * colorimetry fixed from the start, where version 2's encoder was
 * reconfigured a few frames in.) */
#define SEGMENT_FORMAT_VERSION 3

typedef struct Segment
{
  guint  first, last;            /* items */
  gint64 start_frame, end_frame; /* in the film */
  char  *hash;
  char  *path; /* in the cache, once there */
  /* An earlier segment of the film with the same pixels (the same take
   * twice, say), encoded once for both; or NULL. */
  const struct Segment *same_as;
} Segment;

static void
segment_free (gpointer data)
{
  Segment *segment = data;

  g_free (segment->hash);
  g_free (segment->path);
  g_free (segment);
}

static gint64
to_frames (double seconds, guint fps)
{
  return seconds > 0 ? (gint64) llround (seconds * fps) : 0;
}

gboolean
reel_exporter_can_encode_segments (ReelExporter *self)
{
  /* WebM is rendered whole: its VP9 segments would need a join of their
   * own, and a WebM export is rarely the one made again and again. */
  return self->options.use_segment_cache && self->options.format == REEL_EXPORT_FORMAT_MP4;
}

/* Planning */

static gboolean
joins_previous (const ReelCutItem *item)
{
  return item->transition != REEL_TRANSITION_CUT && item->transition_duration > 0;
}

static GPtrArray *
plan_segments (ReelExporter *self)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func (segment_free);
  GPtrArray *items = self->cut->items;

  for (guint i = 0; i < items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (items, i);
      Segment           *segment;

      if (i > 0 && joins_previous (item))
        segment = g_ptr_array_index (segments, segments->len - 1);
      else
        {
          segment = g_new0 (Segment, 1);
          segment->first = i;
          segment->start_frame = to_frames (item->start, self->fps);
          g_ptr_array_add (segments, segment);
        }
      segment->last = i;
      segment->end_frame
          = MAX (segment->end_frame, to_frames (item->start + item->duration, self->fps));
    }
  return segments;
}

/* The timeline options a segment is drawn with: those of the whole film,
 * with the label decided by the whole film's shots. */
static void
segment_timeline_options (ReelExporter *self, ReelTimelineOptions *options)
{
  gboolean ai_film = reel_cut_has_ai_generated (self->cut);

  reel_timeline_options_init (options);
  options->width = self->width;
  options->height = self->height;
  options->fps = self->fps;
  options->burn_captions = self->options.captions == REEL_CAPTION_MODE_BURN;
  options->ai_label_position
      = ai_film ? reel_exporter_label_position (self) : REEL_LABEL_POSITION_NONE;
  options->ai_generated_film = ai_film;
}

/* The cut that is the segment alone: its items and the caption cues over
 * them, in the segment's own time, which starts at frame 0. Only those are
 * copied: a feature has thousands of shots. */
static ReelCut *
dup_segment_cut (ReelExporter *self, const Segment *segment)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autoptr (GPtrArray) cues = g_ptr_array_new ();
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  guint    fps = self->fps;
  double   offset = (double) segment->start_frame / fps;
  double   end = (double) segment->end_frame / fps;
  ReelCut  part = *self->cut;
  ReelCut *cut;

  for (guint i = segment->first; i <= segment->last; i++)
    g_ptr_array_add (items, g_ptr_array_index (self->cut->items, i));
  for (guint i = 0; i < self->cut->cues->len; i++)
    {
      ReelCutCue *cue = g_ptr_array_index (self->cut->cues, i);

      if (cue->start + cue->duration > offset && cue->start < end)
        g_ptr_array_add (cues, cue);
    }
  part.items = items;
  part.cues = cues;
  part.music = none;
  part.markers = none;
  cut = reel_cut_copy (&part);

  for (guint i = 0; i < cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (cut->items, i);
      gint64       start = to_frames (item->start, fps) - segment->start_frame;
      gint64       stop = to_frames (item->start + item->duration, fps) - segment->start_frame;

      /* Whole frames, so the timeline places each shot on the same frames
       * as in the whole film. */
      item->start = (double) start / fps;
      item->duration = (double) (stop - start) / fps;
      if (i == 0)
        {
          item->transition = REEL_TRANSITION_CUT;
          item->transition_duration = 0;
        }
    }
  for (guint i = 0; i < cut->cues->len; i++)
    ((ReelCutCue *) g_ptr_array_index (cut->cues, i))->start -= offset;
  cut->duration = end - offset;
  return cut;
}

/* Hashing: a segment is known by a text that describes everything that
 * decides its pixels, hashed. */

static void
describe_encoding (ReelExporter *self, GString *out)
{
  g_autofree char *gst_version = gst_version_string ();

  g_string_append_printf (out, "version %d\n%s\n", SEGMENT_FORMAT_VERSION, gst_version);
  g_string_append_printf (out, "format %s\nencoder %s\n",
                          reel_export_format_to_string (self->options.format),
                          reel_exporter_pick_video_encoder (self));
  g_string_append_printf (out, "x264 preset %s crf 23 keyframes %u\n",
                          reel_exporter_x264_preset (self), self->fps * 2);
  g_string_append_printf (out, "quality %s\n",
                          reel_export_quality_to_string (self->options.quality));
  g_string_append_printf (out, "size %ux%u fps %u\n", self->width, self->height, self->fps);
}

/* Every timeline option that changes the pictures. A new one (a logo, say)
 * goes here too, or segments drawn without it would be reused. */
static void
describe_picture_settings (const ReelTimelineOptions *options, GString *out)
{
  g_string_append_printf (out, "burn captions %d\n", options->burn_captions);
  g_string_append_printf (out, "label %s\n",
                          reel_label_position_to_string (options->ai_label_position));
  g_string_append_printf (out, "ai film %d (%s)\n", options->ai_generated_film, _ ("AI-generated"));
}

/* What the item shows, known by its content. A take lives in the project's
 * media store under its hash and never changes there, so its hash and size
 * name it: the same take copied into another project (as the films of a
 * batch share their shots) is the same segment. A card is named by what it
 * draws. Any other file is known by its path, size and modification time,
 * which a new file written over the old one changes. */
static void
describe_media (const ReelCutItem *item, GString *out)
{
  g_autofree char *basename
      = item->media_path != NULL ? g_path_get_basename (item->media_path) : NULL;
  GStatBuf info = { 0 };
  gboolean found = item->media_path != NULL && g_stat (item->media_path, &info) == 0;

  if (item->animatic_fallback)
    g_string_append_printf (out, "card %s", basename != NULL ? basename : "");
  else if (item->media_sha256 != NULL)
    g_string_append_printf (out, "take %s", item->media_sha256);
  else
    g_string_append_printf (
        out, "file %s %" G_GINT64_FORMAT ".%09ld", item->media_path != NULL ? item->media_path : "",
        found ? (gint64) info.st_mtim.tv_sec : 0, found ? info.st_mtim.tv_nsec : 0);
  g_string_append_printf (out, " size %" G_GINT64_FORMAT " image %d\n",
                          found ? (gint64) info.st_size : -1, item->media_is_image);
}

static void
describe_cut (const ReelCut *cut, GString *out)
{
  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      describe_media (item, out);
      g_string_append_printf (out, "in %.6f start %.6f duration %.6f\n", item->in_point,
                              item->start, item->duration);
      g_string_append_printf (out, "transition %d %.6f\n", item->transition,
                              item->transition_duration);
    }
}

static void
describe_burned_captions (const ReelCut *cut, GString *out)
{
  for (guint i = 0; i < cut->cues->len; i++)
    {
      const ReelCutCue *cue = g_ptr_array_index (cut->cues, i);

      g_string_append_printf (out, "cue %.6f %.6f %s: %s\n", cue->start, cue->duration,
                              cue->speaker != NULL ? cue->speaker : "",
                              cue->text != NULL ? cue->text : "");
    }
}

/* The logo is drawn from the cut, not the options: @logo_key names its
 * image by content, its corner, size and opacity, worked out once for the
 * film (reel_cut_logo_dup_key() may read and hash the image). */
static char *
hash_segment (ReelExporter              *self,
              const ReelCut             *segment_cut,
              const ReelTimelineOptions *options,
              const char                *logo_key)
{
  g_autoptr (GString) description = g_string_new (NULL);

  describe_encoding (self, description);
  describe_picture_settings (options, description);
  describe_cut (segment_cut, description);
  g_string_append_printf (description, "logo %s\n", logo_key);
  if (options->burn_captions)
    describe_burned_captions (segment_cut, description);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, description->str, description->len);
}

/* Encoding */

static void
remove_audio_tracks (GESTimeline *timeline)
{
  GList *tracks = ges_timeline_get_tracks (timeline);

  for (GList *l = tracks; l != NULL; l = l->next)
    if (GES_IS_AUDIO_TRACK (l->data))
      ges_timeline_remove_track (timeline, l->data);
  g_list_free_full (tracks, gst_object_unref);
}

typedef struct
{
  GstSegment   segment;
  GstClockTime end; /* less half a frame, so a time rounded down still counts */
} FrameLimit;

static GstPadProbeReturn
drop_frames_past_end_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  FrameLimit *limit = user_data;
  GstBuffer  *buffer;
  guint64     position;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        gst_event_copy_segment (event, &limit->segment);
      return GST_PAD_PROBE_OK;
    }

  buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  if (buffer == NULL || !GST_BUFFER_PTS_IS_VALID (buffer)
      || limit->segment.format != GST_FORMAT_TIME)
    return GST_PAD_PROBE_OK;
  position = gst_segment_to_stream_time (&limit->segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  return GST_CLOCK_TIME_IS_VALID (position) && position >= limit->end ? GST_PAD_PROBE_DROP
                                                                      : GST_PAD_PROBE_OK;
}

/* NLE now and then lets one more frame of the last shot through as the
 * segment ends, at its very end: a segment of 150 frames came out with
 * 151, and every picture after it in the joined film a frame late. */
static void
limit_frames (ReelExporter *self, GESTimeline *timeline, const Segment *segment)
{
  GList      *tracks = ges_timeline_get_tracks (timeline);
  FrameLimit *limit = g_new0 (FrameLimit, 1);
  GstPad     *pad = NULL;

  limit->end = reel_frames_to_time (segment->end_frame - segment->start_frame, self->fps)
               - GST_SECOND / (2 * MAX (self->fps, 1));
  gst_segment_init (&limit->segment, GST_FORMAT_UNDEFINED);
  for (GList *l = tracks; l != NULL && pad == NULL; l = l->next)
    if (GES_IS_VIDEO_TRACK (l->data))
      pad = ges_timeline_get_pad_for_track (timeline, l->data);
  g_list_free_full (tracks, gst_object_unref);
  if (pad != NULL)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                       drop_frames_past_end_cb, limit, g_free);
  else
    g_free (limit);
}

/* Two encoders at once, sharing the cores: while one starts or drains
 * with few frames to work on, the other keeps the cores busy. Each then has
 * a thread a core it has, where x264 alone would take one and a half to
 * cover its own waits: the other encoder covers them, and fewer threads
 * cost x264 less. More encoders would only hold more memory. */
#define MAX_RUNNING_SEGMENTS 2

/* A segment being encoded, into a temporary of the cache. */
typedef struct
{
  Segment *segment; /* the exporter's */
  char    *temporary;
} SegmentEncode;

static void
segment_encode_free (gpointer data)
{
  SegmentEncode *encode = data;

  /* Still there: the export ended first. */
  if (encode->temporary != NULL)
    g_unlink (encode->temporary);
  g_free (encode->temporary);
  g_free (encode);
}

/* The segment's pictures alone (the sound is mixed over the whole film), in
 * a GESPipeline writing @path; the timeline it plays goes in @timeline. */
static GstElement *
build_segment_pipeline (ReelExporter  *self,
                        const Segment *segment,
                        const char    *path,
                        GESTimeline  **timeline,
                        GError       **error)
{
  g_autoptr (ReelCut) cut = dup_segment_cut (self, segment);
  ReelTimelineOptions options;

  segment_timeline_options (self, &options);
  *timeline = reel_cut_build_timeline (cut, &options, error);
  if (*timeline == NULL)
    return NULL;
  remove_audio_tracks (*timeline);
  limit_frames (self, *timeline, segment);
  return reel_exporter_render_timeline (self, *timeline, path, FALSE, error);
}

void
reel_exporter_drop_segment_hold (ReelExporter *self)
{
  if (self->segment_hold != NULL)
    reel_segment_cache_drop_hold (self->segment_cache, self->segment_hold);
  g_clear_pointer (&self->segment_hold, g_free);
}

static GstClockTime film_length (ReelExporter *self);

static void
drop_sound (ReelExporter *self)
{
  if (self->sound_temporary != NULL)
    g_unlink (self->sound_temporary);
  g_clear_pointer (&self->sound_temporary, g_free);
  self->sound_mixed = FALSE;
}

static void
joined (ReelExporter *self, G_GNUC_UNUSED gpointer unused)
{
  guint64 limit = self->options.segment_cache_limit > 0 ? self->options.segment_cache_limit
                                                        : REEL_SEGMENT_CACHE_DEFAULT_LIMIT;

  drop_sound (self);
  /* Only now: until the join every segment of this film was needed. */
  reel_segment_cache_trim (self->segment_cache, limit);
  reel_exporter_drop_segment_hold (self);
  reel_exporter_render_done (self, NULL);
}

static void
join_segments (ReelExporter *self)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GError) error = NULL;
  GESTimeline *no_timeline = NULL;

  g_debug ("Segments: %u encoded, %u reused", self->segments_encoded, self->segments_reused);
  for (guint i = 0; i < self->segments->len; i++)
    {
      const Segment *segment = g_ptr_array_index (self->segments, i);

      g_ptr_array_add (paths, segment->same_as != NULL ? segment->same_as->path : segment->path);
    }

  self->film_duration = film_length (self);
  g_free (self->render_path);
  self->render_path = g_strdup (self->reserved_path);
  reel_exporter_set_stage (self, N_ ("Copying video"), 0.95);
  pipeline = reel_exporter_build_join_pipeline (self, paths, self->sound_temporary, &no_timeline,
                                                &error);
  if (pipeline == NULL
      || !reel_exporter_play_pipeline (self, pipeline, NULL, self->film_duration, 0, joined, NULL,
                                       NULL, &error))
    reel_exporter_fail (self, g_steal_pointer (&error));
}

/* A cache that cannot be written (a read-only or full home) costs the next
 * export its speed, not this export. */
static void
render_whole (ReelExporter *self, const GError *error)
{
  g_message ("%s; rendering the film whole", error->message);
  reel_exporter_stop_pipelines (self);
  drop_sound (self);
  reel_exporter_drop_segment_hold (self);
  self->options.use_segment_cache = FALSE;
  self->segments_encoded = self->segments_reused = 0;
  reel_exporter_start_render (self);
}

static void encode_segments (ReelExporter *self);

static void
segment_encoded (ReelExporter *self, gpointer data)
{
  SegmentEncode *encode = data;
  Segment       *segment = encode->segment;
  g_autoptr (GError) error = NULL;
  g_autofree char *held = NULL;

  self->segments_running--;
  /* Held under its own name before it takes it: no trim can come between. */
  if (self->segment_hold != NULL)
    held = reel_segment_cache_hold (self->segment_cache, self->segment_hold, encode->temporary,
                                    segment->hash, "mp4");
  /* Without hard links that is the temporary's own path, renamed now. */
  if (g_strcmp0 (held, encode->temporary) == 0)
    g_clear_pointer (&held, g_free);
  if (!reel_segment_cache_commit (self->segment_cache, encode->temporary, segment->hash, "mp4",
                                  &error))
    {
      reel_exporter_fail (self, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&encode->temporary, g_free);
  segment->path = held != NULL
                      ? g_steal_pointer (&held)
                      : reel_segment_cache_dup_path (self->segment_cache, segment->hash, "mp4");
  self->segments_encoded++;
  encode_segments (self);
}

static void
sound_mixed (ReelExporter *self, G_GNUC_UNUSED gpointer unused)
{
  self->sound_mixed = TRUE;
  encode_segments (self);
}

static GstClockTime
segment_work (ReelExporter *self, const Segment *segment)
{
  return reel_frames_to_time (segment->end_frame - segment->start_frame, self->fps);
}

static GstClockTime
film_length (ReelExporter *self)
{
  return reel_frames_to_time (llround (self->cut->duration * self->fps), self->fps);
}

/* Mixing and encoding the sound goes some twenty times faster than
 * encoding the pictures (16× at draft, 29× at standard): a small share of
 * the work, but all of it when every segment is cached, and most of it in
 * a feature where one shot changed. */
#define SOUND_WORK_SHARE 20

static GstClockTime
sound_work (ReelExporter *self)
{
  return MAX (film_length (self) / SOUND_WORK_SHARE, 1);
}

/* Starts the next segment that is not in the cache; FALSE when the export
 * failed or took another way. */
static gboolean
encode_next_segment (ReelExporter *self)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GESTimeline) timeline = NULL;
  g_autoptr (GError) error = NULL;
  SegmentEncode *encode;
  guint          attempt = self->render_attempt;

  for (; self->segment_index < self->segments->len; self->segment_index++)
    {
      const Segment *next = g_ptr_array_index (self->segments, self->segment_index);

      if (next->path == NULL && next->same_as == NULL)
        break;
    }
  if (self->segment_index == self->segments->len)
    return TRUE;

  encode = g_new0 (SegmentEncode, 1);
  encode->segment = g_ptr_array_index (self->segments, self->segment_index++);
  if (!(encode->temporary = reel_segment_cache_reserve (self->segment_cache, &error)))
    {
      segment_encode_free (encode);
      render_whole (self, error);
      return FALSE;
    }
  if (!(pipeline
        = build_segment_pipeline (self, encode->segment, encode->temporary, &timeline, &error)))
    {
      segment_encode_free (encode);
      reel_exporter_fail (self, g_steal_pointer (&error));
      return FALSE;
    }
  self->segments_running++;
  if (!reel_exporter_play_pipeline (self, pipeline, g_steal_pointer (&timeline),
                                    segment_work (self, encode->segment), 0, segment_encoded,
                                    encode, segment_encode_free, &error))
    {
      reel_exporter_fail (self, g_steal_pointer (&error));
      return FALSE;
    }
  /* A hardware encoder that failed to start started the render again. */
  return attempt == self->render_attempt;
}

static guint
most_running_segments (void)
{
  return MIN (MAX_RUNNING_SEGMENTS, MAX (g_get_num_processors (), 1));
}

/* Keeps the encoders busy until every segment is there, then joins them
 * with the sound. */
static void
encode_segments (ReelExporter *self)
{
  /* A failure on the way may end the export, and its callback drop the
   * last other reference, before the loop below looks again. */
  g_autoptr (ReelExporter) alive = g_object_ref (self);
  guint most = most_running_segments ();

  while (self->segments_running < most && self->segment_index < self->segments->len)
    if (!encode_next_segment (self))
      return;
  if (self->segments_running == 0 && self->segment_index == self->segments->len
      && self->sound_mixed)
    join_segments (self);
}

/* The film's sound, mixed and encoded once, into a temporary of the cache
 * that the join copies. */
static gboolean
mix_sound (ReelExporter *self)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GESTimeline) timeline = NULL;
  g_autoptr (GError) error = NULL;

  if (!(self->sound_temporary = reel_segment_cache_reserve (self->segment_cache, &error)))
    {
      render_whole (self, error);
      return FALSE;
    }
  if (!(pipeline
        = reel_exporter_build_sound_pipeline (self, self->sound_temporary, &timeline, &error))
      || !reel_exporter_play_pipeline (self, pipeline, g_steal_pointer (&timeline),
                                       sound_work (self), film_length (self), sound_mixed, NULL,
                                       NULL, &error))
    {
      reel_exporter_fail (self, g_steal_pointer (&error));
      return FALSE;
    }
  return TRUE;
}

void
reel_exporter_start_segments (ReelExporter *self)
{
  ReelTimelineOptions options;
  g_autofree char    *logo_key = NULL;
  GstClockTime        work = 0;
  g_autoptr (GHashTable) to_encode = g_hash_table_new (g_str_hash, g_str_equal);

  if (self->segment_cache == NULL)
    self->segment_cache = reel_segment_cache_new (self->options.segment_cache_dir);
  reel_exporter_stop_pipelines (self);
  drop_sound (self);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  reel_exporter_drop_segment_hold (self);
  {
    g_autoptr (GError) error = NULL;

    /* Without a hold the export still works; another export's trim could
     * then remove a segment before this one joins it. */
    if (!(self->segment_hold = reel_segment_cache_new_hold (self->segment_cache, &error)))
      g_debug ("%s", error->message);
  }
  self->segments = plan_segments (self);
  self->segment_index = 0;
  self->segments_running = 0;
  self->segments_encoded = 0;
  self->segments_reused = 0;

  segment_timeline_options (self, &options);
  logo_key = reel_cut_logo_dup_key (self->cut->logo);
  for (guint i = 0; i < self->segments->len; i++)
    {
      Segment *segment = g_ptr_array_index (self->segments, i);
      g_autoptr (ReelCut) cut = dup_segment_cut (self, segment);

      segment->hash = hash_segment (self, cut, &options, logo_key);
      segment->path = reel_segment_cache_lookup (self->segment_cache, segment->hash, "mp4");
      /* Held for the join; gone if another export trimmed it meanwhile. */
      if (segment->path != NULL && self->segment_hold != NULL)
        {
          char *held = reel_segment_cache_hold (self->segment_cache, self->segment_hold,
                                                segment->path, segment->hash, "mp4");

          g_free (segment->path);
          segment->path = held;
        }
      /* Counted as the cache would have had it had they been encoded
       * one after the other. */
      if (segment->path != NULL
          || (segment->same_as = g_hash_table_lookup (to_encode, segment->hash)) != NULL)
        self->segments_reused++;
      else
        {
          g_hash_table_insert (to_encode, segment->hash, segment);
          work += segment_work (self, segment);
        }
    }

  /* One segment alone (a re-export after a small change) has the cores to
   * itself. */
  if (g_hash_table_size (to_encode) > 1)
    self->x264_threads = MAX (g_get_num_processors () / most_running_segments (), 1);
  reel_exporter_set_stage (self, N_ ("Encoding"), 0.85);
  self->stage_work = work + sound_work (self);
  if (mix_sound (self))
    encode_segments (self);
}
