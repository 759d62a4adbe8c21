/* cut-fixtures.c: media made on the spot for the cut and export tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>

#include "cut-fixtures.h"
#include "reel-exporter.h"
#include "reel-media-store.h"
#include "reel-test-utils.h"

void
reel_fixture_make_solid_take (const char *path,
                              guint32     rgb,
                              guint       width,
                              guint       height,
                              guint       fps,
                              double      seconds,
                              gboolean    with_audio)
{
  guint            frames = (guint) (seconds * fps + 0.5);
  guint            audio_buffers = (guint) (seconds * 48000 / 1024 + 0.5);
  g_autofree char *audio
      = with_audio ? g_strdup_printf (" audiotestsrc num-buffers=%u samplesperbuffer=1024"
                                      " ! audio/x-raw,rate=48000,channels=2"
                                      " ! avenc_aac ! m.",
                                      audio_buffers)
                   : g_strdup ("");
  g_autofree char *line = g_strdup_printf (
      "videotestsrc num-buffers=%u pattern=solid-color foreground-color=0x%08x"
      " ! video/x-raw,width=%u,height=%u,framerate=%u/1,format=I420"
      " ! x264enc speed-preset=ultrafast key-int-max=%u ! h264parse ! mp4mux name=m"
      " ! filesink location=\"%s\"%s",
      frames, 0xff000000u | rgb, width, height, fps, fps, path, audio);

  reel_test_run_pipeline (line);
}

void
reel_fixture_make_tone (const char *path, double seconds)
{
  g_autofree char *line = g_strdup_printf (
      "audiotestsrc num-buffers=%u samplesperbuffer=4800 wave=sine freq=440 volume=0.8"
      " ! audio/x-raw,rate=48000,channels=2,format=S16LE ! wavenc ! filesink location=\"%s\"",
      (guint) (seconds * 10 + 0.5), path);

  reel_test_run_pipeline (line);
}

/* As the media store records it: the file's content, hashed. */
static char *
dup_file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

ReelCutItem *
reel_fixture_add_item (ReelCut *cut, const char *path, double seconds, const char *backend)
{
  ReelCutItem *item = reel_cut_item_new ();

  item->shot_id = cut->items->len + 1;
  item->shot_number = g_strdup_printf ("1%c", 'A' + cut->items->len);
  item->text = g_strdup ("A shot.");
  item->media_path = g_strdup (path);
  item->media_duration = seconds;
  item->media_sha256 = dup_file_sha256 (path);
  item->out_point = seconds;
  item->duration = seconds;
  item->take_id = 100 + cut->items->len;
  item->backend = g_strdup (backend);
  item->model = g_strdup ("test-model");
  item->prompt = g_strdup ("a solid colour");
  item->seed = 7;
  item->ai_generated = reel_backend_is_generative (backend);
  g_ptr_array_add (cut->items, item);
  return item;
}

typedef struct
{
  GAsyncResult *result;
} ExportWait;

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ExportWait *wait = user_data;
  wait->result = g_object_ref (result);
}

gboolean
reel_fixture_export (ReelCut                 *cut,
                     const ReelExportOptions *options,
                     const char              *output,
                     gboolean                *stream_copied,
                     GError                 **error)
{
  g_autoptr (ReelExporter) exporter = reel_exporter_new (cut, options, output);
  ExportWait wait = { NULL };
  gboolean   ok;

  reel_exporter_run_async (exporter, NULL, export_done_cb, &wait);
  reel_test_wait_until (reel_test_pointer_is_set, &wait.result, REEL_FIXTURE_EXPORT_TIMEOUT_MS,
                        "the export to finish");
  ok = reel_exporter_run_finish (exporter, wait.result, error);
  g_object_unref (wait.result);
  if (ok)
    g_assert_cmpfloat (reel_exporter_get_progress (exporter), ==, 1.0);
  if (stream_copied != NULL)
    *stream_copied = reel_exporter_get_stream_copied (exporter);
  return ok;
}

guint32
reel_fixture_frame_colour (const char *path, double seconds)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = reel_media_load_frame (path, seconds, NULL, &error);
  guint32          pixel;
  int              x, y;

  g_assert_no_error (error);
  g_assert_nonnull (surface);
  cairo_surface_flush (surface);
  x = cairo_image_surface_get_width (surface) / 2;
  y = cairo_image_surface_get_height (surface) / 2;
  pixel = *(guint32 *) (cairo_image_surface_get_data (surface)
                        + y * cairo_image_surface_get_stride (surface) + x * 4);
  cairo_surface_destroy (surface);
  return pixel & 0xffffff;
}

gboolean
reel_fixture_colour_near (guint32 a, guint32 b, guint tolerance)
{
  for (guint shift = 0; shift < 24; shift += 8)
    {
      int ca = (a >> shift) & 0xff;
      int cb = (b >> shift) & 0xff;

      if ((guint) ABS (ca - cb) > tolerance)
        return FALSE;
    }
  return TRUE;
}

char **
reel_fixture_list_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_strv_builder_add (builder, name);
  return g_strv_builder_end (builder);
}
