/* reel-preferences-window-private.h: the preferences window, shared by its files
 *
 * reel-preferences-window.c has the Project page and the general generation
 * settings; reel-preferences-window-engines.c the groups of the remote
 * engines (keys, connection tests, models); reel-preferences-window-gpus.c
 * the GPUs of this computer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-api-keys.h"
#include "reel-gpu-probe.h"
#include "reel-preferences-window.h"
#include "reel-price-editor.h"

G_BEGIN_DECLS

/* The rows of one remote engine's group. */
typedef struct
{
  const char          *name; /* "dashscope", "fal" */
  AdwPreferencesGroup *group;
  AdwPasswordEntryRow *key_row;
  AdwActionRow        *status_row;
  GtkSpinner          *spinner;
  GtkButton           *remove_button;
  GtkButton           *test_button;
  AdwEntryRow         *model_row;
  GtkMenuButton       *model_button;
  GtkSpinButton       *jobs_spin;

  /* The lookup, store or test in flight. */
  GCancellable *cancellable;
  guint         busy;
  ReelKeySource source;
  /* Where the key comes from, and what the last test said (or NULL). */
  char *key_status;
  char *test_result;
} ReelEngineRows;

typedef enum
{
  REEL_ENGINE_DASHSCOPE,
  REEL_ENGINE_FAL,
  REEL_N_ENGINES
} ReelEngineIndex;

struct _ReelPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  ReelProject *project;
  /* What the Generation page is bound to: the application's settings, known
   * once the window belongs to it or is transient for a window that does. */
  GSettings *settings;
  /* Set while the window shows the project's or the settings' values. */
  guint syncing;
  /* A resolution that is not one of the presets, shown as the last choice. */
  guint custom_width;
  guint custom_height;
  /* What the Default Engine row offers, by name. */
  GStrv backend_ids;
  /* What the budget's Currency row offers. */
  GStrv currencies;

  AdwPreferencesPage  *project_page;
  AdwPreferencesPage  *generation_page;
  AdwEntryRow         *title_row;
  AdwComboRow         *resolution_row;
  AdwComboRow         *fps_row;
  GtkSpinButton       *duration_spin;
  AdwComboRow         *language_row;
  AdwPreferencesGroup *budget_group;
  AdwExpanderRow      *budget_row;
  GtkSpinButton       *budget_spin;
  AdwComboRow         *budget_currency_row;
  AdwActionRow        *spent_row;
  AdwComboRow         *backend_row;
  GtkSpinButton       *parallel_spin;
  GtkSwitch           *notify_switch;
  AdwComboRow         *dashscope_region_row;
  AdwEntryRow         *dashscope_url_row;
  GtkSwitch           *dashscope_extend_switch;
  GtkSwitch           *dashscope_watermark_switch;
  ReelPriceEditor     *price_editor;

  ReelEngineRows engines[REEL_N_ENGINES];

  /* This Computer: the GPUs, asked for in a thread. */
  AdwPreferencesGroup *gpu_group;
  GPtrArray           *gpu_rows;
  ReelGpuProbe        *gpu_probe;
  GCancellable        *gpu_cancellable; /* the query in flight */
};

/* reel-preferences-window-engines.c */
void reel_preferences_window_class_init_engines (GtkWidgetClass *widget_class);
void reel_preferences_window_init_engines (ReelPreferencesWindow *self);
/* Binds the engines' rows to the settings, now known. */
void            reel_preferences_window_bind_engines (ReelPreferencesWindow *self);
void            reel_preferences_window_dispose_engines (ReelPreferencesWindow *self);
ReelEngineRows *reel_preferences_window_find_engine (ReelPreferencesWindow *self, const char *name);

/* reel-preferences-window-gpus.c */
void reel_preferences_window_class_init_gpus (GtkWidgetClass *widget_class);
void reel_preferences_window_init_gpus (ReelPreferencesWindow *self);
void reel_preferences_window_dispose_gpus (ReelPreferencesWindow *self);

G_END_DECLS
