/*
 * test_contention.c -- CPU contention, queueing and credits through whole
 * runs (issue 4). Sources: cgroup shares = milliCPU x 1024 / 1000 and CFS
 * quota from limits (reference §7.4); Erlang C (reference §9); burstable
 * credit arithmetic (reference §8.2: t3.medium earns 24 credits/h, baseline
 * 20 % of 2 vCPU, 1 credit = 1 vCPU-minute; unlimited surplus 0.05 USD per
 * vCPU-hour).
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results.h"
#include "scenario.h"

/* Mean cpu_used of a pod over its samples after t0. */
static double pod_cpu(const struct results *r, const char *pod, double t0)
{
	double sum = 0;
	int n = 0;
	for (size_t i = 0; i < r->n_pod_samples; i++)
		if (!strcmp(r->pod_samples[i].pod, pod) && r->pod_samples[i].t > t0) {
			sum += r->pod_samples[i].cpu_used;
			n++;
		}
	return n ? sum / n : NAN;
}

static double node_cpu_at(const struct results *r, const char *node, double t)
{
	for (size_t i = 0; i < r->n_node_samples; i++)
		if (!strcmp(r->node_samples[i].node, node) && r->node_samples[i].t == t)
			return r->node_samples[i].cpu_used;
	return NAN;
}

/* Two pods that each want 2 cores on a 2-vCPU node, requests 250m and
 * 750m: shares 256 and 768, so CPU splits 1:3 -> 0.5 and 1.5 cores. */
static void shares_one_to_three(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("shares.yaml",
		    "name: shares\nduration: 10m\nsample_interval: 1m\n"
		    "node_groups:\n  - {name: n, instance_type: c5.large, count: 1}\n"
		    "workloads:\n"
		    "  - {name: a, requests: {cpu: 250m, memory: 64Mi}, cpu: {idle: 2}}\n"
		    "  - {name: b, requests: {cpu: 750m, memory: 64Mi}, cpu: {idle: 2}}\n",
		    &sc, &res);
	assert_float_equal(pod_cpu(&res, "a-1", 0), 0.5, 1e-9);
	assert_float_equal(pod_cpu(&res, "b-1", 0), 1.5, 1e-9);
	results_release(&res);
	scenario_release(&sc);
}

/* A 500m limit is a CFS quota of 50 ms per 100 ms: never above 0.5 core,
 * even alone on an idle node. */
static void limit_caps(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("limit.yaml",
		    "name: limit\nduration: 10m\nsample_interval: 1m\n"
		    "node_groups:\n  - {name: n, instance_type: c5.large, count: 1}\n"
		    "workloads:\n"
		    "  - {name: a, requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m},\n"
		    "     cpu: {idle: 2}}\n",
		    &sc, &res);
	for (size_t i = 0; i < res.n_pod_samples; i++)
		assert_true(res.pod_samples[i].cpu_used <= 0.5 + 1e-9);
	assert_float_equal(pod_cpu(&res, "a-1", 0), 0.5, 1e-9);
	results_release(&res);
	scenario_release(&sc);
}

/* BestEffort (shares 2) next to a busy pod requesting 1900m (shares 1945):
 * with no limit on the busy pod, BestEffort gets 2 x 2/1947 cores; with a
 * Guaranteed 1900m limit it gets what the quota leaves, 0.1 core. */
static void best_effort_starves(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("be.yaml",
		    "name: be\nduration: 10m\nsample_interval: 1m\n"
		    "node_groups:\n  - {name: n, instance_type: c5.large, count: 1}\n"
		    "workloads:\n"
		    "  - {name: be, cpu: {idle: 2}}\n"
		    "  - {name: busy, requests: {cpu: 1900m, memory: 64Mi}, cpu: {idle: 2}}\n",
		    &sc, &res);
	assert_float_equal(pod_cpu(&res, "be-1", 0), 2.0 * 2.0 / 1947.0, 1e-9);
	results_release(&res);
	scenario_release(&sc);
	tu_simulate("be2.yaml",
		    "name: be2\nduration: 10m\nsample_interval: 1m\n"
		    "node_groups:\n  - {name: n, instance_type: c5.large, count: 1}\n"
		    "workloads:\n"
		    "  - {name: be, cpu: {idle: 2}}\n"
		    "  - {name: g, requests: {cpu: 1900m, memory: 64Mi},\n"
		    "     limits: {cpu: 1900m, memory: 64Mi}, cpu: {idle: 2}}\n",
		    &sc, &res);
	assert_float_equal(pod_cpu(&res, "be-1", 0), 0.1, 1e-9);
	assert_float_equal(pod_cpu(&res, "g-1", 0), 1.9, 1e-9);
	results_release(&res);
	scenario_release(&sc);
}

static double erlang_c(int c, double a)
{
	double b = 1.0; /* Erlang B recursion, reference §9 */
	for (int k = 1; k <= c; k++)
		b = a * b / (k + a * b);
	return c * b / (c - a * (1 - b));
}

/*
 * M/M/4 FCFS: concurrency 4, limit 4 cores on an 8-vCPU node, exponential
 * 100 ms of CPU (mu = 10/s), lambda = 28/s: rho = 0.7, a = 2.8.
 * Wq = C(4, 2.8) / (c mu - lambda) = 0.4287 / 12 = 35.7 ms. Mean latency
 * minus the mean service time is within 3 % of it (1.2 M requests; the
 * 95 % interval of the simulated Wq at this length is about +-2 %).
 */
static void mmc_erlang_c(void **state)
{
	struct scenario sc;
	struct results res;
	double wq, want = erlang_c(4, 2.8) / (40.0 - 28.0) * 1000.0;
	(void)state;
	tu_simulate("mmc.yaml",
		    "name: mmc\nduration: 12h\nsample_interval: 1h\nwarmup: 5m\n"
		    "node_groups:\n  - {name: n, instance_type: m5.2xlarge, count: 1}\n"
		    "workloads:\n  - name: api\n    requests: {cpu: 4, memory: 1Gi}\n"
		    "    limits: {cpu: 4, memory: 1Gi}\n    concurrency: 4\n"
		    "    request_cpu: {dist: exponential, mean: 100ms}\n"
		    "    startup: {pull: 0s, ready_after: 0s}\n"
		    "traffic:\n  - {workload: api, rate: {shape: constant, rps: 28}, timeout: 1h}\n",
		    &sc, &res);
	assert_float_equal(erlang_c(4, 2.8), 0.4287, 0.0001);
	wq = res.summary.latency_mean_ms - 100.0;
	assert_float_equal(wq, want, 0.03 * want);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * t3.medium switched to standard mode with 576 credits, loaded with 2
 * cores: the balance falls at 2/60 - 24/3600 = 0.02667 credits/s and is
 * empty at 576 / 0.02667 = 21600 s (6 h); from then on the node delivers
 * the baseline, 0.2 x 2 = 0.4 core.
 */
static void credits_standard_exhaust(void **state)
{
	struct scenario sc;
	struct results res;
	const struct res_event *ev = NULL;
	(void)state;
	tu_simulate("credits.yaml",
		    "name: credits\nduration: 8h\nsample_interval: 15m\n"
		    "instance_types: [{name: t3.medium, burstable: {mode: standard, initial_credits: 576}}]\n"
		    "node_groups:\n  - {name: n, instance_type: t3.medium, count: 1}\n"
		    "workloads:\n  - {name: hog, cpu: {idle: 2}}\n",
		    &sc, &res);
	for (size_t i = 0; i < res.n_events; i++)
		if (!strcmp(res.events[i].kind, "CreditsExhausted"))
			ev = &res.events[i];
	assert_non_null(ev);
	assert_float_equal(ev->t, 21600.0, 1e-6);
	assert_float_equal(node_cpu_at(&res, "n-1", 6 * 3600.0), 2.0, 1e-9);
	assert_float_equal(node_cpu_at(&res, "n-1", 7 * 3600.0), 0.4, 1e-9);
	assert_float_equal(res.summary.credits_exhausted_seconds, 7200.0, 1e-6);
	results_release(&res);
	scenario_release(&sc);
}

/* Unlimited (t3's default, no launch credits): 2 cores for 1 h spend
 * (2 - 0.4) x 60 = 96 surplus credits, charged 96 x 0.05 / 60 = 0.08 USD
 * on top of 0.0416 USD for the hour. */
static void credits_unlimited_charge(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("unl.yaml",
		    "name: unl\nduration: 1h\nsample_interval: 15m\n"
		    "node_groups:\n  - {name: n, instance_type: t3.medium, count: 1}\n"
		    "workloads:\n  - {name: hog, cpu: {idle: 2}}\n",
		    &sc, &res);
	assert_float_equal(res.summary.cost_usd, 0.0416 + 0.08, 1e-9);
	assert_float_equal(node_cpu_at(&res, "n-1", 3600.0), 2.0, 1e-9);
	results_release(&res);
	scenario_release(&sc);
}

/* Peak RSS (KiB) of a child process that runs the scenario. */
static long child_rss(const char *name, const char *yaml)
{
	pid_t pid = fork();
	int st;
	struct rusage ru;
	if (pid == 0) {
		struct scenario sc;
		struct results res;
		tu_simulate(name, yaml, &sc, &res);
		_exit(res.summary.requests > 0 ? 0 : 3);
	}
	assert_true(wait4(pid, &st, 0, &ru) == pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return ru.ru_maxrss;
}

/* 10x the requests in the same simulated time, same samples: memory does
 * not grow with the number of requests (histograms, pooled requests). */
static void memory_flat_in_requests(void **state)
{
	char a[1024], b[1024];
	long ra, rb;
	(void)state;
#define FLAT_YAML                                                               \
	"name: flat\nduration: 2h\nsample_interval: 5m\n"                        \
	"node_groups:\n  - {name: n, instance_type: m5.xlarge, count: 1}\n"       \
	"workloads:\n  - name: api\n    replicas: 2\n"                             \
	"    requests: {cpu: 1, memory: 256Mi}\n    concurrency: 100\n"            \
	"    request_cpu: {dist: exponential, mean: %s}\n"                         \
	"traffic:\n  - {workload: api, rate: {shape: constant, rps: %d}}\n"
	snprintf(a, sizeof(a), FLAT_YAML, "10ms", 10);
	snprintf(b, sizeof(b), FLAT_YAML, "1ms", 100);
	ra = child_rss("flat-a.yaml", a);
	rb = child_rss("flat-b.yaml", b);
	assert_true(rb < ra * 1.2 + 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shares_one_to_three),
		cmocka_unit_test(limit_caps),
		cmocka_unit_test(best_effort_starves),
		cmocka_unit_test(mmc_erlang_c),
		cmocka_unit_test(credits_standard_exhaust),
		cmocka_unit_test(credits_unlimited_charge),
		cmocka_unit_test(memory_flat_in_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
