/*
 * scenario_refs.c -- the checks that need the whole scenario: node groups
 * name instance types (of the catalog or instance_types), traffic names
 * workloads, faults name node groups (interruptions only spot ones), and
 * the node and pod limits of docs/limits.md. Each error points at the
 * list item that names the missing thing, with a suggestion when a known
 * name is close.
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "scenario_impl.h"

static int type_error(struct schema_ctx *c, const struct ynode *root, int i,
		      const struct scenario *sc, const char *const *names)
{
	const struct ynode *item = nth(root, "node_groups", i);
	const struct ynode *at = ynode_get(item, "instance_type");
	const char *best = schema_suggest(at->str, names, sc->ntypes);
	size_t old = push_nth(c, "node_groups", item, i);
	int rc;

	schema_push_key(c, "instance_type");
	if (best)
		rc = schema_fail(c, at,
				 "expected an instance type of catalog %s or instance_types, got "
				 "\"%s\" (did you mean \"%s\"?)",
				 sc->catalog, at->str, best);
	else
		rc = schema_expect(c, at, "an instance type of catalog %s or instance_types",
				   sc->catalog);
	schema_pop(c, old);
	return rc;
}

static int nodes_error(struct schema_ctx *c, const struct ynode *root, int i, int nodes)
{
	const struct ynode *item = nth(root, "node_groups", i);
	size_t old = push_nth(c, "node_groups", item, i);
	int rc = schema_expect_key(c, item, item, ynode_get(item, "max") ? "max" : "count",
				   "at most %d nodes over all node groups (this group brings the "
				   "total to %d)",
				   LIM_NODES, nodes);
	schema_pop(c, old);
	return rc;
}

/* Node group -> instance type, and the node limit. */
static int resolve_groups(struct schema_ctx *c, const struct ynode *root, struct scenario *sc)
{
	const char **names = xcalloc((size_t)sc->ntypes + 1, sizeof(*names));
	int i, rc = 0, nodes = 0;

	for (i = 0; i < sc->ntypes; i++)
		names[i] = sc->types[i].name;
	for (i = 0; i < sc->ngroups && !rc; i++) {
		struct node_group *g = &sc->groups[i];
		g->type = scenario_type(sc, g->instance_type_name);
		nodes += g->max;
		if (!g->type)
			rc = type_error(c, root, i, sc, names);
		else if (nodes > LIM_NODES)
			rc = nodes_error(c, root, i, nodes);
	}
	free(names);
	return rc;
}

static int pods_error(struct schema_ctx *c, const struct ynode *root, const struct workload *w,
		      int i, int64_t pods, int nodes)
{
	const struct ynode *item = nth(root, "workloads", i);
	const char *key = w->hpa.enabled && w->hpa.max > w->replicas ? "hpa" : "replicas";
	size_t old;
	int rc;

	if (!item) /* a workload from manifests */
		return schema_fail(c, ynode_get(root, "manifests"),
				   "expected at most %d pods over all workloads, got %lld with "
				   "workload %s from manifests",
				   LIM_PODS, (long long)pods, w->name);
	old = push_nth(c, "workloads", item, i);
	if (w->kind == WL_DAEMONSET)
		rc = schema_fail(c, item,
				 "expected at most %d pods over all workloads, got %lld with this "
				 "DaemonSet on %d nodes",
				 LIM_PODS, (long long)pods, nodes);
	else
		rc = schema_expect_key(c, item, item, key,
				       "at most %d pods over all workloads (this one brings the "
				       "total to %lld)",
				       LIM_PODS, (long long)pods);
	schema_pop(c, old);
	return rc;
}

static int check_pods(struct schema_ctx *c, const struct ynode *root, struct scenario *sc)
{
	int64_t pods = 0;
	int i, nodes = 0;

	for (i = 0; i < sc->ngroups; i++)
		nodes += sc->groups[i].max;
	for (i = 0; i < sc->nworkloads; i++) {
		const struct workload *w = &sc->workloads[i];
		int most = w->hpa.enabled && w->hpa.max > w->replicas ? w->hpa.max : w->replicas;
		pods += w->kind == WL_DAEMONSET ? nodes : most;
		if (pods > LIM_PODS)
			return pods_error(c, root, w, i, pods, nodes);
	}
	return 0;
}

static int workload_error(struct schema_ctx *c, const struct ynode *root, int i,
			  const char *const *names, int n)
{
	const struct ynode *item = nth(root, "traffic", i);
	const struct ynode *at = ynode_get(item, "workload");
	const char *best = schema_suggest(at->str, names, n);
	size_t old = push_nth(c, "traffic", item, i);
	int rc;

	schema_push_key(c, "workload");
	if (best)
		rc = schema_fail(c, at, "expected the name of a workload, got \"%s\" (did you mean "
				 "\"%s\"?)", at->str, best);
	else
		rc = schema_expect(c, at, "the name of a workload");
	schema_pop(c, old);
	return rc;
}

static int resolve_traffic(struct schema_ctx *c, const struct ynode *root, struct scenario *sc)
{
	const char **names = xcalloc((size_t)sc->nworkloads + 1, sizeof(*names));
	int i, rc = 0;

	for (i = 0; i < sc->nworkloads; i++)
		names[i] = sc->workloads[i].name;
	for (i = 0; i < sc->ntraffic && !rc; i++) {
		struct traffic *t = &sc->traffic[i];
		t->workload = scenario_workload_index(sc, t->workload_name);
		if (t->workload < 0)
			rc = workload_error(c, root, i, names, sc->nworkloads);
	}
	free(names);
	return rc;
}

/* faults.*[i].node_group -> group index; interruptions on spot groups only. */
static int resolve_fault_list(struct schema_ctx *c, const struct ynode *root,
			      struct scenario *sc, const char *list, struct fault_spec *v, int n)
{
	const struct ynode *faults = ynode_get(root, "faults");
	int spot = strcmp(list, "spot_interruptions") == 0;

	for (int i = 0; i < n; i++) {
		struct fault_spec *f = &v[i];
		const struct ynode *item = nth(faults, list, i);
		size_t old;
		int rc;

		f->group = -1;
		for (int g = 0; g < sc->ngroups; g++)
			if (strcmp(sc->groups[g].name, f->group_name) == 0)
				f->group = g;
		if (f->group >= 0 && (!spot || sc->groups[f->group].spot))
			continue;
		old = schema_push_key(c, "faults");
		push_nth(c, list, item, i);
		rc = schema_expect_key(c, item, item, "node_group",
				       f->group < 0 ? "the name of a node group"
						    : "a node group with spot: true");
		schema_pop(c, old);
		return rc;
	}
	return 0;
}

static int resolve_faults(struct schema_ctx *c, const struct ynode *root, struct scenario *sc)
{
	int rc = resolve_fault_list(c, root, sc, "node_failures", sc->faults.failures,
				    sc->faults.nfailures);
	if (!rc)
		rc = resolve_fault_list(c, root, sc, "spot_interruptions", sc->faults.spot,
					sc->faults.nspot);
	return rc;
}

/* Node groups -> instance types, the node and pod limits, traffic ->
 * workloads, faults -> node groups: in that order, the first error wins. */
int scenario_resolve(struct schema_ctx *c, const struct ynode *root, struct scenario *sc)
{
	int rc;

	if ((rc = resolve_groups(c, root, sc)) || (rc = check_pods(c, root, sc)) ||
	    (rc = resolve_traffic(c, root, sc)) || (rc = resolve_faults(c, root, sc)))
		return rc;
	return 0;
}
