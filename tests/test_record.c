/*
 * test_record.c -- what a run writes (record.*, sim/record.c): per-table
 * sample intervals, per-workload aggregation of pod samples, and the auto
 * rule. Expected counts are arithmetic on the scenario (ticks = duration /
 * interval); aggregate rows must equal the sums of the per-pod rows of the
 * same run (same seed), which is their definition.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "record.h"
#include "results.h"
#include "scenario.h"

/* 2 nodes, workloads a (3 pods) and b (2 pods) serving traffic, 10 min
 * sampled every 30 s: 20 ticks. */
#define BASE                                                                           \
	"name: rec\nduration: 10m\nsample_interval: 30s\n"                             \
	"node_groups:\n  - {name: n, instance_type: m5.large, count: 2}\n"               \
	"workloads:\n"                                                                 \
	"  - {name: a, replicas: 3, requests: {cpu: 100m, memory: 64Mi}, concurrency: 4,"  \
	" request_cpu: {dist: exponential, mean: 20ms}, cpu: {idle: 10m},"              \
	" memory: {base: 50Mi}, startup: {pull: 0s, ready_after: 0s}}\n"                \
	"  - {name: b, replicas: 2, requests: {cpu: 100m, memory: 64Mi}, concurrency: 4,"  \
	" request_cpu: {dist: exponential, mean: 20ms}, memory: {base: 30Mi},"          \
	" startup: {pull: 0s, ready_after: 0s}}\n"                                      \
	"traffic:\n  - {workload: a, rate: {shape: constant, rps: 20}}\n"               \
	"  - {workload: b, rate: {shape: constant, rps: 10}}\n"

static size_t rows_at(const struct results *r, double t, const char *wl, double *cpu, double *mem,
		      int *ready)
{
	size_t n = 0;
	*cpu = *mem = 0;
	*ready = 0;
	for (size_t i = 0; i < r->n_pod_samples; i++) {
		const struct res_pod_sample *p = &r->pod_samples[i];
		if (p->t != t || strcmp(p->workload, wl))
			continue;
		*cpu += p->cpu_used;
		*mem += p->mem_used;
		*ready += p->ready;
		n++;
	}
	return n;
}

/* Aggregate rows are the per-pod sums, one row per workload and tick. */
static void test_aggregate_is_sum(void **state)
{
	struct scenario s1, s2;
	struct results pod, agg;
	(void)state;
	tu_simulate("pod.yaml", BASE "record: {pod_samples: pod}\n", &s1, &pod);
	tu_simulate("agg.yaml", BASE "record: {pod_samples: aggregate}\n", &s2, &agg);
	assert_int_equal(pod.n_pod_samples, 20 * 5);
	assert_int_equal(agg.n_pod_samples, 20 * 2);
	for (size_t i = 0; i < agg.n_pod_samples; i++)
		assert_null(agg.pod_samples[i].pod);
	for (int k = 1; k <= 20; k++) {
		static const char *const wl[2] = { "a", "b" };
		for (int w = 0; w < 2; w++) {
			double c1, m1, c2, m2;
			int r1, r2;
			assert_int_equal(rows_at(&pod, 30.0 * k, wl[w], &c1, &m1, &r1), w ? 2 : 3);
			assert_int_equal(rows_at(&agg, 30.0 * k, wl[w], &c2, &m2, &r2), 1);
			assert_float_equal(c1, c2, 1e-9);
			assert_float_equal(m1, m2, 1e-3);
			assert_int_equal(r1, r2);
		}
	}
	/* The CPU is real: 20 rps x 20 ms + 3 x 10m idle = 0.43 cores for a on
	 * average; the last 5 minutes' mean is within 25 % of it. */
	{
		double sum = 0, c, m;
		int r;
		for (int k = 11; k <= 20; k++) {
			rows_at(&agg, 30.0 * k, "a", &c, &m, &r);
			sum += c;
		}
		assert_true(fabs(sum / 10 - 0.43) < 0.25 * 0.43);
	}
	results_release(&pod);
	results_release(&agg);
	scenario_release(&s1);
	scenario_release(&s2);
}

/* Intervals thin node and pod rows to every k-th tick; service rows stay. */
static void test_intervals(void **state)
{
	struct scenario sc;
	struct results r;
	(void)state;
	tu_simulate("iv.yaml",
		    BASE "record: {pod_samples: pod, node_samples_interval: 2m,"
			 " pod_samples_interval: 5m}\n",
		    &sc, &r);
	/* 10 min / 2 min = 5 ticks x 2 nodes; 10 / 5 = 2 ticks x 5 pods; 20 x 2 */
	assert_int_equal(r.n_node_samples, 5 * 2);
	assert_int_equal(r.n_pod_samples, 2 * 5);
	assert_int_equal(r.n_service_samples, 20 * 2);
	for (size_t i = 0; i < r.n_node_samples; i++)
		assert_float_equal(fmod(r.node_samples[i].t, 120.0), 0.0, 1e-9);
	for (size_t i = 0; i < r.n_pod_samples; i++)
		assert_float_equal(fmod(r.pod_samples[i].t, 300.0), 0.0, 1e-9);
	results_release(&r);
	scenario_release(&sc);
}

/* An interval that is not a multiple of sample_interval is an input error. */
static void test_interval_multiple(void **state)
{
	struct scenario sc;
	struct err e;
	const char *f = tu_write_file("bad.yaml", BASE "record: {node_samples_interval: 45s}\n");
	(void)state;
	assert_int_equal(scenario_load(&sc, f, NULL, 0, "models", &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "node_samples_interval"));
	assert_non_null(strstr(e.msg, "multiple of sample_interval"));
}

/* auto: per pod up to RECORD_AUTO_PODS pods, per workload above. */
static void test_auto(void **state)
{
	struct scenario sc;
	struct record_plan p;
	struct err e;
	char yaml[512];
	(void)state;
	for (int big = 0; big < 2; big++) {
		snprintf(yaml, sizeof(yaml),
			 "name: auto\nduration: 1h\n"
			 "node_groups:\n  - {name: n, instance_type: m5.large, count: 1}\n"
			 "workloads:\n  - {name: a, replicas: %d}\n",
			 big ? RECORD_AUTO_PODS + 1 : RECORD_AUTO_PODS);
		const char *f = tu_write_file("auto.yaml", yaml);
		assert_int_equal(scenario_load(&sc, f, NULL, 0, "models", &e), 0);
		assert_int_equal(sc.record.pod_samples, POD_SAMPLES_AUTO);
		record_plan_init(&p, &sc);
		assert_int_equal(p.pod, big ? POD_SAMPLES_AGGREGATE : POD_SAMPLES_POD);
		assert_int_equal(p.node_every, 1);
		scenario_release(&sc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregate_is_sum),
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_interval_multiple),
		cmocka_unit_test(test_auto),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
