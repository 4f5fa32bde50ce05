/*
 * serve.c -- concurrency limit, FIFO queue and lazy timeouts of one pod.
 * See serve.h for the contract.
 *
 * Requests that end together (a timeout sweep, a kill) are first detached
 * from the pod (counters, cpu jobs, queue) inside one cpu batch, then the
 * queue is dispatched, and only then are the callbacks called: a request
 * submitted from a callback therefore queues behind those already waiting.
 */
#include "serve.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

#define REQ_OF(j) ((struct serve_req *)((char *)(j) - offsetof(struct serve_req, job)))

/* ---- pool ---------------------------------------------------------------- */

void serve_pool_init(struct serve_pool *p, struct engine *eng)
{
	*p = (struct serve_pool){ 0 };
	p->eng = eng;
}

void serve_pool_release(struct serve_pool *p)
{
	assert(p->in_use == 0);
	if (p->timer)
		engine_cancel(p->eng, p->timer);
	for (uint32_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	free(p->cls);
	*p = (struct serve_pool){ 0 };
}

struct serve_req *serve_req_get(struct serve_pool *p)
{
	struct serve_req *r;

	if (!p->free) {
		struct serve_req *c = xmalloc(SERVE_POOL_CHUNK * sizeof(*c));
		for (int i = SERVE_POOL_CHUNK - 1; i >= 0; i--) {
			c[i].next = p->free;
			p->free = &c[i];
		}
		GROW(p->chunks, p->nchunks, p->chunks_cap);
		p->chunks[p->nchunks++] = c;
	}
	r = p->free;
	p->free = r->next;
	memset(r, 0, sizeof(*r));
	if (++p->in_use > p->peak)
		p->peak = p->in_use;
	return r;
}

void serve_req_put(struct serve_pool *p, struct serve_req *r)
{
	assert(p->in_use > 0);
	r->pod = NULL;
	r->next = p->free;
	p->free = r;
	p->in_use--;
}

uint64_t serve_pool_capacity(const struct serve_pool *p)
{
	return (uint64_t)p->nchunks * SERVE_POOL_CHUNK;
}

/* ---- timeout lists and the pool's lazy timer ------------------------------- */

static uint32_t class_of(struct serve_pool *p, double timeout)
{
	uint32_t i;

	for (i = 0; i < p->ncls; i++)
		if (p->cls[i].timeout == timeout)
			return i;
	GROW(p->cls, p->ncls, p->cls_cap);
	p->cls[i] = (struct serve_class){ timeout, NULL, NULL };
	p->ncls++;
	return i;
}

static void list_append(struct serve_class *c, struct serve_req *r)
{
	r->next = NULL;
	r->prev = c->tail;
	if (c->tail)
		c->tail->next = r;
	else
		c->head = r;
	c->tail = r;
}

static void list_unlink(struct serve_class *c, struct serve_req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		c->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		c->tail = r->prev;
	r->prev = r->next = NULL;
}

static void on_timer(void *ctx, void *obj, uint64_t arg);

/* Makes sure the timer fires at or before t. */
static void timer_arm(struct serve_pool *p, double t)
{
	if (!p->timer) {
		p->timer = engine_at(p->eng, t, on_timer, p, 0);
		p->timer_t = t;
	} else if (t < p->timer_t) {
		p->timer = engine_reschedule(p->eng, p->timer, t);
		p->timer_t = t;
	}
}

/* ---- the queue ------------------------------------------------------------- */

static void ring_grow(struct serve *s)
{
	uint32_t cap = s->ring_cap ? 2 * s->ring_cap : 16;
	struct serve_req **ring = xmalloc(cap * sizeof(*ring));

	/* Positions are kept: a queued request's qpos stays valid. */
	for (uint64_t pos = s->ring_head; pos < s->ring_tail; pos++)
		ring[pos & (cap - 1)] = s->ring[pos & (s->ring_cap - 1)];
	free(s->ring);
	s->ring = ring;
	s->ring_cap = cap;
}

static void enqueue(struct serve *s, struct serve_req *r)
{
	if (s->ring_tail - s->ring_head == s->ring_cap)
		ring_grow(s);
	r->qpos = s->ring_tail++;
	s->ring[r->qpos & (s->ring_cap - 1)] = r;
	s->queued++;
}

/* Drops leading holes left by requests that timed out while queued. */
static void ring_trim(struct serve *s)
{
	while (s->ring_head < s->ring_tail && !s->ring[s->ring_head & (s->ring_cap - 1)])
		s->ring_head++;
}

static void unqueue(struct serve *s, struct serve_req *r)
{
	s->ring[r->qpos & (s->ring_cap - 1)] = NULL;
	s->queued--;
	ring_trim(s);
}

static void start(struct serve *s, struct serve_req *r)
{
	r->t_start = s->eng->now;
	s->serving++;
	cpu_job_start(&s->group, &r->job, r->work);
}

/* Starts waiting requests, oldest first, while there is a free slot. */
static void dispatch(struct serve *s)
{
	while (s->serving < s->concurrency && s->queued) {
		struct serve_req *r = s->ring[s->ring_head & (s->ring_cap - 1)];
		s->ring_head++;
		s->queued--;
		ring_trim(s);
		start(s, r);
	}
}

/* Takes r out of the pod (list, counters, cpu job or queue slot), no callback. */
static void detach(struct serve *s, struct serve_req *r)
{
	list_unlink(&s->pool->cls[r->cls], r);
	s->inflight--;
	if (r->t_start >= 0) {
		cpu_job_abort(&r->job);
		s->serving--;
	} else {
		unqueue(s, r);
	}
}

/* Calls fail for a chain linked by next, returning each to the pool. */
static void fail_chain(struct serve_pool *p, struct serve_req *chain, enum serve_fail why)
{
	while (chain) {
		struct serve_req *r = chain;
		struct serve *s = r->pod;
		chain = r->next;
		r->next = NULL;
		s->ops->fail(s->ctx, s, r, why);
		serve_req_put(p, r);
	}
}

/* Fails the requests past their deadline in every pod: all are detached
 * first, then their pods' queues dispatched, then the callbacks called. */
static void on_timer(void *ctx, void *obj, uint64_t arg)
{
	struct serve_pool *p = obj;
	struct serve_req *chain = NULL, **tail = &chain;
	double now = p->eng->now, next = INFINITY;
	uint32_t i;

	(void)ctx;
	(void)arg;
	p->timer = 0;
	for (i = 0; i < p->ncls; i++) {
		struct serve_req *r;
		while ((r = p->cls[i].head) && r->deadline <= now) {
			struct serve *s = r->pod;
			cpu_node_begin(s->group.node);
			detach(s, r);
			cpu_node_end(s->group.node);
			s->timeouts++;
			*tail = r;
			tail = &r->next;
		}
	}
	for (struct serve_req *r = chain; r; r = r->next) {
		struct serve *s = r->pod;
		if (s->serving < s->concurrency && s->queued) {
			cpu_node_begin(s->group.node);
			dispatch(s);
			cpu_node_end(s->group.node);
		}
	}
	for (i = 0; i < p->ncls; i++)
		if (p->cls[i].head && p->cls[i].head->deadline < next)
			next = p->cls[i].head->deadline;
	if (isfinite(next))
		timer_arm(p, next);
	fail_chain(p, chain, SERVE_TIMEOUT);
}

static void on_cpu_done(void *ctx, struct cpu_job *job)
{
	struct serve *s = ctx;
	struct serve_req *r = REQ_OF(job);

	list_unlink(&s->pool->cls[r->cls], r);
	s->serving--;
	s->inflight--;
	s->completed++;
	dispatch(s);
	s->ops->done(s->ctx, s, r);
	serve_req_put(s->pool, r);
}

/* ---- pods ------------------------------------------------------------------ */

void serve_init(struct serve *s, struct cpu_node *n, const struct cpu_share *sh,
		uint32_t concurrency, struct serve_pool *pool, const struct serve_ops *ops,
		void *ctx)
{
	assert(concurrency >= 1 && ops && ops->done && ops->fail);
	*s = (struct serve){ 0 };
	s->eng = n->eng;
	s->pool = pool;
	s->ops = ops;
	s->ctx = ctx;
	s->concurrency = concurrency;
	cpu_group_add(n, &s->group, sh, on_cpu_done, s);
	/* The callback reads the serve, then its owner: fetch from the owner
	 * on (sim_pod puts its hot fields and the serve's in three lines). */
	cpu_group_warm(&s->group, ctx);
}

void serve_release(struct serve *s)
{
	assert(s->inflight == 0);
	if (s->group.node)
		cpu_group_remove(&s->group);
	cpu_group_release(&s->group);
	free(s->ring);
	s->ring = NULL;
	s->ring_cap = 0;
}

void serve_submit(struct serve *s, struct serve_req *r, double work, double timeout)
{
	double now = s->eng->now;

	assert(!r->pod && work >= 0 && timeout > 0);
	r->pod = s;
	r->t_arrive = now;
	r->t_start = -1;
	r->work = work;
	r->deadline = now + timeout;
	r->ord = s->pool->ord++;
	r->cls = class_of(s->pool, timeout);
	list_append(&s->pool->cls[r->cls], r);
	s->inflight++;
	if (s->serving < s->concurrency)
		start(s, r);
	else
		enqueue(s, r);
	if (isfinite(r->deadline))
		timer_arm(s->pool, r->deadline);
}

static int by_ord(const void *a, const void *b)
{
	const struct serve_req *x = *(struct serve_req *const *)a, *y = *(struct serve_req *const *)b;

	return (x->ord > y->ord) - (x->ord < y->ord);
}

/* The pod's requests, served (its cpu jobs) and queued (its ring), in
 * submission order; n = s->inflight, the caller frees. */
static struct serve_req **pod_requests(struct serve *s)
{
	struct serve_req **v = xmalloc(s->inflight * sizeof(*v));
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->group.njobs; i++)
		v[n++] = REQ_OF(s->group.heap[i].job);
	for (uint64_t pos = s->ring_head; pos < s->ring_tail; pos++)
		if (s->ring[pos & (s->ring_cap - 1)])
			v[n++] = s->ring[pos & (s->ring_cap - 1)];
	assert(n == s->inflight);
	qsort(v, n, sizeof(*v), by_ord);
	return v;
}

void serve_kill(struct serve *s)
{
	struct serve_req *chain = NULL, **tail = &chain, **v;
	uint32_t n = s->inflight;

	if (!n)
		return;
	v = pod_requests(s);
	cpu_node_begin(s->group.node);
	for (uint32_t i = 0; i < n; i++) {
		detach(s, v[i]);
		*tail = v[i];
		tail = &v[i]->next;
	}
	cpu_node_end(s->group.node);
	free(v);
	assert(!s->inflight && !s->serving && !s->queued);
	s->ring_head = s->ring_tail = 0;
	s->killed += n;
	fail_chain(s->pool, chain, SERVE_KILLED);
}
