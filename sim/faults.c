/*
 * faults.c -- node failures and spot interruptions; the model is in
 * faults.h. Every step is one engine event: the hit, the node controller
 * noticing, the eviction, the termination, the replacement's boot.
 */
#include "faults.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "units.h"

enum fnode { FN_OK, FN_DEAD, FN_NOTICE };

/* One random fault entry (mtbf or rate). */
struct fault_proc {
	const struct fault_spec *f;
	int spot;
	struct rng rng;
	double gap;             /* s, mean time between candidates */
};

struct faults {
	struct sim *s;
	struct fault_proc *procs;
	int nprocs;
	unsigned char *state;   /* enum fnode by node id */
	int nstate, cap_state;
	struct node **scratch;  /* eligible nodes of one group */
	int cap_scratch;
};

static enum fnode node_state(struct faults *fl, const struct node *n)
{
	while (fl->nstate <= n->id) {
		GROW(fl->state, fl->nstate, fl->cap_state);
		fl->state[fl->nstate++] = FN_OK;
	}
	return fl->state[n->id];
}

static void set_state(struct faults *fl, const struct node *n, enum fnode st)
{
	node_state(fl, n);
	fl->state[n->id] = (unsigned char)st;
}

double faults_node_price(const struct node *n)
{
	if (n->ng->spot && n->ng->spot_price_per_hour >= 0)
		return n->ng->spot_price_per_hour;
	return n->type->price_per_hour;
}

/* ---- the node goes ------------------------------------------------------------ */

static void on_boot(void *ctx, void *obj, uint64_t arg)
{
	(void)arg;
	sim_node_ready(ctx, obj);
}

/* Deletes every pod still on n without grace (its instance is gone),
 * replacing Deployment pods, then removes n and launches its replacement
 * (the Auto Scaling group keeps its capacity). */
static void node_gone(struct faults *fl, struct node *n, const char *reason, const char *why)
{
	struct sim *s = fl->s;
	struct pod **pods = xmalloc(((size_t)n->npods + 1) * sizeof(*pods));
	int np = n->npods, g = n->group;
	struct node *r;

	if (np > 0)
		memcpy(pods, n->pods, (size_t)np * sizeof(*pods));
	for (int i = 0; i < np; i++) {
		struct sim_pod *sp = sim_pod_of(pods[i]);
		int was_deleting = sp->deleting;
		kubelet_pod_lost(s, sp, reason);
		if (!was_deleting)
			controller_pod_gone(s, sp, pods[i]->pinned_node < 0);
	}
	free(pods);
	/* DaemonSet pods created for n and not yet bound go with it. */
	for (int w = 0; w < s->sc->nworkloads; w++) {
		struct sim_workload *wl = &s->wl[w];
		for (int i = wl->nlive - 1; i >= 0; i--) {
			struct sim_pod *sp = wl->live[i];
			if (sp->p->pinned_node == n->id && !sp->p->node) {
				kubelet_pod_delete(s, sp, reason);
				controller_pod_gone(s, sp, 0);
			}
		}
	}
	results_event(s->res, s->eng.now, "NodeRemoved", n->name, n->name,
		      "Removing Node %s from Controller (%s)", n->name, why);
	cluster_remove_node(&s->cl, n, s->eng.now);
	sched_cluster_changed(&s->sch, SCHED_EV_NODE_DELETE, NULL, s->eng.now);
	sim_kick_scheduler(s);
	r = sim_node_add(s, g, sim_group_next_index(s, g), 0);
	if (s->eng.now + s->sc->groups[g].boot_time <= s->end)
		engine_after(&s->eng, s->sc->groups[g].boot_time, on_boot, r, 0);
}

/* ---- node failure --------------------------------------------------------------- */

static void on_evict(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	(void)arg;
	node_gone(s->faults, obj, "NodeLost", "instance failed; pods evicted by the taint manager");
}

static void on_not_ready(void *ctx, void *obj, uint64_t failed_ms)
{
	struct sim *s = ctx;
	struct node *n = obj;
	char at[32];

	units_fmt_duration(at, sizeof(at), (double)failed_ms / 1000.0);
	results_event(s->res, s->eng.now, "NodeNotReady", n->name, n->name,
		      "Node %s status is now: NodeNotReady (kubelet stopped posting node status "
		      "at %s)",
		      n->name, at);
	/* MarkPodsNotReady: the endpoints controller drops them. */
	for (int i = 0; i < n->npods; i++) {
		struct sim_pod *sp = sim_pod_of(n->pods[i]);
		service_endpoint_remove(s, sp);
		sp->p->ready = 0;
	}
	if (s->eng.now + FAULTS_TOLERATION <= s->end)
		engine_after(&s->eng, FAULTS_TOLERATION, on_evict, n, 0);
}

static void fail_node(struct faults *fl, struct node *n)
{
	struct sim *s = fl->s;
	struct pod **pods = xmalloc(((size_t)n->npods + 1) * sizeof(*pods));
	int np = n->npods;

	set_state(fl, n, FN_DEAD);
	cluster_node_set_ready(&s->cl, n, 0, s->eng.now);
	sched_cluster_changed(&s->sch, SCHED_EV_NODE_UPDATE, NULL, s->eng.now);
	if (np > 0)
		memcpy(pods, n->pods, (size_t)np * sizeof(*pods));
	for (int i = 0; i < np; i++)
		kubelet_node_down(s, sim_pod_of(pods[i]));
	free(pods);
	if (s->eng.now + FAULTS_NODE_MONITOR_GRACE <= s->end)
		engine_after(&s->eng, FAULTS_NODE_MONITOR_GRACE, on_not_ready, n,
			     (uint64_t)llround(s->eng.now * 1000.0));
}

/* ---- spot interruption ---------------------------------------------------------- */

static void on_terminate(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	(void)arg;
	node_gone(s->faults, obj, "SpotInterrupted", "spot instance terminated by EC2");
}

static void interrupt_node(struct faults *fl, struct node *n, double notice)
{
	struct sim *s = fl->s;
	struct pod **pods = xmalloc(((size_t)n->npods + 1) * sizeof(*pods));
	int np = n->npods;
	char left[32];

	set_state(fl, n, FN_NOTICE);
	units_fmt_duration(left, sizeof(left), notice);
	results_event(s->res, s->eng.now, "SpotInterruption", n->name, n->name,
		      "EC2 Spot Instance interruption notice: %s terminates in %s; cordoned "
		      "and drained",
		      n->name, left);
	cluster_node_set_unschedulable(&s->cl, n, 1);
	sched_cluster_changed(&s->sch, SCHED_EV_NODE_UPDATE, NULL, s->eng.now);
	if (np > 0)
		memcpy(pods, n->pods, (size_t)np * sizeof(*pods));
	/* kubectl drain --ignore-daemonsets: DaemonSet pods stay to the end. */
	for (int i = 0; i < np; i++) {
		struct sim_pod *sp = sim_pod_of(pods[i]);
		if (sp->deleting || pods[i]->pinned_node >= 0)
			continue;
		kubelet_pod_delete(s, sp, "SpotInterrupted");
		controller_pod_gone(s, sp, 1);
	}
	free(pods);
	if (s->eng.now + notice <= s->end)
		engine_after(&s->eng, notice, on_terminate, n, 0);
}

/* ---- which node ------------------------------------------------------------------ */

static int by_index(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a, *y = *(struct node *const *)b;
	return x->index - y->index;
}

/* Eligible nodes of group g, by index, into fl->scratch. */
static int eligible(struct faults *fl, int g)
{
	const struct cluster *c = &fl->s->cl;
	int k = 0;

	for (int i = 0; i < c->nnodes; i++) {
		struct node *n = c->nodes[i];
		if (n->group != g || !n->ready || n->unschedulable || node_state(fl, n) != FN_OK)
			continue;
		if (k == fl->cap_scratch) {
			fl->cap_scratch = fl->cap_scratch ? 2 * fl->cap_scratch : 16;
			fl->scratch = xrealloc(fl->scratch,
					       (size_t)fl->cap_scratch * sizeof(*fl->scratch));
		}
		fl->scratch[k++] = n;
	}
	if (k > 1)
		qsort(fl->scratch, (size_t)k, sizeof(*fl->scratch), by_index);
	return k;
}

static void hit(struct faults *fl, const struct fault_spec *f, int spot, struct node *n)
{
	if (spot)
		interrupt_node(fl, n, f->notice);
	else
		fail_node(fl, n);
}

/* A fault at a given time: the named node, or the lowest index. */
static void on_at(void *ctx, void *obj, uint64_t spot)
{
	struct sim *s = ctx;
	struct faults *fl = s->faults;
	const struct fault_spec *f = obj;
	int k = eligible(fl, f->group);

	for (int i = 0; i < k; i++) {
		if (!f->node || strcmp(fl->scratch[i]->name, f->node) == 0) {
			hit(fl, f, (int)spot, fl->scratch[i]);
			return;
		}
	}
}

/* A candidate of the thinned process: slot u of [0, max). */
static void on_candidate(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	struct faults *fl = s->faults;
	struct fault_proc *pr = obj;
	int max = s->sc->groups[pr->f->group].max;
	int k = eligible(fl, pr->f->group);
	uint64_t u = rng_below(&pr->rng, (uint64_t)max);
	double next;
	(void)arg;

	if (u < (uint64_t)k)
		hit(fl, pr->f, pr->spot, fl->scratch[u]);
	next = s->eng.now + rng_exponential(&pr->rng, pr->gap);
	if (next <= s->end)
		engine_at(&s->eng, next, on_candidate, pr, 0);
}

/* ---- start ------------------------------------------------------------------------ */

static void start_list(struct faults *fl, const struct fault_spec *v, int n, int spot)
{
	struct sim *s = fl->s;
	const char *kind = spot ? "spot" : "failures";
	char name[512];

	for (int i = 0; i < n; i++) {
		const struct fault_spec *f = &v[i];
		const struct node_group *ng = &s->sc->groups[f->group];
		double per_node = spot ? f->rate / 3600.0 : 1.0 / f->mtbf; /* 1/s */
		struct fault_proc *pr;
		double first;
		int k = 0;

		if (f->at >= 0) {
			if (f->at <= s->end)
				engine_at(&s->eng, f->at, on_at, (void *)f, (uint64_t)spot);
			continue;
		}
		if (ng->max <= 0 || per_node <= 0)
			continue;
		for (int j = 0; j < i; j++)
			k += v[j].group == f->group;
		pr = &fl->procs[fl->nprocs++];
		pr->f = f;
		pr->spot = spot;
		pr->gap = 1.0 / (per_node * ng->max);
		snprintf(name, sizeof(name), "faults/%s/%s/%d", ng->name, kind, k);
		rng_init(&pr->rng, s->o->seed, name);
		first = rng_exponential(&pr->rng, pr->gap);
		if (first <= s->end)
			engine_at(&s->eng, first, on_candidate, pr, 0);
	}
}

void faults_start(struct sim *s)
{
	const struct faults_cfg *fc = &s->sc->faults;
	struct faults *fl;

	if (fc->nfailures + fc->nspot == 0)
		return;
	fl = xcalloc(1, sizeof(*fl));
	fl->s = s;
	fl->procs = xcalloc((size_t)(fc->nfailures + fc->nspot), sizeof(*fl->procs));
	s->faults = fl;
	start_list(fl, fc->failures, fc->nfailures, 0);
	start_list(fl, fc->spot, fc->nspot, 1);
}

void faults_release(struct sim *s)
{
	struct faults *fl = s->faults;

	if (!fl)
		return;
	for (int i = 0; i < fl->nprocs; i++)
		rng_release(&fl->procs[i].rng);
	free(fl->procs);
	free(fl->state);
	free(fl->scratch);
	free(fl);
	s->faults = NULL;
}
