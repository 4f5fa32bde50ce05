/*
 * runs_fixture.h -- results databases written run by run with hand-picked
 * summaries, no simulation: for the tests of merge, points, best and
 * compare, whose expected numbers are then a hand calculation away.
 * Header-only.
 */
#ifndef CLUSTERSIM_RUNS_FIXTURE_H
#define CLUSTERSIM_RUNS_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "store.h"
#include "testutil.h"

/* One run's identity and the summary values the tests look at (NAN: NULL). */
struct fx_run {
	const char *scenario;
	char sha_fill; /* scenario_sha256 is this character 64 times */
	const char *params;
	int point;
	unsigned long long seed;
	double cost;   /* cost_per_month_usd */
	double p50, p99; /* ms */
	double error_rate;
	long long oom_kills;
};

/* A fresh path in the test's temp folder (no file, no -wal, no -shm); malloc'ed. */
static inline char *fx_path(const char *name)
{
	char *p = xasprintf("%s/%s", tu_tmpdir(), name);
	char *wal = xasprintf("%s-wal", p), *shm = xasprintf("%s-shm", p);

	unlink(p);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
	return p;
}

/* Appends one run (with one event, so child tables have a row) to db. */
static inline void fx_write(const char *db, const struct fx_run *x)
{
	struct store st;
	struct results r;
	struct err e = { 0 };

	results_init(&r);
	r.run.scenario = results_name(&r, x->scenario);
	memset(r.run.scenario_sha256, x->sha_fill, 64);
	r.run.seed = x->seed;
	r.run.params = x->params;
	r.run.point = x->point;
	r.run.version = "test";
	r.summary.cost_per_month_usd = x->cost;
	r.summary.cost_usd = x->cost;
	r.summary.latency_p50_ms = x->p50;
	r.summary.latency_p99_ms = x->p99;
	r.summary.error_rate = x->error_rate;
	r.summary.oom_kills = x->oom_kills;
	/* Every other real of the summary absent (NULL). */
	r.summary.node_hours = r.summary.latency_mean_ms = r.summary.latency_p95_ms = NAN;
	r.summary.latency_max_ms = r.summary.pending_pod_seconds = NAN;
	r.summary.credits_exhausted_seconds = NAN;
	results_event(&r, 1.0, "Scheduled", "pod-1", "node-1", "seed %llu", x->seed);
	if (store_open(&st, db, 0, &e) || store_write_run(&st, &r, NULL, &e))
		fail_msg("%s", e.msg);
	store_close(&st);
	results_release(&r);
}

#endif
