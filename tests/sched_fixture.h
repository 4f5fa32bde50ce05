/*
 * sched_fixture.h -- hand-built scenarios for the cluster and scheduler
 * tests: instance types, node groups, workloads with labels, selectors,
 * affinity terms and spread constraints, filled as plain structs (the
 * scenario loader is not linked). Header-only; every string and array
 * lives in the fixture's arena.
 *
 * Small specs keep the tables readable:
 *   labels     "k=v,k2=v2" ("k" alone: value "")
 *   taints     "k=v:NoSchedule,k2:PreferNoSchedule"
 *   selectors  "k=v,k2 in a|b,k3 notin c,k4 exists,k5 !exists"
 */
#ifndef CLUSTERSIM_SCHED_FIXTURE_H
#define CLUSTERSIM_SCHED_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "sched.h"
#include "testutil.h"

#define FX_MAX 64

struct fx {
	struct arena a;
	struct instance_type types[FX_MAX];
	int ntypes;
	struct node_group groups[FX_MAX];
	int ngroups;
	struct workload wls[FX_MAX];
	int nwl;
	struct sched_opts o;
	struct cluster c;
	struct sched s;
	int started;
};

static inline void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	arena_init(&f->a);
	sched_opts_default(&f->o);
}

static inline void fx_release(struct fx *f)
{
	if (f->started) {
		sched_release(&f->s);
		cluster_release(&f->c);
	}
	arena_release(&f->a);
}

/* Splits spec at sep into arena strings; returns the count. */
static inline int fx_split(struct fx *f, const char *spec, char sep, char ***out)
{
	int n = 0;
	char **v;
	const char *p = spec;

	if (!spec || !*spec) {
		*out = NULL;
		return 0;
	}
	for (const char *q = spec; *q; q++)
		n += *q == sep;
	v = arena_alloc(&f->a, (size_t)(n + 1) * sizeof(char *));
	n = 0;
	for (;;) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		v[n++] = arena_strndup(&f->a, p, len);
		if (!e)
			break;
		p = e + 1;
	}
	*out = v;
	return n;
}

static inline struct labels fx_labels(struct fx *f, const char *spec)
{
	char **items;
	struct labels l;

	l.n = fx_split(f, spec, ',', &items);
	l.v = l.n ? arena_alloc(&f->a, (size_t)l.n * sizeof(*l.v)) : NULL;
	for (int i = 0; i < l.n; i++) {
		char *eq = strchr(items[i], '=');
		if (eq)
			*eq = '\0';
		l.v[i].key = items[i];
		l.v[i].value = eq ? eq + 1 : "";
	}
	return l;
}

static inline struct label_selector fx_sel(struct fx *f, const char *spec)
{
	struct label_selector s;
	char **items;
	int n = fx_split(f, spec, ',', &items), nl = 0;

	memset(&s, 0, sizeof(s));
	s.match_labels.v = arena_alloc(&f->a, (size_t)(n + 1) * sizeof(struct label));
	s.exprs = arena_alloc(&f->a, (size_t)(n + 1) * sizeof(struct sel_expr));
	for (int i = 0; i < n; i++) {
		char *sp = strchr(items[i], ' ');
		if (!sp) {
			char *eq = strchr(items[i], '=');
			*eq = '\0';
			s.match_labels.v[nl].key = items[i];
			s.match_labels.v[nl++].value = eq + 1;
			continue;
		}
		*sp = '\0';
		struct sel_expr *e = &s.exprs[s.nexprs++];
		char *op = sp + 1, *vals = strchr(op, ' ');
		if (vals)
			*vals++ = '\0';
		e->key = items[i];
		if (strcmp(op, "in") == 0)
			e->op = SEL_IN;
		else if (strcmp(op, "notin") == 0)
			e->op = SEL_NOT_IN;
		else if (strcmp(op, "exists") == 0)
			e->op = SEL_EXISTS;
		else
			e->op = SEL_DOES_NOT_EXIST;
		e->nvalues = vals ? fx_split(f, vals, '|', (char ***)&e->values) : 0;
	}
	s.match_labels.n = nl;
	return s;
}

static inline int fx_type(struct fx *f, const char *name, int vcpu, int64_t mem, int max_pods)
{
	struct instance_type *t = &f->types[f->ntypes];
	t->name = name;
	t->vcpu = vcpu;
	t->memory = mem;
	t->max_pods = max_pods;
	t->cpu_speed = 1;
	return f->ntypes++;
}

static inline int fx_group(struct fx *f, const char *name, int type, const char *labels,
			   const char *taints, const char *zones)
{
	struct node_group *g = &f->groups[f->ngroups];
	char **items;

	g->name = name;
	g->type = &f->types[type];
	g->instance_type_name = f->types[type].name;
	g->count = g->min = g->max = 1;
	g->boot_time = 90;
	g->labels = fx_labels(f, labels);
	g->nzones = fx_split(f, zones, ',', (char ***)&g->zones);
	g->ntaints = fx_split(f, taints, ',', &items);
	g->taints = arena_alloc(&f->a, (size_t)(g->ntaints + 1) * sizeof(*g->taints));
	for (int i = 0; i < g->ntaints; i++) {
		char *colon = strrchr(items[i], ':'), *eq;
		*colon = '\0';
		eq = strchr(items[i], '=');
		if (eq)
			*eq = '\0';
		g->taints[i].key = items[i];
		g->taints[i].value = eq ? eq + 1 : "";
		if (strcmp(colon + 1, "NoSchedule") == 0)
			g->taints[i].effect = EFFECT_NO_SCHEDULE;
		else if (strcmp(colon + 1, "NoExecute") == 0)
			g->taints[i].effect = EFFECT_NO_EXECUTE;
		else
			g->taints[i].effect = EFFECT_PREFER_NO_SCHEDULE;
	}
	return f->ngroups++;
}

/* A Deployment workload; requests in millicores / bytes, -1 absent. */
static inline struct workload *fx_wl(struct fx *f, const char *name, const char *labels,
				     int64_t req_cpu, int64_t req_mem)
{
	struct workload *w = &f->wls[f->nwl++];
	w->name = name;
	w->kind = WL_DEPLOYMENT;
	w->replicas = 1;
	w->labels = fx_labels(f, labels);
	w->req_cpu = req_cpu;
	w->req_memory = req_mem;
	w->lim_cpu = w->lim_memory = -1;
	w->concurrency = 1;
	w->termination_grace = 30;
	return w;
}

static inline int fx_wl_index(const struct fx *f, const struct workload *w)
{
	return (int)(w - f->wls);
}

/* Appends a pod affinity term (weight for preferred terms). */
static inline void fx_term(struct fx *f, struct term_list *tl, const char *sel, const char *key,
			   int weight)
{
	struct affinity_term *v = arena_alloc(&f->a, (size_t)(tl->n + 1) * sizeof(*v));
	if (tl->n)
		memcpy(v, tl->v, (size_t)tl->n * sizeof(*v));
	v[tl->n].selector = fx_sel(f, sel);
	v[tl->n].topology_key = key;
	v[tl->n].weight = weight;
	tl->v = v;
	tl->n++;
}

static inline void fx_spread(struct fx *f, struct workload *w, int max_skew, const char *key,
			     int do_not_schedule, const char *sel, int min_domains)
{
	struct spread_constraint *v = arena_alloc(&f->a, (size_t)(w->nspread + 1) * sizeof(*v));
	if (w->nspread)
		memcpy(v, w->spread, (size_t)w->nspread * sizeof(*v));
	v[w->nspread].max_skew = max_skew;
	v[w->nspread].topology_key = key;
	v[w->nspread].do_not_schedule = do_not_schedule;
	v[w->nspread].selector = fx_sel(f, sel);
	v[w->nspread].min_domains = min_domains;
	w->spread = v;
	w->nspread++;
}

/* Appends a node affinity term ("k in a|b,..." over node labels). */
static inline void fx_node_term(struct fx *f, struct workload *w, const char *sel, int weight)
{
	struct label_selector s = fx_sel(f, sel);
	struct node_affinity *na = &w->node_affinity;
	struct node_term **v = weight ? &na->preferred : &na->required;
	int *n = weight ? &na->npreferred : &na->nrequired;
	struct node_term *nv = arena_alloc(&f->a, (size_t)(*n + 1) * sizeof(*nv));

	if (*n)
		memcpy(nv, *v, (size_t)*n * sizeof(*nv));
	nv[*n].exprs = s.exprs;
	nv[*n].nexprs = s.nexprs;
	nv[*n].weight = weight;
	*v = nv;
	(*n)++;
}

static inline void fx_toleration(struct fx *f, struct workload *w, const char *key, int exists,
				 const char *value, int effect)
{
	struct toleration *v = arena_alloc(&f->a, (size_t)(w->ntolerations + 1) * sizeof(*v));
	if (w->ntolerations)
		memcpy(v, w->tolerations, (size_t)w->ntolerations * sizeof(*v));
	v[w->ntolerations] = (struct toleration){key, exists ? TOL_EXISTS : TOL_EQUAL,
						 value ? value : "", effect};
	w->tolerations = v;
	w->ntolerations++;
}

static inline void fx_start(struct fx *f)
{
	cluster_init(&f->c, f->wls, f->nwl, f->groups, f->ngroups);
	sched_init(&f->s, &f->c, &f->o);
	f->started = 1;
}

static inline struct node *fx_node(struct fx *f, int group, int index)
{
	return cluster_add_node(&f->c, group, index, 0);
}

/* A pod of workload w bound to n at t = 0 (an "existing pod"). */
static inline struct pod *fx_bound(struct fx *f, const struct workload *w, struct node *n)
{
	struct pod *p = cluster_add_pod(&f->c, fx_wl_index(f, w), 0);
	cluster_bind(&f->c, p, n, 0);
	return p;
}

static inline struct pod *fx_pod(struct fx *f, const struct workload *w)
{
	return cluster_add_pod(&f->c, fx_wl_index(f, w), 0);
}

/* Score of one plugin for pod p over nodes; asserts it ran. */
static inline void fx_scores(struct fx *f, struct pod *p, enum score_plugin pl,
			     struct node *const *nodes, int n, int64_t *out)
{
	assert_int_equal(sched_score_nodes(&f->s, p, pl, nodes, n, out), 1);
}

#endif
