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

/* Sanitizer builds run several times slower; their CI pass stretches every
 * bound by the same factor rather than each test guessing. */
static guint
scale_timeout (guint timeout_ms)
{
  const char *scale_text = g_getenv ("STORYREEL_TEST_TIMEOUT_SCALE");
  guint64     scale = 1;

  if (scale_text != NULL && !g_ascii_string_to_unsigned (scale_text, 10, 1, 100, &scale, NULL))
    g_error ("STORYREEL_TEST_TIMEOUT_SCALE must be a whole number from 1 to 100, not “%s”",
             scale_text);
  return (guint) MIN ((guint64) timeout_ms * scale, G_MAXUINT);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates @context until @condition holds (TRUE) or @bound_ms pass (FALSE). */
static gboolean
iterate_until (GMainContext *context, ReelTestCondition condition, gpointer data, guint bound_ms)
{
  g_autoptr (GSource) timeout = g_timeout_source_new (bound_ms);
  gboolean timed_out = FALSE;
  gboolean held;

  g_source_set_callback (timeout, wait_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (!(held = condition (data)) && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  return held;
}

static void
fail_timed_out (const char *file, int line, const char *func, const char *what, guint bound_ms)
{
  g_autofree char *message = g_strdup_printf ("timed out waiting for %s (%u ms)", what, bound_ms);

  g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
}

void
reel_test_wait_until_at (const char       *file,
                         int               line,
                         const char       *func,
                         ReelTestCondition condition,
                         gpointer          data,
                         guint             timeout_ms,
                         const char       *what)
{
  guint bound_ms = scale_timeout (timeout_ms);

  if (!iterate_until (NULL, condition, data, bound_ms))
    fail_timed_out (file, line, func, what, bound_ms);
}

gboolean
reel_test_flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
reel_test_pointer_is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
communicate_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

int
reel_test_spawn (const char *const *argv,
                 const char        *stdin_text,
                 char             **stdout_text,
                 char             **stderr_text)
{
  /* A context of its own: waiting for the child runs nothing of the
   * caller's (a test may have a window open). */
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint            bound_ms = scale_timeout (REEL_TEST_SPAWN_TIMEOUT_MS);
  gboolean         exited;

  g_main_context_push_thread_default (context);
  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, stdin_text, NULL, communicate_done_cb, &result);
  exited = iterate_until (context, reel_test_pointer_is_set, &result, bound_ms);
  if (!exited)
    {
      g_autofree char *what = g_strdup_printf ("%s to exit", argv[0]);

      /* Not left running behind the failed test. */
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      g_main_context_pop_thread_default (context);
      fail_timed_out (__FILE__, __LINE__, G_STRFUNC, what, bound_ms);
      return -1;
    }
  g_main_context_pop_thread_default (context);

  g_subprocess_communicate_utf8_finish (process, result, &out, &err, &error);
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
  message = gst_bus_timed_pop_filtered (bus, scale_timeout (60000) * GST_MSECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (message == NULL)
    g_error ("timed out waiting for the pipeline to finish: %s", description);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) gst_error = NULL;

      gst_message_parse_error (message, &gst_error, NULL);
      g_error ("%s: %s", description, gst_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}
