/* reel-backend-setup.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>

#include "reel-animatic-backend.h"
#include "reel-api-keys.h"
#include "reel-backend-setup.h"
#include "reel-comfyui-backend.h"
#include "reel-dashscope-backend.h"
#include "reel-fal-backend.h"
#include "reel-sdcpp-cli-backend.h"
#include "reel-sdcpp-server-backend.h"

static const char *const backend_names[]
    = { "animatic", "dashscope", "fal", "comfyui", "sd-server", "sd-cli", NULL };

const char *const *
reel_backend_list_names (void)
{
  return backend_names;
}

const char *
reel_backend_name_get_label (const char *name)
{
  if (g_strcmp0 (name, "animatic") == 0)
    return _ ("Animatic (built in)");
  if (g_strcmp0 (name, "dashscope") == 0)
    return _ ("Alibaba Cloud Model Studio");
  if (g_strcmp0 (name, "fal") == 0)
    return "fal.ai";
  if (g_strcmp0 (name, "comfyui") == 0)
    return "ComfyUI";
  if (g_strcmp0 (name, "sd-server") == 0)
    return _ ("stable-diffusion.cpp server");
  if (g_strcmp0 (name, "sd-cli") == 0)
    return _ ("stable-diffusion.cpp on this computer");
  return NULL;
}

gboolean
reel_backend_name_uses_gpu (const char *name)
{
  return g_strcmp0 (name, "comfyui") == 0 || g_strcmp0 (name, "sd-server") == 0
         || g_strcmp0 (name, "sd-cli") == 0;
}

static ReelGpuSlots *
gpu_slots_from (const ReelBackendOverrides *overrides)
{
  return overrides != NULL ? overrides->gpu_slots : NULL;
}

static char *
settings_string (GSettings *settings, const char *key)
{
  g_autofree char *value = settings != NULL ? g_settings_get_string (settings, key) : NULL;

  return value != NULL && *value != '\0' ? g_steal_pointer (&value) : NULL;
}

char *
reel_backend_dashscope_base_url (GSettings *settings, const char *endpoint)
{
  const char      *environment = g_getenv ("DASHSCOPE_HTTP_BASE_URL");
  g_autofree char *configured = NULL;
  g_autofree char *region = NULL;
  const char      *region_url;

  if (endpoint != NULL && *endpoint != '\0')
    return g_strdup (endpoint);
  if (environment != NULL && *environment != '\0')
    return g_strdup (environment);
  if ((configured = settings_string (settings, "dashscope-base-url")) != NULL)
    return g_steal_pointer (&configured);
  region = settings_string (settings, "dashscope-region");
  region_url = reel_dashscope_region_base_url (region);
  return g_strdup (region_url != NULL ? region_url : REEL_DASHSCOPE_BASE_BEIJING);
}

static ReelPriceTable *
prices_from (GSettings *settings)
{
  ReelPriceTable *prices = reel_price_table_new_default ();

  if (settings != NULL)
    {
      g_autoptr (GVariant) overrides = g_settings_get_value (settings, "prices");
      reel_price_table_apply_overrides (prices, overrides);
    }
  return prices;
}

static char *
key_for (const char *name, const ReelBackendOverrides *overrides)
{
  g_autoptr (GError) error = NULL;
  char *key;

  if (overrides != NULL && (overrides->api_key != NULL || overrides->key_looked_up))
    return g_strdup (overrides->api_key);

  key = reel_api_key_lookup (name, NULL, NULL, &error);
  if (error != NULL)
    g_debug ("No key for %s from the keyring: %s", name, error->message);
  return key;
}

static ReelBackend *
create_dashscope (GSettings *settings, const ReelBackendOverrides *overrides)
{
  g_autofree char *base
      = reel_backend_dashscope_base_url (settings, overrides != NULL ? overrides->endpoint : NULL);
  g_autofree char *key = key_for ("dashscope", overrides);
  g_autofree char *model = settings_string (settings, "dashscope-model");
  g_autoptr (ReelPriceTable) prices = prices_from (settings);
  ReelDashscopeBackend *backend = reel_dashscope_backend_new (base, key);

  reel_dashscope_backend_set_model (
      backend, overrides != NULL && overrides->model != NULL ? overrides->model : model);
  reel_dashscope_backend_set_prices (backend, prices);
  if (settings != NULL)
    {
      reel_dashscope_backend_set_prompt_extend (
          backend, g_settings_get_boolean (settings, "dashscope-prompt-extend"));
      reel_dashscope_backend_set_watermark (
          backend, g_settings_get_boolean (settings, "dashscope-watermark"));
      reel_dashscope_backend_set_max_parallel_jobs (
          backend, (guint) g_settings_get_int (settings, "dashscope-max-jobs"));
    }
  return REEL_BACKEND (backend);
}

static ReelBackend *
create_fal (GSettings *settings, const ReelBackendOverrides *overrides)
{
  g_autofree char *key = key_for ("fal", overrides);
  g_autofree char *model = settings_string (settings, "fal-model");
  g_autoptr (ReelPriceTable) prices = prices_from (settings);
  ReelFalBackend *backend
      = reel_fal_backend_new (overrides != NULL ? overrides->endpoint : NULL, key);

  reel_fal_backend_set_model (
      backend, overrides != NULL && overrides->model != NULL ? overrides->model : model);
  reel_fal_backend_set_prices (backend, prices);
  if (settings != NULL)
    reel_fal_backend_set_max_parallel_jobs (backend,
                                            (guint) g_settings_get_int (settings, "fal-max-jobs"));
  return REEL_BACKEND (backend);
}

/* The command line's workflow must work, or the run stops before it starts;
 * the preferences' is reported by check_ready(). */
static ReelBackend *
create_comfyui (GSettings *settings, const ReelBackendOverrides *overrides, GError **error)
{
  g_autofree char *urls = settings_string (settings, "comfyui-url");
  g_autofree char *workflow = settings_string (settings, "comfyui-workflow");
  g_autoptr (ReelComfyuiBackend) backend = reel_comfyui_backend_new (
      overrides != NULL && overrides->endpoint != NULL ? overrides->endpoint : urls);

  if (overrides != NULL && overrides->model != NULL)
    {
      if (!reel_comfyui_backend_set_workflow (backend, overrides->model, error))
        return NULL;
    }
  else
    reel_comfyui_backend_set_workflow (backend, workflow, NULL);
  reel_comfyui_backend_set_gpu_slots (backend, gpu_slots_from (overrides));
  if (settings != NULL)
    {
      reel_comfyui_backend_set_steps (backend,
                                      (guint) g_settings_get_int (settings, "comfyui-steps"));
      reel_comfyui_backend_set_max_parallel_jobs (
          backend, (guint) g_settings_get_int (settings, "comfyui-max-jobs"));
    }
  return REEL_BACKEND (g_steal_pointer (&backend));
}

/* stable-diffusion.cpp's settings, shared by its server and its program. */
static void
sdcpp_settings (GSettings  *settings,
                guint      *steps,
                double     *cfg_scale,
                double     *flow_shift,
                guint      *short_side,
                GPtrArray **loras)
{
  g_autoptr (GVariant) lora_list = NULL;

  *steps = 0;
  *cfg_scale = 0;
  *flow_shift = 0;
  *short_side = 480;
  if (settings == NULL)
    {
      *loras = NULL;
      return;
    }
  *steps = (guint) MAX (g_settings_get_int (settings, "sdcpp-steps"), 0);
  *cfg_scale = g_settings_get_double (settings, "sdcpp-cfg-scale");
  *flow_shift = g_settings_get_double (settings, "sdcpp-flow-shift");
  *short_side = (guint) MAX (g_settings_get_int (settings, "sdcpp-short-side"), 0);
  lora_list = g_settings_get_value (settings, "sdcpp-loras");
  *loras = reel_sdcpp_loras_from_variant (lora_list);
}

static ReelBackend *
create_sdcpp_server (GSettings *settings, const ReelBackendOverrides *overrides)
{
  g_autofree char *url = settings_string (settings, "sdcpp-server-url");
  g_autoptr (GPtrArray) loras = NULL;
  ReelSdcppServerBackend *backend;
  guint                   steps, short_side;
  double                  cfg_scale, flow_shift;

  backend = reel_sdcpp_server_backend_new (
      overrides != NULL && overrides->endpoint != NULL ? overrides->endpoint : url);
  sdcpp_settings (settings, &steps, &cfg_scale, &flow_shift, &short_side, &loras);
  reel_sdcpp_server_backend_set_sampling (backend, steps, cfg_scale, flow_shift);
  reel_sdcpp_server_backend_set_short_side (backend, short_side);
  reel_sdcpp_server_backend_set_loras (backend, loras);
  reel_sdcpp_server_backend_set_gpu_slots (backend, gpu_slots_from (overrides));
  return REEL_BACKEND (backend);
}

static ReelBackend *
create_sdcpp_cli (GSettings *settings, const ReelBackendOverrides *overrides)
{
  g_autofree char *program = settings_string (settings, "sdcpp-cli-path");
  g_autofree char *model_dir = settings_string (settings, "sdcpp-model-dir");
  g_auto (ReelSdcppModelFiles) files = { 0 };
  g_autoptr (GPtrArray) loras = NULL;
  ReelSdcppCliBackend *backend;
  guint                steps, short_side;
  double               cfg_scale, flow_shift;

  backend = reel_sdcpp_cli_backend_new (
      overrides != NULL && overrides->sd_cli != NULL ? overrides->sd_cli : program);
  reel_sdcpp_cli_backend_set_model_dir (backend, overrides != NULL && overrides->model_dir != NULL
                                                     ? overrides->model_dir
                                                     : model_dir);
  files.diffusion_model = settings_string (settings, "sdcpp-diffusion-model");
  files.high_noise_model = settings_string (settings, "sdcpp-high-noise-model");
  files.vae = settings_string (settings, "sdcpp-vae");
  files.tae = settings_string (settings, "sdcpp-tae");
  files.text_encoder = settings_string (settings, "sdcpp-text-encoder");
  reel_sdcpp_cli_backend_set_model_files (backend, &files);
  sdcpp_settings (settings, &steps, &cfg_scale, &flow_shift, &short_side, &loras);
  reel_sdcpp_cli_backend_set_sampling (backend, steps, cfg_scale, flow_shift);
  reel_sdcpp_cli_backend_set_short_side (backend, short_side);
  reel_sdcpp_cli_backend_set_loras (backend, loras);
  reel_sdcpp_cli_backend_set_gpu_slots (backend, gpu_slots_from (overrides));
  if (settings != NULL)
    reel_sdcpp_cli_backend_set_memory_options (
        backend, g_settings_get_boolean (settings, "sdcpp-offload-to-cpu"),
        g_settings_get_boolean (settings, "sdcpp-vae-tiling"),
        g_settings_get_boolean (settings, "sdcpp-flash-attention"));
  return REEL_BACKEND (backend);
}

ReelBackend *
reel_backend_create (const char                 *name,
                     GSettings                  *settings,
                     const ReelBackendOverrides *overrides,
                     GError                    **error)
{
  g_autofree char *available = NULL;

  if (g_strcmp0 (name, "animatic") == 0)
    return reel_animatic_backend_new ();
  if (g_strcmp0 (name, "dashscope") == 0)
    return create_dashscope (settings, overrides);
  if (g_strcmp0 (name, "fal") == 0)
    return create_fal (settings, overrides);
  if (g_strcmp0 (name, "comfyui") == 0)
    return create_comfyui (settings, overrides, error);
  if (g_strcmp0 (name, "sd-server") == 0)
    return create_sdcpp_server (settings, overrides);
  if (g_strcmp0 (name, "sd-cli") == 0)
    return create_sdcpp_cli (settings, overrides);

  available = g_strjoinv (", ", (char **) backend_names);
  g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
               _ ("There is no backend called “%s”. Available: %s."), name, available);
  return NULL;
}
