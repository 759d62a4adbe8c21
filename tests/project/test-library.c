/* test-library.c: the asset library across projects
 *
 * A user keeps takes of one project in the library, finds them again by who
 * is in them and by their mood, in English and Chinese, and uses one in
 * another project, where it is a verified take of the shot they chose that
 * plays. A character sheet and a style travel the same way. A library file
 * that is not one, or is damaged, is refused and left as it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <sqlite3.h>
#include <string.h>

#include "reel-library-private.h"
#include "reel-library.h"
#include "reel-media-store.h"
#include "reel-project-import.h"
#include "reel-test-utils.h"

#define WAIT_MS 60000

static const char first_script[] = "INT. KITCHEN - NIGHT\n"
                                   "\n"
                                   "Mia waits in the tense silence of the kitchen.\n"
                                   "\n"
                                   "EXT. 花园 - 白天\n"
                                   "\n"
                                   "小明在花园里孤独地等待。\n";

static const char second_script[] = "INT. STATION - DAY\n"
                                    "\n"
                                    "A train arrives.\n"
                                    "\n"
                                    "Passengers get off.\n";

typedef struct
{
  char        *dir;
  char        *video;
  ReelLibrary *library;
  ReelProject *first;
  gint64       kitchen_take; /* library ids */
  gint64       garden_take;
} Fixture;

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static ReelProject *
new_project (Fixture *fixture, const char *name, const char *script)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  ReelProject *project = reel_project_create (file, name, &error);

  g_assert_no_error (error);
  g_assert_true (reel_project_set_script (project, script, &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_no_error (error);
  return project;
}

static ReelShot *
nth_shot (ReelProject *project, guint n)
{
  g_autoptr (ReelShot) shot = g_list_model_get_item (reel_project_get_shots (project), n);

  return shot; /* the project holds it */
}

/* Imports the test video as a take of the @n-th shot and returns its id. */
static gint64
import_video (Fixture *fixture, ReelProject *project, guint n)
{
  g_autoptr (GFile) file = g_file_new_for_path (fixture->video);
  g_autoptr (GError) error = NULL;
  Wait   wait = { 0 };
  gint64 id;

  reel_project_import_take_async (project, reel_shot_get_id (nth_shot (project, n)), file, NULL,
                                  REEL_MEDIA_ADD_COPY, NULL, done_cb, &wait);
  reel_test_wait_until (reel_test_pointer_is_set, &wait.result, WAIT_MS, "the take's import");
  id = reel_project_import_take_finish (project, wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return id;
}

static gint64
keep_take_async (Fixture *fixture, gint64 take_id)
{
  g_autoptr (GError) error = NULL;
  Wait   wait = { 0 };
  gint64 id;

  reel_library_add_take_async (fixture->library, fixture->first, take_id, NULL, done_cb, &wait);
  reel_test_wait_until (reel_test_pointer_is_set, &wait.result, WAIT_MS, "keeping the take");
  id = reel_library_add_take_finish (fixture->library, wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return id;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *pipeline = NULL;
  g_autoptr (GFile) library_file = reel_library_dup_default_file ();
  g_autoptr (GError) error = NULL;
  gint64 kitchen, garden;

  fixture->dir = reel_test_make_tmpdir ();
  fixture->video = g_build_filename (fixture->dir, "clip.mp4", NULL);
  pipeline = g_strdup_printf (
      "videotestsrc num-buffers=12 ! video/x-raw,width=160,height=90,framerate=24/1 ! x264enc ! "
      "mp4mux ! filesink location=\"%s\"",
      fixture->video);
  reel_test_run_pipeline (pipeline);

  /* Each test starts with no library. */
  {
    g_autoptr (GFile) folder = g_file_get_parent (library_file);

    reel_test_rm_rf (g_file_peek_path (folder));
  }
  fixture->library = reel_library_open (library_file, &error);
  g_assert_no_error (error);

  fixture->first = new_project (fixture, "First.storyreel", first_script);
  g_assert_cmpint (reel_project_add_character (fixture->first, "Mia", "a tall woman", &error), >,
                   0);
  g_assert_cmpint (reel_project_add_character (fixture->first, "小明", "一个小男孩", &error), >, 0);
  kitchen = import_video (fixture, fixture->first, 0);
  garden = import_video (fixture, fixture->first, 1);
  /* One kept as the window keeps it, one as the command line does. */
  fixture->kitchen_take = keep_take_async (fixture, kitchen);
  fixture->garden_take
      = reel_library_add_take (fixture->library, fixture->first, garden, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fixture->garden_take, >, 0);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->first);
  g_clear_object (&fixture->library);
  reel_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->video);
}

/* The ids of what @query finds, in rank order. */
static GArray *
search_ids (Fixture *fixture, const char *query, ReelLibraryKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = reel_library_search (fixture->library, query, kind, &error);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    g_array_append_val (ids, ((ReelLibraryItem *) g_ptr_array_index (items, i))->id);
  return ids;
}

static void
assert_finds_only (Fixture *fixture, const char *query, ReelLibraryKind kind, gint64 id)
{
  g_autoptr (GArray) ids = search_ids (fixture, query, kind);

  g_test_message ("“%s” finds %u items", query, ids->len);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, id);
}

static gboolean
strv_has (char **strv, const char *word)
{
  return g_strv_contains ((const char *const *) strv, word);
}

static void
test_tags_from_the_shot (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelLibraryItem) kitchen
      = reel_library_get_item (fixture->library, fixture->kitchen_take, &error);
  g_autoptr (ReelLibraryItem) garden
      = reel_library_get_item (fixture->library, fixture->garden_take, &error);

  g_assert_no_error (error);
  g_assert_true (strv_has (kitchen->characters, "Mia"));
  g_assert_true (strv_has (kitchen->themes, "tense"));
  g_assert_true (strv_has (kitchen->themes, "night"));
  g_assert_true (strv_has (kitchen->settings, "kitchen"));
  g_assert_true (strv_has (garden->characters, "小明"));
  g_assert_true (strv_has (garden->themes, "孤独"));
  g_assert_cmpstr (kitchen->source_project, ==, "First.storyreel");
  g_assert_cmpstr (kitchen->media_kind, ==, "video");
  g_assert_nonnull (kitchen->thumbnail);

  /* The library's own copies, verified by their names. */
  {
    g_autofree char *path = reel_library_get_media_path (fixture->library, kitchen->media);
    g_autofree char *thumbnail = reel_library_get_media_path (fixture->library, kitchen->thumbnail);
    g_autofree char *sha256 = reel_test_sha256_file (path);

    g_assert_cmpstr (sha256, ==, kitchen->media_sha256);
    g_assert_true (g_file_test (thumbnail, G_FILE_TEST_IS_REGULAR));
  }
}

static void
test_search_by_character (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ReelLibraryCharacterSheet sheet = {
    .name = "小明",
    .aliases = (const char *const[]){ "Xiaoming", NULL },
    .description = "一个穿红衣服的小男孩",
    .voice = "bright",
  };
  gint64 sheet_id = reel_library_add_character (fixture->library, &sheet, &error);

  g_assert_no_error (error);
  assert_finds_only (fixture, "Mia", REEL_LIBRARY_KIND_ANY, fixture->kitchen_take);
  /* A prefix is enough. */
  assert_finds_only (fixture, "mi", REEL_LIBRARY_KIND_TAKE, fixture->kitchen_take);
  /* A Chinese name, without spaces around it in the text. */
  assert_finds_only (fixture, "小明", REEL_LIBRARY_KIND_TAKE, fixture->garden_take);
  assert_finds_only (fixture, "小明", REEL_LIBRARY_KIND_CHARACTER, sheet_id);
  assert_finds_only (fixture, "xiao", REEL_LIBRARY_KIND_ANY, sheet_id);
  {
    g_autoptr (GArray) both = search_ids (fixture, "小明", REEL_LIBRARY_KIND_ANY);

    /* The sheet, named so, ranks above the take that shows him. */
    g_assert_cmpuint (both->len, ==, 2);
    g_assert_cmpint (g_array_index (both, gint64, 0), ==, sheet_id);
  }
  {
    g_autoptr (GArray) nobody = search_ids (fixture, "Nobody", REEL_LIBRARY_KIND_ANY);

    g_assert_cmpuint (nobody->len, ==, 0);
  }
}

static void
test_search_by_theme (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GArray) everything = search_ids (fixture, "", REEL_LIBRARY_KIND_ANY);
  g_autoptr (GArray) none = search_ids (fixture, "tense 孤独", REEL_LIBRARY_KIND_ANY);

  assert_finds_only (fixture, "tense", REEL_LIBRARY_KIND_ANY, fixture->kitchen_take);
  assert_finds_only (fixture, "night kitchen", REEL_LIBRARY_KIND_ANY, fixture->kitchen_take);
  assert_finds_only (fixture, "孤独", REEL_LIBRARY_KIND_ANY, fixture->garden_take);
  /* Every word must match. */
  g_assert_cmpuint (none->len, ==, 0);
  /* No query lists everything, newest first. */
  g_assert_cmpuint (everything->len, ==, 2);
  g_assert_cmpint (g_array_index (everything, gint64, 0), ==, fixture->garden_take);
}

static gint64
use_item (Fixture *fixture, gint64 item_id, ReelProject *project, gint64 shot_id, GError **error)
{
  Wait   wait = { 0 };
  gint64 id;

  reel_library_use_async (fixture->library, item_id, project, shot_id, NULL, done_cb, &wait);
  reel_test_wait_until (reel_test_pointer_is_set, &wait.result, WAIT_MS, "using the item");
  id = reel_library_use_finish (fixture->library, wait.result, error);
  g_object_unref (wait.result);
  return id;
}

static void
test_reuse_take_in_another_project (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) second = new_project (fixture, "Second.storyreel", second_script);
  g_autoptr (ReelLibraryItem) item
      = reel_library_get_item (fixture->library, fixture->kitchen_take, NULL);
  g_autoptr (ReelMediaStore) store = reel_media_store_new (reel_project_get_media_dir (second));
  g_autoptr (ReelTake) take = NULL;
  g_autoptr (ReelMediaInfo) probe = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  ReelShot        *shot = nth_shot (second, 1);
  gint64           take_id;

  take_id = use_item (fixture, fixture->kitchen_take, second, reel_shot_get_id (shot), &error);
  g_assert_no_error (error);
  take = reel_project_get_take (second, take_id);
  g_assert_nonnull (take);
  /* A take of the chosen shot, and the only take the project has. */
  g_assert_cmpint (take->shot_id, ==, reel_shot_get_id (shot));
  g_assert_cmpint (reel_shot_get_chosen_take_id (shot), ==, take_id);
  g_assert_cmpuint (reel_shot_get_n_takes (nth_shot (second, 0)), ==, 0);
  g_assert_cmpstr (take->media_sha256, ==, item->media_sha256);
  g_assert_cmpstr (take->backend, ==, item->backend);
  /* In the second project's own store, verified, not pointing into the library. */
  g_assert_true (reel_media_store_check (store, take->media, take->media_sha256, &error));
  g_assert_no_error (error);
  path = reel_project_get_media_path (second, take->media);
  g_assert_true (g_str_has_prefix (path, g_file_peek_path (reel_project_get_media_dir (second))));
  /* It plays: a video decodable to its end. */
  probe = reel_media_probe (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (probe->kind, ==, REEL_MEDIA_KIND_VIDEO);
  g_assert_cmpfloat (probe->duration, >, 0.4);

  /* A take needs a shot to go to. */
  g_assert_cmpint (use_item (fixture, fixture->kitchen_take, second, 0, &error), ==, 0);
  g_assert_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_NOT_FOUND);
}

static void
test_reuse_character_and_style (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) second = new_project (fixture, "Second.storyreel", second_script);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) characters = NULL;
  const char *const         aliases[] = { "米娅", NULL };
  ReelLibraryCharacterSheet sheet = {
    .name = "Mia", .aliases = aliases, .description = "red coat, short hair", .voice = "soft"
  };
  gint64 sheet_id = reel_library_add_character (fixture->library, &sheet, &error);
  gint64 style_id = reel_library_add_style (fixture->library, "Noir", "black and white", &error);

  g_assert_no_error (error);
  g_assert_cmpint (use_item (fixture, sheet_id, second, 0, &error), >, 0);
  g_assert_no_error (error);
  characters = reel_project_list_characters (second);
  g_assert_cmpuint (characters->len, ==, 1);
  g_assert_cmpstr (((ReelCharacter *) characters->pdata[0])->name, ==, "Mia");
  g_assert_cmpstr (((ReelCharacter *) characters->pdata[0])->description, ==,
                   "red coat, short hair");
  /* The sheet's other names and voice come along: the Chinese name finds her in a shot. */
  g_assert_cmpstrv (((ReelCharacter *) characters->pdata[0])->aliases, aliases);
  g_assert_cmpstr (((ReelCharacter *) characters->pdata[0])->voice, ==, "soft");
  /* Using it again updates the project's Mia rather than failing. */
  g_assert_cmpint (use_item (fixture, sheet_id, second, 0, &error), >, 0);
  g_assert_no_error (error);

  g_assert_cmpint (use_item (fixture, style_id, second, 0, &error), >, 0);
  g_assert_no_error (error);
  assert_finds_only (fixture, "noir", REEL_LIBRARY_KIND_STYLE, style_id);
  g_assert_true (reel_library_remove (fixture->library, style_id, &error));
  g_assert_no_error (error);
  {
    g_autoptr (GArray) gone = search_ids (fixture, "noir", REEL_LIBRARY_KIND_ANY);

    g_assert_cmpuint (gone->len, ==, 0);
  }
}

/* A sheet with a picture gives the project's character that picture, copied
 * into the project's own store, and the shot that mentions her starts from
 * it (image-to-video). */
static void
test_reuse_character_with_picture (Fixture *fixture, gconstpointer data)
{
  g_autoptr (ReelProject) second = new_project (fixture, "Second.storyreel",
                                                "INT. STATION - DAY\n\nMia waits for the train.\n");
  g_autofree char *picture = g_build_filename (fixture->dir, "mia.png", NULL);
  g_autofree char *pipeline = g_strdup_printf (
      "videotestsrc num-buffers=1 ! video/x-raw,width=64,height=48 ! pngenc ! filesink "
      "location=\"%s\"",
      picture);
  g_autoptr (GPtrArray) characters = NULL;
  g_autoptr (ReelShotPrompt) prompt = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char          *copied = NULL;
  g_autofree char          *original_bytes = NULL;
  g_autofree char          *copied_bytes = NULL;
  gsize                     original_length, copied_length;
  const ReelCharacter      *mia;
  ReelLibraryCharacterSheet sheet = { .name = "Mia", .description = "red coat" };
  gint64                    sheet_id;

  reel_test_run_pipeline (pipeline);
  sheet.reference_image = picture;
  sheet_id = reel_library_add_character (fixture->library, &sheet, &error);
  g_assert_no_error (error);
  /* The library keeps its own copy: the original may go. */
  g_assert_true (g_file_get_contents (picture, &original_bytes, &original_length, NULL));
  g_assert_cmpint (g_unlink (picture), ==, 0);

  g_assert_cmpint (use_item (fixture, sheet_id, second, 0, &error), >, 0);
  g_assert_no_error (error);
  characters = reel_project_list_characters (second);
  g_assert_cmpuint (characters->len, ==, 1);
  mia = characters->pdata[0];
  g_assert_nonnull (mia->reference_image);
  copied = reel_project_get_media_path (second, mia->reference_image);
  g_assert_true (g_str_has_prefix (copied, g_file_peek_path (reel_project_get_media_dir (second))));
  g_assert_true (g_file_get_contents (copied, &copied_bytes, &copied_length, NULL));
  g_assert_cmpmem (copied_bytes, copied_length, original_bytes, original_length);

  prompt = reel_project_dup_shot_prompt (second, reel_shot_get_id (nth_shot (second, 0)));
  g_assert_nonnull (prompt);
  g_assert_cmpstr (prompt->reference_image, ==, mia->reference_image);
}

/* Writes @contents as a library file and checks it is refused and left alone. */
static void
assert_refused (Fixture *fixture, const char *contents, gsize length, int code)
{
  g_autofree char *path = g_build_filename (fixture->dir, "other", "library.db", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (ReelLibrary) library = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL;
  gsize            after_length;

  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  library = reel_library_open (file, &error);
  g_assert_null (library);
  g_assert_error (error, REEL_LIBRARY_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (after, after_length, contents, length);
}

static void
test_refuses_foreign_or_damaged_file (Fixture *fixture, gconstpointer data)
{
  static const char text[] = "Shopping list: tea, milk.\n";
  char              damaged[8192];
  g_autofree char  *foreign_path = g_build_filename (fixture->dir, "foreign.db", NULL);
  g_autofree char  *foreign = NULL;
  gsize             foreign_length;
  sqlite3          *db = NULL;

  assert_refused (fixture, text, sizeof text - 1, REEL_LIBRARY_ERROR_NOT_A_LIBRARY);

  /* An SQLite header over garbage. */
  memset (damaged, 0x5a, sizeof damaged);
  memcpy (damaged, "SQLite format 3", 16);
  assert_refused (fixture, damaged, sizeof damaged, REEL_LIBRARY_ERROR_CORRUPT);

  /* Another program's database. */
  g_assert_cmpint (sqlite3_open (foreign_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE notes (text)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (foreign_path, &foreign, &foreign_length, NULL));
  assert_refused (fixture, foreign, foreign_length, REEL_LIBRARY_ERROR_NOT_A_LIBRARY);
}

/* Windows and `storyreel library` opening a library that is not there yet,
 * all at once: each gets it, and none deletes what another made. */
typedef struct
{
  GFile   *file;
  GMutex   lock;
  GCond    start;
  gboolean go;
} OpenRace;

static gpointer
open_and_keep_style (gpointer data)
{
  OpenRace *race = data;
  g_autoptr (ReelLibrary) library = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("style %p", (void *) g_thread_self ());

  g_mutex_lock (&race->lock);
  while (!race->go)
    g_cond_wait (&race->start, &race->lock);
  g_mutex_unlock (&race->lock);
  library = reel_library_open (race->file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reel_library_add_style (library, name, "chalk", &error), >, 0);
  g_assert_no_error (error);
  return NULL;
}

static void
test_opened_at_once (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "fresh", "library.db", NULL);
  OpenRace         race = { .file = g_file_new_for_path (path) };
  GThread         *threads[6];
  g_autoptr (ReelLibrary) library = NULL;
  g_autoptr (GPtrArray) styles = NULL;
  g_autoptr (GError) error = NULL;

  g_mutex_init (&race.lock);
  g_cond_init (&race.start);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("opener", open_and_keep_style, &race);
  g_mutex_lock (&race.lock);
  race.go = TRUE;
  g_cond_broadcast (&race.start);
  g_mutex_unlock (&race.lock);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  library = reel_library_open (race.file, &error);
  g_assert_no_error (error);
  styles = reel_library_search (library, NULL, REEL_LIBRARY_KIND_STYLE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (styles->len, ==, G_N_ELEMENTS (threads));
  g_mutex_clear (&race.lock);
  g_cond_clear (&race.start);
  g_object_unref (race.file);
}

/* A closed library at @path with one style, @style. */
static void
make_library_with_style (const char *path, const char *style)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelLibrary) library = reel_library_open (file, &error);

  g_assert_no_error (error);
  g_assert_cmpint (reel_library_add_style (library, style, "chalk", &error), >, 0);
  g_assert_no_error (error);
}

static void
assert_only_style (const char *path, const char *style)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelLibrary) library = reel_library_open (file, &error);
  g_autoptr (GPtrArray) styles = NULL;

  g_assert_no_error (error);
  styles = reel_library_search (library, NULL, REEL_LIBRARY_KIND_STYLE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (styles->len, ==, 1);
  g_assert_cmpstr (((ReelLibraryItem *) g_ptr_array_index (styles, 0))->name, ==, style);
}

/* On a file system without hard links, a new library is put in place by a
 * rename that replaces nothing (or, without that, a check first): a library
 * another opener made a moment before stays, with what was kept in it. */
static void
test_put_without_hard_links (Fixture *fixture, gconstpointer data)
{
  const ReelLibraryPutMethod methods[]
      = { REEL_LIBRARY_PUT_RENAME_NOREPLACE, REEL_LIBRARY_PUT_CHECK_THEN_RENAME };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *name = g_strdup_printf ("put-%u", i);
      g_autofree char *theirs = g_build_filename (fixture->dir, name, "library.db", NULL);
      g_autofree char *ours = g_build_filename (fixture->dir, name, "made", "library.db", NULL);
      g_autofree char *fresh = g_build_filename (fixture->dir, name, "fresh.db", NULL);
      g_autofree char *empty = g_build_filename (fixture->dir, name, "empty.db", NULL);

      g_test_message ("method %d", methods[i]);
      make_library_with_style (theirs, "theirs");
      make_library_with_style (ours, "ours");

      /* Another opener's library is kept; ours stays for us to remove. */
      g_assert_cmpint (reel_library_put_file (ours, theirs, methods[i]), ==, 0);
      assert_only_style (theirs, "theirs");
      g_assert_true (g_file_test (ours, G_FILE_TEST_IS_REGULAR));

      /* An empty file left by an old version is replaced. */
      g_assert_true (g_file_set_contents (empty, "", 0, NULL));
      g_assert_cmpint (reel_library_put_file (ours, empty, methods[i]), ==, 0);
      assert_only_style (empty, "ours");
      g_assert_false (g_file_test (ours, G_FILE_TEST_EXISTS));

      /* Where nothing is, it is put in place. */
      g_assert_cmpint (reel_library_put_file (empty, fresh, methods[i]), ==, 0);
      assert_only_style (fresh, "ours");
      g_assert_false (g_file_test (empty, G_FILE_TEST_EXISTS));
    }
}

int
main (int argc, char *argv[])
{
  /* Before anything asks GLib for it: GLib keeps the first answer. */
  g_autofree char *data_home = g_dir_make_tmp ("storyreel-library-XXXXXX", NULL);
  int              status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

#define ADD_TEST(path, func)                                                                       \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("/library/tags-from-the-shot", test_tags_from_the_shot);
  ADD_TEST ("/library/search-by-character", test_search_by_character);
  ADD_TEST ("/library/search-by-theme", test_search_by_theme);
  ADD_TEST ("/library/reuse-take-in-another-project", test_reuse_take_in_another_project);
  ADD_TEST ("/library/reuse-character-and-style", test_reuse_character_and_style);
  ADD_TEST ("/library/reuse-character-with-picture", test_reuse_character_with_picture);
  ADD_TEST ("/library/refuses-foreign-or-damaged-file", test_refuses_foreign_or_damaged_file);
  ADD_TEST ("/library/opened-at-once", test_opened_at_once);
  ADD_TEST ("/library/put-without-hard-links", test_put_without_hard_links);

  status = g_test_run ();
  reel_test_rm_rf (data_home);
  return status;
}
