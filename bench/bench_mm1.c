/*
 * bench_mm1.c -- M/M/1 FCFS through the whole request path: Poisson
 * arrivals (rate.c), a pod with concurrency 1 and limit 1 core (serve.c)
 * on a CPU node (cpu.c), events from engine.c. The same model as
 * /work/shared/peers/mmc_c.c, so the figures can be set side by side.
 *
 * Usage: bench_mm1 [N [LAMBDA [MU [SEED]]]]   defaults 10000000 0.9 1 1
 * Prints the mean response time (theory 1/(MU - LAMBDA) = 10), events/s,
 * requests/s, wall time and peak RSS.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "cpu.h"
#include "engine.h"
#include "rate.h"
#include "rng.h"
#include "serve.h"

struct bench {
	struct engine eng;
	struct cpu_node node;
	struct serve_pool pool;
	struct serve pod;
	struct rng arr_rng, work_rng;
	struct rate rate;
	struct arrivals arr;
	double mean_work; /* CPU-s */
	long left;        /* arrivals still to make */
	long done;
	double sum_t;     /* s, response times */
};

static void on_done(void *ctx, struct serve *s, struct serve_req *r)
{
	struct bench *b = ctx;

	(void)s;
	b->done++;
	b->sum_t += b->eng.now - r->t_arrive;
}

static void on_fail(void *ctx, struct serve *s, struct serve_req *r, enum serve_fail why)
{
	(void)ctx;
	(void)s;
	(void)r;
	(void)why;
	fprintf(stderr, "bench_mm1: a request failed\n");
	abort();
}

static const struct serve_ops ops = { on_done, on_fail };

static void on_arrival(void *ctx, void *obj, uint64_t arg)
{
	struct bench *b = obj;
	struct serve_req *r = serve_req_get(&b->pool);

	(void)ctx;
	(void)arg;
	serve_submit(&b->pod, r, rng_exponential(&b->work_rng, b->mean_work), INFINITY);
	if (--b->left > 0)
		engine_at(&b->eng, arrivals_next(&b->arr), on_arrival, b, 0);
}

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static struct bench b;
	long n = argc > 1 ? atol(argv[1]) : 10000000;
	double lambda = argc > 2 ? atof(argv[2]) : 0.9, mu = argc > 3 ? atof(argv[3]) : 1.0;
	uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
	struct cpu_share sh = { 1024, 1.0, 0 };
	struct rusage ru;
	double t0, el;

	if (n < 1 || !(lambda > 0) || !(mu > 0)) {
		fprintf(stderr, "usage: bench_mm1 [N [LAMBDA [MU [SEED]]]]\n");
		return 2;
	}
	engine_init(&b.eng);
	cpu_node_init(&b.node, &b.eng, 2, 1.0);
	serve_pool_init(&b.pool, &b.eng);
	serve_init(&b.pod, &b.node, &sh, 1, &b.pool, &ops, &b);
	rng_init(&b.arr_rng, seed, "arrivals/bench");
	rng_init(&b.work_rng, seed, "work/bench");
	b.rate = (struct rate){ .shape = RATE_CONSTANT, .rps = lambda };
	arrivals_init(&b.arr, &b.rate, ARRIVAL_POISSON, &b.arr_rng, 0);
	b.mean_work = 1 / mu;
	b.left = n;

	t0 = wall();
	engine_at(&b.eng, arrivals_next(&b.arr), on_arrival, &b, 0);
	/* drain, rather than engine_run(INFINITY), which would leave now = inf */
	while (engine_step(&b.eng, NULL))
		;
	el = wall() - t0;
	getrusage(RUSAGE_SELF, &ru);

	printf("impl=clustersim lambda=%g mu=%g c=1 N=%ld served=%ld meanW=%.5f (theory %.5f) "
	       "simtime=%.1f events=%llu\n",
	       lambda, mu, n, b.done, b.sum_t / b.done, lambda < mu ? 1 / (mu - lambda) : NAN,
	       b.eng.now, (unsigned long long)b.eng.fired);
	printf("wall_s=%.3f ev_per_s=%.4g req_per_s=%.4g peak_rss_kb=%ld pool_peak=%llu\n", el,
	       b.eng.fired / el, b.done / el, ru.ru_maxrss, (unsigned long long)b.pool.peak);

	serve_release(&b.pod);
	serve_pool_release(&b.pool);
	cpu_node_release(&b.node);
	rng_release(&b.arr_rng);
	rng_release(&b.work_rng);
	engine_release(&b.eng);
	return b.done == n ? 0 : 1;
}
