/* reel-segment-cache.h: encoded pieces of films, kept for the next export
 *
 * A film export encodes the film as segments (a shot, or the shots a
 * transition joins) and keeps each in this cache under a hash of everything
 * that decides its pictures. The next export, or another film of a batch
 * sharing the shot, reuses it unchanged. Files are written under a
 * temporary name and renamed into place, so a reader never sees half a
 * segment; the least recently used go first when the cache grows past its
 * limit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* 2 GiB: some forty minutes of 720p film at CRF 23. */
#define REEL_SEGMENT_CACHE_DEFAULT_LIMIT (G_GUINT64_CONSTANT (2) << 30)

#define REEL_TYPE_SEGMENT_CACHE (reel_segment_cache_get_type ())
G_DECLARE_FINAL_TYPE (ReelSegmentCache, reel_segment_cache, REEL, SEGMENT_CACHE, GObject)

/* USER_CACHE_DIR/storyreel/segments */
char *reel_segment_cache_default_dir (void);

/* @dir: NULL for the default; it is created on the first write. */
ReelSegmentCache *reel_segment_cache_new (const char *dir);
const char       *reel_segment_cache_get_dir (ReelSegmentCache *self);

/* Where the segment with @hash of @extension ("mp4", "webm") lives, whether
 * or not it exists. */
char *reel_segment_cache_dup_path (ReelSegmentCache *self, const char *hash, const char *extension);
/* The path of the cached segment, marked as just used, or NULL when it is
 * not cached. */
char *reel_segment_cache_lookup (ReelSegmentCache *self, const char *hash, const char *extension);
/* A new empty temporary in the cache to write a segment to. */
char *reel_segment_cache_reserve (ReelSegmentCache *self, GError **error);
/* Renames @temporary into place as the segment @hash. */
gboolean reel_segment_cache_commit (ReelSegmentCache *self,
                                    const char       *temporary,
                                    const char       *hash,
                                    const char       *extension,
                                    GError          **error);

/* A hold keeps the segments an export will join, once it has looked them
 * up or made them, from being removed by another export's trim (in this
 * process or another) before the join: each is hard-linked into the hold,
 * a directory in the cache, and read from there. Returns the hold's path;
 * NULL when the cache cannot be written. */
char *reel_segment_cache_new_hold (ReelSegmentCache *self, GError **error);
/* Puts the file at @path (a segment just looked up, or a temporary about to
 * be committed) in @hold as segment @hash, and returns the path to read it
 * by: the held link, or @path itself on a file system without hard links.
 * NULL when @path is gone (trimmed since it was looked up). */
char *reel_segment_cache_hold (ReelSegmentCache *self,
                               const char       *hold,
                               const char       *path,
                               const char       *hash,
                               const char       *extension);
/* Lets go of @hold: a segment trimmed meanwhile is freed only now. */
void reel_segment_cache_drop_hold (ReelSegmentCache *self, const char *hold);

/* The bytes the segments take. */
guint64 reel_segment_cache_get_size (ReelSegmentCache *self);
/* Removes the least recently used segments until they take at most @limit
 * bytes; returns how many it removed. Temporaries and holds of exports under
 * way are left alone (a held segment's space is freed when its hold is
 * dropped); those a killed export left a day ago go. */
guint reel_segment_cache_trim (ReelSegmentCache *self, guint64 limit);
/* Removes every segment. */
gboolean reel_segment_cache_clear (ReelSegmentCache *self, GError **error);

G_END_DECLS
