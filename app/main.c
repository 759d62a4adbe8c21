/* main.c: one binary, the window without a subcommand, the command line with one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "reel-application.h"
#include "reel-cli.h"
#include "reel-media-memory.h"

/* The catalogues built beside the binary when it runs from the build tree
 * (build-aux/run, _build/app/storyreel), else the installed ones. */
static const char *
locale_dir (void)
{
  GStatBuf running, built;

  if (g_stat ("/proc/self/exe", &running) == 0 && g_stat (BUILD_EXECUTABLE, &built) == 0
      && running.st_dev == built.st_dev && running.st_ino == built.st_ino)
    return BUILD_LOCALEDIR;
  return LOCALEDIR;
}

/* The language the environment asks for: "zh_CN" of LANG=zh_CN.UTF-8. */
static char *
dup_requested_language (void)
{
  const char *const variables[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      const char *value = g_getenv (variables[i]);

      if (value != NULL && *value != '\0')
        return g_strndup (value, strcspn (value, ".@"));
    }
  return NULL;
}

static void
set_up_locale (void)
{
  g_autofree char *language = NULL;

  if (setlocale (LC_ALL, "") != NULL)
    return;

  /* The locale asked for is not installed (a fresh machine where nobody ran
   * locale-gen). Its messages still can be: gettext follows LANGUAGE in any
   * UTF-8 locale, and C.UTF-8 is always there. LC_ALL is set as well, for
   * GTK sets the locale from the environment again. */
  language = dup_requested_language ();
  if (language != NULL && g_getenv ("LANGUAGE") == NULL && !g_str_equal (language, "C")
      && !g_str_equal (language, "POSIX"))
    g_setenv ("LANGUAGE", language, TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
}

int
main (int argc, char **argv)
{
  g_autoptr (ReelApplication) app = NULL;

  reel_media_tune_allocator ();
  set_up_locale ();
  bindtextdomain (GETTEXT_PACKAGE, locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (reel_cli_handles (argc, argv))
    return reel_cli_run (argc, argv);

  app = reel_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
