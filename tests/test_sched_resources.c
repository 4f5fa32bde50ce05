/*
 * test_sched_resources.c -- NodeResourcesFit scores (LeastAllocated,
 * MostAllocated) and NodeResourcesBalancedAllocation, ported case by case
 * from pkg/scheduler/framework/plugins/noderesources/ (*_test.go)
 * (reference §1.4, cases L1-L7, M1-M4, B1-B4, B7; B5 and B6 need a GPU
 * resource the simulator does not model).
 *
 * Adaptation: upstream pods with several containers become one request
 * equal to their sum (the non-zero defaults only differ for containers
 * without requests, which no ported multi-container pod has); upstream
 * "cpu: 4000" capacities become 4000 millicores here: the scores depend on
 * ratios only, except M4 whose absolute units are kept. A container
 * with an explicit "0" request keeps 0 (no non-zero default); a pod with
 * no containers is a pod with explicit zero requests.
 */
#include "sched_fixture.h"

/* A two-node cluster of the given allocatable (millicores, bytes), one
 * group per node so the sizes may differ. */
static void two_nodes(struct fx *f, int64_t c1, int64_t m1, int64_t c2, int64_t m2)
{
	/* vcpu * 1000 - reserved_cpu = c (the instance types carry whole
	 * vCPUs; the reserve makes any millicore capacity). */
	int t1 = fx_type(f, "n1type", (int)((c1 + 999) / 1000), m1, 110);
	int t2 = fx_type(f, "n2type", (int)((c2 + 999) / 1000), m2, 110);
	f->types[t1].reserved_cpu = f->types[t1].vcpu * 1000LL - c1;
	f->types[t2].reserved_cpu = f->types[t2].vcpu * 1000LL - c2;
	fx_group(f, "n1", t1, "", "", "");
	fx_group(f, "n2", t2, "", "", "");
}

struct rcase {
	const char *name;    /* upstream test name */
	int64_t n1c, n1m, n2c, n2m;
	int64_t ex1[2][2];   /* existing pods on n1 (cpu, mem); -2 = none */
	int64_t ex2[2][2];
	int64_t pc, pm;      /* incoming pod */
	int strategy;
	int wcpu, wmem;
	int64_t want1, want2;
	enum score_plugin plugin;
};

#define NONE {{-2, -2}, {-2, -2}}

static void run(const struct rcase *rc)
{
	struct fx f;
	struct node *n[2];
	int64_t out[2];
	struct workload *in;

	fx_init(&f);
	two_nodes(&f, rc->n1c, rc->n1m, rc->n2c, rc->n2m);
	f.o.cfg.strategy = rc->strategy;
	f.o.res_weight_cpu = rc->wcpu ? rc->wcpu : 1;
	f.o.res_weight_mem = rc->wmem ? rc->wmem : 1;
	/* One workload per existing pod shape, one for the incoming pod. */
	struct workload *ex[2][2];
	for (int j = 0; j < 2; j++)
		for (int k = 0; k < 2; k++) {
			const int64_t *r = j == 0 ? rc->ex1[k] : rc->ex2[k];
			ex[j][k] = r[0] == -2 ? NULL : fx_wl(&f, "ex", "app=ex", r[0], r[1]);
		}
	in = fx_wl(&f, "in", "app=in", rc->pc, rc->pm);
	fx_start(&f);
	n[0] = fx_node(&f, 0, 1);
	n[1] = fx_node(&f, 1, 1);
	for (int j = 0; j < 2; j++)
		for (int k = 0; k < 2; k++)
			if (ex[j][k])
				fx_bound(&f, ex[j][k], n[j]);
	fx_scores(&f, fx_pod(&f, in), rc->plugin, n, 2, out);
	if (out[0] != rc->want1 || out[1] != rc->want2)
		fail_msg("%s: got %lld, %lld; want %lld, %lld", rc->name, (long long)out[0],
			 (long long)out[1], (long long)rc->want1, (long long)rc->want2);
	fx_release(&f);
}

/* least_allocated_test.go TestLeastAllocatedScoringStrategy. */
static void test_least_allocated(void **state)
{
	static const struct rcase cases[] = {
		/* L1: cpu (4000-3000)*100/4000 = 25, mem 50 -> 37 */
		{"nothing scheduled, resources requested, differently sized nodes", 4000, 10000,
		 6000, 10000, NONE, NONE, 3000, 5000, STRATEGY_LEAST_ALLOCATED, 0, 0, 37, 50,
		 PLUGIN_NODE_RESOURCES_FIT},
		/* L2 */
		{"no resources requested, pods scheduled with resources", 10000, 20000, 10000,
		 20000, {{3000, 0}, {3000, 0}}, {{3000, 0}, {3000, 5000}}, 0, 0,
		 STRATEGY_LEAST_ALLOCATED, 0, 0, 70, 57, PLUGIN_NODE_RESOURCES_FIT},
		/* L3 */
		{"resources requested, pods scheduled with resources", 10000, 20000, 10000, 20000,
		 {{3000, 0}, {-2, -2}}, {{3000, 5000}, {-2, -2}}, 3000, 5000,
		 STRATEGY_LEAST_ALLOCATED, 0, 0, 57, 45, PLUGIN_NODE_RESOURCES_FIT},
		/* L4 */
		{"resources requested, pods scheduled with resources, differently sized nodes",
		 10000, 20000, 10000, 50000, {{3000, 0}, {-2, -2}}, {{3000, 5000}, {-2, -2}},
		 3000, 5000, STRATEGY_LEAST_ALLOCATED, 0, 0, 57, 60, PLUGIN_NODE_RESOURCES_FIT},
		/* L5: cpu over capacity scores 0, not negative */
		{"requested resources exceed node capacity", 4000, 10000, 4000, 10000,
		 {{3000, 0}, {-2, -2}}, {{3000, 5000}, {-2, -2}}, 3000, 0, STRATEGY_LEAST_ALLOCATED,
		 0, 0, 50, 25, PLUGIN_NODE_RESOURCES_FIT},
		/* L6: (25 * 1 + 50 * 2) / 3 = 41 */
		{"resources requested with more weight on memory", 4000, 10000, 6000, 10000, NONE,
		 NONE, 3000, 5000, STRATEGY_LEAST_ALLOCATED, 1, 2, 41, 50,
		 PLUGIN_NODE_RESOURCES_FIT},
		/* L7 */
		{"zero node resources, pods scheduled with resources", 0, 0, 0, 0,
		 {{1000, 0}, {-2, -2}}, NONE, 0, 0, STRATEGY_LEAST_ALLOCATED, 0, 0, 0, 0,
		 PLUGIN_NODE_RESOURCES_FIT},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run(&cases[i]);
}

/* most_allocated_test.go TestMostAllocatedScoringStrategy. */
static void test_most_allocated(void **state)
{
	static const struct rcase cases[] = {
		/* M1: cpu 3000*100/4000 = 75, mem 50 -> 62 */
		{"nothing scheduled, resources requested, differently sized nodes", 4000, 10000,
		 6000, 10000, NONE, NONE, 3000, 5000, STRATEGY_MOST_ALLOCATED, 0, 0, 62, 50,
		 PLUGIN_NODE_RESOURCES_FIT},
		/* M2 */
		{"no resources requested, pods scheduled with resources", 10000, 20000, 10000,
		 20000, {{3000, 0}, {3000, 0}}, {{3000, 0}, {3000, 5000}}, 0, 0,
		 STRATEGY_MOST_ALLOCATED, 0, 0, 30, 42, PLUGIN_NODE_RESOURCES_FIT},
		/* M3 */
		{"resources requested equal node capacity", 5000, 10000, 10000, 9000, NONE, NONE,
		 5000, 9000, STRATEGY_MOST_ALLOCATED, 0, 0, 95, 75, PLUGIN_NODE_RESOURCES_FIT},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run(&cases[i]);
}

/* M4 "nonzero request for resource": absolute units matter. Nodes 250m /
 * 1000Mi; n1 holds two pods without requests (100m, 200Mi each by the
 * non-zero rule); the incoming pod has none either. n1: cpu 300m clamped
 * to 250 -> 100, mem 600/1000 -> 60, (100+60)/2 = 80; n2: 40 and 20 -> 30. */
static void test_most_allocated_nonzero(void **state)
{
	static const struct rcase c = {
		"nonzero request for resource", 250, 1000LL << 20, 250, 1000LL << 20,
		{{-1, -1}, {-1, -1}}, NONE, -1, -1, STRATEGY_MOST_ALLOCATED, 0, 0, 80, 30,
		PLUGIN_NODE_RESOURCES_FIT};
	(void)state;
	run(&c);
}

/* balanced_allocation_test.go TestNodeResourcesBalancedAllocation:
 * cpuOnly = (1000m,0)+(2000m,0), cpuAndMemory = (1000m,2000)+(2000m,3000). */
static void test_balanced(void **state)
{
	static const struct rcase cases[] = {
		/* B1: n1 fractions 0.75, 0.5 -> std 0.125 -> 87 */
		{"nothing scheduled, resources requested, differently sized nodes", 4000, 10000,
		 6000, 10000, NONE, NONE, 3000, 5000, 0, 0, 0, 87, 100, PLUGIN_BALANCED_ALLOCATION},
		/* B2 */
		{"resources requested, pods scheduled with resources", 10000, 20000, 10000, 20000,
		 {{3000, 0}, {-2, -2}}, {{3000, 5000}, {-2, -2}}, 3000, 5000, 0, 0, 0, 82, 95,
		 PLUGIN_BALANCED_ALLOCATION},
		/* B3 */
		{"resources requested, pods scheduled with resources, differently sized nodes",
		 10000, 20000, 10000, 50000, {{3000, 0}, {-2, -2}}, {{3000, 5000}, {-2, -2}},
		 3000, 5000, 0, 0, 0, 82, 80, PLUGIN_BALANCED_ALLOCATION},
		/* B4: fractions capped at 1 */
		{"requested resources at node capacity", 6000, 10000, 6000, 10000,
		 {{3000, 0}, {-2, -2}}, {{3000, 5000}, {-2, -2}}, 3000, 0, 0, 0, 0, 50, 75,
		 PLUGIN_BALANCED_ALLOCATION},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run(&cases[i]);
}

/* B7: newer versions Skip BalancedAllocation for a pod whose requests are
 * all zero (issue #129138), so the plugin contributes nothing. */
static void test_balanced_skips_best_effort(void **state)
{
	struct fx f;
	struct node *n[2];
	int64_t out[2] = {-7, -7};
	struct workload *be, *zero;

	(void)state;
	fx_init(&f);
	two_nodes(&f, 4000, 10000, 6000, 10000);
	be = fx_wl(&f, "be", "app=be", -1, -1);
	zero = fx_wl(&f, "zero", "app=zero", 0, 0);
	fx_start(&f);
	n[0] = fx_node(&f, 0, 1);
	n[1] = fx_node(&f, 1, 1);
	assert_int_equal(sched_score_nodes(&f.s, fx_pod(&f, be), PLUGIN_BALANCED_ALLOCATION, n, 2,
					   out), 0);
	assert_int_equal(sched_score_nodes(&f.s, fx_pod(&f, zero), PLUGIN_BALANCED_ALLOCATION, n,
					   2, out), 0);
	assert_int_equal(out[0], -7);
	fx_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_least_allocated),
		cmocka_unit_test(test_most_allocated),
		cmocka_unit_test(test_most_allocated_nonzero),
		cmocka_unit_test(test_balanced),
		cmocka_unit_test(test_balanced_skips_best_effort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
