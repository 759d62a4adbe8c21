/* reel-media-store.c: the content-addressed store: temporary names, hashing,
 * verify-then-rename, the caches of what was verified, and the async import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-media"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <gst/gst.h>

#include "reel-durable.h"
#include "reel-media-store-private.h"

#define TEMP_DIR_NAME ".tmp"
#define COPY_BUFFER_SIZE (256 * 1024)

struct _ReelMediaStore
{
  GObject parent_instance;

  GFile *directory;
  char  *path;

  /* Only used where the file system cannot hard-link, to make "is the final
   * name free? then rename" one step for the threads of this process. */
  GMutex publish_lock;

  /* What this process has verified already, so the same content (a re-import,
   * a backend returning the same bytes) is not probed again, and thumbnails
   * are made once per source and position. Guarded by cache_lock. */
  GMutex      cache_lock;
  GHashTable *verified;   /* sha256 → ReelMediaInfo* */
  GHashTable *thumbnails; /* "relative_path@seconds@width" → ReelMediaInfo* */
};

enum
{
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ReelMediaStore, reel_media_store, G_TYPE_OBJECT)

GQuark
reel_media_error_quark (void)
{
  return g_quark_from_static_string ("reel-media-error-quark");
}

/* Helpers */

gboolean
reel_media_ensure_gstreamer (GError **error)
{
  g_autoptr (GError) local_error = NULL;

  /* Idempotent and thread-safe; callers in worker threads may come first. */
  if (gst_init_check (NULL, NULL, &local_error))
    return TRUE;

  g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
               _ ("GStreamer could not be started, so media cannot be read: %s"),
               local_error->message);
  return FALSE;
}

/* Turns an I/O error about @display_name into the media domain, keeping
 * cancellation as it is so callers can recognise it. */
void
reel_media_propagate_io_error (GError **error, GError *io_error, const char *display_name)
{
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, io_error);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NO_SPACE,
                   _ ("There is not enough disk space to store “%s”. Free some space and try "
                      "again."),
                   display_name);
      g_error_free (io_error);
    }
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("“%s” could not be found. It may have been moved or deleted."), display_name);
      g_error_free (io_error);
    }
  else
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_IO,
                   _ ("“%s” could not be stored in the project’s media folder: %s"), display_name,
                   io_error->message);
      g_error_free (io_error);
    }
}

void
reel_media_set_errno_error (GError **error, int saved_errno, const char *display_name)
{
  GError *io_error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                          g_strerror (saved_errno));
  reel_media_propagate_io_error (error, io_error, display_name);
}

/* A lower-case extension of at most eight alphanumerics, or NULL. */
static char *
sane_extension (const char *path_or_extension)
{
  const char *dot = strrchr (path_or_extension, '.');
  const char *ext = dot != NULL ? dot + 1 : path_or_extension;
  gsize       len = strlen (ext);

  if (dot != NULL && strchr (dot, G_DIR_SEPARATOR) != NULL)
    return NULL;
  if (len == 0 || len > 8)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (ext[i]))
      return NULL;

  return g_ascii_strdown (ext, -1);
}

/* ReelMediaStore */

static void
reel_media_store_finalize (GObject *object)
{
  ReelMediaStore *self = REEL_MEDIA_STORE (object);

  g_clear_object (&self->directory);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->publish_lock);
  g_mutex_clear (&self->cache_lock);
  g_clear_pointer (&self->verified, g_hash_table_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);

  G_OBJECT_CLASS (reel_media_store_parent_class)->finalize (object);
}

static void
reel_media_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelMediaStore *self = REEL_MEDIA_STORE (object);

  switch (prop_id)
    {
      case PROP_DIRECTORY:
        g_value_set_object (value, self->directory);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_media_store_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ReelMediaStore *self = REEL_MEDIA_STORE (object);

  switch (prop_id)
    {
      case PROP_DIRECTORY:
        self->directory = g_value_dup_object (value);
        self->path = g_file_get_path (self->directory);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_media_store_class_init (ReelMediaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reel_media_store_finalize;
  object_class->get_property = reel_media_store_get_property;
  object_class->set_property = reel_media_store_set_property;

  /**
   * ReelMediaStore:directory:
   *
   * The NAME.media folder; it is created on the first write.
   */
  properties[PROP_DIRECTORY]
      = g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
reel_media_store_init (ReelMediaStore *self)
{
  g_mutex_init (&self->publish_lock);
  g_mutex_init (&self->cache_lock);
  self->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) reel_media_info_free);
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) reel_media_info_free);
}

/* A copy of what was verified for @sha256, if its file is still there. */
static ReelMediaInfo *
lookup_verified (ReelMediaStore *self, GHashTable *cache, const char *key)
{
  ReelMediaInfo *info = NULL;
  ReelMediaInfo *found;

  g_mutex_lock (&self->cache_lock);
  found = g_hash_table_lookup (cache, key);
  if (found != NULL)
    info = reel_media_info_copy (found);
  g_mutex_unlock (&self->cache_lock);

  if (info != NULL)
    {
      g_autofree char *path = reel_media_store_get_path (self, info->relative_path);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_clear_pointer (&info, reel_media_info_free);
    }

  return info;
}

static void
remember_verified (ReelMediaStore      *self,
                   GHashTable          *cache,
                   const char          *key,
                   const ReelMediaInfo *info)
{
  g_mutex_lock (&self->cache_lock);
  g_hash_table_replace (cache, g_strdup (key), reel_media_info_copy (info));
  g_mutex_unlock (&self->cache_lock);
}

ReelMediaStore *
reel_media_store_new (GFile *directory)
{
  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (g_file_is_native (directory), NULL);

  return g_object_new (REEL_TYPE_MEDIA_STORE, "directory", directory, NULL);
}

GFile *
reel_media_store_get_directory (ReelMediaStore *self)
{
  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);

  return self->directory;
}

char *
reel_media_store_get_path (ReelMediaStore *self, const char *relative_path)
{
  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);
  g_return_val_if_fail (relative_path != NULL, NULL);

  return g_build_filename (self->path, relative_path, NULL);
}

static char *
ensure_temp_dir (ReelMediaStore *self, GError **error)
{
  g_autofree char *temp_dir = g_build_filename (self->path, TEMP_DIR_NAME, NULL);

  if (g_mkdir_with_parents (temp_dir, 0755) != 0)
    {
      int              saved_errno = errno;
      g_autofree char *display_name = g_filename_display_basename (self->path);

      reel_media_set_errno_error (error, saved_errno, display_name);
      return NULL;
    }

  return g_steal_pointer (&temp_dir);
}

/* Reserves a name in .tmp by creating it empty; returns an fd open for
 * writing when @fd is not NULL. */
static char *
create_temp_file (ReelMediaStore *self, const char *extension, int *fd, GError **error)
{
  g_autofree char *temp_dir = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *template = NULL;
  int temp_fd;

  temp_dir = ensure_temp_dir (self, error);
  if (temp_dir == NULL)
    return NULL;

  ext = extension != NULL ? sane_extension (extension) : NULL;
  template = g_strdup_printf ("%s" G_DIR_SEPARATOR_S "XXXXXX%s%s", temp_dir, ext ? "." : "",
                              ext ? ext : "");
  temp_fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0644);
  if (temp_fd < 0)
    {
      int              saved_errno = errno;
      g_autofree char *display_name = g_filename_display_basename (self->path);

      reel_media_set_errno_error (error, saved_errno, display_name);
      return NULL;
    }

  if (fd != NULL)
    *fd = temp_fd;
  else
    close (temp_fd);

  return g_steal_pointer (&template);
}

char *
reel_media_store_new_temp_path (ReelMediaStore *self, const char *extension, GError **error)
{
  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);

  return create_temp_file (self, extension, NULL, error);
}

/* Hashes @path, and copies it to @fd (closed here) when @fd is not -1. The
 * copy is flushed to the disk before it may be published. */
static char *
hash_and_copy (
    const char *path, int fd, const char *display_name, GCancellable *cancellable, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) input = NULL;
  g_autoptr (GOutputStream) output = NULL;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GError) local_error = NULL;
  g_autofree guchar *buffer = g_malloc (COPY_BUFFER_SIZE);

  if (fd >= 0)
    output = g_unix_output_stream_new (fd, TRUE);

  input = g_file_read (file, cancellable, &local_error);
  if (input == NULL)
    goto fail;

  for (;;)
    {
      gssize n_read = g_input_stream_read (G_INPUT_STREAM (input), buffer, COPY_BUFFER_SIZE,
                                           cancellable, &local_error);

      if (n_read < 0)
        goto fail;
      if (n_read == 0)
        break;

      g_checksum_update (checksum, buffer, n_read);
      if (output != NULL
          && !g_output_stream_write_all (output, buffer, n_read, NULL, cancellable, &local_error))
        goto fail;
    }

  if (output != NULL)
    {
      if (fsync (fd) != 0)
        {
          int saved_errno = errno;

          local_error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                             g_strerror (saved_errno));
          goto fail;
        }
      if (!g_output_stream_close (output, cancellable, &local_error))
        goto fail;
    }

  return g_strdup (g_checksum_get_string (checksum));

fail:
  if (output != NULL)
    g_output_stream_close (output, NULL, NULL);
  reel_media_propagate_io_error (error, g_steal_pointer (&local_error), display_name);
  return NULL;
}

static gboolean
flush_file_to_disk (const char *path)
{
  int      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static char *
sha256_from_relative_path (const char *relative_path)
{
  g_autofree char *base = g_path_get_basename (relative_path);
  char            *dot = strchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  return g_steal_pointer (&base);
}

static gboolean
existing_file_is_intact (ReelMediaStore *self, const char *relative_path, const char *sha256)
{
  g_autoptr (GError) error = NULL;

  if (reel_media_store_check (self, relative_path, sha256, &error))
    return TRUE;

  g_debug ("Replacing damaged %s: %s", relative_path, error->message);
  return FALSE;
}

/* The file is on the disk already; its new name must get there too, and so
 * must the shard folder's, when that folder was made for it. */
static void
flush_new_name (ReelMediaStore *self, const char *folder, gboolean new_folder)
{
  reel_durable_sync_folder (folder);
  if (new_folder)
    reel_durable_sync_folder (self->path);
}

/* Moves the verified @temp_path to @final_path unless an intact copy is
 * there already: a verified file is never overwritten. */
static gboolean
publish (ReelMediaStore *self,
         const char     *temp_path,
         const char     *final_path,
         const char     *relative_path,
         const char     *sha256,
         const char     *display_name,
         GError        **error)
{
  g_autofree char *parent = g_path_get_dirname (final_path);
  gboolean         new_folder = !g_file_test (parent, G_FILE_TEST_IS_DIR);
  int              saved_errno;

  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      reel_media_set_errno_error (error, errno, display_name);
      return FALSE;
    }

  /* Stored media are immutable; make accidental edits fail loudly. */
  g_chmod (temp_path, 0444);

  /* link() refuses to replace an existing name, atomically, even against
   * other processes. */
  if (link (temp_path, final_path) == 0)
    {
      flush_new_name (self, parent, new_folder);
      g_unlink (temp_path);
      return TRUE;
    }

  saved_errno = errno;
  g_mutex_lock (&self->publish_lock);

  if (saved_errno == EEXIST || g_file_test (final_path, G_FILE_TEST_EXISTS))
    {
      if (existing_file_is_intact (self, relative_path, sha256))
        {
          g_mutex_unlock (&self->publish_lock);
          g_unlink (temp_path);
          return TRUE;
        }
    }
  else if (saved_errno != EPERM && saved_errno != ENOTSUP && saved_errno != EOPNOTSUPP
           && saved_errno != EMLINK && saved_errno != ENOSYS)
    {
      g_mutex_unlock (&self->publish_lock);
      reel_media_set_errno_error (error, saved_errno, display_name);
      return FALSE;
    }

  /* No hard links here, or the file at the final name is damaged. */
  if (g_rename (temp_path, final_path) != 0)
    {
      saved_errno = errno;
      g_mutex_unlock (&self->publish_lock);
      reel_media_set_errno_error (error, saved_errno, display_name);
      return FALSE;
    }

  g_mutex_unlock (&self->publish_lock);
  flush_new_name (self, parent, new_folder);
  return TRUE;
}

/* Whether @path can be added at all, before anything is copied. */
static gboolean
check_source (const char *path, const char *display_name, GCancellable *cancellable, GError **error)
{
  if (!reel_media_ensure_gstreamer (error))
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("“%s” could not be found. It may have been moved or deleted."), display_name);
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_NOT_MEDIA,
                   _ ("“%s” is not a file. Choose a video or image file."), display_name);
      return FALSE;
    }

  return TRUE;
}

/* Renames @path to @temp_path, setting *moved. Across file systems a rename
 * cannot do that, and *temp_fd gets @temp_path open for a copy instead. */
static gboolean
move_to_temp (const char *path,
              const char *temp_path,
              gboolean   *moved,
              int        *temp_fd,
              const char *display_name,
              GError    **error)
{
  if (g_rename (path, temp_path) == 0)
    {
      *moved = TRUE;
      return TRUE;
    }

  if (errno != EXDEV)
    {
      reel_media_set_errno_error (error, errno, display_name);
      return FALSE;
    }

  *temp_fd = g_open (temp_path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
  if (*temp_fd < 0)
    {
      reel_media_set_errno_error (error, errno, display_name);
      return FALSE;
    }

  return TRUE;
}

/* What the store verified before with @sha256, if its file is still there;
 * @temp_path, a second copy of the same bytes, is then removed. */
static ReelMediaInfo *
reuse_verified (ReelMediaStore *self, const char *sha256, const char *temp_path)
{
  ReelMediaInfo *info = lookup_verified (self, self->verified, sha256);

  if (info != NULL)
    g_unlink (temp_path);

  return info;
}

/* Probes @temp_path, whose contents hash to @sha256, and publishes it under
 * the name its hash and contents call for. */
static ReelMediaInfo *
verify_and_publish (ReelMediaStore *self,
                    const char     *temp_path,
                    const char     *sha256,
                    const char     *source_extension,
                    const char     *display_name,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_autofree char *extension = NULL;
  g_autofree char *relative_path = NULL;
  g_autofree char *final_path = NULL;
  g_autoptr (ReelMediaInfo) info = NULL;

  info = reel_media_probe_file (temp_path, display_name, &extension, cancellable, error);
  if (info == NULL)
    return NULL;

  if (extension == NULL)
    extension = g_strdup (source_extension != NULL ? source_extension : "bin");

  relative_path = g_strdup_printf ("%.2s" G_DIR_SEPARATOR_S "%s.%s", sha256, sha256, extension);
  final_path = reel_media_store_get_path (self, relative_path);

  if (!publish (self, temp_path, final_path, relative_path, sha256, display_name, error))
    return NULL;

  info->sha256 = g_strdup (sha256);
  info->relative_path = g_steal_pointer (&relative_path);
  remember_verified (self, self->verified, info->sha256, info);

  return g_steal_pointer (&info);
}

ReelMediaInfo *
reel_media_store_add_file (ReelMediaStore   *self,
                           const char       *path,
                           ReelMediaAddFlags flags,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *source_extension = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *sha256 = NULL;
  ReelMediaInfo   *info;
  gboolean         move = (flags & REEL_MEDIA_ADD_MOVE) != 0;
  gboolean         moved = FALSE;
  int              temp_fd = -1;

  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  display_name = g_filename_display_basename (path);
  if (!check_source (path, display_name, cancellable, error))
    goto fail;

  source_extension = sane_extension (path);
  temp_path = create_temp_file (self, source_extension, move ? NULL : &temp_fd, error);
  if (temp_path == NULL)
    goto fail;

  if (move && !move_to_temp (path, temp_path, &moved, &temp_fd, display_name, error))
    goto fail;

  if (moved)
    {
      sha256 = hash_and_copy (temp_path, -1, display_name, cancellable, error);
      /* Bytes the store already holds need not reach the disk again. */
      if (sha256 != NULL && (info = reuse_verified (self, sha256, temp_path)) != NULL)
        return info;
      if (sha256 != NULL && !flush_file_to_disk (temp_path))
        {
          reel_media_set_errno_error (error, errno, display_name);
          goto fail;
        }
    }
  else
    {
      sha256 = hash_and_copy (path, temp_fd, display_name, cancellable, error);
      temp_fd = -1; /* closed by hash_and_copy () */
    }
  if (sha256 == NULL)
    goto fail;

  if (move && !moved)
    g_unlink (path);

  /* The same bytes were verified before and are stored intact: reuse them. */
  info = reuse_verified (self, sha256, temp_path);
  if (info == NULL)
    info = verify_and_publish (self, temp_path, sha256, source_extension, display_name, cancellable,
                               error);
  if (info == NULL)
    goto fail;

  return info;

fail:
  if (temp_fd >= 0)
    close (temp_fd);
  if (temp_path != NULL)
    g_unlink (temp_path);
  /* MOVE hands the file over for good: nothing of a refused take stays behind. */
  if (move && !moved)
    g_unlink (path);

  return NULL;
}

typedef struct
{
  char             *path;
  ReelMediaAddFlags flags;
  guint             thumbnail_width;
  ReelMediaInfo    *info;
  ReelMediaInfo    *thumbnail;
} AddFileData;

static void
add_file_data_free (gpointer data)
{
  AddFileData *add = data;

  g_free (add->path);
  g_clear_pointer (&add->info, reel_media_info_free);
  g_clear_pointer (&add->thumbnail, reel_media_info_free);
  g_free (add);
}

static void
add_file_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ReelMediaStore *self = source;
  AddFileData    *add = task_data;
  GError         *error = NULL;

  add->info = reel_media_store_add_file (self, add->path, add->flags, cancellable, &error);
  if (add->info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (add->thumbnail_width > 0 && add->info->kind == REEL_MEDIA_KIND_VIDEO)
    add->thumbnail
        = reel_media_store_add_thumbnail (self, add->info->relative_path, add->info->duration / 2,
                                          add->thumbnail_width, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

void
reel_media_store_add_file_async (ReelMediaStore     *self,
                                 const char         *path,
                                 ReelMediaAddFlags   flags,
                                 guint               thumbnail_width,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  AddFileData *add;

  g_return_if_fail (REEL_IS_MEDIA_STORE (self));
  g_return_if_fail (path != NULL);

  add = g_new0 (AddFileData, 1);
  add->path = g_strdup (path);
  add->flags = flags;
  add->thumbnail_width = thumbnail_width;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_media_store_add_file_async);
  g_task_set_task_data (task, add, add_file_data_free);
  g_task_run_in_thread (task, add_file_thread);
}

ReelMediaInfo *
reel_media_store_add_file_finish (ReelMediaStore *self,
                                  GAsyncResult   *result,
                                  ReelMediaInfo **thumbnail,
                                  GError        **error)
{
  AddFileData *add;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (thumbnail != NULL)
    *thumbnail = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  add = g_task_get_task_data (G_TASK (result));
  if (thumbnail != NULL)
    *thumbnail = g_steal_pointer (&add->thumbnail);
  return g_steal_pointer (&add->info);
}

ReelMediaInfo *
reel_media_store_add_thumbnail (ReelMediaStore *self,
                                const char     *relative_path,
                                double          at_seconds,
                                guint           max_width,
                                GCancellable   *cancellable,
                                GError        **error)
{
  g_autofree char *source_path = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *key = NULL;
  ReelMediaInfo   *info;

  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), NULL);
  g_return_val_if_fail (relative_path != NULL, NULL);

  /* Stored media never change, so neither does a thumbnail of one. */
  key = g_strdup_printf ("%s@%.3f@%u", relative_path, at_seconds, max_width);
  info = lookup_verified (self, self->thumbnails, key);
  if (info != NULL)
    return info;

  source_path = reel_media_store_get_path (self, relative_path);
  temp_path = create_temp_file (self, "png", NULL, error);
  if (temp_path == NULL)
    return NULL;

  if (!reel_media_make_thumbnail (source_path, at_seconds, max_width, temp_path, cancellable,
                                  error))
    {
      g_unlink (temp_path);
      return NULL;
    }

  info = reel_media_store_add_file (self, temp_path, REEL_MEDIA_ADD_MOVE, cancellable, error);
  if (info != NULL)
    remember_verified (self, self->thumbnails, key, info);
  return info;
}

static gboolean
relative_path_is_inside (const char *relative_path)
{
  g_auto (GStrv) parts = NULL;

  if (relative_path[0] == '\0' || g_path_is_absolute (relative_path))
    return FALSE;

  parts = g_strsplit (relative_path, G_DIR_SEPARATOR_S, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;

  return TRUE;
}

gboolean
reel_media_store_check (ReelMediaStore *self,
                        const char     *relative_path,
                        const char     *sha256,
                        GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *store_name = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  g_autoptr (GError) local_error = NULL;
  GStatBuf st;

  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);

  display_name = g_filename_display_basename (relative_path);
  store_name = g_filename_display_basename (self->path);

  if (!relative_path_is_inside (relative_path))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("“%s” is not in the project’s media folder. Import it again."),
                   relative_path);
      return FALSE;
    }

  path = reel_media_store_get_path (self, relative_path);
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_MISSING,
                   _ ("The file “%s” is missing from “%s”, the project’s media folder. Generate "
                      "or import this take again."),
                   display_name, store_name);
      return FALSE;
    }

  if (st.st_size == 0)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("The file “%s” in “%s”, the project’s media folder, is empty. Generate or "
                      "import this take again."),
                   display_name, store_name);
      return FALSE;
    }

  expected
      = sha256 != NULL ? g_ascii_strdown (sha256, -1) : sha256_from_relative_path (relative_path);
  actual = hash_and_copy (path, -1, display_name, NULL, &local_error);
  if (actual == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!g_str_equal (expected, actual))
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_DAMAGED,
                   _ ("The file “%s” in “%s”, the project’s media folder, is damaged: its "
                      "contents have changed. Generate or import this take again."),
                   display_name, store_name);
      return FALSE;
    }

  return TRUE;
}

guint
reel_media_store_remove_stale_temporaries (ReelMediaStore *self, GTimeSpan max_age)
{
  g_autofree char *temp_dir = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;
  gint64      now = g_get_real_time ();
  guint       n_removed = 0;

  g_return_val_if_fail (REEL_IS_MEDIA_STORE (self), 0);

  temp_dir = g_build_filename (self->path, TEMP_DIR_NAME, NULL);
  dir = g_dir_open (temp_dir, 0, NULL);
  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (temp_dir, name, NULL);
      GStatBuf         st;

      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (now - (gint64) st.st_mtime * G_USEC_PER_SEC < max_age)
        continue;
      if (g_unlink (path) == 0)
        n_removed++;
    }

  return n_removed;
}
