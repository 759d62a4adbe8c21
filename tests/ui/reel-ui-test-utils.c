/* reel-ui-test-utils.c: helpers shared by the GUI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "reel-ui-test-utils.h"

#include <adwaita.h>
#include <math.h>

#include "reel-test-utils.h"

#ifdef HAVE_XTEST
#include <X11/extensions/XTest.h>
#include <gdk/x11/gdkx.h>
#endif

static guint wait_timeout_ms = REEL_UI_TEST_WAIT_TIMEOUT_MS;

void
reel_ui_test_set_wait_timeout (guint timeout_ms)
{
  wait_timeout_ms = timeout_ms;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
reel_ui_test_wait_until (ReelUiTestCondition condition, gpointer data, const char *what)
{
  gboolean timed_out = FALSE;
  guint    id = g_timeout_add (wait_timeout_ms, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out waiting for %s", what);
  g_source_remove (id);
}

static gboolean
frame_drawn_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_frames_drawn (gpointer data)
{
  return *(guint *) data >= 2;
}

void
reel_ui_test_settle (GtkWidget *widget)
{
  guint frames = 0;
  guint id;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  id = gtk_widget_add_tick_callback (widget, frame_drawn_cb, &frames, NULL);
  gtk_widget_queue_draw (widget);
  reel_ui_test_wait_until (two_frames_drawn, &frames, "the window to be drawn");
  gtk_widget_remove_tick_callback (widget, id);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Pointer input */

gboolean
reel_ui_test_pointer_available (GtkWidget *widget)
{
#ifdef HAVE_XTEST
  GdkDisplay *display = gtk_widget_get_display (widget);
  int         event_base, error_base, major, minor;

  return GDK_IS_X11_DISPLAY (display)
         && XTestQueryExtension (gdk_x11_display_get_xdisplay (display), &event_base, &error_base,
                                 &major, &minor);
#else
  return FALSE;
#endif
}

#ifdef HAVE_XTEST
/* @widget's (@x, @y) on the X screen. */
static void
to_root (GtkWidget *widget, double x, double y, int *root_x, int *root_y)
{
  GtkNative       *native = gtk_widget_get_native (widget);
  Display         *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  graphene_point_t point;
  double           surface_x, surface_y;
  Window           child;

  g_assert_nonnull (native);
  g_assert_true (
      gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &point));
  /* The surface starts outside the window's own area, at its shadow. */
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XTranslateCoordinates (xdisplay, gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                         DefaultRootWindow (xdisplay), (int) round (point.x + surface_x),
                         (int) round (point.y + surface_y), root_x, root_y, &child);
}
#endif

void
reel_ui_test_pointer_drag (
    GtkWidget *widget, double from_x, double from_y, double to_x, double to_y)
{
#ifdef HAVE_XTEST
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  int      x, y;
  guint    steps = 4;

  g_assert_true (reel_ui_test_pointer_available (widget));
  to_root (widget, from_x, from_y, &x, &y);
  XTestFakeMotionEvent (xdisplay, -1, x, y, CurrentTime);
  XTestFakeButtonEvent (xdisplay, 1, True, CurrentTime);
  for (guint i = 1; i <= steps; i++)
    {
      to_root (widget, from_x + (to_x - from_x) * i / steps, from_y + (to_y - from_y) * i / steps,
               &x, &y);
      XTestFakeMotionEvent (xdisplay, -1, x, y, CurrentTime);
    }
  XTestFakeButtonEvent (xdisplay, 1, False, CurrentTime);
  XSync (xdisplay, False);
#else
  g_assert_not_reached ();
#endif
}

gboolean
reel_ui_test_widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

gboolean
reel_ui_test_flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
reel_ui_test_window_has_project (gpointer data)
{
  return reel_window_get_project (REEL_WINDOW (data)) != NULL;
}

gboolean
reel_ui_test_leaflet_is_folded (gpointer data)
{
  return adw_leaflet_get_folded (
      ADW_LEAFLET (reel_ui_test_find_first (GTK_WIDGET (data), ADW_TYPE_LEAFLET)));
}

gboolean
reel_ui_test_window_is_narrow (gpointer data)
{
  return gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (data))) <= 360;
}

void
reel_ui_test_collect_descendants (GtkWidget *widget, GType type, GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      reel_ui_test_collect_descendants (child, type, found);
    }
}

GPtrArray *
reel_ui_test_find_mapped (GtkWidget *root, GType type)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  GPtrArray *mapped = g_ptr_array_new ();

  reel_ui_test_collect_descendants (root, type, all);
  for (guint i = 0; i < all->len; i++)
    if (gtk_widget_get_mapped (all->pdata[i]))
      g_ptr_array_add (mapped, all->pdata[i]);
  return mapped;
}

GtkWidget *
reel_ui_test_find_first (GtkWidget *root, GType type)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();

  reel_ui_test_collect_descendants (root, type, all);
  return all->len > 0 ? all->pdata[0] : NULL;
}

char *
reel_ui_test_png_path (const char *name)
{
  const char *dir = g_getenv ("G_TEST_BUILDDIR");

  if (dir != NULL)
    return g_build_filename (dir, "ui", name, NULL);
  return reel_test_build_path (name);
}

void
reel_ui_test_save_png (GtkWidget *widget, const char *name, GdkTexture **out_texture)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = reel_ui_test_png_path (name);
  int              width, height;
  GskRenderer     *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  /* A widget whose layout is pending paints nothing, and playing media
   * queue layouts all the time (their time labels): on an empty picture,
   * let the next frame lay it out and try again. */
  for (guint attempt = 0; node == NULL && attempt < 5; attempt++)
    {
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        reel_ui_test_settle (widget);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%dx%d)", path, width, height);

  if (out_texture != NULL)
    *out_texture = g_steal_pointer (&texture);
}

ReelApplication *
reel_ui_test_register_application (void)
{
  ReelApplication *application = reel_application_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  return application;
}

ReelProject *
reel_ui_test_load_demo_project (const char *dir)
{
  g_autofree char *project_path = g_build_filename (dir, "Demo.storyreel", NULL);
  g_autoptr (GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr (GError) error = NULL;
  ReelProject *project;

  project = reel_application_load_demo_project (project_file, &error);
  g_assert_no_error (error);
  return project;
}

ReelWindow *
reel_ui_test_open_window (ReelApplication *application, ReelProject *project, int width, int height)
{
  ReelWindow *window = reel_window_new (application);

  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  if (project != NULL)
    reel_window_set_project (window, project);
  gtk_window_present (GTK_WINDOW (window));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, window, "the window to be mapped");
  reel_ui_test_settle (GTK_WIDGET (window));
  return window;
}
