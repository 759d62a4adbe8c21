/* reel-csv.c: a table of values read from a CSV file, and templates filled from it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-script"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "reel-breakdown.h"
#include "reel-csv.h"

struct _ReelCsv
{
  GStrv      columns;
  GPtrArray *rows; /* GStrv */
};

GQuark
reel_csv_error_quark (void)
{
  return g_quark_from_static_string ("reel-csv-error-quark");
}

typedef struct
{
  const char *p;
  const char *end;
  guint       line; /* of p, from 1 */
} Reader;

static void
skip_line_break (Reader *reader)
{
  if (*reader->p == '\r' && reader->p + 1 < reader->end && reader->p[1] == '\n')
    reader->p++;
  reader->p++;
  reader->line++;
}

/* A quoted field from just after its opening quote to just after its closing
 * one. Line breaks inside become "\n" whatever the file uses. */
static gboolean
read_quoted (Reader *reader, GString *field, GError **error)
{
  guint opened_on = reader->line;

  while (reader->p < reader->end)
    {
      char c = *reader->p;

      if (c == '"')
        {
          if (reader->p + 1 < reader->end && reader->p[1] == '"')
            {
              g_string_append_c (field, '"');
              reader->p += 2;
              continue;
            }
          reader->p++;
          if (reader->p < reader->end && *reader->p != ',' && *reader->p != '\r'
              && *reader->p != '\n')
            {
              g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_INVALID,
                           _ ("Line %u of the table has text after a closing quote. Put the "
                              "whole value in quotes, and write a quote inside it as \"\"."),
                           reader->line);
              return FALSE;
            }
          return TRUE;
        }
      if (c == '\r' || c == '\n')
        {
          skip_line_break (reader);
          g_string_append_c (field, '\n');
          continue;
        }
      g_string_append_c (field, c);
      reader->p++;
    }
  g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_INVALID,
               _ ("The quote opened on line %u of the table is never closed."), opened_on);
  return FALSE;
}

/* One record into @fields; FALSE at the end of the data (nothing read) or
 * with @error set. A line with nothing on it is a record with no fields. */
static gboolean
read_record (Reader *reader, GPtrArray *fields, GError **error)
{
  g_autoptr (GString) field = g_string_new (NULL);
  gboolean quoted = FALSE;

  g_ptr_array_set_size (fields, 0);
  if (reader->p >= reader->end)
    return FALSE;

  for (;;)
    {
      if (reader->p < reader->end && *reader->p == '"' && field->len == 0 && !quoted)
        {
          reader->p++;
          quoted = TRUE;
          if (!read_quoted (reader, field, error))
            return FALSE;
          continue;
        }
      if (reader->p >= reader->end || *reader->p == ',' || *reader->p == '\r' || *reader->p == '\n')
        {
          gboolean blank = fields->len == 0 && field->len == 0 && !quoted;
          char     c = reader->p < reader->end ? *reader->p : '\0';

          if (!blank || c == ',')
            g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          quoted = FALSE;
          if (c == ',')
            {
              reader->p++;
              continue;
            }
          if (c != '\0')
            skip_line_break (reader);
          return TRUE;
        }
      /* A quote inside an unquoted value is kept, as spreadsheets read it. */
      g_string_append_c (field, *reader->p);
      reader->p++;
    }
}

static gboolean
check_utf8 (const char *data, gsize length, GError **error)
{
  const char *bad;
  guint       line = 1;

  if (length >= 2
      && (((guchar) data[0] == 0xFF && (guchar) data[1] == 0xFE)
          || ((guchar) data[0] == 0xFE && (guchar) data[1] == 0xFF)))
    {
      g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_INVALID,
                   _ ("The table is saved as UTF-16. Save it as “CSV UTF-8” and try again."));
      return FALSE;
    }
  if (g_utf8_validate_len (data, length, &bad))
    return TRUE;
  for (const char *p = data; p < bad; p++)
    line += *p == '\n';
  g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_INVALID,
               _ ("Line %u of the table is not UTF-8 text. Save the table as “CSV UTF-8” and "
                  "try again."),
               line);
  return FALSE;
}

static gboolean
take_header (ReelCsv *self, GPtrArray *fields, GError **error)
{
  for (guint i = 0; i < fields->len; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (g_ptr_array_index (fields, i)));

      if (name[0] == '\0')
        {
          g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_NO_HEADER,
                       _ ("Column %u of the table has no name. The first row must name "
                          "every column."),
                       i + 1);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        {
          g_autofree char *other = g_strstrip (g_strdup (g_ptr_array_index (fields, j)));

          if (strcmp (other, name) == 0)
            {
              g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_NO_HEADER,
                           _ ("The table has two columns called “%s”. Give each column its "
                              "own name."),
                           name);
              return FALSE;
            }
        }
    }
  g_ptr_array_add (fields, NULL);
  self->columns = (GStrv) g_ptr_array_steal (fields, NULL);
  return TRUE;
}

/* The header, then the rows, from @reader. */
static gboolean
read_table (ReelCsv *self, Reader *reader, GError **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) local_error = NULL;
  guint n_columns;

  do
    if (!read_record (reader, fields, &local_error))
      {
        if (local_error == NULL)
          g_set_error (&local_error, REEL_CSV_ERROR, REEL_CSV_ERROR_NO_HEADER,
                       _ ("The table is empty. Its first row must name the columns."));
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
  while (fields->len == 0);
  if (!take_header (self, fields, error))
    return FALSE;

  n_columns = g_strv_length (self->columns);
  for (guint line = reader->line; read_record (reader, fields, &local_error); line = reader->line)
    {
      if (fields->len == 0)
        continue;
      if (fields->len != n_columns)
        {
          g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_RAGGED,
                       _ ("Row %u of the table (line %u) has %u values, but the header names "
                          "%u columns."),
                       self->rows->len + 1, line, fields->len, n_columns);
          return FALSE;
        }
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (self->rows, g_ptr_array_steal (fields, NULL));
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

ReelCsv *
reel_csv_parse (const char *data, gssize length, GError **error)
{
  g_autoptr (ReelCsv) self = g_new0 (ReelCsv, 1);
  Reader reader;

  if (length < 0)
    length = strlen (data);
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (!check_utf8 (data, length, error))
    return NULL;

  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  reader = (Reader){ .p = data, .end = data + length, .line = 1 };
  if (!read_table (self, &reader, error))
    return NULL;
  return g_steal_pointer (&self);
}

ReelCsv *
reel_csv_read_file (GFile *file, GCancellable *cancellable, GError **error)
{
  g_autofree char *data = NULL;
  gsize            length = 0;

  if (!g_file_load_contents (file, cancellable, &data, &length, NULL, error))
    return NULL;
  return reel_csv_parse (data, length, error);
}

void
reel_csv_free (ReelCsv *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->columns);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self);
}

guint
reel_csv_get_n_columns (ReelCsv *self)
{
  return g_strv_length (self->columns);
}

const char *const *
reel_csv_get_columns (ReelCsv *self)
{
  return (const char *const *) self->columns;
}

int
reel_csv_find_column (ReelCsv *self, const char *name)
{
  g_autofree char *wanted = g_strstrip (g_strdup (name));

  for (guint i = 0; self->columns[i] != NULL; i++)
    {
      g_autofree char *column = g_strstrip (g_strdup (self->columns[i]));

      if (strcmp (column, wanted) == 0)
        return (int) i;
    }
  return -1;
}

guint
reel_csv_get_n_rows (ReelCsv *self)
{
  return self->rows->len;
}

const char *const *
reel_csv_get_row (ReelCsv *self, guint row)
{
  g_return_val_if_fail (row < self->rows->len, NULL);
  return g_ptr_array_index (self->rows, row);
}

const char *
reel_csv_get_value (ReelCsv *self, guint row, guint column)
{
  g_return_val_if_fail (column < reel_csv_get_n_columns (self), NULL);
  return reel_csv_get_row (self, row)[column];
}

/* Templates */

/* The placeholder whose "{" is at @open: its name (trimmed) and where it
 * ends, or NULL with an error when it is not closed on its line. */
static char *
read_placeholder (const char *open, guint line, const char **after, GError **error)
{
  const char *close = open + 1;

  while (*close != '\0' && *close != '}' && *close != '{' && *close != '\n' && *close != '\r')
    close++;
  if (*close != '}' || close == open + 1)
    {
      g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_PLACEHOLDER,
                   _ ("The “{” on line %u of the script does not enclose a column name. "
                      "Write {name} for a value from the table, or {{ for a brace."),
                   line);
      return NULL;
    }
  *after = close + 1;
  return g_strstrip (g_strndup (open + 1, close - open - 1));
}

static void
append_value (GString *out, const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\r' && p[1] == '\n')
        continue;
      g_string_append_c (out, *p == '\n' || *p == '\r' ? ' ' : *p);
    }
}

/* Walks @template: fills it into @out from @row of @csv when @csv is given,
 * and collects the placeholders' names into @names when it is given. */
static gboolean
scan_template (
    const char *template, ReelCsv *csv, guint row, GString *out, GPtrArray *names, GError **error)
{
  guint line = 1;

  for (const char *p = template; *p != '\0';)
    {
      if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}'))
        {
          if (out != NULL)
            g_string_append_c (out, p[0]);
          p += 2;
        }
      else if (p[0] == '{')
        {
          g_autofree char *name = read_placeholder (p, line, &p, error);
          int              column;

          if (name == NULL)
            return FALSE;
          if (names != NULL && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
            g_ptr_array_add (names, g_strdup (name));
          if (csv == NULL)
            continue;
          column = reel_csv_find_column (csv, name);
          if (column < 0)
            {
              g_set_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_UNKNOWN_COLUMN,
                           _ ("The script uses {%s} on line %u, but the table has no column "
                              "called “%s” for row %u. Add the column, or correct the name."),
                           name, line, name, row + 1);
              return FALSE;
            }
          append_value (out, reel_csv_get_value (csv, row, column));
        }
      else
        {
          line += *p == '\n';
          if (out != NULL)
            g_string_append_c (out, *p);
          p++;
        }
    }
  return TRUE;
}

char *
reel_csv_fill_template (ReelCsv *self, const char *template, guint row, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);

  g_return_val_if_fail (row < reel_csv_get_n_rows (self), NULL);
  if (!scan_template (template, self, row, out, NULL, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GStrv
reel_csv_list_placeholders (const char *template, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (!scan_template (template, NULL, 0, NULL, names, error))
    return NULL;
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_steal (names, NULL);
}

/* Shots */

/* One string per shot of @plan: everything of it that a row can change. */
static GPtrArray *
shot_signatures (const ReelPlan *plan)
{
  GPtrArray *signatures = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < plan->scenes->len; i++)
    {
      ReelPlanScene *scene = g_ptr_array_index (plan->scenes, i);

      for (guint j = 0; j < scene->shots->len; j++)
        {
          ReelPlanShot *shot = g_ptr_array_index (scene->shots, j);
          GString      *signature = g_string_new (NULL);

          g_string_append_printf (signature, "%s\x1f%s", scene->heading, shot->text);
          for (guint k = 0; k < shot->captions->len; k++)
            {
              ReelCaption *caption = g_ptr_array_index (shot->captions, k);

              g_string_append_printf (signature, "\x1f%s\x1f%s",
                                      caption->speaker != NULL ? caption->speaker : "",
                                      caption->text);
            }
          g_ptr_array_add (signatures, g_string_free (signature, FALSE));
        }
    }
  return signatures;
}

GArray *
reel_csv_find_varying_shots (
    ReelCsv *self, const char *template, guint max_rows, guint *n_shots, GError **error)
{
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GArray) varying = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree gboolean *differs = NULL;
  guint                n_rows = MIN (max_rows, reel_csv_get_n_rows (self));

  for (guint row = 0; row < n_rows; row++)
    {
      g_autofree char *script = reel_csv_fill_template (self, template, row, error);
      g_autoptr (ReelPlan) plan = script != NULL ? reel_breakdown_script (script, error) : NULL;
      g_autoptr (GPtrArray) shots = NULL;

      if (plan == NULL)
        return NULL;
      shots = shot_signatures (plan);
      if (first == NULL)
        {
          first = g_steal_pointer (&shots);
          differs = g_new0 (gboolean, first->len);
          continue;
        }
      for (guint i = 0; i < first->len; i++)
        {
          gboolean same
              = i < shots->len
                && strcmp (g_ptr_array_index (first, i), g_ptr_array_index (shots, i)) == 0;

          /* Shots after an added or lost one are not the same shots. */
          if (!same && shots->len != first->len)
            {
              for (guint j = i; j < first->len; j++)
                differs[j] = TRUE;
              break;
            }
          differs[i] |= !same;
        }
    }
  *n_shots = first != NULL ? first->len : 0;
  for (guint i = 0; i < *n_shots; i++)
    if (differs[i])
      g_array_append_val (varying, i);
  return g_steal_pointer (&varying);
}
