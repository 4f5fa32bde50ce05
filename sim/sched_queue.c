/*
 * sched_queue.c -- the scheduling queue: activeQ and backoffQ as binary
 * heaps of pod ids (O(log n) push, pop and removal: each pod stores its
 * heap index) and the unschedulable pool as a doubly linked list in the
 * order pods failed (O(1) add and removal; its head waited longest, which
 * is what the 5-minute flush needs). See sched.h for the rules.
 */
#include "sched_impl.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(F_N <= (int)(sizeof(((struct sched *)0)->npool_rejected) / sizeof(int)),
	       "npool_rejected too small");

struct sched_state *sched_st(struct sched *s, const struct pod *p)
{
	while (p->id >= s->nst) {
		GROW(s->st, s->nst, s->cap_st);
		memset(&s->st[s->nst], 0, sizeof(s->st[0]));
		s->st[s->nst].prev = s->st[s->nst].next = -1;
		s->nst++;
	}
	return &s->st[p->id];
}

void sched_queue_release(struct sched *s)
{
	free(s->st);
	free(s->active);
	free(s->backoff);
}

/* ---- heaps ------------------------------------------------------------- */

/* activeQ order (queuesort.PrioritySort): higher priority, then earlier
 * timestamp, then insertion order. */
static int active_less(const struct sched *s, int a, int b)
{
	const struct sched_state *x = &s->st[a], *y = &s->st[b];
	int pa = s->c->pod_by_id[a]->wl->priority, pb = s->c->pod_by_id[b]->wl->priority;

	if (pa != pb)
		return pa > pb;
	if (x->ts != y->ts)
		return x->ts < y->ts;
	return x->seq < y->seq;
}

static int backoff_less(const struct sched *s, int a, int b)
{
	const struct sched_state *x = &s->st[a], *y = &s->st[b];

	if (x->expiry != y->expiry)
		return x->expiry < y->expiry;
	return x->seq < y->seq;
}

struct heap {
	int **v;
	int *n, *cap;
	int (*less)(const struct sched *, int, int);
};

static struct heap heap_of(struct sched *s, int queue)
{
	if (queue == SQ_ACTIVE)
		return (struct heap){&s->active, &s->nactive, &s->cap_active, active_less};
	return (struct heap){&s->backoff, &s->nbackoff, &s->cap_backoff, backoff_less};
}

static void heap_set(struct sched *s, struct heap *h, int i, int id)
{
	(*h->v)[i] = id;
	s->st[id].hpos = i;
}

static void sift_up(struct sched *s, struct heap *h, int i)
{
	int id = (*h->v)[i];
	while (i > 0) {
		int parent = (i - 1) / 2;
		if (!h->less(s, id, (*h->v)[parent]))
			break;
		heap_set(s, h, i, (*h->v)[parent]);
		i = parent;
	}
	heap_set(s, h, i, id);
}

static void sift_down(struct sched *s, struct heap *h, int i)
{
	int id = (*h->v)[i], n = *h->n;
	for (;;) {
		int l = 2 * i + 1, m = l;
		if (l >= n)
			break;
		if (l + 1 < n && h->less(s, (*h->v)[l + 1], (*h->v)[l]))
			m = l + 1;
		if (!h->less(s, (*h->v)[m], id))
			break;
		heap_set(s, h, i, (*h->v)[m]);
		i = m;
	}
	heap_set(s, h, i, id);
}

static void heap_push(struct sched *s, int queue, int id)
{
	struct heap h = heap_of(s, queue);

	GROW(*h.v, *h.n, *h.cap);
	s->st[id].queue = queue;
	s->st[id].seq = ++s->seq;
	(*h.v)[(*h.n)++] = id;
	sift_up(s, &h, *h.n - 1);
}

static void heap_remove(struct sched *s, int id)
{
	struct heap h = heap_of(s, s->st[id].queue);
	int i = s->st[id].hpos, last = (*h.v)[--(*h.n)];

	s->st[id].queue = SQ_NONE;
	if (i == *h.n)
		return;
	heap_set(s, &h, i, last);
	sift_up(s, &h, i);
	sift_down(s, &h, s->st[last].hpos);
}

/* ---- unschedulable pool --------------------------------------------------- */

static void pool_add(struct sched *s, int id)
{
	struct sched_state *x = &s->st[id];

	x->queue = SQ_UNSCHEDULABLE;
	x->prev = s->pool_tail;
	x->next = -1;
	if (s->pool_tail >= 0)
		s->st[s->pool_tail].next = id;
	else
		s->pool_head = id;
	s->pool_tail = id;
	s->npool++;
	for (int f = 0; f < F_N; f++)
		s->npool_rejected[f] += (x->rejectors >> f) & 1;
}

static void pool_remove(struct sched *s, int id)
{
	struct sched_state *x = &s->st[id];

	if (x->prev >= 0)
		s->st[x->prev].next = x->next;
	else
		s->pool_head = x->next;
	if (x->next >= 0)
		s->st[x->next].prev = x->prev;
	else
		s->pool_tail = x->prev;
	x->prev = x->next = -1;
	x->queue = SQ_NONE;
	s->npool--;
	for (int f = 0; f < F_N; f++)
		s->npool_rejected[f] -= (x->rejectors >> f) & 1;
}

/* ---- moves ---------------------------------------------------------------- */

void sched_push_active(struct sched *s, int id)
{
	heap_push(s, SQ_ACTIVE, id);
}

int sched_pop_active(struct sched *s)
{
	int id;

	if (s->nactive == 0)
		return -1;
	id = s->active[0];
	heap_remove(s, id);
	return id;
}

/* calculateBackoffDuration: initial doubled per further attempt, capped. */
static double backoff_duration(const struct sched *s, int attempts)
{
	double d = s->o.initial_backoff;
	for (int i = 1; i < attempts; i++) {
		if (d > s->o.max_backoff - d)
			return s->o.max_backoff;
		d += d;
	}
	return d;
}

/* A pod leaving the pool: backoffQ while backing off, else activeQ. */
static void requeue(struct sched *s, int id, double t)
{
	if (s->st[id].expiry > t)
		heap_push(s, SQ_BACKOFF, id);
	else
		heap_push(s, SQ_ACTIVE, id);
}

void sched_requeue_failed(struct sched *s, struct pod *p, unsigned rejectors, double t)
{
	struct sched_state *x = sched_st(s, p);

	x->ts = t;
	x->expiry = t + backoff_duration(s, x->attempts);
	x->rejectors = rejectors;
	/* No plugin to wait for (e.g. no nodes at all), or no pool wanted:
	 * retry after the backoff. */
	if (rejectors == 0 || s->o.max_in_unschedulable <= 0)
		requeue(s, p->id, t);
	else
		pool_add(s, p->id);
}

void sched_flush(struct sched *s, double t)
{
	/* flushUnschedulablePodsLeftover */
	while (s->pool_head >= 0 && t - s->st[s->pool_head].ts >= s->o.max_in_unschedulable) {
		int id = s->pool_head;
		pool_remove(s, id);
		requeue(s, id, t);
	}
	/* flushBackoffQCompleted */
	while (s->nbackoff > 0 && s->st[s->backoff[0]].expiry <= t) {
		int id = s->backoff[0];
		heap_remove(s, id);
		heap_push(s, SQ_ACTIVE, id);
	}
}

/* The event's pod is selected by one of the pool pod's spread constraints. */
static int spread_related(const struct sched *s, const struct cluster_wl *wi, const struct pod *ev)
{
	for (int i = 0; i < wi->nspread; i++)
		if (cluster_class_has(s->c, wi->spread[i].cls, ev->workload))
			return 1;
	return 0;
}

/* A pod event may change an InterPodAffinity verdict: the event's pod
 * matches one of the pool pod's required terms, or has a required
 * anti-affinity term matching the pool pod. */
static int interpod_related(const struct sched *s, const struct cluster_wl *wi,
			    const struct pod *ev, int ev_kind)
{
	for (int i = 0; i < wi->naff_req; i++)
		if (cluster_class_has(s->c, wi->aff_req[i].cls, ev->workload))
			return 1;
	if (ev_kind != SCHED_EV_POD_DELETE)
		return 0;
	for (int i = 0; i < wi->nanti_req; i++)
		if (cluster_class_has(s->c, wi->anti_req[i].cls, ev->workload))
			return 1;
	for (int i = 0; i < wi->nexisting_anti; i++)
		if (wi->existing_anti[i].cls == ev->workload)
			return 1;
	return 0;
}

static int worth_requeuing(const struct sched *s, int id, unsigned plugins, const struct pod *ev,
			   int ev_kind)
{
	const struct sched_state *x = &s->st[id];
	const struct cluster_wl *wi = &s->c->wi[s->c->pod_by_id[id]->workload];
	unsigned hit = x->rejectors & plugins;

	if (x->rejectors == 0)
		return 1;
	if (!hit)
		return 0;
	if (!ev)
		return 1;
	/* Pod events: the queueing hints' cheap part. */
	if ((hit & (1u << F_NODE_RESOURCES_FIT)) && ev_kind == SCHED_EV_POD_DELETE)
		return 1;
	if ((hit & (1u << F_POD_TOPOLOGY_SPREAD)) && spread_related(s, wi, ev))
		return 1;
	if ((hit & (1u << F_INTER_POD_AFFINITY)) && interpod_related(s, wi, ev, ev_kind))
		return 1;
	return 0;
}

void sched_move_pool(struct sched *s, unsigned plugins, const struct pod *ev, int ev_kind,
		     double t)
{
	int id = s->pool_head, any = 0;

	/* Most events concern no waiting pod (every bind is an event): skip
	 * the walk unless a pool pod was rejected by an interested plugin. */
	for (int f = 0; f < F_N; f++)
		any |= ((plugins >> f) & 1) && s->npool_rejected[f] > 0;
	if (!any)
		return;

	while (id >= 0) {
		int next = s->st[id].next;
		if (worth_requeuing(s, id, plugins, ev, ev_kind)) {
			pool_remove(s, id);
			requeue(s, id, t);
		}
		id = next;
	}
}

/* ---- public queue functions ----------------------------------------------- */

void sched_enqueue(struct sched *s, struct pod *p, double t)
{
	struct sched_state *x = sched_st(s, p);

	assert(x->queue == SQ_NONE && p->phase == POD_PENDING);
	x->ts = t;
	x->expiry = t;
	x->attempts = 0;
	x->rejectors = 0;
	heap_push(s, SQ_ACTIVE, p->id);
}

void sched_dequeue(struct sched *s, struct pod *p)
{
	struct sched_state *x;

	if (p->id >= s->nst)
		return;
	x = &s->st[p->id];
	if (x->queue == SQ_UNSCHEDULABLE)
		pool_remove(s, p->id);
	else if (x->queue != SQ_NONE)
		heap_remove(s, p->id);
}

double sched_next_backoff_time(const struct sched *s)
{
	double t = INFINITY;

	if (s->nbackoff > 0)
		t = s->st[s->backoff[0]].expiry;
	if (s->pool_head >= 0 && s->st[s->pool_head].ts + s->o.max_in_unschedulable < t)
		t = s->st[s->pool_head].ts + s->o.max_in_unschedulable;
	return t;
}

int sched_pending(const struct sched *s)
{
	return s->nactive + s->nbackoff + s->npool;
}

int sched_active(const struct sched *s)
{
	return s->nactive;
}

enum sched_queue sched_queue_of(const struct sched *s, const struct pod *p)
{
	return p->id < s->nst ? (enum sched_queue)s->st[p->id].queue : SQ_NONE;
}
