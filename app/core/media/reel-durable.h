/* reel-durable.h: replacing a file so that a power cut leaves the old one or the new one
 *
 * A file written under a temporary name and renamed over the old one is
 * replaced whole, but only if its data reach the disk before the rename and
 * the rename reaches it after: otherwise a power cut can leave an empty file
 * where the old one was, or lose the new name altogether. The media store,
 * the project and the exporters all write through these. They block on the
 * disk, so they belong in worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Flushes the contents of the file at @path to the disk. On failure errno
 * says why: a full disk can show only here, when data written earlier are
 * finally placed. */
gboolean reel_durable_sync_file (const char *path);

/* Flushes the names in @folder (a rename, link or unlink done in it) to the
 * disk. Best effort, as GLib's g_file_set_contents() does: the change is
 * made already, and a file system that cannot flush a folder offers nothing
 * better. */
void reel_durable_sync_folder (const char *folder);

/* Renames @temp_path over @final_path, in the same folder, with the file
 * flushed before and the folder after. On failure errno says why, and
 * @temp_path is left for the caller to remove. */
gboolean reel_durable_rename (const char *temp_path, const char *final_path);

G_END_DECLS
