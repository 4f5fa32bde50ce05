/*
 * cpu.c -- weighted max-min CPU sharing with per-group processor sharing,
 * driven by one engine event per node. See cpu.h for the model.
 *
 * Every public operation follows the same three steps:
 *   1. advance: bring each group's virtual clock and CPU-seconds to now,
 *      using the rates in force since the last change (O(G));
 *   2. change: heap push / pop / remove in one group (O(log n)), or a new
 *      capacity or share;
 *   3. update: re-split the CPU (O(G), O(G log G) when contended), find the
 *      earliest completion over the groups' heap minima (O(G)) and move the
 *      node's one event there. Inside a batch, step 3 waits for the end.
 */
#include "cpu.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "base.h"

/* ---- Kubernetes conversions (reference §7.4) --------------------------- */

double cpu_shares_from_milli(int64_t milli)
{
	int64_t s;

	if (milli <= 0)
		return 2;
	s = milli * 1024 / 1000;
	if (s < 2)
		s = 2;
	if (s > 262144)
		s = 262144;
	return (double)s;
}

double cpu_limit_from_milli(int64_t milli)
{
	/* quota = milli * 100000 / 1000 us per 100000 us, at least 1000 us */
	int64_t quota_us;

	if (milli <= 0)
		return INFINITY;
	quota_us = milli * 100000 / 1000;
	if (quota_us < 1000)
		quota_us = 1000;
	return (double)quota_us / 100000.0;
}

/* ---- per-group heap of finish tags -------------------------------------- */

static int ent_less(const struct cpu_heap_ent *a, const struct cpu_heap_ent *b)
{
	return a->tag < b->tag || (a->tag == b->tag && a->seq < b->seq);
}

static void heap_place(struct cpu_group *g, uint32_t i, struct cpu_heap_ent x)
{
	g->heap[i] = x;
	x.job->pos = i;
}

static void heap_up(struct cpu_group *g, uint32_t i)
{
	struct cpu_heap_ent x = g->heap[i];
	uint64_t moves = 0;

	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (!ent_less(&x, &g->heap[p]))
			break;
		heap_place(g, i, g->heap[p]);
		i = p;
		moves++;
	}
	heap_place(g, i, x);
	g->node->heap_moves += moves + 1;
}

static void heap_down(struct cpu_group *g, uint32_t i)
{
	struct cpu_heap_ent x = g->heap[i];
	uint32_t n = g->njobs;
	uint64_t moves = 0;

	for (;;) {
		uint32_t l = 2 * i + 1, m;
		if (l >= n)
			break;
		m = (l + 1 < n && ent_less(&g->heap[l + 1], &g->heap[l])) ? l + 1 : l;
		if (!ent_less(&g->heap[m], &x))
			break;
		heap_place(g, i, g->heap[m]);
		i = m;
		moves++;
	}
	heap_place(g, i, x);
	g->node->heap_moves += moves + 1;
}

static void heap_push(struct cpu_group *g, struct cpu_job *j)
{
	struct cpu_heap_ent x = { j->tag, j->seq, j };

	GROW(g->heap, g->njobs, g->cap);
	g->heap[g->njobs] = x;
	j->pos = g->njobs++;
	heap_up(g, j->pos);
}

/* Removes the entry at i; O(log n). */
static void heap_remove(struct cpu_group *g, uint32_t i)
{
	struct cpu_heap_ent last;

	assert(i < g->njobs);
	last = g->heap[--g->njobs];
	if (i == g->njobs)
		return;
	heap_place(g, i, last);
	if (i > 0 && ent_less(&last, &g->heap[(i - 1) / 2]))
		heap_up(g, i);
	else
		heap_down(g, i);
}

/* ---- the fluid model --------------------------------------------------- */

/* Brings clocks and CPU-seconds to the engine's now at the current rates. */
static void node_advance(struct cpu_node *n)
{
	double now = n->eng->now, dt = now - n->t_last;

	assert(dt >= 0);
	if (dt <= 0)
		return;
	/* Rates are only stale inside a batch if time passed in it: a bug. */
	assert(!n->dirty);
	if (n->alloc > 0) {
		for (uint32_t i = 0; i < n->ngroups; i++) {
			struct cpu_group *g = n->groups[i];
			if (g->njobs)
				g->vclock += g->per_job * n->speed * dt;
			g->used += g->alloc * dt;
		}
		n->used += n->alloc * dt;
	}
	n->t_last = now;
}

static int by_level(const void *pa, const void *pb)
{
	const struct cpu_group *a = *(struct cpu_group *const *)pa;
	const struct cpu_group *b = *(struct cpu_group *const *)pb;
	/* demand/shares compared without division: a.D * b.w vs b.D * a.w */
	double x = a->demand * b->sh.shares, y = b->demand * a->sh.shares;

	if (x != y)
		return x < y ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Sorts n->order (every group) by level, demand / shares, ties by index.
 * Insertion sort: the order is kept from the previous split and one change
 * moves one group, so this is O(G) plus the groups it passes, instead of a
 * fresh O(G log G) sort. The comparison is a total order, so the result is
 * the one a full sort gives. */
static void order_sort(struct cpu_node *n)
{
	struct cpu_group **o = n->order;

	for (uint32_t i = 1; i < n->ngroups; i++) {
		struct cpu_group *g = o[i];
		uint32_t j = i;
		while (j > 0 && by_level(&g, &o[j - 1]) < 0) {
			o[j] = o[j - 1];
			j--;
		}
		o[j] = g;
	}
}

/* Weighted max-min fair split of the capacity; sum of demands > capacity. */
static void water_fill(struct cpu_node *n)
{
	double remaining = n->capacity, wsum = 0;
	uint32_t m = n->ngroups, i, first = 0;

	order_sort(n);
	/* Groups of demand 0 sort first (level 0) and get nothing. */
	for (i = 0; i < m; i++) {
		struct cpu_group *g = n->order[i];
		g->alloc = 0;
		if (g->demand > 0)
			wsum += g->sh.shares;
		else
			first = i + 1;
	}
	/* Groups whose demand is below their weighted share of what is left
	 * take their demand; the rest split the remainder by weight. */
	for (i = first; i < m; i++) {
		struct cpu_group *g = n->order[i];
		if (g->demand * wsum > remaining * g->sh.shares)
			break;
		g->alloc = g->demand;
		remaining -= g->demand;
		wsum -= g->sh.shares;
	}
	if (remaining < 0)
		remaining = 0;
	for (; i < m; i++) {
		struct cpu_group *g = n->order[i];
		g->alloc = remaining * g->sh.shares / wsum;
	}
}

static void node_allocate(struct cpu_node *n)
{
	double total = 0;
	uint32_t i;

	for (i = 0; i < n->ngroups; i++) {
		struct cpu_group *g = n->groups[i];
		double want = (double)g->njobs + g->sh.idle;
		g->demand = want < g->sh.limit ? want : g->sh.limit;
		total += g->demand;
	}
	if (total <= n->capacity) {
		for (i = 0; i < n->ngroups; i++)
			n->groups[i]->alloc = n->groups[i]->demand;
	} else {
		water_fill(n);
	}
	total = 0;
	for (i = 0; i < n->ngroups; i++) {
		struct cpu_group *g = n->groups[i];
		double want = (double)g->njobs + g->sh.idle;
		g->per_job = want > 0 ? g->alloc / want : 0;
		total += g->alloc;
	}
	n->alloc = total;
}

static void node_fire(void *ctx, void *obj, uint64_t arg);

/* Moves the node's one event to the earliest completion over its groups. */
static void node_schedule(struct cpu_node *n)
{
	double best = INFINITY;
	struct cpu_group *bg = NULL;

	for (uint32_t i = 0; i < n->ngroups; i++) {
		struct cpu_group *g = n->groups[i];
		double left, t;
		if (!g->njobs || g->per_job <= 0)
			continue;
		left = g->heap[0].tag - g->vclock;
		t = n->t_last + (left > 0 ? left : 0) / (g->per_job * n->speed);
		if (t < best) {
			best = t;
			bg = g;
		}
	}
	n->next = bg;
	if (!bg) {
		if (n->ev)
			engine_cancel(n->eng, n->ev);
		n->ev = 0;
		return;
	}
	if (n->ev && n->ev_t == best)
		return;
	if (n->ev)
		n->ev = engine_reschedule(n->eng, n->ev, best);
	else
		n->ev = engine_at(n->eng, best, node_fire, n, 0);
	n->ev_t = best;
}

/* Applies a change now, or at the end of the current batch. */
static void node_update(struct cpu_node *n)
{
	double before = n->alloc;

	if (n->batch) {
		n->dirty = 1;
		return;
	}
	n->dirty = 0;
	node_allocate(n);
	node_schedule(n);
	if (n->watch && n->alloc != before)
		n->watch(n->watch_ctx, n->t_last, n->alloc);
}

static void node_fire(void *ctx, void *obj, uint64_t arg)
{
	struct cpu_node *n = obj;
	struct cpu_group *g = n->next;
	struct cpu_job *j;

	(void)ctx;
	(void)arg;
	n->ev = 0;
	node_advance(n);
	assert(g && g->njobs);
	j = g->heap[0].job;
	/* The event time was computed from this tag; rounding may leave the
	 * clock a hair short of it. */
	if (g->vclock < j->tag)
		g->vclock = j->tag;
	heap_remove(g, 0);
	j->group = NULL;
	if (!g->njobs)
		g->vclock = 0;
	n->batch++;
	g->on_done(g->ctx, j);
	n->batch--;
	n->dirty = 1;
	if (!n->batch)
		node_update(n);
}

/* ---- nodes --------------------------------------------------------------- */

void cpu_node_init(struct cpu_node *n, struct engine *eng, double capacity, double speed)
{
	assert(capacity >= 0 && speed > 0);
	*n = (struct cpu_node){ 0 };
	n->eng = eng;
	n->capacity = capacity;
	n->speed = speed;
	n->t_last = eng->now;
}

void cpu_node_release(struct cpu_node *n)
{
	assert(n->ngroups == 0);
	if (n->ev)
		engine_cancel(n->eng, n->ev);
	free(n->groups);
	free(n->order);
	n->groups = n->order = NULL;
	n->ev = 0;
}

void cpu_node_set_capacity(struct cpu_node *n, double capacity)
{
	assert(capacity >= 0);
	node_advance(n);
	n->capacity = capacity;
	node_update(n);
}

void cpu_node_watch(struct cpu_node *n, cpu_usage_fn fn, void *ctx)
{
	n->watch = fn;
	n->watch_ctx = ctx;
}

void cpu_node_begin(struct cpu_node *n)
{
	node_advance(n);
	n->batch++;
}

void cpu_node_end(struct cpu_node *n)
{
	assert(n->batch > 0);
	if (--n->batch == 0 && n->dirty)
		node_update(n);
}

double cpu_node_used(const struct cpu_node *n)
{
	return n->alloc;
}

double cpu_node_cpu_seconds(const struct cpu_node *n, double now)
{
	return n->used + n->alloc * (now - n->t_last);
}

/* ---- groups -------------------------------------------------------------- */

static void share_check(const struct cpu_share *sh)
{
	assert(sh->shares > 0 && sh->limit > 0 && sh->idle >= 0);
	(void)sh;
}

void cpu_group_add(struct cpu_node *n, struct cpu_group *g, const struct cpu_share *sh,
		   cpu_done_fn fn, void *ctx)
{
	share_check(sh);
	assert(fn && !g->node && !g->njobs);
	node_advance(n);
	g->node = n;
	g->sh = *sh;
	g->on_done = fn;
	g->ctx = ctx;
	g->vclock = 0;
	g->alloc = g->per_job = g->demand = 0;
	if (n->ngroups == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 8;
		n->groups = xrealloc(n->groups, n->cap * sizeof(*n->groups));
		n->order = xrealloc(n->order, n->cap * sizeof(*n->order));
	}
	g->index = n->ngroups;
	n->order[n->ngroups] = g;
	n->groups[n->ngroups++] = g;
	node_update(n);
}

void cpu_group_set(struct cpu_group *g, const struct cpu_share *sh)
{
	share_check(sh);
	node_advance(g->node);
	g->sh = *sh;
	node_update(g->node);
}

void cpu_group_remove(struct cpu_group *g)
{
	struct cpu_node *n = g->node;

	assert(n && g->njobs == 0);
	node_advance(n);
	for (uint32_t i = 0, k = 0; i < n->ngroups; i++)
		if (n->order[i] != g)
			n->order[k++] = n->order[i];
	n->groups[g->index] = n->groups[--n->ngroups];
	n->groups[g->index]->index = g->index;
	g->node = NULL;
	g->alloc = g->per_job = g->demand = 0;
	node_update(n);
}

void cpu_group_release(struct cpu_group *g)
{
	assert(!g->node);
	free(g->heap);
	g->heap = NULL;
	g->cap = 0;
}

double cpu_group_used(const struct cpu_group *g)
{
	return g->alloc;
}

double cpu_group_cpu_seconds(const struct cpu_group *g, double now)
{
	if (!g->node)
		return g->used;
	return g->used + g->alloc * (now - g->node->t_last);
}

/* ---- jobs ---------------------------------------------------------------- */

void cpu_job_start(struct cpu_group *g, struct cpu_job *j, double work)
{
	struct cpu_node *n = g->node;

	assert(n && !j->group && work >= 0);
	node_advance(n);
	j->group = g;
	j->tag = g->vclock + work;
	j->seq = n->seq++;
	heap_push(g, j);
	node_update(n);
}

void cpu_job_abort(struct cpu_job *j)
{
	struct cpu_group *g = j->group;
	struct cpu_node *n;

	assert(g && g->heap[j->pos].job == j);
	n = g->node;
	node_advance(n);
	heap_remove(g, j->pos);
	j->group = NULL;
	if (!g->njobs)
		g->vclock = 0;
	node_update(n);
}

double cpu_job_remaining(const struct cpu_job *j, double now)
{
	const struct cpu_group *g = j->group;
	double v, left;

	assert(g);
	v = g->vclock + g->per_job * g->node->speed * (now - g->node->t_last);
	left = j->tag - v;
	return left > 0 ? left : 0;
}
