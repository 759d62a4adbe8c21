/* reel-job-request.h: what a backend is asked to make
 *
 * A request is frozen into the job (as JSON) when it is queued, so a job
 * resumed after a restart asks for exactly what was asked the first time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64         shot_id;
  char          *prompt;          /* the final prompt */
  char          *negative_prompt; /* may be NULL */
  char          *model;           /* may be NULL: the backend's default */
  guint          width;
  guint          height;
  guint          fps;
  double         duration;
  gint64         seed;
  ReelCameraMove camera;
  char          *start_image; /* absolute path of an image for image-to-video, or NULL */
  char          *end_image;   /* where first-and-last-frame models end, or NULL */
  /* Continuity: start from the last frame of this shot's chosen take (0: no). */
  gint64 previous_shot_id;
  /* Where the start image comes from, for the take to record: "board" (the
   * still take start_source_id), "character" (the reference image of
   * character start_source_id), or, once the job starts, "previous-shot"
   * (the last frame of take start_source_id). NULL: no start image. The
   * last segment of a chain carries its first segment's. */
  char  *start_from;
  gint64 start_source_id;
  /* A shot longer than the backend's clips is made as a chain of segments,
   * each a job; n_segments is 0 for a job that makes a whole shot. */
  guint segment; /* 0-based */
  guint n_segments;
  /* Filled when the job starts, not frozen: the video whose last frame the
   * worker makes the start image, and the clips of the segments before this
   * last one, joined with its own into the take. */
  char *start_frame_of;
  GStrv segment_clips;
  char *start_note; /* for people: why there is no start frame, or NULL */
  /* For the animatic card and for people reading the job list. */
  char      *scene_heading;
  char      *shot_number;
  char      *text;
  GPtrArray *captions; /* ReelCaption* */
  char      *language;
} ReelJobRequest;

ReelJobRequest *reel_job_request_new (void);
ReelJobRequest *reel_job_request_copy (const ReelJobRequest *request);
void            reel_job_request_free (ReelJobRequest *request);
char           *reel_job_request_to_json (const ReelJobRequest *request);
ReelJobRequest *reel_job_request_new_from_json (const char *json, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelJobRequest, reel_job_request_free)

G_END_DECLS
