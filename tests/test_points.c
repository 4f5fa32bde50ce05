/*
 * test_points.c -- runs grouped into points (points.c): grouping and
 * order, NULL values, the three selector forms, the grouped report.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "points.h"
#include "runs_fixture.h"

/*
 * Sweep "web" points 0..2 with 3, 3 and 2 replications, then a single run
 * of scenario "other" (point 0 too), then one more replication of web's
 * point 1 written last (a resumed sweep).
 */
static const struct fx_run runs[] = {
	{ "web", 'a', "{\"a\":1,\"b\":\"m5.large\"}", 0, 1, 1.0, 10, 100, 0, 0 },
	{ "web", 'a', "{\"a\":1,\"b\":\"m5.large\"}", 0, 2, 2.0, 11, 110, 0, 0 },
	{ "web", 'a', "{\"a\":1,\"b\":\"m5.large\"}", 0, 3, 3.0, NAN, NAN, 0, 0 },
	{ "web", 'a', "{\"a\":2,\"b\":\"m5.large\"}", 1, 1, 4.0, 20, 200, 0.5, 1 },
	{ "web", 'a', "{\"a\":2,\"b\":\"m5.xlarge\"}", 2, 1, 8.0, 30, 300, 0, 2 },
	{ "web", 'a', "{\"a\":2,\"b\":\"m5.xlarge\"}", 2, 2, 8.0, 31, 310, 0, 2 },
	{ "other", 'b', "{}", 0, 7, 50.0, 5, 50, 0, 0 },
	{ "web", 'a', "{\"a\":2,\"b\":\"m5.large\"}", 1, 2, 6.0, 22, 220, 0.25, 3 },
};

static void load(struct points *p, const char *name)
{
	char *db = fx_path(name);
	struct store st;
	struct err e = { 0 };

	for (size_t i = 0; i < ARRAY_LEN(runs); i++)
		fx_write(db, &runs[i]);
	if (store_open(&st, db, 1, &e) || points_load(p, &st, &e))
		fail_msg("%s", e.msg);
	store_close(&st);
	free(db);
}

static void test_grouping(void **state)
{
	struct points p;
	int cost, p99;
	const double *x;
	(void)state;

	load(&p, "group.db");
	assert_int_equal(p.n, 4);
	assert_int_equal(p.nrows, ARRAY_LEN(runs));
	/* web's points by number (the late run joins point 1), then other. */
	assert_string_equal(p.pt[0].params, "{\"a\":1,\"b\":\"m5.large\"}");
	assert_int_equal(p.pt[0].n, 3);
	assert_int_equal(p.pt[1].point, 1);
	assert_int_equal(p.pt[1].n, 2);
	assert_int_equal(p.pt[2].point, 2);
	assert_string_equal(p.pt[3].scenario, "other");
	assert_string_equal(p.pt[3].sha256,
			    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	cost = points_metric(&p, "cost_per_month_usd");
	p99 = points_metric(&p, "p99_ms");
	assert_int_equal(p99, points_metric(&p, "latency_p99_ms"));
	assert_int_equal(points_metric(&p, "nonsense"), -1);
	x = points_values(&p, 1, cost);
	assert_float_equal(x[0], 4.0, 0);
	assert_float_equal(x[1], 6.0, 0);
	assert_int_equal((int)p.seed[p.pt[1].first + 1], 2);
	x = points_values(&p, 0, p99);
	assert_true(x[0] == 100 && x[1] == 110 && isnan(x[2])); /* NULL -> NAN */
	points_release(&p);
}

static void expect_select(const struct points *p, const char *sel, size_t want)
{
	struct err e = { 0 };
	size_t got = 999;

	if (points_select(p, sel, "--baseline", &got, &e))
		fail_msg("%s: %s", sel, e.msg);
	assert_int_equal(got, want);
}

static void expect_no_select(const struct points *p, const char *sel, const char *msg)
{
	struct err e = { 0 };
	size_t got;

	assert_int_equal(points_select(p, sel, "--candidate", &got, &e), ERR_INPUT);
	if (!strstr(e.msg, msg) || strncmp(e.msg, "--candidate: ", 13))
		fail_msg("%s: expected \"%s\" in: %s", sel, msg, e.msg);
}

static void test_select(void **state)
{
	struct points p;
	(void)state;

	load(&p, "select.db");
	expect_select(&p, "1", 1);
	expect_select(&p, "2", 2);
	expect_select(&p, "a=2,b=m5.xlarge", 2);
	expect_select(&p, "b=m5.xlarge", 2);
	expect_select(&p, "a=1", 0);
	expect_select(&p, "{\"a\":2,\"b\":\"m5.large\"}", 1);
	expect_select(&p, "{ \"a\": 2, \"b\": \"m5.large\" }", 1);
	expect_select(&p, "{}", 3);
	/* web's point 0 and other's point 0 */
	expect_no_select(&p, "0", "matches 2 points");
	expect_no_select(&p, "a=2", "matches 2 points; add path=value");
	expect_no_select(&p, "a=3", "no point matches");
	expect_no_select(&p, "b=m5", "no point matches"); /* whole values only */
	expect_no_select(&p, "9", "no point matches");
	expect_no_select(&p, "{\"a\":2}", "no point matches"); /* JSON: all of params */
	expect_no_select(&p, "junk", "expected a point number");
	points_release(&p);
}

/* The CSV by point: mean and Student-t half-width by hand. */
static void test_report_csv(void **state)
{
	struct points p;
	struct err e = { 0 };
	char buf[8192], *line;
	FILE *f = tmpfile();
	size_t n;
	(void)state;

	load(&p, "report.db");
	assert_int_equal(points_report(&p, REPORT_CSV, f, &e), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "point,scenario,scenario_sha256,params,n,cost_usd_mean,"
				    "cost_usd_ci95,cost_per_month_usd_mean,"
				    "cost_per_month_usd_ci95,"));
	line = strstr(buf, "\n0,web,");
	assert_non_null(line);
	/* cost 1, 2, 3: mean 2, sd 1, half = t(0.975, 2) / sqrt(3) =
	 * 4.302653 / 1.732051 = 2.484138 (t from any Student table). */
	assert_non_null(strstr(line, ",\"{\"\"a\"\":1,\"\"b\"\":\"\"m5.large\"\"}\",3,2,2.48413"));
	/* other: one run, no interval: empty ci95 fields. */
	line = strstr(buf, "\n0,other,");
	assert_non_null(line);
	assert_non_null(strstr(line, ",{},1,50,,50,,"));
	points_release(&p);
}

static void test_report_json_text(void **state)
{
	struct points p;
	struct err e = { 0 };
	char buf[16384];
	FILE *f = tmpfile();
	size_t n;
	(void)state;

	load(&p, "json.db");
	assert_int_equal(points_report(&p, REPORT_JSON, f, &e), 0);
	assert_int_equal(points_report(&p, REPORT_TEXT, f, &e), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "\"params\":\"{\\\"a\\\":1,\\\"b\\\":"
				    "\\\"m5.large\\\"}\",\"n\":3,\"cost_usd_mean\":2,"));
	assert_non_null(strstr(buf, "\"cost_usd_mean\":50,\"cost_usd_ci95\":null,"));
	/* Point 1's error rate 0.5, 0.25: mean 0.375, sd 0.176777, half =
	 * t(0.975, 1) 12.70620 x 0.1767767 / sqrt(2) = 1.5882756 */
	assert_non_null(strstr(buf, "\"error_rate_mean\":0.375,\"error_rate_ci95\":1.588275"));
	assert_non_null(strstr(buf, "by point: mean +- 95 % confidence half-width"));
	assert_non_null(strstr(buf, "0.37500 +- 1.58828"));
	points_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_report_csv),
		cmocka_unit_test(test_report_json_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
