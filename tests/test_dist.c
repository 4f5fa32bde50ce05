/*
 * test_dist.c -- the distribution table: names, parameters, means, and the
 * moments of samples.
 *
 * Statistical checks: 200000 samples from a fixed seed; the sample mean
 * must lie within 3 standard errors of the true mean (a correct sampler
 * passes with probability 99.73 % under the normal approximation; the seed
 * is fixed, so the outcome is deterministic). The standard error comes from
 * the distribution's true sd. The cv is checked the same way, with the
 * standard error of the sample variance from the distribution's fourth
 * moment, Var(S^2) ~ (mu4 - sigma^4) / n, by the delta method, ignoring the
 * positive covariance of S and the mean (which makes it conservative).
 */
#include "testutil.h"

#include "dist.h"
#include "rng.h"

#include <math.h>
#include <string.h>

enum { N = 200000 };

struct moments {
	double mean, sd, lmean, lsd; /* of X and of ln X */
	double lo, hi;
};

static struct moments sample(const struct dist *d, const char *stream)
{
	struct rng r;
	struct moments m = { 0, 0, 0, 0, INFINITY, -INFINITY };
	double s = 0, s2 = 0, l = 0, l2 = 0;

	rng_init(&r, 1, stream);
	for (int i = 0; i < N; i++) {
		double x = dist_sample(d, &r);
		s += x;
		s2 += x * x;
		if (x > 0) {
			l += log(x);
			l2 += log(x) * log(x);
		}
		m.lo = x < m.lo ? x : m.lo;
		m.hi = x > m.hi ? x : m.hi;
	}
	rng_release(&r);
	m.mean = s / N;
	m.sd = sqrt((s2 - s * s / N) / (N - 1));
	m.lmean = l / N;
	m.lsd = sqrt((l2 - l * l / N) / (N - 1));
	return m;
}

/* Mean within 3 SE; cv within 3 SE given mu4 / sigma^4 = kurt. */
static void check_mean_cv(const struct moments *m, double mean, double cv, double kurt)
{
	double se_mean = mean * cv / sqrt(N);
	double se_rel_var = sqrt((kurt - 1) / N); /* SE(S^2) / sigma^2 */
	double se_cv = cv * sqrt(se_rel_var * se_rel_var / 4 + (cv / sqrt(N)) * (cv / sqrt(N)));

	assert_true(fabs(m->mean - mean) < 3 * se_mean);
	assert_true(fabs(m->sd / m->mean - cv) < 3 * se_cv);
}

static void test_names(void **state)
{
	static const char *names[] = { "constant", "exponential", "lognormal", "gamma", "uniform" };
	(void)state;

	for (int k = 0; k < DIST_NKINDS; k++) {
		assert_string_equal(dist_kind_name((enum dist_kind)k), names[k]);
		assert_int_equal(dist_kind_lookup(names[k]), k);
	}
	assert_int_equal(dist_kind_lookup("normal"), -1);
	assert_int_equal(dist_kind_lookup(""), -1);
	assert_null(dist_kind_name(DIST_NKINDS));
	/* Parameter names as in the scenario file (SPEC.md). */
	assert_string_equal(dist_param_name(DIST_CONSTANT, 0), "value");
	assert_null(dist_param_name(DIST_CONSTANT, 1));
	assert_string_equal(dist_param_name(DIST_EXPONENTIAL, 0), "mean");
	assert_null(dist_param_name(DIST_EXPONENTIAL, 1));
	assert_string_equal(dist_param_name(DIST_LOGNORMAL, 0), "mean");
	assert_string_equal(dist_param_name(DIST_LOGNORMAL, 1), "cv");
	assert_string_equal(dist_param_name(DIST_GAMMA, 0), "mean");
	assert_string_equal(dist_param_name(DIST_GAMMA, 1), "cv");
	assert_string_equal(dist_param_name(DIST_UNIFORM, 0), "min");
	assert_string_equal(dist_param_name(DIST_UNIFORM, 1), "max");
	assert_null(dist_param_name(DIST_UNIFORM, 2));
	assert_null(dist_param_name(DIST_UNIFORM, -1));
	assert_null(dist_param_name(DIST_NKINDS, 0));
}

static void test_means(void **state)
{
	struct dist c = { DIST_CONSTANT, 0.25, 0 }, e = { DIST_EXPONENTIAL, 3, 0 };
	struct dist l = { DIST_LOGNORMAL, 0.02, 1.5 }, g = { DIST_GAMMA, 7, 0.3 };
	struct dist u = { DIST_UNIFORM, 1, 4 };
	(void)state;

	assert_true(dist_mean(&c) == 0.25);
	assert_true(dist_mean(&e) == 3);
	assert_true(dist_mean(&l) == 0.02);
	assert_true(dist_mean(&g) == 7);
	assert_true(dist_mean(&u) == 2.5);
}

/* cv = 0 and min = max are constants, without a draw. */
static void test_degenerate(void **state)
{
	struct dist d[] = {
		{ DIST_CONSTANT, 0.25, 0 },
		{ DIST_LOGNORMAL, 0.25, 0 },
		{ DIST_GAMMA, 0.25, 0 },
		{ DIST_UNIFORM, 0.25, 0.25 },
	};
	struct rng r;
	(void)state;

	rng_init(&r, 1, "test/degenerate");
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		for (int k = 0; k < 10; k++)
			assert_true(dist_sample(&d[i], &r) == 0.25);
	rng_release(&r);
}

static void test_exponential(void **state)
{
	struct dist d = { DIST_EXPONENTIAL, 0.05, 0 };
	struct moments m = sample(&d, "test/exponential");
	(void)state;

	assert_true(m.lo >= 0);
	check_mean_cv(&m, 0.05, 1, 9); /* exponential: mu4 = 9 sigma^4 */
}

/*
 * Lognormal with mean m, cv c: ln X ~ N(mu, s^2), s^2 = ln(1 + c^2),
 * mu = ln m - s^2/2. Besides mean and cv, the log-space mean and sd are
 * checked: their standard errors are exact (s / sqrt(n) and, for the sd,
 * s / sqrt(2(n-1))). mu4 / sigma^4 = w^4 + 2w^3 + 3w^2 - 3 with w = e^(s^2).
 */
static void check_lognormal(double mean, double cv, const char *stream)
{
	struct dist d = { DIST_LOGNORMAL, mean, cv };
	struct moments m = sample(&d, stream);
	double s2 = log(1 + cv * cv), s = sqrt(s2), mu = log(mean) - s2 / 2, w = 1 + cv * cv;

	assert_true(m.lo > 0);
	check_mean_cv(&m, mean, cv, w * w * w * w + 2 * w * w * w + 3 * w * w - 3);
	assert_true(fabs(m.lmean - mu) < 3 * s / sqrt(N));
	assert_true(fabs(m.lsd - s) < 3 * s / sqrt(2.0 * (N - 1)));
}

static void test_lognormal(void **state)
{
	(void)state;
	check_lognormal(0.02, 0.5, "test/lognormal/a");
	check_lognormal(150, 1.0, "test/lognormal/b");
}

/* Gamma with mean m, cv c: shape 1/c^2, so mu4 / sigma^4 = 3 + 6 c^2.
 * cv = 2 (shape 1/4) exercises GSL's shape < 1 path. */
static void check_gamma(double mean, double cv, const char *stream)
{
	struct dist d = { DIST_GAMMA, mean, cv };
	struct moments m = sample(&d, stream);

	assert_true(m.lo >= 0);
	check_mean_cv(&m, mean, cv, 3 + 6 * cv * cv);
}

static void test_gamma(void **state)
{
	(void)state;
	check_gamma(0.01, 0.5, "test/gamma/a");
	check_gamma(4, 2, "test/gamma/b");
}

/* Uniform on [a, b): mean (a+b)/2, sd (b-a)/sqrt(12), mu4 = 1.8 sigma^4. */
static void test_uniform(void **state)
{
	struct dist d = { DIST_UNIFORM, 2, 5 };
	struct moments m = sample(&d, "test/uniform");
	(void)state;

	assert_true(m.lo >= 2 && m.hi < 5);
	check_mean_cv(&m, 3.5, 3 / sqrt(12.0) / 3.5, 1.8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_means),
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_exponential),
		cmocka_unit_test(test_lognormal),
		cmocka_unit_test(test_gamma),
		cmocka_unit_test(test_uniform),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
