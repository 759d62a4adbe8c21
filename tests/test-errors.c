/* test-errors.c: the names of Storyreel's error domains
 *
 * A domain's name is what a GError shows in logs and what code that only has
 * the name (a binding, a D-Bus error mapping) matches on, so it must be the
 * conventional "reel-<name>-error-quark". A formatter once turned one into
 * "reel - project - error - quark".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "reel-animatic.h"
#include "reel-backend.h"
#include "reel-breakdown.h"
#include "reel-csv.h"
#include "reel-cut-timeline.h"
#include "reel-exporter.h"
#include "reel-film-batch.h"
#include "reel-gpu-slots.h"
#include "reel-http-client.h"
#include "reel-library.h"
#include "reel-media-store.h"
#include "reel-pdf-boards.h"
#include "reel-project.h"
#include "reel-safety-screen.h"
#include "reel-test-utils.h"

typedef struct
{
  const char *function;
  GQuark      quark;
} Domain;

#define DOMAIN(macro, function)                                                                    \
  {                                                                                                \
#function, macro                                                                               \
  }

/* Every domain, by its macro, as callers use it. */
static GArray *
list_domains (void)
{
  const Domain domains[] = {
    DOMAIN (REEL_SCRIPT_ERROR, reel_script_error_quark),
    DOMAIN (REEL_ANIMATIC_ERROR, reel_animatic_error_quark),
    DOMAIN (REEL_MEDIA_ERROR, reel_media_error_quark),
    DOMAIN (REEL_PROJECT_ERROR, reel_project_error_quark),
    DOMAIN (REEL_LIBRARY_ERROR, reel_library_error_quark),
    DOMAIN (REEL_BACKEND_ERROR, reel_backend_error_quark),
    DOMAIN (REEL_CUT_TIMELINE_ERROR, reel_cut_timeline_error_quark),
    DOMAIN (REEL_EXPORT_ERROR, reel_export_error_quark),
    DOMAIN (REEL_PDF_BOARDS_ERROR, reel_pdf_boards_error_quark),
    DOMAIN (REEL_NET_ERROR, reel_net_error_quark),
    DOMAIN (REEL_GPU_ERROR, reel_gpu_error_quark),
    DOMAIN (REEL_SAFETY_ERROR, reel_safety_error_quark),
    DOMAIN (REEL_CSV_ERROR, reel_csv_error_quark),
    DOMAIN (REEL_FILM_BATCH_ERROR, reel_film_batch_error_quark),
  };
  GArray *list = g_array_sized_new (FALSE, FALSE, sizeof (Domain), G_N_ELEMENTS (domains));

  g_array_append_vals (list, domains, G_N_ELEMENTS (domains));
  return list;
}

static void
test_domain_names (void)
{
  g_autoptr (GArray) domains = list_domains ();

  for (guint i = 0; i < domains->len; i++)
    {
      const Domain    *domain = &g_array_index (domains, Domain, i);
      g_autofree char *expected = g_strdelimit (g_strdup (domain->function), "_", '-');
      const char      *name = g_quark_to_string (domain->quark);

      g_test_message ("%s → %s", domain->function, name);
      g_assert_cmpstr (name, ==, expected);
      g_assert_true (g_str_has_prefix (name, "reel-"));
      g_assert_true (g_str_has_suffix (name, "-error-quark"));
      g_assert_null (strchr (name, ' '));
    }
}

static void
collect_declared_domains (const char *dir, GRegex *declaration, GPtrArray *found)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) listing = g_dir_open (dir, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr (GMatchInfo) match = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          collect_declared_domains (path, declaration, found);
          continue;
        }
      if (!g_str_has_suffix (name, ".h"))
        continue;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_regex_match (declaration, contents, 0, &match);
      while (g_match_info_matches (match))
        {
          g_ptr_array_add (found, g_match_info_fetch (match, 1));
          g_match_info_next (match, NULL);
        }
    }
}

/* A domain added later is named here too: the list above is complete. */
static void
test_every_domain_listed (void)
{
  g_autoptr (GArray) domains = list_domains ();
  g_autoptr (GPtrArray) declared = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GRegex) declaration = g_regex_new (
      "^GQuark\\s+(\\w+_error_quark)\\s*\\(\\s*void\\s*\\)\\s*;", G_REGEX_MULTILINE, 0, NULL);
  g_autofree char *app = reel_test_source_path ("app");

  collect_declared_domains (app, declaration, declared);
  g_assert_cmpuint (declared->len, >, 0);
  for (guint i = 0; i < declared->len; i++)
    {
      const char *function = g_ptr_array_index (declared, i);
      gboolean    listed = FALSE;

      for (guint j = 0; j < domains->len && !listed; j++)
        listed = g_str_equal (g_array_index (domains, Domain, j).function, function);
      if (!listed)
        g_test_fail_printf ("%s is declared in app/ but not checked here", function);
    }
  g_assert_cmpuint (declared->len, ==, domains->len);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/errors/domain-names", test_domain_names);
  g_test_add_func ("/errors/every-domain-listed", test_every_domain_listed);

  return g_test_run ();
}
