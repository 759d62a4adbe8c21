/* reel-exporter-files.c: the files a film export writes
 *
 * The film is written to a hidden temporary beside the destination,
 * reserved before any work starts. Its sidecars (SRT, WebVTT, provenance
 * JSON) are written to temporaries too, and all of them are flushed to the
 * disk and renamed into place only once every one is complete, the film
 * first: until then the previous export's film and sidecars stay untouched,
 * and a failure removes only the temporaries. The film's tags and the
 * provenance sidecar both mark AI-generated work.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "reel-captions.h"
#include "reel-durable.h"
#include "reel-exporter-private.h"

/* Bytes written into the reserved file before rendering, so a full disk is
 * found before minutes of encoding rather than after. */
#define SPACE_PROBE_BYTES (1024 * 1024)

/* The temporary film */

static void
set_write_error (GError **error, int saved_errno, const char *folder)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NO_SPACE,
                 _ ("The disk is full: there is no room for the film in “%s”. Free some space "
                    "or choose another folder."),
                 folder);
  else
    g_set_error (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NOT_WRITABLE,
                 _ ("The film cannot be written to “%s”: %s. Choose another folder."), folder,
                 g_strerror (saved_errno));
}

/* On failure errno says why: a write that stops short with no error of its
 * own has met a full disk, and errno would otherwise be left from whatever
 * failed last, anywhere. */
static gboolean
write_all (int fd, const char *data, gsize size)
{
  while (size > 0)
    {
      gssize written = write (fd, data, size);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return FALSE;
      if (written == 0)
        {
          errno = ENOSPC;
          return FALSE;
        }
      data += written;
      size -= (gsize) written;
    }
  return TRUE;
}

/* Creates ".NAME@suffix.partial-XXXXXX" beside @output_path; returns its fd
 * and sets *path, or fails with -1. */
static int
create_temporary (const char *output_path, const char *suffix, char **path, GError **error)
{
  g_autofree char *folder = g_path_get_dirname (output_path);
  g_autofree char *basename = g_path_get_basename (output_path);
  g_autofree char *name = g_strdup_printf (".%s%s.partial-XXXXXX", basename, suffix);
  int              fd;

  *path = g_build_filename (folder, name, NULL);
  fd = g_mkstemp_full (*path, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_write_error (error, errno, folder);
      g_clear_pointer (path, g_free);
    }
  return fd;
}

/* Creates the hidden temporary beside the destination, and writes a little
 * into it so that a read-only or full location fails now. */
char *
reel_exporter_reserve_temporary (const char *output_path, const char *suffix, GError **error)
{
  g_autofree char *folder = g_path_get_dirname (output_path);
  g_autofree char *path = NULL;
  g_autofree char *zeros = NULL;
  int              fd;

  fd = create_temporary (output_path, suffix, &path, error);
  if (fd < 0)
    return NULL;

  zeros = g_malloc0 (SPACE_PROBE_BYTES);
  if (!write_all (fd, zeros, SPACE_PROBE_BYTES) || fsync (fd) != 0 || ftruncate (fd, 0) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (path);
      set_write_error (error, saved_errno, folder);
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&path);
}

/* Removes what a failed export wrote: its temporaries, and nothing of a
 * previous export under the names it was to take. */
void
reel_exporter_discard_files (ReelExporter *self)
{
  const char *paths[] = { self->reserved_path, self->remux_path, self->sound_temporary };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (paths[i] != NULL && g_unlink (paths[i]) != 0 && errno != ENOENT)
      g_debug ("Cannot remove %s: %s", paths[i], g_strerror (errno));
}

/* Tags */

static char *
dup_generators (const ReelCut *cut)
{
  g_autoptr (GString) names = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (cut->items, i);
      g_autofree char   *name = NULL;

      if (!item->ai_generated || item->animatic_fallback)
        continue;
      name = item->model != NULL ? g_strdup_printf ("%s %s", item->backend, item->model)
                                 : g_strdup (item->backend);
      if (g_hash_table_contains (seen, name))
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, name);
      g_hash_table_add (seen, (gpointer) g_intern_string (name));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

GstTagList *
reel_exporter_make_tags (ReelExporter *self)
{
  GstTagList      *tags = gst_tag_list_new_empty ();
  g_autofree char *encoder = g_strdup_printf ("Storyreel %s", PACKAGE_VERSION);

  if (self->cut->title != NULL && *self->cut->title != '\0')
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_TITLE, self->cut->title, NULL);
  gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_ENCODER, encoder, GST_TAG_APPLICATION_NAME,
                    "Storyreel", NULL);

  if (reel_cut_has_ai_generated (self->cut))
    {
      g_autofree char *generators = dup_generators (self->cut);
      /* Not translated: machine-readable marks that tools search for. */
      g_autofree char *comment
          = g_strdup_printf ("AI-generated with Storyreel %s (%s)", PACKAGE_VERSION, generators);

      gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_COMMENT, comment, GST_TAG_DESCRIPTION,
                        comment, GST_TAG_KEYWORDS, "AI-generated", NULL);
    }
  return tags;
}

void
reel_exporter_apply_tags (ReelExporter *self, GstElement *muxer)
{
  if (!GST_IS_TAG_SETTER (muxer) || self->tags == NULL)
    return;
  gst_tag_setter_merge_tags (GST_TAG_SETTER (muxer), self->tags, GST_TAG_MERGE_REPLACE);
  gst_tag_setter_set_tag_merge_mode (GST_TAG_SETTER (muxer), GST_TAG_MERGE_KEEP);
}

/* Sidecars and the rename into place */

/* What the last stage writes, in a worker thread. */
typedef struct
{
  char      *output_path;
  char      *film;        /* the temporary film; NULL once renamed into place */
  GPtrArray *temporaries; /* the sidecars as written; NULL once renamed */
  GPtrArray *paths;       /* the names they take, in the same order */
} FilmFiles;

/* Whatever was not renamed into place goes: the temporary sidecars. The
 * temporary film is the exporter's, removed by reel_exporter_discard_files(). */
static void
film_files_free (FilmFiles *files)
{
  for (guint i = 0; i < files->temporaries->len; i++)
    {
      const char *temporary = g_ptr_array_index (files->temporaries, i);

      if (temporary != NULL && g_unlink (temporary) != 0)
        g_debug ("Cannot remove %s: %s", temporary, g_strerror (errno));
    }
  g_ptr_array_unref (files->temporaries);
  g_ptr_array_unref (files->paths);
  g_free (files->output_path);
  g_free (files->film);
  g_free (files);
}

/* Writes @contents, flushed to the disk, to a temporary beside the film
 * that becomes FILM@extension: FILM.mp4.srt for FILM.mp4, named after the
 * whole file, so the sidecars of FILM.webm exported into the same folder
 * do not replace them. */
static gboolean
add_sidecar (FilmFiles *files, const char *extension, const char *contents, GError **error)
{
  g_autofree char *temporary = NULL;
  int              fd = create_temporary (files->output_path, extension, &temporary, error);

  if (fd < 0)
    return FALSE;
  if (!write_all (fd, contents, strlen (contents)) || fsync (fd) != 0)
    {
      int              saved_errno = errno;
      g_autofree char *folder = g_path_get_dirname (files->output_path);

      close (fd);
      g_unlink (temporary);
      set_write_error (error, saved_errno, folder);
      return FALSE;
    }
  close (fd);
  g_ptr_array_add (files->temporaries, g_steal_pointer (&temporary));
  g_ptr_array_add (files->paths, g_strconcat (files->output_path, extension, NULL));
  return TRUE;
}

static void
add_string_or_null (JsonBuilder *builder, const char *value)
{
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
provenance_to_json (ReelExporter *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *film = g_path_get_basename (self->output_path);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "film");
  json_builder_add_string_value (builder, film);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->cut->title != NULL ? self->cut->title : "");
  json_builder_set_member_name (builder, "generator");
  json_builder_add_string_value (builder, "Storyreel " PACKAGE_VERSION);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "ai_generated");
  json_builder_add_boolean_value (builder, reel_cut_has_ai_generated (self->cut));
  json_builder_set_member_name (builder, "shots");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->cut->items->len; i++)
    {
      const ReelCutItem *item = g_ptr_array_index (self->cut->items, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "shot");
      json_builder_add_string_value (builder, item->shot_number != NULL ? item->shot_number : "");
      json_builder_set_member_name (builder, "shot_id");
      json_builder_add_int_value (builder, item->shot_id);
      json_builder_set_member_name (builder, "start");
      json_builder_add_double_value (builder, item->start);
      json_builder_set_member_name (builder, "duration");
      json_builder_add_double_value (builder, item->duration);
      json_builder_set_member_name (builder, "ai_generated");
      json_builder_add_boolean_value (builder, item->ai_generated && !item->animatic_fallback);
      json_builder_set_member_name (builder, "animatic");
      json_builder_add_boolean_value (builder, item->animatic_fallback);
      json_builder_set_member_name (builder, "take_id");
      if (item->take_id != 0)
        json_builder_add_int_value (builder, item->take_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "backend");
      add_string_or_null (builder, item->animatic_fallback ? "animatic" : item->backend);
      json_builder_set_member_name (builder, "model");
      add_string_or_null (builder, item->animatic_fallback ? NULL : item->model);
      json_builder_set_member_name (builder, "prompt");
      add_string_or_null (builder, item->animatic_fallback ? NULL : item->prompt);
      json_builder_set_member_name (builder, "seed");
      if (item->take_id != 0 && !item->animatic_fallback)
        json_builder_add_int_value (builder, item->seed);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "media_sha256");
      add_string_or_null (builder, item->animatic_fallback ? NULL : item->media_sha256);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static gboolean
write_sidecars (ReelExporter *self, FilmFiles *files, GError **error)
{
  if (self->options.caption_sidecars && self->cut->cues->len > 0)
    {
      g_autofree char *srt = reel_captions_to_srt (self->cut);
      g_autofree char *vtt = reel_captions_to_webvtt (self->cut);

      if (!add_sidecar (files, ".srt", srt, error) || !add_sidecar (files, ".vtt", vtt, error))
        return FALSE;
    }

  if (reel_cut_has_ai_generated (self->cut))
    {
      g_autofree char *json = provenance_to_json (self);

      if (!add_sidecar (files, ".provenance.json", json, error))
        return FALSE;
    }
  return TRUE;
}

/* The film first: a failure before it is in place leaves the previous
 * export whole. Each file reached the disk before its rename, and the
 * renames reach it at the end. */
static gboolean
move_into_place (FilmFiles *files, GError **error)
{
  g_autofree char *folder = g_path_get_dirname (files->output_path);

  if (!reel_durable_sync_file (files->film) || g_rename (files->film, files->output_path) != 0)
    {
      set_write_error (error, errno, folder);
      return FALSE;
    }
  g_clear_pointer (&files->film, g_free);

  for (guint i = 0; i < files->temporaries->len; i++)
    {
      if (g_rename (g_ptr_array_index (files->temporaries, i), g_ptr_array_index (files->paths, i))
          != 0)
        {
          set_write_error (error, errno, folder);
          reel_durable_sync_folder (folder);
          return FALSE;
        }
      g_clear_pointer (&g_ptr_array_index (files->temporaries, i), g_free);
    }
  reel_durable_sync_folder (folder);
  return TRUE;
}

static void
write_film_files_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  ReelExporter *self = source_object;
  FilmFiles    *files = task_data;
  GError       *error = NULL;

  /* A cancel still counts until the film replaces anything. */
  if (!write_sidecars (self, files, &error)
      || g_cancellable_set_error_if_cancelled (self->cancellable, &error)
      || !move_into_place (files, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
film_files_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReelExporter *self = REEL_EXPORTER (source);
  FilmFiles    *files = g_task_get_task_data (G_TASK (result));
  GError       *error = NULL;

  if (files->film == NULL)
    g_clear_pointer (&self->reserved_path, g_free);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      reel_exporter_fail (self, error);
      return;
    }
  for (guint i = 0; i < files->paths->len; i++)
    g_ptr_array_insert (self->sidecars, self->sidecars->len - 1,
                        g_strdup (g_ptr_array_index (files->paths, i)));
  reel_exporter_succeed (self);
}

/* Flushing a film of gigabytes to the disk takes a while: off the main
 * thread, with the pipeline stopped, so nothing else touches the files. */
void
reel_exporter_finish_film (ReelExporter *self)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, film_files_written_cb, NULL);
  FilmFiles *files = g_new0 (FilmFiles, 1);

  reel_exporter_set_stage (self, N_ ("Writing subtitles"), 1.0);
  files->output_path = g_strdup (self->output_path);
  files->film = g_strdup (self->reserved_path);
  files->temporaries = g_ptr_array_new_with_free_func (g_free);
  files->paths = g_ptr_array_new_with_free_func (g_free);
  g_task_set_source_tag (task, reel_exporter_finish_film);
  g_task_set_task_data (task, files, (GDestroyNotify) film_files_free);
  g_task_run_in_thread (task, write_film_files_thread);
}
