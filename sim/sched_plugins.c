/*
 * sched_plugins.c -- the filter and score plugins of kube-scheduler's
 * default profile, as two const ops tables.
 *
 * Each plugin follows the upstream file named in its comment
 * (pkg/scheduler/framework/plugins/...): same checks, same order, same
 * integer or float arithmetic, same normalisation. Counting questions go
 * to the cluster's per-domain class counters, so a filter or score call
 * per node is O(#terms), and a PreFilter / PreScore is O(#domains) per
 * term or O(#nodes) when node eligibility must be checked node by node.
 */
#include "sched_impl.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- scratch ----------------------------------------------------------- */

void *sbuf_get(struct sbuf *b, size_t bytes)
{
	if (bytes > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < bytes)
			cap *= 2;
		free(b->p);
		b->p = xmalloc(cap);
		b->cap = cap;
	}
	return b->p;
}

void *sbuf_zero(struct sbuf *b, size_t bytes)
{
	void *p = sbuf_get(b, bytes ? bytes : 1);
	memset(p, 0, bytes);
	return p;
}

void sched_cycle_init(struct sched_cycle *cy, struct sched *s)
{
	struct cluster *c = s->c;
	int maxs = 0;

	memset(cy, 0, sizeof(*cy));
	cy->s = s;
	cy->c = c;
	for (int w = 0; w < c->nwl; w++)
		if (c->wi[w].nspread > maxs)
			maxs = c->wi[w].nspread;
	cy->cap_spread = maxs + 2; /* + the two system defaults */
	cy->sf = xcalloc((size_t)cy->cap_spread, sizeof(*cy->sf));
	cy->ss = xcalloc((size_t)cy->cap_spread, sizeof(*cy->ss));
	cy->sf_buf = xcalloc((size_t)cy->cap_spread * 3, sizeof(*cy->sf_buf));
	cy->ss_buf = xcalloc((size_t)cy->cap_spread * 3, sizeof(*cy->ss_buf));
	cy->tscore = xcalloc((size_t)c->nkeys, sizeof(*cy->tscore));
	cy->tbuf = xcalloc((size_t)c->nkeys, sizeof(*cy->tbuf));
	cy->used_keys = xcalloc((size_t)c->nkeys, sizeof(int));
	/* System default constraints (podtopologyspread/plugin.go):
	 * hostname maxSkew 3, zone maxSkew 5, both ScheduleAnyway. */
	cy->defaults[0] = (struct cluster_spread){0, CLUSTER_KEY_HOSTNAME, 3, 0, 0};
	cy->defaults[1] = (struct cluster_spread){0, CLUSTER_KEY_ZONE, 5, 0, 0};
}

void sched_cycle_release(struct sched_cycle *cy)
{
	for (int i = 0; i < cy->cap_spread * 3; i++) {
		free(cy->sf_buf[i].p);
		free(cy->ss_buf[i].p);
	}
	for (int k = 0; k < cy->c->nkeys; k++)
		free(cy->tbuf[k].p);
	free(cy->sf);
	free(cy->ss);
	free(cy->sf_buf);
	free(cy->ss_buf);
	free(cy->tscore);
	free(cy->tbuf);
	free(cy->used_keys);
	free(cy->feasible);
	free(cy->failed);
	free(cy->fails);
	for (int p = 0; p < PLUGIN_NSCORE; p++)
		free(cy->score[p]);
	free(cy->total);
	free(cy->ignored);
}

void sched_cycle_begin(struct sched_cycle *cy, struct pod *p)
{
	cy->pod = p;
	cy->wl = p->wl;
	cy->wi = &cy->c->wi[p->workload];
	cy->nfilters = 0;
	cy->nsf = cy->nss = 0;
}

static void fail1(struct sched_fail *f, int plugin, int code, int reason)
{
	f->plugin = (uint8_t)plugin;
	f->code = (uint8_t)code;
	f->nreason = 1;
	f->reason[0] = (uint8_t)reason;
	f->taint = NULL;
}

const char *sched_reason_text(int reason)
{
	static const char *const text[] = {
		[R_UNSCHEDULABLE] = "node(s) were unschedulable",
		[R_TAINT] = "node(s) had untolerated taint",
		[R_NODE_AFFINITY] = "node(s) didn't match Pod's node affinity/selector",
		[R_TOO_MANY_PODS] = "Too many pods",
		[R_CPU] = "Insufficient cpu",
		[R_MEMORY] = "Insufficient memory",
		[R_SPREAD] = "node(s) didn't match pod topology spread constraints",
		[R_SPREAD_LABEL] =
			"node(s) didn't match pod topology spread constraints (missing required label)",
		[R_AFFINITY] = "node(s) didn't match pod affinity rules",
		[R_ANTI_AFFINITY] = "node(s) didn't match pod anti-affinity rules",
		[R_EXISTING_ANTI] = "node(s) didn't satisfy existing pods anti-affinity rules",
		[R_PREFILTER_NODE_AFFINITY] = "node(s) didn't satisfy plugin(s) [NodeAffinity]",
	};
	return text[reason];
}

/* ---- helpers ------------------------------------------------------------ */

/* v1.Toleration.ToleratesTaint. */
static int toleration_matches(const struct toleration *tol, const struct taint *t)
{
	if (tol->effect >= 0 && tol->effect != (int)t->effect)
		return 0;
	if (tol->key && tol->key[0] && strcmp(tol->key, t->key) != 0)
		return 0;
	if (tol->op == TOL_EXISTS)
		return 1;
	return strcmp(tol->value ? tol->value : "", t->value ? t->value : "") == 0;
}

int sched_tolerates(const struct workload *w, const struct taint *t)
{
	for (int i = 0; i < w->ntolerations; i++)
		if (toleration_matches(&w->tolerations[i], t))
			return 1;
	return 0;
}

/* The node may take the pod as far as node affinity goes (including a
 * DaemonSet pod's pin): the eligibility test of PodTopologySpread. */
static int node_eligible(const struct sched_cycle *cy, const struct node *n)
{
	if (cy->pod->pinned_node >= 0 && n->id != cy->pod->pinned_node)
		return 0;
	return !cy->wi->has_node_affinity || cluster_node_affinity_matches(cy->wl, n);
}

static int has_all_keys(const struct node *n, const struct spread_c *v, int nv)
{
	for (int i = 0; i < nv; i++)
		if (n->dom[v[i].sc->key] < 0)
			return 0;
	return 1;
}

/* Every present node carries every key of the constraints and the pod
 * may go anywhere: the cluster's per-domain counts are then exactly the
 * counts over eligible nodes. */
static int fast_counts(const struct sched_cycle *cy, const struct spread_c *v, int nv)
{
	if (cy->wi->has_node_affinity || cy->pod->pinned_node >= 0)
		return 0;
	for (int i = 0; i < nv; i++)
		if (cy->c->keys[v[i].sc->key].nodes_with_key != cy->c->nnodes)
			return 0;
	return 1;
}

/* ---- NodeUnschedulable (nodeunschedulable/node_unschedulable.go) -------- */

static int always(struct sched_cycle *cy)
{
	(void)cy;
	return 1;
}

static int unsched_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	static const struct taint t = {TAINT_UNSCHEDULABLE, "", EFFECT_NO_SCHEDULE};

	if (!n->unschedulable)
		return SCHED_OK;
	/* The DaemonSet controller adds this toleration to its pods. */
	if (cy->wl->kind == WL_DAEMONSET || sched_tolerates(cy->wl, &t))
		return SCHED_OK;
	fail1(f, F_NODE_UNSCHEDULABLE, SCHED_UNRESOLVABLE, R_UNSCHEDULABLE);
	return SCHED_UNRESOLVABLE;
}

/* ---- TaintToleration (tainttoleration/taint_toleration.go) -------------- */

static int taint_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	for (int i = 0; i < n->ntaints; i++) {
		const struct taint *t = &n->taints[i];
		if (t->effect == EFFECT_PREFER_NO_SCHEDULE || sched_tolerates(cy->wl, t))
			continue;
		fail1(f, F_TAINT_TOLERATION, SCHED_UNRESOLVABLE, R_TAINT);
		f->taint = t;
		return SCHED_UNRESOLVABLE;
	}
	return SCHED_OK;
}

static int taint_prescore(struct sched_cycle *cy, struct node *const *nodes, int n)
{
	(void)cy, (void)nodes, (void)n;
	return 1;
}

/* Untolerated PreferNoSchedule taints; only tolerations whose effect is
 * PreferNoSchedule or empty count (getAllTolerationPreferNoSchedule). */
static int64_t taint_score(struct sched_cycle *cy, const struct node *n, int idx)
{
	const struct workload *w = cy->wl;
	int64_t cnt = 0;

	(void)idx;
	for (int i = 0; i < n->ntaints; i++) {
		const struct taint *t = &n->taints[i];
		int ok = 0;
		if (t->effect != EFFECT_PREFER_NO_SCHEDULE)
			continue;
		for (int j = 0; j < w->ntolerations && !ok; j++) {
			const struct toleration *tol = &w->tolerations[j];
			if (tol->effect < 0 || tol->effect == EFFECT_PREFER_NO_SCHEDULE)
				ok = toleration_matches(tol, t);
		}
		cnt += !ok;
	}
	return cnt;
}

/* helper.DefaultNormalizeScore (plugins/helper/normalize_score.go). */
static void default_normalize(int64_t *s, int n, int reverse)
{
	int64_t max = 0;

	for (int i = 0; i < n; i++)
		if (s[i] > max)
			max = s[i];
	if (max == 0) {
		if (reverse)
			for (int i = 0; i < n; i++)
				s[i] = MAX_NODE_SCORE;
		return;
	}
	for (int i = 0; i < n; i++) {
		s[i] = MAX_NODE_SCORE * s[i] / max;
		if (reverse)
			s[i] = MAX_NODE_SCORE - s[i];
	}
}

static void taint_normalize(struct sched_cycle *cy, struct node *const *nodes, int64_t *s, int n)
{
	(void)cy, (void)nodes;
	default_normalize(s, n, 1);
}

/* ---- NodeAffinity (nodeaffinity/node_affinity.go) ------------------------- */

static int affinity_prefilter(struct sched_cycle *cy)
{
	return cy->wi->has_node_affinity;
}

static int affinity_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	/* A DaemonSet pod's template affinity is replaced by the pin to its
	 * node (handled by the framework); its node_selector stays. */
	if (cy->pod->pinned_node >= 0) {
		const struct workload *w = cy->wl;
		for (int i = 0; i < w->node_selector.n; i++) {
			const char *v = cluster_label(&n->labels, w->node_selector.v[i].key);
			if (!v || strcmp(v, w->node_selector.v[i].value) != 0)
				goto fail;
		}
		return SCHED_OK;
	}
	if (cluster_node_affinity_matches(cy->wl, n))
		return SCHED_OK;
fail:
	fail1(f, F_NODE_AFFINITY, SCHED_UNRESOLVABLE, R_NODE_AFFINITY);
	return SCHED_UNRESOLVABLE;
}

static int affinity_prescore(struct sched_cycle *cy, struct node *const *nodes, int n)
{
	(void)nodes, (void)n;
	return cy->wl->node_affinity.npreferred > 0;
}

static int64_t affinity_score(struct sched_cycle *cy, const struct node *n, int idx)
{
	const struct node_affinity *na = &cy->wl->node_affinity;
	int64_t sum = 0;

	(void)idx;
	for (int i = 0; i < na->npreferred; i++)
		if (cluster_node_term_matches(&na->preferred[i], &n->labels))
			sum += na->preferred[i].weight;
	return sum;
}

static void affinity_normalize(struct sched_cycle *cy, struct node *const *nodes, int64_t *s,
			       int n)
{
	(void)cy, (void)nodes;
	default_normalize(s, n, 0);
}

/* ---- NodeResourcesFit (noderesources/fit.go, least_allocated.go,
 *      most_allocated.go) ---------------------------------------------------- */

/* fitsRequest: pods first, then cpu and memory; every shortage counts. */
static int fit_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	const struct pod *p = cy->pod;
	int m = 0;

	if (n->npods + 1 > n->max_pods)
		f->reason[m++] = R_TOO_MANY_PODS;
	if (p->cpu_req0 != 0 || p->mem_req0 != 0) {
		if (p->cpu_req0 > 0 && p->cpu_req0 > n->alloc_cpu - n->req_cpu)
			f->reason[m++] = R_CPU;
		if (p->mem_req0 > 0 && p->mem_req0 > n->alloc_mem - n->req_mem)
			f->reason[m++] = R_MEMORY;
	}
	if (m == 0)
		return SCHED_OK;
	f->plugin = F_NODE_RESOURCES_FIT;
	f->code = SCHED_UNSCHEDULABLE;
	f->nreason = (uint8_t)m;
	f->taint = NULL;
	return SCHED_UNSCHEDULABLE;
}

static int64_t least_requested(int64_t requested, int64_t capacity)
{
	if (capacity == 0 || requested > capacity)
		return 0;
	return (capacity - requested) * MAX_NODE_SCORE / capacity;
}

static int64_t most_requested(int64_t requested, int64_t capacity)
{
	if (capacity == 0)
		return 0;
	if (requested > capacity)
		requested = capacity;
	return requested * MAX_NODE_SCORE / capacity;
}

static int fit_prescore(struct sched_cycle *cy, struct node *const *nodes, int n)
{
	(void)cy, (void)nodes, (void)n;
	return 1;
}

/* Requested = the node's non-zero requests + the pod's (useRequested is
 * false for both strategies); resources with 0 allocatable are skipped. */
static int64_t fit_score(struct sched_cycle *cy, const struct node *n, int idx)
{
	const struct sched_opts *o = &cy->s->o;
	int64_t (*f)(int64_t, int64_t) =
		o->cfg.strategy == STRATEGY_MOST_ALLOCATED ? most_requested : least_requested;
	int64_t score = 0, wsum = 0;

	(void)idx;
	if (n->alloc_cpu != 0) {
		score += f(n->nz_cpu + cy->pod->nz_cpu, n->alloc_cpu) * o->res_weight_cpu;
		wsum += o->res_weight_cpu;
	}
	if (n->alloc_mem != 0) {
		score += f(n->nz_mem + cy->pod->nz_mem, n->alloc_mem) * o->res_weight_mem;
		wsum += o->res_weight_mem;
	}
	return wsum ? score / wsum : 0;
}

/* ---- NodeResourcesBalancedAllocation (noderesources/balanced_allocation.go) */

/* Newer kube skips BestEffort-like pods (every request 0), issue #129138. */
static int balanced_prescore(struct sched_cycle *cy, struct node *const *nodes, int n)
{
	(void)nodes, (void)n;
	return cy->pod->cpu_req0 != 0 || cy->pod->mem_req0 != 0;
}

/* Actual requests (useRequested); fractions capped at 1; two resources:
 * std = |f0 - f1| / 2; score = trunc((1 - std) * 100). */
static int64_t balanced_score(struct sched_cycle *cy, const struct node *n, int idx)
{
	double fr[2];
	int m = 0;
	double std = 0;

	(void)idx;
	if (n->alloc_cpu != 0) {
		double f = (double)(n->req_cpu + cy->pod->cpu_req0) / (double)n->alloc_cpu;
		fr[m++] = f > 1 ? 1 : f;
	}
	if (n->alloc_mem != 0) {
		double f = (double)(n->req_mem + cy->pod->mem_req0) / (double)n->alloc_mem;
		fr[m++] = f > 1 ? 1 : f;
	}
	if (m == 2)
		std = fabs((fr[0] - fr[1]) / 2);
	return (int64_t)((1 - std) * (double)MAX_NODE_SCORE);
}

/* ---- PodTopologySpread (podtopologyspread/filtering.go, scoring.go) ------- */

static void spread_slot(struct sched_cycle *cy, struct spread_c *v, struct sbuf *buf, int i,
			const struct cluster_spread *sc)
{
	struct cluster *c = cy->c;
	size_t nd = (size_t)c->keys[sc->key].ndom + 1;

	memset(&v[i], 0, sizeof(v[i]));
	v[i].sc = sc;
	v[i].hostname = sc->key == CLUSTER_KEY_HOSTNAME;
	v[i].self = cluster_class_has(c, sc->cls, cy->pod->workload);
	v[i].cnt = sbuf_zero(&buf[3 * i], nd * sizeof(int32_t));
	v[i].present = sbuf_zero(&buf[3 * i + 1], nd);
	v[i].pair = sbuf_zero(&buf[3 * i + 2], nd * sizeof(int64_t));
}

static int spread_prefilter(struct sched_cycle *cy)
{
	struct cluster *c = cy->c;
	const struct cluster_wl *wi = cy->wi;
	int fast;

	cy->nsf = 0;
	for (int i = 0; i < wi->nspread; i++)
		if (wi->spread[i].do_not_schedule)
			spread_slot(cy, cy->sf, cy->sf_buf, cy->nsf++, &wi->spread[i]);
	if (cy->nsf == 0)
		return 0;
	fast = fast_counts(cy, cy->sf, cy->nsf);
	if (!fast) {
		/* Count over nodes passing the pod's node affinity that carry
		 * every constraint's key (PreFilter, default inclusion policy). */
		for (int j = 0; j < c->nnodes; j++) {
			const struct node *n = c->nodes[j];
			if (!node_eligible(cy, n) || !has_all_keys(n, cy->sf, cy->nsf))
				continue;
			for (int i = 0; i < cy->nsf; i++) {
				int d = n->dom[cy->sf[i].sc->key];
				cy->sf[i].cnt[d] += cluster_node_live(c, n, cy->sf[i].sc->cls);
				cy->sf[i].present[d] = 1;
			}
		}
	}
	for (int i = 0; i < cy->nsf; i++) {
		struct spread_c *v = &cy->sf[i];
		const struct cluster_key *k = &c->keys[v->sc->key];
		int32_t min = INT32_MAX;
		int domains = 0;
		for (int j = 0; j < k->nlive; j++) {
			int d = k->live[j];
			int32_t m;
			if (fast) {
				m = cluster_dom_live(c, v->sc->key, d, v->sc->cls);
			} else {
				if (!v->present[d])
					continue;
				m = v->cnt[d];
			}
			domains++;
			if (m < min)
				min = m;
		}
		if (fast)
			v->cnt = NULL;
		/* "treats global minimum as 0" when domains < minDomains. */
		if (domains < v->sc->min_domains || domains == 0)
			min = 0;
		v->min = min;
	}
	return 1;
}

static int spread_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	for (int i = 0; i < cy->nsf; i++) {
		const struct spread_c *v = &cy->sf[i];
		int k = v->sc->key, d = n->dom[k];
		int32_t m;
		if (d < 0) {
			fail1(f, F_POD_TOPOLOGY_SPREAD, SCHED_UNRESOLVABLE, R_SPREAD_LABEL);
			return SCHED_UNRESOLVABLE;
		}
		m = v->cnt ? v->cnt[d] : cluster_dom_live(cy->c, k, d, v->sc->cls);
		if (m + v->self - v->min > v->sc->max_skew) {
			fail1(f, F_POD_TOPOLOGY_SPREAD, SCHED_UNSCHEDULABLE, R_SPREAD);
			return SCHED_UNSCHEDULABLE;
		}
	}
	return SCHED_OK;
}

/* Picks the ScheduleAnyway constraints, or the system defaults for a pod
 * without constraints (not for DaemonSet pods: no Service, RC, RS or
 * StatefulSet selects them, so DefaultSelector is empty). */
static int spread_score_constraints(struct sched_cycle *cy)
{
	const struct cluster_wl *wi = cy->wi;

	cy->nss = 0;
	cy->require_all = wi->nspread > 0;
	if (wi->nspread > 0) {
		for (int i = 0; i < wi->nspread; i++)
			if (!wi->spread[i].do_not_schedule)
				spread_slot(cy, cy->ss, cy->ss_buf, cy->nss++, &wi->spread[i]);
	} else if (cy->s->o.cfg.default_spread && cy->wl->kind != WL_DAEMONSET) {
		for (int i = 0; i < 2; i++) {
			cy->defaults[i].cls = wi->ident;
			spread_slot(cy, cy->ss, cy->ss_buf, cy->nss++, &cy->defaults[i]);
		}
	}
	return cy->nss;
}

/* Domain slot of node n for constraint v: its domain, or the slot past the
 * last domain for "label missing" (value "" in kube's map). */
static int slot_of(const struct cluster *c, const struct node *n, const struct spread_c *v)
{
	int d = n->dom[v->sc->key];
	return d >= 0 ? d : c->keys[v->sc->key].ndom;
}

static void spread_pair_counts(struct sched_cycle *cy)
{
	struct cluster *c = cy->c;

	if (fast_counts(cy, cy->ss, cy->nss)) {
		for (int i = 0; i < cy->nss; i++) {
			struct spread_c *v = &cy->ss[i];
			const struct cluster_key *k = &c->keys[v->sc->key];
			if (v->hostname)
				continue;
			for (int d = 0; d < k->ndom; d++)
				if (v->present[d])
					v->pair[d] = cluster_dom_live(c, v->sc->key, d, v->sc->cls);
		}
		return;
	}
	/* Counts cover every node passing the pod's node affinity (and, with
	 * the pod's own constraints, carrying all keys), filtered or not. */
	for (int j = 0; j < c->nnodes; j++) {
		const struct node *n = c->nodes[j];
		if (!node_eligible(cy, n))
			continue;
		if (cy->require_all && !has_all_keys(n, cy->ss, cy->nss))
			continue;
		for (int i = 0; i < cy->nss; i++) {
			struct spread_c *v = &cy->ss[i];
			int d = slot_of(c, n, v);
			if (!v->hostname && v->present[d])
				v->pair[d] += cluster_node_live(c, n, v->sc->cls);
		}
	}
}

static int spread_prescore(struct sched_cycle *cy, struct node *const *nodes, int n)
{
	struct cluster *c = cy->c;
	int nignored = 0;

	if (n == 0 || c->nnodes == 0 || !spread_score_constraints(cy))
		return 0;
	assert(n <= cy->cap_nodes);
	for (int j = 0; j < n; j++) {
		cy->ignored[j] = cy->require_all && !has_all_keys(nodes[j], cy->ss, cy->nss);
		if (cy->ignored[j]) {
			nignored++;
			continue;
		}
		for (int i = 0; i < cy->nss; i++) {
			struct spread_c *v = &cy->ss[i];
			int d = slot_of(c, nodes[j], v);
			if (!v->hostname && !v->present[d]) {
				v->present[d] = 1;
				v->size++;
			}
		}
	}
	for (int i = 0; i < cy->nss; i++) {
		struct spread_c *v = &cy->ss[i];
		if (v->hostname)
			v->size = n - nignored;
		v->weight = log((double)v->size + 2); /* topologyNormalizingWeight */
	}
	spread_pair_counts(cy);
	return 1;
}

/* score += cnt * weight + (maxSkew - 1) per constraint the node has the
 * key of; rounded half away from zero (math.Round). */
static int64_t spread_score(struct sched_cycle *cy, const struct node *n, int idx)
{
	struct cluster *c = cy->c;
	double score = 0;

	if (cy->ignored[idx])
		return 0;
	for (int i = 0; i < cy->nss; i++) {
		const struct spread_c *v = &cy->ss[i];
		int d = n->dom[v->sc->key];
		int64_t cnt;
		if (d < 0)
			continue;
		cnt = v->hostname ? cluster_node_live(c, n, v->sc->cls) : v->pair[d];
		score += (double)cnt * v->weight + (double)(v->sc->max_skew - 1);
	}
	return (int64_t)round(score);
}

static void spread_normalize(struct sched_cycle *cy, struct node *const *nodes, int64_t *s, int n)
{
	int64_t min = INT64_MAX, max = 0;

	(void)nodes;
	for (int i = 0; i < n; i++) {
		if (cy->ignored[i])
			continue;
		if (s[i] < min)
			min = s[i];
		if (s[i] > max)
			max = s[i];
	}
	for (int i = 0; i < n; i++) {
		if (cy->ignored[i])
			s[i] = 0;
		else if (max == 0)
			s[i] = MAX_NODE_SCORE;
		else
			s[i] = MAX_NODE_SCORE * (max + min - s[i]) / max;
	}
}

/* ---- InterPodAffinity (interpodaffinity/filtering.go, scoring.go) --------- */

/* Some domain of key k holds a pod of class cls. O(#domains). */
static int any_in_key(const struct cluster *c, int k, int cls)
{
	const struct cluster_key *key = &c->keys[k];
	for (int j = 0; j < key->nlive; j++)
		if (cluster_dom_all(c, k, key->live[j], cls) > 0)
			return 1;
	return 0;
}

static int interpod_prefilter(struct sched_cycle *cy)
{
	const struct cluster_wl *wi = cy->wi;

	if (wi->naff_req == 0 && wi->nanti_req == 0 && wi->nexisting_anti == 0)
		return 0;
	cy->aff_any = 0;
	for (int i = 0; i < wi->naff_req && !cy->aff_any; i++)
		cy->aff_any = any_in_key(cy->c, wi->aff_req[i].key, wi->aff_all);
	return 1;
}

/* satisfyPodAffinity, satisfyPodAntiAffinity, then
 * satisfyExistingPodsAntiAffinity. */
static int interpod_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	const struct cluster *c = cy->c;
	const struct cluster_wl *wi = cy->wi;
	int exist = 1;

	for (int i = 0; i < wi->naff_req; i++) {
		int k = wi->aff_req[i].key, d = n->dom[k];
		if (d < 0)
			goto affinity; /* all topology labels must exist on the node */
		if (cluster_dom_all(c, k, d, wi->aff_all) <= 0)
			exist = 0;
	}
	/* The first pod of a group with affinity to itself. */
	if (!exist && !(!cy->aff_any && wi->aff_self))
		goto affinity;
	for (int i = 0; i < wi->nanti_req; i++) {
		int k = wi->anti_req[i].key, d = n->dom[k];
		if (d >= 0 && cluster_dom_all(c, k, d, wi->anti_req[i].cls) > 0) {
			fail1(f, F_INTER_POD_AFFINITY, SCHED_UNSCHEDULABLE, R_ANTI_AFFINITY);
			return SCHED_UNSCHEDULABLE;
		}
	}
	for (int i = 0; i < wi->nexisting_anti; i++) {
		int k = wi->existing_anti[i].key, d = n->dom[k];
		if (d >= 0 && cluster_dom_all(c, k, d, wi->existing_anti[i].cls) > 0) {
			fail1(f, F_INTER_POD_AFFINITY, SCHED_UNSCHEDULABLE, R_EXISTING_ANTI);
			return SCHED_UNSCHEDULABLE;
		}
	}
	return SCHED_OK;
affinity:
	fail1(f, F_INTER_POD_AFFINITY, SCHED_UNRESOLVABLE, R_AFFINITY);
	return SCHED_UNRESOLVABLE;
}

/* Adds weight x (pods of cls) to every domain of key k holding such pods;
 * returns whether any domain got an entry. */
static int add_term(struct sched_cycle *cy, int k, int cls, int64_t weight)
{
	const struct cluster *c = cy->c;
	const struct cluster_key *key = &c->keys[k];
	int any = 0;

	if (!cy->tscore[k]) {
		cy->tscore[k] = sbuf_zero(&cy->tbuf[k], (size_t)key->ndom * sizeof(int64_t));
		cy->used_keys[cy->nused++] = k;
	}
	for (int j = 0; j < key->nlive; j++) {
		int d = key->live[j];
		int32_t m = cluster_dom_all(c, k, d, cls);
		if (m > 0) {
			cy->tscore[k][d] += weight * m;
			any = 1;
		}
	}
	return any;
}

/*
 * topologyScore: the pod's preferred terms against existing pods (+w per
 * matching pod, -w for anti-affinity) and existing pods' terms against the
 * pod (required affinity: hardPodAffinityWeight; preferred: +-w), each
 * credited to the existing pod's domain. Skip when nothing matched.
 */
static int interpod_prescore(struct sched_cycle *cy, struct node *const *nodes, int n)
{
	const struct cluster_wl *wi = cy->wi;
	int hard = cy->s->o.hard_pod_affinity_weight, any = 0;

	(void)nodes, (void)n;
	for (int i = 0; i < cy->nused; i++)
		cy->tscore[cy->used_keys[i]] = NULL;
	cy->nused = 0;
	if (wi->naff_pref == 0 && wi->nanti_pref == 0 && wi->nrev == 0)
		return 0;
	for (int i = 0; i < wi->naff_pref; i++)
		any |= add_term(cy, wi->aff_pref[i].key, wi->aff_pref[i].cls, wi->aff_pref[i].weight);
	for (int i = 0; i < wi->nanti_pref; i++)
		any |= add_term(cy, wi->anti_pref[i].key, wi->anti_pref[i].cls,
				-(int64_t)wi->anti_pref[i].weight);
	for (int i = 0; i < wi->nrev; i++) {
		const struct cluster_term *t = &wi->rev[i];
		if (t->hard && hard <= 0)
			continue;
		any |= add_term(cy, t->key, t->cls, t->hard ? hard : t->weight);
	}
	return any;
}

static int64_t interpod_score(struct sched_cycle *cy, const struct node *n, int idx)
{
	int64_t score = 0;

	(void)idx;
	for (int i = 0; i < cy->nused; i++) {
		int k = cy->used_keys[i], d = n->dom[k];
		if (d >= 0)
			score += cy->tscore[k][d];
	}
	return score;
}

/* Newer NormalizeScore: min and max over the scored nodes. */
static void interpod_normalize(struct sched_cycle *cy, struct node *const *nodes, int64_t *s,
			       int n)
{
	int64_t min = INT64_MAX, max = INT64_MIN, diff;

	(void)cy, (void)nodes;
	for (int i = 0; i < n; i++) {
		if (s[i] > max)
			max = s[i];
		if (s[i] < min)
			min = s[i];
	}
	diff = max - min;
	for (int i = 0; i < n; i++) {
		double f = 0;
		if (diff > 0)
			f = (double)MAX_NODE_SCORE * ((double)(s[i] - min) / (double)diff);
		s[i] = (int64_t)f;
	}
}

/* ---- the tables ------------------------------------------------------------ */

#define EV(e) (1u << (e))
#define EV_NODE (EV(SCHED_EV_NODE_ADD) | EV(SCHED_EV_NODE_UPDATE))

/* Indexed by enum filter_id; events as each plugin's EventsToRegister. */
const struct filter_ops sched_filter_ops[F_N] = {
	[F_NODE_UNSCHEDULABLE] = {"NodeUnschedulable", EV_NODE, always, unsched_filter},
	[F_TAINT_TOLERATION] = {"TaintToleration", EV_NODE, always, taint_filter},
	[F_NODE_AFFINITY] = {"NodeAffinity", EV_NODE, affinity_prefilter, affinity_filter},
	[F_NODE_RESOURCES_FIT] = {"NodeResourcesFit", EV_NODE | EV(SCHED_EV_POD_DELETE),
				  always, fit_filter},
	[F_POD_TOPOLOGY_SPREAD] = {"PodTopologySpread",
				   EV_NODE | EV(SCHED_EV_NODE_DELETE) | EV(SCHED_EV_POD_ADD) |
					   EV(SCHED_EV_POD_DELETE),
				   spread_prefilter, spread_filter},
	[F_INTER_POD_AFFINITY] = {"InterPodAffinity",
				  EV_NODE | EV(SCHED_EV_POD_ADD) | EV(SCHED_EV_POD_DELETE),
				  interpod_prefilter, interpod_filter},
};

/* Indexed by enum score_plugin. NodeResourcesFit and BalancedAllocation
 * have no NormalizeScore. */
const struct score_ops sched_score_ops[PLUGIN_NSCORE] = {
	[PLUGIN_TAINT_TOLERATION] = {taint_prescore, taint_score, taint_normalize},
	[PLUGIN_NODE_AFFINITY] = {affinity_prescore, affinity_score, affinity_normalize},
	[PLUGIN_NODE_RESOURCES_FIT] = {fit_prescore, fit_score, NULL},
	[PLUGIN_POD_TOPOLOGY_SPREAD] = {spread_prescore, spread_score, spread_normalize},
	[PLUGIN_INTER_POD_AFFINITY] = {interpod_prescore, interpod_score, interpod_normalize},
	[PLUGIN_BALANCED_ALLOCATION] = {balanced_prescore, balanced_score, NULL},
};
