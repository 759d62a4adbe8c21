/* reel-cut-logo.c: the brand logo drawn on the film's frames
 *
 * Like the caption burner, a probe on the timeline's video pad, after NLE,
 * so preview and export draw the same logo and no clip or effect takes part
 * in the edit. A probe rather than gdkpixbufoverlay on a layer: an effect
 * clip across the film would make NLE rebuild its stack at every shot, and
 * an element after the timeline is not in the preview's pipeline.
 *
 * The image is decoded in the streaming thread when the first frame comes,
 * never on the main thread, and scaled with its opacity applied once per
 * frame size; each frame then only blends the logo's rectangle, with
 * GStreamer's overlay composition, which handles every raw format.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/video/video.h>
#include <math.h>

#include "reel-cut-logo.h"
#include "reel-cut-timeline.h"
#include "reel-media-store.h"

/* The logo's distance from the frame's edges, as a share of the frame's
 * height: inside action safe on a television, clear of the edge on a phone. */
#define MARGIN_SHARE 0.04

void
reel_cut_logo_get_rectangle (const ReelLogo *logo,
                             int             frame_width,
                             int             frame_height,
                             int             image_width,
                             int             image_height,
                             int            *x,
                             int            *y,
                             int            *width,
                             int            *height)
{
  int      margin = (int) lround (MARGIN_SHARE * frame_height);
  int      w = MAX (1, (int) lround (logo->size * frame_width));
  int      h = MAX (1, (int) lround ((double) w * MAX (image_height, 1) / MAX (image_width, 1)));
  gboolean right, bottom;

  /* A tall logo on a wide frame would cover it from edge to edge. */
  if (h > frame_height / 2)
    {
      h = MAX (1, frame_height / 2);
      w = MAX (1, (int) lround ((double) h * MAX (image_width, 1) / MAX (image_height, 1)));
    }

  switch (logo->position)
    {
      case REEL_LOGO_POSITION_TOP_LEFT:
        right = bottom = FALSE;
        break;
      case REEL_LOGO_POSITION_BOTTOM_LEFT:
        right = FALSE;
        bottom = TRUE;
        break;
      case REEL_LOGO_POSITION_BOTTOM_RIGHT:
        right = bottom = TRUE;
        break;
      case REEL_LOGO_POSITION_TOP_RIGHT:
      default:
        right = TRUE;
        bottom = FALSE;
        break;
    }

  *width = w;
  *height = h;
  *x = right ? frame_width - margin - w : margin;
  *y = bottom ? frame_height - margin - h : margin;
}

typedef struct
{
  ReelLogo *logo;

  /* From here on, used only in the streaming thread. */
  GstVideoInfo                info;
  gboolean                    have_info;
  cairo_surface_t            *image; /* as decoded */
  gboolean                    failed;
  GstVideoOverlayComposition *composition; /* for the current frame size */
} LogoBurner;

static void
logo_burner_free (LogoBurner *self)
{
  reel_logo_free (self->logo);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  g_clear_pointer (&self->composition, gst_video_overlay_composition_unref);
  g_free (self);
}

/* The logo scaled into its rectangle with its opacity, in the straight
 * alpha the overlay expects. */
static GstVideoOverlayComposition *
make_composition (LogoBurner *self)
{
  int image_width = cairo_image_surface_get_width (self->image);
  int image_height = cairo_image_surface_get_height (self->image);
  int x, y, width, height, stride;
  g_autoptr (GstBuffer) buffer = NULL;
  GstVideoOverlayRectangle   *rectangle;
  GstVideoOverlayComposition *composition;
  cairo_surface_t            *scaled;
  cairo_t                    *cr;
  GstMapInfo                  map;
  const guint8               *pixels;

  reel_cut_logo_get_rectangle (self->logo, GST_VIDEO_INFO_WIDTH (&self->info),
                               GST_VIDEO_INFO_HEIGHT (&self->info), image_width, image_height, &x,
                               &y, &width, &height);

  scaled = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (scaled);
  cairo_scale (cr, (double) width / image_width, (double) height / image_height);
  cairo_set_source_surface (cr, self->image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  /* Pad, so the edges keep their colour rather than fading into nothing. */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint_with_alpha (cr, self->logo->opacity);
  cairo_destroy (cr);
  cairo_surface_flush (scaled);

  buffer = gst_buffer_new_allocate (NULL, (gsize) width * height * 4, NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  pixels = cairo_image_surface_get_data (scaled);
  stride = cairo_image_surface_get_stride (scaled);
  for (int j = 0; j < height; j++)
    {
      const guint32 *src = (const guint32 *) (pixels + (gsize) j * stride);
      guint32       *dst = (guint32 *) (map.data + (gsize) j * width * 4);

      for (int i = 0; i < width; i++)
        {
          guint32 p = src[i];
          guint   a = p >> 24;
          guint   r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

          if (a != 0 && a != 0xff)
            {
              r = MIN (255u, (r * 255 + a / 2) / a);
              g = MIN (255u, (g * 255 + a / 2) / a);
              b = MIN (255u, (b * 255 + a / 2) / a);
            }
          dst[i] = (a << 24) | (r << 16) | (g << 8) | b;
        }
    }
  gst_buffer_unmap (buffer, &map);
  cairo_surface_destroy (scaled);

  gst_buffer_add_video_meta (buffer, GST_VIDEO_FRAME_FLAG_NONE,
                             GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, width, height);
  rectangle = gst_video_overlay_rectangle_new_raw (buffer, x, y, width, height,
                                                   GST_VIDEO_OVERLAY_FORMAT_FLAG_NONE);
  composition = gst_video_overlay_composition_new (rectangle);
  gst_video_overlay_rectangle_unref (rectangle);
  return composition;
}

/* A logo that cannot be drawn stops the render, rather than leaving a film
 * without the brand it was meant to carry. */
static void
post_error (GstPad *pad, const GError *error)
{
  g_autoptr (GstObject) parent = gst_pad_get_parent (pad);
  g_autoptr (GError) message_error = NULL;

  g_set_error (&message_error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA,
               _ ("The logo cannot be drawn: %s"), error->message);
  if (GST_IS_ELEMENT (parent))
    gst_element_post_message (GST_ELEMENT (parent),
                              gst_message_new_error (parent, message_error, NULL));
  else
    g_warning ("%s", message_error->message);
}

static GstPadProbeReturn
logo_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  LogoBurner   *self = user_data;
  GstBuffer    *buffer;
  GstVideoFrame frame;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
        {
          GstCaps *caps;

          gst_event_parse_caps (event, &caps);
          self->have_info = gst_video_info_from_caps (&self->info, caps);
          /* Scaled for the old size. */
          g_clear_pointer (&self->composition, gst_video_overlay_composition_unref);
        }
      return GST_PAD_PROBE_OK;
    }

  buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  if (buffer == NULL || !self->have_info || self->failed)
    return GST_PAD_PROBE_OK;

  if (self->image == NULL)
    {
      g_autoptr (GError) error = NULL;

      self->image = reel_media_load_frame (self->logo->path, 0, NULL, &error);
      if (self->image == NULL)
        {
          self->failed = TRUE;
          post_error (pad, error);
          return GST_PAD_PROBE_OK;
        }
    }
  if (self->composition == NULL)
    self->composition = make_composition (self);

  buffer = gst_buffer_make_writable (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  if (!gst_video_frame_map (&frame, &self->info, buffer, GST_MAP_READWRITE))
    {
      g_debug ("A frame cannot be mapped for the logo");
      return GST_PAD_PROBE_OK;
    }
  gst_video_overlay_composition_blend (self->composition, &frame);
  gst_video_frame_unmap (&frame);
  return GST_PAD_PROBE_OK;
}

gboolean
reel_cut_logo_attach (GESTimeline *timeline, const ReelLogo *logo, GError **error)
{
  LogoBurner *self;
  GstPad     *pad;

  g_return_val_if_fail (GES_IS_TIMELINE (timeline), FALSE);
  g_return_val_if_fail (logo != NULL && logo->path != NULL, FALSE);

  if (!reel_logo_check (logo, error))
    return FALSE;

  pad = reel_cut_timeline_get_video_pad (timeline);
  if (pad == NULL)
    {
      g_set_error_literal (error, REEL_CUT_TIMELINE_ERROR, REEL_CUT_TIMELINE_ERROR_MEDIA,
                           _ ("The logo cannot be drawn on the picture: the film has no video "
                              "track."));
      return FALSE;
    }

  self = g_new0 (LogoBurner, 1);
  self->logo = reel_logo_copy (logo);
  gst_video_info_init (&self->info);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     logo_probe_cb, self, (GDestroyNotify) logo_burner_free);
  return TRUE;
}

/* The image's content hash: its name in the media store, which is the hash,
 * or the hash of a file from elsewhere. */
static char *
dup_image_identity (const ReelLogo *logo)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;

  if (logo->media_path != NULL)
    {
      g_autofree char *basename = g_path_get_basename (logo->media_path);
      char            *dot = strchr (basename, '.');

      if (dot != NULL)
        *dot = '\0';
      return g_steal_pointer (&basename);
    }
  if (logo->path != NULL && g_file_get_contents (logo->path, &contents, &length, NULL))
    return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  /* Unreadable: the render fails anyway, so any key that names it will do. */
  return g_strdup (logo->path != NULL ? logo->path : "");
}

char *
reel_cut_logo_dup_key (const ReelLogo *logo)
{
  g_autofree char *identity = NULL;
  char             size[G_ASCII_DTOSTR_BUF_SIZE];
  char             opacity[G_ASCII_DTOSTR_BUF_SIZE];

  if (logo == NULL || (logo->media_path == NULL && logo->path == NULL))
    return g_strdup ("none");

  identity = dup_image_identity (logo);
  g_ascii_formatd (size, sizeof size, "%.4f", logo->size);
  g_ascii_formatd (opacity, sizeof opacity, "%.4f", logo->opacity);
  /* The margin is part of the picture too, so a change of layout changes
   * the key through its version. */
  return g_strdup_printf ("logo1 %s %s %s %s", identity,
                          reel_logo_position_to_string (logo->position), size, opacity);
}
