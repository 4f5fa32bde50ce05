/*
 * metrics.c -- what a run records: samples every sample_interval, and at
 * its end the nodes, pods and summary rows.
 *
 * CPU in samples is the average over the interval since the previous
 * sample (integrated CPU-seconds / seconds, as metrics-server and
 * cAdvisor's rate() report it), not an instantaneous value. Memory, pods,
 * in-flight requests and readiness are the values at the sample time.
 * service_samples carries the requests of the interval: arrival rate,
 * completions, errors and latency percentiles (NULL when none completed).
 *
 * record.* (record.h) thins node and pod samples to every k-th tick and can
 * sum pod samples per workload; a pod's CPU average then spans the time
 * since its previous written sample.
 *
 * Cost: O(nodes + pods + workloads) per tick that writes node or pod rows
 * (the walk over the nodes in two halves, the second on the run's helper
 * thread when it has one: helper.h), O(workloads) per other tick.
 */
#include "sim.h"

#include <math.h>
#include <stdlib.h>

#include "cost.h"
#include "faults.h"
#include "record.h"

static double rate_since(double now, double *t_prev, double *prev, double cur)
{
	double dt = now - *t_prev, r = dt > 0 ? (cur - *prev) / dt : 0.0;
	*t_prev = now;
	*prev = cur;
	return r;
}

/* Names interned once: a lookup per sample row was 2 % of `large`. (A
 * node's is interned when it is added: sample walks run on two threads.) */
static const char *workload_rname(struct sim *s, struct sim_workload *w)
{
	if (!w->rname)
		w->rname = results_name(s->res, w->spec->name);
	return w->rname;
}

/* Per-workload sums of one tick's pod samples (record.pod_samples: aggregate). */
struct pod_agg {
	double cpu, mem; /* cores, bytes */
	int inflight, ready;
};

/*
 * What one tick writes: node rows, pod rows, and where pod rows are summed.
 * Without per-pod rows the walk over the nodes is split in two halves
 * (helper.h), each summing into its own agg[part]; node rows are reserved
 * first and each half fills its own. The halves' sums are added in part
 * order, on one thread or two alike.
 */
struct tick {
	struct sim *s;
	int nodes, pods;
	struct pod_agg *agg[2];        /* per part, per workload when aggregating */
	struct res_node_sample *rows;  /* one per node, when nodes and split */
};

static void sample_pod(struct sim *s, const struct tick *tk, struct pod_agg *agg,
		       struct sim_pod *sp, const char *node, double *mem)
{
	double now = s->eng.now, cpu = 0.0, m = kubelet_pod_memory(s, sp);
	int inflight = sp->running ? (int)sp->srv.inflight : 0;
	struct res_pod_sample *ps;

	*mem += m;
	if (!tk->pods)
		return;
	if (sp->running)
		cpu = rate_since(now, &sp->t_prev, &sp->cpu_s_prev,
				 cpu_group_cpu_seconds(&sp->srv.group, now));
	if (agg) {
		struct pod_agg *a = &agg[sp->w->index];
		a->cpu += cpu;
		a->mem += m;
		a->inflight += inflight;
		a->ready += sp->p->ready != 0;
		return;
	}
	ps = results_add_pod_sample(s->res);
	ps->t = now;
	ps->pod = results_name(s->res, sp->p->name);
	ps->node = node;
	ps->workload = workload_rname(s, sp->w);
	ps->cpu_used = cpu;
	ps->mem_used = m;
	ps->inflight = inflight;
	ps->ready = sp->p->ready;
}

/* Samples node n's pods and fills its row ns (NULL: no node row). */
static void sample_node(struct sim *s, const struct tick *tk, struct pod_agg *agg, struct node *n,
			struct res_node_sample *ns)
{
	struct sim_node *sn = sim_node_of(n);
	double now = s->eng.now, mem = 0.0;

	for (int i = 0; i < n->npods; i++) {
		sim_pod_prefetch_walk_pods(n->pods, i, n->npods);
		sample_pod(s, tk, agg, sim_pod_of(n->pods[i]), sn->rname, &mem);
	}
	if (!ns)
		return;
	ns->t = now;
	ns->node = sn->rname;
	ns->cpu_used = rate_since(now, &sn->t_prev, &sn->cpu_s_prev,
				  cpu_node_cpu_seconds(&sn->cpu, now));
	ns->cpu_requested = (double)n->req_cpu / 1000.0;
	ns->cpu_capacity = n->type->vcpu;
	ns->mem_used = mem;
	ns->mem_requested = (double)n->req_mem;
	ns->mem_capacity = (double)n->type->memory;
	ns->pods = n->npods;
	ns->credits = sn->burstable ? credits_balance(&sn->credits, now) : NAN;
}

/* One half of the nodes (helper_fn). */
static void sample_part(void *arg, int part)
{
	struct tick *tk = arg;
	struct sim *s = tk->s;
	int from, to;

	helper_range(s->cl.nnodes, part, &from, &to);
	for (int i = from; i < to; i++)
		sample_node(s, tk, tk->agg[part], s->cl.nodes[i], tk->rows ? &tk->rows[i] : NULL);
}

/* One row per workload: pod and node NULL, the halves' sums over its pods. */
static void write_agg(struct sim *s, const struct tick *tk)
{
	for (int i = 0; i < s->sc->nworkloads; i++) {
		const struct pod_agg *a = &tk->agg[0][i], *b = &tk->agg[1][i];
		struct res_pod_sample *ps = results_add_pod_sample(s->res);
		ps->t = s->eng.now;
		ps->workload = workload_rname(s, &s->wl[i]);
		ps->cpu_used = a->cpu + b->cpu;
		ps->mem_used = a->mem + b->mem;
		ps->inflight = a->inflight + b->inflight;
		ps->ready = a->ready + b->ready;
	}
}

/* Node and pod rows of one tick: split in halves unless every pod writes
 * its own row (results_add_pod_sample appends; at most RECORD_AUTO_PODS
 * pods by default, so little to split). */
static void sample_nodes(struct sim *s, struct tick *tk, int per_pod)
{
	int n = s->cl.nnodes;

	if (per_pod && tk->pods) {
		for (int i = 0; i < n; i++)
			sample_node(s, tk, NULL, s->cl.nodes[i],
				    tk->nodes ? results_add_node_sample(s->res) : NULL);
		return;
	}
	if (tk->pods)
		for (int p = 0; p < 2; p++)
			tk->agg[p] = xcalloc((size_t)s->sc->nworkloads + 1, sizeof(*tk->agg[p]));
	if (tk->nodes)
		tk->rows = results_add_node_samples(s->res, (size_t)n);
	helper_split(s->help, sample_part, tk);
	if (tk->pods) {
		write_agg(s, tk);
		free(tk->agg[0]);
		free(tk->agg[1]);
	}
}

static const double pcts[3] = { 0.50, 0.95, 0.99 };

static void sample_service(struct sim *s, struct sim_workload *w, double dt)
{
	struct res_service_sample *ss = results_add_service_sample(s->res);

	ss->t = s->eng.now;
	ss->workload = workload_rname(s, w);
	ss->rps = dt > 0 ? (double)w->win_arrivals / dt : 0.0;
	ss->completed = w->win_completed;
	ss->errors = w->win_errors;
	if (w->win.n > 0) {
		double v[3];
		hist_window_quantiles(&w->win, &s->win_scratch, pcts, 3, v);
		ss->p50_ms = v[0];
		ss->p95_ms = v[1];
		ss->p99_ms = v[2];
	}
	ss->replicas = w->spec->kind == WL_DEPLOYMENT ? w->desired : w->nlive;
	ss->ready_replicas = w->nep;
	w->win_arrivals = w->win_completed = w->win_errors = 0;
	hist_reset(&w->win);
}

static void on_sample(void *ctx, void *obj, uint64_t k)
{
	struct sim *s = ctx;
	double next = (double)(k + 1) * s->sc->sample_interval;
	struct record_plan plan;
	struct tick tk = { 0 };
	(void)obj;

	record_plan_init(&plan, s->sc);
	tk.s = s;
	tk.nodes = record_due(plan.node_every, k);
	tk.pods = plan.pod != POD_SAMPLES_NONE && record_due(plan.pod_every, k);
	if (tk.nodes || tk.pods)
		sample_nodes(s, &tk, plan.pod == POD_SAMPLES_POD);
	for (int i = 0; i < s->sc->nworkloads; i++)
		sample_service(s, &s->wl[i], s->sc->sample_interval);
	/* Every row so far is complete: a streaming writer may take them. */
	results_publish(s->res);
	if (next <= s->end + 1e-9)
		engine_at(&s->eng, next, on_sample, NULL, k + 1);
}

void metrics_start(struct sim *s)
{
	if (s->sc->sample_interval <= s->end)
		engine_at(&s->eng, s->sc->sample_interval, on_sample, NULL, 1);
}

static double node_rows(struct sim *s, double *node_hours, double *exhausted)
{
	double total = 0.0, now = s->eng.now;

	for (int i = 0; i < s->cl.nnode_ids; i++) {
		struct node *n = s->cl.node_by_id[i];
		struct sim_node *sn = sim_node_of(n);
		struct res_node *r = results_add_node(s->res);
		double end = isnan(n->deleted_t) ? now : n->deleted_t;

		r->node = results_name(s->res, n->name);
		r->node_group = results_name(s->res, n->ng->name);
		r->instance_type = results_name(s->res, n->type->name);
		r->zone = results_name(s->res, n->zone);
		r->created_t = n->created_t;
		r->ready_t = n->ready_t;
		r->deleted_t = n->deleted_t;
		r->cost_usd = cost_instance_usd(faults_node_price(n), n->created_t, end);
		if (sn->burstable) {
			r->cost_usd += credits_surplus_usd(&sn->credits, end);
			*exhausted += credits_exhausted_seconds(&sn->credits, end);
		}
		*node_hours += (end - n->created_t) / 3600.0;
		total += r->cost_usd;
	}
	return total;
}

static double pod_rows(struct sim *s)
{
	double pending_s = 0.0, now = s->eng.now;

	for (int i = 0; i < s->cl.npod_ids; i++) {
		struct pod *p = s->cl.pod_by_id[i];
		struct sim_pod *sp = sim_pod_of(p);
		struct res_pod *r = results_add_pod(s->res);
		double until = !isnan(p->scheduled_t) ? p->scheduled_t
			       : !isnan(p->deleted_t) ? p->deleted_t : now;

		r->pod = results_name(s->res, p->name);
		r->workload = results_name(s->res, p->wl->name);
		r->node = p->node ? results_name(s->res, p->node->name) : NULL;
		r->created_t = p->created_t;
		r->scheduled_t = p->scheduled_t;
		r->ready_t = p->ready_t;
		r->deleted_t = p->deleted_t;
		r->restarts = p->restarts;
		r->oom_kills = p->oom_kills;
		r->end_reason = sp->end_reason;
		pending_s += until - p->created_t;
	}
	return pending_s;
}

void metrics_finish(struct sim *s)
{
	struct res_summary *sum = &s->res->summary;
	double node_hours = 0.0, exhausted = 0.0, cost;

	cost = node_rows(s, &node_hours, &exhausted);
	cost += cost_fee_usd(s->sc->cluster.control_plane_price_per_hour, s->end);
	cost += cost_fee_usd(s->sc->cluster.load_balancer_price_per_hour, s->end);
	sum->cost_usd = cost;
	sum->cost_per_month_usd = cost_per_month(cost, s->end);
	sum->node_hours = node_hours;
	sum->pending_pod_seconds = pod_rows(s);
	sum->credits_exhausted_seconds = exhausted;
	sum->requests = s->requests;
	sum->errors = s->errors;
	sum->error_rate = s->requests > 0 ? (double)s->errors / (double)s->requests : 0.0;
	sum->latency_mean_ms = hist_mean(&s->lat);
	sum->latency_p50_ms = hist_quantile(&s->lat, 0.50);
	sum->latency_p95_ms = hist_quantile(&s->lat, 0.95);
	sum->latency_p99_ms = hist_quantile(&s->lat, 0.99);
	sum->latency_max_ms = s->lat.n ? s->lat.max : 0.0;
	sum->oom_kills = s->oom_kills;
	sum->evictions = s->evictions;
	sum->restarts = s->restarts;
	sum->max_nodes = s->max_nodes;
	sum->max_pending_pods = s->max_pending;
}
