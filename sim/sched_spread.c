/*
 * sched_spread.c -- PodTopologySpread (pkg/scheduler/framework/plugins/
 * podtopologyspread/filtering.go, scoring.go): DoNotSchedule constraints
 * filter, ScheduleAnyway ones (or the system defaults) score.
 *
 * Counts come from the cluster's per-domain "live" counters (terminating
 * pods excluded) when every node may be counted; when the pod's node
 * affinity or a node lacking a key restricts the nodes that count, one
 * O(#nodes) pass sums the nodes' own counters instead.
 */
#include "sched_impl.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Go's math.Round for x >= 0 (half away from zero), without libm. */
static int64_t round_half_up(double x)
{
	int64_t t = (int64_t)x;
	return t + (x - (double)t >= 0.5);
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

static void spread_slot(struct sched_cycle *cy, struct spread_c *v, struct sbuf *buf, int i,
			const struct cluster_spread *sc)
{
	struct cluster *c = cy->c;
	size_t nd = (size_t)c->keys[sc->key].ndom + 1;

	memset(&v[i], 0, sizeof(v[i]));
	v[i].sc = sc;
	v[i].hostname = sc->key == CLUSTER_KEY_HOSTNAME;
	v[i].self = cluster_class_has(c, sc->cls, cy->pod->workload);
	v[i].row = sched_live_row(c, sc->key, sc->cls);
	v[i].cnt = sbuf_zero(&buf[3 * i], nd * sizeof(int32_t));
	v[i].present = sbuf_zero(&buf[3 * i + 1], nd);
	v[i].pair = sbuf_zero(&buf[3 * i + 2], nd * sizeof(int64_t));
}

int sched_spread_prefilter(struct sched_cycle *cy)
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
			int d = k->lives[j];
			int32_t m;
			if (fast) {
				m = v->row[d];
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

int sched_spread_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	for (int i = 0; i < cy->nsf; i++) {
		const struct spread_c *v = &cy->sf[i];
		int k = v->sc->key, d = n->dom[k];
		int32_t m;
		if (d < 0) {
			sched_fail1(f, F_POD_TOPOLOGY_SPREAD, SCHED_UNRESOLVABLE, R_SPREAD_LABEL);
			return SCHED_UNRESOLVABLE;
		}
		m = v->cnt ? v->cnt[d] : v->row[d];
		if (m + v->self - v->min > v->sc->max_skew) {
			sched_fail1(f, F_POD_TOPOLOGY_SPREAD, SCHED_UNSCHEDULABLE, R_SPREAD);
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
					v->pair[d] = v->row[d];
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

int sched_spread_prescore(struct sched_cycle *cy, struct node *const *nodes, int n)
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
	double score = 0;

	if (cy->ignored[idx])
		return 0;
	for (int i = 0; i < cy->nss; i++) {
		const struct spread_c *v = &cy->ss[i];
		int d = n->dom[v->sc->key];
		int64_t cnt;
		if (d < 0)
			continue;
		cnt = v->hostname ? v->row[d] : v->pair[d];
		score += (double)cnt * v->weight + (double)(v->sc->max_skew - 1);
	}
	return round_half_up(score);
}

SCORE_ALL(spread_score)

void sched_spread_score(struct sched_cycle *cy, struct node *const *nodes, int n, int64_t *out)
{
	spread_score_all(cy, nodes, n, out);
}

void sched_spread_normalize(struct sched_cycle *cy, struct node *const *nodes, int64_t *s, int n)
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
