/* reel-fountain.c: a parser for Fountain screenplays
 *
 * The parser works in two passes, as the Fountain syntax asks: notes [[ ]] and boneyard / * * /
 * may span lines and sit anywhere, so they are cut out first; what is left is classified line by
 * line, each rule looking only at the line and its blank neighbours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-script"

#include "config.h"

#include <string.h>

#include "reel-fountain-private.h"
#include "reel-fountain.h"

/* Chinese names run to four characters (黑衣人甲, 欧阳娜娜); a longer phrase
 * before a colon is more likely action (小雨回头看去：…) unless it speaks
 * again. */
#define MAX_FIRST_SIGHT_CJK_NAME 4

/* Private-use characters stand in for escaped markers while emphasis is stripped. */
#define ESCAPED_STAR "\xee\x80\x80"       /* U+E000 */
#define ESCAPED_UNDERSCORE "\xee\x80\x81" /* U+E001 */

/* Keys of which at least one must be present for a key: value block to be a title page; without
 * this, a first line such as "Scene 1: The lab" in plain text would be taken for one. */
static const char *const known_title_keys[] = {
  "title",        "credit",    "author", "authors",  "source",  "draft date", "date", "contact",
  "contact info", "copyright", "notes",  "revision", "episode", "format",     "font", NULL,
};

static void
element_free (ReelFountainElement *element)
{
  g_free (element->text);
  g_free (element->scene_number);
  g_free (element->extension);
  g_free (element);
}

static ReelFountainElement *
element_new (ReelFountainElementType type, char *text, guint line)
{
  ReelFountainElement *element = g_new0 (ReelFountainElement, 1);

  element->type = type;
  element->text = text;
  element->line = line;

  return element;
}

void
reel_fountain_document_free (ReelFountainDocument *doc)
{
  if (doc == NULL)
    return;

  g_clear_pointer (&doc->title_page, g_hash_table_unref);
  g_clear_pointer (&doc->elements, g_ptr_array_unref);
  g_clear_pointer (&doc->likely_cues, g_ptr_array_unref);
  g_free (doc);
}

const char *
reel_fountain_element_type_to_string (ReelFountainElementType type)
{
  switch (type)
    {
      case REEL_FOUNTAIN_SCENE_HEADING:
        return "scene-heading";
      case REEL_FOUNTAIN_ACTION:
        return "action";
      case REEL_FOUNTAIN_CHARACTER:
        return "character";
      case REEL_FOUNTAIN_DIALOGUE:
        return "dialogue";
      case REEL_FOUNTAIN_PARENTHETICAL:
        return "parenthetical";
      case REEL_FOUNTAIN_TRANSITION:
        return "transition";
      case REEL_FOUNTAIN_CENTERED:
        return "centered";
      case REEL_FOUNTAIN_NOTE:
        return "note";
      case REEL_FOUNTAIN_BONEYARD:
        return "boneyard";
      case REEL_FOUNTAIN_SECTION:
        return "section";
      case REEL_FOUNTAIN_SYNOPSIS:
        return "synopsis";
      case REEL_FOUNTAIN_PAGE_BREAK:
        return "page-break";
      case REEL_FOUNTAIN_LYRICS:
        return "lyrics";
      default:
        return "unknown";
    }
}

/* Emphasis */

static GRegex *
get_star_regex (void)
{
  static GRegex *regex = NULL;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("(\\*{1,3})(?=\\S)(.+?)(?<=\\S)\\1", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }
  return regex;
}

static GRegex *
get_underline_regex (void)
{
  static GRegex *regex = NULL;

  if (g_once_init_enter (&regex))
    {
      /* Only at word edges, so snake_case_names keep their underscores. */
      GRegex *r = g_regex_new ("(?<![\\p{L}\\p{N}_])_(?=\\S)(.+?)(?<=\\S)_(?![\\p{L}\\p{N}_])",
                               G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }
  return regex;
}

static char *
replace_all (GRegex *regex, const char *text)
{
  char *result = g_regex_replace (regex, text, -1, 0, "\\2", 0, NULL);

  return result != NULL ? result : g_strdup (text);
}

char *
reel_fountain_strip_emphasis (const char *text)
{
  g_autoptr (GString) escaped = NULL;
  g_autofree char *current = NULL;
  GString         *result;

  if (text == NULL)
    return NULL;

  escaped = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] == '*')
        {
          g_string_append (escaped, ESCAPED_STAR);
          p++;
        }
      else if (p[0] == '\\' && p[1] == '_')
        {
          g_string_append (escaped, ESCAPED_UNDERSCORE);
          p++;
        }
      else
        g_string_append_c (escaped, *p);
    }

  current = g_strdup (escaped->str);

  /* Nested emphasis ("**bold *italic* bold**") needs one pass per level. */
  for (guint pass = 0; pass < 4; pass++)
    {
      g_autofree char *stars = replace_all (get_star_regex (), current);
      g_autofree char *underline = NULL;

      underline = g_regex_replace (get_underline_regex (), stars, -1, 0, "\\1", 0, NULL);
      if (underline == NULL)
        underline = g_strdup (stars);

      if (g_strcmp0 (underline, current) == 0)
        break;

      g_free (current);
      current = g_steal_pointer (&underline);
    }

  result = g_string_new (current);
  g_string_replace (result, ESCAPED_STAR, "*", 0);
  g_string_replace (result, ESCAPED_UNDERSCORE, "_", 0);
  return g_string_free (result, FALSE);
}

/* Preprocessing: line endings, BOM, notes and boneyard */

typedef struct
{
  GString   *text;     /* cleaned text */
  GArray    *line_map; /* guint: input line number (1-based) of each cleaned line */
  GPtrArray *removed;  /* ReelFountainElement*: notes and boneyard, in order */
} Cleaned;

static gboolean
is_blank_range (const char *start, const char *end)
{
  for (const char *p = start; p < end; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* @input without a byte-order mark, with every line ending a '\n'. */
static GString *
normalize_line_endings (const char *input)
{
  GString *normalized = g_string_sized_new (strlen (input));

  if (g_str_has_prefix (input, "\xef\xbb\xbf"))
    input += 3;

  for (const char *p = input; *p != '\0'; p++)
    {
      if (p[0] == '\r')
        {
          g_string_append_c (normalized, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (normalized, *p);
    }

  return normalized;
}

/* When a note [[ ]] or boneyard / * * / opens at @p, moves it to
 * out->removed, counts the lines it spans in *input_line and returns its
 * last character; otherwise returns NULL. */
static const char *
remove_note (const char *p, Cleaned *out, guint *input_line)
{
  const char             *close = NULL;
  ReelFountainElementType type = REEL_FOUNTAIN_NOTE;
  g_autofree char        *inner = NULL;

  if (p[0] == '[' && p[1] == '[')
    close = strstr (p + 2, "]]");
  else if (p[0] == '/' && p[1] == '*')
    {
      close = strstr (p + 2, "*/");
      type = REEL_FOUNTAIN_BONEYARD;
    }
  if (close == NULL)
    return NULL;

  inner = g_strndup (p + 2, close - (p + 2));
  g_ptr_array_add (out->removed, element_new (type, g_strdup (g_strstrip (inner)), *input_line));

  for (const char *q = p; q < close; q++)
    if (*q == '\n')
      (*input_line)++;

  return close + 1;
}

/* Ends the cleaned line that starts at @line_start, before @input_line. A
 * line that held nothing but a note or boneyard disappears entirely, so a
 * note between two action lines does not split their paragraph. */
static void
end_line (Cleaned *out, gsize *line_start, guint input_line, gboolean removed_on_line)
{
  if (removed_on_line
      && is_blank_range (out->text->str + *line_start, out->text->str + out->text->len))
    {
      g_string_truncate (out->text, *line_start);
      g_array_index (out->line_map, guint, out->line_map->len - 1) = input_line;
    }
  else
    {
      g_string_append_c (out->text, '\n');
      *line_start = out->text->len;
      g_array_append_val (out->line_map, input_line);
    }
}

static void
clean_text (const char *input, Cleaned *out)
{
  g_autoptr (GString) normalized = normalize_line_endings (input);
  gsize    line_start = 0; /* offset in out->text of the current cleaned line */
  guint    input_line = 1;
  gboolean removed_on_line = FALSE;

  out->text = g_string_sized_new (normalized->len);
  out->line_map = g_array_new (FALSE, FALSE, sizeof (guint));
  out->removed = g_ptr_array_new_with_free_func ((GDestroyNotify) element_free);
  g_array_append_val (out->line_map, input_line);

  for (const char *p = normalized->str; *p != '\0'; p++)
    {
      const char *note_end = remove_note (p, out, &input_line);

      if (note_end != NULL)
        {
          removed_on_line = TRUE;
          p = note_end;
        }
      else if (*p == '\n')
        {
          input_line++;
          end_line (out, &line_start, input_line, removed_on_line);
          removed_on_line = FALSE;
        }
      else
        g_string_append_c (out->text, *p);
    }

  if (removed_on_line
      && is_blank_range (out->text->str + line_start, out->text->str + out->text->len))
    g_string_truncate (out->text, line_start);
}

/* Line classification */

static gboolean
is_blank (const char *line)
{
  return line == NULL || is_blank_range (line, line + strlen (line));
}

gboolean
reel_fountain_is_scene_heading (const char *line)
{
  static const char *const prefixes[] = { "INT./EXT", "INT/EXT", "I/E", "INT", "EXT", "EST", NULL };

  if (line == NULL)
    return FALSE;

  while (*line == ' ' || *line == '\t')
    line++;

  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      gsize len = strlen (prefixes[i]);

      if (g_ascii_strncasecmp (line, prefixes[i], len) == 0
          && (line[len] == '.' || line[len] == ' ' || line[len] == '\t'))
        return TRUE;
    }

  return FALSE;
}

/* At least one cased letter and no lowercase letters. */
static gboolean
is_all_caps (const char *text, const char *end)
{
  gboolean has_upper = FALSE;

  for (const char *p = text; p < end && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_islower (c))
        return FALSE;
      if (g_unichar_isupper (c))
        has_upper = TRUE;
    }

  return has_upper;
}

static gboolean
is_transition (const char *trimmed)
{
  static const char *const standalone[]
      = { "FADE IN:", "FADE OUT.", "FADE OUT", "FADE TO BLACK.", "CUT TO BLACK.", NULL };

  if (!is_all_caps (trimmed, trimmed + strlen (trimmed)))
    return FALSE;

  if (g_str_has_suffix (trimmed, "TO:"))
    return TRUE;

  return g_strv_contains (standalone, trimmed);
}

static gboolean
is_character_cue (const char *trimmed)
{
  const char *paren = strchr (trimmed, '(');
  const char *end = paren != NULL ? paren : trimmed + strlen (trimmed);

  /* A colon belongs to labels ("NOTE:"), never to names; and a plain-text scene line written in
   * capitals ("SCENE 2") is not a speaker either. */
  if (memchr (trimmed, ':', end - trimmed) != NULL)
    return FALSE;
  if (g_ascii_strncasecmp (trimmed, "SCENE", 5) == 0
      && (trimmed[5] == '\0' || g_ascii_isspace (trimmed[5]) || g_ascii_isdigit (trimmed[5])))
    return FALSE;

  return is_all_caps (trimmed, end);
}

static gboolean
is_page_break (const char *trimmed)
{
  gsize n = 0;

  for (; trimmed[n] == '='; n++)
    ;
  return n >= 3 && trimmed[n] == '\0';
}

/* Splits "MAYA (V.O.) ^" into name, extension and the dual-dialogue mark. */
static void
split_character_cue (const char *cue, char **name, char **extension, gboolean *dual)
{
  g_autofree char *copy = g_strstrip (g_strdup (cue));
  g_autofree char *stripped = NULL;
  gsize            len = strlen (copy);
  char            *paren;

  *dual = FALSE;
  if (len > 0 && copy[len - 1] == '^')
    {
      *dual = TRUE;
      copy[len - 1] = '\0';
      g_strchomp (copy);
    }

  paren = strchr (copy, '(');
  if (paren != NULL)
    {
      *extension = g_strstrip (g_strdup (paren));
      *paren = '\0';
    }
  else
    *extension = NULL;

  stripped = reel_fountain_strip_emphasis (copy);
  *name = g_strstrip (g_strdup (stripped));
}

static ReelFountainElement *
make_heading (const char *text, gboolean forced, guint line)
{
  static GRegex *number_regex = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char     *heading = g_strstrip (g_strdup (text));
  ReelFountainElement *element;
  char                *number = NULL;

  if (g_once_init_enter (&number_regex))
    {
      GRegex *r = g_regex_new ("\\s*#([A-Za-z0-9.\\-]+)#\\s*$", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&number_regex, r);
    }

  if (g_regex_match (number_regex, heading, 0, &match))
    {
      int start;

      number = g_match_info_fetch (match, 1);
      g_match_info_fetch_pos (match, 0, &start, NULL);
      heading[start] = '\0';
    }

  element = element_new (REEL_FOUNTAIN_SCENE_HEADING,
                         g_strstrip (reel_fountain_strip_emphasis (heading)), line);
  element->scene_number = number;
  element->forced = forced;
  return element;
}

static gboolean
parse_title_page (char **lines, guint n_lines, GHashTable *title_page, guint *body_start)
{
  g_autoptr (GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *key = NULL;
  g_autoptr (GString) value = NULL;
  gboolean known = FALSE;
  guint    i = 0;

  while (i < n_lines && is_blank (lines[i]))
    i++;

  for (; i < n_lines && !is_blank (lines[i]); i++)
    {
      const char *line = lines[i];
      const char *colon = strchr (line, ':');

      if ((line[0] == ' ' || line[0] == '\t') && key != NULL)
        {
          g_autofree char *cont = g_strstrip (g_strdup (line));

          if (value->len > 0)
            g_string_append_c (value, '\n');
          g_string_append (value, cont);
          continue;
        }

      if (colon == NULL || colon == line || line[0] == ' ' || line[0] == '\t')
        return FALSE;

      if (key != NULL)
        g_hash_table_replace (found, g_steal_pointer (&key),
                              g_string_free (g_steal_pointer (&value), FALSE));

      {
        g_autofree char *raw_key = g_strndup (line, colon - line);

        key = g_utf8_strdown (g_strstrip (raw_key), -1);
      }
      value = g_string_new (NULL);
      {
        g_autofree char *rest = g_strstrip (g_strdup (colon + 1));
        g_string_append (value, rest);
      }

      if (g_strv_contains (known_title_keys, key))
        known = TRUE;
    }

  if (key != NULL)
    g_hash_table_replace (found, g_steal_pointer (&key),
                          g_string_free (g_steal_pointer (&value), FALSE));

  if (!known)
    return FALSE;

  {
    GHashTableIter iter;
    gpointer       k, v;

    g_hash_table_iter_init (&iter, found);
    while (g_hash_table_iter_next (&iter, &k, &v))
      {
        g_hash_table_iter_steal (&iter);
        g_hash_table_replace (title_page, k, v);
      }
  }

  *body_start = i;
  return TRUE;
}

static void
add_dialogue_line (GPtrArray              *elements,
                   ReelFountainElementType type,
                   const char             *trimmed,
                   gboolean                dual,
                   guint                   line)
{
  ReelFountainElement *last
      = elements->len > 0 ? g_ptr_array_index (elements, elements->len - 1) : NULL;
  g_autofree char *text = reel_fountain_strip_emphasis (trimmed);

  /* Consecutive dialogue lines are one speech; the line breaks are kept. */
  if (type == REEL_FOUNTAIN_DIALOGUE && last != NULL && last->type == REEL_FOUNTAIN_DIALOGUE)
    {
      char *joined = g_strconcat (last->text, "\n", text, NULL);

      g_free (last->text);
      last->text = joined;
      return;
    }

  last = element_new (type, g_steal_pointer (&text), line);
  last->dual = dual;
  g_ptr_array_add (elements, last);
}

/* Marks the speech before a '^' cue as the first half of a dual dialogue. */
static void
mark_previous_speech_dual (GPtrArray *elements)
{
  for (guint i = elements->len; i > 0; i--)
    {
      ReelFountainElement *element = g_ptr_array_index (elements, i - 1);

      if (element->type == REEL_FOUNTAIN_DIALOGUE || element->type == REEL_FOUNTAIN_PARENTHETICAL)
        element->dual = TRUE;
      else if (element->type == REEL_FOUNTAIN_CHARACTER)
        {
          element->dual = TRUE;
          return;
        }
      else
        return;
    }
}

/* A line inside a speech: a parenthetical, a lyric or more dialogue. */
static void
add_speech_line (GPtrArray *elements, const char *trimmed, gboolean dual, guint line)
{
  gsize len = strlen (trimmed);

  if ((trimmed[0] == '(' && trimmed[len - 1] == ')')
      || (g_str_has_prefix (trimmed, "（") && g_str_has_suffix (trimmed, "）")))
    add_dialogue_line (elements, REEL_FOUNTAIN_PARENTHETICAL, trimmed, dual, line);
  else if (trimmed[0] == '~')
    {
      g_autofree char *lyric = g_strstrip (g_strdup (trimmed + 1));
      add_dialogue_line (elements, REEL_FOUNTAIN_LYRICS, lyric, dual, line);
    }
  else
    add_dialogue_line (elements, REEL_FOUNTAIN_DIALOGUE, trimmed, dual, line);
}

/* Adds the element a line marks as what it is by its first characters,
 * wherever it stands; returns FALSE for a line without such a mark. */
static gboolean
add_marked_element (GPtrArray *elements, const char *trimmed, guint line)
{
  if (is_page_break (trimmed))
    g_ptr_array_add (elements, element_new (REEL_FOUNTAIN_PAGE_BREAK, g_strdup (""), line));
  else if (trimmed[0] == '#')
    {
      guint                depth = 0;
      ReelFountainElement *element;

      while (trimmed[depth] == '#')
        depth++;
      element = element_new (REEL_FOUNTAIN_SECTION,
                             g_strstrip (reel_fountain_strip_emphasis (trimmed + depth)), line);
      element->section_depth = depth;
      g_ptr_array_add (elements, element);
    }
  else if (trimmed[0] == '=')
    g_ptr_array_add (elements,
                     element_new (REEL_FOUNTAIN_SYNOPSIS,
                                  g_strstrip (reel_fountain_strip_emphasis (trimmed + 1)), line));
  else if (trimmed[0] == '>' && g_str_has_suffix (trimmed, "<") && strlen (trimmed) >= 2)
    {
      g_autofree char *inner = g_strndup (trimmed + 1, strlen (trimmed) - 2);

      g_ptr_array_add (elements,
                       element_new (REEL_FOUNTAIN_CENTERED,
                                    g_strstrip (reel_fountain_strip_emphasis (inner)), line));
    }
  else if (trimmed[0] == '>')
    {
      ReelFountainElement *element = element_new (
          REEL_FOUNTAIN_TRANSITION, g_strstrip (reel_fountain_strip_emphasis (trimmed + 1)), line);
      element->forced = TRUE;
      g_ptr_array_add (elements, element);
    }
  else if (trimmed[0] == '~')
    g_ptr_array_add (elements,
                     element_new (REEL_FOUNTAIN_LYRICS,
                                  g_strstrip (reel_fountain_strip_emphasis (trimmed + 1)), line));
  else if (trimmed[0] == '.' && trimmed[1] != '.' && trimmed[1] != '\0'
           && !g_ascii_isspace (trimmed[1]))
    g_ptr_array_add (elements, make_heading (trimmed + 1, TRUE, line));
  else
    return FALSE;

  return TRUE;
}

/* What the body's lines are read with. */
typedef struct
{
  GPtrArray  *elements;
  GHashTable *speakers;    /* name keys of the characters known to speak */
  GPtrArray  *likely_cues; /* ReelFountainElement* */
  GHashTable *warned;      /* name keys already in likely_cues */
} Body;

/* A character cue; *dual tells whether it is the second half of a dual
 * dialogue. */
static void
add_character_cue (Body *body, const char *trimmed, guint line, gboolean by_name, gboolean *dual)
{
  ReelFountainElement *element;
  char                *name, *extension;
  gboolean             forced = trimmed[0] == '@';

  split_character_cue (forced ? trimmed + 1 : trimmed, &name, &extension, dual);
  if (*dual)
    mark_previous_speech_dual (body->elements);

  element = element_new (REEL_FOUNTAIN_CHARACTER, name, line);
  element->extension = extension;
  element->forced = forced;
  element->dual = *dual;
  element->by_name = by_name;
  g_ptr_array_add (body->elements, element);
}

/* "NAME: speech" on one line: the cue, then what is said; a parenthetical at the start of the
 * speech ("小男孩：（哭着）妈妈！") is its own element, as on a line of its own. */
static void
add_inline_speech (Body *body, char *name, char *extension, const char *speech, guint line)
{
  ReelFountainElement *cue = element_new (REEL_FOUNTAIN_CHARACTER, name, line);
  const char          *rest = speech;
  const char          *close = NULL;

  cue->extension = extension;
  cue->by_name = TRUE;
  g_ptr_array_add (body->elements, cue);

  if (speech[0] == '(')
    close = strchr (speech, ')');
  else if (g_str_has_prefix (speech, "（"))
    close = strstr (speech, "）");
  if (close != NULL)
    {
      const char      *after = g_utf8_next_char (close);
      g_autofree char *parenthetical = g_strndup (speech, after - speech);
      g_autofree char *remainder = g_strstrip (g_strdup (after));

      if (*remainder != '\0')
        {
          add_dialogue_line (body->elements, REEL_FOUNTAIN_PARENTHETICAL, parenthetical, FALSE,
                             line);
          rest = after;
        }
    }

  {
    g_autofree char *dialogue = g_strstrip (g_strdup (rest));

    add_dialogue_line (body->elements, REEL_FOUNTAIN_DIALOGUE, dialogue, FALSE, line);
  }
}

static gboolean
is_speaker (const Body *body, const char *name)
{
  g_autofree char *key = reel_fountain_name_key (name);

  return g_hash_table_contains (body->speakers, key);
}

/* A line that is nothing but a known speaker's name, with an extension or the dual mark. */
static gboolean
names_speaker (const Body *body, const char *trimmed)
{
  g_autofree char *name = NULL;
  g_autofree char *extension = NULL;
  g_autofree char *undual = g_strdup (trimmed);
  gsize            len = strlen (undual);

  if (len > 0 && undual[len - 1] == '^')
    undual[len - 1] = '\0';
  reel_fountain_split_extension (undual, &name, &extension);
  return *name != '\0' && is_speaker (body, name);
}

/* Whether the line of action before a speech looks like the name of who says it: a short name
 * without the marks of a sentence, each word capitalised. */
static gboolean
looks_like_cue (const char *trimmed, char **name)
{
  g_autofree char *bare = NULL;
  g_autofree char *extension = NULL;
  gboolean         capitalised = TRUE;
  gboolean         word_start = TRUE;

  reel_fountain_split_extension (trimmed, &bare, &extension);
  if (!reel_fountain_is_name_like (bare) || reel_fountain_is_label (bare))
    return FALSE;

  if (reel_fountain_has_unspaced_script (bare))
    {
      if (g_utf8_strlen (bare, -1) > 6)
        return FALSE;
    }
  else
    for (const char *p = bare; *p != '\0'; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);

        if (word_start && g_unichar_isalpha (c) && !g_unichar_isupper (c))
          capitalised = FALSE;
        word_start = c == ' ';
      }
  if (!capitalised)
    return FALSE;

  *name = g_steal_pointer (&bare);
  return TRUE;
}

/* Remembers, once per name, a line of action that was likely meant as a cue. */
static void
note_likely_cue (Body *body, const char *trimmed, guint line)
{
  g_autofree char *name = NULL;
  g_autofree char *key = NULL;

  if (!looks_like_cue (trimmed, &name))
    return;
  key = reel_fountain_name_key (name);
  if (!g_hash_table_add (body->warned, g_steal_pointer (&key)))
    return;
  g_ptr_array_add (body->likely_cues,
                   element_new (REEL_FOUNTAIN_CHARACTER, g_steal_pointer (&name), line));
}

static void
add_action (GPtrArray *elements, const char *trimmed, gboolean prev_blank, guint line)
{
  ReelFountainElement *last
      = elements->len > 0 ? g_ptr_array_index (elements, elements->len - 1) : NULL;
  gboolean         forced = trimmed[0] == '!';
  g_autofree char *text = reel_fountain_strip_emphasis (forced ? trimmed + 1 : trimmed);

  /* Lines of one paragraph stay one action element, line breaks kept. */
  if (!prev_blank && last != NULL && last->type == REEL_FOUNTAIN_ACTION)
    {
      char *joined = g_strconcat (last->text, "\n", text, NULL);

      g_free (last->text);
      last->text = joined;
      last->forced |= forced;
    }
  else
    {
      ReelFountainElement *element
          = element_new (REEL_FOUNTAIN_ACTION, g_steal_pointer (&text), line);
      element->forced = forced;
      g_ptr_array_add (elements, element);
    }
}

/* "NAME: speech" where NAME is a known speaker. */
static gboolean
add_inline_speech_if_known (Body *body, const char *trimmed, guint line)
{
  g_autofree char *name = NULL;
  g_autofree char *extension = NULL;
  g_autofree char *speech = NULL;

  if (!reel_fountain_split_inline_cue (trimmed, &name, &extension, &speech)
      || !is_speaker (body, name))
    return FALSE;

  add_inline_speech (body, g_steal_pointer (&name), g_steal_pointer (&extension), speech, line);
  return TRUE;
}

/* Adds what an unmarked line is by its blank neighbours: a scene heading, a
 * transition, a character cue or action. Returns TRUE for a character cue,
 * which opens a speech. */
static gboolean
add_element_in_context (Body       *body,
                        const char *trimmed,
                        gboolean    prev_blank,
                        gboolean    next_blank,
                        guint       line,
                        gboolean   *dual)
{
  GPtrArray *elements = body->elements;
  gboolean   unforced = trimmed[0] != '!';

  if (unforced && prev_blank && reel_fountain_is_scene_heading (trimmed))
    g_ptr_array_add (elements, make_heading (trimmed, FALSE, line));
  else if (unforced && prev_blank && next_blank && is_transition (trimmed))
    g_ptr_array_add (elements,
                     element_new (REEL_FOUNTAIN_TRANSITION,
                                  g_strstrip (reel_fountain_strip_emphasis (trimmed)), line));
  else if (trimmed[0] == '@'
           || (unforced && prev_blank && !next_blank && is_character_cue (trimmed)))
    {
      add_character_cue (body, trimmed, line, FALSE, dual);
      return TRUE;
    }
  else if (unforced && add_inline_speech_if_known (body, trimmed, line))
    return FALSE;
  else if (unforced && !next_blank && names_speaker (body, trimmed))
    {
      add_character_cue (body, trimmed, line, TRUE, dual);
      return TRUE;
    }
  else
    {
      if (unforced && !next_blank)
        note_likely_cue (body, trimmed, line);
      add_action (elements, trimmed, prev_blank, line);
    }

  return FALSE;
}

/* A line the parser reads by its first characters, never as a cue. */
static gboolean
is_marked_line (const char *trimmed)
{
  return strchr ("#=>~.!", trimmed[0]) != NULL || is_page_break (trimmed);
}

/* Prose quotes what is said after a colon (他说：“快走！”); a script does not. */
static gboolean
is_quoted (const char *speech)
{
  static const char *const quotes[] = { "“", "「", "『", "\"", "‘", NULL };

  for (guint i = 0; quotes[i] != NULL; i++)
    if (g_str_has_prefix (speech, quotes[i]))
      return TRUE;
  return FALSE;
}

/* The name keys of every character known to speak before the body is read, so a name used as a
 * cue anywhere makes its other lines cues too. */
static GHashTable *
collect_speakers (char **lines, guint n_lines, guint start, const char *const *characters)
{
  GHashTable *speakers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) written_inline
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean       prev_blank = TRUE;
  GHashTableIter iter;
  gpointer       key, count;

  for (guint i = 0; characters != NULL && characters[i] != NULL; i++)
    if (*characters[i] != '\0')
      g_hash_table_add (speakers, reel_fountain_name_key (characters[i]));

  for (guint i = start; i < n_lines; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));
      gboolean         next_blank = (i + 1 >= n_lines) || is_blank (lines[i + 1]);
      g_autofree char *name = NULL;
      g_autofree char *extension = NULL;
      g_autofree char *speech = NULL;
      gboolean         dual;

      if (*trimmed == '\0')
        {
          prev_blank = TRUE;
          continue;
        }

      if (trimmed[0] == '@')
        split_character_cue (trimmed + 1, &name, &extension, &dual);
      else if (is_marked_line (trimmed))
        ;
      else if (prev_blank && !next_blank && !reel_fountain_is_scene_heading (trimmed)
               && is_character_cue (trimmed))
        split_character_cue (trimmed, &name, &extension, &dual);
      else if (reel_fountain_split_inline_cue (trimmed, &name, &extension, &speech)
               && !reel_fountain_is_label (name) && !is_quoted (speech))
        {
          /* A short Chinese or Japanese name before a colon is how those scripts write
           * dialogue, and so is a name in capitals ("TOM: …") in plain text; any other
           * ("Note: …", "小雨回头看去：…") speaks only when the script writes it so again. */
          if (!(reel_fountain_has_unspaced_script (name)
                && g_utf8_strlen (name, -1) <= MAX_FIRST_SIGHT_CJK_NAME)
              && !is_all_caps (name, name + strlen (name)))
            {
              g_autofree char *inline_key = reel_fountain_name_key (name);
              guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (written_inline, inline_key));

              g_hash_table_replace (written_inline, g_steal_pointer (&inline_key),
                                    GUINT_TO_POINTER (seen + 1));
              g_clear_pointer (&name, g_free);
            }
        }
      else
        g_clear_pointer (&name, g_free);

      if (name != NULL && *name != '\0')
        g_hash_table_add (speakers, reel_fountain_name_key (name));
      prev_blank = FALSE;
    }

  g_hash_table_iter_init (&iter, written_inline);
  while (g_hash_table_iter_next (&iter, &key, &count))
    if (GPOINTER_TO_UINT (count) >= 2)
      g_hash_table_add (speakers, g_strdup (key));

  return speakers;
}

static void
parse_body (char **lines, guint n_lines, guint start, GArray *line_map, Body *body)
{
  gboolean prev_blank = TRUE;
  gboolean in_dialogue = FALSE;
  gboolean dual = FALSE;

  for (guint i = start; i < n_lines; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));
      guint            line = g_array_index (line_map, guint, i);
      gboolean         next_blank = (i + 1 >= n_lines) || is_blank (lines[i + 1]);

      if (*trimmed == '\0')
        {
          prev_blank = TRUE;
          in_dialogue = FALSE;
          continue;
        }

      if (in_dialogue)
        add_speech_line (body->elements, trimmed, dual, line);
      else if (!add_marked_element (body->elements, trimmed, line))
        in_dialogue = add_element_in_context (body, trimmed, prev_blank, next_blank, line, &dual);

      prev_blank = FALSE;
    }
}

ReelFountainDocument *
reel_fountain_parse (const char *text)
{
  return reel_fountain_parse_with_characters (text, NULL);
}

ReelFountainDocument *
reel_fountain_parse_with_characters (const char *text, const char *const *characters)
{
  ReelFountainDocument *doc = g_new0 (ReelFountainDocument, 1);
  g_autofree char      *valid = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) body = NULL;
  Cleaned cleaned = { 0 };
  guint   n_lines, body_start = 0;
  guint   b = 0, r = 0;

  doc->title_page = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  doc->elements = g_ptr_array_new_with_free_func ((GDestroyNotify) element_free);
  doc->likely_cues = g_ptr_array_new_with_free_func ((GDestroyNotify) element_free);

  if (text == NULL)
    return doc;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  clean_text (text, &cleaned);
  lines = g_strsplit (cleaned.text->str, "\n", -1);
  n_lines = g_strv_length (lines);

  if (!parse_title_page (lines, n_lines, doc->title_page, &body_start))
    body_start = 0;

  body = g_ptr_array_new_with_free_func ((GDestroyNotify) element_free);
  {
    g_autoptr (GHashTable) speakers = collect_speakers (lines, n_lines, body_start, characters);
    g_autoptr (GHashTable) warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    Body context = { body, speakers, doc->likely_cues, warned };

    parse_body (lines, n_lines, body_start, cleaned.line_map, &context);
  }

  /* Put the notes and boneyard back where they were, by line. The elements move to the
   * document, so neither source array may free them any more. */
  g_ptr_array_set_free_func (body, NULL);
  g_ptr_array_set_free_func (cleaned.removed, NULL);
  while (b < body->len || r < cleaned.removed->len)
    {
      ReelFountainElement *from_body = b < body->len ? g_ptr_array_index (body, b) : NULL;
      ReelFountainElement *from_removed
          = r < cleaned.removed->len ? g_ptr_array_index (cleaned.removed, r) : NULL;

      if (from_removed == NULL || (from_body != NULL && from_body->line <= from_removed->line))
        {
          g_ptr_array_add (doc->elements, from_body);
          b++;
        }
      else
        {
          g_ptr_array_add (doc->elements, from_removed);
          r++;
        }
    }

  g_string_free (cleaned.text, TRUE);
  g_array_unref (cleaned.line_map);
  g_ptr_array_unref (cleaned.removed);

  return doc;
}

static gboolean
is_speech_type (ReelFountainElementType type)
{
  return type == REEL_FOUNTAIN_DIALOGUE || type == REEL_FOUNTAIN_PARENTHETICAL
         || type == REEL_FOUNTAIN_LYRICS;
}

gboolean
reel_fountain_document_has_markup (const ReelFountainDocument *doc)
{
  g_return_val_if_fail (doc != NULL, FALSE);

  if (g_hash_table_size (doc->title_page) > 0)
    return TRUE;

  for (guint i = 0; i < doc->elements->len; i++)
    {
      const ReelFountainElement *element = g_ptr_array_index (doc->elements, i);

      /* A speech known by its speaker's name is no Fountain markup: plain text has it too. */
      if (element->type == REEL_FOUNTAIN_CHARACTER && element->by_name)
        {
          while (i + 1 < doc->elements->len
                 && is_speech_type (
                     ((ReelFountainElement *) g_ptr_array_index (doc->elements, i + 1))->type))
            i++;
          continue;
        }
      if (element->type != REEL_FOUNTAIN_ACTION || element->forced)
        return TRUE;
    }

  return FALSE;
}
