/* reel-exporter-private.h: the parts of ReelExporter shared by its source files
 *
 * ReelExporter spans reel-exporter.c (the object, the public API, the task
 * and its stages up to the render), reel-exporter-encode.c (encoders, their
 * settings, the encoding profile and the hardware fallback),
 * reel-exporter-pipeline.c (running pipelines: bus, errors and progress),
 * reel-exporter-render.c (the render, through GES or by copying),
 * reel-exporter-copy.c (the takes joined without re-encoding, and the soft
 * subtitle remux), reel-exporter-segments.c (the film encoded as cached
 * segments, joined without re-encoding) and reel-exporter-files.c (the reserved temporary, tags,
 * sidecars, provenance and the rename into place).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <ges/ges.h>

#include "reel-cut-timeline.h"
#include "reel-exporter.h"
#include "reel-segment-cache.h"

G_BEGIN_DECLS

struct _ReelExporter
{
  GObject parent_instance;

  ReelCut          *cut;
  ReelExportOptions options;
  char             *output_path;

  double      progress;
  double      eta;
  const char *stage; /* untranslated, N_() */
  gboolean    stream_copied;
  char       *video_encoder; /* the factory of the video encoder in use */
  GPtrArray  *sidecars;      /* NULL-terminated paths, once they are in place */

  GMainContext *context;
  GTask        *task;
  GCancellable *cancellable;
  gulong        cancelled_id;
  gboolean      started;

  char *reserved_path; /* the temporary film that becomes output_path */
  char *remux_path;    /* the render before subtitles are added, or NULL */
  char *render_path;   /* what the running pipeline writes */

  guint        width, height, fps;
  GstClockTime film_duration;
  GPtrArray   *runs; /* the pipelines under way (reel-exporter-pipeline.c) */
  guint        poll_id;
  gint64       stage_started_us;
  double       stage_from;
  double       stage_to;
  /* The stage's work, in time of the film, and what is done of it. */
  GstClockTime stage_work;
  GstClockTime stage_work_done;
  /* Counts the starts of the render, which a fallback to software
   * encoding, or to the film rendered whole, starts again. */
  guint       render_attempt;
  GstTagList *tags;
  /* A software encoder keeps every core busy on its own, so the takes are
   * decoded on one thread each: libav's frame threads would only add their
   * per-frame context copies and, since GES opens a new decoder for every
   * shot, a thread start-up per shot. */
  gboolean single_threaded_decoders;
  /* The threads of each x264 encoder, or 0 for x264's own choice (one and
   * a half a core). */
  guint x264_threads;

  /* The segmented render (reel-exporter-segments.c) */
  ReelSegmentCache *segment_cache;
  GPtrArray        *segments;         /* in film order */
  guint             segment_index;    /* the next one to look at */
  guint             segments_running; /* being encoded */
  /* The film's sound, mixed while the segments are encoded: the
   * temporary it is written to, and whether it is all there. */
  char    *sound_temporary;
  gboolean sound_mixed;
  /* Where the film's segments are held until the join (see
   * reel_segment_cache_new_hold()), or NULL. */
  char *segment_hold;
  guint segments_encoded;
  guint segments_reused;
};

/* What runs on the main thread once a pipeline has reached its end, with
 * the data it was played with. */
typedef void (*ReelExporterPipelineDoneFunc) (ReelExporter *self, gpointer data);

/* reel-exporter.c: state, and the two ways every export ends */
void              reel_exporter_set_stage (ReelExporter *self, const char *stage, double to);
void              reel_exporter_set_stage_fraction (ReelExporter *self, double fraction);
void              reel_exporter_set_stream_copied (ReelExporter *self, gboolean stream_copied);
void              reel_exporter_set_video_encoder (ReelExporter *self, const char *name);
ReelLabelPosition reel_exporter_label_position (ReelExporter *self);
/* Takes @error. */
void reel_exporter_fail (ReelExporter *self, GError *error);
void reel_exporter_succeed (ReelExporter *self);
/* Returns TRUE (and fails the export) when it was cancelled. */
gboolean reel_exporter_check_cancelled (ReelExporter *self);

/* reel-exporter-encode.c */
gboolean            reel_exporter_check_plugins (ReelExporter *self, GError **error);
const char         *reel_exporter_pick_copy_aac_encoder (void);
void                reel_exporter_configure_encoders (ReelExporter *self, GstElement *pipeline);
GstEncodingProfile *reel_exporter_make_profile (ReelExporter *self, gboolean with_audio);
/* reel-exporter-render.c: a GESPipeline rendering @timeline into @path
 * with the export's encoders (the sound too when @with_audio). */
GstElement *reel_exporter_render_timeline (ReelExporter *self,
                                           GESTimeline  *timeline,
                                           const char   *path,
                                           gboolean      with_audio,
                                           GError      **error);
const char *reel_exporter_x264_preset (ReelExporter *self);
/* "x264enc", "nvh264enc" or "vp9enc": what the pictures would be encoded with. */
const char *reel_exporter_pick_video_encoder (ReelExporter *self);
const char *reel_exporter_find_video_encoder (GstElement *pipeline);
gboolean    reel_exporter_fall_back_to_software (ReelExporter *self, GstMessage *message);

/* reel-exporter-pipeline.c: plays @pipeline, which plays @timeline (taken,
 * may be NULL), alongside any other under way, and calls @done with @data
 * when it ends; @data_free frees @data then, or when the export ends
 * first. @work is the pipeline's share of the stage's work (0: none), done
 * as its position goes from 0 to @length (0: to @work). On failure to
 * start, @error is set and the caller fails the export. TRUE also when
 * the start failed in the hardware encoder and the render started again
 * with x264 (self->render_attempt tells). */
gboolean reel_exporter_play_pipeline (ReelExporter                *self,
                                      GstElement                  *pipeline,
                                      GESTimeline                 *timeline,
                                      GstClockTime                 work,
                                      GstClockTime                 length,
                                      ReelExporterPipelineDoneFunc done,
                                      gpointer                     data,
                                      GDestroyNotify               data_free,
                                      GError                     **error);
void     reel_exporter_stop_pipelines (ReelExporter *self);
gboolean reel_exporter_is_running_pipelines (ReelExporter *self);

/* reel-exporter-render.c */
void reel_exporter_start_render (ReelExporter *self);
/* What follows the render: the subtitle remux, or the files put in place. */
void reel_exporter_render_done (ReelExporter *self, gpointer unused);

/* reel-exporter-segments.c */
gboolean reel_exporter_can_encode_segments (ReelExporter *self);
void     reel_exporter_start_segments (ReelExporter *self);
void     reel_exporter_drop_segment_hold (ReelExporter *self);

/* reel-exporter-copy.c */
gboolean reel_exporter_copy_ruled_out (ReelExporter *self);
gboolean reel_exporter_can_copy_streams (ReelExporter *self);
GstElement *
reel_exporter_build_copy_pipeline (ReelExporter *self, GESTimeline **timeline, GError **error);
/* The H.264 streams of the MP4 files at @paths joined in order, with the
 * sound of the MP4 file at @sound_path, or else with the cut's sound mixed
 * by the GES timeline put in @timeline. */
GstElement *reel_exporter_build_join_pipeline (ReelExporter *self,
                                               GPtrArray    *paths,
                                               const char   *sound_path,
                                               GESTimeline **timeline,
                                               GError      **error);
/* The cut's sound mixed by the GES timeline put in @timeline and encoded
 * as the film's, into an MP4 file at @path. */
GstElement *reel_exporter_build_sound_pipeline (ReelExporter *self,
                                                const char   *path,
                                                GESTimeline **timeline,
                                                GError      **error);
void        reel_exporter_start_remux (ReelExporter *self);

/* reel-exporter-files.c */
char *reel_exporter_reserve_temporary (const char *output_path, const char *suffix, GError **error);
void  reel_exporter_discard_files (ReelExporter *self);
GstTagList *reel_exporter_make_tags (ReelExporter *self);
void        reel_exporter_apply_tags (ReelExporter *self, GstElement *muxer);
void        reel_exporter_finish_film (ReelExporter *self);

G_END_DECLS
