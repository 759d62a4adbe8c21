/* reel-project.h: the Storyreel project document
 *
 * ReelProject is the single owner of a NAME.storyreel SQLite database. It
 * lives on the main thread; every edit is one transaction committed at once,
 * recorded for undo and redo, and announced with ::changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-plan.h"
#include "reel-project-enums.h"
#include "reel-scene.h"
#include "reel-shot-reading.h"
#include "reel-shot.h"
#include "reel-types.h"

G_BEGIN_DECLS

#define REEL_PROJECT_ERROR (reel_project_error_quark ())

typedef enum
{
  REEL_PROJECT_ERROR_NOT_A_PROJECT, /* a foreign SQLite file or not SQLite at all */
  REEL_PROJECT_ERROR_TOO_NEW,       /* made by a newer Storyreel */
  REEL_PROJECT_ERROR_CORRUPT,       /* damaged database */
  REEL_PROJECT_ERROR_EXISTS,        /* create: the file is already there */
  REEL_PROJECT_ERROR_NOT_FOUND,     /* no such file, shot, scene, … */
  REEL_PROJECT_ERROR_INVALID,       /* a value out of range */
  REEL_PROJECT_ERROR_IO,            /* disk full, permission, … */
  REEL_PROJECT_ERROR_NOTHING_TO_UNDO,
} ReelProjectError;

GQuark reel_project_error_quark (void);

/* What a change touched, so views refresh only what they show. */
typedef enum
{
  REEL_CHANGE_SETTINGS = 1 << 0,
  REEL_CHANGE_SCRIPT = 1 << 1,
  REEL_CHANGE_PLAN = 1 << 2, /* scenes, shots, captions, order */
  REEL_CHANGE_CHARACTERS = 1 << 3,
  REEL_CHANGE_TAKES = 1 << 4,
  REEL_CHANGE_JOBS = 1 << 5,
  REEL_CHANGE_CUT = 1 << 6,
  REEL_CHANGE_ALL = 0xff,
} ReelChangeFlags;

/* The schema version this build writes. Older files are migrated forward. */
#define REEL_PROJECT_SCHEMA_VERSION 5
/* PRAGMA application_id of every Storyreel project: "REEL". */
#define REEL_PROJECT_APPLICATION_ID 0x5245454c

#define REEL_TYPE_PROJECT (reel_project_get_type ())
G_DECLARE_FINAL_TYPE (ReelProject, reel_project, REEL, PROJECT, GObject)

ReelProject *reel_project_create (GFile *file, const char *title, GError **error);
ReelProject *reel_project_open (GFile *file, GError **error);

/* What reel_project_open_with_progress() is doing. */
typedef enum
{
  REEL_PROJECT_OPEN_CHECKING,
  /* Copying the file aside, then migrating it to the current schema. */
  REEL_PROJECT_OPEN_UPGRADING,
  REEL_PROJECT_OPEN_LOADING,
} ReelProjectOpenStage;

typedef void (*ReelProjectOpenProgress) (ReelProjectOpenStage stage, gpointer user_data);

/* reel_project_open(), calling @progress (in the calling thread) as each
 * stage begins. Opening may run in a worker thread: the project is then
 * handed to the main thread once this returns, and used only there. */
ReelProject *reel_project_open_with_progress (GFile                  *file,
                                              ReelProjectOpenProgress progress,
                                              gpointer                user_data,
                                              GError                **error);
/* Opens an existing project, or creates one where no file exists yet. */
ReelProject *reel_project_open_or_create (GFile *file, GError **error);

GFile *reel_project_get_file (ReelProject *self);
/* NAME.media/ beside the project file. */
GFile *reel_project_get_media_dir (ReelProject *self);
/* Writes a consistent copy of the project (and its media) to @dest; the open
 * project stays where it is. */
gboolean reel_project_save_copy (ReelProject *self, GFile *dest, GError **error);
void     reel_project_save_copy_async (ReelProject        *self,
                                       GFile              *dest,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean reel_project_save_copy_finish (ReelProject *self, GAsyncResult *result, GError **error);

/* Settings */
const char *reel_project_get_title (ReelProject *self);
gboolean    reel_project_set_title (ReelProject *self, const char *title, GError **error);
void        reel_project_get_resolution (ReelProject *self, guint *width, guint *height);
gboolean reel_project_set_resolution (ReelProject *self, guint width, guint height, GError **error);
/* "16:9", derived from the resolution. */
char    *reel_project_dup_aspect_ratio (ReelProject *self);
guint    reel_project_get_fps (ReelProject *self);
gboolean reel_project_set_fps (ReelProject *self, guint fps, GError **error);
double   reel_project_get_default_shot_duration (ReelProject *self);
gboolean reel_project_set_default_shot_duration (ReelProject *self, double seconds, GError **error);
const char *reel_project_get_language (ReelProject *self);
gboolean    reel_project_set_language (ReelProject *self, const char *language, GError **error);
/* Continuity: a shot without a board starts from the last frame of the
 * previous shot's chosen take, and ends toward the next shot's board. */
gboolean reel_project_get_continuity (ReelProject *self);
gboolean reel_project_set_continuity (ReelProject *self, gboolean continuity, GError **error);

/* Script */
const char *reel_project_get_script (ReelProject *self);
gboolean    reel_project_set_script (ReelProject *self, const char *text, GError **error);

/* Breakdown */
typedef struct
{
  guint scenes;
  guint shots;
  guint added;
  guint changed;
  guint removed;
  guint unchanged;
} ReelBreakdownReport;

/* Parses the stored script and applies the plan. A line that names one of the project's
 * characters before a speech is read as their cue. */
gboolean reel_project_break_down (ReelProject *self, ReelBreakdownReport *report, GError **error);
/* (transfer none) (element-type ReelPlanWarning): what the last breakdown applied read in a way
 * the writer may not have meant; empty before any. */
GPtrArray *reel_project_get_breakdown_warnings (ReelProject *self);
/* Matches @plan against the stored shots: unchanged and lightly edited shots
 * keep their id (and so their takes). */
gboolean reel_project_apply_plan (ReelProject         *self,
                                  const ReelPlan      *plan,
                                  ReelBreakdownReport *report,
                                  GError             **error);

/* Plan: scenes and shots. The models hold ReelScene and ReelShot in film order. */
GListModel *reel_project_get_scenes (ReelProject *self);
GListModel *reel_project_get_shots (ReelProject *self);
ReelShot   *reel_project_lookup_shot (ReelProject *self, gint64 shot_id);
ReelScene  *reel_project_lookup_scene (ReelProject *self, gint64 scene_id);
/* Accepts an id or a shot number ("1A"). */
ReelShot *reel_project_find_shot (ReelProject *self, const char *id_or_number);

gboolean reel_project_set_scene_heading (ReelProject *self,
                                         gint64       scene_id,
                                         const char  *heading,
                                         GError     **error);
gboolean
reel_project_set_shot_text (ReelProject *self, gint64 shot_id, const char *text, GError **error);
gboolean
reel_project_set_shot_duration (ReelProject *self, gint64 shot_id, double seconds, GError **error);
gboolean reel_project_set_shot_camera (ReelProject   *self,
                                       gint64         shot_id,
                                       ReelCameraMove camera,
                                       GError       **error);
/* @captions: ReelCaption*. Replaces all captions of the shot. */
gboolean reel_project_set_shot_captions (ReelProject *self,
                                         gint64       shot_id,
                                         GPtrArray   *captions,
                                         GError     **error);
/* Parses "SPEAKER: line" lines, as reel_shot_dup_captions_text() writes them. */
gboolean reel_project_set_shot_captions_text (ReelProject *self,
                                              gint64       shot_id,
                                              const char  *text,
                                              GError     **error);
/* Moves a shot to @position (0-based, in film order). It joins the scene of
 * the shots around its new place. */
gboolean reel_project_move_shot (ReelProject *self, gint64 shot_id, guint position, GError **error);
/* Inserts a new shot after @after_shot_id (0: at the start of @scene_id). */
gint64 reel_project_insert_shot (
    ReelProject *self, gint64 scene_id, gint64 after_shot_id, const char *text, GError **error);
gboolean reel_project_delete_shot (ReelProject *self, gint64 shot_id, GError **error);
/* Inserts a copy of @shot_id right after it: its text, length, camera move
 * and captions, but none of its takes. Returns the copy's id, or 0. */
gint64 reel_project_duplicate_shot (ReelProject *self, gint64 shot_id, GError **error);
/* Cuts the text of @shot_id in two at byte @offset, or with @offset -1 at the
 * sentence boundary nearest its middle; the second part becomes a new shot
 * right after it, with the captions (the dialogue follows the action it
 * ends). The shot keeps its takes; a length set by hand is shared out.
 * Returns the new shot's id, or 0 with REEL_PROJECT_ERROR_INVALID when
 * either part would be empty. */
gint64 reel_project_split_shot (ReelProject *self, gint64 shot_id, gssize offset, GError **error);

/* Characters */
typedef struct
{
  gint64 id;
  char  *name;
  char  *description;     /* what they look like, for prompts */
  char **aliases;         /* other names, Chinese ones included; never NULL when listed */
  char  *pronoun;         /* "he", "she" or "" when not given */
  char  *reference_image; /* media path of a picture of them, or NULL */
  char  *voice;           /* "" when not given */
} ReelCharacter;

void reel_character_free (ReelCharacter *character);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelCharacter, reel_character_free)

/* (transfer full) ReelCharacter*, by name. */
GPtrArray *reel_project_list_characters (ReelProject *self);
gint64     reel_project_add_character (ReelProject *self,
                                       const char  *name,
                                       const char  *description,
                                       GError     **error);
gboolean   reel_project_update_character (ReelProject *self,
                                          gint64       character_id,
                                          const char  *name,
                                          const char  *description,
                                          GError     **error);
gboolean   reel_project_remove_character (ReelProject *self, gint64 character_id, GError **error);
/* Adds @character (its id 0) or replaces every field of the one with its id, in one
 * undoable step. Returns the character's id, or 0 with @error. */
gint64
reel_project_save_character (ReelProject *self, const ReelCharacter *character, GError **error);

/* Prompt craft (reel-project-prompt.c): styles, the negative prompt, the template and each
 * shot's final prompt. */
typedef struct
{
  gint64 id;
  char  *name;
  char  *prompt;
} ReelStyle;

void reel_style_free (ReelStyle *style);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelStyle, reel_style_free)

/* (transfer full) ReelStyle*, the user's own styles, by name. */
GPtrArray *reel_project_list_styles (ReelProject *self);
gint64
reel_project_add_style (ReelProject *self, const char *name, const char *prompt, GError **error);
gboolean reel_project_update_style (
    ReelProject *self, gint64 style_id, const char *name, const char *prompt, GError **error);
gboolean reel_project_remove_style (ReelProject *self, gint64 style_id, GError **error);
/* The project's style: the name of one of its own styles, the id of a preset
 * ("pencil-storyboard"), or "" for none. (transfer full) */
char    *reel_project_dup_style (ReelProject *self);
gboolean reel_project_set_style (ReelProject *self, const char *style, GError **error);
/* What every shot asks the model to avoid; "" for nothing. (transfer full) */
char *reel_project_dup_negative_prompt (ReelProject *self);
gboolean
reel_project_set_negative_prompt (ReelProject *self, const char *negative_prompt, GError **error);
/* The project's own prompt template, or "" for the default of each shot's language. */
char *reel_project_dup_prompt_template (ReelProject *self);
gboolean
reel_project_set_prompt_template (ReelProject *self, const char *template_text, GError **error);

/* What a shot's generation sends. */
typedef struct
{
  char    *prompt;          /* the final prompt, exactly as sent */
  char    *automatic;       /* what the template makes of the shot, override or not */
  gboolean overridden;      /* @prompt is the user's text for this shot */
  char    *negative_prompt; /* NULL when the project has none */
  char    *language;        /* "en" or "zh": the template's language */
  GArray  *character_ids;   /* gint64: the characters the shot mentions */
  char    *reference_image; /* media path of the first of them that has a picture, or NULL */
} ReelShotPrompt;

void reel_shot_prompt_free (ReelShotPrompt *prompt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelShotPrompt, reel_shot_prompt_free)

/* (transfer full), or NULL when there is no such shot. */
ReelShotPrompt *reel_project_dup_shot_prompt (ReelProject *self, gint64 shot_id);
/* (transfer full): what reading @shot_id's text and scene heading finds (subjects, action,
 * setting, time of day, mood, style, framing, camera), the project's characters counted as
 * subjects; NULL when there is no such shot or the user's vocabulary cannot be read. */
ReelShotReading *reel_project_dup_shot_reading (ReelProject *self, gint64 shot_id);

/* The fields of a shot a user may write over what reading its text finds. */
#define REEL_SHOT_FIELD_SUBJECTS "subjects"
#define REEL_SHOT_FIELD_ACTION "action"
#define REEL_SHOT_FIELD_SETTING "setting"
#define REEL_SHOT_FIELD_TIME "time"
#define REEL_SHOT_FIELD_MOOD "mood"
#define REEL_SHOT_FIELD_STYLE "style"
/* (transfer full): @field of @shot_id, as the user wrote it (@edited TRUE) or as read from
 * its text, lists joined with ", ". */
char *reel_project_dup_shot_field (ReelProject *self,
                                   gint64       shot_id,
                                   const char  *field,
                                   gboolean    *edited);
/* (transfer full): the same for each of @fields (NULL-terminated), reading the shot once;
 * @edited has room for as many. */
char **reel_project_dup_shot_fields (ReelProject       *self,
                                     gint64             shot_id,
                                     const char *const *fields,
                                     gboolean          *edited);
/* Writes @value over @field of @shot_id, in one undoable step; NULL or "" reads it from the
 * text again. {subject}, {action} and {setting} of the prompt template use these. */
gboolean reel_project_set_shot_field (
    ReelProject *self, gint64 shot_id, const char *field, const char *value, GError **error);
/* (transfer full): the final prompt of @shot_id, or NULL when there is no such shot. */
char *reel_project_dup_final_prompt (ReelProject *self, gint64 shot_id);
/* Sends @prompt verbatim for @shot_id; NULL or "" goes back to the automatic prompt. */
gboolean reel_project_set_shot_prompt_override (ReelProject *self,
                                                gint64       shot_id,
                                                const char  *prompt,
                                                GError     **error);

/* Undo and redo: every edit above is one step. */
gboolean reel_project_can_undo (ReelProject *self);
gboolean reel_project_can_redo (ReelProject *self);
gboolean reel_project_undo (ReelProject *self, GError **error);
gboolean reel_project_redo (ReelProject *self, GError **error);

/* Takes: the results of generation (or imports), several per shot, one chosen. */
typedef struct
{
  gint64 id;
  gint64 shot_id;
  gint64 job_id;
  char  *kind; /* "video" or "image" */
  char  *backend;
  char  *model;
  char  *prompt;
  gint64 seed;
  char  *params; /* JSON object */
  double duration;
  guint  width;
  guint  height;
  double fps;
  char  *media; /* path relative to the media directory */
  char  *media_sha256;
  char  *thumbnail; /* path relative to the media directory, or NULL */
  double cost;
  char  *currency;
  gint64 created; /* unix time */
  /* What a remote service reported; NULL or negative when it did not. */
  char  *actual_prompt;  /* the prompt after the service rewrote it */
  char  *usage;          /* its usage report, JSON */
  double billed_seconds; /* seconds of video it billed */
  /* Take 1, 2, 3… of its shot, in the order they were made: what the take
   * strip and `storyreel take list` call it. Filled when read. */
  guint number;
} ReelTake;

ReelTake *reel_take_copy (const ReelTake *take);
void      reel_take_free (ReelTake *take);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelTake, reel_take_free)

/* Where a generated take's start image came from, as its params record. */
typedef enum
{
  REEL_TAKE_START_UNKNOWN,       /* not recorded: imported, or made before takes said */
  REEL_TAKE_START_NONE,          /* no start image: from the prompt alone */
  REEL_TAKE_START_PREVIOUS_SHOT, /* the last frame of the previous shot's take @source_id */
  REEL_TAKE_START_BOARD,         /* the shot's board: the still take @source_id (0: not known),
                                    which may be a frame chosen from a take */
  REEL_TAKE_START_CHARACTER,     /* the reference image of character @source_id (0: not known) */
} ReelTakeStart;

ReelTakeStart reel_take_get_start (const ReelTake *take, gint64 *source_id);

/* (transfer full) ReelTake*, oldest first. */
GPtrArray *reel_project_list_takes (ReelProject *self, gint64 shot_id);
/* (transfer full) or NULL */
ReelTake *reel_project_get_take (ReelProject *self, gint64 take_id);
/* The take of @shot_id that @number_or_id names: its number ("2"), or its id
 * ("id:57"; a plain "57" is read as an id when no take of the shot has that
 * number). NULL with an error when the shot has no such take. (transfer full) */
ReelTake *reel_project_find_take (ReelProject *self,
                                  gint64       shot_id,
                                  const char  *number_or_id,
                                  GError     **error);
/* Absolute path of a take's media (or thumbnail) file. */
char *reel_project_get_media_path (ReelProject *self, const char *relative_path);
/* Records a finished take (not undoable: it records work done). Fills
 * @take->id. The first take of a shot becomes its chosen take. */
gboolean reel_project_add_take (ReelProject *self, ReelTake *take, GError **error);
/* Makes @take_id the take the cut shows for @shot_id (undoable). A still
 * image can be chosen too: the film then shows it for the shot's length. */
gboolean
reel_project_choose_take (ReelProject *self, gint64 shot_id, gint64 take_id, GError **error);
/* Removes a take from the shot (undoable; the media file stays in the store). */
gboolean reel_project_delete_take (ReelProject *self, gint64 take_id, GError **error);
/* A still image as the shot's board (relative media path, or NULL to clear). */
gboolean reel_project_set_board_image (ReelProject *self,
                                       gint64       shot_id,
                                       const char  *relative_path,
                                       GError     **error);

/* The plan as JSON, in the shape `storyreel inspect --json` documents. */
char *reel_project_to_json (ReelProject *self);

G_END_DECLS
