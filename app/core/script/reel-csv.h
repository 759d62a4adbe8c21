/* reel-csv.h: a table of values read from a CSV file
 *
 * RFC 4180 with the liberties spreadsheets take: a header row names the
 * columns; fields may be quoted ("" is a quote inside quotes) and then hold
 * commas, quotes and line breaks; lines end in CRLF, LF or CR; a UTF-8
 * byte-order mark is skipped; blank lines are ignored. Every row must have as
 * many fields as the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define REEL_CSV_ERROR (reel_csv_error_quark ())

typedef enum
{
  REEL_CSV_ERROR_INVALID,        /* not UTF-8, a stray or unclosed quote; the message says where */
  REEL_CSV_ERROR_NO_HEADER,      /* empty, or a header with an empty or repeated column name */
  REEL_CSV_ERROR_RAGGED,         /* a row with more or fewer fields than the header */
  REEL_CSV_ERROR_UNKNOWN_COLUMN, /* a placeholder names no column */
  REEL_CSV_ERROR_PLACEHOLDER,    /* a "{" with no "}" */
} ReelCsvError;

GQuark reel_csv_error_quark (void);

typedef struct _ReelCsv ReelCsv;

ReelCsv *reel_csv_parse (const char *data, gssize length, GError **error);
ReelCsv *reel_csv_read_file (GFile *file, GCancellable *cancellable, GError **error);
void     reel_csv_free (ReelCsv *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelCsv, reel_csv_free)

guint              reel_csv_get_n_columns (ReelCsv *self);
const char *const *reel_csv_get_columns (ReelCsv *self);
/* The index of the column called @name (surrounding white space ignored on
 * both sides), or -1. */
int reel_csv_find_column (ReelCsv *self, const char *name);
/* Data rows, the header not counted. */
guint              reel_csv_get_n_rows (ReelCsv *self);
const char *const *reel_csv_get_row (ReelCsv *self, guint row);
const char        *reel_csv_get_value (ReelCsv *self, guint row, guint column);

/* @template with every {column} replaced by that column's value in @row
 * (0-based; messages count rows from 1). "{{" and "}}" stand for a literal
 * brace. A line break in a value becomes a space, so a value fills its place
 * in a line and never changes the script's shape. Fails naming the
 * placeholder, its line and the row when the table has no such column. */
char *reel_csv_fill_template (ReelCsv *self, const char *template, guint row, GError **error);
/* The distinct column names @template's placeholders use, in order of first
 * use; NULL with an error when a "{" is not closed. */
GStrv reel_csv_list_placeholders (const char *template, GError **error);

/* The shots (by their place in the script, from 0) whose heading, text or
 * captions differ between the first @max_rows rows of @self once filled
 * into @template, for a preview before any project is made; NULL with the
 * first row's error. @n_shots is set to the number of shots of the first
 * row. A row broken down into a different number of shots makes every shot
 * from the first difference on count as differing. */
GArray *reel_csv_find_varying_shots (
    ReelCsv *self, const char *template, guint max_rows, guint *n_shots, GError **error);

G_END_DECLS
