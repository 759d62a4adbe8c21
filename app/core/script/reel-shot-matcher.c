/* reel-shot-matcher.c: which new shot is which old one, across a re-breakdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-script"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "reel-shot-matcher.h"

/* The exact alignment of unchanged shots is quadratic, so it only ever runs on a table this big
 * (4 MB): over a whole script of up to about 1,000 shots, else within the gaps between anchors. */
#define MAX_LCS_CELLS (1024u * 1024u)
/* How many times a gap too big to align is cut again at its own unique texts; each cut is linear
 * in the gap, and a gap still too big after that goes to moved-shot matching. */
#define MAX_ANCHOR_DEPTH 4
/* A text repeated more often than this (a "She nods." in every scene) is looked for only among
 * its nearest copies, so that thousands of copies do not make moved-shot matching quadratic. */
#define MAX_SAME_TEXT_CANDIDATES 64
/* Left-over shots compared all against all, as the edited-shot matching always did; beyond this
 * many pairs only likely pairs are compared (see find_candidates()). */
#define MAX_ALL_PAIRS (256u * 1024u)
/* Likely pairs: this many left-over old shots on each side of where a new shot is expected… */
#define BAND_WIDTH 16
/* …and the pairs that share a run of this many characters that few texts have. */
#define SHINGLE_LENGTH 4
#define MAX_SHINGLE_POSTINGS 8

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

static int
compare_guint32 (const void *a, const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

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

/* Unchanged shots that kept their order, between @o0..@o1 and @n0..@n1: a longest common
 * subsequence where a pair in the same scene weighs a little more. The caller keeps the table
 * within MAX_LCS_CELLS. */
static void
align_by_lcs (Matcher *m, guint o0, guint o1, guint n0, guint n1)
{
  guint  rows = o1 - o0, cols = n1 - n0;
  guint *table;

  if (rows == 0 || cols == 0)
    return;

  table = g_new0 (guint, (gsize) (rows + 1) * (cols + 1));
#define CELL(r, c) table[(gsize) (r) * (cols + 1) + (c)]
#define WEIGHT(r, c) (2 + same_heading (m, o0 + (r), n0 + (c)))

  for (guint r = rows; r-- > 0;)
    for (guint c = cols; c-- > 0;)
      {
        guint best = MAX (CELL (r + 1, c), CELL (r, c + 1));

        if (same_text (m, o0 + r, n0 + c))
          best = MAX (best, CELL (r + 1, c + 1) + WEIGHT (r, c));
        CELL (r, c) = best;
      }

  for (guint r = 0, c = 0; r < rows && c < cols;)
    {
      if (same_text (m, o0 + r, n0 + c) && CELL (r, c) == CELL (r + 1, c + 1) + WEIGHT (r, c))
        {
          link (m, o0 + r, n0 + c, TRUE);
          r++;
          c++;
        }
      else if (CELL (r + 1, c) >= CELL (r, c + 1))
        r++;
      else
        c++;
    }

#undef WEIGHT
#undef CELL
  g_free (table);
}

typedef struct
{
  guint old_count;
  guint new_count;
  guint old_index;
  guint new_index;
} TextCount;

/* Pairs of texts that occur exactly once on each side of the range, in new order. */
static GArray *
unique_pairs (Matcher *m, guint o0, guint o1, guint n0, guint n1)
{
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (TextCount));

  for (guint i = o0; i < o1; i++)
    {
      TextCount *count = g_hash_table_lookup (counts, text_at (m->old_texts, i));

      if (count == NULL)
        {
          count = g_new0 (TextCount, 1);
          g_hash_table_insert (counts, (gpointer) text_at (m->old_texts, i), count);
        }
      count->old_count++;
      count->old_index = i;
    }

  for (guint j = n0; j < n1; j++)
    {
      TextCount *count = g_hash_table_lookup (counts, text_at (m->new_texts, j));

      if (count != NULL)
        {
          count->new_count++;
          count->new_index = j;
        }
    }

  for (guint j = n0; j < n1; j++)
    {
      TextCount *count = g_hash_table_lookup (counts, text_at (m->new_texts, j));

      if (count != NULL && count->old_count == 1 && count->new_count == 1)
        g_array_append_val (pairs, *count);
    }
  return pairs;
}

/* Keeps the longest run of @pairs (in new order) whose old indices increase too, as patience
 * diff does: the unique texts that kept their order. O(k log k). */
static void
keep_increasing (GArray *pairs)
{
  g_autofree guint     *tails = g_new (guint, MAX (pairs->len, 1)); /* pair index ending a run */
  g_autofree int       *previous = g_new (int, MAX (pairs->len, 1));
  g_autofree TextCount *kept = NULL;
  guint                 length = 0;
  int                   k;

#define OLD_AT(p) g_array_index (pairs, TextCount, (p)).old_index
  for (guint p = 0; p < pairs->len; p++)
    {
      guint lo = 0, hi = length;

      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;

          if (OLD_AT (tails[mid]) < OLD_AT (p))
            lo = mid + 1;
          else
            hi = mid;
        }
      previous[p] = lo > 0 ? (int) tails[lo - 1] : -1;
      tails[lo] = p;
      length = MAX (length, lo + 1);
    }
#undef OLD_AT

  kept = g_new (TextCount, MAX (length, 1));
  k = length > 0 ? (int) tails[length - 1] : -1;
  for (guint n = length; n-- > 0; k = previous[k])
    kept[n] = g_array_index (pairs, TextCount, k);
  g_array_set_size (pairs, 0);
  g_array_append_vals (pairs, kept, length);
}

static void align_range (Matcher *m, guint o0, guint o1, guint n0, guint n1, guint depth);

/* Unchanged shots at either end of the range; narrows it to what lies between. */
static void
link_common_ends (Matcher *m, guint *o0, guint *o1, guint *n0, guint *n1)
{
  while (*o0 < *o1 && *n0 < *n1 && same_shot (m, *o0, *n0))
    {
      link (m, *o0, *n0, TRUE);
      (*o0)++;
      (*n0)++;
    }

  while (*o0 < *o1 && *n0 < *n1 && same_shot (m, *o1 - 1, *n1 - 1))
    {
      link (m, *o1 - 1, *n1 - 1, TRUE);
      (*o1)--;
      (*n1)--;
    }
}

/* Unchanged shots that kept their order, in time and memory close to linear: a range small
 * enough is aligned exactly, as it always was; a bigger one is cut at the unique unchanged
 * texts that kept their order, and each gap between them aligned the same way. A gap with no
 * such anchor within MAX_ANCHOR_DEPTH cuts is left to match_moved(). */
static void
align_range (Matcher *m, guint o0, guint o1, guint n0, guint n1, guint depth)
{
  g_autoptr (GArray) anchors = NULL;
  guint next_old, next_new;

  link_common_ends (m, &o0, &o1, &n0, &n1);
  if ((guint64) (o1 - o0 + 1) * (n1 - n0 + 1) <= MAX_LCS_CELLS)
    {
      align_by_lcs (m, o0, o1, n0, n1);
      return;
    }
  if (depth >= MAX_ANCHOR_DEPTH)
    return;

  anchors = unique_pairs (m, o0, o1, n0, n1);
  keep_increasing (anchors);
  if (anchors->len == 0)
    return;

  next_old = o0;
  next_new = n0;
  for (guint k = 0; k < anchors->len; k++)
    {
      const TextCount *anchor = &g_array_index (anchors, TextCount, k);

      link (m, anchor->old_index, anchor->new_index, TRUE);
      align_range (m, next_old, anchor->old_index, next_new, anchor->new_index, depth + 1);
      next_old = anchor->old_index + 1;
      next_new = anchor->new_index + 1;
    }
  align_range (m, next_old, o1, next_new, n1, depth + 1);
}

static void
match_in_order (Matcher *m)
{
  align_range (m, 0, m->n_old, 0, m->n_new, 0);
}

static guint
distance (guint a, guint b)
{
  return a > b ? a - b : b - a;
}

/* Which of two old shots with the same text suits new shot @j better: one in the same scene, then
 * the nearer one, then the earlier one. */
static gboolean
better_copy (const Matcher *m, guint i, int best, guint j)
{
  gboolean here = same_heading (m, i, j), best_here;

  if (best < 0)
    return TRUE;
  best_here = same_heading (m, best, j);
  if (here != best_here)
    return here;
  if (distance (i, j) != distance (best, j))
    return distance (i, j) < distance (best, j);
  return i < (guint) best;
}

/* The best unused old shot among @indices (ascending), looking at the copies nearest @j first
 * and at no more than MAX_SAME_TEXT_CANDIDATES of them. */
static int
nearest_unused_copy (const Matcher *m, GArray *indices, guint j)
{
  const guint *at = (const guint *) (gpointer) indices->data;
  guint        lo = 0, hi = indices->len, left, right;
  int          best = -1;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (at[mid] < j)
        lo = mid + 1;
      else
        hi = mid;
    }

  left = lo;
  right = lo;
  for (guint seen = 0; seen < MAX_SAME_TEXT_CANDIDATES && (left > 0 || right < indices->len);
       seen++)
    {
      guint i;

      if (right >= indices->len
          || (left > 0 && distance (at[left - 1], j) <= distance (at[right], j)))
        i = at[--left];
      else
        i = at[right++];
      if (m->old_used_by[i] < 0 && better_copy (m, i, best, j))
        best = (int) i;
    }
  return best;
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
      int     best;

      if (m->matches[j].old_index >= 0)
        continue;

      indices = g_hash_table_lookup (by_text, text_at (m->new_texts, j));
      if (indices != NULL && (best = nearest_unused_copy (m, indices, j)) >= 0)
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

/* The shots left over after the exact matches, with their bigram profiles. */
typedef struct
{
  GArray  *old_left; /* guint: old index, ascending */
  GArray  *new_left; /* guint: new index, ascending */
  Profile *old_profiles;
  Profile *new_profiles;
} Leftovers;

static void
leftovers_clear (Leftovers *left)
{
  for (guint k = 0; left->old_profiles != NULL && k < left->old_left->len; k++)
    profile_clear (&left->old_profiles[k]);
  for (guint k = 0; left->new_profiles != NULL && k < left->new_left->len; k++)
    profile_clear (&left->new_profiles[k]);
  g_clear_pointer (&left->old_profiles, g_free);
  g_clear_pointer (&left->new_profiles, g_free);
  g_clear_pointer (&left->old_left, g_array_unref);
  g_clear_pointer (&left->new_left, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Leftovers, leftovers_clear)

#define OLD_LEFT(left, k) g_array_index ((left)->old_left, guint, (k))
#define NEW_LEFT(left, k) g_array_index ((left)->new_left, guint, (k))

static void
leftovers_init (Leftovers *left, const Matcher *m)
{
  left->old_left = g_array_new (FALSE, FALSE, sizeof (guint));
  left->new_left = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < m->n_old; i++)
    if (m->old_used_by[i] < 0)
      g_array_append_val (left->old_left, i);
  for (guint j = 0; j < m->n_new; j++)
    if (m->matches[j].old_index < 0)
      g_array_append_val (left->new_left, j);

  left->old_profiles = g_new0 (Profile, MAX (left->old_left->len, 1));
  left->new_profiles = g_new0 (Profile, MAX (left->new_left->len, 1));
  for (guint k = 0; k < left->old_left->len; k++)
    profile_init (&left->old_profiles[k], text_at (m->old_texts, OLD_LEFT (left, k)));
  for (guint k = 0; k < left->new_left->len; k++)
    profile_init (&left->new_profiles[k], text_at (m->new_texts, NEW_LEFT (left, k)));
}

/* Scores left-over old shot @ko against left-over new shot @kn. */
static void
consider_pair (const Matcher *m, const Leftovers *left, guint ko, guint kn, GArray *candidates)
{
  guint  i = OLD_LEFT (left, ko), j = NEW_LEFT (left, kn);
  double score;

  if (m->old_used_by[i] >= 0 || m->matches[j].old_index >= 0)
    return;

  score = profile_similarity (&left->old_profiles[ko], &left->new_profiles[kn]);
  if (score >= REEL_SHOT_MATCHER_MIN_SIMILARITY)
    {
      Candidate candidate = { i, j, score, same_heading (m, i, j) };

      g_array_append_val (candidates, candidate);
    }
}

/* The most similar pairs first, each shot once. */
static void
link_best_candidates (Matcher *m, GArray *candidates)
{
  /* g_array_sort() is stable, so equal candidates keep the order they were found in. */
  g_array_sort (candidates, compare_candidates);
  for (guint k = 0; k < candidates->len; k++)
    {
      const Candidate *candidate = &g_array_index (candidates, Candidate, k);

      if (m->old_used_by[candidate->old_index] < 0
          && m->matches[candidate->new_index].old_index < 0)
        link (m, candidate->old_index, candidate->new_index, FALSE);
    }
}

/* Where in the old shots new shot @j is expected: between the old shots of the matched new shots
 * before and after it, in proportion. */
static double
expected_old_position (const Matcher *m, guint j, int before, int after)
{
  double old_before = before >= 0 ? m->matches[before].old_index : -1;
  double old_after = after < (int) m->n_new ? m->matches[after].old_index : m->n_old;

  if (old_after <= old_before)
    return old_before + (j - before);
  return old_before + (j - before) * (old_after - old_before) / (after - before);
}

static guint
lower_bound (GArray *sorted, double value)
{
  guint lo = 0, hi = sorted->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (sorted, guint, mid) < value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Pairs (new << 32 | old, in left-over positions) of each unmatched new shot with the BAND_WIDTH
 * unmatched old shots on either side of where it is expected: edited shots mostly stay in their
 * gap between matched shots, and in their place within it. */
static void
add_band_pairs (const Matcher *m, const Leftovers *left, GArray *pairs)
{
  g_autoptr (GArray) old_free = g_array_new (FALSE, FALSE, sizeof (guint)); /* ko by old index */
  g_autofree int *after = g_new (int, m->n_new + 1);
  int             before = -1;

  for (guint ko = 0; ko < left->old_left->len; ko++)
    if (m->old_used_by[OLD_LEFT (left, ko)] < 0)
      g_array_append_val (old_free, OLD_LEFT (left, ko));

  after[m->n_new] = (int) m->n_new;
  for (guint j = m->n_new; j-- > 0;)
    after[j] = m->matches[j].old_index >= 0 ? (int) j : after[j + 1];

  for (guint kn = 0, j = 0; kn < left->new_left->len; kn++)
    {
      guint  jn = NEW_LEFT (left, kn), start, end;
      double expected;

      for (; j < jn; j++)
        if (m->matches[j].old_index >= 0)
          before = (int) j;
      if (m->matches[jn].old_index >= 0)
        continue;

      expected = expected_old_position (m, jn, before, after[jn]);
      start = lower_bound (old_free, expected);
      end = MIN (start + BAND_WIDTH, old_free->len);
      start = start > BAND_WIDTH ? start - BAND_WIDTH : 0;
      for (guint f = start; f < end; f++)
        {
          guint   ko = lower_bound (left->old_left, g_array_index (old_free, guint, f));
          guint64 pair = ((guint64) kn << 32) | ko;

          g_array_append_val (pairs, pair);
        }
    }
}

/* Hashes of the runs of SHINGLE_LENGTH characters of a profile's text, each once, appended to
 * @entries as hash << 32 | @owner. */
static void
add_shingles (const Profile *profile, guint32 owner, GArray *entries)
{
  g_autofree gunichar *chars = NULL;
  g_autofree guint32  *hashes = NULL;
  glong                n_chars = 0;
  guint                n_hashes, n_unique = 0;

  chars = g_utf8_to_ucs4_fast (profile->folded, -1, &n_chars);
  n_hashes = n_chars >= SHINGLE_LENGTH ? (guint) (n_chars - SHINGLE_LENGTH + 1) : 1;
  hashes = g_new (guint32, n_hashes);
  for (guint i = 0; i < n_hashes; i++)
    {
      guint32 hash = 2166136261u; /* FNV-1a */

      for (glong c = i; c < MIN (n_chars, (glong) (i + SHINGLE_LENGTH)); c++)
        hash = (hash ^ chars[c]) * 16777619u;
      hashes[i] = hash;
    }

  qsort (hashes, n_hashes, sizeof (guint32), compare_guint32);
  for (guint i = 0; i < n_hashes; i++)
    if (i == 0 || hashes[i] != hashes[i - 1])
      hashes[n_unique++] = hashes[i];
  for (guint i = 0; i < n_unique; i++)
    {
      guint64 entry = ((guint64) hashes[i] << 32) | owner;

      g_array_append_val (entries, entry);
    }
}

#define NEW_OWNER 0x80000000u

/* Pairs (new << 32 | old, in left-over positions) that share a run of characters found in at
 * most MAX_SHINGLE_POSTINGS texts on either side: a shot edited and moved far away still shares
 * most of its rare runs with what it was. Each text pairs with a bounded number of others, so
 * this stays linear. */
static void
add_shingle_pairs (const Leftovers *left, GArray *pairs)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (guint64));
  const guint64 *at;

  for (guint ko = 0; ko < left->old_left->len; ko++)
    add_shingles (&left->old_profiles[ko], ko, entries);
  for (guint kn = 0; kn < left->new_left->len; kn++)
    add_shingles (&left->new_profiles[kn], NEW_OWNER | kn, entries);
  g_array_sort (entries, compare_guint64);

  at = (const guint64 *) (gpointer) entries->data;
  for (guint start = 0, end; start < entries->len; start = end)
    {
      guint first_new = start;

      for (end = start; end < entries->len && at[end] >> 32 == at[start] >> 32; end++)
        if (((guint32) at[end] & NEW_OWNER) == 0)
          first_new = end + 1;

      /* Old owners sort before new ones within a run. */
      if (first_new == start || first_new == end || first_new - start > MAX_SHINGLE_POSTINGS
          || end - first_new > MAX_SHINGLE_POSTINGS)
        continue;
      for (guint n = first_new; n < end; n++)
        for (guint o = start; o < first_new; o++)
          {
            guint64 pair = ((guint64) ((guint32) at[n] & ~NEW_OWNER) << 32) | (guint32) at[o];

            g_array_append_val (pairs, pair);
          }
    }
}

/* Scores the likely pairs, each once, and links the best. */
static void
link_likely_pairs (Matcher *m, const Leftovers *left, GArray *pairs)
{
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  const guint64 *at;

  g_array_sort (pairs, compare_guint64);
  at = (const guint64 *) (gpointer) pairs->data;
  for (guint k = 0; k < pairs->len; k++)
    if (k == 0 || at[k] != at[k - 1])
      consider_pair (m, left, (guint32) at[k], at[k] >> 32, candidates);
  link_best_candidates (m, candidates);
}

/* Lightly edited shots: the most similar pairs first. Few enough left-over shots are compared
 * all against all; more are compared only in likely pairs, in two rounds so that the edited
 * shots matched in the first one place the rest better in the second. */
static void
match_edited (Matcher *m)
{
  g_auto (Leftovers) left = { 0 };

  leftovers_init (&left, m);
  if (left.old_left->len == 0 || left.new_left->len == 0)
    return;

  if ((guint64) left.old_left->len * left.new_left->len <= MAX_ALL_PAIRS)
    {
      g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

      for (guint kn = 0; kn < left.new_left->len; kn++)
        for (guint ko = 0; ko < left.old_left->len; ko++)
          consider_pair (m, &left, ko, kn, candidates);
      link_best_candidates (m, candidates);
      return;
    }

  {
    g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (guint64));

    add_shingle_pairs (&left, pairs);
    add_band_pairs (m, &left, pairs);
    link_likely_pairs (m, &left, pairs);

    g_array_set_size (pairs, 0);
    add_band_pairs (m, &left, pairs);
    link_likely_pairs (m, &left, pairs);
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
