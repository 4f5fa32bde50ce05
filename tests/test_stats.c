/*
 * test_stats.c -- means, sample standard deviations and Student-t 95 %
 * half-widths against hand calculation and printed t tables.
 *
 * t quantiles t(0.975, df): Abramowitz & Stegun, Handbook of Mathematical
 * Functions, table 26.10 (also any statistics textbook's t table):
 * df 1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 10: 2.228, 30: 2.042,
 * infinity: 1.960 (the normal quantile).
 */
#include "testutil.h"

#include <math.h>

#include "stats.h"

/* cmocka's assert_float_equal works in float; these checks need double. */
static void near_(double a, double b, double tol, const char *file, int line)
{
	if (!(fabs(a - b) <= tol)) {
		print_error("%.17g != %.17g (tolerance %g)\n", a, b, tol);
		_fail(file, line);
	}
}
#define assert_near(a, b, tol) near_((a), (b), (tol), __FILE__, __LINE__)

static void test_t_table(void **state)
{
	(void)state;
	assert_near(stats_t975(1), 12.706, 5e-4);
	assert_near(stats_t975(2), 4.303, 5e-4);
	assert_near(stats_t975(3), 3.182, 5e-4);
	assert_near(stats_t975(4), 2.776, 5e-4);
	assert_near(stats_t975(10), 2.228, 5e-4);
	assert_near(stats_t975(30), 2.042, 5e-4);
	/* Many degrees of freedom: the normal 97.5 % quantile 1.95996. */
	assert_near(stats_t975(1000000), 1.95996, 1e-4);
	assert_true(isnan(stats_t975(0)));
}

/*
 * {1,2,3,4,5}: mean 3; squared deviations 4+1+0+1+4 = 10, sd = sqrt(10/4)
 * = 1.58114; half-width = t(0.975,4) * sd / sqrt(5) = 2.77645 * 0.707107
 * = 1.96324.
 */
static void test_one_to_five(void **state)
{
	static const double x[] = { 1, 2, 3, 4, 5 };
	struct stats_est est;

	(void)state;
	assert_near(stats_mean(x, 5), 3.0, 1e-12);
	assert_near(stats_sd(x, 5), 1.58114, 1e-5);
	assert_near(stats_half95(x, 5), 1.96324, 1e-5);
	stats_estimate(x, 5, &est);
	assert_int_equal(est.n, 5);
	assert_near(est.mean, 3.0, 1e-12);
	assert_near(est.sd, 1.58114, 1e-5);
	assert_near(est.half95, 1.96324, 1e-5);
}

/* The accumulator read mid-stream equals the array functions on a prefix. */
static void test_accumulator_streams(void **state)
{
	static const double x[] = { 4, 8, 15, 16, 23, 42 };
	struct stats_acc a;
	struct stats_est est;
	size_t i;

	(void)state;
	stats_acc_init(&a);
	for (i = 0; i < 6; i++) {
		stats_acc_add(&a, x[i]);
		stats_acc_est(&a, &est);
		assert_int_equal(est.n, i + 1);
		assert_near(est.mean, stats_mean(x, i + 1), 1e-12);
		if (i >= 1)
			assert_near(est.half95, stats_half95(x, i + 1), 1e-12);
	}
	/* Mean of the six: 108 / 6 = 18. */
	assert_near(est.mean, 18.0, 1e-12);
}

/* No spread can be estimated from fewer than two samples: NAN, not 0. */
static void test_small_samples(void **state)
{
	static const double one[] = { 7.5 };
	struct stats_est est;

	(void)state;
	stats_estimate(one, 1, &est);
	assert_int_equal(est.n, 1);
	assert_near(est.mean, 7.5, 0);
	assert_true(isnan(est.sd));
	assert_true(isnan(est.half95));
	stats_estimate(NULL, 0, &est);
	assert_int_equal(est.n, 0);
	assert_true(isnan(est.mean));
	assert_true(isnan(est.half95));
}

/*
 * Welford's update keeps the sd of {1e9+1, ..., 1e9+5} at 1.58114, where
 * the textbook sum-of-squares formula loses about half the digits
 * (squares near 1e18 leave ~1e2 of absolute resolution).
 */
static void test_large_offset(void **state)
{
	double x[5];
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		x[i] = 1e9 + i + 1;
	assert_near(stats_mean(x, 5), 1e9 + 3, 1e-6);
	assert_near(stats_sd(x, 5), 1.58114, 1e-5);
}

/*
 * Paired differences cand - base: {12-10, 15-12, 11-11, 16-13} = {2,3,0,3},
 * mean 2, deviations {0,1,-2,1}, sd = sqrt(6/3) = 1.41421, half-width
 * = t(0.975,3) * 1.41421 / 2 = 3.182446 * 0.707107 = 2.25033.
 */
static void test_paired(void **state)
{
	static const double base[] = { 10, 12, 11, 13 };
	static const double cand[] = { 12, 15, 11, 16 };
	struct stats_est est;

	(void)state;
	stats_paired(base, cand, 4, &est);
	assert_int_equal(est.n, 4);
	assert_near(est.mean, 2.0, 1e-12);
	assert_near(est.sd, 1.41421, 1e-5);
	assert_near(est.half95, 2.25033, 1e-5);
}

/*
 * Why pairing (common random numbers) matters: base {100,200,300} and cand
 * {101,202,303} differ by {1,2,3}: paired mean 2, sd 1, half-width
 * t(0.975,2) / sqrt(3) = 4.30265 / 1.73205 = 2.48414, while each sample
 * alone has sd 100 and a half-width near 248.
 */
static void test_paired_beats_unpaired(void **state)
{
	static const double base[] = { 100, 200, 300 };
	static const double cand[] = { 101, 202, 303 };
	struct stats_est est;

	(void)state;
	stats_paired(base, cand, 3, &est);
	assert_near(est.mean, 2.0, 1e-12);
	assert_near(est.sd, 1.0, 1e-12);
	assert_near(est.half95, 2.48414, 1e-5);
	/* sd 100: 4.30265 * 100 / 1.73205 = 248.414. */
	assert_near(stats_half95(base, 3), 248.414, 1e-3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t_table),
		cmocka_unit_test(test_one_to_five),
		cmocka_unit_test(test_accumulator_streams),
		cmocka_unit_test(test_small_samples),
		cmocka_unit_test(test_large_offset),
		cmocka_unit_test(test_paired),
		cmocka_unit_test(test_paired_beats_unpaired),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
