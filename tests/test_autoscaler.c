/*
 * test_autoscaler.c -- the cluster autoscaler: the expanders' scores and
 * choice (reference §6.2), scale-down utilization (§6.3), and whole runs:
 * scale-up timing, expanders that disagree, scale-down after the unneeded
 * time and never below min, drains, and giving up a node that does not
 * boot in time.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "autoscaler.h"
#include "cluster.h"
#include "results.h"
#include "scenario.h"

#define GI (1024LL * 1024 * 1024)

/* Catalog shapes and prices (models/aws-us-east-1.yaml, reference §8.3). */
static const struct instance_type m5_xlarge = {.name = "m5.xlarge", .vcpu = 4, .memory = 16 * GI,
					       .price_per_hour = 0.192};
static const struct instance_type c5_large = {.name = "c5.large", .vcpu = 2, .memory = 4 * GI,
					      .price_per_hour = 0.085};
static const struct instance_type c5_xlarge = {.name = "c5.xlarge", .vcpu = 4, .memory = 8 * GI,
					       .price_per_hour = 0.17};
static const struct instance_type t3_xlarge = {.name = "t3.xlarge", .vcpu = 4, .memory = 16 * GI,
					       .price_per_hour = 0.1664};

/* Reference §6.2's case: pods needing 3000m / 6Gi; 1 x m5.xlarge wastes
 * 0.25 + 0.625 = 0.875, 2 x c5.large 0.25 + 0.25 = 0.5: c5.large wins. */
static void least_waste_reference_case(void **state)
{
	struct autoscaler_option v[2] = {
		{0, &m5_xlarge, 1, 3, 3000, 6 * GI},
		{1, &c5_large, 2, 3, 3000, 6 * GI},
	};
	(void)state;
	assert_float_equal(autoscaler_waste(&v[0]), 0.875, 1e-12);
	assert_float_equal(autoscaler_waste(&v[1]), 0.5, 1e-12);
	assert_int_equal(autoscaler_pick(EXPANDER_LEAST_WASTE, v, 2, NULL, NULL), 1);
}

/*
 * Why the whole-run test below uses t3.xlarge and c5.xlarge rather than
 * m5.xlarge and c5.xlarge: m5.xlarge and c5.xlarge have the same vCPUs,
 * c5 half the memory and a lower price. With the same node count c5 wins
 * both (less memory left over, cheaper); when memory-heavy pods need more
 * c5 nodes, c5 loses both (every extra node adds capacity to waste and
 * price). The two expanders only disagree when the cheaper type is the
 * bigger one: t3.xlarge (4 vCPU, 16Gi, 0.1664 USD/h) against c5.xlarge
 * (4 vCPU, 8Gi, 0.17 USD/h). Three pods of 1 CPU / 1Gi fit one node of
 * either:
 *   least-waste: t3 (4000-3000)/4000 + (16-3)/16 = 0.25 + 0.8125 = 1.0625,
 *                c5 0.25 + (8-3)/8 = 0.25 + 0.625 = 0.875 -> c5.xlarge;
 *   price:       t3 0.1664 x 1 / 3 = 0.0555 USD per pod-hour,
 *                c5 0.17 x 1 / 3 = 0.0567 -> t3.xlarge.
 */
static void expanders_disagree_scores(void **state)
{
	struct autoscaler_option v[2] = {
		{0, &t3_xlarge, 1, 3, 3000, 3 * GI},
		{1, &c5_xlarge, 1, 3, 3000, 3 * GI},
	};
	(void)state;
	assert_float_equal(autoscaler_waste(&v[0]), 1.0625, 1e-12);
	assert_float_equal(autoscaler_waste(&v[1]), 0.875, 1e-12);
	assert_float_equal(autoscaler_price(&v[0]), 0.1664 / 3, 1e-12);
	assert_float_equal(autoscaler_price(&v[1]), 0.17 / 3, 1e-12);
	assert_int_equal(autoscaler_pick(EXPANDER_LEAST_WASTE, v, 2, NULL, NULL), 1);
	assert_int_equal(autoscaler_pick(EXPANDER_PRICE, v, 2, NULL, NULL), 0);
}

static uint64_t pick_last(void *ctx, uint64_t n)
{
	(void)ctx;
	return n - 1;
}

/* most-pods takes the option scheduling most pods; ties (and random,
 * where everything ties) go to the random fallback. */
static void most_pods_and_random(void **state)
{
	struct autoscaler_option v[3] = {
		{0, &m5_xlarge, 1, 2, 2000, 2 * GI},
		{1, &c5_xlarge, 2, 5, 5000, 5 * GI},
		{2, &t3_xlarge, 2, 5, 5000, 5 * GI},
	};
	(void)state;
	assert_int_equal(autoscaler_pick(EXPANDER_MOST_PODS, v, 3, NULL, NULL), 1);
	assert_int_equal(autoscaler_pick(EXPANDER_MOST_PODS, v, 3, pick_last, NULL), 2);
	assert_int_equal(autoscaler_pick(EXPANDER_RANDOM, v, 3, NULL, NULL), 0);
	assert_int_equal(autoscaler_pick(EXPANDER_RANDOM, v, 3, pick_last, NULL), 2);
}

/* Reference §6.3 (info_test.go): node 2000m / 2000000 B, pods (100m,
 * 200000 B) x 2 and one without requests: CPU 0.1, memory 0.2 -> 0.2. */
static void utilization_reference_case(void **state)
{
	struct node n;
	(void)state;
	memset(&n, 0, sizeof(n));
	n.alloc_cpu = 2000;
	n.alloc_mem = 2000000;
	n.req_cpu = 2 * 100;
	n.req_mem = 2 * 200000;
	assert_float_equal(autoscaler_utilization(&n), 0.2, 1e-12);
}

/* ---- whole runs ------------------------------------------------------------ */

static const struct res_event *nth_event(const struct results *r, const char *kind, int k)
{
	for (size_t i = 0; i < r->n_events; i++)
		if (!strcmp(r->events[i].kind, kind) && k-- == 0)
			return &r->events[i];
	return NULL;
}

static const struct res_node *node_row(const struct results *r, const char *name)
{
	for (size_t i = 0; i < r->n_nodes; i++)
		if (!strcmp(r->nodes[i].node, name))
			return &r->nodes[i];
	fail_msg("no node %s", name);
	return NULL;
}

static const struct res_pod *pod_row(const struct results *r, const char *name)
{
	for (size_t i = 0; i < r->n_pods; i++)
		if (!strcmp(r->pods[i].pod, name))
			return &r->pods[i];
	fail_msg("no pod %s", name);
	return NULL;
}

/*
 * m5.xlarge: allocatable 4000 - 80 = 3920m. The DaemonSet pod (1 CPU)
 * leaves 2920m: w-1 takes api-1 and api-2, api-3..5 fail at t = 0. The
 * first scan (10 s) finds them unschedulable; a template node also runs
 * the DaemonSet pod, so it takes 2 of them: 2 nodes (without the
 * DaemonSet it would be 1). They join at 10 (billed from then) and are
 * Ready at 10 + boot_time 90 = 100; the scans in between see the pending
 * pods fit the upcoming nodes and add nothing. The pods are bound at 100
 * and Ready at 100 + pull 7 + ready_after 3 = 110.
 */
static void scale_up_timing(void **state)
{
	struct scenario sc;
	struct results res;
	const struct res_event *e;
	(void)state;

	tu_simulate("up.yaml",
		    "name: up\nduration: 15m\nsample_interval: 1m\n"
		    "autoscaler: {enabled: true}\n"
		    "node_groups:\n  - {name: w, instance_type: m5.xlarge, count: 1, max: 4,"
		    " boot_time: 90s}\n"
		    "workloads:\n"
		    "  - {name: agent, kind: DaemonSet, requests: {cpu: 1, memory: 64Mi}}\n"
		    "  - name: api\n    replicas: 5\n    requests: {cpu: 1, memory: 1Gi}\n"
		    "    startup: {pull: 7s, ready_after: 3s}\n",
		    &sc, &res);
	assert_int_equal(tu_count_events(&res, "ScaleUp", NULL), 1);
	e = nth_event(&res, "ScaleUp", 0);
	assert_float_equal(e->t, 10.0, 0);
	assert_string_equal(e->object, "w");
	assert_non_null(strstr(e->message, "size to 3 instead of 1"));
	for (int i = 2; i <= 3; i++) {
		char name[16];
		const struct res_node *n;
		snprintf(name, sizeof(name), "w-%d", i);
		n = node_row(&res, name);
		assert_float_equal(n->created_t, 10.0, 0);
		assert_float_equal(n->ready_t, 100.0, 0);
		/* billed from launch: 0.192 USD/h x (900 - 10) s */
		assert_float_equal(n->cost_usd, 0.192 * 890.0 / 3600.0, 1e-9);
	}
	for (int i = 3; i <= 5; i++) {
		char name[16];
		const struct res_pod *p;
		snprintf(name, sizeof(name), "api-%d", i);
		p = pod_row(&res, name);
		assert_float_equal(p->scheduled_t, 100.0, 0);
		assert_float_equal(p->ready_t, 110.0, 0);
	}
	assert_float_equal(pod_row(&res, "agent-w-2")->created_t, 100.0, 0);
	/* summary: 3 nodes at most; 3 pods pending 100 s each; at t = 0 the
	 * DaemonSet pod and the 5 api pods are all created before the first
	 * scheduling pass: 6 pending at once. */
	assert_int_equal(res.summary.max_nodes, 3);
	assert_float_equal(res.summary.pending_pod_seconds, 300.0, 1e-9);
	assert_int_equal(res.summary.max_pending_pods, 6);
	results_release(&res);
	scenario_release(&sc);
}

#define EXPANDER_YAML(expander)                                                               \
	"name: exp\nduration: 5m\nsample_interval: 1m\n"                                      \
	"autoscaler: {enabled: true, expander: " expander "}\n"                                \
	"node_groups:\n"                                                                       \
	"  - {name: general, instance_type: t3.xlarge, count: 0, max: 2}\n"                    \
	"  - {name: compute, instance_type: c5.xlarge, count: 0, max: 2}\n"                    \
	"workloads:\n  - {name: api, replicas: 3, requests: {cpu: 1, memory: 1Gi}}\n"

/* The case of expanders_disagree_scores through a run: price grows the
 * t3.xlarge group, least-waste the c5.xlarge one, by one node. */
static void expanders_disagree_run(void **state)
{
	static const char *const exp[] = {"price", "least-waste"};
	static const char *const want[] = {"general", "compute"};
	(void)state;

	for (int i = 0; i < 2; i++) {
		struct scenario sc;
		struct results res;
		char yaml[1024];
		const struct res_event *e;
		snprintf(yaml, sizeof(yaml), EXPANDER_YAML("%s"), exp[i]);
		tu_simulate("exp.yaml", yaml, &sc, &res);
		assert_int_equal(tu_count_events(&res, "ScaleUp", NULL), 1);
		e = nth_event(&res, "ScaleUp", 0);
		assert_string_equal(e->object, want[i]);
		assert_non_null(strstr(e->message, "size to 1 instead of 0"));
		assert_int_equal(res.n_nodes, 1);
		assert_string_equal(res.nodes[0].node_group, want[i]);
		for (size_t p = 0; p < res.n_pods; p++)
			assert_string_equal(res.pods[p].node, res.nodes[0].node);
		results_release(&res);
		scenario_release(&sc);
	}
}

/*
 * Load falls, an unneeded node goes 10 minutes later, and the group keeps
 * its min. m5.xlarge nodes take 3 pods of 1 CPU (3920m allocatable); the
 * HPA (target 50 %) follows deterministic traffic (uniform arrivals,
 * exactly 50 ms of CPU each; the timeline is test_hpa's mean-field step):
 *   315  6 pods (policy limit): 3 on each of w-1, w-2;
 *   330  8 pods: 2 fail to schedule; the scan at 330 runs before that
 *        scheduling pass, so the scan at 340 scales w up to 3 nodes;
 *        w-3 is Ready at 340 + 90 = 430 and takes the 2 pods;
 *   1215 back to 2 pods (20 rps since 915, 300 s stabilization): the
 *        newest go, so api-1 and api-2 stay (one on w-1, one on w-2) and
 *        w-3 is empty. w-1 and w-2 are at 1000/3920 = 0.26 < 0.5 too.
 *   1220 first scan with w-3 empty: unneeded since then; w-1's pod would
 *        fit on w-2, so w-1 is unneeded too (w-2's would then have nowhere
 *        to go);
 *   1820 = 1220 + 600: w-3 (empty first) is removed. Not w-1: the group
 *        would go under min 2. (The scale-up at 340 is long past the
 *        10 min delay after add.)
 * Summary: 3 nodes at most; 4 pods pending at once (created at 315
 * before the scheduling pass); 2 pods pending 330 -> 430: 200 s.
 */
static void scale_down_after_unneeded_time(void **state)
{
	struct scenario sc;
	struct results res;
	const struct res_event *e;
	const struct res_node *n;
	(void)state;

	tu_simulate("down.yaml",
		    "name: down\nduration: 2400s\nsample_interval: 15s\n"
		    "autoscaler: {enabled: true}\n"
		    "node_groups:\n  - {name: w, instance_type: m5.xlarge, count: 2, min: 2,"
		    " max: 3, boot_time: 90s}\n"
		    "workloads:\n  - name: api\n    replicas: 2\n"
		    "    requests: {cpu: 1, memory: 256Mi}\n"
		    "    request_cpu: {dist: constant, value: 50ms}\n    concurrency: 1000\n"
		    "    hpa: {min: 2, max: 10, target_cpu_utilization: 50}\n"
		    "traffic:\n  - workload: api\n    arrival: uniform\n"
		    "    rate: {shape: steps, steps: [{at: 0s, rps: 20}, {at: 300s, rps: 80},"
		    " {at: 915s, rps: 20}]}\n",
		    &sc, &res);
	assert_int_equal(tu_count_events(&res, "ScaleUp", NULL), 1);
	assert_float_equal(nth_event(&res, "ScaleUp", 0)->t, 340.0, 0);
	assert_float_equal(node_row(&res, "w-3")->ready_t, 430.0, 0);
	assert_float_equal(nth_event(&res, "HPAScale", 2)->t, 1215.0, 0);

	assert_int_equal(tu_count_events(&res, "ScaleDown", NULL), 1);
	e = nth_event(&res, "ScaleDown", 0);
	assert_float_equal(e->t, 1820.0, 0);
	assert_string_equal(e->object, "w");
	assert_string_equal(e->node, "w-3");
	assert_int_equal(tu_count_events(&res, "NodeRemoved", NULL), 1);
	assert_float_equal(nth_event(&res, "NodeRemoved", 0)->t, 1820.0, 0);
	n = node_row(&res, "w-3");
	assert_float_equal(n->deleted_t, 1820.0, 0);
	/* cost stops at removal: 0.192 USD/h x (1820 - 340) s */
	assert_float_equal(n->cost_usd, 0.192 * 1480.0 / 3600.0, 1e-9);
	assert_true(isnan(node_row(&res, "w-1")->deleted_t));
	assert_true(isnan(node_row(&res, "w-2")->deleted_t));
	assert_int_equal(res.summary.max_nodes, 3);
	assert_int_equal(res.summary.max_pending_pods, 4);
	assert_float_equal(res.summary.pending_pod_seconds, 200.0, 1e-6);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * Drains. Three m5.xlarge with one 1-CPU pod each (default spreading) and
 * a DaemonSet: every node is at 1100/3920 = 0.28. The first scan (10 s)
 * finds w-1's pod fits elsewhere and w-2's too (on w-3), so both are
 * unneeded since 10; the CA's start counts as a scale-up, so nothing goes
 * before 10 + 600 = 610, when w-1 is drained (one drain at a time): its
 * api pod ends with "ScaleDown" and is replaced at once on another node,
 * its DaemonSet pod goes with it and is not recreated, and the node is
 * removed as soon as they are gone. Later scans remove at most one more
 * node (min 1), never two at one time.
 */
static void drain_and_min(void **state)
{
	struct scenario sc;
	struct results res;
	const struct res_event *e;
	int removed, replaced = 0;
	(void)state;

	tu_simulate("drain.yaml",
		    "name: drain\nduration: 3000s\nsample_interval: 1m\n"
		    "autoscaler: {enabled: true}\n"
		    "node_groups:\n  - {name: w, instance_type: m5.xlarge, count: 3, min: 1}\n"
		    "workloads:\n"
		    "  - {name: agent, kind: DaemonSet, requests: {cpu: 100m, memory: 64Mi}}\n"
		    "  - {name: api, replicas: 3, requests: {cpu: 1, memory: 1Gi}}\n",
		    &sc, &res);
	e = nth_event(&res, "ScaleDown", 0);
	assert_non_null(e);
	assert_float_equal(e->t, 610.0, 0);
	assert_string_equal(e->node, "w-1");
	assert_float_equal(node_row(&res, "w-1")->deleted_t, 610.0, 0);
	assert_string_equal(pod_row(&res, "agent-w-1")->end_reason, "ScaleDown");
	for (size_t i = 0; i < res.n_pods; i++) {
		const struct res_pod *p = &res.pods[i];
		if (p->node && !strcmp(p->node, "w-1") && !strncmp(p->pod, "api-", 4)) {
			assert_string_equal(p->end_reason, "ScaleDown");
			assert_float_equal(p->deleted_t, 610.0, 0);
		}
		if (!strncmp(p->pod, "api-", 4) && p->created_t == 610.0) {
			assert_float_equal(p->scheduled_t, 610.0, 0);
			assert_string_not_equal(p->node, "w-1");
			replaced++;
		}
	}
	assert_int_equal(replaced, 1);
	/* The replacement makes one of w-2, w-3 hold 2 pods (2100/3920 =
	 * 0.54, needed); the other is unneeded since 10 (w-2: removable at
	 * the next scan, 620) or since 620 (w-3: removable at 1220). Then the
	 * group is at min 1. */
	removed = tu_count_events(&res, "NodeRemoved", NULL);
	assert_int_equal(removed, 2);
	assert_int_equal(tu_count_events(&res, "ScaleDown", NULL), 2);
	e = nth_event(&res, "ScaleDown", 1);
	assert_true(e->t == (strcmp(e->node, "w-2") == 0 ? 620.0 : 1220.0));
	results_release(&res);
	scenario_release(&sc);
}

/*
 * A node slower to boot (20 min) than max_node_provision_time (15 min)
 * is given up at 10 + 900 = 910: removed, billed 900 s, never Ready. The
 * group then backs off 5 min: the next scale-up is at the first scan from
 * 910 + 300 = 1210 on, and its node is given up at 2110.
 */
static void give_up_slow_node(void **state)
{
	struct scenario sc;
	struct results res;
	const struct res_node *n;
	(void)state;

	tu_simulate("slow.yaml",
		    "name: slow\nduration: 2200s\nsample_interval: 1m\n"
		    "autoscaler: {enabled: true, max_node_provision_time: 15m}\n"
		    "node_groups:\n  - {name: w, instance_type: m5.xlarge, count: 1, max: 2,"
		    " boot_time: 20m}\n"
		    "workloads:\n  - {name: api, replicas: 4, requests: {cpu: 1, memory: 1Gi}}\n",
		    &sc, &res);
	assert_int_equal(tu_count_events(&res, "ScaleUp", NULL), 2);
	assert_float_equal(nth_event(&res, "ScaleUp", 0)->t, 10.0, 0);
	assert_float_equal(nth_event(&res, "ScaleUp", 1)->t, 1210.0, 0);
	n = node_row(&res, "w-2");
	assert_float_equal(n->deleted_t, 910.0, 0);
	assert_true(isnan(n->ready_t));
	assert_float_equal(n->cost_usd, 0.192 * 900.0 / 3600.0, 1e-9);
	assert_float_equal(node_row(&res, "w-3")->deleted_t, 2110.0, 0);
	assert_int_equal(tu_count_events(&res, "NodeRemoved", NULL), 2);
	assert_int_equal(tu_count_events(&res, "NodeReady", NULL), 1);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * How many removable nodes one scale-down update looks for, as
 * core/scaledown/planner/planner.go unneededNodesLimit computes it with
 * --max-scale-down-parallelism N = 10 and --scale-down-unneeded-time
 * U = 10 min: limit = min(unneeded + 2N, N x (U / I) + N), I the shortest
 * interval seen between updates, which starts at U (NewPlanner).
 */
static void unneeded_limit_formula(void **state)
{
	(void)state;
	/* first update: I = U: min(0 + 20, 10 x 1 + 10) */
	assert_int_equal(autoscaler_unneeded_limit(0, 10, 600, 600), 20);
	/* then I = the 10 s scan interval: the bound is 10 x 60 + 10 = 610 */
	assert_int_equal(autoscaler_unneeded_limit(20, 10, 600, 10), 40);
	assert_int_equal(autoscaler_unneeded_limit(453, 10, 600, 10), 473);
	assert_int_equal(autoscaler_unneeded_limit(700, 10, 600, 10), 610);
	/* Go's integer division of durations: 600 s / 7 s = 85 */
	assert_int_equal(autoscaler_unneeded_limit(5000, 10, 600, 7), 10 * 85 + 10);
	/* U below I counts as I: 10 x 1 + 10 */
	assert_int_equal(autoscaler_unneeded_limit(30, 10, 5, 10), 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unneeded_limit_formula),
		cmocka_unit_test(least_waste_reference_case),
		cmocka_unit_test(expanders_disagree_scores),
		cmocka_unit_test(most_pods_and_random),
		cmocka_unit_test(utilization_reference_case),
		cmocka_unit_test(scale_up_timing),
		cmocka_unit_test(expanders_disagree_run),
		cmocka_unit_test(scale_down_after_unneeded_time),
		cmocka_unit_test(drain_and_min),
		cmocka_unit_test(give_up_slow_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
