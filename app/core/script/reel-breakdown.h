/* reel-breakdown.h: a script (Fountain or plain text) broken down into scenes and shots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-plan.h"

G_BEGIN_DECLS

#define REEL_SCRIPT_ERROR (reel_script_error_quark ())

typedef enum
{
  REEL_SCRIPT_ERROR_EMPTY,        /* nothing but white space */
  REEL_SCRIPT_ERROR_INVALID_UTF8, /* not UTF-8 text; the message gives the line and byte */
  REEL_SCRIPT_ERROR_NO_SHOTS,     /* text, but nothing in it becomes a shot */
} ReelScriptError;

GQuark reel_script_error_quark (void);

/* Scene headings become scenes, action paragraphs shots (split into sentence groups),
 * dialogue and parentheticals captions of the shot before them. Text without Fountain markup
 * is read as plain text: one paragraph per shot, scenes from "Scene …"/"场景…" lines or from
 * blocks separated by two or more blank lines. */
ReelPlan *reel_breakdown_script (const char *text, GError **error);
/* The same, where a line that names one of @characters (may be NULL) before a speech is a
 * character cue without Fountain's capitals or "@", and so is "NAME: speech" on one line (see
 * reel_fountain_parse_with_characters()). A line that looks like a cue but names no known
 * character stays action, and the plan's warnings say so once per name. */
ReelPlan *reel_breakdown_script_with_characters (const char        *text,
                                                 const char *const *characters,
                                                 GError           **error);

G_END_DECLS
