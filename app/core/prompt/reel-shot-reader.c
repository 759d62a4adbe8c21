/* reel-shot-reader.c: reads a shot's text into the fields of a ReelShotReading
 *
 * Everything it knows of words comes from the vocabularies in data/prompt; the C knows only
 * the shape of text: clauses, capitals, scene headings' " - " parts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-prompt"

#include "config.h"

#include <string.h>

#include "reel-prompt-data.h"
#include "reel-shot-reader.h"
#include "reel-shot-reading-private.h"
#include "reel-vocabulary.h"

/* An action phrase ends after this many words, or Chinese characters. */
#define ACTION_WORDS 6
#define ACTION_CJK_CHARS 10

struct _ReelShotReader
{
  GObject         parent_instance;
  ReelVocabulary *vocabulary;
  GPtrArray      *heading_prefixes; /* char*, lowercase, longest first */
};

G_DEFINE_FINAL_TYPE (ReelShotReader, reel_shot_reader, G_TYPE_OBJECT)

static const struct
{
  const char         *name;
  ReelVocabularyField field;
} vocabulary_files[] = {
  { "camera.tsv", REEL_VOCABULARY_CAMERA_MOVE },
  { "framing.tsv", REEL_VOCABULARY_FRAMING },
  { "time-of-day.tsv", REEL_VOCABULARY_TIME },
  { "setting.tsv", REEL_VOCABULARY_SETTING },
  { "subjects.tsv", REEL_VOCABULARY_SUBJECT },
  { "actions.tsv", REEL_VOCABULARY_ACTION },
  { "mood.tsv", REEL_VOCABULARY_MOOD },
  { "style.tsv", REEL_VOCABULARY_STYLE },
  { "function-words.tsv", REEL_VOCABULARY_FUNCTION_WORD },
};

static void
reel_shot_reader_finalize (GObject *object)
{
  ReelShotReader *self = REEL_SHOT_READER (object);

  g_clear_pointer (&self->vocabulary, reel_vocabulary_free);
  g_clear_pointer (&self->heading_prefixes, g_ptr_array_unref);

  G_OBJECT_CLASS (reel_shot_reader_parent_class)->finalize (object);
}

static void
reel_shot_reader_class_init (ReelShotReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_shot_reader_finalize;
}

static void
reel_shot_reader_init (ReelShotReader *self)
{
  self->vocabulary = reel_vocabulary_new ();
}

static int
compare_longest_first (gconstpointer a, gconstpointer b)
{
  return (int) strlen (*(char **) b) - (int) strlen (*(char **) a);
}

ReelShotReader *
reel_shot_reader_new (GError **error)
{
  g_autoptr (ReelShotReader) self = g_object_new (REEL_TYPE_SHOT_READER, NULL);
  g_autoptr (GPtrArray) prefixes = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (vocabulary_files); i++)
    if (!reel_vocabulary_load (self->vocabulary, vocabulary_files[i].name,
                               vocabulary_files[i].field, error))
      return NULL;

  prefixes = reel_prompt_data_read_lines ("heading.tsv", error);
  if (prefixes == NULL)
    return NULL;
  self->heading_prefixes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < prefixes->len; i++)
    g_ptr_array_add (self->heading_prefixes, g_utf8_strdown (g_ptr_array_index (prefixes, i), -1));
  g_ptr_array_sort (self->heading_prefixes, compare_longest_first);

  return g_steal_pointer (&self);
}

/* Scene headings */

static gboolean
has_han (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

/* @heading without its "INT." or "内景". */
static char *
strip_heading_prefix (ReelShotReader *self, const char *heading)
{
  g_autofree char *stripped = g_strstrip (g_strdup (heading));
  g_autofree char *lower = g_utf8_strdown (stripped, -1);
  const char      *rest = stripped;

  /* Prefixes are ASCII or Chinese, whose bytes lowercasing leaves alone. */
  for (guint i = 0; i < self->heading_prefixes->len && strlen (lower) == strlen (stripped); i++)
    {
      const char *prefix = g_ptr_array_index (self->heading_prefixes, i);
      const char *after = stripped + strlen (prefix);

      if (g_str_has_prefix (lower, prefix)
          && (*after == '\0' || *after == '.' || *after == ' ' || has_han (prefix)))
        {
          rest = after;
          break;
        }
    }
  while (*rest == '.' || *rest == ' ' || *rest == '/')
    rest++;
  return g_strdup (rest);
}

/* The time of day @part names as a whole, or NULL. */
static const char *
heading_part_time (ReelShotReader *self, const char *part)
{
  g_autoptr (GArray) units = reel_word_units_split (part);
  g_autoptr (GArray) matches = reel_vocabulary_scan (self->vocabulary, units);

  for (guint i = 0; i < matches->len; i++)
    {
      ReelVocabularyMatch *match = &g_array_index (matches, ReelVocabularyMatch, i);

      if (match->entry->field == REEL_VOCABULARY_TIME && match->n_units == units->len)
        return match->entry->value;
    }
  return NULL;
}

/* "INT. KITCHEN - NIGHT" → kitchen, night; "内景 厨房 夜" → 厨房, night. */
static void
read_heading (ReelShotReader *self, const char *heading, char **setting, char **time_of_day)
{
  g_autofree char *rest = strip_heading_prefix (self, heading);
  g_auto (GStrv) dashed = NULL;
  g_autoptr (GStrvBuilder) parts = g_strv_builder_new ();
  g_auto (GStrv) all_parts = NULL;

  dashed = g_regex_split_simple ("\\s+[-–—]+\\s+|[–—]+", rest, 0, 0);
  for (guint i = 0; dashed[i] != NULL; i++)
    {
      /* Chinese headings part their fields with spaces alone. */
      g_auto (GStrv) words = has_han (dashed[i]) ? g_strsplit (dashed[i], " ", -1) : NULL;

      if (words != NULL)
        g_strv_builder_addv (parts, (const char **) words);
      else
        g_strv_builder_add (parts, dashed[i]);
    }
  all_parts = g_strv_builder_end (parts);

  for (guint i = 0; all_parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (all_parts[i]);
      const char *time = *part != '\0' ? heading_part_time (self, part) : NULL;

      if (time != NULL && *time_of_day == NULL)
        *time_of_day = g_strdup (time);
      else if (time == NULL && *part != '\0' && *setting == NULL)
        *setting = g_utf8_strdown (part, -1);
    }
}

/* Reading a shot */

typedef struct
{
  gsize position;
  char *value;
} Found;

static void
found_clear (Found *found)
{
  g_free (found->value);
}

static int
compare_found (gconstpointer a, gconstpointer b)
{
  gsize x = ((const Found *) a)->position, y = ((const Found *) b)->position;

  return x < y ? -1 : x > y;
}

/* Sorts @found by position, leaving out values met before (ignoring case). */
static char **
found_to_strv (GArray *found)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_array_sort (found, compare_found);
  for (guint i = 0; i < found->len; i++)
    {
      const char *value = g_array_index (found, Found, i).value;
      char       *folded = g_utf8_casefold (value, -1);

      if (g_hash_table_add (seen, folded))
        g_strv_builder_add (builder, value);
    }
  return g_strv_builder_end (builder);
}

static void
add_found (GArray *found, gsize position, const char *value)
{
  Found item = { position, g_strdup (value) };

  g_array_append_val (found, item);
}

static GArray *
found_new (void)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (Found));

  g_array_set_clear_func (found, (GDestroyNotify) found_clear);
  return found;
}

typedef struct
{
  const char  *text;
  GArray      *units;    /* ReelWordUnit */
  GArray      *matches;  /* ReelVocabularyMatch */
  const char **covering; /* by unit: the value of the match covering it, or NULL */
  int         *field;    /* by unit: the field of that match, or -1 */
} Shot;

static void
shot_clear (Shot *shot)
{
  g_clear_pointer (&shot->units, g_array_unref);
  g_clear_pointer (&shot->matches, g_array_unref);
  g_clear_pointer (&shot->covering, g_free);
  g_clear_pointer (&shot->field, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Shot, shot_clear)

static const ReelWordUnit *
shot_unit (const Shot *shot, guint i)
{
  return &g_array_index (shot->units, ReelWordUnit, i);
}

static void
shot_scan (ReelShotReader *self, Shot *shot, const char *text)
{
  shot->text = text;
  shot->units = reel_word_units_split (text);
  shot->matches = reel_vocabulary_scan (self->vocabulary, shot->units);
  shot->covering = g_new0 (const char *, shot->units->len + 1);
  shot->field = g_new (int, shot->units->len + 1);
  for (guint i = 0; i <= shot->units->len; i++)
    shot->field[i] = -1;
  for (guint m = 0; m < shot->matches->len; m++)
    {
      const ReelVocabularyMatch *match = &g_array_index (shot->matches, ReelVocabularyMatch, m);

      for (guint i = match->first; i < match->first + match->n_units; i++)
        {
          shot->covering[i] = match->entry->value;
          shot->field[i] = match->entry->field;
        }
    }
}

/* Whether unit @i ends an action phrase that reached it. */
static gboolean
ends_action (const Shot *shot, guint first, guint i)
{
  guint words = 0;

  if (shot_unit (shot, i)->clause != shot_unit (shot, first)->clause)
    return TRUE;
  for (guint j = first; j <= i; j++)
    words += shot_unit (shot, j)->cjk ? 0 : 1;
  if (words > ACTION_WORDS || i - first >= ACTION_WORDS + ACTION_CJK_CHARS
      || (shot_unit (shot, i)->cjk && i - first >= ACTION_CJK_CHARS))
    return TRUE;

  switch ((ReelVocabularyField) shot->field[i])
    {
      case REEL_VOCABULARY_FUNCTION_WORD:
        return g_strcmp0 (shot->covering[i], "joins") == 0;
      case REEL_VOCABULARY_CAMERA_MOVE:
      case REEL_VOCABULARY_CAMERA_MENTION:
      case REEL_VOCABULARY_NOT_CAMERA:
      case REEL_VOCABULARY_FRAMING:
      case REEL_VOCABULARY_TIME:
      case REEL_VOCABULARY_STYLE:
        return TRUE;
      case REEL_VOCABULARY_SUBJECT:
      case REEL_VOCABULARY_ACTION:
      case REEL_VOCABULARY_SETTING:
      case REEL_VOCABULARY_MOOD:
      case REEL_N_VOCABULARY_FIELDS:
      default:
        return FALSE;
    }
}

/* From the first verb to the end of its clause, a conjunction, or a camera word: "slams the
 * door", "打开窗户". */
static char *
find_action (const Shot *shot)
{
  guint first = G_MAXUINT, last;

  for (guint i = 0; i < shot->units->len && first == G_MAXUINT; i++)
    if (shot->field[i] == REEL_VOCABULARY_ACTION)
      first = i;
  if (first == G_MAXUINT)
    return NULL;

  last = first;
  while (last + 1 < shot->units->len && !ends_action (shot, first, last + 1))
    last++;
  /* "opens the" reads worse than "opens". */
  while (last > first && shot->field[last] == REEL_VOCABULARY_FUNCTION_WORD)
    last--;

  return g_strndup (shot->text + shot_unit (shot, first)->start,
                    shot_unit (shot, last)->end - shot_unit (shot, first)->start);
}

/* "Leo's" → "Leo" */
static void
drop_possessive (char *word)
{
  if (g_str_has_suffix (word, "'s"))
    word[strlen (word) - 2] = '\0';
  else if (g_str_has_suffix (word, "’s"))
    word[strlen (word) - strlen ("’s")] = '\0';
}

static gboolean
may_be_name (const Shot *shot, guint i)
{
  const ReelWordUnit *unit = shot_unit (shot, i);

  return shot->field[i] < 0 && !unit->cjk
         && ((unit->capitals && g_utf8_strlen (unit->key, -1) >= 2) || unit->title);
}

/* Names the text writes in capitals ("ANNA", as Fountain introduces characters) or with an
 * initial capital ("Miss Lin"), that no vocabulary knows as another word. */
static void
find_names (const Shot *shot, GArray *found)
{
  for (guint i = 0; i < shot->units->len; i++)
    {
      guint            last = i;
      g_autofree char *name = NULL;

      if (!may_be_name (shot, i))
        continue;
      while (last + 1 < shot->units->len && may_be_name (shot, last + 1)
             && shot_unit (shot, last + 1)->clause == shot_unit (shot, i)->clause
             && shot_unit (shot, last + 1)->capitals == shot_unit (shot, i)->capitals)
        last++;

      name = g_strndup (shot->text + shot_unit (shot, i)->start,
                        shot_unit (shot, last)->end - shot_unit (shot, i)->start);
      drop_possessive (name);
      add_found (found, shot_unit (shot, i)->start, name);
      i = last;
    }
}

static void
find_characters (const char *text, const char *const *characters, GArray *found)
{
  g_autofree char *folded_text = g_utf8_casefold (text, -1);

  for (guint i = 0; characters != NULL && characters[i] != NULL; i++)
    {
      g_autofree char *folded = g_utf8_casefold (characters[i], -1);
      const char      *at = *folded != '\0' ? strstr (folded_text, folded) : NULL;

      if (at != NULL)
        add_found (found, at - folded_text, characters[i]);
    }
}

typedef struct
{
  GArray *by_field[REEL_N_VOCABULARY_FIELDS]; /* Found */
} Fields;

static void
fields_clear (Fields *fields)
{
  for (guint i = 0; i < REEL_N_VOCABULARY_FIELDS; i++)
    g_clear_pointer (&fields->by_field[i], g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fields, fields_clear)

static char *
first_value (GArray *found)
{
  g_auto (GStrv) values = found_to_strv (found);

  return values[0] != NULL ? g_strdup (values[0]) : NULL;
}

static void
fill_reading (ReelShotReading *reading, const Shot *shot, Fields *fields)
{
  for (guint m = 0; m < shot->matches->len; m++)
    {
      const ReelVocabularyMatch *match = &g_array_index (shot->matches, ReelVocabularyMatch, m);
      gsize                      start = shot_unit (shot, match->first)->start;
      gsize                      end = shot_unit (shot, match->first + match->n_units - 1)->end;
      g_autofree char           *as_written = g_strndup (shot->text + start, end - start);

      drop_possessive (as_written);
      add_found (fields->by_field[match->entry->field], start,
                 match->entry->value_from_text ? as_written : match->entry->value);
      if (match->entry->field == REEL_VOCABULARY_CAMERA_MOVE && !reading->names_camera)
        {
          reading->names_camera = TRUE;
          reading->camera = (ReelCameraMove) match->entry->move;
        }
    }

  reading->subjects = found_to_strv (fields->by_field[REEL_VOCABULARY_SUBJECT]);
  reading->action = find_action (shot);
  if (reading->setting == NULL)
    reading->setting = first_value (fields->by_field[REEL_VOCABULARY_SETTING]);
  if (fields->by_field[REEL_VOCABULARY_TIME]->len > 0)
    {
      g_free (reading->time_of_day);
      reading->time_of_day = first_value (fields->by_field[REEL_VOCABULARY_TIME]);
    }
  reading->mood = found_to_strv (fields->by_field[REEL_VOCABULARY_MOOD]);
  reading->style = found_to_strv (fields->by_field[REEL_VOCABULARY_STYLE]);
  reading->framing = found_to_strv (fields->by_field[REEL_VOCABULARY_FRAMING]);
}

ReelShotReading *
reel_shot_reader_read (ReelShotReader    *self,
                       const char        *text,
                       const char        *heading,
                       const char *const *characters)
{
  g_autoptr (ReelShotReading) reading = reel_shot_reading_new ();
  g_auto (Shot) shot = { 0 };
  g_auto (Fields) fields = { 0 };

  g_return_val_if_fail (REEL_IS_SHOT_READER (self), NULL);

  if (text == NULL)
    text = "";
  if (heading != NULL)
    read_heading (self, heading, &reading->setting, &reading->time_of_day);

  for (guint i = 0; i < REEL_N_VOCABULARY_FIELDS; i++)
    fields.by_field[i] = found_new ();
  shot_scan (self, &shot, text);
  /* Known characters and names first, so that "ANNA" counts once, as the project writes it. */
  find_characters (text, characters, fields.by_field[REEL_VOCABULARY_SUBJECT]);
  find_names (&shot, fields.by_field[REEL_VOCABULARY_SUBJECT]);
  fill_reading (reading, &shot, &fields);

  return g_steal_pointer (&reading);
}

gboolean
reel_shot_reader_guess_camera (ReelShotReader *self, const char *text, ReelCameraMove *move)
{
  g_autoptr (GArray) units = NULL;
  g_autoptr (GArray) matches = NULL;

  g_return_val_if_fail (REEL_IS_SHOT_READER (self), FALSE);

  if (text == NULL)
    return FALSE;
  units = reel_word_units_split (text);
  matches = reel_vocabulary_scan (self->vocabulary, units);
  /* The first move named wins: it is where the shot starts. */
  for (guint i = 0; i < matches->len; i++)
    {
      const ReelVocabularyEntry *entry = g_array_index (matches, ReelVocabularyMatch, i).entry;

      if (entry->field == REEL_VOCABULARY_CAMERA_MOVE)
        {
          *move = (ReelCameraMove) entry->move;
          return TRUE;
        }
    }
  return FALSE;
}

void
reel_shot_reader_guess_plan_cameras (ReelShotReader *self, ReelPlan *plan)
{
  g_return_if_fail (REEL_IS_SHOT_READER (self));

  for (guint s = 0; s < plan->scenes->len; s++)
    {
      ReelPlanScene *scene = g_ptr_array_index (plan->scenes, s);

      for (guint i = 0; i < scene->shots->len; i++)
        {
          ReelPlanShot *shot = g_ptr_array_index (scene->shots, i);

          shot->camera_explicit = reel_shot_reader_guess_camera (self, shot->text, &shot->camera);
        }
    }
}
