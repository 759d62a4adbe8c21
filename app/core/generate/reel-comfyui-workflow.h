/* reel-comfyui-workflow.h: a ComfyUI workflow in API format, with Storyreel's placeholders
 *
 * A workflow is a graph exported from ComfyUI with "Export (API)": an object
 * of nodes {"id": {"class_type", "inputs", "_meta"?}}. Inputs that a job
 * decides hold placeholders, "{{name}}" or "{{name:default}}", which a job's
 * values replace (data/workflows/README.md documents the convention):
 *   {{prompt}}, {{negative_prompt}}    texts; they may sit inside longer text
 *   {{width}}, {{height}}              the clip's size; defaults give the size
 *                                      the model works at, which the shot's
 *                                      shape is fitted into
 *   {{frames}}                         4n + 1 frames for the shot's length
 *   {{fps}}                            the frame rate; a default is the
 *                                      model's own rate, which the frame count
 *                                      then follows
 *   {{seed}}, {{steps}}, {{split_step}} the sampler's seed and steps, and the
 *                                      step where a second sampler takes over
 *   {{start_image}}                    the board image (image-to-video)
 * Numbers must be an input's whole value. A workflow is checked when it is
 * loaded, and one that lacks a placeholder a job needs is refused with a
 * sentence that says what to add. data/workflows/README.md (installed in
 * PKGDATADIR/workflows) is the guide for people.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "reel-job-request.h"

G_BEGIN_DECLS

/* The values of one job's placeholders. */
typedef struct
{
  const char *prompt;
  const char *negative_prompt; /* NULL: the workflow's default, or nothing */
  const char *start_image;     /* the name the server gave the uploaded image, or NULL */
  guint       width;
  guint       height;
  guint       frames;
  guint       fps;
  guint       steps;
  guint       split_step;
  gint64      seed;
} ReelComfyuiJobValues;

#define REEL_TYPE_COMFYUI_WORKFLOW (reel_comfyui_workflow_get_type ())
G_DECLARE_FINAL_TYPE (ReelComfyuiWorkflow, reel_comfyui_workflow, REEL, COMFYUI_WORKFLOW, GObject)

/* Reads and checks a workflow; a PERMANENT REEL_BACKEND_ERROR says what is wrong. */
ReelComfyuiWorkflow *reel_comfyui_workflow_new_from_data (const char *name,
                                                          const char *json,
                                                          gssize      length,
                                                          GError    **error);
ReelComfyuiWorkflow *reel_comfyui_workflow_new_from_file (const char *path, GError **error);

/* Finds the workflow @name_or_path names: a file (a path, or a name ending
 * in .json), or a name among the shipped workflows and those in
 * $XDG_DATA_HOME/storyreel/workflows. A family name ("wan2.2-a14b") has a
 * text-to-video and an image-to-video variant (NAME-t2v.json, NAME-i2v.json);
 * a single workflow is one or the other, and the other comes back NULL. */
gboolean reel_comfyui_workflow_resolve (const char           *name_or_path,
                                        ReelComfyuiWorkflow **text_to_video,
                                        ReelComfyuiWorkflow **image_to_video,
                                        GError              **error);
/* The names reel_comfyui_workflow_resolve() finds, shipped ones first. */
GStrv reel_comfyui_workflow_list_names (void);

const char *reel_comfyui_workflow_get_name (ReelComfyuiWorkflow *self);
/* Whether it starts from a board image ({{start_image}}). */
gboolean reel_comfyui_workflow_is_image_to_video (ReelComfyuiWorkflow *self);
/* The graph as written, placeholders and all (owned by the workflow). */
JsonObject *reel_comfyui_workflow_get_graph (ReelComfyuiWorkflow *self);

/* The placeholders' values for @request. @steps: 0 for the workflow's own.
 * The strings point into @request. */
void reel_comfyui_workflow_plan (ReelComfyuiWorkflow  *self,
                                 const ReelJobRequest *request,
                                 guint                 steps,
                                 ReelComfyuiJobValues *values);
/* A copy of the graph with every placeholder replaced. */
JsonObject *reel_comfyui_workflow_fill (ReelComfyuiWorkflow        *self,
                                        const ReelComfyuiJobValues *values);

/* Where ComfyUI looks for the file that @input of a @class_type node names,
 * relative to its folder ("models/diffusion_models"); NULL when the input
 * names no model file. */
const char *reel_comfyui_model_folder (const char *class_type, const char *input);
/* The sampler steps each node of a filled graph will run: node id → steps
 * (GUINT_TO_POINTER), for the nodes that sample. */
GHashTable *reel_comfyui_graph_sampler_steps (JsonObject *graph);

G_END_DECLS
