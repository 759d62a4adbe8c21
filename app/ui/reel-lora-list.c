/* reel-lora-list.c
 *
 * One row per LoRA in the "sdcpp-loras" key (a(sdb): path, strength, and
 * whether it applies to Wan2.2 A14B's high-noise expert), in the order
 * stable-diffusion.cpp applies them. Every change is written at once; a
 * change of the key from elsewhere rebuilds the rows, but not the list's
 * own writes, so a strength being typed keeps its focus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-lora-list.h"
#include "reel-ui-utils.h"

#define LORAS_KEY "sdcpp-loras"

struct _ReelLoraList
{
  AdwPreferencesGroup parent_instance;

  AdwActionRow *empty_row;
  AdwActionRow *warning_row;

  GSettings            *settings;
  GPtrArray            *rows; /* AdwActionRow*, the group's */
  GtkFileChooserNative *chooser;
  gboolean              writing;
};

G_DEFINE_FINAL_TYPE (ReelLoraList, reel_lora_list, ADW_TYPE_PREFERENCES_GROUP)

typedef struct
{
  char    *path;
  double   strength;
  gboolean high_noise;
} Lora;

/* ------------------------------------------------------------------------ */
/* The key                                                                  */

static GVariant *
read_loras (ReelLoraList *self)
{
  if (self->settings == NULL)
    return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(sdb)"), NULL, 0));
  return g_settings_get_value (self->settings, LORAS_KEY);
}

/* The rows as they stand, with @extra_path (if not NULL) at the end. */
static void
write_loras (ReelLoraList *self, const char *extra_path)
{
  GVariantBuilder builder;

  if (self->settings == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sdb)"));
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget      *row = g_ptr_array_index (self->rows, i);
      GtkSpinButton  *strength = g_object_get_data (G_OBJECT (row), "strength");
      GtkCheckButton *high_noise = g_object_get_data (G_OBJECT (row), "high-noise");

      g_variant_builder_add (&builder, "(sdb)", g_object_get_data (G_OBJECT (row), "path"),
                             gtk_spin_button_get_value (strength),
                             gtk_check_button_get_active (high_noise));
    }
  if (extra_path != NULL)
    g_variant_builder_add (&builder, "(sdb)", extra_path, 1.0, FALSE);

  self->writing = TRUE;
  g_settings_set_value (self->settings, LORAS_KEY, g_variant_builder_end (&builder));
  self->writing = FALSE;
}

/* ------------------------------------------------------------------------ */
/* Rows                                                                     */

static void
row_changed_cb (ReelLoraList *self)
{
  write_loras (self, NULL);
}

static GtkWidget *
strength_button (ReelLoraList *self, const char *name, double strength)
{
  GtkWidget       *button = gtk_spin_button_new_with_range (-4.0, 4.0, 0.05);
  g_autofree char *label = g_strdup_printf (_ ("Strength of %s"), name);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (button), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (button), strength);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _ ("Strength"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_signal_connect_object (button, "value-changed", G_CALLBACK (row_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return button;
}

static GtkWidget *
high_noise_button (ReelLoraList *self, const char *name, gboolean high_noise)
{
  /* Translators: a LoRA applied to Wan2.2 A14B's high-noise expert */
  GtkWidget       *button = gtk_check_button_new_with_label (_ ("High noise"));
  g_autofree char *label = g_strdup_printf (_ ("Apply %s to the high-noise expert"), name);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (button), high_noise);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (
      button, _ ("Apply it to Wan2.2 A14B’s high-noise expert, which samples first, instead of "
                 "the low-noise one"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_signal_connect_object (button, "toggled", G_CALLBACK (row_changed_cb), self, G_CONNECT_SWAPPED);
  return button;
}

static GtkWidget *
remove_button (const char *name, guint index)
{
  GtkWidget       *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *label = g_strdup_printf (_ ("Remove %s"), name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _ ("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "loras.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", index);
  return button;
}

static GtkWidget *
lora_row (ReelLoraList *self, const Lora *lora, guint index)
{
  g_autofree char *name = g_path_get_basename (lora->path);
  g_autofree char *folder = g_path_get_dirname (lora->path);
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *strength = strength_button (self, name, lora->strength);
  GtkWidget       *high_noise = high_noise_button (self, name, lora->high_noise);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), high_noise);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), strength);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove_button (name, index));
  g_object_set_data_full (G_OBJECT (row), "path", g_strdup (lora->path), g_free);
  g_object_set_data (G_OBJECT (row), "strength", strength);
  g_object_set_data (G_OBJECT (row), "high-noise", high_noise);
  return row;
}

/* sd-cli takes one --lora-model-dir: LoRAs in two folders cannot all load. */
static gboolean
in_one_folder (GVariant *loras)
{
  g_autofree char *first = NULL;
  GVariantIter     iter;
  const char      *path;

  g_variant_iter_init (&iter, loras);
  while (g_variant_iter_next (&iter, "(&sdb)", &path, NULL, NULL))
    {
      g_autofree char *folder = g_path_get_dirname (path);

      if (first == NULL)
        first = g_steal_pointer (&folder);
      else if (g_strcmp0 (first, folder) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
rebuild (ReelLoraList *self)
{
  g_autoptr (GVariant) loras = read_loras (self);
  GVariantIter iter;
  Lora         lora;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  g_variant_iter_init (&iter, loras);
  while (g_variant_iter_next (&iter, "(&sdb)", &lora.path, &lora.strength, &lora.high_noise))
    {
      GtkWidget *row = lora_row (self, &lora, self->rows->len);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), self->rows->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->warning_row), !in_one_folder (loras));
}

static void
settings_changed_cb (ReelLoraList *self)
{
  if (!self->writing)
    rebuild (self);
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                  */

static void
chosen_cb (GtkWidget *widget, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    reel_lora_list_add (REEL_LORA_LIST (widget), path);
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelLoraList *self = REEL_LORA_LIST (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("LoRA files"));
  gtk_file_filter_add_suffix (filter, "safetensors");
  gtk_file_filter_add_suffix (filter, "gguf");
  gtk_file_filter_add_suffix (filter, "ckpt");
  gtk_file_filter_add_suffix (filter, "pt");
  reel_ui_choose_file_to_open (widget, &self->chooser, _ ("Add LoRA"), _ ("_Add"), _ ("_Cancel"),
                               (GtkFileFilter *const[]){ filter }, 1, chosen_cb);
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ReelLoraList *self = REEL_LORA_LIST (widget);
  guint         index = g_variant_get_uint32 (parameter);

  if (index >= self->rows->len)
    return;
  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self),
                                g_ptr_array_index (self->rows, index));
  g_ptr_array_remove_index (self->rows, index);
  write_loras (self, NULL);
  rebuild (self);
}

/* ------------------------------------------------------------------------ */
/* Public                                                                   */

GtkWidget *
reel_lora_list_new (void)
{
  return g_object_new (REEL_TYPE_LORA_LIST, NULL);
}

void
reel_lora_list_set_settings (ReelLoraList *self, GSettings *settings)
{
  g_return_if_fail (REEL_IS_LORA_LIST (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed::" LORAS_KEY, G_CALLBACK (settings_changed_cb),
                             self, G_CONNECT_SWAPPED);
  gtk_widget_set_sensitive (GTK_WIDGET (self), settings != NULL);
  rebuild (self);
}

void
reel_lora_list_add (ReelLoraList *self, const char *path)
{
  g_return_if_fail (REEL_IS_LORA_LIST (self));
  g_return_if_fail (path != NULL);

  write_loras (self, path);
  rebuild (self);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
reel_lora_list_dispose (GObject *object)
{
  ReelLoraList *self = REEL_LORA_LIST (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), REEL_TYPE_LORA_LIST);

  G_OBJECT_CLASS (reel_lora_list_parent_class)->dispose (object);
}

static void
reel_lora_list_finalize (GObject *object)
{
  ReelLoraList *self = REEL_LORA_LIST (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (reel_lora_list_parent_class)->finalize (object);
}

static void
reel_lora_list_class_init (ReelLoraListClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reel_lora_list_dispose;
  object_class->finalize = reel_lora_list_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/storyreel/Storyreel/reel-lora-list.ui");
  gtk_widget_class_bind_template_child (widget_class, ReelLoraList, empty_row);
  gtk_widget_class_bind_template_child (widget_class, ReelLoraList, warning_row);

  gtk_widget_class_install_action (widget_class, "loras.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "loras.remove", "u", remove_action);
}

static void
reel_lora_list_init (ReelLoraList *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  rebuild (self);
}
