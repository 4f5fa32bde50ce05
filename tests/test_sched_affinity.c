/*
 * test_sched_affinity.c -- InterPodAffinity, ported from
 * pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go
 * (TestPreferredAffinity: I1-I5, reference §3) and filtering_test.go
 * (TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes:
 * the cases without namespaces or invalid selectors), plus whole-scheduler
 * runs: anti-affinity replicas on too few nodes, and pods waiting for the
 * pod they require.
 */
#include "sched_fixture.h"

#include <stdio.h>

enum { OK = SCHED_OK, U = SCHED_UNSCHEDULABLE, UU = SCHED_UNRESOLVABLE };

static const char *const S_AFF = "node(s) didn't match pod affinity rules";
static const char *const S_ANTI = "node(s) didn't match pod anti-affinity rules";
static const char *const S_EXIST = "node(s) didn't satisfy existing pods anti-affinity rules";

/* ---- preferred (Score) ---------------------------------------------------- */

/* Nodes labelled as in TestPreferredAffinity: one group per node. */
static void nodes_of(struct fx *f, const char *const *labels, int n)
{
	int t = fx_type(f, "big", 64, 1LL << 40, 110);
	for (int i = 0; i < n; i++)
		fx_group(f, "n", t, labels[i], "", "");
}

static void expect(const int64_t *got, const int64_t *want, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("%s: node %d got %lld want %lld", name, i + 1, (long long)got[i],
				 (long long)want[i]);
}

/* I1 "Affinity: pod that matches topology key & pods in nodes will get high
 * score comparing to others": region China holds one S1 pod -> raw 5, 0, 0. */
static void test_i1(void **state)
{
	static const char *const labels[] = {"region=China", "region=India", "az=az1"};
	static const int64_t want[] = {100, 0, 0};
	struct fx f;
	struct node *n[3];
	struct workload *in, *s1, *s2;
	int64_t out[3];

	(void)state;
	fx_init(&f);
	nodes_of(&f, labels, 3);
	in = fx_wl(&f, "in", "security=S1", 0, 0);
	fx_term(&f, &in->affinity.preferred, "security in S1", "region", 5);
	s1 = fx_wl(&f, "s1", "security=S1", 0, 0);
	s2 = fx_wl(&f, "s2", "security=S2", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 3; i++)
		n[i] = cluster_add_node(&f.c, i, i + 1, 0);
	fx_bound(&f, s1, n[0]);
	fx_bound(&f, s2, n[1]);
	fx_bound(&f, s1, n[2]);
	fx_scores(&f, fx_pod(&f, in), PLUGIN_INTER_POD_AFFINITY, n, 3, out);
	expect(out, want, 3, "I1");
	fx_release(&f);
}

/* I2 "All the nodes that have the same topology key & label value with one
 * of them has an existing pod that match the affinity rules, have the same
 * score": China holds 4 S2 pods x 6 = 24, India 2 x 6 = 12; the newer
 * min/max normalisation gives India 0 (the old min = 0 one gave 50). */
static void test_i2(void **state)
{
	static const char *const labels[] = {"region=China", "region=India", "region=China",
					     "region=China", "region=India"};
	static const int64_t want[] = {100, 0, 100, 100, 0};
	struct fx f;
	struct node *n[5];
	struct workload *in, *s2;
	int64_t out[5];

	(void)state;
	fx_init(&f);
	nodes_of(&f, labels, 5);
	in = fx_wl(&f, "in", "security=S1", 0, 0);
	fx_term(&f, &in->affinity.preferred, "security in S2", "region", 6);
	s2 = fx_wl(&f, "s2", "security=S2", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 5; i++)
		n[i] = cluster_add_node(&f.c, i, i + 1, 0);
	fx_bound(&f, s2, n[0]);
	fx_bound(&f, s2, n[0]);
	for (int i = 1; i < 5; i++)
		fx_bound(&f, s2, n[i]);
	fx_scores(&f, fx_pod(&f, in), PLUGIN_INTER_POD_AFFINITY, n, 5, out);
	expect(out, want, 5, "I2");
	fx_release(&f);
}

/* I3 "Affinity: nodes in one region has more matching pods comparing to
 * other region, so the region which has more matches will get high score"
 * with affinity3: w 8 (security notin S1, security in S2) and w 2
 * (security exists, wrongkey !exists), both on region: China 2, India
 * 8 + 2 = 10, az1 node no region -> 20, 100, 0. */
static void test_i3(void **state)
{
	static const char *const labels[] = {"region=China", "region=India", "az=az1"};
	static const int64_t want[] = {20, 100, 0};
	struct fx f;
	struct node *n[3];
	struct workload *in, *s1, *s2;
	int64_t out[3];

	(void)state;
	fx_init(&f);
	nodes_of(&f, labels, 3);
	in = fx_wl(&f, "in", "security=S1", 0, 0);
	fx_term(&f, &in->affinity.preferred, "security notin S1,security in S2", "region", 8);
	fx_term(&f, &in->affinity.preferred, "security exists,wrongkey !exists", "region", 2);
	s1 = fx_wl(&f, "s1", "security=S1", 0, 0);
	s2 = fx_wl(&f, "s2", "security=S2", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 3; i++)
		n[i] = cluster_add_node(&f.c, i, i + 1, 0);
	fx_bound(&f, s1, n[0]);
	fx_bound(&f, s2, n[1]);
	fx_bound(&f, s1, n[2]);
	fx_scores(&f, fx_pod(&f, in), PLUGIN_INTER_POD_AFFINITY, n, 3, out);
	expect(out, want, 3, "I3");
	fx_release(&f);
}

/* I4 "Anti Affinity: pod that does not match existing pods in node will get
 * high score": awayFromS1InAz (anti w 5, S1, az): az1 holds an S1 pod ->
 * raw -5 and 0 -> 0, 100. */
static void test_i4(void **state)
{
	static const char *const labels[] = {"az=az1", "region=China"};
	static const int64_t want[] = {0, 100};
	struct fx f;
	struct node *n[2];
	struct workload *in, *s1, *s2;
	int64_t out[2];

	(void)state;
	fx_init(&f);
	nodes_of(&f, labels, 2);
	in = fx_wl(&f, "in", "security=S1", 0, 0);
	fx_term(&f, &in->anti_affinity.preferred, "security in S1", "az", 5);
	s1 = fx_wl(&f, "s1", "security=S1", 0, 0);
	s2 = fx_wl(&f, "s2", "security=S2", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 2; i++)
		n[i] = cluster_add_node(&f.c, i, i + 1, 0);
	fx_bound(&f, s1, n[0]);
	fx_bound(&f, s2, n[1]);
	fx_scores(&f, fx_pod(&f, in), PLUGIN_INTER_POD_AFFINITY, n, 2, out);
	expect(out, want, 2, "I4");
	fx_release(&f);
}

/* I5 "Affinity symmetry: considered only the preferredDuringScheduling in
 * pod affinity symmetry" with hardAffinity on the existing pods: both of
 * their two required terms (region) match the incoming S1 pod, so China
 * and India get 2 x hardPodAffinityWeight 1 each, az1 nothing. */
static void test_i5(void **state)
{
	static const char *const labels[] = {"region=China", "region=India", "az=az1"};
	static const int64_t want[] = {100, 100, 0};
	struct fx f;
	struct node *n[3];
	struct workload *in, *h1, *h2;
	int64_t out[3];

	(void)state;
	fx_init(&f);
	nodes_of(&f, labels, 3);
	in = fx_wl(&f, "in", "security=S1", 0, 0);
	h1 = fx_wl(&f, "h1", "security=S1", 0, 0);
	h2 = fx_wl(&f, "h2", "security=S2", 0, 0);
	for (struct workload *h = h1; h <= h2; h++) {
		fx_term(&f, &h->affinity.required, "security in S1|value2", "region", 0);
		fx_term(&f, &h->affinity.required, "security exists,wrongkey !exists", "region", 0);
	}
	fx_start(&f);
	for (int i = 0; i < 3; i++)
		n[i] = cluster_add_node(&f.c, i, i + 1, 0);
	fx_bound(&f, h1, n[0]);
	fx_bound(&f, h2, n[1]);
	fx_scores(&f, fx_pod(&f, in), PLUGIN_INTER_POD_AFFINITY, n, 3, out);
	expect(out, want, 3, "I5");
	/* hardPodAffinityWeight 0 disables the symmetry: PreScore Skip. */
	f.s.o.hard_pod_affinity_weight = 0;
	assert_int_equal(sched_score_nodes(&f.s, fx_pod(&f, in), PLUGIN_INTER_POD_AFFINITY, n, 3,
					   out), 0);
	fx_release(&f);
}

/* ---- required (Filter) ---------------------------------------------------- */

/*
 * TestRequiredAffinitySingleNode: node1 {region: r1, zone: z11}; the
 * existing pod ("pod") is {service: securityscan} on node1 unless a case
 * gives its own. Terms: "aff"/"anti" lists of (selector, key).
 */
struct term {
	const char *sel, *key;
};

struct single_case {
	const char *name;
	const char *labels;           /* incoming pod's labels */
	struct term aff[2], anti[2];
	const char *ex_labels;        /* existing pod */
	struct term ex_anti[2];
	int ex_elsewhere;             /* existing pod on node2 instead of node1 */
	int want;
	const char *reason;
};

static void add_terms(struct fx *f, struct term_list *tl, const struct term *t)
{
	for (int i = 0; i < 2 && t[i].sel; i++)
		fx_term(f, tl, t[i].sel, t[i].key, 0);
}

static void run_single(const struct single_case *sc)
{
	struct fx f;
	struct workload *in, *ex;
	struct node *n1, *n2;
	char why[256];
	int t, got;

	fx_init(&f);
	t = fx_type(&f, "big", 64, 1LL << 40, 110);
	fx_group(&f, "node1", t, "region=r1,zone=z11", "", "");
	fx_group(&f, "node2", t, "region=r2,zone=z21", "", "");
	in = fx_wl(&f, "in", sc->labels, 0, 0);
	add_terms(&f, &in->affinity.required, sc->aff);
	add_terms(&f, &in->anti_affinity.required, sc->anti);
	ex = fx_wl(&f, "ex", sc->ex_labels ? sc->ex_labels : "service=securityscan", 0, 0);
	add_terms(&f, &ex->anti_affinity.required, sc->ex_anti);
	fx_start(&f);
	n1 = fx_node(&f, 0, 1);
	n2 = fx_node(&f, 1, 1);
	fx_bound(&f, ex, sc->ex_elsewhere ? n2 : n1);
	got = sched_filter_node(&f.s, fx_pod(&f, in), n1, why, sizeof(why));
	if (got != sc->want)
		fail_msg("%s: got %d (%s) want %d", sc->name, got, why, sc->want);
	if (sc->reason)
		assert_string_equal(why, sc->reason);
	fx_release(&f);
}

static void test_required_single_node(void **state)
{
	static const struct single_case cases[] = {
		{"satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity "
		 "using In operator that matches the existing pod",
		 "security=S1", {{"service in securityscan|value2", "region"}}, {{0}}, NULL, {{0}},
		 0, OK, NULL},
		{"satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in "
		 "PodAffinity using not in operator in labelSelector that matches the existing pod",
		 "security=S1", {{"service notin securityscan3|value3", "region"}}, {{0}}, NULL,
		 {{0}}, 0, OK, NULL},
		{"Doesn't satisfy the PodAffinity because of unmatching labelSelector with the "
		 "existing pod",
		 "service=securityscan", {{"service in antivirusscan|value2", "region"}}, {{0}},
		 NULL, {{0}}, 0, UU, S_AFF},
		{"satisfies the PodAffinity with different label Operators in multiple "
		 "RequiredDuringSchedulingIgnoredDuringExecution",
		 "security=S1",
		 {{"service exists,wrongkey !exists", "region"},
		  {"service in securityscan,service notin WrongValue", "region"}},
		 {{0}}, NULL, {{0}}, 0, OK, NULL},
		{"The labelSelector requirements(items of matchExpressions) are ANDed, the pod "
		 "cannot schedule onto the node because one of the matchExpression item don't "
		 "match.",
		 "security=S1",
		 {{"service exists,wrongkey !exists", "region"},
		  {"service in securityscan2,service notin WrongValue", "region"}},
		 {{0}}, NULL, {{0}}, 0, UU, S_AFF},
		{"satisfies the PodAffinity and PodAntiAffinity with the existing pod",
		 "security=S1",
		 {{"service in securityscan|value2", "region"}},
		 {{"service in antivirusscan|value2", "node"}}, NULL, {{0}}, 0, OK, NULL},
		{"satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with "
		 "the existing pod",
		 "security=S1", {{"service in securityscan|value2", "region"}},
		 {{"service in antivirusscan|value2", "node"}}, NULL,
		 {{"service in antivirusscan|value2", "node"}}, 0, OK, NULL},
		{"satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the "
		 "existing pod",
		 "security=S1", {{"service in securityscan|value2", "region"}},
		 {{"service in securityscan|value2", "zone"}}, NULL, {{0}}, 0, U, S_ANTI},
		{"satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy "
		 "PodAntiAffinity symmetry with the existing pod",
		 "service=securityscan", {{"service in securityscan|value2", "region"}},
		 {{"service in antivirusscan|value2", "node"}}, NULL,
		 {{"service in securityscan|value2", "zone"}}, 0, U, S_EXIST},
		/* The only matching pod is on node2 (another region); the pod does
		 * not match its own NotIn term, so no first-pod exception. */
		{"pod matches its own Label in PodAffinity and that matches the existing pod "
		 "Labels",
		 "service=securityscan", {{"service notin securityscan|value2", "region"}}, {{0}},
		 "service=securityscan", {{0}}, 1, UU, S_AFF},
		{"verify that PodAntiAffinity from existing pod is respected when pod has no "
		 "AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the "
		 "existing pod",
		 "service=securityscan", {{0}}, {{0}}, NULL,
		 {{"service in securityscan|value2", "zone"}}, 0, U, S_EXIST},
		{"verify that PodAntiAffinity from existing pod is respected when pod has no "
		 "AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod",
		 "service=securityscan", {{0}}, {{0}}, NULL,
		 {{"service notin securityscan|value2", "zone"}}, 0, OK, NULL},
		{"satisfies the PodAntiAffinity with existing pod but doesn't satisfy "
		 "PodAntiAffinity symmetry with incoming pod",
		 "service=securityscan", {{0}},
		 {{"service exists", "region"}, {"security exists", "region"}},
		 "security=S1", {{"security exists", "zone"}}, 0, U, S_ANTI},
		{"PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match "
		 "each other on AffinityTerms",
		 "service=securityscan", {{0}},
		 {{"service exists", "zone"}, {"security exists", "zone"}},
		 "security=S1", {{"security exists", "zone"}}, 0, U, S_ANTI},
		{"PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match "
		 "each other on AffinityTerms",
		 "security=S1", {{0}}, {{"security exists", "zone"}}, "service=securityscan",
		 {{"service exists", "zone"}, {"security exists", "zone"}}, 0, U, S_EXIST},
		{"PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match "
		 "each other on AffinityTerms",
		 "abc,xyz", {{0}}, {{"abc exists", "zone"}, {"def exists", "zone"}}, "def,xyz",
		 {{"abc exists", "zone"}, {"def exists", "zone"}}, 0, U, S_ANTI},
		{"PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match "
		 "each other on AffinityTerms",
		 "def,xyz", {{0}}, {{"abc exists", "zone"}, {"def exists", "zone"}}, "abc,xyz",
		 {{"abc exists", "zone"}, {"def exists", "zone"}}, 0, U, S_ANTI},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run_single(&cases[i]);
}

/* TestRequiredAffinityMultipleNodes, first cases. */
static void test_required_multiple_nodes(void **state)
{
	struct fx f;
	struct workload *in, *in2, *p1, *anti, *abc;
	struct node *n[3];
	int t, want[3];

	(void)state;
	/* "A pod can be scheduled onto all the nodes that have the same topology
	 * key & label value with one of them has an existing pod that matches
	 * the affinity rules": node1 China (has p1 foo=bar), node2 China + az1,
	 * node3 India. */
	fx_init(&f);
	t = fx_type(&f, "big", 64, 1LL << 40, 110);
	fx_group(&f, "node1", t, "region=China", "", "");
	fx_group(&f, "node2", t, "region=China,az=az1", "", "");
	fx_group(&f, "node3", t, "region=India", "", "");
	in = fx_wl(&f, "in", "", 0, 0);
	fx_term(&f, &in->affinity.required, "foo in bar", "region", 0);
	/* "NodeA and nodeB have same topologyKey and label value. NodeA has an
	 * existing pod that matches the inter pod affinity rule. The pod can
	 * not be scheduled onto nodeA and nodeB but can be scheduled onto
	 * nodeC" (same nodes, p1 replaced by a foo=abc pod on node1). */
	anti = fx_wl(&f, "anti", "", 0, 0);
	fx_term(&f, &anti->anti_affinity.required, "foo in abc", "region", 0);
	p1 = fx_wl(&f, "p1", "foo=bar", 0, 0);
	abc = fx_wl(&f, "abc", "foo=abc", 0, 0);
	fx_start(&f);
	for (int i = 0; i < 3; i++)
		n[i] = fx_node(&f, i, 1);
	fx_bound(&f, p1, n[0]);
	fx_bound(&f, abc, n[0]);
	want[0] = OK, want[1] = OK, want[2] = UU;
	for (int i = 0; i < 3; i++)
		assert_int_equal(sched_filter_node(&f.s, fx_pod(&f, in), n[i], NULL, 0), want[i]);
	want[0] = U, want[1] = U, want[2] = OK;
	for (int i = 0; i < 3; i++)
		assert_int_equal(sched_filter_node(&f.s, fx_pod(&f, anti), n[i], NULL, 0), want[i]);
	fx_release(&f);

	/* "The affinity rule is to schedule all of the pods of this collection
	 * to the same zone. The first pod of the collection should not be
	 * blocked from being scheduled onto any node, even there's no existing
	 * pod that matches the rule anywhere." Then "... can only be scheduled
	 * on nodes labelled with the requested topology keys" (zoneLabel). */
	for (int variant = 0; variant < 2; variant++) {
		fx_init(&f);
		t = fx_type(&f, "big", 64, 1LL << 40, 110);
		const char *la = variant ? "zoneLabel=az1,hostname=h1" : "zone=az1,hostname=h1";
		const char *lb = variant ? "zoneLabel=az2,hostname=h2" : "zone=az2,hostname=h2";
		fx_group(&f, "nodeA", t, la, "", "");
		fx_group(&f, "nodeB", t, lb, "", "");
		in2 = fx_wl(&f, "in", "foo=bar,service=securityscan", 0, 0);
		fx_term(&f, &in2->affinity.required, "foo in bar", "zone", 0);
		fx_term(&f, &in2->affinity.required, "service in securityscan", "zone", 0);
		p1 = fx_wl(&f, "p1", "foo=bar", 0, 0);
		fx_start(&f);
		n[0] = fx_node(&f, 0, 1);
		n[1] = fx_node(&f, 1, 1);
		fx_bound(&f, p1, n[0]);
		for (int i = 0; i < 2; i++)
			assert_int_equal(sched_filter_node(&f.s, fx_pod(&f, in2), n[i], NULL, 0),
					 variant ? UU : OK);
		fx_release(&f);
	}
}

/* ---- whole scheduler ------------------------------------------------------ */

static void count_result(void *ctx, const struct sched_result *r)
{
	int *v = ctx;
	v[r->node ? 0 : 1]++;
}

/* Three replicas with required anti-affinity to each other on hostname, two
 * nodes: two bind, one per node, the third cannot go anywhere. */
static void test_anti_affinity_replicas(void **state)
{
	struct fx f;
	struct workload *w;
	struct sched_result r;
	int t, cnt[2] = {0, 0};

	(void)state;
	fx_init(&f);
	t = fx_type(&f, "t3.medium", 2, 4LL << 30, 17);
	fx_group(&f, "workers", t, "", "", "");
	w = fx_wl(&f, "db", "app=db", 100, 100 << 20);
	fx_term(&f, &w->anti_affinity.required, "app=db", LABEL_HOSTNAME, 0);
	fx_start(&f);
	fx_node(&f, 0, 1);
	fx_node(&f, 0, 2);
	for (int i = 0; i < 3; i++)
		sched_enqueue(&f.s, fx_pod(&f, w), 0);
	sched_schedule_all(&f.s, 0, count_result, cnt);
	assert_int_equal(cnt[0], 2);
	assert_int_equal(cnt[1], 1);
	assert_int_equal(f.c.nodes[0]->npods, 1);
	assert_int_equal(f.c.nodes[1]->npods, 1);
	/* The failed pod waits in the unschedulable pool; a third node lets it
	 * in once its 1 s backoff is over. */
	assert_int_equal(sched_pending(&f.s), 1);
	fx_node(&f, 0, 3);
	sched_cluster_changed(&f.s, SCHED_EV_NODE_ADD, NULL, 0.5);
	assert_int_equal(sched_schedule_one(&f.s, 0.5, &r), 0);
	assert_true(sched_next_backoff_time(&f.s) == 1.0);
	assert_int_equal(sched_schedule_one(&f.s, 1.0, &r), 1);
	assert_non_null(r.node);
	assert_string_equal(r.node->name, "workers-3");
	fx_release(&f);
}

/* Pods with required affinity to a database pod fail until it is bound;
 * its binding (AssignedPodAdded) moves them out of the pool, and after the
 * backoff they land in its zone. */
static void test_affinity_waits_for_target(void **state)
{
	struct fx f;
	struct workload *web, *db;
	struct sched_result r;
	struct pod *dbp;
	int t;

	(void)state;
	fx_init(&f);
	t = fx_type(&f, "m5.large", 2, 8LL << 30, 29);
	fx_group(&f, "workers", t, "", "", "a,b,c");
	web = fx_wl(&f, "web", "app=web", 100, 100 << 20);
	fx_term(&f, &web->affinity.required, "app=db", LABEL_ZONE, 0);
	db = fx_wl(&f, "db", "app=db", 100, 100 << 20);
	fx_start(&f);
	for (int i = 1; i <= 3; i++)
		fx_node(&f, 0, i);
	sched_enqueue(&f.s, fx_pod(&f, web), 0);
	assert_int_equal(sched_schedule_one(&f.s, 0, &r), 1);
	assert_null(r.node);
	assert_string_equal(r.message,
			    "0/3 nodes are available: 3 node(s) didn't match pod affinity rules.");
	assert_int_equal(sched_queue_of(&f.s, r.pod), SQ_UNSCHEDULABLE);
	dbp = fx_pod(&f, db);
	sched_enqueue(&f.s, dbp, 0.25);
	assert_int_equal(sched_schedule_one(&f.s, 0.25, &r), 1);
	assert_ptr_equal(r.pod, dbp);
	assert_non_null(r.node);
	/* The bind moved web to backoffQ (1 s after its failure at t = 0). */
	assert_int_equal(sched_queue_of(&f.s, f.c.pod_by_id[0]), SQ_BACKOFF);
	assert_true(sched_next_backoff_time(&f.s) == 1.0);
	assert_int_equal(sched_schedule_one(&f.s, 1.0, &r), 1);
	assert_non_null(r.node);
	assert_string_equal(r.node->zone, dbp->node->zone);
	fx_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i1),
		cmocka_unit_test(test_i2),
		cmocka_unit_test(test_i3),
		cmocka_unit_test(test_i4),
		cmocka_unit_test(test_i5),
		cmocka_unit_test(test_required_single_node),
		cmocka_unit_test(test_required_multiple_nodes),
		cmocka_unit_test(test_anti_affinity_replicas),
		cmocka_unit_test(test_affinity_waits_for_target),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
