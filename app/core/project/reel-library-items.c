/* reel-library-items.c: library items and their tags: keeping, searching, removing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "reel-library-private.h"

static const char *const kind_names[] = { "", "take", "character", "style" };

const char *
reel_library_kind_to_string (ReelLibraryKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), "");
  return kind_names[kind];
}

gboolean
reel_library_kind_from_string (const char *str, ReelLibraryKind *kind)
{
  for (guint i = 1; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (str, kind_names[i]) == 0)
      {
        *kind = (ReelLibraryKind) i;
        return TRUE;
      }
  return FALSE;
}

ReelLibraryItem *
reel_library_item_new (ReelLibraryKind kind)
{
  ReelLibraryItem *item = g_new0 (ReelLibraryItem, 1);

  item->kind = kind;
  item->aliases = g_new0 (char *, 1);
  item->themes = g_new0 (char *, 1);
  item->characters = g_new0 (char *, 1);
  item->settings = g_new0 (char *, 1);
  return item;
}

ReelLibraryItem *
reel_library_item_copy (const ReelLibraryItem *item)
{
  ReelLibraryItem *copy = g_memdup2 (item, sizeof *item);

  copy->name = g_strdup (item->name);
  copy->description = g_strdup (item->description);
  copy->aliases = g_strdupv (item->aliases);
  copy->voice = g_strdup (item->voice);
  copy->media = g_strdup (item->media);
  copy->media_sha256 = g_strdup (item->media_sha256);
  copy->thumbnail = g_strdup (item->thumbnail);
  copy->media_kind = g_strdup (item->media_kind);
  copy->backend = g_strdup (item->backend);
  copy->model = g_strdup (item->model);
  copy->source_project = g_strdup (item->source_project);
  copy->themes = g_strdupv (item->themes);
  copy->characters = g_strdupv (item->characters);
  copy->settings = g_strdupv (item->settings);
  return copy;
}

void
reel_library_item_free (ReelLibraryItem *item)
{
  if (item == NULL)
    return;
  g_free (item->name);
  g_free (item->description);
  g_strfreev (item->aliases);
  g_free (item->voice);
  g_free (item->media);
  g_free (item->media_sha256);
  g_free (item->thumbnail);
  g_free (item->media_kind);
  g_free (item->backend);
  g_free (item->model);
  g_free (item->source_project);
  g_strfreev (item->themes);
  g_strfreev (item->characters);
  g_strfreev (item->settings);
  g_free (item);
}

/* Scripts written without spaces between words. */
static gboolean
is_unspaced_script (gunichar c)
{
  GUnicodeScript script = g_unichar_get_script (c);

  return script == G_UNICODE_SCRIPT_HAN || script == G_UNICODE_SCRIPT_HIRAGANA
         || script == G_UNICODE_SCRIPT_KATAKANA;
}

/* @text as the index reads it: Chinese and Japanese characters spaced apart,
 * so that each is a token of its own. */
static void
append_searchable (GString *out, const char *text)
{
  if (text == NULL)
    return;
  if (out->len > 0)
    g_string_append_c (out, ' ');
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_unspaced_script (c))
        {
          g_string_append_c (out, ' ');
          g_string_append_unichar (out, c);
          g_string_append_c (out, ' ');
        }
      else
        g_string_append_unichar (out, c);
    }
}

static char *
searchable_words (const char *const *words)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    append_searchable (out, words[i]);
  return g_string_free (out, FALSE);
}

/* The FTS5 query of what a user typed: each word a phrase of its tokens,
 * matched as a prefix, all of them required. NULL when it has no word. */
static char *
build_match_query (const char *query)
{
  g_auto (GStrv) words = g_strsplit_set (query, " \t\n\r\u3000", -1);
  g_autoptr (GString) match = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr (GString) phrase = g_string_new (NULL);
      gboolean has_token = FALSE;

      append_searchable (phrase, words[i]);
      for (const char *p = phrase->str; *p != '\0'; p = g_utf8_next_char (p))
        has_token |= g_unichar_isalnum (g_utf8_get_char (p));
      if (!has_token)
        continue;
      g_string_replace (phrase, "\"", "\"\"", 0);
      g_string_append_printf (match, "%s\"%s\"*", match->len > 0 ? " " : "", phrase->str);
    }
  return match->len > 0 ? g_strdup (match->str) : NULL;
}

static gboolean
insert_tags (ReelLibrary *self, gint64 item_id, const char *facet, char **values, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = reel_library_prepare (
      self, "INSERT OR IGNORE INTO tags (item_id, facet, value) VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; values[i] != NULL; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, item_id);
      sqlite3_bind_text (stmt, 2, facet, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, values[i], -1, SQLITE_TRANSIENT);
      if (!reel_library_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static void
bind_item (sqlite3_stmt *stmt, const ReelLibraryItem *item)
{
  g_autofree char *aliases = g_strjoinv ("\n", item->aliases);
  g_autofree char *search_name = NULL;
  g_autofree char *search_tags = NULL;
  g_autofree char *search_text = NULL;
  g_autoptr (GStrvBuilder) tags = g_strv_builder_new ();
  g_auto (GStrv) all_tags = NULL;
  const char *names[] = { item->name, NULL };
  const char *texts[] = { item->description, item->voice, item->source_project, NULL };

  g_strv_builder_addv (tags, (const char **) item->aliases);
  g_strv_builder_addv (tags, (const char **) item->characters);
  g_strv_builder_addv (tags, (const char **) item->themes);
  g_strv_builder_addv (tags, (const char **) item->settings);
  all_tags = g_strv_builder_end (tags);
  search_name = searchable_words (names);
  search_tags = searchable_words ((const char *const *) all_tags);
  search_text = searchable_words (texts);

  sqlite3_bind_text (stmt, 1, reel_library_kind_to_string (item->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, item->description != NULL ? item->description : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, aliases, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, item->voice, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, item->media, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, item->media_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, item->thumbnail, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, item->media_kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, item->backend, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 11, item->model, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 12, item->seed);
  sqlite3_bind_double (stmt, 13, item->duration);
  sqlite3_bind_text (stmt, 14, item->source_project, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 15, item->created);
  sqlite3_bind_text (stmt, 16, search_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 17, search_tags, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 18, search_text, -1, SQLITE_TRANSIENT);
}

/* Inside the caller's transaction. */
static gboolean
insert_row (ReelLibrary *self, ReelLibraryItem *item, GError **error)
{
  g_autoptr (sqlite3_stmt) forget = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (item->kind != REEL_LIBRARY_KIND_TAKE)
    {
      forget = reel_library_prepare (self, "DELETE FROM items WHERE kind = ? AND name = ?", error);
      if (forget == NULL)
        return FALSE;
      sqlite3_bind_text (forget, 1, reel_library_kind_to_string (item->kind), -1, SQLITE_STATIC);
      sqlite3_bind_text (forget, 2, item->name, -1, SQLITE_TRANSIENT);
      if (!reel_library_step_done (self, forget, error))
        return FALSE;
    }
  stmt = reel_library_prepare (
      self,
      "INSERT INTO items (kind, name, description, aliases, voice, media, media_sha256, "
      "thumbnail, media_kind, backend, model, seed, duration, source_project, created, "
      "search_name, search_tags, search_text) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      error);
  if (stmt == NULL)
    return FALSE;
  bind_item (stmt, item);
  if (!reel_library_step_done (self, stmt, error))
    return FALSE;
  item->id = sqlite3_last_insert_rowid (self->db);
  return insert_tags (self, item->id, "theme", item->themes, error)
         && insert_tags (self, item->id, "character", item->characters, error)
         && insert_tags (self, item->id, "setting", item->settings, error);
}

gboolean
reel_library_insert_item (ReelLibrary *self, ReelLibraryItem *item, GError **error)
{
  if (item->name == NULL || *item->name == '\0' || !g_utf8_validate (item->name, -1, NULL))
    {
      g_set_error_literal (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_INVALID,
                           _ ("An item of the library needs a name."));
      return FALSE;
    }
  if (item->created == 0)
    item->created = g_get_real_time () / G_USEC_PER_SEC;
  if (!reel_library_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!insert_row (self, item, error) || !reel_library_exec (self, "COMMIT", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      item->id = 0;
      return FALSE;
    }
  return TRUE;
}

gint64
reel_library_add_character (ReelLibrary                     *self,
                            const ReelLibraryCharacterSheet *sheet,
                            GError                         **error)
{
  g_autoptr (ReelLibraryItem) item = reel_library_item_new (REEL_LIBRARY_KIND_CHARACTER);

  g_return_val_if_fail (REEL_IS_LIBRARY (self), 0);
  g_return_val_if_fail (sheet != NULL, 0);

  item->name = g_strdup (sheet->name);
  item->description = g_strdup (sheet->description);
  if (sheet->aliases != NULL)
    {
      g_strfreev (item->aliases);
      item->aliases = g_strdupv ((char **) sheet->aliases);
    }
  item->voice = g_strdup (sheet->voice);
  g_strfreev (item->characters);
  item->characters = g_strdupv ((char *[]){ (char *) sheet->name, NULL });
  if (sheet->reference_image != NULL)
    {
      g_autoptr (ReelMediaInfo) picture = reel_media_store_add_file (
          self->store, sheet->reference_image, REEL_MEDIA_ADD_COPY, NULL, error);

      if (picture == NULL)
        return 0;
      item->media = g_strdup (picture->relative_path);
      item->media_sha256 = g_strdup (picture->sha256);
      item->thumbnail = g_strdup (picture->relative_path);
      item->media_kind = g_strdup (reel_media_kind_to_string (picture->kind));
    }
  return reel_library_insert_item (self, item, error) ? item->id : 0;
}

gint64
reel_library_add_style (ReelLibrary *self, const char *name, const char *prompt, GError **error)
{
  g_autoptr (ReelLibraryItem) item = reel_library_item_new (REEL_LIBRARY_KIND_STYLE);

  g_return_val_if_fail (REEL_IS_LIBRARY (self), 0);

  item->name = g_strdup (name);
  item->description = g_strdup (prompt);
  return reel_library_insert_item (self, item, error) ? item->id : 0;
}

static void
read_tags (ReelLibrary *self, ReelLibraryItem *item)
{
  g_autoptr (sqlite3_stmt) stmt = reel_library_prepare (
      self, "SELECT facet, value FROM tags WHERE item_id = ? ORDER BY rowid", NULL);
  g_autoptr (GStrvBuilder) themes = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) characters = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) settings = g_strv_builder_new ();

  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, item->id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *facet = (const char *) sqlite3_column_text (stmt, 0);
      const char *value = (const char *) sqlite3_column_text (stmt, 1);

      g_strv_builder_add (g_str_equal (facet, "theme")       ? themes
                          : g_str_equal (facet, "character") ? characters
                                                             : settings,
                          value);
    }
  g_strfreev (item->themes);
  item->themes = g_strv_builder_end (themes);
  g_strfreev (item->characters);
  item->characters = g_strv_builder_end (characters);
  g_strfreev (item->settings);
  item->settings = g_strv_builder_end (settings);
}

#define ITEM_COLUMNS                                                                               \
  "items.id, kind, name, description, aliases, voice, media, media_sha256, thumbnail, "            \
  "media_kind, backend, model, seed, duration, source_project, created"

static ReelLibraryItem *
read_item (ReelLibrary *self, sqlite3_stmt *stmt)
{
  ReelLibraryKind  kind = REEL_LIBRARY_KIND_TAKE;
  ReelLibraryItem *item;
  g_autofree char *aliases = reel_sql_dup_text (stmt, 4);

  reel_library_kind_from_string ((const char *) sqlite3_column_text (stmt, 1), &kind);
  item = reel_library_item_new (kind);
  item->id = sqlite3_column_int64 (stmt, 0);
  item->name = reel_sql_dup_text (stmt, 2);
  item->description = reel_sql_dup_text (stmt, 3);
  if (aliases != NULL && *aliases != '\0')
    {
      g_strfreev (item->aliases);
      item->aliases = g_strsplit (aliases, "\n", -1);
    }
  item->voice = reel_sql_dup_text (stmt, 5);
  item->media = reel_sql_dup_text (stmt, 6);
  item->media_sha256 = reel_sql_dup_text (stmt, 7);
  item->thumbnail = reel_sql_dup_text (stmt, 8);
  item->media_kind = reel_sql_dup_text (stmt, 9);
  item->backend = reel_sql_dup_text (stmt, 10);
  item->model = reel_sql_dup_text (stmt, 11);
  item->seed = sqlite3_column_int64 (stmt, 12);
  item->duration = sqlite3_column_double (stmt, 13);
  item->source_project = reel_sql_dup_text (stmt, 14);
  item->created = sqlite3_column_int64 (stmt, 15);
  read_tags (self, item);
  return item;
}

GPtrArray *
reel_library_search (ReelLibrary *self, const char *query, ReelLibraryKind kind, GError **error)
{
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_library_item_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *match = NULL;
  int              rc;

  g_return_val_if_fail (REEL_IS_LIBRARY (self), NULL);

  match = query != NULL ? build_match_query (query) : NULL;
  /* Names weigh most, then tags, then the prompt. */
  if (match != NULL)
    stmt = reel_library_prepare (self,
                                 "SELECT " ITEM_COLUMNS " FROM items_fts "
                                 "JOIN items ON items.id = items_fts.rowid "
                                 "WHERE items_fts MATCH ?1 AND (?2 = '' OR kind = ?2) "
                                 "ORDER BY bm25 (items_fts, 10.0, 5.0, 1.0), items.id DESC",
                                 error);
  else
    stmt = reel_library_prepare (self,
                                 "SELECT " ITEM_COLUMNS " FROM items "
                                 "WHERE (?2 = '' OR kind = ?2) ORDER BY created DESC, id DESC",
                                 error);
  if (stmt == NULL)
    return NULL;
  if (match != NULL)
    sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, reel_library_kind_to_string (kind), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, read_item (self, stmt));
  if (rc != SQLITE_DONE)
    {
      reel_library_set_sql_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&items);
}

ReelLibraryItem *
reel_library_get_item (ReelLibrary *self, gint64 item_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_LIBRARY (self), NULL);

  stmt = reel_library_prepare (self, "SELECT " ITEM_COLUMNS " FROM items WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, item_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return read_item (self, stmt);
  g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_NOT_FOUND,
               _ ("The library has no item %" PRId64 "."), item_id);
  return NULL;
}

gboolean
reel_library_remove (ReelLibrary *self, gint64 item_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_LIBRARY (self), FALSE);

  stmt = reel_library_prepare (self, "DELETE FROM items WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  /* One statement: its own transaction, tags and index included. */
  if (!reel_library_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, REEL_LIBRARY_ERROR, REEL_LIBRARY_ERROR_NOT_FOUND,
                   _ ("The library has no item %" PRId64 "."), item_id);
      return FALSE;
    }
  return TRUE;
}
