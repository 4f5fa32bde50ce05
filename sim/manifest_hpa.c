/*
 * manifest_hpa.c -- HorizontalPodAutoscalers: reading autoscaling/v1, v2,
 * v2beta2 and v2beta1 objects into the scenario's hpa map, and attaching
 * each to the workload its scaleTargetRef names once every file is read.
 * Only CPU averageUtilization is simulated; the rest is warned about.
 */
#include "manifest_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- HorizontalPodAutoscaler ----------------------------------------------------- */

enum hpa_api { HPA_V1, HPA_V2, HPA_V2BETA1 };

/* metrics[i] of a v2 HPA: *pct set when it is a CPU utilization target. */
static int hpa_metric(struct mreader *r, const struct ynode *mt, enum hpa_api api, int64_t *pct,
		      const struct ynode **at)
{
	static const char *const util_key[] = { [HPA_V2] = "averageUtilization",
						[HPA_V2BETA1] = "targetAverageUtilization" };
	const struct ynode *type, *res, *nm, *tgt, *ttype;
	size_t old;
	int rc;

	*at = NULL;
	if (mt->kind != YN_MAP)
		return schema_expect(&r->c, mt, "a metric as a map");
	if ((rc = mr_str(r, mt, "type", 1, &type)))
		return rc;
	if (strcmp(type->str, "Resource") != 0) {
		mr_key(r, "type");
		mr_warn(r, type, "metric type %s is not simulated (only CPU utilization): ignored",
			type->str);
		return 0;
	}
	if ((rc = mr_get(r, mt, "resource", YN_MAP, 1, &res)))
		return rc;
	old = mr_key(r, "resource");
	if ((rc = mr_str(r, res, "name", 1, &nm)) || strcmp(nm->str, "cpu") != 0) {
		if (!rc) {
			mr_key(r, "name");
			mr_warn(r, nm, "a %s metric is not simulated (only CPU utilization): "
				"ignored", nm->str);
		}
		mr_pop(r, old);
		return rc;
	}
	if (api == HPA_V2BETA1) {
		rc = mr_int(r, res, util_key[api], 1, 1000, 0, pct, at);
		if (!rc && !*at)
			mr_warn(r, res, "a CPU target other than targetAverageUtilization is not "
				"simulated: ignored");
		mr_pop(r, old);
		return rc;
	}
	if ((rc = mr_get(r, res, "target", YN_MAP, 1, &tgt))) {
		mr_pop(r, old);
		return rc;
	}
	mr_key(r, "target");
	rc = mr_str(r, tgt, "type", 1, &ttype);
	if (!rc && strcmp(ttype->str, "Utilization") == 0)
		rc = mr_int(r, tgt, util_key[api], 1, 1000, 1, pct, at);
	else if (!rc)
		mr_warn(r, ttype, "a CPU target of type %s is not simulated (only Utilization): "
			"ignored", ttype->str);
	mr_pop(r, old);
	return rc;
}

/* The CPU utilization target (percent) of spec; *ok 0 when there is none. */
static int hpa_target(struct mreader *r, const struct ynode *spec, enum hpa_api api,
		      int64_t *pct, const struct ynode **at, int *ok)
{
	const struct ynode *metrics;
	size_t i, old;
	int rc;

	*pct = 80; /* Kubernetes' default when no metric is given */
	*at = NULL;
	*ok = 1;
	if (api == HPA_V1)
		return mr_int(r, spec, "targetCPUUtilizationPercentage", 1, 1000, 0, pct, at);
	if ((rc = mr_get(r, spec, "metrics", YN_SEQ, 0, &metrics)) || !metrics || !metrics->n)
		return rc;
	old = mr_key(r, "metrics");
	for (i = 0; i < metrics->n && !rc; i++) {
		size_t o2 = mr_item(r, metrics->vals[i], i);
		int64_t v = 0;
		const struct ynode *vat;
		rc = hpa_metric(r, metrics->vals[i], api, &v, &vat);
		if (!rc && vat && *at)
			mr_warn(r, vat, "a second CPU utilization metric: ignored");
		else if (!rc && vat) {
			*pct = v;
			*at = vat;
		}
		mr_pop(r, o2);
	}
	if (!rc && !*at) {
		mr_warn(r, metrics, "no CPU utilization metric: this HPA is not simulated");
		*ok = 0;
	}
	mr_pop(r, old);
	return rc;
}

static int hpa_api_of(struct mreader *r, const struct ynode *obj, enum hpa_api *api)
{
	const struct ynode *v;
	int rc = mr_str(r, obj, "apiVersion", 1, &v);
	if (rc)
		return rc;
	if (strcmp(v->str, "autoscaling/v1") == 0)
		*api = HPA_V1;
	else if (strcmp(v->str, "autoscaling/v2") == 0 ||
		 strcmp(v->str, "autoscaling/v2beta2") == 0)
		*api = HPA_V2;
	else if (strcmp(v->str, "autoscaling/v2beta1") == 0)
		*api = HPA_V2BETA1;
	else
		return mr_expect(r, obj, obj, "apiVersion",
				 "autoscaling/v2, autoscaling/v1, autoscaling/v2beta2 or "
				 "autoscaling/v2beta1");
	return 0;
}

int mhpa_read(struct mreader *r, const struct ynode *obj, const void *arg)
{
	struct manifest_set *m = r->m;
	struct manifest_pending *p = m->pending;
	const struct ynode *meta, *name, *spec, *ref, *min_at, *max_at, *pct_at;
	struct mhpa h;
	enum hpa_api api = HPA_V2;
	int64_t min = 1, max = 0, pct;
	size_t old;
	int rc, ok;

	(void)arg;
	memset(&h, 0, sizeof(h));
	if ((rc = mf_read_meta(r, obj, "HorizontalPodAutoscaler", &meta, &name, NULL)) ||
	    (rc = hpa_api_of(r, obj, &api)) || (rc = mr_get(r, obj, "spec", YN_MAP, 1, &spec)))
		return rc;
	old = mr_key(r, "spec");
	rc = mr_get(r, spec, "scaleTargetRef", YN_MAP, 1, &ref);
	if (!rc) {
		size_t o2 = mr_key(r, "scaleTargetRef");
		if (!(rc = mr_str(r, ref, "kind", 1, &h.kind_at)))
			rc = mr_str(r, ref, "name", 1, &h.name_at);
		mr_pop(r, o2);
	}
	if (!rc)
		rc = mr_int(r, spec, "minReplicas", 1, MF_LIM_REPLICAS, 0, &min, &min_at);
	if (!rc)
		rc = mr_int(r, spec, "maxReplicas", 1, MF_LIM_REPLICAS, 1, &max, &max_at);
	if (!rc && max < min) {
		char what[80];
		snprintf(what, sizeof(what), "an integer of at least minReplicas (%lld)",
			 (long long)min);
		rc = mr_expect(r, spec, spec, "maxReplicas", what);
	}
	if (!rc)
		rc = hpa_target(r, spec, api, &pct, &pct_at, &ok);
	if (!rc && mr_opt(spec, "behavior")) {
		size_t o2 = mr_key(r, "behavior");
		mr_warn(r, mr_opt(spec, "behavior"), "not simulated: Kubernetes' default scaling "
			"behavior applies");
		mr_pop(r, o2);
	}
	mr_pop(r, old);
	if (rc)
		return rc;
	h.name = name->str;
	if (ok) {
		h.spec = mb_map(m, spec->mark);
		mb_add(m, h.spec, "min", mb_scalar(m, min_at ? min_at->mark : spec->mark, "%lld",
						   (long long)min));
		mb_add(m, h.spec, "max", mb_scalar(m, max_at->mark, "%lld", (long long)max));
		mb_add(m, h.spec, "target_cpu_utilization",
		       mb_scalar(m, pct_at ? pct_at->mark : spec->mark, "%lld", (long long)pct));
	}
	GROW(p->hpa, p->nhpa, p->caphpa);
	p->hpa[p->nhpa++] = h;
	return 0;
}

/* ---- scaleTargetRef ---------------------------------------------------------------- */

static int target_error(struct mreader *r, const struct mhpa *h, const char *kind)
{
	const struct manifest_set *m = r->m;
	const char **names = xcalloc((size_t)m->n + 1, sizeof(*names));
	const char *best;
	int i, n = 0, rc;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->w[i].kind, kind) == 0)
			names[n++] = m->w[i].name;
	best = schema_suggest(h->name_at->str, names, n);
	free(names);
	if (best)
		rc = schema_fail(&r->c, h->name_at,
				 "expected the name of a %s in the manifests, got \"%s\" (did you "
				 "mean \"%s\"?)",
				 kind, h->name_at->str, best);
	else
		rc = schema_expect(&r->c, h->name_at, "the name of a %s in the manifests", kind);
	return rc;
}

/* HPA -> its workload's hpa map. */
int mhpa_resolve(struct mreader *r, const struct mhpa *h)
{
	struct manifest_set *m = r->m;
	const struct wl_kind *k = mf_wl_kind(h->kind_at->str);
	size_t old;
	int i, rc = 0;

	mr_object(r, "HorizontalPodAutoscaler", h->name);
	old = mr_key(r, "spec");
	mr_key(r, "scaleTargetRef");
	if (!k) {
		mr_warn(r, h->kind_at, "a %s is not simulated: this HPA is ignored",
			h->kind_at->str);
		mr_pop(r, old);
		return 0;
	}
	if (!k->scalable) {
		mr_key(r, "kind");
		rc = schema_expect(&r->c, h->kind_at,
				   "a Deployment, StatefulSet or ReplicaSet (a %s cannot be "
				   "scaled)", k->kind);
		mr_pop(r, old);
		return rc;
	}
	mr_key(r, "name");
	i = manifest_find(m, h->name_at->str);
	if (i < 0 || strcmp(m->w[i].kind, k->kind) != 0) {
		rc = target_error(r, h, k->kind);
	} else if (m->w[i].hpa) {
		rc = schema_fail(&r->c, h->name_at,
				 "%s %s is already scaled by HorizontalPodAutoscaler %s (%s); "
				 "expected one HPA per workload",
				 k->kind, m->w[i].name, m->w[i].hpa, m->pending->wl[i].hpa_at);
	} else {
		m->w[i].hpa = h->name;
		m->pending->wl[i].hpa = h->spec;
		const struct ymark *at = &h->name_at->mark;
		m->pending->wl[i].hpa_at =
			arena_printf(&m->arena, "%s:%d:%d", at->file, at->line, at->col);
	}
	mr_pop(r, old);
	return rc;
}
