/* reel-library-use.c: keeping a project's take, and using items in a project
 *
 * Keeping a take reads what the library needs of the project on the calling
 * (main) thread, copies the files and reads the shot's text in a worker, and
 * records the item back on the calling thread, which owns the connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "reel-library-private.h"
#include "reel-project-import.h"
#include "reel-project.h"

/* As wide as the take strip shows a take. */
#define THUMBNAIL_WIDTH 320
/* How much of a shot's text names a kept take. */
#define NAME_CHARS 80

/* What keeping a take needs, read from the project on its thread. */
typedef struct
{
  ReelShotReader  *reader;
  ReelMediaStore  *store;
  char            *media_path;
  char            *thumbnail_path; /* or NULL */
  char            *text;
  char            *heading;
  GStrv            known_characters;
  GStrv            speakers;
  ReelLibraryItem *item;
} KeepTake;

static void
keep_take_free (KeepTake *keep)
{
  g_clear_object (&keep->reader);
  g_clear_object (&keep->store);
  g_free (keep->media_path);
  g_free (keep->thumbnail_path);
  g_free (keep->text);
  g_free (keep->heading);
  g_strfreev (keep->known_characters);
  g_strfreev (keep->speakers);
  g_clear_pointer (&keep->item, reel_library_item_free);
  g_free (keep);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeepTake, keep_take_free)

static char *
shorten_name (const char *text)
{
  g_autofree char *line = g_strndup (text, strcspn (text, "\n"));
  g_autofree char *stripped = g_strstrip (g_strdup (line));

  if (g_utf8_strlen (stripped, -1) <= NAME_CHARS)
    return g_steal_pointer (&stripped);
  g_utf8_strncpy (stripped, line, NAME_CHARS - 1);
  return g_strconcat (g_strstrip (stripped), "…", NULL);
}

static GStrv
project_character_names (ReelProject *project)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (project);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < characters->len; i++)
    g_strv_builder_add (names, ((ReelCharacter *) g_ptr_array_index (characters, i))->name);
  return g_strv_builder_end (names);
}

static GStrv
shot_speakers (ReelShot *shot)
{
  GPtrArray *captions = reel_shot_get_captions (shot);
  g_autoptr (GStrvBuilder) speakers = g_strv_builder_new ();

  for (guint i = 0; captions != NULL && i < captions->len; i++)
    {
      ReelCaption *caption = g_ptr_array_index (captions, i);

      if (caption->speaker != NULL && *caption->speaker != '\0')
        g_strv_builder_add (speakers, caption->speaker);
    }
  return g_strv_builder_end (speakers);
}

/* Reads on the project's thread what the worker needs. */
static KeepTake *
keep_take_new (ReelLibrary *self, ReelProject *project, gint64 take_id, GError **error)
{
  g_autoptr (KeepTake) keep = g_new0 (KeepTake, 1);
  g_autoptr (ReelTake) take = reel_project_get_take (project, take_id);
  ReelShotReader  *reader;
  ReelShot        *shot;
  ReelLibraryItem *item;

  if (take == NULL || take->media == NULL
      || (shot = reel_project_lookup_shot (project, take->shot_id)) == NULL)
    {
      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_NOT_FOUND,
                   _ ("The project has no take %" PRId64 " to keep."), take_id);
      return NULL;
    }
  if ((reader = reel_library_get_reader (self, error)) == NULL)
    return NULL;

  keep->reader = g_object_ref (reader);
  keep->store = g_object_ref (self->store);
  keep->media_path = reel_project_get_media_path (project, take->media);
  if (take->thumbnail != NULL && g_strcmp0 (take->thumbnail, take->media) != 0)
    keep->thumbnail_path = reel_project_get_media_path (project, take->thumbnail);
  keep->text = g_strdup (reel_shot_get_text (shot));
  keep->heading = g_strdup (reel_shot_get_scene_heading (shot));
  keep->known_characters = project_character_names (project);
  keep->speakers = shot_speakers (shot);

  keep->item = item = reel_library_item_new (REEL_LIBRARY_KIND_TAKE);
  item->name = shorten_name (keep->text);
  if (*item->name == '\0')
    {
      g_free (item->name);
      item->name = g_strdup (_ ("Untitled take"));
    }
  item->description = g_strdup (take->prompt);
  item->backend = g_strdup (take->backend);
  item->model = g_strdup (take->model);
  item->seed = take->seed;
  item->duration = take->duration;
  item->source_project = g_strdup (reel_project_get_title (project));
  return g_steal_pointer (&keep);
}

static GStrv
join_words (const char *const *a, const char *const *b, const char *c)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *const *lists[] = { a, b };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      if (g_hash_table_add (seen, (gpointer) lists[l][i]))
        g_strv_builder_add (builder, lists[l][i]);
  if (c != NULL && g_hash_table_add (seen, (gpointer) c))
    g_strv_builder_add (builder, c);
  return g_strv_builder_end (builder);
}

/* Tags from the shot understanding: themes are its mood, style and time of
 * day; characters the people and things in it and who speaks; the setting
 * where it happens. */
static void
tag_take (KeepTake *keep)
{
  ReelLibraryItem *item = keep->item;
  g_autoptr (ReelShotReading) reading = reel_shot_reader_read (
      keep->reader, keep->text, keep->heading, (const char *const *) keep->known_characters);
  const char *setting = reel_shot_reading_get_setting (reading);

  g_strfreev (item->themes);
  item->themes
      = join_words (reel_shot_reading_get_mood (reading), reel_shot_reading_get_style (reading),
                    reel_shot_reading_get_time_of_day (reading));
  g_strfreev (item->characters);
  item->characters = join_words (reel_shot_reading_get_subjects (reading),
                                 (const char *const *) keep->speakers, NULL);
  g_strfreev (item->settings);
  item->settings = join_words (NULL, NULL, setting);
}

/* Worker: copies the take's files into the library's store. */
static gboolean
store_take (KeepTake *keep, GCancellable *cancellable, GError **error)
{
  ReelLibraryItem *item = keep->item;
  g_autoptr (ReelMediaInfo) media = NULL;
  g_autoptr (ReelMediaInfo) thumbnail = NULL;

  tag_take (keep);
  media = reel_media_store_add_file (keep->store, keep->media_path, REEL_MEDIA_ADD_COPY,
                                     cancellable, error);
  if (media == NULL)
    return FALSE;
  if (keep->thumbnail_path != NULL)
    thumbnail = reel_media_store_add_file (keep->store, keep->thumbnail_path, REEL_MEDIA_ADD_COPY,
                                           cancellable, NULL);
  if (thumbnail == NULL && media->kind == REEL_MEDIA_KIND_VIDEO)
    thumbnail = reel_media_store_add_thumbnail (
        keep->store, media->relative_path, media->duration / 2, THUMBNAIL_WIDTH, cancellable, NULL);
  item->media = g_strdup (media->relative_path);
  item->media_sha256 = g_strdup (media->sha256);
  item->media_kind = g_strdup (reel_media_kind_to_string (media->kind));
  item->thumbnail = g_strdup (thumbnail != NULL                      ? thumbnail->relative_path
                              : media->kind == REEL_MEDIA_KIND_IMAGE ? media->relative_path
                                                                     : NULL);
  if (media->duration > 0)
    item->duration = media->duration;
  return TRUE;
}

gint64
reel_library_add_take (ReelLibrary  *self,
                       ReelProject  *project,
                       gint64        take_id,
                       GCancellable *cancellable,
                       GError      **error)
{
  g_autoptr (KeepTake) keep = NULL;

  g_return_val_if_fail (REEL_IS_LIBRARY (self), 0);
  g_return_val_if_fail (REEL_IS_PROJECT (project), 0);

  keep = keep_take_new (self, project, take_id, error);
  if (keep == NULL || !store_take (keep, cancellable, error)
      || !reel_library_insert_item (self, keep->item, error))
    return 0;
  return keep->item->id;
}

static void
store_take_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (store_take (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
reel_library_add_take_async (ReelLibrary        *self,
                             ReelProject        *project,
                             gint64              take_id,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  GError   *error = NULL;
  KeepTake *keep;

  g_return_if_fail (REEL_IS_LIBRARY (self));
  g_return_if_fail (REEL_IS_PROJECT (project));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_library_add_take_async);
  keep = keep_take_new (self, project, take_id, &error);
  if (keep == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, keep, (GDestroyNotify) keep_take_free);
  g_task_run_in_thread (task, store_take_thread);
}

gint64
reel_library_add_take_finish (ReelLibrary *self, GAsyncResult *result, GError **error)
{
  KeepTake *keep;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;
  /* Recorded here, on the thread that owns the connection. */
  keep = g_task_get_task_data (G_TASK (result));
  if (!reel_library_insert_item (self, keep->item, error))
    return 0;
  return keep->item->id;
}

/* ------------------------------------------------------------------------ */
/* Using an item in a project                                                */

/* A character sheet as the project's character, with its aliases, voice
 * and picture (@reference_image, a media path of the project, or NULL to
 * keep the picture an existing character has); an existing character of the
 * same name takes the sheet's looks. */
static gint64
use_character (ReelProject           *project,
               const ReelLibraryItem *item,
               const char            *reference_image,
               GError               **error)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (project);
  ReelCharacter character = {
    .name = item->name,
    .description = item->description,
    .aliases = item->aliases,
    .voice = item->voice,
    .reference_image = (char *) reference_image,
  };

  for (guint i = 0; i < characters->len; i++)
    {
      const ReelCharacter *existing = g_ptr_array_index (characters, i);

      if (g_strcmp0 (existing->name, item->name) == 0)
        {
          character.id = existing->id;
          character.pronoun = existing->pronoun;
          if (reference_image == NULL)
            character.reference_image = existing->reference_image;
        }
    }
  return reel_project_save_character (project, &character, error);
}

static void
picture_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autofree char *picture = NULL;
  ReelLibraryItem *item = g_task_get_task_data (task);
  GError          *error = NULL;
  gint64           id;

  picture = reel_project_import_reference_image_finish (REEL_PROJECT (source), result, &error);
  if (picture == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Saved here, on the thread that owns the project. */
  if ((id = use_character (REEL_PROJECT (source), item, picture, &error)) == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, id);
}

/* The sheet's picture is copied into the project's media first, by the
 * project's import, which probes it in a worker: the project's character
 * then has it as its reference image, which makes its shots start from it. */
static void
use_character_with_picture (ReelLibrary     *self,
                            GTask           *task,
                            ReelLibraryItem *item,
                            ReelProject     *project)
{
  g_autofree char *path = reel_media_store_get_path (self->store, item->media);
  g_autoptr (GFile) file = g_file_new_for_path (path);

  g_task_set_task_data (task, item, (GDestroyNotify) reel_library_item_free);
  reel_project_import_reference_image_async (project, file, g_task_get_cancellable (task),
                                             picture_imported_cb, g_object_ref (task));
}

static void
take_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  gint64  id = reel_project_import_take_finish (REEL_PROJECT (source), result, &error);

  if (id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, id);
}

/* The project's import copies and verifies the file in its own worker. */
static void
use_take (ReelLibrary           *self,
          GTask                 *task,
          const ReelLibraryItem *item,
          ReelProject           *project,
          gint64                 shot_id)
{
  g_autofree char *path = reel_media_store_get_path (self->store, item->media);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  ReelTake template = {
    .backend = item->backend,
    .model = item->model,
    .prompt = item->description,
    .seed = item->seed,
  };

  if (reel_project_lookup_shot (project, shot_id) == NULL)
    {
      g_task_return_new_error (task, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_NOT_FOUND,
                               _ ("Choose the shot that should get the take."));
      return;
    }
  reel_project_import_take_async (project, shot_id, file, &template, REEL_MEDIA_ADD_COPY,
                                  g_task_get_cancellable (task), take_imported_cb,
                                  g_object_ref (task));
}

void
reel_library_use_async (ReelLibrary        *self,
                        gint64              item_id,
                        ReelProject        *project,
                        gint64              shot_id,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (ReelLibraryItem) item = NULL;
  GError *error = NULL;
  gint64  id = 0;

  g_return_if_fail (REEL_IS_LIBRARY (self));
  g_return_if_fail (REEL_IS_PROJECT (project));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_library_use_async);
  if ((item = reel_library_get_item (self, item_id, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  switch (item->kind)
    {
      case REEL_LIBRARY_KIND_TAKE:
        use_take (self, task, item, project, shot_id);
        return;
      case REEL_LIBRARY_KIND_CHARACTER:
        if (item->media != NULL && *item->media != '\0')
          {
            use_character_with_picture (self, task, g_steal_pointer (&item), project);
            return;
          }
        id = use_character (project, item, NULL, &error);
        break;
      case REEL_LIBRARY_KIND_STYLE:
        id = reel_project_add_style (project, item->name, item->description, &error);
        break;
      case REEL_LIBRARY_KIND_ANY:
      default:
        g_assert_not_reached ();
    }
  if (id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, id);
}

gint64
reel_library_use_finish (ReelLibrary *self, GAsyncResult *result, GError **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? (gint64) id : 0;
}
