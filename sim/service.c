/*
 * service.c -- a workload's Service: traffic streams, endpoints, routing,
 * and what happens to each request.
 *
 * Endpoints are the workload's Ready pods (kubelet adds and removes them).
 * A stream's requests arrive by its rate shape (rate.c, one engine event
 * per arrival, the next drawn when one fires) and are routed by its policy
 * to one endpoint, whose pod serves them (serve.c on the node's CPU,
 * cpu.c). No Ready endpoint: the request fails at once, like a 503 from
 * the load balancer.
 *
 * Random numbers: each stream draws arrivals from "arrivals/<workload>/<k>"
 * and CPU work from "work/<workload>/<k>" (k = the stream's index among the
 * workload's streams), each workload routes with "route/<workload>": adding
 * a workload or a stream never changes another's numbers, and two sweep
 * points see the same traffic (common random numbers).
 *
 * Latency: arrival to completion, in ms, into the workload's histogram of
 * the current sample interval and, for requests arriving after warmup,
 * the run's histogram. Errors: timeouts, requests failed by a kill, and
 * requests with no endpoint.
 *
 * Routing policies are rows of one table: round-robin (kube-proxy's IPVS
 * rr; iptables mode is random), least-request (fewest requests in the pod,
 * queued or served; ties go to the first after the round-robin cursor),
 * random. Cost per request: O(1), least-request O(endpoints).
 */
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"

struct routing {
	enum routing_kind kind;
	struct sim_pod *(*pick)(struct sim_workload *w);
};

/* The round-robin cursor's endpoint, then the cursor moves on (nep > 0). */
static int rr_next(struct sim_workload *w)
{
	int i = w->rr_i;
	w->rr++;
	w->rr_i = i + 1 == w->nep ? 0 : i + 1;
	return i;
}

/* After nep changed: the cursor's index is rr % nep again. */
static void rr_sync(struct sim_workload *w)
{
	w->rr_i = w->nep > 0 ? (int)(w->rr % (uint64_t)w->nep) : 0;
}

static struct sim_pod *pick_round_robin(struct sim_workload *w)
{
	return w->ep[rr_next(w)];
}

static struct sim_pod *pick_least_request(struct sim_workload *w)
{
	int start = rr_next(w), best = start;
	for (int k = 1; k < w->nep; k++) {
		int i = start + k < w->nep ? start + k : start + k - w->nep;
		if (w->ep[i]->srv.inflight < w->ep[best]->srv.inflight)
			best = i;
	}
	return w->ep[best];
}

static struct sim_pod *pick_random(struct sim_workload *w)
{
	return w->ep[rng_below(&w->rng_route, (uint64_t)w->nep)];
}

static const struct routing routings[] = {
	{ROUTE_ROUND_ROBIN, pick_round_robin},
	{ROUTE_LEAST_REQUEST, pick_least_request},
	{ROUTE_RANDOM, pick_random},
};

static const struct routing *routing_of(enum routing_kind k)
{
	for (size_t i = 0; i < ARRAY_LEN(routings); i++)
		if (routings[i].kind == k)
			return &routings[i];
	return &routings[0];
}

struct cpu_share service_pod_share(const struct pod *p)
{
	struct cpu_share sh;
	sh.shares = cpu_shares_from_milli(p->req_cpu);
	sh.limit = cpu_limit_from_milli(p->lim_cpu);
	sh.idle = p->wl->cpu_idle > 0 ? (double)p->wl->cpu_idle / 1000.0 : 0.0;
	return sh;
}

void service_endpoint_add(struct sim *s, struct sim_pod *sp)
{
	struct sim_workload *w = sp->w;
	(void)s;
	if (sp->ep_pos >= 0)
		return;
	GROW(w->ep, w->nep, w->cap_ep);
	sp->ep_pos = w->nep;
	w->ep[w->nep++] = sp;
	rr_sync(w);
}

void service_endpoint_remove(struct sim *s, struct sim_pod *sp)
{
	struct sim_workload *w = sp->w;
	int i = sp->ep_pos;
	(void)s;
	if (i < 0)
		return;
	w->ep[i] = w->ep[--w->nep];
	w->ep[i]->ep_pos = i;
	sp->ep_pos = -1;
	rr_sync(w);
}

static void count_error(struct sim *s, struct sim_workload *w, double t_arrive)
{
	w->win_errors++;
	if (t_arrive >= s->sc->warmup)
		s->errors++;
}

static void on_done(void *ctx, struct serve *srv, struct serve_req *r)
{
	struct sim_pod *sp = ctx;
	struct sim *s = sp->sim;
	double ms = (s->eng.now - r->t_arrive) * 1000.0;
	(void)srv;

	if (s->tearing_down)
		return;
	sp->w->win_completed++;
	if (r->t_arrive >= s->sc->warmup)
		hist_window_add(&sp->w->win, &s->lat, ms);
	else
		hist_window_add(&sp->w->win, NULL, ms);
	kubelet_request_left(s, sp);
}

static void on_fail(void *ctx, struct serve *srv, struct serve_req *r, enum serve_fail why)
{
	struct sim_pod *sp = ctx;
	struct sim *s = sp->sim;
	(void)srv;
	(void)why;

	if (s->tearing_down)
		return;
	count_error(s, sp->w, r->t_arrive);
	kubelet_request_left(s, sp);
}

const struct serve_ops service_serve_ops = {on_done, on_fail};

/* The pod the stream's next arrival will go to under round robin, as a
 * hint in the arrival's event arg (0: none): picked when the arrival is
 * scheduled, from the endpoint list this arrival just read. The pick
 * itself is made again when the arrival fires; if the endpoints change in
 * between, the hint is wasted, not wrong (sim_pods stay allocated until
 * the run ends). */
static uint64_t next_pod_hint(const struct sim_stream *st)
{
	const struct sim_workload *w = st->w;

	return st->predictable && w->nep > 0 ? (uint64_t)(uintptr_t)w->ep[w->rr_i] : 0;
}

/* engine_warm's hint for an arrival, from the pod in its arg: two events
 * ahead the pod's lines and the stream's, with nothing to read first; one
 * event ahead its node's CPU state, which needs the pod's lines. (With
 * thousands of pods every first touch is a cache miss. Reading the
 * stream, its workload and the endpoint list here instead stalled on
 * three lines in a row at 10,000 nodes.) */
static void arrival_warm(const void *obj, uint64_t arg, int stage)
{
	const struct sim_pod *sp = (const struct sim_pod *)(uintptr_t)arg;

	if (!sp)
		return;
	if (stage == 1) {
		sim_pod_prefetch(sp);
		__builtin_prefetch(obj);
	} else {
		sim_pod_prefetch_cpu(sp);
	}
}

static void on_arrival(void *ctx, void *obj, uint64_t arg)
{
	struct sim_stream *st = obj;
	struct sim *s = ctx;
	struct sim_workload *w = st->w;
	double now, next, work;
	(void)arg;

	now = s->eng.now;
	w->win_arrivals++;
	if (now >= s->sc->warmup)
		s->requests++;
	work = dist_sample(&w->spec->request_cpu, &st->rng_work);
	if (w->nep == 0) {
		count_error(s, w, now);
	} else {
		struct sim_pod *sp = st->pick(w);
		struct serve_req *r;
		if (!sp->running) { /* an endpoint on a dead node (faults.h) */
			count_error(s, w, now);
		} else {
			r = serve_req_get(&s->pool);
			serve_submit(&sp->srv, r, work, st->tr->timeout);
			memory_request_admitted(s, sp);
		}
	}
	next = arrivals_next(&st->arr);
	if (next <= s->end)
		engine_at(&s->eng, next, on_arrival, st, next_pod_hint(st));
}

void service_init(struct sim *s)
{
	const struct scenario *sc = s->sc;
	char name[512];

	s->wl = xcalloc((size_t)sc->nworkloads + 1, sizeof(*s->wl));
	for (int i = 0; i < sc->nworkloads; i++) {
		struct sim_workload *w = &s->wl[i];
		w->spec = &sc->workloads[i];
		w->index = i;
		snprintf(name, sizeof(name), "route/%s", w->spec->name);
		rng_init(&w->rng_route, s->o->seed, name);
		hist_window_init(&w->win);
	}
	s->st = xcalloc((size_t)sc->ntraffic + 1, sizeof(*s->st));
	for (int i = 0; i < sc->ntraffic; i++) {
		struct sim_stream *st = &s->st[i];
		int k = 0;
		st->tr = &sc->traffic[i];
		st->w = &s->wl[st->tr->workload];
		st->pick = routing_of(st->tr->routing)->pick; /* once, not per request */
		st->predictable = st->tr->routing == ROUTE_ROUND_ROBIN;
		for (int j = 0; j < i; j++)
			k += sc->traffic[j].workload == st->tr->workload;
		snprintf(name, sizeof(name), "arrivals/%s/%d", st->w->spec->name, k);
		rng_init(&st->rng_arrive, s->o->seed, name);
		snprintf(name, sizeof(name), "work/%s/%d", st->w->spec->name, k);
		rng_init(&st->rng_work, s->o->seed, name);
	}
}

void service_start(struct sim *s)
{
	engine_warm(&s->eng, on_arrival, arrival_warm);
	for (int i = 0; i < s->sc->ntraffic; i++) {
		struct sim_stream *st = &s->st[i];
		double first;
		arrivals_init(&st->arr, &st->tr->rate, st->tr->arrival, &st->rng_arrive, 0.0);
		first = arrivals_next(&st->arr);
		if (first <= s->end)
			engine_at(&s->eng, first, on_arrival, st, 0);
	}
}

void service_release(struct sim *s)
{
	for (int i = 0; i < s->sc->nworkloads; i++) {
		rng_release(&s->wl[i].rng_route);
		hist_release(&s->wl[i].win);
		free(s->wl[i].ep);
		free(s->wl[i].live);
	}
	for (int i = 0; i < s->sc->ntraffic; i++) {
		rng_release(&s->st[i].rng_arrive);
		rng_release(&s->st[i].rng_work);
	}
	free(s->wl);
	free(s->st);
}
