/*
 * sched_interpod.c -- InterPodAffinity (pkg/scheduler/framework/plugins/
 * interpodaffinity/filtering.go, scoring.go): required affinity and
 * anti-affinity and existing pods' anti-affinity filter; preferred terms
 * (both ways) and existing pods' required affinity (hardPodAffinityWeight)
 * score. Pods are counted per (topology key, value) domain by the
 * cluster's "all" counters, terminating pods included, as kube counts
 * every pod its NodeInfo holds.
 */
#include "sched_impl.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

/* Some domain of key k holds a pod of class cls. O(1). */
static int any_in_key(const struct cluster *c, int k, int cls)
{
	return c->keys[k].sum_all && c->keys[k].sum_all[cls] > 0;
}

/* (key, row) of each term, dropping terms no pod can match yet: a term
 * whose class has no pod anywhere never fails a node. */
static int term_rows(const struct cluster *c, const struct cluster_term *t, int n, int cls_override,
		     struct krow *out, int keep_empty)
{
	int m = 0;
	for (int i = 0; i < n; i++) {
		int cls = cls_override >= 0 ? cls_override : t[i].cls;
		if (!keep_empty && !any_in_key(c, t[i].key, cls))
			continue;
		out[m].key = t[i].key;
		out[m++].row = sched_all_row(c, t[i].key, cls);
	}
	return m;
}

int sched_interpod_prefilter(struct sched_cycle *cy)
{
	const struct cluster *c = cy->c;
	const struct cluster_wl *wi = cy->wi;

	if (wi->naff_req == 0 && wi->nanti_req == 0 && wi->nexisting_anti == 0)
		return 0;
	cy->aff_any = 0;
	for (int i = 0; i < wi->naff_req && !cy->aff_any; i++)
		cy->aff_any = any_in_key(c, wi->aff_req[i].key, wi->aff_all);
	cy->naff = term_rows(c, wi->aff_req, wi->naff_req, wi->aff_all, cy->aff, 1);
	cy->nanti = term_rows(c, wi->anti_req, wi->nanti_req, -1, cy->anti, 0);
	cy->nexist = term_rows(c, wi->existing_anti, wi->nexisting_anti, -1, cy->exist, 0);
	return 1;
}

/* satisfyPodAffinity, satisfyPodAntiAffinity, then
 * satisfyExistingPodsAntiAffinity. */
int sched_interpod_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f)
{
	int exist = 1;

	for (int i = 0; i < cy->naff; i++) {
		int d = n->dom[cy->aff[i].key];
		if (d < 0)
			goto affinity; /* all topology labels must exist on the node */
		if (cy->aff[i].row[d] <= 0)
			exist = 0;
	}
	/* The first pod of a group with affinity to itself. */
	if (!exist && !(!cy->aff_any && cy->wi->aff_self))
		goto affinity;
	for (int i = 0; i < cy->nanti; i++) {
		int d = n->dom[cy->anti[i].key];
		if (d >= 0 && cy->anti[i].row[d] > 0) {
			sched_fail1(f, F_INTER_POD_AFFINITY, SCHED_UNSCHEDULABLE, R_ANTI_AFFINITY);
			return SCHED_UNSCHEDULABLE;
		}
	}
	for (int i = 0; i < cy->nexist; i++) {
		int d = n->dom[cy->exist[i].key];
		if (d >= 0 && cy->exist[i].row[d] > 0) {
			sched_fail1(f, F_INTER_POD_AFFINITY, SCHED_UNSCHEDULABLE, R_EXISTING_ANTI);
			return SCHED_UNSCHEDULABLE;
		}
	}
	return SCHED_OK;
affinity:
	sched_fail1(f, F_INTER_POD_AFFINITY, SCHED_UNRESOLVABLE, R_AFFINITY);
	return SCHED_UNRESOLVABLE;
}

/* Key k's per-domain scores, all 0, with room for ndom domains. */
static int64_t *scores_of(struct sched_cycle *cy, int k, int ndom)
{
	if (cy->tzero_n[k] < ndom) {
		int n = ndom > 32 ? 2 * ndom : 64;
		cy->tzero[k] = xrealloc(cy->tzero[k], (size_t)n * sizeof(int64_t));
		memset(cy->tzero[k] + cy->tzero_n[k], 0,
		       (size_t)(n - cy->tzero_n[k]) * sizeof(int64_t));
		cy->tzero_n[k] = n;
	}
	return cy->tzero[k];
}

/* Adds weight x (pods of cls) to every domain of key k holding such pods;
 * returns whether any domain got an entry. Visits the class's domains
 * with pods (cluster_nz), not every domain of the key: with the hostname
 * key that is O(pods of the class) instead of O(nodes) per decision.
 * (Every such domain has a node: a domain loses its last node only after
 * its pods, cluster.c.) */
static int add_term(struct sched_cycle *cy, int k, int cls, int64_t weight)
{
	const struct cluster_key *key = &cy->c->keys[k];
	const struct cluster_nz *z;

	if (!cy->tscore[k]) {
		cy->tscore[k] = scores_of(cy, k, key->ndom);
		cy->used_keys[cy->nused++] = k;
	}
	if (!key->nz)
		return 0;
	z = &key->nz[cls];
#ifndef NDEBUG
	int live = 0;
	for (int j = 0; j < key->nlive; j++)
		live += key->all[cls][key->lives[j]] > 0;
	assert(live == z->n);
#endif
	for (int j = 0; j < z->n; j++) {
		int d = z->d[j];
		cy->tscore[k][d] += weight * key->all[cls][d];
		GROW(cy->touched, cy->ntouched, cy->cap_touched);
		cy->touched[cy->ntouched++] = (struct tdom){ k, d };
	}
	return z->n > 0;
}

/*
 * topologyScore: the pod's preferred terms against existing pods (+w per
 * matching pod, -w for anti-affinity) and existing pods' terms against the
 * pod (required affinity: hardPodAffinityWeight; preferred: +-w), each
 * credited to the existing pod's domain. Skip when nothing matched.
 */
int sched_interpod_prescore(struct sched_cycle *cy, struct node *const *nodes, int n)
{
	const struct cluster_wl *wi = cy->wi;
	int hard = cy->s->o.hard_pod_affinity_weight, any = 0;

	(void)nodes, (void)n;
	for (int i = 0; i < cy->ntouched; i++)
		cy->tzero[cy->touched[i].key][cy->touched[i].d] = 0;
	cy->ntouched = 0;
	for (int i = 0; i < cy->nused; i++)
		cy->tscore[cy->used_keys[i]] = NULL;
	cy->nused = 0;
	if (wi->naff_pref == 0 && wi->nanti_pref == 0 && wi->nrev == 0)
		return 0;
	for (int i = 0; i < wi->naff_pref; i++)
		any |= add_term(cy, wi->aff_pref[i].key, wi->aff_pref[i].cls,
				wi->aff_pref[i].weight);
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

SCORE_ALL(interpod_score)

void sched_interpod_score(struct sched_cycle *cy, struct node *const *nodes, int n, int64_t *out)
{
	interpod_score_all(cy, nodes, n, out);
}

/* Newer NormalizeScore: min and max over the scored nodes. */
void sched_interpod_normalize(struct sched_cycle *cy, struct node *const *nodes, int64_t *s,
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
