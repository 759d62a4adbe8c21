/* reel-prompt-data.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char      *reel_prompt_data_dup_user_path (const char *name);
GPtrArray *reel_prompt_data_read_lines (const char *name, GError **error);
char     **reel_prompt_data_split_fields (const char *line, guint n_fields);

G_END_DECLS
