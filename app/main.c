/* main.c: one binary, the window without a subcommand, the command line with one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "reel-application.h"
#include "reel-cli.h"
#include "reel-media-memory.h"

int
main (int argc, char **argv)
{
  g_autoptr (ReelApplication) app = NULL;

  reel_media_tune_allocator ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc > 1 && reel_cli_is_command (argv[1]))
    return reel_cli_run (argc, argv);

  app = reel_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
