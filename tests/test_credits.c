/*
 * test_credits.c -- burstable CPU credits (sim/credits.c) on a cpu node.
 * Numbers: t3.medium from reference §8.2 (2 vCPU, baseline 20 %, 24
 * credits/h, max 576; 1 credit = 1 vCPU-minute; unlimited surplus at
 * $0.05 per vCPU-hour), and hand calculation.
 */
#include "testutil.h"

#include <math.h>

#include "cpu.h"
#include "credits.h"
#include "engine.h"

struct ev {
	double t;
	int exhausted;
};

struct world {
	struct engine eng;
	struct cpu_node node;
	struct cpu_group hog; /* a pod whose idle load sets the node's demand */
	struct credits cr;
	struct ev log[8];
	int nlog;
};

static void on_credits(void *ctx, struct credits *c, int exhausted)
{
	struct world *w = ctx;

	(void)c;
	if (w->nlog < 8)
		w->log[w->nlog++] = (struct ev){ w->eng.now, exhausted };
}

static void never_done(void *ctx, struct cpu_job *j)
{
	(void)ctx;
	(void)j;
	fail_msg("the hog runs no jobs");
}

static const struct burstable t3_medium = {
	.enabled = 1,
	.baseline = 0.2,
	.credits_per_hour = 24,
	.max_credits = 576,
	.initial_credits = 576,
	.mode = CREDIT_STANDARD,
	.surplus_price_per_vcpu_hour = 0.05,
};

/* Demand in cores from the hog's idle load (no limit, so it is all used
 * while the node is not capped). */
static void demand(struct world *w, double cores)
{
	struct cpu_share sh = { 1024, INFINITY, cores };
	cpu_group_set(&w->hog, &sh);
}

static void world_init(struct world *w, const struct burstable *b, double cores)
{
	struct cpu_share sh = { 1024, INFINITY, cores };

	*w = (struct world){ 0 };
	engine_init(&w->eng);
	cpu_node_init(&w->node, &w->eng, 2, 1);
	cpu_group_add(&w->node, &w->hog, &sh, never_done, w);
	credits_init(&w->cr, &w->node, b, 2, on_credits, w);
}

static void world_release(struct world *w)
{
	credits_release(&w->cr);
	cpu_group_remove(&w->hog);
	cpu_group_release(&w->hog);
	cpu_node_release(&w->node);
	engine_release(&w->eng);
}

/*
 * Standard mode, 576 credits, demand 2 cores: the balance falls at
 * (2 - 0.4)/60 credits/s, so it is 288 at 3 h and 0 at
 * 576 * 60 / 1.6 = 21600 s, when the node is capped to 0.4 core. At
 * 25200 s the demand drops to 0.2 core: the balance grows at
 * (0.4 - 0.2)/60 and reaches CREDITS_RESUME = 1 after 300 s: cap lifted
 * at 25500 s, after 3900 s exhausted.
 */
static void test_standard_exhaustion(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, &t3_medium, 2);
	engine_run(&w.eng, 10800, NULL);
	assert_true(fabs(credits_balance(&w.cr, 10800) - 288) < 1e-9);
	assert_int_equal(w.nlog, 0);
	engine_run(&w.eng, 25200, NULL);
	assert_int_equal(w.nlog, 1);
	assert_true(w.log[0].exhausted == 1 && fabs(w.log[0].t - 21600) < 1e-6);
	assert_true(fabs(w.node.capacity - 0.4) < 1e-15);
	assert_true(fabs(cpu_node_used(&w.node) - 0.4) < 1e-15);
	/* 2 cores until the crossing, 0.4 core after it */
	assert_true(fabs(cpu_group_cpu_seconds(&w.hog, 25200) - (2 * 21600 + 0.4 * 3600)) < 1e-5);
	assert_true(fabs(credits_exhausted_seconds(&w.cr, 25200) - 3600) < 1e-6);
	assert_true(fabs(credits_balance(&w.cr, 25200)) < 1e-9);
	demand(&w, 0.2);
	engine_run(&w.eng, 26000, NULL);
	assert_int_equal(w.nlog, 2);
	assert_true(w.log[1].exhausted == 0 && fabs(w.log[1].t - 25500) < 1e-6);
	assert_true(w.node.capacity == 2);
	assert_true(fabs(credits_exhausted_seconds(&w.cr, 26000) - 3900) < 1e-6);
	assert_true(fabs(credits_balance(&w.cr, 26000) - (1 + 500 * 0.2 / 60)) < 1e-9);
	/* No polling: the crossing, the recovery and nothing else. */
	assert_true(w.eng.fired == 2);
	assert_true(credits_surplus_usd(&w.cr, 26000) == 0);
	world_release(&w);
}

/* The crossing moves when usage changes: 10 credits, 2 cores for 100 s
 * (spends 1.6/60 * 100 = 8/3), then 1 core (-0.6/60 per s): the remaining
 * 22/3 credits last 733.33 s -> exhausted at 833.33 s. */
static void test_crossing_moves(void **state)
{
	struct burstable b = t3_medium;
	struct world w;

	(void)state;
	b.initial_credits = 10;
	world_init(&w, &b, 2);
	engine_run(&w.eng, 100, NULL);
	demand(&w, 1);
	engine_run(&w.eng, 2000, NULL);
	assert_int_equal(w.nlog, 1);
	assert_true(fabs(w.log[0].t - (100 + (10 - 8.0 / 3) / (0.6 / 60))) < 1e-6);
	world_release(&w);
}

/*
 * Unlimited mode, no launch credits (t3), demand 2 cores: exhausted at 0;
 * 1 h spends 1.6 vCPU-hours = 96 surplus credits = $0.08. One idle hour
 * earns 24 credits that repay surplus: 72 left ($0.06). 72 more credits
 * take 72 * 60 / 0.4 = 10800 s, then the balance reaches 1 credit after
 * 150 s: recovery at 3600 + 3600 + 10800 + 150 = 18150 s, nothing charged.
 */
static void test_unlimited_repaid(void **state)
{
	struct burstable b = t3_medium;
	struct world w;

	(void)state;
	b.initial_credits = 0;
	b.mode = CREDIT_UNLIMITED;
	world_init(&w, &b, 2);
	engine_run(&w.eng, 3600, NULL);
	assert_true(w.nlog == 1 && w.log[0].t == 0 && w.log[0].exhausted);
	assert_true(w.node.capacity == 2 && cpu_node_used(&w.node) == 2);
	assert_true(fabs(credits_surplus(&w.cr, 3600) - 96) < 1e-9);
	assert_true(fabs(credits_surplus_usd(&w.cr, 3600) - 0.08) < 1e-12);
	demand(&w, 0);
	engine_run(&w.eng, 7200, NULL);
	assert_true(fabs(credits_surplus_usd(&w.cr, 7200) - 0.06) < 1e-12);
	assert_true(credits_balance(&w.cr, 7200) == 0);
	engine_run(&w.eng, 20000, NULL);
	assert_int_equal(w.nlog, 2);
	assert_true(w.log[1].exhausted == 0 && fabs(w.log[1].t - 18150) < 1e-6);
	assert_true(fabs(credits_surplus_usd(&w.cr, 20000)) < 1e-12);
	assert_true(fabs(credits_exhausted_seconds(&w.cr, 20000) - 18150) < 1e-6);
	world_release(&w);
}

/*
 * Unlimited, 7 h at 2 cores from 0: 1.6 * 60 * 7 = 672 surplus credits,
 * more than max_credits (576): 96 are charged for good, 576 outstanding;
 * $ = 672 / 60 * 0.05 = 0.56 (= 1.6 vCPU x 7 h x $0.05). A day idle earns
 * 576, repaying the outstanding part: $0.08 remain.
 */
static void test_unlimited_over_max(void **state)
{
	struct burstable b = t3_medium;
	struct world w;

	(void)state;
	b.initial_credits = 0;
	b.mode = CREDIT_UNLIMITED;
	world_init(&w, &b, 2);
	engine_run(&w.eng, 7 * 3600, NULL);
	assert_true(fabs(credits_surplus_usd(&w.cr, 7 * 3600) - 0.56) < 1e-12);
	demand(&w, 0);
	engine_run(&w.eng, 31 * 3600, NULL);
	assert_true(fabs(credits_surplus_usd(&w.cr, 31 * 3600) - 0.08) < 1e-12);
	world_release(&w);
}

/* Earning stops at max_credits: 570 idle earns 24/h, 574 at 600 s, 576
 * from 900 s on. A balance above the cap (launch credits) is kept but does
 * not grow. */
static void test_cap(void **state)
{
	struct burstable b = t3_medium;
	struct world w;

	(void)state;
	b.initial_credits = 570;
	world_init(&w, &b, 0);
	assert_true(fabs(credits_balance(&w.cr, 600) - 574) < 1e-9);
	engine_run(&w.eng, 3600, NULL);
	assert_true(fabs(credits_balance(&w.cr, 3600) - 576) < 1e-9);
	world_release(&w);
	b.initial_credits = 700;
	world_init(&w, &b, 0);
	engine_run(&w.eng, 3600, NULL);
	assert_true(credits_balance(&w.cr, 3600) == 700);
	assert_true(w.eng.fired == 0);
	world_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_exhaustion),
		cmocka_unit_test(test_crossing_moves),
		cmocka_unit_test(test_unlimited_repaid),
		cmocka_unit_test(test_unlimited_over_max),
		cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
