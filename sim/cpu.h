/*
 * cpu.h -- exact, event-driven sharing of one node's CPU among its pods.
 *
 * The model (fluid, no time step):
 *
 *   A node has `capacity` cores (its vCPUs, or fewer while a burstable node
 *   is held to its baseline) of per-core `speed` s (1.0 = reference).
 *   Each pod is a group (its cgroup) with
 *     shares w  cpu.shares from the CPU request (cpu_shares_from_milli),
 *     limit L   CFS quota in cores (INFINITY: none),
 *     idle I    cores the pod burns with no requests (GC, probes, ...).
 *   Jobs (requests) run inside a group; one job uses at most one core.
 *
 *   Idle and jobs combine as processor sharing: the idle load behaves like
 *   I extra "virtual jobs", so a group with n jobs wants
 *       D = min(n + I, L) cores
 *   and its allocation A is split evenly over the n + I job-equivalents:
 *       per-job cores r = A / (n + I) <= 1,  idle uses r * I.
 *   (One job, I = 0.25, L = 1: D = 1, the job gets 0.8 core, idle 0.2.)
 *
 *   When sum D <= capacity every group gets its demand. Otherwise CPU is
 *   split by weighted max-min fairness (water-filling) with weights w:
 *   A_g = min(D_g, w_g * level), with the level such that sum A = capacity.
 *   A job needing W CPU-seconds at speed 1.0 progresses at r * s.
 *
 * What is simplified against Linux: CFS quota is a fluid cap (no 100 ms
 * throttling bursts); cgroup v1 shares are the weights (cgroup v2's
 * 1..10000 weight mapping changes the ratios slightly, reference §7.4);
 * pods are flat siblings (kubelet's QoS cgroups give Burstable pods the sum
 * of their shares, which the flat model reproduces, but put all BestEffort
 * pods under one weight of 2, where here each has 2); load balancing across
 * cores is perfect.
 *
 * Implementation: each group keeps a virtual clock V, the CPU-seconds at
 * speed 1.0 done by each of its jobs since the group was last empty; V
 * advances at r * s. A job started at V with work W gets the finish tag
 * V + W and sits in the group's min-heap of tags (ties: start order). Each
 * group's clock is brought to now lazily, when the group itself changes or
 * its rate does, and the group knows the absolute time its earliest job
 * ends at its current rate. The node keeps the finite ones (groups with
 * jobs) in a small indexed heap (ties: slot index; after a re-split the
 * earliest is found by a scan
 * and the heap rebuilt only when the fast path needs it) and ONE pending
 * engine event at its minimum.
 *
 * Cost: job start, finish and abort are O(log n) heap work in the group
 * (n = its jobs). While the node is uncontended (sum of demands within the
 * capacity) before and after a change, a group's allocation is its demand,
 * which no other group's change affects: only the changed group is
 * advanced and re-timed, O(log G) in the node's heap (G = groups on the
 * node). The sum of demands is kept exactly, in integer nanocores, so the
 * contention test never drifts. When the node is or becomes contended,
 * every group is advanced and the CPU re-split: O(G), water-filling
 * re-sorting its kept order by insertion (plus the groups the change
 * moves past). Nothing ever walks the jobs in flight.
 *
 * Ownership: the caller owns nodes, groups and jobs (embed struct cpu_job
 * in your request). A node references its groups, a group its jobs, until
 * they are removed / finished / aborted.
 *
 * Re-entrancy: the done callback may start and abort jobs and change groups
 * on any node; changes to the node being completed are applied once when
 * the callback returns. cpu_node_begin / cpu_node_end give callers the same
 * batching (e.g. failing many requests at once).
 */
#ifndef CLUSTERSIM_CPU_H
#define CLUSTERSIM_CPU_H

#include <stdint.h>

#include "engine.h"

struct cpu_node;
struct cpu_group;
struct cpu_job;

/* A job finished: called at its completion time, after the job has left its
 * group (the caller may reuse or free it). */
typedef void (*cpu_done_fn)(void *ctx, struct cpu_job *job);
/* The node's total usage changed to `used` cores at `now` (credits watch it). */
typedef void (*cpu_usage_fn)(void *ctx, double now, double used);

struct cpu_job {
	double tag;              /* CPU-s: group virtual clock at which it ends */
	uint64_t seq;            /* start order, the tie-breaker */
	struct cpu_group *group; /* NULL when not running */
	uint32_t pos;            /* index in the group's heap */
};

struct cpu_heap_ent {
	double tag; /* CPU-s */
	uint64_t seq;
	struct cpu_job *job;
};

/* A group's configuration (what kubelet writes into the pod's cgroup). */
struct cpu_share {
	double shares; /* cpu.shares weight, >= 2 */
	double limit;  /* cores; INFINITY when the pod has no CPU limit */
	double idle;   /* cores used with no requests, >= 0 */
};

/* A group's state that a change to it and the node's re-split read, in the
 * group itself: on the uncontended fast path only the changed group is
 * touched, and it is next to what its owner reads on the same request
 * (the node reaches it through groups[g->index]). */
struct cpu_slot {
	struct cpu_group *g;
	double jobs;    /* the group's njobs */
	double want;    /* jobs + g->sh.idle */
	int64_t idle_q, limit_q; /* g->sh.idle and limit in nanocores (limit_q
				  * INT64_MAX: none) */
	double min_tag; /* CPU-s, the earliest finish tag; INFINITY with no jobs */
	double vclock;  /* CPU-s per job since the group was last empty, at t0 */
	double demand;  /* cores, D */
	double alloc;   /* cores, A (jobs and idle) */
	double per_job; /* cores per job, r */
	double used;    /* CPU-s (cores x s) integrated up to t0 */
	double t0;      /* s: vclock and used are current as of t0 */
	double t_done;  /* s: when the job of min_tag ends at the current rate */
	int64_t dq;     /* D in nanocores, the node's exact sum's term */
	const void *min_job; /* the job of min_tag, NULL with none (a hint) */
	uint32_t dirty; /* changed inside a batch, in node->dirty0 / dirty_more */
	uint32_t hpos;  /* its position in node->heap, or UINT32_MAX when it has no
			 * job to finish (not in it). In the slot, not in an array
			 * of the node's: each change reads it, and the slot is in
			 * lines the request fetched already */
};

enum { CPU_GROUP_INLINE = 2 }; /* heap entries kept in the group itself */

/* What a job's start and end read comes first: the group's fields, its
 * share, then its slot (the slot reads the share through g). */
struct cpu_group {
	struct cpu_node *node; /* NULL when not on a node */
	struct cpu_heap_ent *heap; /* min-heap on (tag, seq) */
	uint32_t njobs, cap;
	uint32_t index;        /* position in node->groups */
	cpu_done_fn on_done;
	void *ctx;
	const void *node_heap; /* node->heap while on a node: a cache hint can
				* fetch it without first reading the node */
	struct cpu_share sh;
	struct cpu_slot s;     /* while on a node */
	double used;           /* CPU-s used, while not on a node (on a node: its slot) */
	const void *warm;      /* the owner's hot lines (3), fetched ahead of one of
				* its jobs' completion; NULL: none (cpu_group_warm) */
	/* The heap's first entries, in the group itself: a group mostly runs
	 * one or two jobs, and a separate array was a miss at each start. The
	 * heap moves to an allocation when it outgrows them (so a group must
	 * not be copied while it has jobs). */
	struct cpu_heap_ent inl[CPU_GROUP_INLINE];
};

/* An entry of a node's heap of completion times: a copy of the slot's
 * t_done, so that sifting reads the heap array only. */
struct cpu_done {
	double t;              /* s */
	struct cpu_slot *sl;   /* the slot (not read through node->groups: a miss) */
	uint32_t slot;         /* the group's index in node->groups */
	uint32_t stamp;        /* node->updates when placed: its slot is in the cache */
};

struct cpu_node {
	struct engine *eng;
	double capacity;   /* cores */
	double speed;      /* per-core speed relative to 1.0 */
	struct cpu_group **groups;
	uint32_t *order;          /* every slot index, by level as of the last water-filling */
	struct cpu_done *heap;    /* min-heap on (t_done, slot index), keys inline */
	/* Slots changed inside the current batch: the first in the node itself
	 * (usually the only one: its line is fetched anyway), more in dirty_more. */
	struct cpu_slot *dirty0;
	struct cpu_slot **dirty_more;
	uint32_t ngroups, cap, ndirty;
	uint32_t nheap;    /* entries in heap: the groups whose t_done is finite */
	int64_t dsum;      /* nanocores: sum of the groups' demands, exact */
	int contended;     /* the last split was water-filling */
	int full;          /* the next update must re-split every group */
	int heap_stale;    /* the last update re-split: `top` holds the earliest */
	struct cpu_done top;
	uint32_t updates;  /* updates applied, for cpu_done.stamp */
	double t_last;     /* s: `used` is current as of this time */
	double alloc;      /* cores used now (sum of A) */
	double used;       /* CPU-s integrated up to t_last */
	event_id ev;       /* the next completion, 0 when none */
	double ev_t;       /* s, its time */
	/* What the next completion will read, noted when it is scheduled so
	 * that the engine's hint can fetch it ahead (engine_warm). */
	const void *hint_slot, *hint_job, *hint_owner, *hint_heap;
	const void *warm;  /* the owner's line to fetch ahead of any completion */
	uint64_t seq;
	int batch;         /* > 0: inside a callback or begin/end */
	int dirty;         /* a change is waiting for the end of the batch */
	cpu_usage_fn watch;
	void *watch_ctx;
	uint64_t heap_moves; /* diagnostic: heap entries moved, ever */
};

/* Kubernetes' MilliCPUToShares (reference §7.4): milli*1024/1000 clamped to
 * [2, 262144]; 0 or absent (< 0) -> 2. */
double cpu_shares_from_milli(int64_t milli);
/* Kubernetes' MilliCPUToQuota over the 100 ms period as cores: milli/1000,
 * at least 1 ms per period (0.01 core); 0 or absent (< 0) -> INFINITY. */
double cpu_limit_from_milli(int64_t milli);

void cpu_node_init(struct cpu_node *n, struct engine *eng, double capacity, double speed);
/* Cancels the pending completion. Groups must have been removed. */
void cpu_node_release(struct cpu_node *n);
/* Capacity (cores, >= 0) from now on, e.g. a burstable node's baseline cap. */
void cpu_node_set_capacity(struct cpu_node *n, double capacity);
/* One watcher of the node's usage (NULL to stop); called after each change
 * of the total, never from inside a batch. */
void cpu_node_watch(struct cpu_node *n, cpu_usage_fn fn, void *ctx);
void cpu_node_begin(struct cpu_node *n);
void cpu_node_end(struct cpu_node *n);
/* Cores in use now, and CPU-s (core-seconds) used since init, up to now. */
double cpu_node_used(const struct cpu_node *n);
double cpu_node_cpu_seconds(const struct cpu_node *n, double now);

/* Adds group g (caller-owned; zeroed, or removed from a node before) to node
 * n; fn(ctx, job) is called for each finished job. */
void cpu_group_add(struct cpu_node *n, struct cpu_group *g, const struct cpu_share *sh,
		   cpu_done_fn fn, void *ctx);
/* A line to fetch before any job of the node ends (what the done callbacks
 * of all its groups read, e.g. the node's memory sums). A hint only. */
void cpu_node_warm(struct cpu_node *n, const void *p);
/* Memory to fetch (three cache lines from p) before one of g's jobs ends:
 * the structure the done callback reads first. A hint only. */
void cpu_group_warm(struct cpu_group *g, const void *p);
/* Changes shares / limit / idle from now on (in-place resize, HPA, restarts). */
void cpu_group_set(struct cpu_group *g, const struct cpu_share *sh);
/* Removes g from its node; it must have no jobs (abort them first). */
void cpu_group_remove(struct cpu_group *g);
/* Frees the group's heap; the group must not be on a node. */
void cpu_group_release(struct cpu_group *g);
/* Cores the group uses now (jobs and idle), CPU-s used up to now. */
double cpu_group_used(const struct cpu_group *g);
double cpu_group_cpu_seconds(const struct cpu_group *g, double now);

/* Starts job j (not running) in g needing `work` CPU-s at speed 1.0 (>= 0). */
void cpu_job_start(struct cpu_group *g, struct cpu_job *j, double work);
/* Stops a running job without calling done. O(log n) + re-split. */
void cpu_job_abort(struct cpu_job *j);
/* CPU-s at speed 1.0 still needed by a running job, as of now. */
double cpu_job_remaining(const struct cpu_job *j, double now);

#endif
