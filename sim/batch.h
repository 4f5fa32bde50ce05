/*
 * batch.h -- executing a sweep: its runs on N threads, resumable, sharded.
 *
 * Run r of a sweep (sweep.h: point r / replications, replication
 * r % replications, seed = the point's scenario seed + replication)
 * belongs to shard r mod shard_n (shards are 0-based: 0/3, 1/3, 2/3). A
 * batch executes the runs of its shard that the database does not hold
 * yet -- a run is "held" when a row of `runs` has the same scenario_sha256,
 * params and seed (store_has_run) -- so re-running an interrupted sweep
 * continues where it stopped, and re-running a finished one does nothing.
 *
 * Workers: `jobs` POSIX threads take the shard's runs in order from a
 * shared counter. Each loads its run's point (scenario file + the point's
 * overrides; kept while consecutive runs share the point), checks the
 * database, runs run_exec and writes the run with store_write_run on its
 * own store connection, in one transaction. A run depends only on its
 * scenario, overrides and seed, never on the thread or the order, so any
 * -j and any sharding give the same rows; only run_id (completion order),
 * created_at and wall_seconds differ.
 *
 * Stopping: when *stop becomes non-zero, or on_progress returns non-zero,
 * no new run starts; the runs in flight finish and are written. When
 * *abort becomes non-zero the runs in flight stop as well (through
 * run_opts.interrupted) and nothing of them is written. A failed run or
 * point stops the batch like *stop (first error kept). A process killed
 * outright leaves no partial run either: each run is one SQLite
 * transaction. *stop and *abort are for signal handlers: only the calling
 * thread reads them (it polls them every 50 ms while the workers run), and
 * the workers block signals, so a handler runs on that thread too.
 *
 * Do not run the same shard of a sweep into one database from two
 * processes at once: the check and the write are not one transaction, so
 * both could execute a run. Different shards into one database are safe.
 *
 * Threads: the batch joins all its threads before returning. on_progress
 * is called from worker threads with the batch's lock held (calls never
 * overlap), after each run executed, skipped or failed.
 *
 * Cost: per run, one point load when the point changes (a YAML parse,
 * milliseconds), one indexed lookup, the run, one transaction. Memory: one
 * scenario and one run's results per worker.
 */
#ifndef CLUSTERSIM_BATCH_H
#define CLUSTERSIM_BATCH_H

#include <signal.h>

#include "base.h"

struct sweep;

struct batch_progress {
	int total;      /* runs in this shard */
	int done;       /* runs executed and written by this batch */
	int skipped;    /* runs found in the database */
	int running;    /* runs in flight */
	double elapsed; /* s of wall time since the batch started */
};

struct batch_opts {
	const char *db;         /* results database; created when missing */
	int jobs;               /* worker threads, >= 1 */
	int shard_k, shard_n;   /* this batch's share; 0 and 1 for all runs */
	const char *models_dir; /* NULL: paths_models_dir() */
	const volatile sig_atomic_t *stop;  /* may be NULL */
	const volatile sig_atomic_t *abort; /* may be NULL */
	/* May be NULL; non-zero return: stop starting runs. */
	int (*on_progress)(void *ctx, const struct batch_progress *p);
	void *ctx;
};

/*
 * Executes the shard's missing runs. 0 when every run of the shard is in
 * the database. ERR_INPUT when a point does not load; ERR_RUN when a run or
 * the database failed, or the batch was stopped (the message says how many
 * runs are in and that re-running resumes). *out (may be NULL) gets the
 * final counts either way.
 */
int batch_exec(const struct sweep *s, const struct batch_opts *o, struct batch_progress *out,
	       struct err *e);

/* Parses "K/N" (0 <= K < N, N >= 1); ERR_INPUT naming the option. */
int batch_parse_shard(const char *arg, int *k, int *n, struct err *e);
/* Runs r in [0, nruns) with r mod n == k: ceil((nruns - k) / n). */
int batch_shard_size(int nruns, int k, int n);
/* The default of -j: the online processors this process may run on
 * (sched_getaffinity), at least 1. */
int batch_default_jobs(void);

#endif
