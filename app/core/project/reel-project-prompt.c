/* reel-project-prompt.c: styles, the template and each shot's final prompt
 *
 * The final prompt is worked out from the document whenever it is asked for
 * rather than stored: a new character, style or template changes every
 * shot's prompt at once, and what the card shows, `storyreel inspect`
 * prints and the scheduler sends cannot drift apart. A job freezes the
 * prompt it was sent into its request, and its take records that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "reel-character-matcher.h"
#include "reel-project-private.h"
#include "reel-prompt-builder.h"
#include "reel-segmenter.h"
#include "reel-shot-reader.h"

void
reel_style_free (ReelStyle *style)
{
  if (style == NULL)
    return;
  g_free (style->name);
  g_free (style->prompt);
  g_free (style);
}

void
reel_shot_prompt_free (ReelShotPrompt *prompt)
{
  if (prompt == NULL)
    return;
  g_free (prompt->prompt);
  g_free (prompt->automatic);
  g_free (prompt->negative_prompt);
  g_free (prompt->language);
  g_clear_pointer (&prompt->character_ids, g_array_unref);
  g_free (prompt->reference_image);
  g_free (prompt);
}

/* Styles */

GPtrArray *
reel_project_list_styles (ReelProject *self)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *styles = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_style_free);

  g_return_val_if_fail (REEL_IS_PROJECT (self), styles);

  stmt = reel_sql_prepare (self->db, "SELECT id, name, prompt FROM styles ORDER BY name", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      ReelStyle *style = g_new0 (ReelStyle, 1);

      style->id = sqlite3_column_int64 (stmt, 0);
      style->name = reel_sql_dup_text (stmt, 1);
      style->prompt = reel_sql_dup_text (stmt, 2);
      g_ptr_array_add (styles, style);
    }
  return styles;
}

static gboolean
check_style_name (const char *name, GError **error)
{
  if (name != NULL && *name != '\0' && g_utf8_validate (name, -1, NULL))
    return TRUE;

  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID, _ ("A style needs a name."));
  return FALSE;
}

/* Runs @stmt, which inserts or renames a style, as one edit. */
static gboolean
run_style_edit (
    ReelProject *self, sqlite3_stmt *stmt, const char *name, const char *label, GError **error)
{
  if (!reel_project_begin_edit (self, error))
    return FALSE;
  if (!reel_sql_step_done (self->db, stmt, error))
    {
      reel_project_rollback_edit (self);
      if (error != NULL && g_error_matches (*error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID))
        {
          g_clear_error (error);
          g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                       _ ("There is already a style called “%s”."), name);
        }
      return FALSE;
    }
  return reel_project_commit_edit (self, label, REEL_CHANGE_SETTINGS, error);
}

gint64
reel_project_add_style (ReelProject *self, const char *name, const char *prompt, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);

  if (!check_style_name (name, error)
      || !(stmt
           = reel_sql_prepare (self->db, "INSERT INTO styles (name, prompt) VALUES (?, ?)", error)))
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, prompt != NULL ? prompt : "", -1, SQLITE_TRANSIENT);
  if (!run_style_edit (self, stmt, name, _ ("Add style"), error))
    return 0;
  return reel_sql_query_int (self->db, "SELECT max(id) FROM styles", 0);
}

gboolean
reel_project_update_style (
    ReelProject *self, gint64 style_id, const char *name, const char *prompt, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!check_style_name (name, error)
      || !(stmt = reel_sql_prepare (self->db, "UPDATE styles SET name = ?, prompt = ? WHERE id = ?",
                                    error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, prompt != NULL ? prompt : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, style_id);
  return run_style_edit (self, stmt, name, _ ("Edit style"), error);
}

gboolean
reel_project_remove_style (ReelProject *self, gint64 style_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!(stmt = reel_sql_prepare (self->db, "DELETE FROM styles WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, style_id);
  return reel_project_run_edit (self, _ ("Remove style"), REEL_CHANGE_SETTINGS, stmt, error);
}

/* Settings of prompt craft */

static char *
dup_setting (ReelProject *self, const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM project WHERE id = 1", column);
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (self->db, sql, NULL);
  char *value = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    value = reel_sql_dup_text (stmt, 0);
  return value != NULL ? value : g_strdup ("");
}

static gboolean
set_setting (
    ReelProject *self, const char *column, const char *value, const char *label, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE project SET %s = ? WHERE id = 1", column);
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, value != NULL ? value : "", -1, SQLITE_TRANSIENT);
  return reel_project_run_edit (self, label, REEL_CHANGE_SETTINGS, stmt, error);
}

char *
reel_project_dup_style (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return dup_setting (self, "style");
}

gboolean
reel_project_set_style (ReelProject *self, const char *style, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  return set_setting (self, "style", style, _ ("Change style"), error);
}

char *
reel_project_dup_negative_prompt (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return dup_setting (self, "negative_prompt");
}

gboolean
reel_project_set_negative_prompt (ReelProject *self, const char *negative_prompt, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  return set_setting (self, "negative_prompt", negative_prompt, _ ("Change negative prompt"),
                      error);
}

char *
reel_project_dup_prompt_template (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return dup_setting (self, "prompt_template");
}

gboolean
reel_project_set_prompt_template (ReelProject *self, const char *template_text, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  return set_setting (self, "prompt_template", template_text, _ ("Change prompt template"), error);
}

/* The final prompt */

/* The project's style in @language: one of its own styles by name, else a preset by id. */
static char *
dup_style_prompt (ReelProject *self, const char *language)
{
  g_autofree char *style = reel_project_dup_style (self);
  g_autoptr (GPtrArray) styles = NULL;
  g_autoptr (ReelStylePreset) preset = NULL;

  if (*style == '\0')
    return g_strdup ("");
  styles = reel_project_list_styles (self);
  for (guint i = 0; i < styles->len; i++)
    {
      ReelStyle *own = g_ptr_array_index (styles, i);

      if (g_str_equal (own->name, style))
        return g_strdup (own->prompt);
    }
  preset = reel_prompt_lookup_style_preset (style);
  return g_strdup (preset != NULL ? reel_style_preset_get_prompt (preset, language) : "");
}

/* What of @shot names who is in it: its text, then who speaks. */
static char *
dup_mention_text (ReelShot *shot)
{
  GPtrArray *captions = reel_shot_get_captions (shot);
  g_autoptr (GString) text = g_string_new (reel_shot_get_text (shot));

  for (guint i = 0; i < captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (captions, i);

      if (caption->speaker != NULL)
        g_string_append_printf (text, "\n%s", caption->speaker);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Where @shot's scene starts in @shots. The shot's position finds it
 * without a walk over the whole film, which made a prompt for every shot of
 * a long film (Generate All) take time in the square of its shots. */
static guint
scene_start_of (GListModel *shots, ReelShot *shot, guint *shot_index)
{
  guint n = g_list_model_get_n_items (shots);
  guint index = reel_shot_get_position (shot);
  guint start;

  if (index < n)
    {
      g_autoptr (ReelShot) at = g_list_model_get_item (shots, index);

      if (at != shot)
        index = n;
    }
  if (index >= n)
    {
      /* Not in the film's order yet (mid-edit): find it by a walk. */
      for (index = 0; index < n; index++)
        {
          g_autoptr (ReelShot) other = g_list_model_get_item (shots, index);

          if (other == shot)
            break;
        }
    }
  for (start = MIN (index, n); start > 0; start--)
    {
      g_autoptr (ReelShot) before = g_list_model_get_item (shots, start - 1);

      if (reel_shot_get_scene_id (before) != reel_shot_get_scene_id (shot))
        break;
    }
  *shot_index = index;
  return start;
}

/* The characters @shot mentions, reading its scene from the start so a pronoun finds whom it
 * stands for. */
static GArray *
match_characters (ReelProject *self, ReelShot *shot, GPtrArray *characters)
{
  g_autoptr (ReelCharacterMatcher) matcher = reel_character_matcher_new ();
  GListModel *shots = reel_project_get_shots (self);
  guint       shot_index;
  guint       start = scene_start_of (shots, shot, &shot_index);

  for (guint i = 0; i < characters->len; i++)
    {
      const ReelCharacter *character = g_ptr_array_index (characters, i);

      reel_character_matcher_add_character (matcher, character->id, character->name,
                                            (const char *const *) character->aliases,
                                            character->pronoun);
    }
  reel_character_matcher_begin_scene (matcher);
  for (guint i = start; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) other = g_list_model_get_item (shots, i);
      g_autofree char *text = dup_mention_text (other);
      g_autoptr (GArray) ids = reel_character_matcher_match (matcher, text);

      if (i == shot_index)
        return g_steal_pointer (&ids);
    }
  return g_array_new (FALSE, FALSE, sizeof (gint64));
}

static const ReelCharacter *
find_character (GPtrArray *characters, gint64 id)
{
  for (guint i = 0; i < characters->len; i++)
    if (((const ReelCharacter *) g_ptr_array_index (characters, i))->id == id)
      return g_ptr_array_index (characters, i);
  return NULL;
}

/* What @character is called in a prompt in @language: its name, or the first alias in that
 * language when the name is not (李明 in a Chinese prompt for "Li Ming"). */
static const char *
name_in_language (const ReelCharacter *character, const char *language)
{
  if (g_str_equal (reel_prompt_language_for_text (character->name, language), language))
    return character->name;
  for (guint i = 0; character->aliases != NULL && character->aliases[i] != NULL; i++)
    if (g_str_equal (reel_prompt_language_for_text (character->aliases[i], language), language))
      return character->aliases[i];
  return character->name;
}

/* The {characters} field, and the first of them's reference image. */
static char *
describe_characters (GPtrArray  *characters,
                     GArray     *ids,
                     const char *language,
                     char      **reference_image)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GPtrArray) descriptions = g_ptr_array_new ();

  for (guint i = 0; i < ids->len; i++)
    {
      const ReelCharacter *character = find_character (characters, g_array_index (ids, gint64, i));

      if (character == NULL)
        continue;
      g_ptr_array_add (names, (gpointer) name_in_language (character, language));
      g_ptr_array_add (descriptions, character->description);
      if (*reference_image == NULL && character->reference_image != NULL
          && *character->reference_image != '\0')
        *reference_image = g_strdup (character->reference_image);
    }
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (descriptions, NULL);
  return reel_prompt_format_characters ((const char *const *) names->pdata,
                                        (const char *const *) descriptions->pdata, language);
}

static char *
dup_shot_override (ReelProject *self, gint64 shot_id)
{
  g_autoptr (sqlite3_stmt) stmt
      = reel_sql_prepare (self->db, "SELECT prompt FROM shots WHERE id = ?", NULL);
  char *prompt = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    prompt = reel_sql_dup_text (stmt, 0);
  if (prompt != NULL && *prompt == '\0')
    g_clear_pointer (&prompt, g_free);
  return prompt;
}

/* The project's one reader of shots, built at the first prompt: its
 * vocabularies take tens of milliseconds to read. NULL, once said, when the
 * user's vocabulary cannot be read; prompts then go without the fields. */
static ReelShotReader *
shot_reader (ReelProject *self)
{
  g_autoptr (GError) error = NULL;

  if (self->shot_reader == NULL && !self->shot_reader_failed)
    {
      self->shot_reader = reel_shot_reader_new (&error);
      if (self->shot_reader == NULL)
        {
          g_message ("Shots are read without their fields: %s", error->message);
          self->shot_reader_failed = TRUE;
        }
    }
  return self->shot_reader;
}

/* Reads @shot; the project's @characters are subjects, whatever the
 * vocabularies say. */
static ReelShotReading *
read_shot (ReelProject *self, ReelShot *shot, GPtrArray *characters)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  ReelShotReader *reader = shot_reader (self);
  ReelScene      *scene;

  if (reader == NULL)
    return NULL;
  for (guint i = 0; i < characters->len; i++)
    {
      const ReelCharacter *character = g_ptr_array_index (characters, i);

      g_ptr_array_add (names, character->name);
      for (guint a = 0; character->aliases != NULL && character->aliases[a] != NULL; a++)
        g_ptr_array_add (names, character->aliases[a]);
    }
  g_ptr_array_add (names, NULL);
  scene = reel_project_lookup_scene (self, reel_shot_get_scene_id (shot));
  return reel_shot_reader_read (reader, reel_shot_get_text (shot),
                                scene != NULL ? reel_scene_get_heading (scene)
                                              : reel_shot_get_scene_heading (shot),
                                (const char *const *) names->pdata);
}

ReelShotReading *
reel_project_dup_shot_reading (ReelProject *self, gint64 shot_id)
{
  g_autoptr (GPtrArray) characters = NULL;
  ReelShot *shot;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  if ((shot = reel_project_lookup_shot (self, shot_id)) == NULL)
    return NULL;
  characters = reel_project_list_characters (self);
  return read_shot (self, shot, characters);
}

/* Fields */

static const char *const shot_fields[] = {
  REEL_SHOT_FIELD_SUBJECTS, REEL_SHOT_FIELD_ACTION, REEL_SHOT_FIELD_SETTING,
  REEL_SHOT_FIELD_TIME,     REEL_SHOT_FIELD_MOOD,   REEL_SHOT_FIELD_STYLE,
};

static gboolean
is_shot_field (const char *field)
{
  return field != NULL && g_strv_contains ((const char *const *) shot_fields, field);
}

static char *
dup_field_edit (ReelProject *self, gint64 shot_id, const char *field)
{
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (
      self->db, "SELECT value FROM shot_fields WHERE shot_id = ? AND field = ?", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW ? reel_sql_dup_text (stmt, 0) : NULL;
}

/* @field of @reading, lists joined with @separator. */
static char *
dup_read_field (ReelShotReading *reading, const char *field, const char *separator)
{
  const char *const *list = NULL;
  const char        *text = NULL;

  if (reading == NULL)
    return g_strdup ("");
  if (g_str_equal (field, REEL_SHOT_FIELD_SUBJECTS))
    list = reel_shot_reading_get_subjects (reading);
  else if (g_str_equal (field, REEL_SHOT_FIELD_MOOD))
    list = reel_shot_reading_get_mood (reading);
  else if (g_str_equal (field, REEL_SHOT_FIELD_STYLE))
    list = reel_shot_reading_get_style (reading);
  else if (g_str_equal (field, REEL_SHOT_FIELD_ACTION))
    text = reel_shot_reading_get_action (reading);
  else if (g_str_equal (field, REEL_SHOT_FIELD_SETTING))
    text = reel_shot_reading_get_setting (reading);
  else if (g_str_equal (field, REEL_SHOT_FIELD_TIME))
    text = reel_shot_reading_get_time_of_day (reading);
  if (list != NULL)
    return g_strjoinv (separator, (char **) list);
  return g_strdup (text != NULL ? text : "");
}

char *
reel_project_dup_shot_field (ReelProject *self, gint64 shot_id, const char *field, gboolean *edited)
{
  g_autoptr (ReelShotReading) reading = NULL;
  char *value;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  g_return_val_if_fail (is_shot_field (field), NULL);

  value = dup_field_edit (self, shot_id, field);
  if (edited != NULL)
    *edited = value != NULL;
  if (value != NULL)
    return value;
  reading = reel_project_dup_shot_reading (self, shot_id);
  return dup_read_field (reading, field, ", ");
}

char **
reel_project_dup_shot_fields (ReelProject       *self,
                              gint64             shot_id,
                              const char *const *fields,
                              gboolean          *edited)
{
  g_autoptr (ReelShotReading) reading = NULL;
  guint  n = g_strv_length ((char **) fields);
  char **values = g_new0 (char *, n + 1);

  g_return_val_if_fail (REEL_IS_PROJECT (self), values);

  for (guint i = 0; i < n; i++)
    {
      g_return_val_if_fail (is_shot_field (fields[i]), values);
      values[i] = dup_field_edit (self, shot_id, fields[i]);
      edited[i] = values[i] != NULL;
      /* The shot is read once, and only for a field the user left alone. */
      if (values[i] == NULL && reading == NULL)
        reading = reel_project_dup_shot_reading (self, shot_id);
      if (values[i] == NULL)
        values[i] = dup_read_field (reading, fields[i], ", ");
    }
  return values;
}

gboolean
reel_project_set_shot_field (
    ReelProject *self, gint64 shot_id, const char *field, const char *value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean clear = value == NULL || *value == '\0';

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (is_shot_field (field), FALSE);

  if (reel_project_lookup_shot (self, shot_id) == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no shot %" PRId64 " in this project."), shot_id);
      return FALSE;
    }
  stmt = reel_sql_prepare (self->db,
                           clear ? "DELETE FROM shot_fields WHERE shot_id = ?1 AND field = ?2"
                                 : "INSERT INTO shot_fields (shot_id, field, value)"
                                   " VALUES (?1, ?2, ?3) ON CONFLICT (shot_id, field)"
                                   " DO UPDATE SET value = excluded.value",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shot_id);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
  if (!clear)
    sqlite3_bind_text (stmt, 3, value, -1, SQLITE_TRANSIENT);
  return reel_project_run_edit (self, clear ? _ ("Read field from the text") : _ ("Edit field"),
                                REEL_CHANGE_PLAN, stmt, error);
}

/* {subject}, {action} and {setting}: what the user wrote over them, else
 * what reading the shot finds. */
static void
add_reading_fields (ReelProject *self,
                    ReelShot    *shot,
                    GPtrArray   *characters,
                    const char  *language,
                    GHashTable  *fields)
{
  g_autoptr (ReelShotReading) reading = read_shot (self, shot, characters);
  gint64      shot_id = reel_shot_get_id (shot);
  const char *separator = g_str_equal (language, "zh") ? "、" : ", ";
  const struct
  {
    const char *prompt_field;
    const char *shot_field;
  } map[] = {
    { REEL_PROMPT_FIELD_SUBJECT, REEL_SHOT_FIELD_SUBJECTS },
    { REEL_PROMPT_FIELD_ACTION, REEL_SHOT_FIELD_ACTION },
    { REEL_PROMPT_FIELD_SETTING, REEL_SHOT_FIELD_SETTING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    {
      char *value = dup_field_edit (self, shot_id, map[i].shot_field);

      if (value == NULL)
        value = dup_read_field (reading, map[i].shot_field, separator);
      g_hash_table_insert (fields, (char *) map[i].prompt_field, value);
    }
}

/* Fills @result's automatic prompt, language, characters and reference image. */
static void
build_automatic_prompt (ReelProject *self, ReelShot *shot, ReelShotPrompt *result)
{
  g_autoptr (GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GPtrArray) characters = reel_project_list_characters (self);
  g_autofree char *template_text = reel_project_dup_prompt_template (self);
  const char      *language;

  language
      = reel_prompt_language_for_text (reel_shot_get_text (shot), reel_project_get_language (self));
  result->language = g_strdup (language);
  result->character_ids = match_characters (self, shot, characters);

  if (g_str_equal (g_strstrip (template_text), ""))
    {
      g_free (template_text);
      template_text = reel_prompt_dup_default_template (language);
    }
  /* Reading the shot costs more than the rest of its prompt: only for a
   * template that asks for what it finds. */
  if (strstr (template_text, "{subject}") != NULL || strstr (template_text, "{action}") != NULL
      || strstr (template_text, "{setting}") != NULL)
    add_reading_fields (self, shot, characters, language, fields);
  g_hash_table_insert (fields, (char *) REEL_PROMPT_FIELD_TEXT,
                       reel_segmenter_normalize_space (reel_shot_get_text (shot)));
  g_hash_table_insert (fields, (char *) REEL_PROMPT_FIELD_CAMERA,
                       reel_prompt_dup_camera_phrase (reel_shot_get_camera (shot), language));
  g_hash_table_insert (
      fields, (char *) REEL_PROMPT_FIELD_CHARACTERS,
      describe_characters (characters, result->character_ids, language, &result->reference_image));
  g_hash_table_insert (fields, (char *) REEL_PROMPT_FIELD_STYLE, dup_style_prompt (self, language));

  result->automatic = reel_prompt_fill_template (template_text, fields);
}

ReelShotPrompt *
reel_project_dup_shot_prompt (ReelProject *self, gint64 shot_id)
{
  ReelShot       *shot;
  ReelShotPrompt *result;
  char           *override;
  char           *negative;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  if ((shot = reel_project_lookup_shot (self, shot_id)) == NULL)
    return NULL;

  result = g_new0 (ReelShotPrompt, 1);
  build_automatic_prompt (self, shot, result);
  override = dup_shot_override (self, shot_id);
  result->overridden = override != NULL;
  result->prompt = override != NULL ? override : g_strdup (result->automatic);
  negative = g_strstrip (reel_project_dup_negative_prompt (self));
  if (*negative != '\0')
    result->negative_prompt = negative;
  else
    g_free (negative);
  return result;
}

char *
reel_project_dup_final_prompt (ReelProject *self, gint64 shot_id)
{
  g_autoptr (ReelShotPrompt) prompt = reel_project_dup_shot_prompt (self, shot_id);

  return prompt != NULL ? g_steal_pointer (&prompt->prompt) : NULL;
}

gboolean
reel_project_set_shot_prompt_override (ReelProject *self,
                                       gint64       shot_id,
                                       const char  *prompt,
                                       GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (reel_project_lookup_shot (self, shot_id) == NULL)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("There is no shot %" PRId64 " in this project."), shot_id);
      return FALSE;
    }
  if (!(stmt = reel_sql_prepare (self->db, "UPDATE shots SET prompt = ? WHERE id = ?", error)))
    return FALSE;
  if (prompt != NULL && *prompt != '\0')
    sqlite3_bind_text (stmt, 1, prompt, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int64 (stmt, 2, shot_id);
  return reel_project_run_edit (self,
                                prompt != NULL && *prompt != '\0' ? _ ("Override shot prompt")
                                                                  : _ ("Use automatic prompt"),
                                REEL_CHANGE_PLAN, stmt, error);
}
