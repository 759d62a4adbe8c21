/* reel-timeline-view-thumbnails.c
 *
 * The frames of the clip strips. They are decoded in a worker thread and
 * kept by file and time ("path\x1fmilliseconds") in a ReelImageCache bounded
 * in bytes, so nothing is decoded on the main thread, zooming reuses what
 * was decoded, and a feature's thousands of clips do not all stay decoded;
 * a frame that cannot be decoded is remembered and not asked for again.
 * Only the frames of the clips in sight are asked for (scrolling asks for
 * more), so the cache never has to hold more than a screenful.
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
        }
      else
        g_hash_table_add (self->thumbnails_failed, g_strdup (request->key));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* More may have been asked for meanwhile. */
  _reel_timeline_view_request_thumbnails (self);
}

static void
hadjustment_changed_cb (ReelTimelineView *self)
{
  _reel_timeline_view_request_thumbnails (self);
}

/* What of the view is in sight, in its own coordinates: the part its
 * scrolled window shows, or all of it. */
static void
visible_range (ReelTimelineView *self, double *from_x, double *to_x)
{
  GtkWidget       *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  graphene_point_t left, right;

  *from_x = 0;
  *to_x = gtk_widget_get_width (GTK_WIDGET (self));
  if (scrolled == NULL)
    return;

  /* Scrolling brings other clips into sight: ask for their frames then. */
  if (self->thumbnails_hadjustment == NULL)
    {
      self->thumbnails_hadjustment
          = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));
      g_object_add_weak_pointer (G_OBJECT (self->thumbnails_hadjustment),
                                 (gpointer *) &self->thumbnails_hadjustment);
      g_signal_connect_object (self->thumbnails_hadjustment, "value-changed",
                               G_CALLBACK (hadjustment_changed_cb), self, G_CONNECT_SWAPPED);
    }

  if (gtk_widget_compute_point (scrolled, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (0, 0), &left)
      && gtk_widget_compute_point (scrolled, GTK_WIDGET (self),
                                   &GRAPHENE_POINT_INIT (gtk_widget_get_width (scrolled), 0),
                                   &right))
    {
      *from_x = left.x;
      *to_x = right.x;
    }
}

void
_reel_timeline_view_request_thumbnails (ReelTimelineView *self)
{
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GTask) task = NULL;
  double from_x, to_x;
  guint  first, end;

  /* Out of sight, nothing is decoded; mapping the view asks again. */
  if (self->cut == NULL || self->decoding || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  visible_range (self, &from_x, &to_x);
  from_x -= THUMBNAIL_MARGIN;
  to_x += THUMBNAIL_MARGIN;
  _reel_timeline_view_clips_between (self, from_x, to_x, &first, &end);

  requests = g_ptr_array_new_with_free_func (thumbnail_request_free);
  for (guint i = first; i < end; i++)
    {
      ReelCutItem    *item = item_at (self, i);
      graphene_rect_t rect = clip_rect (self, i);
      double          times[3];
      guint           n;

      if (item->media_path == NULL || rect.origin.x + rect.size.width < from_x
          || rect.origin.x > to_x)
        continue;
      n = _reel_timeline_view_clip_frame_times (self, item, times, 3);
      for (guint k = 0; k < n; k++)
        {
          g_autofree char  *key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, item->media_path,
                                                   (gint64) llround (times[k] * 1000));
          ThumbnailRequest *request;

          if (reel_image_cache_lookup (self->thumbnails, key, thumbnail_height ()) != NULL
              || g_hash_table_contains (self->thumbnails_failed, key)
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
  key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, item->media_path,
                         (gint64) llround (seconds * 1000));
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
_reel_timeline_view_init_thumbnails (ReelTimelineView *self)
{
  self->thumbnails = reel_image_cache_new (THUMBNAIL_CACHE_BYTES);
  self->thumbnails_failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->thumbnails_wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->music_lengths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
