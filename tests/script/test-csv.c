/* test-csv.c: the table a personalised film batch reads, and the script filled from it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "reel-csv.h"

static void
assert_row (ReelCsv *csv, guint row, const char *const *expected)
{
  const char *const *values = reel_csv_get_row (csv, row);

  g_assert_cmpuint (g_strv_length ((GStrv) values), ==, reel_csv_get_n_columns (csv));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (values[i], ==, expected[i]);
}

/* What a spreadsheet saves: quotes around values with commas, quotes and
 * line breaks in them, CRLF line ends and a trailing blank line. */
static void
test_quoted_fields (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCsv) csv
      = reel_csv_parse ("name,pet,note\r\n"
                        "Alice,cat,\"likes milk, and fish\"\r\n"
                        "Bob,\"the \"\"big\"\" dog\",\"line one\r\nline two\"\r\n"
                        ",,\r\n"
                        "\r\n",
                        -1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (reel_csv_get_n_columns (csv), ==, 3);
  g_assert_cmpstr (reel_csv_get_columns (csv)[1], ==, "pet");
  g_assert_cmpuint (reel_csv_get_n_rows (csv), ==, 3);
  assert_row (csv, 0, (const char *[]){ "Alice", "cat", "likes milk, and fish", NULL });
  assert_row (csv, 1, (const char *[]){ "Bob", "the \"big\" dog", "line one\nline two", NULL });
  assert_row (csv, 2, (const char *[]){ "", "", "", NULL });
}

/* Excel's "CSV UTF-8" starts with a byte-order mark; the first column's name
 * must not carry it. Chinese names and values, LF and a last line without
 * a line end. */
static void
test_bom_and_chinese (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCsv) csv
      = reel_csv_parse ("\xEF\xBB\xBF名字,宠物\n小明,猫\n\n王芳,\"小狗，很乖\"", -1, &error);

  g_assert_no_error (error);
  g_assert_cmpint (reel_csv_find_column (csv, "名字"), ==, 0);
  g_assert_cmpint (reel_csv_find_column (csv, " 宠物 "), ==, 1);
  g_assert_cmpint (reel_csv_find_column (csv, "name"), ==, -1);
  g_assert_cmpuint (reel_csv_get_n_rows (csv), ==, 2);
  g_assert_cmpstr (reel_csv_get_value (csv, 1, 1), ==, "小狗，很乖");
}

/* Each mistake is named with where it is, so a teacher can fix the file. */
static void
test_errors (void)
{
  struct
  {
    const char *data;
    int         code;
    const char *says;
  } cases[] = {
    { "name,pet\nAlice,cat\nBob\nCarol,hen\n", REEL_CSV_ERROR_RAGGED,
      "Row 2 of the table (line 3)" },
    { "name,pet\n\"Alice\nand Ann\",cat\nBob,dog,extra\n", REEL_CSV_ERROR_RAGGED,
      "Row 2 of the table (line 4) has 3 values" },
    { "name,pet\nAlice,\"cat\n", REEL_CSV_ERROR_INVALID, "opened on line 2" },
    { "name,pet\nAlice,\"cat\"s\n", REEL_CSV_ERROR_INVALID, "Line 2" },
    { "name,pet\nAl\xFFice,cat\n", REEL_CSV_ERROR_INVALID, "Line 2" },
    { "\xFF\xFEn\0a\0", REEL_CSV_ERROR_INVALID, "UTF-16" },
    { "", REEL_CSV_ERROR_NO_HEADER, "empty" },
    { "\r\n\r\n", REEL_CSV_ERROR_NO_HEADER, "empty" },
    { "name,,pet\n", REEL_CSV_ERROR_NO_HEADER, "Column 2" },
    { "name,Name,name \n", REEL_CSV_ERROR_NO_HEADER, "two columns called “name”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ReelCsv) csv = reel_csv_parse (cases[i].data, i == 5 ? 6 : -1, &error);

      g_test_message ("case %u", i);
      g_assert_null (csv);
      g_assert_error (error, REEL_CSV_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }
}

static void
test_fill_template (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCsv) csv
      = reel_csv_parse ("name,pet,名字\nAlice,\"big\ncat\",小明\nBob,dog,王芳\n", -1, &error);
  g_autofree char *filled = NULL;
  g_auto (GStrv) names = NULL;
  const char *template
      = "INT. {name}'S HOUSE - DAY\n\n{ name } feeds the {pet}. {{not a column}}\n\n"
        "{名字}喂了{pet}。";

  g_assert_no_error (error);
  filled = reel_csv_fill_template (csv, template, 0, &error);
  g_assert_no_error (error);
  /* A line break in a value would split a heading or a speech. */
  g_assert_cmpstr (filled, ==,
                   "INT. Alice'S HOUSE - DAY\n\nAlice feeds the big cat. {not a column}\n\n"
                   "小明喂了big cat。");
  g_clear_pointer (&filled, g_free);
  filled = reel_csv_fill_template (csv, template, 1, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (filled, "王芳喂了dog。"));

  names = reel_csv_list_placeholders (template, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (names, ((const char *[]){ "name", "pet", "名字", NULL }));
}

static void
test_fill_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCsv) csv = reel_csv_parse ("name\nAlice\nBob\n", -1, &error);
  g_autofree char *filled = NULL;
  g_auto (GStrv) names = NULL;

  g_assert_no_error (error);
  filled = reel_csv_fill_template (csv, "{name} and\nthe {pet}", 1, &error);
  g_assert_null (filled);
  g_assert_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_UNKNOWN_COLUMN);
  g_assert_nonnull (strstr (error->message, "{pet} on line 2"));
  g_assert_nonnull (strstr (error->message, "“pet” for row 2"));
  g_clear_error (&error);

  filled = reel_csv_fill_template (csv, "{name}\nA { brace", 0, &error);
  g_assert_null (filled);
  g_assert_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_PLACEHOLDER);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);

  names = reel_csv_list_placeholders ("{}", &error);
  g_assert_null (names);
  g_assert_error (error, REEL_CSV_ERROR, REEL_CSV_ERROR_PLACEHOLDER);
}

static void
test_read_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileIOStream) stream = NULL;
  g_autoptr (GFile) file = g_file_new_tmp ("test-csv-XXXXXX.csv", &stream, &error);
  g_autoptr (ReelCsv) csv = NULL;

  g_assert_no_error (error);
  g_assert_true (
      g_file_replace_contents (file, "name\r\nAlice\r\n", 13, NULL, FALSE, 0, NULL, NULL, &error));
  csv = reel_csv_read_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reel_csv_get_value (csv, 0, 0), ==, "Alice");
  g_file_delete (file, NULL, NULL);
}

/* The preview before a batch: which shots differ between the films. */
static void
test_varying_shots (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCsv) csv = reel_csv_parse ("name,pet\nAlice,cat\nBob,cat\n", -1, &error);
  g_autoptr (GArray) varying = NULL;
  guint n_shots = 0;

  varying = reel_csv_find_varying_shots (csv,
                                         "INT. ROOM - DAY\n\nThe door opens.\n\n{name} waves.\n\n"
                                         "The {pet} sleeps.\n\nBOB\nHello, {name}.\n",
                                         10, &n_shots, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_shots, ==, 3);
  g_assert_cmpuint (varying->len, ==, 2);
  g_assert_cmpuint (g_array_index (varying, guint, 0), ==, 1);
  /* The speech belongs to the third shot, and names the pupil. */
  g_assert_cmpuint (g_array_index (varying, guint, 1), ==, 2);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/quoted-fields", test_quoted_fields);
  g_test_add_func ("/csv/bom-and-chinese", test_bom_and_chinese);
  g_test_add_func ("/csv/errors", test_errors);
  g_test_add_func ("/csv/fill-template", test_fill_template);
  g_test_add_func ("/csv/fill-errors", test_fill_errors);
  g_test_add_func ("/csv/read-file", test_read_file);
  g_test_add_func ("/csv/varying-shots", test_varying_shots);
  return g_test_run ();
}
