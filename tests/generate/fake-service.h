/* fake-service.h: what the fake remote services share
 *
 * The fakes of Model Studio (fake-dashscope.h) and fal.ai (fake-fal.h) run on
 * ReelFakeServer and answer from its thread. A test makes them misbehave by
 * queueing faults for one kind of request: the next @count requests of that
 * kind get the fault, in the order the faults were added. Everything here is
 * thread-safe.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "reel-fake-server.h"

G_BEGIN_DECLS

typedef enum
{
  REEL_FAKE_FAULT_NONE,
  /* Refused before any work is done: */
  REEL_FAKE_FAULT_THROTTLE,     /* 429, with the fake's Retry-After when it has one */
  REEL_FAKE_FAULT_SERVER_ERROR, /* 500 */
  REEL_FAKE_FAULT_UNAVAILABLE,  /* 503 */
  REEL_FAKE_FAULT_FORBIDDEN,    /* 403 (a download: the link is refused) */
  REEL_FAKE_FAULT_HANG,         /* the connection stays open and nothing ever comes */
  /* The work is done (a create makes its task, a poll counts), then the
   * answer goes wrong: */
  REEL_FAKE_FAULT_DROP,        /* the connection closes before any answer */
  REEL_FAKE_FAULT_DROP_MIDWAY, /* status and headers, half the body, then the connection closes */
  REEL_FAKE_FAULT_TRUNCATED,   /* a complete 200 whose JSON breaks off half-way */
  REEL_FAKE_FAULT_GARBAGE,     /* a 200 with an HTML page from a proxy */
  REEL_FAKE_FAULT_EMPTY,       /* a 200 with "{}": JSON, but none of the expected members */
  REEL_FAKE_FAULT_BAD_GATEWAY, /* a gateway's 502 page: the work was done behind it */
} ReelFakeFault;

/* A count that never runs out. */
#define REEL_FAKE_FAULT_FOREVER G_MAXUINT
/* A latency that never ends: the task stays where it is until it is changed. */
#define REEL_FAKE_FOREVER G_MAXUINT

/* A small real H.264 MP4 (1 s, 160×90, 16 fps) that the media store
 * accepts, made once per process with GStreamer. */
GBytes *reel_fake_make_video (void);

/* A server powered off, as its clients see it: connections to its address
 * are neither refused nor answered, and connecting hangs until the client
 * gives up. @port: 0 for any free one, or the port of a fake just freed, to
 * stand for that server gone silent. */
typedef struct _ReelFakeBlackhole ReelFakeBlackhole;

ReelFakeBlackhole *reel_fake_blackhole_new (guint16 port);
void               reel_fake_blackhole_free (ReelFakeBlackhole *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelFakeBlackhole, reel_fake_blackhole_free)
/* "http://127.0.0.1:PORT" */
const char *reel_fake_blackhole_get_url (ReelFakeBlackhole *self);

/* ------------------------------------------------------------------------ */
/* For the fakes' own use                                                    */

typedef struct _ReelFakeFaults ReelFakeFaults;

ReelFakeFaults *reel_fake_faults_new (guint n_kinds);
void            reel_fake_faults_free (ReelFakeFaults *faults);
void reel_fake_faults_add (ReelFakeFaults *faults, guint kind, ReelFakeFault fault, guint count);
void reel_fake_faults_clear (ReelFakeFaults *faults);
/* The fault for the next request of @kind, used up; NONE when none is queued. */
ReelFakeFault reel_fake_faults_take (ReelFakeFaults *faults, guint kind);
/* Whether @fault answers before the request's work is done. */
gboolean reel_fake_fault_refuses (ReelFakeFault fault);

/* Answers with @json and @status, spoiled by @fault. @retry_after_s < 0: no
 * Retry-After on a THROTTLE. A refusing fault ignores @status and @json. */
void reel_fake_reply (ReelFakeServer    *server,
                      SoupServerMessage *message,
                      ReelFakeFault      fault,
                      int                retry_after_s,
                      guint              status,
                      const char        *json);
/* Serves @bytes, honouring Range, spoiled by @fault. */
void reel_fake_serve_bytes (ReelFakeServer    *server,
                            SoupServerMessage *message,
                            ReelFakeFault      fault,
                            GBytes            *bytes,
                            const char        *content_type);
/* A JSON object as text. */
char *reel_fake_json (JsonObject *object);
/* The request body as a JSON object, or NULL (caller unrefs). */
JsonObject *reel_fake_parse_body (SoupServerMessage *message);
/* Members of a request body, tolerating absent or mistyped ones (and a NULL @object). */
const char *reel_fake_json_string (JsonObject *object, const char *member);
JsonObject *reel_fake_json_object (JsonObject *object, const char *member);
gboolean    reel_fake_json_is_number (JsonObject *object, const char *member);
double      reel_fake_json_number (JsonObject *object, const char *member, double fallback);
gboolean    reel_fake_json_boolean (JsonObject *object, const char *member, gboolean fallback);
/* Sets @member to @value and frees it. */
void reel_fake_json_take_string (JsonObject *object, const char *member, char *value);

/* Where a fake task stands. Tasks move on lazily, whenever the fake is asked. */
typedef enum
{
  REEL_FAKE_STAGE_QUEUED,
  REEL_FAKE_STAGE_RUNNING,
  REEL_FAKE_STAGE_DONE,
  REEL_FAKE_STAGE_CANCELLED,
} ReelFakeStage;

typedef struct
{
  ReelFakeStage stage;
  gint64        created; /* g_get_real_time () */
  gint64        started;
  gint64        finished;
} ReelFakeLifecycle;

/* @tasks holds pointers to structs that start with a ReelFakeLifecycle, in
 * the order they were made. A task may start @queue_ms after it was made,
 * while fewer than @max_running (0: any number) run, and is done @run_ms
 * after it started; REEL_FAKE_FOREVER holds it where it is. */
void
reel_fake_lifecycles_advance (GPtrArray *tasks, guint queue_ms, guint run_ms, guint max_running);
/* How many queued tasks are ahead of @task. */
guint reel_fake_lifecycles_queue_position (GPtrArray *tasks, gconstpointer task);

G_END_DECLS
