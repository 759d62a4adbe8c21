/* reel-sdcpp.h: what the two stable-diffusion.cpp backends share
 *
 * sd-server and sd-cli run the same engine: the same Wan model files, the
 * same frame counts (4n+1), the same sizes (multiples of 32), the same
 * console output. This is the engine's knowledge without the transport: the
 * model files found by their usual names in a folder, the request's shape,
 * sd-cli's rule for the name of the file it writes, and a reader of the
 * console output (progress bars, log lines, errors). The clip it makes is
 * turned into a take by reel_sdcpp_clip_convert() (reel-sdcpp-clip.h).
 *
 * See shared/protocols/local-engines.md §1 and corrections-2026-12.md §1,
 * read against leejet/stable-diffusion.cpp at 97d2990.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-job-request.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------------ */
/* Model files                                                               */

typedef struct
{
  char *diffusion_model;  /* the only model, or Wan2.2 A14B's low-noise expert */
  char *high_noise_model; /* Wan2.2 A14B's high-noise expert, or NULL */
  char *vae;              /* the Wan VAE */
  char *tae;              /* a tiny autoencoder used instead of the VAE, or NULL */
  char *text_encoder;     /* UMT5-XXL */
} ReelSdcppModelFiles;

void reel_sdcpp_model_files_clear (ReelSdcppModelFiles *files);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReelSdcppModelFiles, reel_sdcpp_model_files_clear)

/* The files jobs use. Each member of @configured that is set (an absolute
 * path, or a name in @dir) is taken as it is; each one that is not is looked
 * for in @dir and its subfolders by the names the model's publishers use
 * (reel_sdcpp_model_files_usual_names()). The TAE is only taken when it is
 * configured. Members found nowhere stay NULL. @dir may be NULL. */
void reel_sdcpp_model_files_resolve (const ReelSdcppModelFiles *configured,
                                     const char                *dir,
                                     ReelSdcppModelFiles       *resolved);

/* NULL when the set can run; otherwise what is missing, for people: which
 * file, where it was looked for, and what it is usually called. */
char *reel_sdcpp_model_files_describe_missing (const ReelSdcppModelFiles *files, const char *dir);

/* The names looked for, as a text for help and `storyreel backends`. */
const char *reel_sdcpp_model_files_usual_names (void);

/* Whether the diffusion model is Wan2.2 TI2V 5B, which needs the Wan2.2 VAE
 * and makes 24 frames a second (the others 16). */
gboolean reel_sdcpp_model_is_ti2v (const char *diffusion_model);
/* Whether it can start from an image (I2V and TI2V models). */
gboolean reel_sdcpp_model_takes_image (const char *diffusion_model);
/* The frame rate the model was trained at: 24 for TI2V 5B, else 16. */
guint reel_sdcpp_model_fps (const char *diffusion_model);

/* LoRAs, as Preferences keep them. */
typedef struct
{
  char    *path;
  double   multiplier;
  gboolean high_noise; /* applies to A14B's high-noise expert */
} ReelSdcppLora;

void reel_sdcpp_lora_free (ReelSdcppLora *lora);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelSdcppLora, reel_sdcpp_lora_free)
/* From a GVariant of type a(sdb); (transfer full) ReelSdcppLora*. */
GPtrArray *reel_sdcpp_loras_from_variant (GVariant *value);

/* ------------------------------------------------------------------------ */
/* The request                                                               */

/* The frame count that covers @duration at @fps, as the engine makes them:
 * 4n+1, at least 5. The cut trims the rest. */
guint reel_sdcpp_frame_count (double duration, guint fps);
/* The size a clip is made at: the project's shape with its short side at
 * most @short_side, both sides multiples of 32 (Wan's VAEs need it). The
 * cut scales the clip to the project's size. */
void reel_sdcpp_choose_size (
    guint width, guint height, guint short_side, guint *out_width, guint *out_height);

/* The file sd-cli writes for a video when asked for @requested (-o):
 * ".avi", ".webm" and ".webp" are kept, ".png" and ".jpg" become ".avi",
 * and any other name gets ".avi" appended ("clip.mp4" → "clip.mp4.avi").
 * (save_results() in examples/cli/main.cpp) */
char *reel_sdcpp_cli_video_path (const char *requested);

/* ------------------------------------------------------------------------ */
/* The console output                                                        */

typedef enum
{
  REEL_SDCPP_PHASE_STARTING,
  REEL_SDCPP_PHASE_LOADING,  /* the tensor-loading bar ("#" cells, MB/s) */
  REEL_SDCPP_PHASE_SAMPLING, /* one bar per pass: two for Wan2.2 A14B */
  REEL_SDCPP_PHASE_DECODING, /* the VAE; tiles drive the same bar */
  REEL_SDCPP_PHASE_SAVING,
} ReelSdcppPhase;

/* Reads what sd-cli (or a spawned sd-server) writes. Progress bars go to
 * stdout as "\r  |=====>    | 3/20 - 1.23s/it\033[K", only the last step of
 * a bar ending in "\n"; log lines are "[INFO ] file.cpp:12   - message", and
 * ERROR lines go to stderr. */
typedef struct _ReelSdcppOutput ReelSdcppOutput;

/* @n_passes: the sampling bars to expect (2 with a high-noise model). */
ReelSdcppOutput *reel_sdcpp_output_new (guint n_passes);
void             reel_sdcpp_output_free (ReelSdcppOutput *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelSdcppOutput, reel_sdcpp_output_free)

/* Feeds bytes as they come; partial lines wait for the rest. Returns TRUE
 * when the progress moved. */
gboolean reel_sdcpp_output_feed (ReelSdcppOutput *self,
                                 const char      *data,
                                 gsize            length,
                                 gboolean         from_stderr);
/* The streams ended: a last line without an end is read too. */
void reel_sdcpp_output_finish (ReelSdcppOutput *self);

ReelSdcppPhase reel_sdcpp_output_get_phase (ReelSdcppOutput *self);
/* The sampling pass under way, from 0. */
guint reel_sdcpp_output_get_pass (ReelSdcppOutput *self);
/* From 0 to below 1: the end is only reached once the clip is a take. */
double reel_sdcpp_output_get_fraction (ReelSdcppOutput *self);
/* "Sampling, pass 1 of 2: step 3 of 20", for the job's progress. */
char *reel_sdcpp_output_dup_status (ReelSdcppOutput *self);
/* The file named by "save result video to '…'", or NULL. */
const char *reel_sdcpp_output_get_saved_path (ReelSdcppOutput *self);
/* The last @n lines of the log (both streams, bars left out), oldest
 * first, joined by newlines; NULL when there were none. */
char *reel_sdcpp_output_dup_last_lines (ReelSdcppOutput *self, guint n);
/* The first line that says what went wrong: an "[ERROR]" line, or else any
 * line on stderr; NULL when there was none. */
const char *reel_sdcpp_output_get_error (ReelSdcppOutput *self);
/* Whether anything said that memory ran out (CUDA, Vulkan, the host). */
gboolean reel_sdcpp_output_saw_out_of_memory (ReelSdcppOutput *self);

G_END_DECLS
