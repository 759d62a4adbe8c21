/* test-prompt-card.c: a shot card shows the exact final prompt, and takes the user's own
 *
 * A real card in a real window under Xvfb, on a real project: the card's
 * "Prompt" expander shows what generation sends, follows the project's
 * style, and what the user writes there becomes what is sent, until
 * "Automatic" brings the made prompt back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "reel-prompt-view.h"
#include "reel-shot-card.h"
#include "reel-test-utils.h"
#include "reel-ui-test-utils.h"

static void
assert_shows_final_prompt (ReelPromptView *view, ReelProject *project, gint64 shot_id)
{
  g_autofree char *shown = reel_prompt_view_dup_shown_prompt (view);
  g_autofree char *sent = reel_project_dup_final_prompt (project, shot_id);

  g_assert_cmpstr (shown, ==, sent);
}

/* The entry row of the read field titled @title. */
static GtkWidget *
find_field (GtkWidget *root, const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_ENTRY_ROW (child)
          && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        return child;
      if ((found = find_field (child, title)) != NULL)
        return found;
    }
  return NULL;
}

static void
test_card_prompt (void)
{
  g_autofree char *dir = reel_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "Lab.storyreel", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelProject) project = reel_project_create (file, NULL, &error);
  g_autoptr (ReelShot) shot = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *automatic = NULL;
  ReelCharacter mara = { .name = (char *) "Mara", .description = (char *) "a chemist in goggles" };
  GtkWidget    *window = gtk_window_new ();
  GtkWidget    *card;
  ReelPromptView *view;
  gint64          id;

  g_assert_no_error (error);
  g_assert_true (
      reel_project_set_script (project, "INT. LAB - DAY\n\nMara lifts the flask.\n", &error));
  g_assert_true (reel_project_break_down (project, NULL, &error));
  g_assert_cmpint (reel_project_save_character (project, &mara, &error), >, 0);
  g_assert_true (reel_project_set_style (project, "anime", &error));
  g_assert_no_error (error);
  shot = g_list_model_get_item (reel_project_get_shots (project), 0);
  id = reel_shot_get_id (shot);

  card = GTK_WIDGET (reel_shot_card_new (project, shot));
  gtk_window_set_child (GTK_WINDOW (window), card);
  gtk_window_set_default_size (GTK_WINDOW (window), 320, 600);
  gtk_window_present (GTK_WINDOW (window));
  reel_ui_test_wait_until (reel_ui_test_widget_is_mapped, card, "the card to show");
  view = REEL_PROMPT_VIEW (reel_ui_test_find_first (card, REEL_TYPE_PROMPT_VIEW));
  g_assert_nonnull (view);

  /* Closed, the card stays compact; open, it shows exactly what is sent. */
  g_assert_null (reel_prompt_view_dup_shown_prompt (view));
  reel_prompt_view_set_expanded (view, TRUE);
  reel_ui_test_settle (window);
  assert_shows_final_prompt (view, project, id);
  sent = reel_project_dup_final_prompt (project, id);
  g_assert_true (g_str_has_prefix (sent, "Mara lifts the flask. Mara: a chemist in goggles."));

  /* It follows the project: another style, another prompt. */
  g_assert_true (reel_project_set_style (project, "watercolour", &error));
  assert_shows_final_prompt (view, project, id);
  automatic = reel_project_dup_final_prompt (project, id);
  g_assert_nonnull (strstr (automatic, "watercolour"));

  /* The user's own words are what is sent, verbatim... */
  reel_prompt_view_override (view, "Close up: a flask glows green. ");
  g_clear_pointer (&sent, g_free);
  sent = reel_project_dup_final_prompt (project, id);
  g_assert_cmpstr (sent, ==, "Close up: a flask glows green. ");
  assert_shows_final_prompt (view, project, id);

  /* ...until Automatic brings the made prompt back. */
  {
    g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
    GtkWidget *automatic_button = NULL;

    reel_ui_test_collect_descendants (GTK_WIDGET (view), GTK_TYPE_BUTTON, buttons);
    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "prompt.use-automatic")
          == 0)
        automatic_button = buttons->pdata[i];
    g_assert_nonnull (automatic_button);
    g_assert_true (gtk_widget_is_sensitive (automatic_button));
    g_signal_emit_by_name (automatic_button, "clicked");
  }
  g_clear_pointer (&sent, g_free);
  sent = reel_project_dup_final_prompt (project, id);
  g_assert_cmpstr (sent, ==, automatic);
  assert_shows_final_prompt (view, project, id);

  /* The fields read from the text are on show, the setting from the scene
   * heading; a field written over is what a template of fields sends, and
   * emptied it is read from the text again. */
  {
    GtkWidget       *setting = find_field (card, "Setting");
    g_autofree char *fielded = NULL;

    g_assert_nonnull (setting);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (setting)), ==, "lab");
    g_assert_true (
        reel_project_set_prompt_template (project, "{subject} in the {setting}", &error));
    g_assert_no_error (error);
    gtk_editable_set_text (GTK_EDITABLE (setting), "greenhouse");
    g_signal_emit_by_name (setting, "entry-activated");
    fielded = reel_project_dup_final_prompt (project, id);
    g_assert_cmpstr (fielded, ==, "Mara in the greenhouse");
    assert_shows_final_prompt (view, project, id);
    g_assert_true (gtk_widget_has_css_class (setting, "accent"));

    gtk_editable_set_text (GTK_EDITABLE (setting), "");
    g_signal_emit_by_name (setting, "entry-activated");
    g_clear_pointer (&fielded, g_free);
    fielded = reel_project_dup_final_prompt (project, id);
    g_assert_cmpstr (fielded, ==, "Mara in the lab");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (setting)), ==, "lab");
    g_assert_false (gtk_widget_has_css_class (setting, "accent"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&project);
  reel_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("storyreel-prompt-XXXXXX", NULL);
  int              status;

  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/gui/prompt-card", test_card_prompt);

  status = g_test_run ();
  reel_test_rm_rf (home);
  return status;
}
