/*
 * test_plot.c -- `clustersim plot`: the data handed to gnuplot, the Pareto
 * front, the sweep points and their SLO verdicts, the charts themselves
 * (valid PNG 1280x720 / SVG of plausible size), the review page and the
 * command line.
 *
 * Three databases are built here with SQL in the schema of shared/SPEC.md
 * "Results database":
 *   tiny.db   one run of 120 s, 3 nodes, a few samples and events, small
 *             enough that every data file is written out below by hand;
 *   story.db  one run of 6 h in the shape of the SPEC's story (a crowded
 *             worker near its 2 vCPU, OOM kills, an autoscaled third node,
 *             HPA scaling, credits running out), to draw and look at;
 *   sweep.db  6 parameter points x 3 replications with chosen costs and
 *             p99s: dominated points, a tie in cost, varying cost, and a
 *             point with huge error bars on the Pareto front.
 * gnuplot is required: a test that needs it fails when it is missing.
 */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "base.h"
#include "plot.h"
#include "plot_data.h"
#include "slo.h"

/* t quantile 0.975 with 2 degrees of freedom. For 2 d.o.f. Student's CDF
 * is F(t) = 1/2 + t / (2 sqrt(2 + t^2)); F = 0.975 gives t^2 = 2 * 0.9025 /
 * 0.0975, t = 4.302652729749464 (tables: 4.303). */
#define T975_2 4.302652729749464

#define assert_near(a, b, tol)                                                           \
	do {                                                                             \
		double a_ = (a), b_ = (b);                                               \
		if (!(fabs(a_ - b_) <= (tol)))                                           \
			fail_msg("%s = %.12g, expected %.12g", #a, a_, b_);              \
	} while (0)

static const char schema[] =
	"CREATE TABLE runs(run_id INTEGER PRIMARY KEY, scenario TEXT, scenario_sha256 TEXT,"
	" seed INTEGER, params TEXT, point INTEGER, sim_seconds REAL, wall_seconds REAL,"
	" events INTEGER, version TEXT, created_at TEXT);"
	"CREATE TABLE summary(run_id INTEGER PRIMARY KEY, cost_usd REAL, cost_per_month_usd REAL,"
	" node_hours REAL, requests INTEGER, errors INTEGER, error_rate REAL,"
	" latency_mean_ms REAL, latency_p50_ms REAL, latency_p95_ms REAL, latency_p99_ms REAL,"
	" latency_max_ms REAL, oom_kills INTEGER, evictions INTEGER, restarts INTEGER,"
	" max_nodes INTEGER, max_pending_pods INTEGER, pending_pod_seconds REAL,"
	" credits_exhausted_seconds REAL);"
	"CREATE TABLE nodes(run_id INTEGER, node TEXT, node_group TEXT, instance_type TEXT,"
	" zone TEXT, created_t REAL, ready_t REAL, deleted_t REAL, cost_usd REAL);"
	"CREATE TABLE pods(run_id INTEGER, pod TEXT, workload TEXT, node TEXT, created_t REAL,"
	" scheduled_t REAL, ready_t REAL, deleted_t REAL, restarts INTEGER, oom_kills INTEGER,"
	" end_reason TEXT);"
	"CREATE TABLE events(run_id INTEGER, t REAL, kind TEXT, object TEXT, node TEXT,"
	" message TEXT);"
	"CREATE TABLE node_samples(run_id INTEGER, t REAL, node TEXT, cpu_used REAL,"
	" cpu_requested REAL, cpu_capacity REAL, mem_used REAL, mem_requested REAL,"
	" mem_capacity REAL, pods INTEGER, credits REAL);"
	"CREATE TABLE pod_samples(run_id INTEGER, t REAL, pod TEXT, node TEXT, workload TEXT,"
	" cpu_used REAL, mem_used REAL, inflight INTEGER, ready INTEGER);"
	"CREATE TABLE service_samples(run_id INTEGER, t REAL, workload TEXT, rps REAL,"
	" completed INTEGER, errors INTEGER, p50_ms REAL, p95_ms REAL, p99_ms REAL,"
	" replicas INTEGER, ready_replicas INTEGER);"
	"CREATE TABLE scores(run_id INTEGER, t REAL, pod TEXT, node TEXT, plugin TEXT,"
	" score REAL);";

static void sql(sqlite3 *db, const char *fmt, ...)
{
	va_list ap;
	char *s, *msg = NULL;

	va_start(ap, fmt);
	s = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (sqlite3_exec(db, s, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", s, msg);
	sqlite3_free(s);
}

static sqlite3 *db_create(const char *path)
{
	sqlite3 *db;
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sql(db, "%s", schema);
	sql(db, "BEGIN");
	return db;
}

static void db_done(sqlite3 *db)
{
	sql(db, "COMMIT");
	sqlite3_close(db);
}

static char db_paths[3][512];

/* ---- tiny.db: every row by hand ---- */

static const char *tiny_db(void)
{
	static const struct {
		const char *node;
		double t, cpu, mem, credits;
		int pods;
	} ns[] = {
		{"n-a", 0, 0.1, 1073741824, NAN, 2},   {"n-a", 30, 0.5, 2147483648, NAN, 3},
		{"n-a", 60, 1.25, 3221225472, NAN, 4}, {"n-a", 90, 1.5, 3221225472, NAN, 4},
		{"n-a", 120, 1.0, 2147483648, NAN, 3}, {"n-b", 0, 0.2, 536870912, NAN, 1},
		{"n-b", 30, 0.25, 536870912, NAN, 1},  {"n-b", 60, 0.25, 1073741824, NAN, 2},
		{"n-b", 90, 0.5, 1073741824, NAN, 2},  {"n-b", 120, 0.5, 1073741824, NAN, 2},
		{"n-c", 60, 0.0, 268435456, 0, 1},     {"n-c", 90, 0.4, 536870912, 0.5, 2},
	};
	const char *path = db_paths[0];
	sqlite3 *db;

	if (path[0])
		return path;
	snprintf(db_paths[0], sizeof(db_paths[0]), "%s/tiny.db", tu_tmpdir());
	db = db_create(path);
	sql(db, "INSERT INTO runs VALUES(1, 'tiny', 'aa11', 1, '{}', 0, 120, 0.01, 100, '0.1.0',"
		" '2024-01-01T00:00:00Z')");
	sql(db, "INSERT INTO summary VALUES(1, 0.01, 180, 0.07, 100, 1, 0.01, 8, 5, 20, 40, 60,"
		" 3, 0, 1, 3, 0, 0, 5)");
	/* n-c is inserted first: order comes from created_t, not from insertion. */
	sql(db, "INSERT INTO nodes VALUES(1, 'n-c', 'burst', 't3.medium', 'a', 60, 90, 110, 0.001),"
		" (1, 'n-b', 'workers', 'm5.large', 'b', 0, 30, NULL, 0.003),"
		" (1, 'n-a', 'workers', 'm5.large', 'a', 0, 30, NULL, 0.003)");
	for (size_t i = ARRAY_LEN(ns); i-- > 0;)
		sql(db, "INSERT INTO node_samples VALUES(1, %f, '%q', %f, 0.5, %s, %f, 0, %s, %d, %s)",
		    ns[i].t, ns[i].node, ns[i].cpu, strcmp(ns[i].node, "n-c") ? "1.93" : "2",
		    ns[i].mem, strcmp(ns[i].node, "n-c") ? "8589934592" : "4294967296", ns[i].pods,
		    isnan(ns[i].credits) ? "NULL" : (ns[i].credits ? "0.5" : "0"));
	sql(db, "INSERT INTO events VALUES(1, 20, 'Scheduled', 'user-server-1', 'n-a', ''),"
		" (1, 45, 'OOMKilled', 'user-server-1', 'n-a', 'limit 100Mi'),"
		" (1, 60, 'OOMKilled', 'user-server-2', 'n-b', ''),"
		" (1, 100, 'OOMKilled', 'user-server-3', NULL, ''),"
		" (1, 50, 'BackOff', 'user-server-1', 'n-a', ''),"
		" (1, 55, 'ScaleUp', 'burst', NULL, ''),"
		" (1, 90, 'NodeReady', 'n-c', 'n-c', ''),"
		" (1, 100, 'ScaleDown', 'burst', NULL, ''),"
		" (1, 110, 'NodeRemoved', 'n-c', 'n-c', ''),"
		" (1, 70, 'HPAScale', 'user-server', NULL, '2 -> 3'),"
		" (1, 95, 'CreditsExhausted', 'n-c', 'n-c', '')");
	sql(db, "INSERT INTO service_samples VALUES"
		" (1, 30, 'user-server', 10, 300, 0, 5, 20, 40, 2, 2),"
		" (1, 60, 'user-server', 10, 0, 0, NULL, NULL, NULL, 3, 2),"
		" (1, 90, 'user-server', 10, 300, 1, 4, 10, 30, 3, 3),"
		" (1, 120, 'user-server', 10, 300, 0, 4, 12, 35, 2, 2),"
		" (1, 30, 'worker', 0, 0, 0, NULL, NULL, NULL, 1, 0),"
		" (1, 60, 'worker', 0, 0, 0, NULL, NULL, NULL, 1, 1),"
		" (1, 90, 'worker', 0, 0, 0, NULL, NULL, NULL, 1, 1),"
		" (1, 120, 'worker', 0, 0, 0, NULL, NULL, NULL, 1, 1)");
	db_done(db);
	return path;
}

/* ---- story.db: a 6 h run to draw ---- */

/* Deterministic noise in [0, 1): a 32-bit LCG (Numerical Recipes constants). */
static double noise(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return (*s >> 8) / 16777216.0;
}

#define STORY_SHA "245ff2b367c0bc5c1d4a1900c64ecaf10afa060f655a3bf8dfea74050feb2812"
#define GiB 1073741824.0
#define MiB 1048576.0

static const char *story_db(void)
{
	static const char *const nodes[] = {"ip-10-0-1-17", "ip-10-0-2-41", "ip-10-0-3-77"};
	const char *path = db_paths[1];
	double credits[3] = {60, 144, 0}, grow = 0;
	uint32_t seed = 42;
	sqlite3 *db;

	if (path[0])
		return path;
	snprintf(db_paths[1], sizeof(db_paths[1]), "%s/story.db", tu_tmpdir());
	db = db_create(path);
	sql(db, "INSERT INTO runs VALUES(1, 'story-eks', '%s', 7, '{}', 0, 21600, 2.4, 1830000,"
		" '0.1.0', '2024-05-02T10:11:12Z')",
	    STORY_SHA);
	sql(db, "INSERT INTO summary VALUES(1, 0.2506, 100.224, 15.0, 1296000, 1296, 0.001, 61.5,"
		" 25.2, 110.4, 412.7, 2150, 3, 1, 3, 3, 4, 180, 14100)");
	sql(db, "INSERT INTO nodes VALUES(1, 'ip-10-0-1-17', 'workers', 't3.medium', 'us-east-1a',"
		" 0, 60, NULL, 0.25), (1, 'ip-10-0-2-41', 'workers', 't3.medium', 'us-east-1b', 0, 60,"
		" NULL, 0.25), (1, 'ip-10-0-3-77', 'workers', 't3.medium', 'us-east-1a', 7110, 7290,"
		" 18000, 0.12)");
	for (int t = 0; t <= 21600; t += 60) {
		double h = t / 3600.0, load = 0.5 - 0.5 * cos(2 * M_PI * h / 6);
		int rep = h < 1.8 ? 2 : h < 2.5 ? 4 : h < 4.5 ? 5 : 3;
		for (int n = 0; n < 3; n++) {
			double cpu, mem;
			int pods;
			if (n == 2 && (t < 7110 || t >= 18000))
				continue;
			if (n == 0) {
				cpu = 0.3 + 0.4 * load + 0.08 * noise(&seed);
				mem = 1.2 * GiB + 0.2 * load * GiB;
				pods = h < 2.5 ? 6 : 7;
			} else if (n == 1) {
				cpu = fmin(1.93, 0.9 + 1.3 * load + 0.1 * noise(&seed));
				/* user-server grows to its limit and is OOMKilled at 1.5, 3, 4.5 h */
				grow = fmod(h, 1.5) / 1.5 * 400 * MiB;
				mem = 1.9 * GiB + grow + 0.1 * load * GiB;
				pods = h < 1.8 ? 11 : 12;
			} else {
				cpu = t < 7290 ? 0.05 : 0.2 + 0.5 * load + 0.05 * noise(&seed);
				mem = (t < 7290 ? 0.3 : 0.8) * GiB;
				pods = t < 7290 ? 2 : 2 + (rep > 3 ? rep - 3 : 0);
			}
			/* t3.medium: 24 credits/h earned, one spent per vCPU-minute above 0 */
			credits[n] = fmax(0, fmin(576, credits[n] + 0.4 - cpu * (n == 1 ? 1 : 0.5)));
			sql(db, "INSERT INTO node_samples VALUES(1, %d, '%q', %f, 1.0, 1.93, %f,"
				" 2.0e9, 3.5e9, %d, %f)",
			    t, nodes[n], cpu, mem, pods, credits[n]);
		}
		sql(db, "INSERT INTO service_samples VALUES(1, %d, 'user-server', %f, %d, 0,"
			" %f, %f, %f, %d, %d)",
		    t, 40 + 60 * load, (int)(60 * (40 + 60 * load)), 18 + 12 * load + noise(&seed),
		    60 + 90 * load + 5 * noise(&seed),
		    (fmod(h, 1.5) < 0.05 && h > 1 ? 2200 : 120 + 320 * pow(load, 3)) +
			    10 * noise(&seed),
		    rep, t > 0 && fmod(h, 1.5) < 0.04 ? rep - 1 : rep);
		sql(db, "INSERT INTO service_samples VALUES(1, %d, 'frontend', %f, %d, 0, %f, %f, %f,"
			" 2, 2)",
		    t, 80 + 100 * load, (int)(60 * (80 + 100 * load)), 4 + noise(&seed),
		    11 + 2 * noise(&seed), 24 + 25 * load + 3 * noise(&seed));
	}
	sql(db, "INSERT INTO events VALUES (1, 60, 'NodeReady', 'ip-10-0-1-17', 'ip-10-0-1-17', ''),"
		" (1, 60, 'NodeReady', 'ip-10-0-2-41', 'ip-10-0-2-41', ''),"
		" (1, 5400, 'OOMKilled', 'user-server-7d9f-x2x8k', 'ip-10-0-2-41', ''),"
		" (1, 5410, 'BackOff', 'user-server-7d9f-x2x8k', 'ip-10-0-2-41', ''),"
		" (1, 10800, 'OOMKilled', 'user-server-7d9f-x2x8k', 'ip-10-0-2-41', ''),"
		" (1, 10810, 'BackOff', 'user-server-7d9f-x2x8k', 'ip-10-0-2-41', ''),"
		" (1, 16200, 'OOMKilled', 'user-server-7d9f-x2x8k', 'ip-10-0-2-41', ''),"
		" (1, 16210, 'BackOff', 'user-server-7d9f-x2x8k', 'ip-10-0-2-41', ''),"
		" (1, 6480, 'HPAScale', 'user-server', NULL, '2 -> 4'),"
		" (1, 9000, 'HPAScale', 'user-server', NULL, '4 -> 5'),"
		" (1, 16200, 'HPAScale', 'user-server', NULL, '5 -> 3'),"
		" (1, 7110, 'ScaleUp', 'workers', NULL, '2 -> 3'),"
		" (1, 7290, 'NodeReady', 'ip-10-0-3-77', 'ip-10-0-3-77', ''),"
		" (1, 7500, 'CreditsExhausted', 'ip-10-0-2-41', 'ip-10-0-2-41', ''),"
		" (1, 12000, 'Evicted', 'frontend-5c7b-qq9lz', 'ip-10-0-2-41', ''),"
		" (1, 17400, 'ScaleDown', 'workers', NULL, '3 -> 2'),"
		" (1, 18000, 'NodeRemoved', 'ip-10-0-3-77', 'ip-10-0-3-77', '')");
	db_done(db);
	return path;
}

/* ---- sweep.db: 6 points x 3 replications ---- */

struct sweep_point {
	const char *params;
	double cost[3], p99[3];
};

/*
 * Means (cost USD/month, p99 ms): P0 (60, 410), P1 (90, 190), P2 (120, 180),
 * P3 (120, 200), P4 (100, 300), P5 (180, 150).
 * Pareto front by hand: P0 (cheapest); P1 (faster than P0); P4 dominated by
 * P1 (cheaper and faster); P2 (faster than all cheaper); P3 dominated by P2
 * (same cost, slower); P5 (faster than all cheaper, despite its huge error
 * bars: the front is on the means). Front by cost: P0, P1, P2, P5.
 */
static const struct sweep_point sweep_points[] = {
	{"{\"node_groups.workers.instance_type\":\"t3.medium\",\"node_groups.workers.count\":2,"
	 "\"workloads.user-server.limits.memory\":\"100Mi\"}",
	 {60, 60, 60}, {400, 410, 420}},
	{"{\"node_groups.workers.instance_type\":\"t3.medium\",\"node_groups.workers.count\":3,"
	 "\"workloads.user-server.limits.memory\":\"100Mi\"}",
	 {90, 90, 90}, {150, 190, 230}},
	{"{\"node_groups.workers.instance_type\":\"t3.large\",\"node_groups.workers.count\":2,"
	 "\"workloads.user-server.limits.memory\":\"100Mi\"}",
	 {120, 120, 120}, {175, 180, 185}},
	{"{\"node_groups.workers.instance_type\":\"m5.large\",\"node_groups.workers.count\":2,"
	 "\"workloads.user-server.limits.memory\":\"100Mi\"}",
	 {120, 120, 120}, {195, 200, 205}},
	{"{\"node_groups.workers.instance_type\":\"t3.medium\",\"node_groups.workers.count\":2,"
	 "\"workloads.user-server.limits.memory\":\"256Mi\"}",
	 {100, 100, 100}, {300, 300, 300}},
	{"{\"node_groups.workers.instance_type\":\"t3.large\",\"node_groups.workers.count\":3,"
	 "\"workloads.user-server.limits.memory\":\"256Mi\"}",
	 {170, 180, 190}, {10, 40, 400}},
};

static const char *sweep_db(void)
{
	const char *path = db_paths[2];
	sqlite3 *db;
	int run = 1;

	if (path[0])
		return path;
	snprintf(db_paths[2], sizeof(db_paths[2]), "%s/sweep.db", tu_tmpdir());
	db = db_create(path);
	for (int p = 0; p < (int)ARRAY_LEN(sweep_points); p++)
		for (int r = 0; r < 3; r++, run++) {
			const struct sweep_point *s = &sweep_points[p];
			sql(db, "INSERT INTO runs VALUES(%d, 'story-eks', 'bb22', %d, %Q, %d, 86400,"
				" 1.5, 1000, '0.1.0', '2024-05-02T10:00:00Z')",
			    run, 1 + r, s->params, p);
			sql(db, "INSERT INTO summary VALUES(%d, %f, %f, 48, 100000, %d, %f, %f, %f,"
				" %f, %f, %f, %d, 0, %d, 3, 0, 0, 0)",
			    run, s->cost[r] / 30, s->cost[r], 10 * p, p / 10000.0, s->p99[r] / 4,
			    s->p99[r] / 5, s->p99[r] / 2, s->p99[r], s->p99[r] * 2, p == 0 ? 2 : 0,
			    p == 0 ? 2 : 0);
		}
	db_done(db);
	return path;
}

/* ---- comparing data files ---- */

/* Next whitespace-separated token (a "quoted string" is one token). */
static const char *token(const char *p, char *buf, size_t n)
{
	size_t k = 0;
	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	if (*p == '"') {
		do
			buf[k++] = *p++;
		while (*p && *p != '"' && k < n - 2);
		if (*p)
			buf[k++] = *p++;
	} else {
		while (*p && *p != ' ' && k < n - 1)
			buf[k++] = *p++;
	}
	buf[k] = '\0';
	return p;
}

/* Tokens equal as text, or both numbers within 1e-9 relative. */
static int same_token(const char *a, const char *b)
{
	char *ea, *eb;
	double x, y;
	if (!strcmp(a, b))
		return 1;
	x = strtod(a, &ea);
	y = strtod(b, &eb);
	return !*ea && !*eb && fabs(x - y) <= 1e-9 * fmax(fabs(x), fabs(y));
}

static int same_line(const char *a, const char *b)
{
	char ta[256], tb[256];
	while (1) {
		a = token(a, ta, sizeof(ta));
		b = token(b, tb, sizeof(tb));
		if (!a || !b)
			return !a && !b;
		if (!same_token(ta, tb))
			return 0;
	}
}

/* Compares line by line; numbers within 1e-9 relative, all else exactly. */
static void assert_rows(const char *actual, const char *expected)
{
	char *a = xstrdup(actual), *x = xstrdup(expected), *sa, *sx;
	char *la = strtok_r(a, "\n", &sa), *lx = strtok_r(x, "\n", &sx);
	int line = 1, blank_a = 0, blank_x = 0;

	/* strtok_r folds blank lines: count them separately. */
	for (const char *p = actual; (p = strstr(p, "\n\n")); p++)
		blank_a++;
	for (const char *p = expected; (p = strstr(p, "\n\n")); p++)
		blank_x++;
	for (; la && lx; line++) {
		if (!same_line(la, lx))
			fail_msg("data line %d:\n  got      %s\n  expected %s", line, la, lx);
		la = strtok_r(NULL, "\n", &sa);
		lx = strtok_r(NULL, "\n", &sx);
	}
	if (la || lx)
		fail_msg("data line %d: got %s, expected %s", line, la ? la : "(end)",
			 lx ? lx : "(end)");
	assert_int_equal(blank_a, blank_x);
	free(a);
	free(x);
}

/* Runs a data function on a database; returns what it wrote (malloc'ed). */
static char *capture(plot_data_fn *fn, const char *path, int64_t run, const struct slo *slos,
		     int nslo, struct plot_vars *v)
{
	struct plot_src src = {NULL, run, slos, nslo};
	struct err e = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	assert_int_equal(sqlite3_open_v2(path, &src.db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	out = open_memstream(&buf, &len);
	if (fn(&src, out, v, &e))
		fail_msg("data function: %s", e.msg);
	fclose(out);
	sqlite3_close(src.db);
	return buf;
}

static void check_data(plot_data_fn *fn, const char *db, const struct slo *slos, int nslo,
		       const char *expected, const char *expected_vars, int nseries)
{
	struct plot_vars v = {0};
	char *got = capture(fn, db, 1, slos, nslo, &v);
	assert_rows(got, expected);
	assert_string_equal(v.text ? v.text : "", expected_vars);
	assert_int_equal(v.nseries, nseries);
	free(got);
	plot_vars_release(&v);
}

/* ---- the data of each chart, on tiny.db ---- */

static void test_data_node_cpu(void **state)
{
	(void)state;
	check_data(plot_data_node_cpu, tiny_db(), NULL, 0,
		   "# node n-a (m5.large): cpu_used and cpu_capacity in cores\n"
		   "t_s \"n-a (m5.large)\" capacity_cores\n"
		   "0 0.1 1.93\n30 0.5 1.93\n60 1.25 1.93\n90 1.5 1.93\n120 1 1.93\n\n\n"
		   "# node n-b (m5.large): cpu_used and cpu_capacity in cores\n"
		   "t_s \"n-b (m5.large)\" capacity_cores\n"
		   "0 0.2 1.93\n30 0.25 1.93\n60 0.25 1.93\n90 0.5 1.93\n120 0.5 1.93\n\n\n"
		   "# node n-c (t3.medium): cpu_used and cpu_capacity in cores\n"
		   "t_s \"n-c (t3.medium)\" capacity_cores\n"
		   "60 0 2\n90 0.4 2\n",
		   "nnodes=3; ", 3);
}

static void test_data_node_memory(void **state)
{
	(void)state;
	/* The kill at 45 s on n-a sits on n-a's line between its samples at
	 * 30 s (2 GiB) and 60 s (3 GiB): 2.5 GiB = 2684354560 bytes. The kill at
	 * 60 s on n-b takes its sample at exactly 60 s; the kill on no node
	 * cannot be placed on a node's line. */
	check_data(plot_data_node_memory, tiny_db(), NULL, 0,
		   "# node n-a (m5.large): mem_used and mem_capacity in bytes\n"
		   "t_s \"n-a (m5.large)\" capacity_bytes\n"
		   "0 1073741824 8589934592\n30 2147483648 8589934592\n"
		   "60 3221225472 8589934592\n90 3221225472 8589934592\n"
		   "120 2147483648 8589934592\n\n\n"
		   "# node n-b (m5.large): mem_used and mem_capacity in bytes\n"
		   "t_s \"n-b (m5.large)\" capacity_bytes\n"
		   "0 536870912 8589934592\n30 536870912 8589934592\n60 1073741824 8589934592\n"
		   "90 1073741824 8589934592\n120 1073741824 8589934592\n\n\n"
		   "# node n-c (t3.medium): mem_used and mem_capacity in bytes\n"
		   "t_s \"n-c (t3.medium)\" capacity_bytes\n"
		   "60 268435456 4294967296\n90 536870912 4294967296\n\n\n"
		   "# OOMKilled: time, the node's memory used then (bytes, on its line), node "
		   "block, pod\n"
		   "t_s \"OOMKilled\" node_block pod\n"
		   "45 2684354560 0 \"user-server-1\"\n"
		   "60 1073741824 1 \"user-server-2\"\n",
		   "nnodes=3; noom=2; ", 3);
}

static void test_data_pods_per_node(void **state)
{
	(void)state;
	check_data(plot_data_pods_per_node, tiny_db(), NULL, 0,
		   "# node n-a (m5.large): pods bound to the node\nt_s \"n-a (m5.large)\"\n"
		   "0 2\n30 3\n60 4\n90 4\n120 3\n\n\n"
		   "# node n-b (m5.large): pods bound to the node\nt_s \"n-b (m5.large)\"\n"
		   "0 1\n30 1\n60 2\n90 2\n120 2\n\n\n"
		   "# node n-c (t3.medium): pods bound to the node\nt_s \"n-c (t3.medium)\"\n"
		   "60 1\n90 2\n",
		   "nnodes=3; ", 3);
}

static void test_data_credits(void **state)
{
	(void)state;
	/* Only n-c has credits (non-NULL): n-a and n-b are not burstable. */
	check_data(plot_data_credits, tiny_db(), NULL, 0,
		   "# node n-c (t3.medium): CPU credit balance (one credit: one vCPU at 100 % for "
		   "a minute)\nt_s \"n-c (t3.medium)\"\n60 0\n90 0.5\n",
		   "nnodes=1; ", 1);
}

static void test_data_latency(void **state)
{
	struct slo s[2];
	struct err e;
	(void)state;
	/* worker never completed a request: no block. 60 s had none: NaN gap. */
	static const char want[] =
		"# workload user-server: latency percentiles of the requests completed in each "
		"sample interval, ms (NaN: none completed)\n"
		"t_s \"user-server p50\" \"user-server p95\" \"user-server p99\"\n"
		"30 5 20 40\n60 NaN NaN NaN\n90 4 10 30\n120 4 12 35\n";
	check_data(plot_data_latency, tiny_db(), NULL, 0, want, "nworkloads=1; ", 1);
	/* The first latency SLO becomes the chart's SLO line; the cost one does not. */
	assert_int_equal(slo_parse("cost_per_month_usd<=100", &s[0], &e), 0);
	assert_int_equal(slo_parse("p99_ms<=50", &s[1], &e), 0);
	check_data(plot_data_latency, tiny_db(), s, 2, want,
		   "nworkloads=1; slo_y=50; slo_y_label='p99_ms<=50'; ", 1);
}

static void test_data_autoscaling(void **state)
{
	(void)state;
	/* Node groups from the nodes table: burst's n-c is created at 60, Ready
	 * at 90, deleted at 110; workers' two nodes created at 0, Ready at 30.
	 * Each series runs to the run's end, 120 s. */
	check_data(plot_data_autoscaling, tiny_db(), NULL, 0,
		   "# workload user-server: replicas wanted (Deployment spec, set by the HPA) "
		   "and Ready\n"
		   "t_s \"user-server replicas\" \"user-server ready\"\n"
		   "30 2 2\n60 3 2\n90 3 3\n120 2 2\n\n\n"
		   "# workload worker: replicas wanted (Deployment spec, set by the HPA) and "
		   "Ready\n"
		   "t_s \"worker replicas\" \"worker ready\"\n"
		   "30 1 0\n60 1 1\n90 1 1\n120 1 1\n\n\n"
		   "# node group burst: nodes created and not deleted, and of those Ready\n"
		   "t_s \"burst nodes\" \"burst ready\"\n"
		   "0 0 0\n60 1 0\n90 1 1\n110 0 0\n120 0 0\n\n\n"
		   "# node group workers: nodes created and not deleted, and of those Ready\n"
		   "t_s \"workers nodes\" \"workers ready\"\n"
		   "0 2 0\n30 2 2\n120 2 2\n",
		   "nworkloads=2; ngroups=2; ", 4);
}

static void test_data_events(void **state)
{
	(void)state;
	/* Charted kinds in chart order, those present only (no Evicted);
	 * Scheduled is not charted. Colour = the kind's place in the full list. */
	check_data(plot_data_events, tiny_db(), NULL, 0,
		   "# OOMKilled events: time, row, colour, row label, object\n"
		   "t_s \"OOMKilled\" colour label object\n"
		   "45 1 1 \"OOMKilled (3)\" \"user-server-1\"\n"
		   "60 1 1 \"OOMKilled (3)\" \"user-server-2\"\n"
		   "100 1 1 \"OOMKilled (3)\" \"user-server-3\"\n\n\n"
		   "# BackOff events: time, row, colour, row label, object\n"
		   "t_s \"BackOff\" colour label object\n"
		   "50 2 3 \"BackOff (1)\" \"user-server-1\"\n\n\n"
		   "# ScaleUp events: time, row, colour, row label, object\n"
		   "t_s \"ScaleUp\" colour label object\n"
		   "55 3 4 \"ScaleUp (1)\" \"burst\"\n\n\n"
		   "# ScaleDown events: time, row, colour, row label, object\n"
		   "t_s \"ScaleDown\" colour label object\n"
		   "100 4 5 \"ScaleDown (1)\" \"burst\"\n\n\n"
		   "# HPAScale events: time, row, colour, row label, object\n"
		   "t_s \"HPAScale\" colour label object\n"
		   "70 5 6 \"HPAScale (1)\" \"user-server\"\n\n\n"
		   "# NodeReady events: time, row, colour, row label, object\n"
		   "t_s \"NodeReady\" colour label object\n"
		   "90 6 7 \"NodeReady (1)\" \"n-c\"\n\n\n"
		   "# NodeRemoved events: time, row, colour, row label, object\n"
		   "t_s \"NodeRemoved\" colour label object\n"
		   "110 7 8 \"NodeRemoved (1)\" \"n-c\"\n\n\n"
		   "# CreditsExhausted events: time, row, colour, row label, object\n"
		   "t_s \"CreditsExhausted\" colour label object\n"
		   "95 8 9 \"CreditsExhausted (1)\" \"n-c\"\n",
		   "nkinds=8; ", 8);
}

/* ---- sweep points ---- */

static void test_pareto_by_hand(void **state)
{
	/*
	 *  i   x    y
	 *  0  10  100   front: cheapest
	 *  1  10  120   dominated by 0 (same x, larger y): tie in cost
	 *  2  20   50   front
	 *  3  20   50   front: equal to 2, neither dominates
	 *  4  30   60   dominated by 2 (cheaper and faster)
	 *  5  40   10   front
	 *  6   5  NaN   never on the front
	 *  7  50   10   dominated by 5 (same y, larger x)
	 *  8   8  500   front: cheapest of all defined points
	 */
	static const double x[] = {10, 10, 20, 20, 30, 40, 5, 50, 8};
	static const double y[] = {100, 120, 50, 50, 60, 10, NAN, 10, 500};
	static const int want[] = {1, 0, 1, 1, 0, 1, 0, 0, 1};
	int front[ARRAY_LEN(x)];
	(void)state;

	plot_pareto(x, y, ARRAY_LEN(x), front);
	for (size_t i = 0; i < ARRAY_LEN(x); i++)
		if (front[i] != want[i])
			fail_msg("point %zu: front %d, expected %d", i, front[i], want[i]);
	plot_pareto(x, y, 0, front); /* no points: nothing to do */
}

static void test_points_of_sweep(void **state)
{
	size_t cost = plot_metric_index("cost_per_month_usd"), p99 = plot_metric_index("p99_ms");
	static const double mean_p99[] = {410, 190, 180, 200, 300, 150};
	/* Sample sd of the p99s: 10, 40, 5, 5, 0, sqrt(((-140)^2+(-110)^2+250^2)/2). */
	const double sd_p99[] = {10, 40, 5, 5, 0, sqrt(94200.0 / 2)};
	static const int pareto[] = {1, 1, 1, 0, 0, 1};
	struct plot_points pp;
	struct slo s[2];
	struct err e = {0};
	sqlite3 *db;
	(void)state;

	assert_int_equal(sqlite3_open_v2(sweep_db(), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(plot_points_load(db, NULL, 0, &pp, &e), 0);
	assert_int_equal(pp.n, 6);
	assert_int_equal(pp.best, -1); /* no SLO, no best */
	for (size_t i = 0; i < pp.n; i++) {
		assert_int_equal(pp.p[i].nruns, 3);
		assert_int_equal(pp.p[i].point, (int)i);
		assert_int_equal(pp.p[i].first_run, 1 + 3 * (int)i);
		assert_near(pp.p[i].mean[p99], mean_p99[i], 1e-9);
		assert_near(pp.p[i].half[p99], T975_2 * sd_p99[i] / sqrt(3), 1e-9);
		assert_int_equal(pp.p[i].pareto, pareto[i]);
	}
	/* Cost varies only at P5: 170, 180, 190 -> sd 10. */
	assert_near(pp.p[5].mean[cost], 180, 1e-9);
	assert_near(pp.p[5].half[cost], T975_2 * 10 / sqrt(3), 1e-9);
	assert_near(pp.p[0].half[cost], 0, 0);
	assert_string_equal(pp.p[0].label, "t3.medium\u00d72, 100Mi");
	assert_string_equal(pp.p[5].label, "t3.large\u00d73, 256Mi");
	plot_points_release(&pp);

	/* p99 <= 200 on the upper end of the interval: P1's mean 190 passes but
	 * 190 + 4.3027 * 40 / sqrt(3) = 289 fails; P2: 180 + 12.4 = 192.4 holds;
	 * P3 (200 + 12.4) fails; P5: 150 + 539 fails. Cheapest meeting: P2. */
	assert_int_equal(slo_parse("p99_ms<=200", &s[0], &e), 0);
	assert_int_equal(plot_points_load(db, s, 1, &pp, &e), 0);
	assert_int_equal(pp.best, 2);
	assert_int_equal(pp.p[1].slo_ok, 0);
	assert_int_equal(pp.p[2].slo_ok, 1);
	assert_int_equal(pp.p[5].slo_ok, 0);
	plot_points_release(&pp);

	/* Adding cost <= 100 leaves no point: P2 costs 120. */
	assert_int_equal(slo_parse("cost_per_month_usd<=100", &s[1], &e), 0);
	assert_int_equal(plot_points_load(db, s, 2, &pp, &e), 0);
	assert_int_equal(pp.best, -1);
	plot_points_release(&pp);

	/* A loose SLO: the cheapest point, P0 (60 USD; 410 + 24.8 <= 500). */
	assert_int_equal(slo_parse("p99_ms<=500", &s[0], &e), 0);
	assert_int_equal(plot_points_load(db, s, 1, &pp, &e), 0);
	assert_int_equal(pp.best, 0);
	plot_points_release(&pp);
	sqlite3_close(db);
}

static void test_data_cost_latency(void **state)
{
	struct slo s[2];
	struct err e = {0};
	char want[4096];
	double h10 = T975_2 * 10 / sqrt(3), h40 = T975_2 * 40 / sqrt(3),
	       h5 = T975_2 * 5 / sqrt(3), h5big = T975_2 * sqrt(94200.0 / 2) / sqrt(3);
	(void)state;

	snprintf(want, sizeof(want),
		 "# parameter points: mean over replications and the half-width of its 95 %% "
		 "confidence interval (Student t); cost in USD/month, p99 in ms\n"
		 "point \"parameter points\" cost_ci p99_ms p99_ci runs pareto slo_ok label\n"
		 "0 60 0 410 %.12g 3 1 0 \"t3.medium\u00d72, 100Mi\"\n"
		 "1 90 0 190 %.12g 3 1 0 \"t3.medium\u00d73, 100Mi\"\n"
		 "2 120 0 180 %.12g 3 1 1 \"t3.large\u00d72, 100Mi\"\n"
		 "3 120 0 200 %.12g 3 0 0 \"m5.large\u00d72, 100Mi\"\n"
		 "4 100 0 300 0 3 0 0 \"t3.medium\u00d72, 256Mi\"\n"
		 "5 180 %.12g 150 %.12g 3 1 0 \"t3.large\u00d73, 256Mi\"\n\n\n"
		 "# Pareto front (no other point is both cheaper and faster), by cost\n"
		 "cost_usd_month \"Pareto front\" label\n"
		 "60 410 \"t3.medium\u00d72, 100Mi\"\n"
		 "90 190 \"t3.medium\u00d73, 100Mi\"\n"
		 "120 180 \"t3.large\u00d72, 100Mi\"\n"
		 "180 150 \"t3.large\u00d73, 256Mi\"\n\n\n"
		 "# the cheapest point whose SLOs hold on the pessimistic end of the 95 %% "
		 "interval\n"
		 "cost_usd_month \"cheapest meeting the SLOs\" label\n"
		 "120 180 \"t3.large\u00d72, 100Mi\"\n",
		 h10, h40, h5, h5, h10, h5big);
	assert_int_equal(slo_parse("p99_ms<=200", &s[0], &e), 0);
	assert_int_equal(slo_parse("cost_per_month_usd<=150", &s[1], &e), 0);
	check_data(plot_data_cost_latency, sweep_db(), s, 2, want,
		   "npoints=6; has_best=1; slo_y=200; slo_y_label='p99_ms<=200'; slo_x=150; "
		   "slo_x_label='cost_per_month_usd<=150'; ",
		   6);
}

static void test_params_label(void **state)
{
	static const char *const cases[][2] = {
		{"{}", "baseline"},
		{" { } ", "baseline"},
		{"{\"node_groups.workers.count\":3}", "3"},
		/* count before instance type, and another group's type alone */
		{"{\"node_groups.a.count\":4, \"node_groups.b.instance_type\":\"m5.large\","
		 " \"node_groups.a.instance_type\":\"t3.large\"}",
		 "t3.large\u00d74, m5.large"},
		{"{\"workloads.web.limits.memory\":\"256Mi\",\"workloads.web.replicas\":5}",
		 "256Mi, 5"},
		{"{\"a\":[1, 2],\"b\":{\"c\":\"d\"},\"e\":true}", "[1, 2], {\"c\":\"d\"}, true"},
		{"{\"q\":\"say \\\"hi\\\"\"}", "say \"hi\""},
		{"not json", "not json"},
		{"{\"a\":", "{\"a\":"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *l = plot_params_label(cases[i][0]);
		assert_string_equal(l, cases[i][1]);
		free(l);
	}
}

/* ---- the charts ---- */

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void assert_png_1280x720(const char *path)
{
	unsigned char h[24];
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: not written", path);
	assert_int_equal(fread(h, 1, sizeof(h), f), sizeof(h));
	fclose(f);
	assert_memory_equal(h, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(h + 12, "IHDR", 4);
	assert_int_equal((h[16] << 24) | (h[17] << 16) | (h[18] << 8) | h[19], 1280);
	assert_int_equal((h[20] << 24) | (h[21] << 16) | (h[22] << 8) | h[23], 720);
	if (file_size(path) <= 5 * 1024)
		fail_msg("%s: only %ld bytes", path, file_size(path));
}

static void assert_svg(const char *path)
{
	long n = file_size(path);
	char *buf;
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("%s: not written", path);
	if (n <= 5 * 1024)
		fail_msg("%s: only %ld bytes", path, n);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	assert_true(!strncmp(buf, "<?xml", 5) || !strncmp(buf, "<svg", 4));
	assert_non_null(strstr(buf, "</svg>"));
	assert_non_null(strstr(buf, "width=\"1280\""));
	/* A point of size 0 is a singular transform: librsvg rejects the file. */
	assert_null(strstr(buf, "scale(0.00)"));
	free(buf);
}

static int draw(const char *db, const char *chart, const char *out, const struct slo *slos,
		int nslo, struct err *e)
{
	struct plot_opts o = {.db = db, .chart = chart, .output = out, .slos = slos, .nslo = nslo};
	return plot_chart(&o, e);
}

static void test_every_chart_png_and_svg(void **state)
{
	size_t n;
	const struct plot_chart_def *c = plot_charts(&n);
	struct slo s;
	struct err e = {0};
	(void)state;

	assert_int_equal(slo_parse("p99_ms<=200", &s, &e), 0);
	assert_int_equal(n, 8);
	for (size_t i = 0; i < n; i++) {
		const char *db = c[i].scope == PLOT_SWEEP ? sweep_db() : story_db();
		for (int svg = 0; svg < 2; svg++) {
			char *out = xasprintf("%s/%s.%s", tu_tmpdir(), c[i].name, svg ? "svg" : "png");
			if (draw(db, c[i].name, out, &s, 1, &e))
				fail_msg("%s: %s", c[i].name, e.msg);
			if (svg)
				assert_svg(out);
			else
				assert_png_1280x720(out);
			free(out);
		}
	}
}

/* The tiny run too: few points, short time axis in seconds. */
static void test_tiny_charts(void **state)
{
	static const char *const charts[] = {"node-cpu", "node-memory", "pods-per-node",
					     "latency", "autoscaling", "credits", "events"};
	struct err e = {0};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(charts); i++) {
		char *out = xasprintf("%s/tiny-%s.png", tu_tmpdir(), charts[i]);
		if (draw(tiny_db(), charts[i], out, NULL, 0, &e))
			fail_msg("%s: %s", charts[i], e.msg);
		assert_png_1280x720(out);
		free(out);
	}
}

static char *slurp(const char *path)
{
	long n = file_size(path);
	FILE *f = fopen(path, "rb");
	char *buf;
	if (!f || n < 0)
		fail_msg("%s: cannot read", path);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The data file kept with --data draws by hand with the script alone. */
static void test_script_by_hand(void **state)
{
	char *dat = xasprintf("%s/by hand's node-memory.dat", tu_tmpdir());
	char *png = xasprintf("%s/by hand.png", tu_tmpdir());
	char *out = xasprintf("%s/via plot.svg", tu_tmpdir());
	struct plot_opts o = {.db = story_db(), .chart = "node-memory", .output = out,
			      .data_out = dat};
	struct err e = {0};
	char log[2048], *text;
	(void)state;

	if (plot_chart(&o, &e))
		fail_msg("%s", e.msg);
	text = slurp(dat);
	assert_true(!strncmp(text, "# clustersim node-memory chart data", 35));
	assert_non_null(strstr(text, "nnodes=3; noom=3; "));
	assert_non_null(strstr(text, "tdiv=3600; tunit='h'; "));
	free(text);
	/* No variables but the files: the script finds nnodes and the time unit. */
	unlink(png);
	/* gnuplot doubles a ' inside a '...' string. */
	if (tu_run(log, sizeof(log),
		   "gnuplot -e \"datafile='%s/by hand''s node-memory.dat'; outfile='%s'\" "
		   "scripts/plot/node-memory.gp",
		   tu_tmpdir(), png))
		fail_msg("gnuplot by hand: %s", log);
	assert_png_1280x720(png);
	free(dat);
	free(png);
	free(out);
}

static void test_plot_all_single_run(void **state)
{
	char *dir = xasprintf("%s/review story", tu_tmpdir());
	char written[1024], *index, *html;
	struct slo s;
	struct err e = {0};
	struct plot_opts o = {.db = story_db(), .slos = &s, .nslo = 1, .written = written,
			      .written_size = sizeof(written)};
	static const char *const charts[] = {"node-cpu", "node-memory", "pods-per-node",
					     "latency", "autoscaling", "credits", "events"};
	(void)state;

	assert_int_equal(slo_parse("p99_ms<=500", &s, &e), 0);
	if (plot_all(&o, dir, &e))
		fail_msg("%s", e.msg);
	index = xasprintf("%s/index.html", dir);
	assert_string_equal(written, index);
	for (size_t i = 0; i < ARRAY_LEN(charts); i++) {
		char *png = xasprintf("%s/run1-%s.png", dir, charts[i]);
		char *img = xasprintf("<img src=\"run1-%s.png\"", charts[i]);
		assert_png_1280x720(png);
		html = slurp(index);
		assert_non_null(strstr(html, img));
		free(html);
		free(png);
		free(img);
	}
	/* One point only: no cost-latency chart. */
	assert_int_equal(file_size(dir), file_size(dir)); /* folder exists */
	html = slurp(index);
	assert_null(strstr(html, "cost-latency.png"));
	assert_non_null(strstr(html, "<h1>story-eks</h1>"));
	assert_non_null(strstr(html, STORY_SHA));
	assert_non_null(strstr(html, "<style>"));
	/* The run's p99 of 412.7 ms meets p99_ms<=500 (one run: no interval). */
	assert_non_null(strstr(html, "Meets every SLO: baseline"));
	assert_non_null(strstr(html, "<td class=n>412.7</td>"));
	free(html);
	free(index);
	free(dir);
}

static void test_plot_all_sweep(void **state)
{
	char *dir = xasprintf("%s/review-sweep", tu_tmpdir());
	char *index = xasprintf("%s/index.html", dir), *html;
	char *png = xasprintf("%s/cost-latency.png", dir);
	char *run1 = xasprintf("%s/run1-node-cpu.png", dir);
	struct slo s;
	struct err e = {0};
	struct plot_opts o = {.db = sweep_db(), .slos = &s, .nslo = 1};
	(void)state;

	assert_int_equal(slo_parse("p99_ms<=200", &s, &e), 0);
	if (plot_all(&o, dir, &e))
		fail_msg("%s", e.msg);
	assert_png_1280x720(png);
	html = slurp(index);
	assert_non_null(strstr(html, "<img src=\"cost-latency.png\""));
	/* No samples in the sweep: no per-run chart applies. */
	assert_null(strstr(html, "run1-node-cpu.png"));
	assert_true(file_size(run1) < 0);
	/* P2 is the cheapest point whose upper bound meets the SLO (see above). */
	assert_non_null(strstr(html, "Cheapest point meeting every SLO: t3.large\u00d72, 100Mi"));
	assert_non_null(strstr(html, "<tr class=best><td class=n>2</td>"));
	/* P1 misses on its upper bound 190 + 99.36 = 289.4. */
	assert_non_null(strstr(html, "&#10007; p99_ms&lt;=200 (289.4)"));
	free(html);
	free(index);
	free(png);
	free(run1);
	free(dir);
}

/* ---- errors ---- */

static void test_errors(void **state)
{
	struct err e = {0};
	char *out = xasprintf("%s/err.png", tu_tmpdir());
	struct plot_opts o = {.db = story_db(), .chart = "node-cpu", .output = out,
			      .gnuplot = "/nonexistent/gnuplot"};
	sqlite3 *db;
	(void)state;

	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_string_equal(e.msg, "gnuplot not found: install it with `apt-get install gnuplot-nox`");
	o.gnuplot = NULL;

	o.chart = "cpu";
	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "unknown chart \"cpu\": expected one of cost-latency, "));

	/* A run without burstable nodes: the sweep's runs have no samples at all. */
	o.db = sweep_db();
	o.chart = "credits";
	o.run_id = 1;
	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "run 1 has no burstable nodes"));

	o.db = story_db();
	o.chart = "node-cpu";
	o.run_id = 9;
	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, ": no run 9"));
	o.run_id = 0;

	o.output = "chart.jpg";
	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "chart.jpg: expected an output file name ending in .png"));
	o.output = "/nonexistent/dir/chart.png";
	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "the folder does not exist"));
	o.output = out;

	o.db = "/nonexistent.db";
	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_string_equal(e.msg, "/nonexistent.db: no such results database");

	/* A database without a runs table. */
	o.db = tu_write_file("empty.db", "");
	assert_int_equal(sqlite3_open(o.db, &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE x(y)", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "not a clustersim results database"));

	/* A script that gnuplot rejects: ERR_RUN with gnuplot's words, no output. */
	o.db = story_db();
	o.scripts_dir = tu_tmpdir();
	tu_write_file("node-cpu.gp", "set output outfile\nplot nonsense_function(x)\n");
	unlink(out);
	assert_int_equal(plot_chart(&o, &e), ERR_RUN);
	assert_non_null(strstr(e.msg, "gnuplot failed on "));
	assert_non_null(strstr(e.msg, "nonsense_function"));
	assert_true(file_size(out) < 0);
	o.scripts_dir = "/nonexistent";
	assert_int_equal(plot_chart(&o, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "/nonexistent/node-cpu.gp: gnuplot script not found"));
	free(out);
}

/* ---- the command line ---- */

static int cli(const char *a0, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;
	va_start(ap, a0);
	for (const char *a = a0; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return plot_cli(argc, argv);
}

static void test_cli(void **state)
{
	const char *db = story_db();
	char *svg = xasprintf("%s/cli chart.svg", tu_tmpdir());
	char *dir = xasprintf("%s/cli-all", tu_tmpdir());
	char *index = xasprintf("%s/index.html", dir);
	(void)state;

	assert_int_equal(cli("plot", NULL), 2);
	assert_int_equal(cli("plot", db, NULL), 2);
	assert_int_equal(cli("plot", db, "--chart", NULL), 2);
	assert_int_equal(cli("plot", db, "--chart", "nope", NULL), 2);
	assert_int_equal(cli("plot", db, "--chart", "latency", "--run", "0", NULL), 2);
	assert_int_equal(cli("plot", db, "--chart", "latency", "--run", "x", NULL), 2);
	assert_int_equal(cli("plot", db, "--chart", "latency", "--slo", "p99<200", NULL), 2);
	assert_int_equal(cli("plot", db, "--all", NULL), 2);
	assert_int_equal(cli("plot", db, "--all", "--chart", "latency", "-o", dir, NULL), 2);
	assert_int_equal(cli("plot", db, "extra.db", "--chart", "latency", NULL), 2);
	assert_int_equal(cli("plot", db, "--bogus", NULL), 2);
	assert_int_equal(cli("plot", "/nonexistent.db", "--chart", "latency", NULL), 2);
	/* gnuplot failing on a script is a failure (1), not a usage error. */
	tu_write_file("latency.gp", "plot nonsense_function(x)\n");
	assert_int_equal(cli("plot", db, "--chart", "latency", "--scripts", tu_tmpdir(), "-o",
			     svg, NULL),
			 1);
	assert_int_equal(cli("plot", db, "--chart=latency", "--run=1", "-o", svg, "--slo",
			     "p99_ms <= 300", NULL),
			 0);
	assert_svg(svg);
	assert_int_equal(cli("plot", db, "--all", "-o", dir, NULL), 0);
	assert_true(file_size(index) > 1000);
	free(svg);
	free(dir);
	free(index);
}

/* Default output: results/<scenario>-<chart>[-run<ID>].png in the working folder. */
static void test_default_output(void **state)
{
	char cwd[1024];
	char *work = xasprintf("%s/cwd", tu_tmpdir());
	char *db = xstrdup(story_db());
	char written[256];
	struct plot_opts o = {.db = db, .chart = "pods-per-node", .written = written,
			      .written_size = sizeof(written)};
	struct err e = {0};
	(void)state;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	mkdir(work, 0700);
	assert_int_equal(chdir(work), 0);
	if (plot_chart(&o, &e))
		fail_msg("%s", e.msg);
	assert_string_equal(written, "results/story-eks-pods-per-node.png");
	assert_png_1280x720("results/story-eks-pods-per-node.png");
	o.run_id = 1;
	if (plot_chart(&o, &e))
		fail_msg("%s", e.msg);
	assert_string_equal(written, "results/story-eks-pods-per-node-run1.png");
	assert_int_equal(chdir(cwd), 0);
	free(work);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_node_cpu),
		cmocka_unit_test(test_data_node_memory),
		cmocka_unit_test(test_data_pods_per_node),
		cmocka_unit_test(test_data_credits),
		cmocka_unit_test(test_data_latency),
		cmocka_unit_test(test_data_autoscaling),
		cmocka_unit_test(test_data_events),
		cmocka_unit_test(test_pareto_by_hand),
		cmocka_unit_test(test_points_of_sweep),
		cmocka_unit_test(test_data_cost_latency),
		cmocka_unit_test(test_params_label),
		cmocka_unit_test(test_every_chart_png_and_svg),
		cmocka_unit_test(test_tiny_charts),
		cmocka_unit_test(test_script_by_hand),
		cmocka_unit_test(test_plot_all_single_run),
		cmocka_unit_test(test_plot_all_sweep),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_default_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
