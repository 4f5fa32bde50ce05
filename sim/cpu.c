/*
 * cpu.c -- weighted max-min CPU sharing with per-group processor sharing,
 * driven by one engine event per node. See cpu.h for the model.
 *
 * Every public operation follows the same three steps:
 *   1. advance: bring each group's virtual clock and CPU-seconds to now,
 *      using the rates in force since the last change (O(G));
 *   2. change: heap push / pop / remove in one group (O(log n)), or a new
 *      capacity or share;
 *   3. update: re-split the CPU (O(G); when contended, plus the groups the
 *      insertion sort passes), find the earliest completion over the
 *      groups' heap minima (O(G)) and move the node's one event there.
 *      Inside a batch, step 3 waits for the end.
 * Steps 1 and 3 read only the node's slot array (cpu.h struct cpu_slot);
 * a group's own structure is touched only when its jobs or shares change.
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

static struct cpu_slot *slot_of(const struct cpu_group *g)
{
	return &g->node->slot[g->index];
}

/* Copies what the node's passes read after the group's jobs changed. */
static void slot_sync(struct cpu_group *g)
{
	struct cpu_slot *sl = slot_of(g);

	sl->jobs = (double)g->njobs;
	sl->want = sl->jobs + g->sh.idle;
	sl->limit = g->sh.limit;
	sl->shares = g->sh.shares;
	sl->min_tag = g->njobs ? g->heap[0].tag : INFINITY;
	if (!g->njobs)
		sl->vclock = 0;
}

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
			struct cpu_slot *sl = &n->slot[i];
			if (sl->jobs > 0)
				sl->vclock += sl->per_job * n->speed * dt;
			sl->used += sl->alloc * dt;
		}
		n->used += n->alloc * dt;
	}
	n->t_last = now;
}

/* Slot a before slot b by level demand/shares (without division: a.D * b.w
 * vs b.D * a.w), ties by index: a total order. */
static int level_less(const struct cpu_node *n, uint32_t a, uint32_t b)
{
	double x = n->slot[a].demand * n->slot[b].shares, y = n->slot[b].demand * n->slot[a].shares;

	return x != y ? x < y : a < b;
}

/* Sorts n->order (every slot) by level. Insertion sort: the order is kept
 * from the previous split and one change moves one group, so this is O(G)
 * plus the groups it passes, instead of a fresh O(G log G) sort. The
 * comparison is a total order, so the result is the one a full sort gives. */
static void order_sort(struct cpu_node *n)
{
	uint32_t *o = n->order;

	for (uint32_t i = 1; i < n->ngroups; i++) {
		uint32_t x = o[i], j = i;
		while (j > 0 && level_less(n, x, o[j - 1])) {
			o[j] = o[j - 1];
			j--;
		}
		o[j] = x;
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
		struct cpu_slot *sl = &n->slot[n->order[i]];
		sl->alloc = 0;
		if (sl->demand > 0)
			wsum += sl->shares;
		else
			first = i + 1;
	}
	/* Groups whose demand is below their weighted share of what is left
	 * take their demand; the rest split the remainder by weight. */
	for (i = first; i < m; i++) {
		struct cpu_slot *sl = &n->slot[n->order[i]];
		if (sl->demand * wsum > remaining * sl->shares)
			break;
		sl->alloc = sl->demand;
		remaining -= sl->demand;
		wsum -= sl->shares;
	}
	if (remaining < 0)
		remaining = 0;
	for (; i < m; i++) {
		struct cpu_slot *sl = &n->slot[n->order[i]];
		sl->alloc = remaining * sl->shares / wsum;
	}
}

static void node_allocate(struct cpu_node *n)
{
	double total = 0;
	uint32_t i;

	for (i = 0; i < n->ngroups; i++) {
		struct cpu_slot *sl = &n->slot[i];
		sl->demand = sl->want < sl->limit ? sl->want : sl->limit;
		total += sl->demand;
	}
	if (total <= n->capacity) {
		for (i = 0; i < n->ngroups; i++)
			n->slot[i].alloc = n->slot[i].demand;
	} else {
		water_fill(n);
	}
	total = 0;
	for (i = 0; i < n->ngroups; i++) {
		struct cpu_slot *sl = &n->slot[i];
		sl->per_job = sl->want > 0 ? sl->alloc / sl->want : 0;
		total += sl->alloc;
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
		const struct cpu_slot *sl = &n->slot[i];
		double left, t;
		if (!(sl->jobs > 0) || sl->per_job <= 0)
			continue;
		left = sl->min_tag - sl->vclock;
		t = n->t_last + (left > 0 ? left : 0) / (sl->per_job * n->speed);
		if (t < best) {
			best = t;
			bg = sl->g;
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
	struct cpu_slot *sl;
	struct cpu_job *j;

	(void)ctx;
	(void)arg;
	n->ev = 0;
	node_advance(n);
	assert(g && g->njobs);
	sl = slot_of(g);
	j = g->heap[0].job;
	/* The event time was computed from this tag; rounding may leave the
	 * clock a hair short of it. */
	if (sl->vclock < j->tag)
		sl->vclock = j->tag;
	heap_remove(g, 0);
	j->group = NULL;
	slot_sync(g);
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
	free(n->slot);
	free(n->order);
	n->groups = NULL;
	n->slot = NULL;
	n->order = NULL;
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
	struct cpu_slot *sl;

	share_check(sh);
	assert(fn && !g->node && !g->njobs);
	node_advance(n);
	g->node = n;
	g->sh = *sh;
	g->on_done = fn;
	g->ctx = ctx;
	if (n->ngroups == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 8;
		n->groups = xrealloc(n->groups, n->cap * sizeof(*n->groups));
		n->slot = xrealloc(n->slot, n->cap * sizeof(*n->slot));
		n->order = xrealloc(n->order, n->cap * sizeof(*n->order));
	}
	g->index = n->ngroups;
	n->order[n->ngroups] = n->ngroups;
	n->groups[n->ngroups++] = g;
	sl = slot_of(g);
	*sl = (struct cpu_slot){ .g = g, .used = g->used };
	slot_sync(g);
	node_update(n);
}

void cpu_group_set(struct cpu_group *g, const struct cpu_share *sh)
{
	share_check(sh);
	node_advance(g->node);
	g->sh = *sh;
	slot_sync(g);
	node_update(g->node);
}

void cpu_group_remove(struct cpu_group *g)
{
	struct cpu_node *n = g->node;
	uint32_t at = g->index, last;

	assert(n && g->njobs == 0);
	node_advance(n);
	g->used = n->slot[at].used;
	/* The last slot moves into this one: renumber it in the order. */
	last = --n->ngroups;
	for (uint32_t i = 0, k = 0; i <= last; i++) {
		uint32_t x = n->order[i];
		if (x == at)
			continue;
		n->order[k++] = x == last ? at : x;
	}
	n->groups[at] = n->groups[last];
	n->slot[at] = n->slot[last];
	n->groups[at]->index = at;
	g->node = NULL;
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
	return g->node ? slot_of(g)->alloc : 0.0;
}

double cpu_group_cpu_seconds(const struct cpu_group *g, double now)
{
	const struct cpu_slot *sl;

	if (!g->node)
		return g->used;
	sl = slot_of(g);
	return sl->used + sl->alloc * (now - g->node->t_last);
}

/* ---- jobs ---------------------------------------------------------------- */

void cpu_job_start(struct cpu_group *g, struct cpu_job *j, double work)
{
	struct cpu_node *n = g->node;

	assert(n && !j->group && work >= 0);
	node_advance(n);
	j->group = g;
	j->tag = slot_of(g)->vclock + work;
	j->seq = n->seq++;
	heap_push(g, j);
	slot_sync(g);
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
	slot_sync(g);
	node_update(n);
}

double cpu_job_remaining(const struct cpu_job *j, double now)
{
	const struct cpu_group *g = j->group;
	const struct cpu_slot *sl;
	double v, left;

	assert(g);
	sl = slot_of(g);
	v = sl->vclock + sl->per_job * g->node->speed * (now - g->node->t_last);
	left = j->tag - v;
	return left > 0 ? left : 0;
}
