/* reel-pdf-boards.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/video/video.h>
#include <pango/pangocairo.h>

#include "reel-animatic.h"
#include "reel-durable.h"
#include "reel-interchange-private.h"
#include "reel-media-store.h"
#include "reel-pdf-boards.h"

/* A4 landscape, in points. */
#define PAGE_WIDTH 841.89
#define PAGE_HEIGHT 595.28
#define MARGIN 28.0
#define HEADER_HEIGHT 40.0
#define GUTTER 14.0
/* Latin text in a Latin face where there is one: Cairo 1.16 embeds some
 * Latin letters of Noto Sans CJK with all of the font's subroutines, most of
 * a megabyte. */
#define FONT_FAMILY "Noto Sans, DejaVu Sans, Noto Sans CJK SC, sans"
/* Frames are embedded at twice their size on the page: sharp in print,
 * without carrying every full-size frame into the file. */
#define IMAGE_OVERSAMPLING 2.0
/* What the frames of one page may take in the file, as JPEG, so a page
 * stays under about 200 KB with its text and fonts: a board is mailed and
 * printed, not archived. */
#define PAGE_IMAGE_BUDGET (130 * 1024)
/* The paper of the animatic card, for the panel of a shot without a take. */
#define PANEL_PAPER 0xf3efe6
#define PANEL_INK 0xb7b2a8
/* The lines for notes under each shot, at least. */
#define NOTES_MIN_LINES 2

GQuark
reel_pdf_boards_error_quark (void)
{
  return g_quark_from_static_string ("reel-pdf-boards-error-quark");
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)

typedef struct
{
  cairo_t       *cr;
  PangoContext  *pango;
  const ReelCut *cut;
  GCancellable  *cancellable;
  guint          columns;
  guint          rows;
  guint          n_pages;
  gsize          image_budget; /* bytes of JPEG per frame */
  char          *totals;       /* "4 shots · 0:05" */
} Board;

static void
set_color (cairo_t *cr, guint32 rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

static PangoLayout *
create_layout (Board *board, const char *text, double size, PangoWeight weight, PangoStyle style)
{
  PangoLayout *layout = pango_layout_new (board->pango);
  g_autoptr (PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_font_description_set_weight (font, weight);
  pango_font_description_set_style (font, style);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  return layout;
}

/* Draws @text in a box, wrapped and ellipsized to fit; returns the height used. */
static double
draw_text (Board         *board,
           const char    *text,
           double         x,
           double         y,
           double         width,
           double         max_height,
           double         size,
           PangoWeight    weight,
           PangoStyle     style,
           PangoAlignment alignment,
           guint32        color)
{
  g_autoptr (PangoLayout) layout = NULL;
  int text_width, text_height;

  if (text == NULL || *text == '\0' || max_height < size)
    return 0;

  layout = create_layout (board, text, size, weight, style);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_height (layout, (int) (max_height * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  set_color (board->cr, color);
  cairo_move_to (board->cr, x, y);
  pango_cairo_show_layout (board->cr, layout);
  return text_height;
}

static char *
format_running_time (double seconds)
{
  gint64 total = (gint64) llround (MAX (seconds, 0));

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", total / 60, (int) (total % 60));
}

static void
draw_header (Board *board, guint page)
{
  g_autofree char *pages = g_strdup_printf (_ ("Page %u of %u"), page + 1, board->n_pages);
  g_autofree char *right = g_strdup_printf ("%s  ·  %s", board->totals, pages);
  const char *title = board->cut->title != NULL && *board->cut->title != '\0' ? board->cut->title
                                                                              : _ ("Untitled");
  double      content_width = PAGE_WIDTH - 2 * MARGIN;

  draw_text (board, right, MARGIN + content_width * 0.55, MARGIN + 5, content_width * 0.45, 14, 9.5,
             PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_RIGHT, 0x5e5c64);
  /* Medium, not bold: a bold Chinese face would add a second CJK font to
   * the file. */
  draw_text (board, title, MARGIN, MARGIN, content_width * 0.55 - 12, 24, 16, PANGO_WEIGHT_MEDIUM,
             PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT, 0x241f31);

  set_color (board->cr, 0xc0bfbc);
  cairo_set_line_width (board->cr, 0.75);
  cairo_move_to (board->cr, MARGIN, MARGIN + HEADER_HEIGHT - 10);
  cairo_line_to (board->cr, PAGE_WIDTH - MARGIN, MARGIN + HEADER_HEIGHT - 10);
  cairo_stroke (board->cr);
}

/* A shot with no take of its own: none yet, or only Storyreel's animatic
 * card, which would repeat on the board what the board prints beside it. */
static gboolean
shows_no_take (const ReelCutItem *item)
{
  return item->media_path == NULL || item->animatic_fallback
         || g_strcmp0 (item->backend, "animatic") == 0;
}

/* Returns the frame to show: the middle of the take, or the shot's board
 * image; NULL for an empty panel (with @message where media are missing),
 * or NULL with @error set when cancelled. */
static cairo_surface_t *
load_item_frame (Board *board, const ReelCutItem *item, char **message, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  cairo_surface_t *surface;
  const char      *path = item->media_path;
  double           at;

  if (shows_no_take (item))
    {
      if (item->board_image_path == NULL)
        return NULL;
      path = item->board_image_path;
      at = 0;
    }
  else
    /* The middle of what the film shows of the take. */
    at = item->media_is_image ? 0 : item->in_point + item->duration / 2;

  surface = reel_media_load_frame (path, at, board->cancellable, &local_error);
  if (surface != NULL)
    return surface;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_debug ("No frame of %s: %s", path, local_error->message);
  *message = g_strdup (_ ("Media missing or damaged"));
  return NULL;
}

/* @frame scaled to @width × @height pixels. */
static cairo_surface_t *
resize_frame (cairo_surface_t *frame, int width, int height)
{
  cairo_surface_t *scaled = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t         *cr = cairo_create (scaled);

  cairo_scale (cr, (double) width / cairo_image_surface_get_width (frame),
               (double) height / cairo_image_surface_get_height (frame));
  cairo_set_source_surface (cr, frame, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  return scaled;
}

/* @image as a JPEG file, with GStreamer's encoder; NULL where it is
 * missing. */
static GBytes *
encode_jpeg (cairo_surface_t *image)
{
  int          width = cairo_image_surface_get_width (image);
  int          height = cairo_image_surface_get_height (image);
  int          stride = cairo_image_surface_get_stride (image);
  GstVideoInfo info;
  g_autoptr (GstBuffer) buffer = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstCaps) jpeg_caps = gst_caps_new_empty_simple ("image/jpeg");
  g_autoptr (GstSample) sample = NULL;
  g_autoptr (GstSample) jpeg = NULL;
  g_autoptr (GError) error = NULL;
  GstMapInfo map;
  GBytes    *bytes;
  gsize      offsets[GST_VIDEO_MAX_PLANES] = { 0 };
  gint       strides[GST_VIDEO_MAX_PLANES] = { stride };

  /* Cairo's RGB24 is a native-endian 0xXXRRGGBB word per pixel. */
  gst_video_info_set_format (
      &info, G_BYTE_ORDER == G_LITTLE_ENDIAN ? GST_VIDEO_FORMAT_BGRx : GST_VIDEO_FORMAT_xRGB, width,
      height);
  caps = gst_video_info_to_caps (&info);
  cairo_surface_flush (image);
  buffer = gst_buffer_new_memdup (cairo_image_surface_get_data (image), (gsize) stride * height);
  gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_INFO_FORMAT (&info),
                                  width, height, 1, offsets, strides);
  sample = gst_sample_new (buffer, caps, NULL, NULL);
  jpeg = gst_video_convert_sample (sample, jpeg_caps, 10 * GST_SECOND, &error);
  if (jpeg == NULL || !gst_buffer_map (gst_sample_get_buffer (jpeg), &map, GST_MAP_READ))
    {
      g_debug ("A storyboard frame cannot be encoded as JPEG: %s",
               error != NULL ? error->message : "no buffer");
      return NULL;
    }
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (gst_sample_get_buffer (jpeg), &map);
  return bytes;
}

/* The frame at about the printed size, carried as a JPEG within the page's
 * share of the budget (smaller where a busy picture needs more), or as it
 * is without an encoder. */
static cairo_surface_t *
prepare_frame (Board *board, cairo_surface_t *frame, double width, double height)
{
  int    source_width = cairo_image_surface_get_width (frame);
  int    source_height = cairo_image_surface_get_height (frame);
  double factor = MIN (1.0, MIN (width * IMAGE_OVERSAMPLING / source_width,
                                 height * IMAGE_OVERSAMPLING / source_height));

  for (guint attempt = 0;; attempt++)
    {
      int target_width = MAX ((int) ceil (source_width * factor), 1);
      int target_height = MAX ((int) ceil (source_height * factor), 1);
      g_autoptr (cairo_surface_t) scaled = resize_frame (frame, target_width, target_height);
      g_autoptr (GBytes) jpeg = encode_jpeg (scaled);
      gsize size;

      if (jpeg == NULL)
        return g_steal_pointer (&scaled);
      size = g_bytes_get_size (jpeg);
      if (size <= board->image_budget || attempt >= 6)
        {
          GBytes *owned = g_bytes_ref (jpeg);

          cairo_surface_set_mime_data (scaled, CAIRO_MIME_TYPE_JPEG, g_bytes_get_data (owned, NULL),
                                       size, (cairo_destroy_func_t) g_bytes_unref, owned);
          return g_steal_pointer (&scaled);
        }
      /* Fewer pixels, in proportion to the excess. */
      factor *= CLAMP (sqrt ((double) board->image_budget / size) * 0.95, 0.5, 0.9);
    }
}

/* A shot without a take: an empty panel of the card's paper, framed at
 * action safe, with its camera move, to draw on. */
static void
draw_empty_panel (
    Board *board, ReelCameraMove camera, double x, double y, double width, double height)
{
  cairo_t *cr = board->cr;
  double   icon = height * 0.28;
  double   inset = height * 0.05;

  set_color (cr, PANEL_PAPER);
  cairo_rectangle (cr, x, y, width, height);
  cairo_fill (cr);
  set_color (cr, PANEL_INK);
  cairo_set_line_width (cr, 0.5);
  cairo_rectangle (cr, x + inset, y + inset, width - 2 * inset, height - 2 * inset);
  cairo_stroke (cr);
  reel_animatic_draw_camera_icon (cr, camera, x + (width - icon) / 2, y + (height - icon) / 2,
                                  icon);
}

static void
draw_frame_image (Board             *board,
                  const ReelCutItem *item,
                  cairo_surface_t   *frame,
                  const char        *message,
                  double             x,
                  double             y,
                  double             width,
                  double             height)
{
  cairo_t *cr = board->cr;

  cairo_save (cr);
  if (frame != NULL)
    {
      double source_width = cairo_image_surface_get_width (frame);
      double source_height = cairo_image_surface_get_height (frame);
      /* Letterboxed, never cropped: the board shows the whole frame. */
      double scale = MIN (width / source_width, height / source_height);
      double shown_width = source_width * scale;
      double shown_height = source_height * scale;
      g_autoptr (cairo_surface_t) prepared
          = prepare_frame (board, frame, shown_width, shown_height);

      cairo_rectangle (cr, x, y, width, height);
      set_color (cr, 0x000000);
      cairo_fill (cr);
      cairo_translate (cr, x + (width - shown_width) / 2, y + (height - shown_height) / 2);
      cairo_scale (cr, shown_width / cairo_image_surface_get_width (prepared),
                   shown_height / cairo_image_surface_get_height (prepared));
      cairo_set_source_surface (cr, prepared, 0, 0);
      cairo_paint (cr);
    }
  else if (message == NULL)
    draw_empty_panel (board, item->camera, x, y, width, height);
  else
    {
      cairo_rectangle (cr, x, y, width, height);
      set_color (cr, 0xdeddda);
      cairo_fill (cr);
      draw_text (board, message, x + 8, y + height / 2 - 8, width - 16, 18, 10, PANGO_WEIGHT_NORMAL,
                 PANGO_STYLE_NORMAL, PANGO_ALIGN_CENTER, 0x5e5c64);
    }
  cairo_restore (cr);

  set_color (cr, 0x9a9996);
  cairo_set_line_width (cr, 0.5);
  cairo_rectangle (cr, x, y, width, height);
  cairo_stroke (cr);
}

/* The dialogue as the captions show it, a line a speech: "阿杰：快！",
 * "MARA: (laughing)", a parenthetical before the speech it introduces:
 * "妈妈：（轻声）我一定回来。" */
static char *
captions_text (const ReelCutItem *item)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) said = g_string_new (NULL);

  for (guint i = 0; item->captions != NULL && i < item->captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (item->captions, i);
      const ReelCaption *next
          = i + 1 < item->captions->len ? g_ptr_array_index (item->captions, i + 1) : NULL;
      g_autofree char *shown = NULL;
      ReelCutCue       cue = { 0 };

      if (caption->text == NULL)
        continue;
      if (caption->parenthetical)
        g_string_append_printf (
            said, g_unichar_iswide (g_utf8_get_char (caption->text)) ? "（%s）" : "(%s) ",
            caption->text);
      else
        g_string_append (said, caption->text);
      if (caption->parenthetical && next != NULL && !next->parenthetical
          && g_strcmp0 (next->speaker, caption->speaker) == 0)
        continue;

      while (said->len > 0 && said->str[said->len - 1] == ' ')
        g_string_truncate (said, said->len - 1);
      cue.speaker = caption->speaker;
      cue.text = said->str;
      shown = reel_cut_cue_dup_display_text (&cue);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, shown);
      g_string_truncate (said, 0);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Ruled lines from @top to @bottom for notes in pen, under a small label. */
static void
draw_notes (Board *board, double x, double top, double width, double bottom, double scale)
{
  double line_gap = 12 * scale;

  /* Translators: over ruled lines for handwritten notes on a printed storyboard. */
  draw_text (board, _ ("Notes"), x, top, width, 10 * scale, 6.5 * scale, PANGO_WEIGHT_NORMAL,
             PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT, 0x9a9996);
  set_color (board->cr, 0xdeddda);
  cairo_set_line_width (board->cr, 0.5);
  for (double y = top + line_gap; y <= bottom + 0.01; y += line_gap)
    {
      cairo_move_to (board->cr, x, y);
      cairo_line_to (board->cr, x + width, y);
    }
  cairo_stroke (board->cr);
}

/* The height of @text wrapped to @width, whole. */
static double
measure_text (Board *board, const char *text, double width, double size, PangoStyle style)
{
  g_autoptr (PangoLayout) layout = NULL;
  int text_width, text_height;

  if (text == NULL || *text == '\0')
    return 0;
  layout = create_layout (board, text, size, PANGO_WEIGHT_NORMAL, style);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  return text_height;
}

/* What the words of a cell @width wide take, notes included. */
static double
measure_cell_words (Board *board, const ReelCutItem *item, double width, double scale)
{
  g_autofree char *captions = captions_text (item);
  const char      *text = reel_cut_item_text_is_dialogue (item) ? NULL : item->text;
  double           text_height = measure_text (board, text, width, 8.5 * scale, PANGO_STYLE_NORMAL);
  double captions_height = measure_text (board, captions, width, 8 * scale, PANGO_STYLE_ITALIC);

  return text_height + (text_height > 0 ? 3 * scale : 0) + captions_height + 4 * scale
         + NOTES_MIN_LINES * 12 * scale + 10 * scale;
}

/* The words of a cell, in the box from @left, @top to @right, @bottom: the
 * shot's text once (not when it is only what is said), its dialogue, and
 * ruled lines for notes in what is left. */
static void
draw_cell_words (Board             *board,
                 const ReelCutItem *item,
                 double             left,
                 double             top,
                 double             right,
                 double             bottom,
                 double             scale)
{
  g_autofree char *captions = captions_text (item);
  const char      *text = reel_cut_item_text_is_dialogue (item) ? NULL : item->text;
  const double     notes_min = 10 * scale + NOTES_MIN_LINES * 12 * scale;
  double           width = right - left;
  double           space = MAX (0, bottom - notes_min - top);
  double           used;

  used = draw_text (board, text, left, top, width, *captions != '\0' ? space * 0.6 : space,
                    8.5 * scale, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT,
                    0x241f31);
  if (used > 0)
    used += 3 * scale;
  used += draw_text (board, captions, left, top + used, width, space - used, 8 * scale,
                     PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC, PANGO_ALIGN_LEFT, 0x1c71d8);
  draw_notes (board, left, top + used + (used > 0 ? 4 * scale : 0), width, bottom, scale);
}

/* Where the parts of a cell go. */
typedef struct
{
  double   scale; /* of the type */
  double   top_row;
  double   bottom_row;
  double   image_width;
  double   image_height;
  gboolean beside; /* the words beside the frame, not under it */
} CellLayout;

static double
frame_aspect (const Board *board)
{
  return board->cut->width > 0 && board->cut->height > 0
             ? (double) board->cut->width / board->cut->height
             : 16.0 / 9.0;
}

/* The frame as wide as the cell, the words under it, where that leaves
 * them about a third of the cell; in a wide cell, the words beside the
 * frame, which takes three fifths of the width at most. Otherwise the frame
 * gives way to the words, down to under half the cell, and the words run as
 * wide as the frame. */
static void
plan_cell (Board *board, const ReelCutItem *item, double width, double height, CellLayout *layout)
{
  double aspect = frame_aspect (board);
  double body;

  /* Big cells (1 × 1, 2 × 1) get bigger type, small ones keep it legible. */
  layout->scale = CLAMP (MIN (width, height * 1.6) / 260.0, 1.0, 1.6);
  layout->top_row = 16 * layout->scale;
  layout->bottom_row = 13 * layout->scale;
  body = height - layout->top_row - layout->bottom_row;
  layout->image_width = width;
  layout->image_height = width / aspect;
  layout->beside = layout->image_height > body * 0.68 && width >= 300;

  if (layout->beside)
    {
      layout->image_width = MIN (width * 0.6, body * aspect);
      layout->image_height = layout->image_width / aspect;
      return;
    }
  for (guint pass = 0; pass < 2; pass++)
    {
      double words = measure_cell_words (board, item, layout->image_width, layout->scale)
                     + 5 * layout->scale;

      layout->image_height = CLAMP (body - words, body * 0.45, width / aspect);
      layout->image_width = layout->image_height * aspect;
    }
}

/* A cell: the number, heading and duration over the frame, the camera move
 * and the frame's source under it, all on the frame's edges, and the words
 * under the frame, on its edges too, or beside it. */
static gboolean
draw_cell (Board             *board,
           const ReelCutItem *item,
           const CellLayout  *layout,
           double             x,
           double             y,
           double             width,
           double             height,
           GError           **error)
{
  g_autofree char *message = NULL;
  g_autofree char *duration = g_strdup_printf (_ ("%.1f s"), item->duration);
  g_autoptr (cairo_surface_t) frame = NULL;
  g_autoptr (GError) local_error = NULL;
  const double scale = layout->scale;
  const double image_width = layout->image_width;
  const double image_height = layout->image_height;
  const double top_row = layout->top_row;
  const double bottom_row = layout->bottom_row;
  const char  *source;

  frame = load_item_frame (board, item, &message, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Top row, as wide as the frame: shot number, scene heading, duration. */
  draw_text (board, item->shot_number, x, y, image_width * 0.25, top_row, 10.5 * scale,
             PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT, 0x241f31);
  draw_text (board, item->scene_heading, x + 24 * scale, y + 1.5 * scale,
             image_width - 24 * scale - 36 * scale, 12 * scale, 7.5 * scale, PANGO_WEIGHT_NORMAL,
             PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT, 0x77767b);
  draw_text (board, duration, x + image_width - 36 * scale, y + scale, 36 * scale, top_row,
             9 * scale, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_RIGHT, 0x3d3846);

  draw_frame_image (board, item, frame, message, x, y + top_row, image_width, image_height);

  /* Under the frame: the camera move and where the frame comes from. */
  if (shows_no_take (item))
    /* Translators: the frame shown is the shot's storyboard drawing, not a take. */
    source = item->board_image_path != NULL ? _ ("Board") : _ ("No take yet");
  else if (item->ai_generated && item->backend != NULL)
    source = item->backend;
  else
    source = NULL;
  if (layout->beside)
    {
      double row_y = y + top_row + image_height + 2 * scale;

      draw_text (board, reel_camera_move_get_label (item->camera), x, row_y, image_width * 0.5,
                 bottom_row, 7.5 * scale, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT,
                 0x5e5c64);
      draw_text (board, source, x + image_width * 0.5, row_y, image_width * 0.5, bottom_row,
                 7.5 * scale, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_RIGHT, 0x77767b);
      draw_cell_words (board, item, x + image_width + 15 * scale, y + top_row, x + width,
                       y + height, scale);
    }
  else
    {
      draw_cell_words (board, item, x, y + top_row + image_height + 5 * scale, x + image_width,
                       y + height - bottom_row - 3 * scale, scale);
      draw_text (board, reel_camera_move_get_label (item->camera), x, y + height - bottom_row + 1,
                 image_width * 0.5, bottom_row, 7.5 * scale, PANGO_WEIGHT_NORMAL,
                 PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT, 0x5e5c64);
      draw_text (board, source, x + image_width * 0.5, y + height - bottom_row + 1,
                 image_width * 0.5, bottom_row, 7.5 * scale, PANGO_WEIGHT_NORMAL,
                 PANGO_STYLE_NORMAL, PANGO_ALIGN_RIGHT, 0x77767b);
    }

  return TRUE;
}

static gboolean
draw_pages (Board *board, GError **error)
{
  const ReelCut         *cut = board->cut;
  guint                  per_page = board->columns * board->rows;
  double                 grid_top = MARGIN + HEADER_HEIGHT;
  double                 grid_width = PAGE_WIDTH - 2 * MARGIN;
  double                 grid_height = PAGE_HEIGHT - MARGIN - grid_top;
  double                 cell_width = (grid_width - (board->columns - 1) * GUTTER) / board->columns;
  double                 cell_height = (grid_height - (board->rows - 1) * GUTTER) / board->rows;
  g_autofree CellLayout *layouts = NULL;
  double                 smallest = 0, inset;

  for (guint page = 0; page < board->n_pages; page++)
    {
      draw_header (board, page);

      if (cut->items->len == 0)
        draw_text (board, _ ("This film has no shots yet."), MARGIN, grid_top + 20, grid_width, 20,
                   11, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_CENTER, 0x5e5c64);

      /* One frame size on a page: the smallest that leaves every shot's
       * words room. */
      layouts = g_new0 (CellLayout, per_page);
      for (guint slot = 0; slot < per_page && page * per_page + slot < cut->items->len; slot++)
        {
          plan_cell (board, g_ptr_array_index (cut->items, page * per_page + slot), cell_width,
                     cell_height, &layouts[slot]);
          smallest
              = slot == 0 ? layouts[slot].image_height : MIN (smallest, layouts[slot].image_height);
        }

      for (guint slot = 0; slot < per_page; slot++)
        {
          guint index = page * per_page + slot;
          guint column = slot % board->columns;
          guint row = slot / board->columns;

          if (index >= cut->items->len)
            break;
          if (g_cancellable_set_error_if_cancelled (board->cancellable, error))
            return FALSE;
          layouts[slot].image_height = smallest;
          layouts[slot].image_width = smallest * frame_aspect (board);
          /* A frame narrower than its cell sits in the middle of it, so
           * the page keeps even margins. */
          inset = layouts[slot].beside ? 0 : (cell_width - layouts[slot].image_width) / 2;
          if (!draw_cell (board, g_ptr_array_index (cut->items, index), &layouts[slot],
                          MARGIN + column * (cell_width + GUTTER) + inset,
                          grid_top + row * (cell_height + GUTTER), cell_width - 2 * inset,
                          cell_height, error))
            return FALSE;
        }
      g_clear_pointer (&layouts, g_free);

      cairo_show_page (board->cr);
    }
  return TRUE;
}

static cairo_status_t
write_to_fd_cb (void *closure, const unsigned char *data, unsigned int length)
{
  int *fd = closure;

  while (length > 0)
    {
      ssize_t written = write (*fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return CAIRO_STATUS_WRITE_ERROR;
      data += written;
      length -= written;
    }
  return CAIRO_STATUS_SUCCESS;
}

guint
reel_pdf_boards_count_pages (guint n_shots, guint columns, guint rows)
{
  guint per_page = MAX (columns, 1) * MAX (rows, 1);

  return MAX ((n_shots + per_page - 1) / per_page, 1);
}

/* The temporary file sits beside the final one, so the rename is atomic. */
static int
open_temporary (const char *path, const char *display_name, char **temp_path, GError **error)
{
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  int              fd;

  *temp_path = g_strdup_printf ("%s/.%s.XXXXXX", directory, basename);
  fd = g_mkstemp_full (*temp_path, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _ ("Could not save the storyboard “%s”: %s. Choose a folder you can write to."),
                   display_name, g_strerror (saved_errno));
    }
  return fd;
}

/* "4 shots  ·  0:05", for the page headers. */
static char *
format_totals (const ReelCut *cut)
{
  g_autofree char *shots = NULL;
  g_autofree char *running_time = NULL;
  double           seconds = cut->duration;

  if (!(seconds > 0) && cut->fps > 0)
    {
      g_autofree ReelFrameSpan *spans = NULL;
      gint64                    frames = 0;

      spans = reel_frame_spans_compute (cut, &frames);
      seconds = (double) frames / cut->fps;
    }
  shots = g_strdup_printf (ngettext ("%u shot", "%u shots", cut->items->len), cut->items->len);
  running_time = format_running_time (seconds);
  return g_strdup_printf ("%s  ·  %s", shots, running_time);
}

/* Draws every page as PDF into @fd. Returns the surface's status; @drawn
 * says whether every page was drawn, and @error why not. */
static cairo_status_t
write_pdf (const ReelCut *cut,
           guint          columns,
           guint          rows,
           GCancellable  *cancellable,
           int           *fd,
           gboolean      *drawn,
           GError       **error)
{
  Board            board = { 0 };
  cairo_surface_t *surface;
  cairo_status_t   status;

  surface = cairo_pdf_surface_create_for_stream (write_to_fd_cb, fd, PAGE_WIDTH, PAGE_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  cut->title != NULL ? cut->title : "");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Storyreel");

  board.cr = cairo_create (surface);
  board.pango = pango_cairo_create_context (board.cr);
  /* Font sizes are in points, and so is the page. */
  pango_cairo_context_set_resolution (board.pango, 72);
  if (cut->language != NULL)
    pango_context_set_language (board.pango, pango_language_from_string (cut->language));
  board.cut = cut;
  board.cancellable = cancellable;
  board.columns = columns;
  board.rows = rows;
  board.n_pages = reel_pdf_boards_count_pages (cut->items->len, columns, rows);
  board.image_budget = PAGE_IMAGE_BUDGET / (columns * rows);
  board.totals = format_totals (cut);

  *drawn = draw_pages (&board, error);

  g_clear_object (&board.pango);
  g_clear_pointer (&board.cr, cairo_destroy);
  g_free (board.totals);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return status;
}

gboolean
reel_pdf_boards_write (const ReelCut *cut,
                       const char    *path,
                       guint          columns,
                       guint          rows,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *temp_path = NULL;
  g_autoptr (GError) local_error = NULL;
  cairo_status_t status;
  gboolean       drawn;
  int            fd, saved_errno = 0;

  g_return_val_if_fail (cut != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display_name = g_filename_display_name (path);
  if (columns < 1 || rows < 1 || columns > REEL_PDF_BOARDS_MAX_GRID
      || rows > REEL_PDF_BOARDS_MAX_GRID)
    {
      g_set_error (error, REEL_PDF_BOARDS_ERROR, REEL_PDF_BOARDS_ERROR_INVALID_GRID,
                   _ ("A storyboard cannot have %u × %u frames per page. Choose between 1 and %u "
                      "columns and rows."),
                   columns, rows, REEL_PDF_BOARDS_MAX_GRID);
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  fd = open_temporary (path, display_name, &temp_path, error);
  if (fd < 0)
    return FALSE;

  status = write_pdf (cut, columns, rows, cancellable, &fd, &drawn, &local_error);
  if (close (fd) != 0 && status == CAIRO_STATUS_SUCCESS)
    status = CAIRO_STATUS_WRITE_ERROR;

  if (drawn && status == CAIRO_STATUS_SUCCESS)
    {
      if (reel_durable_rename (temp_path, path))
        return TRUE;
      saved_errno = errno;
    }

  g_unlink (temp_path);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, REEL_PDF_BOARDS_ERROR, REEL_PDF_BOARDS_ERROR_FAILED,
                 _ ("Could not save the storyboard “%s”: %s. Check that the disk is not full and "
                    "that the folder is writable."),
                 display_name,
                 status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status)
                                                : g_strerror (saved_errno));
  return FALSE;
}
