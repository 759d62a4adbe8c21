/* reel-project-cut.h: the project's edits of the cut
 *
 * Trims, transitions, caption cue timing, music tracks and markers. Each edit
 * is one undoable transaction announced with REEL_CHANGE_CUT. The cut itself
 * (ReelCut) is derived from these and from the plan; see reel-cut.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-project.h"

G_BEGIN_DECLS

typedef enum
{
  REEL_TRANSITION_CUT,
  REEL_TRANSITION_CROSSFADE,
} ReelTransition;

const char *reel_transition_to_string (ReelTransition transition); /* "cut", "crossfade" */
gboolean    reel_transition_from_string (const char *str, ReelTransition *transition);

typedef struct
{
  gint64 id;
  char  *name;
  char  *path;         /* absolute */
  double start_offset; /* where the music starts in the cut, seconds */
  double volume;       /* 0…2, 1 = unchanged */
  double fade_in;
  double fade_out;
} ReelMusicTrack;

typedef struct
{
  gint64 id;
  double time;
  char  *comment;
  gint64 shot_id; /* 0 when none */
} ReelMarker;

ReelMusicTrack *reel_music_track_new (void);
void            reel_music_track_free (ReelMusicTrack *music);
ReelMarker     *reel_marker_new (void);
void            reel_marker_free (ReelMarker *marker);
ReelMusicTrack *reel_music_track_copy (const ReelMusicTrack *music);
ReelMarker     *reel_marker_copy (const ReelMarker *marker);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelMusicTrack, reel_music_track_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelMarker, reel_marker_free)

/* How a shot is cut into the film. */
typedef struct
{
  double         trim_in;    /* seconds into the media where the shot starts */
  double         trim_out;   /* seconds into the media where it ends; 0: the end of the media */
  ReelTransition transition; /* from the previous shot into this one */
  double         transition_duration;
} ReelCutSettings;

/* Fills @settings from the project, or with the defaults (a plain cut, the
 * whole take) when the shot was never edited in the timeline. Returns FALSE
 * when the shot does not exist. */
gboolean
reel_project_get_cut_settings (ReelProject *self, gint64 shot_id, ReelCutSettings *settings);

/* @out_point <= 0 means the end of the media; otherwise it must be after @in_point. */
gboolean reel_project_set_trim (
    ReelProject *self, gint64 shot_id, double in_point, double out_point, GError **error);
gboolean reel_project_set_transition (
    ReelProject *self, gint64 shot_id, ReelTransition transition, double duration, GError **error);

/* Cue timing of the @caption_index-th caption of a shot (0-based, in caption
 * order), relative to the start of the shot in the cut. */
gboolean reel_project_set_cue_timing (ReelProject *self,
                                      gint64       shot_id,
                                      guint        caption_index,
                                      double       start,
                                      double       duration,
                                      GError     **error);
/* Gives the cue back to automatic timing from reading speed. */
gboolean reel_project_clear_cue_timing (ReelProject *self,
                                        gint64       shot_id,
                                        guint        caption_index,
                                        GError     **error);
/* TRUE and the hand-set timing, or FALSE when the cue is timed automatically
 * (or there is no such caption). */
gboolean reel_project_get_cue_timing (
    ReelProject *self, gint64 shot_id, guint caption_index, double *start, double *duration);

/* Music: @relative_path is inside the media directory (or absolute). Returns
 * the new track's id, 0 on error. */
gint64   reel_project_add_music (ReelProject *self,
                                 const char  *relative_path,
                                 const char  *name,
                                 GError     **error);
gboolean reel_project_update_music (ReelProject *self,
                                    gint64       music_id,
                                    double       start_offset,
                                    double       volume,
                                    double       fade_in,
                                    double       fade_out,
                                    GError     **error);
gboolean reel_project_remove_music (ReelProject *self, gint64 music_id, GError **error);
/* (transfer full) ReelMusicTrack* in track order, with absolute paths. */
GPtrArray *reel_project_list_music (ReelProject *self);

/* Markers: @shot_id 0 for none. Returns the new marker's id, 0 on error. */
gint64 reel_project_add_marker (
    ReelProject *self, double time, const char *comment, gint64 shot_id, GError **error);
gboolean reel_project_update_marker (
    ReelProject *self, gint64 marker_id, double time, const char *comment, GError **error);
gboolean reel_project_remove_marker (ReelProject *self, gint64 marker_id, GError **error);
/* (transfer full) ReelMarker* in time order. */
GPtrArray *reel_project_list_markers (ReelProject *self);

G_END_DECLS
