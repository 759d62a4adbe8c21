/* reel-durable.c: replacing a file so that a power cut leaves the old one or the new one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-media"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "reel-durable.h"

/* Flushes the file or folder at @path; keeps fsync()'s errno. */
static gboolean
sync_path (const char *path, int flags)
{
  int fd = g_open (path, flags | O_CLOEXEC, 0);
  int saved_errno;
  int result;

  if (fd < 0)
    return FALSE;
  do
    result = fsync (fd);
  while (result != 0 && errno == EINTR);
  saved_errno = errno;
  close (fd);
  errno = saved_errno;
  return result == 0;
}

gboolean
reel_durable_sync_file (const char *path)
{
  g_return_val_if_fail (path != NULL, FALSE);

  return sync_path (path, O_RDONLY);
}

void
reel_durable_sync_folder (const char *folder)
{
  g_return_if_fail (folder != NULL);

  if (!sync_path (folder, O_RDONLY | O_DIRECTORY))
    g_debug ("Cannot flush the folder %s to the disk: %s", folder, g_strerror (errno));
}

gboolean
reel_durable_rename (const char *temp_path, const char *final_path)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (temp_path != NULL, FALSE);
  g_return_val_if_fail (final_path != NULL, FALSE);

  if (!reel_durable_sync_file (temp_path) || g_rename (temp_path, final_path) != 0)
    return FALSE;
  folder = g_path_get_dirname (final_path);
  reel_durable_sync_folder (folder);
  return TRUE;
}
