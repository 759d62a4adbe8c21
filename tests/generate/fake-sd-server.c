/* fake-sd-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-sd-clip.h"
#include "fake-sd-server.h"

#define API "/sdcpp/v1"
#define N_REQUEST_KINDS (REEL_FAKE_SD_CANCEL + 1)

typedef enum
{
  KEPT,    /* answered as it stands */
  EXPIRED, /* 410 */
  PURGED,  /* 404 */
} Retention;

typedef struct
{
  ReelFakeLifecycle life; /* first: the lifecycles helper reads it */
  char             *id;
  char             *format;
  guint             width;
  guint             height;
  guint             frames;
  guint             fps;
  char             *failure;
  gboolean          cancelled;
  Retention         retention;
  char             *b64; /* the clip, made when first asked for */
  guint             polls;
  guint             completed_answers;
  guint             cancels;
} Job;

struct _ReelFakeSdServer
{
  ReelFakeServer *server;
  ReelFakeFaults *faults;

  GMutex      lock;
  GPtrArray  *jobs; /* Job*, oldest first */
  GHashTable *by_id;
  char       *model;
  gboolean    vid_gen;
  GStrv       formats;
  GStrv       loras;
  guint       max_pending;
  guint       queue_ms;
  guint       run_ms;
  char       *failure;
  guint       submits;
  guint       counter;
  guint       unknown_polls;
  char       *last_body;
  gboolean    hold_submits;
  GPtrArray  *held_submits; /* SoupServerMessage*, answered and paused */
};

static void
job_free (Job *job)
{
  g_free (job->id);
  g_free (job->format);
  g_free (job->failure);
  g_free (job->b64);
  g_free (job);
}

static const char *
status_of (const Job *job)
{
  if (job->retention != KEPT)
    return "expired";
  switch (job->life.stage)
    {
      case REEL_FAKE_STAGE_QUEUED:
        return "queued";
      case REEL_FAKE_STAGE_RUNNING:
        return "generating";
      case REEL_FAKE_STAGE_CANCELLED:
        return "cancelled";
      case REEL_FAKE_STAGE_DONE:
      default:
        return job->failure != NULL ? "failed" : "completed";
    }
}

static const char *
mime_type_of (const char *format)
{
  if (g_str_equal (format, "webm"))
    return "video/webm";
  if (g_str_equal (format, "webp"))
    return "image/webp";
  return "video/x-msvideo";
}

/* Called locked. */
static void
advance (ReelFakeSdServer *self)
{
  /* One model, one sd_ctx mutex: one job generates at a time. */
  reel_fake_lifecycles_advance (self->jobs, self->queue_ms, self->run_ms, 1);
}

static guint
count_pending (ReelFakeSdServer *self)
{
  guint pending = 0;

  for (guint i = 0; i < self->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (self->jobs, i);

      if (job->life.stage == REEL_FAKE_STAGE_QUEUED || job->life.stage == REEL_FAKE_STAGE_RUNNING)
        pending++;
    }
  return pending;
}

/* make_async_job_json(). Called locked; the clip is made here the first
 * time it is asked for. */
static JsonObject *
job_json (ReelFakeSdServer *self, Job *job)
{
  JsonObject *object = json_object_new ();
  const char *status = status_of (job);

  json_object_set_string_member (object, "id", job->id);
  json_object_set_string_member (object, "kind", "vid_gen");
  json_object_set_string_member (object, "status", status);
  json_object_set_int_member (object, "created", job->life.created / G_USEC_PER_SEC);
  if (job->life.started > 0 && job->life.stage != REEL_FAKE_STAGE_QUEUED)
    json_object_set_int_member (object, "started", job->life.started / G_USEC_PER_SEC);
  else
    json_object_set_null_member (object, "started");
  if (job->life.stage == REEL_FAKE_STAGE_DONE || job->life.stage == REEL_FAKE_STAGE_CANCELLED)
    json_object_set_int_member (object, "completed", job->life.finished / G_USEC_PER_SEC);
  else
    json_object_set_null_member (object, "completed");
  json_object_set_int_member (object, "queue_position",
                              job->life.stage == REEL_FAKE_STAGE_QUEUED
                                  ? reel_fake_lifecycles_queue_position (self->jobs, job) + 1
                                  : 0);

  if (g_str_equal (status, "completed"))
    {
      JsonObject *result = json_object_new ();

      if (job->b64 == NULL)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) clip = fake_sd_clip_make (job->format, job->width, job->height,
                                                       job->frames, job->fps, &error);

          g_assert_no_error (error);
          job->b64 = g_base64_encode (g_bytes_get_data (clip, NULL), g_bytes_get_size (clip));
        }
      json_object_set_string_member (result, "output_format", job->format);
      json_object_set_string_member (result, "mime_type", mime_type_of (job->format));
      json_object_set_int_member (result, "fps", job->fps);
      json_object_set_int_member (result, "frame_count", job->frames);
      json_object_set_string_member (result, "b64_json", job->b64);
      json_object_set_object_member (object, "result", result);
      json_object_set_null_member (object, "error");
    }
  else if (g_str_equal (status, "failed") || g_str_equal (status, "cancelled"))
    {
      JsonObject *error = json_object_new ();
      gboolean    cancelled = g_str_equal (status, "cancelled");

      json_object_set_string_member (error, "code", cancelled ? "cancelled" : "generation_failed");
      json_object_set_string_member (error, "message",
                                     cancelled ? "job cancelled by client" : job->failure);
      json_object_set_null_member (object, "result");
      json_object_set_object_member (object, "error", error);
    }
  else
    {
      json_object_set_null_member (object, "result");
      json_object_set_null_member (object, "error");
    }
  return object;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */

static void
reply_error (SoupServerMessage *message, guint status, const char *error)
{
  g_autoptr (JsonObject) object = json_object_new ();
  g_autofree char *json = NULL;

  json_object_set_string_member (object, "error", error);
  json = reel_fake_json (object);
  reel_fake_server_reply_json (message, status, json);
}

static void
handle_capabilities (ReelFakeSdServer *self, SoupServerMessage *message, ReelFakeFault fault)
{
  g_autoptr (JsonObject) root = json_object_new ();
  JsonObject      *model = json_object_new ();
  JsonArray       *modes = json_array_new ();
  JsonObject      *formats_by_mode = json_object_new ();
  JsonObject      *features_by_mode = json_object_new ();
  JsonArray       *loras = json_array_new ();
  JsonObject      *limits = json_object_new ();
  g_autofree char *json = NULL;

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, -1, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  json_object_set_string_member (model, "name", self->model);
  json_object_set_string_member (model, "path", self->model);
  json_object_set_object_member (root, "model", model);
  json_array_add_string_element (modes, "img_gen");
  if (self->vid_gen)
    {
      JsonArray  *formats = json_array_new ();
      JsonObject *features = json_object_new ();

      json_array_add_string_element (modes, "vid_gen");
      for (guint i = 0; self->formats[i] != NULL; i++)
        json_array_add_string_element (formats, self->formats[i]);
      json_object_set_array_member (formats_by_mode, "vid_gen", formats);
      json_object_set_boolean_member (features, "cancel_queued", TRUE);
      json_object_set_boolean_member (features, "cancel_generating", FALSE);
      json_object_set_object_member (features_by_mode, "vid_gen", features);
    }
  json_object_set_string_member (root, "current_mode", "img_gen");
  json_object_set_array_member (root, "supported_modes", modes);
  json_object_set_object_member (root, "output_formats_by_mode", formats_by_mode);
  json_object_set_object_member (root, "features_by_mode", features_by_mode);
  for (guint i = 0; self->loras != NULL && self->loras[i] != NULL; i++)
    {
      JsonObject      *lora = json_object_new ();
      g_autofree char *base = g_path_get_basename (self->loras[i]);
      char            *dot = strrchr (base, '.');

      if (dot != NULL)
        *dot = '\0';
      json_object_set_string_member (lora, "name", base);
      json_object_set_string_member (lora, "path", self->loras[i]);
      json_array_add_object_element (loras, lora);
    }
  json_object_set_array_member (root, "loras", loras);
  json_object_set_int_member (limits, "min_width", 64);
  json_object_set_int_member (limits, "max_width", 4096);
  json_object_set_int_member (limits, "min_height", 64);
  json_object_set_int_member (limits, "max_height", 4096);
  json_object_set_int_member (limits, "max_queue_size", self->max_pending);
  json_object_set_object_member (root, "limits", limits);
  g_mutex_unlock (&self->lock);

  json = reel_fake_json (root);
  reel_fake_reply (self->server, message, fault, -1, 200, json);
}

/* Called locked: why the server would refuse @body, or NULL. */
static char *
refusal (ReelFakeSdServer *self, JsonObject *body, const char *format)
{
  JsonNode *loras;

  if (!g_strv_contains ((const char *const *) self->formats, format))
    {
      g_autofree char *offered = g_strjoinv (", ", self->formats);
      return g_strdup_printf ("invalid output_format, must be one of [%s]", offered);
    }
  if (body != NULL && json_object_has_member (body, "lora"))
    {
      loras = json_object_get_member (body, "lora");
      if (!JSON_NODE_HOLDS_ARRAY (loras))
        return g_strdup ("invalid generation parameters");
      for (guint i = 0; i < json_array_get_length (json_node_get_array (loras)); i++)
        {
          JsonNode   *item = json_array_get_element (json_node_get_array (loras), i);
          JsonObject *lora = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
          const char *path = reel_fake_json_string (lora, "path");

          if (path == NULL || self->loras == NULL
              || !g_strv_contains ((const char *const *) self->loras, path))
            return g_strdup ("invalid generation parameters");
        }
    }
  return NULL;
}

static void
handle_submit (ReelFakeSdServer *self, SoupServerMessage *message, ReelFakeFault fault)
{
  g_autoptr (GBytes) raw
      = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autoptr (JsonObject) body = reel_fake_parse_body (message);
  g_autoptr (JsonObject) answer = json_object_new ();
  g_autofree char *refused = NULL;
  g_autofree char *json = NULL;
  const char      *format;
  Job             *job;

  g_mutex_lock (&self->lock);
  g_free (self->last_body);
  self->last_body = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_mutex_unlock (&self->lock);

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, -1, 0, NULL);
      return;
    }
  if (g_bytes_get_size (raw) == 0)
    {
      reply_error (message, 400, "empty body");
      return;
    }
  if (body == NULL)
    {
      reel_fake_server_reply_json (message, 400,
                                   "{\"error\":\"invalid json\",\"message\":\"parse error\"}");
      return;
    }

  g_mutex_lock (&self->lock);
  advance (self);
  if (!self->vid_gen)
    {
      g_mutex_unlock (&self->lock);
      reply_error (message, 400, "loaded model does not support vid_gen");
      return;
    }
  format = reel_fake_json_string (body, "output_format");
  if (format == NULL)
    format = "webm";
  if ((refused = refusal (self, body, format)) != NULL)
    {
      g_mutex_unlock (&self->lock);
      reply_error (message, 400, refused);
      return;
    }
  if (count_pending (self) >= self->max_pending)
    {
      g_mutex_unlock (&self->lock);
      reply_error (message, 429, "job queue is full");
      return;
    }

  job = g_new0 (Job, 1);
  job->life.stage = REEL_FAKE_STAGE_QUEUED;
  job->life.created = g_get_real_time ();
  job->id = g_strdup_printf ("job_%" G_GINT64_MODIFIER "x_%08x", job->life.created / G_USEC_PER_SEC,
                             ++self->counter);
  job->format = g_strdup (format);
  /* The server's defaults: 512×512, one frame, 16 fps. */
  job->width = (guint) reel_fake_json_number (body, "width", 512);
  job->height = (guint) reel_fake_json_number (body, "height", 512);
  job->frames = fake_sd_clip_floor_frames ((guint) reel_fake_json_number (body, "video_frames", 1));
  job->fps = (guint) reel_fake_json_number (body, "fps", 16);
  job->failure = g_strdup (self->failure);
  g_ptr_array_add (self->jobs, job);
  g_hash_table_insert (self->by_id, job->id, job);
  self->submits++;

  json_object_set_string_member (answer, "id", job->id);
  json_object_set_string_member (answer, "kind", "vid_gen");
  json_object_set_string_member (answer, "status", "queued");
  json_object_set_int_member (answer, "created", job->life.created / G_USEC_PER_SEC);
  reel_fake_json_take_string (answer, "poll_url", g_strconcat (API "/jobs/", job->id, NULL));
  g_mutex_unlock (&self->lock);

  json = reel_fake_json (answer);
  reel_fake_reply (self->server, message, fault, -1, 202, json);

  /* The job is made, and its answer waits to be let go. */
  g_mutex_lock (&self->lock);
  if (self->hold_submits)
    {
      soup_server_message_pause (message);
      g_ptr_array_add (self->held_submits, g_object_ref (message));
    }
  g_mutex_unlock (&self->lock);
}

/* Called locked: the job, or NULL after answering 404 or 410. */
static Job *
find_job (ReelFakeSdServer *self, SoupServerMessage *message, const char *id)
{
  Job *job = g_hash_table_lookup (self->by_id, id);

  if (job == NULL || job->retention == PURGED)
    {
      reply_error (message, 404, "job not found");
      return NULL;
    }
  if (job->retention == EXPIRED)
    {
      reply_error (message, 410, "job expired");
      return NULL;
    }
  return job;
}

static void
handle_poll (ReelFakeSdServer  *self,
             SoupServerMessage *message,
             const char        *id,
             ReelFakeFault      fault)
{
  g_autoptr (JsonObject) answer = NULL;
  g_autofree char *json = NULL;
  Job             *job;

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, -1, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  advance (self);
  job = g_hash_table_lookup (self->by_id, id);
  if (job != NULL)
    job->polls++;
  else
    self->unknown_polls++;
  if ((job = find_job (self, message, id)) == NULL)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  answer = job_json (self, job);
  if (g_str_equal (status_of (job), "completed"))
    job->completed_answers++;
  g_mutex_unlock (&self->lock);

  json = reel_fake_json (answer);
  reel_fake_reply (self->server, message, fault, -1, 200, json);
}

static void
handle_cancel (ReelFakeSdServer  *self,
               SoupServerMessage *message,
               const char        *id,
               ReelFakeFault      fault)
{
  g_autoptr (JsonObject) answer = NULL;
  g_autofree char *json = NULL;
  Job             *job;

  if (reel_fake_fault_refuses (fault))
    {
      reel_fake_reply (self->server, message, fault, -1, 0, NULL);
      return;
    }

  g_mutex_lock (&self->lock);
  advance (self);
  if ((job = find_job (self, message, id)) == NULL)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  job->cancels++;
  if (job->life.stage == REEL_FAKE_STAGE_RUNNING)
    {
      g_mutex_unlock (&self->lock);
      reply_error (message, 409, "job is currently generating and cannot be interrupted yet");
      return;
    }
  if (job->life.stage == REEL_FAKE_STAGE_QUEUED)
    {
      job->life.stage = REEL_FAKE_STAGE_CANCELLED;
      job->life.finished = g_get_real_time ();
    }
  answer = job_json (self, job);
  g_mutex_unlock (&self->lock);

  json = reel_fake_json (answer);
  reel_fake_reply (self->server, message, fault, -1, 200, json);
}

static void
handler (ReelFakeServer *server, SoupServerMessage *message, const char *path, gpointer user_data)
{
  ReelFakeSdServer *self = user_data;
  const char       *method = soup_server_message_get_method (message);
  g_auto (GStrv) parts = NULL;

  if (!g_str_has_prefix (path, API "/"))
    {
      reply_error (message, 404, "not found");
      return;
    }
  parts = g_strsplit (path + strlen (API "/"), "/", -1);

  if (g_strv_length (parts) == 1 && g_str_equal (parts[0], "capabilities")
      && g_str_equal (method, "GET"))
    handle_capabilities (self, message,
                         reel_fake_faults_take (self->faults, REEL_FAKE_SD_CAPABILITIES));
  else if (g_strv_length (parts) == 1 && g_str_equal (parts[0], "vid_gen")
           && g_str_equal (method, "POST"))
    handle_submit (self, message, reel_fake_faults_take (self->faults, REEL_FAKE_SD_SUBMIT));
  else if (g_strv_length (parts) == 2 && g_str_equal (parts[0], "jobs")
           && g_str_equal (method, "GET"))
    handle_poll (self, message, parts[1], reel_fake_faults_take (self->faults, REEL_FAKE_SD_POLL));
  else if (g_strv_length (parts) == 3 && g_str_equal (parts[0], "jobs")
           && g_str_equal (parts[2], "cancel") && g_str_equal (method, "POST"))
    handle_cancel (self, message, parts[1],
                   reel_fake_faults_take (self->faults, REEL_FAKE_SD_CANCEL));
  else
    reply_error (message, 404, "not found");
}

/* ------------------------------------------------------------------------ */
/* Life and switches                                                         */

ReelFakeSdServer *
reel_fake_sd_server_new (void)
{
  ReelFakeSdServer *self = g_new0 (ReelFakeSdServer, 1);
  const char *const formats[] = { "webm", "webp", "avi", NULL };

  g_mutex_init (&self->lock);
  self->faults = reel_fake_faults_new (N_REQUEST_KINDS);
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->model = g_strdup ("wan2.2_ti2v_5B_fp16.safetensors");
  self->vid_gen = TRUE;
  self->formats = g_strdupv ((char **) formats);
  self->max_pending = 64;
  self->queue_ms = 20;
  self->run_ms = 60;
  self->held_submits = g_ptr_array_new_with_free_func (g_object_unref);
  self->server = reel_fake_server_new (handler, self);
  return self;
}

void
reel_fake_sd_server_free (ReelFakeSdServer *self)
{
  if (self == NULL)
    return;
  reel_fake_server_free (self->server);
  g_ptr_array_unref (self->held_submits);
  reel_fake_faults_free (self->faults);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->jobs);
  g_free (self->model);
  g_strfreev (self->formats);
  g_strfreev (self->loras);
  g_free (self->failure);
  g_free (self->last_body);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
reel_fake_sd_server_get_url (ReelFakeSdServer *self)
{
  return reel_fake_server_get_url (self->server);
}

ReelFakeServer *
reel_fake_sd_server_get_server (ReelFakeSdServer *self)
{
  return self->server;
}

void
reel_fake_sd_server_set_model (ReelFakeSdServer *self, const char *name, gboolean vid_gen)
{
  g_mutex_lock (&self->lock);
  g_free (self->model);
  self->model = g_strdup (name);
  self->vid_gen = vid_gen;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_sd_server_set_output_formats (ReelFakeSdServer *self, const char *const *formats)
{
  g_mutex_lock (&self->lock);
  g_strfreev (self->formats);
  self->formats = g_strdupv ((char **) formats);
  g_mutex_unlock (&self->lock);
}

void
reel_fake_sd_server_set_loras (ReelFakeSdServer *self, const char *const *paths)
{
  g_mutex_lock (&self->lock);
  g_strfreev (self->loras);
  self->loras = g_strdupv ((char **) paths);
  g_mutex_unlock (&self->lock);
}

void
reel_fake_sd_server_set_max_pending (ReelFakeSdServer *self, guint jobs)
{
  g_mutex_lock (&self->lock);
  self->max_pending = jobs;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_sd_server_set_latency (ReelFakeSdServer *self, guint queue_ms, guint run_ms)
{
  g_mutex_lock (&self->lock);
  self->queue_ms = queue_ms;
  self->run_ms = run_ms;
  g_mutex_unlock (&self->lock);
}

void
reel_fake_sd_server_set_failure (ReelFakeSdServer *self, const char *message)
{
  g_mutex_lock (&self->lock);
  g_free (self->failure);
  self->failure = g_strdup (message);
  g_mutex_unlock (&self->lock);
}

/* Server thread: the held answers go out. */
static gboolean
release_submits_cb (gpointer data)
{
  ReelFakeSdServer *self = data;
  g_autoptr (GPtrArray) held = NULL;

  g_mutex_lock (&self->lock);
  held = g_steal_pointer (&self->held_submits);
  self->held_submits = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < held->len; i++)
    soup_server_message_unpause (held->pdata[i]);
  return G_SOURCE_REMOVE;
}

void
reel_fake_sd_server_set_hold_submits (ReelFakeSdServer *self, gboolean hold)
{
  g_mutex_lock (&self->lock);
  self->hold_submits = hold;
  g_mutex_unlock (&self->lock);
  if (!hold)
    g_main_context_invoke (reel_fake_server_get_context (self->server), release_submits_cb, self);
}

guint
reel_fake_sd_server_count_held_submits (ReelFakeSdServer *self)
{
  guint count;

  g_mutex_lock (&self->lock);
  count = self->held_submits->len;
  g_mutex_unlock (&self->lock);
  return count;
}

void
reel_fake_sd_server_add_fault (ReelFakeSdServer *self,
                               ReelFakeSdRequest kind,
                               ReelFakeFault     fault,
                               guint             count)
{
  reel_fake_faults_add (self->faults, kind, fault, count);
}

static void
move_on (ReelFakeSdServer *self, Retention from, Retention to)
{
  g_mutex_lock (&self->lock);
  advance (self);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (self->jobs, i);

      if (job->retention == from
          && (job->life.stage == REEL_FAKE_STAGE_DONE
              || job->life.stage == REEL_FAKE_STAGE_CANCELLED))
        job->retention = to;
    }
  g_mutex_unlock (&self->lock);
}

void
reel_fake_sd_server_expire_finished (ReelFakeSdServer *self)
{
  move_on (self, KEPT, EXPIRED);
}

void
reel_fake_sd_server_purge_expired (ReelFakeSdServer *self)
{
  move_on (self, EXPIRED, PURGED);
}

guint
reel_fake_sd_server_count_submits (ReelFakeSdServer *self)
{
  guint count;

  g_mutex_lock (&self->lock);
  count = self->submits;
  g_mutex_unlock (&self->lock);
  return count;
}

typedef enum
{
  COUNT_POLLS,
  COUNT_COMPLETED,
  COUNT_CANCELS,
} Counter;

static guint
count (ReelFakeSdServer *self, const char *job_id, Counter counter)
{
  guint total = 0;

  g_mutex_lock (&self->lock);
  if (job_id == NULL && counter == COUNT_POLLS)
    total = self->unknown_polls;
  for (guint i = 0; i < self->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (self->jobs, i);

      if (job_id != NULL && g_strcmp0 (job->id, job_id) != 0)
        continue;
      total += counter == COUNT_POLLS       ? job->polls
               : counter == COUNT_COMPLETED ? job->completed_answers
                                            : job->cancels;
    }
  g_mutex_unlock (&self->lock);
  return total;
}

guint
reel_fake_sd_server_count_polls (ReelFakeSdServer *self, const char *job_id)
{
  return count (self, job_id, COUNT_POLLS);
}

guint
reel_fake_sd_server_count_completed_answers (ReelFakeSdServer *self, const char *job_id)
{
  return count (self, job_id, COUNT_COMPLETED);
}

guint
reel_fake_sd_server_count_cancels (ReelFakeSdServer *self, const char *job_id)
{
  return count (self, job_id, COUNT_CANCELS);
}

char *
reel_fake_sd_server_dup_status (ReelFakeSdServer *self, const char *job_id)
{
  Job  *job;
  char *status = NULL;

  g_mutex_lock (&self->lock);
  advance (self);
  job = job_id != NULL ? g_hash_table_lookup (self->by_id, job_id) : NULL;
  if (job != NULL && job->retention != PURGED)
    status = g_strdup (status_of (job));
  g_mutex_unlock (&self->lock);
  return status;
}

GStrv
reel_fake_sd_server_dup_job_ids (ReelFakeSdServer *self)
{
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->jobs->len; i++)
    g_strv_builder_add (ids, ((Job *) g_ptr_array_index (self->jobs, i))->id);
  g_mutex_unlock (&self->lock);
  return g_strv_builder_end (ids);
}

char *
reel_fake_sd_server_dup_last_body (ReelFakeSdServer *self)
{
  char *body;

  g_mutex_lock (&self->lock);
  body = g_strdup (self->last_body);
  g_mutex_unlock (&self->lock);
  return body;
}
