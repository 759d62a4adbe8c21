/* reel-prompt-builder.c
 *
 * The final prompt is a template whose fields are filled in, so a user who
 * knows what a model answers to can reorder or reword it, while the
 * defaults (data/prompt/templates.tsv) give Wan what it follows in English
 * and in Chinese: the content of the shot first, the look last.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "storyreel-prompt"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "reel-prompt-builder.h"
#include "reel-prompt-data.h"

/* styles.tsv is data, not code: its shipped names are listed here for xgettext. */
static const char *const shipped_style_names[] G_GNUC_UNUSED = {
  N_ ("Pencil storyboard"), N_ ("Watercolour"), N_ ("Cinematic 35 mm"), N_ ("Anime"),
  N_ ("Ink wash 水墨"),
};

static const char *const known_fields[] = {
  REEL_PROMPT_FIELD_STYLE,  REEL_PROMPT_FIELD_CHARACTERS, REEL_PROMPT_FIELD_SUBJECT,
  REEL_PROMPT_FIELD_ACTION, REEL_PROMPT_FIELD_SETTING,    REEL_PROMPT_FIELD_CAMERA,
  REEL_PROMPT_FIELD_TEXT,
};

void
reel_style_preset_free (ReelStylePreset *preset)
{
  if (preset == NULL)
    return;
  g_free (preset->id);
  g_free (preset->name);
  g_free (preset->prompt_en);
  g_free (preset->prompt_zh);
  g_free (preset);
}

GPtrArray *
reel_prompt_list_style_presets (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = reel_prompt_data_read_lines ("styles.tsv", &error);
  GPtrArray *presets = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_style_preset_free);

  if (lines == NULL)
    {
      g_warning ("Could not read the style presets: %s", error->message);
      return presets;
    }
  for (guint i = 0; i < lines->len; i++)
    {
      g_auto (GStrv) fields = reel_prompt_data_split_fields (g_ptr_array_index (lines, i), 4);
      ReelStylePreset *preset;

      if (*fields[0] == '\0')
        continue;
      preset = g_new0 (ReelStylePreset, 1);
      preset->id = g_strdup (fields[0]);
      preset->name = g_strdup (*fields[1] != '\0' ? fields[1] : fields[0]);
      preset->prompt_en = g_strdup (fields[2]);
      preset->prompt_zh = g_strdup (*fields[3] != '\0' ? fields[3] : fields[2]);
      g_ptr_array_add (presets, preset);
    }
  return presets;
}

ReelStylePreset *
reel_prompt_lookup_style_preset (const char *id)
{
  g_autoptr (GPtrArray) presets = NULL;

  if (id == NULL || *id == '\0')
    return NULL;
  presets = reel_prompt_list_style_presets ();
  /* The last wins, so a user's line replaces a shipped preset of the same id. */
  for (guint i = presets->len; i > 0; i--)
    {
      ReelStylePreset *preset = g_ptr_array_index (presets, i - 1);

      if (g_str_equal (preset->id, id))
        return g_ptr_array_steal_index (presets, i - 1);
    }
  return NULL;
}

const char *
reel_style_preset_get_display_name (const ReelStylePreset *preset)
{
  g_return_val_if_fail (preset != NULL, NULL);
  return _ (preset->name);
}

const char *
reel_style_preset_get_prompt (const ReelStylePreset *preset, const char *language)
{
  g_return_val_if_fail (preset != NULL, NULL);
  return g_strcmp0 (language, "zh") == 0 ? preset->prompt_zh : preset->prompt_en;
}

const char *
reel_prompt_language_for_text (const char *text, const char *fallback)
{
  guint han = 0, letters = 0;

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN)
        han++;
      else if (g_unichar_isalpha (c))
        letters++;
    }
  /* A Chinese character says about as much as an English word of four or five letters. */
  if (han > 0 && han * 4 >= letters)
    return "zh";
  if (letters > 0)
    return "en";
  return fallback != NULL && g_str_has_prefix (fallback, "zh") ? "zh" : "en";
}

/* The second field of the line of @name whose first field is @key, or NULL. */
static char *
lookup_data_field (const char *name, const char *key, guint field, guint n_fields)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = reel_prompt_data_read_lines (name, &error);
  char *found = NULL;

  if (lines == NULL)
    {
      g_warning ("Could not read %s: %s", name, error->message);
      return NULL;
    }
  for (guint i = 0; i < lines->len; i++)
    {
      g_auto (GStrv) fields
          = reel_prompt_data_split_fields (g_ptr_array_index (lines, i), n_fields);

      if (g_str_equal (fields[0], key))
        {
          g_free (found);
          found = g_strdup (fields[field]); /* the last wins: the user's file */
        }
    }
  return found;
}

char *
reel_prompt_dup_default_template (const char *language)
{
  const char *key = g_strcmp0 (language, "zh") == 0 ? "zh" : "en";
  char       *found = lookup_data_field ("templates.tsv", key, 1, 2);

  if (found == NULL || *found == '\0')
    {
      g_free (found);
      return g_strdup ("{text}");
    }
  return found;
}

char *
reel_prompt_dup_camera_phrase (ReelCameraMove move, const char *language)
{
  char *found = lookup_data_field ("camera-prompts.tsv", reel_camera_move_to_string (move),
                                   g_strcmp0 (language, "zh") == 0 ? 2 : 1, 3);

  return found != NULL ? found : g_strdup ("");
}

/* @text without white space or a full stop at its end, which the template's own
 * separators stand for. */
static char *
strip_ending (const char *text)
{
  char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *end;

  while (*copy != '\0')
    {
      end = g_utf8_find_prev_char (copy, copy + strlen (copy));
      if (strchr (".;,", *end) == NULL && !g_str_equal (end, "。") && !g_str_equal (end, "；")
          && !g_str_equal (end, "，"))
        break;
      *end = '\0';
      g_strchomp (copy);
    }
  return copy;
}

char *
reel_prompt_format_characters (const char *const *names,
                               const char *const *descriptions,
                               const char        *language)
{
  gboolean zh = g_strcmp0 (language, "zh") == 0;
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *description = strip_ending (descriptions[i]);

      if (*description == '\0')
        continue;
      if (text->len > 0)
        g_string_append (text, zh ? "；" : "; ");
      g_string_append_printf (text, zh ? "%s：%s" : "%s: %s", names[i], description);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A template split at its fields: literals[0] field[0] literals[1] … field[n-1] literals[n]. */
typedef struct
{
  GPtrArray *literals; /* GString* */
  GPtrArray *fields;   /* const char* field names */
} Template;

static void
template_clear (Template *template)
{
  g_clear_pointer (&template->literals, g_ptr_array_unref);
  g_clear_pointer (&template->fields, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Template, template_clear)

static void
free_gstring (gpointer string)
{
  g_string_free (string, TRUE);
}

static const char *
known_field (const char *name, gsize length)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_fields); i++)
    if (strlen (known_fields[i]) == length && strncmp (known_fields[i], name, length) == 0)
      return known_fields[i];
  return NULL;
}

static void
template_parse (Template *template, const char *text)
{
  GString *literal = g_string_new (NULL);

  template->literals = g_ptr_array_new_with_free_func (free_gstring);
  template->fields = g_ptr_array_new ();
  g_ptr_array_add (template->literals, literal);

  for (const char *p = text; *p != '\0';)
    {
      const char *close = *p == '{' ? strchr (p, '}') : NULL;
      const char *field = close != NULL ? known_field (p + 1, close - p - 1) : NULL;

      if (field == NULL)
        {
          g_string_append_c (literal, *p++);
          continue;
        }
      g_ptr_array_add (template->fields, (gpointer) field);
      literal = g_string_new (NULL);
      g_ptr_array_add (template->literals, literal);
      p = close + 1;
    }
}

/* How strongly a separator divides: a full stop, a comma, a space, nothing. */
static int
separator_strength (const GString *separator)
{
  static const char *const stops[] = { ".", "!", "?", ";", "\n", "。", "！", "？", "；" };
  static const char *const commas[] = { ",", ":", "，", "、", "：" };

  for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
    if (strstr (separator->str, stops[i]) != NULL)
      return 3;
  for (guint i = 0; i < G_N_ELEMENTS (commas); i++)
    if (strstr (separator->str, commas[i]) != NULL)
      return 2;
  return separator->len > 0 ? 1 : 0;
}

/* The strongest of the literals @first to @last, the first of them on a tie. */
static GString *
strongest_separator (const Template *template, guint first, guint last)
{
  GString *separator = g_ptr_array_index (template->literals, first);

  for (guint j = first + 1; j <= last; j++)
    if (separator_strength (g_ptr_array_index (template->literals, j))
        > separator_strength (separator))
      separator = g_ptr_array_index (template->literals, j);
  return separator;
}

/* Appends @separator, without its first mark when @out already ends a sentence with one
 * ("He waits." then ". " gives "He waits. ", not "He waits.. "). */
static void
append_separator (GString *out, const char *separator)
{
  static const char *const marks[] = { ".", ",", ";", "。", "，", "；" };
  static const char *const endings[] = { ".", "!", "?", "。", "！", "？", "…", "\"", "”" };
  gsize                    end = out->len;
  gboolean                 ended = FALSE;

  while (end > 0 && g_ascii_isspace (out->str[end - 1]))
    end--;
  for (guint i = 0; i < G_N_ELEMENTS (endings) && !ended; i++)
    {
      gsize n = strlen (endings[i]);
      ended = end >= n && memcmp (out->str + end - n, endings[i], n) == 0;
    }
  if (ended)
    for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
      if (g_str_has_prefix (separator, marks[i]))
        {
          separator += strlen (marks[i]);
          break;
        }
  g_string_append (out, separator);
}

char *
reel_prompt_fill_template (const char *template_text, GHashTable *fields)
{
  g_auto (Template) template = { 0 };
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  int   last = -1;
  guint n_written = 0;

  g_return_val_if_fail (template_text != NULL, NULL);

  template_parse (&template, template_text);
  for (guint i = 0; i < template.fields->len; i++)
    {
      const char *value = fields != NULL
                              ? g_hash_table_lookup (fields, g_ptr_array_index (template.fields, i))
                              : NULL;
      g_ptr_array_add (values, g_strstrip (g_strdup (value != NULL ? value : "")));
    }

  for (guint i = 0; i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);
      GString    *separator;

      if (*value == '\0')
        continue;
      if (last < 0)
        separator = i == 0 ? g_ptr_array_index (template.literals, 0) : NULL;
      else
        separator = strongest_separator (&template, last + 1, i);
      if (separator != NULL)
        append_separator (out, separator->str);
      g_string_append (out, value);
      last = (int) i;
      n_written++;
    }
  /* A template without fields is all literal. A prompt of several fields ends as the template
   * does; one of a single field that the template does not end with is that field alone, so
   * that a shot with nothing but its text is sent its text. */
  if (template.fields->len == 0)
    g_string_append (out, ((GString *) g_ptr_array_index (template.literals, 0))->str);
  else if (last == (int) template.fields->len - 1)
    append_separator (out, ((GString *) g_ptr_array_index (template.literals, last + 1))->str);
  else if (n_written > 1)
    append_separator (out, strongest_separator (&template, last + 1, values->len)->str);

  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}
