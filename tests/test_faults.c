/*
 * test_faults.c -- node failures and spot interruptions (sim/faults.c,
 * docs/faults.md): whole runs, asserted with Kubernetes' and EC2's
 * numbers and the Poisson model.
 */
#include <math.h>
#include <string.h>

#include "faults.h"
#include "results.h"
#include "run.h"
#include "scenario.h"
#include "testutil.h"
#include "ydoc.h"

static const struct res_event *event(const struct results *r, const char *kind,
				     const char *object)
{
	for (size_t i = 0; i < r->n_events; i++)
		if (strcmp(r->events[i].kind, kind) == 0 &&
		    (!object || strcmp(r->events[i].object, object) == 0))
			return &r->events[i];
	fail_msg("no %s event for %s", kind, object ? object : "any object");
	return NULL;
}

static const struct res_node *node_row(const struct results *r, const char *name)
{
	for (size_t i = 0; i < r->n_nodes; i++)
		if (strcmp(r->nodes[i].node, name) == 0)
			return &r->nodes[i];
	fail_msg("no node %s", name);
	return NULL;
}

/* Three m5.large, one web pod on each (least-allocated spreads them), 30
 * rps of 10 ms round-robin; w-1 fails at 10 m. */
static const char failure_yaml[] =
	"name: fail\nduration: 30m\nsample_interval: 10s\n"
	"node_groups:\n  - {name: w, instance_type: m5.large, count: 3}\n"
	"workloads:\n  - name: web\n    replicas: 3\n"
	"    requests: {cpu: 500m, memory: 256Mi}\n    concurrency: 10\n"
	"    startup: {pull: 0s, ready_after: 0s}\n"
	"    request_cpu: {dist: constant, value: 10ms}\n"
	"traffic:\n  - {workload: web, rate: {shape: constant, rps: 30}}\n"
	"faults:\n  node_failures:\n    - {node_group: w, at: 10m, node: w-1}\n";

static void node_failure_at(void **state)
{
	struct scenario sc;
	struct results res;
	const double t = 600.0;
	const double not_ready = t + FAULTS_NODE_MONITOR_GRACE; /* 640 */
	const double evicted = not_ready + FAULTS_TOLERATION;   /* 940 */
	int64_t err_gap = 0, err_other = 0;
	int lost = 0, replaced = 0;
	(void)state;

	/* Kubernetes' defaults: --node-monitor-grace-period 40 s,
	 * --default-unreachable-toleration-seconds 300 s. */
	assert_float_equal(FAULTS_NODE_MONITOR_GRACE, 40.0, 0);
	assert_float_equal(FAULTS_TOLERATION, 300.0, 0);
	tu_simulate("fail.yaml", failure_yaml, &sc, &res);

	assert_float_equal(event(&res, "NodeNotReady", "w-1")->t, not_ready, 1e-9);
	assert_float_equal(event(&res, "NodeRemoved", "w-1")->t, evicted, 1e-9);
	assert_float_equal(node_row(&res, "w-1")->deleted_t, evicted, 1e-9);
	/* The ASG's replacement: launched at the termination, Ready boot_time
	 * (90 s default) later. */
	assert_float_equal(node_row(&res, "w-4")->created_t, evicted, 1e-9);
	assert_float_equal(node_row(&res, "w-4")->ready_t, evicted + 90.0, 1e-9);
	for (size_t i = 0; i < res.n_pods; i++) {
		const struct res_pod *p = &res.pods[i];
		if (p->end_reason && strcmp(p->end_reason, "NodeLost") == 0) {
			lost++;
			assert_string_equal(p->node, "w-1");
			assert_float_equal(p->deleted_t, evicted, 1e-9);
		} else if (p->created_t > 0) {
			/* The ReplicaSet's replacement, created and bound (to w-2 or
			 * w-3: w-4 is still booting) at once. */
			replaced++;
			assert_float_equal(p->created_t, evicted, 1e-9);
			assert_float_equal(p->scheduled_t, evicted, 1e-9);
			assert_true(strcmp(p->node, "w-1") != 0 && strcmp(p->node, "w-4") != 0);
		}
	}
	assert_int_equal(lost, 1);
	assert_int_equal(replaced, 1);

	/* Errors: between the failure and NodeNotReady one request in three
	 * goes to the dead endpoint (round-robin over 3): 30 x 40 / 3 = 400
	 * expected, Poisson arrivals give sd sqrt(1200) / 3 ~ 12; plus the
	 * requests in flight on w-1 at 600 s (~0.1 on average). None before
	 * (0.3 cores of work on 3 pods) nor after (2 pods, then 3). */
	for (size_t i = 0; i < res.n_service_samples; i++) {
		const struct res_service_sample *ss = &res.service_samples[i];
		if (ss->t > t && ss->t <= not_ready)
			err_gap += ss->errors;
		else
			err_other += ss->errors;
		if (ss->t > not_ready && ss->t < evicted)
			assert_int_equal(ss->ready_replicas, 2);
		if (ss->t > evicted + 10)
			assert_int_equal(ss->ready_replicas, 3);
	}
	assert_in_range(err_gap, 400 - 60, 400 + 60);
	assert_int_equal(err_other, 0);
	assert_int_equal(res.summary.errors, err_gap);
	results_release(&res);
	scenario_release(&sc);
}

/* Two spot m5.large at 0.03 USD/h and a DaemonSet; s-1 interrupted at 10 m. */
static void spot_interruption(void **state)
{
	struct scenario sc;
	struct results res;
	const double t = 600.0, end = t + 120.0; /* EC2's two-minute notice */
	int drained = 0, daemon = 0, replaced = 0;
	(void)state;

	tu_simulate("spot.yaml",
		    "name: spot\nduration: 30m\nsample_interval: 1m\n"
		    "node_groups:\n  - {name: s, instance_type: m5.large, count: 2, spot: true,\n"
		    "     spot_price_per_hour: 0.03}\n"
		    "workloads:\n  - name: web\n    replicas: 2\n"
		    "    requests: {cpu: 500m, memory: 256Mi}\n"
		    "  - {name: agent, kind: DaemonSet, requests: {cpu: 50m}}\n"
		    "faults:\n  spot_interruptions:\n    - {node_group: s, at: 10m}\n",
		    &sc, &res);
	/* No node named: the lowest index, s-1. */
	assert_float_equal(event(&res, "SpotInterruption", "s-1")->t, t, 1e-9);
	assert_float_equal(event(&res, "NodeRemoved", "s-1")->t, end, 1e-9);
	assert_float_equal(node_row(&res, "s-1")->deleted_t, end, 1e-9);
	for (size_t i = 0; i < res.n_pods; i++) {
		const struct res_pod *p = &res.pods[i];
		if (p->node && strcmp(p->node, "s-1") == 0) {
			assert_string_equal(p->end_reason, "SpotInterrupted");
			if (strcmp(p->workload, "web") == 0) {
				/* Nothing in flight: deleted at the notice. */
				drained++;
				assert_float_equal(p->deleted_t, t, 1e-9);
			} else {
				/* DaemonSet pods stay until the termination. */
				daemon++;
				assert_float_equal(p->deleted_t, end, 1e-9);
			}
		} else if (strcmp(p->workload, "web") == 0 && p->created_t > 0) {
			/* Replaced at once on s-2 (s-1 cordoned, s-3 not there yet). */
			replaced++;
			assert_float_equal(p->scheduled_t, t, 1e-9);
			assert_string_equal(p->node, "s-2");
		}
	}
	assert_int_equal(drained, 1);
	assert_int_equal(daemon, 1);
	assert_int_equal(replaced, 1);
	/* Cost at the spot price, per second: s-1 0.03 x 720 s, s-2 0.03 x
	 * 1800 s, its replacement s-3 0.03 x 1080 s. */
	assert_float_equal(node_row(&res, "s-1")->cost_usd, 0.03 * 720 / 3600, 1e-12);
	assert_float_equal(node_row(&res, "s-3")->created_t, end, 1e-9);
	assert_float_equal(node_row(&res, "s-3")->cost_usd, 0.03 * 1080 / 3600, 1e-12);
	assert_float_equal(res.summary.cost_usd, 0.03 * (720 + 1800 + 1080) / 3600, 1e-12);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * mtbf: 10 nodes for 100 h, each failing at rate 1 / 200 h: the failures
 * of a run are Poisson with mean 10 x 100 / 200 = 5 (less 0.1 %: a failed
 * slot is down 430 s, 340 s to eviction + 90 s boot, and failures in the
 * last 40 s show no NodeNotReady). Over 50 seeds the mean's standard
 * error is sqrt(5 / 50) = 0.32: 3 SE is 0.95. The sample variance of 50
 * Poisson(5) counts has sd ~ sqrt(2 x 25 / 49 + 5 / 50) = 1.06: a Poisson
 * process, not a fixed count, has it within 5 +- 3.2.
 */
static void mtbf_poisson(void **state)
{
	enum { SEEDS = 50 };
	struct scenario sc;
	struct results res;
	struct err e;
	double sum = 0, sum2 = 0, mean, var;
	(void)state;

	tu_simulate("mtbf.yaml",
		    "name: mtbf\nduration: 100h\nsample_interval: 10h\n"
		    "record: {pod_samples: false}\n"
		    "node_groups:\n  - {name: w, instance_type: m5.large, count: 10}\n"
		    "faults:\n  node_failures:\n    - {node_group: w, mtbf: 200h}\n",
		    &sc, &res);
	results_release(&res);
	for (int k = 0; k < SEEDS; k++) {
		struct run_opts o = {.seed = 1000 + (uint64_t)k};
		int n;
		results_init(&res);
		assert_int_equal(run_exec(&sc, &o, &res, &e), 0);
		n = tu_count_events(&res, "NodeNotReady", NULL);
		/* Every failure is replaced: 10 nodes present at the end. */
		assert_int_equal(tu_count_events(&res, "NodeRemoved", NULL) <= n, 1);
		sum += n;
		sum2 += (double)n * n;
		results_release(&res);
	}
	mean = sum / SEEDS;
	var = (sum2 - SEEDS * mean * mean) / (SEEDS - 1);
	assert_true(fabs(mean - 5.0) < 3 * sqrt(5.0 / SEEDS));
	assert_true(fabs(var - 5.0) < 3.2);
	scenario_release(&sc);
}

static int load(const char *text, struct scenario *sc, struct err *e)
{
	struct ydoc d;
	int rc = ydoc_load_string(&d, "f.yaml", text, strlen(text), e);
	if (rc == 0)
		rc = scenario_from_doc(sc, &d, "models", e);
	ydoc_release(&d);
	return rc;
}

#define GROUP "node_groups:\n  - {name: w, instance_type: m5.large}\n"

/* Bad fault input: exact messages. */
static void schema_errors(void **state)
{
	struct scenario sc;
	struct err e;
	(void)state;

	assert_int_equal(load("name: x\nduration: 1h\n" GROUP
			      "faults:\n  node_failures:\n    - {node_group: w}\n",
			      &sc, &e),
			 ERR_INPUT);
	assert_string_equal(e.msg, "f.yaml:7:7: faults.node_failures[0].at: expected exactly "
				   "one of at and mtbf");
	scenario_release(&sc);
	assert_int_equal(load("name: x\nduration: 1h\n" GROUP
			      "faults:\n  spot_interruptions:\n    - {node_group: w, rate: 0.1}\n",
			      &sc, &e),
			 ERR_INPUT);
	assert_string_equal(e.msg, "f.yaml:7:20: faults.spot_interruptions[0].node_group: "
				   "expected a node group with spot: true, got \"w\"");
	scenario_release(&sc);
	assert_int_equal(load("name: x\nduration: 1h\n" GROUP
			      "faults:\n  node_failures:\n    - {node_group: v, at: 1m}\n",
			      &sc, &e),
			 ERR_INPUT);
	assert_string_equal(e.msg, "f.yaml:7:20: faults.node_failures[0].node_group: expected "
				   "the name of a node group, got \"v\"");
	scenario_release(&sc);
	assert_int_equal(load("name: x\nduration: 1h\n"
			      "node_groups:\n  - {name: w, instance_type: m5.large,"
			      " spot_price_per_hour: 0.01}\n",
			      &sc, &e),
			 ERR_INPUT);
	assert_string_equal(e.msg, "f.yaml:4:61: node_groups[w].spot_price_per_hour: expected "
				   "no spot price without spot: true, got \"0.01\"");
	scenario_release(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_failure_at),
		cmocka_unit_test(spot_interruption),
		cmocka_unit_test(mtbf_poisson),
		cmocka_unit_test(schema_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
