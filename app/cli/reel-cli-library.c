/* reel-cli-library.c: storyreel library: the asset library shared by projects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "reel-cli-private.h"
#include "reel-library.h"
#include "reel-prompt-builder.h"

static ReelLibrary *
open_library (GError **error)
{
  g_autoptr (GFile) file = reel_library_dup_default_file ();

  return reel_library_open (file, error);
}

/* "theme: tense, night; character: Mia; setting: kitchen" */
static char *
format_tags (const ReelLibraryItem *item)
{
  g_autoptr (GPtrArray) facets = g_ptr_array_new_with_free_func (g_free);
  /* Translators: the kinds of tags of `storyreel library search` */
  const char *labels[] = { _ ("theme"), _ ("character"), _ ("setting") };
  char      **values[] = { item->themes, item->characters, item->settings };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i][0] != NULL)
      {
        g_autofree char *joined = g_strjoinv (", ", values[i]);

        g_ptr_array_add (facets, g_strdup_printf ("%s: %s", labels[i], joined));
      }
  g_ptr_array_add (facets, NULL);
  return g_strjoinv ("; ", (char **) facets->pdata);
}

static const char *
kind_label (ReelLibraryKind kind)
{
  switch (kind)
    {
      /* Translators: the kind of a library item, in `storyreel library search` */
      case REEL_LIBRARY_KIND_TAKE:
        return _ ("take");
      case REEL_LIBRARY_KIND_CHARACTER:
        return _ ("character");
      case REEL_LIBRARY_KIND_STYLE:
        return _ ("style");
      case REEL_LIBRARY_KIND_ANY:
      default:
        return "";
    }
}

/* One item a line: ID, kind, name and tags, separated by tabs. */
static int
print_items (ReelLibrary *library, const char *query, ReelLibraryKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = reel_library_search (library, query, kind, &error);

  if (items == NULL)
    return reel_cli_fail ("%s", error->message);
  if (items->len == 0)
    {
      if (query != NULL)
        fprintf (stderr, _ ("Nothing in the library matches “%s”.\n"), query);
      else
        fprintf (stderr, _ ("The library is empty. Keep a take with “storyreel library add”.\n"));
      return REEL_CLI_EXIT_OK;
    }
  for (guint i = 0; i < items->len; i++)
    {
      ReelLibraryItem *item = g_ptr_array_index (items, i);
      g_autofree char *tags = format_tags (item);

      printf ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\n", item->id, kind_label (item->kind), item->name,
              tags);
    }
  return REEL_CLI_EXIT_OK;
}

/* The take of @shot that @take_arg names, or the one the film shows. */
static ReelTake *
find_take (ReelProject *project, ReelShot *shot, const char *take_arg, GError **error)
{
  gint64 chosen = reel_shot_get_chosen_take_id (shot);

  if (take_arg != NULL)
    return reel_project_find_take (project, reel_shot_get_id (shot), take_arg, error);
  if (chosen == 0)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                   _ ("Shot %s has no take to keep."), reel_shot_get_number (shot));
      return NULL;
    }
  return reel_project_get_take (project, chosen);
}

static int
add_take (ReelLibrary *library, char **args, int n_args)
{
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (ReelTake) take = NULL;
  g_autoptr (GError) error = NULL;
  ReelShot *shot;
  gint64    id;

  if (n_args != 2 && n_args != 3)
    return reel_cli_usage_error ("library", _ ("Expected: library add PROJECT SHOT [TAKE]"));
  if ((project = reel_cli_open_project (args[0], &error)) == NULL)
    return reel_cli_fail ("%s", error->message);
  if ((shot = reel_project_find_shot (project, args[1])) == NULL)
    return reel_cli_fail (_ ("There is no shot “%s” in this project."), args[1]);
  if ((take = find_take (project, shot, n_args == 3 ? args[2] : NULL, &error)) == NULL)
    return reel_cli_fail ("%s", error->message);

  id = reel_library_add_take (library, project, take->id, NULL, &error);
  if (id == 0)
    return reel_cli_fail ("%s", error->message);
  fprintf (stderr, _ ("Kept take %u of shot %s in the library\n"), take->number,
           reel_shot_get_number (shot));
  printf ("%" G_GINT64_FORMAT "\n", id);
  return REEL_CLI_EXIT_OK;
}

/* A project's character as a sheet: through this one place, so that
 * aliases, a picture and a voice join it once projects keep them. */
static gint64
keep_character (ReelLibrary         *library,
                ReelProject         *project,
                const ReelCharacter *character,
                GError             **error)
{
  g_autofree char          *picture = character->reference_image != NULL
                                          ? reel_project_get_media_path (project, character->reference_image)
                                          : NULL;
  ReelLibraryCharacterSheet sheet = {
    .name = character->name,
    .aliases = (const char *const *) character->aliases,
    .description = character->description,
    .reference_image = picture,
    .voice = character->voice,
  };

  return reel_library_add_character (library, &sheet, error);
}

static int
add_character (ReelLibrary *library, char **args, int n_args)
{
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GPtrArray) characters = NULL;
  g_autoptr (GError) error = NULL;

  if (n_args != 2)
    return reel_cli_usage_error ("library", _ ("Expected: library add-character PROJECT NAME"));
  if ((project = reel_cli_open_project (args[0], &error)) == NULL)
    return reel_cli_fail ("%s", error->message);

  characters = reel_project_list_characters (project);
  for (guint i = 0; i < characters->len; i++)
    {
      ReelCharacter *character = g_ptr_array_index (characters, i);
      gint64         id;

      if (g_utf8_collate (character->name, args[1]) != 0)
        continue;
      if ((id = keep_character (library, project, character, &error)) == 0)
        return reel_cli_fail ("%s", error->message);
      fprintf (stderr, _ ("Kept the character “%s” in the library\n"), character->name);
      printf ("%" G_GINT64_FORMAT "\n", id);
      return REEL_CLI_EXIT_OK;
    }
  return reel_cli_fail (_ ("The project has no character called “%s”."), args[1]);
}

/* `library add-style PROJECT NAME`: one of the project's own styles, or a
 * preset by its id ("watercolour"), kept with its English words. */
static int
add_style (ReelLibrary *library, char **args, int n_args)
{
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GPtrArray) styles = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelStylePreset) preset = NULL;
  gint64 id = 0;

  if (n_args != 2)
    return reel_cli_usage_error ("library", _ ("Expected: library add-style PROJECT NAME"));
  if ((project = reel_cli_open_project (args[0], &error)) == NULL)
    return reel_cli_fail ("%s", error->message);

  styles = reel_project_list_styles (project);
  for (guint i = 0; i < styles->len && id == 0; i++)
    {
      const ReelStyle *style = g_ptr_array_index (styles, i);

      if (g_utf8_collate (style->name, args[1]) == 0
          && (id = reel_library_add_style (library, style->name, style->prompt, &error)) == 0)
        return reel_cli_fail ("%s", error->message);
    }
  if (id == 0 && (preset = reel_prompt_lookup_style_preset (args[1])) != NULL
      && (id = reel_library_add_style (library, preset->name,
                                       reel_style_preset_get_prompt (preset, "en"), &error))
             == 0)
    return reel_cli_fail ("%s", error->message);
  if (id == 0)
    return reel_cli_fail (_ ("The project has no style called “%s”."), args[1]);
  fprintf (stderr, _ ("Kept the style “%s” in the library\n"), args[1]);
  printf ("%" G_GINT64_FORMAT "\n", id);
  return REEL_CLI_EXIT_OK;
}

typedef struct
{
  GMainLoop *loop;
  gint64     id;
  GError    *error;
} Use;

static void
used_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Use *use = user_data;

  use->id = reel_library_use_finish (REEL_LIBRARY (source), result, &use->error);
  g_main_loop_quit (use->loop);
}

static int
use_item (ReelLibrary *library, char **args, int n_args)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (ReelLibraryItem) item = NULL;
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  ReelShot *shot = NULL;
  Use       use = { .loop = loop };
  gint64    item_id;

  if (n_args != 2 && n_args != 3)
    return reel_cli_usage_error ("library", _ ("Expected: library use ID PROJECT [SHOT]"));
  if (!g_ascii_string_to_signed (args[0], 10, 1, G_MAXINT64, &item_id, NULL))
    return reel_cli_usage_error ("library", _ ("“%s” is not the ID of a library item."), args[0]);
  if ((item = reel_library_get_item (library, item_id, &error)) == NULL)
    return reel_cli_fail ("%s", error->message);
  if (item->kind == REEL_LIBRARY_KIND_TAKE && n_args != 3)
    return reel_cli_usage_error ("library",
                                 _ ("Item %s is a take: say which shot gets it, as in "
                                    "“library use %s PROJECT SHOT”."),
                                 args[0], args[0]);
  if ((project = reel_cli_open_project (args[1], &error)) == NULL)
    return reel_cli_fail ("%s", error->message);
  if (n_args == 3 && (shot = reel_project_find_shot (project, args[2])) == NULL)
    return reel_cli_fail (_ ("There is no shot “%s” in this project."), args[2]);

  reel_library_use_async (library, item_id, project, shot != NULL ? reel_shot_get_id (shot) : 0,
                          NULL, used_cb, &use);
  g_main_loop_run (loop);
  if (use.id == 0)
    {
      g_propagate_error (&error, use.error);
      return reel_cli_fail ("%s", error->message);
    }
  if (item->kind == REEL_LIBRARY_KIND_TAKE)
    fprintf (stderr, _ ("Shot %s: added “%s” from the library as a take\n"),
             reel_shot_get_number (shot), item->name);
  else
    fprintf (stderr, _ ("Added “%s” from the library to the project\n"), item->name);
  printf ("%" G_GINT64_FORMAT "\n", use.id);
  return REEL_CLI_EXIT_OK;
}

static int
remove_item (ReelLibrary *library, char **args, int n_args)
{
  g_autoptr (GError) error = NULL;
  gint64 item_id;

  if (n_args != 1)
    return reel_cli_usage_error ("library", _ ("Expected: library remove ID"));
  if (!g_ascii_string_to_signed (args[0], 10, 1, G_MAXINT64, &item_id, NULL))
    return reel_cli_usage_error ("library", _ ("“%s” is not the ID of a library item."), args[0]);
  if (!reel_library_remove (library, item_id, &error))
    return reel_cli_fail ("%s", error->message);
  return REEL_CLI_EXIT_OK;
}

static char *
library_usage (void)
{
  return g_strdup_printf (
      "%s\n  library search %s\n      %s\n  library list\n      %s\n  library add %s\n      %s\n"
      "  library add-character %s\n      %s\n  library add-style %s\n      %s\n"
      "  library use %s\n      %s\n  library remove %s\n      %s\n",
      _ ("Commands:"), _ ("QUERY"),
      _ ("Find takes, characters and styles by name, character, theme or setting"),
      _ ("List everything in the library, newest first"), _ ("PROJECT SHOT [TAKE]"),
      _ ("Keep a take (the one the film shows unless TAKE says) in the library"),
      _ ("PROJECT NAME"), _ ("Keep a project’s character in the library"), _ ("PROJECT NAME"),
      _ ("Keep a project’s own style, or a preset, in the library"), _ ("ID PROJECT [SHOT]"),
      _ ("Use an item in a project: a take goes to SHOT, a character or style to the project"),
      _ ("ID"), _ ("Forget an item"));
}

int
reel_cli_library (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("library"));
  g_autoptr (ReelLibrary) library = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *usage = library_usage ();
  g_autofree char *kind_arg = NULL;
  ReelLibraryKind  kind = REEL_LIBRARY_KIND_ANY;
  const char      *action;
  GOptionEntry     entries[] = {
        { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_arg,
          N_ ("Only items of this kind: take, character or style"), N_ ("KIND") },
        { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, usage);
  if (!reel_cli_parse (context, "library", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;
  if (kind_arg != NULL && !reel_library_kind_from_string (kind_arg, &kind))
    return reel_cli_usage_error ("library", _ ("--kind must be take, character or style."));

  action = argc > 2 ? argv[2] : "";
  if (!g_str_equal (action, "search") && !g_str_equal (action, "list")
      && !g_str_equal (action, "add") && !g_str_equal (action, "add-character")
      && !g_str_equal (action, "add-style") && !g_str_equal (action, "use")
      && !g_str_equal (action, "remove"))
    return reel_cli_usage_error ("library", _ ("Expected search, list, add, add-character, "
                                               "add-style, use or remove after “library”."));
  if (g_str_equal (action, "search") && argc != 4)
    return reel_cli_usage_error ("library", _ ("Expected: library search QUERY"));

  if ((library = open_library (&error)) == NULL)
    return reel_cli_fail ("%s", error->message);
  if (g_str_equal (action, "search"))
    return print_items (library, argv[3], kind);
  if (g_str_equal (action, "list"))
    return print_items (library, NULL, kind);
  if (g_str_equal (action, "add"))
    return add_take (library, argv + 3, argc - 3);
  if (g_str_equal (action, "add-character"))
    return add_character (library, argv + 3, argc - 3);
  if (g_str_equal (action, "add-style"))
    return add_style (library, argv + 3, argc - 3);
  if (g_str_equal (action, "use"))
    return use_item (library, argv + 3, argc - 3);
  return remove_item (library, argv + 3, argc - 3);
}
