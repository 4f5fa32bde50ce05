/*
 * test_cpu.c -- CPU sharing on one node (sim/cpu.c), against Kubernetes'
 * conversions (reference §7.4) and hand-computed fluid schedules.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include "base.h"
#include "cpu.h"
#include "engine.h"

struct tjob {
	struct cpu_job job;
	double done_t; /* s, -1 while running */
	int id;
};

struct world {
	struct engine eng;
	struct cpu_node node;
	int ndone;
	int *order; /* ids in completion order, when set */
};

static void on_done(void *ctx, struct cpu_job *j)
{
	struct world *w = ctx;
	struct tjob *t = (struct tjob *)j;

	t->done_t = w->eng.now;
	if (w->order)
		w->order[w->ndone] = t->id;
	w->ndone++;
}

static void world_init(struct world *w, double capacity, double speed)
{
	*w = (struct world){ 0 };
	engine_init(&w->eng);
	cpu_node_init(&w->node, &w->eng, capacity, speed);
}

static void world_release(struct world *w)
{
	cpu_node_release(&w->node);
	engine_release(&w->eng);
}

static struct cpu_share share(int64_t req_milli, int64_t lim_milli, double idle)
{
	struct cpu_share s = { cpu_shares_from_milli(req_milli), cpu_limit_from_milli(lim_milli),
			       idle };
	return s;
}

static void start_n(struct cpu_group *g, struct tjob *jobs, int n, double work)
{
	for (int i = 0; i < n; i++) {
		jobs[i] = (struct tjob){ .done_t = -1 };
		jobs[i].id = i;
		cpu_job_start(g, &jobs[i].job, work);
	}
}

static void drop_all(struct cpu_group *g, struct tjob *jobs, int n)
{
	for (int i = 0; i < n; i++)
		if (jobs[i].job.group)
			cpu_job_abort(&jobs[i].job);
	cpu_group_remove(g);
	cpu_group_release(g);
}

/* pkg/kubelet/cm/helpers_linux.go, reference §7.4 examples. */
static void test_shares_and_quota(void **state)
{
	(void)state;
	assert_true(cpu_shares_from_milli(100) == 102);
	assert_true(cpu_shares_from_milli(250) == 256);
	assert_true(cpu_shares_from_milli(500) == 512);
	assert_true(cpu_shares_from_milli(1000) == 1024);
	assert_true(cpu_shares_from_milli(0) == 2);   /* MinShares */
	assert_true(cpu_shares_from_milli(-1) == 2);  /* no request */
	assert_true(cpu_shares_from_milli(1) == 2);   /* 1*1024/1000 = 1 -> 2 */
	assert_true(cpu_shares_from_milli(300000) == 262144); /* MaxShares */
	/* quota 10000us, 25000us, 50000us of a 100000us period */
	assert_true(fabs(cpu_limit_from_milli(100) - 0.10) < 1e-15);
	assert_true(fabs(cpu_limit_from_milli(250) - 0.25) < 1e-15);
	assert_true(fabs(cpu_limit_from_milli(500) - 0.50) < 1e-15);
	assert_true(fabs(cpu_limit_from_milli(5) - 0.01) < 1e-15); /* MinQuotaPeriod 1000us */
	assert_true(isinf(cpu_limit_from_milli(0)));
	assert_true(isinf(cpu_limit_from_milli(-1)));
}

/* One job alone: W / (1 core x speed). W = 3 CPU-s at speed 1.5 -> 2 s. */
static void test_speed(void **state)
{
	struct world w;
	struct cpu_group g = { 0 };
	struct cpu_share sh = share(-1, -1, 0);
	struct tjob j[1];

	(void)state;
	world_init(&w, 2, 1.5);
	cpu_group_add(&w.node, &g, &sh, on_done, &w);
	start_n(&g, j, 1, 3.0);
	engine_run(&w.eng, 10, NULL);
	assert_true(fabs(j[0].done_t - 2.0) < 1e-12);
	/* CPU-seconds are core-seconds, not speed-adjusted work: 1 core x 2 s. */
	assert_true(fabs(cpu_group_cpu_seconds(&g, 10) - 2.0) < 1e-12);
	assert_true(fabs(cpu_node_cpu_seconds(&w.node, 10) - 2.0) < 1e-12);
	drop_all(&g, j, 1);
	world_release(&w);
}

/* limit 500m: 4 jobs of 1 CPU-s share 0.5 core -> all end at 8 s; the group
 * never uses more than 0.5 core although the node has 4 idle cores. */
static void test_limit(void **state)
{
	struct world w;
	struct cpu_group g = { 0 };
	struct cpu_share sh = share(250, 500, 0);
	struct tjob j[4];

	(void)state;
	world_init(&w, 4, 1);
	cpu_group_add(&w.node, &g, &sh, on_done, &w);
	start_n(&g, j, 4, 1.0);
	assert_true(fabs(cpu_group_used(&g) - 0.5) < 1e-15);
	engine_run(&w.eng, 4, NULL);
	assert_true(fabs(cpu_group_cpu_seconds(&g, 4) - 2.0) < 1e-12);
	engine_run(&w.eng, 20, NULL);
	for (int i = 0; i < 4; i++)
		assert_true(fabs(j[i].done_t - 8.0) < 1e-12);
	assert_true(fabs(cpu_group_cpu_seconds(&g, 20) - 4.0) < 1e-12);
	drop_all(&g, j, 4);
	world_release(&w);
}

/* requests 1000m : 3000m, both saturated on 2 cores -> CPU 1 : 3 (shares
 * 1024 : 3072), i.e. 0.5 and 1.5 cores. */
static void test_shares_ratio(void **state)
{
	struct world w;
	struct cpu_group a = { 0 }, b = { 0 };
	struct cpu_share sa = share(1000, -1, 0), sb = share(3000, -1, 0);
	struct tjob ja[8], jb[8];
	double ua, ub;

	(void)state;
	world_init(&w, 2, 1);
	cpu_group_add(&w.node, &a, &sa, on_done, &w);
	cpu_group_add(&w.node, &b, &sb, on_done, &w);
	start_n(&a, ja, 8, 1e6);
	start_n(&b, jb, 8, 1e6);
	engine_run(&w.eng, 100, NULL);
	ua = cpu_group_cpu_seconds(&a, 100);
	ub = cpu_group_cpu_seconds(&b, 100);
	assert_true(fabs(ua - 50) < 1e-9);
	assert_true(fabs(ub - 150) < 1e-9);
	assert_true(fabs(ub / ua - 3) < 1e-12);
	assert_int_equal(w.ndone, 0);
	drop_all(&a, ja, 8);
	drop_all(&b, jb, 8);
	world_release(&w);
}

/* BestEffort (shares 2) beside a Guaranteed pod (2000m/2000m, shares 2048)
 * that saturates a 2-core node: BestEffort gets 2/(2+2048) of the node. */
static void test_best_effort(void **state)
{
	struct world w;
	struct cpu_group be = { 0 }, gu = { 0 };
	struct cpu_share sbe = share(-1, -1, 0), sgu = share(2000, 2000, 0);
	struct tjob jbe[4], jgu[4];

	(void)state;
	world_init(&w, 2, 1);
	cpu_group_add(&w.node, &be, &sbe, on_done, &w);
	cpu_group_add(&w.node, &gu, &sgu, on_done, &w);
	start_n(&be, jbe, 4, 1e6);
	start_n(&gu, jgu, 4, 1e6);
	engine_run(&w.eng, 50, NULL);
	assert_true(fabs(cpu_group_cpu_seconds(&be, 50) - 50 * 2 * 2.0 / 2050) < 1e-9);
	assert_true(fabs(cpu_group_cpu_seconds(&gu, 50) - 50 * 2 * 2048.0 / 2050) < 1e-9);
	drop_all(&be, jbe, 4);
	drop_all(&gu, jgu, 4);
	world_release(&w);
}

/*
 * Water-filling by hand. 6 cores, shares 1:1:2 (A, B, C). A has 1 job of
 * 5 CPU-s, B and C 10 long jobs each. Fair shares 1.5 / 1.5 / 3, but A
 * wants only 1: A = 1, and B, C split the remaining 5 as 1:2 -> 5/3, 10/3.
 * A's job ends at 5 s; then B, C split 6 as 1:2 -> 2, 4. At 10 s:
 * A 5, B 5*5/3 + 5*2 = 18.333.., C 5*10/3 + 5*4 = 36.666.. CPU-s.
 */
static void test_water_fill(void **state)
{
	struct world w;
	struct cpu_group a = { 0 }, b = { 0 }, c = { 0 };
	struct cpu_share sa = share(1000, -1, 0), sb = share(1000, -1, 0), sc = share(2000, -1, 0);
	struct tjob ja[1], jb[10], jc[10];

	(void)state;
	world_init(&w, 6, 1);
	cpu_group_add(&w.node, &a, &sa, on_done, &w);
	cpu_group_add(&w.node, &b, &sb, on_done, &w);
	cpu_group_add(&w.node, &c, &sc, on_done, &w);
	start_n(&a, ja, 1, 5);
	start_n(&b, jb, 10, 1e6);
	start_n(&c, jc, 10, 1e6);
	assert_true(fabs(cpu_group_used(&a) - 1) < 1e-12);
	assert_true(fabs(cpu_group_used(&b) - 5.0 / 3) < 1e-12);
	assert_true(fabs(cpu_group_used(&c) - 10.0 / 3) < 1e-12);
	engine_run(&w.eng, 10, NULL);
	assert_true(fabs(ja[0].done_t - 5) < 1e-12);
	assert_true(fabs(cpu_group_cpu_seconds(&a, 10) - 5) < 1e-9);
	assert_true(fabs(cpu_group_cpu_seconds(&b, 10) - (25.0 / 3 + 10)) < 1e-9);
	assert_true(fabs(cpu_group_cpu_seconds(&c, 10) - (50.0 / 3 + 20)) < 1e-9);
	assert_true(fabs(cpu_node_cpu_seconds(&w.node, 10) - 60) < 1e-9);
	drop_all(&a, ja, 1);
	drop_all(&b, jb, 10);
	drop_all(&c, jc, 10);
	world_release(&w);
}

/* Idle 0.25 core + 1 job, limit 1: demand min(1.25, 1) = 1 split over 1.25
 * job-equivalents -> the job gets 0.8 core, so 0.8 CPU-s end at 1 s; then
 * the pod idles at 0.25 core: CPU-s at 3 s = 1 + 2 * 0.25 = 1.5. */
static void test_idle(void **state)
{
	struct world w;
	struct cpu_group g = { 0 };
	struct cpu_share sh = share(500, 1000, 0.25);
	struct tjob j[1];

	(void)state;
	world_init(&w, 2, 1);
	cpu_group_add(&w.node, &g, &sh, on_done, &w);
	assert_true(fabs(cpu_group_used(&g) - 0.25) < 1e-15);
	start_n(&g, j, 1, 0.8);
	engine_run(&w.eng, 3, NULL);
	assert_true(fabs(j[0].done_t - 1.0) < 1e-12);
	assert_true(fabs(cpu_group_cpu_seconds(&g, 3) - 1.5) < 1e-12);
	drop_all(&g, j, 1);
	world_release(&w);
}

/* PS by hand: two jobs of 1 CPU-s on 1 core each progress at 0.5; abort
 * one at 0.5 s (both have 0.75 left); the other finishes at 0.5 + 0.75. */
static void test_abort(void **state)
{
	struct world w;
	struct cpu_group g = { 0 };
	struct cpu_share sh = share(1000, 1000, 0);
	struct tjob j[2];

	(void)state;
	world_init(&w, 2, 1);
	cpu_group_add(&w.node, &g, &sh, on_done, &w);
	start_n(&g, j, 2, 1.0);
	engine_run(&w.eng, 0.5, NULL);
	assert_true(fabs(cpu_job_remaining(&j[0].job, 0.5) - 0.75) < 1e-12);
	cpu_job_abort(&j[0].job);
	engine_run(&w.eng, 5, NULL);
	assert_true(j[0].done_t == -1);
	assert_true(fabs(j[1].done_t - 1.25) < 1e-12);
	assert_int_equal(w.ndone, 1);
	drop_all(&g, j, 2);
	world_release(&w);
}

/* 2 jobs of 2 CPU-s on 2 cores: 1 core each until the capacity drops to 1
 * at t = 1 (1 CPU-s left each), then 0.5 core each: both end at 3 s. */
static void test_capacity_change(void **state)
{
	struct world w;
	struct cpu_group g = { 0 };
	struct cpu_share sh = share(-1, -1, 0);
	struct tjob j[2];

	(void)state;
	world_init(&w, 2, 1);
	cpu_group_add(&w.node, &g, &sh, on_done, &w);
	start_n(&g, j, 2, 2.0);
	engine_run(&w.eng, 1, NULL);
	cpu_node_set_capacity(&w.node, 1);
	engine_run(&w.eng, 10, NULL);
	assert_true(fabs(j[0].done_t - 3) < 1e-12 && fabs(j[1].done_t - 3) < 1e-12);
	assert_true(fabs(cpu_node_cpu_seconds(&w.node, 10) - 4) < 1e-12);
	drop_all(&g, j, 2);
	world_release(&w);
}

/*
 * 10,000 jobs in flight in one group on 1 core, works (k+1) ms in a
 * shuffled start order. Egalitarian PS ends them in increasing work, the
 * k-th (1-based, sorted) at t_k = t_{k-1} + (w_k - w_{k-1}) (n - k + 1).
 * Cost: one engine event per completion, and heap work O(log n) per
 * change, counted in heap_moves: a start or abort moves at most
 * log2(n) + 2 entries, all n completions at most n (log2 n + 2).
 */
static void test_ps_order_many(void **state)
{
	enum { N = 10000 };
	struct world w;
	struct cpu_group g = { 0 };
	struct cpu_share sh = share(1000, 1000, 0);
	struct tjob *j = calloc(N, sizeof(*j)), extra = { 0 };
	int *perm = malloc(N * sizeof(*perm));
	double t = 0, logn = log2(N);
	uint64_t moves0, fired0;

	(void)state;
	world_init(&w, 4, 1);
	w.order = malloc(N * sizeof(int));
	cpu_group_add(&w.node, &g, &sh, on_done, &w);
	for (int i = 0; i < N; i++)
		perm[i] = i;
	srand(7);
	for (int i = N - 1; i > 0; i--) {
		int k = rand() % (i + 1), tmp = perm[i];
		perm[i] = perm[k];
		perm[k] = tmp;
	}
	for (int i = 0; i < N; i++) {
		j[perm[i]].id = perm[i];
		j[perm[i]].done_t = -1;
		cpu_job_start(&g, &j[perm[i]].job, (perm[i] + 1) * 1e-3);
	}
	/* One more start and its abort with N in flight. */
	moves0 = w.node.heap_moves;
	cpu_job_start(&g, &extra.job, 0.5);
	cpu_job_abort(&extra.job);
	assert_true(w.node.heap_moves - moves0 <= 2 * (logn + 2));
	moves0 = w.node.heap_moves;
	fired0 = w.eng.fired;
	engine_run(&w.eng, 1e9, NULL);
	assert_int_equal(w.ndone, N);
	assert_true(w.eng.fired - fired0 == N);
	assert_true(w.node.heap_moves - moves0 <= (uint64_t)(N * (logn + 2)));
	for (int k = 0; k < N; k++) {
		double wk = (k + 1) * 1e-3, wprev = k * 1e-3;
		t += (wk - wprev) * (N - k);
		assert_int_equal(w.order[k], k);
		assert_true(fabs(j[k].done_t - t) <= 1e-9 * t);
	}
	drop_all(&g, j, 0);
	free(w.order);
	free(j);
	free(perm);
	world_release(&w);
}

/* Removing a group frees its CPU for the others at once; re-adding works. */
static void test_group_remove_add(void **state)
{
	struct world w;
	struct cpu_group a = { 0 }, b = { 0 };
	struct cpu_share s = share(1000, -1, 0);
	struct tjob jb[1];

	(void)state;
	world_init(&w, 1, 1);
	cpu_group_add(&w.node, &a, &s, on_done, &w);
	s.idle = 1; /* a: an idle pod burning a whole core */
	cpu_group_set(&a, &s);
	s.idle = 0;
	cpu_group_add(&w.node, &b, &s, on_done, &w);
	start_n(&b, jb, 1, 1.0); /* equal shares: 0.5 core until a leaves */
	engine_run(&w.eng, 1, NULL);
	cpu_group_remove(&a);
	engine_run(&w.eng, 10, NULL);
	assert_true(fabs(jb[0].done_t - 1.5) < 1e-12);
	assert_true(fabs(cpu_group_cpu_seconds(&a, 10) - 0.5) < 1e-12);
	cpu_group_add(&w.node, &a, &s, on_done, &w);
	assert_true(fabs(cpu_group_used(&a)) < 1e-15);
	cpu_group_remove(&a);
	cpu_group_release(&a);
	drop_all(&b, jb, 1);
	world_release(&w);
}

/*
 * Into contention and out again, by hand. 2 cores, three equal groups
 * without limits. t = 0: A starts 2 CPU-s, B 3 CPU-s: demand 2 <= 2, one
 * core each. t = 1: C starts 0.5 CPU-s: demand 3 > 2, 2/3 core each.
 * C ends at 1 + 0.5 / (2/3) = 1.75. A then has 1 - 0.75 x 2/3 = 0.5 left
 * and B 2 - 0.5 = 1.5, uncontended again at one core each: A ends at
 * 2.25, B at 3.25. CPU-s at 4: 2 + 3 + 0.5 = 5.5 (all the work).
 */
static void test_contention_in_and_out(void **state)
{
	struct world w;
	struct cpu_group g[3] = { { 0 } };
	struct cpu_share sh = share(1000, -1, 0);
	struct tjob a[1], b[1], c[1];

	(void)state;
	world_init(&w, 2, 1);
	for (int i = 0; i < 3; i++)
		cpu_group_add(&w.node, &g[i], &sh, on_done, &w);
	start_n(&g[0], a, 1, 2.0);
	start_n(&g[1], b, 1, 3.0);
	assert_true(fabs(cpu_node_used(&w.node) - 2) < 1e-15);
	engine_run(&w.eng, 1, NULL);
	start_n(&g[2], c, 1, 0.5);
	assert_true(fabs(cpu_group_used(&g[0]) - 2.0 / 3) < 1e-15);
	engine_run(&w.eng, 10, NULL);
	assert_true(fabs(c[0].done_t - 1.75) < 1e-12);
	assert_true(fabs(a[0].done_t - 2.25) < 1e-12);
	assert_true(fabs(b[0].done_t - 3.25) < 1e-12);
	assert_true(fabs(cpu_node_cpu_seconds(&w.node, 4) - 5.5) < 1e-12);
	assert_true(fabs(cpu_group_cpu_seconds(&g[1], 4) - 3) < 1e-12);
	for (int i = 0; i < 3; i++) {
		cpu_group_remove(&g[i]);
		cpu_group_release(&g[i]);
	}
	world_release(&w);
}

/*
 * While a node is uncontended no group's rate depends on another's, so
 * only the changed group is re-timed (cpu.h). 60 groups with a 500m limit
 * on 64 cores (demand at most 60 x 0.5 = 30), one job at a time each:
 * 0.5 core per job, so every job ends exactly 2 x its work after it
 * starts, whatever the other 59 groups do. 3,000 jobs of random work,
 * each started when the previous one of its group ends; completions come
 * from the node's heap of completion times in time order.
 */
struct chain {
	struct world *w;
	struct cpu_group g;
	struct tjob j;
	double start, work;
	int left;
	double worst; /* s, largest |done - (start + 2 work)| */
	uint64_t rng;
};

static double next_work(struct chain *c)
{
	c->rng = c->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return 0.001 + (double)(c->rng >> 40) / (double)(1ULL << 24);
}

static void chain_done(void *ctx, struct cpu_job *j)
{
	struct chain *c = ctx;
	double now = c->w->eng.now, err = fabs(now - (c->start + 2 * c->work));

	(void)j;
	c->w->ndone++;
	if (err > c->worst)
		c->worst = err;
	if (c->left-- > 0) {
		c->start = now;
		c->work = next_work(c);
		cpu_job_start(&c->g, &c->j.job, c->work);
	}
}

static void test_uncontended_independent(void **state)
{
	enum { G = 60, PER = 50 };
	struct world w;
	struct chain *c = xcalloc(G, sizeof(*c));
	struct cpu_share sh = share(100, 500, 0);
	double total = 0, last = -1;

	(void)state;
	world_init(&w, 64, 1);
	for (int i = 0; i < G; i++) {
		c[i] = (struct chain){ .w = &w, .left = PER - 1, .rng = (uint64_t)i + 1 };
		cpu_group_add(&w.node, &c[i].g, &sh, chain_done, &c[i]);
		c[i].work = next_work(&c[i]);
		cpu_job_start(&c[i].g, &c[i].j.job, c[i].work);
	}
	while (engine_step(&w.eng, NULL)) {
		assert_true(w.eng.now >= last);
		last = w.eng.now;
	}
	assert_int_equal(w.ndone, G * PER);
	for (int i = 0; i < G; i++) {
		assert_true(c[i].worst < 1e-9);
		total += cpu_group_cpu_seconds(&c[i].g, last);
		cpu_group_remove(&c[i].g);
		cpu_group_release(&c[i].g);
	}
	/* every group's CPU-s is its work; the node's is their sum */
	assert_true(fabs(cpu_node_cpu_seconds(&w.node, last) - total) < 1e-9 * total);
	free(c);
	world_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares_and_quota),
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_shares_ratio),
		cmocka_unit_test(test_best_effort),
		cmocka_unit_test(test_water_fill),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_capacity_change),
		cmocka_unit_test(test_ps_order_many),
		cmocka_unit_test(test_group_remove_add),
		cmocka_unit_test(test_contention_in_and_out),
		cmocka_unit_test(test_uncontended_independent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
