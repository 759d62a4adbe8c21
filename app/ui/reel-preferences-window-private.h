/* reel-preferences-window-private.h: the preferences window, shared by its files
 *
 * reel-preferences-window.c has the Project page and the general generation
 * settings; reel-preferences-window-style.c the Project page's prompt craft;
 * reel-preferences-window-logo.c the Project page's brand logo;
 * reel-preferences-window-engines.c the groups of the remote engines (keys, connection tests,
 * models); reel-preferences-window-gpus.c the GPUs of this computer and the settings proposed for
 * them; reel-preferences-window-servers.c a list of an engine's servers, which
 * reel-preferences-window-comfyui.c uses for the ComfyUI servers (beside
 * the workflow) and reel-preferences-window-sdcpp.c for sd-server's
 * (beside sd-cli's program and model files).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-api-keys.h"
#include "reel-gpu-probe.h"
#include "reel-preferences-window.h"
#include "reel-lora-list.h"
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

/* One server of an engine's pool, as its row shows it. */
typedef struct
{
  char         *url;
  AdwActionRow *row; /* a strong reference: rows move when the list changes */
  GtkSpinner   *spinner;
  GtkButton    *test_button;
  GCancellable *cancellable; /* the test in flight */
  char         *result;      /* what the last test found, or NULL */
  gboolean      listed;      /* FALSE: the address jobs use while the setting lists none */
} ReelServerRow;

/* Thread: what the server at @url says about itself, as its row shows it,
 * or NULL with an error that says why it cannot be used. @detail: the value
 * of the list's detail setting when the test began, or NULL. */
typedef char *(*ReelServerDescribeFunc) (const char   *url,
                                         const char   *detail,
                                         GCancellable *cancellable,
                                         GError      **error);

/* An engine's servers, saved to one setting as a comma-separated list. */
typedef struct
{
  /* Set up by the engine's file. */
  const char            *engine;        /* "ComfyUI": a name in labels */
  const char            *key;           /* the setting */
  const char            *detail_key;    /* a setting a test's answer depends on, or NULL */
  const char            *default_url;   /* what jobs use while the setting lists none */
  gboolean               allow_path;    /* an address may have a path */
  const char            *test_action;   /* "prefs.test-comfyui-server", with the address */
  const char            *remove_action; /* the same for Remove */
  ReelServerDescribeFunc describe;
  /* The template's. */
  GtkListBox  *list;
  AdwEntryRow *add_row;

  ReelPreferencesWindow *window;
  GPtrArray             *rows; /* ReelServerRow*, in the setting's order */
} ReelServerList;

/* sd-cli's model files, each with a row in the Model Files expander. */
typedef enum
{
  REEL_SDCPP_FILE_DIFFUSION,
  REEL_SDCPP_FILE_HIGH_NOISE,
  REEL_SDCPP_FILE_VAE,
  REEL_SDCPP_FILE_TAE,
  REEL_SDCPP_FILE_TEXT_ENCODER,
  REEL_N_SDCPP_FILES
} ReelSdcppFileIndex;

typedef struct
{
  AdwActionRow *row;
  GtkButton    *clear_button;
} ReelSdcppFileRow;

typedef enum
{
  REEL_ENGINE_DASHSCOPE,
  REEL_ENGINE_FAL,
  REEL_N_ENGINES
} ReelEngineIndex;

/* What a file chooser of the window does with the file the user chose. */
typedef void (*ReelPreferencesFileFunc) (ReelPreferencesWindow *self,
                                         GFile                 *file,
                                         gpointer               user_data);

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
  GtkSwitch           *continuity_switch;
  AdwComboRow         *language_row;
  AdwPreferencesGroup *budget_group;
  AdwExpanderRow      *budget_row;
  GtkSpinButton       *budget_spin;
  AdwComboRow         *budget_currency_row;
  AdwActionRow        *spent_row;
  AdwComboRow         *backend_row;
  GtkSpinButton       *parallel_spin;
  GtkSpinButton       *export_cache_spin;
  GtkSwitch           *notify_switch;
  AdwComboRow         *dashscope_region_row;
  AdwEntryRow         *dashscope_url_row;
  GtkSwitch           *dashscope_extend_switch;
  GtkSwitch           *dashscope_watermark_switch;
  ReelPriceEditor     *price_editor;

  /* Prompts (reel-preferences-window-style.c) */
  AdwComboRow    *style_row;
  GStrv           style_ids; /* what the Style row offers: "", presets' ids, own styles' names */
  AdwEntryRow    *negative_row;
  AdwEntryRow    *template_row;
  AdwExpanderRow *styles_row;
  AdwEntryRow    *add_style_row;
  GPtrArray      *style_rows; /* the own styles' rows in styles_row */
  ReelLoraList   *lora_list;

  /* Logo (reel-preferences-window-logo.c) */
  AdwActionRow  *logo_row;
  AdwComboRow   *logo_position_row;
  AdwActionRow  *logo_size_row;
  GtkSpinButton *logo_size_spin;
  AdwActionRow  *logo_opacity_row;
  GtkSpinButton *logo_opacity_spin;
  GCancellable  *logo_cancellable; /* the image's copy into the project in flight */

  ReelEngineRows engines[REEL_N_ENGINES];

  /* This Computer: the GPUs, asked for in a thread. */
  AdwPreferencesGroup *gpu_group;
  GPtrArray           *gpu_rows;
  ReelGpuProbe        *gpu_probe;
  GCancellable        *gpu_cancellable; /* the query in flight */

  /* The file chooser that is open, for a workflow or an sd.cpp setting, and
   * what to do with its answer. */
  GtkFileChooserNative   *file_chooser;
  ReelPreferencesFileFunc file_chosen;
  gpointer                file_chosen_data;

  /* ComfyUI */
  ReelServerList comfyui_servers;
  AdwComboRow   *comfyui_workflow_row;
  GStrv          comfyui_workflows; /* what the Workflow row offers, by name */
  GtkSpinButton *comfyui_steps_spin;
  GtkSpinButton *comfyui_jobs_spin;
  GCancellable  *comfyui_import_cancellable;

  /* stable-diffusion.cpp */
  ReelServerList   sdcpp_servers;
  AdwActionRow    *sdcpp_program_row;
  GtkButton       *sdcpp_program_clear_button;
  AdwActionRow    *sdcpp_folder_row;
  GtkButton       *sdcpp_folder_clear_button;
  AdwExpanderRow  *sdcpp_files_row;
  ReelSdcppFileRow sdcpp_files[REEL_N_SDCPP_FILES];
  GCancellable    *sdcpp_files_cancellable; /* the look in the model folder in flight */
  GtkSwitch       *sdcpp_offload_switch;
  GtkSwitch       *sdcpp_tiling_switch;
  GtkSwitch       *sdcpp_flash_attention_switch;
  GtkSpinButton   *sdcpp_short_side_spin;
  GtkSpinButton   *sdcpp_steps_spin;
  GtkSpinButton   *sdcpp_cfg_spin;
  GtkSpinButton   *sdcpp_flow_shift_spin;
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

/* reel-preferences-window-style.c: the style, negative prompt and template of the
 * project, and its own styles; sync whenever its settings change. */
void reel_preferences_window_class_init_style (GtkWidgetClass *widget_class);
void reel_preferences_window_init_style (ReelPreferencesWindow *self);
void reel_preferences_window_sync_style (ReelPreferencesWindow *self);
void reel_preferences_window_dispose_style (ReelPreferencesWindow *self);

/* reel-preferences-window-logo.c: the project's brand logo; sync whenever
 * its settings change. */
void reel_preferences_window_class_init_logo (GtkWidgetClass *widget_class);
void reel_preferences_window_init_logo (ReelPreferencesWindow *self);
void reel_preferences_window_sync_logo (ReelPreferencesWindow *self);
void reel_preferences_window_dispose_logo (ReelPreferencesWindow *self);

/* reel-preferences-window-servers.c: @list's template children are bound,
 * and its engine's fields set, before init; sync once the settings are known
 * and whenever its setting changes. */
void reel_server_list_init (ReelServerList *list, ReelPreferencesWindow *self);
void reel_server_list_sync (ReelServerList *list);
void reel_server_list_test (ReelServerList *list, const char *url);
void reel_server_list_remove (ReelServerList *list, const char *url);
/* What the tests found no longer holds (the workflow changed). */
void reel_server_list_forget_results (ReelServerList *list);
void reel_server_list_dispose (ReelServerList *list);
/* Binds @list_id and @add_row_id of the template to the list at @offset in
 * the window's struct. */
void reel_server_list_bind_template (GtkWidgetClass *widget_class,
                                     gsize           offset,
                                     const char     *list_id,
                                     const char     *add_row_id);

/* reel-preferences-window-comfyui.c */
void reel_preferences_window_class_init_comfyui (GtkWidgetClass *widget_class);
void reel_preferences_window_init_comfyui (ReelPreferencesWindow *self);
void reel_preferences_window_bind_comfyui (ReelPreferencesWindow *self);
void reel_preferences_window_dispose_comfyui (ReelPreferencesWindow *self);

/* reel-preferences-window-sdcpp.c */
void reel_preferences_window_class_init_sdcpp (GtkWidgetClass *widget_class);
void reel_preferences_window_init_sdcpp (ReelPreferencesWindow *self);
void reel_preferences_window_bind_sdcpp (ReelPreferencesWindow *self);
void reel_preferences_window_dispose_sdcpp (ReelPreferencesWindow *self);

/* reel-preferences-window.c: a file chooser for the window, replacing one
 * still open. @callback runs only when the user chose a file; @user_data
 * must outlive the chooser (a static string, say). @filter may be NULL. */
void reel_preferences_window_choose_file (ReelPreferencesWindow  *self,
                                          const char             *title,
                                          GtkFileChooserAction    action,
                                          GtkFileFilter          *filter,
                                          ReelPreferencesFileFunc callback,
                                          gpointer                user_data);
/* Work in a thread finds the window through a weak reference: it must not
 * keep a closed window alive, as only the window's dispose cancels it.
 * _finish() returns the window (transfer full), or NULL once it is gone,
 * and frees @ref. */
GWeakRef              *reel_preferences_window_weak_ref_new (ReelPreferencesWindow *self);
ReelPreferencesWindow *reel_preferences_window_weak_ref_finish (GWeakRef *ref);
/* The address of a server typed in @text, as http(s)://HOST:PORT (with its
 * path when @allow_path), or NULL with an error that says how to write it. */
char *reel_preferences_window_check_address (const char *text, gboolean allow_path, GError **error);

G_END_DECLS
