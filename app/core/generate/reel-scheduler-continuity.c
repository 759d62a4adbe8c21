/* reel-scheduler-continuity.c: connected shots and chained segments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "reel-scheduler-private.h"

/* ------------------------------------------------------------------------ */
/* Queue time                                                                */

/* The shot starts where the shot before ends, unless it has a board of its
 * own; and ends toward the next shot's board, which first-and-last-frame
 * models use. */
static void
continue_shot (ReelProject *project, ReelShot *shot, ReelJobRequest *request)
{
  GListModel *shots = reel_project_get_shots (project);
  guint       position = reel_shot_get_position (shot);
  g_autoptr (ReelShot) next = g_list_model_get_item (shots, position + 1);

  if (position > 0 && request->start_image == NULL)
    {
      g_autoptr (ReelShot) previous = g_list_model_get_item (shots, position - 1);

      if (previous != NULL)
        request->previous_shot_id = reel_shot_get_id (previous);
    }
  if (next != NULL && reel_shot_get_board_image (next) != NULL)
    {
      g_free (request->end_image);
      request->end_image = reel_project_get_media_path (project, reel_shot_get_board_image (next));
    }
}

void
reel_scheduler_add_shot_jobs (ReelProject    *project,
                              ReelBackend    *backend,
                              ReelShot       *shot,
                              ReelJobRecord  *job,
                              ReelJobRequest *request,
                              GPtrArray      *jobs)
{
  ReelBackendCapabilities caps = { 0 };
  guint                   n = 1;

  if (backend != NULL)
    reel_backend_get_capabilities (backend, &caps);
  if ((caps.features & REEL_BACKEND_IMAGE_TO_VIDEO) && reel_project_get_continuity (project))
    continue_shot (project, shot, request);
  if (caps.max_duration > 0)
    n = MAX ((guint) ceil (request->duration / caps.max_duration - 1e-6), 1);

  /* Equal segments: none falls below the backend's shortest clip. Each is
   * its own job, so each is tracked, resumed and paid once; their ids
   * follow the order of the chain. */
  for (guint k = 0; k < n; k++)
    {
      ReelJobRecord *segment = k + 1 < n ? reel_job_record_copy (job) : job;
      g_autoptr (ReelJobRequest) part = reel_job_request_copy (request);

      if (n > 1)
        {
          part->segment = k;
          part->n_segments = n;
          part->duration = request->duration / n;
        }
      if (k > 0)
        {
          g_clear_pointer (&part->start_image, g_free);
          g_clear_pointer (&part->start_from, g_free);
          part->start_source_id = 0;
          part->previous_shot_id = 0;
        }
      if (k + 1 < n)
        g_clear_pointer (&part->end_image, g_free);
      segment->request = reel_job_request_to_json (part);
      g_ptr_array_add (jobs, segment);
    }
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                  */

static gboolean
same_chain (const ReelJobRecord *a, const ReelJobRecord *b)
{
  return a->id != b->id && a->batch_id == b->batch_id && a->shot_id == b->shot_id
         && a->variant == b->variant;
}

static gboolean
may_wait (const ReelJobRecord *job)
{
  return job->request != NULL
         && (strstr (job->request, "\"previous_shot_id\"") != NULL
             || strstr (job->request, "\"n_segments\"") != NULL);
}

gboolean
reel_scheduler_job_must_wait (ReelProject *project, GHashTable *jobs, ReelJobRecord *job)
{
  g_autoptr (ReelJobRequest) request = NULL;
  const char    *why = NULL;
  GHashTableIter iter;
  gpointer       value;

  if (!may_wait (job) || (request = reel_job_request_new_from_json (job->request, NULL)) == NULL)
    return FALSE;

  g_hash_table_iter_init (&iter, jobs);
  while (why == NULL && g_hash_table_iter_next (&iter, NULL, &value))
    {
      ReelJobRecord *other = value;

      if (other->id >= job->id || reel_job_state_is_finished (other->state))
        continue;
      if (request->segment > 0 && same_chain (other, job))
        why = _ ("Waiting for the segment before");
      else if (request->segment == 0 && request->previous_shot_id != 0
               && other->shot_id == request->previous_shot_id)
        why = _ ("Waiting for the shot before");
    }
  if (why == NULL)
    return FALSE;

  if (g_strcmp0 (job->message, why) != 0)
    {
      g_free (job->message);
      job->message = g_strdup (why);
      reel_project_show_job_progress (project, job->shot_id, reel_job_state_to_string (job->state),
                                      job->progress, why);
    }
  return TRUE;
}

static void
continue_from_take (ReelProject *project, ReelJobRequest *request)
{
  ReelShot *previous = reel_project_lookup_shot (project, request->previous_shot_id);
  g_autoptr (ReelTake) take = NULL;

  if (previous != NULL && reel_shot_get_chosen_take_id (previous) != 0)
    take = reel_project_get_take (project, reel_shot_get_chosen_take_id (previous));
  if (take == NULL || g_strcmp0 (take->kind, "video") != 0 || take->media == NULL)
    {
      request->start_note = g_strdup (
          _ ("The shot before has no video take, so this shot starts from its own text."));
      return;
    }
  request->start_frame_of = reel_project_get_media_path (project, take->media);
  g_free (request->start_from);
  request->start_from = g_strdup ("previous-shot");
  request->start_source_id = take->id;
}

/* What a finished segment left in its job's resume state: its clip, and,
 * for the first, where the chain started. */
typedef struct
{
  char  *clip;
  char  *start_from;
  gint64 start_source_id;
} SegmentRecord;

static void
segment_record_clear (SegmentRecord *record)
{
  g_clear_pointer (&record->clip, g_free);
  g_clear_pointer (&record->start_from, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SegmentRecord, segment_record_clear)

static gboolean
read_segment_record (const char *resume, SegmentRecord *record)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode   *root;
  JsonObject *object;

  if (resume == NULL || !json_parser_load_from_data (parser, resume, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser)))
    return FALSE;
  object = json_node_get_object (root);
  record->clip
      = g_strdup (json_object_get_string_member_with_default (object, "segment_clip", NULL));
  record->start_from
      = g_strdup (json_object_get_string_member_with_default (object, "start_from", NULL));
  record->start_source_id = json_object_get_int_member_with_default (object, "start_source_id", 0);
  return record->clip != NULL;
}

/* The clips of the segments before @job's, in order, from the file: a
 * restart finds them there. The first one's start goes to @request. */
static GPtrArray *
earlier_segment_clips (ReelProject *project, const ReelJobRecord *job, ReelJobRequest *request)
{
  g_autoptr (GPtrArray) all = reel_project_list_jobs (project, FALSE);
  GPtrArray *clips = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_set_size (clips, request->segment);
  for (guint i = 0; i < all->len; i++)
    {
      ReelJobRecord *other = g_ptr_array_index (all, i);
      g_autoptr (ReelJobRequest) other_request = NULL;
      g_auto (SegmentRecord) record = { 0 };

      if (!same_chain (other, job) || other->id > job->id || other->state != REEL_JOB_DONE
          || !read_segment_record (other->resume, &record)
          || (other_request = reel_job_request_new_from_json (other->request, NULL)) == NULL
          || other_request->segment >= request->segment)
        continue;
      g_free (g_ptr_array_index (clips, other_request->segment));
      g_ptr_array_index (clips, other_request->segment)
          = reel_project_get_media_path (project, record.clip);
      if (other_request->segment == 0)
        {
          g_free (request->start_from);
          request->start_from = g_steal_pointer (&record.start_from);
          request->start_source_id = record.start_source_id;
        }
    }
  return clips;
}

static gboolean
prepare_segment (ReelProject    *project,
                 ReelBackend    *backend,
                 ReelJobRecord  *job,
                 ReelJobRequest *request,
                 GError        **error)
{
  g_autoptr (GPtrArray) clips = earlier_segment_clips (project, job, request);
  ReelBackendCapabilities caps;

  for (guint i = 0; i < clips->len; i++)
    if (g_ptr_array_index (clips, i) == NULL)
      {
        g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                     _ ("Segment %u of this shot did not finish, so the segments after it cannot "
                        "continue it. Generate the shot again."),
                     i + 1);
        return FALSE;
      }

  /* Without image-to-video the segments are clips of their own. */
  reel_backend_get_capabilities (backend, &caps);
  if (caps.features & REEL_BACKEND_IMAGE_TO_VIDEO)
    request->start_frame_of = g_strdup (g_ptr_array_index (clips, clips->len - 1));
  if (request->segment + 1 == request->n_segments)
    {
      g_ptr_array_add (clips, NULL);
      request->segment_clips = (GStrv) g_ptr_array_steal (clips, NULL);
    }
  return TRUE;
}

gboolean
reel_scheduler_prepare_request (ReelProject    *project,
                                ReelBackend    *backend,
                                ReelJobRecord  *job,
                                ReelJobRequest *request,
                                GError        **error)
{
  if (request->n_segments > 1 && request->segment > 0)
    return prepare_segment (project, backend, job, request, error);
  if (request->previous_shot_id != 0)
    continue_from_take (project, request);
  return TRUE;
}

GArray *
reel_scheduler_list_later_segments (GHashTable *jobs, const ReelJobRecord *job)
{
  GArray        *later = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer       value;

  if (job->request == NULL || strstr (job->request, "\"n_segments\"") == NULL)
    return later;
  g_hash_table_iter_init (&iter, jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ReelJobRecord *other = value;

      if (same_chain (other, job) && other->id > job->id)
        g_array_append_val (later, other->id);
    }
  return later;
}

GPtrArray *
reel_scheduler_list_segments_to_retry (ReelProject *project, const ReelJobRecord *job)
{
  g_autoptr (GPtrArray) all = NULL;
  GPtrArray *retry = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_job_record_free);

  if (job->request == NULL || strstr (job->request, "\"n_segments\"") == NULL)
    return retry;
  all = reel_project_list_jobs (project, FALSE);
  for (guint i = 0; i < all->len; i++)
    {
      ReelJobRecord *other = g_ptr_array_index (all, i);

      if (same_chain (other, job)
          && (other->state == REEL_JOB_FAILED || other->state == REEL_JOB_CANCELLED))
        g_ptr_array_add (retry, reel_job_record_copy (other));
    }
  return retry;
}

const char *
reel_scheduler_find_take_start (const ReelJobRequest *request, gint64 *source_id)
{
  /* A chain's take starts where its first segment did, as that recorded. */
  if (request->n_segments > 1 && request->segment > 0)
    {
      *source_id = request->start_source_id;
      return request->start_from != NULL ? request->start_from : "none";
    }
  /* A start frame that could not be made leaves none. */
  if (request->start_image == NULL)
    {
      *source_id = 0;
      return "none";
    }
  *source_id = request->start_source_id;
  return request->start_from;
}

char *
reel_scheduler_describe_progress (const ReelJobRequest *request, const char *text)
{
  const char *said = text != NULL ? text : request->start_note;

  if (request->n_segments < 2)
    return g_strdup (said);
  if (said == NULL)
    /* Translators: a long shot is made in parts, "Segment 2 of 3" */
    return g_strdup_printf (_ ("Segment %u of %u"), request->segment + 1, request->n_segments);
  /* Translators: "Segment 2 of 3: Rendering" */
  return g_strdup_printf (_ ("Segment %u of %u: %s"), request->segment + 1, request->n_segments,
                          said);
}

/* ------------------------------------------------------------------------ */
/* Workers                                                                   */

gboolean
reel_scheduler_make_start_image (ReelJobContext *context, GError **error)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  GCancellable         *cancellable = reel_job_context_get_cancellable (context);
  ReelMediaStore       *store = reel_job_context_get_store (context);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (ReelMediaInfo) still = NULL;
  g_autofree char *png = NULL;

  if (request->start_frame_of == NULL)
    return TRUE;

  /* A content-addressed still, not a temporary: a remote backend may read
   * it again when it resumes. */
  if ((png = reel_job_context_new_temp_path (context, "png", &local_error)) != NULL
      && reel_media_make_thumbnail (request->start_frame_of, G_MAXDOUBLE, 0, png, cancellable,
                                    &local_error)
      && (still
          = reel_media_store_add_file (store, png, REEL_MEDIA_ADD_MOVE, cancellable, &local_error))
             != NULL)
    {
      g_autofree char *path = reel_media_store_get_path (store, still->relative_path);

      reel_job_context_set_start_image (context, path);
      return TRUE;
    }

  if (png != NULL)
    g_unlink (png);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_message ("No start frame from %s: %s", request->start_frame_of, local_error->message);
  reel_job_context_progress (context, -1,
                             _ ("The last frame of the clip before could not be read, so this "
                                "clip starts from the shot’s own text."));
  return TRUE;
}

/* Where one clip's decoded streams go: its places in the concats. */
typedef struct
{
  GstPad *video;
  GstPad *audio; /* NULL: the join has no soundtrack */
} ClipPads;

static void
clip_pads_free (gpointer data, GClosure *closure)
{
  ClipPads *pads = data;

  gst_object_unref (pads->video);
  g_clear_pointer (&pads->audio, gst_object_unref);
  g_free (pads);
}

static gboolean
link_if_kind (GstPad *pad, const char *media_type, GstPad *concat_pad)
{
  g_autoptr (GstCaps) caps = gst_pad_query_caps (pad, NULL);

  return concat_pad != NULL && caps != NULL && !gst_caps_is_empty (caps)
         && g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps, 0)), media_type)
         && !gst_pad_is_linked (concat_pad) && gst_pad_link (pad, concat_pad) == GST_PAD_LINK_OK;
}

/* Links each decoded stream to its place in its concat; anything else (a
 * second soundtrack, subtitles) goes nowhere. */
static void
decoded_pad_cb (GstElement *decoder, GstPad *pad, ClipPads *pads)
{
  g_autoptr (GstObject) bin = gst_element_get_parent (decoder);
  GstElement *sink;

  if (link_if_kind (pad, "video/", pads->video) || link_if_kind (pad, "audio/", pads->audio))
    return;

  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (bin), sink);
  gst_element_sync_state_with_parent (sink);
  gst_element_link (decoder, sink);
}

/* Silence as long as a clip without a soundtrack, in its place in the
 * soundtrack's concat. */
static gboolean
add_silence (GstElement *pipeline, GstPad *concat_pad, double seconds, GError **error)
{
  const int   rate = 48000, per_buffer = rate / 100;
  GstElement *source = gst_element_factory_make ("audiotestsrc", NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  g_autoptr (GstCaps) caps = gst_caps_new_simple ("audio/x-raw", "rate", G_TYPE_INT, rate,
                                                  "channels", G_TYPE_INT, 2, NULL);
  g_autoptr (GstPad) out = NULL;

  if (source != NULL && filter != NULL)
    {
      gst_util_set_object_arg (G_OBJECT (source), "wave", "silence");
      g_object_set (source, "samplesperbuffer", per_buffer, "num-buffers",
                    MAX ((int) lround (seconds * rate / per_buffer), 1), NULL);
      g_object_set (filter, "caps", caps, NULL);
      gst_bin_add_many (GST_BIN (pipeline), source, filter, NULL);
      out = gst_element_get_static_pad (filter, "src");
      if (gst_element_link (source, filter) && gst_pad_link (out, concat_pad) == GST_PAD_LINK_OK)
        return TRUE;
    }
  else
    {
      g_clear_pointer (&source, gst_object_unref);
      g_clear_pointer (&filter, gst_object_unref);
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _ ("The segments could not be joined: no silence could be made for a "
                          "segment without sound."));
  return FALSE;
}

/* The soundtrack of a join: each clip's own, or silence as long as the
 * clip where it has none, so that the sound stays in step with the picture
 * across the joins. None at all when no clip has one. A clip's sound is
 * taken as long as it is: a service that returns sound pads it to its
 * picture, or ends it within a frame or two of it. */
static const char soundtrack_branch[]
    = "concat name=audio_concat ! audioconvert ! audioresample ! "
      "audio/x-raw,rate=48000,channels=2 ! avenc_aac ! aacparse ! mux. ";

static GstElement *
join_pipeline (const ReelJobRequest *request,
               const char           *out,
               GPtrArray            *clips,
               GCancellable         *cancellable,
               GError              **error)
{
  g_autoptr (GPtrArray) infos
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_media_info_free);
  g_autofree char *description = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) concat = NULL;
  g_autoptr (GstElement) audio_concat = NULL;
  g_autoptr (GstElement) sink = NULL;
  gboolean sound = FALSE;

  for (guint i = 0; i < clips->len; i++)
    {
      ReelMediaInfo *info = reel_media_probe (g_ptr_array_index (clips, i), cancellable, error);

      if (info == NULL)
        return NULL;
      sound |= info->has_audio;
      g_ptr_array_add (infos, info);
    }

  description = g_strdup_printf (
      "concat name=concat ! videoconvert ! videoscale ! videorate ! "
      "video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1,pixel-aspect-ratio=1/1 ! "
      "x264enc speed-preset=superfast bframes=0 key-int-max=%u ! video/x-h264,profile=high ! "
      "h264parse ! mp4mux name=mux faststart=true ! filesink name=sink %s",
      request->width, request->height, MAX (request->fps, 1), 2 * MAX (request->fps, 1),
      sound ? soundtrack_branch : "");
  if ((pipeline = gst_parse_launch (description, error)) == NULL)
    return NULL;
  concat = gst_bin_get_by_name (GST_BIN (pipeline), "concat");
  audio_concat = gst_bin_get_by_name (GST_BIN (pipeline), "audio_concat");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", out, NULL);

  /* A concat plays its pads in the order they were asked for. */
  for (guint i = 0; i < clips->len; i++)
    {
      const ReelMediaInfo *info = g_ptr_array_index (infos, i);
      g_autofree char     *uri = g_filename_to_uri (g_ptr_array_index (clips, i), NULL, error);
      GstElement          *decoder;
      ClipPads            *pads;

      if (uri == NULL)
        return NULL;
      pads = g_new0 (ClipPads, 1);
      pads->video = gst_element_request_pad_simple (concat, "sink_%u");
      if (sound)
        pads->audio = gst_element_request_pad_simple (audio_concat, "sink_%u");
      if (sound && !info->has_audio)
        {
          gboolean silent = add_silence (pipeline, pads->audio, info->duration, error);

          g_clear_pointer (&pads->audio, gst_object_unref);
          if (!silent)
            {
              clip_pads_free (pads, NULL);
              return NULL;
            }
        }
      decoder = gst_element_factory_make ("uridecodebin", NULL);
      g_object_set (decoder, "uri", uri, NULL);
      gst_bin_add (GST_BIN (pipeline), decoder);
      g_signal_connect_data (decoder, "pad-added", G_CALLBACK (decoded_pad_cb), pads,
                             clip_pads_free, 0);
    }
  return g_steal_pointer (&pipeline);
}

static gboolean
run_to_end (GstElement *pipeline, GCancellable *cancellable, GError **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  gboolean ok = FALSE;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         _ ("The segments could not be joined: the encoder did not start."));
  else
    while (!g_cancellable_set_error_if_cancelled (cancellable, error))
      {
        g_autoptr (GstMessage) message = gst_bus_timed_pop_filtered (
            bus, 100 * GST_MSECOND, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
        g_autoptr (GError) gst_error = NULL;

        if (message == NULL)
          continue;
        if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
          {
            ok = TRUE;
            break;
          }
        gst_message_parse_error (message, &gst_error, NULL);
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     _ ("The segments could not be joined: %s"), gst_error->message);
        break;
      }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

gboolean
reel_scheduler_join_segments (ReelJobContext *context, ReelMediaInfo **media, GError **error)
{
  const ReelJobRequest *request = reel_job_context_get_request (context);
  GCancellable         *cancellable = reel_job_context_get_cancellable (context);
  ReelMediaStore       *store = reel_job_context_get_store (context);
  g_autoptr (GPtrArray) clips = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GstElement) pipeline = NULL;
  g_autofree char *out = NULL;
  ReelMediaInfo   *joined;

  if (request->segment_clips == NULL || request->segment_clips[0] == NULL)
    return TRUE;

  reel_job_context_progress (context, -1, _ ("Joining the segments"));
  for (guint i = 0; request->segment_clips[i] != NULL; i++)
    g_ptr_array_add (clips, g_strdup (request->segment_clips[i]));
  g_ptr_array_add (clips, reel_media_store_get_path (store, (*media)->relative_path));

  /* Decoded and encoded once, into one take the media store verifies. */
  if ((out = reel_job_context_new_temp_path (context, "mp4", error)) == NULL
      || (pipeline = join_pipeline (request, out, clips, cancellable, error)) == NULL
      || !run_to_end (pipeline, cancellable, error)
      || (joined = reel_media_store_add_file (store, out, REEL_MEDIA_ADD_MOVE, cancellable, error))
             == NULL)
    {
      if (out != NULL)
        g_unlink (out);
      return FALSE;
    }
  reel_media_info_free (*media);
  *media = joined;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Recording                                                                 */

static char *
segment_resume_state (const char *clip, const ReelJobRequest *request)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  gint64      source_id = 0;
  const char *start = reel_scheduler_find_take_start (request, &source_id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "segment_clip");
  json_builder_add_string_value (builder, clip);
  /* The first segment's start is the take's, which the last one makes. */
  if (request->segment == 0 && start != NULL)
    {
      json_builder_set_member_name (builder, "start_from");
      json_builder_add_string_value (builder, start);
      json_builder_set_member_name (builder, "start_source_id");
      json_builder_add_int_value (builder, source_id);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
reel_scheduler_record_segment (ReelProject         *project,
                               ReelJobRecord       *job,
                               ReelJobContext      *context,
                               ReelBackend         *backend,
                               const ReelMediaInfo *media)
{
  const ReelJobRequest    *request = reel_job_context_get_request (context);
  const ReelServiceReport *report = reel_job_context_get_service_report (context);
  ReelBackendCapabilities  caps;
  g_autoptr (GError) error = NULL;
  g_autofree char *resume = NULL;
  const char      *currency;
  double           cost;

  if (request->n_segments < 2 || request->segment + 1 >= request->n_segments)
    return FALSE;

  /* What the service billed wins over the estimate, as for a take. */
  reel_backend_get_capabilities (backend, &caps);
  cost = report->cost >= 0 ? report->cost : MAX (reel_backend_estimate_cost (backend, request), 0);
  currency = report->cost >= 0 && report->currency != NULL ? report->currency : caps.currency;
  resume = segment_resume_state (media->relative_path, request);
  if (!reel_project_finish_segment_job (project, job, resume, cost, currency, report->usage,
                                        &error))
    {
      g_message ("Segment of job %" G_GINT64_FORMAT " not recorded: %s", job->id, error->message);
      job->state = REEL_JOB_FAILED;
    }
  return TRUE;
}
