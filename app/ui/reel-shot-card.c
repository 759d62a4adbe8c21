/* reel-shot-card.c
 *
 * A card edits one shot in place. Every edit goes through the ReelProject
 * edit API, so it is one undoable step; the card then follows the ReelShot's
 * notifications like every other view. Text is committed on Enter or when the
 * focus leaves, never on every keystroke.
 *
 * The card also shows where the shot's generation stands (queued, a progress
 * bar while it runs, done with its takes, or failed with the reason and a
 * Retry button; a shot the service refused, or one that needs an API key,
 * says so rather than just "Failed") and its picture: the chosen take's thumbnail, else the board
 * image. A missing or damaged picture is marked with a warning. The picture
 * is decoded in a worker by the shared ReelImageCache; the placeholder shows
 * until it is there.
 *
 * The storyboard makes a card for each visible slot and binds it to another
 * shot as the user scrolls: reel_shot_card_bind() resets everything the card
 * keeps for its shot, so nothing of the last shot shows through.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "reel-image-cache.h"
#include "reel-project-jobs.h"
#include "reel-prompt-view.h"
#include "reel-shot-card.h"
#include "reel-ui-utils.h"
#include "reel-window.h"
#include "storyreel-ui-resources.h"

struct _ReelShotCard
{
  GtkWidget parent_instance;

  GtkWidget      *card_box;
  ReelProject    *project;
  ReelShot       *shot;
  ReelImageCache *image_cache;
  /* The picture being decoded for the shot, cancelled when it changes. */
  GCancellable *picture_cancellable;

  /* Set while the card writes the shot's values into its widgets, so those
   * writes are not taken for user edits. */
  guint    syncing;
  gboolean text_dirty;
  gboolean captions_dirty;
  /* Where the user last put the cursor in the shot's text (a character
   * offset in the buffer), kept while the menu has the focus; -1 when the
   * text changed from elsewhere since. */
  int   split_cursor;
  int   allocated_width;
  guint relayout_source;

  GtkBox         *header_box;
  GtkLabel       *number_label;
  GtkLabel       *heading_label;
  GtkMenuButton  *menu_button;
  GMenuModel     *shot_menu;
  GtkTextView    *text_view;
  GtkTextView    *captions_view;
  GtkLabel       *captions_placeholder;
  GtkMenuButton  *camera_button;
  GtkLabel       *camera_label;
  GtkSpinButton  *duration_spin;
  GtkBox         *status_box;
  ReelPromptView *prompt_view;
  GtkProgressBar *progress_bar;
  GtkImage       *status_image;
  GtkLabel       *status_label;
  GtkLabel       *error_label;
  GtkButton      *takes_button;
  GtkButton      *retry_button;
  GtkButton      *generate_button;
  GtkOverlay     *frame;
  GtkPicture     *picture;
  GtkWidget      *placeholder;
  GtkImage       *media_warning;

  /* What the picture was made from, so it is loaded again only on a change. */
  gint64 shown_take_id;
  char  *shown_board;
  /* Why the picture cannot be shown (missing or damaged media), or NULL. */
  char *media_problem;
};

G_DEFINE_FINAL_TYPE (ReelShotCard, reel_shot_card, GTK_TYPE_WIDGET)

#define CARD_NATURAL_WIDTH 288
/* Pictures are decoded to fit this square: the frame at twice its width,
 * sharp on HiDPI screens. */
#define PICTURE_SIZE (CARD_NATURAL_WIDTH * 2)
/* A card shown on its own (not in the storyboard) keeps a few pictures. */
#define OWN_CACHE_BYTES (8 * 1024 * 1024)

enum
{
  PROP_0,
  PROP_PROJECT,
  PROP_SHOT,
  PROP_IMAGE_CACHE,
  PROP_CAMERA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Returns whether the text changed. */
static gboolean
set_buffer_text (GtkTextView *view, const char *text)
{
  g_autofree char *current = reel_ui_text_view_dup_text (view);

  if (g_strcmp0 (current, text != NULL ? text : "") == 0)
    return FALSE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
  return TRUE;
}

static void
set_accessible_label (gpointer widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
update_captions_placeholder (ReelShotCard *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->captions_view);

  gtk_widget_set_visible (GTK_WIDGET (self->captions_placeholder),
                          gtk_text_buffer_get_char_count (buffer) == 0
                              && !gtk_widget_has_focus (GTK_WIDGET (self->captions_view)));
}

static void
update_labels (ReelShotCard *self)
{
  const char      *number = reel_shot_get_number (self->shot);
  g_autofree char *card = g_strdup_printf (_ ("Shot %s"), number);
  g_autofree char *text = g_strdup_printf (_ ("Text of shot %s"), number);
  g_autofree char *captions = g_strdup_printf (_ ("Dialogue of shot %s"), number);
  g_autofree char *duration = g_strdup_printf (_ ("Duration of shot %s in seconds"), number);
  g_autofree char *camera = g_strdup_printf (_ ("Camera move of shot %s"), number);
  g_autofree char *menu = g_strdup_printf (_ ("Actions for shot %s"), number);
  g_autofree char *generate = g_strdup_printf (_ ("Generate shot %s"), number);
  g_autofree char *retry = g_strdup_printf (_ ("Generate shot %s again"), number);
  g_autofree char *takes = g_strdup_printf (_ ("Show the takes of shot %s"), number);
  g_autofree char *picture = g_strdup_printf (_ ("Picture of shot %s"), number);

  gtk_label_set_label (self->number_label, number);
  gtk_label_set_label (self->heading_label, reel_shot_get_scene_heading (self->shot));
  set_accessible_label (self, card);
  set_accessible_label (self->text_view, text);
  set_accessible_label (self->captions_view, captions);
  set_accessible_label (self->duration_spin, duration);
  set_accessible_label (self->camera_button, camera);
  set_accessible_label (self->menu_button, menu);
  set_accessible_label (self->generate_button, generate);
  set_accessible_label (self->retry_button, retry);
  set_accessible_label (self->takes_button, takes);
  gtk_picture_set_alternative_text (self->picture, picture);
}

static gboolean
status_is_busy (const char *status)
{
  return g_strcmp0 (status, "queued") == 0 || g_strcmp0 (status, "submitting") == 0
         || g_strcmp0 (status, "running") == 0 || g_strcmp0 (status, "downloading") == 0;
}

#define RUNNING_FRACTION_LIMIT 0.99

/* A progress tick changes only the bar and its percentage, which stays
 * below 100 % until the take is there; without any progress reported there
 * is no bar, for an empty one would say 0 %. */
static void
update_progress (ReelShotCard *self)
{
  const char *status = reel_shot_get_status (self->shot);
  double      progress = reel_shot_get_progress (self->shot);
  gboolean generating = g_strcmp0 (status, "running") == 0 || g_strcmp0 (status, "submitting") == 0;
  g_autofree char *label = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar),
                          status_is_busy (status) && (progress > 0 || !generating));
  if (progress > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, MIN (progress, RUNNING_FRACTION_LIMIT));
  if (generating)
    {
      if (progress > 0)
        /* Translators: a shot's state on its card, "Generating 42 %" */
        label = g_strdup_printf (_ ("Generating %.0f %%"),
                                 floor (MIN (progress, RUNNING_FRACTION_LIMIT) * 100));
      else
        label = g_strdup (_ ("Generating…"));
      gtk_label_set_label (self->status_label, label);
    }
}

static void
set_status (ReelShotCard *self, const char *icon_name, const char *css_class, const char *text)
{
  const char *classes[] = { "success", "error", "accent", "dim-label" };

  gtk_image_set_from_icon_name (self->status_image, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->status_image), icon_name != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), classes[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), classes[i]);
    }
  if (css_class != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->status_image), css_class);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);
    }
  gtk_label_set_label (self->status_label, text);
}

/* Why the shot's latest job failed. Read only for a failed shot, and only
 * its own job: binding a card costs the same in a project of any size. */
static ReelFailureKind
latest_failure (ReelShotCard *self)
{
  g_autoptr (ReelJobRecord) job = NULL;

  if (self->project == NULL)
    return REEL_FAILURE_NONE;

  job = reel_project_get_latest_shot_job (self->project, reel_shot_get_id (self->shot));
  return job != NULL && job->state == REEL_JOB_FAILED ? job->error_kind : REEL_FAILURE_NONE;
}

static void
show_camera (ReelShotCard *self)
{
  ReelCameraMove move = reel_shot_get_camera (self->shot);

  gtk_label_set_label (self->camera_label, reel_camera_move_get_label (move));
  /* The button's name says what it sets; its description, the move. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->camera_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  reel_camera_move_get_label (move), -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
}

static void
update_status (ReelShotCard *self)
{
  const char      *status = reel_shot_get_status (self->shot);
  const char      *message = reel_shot_get_status_message (self->shot);
  guint            n_takes = reel_shot_get_n_takes (self->shot);
  gboolean         busy = status_is_busy (status);
  gboolean         failed = g_strcmp0 (status, "failed") == 0;
  gboolean         cancelled = g_strcmp0 (status, "cancelled") == 0;
  g_autofree char *takes
      = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u take", "%u takes", n_takes), n_takes);

  if (g_strcmp0 (status, "queued") == 0)
    set_status (self, "document-open-recent-symbolic", "accent", _ ("Queued"));
  else if (g_strcmp0 (status, "downloading") == 0)
    set_status (self, "folder-download-symbolic", "accent", _ ("Downloading"));
  else if (busy)
    set_status (self, "emblem-synchronizing-symbolic", "accent", NULL);
  else if (failed)
    switch (latest_failure (self))
      {
        case REEL_FAILURE_REFUSED:
          set_status (self, "action-unavailable-symbolic", "error", _ ("Content refused"));
          break;
        case REEL_FAILURE_AUTH:
          set_status (self, "dialog-password-symbolic", "error", _ ("Needs an API key"));
          break;
        case REEL_FAILURE_NONE:
        case REEL_FAILURE_TRANSIENT:
        case REEL_FAILURE_PERMANENT:
        default:
          set_status (self, "dialog-error-symbolic", "error", _ ("Failed"));
          break;
      }
  else if (cancelled)
    set_status (self, "process-stop-symbolic", "dim-label", _ ("Cancelled"));
  else if (n_takes > 0)
    set_status (self, "emblem-ok-symbolic", "success", _ ("Done"));
  else
    set_status (self, NULL, "dim-label", _ ("Not generated yet"));

  /* Done, the take count says it all (and keeps the row narrow). */
  gtk_widget_set_visible (GTK_WIDGET (self->status_label),
                          !(n_takes > 0 && !busy && !failed && !cancelled));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  if (busy)
    update_progress (self);

  /* The reason in the backend's plain words, in full on hover. */
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), failed && message != NULL && *message);
  gtk_label_set_label (self->error_label, failed ? message : NULL);

  gtk_button_set_label (self->takes_button, takes);
  gtk_widget_set_visible (GTK_WIDGET (self->takes_button), n_takes > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), failed || cancelled);
  gtk_widget_set_visible (GTK_WIDGET (self->generate_button), !failed && !cancelled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shot.generate", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shot.retry", !busy);
}

/* The tooltips that follow the shot are worked out when the user asks for
 * one. Setting a tooltip's text makes GTK ask the display server where the
 * pointer is, a round trip, and binding a card while the storyboard scrolls
 * set four of them: a fifth of every frame. */
static const char *
tooltip_text (ReelShotCard *self, GtkWidget *widget)
{
  if (self->shot == NULL)
    return NULL;
  if (widget == GTK_WIDGET (self->heading_label))
    return reel_shot_get_scene_heading (self->shot);
  if (widget == GTK_WIDGET (self->status_box))
    return g_strcmp0 (reel_shot_get_status (self->shot), "failed") == 0
               ? reel_shot_get_status_message (self->shot)
               : NULL;
  if (widget == GTK_WIDGET (self->generate_button))
    return reel_shot_get_n_takes (self->shot) > 0 ? _ ("Generate Another Take")
                                                  : _ ("Generate This Shot");
  if (widget == GTK_WIDGET (self->media_warning))
    return self->media_problem;
  return NULL;
}

static gboolean
query_tooltip_cb (GtkWidget    *widget,
                  int           x,
                  int           y,
                  gboolean      keyboard_mode,
                  GtkTooltip   *tooltip,
                  ReelShotCard *self)
{
  const char *text = tooltip_text (self, widget);

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_media_problem (ReelShotCard *self, const char *problem)
{
  if (problem != NULL)
    g_message ("Shot %s: %s", reel_shot_get_number (self->shot), problem);
  g_free (self->media_problem);
  self->media_problem = g_strdup (problem);
  gtk_widget_set_visible (GTK_WIDGET (self->media_warning), problem != NULL);
  if (problem != NULL)
    set_accessible_label (self->media_warning, problem);
}

static void
show_picture (ReelShotCard *self, GdkTexture *texture)
{
  gtk_picture_set_paintable (self->picture, texture != NULL ? GDK_PAINTABLE (texture) : NULL);
  gtk_widget_set_visible (self->placeholder, texture == NULL);
}

static ReelImageCache *
ensure_image_cache (ReelShotCard *self)
{
  if (self->image_cache == NULL)
    self->image_cache = reel_image_cache_new (OWN_CACHE_BYTES);
  return self->image_cache;
}

static void
picture_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ReelShotCard) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  texture = reel_image_cache_load_finish (REEL_IMAGE_CACHE (source), result, &error);
  /* Cancelled: the card shows another shot, or another picture, now. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->shot == NULL)
    return;

  show_picture (self, texture);
  if (texture == NULL && self->media_problem == NULL)
    set_media_problem (self,
                       _ ("The shot’s picture is missing or damaged. Generate the shot again, "
                          "or import its picture again."));
}

static void
cancel_picture (ReelShotCard *self)
{
  g_cancellable_cancel (self->picture_cancellable);
  g_clear_object (&self->picture_cancellable);
}

/* The chosen take's thumbnail, else the board image. Only cheap checks here
 * (is the file there); the picture is decoded in a worker, and the take strip
 * verifies hashes. */
static void
update_picture (ReelShotCard *self)
{
  gint64      take_id = reel_shot_get_chosen_take_id (self->shot);
  const char *board = reel_shot_get_board_image (self->shot);
  g_autoptr (ReelTake) take = NULL;
  g_autofree char *path = NULL;
  g_autofree char *problem = NULL;
  GdkTexture      *cached;

  if (self->project == NULL
      || (take_id == self->shown_take_id && g_strcmp0 (board, self->shown_board) == 0))
    return;
  self->shown_take_id = take_id;
  g_free (self->shown_board);
  self->shown_board = g_strdup (board);
  cancel_picture (self);

  if (take_id != 0 && (take = reel_project_get_take (self->project, take_id)) != NULL)
    {
      g_autofree char *media = reel_project_get_media_path (self->project, take->media);

      if (media == NULL || !g_file_test (media, G_FILE_TEST_IS_REGULAR))
        problem = g_strdup (_ ("The chosen take’s file is missing. Generate the shot again, or "
                               "choose another take."));
      if (take->thumbnail != NULL)
        path = reel_project_get_media_path (self->project, take->thumbnail);
      else if (g_strcmp0 (take->kind, "image") == 0)
        path = g_steal_pointer (&media);
    }
  if (path == NULL && board != NULL && *board != '\0')
    path = reel_project_get_media_path (self->project, board);

  set_media_problem (self, problem);
  if (path == NULL)
    {
      show_picture (self, NULL);
      return;
    }

  /* Scrolling back to a card finds its picture decoded already. */
  cached = reel_image_cache_lookup (ensure_image_cache (self), path, PICTURE_SIZE);
  show_picture (self, cached);
  if (cached != NULL)
    return;

  self->picture_cancellable = g_cancellable_new ();
  reel_image_cache_load_async (self->image_cache, path, PICTURE_SIZE, self->picture_cancellable,
                               picture_loaded_cb, g_object_ref (self));
}

static void
sync_from_shot (ReelShotCard *self)
{
  if (self->shot == NULL)
    return;

  self->syncing++;

  update_labels (self);

  /* Never overwrite what the user is typing: their edit is committed soon. */
  if (!self->text_dirty && set_buffer_text (self->text_view, reel_shot_get_text (self->shot)))
    self->split_cursor = -1;
  if (!self->captions_dirty)
    {
      g_autofree char *captions = reel_shot_dup_captions_text (self->shot);
      set_buffer_text (self->captions_view, captions);
    }
  update_captions_placeholder (self);

  gtk_spin_button_set_value (self->duration_spin, reel_shot_get_duration (self->shot));
  show_camera (self);

  update_status (self);
  update_picture (self);
  reel_prompt_view_set_shot (self->prompt_view, self->project, reel_shot_get_id (self->shot));

  self->syncing--;
}

static void
shot_notify_cb (ReelShotCard *self, GParamSpec *pspec)
{
  /* Progress ticks come many times a second: touch only the bar. */
  if (g_strcmp0 (pspec->name, "progress") == 0)
    update_progress (self);
  else
    sync_from_shot (self);
}

static void
commit_text (ReelShotCard *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!self->text_dirty || self->project == NULL || self->shot == NULL)
    return;

  self->text_dirty = FALSE;
  text = g_strstrip (reel_ui_text_view_dup_text (self->text_view));
  if (g_strcmp0 (text, reel_shot_get_text (self->shot)) == 0)
    return;

  if (!reel_project_set_shot_text (self->project, reel_shot_get_id (self->shot), text, &error))
    {
      reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Change the Shot"), error);
      sync_from_shot (self);
    }
}

static void
commit_captions (ReelShotCard *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *current = NULL;

  if (!self->captions_dirty || self->project == NULL || self->shot == NULL)
    return;

  self->captions_dirty = FALSE;
  text = g_strstrip (reel_ui_text_view_dup_text (self->captions_view));
  current = reel_shot_dup_captions_text (self->shot);
  if (g_strcmp0 (text, g_strstrip (current)) == 0)
    return;

  if (!reel_project_set_shot_captions_text (self->project, reel_shot_get_id (self->shot), text,
                                            &error))
    {
      reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Change the Dialogue"), error);
      sync_from_shot (self);
    }
}

void
reel_shot_card_commit (ReelShotCard *self)
{
  g_return_if_fail (REEL_IS_SHOT_CARD (self));

  commit_text (self);
  commit_captions (self);
}

static void
text_changed_cb (ReelShotCard *self)
{
  if (self->syncing == 0)
    self->text_dirty = TRUE;
}

static void
captions_changed_cb (ReelShotCard *self)
{
  if (self->syncing == 0)
    self->captions_dirty = TRUE;
  update_captions_placeholder (self);
}

static void
revert_text (ReelShotCard *self)
{
  self->text_dirty = FALSE;
  self->captions_dirty = FALSE;
  /* A new shot: its picture loads afresh. */
  self->shown_take_id = -1;
  g_clear_pointer (&self->shown_board, g_free);
  sync_from_shot (self);
}

/* Enter commits the shot text; Shift+Enter still breaks the line. In the
 * dialogue, where every line is a caption, Ctrl+Enter commits. Escape reverts. */
static gboolean
text_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     ReelShotCard          *self)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  gboolean   is_text = view == GTK_WIDGET (self->text_view);
  GtkWidget *child;

  if (keyval == GDK_KEY_Escape)
    {
      revert_text (self);
      return GDK_EVENT_STOP;
    }

  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return GDK_EVENT_PROPAGATE;

  if (is_text && (state & GDK_SHIFT_MASK) != 0)
    return GDK_EVENT_PROPAGATE;
  if (!is_text && (state & GDK_CONTROL_MASK) == 0)
    return GDK_EVENT_PROPAGATE;

  if (is_text)
    commit_text (self);
  else
    commit_captions (self);

  /* Hand the focus back to the card, so arrow keys move between shots again. */
  child = gtk_widget_get_parent (GTK_WIDGET (self));
  if (child != NULL)
    gtk_widget_grab_focus (child);
  return GDK_EVENT_STOP;
}

static void
text_focus_leave_cb (ReelShotCard *self)
{
  commit_text (self);
}

static void
remember_split_cursor (ReelShotCard *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  if (self->syncing == 0 && gtk_widget_has_focus (GTK_WIDGET (self->text_view)))
    g_object_get (buffer, "cursor-position", &self->split_cursor, NULL);
}

gssize
reel_shot_card_get_split_offset (ReelShotCard *self)
{
  GtkTextBuffer   *buffer;
  GtkTextIter      start, cursor, end;
  g_autofree char *before = NULL;
  g_autofree char *all = NULL;
  gsize            leading, length;
  gssize           offset;

  g_return_val_if_fail (REEL_IS_SHOT_CARD (self), -1);

  if (self->split_cursor < 0)
    return -1;

  /* The text is stored without the white space around it. */
  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_get_iter_at_offset (buffer, &cursor, self->split_cursor);
  before = gtk_text_buffer_get_text (buffer, &start, &cursor, FALSE);
  all = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  length = strlen (all);
  leading = length - strlen (g_strchug (all));
  length = strlen (g_strchomp (all));
  offset = (gssize) strlen (before) - (gssize) leading;
  return offset > 0 && (gsize) offset < length ? offset : -1;
}

static void
captions_focus_leave_cb (ReelShotCard *self)
{
  commit_captions (self);
  update_captions_placeholder (self);
}

static void
captions_focus_enter_cb (ReelShotCard *self)
{
  update_captions_placeholder (self);
}

static void
duration_changed_cb (ReelShotCard *self)
{
  g_autoptr (GError) error = NULL;
  double seconds;

  if (self->syncing > 0 || self->project == NULL || self->shot == NULL)
    return;

  seconds = gtk_spin_button_get_value (self->duration_spin);
  if (G_APPROX_VALUE (seconds, reel_shot_get_duration (self->shot), 1e-6))
    return;

  if (!reel_project_set_shot_duration (self->project, reel_shot_get_id (self->shot), seconds,
                                       &error))
    {
      reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Change the Duration"), error);
      sync_from_shot (self);
    }
}

/* The "camera" property (the shot's move, by its stable name) is the state
 * of the shot.camera action that the camera menu's radio items change. */
static void
set_camera (ReelShotCard *self, const char *name)
{
  g_autoptr (GError) error = NULL;
  ReelCameraMove move;

  if (self->project == NULL || self->shot == NULL || name == NULL
      || !reel_camera_move_from_string (name, &move) || move == reel_shot_get_camera (self->shot))
    return;

  if (!reel_project_set_shot_camera (self->project, reel_shot_get_id (self->shot), move, &error))
    {
      reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Change the Camera Move"), error);
      sync_from_shot (self);
    }
}

/* The camera menu is made the first time it pops up, like the shot's menu. */
static void
camera_popup_cb (GtkMenuButton *camera_button, gpointer user_data)
{
  g_autoptr (GMenu) menu = NULL;

  if (gtk_menu_button_get_menu_model (camera_button) != NULL)
    return;

  menu = g_menu_new ();
  for (guint i = 0; i < REEL_N_CAMERA_MOVES; i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (reel_camera_move_get_label (i), NULL);

      g_menu_item_set_action_and_target (item, "shot.camera", "s", reel_camera_move_to_string (i));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (camera_button, G_MENU_MODEL (menu));
}

/* The window's shot actions act on the selected card: opening its menu makes
 * it the selected one (the storyboard does the same for focus). */
static void
select_self (ReelShotCard *self)
{
  if (self->shot != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "storyboard.select-shot", "x",
                                reel_shot_get_id (self->shot));
}

/* Called each time the menu is about to pop up. The menu is made the first
 * time: a popover menu in every card would cost more to build and style than
 * the rest of the card. */
static void
menu_popup_cb (GtkMenuButton *menu_button, gpointer user_data)
{
  ReelShotCard *self = REEL_SHOT_CARD (user_data);

  if (gtk_menu_button_get_menu_model (menu_button) == NULL)
    gtk_menu_button_set_menu_model (menu_button, self->shot_menu);
  select_self (self);
}

/* Drag and drop: the header is the handle (the text views keep their own text
 * selection drags); every card is a drop target, before or after itself. */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source, double x, double y, ReelShotCard *self)
{
  if (self->shot == NULL)
    return NULL;

  commit_text (self);
  commit_captions (self);
  return gdk_content_provider_new_typed (REEL_TYPE_SHOT, self->shot);
}

static void
drag_begin_cb (GtkDragSource *source, GdkDrag *drag, ReelShotCard *self)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  graphene_point_t point;

  if (!gtk_widget_compute_point (GTK_WIDGET (self->header_box), GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (0, 0), &point))
    point = GRAPHENE_POINT_INIT (0, 0);

  /* Snapshot the card now: the live paintable would follow it as it dims. */
  {
    g_autoptr (GdkPaintable) frozen = gdk_paintable_get_current_image (paintable);
    gtk_drag_source_set_icon (source, frozen, (int) point.x + 16, (int) point.y + 16);
  }
  gtk_widget_add_css_class (GTK_WIDGET (self), "dragging");
}

static void
drag_end_cb (GtkDragSource *source, GdkDrag *drag, gboolean delete_data, ReelShotCard *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dragging");
}

static gboolean
drop_is_after (ReelShotCard *self, double x)
{
  gboolean after = x > gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;

  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL)
    after = !after;
  return after;
}

static void
clear_drop_indicator (ReelShotCard *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-before");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-after");
}

static GdkDragAction
drop_motion_cb (GtkDropTarget *target, double x, double y, ReelShotCard *self)
{
  const GValue *value = gtk_drop_target_get_value (target);
  gboolean      after = drop_is_after (self, x);

  if (value != NULL && G_VALUE_HOLDS (value, REEL_TYPE_SHOT)
      && g_value_get_object (value) == (gpointer) self->shot)
    {
      clear_drop_indicator (self);
      return 0;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self), after ? "drop-before" : "drop-after");
  gtk_widget_add_css_class (GTK_WIDGET (self), after ? "drop-after" : "drop-before");
  return GDK_ACTION_MOVE;
}

static void
drop_leave_cb (GtkDropTarget *target, ReelShotCard *self)
{
  clear_drop_indicator (self);
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, ReelShotCard *self)
{
  g_autoptr (GError) error = NULL;
  ReelShot *dragged;
  guint     from, to, position;
  gint64    dragged_id;

  clear_drop_indicator (self);

  if (!G_VALUE_HOLDS (value, REEL_TYPE_SHOT) || self->project == NULL || self->shot == NULL)
    return FALSE;

  dragged = g_value_get_object (value);
  if (dragged == NULL || dragged == self->shot)
    return FALSE;

  from = reel_shot_get_position (dragged);
  to = reel_shot_get_position (self->shot);
  /* reel_project_move_shot() takes the final position, counted after the
   * dragged shot has left its old place. */
  if (drop_is_after (self, x))
    position = from < to ? to : to + 1;
  else
    position = from < to ? to - 1 : to;

  if (position == from)
    return TRUE;

  dragged_id = reel_shot_get_id (dragged);
  if (!reel_project_move_shot (self->project, dragged_id, position, &error))
    {
      reel_widget_report_error (GTK_WIDGET (self), _ ("Could Not Move the Shot"), error);
      return FALSE;
    }

  /* The grid rebound its cards; keep the moved shot under the user's eye. */
  {
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

    if (REEL_IS_WINDOW (root))
      reel_window_select_shot (REEL_WINDOW (root), dragged_id);
  }
  return TRUE;
}

static void
set_shot (ReelShotCard *self, ReelShot *shot)
{
  if (self->shot == shot)
    return;

  if (self->shot != NULL)
    g_signal_handlers_disconnect_by_data (self->shot, self);
  g_set_object (&self->shot, shot);
  if (shot != NULL)
    g_signal_connect_object (shot, "notify", G_CALLBACK (shot_notify_cb), self, G_CONNECT_SWAPPED);

  /* Nothing of the last shot may show through: an edit not yet committed is
   * dropped (a card loses its shot when the project changes, and writing
   * then would re-enter the change), and the picture loads afresh. */
  self->text_dirty = FALSE;
  self->captions_dirty = FALSE;
  self->split_cursor = -1;
  self->shown_take_id = -1;
  g_clear_pointer (&self->shown_board, g_free);
  cancel_picture (self);
  show_picture (self, NULL);
  set_media_problem (self, NULL);
  clear_drop_indicator (self);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dragging");
  if (shot == NULL)
    reel_prompt_view_set_shot (self->prompt_view, NULL, 0);
  sync_from_shot (self);
}

void
reel_shot_card_bind (ReelShotCard *self, ReelProject *project, ReelShot *shot)
{
  g_return_if_fail (REEL_IS_SHOT_CARD (self));
  g_return_if_fail (project == NULL || REEL_IS_PROJECT (project));
  g_return_if_fail (shot == NULL || REEL_IS_SHOT (shot));

  g_object_freeze_notify (G_OBJECT (self));
  if (g_set_object (&self->project, project))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
      /* The same shot in another project: read it all again. */
      if (self->shot == shot && shot != NULL)
        {
          self->shown_take_id = -1;
          sync_from_shot (self);
        }
    }
  if (self->shot != shot)
    {
      set_shot (self, shot);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOT]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

ReelShot *
reel_shot_card_get_shot (ReelShotCard *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_CARD (self), NULL);
  return self->shot;
}

GtkWidget *
reel_shot_card_new (ReelProject *project, ReelShot *shot)
{
  g_return_val_if_fail (REEL_IS_PROJECT (project), NULL);
  g_return_val_if_fail (REEL_IS_SHOT (shot), NULL);

  return g_object_new (REEL_TYPE_SHOT_CARD, "project", project, "shot", shot, NULL);
}

static void
reel_shot_card_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelShotCard *self = REEL_SHOT_CARD (object);

  switch (prop_id)
    {
      case PROP_PROJECT:
        g_value_set_object (value, self->project);
        break;
      case PROP_SHOT:
        g_value_set_object (value, self->shot);
        break;
      case PROP_IMAGE_CACHE:
        g_value_set_object (value, self->image_cache);
        break;
      case PROP_CAMERA:
        /* Never NULL: it is the state of the shot.camera action. */
        g_value_set_string (value, reel_camera_move_to_string (
                                       self->shot != NULL ? reel_shot_get_camera (self->shot)
                                                          : REEL_CAMERA_STATIC));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_shot_card_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ReelShotCard *self = REEL_SHOT_CARD (object);

  switch (prop_id)
    {
      case PROP_PROJECT:
        reel_shot_card_bind (self, g_value_get_object (value), self->shot);
        break;
      case PROP_SHOT:
        set_shot (self, g_value_get_object (value));
        break;
      case PROP_IMAGE_CACHE:
        g_set_object (&self->image_cache, g_value_get_object (value));
        break;
      case PROP_CAMERA:
        set_camera (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
relayout_cb (gpointer user_data)
{
  ReelShotCard *self = user_data;

  GtkWidget *views[] = { GTK_WIDGET (self->text_view), GTK_WIDGET (self->captions_view) };

  self->relayout_source = 0;
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      int height = 0;

      gtk_widget_measure (views[i], GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (views[i]),
                          &height, NULL, NULL, NULL);
      if (height != gtk_widget_get_height (views[i]))
        gtk_widget_queue_resize (views[i]);
    }
  return G_SOURCE_REMOVE;
}

static void
reel_shot_card_measure (GtkWidget     *widget,
                        GtkOrientation orientation,
                        int            for_size,
                        int           *minimum,
                        int           *natural,
                        int           *minimum_baseline,
                        int           *natural_baseline)
{
  gtk_widget_measure (REEL_SHOT_CARD (widget)->card_box, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
  /* The storyboard lays cards out by their natural width: a take's
   * thumbnail must not turn a grid into one wide column. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, MIN (*natural, CARD_NATURAL_WIDTH));
}

/* Wrapped text (the shot's, a failure's reason) is as tall as the card's
 * width makes it: without this the card would be measured as a constant
 * size, its height for no width at all, and a long reason would be drawn
 * below the card's frame. */
static GtkSizeRequestMode
reel_shot_card_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* GtkTextView measures its height for the width it had last time, so wrapped
 * text can be clipped after the card gets a new width: measure once more. */
static void
reel_shot_card_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  ReelShotCard *self = REEL_SHOT_CARD (widget);

  gtk_widget_allocate (self->card_box, width, height, baseline, NULL);

  if (width != self->allocated_width)
    {
      self->allocated_width = width;
      if (self->relayout_source == 0)
        /* After the text views have wrapped their text anew (they do it in
         * an idle of their own, at a higher priority). */
        self->relayout_source = g_idle_add_full (G_PRIORITY_LOW, relayout_cb, self, NULL);
    }
}

static void
reel_shot_card_dispose (GObject *object)
{
  ReelShotCard *self = REEL_SHOT_CARD (object);

  g_clear_handle_id (&self->relayout_source, g_source_remove);
  cancel_picture (self);

  /* A card goes away when the grid rebuilds after a change: never write to
   * the project from here, that would re-enter the change. */
  self->text_dirty = FALSE;
  self->captions_dirty = FALSE;
  if (self->shot != NULL)
    g_signal_handlers_disconnect_by_data (self->shot, self);
  g_clear_object (&self->shot);
  g_clear_object (&self->project);
  g_clear_object (&self->image_cache);
  g_clear_pointer (&self->shown_board, g_free);
  g_clear_pointer (&self->media_problem, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_SHOT_CARD);

  G_OBJECT_CLASS (reel_shot_card_parent_class)->dispose (object);
}

/* The card's buttons hand their shot to the window, which owns the scheduler
 * and the take strip. */
static void
forward_action (GtkWidget *widget, const char *window_action)
{
  ReelShotCard *self = REEL_SHOT_CARD (widget);

  if (self->shot == NULL)
    return;
  select_self (self);
  gtk_widget_activate_action (widget, window_action, "x", reel_shot_get_id (self->shot));
}

static void
generate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  forward_action (widget, "win.generate-shot");
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  forward_action (widget, "win.retry-shot");
}

static void
show_takes_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  forward_action (widget, "win.show-takes");
}

const char *
reel_shot_card_get_media_problem (ReelShotCard *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_CARD (self), NULL);
  return self->media_problem;
}

gboolean
reel_shot_card_has_picture (ReelShotCard *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_CARD (self), FALSE);
  return gtk_picture_get_paintable (self->picture) != NULL;
}

const char *
reel_shot_card_get_status_text (ReelShotCard *self)
{
  g_return_val_if_fail (REEL_IS_SHOT_CARD (self), NULL);
  return gtk_label_get_label (self->status_label);
}

static void
reel_shot_card_class_init (ReelShotCardClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_shot_card_dispose;
  object_class->get_property = reel_shot_card_get_property;
  object_class->set_property = reel_shot_card_set_property;
  widget_class->get_request_mode = reel_shot_card_get_request_mode;
  widget_class->measure = reel_shot_card_measure;
  widget_class->size_allocate = reel_shot_card_size_allocate;

  /* Set both at once with reel_shot_card_bind(). */
  properties[PROP_PROJECT] = g_param_spec_object (
      "project", NULL, NULL, REEL_TYPE_PROJECT,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOT] = g_param_spec_object (
      "shot", NULL, NULL, REEL_TYPE_SHOT,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGE_CACHE]
      = g_param_spec_object ("image-cache", NULL, NULL, REEL_TYPE_IMAGE_CACHE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The shot's camera move by its stable name ("pan-left"); setting it
   * changes the shot, as one undoable edit. */
  properties[PROP_CAMERA]
      = g_param_spec_string ("camera", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "shot.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "shot.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "shot.show-takes", NULL, show_takes_action);
  gtk_widget_class_install_property_action (widget_class, "shot.camera", "camera");

  /* A static library only links objects that something references: this keeps
   * the GResource (and its registering constructor) in every program. */
  storyreel_ui_get_resource ();

  g_type_ensure (REEL_TYPE_PROMPT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-shot-card.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, card_box);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, header_box);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, number_label);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, heading_label);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, menu_button);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, shot_menu);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, text_view);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, captions_view);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, captions_placeholder);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, camera_button);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, camera_label);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, status_box);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, generate_button);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, status_image);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, error_label);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, takes_button);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, retry_button);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, frame);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, picture);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, placeholder);
  gtk_widget_class_bind_template_child (widget_class, ReelShotCard, media_warning);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "shotcard");
}

static void
add_focus_controller (GtkWidget *widget, GCallback enter, GCallback leave, ReelShotCard *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  if (enter != NULL)
    g_signal_connect_object (focus, "enter", enter, self, G_CONNECT_SWAPPED);
  if (leave != NULL)
    g_signal_connect_object (focus, "leave", leave, self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (widget, focus);
}

static void
reel_shot_card_init (ReelShotCard *self)
{
  GtkEventController *key;
  GtkDragSource      *drag_source;
  GtkDropTarget      *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (text_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->captions_view), "changed",
                           G_CALLBACK (captions_changed_cb), self, G_CONNECT_SWAPPED);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (text_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), key);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (text_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->captions_view), key);

  add_focus_controller (GTK_WIDGET (self->text_view), G_CALLBACK (remember_split_cursor),
                        G_CALLBACK (text_focus_leave_cb), self);
  self->split_cursor = -1;
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "notify::cursor-position",
                           G_CALLBACK (remember_split_cursor), self, G_CONNECT_SWAPPED);
  add_focus_controller (GTK_WIDGET (self->captions_view), G_CALLBACK (captions_focus_enter_cb),
                        G_CALLBACK (captions_focus_leave_cb), self);

  g_signal_connect_object (self->duration_spin, "value-changed", G_CALLBACK (duration_changed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_menu_button_set_create_popup_func (self->camera_button, camera_popup_cb, self, NULL);
  gtk_menu_button_set_create_popup_func (self->menu_button, menu_popup_cb, self, NULL);

  {
    GtkWidget *with_tooltips[]
        = { GTK_WIDGET (self->heading_label), GTK_WIDGET (self->status_box),
            GTK_WIDGET (self->generate_button), GTK_WIDGET (self->media_warning) };

    for (guint i = 0; i < G_N_ELEMENTS (with_tooltips); i++)
      {
        gtk_widget_set_has_tooltip (with_tooltips[i], TRUE);
        g_signal_connect_object (with_tooltips[i], "query-tooltip", G_CALLBACK (query_tooltip_cb),
                                 self, 0);
      }
  }

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->header_box), "grab");
  drag_source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag_source, GDK_ACTION_MOVE);
  g_signal_connect (drag_source, "prepare", G_CALLBACK (drag_prepare_cb), self);
  g_signal_connect (drag_source, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag_source, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->header_box), GTK_EVENT_CONTROLLER (drag_source));

  drop_target = gtk_drop_target_new (REEL_TYPE_SHOT, GDK_ACTION_MOVE);
  gtk_drop_target_set_preload (drop_target, TRUE);
  g_signal_connect (drop_target, "motion", G_CALLBACK (drop_motion_cb), self);
  g_signal_connect (drop_target, "leave", G_CALLBACK (drop_leave_cb), self);
  g_signal_connect (drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));
}
