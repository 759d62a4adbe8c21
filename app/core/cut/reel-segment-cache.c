/* reel-segment-cache.c: encoded pieces of films, kept for the next export
 *
 * The recency of a segment is its file's modification time, set again on
 * every use: the cache needs no index to keep consistent with the files, and
 * two exports (two windows, or the command line beside the window) can share
 * it. An export holds the segments it will join by hard links in a
 * directory of its own, so another export's trim cannot take them away.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <utime.h>

#include "reel-durable.h"
#include "reel-segment-cache.h"

#define TEMPORARY_PREFIX ".partial-"
#define HOLD_PREFIX ".hold-"
/* A day: no export writes one segment for that long. */
#define STALE_TEMPORARY_SECONDS (24 * 60 * 60)

struct _ReelSegmentCache
{
  GObject parent_instance;

  char *dir;
};

G_DEFINE_FINAL_TYPE (ReelSegmentCache, reel_segment_cache, G_TYPE_OBJECT)

static void
reel_segment_cache_finalize (GObject *object)
{
  ReelSegmentCache *self = REEL_SEGMENT_CACHE (object);

  g_free (self->dir);
  G_OBJECT_CLASS (reel_segment_cache_parent_class)->finalize (object);
}

static void
reel_segment_cache_class_init (ReelSegmentCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reel_segment_cache_finalize;
}

static void
reel_segment_cache_init (ReelSegmentCache *self)
{
}

char *
reel_segment_cache_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "storyreel", "segments", NULL);
}

ReelSegmentCache *
reel_segment_cache_new (const char *dir)
{
  ReelSegmentCache *self = g_object_new (REEL_TYPE_SEGMENT_CACHE, NULL);

  self->dir = dir != NULL ? g_strdup (dir) : reel_segment_cache_default_dir ();
  return self;
}

const char *
reel_segment_cache_get_dir (ReelSegmentCache *self)
{
  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), NULL);
  return self->dir;
}

char *
reel_segment_cache_dup_path (ReelSegmentCache *self, const char *hash, const char *extension)
{
  g_autofree char *name = g_strconcat (hash, ".", extension, NULL);

  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), NULL);
  return g_build_filename (self->dir, name, NULL);
}

char *
reel_segment_cache_lookup (ReelSegmentCache *self, const char *hash, const char *extension)
{
  g_autofree char *path = reel_segment_cache_dup_path (self, hash, extension);

  GStatBuf info;

  /* An empty file is what a crash can leave of one not yet on the disk. */
  if (g_stat (path, &info) != 0 || !S_ISREG (info.st_mode) || info.st_size == 0)
    return NULL;
  /* Now, as the recency that eviction goes by. */
  if (utime (path, NULL) != 0)
    g_debug ("Cannot mark %s as used: %s", path, g_strerror (errno));
  return g_steal_pointer (&path);
}

char *
reel_segment_cache_reserve (ReelSegmentCache *self, GError **error)
{
  g_autofree char *template = g_build_filename (self->dir, TEMPORARY_PREFIX "XXXXXX", NULL);
  int fd;

  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), NULL);

  if (g_mkdir_with_parents (self->dir, 0700) != 0
      || (fd = g_mkstemp_full (template, O_RDWR, 0600)) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("The export cache “%s” cannot be written: %s"), self->dir,
                   g_strerror (saved_errno));
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&template);
}

gboolean
reel_segment_cache_commit (ReelSegmentCache *self,
                           const char       *temporary,
                           const char       *hash,
                           const char       *extension,
                           GError          **error)
{
  g_autofree char *path = reel_segment_cache_dup_path (self, hash, extension);

  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), FALSE);

  /* Flushed before it takes its name, so a power cut never leaves a
   * truncated segment that every later export would reuse. */
  if (!reel_durable_rename (temporary, path))
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("The export cache “%s” cannot be written: %s"), self->dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

char *
reel_segment_cache_new_hold (ReelSegmentCache *self, GError **error)
{
  g_autofree char *template = g_build_filename (self->dir, HOLD_PREFIX "XXXXXX", NULL);

  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), NULL);

  if (g_mkdir_with_parents (self->dir, 0700) != 0 || g_mkdtemp_full (template, 0700) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("The export cache “%s” cannot be written: %s"), self->dir,
                   g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&template);
}

char *
reel_segment_cache_hold (ReelSegmentCache *self,
                         const char       *hold,
                         const char       *path,
                         const char       *hash,
                         const char       *extension)
{
  g_autofree char *name = g_strconcat (hash, ".", extension, NULL);
  g_autofree char *held = g_build_filename (hold, name, NULL);

  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), NULL);

  /* Held already: the same segment twice in one film. */
  if (g_file_test (held, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&held);
  if (link (path, held) == 0)
    return g_steal_pointer (&held);
  if (errno == ENOENT)
    return NULL;
  g_debug ("Cannot hold %s: %s", path, g_strerror (errno));
  return g_strdup (path);
}

static void
remove_hold (const char *hold)
{
  g_autoptr (GDir) dir = g_dir_open (hold, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (hold, name, NULL);

      g_unlink (path);
    }
  if (g_rmdir (hold) != 0)
    g_debug ("Cannot remove %s: %s", hold, g_strerror (errno));
}

void
reel_segment_cache_drop_hold (ReelSegmentCache *self, const char *hold)
{
  g_return_if_fail (REEL_IS_SEGMENT_CACHE (self));
  g_return_if_fail (hold != NULL);

  remove_hold (hold);
}

typedef struct
{
  char   *path;
  guint64 size;
  gint64  used; /* nanoseconds since the epoch */
} Entry;

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->path);
  g_free (entry);
}

static int
compare_by_use (gconstpointer a, gconstpointer b)
{
  const Entry *x = *(Entry *const *) a;
  const Entry *y = *(Entry *const *) b;

  return (x->used > y->used) - (x->used < y->used);
}

/* The segments (not the temporaries), least recently used first. */
static GPtrArray *
list_segments (ReelSegmentCache *self)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr (GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->dir, name, NULL);
      GStatBuf         info;
      Entry           *entry;

      gboolean stale;

      if (g_stat (path, &info) != 0)
        continue;
      /* A temporary or a hold an export uses now is young; one a killed
       * export left is not, and would otherwise stay for ever. */
      stale = info.st_mtim.tv_sec < g_get_real_time () / G_USEC_PER_SEC - STALE_TEMPORARY_SECONDS;
      if (S_ISDIR (info.st_mode) && g_str_has_prefix (name, HOLD_PREFIX))
        {
          if (stale)
            remove_hold (path);
          continue;
        }
      if (!S_ISREG (info.st_mode))
        continue;
      if (g_str_has_prefix (name, TEMPORARY_PREFIX))
        {
          if (stale)
            g_unlink (path);
          continue;
        }
      entry = g_new0 (Entry, 1);
      entry->path = g_steal_pointer (&path);
      entry->size = (guint64) info.st_size;
      entry->used
          = (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_mtim.tv_nsec;
      g_ptr_array_add (entries, entry);
    }
  g_ptr_array_sort (entries, compare_by_use);
  return entries;
}

guint64
reel_segment_cache_get_size (ReelSegmentCache *self)
{
  g_autoptr (GPtrArray) entries = NULL;
  guint64 size = 0;

  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), 0);

  entries = list_segments (self);
  for (guint i = 0; i < entries->len; i++)
    size += ((Entry *) g_ptr_array_index (entries, i))->size;
  return size;
}

guint
reel_segment_cache_trim (ReelSegmentCache *self, guint64 limit)
{
  g_autoptr (GPtrArray) entries = NULL;
  guint64 size = 0;
  guint   removed = 0;

  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), 0);

  entries = list_segments (self);
  for (guint i = 0; i < entries->len; i++)
    size += ((Entry *) g_ptr_array_index (entries, i))->size;
  for (guint i = 0; i < entries->len && size > limit; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (g_unlink (entry->path) != 0)
        {
          g_debug ("Cannot remove %s: %s", entry->path, g_strerror (errno));
          continue;
        }
      size -= entry->size;
      removed++;
    }
  if (removed > 0)
    g_debug ("Removed %u segments from the export cache", removed);
  return removed;
}

gboolean
reel_segment_cache_clear (ReelSegmentCache *self, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;

  g_return_val_if_fail (REEL_IS_SEGMENT_CACHE (self), FALSE);

  entries = list_segments (self);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (g_unlink (entry->path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _ ("“%s” cannot be removed: %s"), entry->path, g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}
