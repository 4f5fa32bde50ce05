/*
 * autoscaler.c -- the cluster autoscaler's loop: which pods are
 * unschedulable, which group grows (expanders), which nodes are unneeded,
 * and the actuation (launch, boot, give-up, drain, removal). See
 * autoscaler.h for the model; the simulated placements are in
 * autoscaler_snap.c.
 *
 * Events: one per scan (O(1) when nothing is pending and no node is under
 * the threshold), one per booting node (Ready or given up), one per
 * AUTOSCALER_DRAIN_POLL of a node being deleted.
 */
#include "autoscaler.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscaler_impl.h"
#include "sim.h"

/* ---- expanders ----------------------------------------------------------- */

double autoscaler_waste(const struct autoscaler_option *o)
{
	double cpu = (double)o->type->vcpu * 1000.0 * o->nodes;
	double mem = (double)o->type->memory * o->nodes;
	return (cpu - (double)o->req_cpu) / cpu + (mem - (double)o->req_mem) / mem;
}

double autoscaler_price(const struct autoscaler_option *o)
{
	return o->type->price_per_hour * o->nodes / o->pods;
}

static double score_random(const struct autoscaler_option *o)
{
	(void)o;
	return 0.0;
}

static double score_most_pods(const struct autoscaler_option *o)
{
	return -(double)o->pods;
}

/* Lower scores win; exact ties go to the random fallback, as every
 * upstream expander falls back to random. */
struct expander {
	enum expander_kind kind;
	const char *name;
	double (*score)(const struct autoscaler_option *o);
};

static const struct expander expanders[] = {
	{EXPANDER_RANDOM, "random", score_random},
	{EXPANDER_LEAST_WASTE, "least-waste", autoscaler_waste},
	{EXPANDER_PRICE, "price", autoscaler_price},
	{EXPANDER_MOST_PODS, "most-pods", score_most_pods},
};

static const struct expander *expander_of(enum expander_kind k)
{
	for (size_t i = 0; i < ARRAY_LEN(expanders); i++)
		if (expanders[i].kind == k)
			return &expanders[i];
	return &expanders[0];
}

int autoscaler_pick(enum expander_kind e, const struct autoscaler_option *v, int n,
		    uint64_t (*rand_below)(void *ctx, uint64_t n), void *ctx)
{
	const struct expander *x = expander_of(e);
	double best = x->score(&v[0]);
	int ties = 1, k;

	for (int i = 1; i < n; i++) {
		double sc = x->score(&v[i]);
		if (sc < best) {
			best = sc;
			ties = 1;
		} else if (sc == best) {
			ties++;
		}
	}
	k = ties > 1 && rand_below ? (int)rand_below(ctx, (uint64_t)ties) : 0;
	for (int i = 0; i < n; i++)
		if (x->score(&v[i]) == best && k-- == 0)
			return i;
	return 0;
}

double autoscaler_utilization(const struct node *n)
{
	double cpu = n->alloc_cpu > 0 ? (double)n->req_cpu / (double)n->alloc_cpu : 0.0;
	double mem = n->alloc_mem > 0 ? (double)n->req_mem / (double)n->alloc_mem : 0.0;
	return cpu > mem ? cpu : mem;
}

/* ---- state ----------------------------------------------------------------- */

enum deletion { DEL_NONE, DEL_EMPTY, DEL_DRAIN, DEL_GIVE_UP };

struct ca_node {
	double unneeded_since;  /* s; NAN when not unneeded */
	double recheck_at;      /* s: pods found unmovable, not simulated before */
	enum deletion deleting;
	int removable;          /* scratch of one scan */
	int empty;              /* scratch: no pods to move in the snapshot */
};

struct autoscaler {
	struct sim *s;
	const struct autoscaler_cfg *cfg;
	struct rng rng;          /* "autoscaler/expander" */
	double *backoff_until;   /* s, per group */
	double last_scale_up;    /* s; the CA's start counts */
	struct ca_node *nodes;   /* by node id */
	int nnodes, cap_nodes;
	int ndeleting, ndrains;
	struct pod **pend;       /* scratch: unschedulable pods */
	int npend, cap_pend;
	struct node **order;     /* scratch: scale-down candidates */
	int cap_order;
	struct autoscaler_option *opts;
	struct autoscaler_snap snap;
	/* The last scale-down simulation, reused while nothing it read has
	 * changed (see unchanged()). */
	int norder;              /* candidates in order[] */
	int truncated;           /* the last simulation stopped at the limit */
	int last_index;          /* autoscaler_snap's, from one scan to the next */
	double last_update;      /* s, the last scale-down simulation; NAN: none */
	double min_update;       /* s, the shortest interval between two */
	int sim_valid;
	uint64_t sim_version;    /* cl.version it saw */
	uint64_t sim_print;      /* fingerprint() it saw: debug builds check the version */
	double sim_t;            /* s */
};

static struct ca_node *state(struct autoscaler *ca, const struct node *n)
{
	while (ca->nnodes <= n->id) {
		GROW(ca->nodes, ca->nnodes, ca->cap_nodes);
		ca->nodes[ca->nnodes++] = (struct ca_node){NAN, -INFINITY, DEL_NONE, 0, 0};
	}
	return &ca->nodes[n->id];
}

static uint64_t expander_rand(void *ctx, uint64_t n)
{
	struct autoscaler *ca = ctx;
	return rng_below(&ca->rng, n);
}

/* Present nodes of group g; not counting those being deleted with
 * not_deleting (the CA's target size drops when a deletion starts). */
static int group_size(struct autoscaler *ca, int g, int not_deleting)
{
	const struct cluster *c = &ca->s->cl;
	int k = 0;
	for (int i = 0; i < c->nnodes; i++)
		if (c->nodes[i]->group == g &&
		    !(not_deleting && state(ca, c->nodes[i])->deleting != DEL_NONE))
			k++;
	return k;
}

/* ---- deletion ------------------------------------------------------------- */

static void on_poll(void *ctx, void *obj, uint64_t arg);

static void remove_node(struct autoscaler *ca, struct node *n, const char *why)
{
	struct sim *s = ca->s;
	struct ca_node *st = state(ca, n);

	results_event(s->res, s->eng.now, "NodeRemoved", n->name, n->name,
		      "Removing Node %s from Controller (%s)", n->name, why);
	cluster_remove_node(&s->cl, n, s->eng.now);
	sched_cluster_changed(&s->sch, SCHED_EV_NODE_DELETE, NULL, s->eng.now);
	sim_kick_scheduler(s);
	ca->ndeleting--;
	ca->ndrains -= st->deleting == DEL_DRAIN;
	st->deleting = DEL_NONE;
}

/* waitPodsToDisappear: look now, then every AUTOSCALER_DRAIN_POLL. */
static void poll_gone(struct autoscaler *ca, struct node *n)
{
	struct sim *s = ca->s;

	if (n->npods > 0) {
		if (s->eng.now + AUTOSCALER_DRAIN_POLL <= s->end)
			engine_after(&s->eng, AUTOSCALER_DRAIN_POLL, on_poll, n, 0);
		return;
	}
	remove_node(ca, n, state(ca, n)->deleting == DEL_GIVE_UP
				   ? "not Ready within max_node_provision_time"
				   : "deleted by the cluster autoscaler");
}

static void on_poll(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	(void)arg;
	poll_gone(s->ca, obj);
}

static void delete_pod(struct sim *s, struct sim_pod *sp)
{
	int daemon = sp->p->pinned_node >= 0;
	kubelet_pod_delete(s, sp, "ScaleDown");
	controller_pod_gone(s, sp, !daemon);
}

/* Cordons n and deletes its pods (their ReplicaSets replace them
 * elsewhere), DaemonSet pods included; the node goes when they are gone. */
static void start_deletion(struct autoscaler *ca, struct node *n, enum deletion how)
{
	struct sim *s = ca->s;
	struct pod **pods = xmalloc(((size_t)n->npods + 1) * sizeof(*pods));
	int np = n->npods;

	state(ca, n)->deleting = how;
	ca->ndeleting++;
	ca->ndrains += how == DEL_DRAIN;
	cluster_node_set_unschedulable(&s->cl, n, 1);
	sched_cluster_changed(&s->sch, SCHED_EV_NODE_UPDATE, NULL, s->eng.now);
	if (how != DEL_GIVE_UP)
		results_event(s->res, s->eng.now, "ScaleDown", n->ng->name, n->name,
			      "Scale-down: removing %snode %s, utilization %.3f",
			      how == DEL_EMPTY ? "empty " : "", n->name, autoscaler_utilization(n));
	if (np > 0)
		memcpy(pods, n->pods, (size_t)np * sizeof(*pods));
	for (int i = 0; i < np; i++)
		if (!sim_pod_of(pods[i])->deleting)
			delete_pod(s, sim_pod_of(pods[i]));
	free(pods);
	/* DaemonSet pods for n still pending go with it. */
	for (int w = 0; w < s->sc->nworkloads; w++) {
		struct sim_workload *wl = &s->wl[w];
		for (int i = wl->nlive - 1; i >= 0; i--) {
			struct sim_pod *sp = wl->live[i];
			if (sp->p->pinned_node == n->id && !sp->p->node)
				delete_pod(s, sp);
		}
	}
	poll_gone(ca, n);
}

/* ---- scale-up ------------------------------------------------------------- */

static void on_boot(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	(void)arg;
	sim_node_ready(s, obj);
}

static void on_give_up(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	struct autoscaler *ca = s->ca;
	struct node *n = obj;
	(void)arg;
	if (n->removed || n->ready)
		return;
	ca->backoff_until[n->group] = s->eng.now + AUTOSCALER_BACKOFF;
	start_deletion(ca, n, DEL_GIVE_UP);
}

static void launch(struct autoscaler *ca, const struct autoscaler_option *o, int npend)
{
	struct sim *s = ca->s;
	const struct node_group *ng = &s->sc->groups[o->group];
	int before = group_size(ca, o->group, 1);
	double boot = ng->boot_time, give_up = ca->cfg->max_node_provision_time;

	results_event(s->res, s->eng.now, "ScaleUp", ng->name, NULL,
		      "Scale-up: setting group %s size to %d instead of %d (max: %d); "
		      "%d of %d unschedulable pods, expander %s",
		      ng->name, before + o->nodes, before, ng->max, o->pods, npend,
		      expander_of(ca->cfg->expander)->name);
	for (int k = 0; k < o->nodes; k++) {
		struct node *n = sim_node_add(s, o->group, sim_group_next_index(s, o->group), 0);
		state(ca, n);
		if (boot <= give_up) {
			if (s->eng.now + boot <= s->end)
				engine_after(&s->eng, boot, on_boot, n, 0);
		} else if (s->eng.now + give_up <= s->end) {
			engine_after(&s->eng, give_up, on_give_up, n, 0);
		}
	}
}

static int by_id(const void *a, const void *b)
{
	const struct pod *x = *(struct pod *const *)a, *y = *(struct pod *const *)b;
	return x->id - y->id;
}

/* Pending pods whose last scheduling attempt failed (PodScheduled=False,
 * Unschedulable: sim.c sets it until the pod is bound), DaemonSet pods
 * excepted; in creation order. */
static void collect_unschedulable(struct autoscaler *ca)
{
	struct sim *s = ca->s;

	ca->npend = 0;
	for (int w = 0; w < s->sc->nworkloads; w++) {
		const struct sim_workload *wl = &s->wl[w];
		if (wl->spec->kind != WL_DEPLOYMENT || !wl->nunsched)
			continue;
		for (int i = 0; i < wl->nlive; i++) {
			const struct sim_pod *sp = wl->live[i];
			if (sp->p->node || sp->deleting || !sp->unschedulable)
				continue;
			GROW(ca->pend, ca->npend, ca->cap_pend);
			ca->pend[ca->npend++] = sp->p;
		}
	}
	if (ca->npend > 1)
		qsort(ca->pend, (size_t)ca->npend, sizeof(*ca->pend), by_id);
#ifndef NDEBUG
	for (int w = 0; w < s->sc->nworkloads; w++) {
		int n = 0;
		for (int i = 0; i < s->wl[w].nlive; i++)
			n += s->wl[w].live[i]->unschedulable;
		assert(n == s->wl[w].nunsched);
	}
#endif
}

/* FilterOutSchedulable, then the options and the expander's choice.
 * Returns 1 when nodes were launched. */
static int scale_up(struct autoscaler *ca)
{
	struct sim *s = ca->s;
	int n = 0, nopt = 0;

	for (int i = 0; i < ca->npend; i++)
		if (!autoscaler_snap_place(&ca->snap, ca->pend[i]->workload, NULL))
			ca->pend[n++] = ca->pend[i];
	if (n == 0)
		return 0;
	for (int g = 0; g < s->sc->ngroups; g++) {
		int limit = s->sc->groups[g].max - group_size(ca, g, 1);
		struct autoscaler_option *o = &ca->opts[nopt];
		if (limit <= 0 || ca->backoff_until[g] > s->eng.now)
			continue;
		autoscaler_snap_estimate(&ca->snap, g, sim_group_next_index(s, g), limit, ca->pend, n,
					 o);
		nopt += o->nodes > 0 && o->pods > 0;
	}
	if (nopt == 0)
		return 0;
	launch(ca, &ca->opts[autoscaler_pick(ca->cfg->expander, ca->opts, nopt, expander_rand, ca)],
	       n);
	return 1;
}

/* ---- scale-down ------------------------------------------------------------ */

static int candidate(struct autoscaler *ca, const struct node *n, const struct node *m)
{
	return n->ready && !n->unschedulable && state(ca, n)->deleting == DEL_NONE &&
	       autoscaler_utilization(m) < ca->cfg->scale_down_utilization_threshold;
}

/* Simulation order: empty nodes (legacy UpdateUnneededNodes finds them
 * before simulating the others, so they never receive moved pods), then
 * the nodes unneeded since longest, then the others by age. */
static int by_unneeded(const void *a, const void *b, void *ctx)
{
	struct autoscaler *ca = ctx;
	const struct node *x = *(struct node *const *)a, *y = *(struct node *const *)b;
	double sx = state(ca, x)->unneeded_since, sy = state(ca, y)->unneeded_since;

	if (state(ca, x)->empty != state(ca, y)->empty)
		return state(ca, x)->empty ? -1 : 1;
	if (isnan(sx) != isnan(sy))
		return isnan(sx) ? 1 : -1;
	if (!isnan(sx) && sx != sy)
		return sx < sy ? -1 : 1;
	return x->id - y->id;
}

/* Insertion sort with a context (qsort_r is not C11); candidates are few. */
static void sort_nodes(struct node **v, int n, struct autoscaler *ca)
{
	for (int i = 1; i < n; i++) {
		struct node *x = v[i];
		int j = i;
		for (; j > 0 && by_unneeded(&v[j - 1], &x, ca) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Pods a drain would move: not DaemonSet, not terminating. */
static int movable(const struct node *n)
{
	int k = 0;
	for (int i = 0; i < n->npods; i++)
		k += n->pods[i]->pinned_node < 0 && n->pods[i]->phase != POD_TERMINATING;
	return k;
}

int autoscaler_unneeded_limit(int unneeded, int parallelism, double unneeded_time,
			      double min_interval)
{
	double u = unneeded_time > min_interval ? unneeded_time : min_interval;
	int64_t upper, limit = (int64_t)unneeded + 2 * (int64_t)parallelism;

	if (!(min_interval > 0))
		return INT32_MAX;
	/* Go divides the two durations as int64 nanoseconds. */
	upper = (int64_t)parallelism * (llround(u * 1e9) / llround(min_interval * 1e9)) +
		parallelism;
	limit = upper < limit ? upper : limit;
	return limit > INT32_MAX ? INT32_MAX : (int)limit;
}

/* A scale-down update (UpdateClusterState) happens now, simulated or
 * reused: keeps the shortest interval between two (planner.go). */
static void note_update(struct autoscaler *ca)
{
	double now = ca->s->eng.now;

	if (!isnan(ca->last_update) && now - ca->last_update < ca->min_update)
		ca->min_update = now - ca->last_update;
	ca->last_update = now;
}

/* The removal-simulation budget of this update (planner.go). */
static int update_limit(struct autoscaler *ca)
{
	struct sim *s = ca->s;
	int unneeded = 0;

	note_update(ca);
	for (int i = 0; i < s->cl.nnodes; i++)
		unneeded += !isnan(state(ca, s->cl.nodes[i])->unneeded_since);
	return autoscaler_unneeded_limit(unneeded, AUTOSCALER_MAX_PARALLEL,
					 ca->cfg->scale_down_unneeded_time, ca->min_update);
}

/* UpdateClusterState: which nodes are unneeded now, and since when. */
static int update_unneeded(struct autoscaler *ca)
{
	struct sim *s = ca->s;
	double now = s->eng.now;
	int n = 0, limit = update_limit(ca), found = 0;

	if (ca->cap_order < s->cl.nnodes + 1)
		GROW(ca->order, s->cl.nnodes, ca->cap_order);
	for (int i = 0; i < s->cl.nnodes; i++) {
		struct node *r = s->cl.nodes[i];
		state(ca, r)->removable = 0;
		state(ca, r)->empty = movable(ca->snap.of[r->id]) == 0;
		if (candidate(ca, r, ca->snap.of[r->id]) && state(ca, r)->recheck_at <= now)
			ca->order[n++] = r;
	}
	sort_nodes(ca->order, n, ca);
	ca->truncated = 0;
	for (int i = 0; i < n; i++) {
		struct ca_node *st = state(ca, ca->order[i]);
		if (found >= limit) {
			ca->truncated = 1; /* skipped: not simulated, no recheck delay */
		} else if (autoscaler_snap_remove(&ca->snap, ca->snap.of[ca->order[i]->id])) {
			st->removable = 1;
			found++;
		} else {
			st->recheck_at = now + AUTOSCALER_RECHECK;
		}
	}
	for (int i = 0; i < s->cl.nnodes; i++) {
		struct ca_node *st = state(ca, s->cl.nodes[i]);
		if (!st->removable)
			st->unneeded_since = NAN;
		else if (isnan(st->unneeded_since))
			st->unneeded_since = now;
	}
	return n;
}

/* NodesToDelete + StartDeletion: empty nodes first, then one drain. */
static void actuate(struct autoscaler *ca, int n)
{
	struct sim *s = ca->s;
	const struct autoscaler_cfg *cfg = ca->cfg;
	double now = s->eng.now;

	/* Budgets count the deletions in progress and those started in this
	 * scan (a drain can finish at once, the budget is per decision). */
	int deleting = ca->ndeleting, drains = ca->ndrains;

	if (ca->last_scale_up + cfg->scale_down_delay_after_add > now)
		return; /* ScaleDownInCooldown */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			struct node *r = ca->order[i];
			struct ca_node *st = state(ca, r);
			int empty = movable(r) == 0;
			if (!st->removable || st->deleting != DEL_NONE || empty != (pass == 0))
				continue;
			if (st->unneeded_since + cfg->scale_down_unneeded_time > now)
				continue;
			if (group_size(ca, r->group, 1) <= r->ng->min)
				continue; /* NodeGroupMinSizeReached */
			if (deleting >= AUTOSCALER_MAX_PARALLEL || (!empty && drains >= 1))
				continue;
			deleting++;
			drains += !empty;
			start_deletion(ca, r, empty ? DEL_EMPTY : DEL_DRAIN);
		}
	}
}

/* ---- the loop ---------------------------------------------------------------- */

#ifndef NDEBUG
/* What a scale-down simulation reads: the present nodes (Ready,
 * cordoned) and their pods (terminating or not), and the pods created so
 * far. cl.version must change whenever this does (asserted in debug
 * builds; computing it was 20,000 pods per scan, 2 % of `large`). */
static uint64_t fingerprint(const struct sim *s)
{
	uint64_t h = mix64((uint64_t)s->cl.npod_ids);

	for (int id = 0; id < s->cl.nnode_ids; id++) {
		const struct node *n = s->cl.node_by_id[id];
		if (n->removed)
			continue;
		h = mix64(h ^ ((uint64_t)id << 2 | (uint64_t)n->ready << 1 |
			       (uint64_t)n->unschedulable));
		for (int i = 0; i < n->npods; i++)
			h = mix64(h ^ ((uint64_t)n->pods[i]->id << 1 |
				       (n->pods[i]->phase == POD_TERMINATING)));
	}
	return h;
}
#endif

/* The last simulation still holds: nothing pending (FilterOutSchedulable
 * would place pods), the cluster unchanged, and no node's recheck time
 * passed since (it would be simulated now). Saves the snapshot of every
 * scan in a steady cluster with nodes under the threshold. */
static int unchanged(struct autoscaler *ca)
{
	struct sim *s = ca->s;

	if (!ca->sim_valid || ca->npend > 0 || s->cl.version != ca->sim_version)
		return 0;
	assert(fingerprint(s) == ca->sim_print);
	for (int i = 0; i < s->cl.nnodes; i++) {
		double r = state(ca, s->cl.nodes[i])->recheck_at;
		if (r > ca->sim_t && r <= s->eng.now)
			return 0;
	}
	return 1;
}

/* Whether a snapshot is worth building: something is pending, or some
 * node could be unneeded. */
static int any_candidate(struct autoscaler *ca)
{
	struct sim *s = ca->s;
	int any = 0;
	for (int i = 0; i < s->cl.nnodes; i++) {
		struct node *n = s->cl.nodes[i];
		if (candidate(ca, n, n))
			any = 1;
		else
			state(ca, n)->unneeded_since = NAN;
	}
	return any;
}

static void scan(struct autoscaler *ca)
{
	struct sim *s = ca->s;
	int cand, n;

	collect_unschedulable(ca);
	cand = any_candidate(ca);
	if (ca->npend == 0 && !cand) {
		ca->sim_valid = 0;
		return;
	}
	if (unchanged(ca)) {
		note_update(ca);
		actuate(ca, ca->norder);
		return;
	}
	ca->sim_valid = 0;
	autoscaler_snap_build(&ca->snap, s);
	ca->snap.last_index = ca->last_index; /* the predicate checker's, kept */
	if (ca->npend > 0 && scale_up(ca)) {
		ca->last_scale_up = s->eng.now; /* and no scale-down in this loop */
	} else {
		n = update_unneeded(ca);
		ca->norder = n;
		/* A truncated simulation goes further next time: no reuse. */
		ca->sim_valid = ca->npend == 0 && !ca->truncated;
		ca->sim_version = s->cl.version;
#ifndef NDEBUG
		ca->sim_print = fingerprint(s);
#endif
		ca->sim_t = s->eng.now;
		actuate(ca, n);
	}
	ca->last_index = ca->snap.last_index;
	autoscaler_snap_release(&ca->snap);
}

static void on_scan(void *ctx, void *obj, uint64_t k)
{
	struct sim *s = ctx;
	struct autoscaler *ca = obj;
	double next = (double)(k + 1) * ca->cfg->scan_interval;

	scan(ca);
	if (next <= s->end)
		engine_at(&s->eng, next, on_scan, ca, k + 1);
}

void autoscaler_start(struct sim *s)
{
	const struct scenario *sc = s->sc;
	struct autoscaler *ca;

	if (!sc->autoscaler.enabled)
		return;
	ca = xcalloc(1, sizeof(*ca));
	ca->s = s;
	ca->cfg = &sc->autoscaler;
	rng_init(&ca->rng, s->o->seed, "autoscaler/expander");
	ca->backoff_until = xcalloc((size_t)sc->ngroups + 1, sizeof(*ca->backoff_until));
	ca->opts = xcalloc((size_t)sc->ngroups + 1, sizeof(*ca->opts));
	/* StaticAutoscaler starts with lastScaleUpTime = its start time. */
	ca->last_scale_up = s->eng.now;
	ca->last_update = NAN;
	ca->min_update = ca->cfg->scale_down_unneeded_time; /* planner.go NewPlanner */
	s->ca = ca;
	if (ca->cfg->scan_interval <= s->end)
		engine_at(&s->eng, ca->cfg->scan_interval, on_scan, ca, 1);
}

void autoscaler_release(struct sim *s)
{
	struct autoscaler *ca = s->ca;

	if (!ca)
		return;
	rng_release(&ca->rng);
	free(ca->backoff_until);
	free(ca->opts);
	free(ca->nodes);
	free(ca->pend);
	free(ca->order);
	free(ca);
	s->ca = NULL;
}
