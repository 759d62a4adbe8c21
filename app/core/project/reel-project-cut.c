/* reel-project-cut.c: ReelProject's edits of the cut (trims, transitions, cue
 * timing, music, markers)
 *
 * Part of ReelProject (it uses the private struct) but built with the cut, as
 * it is the cut's document. Each function is one undoable edit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "reel-project-cut.h"
#include "reel-project-private.h"

const char *
reel_transition_to_string (ReelTransition transition)
{
  switch (transition)
    {
      case REEL_TRANSITION_CROSSFADE:
        return "crossfade";
      case REEL_TRANSITION_CUT:
      default:
        return "cut";
    }
}

gboolean
reel_transition_from_string (const char *str, ReelTransition *transition)
{
  ReelTransition value;

  if (g_strcmp0 (str, "cut") == 0)
    value = REEL_TRANSITION_CUT;
  else if (g_strcmp0 (str, "crossfade") == 0)
    value = REEL_TRANSITION_CROSSFADE;
  else
    return FALSE;

  if (transition != NULL)
    *transition = value;
  return TRUE;
}

ReelMusicTrack *
reel_music_track_new (void)
{
  ReelMusicTrack *music = g_new0 (ReelMusicTrack, 1);

  music->volume = 1.0;
  return music;
}

void
reel_music_track_free (ReelMusicTrack *music)
{
  if (music == NULL)
    return;
  g_free (music->name);
  g_free (music->path);
  g_free (music);
}

ReelMusicTrack *
reel_music_track_copy (const ReelMusicTrack *music)
{
  ReelMusicTrack *copy = g_memdup2 (music, sizeof *music);

  copy->name = g_strdup (music->name);
  copy->path = g_strdup (music->path);
  return copy;
}

ReelMarker *
reel_marker_new (void)
{
  return g_new0 (ReelMarker, 1);
}

void
reel_marker_free (ReelMarker *marker)
{
  if (marker == NULL)
    return;
  g_free (marker->comment);
  g_free (marker);
}

ReelMarker *
reel_marker_copy (const ReelMarker *marker)
{
  ReelMarker *copy = g_memdup2 (marker, sizeof *marker);

  copy->comment = g_strdup (marker->comment);
  return copy;
}

/* Longest crossfade offered: longer ones would swallow whole shots. */
#define MAX_TRANSITION_SECONDS 10.0

static gboolean
check_shot (ReelProject *self, gint64 shot_id, GError **error)
{
  if (reel_project_lookup_shot (self, shot_id) != NULL)
    return TRUE;

  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
               _ ("There is no shot %" PRId64 " in this project."), shot_id);
  return FALSE;
}

static gboolean
set_invalid (GError **error, const char *message)
{
  g_set_error_literal (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID, message);
  return FALSE;
}

/* Runs @stmt as one undoable edit; fails with NOT_FOUND when it changed no row. */
static gboolean
run_cut_edit (ReelProject  *self,
              const char   *label,
              sqlite3_stmt *stmt,
              const char   *not_found_message,
              GError      **error)
{
  if (!reel_project_begin_edit (self, error))
    return FALSE;

  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }

  if (not_found_message != NULL && sqlite3_changes (self->db) == 0)
    {
      reel_project_rollback_edit (self);
      g_set_error_literal (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                           not_found_message);
      return FALSE;
    }

  return reel_project_commit_edit (self, label, REEL_CHANGE_CUT, error);
}

gboolean
reel_project_get_cut_settings (ReelProject *self, gint64 shot_id, ReelCutSettings *settings)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  settings->trim_in = 0;
  settings->trim_out = 0;
  settings->transition = REEL_TRANSITION_CUT;
  settings->transition_duration = 0.5;

  if (reel_project_lookup_shot (self, shot_id) == NULL)
    return FALSE;

  stmt = reel_sql_prepare (self->db,
                           "SELECT trim_in, trim_out, transition, transition_duration"
                           " FROM cut_items WHERE shot_id = ?",
                           NULL);
  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      settings->trim_in = MAX (0.0, sqlite3_column_double (stmt, 0));
      settings->trim_out = MAX (0.0, sqlite3_column_double (stmt, 1));
      if (!reel_transition_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                        &settings->transition))
        settings->transition = REEL_TRANSITION_CUT;
      settings->transition_duration = MAX (0.0, sqlite3_column_double (stmt, 3));
    }

  return TRUE;
}

gboolean
reel_project_set_trim (
    ReelProject *self, gint64 shot_id, double in_point, double out_point, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!check_shot (self, shot_id, error))
    return FALSE;
  if (!isfinite (in_point) || !isfinite (out_point) || in_point < 0)
    return set_invalid (error, _ ("A trim point cannot be before the start of the take."));
  if (out_point > 0 && out_point <= in_point)
    return set_invalid (error, _ ("The out point must come after the in point."));

  if (!(stmt
        = reel_sql_prepare (self->db,
                            "INSERT INTO cut_items (shot_id, trim_in, trim_out) VALUES (?, ?, ?)"
                            " ON CONFLICT (shot_id) DO UPDATE SET trim_in = excluded.trim_in,"
                            " trim_out = excluded.trim_out",
                            error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  sqlite3_bind_double (stmt, 2, in_point);
  sqlite3_bind_double (stmt, 3, MAX (0.0, out_point));

  return run_cut_edit (self, _ ("Trim shot"), stmt, NULL, error);
}

gboolean
reel_project_set_transition (
    ReelProject *self, gint64 shot_id, ReelTransition transition, double duration, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!check_shot (self, shot_id, error))
    return FALSE;
  if (transition != REEL_TRANSITION_CUT && transition != REEL_TRANSITION_CROSSFADE)
    return set_invalid (error, _ ("Unknown transition."));
  if (!isfinite (duration) || duration < 0 || duration > MAX_TRANSITION_SECONDS)
    return set_invalid (error, _ ("A crossfade lasts between 0 and 10 seconds."));

  if (!(stmt = reel_sql_prepare (
            self->db,
            "INSERT INTO cut_items (shot_id, transition, transition_duration) VALUES (?, ?, ?)"
            " ON CONFLICT (shot_id) DO UPDATE SET transition = excluded.transition,"
            " transition_duration = excluded.transition_duration",
            error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  sqlite3_bind_text (stmt, 2, reel_transition_to_string (transition), -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 3, duration);

  return run_cut_edit (self, _ ("Change transition"), stmt, NULL, error);
}

/* The caption row behind a shot's @caption_index-th caption, or 0. */
static gint64
lookup_caption_id (ReelProject *self, gint64 shot_id, guint caption_index)
{
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (
      self->db, "SELECT id FROM captions WHERE shot_id = ? ORDER BY position, id LIMIT 1 OFFSET ?",
      NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  sqlite3_bind_int64 (stmt, 2, caption_index);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static gboolean
update_cue (ReelProject *self,
            gint64       shot_id,
            guint        caption_index,
            gboolean     set,
            double       start,
            double       duration,
            GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 caption_id;

  if (!check_shot (self, shot_id, error))
    return FALSE;

  caption_id = lookup_caption_id (self, shot_id, caption_index);
  if (caption_id == 0)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("The shot has no caption number %u."), caption_index + 1);
      return FALSE;
    }

  if (!(stmt = reel_sql_prepare (
            self->db, "UPDATE captions SET cue_start = ?, cue_duration = ? WHERE id = ?", error)))
    return FALSE;
  if (set)
    {
      sqlite3_bind_double (stmt, 1, start);
      sqlite3_bind_double (stmt, 2, duration);
    }
  else
    {
      sqlite3_bind_null (stmt, 1);
      sqlite3_bind_null (stmt, 2);
    }
  sqlite3_bind_int64 (stmt, 3, caption_id);

  return run_cut_edit (self, set ? _ ("Time caption") : _ ("Time caption automatically"), stmt,
                       NULL, error);
}

gboolean
reel_project_set_cue_timing (ReelProject *self,
                             gint64       shot_id,
                             guint        caption_index,
                             double       start,
                             double       duration,
                             GError     **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!isfinite (start) || !isfinite (duration) || start < 0)
    return set_invalid (error, _ ("A caption cannot start before its shot."));
  if (duration <= 0)
    return set_invalid (error, _ ("A caption must last longer than zero seconds."));

  return update_cue (self, shot_id, caption_index, TRUE, start, duration, error);
}

gboolean
reel_project_clear_cue_timing (ReelProject *self,
                               gint64       shot_id,
                               guint        caption_index,
                               GError     **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  return update_cue (self, shot_id, caption_index, FALSE, 0, 0, error);
}

gboolean
reel_project_get_cue_timing (
    ReelProject *self, gint64 shot_id, guint caption_index, double *start, double *duration)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  stmt = reel_sql_prepare (self->db,
                           "SELECT cue_start, cue_duration FROM captions WHERE shot_id = ?"
                           " ORDER BY position, id LIMIT 1 OFFSET ?",
                           NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  sqlite3_bind_int64 (stmt, 2, caption_index);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL
      || sqlite3_column_type (stmt, 1) == SQLITE_NULL)
    return FALSE;

  if (start != NULL)
    *start = sqlite3_column_double (stmt, 0);
  if (duration != NULL)
    *duration = sqlite3_column_double (stmt, 1);
  return TRUE;
}

/* Music */

gint64
reel_project_add_music (ReelProject *self,
                        const char  *relative_path,
                        const char  *name,
                        GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *default_name = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  if (relative_path == NULL || *relative_path == '\0')
    {
      set_invalid (error, _ ("Choose an audio file for the music track."));
      return 0;
    }
  if (name == NULL)
    name = default_name = g_path_get_basename (relative_path);

  if (!(stmt = reel_sql_prepare (self->db,
                                 "INSERT INTO music_tracks (position, name, media)"
                                 " VALUES ((SELECT ifnull(max(position) + 1, 0) FROM music_tracks),"
                                 " ?, ?)",
                                 error)))
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, relative_path, -1, SQLITE_TRANSIENT);

  if (!reel_project_begin_edit (self, error))
    return 0;
  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      return 0;
    }
  {
    gint64 id = sqlite3_last_insert_rowid (self->db);

    if (!reel_project_commit_edit (self, _ ("Add music"), REEL_CHANGE_CUT, error))
      return 0;
    return id;
  }
}

gboolean
reel_project_update_music (ReelProject *self,
                           gint64       music_id,
                           double       start_offset,
                           double       volume,
                           double       fade_in,
                           double       fade_out,
                           GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!isfinite (start_offset) || start_offset < 0)
    return set_invalid (error, _ ("The music cannot start before the film."));
  if (!isfinite (volume) || volume < 0 || volume > 2)
    return set_invalid (error, _ ("The music volume must be between 0 and 200 %."));
  if (!isfinite (fade_in) || !isfinite (fade_out) || fade_in < 0 || fade_out < 0)
    return set_invalid (error, _ ("A fade cannot be shorter than zero seconds."));

  if (!(stmt = reel_sql_prepare (self->db,
                                 "UPDATE music_tracks SET start_offset = ?, volume = ?,"
                                 " fade_in = ?, fade_out = ? WHERE id = ?",
                                 error)))
    return FALSE;
  sqlite3_bind_double (stmt, 1, start_offset);
  sqlite3_bind_double (stmt, 2, volume);
  sqlite3_bind_double (stmt, 3, fade_in);
  sqlite3_bind_double (stmt, 4, fade_out);
  sqlite3_bind_int64 (stmt, 5, music_id);

  return run_cut_edit (self, _ ("Change music"), stmt, _ ("That music track no longer exists."),
                       error);
}

gboolean
reel_project_remove_music (ReelProject *self, gint64 music_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!(stmt = reel_sql_prepare (self->db, "DELETE FROM music_tracks WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, music_id);

  return run_cut_edit (self, _ ("Remove music"), stmt, _ ("That music track no longer exists."),
                       error);
}

GPtrArray *
reel_project_list_music (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *music = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_music_track_free);

  g_return_val_if_fail (REEL_IS_PROJECT (self), music);

  stmt = reel_sql_prepare (self->db,
                           "SELECT id, name, media, start_offset, volume, fade_in, fade_out"
                           " FROM music_tracks ORDER BY position, id",
                           NULL);
  if (stmt == NULL)
    return music;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      ReelMusicTrack *track = reel_music_track_new ();
      const char     *media = (const char *) sqlite3_column_text (stmt, 2);

      track->id = sqlite3_column_int64 (stmt, 0);
      track->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      track->path = g_path_is_absolute (media) ? g_strdup (media)
                                               : reel_project_get_media_path (self, media);
      track->start_offset = sqlite3_column_double (stmt, 3);
      track->volume = sqlite3_column_double (stmt, 4);
      track->fade_in = sqlite3_column_double (stmt, 5);
      track->fade_out = sqlite3_column_double (stmt, 6);
      g_ptr_array_add (music, track);
    }

  return music;
}

/* Markers */

gint64
reel_project_add_marker (
    ReelProject *self, double time, const char *comment, gint64 shot_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 id;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  if (!isfinite (time) || time < 0)
    {
      set_invalid (error, _ ("A marker cannot be before the start of the film."));
      return 0;
    }
  if (shot_id != 0 && !check_shot (self, shot_id, error))
    return 0;

  if (!(stmt = reel_sql_prepare (
            self->db, "INSERT INTO markers (time, comment, shot_id) VALUES (?, ?, nullif(?, 0))",
            error)))
    return 0;
  sqlite3_bind_double (stmt, 1, time);
  sqlite3_bind_text (stmt, 2, comment != NULL ? comment : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, shot_id);

  if (!reel_project_begin_edit (self, error))
    return 0;
  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      return 0;
    }
  id = sqlite3_last_insert_rowid (self->db);
  if (!reel_project_commit_edit (self, _ ("Add marker"), REEL_CHANGE_CUT, error))
    return 0;
  return id;
}

gboolean
reel_project_update_marker (
    ReelProject *self, gint64 marker_id, double time, const char *comment, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!isfinite (time) || time < 0)
    return set_invalid (error, _ ("A marker cannot be before the start of the film."));

  if (!(stmt = reel_sql_prepare (self->db, "UPDATE markers SET time = ?, comment = ? WHERE id = ?",
                                 error)))
    return FALSE;
  sqlite3_bind_double (stmt, 1, time);
  sqlite3_bind_text (stmt, 2, comment != NULL ? comment : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, marker_id);

  return run_cut_edit (self, _ ("Change marker"), stmt, _ ("That marker no longer exists."), error);
}

gboolean
reel_project_remove_marker (ReelProject *self, gint64 marker_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!(stmt = reel_sql_prepare (self->db, "DELETE FROM markers WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, marker_id);

  return run_cut_edit (self, _ ("Remove marker"), stmt, _ ("That marker no longer exists."), error);
}

GPtrArray *
reel_project_list_markers (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *markers = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_marker_free);

  g_return_val_if_fail (REEL_IS_PROJECT (self), markers);

  stmt = reel_sql_prepare (
      self->db, "SELECT id, time, comment, ifnull(shot_id, 0) FROM markers ORDER BY time, id",
      NULL);
  if (stmt == NULL)
    return markers;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      ReelMarker *marker = reel_marker_new ();

      marker->id = sqlite3_column_int64 (stmt, 0);
      marker->time = sqlite3_column_double (stmt, 1);
      marker->comment = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      marker->shot_id = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (markers, marker);
    }

  return markers;
}
