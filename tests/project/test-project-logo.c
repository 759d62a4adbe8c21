/* test-project-logo.c: the brand logo as a project setting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cairo.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "reel-cut.h"
#include "reel-media-store.h"
#include "reel-project-logo.h"
#include "reel-test-utils.h"

typedef struct
{
  char *dir;
  char *path;
  char *png;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 40, 20);
  cairo_t         *cr = cairo_create (surface);

  fixture->dir = reel_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "Film.storyreel", NULL);
  fixture->png = g_build_filename (fixture->dir, "brand.png", NULL);
  cairo_set_source_rgba (cr, 0.2, 0.4, 0.9, 0.8);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, fixture->png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->png);
}

static ReelProject *
open_project (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  ReelProject *project = reel_project_open_or_create (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

/* The image copied into the project's media, as the Preferences do. */
static char *
store_image (ReelProject *project, const char *png)
{
  GFile *media_dir = reel_project_get_media_dir (project);
  g_autoptr (ReelMediaStore) store = reel_media_store_new (media_dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelMediaInfo) info
      = reel_media_store_add_file (store, png, REEL_MEDIA_ADD_COPY, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (info->kind, ==, REEL_MEDIA_KIND_IMAGE);
  return g_strdup (info->relative_path);
}

/* A new project has no logo, and the default placement. */
static void
test_default (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = open_project (fixture->path);
  g_autoptr (ReelLogo) logo = reel_project_dup_logo (project);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCut) cut = NULL;

  g_assert_null (logo->media_path);
  g_assert_null (logo->path);
  g_assert_cmpint (logo->position, ==, REEL_LOGO_DEFAULT_POSITION);
  g_assert_cmpfloat (logo->size, ==, REEL_LOGO_DEFAULT_SIZE);
  g_assert_cmpfloat (logo->opacity, ==, REEL_LOGO_DEFAULT_OPACITY);

  cut = reel_cut_new_from_project (project, &error);
  g_assert_no_error (error);
  g_assert_null (cut->logo);
}

/* The logo, its corner, size and opacity survive closing and reopening the
 * project, and the image lives in the project's own media. */
static void
test_survives_reopening (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = open_project (fixture->path);
  g_autoptr (ReelLogo) logo = reel_logo_new ();
  g_autoptr (ReelLogo) read = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelCut) cut = NULL;
  GFile           *media_dir = NULL;
  g_autofree char *media_dir_path = NULL;

  logo->media_path = store_image (project, fixture->png);
  logo->position = REEL_LOGO_POSITION_BOTTOM_LEFT;
  logo->size = 0.2;
  logo->opacity = 0.6;
  logo->name = g_strdup ("brand.png");
  g_assert_true (reel_project_set_logo (project, logo, &error));
  g_assert_no_error (error);
  g_clear_object (&project);

  /* The user's file may go; the project keeps its copy. */
  g_assert_cmpint (g_unlink (fixture->png), ==, 0);

  project = open_project (fixture->path);
  read = reel_project_dup_logo (project);
  g_assert_cmpstr (read->media_path, ==, logo->media_path);
  g_assert_cmpstr (read->name, ==, "brand.png");
  g_assert_cmpint (read->position, ==, REEL_LOGO_POSITION_BOTTOM_LEFT);
  g_assert_cmpfloat_with_epsilon (read->size, 0.2, 1e-6);
  g_assert_cmpfloat_with_epsilon (read->opacity, 0.6, 1e-6);
  media_dir = reel_project_get_media_dir (project);
  media_dir_path = g_file_get_path (media_dir);
  g_assert_true (g_str_has_prefix (read->path, media_dir_path));
  g_assert_true (g_file_test (read->path, G_FILE_TEST_IS_REGULAR));

  /* The cut, which preview and export both draw from, carries it. */
  cut = reel_cut_new_from_project (project, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cut->logo);
  g_assert_cmpstr (cut->logo->path, ==, read->path);
  g_assert_cmpint (cut->logo->position, ==, REEL_LOGO_POSITION_BOTTOM_LEFT);
}

static void
changed_cb (ReelProject *project, guint flags, gpointer user_data)
{
  guint *settings_changes = user_data;

  if (flags & REEL_CHANGE_SETTINGS)
    (*settings_changes)++;
}

/* Setting, changing and removing the logo are steps the user can undo and
 * redo; setting what is already there is no step at all. */
static void
test_undo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = open_project (fixture->path);
  g_autoptr (ReelLogo) logo = reel_logo_new ();
  g_autoptr (ReelLogo) read = NULL;
  g_autoptr (GError) error = NULL;
  guint settings_changes = 0;

  g_signal_connect (project, "changed", G_CALLBACK (changed_cb), &settings_changes);
  g_assert_false (reel_project_can_undo (project));

  logo->media_path = store_image (project, fixture->png);
  g_assert_true (reel_project_set_logo (project, logo, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (settings_changes, ==, 1);
  g_assert_true (reel_project_can_undo (project));

  /* Nothing changes: no step, no signal. */
  g_assert_true (reel_project_undo (project, &error));
  g_assert_true (reel_project_redo (project, &error));
  settings_changes = 0;
  g_assert_true (reel_project_set_logo (project, logo, &error));
  g_assert_cmpuint (settings_changes, ==, 0);

  logo->opacity = 0.3;
  g_assert_true (reel_project_set_logo (project, logo, &error));
  g_clear_pointer (&logo->media_path, g_free);
  g_assert_true (reel_project_set_logo (project, logo, &error));
  g_assert_no_error (error);
  read = reel_project_dup_logo (project);
  g_assert_null (read->media_path);
  /* The placement outlives the image. */
  g_assert_cmpfloat_with_epsilon (read->opacity, 0.3, 1e-6);
  g_clear_pointer (&read, reel_logo_free);

  g_assert_true (reel_project_undo (project, &error));
  read = reel_project_dup_logo (project);
  g_assert_nonnull (read->media_path);
  g_assert_cmpfloat_with_epsilon (read->opacity, 0.3, 1e-6);
  g_clear_pointer (&read, reel_logo_free);

  g_assert_true (reel_project_undo (project, &error));
  read = reel_project_dup_logo (project);
  g_assert_cmpfloat_with_epsilon (read->opacity, REEL_LOGO_DEFAULT_OPACITY, 1e-6);
  g_clear_pointer (&read, reel_logo_free);

  g_assert_true (reel_project_undo (project, &error));
  g_assert_no_error (error);
  read = reel_project_dup_logo (project);
  g_assert_null (read->media_path);
  g_assert_false (reel_project_can_undo (project));
}

/* Values out of range, and images outside the project's media, are
 * refused with a message and change nothing. */
static void
test_refuses (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = open_project (fixture->path);
  g_autoptr (ReelLogo) logo = reel_logo_new ();
  g_autoptr (GError) error = NULL;

  logo->size = 0.9;
  g_assert_false (reel_project_set_logo (project, logo, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  logo->size = 0.1;
  logo->opacity = 1.5;
  g_assert_false (reel_project_set_logo (project, logo, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  logo->opacity = 1;
  logo->media_path = g_strdup (fixture->png);
  g_assert_false (reel_project_set_logo (project, logo, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_free (logo->media_path);
  logo->media_path = g_strdup ("../brand.png");
  g_assert_false (reel_project_set_logo (project, logo, &error));
  g_assert_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND);

  g_assert_false (reel_project_can_undo (project));
}

/* The project as `storyreel inspect --json` prints it. */
static JsonObject *
project_json (ReelProject *project, JsonParser *parser)
{
  g_autofree char *text = reel_project_to_json (project);
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* The project's JSON names the logo, where it goes, how large and how
 * opaque it is, and says null while there is none. */
static void
test_json (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) project = open_project (fixture->path);
  g_autoptr (ReelLogo) logo = reel_logo_new ();
  g_autoptr (ReelLogo) read = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;
  JsonObject *member;

  root = project_json (project, parser);
  g_assert_true (json_object_has_member (root, "logo"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (root, "logo")));

  logo->media_path = store_image (project, fixture->png);
  logo->name = g_strdup ("brand.png");
  logo->position = REEL_LOGO_POSITION_BOTTOM_LEFT;
  logo->size = 0.2;
  logo->opacity = 0.6;
  g_assert_true (reel_project_set_logo (project, logo, &error));
  g_assert_no_error (error);
  read = reel_project_dup_logo (project);

  root = project_json (project, parser);
  member = json_object_get_object_member (root, "logo");
  g_assert_nonnull (member);
  g_assert_cmpstr (json_object_get_string_member (member, "media"), ==, read->path);
  g_assert_true (
      g_file_test (json_object_get_string_member (member, "media"), G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (json_object_get_string_member (member, "name"), ==, "brand.png");
  g_assert_cmpstr (json_object_get_string_member (member, "position"), ==, "bottom-left");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (member, "size"), 0.2, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (member, "opacity"), 0.6, 1e-6);

  /* Removed, it is null again, though its placement is kept for later. */
  g_clear_pointer (&logo->media_path, g_free);
  g_assert_true (reel_project_set_logo (project, logo, &error));
  g_assert_no_error (error);
  root = project_json (project, parser);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (root, "logo")));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/project-logo/default", Fixture, NULL, fixture_set_up, test_default,
              fixture_tear_down);
  g_test_add ("/project-logo/survives-reopening", Fixture, NULL, fixture_set_up,
              test_survives_reopening, fixture_tear_down);
  g_test_add ("/project-logo/undo", Fixture, NULL, fixture_set_up, test_undo, fixture_tear_down);
  g_test_add ("/project-logo/refuses", Fixture, NULL, fixture_set_up, test_refuses,
              fixture_tear_down);
  g_test_add ("/project-logo/json", Fixture, NULL, fixture_set_up, test_json, fixture_tear_down);
  return g_test_run ();
}
