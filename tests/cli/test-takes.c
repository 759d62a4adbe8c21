/* test-takes.c: `storyreel take list` and `take choose`, and stills in the film, on the real binary
 *
 * A new user renders a three-scene English and Chinese script, imports a
 * still for a shot and wants the film to show it. Takes are numbered 1, 2,
 * 3 per shot in the order they were made, as the take strip numbers them;
 * `take choose` takes that number or the take's id; a still is listed as a
 * still, not as a take of 0.0 s; and the film made afterwards shows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "reel-media-store.h"
#include "reel-project.h"
#include "reel-test-utils.h"

/* Three scenes in English and Chinese: one shot each, 4 s long. */
static const char script_text[] = "INT. KITCHEN - DAY\n"
                                  "\n"
                                  "Mia pours tea by the window.\n"
                                  "\n"
                                  "MIA\n"
                                  "Good morning.\n"
                                  "\n"
                                  "EXT. 花园 - 白天\n"
                                  "\n"
                                  "小猫在花丛中跳来跳去。\n"
                                  "\n"
                                  "INT. LIBRARY - NIGHT\n"
                                  "\n"
                                  "An old clock ticks on the wall.\n";

typedef struct
{
  char *dir;
  char *binary;
  char *script;
  char *still;
  char *film;
  char *project;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *pipeline = NULL;

  fixture->dir = reel_test_make_tmpdir ();
  fixture->binary = reel_test_build_path ("app/storyreel");
  fixture->script = g_build_filename (fixture->dir, "rain.fountain", NULL);
  fixture->still = g_build_filename (fixture->dir, "red.png", NULL);
  fixture->film = g_build_filename (fixture->dir, "film.mp4", NULL);
  /* render keeps its project beside the script (here also where the film goes). */
  fixture->project = g_build_filename (fixture->dir, "rain.storyreel", NULL);

  g_assert_true (g_file_set_contents (fixture->script, script_text, -1, NULL));
  /* A red still, nothing like a storyboard card. */
  pipeline = g_strdup_printf ("videotestsrc pattern=red num-buffers=1"
                              " ! video/x-raw,width=160,height=90 ! pngenc"
                              " ! filesink location=\"%s\"",
                              fixture->still);
  reel_test_run_pipeline (pipeline);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->binary);
  g_free (fixture->script);
  g_free (fixture->still);
  g_free (fixture->film);
  g_free (fixture->project);
}

/* Runs storyreel with the arguments after @err; NULL-terminated. */
static int
run (Fixture *fixture, char **out, char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;
  const char      *arg;
  va_list          args;
  int              status;

  g_ptr_array_add (argv, fixture->binary);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  status = reel_test_spawn ((const char *const *) argv->pdata, NULL, &out_text, &err_text);
  g_test_message ("storyreel %s → %d\n%s%s", (char *) argv->pdata[1], status, out_text, err_text);
  if (out != NULL)
    *out = g_steal_pointer (&out_text);
  if (err != NULL)
    *err = g_steal_pointer (&err_text);
  return status;
}

static gboolean
is_one_line (const char *text)
{
  return text != NULL && g_str_has_suffix (text, "\n")
         && strchr (text, '\n') == strchr (text, '\0') - 1;
}

/* The rows of `take list`, each split into its cells. */
static GPtrArray *
list_rows (Fixture *fixture, const char *shot)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_assert_cmpint (run (fixture, &out, NULL, "take", "list", fixture->project, shot, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  /* The first line names the columns. */
  g_assert_nonnull (lines[0]);
  g_assert_true (g_str_has_prefix (lines[0], "SHOT"));
  for (guint i = 1; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (rows, g_regex_split_simple ("\\s+", lines[i], 0, 0));
  return rows;
}

/* A row: shot, take number, id, kind, backend, length ("4.0 s" is two
 * cells, a still's "—" one), cost, then "chosen" and "board" notes. */
static gboolean
row_has_note (GStrv row, const char *note)
{
  for (guint i = 6; row[i] != NULL; i++)
    {
      g_autofree char *cell = g_strdup (row[i]);

      g_strdelimit (cell, ",", '\0');
      if (g_str_equal (cell, note))
        return TRUE;
    }
  return FALSE;
}

static JsonObject *
inspect_shot (Fixture *fixture, JsonParser *parser, const char *number)
{
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *scenes;

  g_assert_cmpint (run (fixture, &out, NULL, "inspect", fixture->project, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  scenes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "scenes");
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonArray *shots
          = json_object_get_array_member (json_array_get_object_element (scenes, i), "shots");

      for (guint s = 0; s < json_array_get_length (shots); s++)
        {
          JsonObject *shot = json_array_get_object_element (shots, s);

          if (g_str_equal (json_object_get_string_member (shot, "number"), number))
            return shot;
        }
    }
  g_assert_not_reached ();
}

/* The number of the chosen take of a shot, 0 for none. */
static gint64
chosen_number (Fixture *fixture, const char *shot_number)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *takes
      = json_object_get_array_member (inspect_shot (fixture, parser, shot_number), "takes");

  for (guint i = 0; i < json_array_get_length (takes); i++)
    {
      JsonObject *take = json_array_get_object_element (takes, i);

      if (json_object_get_boolean_member (take, "chosen"))
        return json_object_get_int_member (take, "number");
    }
  return 0;
}

/* Whether the middle of the frame at @seconds of @film is the red still. */
static gboolean
frame_is_red (const char *film, double seconds)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *frame = reel_media_load_frame (film, seconds, NULL, &error);
  const guint8    *pixel;
  gboolean         red;

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  cairo_surface_flush (frame);
  pixel = cairo_image_surface_get_data (frame)
          + cairo_image_surface_get_height (frame) / 2 * cairo_image_surface_get_stride (frame)
          + cairo_image_surface_get_width (frame) / 2 * 4;
  /* Cairo's ARGB32 in memory order: B, G, R, A. */
  g_test_message ("%s at %.1f s: R %u G %u B %u", film, seconds, pixel[2], pixel[1], pixel[0]);
  red = pixel[2] > 200 && pixel[1] < 60 && pixel[0] < 60;
  cairo_surface_destroy (frame);
  return red;
}

/* The new user's way: render, import a still, see it listed, choose it,
 * render again; then choose by id, and the errors. */
static void
test_choose_a_still (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *video_id = NULL;
  JsonArray       *takes;

  g_assert_cmpint (run (fixture, NULL, NULL, "render", fixture->script, "-o", fixture->film,
                        "--backend", "animatic", NULL),
                   ==, 0);
  g_assert_false (frame_is_red (fixture->film, 2.0));

  /* Each shot has its animatic take 1, chosen. */
  rows = list_rows (fixture, NULL);
  g_assert_cmpuint (rows->len, ==, 3);
  for (guint i = 0; i < rows->len; i++)
    {
      GStrv row = rows->pdata[i];

      g_assert_cmpstr (row[1], ==, "1");
      g_assert_cmpstr (row[3], ==, "video");
      g_assert_cmpstr (row[4], ==, "animatic");
      g_assert_cmpstr (row[5], ==, "4.0");
      g_assert_true (row_has_note (row, "chosen"));
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The still becomes take 2 of shot 1A and its board; the film goes on
   * showing take 1, and the message says how to show the still. */
  g_assert_cmpint (
      run (fixture, &out, &err, "take", "import", fixture->project, "1A", fixture->still, NULL), ==,
      0);
  g_assert_nonnull (strstr (err, "take 2"));
  g_assert_nonnull (strstr (err, "take choose"));
  g_clear_pointer (&err, g_free);

  rows = list_rows (fixture, "1A");
  g_assert_cmpuint (rows->len, ==, 2);
  {
    GStrv video = rows->pdata[0], still = rows->pdata[1];

    g_assert_cmpstr (video[1], ==, "1");
    g_assert_true (row_has_note (video, "chosen"));
    video_id = g_strdup (video[2]);
    g_assert_cmpstr (still[0], ==, "1A");
    g_assert_cmpstr (still[1], ==, "2");
    /* The id is the one `take import` printed. */
    g_assert_cmpstr (still[2], ==, g_strstrip (out));
    g_assert_cmpstr (still[3], ==, "still");
    g_assert_cmpstr (still[4], ==, "import");
    /* Not a take of 0.0 s: a still has no length of its own. */
    g_assert_cmpstr (still[5], ==, "—");
    g_assert_cmpstr (still[6], ==, "free");
    g_assert_true (row_has_note (still, "board"));
    g_assert_false (row_has_note (still, "chosen"));
  }

  /* The numbers are the ones inspect (and so the take strip) gives. */
  takes = json_object_get_array_member (inspect_shot (fixture, parser, "1A"), "takes");
  g_assert_cmpuint (json_array_get_length (takes), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject      *take = json_array_get_object_element (takes, i);
      GStrv            row = rows->pdata[i];
      g_autofree char *id
          = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (take, "id"));

      g_assert_cmpint (json_object_get_int_member (take, "number"), ==, i + 1);
      g_assert_cmpstr (row[2], ==, id);
    }

  /* Chosen by its number, the still is in the next film. */
  g_assert_cmpint (run (fixture, NULL, NULL, "take", "choose", fixture->project, "1A", "2", NULL),
                   ==, 0);
  g_assert_cmpint (chosen_number (fixture, "1A"), ==, 2);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = list_rows (fixture, "1A");
  g_assert_true (row_has_note (rows->pdata[1], "chosen"));
  g_assert_true (row_has_note (rows->pdata[1], "board"));

  g_assert_cmpint (run (fixture, NULL, NULL, "render", fixture->script, "-o", fixture->film,
                        "--backend", "animatic", NULL),
                   ==, 0);
  g_assert_true (frame_is_red (fixture->film, 2.0));
  g_assert_false (frame_is_red (fixture->film, 6.0));

  /* By id: "id:N" always, a plain id where no take has that number. */
  {
    g_autofree char *by_id = g_strdup_printf ("id:%s", video_id);

    g_assert_cmpint (
        run (fixture, NULL, NULL, "take", "choose", fixture->project, "1A", by_id, NULL), ==, 0);
    g_assert_cmpint (chosen_number (fixture, "1A"), ==, 1);
    g_assert_cmpint (
        run (fixture, NULL, NULL, "take", "choose", fixture->project, "1A", g_strstrip (out), NULL),
        ==, 0);
    g_assert_cmpint (chosen_number (fixture, "1A"), ==, 2);
  }

  /* What is not a take is refused with one line, and changes nothing. */
  {
    const char *const bad_takes[] = { "3", "0", "x", "id:", "id:999", NULL };

    for (guint i = 0; bad_takes[i] != NULL; i++)
      {
        g_assert_cmpint (
            run (fixture, NULL, &err, "take", "choose", fixture->project, "1A", bad_takes[i], NULL),
            ==, 1);
        g_assert_true (is_one_line (err));
        g_clear_pointer (&err, g_free);
      }
    g_assert_cmpint (chosen_number (fixture, "1A"), ==, 2);
  }
  g_assert_cmpint (run (fixture, NULL, &err, "take", "choose", fixture->project, "9Z", "1", NULL),
                   ==, 1);
  g_assert_true (is_one_line (err));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, NULL, &err, "take", "list", fixture->project, "9Z", NULL), ==, 1);
  g_assert_true (is_one_line (err));
  g_clear_pointer (&err, g_free);

  /* Usage errors: 2. */
  g_assert_cmpint (run (fixture, NULL, NULL, "take", "choose", fixture->project, "1A", NULL), ==,
                   2);
  g_assert_cmpint (run (fixture, NULL, NULL, "take", "drop", fixture->project, "1A", "1", NULL), ==,
                   2);
  g_assert_cmpint (run (fixture, NULL, NULL, "take", NULL), ==, 2);
}

/* A shot with a board image and no take: the export draws the still. */
static void
test_board_without_take (Fixture *fixture, gconstpointer data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run (fixture, NULL, NULL, "new", fixture->project, "--resolution", "320x180",
                        "--fps", "12", NULL),
                   ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, "import", fixture->project, fixture->script, NULL), ==,
                   0);
  g_assert_cmpint (run (fixture, NULL, &err, "take", "list", fixture->project, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "No shot has a take yet"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (
      run (fixture, NULL, &err, "take", "import", fixture->project, "2A", fixture->still, NULL), ==,
      0);
  g_assert_nonnull (strstr (err, "which the film shows"));
  g_assert_cmpint (chosen_number (fixture, "2A"), ==, 0);

  g_assert_cmpint (run (fixture, NULL, NULL, "export", fixture->project, "-o", fixture->film, NULL),
                   ==, 0);
  g_assert_false (frame_is_red (fixture->film, 2.0));
  g_assert_true (frame_is_red (fixture->film, 6.0));
  g_assert_false (frame_is_red (fixture->film, 10.0));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add ("/cli/take/choose-a-still", Fixture, NULL, fixture_set_up, test_choose_a_still,
              fixture_tear_down);
  g_test_add ("/cli/take/board-without-take", Fixture, NULL, fixture_set_up,
              test_board_without_take, fixture_tear_down);

  return g_test_run ();
}
