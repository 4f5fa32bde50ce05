/*
 * cluster_index.c -- compiles the workloads' selectors into classes and
 * their affinity / spread terms into (class, topology key) pairs.
 *
 * Every pod of a workload carries the workload's labels, and all pods
 * live in one namespace, so whether a selector matches a pod depends only
 * on the pod's workload. A selector is therefore a set of workloads; equal
 * sets share one class. Class w (for w < nwl) is workload w's identity:
 * the pods of exactly that workload, which is what the default spread
 * constraints select (a ReplicaSet's selector includes its
 * pod-template-hash, so it matches its own pods only) and what the
 * "existing pods" terms count.
 *
 * Cost: O(#workloads x #selectors x selector size) once, at cluster_init.
 */
#include "cluster_impl.h"

#include <stdlib.h>
#include <string.h>

static int key_intern(struct cluster *c, const char *key)
{
	int k = cluster_key(c, key);
	if (k >= 0)
		return k;
	c->keys = xrealloc(c->keys, ((size_t)c->nkeys + 1) * sizeof(*c->keys));
	memset(&c->keys[c->nkeys], 0, sizeof(c->keys[0]));
	c->keys[c->nkeys].key = key;
	return c->nkeys++;
}

static uint64_t *bits_of(struct cluster *c, int cls)
{
	return &c->class_bits[(size_t)cls * (size_t)c->class_words];
}

static int class_intern(struct cluster *c, const uint64_t *b)
{
	size_t words = (size_t)c->class_words;

	for (int i = 0; i < c->nclass; i++)
		if (memcmp(bits_of(c, i), b, words * sizeof(*b)) == 0)
			return i;
	c->class_bits = xrealloc(c->class_bits, ((size_t)c->nclass + 1) * words * sizeof(*b));
	memcpy(bits_of(c, c->nclass), b, words * sizeof(*b));
	return c->nclass++;
}

static int class_of_selector(struct cluster *c, const struct label_selector *s)
{
	uint64_t b[c->class_words];

	memset(b, 0, sizeof(b));
	for (int w = 0; w < c->nwl; w++)
		if (cluster_selector_matches(s, &c->wls[w].labels))
			b[w / 64] |= 1ULL << (w % 64);
	return class_intern(c, b);
}

static struct cluster_term *compile_terms(struct cluster *c, const struct term_list *tl)
{
	struct cluster_term *t;

	if (tl->n == 0)
		return NULL;
	t = arena_alloc(&c->arena, (size_t)tl->n * sizeof(*t));
	for (int i = 0; i < tl->n; i++) {
		t[i].cls = class_of_selector(c, &tl->v[i].selector);
		t[i].key = key_intern(c, tl->v[i].topology_key);
		t[i].weight = tl->v[i].weight;
	}
	return t;
}

static void compile_own(struct cluster *c, int w)
{
	const struct workload *wl = &c->wls[w];
	struct cluster_wl *wi = &c->wi[w];

	wi->ident = w;
	wi->aff_req = compile_terms(c, &wl->affinity.required);
	wi->naff_req = wl->affinity.required.n;
	wi->aff_pref = compile_terms(c, &wl->affinity.preferred);
	wi->naff_pref = wl->affinity.preferred.n;
	wi->anti_req = compile_terms(c, &wl->anti_affinity.required);
	wi->nanti_req = wl->anti_affinity.required.n;
	wi->anti_pref = compile_terms(c, &wl->anti_affinity.preferred);
	wi->nanti_pref = wl->anti_affinity.preferred.n;
	wi->aff_all = -1;
	if (wi->naff_req > 0) {
		/* kube counts an existing pod for the incoming pod's required
		 * affinity only if it matches all terms
		 * (podMatchesAllAffinityTerms). */
		uint64_t b[c->class_words];
		memset(b, 0xff, sizeof(b));
		for (int i = 0; i < wi->naff_req; i++)
			for (int j = 0; j < c->class_words; j++)
				b[j] &= bits_of(c, wi->aff_req[i].cls)[j];
		wi->aff_all = class_intern(c, b);
		wi->aff_self = cluster_class_has(c, wi->aff_all, w);
	}
	wi->nspread = wl->nspread;
	wi->spread = wl->nspread ? arena_alloc(&c->arena, (size_t)wl->nspread * sizeof(*wi->spread))
				 : NULL;
	for (int i = 0; i < wl->nspread; i++) {
		const struct spread_constraint *sc = &wl->spread[i];
		wi->spread[i].cls = class_of_selector(c, &sc->selector);
		wi->spread[i].key = key_intern(c, sc->topology_key);
		wi->spread[i].max_skew = sc->max_skew;
		wi->spread[i].do_not_schedule = sc->do_not_schedule;
		wi->spread[i].min_domains = sc->min_domains;
	}
	wi->has_node_affinity = wl->node_selector.n > 0 || wl->node_affinity.nrequired > 0;
}

/* Appends to *v the terms of workload o (its identity class) whose class
 * contains w; sign and hard as given. Two passes: count, then fill. */
static int collect(struct cluster *c, int w, int o, const struct cluster_term *t, int n, int sign,
		   int hard, struct cluster_term *out)
{
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (!cluster_class_has(c, t[i].cls, w))
			continue;
		if (out)
			out[m] = (struct cluster_term){o, t[i].key, sign * t[i].weight, hard};
		m++;
	}
	return m;
}

static int reverse_terms(struct cluster *c, int w, struct cluster_term *out)
{
	int m = 0;
	for (int o = 0; o < c->nwl; o++) {
		const struct cluster_wl *oi = &c->wi[o];
		m += collect(c, w, o, oi->aff_req, oi->naff_req, 1, 1, out ? out + m : NULL);
		m += collect(c, w, o, oi->aff_pref, oi->naff_pref, 1, 0, out ? out + m : NULL);
		m += collect(c, w, o, oi->anti_pref, oi->nanti_pref, -1, 0, out ? out + m : NULL);
	}
	return m;
}

static int existing_anti(struct cluster *c, int w, struct cluster_term *out)
{
	int m = 0;
	for (int o = 0; o < c->nwl; o++)
		m += collect(c, w, o, c->wi[o].anti_req, c->wi[o].nanti_req, 1, 0,
			     out ? out + m : NULL);
	return m;
}

static void compile_cross(struct cluster *c, int w)
{
	struct cluster_wl *wi = &c->wi[w];
	int n = 0;

	for (int k = 0; k < c->nclass; k++)
		n += cluster_class_has(c, k, w);
	wi->classes = arena_alloc(&c->arena, (size_t)n * sizeof(int));
	for (int k = 0; k < c->nclass; k++)
		if (cluster_class_has(c, k, w))
			wi->classes[wi->nclasses++] = k;

	wi->nrev = reverse_terms(c, w, NULL);
	wi->rev = arena_alloc(&c->arena, (size_t)wi->nrev * sizeof(*wi->rev) + 1);
	reverse_terms(c, w, wi->rev);
	wi->nexisting_anti = existing_anti(c, w, NULL);
	wi->existing_anti =
		arena_alloc(&c->arena, (size_t)wi->nexisting_anti * sizeof(*wi->existing_anti) + 1);
	existing_anti(c, w, wi->existing_anti);
}

void cluster_compile(struct cluster *c)
{
	c->class_words = c->nwl / 64 + 1;
	key_intern(c, LABEL_HOSTNAME); /* CLUSTER_KEY_HOSTNAME */
	key_intern(c, LABEL_ZONE);     /* CLUSTER_KEY_ZONE */
	for (int w = 0; w < c->nwl; w++) {
		uint64_t b[c->class_words];
		memset(b, 0, sizeof(b));
		b[w / 64] |= 1ULL << (w % 64);
		int cls = class_intern(c, b);
		(void)cls;
	}
	c->wi = arena_alloc(&c->arena, ((size_t)c->nwl + 1) * sizeof(*c->wi));
	for (int w = 0; w < c->nwl; w++)
		compile_own(c, w);
	for (int w = 0; w < c->nwl; w++)
		compile_cross(c, w);
}

void cluster_compile_release(struct cluster *c)
{
	free(c->class_bits);
	c->class_bits = NULL;
}
