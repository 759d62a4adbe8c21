/* reel-exporter-pipeline.c: running one pipeline of a film export
 *
 * The render, the stream copy and the subtitle remux each run one pipeline
 * to its end. Its bus says when it ended or failed, and the position,
 * polled as Pitivi does, gives the progress through the stage.
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

void
reel_exporter_stop_pipeline (ReelExporter *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_clear_object (&self->pipeline);
    }
  gst_clear_object (&self->timeline);
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

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ReelExporter *self = user_data;

  if (self->task == NULL)
    return G_SOURCE_CONTINUE;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      ReelExporterPipelineDoneFunc done
          = g_object_get_data (G_OBJECT (self->pipeline), "reel-done");

      reel_exporter_set_stage_fraction (self, 1.0);
      reel_exporter_stop_pipeline (self);
      if (!reel_exporter_check_cancelled (self))
        done (self);
      return G_SOURCE_REMOVE;
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      if (!reel_exporter_fall_back_to_software (self, message))
        reel_exporter_fail (self, error_from_message (self, message));
      return G_SOURCE_REMOVE;
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT
           && gst_is_missing_plugin_message (message))
    {
      g_autofree char *description = gst_missing_plugin_message_get_description (message);

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
  ReelExporter *self = user_data;
  gint64        position = -1;

  if (self->pipeline == NULL)
    return G_SOURCE_CONTINUE;
  if (self->film_duration > 0
      && gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &position) && position >= 0)
    reel_exporter_set_stage_fraction (self, (double) position / self->film_duration);
  return G_SOURCE_CONTINUE;
}

gboolean
reel_exporter_play_pipeline (ReelExporter                *self,
                             GstElement                  *pipeline,
                             ReelExporterPipelineDoneFunc done,
                             GError                     **error)
{
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));

  self->pipeline = gst_object_ref_sink (pipeline);
  g_object_set_data (G_OBJECT (pipeline), "reel-done", done);
  self->bus_watch_id = gst_bus_add_watch (bus, bus_cb, self);
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
