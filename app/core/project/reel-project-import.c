/* reel-project-import.c: media files imported as takes, music or reference images
 *
 * One path for every import: the media store copies or moves and verifies
 * the file in a worker thread, then the main thread records it in one
 * transaction, unless the import was cancelled meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>

#include "reel-project-cut.h"
#include "reel-project-import.h"
#include "reel-project-private.h"

/* As wide as the take strip shows a take. */
#define THUMBNAIL_WIDTH 320

typedef struct _Import Import;

/* Records a stored file; returns the id of what it recorded, or 0. */
typedef gint64 (*ImportRecordFunc) (ReelProject         *self,
                                    Import              *import,
                                    const ReelMediaInfo *media,
                                    const ReelMediaInfo *thumbnail,
                                    GError             **error);

struct _Import
{
  ImportRecordFunc record;
  char            *path;
  gint64           shot_id;
  ReelTake *template; /* NULL: a plain import */
};

static void
import_free (Import *import)
{
  g_free (import->path);
  g_clear_pointer (&import->template, reel_take_free);
  g_free (import);
}

ReelTake *
reel_take_new_for_media (const ReelTake      *template_or_null,
                         const ReelMediaInfo *media,
                         const ReelMediaInfo *thumbnail,
                         const char          *source_name,
                         GError             **error)
{
  ReelTake *take;

  g_return_val_if_fail (media != NULL, NULL);

  if (media->kind == REEL_MEDIA_KIND_AUDIO)
    {
      if (source_name != NULL)
        g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                     _ ("“%s” is audio; a take needs a video or a still image."), source_name);
      else
        g_set_error_literal (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                             _ ("The result is audio; a take needs a video or a still image."));
      return NULL;
    }

  take = template_or_null != NULL ? reel_take_copy (template_or_null) : g_new0 (ReelTake, 1);
  take->id = 0;
  if (take->backend == NULL)
    take->backend = g_strdup ("import");
  if (take->prompt == NULL)
    take->prompt = g_strdup (source_name);

  g_free (take->kind);
  take->kind = g_strdup (reel_media_kind_to_string (media->kind));
  take->duration = media->duration;
  take->width = media->width;
  take->height = media->height;
  take->fps = media->fps;
  g_free (take->media);
  take->media = g_strdup (media->relative_path);
  g_free (take->media_sha256);
  take->media_sha256 = g_strdup (media->sha256);
  g_free (take->thumbnail);
  take->thumbnail = g_strdup (thumbnail != NULL                      ? thumbnail->relative_path
                              : media->kind == REEL_MEDIA_KIND_IMAGE ? media->relative_path
                                                                     : NULL);
  return take;
}

/* Main thread: the file is in the store; record it. An import cancelled
 * meanwhile fails here, as the store's task shares its cancellable; what the
 * store kept then stays unused, as its files are shared and never removed one
 * by one. */
static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ReelProject *self = g_task_get_source_object (task);
  Import      *import = g_task_get_task_data (task);
  g_autoptr (ReelMediaInfo) media = NULL;
  g_autoptr (ReelMediaInfo) thumbnail = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;

  media = reel_media_store_add_file_finish (REEL_MEDIA_STORE (source), result, &thumbnail, &error);
  if (media == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  id = import->record (self, import, media, thumbnail, &error);
  if (id == 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, id);
}

/* Hands @file to the store in a worker thread; @task's callback gets the
 * id of what import->record() recorded. */
static void
import_file (
    ReelProject *self, GTask *task, Import *import, ReelMediaAddFlags flags, guint thumbnail_width)
{
  g_autoptr (ReelMediaStore) store = reel_media_store_new (self->media_dir);

  g_task_set_task_data (task, import, (GDestroyNotify) import_free);
  reel_media_store_add_file_async (store, import->path, flags, thumbnail_width,
                                   g_task_get_cancellable (task), stored_cb, g_object_ref (task));
}

static gint64
import_finish (ReelProject *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, 0);

  /* -1 with an error */
  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? (gint64) id : 0;
}

/* Takes */

static gint64
record_take (ReelProject         *self,
             Import              *import,
             const ReelMediaInfo *media,
             const ReelMediaInfo *thumbnail,
             GError             **error)
{
  g_autofree char *basename = g_path_get_basename (import->path);
  g_autoptr (ReelTake) take = NULL;

  take = reel_take_new_for_media (import->template, media, thumbnail, basename, error);
  if (take == NULL)
    return 0;
  take->shot_id = import->shot_id;
  if (!reel_project_add_take (self, take, error))
    return 0;
  return take->id;
}

void
reel_project_import_take_async (ReelProject        *self,
                                gint64              shot_id,
                                GFile              *file,
                                const ReelTake     *template_or_null,
                                ReelMediaAddFlags   flags,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  Import *import;

  g_return_if_fail (REEL_IS_PROJECT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_project_import_take_async);

  if (g_file_peek_path (file) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("Only local files can be imported as takes."));
      return;
    }
  if (reel_project_lookup_shot (self, shot_id) == NULL)
    {
      g_task_return_new_error (task, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                               _ ("There is no shot %" PRId64 " in this project."), shot_id);
      return;
    }

  import = g_new0 (Import, 1);
  import->record = record_take;
  import->path = g_file_get_path (file);
  import->shot_id = shot_id;
  import->template = template_or_null != NULL ? reel_take_copy (template_or_null) : NULL;
  import_file (self, task, import, flags, THUMBNAIL_WIDTH);
}

gint64
reel_project_import_take_finish (ReelProject *self, GAsyncResult *result, GError **error)
{
  return import_finish (self, result, reel_project_import_take_async, error);
}

/* A frame as the board */

typedef struct
{
  gint64 shot_id;
  char  *media_path; /* the take's file */
  double at_seconds;
  char  *frame_path; /* the PNG, in the store's temporaries */
  ReelTake *template;
} FrameImport;

static void
frame_import_free (FrameImport *frame)
{
  g_free (frame->media_path);
  g_free (frame->frame_path);
  g_clear_pointer (&frame->template, reel_take_free);
  g_free (frame);
}

/* Worker: the frame, as a full-size PNG among the store's temporaries,
 * which the store then moves into place like a worker's output. */
static void
write_frame_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  FrameImport *frame = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaStore) store
      = reel_media_store_new (reel_project_get_media_dir (REEL_PROJECT (source)));

  frame->frame_path = reel_media_store_new_temp_path (store, "png", &error);
  if (frame->frame_path == NULL
      || !reel_media_make_thumbnail (frame->media_path, frame->at_seconds, 0, frame->frame_path,
                                     cancellable, &error))
    {
      if (frame->frame_path != NULL)
        g_unlink (frame->frame_path);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
frame_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ReelProject *self = REEL_PROJECT (source);
  FrameImport *frame = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  Import *import;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A still becomes the shot's board: the start image of image-to-video. */
  import = g_new0 (Import, 1);
  import->record = record_take;
  import->path = g_steal_pointer (&frame->frame_path);
  import->shot_id = frame->shot_id;
  import->template = g_steal_pointer (&frame->template);
  import_file (self, task, import, REEL_MEDIA_ADD_MOVE, THUMBNAIL_WIDTH);
}

void
reel_project_import_frame_async (ReelProject        *self,
                                 gint64              shot_id,
                                 gint64              take_id,
                                 double              at_seconds,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) writer = NULL;
  g_autoptr (ReelTake) take = NULL;
  FrameImport *frame;

  g_return_if_fail (REEL_IS_PROJECT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_project_import_frame_async);

  take = reel_project_get_take (self, take_id);
  if (reel_project_lookup_shot (self, shot_id) == NULL || take == NULL || take->media == NULL)
    {
      g_task_return_new_error (task, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                               _ ("The take to take a frame from is gone."));
      return;
    }

  frame = g_new0 (FrameImport, 1);
  frame->shot_id = shot_id;
  frame->media_path = reel_project_get_media_path (self, take->media);
  frame->at_seconds = MAX (at_seconds, 0.0);
  frame->template = g_new0 (ReelTake, 1);
  frame->template->backend = g_strdup ("import");
  frame->template->prompt
      = at_seconds >= take->duration && take->duration > 0
            /* Translators: what a frame taken from a take is called in the take strip */
            ? g_strdup_printf (_ ("Last frame of take %u"), take->number)
            /* Translators: "Frame at 2.4 s of take 3" */
            : g_strdup_printf (_ ("Frame at %.1f s of take %u"), frame->at_seconds, take->number);

  writer = g_task_new (self, cancellable, frame_written_cb, g_object_ref (task));
  g_task_set_task_data (writer, frame, (GDestroyNotify) frame_import_free);
  g_task_run_in_thread (writer, write_frame_thread);
}

gint64
reel_project_import_frame_finish (ReelProject *self, GAsyncResult *result, GError **error)
{
  return import_finish (self, result, reel_project_import_frame_async, error);
}

/* Music */

static gint64
record_music (ReelProject         *self,
              Import              *import,
              const ReelMediaInfo *media,
              const ReelMediaInfo *thumbnail,
              GError             **error)
{
  g_autofree char *basename = NULL;
  g_autofree char *name = NULL;

  if (media->kind != REEL_MEDIA_KIND_AUDIO && !media->has_audio)
    {
      g_set_error (error, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                   _ ("The file has no sound. Choose an audio file such as MP3, OGG, "
                      "FLAC or WAV."));
      return 0;
    }

  basename = g_path_get_basename (import->path);
  name = g_filename_display_name (basename);
  return reel_project_add_music (self, media->relative_path, name, error);
}

void
reel_project_import_music_async (ReelProject        *self,
                                 GFile              *file,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  Import *import;

  g_return_if_fail (REEL_IS_PROJECT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_project_import_music_async);

  if (g_file_peek_path (file) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("Only local files can be added as music."));
      return;
    }

  import = g_new0 (Import, 1);
  import->record = record_music;
  import->path = g_file_get_path (file);
  /* Music needs no thumbnail. */
  import_file (self, task, import, REEL_MEDIA_ADD_COPY, 0);
}

gint64
reel_project_import_music_finish (ReelProject *self, GAsyncResult *result, GError **error)
{
  return import_finish (self, result, reel_project_import_music_async, error);
}

/* Reference images: stored, not recorded; the character sheet saves the path. */

static void
reference_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (ReelMediaInfo) media = NULL;
  g_autoptr (GError) error = NULL;

  media = reel_media_store_add_file_finish (REEL_MEDIA_STORE (source), result, NULL, &error);
  if (media == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (media->kind != REEL_MEDIA_KIND_IMAGE)
    g_task_return_new_error (task, REEL_MEDIA_ERROR, REEL_MEDIA_ERROR_UNSUPPORTED,
                             _ ("A reference image must be a still picture: PNG, JPEG or WebP."));
  else
    g_task_return_pointer (task, g_strdup (media->relative_path), g_free);
}

void
reel_project_import_reference_image_async (ReelProject        *self,
                                           GFile              *file,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (ReelMediaStore) store = NULL;

  g_return_if_fail (REEL_IS_PROJECT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_project_import_reference_image_async);

  if (g_file_peek_path (file) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("Only local files can be reference images."));
      return;
    }

  store = reel_media_store_new (self->media_dir);
  reel_media_store_add_file_async (store, g_file_peek_path (file), REEL_MEDIA_ADD_COPY, 0,
                                   cancellable, reference_stored_cb, g_object_ref (task));
}

char *
reel_project_import_reference_image_finish (ReelProject *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == reel_project_import_reference_image_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
