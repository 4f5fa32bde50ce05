/*
 * test_best.c -- the cheapest point meeting SLOs on the pessimistic end
 * of the 95 % interval (best.c), and the `best` command around it.
 *
 * Hand calculation. Three replications: t(0.975, 2) = 4.302653 (Student
 * table), so half = 4.302653 x sd / sqrt(3) = 2.484138 x sd.
 *   A {"x":1}: cost 100; p99 150 160 170 (mean 160, sd 10): upper bound
 *              160 + 24.84138 = 184.84 <= 200, error rate 0: feasible.
 *   B {"x":2}: cost 80, the cheapest; p99 180 190 200 (mean 190 passes,
 *              but the bound 214.84 > 200): infeasible, the lucky-seed case.
 *   C {"x":3}: cost 120; p99 100 x 3 (sd 0, bound 100): feasible.
 *   D {"x":4}: cost 90; p99 50; error rate 0.0005 0.001 0.0015 (mean 0.001,
 *              sd 0.0005, bound 0.001 + 0.001242 = 0.002242 > 0.001):
 *              infeasible on the second SLO.
 *   E {"x":5}: cost 100 110 120 (mean 110); p99 190 x 3: feasible.
 * So: best A (100), runners-up E (110), C (120); the infeasible follow
 * by cost, B (80) before D (90).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "best.h"
#include "runs_fixture.h"

#define T2 4.302653 /* t(0.975, 2) */

static char *build_db(void)
{
	static const struct {
		const char *params;
		double cost[3], p99[3], err[3];
	} pts[] = {
		{ "{\"x\":1}", { 100, 100, 100 }, { 150, 160, 170 }, { 0, 0, 0 } },
		{ "{\"x\":2}", { 80, 80, 80 }, { 180, 190, 200 }, { 0, 0, 0 } },
		{ "{\"x\":3}", { 120, 120, 120 }, { 100, 100, 100 }, { 0, 0, 0 } },
		{ "{\"x\":4}", { 90, 90, 90 }, { 50, 50, 50 }, { 0.0005, 0.001, 0.0015 } },
		{ "{\"x\":5}", { 100, 110, 120 }, { 190, 190, 190 }, { 0, 0, 0 } },
	};
	char *db = fx_path("best.db");

	for (int i = 0; i < (int)ARRAY_LEN(pts); i++)
		for (int k = 0; k < 3; k++) {
			struct fx_run x = { "web", 'a', pts[i].params, i, (unsigned long long)k + 1,
					    pts[i].cost[k], 10, pts[i].p99[k], pts[i].err[k], 0 };
			fx_write(db, &x);
		}
	return db;
}

static void load(const char *db, struct points *p)
{
	struct store st;
	struct err e = { 0 };

	if (store_open(&st, db, 1, &e) || points_load(p, &st, &e))
		fail_msg("%s", e.msg);
	store_close(&st);
}

static void parse(struct slo *s, const char *expr)
{
	struct err e = { 0 };
	if (slo_parse(expr, s, &e))
		fail_msg("%s", e.msg);
}

static void test_rank(void **state)
{
	char *db = build_db();
	struct points p;
	struct best b;
	struct slo slo[2];
	static const char *const order[] = { "{\"x\":1}", "{\"x\":5}", "{\"x\":3}", "{\"x\":2}",
					     "{\"x\":4}" };
	(void)state;

	load(db, &p);
	parse(&slo[0], "p99_ms<=200");
	parse(&slo[1], "error_rate<=0.001");
	best_rank(&b, &p, slo, 2);
	assert_int_equal(b.n, 5);
	assert_int_equal(b.nfeasible, 3);
	for (size_t i = 0; i < b.n; i++)
		assert_string_equal(p.pt[b.rows[i].index].params, order[i]);
	/* A */
	assert_float_equal(b.rows[0].cost, 100, 1e-9);
	assert_float_equal(b.rows[0].cost_half, 0, 1e-9);
	assert_float_equal(b.rows[0].bound[0], 160 + T2 * 10 / sqrt(3), 1e-4);
	assert_float_equal(b.rows[0].bound[1], 0, 0);
	assert_int_equal(b.rows[0].first_failed, -1);
	/* E: cost 100 110 120, half = T2 x 10 / sqrt(3) */
	assert_float_equal(b.rows[1].cost, 110, 1e-9);
	assert_float_equal(b.rows[1].cost_half, T2 * 10 / sqrt(3), 1e-4);
	/* B fails the first SLO on its bound though its mean passes */
	assert_false(b.rows[3].feasible);
	assert_int_equal(b.rows[3].first_failed, 0);
	assert_float_equal(b.rows[3].bound[0], 190 + T2 * 10 / sqrt(3), 1e-4);
	/* D fails the second */
	assert_int_equal(b.rows[4].first_failed, 1);
	assert_float_equal(b.rows[4].bound[1], 0.001 + T2 * 0.0005 / sqrt(3), 1e-9);
	best_release(&b);

	/* A looser p99 SLO lets B in, cheapest of all. */
	parse(&slo[0], "p99_ms<=215");
	best_rank(&b, &p, slo, 2);
	assert_string_equal(p.pt[b.rows[0].index].params, "{\"x\":2}");
	assert_int_equal(b.nfeasible, 4);
	best_release(&b);
	/* A >= SLO is judged on the lower bound: for p99_ms>=136 those are
	 * A 160 - 24.84 = 135.16 (fails), B 165.16, C 100 (fails), D 50
	 * (fails), E 190: feasible B (80) then E (110). */
	parse(&slo[0], "p99_ms>=136");
	best_rank(&b, &p, slo, 1);
	assert_int_equal(b.nfeasible, 2);
	assert_string_equal(p.pt[b.rows[0].index].params, "{\"x\":2}");
	assert_string_equal(p.pt[b.rows[1].index].params, "{\"x\":5}");
	best_release(&b);
	points_release(&p);
	free(db);
}

static void test_command(void **state)
{
	char *db = build_db(), out[8192];
	(void)state;

	assert_int_equal(tu_run(out, sizeof(out), "%s best %s --slo 'p99_ms<=200' --slo "
						  "'error_rate<=0.001'",
				tu_bin(), db),
			 0);
	assert_non_null(strstr(out, "best: web {\"x\":1} at 100.000 USD/month (point 0, 3 "
				    "replications)"));
	assert_non_null(strstr(out, "3 of 5 points meet the SLOs"));
	assert_non_null(strstr(out, "184.841"));
	/* None holds: exit 1, a message, the cheapest near misses shown. */
	assert_int_equal(tu_run(out, sizeof(out), "%s best %s --slo 'p99_ms<=40'", tu_bin(), db),
			 1);
	assert_non_null(strstr(out, "clustersim: best: no point of 5 meets p99_ms<=40"));
	assert_non_null(strstr(out, "214.841!"));
	/* Usage: no SLO, a bad SLO, no database. */
	assert_int_equal(tu_run(out, sizeof(out), "%s best %s", tu_bin(), db), 2);
	assert_non_null(strstr(out, "expected at least one --slo"));
	assert_int_equal(tu_run(out, sizeof(out), "%s best %s --slo 'p99<=1'", tu_bin(), db), 2);
	assert_int_equal(tu_run(out, sizeof(out), "%s best /nonexistent.db --slo 'p99_ms<=1'",
				tu_bin()),
			 2);
	assert_non_null(strstr(out, "no such results database"));
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
