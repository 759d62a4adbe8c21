/* reel-breakdown.c: a script (Fountain or plain text) broken down into scenes and shots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-script"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "reel-breakdown.h"
#include "reel-fountain-private.h"
#include "reel-fountain.h"
#include "reel-segmenter.h"

GQuark
reel_script_error_quark (void)
{
  return g_quark_from_static_string ("reel-script-error-quark");
}

/* Plain text is split only where a paragraph is far longer than a shot. */
#define PLAIN_TEXT_SPLIT_FACTOR 2

/* Building the plan */

typedef struct
{
  ReelPlan     *plan;
  ReelPlanShot *shot;    /* the shot captions attach to, NULL at the start of a scene */
  const char   *speaker; /* of the speech being read, NULL outside dialogue */
} Builder;

static ReelPlanScene *
builder_scene (Builder *builder)
{
  /* Shots before the first heading go into an implicit first scene. */
  if (builder->plan->scenes->len == 0)
    g_ptr_array_add (builder->plan->scenes, reel_plan_scene_new (""));

  return g_ptr_array_index (builder->plan->scenes, builder->plan->scenes->len - 1);
}

static void
builder_start_scene (Builder *builder, const char *heading, const char *number)
{
  ReelPlanScene *scene = reel_plan_scene_new (heading);

  scene->number = g_strdup (number);
  g_ptr_array_add (builder->plan->scenes, scene);
  builder->shot = NULL;
  builder->speaker = NULL;
}

static ReelPlanShot *
builder_add_shot (Builder *builder, const char *text)
{
  ReelPlanShot *shot = reel_plan_shot_new (text);

  g_ptr_array_add (builder_scene (builder)->shots, shot);
  builder->shot = shot;
  return shot;
}

static void
builder_add_paragraph (Builder *builder, const char *paragraph, guint split_factor)
{
  g_autoptr (GPtrArray) groups = NULL;

  groups = reel_segmenter_group_sentences (paragraph, REEL_SEGMENTER_SHOT_WORDS * split_factor,
                                           REEL_SEGMENTER_SHOT_CJK_CHARS * split_factor);
  for (guint i = 0; i < groups->len; i++)
    builder_add_shot (builder, g_ptr_array_index (groups, i));
}

static void
builder_add_character (Builder *builder, const char *name)
{
  for (guint i = 0; i < builder->plan->characters->len; i++)
    if (g_strcmp0 (g_ptr_array_index (builder->plan->characters, i), name) == 0)
      return;

  g_ptr_array_add (builder->plan->characters, g_strdup (name));
}

static char *
strip_parentheses (const char *parenthetical)
{
  g_autofree char *copy = g_strstrip (g_strdup (parenthetical));
  gsize            len = strlen (copy);

  if (len >= 2 && copy[0] == '(' && copy[len - 1] == ')')
    {
      copy[len - 1] = '\0';
      return g_strstrip (g_strdup (copy + 1));
    }
  /* Chinese and Japanese write them full width: （轻声） */
  if (g_str_has_prefix (copy, "（") && g_str_has_suffix (copy, "）") && len >= 2 * strlen ("（"))
    {
      copy[len - strlen ("）")] = '\0';
      return g_strstrip (g_strdup (copy + strlen ("（")));
    }
  return g_steal_pointer (&copy);
}

/* The text of a shot made for dialogue that no action precedes: the speech itself. */
static char *
speech_shot_text (GPtrArray *elements, guint from)
{
  for (guint i = from; i < elements->len; i++)
    {
      const ReelFountainElement *element = g_ptr_array_index (elements, i);

      if (element->type == REEL_FOUNTAIN_DIALOGUE || element->type == REEL_FOUNTAIN_LYRICS)
        return reel_segmenter_normalize_space (element->text);
      if (element->type != REEL_FOUNTAIN_PARENTHETICAL && element->type != REEL_FOUNTAIN_NOTE
          && element->type != REEL_FOUNTAIN_BONEYARD)
        break;
    }

  {
    const ReelFountainElement *element = g_ptr_array_index (elements, from);
    g_autofree char           *bare = strip_parentheses (element->text);

    return reel_segmenter_normalize_space (bare);
  }
}

static void
builder_add_caption (Builder *builder, GPtrArray *elements, guint index)
{
  const ReelFountainElement *element = g_ptr_array_index (elements, index);
  gboolean                   parenthetical = element->type == REEL_FOUNTAIN_PARENTHETICAL;
  /* Captions keep a parenthetical's words without its brackets; the flag says what it is. */
  g_autofree char *text
      = parenthetical ? strip_parentheses (element->text) : g_strstrip (g_strdup (element->text));

  if (*text == '\0')
    return;

  if (builder->shot == NULL)
    {
      g_autofree char *shot_text = speech_shot_text (elements, index);

      builder_add_shot (builder, *shot_text != '\0' ? shot_text : text);
    }

  g_ptr_array_add (builder->shot->captions,
                   reel_caption_new (builder->speaker, text, parenthetical));
}

static void
breakdown_fountain (ReelPlan *plan, ReelFountainDocument *doc)
{
  Builder builder = { plan, NULL, NULL };

  for (guint i = 0; i < doc->elements->len; i++)
    {
      const ReelFountainElement *element = g_ptr_array_index (doc->elements, i);

      switch (element->type)
        {
          case REEL_FOUNTAIN_SCENE_HEADING:
            builder_start_scene (&builder, element->text, element->scene_number);
            break;

          case REEL_FOUNTAIN_ACTION:
            builder.speaker = NULL;
            builder_add_paragraph (&builder, element->text, 1);
            break;

          case REEL_FOUNTAIN_CHARACTER:
            builder.speaker = element->text;
            builder_add_character (&builder, element->text);
            break;

          case REEL_FOUNTAIN_DIALOGUE:
          case REEL_FOUNTAIN_PARENTHETICAL:
          case REEL_FOUNTAIN_LYRICS:
            builder_add_caption (&builder, doc->elements, i);
            break;

          case REEL_FOUNTAIN_NOTE:
          case REEL_FOUNTAIN_BONEYARD:
            /* Invisible: a note inside a speech does not end it. */
            break;

          case REEL_FOUNTAIN_TRANSITION:
          case REEL_FOUNTAIN_CENTERED:
          case REEL_FOUNTAIN_SECTION:
          case REEL_FOUNTAIN_SYNOPSIS:
          case REEL_FOUNTAIN_PAGE_BREAK:
          default:
            builder.speaker = NULL;
            break;
        }
    }
}

/* Plain text */

static gboolean
is_plain_scene_line (const char *line)
{
  static GRegex *regex = NULL;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("^(?:scene(?:$|[\\s\\d:：.\\-#–—])|场景(?:$|[\\s\\d:："
                               "一二三四五六七八九十百零〇两#.\\-]))",
                               G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  return g_utf8_strlen (line, -1) <= 80 && g_regex_match (regex, line, 0, NULL);
}

static char *
normalize_line_endings (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  if (g_str_has_prefix (text, "\xef\xbb\xbf"))
    text += 3;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_blank_line (const char *line)
{
  for (const char *p = line; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static void
flush_plain_paragraph (Builder *builder, GString *paragraph)
{
  g_autofree char *stripped = NULL;

  if (paragraph->len == 0)
    return;

  stripped = reel_fountain_strip_emphasis (paragraph->str);
  builder_add_paragraph (builder, stripped, PLAIN_TEXT_SPLIT_FACTOR);
  g_string_truncate (paragraph, 0);
}

/* The parser's cues known by name (see reel_fountain_parse_with_characters()), by the index of
 * their line. Plain text has no other speakers. */
static GHashTable *
index_cues_by_line (const ReelFountainDocument *doc)
{
  GHashTable *cues = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < doc->elements->len; i++)
    {
      const ReelFountainElement *element = g_ptr_array_index (doc->elements, i);

      if (element->type == REEL_FOUNTAIN_CHARACTER && element->by_name && element->line > 0)
        g_hash_table_insert (cues, GUINT_TO_POINTER (element->line - 1), GUINT_TO_POINTER (i));
    }
  return cues;
}

/* Adds the speech whose cue is the element at @cue_index and returns the index of the last line
 * it takes: the cue's own line for "NAME: speech", else the lines up to the next blank one. */
static guint
add_plain_speech (Builder                    *builder,
                  const ReelFountainDocument *doc,
                  guint                       cue_index,
                  char                      **lines,
                  guint                       line_index)
{
  const ReelFountainElement *cue = g_ptr_array_index (doc->elements, cue_index);
  gboolean                   on_one_line = FALSE;

  builder->speaker = cue->text;
  builder_add_character (builder, cue->text);
  for (guint i = cue_index + 1; i < doc->elements->len; i++)
    {
      const ReelFountainElement *element = g_ptr_array_index (doc->elements, i);

      if (element->type != REEL_FOUNTAIN_DIALOGUE && element->type != REEL_FOUNTAIN_PARENTHETICAL
          && element->type != REEL_FOUNTAIN_LYRICS)
        break;
      on_one_line |= element->line == cue->line;
      builder_add_caption (builder, doc->elements, i);
    }
  builder->speaker = NULL;

  if (!on_one_line)
    while (lines[line_index + 1] != NULL && !is_blank_line (lines[line_index + 1]))
      line_index++;
  return line_index;
}

static void
breakdown_plain (ReelPlan *plan, const char *text, const ReelFountainDocument *doc)
{
  g_autofree char *normalized = normalize_line_endings (text);
  g_auto (GStrv) lines = g_strsplit (normalized, "\n", -1);
  g_autoptr (GString) paragraph = g_string_new (NULL);
  g_autoptr (GHashTable) cues = index_cues_by_line (doc);
  Builder  builder = { plan, NULL, NULL };
  gboolean has_scene_lines = FALSE;
  guint    blank_run = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));

      if (is_plain_scene_line (trimmed))
        has_scene_lines = TRUE;
    }

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));
      gpointer         cue_index;

      if (*trimmed == '\0')
        {
          flush_plain_paragraph (&builder, paragraph);
          blank_run++;
          continue;
        }

      if (g_hash_table_lookup_extended (cues, GUINT_TO_POINTER (i), NULL, &cue_index))
        {
          flush_plain_paragraph (&builder, paragraph);
          i = add_plain_speech (&builder, doc, GPOINTER_TO_UINT (cue_index), lines, i);
        }
      else if (has_scene_lines && is_plain_scene_line (trimmed))
        {
          g_autofree char *heading = reel_fountain_strip_emphasis (trimmed);

          flush_plain_paragraph (&builder, paragraph);
          builder_start_scene (&builder, heading, NULL);
        }
      else
        {
          /* Without scene lines, two blank lines or more end a scene. */
          if (!has_scene_lines && blank_run >= 2 && plan->scenes->len > 0
              && builder_scene (&builder)->shots->len > 0)
            builder_start_scene (&builder, "", NULL);

          if (paragraph->len > 0)
            g_string_append_c (paragraph, '\n');
          g_string_append (paragraph, trimmed);
        }

      blank_run = 0;
    }

  flush_plain_paragraph (&builder, paragraph);
}

/* Entry point */

static gboolean
validate_text (const char *text, GError **error)
{
  const char *end = NULL;
  const char *p;

  if (text == NULL || !g_utf8_validate (text, -1, &end))
    {
      guint line = 1;

      if (text == NULL)
        {
          g_set_error_literal (error, REEL_SCRIPT_ERROR, REEL_SCRIPT_ERROR_EMPTY,
                               _ ("The script is empty. Write or paste a script, then break it "
                                  "down again."));
          return FALSE;
        }

      for (p = text; p < end; p++)
        if (*p == '\n')
          line++;

      g_set_error (error, REEL_SCRIPT_ERROR, REEL_SCRIPT_ERROR_INVALID_UTF8,
                   _ ("The script is not UTF-8 text: line %u, byte %zu"
                      " holds an invalid character. Save the script as UTF-8 in your text "
                      "editor and import it again."),
                   line, (gsize) (end - text));
      return FALSE;
    }

  p = text;
  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;
  for (; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;

  g_set_error_literal (error, REEL_SCRIPT_ERROR, REEL_SCRIPT_ERROR_EMPTY,
                       _ ("The script is empty. Write or paste a script, then break it down "
                          "again."));
  return FALSE;
}

static void
fill_title (ReelPlan *plan, GHashTable *title_page)
{
  GHashTableIter iter;
  gpointer       key, value;
  const char    *title;

  g_hash_table_iter_init (&iter, title_page);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (plan->title_page, g_strdup (key), g_strdup (value));

  title = g_hash_table_lookup (title_page, "title");
  if (title != NULL)
    {
      g_autofree char *stripped = reel_fountain_strip_emphasis (title);
      char            *normalized = reel_segmenter_normalize_space (stripped);

      if (*normalized != '\0')
        plan->title = normalized;
      else
        g_free (normalized);
    }
}

/* Once per name: a line that looked like a cue but stayed action, with the speech under it. */
static void
warn_of_likely_cues (ReelPlan *plan, const ReelFountainDocument *doc)
{
  for (guint i = 0; i < doc->likely_cues->len; i++)
    {
      const ReelFountainElement *cue = g_ptr_array_index (doc->likely_cues, i);
      char                      *message;

      if (reel_fountain_has_unspaced_script (cue->text))
        message = g_strdup_printf (
            _ ("“%s” looks like a character’s name, so the line under it may be their "
               "speech, but both were read as action. To make it dialogue, write “%s：” before "
               "the speech, or “@%s” on the name’s line."),
            cue->text, cue->text, cue->text);
      else
        message = g_strdup_printf (
            _ ("“%s” looks like a character’s name, so the line under it may be their "
               "speech, but both were read as action. To make it dialogue, put a blank line "
               "before the name in capitals, write “%s:” before the speech, or write “@%s” on "
               "the name’s line."),
            cue->text, cue->text, cue->text);
      reel_plan_add_warning (plan, cue->line, cue->text, message);
    }
}

ReelPlan *
reel_breakdown_script (const char *text, GError **error)
{
  return reel_breakdown_script_with_characters (text, NULL, error);
}

ReelPlan *
reel_breakdown_script_with_characters (const char        *text,
                                       const char *const *characters,
                                       GError           **error)
{
  g_autoptr (ReelPlan) plan = NULL;
  g_autoptr (ReelFountainDocument) doc = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_text (text, error))
    return NULL;

  plan = reel_plan_new ();
  doc = reel_fountain_parse_with_characters (text, characters);
  plan->fountain = reel_fountain_document_has_markup (doc);

  if (plan->fountain)
    {
      fill_title (plan, doc->title_page);
      breakdown_fountain (plan, doc);
    }
  else
    breakdown_plain (plan, text, doc);
  warn_of_likely_cues (plan, doc);

  if (reel_plan_count_shots (plan) == 0)
    {
      g_set_error_literal (error, REEL_SCRIPT_ERROR, REEL_SCRIPT_ERROR_NO_SHOTS,
                           _ ("Nothing in the script becomes a shot. Add action paragraphs or "
                              "dialogue under the scene headings, then break it down again."));
      return NULL;
    }

  return g_steal_pointer (&plan);
}
