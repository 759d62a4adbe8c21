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
#include <pango/pangocairo.h>

#include "reel-animatic.h"
#include "reel-interchange-private.h"
#include "reel-media-store.h"
#include "reel-pdf-boards.h"

/* A4 landscape, in points. */
#define PAGE_WIDTH 841.89
#define PAGE_HEIGHT 595.28
#define MARGIN 28.0
#define HEADER_HEIGHT 40.0
#define GUTTER 14.0
#define FONT_FAMILY "Noto Sans, Noto Sans CJK SC, sans"
/* Frames are embedded at twice their size on the page: sharp in print,
 * without carrying every full-size frame into the file. */
#define IMAGE_OVERSAMPLING 2.0
/* Width of the animatic card drawn for a shot that has no media yet. */
#define CARD_WIDTH 960

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
  char          *totals; /* "4 shots · 0:05" */
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
  draw_text (board, title, MARGIN, MARGIN, content_width * 0.55 - 12, 24, 16, PANGO_WEIGHT_BOLD,
             PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT, 0x241f31);

  set_color (board->cr, 0xc0bfbc);
  cairo_set_line_width (board->cr, 0.75);
  cairo_move_to (board->cr, MARGIN, MARGIN + HEADER_HEIGHT - 10);
  cairo_line_to (board->cr, PAGE_WIDTH - MARGIN, MARGIN + HEADER_HEIGHT - 10);
  cairo_stroke (board->cr);
}

/* The animatic card a shot without media shows in the film. */
static cairo_surface_t *
render_card (Board *board, const ReelCutItem *item)
{
  g_autoptr (ReelAnimaticSpec) spec = reel_animatic_spec_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *png_path = NULL;
  cairo_surface_t *surface;
  int              fd;
  double           aspect = board->cut->width > 0 && board->cut->height > 0
                                ? (double) board->cut->height / board->cut->width
                                : 9.0 / 16.0;

  fd = g_file_open_tmp ("storyreel-board-XXXXXX.png", &png_path, &error);
  if (fd < 0)
    {
      g_debug ("No temporary file for a storyboard card: %s", error->message);
      return NULL;
    }
  close (fd);

  spec->width = CARD_WIDTH;
  spec->height = MAX ((guint) lround (CARD_WIDTH * aspect / 2) * 2, 16);
  spec->fps = board->cut->fps > 0 ? board->cut->fps : 24;
  spec->duration = item->duration > 0 ? item->duration : 1;
  spec->camera = item->camera;
  spec->scene_heading = g_strdup (item->scene_heading);
  spec->shot_number = g_strdup (item->shot_number);
  spec->text = g_strdup (item->text);
  spec->language = g_strdup (board->cut->language);
  spec->board_image_path = g_strdup (item->board_image_path);
  for (guint i = 0; item->captions != NULL && i < item->captions->len; i++)
    reel_animatic_spec_add_caption (spec, g_ptr_array_index (item->captions, i));

  if (!reel_animatic_render_card_png (spec, png_path, &error))
    {
      g_debug ("Could not draw the card of shot %s: %s", item->shot_number, error->message);
      g_unlink (png_path);
      return NULL;
    }

  surface = cairo_image_surface_create_from_png (png_path);
  g_unlink (png_path);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

/* Returns the frame to show, NULL when there is none (the reason in
 * @message), or NULL with @error set when cancelled. */
static cairo_surface_t *
load_item_frame (Board *board, const ReelCutItem *item, char **message, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  cairo_surface_t *surface;
  double           at;

  if (item->media_path == NULL)
    {
      surface = render_card (board, item);
      if (surface == NULL)
        *message = g_strdup (_ ("No take yet"));
      return surface;
    }

  /* The middle of what the film shows of the take. */
  at = item->media_is_image ? 0 : item->in_point + item->duration / 2;
  surface = reel_media_load_frame (item->media_path, at, board->cancellable, &local_error);
  if (surface != NULL)
    return surface;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_debug ("No frame of %s: %s", item->media_path, local_error->message);
  *message = g_strdup (_ ("Media missing or damaged"));
  return NULL;
}

/* Scales @frame down once so the PDF carries a frame of about the printed size. */
static cairo_surface_t *
scale_frame (cairo_surface_t *frame, double width, double height)
{
  int              source_width = cairo_image_surface_get_width (frame);
  int              source_height = cairo_image_surface_get_height (frame);
  int              target_width = MAX ((int) ceil (width * IMAGE_OVERSAMPLING), 1);
  int              target_height = MAX ((int) ceil (height * IMAGE_OVERSAMPLING), 1);
  cairo_surface_t *scaled;
  cairo_t         *cr;

  if (source_width <= target_width || source_height <= target_height)
    return cairo_surface_reference (frame);

  scaled = cairo_image_surface_create (CAIRO_FORMAT_RGB24, target_width, target_height);
  cr = cairo_create (scaled);
  cairo_scale (cr, (double) target_width / source_width, (double) target_height / source_height);
  cairo_set_source_surface (cr, frame, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  return scaled;
}

static void
draw_frame_image (Board           *board,
                  cairo_surface_t *frame,
                  const char      *message,
                  double           x,
                  double           y,
                  double           width,
                  double           height)
{
  cairo_t *cr = board->cr;

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  set_color (cr, frame != NULL ? 0x000000 : 0xdeddda);
  cairo_fill_preserve (cr);
  cairo_clip (cr);

  if (frame != NULL)
    {
      double source_width = cairo_image_surface_get_width (frame);
      double source_height = cairo_image_surface_get_height (frame);
      /* Letterboxed, never cropped: the board shows the whole frame. */
      double scale = MIN (width / source_width, height / source_height);
      double shown_width = source_width * scale;
      double shown_height = source_height * scale;
      g_autoptr (cairo_surface_t) scaled = scale_frame (frame, shown_width, shown_height);

      cairo_translate (cr, x + (width - shown_width) / 2, y + (height - shown_height) / 2);
      cairo_scale (cr, shown_width / cairo_image_surface_get_width (scaled),
                   shown_height / cairo_image_surface_get_height (scaled));
      cairo_set_source_surface (cr, scaled, 0, 0);
      cairo_paint (cr);
    }
  else
    {
      draw_text (board, message, x + 8, y + height / 2 - 8, width - 16, 18, 10, PANGO_WEIGHT_NORMAL,
                 PANGO_STYLE_NORMAL, PANGO_ALIGN_CENTER, 0x5e5c64);
    }
  cairo_restore (cr);

  set_color (cr, 0x9a9996);
  cairo_set_line_width (cr, 0.5);
  cairo_rectangle (cr, x, y, width, height);
  cairo_stroke (cr);
}

static char *
captions_text (const ReelCutItem *item)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; item->captions != NULL && i < item->captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (item->captions, i);

      if (caption->text == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (caption->speaker != NULL && *caption->speaker != '\0')
        g_string_append_printf (text, "%s: ", caption->speaker);
      if (caption->parenthetical)
        g_string_append_printf (text, "(%s)", caption->text);
      else
        g_string_append (text, caption->text);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
draw_cell (Board             *board,
           const ReelCutItem *item,
           double             x,
           double             y,
           double             width,
           double             height,
           GError           **error)
{
  g_autofree char *message = NULL;
  g_autofree char *duration = g_strdup_printf (_ ("%.1f s"), item->duration);
  g_autofree char *captions = captions_text (item);
  g_autoptr (cairo_surface_t) frame = NULL;
  g_autoptr (GError) local_error = NULL;
  /* Big cells (1 × 1, 2 × 1) get bigger type, small ones keep it legible. */
  const double scale = CLAMP (width / 260.0, 1.0, 1.6);
  const double top_row = 16 * scale;
  const double bottom_row = 13 * scale;
  double       aspect = board->cut->width > 0 && board->cut->height > 0
                            ? (double) board->cut->width / board->cut->height
                            : 16.0 / 9.0;
  double       image_width = width, image_height = width / aspect;
  double       image_x, text_y, text_space, used;
  const char  *source;

  frame = load_item_frame (board, item, &message, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* The frame takes at most 58 % of the cell, so text always has room. */
  if (image_height > (height - top_row - bottom_row) * 0.58)
    {
      image_height = (height - top_row - bottom_row) * 0.58;
      image_width = image_height * aspect;
    }
  image_x = x + (width - image_width) / 2;

  /* Top row: shot number, scene heading, duration. */
  draw_text (board, item->shot_number, x, y, width * 0.25, top_row, 10.5 * scale, PANGO_WEIGHT_BOLD,
             PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT, 0x241f31);
  draw_text (board, item->scene_heading, x + width * 0.16, y + 1.5 * scale, width * 0.62,
             12 * scale, 7.5 * scale, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT,
             0x77767b);
  draw_text (board, duration, x + width * 0.75, y + scale, width * 0.25, top_row, 9 * scale,
             PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_RIGHT, 0x3d3846);

  draw_frame_image (board, frame, message, image_x, y + top_row, image_width, image_height);

  /* Shot text, then the captions, in what is left above the bottom row. */
  text_y = y + top_row + image_height + 5 * scale;
  text_space = y + height - bottom_row - text_y;
  used = draw_text (board, item->text, x, text_y, width,
                    *captions != '\0' ? text_space * 0.6 : text_space, 8.5 * scale,
                    PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_LEFT, 0x241f31);
  if (used > 0)
    used += 3 * scale;
  draw_text (board, captions, x, text_y + used, width, text_space - used, 8 * scale,
             PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC, PANGO_ALIGN_LEFT, 0x1c71d8);

  /* Bottom row: the camera move and where the frame comes from. */
  draw_text (board, reel_camera_move_get_label (item->camera), x, y + height - bottom_row + 1,
             width * 0.5, bottom_row, 7.5 * scale, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
             PANGO_ALIGN_LEFT, 0x5e5c64);
  if (item->media_path == NULL || item->animatic_fallback)
    source = _ ("Animatic");
  else if (item->ai_generated && item->backend != NULL)
    source = item->backend;
  else
    source = NULL;
  draw_text (board, source, x + width * 0.5, y + height - bottom_row + 1, width * 0.5, bottom_row,
             7.5 * scale, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_RIGHT, 0x77767b);

  return TRUE;
}

static gboolean
draw_pages (Board *board, GError **error)
{
  const ReelCut *cut = board->cut;
  guint          per_page = board->columns * board->rows;
  double         grid_top = MARGIN + HEADER_HEIGHT;
  double         grid_width = PAGE_WIDTH - 2 * MARGIN;
  double         grid_height = PAGE_HEIGHT - MARGIN - grid_top;
  double         cell_width = (grid_width - (board->columns - 1) * GUTTER) / board->columns;
  double         cell_height = (grid_height - (board->rows - 1) * GUTTER) / board->rows;

  for (guint page = 0; page < board->n_pages; page++)
    {
      draw_header (board, page);

      if (cut->items->len == 0)
        draw_text (board, _ ("This film has no shots yet."), MARGIN, grid_top + 20, grid_width, 20,
                   11, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, PANGO_ALIGN_CENTER, 0x5e5c64);

      for (guint slot = 0; slot < per_page; slot++)
        {
          guint index = page * per_page + slot;
          guint column = slot % board->columns;
          guint row = slot / board->columns;

          if (index >= cut->items->len)
            break;
          if (g_cancellable_set_error_if_cancelled (board->cancellable, error))
            return FALSE;
          if (!draw_cell (board, g_ptr_array_index (cut->items, index),
                          MARGIN + column * (cell_width + GUTTER),
                          grid_top + row * (cell_height + GUTTER), cell_width, cell_height, error))
            return FALSE;
        }

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
  if (drawn && status == CAIRO_STATUS_SUCCESS && fsync (fd) != 0)
    status = CAIRO_STATUS_WRITE_ERROR;
  if (close (fd) != 0 && status == CAIRO_STATUS_SUCCESS)
    status = CAIRO_STATUS_WRITE_ERROR;

  if (drawn && status == CAIRO_STATUS_SUCCESS)
    {
      if (g_rename (temp_path, path) == 0)
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
