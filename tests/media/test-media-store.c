/* test-media-store.c: the content-addressed media folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "reel-media-store.h"
#include "reel-test-utils.h"

typedef struct
{
  char           *tmpdir;
  char           *store_path;
  ReelMediaStore *store;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GFile) directory = NULL;

  fixture->tmpdir = reel_test_make_tmpdir ();
  fixture->store_path = g_build_filename (fixture->tmpdir, "Film.media", NULL);
  directory = g_file_new_for_path (fixture->store_path);
  fixture->store = reel_media_store_new (directory);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_clear_object (&fixture->store);
  reel_test_rm_rf (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->store_path);
}

/* A half-second 160×90 H.264 MP4 at 24 fps. */
static char *
make_video (const char *dir, const char *name, gboolean faststart, gboolean with_audio)
{
  char            *path = g_build_filename (dir, name, NULL);
  g_autofree char *description = g_strdup_printf (
      "videotestsrc num-buffers=12 pattern=ball ! video/x-raw,width=160,height=90,framerate=24/1 ! "
      "x264enc ! mp4mux name=mux faststart=%s ! filesink location=\"%s\" %s",
      faststart ? "true" : "false", path,
      with_audio ? "audiotestsrc num-buffers=12 samplesperbuffer=1000 ! audioconvert ! voaacenc ! "
                   "mux."
                 : "");

  reel_test_run_pipeline (description);
  return path;
}

static char *
make_image (const char *dir, const char *name, const char *encoder)
{
  char            *path = g_build_filename (dir, name, NULL);
  g_autofree char *description = g_strdup_printf (
      "videotestsrc num-buffers=1 pattern=smpte ! video/x-raw,width=64,height=48 ! videoconvert ! "
      "%s ! filesink location=\"%s\"",
      encoder, path);

  reel_test_run_pipeline (description);
  return path;
}

static char *
write_file (const char *dir, const char *name, GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* Paths of the regular files below @dir, relative to it, sorted. */
static void
collect_files (const char *dir, const char *prefix, GPtrArray *files)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *relative = prefix ? g_build_filename (prefix, name, NULL) : g_strdup (name);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, relative, files);
      else
        g_ptr_array_add (files, g_steal_pointer (&relative));
    }
}

static GPtrArray *
list_files (const char *dir)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  collect_files (dir, NULL, files);
  g_ptr_array_sort (files, (GCompareFunc) g_strcmp0);
  return files;
}

static void
assert_store_empty (Fixture *fixture)
{
  g_autoptr (GPtrArray) files = list_files (fixture->store_path);

  for (guint i = 0; i < files->len; i++)
    g_test_message ("left behind: %s", (char *) g_ptr_array_index (files, i));
  g_assert_cmpuint (files->len, ==, 0);
}

static void
assert_temp_empty (Fixture *fixture)
{
  g_autofree char *temp_dir = g_build_filename (fixture->store_path, ".tmp", NULL);
  g_autoptr (GPtrArray) files = list_files (temp_dir);

  g_assert_cmpuint (files->len, ==, 0);
}

static void
test_add_video (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char *source = make_video (fixture->tmpdir, "clip.mp4", TRUE, FALSE);
  g_autofree char *sha256 = reel_test_sha256_file (source);
  g_autofree char *expected = g_strdup_printf ("%.2s/%s.mp4", sha256, sha256);
  g_autofree char *stored = NULL;
  g_autofree char *stored_sha256 = NULL;
  g_autoptr (GPtrArray) files = NULL;

  info = reel_media_store_add_file (fixture->store, source, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  g_assert_cmpstr (info->sha256, ==, sha256);
  g_assert_cmpstr (info->relative_path, ==, expected);
  g_assert_cmpint (info->kind, ==, REEL_MEDIA_KIND_VIDEO);
  g_assert_cmpuint (info->width, ==, 160);
  g_assert_cmpuint (info->height, ==, 90);
  g_assert_cmpfloat_with_epsilon (info->fps, 24.0, 0.001);
  g_assert_cmpfloat_with_epsilon (info->duration, 0.5, 1.0 / 24);
  g_assert_cmpstr (info->container, ==, "video/quicktime");
  g_assert_cmpstr (info->video_codec, ==, "video/x-h264");
  g_assert_false (info->has_audio);

  /* The stored file is a byte-identical copy at its address, the source stays. */
  stored = reel_media_store_get_path (fixture->store, info->relative_path);
  stored_sha256 = reel_test_sha256_file (stored);
  g_assert_cmpstr (stored_sha256, ==, sha256);
  g_assert_true (g_file_test (source, G_FILE_TEST_IS_REGULAR));

  files = list_files (fixture->store_path);
  g_assert_cmpuint (files->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (files, 0), ==, expected);
  assert_temp_empty (fixture);

  g_assert_true (reel_media_store_check (fixture->store, info->relative_path, NULL, &error));
  g_assert_no_error (error);
}

static void
test_add_same_content_twice (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) first = NULL;
  g_autoptr (ReelMediaInfo) second = NULL;
  g_autoptr (ReelMediaInfo) third = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *source = make_video (fixture->tmpdir, "clip.mp4", TRUE, FALSE);
  g_autofree char *renamed = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *stored = NULL;
  g_autoptr (GPtrArray) files = NULL;
  GStatBuf before, after;

  first = reel_media_store_add_file (fixture->store, source, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  stored = reel_media_store_get_path (fixture->store, first->relative_path);
  g_assert_cmpint (g_stat (stored, &before), ==, 0);

  /* Same bytes under another name, copied and then moved in. */
  bytes = read_file (source);
  renamed = write_file (fixture->tmpdir, "other name.mov", bytes);
  second = reel_media_store_add_file (fixture->store, renamed, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->relative_path, ==, first->relative_path);

  temp_path = reel_media_store_new_temp_path (fixture->store, "mp4", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (temp_path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), &error));
  third = reel_media_store_add_file (fixture->store, temp_path, REEL_MEDIA_ADD_MOVE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (third->relative_path, ==, first->relative_path);
  g_assert_false (g_file_test (temp_path, G_FILE_TEST_EXISTS));

  /* The verified file was never rewritten. */
  g_assert_cmpint (g_stat (stored, &after), ==, 0);
  g_assert_cmpuint (after.st_ino, ==, before.st_ino);
  g_assert_cmpint (after.st_mtime, ==, before.st_mtime);
  g_assert_cmpint (after.st_nlink, ==, 1);

  files = list_files (fixture->store_path);
  g_assert_cmpuint (files->len, ==, 1);
  assert_temp_empty (fixture);
}

static void
test_move_from_temp_path (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *source = make_video (fixture->tmpdir, "render.mp4", TRUE, FALSE);
  g_autofree char *temp_path = NULL;
  g_autofree char *temp_dir = g_build_filename (fixture->store_path, ".tmp", NULL);
  g_autofree char *other = NULL;

  temp_path = reel_media_store_new_temp_path (fixture->store, "mp4", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (temp_path, temp_dir));
  g_assert_true (g_str_has_suffix (temp_path, ".mp4"));

  /* Each call gives another name. */
  other = reel_media_store_new_temp_path (fixture->store, "mp4", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other, !=, temp_path);
  g_unlink (other);

  bytes = read_file (source);
  g_assert_true (g_file_set_contents (temp_path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), &error));

  info = reel_media_store_add_file (fixture->store, temp_path, REEL_MEDIA_ADD_MOVE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_false (g_file_test (temp_path, G_FILE_TEST_EXISTS));
  assert_temp_empty (fixture);
  g_assert_true (
      reel_media_store_check (fixture->store, info->relative_path, info->sha256, &error));
  g_assert_no_error (error);
}

static void
assert_refused (Fixture *fixture, const char *path, ReelMediaAddFlags flags, int expected_code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char *basename = g_path_get_basename (path);

  info = reel_media_store_add_file (fixture->store, path, flags, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, REEL_MEDIA_ERROR, expected_code);
  g_test_message ("%s: %s", basename, error->message);
  /* The user is told which file is wrong. */
  g_assert_nonnull (strstr (error->message, basename));
  assert_store_empty (fixture);
}

static void
test_refuses_random_bytes (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  guint8           data[32768];

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  bytes = g_bytes_new (data, sizeof data);
  path = write_file (fixture->tmpdir, "clip.mp4", bytes);

  assert_refused (fixture, path, REEL_MEDIA_ADD_COPY, REEL_MEDIA_ERROR_NOT_MEDIA);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A worker's refused output is consumed too: nothing stays in .tmp. */
  assert_refused (fixture, path, REEL_MEDIA_ADD_MOVE, REEL_MEDIA_ERROR_NOT_MEDIA);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_refuses_truncated_video (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *faststart = make_video (fixture->tmpdir, "faststart.mp4", TRUE, FALSE);
  g_autofree char *plain = make_video (fixture->tmpdir, "plain.mp4", FALSE, FALSE);
  const char      *sources[] = { faststart, plain };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr (GBytes) bytes = read_file (sources[i]);
      g_autoptr (GBytes) head
          = g_bytes_new_from_bytes (bytes, 0, g_bytes_get_size (bytes) * 6 / 10);
      g_autofree char *name = g_strdup_printf ("cut-short-%u.mp4", i);
      g_autofree char *path = write_file (fixture->tmpdir, name, head);
      g_autoptr (GError) error = NULL;
      g_autoptr (ReelMediaInfo) info = NULL;

      info = reel_media_store_add_file (fixture->store, path, REEL_MEDIA_ADD_COPY, NULL, &error);
      g_assert_null (info);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", name, error->message);
      g_assert_true (error->domain == REEL_MEDIA_ERROR);
      g_assert_true (error->code == REEL_MEDIA_ERROR_DAMAGED
                     || error->code == REEL_MEDIA_ERROR_NOT_MEDIA);
      g_assert_nonnull (strstr (error->message, name));
      assert_store_empty (fixture);
    }
}

static void
test_refuses_empty_and_missing (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GBytes) nothing = g_bytes_new (NULL, 0);
  g_autofree char *empty = write_file (fixture->tmpdir, "empty.mp4", nothing);
  g_autofree char *missing = g_build_filename (fixture->tmpdir, "gone.mp4", NULL);

  assert_refused (fixture, empty, REEL_MEDIA_ADD_COPY, REEL_MEDIA_ERROR_DAMAGED);
  assert_refused (fixture, missing, REEL_MEDIA_ADD_COPY, REEL_MEDIA_ERROR_MISSING);
}

static void
test_add_images (Fixture *fixture, gconstpointer user_data)
{
  const struct
  {
    const char *name;
    const char *encoder;
    const char *extension;
    const char *codec;
  } images[] = {
    { "board.png", "pngenc", ".png", "image/png" },
    /* A JPEG saved with the wrong extension is still stored as what it is. */
    { "board.png.jpeg", "jpegenc", ".jpg", "image/jpeg" },
    { "board.webp", "webpenc", ".webp", "image/webp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ReelMediaInfo) info = NULL;
      g_autofree char *path = make_image (fixture->tmpdir, images[i].name, images[i].encoder);

      info = reel_media_store_add_file (fixture->store, path, REEL_MEDIA_ADD_COPY, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (info->kind, ==, REEL_MEDIA_KIND_IMAGE);
      g_assert_cmpuint (info->width, ==, 64);
      g_assert_cmpuint (info->height, ==, 48);
      g_assert_cmpstr (info->video_codec, ==, images[i].codec);
      g_assert_true (g_str_has_suffix (info->relative_path, images[i].extension));
      g_assert_true (reel_media_store_check (fixture->store, info->relative_path, NULL, &error));
    }

  assert_temp_empty (fixture);
}

static void
test_check_reports_missing_and_damaged (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GByteArray) altered = NULL;
  g_autofree char *source = make_video (fixture->tmpdir, "clip.mp4", TRUE, FALSE);
  g_autofree char *stored = NULL;

  info = reel_media_store_add_file (fixture->store, source, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  stored = reel_media_store_get_path (fixture->store, info->relative_path);

  g_assert_true (
      reel_media_store_check (fixture->store, info->relative_path, info->sha256, &error));
  g_assert_no_error (error);

  /* Another hash than the one recorded: the file changed. */
  g_assert_false (reel_media_store_check (fixture->store, info->relative_path,
                                          "00000000000000000000000000000000"
                                          "00000000000000000000000000000000",
                                          &error));
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED);
  g_clear_error (&error);

  /* One flipped byte. */
  bytes = read_file (stored);
  altered = g_bytes_unref_to_array (g_bytes_ref (bytes));
  altered->data[altered->len / 2] ^= 0xff;
  g_assert_true (g_file_set_contents (stored, (char *) altered->data, altered->len, &error));
  g_assert_false (reel_media_store_check (fixture->store, info->relative_path, NULL, &error));
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Emptied. */
  g_assert_true (g_file_set_contents (stored, "", 0, &error));
  g_assert_false (reel_media_store_check (fixture->store, info->relative_path, NULL, &error));
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED);
  g_clear_error (&error);

  /* Deleted. */
  g_assert_cmpint (g_unlink (stored), ==, 0);
  g_assert_false (reel_media_store_check (fixture->store, info->relative_path, NULL, &error));
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* A path leading out of the store is never looked at. */
  g_assert_false (reel_media_store_check (fixture->store, "../clip.mp4", NULL, &error));
  g_assert_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING);
  g_clear_error (&error);

  /* Adding the content again repairs the store. */
  g_clear_pointer (&info, reel_media_info_free);
  info = reel_media_store_add_file (fixture->store, source, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reel_media_store_check (fixture->store, info->relative_path, NULL, &error));
  g_assert_no_error (error);
}

static void
test_probe_video_with_sound (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char *path = make_video (fixture->tmpdir, "talk.mp4", TRUE, TRUE);

  info = reel_media_probe (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->kind, ==, REEL_MEDIA_KIND_VIDEO);
  g_assert_true (info->has_audio);
  g_assert_cmpstr (info->audio_codec, ==, "audio/mpeg");
  g_assert_null (info->sha256);
  g_assert_null (info->relative_path);
}

static void
test_thumbnail (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) video = NULL;
  g_autoptr (ReelMediaInfo) thumbnail = NULL;
  g_autofree char *source = make_video (fixture->tmpdir, "clip.mp4", TRUE, FALSE);
  g_autofree char *png = g_build_filename (fixture->tmpdir, "thumb.png", NULL);
  cairo_surface_t *surface;

  g_assert_true (reel_media_make_thumbnail (source, 0.25, 80, png, NULL, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 80);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 45);
  cairo_surface_destroy (surface);

  /* A time past the end shows the last frame instead of failing. */
  g_assert_true (reel_media_make_thumbnail (source, 99, 0, png, NULL, &error));
  g_assert_no_error (error);

  video = reel_media_store_add_file (fixture->store, source, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  thumbnail = reel_media_store_add_thumbnail (fixture->store, video->relative_path, 0.1, 64, NULL,
                                              &error);
  g_assert_no_error (error);
  g_assert_cmpint (thumbnail->kind, ==, REEL_MEDIA_KIND_IMAGE);
  g_assert_cmpuint (thumbnail->width, ==, 64);
  g_assert_cmpuint (thumbnail->height, ==, 36);
  g_assert_true (g_str_has_suffix (thumbnail->relative_path, ".png"));
  assert_temp_empty (fixture);
}

static void
add_file_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The async import returns to the calling thread's main context, with the
 * video's thumbnail when asked for one. */
static void
test_add_file_async (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ReelMediaInfo) video = NULL;
  g_autoptr (ReelMediaInfo) thumbnail = NULL;
  g_autofree char *source = make_video (fixture->tmpdir, "clip.mp4", TRUE, FALSE);

  reel_media_store_add_file_async (fixture->store, source, REEL_MEDIA_ADD_COPY, 64, NULL,
                                   add_file_done_cb, &result);
  reel_test_wait_until (reel_test_pointer_is_set, &result, 30000, "the video to be added");
  video = reel_media_store_add_file_finish (fixture->store, result, &thumbnail, &error);
  g_assert_no_error (error);
  g_assert_cmpint (video->kind, ==, REEL_MEDIA_KIND_VIDEO);
  g_assert_true (g_file_test (source, G_FILE_TEST_EXISTS));
  g_assert_nonnull (thumbnail);
  g_assert_cmpint (thumbnail->kind, ==, REEL_MEDIA_KIND_IMAGE);
  g_assert_cmpuint (thumbnail->width, ==, 64);

  /* Garbage is refused through the same path. */
  g_clear_object (&result);
  g_clear_pointer (&video, reel_media_info_free);
  g_clear_pointer (&thumbnail, reel_media_info_free);
  {
    g_autofree char *junk = g_build_filename (fixture->tmpdir, "junk.mp4", NULL);

    g_assert_true (g_file_set_contents (junk, "not a film at all", -1, NULL));
    reel_media_store_add_file_async (fixture->store, junk, REEL_MEDIA_ADD_COPY, 64, NULL,
                                     add_file_done_cb, &result);
    reel_test_wait_until (reel_test_pointer_is_set, &result, 30000, "the junk to be refused");
    video = reel_media_store_add_file_finish (fixture->store, result, &thumbnail, &error);
    g_assert_null (video);
    g_assert_null (thumbnail);
    g_assert_nonnull (error);
  }
  assert_temp_empty (fixture);
}

static void
test_cancelled (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (ReelMediaInfo) info = NULL;
  g_autofree char *source = make_video (fixture->tmpdir, "clip.mp4", TRUE, FALSE);

  g_cancellable_cancel (cancellable);
  info = reel_media_store_add_file (fixture->store, source, REEL_MEDIA_ADD_COPY, cancellable,
                                    &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_store_empty (fixture);
}

static void
test_stale_temporaries (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *first = reel_media_store_new_temp_path (fixture->store, "mp4", &error);
  g_autofree char *second = reel_media_store_new_temp_path (fixture->store, "png", &error);

  g_assert_no_error (error);
  /* Fresh temporaries belong to running workers and stay. */
  g_assert_cmpuint (reel_media_store_remove_stale_temporaries (fixture->store, G_TIME_SPAN_HOUR),
                    ==, 0);
  g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (reel_media_store_remove_stale_temporaries (fixture->store, 0), ==, 2);
  assert_store_empty (fixture);
}

typedef struct
{
  ReelMediaStore *store;
  const char     *source;
} AddJob;

static gpointer
add_in_thread (gpointer data)
{
  AddJob *job = data;
  g_autoptr (GError) error = NULL;
  ReelMediaInfo *info;

  info = reel_media_store_add_file (job->store, job->source, REEL_MEDIA_ADD_COPY, NULL, &error);
  g_assert_no_error (error);
  return info;
}

static void
test_workers_add_concurrently (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *source = make_video (fixture->tmpdir, "clip.mp4", TRUE, FALSE);
  g_autoptr (GPtrArray) files = NULL;
  AddJob   job = { fixture->store, source };
  GThread *threads[4];
  char    *relative_path = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("add", add_in_thread, &job);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autoptr (ReelMediaInfo) info = g_thread_join (threads[i]);

      g_assert_nonnull (info);
      if (relative_path == NULL)
        relative_path = g_strdup (info->relative_path);
      g_assert_cmpstr (info->relative_path, ==, relative_path);
    }

  files = list_files (fixture->store_path);
  g_assert_cmpuint (files->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (files, 0), ==, relative_path);
  g_free (relative_path);
}

static void
test_media_kind_strings (void)
{
  ReelMediaKind kind = REEL_MEDIA_KIND_VIDEO;

  g_assert_cmpstr (reel_media_kind_to_string (REEL_MEDIA_KIND_IMAGE), ==, "image");
  g_assert_true (reel_media_kind_from_string ("audio", &kind));
  g_assert_cmpint (kind, ==, REEL_MEDIA_KIND_AUDIO);
  g_assert_false (reel_media_kind_from_string ("hologram", &kind));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

#define ADD_TEST(path, func)                                                                       \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("/media-store/add-video", test_add_video);
  ADD_TEST ("/media-store/add-same-content-twice", test_add_same_content_twice);
  ADD_TEST ("/media-store/move-from-temp-path", test_move_from_temp_path);
  ADD_TEST ("/media-store/refuses-random-bytes", test_refuses_random_bytes);
  ADD_TEST ("/media-store/refuses-truncated-video", test_refuses_truncated_video);
  ADD_TEST ("/media-store/refuses-empty-and-missing", test_refuses_empty_and_missing);
  ADD_TEST ("/media-store/add-images", test_add_images);
  ADD_TEST ("/media-store/check-reports-missing-and-damaged",
            test_check_reports_missing_and_damaged);
  ADD_TEST ("/media-store/probe-video-with-sound", test_probe_video_with_sound);
  ADD_TEST ("/media-store/thumbnail", test_thumbnail);
  ADD_TEST ("/media-store/add-file-async", test_add_file_async);
  ADD_TEST ("/media-store/cancelled", test_cancelled);
  ADD_TEST ("/media-store/stale-temporaries", test_stale_temporaries);
  ADD_TEST ("/media-store/workers-add-concurrently", test_workers_add_concurrently);
  g_test_add_func ("/media-store/kind-strings", test_media_kind_strings);

#undef ADD_TEST

  return g_test_run ();
}
