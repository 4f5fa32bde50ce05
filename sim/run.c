/*
 * run.c -- run_exec: build a struct sim from a scenario and a seed, drive
 * its engine to the end of the scenario, and hand back the results.
 *
 * Start-up order at t = 0 (FIFO among equal times): node groups whose
 * start_at is 0 join (and their DaemonSet pods are created), then the
 * Deployments create their pods, then traffic starts; the first
 * scheduling pass sees all of them.
 */
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscaler.h"
#include "faults.h"
#include "hpa.h"
#include "sim.h"

static void on_group_start(void *ctx, void *obj, uint64_t g)
{
	struct sim *s = ctx;
	const struct node_group *ng = &s->sc->groups[g];
	(void)obj;
	for (int i = 1; i <= ng->count; i++)
		sim_node_add(s, (int)g, i, 1);
}

static void on_controllers_start(void *ctx, void *obj, uint64_t arg)
{
	(void)obj;
	(void)arg;
	controller_start(ctx);
}

static void on_progress(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = ctx;
	double wall = sim_wall(), step = s->end / 200.0;
	(void)obj;
	(void)arg;

	/* An atomic load: a sweep's calling thread sets the flag (batch.c). */
	if (s->o->interrupted && __atomic_load_n(s->o->interrupted, __ATOMIC_RELAXED)) {
		s->failed = 1;
		err_set(&s->err, ERR_RUN, "interrupted at simulated time %.0f s; nothing written",
			s->eng.now);
		engine_stop(&s->eng);
		return;
	}
	if (s->o->progress && wall - s->progress_last >= 0.5) {
		double el = wall - s->wall_start, frac = s->eng.now / s->end;
		s->progress_last = wall;
		fprintf(stderr, "\r%s: %5.1f%%  t=%.0f s  %.2f M events/s  ETA %.0f s   ",
			s->sc->name, 100 * frac, s->eng.now,
			el > 0 ? (double)s->eng.fired / el / 1e6 : 0.0,
			frac > 0 ? el * (1 - frac) / frac : 0.0);
	}
	if (s->eng.now + step < s->end)
		engine_after(&s->eng, step, on_progress, NULL, 0);
}

static uint64_t tiebreak(void *ctx, uint64_t n)
{
	struct sim *s = ctx;
	return rng_below(&s->rng_tiebreak, n);
}

static void record_scores(void *ctx, const struct sched_decision *d)
{
	struct sim *s = ctx;
	struct results *r = s->res;
	const char *pod = results_name(r, d->pod->name);

	for (int i = 0; i < d->nnodes; i++) {
		const char *node = results_name(r, d->nodes[i]->name);
		for (int p = 0; p < PLUGIN_NSCORE; p++) {
			struct res_score *sc;
			if (!d->score[p])
				continue;
			sc = results_add_score(r);
			sc->t = d->t;
			sc->pod = pod;
			sc->node = node;
			sc->plugin = results_name(r, sched_plugin_name(p));
			sc->score = (double)d->score[p][i];
		}
		/* Every node's weighted sum; the chosen node's again as `total`. */
		for (int k = 0; k < 1 + (i == d->chosen); k++) {
			struct res_score *tot = results_add_score(r);
			tot->t = d->t;
			tot->pod = pod;
			tot->node = node;
			tot->plugin = k ? "total" : "weighted_sum";
			tot->score = (double)d->total[i];
		}
	}
}

static void sim_setup(struct sim *s)
{
	const struct scenario *sc = s->sc;
	struct sched_opts so;

	engine_init(&s->eng);
	arena_init(&s->arena);
	hist_init(&s->lat);
	hist_init(&s->win_scratch);
	cluster_init(&s->cl, sc->workloads, sc->nworkloads, sc->groups, sc->ngroups);
	rng_init(&s->rng_tiebreak, s->o->seed, "sched/tiebreak");
	sched_opts_default(&so);
	so.cfg = sc->scheduler;
	so.rand_below = tiebreak;
	so.rand_ctx = s;
	if (sc->record.scores) {
		so.on_scores = record_scores;
		so.scores_ctx = s;
	}
	sched_init(&s->sch, &s->cl, &so);
	serve_pool_init(&s->pool, &s->eng);
	service_init(s);
}

static void sim_teardown(struct sim *s)
{
	s->tearing_down = 1;
	hpa_release(s);
	autoscaler_release(s);
	faults_release(s);
	for (int i = 0; i < s->cl.npod_ids; i++) {
		struct sim_pod *sp = sim_pod_of(s->cl.pod_by_id[i]);
		if (sp->running) {
			serve_kill(&sp->srv);
			serve_release(&sp->srv);
		}
		sp->running = 0;
	}
	for (int i = 0; i < s->cl.nnode_ids; i++) {
		struct sim_node *sn = sim_node_of(s->cl.node_by_id[i]);
		if (sn->burstable)
			credits_release(&sn->credits);
		cpu_node_release(&sn->cpu);
	}
	sched_release(&s->sch);
	service_release(s);
	cluster_release(&s->cl);
	serve_pool_release(&s->pool);
	hist_release(&s->lat);
	hist_release(&s->win_scratch);
	rng_release(&s->rng_tiebreak);
	engine_release(&s->eng);
	arena_release(&s->arena);
}

static void fill_run_row(struct sim *s, double wall)
{
	struct res_run *r = &s->res->run;
	r->scenario = results_name(s->res, s->sc->name);
	memcpy(r->scenario_sha256, s->sc->sha256, sizeof(r->scenario_sha256));
	r->seed = s->o->seed;
	r->params = results_name(s->res, s->o->params_json ? s->o->params_json : "{}");
	r->point = s->o->point;
	r->sim_seconds = s->end;
	r->wall_seconds = wall;
	r->events = s->eng.fired;
	r->version = CLUSTERSIM_VERSION;
}

int run_exec(const struct scenario *sc, const struct run_opts *o, struct results *out,
	     struct err *e)
{
	struct sim *s = xcalloc(1, sizeof(*s));
	int rc = 0;

	s->sc = sc;
	s->o = o;
	s->end = sc->duration;
	s->res = out;
	sim_setup(s);
	s->help = o->threads >= 2 ? helper_new() : NULL;
	for (int g = 0; g < sc->ngroups; g++)
		engine_at(&s->eng, sc->groups[g].start_at, on_group_start, NULL, (uint64_t)g);
	engine_at(&s->eng, 0.0, on_controllers_start, NULL, 0);
	service_start(s);
	metrics_start(s);
	hpa_start(s);
	autoscaler_start(s);
	faults_start(s);
	engine_at(&s->eng, 0.0, on_progress, NULL, 0);
	s->wall_start = sim_wall();
	engine_run(&s->eng, s->end, s);
	if (o->progress)
		fputs("\r\033[K", stderr);
	if (s->failed) {
		rc = err_set(e, s->err.code, "%s", s->err.msg);
	} else {
		metrics_finish(s);
		fill_run_row(s, sim_wall() - s->wall_start);
	}
	helper_free(s->help);
	sim_teardown(s);
	free(s);
	return rc;
}
