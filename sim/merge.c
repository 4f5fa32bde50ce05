/*
 * merge.c -- appending the runs of results databases to another; see
 * merge.h.
 *
 * Two passes over the inputs on OUT's connection. The first attaches each
 * input in turn and checks it against temporary tables of what OUT and
 * the inputs before it hold (scenario name -> hash, run keys); only when
 * every input passes does the second pass copy, one transaction per
 * input. The SQL is generated from the schemas themselves (sqlite_master,
 * pragma_table_info), so new tables and columns need no change here.
 */
#include "merge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "store.h"

struct merge {
	sqlite3 *db;
	const char *out;
	struct err *e;
};

static int db_fail(struct merge *m, const char *what)
{
	return err_set(m->e, ERR_RUN, "%s: %s: %s", m->out, what, sqlite3_errmsg(m->db));
}

/* Prepares sql and binds the text arguments ?1, ?2, ... (NULL ends them). */
static int prep(struct merge *m, sqlite3_stmt **st, const char *sql, const char *a1,
		const char *a2)
{
	if (sqlite3_prepare_v2(m->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(m, "cannot merge");
	if (a1)
		sqlite3_bind_text(*st, 1, a1, -1, SQLITE_TRANSIENT);
	if (a2)
		sqlite3_bind_text(*st, 2, a2, -1, SQLITE_TRANSIENT);
	return 0;
}

/* Runs a statement to its end. */
static int run_sql(struct merge *m, const char *sql, const char *a1, const char *a2)
{
	sqlite3_stmt *st;
	int rc;

	if (prep(m, &st, sql, a1, a2))
		return ERR_RUN;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(m, "cannot merge");
}

static int attach(struct merge *m, const char *in)
{
	if (run_sql(m, "ATTACH ?1 AS src", in, NULL) == 0)
		return 0;
	return err_set(m->e, ERR_INPUT, "%s: cannot open as a results database: %s", in,
		       sqlite3_errmsg(m->db));
}

static void detach(struct merge *m)
{
	sqlite3_exec(m->db, "DETACH src", NULL, NULL, NULL);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

/* The first 12 hex digits of a hash, for messages. */
static const char *short_sha(char *buf, const char *sha)
{
	snprintf(buf, 16, "%.12s", sha);
	return buf;
}

/* Scenario names of `schema` (main or src) with two hashes. */
static int check_one_hash(struct merge *m, const char *schema, const char *file)
{
	char sql[256], a[16], b[16];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT scenario, min(scenario_sha256), max(scenario_sha256) FROM %s.runs"
		 " GROUP BY scenario HAVING count(DISTINCT scenario_sha256) > 1 LIMIT 1",
		 schema);
	if (prep(m, &st, sql, NULL, NULL))
		return ERR_RUN;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = err_set(m->e, ERR_INPUT,
			     "%s: scenario \"%s\" has two scenario_sha256 (%s..., %s...): runs of "
			     "two versions of its files cannot be merged; keep them in separate "
			     "databases or rename the scenario",
			     file, col_text(st, 0), short_sha(a, col_text(st, 1)),
			     short_sha(b, col_text(st, 2)));
	else
		rc = rc == SQLITE_DONE ? 0 : db_fail(m, "cannot read runs");
	sqlite3_finalize(st);
	return rc;
}

/* Every table and column of the input must exist in OUT. */
static int check_schema(struct merge *m, const char *in)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(m->db, "SELECT 1 FROM src.runs, src.summary LIMIT 0", -1, &st,
			       NULL) != SQLITE_OK)
		return err_set(m->e, ERR_INPUT, "%s: not a clustersim results database (%s)", in,
			       sqlite3_errmsg(m->db));
	sqlite3_finalize(st);
	if (prep(m, &st,
		 "SELECT t.name, c.name"
		 " FROM src.sqlite_master t, pragma_table_info(t.name, 'src') c"
		 " WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%' AND t.name <> 'meta'"
		 " AND NOT EXISTS (SELECT 1 FROM pragma_table_info(t.name, 'main') o"
		 "                 WHERE o.name = c.name) LIMIT 1",
		 NULL, NULL))
		return ERR_RUN;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = err_set(m->e, ERR_INPUT,
			     "%s: table %s has a column %s that %s lacks: written by a newer "
			     "clustersim; merge with that version",
			     in, col_text(st, 0), col_text(st, 1), m->out);
	else
		rc = rc == SQLITE_DONE ? 0 : db_fail(m, "cannot read the input's schema");
	sqlite3_finalize(st);
	return rc;
}

/* The input's scenario hashes against those already seen. */
static int check_hashes(struct merge *m, const char *in)
{
	char a[16], b[16];
	sqlite3_stmt *st;
	int rc;

	if ((rc = check_one_hash(m, "src", in)))
		return rc;
	if (prep(m, &st,
		 "SELECT s.scenario, s.scenario_sha256, n.sha, n.src"
		 " FROM (SELECT DISTINCT scenario, scenario_sha256 FROM src.runs) s"
		 " JOIN temp.merge_names n ON n.scenario = s.scenario"
		 " WHERE n.sha <> s.scenario_sha256 LIMIT 1",
		 NULL, NULL))
		return ERR_RUN;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = err_set(m->e, ERR_INPUT,
			     "%s: scenario \"%s\" has scenario_sha256 %s... but %s has %s...: the "
			     "shards were run from different scenario or catalog files; re-run the "
			     "stale shard with the same files; nothing merged",
			     in, col_text(st, 0), short_sha(a, col_text(st, 1)), col_text(st, 3),
			     short_sha(b, col_text(st, 2)));
	else
		rc = rc == SQLITE_DONE ? 0 : db_fail(m, "cannot read runs");
	sqlite3_finalize(st);
	return rc;
}

static int check_duplicates(struct merge *m, const char *in)
{
	sqlite3_stmt *st;
	int rc;

	if (prep(m, &st,
		 "SELECT r.run_id, r.params, r.seed, k.src FROM src.runs r"
		 " JOIN temp.merge_keys k ON k.sha = r.scenario_sha256 AND k.params = r.params"
		 " AND k.seed = r.seed ORDER BY r.run_id LIMIT 1",
		 NULL, NULL))
		return ERR_RUN;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = err_set(m->e, ERR_INPUT,
			     "%s: run %lld (params %s, seed %llu) is already in %s: the same shard "
			     "given twice, or overlapping shards; nothing merged",
			     in, (long long)sqlite3_column_int64(st, 0), col_text(st, 1),
			     (unsigned long long)(uint64_t)sqlite3_column_int64(st, 2),
			     col_text(st, 3));
	else
		rc = rc == SQLITE_DONE ? 0 : db_fail(m, "cannot read runs");
	sqlite3_finalize(st);
	return rc;
}

/* Adds the runs of `schema` to what has been seen, labelled with file. */
static int remember(struct merge *m, const char *schema, const char *file)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "INSERT OR IGNORE INTO temp.merge_names"
		 " SELECT DISTINCT scenario, scenario_sha256, ?1 FROM %s.runs",
		 schema);
	if (run_sql(m, sql, file, NULL))
		return ERR_RUN;
	snprintf(sql, sizeof(sql),
		 "INSERT OR IGNORE INTO temp.merge_keys"
		 " SELECT scenario_sha256, params, seed, ?1 FROM %s.runs",
		 schema);
	return run_sql(m, sql, file, NULL);
}

static int check_input(struct merge *m, const char *in)
{
	int rc;

	if ((rc = attach(m, in)))
		return rc;
	rc = check_schema(m, in);
	if (!rc)
		rc = check_hashes(m, in);
	if (!rc)
		rc = check_duplicates(m, in);
	if (!rc)
		rc = remember(m, "src", in);
	detach(m);
	return rc;
}

/* A name safe to put between double quotes in SQL. */
static int plain_name(const char *s)
{
	return s && *s && !strchr(s, '"');
}

/* INSERT ... SELECT of one table of src into main through temp.merge_map. */
static int copy_table(struct merge *m, const char *table)
{
	char *sql = NULL, *cols = xstrdup(""), *sel = xstrdup("");
	sqlite3_stmt *st;
	int rc, in_src = 0;

	if (!plain_name(table))
		return err_set(m->e, ERR_RUN, "%s: cannot merge table with name %s", m->out, table);
	if (prep(m, &st,
		 "SELECT name FROM pragma_table_info(?1, 'main') c WHERE c.name <> 'run_id' AND"
		 " EXISTS (SELECT 1 FROM pragma_table_info(?1, 'src') s WHERE s.name = c.name)"
		 " ORDER BY cid",
		 table, NULL)) {
		free(cols);
		free(sel);
		return ERR_RUN;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = col_text(st, 0);
		char *nc, *ns;

		if (!plain_name(c))
			continue;
		nc = xasprintf("%s, \"%s\"", cols, c);
		ns = xasprintf("%s, t.\"%s\"", sel, c);
		free(cols);
		free(sel);
		cols = nc;
		sel = ns;
		in_src = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		rc = db_fail(m, "cannot read the schema");
	else if (!in_src)
		rc = 0; /* the input has no such table (an older version): nothing to copy */
	else {
		sql = xasprintf("INSERT INTO main.\"%s\"(run_id%s) SELECT k.new%s FROM src.\"%s\" t"
				" JOIN temp.merge_map k ON k.old = t.run_id ORDER BY t.rowid",
				table, cols, sel, table);
		rc = sqlite3_exec(m->db, sql, NULL, NULL, NULL) == SQLITE_OK
			     ? 0
			     : db_fail(m, "cannot copy rows");
	}
	free(sql);
	free(cols);
	free(sel);
	return rc;
}

/* The tables of OUT that hang off runs (a run_id column), runs first. */
static int copy_tables(struct merge *m)
{
	sqlite3_stmt *st;
	int rc;

	if (copy_table(m, "runs"))
		return ERR_RUN;
	if (prep(m, &st,
		 "SELECT t.name FROM main.sqlite_master t WHERE t.type = 'table'"
		 " AND t.name NOT LIKE 'sqlite_%' AND t.name <> 'runs'"
		 " AND EXISTS (SELECT 1 FROM pragma_table_info(t.name, 'main') c"
		 "             WHERE c.name = 'run_id') ORDER BY t.rowid",
		 NULL, NULL))
		return ERR_RUN;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *name = xstrdup(col_text(st, 0));
		int r = copy_table(m, name);

		free(name);
		if (r) {
			sqlite3_finalize(st);
			return r;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(m, "cannot read the schema");
}

static int64_t query_int(struct merge *m, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(m->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Copies one input in one transaction. */
static int copy_input(struct merge *m, const char *in, struct merge_stats *ms)
{
	char sql[256];
	int64_t base, n;
	int rc;

	if ((rc = attach(m, in)))
		return rc;
	if (sqlite3_exec(m->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_fail(m, "cannot merge");
		detach(m);
		return rc;
	}
	base = query_int(m, "SELECT coalesce(max(run_id), 0) FROM main.runs");
	n = query_int(m, "SELECT count(*) FROM src.runs");
	snprintf(sql, sizeof(sql),
		 "CREATE TEMP TABLE merge_map(old INTEGER PRIMARY KEY, new INTEGER);"
		 "INSERT INTO temp.merge_map"
		 " SELECT run_id, %lld + row_number() OVER (ORDER BY run_id) FROM src.runs",
		 (long long)base);
	if (base < 0 || n < 0)
		rc = db_fail(m, "cannot read runs");
	else if (sqlite3_exec(m->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = db_fail(m, "cannot merge");
	else
		rc = copy_tables(m);
	if (!rc && sqlite3_exec(m->db, "DROP TABLE temp.merge_map; COMMIT", NULL, NULL, NULL) !=
			   SQLITE_OK)
		rc = db_fail(m, "cannot commit");
	if (rc) {
		if (!sqlite3_get_autocommit(m->db))
			sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
		err_prefix(m->e, "merging %s: ", in);
	} else if (n > 0) {
		if (!ms->first_id)
			ms->first_id = base + 1;
		ms->last_id = base + n;
		ms->runs += n;
	}
	detach(m);
	return rc;
}

/* Inputs exist and none is OUT itself (same file, whatever the path). */
static int check_files(const char *out, const char *const *in, int nin, struct err *e)
{
	struct stat so, si;
	int have_out = stat(out, &so) == 0;

	for (int i = 0; i < nin; i++) {
		if (stat(in[i], &si) != 0)
			return err_set(e, ERR_INPUT, "%s: no such results database (%s)", in[i],
				       strerror(errno));
		if (have_out && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
			return err_set(e, ERR_INPUT, "%s: is the output database %s", in[i], out);
	}
	return 0;
}

static int check_all(struct merge *m, const char *const *in, int nin)
{
	int rc;

	if (sqlite3_exec(m->db,
			 "CREATE TEMP TABLE merge_names(scenario TEXT PRIMARY KEY, sha TEXT,"
			 " src TEXT) WITHOUT ROWID;"
			 "CREATE TEMP TABLE merge_keys(sha TEXT, params TEXT, seed INTEGER,"
			 " src TEXT, PRIMARY KEY(sha, params, seed)) WITHOUT ROWID",
			 NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(m, "cannot merge");
	if ((rc = check_one_hash(m, "main", m->out)) || (rc = remember(m, "main", m->out)))
		return rc;
	for (int i = 0; i < nin; i++)
		if ((rc = check_input(m, in[i])))
			return rc;
	return sqlite3_exec(m->db, "DROP TABLE temp.merge_names; DROP TABLE temp.merge_keys",
			    NULL, NULL, NULL) == SQLITE_OK
		       ? 0
		       : db_fail(m, "cannot merge");
}

static void remove_db(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };

	for (size_t i = 0; i < ARRAY_LEN(suffix); i++) {
		char *p = xasprintf("%s%s", path, suffix[i]);
		unlink(p);
		free(p);
	}
}

int merge_dbs(const char *out, const char *const *in, int nin, struct merge_stats *ms,
	      struct err *e)
{
	struct store st;
	struct merge m;
	struct stat so;
	int rc, new_out = stat(out, &so) != 0, checked;

	memset(ms, 0, sizeof(*ms));
	if ((rc = check_files(out, in, nin, e)))
		return rc;
	if ((rc = store_open(&st, out, 0, e)))
		return rc;
	m.db = st.db;
	m.out = out;
	m.e = e;
	rc = check_all(&m, in, nin);
	checked = rc == 0;
	for (int i = 0; !rc && i < nin; i++)
		rc = copy_input(&m, in[i], ms);
	store_close(&st);
	if (!checked && new_out)
		remove_db(out); /* refused: leave no empty OUT behind */
	return rc;
}
