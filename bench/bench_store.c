/*
 * bench_store.c -- how fast store_write_run appends a big run.
 *
 *   bench_store [ROWS] [FOLDER]      (defaults: 1000000 rows, $TMPDIR or /tmp)
 *
 * Writes one run of ROWS pod_samples (200 pods on 20 nodes, 5 workloads,
 * one sample per pod every 15 s, as a day-long run would record) into a
 * fresh database, with the schema as created and with the pod_samples
 * run_id index dropped, twice each, to show what the index costs; prints
 * wall time, rows/s and the database size. Then shows what the index buys:
 * reading one run's samples out of 10 runs of ROWS/10. Results and
 * machine: docs/store.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "results.h"
#include "store.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fill(struct results *r, long rows)
{
	enum { PODS = 200, NODES = 20, WORKLOADS = 5 };
	const char *pod[PODS], *node[NODES], *wl[WORKLOADS];
	char buf[64];
	long i;

	for (i = 0; i < NODES; i++) {
		snprintf(buf, sizeof(buf), "ip-10-0-%ld-17.ec2.internal", i);
		node[i] = results_name(r, buf);
	}
	for (i = 0; i < WORKLOADS; i++) {
		snprintf(buf, sizeof(buf), "service-%ld", i);
		wl[i] = results_name(r, buf);
	}
	for (i = 0; i < PODS; i++) {
		snprintf(buf, sizeof(buf), "service-%ld-7d9f8c6b5-%05ld", i % WORKLOADS, i);
		pod[i] = results_name(r, buf);
	}
	r->run.scenario = "bench";
	memset(r->run.scenario_sha256, 'f', 64);
	for (i = 0; i < rows; i++) {
		struct res_pod_sample *s = results_add_pod_sample(r);

		s->t = 15.0 * (double)(i / PODS);
		s->pod = pod[i % PODS];
		s->node = node[i % NODES];
		s->workload = wl[i % WORKLOADS];
		s->cpu_used = 0.001 * (double)(i % 997);
		s->mem_used = 1e8 + 4096.0 * (double)(i % 113);
		s->inflight = (int)(i % 9);
		s->ready = 1;
	}
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* A fresh database at path, with or without the pod_samples index. */
static int fresh(struct store *s, const char *path, int drop_index)
{
	struct err e = { 0 };

	unlink(path);
	if (store_open(s, path, 0, &e) != 0) {
		fprintf(stderr, "bench_store: %s\n", e.msg);
		return 1;
	}
	if (drop_index && sqlite3_exec(s->db, "DROP INDEX pod_samples_run_id", NULL, NULL,
				       NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_store: %s\n", sqlite3_errmsg(s->db));
		store_close(s);
		return 1;
	}
	return 0;
}

static int write_run(struct store *s, const struct results *r)
{
	struct err e = { 0 };

	if (store_write_run(s, r, NULL, &e) != 0) {
		fprintf(stderr, "bench_store: %s\n", e.msg);
		return 1;
	}
	return 0;
}

static const char *label(int drop_index)
{
	return drop_index ? "without run_id index" : "with run_id index";
}

/* One timed write of r into a fresh database. */
static int bench_write(const char *path, const struct results *r, int drop_index)
{
	struct store s;
	double t0, t1;

	if (fresh(&s, path, drop_index))
		return 1;
	t0 = now();
	if (write_run(&s, r)) {
		store_close(&s);
		return 1;
	}
	t1 = now();
	store_close(&s);
	printf("write  %-21s %8zu rows  %6.3f s  %8.0f rows/s  %6.1f MB  %5.1f B/row\n",
	       label(drop_index), r->n_pod_samples, t1 - t0,
	       (double)r->n_pod_samples / (t1 - t0), file_size(path) / 1e6,
	       (double)file_size(path) / (double)r->n_pod_samples);
	unlink(path);
	return 0;
}

/*
 * What the index buys: 10 runs of r, then the query a per-run chart makes
 * (one run's samples, by pod and time), timed.
 */
static int bench_read(const char *path, const struct results *r, int drop_index)
{
	enum { RUNS = 10 };
	sqlite3_stmt *st;
	struct store s;
	double t0, t1;
	long n = 0;
	int i;

	if (fresh(&s, path, drop_index))
		return 1;
	for (i = 0; i < RUNS; i++)
		if (write_run(&s, r)) {
			store_close(&s);
			return 1;
		}
	t0 = now();
	sqlite3_prepare_v2(s.db,
			   "SELECT pod, t, cpu_used FROM pod_samples WHERE run_id = 5"
			   " ORDER BY pod, t",
			   -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	t1 = now();
	store_close(&s);
	printf("read   %-21s %8ld rows of run 5 of %d: %6.3f s\n", label(drop_index), n, RUNS,
	       t1 - t0);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	long rows = argc > 1 ? atol(argv[1]) : 1000000;
	const char *tmp = getenv("TMPDIR");
	char path[512];
	struct results big, small;
	int rc;

	snprintf(path, sizeof(path), "%s/bench_store-%ld.db",
		 argc > 2 ? argv[2] : tmp ? tmp : "/tmp", (long)getpid());
	results_init(&big);
	results_init(&small);
	fill(&big, rows);
	fill(&small, rows / 10);
	printf("store_write_run, one run of pod_samples only; SQLite %s; %s\n",
	       sqlite3_libversion(), path);
	rc = bench_write(path, &big, 0) || bench_write(path, &big, 1) ||
	     bench_write(path, &big, 0) || bench_write(path, &big, 1) ||
	     bench_read(path, &small, 0) || bench_read(path, &small, 1);
	results_release(&big);
	results_release(&small);
	return rc;
}
