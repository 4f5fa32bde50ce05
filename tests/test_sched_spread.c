/*
 * test_sched_spread.c -- PodTopologySpread, ported from
 * pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go
 * (TestSingleConstraint: F1-F8), test/integration/scheduler/filters
 * (minDomains: D1-D4), scoring_test.go (TestPodTopologySpreadScore:
 * S1-S8), reference §2; plus whole-scheduler runs of minDomains.
 *
 * Adaptation: there is one namespace here, so F3's pods "in a different
 * namespace" become pods the selector does not match (both do not count).
 */
#include "sched_fixture.h"

#include <stdio.h>

enum { OK = SCHED_OK, U = SCHED_UNSCHEDULABLE, UU = SCHED_UNRESOLVABLE };

/* The four nodes of TestSingleConstraint: node-a, node-b in zone1,
 * node-x, node-y in zone2, each labelled node=<name>. */
static void four_nodes(struct fx *f, const char *b_labels)
{
	static const char *const labels[4] = {"zone=zone1,node=node-a", NULL,
					      "zone=zone2,node=node-x", "zone=zone2,node=node-y"};
	static const char *const names[4] = {"node-a", "node-b", "node-x", "node-y"};
	int t = fx_type(f, "big", 64, 1LL << 40, 110);

	for (int i = 0; i < 4; i++)
		fx_group(f, names[i], t, i == 1 ? b_labels : labels[i], "", "");
}

struct fcase {
	const char *name;
	const char *b_labels;
	int existing[4];      /* matching pods on a, b, x, y */
	int other[4];         /* pods the selector does not match */
	int terminating[4];   /* matching pods being deleted */
	const char *key;
	int max_skew;
	int want[4];
};

static void run_filter(const struct fcase *fc)
{
	struct fx f;
	struct node *n[4];
	struct workload *in, *ex, *other;
	struct pod *p;

	fx_init(&f);
	four_nodes(&f, fc->b_labels ? fc->b_labels : "zone=zone1,node=node-b");
	in = fx_wl(&f, "p", "foo", 0, 0);
	fx_spread(&f, in, fc->max_skew, fc->key, 1, "foo exists", 0);
	ex = fx_wl(&f, "ex", "foo", 0, 0);
	other = fx_wl(&f, "other", "bar", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 4; i++) {
		n[i] = fx_node(&f, i, 1);
		for (int k = 0; k < fc->existing[i]; k++)
			fx_bound(&f, ex, n[i]);
		for (int k = 0; k < fc->other[i]; k++)
			fx_bound(&f, other, n[i]);
		for (int k = 0; k < fc->terminating[i]; k++)
			cluster_pod_terminate(&f.c, fx_bound(&f, ex, n[i]), 0);
	}
	p = fx_pod(&f, in);
	for (int i = 0; i < 4; i++) {
		char why[256];
		int got = sched_filter_node(&f.s, p, n[i], why, sizeof(why));
		if (got != fc->want[i])
			fail_msg("%s: node %d: got %d (%s), want %d", fc->name, i, got, why,
				 fc->want[i]);
		if (got == U)
			assert_string_equal(why,
					    "node(s) didn't match pod topology spread constraints");
		if (got == UU)
			assert_string_equal(why, "node(s) didn't match pod topology spread "
						 "constraints (missing required label)");
	}
	fx_release(&f);
}

/* filtering_test.go TestSingleConstraint. */
static void test_filter_single_constraint(void **state)
{
	static const struct fcase cases[] = {
		{"no existing pods", NULL, {0}, {0}, {0}, "zone", 1, {OK, OK, OK, OK}},
		/* zone1 = 2+1, zone2 = 3: skew 3 + 1 - 3 = 1 everywhere */
		{"pods spread across zones as 3/3, all nodes fit", NULL, {2, 1, 0, 3}, {0}, {0},
		 "zone", 1, {OK, OK, OK, OK}},
		/* zone1 = 0 (only other pods), zone2 = 2: 2 + 1 - 0 > 1 */
		{"existing pods in a different namespace do not count", NULL, {0, 0, 1, 1},
		 {2, 0, 0, 0}, {0}, "zone", 1, {OK, OK, U, U}},
		/* node-b lacks "zone": zone1 = 1 (a), zone2 = 2, min 1 */
		{"pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
		 "zon=zone1,node=node-b", {1, 1, 1, 1}, {0}, {0}, "zone", 1, {OK, UU, U, U}},
		/* per node 2/1/0/3, min 0 */
		{"pods spread across nodes as 2/1/0/3, only node-x fits", NULL, {2, 1, 0, 3}, {0},
		 {0}, "node", 1, {U, U, OK, U}},
		{"pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit", NULL,
		 {2, 1, 0, 3}, {0}, {0}, "node", 2, {U, OK, OK, U}},
		{"pod cannot be scheduled as all nodes don't have label 'rack'", NULL, {0}, {0},
		 {0}, "rack", 1, {UU, UU, UU, UU}},
		/* node-a's only pod is terminating: a = 0, b = 1 */
		{"terminating Pods should be excluded", NULL, {0, 1, 0, 0}, {0}, {1, 0, 0, 0},
		 "node", 1, {OK, U, OK, OK}},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run_filter(&cases[i]);
}

/* ---- minDomains (test/integration/scheduler/filters TestPodTopologySpreadFilter) */

struct dcase {
	const char *name;
	int pods[4];
	const char *key;
	int max_skew, min_domains;
	int exclude_node0; /* "mock 3-node cluster": nodeAffinity node NotIn node-0 */
	int want[4];       /* 1: candidate */
};

static void run_min_domains(const struct dcase *dc)
{
	struct fx f;
	struct node *n[4];
	struct workload *in, *ex;
	struct pod *p;
	int t;

	fx_init(&f);
	t = fx_type(&f, "big", 64, 1LL << 40, 110);
	fx_group(&f, "node-0", t, "zone=zone-0,node=node-0", "", "");
	fx_group(&f, "node-1", t, "zone=zone-0,node=node-1", "", "");
	fx_group(&f, "node-2", t, "zone=zone-1,node=node-2", "", "");
	fx_group(&f, "node-3", t, "zone=zone-1,node=node-3", "", "");
	in = fx_wl(&f, "p", "foo", 0, 0);
	fx_spread(&f, in, dc->max_skew, dc->key, 1, "foo exists", dc->min_domains);
	if (dc->exclude_node0)
		fx_node_term(&f, in, "node notin node-0", 0);
	ex = fx_wl(&f, "ex", "foo", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 4; i++) {
		n[i] = fx_node(&f, i, 1);
		for (int k = 0; k < dc->pods[i]; k++)
			fx_bound(&f, ex, n[i]);
	}
	p = fx_pod(&f, in);
	for (int i = 0; i < 4; i++) {
		int ok = sched_filter_node(&f.s, p, n[i], NULL, 0) == SCHED_OK;
		if (ok != dc->want[i])
			fail_msg("%s: node-%d candidate %d, want %d", dc->name, i, ok, dc->want[i]);
	}
	fx_release(&f);
}

static void test_filter_min_domains(void **state)
{
	static const struct dcase cases[] = {
		/* 3 eligible domains < 4: global minimum 0, so only 1 + 1 <= 2 */
		{"pods spread as 2/2/1, maxSkew 2, domains(3) < minDomains(4)", {0, 2, 2, 1},
		 "node", 2, 4, 1, {0, 0, 0, 1}},
		/* 3 >= 2: minimum 1 */
		{"pods spread as 2/2/1, maxSkew 2, domains(3) > minDomains(2)", {0, 2, 2, 1},
		 "node", 2, 2, 1, {0, 1, 1, 1}},
		/* zones 2/1, 2 domains < 3: minimum 0 */
		{"zones 2/1, maxSkew 2, domains(2) < minDomains(3)", {1, 1, 1, 0}, "zone", 2, 3, 0,
		 {0, 0, 1, 1}},
		{"zones 1/2, maxSkew 2, domains(2) > minDomains(1)", {0, 1, 1, 1}, "zone", 2, 1, 0,
		 {1, 1, 1, 1}},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run_min_domains(&cases[i]);
}

/* ---- scores (scoring_test.go TestPodTopologySpreadScore) ------------------ */

struct scase {
	const char *name;
	int pods[4];        /* matching pods on a, b, c/x, d/y */
	int max_skew;
	int key_is_zone;    /* zone: a, b in zone1; x, y in zone2 */
	int scored[4];      /* nodes passed as filtered */
	int b_lacks_key;
	int64_t want[4];    /* for scored nodes */
};

/* key: LABEL_HOSTNAME, or the test's own "node" label (to let node-b
 * lack it), or "zone". Both hostname variants give the same numbers, as
 * upstream computes per-node counts either way. */
static void run_score(const struct scase *sc, const char *key)
{
	struct fx f;
	struct node *n[4], *scored[4];
	struct workload *in, *ex;
	int64_t out[4];
	int ns = 0, t;
	char labels[4][96];

	fx_init(&f);
	t = fx_type(&f, "big", 64, 1LL << 40, 110);
	for (int i = 0; i < 4; i++) {
		snprintf(labels[i], sizeof(labels[i]), "zone=zone%d,%s=n%d", i / 2 + 1,
			 sc->b_lacks_key && i == 1 ? "n" : "node", i);
		fx_group(&f, "n", t, labels[i], "", "");
	}
	in = fx_wl(&f, "p", "foo", 0, 0);
	fx_spread(&f, in, sc->max_skew, key, 0, "foo exists", 0);
	ex = fx_wl(&f, "ex", "foo", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 4; i++) {
		n[i] = cluster_add_node(&f.c, i, i + 1, 0);
		for (int k = 0; k < sc->pods[i]; k++)
			fx_bound(&f, ex, n[i]);
		if (sc->scored[i])
			scored[ns++] = n[i];
	}
	fx_scores(&f, fx_pod(&f, in), PLUGIN_POD_TOPOLOGY_SPREAD, scored, ns, out);
	for (int i = 0, j = 0; i < 4; i++) {
		if (!sc->scored[i])
			continue;
		if (out[j] != sc->want[i])
			fail_msg("%s (key %s): node %d got %lld want %lld", sc->name, key, i,
				 (long long)out[j], (long long)sc->want[i]);
		j++;
	}
	fx_release(&f);
}

static void test_score(void **state)
{
	static const struct scase host[] = {
		/* S1: w = ln(4 + 2); raw round(cnt * w) = 4, 2, 0, 5 -> 100 (5 + 0 - s) / 5 */
		{"one constraint on node, all 4 nodes are candidates", {2, 1, 0, 3}, 1, 0,
		 {1, 1, 1, 1}, 0, {20, 60, 100, 0}},
		/* S2: + (maxSkew - 1) = 1 to every raw score */
		{"one constraint on node, all 4 nodes are candidates, maxSkew=2", {2, 1, 0, 3}, 2,
		 0, {1, 1, 1, 1}, 0, {33, 66, 100, 16}},
		/* S3 */
		{"one constraint on node, all 4 nodes are candidates, maxSkew=3", {4, 3, 2, 1}, 3,
		 0, {1, 1, 1, 1}, 0, {44, 66, 77, 100}},
		/* S5: node-y failed Filter: w = ln(3 + 2); raw 6, 3, 2 */
		{"one constraint on node, 3 out of 4 nodes are candidates", {4, 2, 1, 3}, 1, 0,
		 {1, 1, 1, 0}, 0, {33, 83, 100, 0}},
		/* S8 */
		{"one constraint on node, all nodes have the same number of matching pods",
		 {1, 1, 0, 0}, 1, 0, {1, 1, 0, 0}, 0, {100, 100, 0, 0}},
	};
	/* S6: node-b lacks the key: ignored (0); w = ln(2 + 2); raw 6, 1 */
	static const struct scase lacks = {
		"one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match "
		"topology key",
		{4, 2, 1, 3}, 1, 0, {1, 1, 1, 0}, 1, {16, 0, 100, 0}};
	/* S7: zone1 = 6, zone2 = 1 + 3 (node-y counts though it failed Filter);
	 * w = ln(4); raw 8, 8, 6 -> 100 (8 + 6 - s) / 8 */
	static const struct scase zone = {"one constraint on zone, 3 out of 4 nodes are candidates",
					  {4, 2, 1, 3}, 1, 1, {1, 1, 1, 0}, 0, {75, 75, 100, 0}};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(host); i++) {
		run_score(&host[i], LABEL_HOSTNAME);
		run_score(&host[i], "node");
	}
	run_score(&lacks, "node");
	run_score(&zone, "zone");
}

/* S4 "system defaulting, nodes don't have zone, pods match service": no
 * constraints on the pod; the defaults (hostname maxSkew 3, zone maxSkew 5)
 * select the pod's own workload; no node has a zone, so only hostname
 * counts: raw round(cnt * ln 6 + 2) = 9, 7, 6, 4 -> 44, 66, 77, 100. */
static void test_score_system_defaults(void **state)
{
	struct fx f;
	struct node *n[4];
	struct workload *w;
	int64_t out[4];
	static const int pods[4] = {4, 3, 2, 1};
	static const int64_t want[4] = {44, 66, 77, 100};
	int t;

	(void)state;
	fx_init(&f);
	t = fx_type(&f, "big", 64, 1LL << 40, 110);
	fx_group(&f, "node", t, "", "", "");
	w = fx_wl(&f, "p", "foo", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 4; i++) {
		n[i] = fx_node(&f, 0, i + 1);
		for (int k = 0; k < pods[i]; k++)
			fx_bound(&f, w, n[i]);
	}
	fx_scores(&f, fx_pod(&f, w), PLUGIN_POD_TOPOLOGY_SPREAD, n, 4, out);
	for (int i = 0; i < 4; i++)
		assert_int_equal(out[i], want[i]);
	/* default_spread off: nothing to score (PreScore Skip). */
	f.s.o.cfg.default_spread = 0;
	assert_int_equal(sched_score_nodes(&f.s, fx_pod(&f, w), PLUGIN_POD_TOPOLOGY_SPREAD, n, 4,
					   out), 0);
	fx_release(&f);
}

/* ---- whole scheduler ------------------------------------------------------ */

/* maxSkew 1 DoNotSchedule on hostname with one node: with minDomains 2 the
 * global minimum is 0 (1 domain < 2), so the first pod fits (0 + 1 - 0)
 * and the second does not (1 + 1 - 0 > 1); without minDomains the minimum
 * is the node's own count and every pod fits. */
static void run_single_node(int min_domains, int *bound, char *msg, size_t len)
{
	struct fx f;
	struct workload *w;
	struct sched_result r;
	int t;

	fx_init(&f);
	t = fx_type(&f, "t3.medium", 2, 4LL << 30, 17);
	fx_group(&f, "workers", t, "", "", "");
	w = fx_wl(&f, "web", "app=web", 10, 1 << 20);
	fx_spread(&f, w, 1, LABEL_HOSTNAME, 1, "app=web", min_domains);
	fx_start(&f);
	fx_node(&f, 0, 1);
	for (int i = 0; i < 5; i++)
		sched_enqueue(&f.s, fx_pod(&f, w), 0);
	*bound = 0;
	while (sched_schedule_one(&f.s, 0, &r)) {
		*bound += r.node != NULL;
		if (!r.node)
			snprintf(msg, len, "%s", r.message);
	}
	fx_release(&f);
}

static void test_min_domains_single_node(void **state)
{
	int bound;
	char msg[256] = "";

	(void)state;
	run_single_node(2, &bound, msg, sizeof(msg));
	assert_int_equal(bound, 1);
	assert_string_equal(msg, "0/1 nodes are available: 1 node(s) didn't match pod topology "
				 "spread constraints.");
	run_single_node(0, &bound, msg, sizeof(msg));
	assert_int_equal(bound, 5);
}

/* A control-plane node counts as a hostname domain with 0 pods even though
 * its taint keeps the pod away (nodeTaintsPolicy Ignore is the default),
 * so maxSkew 1 lets each worker hold a single replica: the gotcha of
 * spreading on hostname in a cluster with a tainted node. */
static void test_tainted_node_is_a_domain(void **state)
{
	struct fx f;
	struct workload *w;
	int t, bound;

	(void)state;
	fx_init(&f);
	t = fx_type(&f, "t3.medium", 2, 4LL << 30, 17);
	fx_group(&f, "control-plane", t, "node-role.kubernetes.io/control-plane",
		 "node-role.kubernetes.io/control-plane:NoSchedule", "");
	fx_group(&f, "workers", t, "", "", "");
	w = fx_wl(&f, "web", "app=web", 10, 1 << 20);
	fx_spread(&f, w, 1, LABEL_HOSTNAME, 1, "app=web", 0);
	fx_start(&f);
	fx_node(&f, 0, 1);
	fx_node(&f, 1, 1);
	fx_node(&f, 1, 2);
	for (int i = 0; i < 4; i++)
		sched_enqueue(&f.s, fx_pod(&f, w), 0);
	sched_schedule_all(&f.s, 0, NULL, NULL);
	bound = f.c.bound;
	assert_int_equal(bound, 2);
	assert_int_equal(f.c.nodes[1]->npods, 1);
	assert_int_equal(f.c.nodes[2]->npods, 1);
	fx_release(&f);
}

/* Queueing hints: a pod rejected by PodTopologySpread is moved by events
 * about pods its constraints select, not by others: binding an unrelated
 * pod leaves it in the pool, deleting the web pod that blocks it (a pod
 * event, selected by app=web) moves it; it then binds once its 1 s
 * backoff is over. */
static void test_requeue_hints(void **state)
{
	struct fx f;
	struct workload *web, *other;
	struct sched_result r;
	struct pod *first, *blocked;
	int t;

	(void)state;
	fx_init(&f);
	t = fx_type(&f, "t3.medium", 2, 4LL << 30, 17);
	fx_group(&f, "workers", t, "", "", "");
	web = fx_wl(&f, "web", "app=web", 10, 1 << 20);
	fx_spread(&f, web, 1, LABEL_HOSTNAME, 1, "app=web", 2);
	other = fx_wl(&f, "batch", "app=batch", 10, 1 << 20);
	fx_start(&f);
	fx_node(&f, 0, 1);
	first = fx_pod(&f, web);
	blocked = fx_pod(&f, web);
	sched_enqueue(&f.s, first, 0);
	sched_enqueue(&f.s, blocked, 0);
	sched_schedule_all(&f.s, 0, NULL, NULL);
	assert_int_equal(sched_queue_of(&f.s, blocked), SQ_UNSCHEDULABLE);
	sched_enqueue(&f.s, fx_pod(&f, other), 0.5);
	assert_int_equal(sched_schedule_one(&f.s, 0.5, &r), 1);
	assert_non_null(r.node);
	assert_int_equal(sched_queue_of(&f.s, blocked), SQ_UNSCHEDULABLE);
	cluster_pod_delete(&f.c, first, 0.75);
	sched_cluster_changed(&f.s, SCHED_EV_POD_DELETE, first, 0.75);
	assert_int_equal(sched_queue_of(&f.s, blocked), SQ_BACKOFF);
	assert_int_equal(sched_schedule_one(&f.s, 1, &r), 1);
	assert_ptr_equal(r.pod, blocked);
	assert_non_null(r.node);
	fx_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_single_constraint),
		cmocka_unit_test(test_filter_min_domains),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_score_system_defaults),
		cmocka_unit_test(test_min_domains_single_node),
		cmocka_unit_test(test_tainted_node_is_a_domain),
		cmocka_unit_test(test_requeue_hints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
