/* test-loras.c: the LoRAs of stable-diffusion.cpp in Preferences, in a real
 * window
 *
 * A user adds LoRA files, sets their strength, marks one for Wan2.2 A14B's
 * high-noise expert and removes one; each step must be in the
 * "sdcpp-loras" key at once, which is what the backends read. The file
 * chooser itself is GTK's: the test gives the chosen path to the list the
 * way the chooser's answer does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "reel-lora-list.h"
#include "reel-preferences-window.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"

static ReelApplication *application;

static GSettings *
settings (void)
{
  GSettings *app_settings = reel_application_get_settings (application);

  g_assert_nonnull (app_settings);
  return app_settings;
}

/* The key as "name:strength:h name:strength:-", for one comparison. */
static char *
describe_key (void)
{
  g_autoptr (GVariant) loras = g_settings_get_value (settings (), "sdcpp-loras");
  g_autoptr (GString) text = g_string_new (NULL);
  GVariantIter iter;
  const char  *path;
  double       strength;
  gboolean     high_noise;

  g_variant_iter_init (&iter, loras);
  while (g_variant_iter_next (&iter, "(&sdb)", &path, &strength, &high_noise))
    {
      g_autofree char *name = g_path_get_basename (path);

      g_string_append_printf (text, "%s%s:%.2f:%s", text->len > 0 ? " " : "", name, strength,
                              high_noise ? "h" : "-");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The rows of the list that name a LoRA, in order. */
static GPtrArray *
lora_rows (ReelLoraList *list)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GPtrArray *found = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (list), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (gtk_widget_get_visible (rows->pdata[i])
        && reel_ui_test_find_first (rows->pdata[i], GTK_TYPE_SPIN_BUTTON) != NULL)
      g_ptr_array_add (found, rows->pdata[i]);
  return found;
}

static GtkWidget *
row_titled (ReelLoraList *list, const char *title)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  reel_ui_test_collect_descendants (GTK_WIDGET (list), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

static gboolean
row_is_visible (ReelLoraList *list, const char *title)
{
  GtkWidget *row = row_titled (list, title);

  return row != NULL && gtk_widget_get_visible (row);
}

static ReelLoraList *
open_lora_list (GtkWidget **preferences)
{
  ReelWindow   *window = reel_ui_test_open_window (application, NULL, 0, 0);
  ReelLoraList *list;

  *preferences = reel_preferences_window_new (GTK_WINDOW (window), NULL);
  gtk_window_present (GTK_WINDOW (*preferences));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, *preferences,
                           "the preferences to be mapped");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (*preferences),
                                                "generation");
  list = REEL_LORA_LIST (reel_ui_test_find_first (*preferences, REEL_TYPE_LORA_LIST));
  g_assert_nonnull (list);
  reel_ui_test_settle (*preferences);
  return list;
}

static void
test_edit (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *other_dir = g_build_filename (dir, "other", NULL);
  g_autofree char *high = g_build_filename (dir, "lightx2v_high_noise.safetensors", NULL);
  g_autofree char *low = g_build_filename (dir, "lightx2v_low_noise.safetensors", NULL);
  g_autofree char *stray = g_build_filename (other_dir, "style.safetensors", NULL);
  g_autofree char *key = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  GtkWidget    *preferences;
  ReelLoraList *list;

  g_settings_reset (settings (), "sdcpp-loras");
  list = open_lora_list (&preferences);
  g_assert_true (row_is_visible (list, "No LoRAs"));
  g_assert_false (row_is_visible (list, "The LoRAs are in different folders"));

  /* Two files from one folder, as the chooser answers. */
  reel_lora_list_add (list, high);
  reel_lora_list_add (list, low);
  key = describe_key ();
  g_assert_cmpstr (key, ==,
                   "lightx2v_high_noise.safetensors:1.00:- lightx2v_low_noise.safetensors:1.00:-");
  g_assert_false (row_is_visible (list, "No LoRAs"));
  rows = lora_rows (list);
  g_assert_cmpuint (rows->len, ==, 2);

  /* The first for the high-noise expert, the second at half strength. */
  gtk_check_button_set_active (
      GTK_CHECK_BUTTON (reel_ui_test_find_first (rows->pdata[0], GTK_TYPE_CHECK_BUTTON)), TRUE);
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (reel_ui_test_find_first (rows->pdata[1], GTK_TYPE_SPIN_BUTTON)), 0.5);
  g_free (key);
  key = describe_key ();
  g_assert_cmpstr (key, ==,
                   "lightx2v_high_noise.safetensors:1.00:h lightx2v_low_noise.safetensors:0.50:-");

  /* One from another folder cannot load with sd-cli: the list says so. */
  reel_lora_list_add (list, stray);
  g_assert_true (row_is_visible (list, "The LoRAs are in different folders"));

  /* Removing it, by its row's button, leaves the other two as they were. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = lora_rows (list);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_true (gtk_widget_activate_action (rows->pdata[2], "loras.remove", "u", 2));
  g_free (key);
  key = describe_key ();
  g_assert_cmpstr (key, ==,
                   "lightx2v_high_noise.safetensors:1.00:h lightx2v_low_noise.safetensors:0.50:-");
  g_assert_false (row_is_visible (list, "The LoRAs are in different folders"));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = lora_rows (list);
  g_assert_cmpuint (rows->len, ==, 2);

  /* A change made elsewhere (gsettings, another window) shows at once. */
  g_settings_reset (settings (), "sdcpp-loras");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = lora_rows (list);
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_true (row_is_visible (list, "No LoRAs"));

  gtk_window_destroy (GTK_WINDOW (preferences));
  reel_test_rm_rf (dir);
}

/* The list's controls say what they do to a screen reader. */
static void
test_accessible_names (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "ink.safetensors", NULL);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget    *preferences;
  ReelLoraList *list;
  GtkWidget    *spin;

  g_settings_reset (settings (), "sdcpp-loras");
  list = open_lora_list (&preferences);
  reel_lora_list_add (list, path);
  rows = lora_rows (list);
  g_assert_cmpuint (rows->len, ==, 1);

  spin = reel_ui_test_find_first (rows->pdata[0], GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (spin), ==, "Strength");
  reel_ui_test_collect_descendants (rows->pdata[0], GTK_TYPE_BUTTON, buttons);
  g_assert_cmpuint (buttons->len, >=, 1);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_actionable_get_action_name (buttons->pdata[i]) != NULL)
      g_assert_cmpstr (gtk_widget_get_tooltip_text (buttons->pdata[i]), ==, "Remove");

  g_settings_reset (settings (), "sdcpp-loras");
  gtk_window_destroy (GTK_WINDOW (preferences));
  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/loras/edit", test_edit);
  g_test_add_func ("/ui/loras/accessible-names", test_accessible_names);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
