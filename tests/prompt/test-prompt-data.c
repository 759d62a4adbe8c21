/* test-prompt-data.c
 *
 * The prompt module's data files: the shipped file is read from the
 * GResource, and the user's file of the same name adds entries or takes
 * shipped ones away.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "reel-prompt-data.h"
#include "reel-test-utils.h"

/* Returns where the user's file @name goes, in the test's own user data
 * directory (set once in main(), as GLib reads it once), with no file there
 * yet. */
static char *
fresh_user_file (const char *name)
{
  g_autofree char *path = reel_prompt_data_dup_user_path (name);
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_true (g_str_has_prefix (path, g_getenv ("XDG_DATA_HOME")));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_remove (path);
  return g_steal_pointer (&path);
}

static gboolean
has_line (GPtrArray *lines, const char *line)
{
  return g_ptr_array_find_with_equal_func (lines, line, (GEqualFunc) g_str_equal, NULL);
}

static void
test_shipped_only (void)
{
  g_autofree char *user = fresh_user_file ("README.md");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = reel_prompt_data_read_lines ("README.md", &error);

  g_assert_no_error (error);
  /* Headings are comments; text lines are entries. */
  g_assert_false (has_line (lines, "# Storyreel's prompt data"));
  g_assert_true (has_line (lines, "- UTF-8 text, one entry per line."));
}

static void
test_user_extends_and_removes (void)
{
  g_autofree char *user = fresh_user_file ("README.md");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = NULL;

  g_assert_true (g_file_set_contents (user,
                                      "# mine\r\n\r\n"
                                      "推镜头\tdolly-in  \r\n"
                                      "!- UTF-8 text, one entry per line.\n",
                                      -1, NULL));
  lines = reel_prompt_data_read_lines ("README.md", &error);
  g_assert_no_error (error);
  g_assert_true (has_line (lines, "推镜头\tdolly-in"));
  g_assert_false (has_line (lines, "- UTF-8 text, one entry per line."));
  g_assert_false (has_line (lines, "# mine"));
  g_assert_false (has_line (lines, ""));
}

static void
test_bad_user_file (void)
{
  g_autofree char *user = fresh_user_file ("README.md");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = NULL;

  g_assert_true (g_file_set_contents (user, "caf\xe9\n", -1, NULL));
  lines = reel_prompt_data_read_lines ("README.md", &error);
  g_assert_null (lines);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, user));
}

static void
test_missing_shipped_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = reel_prompt_data_read_lines ("no-such-list.tsv", &error);

  g_assert_null (lines);
  g_assert_error (error, G_RESOURCE_ERROR, G_RESOURCE_ERROR_NOT_FOUND);
}

static void
test_split_fields (void)
{
  g_auto (GStrv) two = reel_prompt_data_split_fields ("特写 \t close-up\textra", 2);
  g_auto (GStrv) three = reel_prompt_data_split_fields ("pan left", 3);

  g_assert_cmpuint (g_strv_length (two), ==, 2);
  g_assert_cmpstr (two[0], ==, "特写");
  g_assert_cmpstr (two[1], ==, "close-up\textra");
  g_assert_cmpuint (g_strv_length (three), ==, 3);
  g_assert_cmpstr (three[0], ==, "pan left");
  g_assert_cmpstr (three[2], ==, "");
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-prompt-XXXXXX", NULL);
  int              status;

  g_assert_nonnull (home);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/prompt/data/shipped", test_shipped_only);
  g_test_add_func ("/prompt/data/user-extends-and-removes", test_user_extends_and_removes);
  g_test_add_func ("/prompt/data/bad-user-file", test_bad_user_file);
  g_test_add_func ("/prompt/data/missing-shipped-file", test_missing_shipped_file);
  g_test_add_func ("/prompt/data/split-fields", test_split_fields);

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
