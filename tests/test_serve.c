/*
 * test_serve.c -- pods serving requests (sim/serve.c over sim/cpu.c and
 * sim/rate.c): hand-computed timeouts, kills and queue order, bounded
 * memory, and the queueing closed forms of reference §9 (M/M/1-PS and
 * M/M/c FCFS), each checked with a 95 % batch-means confidence interval.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "base.h"
#include "cpu.h"
#include "engine.h"
#include "rate.h"
#include "rng.h"
#include "serve.h"

/* ---- a small world: one node, one pod -------------------------------------- */

struct rec {
	uint32_t id;
	int failed;             /* 0 done, else 1 + enum serve_fail */
	double t, t_start;
};

struct world {
	struct engine eng;
	struct cpu_node node;
	struct serve_pool pool;
	struct serve pod;
	struct rec log[64];
	int nlog;
	/* optional re-entrant action from the done callback */
	int resubmit_on_done;
	uint32_t next_id;
	/* queueing runs */
	struct rng rng;
	struct arrivals arr;
	double mean_work;       /* CPU-s */
	int const_work;         /* 1: every request needs mean_work exactly */
	long arrivals_left;
	struct batch_means *bm;
};

static void log_end(struct world *w, struct serve_req *r, int failed)
{
	if (w->nlog < (int)ARRAY_LEN(w->log))
		w->log[w->nlog++] = (struct rec){ r->stream, failed, w->eng.now, r->t_start };
}

static void on_done(void *ctx, struct serve *s, struct serve_req *r);
static void on_fail(void *ctx, struct serve *s, struct serve_req *r, enum serve_fail why)
{
	(void)s;
	log_end(ctx, r, 1 + (int)why);
}

static const struct serve_ops log_ops = { on_done, on_fail };

static void submit(struct world *w, double work, double timeout)
{
	struct serve_req *r = serve_req_get(&w->pool);
	r->stream = w->next_id++;
	serve_submit(&w->pod, r, work, timeout);
}

static void on_done(void *ctx, struct serve *s, struct serve_req *r)
{
	struct world *w = ctx;

	(void)s;
	log_end(w, r, 0);
	if (w->resubmit_on_done) {
		w->resubmit_on_done--;
		submit(w, 1.0, INFINITY);
	}
}

static void world_init(struct world *w, double cores, const struct cpu_share *sh,
		       uint32_t concurrency, const struct serve_ops *ops)
{
	*w = (struct world){ 0 };
	engine_init(&w->eng);
	cpu_node_init(&w->node, &w->eng, cores, 1.0);
	serve_pool_init(&w->pool, &w->eng);
	serve_init(&w->pod, &w->node, sh, concurrency, &w->pool, ops, w);
}

static void world_release(struct world *w)
{
	serve_kill(&w->pod);
	serve_release(&w->pod);
	serve_pool_release(&w->pool);
	cpu_node_release(&w->node);
	engine_release(&w->eng);
}

static const struct cpu_share one_core = { 1024, 1.0, 0 };

/*
 * Concurrency 1, five requests of 1 CPU-s at t = 0, timeout 2.5 s: #0 ends
 * at 1, #1 at 2; #2 is being served at 2.5 and is cut off, #3 and #4 time
 * out in the queue. The pod used 2.5 CPU-s. One lazy timer for all five:
 * 2 completions + 1 timer event.
 */
static void test_timeout_fifo(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 2, &one_core, 1, &log_ops);
	for (int i = 0; i < 5; i++)
		submit(&w, 1.0, 2.5);
	assert_int_equal(w.pod.inflight, 5);
	assert_int_equal(w.pod.serving, 1);
	assert_int_equal(w.pod.queued, 4);
	engine_run(&w.eng, 10, NULL);
	assert_int_equal(w.nlog, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(w.log[i].id, i);
	assert_true(w.log[0].failed == 0 && fabs(w.log[0].t - 1) < 1e-12);
	assert_true(w.log[1].failed == 0 && fabs(w.log[1].t - 2) < 1e-12);
	assert_true(w.log[2].failed == 1 + SERVE_TIMEOUT && w.log[2].t == 2.5);
	assert_true(fabs(w.log[2].t_start - 2) < 1e-12);
	assert_true(w.log[3].failed == 1 + SERVE_TIMEOUT && w.log[3].t_start < 0);
	assert_true(w.log[4].failed == 1 + SERVE_TIMEOUT && w.log[4].t == 2.5);
	assert_true(fabs(cpu_group_cpu_seconds(&w.pod.group, 10) - 2.5) < 1e-12);
	assert_true(w.eng.fired == 3);
	assert_int_equal(w.pod.inflight, 0);
	assert_true(w.pod.completed == 2 && w.pod.timeouts == 3);
	world_release(&w);
}

/*
 * Two timeouts in one pod. Concurrency 1; at 0: #0 (10 CPU-s, timeout 20)
 * and #1 (2 CPU-s, timeout 11); at 0.5: #2 (1 CPU-s, timeout 2). #2 waits
 * behind #1 and times out at 2.5 from the middle of the queue; #0 ends at
 * 10; #1 starts at 10 and is cut off at its deadline 11. CPU-s: 10 + 1.
 */
static void test_timeout_classes(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 2, &one_core, 1, &log_ops);
	submit(&w, 10, 20);
	submit(&w, 2, 11);
	engine_run(&w.eng, 0.5, NULL);
	submit(&w, 1, 2);
	engine_run(&w.eng, 30, NULL);
	assert_int_equal(w.nlog, 3);
	assert_true(w.log[0].id == 2 && w.log[0].failed == 1 + SERVE_TIMEOUT);
	assert_true(w.log[0].t == 2.5 && w.log[0].t_start < 0);
	assert_true(w.log[1].id == 0 && w.log[1].failed == 0 && fabs(w.log[1].t - 10) < 1e-12);
	assert_true(w.log[2].id == 1 && w.log[2].failed == 1 + SERVE_TIMEOUT);
	assert_true(w.log[2].t == 11 && fabs(w.log[2].t_start - 10) < 1e-12);
	assert_true(fabs(cpu_group_cpu_seconds(&w.pod.group, 30) - 11) < 1e-12);
	world_release(&w);
}

/*
 * Kill (OOM): concurrency 2, five requests of 1 CPU-s at 0, kill at 0.5:
 * all five fail KILLED at 0.5, the pod used 2 x 0.5 = 1 CPU-s and nothing
 * after; the node has no pending completion. The pod then serves again.
 */
static void test_kill(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 4, &(struct cpu_share){ 2048, 2.0, 0 }, 2, &log_ops);
	for (int i = 0; i < 5; i++)
		submit(&w, 1.0, 30);
	engine_run(&w.eng, 0.5, NULL);
	serve_kill(&w.pod);
	assert_int_equal(w.nlog, 5);
	for (int i = 0; i < 5; i++)
		assert_true(w.log[i].failed == 1 + SERVE_KILLED && w.log[i].t == 0.5);
	assert_int_equal(w.pod.inflight, 0);
	assert_true(w.node.ev == 0);
	assert_true(w.pool.in_use == 0);
	submit(&w, 1.0, 30);
	engine_run(&w.eng, 10, NULL);
	assert_int_equal(w.nlog, 6);
	assert_true(w.log[5].failed == 0 && fabs(w.log[5].t - 1.5) < 1e-12);
	assert_true(fabs(cpu_group_cpu_seconds(&w.pod.group, 10) - 2) < 1e-12);
	assert_true(w.pod.killed == 5);
	world_release(&w);
}

/* A request submitted from a done callback queues behind those already
 * waiting: #0 and #1 at 0 (1 CPU-s each, concurrency 1); #0's callback
 * submits #2: order 0, 1, 2 at 1, 2, 3 s. */
static void test_reentrant_fifo(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, 1, &one_core, 1, &log_ops);
	w.resubmit_on_done = 1;
	submit(&w, 1.0, INFINITY);
	submit(&w, 1.0, INFINITY);
	engine_run(&w.eng, 10, NULL);
	assert_int_equal(w.nlog, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(w.log[i].id, i);
		assert_true(fabs(w.log[i].t - (i + 1)) < 1e-12);
	}
	assert_true(w.eng.fired == 3); /* no timer with an infinite timeout */
	world_release(&w);
}

/* ---- queueing runs ---------------------------------------------------------- */

enum { NBATCH = 30 };

/* Batch means of a per-request value, and optionally of a ratio sum(y)/sum(x). */
struct batch_means {
	long warm, per_batch, seen;
	double sum[NBATCH], sumx[NBATCH];
	double (*value)(struct world *w, struct serve_req *r, double *x);
};

/* Half-width of the 95 % CI of the grand mean from NBATCH batch values. */
static double ci95(const double *v, int n, double *mean)
{
	double m = 0, s2 = 0;

	for (int i = 0; i < n; i++)
		m += v[i];
	m /= n;
	for (int i = 0; i < n; i++)
		s2 += (v[i] - m) * (v[i] - m);
	s2 /= n - 1;
	*mean = m;
	return gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(s2 / n);
}

static void bm_add(struct world *w, struct serve_req *r)
{
	struct batch_means *bm = w->bm;
	long k = bm->seen++ - bm->warm, b;
	double x = 1, y;

	if (k < 0)
		return;
	b = k / bm->per_batch;
	if (b >= NBATCH)
		return;
	y = bm->value(w, r, &x);
	bm->sum[b] += y;
	bm->sumx[b] += x;
}

static void q_done(void *ctx, struct serve *s, struct serve_req *r)
{
	(void)s;
	bm_add(ctx, r);
}

static void q_fail(void *ctx, struct serve *s, struct serve_req *r, enum serve_fail why)
{
	(void)ctx;
	(void)s;
	(void)r;
	(void)why;
	fail_msg("no request may fail in a queueing run");
}

static const struct serve_ops q_ops = { q_done, q_fail };

static void on_arrival(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = obj;
	struct serve_req *r = serve_req_get(&w->pool);
	double work = w->const_work ? w->mean_work : rng_exponential(&w->rng, w->mean_work);
	double next;

	(void)ctx;
	(void)arg;
	serve_submit(&w->pod, r, work, INFINITY);
	if (--w->arrivals_left > 0 && isfinite(next = arrivals_next(&w->arr)))
		engine_at(&w->eng, next, on_arrival, w, 0);
}

/* Runs Poisson(lambda) arrivals of Exp(mean_work) requests to w's pod until
 * all n have left; batch statistics go to bm. */
static void run_queue(struct world *w, double lambda, double mean_work, long n,
		      struct batch_means *bm, const char *stream)
{
	static struct rate rate;

	rate = (struct rate){ .shape = RATE_CONSTANT, .rps = lambda };
	rng_init(&w->rng, 1, stream);
	arrivals_init(&w->arr, &rate, ARRIVAL_POISSON, &w->rng, 0);
	w->mean_work = mean_work;
	w->arrivals_left = n;
	w->bm = bm;
	bm->warm = n / 100;
	bm->per_batch = (n - bm->warm) / NBATCH;
	engine_at(&w->eng, arrivals_next(&w->arr), on_arrival, w, 0);
	while (engine_step(&w->eng, NULL))
		;
	rng_release(&w->rng);
	assert_int_equal(w->pod.inflight, 0);
}

static double response_time(struct world *w, struct serve_req *r, double *x)
{
	(void)x;
	return w->eng.now - r->t_arrive;
}

/*
 * M/M/1-PS (reference §9): one pod, limit 1 core (on a 2-core node, so the
 * limit is what binds), unbounded concurrency, Poisson arrivals, Exp work
 * of mean 100 ms (mu = 10/s). Mean response time 1/(mu - lambda) at
 * rho = 0.5, 0.8, 0.9 (table rows: rho 0.8 -> 0.5 s). The CI must be
 * narrower than the 3 % tolerance, so the check can see a 3 % error.
 */
static void check_mm1_ps(double rho, long n)
{
	const double mu = 10, lambda = rho * mu, theory = 1 / (mu - lambda);
	struct batch_means bm = { .value = response_time };
	struct world w;
	double means[NBATCH], mean, h;

	world_init(&w, 2, &one_core, 1u << 30, &q_ops);
	run_queue(&w, lambda, 1 / mu, n, &bm, "test/mm1ps");
	for (int i = 0; i < NBATCH; i++)
		means[i] = bm.sum[i] / bm.per_batch;
	h = ci95(means, NBATCH, &mean);
	print_message("M/M/1-PS rho=%.1f: T=%.5f +- %.5f (theory %.5f, %.2f %%)\n", rho, mean, h,
		      theory, 100 * (mean - theory) / theory);
	assert_true(h < 0.03 * theory);
	assert_true(fabs(mean - theory) < 0.03 * theory);
	assert_true(w.pool.peak <= serve_pool_capacity(&w.pool));
	world_release(&w);
}

static void test_mm1_ps_05(void **state)
{
	(void)state;
	check_mm1_ps(0.5, 200000);
}

static void test_mm1_ps_08(void **state)
{
	(void)state;
	check_mm1_ps(0.8, 600000);
}

static void test_mm1_ps_09(void **state)
{
	(void)state;
	check_mm1_ps(0.9, 5000000);
}

/* sum(T)/sum(x) over requests with x in [lo, hi) */
static double lo_x, hi_x;
static double slowdown(struct world *w, struct serve_req *r, double *x)
{
	if (r->work < lo_x || r->work >= hi_x) {
		*x = 0;
		return 0;
	}
	*x = r->work;
	return w->eng.now - r->t_arrive;
}

/*
 * What makes it PS and not FCFS (both have the same mean): E[T | x] =
 * x / (1 - rho) for every size x (reference §9, M/M/1-PS row "E[T|x=2] =
 * 4.0" at rho 0.5). At rho = 0.5 the ratio sum T / sum x is 2 for small
 * (x < 50 ms) and for large (x >= 200 ms) requests alike; FCFS would give
 * about 5 and 1.3.
 */
static void test_mm1_ps_by_size(void **state)
{
	const double mu = 10, rho = 0.5;
	const double bins[2][2] = { { 0, 0.05 }, { 0.2, INFINITY } };

	(void)state;
	for (int b = 0; b < 2; b++) {
		struct batch_means bm = { .value = slowdown };
		struct world w;
		double ratios[NBATCH], mean, h;

		lo_x = bins[b][0];
		hi_x = bins[b][1];
		world_init(&w, 2, &one_core, 1u << 30, &q_ops);
		run_queue(&w, rho * mu, 1 / mu, 300000, &bm, "test/mm1ps-size");
		for (int i = 0; i < NBATCH; i++)
			ratios[i] = bm.sum[i] / bm.sumx[i];
		h = ci95(ratios, NBATCH, &mean);
		print_message("M/M/1-PS x in [%g, %g): T/x=%.4f +- %.4f (theory 2)\n", lo_x, hi_x,
			      mean, h);
		assert_true(h < 0.03 * 2);
		assert_true(fabs(mean - 2) < 0.03 * 2);
		world_release(&w);
	}
}

/* Erlang C by the Erlang B recursion (reference §9):
 * B0 = 1, Bk = a B(k-1) / (k + a B(k-1)); C = c B / (c - a (1 - B)). */
static double erlang_c(int c, double a)
{
	double b = 1;
	for (int k = 1; k <= c; k++)
		b = a * b / (k + a * b);
	return c * b / (c - a * (1 - b));
}

static void test_erlang_c_table(void **state)
{
	(void)state;
	/* reference §9 table rows P(wait) */
	assert_true(fabs(erlang_c(1, 0.5) - 0.5) < 1e-12);
	assert_true(fabs(erlang_c(2, 1) - 1.0 / 3) < 1e-12);
	assert_true(fabs(erlang_c(3, 2) - 4.0 / 9) < 1e-12);
	assert_true(fabs(erlang_c(5, 4) - 128.0 / 231) < 1e-12);
	assert_true(fabs(erlang_c(12, 10) - 0.449388) < 1e-6);
	assert_true(fabs(erlang_c(8, 6) - 0.356981) < 1e-6);
}

/*
 * M/M/c FCFS through the pod's queue: concurrency 4, limit 4 cores on an
 * 8-core node (every request gets a whole core), Exp work of mean 100 ms
 * (mu = 10), rho = 0.7 (lambda = 28, a = 2.8). Mean wait in the queue
 * Wq = C(4, 2.8) / (c mu - lambda) within 3 %; P(wait) = C within 0.01
 * (the tolerances reference §9 suggests). One run: y = wait, x = waited.
 */
static double waiting(struct world *w, struct serve_req *r, double *x)
{
	(void)w;
	*x = r->t_start > r->t_arrive ? 1 : 0;
	return r->t_start - r->t_arrive;
}

static void test_mmc_fcfs(void **state)
{
	const int c = 4;
	const double mu = 10, rho = 0.7, lambda = rho * c * mu, a = lambda / mu;
	const double pw = erlang_c(c, a), wq = pw / (c * mu - lambda);
	struct batch_means bm = { .value = waiting };
	struct world w;
	double wmeans[NBATCH], pmeans[NBATCH], gw, gp, hw, hp;

	(void)state;
	world_init(&w, 8, &(struct cpu_share){ 4096, 4.0, 0 }, c, &q_ops);
	run_queue(&w, lambda, 1 / mu, 1000000, &bm, "test/mmc");
	for (int i = 0; i < NBATCH; i++) {
		wmeans[i] = bm.sum[i] / bm.per_batch;
		pmeans[i] = bm.sumx[i] / bm.per_batch;
	}
	hw = ci95(wmeans, NBATCH, &gw);
	hp = ci95(pmeans, NBATCH, &gp);
	print_message("M/M/4 rho=0.7: Wq=%.5f +- %.5f (Erlang C %.5f, %.2f %%), "
		      "P(wait)=%.4f +- %.4f (%.4f)\n",
		      gw, hw, wq, 100 * (gw - wq) / wq, gp, hp, pw);
	assert_true(hw < 0.03 * wq);
	assert_true(fabs(gw - wq) < 0.03 * wq);
	assert_true(hp < 0.01);
	assert_true(fabs(gp - pw) < 0.01);
	world_release(&w);
}

/* ---- memory ------------------------------------------------------------------ */

/*
 * 10 rps uniform arrivals of 50 ms requests: at most one request is ever in
 * flight, so 10x more requests must not take more memory: the pool holds
 * one chunk, the cpu heap and the queue stay at their first size.
 */
static void run_uniform(long n, uint64_t *pool_cap, uint32_t *heap_cap, uint32_t *ring_cap,
			size_t *events)
{
	static struct rate rate = { .shape = RATE_CONSTANT, .rps = 10 };
	struct world w;

	world_init(&w, 2, &one_core, 4, &q_ops);
	rng_init(&w.rng, 1, "test/uniform");
	arrivals_init(&w.arr, &rate, ARRIVAL_UNIFORM, &w.rng, 0);
	w.mean_work = 0.05;
	w.const_work = 1;
	w.arrivals_left = n;
	w.bm = &(struct batch_means){ .value = response_time, .per_batch = n };
	engine_at(&w.eng, arrivals_next(&w.arr), on_arrival, &w, 0);
	*events = 0;
	while (engine_step(&w.eng, NULL))
		if (engine_size(&w.eng) > *events)
			*events = engine_size(&w.eng);
	assert_true(w.pool.peak == 1);
	*pool_cap = serve_pool_capacity(&w.pool);
	*heap_cap = w.pod.group.cap;
	*ring_cap = w.pod.ring_cap;
	rng_release(&w.rng);
	world_release(&w);
}

static void test_memory_bounded(void **state)
{
	uint64_t pool1, pool10;
	uint32_t heap1, heap10, ring1, ring10;
	size_t ev1, ev10;

	(void)state;
	run_uniform(10000, &pool1, &heap1, &ring1, &ev1);
	run_uniform(100000, &pool10, &heap10, &ring10, &ev10);
	assert_true(pool1 == SERVE_POOL_CHUNK && pool10 == pool1);
	assert_true(heap10 == heap1 && ring10 == ring1);
	assert_true(ev10 == ev1 && ev1 <= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_fifo),
		cmocka_unit_test(test_timeout_classes),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_reentrant_fifo),
		cmocka_unit_test(test_memory_bounded),
		cmocka_unit_test(test_erlang_c_table),
		cmocka_unit_test(test_mm1_ps_05),
		cmocka_unit_test(test_mm1_ps_08),
		cmocka_unit_test(test_mm1_ps_09),
		cmocka_unit_test(test_mm1_ps_by_size),
		cmocka_unit_test(test_mmc_fcfs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
