/*
 * test_rng.c -- named streams: determinism, independence of names, the
 * seed folding, and rng_below's exactness (no modulo bias).
 *
 * Statistical checks use a fixed seed (so they are deterministic) and a
 * tolerance of 4 standard errors: a correct generator would fail one with
 * probability 6e-5 under the normal approximation.
 */
#include "testutil.h"

#include "base.h"
#include "rng.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void test_deterministic(void **state)
{
	struct rng a, b;
	(void)state;

	rng_init(&a, 7, "arrivals/user-server");
	rng_init(&b, 7, "arrivals/user-server");
	for (int i = 0; i < 1000; i++)
		assert_true(rng_uniform(&a) == rng_uniform(&b));
	rng_release(&a);
	rng_release(&b);
	/* The derivation is the documented one (seeds depend on it). */
	assert_true(rng_stream_seed(7, "x") == mix64(7 ^ mix64(hash_str64("x"))));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* 1000 names (and one name under 1000 seeds) give 1000 different first
 * outputs. For independent 53-bit uniforms a tie has probability ~1e-10. */
static void test_names_independent(void **state)
{
	double first[1000];
	char name[64];
	(void)state;

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 1000; i++) {
			struct rng r;
			snprintf(name, sizeof(name), "arrivals/workload-%d", i);
			rng_init(&r, pass ? (uint64_t)i : 1, pass ? "sched/tiebreak" : name);
			first[i] = rng_uniform(&r);
			rng_release(&r);
		}
		qsort(first, 1000, sizeof(first[0]), cmp_double);
		for (int i = 1; i < 1000; i++)
			assert_true(first[i] != first[i - 1]);
	}
}

/*
 * Why rng_init folds the seed: taus2 ignores the high 32 bits of what
 * gsl_rng_set gets (two seeds that differ only there give one stream).
 * And that rng_init does fold: its stream is taus2 seeded with low ^ high.
 */
static void test_seed_folding(void **state)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
	unsigned long lo = 12345, hi = lo | (unsigned long)1 << 40;
	unsigned long x;
	struct rng a;
	(void)state;

	gsl_rng_set(g, lo);
	x = gsl_rng_get(g);
	gsl_rng_set(g, hi);
	assert_true(gsl_rng_get(g) == x);

	/* rng_init seeds taus2 with the folded stream seed, low ^ high. */
	{
		uint64_t s = rng_stream_seed(3, "w");
		gsl_rng_set(g, (uint32_t)(s ^ (s >> 32)));
		rng_init(&a, 3, "w");
		for (int i = 0; i < 100; i++) /* rng_below(2^32) is one raw draw */
			assert_true(rng_below(&a, (uint64_t)1 << 32) == gsl_rng_get(g));
		rng_release(&a);
	}
	gsl_rng_free(g);
}

static void test_uniform_ranges(void **state)
{
	struct rng r;
	double sum = 0;
	const int n = 100000;
	(void)state;

	rng_init(&r, 1, "test/uniform");
	for (int i = 0; i < n; i++) {
		double u = rng_uniform(&r), v = rng_uniform_pos(&r);
		assert_true(u >= 0 && u < 1);
		assert_true(v > 0 && v < 1);
		sum += u;
	}
	/* mean 1/2, sd 1/sqrt(12) */
	assert_true(fabs(sum / n - 0.5) < 4 / sqrt(12.0 * n));
	rng_release(&r);
}

/* Fraction of draws of rng_below(n) that fall below `cut`. */
static double frac_below(struct rng *r, uint64_t n, uint64_t cut, int draws)
{
	int k = 0;
	for (int i = 0; i < draws; i++) {
		uint64_t x = rng_below(r, n);
		assert_true(x < n);
		k += x < cut;
	}
	return (double)k / draws;
}

/*
 * Modulo bias shows most where n is just below a power of two's multiple:
 * for n = 3 2^30, x mod n over 32-bit x hits [0, 2^30) twice as often as
 * the rest, so P(x < 2^30) would be 1/2 instead of 1/3. Same for
 * n = 3 2^62 with 64-bit x. The tolerance, 4 standard errors of a
 * proportion 1/3 over 40000 draws, is 0.0094.
 */
static void test_below_unbiased(void **state)
{
	const int draws = 40000;
	const double tol = 4 * sqrt(1.0 / 3 * 2.0 / 3 / draws);
	struct rng r;
	double p;
	(void)state;

	rng_init(&r, 1, "test/below");
	p = frac_below(&r, (uint64_t)3 << 30, (uint64_t)1 << 30, draws);
	assert_true(fabs(p - 1.0 / 3) < tol);
	p = frac_below(&r, (uint64_t)3 << 62, (uint64_t)1 << 62, draws);
	assert_true(fabs(p - 1.0 / 3) < tol);
	/* Small n: every value appears about draws / n times (chi-square with
	 * 9 degrees of freedom; 27.9 is its 0.999 quantile). */
	{
		int count[10] = { 0 };
		double chi2 = 0, expect = draws / 10.0;
		for (int i = 0; i < draws; i++)
			count[rng_below(&r, 10)]++;
		for (int v = 0; v < 10; v++)
			chi2 += (count[v] - expect) * (count[v] - expect) / expect;
		assert_true(chi2 < 27.9);
	}
	/* Edges: n = 1, n = 2^32 and n = 2^64 - 1 stay in range and, for the
	 * big ones, reach the upper half. */
	assert_int_equal(rng_below(&r, 1), 0);
	assert_true(frac_below(&r, (uint64_t)1 << 32, (uint64_t)1 << 31, 1000) > 0.4);
	assert_true(frac_below(&r, UINT64_MAX, (uint64_t)1 << 63, 1000) > 0.4);
	rng_release(&r);
}

static void test_exponential_mean(void **state)
{
	struct rng r;
	double sum = 0, mean = 2.5;
	const int n = 100000;
	(void)state;

	rng_init(&r, 1, "test/exponential");
	for (int i = 0; i < n; i++) {
		double x = rng_exponential(&r, mean);
		assert_true(x >= 0);
		sum += x;
	}
	/* The sd of an exponential equals its mean. */
	assert_true(fabs(sum / n - mean) < 4 * mean / sqrt(n));
	rng_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_names_independent),
		cmocka_unit_test(test_seed_folding),
		cmocka_unit_test(test_uniform_ranges),
		cmocka_unit_test(test_below_unbiased),
		cmocka_unit_test(test_exponential_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
