/* reel-safety-screen.h: the blocklist every prompt passes before it is sent
 *
 * Built once from data/prompt/blocklist.tsv and the user's additions, then
 * read-only: any thread may check texts with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define REEL_SAFETY_ERROR (reel_safety_error_quark ())

typedef enum
{
  REEL_SAFETY_ERROR_BLOCKED,
} ReelSafetyError;

GQuark reel_safety_error_quark (void);

/* Where a text matched the blocklist. The strings belong to the screen. */
typedef struct
{
  const char *term;     /* the entry, as written in the list */
  const char *category; /* why it is blocked: "minors", "sexual", "gore"… */
  gsize       start;    /* the bytes of the checked text that matched */
  gsize       end;
} ReelSafetyMatch;

#define REEL_TYPE_SAFETY_SCREEN (reel_safety_screen_get_type ())
G_DECLARE_FINAL_TYPE (ReelSafetyScreen, reel_safety_screen, REEL, SAFETY_SCREEN, GObject)

ReelSafetyScreen *reel_safety_screen_new (GError **error);
/* The screen built from the lists as they were when it was first asked for. */
ReelSafetyScreen *reel_safety_screen_dup_default (GError **error);
guint             reel_safety_screen_get_n_entries (ReelSafetyScreen *self);

/* TRUE when @text is blocked; @match (may be NULL) then says where. */
gboolean
reel_safety_screen_check (ReelSafetyScreen *self, const char *text, ReelSafetyMatch *match);
/* FALSE with REEL_SAFETY_ERROR_BLOCKED, a message for the user, when @text
 * is blocked. */
gboolean reel_safety_screen_allows (ReelSafetyScreen *self, const char *text, GError **error);

/* "explicit sexual content" for "sexual"; a category of the user's own is
 * its own label. */
const char *reel_safety_category_get_label (const char *category);

G_END_DECLS
