/*
 * sched.c -- the scheduling framework: one attempt runs PreFilter, Filter
 * over the nodes searched, PreScore / Score / NormalizeScore over the
 * feasible ones, picks the best total (ties uniformly at random) and
 * binds; a failed attempt gets kube's FitError text and goes back to the
 * queue (sched_queue.c). The plugins are in sched_plugins.c.
 */
#include "sched_impl.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kube's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind. */
#define MIN_FEASIBLE_NODES 100
#define MIN_FEASIBLE_PERCENT 5

void sched_opts_default(struct sched_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cfg.strategy = STRATEGY_LEAST_ALLOCATED;
	o->cfg.weights[PLUGIN_TAINT_TOLERATION] = 3;
	o->cfg.weights[PLUGIN_NODE_AFFINITY] = 2;
	o->cfg.weights[PLUGIN_NODE_RESOURCES_FIT] = 1;
	o->cfg.weights[PLUGIN_POD_TOPOLOGY_SPREAD] = 2;
	o->cfg.weights[PLUGIN_INTER_POD_AFFINITY] = 2;
	o->cfg.weights[PLUGIN_BALANCED_ALLOCATION] = 1;
	o->cfg.default_spread = 1;
	o->res_weight_cpu = 1;
	o->res_weight_mem = 1;
	o->hard_pod_affinity_weight = 1;
	o->initial_backoff = 1;
	o->max_backoff = 10;
	o->max_in_unschedulable = 300;
	o->percentage_of_nodes_to_score = 0;
}

const char *sched_plugin_name(enum score_plugin p)
{
	return score_plugin_name(p); /* the names live with the scenario's keys */
}

void sched_init(struct sched *s, struct cluster *c, const struct sched_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->o = *o;
	s->pool_head = s->pool_tail = -1;
	s->cy = xmalloc(sizeof(*s->cy));
	sched_cycle_init(s->cy, s);
}

void sched_release(struct sched *s)
{
	sched_cycle_release(s->cy);
	free(s->cy);
	sched_queue_release(s);
	free(s->msg);
	memset(s, 0, sizeof(*s));
}

/* ---- messages -------------------------------------------------------------- */

static void msg_printf(struct sched *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void msg_printf(struct sched *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->msg, s->msg_cap, fmt, ap);
	va_end(ap);
	if ((size_t)n >= s->msg_cap) {
		s->msg_cap = (size_t)n + 1;
		s->msg = xrealloc(s->msg, s->msg_cap);
		va_start(ap, fmt);
		vsnprintf(s->msg, s->msg_cap, fmt, ap);
		va_end(ap);
	}
}

/* One line of the reason histogram. */
struct hist {
	int reason;
	const struct taint *taint;
	int count;
	char *text;
};

static int same_reason(const struct hist *h, int reason, const struct taint *t)
{
	if (h->reason != reason)
		return 0;
	if (reason != R_TAINT)
		return 1;
	return strcmp(h->taint->key, t->key) == 0 && strcmp(h->taint->value, t->value) == 0;
}

static void hist_add(struct hist **v, int *n, int *cap, int reason, const struct taint *t, int k)
{
	for (int i = 0; i < *n; i++) {
		if (same_reason(&(*v)[i], reason, t)) {
			(*v)[i].count += k;
			return;
		}
	}
	GROW(*v, *n, *cap);
	(*v)[(*n)++] = (struct hist){reason, t, k, NULL};
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(((const struct hist *)a)->text, ((const struct hist *)b)->text);
}

/*
 * FitError.Error(): "0/N nodes are available: " + the histogram of
 * reasons as "<count> <reason>" strings sorted bytewise (sort.Strings, so
 * "10 ..." sorts before "2 ..."), joined by ", ", then ".".
 */
static void fit_error(struct sched *s, int nfail, int absent)
{
	const struct sched_cycle *cy = s->cy;
	struct hist *h = NULL;
	int nh = 0, cap = 0;
	size_t len = 64;
	char *out, *w;

	for (int i = 0; i < nfail; i++)
		for (int j = 0; j < cy->fails[i].nreason; j++)
			hist_add(&h, &nh, &cap, cy->fails[i].reason[j], cy->fails[i].taint, 1);
	if (absent > 0)
		hist_add(&h, &nh, &cap, R_PREFILTER_NODE_AFFINITY, NULL, absent);
	for (int i = 0; i < nh; i++) {
		if (h[i].reason == R_TAINT)
			h[i].text = xasprintf("%d %s {%s: %s}", h[i].count,
					      sched_reason_text(R_TAINT), h[i].taint->key,
					      h[i].taint->value);
		else
			h[i].text = xasprintf("%d %s", h[i].count, sched_reason_text(h[i].reason));
		len += strlen(h[i].text) + 2;
	}
	qsort(h, (size_t)nh, sizeof(*h), cmp_text);
	out = w = xmalloc(len);
	w += sprintf(w, "0/%d nodes are available:", s->c->nnodes);
	for (int i = 0; i < nh; i++) {
		w += sprintf(w, "%s%s", i ? ", " : " ", h[i].text);
		free(h[i].text);
	}
	strcpy(w, ".");
	msg_printf(s, "%s", out);
	free(out);
	free(h);
}

/* ---- one attempt ----------------------------------------------------------- */

static void cycle_reserve(struct sched_cycle *cy, int n)
{
	size_t cap;

	if (n <= cy->cap_nodes)
		return;
	cap = (size_t)n * 2;
	cy->feasible = xrealloc(cy->feasible, cap * sizeof(*cy->feasible));
	cy->failed = xrealloc(cy->failed, cap * sizeof(*cy->failed));
	cy->fails = xrealloc(cy->fails, cap * sizeof(*cy->fails));
	for (int p = 0; p < PLUGIN_NSCORE; p++)
		cy->score[p] = xrealloc(cy->score[p], cap * sizeof(int64_t));
	cy->total = xrealloc(cy->total, cap * sizeof(int64_t));
	cy->ignored = xrealloc(cy->ignored, cap);
	cy->cap_nodes = (int)cap;
}

static void prefilter(struct sched_cycle *cy)
{
	cy->nfilters = 0;
	for (int f = 0; f < F_N; f++)
		if (sched_filter_ops[f].prefilter(cy))
			cy->filters[cy->nfilters++] = f;
}

static int run_filters(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	for (int i = 0; i < cy->nfilters; i++) {
		int code = sched_filter_ops[cy->filters[i]].filter(cy, n, f);
		if (code != SCHED_OK)
			return code;
	}
	return SCHED_OK;
}

/* numFeasibleNodesToFind (schedule_one.go). */
static int nodes_to_find(const struct sched *s, int n)
{
	int pct = s->o.percentage_of_nodes_to_score, m;

	if (n < MIN_FEASIBLE_NODES)
		return n;
	if (pct <= 0) {
		pct = 50 - n / 125;
		if (pct < MIN_FEASIBLE_PERCENT)
			pct = MIN_FEASIBLE_PERCENT;
	}
	m = (int)((int64_t)n * pct / 100);
	return m < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : m;
}

/* Runs the score plugins over the nf feasible nodes; returns the chosen
 * index (selectHost: best total, reservoir sampling among ties). */
static int score_and_select(struct sched *s, int nf, double t)
{
	struct sched_cycle *cy = s->cy;
	const int64_t *ran[PLUGIN_NSCORE] = {0};
	int best = 0, ties = 0;

	memset(cy->total, 0, (size_t)nf * sizeof(int64_t));
	for (int p = 0; p < PLUGIN_NSCORE; p++) {
		const struct score_ops *op = &sched_score_ops[p];
		int64_t w = s->o.cfg.weights[p], *sc = cy->score[p];
		if (w <= 0 || !op->prescore(cy, cy->feasible, nf))
			continue;
		op->score(cy, cy->feasible, nf, sc);
		if (op->normalize)
			op->normalize(cy, cy->feasible, sc, nf);
		for (int i = 0; i < nf; i++) {
			assert(sc[i] >= 0 && sc[i] <= MAX_NODE_SCORE);
			cy->total[i] += sc[i] * w;
		}
		ran[p] = sc;
	}
	for (int i = 0; i < nf; i++) {
		if (i == 0 || cy->total[i] > cy->total[best]) {
			best = i;
			ties = 1;
		} else if (cy->total[i] == cy->total[best]) {
			ties++;
			if (s->o.rand_below && s->o.rand_below(s->o.rand_ctx, (uint64_t)ties) == 0)
				best = i;
		}
	}
	if (s->o.on_scores) {
		struct sched_decision d = {cy->pod, t, nf, cy->feasible, {0}, cy->total, best};
		memcpy(d.score, ran, sizeof(ran));
		s->o.on_scores(s->o.scores_ctx, &d);
	}
	return best;
}

static int attempt(struct sched *s, struct pod *p, double t, struct sched_result *r)
{
	struct sched_cycle *cy = s->cy;
	struct cluster *c = s->c;
	struct node **cand = c->nodes, *pin = NULL;
	int ncand = c->nnodes, absent = 0, nf = 0, nfail = 0, want, chosen;
	unsigned rejectors = 0;

	memset(r, 0, sizeof(*r));
	r->pod = p;
	r->attempts = sched_st(s, p)->attempts;
	r->message = s->msg;
	if (c->nnodes == 0) {
		msg_printf(s, "no nodes available to schedule pods");
		r->message = s->msg;
		sched_requeue_failed(s, p, 0, t);
		return 1;
	}
	sched_cycle_begin(cy, p);
	cycle_reserve(cy, c->nnodes);
	if (p->pinned_node >= 0) {
		/* NodeAffinity's PreFilterResult: only the DaemonSet pod's node. */
		if (p->pinned_node < c->nnode_ids && !c->node_by_id[p->pinned_node]->removed)
			pin = c->node_by_id[p->pinned_node];
		cand = &pin;
		ncand = pin != NULL;
		absent = c->nnodes - ncand;
		if (absent)
			rejectors |= 1u << F_NODE_AFFINITY;
	}
	prefilter(cy);
	want = nodes_to_find(s, ncand);
	for (int i = 0; i < ncand && nf < want; i++) {
		struct node *n = cand[(s->next_start + i) % ncand];
		if (run_filters(cy, n, &cy->fails[nfail]) == SCHED_OK) {
			cy->feasible[nf++] = n;
		} else {
			rejectors |= 1u << cy->fails[nfail].plugin;
			cy->failed[nfail++] = n;
		}
	}
	s->next_start = (s->next_start + nf + nfail) % c->nnodes;
	r->evaluated = nf + nfail;
	r->feasible = nf;
	if (nf == 0) {
		fit_error(s, nfail, absent);
		r->message = s->msg;
		sched_requeue_failed(s, p, rejectors, t);
		return 1;
	}
	if (nf > 1) {
		chosen = score_and_select(s, nf, t);
	} else {
		/* A single feasible node is taken without scoring. */
		chosen = 0;
		if (s->o.on_scores) {
			int64_t zero = 0;
			struct sched_decision d = {p, t, 1, cy->feasible, {0}, &zero, 0};
			s->o.on_scores(s->o.scores_ctx, &d);
		}
	}
	r->node = cy->feasible[chosen];
	cluster_bind(c, p, r->node, t);
	msg_printf(s, "Successfully assigned default/%s to %s", p->name, r->node->name);
	r->message = s->msg;
	/* AssignedPodAdded: may unblock pods waiting for affinity or spread. */
	sched_cluster_changed(s, SCHED_EV_POD_ADD, p, t);
	return 1;
}

int sched_schedule_one(struct sched *s, double t, struct sched_result *r)
{
	int id;
	struct pod *p;

	sched_flush(s, t);
	id = sched_pop_active(s);
	if (id < 0)
		return 0;
	p = s->c->pod_by_id[id];
	assert(p->phase == POD_PENDING);
	sched_st(s, p)->attempts++;
	return attempt(s, p, t, r);
}

int sched_schedule_all(struct sched *s, double t, sched_result_fn fn, void *ctx)
{
	struct sched_result r;
	int n = 0;

	while (sched_schedule_one(s, t, &r)) {
		n++;
		if (fn)
			fn(ctx, &r);
	}
	return n;
}

void sched_cluster_changed(struct sched *s, enum sched_event ev, const struct pod *p, double t)
{
	unsigned plugins = 0;

	if (s->npool == 0)
		return;
	for (int f = 0; f < F_N; f++)
		if (sched_filter_ops[f].events & (1u << ev))
			plugins |= 1u << f;
	sched_move_pool(s, plugins, p, (int)ev, t);
}

/* ---- single plugins ------------------------------------------------------- */

int sched_filter_node(struct sched *s, struct pod *p, struct node *n, char *buf, size_t len)
{
	struct sched_cycle *cy = s->cy;
	struct sched_fail f;
	int code;
	size_t used = 0;

	sched_cycle_begin(cy, p);
	cycle_reserve(cy, s->c->nnodes + 1);
	if (buf && len)
		buf[0] = '\0';
	if (p->pinned_node >= 0 && n->id != p->pinned_node) {
		if (buf && len)
			snprintf(buf, len, "%s", sched_reason_text(R_PREFILTER_NODE_AFFINITY));
		return SCHED_UNRESOLVABLE;
	}
	prefilter(cy);
	code = run_filters(cy, n, &f);
	for (int i = 0; code != SCHED_OK && buf && i < f.nreason && used < len; i++) {
		if (f.reason[i] == R_TAINT)
			used += (size_t)snprintf(buf + used, len - used, "%s%s {%s: %s}",
						 i ? ", " : "", sched_reason_text(R_TAINT),
						 f.taint->key, f.taint->value);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
						 sched_reason_text(f.reason[i]));
	}
	return code;
}

int sched_score_nodes(struct sched *s, struct pod *p, enum score_plugin pl,
		      struct node *const *nodes, int n, int64_t *out)
{
	struct sched_cycle *cy = s->cy;
	const struct score_ops *op = &sched_score_ops[pl];

	sched_cycle_begin(cy, p);
	cycle_reserve(cy, n);
	if (!op->prescore(cy, nodes, n))
		return 0;
	op->score(cy, nodes, n, out);
	if (op->normalize)
		op->normalize(cy, nodes, out, n);
	return 1;
}
