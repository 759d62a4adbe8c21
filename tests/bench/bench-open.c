/* bench-open.c: opening a feature-length project in the window, and scrolling its storyboard
 *
 * A director's previs of a feature has 1,000 to 2,000 shots. This makes a project of 2,000
 * shots (or the number given as the argument) from a Fountain script of four shots per scene,
 * then:
 *   - times reel_project_open() alone, the models included, in a child process;
 *   - opens the project in a real ReelWindow through the application's own path (a worker opens
 *     it, the window shows it) and times it to the first frame drawn with the project on show
 *     ("after-paint" of the window's frame clock); target ≤ 1.5 s;
 *   - reads the resident memory then (VmRSS, and the peak VmHWM); target ≤ 250 MB;
 *   - scrolls the storyboard from top to bottom at a steady pace set by the frame clock and
 *     counts the frames that came late: an interval between frames over 1.5 × 16.7 ms is a
 *     dropped frame at 60 Hz; target ≤ 5 %.
 * Run it under Xvfb (build-aux/test --benchmark --suite open, or xvfb-run). Each figure is
 * printed with its ratio to the target; the program fails only when something does not work.
 * Xvfb has no GPU: GTK's default GL renderer then runs on llvmpipe, which draws every frame in
 * software and dominates the frame times; GSK_RENDERER=cairo measures without it. The renderer
 * and the load of the machine are printed with the figures.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reel-application.h"
#include "reel-cut.h"
#include "reel-project-jobs.h"
#include "reel-project.h"
#include "reel-test-feature.h"
#include "reel-test-utils.h"
#include "reel-window.h"

#define DEFAULT_SHOTS 2000
#define TARGET_SECONDS 1.5
#define TARGET_MB 250.0
#define TARGET_DROPPED 0.05
#define FRAME_SECONDS (1.0 / 60.0)
/* The storyboard scrolls this fast, or in SCROLL_SECONDS if that is faster. */
#define SCROLL_PX_PER_SECOND 2400.0
#define SCROLL_SECONDS 20.0
/* Nothing here may take longer; past it the benchmark fails as broken. */
#define WAIT_SECONDS 600.0

static double
now_seconds (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

/* CPU time of the calling thread (the main thread: GTK lays out and draws
 * there), in seconds. */
static double
thread_cpu_seconds (void)
{
  struct timespec time;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &time);
  return time.tv_sec + time.tv_nsec / 1e9;
}

static double
status_mb (const char *field)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, field)) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen (field), NULL) / 1024.0;
}

typedef gboolean (*Condition) (gpointer data);

/* Iterates the main context until @condition holds; exits on a timeout. */
static void
wait_until (Condition condition, gpointer data, const char *what)
{
  double deadline = now_seconds () + WAIT_SECONDS;

  while (!condition (data))
    {
      if (now_seconds () > deadline)
        {
          g_printerr ("Timed out waiting for %s\n", what);
          exit (1);
        }
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
window_has_project (gpointer data)
{
  return reel_window_get_project (REEL_WINDOW (data)) != NULL;
}

/* The core alone: the SQL and the models, in a process of its own so that its memory does not
 * count in the window's. */
static void
time_core_open (const char *path)
{
  pid_t pid;
  int   status = 0;

  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (GError) error = NULL;
      g_autoptr (ReelProject) project = NULL;
      double before = status_mb ("VmRSS:");
      double start = now_seconds ();

      project = reel_project_open (file, &error);
      if (project == NULL)
        {
          g_printerr ("Could not open %s: %s\n", path, error->message);
          _exit (1);
        }
      g_print ("  reel_project_open       %6.3f s  %+7.1f MB  (%u scenes, %u shots)\n",
               now_seconds () - start, status_mb ("VmRSS:") - before,
               g_list_model_get_n_items (reel_project_get_scenes (project)),
               g_list_model_get_n_items (reel_project_get_shots (project)));

      {
        g_autoptr (ReelCut) cut = NULL;
        g_autoptr (GPtrArray) jobs = NULL;

        start = now_seconds ();
        cut = reel_cut_new_from_project (project, &error);
        g_print ("  reel_cut_new_from_project %4.3f s  (%u clips)\n", now_seconds () - start,
                 cut != NULL ? cut->items->len : 0);
        start = now_seconds ();
        jobs = reel_project_list_jobs (project, FALSE);
        g_print ("  reel_project_list_jobs  %6.3f s  (%u jobs)\n", now_seconds () - start,
                 jobs->len);
      }
      fflush (stdout);
      _exit (0);
    }
  waitpid (pid, &status, 0);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    exit (1);
}

typedef struct
{
  gboolean painted;
  double   painted_at;
} FirstPaint;

static void
first_paint_cb (GdkFrameClock *clock, FirstPaint *paint)
{
  if (!paint->painted)
    paint->painted_at = now_seconds ();
  paint->painted = TRUE;
}

/* The storyboard's scrolled window: the first one in its page, whatever the page shows in it. */
static GtkScrolledWindow *
find_storyboard_scroller (ReelWindow *window)
{
  GtkWidget *page = reel_window_get_view (window, "storyboard");
  g_autoptr (GPtrArray) queue = g_ptr_array_new ();

  g_ptr_array_add (queue, page);
  for (guint i = 0; i < queue->len; i++)
    {
      GtkWidget *widget = queue->pdata[i];

      if (GTK_IS_SCROLLED_WINDOW (widget))
        return GTK_SCROLLED_WINDOW (widget);
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (queue, child);
    }
  return NULL;
}

/* Where a frame's main-thread time goes: the bench's handlers run after
 * GTK's in each phase of the frame clock, so each phase's time is the
 * difference from the one before. */
typedef enum
{
  PHASE_UPDATE, /* tick callbacks: the scroll, and the grid binding cards */
  PHASE_LAYOUT, /* measuring and allocating */
  PHASE_PAINT,  /* snapshot and rendering */
  N_PHASES
} Phase;

static const char *const phase_names[N_PHASES] = { "update (binding)", "layout", "paint" };

typedef struct
{
  double     mark;
  double     seconds[N_PHASES];
  GtkWidget *grid;
  guint      n_blank_frames; /* frames that drew a card in sight blank */
} PhaseTimes;

static void
frame_begins_cb (GdkFrameClock *clock, PhaseTimes *times)
{
  times->mark = thread_cpu_seconds ();
}

static void
phase_ends (PhaseTimes *times, Phase phase)
{
  double now = thread_cpu_seconds ();

  times->seconds[phase] += now - times->mark;
  times->mark = now;
}

static void
update_ends_cb (GdkFrameClock *clock, PhaseTimes *times)
{
  phase_ends (times, PHASE_UPDATE);
}

static void
layout_ends_cb (GdkFrameClock *clock, PhaseTimes *times)
{
  phase_ends (times, PHASE_LAYOUT);
}

/* The storyboard leaves cards far out of sight unbound and undrawn: none
 * may be in sight when a frame is drawn. */
static gboolean
blank_card_in_sight (GtkWidget *grid)
{
  for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget      *card = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;

      if (card != NULL && gtk_widget_get_child_visible (child)
          && gtk_widget_compute_bounds (child, grid, &bounds)
          && bounds.origin.y + bounds.size.height > 0
          && bounds.origin.y < gtk_widget_get_height (grid) && gtk_widget_get_opacity (card) < 1)
        return TRUE;
    }
  return FALSE;
}

static void
paint_ends_cb (GdkFrameClock *clock, PhaseTimes *times)
{
  phase_ends (times, PHASE_PAINT);
  if (blank_card_in_sight (times->grid))
    times->n_blank_frames++;
  /* Not counted in any phase. */
  times->mark = thread_cpu_seconds ();
}

typedef struct
{
  GtkAdjustment *adjustment;
  double         speed;
  gint64         start_time; /* frame time of the first tick, µs */
  gint64         last_time;
  guint          n_intervals;
  guint          n_late;
  guint          n_missed;
  double         longest;
  gboolean       done;
} Scroll;

static gboolean
scroll_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  Scroll          *scroll = user_data;
  GdkFrameTimings *timings = gdk_frame_clock_get_current_timings (clock);
  gint64           frame_time = timings != NULL ? gdk_frame_timings_get_frame_time (timings)
                                                : gdk_frame_clock_get_frame_time (clock);
  double           end = gtk_adjustment_get_upper (scroll->adjustment)
               - gtk_adjustment_get_page_size (scroll->adjustment);
  double target;

  if (scroll->start_time == 0)
    scroll->start_time = frame_time;
  else
    {
      double interval = (frame_time - scroll->last_time) / (double) G_USEC_PER_SEC;

      scroll->n_intervals++;
      if (interval > 1.5 * FRAME_SECONDS)
        {
          scroll->n_late++;
          scroll->n_missed += (guint) (interval / FRAME_SECONDS + 0.5) - 1;
        }
      scroll->longest = MAX (scroll->longest, interval);
    }
  scroll->last_time = frame_time;

  /* The pace is fixed, so a slow frame shows as a jump, as the user sees it. */
  target = scroll->speed * (frame_time - scroll->start_time) / G_USEC_PER_SEC;
  gtk_adjustment_set_value (scroll->adjustment, MIN (target, end));
  if (target >= end && gtk_adjustment_get_value (scroll->adjustment) >= end - 1)
    {
      scroll->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
scroll_storyboard (ReelWindow *window)
{
  GtkScrolledWindow *scroller = find_storyboard_scroller (window);
  Scroll             scroll = { 0 };
  double             start, distance, cpu;
  PhaseTimes         times = { 0 };
  GdkFrameClock     *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gulong             handlers[4];

  if (scroller == NULL)
    {
      g_printerr ("The storyboard has no scrolled window\n");
      exit (1);
    }
  scroll.adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  times.grid = gtk_scrolled_window_get_child (scroller);
  distance = gtk_adjustment_get_upper (scroll.adjustment)
             - gtk_adjustment_get_page_size (scroll.adjustment);
  scroll.speed = MAX (SCROLL_PX_PER_SECOND, distance / SCROLL_SECONDS);

  start = now_seconds ();
  cpu = thread_cpu_seconds ();
  handlers[0] = g_signal_connect (clock, "before-paint", G_CALLBACK (frame_begins_cb), &times);
  handlers[1] = g_signal_connect_after (clock, "update", G_CALLBACK (update_ends_cb), &times);
  handlers[2] = g_signal_connect_after (clock, "layout", G_CALLBACK (layout_ends_cb), &times);
  handlers[3] = g_signal_connect_after (clock, "paint", G_CALLBACK (paint_ends_cb), &times);
  gtk_widget_add_tick_callback (GTK_WIDGET (scroller), scroll_tick_cb, &scroll, NULL);
  wait_until (flag_is_set, &scroll.done, "the storyboard to scroll to its end");
  cpu = thread_cpu_seconds () - cpu;
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_handler_disconnect (clock, handlers[i]);

  {
    double share = scroll.n_intervals > 0 ? scroll.n_late / (double) scroll.n_intervals : 1;

    g_print ("Scrolling the storyboard: %.0f px in %.1f s at %.0f px/s, %u frames\n",
             gtk_adjustment_get_upper (scroll.adjustment), now_seconds () - start, scroll.speed,
             scroll.n_intervals + 1);
    g_print ("  late frames             %5.1f %%  (%u of %u intervals over %.1f ms; %u frames "
             "missed; longest %.0f ms)  (target %.0f %%: ratio %.2f)\n",
             100 * share, scroll.n_late, scroll.n_intervals, 1500 * FRAME_SECONDS, scroll.n_missed,
             1000 * scroll.longest, 100 * TARGET_DROPPED, share / TARGET_DROPPED);
    /* What the machine's load does not change: the main thread's work. */
    g_print ("  main thread CPU         %5.1f ms a frame  (%.1f s in all; a frame at 60 Hz has "
             "%.1f ms)\n",
             1000 * cpu / (scroll.n_intervals + 1), cpu, 1000 * FRAME_SECONDS);
    g_print ("   ");
    for (guint i = 0; i < N_PHASES; i++)
      g_print (" %s %.1f ms%s", phase_names[i], 1000 * times.seconds[i] / (scroll.n_intervals + 1),
               i + 1 < N_PHASES ? ";" : "\n");
    g_print ("  frames with a blank card in sight: %u\n", times.n_blank_frames);
  }
}

int
main (int argc, char **argv)
{
  /* --sync: open on the main thread and then set the project, as the window did before it
   * opened projects in a worker, for a comparison. */
  gboolean sync = argc > 1 && g_str_equal (argv[1], "--sync");
  /* --core: the core's figures alone, for sizes too large for the window. */
  gboolean core = argc > 1 && g_str_equal (argv[1], "--core");
  guint    n_shots
      = argc > 1 + (sync || core) ? (guint) atoi (argv[1 + (sync || core)]) : DEFAULT_SHOTS;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (ReelApplication) application = NULL;
  g_autoptr (GError) error = NULL;
  FirstPaint     paint = { 0 };
  FirstPaint     opening = { 0 };
  GdkFrameClock *clock;
  ReelWindow    *window;
  double         start, opened, before;
  gulong         handler;

  setlocale (LC_ALL, "");
  if (n_shots == 0)
    {
      g_printerr ("Usage: %s [--sync|--core] [SHOTS]\n", argv[0]);
      return 2;
    }

  dir = reel_test_make_tmpdir ();
  path = g_build_filename (dir, "previs.storyreel", NULL);
  file = g_file_new_for_path (path);
  start = now_seconds ();
  reel_test_make_feature_project (path, n_shots);
  g_print ("%u shots: project made in %.1f s\n", n_shots, now_seconds () - start);
  time_core_open (path);
  if (core)
    {
      reel_test_rm_rf (dir);
      return 0;
    }

  application = reel_application_new ();
  if (!g_application_register (G_APPLICATION (application), NULL, &error))
    {
      g_printerr ("Could not start the application: %s\n", error->message);
      return 1;
    }
  before = status_mb ("VmRSS:");

  start = now_seconds ();
  window = reel_window_new (application);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  /* The first frame at all: the window, usable, saying that it opens the project. */
  gtk_widget_realize (GTK_WIDGET (window));
  handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                              G_CALLBACK (first_paint_cb), &opening);
  if (sync)
    {
      g_autoptr (ReelProject) project = reel_project_open (file, &error);

      if (project == NULL)
        {
          g_printerr ("Could not open %s: %s\n", path, error->message);
          return 1;
        }
      reel_window_set_project (window, project);
      gtk_window_present (GTK_WINDOW (window));
    }
  else
    reel_application_open_file (application, file, GTK_WINDOW (window));
  wait_until (window_has_project, window, "the project to open");
  opened = now_seconds ();
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), handler);

  /* The first frame drawn with the project on show. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (first_paint_cb), &paint);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  wait_until (flag_is_set, &paint.painted, "the first frame with the project");
  g_signal_handler_disconnect (clock, handler);

  {
    GskRenderer     *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
    g_autofree char *load = NULL;

    g_file_get_contents ("/proc/loadavg", &load, NULL, NULL);
    g_print ("Opening in the window (%s, %s; %s; load %.14s):\n",
             sync ? "on the main thread" : "in a worker", reel_window_get_visible_view (window),
             renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "no renderer",
             load != NULL ? load : "?");
  }
  if (opening.painted && opening.painted_at < opened)
    g_print ("  opening page drawn      %6.3f s\n", opening.painted_at - start);
  g_print ("  models set              %6.3f s\n", opened - start);
  g_print ("  first frame drawn       %6.3f s  (target %.1f s: ratio %.2f)\n",
           paint.painted_at - start, TARGET_SECONDS, (paint.painted_at - start) / TARGET_SECONDS);
  g_print ("  resident memory         %6.1f MB  (peak %.1f MB; %.1f MB before opening)  (target "
           "%.0f MB: ratio %.2f)\n",
           status_mb ("VmRSS:"), status_mb ("VmHWM:"), before, TARGET_MB,
           status_mb ("VmRSS:") / TARGET_MB);
  fflush (stdout);

  /* BENCH_NO_SCROLL: the opening alone, for a profile of it. */
  if (g_getenv ("BENCH_NO_SCROLL") == NULL)
    scroll_storyboard (window);
  g_print ("  resident memory after   %6.1f MB  (peak %.1f MB)\n", status_mb ("VmRSS:"),
           status_mb ("VmHWM:"));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&application);
  reel_test_rm_rf (dir);
  return 0;
}
