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
#include <string.h>

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

	if (!g->heap) {
		g->heap = g->inl;
		g->cap = CPU_GROUP_INLINE;
	} else if (g->njobs == g->cap && g->heap == g->inl) {
		g->heap = xmalloc(2 * (size_t)g->cap * sizeof(*g->heap));
		memcpy(g->heap, g->inl, sizeof(g->inl));
		g->cap *= 2;
	}
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

#define NANO 1e9 /* nanocores per core: demands are summed exactly in these */

/* Group i's slot. */
static struct cpu_slot *slot_at(const struct cpu_node *n, uint32_t i)
{
	return &n->groups[i]->s;
}

/* Cores as nanocores; INFINITY (no limit) as INT64_MAX. Millicores and CFS
 * quotas (10 us steps) are whole numbers of nanocores. */
static int64_t nanocores(double cores)
{
	return isinf(cores) ? INT64_MAX : (int64_t)llround(cores * NANO);
}

static void mark_dirty(struct cpu_node *n, struct cpu_slot *sl)
{
	if (!sl->dirty) {
		sl->dirty = 1;
		if (n->ndirty == 0)
			n->dirty0 = sl;
		else
			n->dirty_more[n->ndirty - 1] = sl;
		n->ndirty++;
	}
	n->dirty = 1;
}

/* The k-th slot changed in the current batch. */
static struct cpu_slot *dirty_at(const struct cpu_node *n, uint32_t k)
{
	return k ? n->dirty_more[k - 1] : n->dirty0;
}

/* The group's idle and limit in nanocores, for the exact sum (they change
 * rarely). */
static void slot_share(struct cpu_group *g)
{
	struct cpu_slot *sl = &g->s;

	sl->idle_q = nanocores(g->sh.idle);
	sl->limit_q = nanocores(g->sh.limit);
}

/* Copies what the node's passes read after the group's jobs or shares
 * changed, and keeps the node's exact sum of demands. */
static void slot_sync(struct cpu_group *g)
{
	struct cpu_node *n = g->node;
	struct cpu_slot *sl = &g->s;
	int64_t want_q = (int64_t)g->njobs * (int64_t)NANO + sl->idle_q;
	int64_t dq = want_q < sl->limit_q ? want_q : sl->limit_q;

	sl->jobs = (double)g->njobs;
	sl->want = sl->jobs + g->sh.idle;
	sl->min_tag = g->njobs ? g->heap[0].tag : INFINITY;
	sl->min_job = g->njobs ? g->heap[0].job : NULL;
	if (!g->njobs)
		sl->vclock = 0;
	n->dsum += dq - sl->dq;
	sl->dq = dq;
	mark_dirty(n, sl);
}

/* Brings the node's integrated CPU-seconds to now at the current total. */
static void total_advance(struct cpu_node *n)
{
	double now = n->eng->now, dt = now - n->t_last;

	assert(dt >= 0);
	if (dt <= 0)
		return;
	/* Rates are only stale inside a batch if time passed in it: a bug. */
	assert(!n->dirty);
	n->used += n->alloc * dt;
	n->t_last = now;
}

/* Brings one group's clock and CPU-seconds to now at its current rate. */
static void slot_advance(const struct cpu_node *n, struct cpu_slot *sl)
{
	double now = n->eng->now, dt = now - sl->t0;

	assert(dt >= 0);
	if (dt <= 0)
		return;
	assert(!sl->dirty);
	if (sl->jobs > 0)
		sl->vclock += sl->per_job * n->speed * dt;
	sl->used += sl->alloc * dt;
	sl->t0 = now;
}

/* Before changing g: everything it and the node integrate is current. */
static void touch(struct cpu_group *g)
{
	total_advance(g->node);
	slot_advance(g->node, &g->s);
}

/* When the group's earliest job ends at its current rate. */
static void slot_time(const struct cpu_node *n, struct cpu_slot *sl)
{
	double left;

	if (!(sl->jobs > 0) || sl->per_job <= 0) {
		sl->t_done = INFINITY;
		return;
	}
	left = sl->min_tag - sl->vclock;
	sl->t_done = sl->t0 + (left > 0 ? left : 0) / (sl->per_job * n->speed);
}

/* ---- the node's heap of completion times (ties: slot index) ------------ */

/* Only groups with a job to finish (t_done finite) are in the heap: a node
 * has about 20 groups but one or two busy at a time, so the heap is a
 * line or two instead of a walk past idle groups' INFINITY on every
 * change. A group leaving it has hpos NO_HPOS. */
#define NO_HPOS UINT32_MAX

static int done_less(struct cpu_done a, struct cpu_done b)
{
	return a.t != b.t ? a.t < b.t : a.slot < b.slot;
}

static void done_place(struct cpu_node *n, uint32_t pos, struct cpu_done e)
{
	n->heap[pos] = e;
	e.sl->hpos = pos;
}

static void done_down(struct cpu_node *n, struct cpu_done e, uint32_t pos)
{
	uint32_t m = n->nheap;

	for (;;) {
		uint32_t l = 2 * pos + 1, c;
		if (l >= m)
			break;
		c = (l + 1 < m && done_less(n->heap[l + 1], n->heap[l])) ? l + 1 : l;
		if (!done_less(n->heap[c], e))
			break;
		done_place(n, pos, n->heap[c]);
		pos = c;
	}
	done_place(n, pos, e);
}

/* Puts e at the hole pos, up or down from there. */
static void done_sift(struct cpu_node *n, uint32_t pos, struct cpu_done e)
{
	if (pos > 0 && done_less(e, n->heap[(pos - 1) / 2])) {
		do {
			done_place(n, pos, n->heap[(pos - 1) / 2]);
			pos = (pos - 1) / 2;
		} while (pos > 0 && done_less(e, n->heap[(pos - 1) / 2]));
		done_place(n, pos, e);
	} else {
		done_down(n, e, pos);
	}
}

/* A slot's t_done changed: moves its entry, enters or leaves the heap. */
static void done_fix(struct cpu_node *n, struct cpu_slot *sl)
{
	uint32_t pos = sl->hpos;
	struct cpu_done e = { sl->t_done, sl, sl->g->index, n->updates };

	if (isinf(e.t)) {
		if (pos == NO_HPOS)
			return;
		sl->hpos = NO_HPOS;
		if (pos != --n->nheap)
			done_sift(n, pos, n->heap[n->nheap]);
		return;
	}
	done_sift(n, pos == NO_HPOS ? n->nheap++ : pos, e);
}

/* Floyd's heap construction over the busy slots: O(G). */
static void done_build(struct cpu_node *n)
{
	n->nheap = 0;
	for (uint32_t i = 0; i < n->ngroups; i++) {
		struct cpu_slot *sl = slot_at(n, i);
		sl->hpos = NO_HPOS;
		if (!isinf(sl->t_done))
			done_place(n, n->nheap++, (struct cpu_done){ sl->t_done, sl, i, n->updates });
	}
	for (uint32_t i = n->nheap / 2; i-- > 0;)
		done_down(n, n->heap[i], i);
}

/* ---- re-splitting the CPU ---------------------------------------------- */

/* Slot a before slot b by level demand/shares (without division: a.D * b.w
 * vs b.D * a.w), ties by index: a total order. */
static int level_less(const struct cpu_node *n, uint32_t a, uint32_t b)
{
	const struct cpu_slot *p = slot_at(n, a), *q = slot_at(n, b);
	double x = p->demand * q->g->sh.shares, y = q->demand * p->g->sh.shares;

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
		struct cpu_slot *sl = slot_at(n, n->order[i]);
		sl->alloc = 0;
		if (sl->demand > 0)
			wsum += sl->g->sh.shares;
		else
			first = i + 1;
	}
	/* Groups whose demand is below their weighted share of what is left
	 * take their demand; the rest split the remainder by weight. */
	for (i = first; i < m; i++) {
		struct cpu_slot *sl = slot_at(n, n->order[i]);
		if (sl->demand * wsum > remaining * sl->g->sh.shares)
			break;
		sl->alloc = sl->demand;
		remaining -= sl->demand;
		wsum -= sl->g->sh.shares;
	}
	if (remaining < 0)
		remaining = 0;
	for (; i < m; i++) {
		struct cpu_slot *sl = slot_at(n, n->order[i]);
		sl->alloc = remaining * sl->g->sh.shares / wsum;
	}
}

static int over_capacity(const struct cpu_node *n)
{
	return (double)n->dsum > n->capacity * NANO;
}

/* A group's allocation while the node is not contended: its demand. */
static void slot_uncontended(struct cpu_slot *sl)
{
	sl->demand = sl->want < sl->g->sh.limit ? sl->want : sl->g->sh.limit;
	sl->alloc = sl->demand;
	sl->per_job = sl->want > 0 ? sl->alloc / sl->want : 0;
}

/* Every group to now, a fresh split, every completion time again: O(G). */
static void node_resplit(struct cpu_node *n)
{
	double total = 0;
	uint32_t i;

	for (i = 0; i < n->ngroups; i++)
		slot_advance(n, slot_at(n, i));
	n->contended = over_capacity(n);
	if (n->contended) {
		for (i = 0; i < n->ngroups; i++) {
			struct cpu_slot *sl = slot_at(n, i);
			sl->demand = sl->want < sl->g->sh.limit ? sl->want : sl->g->sh.limit;
		}
		water_fill(n);
	}
	for (i = 0; i < n->ngroups; i++) {
		struct cpu_slot *sl = slot_at(n, i);
		if (n->contended)
			sl->per_job = sl->want > 0 ? sl->alloc / sl->want : 0;
		else
			slot_uncontended(sl);
		total += sl->alloc;
		slot_time(n, sl);
		sl->dirty = 0;
	}
	n->alloc = n->contended ? total : (double)n->dsum / NANO;
	n->ndirty = 0;
	n->full = 0;
	/* The earliest by a scan; the heap is rebuilt only if the node goes
	 * back to the fast path (contended nodes re-split on every change). */
	n->top = (struct cpu_done){ INFINITY, NULL, 0, n->updates };
	for (i = 0; i < n->ngroups; i++) {
		struct cpu_slot *sl = slot_at(n, i);
		if (sl->t_done < n->top.t)
			n->top = (struct cpu_done){ sl->t_done, sl, i, n->updates };
	}
	n->heap_stale = 1;
}

/* Re-times only the groups that changed: valid while the node stays
 * uncontended, where no group's allocation depends on another's. */
static void node_retime(struct cpu_node *n)
{
	if (n->heap_stale) {
		done_build(n);
		n->heap_stale = 0;
	}
	for (uint32_t k = 0; k < n->ndirty; k++) {
		struct cpu_slot *sl = dirty_at(n, k);
		slot_uncontended(sl);
		slot_time(n, sl);
		sl->dirty = 0;
		done_fix(n, sl);
	}
	n->ndirty = 0;
	n->alloc = (double)n->dsum / NANO;
}

static void node_fire(void *ctx, void *obj, uint64_t arg);

/* The earliest completion: the heap's top, or the re-split's scan. */
static struct cpu_done node_top(const struct cpu_node *n)
{
	if (n->heap_stale)
		return n->top;
	return n->nheap ? n->heap[0] : (struct cpu_done){ INFINITY, NULL, 0, n->updates };
}

/* Moves the node's one event to the earliest completion over its groups. */
static void node_schedule(struct cpu_node *n)
{
	struct cpu_done top = n->ngroups ? node_top(n) : (struct cpu_done){ INFINITY, NULL, 0, 0 };
	double best = top.t;

	if (isinf(best)) {
		if (n->ev)
			engine_cancel(n->eng, n->ev);
		n->ev = 0;
		return;
	}
	if (n->ev && n->ev_t == best)
		return;
	/* Hints for node_warm, read only from a slot this update touched:
	 * reading another would be the very miss they are meant to avoid. */
	n->hint_slot = top.sl;
	if (top.stamp == n->updates) {
		const struct cpu_slot *sl = top.sl;
		n->hint_job = sl->min_job;
		n->hint_owner = sl->g->warm;
		n->hint_heap = sl->g->heap;
	} else {
		n->hint_job = n->hint_owner = n->hint_heap = NULL;
	}
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
	n->updates++;
	if (n->full || n->contended || over_capacity(n))
		node_resplit(n);
	else
		node_retime(n);
	node_schedule(n);
	if (n->watch && n->alloc != before)
		n->watch(n->watch_ctx, n->t_last, n->alloc);
}

PREFETCH_INLINE void prefetch3(const void *p)
{
	prefetch_span(p, 192);
}

/* engine_warm's hint for node_fire: the node, then what its next
 * completion reads (the slot, the job, the owner of the group, the heap). */
static void node_warm(const void *obj, uint64_t arg, int stage)
{
	const struct cpu_node *n = obj;

	(void)arg;
	if (stage == 1) {
		prefetch3(n);
		return;
	}
	prefetch3(n->hint_slot);
	prefetch3(n->hint_owner);
	if (n->hint_heap)
		__builtin_prefetch(n->hint_heap);
	if (n->warm)
		__builtin_prefetch(n->warm);
	if (n->hint_job) {
		__builtin_prefetch(n->hint_job);
		__builtin_prefetch((const char *)n->hint_job + 64);
	}
	__builtin_prefetch(n->heap);
}

static void node_fire(void *ctx, void *obj, uint64_t arg)
{
	struct cpu_node *n = obj;
	struct cpu_group *g;
	struct cpu_slot *sl;
	struct cpu_job *j;

	(void)ctx;
	(void)arg;
	n->ev = 0;
	sl = node_top(n).sl;
	g = sl->g;
	touch(g);
	assert(g->njobs && sl->t_done == n->eng->now);
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
	engine_warm(eng, node_fire, node_warm);
}

void cpu_node_release(struct cpu_node *n)
{
	assert(n->ngroups == 0);
	if (n->ev)
		engine_cancel(n->eng, n->ev);
	free(n->groups);
	free(n->order);
	free(n->heap);
	free(n->dirty_more);
	n->groups = NULL;
	n->order = NULL;
	n->heap = NULL;
	n->dirty_more = NULL;
	n->ev = 0;
}

void cpu_node_set_capacity(struct cpu_node *n, double capacity)
{
	assert(capacity >= 0);
	total_advance(n);
	n->capacity = capacity;
	n->full = 1;
	node_update(n);
}

void cpu_node_warm(struct cpu_node *n, const void *p)
{
	n->warm = p;
}

void cpu_node_watch(struct cpu_node *n, cpu_usage_fn fn, void *ctx)
{
	n->watch = fn;
	n->watch_ctx = ctx;
}

void cpu_node_begin(struct cpu_node *n)
{
	total_advance(n);
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
	total_advance(n);
	g->node = n;
	g->sh = *sh;
	g->on_done = fn;
	g->ctx = ctx;
	if (n->ngroups == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 8;
		n->groups = xrealloc(n->groups, n->cap * sizeof(*n->groups));
		n->order = xrealloc(n->order, n->cap * sizeof(*n->order));
		n->heap = xrealloc(n->heap, n->cap * sizeof(*n->heap));
		n->dirty_more = xrealloc(n->dirty_more, n->cap * sizeof(*n->dirty_more));
		for (uint32_t i = 0; i < n->ngroups; i++)
			n->groups[i]->node_heap = n->heap;
	}
	g->node_heap = n->heap;
	g->index = n->ngroups;
	n->order[n->ngroups] = n->ngroups;
	n->groups[n->ngroups++] = g;
	sl = &g->s;
	*sl = (struct cpu_slot){ .g = g, .used = g->used, .t0 = n->eng->now, .t_done = INFINITY,
				 .hpos = NO_HPOS };
	slot_share(g);
	slot_sync(g);
	n->full = 1;
	node_update(n);
}

void cpu_group_warm(struct cpu_group *g, const void *p)
{
	g->warm = p;
}

void cpu_group_set(struct cpu_group *g, const struct cpu_share *sh)
{
	share_check(sh);
	touch(g);
	g->sh = *sh;
	slot_share(g);
	slot_sync(g);
	node_update(g->node);
}

void cpu_group_remove(struct cpu_group *g)
{
	struct cpu_node *n = g->node;
	uint32_t at = g->index, last;

	assert(n && g->njobs == 0);
	touch(g);
	g->used = slot_at(n, at)->used;
	n->dsum -= slot_at(n, at)->dq;
	/* The last slot moves into this one: renumber it in the order. The
	 * heap is rebuilt by the re-split, which also covers what was dirty. */
	last = --n->ngroups;
	for (uint32_t i = 0, k = 0; i <= last; i++) {
		uint32_t x = n->order[i];
		if (x == at)
			continue;
		n->order[k++] = x == last ? at : x;
	}
	n->groups[at] = n->groups[last];
	n->groups[at]->index = at;
	g->node = NULL;
	for (uint32_t i = 0; i < n->ngroups; i++)
		slot_at(n, i)->dirty = 0;
	n->ndirty = 0;
	n->full = 1;
	n->dirty = 1;
	node_update(n);
}

void cpu_group_release(struct cpu_group *g)
{
	assert(!g->node);
	if (g->heap != g->inl)
		free(g->heap);
	g->heap = NULL;
	g->cap = 0;
}

double cpu_group_used(const struct cpu_group *g)
{
	return g->node ? g->s.alloc : 0.0;
}

double cpu_group_cpu_seconds(const struct cpu_group *g, double now)
{
	const struct cpu_slot *sl;

	if (!g->node)
		return g->used;
	sl = &g->s;
	return sl->used + sl->alloc * (now - sl->t0);
}

/* ---- jobs ---------------------------------------------------------------- */

void cpu_job_start(struct cpu_group *g, struct cpu_job *j, double work)
{
	struct cpu_node *n = g->node;

	assert(n && !j->group && work >= 0);
	touch(g);
	j->group = g;
	j->tag = g->s.vclock + work;
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
	touch(g);
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
	sl = &g->s;
	v = sl->vclock + sl->per_job * g->node->speed * (now - sl->t0);
	left = j->tag - v;
	return left > 0 ? left : 0;
}
