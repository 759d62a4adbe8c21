/* reel-engines.c
 *
 * A new set-up of a backend replaces the old one in the scheduler only
 * between its jobs. A running job holds its own reference to the backend it
 * started on, so a replacement would not pull the object from under it; but
 * two instances of one service at once would each pace their own queries
 * (Model Studio's account-wide query limit) and each think the account's
 * task limit is theirs alone. So the new one waits while any job of its
 * backend runs, and takes over as soon as none does.
 *
 * The local engines (ComfyUI, sd-server, sd-cli) wait for the GPU probe,
 * which runs in a thread, as the remote ones wait for their keys: they are
 * all given the probe's one ReelGpuSlots, shared by every window of the
 * application, so that one local job runs per GPU whichever engine and
 * window it belongs to. A driver that does not answer
 * in time leaves them set up without slots until it does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-ui"

#include "config.h"

#include <string.h>

#include "reel-api-keys.h"
#include "reel-backend-setup.h"
#include "reel-engines.h"
#include "reel-gpu-probe.h"

/* How long the local engines wait for the NVIDIA driver, which may take
 * seconds per GPU to wake up, or hang on a GPU that fell off the bus. */
#define GPU_PROBE_TIMEOUT_S 20

typedef struct
{
  char    *name;
  gboolean needs_key;
  gboolean uses_gpu;
  char    *key;
  /* The lookup in flight, or NULL. */
  GCancellable *lookup;
  /* The first lookup (or the GPU probe) has answered: the backend is in
   * the scheduler. */
  gboolean looked_up;
  /* Made anew, waiting for the old one's running jobs to end. */
  ReelBackend *pending;
  /* Its settings changed: make it again. */
  gboolean dirty;
} Engine;

struct _ReelEngines
{
  GObject parent_instance;

  ReelScheduler *scheduler;
  GSettings     *settings;
  GPtrArray     *engines; /* Engine*, in reel_backend_list_names() order */
  guint          remake_source;
  gboolean       ready;

  ReelGpuProbe *gpu_probe;
  GCancellable *gpu_query; /* the probe in flight, or NULL */
  guint         gpu_timeout;
  ReelGpuSlots *gpu_slots; /* NULL until the probe answered */
};

G_DEFINE_FINAL_TYPE (ReelEngines, reel_engines, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A key leaves no copy in freed memory. */
static void
forget_key (Engine *engine)
{
  if (engine->key != NULL)
    memset (engine->key, 0, strlen (engine->key));
  g_clear_pointer (&engine->key, g_free);
}

static void
engine_free (Engine *engine)
{
  if (engine->lookup != NULL)
    g_cancellable_cancel (engine->lookup);
  g_clear_object (&engine->lookup);
  g_clear_object (&engine->pending);
  g_free (engine->name);
  forget_key (engine);
  g_free (engine);
}

static Engine *
find_engine (ReelEngines *self, const char *name)
{
  for (guint i = 0; i < self->engines->len; i++)
    {
      Engine *engine = g_ptr_array_index (self->engines, i);

      if (g_strcmp0 (engine->name, name) == 0)
        return engine;
    }
  return NULL;
}

/* Whether a job of @name is being worked on right now. */
static gboolean
backend_is_busy (ReelEngines *self, const char *name)
{
  g_autoptr (GPtrArray) jobs = NULL;

  if (reel_scheduler_get_n_running (self->scheduler) == 0)
    return FALSE;

  jobs = reel_project_list_jobs (reel_scheduler_get_project (self->scheduler), TRUE);
  for (guint i = 0; i < jobs->len; i++)
    {
      ReelJobRecord *job = g_ptr_array_index (jobs, i);

      if (g_strcmp0 (job->backend, name) == 0
          && (job->state == REEL_JOB_SUBMITTING || job->state == REEL_JOB_RUNNING
              || job->state == REEL_JOB_DOWNLOADING))
        return TRUE;
    }
  return FALSE;
}

static void
install (ReelEngines *self, Engine *engine, ReelBackend *backend)
{
  if (backend_is_busy (self, engine->name))
    {
      g_debug ("The new set-up of %s waits for its running jobs", engine->name);
      g_set_object (&engine->pending, backend);
      return;
    }

  g_clear_object (&engine->pending);
  reel_scheduler_add_backend (self->scheduler, backend);
  g_signal_emit (self, signals[CHANGED], 0, engine->name);
}

static void
make_backend (ReelEngines *self, Engine *engine)
{
  ReelBackendOverrides overrides
      = { .api_key = engine->key, .key_looked_up = TRUE, .gpu_slots = self->gpu_slots };
  g_autoptr (ReelBackend) backend = NULL;
  g_autoptr (GError) error = NULL;

  engine->dirty = FALSE;
  backend = reel_backend_create (engine->name, self->settings, &overrides, &error);
  if (backend == NULL)
    {
      /* Only an unknown name fails, and the names come from the same list. */
      g_critical ("Could not set up %s: %s", engine->name, error->message);
      return;
    }
  install (self, engine, backend);
}

static void
update_ready (ReelEngines *self)
{
  for (guint i = 0; i < self->engines->len; i++)
    if (!((Engine *) g_ptr_array_index (self->engines, i))->looked_up)
      return;

  if (!self->ready)
    {
      self->ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
}

/* A lookup does not keep the set alive: the window drops it with its project. */
typedef struct
{
  GWeakRef      engines;
  GCancellable *lookup;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_weak_ref_clear (&lookup->engines);
  g_object_unref (lookup->lookup);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Lookup) lookup = user_data;
  g_autoptr (ReelEngines) self = g_weak_ref_get (&lookup->engines);
  g_autoptr (GError) error = NULL;
  g_autofree char *key = NULL;
  ReelKeySource    key_source = REEL_KEY_SOURCE_NONE;
  Engine          *engine = NULL;

  key = reel_api_key_lookup_finish (result, &key_source, &error);
  if (self == NULL)
    return;

  /* Only the newest lookup of a backend counts; a disposed set counts none. */
  for (guint i = 0; self->engines != NULL && i < self->engines->len; i++)
    if (((Engine *) g_ptr_array_index (self->engines, i))->lookup == lookup->lookup)
      engine = g_ptr_array_index (self->engines, i);
  if (engine == NULL || g_cancellable_is_cancelled (lookup->lookup))
    return;

  g_clear_object (&engine->lookup);
  if (error != NULL)
    /* Not fatal: the backend then says it has no key, and why in its reason. */
    g_message ("No key for %s: %s", engine->name, error->message);
  else
    g_debug ("The key for %s comes from %s", engine->name,
             key_source == REEL_KEY_SOURCE_ENVIRONMENT ? "the environment"
             : key_source == REEL_KEY_SOURCE_KEYRING   ? "the keyring"
                                                       : "nowhere");

  forget_key (engine);
  engine->key = g_steal_pointer (&key);
  engine->looked_up = TRUE;
  make_backend (self, engine);
  update_ready (self);
}

static void
look_up_key (ReelEngines *self, Engine *engine)
{
  Lookup *lookup;

  if (engine->lookup != NULL)
    g_cancellable_cancel (engine->lookup);
  g_clear_object (&engine->lookup);
  engine->lookup = g_cancellable_new ();

  lookup = g_new0 (Lookup, 1);
  g_weak_ref_init (&lookup->engines, self);
  lookup->lookup = g_object_ref (engine->lookup);
  reel_api_key_lookup_async (engine->name, engine->lookup, lookup_cb, lookup);
}

/* Sets the local engines up (again) for the GPUs known now. */
static void
set_up_local_engines (ReelEngines *self)
{
  for (guint i = 0; i < self->engines->len; i++)
    {
      Engine *engine = g_ptr_array_index (self->engines, i);

      if (engine->uses_gpu)
        {
          engine->looked_up = TRUE;
          make_backend (self, engine);
        }
    }
  update_ready (self);
}

static void
gpu_query_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr (ReelEngines) self = g_weak_ref_get (weak);
  g_autoptr (ReelGpuReport) report = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);
  /* NULL only when cancelled: the set was disposed. */
  report = reel_gpu_probe_query_finish (REEL_GPU_PROBE (source), result, NULL);
  if (self == NULL || report == NULL || self->engines == NULL)
    return;

  g_clear_handle_id (&self->gpu_timeout, g_source_remove);
  g_clear_object (&self->gpu_query);
  self->gpu_slots = reel_gpu_probe_dup_slots (self->gpu_probe);
  g_debug ("The local engines share %u GPUs", reel_gpu_report_get_n_gpus (report));
  set_up_local_engines (self);
}

static gboolean
gpu_timeout_cb (gpointer user_data)
{
  ReelEngines *self = user_data;

  self->gpu_timeout = 0;
  g_message ("The NVIDIA driver did not answer within %u seconds: the local engines start "
             "without knowing the GPUs",
             GPU_PROBE_TIMEOUT_S);
  set_up_local_engines (self);
  return G_SOURCE_REMOVE;
}

static void
query_gpus (ReelEngines *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  self->gpu_query = g_cancellable_new ();
  reel_gpu_probe_query_async (self->gpu_probe, self->gpu_query, gpu_query_cb, weak);
  self->gpu_timeout = g_timeout_add_seconds (GPU_PROBE_TIMEOUT_S, gpu_timeout_cb, self);
}

static gboolean
remake_cb (gpointer user_data)
{
  ReelEngines *self = user_data;

  self->remake_source = 0;
  for (guint i = 0; i < self->engines->len; i++)
    {
      Engine *engine = g_ptr_array_index (self->engines, i);

      /* A lookup in flight makes it with the settings of its answer. */
      if (engine->dirty && engine->looked_up && engine->lookup == NULL)
        make_backend (self, engine);
    }
  return G_SOURCE_REMOVE;
}

/* A spin button or a price editor writes a burst of changes: the backends
 * are made once for all of them. */
static void
settings_changed_cb (ReelEngines *self, const char *key, GSettings *settings)
{
  gboolean any = FALSE;

  for (guint i = 0; i < self->engines->len; i++)
    {
      Engine          *engine = g_ptr_array_index (self->engines, i);
      g_autofree char *prefix = g_strconcat (engine->name, "-", NULL);

      if (g_str_has_prefix (key, prefix) || (engine->needs_key && g_str_equal (key, "prices")))
        engine->dirty = any = TRUE;
    }
  /* At the default priority, not an idle's: a busy window (redraws, a
   * spinner) must not hold back what the user just changed. */
  if (any && self->remake_source == 0)
    self->remake_source = g_idle_add_full (G_PRIORITY_DEFAULT, remake_cb, self, NULL);
}

static void
job_changed_cb (ReelEngines *self, gint64 job_id, guint state, ReelScheduler *scheduler)
{
  for (guint i = 0; i < self->engines->len; i++)
    {
      Engine *engine = g_ptr_array_index (self->engines, i);

      if (engine->pending != NULL && !backend_is_busy (self, engine->name))
        {
          g_autoptr (ReelBackend) pending = g_steal_pointer (&engine->pending);

          g_debug ("The new set-up of %s takes over", engine->name);
          install (self, engine, pending);
        }
    }
}

ReelEngines *
reel_engines_new (ReelScheduler *scheduler, GSettings *settings, ReelGpuProbe *gpu_probe)
{
  ReelEngines *self;

  g_return_val_if_fail (REEL_IS_SCHEDULER (scheduler), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (gpu_probe == NULL || REEL_IS_GPU_PROBE (gpu_probe), NULL);

  self = g_object_new (REEL_TYPE_ENGINES, NULL);
  self->gpu_probe = gpu_probe != NULL ? g_object_ref (gpu_probe) : reel_gpu_probe_new ();
  self->scheduler = g_object_ref (scheduler);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (scheduler, "job-changed", G_CALLBACK (job_changed_cb), self,
                           G_CONNECT_SWAPPED);
  query_gpus (self);

  for (const char *const *name = reel_backend_list_names (); *name != NULL; name++)
    {
      Engine *engine = g_new0 (Engine, 1);

      engine->name = g_strdup (*name);
      engine->needs_key = reel_api_key_get_env_var (*name) != NULL;
      engine->uses_gpu = reel_backend_name_uses_gpu (*name);
      g_ptr_array_add (self->engines, engine);

      if (engine->needs_key)
        look_up_key (self, engine);
      else if (!engine->uses_gpu)
        {
          engine->looked_up = TRUE;
          make_backend (self, engine);
        }
    }
  update_ready (self);

  return self;
}

gboolean
reel_engines_is_ready (ReelEngines *self)
{
  g_return_val_if_fail (REEL_IS_ENGINES (self), FALSE);
  return self->ready;
}

static void
reload_engine (ReelEngines *self, Engine *engine)
{
  /* A local engine is set up when the GPUs are known. */
  if (engine->uses_gpu && !engine->looked_up)
    return;
  if (engine->needs_key)
    look_up_key (self, engine);
  else
    make_backend (self, engine);
}

void
reel_engines_reload (ReelEngines *self, const char *backend)
{
  g_return_if_fail (REEL_IS_ENGINES (self));

  if (backend != NULL)
    {
      Engine *engine = find_engine (self, backend);

      if (engine != NULL)
        reload_engine (self, engine);
      return;
    }
  for (guint i = 0; i < self->engines->len; i++)
    reload_engine (self, g_ptr_array_index (self->engines, i));
}

static void
reel_engines_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ReelEngines *self = REEL_ENGINES (object);

  switch (prop_id)
    {
      case PROP_READY:
        g_value_set_boolean (value, self->ready);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reel_engines_dispose (GObject *object)
{
  ReelEngines *self = REEL_ENGINES (object);

  g_clear_handle_id (&self->remake_source, g_source_remove);
  g_clear_handle_id (&self->gpu_timeout, g_source_remove);
  if (self->gpu_query != NULL)
    g_cancellable_cancel (self->gpu_query);
  g_clear_object (&self->gpu_query);
  g_clear_object (&self->gpu_probe);
  g_clear_object (&self->gpu_slots);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  /* Cancels the lookups in flight: their answers find no engine. */
  g_clear_pointer (&self->engines, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (reel_engines_parent_class)->dispose (object);
}

static void
reel_engines_class_init (ReelEnginesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reel_engines_dispose;
  object_class->get_property = reel_engines_get_property;

  properties[PROP_READY]
      = g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ReelEngines::changed:
   * @backend: the name of the backend
   *
   * A new set-up of @backend is now the scheduler's.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
reel_engines_init (ReelEngines *self)
{
  self->engines = g_ptr_array_new_with_free_func ((GDestroyNotify) engine_free);
}
