/* test-i18n.c: a Chinese user gets a Chinese window and command line from the build tree
 *
 * The catalogues are compiled into the build tree (po/zh_CN/LC_MESSAGES),
 * and a binary run from there reads them, not the install prefix's. The
 * window test asks for Chinese the way a test machine can without any
 * locale generated: C.UTF-8 (which meson's test environment sets) with
 * LANGUAGE=zh_CN. The binary is also run with only LANG=zh_CN.UTF-8, as a
 * Chinese user's session sets it, whether or not that locale is installed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "reel-application.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"
#include "reel-window.h"

static ReelApplication *application;

/* The titles of the window's views, in order. */
static GStrv
dup_view_titles (GtkWidget *window)
{
  GtkWidget *stack = reel_ui_test_find_first (window, ADW_TYPE_VIEW_STACK);
  g_autoptr (GStrvBuilder) titles = g_strv_builder_new ();
  g_autoptr (GtkSelectionModel) pages = NULL;

  g_assert_nonnull (stack);
  pages = adw_view_stack_get_pages (ADW_VIEW_STACK (stack));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr (AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (adw_view_stack_page_get_title (page) != NULL)
        g_strv_builder_add (titles, adw_view_stack_page_get_title (page));
    }
  return g_strv_builder_end (titles);
}

static void
test_window_in_chinese (void)
{
  g_autoptr (GPtrArray) status_pages = NULL;
  g_auto (GStrv) titles = NULL;
  ReelWindow *window;

  window = reel_ui_test_open_window (application, NULL, 900, 640);

  /* What a new user sees first: the empty window and its views. */
  status_pages = reel_ui_test_find_mapped (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE);
  g_assert_cmpuint (status_pages->len, >, 0);
  g_assert_cmpstr (adw_status_page_get_title (status_pages->pdata[0]), ==, "没有打开的项目");

  titles = dup_view_titles (GTK_WIDGET (window));
  g_assert_true (g_strv_contains ((const char *const *) titles, "剧本"));
  g_assert_true (g_strv_contains ((const char *const *) titles, "时间线"));
  g_assert_false (g_strv_contains ((const char *const *) titles, "Timeline"));

  reel_ui_test_settle (GTK_WIDGET (window));
  reel_ui_test_save_png (GTK_WIDGET (window), "window-zh_CN.png", NULL);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Runs the build tree's storyreel with @argv in an environment that asks
 * for Chinese as @variables say ("NAME=value"; "NAME=" unsets it). */
static char *
run_storyreel (const char *const *variables, const char *const *arguments)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *binary = reel_test_build_path ("app/storyreel");
  g_auto (GStrv) argv = NULL;
  char *out = NULL;

  for (guint i = 0; variables[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (variables[i], "=", 2);

      if (*pair[1] == '\0')
        g_subprocess_launcher_unsetenv (launcher, pair[0]);
      else
        g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  g_strv_builder_add (builder, binary);
  g_strv_builder_addv (builder, (const char **) arguments);
  argv = g_strv_builder_end (builder);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return out;
}

static void
test_binary_in_chinese (void)
{
  const char *const session[]
      = { "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=", "LANG=zh_CN.UTF-8", NULL };
  const char *const test_machine[] = { "LC_ALL=C.UTF-8", "LANGUAGE=zh_CN", NULL };
  const char *const english[] = { "LC_ALL=C.UTF-8", "LANGUAGE=", "LANG=", NULL };
  const char *const help[] = { "help", NULL };
  const char *const take_help[] = { "take", "--help", NULL };
  g_autofree char  *out = NULL;

  /* A Chinese session, with or without zh_CN.UTF-8 installed here. */
  {
    locale_t zh_cn = newlocale (LC_ALL_MASK, "zh_CN.UTF-8", (locale_t) 0);

    g_test_message ("zh_CN.UTF-8 is %sinstalled here", zh_cn != (locale_t) 0 ? "" : "not ");
    if (zh_cn != (locale_t) 0)
      freelocale (zh_cn);
  }
  out = run_storyreel (session, help);
  g_assert_true (g_str_has_prefix (out, "用法："));
  g_clear_pointer (&out, g_free);

  out = run_storyreel (test_machine, take_help);
  g_assert_nonnull (strstr (out, "列出一个镜头或所有镜头的镜次"));
  g_clear_pointer (&out, g_free);

  /* And English stays English. */
  out = run_storyreel (english, help);
  g_assert_true (g_str_has_prefix (out, "Usage:"));
}

int
main (int argc, char *argv[])
{
  int status;

  /* As main.c does for a binary in the build tree, with Chinese asked for. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  application = reel_ui_test_register_application ();

  g_test_add_func ("/ui/i18n/window", test_window_in_chinese);
  g_test_add_func ("/ui/i18n/binary", test_binary_in_chinese);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
