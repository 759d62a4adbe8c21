/* reel-cli.h: the storyreel command-line tool
 *
 * The CLI is a thin face on the same core objects as the GUI. Exit codes:
 * 0 success, 1 failure (one-line reason on stderr), 2 usage error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  REEL_CLI_EXIT_OK = 0,
  REEL_CLI_EXIT_FAILURE = 1,
  REEL_CLI_EXIT_USAGE = 2,
} ReelCliExit;

/* Whether the command line is the CLI's rather than the window's: a
 * subcommand, help, --version, or a word that names neither a subcommand
 * nor a file (a mistyped subcommand, answered without a window). */
gboolean reel_cli_handles (int argc, char **argv);
int      reel_cli_run (int argc, char **argv);

G_END_DECLS
