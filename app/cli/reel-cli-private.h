/* reel-cli-private.h: shared by the subcommands of the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-cli.h"
#include "reel-project.h"

G_BEGIN_DECLS

typedef int (*ReelCliCommandFunc) (int argc, char **argv);

typedef struct
{
  const char        *name;
  const char        *arguments;   /* "PROJECT SCRIPT" */
  const char        *description; /* N_() */
  ReelCliCommandFunc run;
} ReelCliCommand;

/* Prints "storyreel: MESSAGE" on stderr and returns REEL_CLI_EXIT_FAILURE. */
int reel_cli_fail (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* Prints the usage error and the command's help hint; returns REEL_CLI_EXIT_USAGE. */
int reel_cli_usage_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* Parses options; on error prints it and returns FALSE (exit with REEL_CLI_EXIT_USAGE). */
gboolean reel_cli_parse (GOptionContext *context, const char *command, int *argc, char ***argv);
GOptionContext *reel_cli_context_new (const ReelCliCommand *command);
ReelProject    *reel_cli_open_project (const char *path, GError **error);
/* Reads a script file as UTF-8 text without a byte-order mark. */
char *reel_cli_read_script (const char *path, GError **error);

const ReelCliCommand *reel_cli_find_command (const char *name);

int reel_cli_generate (int argc, char **argv);
int reel_cli_take (int argc, char **argv);
int reel_cli_render (int argc, char **argv);
int reel_cli_new (int argc, char **argv);
int reel_cli_import (int argc, char **argv);
int reel_cli_inspect (int argc, char **argv);
int reel_cli_export (int argc, char **argv);

G_END_DECLS
