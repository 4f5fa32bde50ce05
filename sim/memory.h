/*
 * memory.h -- the memory a container uses, the moment it crosses a limit,
 * and the kubelet's and the kernel's rules for a node short of memory.
 *
 * A running container uses (scenario `memory:`)
 *     u(t) = base + per_inflight x n + growth_per_hour x (t - start) / 3600
 * bytes, n = requests in its pod (queued or served), start = the start of
 * this container (a restart starts the leak over). Between two changes of
 * n, u is linear in t, so the moment it exceeds a level is computed, not
 * sampled:
 *   - the container's memory limit: the cgroup OOM kill (OOMKilled);
 *   - the node's eviction level (below): the kubelet's eviction manager
 *     (eviction.c) is told, and looks at its next 10-s synchronize;
 *   - the node's memory (below): the kernel OOM killer picks a victim by
 *     oom_badness.
 *
 * The node. Reserved memory (scenario `reserved.memory`, EKS default
 * (11 x max_pods + 255) Mi of kube-reserved + the 100Mi hard eviction
 * threshold) is what allocatable leaves out. The system daemons are
 * taken to use all of it but the eviction threshold:
 *     system = max(0, reserved - MEMORY_EVICTION_HARD)
 * so with pods using P bytes the kubelet sees
 *     memory.available = capacity - system - P
 * and memory.available < 100Mi  <=>  P > capacity - system - 100Mi, which
 * is P > allocatable for every reserve of at least 100Mi: the node is
 * under memory pressure exactly when its pods use more than allocatable.
 * The node is out of memory (kernel OOM killer) when P > capacity -
 * system (the machine's memory, also the kubepods cgroup limit the kubelet
 * sets with enforce-node-allocatable=pods).
 *
 * Deferred kills: a crossing found while a request is admitted (an
 * arrival) is not acted on inside that call; the pod's (or node's) timer
 * is moved to now and the kill happens in its own event at the same
 * instant, after the events already due then. The timer re-evaluates when
 * it fires, so a timer at or before the true crossing is enough (lazy, as
 * serve.c's timeout timer): requests leaving only delay a crossing and
 * need no event; arrivals move it earlier. A kill happens when the
 * computed crossing time is <= now (at the crossing usage equals the
 * level and exceeds it right after). The node's timer watches the
 * eviction level while the pods are at or below it, the machine's level
 * once they are above.
 *
 * Cost: admitting or leaving a request O(1) (plus an O(log n) engine
 * reschedule when a crossing moves earlier); a container start or stop
 * O(pods on the node), which recomputes the node's sums exactly so no
 * rounding accumulates; a kernel OOM kill O(pods on the node).
 */
#ifndef CLUSTERSIM_MEMORY_H
#define CLUSTERSIM_MEMORY_H

#include <stdint.h>

#include "engine.h"
#include "scenario.h"

/* Hard eviction threshold memory.available<100Mi
 * (pkg/kubelet/eviction/defaults_linux.go; EKS nodeadm keeps it). */
#define MEMORY_EVICTION_HARD (100LL * 1024 * 1024) /* bytes */

/* oom_score_adj values of pkg/kubelet/qos/policy.go (reference §7.3). */
#define MEMORY_OOM_ADJ_GUARANTEED (-997)
#define MEMORY_OOM_ADJ_BEST_EFFORT 1000

/* Per container: its share of the node's sums and its OOM timer. */
struct memory_pod {
	int counted;         /* running: included in the node's sums */
	uint32_t inflight;   /* requests the sums include for it */
	/* Copied when the container starts, so that a request's admission
	 * touches this structure and the node's sums only. */
	struct memory_node *node; /* its node's sums */
	int64_t per_inflight;     /* bytes, the profile's */
	int64_t quiet_max;        /* up to this many requests the limit cannot be
				   * crossed (no growth): no timer to move; -1: check */
	event_id ev;         /* lazy limit-crossing timer, 0 when none */
	double ev_t;         /* s, its time */
};

/* Per node: what its running containers use, as a line in t. */
struct memory_node {
	int64_t fixed;       /* bytes: sum of base + per_inflight x n */
	int64_t growth;      /* bytes per hour: sum of growth_per_hour */
	double growth_t0;    /* bytes/h x s: sum of growth_per_hour x start */
	int64_t quiet_fixed; /* bytes: up to this `fixed` (no growth) no level is
			      * crossed, nothing to check; INT64_MIN: check */
	event_id ev;         /* lazy crossing timer, 0 when none */
	double ev_t;         /* s, its time */
	event_id sync_ev;    /* the eviction manager's next synchronize */
	double sync_phase;   /* s: its synchronizes fall on sync_phase + k x 10 s */
};

/* Bytes a container of profile m uses with n requests in it, age s after
 * its start. */
double memory_usage(const struct memory_profile *m, uint32_t n, double age);
/*
 * The age (s after start) from which that container uses more than limit
 * bytes with n requests in it: 0 when base + per_inflight x n is already
 * above, the point where the leak reaches the limit when it grows,
 * INFINITY when it never does (or limit < 0: none).
 */
double memory_crossing_age(const struct memory_profile *m, uint32_t n, int64_t limit);
/*
 * oom_score_adj of a container (pkg/kubelet/qos/policy.go): node-critical
 * or Guaranteed -997, BestEffort 1000, Burstable
 * 1000 - 1000 x request / capacity clamped to [3, 999] (request in bytes,
 * absent = 0; capacity = the node's memory).
 */
int memory_oom_score_adj(enum qos_class q, int critical, int64_t request, int64_t capacity);
/* The kernel's oom_badness (mm/oom_kill.c) in bytes: usage + adj x
 * total / 1000; the highest is killed first. */
double memory_oom_badness(double usage, int adj, double total);

/* Bytes the node's system daemons use (see above). */
int64_t memory_node_system(const struct instance_type *t);
/* Pod memory above which the node is out of memory: capacity - system. */
int64_t memory_node_oom_level(const struct instance_type *t);
/* Pod memory above which memory.available < MEMORY_EVICTION_HARD. */
int64_t memory_node_evict_level(const struct instance_type *t);
/* Pod memory on the node at time t from its sums (bytes). */
double memory_node_usage(const struct memory_node *m, double t);

#endif
