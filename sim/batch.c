/*
 * batch.c -- a sweep's runs on worker threads; see batch.h.
 *
 * One mutex guards the shared state: the next run to hand out, the counts,
 * the first error and the stop and abort flags. A worker holds it only to
 * take a run and to report one, never while loading, running or writing,
 * so N workers keep N cores busy; writes queue on SQLite's write lock (WAL,
 * busy timeout in store.c), which costs little next to a run of seconds.
 *
 * The caller's *stop and *abort are read by the calling thread only: the
 * workers block signals, so a signal handler setting them runs on that
 * thread too, and it polls them every BATCH_POLL_MS while the workers run,
 * relaying them into the batch under the lock. The one flag read without
 * the lock is the batch's abort, by run_exec (run.h's interrupted), so it
 * is written with an atomic store and read with an atomic load.
 */
/* sched_getaffinity and CPU_COUNT (batch_default_jobs) */
#define _GNU_SOURCE
#include "batch.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "run.h"
#include "scenario.h"
#include "store.h"
#include "sweep.h"

#define BATCH_POLL_MS 50 /* how often the calling thread looks at *stop, *abort */

struct batch {
	const struct sweep *s;
	const struct batch_opts *o;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* a worker ended */
	int active;    /* workers not yet ended */
	int stop;      /* start no more runs */
	volatile sig_atomic_t abort; /* run_exec's interrupted: stop runs in flight */
	int next;      /* index among the shard's runs of the next to hand out */
	int failed;    /* a run or point failed: start no more */
	struct err err; /* the first failure */
	struct batch_progress p;
	double start;  /* s, wall_now() at the start */
	int threads;   /* run_opts.threads: 2 with one worker on a multi-core
			* machine (the helper takes a core a second worker
			* would have), else 1 */
};

/* A worker's own point, connection and scratch. */
struct worker {
	struct batch *b;
	struct store st;
	int point;     /* point loaded in sc, -1 when none */
	struct scenario sc;
	char *params;  /* JSON of the point's overrides */
	struct override *ovr;
	pthread_t tid;
};

/* Seconds of monotonic wall-clock time. */
static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int stopping(const struct batch *b)
{
	return b->failed || b->stop;
}

static int load_point(struct worker *w, int point, struct err *e)
{
	const struct sweep *s = w->b->s;
	int rc;

	if (w->point == point)
		return 0;
	if (w->point >= 0)
		scenario_release(&w->sc);
	free(w->params);
	w->params = NULL;
	w->point = -1;
	sweep_point_overrides(s, point, w->ovr);
	rc = scenario_load(&w->sc, s->scenario_path, w->ovr, s->nparams, w->b->o->models_dir, e);
	if (rc) {
		/* As sweep_validate says it: the file's position first. */
		char *json = sweep_point_json(s, point);
		size_t len = strlen(e->msg);
		snprintf(e->msg + len, sizeof(e->msg) - len, " (sweep point %d: %s)", point, json);
		free(json);
		return rc;
	}
	w->params = sweep_point_json(s, point);
	w->point = point;
	return 0;
}

/* Executes run r of the sweep unless the database holds it; *skipped says which. */
static int do_run(struct worker *w, int r, int *skipped, struct err *e)
{
	const struct sweep *s = w->b->s;
	int point = r / s->replications, found = 0, rc;
	struct run_opts ro = { 0 };
	struct results res;

	*skipped = 0;
	if ((rc = load_point(w, point, e)))
		return rc;
	ro.seed = w->sc.seed + (uint64_t)(r % s->replications);
	ro.params_json = w->params;
	ro.point = point;
	ro.interrupted = &w->b->abort;
	ro.threads = w->b->threads;
	if ((rc = store_has_run(&w->st, w->sc.sha256, w->params, ro.seed, &found, e)))
		return rc;
	if (found) {
		*skipped = 1;
		return 0;
	}
	results_init(&res);
	rc = run_exec(&w->sc, &ro, &res, e);
	if (rc == 0)
		rc = store_write_run(&w->st, &res, NULL, e);
	results_release(&res);
	if (rc && !*ro.interrupted)
		err_prefix(e, "sweep point %d, seed %llu: ", point, (unsigned long long)ro.seed);
	return rc;
}

static void report(struct batch *b)
{
	b->p.elapsed = wall_now() - b->start;
	if (b->o->on_progress && b->o->on_progress(b->o->ctx, &b->p))
		b->stop = 1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct batch *b = w->b;
	struct err e = { 0 };

	pthread_mutex_lock(&b->lock);
	while (!stopping(b) && b->next < b->p.total) {
		int r = b->o->shard_k + b->next++ * b->o->shard_n, rc, skipped;

		b->p.running++;
		pthread_mutex_unlock(&b->lock);
		rc = do_run(w, r, &skipped, &e);
		pthread_mutex_lock(&b->lock);
		b->p.running--;
		if (rc) {
			/* An abort fails the runs in flight: that is the stop, not
			 * a failure to report. */
			if (!b->failed && !b->abort) {
				b->err = e;
				b->failed = 1;
			}
		} else if (skipped) {
			b->p.skipped++;
		} else {
			b->p.done++;
		}
		report(b);
	}
	b->active--;
	pthread_cond_signal(&b->changed);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* Starts the workers with every signal blocked (the mask is inherited);
 * returns how many started. */
static int start_workers(struct batch *b, struct worker *w, int n)
{
	sigset_t all, old;
	int i, started = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < n; i++) {
		int rc;

		if ((rc = pthread_create(&w[i].tid, NULL, worker_main, &w[i])) != 0) {
			pthread_mutex_lock(&b->lock);
			if (!b->failed) {
				err_set(&b->err, ERR_RUN, "cannot start worker thread %d: %s",
					i + 1, strerror(rc));
				b->failed = 1;
			}
			pthread_mutex_unlock(&b->lock);
			break;
		}
		started++;
		pthread_mutex_lock(&b->lock);
		b->active++;
		pthread_mutex_unlock(&b->lock);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return started;
}

static void workers_release(struct worker *w, int n)
{
	for (int i = 0; i < n; i++) {
		if (w[i].point >= 0)
			scenario_release(&w[i].sc);
		free(w[i].params);
		free(w[i].ovr);
		store_close(&w[i].st);
	}
	free(w);
}

/* Opens every worker's connection up front, so a bad database fails at once. */
static int workers_init(struct batch *b, struct worker **out, int n, struct err *e)
{
	struct worker *w = xcalloc((size_t)n, sizeof(*w));
	int i, rc = 0;

	for (i = 0; i < n; i++) {
		w[i].b = b;
		w[i].point = -1;
		w[i].ovr = xcalloc((size_t)b->s->nparams + 1, sizeof(*w[i].ovr));
		if (!rc)
			rc = store_open(&w[i].st, b->o->db, 0, e);
	}
	if (rc) {
		workers_release(w, n);
		return rc;
	}
	*out = w;
	return 0;
}

/* The caller's flags into the batch; the lock is held. */
static void relay(struct batch *b)
{
	if (b->o->abort && *b->o->abort)
		__atomic_store_n(&b->abort, 1, __ATOMIC_RELAXED);
	if (b->abort || (b->o->stop && *b->o->stop))
		b->stop = 1;
}

/* Until every worker has ended, relays the caller's flags into the batch. */
static void watch(struct batch *b)
{
	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct timespec until;

		relay(b);
		if (b->active == 0)
			break;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += BATCH_POLL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&b->changed, &b->lock, &until);
	}
	pthread_mutex_unlock(&b->lock);
}

static int finish(struct batch *b, struct err *e)
{
	int in = b->p.done + b->p.skipped;

	if (b->failed) {
		*e = b->err;
		return e->code ? e->code : ERR_RUN;
	}
	if (in < b->p.total)
		return err_set(e, ERR_RUN,
			       "interrupted: %d of %d runs in %s; run the same command again to "
			       "resume",
			       in, b->p.total, b->o->db);
	return 0;
}

int batch_exec(const struct sweep *s, const struct batch_opts *o, struct batch_progress *out,
	       struct err *e)
{
	struct batch b;
	struct worker *w = NULL;
	int jobs, started, rc;

	memset(&b, 0, sizeof(b));
	b.s = s;
	b.o = o;
	b.p.total = batch_shard_size(sweep_nruns(s), o->shard_k, o->shard_n);
	b.start = wall_now();
	jobs = o->jobs < 1 ? 1 : o->jobs;
	if (jobs > b.p.total)
		jobs = b.p.total > 0 ? b.p.total : 1;
	b.threads = jobs == 1 && batch_default_jobs() >= 2 ? 2 : 1;
	if ((rc = workers_init(&b, &w, jobs, e))) {
		if (out)
			*out = b.p;
		return rc;
	}
	pthread_mutex_init(&b.lock, NULL);
	pthread_cond_init(&b.changed, NULL);
	relay(&b); /* before any run starts (no worker yet: no lock needed) */
	started = start_workers(&b, w, jobs);
	watch(&b);
	for (int i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	pthread_cond_destroy(&b.changed);
	pthread_mutex_destroy(&b.lock);
	workers_release(w, jobs);
	b.p.elapsed = wall_now() - b.start;
	if (out)
		*out = b.p;
	return finish(&b, e);
}

int batch_parse_shard(const char *arg, int *k, int *n, struct err *e)
{
	const char *p = arg;
	char *end;
	long kk, nn;

	errno = 0;
	kk = strtol(p, &end, 10);
	if (end == p || *end != '/' || errno || p[0] == '-' || p[0] == '+' || p[0] == ' ')
		goto bad;
	p = end + 1;
	nn = strtol(p, &end, 10);
	if (end == p || *end || errno || p[0] == '-' || p[0] == '+' || p[0] == ' ' || nn < 1 ||
	    nn > 1000000)
		goto bad;
	if (kk >= nn)
		return err_set(e, ERR_INPUT,
			       "--shard: K must be below N (shards are numbered 0 to N-1), "
			       "got %ld/%ld",
			       kk, nn);
	*k = (int)kk;
	*n = (int)nn;
	return 0;
bad:
	return err_set(e, ERR_INPUT,
		       "--shard: expected K/N with 0 <= K < N, like 0/4, got \"%s\"", arg);
}

int batch_shard_size(int nruns, int k, int n)
{
	if (n < 1 || k >= nruns)
		return 0;
	return (nruns - k + n - 1) / n;
}

int batch_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	/* The CPUs this process may run on, when fewer: taskset, cpusets,
	 * Slurm's --cpus-per-task binding. (A CFS quota, Kubernetes' usual CPU
	 * limit, is not visible here: give -j there.) */
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0 &&
	    CPU_COUNT(&set) < n)
		n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}
