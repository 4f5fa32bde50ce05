/*
 * manifest_affinity.c -- label selectors, node and pod (anti-)affinity and
 * topology spread constraints of a pod spec, in scenario form (see
 * manifest_impl.h and docs/manifests.md).
 *
 * Kubernetes' validation is applied where the simulator relies on it
 * (operators and their values, weights 1..100, maxSkew >= 1, minDomains
 * only with DoNotSchedule); what a scenario selector cannot express (an
 * empty selector, which matches every pod; Gt/Lt; matchFields) is an error,
 * and what never binds (a spread constraint without a selector) a warning.
 */
#include "manifest_impl.h"

#include <stdio.h>
#include <string.h>

static const char *const sel_ops[] = { "In", "NotIn", "Exists", "DoesNotExist", NULL };
static const char *const unsatisfiable[] = { "DoNotSchedule", "ScheduleAnyway", NULL };
static const char *const policies[] = { "Honor", "Ignore", NULL };

#define AFF_REQ "requiredDuringSchedulingIgnoredDuringExecution"
#define AFF_PREF "preferredDuringSchedulingIgnoredDuringExecution"

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
		struct ynode *x = NULL;
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
			struct ynode *t = NULL;
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
			struct ynode *t = NULL;
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
			struct ynode *t = NULL;
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
		struct ynode *t = NULL;
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

int maff_affinity(struct mreader *r, const struct ynode *spec, struct mpod *p)
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

int maff_spread(struct mreader *r, const struct ynode *spec, struct mpod *p)
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
