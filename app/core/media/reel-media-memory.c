/* reel-media-memory.c: how the process allocates video frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-media"

#include "config.h"

#include <string.h>

#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif

#include "reel-media-memory.h"

/* A decoded 720p frame is 1.4 MB, and an export or a preview allocates and
 * frees one for every copy of every frame, in one thread and freed in
 * another. glibc's defaults hand such blocks back to the kernel as they are
 * freed (mmap above its threshold, trimming of each arena's top), so the
 * next frame faults in fresh pages that the kernel must zero first: a
 * 30-shot, 30-second export took half a million page faults and a tenth of
 * its CPU time. Frames up to 32 MiB (4K RGBA) come from the heap instead,
 * and each arena keeps up to 64 MiB of freed memory for the next ones.
 *
 * And one arena for all threads: a frame goes back to the arena of the
 * thread that allocated it, whichever thread frees it, so with an arena a
 * streaming thread (glibc makes up to eight a core) each kept its own
 * frames and the holes between them. Two segments encoded at once peaked
 * at 1.4 GB with the default arenas and 0.8 GB with one, at the same CPU
 * time. Small blocks mostly come from each thread's own cache (glibc's
 * tcache) without the arena's lock; the rest take it. The window's own
 * figures (bench-open: first frame, memory, late frames while scrolling)
 * did not change either.
 *
 * An explicit GLIBC_TUNABLES setting wins. */
#define FRAME_MMAP_THRESHOLD (32 * 1024 * 1024)
#define FRAME_TRIM_THRESHOLD (64 * 1024 * 1024)
#define ARENAS 1
/* What one x264 encoder at 720p and "medium" or "slow" allocates for its
 * look-ahead and reference frames, with room to spare. */
#define ENCODER_TRIM_THRESHOLD (256 * 1024 * 1024)

void
reel_media_tune_allocator (void)
{
#ifdef HAVE_MALLOPT
  const char *tunables = g_getenv ("GLIBC_TUNABLES");

  if (tunables != NULL && strstr (tunables, "glibc.malloc.") != NULL)
    return;
  if (mallopt (M_MMAP_THRESHOLD, FRAME_MMAP_THRESHOLD) != 1
      || mallopt (M_TRIM_THRESHOLD, FRAME_TRIM_THRESHOLD) != 1
      || mallopt (M_ARENA_MAX, ARENAS) != 1)
    g_debug ("The allocator keeps its defaults");
#endif
}

/* A film is encoded segment by segment, each by an encoder of its own that
 * frees all its frames at its end: above FRAME_TRIM_THRESHOLD they went
 * back to the kernel, and the next segment's encoder faulted them in again,
 * zeroed (a million page faults and a second of system time in a 100 s
 * export at "standard"). A process that only exports can keep them. */
void
reel_media_tune_allocator_for_encoding (void)
{
#ifdef HAVE_MALLOPT
  const char *tunables = g_getenv ("GLIBC_TUNABLES");

  if (tunables != NULL && strstr (tunables, "glibc.malloc.") != NULL)
    return;
  if (mallopt (M_TRIM_THRESHOLD, ENCODER_TRIM_THRESHOLD) != 1)
    g_debug ("The allocator keeps its trim threshold");
#endif
}
