/*
 * test_helper.c -- sim/helper.c and the walks it splits: both parts run
 * exactly once per split, part 1 on the helper's thread; and a run with
 * the helper (run_opts.threads = 2) writes exactly the rows of a run
 * without it, samples, HPA decisions and events included (helper.h's
 * determinism rule: the split is the same on one thread or two).
 */
#include "testutil.h"

#include <pthread.h>
#include <string.h>

#include "helper.h"
#include "results.h"
#include "scenario.h"

struct job {
	pthread_t caller;
	int calls[2];
	int on_caller[2];
	int order[2], n;
};

static void part_fn(void *arg, int part)
{
	struct job *j = arg;

	j->calls[part]++;
	j->on_caller[part] += pthread_equal(pthread_self(), j->caller) != 0;
	if (j->n < 2)
		j->order[j->n++] = part;
}

static void test_split(void **state)
{
	struct helper *h = helper_new();
	(void)state;
	assert_non_null(h);
	for (int k = 0; k < 2000; k++) {
		struct job j = { pthread_self(), { 0, 0 }, { 0, 0 }, { -1, -1 }, 0 };
		helper_split(h, part_fn, &j);
		assert_int_equal(j.calls[0], 1);
		assert_int_equal(j.calls[1], 1);
		assert_int_equal(j.on_caller[0], 1); /* part 0 here */
		assert_int_equal(j.on_caller[1], 0); /* part 1 on the helper */
	}
	helper_free(h);
	/* Without a helper: both parts here, 0 first. */
	struct job j = { pthread_self(), { 0, 0 }, { 0, 0 }, { -1, -1 }, 0 };
	helper_split(NULL, part_fn, &j);
	assert_int_equal(j.on_caller[0] + j.on_caller[1], 2);
	assert_int_equal(j.order[0], 0);
	assert_int_equal(j.order[1], 1);
	helper_free(NULL);
}

static void test_range(void **state)
{
	int a, b, c, d;
	(void)state;
	/* Halves cover every item once; the odd one goes to part 1. */
	helper_range(7, 0, &a, &b);
	helper_range(7, 1, &c, &d);
	assert_true(a == 0 && b == 3 && c == 3 && d == 7);
	helper_range(0, 1, &c, &d);
	assert_true(c == 0 && d == 0);
}

/* 5 nodes (halves of 2 and 3), per-workload pod samples, an HPA that
 * scales up at the step and down after it, a second workload without. */
static const char yaml[] =
	"name: two-threads\nduration: 1500s\nsample_interval: 15s\n"
	"record: {pod_samples: aggregate}\n"
	"node_groups:\n  - {name: w, instance_type: m5.xlarge, count: 5}\n"
	"workloads:\n"
	"  - name: api\n    replicas: 2\n    requests: {cpu: 500m, memory: 256Mi}\n"
	"    request_cpu: {dist: exponential, mean: 50ms}\n    concurrency: 100\n"
	"    memory: {base: 100Mi}\n"
	"    hpa: {min: 1, max: 12, target_cpu_utilization: 50}\n"
	"  - name: web\n    replicas: 3\n    requests: {cpu: 200m, memory: 128Mi}\n"
	"    request_cpu: {dist: exponential, mean: 10ms}\n    concurrency: 8\n"
	"traffic:\n"
	"  - workload: api\n    rate: {shape: steps, steps: [{at: 0s, rps: 10}, {at: 300s, rps: 60},"
	" {at: 900s, rps: 10}]}\n"
	"  - {workload: web, rate: {shape: constant, rps: 30}}\n";

static void same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_true(a == b);
	else
		assert_string_equal(a, b);
}

/* Bitwise equality of doubles (NAN included). */
static void same_real(double a, double b)
{
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_same_rows(void **state)
{
	struct scenario s1, s2;
	struct results a, b;
	(void)state;
	tu_simulate_threads("one.yaml", yaml, 1, &s1, &a);
	tu_simulate_threads("two.yaml", yaml, 2, &s2, &b);
	/* The HPA scaled (both walks ran with pods in both halves). */
	assert_true(tu_count_events(&a, "HPAScale", "api") >= 2);
	assert_memory_equal(&a.summary, &b.summary, sizeof(a.summary));
	assert_int_equal(a.n_events, b.n_events);
	for (size_t i = 0; i < a.n_events; i++) {
		same_real(a.events[i].t, b.events[i].t);
		same_str(a.events[i].kind, b.events[i].kind);
		same_str(a.events[i].object, b.events[i].object);
		same_str(a.events[i].message, b.events[i].message);
	}
	assert_int_equal(a.n_node_samples, b.n_node_samples);
	assert_int_equal(a.n_node_samples, 100 * 5);
	for (size_t i = 0; i < a.n_node_samples; i++) {
		const struct res_node_sample *x = &a.node_samples[i], *y = &b.node_samples[i];
		same_str(x->node, y->node);
		same_real(x->t, y->t);
		same_real(x->cpu_used, y->cpu_used);
		same_real(x->mem_used, y->mem_used);
		same_real(x->credits, y->credits);
		assert_int_equal(x->pods, y->pods);
	}
	assert_int_equal(a.n_pod_samples, b.n_pod_samples);
	assert_int_equal(a.n_pod_samples, 100 * 2);
	for (size_t i = 0; i < a.n_pod_samples; i++) {
		const struct res_pod_sample *x = &a.pod_samples[i], *y = &b.pod_samples[i];
		same_str(x->workload, y->workload);
		same_real(x->cpu_used, y->cpu_used);
		same_real(x->mem_used, y->mem_used);
		assert_int_equal(x->inflight, y->inflight);
		assert_int_equal(x->ready, y->ready);
	}
	assert_int_equal(a.n_service_samples, b.n_service_samples);
	for (size_t i = 0; i < a.n_service_samples; i++) {
		same_real(a.service_samples[i].p99_ms, b.service_samples[i].p99_ms);
		assert_int_equal(a.service_samples[i].replicas, b.service_samples[i].replicas);
	}
	results_release(&a);
	results_release(&b);
	scenario_release(&s1);
	scenario_release(&s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_same_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
