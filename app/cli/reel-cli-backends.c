/* reel-cli-backends.c: storyreel backends, and the backend set-up that
 * generate and render share (the same settings as the window, keys from the
 * environment or the keyring, the cost shown and confirmed before a paid
 * batch starts)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reel-api-keys.h"
#include "reel-backend-setup.h"
#include "reel-cli-private.h"
#include "reel-comfyui-backend.h"
#include "reel-gpu-advice.h"
#include "reel-gpu-probe.h"
#include "reel-sdcpp-cli-backend.h"
#include "reel-sdcpp-server-backend.h"

/* How long the command line waits for the NVIDIA driver, which may take
 * seconds per GPU to wake up, or hang on a GPU that fell off the bus. */
#define GPU_PROBE_TIMEOUT_S 20

GSettings *
reel_cli_dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  /* A bare build tree may have no compiled schema: the defaults apply then. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

char *
reel_cli_default_backend (GSettings *settings)
{
  g_autofree char *name
      = settings != NULL ? g_settings_get_string (settings, "default-backend") : NULL;

  /* The same default as the window, as long as it is a backend that exists. */
  if (name != NULL && reel_backend_name_get_label (name) != NULL)
    return g_steal_pointer (&name);
  return g_strdup ("animatic");
}

typedef struct
{
  GCancellable  *cancellable;
  guint          timeout_id;
  ReelGpuReport *report; /* NULL when the driver did not answer in time */
  gboolean       done;
} GpuQuery;

static void
gpu_query_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GpuQuery *query = user_data;

  query->report = reel_gpu_probe_query_finish (REEL_GPU_PROBE (source), result, NULL);
  query->done = TRUE;
}

static gboolean
gpu_query_timeout_cb (gpointer user_data)
{
  GpuQuery *query = user_data;

  query->timeout_id = 0;
  g_cancellable_cancel (query->cancellable);
  return G_SOURCE_REMOVE;
}

ReelGpuReport *
reel_cli_query_gpus (void)
{
  g_autoptr (ReelGpuProbe) probe = reel_gpu_probe_new ();
  GpuQuery query = { 0 };

  query.cancellable = g_cancellable_new ();
  reel_gpu_probe_query_async (probe, query.cancellable, gpu_query_done_cb, &query);
  query.timeout_id = g_timeout_add_seconds (GPU_PROBE_TIMEOUT_S, gpu_query_timeout_cb, &query);
  while (!query.done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&query.timeout_id, g_source_remove);
  g_clear_object (&query.cancellable);
  return query.report;
}

ReelGpuSlots *
reel_cli_new_gpu_slots (ReelGpuReport *report)
{
  return report != NULL ? reel_gpu_slots_new (reel_gpu_report_get_n_gpus (report)) : NULL;
}

ReelScheduler *
reel_cli_new_scheduler (ReelProject *project,
                        const char  *backend_name,
                        const char  *endpoint,
                        const char  *model,
                        int          jobs,
                        GError     **error)
{
  ReelBackendOverrides overrides = { .endpoint = endpoint, .model = model };

  return reel_cli_new_scheduler_with_overrides (project, backend_name, &overrides, jobs, error);
}

ReelScheduler *
reel_cli_new_scheduler_with_overrides (ReelProject                *project,
                                       const char                 *backend_name,
                                       const ReelBackendOverrides *overrides,
                                       int                         jobs,
                                       GError                    **error)
{
  g_autoptr (ReelScheduler) scheduler = reel_scheduler_new (project);
  g_autoptr (GSettings) settings = reel_cli_dup_settings ();
  g_autoptr (ReelBackend) chosen = NULL;
  g_autoptr (ReelGpuReport) gpus = reel_cli_query_gpus ();
  g_autoptr (ReelGpuSlots) gpu_slots = reel_cli_new_gpu_slots (gpus);
  ReelBackendOverrides with_gpus = { 0 };
  ReelBackendOverrides others = { .gpu_slots = gpu_slots };
  g_autofree char     *reason = NULL;
  const char *const   *names = reel_backend_list_names ();

  /* Every local backend of this run shares the one set of GPU slots. */
  if (overrides != NULL)
    with_gpus = *overrides;
  with_gpus.gpu_slots = gpu_slots;
  if ((chosen = reel_backend_create (backend_name, settings, &with_gpus, error)) == NULL)
    return NULL;
  if (!reel_backend_check_ready (chosen, &reason))
    {
      const char *variable = reel_api_key_get_env_var (backend_name);

      if (variable != NULL)
        g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_AUTH,
                     _ ("%s needs an API key: set %s, or store the key in Preferences."),
                     reel_backend_get_display_name (chosen), variable);
      else
        g_set_error (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT, "%s: %s",
                     reel_backend_get_display_name (chosen), reason);
      return NULL;
    }

  /* The other backends too, as the preferences set them up: jobs an earlier
   * run left unfinished on them resume here as well. */
  for (guint i = 0; names[i] != NULL; i++)
    if (g_strcmp0 (names[i], backend_name) != 0)
      {
        g_autoptr (ReelBackend) other = reel_backend_create (names[i], settings, &others, NULL);
        if (other != NULL && reel_backend_check_ready (other, NULL))
          reel_scheduler_add_backend (scheduler, other);
      }
  reel_scheduler_add_backend (scheduler, chosen);
  if (jobs > 0)
    reel_scheduler_set_parallel_limit (scheduler, backend_name, (guint) jobs);
  return g_steal_pointer (&scheduler);
}

int
reel_cli_take_workflow (const char *command, char **backend, char **model, char **workflow)
{
  if (*workflow == NULL)
    return REEL_CLI_EXIT_OK;
  if (*model != NULL)
    return reel_cli_usage_error (command, _ ("Give --workflow or --model, not both: for comfyui, "
                                             "the workflow is the model."));
  if (*backend != NULL && g_strcmp0 (*backend, "comfyui") != 0)
    return reel_cli_usage_error (command, _ ("--workflow is for --backend comfyui."));
  if (*backend == NULL)
    *backend = g_strdup ("comfyui");
  /* A file is named by its full path: jobs resumed from elsewhere find it. */
  if (strchr (*workflow, G_DIR_SEPARATOR) != NULL || g_str_has_suffix (*workflow, ".json"))
    *model = g_canonicalize_filename (*workflow, NULL);
  else
    *model = g_strdup (*workflow);
  g_clear_pointer (workflow, g_free);
  return REEL_CLI_EXIT_OK;
}

/* Asks on the terminal; anything but yes is no. */
static gboolean
ask_yes (const char *question)
{
  char answer[16] = "";

  fprintf (stderr, "%s ", question);
  fflush (stderr);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  g_strstrip (answer);
  /* Translators: the letter or word that answers yes at the "[y/N]" prompt */
  return g_ascii_strcasecmp (answer, "y") == 0 || g_ascii_strcasecmp (answer, "yes") == 0
         || g_strcmp0 (answer, _ ("y")) == 0;
}

gboolean
reel_cli_confirm_cost (ReelScheduler             *scheduler,
                       const gint64              *shot_ids,
                       guint                      n_shots,
                       const ReelGenerateOptions *options,
                       gboolean                   yes,
                       GError                   **error)
{
  g_auto (ReelCostEstimate) estimate = { 0 };
  g_autofree char *description = NULL;
  ReelBackend     *backend;

  if (!reel_scheduler_estimate (scheduler, shot_ids, n_shots, options, &estimate, error))
    return FALSE;
  /* Free work needs no question. */
  if (estimate.n_jobs == 0 || estimate.currency == NULL)
    return TRUE;

  backend = reel_scheduler_get_backend (scheduler, options->backend);
  description = reel_cost_estimate_describe (&estimate);
  fprintf (stderr, _ ("%s on %s\n"), description, reel_backend_get_display_name (backend));
  if (estimate.budget_left >= 0)
    {
      g_autofree char *left = reel_format_money (estimate.budget_left, estimate.currency);
      fprintf (stderr, _ ("Budget left: %s\n"), left);
    }
  if (estimate.over_budget)
    {
      g_set_error_literal (error, REEL_BACKEND_ERROR, REEL_BACKEND_ERROR_PERMANENT,
                           _ ("This is more than the project’s budget has left."));
      return FALSE;
    }
  if (yes)
    return TRUE;
  if (!isatty (STDIN_FILENO))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _ ("Paid generation needs confirmation: run it again with --yes."));
      return FALSE;
    }
  if (!ask_yes (_ ("Go ahead? [y/N]")))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Nothing was generated."));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* storyreel backends                                                        */

static void
print_model_file (const char *label, const char *path)
{
  if (path == NULL)
    printf ("  %s: %s\n", label, _ ("not found"));
  else if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    /* Translators: "VAE: /models/wan2.2_vae.safetensors (missing)" */
    printf (_ ("  %s: %s (missing)\n"), label, path);
  else
    printf ("  %s: %s\n", label, path);
}

/* sd-cli's program and each model file it would load, or what is missing;
 * and that it will be slow without a GPU. */
static void
print_sdcpp_cli (ReelSdcppCliBackend *backend, gboolean ready)
{
  g_autofree char *program = reel_sdcpp_cli_backend_find_program (backend);
  const char      *dir = reel_sdcpp_cli_backend_get_model_dir (backend);
  const char      *gpu_warning = reel_sdcpp_cli_backend_get_gpu_warning (backend);
  g_auto (ReelSdcppModelFiles) files = { 0 };

  reel_sdcpp_cli_backend_resolve_model_files (backend, &files);
  if (program != NULL)
    printf ("  %s: %s\n", _ ("program"), program);
  else
    /* Translators: "program: sd-cli (not found)" */
    printf (_ ("  program: %s (not found)\n"), reel_sdcpp_cli_backend_get_program (backend));
  printf ("  %s: %s\n", _ ("model folder"), dir != NULL ? dir : _ ("not set"));
  print_model_file (_ ("Wan model"), files.diffusion_model);
  if (files.high_noise_model != NULL)
    print_model_file (_ ("high-noise model"), files.high_noise_model);
  if (files.tae != NULL)
    print_model_file (_ ("tiny autoencoder"), files.tae);
  else
    print_model_file (_ ("VAE"), files.vae);
  print_model_file (_ ("text encoder"), files.text_encoder);
  if (!ready)
    printf ("  %s: %s\n", _ ("usual names"), reel_sdcpp_model_files_usual_names ());
  if (gpu_warning != NULL)
    printf ("  %s\n", gpu_warning);
}

static void
print_backend (ReelBackend *backend, const char *name, GSettings *settings)
{
  ReelBackendCapabilities caps;
  const char *const      *models = reel_backend_list_models (backend);
  const char             *variable = reel_api_key_get_env_var (name);
  g_autofree char        *reason = NULL;
  g_autofree char        *joined = g_strjoinv (", ", (char **) models);
  g_autofree char        *server = NULL;
  gboolean                ready = reel_backend_check_ready (backend, &reason);

  reel_backend_get_capabilities (backend, &caps);
  printf ("%s\t%s\n", name, reel_backend_get_display_name (backend));
  /* A server is ready only when it answers with a model that makes video. */
  if (ready && REEL_IS_SDCPP_SERVER_BACKEND (backend))
    {
      g_autoptr (GError) error = NULL;

      server
          = reel_sdcpp_server_backend_describe (REEL_SDCPP_SERVER_BACKEND (backend), NULL, &error);
      if (server == NULL)
        {
          ready = FALSE;
          reason = g_strdup (error->message);
        }
    }
  if (server != NULL)
    {
      g_auto (GStrv) lines = g_strsplit (server, "\n", -1);

      if (lines[0] != NULL && lines[1] != NULL)
        {
          /* A pool of servers: what each of them said. */
          printf ("  %s:\n", _ ("ready"));
          for (guint i = 0; lines[i] != NULL; i++)
            printf ("    %s\n", lines[i]);
        }
      else
        /* Translators: "ready: wan2.2_ti2v_5B_fp16.safetensors (video as webm, avi)" */
        printf (_ ("  ready: %s\n"), server);
    }
  else if (ready && (caps.features & REEL_BACKEND_NEEDS_GPU))
    printf ("  %s\n", _ ("ready"));
  else if (!ready && variable == NULL)
    printf ("  %s: %s\n", _ ("not ready"), reason);
  else if (ready)
    printf ("  %s\n", variable != NULL && g_getenv (variable) != NULL && *g_getenv (variable)
                          ? _ ("configured (key from the environment)")
                      : variable != NULL ? _ ("configured (key from the keyring)")
                                         : _ ("ready: needs no setup"));
  else
    printf ("  %s: %s\n", _ ("not configured"), reason);
  if (g_strcmp0 (name, "dashscope") == 0)
    {
      g_autofree char *base = reel_backend_dashscope_base_url (settings, NULL);
      printf ("  %s: %s\n", _ ("endpoint"), base);
    }
  if (REEL_IS_SDCPP_SERVER_BACKEND (backend))
    {
      g_autofree char *urls = g_strjoinv (
          ", ", (char **) reel_sdcpp_server_backend_get_urls (REEL_SDCPP_SERVER_BACKEND (backend)));

      printf ("  %s: %s\n", _ ("endpoint"), urls);
    }
  if (REEL_IS_SDCPP_CLI_BACKEND (backend))
    print_sdcpp_cli (REEL_SDCPP_CLI_BACKEND (backend), ready);
  if (reel_backend_get_model (backend) != NULL)
    printf ("  %s: %s\n", _ ("model"), reel_backend_get_model (backend));
  if (*models != NULL)
    printf ("  %s: %s\n", _ ("models"), joined);
  if (REEL_IS_COMFYUI_BACKEND (backend))
    {
      g_autofree char *servers
          = reel_comfyui_backend_describe_servers (REEL_COMFYUI_BACKEND (backend), NULL);
      g_auto (GStrv) lines = g_strsplit (servers, "\n", -1);

      printf ("  %s:\n", _ ("servers"));
      for (guint i = 0; lines[i] != NULL; i++)
        printf ("    %s\n", lines[i]);
    }
  printf ("  %s: %u\n", _ ("jobs at once"), caps.max_parallel_jobs);
  if (caps.currency != NULL)
    /* Translators: "cost: paid, in CNY, by the second of video" */
    printf (_ ("  cost: paid, in %s, by the second of video\n"), caps.currency);
  else
    printf (_ ("  cost: free\n"));
}

/* The section about the GPUs the local engines would use. */
static void
print_gpus (ReelGpuReport *report)
{
  guint n_gpus = report != NULL ? reel_gpu_report_get_n_gpus (report) : 0;

  printf ("\n%s\n", _ ("GPU:"));
  if (report == NULL)
    {
      printf ("  %s: ", _ ("none"));
      printf (_ ("The NVIDIA driver did not answer within %u seconds.\n"), GPU_PROBE_TIMEOUT_S);
      return;
    }
  if (n_gpus == 0)
    {
      g_autoptr (ReelGpuAdvice) advice = reel_gpu_advice_new_for_report (report);

      printf ("  %s: %s\n", _ ("none"), advice->details);
      return;
    }
  for (guint i = 0; i < n_gpus; i++)
    {
      const ReelGpuInfo *gpu = reel_gpu_report_get_gpu (report, i);
      g_autoptr (ReelGpuAdvice) advice = reel_gpu_advice_new_for_gpu (gpu);
      g_autofree char *memory = reel_gpu_info_describe_memory (gpu);
      g_autofree char *driver = reel_gpu_info_describe_driver (gpu);

      printf ("  %u\t%s\n", gpu->index, gpu->name);
      printf ("    %s: %s\n", _ ("video memory"), memory);
      printf ("    %s\n", driver);
      if (gpu->uuid != NULL)
        printf ("    %s: %s\n", _ ("id"), gpu->uuid);
      printf ("    %s: %s\n", _ ("suggested"), advice->summary);
      printf ("      %s\n", advice->details);
    }
  printf ("  %s\n", _ ("Local engines run one job per GPU at a time."));
}

int
reel_cli_backends (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = reel_cli_context_new (reel_cli_find_command ("backends"));
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (ReelGpuReport) gpus = NULL;
  g_autoptr (ReelGpuSlots) gpu_slots = NULL;
  g_autofree char     *default_name = NULL;
  const char *const   *names = reel_backend_list_names ();
  ReelBackendOverrides overrides = { 0 };
  int                  status = REEL_CLI_EXIT_OK;

  if (!reel_cli_parse (context, "backends", &argc, &argv))
    return REEL_CLI_EXIT_USAGE;
  if (argc != 2)
    return reel_cli_usage_error ("backends", _ ("This command takes no arguments."));

  /* First: the local engines are set up for the GPUs there are, as for a run. */
  gpus = reel_cli_query_gpus ();
  gpu_slots = reel_cli_new_gpu_slots (gpus);
  overrides.gpu_slots = gpu_slots;

  settings = reel_cli_dup_settings ();
  default_name = reel_cli_default_backend (settings);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ReelBackend) backend
          = reel_backend_create (names[i], settings, &overrides, &error);

      if (backend == NULL)
        {
          status = reel_cli_fail ("%s", error->message);
          break;
        }
      if (i > 0)
        printf ("\n");
      print_backend (backend, names[i], settings);
      if (g_strcmp0 (names[i], default_name) == 0)
        printf ("  %s\n", _ ("the default"));
    }

  if (status == REEL_CLI_EXIT_OK)
    print_gpus (gpus);
  return status;
}
