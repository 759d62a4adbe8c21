/* reel-cli.c: dispatch and the plan subcommands (new, import, inspect)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

#include "reel-cli-private.h"

static const ReelCliCommand commands[] = {
  { "new", N_ ("PROJECT"), N_ ("Create an empty project"), reel_cli_new },
  { "import", N_ ("PROJECT SCRIPT"),
    N_ ("Create or update a project from a script, then break it down"), reel_cli_import },
  { "inspect", N_ ("PROJECT"), N_ ("Print the plan: scenes, shots and takes"), reel_cli_inspect },
  { "generate", N_ ("PROJECT"), N_ ("Generate takes for the shots, resuming unfinished jobs"),
    reel_cli_generate },
  { "take", N_ ("import|list|choose PROJECT …"),
    N_ ("Import a take, list the takes, or choose the take the film shows"), reel_cli_take },
  { "export", N_ ("PROJECT -o FILE"), N_ ("Export the film or a file for other tools"),
    reel_cli_export },
  { "backends", "", N_ ("List the generation backends, whether each is set up, and its models"),
    reel_cli_backends },
  { "library", N_ ("search|list|add|add-character|use|remove …"),
    N_ ("Keep takes, characters and styles in your library, find them and use them in a project"),
    reel_cli_library },
  { "render", N_ ("SCRIPT -o FILM"),
    N_ ("Import a script, generate the missing takes and export the film in one go"),
    reel_cli_render },
};

const ReelCliCommand *
reel_cli_find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* What the window opens: a path that is there, or one that names a file by
 * its look (a folder in it, a URI, a project's or a script's extension), so
 * that the window can say what is wrong with a file that is missing. */
static gboolean
names_a_file (const char *word)
{
  static const char *const extensions[] = { ".storyreel", ".fountain", ".spmd", ".txt" };
  g_autofree char         *lower = NULL;

  if (g_file_test (word, G_FILE_TEST_EXISTS) || strchr (word, G_DIR_SEPARATOR) != NULL
      || strstr (word, "://") != NULL)
    return TRUE;

  lower = g_ascii_strdown (word, -1);
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

gboolean
reel_cli_handles (int argc, char **argv)
{
  const char *first;

  if (argc < 2)
    return FALSE;

  first = argv[1];
  if (g_str_equal (first, "--help") || g_str_equal (first, "-h") || g_str_equal (first, "--version")
      || g_str_equal (first, "help"))
    return TRUE;
  /* The window's own options (--demo, GApplication's). */
  if (first[0] == '-')
    return FALSE;
  /* A word that is neither a command nor a file is a mistyped command: it
   * is answered here rather than by a window that cannot open it. */
  return reel_cli_find_command (first) != NULL || !names_a_file (first);
}

int
reel_cli_fail (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* One line: the reason, nothing else. */
  g_strdelimit (message, "\n", ' ');
  fprintf (stderr, "storyreel: %s\n", message);
  return REEL_CLI_EXIT_FAILURE;
}

int
reel_cli_usage_error (const char *command, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "storyreel %s: %s\n", command, message);
  fprintf (stderr, _ ("Run “storyreel %s --help” to see its usage.\n"), command);
  return REEL_CLI_EXIT_USAGE;
}

GOptionContext *
reel_cli_context_new (const ReelCliCommand *command)
{
  g_autofree char *parameter = g_strdup_printf ("%s %s", command->name, _ (command->arguments));
  GOptionContext  *context = g_option_context_new (parameter);

  g_option_context_set_summary (context, _ (command->description));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  return context;
}

gboolean
reel_cli_parse (GOptionContext *context, const char *command, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      reel_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }

  return TRUE;
}

char *
reel_cli_project_path (const char *path)
{
  /* The window names projects NAME.storyreel; "storyreel new Ferry" does too,
   * and then "Ferry" finds it. A file made before under the bare name is
   * still found under it. */
  if (g_str_has_suffix (path, ".storyreel") || g_file_test (path, G_FILE_TEST_EXISTS))
    return g_strdup (path);
  return g_strconcat (path, ".storyreel", NULL);
}

char *
reel_cli_project_path_for_script (const char *script_path)
{
  g_autofree char *dir = g_path_get_dirname (script_path);
  g_autofree char *base = g_path_get_basename (script_path);
  char            *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  if (g_str_equal (dir, "."))
    return g_strconcat (base, ".storyreel", NULL);
  return g_strdup_printf ("%s" G_DIR_SEPARATOR_S "%s.storyreel", dir, base);
}

/* @path as it can be pasted into a shell: quoted only when it has to be. */
static char *
quote_for_shell (const char *path)
{
  for (const char *c = path; *c != '\0'; c++)
    if (strchr (" \t\n'\"\\$`!*?[](){}<>|&;#~", *c) != NULL)
      return g_shell_quote (path);
  return g_strdup (path);
}

/* Whether @path starts as text does, as a script given in place of a
 * project does. */
static gboolean
looks_like_text (const char *path)
{
  char        buffer[4096];
  const char *end;
  gsize       length;
  FILE       *file = g_fopen (path, "rb");

  if (file == NULL)
    return FALSE;
  length = fread (buffer, 1, sizeof buffer, file);
  fclose (file);

  if (length == 0 || memchr (buffer, '\0', length) != NULL)
    return FALSE;
  /* A character cut at the end of what was read is still text. */
  if (!g_utf8_validate (buffer, length, &end))
    return length == sizeof buffer && buffer + length - end < 4;
  return TRUE;
}

ReelProject *
reel_cli_open_project (const char *path, GError **error)
{
  g_autofree char *project_path = reel_cli_project_path (path);
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (project_path);
  g_autoptr (GError) local_error = NULL;
  ReelProject *project = reel_project_open (file, &local_error);

  if (project != NULL)
    return project;

  /* A script where a project belongs: say how to make one of it. */
  if (g_error_matches (local_error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_A_PROJECT)
      && looks_like_text (project_path))
    {
      g_autofree char *basename = g_path_get_basename (project_path);
      g_autofree char *new_project = reel_cli_project_path_for_script (project_path);
      g_autofree char *quoted_project = quote_for_shell (new_project);
      g_autofree char *quoted_script = quote_for_shell (project_path);

      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_A_PROJECT,
                   _ ("“%s” is a script, not a project. Make a project of it with “storyreel "
                      "import %s %s”, or the film with “storyreel render %s -o FILM.mp4”."),
                   basename, quoted_project, quoted_script, quoted_script);
      return NULL;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

char *
reel_cli_read_script (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  if (memchr (contents, '\0', length) != NULL || !g_utf8_validate (contents, length, NULL))
    {
      g_autofree char *basename = g_path_get_basename (path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("“%s” is not UTF-8 text. Save the script as UTF-8 and try again."), basename);
      return NULL;
    }

  /* A byte-order mark is no part of the script. */
  if (length >= 3 && memcmp (contents, "\xEF\xBB\xBF", 3) == 0)
    return g_strdup (contents + 3);

  return g_steal_pointer (&contents);
}

static gboolean
parse_resolution (const char *text, guint *width, guint *height)
{
  guint64 w, h;
  char   *x;

  if (text == NULL || (x = strpbrk (text, "xX×")) == NULL)
    return FALSE;

  {
    g_autofree char *w_text = g_strndup (text, x - text);
    const char      *h_text = x + (g_str_has_prefix (x, "×") ? strlen ("×") : 1);

    if (!g_ascii_string_to_unsigned (w_text, 10, 1, 100000, &w, NULL)
        || !g_ascii_string_to_unsigned (h_text, 10, 1, 100000, &h, NULL))
      return FALSE;
  }

  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

int
reel_cli_new (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("new"));
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *resolution = NULL;
  g_autofree char *path = NULL;
  int              fps = 0;
  guint            width = 0, height = 0;
  GOptionEntry     entries[] = {
        { "title", 't', 0, G_OPTION_ARG_STRING, &title, N_ ("The film’s title"), N_ ("TITLE") },
        { "resolution", 'r', 0, G_OPTION_ARG_STRING, &resolution, N_ ("Frame size, e.g. 1280x720"),
          N_ ("WxH") },
        { "fps", 0, 0, G_OPTION_ARG_INT, &fps, N_ ("Frames per second"), N_ ("N") },
        { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!reel_cli_parse (context, "new", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;
  if (argc != 3)
    return reel_cli_usage_error ("new", _ ("Expected exactly one PROJECT file."));
  if (resolution != NULL && !parse_resolution (resolution, &width, &height))
    return reel_cli_usage_error ("new", _ ("“%s” is not a resolution like 1280x720."), resolution);

  path = reel_cli_project_path (argv[2]);
  file = g_file_new_for_commandline_arg (path);
  /* Without --title the film is called what its file is called. */
  if (title == NULL)
    {
      g_autofree char *base = g_file_get_basename (file);
      char            *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      title = g_filename_display_name (base);
    }
  project = reel_project_create (file, title, &error);
  if (project == NULL)
    return reel_cli_fail ("%s", error->message);

  /* A rejected setting leaves no half-made project behind. */
  if ((width > 0 && !reel_project_set_resolution (project, width, height, &error))
      || (fps != 0 && !reel_project_set_fps (project, fps < 0 ? 0 : (guint) fps, &error)))
    {
      g_clear_object (&project);
      g_file_delete (file, NULL, NULL);
      return reel_cli_fail ("%s", error->message);
    }

  fprintf (stderr, _ ("Created %s\n"), path);
  return REEL_CLI_EXIT_OK;
}

/* What the breakdown may have read otherwise than meant, as compilers report: the file, the
 * line, the message. */
static void
print_breakdown_warnings (ReelProject *project, const char *script_path)
{
  GPtrArray *warnings = reel_project_get_breakdown_warnings (project);

  for (guint i = 0; i < warnings->len; i++)
    {
      const ReelPlanWarning *warning = g_ptr_array_index (warnings, i);

      /* Translators: a script file, a line number and what may have been misread there. */
      fprintf (stderr, _ ("%s:%u: warning: %s\n"), script_path, warning->line, warning->message);
    }
}

int
reel_cli_import (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("import"));
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char    *script = NULL;
  g_autofree char    *project_path = NULL;
  ReelBreakdownReport report = { 0 };
  gboolean            created;

  if (!reel_cli_parse (context, "import", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;
  if (argc != 4)
    return reel_cli_usage_error ("import", _ ("Expected a PROJECT file and a SCRIPT file."));

  /* Read the script before touching the project, so a bad script changes nothing. */
  script = reel_cli_read_script (argv[3], &error);
  if (script == NULL)
    return reel_cli_fail ("%s", error->message);

  project_path = reel_cli_project_path (argv[2]);
  file = g_file_new_for_commandline_arg (project_path);
  created = !g_file_query_exists (file, NULL);
  project = reel_project_open_or_create (file, &error);
  if (project == NULL)
    return reel_cli_fail ("%s", error->message);

  if (!reel_project_set_script (project, script, &error)
      || !reel_project_break_down (project, &report, &error))
    {
      if (created)
        {
          g_clear_object (&project);
          g_file_delete (file, NULL, NULL);
        }
      return reel_cli_fail ("%s", error->message);
    }

  fprintf (stderr, _ ("%s: %u scenes, %u shots (%u added, %u changed, %u removed, %u unchanged)\n"),
           project_path, report.scenes, report.shots, report.added, report.changed, report.removed,
           report.unchanged);
  print_breakdown_warnings (project, argv[3]);
  return REEL_CLI_EXIT_OK;
}

int
reel_cli_inspect (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("inspect"));
  g_autoptr (ReelProject) project = NULL;
  g_autoptr (GError) error = NULL;
  gboolean     json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print the plan as JSON"), NULL },
    { NULL },
  };
  GListModel *shots;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!reel_cli_parse (context, "inspect", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;
  if (argc != 3)
    return reel_cli_usage_error ("inspect", _ ("Expected exactly one PROJECT file."));

  project = reel_cli_open_project (argv[2], &error);
  if (project == NULL)
    return reel_cli_fail ("%s", error->message);

  if (json)
    {
      g_autofree char *text = reel_project_to_json (project);
      printf ("%s\n", text);
      return REEL_CLI_EXIT_OK;
    }

  {
    guint width, height;
    reel_project_get_resolution (project, &width, &height);
    printf ("%s — %u×%u, %u fps\n", reel_project_get_title (project), width, height,
            reel_project_get_fps (project));
  }
  shots = reel_project_get_shots (project);
  for (guint i = 0; i < g_list_model_get_n_items (shots); i++)
    {
      g_autoptr (ReelShot) shot = g_list_model_get_item (shots, i);
      printf ("%-5s %5.1fs  %-10s %s\n", reel_shot_get_number (shot), reel_shot_get_duration (shot),
              reel_camera_move_to_string (reel_shot_get_camera (shot)), reel_shot_get_text (shot));
    }

  return REEL_CLI_EXIT_OK;
}

static void
print_help (FILE *stream)
{
  fprintf (stream, _ ("Usage:\n"
                      "  storyreel [FILE…]         open the window, with the projects or scripts "
                      "named\n"
                      "  storyreel --demo          open the window on the demo project\n"
                      "  storyreel COMMAND …       use the command line\n"
                      "  storyreel --version       print the version\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *synopsis
          = g_strdup_printf ("%s %s", commands[i].name, _ (commands[i].arguments));
      fprintf (stream, "  %-32s %s\n", synopsis, _ (commands[i].description));
    }
  fprintf (stream, _ ("\nRun “storyreel COMMAND --help” for a command’s options.\n"));
}

/* The edit distance between @a and @b, a swap of two neighbours counting as
 * one edit, as in "inpsect" for "inspect". */
static guint
edit_distance (const char *a, const char *b)
{
  glong                a_len, b_len;
  g_autofree gunichar *s = g_utf8_to_ucs4_fast (a, -1, &a_len);
  g_autofree gunichar *t = g_utf8_to_ucs4_fast (b, -1, &b_len);
  g_autofree guint    *d = g_new0 (guint, (a_len + 1) * (b_len + 1));
  const glong          width = b_len + 1;

  for (glong i = 0; i <= a_len; i++)
    d[i * width] = (guint) i;
  for (glong j = 0; j <= b_len; j++)
    d[j] = (guint) j;
  for (glong i = 1; i <= a_len; i++)
    for (glong j = 1; j <= b_len; j++)
      {
        guint cost = s[i - 1] == t[j - 1] ? 0 : 1;
        guint best = MIN (d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1);

        best = MIN (best, d[(i - 1) * width + j - 1] + cost);
        if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1])
          best = MIN (best, d[(i - 2) * width + j - 2] + 1);
        d[i * width + j] = best;
      }
  return d[a_len * width + b_len];
}

/* The command @word most likely meant: the nearest by edit distance, close
 * enough to be a slip rather than another word, or the one it begins. */
static const char *
suggest_command (const char *word)
{
  g_autofree char *lower = g_utf8_strdown (word, -1);
  glong            length = g_utf8_strlen (lower, -1);
  const char      *best = NULL;
  guint            best_distance = G_MAXUINT;
  const char      *prefixed = NULL;
  guint            n_prefixed = 0;

  for (guint i = 0; i <= G_N_ELEMENTS (commands); i++)
    {
      const char *name = i < G_N_ELEMENTS (commands) ? commands[i].name : "help";
      guint       distance = edit_distance (lower, name);

      if (distance < best_distance)
        {
          best = name;
          best_distance = distance;
        }
      if (length >= 2 && g_str_has_prefix (name, lower))
        {
          prefixed = name;
          n_prefixed++;
        }
    }

  if (best_distance <= 2 && best_distance * 3 <= (guint) length)
    return best;
  if (n_prefixed == 1)
    return prefixed;
  return NULL;
}

static int
unknown_command (const char *word)
{
  const char      *suggestion = suggest_command (word);
  g_autofree char *message
      = suggestion != NULL
            ? g_strdup_printf (_ ("unknown command “%s” (did you mean “%s”?)"), word, suggestion)
            : g_strdup_printf (_ ("unknown command “%s”"), word);

  fprintf (stderr, "storyreel: %s\n", message);
  fprintf (stderr, _ ("Run “storyreel --help” to see the commands.\n"));
  return REEL_CLI_EXIT_USAGE;
}

int
reel_cli_run (int argc, char **argv)
{
  const ReelCliCommand *command;

  g_return_val_if_fail (argc >= 2, REEL_CLI_EXIT_USAGE);

  if (g_str_equal (argv[1], "--version"))
    {
      printf ("storyreel %s\n", PACKAGE_VERSION);
      return REEL_CLI_EXIT_OK;
    }

  /* "help COMMAND" is "COMMAND --help". */
  if (g_str_equal (argv[1], "help") && argc > 2 && reel_cli_find_command (argv[2]) != NULL)
    {
      char *command_help[] = { argv[0], argv[2], (char *) "--help", NULL };

      return reel_cli_find_command (argv[2])->run (3, command_help);
    }
  if (g_str_equal (argv[1], "help") && argc > 2)
    return unknown_command (argv[2]);
  if (g_str_equal (argv[1], "help") || g_str_equal (argv[1], "--help")
      || g_str_equal (argv[1], "-h"))
    {
      print_help (stdout);
      return REEL_CLI_EXIT_OK;
    }

  command = reel_cli_find_command (argv[1]);
  if (command == NULL)
    return unknown_command (argv[1]);

  gst_init (NULL, NULL);
  return command->run (argc, argv);
}
