/*
 * test_hist.c -- the log histogram's 1 % guarantee, merge, clamping and
 * fixed memory.
 *
 * Reference quantiles are exact: the nearest-rank value (rank ceil(q n),
 * at least 1) of the sorted samples, the definition hist.h promises.
 */
#include "testutil.h"

#include "base.h"
#include "dist.h"
#include "hist.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double qs[] = { 0, 0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1 };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double exact_quantile(const double *sorted, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);
	return sorted[rank ? rank - 1 : 0];
}

static void check_quantiles(const struct hist *h, double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < ARRAY_LEN(qs); i++) {
		double want = exact_quantile(v, n, qs[i]), got = hist_quantile(h, qs[i]);
		if (!(fabs(got - want) <= 0.01 * want))
			fail_msg("q=%g: got %.9g, exact %.9g (%.4f %%)", qs[i], got, want,
				 100 * (got / want - 1));
	}
	assert_true(hist_quantile(h, 0) == v[0]); /* exact min and max */
	assert_true(hist_quantile(h, 1) == v[n - 1]);
}

/* Every reported quantile within 1 % of the exact one, for several
 * distributions; lognormal with sigma 3 and median 55 ms spans about
 * 1e-3 .. 1e7 ms. */
static void test_quantiles_within_1pct(void **state)
{
	static const struct dist ds[] = {
		{ DIST_LOGNORMAL, 5000, 90 },  /* sigma = sqrt(ln(1 + 90^2)) = 3.0 */
		{ DIST_LOGNORMAL, 0.2, 0.3 },  /* narrow, below 1 ms */
		{ DIST_EXPONENTIAL, 12, 0 },
		{ DIST_GAMMA, 30, 1.2 },      /* shape 0.69: dense near 0 */
		{ DIST_UNIFORM, 100, 101 },    /* inside a handful of buckets */
	};
	enum { N = 200000 };
	double *v = malloc(N * sizeof(*v));
	struct rng r;
	(void)state;

	assert_non_null(v);
	rng_init(&r, 1, "test/hist");
	for (size_t k = 0; k < ARRAY_LEN(ds); k++) {
		struct hist h;
		double sum = 0;
		size_t n = 0;
		hist_init(&h);
		for (size_t i = 0; i < N; i++) {
			double x = dist_sample(&ds[k], &r);
			if (x < HIST_MIN || x > HIST_MAX)
				continue; /* keep to the documented range */
			v[n++] = x;
			sum += x;
			hist_add(&h, x);
		}
		assert_true(n > N * 0.99);
		assert_int_equal(h.n, n);
		assert_true(fabs(hist_mean(&h) - sum / n) <= 1e-12 * (sum / n));
		check_quantiles(&h, v, n);
		hist_release(&h);
	}
	rng_release(&r);
	free(v);
}

/*
 * The edges of the buckets are where rounding could put a value into the
 * wrong bucket. For every bucket edge b = HIST_MIN 1.02^i and its
 * neighbours one ulp away, the median of {tiny, b, huge} (rank 2 of 3,
 * never the min or max) must be within 1 % of b.
 */
static void test_bucket_edges(void **state)
{
	struct hist h;
	(void)state;

	hist_init(&h);
	for (int i = 1; i < hist_nbuckets() - 1; i++) {
		double b = HIST_MIN * pow(HIST_GAMMA, i);
		double v[3] = { nextafter(b, 0), b, nextafter(b, INFINITY) };
		for (int k = 0; k < 3; k++) {
			double got;
			hist_reset(&h);
			hist_add(&h, HIST_MIN / 10);
			hist_add(&h, v[k]);
			hist_add(&h, HIST_MAX * 10);
			got = hist_quantile(&h, 0.5);
			if (!(fabs(got - v[k]) <= 0.01 * v[k]))
				fail_msg("edge %d: %.17g read back as %.17g", i, v[k], got);
		}
	}
	hist_release(&h);
}

/* The bucket count is the least with HIST_MIN g^n > HIST_MAX. */
static void test_nbuckets(void **state)
{
	int n = hist_nbuckets();
	(void)state;

	assert_true(HIST_MIN * pow(HIST_GAMMA, n) > HIST_MAX);
	assert_true(HIST_MIN * pow(HIST_GAMMA, n - 1) <= HIST_MAX);
}

static void test_merge_equals_adding_all(void **state)
{
	struct hist a, b, all;
	struct rng r;
	struct dist d = { DIST_LOGNORMAL, 20, 3 };
	(void)state;

	hist_init(&a);
	hist_init(&b);
	hist_init(&all);
	rng_init(&r, 1, "test/hist/merge");
	for (int i = 0; i < 50000; i++) {
		double x = dist_sample(&d, &r);
		hist_add(i % 3 ? &a : &b, x);
		hist_add(&all, x);
	}
	hist_merge(&a, &b);
	assert_int_equal(a.n, all.n);
	assert_memory_equal(a.counts, all.counts, hist_nbuckets() * sizeof(*a.counts));
	assert_true(a.min == all.min && a.max == all.max);
	assert_true(fabs(a.sum - all.sum) <= 1e-12 * all.sum); /* order of additions */
	for (size_t i = 0; i < ARRAY_LEN(qs); i++)
		assert_true(hist_quantile(&a, qs[i]) == hist_quantile(&all, qs[i]));

	/* A wider histogram into a narrower one: the result spans both ranges
	 * (its quantiles and its reset reach the outer buckets). */
	{
		static const double narrow[] = { 10, 20, 30 }, wide[] = { 0.5, 15, 5000, 9000 };
		struct hist n, w, both;
		int nb = hist_nbuckets();

		hist_init(&n);
		hist_init(&w);
		hist_init(&both);
		for (size_t i = 0; i < ARRAY_LEN(narrow); i++) {
			hist_add(&n, narrow[i]);
			hist_add(&both, narrow[i]);
		}
		for (size_t i = 0; i < ARRAY_LEN(wide); i++) {
			hist_add(&w, wide[i]);
			hist_add(&both, wide[i]);
		}
		hist_merge(&n, &w);
		/* ranks 2 and 6 of 7: the bucket of 10 and the bucket of 5000 */
		assert_true(hist_quantile(&n, 0.2) == hist_quantile(&both, 0.2));
		assert_true(hist_quantile(&n, 0.8) == hist_quantile(&both, 0.8));
		assert_true(fabs(hist_quantile(&n, 0.8) - 5000) <= 0.01 * 5000);
		hist_reset(&n);
		for (int i = 0; i < nb; i++)
			assert_int_equal(n.counts[i], 0);
		hist_release(&n);
		hist_release(&w);
		hist_release(&both);
	}

	/* Merging into or from an empty histogram. */
	hist_reset(&b);
	hist_merge(&b, &all);
	assert_true(b.min == all.min && b.max == all.max && b.n == all.n);
	hist_reset(&b);
	hist_merge(&all, &b);
	assert_int_equal(all.n, a.n);
	rng_release(&r);
	hist_release(&a);
	hist_release(&b);
	hist_release(&all);
}

static void test_empty_and_clamped(void **state)
{
	struct hist h;
	int nb = hist_nbuckets();
	(void)state;

	hist_init(&h);
	assert_true(hist_quantile(&h, 0.5) == 0);
	assert_true(hist_mean(&h) == 0);
	/* Out of range: counted in the end buckets, min/max/sum exact. */
	hist_add(&h, 0);
	hist_add(&h, 1e-7);
	hist_add(&h, 1e12);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.counts[0], 2);
	assert_int_equal(h.counts[nb - 1], 1);
	assert_true(h.min == 0 && h.max == 1e12);
	assert_true(hist_mean(&h) == (1e-7 + 1e12) / 3);
	assert_true(hist_quantile(&h, 1) == 1e12);
	/* The median, 1e-7, lies in bucket 0, which holds everything below
	 * HIST_MIN: it reads back as that bucket's midpoint. */
	assert_true(hist_quantile(&h, 0.5) <= HIST_MIN * 1.02);
	hist_reset(&h);
	assert_int_equal(h.n, 0);
	for (int i = 0; i < nb; i++)
		assert_int_equal(h.counts[i], 0);
	hist_add(&h, 5);
	assert_true(hist_quantile(&h, 0.3) == 5 && h.min == 5 && h.max == 5);
	hist_release(&h);
}

/* A window histogram is reset and refilled every sample: after a reset it
 * answers exactly as a fresh one (reset clears only the buckets between
 * min and max, quantiles scan only those), and hist_quantiles' one pass
 * gives what hist_quantile gives for each. */
static void test_reset_reuse(void **state)
{
	static const double q[] = { 0, 0.01, 0.5, 0.9, 0.95, 0.99, 1 };
	double all[ARRAY_LEN(q)];
	struct hist h, fresh;
	struct rng r;
	(void)state;

	hist_init(&h);
	rng_init(&r, 3, "test/hist/reset");
	for (int round = 0; round < 20; round++) {
		/* windows of very different ranges: exponential latencies with
		 * means from 0.5 s to 9.5 s, alternating with a mean of 10 us */
		double mean = round % 2 ? 0.01 : 500.0 * (round + 1);
		hist_init(&fresh);
		for (int i = 0; i < 5000; i++) {
			double v = rng_exponential(&r, mean);
			hist_add(&h, v);
			hist_add(&fresh, v);
		}
		hist_quantiles(&h, q, (int)ARRAY_LEN(q), all);
		for (size_t k = 0; k < ARRAY_LEN(q); k++) {
			assert_true(hist_quantile(&h, q[k]) == hist_quantile(&fresh, q[k]));
			/* one pass for several gives each one's value */
			assert_true(all[k] == hist_quantile(&fresh, q[k]));
		}
		assert_memory_equal(h.counts, fresh.counts, (size_t)hist_nbuckets() * sizeof(*h.counts));
		hist_release(&fresh);
		hist_reset(&h);
	}
	rng_release(&r);
	hist_release(&h);
}

/* Memory does not depend on the number of values. */
static void test_fixed_memory(void **state)
{
	struct hist h;
	const uint64_t *counts;
	struct rng r;
	(void)state;

	hist_init(&h);
	counts = h.counts;
	rng_init(&r, 1, "test/hist/memory");
	for (int i = 0; i < 1000000; i++)
		hist_add(&h, rng_exponential(&r, 100));
	assert_ptr_equal(h.counts, counts);
	assert_int_equal(h.n, 1000000);
	assert_int_equal(hist_nbuckets(), 1396);
	rng_release(&r);
	hist_release(&h);
}

/* hist_add2 is two hist_adds: the same counts, sums, extremes. */
/* Quantiles of a window (counted into scratch when read) and of a plain
 * histogram, bitwise; then scratch is empty again. */
static void same_quantiles(struct hist *w, struct hist *scratch, const struct hist *plain)
{
	double got[ARRAY_LEN(qs)], want[ARRAY_LEN(qs)];
	hist_window_quantiles(w, scratch, qs, (int)ARRAY_LEN(qs), got);
	hist_quantiles(plain, qs, (int)ARRAY_LEN(qs), want);
	assert_memory_equal(got, want, sizeof(got));
	assert_int_equal(w->n, plain->n);
	assert_true(w->sum == plain->sum && w->min == plain->min && w->max == plain->max);
	assert_int_equal(scratch->n, 0);
	for (int i = 0; i < hist_nbuckets(); i++)
		assert_int_equal(scratch->counts[i], 0);
}

/*
 * A window (buckets logged, counted when read; hist.h) answers exactly as a
 * plain histogram of the same values, below HIST_LOG values (counted into
 * the scratch), at it and past it (folded into its own counters), after a
 * reset too; its total gets every value as a plain histogram would.
 */
static void test_window(void **state)
{
	static const int sizes[] = { 1, 3, 500, HIST_LOG - 1, HIST_LOG, 3 * HIST_LOG + 5 };
	struct hist w, total, scratch, plain, plain_total;
	(void)state;
	hist_window_init(&w);
	hist_init(&total);
	hist_init(&scratch);
	hist_init(&plain_total);
	for (size_t k = 0; k < ARRAY_LEN(sizes); k++) {
		hist_init(&plain);
		for (int i = 1; i <= sizes[k]; i++) {
			double v = fmod(0.37 * i * i + k, 5000.0) + 0.01; /* spread over ~800 buckets */
			hist_window_add(&w, i % 2 ? &total : NULL, v);
			hist_add(&plain, v);
			if (i % 2)
				hist_add(&plain_total, v);
		}
		assert_int_equal(w.counts != NULL, sizes[k] >= HIST_LOG);
		same_quantiles(&w, &scratch, &plain);
		hist_release(&plain);
		hist_reset(&w);
		assert_int_equal(w.n, 0);
	}
	assert_memory_equal(total.counts, plain_total.counts,
			    (size_t)hist_nbuckets() * sizeof(*total.counts));
	assert_true(total.n == plain_total.n && total.sum == plain_total.sum);
	hist_release(&w);
	hist_release(&total);
	hist_release(&scratch);
	hist_release(&plain_total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_quantiles_within_1pct),
		cmocka_unit_test(test_bucket_edges),
		cmocka_unit_test(test_nbuckets),
		cmocka_unit_test(test_merge_equals_adding_all),
		cmocka_unit_test(test_empty_and_clamped),
		cmocka_unit_test(test_reset_reuse),
		cmocka_unit_test(test_fixed_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
