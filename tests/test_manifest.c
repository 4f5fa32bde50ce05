/*
 * test_manifest.c -- Kubernetes manifests as workloads (sim/manifest*.c):
 * the shop manifests of tests/data/manifests/ field by field, quantities and
 * the init-container rule, HPA API versions, profiles, warnings, errors
 * with their exact positions, and a run from manifests + profiles that
 * equals the same scenario written by hand.
 *
 * Where numbers come from:
 * - quantities: Kubernetes' resource.Quantity: 1.5 = 1500m cores; 1Gi =
 *   2^30 = 1073741824 bytes; 1G = 10^9 bytes; 128Mi = 134217728;
 * - pod requests: resourcehelper.PodRequests (reference section 1.1) and
 *   KEP-753 "Exposing Pod Resource Requirements": per resource
 *   max(sum of regular + sidecar containers, max over init containers i of
 *   (init i + sidecars declared before i));
 * - pod limits exist only when every container declares one (kubelet
 *   ResourceConfigForPod: cpuLimitsDeclared / memoryLimitsDeclared);
 * - a container's absent request is its limit (API defaulting);
 * - system-node-critical = 2000001000, system-cluster-critical =
 *   2000000000 (scheduling/types.go SystemCriticalPriority + 1000 / + 0);
 * - HPA: autoscaling/v2 without metrics defaults to 80 % CPU utilization,
 *   minReplicas defaults to 1;
 * - error positions: counted by hand in the texts below (1-based).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "results.h"
#include "scenario.h"

#define Ki 1024LL
#define Mi (1024 * Ki)
#define Gi (1024 * Mi)

static const char *label(const struct labels *l, const char *key)
{
	int i;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

static const struct workload *find(const struct scenario *sc, const char *name)
{
	int i = scenario_workload_index(sc, name);
	if (i < 0)
		fail_msg("no workload %s", name);
	return &sc->workloads[i];
}

static int has_warning(const struct scenario *sc, const char *text)
{
	int i;
	for (i = 0; i < sc->nwarnings; i++)
		if (strstr(sc->warnings[i], text))
			return 1;
	return 0;
}

static const char H[] = "name: t\nduration: 1h\n"
			"node_groups: [{name: w, instance_type: m5.large}]\n";

/*
 * Writes manifest text to <tmp>/file and loads a scenario <tmp>/s.yaml of
 * H + "manifests: [file]\n" + extra. Returns the loader's code.
 */
static int load(const char *file, const char *manifest, const char *extra, struct scenario *sc,
		struct err *e)
{
	char *text = xasprintf("%smanifests: [%s]\n%s", H, file, extra ? extra : "");
	const char *path;
	int rc;
	tu_write_file(file, manifest);
	path = tu_write_file("s.yaml", text);
	free(text);
	memset(e, 0, sizeof(*e));
	rc = scenario_load(sc, path, NULL, 0, "models", e);
	return rc;
}

static void load_ok(const char *file, const char *manifest, const char *extra,
		    struct scenario *sc)
{
	struct err e;
	if (load(file, manifest, extra, sc, &e))
		fail_msg("does not load: %s", e.msg);
}

/* want with every '@' replaced by the temp folder. */
static void expand(const char *want, char *full, size_t cap)
{
	size_t len = 0;
	for (; *want && len + 1 < cap; want++)
		len += (size_t)snprintf(full + len, cap - len, "%s",
					*want == '@' ? tu_tmpdir() : (char[2]){ *want, 0 });
}

/* The loader fails with exactly want ('@': the temp folder). */
static void load_fails(const char *file, const char *manifest, const char *extra,
		       const char *want)
{
	struct scenario sc;
	struct err e;
	char full[1200];
	if (!load(file, manifest, extra, &sc, &e)) {
		scenario_release(&sc);
		fail_msg("loads, expected: %s", want);
	}
	expand(want, full, sizeof(full));
	if (strcmp(e.msg, full) != 0)
		fail_msg("\n got: %s\nwant: %s", e.msg, full);
	assert_int_equal(e.code, ERR_INPUT);
	scenario_release(&sc);
}

/* ---- the shop (tests/data/manifests-shop.yaml) ------------------------------ */

static void shop_kafka(const struct workload *w)
{
	/* StatefulSet, replicas 3 in the manifest, 2 in the profile. */
	assert_int_equal(w->kind, WL_DEPLOYMENT);
	assert_int_equal(w->replicas, 2);
	assert_int_equal(w->labels.n, 2);
	assert_string_equal(label(&w->labels, "app.kubernetes.io/component"), "broker");
	/* kafka 1.5 + jmx 100m = 1600m; the init container's 10m is less. */
	assert_int_equal(w->req_cpu, 1600);
	/* 1G + 256Mi = 10^9 + 268435456. */
	assert_int_equal(w->req_memory, 1000000000LL + 256 * Mi);
	/* Only kafka declares a memory limit (1Gi): no pod limit. No CPU limit. */
	assert_int_equal(w->lim_cpu, -1);
	assert_int_equal(w->lim_memory, -1);
	assert_int_equal(w->node_selector.n, 1);
	assert_string_equal(label(&w->node_selector, "workload"), "kafka");
	assert_int_equal(w->ntolerations, 1);
	assert_string_equal(w->tolerations[0].key, "dedicated");
	assert_int_equal(w->tolerations[0].op, TOL_EQUAL);
	assert_string_equal(w->tolerations[0].value, "kafka");
	assert_int_equal(w->tolerations[0].effect, EFFECT_NO_SCHEDULE);
	assert_int_equal(w->anti_affinity.required.n, 1);
	assert_int_equal(w->anti_affinity.preferred.n, 0);
	assert_string_equal(w->anti_affinity.required.v[0].topology_key, "kubernetes.io/hostname");
	assert_string_equal(label(&w->anti_affinity.required.v[0].selector.match_labels,
				  "app.kubernetes.io/name"),
			    "kafka");
	assert_float_equal(w->termination_grace, 60, 0);
	assert_int_equal(w->priority, 0);
	assert_int_equal(w->hpa.enabled, 0);
	/* Profiles: "*" gives cpu.idle, kafka the rest. */
	assert_int_equal(w->cpu_idle, 5);
	assert_int_equal(w->concurrency, 32);
	assert_int_equal(w->request_cpu.kind, DIST_CONSTANT);
	assert_float_equal(w->request_cpu.p1, 0.002, 1e-15);
}

static void shop_node_exporter(const struct workload *w)
{
	assert_int_equal(w->kind, WL_DAEMONSET);
	assert_string_equal(label(&w->labels, "app.kubernetes.io/name"),
			    "prometheus-node-exporter");
	assert_int_equal(w->req_cpu, 50);
	assert_int_equal(w->req_memory, 32 * Mi);
	assert_int_equal(w->lim_cpu, 250);
	assert_int_equal(w->lim_memory, 64 * Mi);
	assert_int_equal(w->priority, 2000001000); /* system-node-critical */
	/* operator Exists without key: tolerates every taint. */
	assert_int_equal(w->ntolerations, 1);
	assert_null(w->tolerations[0].key);
	assert_int_equal(w->tolerations[0].op, TOL_EXISTS);
	assert_int_equal(w->tolerations[0].effect, -1);
	assert_int_equal(w->node_affinity.nrequired, 1);
	assert_int_equal(w->node_affinity.required[0].nexprs, 1);
	assert_string_equal(w->node_affinity.required[0].exprs[0].key,
			    "eks.amazonaws.com/compute-type");
	assert_int_equal(w->node_affinity.required[0].exprs[0].op, SEL_NOT_IN);
	assert_string_equal(w->node_affinity.required[0].exprs[0].values[0], "fargate");
	assert_float_equal(w->termination_grace, 30, 0); /* Kubernetes' default */
	assert_int_equal(w->cpu_idle, 5);
}

static void shop_web_placement(const struct workload *w)
{
	const struct spread_constraint *s;

	assert_int_equal(w->node_affinity.nrequired, 1);
	assert_string_equal(w->node_affinity.required[0].exprs[0].key, "kubernetes.io/os");
	assert_int_equal(w->node_affinity.required[0].exprs[0].op, SEL_IN);
	assert_int_equal(w->node_affinity.npreferred, 1);
	assert_int_equal(w->node_affinity.preferred[0].weight, 20);
	assert_int_equal(w->node_affinity.preferred[0].exprs[0].nvalues, 2);
	assert_string_equal(w->node_affinity.preferred[0].exprs[0].values[1], "m5.xlarge");
	assert_int_equal(w->anti_affinity.required.n, 0);
	assert_int_equal(w->anti_affinity.preferred.n, 1);
	assert_int_equal(w->anti_affinity.preferred.v[0].weight, 100);
	assert_string_equal(w->anti_affinity.preferred.v[0].topology_key, "kubernetes.io/hostname");
	assert_int_equal(w->anti_affinity.preferred.v[0].selector.match_labels.n, 2);
	assert_int_equal(w->affinity.required.n + w->affinity.preferred.n, 0);
	assert_int_equal(w->nspread, 2);
	s = &w->spread[0];
	assert_int_equal(s->max_skew, 1);
	assert_string_equal(s->topology_key, "topology.kubernetes.io/zone");
	assert_int_equal(s->do_not_schedule, 0);
	assert_int_equal(s->selector.match_labels.n, 1);
	assert_int_equal(s->min_domains, 0);
	s = &w->spread[1];
	assert_int_equal(s->max_skew, 2);
	assert_int_equal(s->do_not_schedule, 1);
	assert_int_equal(s->min_domains, 2);
	/* matchExpressions, then matchLabelKeys: pod-template-hash is not on the
	 * template (the controller adds it), so only tier In [front]. */
	assert_int_equal(s->selector.match_labels.n, 0);
	assert_int_equal(s->selector.nexprs, 2);
	assert_string_equal(s->selector.exprs[0].key, "app.kubernetes.io/name");
	assert_string_equal(s->selector.exprs[1].key, "tier");
	assert_int_equal(s->selector.exprs[1].op, SEL_IN);
	assert_int_equal(s->selector.exprs[1].nvalues, 1);
	assert_string_equal(s->selector.exprs[1].values[0], "front");
}

static void shop_web(const struct workload *w)
{
	assert_int_equal(w->kind, WL_DEPLOYMENT);
	assert_int_equal(w->replicas, 3);
	assert_int_equal(w->labels.n, 3);
	assert_string_equal(label(&w->labels, "tier"), "front");
	/* CPU: app 250m + proxy 100m = 350m < init migrate 1 -> 1000m.
	 * Memory: app 1Gi + proxy 128Mi = 1152Mi > init 64Mi. */
	assert_int_equal(w->req_cpu, 1000);
	assert_int_equal(w->req_memory, 1 * Gi + 128 * Mi);
	/* Limits, all declared: 1500m + 500m = 2000m > init 1; 2Gi + 256Mi. */
	assert_int_equal(w->lim_cpu, 2000);
	assert_int_equal(w->lim_memory, 2 * Gi + 256 * Mi);
	assert_int_equal(w->priority, 100000); /* PriorityClass shop-critical */
	assert_float_equal(w->termination_grace, 45, 0);
	shop_web_placement(w);
	/* HPA web: min 3, target 70 from the manifest; max 20 from the profile. */
	assert_int_equal(w->hpa.enabled, 1);
	assert_int_equal(w->hpa.min, 3);
	assert_int_equal(w->hpa.max, 20);
	assert_int_equal(w->hpa.target_cpu_utilization, 70);
	assert_int_equal(w->request_cpu.kind, DIST_EXPONENTIAL);
	assert_float_equal(w->request_cpu.p1, 0.020, 1e-15);
	assert_int_equal(w->concurrency, 8);
	assert_int_equal(w->mem.base, 300 * Mi);
	assert_int_equal(w->mem.per_inflight, 1 * Mi);
	assert_int_equal(w->mem.growth_per_hour, 0);
	assert_float_equal(w->startup_pull, 4, 0);
	assert_float_equal(w->startup_ready_after, 6, 0);
	assert_int_equal(w->cpu_idle, 5);
}

static void test_shop(void **state)
{
	struct scenario sc;
	struct err e = { 0 };
	(void)state;
	if (scenario_load(&sc, "tests/data/manifests-shop.yaml", NULL, 0, "models", &e))
		fail_msg("%s", e.msg);
	/* The folder's files by name: kafka, node-exporter, web-hpa, web. */
	assert_int_equal(sc.nworkloads, 3);
	assert_string_equal(sc.workloads[0].name, "kafka");
	assert_string_equal(sc.workloads[1].name, "node-exporter");
	assert_string_equal(sc.workloads[2].name, "web");
	shop_kafka(&sc.workloads[0]);
	shop_node_exporter(&sc.workloads[1]);
	shop_web(&sc.workloads[2]);
	/* Traffic names a workload from manifests. */
	assert_int_equal(sc.ntraffic, 1);
	assert_int_equal(sc.traffic[0].workload, 2);
	/* Warnings: the memory metric, behavior, two namespaces, and the kinds
	 * not simulated listed once with their counts. */
	assert_int_equal(sc.nwarnings, 4);
	assert_string_equal(sc.warnings[0],
			    "tests/data/manifests/web-hpa.yaml:23:15: HorizontalPodAutoscaler web: "
			    "spec.metrics[1].resource.name: a memory metric is not simulated (only "
			    "CPU utilization): ignored");
	assert_true(has_warning(&sc, "web-hpa.yaml:28:5: HorizontalPodAutoscaler web: "
				     "spec.behavior: not simulated"));
	assert_true(has_warning(&sc, "namespaces shop, monitoring"));
	assert_string_equal(sc.warnings[3], "manifests: kinds the simulator does not use, "
					    "ignored: Service (2), ConfigMap (1)");
	scenario_release(&sc);
}

/* The manifests are part of what a run simulated: their bytes are hashed. */
static void test_hash(void **state)
{
	struct scenario sc;
	char h1[65], h2[65];
	const char *dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
			  "spec:\n  template:\n    spec:\n      containers: [{name: c}]\n";
	(void)state;
	load_ok("h.yaml", dep, NULL, &sc);
	memcpy(h1, sc.sha256, sizeof(h1));
	scenario_release(&sc);
	{
		char *d2 = xasprintf("# changed\n%s", dep);
		load_ok("h.yaml", d2, NULL, &sc);
		free(d2);
	}
	memcpy(h2, sc.sha256, sizeof(h2));
	assert_int_equal(strlen(h1), 64);
	assert_string_not_equal(h1, h2);
	scenario_release(&sc);
}

/* ---- quantities and the init-container rule --------------------------------- */

#define DEP_HEAD                                                              \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: q}\nspec:\n" \
	"  template:\n    metadata: {labels: {app: q}}\n    spec:\n"

static void test_quantities(void **state)
{
	struct scenario sc;
	(void)state;
	load_ok("q.yaml",
		DEP_HEAD "      containers:\n"
			 "        - {name: a, resources: {requests: {cpu: 1.5, memory: 1Gi}}}\n"
			 "        - {name: b, resources: {requests: {cpu: 1500m, memory: 1G}}}\n"
			 "        - {name: c, resources: {requests: {cpu: '0.25', memory: 1e3}}}\n",
		NULL, &sc);
	/* 1.5 + 1500m + 0.25 = 3250m; 2^30 + 10^9 + 1000 bytes. */
	assert_int_equal(sc.workloads[0].req_cpu, 3250);
	assert_int_equal(sc.workloads[0].req_memory, 1073741824LL + 1000000000LL + 1000);
	assert_int_equal(sc.workloads[0].lim_cpu, -1);
	assert_int_equal(sc.workloads[0].replicas, 1); /* Kubernetes' default */
	scenario_release(&sc);
}

static void test_sidecar_before_init(void **state)
{
	struct scenario sc;
	(void)state;
	load_ok("s1.yaml",
		DEP_HEAD
		"      containers:\n"
		"        - name: app\n"
		"          resources:\n"
		"            requests: {cpu: 100m, memory: 100Mi}\n"
		"            limits: {cpu: 200m, memory: 200Mi}\n"
		"      initContainers:\n"
		"        - name: mesh\n"
		"          restartPolicy: Always\n"
		"          resources:\n"
		"            requests: {cpu: 50m, memory: 50Mi}\n"
		"            limits: {cpu: 100m, memory: 100Mi}\n"
		"        - name: migrate\n"
		"          resources:\n"
		"            requests: {cpu: 200m, memory: 10Mi}\n"
		"            limits: {cpu: 300m, memory: 20Mi}\n",
		NULL, &sc);
	/* Requests: regular + sidecar = 150m / 150Mi; migrate runs beside the
	 * sidecar started before it: 200m + 50m = 250m, 10Mi + 50Mi = 60Mi.
	 * Pod: max -> 250m, 150Mi. Limits alike: 300m vs 300m + 100m = 400m;
	 * 300Mi vs 120Mi. */
	assert_int_equal(sc.workloads[0].req_cpu, 250);
	assert_int_equal(sc.workloads[0].req_memory, 150 * Mi);
	assert_int_equal(sc.workloads[0].lim_cpu, 400);
	assert_int_equal(sc.workloads[0].lim_memory, 300 * Mi);
	scenario_release(&sc);
}

static void test_sidecar_after_init(void **state)
{
	struct scenario sc;
	(void)state;
	load_ok("s2.yaml",
		DEP_HEAD
		"      containers:\n"
		"        - name: app\n"
		"          resources:\n"
		"            requests: {cpu: 100m, memory: 100Mi}\n"
		"            limits: {cpu: 200m, memory: 200Mi}\n"
		"      initContainers:\n"
		"        - name: migrate\n"
		"          resources:\n"
		"            requests: {cpu: 200m, memory: 10Mi}\n"
		"            limits: {cpu: 300m, memory: 20Mi}\n"
		"        - name: mesh\n"
		"          restartPolicy: Always\n"
		"          resources:\n"
		"            requests: {cpu: 50m, memory: 50Mi}\n"
		"            limits: {cpu: 100m, memory: 100Mi}\n",
		NULL, &sc);
	/* migrate runs alone: max(150m, 200m) = 200m; limits max(300m, 300m). */
	assert_int_equal(sc.workloads[0].req_cpu, 200);
	assert_int_equal(sc.workloads[0].req_memory, 150 * Mi);
	assert_int_equal(sc.workloads[0].lim_cpu, 300);
	assert_int_equal(sc.workloads[0].lim_memory, 300 * Mi);
	scenario_release(&sc);
}

static void test_limits_and_defaulting(void **state)
{
	struct scenario sc;
	(void)state;
	load_ok("l.yaml",
		DEP_HEAD
		"      containers:\n"
		"        - name: app\n"
		"          resources: {limits: {cpu: 300m, memory: 256Mi}}\n"
		"        - name: logs\n"
		"          resources: {limits: {cpu: 100m}, requests: {memory: 32Mi}}\n",
		NULL, &sc);
	/* app's requests default to its limits: 300m + 100m (logs' CPU request
	 * defaults to its limit) = 400m; 256Mi + 32Mi. CPU limits: both
	 * declared, 400m; memory: logs has none, so the pod has none. */
	assert_int_equal(sc.workloads[0].req_cpu, 400);
	assert_int_equal(sc.workloads[0].req_memory, 288 * Mi);
	assert_int_equal(sc.workloads[0].lim_cpu, 400);
	assert_int_equal(sc.workloads[0].lim_memory, -1);
	assert_int_equal(workload_qos(&sc.workloads[0]), QOS_BURSTABLE);
	scenario_release(&sc);
	/* Requests equal to limits everywhere: Guaranteed, as qos.go says. */
	load_ok("g.yaml",
		DEP_HEAD
		"      containers:\n"
		"        - {name: a, resources: {limits: {cpu: 1, memory: 1Gi}}}\n"
		"        - {name: b, resources: {limits: {cpu: 500m, memory: 128Mi}}}\n",
		NULL, &sc);
	assert_int_equal(workload_qos(&sc.workloads[0]), QOS_GUARANTEED);
	assert_int_equal(sc.workloads[0].req_cpu, 1500);
	scenario_release(&sc);
	/* No resources at all: BestEffort, requests absent (non-zero defaults
	 * then apply for scoring). */
	load_ok("b.yaml", DEP_HEAD "      containers: [{name: a}]\n", NULL, &sc);
	assert_int_equal(sc.workloads[0].req_cpu, -1);
	assert_int_equal(sc.workloads[0].req_memory, -1);
	assert_int_equal(workload_qos(&sc.workloads[0]), QOS_BEST_EFFORT);
	scenario_release(&sc);
}

/* ---- kinds --------------------------------------------------------------------- */

static void test_kinds(void **state)
{
	struct scenario sc;
	(void)state;
	load_ok("k.yaml",
		"apiVersion: v1\nkind: List\nitems:\n"
		"  - apiVersion: v1\n    kind: Pod\n"
		"    metadata: {name: solo, labels: {app: solo}}\n"
		"    spec:\n      priorityClassName: system-cluster-critical\n"
		"      containers: [{name: c, resources: {requests: {cpu: 1}}}]\n"
		"  - apiVersion: apps/v1\n    kind: ReplicaSet\n    metadata: {name: rs}\n"
		"    spec:\n      replicas: 0\n      template:\n        spec:\n"
		"          containers: [{name: c}]\n"
		"---\n"
		"apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\n"
		"---\n"
		"---\n"
		"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
		NULL, &sc);
	assert_int_equal(sc.nworkloads, 2);
	assert_string_equal(sc.workloads[0].name, "solo");
	assert_int_equal(sc.workloads[0].replicas, 1);
	assert_int_equal(sc.workloads[0].priority, 2000000000);
	assert_string_equal(label(&sc.workloads[0].labels, "app"), "solo");
	assert_int_equal(sc.workloads[1].replicas, 0);
	/* Without template labels the scenario default app=<name> applies. */
	assert_string_equal(label(&sc.workloads[1].labels, "app"), "rs");
	assert_int_equal(sc.nwarnings, 1);
	assert_string_equal(sc.warnings[0], "manifests: kinds the simulator does not use, "
					    "ignored: Job (1), Secret (1)");
	scenario_release(&sc);
}

/* ---- HPAs --------------------------------------------------------------------------- */

#define WEB_DEP                                                                        \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"         \
	"  template:\n    spec:\n      containers: [{name: c, resources: {requests: " \
	"{cpu: 200m}}}]\n---\n"

static const struct workload *one_hpa(const char *hpa, struct scenario *sc)
{
	char *text = xasprintf(WEB_DEP "%s", hpa);
	load_ok("hpa.yaml", text, NULL, sc);
	free(text);
	assert_int_equal(sc->nworkloads, 1);
	return &sc->workloads[0];
}

static void test_hpa_versions(void **state)
{
	struct scenario sc;
	const struct workload *w;
	(void)state;
	w = one_hpa("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\n"
		    "metadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n"
		    "  maxReplicas: 5\n  targetCPUUtilizationPercentage: 65\n",
		    &sc);
	assert_int_equal(w->hpa.enabled, 1);
	assert_int_equal(w->hpa.min, 1);
	assert_int_equal(w->hpa.max, 5);
	assert_int_equal(w->hpa.target_cpu_utilization, 65);
	scenario_release(&sc);
	w = one_hpa("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
		    "metadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n"
		    "  minReplicas: 2\n  maxReplicas: 4\n",
		    &sc);
	assert_int_equal(w->hpa.min, 2);
	assert_int_equal(w->hpa.target_cpu_utilization, 80);
	scenario_release(&sc);
	w = one_hpa("apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\n"
		    "metadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n"
		    "  maxReplicas: 4\n  metrics:\n  - type: Resource\n"
		    "    resource: {name: cpu, targetAverageUtilization: 55}\n",
		    &sc);
	assert_int_equal(w->hpa.target_cpu_utilization, 55);
	scenario_release(&sc);
	/* Only a memory metric: not simulated, the workload has no HPA. */
	w = one_hpa("apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\n"
		    "metadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n"
		    "  maxReplicas: 4\n  metrics:\n  - type: Pods\n    pods: {}\n",
		    &sc);
	assert_int_equal(w->hpa.enabled, 0);
	assert_true(has_warning(&sc, "spec.metrics[0].type: metric type Pods is not simulated"));
	assert_true(has_warning(&sc, "no CPU utilization metric: this HPA is not simulated"));
	scenario_release(&sc);
	/* A target kind the simulator does not know (Argo Rollout): a warning. */
	w = one_hpa("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
		    "metadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Rollout, name: web}\n"
		    "  maxReplicas: 4\n",
		    &sc);
	assert_int_equal(w->hpa.enabled, 0);
	assert_true(has_warning(&sc, "a Rollout is not simulated: this HPA is ignored"));
	scenario_release(&sc);
}

/* ---- warnings ----------------------------------------------------------------------- */

static void test_warnings(void **state)
{
	struct scenario sc;
	(void)state;
	load_ok("w.yaml",
		DEP_HEAD
		"      nodeName: ip-10-0-1-5\n"                              /* line 8 */
		"      priorityClassName: batch-low\n"                       /* line 9 */
		"      topologySpreadConstraints:\n"                         /* line 10 */
		"        - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n"
		"      containers: [{name: c}]\n",
		NULL, &sc);
	/* The constraint without a selector never binds in Kubernetes: dropped. */
	assert_int_equal(sc.workloads[0].nspread, 0);
	assert_int_equal(sc.workloads[0].priority, 0);
	assert_int_equal(sc.nwarnings, 3);
	assert_true(has_warning(&sc, "w.yaml:11:11: Deployment q: spec.template.spec."
				     "topologySpreadConstraints[0]: no labelSelector"));
	assert_true(has_warning(&sc, "w.yaml:8:17: Deployment q: spec.template.spec.nodeName: "
				     "ignored"));
	assert_true(has_warning(&sc, "w.yaml:9:26: Deployment q: spec.template.spec."
				     "priorityClassName: PriorityClass batch-low is not in the "
				     "manifests: priority 0 assumed"));
	scenario_release(&sc);
}

/* ---- profiles ----------------------------------------------------------------------- */

#define TWO_DEPS                                                                          \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"            \
	"  replicas: 2\n  template:\n    spec:\n      containers: [{name: c, resources: "    \
	"{requests: {cpu: 100m}, limits: {cpu: 1, memory: 1Gi}}}]\n---\n"                      \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker}\nspec:\n"         \
	"  template:\n    spec:\n      containers: [{name: c}]\n---\n"                        \
	"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n" \
	"spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 9}\n"

static void test_profiles(void **state)
{
	struct scenario sc;
	const struct workload *web, *worker;
	(void)state;
	load_ok("p.yaml", TWO_DEPS,
		"profiles:\n"
		"  - name: web\n"
		"    concurrency: 4\n"
		"    request_cpu: {dist: exponential, mean: 5ms}\n"
		"    replicas: 5\n"
		"    limits: {cpu: null}\n"
		"  - name: 'w*'\n"
		"    concurrency: 2\n"
		"    cpu: {idle: 10m}\n"
		"    request_cpu: {dist: constant, value: 1ms}\n"
		"  - name: worker\n"
		"    hpa: {max: 3}\n"
		"    requests: {cpu: 50m}\n",
		&sc);
	web = find(&sc, "web");
	worker = find(&sc, "worker");
	/* The exact profile wins over the pattern written after it; a
	 * distribution is replaced whole. */
	assert_int_equal(web->concurrency, 4);
	assert_int_equal(web->request_cpu.kind, DIST_EXPONENTIAL);
	assert_float_equal(web->request_cpu.p1, 0.005, 1e-15);
	assert_int_equal(web->cpu_idle, 10);
	assert_int_equal(web->replicas, 5);
	/* limits.cpu removed, limits.memory kept (maps merge key by key). */
	assert_int_equal(web->lim_cpu, -1);
	assert_int_equal(web->lim_memory, 1 * Gi);
	assert_int_equal(web->hpa.max, 9);
	assert_int_equal(worker->concurrency, 2);
	assert_int_equal(worker->request_cpu.kind, DIST_CONSTANT);
	assert_int_equal(worker->hpa.enabled, 1);
	assert_int_equal(worker->hpa.max, 3);
	assert_int_equal(worker->hpa.min, 1);
	assert_int_equal(worker->req_cpu, 50);
	scenario_release(&sc);
	/* hpa: null switches the manifest's HPA off. */
	load_ok("p.yaml", TWO_DEPS, "profiles: [{name: web, hpa: null}]\n", &sc);
	assert_int_equal(find(&sc, "web")->hpa.enabled, 0);
	scenario_release(&sc);
}

/* Hand-written workloads and manifests together; traffic by name. */
static void test_mixed(void **state)
{
	struct scenario sc;
	(void)state;
	load_ok("mx.yaml", TWO_DEPS,
		"workloads: [{name: cache, requests: {cpu: 100m}}]\n"
		"traffic: [{workload: worker, rate: {shape: constant, rps: 1}}]\n",
		&sc);
	assert_int_equal(sc.nworkloads, 3);
	assert_string_equal(sc.workloads[0].name, "cache");
	assert_string_equal(sc.workloads[2].name, "worker");
	assert_int_equal(sc.traffic[0].workload, 2);
	scenario_release(&sc);
}

/* ---- errors -------------------------------------------------------------------------- */

static void test_manifest_errors(void **state)
{
	(void)state;
	/* Line 14 is "              cpu: lots": 14 spaces + "cpu: " -> column 20. */
	load_fails("web.yaml",
		   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
		   "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"
		   "      containers:\n        - name: app\n          resources:\n"
		   "            requests:\n              cpu: lots\n",
		   NULL,
		   "@/web.yaml:14:20: Deployment web: spec.template.spec.containers[app].resources."
		   "requests.cpu: expected a CPU quantity like 250m or 0.5, got \"lots\"");
	/* Line 8 "      containers: [{name: a, resources: {limits: {memory: 2Zi}}}]":
	 * the value 2Zi starts at column 59. */
	load_fails("m.yaml",
		   DEP_HEAD "      containers: [{name: a, resources: {limits: {memory: 2Zi}}}]\n",
		   NULL,
		   "@/m.yaml:8:59: Deployment q: spec.template.spec.containers[a].resources.limits."
		   "memory: expected a memory quantity like 128Mi, got \"2Zi\"");
	/* Request above limit: "requests: {cpu: 2}" -> the 2 at column 76. */
	load_fails("rl.yaml",
		   DEP_HEAD "      containers: [{name: a, resources: {limits: {cpu: 1}, requests: "
			    "{cpu: 2}}}]\n",
		   NULL,
		   "@/rl.yaml:8:76: Deployment q: spec.template.spec.containers[a].resources."
		   "requests.cpu: expected a CPU quantity of at most limits.cpu (1), got \"2\"");
	/* The pod spec map starts at line 8 column 7. */
	load_fails("nc.yaml", DEP_HEAD "      restartPolicy: Always\n", NULL,
		   "@/nc.yaml:8:7: Deployment q: spec.template.spec: missing required key "
		   "\"containers\"");
	load_fails("nk.yaml", "apiVersion: v1\nmetadata: {name: x}\n", NULL,
		   "@/nk.yaml:1:1: missing required key \"kind\"");
	load_fails("nm.yaml", "- a\n- b\n", NULL,
		   "@/nm.yaml:1:1: expected a Kubernetes object (a map with apiVersion and kind), "
		   "got a list");
	load_fails("bn.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Web_1}\n",
		   NULL,
		   "@/bn.yaml:3:18: Deployment: metadata.name: expected a lower-case name like "
		   "web-1 (letters, digits, '-' and '.'), got \"Web_1\"");
}

static void test_placement_errors(void **state)
{
	(void)state;
	/* Line 8 "      tolerations: [{operator: Equal, value: x}]": operator's
	 * value at column 32. */
	load_fails("t.yaml",
		   DEP_HEAD "      tolerations: [{operator: Equal, value: x}]\n"
			    "      containers: [{name: a}]\n",
		   NULL,
		   "@/t.yaml:8:32: Deployment q: spec.template.spec.tolerations[0].operator: "
		   "expected Exists when key is empty, got \"Equal\"");
	load_fails("gt.yaml",
		   DEP_HEAD "      containers: [{name: a}]\n"
			    "      affinity:\n        nodeAffinity:\n"
			    "          requiredDuringSchedulingIgnoredDuringExecution:\n"
			    "            nodeSelectorTerms:\n"
			    "              - matchExpressions:\n"
			    "                  - {key: cores, operator: Gt, values: ['4']}\n",
		   NULL,
		   "@/gt.yaml:14:44: Deployment q: spec.template.spec.affinity.nodeAffinity."
		   "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]."
		   "matchExpressions[0].operator: expected one of In, NotIn, Exists, "
		   "DoesNotExist (Gt and Lt are not simulated), got \"Gt\"");
	load_fails("mf.yaml",
		   DEP_HEAD "      containers: [{name: a}]\n"
			    "      affinity:\n        nodeAffinity:\n"
			    "          requiredDuringSchedulingIgnoredDuringExecution:\n"
			    "            nodeSelectorTerms:\n"
			    "              - matchFields: [{key: metadata.name, operator: In, "
			    "values: [n1]}]\n",
		   NULL,
		   "@/mf.yaml:13:30: Deployment q: spec.template.spec.affinity.nodeAffinity."
		   "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]."
		   "matchFields: expected no matchFields (node names differ in the simulator; use "
		   "matchExpressions on node labels), got a list");
	load_fails("es.yaml",
		   DEP_HEAD "      containers: [{name: a}]\n"
			    "      affinity:\n        podAntiAffinity:\n"
			    "          requiredDuringSchedulingIgnoredDuringExecution:\n"
			    "            - {labelSelector: {}, topologyKey: "
			    "kubernetes.io/hostname}\n",
		   NULL,
		   "@/es.yaml:12:31: Deployment q: spec.template.spec.affinity.podAntiAffinity."
		   "requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector: expected "
		   "matchLabels or matchExpressions (an empty selector matches every pod, which "
		   "is not simulated), got an empty map");
	load_fails("md.yaml",
		   DEP_HEAD "      containers: [{name: a}]\n"
			    "      topologySpreadConstraints:\n"
			    "        - {maxSkew: 1, topologyKey: zone, "
			    "whenUnsatisfiable: ScheduleAnyway, minDomains: 2, "
			    "labelSelector: {matchLabels: {app: q}}}\n",
		   NULL,
		   "@/md.yaml:10:90: Deployment q: spec.template.spec.topologySpreadConstraints[0]."
		   "minDomains: expected no minDomains with whenUnsatisfiable ScheduleAnyway, got "
		   "\"2\"");
}

static void test_reference_errors(void **state)
{
	(void)state;
	/* Line 13 (WEB_DEP is 8 lines): "  scaleTargetRef: {kind: Deployment, name:
	 * wbe}": wbe at column 44. */
	load_fails("he.yaml",
		   WEB_DEP "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
			   "metadata: {name: h}\nspec:\n"
			   "  scaleTargetRef: {kind: Deployment, name: wbe}\n  maxReplicas: 3\n",
		   NULL,
		   "@/he.yaml:13:44: HorizontalPodAutoscaler h: spec.scaleTargetRef.name: expected "
		   "the name of a Deployment in the manifests, got \"wbe\" (did you mean "
		   "\"web\"?)");
	load_fails("hm.yaml",
		   WEB_DEP "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
			   "metadata: {name: h}\nspec:\n"
			   "  scaleTargetRef: {kind: Deployment, name: web}\n  minReplicas: 4\n"
			   "  maxReplicas: 3\n",
		   NULL,
		   "@/hm.yaml:15:16: HorizontalPodAutoscaler h: spec.maxReplicas: expected an "
		   "integer of at least minReplicas (4), got \"3\"");
	load_fails("hd.yaml",
		   "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec:\n"
		   "  template:\n    spec:\n      containers: [{name: c}]\n---\n"
		   "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
		   "metadata: {name: h}\nspec:\n"
		   "  scaleTargetRef: {kind: DaemonSet, name: ds}\n  maxReplicas: 3\n",
		   NULL,
		   "@/hd.yaml:13:26: HorizontalPodAutoscaler h: spec.scaleTargetRef.kind: "
		   "expected a Deployment, StatefulSet or ReplicaSet (a DaemonSet cannot be "
		   "scaled), got \"DaemonSet\"");
	/* An HPA on a workload without CPU request: the workload table's check,
	 * at the HPA's spec (line 12, column 3). */
	load_fails("hr.yaml",
		   "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
		   "  template:\n    spec:\n      containers: [{name: c}]\n---\n"
		   "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
		   "metadata: {name: h}\nspec:\n"
		   "  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 3\n",
		   NULL,
		   "@/hr.yaml:13:3: workloads[web].hpa: expected requests.cpu with hpa "
		   "(target_cpu_utilization is a percent of it), got a map");
	load_fails("dup.yaml",
		   WEB_DEP "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\n", NULL,
		   "@/dup.yaml:11:18: StatefulSet web: metadata.name: expected a workload name "
		   "unique over the manifests (Deployment web at @/dup.yaml:3:18), got \"web\"");
}

static void test_scenario_errors(void **state)
{
	struct scenario sc;
	struct err e = { 0 };
	char want[600];
	char *text = xasprintf("%smanifests: [nope/*.yaml]\n", H);
	(void)state;
	/* Line 4 of the scenario lists the pattern at column 13. */
	expand("@/s.yaml:4:13: manifests[0]: expected a manifest file, folder or glob "
	       "pattern (@/nope/*.yaml: no file matches), got \"nope/*.yaml\"",
	       want, sizeof(want));
	assert_int_equal(scenario_load(&sc, tu_write_file("s.yaml", text), NULL, 0, "models", &e),
			 ERR_INPUT);
	assert_string_equal(e.msg, want);
	free(text);
	load_fails("pe.yaml", TWO_DEPS, "profiles: [{name: web, concurency: 2}]\n",
		   "@/s.yaml:5:24: workloads[web]: unknown key \"concurency\" (did you mean "
		   "\"concurrency\"?)");
	load_fails("pe.yaml", TWO_DEPS, "profiles: [{name: web, concurrency: 0}]\n",
		   "@/s.yaml:5:37: workloads[web].concurrency: expected an integer from 1 to "
		   "10000, got \"0\"");
	load_fails("pe.yaml", TWO_DEPS, "profiles:\n  - name: wbe\n    concurrency: 2\n",
		   "@/s.yaml:6:11: profiles[wbe].name: expected the name of a workload from "
		   "manifests, got \"wbe\" (did you mean \"web\"?)");
	load_fails("pe.yaml", TWO_DEPS, "profiles: [{name: 'kafka-*'}]\n",
		   "@/s.yaml:5:19: profiles[kafka-*].name: expected a pattern matching workloads "
		   "from manifests (web, worker), got \"kafka-*\"");
	load_fails("pe.yaml", TWO_DEPS, "workloads:\n  - {name: worker}\n",
		   "@/s.yaml:6:12: workloads[worker].name: expected a name not also given by "
		   "manifests (Deployment worker at @/pe.yaml:12:18), got \"worker\"");
	load_fails("pe.yaml", TWO_DEPS,
		   "workloads: [{name: cache}]\nprofiles: [{name: cache, concurrency: 2}]\n",
		   "@/s.yaml:6:19: profiles[cache].name: expected the name of a workload from "
		   "manifests (cache is written in workloads: give its keys there), got "
		   "\"cache\"");
}

/* ---- equivalence ---------------------------------------------------------------------- */

static const char eq_head[] =
	"name: eq\nduration: 40m\nsample_interval: 1m\n"
	"node_groups:\n"
	"  - {name: workers, instance_type: t3.medium, count: 2, zones: [us-east-1a, "
	"us-east-1b]}\n"
	"traffic:\n"
	"  - {workload: api, rate: {shape: steps, steps: [{at: 0s, rps: 10}, {at: 10m, rps: "
	"25}]}}\n"
	"  - {workload: user-server, rate: {shape: constant, rps: 5}}\n";

/* The story's kind of cluster written by hand. */
static const char eq_hand[] =
	"workloads:\n"
	"  - name: api\n"
	"    replicas: 2\n"
	"    labels: {app: api, tier: web}\n"
	"    requests: {cpu: 250m, memory: 256Mi}\n"
	"    limits: {cpu: 500m, memory: 512Mi}\n"
	"    affinity:\n"
	"      pod_anti_affinity:\n"
	"        preferred:\n"
	"          - {weight: 100, topology_key: kubernetes.io/hostname, "
	"match_labels: {app: api}}\n"
	"    topology_spread:\n"
	"      - {max_skew: 1, topology_key: topology.kubernetes.io/zone, "
	"when_unsatisfiable: DoNotSchedule, match_labels: {app: api}}\n"
	"    termination_grace: 20s\n"
	"    request_cpu: {dist: exponential, mean: 30ms}\n"
	"    concurrency: 4\n"
	"    memory: {base: 200Mi, per_inflight: 2Mi}\n"
	"    startup: {pull: 5s, ready_after: 10s}\n"
	"    hpa: {min: 2, max: 6, target_cpu_utilization: 60}\n"
	"  - name: user-server\n"
	"    labels: {app: user-server}\n"
	"    requests: {cpu: 100m, memory: 64Mi}\n"
	"    limits: {memory: 100Mi}\n"
	"    request_cpu: {dist: constant, value: 5ms}\n"
	"    memory: {base: 60Mi, growth_per_hour: 120Mi}\n"
	"  - name: kube-proxy\n"
	"    kind: DaemonSet\n"
	"    labels: {k8s-app: kube-proxy}\n"
	"    requests: {cpu: 100m}\n"
	"    priority: 2000001000\n"
	"    tolerations: [{operator: Exists}]\n"
	"    cpu: {idle: 20m}\n";

/* The same as manifests: api's requests split over app + sidecar. */
static const char eq_manifests[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n"
	"spec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {app: api, tier: web}\n"
	"    spec:\n      terminationGracePeriodSeconds: 20\n"
	"      containers:\n"
	"        - name: app\n          resources:\n"
	"            requests: {cpu: 200m, memory: 192Mi}\n"
	"            limits: {cpu: 400m, memory: 384Mi}\n"
	"        - name: sidecar\n          resources:\n"
	"            requests: {cpu: 50m, memory: 64Mi}\n"
	"            limits: {cpu: 100m, memory: 128Mi}\n"
	"      affinity:\n        podAntiAffinity:\n"
	"          preferredDuringSchedulingIgnoredDuringExecution:\n"
	"            - weight: 100\n              podAffinityTerm:\n"
	"                labelSelector: {matchLabels: {app: api}}\n"
	"                topologyKey: kubernetes.io/hostname\n"
	"      topologySpreadConstraints:\n"
	"        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, "
	"whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: api}}}\n"
	"---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: user-server}\n"
	"spec:\n  template:\n    metadata: {labels: {app: user-server}}\n    spec:\n"
	"      containers:\n        - name: app\n          resources:\n"
	"            requests: {cpu: 100m, memory: 64Mi}\n            limits: {memory: 100Mi}\n"
	"---\n"
	"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: kube-proxy, namespace: "
	"kube-system}\n"
	"spec:\n  template:\n    metadata: {labels: {k8s-app: kube-proxy}}\n    spec:\n"
	"      priorityClassName: system-node-critical\n"
	"      tolerations: [{operator: Exists}]\n"
	"      containers: [{name: kube-proxy, resources: {requests: {cpu: 100m}}}]\n"
	"---\n"
	"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: api}\n"
	"spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n"
	"  minReplicas: 2\n  maxReplicas: 6\n  metrics:\n"
	"    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, "
	"averageUtilization: 60}}\n";

static const char eq_profiles[] =
	"manifests: [eq-manifests.yaml]\n"
	"profiles:\n"
	"  - name: api\n"
	"    request_cpu: {dist: exponential, mean: 30ms}\n"
	"    concurrency: 4\n"
	"    memory: {base: 200Mi, per_inflight: 2Mi}\n"
	"    startup: {pull: 5s, ready_after: 10s}\n"
	"  - name: user-server\n"
	"    request_cpu: {dist: constant, value: 5ms}\n"
	"    memory: {base: 60Mi, growth_per_hour: 120Mi}\n"
	"  - name: kube-proxy\n"
	"    cpu: {idle: 20m}\n";

static int same_time(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void same_results(const struct results *a, const struct results *b)
{
	const struct res_summary *x = &a->summary, *y = &b->summary;
	size_t i;

	assert_true(x->cost_usd == y->cost_usd && x->node_hours == y->node_hours);
	assert_true(x->requests == y->requests && x->errors == y->errors);
	assert_true(x->latency_mean_ms == y->latency_mean_ms);
	assert_true(x->latency_p50_ms == y->latency_p50_ms);
	assert_true(x->latency_p99_ms == y->latency_p99_ms);
	assert_true(x->latency_max_ms == y->latency_max_ms);
	assert_true(x->oom_kills == y->oom_kills && x->restarts == y->restarts);
	assert_true(x->evictions == y->evictions && x->max_nodes == y->max_nodes);
	assert_true(x->max_pending_pods == y->max_pending_pods);
	assert_true(x->pending_pod_seconds == y->pending_pod_seconds);
	assert_int_equal(a->n_pods, b->n_pods);
	for (i = 0; i < a->n_pods; i++) {
		const struct res_pod *p = &a->pods[i], *q = &b->pods[i];
		assert_string_equal(p->pod, q->pod);
		assert_string_equal(p->workload, q->workload);
		assert_true((!p->node && !q->node) || (p->node && q->node &&
						       !strcmp(p->node, q->node)));
		assert_true(same_time(p->scheduled_t, q->scheduled_t));
		assert_true(same_time(p->ready_t, q->ready_t));
		assert_true(same_time(p->deleted_t, q->deleted_t));
		assert_int_equal(p->oom_kills, q->oom_kills);
	}
	assert_int_equal(a->n_events, b->n_events);
	assert_int_equal(a->n_service_samples, b->n_service_samples);
}

static void test_equivalence(void **state)
{
	struct scenario s1, s2;
	struct results r1, r2;
	char *hand = xasprintf("%s%s", eq_head, eq_hand);
	char *man = xasprintf("%s%s", eq_head, eq_profiles);
	int i;
	(void)state;

	tu_write_file("eq-manifests.yaml", eq_manifests);
	tu_simulate("eq-hand.yaml", hand, &s1, &r1);
	tu_simulate("eq-man.yaml", man, &s2, &r2);
	/* The loaded workloads agree field by field where it matters. */
	for (i = 0; i < s1.nworkloads; i++) {
		const struct workload *a = &s1.workloads[i], *b = &s2.workloads[i];
		assert_string_equal(a->name, b->name);
		assert_int_equal(a->req_cpu, b->req_cpu);
		assert_int_equal(a->req_memory, b->req_memory);
		assert_int_equal(a->lim_cpu, b->lim_cpu);
		assert_int_equal(a->lim_memory, b->lim_memory);
		assert_int_equal(a->priority, b->priority);
		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->replicas, b->replicas);
		assert_int_equal(a->labels.n, b->labels.n);
		assert_int_equal(a->ntolerations, b->ntolerations);
		assert_int_equal(a->nspread, b->nspread);
		assert_int_equal(a->anti_affinity.preferred.n, b->anti_affinity.preferred.n);
		assert_true(a->termination_grace == b->termination_grace);
		assert_int_equal(a->hpa.enabled, b->hpa.enabled);
		assert_int_equal(a->hpa.max, b->hpa.max);
		assert_int_equal(a->hpa.target_cpu_utilization, b->hpa.target_cpu_utilization);
		assert_int_equal(a->request_cpu.kind, b->request_cpu.kind);
		assert_true(a->request_cpu.p1 == b->request_cpu.p1);
		assert_int_equal(a->concurrency, b->concurrency);
		assert_int_equal(a->mem.base, b->mem.base);
		assert_int_equal(a->mem.growth_per_hour, b->mem.growth_per_hour);
		assert_true(a->startup_ready_after == b->startup_ready_after);
		assert_int_equal(a->cpu_idle, b->cpu_idle);
	}
	same_results(&r1, &r2);
	/* Not vacuous: requests were served; 2 api + 1 user-server + a
	 * kube-proxy on each of the 2 nodes; the api pods on different nodes
	 * (zone spread with max skew 1 over the 2 zones). The user-server
	 * passes its 100Mi limit at 60Mi + 120Mi/h x 20 min, so once OOM kills
	 * and the HPA are simulated the comparison covers them too. */
	assert_true(r1.summary.requests > 0 && r1.summary.errors < r1.summary.requests);
	/* 5 at the start; the HPA adds replicas as the OOM-killed
	 * user-server's CPU climbs. */
	assert_true(tu_count_events(&r1, "Scheduled", NULL) >= 5);
	assert_true(tu_count_events(&r1, "OOMKilled", NULL) > 0);
	{
		const char *n1 = NULL, *n2 = NULL;
		size_t k;
		for (k = 0; k < r1.n_pods; k++) {
			if (!strcmp(r1.pods[k].pod, "api-1"))
				n1 = r1.pods[k].node;
			if (!strcmp(r1.pods[k].pod, "api-2"))
				n2 = r1.pods[k].node;
		}
		assert_non_null(n1);
		assert_non_null(n2);
		assert_string_not_equal(n1, n2);
	}
	assert_string_not_equal(s1.sha256, s2.sha256);
	results_release(&r1);
	results_release(&r2);
	scenario_release(&s1);
	scenario_release(&s2);
	free(hand);
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shop),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_quantities),
		cmocka_unit_test(test_sidecar_before_init),
		cmocka_unit_test(test_sidecar_after_init),
		cmocka_unit_test(test_limits_and_defaulting),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_hpa_versions),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_manifest_errors),
		cmocka_unit_test(test_placement_errors),
		cmocka_unit_test(test_reference_errors),
		cmocka_unit_test(test_scenario_errors),
		cmocka_unit_test(test_equivalence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
