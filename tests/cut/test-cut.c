/* test-cut.c: the cut model and the project's cut edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "reel-cut.h"
#include "reel-project-cut.h"
#include "reel-test-utils.h"

typedef struct
{
  char        *dir;
  ReelProject *project;
  gint64       shots[3];
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  GListModel *shots;

  fixture->dir = reel_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "film.storyreel", NULL);
  file = g_file_new_for_path (path);
  fixture->project = reel_project_create (file, "Film", &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (fixture->project,
                                          "INT. ROOM - DAY\n\nA cat sleeps.\n\nA dog barks.\n\n"
                                          "A bird sings.\n",
                                          &error));
  g_assert_no_error (error);
  g_assert_true (reel_project_break_down (fixture->project, NULL, &error));
  g_assert_no_error (error);

  shots = reel_project_get_shots (fixture->project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      fixture->shots[i] = reel_shot_get_id (shot);
    }
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->project);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

/* Adds a take whose media file exists (its content does not matter to the model). */
static gint64
add_fake_take (Fixture *fixture, gint64 shot_id, const char *backend, double duration)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("take-%" G_GINT64_FORMAT ".mp4", shot_id);
  g_autofree char *path = reel_project_get_media_path (fixture->project, name);
  g_autofree char *dir = g_path_get_dirname (path);
  ReelTake         take = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "not really a video", -1, &error));
  take.shot_id = shot_id;
  take.kind = (char *) "video";
  take.backend = (char *) backend;
  take.model = (char *) "model-1";
  take.prompt = (char *) "a prompt";
  take.seed = 42;
  take.duration = duration;
  take.width = 320;
  take.height = 180;
  take.fps = 30;
  take.media = name;
  take.media_sha256 = (char *) "abc";
  g_assert_true (reel_project_add_take (fixture->project, &take, &error));
  g_assert_no_error (error);
  return take.id;
}

static void
test_edits_are_undoable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ReelCutSettings settings;
  gint64          shot = fixture->shots[1];
  gint64          music_id, marker_id;
  double          start, duration;

  g_assert_true (reel_project_set_shot_captions_text (fixture->project, shot,
                                                      "ANNA: Hello there.\nBOB: Hi.", &error));
  g_assert_no_error (error);

  /* Trim */
  g_assert_true (reel_project_set_trim (fixture->project, shot, 0.5, 2.5, &error));
  g_assert_no_error (error);
  g_assert_true (reel_project_get_cut_settings (fixture->project, shot, &settings));
  g_assert_cmpfloat (settings.trim_in, ==, 0.5);
  g_assert_cmpfloat (settings.trim_out, ==, 2.5);
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_true (reel_project_get_cut_settings (fixture->project, shot, &settings));
  g_assert_cmpfloat (settings.trim_in, ==, 0);
  g_assert_cmpfloat (settings.trim_out, ==, 0);
  g_assert_false (reel_project_set_trim (fixture->project, shot, 2, 1, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* Transition */
  g_assert_true (reel_project_set_transition (fixture->project, shot, REEL_TRANSITION_CROSSFADE,
                                              0.75, &error));
  g_assert_true (reel_project_get_cut_settings (fixture->project, shot, &settings));
  g_assert_cmpint (settings.transition, ==, REEL_TRANSITION_CROSSFADE);
  g_assert_cmpfloat (settings.transition_duration, ==, 0.75);
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_true (reel_project_get_cut_settings (fixture->project, shot, &settings));
  g_assert_cmpint (settings.transition, ==, REEL_TRANSITION_CUT);

  /* Cue timing, and back to automatic */
  g_assert_true (reel_project_set_cue_timing (fixture->project, shot, 1, 1.0, 0.8, &error));
  g_assert_no_error (error);
  g_assert_true (reel_project_get_cue_timing (fixture->project, shot, 1, &start, &duration));
  g_assert_cmpfloat (start, ==, 1.0);
  g_assert_cmpfloat (duration, ==, 0.8);
  g_assert_false (reel_project_get_cue_timing (fixture->project, shot, 0, NULL, NULL));
  g_assert_true (reel_project_clear_cue_timing (fixture->project, shot, 1, &error));
  g_assert_false (reel_project_get_cue_timing (fixture->project, shot, 1, NULL, NULL));
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_true (reel_project_get_cue_timing (fixture->project, shot, 1, &start, NULL));
  g_assert_true (reel_project_undo (fixture->project, &error));
  g_assert_false (reel_project_get_cue_timing (fixture->project, shot, 1, NULL, NULL));
  g_assert_false (reel_project_set_cue_timing (fixture->project, shot, 5, 0, 1, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Music */
  music_id = reel_project_add_music (fixture->project, "music/theme.ogg", "Theme", &error);
  g_assert_no_error (error);
  g_assert_cmpint (music_id, >, 0);
  g_assert_true (reel_project_update_music (fixture->project, music_id, 1.5, 0.5, 2, 3, &error));
  {
    g_autoptr (GPtrArray) music = reel_project_list_music (fixture->project);
    ReelMusicTrack *track;

    g_assert_cmpuint (music->len, ==, 1);
    track = g_ptr_array_index (music, 0);
    g_assert_cmpstr (track->name, ==, "Theme");
    g_assert_true (g_path_is_absolute (track->path));
    g_assert_true (g_str_has_suffix (track->path, "music/theme.ogg"));
    g_assert_cmpfloat (track->start_offset, ==, 1.5);
    g_assert_cmpfloat (track->volume, ==, 0.5);
    g_assert_cmpfloat (track->fade_in, ==, 2);
    g_assert_cmpfloat (track->fade_out, ==, 3);
  }
  g_assert_true (reel_project_undo (fixture->project, &error));
  {
    g_autoptr (GPtrArray) music = reel_project_list_music (fixture->project);
    g_assert_cmpfloat (((ReelMusicTrack *) g_ptr_array_index (music, 0))->volume, ==, 1);
  }
  g_assert_true (reel_project_remove_music (fixture->project, music_id, &error));
  {
    g_autoptr (GPtrArray) music = reel_project_list_music (fixture->project);
    g_assert_cmpuint (music->len, ==, 0);
  }
  g_assert_true (reel_project_undo (fixture->project, &error));
  {
    g_autoptr (GPtrArray) music = reel_project_list_music (fixture->project);
    g_assert_cmpuint (music->len, ==, 1);
  }
  g_assert_true (reel_project_undo (fixture->project, &error));
  {
    g_autoptr (GPtrArray) music = reel_project_list_music (fixture->project);
    g_assert_cmpuint (music->len, ==, 0);
  }

  /* Markers */
  marker_id
      = reel_project_add_marker (fixture->project, 3.0, "redo: coat colour wrong", shot, &error);
  g_assert_no_error (error);
  g_assert_true (reel_project_update_marker (fixture->project, marker_id, 4.0, "fixed", &error));
  {
    g_autoptr (GPtrArray) markers = reel_project_list_markers (fixture->project);
    ReelMarker *marker = g_ptr_array_index (markers, 0);

    g_assert_cmpuint (markers->len, ==, 1);
    g_assert_cmpfloat (marker->time, ==, 4.0);
    g_assert_cmpstr (marker->comment, ==, "fixed");
    g_assert_cmpint (marker->shot_id, ==, shot);
  }
  g_assert_true (reel_project_undo (fixture->project, &error));
  {
    g_autoptr (GPtrArray) markers = reel_project_list_markers (fixture->project);
    g_assert_cmpstr (((ReelMarker *) g_ptr_array_index (markers, 0))->comment, ==,
                     "redo: coat colour wrong");
  }
  g_assert_true (reel_project_remove_marker (fixture->project, marker_id, &error));
  g_assert_true (reel_project_undo (fixture->project, &error));
  {
    g_autoptr (GPtrArray) markers = reel_project_list_markers (fixture->project);
    g_assert_cmpuint (markers->len, ==, 1);
  }
  g_assert_true (reel_project_undo (fixture->project, &error));
  {
    g_autoptr (GPtrArray) markers = reel_project_list_markers (fixture->project);
    g_assert_cmpuint (markers->len, ==, 0);
  }
  g_assert_false (reel_project_remove_marker (fixture->project, marker_id, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_no_error (error);
}

static void
test_cut_from_project (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCut) cut = NULL;
  ReelCutItem *item;
  gint64       take;

  take = add_fake_take (fixture, fixture->shots[0], "wan", 5.0);
  add_fake_take (fixture, fixture->shots[2], "import", 3.0);
  g_assert_true (reel_project_set_trim (fixture->project, fixture->shots[0], 1.0, 4.0, &error));
  g_assert_true (reel_project_set_transition (fixture->project, fixture->shots[2],
                                              REEL_TRANSITION_CROSSFADE, 0.5, &error));
  g_assert_true (reel_project_set_shot_duration (fixture->project, fixture->shots[1], 2.0, &error));
  g_assert_true (reel_project_set_shot_captions_text (
      fixture->project, fixture->shots[1], "ANNA: One two three.\n(quietly)\nBOB: Yes.", &error));
  g_assert_no_error (error);

  cut = reel_cut_new_from_project (fixture->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cut->items->len, ==, 3);
  g_assert_cmpstr (cut->title, ==, "Film");

  /* The chosen take, trimmed, with its provenance. */
  item = g_ptr_array_index (cut->items, 0);
  g_assert_cmpint (item->take_id, ==, take);
  g_assert_false (item->animatic_fallback);
  g_assert_nonnull (item->media_path);
  g_assert_true (item->ai_generated);
  g_assert_cmpstr (item->model, ==, "model-1");
  g_assert_cmpint (item->seed, ==, 42);
  g_assert_cmpfloat (item->in_point, ==, 1.0);
  g_assert_cmpfloat (item->out_point, ==, 4.0);
  g_assert_cmpfloat_with_epsilon (item->duration, 3.0, 1e-9);
  g_assert_cmpfloat (item->start, ==, 0);

  /* No take: the animatic card stands in for the shot's planned length. */
  item = g_ptr_array_index (cut->items, 1);
  g_assert_true (item->animatic_fallback);
  g_assert_null (item->media_path);
  g_assert_false (item->ai_generated);
  g_assert_cmpfloat_with_epsilon (item->duration, 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (item->start, 3.0, 1e-9);

  /* Imported footage is not AI-generated; the crossfade overlaps. */
  item = g_ptr_array_index (cut->items, 2);
  g_assert_false (item->ai_generated);
  g_assert_cmpint (item->transition, ==, REEL_TRANSITION_CROSSFADE);
  g_assert_cmpfloat_with_epsilon (item->start, 4.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (cut->duration, 7.5, 1e-9);
  g_assert_true (reel_cut_has_ai_generated (cut));

  /* Two cues (the parenthetical is not subtitled), inside shot 2, in order. */
  g_assert_cmpuint (cut->cues->len, ==, 2);
  {
    ReelCutCue *first = g_ptr_array_index (cut->cues, 0);
    ReelCutCue *second = g_ptr_array_index (cut->cues, 1);

    g_assert_cmpstr (first->speaker, ==, "ANNA");
    g_assert_cmpuint (second->caption_index, ==, 2);
    g_assert_cmpfloat_with_epsilon (first->start, 3.0, 1e-9);
    g_assert_cmpfloat (first->start + first->duration, <=, second->start + 1e-9);
    g_assert_cmpfloat (second->start + second->duration, <=, 5.0 + 1e-9);
  }

  /* A missing media file makes the shot fall back to its card. */
  {
    g_autoptr (ReelCut) again = NULL;

    item = g_ptr_array_index (cut->items, 0);
    g_assert_cmpint (g_unlink (item->media_path), ==, 0);
    again = reel_cut_new_from_project (fixture->project, &error);
    item = g_ptr_array_index (again->items, 0);
    g_assert_true (item->animatic_fallback);
    g_assert_null (item->media_path);
  }
}

static ReelCutItem *
add_item (ReelCut *cut, gint64 shot_id, double duration, ReelTransition transition, double fade)
{
  ReelCutItem *item = reel_cut_item_new ();

  item->shot_id = shot_id;
  item->shot_number = g_strdup_printf ("%" G_GINT64_FORMAT, shot_id);
  item->duration = duration;
  item->out_point = duration;
  item->transition = transition;
  item->transition_duration = fade;
  g_ptr_array_add (cut->items, item);
  return item;
}

static ReelCutCue *
add_cue (ReelCut *cut, gint64 shot_id, const char *text)
{
  ReelCutCue *cue = reel_cut_cue_new ();

  cue->shot_id = shot_id;
  cue->text = g_strdup (text);
  g_ptr_array_add (cut->cues, cue);
  return cue;
}

static void
test_layout (void)
{
  g_autoptr (ReelCut) cut = reel_cut_new ();
  ReelCutCue *cue;

  cut->fps = 25;
  add_item (cut, 1, 2.0, REEL_TRANSITION_CUT, 0);
  /* A crossfade longer than the shot before it is shortened to fit. */
  add_item (cut, 2, 1.0, REEL_TRANSITION_CROSSFADE, 5.0);
  add_item (cut, 3, 4.0, REEL_TRANSITION_CROSSFADE, 0.5);
  /* Six words: 2 s at three words a second. */
  add_cue (cut, 1, "one two three four five six");
  /* Two long cues squeezed into a one-second shot. */
  add_cue (cut, 2, "one two three four five six");
  add_cue (cut, 2, "seven eight nine ten eleven twelve");
  /* Five CJK characters a second: 10 characters, 2 s. */
  add_cue (cut, 3, "我们明天早上一起去学校");
  cue = add_cue (cut, 3, "set by hand");
  cue->timing_set = TRUE;
  cue->set_start = 3.5;
  cue->set_duration = 2.0; /* clipped at the end of the shot */

  reel_cut_layout (cut);

  g_assert_cmpfloat_with_epsilon (((ReelCutItem *) g_ptr_array_index (cut->items, 1))->start, 1.0,
                                  1e-9);
  g_assert_cmpfloat_with_epsilon (
      ((ReelCutItem *) g_ptr_array_index (cut->items, 1))->transition_duration, 1.0, 1e-9);
  /* The third crossfade may not reach back into the second. */
  g_assert_cmpfloat_with_epsilon (((ReelCutItem *) g_ptr_array_index (cut->items, 2))->start, 2.0,
                                  1e-9);
  g_assert_cmpfloat_with_epsilon (cut->duration, 6.0, 1e-9);

  g_assert_cmpuint (cut->cues->len, ==, 5);
  for (guint i = 0; i < cut->cues->len; i++)
    {
      ReelCutCue *a = g_ptr_array_index (cut->cues, i);

      g_assert_cmpfloat (a->duration, >, 0);
      if (i + 1 < cut->cues->len)
        {
          ReelCutCue *b = g_ptr_array_index (cut->cues, i + 1);
          g_assert_cmpfloat (a->start + a->duration, <=, b->start + 1e-9);
        }
    }
  /* Shot 1's cue is cut short where shot 2's first cue starts (1 s). */
  cue = g_ptr_array_index (cut->cues, 0);
  g_assert_cmpfloat_with_epsilon (cue->start, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (cue->duration, 1.0, 1e-9);
  cue = g_ptr_array_index (cut->cues, 2);
  g_assert_cmpfloat_with_epsilon (cue->start + cue->duration, 2.0, 1e-9);
  cue = g_ptr_array_index (cut->cues, 3);
  g_assert_cmpstr (cue->text, ==, "我们明天早上一起去学校");
  g_assert_cmpfloat_with_epsilon (cue->start, 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (cue->duration, 11 / 5.0, 1e-9);
  cue = g_ptr_array_index (cut->cues, 4);
  g_assert_cmpfloat_with_epsilon (cue->start, 5.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (cue->duration, 0.5, 1e-9);
}

/* Editing a caption's words keeps the timing the user set for its cue. */
static void
test_cue_timing_survives_caption_edit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 shot = fixture->shots[1];
  double start = -1, duration = -1;

  g_assert_true (reel_project_set_shot_captions_text (fixture->project, shot,
                                                      "ANNA: Hello there.\nBOB: Hi.", &error));
  g_assert_true (reel_project_set_cue_timing (fixture->project, shot, 1, 0.75, 1.25, &error));
  g_assert_no_error (error);

  g_assert_true (reel_project_set_shot_captions_text (
      fixture->project, shot, "ANNA: Hello there!\nBOB: Hi, Anna.", &error));
  g_assert_no_error (error);
  g_assert_true (reel_project_get_cue_timing (fixture->project, shot, 1, &start, &duration));
  g_assert_cmpfloat_with_epsilon (start, 0.75, 1e-9);
  g_assert_cmpfloat_with_epsilon (duration, 1.25, 1e-9);

  /* A caption removed takes its timing with it; one added starts automatic. */
  g_assert_true (
      reel_project_set_shot_captions_text (fixture->project, shot, "ANNA: Hello there!", &error));
  g_assert_true (reel_project_set_shot_captions_text (fixture->project, shot,
                                                      "ANNA: Hello there!\nBOB: Bye.", &error));
  g_assert_false (reel_project_get_cue_timing (fixture->project, shot, 1, &start, &duration));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cut/edits-are-undoable", Fixture, NULL, fixture_set_up, test_edits_are_undoable,
              fixture_tear_down);
  g_test_add ("/cut/from-project", Fixture, NULL, fixture_set_up, test_cut_from_project,
              fixture_tear_down);
  g_test_add ("/cut/cue-timing-survives-caption-edit", Fixture, NULL, fixture_set_up,
              test_cue_timing_survives_caption_edit, fixture_tear_down);
  g_test_add_func ("/cut/layout", test_layout);

  return g_test_run ();
}
