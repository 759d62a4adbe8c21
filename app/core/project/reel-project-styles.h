/* reel-project-styles.h: a project's own styles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-project.h"

G_BEGIN_DECLS

/* Adds a style (a name and the words it adds to prompts) in one undoable
 * step. Returns its id, or 0 with @error (REEL_PROJECT_ERROR_INVALID for a
 * name the project already has). */
gint64
reel_project_add_style (ReelProject *self, const char *name, const char *prompt, GError **error);

G_END_DECLS
