/*
 * autoscaler_snap.c -- the cluster autoscaler's simulated placements on a
 * snapshot of the cluster: FilterOutSchedulable's first fit, the
 * binpacking estimator and the removal simulation (autoscaler_impl.h).
 *
 * Every "does this pod fit on that node" is sched_filter_node on the
 * snapshot, i.e. kube-scheduler's own filters, as the CA runs the
 * scheduler framework's filters in its PredicateChecker. Simulations that
 * must leave no trace (an estimate, a failed removal) undo themselves by
 * deleting the pods they bound and the template nodes they added.
 *
 * Cost: a placement is O(nodes) filter calls; an estimate O(pods x
 * template nodes); a removal O(its pods x nodes).
 */
#include "autoscaler_impl.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static double now_of(const struct autoscaler_snap *sn)
{
	return sn->s->eng.now;
}

static struct pod *new_pod(struct autoscaler_snap *sn, int wl)
{
	return cluster_add_pod(&sn->c, wl, now_of(sn));
}

static int fits(struct autoscaler_snap *sn, struct pod *p, struct node *m)
{
	return sched_filter_node(&sn->sch, p, m, NULL, 0) == SCHED_OK;
}

static void bind(struct autoscaler_snap *sn, struct pod *p, struct node *m)
{
	cluster_bind(&sn->c, p, m, now_of(sn));
	GROW(sn->placed, sn->nplaced, sn->cap_placed);
	sn->placed[sn->nplaced++] = p;
}

/* The DaemonSet pods a node will run (the controller's rule). */
static void add_daemons(struct autoscaler_snap *sn, struct node *m)
{
	const struct scenario *sc = sn->s->sc;

	for (int w = 0; w < sc->nworkloads; w++) {
		if (!controller_daemon_runs_on(&sc->workloads[w], m))
			continue;
		cluster_bind(&sn->c, cluster_add_daemon_pod(&sn->c, w, m, now_of(sn)), m,
			     now_of(sn));
	}
}

static void copy_node(struct autoscaler_snap *sn, struct node *n)
{
	struct node *m = cluster_add_node(&sn->c, n->group, n->index, now_of(sn));

	m->model = n;
	sn->of[n->id] = m;
	if (n->unschedulable)
		cluster_node_set_unschedulable(&sn->c, m, 1);
	for (int i = 0; i < n->npods; i++) {
		const struct pod *p = n->pods[i];
		struct pod *q = p->pinned_node >= 0
					? cluster_add_daemon_pod(&sn->c, p->workload, m, now_of(sn))
					: new_pod(sn, p->workload);
		cluster_bind(&sn->c, q, m, now_of(sn));
		if (p->phase == POD_TERMINATING)
			cluster_pod_terminate(&sn->c, q, now_of(sn));
	}
	/* Upcoming: Ready in the snapshot, with the DaemonSet pods the
	 * DaemonSet controller creates when it joins. */
	if (!n->ready)
		add_daemons(sn, m);
}

void autoscaler_snap_build(struct autoscaler_snap *sn, struct sim *s)
{
	const struct scenario *sc = s->sc;
	struct sched_opts o;

	memset(sn, 0, sizeof(*sn));
	sn->s = s;
	cluster_init(&sn->c, sc->workloads, sc->nworkloads, sc->groups, sc->ngroups);
	sched_opts_default(&o);
	o.cfg = sc->scheduler;
	sched_init(&sn->sch, &sn->c, &o);
	sn->nof = s->cl.nnode_ids;
	sn->of = xcalloc((size_t)sn->nof + 1, sizeof(*sn->of));
	for (int id = 0; id < s->cl.nnode_ids; id++)
		if (!s->cl.node_by_id[id]->removed)
			copy_node(sn, s->cl.node_by_id[id]);
}

void autoscaler_snap_release(struct autoscaler_snap *sn)
{
	sched_release(&sn->sch);
	cluster_release(&sn->c);
	free(sn->of);
	free(sn->placed);
	free(sn->wls);
	free(sn->tmpl);
	memset(sn, 0, sizeof(*sn));
}

struct node *autoscaler_snap_place(struct autoscaler_snap *sn, int wl, const struct node *skip)
{
	struct pod *p = new_pod(sn, wl);
	int n = sn->c.nnode_ids;

	for (int i = 0; i < n; i++) {
		int id = (sn->last_index + i) % n;
		struct node *m = sn->c.node_by_id[id];
		if (m->removed || m == skip || !fits(sn, p, m))
			continue;
		bind(sn, p, m);
		sn->last_index = (id + 1) % n;
		return m;
	}
	return NULL; /* p stays pending in the snapshot, counted nowhere */
}

/* Deletes the pods bound since mark (the undo of a simulation). */
static void unplace(struct autoscaler_snap *sn, int mark)
{
	while (sn->nplaced > mark)
		cluster_pod_delete(&sn->c, sn->placed[--sn->nplaced], now_of(sn));
}

/* ---- binpacking estimator ------------------------------------------------ */

struct eq_group {
	int wl;
	double score;   /* requests / template allocatable, CPU + memory */
};

static int by_score(const void *a, const void *b)
{
	const struct eq_group *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->wl - y->wl;
}

/* DecreasingPodOrderer: one equivalence group per workload (its pods are
 * identical), ordered by decreasing share of a template node. */
static int order_groups(const struct sim *s, const struct instance_type *t,
			struct pod *const *pods, int n, struct eq_group *out)
{
	int64_t acpu = (int64_t)t->vcpu * 1000 - t->reserved_cpu;
	int64_t amem = t->memory - t->reserved_memory;
	int k = 0;

	for (int w = 0; w < s->sc->nworkloads; w++) {
		const struct pod *ex = NULL;
		for (int i = 0; i < n && !ex; i++)
			if (pods[i]->workload == w)
				ex = pods[i];
		if (!ex)
			continue;
		out[k].wl = w;
		out[k].score = (acpu > 0 ? (double)ex->cpu_req0 / (double)acpu : 0.0) +
			       (amem > 0 ? (double)ex->mem_req0 / (double)amem : 0.0);
		k++;
	}
	qsort(out, (size_t)k, sizeof(*out), by_score);
	return k;
}

struct estimate {
	struct autoscaler_snap *sn;
	int g, first_index, limit;
	struct node *last;   /* the newest template node */
	int last_used;       /* it got a pod */
	int nodes_used;
};

static struct node *add_template(struct estimate *e)
{
	struct autoscaler_snap *sn = e->sn;
	struct node *m = cluster_add_node(&sn->c, e->g, e->first_index + sn->ntmpl, now_of(sn));

	add_daemons(sn, m);
	GROW(sn->tmpl, sn->ntmpl, sn->cap_tmpl);
	sn->tmpl[sn->ntmpl++] = m;
	e->last = m;
	e->last_used = 0;
	return m;
}

static void use(struct estimate *e, struct pod *p, struct node *m)
{
	if (m == e->last && !e->last_used) {
		e->last_used = 1;
		e->nodes_used++;
	}
	bind(e->sn, p, m);
}

/* tryToScheduleOnExistingNodes: first fit over the templates added so far. */
static int on_existing(struct estimate *e, struct pod *p)
{
	struct autoscaler_snap *sn = e->sn;

	for (int i = 0; i < sn->ntmpl; i++) {
		if (fits(sn, p, sn->tmpl[i])) {
			use(e, p, sn->tmpl[i]);
			return 1;
		}
	}
	return 0;
}

/* tryToScheduleOnNewNodes for one pod: the last template, else a new one
 * unless the last one stayed empty (a fresh one would not do better) or
 * the limit is reached. Returns 0 to stop this equivalence group. */
static int on_new(struct estimate *e, struct pod *p)
{
	if (e->last && fits(e->sn, p, e->last)) {
		use(e, p, e->last);
		return 1;
	}
	if (e->last && !e->last_used)
		return 0;
	if (e->sn->ntmpl >= e->limit)
		return 0;
	add_template(e);
	if (!fits(e->sn, p, e->last))
		return 0;
	use(e, p, e->last);
	return 1;
}

static void remove_templates(struct autoscaler_snap *sn)
{
	for (int i = 0; i < sn->ntmpl; i++) {
		struct node *m = sn->tmpl[i];
		while (m->npods > 0)
			cluster_pod_delete(&sn->c, m->pods[m->npods - 1], now_of(sn));
		cluster_remove_node(&sn->c, m, now_of(sn));
	}
	sn->ntmpl = 0;
}

void autoscaler_snap_estimate(struct autoscaler_snap *sn, int g, int first_index, int limit,
			      struct pod *const *pods, int n, struct autoscaler_option *o)
{
	const struct node_group *ng = &sn->s->sc->groups[g];
	struct estimate e = {sn, g, first_index, limit, NULL, 0, 0};
	struct eq_group *eq = xcalloc((size_t)sn->s->sc->nworkloads + 1, sizeof(*eq));
	int neq = order_groups(sn->s, ng->type, pods, n, eq), mark = sn->nplaced;

	memset(o, 0, sizeof(*o));
	o->group = g;
	o->type = ng->type;
	for (int k = 0; k < neq; k++) {
		int i = 0, stop = 0;
		/* The group's pods in their order; each gets one simulated pod. */
		for (; i < n && !stop; i++) {
			struct pod *p;
			if (pods[i]->workload != eq[k].wl)
				continue;
			p = new_pod(sn, eq[k].wl);
			if (on_existing(&e, p) || on_new(&e, p)) {
				o->pods++;
				o->req_cpu += pods[i]->cpu_req0;
				o->req_mem += pods[i]->mem_req0;
			} else {
				stop = 1;
			}
		}
	}
	o->nodes = e.nodes_used;
	unplace(sn, mark);
	remove_templates(sn);
	free(eq);
}

/* ---- removal simulation -------------------------------------------------- */

int autoscaler_snap_remove(struct autoscaler_snap *sn, struct node *m)
{
	int mark = sn->nplaced, was = m->unschedulable, ok = 1;

	sn->nwls = 0;
	for (int i = m->npods - 1; i >= 0; i--) {
		struct pod *p = m->pods[i];
		if (p->pinned_node >= 0 || p->phase == POD_TERMINATING)
			continue;
		GROW(sn->wls, sn->nwls, sn->cap_wls);
		sn->wls[sn->nwls++] = p->workload;
		cluster_pod_delete(&sn->c, p, now_of(sn));
	}
	/* The node stays, cordoned, as the CA's tainted ghost node: its
	 * topology domains still count for spreading. */
	cluster_node_set_unschedulable(&sn->c, m, 1);
	for (int i = 0; i < sn->nwls && ok; i++)
		ok = autoscaler_snap_place(sn, sn->wls[i], m) != NULL;
	if (ok)
		return 1;
	unplace(sn, mark);
	cluster_node_set_unschedulable(&sn->c, m, was);
	for (int i = 0; i < sn->nwls; i++)
		cluster_bind(&sn->c, new_pod(sn, sn->wls[i]), m, now_of(sn));
	return 0;
}
