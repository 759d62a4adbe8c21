/* test-gpu-preferences.c: Preferences › Generation › This Computer
 *
 * Run twice by meson: with --gpus=fake the probe loads the fake NVML of
 * fake-driver.h (two GPUs); with --gpus=none it looks in an empty folder,
 * as on a computer without the NVIDIA driver. The folder is chosen before
 * anything else starts, through $STORYREEL_GPU_LIBRARY_PATH, as a user of an
 * unusual install would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fake-driver.h"
#include "reel-gpu-probe.h"
#include "reel-preferences-window.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"

static ReelApplication *application;
static gboolean         fake_gpus;

#define GROUP_TITLE "This Computer"

/* The action rows of the group, in order, as the user reads them. */
static GPtrArray *
group_rows (GtkWidget *preferences)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GPtrArray *found = g_ptr_array_new ();

  reel_ui_test_collect_descendants (preferences, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *group = gtk_widget_get_ancestor (rows->pdata[i], ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL
          && g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)),
                        GROUP_TITLE)
                 == 0)
        g_ptr_array_add (found, rows->pdata[i]);
    }
  return found;
}

static const char *
row_title (GtkWidget *row)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

static const char *
row_subtitle (GtkWidget *row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The driver has answered: the group no longer says it is looking. */
static gboolean
gpus_shown (gpointer data)
{
  g_autoptr (GPtrArray) rows = group_rows (data);

  return rows->len > 0 && !g_str_has_prefix (row_title (rows->pdata[0]), "Looking");
}

static GtkWidget *
open_preferences (void)
{
  ReelWindow *window = reel_ui_test_open_window (application, NULL, 0, 0);
  GtkWidget  *preferences = reel_preferences_window_new (GTK_WINDOW (window), NULL);

  gtk_window_present (GTK_WINDOW (preferences));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, preferences,
                           "the preferences to be mapped");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "generation");
  reel_ui_test_wait_until (gpus_shown, preferences, "the GPUs to be shown");
  reel_ui_test_settle (preferences);
  return preferences;
}

static void
close_preferences (GtkWidget *preferences)
{
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (preferences));

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (window);
}

static void
assert_contains (const char *text, const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_test_fail_printf ("“%s” is not in “%s”", part, text);
}

/* Presses the Apply button of a "Suggested:" row. */
static void
apply_suggestion (GtkWidget *row)
{
  GtkWidget *button = NULL;
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

  reel_ui_test_collect_descendants (row, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "prefs.apply-gpu-advice")
        == 0)
      button = buttons->pdata[i];
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
assert_local_settings (const char *workflow, gboolean offload, gboolean tiling)
{
  GSettings       *settings = reel_application_get_settings (application);
  g_autofree char *chosen = g_settings_get_string (settings, "comfyui-workflow");

  g_assert_cmpstr (chosen, ==, workflow);
  g_assert_cmpint (g_settings_get_int (settings, "comfyui-steps"), ==, 0);
  g_assert_cmpint (g_settings_get_boolean (settings, "sdcpp-offload-to-cpu"), ==, offload);
  g_assert_cmpint (g_settings_get_boolean (settings, "sdcpp-vae-tiling"), ==, tiling);
  g_assert_true (g_settings_get_boolean (settings, "sdcpp-flash-attention"));
}

static void
test_fake_gpus (void)
{
  GtkWidget *preferences;
  g_autoptr (GPtrArray) rows = NULL;

  if (!fake_gpus)
    {
      g_test_skip ("run with --gpus=fake");
      return;
    }
  preferences = open_preferences ();
  rows = group_rows (preferences);

  /* Each GPU, then what is proposed for it. */
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpstr (row_title (rows->pdata[0]), ==, FAKE_NVML_GPU0_NAME);
  assert_contains (row_subtitle (rows->pdata[0]),
                   "Video memory: 24.0\u00a0GiB, 20.5\u00a0GiB free");
  assert_contains (row_subtitle (rows->pdata[0]), "NVIDIA driver " FAKE_NVML_DRIVER_VERSION);
  g_assert_cmpstr (row_title (rows->pdata[1]), ==,
                   "Suggested: Wan 2.2 A14B in fp8 with the LightX2V 4-step LoRAs");
  assert_contains (row_subtitle (rows->pdata[1]), "4 steps");
  g_assert_cmpstr (row_title (rows->pdata[2]), ==, FAKE_NVML_GPU1_NAME);
  assert_contains (row_subtitle (rows->pdata[2]), "80.0\u00a0GiB");
  g_assert_cmpstr (row_title (rows->pdata[3]), ==, "Suggested: Wan 2.2 A14B in full precision");

  gtk_window_set_default_size (GTK_WINDOW (preferences), 600, 960);
  reel_ui_test_settle (preferences);
  reel_ui_test_save_png (preferences, "preferences-gpus.png", NULL);

  /* Applying a suggestion sets the local engines up for that GPU: the
   * 24 GB card gets A14B with the 4-step LoRAs, the 80 GB one full A14B. */
  g_settings_set_int (reel_application_get_settings (application), "comfyui-steps", 8);
  apply_suggestion (rows->pdata[1]);
  assert_local_settings ("wan2.2-a14b-fast", FALSE, TRUE);
  apply_suggestion (rows->pdata[3]);
  assert_local_settings ("wan2.2-a14b", FALSE, FALSE);
  /* A 16 GB card's, as its row would: TI2V-5B with the weights offloaded. */
  g_assert_true (gtk_widget_activate_action (preferences, "prefs.apply-gpu-advice", "t",
                                             (guint64) 16 * 1024 * 1024 * 1024));
  assert_local_settings ("wan2.2-ti2v-5b", TRUE, TRUE);

  /* Looking again asks the driver again, and finds the same GPUs. */
  g_assert_true (gtk_widget_activate_action (preferences, "prefs.refresh-gpus", NULL));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = group_rows (preferences);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (row_title (rows->pdata[0]), ==, "Looking for NVIDIA GPUs…");
  reel_ui_test_wait_until (gpus_shown, preferences, "the GPUs to be shown again");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = group_rows (preferences);
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpstr (row_title (rows->pdata[0]), ==, FAKE_NVML_GPU0_NAME);

  close_preferences (preferences);
}

static void
test_no_gpu (void)
{
  GtkWidget *preferences;
  g_autoptr (GPtrArray) rows = NULL;

  if (fake_gpus)
    {
      g_test_skip ("run with --gpus=none");
      return;
    }
  preferences = open_preferences ();
  rows = group_rows (preferences);

  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (row_title (rows->pdata[0]), ==, "No NVIDIA GPU");
  assert_contains (row_subtitle (rows->pdata[0]), "No NVIDIA driver was found");
  assert_contains (row_subtitle (rows->pdata[0]), "Remote engines and the animatic work");
  assert_contains (row_subtitle (rows->pdata[0]),
                   "ComfyUI and stable-diffusion.cpp need an NVIDIA GPU");
  /* Nothing to apply without a GPU. */
  {
    g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

    reel_ui_test_collect_descendants (rows->pdata[0], GTK_TYPE_BUTTON, buttons);
    g_assert_cmpuint (buttons->len, ==, 0);
  }
  reel_ui_test_save_png (preferences, "preferences-no-gpu.png", NULL);

  close_preferences (preferences);
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closing the window while the driver is being asked frees it all the same. */
static void
test_close_while_looking (void)
{
  ReelWindow *window = reel_ui_test_open_window (application, NULL, 0, 0);
  GtkWidget  *preferences = reel_preferences_window_new (GTK_WINDOW (window), NULL);
  g_autoptr (GPtrArray) rows = group_rows (preferences);

  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (row_title (rows->pdata[0]), ==, "Looking for NVIDIA GPUs…");
  g_clear_pointer (&rows, g_ptr_array_unref);

  g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *) &preferences);
  gtk_window_destroy (GTK_WINDOW (preferences));
  reel_ui_test_wait_until (pointer_is_null, &preferences, "the closed preferences to be freed");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autofree char *library_path = NULL;
  const char      *gpus = NULL;
  int              status;

  /* Our own option, taken out before GLib's. */
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--gpus="))
      {
        gpus = argv[i] + strlen ("--gpus=");
        memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
        argc--;
        break;
      }
  fake_gpus = g_strcmp0 (gpus, "none") != 0;

  /* Before any thread starts. */
  if (fake_gpus)
    library_path = reel_test_build_path ("tests/gpu/fake-nvml");
  else
    library_path = reel_test_make_tmpdir ();
  g_setenv (REEL_GPU_LIBRARY_PATH_ENV, library_path, TRUE);
  g_unsetenv ("STORYREEL_FAKE_NVML");

  g_test_init (&argc, &argv, NULL);
  application = reel_ui_test_register_application ();

  g_test_add_func ("/gpu/preferences/fake-gpus", test_fake_gpus);
  g_test_add_func ("/gpu/preferences/no-gpu", test_no_gpu);
  g_test_add_func ("/gpu/preferences/close-while-looking", test_close_while_looking);

  status = g_test_run ();
  g_clear_object (&application);
  if (!fake_gpus)
    reel_test_rm_rf (library_path);
  return status;
}
