/* reel-exporter-pipeline.c: running the pipelines of a film export
 *
 * Every stage of an export runs pipelines to their end: the render, the
 * stream copy, the subtitle remux one each; the segmented render several at
 * once (the segments' encoders and the sound mix), so that one pipeline's
 * start and drain, when its encoder has few frames to work on, leave no
 * core idle. Each pipeline's bus says when it ended or failed, and the
 * positions, polled as Pitivi does, give the progress through the stage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-cut"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <gst/pbutils/pbutils.h>

#include "reel-exporter-private.h"

#define PROGRESS_POLL_MS 200

/* One pipeline of the export, from its start to its end. */
typedef struct
{
  ReelExporter                *exporter; /* owns the run */
  GstElement                  *pipeline;
  GESTimeline                 *timeline; /* what the pipeline plays, or NULL */
  guint                        bus_watch_id;
  GstClockTime                 work;     /* its share of the stage's work */
  GstClockTime                 length;   /* how far its position goes */
  GstClockTime                 position; /* the furthest it was seen at */
  ReelExporterPipelineDoneFunc done;
  gpointer                     data;
  GDestroyNotify               data_free;
} Run;

static void
run_free (gpointer user_data)
{
  Run *run = user_data;

  g_clear_handle_id (&run->bus_watch_id, g_source_remove);
  gst_element_set_state (run->pipeline, GST_STATE_NULL);
  gst_object_unref (run->pipeline);
  gst_clear_object (&run->timeline);
  if (run->data_free != NULL)
    run->data_free (run->data);
  g_free (run);
}

void
reel_exporter_stop_pipelines (ReelExporter *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  /* Freed one by one from the end, so that nothing a run's data frees can
   * find the array half cleared. */
  if (self->runs != NULL)
    while (self->runs->len > 0)
      g_ptr_array_remove_index (self->runs, self->runs->len - 1);
}

gboolean
reel_exporter_is_running_pipelines (ReelExporter *self)
{
  return self->runs != NULL && self->runs->len > 0;
}

static GError *
error_from_message (ReelExporter *self, GstMessage *message)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *folder = g_path_get_dirname (self->output_path);

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Pipeline error from %s: %s (%s)", GST_OBJECT_NAME (message->src), gst_error->message,
           debug != NULL ? debug : "");

  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT)
      || (debug != NULL && strstr (debug, g_strerror (ENOSPC)) != NULL))
    return g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NO_SPACE,
                        _ ("The disk is full: there is no room for the film in “%s”. Free some "
                           "space or choose another folder."),
                        folder);
  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE)
      || g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE))
    return g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_NOT_WRITABLE,
                        _ ("The film cannot be written to “%s”: %s. Choose another folder."),
                        folder, gst_error->message);
  if (gst_error->domain == GST_CORE_ERROR && gst_error->code == GST_CORE_ERROR_MISSING_PLUGIN)
    return g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MISSING_PLUGIN,
                        _ ("A GStreamer plugin is missing: %s. Install gstreamer1.0-plugins-good, "
                           "gstreamer1.0-plugins-ugly and gstreamer1.0-libav."),
                        gst_error->message);
  return g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                      _ ("Encoding the film failed: %s"), gst_error->message);
}

/* The stage's progress: the work of the runs that ended, and of those
 * under way as far as they have got. */
static void
update_progress (ReelExporter *self)
{
  GstClockTime done = self->stage_work_done;

  if (self->stage_work == 0)
    return;
  for (guint i = 0; self->runs != NULL && i < self->runs->len; i++)
    {
      Run   *run = g_ptr_array_index (self->runs, i);
      gint64 position = -1;

      if (run->work == 0)
        continue;
      /* A query that fails now and then must not take the progress back. */
      if (gst_element_query_position (run->pipeline, GST_FORMAT_TIME, &position) && position > 0)
        run->position = MAX (run->position, MIN ((GstClockTime) position, run->length));
      done += gst_util_uint64_scale (run->work, run->position, run->length);
    }
  reel_exporter_set_stage_fraction (self, (double) done / self->stage_work);
}

static void
run_ended (Run *run)
{
  /* Whoever follows the progress may cancel, and the export's callback
   * drop the last other reference, before this is done. */
  g_autoptr (ReelExporter) self = g_object_ref (run->exporter);
  ReelExporterPipelineDoneFunc done = run->done;
  gpointer                     data = g_steal_pointer (&run->data);
  GDestroyNotify               data_free = run->data_free;

  self->stage_work_done += run->work;
  run->data_free = NULL;
  /* Frees the run: its pipeline is stopped before anything follows. */
  g_ptr_array_remove_fast (self->runs, run);
  if (self->runs->len == 0)
    g_clear_handle_id (&self->poll_id, g_source_remove);
  update_progress (self);
  if (!reel_exporter_check_cancelled (self))
    done (self, data);
  if (data_free != NULL)
    data_free (data);
}

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  Run          *run = user_data;
  ReelExporter *self = run->exporter;

  if (self->task == NULL)
    return G_SOURCE_CONTINUE;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      /* The watch goes with the run. */
      run->bus_watch_id = 0;
      run_ended (run);
      return G_SOURCE_REMOVE;
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      run->bus_watch_id = 0;
      if (!reel_exporter_fall_back_to_software (self, message))
        reel_exporter_fail (self, error_from_message (self, message));
      return G_SOURCE_REMOVE;
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT
           && gst_is_missing_plugin_message (message))
    {
      g_autofree char *description = gst_missing_plugin_message_get_description (message);

      run->bus_watch_id = 0;
      reel_exporter_fail (
          self, g_error_new (REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_MISSING_PLUGIN,
                             _ ("A GStreamer plugin is missing: %s. Install "
                                "gstreamer1.0-plugins-good, gstreamer1.0-plugins-ugly and "
                                "gstreamer1.0-libav."),
                             description));
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
poll_progress_cb (gpointer user_data)
{
  update_progress (user_data);
  return G_SOURCE_CONTINUE;
}

gboolean
reel_exporter_play_pipeline (ReelExporter                *self,
                             GstElement                  *pipeline,
                             GESTimeline                 *timeline,
                             GstClockTime                 work,
                             GstClockTime                 length,
                             ReelExporterPipelineDoneFunc done,
                             gpointer                     data,
                             GDestroyNotify               data_free,
                             GError                     **error)
{
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  Run *run = g_new0 (Run, 1);

  run->exporter = self;
  run->pipeline = gst_object_ref_sink (pipeline);
  run->timeline = timeline;
  run->work = work;
  run->length = length > 0 ? length : MAX (work, 1);
  run->done = done;
  run->data = data;
  run->data_free = data_free;
  if (self->runs == NULL)
    self->runs = g_ptr_array_new_with_free_func (run_free);
  g_ptr_array_add (self->runs, run);
  /* A stage that did not say how much work it is, is the work of its one
   * pipeline. */
  if (self->stage_work == 0)
    self->stage_work = work;

  run->bus_watch_id = gst_bus_add_watch (bus, bus_cb, run);
  if (self->poll_id == 0)
    {
      g_autoptr (GSource) poll = g_timeout_source_new (PROGRESS_POLL_MS);

      g_source_set_callback (poll, poll_progress_cb, self, NULL);
      self->poll_id = g_source_attach (poll, self->context);
    }

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      /* The reason is on the bus; take it from there. */
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (reel_exporter_fall_back_to_software (self, message))
        return TRUE;
      if (message != NULL)
        g_propagate_error (error, error_from_message (self, message));
      else
        g_set_error_literal (error, REEL_EXPORT_ERROR, REEL_EXPORT_ERROR_FAILED,
                             _ ("The encoder could not start."));
      return FALSE;
    }
  return TRUE;
}
