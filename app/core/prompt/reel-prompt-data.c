/* reel-prompt-data.c
 *
 * The data files of the prompt module: a shipped file in the GResource,
 * extended by the user's file of the same name. Vocabularies and lists are
 * data rather than C so that a user (or a translator) can add words without
 * building Storyreel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "storyreel-prompt"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/stat.h>

#include "reel-prompt-data.h"
#include "reel-prompt-resources.h"

#define RESOURCE_DIR "/io/github/storyreel/Storyreel/prompt/"

/**
 * reel_prompt_data_dup_user_path:
 * @name: a data file's name, such as "camera.tsv"
 *
 * Returns: where the user's additions to @name are read from
 */
char *
reel_prompt_data_dup_user_path (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_build_filename (g_get_user_data_dir (), "storyreel", "prompt", name, NULL);
}

/* Adds the entries of @text to @lines; a line "!entry" takes an earlier
 * entry away. */
static void
add_lines (GPtrArray *lines, const char *text)
{
  g_auto (GStrv) split = g_strsplit (text, "\n", -1);

  for (guint i = 0; split[i] != NULL; i++)
    {
      char *line = g_strchomp (split[i]); /* also drops a Windows "\r" */
      guint found;

      if (*line == '\0' || *line == '#')
        continue;
      if (*line == '!')
        {
          while (
              g_ptr_array_find_with_equal_func (lines, line + 1, (GEqualFunc) g_str_equal, &found))
            g_ptr_array_remove_index (lines, found);
          continue;
        }
      g_ptr_array_add (lines, g_strdup (line));
    }
}

static GPtrArray *
read_lines (const char *name, GError **error)
{
  g_autofree char *resource = g_strconcat (RESOURCE_DIR, name, NULL);
  g_autofree char *user_path = reel_prompt_data_dup_user_path (name);
  g_autofree char *user_text = NULL;
  g_autoptr (GError) user_error = NULL;
  g_autoptr (GBytes) shipped = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *shipped_text = NULL;

  /* Looked up in the module's own resource, which a static library's
   * constructor alone would not register. */
  shipped = g_resource_lookup_data (reel_prompt_get_resource (), resource,
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (shipped == NULL)
    return NULL;
  shipped_text = g_strndup (g_bytes_get_data (shipped, NULL), g_bytes_get_size (shipped));
  add_lines (lines, shipped_text);

  if (g_file_get_contents (user_path, &user_text, NULL, &user_error))
    {
      if (!g_utf8_validate (user_text, -1, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* Translators: %s is a file's path */
                       _ ("“%s” is not UTF-8 text."), user_path);
          return NULL;
        }
      g_debug ("Adding %s to the shipped %s", user_path, name);
      add_lines (lines, user_text);
    }
  else if (!g_error_matches (user_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_error (error, g_steal_pointer (&user_error));
      return NULL;
    }

  return g_steal_pointer (&lines);
}

/* What identifies a version of the user's file: a new one is read again. */
typedef struct
{
  gboolean exists;
  gint64   modified_ns;
  goffset  size;
  guint64  inode;
} FileStamp;

typedef struct
{
  FileStamp  stamp;
  GPtrArray *lines;
} CachedLines;

static void
cached_lines_free (CachedLines *cached)
{
  g_ptr_array_unref (cached->lines);
  g_free (cached);
}

static FileStamp
stamp_user_file (const char *name)
{
  g_autofree char *path = reel_prompt_data_dup_user_path (name);
  struct stat      info;
  FileStamp        stamp = { 0 };

  if (stat (path, &info) == 0)
    stamp = (FileStamp){ TRUE,
                         (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000)
                             + info.st_mtim.tv_nsec,
                         info.st_size, info.st_ino };
  return stamp;
}

static gboolean
same_stamp (const FileStamp *a, const FileStamp *b)
{
  return a->exists == b->exists && a->modified_ns == b->modified_ns && a->size == b->size
         && a->inode == b->inode;
}

static GPtrArray *
copy_lines (GPtrArray *lines)
{
  return g_ptr_array_copy (lines, (GCopyFunc) (void (*) (void)) g_strdup, NULL);
}

/**
 * reel_prompt_data_read_lines:
 * @name: a data file's name, such as "camera.tsv"
 * @error: where a missing shipped file or an unreadable user file is reported
 *
 * Reads the shipped data file @name, then the user's file of the same name
 * (see reel_prompt_data_dup_user_path()), which is optional. Comments and
 * blank lines are left out, and trailing white space is removed.
 *
 * A shot's final prompt reads several of these files, and a batch works out
 * thousands of prompts: the entries are kept, in one cache for the process
 * (its only state, behind a lock), until the user's file changes.
 *
 * Returns: (transfer container) (element-type utf8): the entries, or %NULL
 */
GPtrArray *
reel_prompt_data_read_lines (const char *name, GError **error)
{
  static GMutex      lock;
  static GHashTable *cache; /* name → CachedLines */
  FileStamp          stamp;
  CachedLines       *cached;
  GPtrArray         *lines;

  g_return_val_if_fail (name != NULL, NULL);

  stamp = stamp_user_file (name);
  g_mutex_lock (&lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) cached_lines_free);
  cached = g_hash_table_lookup (cache, name);
  if (cached != NULL && same_stamp (&cached->stamp, &stamp))
    {
      lines = copy_lines (cached->lines);
      g_mutex_unlock (&lock);
      return lines;
    }
  g_mutex_unlock (&lock);

  if ((lines = read_lines (name, error)) == NULL)
    return NULL;
  cached = g_new0 (CachedLines, 1);
  cached->stamp = stamp;
  cached->lines = copy_lines (lines);
  g_mutex_lock (&lock);
  g_hash_table_replace (cache, g_strdup (name), cached);
  g_mutex_unlock (&lock);
  return lines;
}

/**
 * reel_prompt_data_split_fields:
 * @line: an entry of a data file
 * @n_fields: how many tab-separated fields the file has
 *
 * Returns: (transfer full): exactly @n_fields fields, the missing ones
 *   empty and the last one holding any extra tabs, each stripped of white
 *   space
 */
char **
reel_prompt_data_split_fields (const char *line, guint n_fields)
{
  g_auto (GStrv) split = g_strsplit (line, "\t", (gint) n_fields);
  char **fields = g_new0 (char *, n_fields + 1);
  guint  i;

  g_return_val_if_fail (n_fields > 0, NULL);

  for (i = 0; i < n_fields && split[i] != NULL; i++)
    fields[i] = g_strstrip (g_strdup (split[i]));
  for (; i < n_fields; i++)
    fields[i] = g_strdup ("");
  return fields;
}
