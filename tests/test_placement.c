/*
 * test_placement.c -- where pods land in whole runs (issue 3): max pods,
 * taints, the crowding of a late worker, topology spread with and without
 * min_domains, required anti-affinity. Numbers from Kubernetes' rules:
 * EKS max pods for t3.medium 3 x (6 - 1) + 2 = 17 (reference §8.1);
 * PodTopologySpread filter and minDomains (reference §2.2).
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "scenario.h"

static const char *cluster_head =
	"duration: 30m\nsample_interval: 1m\n"
	"node_groups:\n"
	"  - name: cp\n    instance_type: t3.medium\n    count: 1\n"
	"    taints: [\"node-role.kubernetes.io/control-plane:NoSchedule\"]\n"
	"  - {name: worker, instance_type: t3.medium, count: 2}\n";

static int pods_on(const struct results *r, const char *node)
{
	int n = 0;
	for (size_t i = 0; i < r->n_pods; i++)
		n += r->pods[i].node && !strcmp(r->pods[i].node, node);
	return n;
}

static int pods_pending(const struct results *r)
{
	int n = 0;
	for (size_t i = 0; i < r->n_pods; i++)
		n += r->pods[i].node == NULL;
	return n;
}

static const struct res_event *last_event(const struct results *r, const char *kind)
{
	const struct res_event *e = NULL;
	for (size_t i = 0; i < r->n_events; i++)
		if (!strcmp(r->events[i].kind, kind))
			e = &r->events[i];
	return e;
}

/* 40 small pods, 2 workers of 17 pods each, a tainted control plane:
 * 34 Running, 6 Pending with kube's FitError text. */
static void forty_pods_two_workers(void **state)
{
	char yaml[2048];
	struct scenario sc;
	struct results res;
	const struct res_event *e;
	(void)state;

	snprintf(yaml, sizeof(yaml),
		 "name: forty\n%s"
		 "workloads:\n  - name: app\n    replicas: 40\n"
		 "    requests: {cpu: 10m, memory: 16Mi}\n",
		 cluster_head);
	tu_simulate("forty.yaml", yaml, &sc, &res);
	assert_int_equal(pods_on(&res, "worker-1"), 17);
	assert_int_equal(pods_on(&res, "worker-2"), 17);
	assert_int_equal(pods_on(&res, "cp-1"), 0);
	assert_int_equal(pods_pending(&res), 6);
	assert_int_equal(res.summary.max_pending_pods, 40);
	e = last_event(&res, "FailedScheduling");
	assert_non_null(e);
	assert_string_equal(e->message,
			    "0/3 nodes are available: 1 node(s) had untolerated taint "
			    "{node-role.kubernetes.io/control-plane: }, 2 Too many pods.");
	results_release(&res);
	scenario_release(&sc);
}

static const char *late_worker =
	"duration: 30m\nsample_interval: 1m\n"
	"node_groups:\n"
	"  - {name: early, instance_type: t3.large, count: 1}\n"
	"  - {name: late, instance_type: t3.large, count: 1, start_at: 5m}\n";

/* The story's crowding: pods created before the second worker joins all
 * land on the first; Kubernetes never moves them, so it stays so. */
static void late_worker_crowding(void **state)
{
	char yaml[2048];
	struct scenario sc;
	struct results res;
	(void)state;

	snprintf(yaml, sizeof(yaml),
		 "name: late\n%s"
		 "workloads:\n  - name: app\n    replicas: 20\n"
		 "    requests: {cpu: 50m, memory: 64Mi}\n",
		 late_worker);
	tu_simulate("late.yaml", yaml, &sc, &res);
	assert_int_equal(pods_on(&res, "early-1"), 20);
	assert_int_equal(pods_on(&res, "late-1"), 0);
	results_release(&res);
	scenario_release(&sc);
}

/* maxSkew 1 DoNotSchedule on hostname with min_domains 2: while one node
 * exists the global minimum counts as 0 (domains 1 < minDomains 2), so only
 * the first pod fits; the rest wait until the second node joins at 5 min
 * and then spread with a difference of at most 1. */
static void spread_min_domains(void **state)
{
	char yaml[2048];
	struct scenario sc;
	struct results res;
	int a, b, early = 0;
	(void)state;

	snprintf(yaml, sizeof(yaml),
		 "name: spread\n%s"
		 "workloads:\n  - name: app\n    replicas: 9\n"
		 "    requests: {cpu: 50m, memory: 64Mi}\n"
		 "    topology_spread:\n"
		 "      - {max_skew: 1, topology_key: kubernetes.io/hostname,\n"
		 "         when_unsatisfiable: DoNotSchedule, min_domains: 2}\n",
		 late_worker);
	tu_simulate("spread.yaml", yaml, &sc, &res);
	a = pods_on(&res, "early-1");
	b = pods_on(&res, "late-1");
	assert_int_equal(a + b, 9);
	assert_true(abs(a - b) <= 1);
	for (size_t i = 0; i < res.n_pods; i++)
		early += res.pods[i].scheduled_t < 300.0;
	assert_int_equal(early, 1);
	results_release(&res);
	scenario_release(&sc);

	/* Without min_domains all nine land on the only node at t = 0. */
	snprintf(yaml, sizeof(yaml),
		 "name: spread0\n%s"
		 "workloads:\n  - name: app\n    replicas: 9\n"
		 "    requests: {cpu: 50m, memory: 64Mi}\n"
		 "    topology_spread:\n"
		 "      - {max_skew: 1, topology_key: kubernetes.io/hostname,\n"
		 "         when_unsatisfiable: DoNotSchedule}\n",
		 late_worker);
	tu_simulate("spread0.yaml", yaml, &sc, &res);
	assert_int_equal(pods_on(&res, "early-1"), 9);
	results_release(&res);
	scenario_release(&sc);
}

/* Required anti-affinity on hostname: 3 replicas, 2 schedulable nodes ->
 * exactly one Pending. */
static void anti_affinity_three_on_two(void **state)
{
	char yaml[2048];
	struct scenario sc;
	struct results res;
	(void)state;

	snprintf(yaml, sizeof(yaml),
		 "name: anti\n%s"
		 "workloads:\n  - name: db\n    replicas: 3\n"
		 "    requests: {cpu: 100m, memory: 128Mi}\n"
		 "    affinity:\n      pod_anti_affinity:\n        required:\n"
		 "          - {topology_key: kubernetes.io/hostname, match_labels: {app: db}}\n",
		 cluster_head);
	tu_simulate("anti.yaml", yaml, &sc, &res);
	assert_int_equal(pods_on(&res, "worker-1"), 1);
	assert_int_equal(pods_on(&res, "worker-2"), 1);
	assert_int_equal(pods_pending(&res), 1);
	results_release(&res);
	scenario_release(&sc);
}

/* DaemonSets: one pod per node they tolerate, including a late joiner. */
static void daemonset_every_node(void **state)
{
	char yaml[2048];
	struct scenario sc;
	struct results res;
	(void)state;

	snprintf(yaml, sizeof(yaml),
		 "name: ds\n%s"
		 "workloads:\n  - name: kube-proxy\n    kind: DaemonSet\n"
		 "    requests: {cpu: 100m, memory: 64Mi}\n",
		 late_worker);
	tu_simulate("ds.yaml", yaml, &sc, &res);
	assert_int_equal(res.n_pods, 2);
	assert_int_equal(pods_on(&res, "early-1"), 1);
	assert_int_equal(pods_on(&res, "late-1"), 1);
	results_release(&res);
	scenario_release(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forty_pods_two_workers),
		cmocka_unit_test(late_worker_crowding),
		cmocka_unit_test(spread_min_domains),
		cmocka_unit_test(anti_affinity_three_on_two),
		cmocka_unit_test(daemonset_every_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
