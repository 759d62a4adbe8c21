/* reel-film-batch.c: one film per row of a table: naming and planning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-batch"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "reel-film-batch-private.h"
#include "reel-media-store.h"

G_DEFINE_FINAL_TYPE (ReelFilmBatch, reel_film_batch, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROGRESS,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint reel_film_batch_signals[N_SIGNALS];

GQuark
reel_film_batch_error_quark (void)
{
  return g_quark_from_static_string ("reel-film-batch-error-quark");
}

static void
missing_shot_free (MissingShot *shot)
{
  g_free (shot->number);
  g_free (shot->key);
  g_free (shot);
}

static void
film_row_free (FilmRow *row)
{
  g_free (row->film_path);
  g_free (row->project_path);
  g_clear_pointer (&row->missing, g_ptr_array_unref);
  g_free (row);
}

static void
donor_free (Donor *donor)
{
  g_free (donor->media_path);
  g_clear_pointer (&donor->take, reel_take_free);
  g_free (donor);
}

static void
reel_film_batch_finalize (GObject *object)
{
  ReelFilmBatch *self = REEL_FILM_BATCH (object);

  if (self->scheduler_destroy != NULL)
    self->scheduler_destroy (self->scheduler_data);
  g_free (self->script);
  g_clear_pointer (&self->table, reel_csv_free);
  g_free (self->projects_dir);
  g_clear_pointer (&self->options, reel_export_options_free);
  g_free (self->backend);
  g_free (self->currency);
  g_clear_object (&self->template);
  g_free (self->model);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->donors, g_hash_table_unref);
  g_free (self->status);
  if (self->shot_failures != NULL)
    g_string_free (self->shot_failures, TRUE);

  G_OBJECT_CLASS (reel_film_batch_parent_class)->finalize (object);
}

static void
reel_film_batch_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelFilmBatch *self = REEL_FILM_BATCH (object);

  switch (prop_id)
    {
      case PROP_PROGRESS:
        g_value_set_double (value, self->progress);
        break;
      case PROP_STATUS:
        g_value_set_string (value, self->status);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_film_batch_class_init (ReelFilmBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reel_film_batch_finalize;
  object_class->get_property = reel_film_batch_get_property;

  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS]
      = g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (row, film path, GError or NULL) */
  reel_film_batch_signals[FILM_FINISHED]
      = g_signal_new ("film-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
reel_film_batch_init (ReelFilmBatch *self)
{
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) film_row_free);
  self->donors
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) donor_free);
}

/* Names */

/* @value as part of a file name: no folder separators, nothing that Windows
 * or a shell finds awkward, no hidden-file dot, and not too long. */
static char *
sanitize_name (const char *value)
{
  g_autoptr (GString) name = g_string_new (NULL);
  g_autofree char *trimmed = NULL;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c < 0x80 && strchr ("/\\:*?\"<>|", (int) c) != NULL))
        g_string_append_c (name, '_');
      else
        g_string_append_unichar (name, c);
    }
  trimmed = g_strstrip (g_string_free (g_steal_pointer (&name), FALSE));
  if (g_utf8_strlen (trimmed, -1) > 60)
    {
      char *shorter = g_utf8_substring (trimmed, 0, 60);

      g_free (trimmed);
      trimmed = shorter;
    }
  /* No hidden file, and no dot before the extension's own. */
  while (trimmed[0] == '.' || trimmed[0] == ' ')
    memmove (trimmed, trimmed + 1, strlen (trimmed));
  for (gsize len = strlen (trimmed);
       len > 0 && (trimmed[len - 1] == '.' || trimmed[len - 1] == ' '); len--)
    trimmed[len - 1] = '\0';
  return g_steal_pointer (&trimmed);
}

/* "03-Alice" for row 2 (from 0) by its name, "03" without one; the number
 * keeps films in the table's order and names unique. */
static char *
film_name (ReelCsv *table, int name_column, guint row)
{
  guint            width = 1, n = reel_csv_get_n_rows (table);
  g_autofree char *name = NULL;

  for (; n >= 10; n /= 10)
    width++;
  width = MAX (width, 2);
  if (name_column >= 0)
    name = sanitize_name (reel_csv_get_value (table, row, name_column));
  if (name == NULL || name[0] == '\0')
    return g_strdup_printf ("%0*u", (int) width, row + 1);
  return g_strdup_printf ("%0*u-%s", (int) width, row + 1, name);
}

static int
find_name_column (ReelCsv *table, const char *name_column, GError **error)
{
  int column;

  if (name_column == NULL)
    return reel_csv_find_column (table, "name");
  if (name_column[0] == '\0')
    return -1;
  column = reel_csv_find_column (table, name_column);
  if (column < 0)
    g_set_error (error, REEL_FILM_BATCH_ERROR, REEL_FILM_BATCH_ERROR_NAME_COLUMN,
                 _ ("The table has no column called “%s” to name the films by."), name_column);
  return column;
}

/* A seed of the script's own, so that the same script makes the same shots
 * in every row and every run. */
static gint64
seed_for_script (const char *script)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, script, -1);

  digest[7] = '\0';
  return (gint64) (g_ascii_strtoull (digest, NULL, 16) % (G_MAXINT32 - 1)) + 1;
}

ReelFilmBatch *
reel_film_batch_new (const char              *script,
                     ReelCsv                 *table,
                     const char              *name_column,
                     const char              *projects_dir,
                     const char              *films_dir,
                     const ReelExportOptions *options,
                     GError                 **error)
{
  g_autoptr (ReelFilmBatch) self = g_object_new (REEL_TYPE_FILM_BATCH, NULL);
  const char *extension = reel_export_format_to_string (options->format);
  int         column;

  self->table = table;
  self->script = g_strdup (script);
  self->projects_dir = g_strdup (projects_dir);
  self->options = reel_export_options_copy (options);
  self->seed = seed_for_script (script);
  if (reel_csv_get_n_rows (table) == 0)
    {
      g_set_error (error, REEL_FILM_BATCH_ERROR, REEL_FILM_BATCH_ERROR_NO_ROWS,
                   _ ("The table has no rows below its header, so there is no film to make."));
      return NULL;
    }
  column = find_name_column (table, name_column, error);
  if (column < 0 && name_column != NULL && name_column[0] != '\0')
    return NULL;

  for (guint i = 0; i < reel_csv_get_n_rows (table); i++)
    {
      FilmRow         *row = g_new0 (FilmRow, 1);
      g_autofree char *name = film_name (table, column, i);
      g_autofree char *film = g_strdup_printf ("%s.%s", name, extension);
      g_autofree char *project = g_strdup_printf ("%s.storyreel", name);

      row->film_path = g_build_filename (films_dir, film, NULL);
      row->project_path = g_build_filename (projects_dir, project, NULL);
      row->missing = g_ptr_array_new_with_free_func ((GDestroyNotify) missing_shot_free);
      g_ptr_array_add (self->rows, row);
    }
  return g_steal_pointer (&self);
}

void
reel_film_batch_set_scheduler_func (ReelFilmBatch             *self,
                                    ReelFilmBatchSchedulerFunc func,
                                    gpointer                   user_data,
                                    GDestroyNotify             destroy)
{
  g_return_if_fail (REEL_IS_FILM_BATCH (self));

  if (self->scheduler_destroy != NULL)
    self->scheduler_destroy (self->scheduler_data);
  self->scheduler_func = func;
  self->scheduler_data = user_data;
  self->scheduler_destroy = destroy;
}

void
reel_film_batch_set_backend (ReelFilmBatch *self, const char *backend, const char *model)
{
  g_return_if_fail (REEL_IS_FILM_BATCH (self));

  g_free (self->backend);
  self->backend = g_strdup (backend);
  g_free (self->model);
  self->model = g_strdup (model);
}

void
reel_film_batch_set_settings_from (ReelFilmBatch *self, ReelProject *project)
{
  g_return_if_fail (REEL_IS_FILM_BATCH (self));

  reel_project_get_resolution (project, &self->width, &self->height);
  self->fps = reel_project_get_fps (project);
  self->shot_duration = reel_project_get_default_shot_duration (project);
  g_set_object (&self->template, project);
}

ReelCsv *
reel_film_batch_get_table (ReelFilmBatch *self)
{
  return self->table;
}

guint
reel_film_batch_get_n_films (ReelFilmBatch *self)
{
  return self->rows->len;
}

const char *
reel_film_batch_get_film_path (ReelFilmBatch *self, guint row)
{
  g_return_val_if_fail (row < self->rows->len, NULL);
  return ((FilmRow *) g_ptr_array_index (self->rows, row))->film_path;
}

gint64
reel_film_batch_get_seed (ReelFilmBatch *self)
{
  return self->seed;
}

double
reel_film_batch_get_progress (ReelFilmBatch *self)
{
  return self->progress;
}

const char *
reel_film_batch_get_status (ReelFilmBatch *self)
{
  return self->status;
}

void
reel_film_batch_set_progress (ReelFilmBatch *self, double progress, const char *status)
{
  guint n = self->rows->len;

  /* Progress of the current film, spread over the whole batch. */
  self->progress = CLAMP ((self->current + progress) / n, 0, 1);
  if (status != NULL)
    {
      g_free (self->status);
      self->status
          = g_strdup_printf (_ ("Film %u of %u: %s"), MIN (self->current + 1, n), n, status);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  if (status != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/* Planning */

ReelScheduler *
reel_film_batch_make_scheduler (ReelFilmBatch *self, ReelProject *project, GError **error)
{
  ReelScheduler *scheduler;

  if (self->scheduler_func != NULL)
    return self->scheduler_func (project, self->scheduler_data, error);
  scheduler = reel_scheduler_new (project);
  reel_scheduler_add_default_backends (scheduler);
  return scheduler;
}

ReelGenerateOptions
reel_film_batch_generate_options (ReelFilmBatch *self)
{
  return (
      ReelGenerateOptions){ .backend = self->backend, .model = self->model, .seed = self->seed };
}

char *
reel_film_batch_request_key (const ReelJobRequest *request)
{
  g_autoptr (ReelJobRequest) copy = reel_job_request_copy (request);
  g_autofree char *json = NULL;

  /* Each film's project numbers its shots, and keeps its images in its own
   * media store, named by their content. */
  copy->shot_id = 0;
  if (request->start_image != NULL)
    {
      g_free (copy->start_image);
      copy->start_image = g_path_get_basename (request->start_image);
    }
  if (request->end_image != NULL)
    {
      g_free (copy->end_image);
      copy->end_image = g_path_get_basename (request->end_image);
    }
  json = reel_job_request_to_json (copy);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, json, -1);
}

/* The template's prompt craft, read on the main thread, which owns the
 * template, so that a worker can give it to each row's project. */
typedef struct
{
  GPtrArray *characters; /* ReelCharacter, each picture an absolute path */
  GPtrArray *styles;     /* ReelStyle */
  char      *style;
  char      *negative;
  char      *template_text;
  ReelLogo  *logo; /* the template's brand logo, its path absolute */
} PromptCraft;

static void
prompt_craft_free (PromptCraft *craft)
{
  g_clear_pointer (&craft->characters, g_ptr_array_unref);
  g_clear_pointer (&craft->styles, g_ptr_array_unref);
  g_free (craft->style);
  g_free (craft->negative);
  g_free (craft->template_text);
  g_clear_pointer (&craft->logo, reel_logo_free);
  g_free (craft);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PromptCraft, prompt_craft_free)

static PromptCraft *
prompt_craft_new (ReelProject *template)
{
  PromptCraft *craft = g_new0 (PromptCraft, 1);

  craft->logo = reel_project_dup_logo (template);

  craft->characters = reel_project_list_characters (template);
  for (guint i = 0; i < craft->characters->len; i++)
    {
      ReelCharacter *character = g_ptr_array_index (craft->characters, i);
      char          *media = character->reference_image;

      if (media != NULL)
        {
          character->reference_image = reel_project_get_media_path (template, media);
          g_free (media);
        }
    }
  craft->styles = reel_project_list_styles (template);
  craft->style = reel_project_dup_style (template);
  craft->negative = reel_project_dup_negative_prompt (template);
  craft->template_text = reel_project_dup_prompt_template (template);
  return craft;
}

/* What planning finds: made by a worker, handed to the batch on its own
 * thread. */
typedef struct
{
  ReelFilmBatch *batch;
  PromptCraft   *craft;   /* NULL: the rows keep their own */
  GPtrArray     *missing; /* for each row, its MissingShots */
  GHashTable    *donors;  /* request key → Donor */
  char          *currency;
  GMainContext  *context; /* where progress is reported, NULL: right away */
} Plan;

static void
plan_free (Plan *plan)
{
  g_clear_object (&plan->batch);
  g_clear_pointer (&plan->craft, prompt_craft_free);
  g_clear_pointer (&plan->missing, g_ptr_array_unref);
  g_clear_pointer (&plan->donors, g_hash_table_unref);
  g_free (plan->currency);
  g_clear_pointer (&plan->context, g_main_context_unref);
  g_free (plan);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

/* Reads what a worker needs, on the thread that owns the template.
 * @in_worker: whether progress goes back to this thread. */
static Plan *
plan_new (ReelFilmBatch *self, gboolean in_worker)
{
  Plan *plan = g_new0 (Plan, 1);

  plan->batch = g_object_ref (self);
  if (self->template != NULL)
    plan->craft = prompt_craft_new (self->template);
  plan->missing = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  plan->donors
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) donor_free);
  if (in_worker)
    plan->context = g_main_context_ref_thread_default ();
  return plan;
}

static void
add_donor (GHashTable *donors, const char *key, ReelProject *project, gint64 take_id)
{
  g_autoptr (ReelTake) take = NULL;
  Donor *donor;

  if (g_hash_table_contains (donors, key)
      || (take = reel_project_get_take (project, take_id)) == NULL)
    return;
  donor = g_new0 (Donor, 1);
  donor->media_path = reel_project_get_media_path (project, take->media);
  donor->take = g_steal_pointer (&take);
  g_hash_table_insert (donors, g_strdup (key), donor);
}

void
reel_film_batch_add_donor (ReelFilmBatch *self,
                           const char    *key,
                           ReelProject   *project,
                           gint64         take_id)
{
  add_donor (self->donors, key, project, take_id);
}

/* The template's own styles, by name, in @row. */
static gboolean
copy_styles (GPtrArray *wanted, ReelProject *row, GError **error)
{
  g_autoptr (GPtrArray) have = reel_project_list_styles (row);

  for (guint i = 0; i < wanted->len; i++)
    {
      const ReelStyle *style = g_ptr_array_index (wanted, i);
      const ReelStyle *mine = NULL;

      for (guint j = 0; j < have->len && mine == NULL; j++)
        if (g_strcmp0 (((ReelStyle *) have->pdata[j])->name, style->name) == 0)
          mine = have->pdata[j];
      if (mine == NULL && reel_project_add_style (row, style->name, style->prompt, error) == 0)
        return FALSE;
      if (mine != NULL && g_strcmp0 (mine->prompt, style->prompt) != 0
          && !reel_project_update_style (row, mine->id, style->name, style->prompt, error))
        return FALSE;
    }
  return TRUE;
}

/* @character of the template as a sheet of @row, whose character of the
 * same name it replaces; its picture is copied into @row's media. */
static gboolean
copy_character (ReelProject         *row,
                const ReelCharacter *character,
                GPtrArray           *have,
                GCancellable        *cancellable,
                GError             **error)
{
  ReelCharacter copy = *character;
  g_autoptr (ReelMediaInfo) picture = NULL;

  copy.id = 0;
  for (guint j = 0; j < have->len; j++)
    if (g_strcmp0 (((ReelCharacter *) have->pdata[j])->name, character->name) == 0)
      copy.id = ((ReelCharacter *) have->pdata[j])->id;
  if (character->reference_image != NULL)
    {
      g_autoptr (ReelMediaStore) store = reel_media_store_new (reel_project_get_media_dir (row));

      if ((picture = reel_media_store_add_file (store, character->reference_image,
                                                REEL_MEDIA_ADD_COPY, cancellable, error))
          == NULL)
        return FALSE;
      copy.reference_image = picture->relative_path;
    }
  return reel_project_save_character (row, &copy, error) != 0;
}

/* The template project's prompt craft (its cast, own styles, style,
 * negative prompt and template) in @row, so that each film's prompts are
 * the ones the template's cards show. */
static gboolean
copy_prompt_craft (const PromptCraft *craft,
                   ReelProject       *row,
                   GCancellable      *cancellable,
                   GError           **error)
{
  g_autoptr (GPtrArray) have = NULL;

  if (craft == NULL)
    return TRUE;
  have = reel_project_list_characters (row);
  for (guint i = 0; i < craft->characters->len; i++)
    if (!copy_character (row, craft->characters->pdata[i], have, cancellable, error))
      return FALSE;
  return copy_styles (craft->styles, row, error)
         && reel_project_set_style (row, craft->style, error)
         && reel_project_set_negative_prompt (row, craft->negative, error)
         && reel_project_set_prompt_template (row, craft->template_text, error);
}

/* The template project's brand logo in @row, its image copied into the
 * row's media, so that every film carries the brand the template shows. */
static gboolean
copy_logo (const PromptCraft *craft, ReelProject *row, GCancellable *cancellable, GError **error)
{
  g_autoptr (ReelLogo) logo = NULL;

  if (craft == NULL || craft->logo == NULL)
    return TRUE;
  logo = reel_logo_copy (craft->logo);
  if (logo->media_path != NULL)
    {
      g_autoptr (ReelMediaStore) store = reel_media_store_new (reel_project_get_media_dir (row));
      g_autoptr (ReelMediaInfo) image
          = reel_media_store_add_file (store, logo->path, REEL_MEDIA_ADD_COPY, cancellable, error);

      if (image == NULL)
        return FALSE;
      g_free (logo->media_path);
      logo->media_path = g_strdup (image->relative_path);
    }
  return reel_project_set_logo (row, logo, error);
}

static ReelProject *
open_row_project (
    Plan *plan, FilmRow *row, const char *script, GCancellable *cancellable, GError **error)
{
  ReelFilmBatch *self = plan->batch;
  g_autoptr (GFile) file = g_file_new_for_path (row->project_path);
  g_autoptr (ReelProject) project = reel_project_open_or_create (file, error);
  ReelBreakdownReport report = { 0 };

  if (project == NULL)
    return NULL;
  if (self->fps != 0
      && (!reel_project_set_resolution (project, self->width, self->height, error)
          || !reel_project_set_fps (project, self->fps, error)
          || !reel_project_set_default_shot_duration (project, self->shot_duration, error)))
    return NULL;
  if (!copy_prompt_craft (plan->craft, project, cancellable, error)
      || !copy_logo (plan->craft, project, cancellable, error)
      || !reel_project_set_script (project, script, error)
      || !reel_project_break_down (project, &report, error))
    return NULL;
  return g_steal_pointer (&project);
}

/* The take @shot shows, unless it was made for another request: a row
 * whose value changed keeps its shot (the breakdown matches lightly edited
 * shots), but not the old take, which is set aside (undoably; its media
 * stay). Imported takes, which have no prompt, are kept. */
static gint64
current_take (ReelProject *project, ReelShot *shot, const ReelJobRequest *request)
{
  for (guint tries = 0; tries < 100; tries++)
    {
      gint64 take_id = reel_shot_get_chosen_take_id (shot);
      g_autoptr (ReelTake) take = take_id != 0 ? reel_project_get_take (project, take_id) : NULL;

      if (take == NULL || take->prompt == NULL || g_strcmp0 (take->prompt, request->prompt) == 0)
        return take_id;
      if (!reel_project_delete_take (project, take_id, NULL))
        return 0;
    }
  return 0;
}

/* Which shots of @row's film have a take, and the request each other one
 * would make. The row's project lives and dies on the calling thread. */
static GPtrArray *
plan_row (Plan *plan, FilmRow *row, const char *script, GCancellable *cancellable, GError **error)
{
  ReelFilmBatch *self = plan->batch;
  g_autoptr (ReelProject) project = open_row_project (plan, row, script, cancellable, error);
  g_autoptr (ReelScheduler) scheduler = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GPtrArray) missing = NULL;
  ReelGenerateOptions     options = reel_film_batch_generate_options (self);
  ReelBackendCapabilities caps = { 0 };
  ReelBackend            *backend;

  options.regenerate = TRUE;
  if (project == NULL || (scheduler = reel_film_batch_make_scheduler (self, project, error)) == NULL
      || (requests = reel_scheduler_dup_requests (scheduler, NULL, 0, &options, error)) == NULL)
    return NULL;
  /* dup_requests found it, or it would have failed. */
  backend
      = reel_scheduler_get_backend (scheduler, self->backend != NULL ? self->backend : "animatic");
  reel_backend_get_capabilities (backend, &caps);
  g_free (plan->currency);
  plan->currency = g_strdup (caps.currency);

  missing = g_ptr_array_new_with_free_func ((GDestroyNotify) missing_shot_free);
  for (guint i = 0; i < requests->len; i++)
    {
      ReelJobRequest  *request = g_ptr_array_index (requests, i);
      ReelShot        *shot = reel_project_lookup_shot (project, request->shot_id);
      g_autofree char *key = reel_film_batch_request_key (request);
      gint64           take_id = current_take (project, shot, request);
      MissingShot     *shot_missing;

      if (take_id != 0)
        {
          add_donor (plan->donors, key, project, take_id);
          continue;
        }
      shot_missing = g_new0 (MissingShot, 1);
      shot_missing->shot_id = request->shot_id;
      shot_missing->number = g_strdup (reel_shot_get_number (shot));
      shot_missing->key = g_steal_pointer (&key);
      shot_missing->cost
          = caps.currency != NULL ? reel_backend_estimate_cost (backend, request) : 0;
      g_ptr_array_add (missing, shot_missing);
    }
  reel_scheduler_shutdown (scheduler);
  return g_steal_pointer (&missing);
}

static void
summarize (ReelFilmBatch *self)
{
  g_autoptr (GHashTable) films_per_key = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer       count;

  self->summary = (ReelFilmBatchSummary){ .n_films = self->rows->len, .currency = self->currency };
  for (guint i = 0; i < self->rows->len; i++)
    {
      FilmRow *row = g_ptr_array_index (self->rows, i);

      for (guint j = 0; j < row->missing->len; j++)
        {
          MissingShot *shot = g_ptr_array_index (row->missing, j);

          self->summary.n_missing++;
          if (g_hash_table_contains (self->donors, shot->key))
            continue;
          count = g_hash_table_lookup (films_per_key, shot->key);
          /* A shared request is generated, and paid for, once. */
          if (count == NULL)
            self->summary.cost += shot->cost;
          g_hash_table_insert (films_per_key, shot->key,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
        }
    }
  g_hash_table_iter_init (&iter, films_per_key);
  while (g_hash_table_iter_next (&iter, NULL, &count))
    {
      self->summary.n_generate++;
      if (GPOINTER_TO_UINT (count) > 1)
        self->summary.n_shared++;
      else
        self->summary.n_personal++;
    }
  self->summary.n_reuse = self->summary.n_missing - self->summary.n_generate;
}

static gboolean
make_folder (const char *path, GError **error)
{
  int saved_errno;

  if (g_mkdir_with_parents (path, 0755) == 0)
    return TRUE;
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _ ("The folder “%s” cannot be made: %s. Choose another folder."), path,
               g_strerror (saved_errno));
  return FALSE;
}

typedef struct
{
  ReelFilmBatch *batch;
  double         progress;
  char          *status;
} PlanProgress;

static gboolean
plan_progress_cb (gpointer user_data)
{
  PlanProgress  *report = user_data;
  ReelFilmBatch *self = report->batch;

  self->progress = report->progress;
  g_free (self->status);
  self->status = g_steal_pointer (&report->status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  return G_SOURCE_REMOVE;
}

static void
plan_progress_free (PlanProgress *report)
{
  g_object_unref (report->batch);
  g_free (report->status);
  g_free (report);
}

/* Progress is the batch's own, so it is set on the batch's thread: through
 * an idle source, as g_main_context_invoke() could run it in the worker
 * while that context is free. */
static void
report_planning (Plan *plan, guint row)
{
  PlanProgress *report = g_new0 (PlanProgress, 1);
  guint         n = plan->batch->rows->len;
  g_autoptr (GSource) source = NULL;

  report->batch = g_object_ref (plan->batch);
  report->progress = (double) row / n;
  /* Translators: "Preparing film 2 of 5…" */
  report->status = g_strdup_printf (_ ("Preparing film %u of %u…"), MIN (row + 1, n), n);
  if (plan->context == NULL)
    {
      plan_progress_cb (report);
      plan_progress_free (report);
      return;
    }
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, plan_progress_cb, report, (GDestroyNotify) plan_progress_free);
  g_source_set_static_name (source, "[storyreel] batch planning progress");
  g_source_attach (source, plan->context);
}

/* Makes or updates each row's project in turn; touches nothing of the batch
 * but what stays fixed while it plans. */
static gboolean
plan_rows (Plan *plan, GCancellable *cancellable, GError **error)
{
  ReelFilmBatch *self = plan->batch;

  for (guint i = 0; i < self->rows->len; i++)
    {
      FilmRow         *row = g_ptr_array_index (self->rows, i);
      g_autofree char *script = NULL;
      GPtrArray       *missing = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      report_planning (plan, i);
      script = reel_csv_fill_template (self->table, self->script, i, error);
      if (script == NULL || (missing = plan_row (plan, row, script, cancellable, error)) == NULL)
        {
          g_prefix_error (error, _ ("Film %u of %u: "), i + 1, self->rows->len);
          return FALSE;
        }
      g_ptr_array_add (plan->missing, missing);
    }
  return TRUE;
}

/* Takes what @plan found, on the batch's thread. */
static void
apply_plan (ReelFilmBatch *self, Plan *plan)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      FilmRow *row = g_ptr_array_index (self->rows, i);

      g_clear_pointer (&row->missing, g_ptr_array_unref);
      row->missing = g_ptr_array_ref (g_ptr_array_index (plan->missing, i));
    }
  g_clear_pointer (&self->donors, g_hash_table_unref);
  self->donors = g_hash_table_ref (plan->donors);
  g_free (self->currency);
  self->currency = g_steal_pointer (&plan->currency);
  summarize (self);
}

static gboolean
make_folders (ReelFilmBatch *self, GError **error)
{
  g_autofree char *films_dir = g_path_get_dirname (reel_film_batch_get_film_path (self, 0));

  return make_folder (self->projects_dir, error) && make_folder (films_dir, error);
}

gboolean
reel_film_batch_plan (ReelFilmBatch *self, GError **error)
{
  g_autoptr (Plan) plan = NULL;

  g_return_val_if_fail (REEL_IS_FILM_BATCH (self), FALSE);

  if (!make_folders (self, error))
    return FALSE;
  plan = plan_new (self, FALSE);
  if (!plan_rows (plan, NULL, error))
    return FALSE;
  apply_plan (self, plan);
  return TRUE;
}

static void
plan_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (plan_rows (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
reel_film_batch_plan_async (ReelFilmBatch      *self,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (REEL_IS_FILM_BATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reel_film_batch_plan_async);
  if (!make_folders (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, plan_new (self, TRUE), (GDestroyNotify) plan_free);
  g_task_run_in_thread (task, plan_thread);
}

gboolean
reel_film_batch_plan_finish (ReelFilmBatch *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == reel_film_batch_plan_async,
                        FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  apply_plan (self, g_task_get_task_data (G_TASK (result)));
  return TRUE;
}

void
reel_film_batch_get_summary (ReelFilmBatch *self, ReelFilmBatchSummary *summary)
{
  *summary = self->summary;
}

void
reel_film_batch_get_segment_counts (ReelFilmBatch *self, guint *encoded, guint *reused)
{
  if (encoded != NULL)
    *encoded = self->segments_encoded;
  if (reused != NULL)
    *reused = self->segments_reused;
}

char *
reel_film_batch_describe (ReelFilmBatch *self)
{
  const ReelFilmBatchSummary *s = &self->summary;

  g_autofree char *plan
      = g_strdup_printf (_ ("%u films: generating %u shared shots once and %u personal shots; "
                            "%u shots reuse a take."),
                         s->n_films, s->n_shared, s->n_personal, s->n_reuse);

  if (s->currency == NULL || s->n_generate == 0)
    return g_steal_pointer (&plan);
  /* Translators: "… 2 shots reuse a take. Estimated cost: 8.40 CNY." */
  return g_strdup_printf (_ ("%s Estimated cost: %.2f %s."), plan, s->cost, s->currency);
}
