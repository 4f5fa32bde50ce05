/*
 * cluster.c -- nodes, pods and bindings; see cluster.h for the contract.
 *
 * The selector compilation (classes, compiled terms) lives in
 * cluster_index.c; this file keeps the objects and keeps the counters in
 * step with every bind, terminate and delete.
 */
#include "cluster.h"
#include "cluster_impl.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- labels and selectors --------------------------------------------- */

const char *cluster_label(const struct labels *l, const char *key)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

static int in_values(const struct sel_expr *e, const char *v)
{
	for (int i = 0; i < e->nvalues; i++)
		if (strcmp(e->values[i], v) == 0)
			return 1;
	return 0;
}

/* k8s.io/apimachinery labels.Requirement.Matches for the four operators
 * a LabelSelector / NodeSelectorRequirement may use here. */
static int expr_matches(const struct sel_expr *e, const struct labels *l)
{
	const char *v = cluster_label(l, e->key);

	switch (e->op) {
	case SEL_IN:
		return v && in_values(e, v);
	case SEL_NOT_IN:
		return !v || !in_values(e, v);
	case SEL_EXISTS:
		return v != NULL;
	case SEL_DOES_NOT_EXIST:
		return v == NULL;
	}
	return 0;
}

int cluster_selector_matches(const struct label_selector *s, const struct labels *l)
{
	for (int i = 0; i < s->match_labels.n; i++) {
		const char *v = cluster_label(l, s->match_labels.v[i].key);
		if (!v || strcmp(v, s->match_labels.v[i].value) != 0)
			return 0;
	}
	for (int i = 0; i < s->nexprs; i++)
		if (!expr_matches(&s->exprs[i], l))
			return 0;
	return 1;
}

/* A NodeSelectorTerm without requirements matches nothing
 * (nodeaffinity.NewNodeSelector treats it as labels.Nothing()). */
int cluster_node_term_matches(const struct node_term *t, const struct labels *l)
{
	if (t->nexprs == 0)
		return 0;
	for (int i = 0; i < t->nexprs; i++)
		if (!expr_matches(&t->exprs[i], l))
			return 0;
	return 1;
}

int cluster_node_affinity_matches(const struct workload *w, const struct node *n)
{
	for (int i = 0; i < w->node_selector.n; i++) {
		const char *v = cluster_label(&n->labels, w->node_selector.v[i].key);
		if (!v || strcmp(v, w->node_selector.v[i].value) != 0)
			return 0;
	}
	if (w->node_affinity.nrequired == 0)
		return 1;
	for (int i = 0; i < w->node_affinity.nrequired; i++)
		if (cluster_node_term_matches(&w->node_affinity.required[i], &n->labels))
			return 1;
	return 0;
}

/* ---- topology domains ---------------------------------------------------- */

static int map_find(const struct cluster_key *k, const char *value, uint64_t h)
{
	size_t mask = (size_t)k->map_cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		int d = k->map[i];
		if (d < 0 || strcmp(k->dom[d].value, value) == 0)
			return (int)i;
	}
}

static void map_grow(struct cluster_key *k)
{
	int cap = k->map_cap ? k->map_cap * 2 : 64;
	free(k->map);
	k->map = xmalloc((size_t)cap * sizeof(*k->map));
	k->map_cap = cap;
	for (int i = 0; i < cap; i++)
		k->map[i] = -1;
	for (int d = 0; d < k->ndom; d++)
		k->map[map_find(k, k->dom[d].value, hash_str64(k->dom[d].value))] = d;
}

/* Doubles the domain capacity of key k and of every class row. */
static void grow_domains(struct cluster *c, struct cluster_key *k)
{
	int cap = k->cap_dom ? 2 * k->cap_dom : 8;
	size_t old = (size_t)k->cap_dom, bytes = (size_t)cap * sizeof(int32_t);

	k->dom = xrealloc(k->dom, (size_t)cap * sizeof(*k->dom));
	if (!k->live) {
		k->live = xcalloc((size_t)c->nclass + 1, sizeof(*k->live));
		k->all = xcalloc((size_t)c->nclass + 1, sizeof(*k->all));
		k->sum_all = xcalloc((size_t)c->nclass + 1, sizeof(*k->sum_all));
		k->nz = xcalloc((size_t)c->nclass + 1, sizeof(*k->nz));
	}
	for (int i = 0; i < c->nclass; i++) {
		k->live[i] = xrealloc(k->live[i], bytes);
		k->all[i] = xrealloc(k->all[i], bytes);
		memset(k->live[i] + old, 0, bytes - old * sizeof(int32_t));
		memset(k->all[i] + old, 0, bytes - old * sizeof(int32_t));
	}
	k->cap_dom = cap;
}

/* Domain index of value under key k, created empty when new. O(1) expected. */
static int domain_get(struct cluster *c, struct cluster_key *k, const char *value)
{
	uint64_t h = hash_str64(value);
	int slot, d;

	if (2 * (k->ndom + 1) > k->map_cap)
		map_grow(k);
	slot = map_find(k, value, h);
	if (k->map[slot] >= 0)
		return k->map[slot];
	if (k->ndom == k->cap_dom)
		grow_domains(c, k);
	d = k->ndom++;
	k->dom[d].value = arena_strdup(&c->arena, value);
	k->dom[d].nodes = 0;
	k->dom[d].live_pos = -1;
	k->map[slot] = d;
	return d;
}

static void domain_join(struct cluster *c, struct cluster_key *k, int d)
{
	struct cluster_domain *dm = &k->dom[d];

	if (dm->nodes++ == 0) {
		GROW(k->lives, k->nlive, k->cap_live);
		dm->live_pos = k->nlive;
		k->lives[k->nlive++] = d;
	}
	k->nodes_with_key++;
	(void)c;
}

static void domain_leave(struct cluster *c, struct cluster_key *k, int d)
{
	struct cluster_domain *dm = &k->dom[d];

	assert(dm->nodes > 0);
	k->nodes_with_key--;
	if (--dm->nodes > 0)
		return;
	for (int i = 0; i < c->nclass; i++)
		assert(k->live[i][d] == 0 && k->all[i][d] == 0);
	int last = k->lives[--k->nlive];
	k->lives[dm->live_pos] = last;
	k->dom[last].live_pos = dm->live_pos;
	dm->live_pos = -1;
}

int cluster_key(const struct cluster *c, const char *key)
{
	for (int i = 0; i < c->nkeys; i++)
		if (strcmp(c->keys[i].key, key) == 0)
			return i;
	return -1;
}

/* Domain d's count of a class went from `before` to `after`: keeps the
 * class's list of domains with pods. */
static void nz_update(struct cluster_nz *z, int d, int32_t before, int32_t after)
{
	if (before == 0 && after > 0) {
		GROW(z->d, z->n, z->cap);
		z->d[z->n++] = d;
	} else if (before > 0 && after == 0) {
		int i = 0;
		while (z->d[i] != d)
			i++;
		z->d[i] = z->d[--z->n];
	}
}

/* Adds delta to the live and/or all counters of every class of p's
 * workload in every domain of p's node. */
static void count_pod(struct cluster *c, const struct pod *p, int dlive, int dall)
{
	const struct cluster_wl *wi = &c->wi[p->workload];
	const struct node *n = p->node;

	for (int k = 0; k < c->nkeys; k++) {
		if (n->dom[k] < 0)
			continue;
		int d = n->dom[k];
		for (int i = 0; i < wi->nclasses; i++) {
			int cls = wi->classes[i];
			c->keys[k].live[cls][d] += dlive;
			c->keys[k].all[cls][d] += dall;
			c->keys[k].sum_all[cls] += dall;
			if (dall)
				nz_update(&c->keys[k].nz[cls], d, c->keys[k].all[cls][d] - dall,
					  c->keys[k].all[cls][d]);
			assert(c->keys[k].live[cls][d] >= 0 && c->keys[k].all[cls][d] >= 0);
		}
	}
}

/* ---- lifecycle ----------------------------------------------------------- */

void cluster_init(struct cluster *c, const struct workload *wls, int nwl,
		  const struct node_group *groups, int ngroups)
{
	memset(c, 0, sizeof(*c));
	arena_init(&c->arena);
	c->wls = wls;
	c->nwl = nwl;
	c->groups = groups;
	c->ngroups = ngroups;
	c->wl_seq = xcalloc((size_t)nwl + 1, sizeof(int));
	cluster_compile(c);
}

void cluster_release(struct cluster *c)
{
	for (int i = 0; i < c->nnode_ids; i++) {
		free(c->node_by_id[i]->pods);
		free(c->node_by_id[i]->taints);
		free(c->node_by_id[i]);
	}
	for (int k = 0; k < c->nkeys; k++) {
		struct cluster_key *key = &c->keys[k];
		for (int i = 0; key->live && i < c->nclass; i++) {
			free(key->live[i]);
			free(key->all[i]);
			free(key->nz[i].d);
		}
		free(key->live);
		free(key->all);
		free(key->nz);
		free(key->sum_all);
		free(key->dom);
		free(key->map);
		free(key->lives);
	}
	cluster_compile_release(c);
	free(c->keys);
	free(c->nodes);
	free(c->node_by_id);
	free(c->pod_by_id);
	free(c->wl_seq);
	arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}

/* Group labels first, then the well-known labels kubelet sets, which win
 * over a group label of the same key. */
static void node_labels(struct cluster *c, struct node *n)
{
	const struct node_group *g = n->ng;
	static const char *const own[] = {LABEL_HOSTNAME, LABEL_INSTANCE_TYPE, LABEL_ZONE};
	/* What every kubelet sets and many charts select on; a group may say
	 * otherwise (e.g. kubernetes.io/arch: arm64 for Graviton types). */
	static const struct label kubelet_defaults[] = {
		{LABEL_OS, "linux"},
		{LABEL_ARCH, "amd64"},
	};
	struct label *v = arena_alloc(&c->arena, ((size_t)g->labels.n + 5) * sizeof(*v));
	int m = 0;

	for (int i = 0; i < g->labels.n; i++) {
		int skip = 0;
		for (size_t j = 0; j < ARRAY_LEN(own); j++)
			if (strcmp(g->labels.v[i].key, own[j]) == 0 && (j < 2 || n->zone))
				skip = 1;
		if (!skip)
			v[m++] = g->labels.v[i];
	}
	v[m++] = (struct label){LABEL_HOSTNAME, n->name};
	v[m++] = (struct label){LABEL_INSTANCE_TYPE, n->type->name};
	if (n->zone)
		v[m++] = (struct label){LABEL_ZONE, n->zone};
	for (size_t j = 0; j < ARRAY_LEN(kubelet_defaults); j++)
		if (!cluster_label(&g->labels, kubelet_defaults[j].key))
			v[m++] = kubelet_defaults[j];
	n->labels.v = v;
	n->labels.n = m;
}

struct node *cluster_add_node(struct cluster *c, int group, int index, double t)
{
	const struct node_group *g;
	struct node *n;

	assert(group >= 0 && group < c->ngroups && index >= 1);
	g = &c->groups[group];
	n = xcalloc(1, sizeof(*n));
	n->id = c->nnode_ids;
	n->group = group;
	n->index = index;
	n->ng = g;
	n->type = g->type;
	n->name = arena_printf(&c->arena, "%s-%d", g->name, index);
	n->zone = g->nzones > 0 ? g->zones[(index - 1) % g->nzones] : NULL;
	node_labels(c, n);
	n->taints = xmalloc(((size_t)g->ntaints + 1) * sizeof(*n->taints));
	if (g->ntaints)
		memcpy(n->taints, g->taints, (size_t)g->ntaints * sizeof(*n->taints));
	n->ntaints = g->ntaints;
	n->ready = 1;
	n->created_t = t;
	n->ready_t = t;
	n->deleted_t = NAN;
	n->alloc_cpu = (int64_t)n->type->vcpu * 1000 - n->type->reserved_cpu;
	n->alloc_mem = n->type->memory - n->type->reserved_memory;
	if (n->alloc_cpu < 0)
		n->alloc_cpu = 0;
	if (n->alloc_mem < 0)
		n->alloc_mem = 0;
	n->max_pods = n->type->max_pods;
	n->dom = arena_alloc(&c->arena, (size_t)c->nkeys * sizeof(int));
	for (int k = 0; k < c->nkeys; k++) {
		const char *v = cluster_label(&n->labels, c->keys[k].key);
		n->dom[k] = v ? domain_get(c, &c->keys[k], v) : -1;
		if (v)
			domain_join(c, &c->keys[k], n->dom[k]);
	}
	assert(n->dom[CLUSTER_KEY_HOSTNAME] >= 0);
	GROW(c->node_by_id, c->nnode_ids, c->cap_node_ids);
	c->node_by_id[c->nnode_ids++] = n;
	c->ntainted += n->ntaints > 0;
	GROW(c->nodes, c->nnodes, c->cap_nodes);
	n->pos = c->nnodes;
	c->nodes[c->nnodes++] = n;
	c->version++;
	return n;
}

void cluster_remove_node(struct cluster *c, struct node *n, double t)
{
	assert(!n->removed && n->npods == 0);
	for (int k = 0; k < c->nkeys; k++)
		if (n->dom[k] >= 0)
			domain_leave(c, &c->keys[k], n->dom[k]);
	c->ntainted -= n->ntaints > 0;
	c->ncordoned -= n->unschedulable;
	c->nodes[n->pos] = c->nodes[--c->nnodes];
	c->nodes[n->pos]->pos = n->pos;
	n->pos = -1;
	n->removed = 1;
	n->deleted_t = t;
	c->version++;
}

void cluster_node_set_ready(struct cluster *c, struct node *n, int ready, double t)
{
	if (!!ready == n->ready)
		return;
	c->version++;
	c->ntainted -= n->ntaints > 0;
	n->ready = !!ready;
	if (ready) {
		if (isnan(n->ready_t))
			n->ready_t = t;
		for (int i = 0; i < n->ntaints; i++) {
			if (strcmp(n->taints[i].key, TAINT_NOT_READY) == 0) {
				n->taints[i] = n->taints[--n->ntaints];
				break;
			}
		}
	} else {
		/* Registered before Ready: not Ready at the instant of creation. */
		if (n->ready_t == n->created_t && t == n->created_t)
			n->ready_t = NAN;
		/* Room for one condition taint was reserved at creation. */
		n->taints[n->ntaints++] = (struct taint){TAINT_NOT_READY, "", EFFECT_NO_SCHEDULE};
	}
	c->ntainted += n->ntaints > 0;
}

void cluster_node_set_unschedulable(struct cluster *c, struct node *n, int unschedulable)
{
	if (!!unschedulable == n->unschedulable)
		return;
	c->version++;
	c->ncordoned += !!unschedulable - n->unschedulable;
	n->unschedulable = !!unschedulable;
}

/* ---- pods ----------------------------------------------------------------- */

static int qos_has(int64_t v)
{
	return v > 0;
}

/*
 * pkg/apis/core/v1/helper/qos/qos.go (GetPodQOS) for one container, on
 * requests after API defaulting: only positive quantities count;
 * BestEffort without any, Guaranteed when cpu and memory limits are both
 * set and every request equals its limit (as many requests as limits).
 */
static enum qos_class compute_qos(int64_t rc, int64_t rm, int64_t lc, int64_t lm)
{
	int nreq = qos_has(rc) + qos_has(rm), nlim = qos_has(lc) + qos_has(lm);

	if (nreq == 0 && nlim == 0)
		return QOS_BEST_EFFORT;
	if (!qos_has(lc) || !qos_has(lm))
		return QOS_BURSTABLE;
	if ((qos_has(rc) && rc != lc) || (qos_has(rm) && rm != lm))
		return QOS_BURSTABLE;
	return nreq == nlim ? QOS_GUARANTEED : QOS_BURSTABLE;
}

static struct pod *new_pod(struct cluster *c, int workload, const char *name, double t)
{
	const struct workload *w = &c->wls[workload];
	struct pod *p = arena_alloc_line(&c->arena, sizeof(*p));

	p->id = c->npod_ids;
	p->name = name;
	p->workload = workload;
	p->wl = w;
	p->labels = &w->labels;
	p->lim_cpu = w->lim_cpu;
	p->lim_mem = w->lim_memory;
	/* API defaulting: a limit without a request becomes the request. */
	p->req_cpu = w->req_cpu >= 0 ? w->req_cpu : w->lim_cpu;
	p->req_mem = w->req_memory >= 0 ? w->req_memory : w->lim_memory;
	p->cpu_req0 = p->req_cpu > 0 ? p->req_cpu : 0;
	p->mem_req0 = p->req_mem > 0 ? p->req_mem : 0;
	/* "Override if un-set, but not if explicitly set to zero". */
	p->nz_cpu = p->req_cpu >= 0 ? p->req_cpu : CLUSTER_DEFAULT_MILLI_CPU;
	p->nz_mem = p->req_mem >= 0 ? p->req_mem : CLUSTER_DEFAULT_MEMORY;
	p->qos = compute_qos(p->req_cpu, p->req_mem, p->lim_cpu, p->lim_mem);
	p->pinned_node = -1;
	p->phase = POD_PENDING;
	p->created_t = t;
	p->scheduled_t = p->started_t = p->ready_t = p->deleted_t = NAN;
	p->node_pos = -1;
	GROW(c->pod_by_id, c->npod_ids, c->cap_pod_ids);
	c->pod_by_id[c->npod_ids++] = p;
	c->version++;
	return p;
}

struct pod *cluster_add_pod(struct cluster *c, int workload, double t)
{
	assert(workload >= 0 && workload < c->nwl);
	int k = ++c->wl_seq[workload];
	return new_pod(c, workload, arena_printf(&c->arena, "%s-%d", c->wls[workload].name, k), t);
}

struct pod *cluster_add_daemon_pod(struct cluster *c, int workload, const struct node *n, double t)
{
	struct pod *p;

	assert(workload >= 0 && workload < c->nwl);
	p = new_pod(c, workload,
		    arena_printf(&c->arena, "%s-%s", c->wls[workload].name, n->name), t);
	p->pinned_node = n->id;
	return p;
}

void cluster_bind(struct cluster *c, struct pod *p, struct node *n, double t)
{
	assert(p->phase == POD_PENDING && !p->node && !n->removed);
	p->node = n;
	GROW(n->pods, n->npods, n->cap_pods);
	p->node_pos = n->npods;
	n->pods[n->npods++] = p;
	n->req_cpu += p->cpu_req0;
	n->req_mem += p->mem_req0;
	n->nz_cpu += p->nz_cpu;
	n->nz_mem += p->nz_mem;
	count_pod(c, p, 1, 1);
	c->bound++;
	c->version++;
	p->phase = POD_SCHEDULED;
	p->scheduled_t = t;
}

void cluster_pod_terminate(struct cluster *c, struct pod *p, double t)
{
	(void)t;
	assert(p->node && p->node_pos >= 0);
	if (p->phase == POD_TERMINATING)
		return;
	count_pod(c, p, -1, 0);
	c->version++;
	p->phase = POD_TERMINATING;
}

static void unbind(struct cluster *c, struct pod *p)
{
	struct node *n = p->node;

	count_pod(c, p, p->phase == POD_TERMINATING ? 0 : -1, -1);
	n->pods[p->node_pos] = n->pods[--n->npods];
	n->pods[p->node_pos]->node_pos = p->node_pos;
	p->node_pos = -1;
	n->req_cpu -= p->cpu_req0;
	n->req_mem -= p->mem_req0;
	n->nz_cpu -= p->nz_cpu;
	n->nz_mem -= p->nz_mem;
	c->bound--;
	c->version++;
}

void cluster_pod_delete(struct cluster *c, struct pod *p, double t)
{
	if (p->phase == POD_DELETED)
		return;
	if (p->node && p->node_pos >= 0)
		unbind(c, p);
	p->phase = POD_DELETED;
	p->ready = 0;
	p->deleted_t = t;
}

int cluster_class_has(const struct cluster *c, int cls, int workload)
{
	const uint64_t *b = &c->class_bits[(size_t)cls * (size_t)c->class_words];
	return (int)((b[workload / 64] >> (workload % 64)) & 1);
}

const char *pod_phase_name(enum pod_phase p)
{
	static const char *const names[] = {"Pending", "Scheduled", "Running", "Terminating",
					    "Deleted"};
	return names[p];
}

const char *cluster_qos_name(enum qos_class q)
{
	static const char *const names[] = {"BestEffort", "Burstable", "Guaranteed"};
	return names[q];
}
