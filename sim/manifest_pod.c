/*
 * manifest_pod.c -- a pod spec in scenario form: requests and limits over
 * containers, tolerations, node and pod (anti-)affinity, topology spread.
 * See manifest.h and docs/manifests.md.
 *
 * Requests follow resourcehelper.PodRequests (k8s.io/component-helpers
 * resource/helpers.go, reference section 1.1): per resource, the sum over
 * regular containers and sidecars (init containers with restartPolicy
 * Always), raised to the largest init container's use, where an init
 * container uses its own request plus the sidecars started before it.
 * Limits aggregate the same way (PodLimits) but exist only when every
 * container, init containers included, declares a non-zero one: the
 * kubelet sets a pod-level CPU quota or memory limit only then
 * (ResourceConfigForPod, pkg/kubelet/cm/helpers_linux.go: cpuLimitsDeclared,
 * memoryLimitsDeclared). A request is present when some container
 * declares it; a container's absent request is its limit (API defaulting).
 */
#include "manifest_impl.h"

#include <stdint.h>
#include <string.h>

#include "units.h"

static const char *const tol_ops[] = { "Equal", "Exists", NULL };
static const char *const effects[] = { "NoSchedule", "PreferNoSchedule", "NoExecute", NULL };
static const char *const sel_ops[] = { "In", "NotIn", "Exists", "DoesNotExist", NULL };
static const char *const unsatisfiable[] = { "DoNotSchedule", "ScheduleAnyway", NULL };
static const char *const policies[] = { "Honor", "Ignore", NULL };
static const char *const always[] = { "Always", NULL };

#define AFF_REQ "requiredDuringSchedulingIgnoredDuringExecution"
#define AFF_PREF "preferredDuringSchedulingIgnoredDuringExecution"

/* ---- requests and limits ------------------------------------------------------ */

enum { CPU, MEM, NRES };
enum { REQ, LIM };
enum ctr_role { REGULAR, SIDECAR, INIT };

static const char *const res_names[NRES] = { "cpu", "memory" };

struct cres {
	int64_t q[2][NRES]; /* [REQ|LIM][res]: millicores, bytes; -1 absent */
};

struct agg {
	int64_t sum[2][NRES];  /* regular containers and sidecars */
	int64_t side[2][NRES]; /* sidecars started so far */
	int64_t init[2][NRES]; /* largest use of an init container */
	int any_req[NRES];     /* some container requests it */
	int all_lim[NRES];     /* every container limits it (> 0) */
};

static int64_t sat_add(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int quantity(struct mreader *r, const struct ynode *map, int res, int64_t *v,
		    const struct ynode **at)
{
	const struct ynode *n = mr_opt(map, res_names[res]);
	const char *why;
	int bad;

	*v = -1;
	*at = n;
	if (!n)
		return 0;
	bad = n->kind != YN_SCALAR ||
	      (res == CPU ? units_cpu(n->str, v, &why) : units_memory(n->str, v, &why)) < 0;
	if (!bad)
		return 0;
	return mr_expect(r, map, map, res_names[res],
			 res == CPU ? "a CPU quantity like 250m or 0.5"
				    : "a memory quantity like 128Mi");
}

static int request_above_limit(struct mreader *r, const struct ynode *req, int res,
			       int64_t limit)
{
	char v[32], what[96];
	size_t old = mr_key(r, "requests");
	int rc;

	if (res == CPU)
		units_fmt_cpu(v, sizeof(v), limit);
	else
		units_fmt_memory(v, sizeof(v), limit);
	snprintf(what, sizeof(what), "a %s quantity of at most limits.%s (%s)",
		 res == CPU ? "CPU" : "memory", res_names[res], v);
	rc = mr_expect(r, req, req, res_names[res], what);
	mr_pop(r, old);
	return rc;
}

static int container_resources(struct mreader *r, const struct ynode *ctr, struct cres *cr)
{
	const struct ynode *res, *part[2], *at[2][NRES];
	static const char *const part_names[2] = { "requests", "limits" };
	size_t old;
	int rc, i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < NRES; i++)
			cr->q[k][i] = -1;
	if ((rc = mr_get(r, ctr, "resources", YN_MAP, 0, &res)) || !res)
		return rc;
	old = mr_key(r, "resources");
	for (k = 0; k < 2 && !rc; k++) {
		rc = mr_get(r, res, part_names[k], YN_MAP, 0, &part[k]);
		for (i = 0; i < NRES && !rc; i++) {
			size_t o2 = mr_key(r, part_names[k]);
			rc = quantity(r, part[k], i, &cr->q[k][i], &at[k][i]);
			mr_pop(r, o2);
		}
	}
	for (i = 0; i < NRES && !rc; i++) {
		if (cr->q[REQ][i] >= 0 && cr->q[LIM][i] >= 0 && cr->q[REQ][i] > cr->q[LIM][i])
			rc = request_above_limit(r, part[REQ], i, cr->q[LIM][i]);
		if (cr->q[REQ][i] < 0)
			cr->q[REQ][i] = cr->q[LIM][i];
	}
	mr_pop(r, old);
	return rc;
}

static void agg_add(struct agg *a, const struct cres *c, enum ctr_role role)
{
	int i, k;
	for (i = 0; i < NRES; i++) {
		a->any_req[i] |= c->q[REQ][i] >= 0;
		a->all_lim[i] &= c->q[LIM][i] > 0;
		for (k = 0; k < 2; k++) {
			int64_t q = c->q[k][i] > 0 ? c->q[k][i] : 0, use;
			if (role != INIT)
				a->sum[k][i] = sat_add(a->sum[k][i], q);
			if (role == SIDECAR) {
				a->side[k][i] = sat_add(a->side[k][i], q);
				use = a->side[k][i];
			} else if (role == INIT) {
				use = sat_add(q, a->side[k][i]);
			} else {
				continue;
			}
			if (use > a->init[k][i])
				a->init[k][i] = use;
		}
	}
}

static int read_containers(struct mreader *r, const struct ynode *spec, const char *key,
			   struct agg *a, int *ports)
{
	const struct ynode *seq, *nm, *rp, *pl;
	int init = strcmp(key, "initContainers") == 0, rc;
	size_t i, old;

	if ((rc = mr_get(r, spec, key, YN_SEQ, !init, &seq)) || !seq)
		return rc;
	if ((!init && seq->n == 0) || seq->n > MF_LIM_LIST)
		return mr_expect(r, spec, spec, key, "a list of 1 to 1000 containers");
	old = mr_key(r, key);
	for (i = 0; i < seq->n && !rc; i++) {
		const struct ynode *ctr = seq->vals[i];
		size_t o2 = mr_item(r, ctr, i);
		struct cres cr;
		if (ctr->kind != YN_MAP)
			rc = schema_expect(&r->c, ctr, "a container as a map");
		if (!rc)
			rc = mr_str(r, ctr, "name", 1, &nm);
		if (!rc)
			rc = container_resources(r, ctr, &cr);
		rp = NULL;
		if (!rc && init)
			rc = mr_enum(r, ctr, "restartPolicy", always, 0, &rp);
		if (!rc && !init && (rc = mr_get(r, ctr, "ports", YN_SEQ, 0, &pl)) == 0 && pl &&
		    pl->n)
			*ports = 1;
		if (!rc)
			agg_add(a, &cr, !init ? REGULAR : rp ? SIDECAR : INIT);
		mr_pop(r, o2);
	}
	mr_pop(r, old);
	return rc;
}

static struct ynode *resource_map(struct manifest_set *m, struct ymark mark, const int64_t *q)
{
	struct ynode *map;
	if (q[CPU] < 0 && q[MEM] < 0)
		return NULL;
	map = mb_map(m, mark);
	if (q[CPU] >= 0)
		mb_add(m, map, "cpu", mb_scalar(m, mark, "%lldm", (long long)q[CPU]));
	if (q[MEM] >= 0)
		mb_add(m, map, "memory", mb_scalar(m, mark, "%lld", (long long)q[MEM]));
	return map;
}

static int read_resources(struct mreader *r, const struct ynode *spec, struct mpod *p)
{
	struct agg a;
	int64_t q[2][NRES];
	const struct ynode *ctrs;
	int i, rc;

	memset(&a, 0, sizeof(a));
	a.all_lim[CPU] = a.all_lim[MEM] = 1;
	if ((rc = read_containers(r, spec, "containers", &a, &p->ports)) ||
	    (rc = read_containers(r, spec, "initContainers", &a, &p->ports)))
		return rc;
	for (i = 0; i < NRES; i++) {
		int64_t req = a.sum[REQ][i] > a.init[REQ][i] ? a.sum[REQ][i] : a.init[REQ][i];
		int64_t lim = a.sum[LIM][i] > a.init[LIM][i] ? a.sum[LIM][i] : a.init[LIM][i];
		q[REQ][i] = a.any_req[i] ? req : -1;
		q[LIM][i] = a.all_lim[i] ? lim : -1;
	}
	ctrs = mr_opt(spec, "containers");
	p->req_cpu = q[REQ][CPU];
	p->req_memory = q[REQ][MEM];
	p->lim_cpu = q[LIM][CPU];
	p->lim_memory = q[LIM][MEM];
	p->requests = resource_map(r->m, ctrs->mark, q[REQ]);
	p->limits = resource_map(r->m, ctrs->mark, q[LIM]);
	return 0;
}

/* ---- tolerations ---------------------------------------------------------------- */

static int read_toleration(struct mreader *r, const struct ynode *t, struct ynode **out)
{
	struct manifest_set *m = r->m;
	const struct ynode *key, *op, *val, *eff;
	int rc, exists, nokey;

	if (t->kind != YN_MAP)
		return schema_expect(&r->c, t, "a toleration as a map");
	if ((rc = mr_str(r, t, "key", 0, &key)) ||
	    (rc = mr_enum(r, t, "operator", tol_ops, 0, &op)) ||
	    (rc = mr_str(r, t, "value", 0, &val)) ||
	    (rc = mr_enum(r, t, "effect", effects, 0, &eff)))
		return rc;
	nokey = !key || !*key->str;
	exists = op && strcmp(op->str, "Exists") == 0;
	/* Kubernetes' validation (validateTolerations). */
	if (!nokey && !schema_label_key_ok(key->str))
		return mr_expect(r, t, t, "key", "a label key like app or example.com/tier");
	if (nokey && !exists)
		return mr_expect(r, t, t, "operator", "Exists when key is empty");
	if (exists && val && *val->str)
		return mr_expect(r, t, t, "value", "no value with operator Exists");
	if (val && !schema_label_value_ok(val->str))
		return mr_expect(r, t, t, "value", "a label value of at most 63 characters");
	*out = mb_map(m, t->mark);
	if (!nokey)
		mb_add(m, *out, "key", (struct ynode *)key);
	if (op)
		mb_add(m, *out, "operator", (struct ynode *)op);
	if (val && *val->str)
		mb_add(m, *out, "value", (struct ynode *)val);
	if (eff)
		mb_add(m, *out, "effect", (struct ynode *)eff);
	return 0;
}

static int read_tolerations(struct mreader *r, const struct ynode *spec, struct mpod *p)
{
	const struct ynode *seq;
	size_t i, old;
	int rc;

	if ((rc = mr_get(r, spec, "tolerations", YN_SEQ, 0, &seq)) || !seq || !seq->n)
		return rc;
	if (seq->n > MF_LIM_LIST)
		return mr_expect(r, spec, spec, "tolerations",
				 "a list of at most 1000 tolerations");
	p->tolerations = mb_seq(r->m, seq->mark);
	old = mr_key(r, "tolerations");
	for (i = 0; i < seq->n && !rc; i++) {
		struct ynode *t;
		size_t o2 = mr_item(r, seq->vals[i], i);
		if (!(rc = read_toleration(r, seq->vals[i], &t)))
			mb_add(r->m, p->tolerations, NULL, t);
		mr_pop(r, o2);
	}
	mr_pop(r, old);
	return rc;
}

/* ---- selectors -------------------------------------------------------------------- */

/* A LabelSelectorRequirement or NodeSelectorRequirement, validated. */
static int read_requirement(struct mreader *r, const struct ynode *x, int node,
			    struct ynode **out)
{
	struct manifest_set *m = r->m;
	const struct ynode *key, *op, *vals = NULL, *o = mr_opt(x, "operator");
	int rc, set_op;
	size_t i;

	if (x->kind != YN_MAP)
		return schema_expect(&r->c, x, "a requirement {key, operator, values} as a map");
	if (node && o && o->kind == YN_SCALAR && (!strcmp(o->str, "Gt") || !strcmp(o->str, "Lt")))
		return mr_expect(r, x, x, "operator",
				 "one of In, NotIn, Exists, DoesNotExist (Gt and Lt are not "
				 "simulated)");
	if ((rc = mr_str(r, x, "key", 1, &key)) ||
	    (rc = mr_enum(r, x, "operator", sel_ops, 1, &op)) ||
	    (rc = mr_get(r, x, "values", YN_SEQ, 0, &vals)))
		return rc;
	if (!schema_label_key_ok(key->str))
		return mr_expect(r, x, x, "key", "a label key like app or example.com/tier");
	set_op = !strcmp(op->str, "In") || !strcmp(op->str, "NotIn");
	if (set_op && (!vals || !vals->n))
		return mr_expect(r, x, x, "values", "a non-empty list of values for operator In "
				 "or NotIn");
	if (!set_op && vals && vals->n)
		return mr_expect(r, x, x, "values", "no values with operator Exists or "
				 "DoesNotExist");
	if (vals && vals->n > MF_LIM_LIST)
		return mr_expect(r, x, x, "values", "a list of at most 1000 values");
	for (i = 0; vals && i < vals->n; i++) {
		if (vals->vals[i]->kind != YN_SCALAR || ynode_is_null(vals->vals[i])) {
			size_t old = mr_key(r, "values");
			char idx[24];
			snprintf(idx, sizeof(idx), "%zu", i);
			schema_push_item(&r->c, idx);
			rc = schema_expect(&r->c, vals->vals[i], "a string");
			mr_pop(r, old);
			return rc;
		}
	}
	*out = mb_map(m, x->mark);
	mb_add(m, *out, "key", (struct ynode *)key);
	mb_add(m, *out, "operator", (struct ynode *)op);
	if (vals && vals->n)
		mb_add(m, *out, "values", (struct ynode *)vals);
	return 0;
}

static int read_requirements(struct mreader *r, const struct ynode *map, const char *key,
			     int node, struct ynode *exprs)
{
	const struct ynode *seq;
	size_t i, old;
	int rc;

	if ((rc = mr_get(r, map, key, YN_SEQ, 0, &seq)) || !seq)
		return rc;
	if (seq->n > MF_LIM_LIST)
		return mr_expect(r, map, map, key, "a list of at most 1000 requirements");
	old = mr_key(r, key);
	for (i = 0; i < seq->n && !rc; i++) {
		struct ynode *x;
		size_t o2;
		char idx[24];
		snprintf(idx, sizeof(idx), "%zu", i);
		o2 = schema_push_item(&r->c, idx);
		if (!(rc = read_requirement(r, seq->vals[i], node, &x)))
			mb_add(r->m, exprs, NULL, x);
		mr_pop(r, o2);
	}
	mr_pop(r, old);
	return rc;
}

/*
 * matchLabelKeys / mismatchLabelKeys of term: `key In [the pod's value]` /
 * `NotIn`, as the API server merges them into the selector; keys the pod
 * does not carry are ignored (as in Kubernetes).
 */
static int label_keys(struct mreader *r, const struct ynode *term, const char *key,
		      const char *op, const struct ynode *labels, struct ynode *exprs)
{
	struct manifest_set *m = r->m;
	const struct ynode *seq;
	size_t i;
	int rc;

	if ((rc = mr_get(r, term, key, YN_SEQ, 0, &seq)) || !seq)
		return rc;
	for (i = 0; i < seq->n; i++) {
		const struct ynode *k = seq->vals[i], *v;
		struct ynode *x, *vals;
		if (k->kind != YN_SCALAR)
			return mr_expect(r, term, term, key, "a list of label keys");
		v = ynode_get(labels, k->str);
		if (!v)
			continue;
		x = mb_map(m, k->mark);
		vals = mb_seq(m, k->mark);
		mb_add(m, vals, NULL, mb_scalar(m, k->mark, "%s", v->str));
		mb_add(m, x, "key", mb_scalar(m, k->mark, "%s", k->str));
		mb_add(m, x, "operator", mb_scalar(m, k->mark, "%s", op));
		mb_add(m, x, "values", vals);
		mb_add(m, exprs, NULL, x);
	}
	return 0;
}

/*
 * term.labelSelector (with term's matchLabelKeys) as match_labels and
 * match_expressions keys of out. *present: a labelSelector was written;
 * *nreq: requirements in the result. A written but empty selector matches
 * every pod in Kubernetes, which a scenario selector cannot say: an error.
 */
static int read_selector(struct mreader *r, const struct ynode *term, const struct ynode *labels,
			 struct ynode *out, int *present)
{
	struct manifest_set *m = r->m;
	const struct ynode *sel, *ml = NULL;
	struct ynode *exprs;
	size_t old;
	int rc;

	*present = 0;
	if ((rc = mr_get(r, term, "labelSelector", YN_MAP, 0, &sel)))
		return rc;
	exprs = mb_seq(m, term->mark);
	if (sel) {
		*present = 1;
		old = mr_key(r, "labelSelector");
		rc = mr_labels(r, sel, "matchLabels", &ml);
		if (!rc)
			rc = read_requirements(r, sel, "matchExpressions", 0, exprs);
		mr_pop(r, old);
	} else if (mr_opt(term, "matchLabelKeys") || mr_opt(term, "mismatchLabelKeys")) {
		return mr_expect(r, term, term, mr_opt(term, "matchLabelKeys") ? "matchLabelKeys"
									      : "mismatchLabelKeys",
				 "no label keys without labelSelector");
	}
	if (!rc)
		rc = label_keys(r, term, "matchLabelKeys", "In", labels, exprs);
	if (!rc)
		rc = label_keys(r, term, "mismatchLabelKeys", "NotIn", labels, exprs);
	if (rc)
		return rc;
	if (sel && !(ml && ml->n) && !exprs->n)
		return mr_expect(r, term, term, "labelSelector",
				 "matchLabels or matchExpressions (an empty selector matches "
				 "every pod, which is not simulated)");
	if (ml && ml->n)
		mb_add(m, out, "match_labels", (struct ynode *)ml);
	if (exprs->n)
		mb_add(m, out, "match_expressions", exprs);
	return 0;
}

/* ---- affinity ------------------------------------------------------------------------ */

static int read_pod_term(struct mreader *r, const struct ynode *term, const struct ynode *labels,
			 struct ynode **out)
{
	const struct ynode *tk;
	int rc, present;

	if (term->kind != YN_MAP)
		return schema_expect(&r->c, term, "a pod affinity term as a map");
	*out = mb_map(r->m, term->mark);
	if ((rc = read_selector(r, term, labels, *out, &present)) ||
	    (rc = mr_str(r, term, "topologyKey", 1, &tk)))
		return rc;
	mb_add(r->m, *out, "topology_key", (struct ynode *)tk);
	if (!r->warned_ns && (mr_opt(term, "namespaces") || mr_opt(term, "namespaceSelector"))) {
		r->warned_ns = 1;
		mr_warn(r, term, "namespaces and namespaceSelector are not simulated: terms match "
			"pods of every namespace");
	}
	return 0;
}

/* preferred...[i]: {weight, KEY: term} with weight 1..100. */
static int read_weighted(struct mreader *r, const struct ynode *item, const char *key,
			 const struct ynode **term, const struct ynode **weight)
{
	int64_t w;
	int rc;
	if (item->kind != YN_MAP)
		return schema_expect(&r->c, item, "a weighted term {weight, %s} as a map", key);
	if ((rc = mr_int(r, item, "weight", 1, 100, 1, &w, weight)))
		return rc;
	return mr_get(r, item, key, YN_MAP, 1, term);
}

static int read_pod_affinity(struct mreader *r, const struct ynode *aff, const char *key,
			     const struct ynode *labels, struct ynode *out, const char *out_key)
{
	struct manifest_set *m = r->m;
	const struct ynode *pa, *req, *pref;
	struct ynode *res, *rl, *pl;
	size_t i, old;
	int rc;

	if ((rc = mr_get(r, aff, key, YN_MAP, 0, &pa)) || !pa)
		return rc;
	old = mr_key(r, key);
	res = mb_map(m, pa->mark);
	if (!(rc = mr_get(r, pa, AFF_REQ, YN_SEQ, 0, &req)) && req && req->n) {
		size_t o2 = mr_key(r, AFF_REQ);
		rl = mb_seq(m, req->mark);
		for (i = 0; i < req->n && !rc; i++) {
			struct ynode *t;
			size_t o3 = mr_item(r, req->vals[i], i);
			if (!(rc = read_pod_term(r, req->vals[i], labels, &t)))
				mb_add(m, rl, NULL, t);
			mr_pop(r, o3);
		}
		mr_pop(r, o2);
		mb_add(m, res, "required", rl);
	}
	if (!rc && !(rc = mr_get(r, pa, AFF_PREF, YN_SEQ, 0, &pref)) && pref && pref->n) {
		size_t o2 = mr_key(r, AFF_PREF);
		pl = mb_seq(m, pref->mark);
		for (i = 0; i < pref->n && !rc; i++) {
			const struct ynode *term, *w;
			struct ynode *t;
			size_t o3 = mr_item(r, pref->vals[i], i);
			rc = read_weighted(r, pref->vals[i], "podAffinityTerm", &term, &w);
			if (!rc) {
				mr_key(r, "podAffinityTerm");
				rc = read_pod_term(r, term, labels, &t);
			}
			if (!rc) {
				mb_add(m, t, "weight", (struct ynode *)w);
				mb_add(m, pl, NULL, t);
			}
			mr_pop(r, o3);
		}
		mr_pop(r, o2);
		mb_add(m, res, "preferred", pl);
	}
	mr_pop(r, old);
	if (!rc && res->n)
		mb_add(m, out, out_key, res);
	return rc;
}

static int read_node_term(struct mreader *r, const struct ynode *term, struct ynode **out)
{
	const struct ynode *mf, *me;
	struct ynode *exprs;
	int rc;

	if (term->kind != YN_MAP)
		return schema_expect(&r->c, term, "a node selector term as a map");
	if ((rc = mr_get(r, term, "matchFields", YN_SEQ, 0, &mf)))
		return rc;
	if (mf && mf->n)
		return mr_expect(r, term, term, "matchFields",
				 "no matchFields (node names differ in the simulator; use "
				 "matchExpressions on node labels)");
	if ((rc = mr_get(r, term, "matchExpressions", YN_SEQ, 0, &me)))
		return rc;
	if (!me || !me->n)
		return mr_expect(r, term, term, "matchExpressions",
				 "a non-empty list of node selector requirements");
	exprs = mb_seq(r->m, me->mark);
	if ((rc = read_requirements(r, term, "matchExpressions", 1, exprs)))
		return rc;
	*out = mb_map(r->m, term->mark);
	mb_add(r->m, *out, "match_expressions", exprs);
	return 0;
}

static int read_node_required(struct mreader *r, const struct ynode *na, struct ynode *res)
{
	const struct ynode *req, *terms;
	struct ynode *rl;
	size_t i, old;
	int rc;

	if ((rc = mr_get(r, na, AFF_REQ, YN_MAP, 0, &req)) || !req)
		return rc;
	old = mr_key(r, AFF_REQ);
	rc = mr_get(r, req, "nodeSelectorTerms", YN_SEQ, 1, &terms);
	if (!rc && (!terms->n || terms->n > MF_LIM_LIST))
		rc = mr_expect(r, req, req, "nodeSelectorTerms", "a list of 1 to 1000 terms");
	if (!rc) {
		size_t o2 = mr_key(r, "nodeSelectorTerms");
		rl = mb_seq(r->m, terms->mark);
		for (i = 0; i < terms->n && !rc; i++) {
			struct ynode *t;
			size_t o3 = mr_item(r, terms->vals[i], i);
			if (!(rc = read_node_term(r, terms->vals[i], &t)))
				mb_add(r->m, rl, NULL, t);
			mr_pop(r, o3);
		}
		mr_pop(r, o2);
		mb_add(r->m, res, "required", rl);
	}
	mr_pop(r, old);
	return rc;
}

static int read_node_preferred(struct mreader *r, const struct ynode *na, struct ynode *res)
{
	const struct ynode *pref;
	struct ynode *pl;
	size_t i, old;
	int rc;

	if ((rc = mr_get(r, na, AFF_PREF, YN_SEQ, 0, &pref)) || !pref || !pref->n)
		return rc;
	old = mr_key(r, AFF_PREF);
	pl = mb_seq(r->m, pref->mark);
	for (i = 0; i < pref->n && !rc; i++) {
		const struct ynode *term, *w;
		struct ynode *t;
		size_t o2 = mr_item(r, pref->vals[i], i);
		rc = read_weighted(r, pref->vals[i], "preference", &term, &w);
		if (!rc) {
			mr_key(r, "preference");
			rc = read_node_term(r, term, &t);
		}
		if (!rc) {
			mb_add(r->m, t, "weight", (struct ynode *)w);
			mb_add(r->m, pl, NULL, t);
		}
		mr_pop(r, o2);
	}
	mr_pop(r, old);
	if (!rc)
		mb_add(r->m, res, "preferred", pl);
	return rc;
}

static int read_affinity(struct mreader *r, const struct ynode *spec, struct mpod *p)
{
	struct manifest_set *m = r->m;
	const struct ynode *aff, *na;
	struct ynode *out;
	size_t old;
	int rc;

	if ((rc = mr_get(r, spec, "affinity", YN_MAP, 0, &aff)) || !aff)
		return rc;
	old = mr_key(r, "affinity");
	out = mb_map(m, aff->mark);
	rc = mr_get(r, aff, "nodeAffinity", YN_MAP, 0, &na);
	if (!rc && na) {
		struct ynode *res = mb_map(m, na->mark);
		size_t o2 = mr_key(r, "nodeAffinity");
		if (!(rc = read_node_required(r, na, res)))
			rc = read_node_preferred(r, na, res);
		mr_pop(r, o2);
		if (!rc && res->n)
			mb_add(m, out, "node_affinity", res);
	}
	if (!rc)
		rc = read_pod_affinity(r, aff, "podAffinity", p->labels, out, "pod_affinity");
	if (!rc)
		rc = read_pod_affinity(r, aff, "podAntiAffinity", p->labels, out,
				       "pod_anti_affinity");
	mr_pop(r, old);
	if (!rc && out->n)
		p->affinity = out;
	return rc;
}

/* ---- topology spread -------------------------------------------------------------------- */

static int read_constraint(struct mreader *r, const struct ynode *c, const struct ynode *labels,
			   struct ynode **out)
{
	struct manifest_set *m = r->m;
	const struct ynode *skew, *tk, *when, *mind, *nap, *ntp;
	int64_t v;
	int rc, present;

	*out = NULL;
	if (c->kind != YN_MAP)
		return schema_expect(&r->c, c, "a topology spread constraint as a map");
	if ((rc = mr_int(r, c, "maxSkew", 1, 150000, 1, &v, &skew)) ||
	    (rc = mr_str(r, c, "topologyKey", 1, &tk)) ||
	    (rc = mr_enum(r, c, "whenUnsatisfiable", unsatisfiable, 1, &when)) ||
	    (rc = mr_int(r, c, "minDomains", 1, 5000, 0, &v, &mind)) ||
	    (rc = mr_enum(r, c, "nodeAffinityPolicy", policies, 0, &nap)) ||
	    (rc = mr_enum(r, c, "nodeTaintsPolicy", policies, 0, &ntp)))
		return rc;
	if (mind && strcmp(when->str, "DoNotSchedule") != 0)
		return mr_expect(r, c, c, "minDomains",
				 "no minDomains with whenUnsatisfiable ScheduleAnyway");
	*out = mb_map(m, c->mark);
	if ((rc = read_selector(r, c, labels, *out, &present)))
		return rc;
	if (!present) {
		/* A nil selector matches no pod: the constraint never binds. */
		mr_warn(r, c, "no labelSelector: the constraint selects no pods, so Kubernetes "
			"never applies it; ignored");
		*out = NULL;
		return 0;
	}
	if (nap && strcmp(nap->str, "Honor") != 0)
		mr_warn(r, nap, "nodeAffinityPolicy %s is not simulated (Honor is)", nap->str);
	if (ntp && strcmp(ntp->str, "Ignore") != 0)
		mr_warn(r, ntp, "nodeTaintsPolicy %s is not simulated (Ignore is)", ntp->str);
	mb_add(m, *out, "max_skew", (struct ynode *)skew);
	mb_add(m, *out, "topology_key", (struct ynode *)tk);
	mb_add(m, *out, "when_unsatisfiable", (struct ynode *)when);
	if (mind)
		mb_add(m, *out, "min_domains", (struct ynode *)mind);
	return 0;
}

static int read_spread(struct mreader *r, const struct ynode *spec, struct mpod *p)
{
	const struct ynode *seq;
	struct ynode *list;
	size_t i, old;
	int rc;

	if ((rc = mr_get(r, spec, "topologySpreadConstraints", YN_SEQ, 0, &seq)) || !seq)
		return rc;
	if (seq->n > MF_LIM_LIST)
		return mr_expect(r, spec, spec, "topologySpreadConstraints",
				 "a list of at most 1000 constraints");
	list = mb_seq(r->m, seq->mark);
	old = mr_key(r, "topologySpreadConstraints");
	for (i = 0; i < seq->n && !rc; i++) {
		struct ynode *c;
		size_t o2 = mr_item(r, seq->vals[i], i);
		if (!(rc = read_constraint(r, seq->vals[i], p->labels, &c)) && c)
			mb_add(r->m, list, NULL, c);
		mr_pop(r, o2);
	}
	mr_pop(r, old);
	if (!rc && list->n)
		p->spread = list;
	return rc;
}

/* ---- the pod spec ------------------------------------------------------------------------- */

int mpod_read(struct mreader *r, const struct ynode *spec, const struct ynode *labels,
	      struct mpod *p)
{
	const struct ynode *ns, *grace, *prio, *node;
	int64_t gv, pv;
	int rc;

	memset(p, 0, sizeof(*p));
	p->labels = labels;
	if ((rc = read_resources(r, spec, p)) || (rc = mr_labels(r, spec, "nodeSelector", &ns)) ||
	    (rc = read_tolerations(r, spec, p)) || (rc = read_affinity(r, spec, p)) ||
	    (rc = read_spread(r, spec, p)) ||
	    (rc = mr_int(r, spec, "terminationGracePeriodSeconds", 0, MF_LIM_GRACE, 0, &gv,
			 &grace)) ||
	    (rc = mr_int(r, spec, "priority", MF_PRIORITY_MIN, MF_PRIORITY_MAX, 0, &pv, &prio)) ||
	    (rc = mr_str(r, spec, "priorityClassName", 0, &p->priority_class)) ||
	    (rc = mr_str(r, spec, "nodeName", 0, &node)))
		return rc;
	if (ns && ns->n)
		p->node_selector = (struct ynode *)ns;
	if (grace)
		p->grace = mb_scalar(r->m, grace->mark, "%llds", (long long)gv);
	if (prio)
		p->priority = mb_scalar(r->m, prio->mark, "%lld", (long long)pv);
	if (p->priority_class && !*p->priority_class->str)
		p->priority_class = NULL;
	if (node && *node->str) {
		size_t old = mr_key(r, "nodeName");
		mr_warn(r, node, "ignored: the simulated scheduler places the pod");
		mr_pop(r, old);
	}
	return 0;
}
