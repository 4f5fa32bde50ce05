/*
 * test_run.c -- whole runs through run_exec: node joins, billing, the
 * lifecycle of pods, request latency against queueing theory.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "results.h"
#include "scenario.h"

/* One t2.medium for 720 h: 0.0464 USD/h x 720 = 33.408 USD (reference §8.3). */
static void nodes_only_cost(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("cost.yaml",
		    "name: cost\nduration: 720h\nsample_interval: 1h\n"
		    "node_groups:\n  - {name: one, instance_type: t2.medium, count: 1}\n",
		    &sc, &res);
	assert_float_equal(res.summary.cost_usd, 33.408, 0.005);
	assert_float_equal(res.summary.cost_per_month_usd, 33.408, 0.005);
	assert_float_equal(res.summary.node_hours, 720.0, 1e-9);
	assert_int_equal(res.n_nodes, 1);
	assert_int_equal(res.summary.max_nodes, 1);
	results_release(&res);
	scenario_release(&sc);
}

/* Two t2.medium (66.816) and one t2.xlarge (133.632): the story's 2x vs 4x. */
static void story_horizontal_vertical(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("h.yaml",
		    "name: h\nduration: 24h\nsample_interval: 1h\n"
		    "node_groups:\n  - {name: w, instance_type: t2.medium, count: 2}\n",
		    &sc, &res);
	assert_float_equal(res.summary.cost_per_month_usd, 66.816, 0.005);
	results_release(&res);
	scenario_release(&sc);
	tu_simulate("v.yaml",
		    "name: v\nduration: 24h\nsample_interval: 1h\n"
		    "node_groups:\n  - {name: w, instance_type: t2.xlarge, count: 1}\n",
		    &sc, &res);
	assert_float_equal(res.summary.cost_per_month_usd, 133.632, 0.005);
	results_release(&res);
	scenario_release(&sc);
}

/* EKS fee 0.10 USD/h on top of nodes; a group joining at 1h is billed from then. */
static void fees_and_start_at(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("fees.yaml",
		    "name: fees\nduration: 10h\nsample_interval: 1h\n"
		    "cluster: {control_plane_price_per_hour: 0.10}\n"
		    "node_groups:\n  - {name: late, instance_type: m5.large, count: 1, start_at: 1h}\n",
		    &sc, &res);
	/* m5.large 0.096 USD/h x 9 h + 0.10 x 10 h = 0.864 + 1.0 */
	assert_float_equal(res.summary.cost_usd, 1.864, 1e-9);
	assert_float_equal(res.nodes[0].created_t, 3600.0, 0);
	results_release(&res);
	scenario_release(&sc);
}

/* Pull 10 s then ready 5 s later: Scheduled at 0, Started at 10, Ready at 15. */
static void pod_lifecycle_times(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("life.yaml",
		    "name: life\nduration: 1m\n"
		    "node_groups:\n  - {name: w, instance_type: m5.large, count: 1}\n"
		    "workloads:\n  - name: web\n    replicas: 2\n"
		    "    requests: {cpu: 100m, memory: 64Mi}\n"
		    "    startup: {pull: 10s, ready_after: 5s}\n",
		    &sc, &res);
	assert_int_equal(res.n_pods, 2);
	for (size_t i = 0; i < res.n_pods; i++) {
		assert_float_equal(res.pods[i].scheduled_t, 0.0, 0);
		assert_float_equal(res.pods[i].ready_t, 15.0, 0);
		assert_string_equal(res.pods[i].node, "w-1");
	}
	assert_int_equal(tu_count_events(&res, "Scheduled", NULL), 2);
	assert_int_equal(tu_count_events(&res, "Started", NULL), 2);
	assert_int_equal(tu_count_events(&res, "Ready", NULL), 2);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * M/M/1 processor sharing through the whole simulator: lambda 8/s,
 * exponential 100 ms of CPU (mu 10/s), limit 1 core: T = 1/(mu - lambda)
 * = 0.5 s (reference §9, M/M/1-PS row). 20 simulated hours give ~576k
 * requests; the run's mean is within 3 % (the batch-means 95 % interval
 * at this length is about +-2 %, test_serve measures it).
 */
static void mm1_ps_latency(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("mm1.yaml",
		    "name: mm1\nduration: 20h\nsample_interval: 10m\nwarmup: 10m\n"
		    "node_groups:\n  - {name: w, instance_type: m5.xlarge, count: 1}\n"
		    "workloads:\n  - name: api\n    requests: {cpu: 1, memory: 256Mi}\n"
		    "    limits: {cpu: 1, memory: 1Gi}\n"
		    "    request_cpu: {dist: exponential, mean: 100ms}\n"
		    "    concurrency: 10000\n    startup: {pull: 0s, ready_after: 0s}\n"
		    "traffic:\n  - {workload: api, rate: {shape: constant, rps: 8}, timeout: 1h}\n",
		    &sc, &res);
	assert_int_equal(res.summary.errors, 0);
	assert_true(res.summary.requests > 500000);
	assert_float_equal(res.summary.latency_mean_ms, 500.0, 15.0);
	results_release(&res);
	scenario_release(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nodes_only_cost),
		cmocka_unit_test(story_horizontal_vertical),
		cmocka_unit_test(fees_and_start_at),
		cmocka_unit_test(pod_lifecycle_times),
		cmocka_unit_test(mm1_ps_latency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
