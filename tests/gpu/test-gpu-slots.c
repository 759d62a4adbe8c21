/* test-gpu-slots.c: one local job per GPU, whichever backend runs it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "reel-gpu-slots.h"
#include "reel-test-utils.h"

#define WAIT_MS 30000

static void
test_no_gpu (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (0);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelGpuLease) lease = NULL;

  g_assert_cmpuint (reel_gpu_slots_get_n_gpus (slots), ==, 0);
  lease = reel_gpu_slots_acquire (slots, 0, "comfyui job 1", NULL, &error);
  g_assert_null (lease);
  g_assert_error (error, REEL_GPU_ERROR, REEL_GPU_ERROR_NO_GPU);
  g_assert_nonnull (strstr (error->message, "needs an NVIDIA GPU"));
  g_clear_error (&error);

  lease = reel_gpu_slots_acquire_any (slots, "comfyui job 1", NULL, &error);
  g_assert_null (lease);
  g_assert_error (error, REEL_GPU_ERROR, REEL_GPU_ERROR_NO_GPU);
  g_assert_null (reel_gpu_slots_try_acquire (slots, 0, "comfyui job 1"));
}

static void
test_no_such_gpu (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelGpuLease) lease = reel_gpu_slots_acquire (slots, 2, "sd.cpp job 3", NULL, &error);

  g_assert_null (lease);
  g_assert_error (error, REEL_GPU_ERROR, REEL_GPU_ERROR_NO_GPU);
  g_assert_cmpstr (error->message, ==,
                   "There is no GPU 2: this computer has 2 NVIDIA GPUs, counted from 0.");
  g_assert_null (reel_gpu_slots_try_acquire (slots, 2, "sd.cpp job 3"));
  g_assert_null (reel_gpu_slots_dup_holder (slots, 2));
}

/* Two backends, one GPU: the second waits for the first. */
static void
test_one_job_per_gpu (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelGpuLease) comfyui = NULL;
  g_autoptr (ReelGpuLease) sdcpp = NULL;
  g_autoptr (ReelGpuLease) other_gpu = NULL;
  g_autofree char *holder = NULL;

  comfyui = reel_gpu_slots_acquire (slots, 0, "comfyui job 1", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (comfyui);
  g_assert_cmpuint (reel_gpu_lease_get_index (comfyui), ==, 0);
  holder = reel_gpu_slots_dup_holder (slots, 0);
  g_assert_cmpstr (holder, ==, "comfyui job 1");

  g_assert_null (reel_gpu_slots_try_acquire (slots, 0, "sd.cpp job 2"));
  other_gpu = reel_gpu_slots_try_acquire (slots, 1, "sd.cpp job 2");
  g_assert_nonnull (other_gpu);
  g_assert_cmpuint (reel_gpu_lease_get_index (other_gpu), ==, 1);

  g_clear_pointer (&comfyui, reel_gpu_lease_release);
  g_assert_null (reel_gpu_slots_dup_holder (slots, 0));
  sdcpp = reel_gpu_slots_try_acquire (slots, 0, "sd.cpp job 3");
  g_assert_nonnull (sdcpp);
}

typedef struct
{
  ReelGpuSlots *slots;
  GCancellable *cancellable;
  gboolean      any;
  gboolean      shared;
  const char   *holder; /* NULL: "waiter" */
  guint         index;
  /* Set by the thread when its call returns. */
  ReelGpuLease *lease;
  GError       *error;
  gboolean      returned;
} Waiter;

static gboolean
waiter_returned_cb (gpointer data)
{
  Waiter *waiter = data;

  waiter->returned = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
waiter_thread (gpointer data)
{
  Waiter *waiter = data;

  const char *holder = waiter->holder != NULL ? waiter->holder : "waiter";

  if (waiter->any)
    waiter->lease
        = reel_gpu_slots_acquire_any (waiter->slots, holder, waiter->cancellable, &waiter->error);
  else if (waiter->shared)
    waiter->lease = reel_gpu_slots_acquire_shared (waiter->slots, waiter->index, holder,
                                                   waiter->cancellable, &waiter->error);
  else
    waiter->lease = reel_gpu_slots_acquire (waiter->slots, waiter->index, holder,
                                            waiter->cancellable, &waiter->error);
  /* Tells the main loop, and wakes it. */
  g_main_context_invoke (NULL, waiter_returned_cb, waiter);
  return NULL;
}

/* The main loop is woken now and then to look at the other thread. */
static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
someone_waits (gpointer data)
{
  return reel_gpu_slots_get_n_waiting (data) > 0;
}

/* Starts a thread that blocks in an acquiring call, and returns once it is
 * blocked there. */
static GThread *
start_waiter (Waiter *waiter)
{
  GThread *thread = g_thread_new ("gpu-waiter", waiter_thread, waiter);
  guint    tick = g_timeout_add (1, tick_cb, NULL);

  reel_test_wait_until (someone_waits, waiter->slots, WAIT_MS, "the worker to wait for the GPU");
  g_source_remove (tick);
  return thread;
}

static void
test_waits_for_release (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (1);
  g_autoptr (GError) error = NULL;
  ReelGpuLease    *first = reel_gpu_slots_acquire (slots, 0, "comfyui job 1", NULL, &error);
  Waiter           waiter = { .slots = slots, .index = 0 };
  g_autofree char *holder = NULL;
  GThread         *thread;

  g_assert_no_error (error);
  thread = start_waiter (&waiter);
  /* It waits while the GPU is taken… */
  g_assert_false (waiter.returned);
  holder = reel_gpu_slots_dup_holder (slots, 0);
  g_assert_cmpstr (holder, ==, "comfyui job 1");

  /* …and gets it when it is released. */
  reel_gpu_lease_release (first);
  reel_test_wait_until (reel_test_flag_is_set, &waiter.returned, WAIT_MS, "the waiter's GPU");
  g_thread_join (thread);
  g_assert_no_error (waiter.error);
  g_assert_nonnull (waiter.lease);
  g_assert_cmpuint (reel_gpu_lease_get_index (waiter.lease), ==, 0);
  g_assert_cmpuint (reel_gpu_slots_get_n_waiting (slots), ==, 0);
  g_clear_pointer (&holder, g_free);
  holder = reel_gpu_slots_dup_holder (slots, 0);
  g_assert_cmpstr (holder, ==, "waiter");
  reel_gpu_lease_release (waiter.lease);
}

static void
test_cancelled_wait (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (ReelGpuLease) first = reel_gpu_slots_acquire (slots, 0, "job 1", NULL, NULL);
  Waiter   waiter = { .slots = slots, .index = 0, .cancellable = cancellable };
  GThread *thread;

  g_assert_nonnull (first);
  thread = start_waiter (&waiter);
  g_cancellable_cancel (cancellable);
  reel_test_wait_until (reel_test_flag_is_set, &waiter.returned, WAIT_MS, "the cancelled wait");
  g_thread_join (thread);
  g_assert_null (waiter.lease);
  g_assert_error (waiter.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&waiter.error);
  /* The GPU is still the first job's. */
  g_assert_null (reel_gpu_slots_try_acquire (slots, 0, "job 2"));
}

/* A job cancelled before it asks does not take a free GPU. */
static void
test_cancelled_before (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ReelGpuLease) lease = NULL;

  g_cancellable_cancel (cancellable);
  lease = reel_gpu_slots_acquire (slots, 0, "job 1", cancellable, &error);
  g_assert_null (lease);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (reel_gpu_slots_dup_holder (slots, 0));
}

static void
test_any (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (2);
  g_autoptr (ReelGpuLease) first = reel_gpu_slots_acquire_any (slots, "job 1", NULL, NULL);
  g_autoptr (ReelGpuLease) second = reel_gpu_slots_acquire_any (slots, "job 2", NULL, NULL);
  Waiter   waiter = { .slots = slots, .any = TRUE };
  GThread *thread;

  g_assert_cmpuint (reel_gpu_lease_get_index (first), ==, 0);
  g_assert_cmpuint (reel_gpu_lease_get_index (second), ==, 1);

  /* Both taken: the third waits for whichever is freed. */
  thread = start_waiter (&waiter);
  g_assert_false (waiter.returned);
  g_clear_pointer (&second, reel_gpu_lease_release);
  reel_test_wait_until (reel_test_flag_is_set, &waiter.returned, WAIT_MS, "a free GPU");
  g_thread_join (thread);
  g_assert_no_error (waiter.error);
  g_assert_cmpuint (reel_gpu_lease_get_index (waiter.lease), ==, 1);
  reel_gpu_lease_release (waiter.lease);
}

/* Many workers of several backends taking GPUs at once: never two on one. */
#define N_WORKERS 8
#define N_JOBS 200

typedef struct
{
  ReelGpuSlots *slots;
  gint          running[2];
  gint          overlaps;
  gint          jobs;
} Crowd;

static gpointer
crowd_worker (gpointer data)
{
  Crowd *crowd = data;

  for (guint i = 0; i < N_JOBS; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ReelGpuLease) lease
          = reel_gpu_slots_acquire_any (crowd->slots, "crowd", NULL, &error);
      guint index;

      g_assert_no_error (error);
      index = reel_gpu_lease_get_index (lease);
      if (g_atomic_int_add (&crowd->running[index], 1) != 0)
        g_atomic_int_inc (&crowd->overlaps);
      g_thread_yield ();
      g_atomic_int_add (&crowd->running[index], -1);
      g_atomic_int_inc (&crowd->jobs);
    }
  return NULL;
}

static void
test_crowd (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (2);
  Crowd    crowd = { .slots = slots };
  GThread *workers[N_WORKERS];

  for (guint i = 0; i < N_WORKERS; i++)
    workers[i] = g_thread_new ("gpu-crowd", crowd_worker, &crowd);
  for (guint i = 0; i < N_WORKERS; i++)
    g_thread_join (workers[i]);

  g_assert_cmpint (crowd.jobs, ==, N_WORKERS * N_JOBS);
  g_assert_cmpint (crowd.overlaps, ==, 0);
  g_assert_cmpuint (reel_gpu_slots_get_n_waiting (slots), ==, 0);
  g_assert_null (reel_gpu_slots_dup_holder (slots, 0));
  g_assert_null (reel_gpu_slots_dup_holder (slots, 1));
}

/* A server's jobs share its GPU: the second joins the first at once, and
 * another job waits until the last of them is done. */
static void
test_shared (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (1);
  g_autoptr (GError) error = NULL;
  ReelGpuLease *first
      = reel_gpu_slots_acquire_shared (slots, 0, "ComfyUI at 127.0.0.1", NULL, &error);
  ReelGpuLease *second
      = reel_gpu_slots_acquire_shared (slots, 0, "ComfyUI at 127.0.0.1", NULL, &error);
  Waiter           waiter = { .slots = slots, .index = 0 };
  g_autofree char *holder = NULL;
  GThread         *thread;

  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_null (reel_gpu_slots_try_acquire (slots, 0, "sd-cli job 3"));

  thread = start_waiter (&waiter);
  reel_gpu_lease_release (first);
  /* Still the server's: one of its jobs holds it. */
  holder = reel_gpu_slots_dup_holder (slots, 0);
  g_assert_cmpstr (holder, ==, "ComfyUI at 127.0.0.1");
  g_assert_false (waiter.returned);
  g_assert_cmpuint (reel_gpu_slots_get_n_waiting (slots), ==, 1);

  reel_gpu_lease_release (second);
  reel_test_wait_until (reel_test_flag_is_set, &waiter.returned, WAIT_MS, "the waiter's GPU");
  g_thread_join (thread);
  g_assert_no_error (waiter.error);
  g_assert_nonnull (waiter.lease);
  g_clear_pointer (&holder, g_free);
  holder = reel_gpu_slots_dup_holder (slots, 0);
  g_assert_cmpstr (holder, ==, "waiter");
  reel_gpu_lease_release (waiter.lease);
}

/* A share joins only shares of the same holder: not another server's, and
 * not a lease held alone under the same name. */
static void
test_shared_waits (void)
{
  g_autoptr (ReelGpuSlots) slots = reel_gpu_slots_new (1);
  ReelGpuLease *alone = reel_gpu_slots_acquire (slots, 0, "ComfyUI at 127.0.0.1", NULL, NULL);
  Waiter        same_name
      = { .slots = slots, .index = 0, .shared = TRUE, .holder = "ComfyUI at 127.0.0.1" };
  Waiter other = { .slots = slots, .index = 0, .shared = TRUE, .holder = "sd-server at 127.0.0.1" };
  ReelGpuLease    *joined;
  GThread         *thread;
  g_autofree char *holder = NULL;

  g_assert_nonnull (alone);
  thread = start_waiter (&same_name);
  reel_gpu_lease_release (alone);
  reel_test_wait_until (reel_test_flag_is_set, &same_name.returned, WAIT_MS, "the first share");
  g_thread_join (thread);
  g_assert_no_error (same_name.error);
  g_assert_nonnull (same_name.lease);

  thread = start_waiter (&other);
  joined = reel_gpu_slots_acquire_shared (slots, 0, "ComfyUI at 127.0.0.1", NULL, NULL);
  g_assert_nonnull (joined);
  reel_gpu_lease_release (same_name.lease);
  reel_gpu_lease_release (joined);
  reel_test_wait_until (reel_test_flag_is_set, &other.returned, WAIT_MS,
                        "the other server's share");
  g_thread_join (thread);
  g_assert_no_error (other.error);
  holder = reel_gpu_slots_dup_holder (slots, 0);
  g_assert_cmpstr (holder, ==, "sd-server at 127.0.0.1");
  reel_gpu_lease_release (other.lease);
  g_assert_null (reel_gpu_slots_dup_holder (slots, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gpu/slots/no-gpu", test_no_gpu);
  g_test_add_func ("/gpu/slots/no-such-gpu", test_no_such_gpu);
  g_test_add_func ("/gpu/slots/one-job-per-gpu", test_one_job_per_gpu);
  g_test_add_func ("/gpu/slots/waits-for-release", test_waits_for_release);
  g_test_add_func ("/gpu/slots/cancelled-wait", test_cancelled_wait);
  g_test_add_func ("/gpu/slots/cancelled-before", test_cancelled_before);
  g_test_add_func ("/gpu/slots/any", test_any);
  g_test_add_func ("/gpu/slots/crowd", test_crowd);
  g_test_add_func ("/gpu/slots/shared", test_shared);
  g_test_add_func ("/gpu/slots/shared-waits", test_shared_waits);

  return g_test_run ();
}
