/*
 * store.c -- the SQLite results database (see store.h; report.c prints it).
 *
 * The schema is declared once, below, as a table of tables and columns;
 * CREATE TABLE and INSERT statements are generated from it, and each table
 * has one bind function that must bind its columns in the declared order
 * (asserted). Every child table carries run_id, indexed, because every
 * reader (report, plots, merge) selects one run at a time.
 *
 * Concurrency: WAL lets readers run while one process writes; writers
 * queue on the database lock. A run is written inside BEGIN IMMEDIATE, so
 * a writer takes the lock before its first insert and cannot deadlock with
 * another writer upgrading a read lock; waits are bounded by the busy
 * timeout. synchronous=NORMAL in WAL loses at most the last transactions on
 * power loss, never consistency -- acceptable for results that can be
 * re-run.
 *
 * Cost: one run is one transaction; every row is one sqlite3_step on a
 * statement prepared once per table per run: about 640,000 rows/s on a
 * 2-vCPU VM, of which the run_id indexes take 40 % (bench/bench_store.c,
 * docs/store.md).
 */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "results.h"

#define STORE_SCHEMA_VERSION 1
#define STR_(x) #x
#define STR(x) STR_(x)
#define STORE_BUSY_MS 60000 /* ms a writer waits for the lock before failing */
/* Bytes the WAL file is truncated to after a checkpoint, so one huge run
 * does not leave a huge -wal file behind for the life of the database. */
#define STORE_WAL_LIMIT (64 * 1024 * 1024)

/* Binds one row's values to the ? parameters of an INSERT, left to right. */
struct binder {
	sqlite3_stmt *st;
	int i;  /* last parameter bound (1-based) */
	int rc; /* first bind error, SQLITE_OK if none */
};

static void bind_rc(struct binder *b, int rc)
{
	if (rc != SQLITE_OK && b->rc == SQLITE_OK)
		b->rc = rc;
}

/* A time or quantity that never happened (NAN) is SQL NULL. */
static void b_real(struct binder *b, double v)
{
	b->i++;
	bind_rc(b, isnan(v) ? sqlite3_bind_null(b->st, b->i) : sqlite3_bind_double(b->st, b->i, v));
}

static void b_int(struct binder *b, int64_t v)
{
	b->i++;
	bind_rc(b, sqlite3_bind_int64(b->st, b->i, v));
}

/* Strings are owned by the results and outlive the step: SQLITE_STATIC. */
static void b_text(struct binder *b, const char *s)
{
	b->i++;
	bind_rc(b, s ? sqlite3_bind_text(b->st, b->i, s, -1, SQLITE_STATIC)
		     : sqlite3_bind_null(b->st, b->i));
}

static void bind_run(struct binder *b, const void *row)
{
	const struct res_run *x = row;

	b_text(b, x->scenario);
	b_text(b, x->scenario_sha256);
	/* SQLite integers are signed 64-bit: seeds above 2^63 - 1 are stored
	 * as their two's complement, consistently in store_has_run. */
	b_int(b, (int64_t)x->seed);
	b_text(b, x->params ? x->params : "{}");
	b_int(b, x->point);
	b_real(b, x->sim_seconds);
	b_real(b, x->wall_seconds);
	b_int(b, (int64_t)x->events);
	b_text(b, x->version);
}

static void bind_summary(struct binder *b, const void *row)
{
	const struct res_summary *x = row;

	b_real(b, x->cost_usd);
	b_real(b, x->cost_per_month_usd);
	b_real(b, x->node_hours);
	b_int(b, x->requests);
	b_int(b, x->errors);
	b_real(b, x->error_rate);
	b_real(b, x->latency_mean_ms);
	b_real(b, x->latency_p50_ms);
	b_real(b, x->latency_p95_ms);
	b_real(b, x->latency_p99_ms);
	b_real(b, x->latency_max_ms);
	b_int(b, x->oom_kills);
	b_int(b, x->evictions);
	b_int(b, x->restarts);
	b_int(b, x->max_nodes);
	b_int(b, x->max_pending_pods);
	b_real(b, x->pending_pod_seconds);
	b_real(b, x->credits_exhausted_seconds);
}

static void bind_node(struct binder *b, const void *row)
{
	const struct res_node *x = row;

	b_text(b, x->node);
	b_text(b, x->node_group);
	b_text(b, x->instance_type);
	b_text(b, x->zone);
	b_real(b, x->created_t);
	b_real(b, x->ready_t);
	b_real(b, x->deleted_t);
	b_real(b, x->cost_usd);
}

static void bind_pod(struct binder *b, const void *row)
{
	const struct res_pod *x = row;

	b_text(b, x->pod);
	b_text(b, x->workload);
	b_text(b, x->node);
	b_real(b, x->created_t);
	b_real(b, x->scheduled_t);
	b_real(b, x->ready_t);
	b_real(b, x->deleted_t);
	b_int(b, x->restarts);
	b_int(b, x->oom_kills);
	b_text(b, x->end_reason);
}

static void bind_event(struct binder *b, const void *row)
{
	const struct res_event *x = row;

	b_real(b, x->t);
	b_text(b, x->kind);
	b_text(b, x->object);
	b_text(b, x->node);
	b_text(b, x->message);
}

static void bind_node_sample(struct binder *b, const void *row)
{
	const struct res_node_sample *x = row;

	b_real(b, x->t);
	b_text(b, x->node);
	b_real(b, x->cpu_used);
	b_real(b, x->cpu_requested);
	b_real(b, x->cpu_capacity);
	b_real(b, x->mem_used);
	b_real(b, x->mem_requested);
	b_real(b, x->mem_capacity);
	b_int(b, x->pods);
	b_real(b, x->credits);
}

static void bind_pod_sample(struct binder *b, const void *row)
{
	const struct res_pod_sample *x = row;

	b_real(b, x->t);
	b_text(b, x->pod);
	b_text(b, x->node);
	b_text(b, x->workload);
	b_real(b, x->cpu_used);
	b_real(b, x->mem_used);
	b_int(b, x->inflight);
	b_int(b, x->ready);
}

static void bind_service_sample(struct binder *b, const void *row)
{
	const struct res_service_sample *x = row;

	b_real(b, x->t);
	b_text(b, x->workload);
	b_real(b, x->rps);
	b_int(b, x->completed);
	b_int(b, x->errors);
	b_real(b, x->p50_ms);
	b_real(b, x->p95_ms);
	b_real(b, x->p99_ms);
	b_int(b, x->replicas);
	b_int(b, x->ready_replicas);
}

static void bind_score(struct binder *b, const void *row)
{
	const struct res_score *x = row;

	b_real(b, x->t);
	b_text(b, x->pod);
	b_text(b, x->node);
	b_text(b, x->plugin);
	b_real(b, x->score);
}

/* The rows of one table in r: address of the first, count, row size. */
struct rows {
	const void *first;
	size_t n, size;
};

static struct rows rows_run(const struct results *r)
{
	return (struct rows){ &r->run, 1, sizeof(r->run) };
}

static struct rows rows_summary(const struct results *r)
{
	return (struct rows){ &r->summary, 1, sizeof(r->summary) };
}

#define ROWS_FN(name)                                                             \
	static struct rows rows_##name(const struct results *r)                  \
	{                                                                         \
		return (struct rows){ r->name, r->n_##name, sizeof(*r->name) };  \
	}
ROWS_FN(nodes)
ROWS_FN(pods)
ROWS_FN(events)
ROWS_FN(node_samples)
ROWS_FN(pod_samples)
ROWS_FN(service_samples)
ROWS_FN(scores)

struct col {
	const char *name;
	const char *decl; /* SQL type and constraints */
	int bound;        /* 1: written from the results; 0: filled by SQLite */
};

/* Child tables start with this column; write_table binds it. */
#define RUN_ID_CHILD { "run_id", "INTEGER NOT NULL REFERENCES runs(run_id)", 1 }

static const struct col runs_cols[] = {
	{ "run_id", "INTEGER PRIMARY KEY", 0 },
	{ "scenario", "TEXT NOT NULL", 1 },
	{ "scenario_sha256", "TEXT NOT NULL", 1 },
	{ "seed", "INTEGER NOT NULL", 1 },
	{ "params", "TEXT NOT NULL", 1 }, /* JSON object of the overrides */
	{ "point", "INTEGER", 1 },
	{ "sim_seconds", "REAL", 1 },
	{ "wall_seconds", "REAL", 1 },
	{ "events", "INTEGER", 1 },
	{ "version", "TEXT", 1 },
	/* The commit time, UTC ISO 8601, e.g. 2025-11-25T17:41:00Z. */
	{ "created_at", "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", 0 },
};

static const struct col summary_cols[] = {
	{ "run_id", "INTEGER PRIMARY KEY REFERENCES runs(run_id)", 1 },
	{ "cost_usd", "REAL", 1 },
	{ "cost_per_month_usd", "REAL", 1 }, /* cost scaled to 720 h */
	{ "node_hours", "REAL", 1 },
	{ "requests", "INTEGER", 1 },
	{ "errors", "INTEGER", 1 },
	{ "error_rate", "REAL", 1 },
	{ "latency_mean_ms", "REAL", 1 },
	{ "latency_p50_ms", "REAL", 1 },
	{ "latency_p95_ms", "REAL", 1 },
	{ "latency_p99_ms", "REAL", 1 },
	{ "latency_max_ms", "REAL", 1 },
	{ "oom_kills", "INTEGER", 1 },
	{ "evictions", "INTEGER", 1 },
	{ "restarts", "INTEGER", 1 },
	{ "max_nodes", "INTEGER", 1 },
	{ "max_pending_pods", "INTEGER", 1 },
	{ "pending_pod_seconds", "REAL", 1 },
	{ "credits_exhausted_seconds", "REAL", 1 },
};

static const struct col nodes_cols[] = {
	RUN_ID_CHILD,
	{ "node", "TEXT", 1 },
	{ "node_group", "TEXT", 1 },
	{ "instance_type", "TEXT", 1 },
	{ "zone", "TEXT", 1 },
	{ "created_t", "REAL", 1 },
	{ "ready_t", "REAL", 1 },
	{ "deleted_t", "REAL", 1 },
	{ "cost_usd", "REAL", 1 },
};

static const struct col pods_cols[] = {
	RUN_ID_CHILD,
	{ "pod", "TEXT", 1 },
	{ "workload", "TEXT", 1 },
	{ "node", "TEXT", 1 },
	{ "created_t", "REAL", 1 },
	{ "scheduled_t", "REAL", 1 },
	{ "ready_t", "REAL", 1 },
	{ "deleted_t", "REAL", 1 },
	{ "restarts", "INTEGER", 1 },
	{ "oom_kills", "INTEGER", 1 },
	{ "end_reason", "TEXT", 1 },
};

static const struct col events_cols[] = {
	RUN_ID_CHILD,
	{ "t", "REAL", 1 },
	{ "kind", "TEXT", 1 },
	{ "object", "TEXT", 1 },
	{ "node", "TEXT", 1 },
	{ "message", "TEXT", 1 },
};

static const struct col node_samples_cols[] = {
	RUN_ID_CHILD,
	{ "t", "REAL", 1 },
	{ "node", "TEXT", 1 },
	{ "cpu_used", "REAL", 1 },
	{ "cpu_requested", "REAL", 1 },
	{ "cpu_capacity", "REAL", 1 },
	{ "mem_used", "REAL", 1 },
	{ "mem_requested", "REAL", 1 },
	{ "mem_capacity", "REAL", 1 },
	{ "pods", "INTEGER", 1 },
	{ "credits", "REAL", 1 },
};

static const struct col pod_samples_cols[] = {
	RUN_ID_CHILD,
	{ "t", "REAL", 1 },
	{ "pod", "TEXT", 1 },
	{ "node", "TEXT", 1 },
	{ "workload", "TEXT", 1 },
	{ "cpu_used", "REAL", 1 },
	{ "mem_used", "REAL", 1 },
	{ "inflight", "INTEGER", 1 },
	{ "ready", "INTEGER", 1 },
};

static const struct col service_samples_cols[] = {
	RUN_ID_CHILD,
	{ "t", "REAL", 1 },
	{ "workload", "TEXT", 1 },
	{ "rps", "REAL", 1 },
	{ "completed", "INTEGER", 1 },
	{ "errors", "INTEGER", 1 },
	{ "p50_ms", "REAL", 1 },
	{ "p95_ms", "REAL", 1 },
	{ "p99_ms", "REAL", 1 },
	{ "replicas", "INTEGER", 1 },
	{ "ready_replicas", "INTEGER", 1 },
};

static const struct col scores_cols[] = {
	RUN_ID_CHILD,
	{ "t", "REAL", 1 },
	{ "pod", "TEXT", 1 },
	{ "node", "TEXT", 1 },
	{ "plugin", "TEXT", 1 },
	{ "score", "REAL", 1 },
};

struct table {
	const char *name;
	const struct col *cols;
	int ncols;
	int index; /* 1: CREATE INDEX on run_id (summary has it as primary key) */
	struct rows (*rows)(const struct results *r);
	void (*bind)(struct binder *b, const void *row);
};

#define TABLE(name, index, bind) \
	{ #name, name##_cols, (int)ARRAY_LEN(name##_cols), index, rows_##name, bind }

/* In write order: runs first, since its insert assigns the run_id; the
 * tables a run streams (enum res_stream) last, in that enum's order. */
static const struct table tables[] = {
	{ "runs", runs_cols, (int)ARRAY_LEN(runs_cols), 0, rows_run, bind_run },
	{ "summary", summary_cols, (int)ARRAY_LEN(summary_cols), 0, rows_summary, bind_summary },
	TABLE(nodes, 1, bind_node),
	TABLE(pods, 1, bind_pod),
	TABLE(events, 1, bind_event),
	TABLE(node_samples, 1, bind_node_sample),
	TABLE(pod_samples, 1, bind_pod_sample),
	TABLE(service_samples, 1, bind_service_sample),
	TABLE(scores, 1, bind_score),
};

/* A growable string for building SQL text. */
struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_add(struct sbuf *b, const char *s)
{
	size_t len = strlen(s);

	GROW(b->s, b->n + len, b->cap);
	memcpy(b->s + b->n, s, len + 1);
	b->n += len;
}

static char *create_sql(const struct table *t)
{
	struct sbuf b = { 0 };
	int i;

	sb_add(&b, "CREATE TABLE IF NOT EXISTS ");
	sb_add(&b, t->name);
	sb_add(&b, "(");
	for (i = 0; i < t->ncols; i++) {
		sb_add(&b, i ? ", " : "");
		sb_add(&b, t->cols[i].name);
		sb_add(&b, " ");
		sb_add(&b, t->cols[i].decl);
	}
	sb_add(&b, ");");
	if (t->index) {
		sb_add(&b, "CREATE INDEX IF NOT EXISTS ");
		sb_add(&b, t->name);
		sb_add(&b, "_run_id ON ");
		sb_add(&b, t->name);
		sb_add(&b, "(run_id);");
	}
	return b.s;
}

/* INSERT of the bound columns, in declaration order, of `rows` rows (one
 * VALUES tuple each); sets *nparams to the parameters of one row. */
static char *insert_sql(const struct table *t, int rows, int *nparams)
{
	struct sbuf b = { 0 };
	int i, n = 0;

	sb_add(&b, "INSERT INTO ");
	sb_add(&b, t->name);
	sb_add(&b, "(");
	for (i = 0; i < t->ncols; i++) {
		if (!t->cols[i].bound)
			continue;
		sb_add(&b, n++ ? ", " : "");
		sb_add(&b, t->cols[i].name);
	}
	sb_add(&b, ") VALUES");
	for (int r = 0; r < rows; r++) {
		sb_add(&b, r ? ",(" : "(");
		for (i = 0; i < n; i++)
			sb_add(&b, i ? ",?" : "?");
		sb_add(&b, ")");
	}
	*nparams = n;
	return b.s;
}

/* Fills e with the store's path, what failed, and SQLite's message. */
/* SQLite's message, and the system's reason when there is one: "unable to
 * open database file" alone does not say that the folder is read-only. */
static int store_fail(struct store *s, struct err *e, const char *what)
{
	int sys = s->db ? sqlite3_system_errno(s->db) : 0;
	const char *msg = s->db ? sqlite3_errmsg(s->db) : "out of memory";

	if (sys)
		return err_set(e, ERR_RUN, "%s: %s: %s (%s)", s->path, what, msg, strerror(sys));
	return err_set(e, ERR_RUN, "%s: %s: %s", s->path, what, msg);
}

static int exec(struct store *s, const char *sql, const char *what, struct err *e)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, what);
	return 0;
}

/* mkdir -p of the folder holding path. */
static int make_parent(const char *path, struct err *e)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	char *p;
	struct stat st;
	int rc = 0;

	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (p = dir + 1;; p++) {
		int end = *p == '\0';

		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
			rc = err_set(e, ERR_RUN, "%s: cannot create folder '%s': %s", path, dir,
				     strerror(errno));
			break;
		}
		if (end)
			break;
		*p = '/';
	}
	if (!rc && stat(dir, &st) != 0)
		rc = err_set(e, ERR_RUN, "%s: cannot use folder '%s': %s", path, dir,
			     strerror(errno));
	else if (!rc && !S_ISDIR(st.st_mode))
		rc = err_set(e, ERR_RUN, "%s: cannot use folder '%s': not a folder", path, dir);
	free(dir);
	return rc;
}

/* Schema version recorded in meta, 0 when the database is new. */
static int schema_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
			       &st, NULL) != SQLITE_OK)
		return 0; /* no meta table yet */
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int create_schema(struct store *s, struct err *e)
{
	size_t i;

	/* Checked first so that opening an existing database (every run of
	 * a sweep) needs no write lock. */
	if (schema_version(s) >= STORE_SCHEMA_VERSION)
		return 0;
	if (exec(s, "BEGIN IMMEDIATE", "cannot create the schema", e))
		return ERR_RUN;
	for (i = 0; i < ARRAY_LEN(tables); i++) {
		char *sql = create_sql(&tables[i]);
		int rc = exec(s, sql, "cannot create the schema", e);

		free(sql);
		if (rc)
			goto fail;
	}
	if (exec(s,
		 "CREATE INDEX IF NOT EXISTS runs_point ON runs(scenario_sha256, params, seed);"
		 "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
		 "INSERT OR REPLACE INTO meta VALUES('schema_version', '"
		 STR(STORE_SCHEMA_VERSION) "');"
		 "INSERT OR IGNORE INTO meta VALUES('created_by', 'clustersim " CLUSTERSIM_VERSION
		 "');"
		 "COMMIT",
		 "cannot create the schema", e))
		goto fail;
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ERR_RUN;
}

/*
 * Switching a new database to WAL needs an exclusive lock, and SQLite
 * reports SQLITE_BUSY at once, without the busy handler, when another
 * process is opening the same new file (two sweep workers starting
 * together). Retry for as long as the busy timeout allows. The mode is
 * persistent, so once any writer has set it this costs one statement.
 */
static int set_wal(struct store *s, struct err *e)
{
	int waited = 0, rc;

	while ((rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)) ==
		       SQLITE_BUSY &&
	       waited < STORE_BUSY_MS)
		waited += sqlite3_sleep(10);
	if (rc != SQLITE_OK)
		return store_fail(s, e, "cannot open for writing");
	return 0;
}

static int open_for_writing(struct store *s, struct err *e)
{
	char pragmas[128];

	if (sqlite3_db_readonly(s->db, "main") == 1)
		return err_set(e, ERR_RUN, "%s: cannot append results: the file is read-only",
			       s->path);
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = %d", STORE_WAL_LIMIT);
	if (set_wal(s, e) || exec(s, pragmas, "cannot open for writing", e))
		return ERR_RUN;
	return create_schema(s, e);
}

/* A reader checks at once that this is a results database. */
static int check_readable(struct store *s, struct err *e)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM runs, summary LIMIT 0", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, e, "not a clustersim results database");
	sqlite3_finalize(st);
	return 0;
}

/* WAL keeps PATH-wal and PATH-shm beside the database, so appending needs
 * a writable folder even when the file exists; SQLite would only say
 * "unable to open database file" or "attempt to write a readonly
 * database". */
static int writable_folder(const char *path, struct err *e)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	const char *d = !slash ? "." : slash == dir ? "/" : (*slash = '\0', dir);
	int rc = 0;

	/* A read-only file is reported as such, after opening. */
	if (access(path, F_OK) == 0 && access(path, W_OK) != 0)
		rc = 0;
	else if (access(d, W_OK) != 0)
		rc = err_set(e, ERR_RUN, "%s: cannot append results: folder '%s' is not writable (%s)",
			     path, d, strerror(errno));
	free(dir);
	return rc;
}

int store_open(struct store *s, const char *path, int readonly, struct err *e)
{
	/* NOMUTEX: a connection is used by one thread at a time (store.h), so
	 * SQLite's per-call locking is pure cost: 3 % of writing a big run. */
	int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
		    SQLITE_OPEN_NOMUTEX;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!readonly && (make_parent(path, e) || writable_folder(path, e)))
		return ERR_RUN;
	s->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, e, "cannot open");
		store_close(s);
		return ERR_RUN;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	rc = readonly ? check_readable(s, e) : open_for_writing(s, e);
	if (rc)
		store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	if (s->db) {
		/* Every statement is finalized where it was prepared. */
		int rc = sqlite3_close(s->db);
		assert(rc == SQLITE_OK);
		(void)rc;
	}
	free((char *)s->path);
	memset(s, 0, sizeof(*s));
}

/* Rows per INSERT statement: one statement per row spent a third of the
 * write opening and closing the table's and the index's cursors. */
#define STORE_ROWS_PER_INSERT 64

/* Inserts rows [i, i + k) with st, a statement of k VALUES tuples. */
static int insert_rows(const struct table *t, sqlite3_stmt *st, int nparams, struct rows rows,
		       size_t i, size_t k, sqlite3_int64 run_id)
{
	struct binder b = { st, 0, SQLITE_OK };

	sqlite3_reset(st);
	for (size_t j = i; j < i + k; j++) {
		/* Every table but runs starts with the run_id of the new run. */
		if (t->cols[0].bound)
			b_int(&b, run_id);
		t->bind(&b, (const char *)rows.first + j * rows.size);
	}
	assert(b.i == nparams * (int)k);
	return b.rc == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static sqlite3_stmt *prepare_insert(struct store *s, const struct table *t, int rows,
				    int *nparams)
{
	sqlite3_stmt *st = NULL;
	char *sql = insert_sql(t, rows, nparams);

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		st = NULL;
	free(sql);
	return st;
}

/* Inserts rows into one table, STORE_ROWS_PER_INSERT at a time and the
 * rest one by one; *count counts rows for the fault hook, which a
 * statement never steps over. */
static int write_rows(struct store *s, const struct table *t, struct rows rows,
		      sqlite3_int64 run_id, long *count, struct err *e)
{
	sqlite3_stmt *one = NULL, *many = NULL;
	int nparams, rc = 0;
	size_t i = 0;

	if (rows.n == 0)
		return 0;
	one = prepare_insert(s, t, 1, &nparams);
	if (rows.n >= STORE_ROWS_PER_INSERT)
		many = prepare_insert(s, t, STORE_ROWS_PER_INSERT, &nparams);
	if (!one || (rows.n >= STORE_ROWS_PER_INSERT && !many))
		rc = store_fail(s, e, "cannot write run");
	while (!rc && i < rows.n) {
		size_t k = rows.n - i >= STORE_ROWS_PER_INSERT ? STORE_ROWS_PER_INSERT : 1;
		long left = s->fail_after_rows - *count;
		if (s->fail_after_rows > 0 && left < (long)k)
			k = 1;
		if (insert_rows(t, k > 1 ? many : one, nparams, rows, i, k, run_id)) {
			rc = store_fail(s, e, "cannot write run");
			break;
		}
		i += k;
		*count += (long)k;
		if (*count == s->fail_after_rows)
			rc = err_set(e, ERR_RUN, "%s: cannot write run: %s after %ld rows", s->path,
				     "injected failure", *count);
	}
	sqlite3_finalize(many);
	sqlite3_finalize(one);
	return rc;
}

static int write_table(struct store *s, const struct table *t, const struct results *r,
		       sqlite3_int64 run_id, long *count, struct err *e)
{
	return write_rows(s, t, t->rows(r), run_id, count, e);
}

int store_write_run(struct store *s, const struct results *r, int64_t *run_id, struct err *e)
{
	sqlite3_int64 id = 0;
	long count = 0;
	size_t i;

	if (exec(s, "BEGIN IMMEDIATE", "cannot write run", e))
		return ERR_RUN;
	for (i = 0; i < ARRAY_LEN(tables); i++) {
		if (write_table(s, &tables[i], r, id, &count, e))
			goto fail;
		if (i == 0)
			id = sqlite3_last_insert_rowid(s->db);
	}
	if (exec(s, "COMMIT", "cannot write run", e))
		goto fail;
	if (run_id)
		*run_id = id;
	return 0;
fail:
	/* SQLite may already have rolled back (e.g. on a full disk). */
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ERR_RUN;
}

int store_has_run(struct store *s, const char *sha256, const char *params, uint64_t seed,
		  int *found, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT 1 FROM runs WHERE scenario_sha256 = ? AND params = ? AND "
			       "seed = ? LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot look up runs");
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, params ? params : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seed);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*found = 1;
		rc = 0;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		rc = store_fail(s, e, "cannot look up runs");
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- a run streamed into a new private file (writer.h) ----------------- */

/* The tables written before the streamed ones (runs, summary, nodes, pods). */
#define STORE_NFIXED (ARRAY_LEN(tables) - RES_NSTREAM)

int store_create_private(struct store *s, const char *path, const char *target, struct err *e)
{
	int rc;

	memset(s, 0, sizeof(*s));
	if (make_parent(target, e) || writable_folder(target, e))
		return ERR_RUN;
	/* Messages name the file the user asked for. */
	s->path = xstrdup(target);
	unlink(path); /* a leftover of an earlier process with this pid */
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, e, "cannot create");
		store_close(s);
		return ERR_RUN;
	}
	/* No journal and no syncs: the file is nobody's until it is complete;
	 * a failure deletes it. */
	if (exec(s, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", "cannot create", e) ||
	    create_schema(s, e) || exec(s, "BEGIN", "cannot write run", e)) {
		store_close(s);
		return ERR_RUN;
	}
	return 0;
}

int store_append_rows(struct store *s, enum res_stream t, const void *rows, size_t n,
		      size_t row_size, long *count, struct err *e)
{
	const struct table *tb = &tables[STORE_NFIXED + (size_t)t];

	static const char *const names[RES_NSTREAM] = { "events", "node_samples", "pod_samples",
							 "service_samples", "scores" };

	assert(strcmp(tb->name, names[t]) == 0);
	(void)names;
	return write_rows(s, tb, (struct rows){ rows, n, row_size }, STORE_PRIVATE_RUN_ID, count,
			  e);
}

int store_finish_private(struct store *s, const struct results *r, long *count, struct err *e)
{
	for (size_t i = 0; i < STORE_NFIXED; i++) {
		if (write_table(s, &tables[i], r, STORE_PRIVATE_RUN_ID, count, e))
			return ERR_RUN;
		/* The file's first run: the run_id the streamed rows carry. */
		assert(i != 0 || sqlite3_last_insert_rowid(s->db) == STORE_PRIVATE_RUN_ID);
	}
	/* A results database is in WAL mode for the processes that append to
	 * it later (switching needs no other connection: it has none). */
	if (exec(s, "COMMIT", "cannot write run", e) ||
	    exec(s, "PRAGMA journal_mode = WAL", "cannot write run", e))
		return ERR_RUN;
	return 0;
}
