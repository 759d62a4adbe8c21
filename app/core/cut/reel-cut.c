/* reel-cut.c: the cut, derived from the plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <math.h>

#include "reel-animatic.h"
#include "reel-cut.h"
#include "reel-project-cut.h"
#include "reel-segmenter.h"

/* Bump when the animatic renderer draws differently, so cached cards are
 * rendered again. */
#define ANIMATIC_CACHE_VERSION "1"

gboolean
reel_backend_is_generative (const char *backend)
{
  /* Imported footage and Storyreel's own cards are not AI-generated. */
  static const char *const not_generative[] = { "import", "imported", "animatic", "board", NULL };

  if (backend == NULL || *backend == '\0')
    return FALSE;
  return !g_strv_contains (not_generative, backend);
}

/* Free functions */

ReelCutItem *
reel_cut_item_new (void)
{
  ReelCutItem *item = g_new0 (ReelCutItem, 1);

  item->captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  return item;
}

void
reel_cut_item_free (ReelCutItem *item)
{
  if (item == NULL)
    return;
  g_free (item->shot_number);
  g_free (item->scene_heading);
  g_free (item->text);
  g_clear_pointer (&item->captions, g_ptr_array_unref);
  g_free (item->media_path);
  g_free (item->media_sha256);
  g_free (item->backend);
  g_free (item->model);
  g_free (item->prompt);
  g_free (item->board_image_path);
  g_free (item->media_container);
  g_free (item->media_video_codec);
  g_free (item->media_audio_codec);
  g_free (item->media_video_caps);
  g_free (item->media_audio_caps);
  g_free (item);
}

static ReelCutItem *
cut_item_copy (const ReelCutItem *item)
{
  ReelCutItem *copy = g_memdup2 (item, sizeof *item);

  copy->shot_number = g_strdup (item->shot_number);
  copy->scene_heading = g_strdup (item->scene_heading);
  copy->text = g_strdup (item->text);
  copy->captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  for (guint i = 0; item->captions != NULL && i < item->captions->len; i++)
    g_ptr_array_add (copy->captions, reel_caption_copy (g_ptr_array_index (item->captions, i)));
  copy->media_path = g_strdup (item->media_path);
  copy->media_sha256 = g_strdup (item->media_sha256);
  copy->backend = g_strdup (item->backend);
  copy->model = g_strdup (item->model);
  copy->prompt = g_strdup (item->prompt);
  copy->board_image_path = g_strdup (item->board_image_path);
  copy->media_container = g_strdup (item->media_container);
  copy->media_video_codec = g_strdup (item->media_video_codec);
  copy->media_audio_codec = g_strdup (item->media_audio_codec);
  copy->media_video_caps = g_strdup (item->media_video_caps);
  copy->media_audio_caps = g_strdup (item->media_audio_caps);
  return copy;
}

ReelCutCue *
reel_cut_cue_new (void)
{
  return g_new0 (ReelCutCue, 1);
}

void
reel_cut_cue_free (ReelCutCue *cue)
{
  if (cue == NULL)
    return;
  g_free (cue->speaker);
  g_free (cue->text);
  g_free (cue);
}

static ReelCutCue *
cut_cue_copy (const ReelCutCue *cue)
{
  ReelCutCue *copy = g_memdup2 (cue, sizeof *cue);

  copy->speaker = g_strdup (cue->speaker);
  copy->text = g_strdup (cue->text);
  return copy;
}

/* Whether @text is written in Chinese or Japanese; NO when it has letters
 * but none of those, MAYBE without letters at all. */
typedef enum
{
  WRITTEN_NO,
  WRITTEN_MAYBE,
  WRITTEN_YES,
} Written;

static Written
is_written_in_cjk (const char *text)
{
  Written written = WRITTEN_MAYBE;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar       c = g_utf8_get_char (p);
      GUnicodeScript script = g_unichar_get_script (c);

      if (script == G_UNICODE_SCRIPT_HAN || script == G_UNICODE_SCRIPT_HIRAGANA
          || script == G_UNICODE_SCRIPT_KATAKANA)
        return WRITTEN_YES;
      if (g_unichar_isalpha (c))
        written = WRITTEN_NO;
    }
  return written;
}

char *
reel_cut_cue_dup_display_text (const ReelCutCue *cue)
{
  const char *text;
  Written     speech;

  g_return_val_if_fail (cue != NULL, NULL);

  text = cue->text != NULL ? cue->text : "";
  if (cue->speaker == NULL || *cue->speaker == '\0')
    return g_strdup (text);

  /* Chinese and Japanese subtitles name the speaker with a full-width colon
   * and no space: 阿杰：快！ */
  speech = is_written_in_cjk (text);
  if (speech == WRITTEN_YES
      || (speech == WRITTEN_MAYBE && is_written_in_cjk (cue->speaker) == WRITTEN_YES))
    return g_strdup_printf ("%s：%s", cue->speaker, text);
  return g_strdup_printf ("%s: %s", cue->speaker, text);
}

ReelCut *
reel_cut_new (void)
{
  ReelCut *cut = g_new0 (ReelCut, 1);

  cut->width = 1280;
  cut->height = 720;
  cut->fps = 24;
  cut->items = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_cut_item_free);
  cut->cues = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_cut_cue_free);
  cut->music = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_music_track_free);
  cut->markers = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_marker_free);
  return cut;
}

void
reel_cut_free (ReelCut *cut)
{
  if (cut == NULL)
    return;
  g_free (cut->title);
  g_free (cut->language);
  g_clear_pointer (&cut->items, g_ptr_array_unref);
  g_clear_pointer (&cut->cues, g_ptr_array_unref);
  g_clear_pointer (&cut->music, g_ptr_array_unref);
  g_clear_pointer (&cut->markers, g_ptr_array_unref);
  g_free (cut->media_dir);
  reel_logo_free (cut->logo);
  g_free (cut);
}

ReelCut *
reel_cut_copy (const ReelCut *cut)
{
  ReelCut *copy = reel_cut_new ();

  g_return_val_if_fail (cut != NULL, copy);

  copy->title = g_strdup (cut->title);
  copy->width = cut->width;
  copy->height = cut->height;
  copy->fps = cut->fps;
  copy->language = g_strdup (cut->language);
  copy->duration = cut->duration;
  copy->media_dir = g_strdup (cut->media_dir);
  copy->cards_show_dialogue = cut->cards_show_dialogue;
  copy->logo = cut->logo != NULL ? reel_logo_copy (cut->logo) : NULL;
  for (guint i = 0; i < cut->items->len; i++)
    g_ptr_array_add (copy->items, cut_item_copy (g_ptr_array_index (cut->items, i)));
  for (guint i = 0; i < cut->cues->len; i++)
    g_ptr_array_add (copy->cues, cut_cue_copy (g_ptr_array_index (cut->cues, i)));
  for (guint i = 0; i < cut->music->len; i++)
    g_ptr_array_add (copy->music, reel_music_track_copy (g_ptr_array_index (cut->music, i)));
  for (guint i = 0; i < cut->markers->len; i++)
    g_ptr_array_add (copy->markers, reel_marker_copy (g_ptr_array_index (cut->markers, i)));
  return copy;
}

gboolean
reel_cut_has_ai_generated (const ReelCut *cut)
{
  g_return_val_if_fail (cut != NULL, FALSE);

  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);

      if (item->ai_generated && !item->animatic_fallback)
        return TRUE;
    }
  return FALSE;
}

/* Layout */

static gint64
seconds_to_frames (double seconds, guint fps)
{
  if (!(seconds > 0))
    return 0;
  return (gint64) llround (seconds * fps);
}

static int
compare_cues_by_start (gconstpointer a, gconstpointer b)
{
  const ReelCutCue *cue_a = *(ReelCutCue **) a;
  const ReelCutCue *cue_b = *(ReelCutCue **) b;

  if (cue_a->start < cue_b->start)
    return -1;
  if (cue_a->start > cue_b->start)
    return 1;
  return 0;
}

static int
compare_markers_by_time (gconstpointer a, gconstpointer b)
{
  const ReelMarker *marker_a = *(ReelMarker **) a;
  const ReelMarker *marker_b = *(ReelMarker **) b;

  return (marker_a->time > marker_b->time) - (marker_a->time < marker_b->time);
}

/* Times the cues of one item: hand-set ones where they were put, the others
 * one after another from the start of the shot at reading speed, squeezed
 * when the shot is too short for all of them. */
static void
layout_item_cues (ReelCut *cut, const ReelCutItem *item)
{
  double item_end = item->start + item->duration;
  double reading_total = 0;
  double scale = 1.0;
  double next_start = item->start;

  for (guint i = 0; i < cut->cues->len; i++)
    {
      ReelCutCue *cue = g_ptr_array_index (cut->cues, i);

      if (cue->shot_id == item->shot_id && !cue->timing_set)
        reading_total += reel_segmenter_reading_seconds (cue->text != NULL ? cue->text : "");
    }
  if (reading_total > item->duration && reading_total > 0)
    scale = item->duration / reading_total;

  for (guint i = 0; i < cut->cues->len; i++)
    {
      ReelCutCue *cue = g_ptr_array_index (cut->cues, i);
      double      start, end;

      if (cue->shot_id != item->shot_id)
        continue;

      if (cue->timing_set)
        {
          start = item->start + cue->set_start;
          end = start + cue->set_duration;
        }
      else
        {
          start = next_start;
          end = start + reel_segmenter_reading_seconds (cue->text != NULL ? cue->text : "") * scale;
        }

      start = CLAMP (start, item->start, item_end);
      end = CLAMP (end, start, item_end);
      cue->start = start;
      cue->duration = end - start;
      next_start = MAX (next_start, end);
    }
}

void
reel_cut_layout (ReelCut *cut)
{
  double position = 0;
  double previous_duration = 0;
  double previous_transition = 0;
  guint  fps;

  g_return_if_fail (cut != NULL);

  fps = MAX (cut->fps, 1);

  /* Whole frames throughout, so the film, the preview and every interchange
   * format agree on each cut point. */
  for (guint i = 0; i < cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (cut->items, i);
      double       duration
          = item->out_point > item->in_point ? item->out_point - item->in_point : item->duration;
      gint64 frames = MAX (seconds_to_frames (duration, fps), 1);
      double transition = 0;

      item->duration = (double) frames / fps;
      if (item->out_point <= item->in_point)
        item->out_point = item->in_point + item->duration;

      if (i > 0 && item->transition == REEL_TRANSITION_CROSSFADE)
        {
          /* A crossfade is never longer than either side of it, nor reaches
           * back into the crossfade that brought the previous item in:
           * three pictures never overlap. */
          gint64 transition_frames = seconds_to_frames (item->transition_duration, fps);

          transition_frames = MIN (
              transition_frames, seconds_to_frames (previous_duration - previous_transition, fps));
          transition_frames = MIN (transition_frames, frames);
          transition = (double) MAX (transition_frames, 0) / fps;
        }

      item->start = MAX (0.0, position - transition);
      if (item->transition == REEL_TRANSITION_CROSSFADE && i > 0)
        item->transition_duration = transition;
      position = item->start + item->duration;
      previous_duration = item->duration;
      previous_transition = transition;
    }
  cut->duration = position;

  for (guint i = 0; i < cut->items->len; i++)
    layout_item_cues (cut, g_ptr_array_index (cut->items, i));

  /* One cue at a time: a cue ends where the next one starts (the next shot's
   * cues start during a crossfade into it). */
  g_ptr_array_sort (cut->cues, compare_cues_by_start);
  for (guint i = 0; i + 1 < cut->cues->len; i++)
    {
      ReelCutCue *cue = g_ptr_array_index (cut->cues, i);
      ReelCutCue *next = g_ptr_array_index (cut->cues, i + 1);

      if (cue->start + cue->duration > next->start)
        cue->duration = MAX (0.0, next->start - cue->start);
    }
  for (guint i = cut->cues->len; i > 0; i--)
    {
      ReelCutCue *cue = g_ptr_array_index (cut->cues, i - 1);

      if (cue->duration <= 0)
        g_ptr_array_remove_index (cut->cues, i - 1);
    }

  g_ptr_array_sort (cut->markers, compare_markers_by_time);
}

/* From the project */

static gboolean
media_file_is_present (const char *path)
{
  GStatBuf st;

  return path != NULL && g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0;
}

static void
fill_from_take (ReelCutItem *item, ReelProject *project, const ReelTake *take)
{
  g_autofree char *path = reel_project_get_media_path (project, take->media);

  if (!media_file_is_present (path))
    {
      g_debug ("Shot %s: the media of take %" G_GINT64_FORMAT " is missing; showing its animatic",
               item->shot_number, take->id);
      return;
    }

  item->media_path = g_steal_pointer (&path);
  item->media_sha256 = g_strdup (take->media_sha256);
  item->media_is_image = g_strcmp0 (take->kind, "image") == 0;
  item->media_duration = item->media_is_image ? 0 : take->duration;
  item->media_width = take->width;
  item->media_height = take->height;
  item->media_fps = take->fps;
  item->take_id = take->id;
  item->backend = g_strdup (take->backend);
  item->model = g_strdup (take->model);
  item->prompt = g_strdup (take->prompt);
  item->seed = take->seed;
  item->ai_generated = reel_backend_is_generative (take->backend);
  item->animatic_fallback = FALSE;
}

/* In and out points: a card or a still lasts as long as the plan says the
 * shot does; a take keeps its trims while they fit in it. */
static void
set_item_trims (ReelCutItem *item, ReelShot *shot, const ReelCutSettings *settings)
{
  if (item->animatic_fallback || item->media_is_image || item->media_duration <= 0)
    {
      item->in_point = 0;
      item->out_point = reel_shot_get_duration (shot);
    }
  else
    {
      double media_end = item->media_duration;

      item->in_point = MIN (settings->trim_in, media_end);
      item->out_point = settings->trim_out > 0 ? MIN (settings->trim_out, media_end) : media_end;
      if (item->out_point <= item->in_point)
        {
          /* Trims from another take of the shot that no longer fit. */
          item->in_point = 0;
          item->out_point = media_end;
        }
    }
  item->duration = item->out_point - item->in_point;
}

static ReelCutItem *
item_from_shot (ReelProject *project, ReelShot *shot)
{
  g_autoptr (ReelTake) take = NULL;
  ReelCutItem    *item = reel_cut_item_new ();
  ReelCutSettings settings;
  GPtrArray      *captions = reel_shot_get_captions (shot);
  gint64          chosen = reel_shot_get_chosen_take_id (shot);
  const char     *board = reel_shot_get_board_image (shot);

  item->shot_id = reel_shot_get_id (shot);
  item->shot_number = g_strdup (reel_shot_get_number (shot));
  item->scene_heading = g_strdup (reel_shot_get_scene_heading (shot));
  item->text = g_strdup (reel_shot_get_text (shot));
  item->camera = reel_shot_get_camera (shot);
  item->animatic_fallback = TRUE;
  if (board != NULL)
    item->board_image_path = reel_project_get_media_path (project, board);
  for (guint c = 0; captions != NULL && c < captions->len; c++)
    g_ptr_array_add (item->captions, reel_caption_copy (g_ptr_array_index (captions, c)));

  if (chosen != 0 && (take = reel_project_get_take (project, chosen)) != NULL
      && take->media != NULL)
    fill_from_take (item, project, take);

  reel_project_get_cut_settings (project, item->shot_id, &settings);
  item->transition = settings.transition;
  item->transition_duration = settings.transition_duration;
  set_item_trims (item, shot, &settings);
  return item;
}

static void
add_caption_cues (ReelCut *cut, ReelProject *project, gint64 shot_id, GPtrArray *captions)
{
  for (guint c = 0; captions != NULL && c < captions->len; c++)
    {
      const ReelCaption *caption = g_ptr_array_index (captions, c);
      ReelCutCue        *cue;

      /* A parenthetical tells the actor how to speak; it is not subtitled. */
      if (caption->parenthetical || caption->text == NULL || *caption->text == '\0')
        continue;

      cue = reel_cut_cue_new ();
      cue->shot_id = shot_id;
      cue->speaker = g_strdup (caption->speaker);
      cue->text = g_strdup (caption->text);
      cue->caption_index = c;
      cue->timing_set
          = reel_project_get_cue_timing (project, shot_id, c, &cue->set_start, &cue->set_duration);
      g_ptr_array_add (cut->cues, cue);
    }
}

ReelCut *
reel_cut_new_from_project (ReelProject *project, GError **error)
{
  g_autoptr (ReelCut) cut = reel_cut_new ();
  GFile      *media_dir;
  GListModel *shots;
  guint       width = 0, height = 0;

  g_return_val_if_fail (REEL_IS_PROJECT (project), NULL);

  reel_project_get_resolution (project, &width, &height);
  cut->title = g_strdup (reel_project_get_title (project));
  cut->width = width;
  cut->height = height;
  cut->fps = MAX (reel_project_get_fps (project), 1);
  cut->language = g_strdup (reel_project_get_language (project));
  media_dir = reel_project_get_media_dir (project);
  cut->media_dir = g_file_get_path (media_dir);

  shots = reel_project_get_shots (project);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      ReelCutItem *item = item_from_shot (project, shot);

      g_ptr_array_add (cut->items, item);
      add_caption_cues (cut, project, item->shot_id, reel_shot_get_captions (shot));
    }

  g_clear_pointer (&cut->music, g_ptr_array_unref);
  cut->music = reel_project_list_music (project);
  g_clear_pointer (&cut->markers, g_ptr_array_unref);
  cut->markers = reel_project_list_markers (project);
  cut->logo = reel_project_dup_logo (project);
  if (cut->logo->path == NULL)
    g_clear_pointer (&cut->logo, reel_logo_free);

  reel_cut_layout (cut);
  return g_steal_pointer (&cut);
}

/* Animatic fallbacks */

static char *
animatic_cache_dir (const ReelCut *cut)
{
  if (cut->media_dir != NULL)
    return g_build_filename (cut->media_dir, ".cache", NULL);
  return g_build_filename (g_get_user_cache_dir (), "storyreel", "animatics", NULL);
}

/* Everything that changes the card's pixels, so the cache key changes with it. */
static char *
animatic_cache_key (const ReelAnimaticSpec *spec, gint64 n_frames)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *header
      = g_strdup_printf ("v%s %ux%u %u %" G_GINT64_FORMAT " %d", ANIMATIC_CACHE_VERSION,
                         spec->width, spec->height, spec->fps, n_frames, spec->camera);
  const char *fields[] = { spec->scene_heading, spec->shot_number, spec->text,
                           spec->board_image_path, spec->language };

  g_checksum_update (checksum, (const guchar *) header, -1);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      /* A separator no field contains, so ("ab", "c") differs from ("a", "bc"). */
      g_checksum_update (checksum, (const guchar *) "\x1f", 1);
      if (fields[i] != NULL)
        g_checksum_update (checksum, (const guchar *) fields[i], -1);
    }
  for (guint i = 0; spec->captions != NULL && i < spec->captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (spec->captions, i);

      g_checksum_update (checksum, (const guchar *) (caption->parenthetical ? "\x1e(" : "\x1e"),
                         -1);
      if (caption->speaker != NULL)
        g_checksum_update (checksum, (const guchar *) caption->speaker, -1);
      g_checksum_update (checksum, (const guchar *) "\x1f", 1);
      if (caption->text != NULL)
        g_checksum_update (checksum, (const guchar *) caption->text, -1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

typedef struct
{
  ReelCutProgressFunc progress;
  gpointer            user_data;
  guint               index;
  guint               count;
} RenderProgress;

static void
render_progress_cb (double fraction, gpointer user_data)
{
  RenderProgress *state = user_data;

  if (state->progress != NULL)
    state->progress ((state->index + fraction) / MAX (state->count, 1), state->user_data);
}

static guint
count_missing_media (const ReelCut *cut)
{
  guint count = 0;

  for (guint i = 0; i < cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (cut->items, i);
      if (item->media_path == NULL)
        count++;
    }
  return count;
}

gboolean
reel_cut_item_text_is_dialogue (const ReelCutItem *item)
{
  g_autofree char *text = reel_segmenter_normalize_space (item->text);

  for (guint i = 0; item->captions != NULL && i < item->captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (item->captions, i);
      g_autofree char   *said = NULL;

      if (caption->parenthetical || caption->text == NULL)
        continue;
      said = reel_segmenter_normalize_space (caption->text);
      if (g_strcmp0 (said, text) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Who speaks in the shot, "小男孩、妈妈" or "MAYA, TOM": what a card whose
 * shot is nothing but dialogue shows while the captions show the words. */
static char *
dup_speakers (const ReelCutItem *item)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *separator = ", ";

  for (guint i = 0; item->captions != NULL && i < item->captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (item->captions, i);
      gboolean           seen = FALSE;

      if (caption->speaker == NULL || *caption->speaker == '\0')
        continue;
      for (guint n = 0; n < names->len && !seen; n++)
        seen = g_strcmp0 (g_ptr_array_index (names, n), caption->speaker) == 0;
      if (!seen)
        g_ptr_array_add (names, caption->speaker);
    }
  if (names->len == 0)
    return NULL;
  if (is_written_in_cjk (g_ptr_array_index (names, 0)) == WRITTEN_YES)
    separator = "、";
  g_ptr_array_add (names, NULL);
  return g_strjoinv (separator, (char **) names->pdata);
}

ReelAnimaticSpec *
reel_cut_dup_animatic_spec (const ReelCut *cut, const ReelCutItem *item)
{
  ReelAnimaticSpec *spec = reel_animatic_spec_new ();

  g_return_val_if_fail (cut != NULL && item != NULL, spec);

  spec->width = cut->width & ~1u;
  spec->height = cut->height & ~1u;
  spec->fps = MAX (cut->fps, 1);
  spec->duration = item->duration;
  spec->camera = item->camera;
  spec->scene_heading = g_strdup (item->scene_heading);
  spec->shot_number = g_strdup (item->shot_number);
  spec->board_image_path = g_strdup (item->board_image_path);
  spec->language = g_strdup (cut->language);

  /* The card shows the dialogue only in a film without captions, which
   * would otherwise show it twice; and never its words twice itself. */
  if (cut->cards_show_dialogue)
    {
      for (guint i = 0; item->captions != NULL && i < item->captions->len; i++)
        reel_animatic_spec_add_caption (spec, g_ptr_array_index (item->captions, i));
      if (!reel_cut_item_text_is_dialogue (item))
        spec->text = g_strdup (item->text);
    }
  else
    spec->text
        = reel_cut_item_text_is_dialogue (item) ? dup_speakers (item) : g_strdup (item->text);
  return spec;
}

/* The item shows the card at @path instead of a take; what was probed of
 * other media no longer applies. */
static void
use_animatic (ReelCutItem *item, char *path, const ReelAnimaticSpec *spec, guint n_frames)
{
  item->media_path = path;
  item->animatic_fallback = TRUE;
  item->media_is_image = FALSE;
  item->media_duration = (double) n_frames / spec->fps;
  item->media_width = spec->width;
  item->media_height = spec->height;
  item->media_fps = spec->fps;
  item->in_point = 0;
  item->out_point = MIN (item->duration, item->media_duration);
  item->ai_generated = FALSE;
  g_clear_pointer (&item->media_container, g_free);
  g_clear_pointer (&item->media_video_codec, g_free);
  g_clear_pointer (&item->media_audio_codec, g_free);
  g_clear_pointer (&item->media_video_caps, g_free);
  g_clear_pointer (&item->media_audio_caps, g_free);
}

gboolean
reel_cut_render_missing (ReelCut            *cut,
                         GCancellable       *cancellable,
                         ReelCutProgressFunc progress,
                         gpointer            user_data,
                         GError            **error)
{
  g_autofree char *cache_dir = NULL;
  RenderProgress   state = { progress, user_data, 0, 0 };

  g_return_val_if_fail (cut != NULL, FALSE);

  state.count = count_missing_media (cut);
  if (state.count == 0)
    return TRUE;

  cache_dir = animatic_cache_dir (cut);
  if (g_mkdir_with_parents (cache_dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Cannot store the animatic cards in “%s”: %s."), cache_dir,
                   g_strerror (saved_errno));
      return FALSE;
    }

  for (guint i = 0; i < cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (cut->items, i);
      g_autoptr (ReelAnimaticSpec) spec = NULL;
      g_autofree char *key = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      guint            n_frames;

      if (item->media_path != NULL)
        continue;

      spec = reel_cut_dup_animatic_spec (cut, item);
      n_frames = reel_animatic_spec_get_n_frames (spec);
      key = animatic_cache_key (spec, n_frames);
      name = g_strdup_printf ("animatic-%s.mp4", key);
      path = g_build_filename (cache_dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_debug ("Rendering the animatic of shot %s to %s", item->shot_number, path);
          if (!reel_animatic_render (spec, path, cancellable, render_progress_cb, &state, error))
            return FALSE;
        }

      use_animatic (item, g_steal_pointer (&path), spec, n_frames);
      state.index++;
      render_progress_cb (0, &state);
    }

  return TRUE;
}

static char *
dup_caps_name (GstCaps *caps)
{
  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return NULL;
  return g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
}

/* The container, codecs and picture format of @item's media, as probed. */
static void
fill_from_discoverer_info (ReelCutItem *item, GstDiscovererInfo *info)
{
  g_autoptr (GstDiscovererStreamInfo) top = NULL;
  GList *streams;

  top = gst_discoverer_info_get_stream_info (info);
  if (top != NULL && GST_IS_DISCOVERER_CONTAINER_INFO (top))
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (top);
      item->media_container = dup_caps_name (caps);
    }
  if (item->media_container == NULL)
    item->media_container = g_strdup ("");

  streams = gst_discoverer_info_get_video_streams (info);
  if (streams != NULL)
    {
      GstDiscovererVideoInfo *video = streams->data;
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);
      guint fps_n = gst_discoverer_video_info_get_framerate_num (video);
      guint fps_d = gst_discoverer_video_info_get_framerate_denom (video);

      item->media_video_codec = dup_caps_name (caps);
      item->media_video_caps = caps != NULL ? gst_caps_to_string (caps) : NULL;
      item->media_width = gst_discoverer_video_info_get_width (video);
      item->media_height = gst_discoverer_video_info_get_height (video);
      if (fps_n > 0 && fps_d > 0)
        item->media_fps = (double) fps_n / fps_d;
    }
  gst_discoverer_stream_info_list_free (streams);

  streams = gst_discoverer_info_get_audio_streams (info);
  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);
      item->media_audio_codec = dup_caps_name (caps);
      item->media_audio_caps = caps != NULL ? gst_caps_to_string (caps) : NULL;
    }
  gst_discoverer_stream_info_list_free (streams);
}

gboolean
reel_cut_probe_media (ReelCut *cut, GCancellable *cancellable, GError **error)
{
  g_autoptr (GstDiscoverer) discoverer = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (cut != NULL, FALSE);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  discoverer = gst_discoverer_new (10 * GST_SECOND, &local_error);
  if (discoverer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _ ("Media cannot be inspected because GStreamer is incomplete: %s. Install "
                      "gstreamer1.0-plugins-base."),
                   local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < cut->items->len; i++)
    {
      ReelCutItem *item = g_ptr_array_index (cut->items, i);
      g_autoptr (GstDiscovererInfo) info = NULL;
      g_autofree char *uri = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (item->media_path == NULL || item->media_container != NULL)
        continue;

      uri = gst_filename_to_uri (item->media_path, NULL);
      info = uri != NULL ? gst_discoverer_discover_uri (discoverer, uri, NULL) : NULL;
      if (info == NULL || gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK)
        {
          g_debug ("Cannot probe %s", item->media_path);
          continue;
        }

      fill_from_discoverer_info (item, info);
    }

  return TRUE;
}
