/*
 * results.c -- a run's output rows, held in memory until the store writes
 * them (see results.h).
 *
 * Rows live in growable arrays (doubling, amortised O(1) per append).
 * Strings live in the results' arena and die with it. Names that repeat in
 * millions of sample rows are interned in an open-addressing hash set with
 * linear probing, kept at most half full, so a lookup is O(1) expected and
 * a sample row stores three pointers instead of three string copies.
 *
 * Fresh rows are zeroed, except fields whose absence the schema expresses
 * as NULL (times that never happened, credits of non-burstable nodes,
 * percentiles with no request): those start as NAN, so a caller that never
 * sets them writes NULL rather than a false 0.
 */
#include "results.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct name_slot {
	uint64_t hash;
	const char *name; /* NULL: empty slot */
};

struct name_table {
	struct name_slot *slots;
	size_t cap; /* power of two */
	size_t n;
};

static void names_grow(struct name_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct name_slot *ns = xcalloc(ncap, sizeof(*ns));
	size_t i;

	for (i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->slots[i].name)
			continue;
		j = t->slots[i].hash & (ncap - 1);
		while (ns[j].name)
			j = (j + 1) & (ncap - 1);
		ns[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
}

const char *results_name(struct results *r, const char *s)
{
	struct name_table *t = r->names;
	uint64_t h;
	size_t j;

	if (!s)
		return NULL;
	if (2 * (t->n + 1) > t->cap)
		names_grow(t);
	/* FNV-1a's low bits are weak for short similar names; mix them. */
	h = mix64(hash_str64(s));
	j = h & (t->cap - 1);
	while (t->slots[j].name) {
		if (t->slots[j].hash == h && strcmp(t->slots[j].name, s) == 0)
			return t->slots[j].name;
		j = (j + 1) & (t->cap - 1);
	}
	t->slots[j].hash = h;
	t->slots[j].name = arena_strdup(&r->arena, s);
	t->n++;
	return t->slots[j].name;
}

struct results_sync {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t published[RES_NSTREAM];
	int over;
};

/* A streamed table moves only under the lock: the writer may be copying
 * published rows out of it. Rows past the published count are the run's
 * alone, so filling them needs no lock. */
#define GROW_STREAMED(r, ptr, n, cap)                               \
	do {                                                        \
		if ((size_t)(n) >= (size_t)(cap)) {                 \
			if ((r)->sync)                              \
				pthread_mutex_lock(&(r)->sync->mu); \
			GROW(ptr, n, cap);                          \
			if ((r)->sync)                              \
				pthread_mutex_unlock(&(r)->sync->mu); \
		}                                                   \
	} while (0)

void results_init(struct results *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
	r->names = xcalloc(1, sizeof(*r->names));
	r->run.params = "{}";
}

void results_release(struct results *r)
{
	if (r->names)
		free(r->names->slots);
	free(r->names);
	free(r->nodes);
	free(r->pods);
	free(r->events);
	free(r->node_samples);
	free(r->pod_samples);
	free(r->service_samples);
	free(r->scores);
	if (r->sync) {
		pthread_mutex_destroy(&r->sync->mu);
		pthread_cond_destroy(&r->sync->cv);
		free(r->sync);
	}
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

struct res_node *results_add_node(struct results *r)
{
	struct res_node *n;

	GROW(r->nodes, r->n_nodes, r->cap_nodes);
	n = memset(&r->nodes[r->n_nodes++], 0, sizeof(*n));
	n->created_t = n->ready_t = n->deleted_t = NAN;
	return n;
}

struct res_pod *results_add_pod(struct results *r)
{
	struct res_pod *p;

	GROW(r->pods, r->n_pods, r->cap_pods);
	p = memset(&r->pods[r->n_pods++], 0, sizeof(*p));
	p->created_t = p->scheduled_t = p->ready_t = p->deleted_t = NAN;
	return p;
}

void results_event(struct results *r, double t, const char *kind, const char *object,
		   const char *node, const char *fmt, ...)
{
	struct res_event *ev;
	va_list ap;
	int n;
	char *msg;

	assert(kind);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = arena_alloc(&r->arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);

	GROW_STREAMED(r, r->events, r->n_events, r->cap_events);
	ev = &r->events[r->n_events++];
	ev->t = t;
	ev->kind = kind;
	/* Interning is idempotent, so callers may pass any string here. */
	ev->object = results_name(r, object);
	ev->node = results_name(r, node);
	ev->message = msg;
}

struct res_node_sample *results_add_node_samples(struct results *r, size_t n)
{
	struct res_node_sample *s;

	if (n == 0)
		return NULL;
	GROW_STREAMED(r, r->node_samples, r->n_node_samples + n - 1, r->cap_node_samples);
	s = memset(&r->node_samples[r->n_node_samples], 0, n * sizeof(*s));
	r->n_node_samples += n;
	for (size_t i = 0; i < n; i++)
		s[i].credits = NAN;
	return s;
}

struct res_node_sample *results_add_node_sample(struct results *r)
{
	return results_add_node_samples(r, 1);
}

struct res_pod_sample *results_add_pod_sample(struct results *r)
{
	GROW_STREAMED(r, r->pod_samples, r->n_pod_samples, r->cap_pod_samples);
	return memset(&r->pod_samples[r->n_pod_samples++], 0, sizeof(*r->pod_samples));
}

struct res_service_sample *results_add_service_sample(struct results *r)
{
	struct res_service_sample *s;

	GROW_STREAMED(r, r->service_samples, r->n_service_samples, r->cap_service_samples);
	s = memset(&r->service_samples[r->n_service_samples++], 0, sizeof(*s));
	s->p50_ms = s->p95_ms = s->p99_ms = NAN;
	return s;
}

struct res_score *results_add_score(struct results *r)
{
	GROW_STREAMED(r, r->scores, r->n_scores, r->cap_scores);
	return memset(&r->scores[r->n_scores++], 0, sizeof(*r->scores));
}

/* ---- streaming --------------------------------------------------------- */

void results_sync_start(struct results *r)
{
	assert(!r->sync);
	r->sync = xcalloc(1, sizeof(*r->sync));
	pthread_mutex_init(&r->sync->mu, NULL);
	pthread_cond_init(&r->sync->cv, NULL);
}

static void counts(const struct results *r, size_t n[RES_NSTREAM])
{
	n[RES_EVENTS] = r->n_events;
	n[RES_NODE_SAMPLES] = r->n_node_samples;
	n[RES_POD_SAMPLES] = r->n_pod_samples;
	n[RES_SERVICE_SAMPLES] = r->n_service_samples;
	n[RES_SCORES] = r->n_scores;
}

static void publish(struct results *r, int over)
{
	struct results_sync *y = r->sync;

	if (!y)
		return;
	pthread_mutex_lock(&y->mu);
	counts(r, y->published);
	y->over |= over;
	pthread_cond_signal(&y->cv);
	pthread_mutex_unlock(&y->mu);
}

void results_publish(struct results *r)
{
	publish(r, 0);
}

void results_sync_end(struct results *r)
{
	publish(r, 1);
}

static int news(const struct results_sync *y, const size_t done[RES_NSTREAM])
{
	for (int t = 0; t < RES_NSTREAM; t++)
		if (y->published[t] > done[t])
			return 1;
	return 0;
}

int results_sync_wait(struct results *r, const size_t done[RES_NSTREAM],
		      size_t pub[RES_NSTREAM])
{
	struct results_sync *y = r->sync;
	int over;

	pthread_mutex_lock(&y->mu);
	while (!y->over && !news(y, done))
		pthread_cond_wait(&y->cv, &y->mu);
	memcpy(pub, y->published, sizeof(y->published));
	over = y->over;
	pthread_mutex_unlock(&y->mu);
	return over;
}

static const size_t stream_row_size[RES_NSTREAM] = {
	sizeof(struct res_event), sizeof(struct res_node_sample), sizeof(struct res_pod_sample),
	sizeof(struct res_service_sample), sizeof(struct res_score),
};

size_t results_stream_row_size(enum res_stream t)
{
	return stream_row_size[t];
}

size_t results_sync_copy(struct results *r, enum res_stream t, size_t from, size_t n, void *buf)
{
	const void *rows[RES_NSTREAM];

	pthread_mutex_lock(&r->sync->mu);
	assert(from + n <= r->sync->published[t]);
	rows[RES_EVENTS] = r->events;
	rows[RES_NODE_SAMPLES] = r->node_samples;
	rows[RES_POD_SAMPLES] = r->pod_samples;
	rows[RES_SERVICE_SAMPLES] = r->service_samples;
	rows[RES_SCORES] = r->scores;
	memcpy(buf, (const char *)rows[t] + from * stream_row_size[t], n * stream_row_size[t]);
	pthread_mutex_unlock(&r->sync->mu);
	return stream_row_size[t];
}
