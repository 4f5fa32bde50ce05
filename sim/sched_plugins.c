/*
 * sched_plugins.c -- the plugins of kube-scheduler's default profile as two
 * const ops tables (filters in kube's order, scores by enum score_plugin),
 * the simple plugins themselves (NodeUnschedulable, TaintToleration,
 * NodeAffinity, NodeResourcesFit, NodeResourcesBalancedAllocation; the
 * counting ones are in sched_spread.c and sched_interpod.c) and the
 * per-attempt scratch (struct sched_cycle).
 *
 * Each plugin follows the upstream file named in its comment
 * (pkg/scheduler/framework/plugins/...): same checks, same order, same
 * integer or float arithmetic, same normalisation. A filter or score call
 * per node is O(#taints / #terms); nothing walks the pods of a node.
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

	int maxa = 1, maxn = 1, maxe = 1;

	memset(cy, 0, sizeof(*cy));
	cy->s = s;
	cy->c = c;
	/* Room for the largest term and constraint lists of any workload. */
	for (int w = 0; w < c->nwl; w++) {
		maxs = c->wi[w].nspread > maxs ? c->wi[w].nspread : maxs;
		maxa = c->wi[w].naff_req > maxa ? c->wi[w].naff_req : maxa;
		maxn = c->wi[w].nanti_req > maxn ? c->wi[w].nanti_req : maxn;
		maxe = c->wi[w].nexisting_anti > maxe ? c->wi[w].nexisting_anti : maxe;
	}
	cy->cap_spread = maxs + 2; /* + the two system defaults */
	cy->sf = xcalloc((size_t)cy->cap_spread, sizeof(*cy->sf));
	cy->ss = xcalloc((size_t)cy->cap_spread, sizeof(*cy->ss));
	cy->sf_buf = xcalloc((size_t)cy->cap_spread * 3, sizeof(*cy->sf_buf));
	cy->ss_buf = xcalloc((size_t)cy->cap_spread * 3, sizeof(*cy->ss_buf));
	cy->aff = xcalloc((size_t)maxa, sizeof(*cy->aff));
	cy->anti = xcalloc((size_t)maxn, sizeof(*cy->anti));
	cy->exist = xcalloc((size_t)maxe, sizeof(*cy->exist));
	cy->tscore = xcalloc((size_t)c->nkeys, sizeof(*cy->tscore));
	cy->tzero = xcalloc((size_t)c->nkeys, sizeof(*cy->tzero));
	cy->tzero_n = xcalloc((size_t)c->nkeys, sizeof(*cy->tzero_n));
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
		free(cy->tzero[k]);
	free(cy->aff);
	free(cy->anti);
	free(cy->exist);
	free(cy->sf);
	free(cy->ss);
	free(cy->sf_buf);
	free(cy->ss_buf);
	free(cy->tscore);
	free(cy->tzero);
	free(cy->tzero_n);
	free(cy->touched);
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
		[R_SPREAD_LABEL] = "node(s) didn't match pod topology spread constraints "
				   "(missing required label)",
		[R_AFFINITY] = "node(s) didn't match pod affinity rules",
		[R_ANTI_AFFINITY] = "node(s) didn't match pod anti-affinity rules",
		[R_EXISTING_ANTI] = "node(s) didn't satisfy existing pods anti-affinity rules",
		[R_PREFILTER_NODE_AFFINITY] = "node(s) didn't satisfy plugin(s) [NodeAffinity]",
	};
	return text[reason];
}

/* ---- helpers ------------------------------------------------------------- */

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

/* Tolerations the DaemonSet controller adds to its pods
 * (pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations). */
static const struct toleration daemon_tolerations[] = {
	{"node.kubernetes.io/not-ready", TOL_EXISTS, "", EFFECT_NO_EXECUTE},
	{"node.kubernetes.io/unreachable", TOL_EXISTS, "", EFFECT_NO_EXECUTE},
	{"node.kubernetes.io/disk-pressure", TOL_EXISTS, "", EFFECT_NO_SCHEDULE},
	{"node.kubernetes.io/memory-pressure", TOL_EXISTS, "", EFFECT_NO_SCHEDULE},
	{"node.kubernetes.io/pid-pressure", TOL_EXISTS, "", EFFECT_NO_SCHEDULE},
	{TAINT_UNSCHEDULABLE, TOL_EXISTS, "", EFFECT_NO_SCHEDULE},
};

int sched_daemon_should_run(const struct workload *w, const struct node *n)
{
	if (!cluster_node_affinity_matches(w, n))
		return 0;
	for (int i = 0; i < n->ntaints; i++) {
		const struct taint *t = &n->taints[i];
		int ok = t->effect == EFFECT_PREFER_NO_SCHEDULE || sched_tolerates(w, t);
		for (size_t j = 0; !ok && j < ARRAY_LEN(daemon_tolerations); j++)
			ok = toleration_matches(&daemon_tolerations[j], t);
		if (!ok)
			return 0;
	}
	return 1;
}

/* ---- NodeUnschedulable (nodeunschedulable/node_unschedulable.go) -------- */

static int always(struct sched_cycle *cy)
{
	(void)cy;
	return 1;
}

/* Nothing to check while no node is cordoned. */
static int unsched_prefilter(struct sched_cycle *cy)
{
	return cy->c->ncordoned > 0;
}

static int unsched_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	static const struct taint t = {TAINT_UNSCHEDULABLE, "", EFFECT_NO_SCHEDULE};

	if (!n->unschedulable)
		return SCHED_OK;
	/* The DaemonSet controller adds this toleration to its pods. */
	if (cy->wl->kind == WL_DAEMONSET || sched_tolerates(cy->wl, &t))
		return SCHED_OK;
	sched_fail1(f, F_NODE_UNSCHEDULABLE, SCHED_UNRESOLVABLE, R_UNSCHEDULABLE);
	return SCHED_UNRESOLVABLE;
}

/* ---- TaintToleration (tainttoleration/taint_toleration.go) -------------- */

/* Nothing to check while no node has a taint. */
static int taint_prefilter(struct sched_cycle *cy)
{
	return cy->c->ntainted > 0;
}

static int taint_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	for (int i = 0; i < n->ntaints; i++) {
		const struct taint *t = &n->taints[i];
		if (t->effect == EFFECT_PREFER_NO_SCHEDULE || sched_tolerates(cy->wl, t))
			continue;
		sched_fail1(f, F_TAINT_TOLERATION, SCHED_UNRESOLVABLE, R_TAINT);
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

SCORE_ALL(taint_score)

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
	sched_fail1(f, F_NODE_AFFINITY, SCHED_UNRESOLVABLE, R_NODE_AFFINITY);
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

SCORE_ALL(affinity_score)

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

SCORE_ALL(fit_score)

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

SCORE_ALL(balanced_score)

/* ---- the tables ------------------------------------------------------------ */

#define EV(e) (1u << (e))
#define EV_NODE (EV(SCHED_EV_NODE_ADD) | EV(SCHED_EV_NODE_UPDATE))

/* Indexed by enum filter_id; events as each plugin's EventsToRegister. */
const struct filter_ops sched_filter_ops[F_N] = {
	[F_NODE_UNSCHEDULABLE] = {"NodeUnschedulable", EV_NODE, unsched_prefilter, unsched_filter},
	[F_TAINT_TOLERATION] = {"TaintToleration", EV_NODE, taint_prefilter, taint_filter},
	[F_NODE_AFFINITY] = {"NodeAffinity", EV_NODE, affinity_prefilter, affinity_filter},
	[F_NODE_RESOURCES_FIT] = {"NodeResourcesFit", EV_NODE | EV(SCHED_EV_POD_DELETE),
				  always, fit_filter},
	[F_POD_TOPOLOGY_SPREAD] = {"PodTopologySpread",
				   EV_NODE | EV(SCHED_EV_NODE_DELETE) | EV(SCHED_EV_POD_ADD) |
					   EV(SCHED_EV_POD_DELETE),
				   sched_spread_prefilter, sched_spread_filter},
	[F_INTER_POD_AFFINITY] = {"InterPodAffinity",
				  EV_NODE | EV(SCHED_EV_POD_ADD) | EV(SCHED_EV_POD_DELETE),
				  sched_interpod_prefilter, sched_interpod_filter},
};

/* Indexed by enum score_plugin. NodeResourcesFit and BalancedAllocation
 * have no NormalizeScore. */
const struct score_ops sched_score_ops[PLUGIN_NSCORE] = {
	[PLUGIN_TAINT_TOLERATION] = {taint_prescore, taint_score_all, taint_normalize},
	[PLUGIN_NODE_AFFINITY] = {affinity_prescore, affinity_score_all, affinity_normalize},
	[PLUGIN_NODE_RESOURCES_FIT] = {fit_prescore, fit_score_all, NULL},
	[PLUGIN_POD_TOPOLOGY_SPREAD] = {sched_spread_prescore, sched_spread_score,
					sched_spread_normalize},
	[PLUGIN_INTER_POD_AFFINITY] = {sched_interpod_prescore, sched_interpod_score,
				       sched_interpod_normalize},
	[PLUGIN_BALANCED_ALLOCATION] = {balanced_prescore, balanced_score_all, NULL},
};
