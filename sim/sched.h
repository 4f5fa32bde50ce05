/*
 * sched.h -- kube-scheduler: the scheduling queue, the filter and score
 * plugins of the default profile, and node selection.
 *
 * Owns: its queues and scratch memory. Does not own the cluster (it reads
 * it and binds pods through cluster_bind) nor the pods.
 *
 * The scheduler does not own time. The run calls sched_enqueue when a pod
 * is created, sched_cluster_changed after a change that may make pending
 * pods schedulable, and sched_schedule_all at the current time (after
 * enqueueing, after such changes, and at sched_next_backoff_time()); each
 * attempt is reported as a struct sched_result, from which the run emits
 * `Scheduled` or `FailedScheduling` events. A successful attempt has
 * already bound the pod (kube's assume + bind, without the bind latency).
 *
 * Queue (pkg/scheduler/backend/queue, default settings):
 *   - activeQ: ordered by pod priority (the workload's), then by the time
 *     the pod entered the queue (creation, or its last failed attempt),
 *     then FIFO.
 *   - unschedulable pool: a pod whose attempt failed waits here until a
 *     cluster event that one of the plugins that rejected it cares about
 *     (EventsToRegister, with the cheap parts of the queueing hints: a pod
 *     event only moves pods whose spread constraints or affinity terms
 *     select that pod), or until it has waited max_in_unschedulable (5 min,
 *     DefaultPodMaxInUnschedulablePodsDuration).
 *   - backoffQ: a moved pod still inside its backoff goes here and to
 *     activeQ when the backoff ends. Backoff after the k-th failed attempt:
 *     initial * 2^(k-1) capped at max: 1, 2, 4, 8, 10, 10 ... s
 *     (podInitialBackoffSeconds 1, podMaxBackoffSeconds 10), counted from
 *     the failed attempt. A failure no plugin explains (no nodes at all)
 *     goes straight to backoffQ, as in kube.
 *   kube flushes backoffQ every 1 s and the pool every 30 s; here both
 *   happen at the exact expiry (the run wakes the scheduler then). With
 *   max_in_unschedulable <= 0 there is no pool: failed pods retry when
 *   their backoff ends, events or not. Bindings made by the scheduler are
 *   pod-add events for the pool already; the run reports the others.
 *
 * Framework (one profile, the default plugins, in kube's filter order):
 *   filters NodeUnschedulable, TaintToleration, NodeAffinity (node_selector,
 *   required terms, DaemonSet pods pinned to their node as the DaemonSet
 *   controller's matchFields affinity does), NodeResourcesFit (requests and
 *   max pods), PodTopologySpread (DoNotSchedule), InterPodAffinity
 *   (required terms and existing pods' anti-affinity); the first failing
 *   filter decides a node's reason. Scores: see enum score_plugin, with
 *   kube's normalisations and the weights of struct scheduler_cfg.
 *   percentageOfNodesToScore is modelled (adaptive, as kube's default 0:
 *   clusters under 100 nodes are searched whole; from 100 nodes the search
 *   stops after max(100, N * max(5, 50 - N/125) / 100) feasible nodes,
 *   starting where the previous cycle stopped). Ties of the best total are
 *   broken uniformly (reservoir sampling) with the rand_below hook.
 *   Not modelled: preemption, ports, volumes, image locality, extenders,
 *   gang/pod groups, nominated nodes; the FailedScheduling text therefore
 *   never carries the "preemption: ..." suffix.
 *
 * Cost of one attempt: O(N x (#filters + #scores)) for N nodes searched,
 * plus O(#domains) per spread constraint and affinity term; nothing is
 * proportional to the number of pods. Events: O(#unschedulable pods),
 * and O(1) when no waiting pod was rejected by a plugin the event concerns.
 */
#ifndef CLUSTERSIM_SCHED_H
#define CLUSTERSIM_SCHED_H

#include <stdint.h>
#include "cluster.h"
#include "scenario.h"

/* Cluster changes that may make pending pods schedulable. */
enum sched_event {
	SCHED_EV_NODE_ADD,    /* a node joined (or became Ready: use NODE_UPDATE) */
	SCHED_EV_NODE_UPDATE, /* Ready, taints, cordon or allocatable changed */
	SCHED_EV_NODE_DELETE,
	SCHED_EV_POD_ADD,     /* a pod got bound by someone else than this scheduler */
	SCHED_EV_POD_DELETE,  /* a bound pod was deleted (after cluster_pod_delete) */
};

/* One decision's scores, for the `scores` table. */
struct sched_decision {
	const struct pod *pod;
	double t;                        /* s */
	int nnodes;                      /* nodes scored (the feasible ones found) */
	struct node *const *nodes;
	/* Per plugin, normalised and not yet weighted; NULL when the plugin
	 * did not run (weight 0, PreScore Skip, or a single feasible node,
	 * which kube picks without scoring). */
	const int64_t *score[PLUGIN_NSCORE];
	const int64_t *total;            /* sum of weight x score per node */
	int chosen;                      /* index into nodes */
};

struct sched_opts {
	struct scheduler_cfg cfg;        /* strategy, weights, default_spread */
	int res_weight_cpu, res_weight_mem; /* NodeResourcesFit resource weights: 1, 1 */
	int hard_pod_affinity_weight;    /* InterPodAffinity: 1 (0 disables) */
	double initial_backoff;          /* s: 1 */
	double max_backoff;              /* s: 10 */
	double max_in_unschedulable;     /* s: 300; <= 0: no pool, every failed
	                                  * pod retries when its backoff ends */
	int percentage_of_nodes_to_score; /* 0: adaptive (kube default); 1..100 */
	/* Uniform integer in [0, n); NULL picks the first best node. */
	uint64_t (*rand_below)(void *ctx, uint64_t n);
	void *rand_ctx;
	/* Called for every decision with >= 1 feasible node when not NULL. */
	void (*on_scores)(void *ctx, const struct sched_decision *d);
	void *scores_ctx;
};

/* kube-scheduler's defaults (pkg/scheduler/apis/config/v1/defaults.go). */
void sched_opts_default(struct sched_opts *o);
const char *sched_plugin_name(enum score_plugin p);

struct sched_result {
	struct pod *pod;
	struct node *node;     /* NULL: unschedulable */
	/* "Successfully assigned default/<pod> to <node>" or kube's FitError
	 * text; valid until the next call into the scheduler. */
	const char *message;
	int attempts;          /* scheduling attempts of this pod so far */
	int evaluated;         /* nodes run through the filters */
	int feasible;          /* of which passed */
};

typedef void (*sched_result_fn)(void *ctx, const struct sched_result *r);

enum sched_queue { SQ_NONE, SQ_ACTIVE, SQ_BACKOFF, SQ_UNSCHEDULABLE };

struct sched_state;
struct sched_cycle;

struct sched {
	struct cluster *c;
	struct sched_opts o;
	struct sched_state *st;  /* per pod id */
	int nst, cap_st;
	int *active, nactive, cap_active;     /* heap of pod ids */
	int *backoff, nbackoff, cap_backoff;  /* heap of pod ids */
	int pool_head, pool_tail, npool;      /* unschedulable pods, oldest first */
	int npool_rejected[8];   /* pool pods rejected by each filter plugin */
	uint64_t seq;
	int next_start;          /* nextStartNodeIndex */
	struct sched_cycle *cy;  /* scratch of one attempt */
	char *msg;               /* last result's message */
	size_t msg_cap;
};

void sched_init(struct sched *s, struct cluster *c, const struct sched_opts *o);
void sched_release(struct sched *s);

/* A new pending pod enters activeQ at t. */
void sched_enqueue(struct sched *s, struct pod *p, double t);
/* A pending pod was deleted: drop it from whichever queue holds it. */
void sched_dequeue(struct sched *s, struct pod *p);
/* After the cluster changed; p is the pod of pod events, else NULL. */
void sched_cluster_changed(struct sched *s, enum sched_event ev, const struct pod *p, double t);

/*
 * Moves pods whose backoff or pool wait ended by t, then pops activeQ's
 * head and runs one attempt: 1 and *r filled, or 0 when activeQ is empty.
 */
int sched_schedule_one(struct sched *s, double t, struct sched_result *r);
/* Attempts until activeQ is empty; fn (may be NULL) gets each result.
 * Returns the number of attempts. Pods failing now wait >= 1 s, so this
 * terminates. */
int sched_schedule_all(struct sched *s, double t, sched_result_fn fn, void *ctx);
/* Earliest time a waiting pod moves to activeQ; INFINITY when none. */
double sched_next_backoff_time(const struct sched *s);

int sched_pending(const struct sched *s); /* pods in any queue */
int sched_active(const struct sched *s);  /* pods in activeQ */
enum sched_queue sched_queue_of(const struct sched *s, const struct pod *p);

/*
 * The DaemonSet controller's nodeShouldRunDaemonPod: the workload's
 * node_selector and required node affinity match n, and it tolerates
 * every NoSchedule / NoExecute taint of n, counting the tolerations the
 * controller adds to daemon pods (node.kubernetes.io/unschedulable,
 * memory-, disk- and pid-pressure NoSchedule; not-ready and unreachable
 * NoExecute). O(#labels x #terms + #taints x #tolerations).
 */
int sched_daemon_should_run(const struct workload *w, const struct node *n);

/* ---- single plugins, for tests and tools --------------------------------- */

/* Filter status codes, as kube's framework.Code. */
enum { SCHED_OK = 0, SCHED_UNSCHEDULABLE = 1, SCHED_UNRESOLVABLE = 2 };

/*
 * Runs PreFilter and all filters of p against node n (no binding);
 * returns a status code and, when not OK, writes the first failing
 * plugin's reasons ("Insufficient cpu, Too many pods" style) into buf.
 */
int sched_filter_node(struct sched *s, struct pod *p, struct node *n, char *buf, size_t len);
/*
 * Runs one score plugin (PreScore, Score, NormalizeScore) for p over the
 * given nodes, as if they were the feasible ones; out gets the normalised
 * scores. Returns 0 when the plugin skips the pod (out untouched).
 */
int sched_score_nodes(struct sched *s, struct pod *p, enum score_plugin pl,
		      struct node *const *nodes, int n, int64_t *out);

#endif
