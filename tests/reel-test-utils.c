/* reel-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "reel-test-utils.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

char *
reel_test_make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("storyreel-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
rm_rf_file (GFile *file)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;

  enumerator = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (enumerator != NULL)
    {
      GFile *child;

      while (g_file_enumerator_iterate (enumerator, NULL, &child, NULL, NULL) && child != NULL)
        rm_rf_file (child);
    }

  g_file_delete (file, NULL, NULL);
}

void
reel_test_rm_rf (const char *path)
{
  g_autoptr (GFile) file = NULL;

  if (path == NULL)
    return;

  file = g_file_new_for_path (path);
  /* Give back write permission first: some tests make directories read-only. */
  g_chmod (path, 0700);
  rm_rf_file (file);
}

char *
reel_test_source_path (const char *relative)
{
  const char *top = g_getenv ("STORYREEL_SOURCE_DIR");

  g_assert_nonnull (top);
  return g_build_filename (top, relative, NULL);
}

char *
reel_test_build_path (const char *relative)
{
  const char *top = g_getenv ("STORYREEL_BUILD_DIR");

  g_assert_nonnull (top);
  return g_build_filename (top, relative, NULL);
}

char *
reel_test_sha256_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize            length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
reel_test_wait_for_flag (gboolean *flag, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint    id = g_timeout_add (timeout_ms, wait_timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  g_assert_false (timed_out);
}

int
reel_test_spawn (const char *const *argv,
                 const char        *stdin_text,
                 char             **stdout_text,
                 char             **stderr_text)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (stdout_text != NULL)
    *stdout_text = g_steal_pointer (&out);
  if (stderr_text != NULL)
    *stderr_text = g_steal_pointer (&err);

  if (g_subprocess_get_if_exited (process))
    return g_subprocess_get_exit_status (process);
  return 128 + g_subprocess_get_term_sig (process);
}

void
reel_test_run_pipeline (const char *description)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) gst_error = NULL;

      gst_message_parse_error (message, &gst_error, NULL);
      g_error ("%s: %s", description, gst_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}
