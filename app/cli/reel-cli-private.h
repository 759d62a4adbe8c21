/* reel-cli-private.h: shared by the subcommands of the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-backend-setup.h"
#include "reel-cli.h"
#include "reel-exporter.h"
#include "reel-gpu-report.h"
#include "reel-project.h"
#include "reel-scheduler.h"

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
/* The project file a PROJECT argument means: NAME.storyreel for NAME, unless
 * a file is there under the name as given. */
char *reel_cli_project_path (const char *path);
/* The project made of a script: NAME.storyreel beside NAME.fountain, as the
 * window names it. */
char *reel_cli_project_path_for_script (const char *script_path);
/* Opens the project a PROJECT argument means; a script given instead gets
 * an error that says how to make a project of it. */
ReelProject *reel_cli_open_project (const char *path, GError **error);
/* Reads a script file as UTF-8 text without a byte-order mark. */
char *reel_cli_read_script (const char *path, GError **error);

const ReelCliCommand *reel_cli_find_command (const char *name);

/* The app's GSettings, or NULL when its schema is not installed. */
GSettings *reel_cli_dup_settings (void);
/* The default backend of the window's preferences, or "animatic". */
char *reel_cli_default_backend (GSettings *settings);
/* The caption mode the window exports with (its "caption-mode" setting),
 * or the schema's default when the schema is not installed. */
ReelCaptionMode reel_cli_default_caption_mode (void);
/* Whether @path is a sound file the film can mix in; an error that names
 * the music otherwise. */
gboolean reel_cli_check_music (const char *path, GError **error);

/* --quality QUALITY, the same for every command that encodes a film. */
GOptionEntry reel_cli_quality_option (char **quality);
/* Sets @options' quality from --quality @quality, leaving the default
 * (standard) when it was not given; FALSE once it has reported the usage
 * error of @command (exit with REEL_CLI_EXIT_USAGE). */
gboolean
reel_cli_take_quality (const char *command, const char *quality, ReelExportOptions *options);

/* What GPUs this computer has, asked of the driver while the main context
 * runs; NULL when it did not answer in time. */
ReelGpuReport *reel_cli_query_gpus (void);
/* One job per GPU for the local backends of this run: slots for
 * @report's GPUs, or NULL (nothing known) without a report. */
ReelGpuSlots *reel_cli_new_gpu_slots (ReelGpuReport *report);

/* A scheduler with the animatic and @backend_name set up as the window sets
 * it up, with the command line's overrides. NULL with an error that says
 * what to do when the backend is unknown or has no key. */
ReelScheduler *reel_cli_new_scheduler (ReelProject *project,
                                       const char  *backend_name,
                                       const char  *endpoint,
                                       const char  *model,
                                       int          jobs,
                                       GError     **error);
/* --workflow NAME|FILE: the comfyui backend, with the workflow as its model
 * (a file by its full path). Returns REEL_CLI_EXIT_OK, or the status of the
 * usage error it reported. */
int reel_cli_take_workflow (const char *command, char **backend, char **model, char **workflow);
/* The same, with every override the command line has (--sd-cli,
 * --model-dir and the rest). */
ReelScheduler *reel_cli_new_scheduler_with_overrides (ReelProject                *project,
                                                      const char                 *backend_name,
                                                      const ReelBackendOverrides *overrides,
                                                      int                         jobs,
                                                      GError                    **error);
/* Shows what a paid batch will cost and asks on a terminal unless @yes;
 * without a terminal, --yes is needed. TRUE to go ahead. */
gboolean reel_cli_confirm_cost (ReelScheduler             *scheduler,
                                const gint64              *shot_ids,
                                guint                      n_shots,
                                const ReelGenerateOptions *options,
                                gboolean                   yes,
                                GError                   **error);

/* What `storyreel render` was asked for. */
typedef struct
{
  char    *output;
  char    *backend;
  char    *endpoint;
  char    *model;
  char    *workflow;
  char    *sd_cli;
  char    *model_dir;
  gboolean yes;
  char    *captions;
  char    *music;
  char    *vars;        /* a CSV table: one film per row */
  char    *name_column; /* with vars */
  char    *format;      /* with vars */
  char    *quality;
} ReelCliRenderArgs;

/* Where render keeps the project made of @script_path: beside it, or in the
 * user's cache when its folder cannot be written. */
char *reel_cli_render_project_path (const char *script_path);
/* render --vars: one film per row of the table into the folder @args names. */
int reel_cli_render_personal (const char              *script_path,
                              ReelCliRenderArgs       *args,
                              const ReelExportOptions *options);

int reel_cli_backends (int argc, char **argv);
int reel_cli_generate (int argc, char **argv);
int reel_cli_take (int argc, char **argv);
int reel_cli_render (int argc, char **argv);
int reel_cli_new (int argc, char **argv);
int reel_cli_import (int argc, char **argv);
int reel_cli_inspect (int argc, char **argv);
int reel_cli_export (int argc, char **argv);
int reel_cli_library (int argc, char **argv);

G_END_DECLS
