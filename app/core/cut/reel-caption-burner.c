/* reel-caption-burner.c: burned captions and the label, drawn on the film's frames
 *
 * Why not GES text clips or textoverlay: NLE rebuilds its stack and seeks
 * the shot under it back to a keyframe at every clip edge, so a text clip
 * per cue stalled the film twice per shot; and textoverlay blends through
 * gst_video_blend(), which converts every pixel of the text's box to AYUV
 * and back on every frame, a tenth of an export's CPU time when captions
 * are on most of the film.
 *
 * Here each text is drawn once with Pango and Cairo when it comes on, its
 * pixels are converted once to the frame's format (coverage and
 * premultiplied value per component, at the component's subsampling), and
 * each frame only mixes in the covered pixels. Formats other than 8-bit
 * YUV fall back to GStreamer's overlay composition blending. The probe sits
 * on the timeline's video pad, after NLE, so the film's stream time is the
 * cut's time and neither preview nor export carries any text clip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <gst/video/video.h>
#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "reel-caption-burner.h"

/* Text sizes as shares of the frame height: legible on a phone, unobtrusive
 * on a large screen. */
#define CAPTION_HEIGHT_SHARE 0.046
#define LABEL_HEIGHT_SHARE 0.032
/* Text stays inside title safe, a tenth of the frame in from each edge, as
 * broadcasters place subtitles: clear of the picture's edges on any screen,
 * and of the frame an animatic card draws at action safe (5 %). */
#define TITLE_SAFE_SHARE 0.10
/* The edge that sets white text off a light picture, as shares of the font
 * size: an outline thin enough that the gaps between letters, and inside
 * Chinese characters, stay open, and a soft shadow below it that darkens
 * what lies behind the text without filling those gaps. */
#define OUTLINE_SHARE (1.0 / 30)
#define SHADOW_OFFSET_SHARE (1.0 / 16)
#define SHADOW_BLUR_SHARE (1.0 / 16)
#define LETTER_SPACING_SHARE 0.04
#define OUTLINE_ALPHA 0.9
#define SHADOW_ALPHA 0.6
#define FONT_FAMILIES "Noto Sans, Noto Sans CJK SC, Sans Semi-Bold"

typedef struct
{
  GstClockTime start;
  GstClockTime end;
  char        *text;
} Cue;

/* One text, drawn once. */
typedef struct
{
  int              x, y, width, height; /* in frame pixels */
  cairo_surface_t *surface;             /* ARGB32, premultiplied */

  /* Its pixels in the frame's format, for 8-bit YUV: per component, the
   * coverage and the premultiplied value, at the component's subsampling. */
  gboolean converted;
  guint8  *alpha[3];
  guint8  *value[3];
  int      comp_x[3], comp_y[3], comp_width[3], comp_height[3];

  /* Or, for any other format, GStreamer's own blending. */
  GstVideoOverlayComposition *composition;
} Overlay;

struct _ReelCaptionBurner
{
  GArray           *cues; /* Cue, in time order */
  char             *label_text;
  ReelCaptionCorner label_corner;

  /* From here on, used only in the streaming thread. */
  GstVideoInfo  info;
  gboolean      have_info;
  GstSegment    segment;
  PangoFontMap *font_map;
  int           shown_cue; /* index into cues, or -1 */
  Overlay      *caption;
  Overlay      *label;
};

static void
cue_clear (gpointer data)
{
  Cue *cue = data;

  g_free (cue->text);
}

static void
overlay_free (Overlay *overlay)
{
  if (overlay == NULL)
    return;
  for (guint c = 0; c < 3; c++)
    {
      g_free (overlay->alpha[c]);
      g_free (overlay->value[c]);
    }
  g_clear_pointer (&overlay->surface, cairo_surface_destroy);
  g_clear_pointer (&overlay->composition, gst_video_overlay_composition_unref);
  g_free (overlay);
}

ReelCaptionBurner *
reel_caption_burner_new (void)
{
  ReelCaptionBurner *self = g_new0 (ReelCaptionBurner, 1);

  self->cues = g_array_new (FALSE, TRUE, sizeof (Cue));
  g_array_set_clear_func (self->cues, cue_clear);
  self->shown_cue = -1;
  gst_segment_init (&self->segment, GST_FORMAT_UNDEFINED);
  gst_video_info_init (&self->info);
  return self;
}

void
reel_caption_burner_free (ReelCaptionBurner *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->cues);
  g_free (self->label_text);
  overlay_free (self->caption);
  overlay_free (self->label);
  g_clear_object (&self->font_map);
  g_free (self);
}

void
reel_caption_burner_add_cue (ReelCaptionBurner *self,
                             GstClockTime       start,
                             GstClockTime       end,
                             const char        *text)
{
  Cue cue;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  if (!GST_CLOCK_TIME_IS_VALID (start) || !GST_CLOCK_TIME_IS_VALID (end) || end <= start)
    return;
  if (self->cues->len > 0)
    {
      Cue *before = &g_array_index (self->cues, Cue, self->cues->len - 1);

      if (start < before->start)
        return;
      before->end = MIN (before->end, start);
    }
  cue.start = start;
  cue.end = end;
  cue.text = g_strdup (text);
  g_array_append_val (self->cues, cue);
}

void
reel_caption_burner_set_label (ReelCaptionBurner *self, const char *text, ReelCaptionCorner corner)
{
  g_return_if_fail (self != NULL);

  g_free (self->label_text);
  self->label_text = g_strdup (text);
  self->label_corner = corner;
}

gboolean
reel_caption_burner_is_empty (const ReelCaptionBurner *self)
{
  return self->cues->len == 0 && self->label_text == NULL;
}

static int
find_cue (const ReelCaptionBurner *self, GstClockTime position)
{
  guint low = 0, high = self->cues->len;

  while (low < high)
    {
      guint      middle = (low + high) / 2;
      const Cue *cue = &g_array_index (self->cues, Cue, middle);

      if (position < cue->start)
        high = middle;
      else if (position >= cue->end)
        low = middle + 1;
      else
        return (int) middle;
    }
  return -1;
}

/* Drawing */

/* A caption is centred and wrapped to @wrap_width pixels; the label is
 * one line, left-aligned. */
static GObject *
create_layout (
    ReelCaptionBurner *self, const char *text, gboolean is_label, int font_px, int wrap_width)
{
  g_autoptr (GObject) context = NULL; /* PangoContext */
  GObject              *layout;       /* PangoLayout */
  PangoFontDescription *font;

  if (self->font_map == NULL)
    self->font_map = pango_cairo_font_map_new ();
  context = G_OBJECT (pango_font_map_create_context (self->font_map));
  layout = G_OBJECT (pango_layout_new (PANGO_CONTEXT (context)));
  font = pango_font_description_from_string (FONT_FAMILIES);
  pango_font_description_set_absolute_size (font, font_px * PANGO_SCALE);
  pango_layout_set_font_description (PANGO_LAYOUT (layout), font);
  pango_font_description_free (font);
  pango_layout_set_alignment (PANGO_LAYOUT (layout),
                              is_label ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER);
  if (!is_label)
    {
      /* The text comes wrapped at word (or CJK) boundaries already; this
       * only keeps an unbreakable run inside the frame. */
      pango_layout_set_width (PANGO_LAYOUT (layout), MAX (1, wrap_width) * PANGO_SCALE);
      pango_layout_set_wrap (PANGO_LAYOUT (layout), PANGO_WRAP_WORD_CHAR);
    }
  {
    /* A little air between letters, so their edges never meet. */
    PangoAttrList *attributes = pango_attr_list_new ();

    pango_attr_list_insert (attributes, pango_attr_letter_spacing_new ((int) lround (
                                            font_px * LETTER_SPACING_SHARE * PANGO_SCALE)));
    pango_layout_set_attributes (PANGO_LAYOUT (layout), attributes);
    pango_attr_list_unref (attributes);
  }
  pango_layout_set_text (PANGO_LAYOUT (layout), text, -1);
  return layout;
}

/* Blurs an A8 surface with three passes of a box @radius pixels wide each
 * way, close to a Gaussian. */
static void
blur_alpha (cairo_surface_t *surface, int radius)
{
  int     width = cairo_image_surface_get_width (surface);
  int     height = cairo_image_surface_get_height (surface);
  int     stride = cairo_image_surface_get_stride (surface);
  guint8 *data;
  guint8 *line;
  int     window = 2 * radius + 1;

  if (radius < 1 || width == 0 || height == 0)
    return;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  line = g_malloc (MAX (width, height));
  for (int pass = 0; pass < 3; pass++)
    {
      for (int y = 0; y < height; y++)
        {
          guint8 *row = data + (gsize) y * stride;
          int     sum = 0;

          memcpy (line, row, width);
          for (int x = -radius; x <= radius; x++)
            sum += x >= 0 && x < width ? line[x] : 0;
          for (int x = 0; x < width; x++)
            {
              row[x] = (guint8) ((sum + window / 2) / window);
              sum += (x + radius + 1 < width ? line[x + radius + 1] : 0)
                     - (x - radius >= 0 ? line[x - radius] : 0);
            }
        }
      for (int x = 0; x < width; x++)
        {
          int sum = 0;

          for (int y = 0; y < height; y++)
            line[y] = data[(gsize) y * stride + x];
          for (int y = -radius; y <= radius; y++)
            sum += y >= 0 && y < height ? line[y] : 0;
          for (int y = 0; y < height; y++)
            {
              data[(gsize) y * stride + x] = (guint8) ((sum + window / 2) / window);
              sum += (y + radius + 1 < height ? line[y + radius + 1] : 0)
                     - (y - radius >= 0 ? line[y - radius] : 0);
            }
        }
    }
  g_free (line);
  cairo_surface_mark_dirty (surface);
}

typedef struct
{
  int    pad;     /* clear pixels around the text, for its edge */
  double outline; /* how far the outline reaches out of a letter */
  double shadow_offset;
  int    shadow_blur;
} TextEdge;

static TextEdge
text_edge_for_size (int font_px)
{
  TextEdge edge;

  edge.outline = font_px * OUTLINE_SHARE;
  edge.shadow_offset = font_px * SHADOW_OFFSET_SHARE;
  edge.shadow_blur = MAX (1, (int) lround (font_px * SHADOW_BLUR_SHARE));
  edge.pad = (int) ceil (edge.outline + edge.shadow_offset) + 3 * edge.shadow_blur + 1;
  return edge;
}

/* White text with a thin dark outline over a soft shadow, readable on any
 * picture. */
static void
paint_text (Overlay              *overlay,
            PangoLayout          *layout,
            const PangoRectangle *logical,
            const TextEdge       *edge)
{
  cairo_surface_t *shadow
      = cairo_image_surface_create (CAIRO_FORMAT_A8, overlay->width, overlay->height);
  cairo_t *cr = cairo_create (shadow);
  double   x = edge->pad - logical->x;
  double   y = edge->pad - logical->y;

  /* The shadow: the letters, offset down and blurred. */
  cairo_move_to (cr, x, y + edge->shadow_offset);
  pango_cairo_update_layout (cr, layout);
  pango_cairo_layout_path (cr, layout);
  cairo_fill (cr);
  cairo_destroy (cr);
  blur_alpha (shadow, edge->shadow_blur);

  cr = cairo_create (overlay->surface);
  cairo_set_source_rgba (cr, 0, 0, 0, SHADOW_ALPHA);
  cairo_mask_surface (cr, shadow, 0, 0);
  cairo_surface_destroy (shadow);

  /* The outline is stroked on the letters' edge and half covered by their
   * fill: what shows is @outline wide. */
  cairo_move_to (cr, x, y);
  pango_cairo_update_layout (cr, layout);
  pango_cairo_layout_path (cr, layout);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 2 * edge->outline);
  cairo_set_source_rgba (cr, 0, 0, 0, OUTLINE_ALPHA);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (overlay->surface);
}

/* A caption is centred with its text's bottom on title safe; the label sits
 * in its corner of title safe. */
static void
place_overlay (ReelCaptionBurner *self, Overlay *overlay, gboolean is_label, int pad)
{
  int frame_width = GST_VIDEO_INFO_WIDTH (&self->info);
  int frame_height = GST_VIDEO_INFO_HEIGHT (&self->info);
  int margin_x = (int) lround (frame_width * TITLE_SAFE_SHARE);
  int margin_y = (int) lround (frame_height * TITLE_SAFE_SHARE);

  if (!is_label)
    {
      overlay->x = (frame_width - overlay->width) / 2;
      overlay->y = frame_height - margin_y - overlay->height + pad;
    }
  else
    {
      gboolean left = self->label_corner == REEL_CAPTION_CORNER_TOP_LEFT
                      || self->label_corner == REEL_CAPTION_CORNER_BOTTOM_LEFT;
      gboolean top = self->label_corner == REEL_CAPTION_CORNER_TOP_LEFT
                     || self->label_corner == REEL_CAPTION_CORNER_TOP_RIGHT;

      overlay->x = left ? margin_x - pad : frame_width - margin_x - overlay->width + pad;
      overlay->y = top ? margin_y - pad : frame_height - margin_y - overlay->height + pad;
    }
  /* Even positions keep subsampled chroma aligned with the luma. */
  overlay->x = CLAMP (overlay->x, 0, MAX (0, frame_width - overlay->width)) & ~1;
  overlay->y = CLAMP (overlay->y, 0, MAX (0, frame_height - overlay->height)) & ~1;
}

/* The text drawn once, sized by the frame height, and placed. */
static Overlay *
overlay_draw (ReelCaptionBurner *self, const char *text, gboolean is_label)
{
  int      frame_width = GST_VIDEO_INFO_WIDTH (&self->info);
  int      frame_height = GST_VIDEO_INFO_HEIGHT (&self->info);
  double   share = is_label ? LABEL_HEIGHT_SHARE : CAPTION_HEIGHT_SHARE;
  int      font_px = MAX (is_label ? 8 : 10, (int) lround (frame_height * share));
  int      safe_width = (int) lround (frame_width * (1 - 2 * TITLE_SAFE_SHARE));
  TextEdge edge = text_edge_for_size (font_px);
  g_autoptr (GObject) layout = NULL; /* PangoLayout */
  PangoRectangle logical;
  Overlay       *overlay;

  layout = create_layout (self, text, is_label, font_px, safe_width);
  pango_layout_get_pixel_extents (PANGO_LAYOUT (layout), NULL, &logical);
  if (logical.width <= 0 || logical.height <= 0)
    return NULL;

  overlay = g_new0 (Overlay, 1);
  overlay->width = MIN (logical.width + 2 * edge.pad, frame_width);
  overlay->height = MIN (logical.height + 2 * edge.pad, frame_height);
  overlay->surface
      = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, overlay->width, overlay->height);
  paint_text (overlay, PANGO_LAYOUT (layout), &logical, &edge);
  place_overlay (self, overlay, is_label, edge.pad);
  return overlay;
}

/* Conversion to the frame's format, once per text */

static gboolean
is_plain_yuv (const GstVideoFormatInfo *finfo)
{
  if (!GST_VIDEO_FORMAT_INFO_IS_YUV (finfo) || GST_VIDEO_FORMAT_INFO_IS_TILED (finfo)
      || GST_VIDEO_FORMAT_INFO_IS_COMPLEX (finfo) || GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo) < 3)
    return FALSE;
  for (guint c = 0; c < 3; c++)
    if (GST_VIDEO_FORMAT_INFO_DEPTH (finfo, c) != 8 || GST_VIDEO_FORMAT_INFO_SHIFT (finfo, c) != 0)
      return FALSE;
  return TRUE;
}

static void
overlay_convert (Overlay *overlay, const GstVideoInfo *info)
{
  const GstVideoFormatInfo *finfo = info->finfo;
  const guint8             *pixels = cairo_image_surface_get_data (overlay->surface);
  int                       stride = cairo_image_surface_get_stride (overlay->surface);
  gboolean                  full_range = info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;
  double                    kr, kb;

  if (!gst_video_color_matrix_get_Kr_Kb (info->colorimetry.matrix, &kr, &kb))
    gst_video_color_matrix_get_Kr_Kb (GST_VIDEO_INFO_HEIGHT (info) >= 720
                                          ? GST_VIDEO_COLOR_MATRIX_BT709
                                          : GST_VIDEO_COLOR_MATRIX_BT601,
                                      &kr, &kb);

  for (guint c = 0; c < 3; c++)
    {
      int w_sub = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c);
      int h_sub = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c);
      int block = 1 << (w_sub + h_sub);
      int width, height;

      overlay->comp_x[c] = overlay->x >> w_sub;
      overlay->comp_y[c] = overlay->y >> h_sub;
      width = overlay->comp_width[c] = GST_VIDEO_SUB_SCALE (w_sub, overlay->width);
      height = overlay->comp_height[c] = GST_VIDEO_SUB_SCALE (h_sub, overlay->height);
      overlay->alpha[c] = g_malloc0 ((gsize) width * height);
      overlay->value[c] = g_malloc0 ((gsize) width * height);

      for (int j = 0; j < height; j++)
        for (int i = 0; i < width; i++)
          {
            double alpha_sum = 0, value_sum = 0;

            for (int y = j << h_sub; y < MIN ((j + 1) << h_sub, overlay->height); y++)
              for (int x = i << w_sub; x < MIN ((i + 1) << w_sub, overlay->width); x++)
                {
                  guint32 pixel = *(const guint32 *) (pixels + y * stride + x * 4);
                  double  a = (pixel >> 24) / 255.0;
                  double  r = ((pixel >> 16) & 0xff) / 255.0;
                  double  g = ((pixel >> 8) & 0xff) / 255.0;
                  double  b = (pixel & 0xff) / 255.0;
                  double  luma = kr * r + (1 - kr - kb) * g + kb * b; /* premultiplied */
                  double  value;

                  if (a <= 0)
                    continue;
                  if (c == 0)
                    value = full_range ? luma : (16 * a + 219 * luma) / 255;
                  else
                    {
                      double chroma
                          = c == 1 ? (b - luma) / (2 * (1 - kb)) : (r - luma) / (2 * (1 - kr));

                      value = full_range ? 128 * a / 255 + chroma : (128 * a + 224 * chroma) / 255;
                    }
                  alpha_sum += a;
                  value_sum += value;
                }
            overlay->alpha[c][j * width + i]
                = (guint8) CLAMP (lround (255 * alpha_sum / block), 0, 255);
            /* Nothing where nothing covers: the blend relies on it. */
            overlay->value[c][j * width + i]
                = overlay->alpha[c][j * width + i] == 0
                      ? 0
                      : (guint8) CLAMP (lround (255 * value_sum / block), 0, 255);
          }
    }
  overlay->converted = TRUE;
}

static GstVideoOverlayComposition *
overlay_make_composition (Overlay *overlay)
{
  gsize      size = (gsize) cairo_image_surface_get_stride (overlay->surface) * overlay->height;
  GstBuffer *buffer = gst_buffer_new_memdup (cairo_image_surface_get_data (overlay->surface), size);
  GstVideoOverlayRectangle   *rectangle;
  GstVideoOverlayComposition *composition;

  gst_buffer_add_video_meta (buffer, GST_VIDEO_FRAME_FLAG_NONE,
                             GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, overlay->width,
                             overlay->height);
  rectangle = gst_video_overlay_rectangle_new_raw (
      buffer, overlay->x, overlay->y, overlay->width, overlay->height,
      GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
  composition = gst_video_overlay_composition_new (rectangle);
  gst_video_overlay_rectangle_unref (rectangle);
  gst_buffer_unref (buffer);
  return composition;
}

/* x / 255, rounded, for x up to 255 * 255 */
static inline guint
div255 (guint x)
{
  x += 128;
  return (x + (x >> 8)) >> 8;
}

/* Sixteen pixels of a component, widened for the arithmetic. */
typedef guint8  PixelBytes __attribute__ ((vector_size (16)));
typedef guint16 PixelLanes __attribute__ ((vector_size (32)));

/* A row of a planar component, sixteen pixels at a time (GCC does not
 * vectorise the plain loop at -O2) and without a test per pixel: where the
 * text does not reach, alpha and value are both 0 (overlay_convert()),
 * which leaves the pixel as it was. The same arithmetic as div255(). */
static void
blend_plane_row (guint8 *row, const guint8 *alpha, const guint8 *value, int first, int last)
{
  int i = first;

  for (; i + 16 <= last; i += 16)
    {
      PixelBytes pixel_bytes, alpha_bytes, value_bytes;
      PixelLanes pixels, x;

      memcpy (&pixel_bytes, row + i, sizeof pixel_bytes);
      memcpy (&alpha_bytes, alpha + i, sizeof alpha_bytes);
      memcpy (&value_bytes, value + i, sizeof value_bytes);
      pixels = __builtin_convertvector(pixel_bytes, PixelLanes);
      x = pixels * (255 - __builtin_convertvector(alpha_bytes, PixelLanes)) + 128;
      x = __builtin_convertvector(value_bytes, PixelLanes) + ((x + (x >> 8)) >> 8);
      /* At most 510: x >> 8 is 1 past 255, and the low byte then all ones. */
      x |= -(x >> 8);
      pixel_bytes = __builtin_convertvector(x, PixelBytes);
      memcpy (row + i, &pixel_bytes, sizeof pixel_bytes);
    }
  for (; i < last; i++)
    row[i] = (guint8) MIN (255u, value[i] + div255 (row[i] * (255u - alpha[i])));
}

static void
overlay_blend (Overlay *overlay, GstVideoFrame *frame)
{
  if (overlay == NULL)
    return;

  if (!is_plain_yuv (frame->info.finfo))
    {
      if (overlay->composition == NULL)
        overlay->composition = overlay_make_composition (overlay);
      gst_video_overlay_composition_blend (overlay->composition, frame);
      return;
    }

  if (!overlay->converted)
    overlay_convert (overlay, &frame->info);

  for (guint c = 0; c < 3; c++)
    {
      guint8 *data = GST_VIDEO_FRAME_COMP_DATA (frame, c);
      int     stride = GST_VIDEO_FRAME_COMP_STRIDE (frame, c);
      int     pixel_stride = GST_VIDEO_FRAME_COMP_PSTRIDE (frame, c);
      int     frame_width = GST_VIDEO_FRAME_COMP_WIDTH (frame, c);
      int     frame_height = GST_VIDEO_FRAME_COMP_HEIGHT (frame, c);
      int     width = overlay->comp_width[c];
      int     first = MAX (0, -overlay->comp_x[c]);
      int     last = MIN (width, frame_width - overlay->comp_x[c]);

      for (int j = 0; j < overlay->comp_height[c]; j++)
        {
          int           y = overlay->comp_y[c] + j;
          const guint8 *alpha = overlay->alpha[c] + j * width;
          const guint8 *value = overlay->value[c] + j * width;
          guint8       *row;

          if (y < 0 || y >= frame_height)
            continue;
          row = data + (gsize) y * stride + (gsize) overlay->comp_x[c] * pixel_stride;
          if (pixel_stride == 1)
            {
              blend_plane_row (row, alpha, value, first, last);
              continue;
            }
          for (int i = first; i < last; i++)
            {
              guint   a = alpha[i];
              guint8 *pixel;

              if (a == 0)
                continue;
              pixel = row + i * pixel_stride;
              *pixel = (guint8) MIN (255u, value[i] + div255 (*pixel * (255 - a)));
            }
        }
    }
}

/* The probe */

static void
forget_overlays (ReelCaptionBurner *self)
{
  g_clear_pointer (&self->caption, overlay_free);
  g_clear_pointer (&self->label, overlay_free);
  self->shown_cue = -1;
}

static GstPadProbeReturn
burner_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ReelCaptionBurner *self = user_data;
  GstBuffer         *buffer;
  GstVideoFrame      frame;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        gst_event_copy_segment (event, &self->segment);
      else if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
        {
          GstCaps *caps;

          gst_event_parse_caps (event, &caps);
          self->have_info = gst_video_info_from_caps (&self->info, caps);
          /* Drawn for the old size or format. */
          forget_overlays (self);
        }
      return GST_PAD_PROBE_OK;
    }

  buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  if (buffer == NULL || !self->have_info)
    return GST_PAD_PROBE_OK;

  if (GST_BUFFER_PTS_IS_VALID (buffer) && self->segment.format == GST_FORMAT_TIME)
    {
      /* The middle of the frame, so that a cue starting on a frame boundary
       * is not missed by a timestamp rounded down a nanosecond. */
      GstClockTime position = GST_BUFFER_PTS (buffer);
      int          index;

      if (GST_BUFFER_DURATION_IS_VALID (buffer))
        position += GST_BUFFER_DURATION (buffer) / 2;
      position = gst_segment_to_stream_time (&self->segment, GST_FORMAT_TIME, position);
      index = GST_CLOCK_TIME_IS_VALID (position) ? find_cue (self, position) : -1;
      if (index != self->shown_cue)
        {
          g_clear_pointer (&self->caption, overlay_free);
          if (index >= 0)
            self->caption = overlay_draw (self, g_array_index (self->cues, Cue, index).text, FALSE);
          self->shown_cue = index;
        }
    }
  if (self->label == NULL && self->label_text != NULL)
    self->label = overlay_draw (self, self->label_text, TRUE);

  /* Frames without text pass untouched, and uncopied. */
  if (self->caption == NULL && self->label == NULL)
    return GST_PAD_PROBE_OK;

  buffer = gst_buffer_make_writable (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  if (!gst_video_frame_map (&frame, &self->info, buffer, GST_MAP_READWRITE))
    {
      g_debug ("A frame cannot be mapped for its captions");
      return GST_PAD_PROBE_OK;
    }
  overlay_blend (self->caption, &frame);
  overlay_blend (self->label, &frame);
  gst_video_frame_unmap (&frame);
  return GST_PAD_PROBE_OK;
}

void
reel_caption_burner_attach (ReelCaptionBurner *self, GstPad *pad)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (GST_IS_PAD (pad));

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     burner_probe_cb, self, (GDestroyNotify) reel_caption_burner_free);
}
