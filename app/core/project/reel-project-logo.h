/* reel-project-logo.h: the project's brand logo, a watermark on the film
 *
 * The image lives in the project's media store, so a copied project keeps
 * it; where it goes, how large and how opaque it is are project settings.
 * Every change is one undoable edit announced with REEL_CHANGE_SETTINGS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-project.h"

G_BEGIN_DECLS

typedef enum
{
  REEL_LOGO_POSITION_TOP_LEFT,
  REEL_LOGO_POSITION_TOP_RIGHT,
  REEL_LOGO_POSITION_BOTTOM_LEFT,
  REEL_LOGO_POSITION_BOTTOM_RIGHT,
} ReelLogoPosition;

/* "top-left", "top-right", "bottom-left", "bottom-right" */
const char *reel_logo_position_to_string (ReelLogoPosition position);
gboolean    reel_logo_position_from_string (const char *str, ReelLogoPosition *position);

/* The logo's width as a share of the frame's width, and its opacity. */
#define REEL_LOGO_MIN_SIZE 0.02
#define REEL_LOGO_MAX_SIZE 0.5
#define REEL_LOGO_DEFAULT_SIZE 0.15
#define REEL_LOGO_DEFAULT_OPACITY 0.8
#define REEL_LOGO_DEFAULT_POSITION REEL_LOGO_POSITION_TOP_RIGHT

typedef struct
{
  /* The image inside the media store ("ab/ab12….png"), whose name is its
   * content's hash; NULL when the project has no logo. */
  char            *media_path;
  char            *path; /* absolute, or NULL with media_path */
  char            *name; /* the chosen file's name, for display; may be NULL */
  ReelLogoPosition position;
  double           size;    /* REEL_LOGO_MIN_SIZE…REEL_LOGO_MAX_SIZE */
  double           opacity; /* 0…1 */
} ReelLogo;

/* No image, at the default place, size and opacity. */
ReelLogo *reel_logo_new (void);
ReelLogo *reel_logo_copy (const ReelLogo *logo);
void      reel_logo_free (ReelLogo *logo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelLogo, reel_logo_free)

/* Whether @size and @opacity are in range. */
gboolean reel_logo_check (const ReelLogo *logo, GError **error);

/* The project's logo: never NULL; its media_path is NULL when there is no
 * image, and its placement is then the one last chosen (or the default). */
ReelLogo *reel_project_dup_logo (ReelProject *self);
/* Stores @logo's image (a media path inside the store, or NULL for none)
 * and its placement as one undoable edit; nothing happens when nothing
 * changes. */
gboolean reel_project_set_logo (ReelProject *self, const ReelLogo *logo, GError **error);

G_END_DECLS
