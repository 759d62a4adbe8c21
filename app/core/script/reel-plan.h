/* reel-plan.h: the result of breaking a script down, before it is stored
 *
 * A ReelPlan is a plain tree of structs produced by the script layer. It knows
 * nothing of the database: ReelProject matches it against the stored shots.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-types.h"

G_BEGIN_DECLS

typedef struct
{
  char      *text;     /* action text, emphasis stripped, never empty */
  GPtrArray *captions; /* ReelCaption*, in order */
  /* STATIC from the breakdown; the prompt module's reader guesses it from the camera words of
   * the text ("PAN LEFT", "推镜"), see reel_shot_reader_guess_plan_cameras(). */
  ReelCameraMove camera;
  gboolean       camera_explicit; /* the script named the move */
} ReelPlanShot;

typedef struct
{
  char      *heading; /* "INT. KITCHEN - DAY", or the plain-text scene line */
  char      *number;  /* "1A" from "#1A#", or NULL to number sequentially */
  GPtrArray *shots;   /* ReelPlanShot* */
} ReelPlanScene;

/* Something the breakdown read in a way the writer may not have meant. */
typedef struct
{
  guint line;    /* 1-based, in the script */
  char *name;    /* the character's name it is about, or NULL */
  char *message; /* translated, for the user: what was read and how to write it instead; the
                  * line is not in it */
} ReelPlanWarning;

typedef struct
{
  char       *title;      /* from the title page, or NULL */
  GHashTable *title_page; /* lowercase key → value, both char* */
  GPtrArray  *scenes;     /* ReelPlanScene* */
  GPtrArray  *characters; /* char*: speaker names in order of first appearance */
  gboolean    fountain;   /* FALSE when the input was plain text */
  GPtrArray  *warnings;   /* ReelPlanWarning*, in script order */
} ReelPlan;

ReelPlan      *reel_plan_new (void);
void           reel_plan_free (ReelPlan *plan);
ReelPlanScene *reel_plan_scene_new (const char *heading);
void           reel_plan_scene_free (ReelPlanScene *scene);
ReelPlanShot  *reel_plan_shot_new (const char *text);
void           reel_plan_shot_free (ReelPlanShot *shot);
guint          reel_plan_count_shots (const ReelPlan *plan);
/* Takes @message. */
void reel_plan_add_warning (ReelPlan *plan, guint line, const char *name, char *message);
void reel_plan_warning_free (ReelPlanWarning *warning);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelPlan, reel_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelPlanWarning, reel_plan_warning_free)

G_END_DECLS
