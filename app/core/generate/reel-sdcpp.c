/* reel-sdcpp.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-generate"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "reel-sdcpp.h"

/* Log lines kept for an error message. */
#define LOG_LINES_KEPT 16
/* A line longer than this is not sd.cpp's: it is cut, not kept whole. */
#define MAX_LINE_BYTES 4096

/* ------------------------------------------------------------------------ */
/* Model files                                                               */

/* Names as their publishers spell them (Comfy-Org's repackaged safetensors,
 * QuantStack's and city96's GGUF; docs/wan.md), matched without regard to
 * case. A family's files are looked for together: its VAE follows it. */
typedef enum
{
  VAE_WAN21,
  VAE_WAN22,
} VaeKind;

typedef struct
{
  const char *low[4];  /* the diffusion model, or A14B's low-noise expert */
  const char *high[4]; /* A14B's high-noise expert; empty: a single model */
  VaeKind     vae;
} ModelFamily;

/* In order of preference. Image-to-video-only models are not picked on their
 * own: a shot without a board could not use them. */
static const ModelFamily families[] = {
  { { "wan2.2-t2v-a14b-lownoise-*.gguf", "wan2.2_t2v_low_noise_14b_*.safetensors",
      "wan2.2_t2v_low_noise_14b_*.gguf" },
    { "wan2.2-t2v-a14b-highnoise-*.gguf", "wan2.2_t2v_high_noise_14b_*.safetensors",
      "wan2.2_t2v_high_noise_14b_*.gguf" },
    VAE_WAN21 },
  { { "wan2.2_ti2v_5b_*.safetensors", "wan2.2-ti2v-5b-*.gguf", "wan2.2_ti2v_5b_*.gguf" },
    { NULL },
    VAE_WAN22 },
  { { "wan2.1_t2v_14b_*.safetensors", "wan2.1-t2v-14b-*.gguf" }, { NULL }, VAE_WAN21 },
  { { "wan2.1_t2v_1.3b_*.safetensors", "wan2.1-t2v-1.3b-*.gguf" }, { NULL }, VAE_WAN21 },
};

static const char *const vae_names[][4] = {
  [VAE_WAN21] = { "wan_2.1_vae*.safetensors", "wan2.1_vae*.safetensors", "wan_2.1_vae*.gguf",
                  "wan2.1_vae*.gguf" },
  [VAE_WAN22] = { "wan2.2_vae*.safetensors", "wan_2.2_vae*.safetensors", "wan2.2_vae*.gguf" },
};

static const char *const text_encoder_names[]
    = { "umt5-xxl-encoder-*.gguf", "umt5_xxl_*.safetensors", "umt5-xxl*.safetensors",
        "umt5_xxl*.gguf", "umt5-xxl*.gguf" };

const char *
reel_sdcpp_model_files_usual_names (void)
{
  /* File names are not translated. */
  return "wan2.2_ti2v_5B_fp16.safetensors or Wan2.2-TI2V-5B-*.gguf; "
         "Wan2.2-T2V-A14B-LowNoise-*.gguf with Wan2.2-T2V-A14B-HighNoise-*.gguf, or "
         "wan2.2_t2v_low_noise_14B_*.safetensors with wan2.2_t2v_high_noise_14B_*.safetensors; "
         "wan2.1_t2v_14B_* or wan2.1_t2v_1.3B_*; "
         "VAE wan2.2_vae.safetensors (for 5B) or wan_2.1_vae.safetensors (the others); "
         "text encoder umt5-xxl-encoder-*.gguf or umt5_xxl_*.safetensors";
}

void
reel_sdcpp_model_files_clear (ReelSdcppModelFiles *files)
{
  g_clear_pointer (&files->diffusion_model, g_free);
  g_clear_pointer (&files->high_noise_model, g_free);
  g_clear_pointer (&files->vae, g_free);
  g_clear_pointer (&files->tae, g_free);
  g_clear_pointer (&files->text_encoder, g_free);
}

static char *
lower_basename (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_utf8_strdown (base, -1);
}

gboolean
reel_sdcpp_model_is_ti2v (const char *diffusion_model)
{
  g_autofree char *name = diffusion_model != NULL ? lower_basename (diffusion_model) : NULL;

  return name != NULL && (strstr (name, "ti2v") != NULL || strstr (name, "5b") != NULL);
}

gboolean
reel_sdcpp_model_takes_image (const char *diffusion_model)
{
  g_autofree char *name = diffusion_model != NULL ? lower_basename (diffusion_model) : NULL;

  return name != NULL && strstr (name, "i2v") != NULL;
}

guint
reel_sdcpp_model_fps (const char *diffusion_model)
{
  return reel_sdcpp_model_is_ti2v (diffusion_model) ? 24 : 16;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Every regular file in @dir and in its subfolders one level down (a
 * ComfyUI models folder keeps diffusion_models/, vae/, text_encoders/),
 * sorted, so the same folder always gives the same choice. */
static GPtrArray *
list_files (const char *dir)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);

  if (dir == NULL || *dir == '\0')
    return g_steal_pointer (&files);

  g_ptr_array_add (folders, g_strdup (dir));
  for (guint depth = 0; depth < folders->len; depth++)
    {
      const char *folder = g_ptr_array_index (folders, depth);
      g_autoptr (GDir) listing = g_dir_open (folder, 0, NULL);
      const char *name;

      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        {
          char *path = g_build_filename (folder, name, NULL);

          if (g_file_test (path, G_FILE_TEST_IS_DIR))
            {
              if (depth == 0)
                g_ptr_array_add (folders, path);
              else
                g_free (path);
            }
          else
            g_ptr_array_add (files, path);
        }
    }

  g_ptr_array_sort (files, compare_paths);
  return g_steal_pointer (&files);
}

/* The first file matching one of @patterns (in their order), or NULL. */
static char *
find_file (GPtrArray *files, const char *const *patterns, guint n_patterns)
{
  for (guint p = 0; p < n_patterns && patterns[p] != NULL; p++)
    {
      g_autoptr (GPatternSpec) spec = g_pattern_spec_new (patterns[p]);

      for (guint i = 0; i < files->len; i++)
        {
          g_autofree char *name = lower_basename (g_ptr_array_index (files, i));

          if (g_pattern_spec_match_string (spec, name))
            return g_strdup (g_ptr_array_index (files, i));
        }
    }
  return NULL;
}

static char *
configured_path (const char *value, const char *dir)
{
  if (value == NULL || *value == '\0')
    return NULL;
  if (g_path_is_absolute (value) || dir == NULL || *dir == '\0')
    return g_strdup (value);
  return g_build_filename (dir, value, NULL);
}

void
reel_sdcpp_model_files_resolve (const ReelSdcppModelFiles *configured,
                                const char                *dir,
                                ReelSdcppModelFiles       *resolved)
{
  g_autoptr (GPtrArray) files = list_files (dir);
  VaeKind vae_kind = VAE_WAN21;

  resolved->diffusion_model = configured_path (configured->diffusion_model, dir);
  resolved->high_noise_model = configured_path (configured->high_noise_model, dir);
  resolved->vae = configured_path (configured->vae, dir);
  resolved->tae = configured_path (configured->tae, dir);
  resolved->text_encoder = configured_path (configured->text_encoder, dir);

  if (resolved->diffusion_model == NULL)
    {
      for (guint f = 0; f < G_N_ELEMENTS (families); f++)
        {
          g_autofree char *low = find_file (files, families[f].low, G_N_ELEMENTS (families[f].low));
          g_autofree char *high = NULL;

          if (low == NULL)
            continue;
          if (families[f].high[0] != NULL)
            {
              /* An expert without its partner is not a model. */
              high = find_file (files, families[f].high, G_N_ELEMENTS (families[f].high));
              if (high == NULL)
                continue;
            }
          resolved->diffusion_model = g_steal_pointer (&low);
          if (resolved->high_noise_model == NULL)
            resolved->high_noise_model = g_steal_pointer (&high);
          break;
        }
    }

  if (reel_sdcpp_model_is_ti2v (resolved->diffusion_model))
    vae_kind = VAE_WAN22;
  if (resolved->vae == NULL)
    resolved->vae = find_file (files, vae_names[vae_kind], G_N_ELEMENTS (vae_names[vae_kind]));
  if (resolved->text_encoder == NULL)
    resolved->text_encoder
        = find_file (files, text_encoder_names, G_N_ELEMENTS (text_encoder_names));
}

static void
describe_file (GString *text, const char *label, const char *path, const char *usual)
{
  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;
  if (text->len > 0)
    g_string_append (text, "; ");
  if (path != NULL)
    /* Translators: "the VAE: /models/wan2.2_vae.safetensors does not exist" */
    g_string_append_printf (text, _ ("the %s: %s does not exist"), label, path);
  else
    /* Translators: "the VAE (usually wan2.2_vae.safetensors)" */
    g_string_append_printf (text, _ ("the %s (usually %s)"), label, usual);
}

char *
reel_sdcpp_model_files_describe_missing (const ReelSdcppModelFiles *files, const char *dir)
{
  g_autoptr (GString) missing = g_string_new (NULL);
  gboolean ti2v = reel_sdcpp_model_is_ti2v (files->diffusion_model);

  if (files->diffusion_model == NULL && files->vae == NULL && files->text_encoder == NULL
      && (dir == NULL || *dir == '\0'))
    return g_strdup (_ ("No Wan model files: choose a model folder in Preferences, or pass "
                        "--model-dir DIR"));

  describe_file (missing, _ ("Wan model"), files->diffusion_model,
                 "wan2.2_ti2v_5B_fp16.safetensors, Wan2.2-T2V-A14B-LowNoise-Q8_0.gguf");
  if (files->high_noise_model != NULL)
    describe_file (missing, _ ("high-noise model"), files->high_noise_model, NULL);
  if (files->tae != NULL)
    describe_file (missing, _ ("tiny autoencoder"), files->tae, NULL);
  else
    describe_file (missing, _ ("VAE"), files->vae,
                   ti2v ? "wan2.2_vae.safetensors" : "wan_2.1_vae.safetensors");
  describe_file (missing, _ ("text encoder"), files->text_encoder,
                 "umt5-xxl-encoder-Q8_0.gguf, umt5_xxl_fp16.safetensors");

  if (missing->len == 0)
    return NULL;
  if (dir != NULL && *dir != '\0')
    /* Translators: "Missing in /models: the VAE (usually …)" */
    return g_strdup_printf (_ ("Missing in %s: %s"), dir, missing->str);
  /* Translators: "Missing: the VAE (usually …)" */
  return g_strdup_printf (_ ("Missing: %s"), missing->str);
}

void
reel_sdcpp_lora_free (ReelSdcppLora *lora)
{
  g_free (lora->path);
  g_free (lora);
}

GPtrArray *
reel_sdcpp_loras_from_variant (GVariant *value)
{
  GPtrArray   *loras = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_sdcpp_lora_free);
  GVariantIter iter;
  const char  *path;
  double       multiplier;
  gboolean     high_noise;

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE ("a(sdb)")))
    return loras;
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&sdb)", &path, &multiplier, &high_noise))
    {
      ReelSdcppLora *lora = g_new0 (ReelSdcppLora, 1);

      if (*path == '\0')
        {
          g_free (lora);
          continue;
        }
      lora->path = g_strdup (path);
      lora->multiplier = multiplier;
      lora->high_noise = high_noise;
      g_ptr_array_add (loras, lora);
    }
  return loras;
}

/* ------------------------------------------------------------------------ */
/* The request                                                               */

guint
reel_sdcpp_frame_count (double duration, guint fps)
{
  double wanted = ceil (duration * MAX (fps, 1) - 1e-6);
  guint  n = wanted > 1 ? (guint) ceil ((wanted - 1) / 4.0) : 1;

  /* The engine floors any other count to 4n+1 (34 → 33): ask for one that
   * covers the shot. */
  return 4 * MAX (n, 1) + 1;
}

static guint
round_to_32 (double value)
{
  guint rounded = (guint) floor (value / 32.0 + 0.5) * 32;

  return MAX (rounded, 64);
}

void
reel_sdcpp_choose_size (
    guint width, guint height, guint short_side, guint *out_width, guint *out_height)
{
  guint  shorter = MAX (MIN (width, height), 1);
  double scale = (double) MIN (MAX (short_side, 64), shorter) / shorter;

  *out_width = round_to_32 (width * scale);
  *out_height = round_to_32 (height * scale);
}

static gboolean
extension_is (const char *extension, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (extension, names[i]) == 0)
      return TRUE;
  return FALSE;
}

char *
reel_sdcpp_cli_video_path (const char *requested)
{
  static const char *const replaced[]
      = { ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".avi", ".webm", NULL };
  static const char *const video[] = { ".avi", ".webm", ".webp", NULL };
  const char              *slash = strrchr (requested, G_DIR_SEPARATOR);
  const char              *base = slash != NULL ? slash + 1 : requested;
  const char              *dot = strrchr (base, '.');
  g_autofree char         *stem = NULL;

  /* std::filesystem's extension(): none for "clip" or ".hidden". */
  if (dot == NULL || dot == base)
    return g_strconcat (requested, ".avi", NULL);

  stem = extension_is (dot, replaced) ? g_strndup (requested, dot - requested)
                                      : g_strdup (requested);
  return g_strconcat (stem, extension_is (dot, video) ? dot : ".avi", NULL);
}

/* ------------------------------------------------------------------------ */
/* The console output                                                        */

/* Where each phase sits in the whole: loading the weights takes a while,
 * sampling most of it, the VAE some; the rest is the conversion. */
#define LOADING_END 0.10
#define SAMPLING_END 0.85
#define DECODING_END 0.95
#define SAVING_AT 0.96

struct _ReelSdcppOutput
{
  guint          n_passes;
  GString       *partial[2]; /* [0] stdout, [1] stderr */
  ReelSdcppPhase phase;
  guint          pass;
  gboolean       pass_announced; /* a log line moved to the next pass before its bar */
  guint          step;
  guint          steps;
  double         loading;
  double         decoding;
  char          *saved_path;
  GQueue         lines;
  char          *error;       /* the first line that says what went wrong */
  char          *last_stderr; /* when none did */
  gboolean       out_of_memory;
};

ReelSdcppOutput *
reel_sdcpp_output_new (guint n_passes)
{
  ReelSdcppOutput *self = g_new0 (ReelSdcppOutput, 1);

  self->n_passes = MAX (n_passes, 1);
  self->partial[0] = g_string_new (NULL);
  self->partial[1] = g_string_new (NULL);
  g_queue_init (&self->lines);
  return self;
}

void
reel_sdcpp_output_free (ReelSdcppOutput *self)
{
  g_string_free (self->partial[0], TRUE);
  g_string_free (self->partial[1], TRUE);
  g_free (self->saved_path);
  g_queue_clear_full (&self->lines, g_free);
  g_free (self->error);
  g_free (self->last_stderr);
  g_free (self);
}

/* Drops terminal control sequences: "\033[K" after each bar, and the colour
 * of the log tags with --color. */
static void
strip_escapes (GString *line)
{
  gsize out = 0;

  for (gsize i = 0; i < line->len; i++)
    {
      if (line->str[i] == '\033' && i + 1 < line->len && line->str[i + 1] == '[')
        {
          i += 2;
          while (i < line->len && (g_ascii_isdigit (line->str[i]) || line->str[i] == ';'))
            i++;
          continue;
        }
      line->str[out++] = line->str[i];
    }
  g_string_truncate (line, out);
}

/* "  |=====>      | 3/20 - 1.23s/it": TRUE with the numbers, and whether its
 * cells are "#" (the loading bar). */
static gboolean
parse_bar (const char *line, guint *step, guint *steps, gboolean *loading)
{
  const char *p = line;
  const char *end;
  char       *after;
  guint64     a, b;

  while (*p == ' ')
    p++;
  if (*p != '|' || (end = strchr (p + 1, '|')) == NULL)
    return FALSE;
  *loading = FALSE;
  for (const char *cell = p + 1; cell < end; cell++)
    {
      if (*cell == '#')
        *loading = TRUE;
      else if (*cell != '=' && *cell != '>' && *cell != ' ')
        return FALSE;
    }
  p = end + 1;
  while (*p == ' ')
    p++;
  a = g_ascii_strtoull (p, &after, 10);
  if (after == p || *after != '/')
    return FALSE;
  p = after + 1;
  b = g_ascii_strtoull (p, &after, 10);
  if (after == p || b == 0 || a > b)
    return FALSE;
  *step = (guint) a;
  *steps = (guint) b;
  return TRUE;
}

static void
take_sampling_bar (ReelSdcppOutput *self, guint step, guint steps)
{
  if (self->phase < REEL_SDCPP_PHASE_SAMPLING)
    {
      self->phase = REEL_SDCPP_PHASE_SAMPLING;
      self->pass = 0;
    }
  else if (self->phase == REEL_SDCPP_PHASE_SAMPLING && !self->pass_announced && self->steps > 0
           && (step <= self->step || steps != self->steps))
    {
      /* A bar that starts again is the next pass. */
      self->pass = MIN (self->pass + 1, self->n_passes - 1);
    }
  self->pass_announced = FALSE;
  self->step = step;
  self->steps = steps;
}

static gboolean
take_bar (ReelSdcppOutput *self, guint step, guint steps, gboolean loading)
{
  if (loading)
    {
      /* Weights streamed in later (--stream-layers) do not set it back. */
      if (self->phase > REEL_SDCPP_PHASE_LOADING)
        return FALSE;
      self->phase = REEL_SDCPP_PHASE_LOADING;
      self->loading = (double) step / steps;
      return TRUE;
    }

  switch (self->phase)
    {
      case REEL_SDCPP_PHASE_STARTING:
      case REEL_SDCPP_PHASE_LOADING:
      case REEL_SDCPP_PHASE_SAMPLING:
        take_sampling_bar (self, step, steps);
        return TRUE;
      case REEL_SDCPP_PHASE_DECODING:
        self->decoding = (double) step / steps;
        return TRUE;
      case REEL_SDCPP_PHASE_SAVING:
      default:
        return FALSE;
    }
}

static gboolean
looks_out_of_memory (const char *line)
{
  static const char *const signs[] = { "out of memory",      "outofdevicememory",
                                       "outofhostmemory",    "cudamalloc failed",
                                       "bad_alloc",          "failed to allocate",
                                       "unable to allocate", "not enough memory",
                                       "cannot allocate",    "oom" };
  g_autofree char         *lower = g_ascii_strdown (line, -1);

  for (guint i = 0; i < G_N_ELEMENTS (signs); i++)
    {
      const char *found = strstr (lower, signs[i]);

      /* "oom" only as a word, not inside "room" or "zoom". */
      if (found != NULL
          && (i < G_N_ELEMENTS (signs) - 1
              || ((found == lower || !g_ascii_isalpha (found[-1])) && !g_ascii_isalpha (found[3]))))
        return TRUE;
    }
  return FALSE;
}

/* ggml and the C++ runtime write to stderr without sd.cpp's tags. */
static gboolean
looks_like_error (const char *line)
{
  static const char *const signs[]
      = { "error", "assert", "abort", "terminate", "fatal", "failed", "exception", "segmentation" };
  g_autofree char *lower = g_ascii_strdown (line, -1);

  for (guint i = 0; i < G_N_ELEMENTS (signs); i++)
    if (strstr (lower, signs[i]) != NULL)
      return TRUE;
  return looks_out_of_memory (line);
}

static char *
quoted_path (const char *line, const char *marker)
{
  const char *start = strstr (line, marker);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (marker);
  end = strrchr (start, '\'');
  return end != NULL && end > start ? g_strndup (start, end - start) : NULL;
}

static gboolean
take_log_line (ReelSdcppOutput *self, const char *line, gboolean from_stderr)
{
  gboolean moved = FALSE;
  char    *path;

  g_queue_push_tail (&self->lines, g_strdup (line));
  while (self->lines.length > LOG_LINES_KEPT)
    g_free (g_queue_pop_head (&self->lines));

  if (looks_out_of_memory (line))
    self->out_of_memory = TRUE;
  if (from_stderr)
    {
      g_free (self->last_stderr);
      self->last_stderr = g_strdup (line);
    }
  if (self->error == NULL
      && (g_str_has_prefix (line, "[ERROR]") || (from_stderr && looks_like_error (line))))
    self->error = g_strdup (line);

  if (strstr (line, "sampling(high noise) completed") != NULL)
    {
      if (self->phase == REEL_SDCPP_PHASE_SAMPLING && self->pass + 1 < self->n_passes)
        {
          self->pass++;
          self->pass_announced = TRUE;
          self->step = 0;
          moved = TRUE;
        }
    }
  else if (strstr (line, "sampling completed") != NULL)
    {
      if (self->phase < REEL_SDCPP_PHASE_DECODING)
        {
          self->phase = REEL_SDCPP_PHASE_DECODING;
          self->pass = self->n_passes - 1;
          moved = TRUE;
        }
    }
  else if (strstr (line, "decode_first_stage completed") != NULL
           || strstr (line, "generate_video completed") != NULL)
    {
      if (self->phase < REEL_SDCPP_PHASE_SAVING)
        {
          self->phase = REEL_SDCPP_PHASE_SAVING;
          moved = TRUE;
        }
    }
  /* "save result video to '…'" now; "save result MJPG AVI video to '…'" in
   * 2025 builds. */
  else if (strstr (line, "save result") != NULL
           && (path = quoted_path (line, "video to '")) != NULL)
    {
      g_free (self->saved_path);
      self->saved_path = path;
    }
  return moved;
}

static gboolean
take_line (ReelSdcppOutput *self, GString *line, gboolean from_stderr)
{
  guint    step, steps;
  gboolean loading;

  strip_escapes (line);
  g_strchomp (line->str);
  line->len = strlen (line->str);
  if (line->len == 0)
    return FALSE;
  if (parse_bar (line->str, &step, &steps, &loading))
    return take_bar (self, step, steps, loading);
  return take_log_line (self, line->str, from_stderr);
}

gboolean
reel_sdcpp_output_feed (ReelSdcppOutput *self, const char *data, gsize length, gboolean from_stderr)
{
  GString *partial = self->partial[from_stderr ? 1 : 0];
  gboolean moved = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      /* A bar is rewritten in place with "\r": each one is a line. */
      if (data[i] == '\r' || data[i] == '\n')
        {
          moved |= take_line (self, partial, from_stderr);
          g_string_truncate (partial, 0);
        }
      else if (partial->len < MAX_LINE_BYTES)
        g_string_append_c (partial, data[i] != '\0' ? data[i] : ' ');
    }
  return moved;
}

void
reel_sdcpp_output_finish (ReelSdcppOutput *self)
{
  for (guint i = 0; i < 2; i++)
    {
      take_line (self, self->partial[i], i == 1);
      g_string_truncate (self->partial[i], 0);
    }
}

ReelSdcppPhase
reel_sdcpp_output_get_phase (ReelSdcppOutput *self)
{
  return self->phase;
}

guint
reel_sdcpp_output_get_pass (ReelSdcppOutput *self)
{
  return self->pass;
}

double
reel_sdcpp_output_get_fraction (ReelSdcppOutput *self)
{
  double bar = self->steps > 0 ? (double) self->step / self->steps : 0;

  switch (self->phase)
    {
      case REEL_SDCPP_PHASE_STARTING:
        return 0;
      case REEL_SDCPP_PHASE_LOADING:
        return LOADING_END * self->loading;
      case REEL_SDCPP_PHASE_SAMPLING:
        return LOADING_END + (SAMPLING_END - LOADING_END) * (self->pass + bar) / self->n_passes;
      case REEL_SDCPP_PHASE_DECODING:
        return SAMPLING_END + (DECODING_END - SAMPLING_END) * self->decoding;
      case REEL_SDCPP_PHASE_SAVING:
      default:
        return SAVING_AT;
    }
}

char *
reel_sdcpp_output_dup_status (ReelSdcppOutput *self)
{
  switch (self->phase)
    {
      case REEL_SDCPP_PHASE_STARTING:
        return g_strdup (_ ("Starting stable-diffusion.cpp"));
      case REEL_SDCPP_PHASE_LOADING:
        return g_strdup (_ ("Loading the model"));
      case REEL_SDCPP_PHASE_SAMPLING:
        if (self->n_passes > 1)
          /* Translators: "Sampling, pass 1 of 2: step 3 of 20" */
          return g_strdup_printf (_ ("Sampling, pass %u of %u: step %u of %u"), self->pass + 1,
                                  self->n_passes, self->step, self->steps);
        /* Translators: "Sampling: step 3 of 20" */
        return g_strdup_printf (_ ("Sampling: step %u of %u"), self->step, self->steps);
      case REEL_SDCPP_PHASE_DECODING:
        return g_strdup (_ ("Decoding the frames"));
      case REEL_SDCPP_PHASE_SAVING:
      default:
        return g_strdup (_ ("Saving the clip"));
    }
}

const char *
reel_sdcpp_output_get_saved_path (ReelSdcppOutput *self)
{
  return self->saved_path;
}

char *
reel_sdcpp_output_dup_last_lines (ReelSdcppOutput *self, guint n)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint first = self->lines.length > n ? self->lines.length - n : 0;
  guint index = 0;

  for (GList *l = self->lines.head; l != NULL; l = l->next, index++)
    {
      if (index < first)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, l->data);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

const char *
reel_sdcpp_output_get_error (ReelSdcppOutput *self)
{
  return self->error != NULL ? self->error : self->last_stderr;
}

gboolean
reel_sdcpp_output_saw_out_of_memory (ReelSdcppOutput *self)
{
  return self->out_of_memory;
}
