/* test-pdf-boards.c: the PDF storyboard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "interchange-cut.h"
#include "reel-pdf-boards.h"
#include "reel-test-utils.h"

typedef struct
{
  SampleMedia *media;
  ReelCut     *cut;
  char        *dir;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  fixture->media = sample_media_new ();
  fixture->cut = sample_cut_new (fixture->media);
  fixture->dir = reel_test_make_tmpdir ();
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  reel_cut_free (fixture->cut);
  sample_media_free (fixture->media);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static guint
count_files (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (listing) != NULL)
    n++;
  return n;
}

/* Page objects in the file ("/Type /Page", not "/Type /Pages"). */
static guint
count_page_objects (const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  g_autoptr (GRegex) page = g_regex_new ("/Type\\s*/Page(?![A-Za-z])", G_REGEX_RAW, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_regex_match_full (page, contents, length, 0, 0, &match, NULL);
  while (g_match_info_matches (match))
    {
      n++;
      g_match_info_next (match, NULL);
    }
  return n;
}

/* pdfinfo's count where poppler-utils is installed, checked against ours. */
static guint
count_pages (const char *path)
{
  const char      *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = NULL;
  guint            objects = count_page_objects (path);
  int              status = -1;
  const char      *pages;

  info = sample_run_tool (argv, &status);
  if (info == NULL)
    return objects;
  g_assert_cmpint (status, ==, 0);
  pages = strstr (info, "\nPages:");
  g_assert_nonnull (pages);
  g_assert_cmpuint (g_ascii_strtoull (pages + strlen ("\nPages:"), NULL, 10), ==, objects);
  return objects;
}

static void
test_grids (Fixture *fixture, gconstpointer user_data)
{
  const struct
  {
    guint columns, rows, pages;
  } grids[] = {
    { 2, 2, 1 }, { 1, 1, 4 }, { 3, 1, 2 }, { 3, 2, 1 }, { 3, 3, 1 }, { 1, 3, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (grids); i++)
    {
      g_autofree char *name = g_strdup_printf ("boards-%ux%u.pdf", grids[i].columns, grids[i].rows);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autoptr (GError) error = NULL;

      g_assert_cmpuint (
          reel_pdf_boards_count_pages (SAMPLE_N_ITEMS, grids[i].columns, grids[i].rows), ==,
          grids[i].pages);
      g_assert_true (reel_pdf_boards_write (fixture->cut, path, grids[i].columns, grids[i].rows,
                                            NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count_pages (path), ==, grids[i].pages);
    }

  /* Only the finished files: no temporaries left beside them. */
  g_assert_cmpuint (count_files (fixture->dir), ==, G_N_ELEMENTS (grids));
}

static void
test_content (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "boards.pdf", NULL);
  const char      *argv[] = { "pdftotext", "-layout", path, "-", NULL };
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  int status = -1;

  g_assert_true (reel_pdf_boards_write (fixture->cut, path, 2, 2, NULL, &error));
  g_assert_no_error (error);

  /* Keep a copy where people can look at it. */
  if (g_getenv ("G_TEST_BUILDDIR") != NULL)
    {
      g_autofree char *copy
          = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "storyboard-2x2.pdf", NULL);
      g_autofree char *contents = NULL;
      gsize            length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (copy, contents, length, NULL));
    }

  text = sample_run_tool (argv, &status);
  if (text == NULL)
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }
  g_assert_cmpint (status, ==, 0);

  /* The header: title and totals. */
  g_assert_nonnull (strstr (text, "光合作用 Lesson"));
  g_assert_nonnull (strstr (text, "4 shots"));
  g_assert_nonnull (strstr (text, "0:05")); /* 4.75 s */
  g_assert_nonnull (strstr (text, "Page 1 of 1"));
  /* Each frame: number, duration, text (CJK included), captions, camera move. */
  for (guint i = 0; i < fixture->cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (fixture->cut->items, i);

      g_assert_nonnull (strstr (text, item->shot_number));
      g_assert_nonnull (strstr (text, reel_camera_move_get_label (item->camera)));
    }
  g_assert_nonnull (strstr (text, "1.5 s"));
  g_assert_nonnull (strstr (text, "1.8 s")); /* 1.75 s */
  g_assert_nonnull (strstr (text, "老师走进教室"));
  g_assert_nonnull (strstr (text, "老师：同学们好！"));
  g_assert_nonnull (strstr (text, "MARA: (laughing)"));
}

static void
test_failures (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "not-there", "boards.pdf", NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "boards.pdf", NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;

  /* A folder that does not exist: a clear error, and no file. */
  g_assert_false (reel_pdf_boards_write (fixture->cut, missing, 2, 2, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "boards.pdf"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A grid out of range. */
  g_assert_false (reel_pdf_boards_write (fixture->cut, path, 0, 2, NULL, &error));
  g_assert_error (error, REEL_PDF_BOARDS_ERROR, REEL_PDF_BOARDS_ERROR_INVALID_GRID);
  g_clear_error (&error);
  g_assert_false (
      reel_pdf_boards_write (fixture->cut, path, 2, REEL_PDF_BOARDS_MAX_GRID + 1, NULL, &error));
  g_assert_error (error, REEL_PDF_BOARDS_ERROR, REEL_PDF_BOARDS_ERROR_INVALID_GRID);
  g_clear_error (&error);

  /* Cancelled: nothing under the name, nothing beside it. */
  g_cancellable_cancel (cancellable);
  g_assert_false (reel_pdf_boards_write (fixture->cut, path, 2, 2, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
}

static void
test_empty_cut (void)
{
  g_autoptr (ReelCut) cut = reel_cut_new ();
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "empty.pdf", NULL);
  g_autoptr (GError) error = NULL;

  g_free (cut->title);
  cut->title = g_strdup ("Empty");
  cut->width = 1280;
  cut->height = 720;
  cut->fps = 24;
  g_assert_true (reel_pdf_boards_write (cut, path, 3, 2, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_pages (path), ==, 1);
  reel_test_rm_rf (dir);
}

/* How many times @needle appears in @haystack, white space ignored in both
 * (pdftotext breaks lines where the board wraps them). */
static guint
count_occurrences (const char *haystack, const char *needle)
{
  g_autoptr (GString) squeezed_haystack = g_string_new (NULL);
  g_autoptr (GString) squeezed_needle = g_string_new (NULL);
  guint       n = 0;
  const char *p;

  for (p = haystack; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (squeezed_haystack, g_utf8_get_char (p));
  for (p = needle; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (squeezed_needle, g_utf8_get_char (p));
  for (p = strstr (squeezed_haystack->str, squeezed_needle->str); p != NULL;
       p = strstr (p + squeezed_needle->len, squeezed_needle->str))
    n++;
  return n;
}

static ReelCutItem *
add_shot (ReelCut *cut, const char *number, const char *text, const char *media_path)
{
  ReelCutItem *item = reel_cut_item_new ();

  item->shot_id = cut->items->len + 1;
  item->shot_number = g_strdup (number);
  item->scene_heading = g_strdup ("EXT. 码头 - 黄昏");
  item->text = g_strdup (text);
  item->media_path = g_strdup (media_path);
  item->media_is_image = media_path != NULL;
  item->duration = item->out_point = 2.0;
  g_ptr_array_add (cut->items, item);
  return item;
}

static ReelCut *
new_cut (void)
{
  ReelCut *cut = reel_cut_new ();

  cut->title = g_strdup ("渡轮 The Ferry");
  cut->width = 1920;
  cut->height = 1080;
  cut->fps = 24;
  cut->language = g_strdup ("zh-CN");
  return cut;
}

/* The board prints each shot's text once: not inside the frame of a shot
 * without a take (an empty panel, no card with the text drawn in), and not
 * a second time for a shot that is nothing but a speech. */
static void
test_text_once (void)
{
  g_autoptr (ReelCut) cut = new_cut ();
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "boards.pdf", NULL);
  const char      *text_argv[] = { "pdftotext", path, "-", NULL };
  const char      *images_argv[] = { "pdfimages", "-list", path, NULL };
  g_autofree char *text = NULL;
  g_autofree char *images = NULL;
  g_autoptr (GError) error = NULL;
  ReelCutItem *item;
  int          status = -1;

  item = add_shot (cut, "1A", "渡轮靠岸，乘客们涌下舷梯。", NULL);
  g_ptr_array_add (item->captions, reel_caption_new ("小男孩", "妈妈，你一定要回来！", FALSE));
  item = add_shot (cut, "1B", "我一定回来。", NULL);
  g_ptr_array_add (item->captions, reel_caption_new ("妈妈", "我一定回来。", FALSE));
  add_shot (cut, "2A", "The boy runs along the sand, waving.", NULL);
  reel_cut_layout (cut);

  g_assert_true (reel_pdf_boards_write (cut, path, 3, 2, NULL, &error));
  g_assert_no_error (error);

  text = sample_run_tool (text_argv, &status);
  if (text == NULL)
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (count_occurrences (text, "渡轮靠岸，乘客们涌下舷梯。"), ==, 1);
  g_assert_cmpuint (count_occurrences (text, "小男孩：妈妈，你一定要回来！"), ==, 1);
  g_assert_cmpuint (count_occurrences (text, "我一定回来。"), ==, 1);
  g_assert_cmpuint (count_occurrences (text, "妈妈：我一定回来。"), ==, 1);
  g_assert_cmpuint (count_occurrences (text, "The boy runs along the sand, waving."), ==, 1);
  /* Room left to write on under each shot. */
  g_assert_cmpuint (count_occurrences (text, "Notes"), ==, 3);

  /* No take, no picture: the panels are drawn, and hold no text. */
  images = sample_run_tool (images_argv, &status);
  g_assert_nonnull (images);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (images, " image "));
  reel_test_rm_rf (dir);
}

/* A page stays under about 200 KB, even of full-HD frames that no encoder
 * can shrink (noise), in any grid. */
static void
test_size_per_page (void)
{
  g_autoptr (ReelCut) cut = new_cut ();
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *noise = g_build_filename (dir, "noise.png", NULL);
  g_autofree char *line = g_strdup_printf (
      "videotestsrc pattern=snow num-buffers=1 ! video/x-raw,width=1920,height=1080"
      " ! videoconvert ! pngenc ! filesink location=\"%s\"",
      noise);
  const struct
  {
    guint columns, rows;
  } grids[] = { { 3, 2 }, { 2, 2 }, { 1, 1 }, { 4, 3 } };

  reel_test_run_pipeline (line);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *number = g_strdup_printf ("%uA", i + 1);
      ReelCutItem *item = add_shot (cut, number, "雨夜，霓虹灯在积水中闪烁。Rain on neon.", noise);

      g_ptr_array_add (item->captions, reel_caption_new ("阿杰", "快！他们就在后面！", FALSE));
    }
  reel_cut_layout (cut);

  for (guint i = 0; i < G_N_ELEMENTS (grids); i++)
    {
      g_autofree char *name = g_strdup_printf ("boards-%ux%u.pdf", grids[i].columns, grids[i].rows);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GError) error = NULL;
      GStatBuf info;
      guint    pages;

      g_assert_true (
          reel_pdf_boards_write (cut, path, grids[i].columns, grids[i].rows, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (path, &info), ==, 0);
      pages = reel_pdf_boards_count_pages (cut->items->len, grids[i].columns, grids[i].rows);
      g_test_message ("%s: %u pages, %" G_GINT64_FORMAT " bytes", name, pages,
                      (gint64) info.st_size);
      g_assert_cmpint (info.st_size / pages, <=, 200 * 1024);
    }
  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/interchange/pdf-boards/grids", Fixture, NULL, fixture_set_up, test_grids,
              fixture_tear_down);
  g_test_add ("/interchange/pdf-boards/content", Fixture, NULL, fixture_set_up, test_content,
              fixture_tear_down);
  g_test_add ("/interchange/pdf-boards/failures", Fixture, NULL, fixture_set_up, test_failures,
              fixture_tear_down);
  g_test_add_func ("/interchange/pdf-boards/empty", test_empty_cut);
  g_test_add_func ("/interchange/pdf-boards/text-once", test_text_once);
  g_test_add_func ("/interchange/pdf-boards/size-per-page", test_size_per_page);

  return g_test_run ();
}
