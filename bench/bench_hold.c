/*
 * bench_hold.c -- the classic hold model on the future-event list.
 *
 * N events are pending; each hold operation removes the earliest and
 * schedules it again at now + an exponential(1) increment, so N stays
 * fixed. Two implementations see exactly the same increments (one table,
 * drawn once from the stream "bench/hold", seed 1) and the same initial
 * times, so they perform the same sequence of operations on the same keys
 * and must end at the same clock (checked, bit for bit):
 *
 *   engine   sim/engine.c through its public API, as the simulator uses
 *            it: engine_step fires the earliest event, whose callback
 *            reschedules itself with engine_after.
 *   binheap  the textbook baseline: a binary heap of pointers to
 *            individually malloc'ed event structs, key (time, sequence),
 *            swap-based sifts.
 *
 * Each (implementation, N) runs in its own child process, so that its
 * peak RSS (getrusage via wait4) is its own: warm-up of max(N, 1e6)
 * holds, then three timed rounds of `ops` holds; the best round counts.
 * Rounds are timed in CPU time (see seconds()); "wall s" is the child's
 * whole life in wall-clock time.
 *
 * A third row, resched, times engine_reschedule (a random pending event
 * moved to now + increment) followed by engine_step: the CPU model's
 * pattern, which the baseline cannot do.
 *
 * Usage: bench_hold [ops] [N ...]     (defaults: 2e7 holds; N = 1e3 1e5 1e6)
 * Build it in Release (see bench/README.md): timings of a debug or
 * sanitizer build mean nothing.
 */
#include "engine.h"
#include "rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { INCR_BITS = 16, ROUNDS = 3 };
#define INCR_MASK ((1u << INCR_BITS) - 1)

struct result {
	double best_s;  /* s of CPU time, the fastest round */
	double wall_s;  /* s, the whole child: fill, warm-up, rounds */
	double final_t; /* the clock at the end: equal for both implementations */
	long maxrss_kib;
};

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Rounds are timed in CPU time of the (single-threaded) child: on a shared
 * machine, time spent descheduled is not the heap's. Cache and memory
 * contention from other processes still shows. */
static double seconds(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static double wall_seconds(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double *make_increments(void)
{
	double *incr = malloc(sizeof(double) << INCR_BITS);
	struct rng r;

	if (!incr)
		abort();
	rng_init(&r, 1, "bench/hold");
	for (size_t i = 0; i <= INCR_MASK; i++)
		incr[i] = rng_exponential(&r, 1.0);
	rng_release(&r);
	return incr;
}

/* ---- the engine, through its public API ---- */

struct hold_ctx {
	struct engine *e;
	const double *incr;
	size_t k;
};

static void hold_fire(void *ctx, void *obj, uint64_t arg)
{
	struct hold_ctx *c = ctx;
	engine_after(c->e, c->incr[c->k++ & INCR_MASK], hold_fire, obj, arg);
}

static void engine_rounds(size_t n, long ops, const double *incr, double *best, double *end_t)
{
	struct engine e;
	struct hold_ctx c = { &e, incr, 0 };
	long warm = n > 1000000 ? (long)n : 1000000;

	engine_init(&e);
	for (c.k = 0; c.k < n; c.k++)
		engine_at(&e, incr[c.k & INCR_MASK], hold_fire, NULL, c.k);
	for (long i = 0; i < warm; i++)
		engine_step(&e, &c);
	*best = 1e300;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = seconds(), dt;
		for (long i = 0; i < ops; i++)
			engine_step(&e, &c);
		dt = seconds() - t0;
		*best = dt < *best ? dt : *best;
	}
	*end_t = e.now;
	engine_release(&e);
}

/*
 * Reschedule, the CPU model's pattern (engine only: the baseline has no
 * indexed update): each operation moves a random pending event to
 * now + increment and fires the earliest, so N stays fixed and the clock
 * advances. Counted per reschedule + step pair.
 */
static void resched_fire(void *ctx, void *obj, uint64_t arg)
{
	struct hold_ctx *c = ctx;
	event_id *ids = obj;
	ids[arg] = engine_after(c->e, c->incr[c->k++ & INCR_MASK], resched_fire, obj, arg);
}

static void resched_rounds(size_t n, long ops, const double *incr, double *best, double *end_t)
{
	struct engine e;
	struct hold_ctx c = { &e, incr, 0 };
	event_id *ids = malloc(n * sizeof(*ids));
	uint32_t *pick = malloc(sizeof(*pick) << INCR_BITS);
	struct rng r;

	if (!ids || !pick)
		abort();
	rng_init(&r, 1, "bench/resched");
	for (size_t i = 0; i <= INCR_MASK; i++)
		pick[i] = (uint32_t)rng_below(&r, n);
	rng_release(&r);
	engine_init(&e);
	for (c.k = 0; c.k < n; c.k++)
		ids[c.k] = engine_at(&e, incr[c.k & INCR_MASK], resched_fire, ids, c.k);
	*best = 1e300;
	for (int round = -1; round < ROUNDS; round++) {
		long m = round < 0 ? 1000000 : ops;
		double t0 = seconds(), dt;
		for (long i = 0; i < m; i++) {
			size_t k = c.k++;
			engine_reschedule(&e, ids[pick[k & INCR_MASK]], e.now + incr[(k * 7) & INCR_MASK]);
			engine_step(&e, &c);
		}
		dt = seconds() - t0;
		if (round >= 0)
			*best = dt < *best ? dt : *best;
	}
	*end_t = e.now;
	engine_release(&e);
	free(pick);
	free(ids);
}

/* ---- the baseline: binary heap of pointers to events ---- */

struct bev {
	double t;
	uint64_t seq;
	void (*fn)(void *ctx, void *obj, uint64_t arg);
	void *obj;
	uint64_t arg;
};

struct bheap {
	struct bev **a;
	size_t n, cap;
	uint64_t seq;
};

static int bev_less(const struct bev *x, const struct bev *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static void bheap_push(struct bheap *h, struct bev *ev)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->a = realloc(h->a, h->cap * sizeof(*h->a));
		if (!h->a)
			abort();
	}
	ev->seq = h->seq++;
	i = h->n++;
	h->a[i] = ev;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		struct bev *tmp;
		if (!bev_less(h->a[i], h->a[p]))
			break;
		tmp = h->a[i];
		h->a[i] = h->a[p];
		h->a[p] = tmp;
		i = p;
	}
}

static struct bev *bheap_pop(struct bheap *h)
{
	struct bev *top = h->a[0];
	size_t i = 0;

	h->a[0] = h->a[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, m = l;
		struct bev *tmp;
		if (l >= h->n)
			break;
		if (l + 1 < h->n && bev_less(h->a[l + 1], h->a[l]))
			m = l + 1;
		if (!bev_less(h->a[m], h->a[i]))
			break;
		tmp = h->a[i];
		h->a[i] = h->a[m];
		h->a[m] = tmp;
		i = m;
	}
	return top;
}

static void binheap_rounds(size_t n, long ops, const double *incr, double *best, double *end_t)
{
	struct bheap h = { 0 };
	size_t k;
	double now = 0;
	long warm = n > 1000000 ? (long)n : 1000000;

	for (k = 0; k < n; k++) {
		struct bev *ev = malloc(sizeof(*ev));
		if (!ev)
			abort();
		ev->t = incr[k & INCR_MASK];
		ev->fn = NULL;
		ev->obj = NULL;
		ev->arg = k;
		bheap_push(&h, ev);
	}
	*best = 1e300;
	for (int r = -1; r < ROUNDS; r++) {
		long m = r < 0 ? warm : ops;
		double t0 = seconds(), dt;
		for (long i = 0; i < m; i++) {
			struct bev *ev = bheap_pop(&h);
			now = ev->t;
			ev->t = now + incr[k++ & INCR_MASK];
			bheap_push(&h, ev);
		}
		dt = seconds() - t0;
		if (r >= 0)
			*best = dt < *best ? dt : *best;
	}
	*end_t = now;
	while (h.n)
		free(bheap_pop(&h));
	free(h.a);
}

/* ---- driver ---- */

typedef void (*rounds_fn)(size_t n, long ops, const double *incr, double *best, double *end_t);

/* Runs one implementation in a child process; fills r. */
static int run_child(rounds_fn fn, size_t n, long ops, struct result *r)
{
	int fd[2];
	pid_t pid;
	struct rusage ru;
	int st;
	double t0 = wall_seconds();

	if (pipe(fd) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		double *incr = make_increments();
		struct result c = { 0 };
		close(fd[0]);
		fn(n, ops, incr, &c.best_s, &c.final_t);
		free(incr);
		if (write(fd[1], &c, sizeof(c)) != (ssize_t)sizeof(c))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], r, sizeof(*r)) != (ssize_t)sizeof(*r))
		return -1;
	close(fd[0]);
	if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	r->wall_s = wall_seconds() - t0;
	r->maxrss_kib = ru.ru_maxrss;
	return 0;
}

int main(int argc, char **argv)
{
	static const char *names[] = { "binheap", "engine" };
	static const rounds_fn fns[] = { binheap_rounds, engine_rounds };
	static const size_t default_n[] = { 1000, 100000, 1000000 };
	long ops = argc > 1 ? (long)atof(argv[1]) : 20000000;
	size_t nn = argc > 2 ? (size_t)(argc - 2) : 3;

	if (ops <= 0) {
		fprintf(stderr, "usage: bench_hold [ops] [N ...]\n");
		return 2;
	}
	printf("hold model: %ld holds per round, best of %d rounds (CPU time), exponential(1) "
	       "increments\n", ops, ROUNDS);
	printf("%9s  %-8s %10s %8s %9s %12s\n", "N", "impl", "Mholds/s", "ns/hold", "wall s",
	       "peak RSS MiB");
	for (size_t j = 0; j < nn; j++) {
		size_t n = argc > 2 ? (size_t)atof(argv[2 + j]) : default_n[j];
		struct result r[2];
		for (int i = 0; i < 2; i++) {
			if (n < 1 || run_child(fns[i], n, ops, &r[i]) != 0) {
				fprintf(stderr, "bench_hold: %s at N = %zu failed\n", names[i], n);
				return 1;
			}
			printf("%9zu  %-8s %10.2f %8.1f %9.2f %12.1f\n", n, names[i],
			       ops / r[i].best_s / 1e6, r[i].best_s / ops * 1e9, r[i].wall_s,
			       r[i].maxrss_kib / 1024.0);
			fflush(stdout);
		}
		if (r[0].final_t != r[1].final_t) {
			fprintf(stderr, "bench_hold: the implementations disagree at N = %zu: "
				"%.17g vs %.17g\n", n, r[0].final_t, r[1].final_t);
			return 1;
		}
		printf("%9zu  engine / binheap = %.2f x   (both end at t = %.6f)\n", n,
		       r[0].best_s / r[1].best_s, r[1].final_t);
		if (run_child(resched_rounds, n, ops, &r[0]) != 0) {
			fprintf(stderr, "bench_hold: resched at N = %zu failed\n", n);
			return 1;
		}
		printf("%9zu  %-8s %10.2f %8.1f %9.2f %12.1f   (reschedule + step)\n", n,
		       "resched", ops / r[0].best_s / 1e6, r[0].best_s / ops * 1e9, r[0].wall_s,
		       r[0].maxrss_kib / 1024.0);
	}
	return 0;
}
