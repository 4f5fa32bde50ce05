/*
 * memory.c -- memory use of containers and nodes, the exact moments it
 * crosses a container's limit or the node's memory, and the kernel OOM
 * killer's choice. See memory.h for the model.
 *
 * Each running container has one lazy timer at or before the moment it
 * exceeds its limit, each node one at or before the moment its pods
 * exceed its memory; a timer that fires early (requests left meanwhile)
 * re-arms at the new crossing. The kill itself is kubelet.c's.
 */
#include "sim.h"

#include <math.h>
#include <stdio.h>

#include "units.h"

#define MEBI (1024.0 * 1024.0) /* bytes, for messages */

/* ---- the model ------------------------------------------------------- */

double memory_usage(const struct memory_profile *m, uint32_t n, double age)
{
	return (double)m->base + (double)m->per_inflight * (double)n +
	       (double)m->growth_per_hour * age / 3600.0;
}

double memory_crossing_age(const struct memory_profile *m, uint32_t n, int64_t limit)
{
	int64_t fixed = m->base + m->per_inflight * (int64_t)n;

	if (limit <= 0)
		return INFINITY;
	if (fixed > limit)
		return 0.0;
	if (m->growth_per_hour <= 0)
		return INFINITY;
	return (double)(limit - fixed) * 3600.0 / (double)m->growth_per_hour;
}

int memory_oom_score_adj(enum qos_class q, int critical, int64_t request, int64_t capacity)
{
	int64_t adj;

	if (critical || q == QOS_GUARANTEED)
		return MEMORY_OOM_ADJ_GUARANTEED;
	if (q == QOS_BEST_EFFORT)
		return MEMORY_OOM_ADJ_BEST_EFFORT;
	/* Integer division as in Go's int64 arithmetic. */
	adj = 1000 - (1000 * (request > 0 ? request : 0)) / capacity;
	if (adj < 1000 + MEMORY_OOM_ADJ_GUARANTEED)
		return 1000 + MEMORY_OOM_ADJ_GUARANTEED;
	if (adj == MEMORY_OOM_ADJ_BEST_EFFORT)
		return MEMORY_OOM_ADJ_BEST_EFFORT - 1;
	return (int)adj;
}

double memory_oom_badness(double usage, int adj, double total)
{
	return usage + (double)adj * total / 1000.0;
}

int64_t memory_node_system(const struct instance_type *t)
{
	int64_t sys = t->reserved_memory - MEMORY_EVICTION_HARD;
	return sys > 0 ? sys : 0;
}

int64_t memory_node_oom_level(const struct instance_type *t)
{
	return t->memory - memory_node_system(t);
}

int64_t memory_node_evict_level(const struct instance_type *t)
{
	return memory_node_oom_level(t) - MEMORY_EVICTION_HARD;
}

double memory_node_usage(const struct memory_node *m, double t)
{
	return (double)m->fixed + ((double)m->growth * t - m->growth_t0) / 3600.0;
}

/* ---- container limits ------------------------------------------------ */

static double pod_cross_t(const struct sim_pod *sp)
{
	const struct pod *p = sp->p;
	return sp->run_t + memory_crossing_age(&p->wl->mem, sp->mem.inflight, p->lim_mem);
}

static void on_pod_timer(void *ctx, void *obj, uint64_t arg);

/* Keeps the pod's timer at or before its crossing (none past the end). */
static void pod_arm(struct sim *s, struct sim_pod *sp)
{
	struct memory_pod *m = &sp->mem;
	double t = pod_cross_t(sp);

	if (!(t <= s->end))
		return;
	if (t < s->eng.now)
		t = s->eng.now;
	if (!m->ev) {
		m->ev = engine_at(&s->eng, t, on_pod_timer, sp, 0);
		m->ev_t = t;
	} else if (t < m->ev_t) {
		m->ev = engine_reschedule(&s->eng, m->ev, t);
		m->ev_t = t;
	}
}

static void on_pod_timer(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	struct sim_pod *sp = obj;
	const struct pod *p = sp->p;
	char lim[32], msg[256];
	(void)arg;

	sp->mem.ev = 0;
	if (!sp->mem.counted)
		return;
	if (pod_cross_t(sp) > s->eng.now) {
		pod_arm(s, sp);
		return;
	}
	units_fmt_memory(lim, sizeof(lim), p->lim_mem);
	snprintf(msg, sizeof(msg),
		 "Container %s OOM-killed at its memory limit %s (%.1fMi in use, %u requests "
		 "in the pod)",
		 p->wl->name, lim, kubelet_pod_memory(s, sp) / MEBI, sp->mem.inflight);
	kubelet_container_oom(s, sp, msg);
}

/* ---- the node -------------------------------------------------------- */

/* Recomputes the node's sums from its running containers: exact, so
 * nothing drifts however many containers come and go. */
static void node_recompute(struct sim_node *sn)
{
	struct memory_node *m = &sn->mem;
	const struct node *n = sn->n;

	m->fixed = m->growth = 0;
	m->growth_t0 = 0.0;
	for (int i = 0; i < n->npods; i++) {
		const struct sim_pod *sp = sim_pod_of(n->pods[i]);
		const struct memory_profile *mp = &sp->p->wl->mem;
		if (!sp->mem.counted)
			continue;
		m->fixed += mp->base + mp->per_inflight * (int64_t)sp->mem.inflight;
		m->growth += mp->growth_per_hour;
		m->growth_t0 += (double)mp->growth_per_hour * sp->run_t;
	}
	m->quiet_fixed = m->growth > 0 ? INT64_MIN : memory_node_evict_level(n->type);
}

/* When the node's pods exceed level bytes: -INFINITY when they already
 * do with no growth, INFINITY when they never will. */
static double node_cross_t(const struct sim_node *sn, int64_t level)
{
	const struct memory_node *m = &sn->mem;

	if (m->growth <= 0)
		return m->fixed > level ? -INFINITY : INFINITY;
	return ((double)(level - m->fixed) * 3600.0 + m->growth_t0) / (double)m->growth;
}

static void on_node_timer(void *ctx, void *obj, uint64_t arg);

/* Keeps the node's timer at or before its next crossing: of the eviction
 * level while not above it, else of the machine's level. */
static void node_arm(struct sim *s, struct sim_node *sn)
{
	struct memory_node *m = &sn->mem;
	const struct instance_type *type = sn->n->type;
	double now = s->eng.now, t = node_cross_t(sn, memory_node_evict_level(type));

	if (t <= now)
		t = node_cross_t(sn, memory_node_oom_level(type));
	if (!(t <= s->end))
		return;
	if (t < now)
		t = now;
	if (!m->ev) {
		m->ev = engine_at(&s->eng, t, on_node_timer, sn, 0);
		m->ev_t = t;
	} else if (t < m->ev_t) {
		m->ev = engine_reschedule(&s->eng, m->ev, t);
		m->ev_t = t;
	}
}

/* The pods' memory went up: tell the eviction manager when they are above
 * its level, and watch the next crossing. */
static void node_rose(struct sim *s, struct sim_node *sn)
{
	if (node_cross_t(sn, memory_node_evict_level(sn->n->type)) <= s->eng.now)
		eviction_pressure(s, sn);
	node_arm(s, sn);
}

/* The kernel's choice: the highest oom_badness among the node's running
 * containers (ties: the oldest pod). */
static struct sim_pod *oom_victim(struct sim *s, struct sim_node *sn, int *adj_out)
{
	const struct node *n = sn->n;
	struct sim_pod *best = NULL;
	double best_b = -INFINITY, total = (double)n->type->memory;

	for (int i = 0; i < n->npods; i++) {
		struct sim_pod *sp = sim_pod_of(n->pods[i]);
		int adj;
		double b;
		if (!sp->mem.counted)
			continue;
		adj = memory_oom_score_adj(sp->p->qos, kubelet_pod_critical(sp), sp->p->mem_req0,
					   n->type->memory);
		b = memory_oom_badness(kubelet_pod_memory(s, sp), adj, total);
		if (!best || b > best_b || (b == best_b && sp->p->id < best->p->id)) {
			best = sp;
			best_b = b;
			*adj_out = adj;
		}
	}
	return best;
}

static void kernel_oom(struct sim *s, struct sim_node *sn)
{
	int64_t level = memory_node_oom_level(sn->n->type);

	while (node_cross_t(sn, level) <= s->eng.now) {
		char cap[32], msg[256];
		int adj = 0;
		struct sim_pod *v = oom_victim(s, sn, &adj);
		if (!v)
			break;
		units_fmt_memory(cap, sizeof(cap), level);
		snprintf(msg, sizeof(msg),
			 "Node out of memory (pods use %.1fMi of %s): the kernel killed container "
			 "%s (oom_score_adj %d)",
			 memory_node_usage(&sn->mem, s->eng.now) / MEBI, cap, v->p->wl->name, adj);
		kubelet_container_oom(s, v, msg);
	}
}

static void on_node_timer(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	struct sim_node *sn = obj;
	(void)arg;

	sn->mem.ev = 0;
	if (sn->n->removed)
		return;
	kernel_oom(s, sn);
	node_rose(s, sn);
}

void memory_node_rearm(struct sim *s, struct sim_node *sn)
{
	node_arm(s, sn);
}

/* ---- hooks ----------------------------------------------------------- */

void memory_container_started(struct sim *s, struct sim_pod *sp)
{
	struct sim_node *sn = sim_node_of(sp->p->node);
	const struct memory_profile *mp = &sp->p->wl->mem;
	struct memory_pod *m = &sp->mem;

	m->counted = 1;
	m->inflight = sp->srv.inflight;
	m->node = &sn->mem;
	m->per_inflight = mp->per_inflight;
	/* pod_arm has nothing to do while base + per_inflight x n <= limit */
	if (mp->growth_per_hour > 0)
		m->quiet_max = -1;
	else if (sp->p->lim_mem <= 0 || mp->per_inflight == 0)
		m->quiet_max = INT64_MAX;
	else if (sp->p->lim_mem < mp->base)
		m->quiet_max = -1;
	else
		m->quiet_max = (sp->p->lim_mem - mp->base) / mp->per_inflight;
	node_recompute(sn);
	pod_arm(s, sp);
	node_rose(s, sn);
}

void memory_container_stopped(struct sim *s, struct sim_pod *sp)
{
	if (!sp->mem.counted)
		return;
	sp->mem.counted = 0;
	sp->mem.inflight = 0;
	if (sp->mem.ev)
		engine_cancel(&s->eng, sp->mem.ev);
	sp->mem.ev = 0;
	node_recompute(sim_node_of(sp->p->node));
}

void memory_request_admitted(struct sim *s, struct sim_pod *sp)
{
	struct memory_pod *m = &sp->mem;

	if (!m->counted)
		return;
	m->inflight++;
	if (m->per_inflight == 0)
		return;
	m->node->fixed += m->per_inflight;
	if ((int64_t)m->inflight > m->quiet_max)
		pod_arm(s, sp);
	if (m->node->fixed > m->node->quiet_fixed)
		node_rose(s, sim_node_of(sp->p->node));
}

void memory_request_left(struct sim *s, struct sim_pod *sp)
{
	struct memory_pod *m = &sp->mem;
	(void)s;

	if (!m->counted || m->inflight == 0)
		return;
	m->inflight--;
	m->node->fixed -= m->per_inflight;
}
