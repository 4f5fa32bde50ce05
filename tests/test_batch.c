/*
 * test_batch.c -- sweeps on threads (batch.c), shards and their merge
 * (merge.c): the same rows whatever -j or sharding, resuming after a kill
 * or a stop. Merge refusals: test_merge.c.
 *
 * The sweep is 3 x 3 x 2 points x 3 replications = 54 runs of a small
 * scenario (10 simulated minutes, 10 requests/s, about 30 ms of wall time
 * each under sanitizers). Its parameters all change the results (cost with
 * the node count, latency with replicas and the CPU limit), so a run
 * written with another run's params would show.
 */
#include "testutil.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "merge.h"
#include "sha256.h"
#include "sweep.h"

static const char scenario_yaml[] =
	"name: tiny\nduration: 10m\nsample_interval: 30s\n"
	"node_groups:\n  - {name: workers, instance_type: m5.large, count: 2}\n"
	"workloads:\n  - name: api\n    replicas: 3\n"
	"    requests: {cpu: 100m, memory: 128Mi}\n"
	"    limits: {cpu: 500m, memory: 256Mi}\n"
	"    request_cpu: {dist: exponential, mean: 20ms}\n"
	"    concurrency: 4\n    startup: {pull: 5s, ready_after: 5s}\n"
	"traffic:\n  - {workload: api, rate: {shape: constant, rps: 10}}\n";

static const char sweep_yaml[] =
	"scenario: tiny.yaml\nreplications: 3\nparameters:\n"
	"  node_groups.workers.count: [1, 2, 3]\n"
	"  workloads.api.replicas: [2, 3, 4]\n"
	"  workloads.api.limits.cpu: [200m, 500m]\n";

#define NRUNS 54

static char *path_of(const char *name)
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

static void load_sweep(struct sweep *s)
{
	struct err e = { 0 };
	char *path;

	tu_write_file("tiny.yaml", scenario_yaml);
	path = xstrdup(tu_write_file("sweep.yaml", sweep_yaml));
	if (sweep_load(s, path, &e))
		fail_msg("%s", e.msg);
	free(path);
	assert_int_equal(sweep_nruns(s), NRUNS);
}

static int run_batch(const struct sweep *s, const char *db, int jobs, int k, int n,
		     struct batch_progress *p, struct err *e)
{
	struct batch_opts o = { 0 };

	o.db = db;
	o.jobs = jobs;
	o.shard_k = k;
	o.shard_n = n;
	return batch_exec(s, &o, p, e);
}

static void must_batch(const struct sweep *s, const char *db, int jobs, int k, int n)
{
	struct batch_progress p;
	struct err e = { 0 };

	if (run_batch(s, db, jobs, k, n, &p, &e))
		fail_msg("batch %d/%d -j %d: %s", k, n, jobs, e.msg);
	assert_int_equal(p.done + p.skipped, batch_shard_size(NRUNS, k, n));
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

static long long count(const char *path, const char *sql)
{
	sqlite3 *db = open_db(path);
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static const char *const tables[] = { "summary",      "nodes",       "pods",
				      "events",       "node_samples", "pod_samples",
				      "service_samples", "scores" };

static void hash_rows(struct sha256 *h, sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			/* run_ids differ by design (completion order, renumbering). */
			if (!strcmp(sqlite3_column_name(st, i), "run_id"))
				continue;
			sha256_update(h, v ? v : "NULL", v ? strlen(v) : 4);
			sha256_update(h, "|", 1);
		}
		sha256_update(h, "\n", 1);
	}
	sqlite3_finalize(st);
}

/*
 * Every row of every table but the run_ids, created_at and wall_seconds,
 * runs keyed by (point, seed): equal digests mean equal results.
 */
static void digest(const char *path, char out[65])
{
	sqlite3 *db = open_db(path);
	struct sha256 h;

	sha256_init(&h);
	hash_rows(&h, db,
		  "SELECT point, seed, params, scenario, scenario_sha256, sim_seconds, events, "
		  "version FROM runs ORDER BY point, seed");
	for (size_t i = 0; i < ARRAY_LEN(tables); i++) {
		char *sql = xasprintf("SELECT r.point, r.seed, t.* FROM %s t JOIN runs r"
				      " ON r.run_id = t.run_id ORDER BY r.point, r.seed, t.rowid",
				      tables[i]);
		hash_rows(&h, db, sql);
		free(sql);
	}
	sha256_final_hex(&h, out);
	sqlite3_close(db);
}

/* No run twice, none without its summary, no row of a run not there. */
static void assert_whole(const char *db, long long runs)
{
	assert_int_equal(count(db, "SELECT count(*) FROM runs"), runs);
	assert_int_equal(count(db, "SELECT count(*) FROM (SELECT DISTINCT scenario_sha256, params,"
				   " seed FROM runs)"),
			 runs);
	assert_int_equal(count(db, "SELECT count(*) FROM summary"), runs);
	for (size_t i = 0; i < ARRAY_LEN(tables); i++) {
		char *sql = xasprintf("SELECT count(*) FROM %s WHERE run_id NOT IN"
				      " (SELECT run_id FROM runs)",
				      tables[i]);
		assert_int_equal(count(db, sql), 0);
		free(sql);
	}
}

static char digest_j1[65];

static void j1_digest(const struct sweep *s)
{
	char *db;

	if (digest_j1[0])
		return;
	db = path_of("j1.db");
	must_batch(s, db, 1, 0, 1);
	assert_whole(db, NRUNS);
	/* The parameters matter: 3 costs (node count x m5.large), and no two
	 * runs share (cost, mean latency), so a run stored under another's
	 * params or seed could not go unnoticed. */
	assert_int_equal(count(db, "SELECT count(DISTINCT cost_per_month_usd) FROM summary"), 3);
	assert_int_equal(count(db, "SELECT count(DISTINCT cost_per_month_usd || '/' ||"
				   " latency_mean_ms) FROM summary"),
			 NRUNS);
	digest(db, digest_j1);
	free(db);
}

/* -j 1, -j 2 and three shards merged: the same 54 runs, row for row. */
static void test_same_rows(void **state)
{
	struct sweep s;
	char d[65], *db2 = path_of("j2.db"), *out = path_of("merged.db");
	char *shard[3];
	struct merge_stats ms;
	struct err e = { 0 };
	(void)state;

	load_sweep(&s);
	j1_digest(&s);
	must_batch(&s, db2, 2, 0, 1);
	assert_whole(db2, NRUNS);
	digest(db2, d);
	assert_string_equal(d, digest_j1);

	for (int k = 0; k < 3; k++) {
		char name[32];
		snprintf(name, sizeof(name), "shard%d.db", k);
		shard[k] = path_of(name);
		must_batch(&s, shard[k], 2, k, 3);
		/* Run r is in shard r mod 3: 18 runs each. */
		assert_int_equal(count(shard[k], "SELECT count(*) FROM runs"), 18);
	}
	if (merge_dbs(out, (const char *const *)shard, 3, &ms, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(ms.runs, NRUNS);
	assert_int_equal(ms.first_id, 1);
	assert_int_equal(ms.last_id, NRUNS);
	assert_whole(out, NRUNS);
	digest(out, d);
	assert_string_equal(d, digest_j1);
	for (int k = 0; k < 3; k++)
		free(shard[k]);
	free(db2);
	free(out);
	sweep_release(&s);
}

static int kill_after;

static int kill_self(void *ctx, const struct batch_progress *p)
{
	(void)ctx;
	if (p->done >= kill_after)
		raise(SIGKILL);
	return 0;
}

/* A sweep killed (SIGKILL) after 10 runs, then re-run: whole, no duplicate. */
static void test_kill_resume(void **state)
{
	struct sweep s;
	struct batch_progress p;
	struct err e = { 0 };
	char *db = path_of("killed.db"), d[65];
	long long in;
	pid_t pid;
	int st;
	(void)state;

	load_sweep(&s);
	j1_digest(&s);
	kill_after = 10;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct batch_opts o = { 0 };
		o.db = db;
		o.jobs = 2;
		o.shard_n = 1;
		o.on_progress = kill_self;
		batch_exec(&s, &o, NULL, &e);
		_exit(3); /* not reached: killed first */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	in = count(db, "SELECT count(*) FROM runs");
	/* 10 written when the 10th reported; the other worker may have
	 * committed one more before taking the lock. */
	assert_true(in >= 10 && in <= 11);
	assert_whole(db, in);

	if (run_batch(&s, db, 2, 0, 1, &p, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(p.skipped, in);
	assert_int_equal(p.done, NRUNS - in);
	assert_whole(db, NRUNS);
	digest(db, d);
	assert_string_equal(d, digest_j1);
	/* A third time: nothing left to do. */
	assert_int_equal(run_batch(&s, db, 2, 0, 1, &p, &e), 0);
	assert_int_equal(p.skipped, NRUNS);
	assert_int_equal(p.done, 0);
	free(db);
	sweep_release(&s);
}

static volatile sig_atomic_t stop_flag, abort_flag;

static int stop_after_5(void *ctx, const struct batch_progress *p)
{
	(void)ctx;
	return p->done >= 5;
}

/* Re-running a stopped batch runs the rest, and only the rest. */
static void resume(const struct sweep *s, const char *db, int in)
{
	struct batch_progress p;
	struct err e = { 0 };

	if (run_batch(s, db, 2, 0, 1, &p, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(p.skipped, in);
	assert_int_equal(p.done, NRUNS - in);
	assert_whole(db, NRUNS);
}

/* Stopped by the progress callback: the runs in flight finish and are
 * written, the message says how to resume. */
static void test_stop_finishes_in_flight(void **state)
{
	struct sweep s;
	struct batch_opts o = { 0 };
	struct batch_progress p;
	struct err e = { 0 };
	char *db = path_of("stopped.db");
	(void)state;

	load_sweep(&s);
	o.db = db;
	o.jobs = 2;
	o.shard_n = 1;
	o.on_progress = stop_after_5;
	assert_int_equal(batch_exec(&s, &o, &p, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, "interrupted"));
	assert_non_null(strstr(e.msg, "run the same command again to resume"));
	/* The 5th, and the other worker's run in flight then. */
	assert_true(p.done >= 5 && p.done <= 6);
	assert_int_equal(p.running, 0);
	assert_whole(db, p.done);
	resume(&s, db, p.done);
	free(db);
	sweep_release(&s);
}

static void on_usr1(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int usr1_sent; /* by the workers, under the batch's lock */

static int signal_at_5(void *ctx, const struct batch_progress *p)
{
	(void)ctx;
	/* Process-directed: the workers block it, the calling thread takes it. */
	if (p->done >= 5 && !usr1_sent) {
		usr1_sent = 1;
		kill(getpid(), SIGUSR1);
	}
	return 0;
}

/* Stopped by a signal handler setting *stop (the first SIGINT of the CLI):
 * the calling thread sees it within 50 ms; no partial run either way. */
static void test_signal_stops(void **state)
{
	struct sweep s;
	struct batch_opts o = { 0 };
	struct batch_progress p;
	struct err e = { 0 };
	char *db = path_of("signalled.db");
	struct sigaction sa, old;
	(void)state;

	load_sweep(&s);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &old);
	stop_flag = abort_flag = 0;
	usr1_sent = 0;
	o.db = db;
	o.jobs = 2;
	o.shard_n = 1;
	o.stop = &stop_flag;
	o.abort = &abort_flag;
	o.on_progress = signal_at_5;
	assert_int_equal(batch_exec(&s, &o, &p, &e), ERR_RUN);
	sigaction(SIGUSR1, &old, NULL);
	assert_true(stop_flag);
	assert_non_null(strstr(e.msg, "interrupted"));
	assert_true(p.done >= 5 && p.done < NRUNS);
	assert_whole(db, p.done);
	stop_flag = 0;
	resume(&s, db, p.done);
	free(db);
	sweep_release(&s);
}

/* The second SIGINT's flag aborts runs in flight: nothing of them written. */
static void test_abort_writes_nothing(void **state)
{
	struct sweep s;
	struct batch_opts o = { 0 };
	struct batch_progress p;
	struct err e = { 0 };
	char *db = path_of("aborted.db");
	(void)state;

	load_sweep(&s);
	stop_flag = 0;
	abort_flag = 1;
	o.db = db;
	o.jobs = 2;
	o.shard_n = 1;
	o.abort = &abort_flag;
	assert_int_equal(batch_exec(&s, &o, &p, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, "interrupted: 0 of 54 runs"));
	assert_int_equal(p.done, 0);
	assert_int_equal(count(db, "SELECT count(*) FROM runs"), 0);
	abort_flag = 0;
	free(db);
	sweep_release(&s);
}

static void test_shards(void **state)
{
	struct err e = { 0 };
	int k = -1, n = -1;
	static const char *const bad[] = { "", "3", "a/b", "1/", "/3", "-1/3", "1/0", "3/3",
					   "4/3", "1/3x", "+1/3", " 1/3", "1/-3" };
	(void)state;

	assert_int_equal(batch_parse_shard("0/1", &k, &n, &e), 0);
	assert_true(k == 0 && n == 1);
	assert_int_equal(batch_parse_shard("2/3", &k, &n, &e), 0);
	assert_true(k == 2 && n == 3);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(batch_parse_shard(bad[i], &k, &n, &e), ERR_INPUT);
		assert_non_null(strstr(e.msg, "--shard"));
	}
	/* Runs r = k, k + n, ... below nruns: ceil((nruns - k) / n). */
	assert_int_equal(batch_shard_size(54, 0, 3), 18);
	assert_int_equal(batch_shard_size(10, 0, 3), 4); /* 0 3 6 9 */
	assert_int_equal(batch_shard_size(10, 1, 3), 3); /* 1 4 7 */
	assert_int_equal(batch_shard_size(10, 2, 3), 3); /* 2 5 8 */
	assert_int_equal(batch_shard_size(2, 2, 3), 0);
	assert_int_equal(batch_shard_size(5, 0, 1), 5);
	assert_true(batch_default_jobs() >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shards),
		cmocka_unit_test(test_same_rows),
		cmocka_unit_test(test_kill_resume),
		cmocka_unit_test(test_stop_finishes_in_flight),
		cmocka_unit_test(test_signal_stops),
		cmocka_unit_test(test_abort_writes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
