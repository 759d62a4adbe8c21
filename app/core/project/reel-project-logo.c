/* reel-project-logo.c: the project's brand logo
 *
 * Rows of the settings table: the image's media path, the name of the file
 * it came from, and its placement. The placement outlives the image, so choosing another logo
 * keeps where and how large the last one was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-project-logo.h"
#include "reel-project-private.h"

#define KEY_IMAGE "logo_image"
#define KEY_NAME "logo_name"
#define KEY_POSITION "logo_position"
#define KEY_SIZE "logo_size"
#define KEY_OPACITY "logo_opacity"

static const char *const position_names[] = {
  [REEL_LOGO_POSITION_TOP_LEFT] = "top-left",
  [REEL_LOGO_POSITION_TOP_RIGHT] = "top-right",
  [REEL_LOGO_POSITION_BOTTOM_LEFT] = "bottom-left",
  [REEL_LOGO_POSITION_BOTTOM_RIGHT] = "bottom-right",
};

const char *
reel_logo_position_to_string (ReelLogoPosition position)
{
  if ((guint) position >= G_N_ELEMENTS (position_names))
    return position_names[REEL_LOGO_DEFAULT_POSITION];
  return position_names[position];
}

gboolean
reel_logo_position_from_string (const char *str, ReelLogoPosition *position)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (position_names); i++)
    if (g_ascii_strcasecmp (str, position_names[i]) == 0)
      {
        if (position != NULL)
          *position = (ReelLogoPosition) i;
        return TRUE;
      }
  return FALSE;
}

ReelLogo *
reel_logo_new (void)
{
  ReelLogo *logo = g_new0 (ReelLogo, 1);

  logo->position = REEL_LOGO_DEFAULT_POSITION;
  logo->size = REEL_LOGO_DEFAULT_SIZE;
  logo->opacity = REEL_LOGO_DEFAULT_OPACITY;
  return logo;
}

ReelLogo *
reel_logo_copy (const ReelLogo *logo)
{
  ReelLogo *copy;

  g_return_val_if_fail (logo != NULL, NULL);

  copy = g_memdup2 (logo, sizeof *logo);
  copy->media_path = g_strdup (logo->media_path);
  copy->path = g_strdup (logo->path);
  copy->name = g_strdup (logo->name);
  return copy;
}

void
reel_logo_free (ReelLogo *logo)
{
  if (logo == NULL)
    return;
  g_free (logo->media_path);
  g_free (logo->path);
  g_free (logo->name);
  g_free (logo);
}

gboolean
reel_logo_check (const ReelLogo *logo, GError **error)
{
  g_return_val_if_fail (logo != NULL, FALSE);

  if (!(logo->size >= REEL_LOGO_MIN_SIZE - 1e-9 && logo->size <= REEL_LOGO_MAX_SIZE + 1e-9))
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("A logo %.0f %% of the frame wide is out of range. Use %.0f to %.0f %%."),
                   100 * logo->size, 100 * REEL_LOGO_MIN_SIZE, 100 * REEL_LOGO_MAX_SIZE);
      return FALSE;
    }
  if (!(logo->opacity >= 0 && logo->opacity <= 1))
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("An opacity of %.0f %% is out of range. Use 0 to 100 %%."),
                   100 * logo->opacity);
      return FALSE;
    }
  if ((guint) logo->position >= G_N_ELEMENTS (position_names))
    {
      g_set_error_literal (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                           _ ("The logo can only go in a corner of the frame."));
      return FALSE;
    }
  return TRUE;
}

static void
read_setting (ReelLogo *logo, const char *key, const char *value)
{
  if (value == NULL)
    return;
  if (g_str_equal (key, KEY_IMAGE) && *value != '\0')
    logo->media_path = g_strdup (value);
  else if (g_str_equal (key, KEY_NAME) && *value != '\0')
    logo->name = g_strdup (value);
  else if (g_str_equal (key, KEY_POSITION))
    reel_logo_position_from_string (value, &logo->position);
  else if (g_str_equal (key, KEY_SIZE))
    logo->size = CLAMP (g_ascii_strtod (value, NULL), REEL_LOGO_MIN_SIZE, REEL_LOGO_MAX_SIZE);
  else if (g_str_equal (key, KEY_OPACITY))
    logo->opacity = CLAMP (g_ascii_strtod (value, NULL), 0.0, 1.0);
}

ReelLogo *
reel_project_dup_logo (ReelProject *self)
{
  g_autoptr (ReelLogo) logo = reel_logo_new ();
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  stmt = reel_sql_prepare (self->db, "SELECT key, value FROM settings WHERE key IN (?, ?, ?, ?, ?)",
                           NULL);
  if (stmt == NULL)
    return g_steal_pointer (&logo);
  sqlite3_bind_text (stmt, 1, KEY_IMAGE, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, KEY_POSITION, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, KEY_SIZE, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, KEY_OPACITY, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, KEY_NAME, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    read_setting (logo, (const char *) sqlite3_column_text (stmt, 0),
                  (const char *) sqlite3_column_text (stmt, 1));

  if (logo->media_path != NULL)
    logo->path = reel_project_get_media_path (self, logo->media_path);
  else
    g_clear_pointer (&logo->name, g_free);
  return g_steal_pointer (&logo);
}

/* A name inside the store, never a way out of it. */
static gboolean
is_media_path (const char *media_path)
{
  g_auto (GStrv) parts = NULL;

  if (*media_path == '\0' || g_path_is_absolute (media_path))
    return FALSE;
  parts = g_strsplit (media_path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
      return FALSE;
  return TRUE;
}

static gboolean
write_setting (ReelProject *self, const char *key, const char *value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (value == NULL)
    stmt = reel_sql_prepare (self->db, "DELETE FROM settings WHERE key = ?", error);
  else
    stmt = reel_sql_prepare (self->db,
                             "INSERT INTO settings (key, value) VALUES (?, ?)"
                             " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                             " WHERE value IS NOT excluded.value",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return reel_sql_step_done (self->db, stmt, error);
}

static const char *
edit_label (const ReelLogo *old, const ReelLogo *logo)
{
  if (g_strcmp0 (old->media_path, logo->media_path) == 0)
    return _ ("Change logo");
  if (logo->media_path == NULL)
    return _ ("Remove logo");
  return _ ("Set logo");
}

gboolean
reel_project_set_logo (ReelProject *self, const ReelLogo *logo, GError **error)
{
  g_autoptr (ReelLogo) old = NULL;
  g_autofree char *path = NULL;
  char             size[G_ASCII_DTOSTR_BUF_SIZE];
  char             opacity[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (logo != NULL, FALSE);

  if (!reel_logo_check (logo, error))
    return FALSE;
  if (logo->media_path != NULL)
    {
      if (is_media_path (logo->media_path))
        path = reel_project_get_media_path (self, logo->media_path);
      if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error_literal (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_NOT_FOUND,
                               _ ("The logo image is not in the project’s media. Choose the "
                                  "image again."));
          return FALSE;
        }
    }

  old = reel_project_dup_logo (self);
  if (g_strcmp0 (old->media_path, logo->media_path) == 0
      && (logo->media_path == NULL || g_strcmp0 (old->name, logo->name) == 0)
      && old->position == logo->position && fabs (old->size - logo->size) < 1e-6
      && fabs (old->opacity - logo->opacity) < 1e-6)
    return TRUE;

  /* Rounded, so that a value read back compares equal to what was set. */
  g_ascii_formatd (size, sizeof size, "%.4f", logo->size);
  g_ascii_formatd (opacity, sizeof opacity, "%.4f", logo->opacity);

  if (!reel_project_begin_edit (self, error))
    return FALSE;
  if (!write_setting (self, KEY_IMAGE, logo->media_path, error)
      || !write_setting (self, KEY_NAME, logo->media_path != NULL ? logo->name : NULL, error)
      || !write_setting (self, KEY_POSITION, reel_logo_position_to_string (logo->position), error)
      || !write_setting (self, KEY_SIZE, size, error)
      || !write_setting (self, KEY_OPACITY, opacity, error))
    {
      reel_project_rollback_edit (self);
      return FALSE;
    }
  return reel_project_commit_edit (self, edit_label (old, logo), REEL_CHANGE_SETTINGS, error);
}
