/* reel-prompt-builder.h: the final prompt from a template, a style and the fields of a shot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-types.h"

G_BEGIN_DECLS

/* The fields a template names, as "{style}". */
#define REEL_PROMPT_FIELD_STYLE "style"
#define REEL_PROMPT_FIELD_CHARACTERS "characters"
#define REEL_PROMPT_FIELD_SUBJECT "subject"
#define REEL_PROMPT_FIELD_ACTION "action"
#define REEL_PROMPT_FIELD_SETTING "setting"
#define REEL_PROMPT_FIELD_CAMERA "camera"
#define REEL_PROMPT_FIELD_TEXT "text"

/* A shipped look (data/prompt/styles.tsv). */
typedef struct
{
  char *id; /* stable: what a project stores */
  char *name;
  char *prompt_en;
  char *prompt_zh;
} ReelStylePreset;

void reel_style_preset_free (ReelStylePreset *preset);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelStylePreset, reel_style_preset_free)

/* (transfer full) (element-type ReelStylePreset): the shipped presets and the user's
 * additions, in file order. */
GPtrArray *reel_prompt_list_style_presets (void);
/* (transfer full) or NULL */
ReelStylePreset *reel_prompt_lookup_style_preset (const char *id);
/* The preset's name in the user's language. */
const char *reel_style_preset_get_display_name (const ReelStylePreset *preset);
/* The preset's prompt text in @language ("en", "zh"). */
const char *reel_style_preset_get_prompt (const ReelStylePreset *preset, const char *language);

/* "zh" when @text is mostly Chinese, "en" when it has mostly other letters, else @fallback
 * reduced to "zh" or "en". */
const char *reel_prompt_language_for_text (const char *text, const char *fallback);
/* (transfer full): the default template of @language ("en" or "zh"). */
char *reel_prompt_dup_default_template (const char *language);
/* (transfer full): what @move adds to a prompt in @language; "" for a static camera. */
char *reel_prompt_dup_camera_phrase (ReelCameraMove move, const char *language);
/* (transfer full): "Name: description" for each character with a description, joined as
 * @language joins a list. @names and @descriptions have the same length. */
char *reel_prompt_format_characters (const char *const *names,
                                     const char *const *descriptions,
                                     const char        *language);

/* (transfer full): @template with each "{field}" replaced by its value in @fields (field →
 * value). An empty or missing field disappears together with the separator that joined it to
 * its neighbours; where several fields in a row are empty, the strongest of their separators
 * (a full stop over a comma over a space) joins what is left, and the end of a prompt of
 * several fields is the strongest after its last; a lone field stays bare unless the template
 * ends with it. Text of a field is never scanned for fields itself. A "{name}" the builder
 * does not know stays as it is. */
char *reel_prompt_fill_template (const char *template_text, GHashTable *fields);

G_END_DECLS
