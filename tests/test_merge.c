/*
 * test_merge.c -- merge_dbs (merge.c): refusals leave OUT as it was;
 * accepted inputs are renumbered after OUT's runs with their rows. (The
 * merge of real shards equal to a -j 1 sweep is in test_batch.c.)
 */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "merge.h"
#include "runs_fixture.h"

static long long count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void write_run(const char *db, char sha, const char *params, unsigned long long seed)
{
	struct fx_run x = { "web", sha, params, 0, seed, 100.0 + (double)seed, 1, 2, 0, 0 };
	fx_write(db, &x);
}

static void expect_refused(const char *out, const char *const *in, int n, const char *msg)
{
	struct merge_stats ms;
	struct err e = { 0 };

	assert_int_equal(merge_dbs(out, in, n, &ms, &e), ERR_INPUT);
	if (!strstr(e.msg, msg))
		fail_msg("expected \"%s\" in: %s", msg, e.msg);
}
static void test_merge_refusals(void **state)
{
	char *a = fx_path("ma.db"), *b = fx_path("mb.db"), *c = fx_path("mc.db");
	char *out = fx_path("mout.db"), *junk;
	const char *ab[2], *aa[2], *ac[2], *j[1], *o[1];
	struct merge_stats ms;
	struct err e = { 0 };
	(void)state;

	write_run(a, 'a', "{\"x\":1}", 1);
	write_run(a, 'a', "{\"x\":1}", 2);
	write_run(b, 'b', "{\"x\":1}", 3); /* another scenario file, same name */
	write_run(c, 'a', "{\"x\":1}", 2); /* a's second run again */
	ab[0] = a, ab[1] = b;
	aa[0] = a, aa[1] = a;
	ac[0] = a, ac[1] = c;
	expect_refused(out, ab, 2, "different scenario or catalog files");
	expect_refused(out, aa, 2, "already in");
	expect_refused(out, ac, 2, "(params {\"x\":1}, seed 2) is already in");
	/* Refused before anything is written: no OUT left behind. */
	assert_int_equal(access(out, F_OK), -1);

	junk = xstrdup(tu_write_file("junk.db", "not a database at all, just text\n"));
	j[0] = junk;
	expect_refused(out, j, 1, "junk.db");
	j[0] = "/nonexistent/x.db";
	expect_refused(out, j, 1, "no such results database");

	/* A accepted; then OUT itself, A again, B: refused, OUT unchanged. */
	o[0] = a;
	assert_int_equal(merge_dbs(out, o, 1, &ms, &e), 0);
	assert_int_equal(ms.runs, 2);
	o[0] = out;
	expect_refused(out, o, 1, "is the output");
	o[0] = a;
	expect_refused(out, o, 1, "already in");
	o[0] = b;
	expect_refused(out, o, 1, "has scenario_sha256 bbbbbbbbbbbb... but");
	assert_int_equal(count(out, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(count(out, "SELECT count(*) FROM events"), 2);
	/* Renumbered after OUT's runs, children following: C's run 1 is seed 2
	 * again (refused above); a fresh one lands as run 3 with its event. */
	write_run(c, 'a', "{\"x\":2}", 2);
	o[0] = c;
	expect_refused(out, o, 1, "already in");
	free(c);
	c = fx_path("mc.db");
	write_run(c, 'a', "{\"x\":2}", 2);
	o[0] = c;
	assert_int_equal(merge_dbs(out, o, 1, &ms, &e), 0);
	assert_true(ms.runs == 1 && ms.first_id == 3 && ms.last_id == 3);
	assert_int_equal(count(out, "SELECT count(*) FROM events e JOIN runs r ON r.run_id ="
				    " e.run_id WHERE r.run_id = 3 AND e.message = 'seed 2'"),
			 1);
	assert_int_equal(count(out, "SELECT count(*) FROM summary WHERE run_id = 3 AND"
				    " cost_per_month_usd = 102"),
			 1);
	free(a);
	free(b);
	free(c);
	free(out);
	free(junk);
}


/* A database from an older version (no scores table, fewer columns)
 * merges; one from a newer version (a column OUT lacks) is refused. */
static void test_merge_schema_versions(void **state)
{
	char *old = fx_path("old.db"), *newer = fx_path("newer.db"), *out = fx_path("vout.db");
	const char *in[1];
	struct merge_stats ms;
	struct err e = { 0 };
	sqlite3 *db;
	(void)state;

	write_run(old, 'a', "{}", 1);
	write_run(newer, 'a', "{}", 2);
	assert_int_equal(sqlite3_open(old, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE scores; ALTER TABLE summary DROP COLUMN"
					  " credits_exhausted_seconds",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sqlite3_open(newer, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE pods ADD COLUMN qos TEXT", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);

	in[0] = old;
	if (merge_dbs(out, in, 1, &ms, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(ms.runs, 1);
	assert_int_equal(count(out, "SELECT count(*) FROM summary WHERE cost_per_month_usd = 101"
				    " AND credits_exhausted_seconds IS NULL"),
			 1);
	in[0] = newer;
	expect_refused(out, in, 1, "table pods has a column qos that");
	free(old);
	free(newer);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_refusals),
		cmocka_unit_test(test_merge_schema_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
