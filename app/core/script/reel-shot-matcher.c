/* reel-shot-matcher.c: which new shot is which old one, across a re-breakdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-script"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "reel-shot-matcher.h"

/* Above this many cells the alignment table would be too big; moved-shot matching still finds
 * unchanged shots then, only without preferring the original order. */
#define MAX_LCS_CELLS (16u * 1024u * 1024u)

/* Sorted character bigrams of a text, case-folded, white space dropped. */
typedef struct
{
  guint64 *bigrams;
  guint    n_bigrams;
  char    *folded;
} Profile;

static void
profile_clear (Profile *profile)
{
  g_clear_pointer (&profile->bigrams, g_free);
  g_clear_pointer (&profile->folded, g_free);
  profile->n_bigrams = 0;
}

static int
compare_guint64 (const void *a, const void *b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static void
profile_init (Profile *profile, const char *text)
{
  g_autofree char *normalized
      = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_ALL_COMPOSE);
  g_autofree char     *folded = g_utf8_casefold (normalized != NULL ? normalized : "", -1);
  g_autofree gunichar *chars = NULL;
  glong                n_chars = 0, n = 0;

  chars = g_utf8_to_ucs4_fast (folded, -1, &n_chars);
  for (glong i = 0; i < n_chars; i++)
    if (!g_unichar_isspace (chars[i]))
      chars[n++] = chars[i];

  profile->n_bigrams = n >= 2 ? (guint) (n - 1) : 0;
  profile->bigrams = g_new (guint64, MAX (profile->n_bigrams, 1));
  for (glong i = 0; i + 1 < n; i++)
    profile->bigrams[i] = ((guint64) chars[i] << 32) | chars[i + 1];
  qsort (profile->bigrams, profile->n_bigrams, sizeof (guint64), compare_guint64);

  /* Texts of one character have no bigram and compare by this instead. */
  profile->folded = g_ucs4_to_utf8 (chars, n, NULL, NULL, NULL);
}

static double
profile_similarity (const Profile *a, const Profile *b)
{
  guint i = 0, j = 0, common = 0;

  if (a->n_bigrams == 0 || b->n_bigrams == 0)
    return g_strcmp0 (a->folded, b->folded) == 0 ? 1.0 : 0.0;

  while (i < a->n_bigrams && j < b->n_bigrams)
    {
      if (a->bigrams[i] == b->bigrams[j])
        {
          common++;
          i++;
          j++;
        }
      else if (a->bigrams[i] < b->bigrams[j])
        i++;
      else
        j++;
    }

  return 2.0 * common / (a->n_bigrams + b->n_bigrams);
}

double
reel_shot_matcher_similarity (const char *a, const char *b)
{
  Profile pa = { 0 }, pb = { 0 };
  double  result;

  profile_init (&pa, a);
  profile_init (&pb, b);
  result = profile_similarity (&pa, &pb);
  profile_clear (&pa);
  profile_clear (&pb);
  return result;
}

typedef struct
{
  const char *const *old_texts;
  const char *const *old_headings;
  guint              n_old;
  const char *const *new_texts;
  const char *const *new_headings;
  guint              n_new;
  ReelShotMatch     *matches;     /* n_new */
  int               *old_used_by; /* n_old: new index or -1 */
} Matcher;

static const char *
text_at (const char *const *texts, guint i)
{
  return texts[i] != NULL ? texts[i] : "";
}

static gboolean
same_heading (const Matcher *m, guint old_index, guint new_index)
{
  if (m->old_headings == NULL || m->new_headings == NULL)
    return FALSE;
  return g_strcmp0 (m->old_headings[old_index], m->new_headings[new_index]) == 0;
}

static gboolean
same_text (const Matcher *m, guint old_index, guint new_index)
{
  return strcmp (text_at (m->old_texts, old_index), text_at (m->new_texts, new_index)) == 0;
}

/* Same text, and the same scene when the caller told the scenes. */
static gboolean
same_shot (const Matcher *m, guint old_index, guint new_index)
{
  return same_text (m, old_index, new_index)
         && (m->old_headings == NULL || m->new_headings == NULL
             || same_heading (m, old_index, new_index));
}

static void
link (Matcher *m, guint old_index, guint new_index, gboolean exact)
{
  m->matches[new_index].old_index = (int) old_index;
  m->matches[new_index].exact = exact;
  m->old_used_by[old_index] = (int) new_index;
}

/* Unchanged shots that kept their order: a longest common subsequence over the part between
 * the common prefix and suffix, where a pair in the same scene weighs a little more. */
static void
match_in_order (Matcher *m)
{
  guint  prefix = 0, suffix = 0, rows, cols;
  guint *table;

  while (prefix < m->n_old && prefix < m->n_new && same_shot (m, prefix, prefix))
    {
      link (m, prefix, prefix, TRUE);
      prefix++;
    }

  while (suffix < m->n_old - prefix && suffix < m->n_new - prefix
         && same_shot (m, m->n_old - 1 - suffix, m->n_new - 1 - suffix))
    {
      link (m, m->n_old - 1 - suffix, m->n_new - 1 - suffix, TRUE);
      suffix++;
    }

  rows = m->n_old - prefix - suffix;
  cols = m->n_new - prefix - suffix;
  if (rows == 0 || cols == 0 || (guint64) (rows + 1) * (cols + 1) > MAX_LCS_CELLS)
    return;

  table = g_new0 (guint, (gsize) (rows + 1) * (cols + 1));
#define CELL(r, c) table[(gsize) (r) * (cols + 1) + (c)]

  for (guint r = rows; r-- > 0;)
    for (guint c = cols; c-- > 0;)
      {
        guint best = MAX (CELL (r + 1, c), CELL (r, c + 1));

        if (same_text (m, prefix + r, prefix + c))
          best = MAX (best, CELL (r + 1, c + 1) + 2 + same_heading (m, prefix + r, prefix + c));
        CELL (r, c) = best;
      }

  for (guint r = 0, c = 0; r < rows && c < cols;)
    {
      if (same_text (m, prefix + r, prefix + c)
          && CELL (r, c) == CELL (r + 1, c + 1) + 2 + same_heading (m, prefix + r, prefix + c))
        {
          link (m, prefix + r, prefix + c, TRUE);
          r++;
          c++;
        }
      else if (CELL (r + 1, c) >= CELL (r, c + 1))
        r++;
      else
        c++;
    }

#undef CELL
  g_free (table);
}

static guint
distance (guint a, guint b)
{
  return a > b ? a - b : b - a;
}

/* Unchanged shots that moved: the nearest unused old shot with the same text, preferring one in
 * the same scene. */
static void
match_moved (Matcher *m)
{
  g_autoptr (GHashTable) by_text
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);

  for (guint i = 0; i < m->n_old; i++)
    {
      GArray *indices;

      if (m->old_used_by[i] >= 0)
        continue;

      indices = g_hash_table_lookup (by_text, text_at (m->old_texts, i));
      if (indices == NULL)
        {
          indices = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_text, (gpointer) text_at (m->old_texts, i), indices);
        }
      g_array_append_val (indices, i);
    }

  for (guint j = 0; j < m->n_new; j++)
    {
      GArray *indices;
      int     best = -1;

      if (m->matches[j].old_index >= 0)
        continue;

      indices = g_hash_table_lookup (by_text, text_at (m->new_texts, j));
      if (indices == NULL)
        continue;

      for (guint k = 0; k < indices->len; k++)
        {
          guint i = g_array_index (indices, guint, k);

          if (m->old_used_by[i] >= 0)
            continue;
          if (best < 0 || (same_heading (m, i, j) && !same_heading (m, best, j))
              || (same_heading (m, i, j) == same_heading (m, best, j)
                  && distance (i, j) < distance (best, j)))
            best = (int) i;
        }

      if (best >= 0)
        link (m, best, j, TRUE);
    }
}

typedef struct
{
  guint    old_index;
  guint    new_index;
  double   score;
  gboolean same_scene;
} Candidate;

static int
compare_candidates (const void *a, const void *b)
{
  const Candidate *x = a, *y = b;
  guint            dx, dy;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->same_scene != y->same_scene)
    return x->same_scene ? -1 : 1;

  dx = distance (x->old_index, x->new_index);
  dy = distance (y->old_index, y->new_index);
  if (dx != dy)
    return dx < dy ? -1 : 1;

  return x->new_index < y->new_index ? -1 : x->new_index > y->new_index ? 1 : 0;
}

/* Lightly edited shots: the most similar pairs first. */
static void
match_edited (Matcher *m)
{
  g_autoptr (GArray) old_left = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  Profile *old_profiles;

  for (guint i = 0; i < m->n_old; i++)
    if (m->old_used_by[i] < 0)
      g_array_append_val (old_left, i);

  if (old_left->len == 0)
    return;

  old_profiles = g_new0 (Profile, old_left->len);
  for (guint k = 0; k < old_left->len; k++)
    profile_init (&old_profiles[k], text_at (m->old_texts, g_array_index (old_left, guint, k)));

  for (guint j = 0; j < m->n_new; j++)
    {
      Profile profile = { 0 };

      if (m->matches[j].old_index >= 0)
        continue;

      profile_init (&profile, text_at (m->new_texts, j));
      for (guint k = 0; k < old_left->len; k++)
        {
          double score = profile_similarity (&old_profiles[k], &profile);

          if (score >= REEL_SHOT_MATCHER_MIN_SIMILARITY)
            {
              guint     i = g_array_index (old_left, guint, k);
              Candidate candidate = { i, j, score, same_heading (m, i, j) };

              g_array_append_val (candidates, candidate);
            }
        }
      profile_clear (&profile);
    }

  for (guint k = 0; k < old_left->len; k++)
    profile_clear (&old_profiles[k]);
  g_free (old_profiles);

  g_array_sort (candidates, compare_candidates);
  for (guint k = 0; k < candidates->len; k++)
    {
      const Candidate *candidate = &g_array_index (candidates, Candidate, k);

      if (m->old_used_by[candidate->old_index] < 0
          && m->matches[candidate->new_index].old_index < 0)
        link (m, candidate->old_index, candidate->new_index, FALSE);
    }
}

GArray *
reel_shot_matcher_match (const char *const *old_texts,
                         const char *const *old_headings,
                         guint              n_old,
                         const char *const *new_texts,
                         const char *const *new_headings,
                         guint              n_new)
{
  GArray *result = g_array_sized_new (FALSE, FALSE, sizeof (ReelShotMatch), n_new);
  Matcher m = { old_texts, old_headings, n_old, new_texts, new_headings, n_new, NULL, NULL };

  g_return_val_if_fail (n_old == 0 || old_texts != NULL, result);
  g_return_val_if_fail (n_new == 0 || new_texts != NULL, result);

  g_array_set_size (result, n_new);
  m.matches = (ReelShotMatch *) (gpointer) result->data;
  m.old_used_by = g_new (int, MAX (n_old, 1));

  for (guint j = 0; j < n_new; j++)
    {
      m.matches[j].old_index = -1;
      m.matches[j].exact = FALSE;
    }
  for (guint i = 0; i < n_old; i++)
    m.old_used_by[i] = -1;

  if (n_old > 0 && n_new > 0)
    {
      match_in_order (&m);
      match_moved (&m);
      match_edited (&m);
    }

  g_free (m.old_used_by);
  return result;
}
