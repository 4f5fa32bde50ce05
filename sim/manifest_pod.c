/*
 * manifest_pod.c -- a pod spec in scenario form: requests and limits over
 * containers, tolerations, and the rest of the fields (affinity and
 * topology spread are manifest_affinity.c). See manifest.h and
 * docs/manifests.md.
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
static const char *const always[] = { "Always", NULL };

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
		struct ynode *t = NULL;
		size_t o2 = mr_item(r, seq->vals[i], i);
		if (!(rc = read_toleration(r, seq->vals[i], &t)))
			mb_add(r->m, p->tolerations, NULL, t);
		mr_pop(r, o2);
	}
	mr_pop(r, old);
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
	    (rc = read_tolerations(r, spec, p)) || (rc = maff_affinity(r, spec, p)) ||
	    (rc = maff_spread(r, spec, p)) ||
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
