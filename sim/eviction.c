/*
 * eviction.c -- the kubelet's eviction manager, for memory.
 *
 * The manager synchronizes every EVICTION_PERIOD (evictionMonitoringPeriod,
 * pkg/kubelet/kubelet.go; kernel memcg notifications are off by default):
 * when memory.available < 100Mi (memory.h: the node's pods use more than
 * memory_node_evict_level, i.e. more than allocatable) it evicts at most
 * one pod, ranked as rankMemoryPressure does (reference §7.2):
 *   1. pods whose usage exceeds their memory request first,
 *   2. then lower priority first,
 *   3. then the larger usage - request first
 * (ties: the oldest pod). Under a hard threshold the pod gets
 * immediateEvictionGracePeriodSeconds = 1 s (eviction_manager.go; older
 * kubelets and the docs say 0) instead of its termination grace, and the
 * manager waits for it to be cleaned up, polling every second
 * (podCleanupPollFreq), before it synchronizes again: here the next
 * synchronize is EVICTION_GRACE + EVICTION_CLEANUP_POLL after an eviction.
 * Critical pods (kubelet_pod_critical) are never evicted.
 *
 * Nothing polls: memory.c tells the manager the moment the pods go above
 * its level (eviction_pressure), and the manager synchronizes at the next
 * tick of its loop, sync_phase + k x EVICTION_PERIOD, the instant a
 * kubelet polling every 10 s would first see the pressure. It keeps
 * synchronizing while the pressure lasts; at the first synchronize that
 * finds none it stops and memory.c watches for the next crossing. (The
 * loop starts at 0 on every node; an eviction moves its phase.)
 *
 * Simplified: usage is read fresh at each synchronize (cAdvisor's stats
 * may be up to a housekeeping interval old); the MemoryPressure condition
 * and its node.kubernetes.io/memory-pressure:NoSchedule taint (which keep
 * BestEffort pods off the node for the 5-min transition period) are not
 * modelled, so the scheduler may place a replacement back on the node.
 *
 * Cost: one event per EVICTION_PERIOD per node under pressure, none
 * otherwise; a synchronize under pressure O(pods on the node).
 */
#include "sim.h"

#include <math.h>
#include <stdio.h>

#include "units.h"

#define EVICTION_PERIOD 10.0      /* s, evictionMonitoringPeriod */
#define EVICTION_GRACE 1.0        /* s, immediateEvictionGracePeriodSeconds */
#define EVICTION_CLEANUP_POLL 1.0 /* s, podCleanupPollFreq */

struct candidate {
	struct sim_pod *sp;
	double usage;   /* bytes */
	double request; /* bytes, 0 when absent */
};

/* Whether a is evicted before b (rankMemoryPressure). */
static int evicts_before(const struct candidate *a, const struct candidate *b)
{
	int ea = a->usage > a->request, eb = b->usage > b->request;
	int pa = a->sp->p->wl->priority, pb = b->sp->p->wl->priority;
	double da = a->usage - a->request, db = b->usage - b->request;

	if (ea != eb)
		return ea;
	if (pa != pb)
		return pa < pb;
	if (da != db)
		return da > db;
	return a->sp->p->id < b->sp->p->id;
}

static int pick(struct sim *s, struct sim_node *sn, struct candidate *out)
{
	const struct node *n = sn->n;
	int found = 0;

	for (int i = 0; i < n->npods; i++) {
		struct sim_pod *sp = sim_pod_of(n->pods[i]);
		struct candidate c;
		if (sp->deleting || kubelet_pod_critical(sp))
			continue;
		c.sp = sp;
		c.usage = kubelet_pod_memory(s, sp);
		c.request = (double)sp->p->mem_req0;
		if (!found || evicts_before(&c, out))
			*out = c;
		found = 1;
	}
	return found;
}

static void evict(struct sim *s, struct sim_node *sn, const struct candidate *c, double used)
{
	const struct instance_type *t = sn->n->type;
	double avail = (double)(t->memory - memory_node_system(t)) - used;
	char req[32], msg[320];

	units_fmt_memory(req, sizeof(req), (int64_t)c->request);
	snprintf(msg, sizeof(msg),
		 "The node was low on resource: memory. Threshold quantity: 100Mi, available: "
		 "%.0fKi. Container %s was using %.0fKi, request is %s, has larger consumption "
		 "of memory.",
		 floor(avail / 1024.0), c->sp->p->wl->name, ceil(c->usage / 1024.0), req);
	kubelet_pod_evict(s, c->sp, msg);
}

static void on_sync(void *ctx, void *obj, uint64_t arg);

static void arm(struct sim *s, struct sim_node *sn, double t)
{
	if (t <= s->end)
		sn->mem.sync_ev = engine_at(&s->eng, t, on_sync, sn, 0);
}

static void on_sync(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	struct sim_node *sn = obj;
	double now = s->eng.now, used;
	struct candidate c;
	(void)arg;

	sn->mem.sync_ev = 0;
	if (sn->n->removed)
		return;
	used = memory_node_usage(&sn->mem, now);
	if (!(used > (double)memory_node_evict_level(sn->n->type))) {
		memory_node_rearm(s, sn);
		return;
	}
	if (!pick(s, sn, &c)) {
		arm(s, sn, now + EVICTION_PERIOD); /* nothing it may evict; look again */
		return;
	}
	evict(s, sn, &c, used);
	sn->mem.sync_phase = now + EVICTION_GRACE + EVICTION_CLEANUP_POLL;
	if (!sn->mem.sync_ev)
		arm(s, sn, sn->mem.sync_phase);
}

void eviction_pressure(struct sim *s, struct sim_node *sn)
{
	double now = s->eng.now, ph = sn->mem.sync_phase;

	if (sn->mem.sync_ev)
		return;
	arm(s, sn, ph + ceil((now - ph) / EVICTION_PERIOD) * EVICTION_PERIOD);
}
