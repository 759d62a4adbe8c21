/* reel-pdf-boards.h: a printable storyboard of the cut
 *
 * A4 landscape pages drawn with Cairo and Pango. Each page has a header with
 * the title and the totals (shots, running time, page N of M) and a grid of
 * shots: number, heading and duration over the frame (the middle of the
 * take, the shot's board image, or an empty panel with its camera move to
 * draw on), its text once, its dialogue, lines for notes, the camera move and
 * where the frame comes from, all on the frame's edges. Frames are carried
 * as JPEG, so a page stays under about 200 KB. Synchronous and slow (it
 * decodes a frame per shot): call it from a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-cut.h"

G_BEGIN_DECLS

#define REEL_PDF_BOARDS_ERROR (reel_pdf_boards_error_quark ())
GQuark reel_pdf_boards_error_quark (void);

typedef enum
{
  REEL_PDF_BOARDS_ERROR_INVALID_GRID, /* columns or rows out of 1…6 */
  REEL_PDF_BOARDS_ERROR_FAILED,       /* drawing or writing the PDF failed */
} ReelPdfBoardsError;

#define REEL_PDF_BOARDS_MAX_GRID 6

/* Pages needed for @n_shots in a @columns × @rows grid: at least one. */
guint reel_pdf_boards_count_pages (guint n_shots, guint columns, guint rows);

/* Writes the storyboard to @path atomically: a failed or cancelled export
 * leaves no file under @path. Cancelling fails with G_IO_ERROR_CANCELLED. */
gboolean reel_pdf_boards_write (const ReelCut *cut,
                                const char    *path,
                                guint          columns,
                                guint          rows,
                                GCancellable  *cancellable,
                                GError       **error);

G_END_DECLS
