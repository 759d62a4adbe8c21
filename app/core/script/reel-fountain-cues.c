/* reel-fountain-cues.c: how the parser tells a character's name
 *
 * Fountain knows a speaker by a line in capitals, or by "@" before a name in a script without
 * capitals. Scripts written in Chinese or Japanese, and many plain-text ones, write a speech on
 * one line after the name and a colon instead ("小男孩：妈妈，你一定要回来！"), and writers put
 * a name they have used before on its own line without the "@". These helpers decide what can
 * be a name at all; the parser decides from the whole script which names speak.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-script"

#include "config.h"

#include <string.h>

#include "reel-fountain-private.h"

#define MAX_NAME_WORDS 3
#define MAX_NAME_CHARS 24
#define MAX_UNSPACED_NAME_CHARS 8

/* Lines such as "Time: dusk" or "地点：学校" label what follows; none of them is a speaker.
 * Compared case-folded. */
static const char *const labels[] = {
  "note",      "notes",   "time",      "place",   "location",    "setting",   "scene",
  "title",     "credit",  "author",    "cast",    "characters",  "caption",   "subtitle",
  "sound",     "music",   "sfx",       "vfx",     "fx",          "camera",    "shot",
  "angle",     "insert",  "super",     "day",     "night",       "date",      "contact",
  "copyright", "source",  "draft",     "episode", "int",         "ext",       "est",
  "i/e",       "fade in", "fade out",  "cut to",  "dissolve to", "smash cut", "match cut",
  "intercut",  "montage", "flashback", "warning", "todo",        "时间",      "地点",
  "人物",      "场景",    "场次",      "景别",    "镜头",        "画面",      "字幕",
  "音效",      "音乐",    "备注",      "注",      "注释",        "道具",      "服装",
  "环境",      "天气",    "特写",      "全景",    "近景",        "远景",      "中景",
  "提示",      "说明",    "片名",      "标题",    "作者",        "编剧",      "导演",
  "时长",      "集数",    "空镜",      "转场",    "切",          "淡入",      "淡出",
  "闪回",      "叠化",    "黑场",      NULL,
};

char *
reel_fountain_name_key (const char *name)
{
  g_autofree char *folded = NULL;
  GString         *key;
  gboolean         space = FALSE;

  if (name == NULL)
    return g_strdup ("");

  folded = g_utf8_casefold (name, -1);
  key = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = key->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (key, ' ');
      space = FALSE;
      g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

/* Letters of scripts written without spaces between words. */
static gboolean
is_unspaced_letter (gunichar c)
{
  static const GUnicodeScript unspaced[] = {
    G_UNICODE_SCRIPT_HAN,     G_UNICODE_SCRIPT_HIRAGANA, G_UNICODE_SCRIPT_KATAKANA,
    G_UNICODE_SCRIPT_THAI,    G_UNICODE_SCRIPT_LAO,      G_UNICODE_SCRIPT_KHMER,
    G_UNICODE_SCRIPT_MYANMAR, G_UNICODE_SCRIPT_TIBETAN,
  };
  GUnicodeScript script = g_unichar_get_script (c);

  if (!g_unichar_isalpha (c))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (unspaced); i++)
    if (script == unspaced[i])
      return TRUE;
  return FALSE;
}

gboolean
reel_fountain_has_unspaced_script (const char *name)
{
  for (const char *p = name; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (is_unspaced_letter (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Marks that join the parts of a name: "O'Brien", "Jean-Luc", "DR. LIN", "约翰·史密斯". */
static gboolean
is_name_joiner (gunichar c)
{
  return c == '.' || c == '\'' || c == '-' || c == 0x2019 /* ’ */ || c == 0x00B7 /* · */
         || c == 0x30FB /* ・ */;
}

gboolean
reel_fountain_is_name_like (const char *name)
{
  guint    n_chars = 0, n_words = 1, n_unspaced = 0;
  gunichar first, last = 0;

  if (name == NULL || *name == '\0')
    return FALSE;

  first = g_utf8_get_char (name);
  if (!g_unichar_isalpha (first))
    return FALSE;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      n_chars++;
      if (c == ' ')
        n_words++;
      else if (is_unspaced_letter (c))
        n_unspaced++;
      else if (!g_unichar_isalnum (c) && !g_unichar_ismark (c) && !is_name_joiner (c))
        return FALSE;
      last = c;
    }

  /* "Rain." is a sentence; a name does not end like one. */
  if (last == '.' || last == '-' || last == ' ')
    return FALSE;

  if (n_unspaced > 0)
    return n_words == 1 && n_chars <= MAX_UNSPACED_NAME_CHARS;
  return n_words <= MAX_NAME_WORDS && n_chars <= MAX_NAME_CHARS && g_unichar_isupper (first);
}

gboolean
reel_fountain_is_label (const char *name)
{
  g_autofree char *key = reel_fountain_name_key (name);

  if (g_strv_contains (labels, key))
    return TRUE;
  /* "场景一", "第三场", "Scene 2": where a scene starts, not who speaks; "推镜", "镜头左摇":
   * what the camera does. */
  return g_str_has_prefix (key, "场景") || g_str_has_prefix (key, "第")
         || g_str_has_prefix (key, "scene ") || g_str_has_prefix (key, "镜头")
         || g_str_has_suffix (key, "镜");
}

void
reel_fountain_split_extension (const char *cue, char **name, char **extension)
{
  g_autofree char *copy = g_strstrip (g_strdup (cue));
  char            *ascii = strchr (copy, '(');
  char            *wide = strstr (copy, "（");
  char            *open = ascii;

  if (wide != NULL && (open == NULL || wide < open))
    open = wide;

  *extension = NULL;
  if (open != NULL && open > copy)
    {
      *extension = g_strstrip (g_strdup (open));
      *open = '\0';
    }
  *name = g_strstrip (g_strdup (copy));
}

gboolean
reel_fountain_split_inline_cue (const char *line, char **name, char **extension, char **speech)
{
  const char      *ascii = strchr (line, ':');
  const char      *wide = strstr (line, "：");
  const char      *colon = ascii;
  gsize            colon_length = 1;
  g_autofree char *before = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *after = NULL;

  if (wide != NULL && (colon == NULL || wide < colon))
    {
      colon = wide;
      colon_length = strlen ("：");
    }
  if (colon == NULL || colon == line)
    return FALSE;

  after = g_strstrip (g_strdup (colon + colon_length));
  /* "CUT TO:", "http://…", "10:30": nothing said, or no speaker. */
  if (*after == '\0' || g_str_has_prefix (after, "//"))
    return FALSE;

  before = g_strndup (line, colon - line);
  reel_fountain_split_extension (before, &bare, &ext);
  if (!reel_fountain_is_name_like (bare))
    return FALSE;

  *name = g_steal_pointer (&bare);
  *extension = g_steal_pointer (&ext);
  *speech = g_steal_pointer (&after);
  return TRUE;
}
