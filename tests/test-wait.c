/* test-wait.c: the tests' bounded wait on the main loop
 *
 * A test that waits for something that never happens must fail by itself,
 * soon, and say what it was waiting for, rather than hang until meson kills
 * it without a word.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "reel-test-utils.h"

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_returns_when_done (void)
{
  gboolean done = FALSE;
  gint64   start = g_get_monotonic_time ();

  g_timeout_add (20, set_flag_cb, &done);
  reel_test_wait_until (reel_test_flag_is_set, &done, 10000, "the flag");
  g_assert_true (done);
  /* It returned when the flag was set, not at its bound. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_fails_at_bound (void)
{
  if (g_test_subprocess ())
    {
      gboolean never = FALSE;

      g_setenv ("STORYREEL_TEST_TIMEOUT_SCALE", "3", TRUE);
      reel_test_wait_until (reel_test_flag_is_set, &never, 50, "a flag nobody sets");
      return;
    }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  /* Where the test waited, and for what: the bound, scaled. */
  g_test_trap_assert_stderr ("*test-wait.c:*test_fails_at_bound*"
                             "timed out waiting for a flag nobody sets (150 ms)*");
}

static void
test_pointer_condition (void)
{
  gpointer result = NULL;
  int      something = 0;

  g_assert_false (reel_test_pointer_is_set (&result));
  result = &something;
  g_assert_true (reel_test_pointer_is_set (&result));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wait/returns-when-done", test_returns_when_done);
  g_test_add_func ("/wait/fails-at-bound", test_fails_at_bound);
  g_test_add_func ("/wait/pointer-condition", test_pointer_condition);

  return g_test_run ();
}
