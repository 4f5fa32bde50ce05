/*
 * sim.h -- the state of one run, shared by the modules that model it.
 *
 * Owns: everything a run touches. run_exec (run.c) creates one struct sim,
 * drives its engine to the scenario's end and turns it into results; the
 * modules below each own one concept and keep their per-object state in
 * the structs here:
 *
 *   sim.c         node joins, the scheduling pass, events into results
 *   controller.c  ReplicaSets (replicas, replacements, scale-down order)
 *                 and DaemonSets (one pod per eligible node)
 *   kubelet.c     a pod's life on its node: image pull, start, readiness,
 *                 termination with grace, OOM kills and restarts with
 *                 CrashLoopBackOff (backoff.c), evictions
 *   memory.c      memory use, the exact moments it crosses a container's
 *                 limit or the node's memory, the kernel OOM killer
 *   eviction.c    the kubelet's eviction manager (memory pressure)
 *   service.c     traffic streams, endpoints, routing, request accounting
 *   metrics.c     samples every sample_interval and the run's summary
 *   hpa.c         HorizontalPodAutoscalers (hpa.h)
 *   autoscaler.c  the cluster autoscaler (autoscaler.h)
 *
 * Per-node and per-pod model state hangs off node->model / pod->model
 * (struct sim_node, struct sim_pod), allocated in the sim's arena and
 * living as long as the run (the cluster keeps deleted pods and removed
 * nodes for the results, and so do we).
 *
 * No module keeps state outside struct sim: runs execute side by side in
 * threads.
 */
#ifndef CLUSTERSIM_SIM_H
#define CLUSTERSIM_SIM_H

#include <stdint.h>

#include "backoff.h"
#include "base.h"
#include "cluster.h"
#include "cpu.h"
#include "credits.h"
#include "engine.h"
#include "helper.h"
#include "hist.h"
#include "memory.h"
#include "rate.h"
#include "results.h"
#include "rng.h"
#include "run.h"
#include "scenario.h"
#include "sched.h"
#include "serve.h"

struct sim;
struct hpa;
struct autoscaler;
struct faults;

struct sim_node {
	struct sim *sim;
	struct node *n;
	struct cpu_node cpu;
	struct credits credits;
	int burstable;          /* credits are tracked */
	double cpu_s_prev;      /* CPU-s at the previous sample */
	double t_prev;          /* s, time of cpu_s_prev */
	struct memory_node mem; /* pod memory, OOM and eviction timers */
	const char *rname;      /* its name interned in the results (metrics.c) */
};

/* Allocated on a cache line; what a request reads is in the first 344
 * bytes (six lines): sim, w, running, deleting, timer, mem's sums, then
 * srv's counters and group up to its slot (sim_pod_prefetch). What the
 * walks over all pods read besides is in the line after srv: p and the
 * sample's fields (sim_pod_prefetch_walk_lines). */
struct sim_pod {
	struct sim *sim;
	struct sim_workload *w;
	int running;            /* container up: srv is on the node's CPU */
	int deleting;           /* Killing sent: draining, then deleted */
	event_id timer;         /* next lifecycle step, 0 when none */
	struct memory_pod mem;  /* its share of the node's memory sums */
	struct serve srv;       /* the container's cgroup and request server */
	struct pod *p;
	double cpu_s_prev;      /* CPU-s at the previous sample */
	double t_prev;          /* s, time of cpu_s_prev */
	double run_t;           /* s, start of the current container */
	int ep_pos;             /* index in w->ep, -1 when not an endpoint */
	int live_pos;           /* index in w->live, -1 once deleted */
	uint64_t fail_hash;     /* last FailedScheduling message, to dedupe */
	int unschedulable;      /* PodScheduled=False, reason Unschedulable: its last
				 * scheduling attempt failed (cleared when bound) */
	const char *end_reason; /* pods.end_reason once deleted (static) */
	double exit_t;          /* s, end of the last container (FinishedAt) */
	struct backoff backoff; /* CrashLoopBackOff of its container */
};

struct sim_workload {
	const struct workload *spec;
	int index;
	int desired;            /* replicas the ReplicaSet keeps (Deployments) */
	struct sim_pod **live;  /* pods not deleted and not being deleted */
	int nlive, cap_live;
	int nunsched;           /* live pods with unschedulable set: the cluster
				 * autoscaler's scan skips workloads without */
	struct sim_pod **ep;    /* endpoints: Ready pods */
	int nep, cap_ep;
	uint64_t rr;            /* round-robin cursor */
	int rr_i;               /* rr % nep (0 with none), kept when nep changes:
				 * a 64-bit division per request was 5 % of `large` */
	struct rng rng_route;
	struct hist win;        /* ms, requests completed this sample interval */
	int64_t win_arrivals, win_completed, win_errors;
	const char *rname;      /* its name interned in the results (metrics.c) */
};

struct sim_stream {
	struct sim_pod *(*pick)(struct sim_workload *w); /* its routing policy */
	int predictable;        /* round robin: the next pods are known ahead */
	const struct traffic *tr;
	struct sim_workload *w;
	struct rng rng_arrive, rng_work;
	struct arrivals arr;
};

struct sim {
	const struct scenario *sc;
	const struct run_opts *o;
	double end;              /* s */
	struct engine eng;
	struct results *res;
	struct arena arena;      /* sim_node, sim_pod */
	struct cluster cl;
	struct sched sch;
	event_id sched_ev;       /* the pending scheduling pass, 0 when none */
	struct rng rng_tiebreak;
	struct serve_pool pool;
	struct sim_workload *wl; /* [sc->nworkloads] */
	struct sim_stream *st;   /* [sc->ntraffic] */
	struct hist lat;         /* ms, requests completed after warmup */
	struct hist win_scratch; /* empty: a window is counted into it when read */
	int64_t requests, errors; /* arriving after warmup */
	int pending;             /* pods created and not yet bound */
	int max_pending, max_nodes;
	int64_t oom_kills, evictions, restarts;
	double wall_start;       /* s, for progress */
	double progress_last;    /* s of wall time of the last progress line */
	struct hpa *hpa;         /* hpa.c; NULL without HPAs */
	struct autoscaler *ca;   /* autoscaler.c; NULL when disabled */
	struct faults *faults;   /* faults.c; NULL without faults */
	struct helper *help;     /* helper.h; NULL: walks run on this thread only */
	int tearing_down;        /* run over: callbacks only release */
	int failed;
	struct err err;
};

/* ---- sim.c ----------------------------------------------------------- */

/* Seconds of wall-clock time (monotonic). */
double sim_wall(void);
/* Adds node <group>-<index> now; Ready at once or after boot_time. */
struct node *sim_node_add(struct sim *s, int group, int index, int ready_now);
/* The index for a new node of group g: after the group's count and every
 * index used so far (removed nodes included); never reused. */
int sim_group_next_index(const struct sim *s, int g);
/* Marks a provisioned node Ready and tells the scheduler. */
void sim_node_ready(struct sim *s, struct node *n);
/* A pod is created: counts it pending and queues it for the scheduler. */
void sim_pod_created(struct sim *s, struct pod *p);
/* Asks for a scheduling pass at the current time (coalesced). */
void sim_kick_scheduler(struct sim *s);
static inline struct sim_pod *sim_pod_of(const struct pod *p)
{
	return p->model;
}
/* Sets or clears PodScheduled=False (Unschedulable), keeping the
 * workload's count of such pods among its live ones. */
static inline void sim_pod_set_unschedulable(struct sim_pod *sp, int on)
{
	on = !!on;
	if (sp->unschedulable == on)
		return;
	if (sp->live_pos >= 0)
		sp->w->nunsched += on ? 1 : -1;
	sp->unschedulable = on;
}
/* Cache hints for a request that will reach sp soon (service.c): its hot
 * lines (up to the end of its CPU group's slot), and, once those are in,
 * its node's CPU state and memory sums. Hints only: a stale pointer costs
 * a wasted fetch, never a fault. */
PREFETCH_INLINE void sim_pod_prefetch(const struct sim_pod *sp)
{
	prefetch_span(sp, offsetof(struct sim_pod, srv.group.s) + sizeof(sp->srv.group.s));
}

/* The lines of a sim_pod the walks over every pod (samples, HPA syncs)
 * read: running and w, srv's counters, its group's node, the slot's
 * integrals, p and the sample's fields; five of its nine lines. (All
 * nine at SIM_WALK_AHEAD pods ahead were more misses in flight than the
 * core tracks: the walk stalled on its first line.) */
PREFETCH_INLINE void sim_pod_prefetch_walk_lines(const struct sim_pod *sp)
{
	if (!sp)
		return;
	__builtin_prefetch(sp);
	__builtin_prefetch(&sp->srv.inflight);
	__builtin_prefetch(&sp->srv.group.node);
	__builtin_prefetch(&sp->srv.group.s.used);
	__builtin_prefetch(&sp->run_t);
}

/* Walks over every pod read a pod and its sim_pod: two dependent misses
 * each. Called at step i of a walk over sps[0..n), this fetches the
 * sim_pod SIM_WALK_AHEAD steps ahead and, through it (fetched
 * SIM_WALK_AHEAD / 2 steps ago), its struct pod. */
enum { SIM_WALK_AHEAD = 8 };

PREFETCH_INLINE void sim_pod_prefetch_walk(struct sim_pod *const *sps, int i, int n)
{
	if (i + SIM_WALK_AHEAD < n)
		sim_pod_prefetch_walk_lines(sps[i + SIM_WALK_AHEAD]);
	if (i + SIM_WALK_AHEAD / 2 < n)
		prefetch_span(sps[i + SIM_WALK_AHEAD / 2]->p, sizeof(struct pod));
}

/* The same for a walk over struct pods (a node's pods): of the pod, the
 * line of its model and ready. */
PREFETCH_INLINE void sim_pod_prefetch_walk_pods(struct pod *const *pods, int i, int n)
{
	if (i + SIM_WALK_AHEAD < n)
		__builtin_prefetch(&pods[i + SIM_WALK_AHEAD]->model);
	if (i + SIM_WALK_AHEAD / 2 < n)
		sim_pod_prefetch_walk_lines(pods[i + SIM_WALK_AHEAD / 2]->model);
}

PREFETCH_INLINE void sim_pod_prefetch_cpu(const struct sim_pod *sp)
{
	const struct cpu_group *g = &sp->srv.group;
	const struct cpu_node *n = g->node;

	if (!n || !sp->running)
		return;
	__builtin_prefetch(n);
	__builtin_prefetch((const char *)n + 64);
	__builtin_prefetch((const char *)n + 128);
	__builtin_prefetch(g->node_heap);
	__builtin_prefetch(g->heap);
	__builtin_prefetch(sp->mem.node); /* a line: memory_request_admitted's */
}

static inline struct sim_node *sim_node_of(const struct node *n)
{
	return n->model;
}

/* ---- controller.c ---------------------------------------------------- */

void controller_start(struct sim *s);
/* Sets a Deployment's replicas (HPA) and creates or deletes pods. */
void controller_scale(struct sim *s, struct sim_workload *w, int replicas);
/* A node joined: DaemonSet pods for it. */
void controller_node_added(struct sim *s, struct node *n);
/* The DaemonSet wl has a pod on node n (its taints tolerated, its node
 * selector and affinity matched); 0 for other workloads. */
int controller_daemon_runs_on(const struct workload *wl, const struct node *n);
/* A pod is gone for good (deleted, evicted): replace it if still wanted. */
void controller_pod_gone(struct sim *s, struct sim_pod *sp, int replace);

/* ---- kubelet.c ------------------------------------------------------- */

/* The scheduler bound the pod: pull the image, start, become Ready. */
void kubelet_pod_bound(struct sim *s, struct sim_pod *sp);
/* Deletes a pod gracefully (Killing): leaves the endpoints, drains its
 * requests for up to termination_grace, then is deleted. reason is the
 * pods.end_reason ("ScaledDown", "Evicted", ...). */
void kubelet_pod_delete(struct sim *s, struct sim_pod *sp, const char *reason);
/* The pod's node died: its container stops where it is (requests in it
 * fail, pending steps are cancelled); it stays bound, and an endpoint if
 * it was one, until the node controller acts. A pod already being
 * deleted is deleted now. */
void kubelet_node_down(struct sim *s, struct sim_pod *sp);
/* The pod's node is gone: deleted now, without grace (Killing with
 * reason as its end_reason unless already being deleted). */
void kubelet_pod_lost(struct sim *s, struct sim_pod *sp, const char *reason);
/* A request finished or failed in the pod (drain bookkeeping). */
void kubelet_request_left(struct sim *s, struct sim_pod *sp);
/* Memory the pod's container uses now (bytes): base + per_inflight x
 * requests in it + growth_per_hour x hours since this container started
 * (a restart starts over); 0 when no container runs. */
double kubelet_pod_memory(const struct sim *s, const struct sim_pod *sp);
/* The running container was OOM-killed (OOMKilled, with message): its
 * requests fail, the pod leaves the endpoints and its container restarts
 * in place after the CrashLoopBackOff wait. Not from a serve callback. */
void kubelet_container_oom(struct sim *s, struct sim_pod *sp, const char *message);
/* The eviction manager evicts the pod (Evicted, with message): deleted
 * with the hard-eviction grace, replaced by its Deployment. */
void kubelet_pod_evict(struct sim *s, struct sim_pod *sp, const char *message);
/* DaemonSet pods stand for node agents (aws-node, kube-proxy), which run
 * as system-node-critical: never evicted, oom_score_adj -997. */
int kubelet_pod_critical(const struct sim_pod *sp);

/* ---- memory.c -------------------------------------------------------- */

/* The pod's container started (after serve_init) or stops (before its
 * requests are failed). A start above the limit is killed at once. */
void memory_container_started(struct sim *s, struct sim_pod *sp);
void memory_container_stopped(struct sim *s, struct sim_pod *sp);
/* A request entered the pod (after serve_submit) or left it. */
void memory_request_admitted(struct sim *s, struct sim_pod *sp);
void memory_request_left(struct sim *s, struct sim_pod *sp);
/* Watch the node's next crossing again (the eviction manager found it
 * back under its level). */
void memory_node_rearm(struct sim *s, struct sim_node *sn);

/* ---- eviction.c ------------------------------------------------------ */

/* The node's pods are above the eviction level now: the eviction manager
 * synchronizes at its next tick (unless one is pending). */
void eviction_pressure(struct sim *s, struct sim_node *sn);

/* ---- service.c ------------------------------------------------------- */

void service_init(struct sim *s);
void service_start(struct sim *s);
void service_release(struct sim *s);
void service_endpoint_add(struct sim *s, struct sim_pod *sp);
void service_endpoint_remove(struct sim *s, struct sim_pod *sp);
/* The serve callbacks of every pod. */
extern const struct serve_ops service_serve_ops;
/* The share (shares, limit, idle) of a pod's cgroup. */
struct cpu_share service_pod_share(const struct pod *p);

/* ---- metrics.c ------------------------------------------------------- */

void metrics_start(struct sim *s);
/* Writes nodes, pods and summary rows at the end of the run. */
void metrics_finish(struct sim *s);

#endif
