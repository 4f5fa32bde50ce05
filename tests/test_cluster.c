/*
 * test_cluster.c -- sim/cluster.c: node names, labels and allocatable;
 * pod names, effective requests and QoS classes (reference §7.3,
 * pkg/apis/core/v1/helper/qos/qos.go); bind / terminate / delete keeping
 * the per-node sums and the per-domain class counters exact.
 */
#include "sched_fixture.h"

#define MI (1024LL * 1024)
#define GI (1024LL * MI)

static void test_nodes(void **state)
{
	struct fx f;
	struct node *n[4];
	int t;

	(void)state;
	fx_init(&f);
	t = fx_type(&f, "t3.medium", 2, 4 * GI, 17);
	f.types[t].reserved_cpu = 70;
	f.types[t].reserved_memory = 542 * MI;
	fx_group(&f, "workers", t, "team=a,kubernetes.io/hostname=bogus", "dedicated=x:NoSchedule",
		 "us-east-1a,us-east-1b,us-east-1c");
	fx_group(&f, "plain", t, "", "", "");
	fx_start(&f);
	for (int i = 0; i < 4; i++)
		n[i] = fx_node(&f, 0, i + 1);
	assert_string_equal(n[0]->name, "workers-1");
	assert_string_equal(n[3]->name, "workers-4");
	/* Zones round-robin over the index. */
	assert_string_equal(n[0]->zone, "us-east-1a");
	assert_string_equal(n[2]->zone, "us-east-1c");
	assert_string_equal(n[3]->zone, "us-east-1a");
	assert_string_equal(cluster_label(&n[1]->labels, LABEL_ZONE), "us-east-1b");
	/* kubelet's hostname label wins over the group's. */
	assert_string_equal(cluster_label(&n[1]->labels, LABEL_HOSTNAME), "workers-2");
	assert_string_equal(cluster_label(&n[1]->labels, LABEL_INSTANCE_TYPE), "t3.medium");
	assert_string_equal(cluster_label(&n[1]->labels, "team"), "a");
	/* What every kubelet sets (kubernetes.io/os, kubernetes.io/arch). */
	assert_string_equal(cluster_label(&n[1]->labels, LABEL_OS), "linux");
	assert_string_equal(cluster_label(&n[1]->labels, LABEL_ARCH), "amd64");
	assert_int_equal(n[1]->labels.n, 6);
	assert_int_equal(n[0]->ntaints, 1);
	/* EKS t3.medium: 2000m - 70m, 4096Mi - 442Mi - 100Mi. */
	assert_int_equal(n[0]->alloc_cpu, 1930);
	assert_int_equal(n[0]->alloc_mem, 3554 * MI);
	assert_int_equal(n[0]->max_pods, 17);
	assert_true(n[0]->ready && n[0]->created_t == 0 && isnan(n[0]->deleted_t));
	struct node *p = fx_node(&f, 1, 1);
	assert_null(p->zone);
	assert_null(cluster_label(&p->labels, LABEL_ZONE));
	assert_int_equal(p->dom[CLUSTER_KEY_ZONE], -1);
	/* The zone key's domains: a has 2 nodes, b and c one each. */
	const struct cluster_key *z = &f.c.keys[CLUSTER_KEY_ZONE];
	assert_int_equal(z->nlive, 3);
	assert_int_equal(z->nodes_with_key, 4);
	assert_int_equal(z->dom[n[0]->dom[CLUSTER_KEY_ZONE]].nodes, 2);
	/* NotReady adds node.kubernetes.io/not-ready:NoSchedule; Ready drops it. */
	cluster_node_set_ready(&f.c, n[1], 0, 10);
	assert_int_equal(n[1]->ntaints, 2);
	assert_string_equal(n[1]->taints[1].key, TAINT_NOT_READY);
	cluster_node_set_ready(&f.c, n[1], 1, 20);
	assert_int_equal(n[1]->ntaints, 1);
	assert_true(n[1]->ready_t == 0);
	/* Removal leaves the domain lists; the zone domain a keeps n[3]. */
	cluster_remove_node(&f.c, n[0], 30);
	assert_true(n[0]->removed && n[0]->deleted_t == 30);
	assert_int_equal(f.c.nnodes, 4);
	assert_int_equal(z->nodes_with_key, 3);
	assert_int_equal(z->nlive, 3);
	cluster_remove_node(&f.c, n[3], 31);
	assert_int_equal(z->nlive, 2);
	assert_int_equal(f.c.keys[CLUSTER_KEY_HOSTNAME].nlive, 3);
	/* Registered NotReady at creation: ready_t is when it turned Ready. */
	struct node *late = cluster_add_node(&f.c, 1, 7, 40);
	cluster_node_set_ready(&f.c, late, 0, 40);
	assert_true(isnan(late->ready_t));
	cluster_node_set_ready(&f.c, late, 1, 95);
	assert_true(late->ready_t == 95 && late->created_t == 40);
	fx_release(&f);
}

/* One container per pod; requests after API defaulting (limit copied to a
 * missing request), then GetPodQOS. Cases from qos.go's rules. */
static void test_qos_and_requests(void **state)
{
	static const struct {
		const char *name;
		int64_t rc, rm, lc, lm;
		enum qos_class want;
		int64_t eff_cpu, nz_cpu, nz_mem;
	} cases[] = {
		{"no requests, no limits", -1, -1, -1, -1, QOS_BEST_EFFORT, -1, 100, 200 * MI},
		{"explicit zero requests", 0, 0, -1, -1, QOS_BEST_EFFORT, 0, 0, 0},
		{"cpu request only", 100, -1, -1, -1, QOS_BURSTABLE, 100, 100, 200 * MI},
		{"memory request only", -1, 64 * MI, -1, -1, QOS_BURSTABLE, -1, 100, 64 * MI},
		{"limits only: requests default to them", -1, -1, 500, 256 * MI, QOS_GUARANTEED,
		 500, 500, 256 * MI},
		{"requests equal limits", 250, 128 * MI, 250, 128 * MI, QOS_GUARANTEED, 250, 250,
		 128 * MI},
		{"cpu request below its limit", 100, 128 * MI, 200, 128 * MI, QOS_BURSTABLE, 100,
		 100, 128 * MI},
		{"cpu limit only (memory unlimited)", -1, -1, 500, -1, QOS_BURSTABLE, 500, 500,
		 200 * MI},
		{"memory limit only, cpu request: memory request defaults to the limit", 100, -1,
		 -1, 100 * MI, QOS_BURSTABLE, 100, 100, 100 * MI},
		{"limits, cpu request 0: 1 request vs 2 limits", 0, -1, 500, 256 * MI,
		 QOS_BURSTABLE, 0,
		 0, 256 * MI},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct fx f;
		struct workload *w;
		struct pod *p;

		fx_init(&f);
		w = fx_wl(&f, "w", "app=w", cases[i].rc, cases[i].rm);
		w->lim_cpu = cases[i].lc;
		w->lim_memory = cases[i].lm;
		fx_start(&f);
		p = fx_pod(&f, w);
		if (p->qos != cases[i].want || p->req_cpu != cases[i].eff_cpu ||
		    p->nz_cpu != cases[i].nz_cpu || p->nz_mem != cases[i].nz_mem)
			fail_msg("%s: qos %s req %lld nz %lld/%lld", cases[i].name,
				 cluster_qos_name(p->qos), (long long)p->req_cpu,
				 (long long)p->nz_cpu, (long long)p->nz_mem);
		assert_int_equal(p->cpu_req0, cases[i].eff_cpu > 0 ? cases[i].eff_cpu : 0);
		fx_release(&f);
	}
}

static void test_pods_and_counts(void **state)
{
	struct fx f;
	struct workload *web, *db, *ds;
	struct node *a, *b;
	struct pod *p[5], *d;
	int t, web_cls, sel_cls, zone_a;

	(void)state;
	fx_init(&f);
	t = fx_type(&f, "m5.large", 2, 8 * GI, 29);
	fx_group(&f, "workers", t, "", "", "a,b");
	web = fx_wl(&f, "web", "app=web,tier=front", 100, 100 * MI);
	db = fx_wl(&f, "db", "app=db,tier=back", -1, -1);
	/* A spread selector on tier exists: class {web, db}. */
	fx_spread(&f, web, 1, LABEL_ZONE, 0, "tier exists", 0);
	ds = fx_wl(&f, "aws-node", "app=aws-node", 25, 0);
	ds->kind = WL_DAEMONSET;
	fx_start(&f);
	a = fx_node(&f, 0, 1);
	b = fx_node(&f, 0, 2);
	for (int i = 0; i < 3; i++)
		p[i] = fx_pod(&f, web);
	p[3] = fx_pod(&f, db);
	p[4] = fx_pod(&f, db);
	d = cluster_add_daemon_pod(&f.c, fx_wl_index(&f, ds), b, 0);
	assert_string_equal(p[0]->name, "web-1");
	assert_string_equal(p[2]->name, "web-3");
	assert_string_equal(p[4]->name, "db-2");
	assert_string_equal(d->name, "aws-node-workers-2");
	assert_int_equal(d->pinned_node, b->id);
	assert_true(p[0]->phase == POD_PENDING && !p[0]->node && isnan(p[0]->scheduled_t));

	for (int i = 0; i < 5; i++)
		cluster_bind(&f.c, p[i], i % 2 ? b : a, 1);
	cluster_bind(&f.c, d, b, 1);
	/* a: web-1, web-3, db-2; b: web-2, db-1, aws-node. */
	assert_int_equal(a->npods, 3);
	assert_int_equal(b->npods, 3);
	assert_int_equal(a->req_cpu, 200);
	assert_int_equal(a->nz_cpu, 300);          /* db's absent request counts 100m */
	assert_int_equal(a->nz_mem, 400 * MI);
	assert_int_equal(b->req_cpu, 125);
	assert_int_equal(f.c.bound, 6);
	assert_true(p[1]->phase == POD_SCHEDULED && p[1]->scheduled_t == 1);

	web_cls = f.c.wi[fx_wl_index(&f, web)].ident;
	sel_cls = f.c.wi[fx_wl_index(&f, web)].spread[0].cls;
	assert_true(cluster_class_has(&f.c, sel_cls, fx_wl_index(&f, db)));
	assert_false(cluster_class_has(&f.c, sel_cls, fx_wl_index(&f, ds)));
	zone_a = a->dom[CLUSTER_KEY_ZONE];
	assert_int_equal(cluster_dom_live(&f.c, CLUSTER_KEY_ZONE, zone_a, web_cls), 2);
	assert_int_equal(cluster_dom_live(&f.c, CLUSTER_KEY_ZONE, zone_a, sel_cls), 3);
	assert_int_equal(cluster_node_live(&f.c, b, sel_cls), 2);

	/* Terminating: still on the node (requests, pod count, affinity's
	 * "all" count) but no longer counted by spread ("live"). */
	cluster_pod_terminate(&f.c, p[0], 2);
	assert_int_equal(a->npods, 3);
	assert_int_equal(a->req_cpu, 200);
	assert_int_equal(cluster_dom_live(&f.c, CLUSTER_KEY_ZONE, zone_a, web_cls), 1);
	assert_int_equal(cluster_dom_all(&f.c, CLUSTER_KEY_ZONE, zone_a, web_cls), 2);
	/* Delete: off the node; the moved pod's index is kept right. */
	cluster_pod_delete(&f.c, p[0], 3);
	assert_int_equal(a->npods, 2);
	assert_int_equal(a->req_cpu, 100);
	assert_int_equal(cluster_dom_all(&f.c, CLUSTER_KEY_ZONE, zone_a, web_cls), 1);
	for (int i = 0; i < a->npods; i++)
		assert_ptr_equal(a->pods[a->pods[i]->node_pos], a->pods[i]);
	assert_true(p[0]->phase == POD_DELETED && p[0]->deleted_t == 3);
	assert_ptr_equal(p[0]->node, a); /* kept for the record */
	cluster_pod_delete(&f.c, p[2], 3);
	cluster_pod_delete(&f.c, p[4], 3);
	assert_int_equal(a->npods, 0);
	assert_int_equal(a->req_cpu, 0);
	assert_int_equal(a->nz_mem, 0);
	assert_int_equal(cluster_dom_all(&f.c, CLUSTER_KEY_ZONE, zone_a, sel_cls), 0);
	cluster_remove_node(&f.c, a, 4);
	assert_int_equal(f.c.nnodes, 1);
	assert_ptr_equal(f.c.nodes[0], b);
	assert_int_equal(b->pos, 0);
	fx_release(&f);
}

/*
 * cl.version changes with every change a cluster autoscaler simulation
 * reads (autoscaler.c reuses its last simulation while it is equal), and
 * not on calls that change nothing.
 */
static void test_version(void **state)
{
	struct fx f;
	struct workload *web;
	struct node *a, *b;
	struct pod *p, *q;
	uint64_t v;
	int t;

	(void)state;
	fx_init(&f);
	t = fx_type(&f, "m5.large", 2, 8 * GI, 29);
	fx_group(&f, "workers", t, "", "", "a,b");
	web = fx_wl(&f, "web", "app=web", 100, 100 * MI);
	fx_start(&f);
#define CHANGES(stmt)                            \
	do {                                     \
		v = f.c.version;                 \
		stmt;                            \
		assert_true(f.c.version > v);    \
	} while (0)
#define SAME(stmt)                               \
	do {                                     \
		v = f.c.version;                 \
		stmt;                            \
		assert_true(f.c.version == v);   \
	} while (0)
	CHANGES(a = fx_node(&f, 0, 1));
	CHANGES(b = fx_node(&f, 0, 2));
	CHANGES(p = fx_pod(&f, web));
	CHANGES(q = fx_pod(&f, web));
	CHANGES(cluster_bind(&f.c, p, a, 1));
	CHANGES(cluster_bind(&f.c, q, a, 1));
	CHANGES(cluster_node_set_ready(&f.c, b, 0, 2));
	SAME(cluster_node_set_ready(&f.c, b, 0, 3));
	CHANGES(cluster_node_set_ready(&f.c, b, 1, 4));
	CHANGES(cluster_node_set_unschedulable(&f.c, a, 1));
	SAME(cluster_node_set_unschedulable(&f.c, a, 1));
	CHANGES(cluster_node_set_unschedulable(&f.c, a, 0));
	CHANGES(cluster_pod_terminate(&f.c, p, 5));
	SAME(cluster_pod_terminate(&f.c, p, 5));
	/* Deleting a pod that was not terminating: off the node. */
	CHANGES(cluster_pod_delete(&f.c, q, 6));
	CHANGES(cluster_pod_delete(&f.c, p, 6));
	SAME(cluster_pod_delete(&f.c, p, 7));
	CHANGES(cluster_remove_node(&f.c, a, 8));
#undef CHANGES
#undef SAME
	fx_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_qos_and_requests),
		cmocka_unit_test(test_pods_and_counts),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
