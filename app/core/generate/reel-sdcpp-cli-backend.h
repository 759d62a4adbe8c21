/* reel-sdcpp-cli-backend.h: Wan on stable-diffusion.cpp's command-line program (sd-cli)
 *
 * For people without a server: each job runs sd-cli as a child process in a
 * process group of its own, with arguments made from the job and from the
 * model files chosen in Preferences or found in a model folder. Its progress
 * bars are read from stdout, its errors from stderr and its exit status, and
 * the clip it writes (.avi, .webm or .webp) is converted into one the film
 * can use. Cancelling or stopping a job ends the whole process group. A
 * crash, an abort or running out of memory fails that take with sd-cli's
 * last lines, and never touches Storyreel.
 *
 * Given this computer's GPU slots, a job waits for a GPU of its own (one
 * that neither another sd-cli nor a ComfyUI or sd-server on this computer
 * is using), runs sd-cli on it alone through CUDA_VISIBLE_DEVICES, and frees
 * it as soon as sd-cli ends; as many jobs run at once as there are GPUs.
 * Without an NVIDIA GPU, sd-cli still runs (it may be built for the CPU or
 * Vulkan), and the job says that it may be very slow.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-backend.h"
#include "reel-gpu-slots.h"
#include "reel-sdcpp.h"

G_BEGIN_DECLS

#define REEL_SDCPP_CLI_DEFAULT_PROGRAM "sd-cli"

#define REEL_TYPE_SDCPP_CLI_BACKEND (reel_sdcpp_cli_backend_get_type ())
G_DECLARE_FINAL_TYPE (ReelSdcppCliBackend, reel_sdcpp_cli_backend, REEL, SDCPP_CLI_BACKEND, GObject)

/* @program: a name found in PATH or a path; NULL for "sd-cli". */
ReelSdcppCliBackend *reel_sdcpp_cli_backend_new (const char *program);
const char          *reel_sdcpp_cli_backend_get_program (ReelSdcppCliBackend *self);
/* The full path of the program, or NULL when there is none to run. */
char *reel_sdcpp_cli_backend_find_program (ReelSdcppCliBackend *self);

/* Where model files are found by their usual names; may be NULL. */
void        reel_sdcpp_cli_backend_set_model_dir (ReelSdcppCliBackend *self, const char *dir);
const char *reel_sdcpp_cli_backend_get_model_dir (ReelSdcppCliBackend *self);
/* Files chosen in Preferences (each absolute or in the model folder); the
 * ones left NULL are looked for in the model folder. */
void reel_sdcpp_cli_backend_set_model_files (ReelSdcppCliBackend       *self,
                                             const ReelSdcppModelFiles *files);
/* The files a job would use now. */
void reel_sdcpp_cli_backend_resolve_model_files (ReelSdcppCliBackend *self,
                                                 ReelSdcppModelFiles *files);

/* ReelSdcppLora*, all in one folder (sd-cli's --lora-model-dir); NULL for none. */
void reel_sdcpp_cli_backend_set_loras (ReelSdcppCliBackend *self, GPtrArray *loras);
/* 0 leaves sd-cli's defaults. */
void reel_sdcpp_cli_backend_set_sampling (ReelSdcppCliBackend *self,
                                          guint                steps,
                                          double               cfg_scale,
                                          double               flow_shift);
/* The short side clips are made at (480 by default). */
void reel_sdcpp_cli_backend_set_short_side (ReelSdcppCliBackend *self, guint short_side);
/* --offload-to-cpu, --vae-tiling and --diffusion-fa. */
void reel_sdcpp_cli_backend_set_memory_options (ReelSdcppCliBackend *self,
                                                gboolean             offload_to_cpu,
                                                gboolean             vae_tiling,
                                                gboolean             flash_attention);
/* "NAME=VALUE" strings added to sd-cli's environment (CUDA_VISIBLE_DEVICES,
 * say); NULL for none. */
void reel_sdcpp_cli_backend_set_environment (ReelSdcppCliBackend *self,
                                             const char *const   *environment);

/* This computer's GPUs, shared with the other local backends; NULL (the
 * default) runs sd-cli as it is, one job at a time. */
void reel_sdcpp_cli_backend_set_gpu_slots (ReelSdcppCliBackend *self, ReelGpuSlots *slots);
/* "No NVIDIA GPU found: …" when the slots have no GPU; NULL when they have
 * one, or when there are no slots. */
const char *reel_sdcpp_cli_backend_get_gpu_warning (ReelSdcppCliBackend *self);

/* The command line a job runs, program first, writing its clip to
 * @output; NULL with a PERMANENT error when the program or a model file is
 * missing. */
GStrv reel_sdcpp_cli_backend_build_command (ReelSdcppCliBackend  *self,
                                            const ReelJobRequest *request,
                                            const char           *output,
                                            GError              **error);

G_END_DECLS
