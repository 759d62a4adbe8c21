/* test-timeline.c: the Timeline view, its preview and the Export dialog in a
 * real window under Xvfb
 *
 * The demo project at 320×180 with one-second shots (one of two seconds),
 * two of them generated and the rest shown as their animatic cards. The
 * test plays the preview and waits for the playhead to move, scrubs and
 * checks the frame on show, reorders, sets a crossfade through its popover,
 * adds a marker and music, and exports through the dialog's own code path,
 * once to the end and once cancelled. A second test drags with the mouse:
 * real pointer events sent through the X server (XTest) reorder a clip,
 * trim a take, lengthen a card, retime a cue and scrub the ruler. A third
 * shows a 2,000-shot film at the smallest zoom with a small thumbnail cache
 * and checks that decoding settles on the frames in sight. All wait on the
 * widgets' own state, never on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <math.h>

#include "reel-application.h"
#include "reel-export-dialog.h"
#include "reel-media-store.h"
#include "reel-preview.h"
#include "reel-project-cut.h"
#include "reel-scheduler.h"
#include "reel-segment-cache.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-timeline-page.h"
#include "reel-timeline-view.h"
#include "reel-window.h"

#define FPS 12

static ReelApplication *application;

static GtkWidget *
find_with_label (GtkWidget *root, GType type, const char *label)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();

  reel_ui_test_collect_descendants (root, type, all);
  for (guint i = 0; i < all->len; i++)
    {
      const char *text = NULL;

      if (GTK_IS_CHECK_BUTTON (all->pdata[i]))
        text = gtk_check_button_get_label (all->pdata[i]);
      else if (GTK_IS_BUTTON (all->pdata[i]))
        text = gtk_button_get_label (all->pdata[i]);
      if (g_strcmp0 (text, label) == 0)
        return all->pdata[i];
    }
  return NULL;
}

static void
save_png (GtkWidget *widget, const char *name)
{
  /* A widget waiting for its allocation draws nothing. */
  reel_ui_test_settle (widget);
  reel_ui_test_save_png (widget, name, NULL);
}

/* Conditions */

static void
idle_cb (ReelScheduler *scheduler, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
preview_ready (gpointer data)
{
  ReelTimelinePage *page = data;
  ReelPreview      *preview = reel_timeline_page_get_preview (page);

  g_assert_null (reel_preview_get_error (preview));
  return !reel_timeline_page_get_preparing (page) && reel_preview_get_ready (preview)
         && reel_preview_get_texture (preview) != NULL
         && gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (preview)) > 0;
}

static gboolean
thumbnails_decoded (gpointer data)
{
  return reel_timeline_view_get_n_thumbnails (data) > 0;
}

static gboolean
played_past_0_3 (gpointer data)
{
  ReelPreview *preview = data;

  g_assert_null (reel_preview_get_error (preview));
  return reel_preview_get_position (preview) > 0.3;
}

typedef struct
{
  ReelPreview *preview;
  double       target;
} FrameAt;

static gboolean
frame_shown_at (gpointer data)
{
  FrameAt *at = data;

  g_assert_null (reel_preview_get_error (at->preview));
  return reel_preview_get_ready (at->preview)
         && fabs (reel_preview_get_frame_time (at->preview) - at->target) < 1.0 / FPS;
}

typedef struct
{
  ReelTimelineView *view;
  guint             index;
  gint64            shot_id;
} ClipIs;

static gboolean
clip_shows_shot (gpointer data)
{
  ClipIs        *clip = data;
  const ReelCut *cut = reel_timeline_view_get_cut (clip->view);

  return cut != NULL && clip->index < cut->items->len
         && ((ReelCutItem *) g_ptr_array_index (cut->items, clip->index))->shot_id == clip->shot_id;
}

typedef struct
{
  ReelProject *project;
  gint64       shot_id;
} ShotOf;

static gboolean
shot_has_board (gpointer data)
{
  ShotOf *of = data;

  return reel_shot_get_board_image (reel_project_lookup_shot (of->project, of->shot_id)) != NULL;
}

typedef struct
{
  ReelTimelineView *view;
  double            duration;
} CutLasts;

static gboolean
cut_lasts (gpointer data)
{
  CutLasts      *lasts = data;
  const ReelCut *cut = reel_timeline_view_get_cut (lasts->view);

  return cut != NULL && fabs (cut->duration - lasts->duration) < 0.5 / FPS;
}

static gboolean
popover_shown (gpointer data)
{
  GtkPopover *popover = reel_timeline_view_get_popover (data);

  return gtk_widget_get_visible (GTK_WIDGET (popover)) && gtk_popover_get_child (popover) != NULL;
}

typedef struct
{
  gboolean done;
  gboolean ok;
} Finished;

static void
export_finished_cb (ReelExportDialog *dialog, gboolean ok, gpointer user_data)
{
  Finished *finished = user_data;

  finished->ok = ok;
  finished->done = TRUE;
}

static gboolean
finished_done (gpointer data)
{
  return ((Finished *) data)->done;
}

static ReelExportDialog *
find_export_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (REEL_IS_EXPORT_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        return REEL_EXPORT_DIALOG (toplevel);
    }
  return NULL;
}

/* Cancels as soon as the film is being made, not before. */
static void
cancel_when_encoding_cb (ReelExporter *exporter, GParamSpec *pspec, ReelExportDialog *dialog)
{
  if (g_strcmp0 (reel_exporter_get_stage (exporter), "Encoding") == 0
      && reel_export_dialog_get_running (dialog))
    {
      g_test_message ("Cancelling at %.0f%% (%s)", reel_exporter_get_progress (exporter) * 100,
                      reel_exporter_get_stage (exporter));
      reel_export_dialog_cancel (dialog);
    }
}

typedef struct
{
  gboolean done;
  gint64   music_id;
  GError  *error;
} MusicImport;

static void
music_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MusicImport *import = user_data;

  import->music_id = reel_timeline_page_import_music_finish (REEL_TIMELINE_PAGE (source), result,
                                                             &import->error);
  import->done = TRUE;
}

/* A short sine tone as WAV: music that needs no file in the tree. */
static void
write_tone (const char *path)
{
  g_autofree char *description = g_strdup_printf (
      "audiotestsrc num-buffers=100 samplesperbuffer=4800 ! audio/x-raw,rate=48000,channels=2 ! "
      "wavenc ! filesink location=\"%s\"",
      path);

  reel_test_run_pipeline (description);
}

/* The ruler at the view's zoom: each second it labels is labelled once, on
 * a whole second, and no label runs into the next. */
static void
assert_ruler_labels_each_second_once (ReelTimelineView *view)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint  n = reel_timeline_view_get_n_ruler_labels (view);
  double previous_end = -1;

  g_assert_cmpuint (n, >=, 2);
  for (guint i = 0; i < n; i++)
    {
      graphene_rect_t  bounds;
      g_autofree char *label = reel_timeline_view_dup_ruler_label (view, i, &bounds);
      double           seconds = (bounds.origin.x - reel_timeline_view_time_to_x (view, 0))
                       / reel_timeline_view_get_zoom (view);

      g_assert_nonnull (label);
      g_assert_false (g_hash_table_contains (seen, label));
      g_hash_table_add (seen, g_strdup (label));
      /* Just after its tick, which is on a whole second. */
      g_assert_cmpfloat (fabs (seconds - round (seconds)), <,
                         6.0 / reel_timeline_view_get_zoom (view));
      g_assert_cmpfloat (bounds.origin.x, >, previous_end);
      previous_end = bounds.origin.x + bounds.size.width;
    }
  g_assert_null (reel_timeline_view_dup_ruler_label (view, n, NULL));
}

/* The playhead's knob at @seconds hides no label of the ruler. */
static void
assert_knob_hides_no_label (ReelTimelineView *view, double seconds)
{
  graphene_rect_t knob;

  reel_timeline_view_scrub (view, seconds);
  reel_timeline_view_get_playhead_bounds (view, &knob);
  g_assert_cmpfloat_with_epsilon (knob.origin.x + knob.size.width / 2,
                                  reel_timeline_view_time_to_x (view, seconds), 1.0);
  for (guint i = 0; i < reel_timeline_view_get_n_ruler_labels (view); i++)
    {
      graphene_rect_t  bounds;
      g_autofree char *label = reel_timeline_view_dup_ruler_label (view, i, &bounds);

      if (graphene_rect_intersection (&knob, &bounds, NULL))
        g_error ("The playhead at %.2f s covers the ruler's label “%s”", seconds, label);
    }
}

static gboolean
music_length_known (gpointer data)
{
  return reel_timeline_view_get_music_length (data, 0) > 0;
}

/* The film's sound as mono 8 kHz floats. */
static GArray *
decode_audio (const char *film, const char *raw_path)
{
  g_autofree char *pipeline
      = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! audioconvert ! audioresample"
                         " ! audio/x-raw,format=F32LE,channels=1,rate=8000"
                         " ! filesink location=\"%s\"",
                         film, raw_path);
  g_autofree char *bytes = NULL;
  gsize            length = 0;
  GArray          *samples = g_array_new (FALSE, FALSE, sizeof (float));

  reel_test_run_pipeline (pipeline);
  g_assert_true (g_file_get_contents (raw_path, &bytes, &length, NULL));
  g_array_append_vals (samples, bytes, length / sizeof (float));
  return samples;
}

static double
audio_rms (GArray *samples, double from, double to)
{
  guint  start = (guint) (from * 8000), end = MIN ((guint) (to * 8000), samples->len);
  double sum = 0;

  g_assert_cmpuint (end, >, start);
  for (guint i = start; i < end; i++)
    sum += g_array_index (samples, float, i) * g_array_index (samples, float, i);
  return sqrt (sum / (end - start));
}

static void
test_timeline_demo (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autofree char *film_path = g_build_filename (tmpdir, "film.mp4", NULL);
  g_autofree char *cancelled_path = g_build_filename (tmpdir, "cancelled.mp4", NULL);
  g_autofree char *tone_path = g_build_filename (tmpdir, "tone.wav", NULL);
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  GListModel       *shots;
  ReelWindow       *window;
  ReelTimelinePage *page;
  ReelTimelineView *view;
  ReelPreview      *preview;
  ReelScheduler    *scheduler;
  gboolean          idle = FALSE;
  guint             n_shots;
  gint64           *ids;
  graphene_rect_t   one, two;

  project = reel_ui_test_load_demo_project (tmpdir);
  g_assert_true (reel_project_set_resolution (project, 320, 180, &error));
  g_assert_true (reel_project_set_fps (project, FPS, &error));
  shots = reel_project_get_shots (project);
  n_shots = g_list_model_get_n_items (shots);
  g_assert_cmpuint (n_shots, >=, 4);
  ids = g_new0 (gint64, n_shots);
  for (guint i = 0; i < n_shots; i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);

      ids[i] = reel_shot_get_id (shot);
      /* Short shots keep the test quick; the third lasts twice as long. */
      g_assert_true (reel_project_set_shot_duration (project, ids[i], i == 2 ? 2.0 : 1.0, &error));
      g_assert_no_error (error);
    }

  window = reel_ui_test_open_window (application, project, 1100, 780);

  /* Takes for the first two shots; the others stay animatic cards. */
  scheduler = reel_window_get_scheduler (window);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), &idle);
  for (guint i = 0; i < 2; i++)
    g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-shot", "x", ids[i]));
  reel_ui_test_wait_until (reel_ui_test_flag_is_set, &idle, "the two shots to be generated");
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (reel_shot_get_chosen_take_id (reel_project_lookup_shot (project, ids[i])), !=,
                     0);

  /* The Timeline view, through the window's action. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "timeline"));
  reel_ui_test_settle (GTK_WIDGET (window));
  page = REEL_TIMELINE_PAGE (reel_window_get_view (window, "timeline"));
  view = reel_timeline_page_get_view (page);
  preview = reel_timeline_page_get_preview (page);
  reel_timeline_page_rebuild_now (page);
  reel_ui_test_wait_until (preview_ready, page, "the preview's first frame");
  reel_ui_test_settle (GTK_WIDGET (window));

  /* One clip per shot, as wide as it lasts; the shots without a take show
   * their animatic card. */
  g_assert_cmpuint (reel_timeline_view_get_n_clips (view), ==, n_shots);
  g_assert_false (reel_timeline_view_clip_is_animatic (view, 0));
  g_assert_false (reel_timeline_view_clip_is_animatic (view, 1));
  for (guint i = 2; i < n_shots; i++)
    g_assert_true (reel_timeline_view_clip_is_animatic (view, i));
  g_assert_true (reel_timeline_view_get_clip_bounds (view, 0, &one));
  g_assert_true (reel_timeline_view_get_clip_bounds (view, 2, &two));
  g_assert_cmpfloat_with_epsilon (two.size.width, 2 * one.size.width, 2.0);
  g_assert_cmpfloat_with_epsilon (reel_preview_get_duration (preview), n_shots + 1.0, 0.5 / FPS);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (preview)), ==, 320);
  reel_ui_test_wait_until (thumbnails_decoded, view, "the clips' thumbnails");

  /* Play: the playhead moves with the preview. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "preview.play", NULL));
  g_assert_true (reel_preview_get_playing (preview));
  reel_ui_test_wait_until (played_past_0_3, preview, "the playhead to move");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "preview.pause", NULL));
  g_assert_false (reel_preview_get_playing (preview));
  g_assert_nonnull (reel_preview_get_texture (preview));
  g_assert_cmpfloat (reel_timeline_view_get_position (view), >, 0.3);
  g_assert_cmpfloat_with_epsilon (reel_timeline_view_get_position (view),
                                  reel_preview_get_position (preview), 1e-9);

  /* Scrub on the ruler: the frame on show is the one at that time. */
  {
    FrameAt at = { preview, 1.5 };

    reel_timeline_view_scrub (view, 1.5);
    reel_ui_test_wait_until (frame_shown_at, &at, "the frame at 1.5 s");
    g_assert_cmpfloat_with_epsilon (reel_preview_get_position (preview), 1.5, 1.0 / FPS);
    g_assert_true (g_str_has_prefix (reel_timeline_page_get_time_text (page), "00:00:01:06 / "));

    /* One frame on, and back. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "preview.step", "i", 1));
    at.target = 1.5 + 1.0 / FPS;
    reel_ui_test_wait_until (frame_shown_at, &at, "the next frame");
  }

  /* The next shot (still an animatic card) starts from the frame on show,
   * which is the second shot's take; an animatic card has no frame to give. */
  {
    ShotOf next = { project, ids[2] };
    g_autoptr (GPtrArray) takes = NULL;
    const ReelTake *board;

    g_assert_null (reel_shot_get_board_image (reel_project_lookup_shot (project, ids[2])));
    g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (page), "timeline.continue-from-frame", NULL));
    reel_ui_test_wait_until (shot_has_board, &next, "the next shot's start image");
    takes = reel_project_list_takes (project, ids[2]);
    g_assert_cmpuint (takes->len, ==, 1);
    board = g_ptr_array_index (takes, 0);
    g_assert_cmpstr (board->kind, ==, "image");
    g_assert_cmpstr (board->media, ==,
                     reel_shot_get_board_image (reel_project_lookup_shot (project, ids[2])));
    g_assert_nonnull (strstr (board->prompt, "of take"));
    reel_timeline_page_rebuild_now (page);
    reel_ui_test_wait_until (preview_ready, page, "the preview after the new board");
  }
  save_png (GTK_WIDGET (window), "timeline.png");

  /* The ruler names each second once at any zoom, even where half seconds
   * are a label's width apart, and the playhead's knob hides none of them,
   * at a labelled second or between two. */
  {
    const double zooms[] = { REEL_TIMELINE_MIN_ZOOM, 30, REEL_TIMELINE_DEFAULT_ZOOM, 150, 400,
                             REEL_TIMELINE_MAX_ZOOM };
    double       zoom = reel_timeline_view_get_zoom (view);

    for (guint i = 0; i < G_N_ELEMENTS (zooms); i++)
      {
        reel_timeline_view_set_zoom (view, zooms[i]);
        reel_ui_test_settle (GTK_WIDGET (window));
        assert_ruler_labels_each_second_once (view);
        assert_knob_hides_no_label (view, 0);
        assert_knob_hides_no_label (view, 1.0);
        assert_knob_hides_no_label (view, 1.5);
      }
    reel_timeline_view_set_zoom (view, zoom);
    reel_ui_test_settle (GTK_WIDGET (window));
  }

  /* Reorder with the keyboard action: the first clip moves one later. */
  reel_timeline_view_set_selected_shot (view, ids[0]);
  g_assert_cmpint (reel_window_get_selected_shot (window), ==, ids[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "timeline.move-clip-later", NULL));
  g_assert_cmpuint (reel_shot_get_position (reel_project_lookup_shot (project, ids[0])), ==, 1);
  g_assert_cmpuint (reel_shot_get_position (reel_project_lookup_shot (project, ids[1])), ==, 0);
  {
    ClipIs clip = { view, 1, ids[0] };
    reel_ui_test_wait_until (clip_shows_shot, &clip, "the clips to follow the new order");
  }

  /* A crossfade into the third clip, through its popover. */
  {
    const ReelCut  *cut = reel_timeline_view_get_cut (view);
    gint64          into = ((ReelCutItem *) g_ptr_array_index (cut->items, 2))->shot_id;
    GtkPopover     *popover = reel_timeline_view_get_popover (view);
    GtkWidget      *crossfade, *apply;
    GtkSpinButton  *length;
    ReelCutSettings settings;
    CutLasts        lasts = { view, cut->duration - 0.5 };

    reel_timeline_view_edit_transition (view, into);
    reel_ui_test_wait_until (popover_shown, view, "the popover of the cut");
    crossfade = find_with_label (GTK_WIDGET (popover), GTK_TYPE_CHECK_BUTTON, "Cross_fade");
    apply = find_with_label (GTK_WIDGET (popover), GTK_TYPE_BUTTON, "_Apply");
    length = GTK_SPIN_BUTTON (reel_ui_test_find_first (GTK_WIDGET (popover), GTK_TYPE_SPIN_BUTTON));
    g_assert_nonnull (crossfade);
    g_assert_nonnull (apply);
    g_assert_nonnull (length);
    gtk_check_button_set_active (GTK_CHECK_BUTTON (crossfade), TRUE);
    gtk_spin_button_set_value (length, 0.5);
    g_signal_emit_by_name (apply, "clicked");

    g_assert_true (reel_project_get_cut_settings (project, into, &settings));
    g_assert_cmpint (settings.transition, ==, REEL_TRANSITION_CROSSFADE);
    g_assert_cmpfloat_with_epsilon (settings.transition_duration, 0.5, 1e-6);
    /* The film is half a second shorter: the shots overlap. */
    reel_ui_test_wait_until (cut_lasts, &lasts, "the cut to have the crossfade");
  }

  /* A marker at the playhead, with a comment. */
  {
    g_autoptr (GPtrArray) markers = NULL;
    GtkPopover *popover = reel_timeline_view_get_popover (view);
    GtkWidget  *entry;

    reel_timeline_view_scrub (view, 0.5);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "timeline.add-marker", NULL));
    markers = reel_project_list_markers (project);
    g_assert_cmpuint (markers->len, ==, 1);
    g_assert_cmpfloat_with_epsilon (((ReelMarker *) markers->pdata[0])->time, 0.5, 1e-6);

    /* Its popover opens for the comment once the tracks show it. */
    reel_ui_test_wait_until (popover_shown, view, "the marker's popover");
    entry = reel_ui_test_find_first (GTK_WIDGET (popover), GTK_TYPE_ENTRY);
    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "redo: coat colour wrong");
    g_signal_emit_by_name (entry, "activate");
    g_clear_pointer (&markers, g_ptr_array_unref);
    markers = reel_project_list_markers (project);
    g_assert_cmpstr (((ReelMarker *) markers->pdata[0])->comment, ==, "redo: coat colour wrong");
  }

  /* Music: a tone imported into the media store, then turned down with fades. */
  {
    MusicImport import = { 0 };
    g_autoptr (GPtrArray) music = NULL;
    g_autoptr (GFile) tone = g_file_new_for_path (tone_path);

    write_tone (tone_path);
    reel_timeline_page_import_music_async (page, tone, NULL, music_imported_cb, &import);
    reel_ui_test_wait_until (reel_ui_test_flag_is_set, &import.done, "the music to be imported");
    g_assert_no_error (import.error);
    g_assert_cmpint (import.music_id, >, 0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "music.update", "(xdddd)",
                                               import.music_id, 0.0, 0.5, 0.5, 1.0));
    music = reel_project_list_music (project);
    g_assert_cmpuint (music->len, ==, 1);
    g_assert_cmpfloat_with_epsilon (((ReelMusicTrack *) music->pdata[0])->volume, 0.5, 1e-6);
    g_assert_cmpfloat_with_epsilon (((ReelMusicTrack *) music->pdata[0])->fade_out, 1.0, 1e-6);

    /* The preview is built again with it and shows a frame. */
    reel_timeline_page_rebuild_now (page);
    reel_ui_test_wait_until (preview_ready, page, "the preview with music");

    /* The tone plays for 10 s of a longer film, and is drawn so: from the
     * start to where it goes silent, not to the end of the film. */
    {
      graphene_rect_t bounds;
      double          film = reel_timeline_view_get_cut (view)->duration;

      g_assert_cmpfloat (film, >, 11);
      reel_ui_test_wait_until (music_length_known, view, "the length of the music");
      g_assert_cmpfloat_with_epsilon (reel_timeline_view_get_music_length (view, 0), 10.0, 0.05);
      g_assert_true (reel_timeline_view_get_music_bounds (view, 0, &bounds));
      g_assert_cmpfloat_with_epsilon (bounds.origin.x, reel_timeline_view_time_to_x (view, 0), 1.0);
      g_assert_cmpfloat_with_epsilon (bounds.origin.x + bounds.size.width,
                                      reel_timeline_view_time_to_x (view, 10.0), 1.0);
    }
  }
  reel_ui_test_settle (GTK_WIDGET (window));
  save_png (GTK_WIDGET (window), "timeline-edited.png");

  /* Export through the dialog (its file chooser answered with a path). */
  {
    ReelExportDialog *dialog;
    Finished          finished = { 0 };
    g_autoptr (ReelMediaInfo) info = NULL;
    double duration = reel_timeline_view_get_cut (view)->duration;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
    dialog = find_export_dialog ();
    g_assert_nonnull (dialog);
    reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, dialog, "the export dialog");
    reel_ui_test_settle (GTK_WIDGET (dialog));
    save_png (GTK_WIDGET (dialog), "export.png");

    g_signal_connect (dialog, "finished", G_CALLBACK (export_finished_cb), &finished);
    reel_export_dialog_export_to (dialog, film_path);
    g_assert_true (reel_export_dialog_get_running (dialog));
    reel_ui_test_settle (GTK_WIDGET (dialog));
    save_png (GTK_WIDGET (dialog), "export-progress.png");
    reel_ui_test_wait_until (finished_done, &finished, "the export to finish");
    g_assert_true (finished.ok);
    g_assert_true (g_file_test (film_path, G_FILE_TEST_IS_REGULAR));

    info = reel_media_probe (film_path, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (info->kind, ==, REEL_MEDIA_KIND_VIDEO);
    g_assert_cmpuint (info->width, ==, 320);
    g_assert_cmpuint (info->height, ==, 180);
    g_assert_cmpfloat_with_epsilon (info->duration, duration, 1.5 / FPS);
    g_assert_true (info->has_audio);
    gtk_window_destroy (GTK_WINDOW (dialog));

    /* The music ends where its file does, as drawn: silence after 10 s. */
    {
      g_autofree char *raw_path = g_build_filename (tmpdir, "film.raw", NULL);
      g_autoptr (GArray) samples = decode_audio (film_path, raw_path);
      double playing = audio_rms (samples, 3.0, 8.0);
      double after = audio_rms (samples, 10.3, duration - 0.2);

      g_test_message ("Music RMS: %.3f playing, %.4f after its end", playing, after);
      g_assert_cmpfloat (playing, >, 0.05);
      g_assert_cmpfloat (after, <, 0.01);
    }
  }

  /* Cancelled in the middle: nothing under the chosen name. */
  {
    ReelExportDialog *dialog;
    Finished          finished = { 0 };
    g_autoptr (ReelSegmentCache) cache = reel_segment_cache_new (NULL);

    /* The film above left its segments in the cache; without them this
     * export encodes, and is cancelled while it does. */
    g_assert_true (reel_segment_cache_clear (cache, NULL));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
    dialog = find_export_dialog ();
    g_assert_nonnull (dialog);
    g_signal_connect (dialog, "finished", G_CALLBACK (export_finished_cb), &finished);
    reel_export_dialog_export_to (dialog, cancelled_path);
    g_signal_connect (reel_export_dialog_get_exporter (dialog), "notify::progress",
                      G_CALLBACK (cancel_when_encoding_cb), dialog);
    reel_ui_test_wait_until (finished_done, &finished, "the cancelled export to end");
    g_assert_false (finished.ok);
    g_assert_false (reel_export_dialog_get_running (dialog));
    g_assert_false (g_file_test (cancelled_path, G_FILE_TEST_EXISTS));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* Narrow: the sidebar folds away, then the window goes down to 360 px;
   * the transport and tools fold and the tracks scroll. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  reel_ui_test_wait_until (reel_ui_test_leaflet_is_folded, window, "the sidebar to fold away");
  reel_ui_test_settle (GTK_WIDGET (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 690);
  reel_ui_test_wait_until (reel_ui_test_window_is_narrow, window, "the window to be 360 px wide");
  reel_ui_test_settle (GTK_WIDGET (window));
  g_assert_cmpint (gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))), ==, 360);
  save_png (GTK_WIDGET (window), "timeline-narrow.png");

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (ids);
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

/* Drags with the mouse: real pointer events through the X server */

/* The clip of a shot, with the in point and the length wanted of it (a
 * negative one: any). */
typedef struct
{
  ReelTimelineView *view;
  gint64            shot_id;
  double            in_point;
  double            duration;
} ClipTimes;

static gboolean
clip_has_times (gpointer data)
{
  ClipTimes     *times = data;
  const ReelCut *cut = reel_timeline_view_get_cut (times->view);

  for (guint i = 0; cut != NULL && i < cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (cut->items, i);

      if (item->shot_id == times->shot_id)
        return (times->in_point < 0 || fabs (item->in_point - times->in_point) < 1e-6)
               && (times->duration < 0 || fabs (item->duration - times->duration) < 1e-6);
    }
  return FALSE;
}

typedef struct
{
  ReelTimelineView *view;
  guint             index;
} CueSet;

static gboolean
cue_set_by_hand (gpointer data)
{
  CueSet        *set = data;
  const ReelCut *cut = reel_timeline_view_get_cut (set->view);

  return cut != NULL && set->index < cut->cues->len
         && ((ReelCutCue *) g_ptr_array_index (cut->cues, set->index))->timing_set;
}

typedef struct
{
  ReelPreview *preview;
  double       after;
} PreviewSought;

static gboolean
preview_sought (gpointer data)
{
  PreviewSought *sought = data;

  return reel_preview_get_position (sought->preview) > sought->after;
}

static ReelCutItem *
cut_item (ReelTimelineView *view, guint index)
{
  return g_ptr_array_index (reel_timeline_view_get_cut (view)->items, index);
}

static void
test_timeline_drag (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  GListModel       *shots;
  ReelWindow       *window;
  ReelTimelinePage *page;
  ReelTimelineView *view;
  GtkWidget        *tracks;
  GtkAdjustment    *scroll;
  ReelScheduler    *scheduler;
  gboolean          idle = FALSE;
  gint64            ids[4];
  double            zoom;
  graphene_rect_t   rect;

  project = reel_ui_test_load_demo_project (tmpdir);
  g_assert_true (reel_project_set_resolution (project, 320, 180, &error));
  g_assert_true (reel_project_set_fps (project, FPS, &error));
  shots = reel_project_get_shots (project);
  g_assert_cmpuint (g_list_model_get_n_items (shots), >=, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);

      ids[i] = reel_shot_get_id (shot);
      g_assert_true (reel_project_set_shot_duration (project, ids[i], 1.0, &error));
    }

  window = reel_ui_test_open_window (application, project, 1100, 780);
  if (!reel_ui_test_pointer_available (GTK_WIDGET (window)))
    {
      g_test_skip ("No X server with XTest to send pointer events to");
      gtk_window_destroy (GTK_WINDOW (window));
      reel_test_rm_rf (tmpdir);
      return;
    }

  /* A take for the first shot, to trim; the others are animatic cards. */
  scheduler = reel_window_get_scheduler (window);
  g_signal_connect (scheduler, "idle", G_CALLBACK (idle_cb), &idle);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.generate-shot", "x", ids[0]));
  reel_ui_test_wait_until (reel_ui_test_flag_is_set, &idle, "the first shot to be generated");

  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "timeline"));
  page = REEL_TIMELINE_PAGE (reel_window_get_view (window, "timeline"));
  view = reel_timeline_page_get_view (page);
  tracks = GTK_WIDGET (view);
  scroll = gtk_scrolled_window_get_hadjustment (
      GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (tracks, GTK_TYPE_SCROLLED_WINDOW)));
  reel_timeline_page_rebuild_now (page);
  reel_ui_test_wait_until (preview_ready, page, "the preview's first frame");
  reel_ui_test_settle (GTK_WIDGET (window));
  /* Zoomed in, so that a fifth of a second is a drag of many pixels. */
  reel_timeline_view_set_zoom (view, 96);
  reel_ui_test_settle (GTK_WIDGET (window));
  zoom = reel_timeline_view_get_zoom (view);
  g_assert_cmpfloat (zoom, ==, 96);
  g_assert_false (reel_timeline_view_clip_is_animatic (view, 0));

  /* Drag the first clip by its middle past the middle of the third: it
   * becomes the third. */
  {
    graphene_rect_t third;
    ClipIs          clip = { view, 2, ids[0] };

    g_assert_true (reel_timeline_view_get_clip_bounds (view, 0, &rect));
    g_assert_true (reel_timeline_view_get_clip_bounds (view, 2, &third));
    reel_ui_test_pointer_drag (
        tracks, rect.origin.x + rect.size.width / 2, rect.origin.y + rect.size.height / 3,
        third.origin.x + third.size.width * 0.75, rect.origin.y + rect.size.height / 3);
    reel_ui_test_wait_until (clip_shows_shot, &clip, "the dragged clip to be third");
    g_assert_cmpuint (reel_shot_get_position (reel_project_lookup_shot (project, ids[0])), ==, 2);
    g_assert_cmpuint (reel_shot_get_position (reel_project_lookup_shot (project, ids[1])), ==, 0);
    g_assert_cmpuint (reel_shot_get_position (reel_project_lookup_shot (project, ids[2])), ==, 1);
    g_assert_cmpint (reel_timeline_view_get_selected_shot (view), ==, ids[0]);
    /* The tracks took the focus and stayed where they were. */
    g_assert_true (gtk_widget_has_focus (tracks));
    g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, 0);
  }
  reel_ui_test_settle (GTK_WIDGET (window));

  /* Its start edge, where it meets the second clip, dragged a quarter of a
   * second later: the take's in point, on a whole frame (3 at 12 fps). */
  {
    ClipTimes trimmed = { view, ids[0], 0.25, 0.75 };

    g_assert_true (reel_timeline_view_get_clip_bounds (view, 2, &rect));
    reel_ui_test_pointer_drag (tracks, rect.origin.x + 2, rect.origin.y + 10,
                               rect.origin.x + 2 + 0.25 * zoom, rect.origin.y + 10);
    reel_ui_test_wait_until (clip_has_times, &trimmed, "the take's in point to follow the drag");
  }
  reel_ui_test_settle (GTK_WIDGET (window));

  /* The end edge of the second card, where it meets the take, dragged half a
   * second on: a card lasts as long as its shot, so the shot gets longer. */
  {
    ClipTimes lasts = { view, ids[2], -1, 1.5 };
    double    from;

    g_assert_true (reel_timeline_view_clip_is_animatic (view, 1));
    g_assert_cmpint (cut_item (view, 1)->shot_id, ==, ids[2]);
    g_assert_true (reel_timeline_view_get_clip_bounds (view, 1, &rect));
    from = rect.origin.x + rect.size.width - 2;
    reel_ui_test_pointer_drag (tracks, from, rect.origin.y + 10, from + 0.5 * zoom,
                               rect.origin.y + 10);
    reel_ui_test_wait_until (clip_has_times, &lasts, "the card to last longer");
    g_assert_cmpfloat_with_epsilon (
        reel_shot_get_duration (reel_project_lookup_shot (project, ids[2])), 1.5, 1e-6);
  }
  reel_ui_test_settle (GTK_WIDGET (window));

  /* The end of the first cue dragged a fifth of a second earlier: its
   * timing is set by hand, and its end lands on a frame. */
  {
    const ReelCut *cut = reel_timeline_view_get_cut (view);
    ReelCutCue    *cue;
    CueSet         set = { view, 0 };
    gint64         shot_id;
    guint          caption_index;
    double         start, duration, before;

    g_assert_cmpuint (cut->cues->len, >, 0);
    cue = g_ptr_array_index (cut->cues, 0);
    g_assert_false (cue->timing_set);
    /* The view gets a new cut once the edit lands: keep what names the cue. */
    shot_id = cue->shot_id;
    caption_index = cue->caption_index;
    before = cue->duration;
    g_assert_cmpfloat (before, >, 0.4);
    g_assert_true (reel_timeline_view_get_cue_bounds (view, 0, &rect));
    reel_ui_test_pointer_drag (
        tracks, rect.origin.x + rect.size.width - 2, rect.origin.y + rect.size.height / 2,
        rect.origin.x + rect.size.width - 2 - 0.2 * zoom, rect.origin.y + rect.size.height / 2);
    reel_ui_test_wait_until (cue_set_by_hand, &set, "the cue to be timed by hand");
    g_assert_true (
        reel_project_get_cue_timing (project, shot_id, caption_index, &start, &duration));
    g_assert_cmpfloat_with_epsilon (duration, before - 0.2, 0.5 / FPS + 1e-6);
    g_assert_cmpfloat_with_epsilon (fmod ((start + duration) * FPS + 0.5, 1.0), 0.5, 1e-6);
  }
  reel_ui_test_settle (GTK_WIDGET (window));

  /* Along the ruler from 0.5 s to 2 s: the playhead and the preview follow. */
  {
    ReelPreview  *preview = reel_timeline_page_get_preview (page);
    PreviewSought sought = { preview, 1.9 };

    g_assert_true (reel_timeline_view_get_clip_bounds (view, 0, &rect));
    reel_ui_test_pointer_drag (tracks, rect.origin.x + 0.5 * zoom, 10, rect.origin.x + 2.0 * zoom,
                               10);
    reel_ui_test_wait_until (preview_sought, &sought, "the preview to follow the playhead");
    g_assert_cmpfloat_with_epsilon (reel_timeline_view_get_position (view), 2.0, 1.0 / zoom);
    g_assert_cmpfloat_with_epsilon (reel_preview_get_position (preview), 2.0, 1.0 / zoom);
  }

  /* End and Home: the tracks scroll to keep the playhead in sight; so does
   * a clip moved with the keyboard. */
  {
    ReelPreview *preview = reel_timeline_page_get_preview (page);
    double       x;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "preview.seek-end", NULL));
    x = reel_timeline_view_time_to_x (view, reel_preview_get_position (preview));
    g_assert_cmpfloat (reel_preview_get_position (preview), >, 30);
    g_assert_cmpfloat (gtk_adjustment_get_value (scroll), >, 0);
    g_assert_cmpfloat (x, >=, gtk_adjustment_get_value (scroll));
    g_assert_cmpfloat (x, <=,
                       gtk_adjustment_get_value (scroll) + gtk_adjustment_get_page_size (scroll));

    /* A clip moved with the keyboard (Alt+→) from out of sight comes into
     * sight at its new place. */
    {
      gint64          first = cut_item (view, 0)->shot_id;
      ClipIs          moved = { view, 1, first };
      graphene_rect_t bounds;

      reel_timeline_view_set_selected_shot (view, first);
      g_assert_true (
          gtk_widget_activate_action (GTK_WIDGET (page), "timeline.move-clip-later", NULL));
      reel_ui_test_wait_until (clip_shows_shot, &moved, "the clip to move one later");
      g_assert_true (reel_timeline_view_get_clip_bounds (view, 1, &bounds));
      g_assert_cmpfloat (bounds.origin.x, >=, gtk_adjustment_get_value (scroll));
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=,
                         gtk_adjustment_get_value (scroll) + gtk_adjustment_get_page_size (scroll));
    }

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "preview.seek-start", NULL));
    g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&project);
  reel_test_rm_rf (tmpdir);
}

/* A feature zoomed out on a wide window */

#define FEATURE_CLIPS 2000
/* A small cache, so that the 1,600 px of Xvfb's screen ask for more frames
 * than it holds, as 32 MB do on a wider screen: about 40 frames of
 * 213 x 120 pixels. */
#define SMALL_CACHE_BYTES (4 * 1024 * 1024)
/* Clips narrower than this show their colour only. */
#define NARROW_CLIP_WIDTH 12.0

/* A still of its own colour for each shot: every clip has its own frame. */
static char *
write_still (const char *dir, guint index)
{
  char            *path = g_strdup_printf ("%s/still-%04u.png", dir, index);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 32, 18);
  cairo_t         *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, (index % 7) / 6.0, (index % 11) / 10.0, (index % 13) / 12.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

static gboolean
thumbnails_settled (gpointer data)
{
  return reel_timeline_view_get_n_thumbnails (data) > 0
         && !reel_timeline_view_get_loading_thumbnails (data);
}

/* The clips that show a frame, among those in sight, and the one in the
 * middle of the view. */
static guint
count_clips_with_frames (ReelTimelineView *view, GtkAdjustment *adjustment, guint *middle)
{
  double from = gtk_adjustment_get_value (adjustment);
  double to = from + gtk_adjustment_get_page_size (adjustment);
  guint  n = 0;

  *middle = G_MAXUINT;
  for (guint i = 0; i < reel_timeline_view_get_n_clips (view); i++)
    {
      graphene_rect_t bounds;

      g_assert_true (reel_timeline_view_get_clip_bounds (view, i, &bounds));
      if (bounds.origin.x <= (from + to) / 2
          && bounds.origin.x + bounds.size.width > (from + to) / 2)
        *middle = i;
      if (bounds.origin.x + bounds.size.width <= from || bounds.origin.x >= to)
        continue;
      /* A sliver of a frame would show nothing of the shot. */
      if (bounds.size.width < NARROW_CLIP_WIDTH)
        g_assert_false (reel_timeline_view_clip_shows_thumbnail (view, i));
      else if (reel_timeline_view_clip_shows_thumbnail (view, i))
        n++;
    }
  return n;
}

/* Decoding settles on what is in sight: the frames the view shows stay in
 * its cache, and asking again decodes nothing more. */
static void
assert_thumbnails_settle (ReelTimelineView *view, GtkAdjustment *adjustment)
{
  guint n_decoded, n_shown, middle;

  reel_ui_test_wait_until (thumbnails_settled, view, "the thumbnails in sight to be decoded");
  reel_ui_test_settle (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW));
  n_decoded = reel_timeline_view_get_n_thumbnails (view);

  /* Scrolling by nothing asks for the frames in sight again. */
  g_signal_emit_by_name (adjustment, "value-changed");
  g_assert_false (reel_timeline_view_get_loading_thumbnails (view));
  g_assert_cmpuint (reel_timeline_view_get_n_thumbnails (view), ==, n_decoded);

  n_shown = count_clips_with_frames (view, adjustment, &middle);
  g_test_message ("%u frames decoded, %u clips in sight show one", n_decoded, n_shown);
  g_assert_cmpuint (middle, <, reel_timeline_view_get_n_clips (view));
  for (guint i = middle - 3; i <= middle + 3; i++)
    {
      graphene_rect_t bounds;

      g_assert_true (reel_timeline_view_get_clip_bounds (view, i, &bounds));
      g_assert_true (bounds.size.width < NARROW_CLIP_WIDTH
                     || reel_timeline_view_clip_shows_thumbnail (view, i));
    }
  g_assert_cmpuint (n_shown, >=, 10);
}

static void
test_timeline_feature_thumbnails (void)
{
  g_autofree char *tmpdir = reel_test_make_tmpdir ();
  g_autoptr (ReelCut) cut = reel_cut_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  GtkWidget        *window, *scrolled;
  ReelTimelineView *view;
  GtkAdjustment    *adjustment;

  /* 2,000 shots of 3 to 6 s, 12 to 24 px each at the smallest zoom, and
   * one in ten of 2 s, 8 px. */
  for (guint i = 0; i < FEATURE_CLIPS; i++)
    {
      ReelCutItem *item = reel_cut_item_new ();

      item->shot_id = i + 1;
      item->shot_number = g_strdup_printf ("%u", i + 1);
      item->text = g_strdup ("A shot");
      item->media_path = write_still (tmpdir, i);
      item->media_is_image = TRUE;
      item->duration = i % 10 == 5 ? 2.0 : g_rand_double_range (rand, 3.0, 6.0);
      g_ptr_array_add (cut->items, item);
    }
  reel_cut_layout (cut);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 400);
  scrolled = gtk_scrolled_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  view = REEL_TIMELINE_VIEW (reel_timeline_view_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (view));
  adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));
  reel_timeline_view_set_thumbnail_cache_size (view, SMALL_CACHE_BYTES);
  reel_timeline_view_set_zoom (view, REEL_TIMELINE_MIN_ZOOM);
  reel_timeline_view_set_cut (view, cut);
  gtk_window_present (GTK_WINDOW (window));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, view, "the timeline to be mapped");
  reel_ui_test_settle (window);
  g_assert_cmpfloat (gtk_adjustment_get_page_size (adjustment), >=, 1000);

  /* Bounded, but a view that never settles fails well before the suite's
   * own time limit. */
  reel_ui_test_set_wait_timeout (60000);
  g_test_message ("The start of the film");
  assert_thumbnails_settle (view, adjustment);

  g_test_message ("The middle of the film");
  gtk_adjustment_set_value (
      adjustment,
      (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment)) / 2);
  assert_thumbnails_settle (view, adjustment);
  reel_ui_test_save_png (window, "timeline-feature-thumbnails.png", NULL);
  reel_ui_test_set_wait_timeout (REEL_UI_TEST_WAIT_TIMEOUT_MS);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  reel_test_rm_rf (tmpdir);
}

int
main (int argc, char *argv[])
{
  int status;

  /* No sound card under Xvfb: the preview plays into a sink that keeps time. */
  g_setenv (REEL_PREVIEW_AUDIO_SINK_ENV, "fakesink", TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/timeline/demo", test_timeline_demo);
  g_test_add_func ("/ui/timeline/drag", test_timeline_drag);
  g_test_add_func ("/ui/timeline/feature-thumbnails", test_timeline_feature_thumbnails);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
