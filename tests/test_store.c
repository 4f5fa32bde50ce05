/*
 * test_store.c -- the SQLite results database: schema (SPEC.md "Results
 * database"), round trip of every table, append-only run ids, all-or-
 * nothing writes (fault hook, a real full database), read-only files,
 * concurrent writers, resume lookups, and the report formats.
 */
#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "results.h"
#include "store.h"

/* ---- helpers ---------------------------------------------------------- */

static const char *db_path(const char *name)
{
	static char path[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tu_tmpdir(), name);
	return path[k];
}

static void open_ok(struct store *s, const char *path, int readonly)
{
	struct err e = { 0 };

	if (store_open(s, path, readonly, &e) != 0)
		fail_msg("store_open %s: %s", path, e.msg);
}

/* All rows of a query, columns joined by '|', rows by '\n'; NULL as "NULL". */
static const char *rows_text(sqlite3 *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *rows_text(sqlite3 *db, const char *fmt, ...)
{
	static char out[8192];
	char sql[1024];
	sqlite3_stmt *st;
	va_list ap;
	size_t n = 0;
	int rc;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	out[0] = '\0';
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i;

		if (n)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\n");
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);

			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "|" : "",
					      v ? v : "NULL");
		}
	}
	if (rc != SQLITE_DONE)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return out;
}

static long long count(sqlite3 *db, const char *table, long long run_id)
{
	return atoll(rows_text(db, "SELECT count(*) FROM %s WHERE run_id = %lld", table, run_id));
}

static const char *const child_tables[] = { "summary",	    "nodes",	    "pods",
					    "events",	    "node_samples", "pod_samples",
					    "service_samples", "scores" };

/* Rows of run_id over all tables (runs included). */
static long long rows_of_run(sqlite3 *db, long long run_id)
{
	long long n = count(db, "runs", run_id);
	size_t i;

	for (i = 0; i < ARRAY_LEN(child_tables); i++)
		n += count(db, child_tables[i], run_id);
	return n;
}

/* Every row of run_id in every table, as text (into buf). */
static void snapshot(sqlite3 *db, long long run_id, char *buf, size_t n)
{
	size_t i, len;

	len = (size_t)snprintf(buf, n, "%s\n",
			       rows_text(db, "SELECT * FROM runs WHERE run_id = %lld", run_id));
	for (i = 0; i < ARRAY_LEN(child_tables) && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s\n",
					rows_text(db, "SELECT * FROM %s WHERE run_id = %lld"
						      " ORDER BY rowid",
						  child_tables[i], run_id));
}

/*
 * A run with hand-picked values in every table, NAN fields and NULL
 * strings included. 2 rows per child table, so 1 + 1 + 7 * 2 = 16 rows.
 */
static void fill_small(struct results *r, const char *scenario)
{
	struct res_node *n;
	struct res_pod *p;
	struct res_node_sample *ns;
	struct res_pod_sample *ps;
	struct res_service_sample *ss;
	struct res_score *sc;
	int i;

	r->run.scenario = results_name(r, scenario);
	memset(r->run.scenario_sha256, 'a', 64);
	r->run.seed = 7;
	r->run.params = "{\"node_groups.workers.count\":2}";
	r->run.point = 3;
	r->run.sim_seconds = 3600;
	r->run.wall_seconds = 0.5;
	r->run.events = 12345;
	r->run.version = "0.1.0";

	r->summary = (struct res_summary){ .cost_usd = 0.0928, .cost_per_month_usd = 66.816,
					   .node_hours = 2, .requests = 1000, .errors = 2,
					   .error_rate = 0.002, .latency_mean_ms = 20.5,
					   .latency_p50_ms = 12.5, .latency_p95_ms = 40.25,
					   .latency_p99_ms = NAN, .latency_max_ms = 900,
					   .oom_kills = 1, .evictions = 0, .restarts = 1,
					   .max_nodes = 2, .max_pending_pods = 3,
					   .pending_pod_seconds = 45.5,
					   .credits_exhausted_seconds = 0 };
	for (i = 0; i < 2; i++) {
		n = results_add_node(r);
		n->node = results_name(r, i ? "n-1" : "n-0");
		n->node_group = results_name(r, "workers");
		n->instance_type = results_name(r, "t3.medium");
		n->zone = results_name(r, i ? "us-east-1b" : "us-east-1a");
		n->created_t = 100.0 * i;
		n->ready_t = 100.0 * i + 90;
		if (i)
			n->deleted_t = 1800;
		n->cost_usd = 0.5;
	}
	p = results_add_pod(r);
	p->pod = results_name(r, "p-0");
	p->workload = results_name(r, "web");
	p->node = results_name(r, "n-0");
	p->created_t = 0;
	p->scheduled_t = 1;
	p->ready_t = 11.5;
	p = results_add_pod(r); /* never scheduled: node and times NULL */
	p->pod = results_name(r, "p-1");
	p->workload = results_name(r, "web");
	p->created_t = 5;
	p->restarts = 4;
	p->oom_kills = 3;
	p->end_reason = "OOMKilled";
	results_event(r, 12.5, "OOMKilled", "p-0", "n-0", "it's over the limit: %dMi", 100);
	results_event(r, 20, "ScaleUp", "workers", NULL, "%s", "1 -> 2");
	for (i = 0; i < 2; i++) {
		ns = results_add_node_sample(r);
		ns->t = 15;
		ns->node = results_name(r, i ? "n-1" : "n-0");
		ns->cpu_used = 1.25;
		ns->cpu_requested = 0.5;
		ns->cpu_capacity = 2;
		ns->mem_used = 1048576;
		ns->mem_requested = 524288;
		ns->mem_capacity = 4294967296.0;
		ns->pods = 3 + i;
		if (i)
			ns->credits = 12.5;
	}
	for (i = 0; i < 2; i++) {
		ps = results_add_pod_sample(r);
		ps->t = 15.0 * (i + 1);
		ps->pod = results_name(r, "p-0");
		ps->node = results_name(r, "n-0");
		ps->workload = results_name(r, "web");
		ps->cpu_used = 0.25;
		ps->mem_used = 104857600;
		ps->inflight = 2 + i;
		ps->ready = 1 - i;
	}
	for (i = 0; i < 2; i++) {
		ss = results_add_service_sample(r);
		ss->t = 15.0 * (i + 1);
		ss->workload = results_name(r, "web");
		ss->rps = 10.5;
		ss->completed = 150;
		ss->errors = i;
		if (i == 0) {
			ss->p50_ms = 12.5;
			ss->p95_ms = 40.25;
		}
		ss->replicas = 2;
		ss->ready_replicas = 1;
	}
	for (i = 0; i < 2; i++) {
		sc = results_add_score(r);
		sc->t = 1;
		sc->pod = results_name(r, "p-0");
		sc->node = results_name(r, "n-0");
		sc->plugin = results_name(r, i ? "total" : "NodeResourcesFit");
		sc->score = i ? 250 : 87.5;
	}
}

/* A run with n pod_samples (and nothing else but runs and summary). */
static void fill_samples(struct results *r, const char *scenario, int n)
{
	int i;

	r->run.scenario = results_name(r, scenario);
	memset(r->run.scenario_sha256, 'b', 64);
	r->run.seed = 1;
	for (i = 0; i < n; i++) {
		struct res_pod_sample *ps = results_add_pod_sample(r);

		ps->t = 15.0 * i;
		ps->pod = results_name(r, scenario);
		ps->node = results_name(r, "n-0");
		ps->workload = results_name(r, "web");
		ps->cpu_used = 0.001 * i;
		ps->mem_used = 1e8;
		ps->inflight = i % 7;
		ps->ready = 1;
	}
}

static int64_t write_ok(struct store *s, const struct results *r)
{
	struct err e = { 0 };
	int64_t id = -1;

	if (store_write_run(s, r, &id, &e) != 0)
		fail_msg("store_write_run: %s", e.msg);
	return id;
}

/* ---- schema ------------------------------------------------------------ */

/* Column lists copied from SPEC.md "Results database". */
static const char *const spec_columns[][2] = {
	{ "runs", "run_id,scenario,scenario_sha256,seed,params,point,sim_seconds,wall_seconds,"
		  "events,version,created_at" },
	{ "summary", "run_id,cost_usd,cost_per_month_usd,node_hours,requests,errors,error_rate,"
		     "latency_mean_ms,latency_p50_ms,latency_p95_ms,latency_p99_ms,"
		     "latency_max_ms,oom_kills,evictions,restarts,max_nodes,max_pending_pods,"
		     "pending_pod_seconds,credits_exhausted_seconds" },
	{ "nodes", "run_id,node,node_group,instance_type,zone,created_t,ready_t,deleted_t,"
		   "cost_usd" },
	{ "pods", "run_id,pod,workload,node,created_t,scheduled_t,ready_t,deleted_t,restarts,"
		  "oom_kills,end_reason" },
	{ "events", "run_id,t,kind,object,node,message" },
	{ "node_samples", "run_id,t,node,cpu_used,cpu_requested,cpu_capacity,mem_used,"
			  "mem_requested,mem_capacity,pods,credits" },
	{ "pod_samples", "run_id,t,pod,node,workload,cpu_used,mem_used,inflight,ready" },
	{ "service_samples", "run_id,t,workload,rps,completed,errors,p50_ms,p95_ms,p99_ms,"
			     "replicas,ready_replicas" },
	{ "scores", "run_id,t,pod,node,plugin,score" },
	{ "meta", "key,value" },
};

/*
 * The schema matches the SPEC column for column, is created in a folder
 * that did not exist, and opening again changes nothing.
 */
static void test_schema(void **state)
{
	const char *path = db_path("new/sub/dir/schema.db");
	char before[8192];
	struct store s;
	size_t i;

	(void)state;
	open_ok(&s, path, 0);
	for (i = 0; i < ARRAY_LEN(spec_columns); i++)
		assert_string_equal(rows_text(s.db,
					      "SELECT group_concat(name, ',') FROM (SELECT name"
					      " FROM pragma_table_info('%s') ORDER BY cid)",
					      spec_columns[i][0]),
				    spec_columns[i][1]);
	/* Types: times, money and cores REAL; counts INTEGER; names TEXT. */
	assert_string_equal(rows_text(s.db, "SELECT type FROM pragma_table_info('runs') WHERE"
					    " name IN ('run_id','seed','sim_seconds','scenario')"
					    " ORDER BY cid"),
			    "INTEGER\nTEXT\nINTEGER\nREAL");
	assert_string_equal(rows_text(s.db, "SELECT pk FROM pragma_table_info('runs')"
					    " WHERE name = 'run_id'"),
			    "1");
	/* An index on run_id of every child table (summary: its primary key). */
	for (i = 1; i < ARRAY_LEN(child_tables); i++)
		assert_string_equal(rows_text(s.db,
					      "SELECT count(*) FROM pragma_index_list('%s') l,"
					      " pragma_index_info(l.name) c"
					      " WHERE c.name = 'run_id'",
					      child_tables[i]),
				    "1");
	assert_string_equal(rows_text(s.db, "PRAGMA journal_mode"), "wal");
	/* synchronous NORMAL is 1. */
	assert_string_equal(rows_text(s.db, "PRAGMA synchronous"), "1");
	assert_string_equal(rows_text(s.db, "SELECT value FROM meta WHERE key='schema_version'"),
			    "1");
	snprintf(before, sizeof(before), "%s",
		 rows_text(s.db, "SELECT type, name, sql FROM sqlite_master ORDER BY name"));
	store_close(&s);

	open_ok(&s, path, 0);
	assert_string_equal(rows_text(s.db, "SELECT type, name, sql FROM sqlite_master"
					    " ORDER BY name"),
			    before);
	store_close(&s);
}

/* ---- round trip -------------------------------------------------------- */

/* Every value of every table reads back; NAN and NULL strings are NULL. */
static void test_round_trip(void **state)
{
	struct results r;
	struct store s;
	int64_t id;

	(void)state;
	results_init(&r);
	fill_small(&r, "story");
	open_ok(&s, db_path("roundtrip.db"), 0);
	id = write_ok(&s, &r);
	assert_int_equal(id, 1);

	assert_string_equal(
		rows_text(s.db, "SELECT run_id, scenario, scenario_sha256, seed, params, point,"
				" sim_seconds, wall_seconds, events, version FROM runs"),
		"1|story|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|7|"
		"{\"node_groups.workers.count\":2}|3|3600.0|0.5|12345|0.1.0");
	/* created_at: UTC ISO 8601 to the second, within a minute of now. */
	assert_string_equal(rows_text(s.db, "SELECT created_at ="
					    " strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', created_at),"
					    " abs(julianday('now') - julianday(created_at))"
					    " < 60.0 / 86400 FROM runs"),
			    "1|1");
	assert_string_equal(rows_text(s.db, "SELECT * FROM summary"),
			    "1|0.0928|66.816|2.0|1000|2|0.002|20.5|12.5|40.25|NULL|900.0|1|0|1|2|3|"
			    "45.5|0.0");
	assert_string_equal(rows_text(s.db, "SELECT * FROM nodes ORDER BY rowid"),
			    "1|n-0|workers|t3.medium|us-east-1a|0.0|90.0|NULL|0.5\n"
			    "1|n-1|workers|t3.medium|us-east-1b|100.0|190.0|1800.0|0.5");
	assert_string_equal(rows_text(s.db, "SELECT * FROM pods ORDER BY rowid"),
			    "1|p-0|web|n-0|0.0|1.0|11.5|NULL|0|0|NULL\n"
			    "1|p-1|web|NULL|5.0|NULL|NULL|NULL|4|3|OOMKilled");
	assert_string_equal(rows_text(s.db, "SELECT * FROM events ORDER BY rowid"),
			    "1|12.5|OOMKilled|p-0|n-0|it's over the limit: 100Mi\n"
			    "1|20.0|ScaleUp|workers|NULL|1 -> 2");
	assert_string_equal(rows_text(s.db, "SELECT * FROM node_samples ORDER BY rowid"),
			    "1|15.0|n-0|1.25|0.5|2.0|1048576.0|524288.0|4294967296.0|3|NULL\n"
			    "1|15.0|n-1|1.25|0.5|2.0|1048576.0|524288.0|4294967296.0|4|12.5");
	assert_string_equal(rows_text(s.db, "SELECT * FROM pod_samples ORDER BY rowid"),
			    "1|15.0|p-0|n-0|web|0.25|104857600.0|2|1\n"
			    "1|30.0|p-0|n-0|web|0.25|104857600.0|3|0");
	assert_string_equal(rows_text(s.db, "SELECT * FROM service_samples ORDER BY rowid"),
			    "1|15.0|web|10.5|150|0|12.5|40.25|NULL|2|1\n"
			    "1|30.0|web|10.5|150|1|NULL|NULL|NULL|2|1");
	assert_string_equal(rows_text(s.db, "SELECT * FROM scores ORDER BY rowid"),
			    "1|1.0|p-0|n-0|NodeResourcesFit|87.5\n"
			    "1|1.0|p-0|n-0|total|250.0");
	/* Stored types, not just text: REAL columns hold reals, counts integers. */
	assert_string_equal(rows_text(s.db, "SELECT typeof(cost_per_month_usd), typeof(requests),"
					    " typeof(latency_p99_ms) FROM summary"),
			    "real|integer|null");
	store_close(&s);
	results_release(&r);
}

/* Runs are appended with increasing run_ids, across reopenings. */
static void test_append(void **state)
{
	const char *path = db_path("append.db");
	struct results r;
	struct store s;
	int i;

	(void)state;
	results_init(&r);
	fill_small(&r, "story");
	open_ok(&s, path, 0);
	for (i = 1; i <= 3; i++)
		assert_int_equal(write_ok(&s, &r), i);
	store_close(&s);
	open_ok(&s, path, 0);
	assert_int_equal(write_ok(&s, &r), 4);
	assert_string_equal(rows_text(s.db, "SELECT group_concat(run_id) FROM runs"), "1,2,3,4");
	/* 16 rows per run (fill_small), none shared or lost. */
	for (i = 1; i <= 4; i++)
		assert_int_equal(rows_of_run(s.db, i), 16);
	store_close(&s);
	results_release(&r);
}

/* ---- all or nothing ---------------------------------------------------- */

/*
 * A failure after k rows, for k at the runs row, the summary, inside the
 * child tables and at the very last row, leaves no row of the failed run
 * in any table and the earlier run untouched.
 */
static void test_fault_hook(void **state)
{
	static const long fail_at[] = { 1, 2, 3, 9, 15, 16 };
	static char before[16384], after[16384];
	struct results r;
	struct store s;
	size_t i;

	(void)state;
	results_init(&r);
	fill_small(&r, "story");
	open_ok(&s, db_path("fault.db"), 0);
	assert_int_equal(write_ok(&s, &r), 1);
	snapshot(s.db, 1, before, sizeof(before));
	for (i = 0; i < ARRAY_LEN(fail_at); i++) {
		struct err e = { 0 };
		int64_t id = -1;

		s.fail_after_rows = fail_at[i];
		assert_int_equal(store_write_run(&s, &r, &id, &e), ERR_RUN);
		assert_int_equal(e.code, ERR_RUN);
		assert_non_null(strstr(e.msg, s.path));
		assert_non_null(strstr(e.msg, "injected failure"));
		assert_int_equal(id, -1);
		assert_string_equal(rows_text(s.db, "SELECT count(*) FROM runs"), "1");
		/* run_id 2 is what the failed write got; nothing of it is left. */
		assert_int_equal(rows_of_run(s.db, 2), 0);
		assert_int_equal(rows_of_run(s.db, 1), 16);
		snapshot(s.db, 1, after, sizeof(after));
		assert_string_equal(after, before);
	}
	s.fail_after_rows = 0;
	assert_int_equal(write_ok(&s, &r), 2);
	assert_int_equal(rows_of_run(s.db, 2), 16);
	store_close(&s);
	results_release(&r);
}

/*
 * Big tables go in statements of many rows (store.c), the tail one by one:
 * 3 x 64 + 7 = 199 samples come back in order with their values, and an
 * injected failure inside a statement's rows (row 2 + 100: runs, summary,
 * then the 100th sample, in the second group of 64) stops after exactly
 * that many rows and leaves nothing of the run.
 */
static void test_many_rows_per_statement(void **state)
{
	enum { N = 3 * 64 + 7 };
	struct results r;
	struct store s;
	struct err e = { 0 };
	int64_t id = -1;
	char want[64];

	(void)state;
	results_init(&r);
	fill_samples(&r, "batch", N);
	open_ok(&s, db_path("batch.db"), 0);
	s.fail_after_rows = 2 + 100;
	assert_int_equal(store_write_run(&s, &r, &id, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, "after 102 rows"));
	assert_int_equal(rows_of_run(s.db, 1), 0);
	s.fail_after_rows = 0;
	assert_int_equal(write_ok(&s, &r), 1);
	assert_string_equal(rows_text(s.db, "SELECT count(*), min(rowid) = max(rowid) - %d FROM "
					    "pod_samples WHERE run_id = 1", N - 1),
			    "199|1");
	/* Row i (rowid order) is sample i: t = 15 i, inflight = i % 7. */
	assert_string_equal(rows_text(s.db, "SELECT count(*) FROM pod_samples WHERE run_id = 1"
					    " AND (t != 15.0 * (rowid - 1) OR inflight != (rowid - 1) %% 7)"),
			    "0");
	snprintf(want, sizeof(want), "%d|%d|%.3f", N - 1, (N - 1) % 7, 0.001 * (N - 1));
	assert_string_equal(rows_text(s.db, "SELECT rowid - 1, inflight, printf('%%.3f', cpu_used)"
					    " FROM pod_samples WHERE run_id = 1 ORDER BY rowid DESC LIMIT 1"),
			    want);
	store_close(&s);
	results_release(&r);
}

/*
 * A real SQLite failure in the middle of a big run: the database may grow
 * by 25 pages only (PRAGMA max_page_count, as a full disk would), and a run
 * of 20,000 pod samples (~1 MB) does not fit. The error names the file and
 * SQLite's reason; the run leaves nothing; with room again it is written.
 */
static void test_full_disk(void **state)
{
	struct results small, big;
	struct store s;
	struct err e = { 0 };
	long long pages;
	int64_t id = -1;

	(void)state;
	results_init(&small);
	results_init(&big);
	fill_small(&small, "story");
	fill_samples(&big, "big", 20000);
	open_ok(&s, db_path("full.db"), 0);
	assert_int_equal(write_ok(&s, &small), 1);
	pages = atoll(rows_text(s.db, "PRAGMA page_count"));
	rows_text(s.db, "PRAGMA max_page_count = %lld", pages + 25);
	assert_int_equal(store_write_run(&s, &big, &id, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, s.path));
	assert_non_null(strstr(e.msg, "database or disk is full"));
	assert_string_equal(rows_text(s.db, "SELECT count(*) FROM runs"), "1");
	assert_int_equal(rows_of_run(s.db, 2), 0);
	assert_int_equal(rows_of_run(s.db, 1), 16);
	assert_string_equal(rows_text(s.db, "PRAGMA integrity_check"), "ok");
	rows_text(s.db, "PRAGMA max_page_count = 1000000");
	assert_int_equal(write_ok(&s, &big), 2);
	assert_int_equal(rows_of_run(s.db, 2), 1 + 1 + 20000);
	store_close(&s);
	results_release(&small);
	results_release(&big);
}

/* ---- read-only and unusable paths --------------------------------------- */

/* A store opened read-only refuses to write, with the path and reason. */
static void test_readonly_connection(void **state)
{
	const char *path = db_path("ro-conn.db");
	struct results r;
	struct store s;
	struct err e = { 0 };

	(void)state;
	results_init(&r);
	fill_small(&r, "story");
	open_ok(&s, path, 0);
	write_ok(&s, &r);
	store_close(&s);
	open_ok(&s, path, 1);
	assert_int_equal(store_write_run(&s, &r, NULL, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "readonly"));
	assert_string_equal(rows_text(s.db, "SELECT count(*) FROM runs"), "1");
	store_close(&s);
	results_release(&r);
}

/*
 * Opens path for writing and sends the error message up a pipe; exits 0
 * when store_open failed with ERR_RUN, 1 when it succeeded, 2 otherwise.
 */
static void try_open_child(const char *path, int fd)
{
	struct store s;
	struct err e = { 0 };
	int rc = store_open(&s, path, 0, &e);

	if (rc == 0)
		store_close(&s);
	if (write(fd, e.msg, strlen(e.msg) + 1) < 0)
		_exit(2);
	_exit(rc == ERR_RUN ? 0 : rc == 0 ? 1 : 2);
}

/*
 * A file without write permission (chmod 0444) gives a clear message at
 * open. Tests usually run as root, whom permissions do not stop, so the
 * opening is done by a child process that first drops to uid/gid 65534
 * ("nobody"); as another user, the child simply keeps its identity.
 */
static void test_readonly_file(void **state)
{
	char dir[256], path[300], msg[1024] = "";
	struct results r;
	struct store s;
	int fds[2], status;
	pid_t pid;
	ssize_t got;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/clustersim-ro-%ld", (long)getpid());
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/ro.db", dir);
	results_init(&r);
	fill_small(&r, "story");
	open_ok(&s, path, 0);
	write_ok(&s, &r);
	store_close(&s); /* the last connection checkpoints and removes the WAL */
	assert_int_equal(chmod(path, 0444), 0);

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		try_open_child(path, fds[1]);
	}
	close(fds[1]);
	got = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	assert_true(waitpid(pid, &status, 0) == pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 3) {
		/* Root without CAP_SETUID (some containers): cannot test here. */
		assert_int_equal(tu_run(NULL, 0, "rm -rf '%s'", dir), 0);
		results_release(&r);
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(got > 0);
	assert_non_null(strstr(msg, path));
	assert_non_null(strstr(msg, "read-only"));

	/* The file is intact for readers. */
	open_ok(&s, path, 1);
	assert_string_equal(rows_text(s.db, "SELECT count(*) FROM runs"), "1");
	store_close(&s);
	/* The reader may leave -wal and -shm files next to it. */
	assert_int_equal(tu_run(NULL, 0, "rm -rf '%s'", dir), 0);
	results_release(&r);
}

/* Paths that cannot hold a database fail at open with what went wrong. */
static void test_bad_paths(void **state)
{
	struct store s;
	struct err e = { 0 };
	const char *file = tu_write_file("plain.txt", "not a database, just text long enough"
						      " to fill SQLite's 100-byte header ......."
						      "........................................\n");
	char path[600];

	(void)state;
	/* A folder in the path is a regular file. */
	snprintf(path, sizeof(path), "%s/sub/x.db", file);
	assert_int_equal(store_open(&s, path, 0, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "folder"));
	/* Reading a database that does not exist. */
	err_clear(&e);
	assert_int_equal(store_open(&s, db_path("missing.db"), 1, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, "missing.db: cannot open"));
	/* A file that is not SQLite, for reading and for writing. */
	err_clear(&e);
	assert_int_equal(store_open(&s, file, 1, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, "file is not a database"));
	err_clear(&e);
	assert_int_equal(store_open(&s, file, 0, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, "file is not a database"));
	assert_null(s.db);
}

/* ---- concurrency ------------------------------------------------------- */

enum { WRITERS = 2, RUNS_EACH = 20, SAMPLES = 50 };

/* Waits for the start signal, then writes RUNS_EACH runs; exit 0 if all ok. */
static void writer_child(const char *path, int start_fd, int k)
{
	char name[32], c;
	struct store s;
	struct err e = { 0 };
	int i, ok = 1;

	if (read(start_fd, &c, 1) < 0)
		_exit(2);
	if (store_open(&s, path, 0, &e) != 0) {
		fprintf(stderr, "writer %d: %s\n", k, e.msg);
		_exit(1);
	}
	snprintf(name, sizeof(name), "writer-%d", k);
	for (i = 0; i < RUNS_EACH && ok; i++) {
		struct results r;

		results_init(&r);
		fill_samples(&r, name, SAMPLES);
		r.run.seed = (uint64_t)i;
		if (store_write_run(&s, &r, NULL, &e) != 0) {
			fprintf(stderr, "writer %d: %s\n", k, e.msg);
			ok = 0;
		}
		results_release(&r);
	}
	store_close(&s);
	_exit(ok ? 0 : 1);
}

/*
 * Two processes create the same new database at the same moment and append
 * 20 runs each: all 40 runs arrive whole, none mixed, and the file passes
 * SQLite's integrity check.
 */
static void test_concurrent_writers(void **state)
{
	const char *path = db_path("concurrent/shared.db");
	pid_t pid[WRITERS];
	int go[2], k, status;
	struct store s;

	(void)state;
	assert_int_equal(pipe(go), 0);
	for (k = 0; k < WRITERS; k++) {
		pid[k] = fork();
		assert_true(pid[k] >= 0);
		if (pid[k] == 0) {
			close(go[1]);
			writer_child(path, go[0], k);
		}
	}
	close(go[0]);
	close(go[1]); /* both children's read() returns now: start */
	for (k = 0; k < WRITERS; k++) {
		assert_true(waitpid(pid[k], &status, 0) == pid[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	open_ok(&s, path, 1);
	assert_string_equal(rows_text(s.db, "PRAGMA integrity_check"), "ok");
	assert_string_equal(rows_text(s.db, "SELECT count(*), count(DISTINCT run_id) FROM runs"),
			    "40|40");
	assert_string_equal(rows_text(s.db, "SELECT scenario, count(*), count(DISTINCT seed)"
					    " FROM runs GROUP BY scenario ORDER BY scenario"),
			    "writer-0|20|20\nwriter-1|20|20");
	/* Every run has its 50 samples, all named after its own writer. */
	assert_string_equal(rows_text(s.db, "SELECT count(*) FROM runs r WHERE"
					    " (SELECT count(*) FROM pod_samples p WHERE"
					    "  p.run_id = r.run_id AND p.pod = r.scenario) = 50"),
			    "40");
	assert_string_equal(rows_text(s.db, "SELECT count(*) FROM pod_samples"), "2000");
	store_close(&s);
}

/* ---- resume ------------------------------------------------------------ */

static void test_has_run(void **state)
{
	struct results r;
	struct store s;
	struct err e = { 0 };
	char sha[65];
	int found = -1;

	(void)state;
	results_init(&r);
	fill_small(&r, "story");
	memcpy(sha, r.run.scenario_sha256, sizeof(sha));
	sha[64] = '\0';
	open_ok(&s, db_path("resume.db"), 0);
	assert_int_equal(store_has_run(&s, sha, r.run.params, 7, &found, &e), 0);
	assert_int_equal(found, 0);
	write_ok(&s, &r);
	assert_int_equal(store_has_run(&s, sha, r.run.params, 7, &found, &e), 0);
	assert_int_equal(found, 1);
	assert_int_equal(store_has_run(&s, sha, r.run.params, 8, &found, &e), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_has_run(&s, sha, "{}", 7, &found, &e), 0);
	assert_int_equal(found, 0);
	sha[0] = 'b';
	assert_int_equal(store_has_run(&s, sha, r.run.params, 7, &found, &e), 0);
	assert_int_equal(found, 0);
	store_close(&s);
	results_release(&r);
}

/* ---- report ------------------------------------------------------------ */

/* Runs store_report into a string (static, valid until the next call). */
static const char *report(struct store *s, int64_t run_id, enum report_format fmt, int *rc,
			  struct err *e)
{
	static char *buf;
	size_t len;
	FILE *f;

	free(buf);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	*rc = store_report(s, run_id, fmt, f, e);
	fclose(f);
	return buf;
}

/* One run of the migration story: two t2.medium at 0.0464 USD/h for 720 h
 * cost 2 * 0.0464 * 720 = 66.816 USD/month (SPEC.md). */
static void fill_story(struct results *r, const char *scenario)
{
	r->run.scenario = results_name(r, scenario);
	memset(r->run.scenario_sha256, 'c', 64);
	r->run.seed = 1;
	r->summary = (struct res_summary){ .cost_per_month_usd = 2 * 0.0464 * 720,
					   .requests = 1000, .errors = 2, .error_rate = 0.002,
					   .latency_p50_ms = 12.5, .latency_p95_ms = 40.25,
					   .latency_p99_ms = 80.4, .oom_kills = 1, .restarts = 1,
					   .max_nodes = 2 };
}

/*
 * The text table, exactly: numbers right-aligned, text left-aligned, two
 * spaces between columns, each column as wide as its widest cell; cost to
 * 3 decimals (66.816), latencies to 2, error_rate with 4 significant digits.
 */
static void test_report_text_exact(void **state)
{
	struct results r;
	struct store s;
	struct err e = { 0 };
	int rc;
	const char *out;

	(void)state;
	results_init(&r);
	fill_story(&r, "story");
	open_ok(&s, db_path("report-text.db"), 0);
	out = report(&s, 0, REPORT_TEXT, &rc, &e);
	assert_int_equal(rc, 0);
	/* An empty database: the header only. */
	assert_string_equal(out, "run_id  scenario  seed  point  params  cost/month  requests"
				 "  errors  error_rate  p50_ms  p95_ms  p99_ms  oom_kills"
				 "  restarts  max_nodes\n");
	write_ok(&s, &r);
	out = report(&s, 0, REPORT_TEXT, &rc, &e);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "run_id  scenario  seed  point  params  cost/month  requests"
				 "  errors  error_rate  p50_ms  p95_ms  p99_ms  oom_kills"
				 "  restarts  max_nodes\n"
				 "     1  story        1      0  {}          66.816      1000"
				 "       2       0.002   12.50   40.25   80.40          1"
				 "         1          2\n");
	store_close(&s);
	results_release(&r);
}

/* --run filters; an unknown run is bad input. */
static void test_report_filter(void **state)
{
	struct results a, b;
	struct store s;
	struct err e = { 0 };
	int rc;
	const char *out;

	(void)state;
	results_init(&a);
	results_init(&b);
	fill_story(&a, "alpha");
	fill_story(&b, "beta");
	open_ok(&s, db_path("report-filter.db"), 0);
	write_ok(&s, &a);
	write_ok(&s, &b);
	out = report(&s, 2, REPORT_TEXT, &rc, &e);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "alpha"));
	assert_non_null(strstr(out, "beta"));
	out = report(&s, 2, REPORT_CSV, &rc, &e);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "alpha"));
	out = report(&s, 99, REPORT_JSON, &rc, &e);
	assert_int_equal(rc, ERR_INPUT);
	assert_non_null(strstr(e.msg, "no run with run_id 99"));
	assert_non_null(strstr(e.msg, s.path));
	assert_string_equal(out, "");
	store_close(&s);
	results_release(&a);
	results_release(&b);
}

/* Splits one CSV line (RFC 4180 quoting) into fields; returns the count. */
static int csv_split(const char *line, char fields[][128], int max)
{
	int n = 0;

	while (n < max) {
		size_t k = 0;

		if (*line == '"') {
			for (line++; *line && !(line[0] == '"' && line[1] != '"'); line++) {
				if (*line == '"')
					line++;
				fields[n][k++] = *line;
			}
			line++;
		} else {
			while (*line && *line != ',' && *line != '\n')
				fields[n][k++] = *line++;
		}
		fields[n++][k] = '\0';
		if (*line != ',')
			break;
		line++;
	}
	return n;
}

/* CSV: a header of every runs and summary column (run_id once), then rows
 * whose fields read back to the values written; quoting per RFC 4180. */
static void test_report_csv(void **state)
{
	static char f[40][128];
	char header[1024];
	struct results r;
	struct store s;
	struct err e = { 0 };
	const char *out, *row;
	int rc, n;

	(void)state;
	results_init(&r);
	fill_small(&r, "story, \"the\" migration");
	open_ok(&s, db_path("report-csv.db"), 0);
	write_ok(&s, &r);
	out = report(&s, 0, REPORT_CSV, &rc, &e);
	assert_int_equal(rc, 0);
	row = strchr(out, '\n');
	assert_non_null(row);
	/* runs' columns, then summary's without its leading "run_id,". */
	snprintf(header, sizeof(header), "%s,%s\n", spec_columns[0][1],
		 spec_columns[1][1] + strlen("run_id,"));
	assert_int_equal(row + 1 - out, strlen(header));
	assert_memory_equal(out, header, strlen(header));
	n = csv_split(row + 1, f, 40);
	/* 11 runs columns + 18 summary columns. */
	assert_int_equal(n, 29);
	assert_string_equal(f[0], "1");
	assert_string_equal(f[1], "story, \"the\" migration");
	assert_string_equal(f[4], "{\"node_groups.workers.count\":2}");
	assert_string_equal(f[12], "66.816"); /* cost_per_month_usd, shortest form */
	assert_string_equal(f[11], "0.0928");
	assert_string_equal(f[20], "");       /* latency_p99_ms NULL */
	assert_string_equal(f[28], "0");      /* credits_exhausted_seconds */
	assert_int_equal(strlen(row + 1) > 0 && row[strlen(row) - 1] == '\n', 1);
	store_close(&s);
	results_release(&r);
}

/* JSON: valid (SQLite's own JSON parser), strings escaped, NULL as null. */
static void test_report_json(void **state)
{
	struct results a, b;
	struct store s;
	struct err e = { 0 };
	sqlite3 *mem;
	sqlite3_stmt *st;
	const char *out;
	int rc;

	(void)state;
	results_init(&a);
	results_init(&b);
	fill_small(&a, "quote\" backslash\\ newline\n tab\t bell\a end");
	fill_story(&b, "plain");
	open_ok(&s, db_path("report-json.db"), 0);
	out = report(&s, 0, REPORT_JSON, &rc, &e);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "[]\n");
	write_ok(&s, &a);
	write_ok(&s, &b);
	out = report(&s, 0, REPORT_JSON, &rc, &e);
	assert_int_equal(rc, 0);

	assert_int_equal(sqlite3_open(":memory:", &mem), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(mem,
					    "SELECT json_valid(?1), json_array_length(?1),"
					    " json_extract(?1, '$[0].scenario'),"
					    " json_type(?1, '$[0].latency_p99_ms'),"
					    " json_extract(?1, '$[0].cost_per_month_usd'),"
					    " json_extract(?1, '$[1].run_id'),"
					    " json_extract(?1, '$[0].params'),"
					    " json_type(?1, '$[1].seed')",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, out, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_int_equal(sqlite3_column_int(st, 1), 2);
	assert_string_equal((const char *)sqlite3_column_text(st, 2),
			    "quote\" backslash\\ newline\n tab\t bell\a end");
	assert_string_equal((const char *)sqlite3_column_text(st, 3), "null");
	assert_true(sqlite3_column_double(st, 4) == 66.816);
	assert_int_equal(sqlite3_column_int(st, 5), 2);
	assert_string_equal((const char *)sqlite3_column_text(st, 6),
			    "{\"node_groups.workers.count\":2}");
	assert_string_equal((const char *)sqlite3_column_text(st, 7), "integer");
	sqlite3_finalize(st);
	sqlite3_close(mem);
	store_close(&s);
	results_release(&a);
	results_release(&b);
}

/* Whitespace-separated tokens of the report line starting with prefix. */
static int line_tokens(const char *text, const char *prefix, char tok[][64], int max)
{
	const char *p = text;
	int n = 0;

	while (p && strncmp(p, prefix, strlen(prefix)) != 0) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return 0;
	while (n < max && *p && *p != '\n') {
		int k = 0;

		while (*p == ' ')
			p++;
		while (*p && *p != ' ' && *p != '\n' && k < 63)
			tok[n][k++] = *p++;
		tok[n++][k] = '\0';
	}
	return n;
}

/*
 * Three replications of point 1 (same scenario hash and params, seeds 1..3)
 * with cost/month {100, 110, 120}, p99 {200, 220, 240} ms and error rate
 * {0.01, 0.02, 0.03}, and one run of point 2. By hand: means 110, 220,
 * 0.02; sds 10, 20, 0.01; half-width = t(0.975, 2) * sd / sqrt(3) with
 * t(0.975, 2) = 4.302653 (t table): 24.841, 49.68, 0.02484. Point 2 has
 * one run: no half-width ("-").
 */
static void test_report_points(void **state)
{
	static char tok[16][64];
	struct store s;
	struct err e = { 0 };
	const char *out;
	int i, rc, n;

	(void)state;
	open_ok(&s, db_path("report-points.db"), 0);
	for (i = 0; i < 4; i++) {
		struct results r;

		results_init(&r);
		fill_story(&r, "sweep");
		r.run.point = i < 3 ? 1 : 2;
		r.run.params = i < 3 ? "{\"n\":2}" : "{\"n\":3}";
		r.run.seed = (uint64_t)(i % 3 + 1);
		r.summary.cost_per_month_usd = 100 + 10 * (i % 3);
		r.summary.latency_p99_ms = 200 + 20 * (i % 3);
		r.summary.error_rate = 0.01 * (i % 3 + 1);
		write_ok(&s, &r);
		results_release(&r);
	}
	out = report(&s, 0, REPORT_TEXT, &rc, &e);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\nby point: mean and 95 % confidence half-width"));
	n = line_tokens(strstr(out, "\nby point"), "point", tok, 16);
	assert_int_equal(n, 10);
	assert_string_equal(tok[3], "n");
	assert_string_equal(tok[4], "cost/month");
	assert_string_equal(tok[5], "+-95%");
	n = line_tokens(strstr(out, "\nby point"), "    1", tok, 16);
	assert_int_equal(n, 10);
	assert_string_equal(tok[0], "1");
	assert_string_equal(tok[1], "sweep");
	assert_string_equal(tok[2], "{\"n\":2}");
	assert_string_equal(tok[3], "3");
	assert_string_equal(tok[4], "110.000");
	assert_string_equal(tok[5], "24.841");
	assert_string_equal(tok[6], "220.00");
	assert_string_equal(tok[7], "49.68");
	assert_string_equal(tok[8], "0.02");
	assert_string_equal(tok[9], "0.02484");
	n = line_tokens(strstr(out, "\nby point"), "    2", tok, 16);
	assert_int_equal(n, 10);
	assert_string_equal(tok[3], "1");
	assert_string_equal(tok[4], "100.000");
	assert_string_equal(tok[5], "-");
	assert_string_equal(tok[9], "-");

	/* One run asked for: no grouping. */
	out = report(&s, 1, REPORT_TEXT, &rc, &e);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "by point"));
	store_close(&s);
}

/* Without replications there is no second table. */
static void test_report_no_points(void **state)
{
	struct results a, b;
	struct store s;
	struct err e = { 0 };
	const char *out;
	int rc;

	(void)state;
	results_init(&a);
	results_init(&b);
	fill_story(&a, "x");
	fill_story(&b, "x");
	b.run.params = "{\"n\":3}";
	open_ok(&s, db_path("report-nopoints.db"), 0);
	write_ok(&s, &a);
	write_ok(&s, &b);
	out = report(&s, 0, REPORT_TEXT, &rc, &e);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "by point"));
	store_close(&s);
	results_release(&a);
	results_release(&b);
}

/* The databases of this run go with it. */
static int remove_tmpdir(void **state)
{
	(void)state;
	return tu_run(NULL, 0, "rm -rf '%s'", tu_tmpdir());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_fault_hook),
		cmocka_unit_test(test_full_disk),
		cmocka_unit_test(test_many_rows_per_statement),
		cmocka_unit_test(test_readonly_connection),
		cmocka_unit_test(test_readonly_file),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_has_run),
		cmocka_unit_test(test_report_text_exact),
		cmocka_unit_test(test_report_filter),
		cmocka_unit_test(test_report_csv),
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_report_points),
		cmocka_unit_test(test_report_no_points),
	};
	return cmocka_run_group_tests(tests, NULL, remove_tmpdir);
}
