/* reel-server-pool.h: the render nodes one backend spreads its jobs over
 *
 * A backend that drives several servers of one kind (ComfyUI, sd-server)
 * gives each job a place on one of them: the least busy node in rotation,
 * up to a number of places per node. Two places (one job running, one
 * waiting in the server's queue) keep a GPU busy and its model loaded
 * between shots, while Storyreel's own queue keeps the rest, where they can
 * be reordered or cancelled cheaply. A job that finds every place taken
 * waits until one is freed; a node that does not answer rests out of
 * rotation for a while, and the jobs go to the others.
 *
 * Nodes are named by their address, as the backend writes it. Every call is
 * thread-safe; reel_server_pool_claim() blocks, and belongs on a worker
 * thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define REEL_TYPE_SERVER_POOL (reel_server_pool_get_type ())
G_DECLARE_FINAL_TYPE (ReelServerPool, reel_server_pool, REEL, SERVER_POOL, GObject)

/* A job's place on one node, held until it is released. */
typedef struct _ReelServerPlace ReelServerPlace;

/* @urls: the nodes, in order of preference, NULL-terminated. */
ReelServerPool *reel_server_pool_new (const char *const *urls);
guint           reel_server_pool_get_n_nodes (ReelServerPool *self);
const char     *reel_server_pool_get_node (ReelServerPool *self, guint index);

/* Jobs each node takes at once (default 2). */
void  reel_server_pool_set_places_per_node (ReelServerPool *self, guint places);
guint reel_server_pool_get_places_per_node (ReelServerPool *self);
/* How long a node rests after it did not answer (default 30 s). */
void reel_server_pool_set_rest_time (ReelServerPool *self, guint milliseconds);

/* Waits for a place on the least busy node in rotation that @skip (a set of
 * addresses, or NULL) does not hold, and takes it.
 * Returns: (transfer full) (nullable): the place; NULL with
 * G_IO_ERROR_CANCELLED when @cancellable fired, or NULL and no error when
 * every node is in @skip or resting, so there is nothing to wait for */
ReelServerPlace *reel_server_pool_claim (ReelServerPool *self,
                                         GHashTable     *skip,
                                         GCancellable   *cancellable,
                                         GError        **error);
/* A place on @url, at once and whatever its load: for a job that has work
 * on that node already (one resumed after a restart). @url need not be one
 * of the nodes: a job stays on a server the settings no longer list. */
ReelServerPlace *reel_server_pool_claim_node (ReelServerPool *self, const char *url);

/* Takes @url out of rotation for the rest time; @why is logged. A pool of
 * one node never rests it: there is nowhere else for its jobs to go. */
void     reel_server_pool_rest_node (ReelServerPool *self, const char *url, const char *why);
gboolean reel_server_pool_is_resting (ReelServerPool *self, const char *url);
/* How many of the nodes are in rotation. */
guint reel_server_pool_count_in_rotation (ReelServerPool *self);
/* Jobs blocked in reel_server_pool_claim() now, waiting for a place. */
guint reel_server_pool_get_n_waiting (ReelServerPool *self);

/* What tests check: the places taken on @url now, the most taken at once,
 * and how many were taken in all. */
guint reel_server_pool_get_load (ReelServerPool *self, const char *url);
guint reel_server_pool_get_peak (ReelServerPool *self, const char *url);
guint reel_server_pool_get_served (ReelServerPool *self, const char *url);

const char *reel_server_place_get_url (ReelServerPlace *place);
/* Frees the place for the next job; from any thread. */
void reel_server_place_release (ReelServerPlace *place);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelServerPlace, reel_server_place_release)

G_END_DECLS
