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

gboolean reel_cli_is_command (const char *name);
int      reel_cli_run (int argc, char **argv);

G_END_DECLS
