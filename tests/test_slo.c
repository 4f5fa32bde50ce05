/*
 * test_slo.c -- SLO expressions (slo.h): parsing good and bad ones,
 * judging values, and the pessimistic 95 % bound over replications.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "slo.h"

/* Student t, 0.975 quantile. 2 d.o.f.: closed form from F(t) = 1/2 +
 * t / (2 sqrt(2 + t^2)), t = sqrt(2 * 0.9025 / 0.0975) = 4.302652729749464.
 * 1 d.o.f. (Cauchy): tan(pi * (0.975 - 0.5)) = 12.706204736174705.
 * Both as in every t table (4.303, 12.706). */
#define T975_2 4.302652729749464
#define T975_1 12.706204736174705

static void test_parse_good(void **state)
{
	static const struct {
		const char *expr, *metric, *column;
		enum slo_op op;
		double bound;
		const char *text;
	} cases[] = {
		{"p99_ms<=200", "p99_ms", "latency_p99_ms", SLO_LE, 200, "p99_ms<=200"},
		{"  p99_ms  <=  200  ", "p99_ms", "latency_p99_ms", SLO_LE, 200, "p99_ms<=200"},
		{"p50_ms<12.5", "p50_ms", "latency_p50_ms", SLO_LT, 12.5, "p50_ms<12.5"},
		{"error_rate<0.001", "error_rate", "error_rate", SLO_LT, 0.001, "error_rate<0.001"},
		{"cost_per_month_usd>=1e2", "cost_per_month_usd", "cost_per_month_usd", SLO_GE, 100,
		 "cost_per_month_usd>=100"},
		{"requests>0", "requests", "requests", SLO_GT, 0, "requests>0"},
		/* the full summary column name is accepted too */
		{"latency_p99_ms<=250", "p99_ms", "latency_p99_ms", SLO_LE, 250, "p99_ms<=250"},
		{"oom_kills<=0", "oom_kills", "oom_kills", SLO_LE, 0, "oom_kills<=0"},
		{"max_ms<-1", "max_ms", "latency_max_ms", SLO_LT, -1, "max_ms<-1"},
		{"credits_exhausted_seconds<=60", "credits_exhausted_seconds",
		 "credits_exhausted_seconds", SLO_LE, 60, "credits_exhausted_seconds<=60"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct slo s;
		struct err e = {0};
		char buf[96];
		if (slo_parse(cases[i].expr, &s, &e))
			fail_msg("\"%s\": %s", cases[i].expr, e.msg);
		assert_string_equal(s.metric->name, cases[i].metric);
		assert_string_equal(s.metric->column, cases[i].column);
		assert_int_equal(s.op, cases[i].op);
		assert_true(s.bound == cases[i].bound);
		assert_string_equal(slo_format(&s, buf, sizeof(buf)), cases[i].text);
	}
}

static void test_parse_bad(void **state)
{
	static const char *const cases[][2] = {
		{"", "slo \"\": expected METRIC OP NUMBER, e.g. p99_ms<=200"},
		{"   ", "slo \"   \": expected METRIC OP NUMBER, e.g. p99_ms<=200"},
		{"<=200", "slo \"<=200\": expected METRIC OP NUMBER, e.g. p99_ms<=200"},
		{"p99_ms=200", "slo \"p99_ms=200\": expected an operator <=, <, >= or > after "
			       "\"p99_ms\", got \"=200\""},
		{"p99_ms 200", "slo \"p99_ms 200\": expected an operator <=, <, >= or > after "
			       "\"p99_ms\", got \"200\""},
		{"p99_ms<=", "slo \"p99_ms<=\": expected a number after \"<=\", got \"\""},
		{"p99_ms<=fast", "slo \"p99_ms<=fast\": expected a number after \"<=\", got \"fast\""},
		{"p99_ms<=200ms", "slo \"p99_ms<=200ms\": expected a number after \"<=\", got \"200ms\""},
		{"p99_ms<=nan", "slo \"p99_ms<=nan\": expected a number after \"<=\", got \"nan\""},
		{"p99_ms>inf", "slo \"p99_ms>inf\": expected a number after \">\", got \"inf\""},
		{"p99_ms<=1e999", "slo \"p99_ms<=1e999\": expected a number after \"<=\", got \"1e999\""},
		{"p99_ms<=200 300", "slo \"p99_ms<=200 300\": expected a number after \"<=\", got "
				    "\"200 300\""},
		{"p99_ms=<200", "slo \"p99_ms=<200\": expected an operator <=, <, >= or > after "
				"\"p99_ms\", got \"=<200\""},
		{"p99_ms<<200", "slo \"p99_ms<<200\": expected a number after \"<\", got \"<200\""},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct slo s;
		struct err e = {0};
		assert_int_equal(slo_parse(cases[i][0], &s, &e), ERR_INPUT);
		assert_int_equal(e.code, ERR_INPUT);
		assert_string_equal(e.msg, cases[i][1]);
	}
}

static void test_unknown_metric(void **state)
{
	struct slo s;
	struct err e = {0};
	(void)state;

	/* A prefix of a metric, one edit away, and nothing like any. */
	assert_int_equal(slo_parse("p99<=200", &s, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "slo \"p99<=200\": unknown metric \"p99\" "
				      "(did you mean \"p99_ms\"?); expected one of cost_usd, "));
	assert_non_null(strstr(e.msg, ", p99_ms, "));
	assert_int_equal(slo_parse("p90_ms<=200", &s, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "(did you mean \"p50_ms\"?)") ||
			strstr(e.msg, "(did you mean \"p99_ms\"?)"));
	assert_int_equal(slo_parse("eror_rate<0.01", &s, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "(did you mean \"error_rate\"?)"));
	assert_int_equal(slo_parse("happiness>=9000", &s, &e), ERR_INPUT);
	assert_null(strstr(e.msg, "did you mean"));
	assert_non_null(strstr(e.msg, "unknown metric \"happiness\"; expected one of"));
}

static void test_metric_table(void **state)
{
	size_t n;
	const struct slo_metric *m = slo_metrics(&n);
	/* Every summary column of SPEC "Results database" but run_id: 18. */
	static const char *const columns[] = {
		"cost_usd", "cost_per_month_usd", "node_hours", "requests", "errors",
		"error_rate", "latency_mean_ms", "latency_p50_ms", "latency_p95_ms",
		"latency_p99_ms", "latency_max_ms", "oom_kills", "evictions", "restarts",
		"max_nodes", "max_pending_pods", "pending_pod_seconds",
		"credits_exhausted_seconds",
	};
	(void)state;
	assert_int_equal(n, ARRAY_LEN(columns));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(m[i].column, columns[i]);
		/* the SLO name drops latency_ where the column has it */
		if (!strncmp(columns[i], "latency_", 8))
			assert_string_equal(m[i].name, columns[i] + 8);
		else
			assert_string_equal(m[i].name, columns[i]);
		assert_ptr_equal(slo_metric_find(m[i].name), &m[i]);
		assert_ptr_equal(slo_metric_find(m[i].column), &m[i]);
	}
	assert_null(slo_metric_find("run_id"));
}

static void test_holds(void **state)
{
	struct slo le = {slo_metric_find("p99_ms"), SLO_LE, 200};
	struct slo lt = {slo_metric_find("p99_ms"), SLO_LT, 200};
	struct slo ge = {slo_metric_find("requests"), SLO_GE, 10};
	struct slo gt = {slo_metric_find("requests"), SLO_GT, 10};
	(void)state;

	assert_true(slo_holds(&le, 200));
	assert_true(slo_holds(&le, 199.9));
	assert_false(slo_holds(&le, 200.1));
	assert_false(slo_holds(&lt, 200));
	assert_true(slo_holds(&lt, 199.9));
	assert_true(slo_holds(&ge, 10));
	assert_false(slo_holds(&ge, 9.99));
	assert_false(slo_holds(&gt, 10));
	assert_true(slo_holds(&gt, 10.01));
	/* A metric the run does not have (NULL in SQL) never meets an SLO. */
	assert_false(slo_holds(&le, NAN));
	assert_false(slo_holds(&ge, NAN));
}

static void test_ci95(void **state)
{
	static const double three[] = {1, 2, 3}, two[] = {10, 14}, one[] = {7};
	static const double gaps[] = {NAN, 1, NAN, 2, 3}, none[] = {NAN, NAN};
	double mean, half;
	(void)state;

	/* {1,2,3}: mean 2, sample sd 1, half = t(0.975, 2) * 1 / sqrt(3). */
	assert_int_equal(slo_ci95(three, 3, &mean, &half), 3);
	assert_true(fabs(mean - 2) < 1e-12);
	assert_true(fabs(half - T975_2 / sqrt(3)) < 1e-9);
	/* {10,14}: mean 12, sd sqrt(8), half = t(0.975, 1) * sqrt(8) / sqrt(2) = 2 * 12.706. */
	assert_int_equal(slo_ci95(two, 2, &mean, &half), 2);
	assert_true(fabs(mean - 12) < 1e-12);
	assert_true(fabs(half - 2 * T975_1) < 1e-8);
	/* NaNs are skipped: the same as {1,2,3}. */
	assert_int_equal(slo_ci95(gaps, 5, &mean, &half), 3);
	assert_true(fabs(half - T975_2 / sqrt(3)) < 1e-9);
	/* One value: no interval. None: NaN. */
	assert_int_equal(slo_ci95(one, 1, &mean, &half), 1);
	assert_true(mean == 7 && half == 0);
	assert_int_equal(slo_ci95(none, 2, &mean, &half), 0);
	assert_true(isnan(mean));
}

static void test_holds_ci(void **state)
{
	/* p99s {180, 190, 200}: mean 190, sd 10, half = 4.3027 * 10 / sqrt(3) = 24.84. */
	static const double p99[] = {180, 190, 200};
	struct slo s;
	struct err e = {0};
	double bound;
	(void)state;

	assert_int_equal(slo_parse("p99_ms<=200", &s, &e), 0);
	/* The mean meets 200 but the upper bound 214.84 does not. */
	assert_false(slo_holds_ci(&s, p99, 3, &bound));
	assert_true(fabs(bound - (190 + T975_2 * 10 / sqrt(3))) < 1e-9);
	assert_int_equal(slo_parse("p99_ms<=215", &s, &e), 0);
	assert_true(slo_holds_ci(&s, p99, 3, NULL));
	/* >=: judged on the lower bound, 190 - 24.84 = 165.16. */
	assert_int_equal(slo_parse("p99_ms>=170", &s, &e), 0);
	assert_false(slo_holds_ci(&s, p99, 3, &bound));
	assert_true(fabs(bound - (190 - T975_2 * 10 / sqrt(3))) < 1e-9);
	assert_int_equal(slo_parse("p99_ms>165", &s, &e), 0);
	assert_true(slo_holds_ci(&s, p99, 3, NULL));
	/* One replication: the value itself. */
	assert_int_equal(slo_parse("p99_ms<=180", &s, &e), 0);
	assert_true(slo_holds_ci(&s, p99, 1, &bound));
	assert_true(bound == 180);
	assert_true(slo_pessimistic(&s, 10, 2) == 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),    cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_unknown_metric), cmocka_unit_test(test_metric_table),
		cmocka_unit_test(test_holds),          cmocka_unit_test(test_ci95),
		cmocka_unit_test(test_holds_ci),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
