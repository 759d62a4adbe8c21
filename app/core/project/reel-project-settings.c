/* reel-project-settings.c: the project settings and the script
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-project"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-project-private.h"

static gboolean
set_setting_text (
    ReelProject *self, const char *column, const char *value, const char *label, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE project SET %s = ? WHERE id = 1", column);
  g_autoptr (sqlite3_stmt) stmt = reel_sql_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  return reel_project_run_edit (
      self, label, g_str_equal (column, "script") ? REEL_CHANGE_SCRIPT : REEL_CHANGE_SETTINGS, stmt,
      error);
}

const char *
reel_project_get_title (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return self->title;
}

gboolean
reel_project_set_title (ReelProject *self, const char *title, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  return set_setting_text (self, "title", title, _ ("Rename project"), error);
}

void
reel_project_get_resolution (ReelProject *self, guint *width, guint *height)
{
  g_return_if_fail (REEL_IS_PROJECT (self));

  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = self->height;
}

gboolean
reel_project_set_resolution (ReelProject *self, guint width, guint height, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  /* H.264 and VP9 need even sizes. */
  if (width < 16 || height < 16 || width > 7680 || height > 4320 || width % 2 || height % 2)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("%u×%u is not a resolution Storyreel can render. Use even sizes from 16×16 "
                      "to 7680×4320."),
                   width, height);
      return FALSE;
    }

  if (!(stmt = reel_sql_prepare (self->db, "UPDATE project SET width = ?, height = ? WHERE id = 1",
                                 error)))
    return FALSE;
  sqlite3_bind_int (stmt, 1, width);
  sqlite3_bind_int (stmt, 2, height);
  return reel_project_run_edit (self, _ ("Change resolution"), REEL_CHANGE_SETTINGS, stmt, error);
}

char *
reel_project_dup_aspect_ratio (ReelProject *self)
{
  static const struct
  {
    double      ratio;
    const char *name;
  } known[] = {
    { 16.0 / 9.0, "16:9" }, { 9.0 / 16.0, "9:16" }, { 1.0, "1:1" },
    { 4.0 / 3.0, "4:3" },   { 2.39, "2.39:1" },     { 1.85, "1.85:1" },
  };
  double ratio;
  guint  a, b;

  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);

  ratio = (double) self->width / MAX (self->height, 1);
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (fabs (ratio - known[i].ratio) < 0.01)
      return g_strdup (known[i].name);

  a = self->width;
  b = self->height;
  while (b != 0)
    {
      guint t = a % b;
      a = b;
      b = t;
    }
  return g_strdup_printf ("%u:%u", self->width / MAX (a, 1), self->height / MAX (a, 1));
}

guint
reel_project_get_fps (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);
  return self->fps;
}

gboolean
reel_project_set_fps (ReelProject *self, guint fps, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (fps < 1 || fps > 120)
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("%u frames per second is out of range. Use 1 to 120."), fps);
      return FALSE;
    }

  if (!(stmt = reel_sql_prepare (self->db, "UPDATE project SET fps = ? WHERE id = 1", error)))
    return FALSE;
  sqlite3_bind_int (stmt, 1, fps);
  return reel_project_run_edit (self, _ ("Change frame rate"), REEL_CHANGE_SETTINGS, stmt, error);
}

double
reel_project_get_default_shot_duration (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), 0);
  return self->default_shot_duration;
}

gboolean
reel_project_check_shot_duration (double seconds, GError **error)
{
  if (seconds >= 0.1 && seconds <= 600)
    return TRUE;

  g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
               _ ("A shot of %.1f seconds is out of range. Use 0.1 to 600 seconds."), seconds);
  return FALSE;
}

gboolean
reel_project_set_default_shot_duration (ReelProject *self, double seconds, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (!reel_project_check_shot_duration (seconds, error))
    return FALSE;
  if (!(stmt = reel_sql_prepare (
            self->db, "UPDATE project SET default_shot_duration = ? WHERE id = 1", error)))
    return FALSE;
  sqlite3_bind_double (stmt, 1, seconds);
  return reel_project_run_edit (self, _ ("Change default shot length"), REEL_CHANGE_SETTINGS, stmt,
                                error);
}

const char *
reel_project_get_language (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return self->language;
}

gboolean
reel_project_set_language (ReelProject *self, const char *language, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (language != NULL, FALSE);

  return set_setting_text (self, "language", language, _ ("Change language"), error);
}

/* NULL when the key was never set. */
static char *
get_setting (ReelProject *self, const char *key)
{
  g_autoptr (sqlite3_stmt) stmt
      = reel_sql_prepare (self->db, "SELECT value FROM settings WHERE key = ?", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW ? reel_sql_dup_text (stmt, 0) : NULL;
}

static gboolean
set_setting (
    ReelProject *self, const char *key, const char *value, const char *label, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = reel_sql_prepare (self->db,
                          "INSERT INTO settings (key, value) VALUES (?, ?)"
                          " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return reel_project_run_edit (self, label, REEL_CHANGE_SETTINGS, stmt, error);
}

gboolean
reel_project_get_continuity (ReelProject *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  value = get_setting (self, "continuity");
  return g_strcmp0 (value, "true") == 0;
}

gboolean
reel_project_set_continuity (ReelProject *self, gboolean continuity, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);

  if (reel_project_get_continuity (self) == !!continuity)
    return TRUE;
  return set_setting (self, "continuity", continuity ? "true" : "false",
                      continuity ? _ ("Turn continuity on") : _ ("Turn continuity off"), error);
}

const char *
reel_project_get_script (ReelProject *self)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), NULL);
  return self->script;
}

gboolean
reel_project_set_script (ReelProject *self, const char *text, GError **error)
{
  g_return_val_if_fail (REEL_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (g_strcmp0 (text, self->script) == 0)
    return TRUE;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, REEL_PROJECT_ERROR, REEL_PROJECT_ERROR_INVALID,
                   _ ("The script is not valid UTF-8 text. Save it as UTF-8 and import it again."));
      return FALSE;
    }

  return set_setting_text (self, "script", text, _ ("Edit script"), error);
}
