/* reel-preferences-window-gpus.c
 *
 * The "This Computer" group on the Generation page: the NVIDIA GPUs the
 * local engines would use, with their memory and driver, and the Wan 2.2
 * settings proposed for each, which one button applies to the local
 * engines' settings; or, with no GPU, why not. The driver is asked in a
 * thread (it may take seconds to wake up), so the group shows that it is
 * looking until it answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-gpu-advice.h"
#include "reel-preferences-window-private.h"

static AdwActionRow *
add_row (ReelPreferencesWindow *self, const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* GPU names and the driver's reasons are not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (self->gpu_group, row);
  g_ptr_array_add (self->gpu_rows, row);
  return ADW_ACTION_ROW (row);
}

static void
clear_rows (ReelPreferencesWindow *self)
{
  for (guint i = 0; i < self->gpu_rows->len; i++)
    adw_preferences_group_remove (self->gpu_group, g_ptr_array_index (self->gpu_rows, i));
  g_ptr_array_set_size (self->gpu_rows, 0);
}

static void
show_looking (ReelPreferencesWindow *self)
{
  AdwActionRow *row;
  GtkWidget    *spinner = gtk_spinner_new ();

  clear_rows (self);
  row = add_row (self, _ ("Looking for NVIDIA GPUs…"), NULL);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  adw_action_row_add_suffix (row, spinner);
}

/* The button that applies what is proposed for @gpu. */
static void
add_apply_button (AdwActionRow *row, const ReelGpuInfo *gpu)
{
  GtkWidget       *button = gtk_button_new_with_mnemonic (_ ("_Apply"));
  g_autofree char *label = g_strdup_printf (_ ("Apply the settings suggested for %s"), gpu->name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _ ("Apply Suggested Settings"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "prefs.apply-gpu-advice");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "t", gpu->total_memory);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  adw_action_row_add_suffix (row, button);
}

static void
show_report (ReelPreferencesWindow *self, ReelGpuReport *report)
{
  guint n_gpus = reel_gpu_report_get_n_gpus (report);

  clear_rows (self);
  if (n_gpus == 0)
    {
      g_autoptr (ReelGpuAdvice) advice = reel_gpu_advice_new_for_report (report);
      g_autofree char *details = g_strconcat (
          advice->details, "\n",
          _ ("ComfyUI and stable-diffusion.cpp need an NVIDIA GPU to make video on this computer. "
             "A ComfyUI server on another computer works from here, and an sd-cli built for the "
             "CPU runs, but very slowly."),
          NULL);

      add_row (self, _ ("No NVIDIA GPU"), details);
      return;
    }

  for (guint i = 0; i < n_gpus; i++)
    {
      const ReelGpuInfo *gpu = reel_gpu_report_get_gpu (report, i);
      g_autoptr (ReelGpuAdvice) advice = reel_gpu_advice_new_for_gpu (gpu);
      g_autofree char *memory = reel_gpu_info_describe_memory (gpu);
      g_autofree char *driver = reel_gpu_info_describe_driver (gpu);
      /* Translators: "Video memory: 24.0 GiB, 20.5 GiB free · NVIDIA driver 550.54.14" */
      g_autofree char *subtitle = g_strdup_printf (_ ("Video memory: %s · %s"), memory, driver);
      /* Translators: what is proposed for a GPU, "Suggested: Wan 2.2 TI2V-5B with CPU offload" */
      g_autofree char *suggested = g_strdup_printf (_ ("Suggested: %s"), advice->summary);
      AdwActionRow    *row;

      add_row (self, gpu->name, subtitle);
      row = add_row (self, suggested, advice->details);
      if (advice->model != NULL)
        add_apply_button (row, gpu);
    }
}

/* A query in flight. It does not own the window, whose dispose cancels it:
 * a callback dropping the last reference would finalise the window after
 * its transient parent. */
typedef struct
{
  ReelPreferencesWindow *self;
  GCancellable          *cancellable;
} GpuQuery;

static void
query_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree GpuQuery *in_flight = user_data;
  g_autoptr (GCancellable) cancellable = in_flight->cancellable;
  g_autoptr (ReelGpuReport) report = NULL;
  g_autoptr (GError) error = NULL;
  ReelPreferencesWindow *self = in_flight->self;

  report = reel_gpu_probe_query_finish (REEL_GPU_PROBE (source), result, &error);
  /* Cancelled: the window closed, or a new query replaced this one. */
  if (report == NULL || g_cancellable_is_cancelled (cancellable))
    return;
  g_clear_object (&self->gpu_cancellable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.refresh-gpus", TRUE);
  show_report (self, report);
}

static void
query (ReelPreferencesWindow *self)
{
  if (self->gpu_cancellable != NULL)
    g_cancellable_cancel (self->gpu_cancellable);
  g_clear_object (&self->gpu_cancellable);
  self->gpu_cancellable = g_cancellable_new ();

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.refresh-gpus", FALSE);
  show_looking (self);
  {
    GpuQuery *in_flight = g_new0 (GpuQuery, 1);

    in_flight->self = self;
    in_flight->cancellable = g_object_ref (self->gpu_cancellable);
    reel_gpu_probe_query_async (self->gpu_probe, self->gpu_cancellable, query_done_cb, in_flight);
  }
}

/* Free memory changes as other programs run: ask the driver again. */
static void
refresh_gpus_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);

  reel_gpu_probe_forget (self->gpu_probe);
  query (self);
}

/* What the local engines use, from what is proposed for a GPU with @memory
 * bytes: the ComfyUI workflow at its own steps, and for sd-cli the weights
 * offloaded when the advice says so. Below 80 GB the frames are decoded in
 * tiles; flash attention saves memory and time on every NVIDIA GPU. */
static void
apply_gpu_advice_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelPreferencesWindow *self = REEL_PREFERENCES_WINDOW (widget);
  g_autoptr (ReelGpuAdvice) advice
      = reel_gpu_advice_new_for_memory (g_variant_get_uint64 (parameter));
  const char *workflow;

  switch (advice->tier)
    {
      case REEL_GPU_TIER_TI2V_5B_OFFLOAD:
        workflow = "wan2.2-ti2v-5b";
        break;
      case REEL_GPU_TIER_A14B_FP8_4STEP:
        workflow = "wan2.2-a14b-fast";
        break;
      case REEL_GPU_TIER_A14B_FULL:
        workflow = "wan2.2-a14b";
        break;
      case REEL_GPU_TIER_NO_GPU:
      case REEL_GPU_TIER_UNKNOWN_MEMORY:
      case REEL_GPU_TIER_TOO_SMALL:
      default:
        return;
    }
  if (self->settings == NULL)
    return;

  g_settings_set_string (self->settings, "comfyui-workflow", workflow);
  g_settings_set_int (self->settings, "comfyui-steps", 0);
  g_settings_set_boolean (self->settings, "sdcpp-offload-to-cpu", advice->cpu_offload);
  g_settings_set_boolean (self->settings, "sdcpp-vae-tiling",
                          advice->tier != REEL_GPU_TIER_A14B_FULL);
  g_settings_set_boolean (self->settings, "sdcpp-flash-attention", TRUE);
  adw_preferences_window_add_toast (
      ADW_PREFERENCES_WINDOW (self),
      adw_toast_new (_ ("The local engines now use the suggested settings")));
}

void
reel_preferences_window_init_gpus (ReelPreferencesWindow *self)
{
  self->gpu_rows = g_ptr_array_new ();
  self->gpu_probe = reel_gpu_probe_new ();
  query (self);
}

void
reel_preferences_window_dispose_gpus (ReelPreferencesWindow *self)
{
  if (self->gpu_cancellable != NULL)
    g_cancellable_cancel (self->gpu_cancellable);
  g_clear_object (&self->gpu_cancellable);
  g_clear_object (&self->gpu_probe);
  /* The rows are the group's, which the template disposes. */
  g_clear_pointer (&self->gpu_rows, g_ptr_array_unref);
}

void
reel_preferences_window_class_init_gpus (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, ReelPreferencesWindow, gpu_group);
  gtk_widget_class_install_action (widget_class, "prefs.refresh-gpus", NULL, refresh_gpus_action);
  gtk_widget_class_install_action (widget_class, "prefs.apply-gpu-advice", "t",
                                   apply_gpu_advice_action);
}
