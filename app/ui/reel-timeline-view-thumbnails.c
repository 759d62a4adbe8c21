/* reel-timeline-view-thumbnails.c
 *
 * The frames of the clip strips. They are decoded in a worker thread and
 * kept by file and time ("path\x1fmilliseconds") in a ReelImageCache bounded
 * in bytes, so nothing is decoded on the main thread, zooming reuses what
 * was decoded, and a feature's thousands of clips do not all stay decoded;
 * a frame that cannot be decoded is remembered and not asked for again.
 * Only the frames of the clips in sight are asked for (scrolling asks for
 * more), and no more of them than half the cache holds, nearest the middle
 * first: zoomed out on a wide screen a feature's clips would want more, and
 * each frame decoded would push out another that the same screen wants.
 *
 * The lengths of the music files, too: the project keeps none, and a music
 * row is drawn as long as its file plays, so each file is probed once in a
 * worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <math.h>

#include "reel-media-store.h"
#include "reel-timeline-view-private.h"

typedef struct
{
  char       *key;
  char       *path;
  double      seconds;
  GdkTexture *texture;
} ThumbnailRequest;

/* Decoded frames kept: a few screens of clips at three frames each. */
#define THUMBNAIL_CACHE_BYTES (32 * 1024 * 1024)
/* A clip narrower than this shows no frame: under it, a clip is the
 * rounded ends of its own outline. */
#define THUMBNAIL_MIN_CLIP_WIDTH (2 * CLIP_RADIUS)
/* Frames are decoded this many pixels on either side of what is in sight,
 * so a short scroll finds them ready. */
#define THUMBNAIL_MARGIN 600.0

static int
thumbnail_height (void)
{
  /* Twice the track height: sharp on HiDPI screens. */
  return (int) THUMB_H * 2;
}

static void
thumbnail_request_free (gpointer data)
{
  ThumbnailRequest *request = data;

  g_free (request->key);
  g_free (request->path);
  g_clear_object (&request->texture);
  g_free (request);
}

static GdkTexture *
scaled_texture (cairo_surface_t *frame, int height)
{
  int              src_w = cairo_image_surface_get_width (frame);
  int              src_h = cairo_image_surface_get_height (frame);
  int              width = MAX (1, (int) lround ((double) src_w * height / MAX (src_h, 1)));
  cairo_surface_t *scaled = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t         *cr = cairo_create (scaled);
  g_autoptr (GBytes) bytes = NULL;
  GdkTexture *texture;

  cairo_scale (cr, (double) width / src_w, (double) height / src_h);
  cairo_set_source_surface (cr, frame, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (scaled);

  bytes = g_bytes_new (cairo_image_surface_get_data (scaled),
                       (gsize) cairo_image_surface_get_stride (scaled) * height);
  /* Cairo's ARGB32 is GDK's default memory format. */
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (scaled));
  cairo_surface_destroy (scaled);
  return texture;
}

static void
decode_thumbnails_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GPtrArray *requests = task_data;
  int        height = thumbnail_height ();

  for (guint i = 0; i < requests->len; i++)
    {
      ThumbnailRequest *request = g_ptr_array_index (requests, i);
      g_autoptr (GError) error = NULL;
      cairo_surface_t *frame;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      frame = reel_media_load_frame (request->path, request->seconds, cancellable, &error);
      if (frame == NULL)
        {
          g_debug ("No thumbnail of %s at %.2f s: %s", request->path, request->seconds,
                   error->message);
          continue;
        }
      request->texture = scaled_texture (frame, height);
      cairo_surface_destroy (frame);
    }
  g_task_return_boolean (task, TRUE);
}

static void
thumbnails_decoded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelTimelineView *self = REEL_TIMELINE_VIEW (source);
  GPtrArray        *requests = g_task_get_task_data (G_TASK (result));

  if (g_task_had_error (G_TASK (result))
      || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  self->decoding = FALSE;
  for (guint i = 0; i < requests->len; i++)
    {
      ThumbnailRequest *request = g_ptr_array_index (requests, i);

      g_hash_table_remove (self->thumbnails_wanted, request->key);
      if (request->texture != NULL)
        {
          reel_image_cache_insert (self->thumbnails, request->key, thumbnail_height (),
                                   request->texture);
          self->n_thumbnails++;
          /* Wider frames (a scope film) leave room for fewer per screen. */
          self->thumbnail_bytes
              = MAX (self->thumbnail_bytes, (gsize) gdk_texture_get_width (request->texture)
                                                * gdk_texture_get_height (request->texture) * 4);
        }
      else
        g_hash_table_add (self->thumbnails_failed, g_strdup (request->key));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* More may have been asked for meanwhile. */
  _reel_timeline_view_request_thumbnails (self);
}

typedef struct
{
  guint  index;
  double distance;
} ClipDistance;

static int
compare_distance (gconstpointer a, gconstpointer b)
{
  double da = ((const ClipDistance *) a)->distance;
  double db = ((const ClipDistance *) b)->distance;

  return da < db ? -1 : da > db;
}

static char *
thumbnail_key (const char *path, double seconds)
{
  return g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, path, (gint64) llround (seconds * 1000));
}

/* How many frames one screen may show: half the cache, so that what it
 * shows and a worker's batch decoded for the screen before (at most as
 * many) fit in together, and no frame shown is evicted by another. */
static guint
frames_per_screen (ReelTimelineView *self)
{
  return MAX (self->thumbnails_budget / 2 / MAX (self->thumbnail_bytes, 1), 1);
}

void
_reel_timeline_view_request_thumbnails (ReelTimelineView *self)
{
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GPtrArray) shown_order = NULL;
  g_autoptr (GArray) clips = NULL;
  g_autoptr (GTask) task = NULL;
  GHashTable *shown;
  double      from_x, to_x, centre;
  guint       first, end, budget;

  /* Out of sight, nothing is decoded; mapping the view asks again. */
  if (self->cut == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  /* The adjustment's value, as the snapshot reads it: on a scroll, the
   * view's allocation within the viewport is not moved yet. */
  _reel_timeline_view_visible_x (self, &from_x, &to_x);
  /* Not laid out yet: its allocation asks again. */
  if (to_x <= from_x)
    return;
  centre = (from_x + to_x) / 2;
  from_x -= THUMBNAIL_MARGIN;
  to_x += THUMBNAIL_MARGIN;
  _reel_timeline_view_clips_between (self, from_x, to_x, &first, &end);

  /* Zoomed out on a wide window, the clips in reach may want more frames
   * than the cache holds: each decoded frame would evict one wanted for
   * the same screen, and the worker would go round forever. So the frames
   * shown are those of the clips nearest the middle of the view, as many
   * as fit in the cache; the clips further out show their colour. */
  clips = g_array_sized_new (FALSE, FALSE, sizeof (ClipDistance), end - first);
  for (guint i = first; i < end; i++)
    {
      graphene_rect_t rect = clip_rect (self, i);
      ClipDistance    clip = { i, fabs (rect.origin.x + rect.size.width / 2 - centre) };

      if (item_at (self, i)->media_path != NULL && rect.origin.x + rect.size.width >= from_x
          && rect.origin.x <= to_x)
        g_array_append_val (clips, clip);
    }
  g_array_sort (clips, compare_distance);

  shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  shown_order = g_ptr_array_new ();
  requests = g_ptr_array_new_with_free_func (thumbnail_request_free);
  budget = frames_per_screen (self);
  for (guint c = 0; c < clips->len && g_hash_table_size (shown) < budget; c++)
    {
      ReelCutItem *item = item_at (self, g_array_index (clips, ClipDistance, c).index);
      double       times[3];
      guint        n = _reel_timeline_view_clip_frame_times (self, item, times, 3);

      for (guint k = 0; k < n && g_hash_table_size (shown) < budget; k++)
        {
          g_autofree char  *key = thumbnail_key (item->media_path, times[k]);
          ThumbnailRequest *request;

          if (g_hash_table_contains (self->thumbnails_failed, key)
              || g_hash_table_contains (shown, key))
            continue;
          g_hash_table_add (shown, g_strdup (key));
          g_ptr_array_add (shown_order, g_hash_table_lookup (shown, key));
          /* While a batch decodes, the next waits for its end. */
          if (self->decoding
              || reel_image_cache_lookup (self->thumbnails, key, thumbnail_height ()) != NULL
              || g_hash_table_contains (self->thumbnails_wanted, key))
            continue;
          request = g_new0 (ThumbnailRequest, 1);
          request->key = g_strdup (key);
          request->path = g_strdup (item->media_path);
          request->seconds = times[k];
          g_hash_table_add (self->thumbnails_wanted, g_steal_pointer (&key));
          g_ptr_array_add (requests, request);
        }
    }

  /* The frames nearest the middle become the most recently used, so the
   * cache forgets the others first. */
  for (guint i = shown_order->len; i > 0; i--)
    reel_image_cache_lookup (self->thumbnails, shown_order->pdata[i - 1], thumbnail_height ());

  g_clear_pointer (&self->thumbnails_shown, g_hash_table_unref);
  self->thumbnails_shown = shown;

  if (requests->len == 0)
    return;

  self->decoding = TRUE;
  task = g_task_new (self, self->cancellable, thumbnails_decoded_cb, NULL);
  g_task_set_source_tag (task, _reel_timeline_view_request_thumbnails);
  g_task_set_task_data (task, g_steal_pointer (&requests), (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, decode_thumbnails_thread);
}

GdkTexture *
_reel_timeline_view_lookup_thumbnail (ReelTimelineView *self, ReelCutItem *item, double seconds)
{
  g_autofree char *key = NULL;

  if (item->media_path == NULL)
    return NULL;
  key = thumbnail_key (item->media_path, seconds);
  /* Only the frames chosen for the screen, which the cache keeps: another
   * one looked up would become recent and push one of them out. */
  if (self->thumbnails_shown == NULL || !g_hash_table_contains (self->thumbnails_shown, key))
    return NULL;
  return reel_image_cache_lookup (self->thumbnails, key, thumbnail_height ());
}

/* The times whose frames a clip's strip shows. */
guint
_reel_timeline_view_clip_frame_times (ReelTimelineView *self,
                                      ReelCutItem      *item,
                                      double           *times,
                                      guint             max)
{
  double width = item->duration * self->zoom;
  guint  n = width > 3 * THUMB_H * 16.0 / 9 ? MIN (max, 3u) : 1;

  /* A sliver of a frame shows nothing of the shot, and a feature zoomed out
   * has thousands of such slivers: the clip's colour says as much. */
  if (width < THUMBNAIL_MIN_CLIP_WIDTH)
    return 0;

  for (guint k = 0; k < n; k++)
    {
      /* Whole tenths of a second, so zooming reuses decoded frames. */
      double t = item->in_point + item->duration * (k + 0.5) / n;
      times[k] = round (t * 10) / 10;
    }
  return n;
}

/* Music lengths */

static void
probe_music_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = reel_media_probe (task_data, cancellable, &error);
  double *length = g_new0 (double, 1);

  if (info == NULL)
    g_debug ("The length of the music %s is not known: %s", (char *) task_data, error->message);
  else
    *length = info->duration;
  g_task_return_pointer (task, length, g_free);
}

static void
music_probed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree double *length = g_task_propagate_pointer (G_TASK (result), NULL);
  ReelTimelineView  *self;

  if (length == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  self = REEL_TIMELINE_VIEW (source);
  g_hash_table_replace (self->music_lengths, g_strdup (g_task_get_task_data (G_TASK (result))),
                        g_steal_pointer (&length));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_reel_timeline_view_request_music_lengths (ReelTimelineView *self)
{
  for (guint i = 0; i < n_music (self); i++)
    {
      ReelMusicTrack *music = g_ptr_array_index (self->cut->music, i);
      g_autoptr (GTask) task = NULL;

      if (music->path == NULL || g_hash_table_contains (self->music_lengths, music->path))
        continue;
      /* Asked for once: 0 until the answer comes. */
      g_hash_table_insert (self->music_lengths, g_strdup (music->path), g_new0 (double, 1));
      task = g_task_new (self, self->cancellable, music_probed_cb, NULL);
      g_task_set_source_tag (task, _reel_timeline_view_request_music_lengths);
      g_task_set_task_data (task, g_strdup (music->path), g_free);
      g_task_run_in_thread (task, probe_music_thread);
    }
}

double
_reel_timeline_view_music_length (ReelTimelineView *self, const char *path)
{
  double *length = path != NULL ? g_hash_table_lookup (self->music_lengths, path) : NULL;

  return length != NULL ? *length : 0;
}

void
_reel_timeline_view_set_thumbnail_budget (ReelTimelineView *self, gsize max_bytes)
{
  double height = thumbnail_height ();

  g_clear_object (&self->thumbnails);
  g_clear_pointer (&self->thumbnails_shown, g_hash_table_unref);
  self->thumbnails = reel_image_cache_new (max_bytes);
  self->thumbnails_budget = max_bytes;
  /* Until a frame is decoded, frames are taken to be 16:9. */
  self->thumbnail_bytes = (gsize) ceil (height * 16 / 9) * (gsize) height * 4;
  _reel_timeline_view_request_thumbnails (self);
}

void
_reel_timeline_view_init_thumbnails (ReelTimelineView *self)
{
  self->thumbnails_failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->thumbnails_wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->music_lengths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  _reel_timeline_view_set_thumbnail_budget (self, THUMBNAIL_CACHE_BYTES);
}
