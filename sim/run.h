/*
 * run.h -- one simulation run: a scenario and a seed in, results out.
 *
 * A run is a value: everything it touches (engine, random streams, cluster
 * state, models, metrics) hangs off one struct run created and destroyed
 * by run_exec, so any number of runs may execute at once in threads. The
 * scenario is shared read-only.
 *
 * run_exec fills `out` completely (runs row fields, summary, nodes, pods,
 * events, samples) or fails with nothing to write: the caller writes `out`
 * to the store in one transaction.
 */
#ifndef CLUSTERSIM_RUN_H
#define CLUSTERSIM_RUN_H

#include <signal.h>
#include <stdint.h>
#include "base.h"

struct scenario;
struct results;

struct run_opts {
	uint64_t seed;
	const char *params_json;  /* JSON of overrides; NULL means "{}" */
	int point;                /* sweep point, 0 for a single run */
	int progress;             /* print progress on stderr (a terminal) */
	/* When it becomes non-zero the run stops and fails (SIGINT). Read
	 * with an atomic load, so another thread may set it (with an atomic
	 * store: __atomic_store_n). */
	const volatile sig_atomic_t *interrupted;
	/* 2: a helper thread takes half of the per-pod walks (helper.h); the
	 * results are the same with 1. */
	int threads;
};

int run_exec(const struct scenario *sc, const struct run_opts *o, struct results *out,
	     struct err *e);

#endif
