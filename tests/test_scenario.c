/*
 * test_scenario.c -- the scenario loader: every key parsed, every default,
 * malformed scenarios with their exact messages, overrides, the catalog,
 * derived instance-type values and QoS, and the generated docs.
 *
 * Where numbers come from:
 * - default score weights: kube-scheduler default_plugins.go (reference
 *   section 1.3): TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1,
 *   PodTopologySpread 2, InterPodAffinity 2, BalancedAllocation 1;
 * - autoscaler defaults: cluster-autoscaler flags.go (reference 6.1);
 * - kube-reserved: EKS nodeadm (reference 8.1): cpu 6 % of core 1 + 1 % of
 *   core 2 + 0.5 % of cores 3-4 + 0.25 % above, memory (11 max_pods + 255)
 *   MiB; the table of section 8.1 lists 70m/442Mi for t3.medium, 80m/739Mi
 *   for t2.xlarge, 574Mi for m5.large; we add the 100Mi hard eviction
 *   threshold (reference 7.2) to reserved memory;
 * - catalog prices and max pods: reference 8.3 and 8.1, and SPEC's story
 *   (t2.medium 33.408 USD per 720 h month, t2.xlarge 133.632);
 * - QoS rules: pkg/apis/core/v1/helper/qos/qos.go (reference 7.3);
 * - error positions: counted by hand in the texts below (line:column of
 *   the offending value, 1-based).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "scenario.h"
#include "sha256.h"
#include "ydoc.h"

#define MiB (1024 * 1024LL)
#define GiB (1024 * MiB)
#define T "tests/data/bad.yaml"

/* Loads text as if it were the file `name` (relative paths resolve next to it). */
static int load_text(struct scenario *sc, const char *name, const char *text, struct err *e)
{
	struct ydoc d;
	int rc = ydoc_load_string(&d, name, text, strlen(text), e);
	if (rc == 0)
		rc = scenario_from_doc(sc, &d, "models", e);
	else
		memset(sc, 0, sizeof(*sc));
	ydoc_release(&d);
	return rc;
}

static void near(double a, double b)
{
	if (fabs(a - b) > 1e-9 * (1 + fabs(b)))
		fail_msg("%.17g != %.17g", a, b);
}

static const char *label(const struct labels *l, const char *key)
{
	int i;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

/* ---- the full scenario ------------------------------------------------------ */

static void check_types(const struct scenario *sc)
{
	const struct instance_type *t;

	assert_int_equal(sc->ntypes, 24 + 2); /* the catalog + two new ones */
	t = scenario_type(sc, "t3.medium");   /* catalog values with two overrides */
	assert_non_null(t);
	near(t->price_per_hour, 0.05);
	assert_int_equal(t->vcpu, 2);
	assert_int_equal(t->memory, 4 * GiB);
	assert_int_equal(t->max_pods, 17);
	assert_true(t->burst.enabled);
	near(t->burst.baseline, 0.25);
	near(t->burst.credits_per_hour, 24);
	near(t->burst.max_credits, 576);
	assert_int_equal(t->burst.mode, CREDIT_UNLIMITED);
	assert_int_equal(t->reserved_cpu, 70);
	assert_int_equal(t->reserved_memory, (442 + 100) * MiB);

	t = scenario_type(sc, "big.custom");
	assert_non_null(t);
	assert_int_equal(t->vcpu, 8);
	assert_int_equal(t->memory, 30 * GiB);
	near(t->price_per_hour, 0.5);
	assert_int_equal(t->max_pods, 50);
	near(t->cpu_speed, 1.25);
	assert_int_equal(t->reserved_cpu, 200);
	assert_int_equal(t->reserved_memory, GiB);
	assert_false(t->burst.enabled);

	t = scenario_type(sc, "burst.custom");
	assert_non_null(t);
	near(t->burst.credits_per_hour, 12);
	near(t->burst.baseline, 12.0 / 2 / 60); /* credits / vCPUs / 60 */
	near(t->burst.max_credits, 100);
	near(t->burst.initial_credits, 5);
	assert_int_equal(t->burst.mode, CREDIT_STANDARD);
	near(t->burst.surplus_price_per_vcpu_hour, 0.04);
	assert_int_equal(t->max_pods, 110);
	near(t->cpu_speed, 1.0);

	t = scenario_type(sc, "t2.medium"); /* untouched catalog type */
	assert_non_null(t);
	near(t->price_per_hour, 0.0464);
	near(t->burst.initial_credits, 60); /* 30 launch credits per vCPU */
	assert_int_equal(t->burst.mode, CREDIT_STANDARD);
	assert_null(scenario_type(sc, "t9.nano"));
}

static void check_groups(const struct scenario *sc)
{
	const struct node_group *g = &sc->groups[1];

	assert_int_equal(sc->ngroups, 2);
	assert_string_equal(sc->groups[0].name, "system");
	assert_ptr_equal(sc->groups[0].type, scenario_type(sc, "t3.medium"));
	assert_int_equal(sc->groups[0].count, 1);
	assert_int_equal(sc->groups[0].min, 1); /* min = max = count by default */
	assert_int_equal(sc->groups[0].max, 1);
	assert_int_equal(sc->groups[0].nzones, 1);
	assert_string_equal(sc->groups[0].zones[0], "us-east-1a");
	near(sc->groups[0].boot_time, 90);
	near(sc->groups[0].start_at, 0);

	assert_string_equal(g->name, "workers");
	assert_string_equal(g->instance_type_name, "big.custom");
	assert_ptr_equal(g->type, scenario_type(sc, "big.custom"));
	assert_int_equal(g->count, 2);
	assert_int_equal(g->min, 1);
	assert_int_equal(g->max, 6);
	assert_int_equal(g->nzones, 2);
	assert_string_equal(g->zones[1], "us-east-1b");
	assert_int_equal(g->labels.n, 2);
	assert_string_equal(label(&g->labels, "role"), "web");
	assert_string_equal(label(&g->labels, "example.com/tier"), "front");
	assert_int_equal(g->ntaints, 2);
	assert_string_equal(g->taints[0].key, "dedicated");
	assert_string_equal(g->taints[0].value, "web");
	assert_int_equal(g->taints[0].effect, EFFECT_NO_SCHEDULE);
	assert_string_equal(g->taints[1].key, "gpu");
	assert_string_equal(g->taints[1].value, "");
	assert_int_equal(g->taints[1].effect, EFFECT_PREFER_NO_SCHEDULE);
	near(g->start_at, 60);
	near(g->boot_time, 120);
}

static void check_controllers(const struct scenario *sc)
{
	static const int weights[PLUGIN_NSCORE] = { 4, 0, 5, 6, 7, 8 };
	int i;

	near(sc->cluster.control_plane_price_per_hour, 0.10);
	near(sc->cluster.load_balancer_price_per_hour, 0.0225);
	assert_int_equal(sc->scheduler.strategy, STRATEGY_MOST_ALLOCATED);
	for (i = 0; i < PLUGIN_NSCORE; i++)
		assert_int_equal(sc->scheduler.weights[i], weights[i]);
	assert_false(sc->scheduler.default_spread);
	assert_true(sc->autoscaler.enabled);
	near(sc->autoscaler.scan_interval, 20);
	assert_int_equal(sc->autoscaler.expander, EXPANDER_PRICE);
	near(sc->autoscaler.scale_down_utilization_threshold, 0.4);
	near(sc->autoscaler.scale_down_unneeded_time, 300);
	near(sc->autoscaler.scale_down_delay_after_add, 180);
	near(sc->autoscaler.max_node_provision_time, 720);
	assert_false(sc->record.pod_samples);
	assert_true(sc->record.scores);
}

static void check_web(const struct workload *w)
{
	const struct affinity_term *t;

	assert_string_equal(w->name, "web");
	assert_int_equal(w->kind, WL_DEPLOYMENT);
	assert_int_equal(w->replicas, 3);
	assert_int_equal(w->labels.n, 2);
	assert_string_equal(label(&w->labels, "tier"), "front");
	assert_int_equal(w->req_cpu, 250);
	assert_int_equal(w->req_memory, 128 * MiB);
	assert_int_equal(w->lim_cpu, 1000);
	assert_int_equal(w->lim_memory, 256 * MiB);
	assert_int_equal(workload_qos(w), QOS_BURSTABLE);
	assert_int_equal(w->priority, -5);
	assert_string_equal(label(&w->node_selector, "role"), "web");

	assert_int_equal(w->ntolerations, 2);
	assert_string_equal(w->tolerations[0].key, "dedicated");
	assert_int_equal(w->tolerations[0].op, TOL_EQUAL);
	assert_string_equal(w->tolerations[0].value, "web");
	assert_int_equal(w->tolerations[0].effect, EFFECT_NO_SCHEDULE);
	assert_null(w->tolerations[1].key); /* matches every key */
	assert_int_equal(w->tolerations[1].op, TOL_EXISTS);
	assert_int_equal(w->tolerations[1].effect, -1); /* every effect */

	assert_int_equal(w->affinity.required.n, 1);
	t = &w->affinity.required.v[0];
	assert_string_equal(t->topology_key, "topology.kubernetes.io/zone");
	assert_string_equal(label(&t->selector.match_labels, "app"), "cache");
	assert_int_equal(w->affinity.preferred.n, 1);
	t = &w->affinity.preferred.v[0];
	assert_int_equal(t->weight, 30);
	assert_int_equal(t->selector.nexprs, 1);
	assert_int_equal(t->selector.exprs[0].op, SEL_IN);
	assert_int_equal(t->selector.exprs[0].nvalues, 2);
	assert_string_equal(t->selector.exprs[0].values[1], "db");
	assert_int_equal(w->anti_affinity.required.n, 0);
	assert_int_equal(w->anti_affinity.preferred.v[0].weight, 100);
	assert_int_equal(w->node_affinity.nrequired, 1);
	assert_int_equal(w->node_affinity.required[0].exprs[0].op, SEL_EXISTS);
	assert_int_equal(w->node_affinity.preferred[0].weight, 10);
	assert_int_equal(w->node_affinity.preferred[0].exprs[0].op, SEL_NOT_IN);

	assert_int_equal(w->nspread, 3);
	assert_int_equal(w->spread[0].max_skew, 1);
	assert_true(w->spread[0].do_not_schedule);
	/* No selector given: the workload's labels. */
	assert_int_equal(w->spread[0].selector.match_labels.n, 2);
	assert_string_equal(label(&w->spread[0].selector.match_labels, "app"), "web");
	assert_false(w->spread[1].do_not_schedule);
	assert_int_equal(w->spread[1].selector.match_labels.n, 1);
	assert_int_equal(w->spread[2].min_domains, 2);
	assert_int_equal(w->spread[2].selector.match_labels.n, 0);
	assert_int_equal(w->spread[2].selector.exprs[0].op, SEL_DOES_NOT_EXIST);

	near(w->startup_pull, 20);
	near(w->startup_ready_after, 10);
	assert_int_equal(w->cpu_idle, 50);
	assert_int_equal(w->mem.base, 100 * MiB);
	assert_int_equal(w->mem.per_inflight, MiB);
	assert_int_equal(w->mem.growth_per_hour, 10 * MiB);
	assert_int_equal(w->request_cpu.kind, DIST_LOGNORMAL);
	near(w->request_cpu.p1, 0.020);
	near(w->request_cpu.p2, 1.5);
	assert_int_equal(w->concurrency, 4);
	assert_true(w->hpa.enabled);
	assert_int_equal(w->hpa.min, 2);
	assert_int_equal(w->hpa.max, 10);
	assert_int_equal(w->hpa.target_cpu_utilization, 60); /* written "60%" */
	near(w->termination_grace, 45);
}

static void check_workloads(const struct scenario *sc)
{
	const struct workload *w;

	assert_int_equal(sc->nworkloads, 5);
	check_web(&sc->workloads[0]);
	w = &sc->workloads[1];
	assert_int_equal(w->kind, WL_DAEMONSET);
	/* Only limits given: requests default to them, so Guaranteed. */
	assert_int_equal(w->req_cpu, 100);
	assert_int_equal(w->req_memory, 64 * MiB);
	assert_int_equal(workload_qos(w), QOS_GUARANTEED);
	assert_string_equal(label(&w->labels, "app"), "agent");
	assert_int_equal(w->request_cpu.kind, DIST_UNIFORM);
	near(w->request_cpu.p1, 0.001);
	near(w->request_cpu.p2, 0.003);

	w = &sc->workloads[2]; /* all defaults */
	assert_string_equal(w->name, "cache");
	assert_int_equal(w->kind, WL_DEPLOYMENT);
	assert_int_equal(w->replicas, 1);
	assert_int_equal(w->labels.n, 1);
	assert_string_equal(label(&w->labels, "app"), "cache");
	assert_int_equal(w->req_cpu, -1);
	assert_int_equal(w->lim_memory, -1);
	assert_int_equal(workload_qos(w), QOS_BEST_EFFORT);
	assert_int_equal(w->concurrency, 1);
	near(w->termination_grace, 30);
	assert_false(w->hpa.enabled);
	assert_int_equal(w->priority, 0);
	assert_int_equal(w->request_cpu.kind, DIST_EXPONENTIAL);
	near(w->request_cpu.p1, 0.002);

	w = &sc->workloads[3];
	assert_int_equal(workload_qos(w), QOS_BURSTABLE); /* memory request only */
	assert_int_equal(w->request_cpu.kind, DIST_GAMMA);
	near(w->request_cpu.p1, 1);
	near(w->request_cpu.p2, 0.5);
	w = &sc->workloads[4];
	assert_int_equal(w->request_cpu.kind, DIST_CONSTANT);
	near(w->request_cpu.p1, 0.005);
	assert_int_equal(scenario_workload_index(sc, "batch"), 3);
	assert_int_equal(scenario_workload_index(sc, "nope"), -1);
}

static void check_traffic(const struct scenario *sc)
{
	const struct traffic *t = sc->traffic;

	assert_int_equal(sc->ntraffic, 4);
	assert_int_equal(t[0].workload, 0);
	assert_int_equal(t[0].rate.shape, RATE_CONSTANT);
	near(t[0].rate.rps, 120.5);
	assert_int_equal(t[0].arrival, ARRIVAL_UNIFORM);
	assert_int_equal(t[0].routing, ROUTE_LEAST_REQUEST);
	near(t[0].timeout, 2);

	assert_int_equal(t[1].rate.shape, RATE_DIURNAL);
	near(t[1].rate.min, 10);
	near(t[1].rate.max, 100);
	near(t[1].rate.peak_at, 18 * 3600);
	near(t[1].rate.period, 12 * 3600);
	assert_int_equal(t[1].arrival, ARRIVAL_POISSON);
	assert_int_equal(t[1].routing, ROUTE_ROUND_ROBIN);
	near(t[1].timeout, 30);

	assert_int_equal(t[2].workload, 2);
	assert_int_equal(t[2].rate.shape, RATE_STEPS);
	assert_int_equal(t[2].rate.npoints, 3);
	near(t[2].rate.points[1].t, 600);
	near(t[2].rate.points[1].rps, 50);
	near(t[2].rate.points[2].rps, 0);

	assert_int_equal(t[3].rate.shape, RATE_TRACE);
	assert_string_equal(t[3].rate.trace_file, "tests/data/trace.csv");
	assert_int_equal(t[3].rate.npoints, 4); /* header, comment, blank skipped */
	near(t[3].rate.points[0].rps, 10);
	near(t[3].rate.points[2].t, 120);
	near(t[3].rate.points[2].rps, 15.5);
	near(t[3].rate.points[3].rps, 40); /* equal times allowed: a jump */
	assert_int_equal(t[3].routing, ROUTE_RANDOM);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;
	*n = 0;
	assert_non_null(f);
	for (;;) {
		size_t got;
		if (*n + 4096 > cap)
			buf = realloc(buf, cap = (cap + 4096) * 2);
		got = fread(buf + *n, 1, 4096, f);
		*n += got;
		if (!got)
			break;
	}
	fclose(f);
	return buf;
}

static void test_full_scenario(void **state)
{
	struct scenario sc;
	struct err e = { 0 };
	struct sha256 h;
	char hex[65], *a, *b;
	size_t na, nb;
	(void)state;

	if (scenario_load(&sc, "tests/data/full.yaml", NULL, 0, "models", &e))
		fail_msg("%s", e.msg);
	assert_string_equal(sc.name, "full-example");
	assert_string_equal(sc.file, "tests/data/full.yaml");
	assert_string_equal(sc.dir, "tests/data");
	near(sc.duration, 2.5 * 3600);
	assert_int_equal(sc.seed, 42);
	near(sc.sample_interval, 30);
	near(sc.warmup, 300);
	assert_string_equal(sc.catalog, "aws-us-east-1");
	check_types(&sc);
	check_groups(&sc);
	check_controllers(&sc);
	check_workloads(&sc);
	check_traffic(&sc);

	/* scenario_sha256 = SHA-256(scenario bytes || catalog bytes). */
	a = slurp("tests/data/full.yaml", &na);
	b = slurp("models/aws-us-east-1.yaml", &nb);
	sha256_init(&h);
	sha256_update(&h, a, na);
	sha256_update(&h, b, nb);
	sha256_final_hex(&h, hex);
	assert_string_equal(sc.sha256, hex);
	free(a);
	free(b);
	scenario_release(&sc);
	scenario_release(&sc); /* releasing twice is safe */
}

static void test_minimal_defaults(void **state)
{
	static const int weights[PLUGIN_NSCORE] = { 3, 2, 1, 2, 2, 1 };
	struct scenario sc;
	struct err e = { 0 };
	int i;
	(void)state;

	if (scenario_load(&sc, "scenarios/examples/minimal.yaml", NULL, 0, NULL, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(sc.seed, 1);
	near(sc.duration, 3600);
	near(sc.sample_interval, 15);
	near(sc.warmup, 0);
	assert_string_equal(sc.catalog, "aws-us-east-1");
	near(sc.cluster.control_plane_price_per_hour, 0);
	assert_int_equal(sc.scheduler.strategy, STRATEGY_LEAST_ALLOCATED);
	for (i = 0; i < PLUGIN_NSCORE; i++)
		assert_int_equal(sc.scheduler.weights[i], weights[i]);
	assert_true(sc.scheduler.default_spread);
	assert_false(sc.autoscaler.enabled);
	near(sc.autoscaler.scan_interval, 10);
	assert_int_equal(sc.autoscaler.expander, EXPANDER_LEAST_WASTE);
	near(sc.autoscaler.scale_down_utilization_threshold, 0.5);
	near(sc.autoscaler.scale_down_unneeded_time, 600);
	near(sc.autoscaler.scale_down_delay_after_add, 600);
	near(sc.autoscaler.max_node_provision_time, 900);
	assert_true(sc.record.pod_samples);
	assert_false(sc.record.scores);
	assert_int_equal(sc.ngroups, 1);
	assert_int_equal(sc.groups[0].count, 2);
	assert_int_equal(sc.groups[0].min, 2);
	assert_int_equal(sc.groups[0].max, 2);
	assert_int_equal(sc.nworkloads, 0);
	assert_int_equal(sc.ntraffic, 0);
	assert_int_equal(strlen(sc.sha256), 64);
	scenario_release(&sc);
}

/* ---- malformed scenarios ---------------------------------------------------- */

struct bad {
	const char *text, *msg;
};

#define HEAD "name: t\nduration: 1h\n"
#define GROUP "node_groups: [{name: w, instance_type: t3.medium}]\n"
#define WEB HEAD GROUP "workloads:\n  - name: web\n"
#define TRAFFIC HEAD GROUP "workloads: [{name: web}]\ntraffic:\n  - workload: web\n"

static const struct bad bad_cases[] = {
	/* wrong types and units */
	{ "name: t\nduration: abc\n" GROUP,
	  T ":2:11: duration: expected a duration like 15s or 1h30m, got \"abc\"" },
	{ HEAD GROUP "workloads:\n  - name: user-server\n    limits:\n      memory: lots\n",
	  T ":7:15: workloads[user-server].limits.memory: expected a memory quantity like "
	    "128Mi, got \"lots\"" },
	{ "name: t\nduration: -5s\n" GROUP,
	  T ":2:11: duration: expected a duration like 15s or 1h30m, got \"-5s\"" },
	{ HEAD "seed: -1\n" GROUP, T ":3:7: seed: expected an integer of at least 0, got \"-1\"" },
	{ WEB "    requests: {cpu: lots}\n",
	  T ":6:21: workloads[web].requests.cpu: expected a CPU quantity like 250m or 0.5, got "
	    "\"lots\"" },
	{ WEB "    kind: StatefulSet\n",
	  T ":6:11: workloads[web].kind: expected one of Deployment, DaemonSet, got "
	    "\"StatefulSet\"" },
	{ HEAD "node_groups: abc\n",
	  T ":3:14: node_groups: expected a list of node groups, got \"abc\"" },
	{ HEAD "node_groups: []\n",
	  T ":3:14: node_groups: expected a non-empty list of items, got an empty list" },
	{ "- a\n- b\n",
	  T ":1:1: expected a map of scenario keys (name, duration, node_groups, ...), got a "
	    "list" },
	{ HEAD GROUP "record: {scores: maybe}\n",
	  T ":4:18: record.scores: expected true or false, got \"maybe\"" },
	/* unknown and missing keys */
	{ WEB "    replica: 3\n",
	  T ":6:5: workloads[web]: unknown key \"replica\" (did you mean \"replicas\"?)" },
	{ HEAD "colour: red\n" GROUP,
	  T ":3:1: unknown key \"colour\" (known keys: name, duration, seed, sample_interval, "
	    "warmup, catalog, instance_types, cluster, node_groups, scheduler, autoscaler, "
	    "workloads, manifests, profiles, traffic, record, faults)" },
	{ HEAD "node_groups:\n  - name: workers\n    count: 2\n",
	  T ":4:5: node_groups[workers]: missing required key \"instance_type\"" },
	{ "duration: 1h\n" GROUP, T ":1:1: missing required key \"name\"" },
	{ WEB "    request_cpu: {dist: exponential}\n",
	  T ":6:18: workloads[web].request_cpu: missing required key \"mean\"" },
	{ WEB "    request_cpu: {mean: 1ms}\n",
	  T ":6:18: workloads[web].request_cpu: missing required key \"dist\" (constant, "
	    "exponential, lognormal, gamma, uniform)" },
	/* dangling references */
	{ HEAD "node_groups:\n  - name: workers\n    instance_type: t3.mediun\n",
	  T ":5:20: node_groups[workers].instance_type: expected an instance type of catalog "
	    "aws-us-east-1 or instance_types, got \"t3.mediun\" (did you mean \"t3.medium\"?)" },
	{ TRAFFIC "    rate: {shape: constant, rps: 1}\n" "  - workload: wbe\n"
		  "    rate: {shape: constant, rps: 1}\n",
	  T ":8:15: traffic[1].workload: expected the name of a workload, got \"wbe\" (did you "
	    "mean \"web\"?)" },
	{ HEAD "catalog: nope\n" GROUP,
	  T ":3:10: catalog: expected an instance catalog in models (aws-us-east-1), got "
	    "\"nope\"" },
	/* ranges */
	{ WEB "    replicas: 100001\n",
	  T ":6:15: workloads[web].replicas: expected an integer from 0 to 100000, got "
	    "\"100001\"" },
	{ "name: t\nduration: 400d\n" GROUP,
	  T ":2:11: duration: expected a duration greater than 0s and at most 366d, got "
	    "\"400d\"" },
	{ HEAD "node_groups:\n  - name: workers\n    instance_type: t3.medium\n    count: 2\n"
	       "    min: 3\n    max: 5\n",
	  T ":7:10: node_groups[workers].min: expected an integer of at most count (2), got "
	    "\"3\"" },
	{ HEAD "node_groups:\n  - name: workers\n    instance_type: t3.medium\n    count: 4\n"
	       "    max: 3\n",
	  T ":7:10: node_groups[workers].max: expected an integer of at least count (4), got "
	    "\"3\"" },
	{ HEAD "warmup: 2h\n" GROUP,
	  T ":3:9: warmup: expected a duration less than duration (1h), got \"2h\"" },
	{ "name: t\nduration: 366d\nsample_interval: 1s\n" GROUP,
	  /* 366 d / 10^7 samples = 3.16224 s */
	  T ":3:18: sample_interval: expected a duration of at least 3s162ms240us (at most "
	    "10000000 samples in 366d), got \"1s\"" },
	{ TRAFFIC "    rate: {shape: constant, rps: 2e7}\n",
	  T ":7:34: traffic[0].rate.rps: expected a number from 0 to 10000000, got \"2e7\"" },
	{ WEB "    request_cpu: {dist: lognormal, mean: 10ms, cv: -1}\n",
	  T ":6:52: workloads[web].request_cpu.cv: expected a number from 0 to 100, got \"-1\"" },
	{ WEB "    affinity:\n      pod_affinity:\n        preferred:\n"
	      "          - {weight: 0, topology_key: zone}\n",
	  T ":9:22: workloads[web].affinity.pod_affinity.preferred[0].weight: expected an "
	    "integer from 1 to 100, got \"0\"" },
	{ HEAD "instance_types:\n  - name: t3.medium\n    vcpu: 0\n" GROUP,
	  T ":5:11: instance_types[t3.medium].vcpu: expected an integer from 1 to 1024, got "
	    "\"0\"" },
	{ HEAD "node_groups:\n  - {name: a, instance_type: t3.medium, count: 1, max: 10000}\n"
	       "  - {name: b, instance_type: t3.medium, count: 1, max: 5001}\n",
	  T ":5:56: node_groups[b].max: expected at most 15000 nodes over all node groups (this "
	    "group brings the total to 15001), got \"5001\"" },
	{ HEAD GROUP "workloads:\n  - {name: a, replicas: 100000}\n"
		     "  - {name: b, replicas: 100000}\n",
	  T ":6:25: workloads[b].replicas: expected at most 150000 pods over all workloads (this "
	    "one brings the total to 200000), got \"100000\"" },
	/* cross-field rules */
	{ WEB "    requests: {cpu: 2}\n    limits: {cpu: 1}\n",
	  T ":6:21: workloads[web].requests.cpu: expected a CPU quantity of at most limits.cpu "
	    "(1), got \"2\"" },
	{ WEB "    requests: {cpu: 100m}\n    hpa: {min: 5, max: 3}\n",
	  T ":7:16: workloads[web].hpa.min: expected an integer of at most max (3), got \"5\"" },
	{ WEB "    hpa: {max: 3}\n",
	  T ":6:10: workloads[web].hpa: expected requests.cpu with hpa (target_cpu_utilization "
	    "is a percent of it), got a map" },
	{ HEAD GROUP "workloads:\n  - name: agent\n    kind: DaemonSet\n"
		     "    requests: {cpu: 100m}\n    hpa: {max: 3}\n",
	  T ":8:10: workloads[agent].hpa: expected no hpa on a DaemonSet, got a map" },
	{ WEB "    request_cpu: {dist: uniform, min: 5ms, max: 1ms}\n",
	  T ":6:49: workloads[web].request_cpu.max: expected a duration of at least min (5ms), "
	    "got \"1ms\"" },
	{ TRAFFIC "    rate: {shape: diurnal, min: 10, max: 5}\n",
	  T ":7:42: traffic[0].rate.max: expected a number of at least min (10), got \"5\"" },
	{ TRAFFIC "    rate:\n      shape: steps\n      steps:\n        - {at: 10m, rps: 1}\n"
		  "        - {at: 5m, rps: 2}\n",
	  T ":11:16: traffic[0].rate.steps[1].at: expected a time after 10m (the previous "
	    "step), got \"5m\"" },
	{ WEB "    tolerations: [{value: x}]\n",
	  T ":6:19: workloads[web].tolerations[0].operator: expected Exists when key is empty" },
	{ WEB "    affinity:\n      pod_anti_affinity:\n        required:\n"
	      "          - topology_key: kubernetes.io/hostname\n"
	      "            match_expressions: [{key: app, operator: In}]\n",
	  T ":10:33: workloads[web].affinity.pod_anti_affinity.required[0].match_expressions[0]"
	    ".values: expected a non-empty list of values for operator In or NotIn" },
	{ WEB "    topology_spread:\n      - {max_skew: 1, topology_key: zone, "
	      "when_unsatisfiable: ScheduleAnyway, min_domains: 2}\n",
	  T ":7:92: workloads[web].topology_spread[0].min_domains: expected no min_domains with "
	    "when_unsatisfiable ScheduleAnyway, got \"2\"" },
	{ WEB "    request_cpu: {dist: normal, mean: 1ms}\n",
	  T ":6:25: workloads[web].request_cpu.dist: expected one of constant, exponential, "
	    "lognormal, gamma, uniform, got \"normal\"" },
	/* duplicate names, taints, labels */
	{ WEB "  - name: web\n",
	  T ":6:11: workloads[web].name: expected a name unique within workloads, got \"web\"" },
	{ HEAD "node_groups:\n  - name: workers\n    instance_type: t3.medium\n"
	       "    taints: [dedicated]\n",
	  T ":6:14: node_groups[workers].taints[0]: expected a taint like "
	    "dedicated=infra:NoSchedule, got \"dedicated\"" },
	{ HEAD "node_groups:\n  - name: workers\n    instance_type: t3.medium\n"
	       "    taints: [a=b:NoRun]\n",
	  T ":6:14: node_groups[workers].taints[0]: expected a taint like "
	    "dedicated=infra:NoSchedule, got \"a=b:NoRun\"" },
	{ WEB "    labels: {\"bad key\": x}\n",
	  T ":6:14: workloads[web].labels: expected a label key like app or example.com/tier, got "
	    "\"bad key\"" },
	{ HEAD "node_groups:\n  - name: workers\n    instance_type: t3.medium\n"
	       "    labels: {kubernetes.io/hostname: x}\n",
	  T ":6:13: node_groups[workers].labels: expected no label kubernetes.io/hostname (the "
	    "simulator sets it), got a map" },
	{ HEAD "instance_types: {name: x}\n" GROUP,
	  T ":3:17: instance_types: expected a list of instance types, got a map" },
	{ HEAD "node_groups: [abc]\n",
	  T ":3:15: node_groups[0]: expected a node group as a map, got \"abc\"" },
	/* YAML level */
	{ "name: t\nname: u\n", T ":2:1: duplicate key \"name\" (first at line 1)" },
	{ HEAD GROUP "---\nname: u\n", T ":5:1: expected one YAML document, got a second one" },
	/* the first error in document order wins */
	{ "name: t\nduration: x\nseed: y\n" GROUP,
	  T ":2:11: duration: expected a duration like 15s or 1h30m, got \"x\"" },
	/* trace files (next to the scenario: tests/data/) */
	{ TRAFFIC "    rate: {shape: trace, file: nope.csv}\n",
	  T ":7:32: traffic[0].rate.file: expected a readable CSV file of seconds,rps "
	    "(tests/data/nope.csv: No such file or directory), got \"nope.csv\"" },
	{ TRAFFIC "    rate: {shape: trace, file: trace-unsorted.csv}\n",
	  "tests/data/trace-unsorted.csv:3:1: traffic[0].rate.file: expected seconds of at "
	  "least 60 (rows sorted by time), got \"30,7\"" },
	{ TRAFFIC "    rate: {shape: trace, file: trace-negative.csv}\n",
	  "tests/data/trace-negative.csv:2:1: traffic[0].rate.file: expected seconds >= 0 and "
	  "rps from 0 to 10000000, got \"10,-1\"" },
	{ TRAFFIC "    rate: {shape: trace, file: trace-junk.csv}\n",
	  "tests/data/trace-junk.csv:3:1: traffic[0].rate.file: expected a row \"seconds,rps\" "
	  "of two finite numbers, got \"10,nan\"" },
	{ TRAFFIC "    rate: {shape: trace, file: trace-empty.csv}\n",
	  "tests/data/trace-empty.csv:1:1: traffic[0].rate.file: expected at least one row "
	  "\"seconds,rps\", got \"\"" },
};

static void test_malformed(void **state)
{
	size_t i;
	(void)state;
	assert_true(sizeof(bad_cases) / sizeof(bad_cases[0]) >= 30);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct scenario sc;
		struct err e = { 0 };
		int rc = load_text(&sc, T, bad_cases[i].text, &e);
		if (rc != ERR_INPUT || strcmp(e.msg, bad_cases[i].msg) != 0)
			fail_msg("case %zu:\n  got      %s\n  expected %s", i, rc ? e.msg : "(ok)",
				 bad_cases[i].msg);
		scenario_release(&sc);
	}
}

/* Hostile YAML through the scenario loader. */
static void test_hostile(void **state)
{
	char doc[2048], deep[256];
	size_t len = 0;
	int i, j;
	struct scenario sc;
	struct err e = { 0 };
	(void)state;

	len += (size_t)snprintf(doc + len, sizeof(doc) - len, "a0: &a0 lol\n");
	for (i = 1; i <= 9; i++) {
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len, "%s*a%d",
						j ? ", " : "", i - 1);
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "]\n");
	}
	assert_int_equal(load_text(&sc, T, doc, &e), ERR_INPUT);
	/* Same count as in test_ydoc: the 8th *a5 of line 7 (column 45). */
	assert_string_equal(e.msg, T ":7:45: document too large: more than 1000000 nodes (an "
				     "alias counts its anchor's nodes each time it is used)");

	/* The root map is level 1, so the 64th '[' (column 4 + 63) is level 65. */
	len = (size_t)snprintf(deep, sizeof(deep), "name: t\nx: ");
	for (i = 0; i < 70; i++)
		deep[len++] = '[';
	for (i = 0; i < 70; i++)
		deep[len++] = ']';
	deep[len] = '\0';
	assert_int_equal(load_text(&sc, T, deep, &e), ERR_INPUT);
	assert_string_equal(e.msg, T ":2:67: document nested too deeply: more than 64 levels");
}

/* ---- overrides --------------------------------------------------------------------- */

static int load_with(struct scenario *sc, const char **args, int n, struct err *e)
{
	struct override o[8];
	int i;
	for (i = 0; i < n; i++)
		if (override_parse(args[i], &o[i], e))
			return e->code;
	return scenario_load(sc, "tests/data/full.yaml", o, n, "models", e);
}

static void test_overrides(void **state)
{
	static const char *ok[] = {
		"workloads.web.limits.memory=512Mi",       /* nested */
		"node_groups.workers.count=3",             /* named list item */
		"instance_types.t3.medium.price_per_hour=0.07", /* name with dots */
		"traffic.0.rate.rps=7",                    /* unnamed item by index */
		"workloads.cache.limits.cpu=2",            /* creates limits */
		"workloads[batch].hpa={max: 4, min: 2}",   /* a map value */
		"workloads.batch.requests.cpu=500m",
	};
	struct scenario sc;
	struct err e = { 0 };
	const char *bad1[] = { "node_groups.wrkers.count=3" };
	const char *bad2[] = { "workloads.web.replicas=many" };
	const char *bad3[] = { "replicas" };
	const char *bad4[] = { "workloads.web.replica=3" };
	struct override o;
	(void)state;

	if (load_with(&sc, ok, (int)(sizeof(ok) / sizeof(ok[0])), &e))
		fail_msg("%s", e.msg);
	assert_int_equal(sc.workloads[0].lim_memory, 512 * MiB);
	assert_int_equal(sc.workloads[0].req_memory, 128 * MiB);
	assert_int_equal(sc.groups[1].count, 3);
	near(scenario_type(&sc, "t3.medium")->price_per_hour, 0.07);
	near(sc.traffic[0].rate.rps, 7);
	assert_int_equal(sc.workloads[2].lim_cpu, 2000);
	assert_int_equal(sc.workloads[2].req_cpu, 2000); /* request defaults to the limit */
	assert_true(sc.workloads[3].hpa.enabled);
	assert_int_equal(sc.workloads[3].hpa.min, 2);
	assert_int_equal(sc.workloads[3].hpa.max, 4);
	assert_int_equal(sc.workloads[3].hpa.target_cpu_utilization, 80); /* Kubernetes' default */
	scenario_release(&sc);

	/* A list item that does not exist; errors point at the value's column. */
	assert_int_equal(load_with(&sc, bad1, 1, &e), ERR_INPUT);
	assert_string_equal(e.msg, "--set:1:26: node_groups: expected the name of an item of "
				   "node_groups (system, workers), got \"wrkers\"");
	assert_int_equal(load_with(&sc, bad2, 1, &e), ERR_INPUT);
	assert_string_equal(e.msg, "--set:1:24: workloads[web].replicas: expected an integer from "
				   "0 to 100000, got \"many\"");
	assert_int_equal(load_with(&sc, bad3, 1, &e), ERR_INPUT);
	assert_string_equal(e.msg, "--set: expected PATH=VALUE like workloads.web.replicas=3, got "
				   "\"replicas\"");
	assert_int_equal(load_with(&sc, bad4, 1, &e), ERR_INPUT);
	assert_string_equal(e.msg, "--set:1:23: workloads[web]: unknown key \"replica\" (did you "
				   "mean \"replicas\"?)");
	assert_int_equal(override_parse("=3", &o, &e), ERR_INPUT);
	assert_int_equal(override_parse("a.b=c=d", &o, &e), 0);
	assert_int_equal(o.pathlen, 3);
	assert_string_equal(o.value, "c=d");
}

/* ---- catalog, derived values, QoS ------------------------------------------ */

static void test_catalog(void **state)
{
	struct arena a;
	struct instance_type *t;
	int n, i;
	struct err e = { 0 };
	const struct instance_type *x;
	(void)state;

	arena_init(&a);
	if (catalog_load(&a, "models/aws-us-east-1.yaml", &t, &n, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(n, 24);
	for (i = 0, x = NULL; i < n; i++)
		if (!strcmp(t[i].name, "t2.medium"))
			x = &t[i];
	assert_non_null(x);
	near(x->price_per_hour, 0.0464);
	near(x->price_per_hour * 720, 33.408); /* SPEC's story */
	assert_int_equal(x->max_pods, 17);    /* 3 x (6 - 1) + 2 */
	near(x->burst.baseline, 0.2);
	near(x->burst.initial_credits, 60);
	assert_int_equal(x->reserved_cpu, 70);
	assert_int_equal(x->reserved_memory, (442 + 100) * MiB);
	for (i = 0; i < n; i++) {
		if (!strcmp(t[i].name, "t2.xlarge")) {
			near(t[i].price_per_hour * 720, 133.632);
			assert_int_equal(t[i].max_pods, 44);
			assert_int_equal(t[i].reserved_cpu, 80);
			assert_int_equal(t[i].reserved_memory, (739 + 100) * MiB);
		}
		if (!strcmp(t[i].name, "t3.medium")) {
			near(t[i].price_per_hour, 0.0416);
			assert_int_equal(t[i].max_pods, 17);
			assert_int_equal(t[i].burst.mode, CREDIT_UNLIMITED);
			near(t[i].burst.initial_credits, 0);
			near(t[i].burst.surplus_price_per_vcpu_hour, 0.05);
		}
		if (!strcmp(t[i].name, "t3.xlarge")) {
			assert_int_equal(t[i].max_pods, 58);
			near(t[i].burst.baseline, 0.4);
			assert_int_equal(t[i].reserved_memory, (893 + 100) * MiB);
		}
		if (!strcmp(t[i].name, "m5.large")) {
			assert_int_equal(t[i].max_pods, 29);
			assert_false(t[i].burst.enabled);
			assert_int_equal(t[i].reserved_memory, (574 + 100) * MiB);
		}
		if (!strcmp(t[i].name, "c5.large"))
			near(t[i].price_per_hour, 0.085);
		if (!strcmp(t[i].name, "r5.large"))
			near(t[i].price_per_hour, 0.126);
		/* Every type leaves allocatable capacity. */
		assert_true(t[i].reserved_cpu < t[i].vcpu * 1000);
		assert_true(t[i].reserved_memory < t[i].memory);
	}
	arena_release(&a);

	arena_init(&a);
	assert_int_equal(catalog_load(&a, "models/none.yaml", &t, &n, &e), ERR_INPUT);
	assert_string_equal(e.msg, "models/none.yaml: cannot open: No such file or directory");
	arena_release(&a);
}

static void test_instance_type_defaults(void **state)
{
	/* vCPUs -> EKS kube-reserved CPU (m): 6 % of core 1, 1 % of core 2,
	 * 0.5 % of cores 3-4, 0.25 % above 4. */
	static const struct {
		int vcpu;
		int64_t cpu;
	} cases[] = { { 1, 60 },  { 2, 70 },   { 3, 75 },  { 4, 80 },
		      { 8, 90 },  { 16, 110 }, { 48, 190 } };
	struct instance_type t;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&t, 0, sizeof(t));
		t.name = "x.large";
		t.vcpu = cases[i].vcpu;
		t.reserved_cpu = t.reserved_memory = -1;
		instance_type_defaults(&t);
		assert_int_equal(t.reserved_cpu, cases[i].cpu);
		assert_int_equal(t.max_pods, 110);
		assert_int_equal(t.reserved_memory, (11 * 110 + 255 + 100) * MiB);
		near(t.cpu_speed, 1);
	}
	/* Burstable: t2 earns 24 credits/h on 2 vCPUs -> baseline 0.2, cap 576,
	 * 60 launch credits, standard; other families unlimited, no credits. */
	memset(&t, 0, sizeof(t));
	t.name = "t2.medium";
	t.vcpu = 2;
	t.max_pods = 17;
	t.reserved_cpu = 5;
	t.reserved_memory = 0; /* explicit values are kept */
	t.burst.enabled = 1;
	t.burst.baseline = t.burst.max_credits = t.burst.initial_credits = -1;
	t.burst.surplus_price_per_vcpu_hour = -1;
	t.burst.credits_per_hour = 24;
	t.burst.mode = (enum credit_mode) - 1;
	instance_type_defaults(&t);
	near(t.burst.baseline, 0.2);
	near(t.burst.max_credits, 576);
	near(t.burst.initial_credits, 60);
	assert_int_equal(t.burst.mode, CREDIT_STANDARD);
	near(t.burst.surplus_price_per_vcpu_hour, 0.05);
	assert_int_equal(t.reserved_cpu, 5);
	assert_int_equal(t.reserved_memory, 0);
	t.name = "t3.medium";
	t.burst.initial_credits = -1;
	t.burst.mode = (enum credit_mode) - 1;
	t.burst.credits_per_hour = -1;
	t.burst.baseline = 0.3;
	instance_type_defaults(&t);
	assert_int_equal(t.burst.mode, CREDIT_UNLIMITED);
	near(t.burst.initial_credits, 0);
	near(t.burst.credits_per_hour, 0.3 * 2 * 60);
}

static void test_qos(void **state)
{
	/* qos.go: BestEffort = no requests or limits; Guaranteed = cpu and
	 * memory limits, requests equal; else Burstable. */
	static const struct {
		int64_t rc, rm, lc, lm;
		enum qos_class q;
	} cases[] = {
		{ -1, -1, -1, -1, QOS_BEST_EFFORT },
		{ 0, 0, -1, -1, QOS_BEST_EFFORT },       /* zero requests are no requests */
		{ 100, -1, -1, -1, QOS_BURSTABLE },
		{ -1, -1, 500, 1 << 20, QOS_GUARANTEED }, /* requests default to limits */
		{ 500, 1 << 20, 500, 1 << 20, QOS_GUARANTEED },
		{ 250, 1 << 20, 500, 1 << 20, QOS_BURSTABLE },
		{ -1, -1, 500, -1, QOS_BURSTABLE },       /* no memory limit */
		{ -1, 1 << 20, -1, 1 << 20, QOS_BURSTABLE },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct workload w;
		memset(&w, 0, sizeof(w));
		w.req_cpu = cases[i].rc;
		w.req_memory = cases[i].rm;
		w.lim_cpu = cases[i].lc;
		w.lim_memory = cases[i].lm;
		if (workload_qos(&w) != cases[i].q)
			fail_msg("case %zu: %s", i, qos_name(workload_qos(&w)));
	}
	assert_string_equal(qos_name(QOS_GUARANTEED), "Guaranteed");
	assert_string_equal(qos_name(QOS_BEST_EFFORT), "BestEffort");
	assert_string_equal(score_plugin_name(PLUGIN_BALANCED_ALLOCATION),
			    "NodeResourcesBalancedAllocation");
	assert_string_equal(score_plugin_name(PLUGIN_TAINT_TOLERATION), "TaintToleration");
}

static void test_paths(void **state)
{
	(void)state;
	/* The environment wins; else the source tree (which exists here). */
	setenv("CLUSTERSIM_MODELS", "/x/models", 1);
	setenv("CLUSTERSIM_PLOT_SCRIPTS", "/x/plot", 1);
	assert_string_equal(paths_models_dir(), "/x/models");
	assert_string_equal(paths_plot_dir(), "/x/plot");
	unsetenv("CLUSTERSIM_MODELS");
	unsetenv("CLUSTERSIM_PLOT_SCRIPTS");
	assert_string_equal(paths_models_dir(), CLUSTERSIM_SOURCE_DIR "/models");
	assert_non_null(strstr(paths_plot_dir(), "/scripts/plot"));
}

/* ---- docs ------------------------------------------------------------------------------ */

static void test_docs_up_to_date(void **state)
{
	char *gen = NULL, *file;
	size_t ngen = 0, nfile;
	FILE *m = open_memstream(&gen, &ngen);
	(void)state;

	assert_non_null(m);
	assert_int_equal(scenario_schema_markdown(m), 0);
	fclose(m);
	if (getenv("CLUSTERSIM_WRITE_DOCS")) {
		FILE *f = fopen("docs/scenario.md", "w");
		assert_non_null(f);
		fwrite(gen, 1, ngen, f);
		fclose(f);
	}
	file = slurp("docs/scenario.md", &nfile);
	if (nfile != ngen || memcmp(file, gen, ngen) != 0)
		fail_msg("docs/scenario.md differs from scenario_schema_markdown(); regenerate "
			 "with CLUSTERSIM_WRITE_DOCS=1 build/test_scenario");
	/* Every top-level key is documented. */
	assert_non_null(strstr(gen, "| `sample_interval` | duration"));
	assert_non_null(strstr(gen, "| `request_cpu` |"));
	assert_non_null(strstr(gen, "### sweep"));
	free(file);
	free(gen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_scenario),
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_instance_type_defaults),
		cmocka_unit_test(test_qos),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_docs_up_to_date),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
