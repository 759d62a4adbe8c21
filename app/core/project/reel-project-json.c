/* reel-project-json.c: the plan as JSON, the shape `storyreel inspect --json` documents
 *
 * Fields may be added; the documented ones are never renamed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <json-glib/json-glib.h>

#include "reel-project-ledger.h"
#include "reel-project-logo.h"
#include "reel-project-private.h"

static void
add_text_or_null (JsonBuilder *builder, const char *name, sqlite3_stmt *stmt, int column)
{
  json_builder_set_member_name (builder, name);
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, column));
}

/* What a remote service reported: the currency of the cost, the prompt it
 * actually used, its usage report and the seconds it billed. */
static void
add_service_report (JsonBuilder *builder, sqlite3_stmt *stmt, int first_column)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *usage = (const char *) sqlite3_column_text (stmt, first_column + 2);

  add_text_or_null (builder, "currency", stmt, first_column);
  add_text_or_null (builder, "actual_prompt", stmt, first_column + 1);
  json_builder_set_member_name (builder, "usage");
  if (usage != NULL && json_parser_load_from_data (parser, usage, -1, NULL))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "billed_seconds");
  if (sqlite3_column_type (stmt, first_column + 3) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, sqlite3_column_double (stmt, first_column + 3));
}

static void
add_takes (ReelProject *self, JsonBuilder *builder, ReelShot *shot)
{
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (
      self->db,
      "SELECT t.id, t.backend, t.model, t.media, t.duration, t.seed, t.cost,"
      "  t.kind, t.prompt, t.media_sha256, t.thumbnail, t.width, t.height, t.fps,"
      "  t.currency, t.actual_prompt, t.usage, t.billed_seconds"
      " FROM takes t WHERE t.shot_id = ? ORDER BY t.id",
      NULL);

  json_builder_set_member_name (builder, "takes");
  json_builder_begin_array (builder);

  if (stmt != NULL)
    sqlite3_bind_int64 (stmt, 1, reel_shot_get_id (shot));

  for (guint number = 1; stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW; number++)
    {
      gint64      id = sqlite3_column_int64 (stmt, 0);
      const char *media = (const char *) sqlite3_column_text (stmt, 3);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, id);
      /* In the order of making, as ReelTake's number. */
      json_builder_set_member_name (builder, "number");
      json_builder_add_int_value (builder, number);
      json_builder_set_member_name (builder, "backend");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (builder, "model");
      if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, media != NULL ? "ready" : "missing");
      json_builder_set_member_name (builder, "media");
      if (media != NULL)
        {
          g_autoptr (GFile) file = g_file_resolve_relative_path (self->media_dir, media);
          g_autofree char *path = g_file_get_path (file);
          json_builder_add_string_value (builder, path);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "duration");
      json_builder_add_double_value (builder, sqlite3_column_double (stmt, 4));
      json_builder_set_member_name (builder, "seed");
      if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 5));
      json_builder_set_member_name (builder, "cost");
      json_builder_add_double_value (builder, sqlite3_column_double (stmt, 6));
      json_builder_set_member_name (builder, "chosen");
      json_builder_add_boolean_value (builder, id == reel_shot_get_chosen_take_id (shot));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 7));
      json_builder_set_member_name (builder, "prompt");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 8));
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 9));
      json_builder_set_member_name (builder, "size");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, sqlite3_column_int (stmt, 11));
      json_builder_add_int_value (builder, sqlite3_column_int (stmt, 12));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "fps");
      json_builder_add_double_value (builder, sqlite3_column_double (stmt, 13));
      add_service_report (builder, stmt, 14);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
}

/* The prompt a backend is given, exactly; whether the user wrote it; what it asks to avoid. */
static void
add_final_prompt (ReelProject *self, JsonBuilder *builder, gint64 shot_id)
{
  g_autoptr (ReelShotPrompt) prompt = reel_project_dup_shot_prompt (self, shot_id);

  json_builder_set_member_name (builder, "final_prompt");
  json_builder_add_string_value (builder, prompt->prompt);
  json_builder_set_member_name (builder, "prompt_overridden");
  json_builder_add_boolean_value (builder, prompt->overridden);
  json_builder_set_member_name (builder, "negative_prompt");
  if (prompt->negative_prompt != NULL)
    json_builder_add_string_value (builder, prompt->negative_prompt);
  else
    json_builder_add_null_value (builder);
}

static void
add_shot (ReelProject *self, JsonBuilder *builder, ReelShot *shot)
{
  GPtrArray *captions = reel_shot_get_captions (shot);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, reel_shot_get_id (shot));
  json_builder_set_member_name (builder, "number");
  json_builder_add_string_value (builder, reel_shot_get_number (shot));
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, reel_shot_get_text (shot));
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, reel_shot_get_duration (shot));
  json_builder_set_member_name (builder, "camera");
  json_builder_add_string_value (builder, reel_camera_move_to_string (reel_shot_get_camera (shot)));
  add_final_prompt (self, builder, reel_shot_get_id (shot));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, reel_shot_get_status (shot));
  json_builder_set_member_name (builder, "board_image");
  if (reel_shot_get_board_image (shot) != NULL)
    json_builder_add_string_value (builder, reel_shot_get_board_image (shot));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "captions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (captions, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "speaker");
      if (caption->speaker != NULL)
        json_builder_add_string_value (builder, caption->speaker);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, caption->text);
      json_builder_set_member_name (builder, "parenthetical");
      json_builder_add_boolean_value (builder, caption->parenthetical);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_takes (self, builder, shot);
  json_builder_end_object (builder);
}

static void
add_settings (ReelProject *self, JsonBuilder *builder)
{
  g_autofree char *aspect = reel_project_dup_aspect_ratio (self);

  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->title);
  json_builder_set_member_name (builder, "resolution");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, self->width);
  json_builder_add_int_value (builder, self->height);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "fps");
  json_builder_add_int_value (builder, self->fps);
  json_builder_set_member_name (builder, "aspect_ratio");
  json_builder_add_string_value (builder, aspect);
  json_builder_set_member_name (builder, "default_shot_duration");
  json_builder_add_double_value (builder, self->default_shot_duration);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, self->language);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, REEL_PROJECT_SCHEMA_VERSION);
}

/* The brand logo drawn on the film, or null when there is none; its image
 * is given by its absolute path, as a take's media is. */
static void
add_logo (ReelProject *self, JsonBuilder *builder)
{
  g_autoptr (ReelLogo) logo = reel_project_dup_logo (self);

  json_builder_set_member_name (builder, "logo");
  if (logo->media_path == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "media");
  json_builder_add_string_value (builder, logo->path);
  json_builder_set_member_name (builder, "name");
  if (logo->name != NULL)
    json_builder_add_string_value (builder, logo->name);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "position");
  json_builder_add_string_value (builder, reel_logo_position_to_string (logo->position));
  json_builder_set_member_name (builder, "size");
  json_builder_add_double_value (builder, logo->size);
  json_builder_set_member_name (builder, "opacity");
  json_builder_add_double_value (builder, logo->opacity);
  json_builder_end_object (builder);
}

/* The budget, and every charge of the spending ledger. */
static void
add_spending (ReelProject *self, JsonBuilder *builder)
{
  g_autoptr (GPtrArray) ledger = reel_project_list_ledger (self);
  const char *currency;
  double      budget;

  json_builder_set_member_name (builder, "budget");
  if (reel_project_get_budget (self, &budget, &currency))
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "amount");
      json_builder_add_double_value (builder, budget);
      json_builder_set_member_name (builder, "currency");
      json_builder_add_string_value (builder, currency);
      json_builder_set_member_name (builder, "spent");
      json_builder_add_double_value (builder, reel_project_get_spent (self, currency));
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "ledger");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ledger->len; i++)
    {
      const ReelLedgerEntry *entry = g_ptr_array_index (ledger, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "job");
      json_builder_add_int_value (builder, entry->job_id);
      json_builder_set_member_name (builder, "take");
      if (entry->take_id != 0)
        json_builder_add_int_value (builder, entry->take_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "backend");
      json_builder_add_string_value (builder, entry->backend);
      json_builder_set_member_name (builder, "amount");
      json_builder_add_double_value (builder, entry->amount);
      json_builder_set_member_name (builder, "currency");
      json_builder_add_string_value (builder, entry->currency);
      json_builder_set_member_name (builder, "note");
      json_builder_add_string_value (builder, entry->note);
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, entry->created);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_characters (ReelProject *self, JsonBuilder *builder)
{
  g_autoptr (GPtrArray) characters = reel_project_list_characters (self);

  json_builder_set_member_name (builder, "characters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < characters->len; i++)
    {
      const ReelCharacter *character = g_ptr_array_index (characters, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, character->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, character->name);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, character->description);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* Adds the scenes with their shots; returns the film's length in seconds. */
static double
add_scenes (ReelProject *self, JsonBuilder *builder)
{
  GListModel *scenes = reel_project_get_scenes (self);
  GListModel *shots = reel_project_get_shots (self);
  guint       n_shots = g_list_model_get_n_items (shots);
  guint       shot_index = 0;
  double      total = 0;

  json_builder_set_member_name (builder, "scenes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (scenes); i++)
    {
      g_autoptr (ReelScene) scene = g_list_model_get_item (scenes, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, reel_scene_get_id (scene));
      json_builder_set_member_name (builder, "number");
      json_builder_add_string_value (builder, reel_scene_get_number (scene));
      json_builder_set_member_name (builder, "heading");
      json_builder_add_string_value (builder, reel_scene_get_heading (scene));
      json_builder_set_member_name (builder, "shots");
      json_builder_begin_array (builder);

      /* Shots come in film order, scene by scene. */
      while (shot_index < n_shots)
        {
          g_autoptr (ReelShot) shot = g_list_model_get_item (shots, shot_index);

          if (reel_shot_get_scene_id (shot) != reel_scene_get_id (scene))
            break;
          add_shot (self, builder, shot);
          total += reel_shot_get_duration (shot);
          shot_index++;
        }

      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return total;
}

char *
reel_project_to_json (ReelProject *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  double total;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  json_builder_begin_object (builder);
  add_settings (self, builder);
  add_logo (self, builder);
  add_characters (self, builder);
  total = add_scenes (self, builder);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, total);
  add_spending (self, builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}
