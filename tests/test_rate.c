/*
 * test_rate.c -- traffic rate shapes and arrivals (sim/rate.c). Values and
 * integrals by hand from the shape definitions (SPEC "Traffic stream",
 * rate.h); Poisson counts checked against the integrated rate over many
 * seeds (mean within 3 standard errors, index of dispersion near 1).
 */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>

#include "rate.h"
#include "rng.h"

static struct rate_point step_pts[] = { { 100, 5 }, { 200, 0 }, { 300, 20 } };
static struct rate_point trace_pts[] = { { 0, 10 }, { 100, 30 }, { 200, 30 }, { 300, 0 } };

static const struct rate constant5 = { .shape = RATE_CONSTANT, .rps = 5 };
/* peak at 14:00, 10 rps at night, 110 at the peak */
static const struct rate diurnal = {
	.shape = RATE_DIURNAL, .min = 10, .max = 110, .peak_at = 50400, .period = 86400
};
/* touches 0 at the trough, where the Newton derivative vanishes */
static const struct rate diurnal0 = {
	.shape = RATE_DIURNAL, .min = 0, .max = 4, .peak_at = 0, .period = 3600
};
static const struct rate steps = { .shape = RATE_STEPS, .points = step_pts, .npoints = 3 };
static const struct rate trace = { .shape = RATE_TRACE, .points = trace_pts, .npoints = 4 };

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_values(void **state)
{
	(void)state;
	NEAR(rate_at(&constant5, 123), 5, 0);
	NEAR(rate_at(&diurnal, 50400), 110, 1e-12);          /* peak */
	NEAR(rate_at(&diurnal, 50400 + 43200), 10, 1e-12);   /* trough, half a period later */
	NEAR(rate_at(&diurnal, 50400 - 43200), 10, 1e-12);
	NEAR(rate_at(&diurnal, 50400 + 21600), 60, 1e-9);    /* quarter: the mean */
	NEAR(rate_at(&diurnal, 50400 + 86400), 110, 1e-12);  /* a period later */
	NEAR(rate_at(&steps, 0), 0, 0);                      /* before the first step */
	NEAR(rate_at(&steps, 99.999), 0, 0);
	NEAR(rate_at(&steps, 100), 5, 0);                    /* at a step: its rps */
	NEAR(rate_at(&steps, 150), 5, 0);
	NEAR(rate_at(&steps, 200), 0, 0);
	NEAR(rate_at(&steps, 300), 20, 0);
	NEAR(rate_at(&steps, 1e6), 20, 0);                   /* the last step holds */
	NEAR(rate_at(&trace, -5), 10, 0);                    /* held before */
	NEAR(rate_at(&trace, 50), 20, 1e-12);                /* interpolated */
	NEAR(rate_at(&trace, 150), 30, 1e-12);
	NEAR(rate_at(&trace, 250), 15, 1e-12);
	NEAR(rate_at(&trace, 300), 0, 0);
	NEAR(rate_at(&trace, 400), 0, 0);                    /* held after */
	assert_string_equal(rate_shape_name(RATE_DIURNAL), "diurnal");
}

static void test_max_on(void **state)
{
	(void)state;
	NEAR(rate_max_on(&constant5, 0, 10), 5, 0);
	NEAR(rate_max_on(&diurnal, 0, 86400), 110, 1e-12);
	/* falling after the peak: the left end */
	NEAR(rate_max_on(&diurnal, 51400, 70400), rate_at(&diurnal, 51400), 1e-12);
	/* around the trough: the larger end */
	NEAR(rate_max_on(&diurnal, 90400, 100400), rate_at(&diurnal, 100400), 1e-12);
	NEAR(rate_max_on(&steps, 150, 250), 5, 0);
	NEAR(rate_max_on(&steps, 150, 300), 20, 0); /* closed interval: the step at 300 */
	NEAR(rate_max_on(&steps, 200, 299), 0, 0);
	NEAR(rate_max_on(&trace, 50, 250), 30, 1e-12);
	NEAR(rate_max_on(&trace, 250, 260), 15, 1e-12);
}

static void test_integral(void **state)
{
	const double P = 86400;

	(void)state;
	NEAR(rate_integral(&constant5, 3, 13), 50, 1e-12);
	NEAR(rate_integral(&steps, 0, 400), 5 * 100 + 20 * 100, 1e-9);
	/* trapezoids: 2000 + 3000 + 1500, then 0 after */
	NEAR(rate_integral(&trace, 0, 400), 6500, 1e-9);
	NEAR(rate_integral(&trace, -100, 0), 1000, 1e-9);
	/* a whole period: the mean (min+max)/2 times P */
	NEAR(rate_integral(&diurnal, 1234, 1234 + P), 60 * P, 1e-6);
	/* peak to a quarter later: 60 P/4 + 50 P/(2 pi) sin(pi/2) */
	NEAR(rate_integral(&diurnal, 50400, 50400 + P / 4), 60 * P / 4 + 50 * P / (2 * M_PI), 1e-6);
}

/* rate_advance inverts the integral: Lambda(t, advance(t, x)) = x. */
static void test_advance_inverts(void **state)
{
	const struct rate *shapes[] = { &constant5, &diurnal, &diurnal0, &steps, &trace };
	const double ts[] = { -50, 0, 99, 150, 250, 299.5, 1800, 1799.9, 40000, 93600, 3.6e7 };
	const double xs[] = { 1e-6, 0.3, 1, 7, 250, 5000 };

	(void)state;
	for (unsigned s = 0; s < ARRAY_LEN(shapes); s++)
		for (unsigned i = 0; i < ARRAY_LEN(ts); i++)
			for (unsigned k = 0; k < ARRAY_LEN(xs); k++) {
				double tau = rate_advance(shapes[s], ts[i], xs[k]);
				if (isinf(tau)) /* the trace ends at 0 rps */
					continue;
				assert_true(tau >= ts[i]);
				/* exact up to the resolution of time itself: a few ulps
				 * of tau at the local rate (7.5e-9 s at t = 3.6e7 s) */
				double ulps = 4 * tau * DBL_EPSILON;
				NEAR(rate_integral(shapes[s], ts[i], tau), xs[k],
				     1e-9 * (1 + xs[k]) + rate_max_on(shapes[s], ts[i], tau) * ulps);
			}
	/* the trace falls to 0 at 300: more than 1500 from 200 never comes */
	assert_true(isinf(rate_advance(&trace, 200, 1500.001)));
	/* diurnal0 from exactly its trough, where the rate is 0 */
	NEAR(rate_integral(&diurnal0, 1800, rate_advance(&diurnal0, 1800, 1e-3)), 1e-3, 1e-12);
	assert_true(isfinite(rate_advance(&trace, 200, 1499)));
}

/*
 * Poisson arrivals over [0, T] for K seeds: the count's mean matches
 * Lambda(0, T) within 3 standard errors (sqrt(Lambda / K), Poisson), also
 * in each quarter of [0, T] (the time profile, not only the total), and
 * the index of dispersion var/mean is 1 within +-0.25 (its standard error
 * is sqrt(2 / (K - 1)) = 0.07 for K = 400).
 */
static void check_poisson(const struct rate *r, double T, const char *name)
{
	enum { K = 400, Q = 4 };
	double sum = 0, sum2 = 0, quarter[Q] = { 0 };

	for (int k = 0; k < K; k++) {
		char stream[64];
		struct rng g;
		struct arrivals a;
		double t, last = 0;
		long n = 0;

		snprintf(stream, sizeof(stream), "test/%s/%d", name, k);
		rng_init(&g, 1, stream);
		arrivals_init(&a, r, ARRIVAL_POISSON, &g, 0);
		while ((t = arrivals_next(&a)) <= T) {
			assert_true(t >= last);
			last = t;
			quarter[(int)(t / T * Q) < Q ? (int)(t / T * Q) : Q - 1]++;
			n++;
		}
		sum += n;
		sum2 += (double)n * n;
		rng_release(&g);
	}
	{
		double lam = rate_integral(r, 0, T), mean = sum / K;
		double var = (sum2 - sum * sum / K) / (K - 1);
		print_message("%s: mean %.2f (Lambda %.2f, 3 SE %.2f), var/mean %.3f\n", name, mean,
			      lam, 3 * sqrt(lam / K), var / mean);
		assert_true(fabs(mean - lam) <= 3 * sqrt(lam / K));
		assert_true(fabs(var / mean - 1) <= 0.25);
		for (int q = 0; q < Q; q++) {
			double lq = rate_integral(r, q * T / Q, (q + 1) * T / Q);
			assert_true(fabs(quarter[q] / K - lq) <= 3 * sqrt(lq / K) + 1e-9);
		}
	}
}

static void test_poisson_counts(void **state)
{
	/* a day at 0.0005..0.02 rps peaking at noon: Lambda ~ 907 */
	static const struct rate day = {
		.shape = RATE_DIURNAL, .min = 0.0005, .max = 0.02, .peak_at = 43200, .period = 86400
	};
	static struct rate_point sp[] = { { 100, 2 }, { 200, 0 }, { 300, 8 }, { 350, 1 } };
	static const struct rate st = { .shape = RATE_STEPS, .points = sp, .npoints = 4 };
	static struct rate_point tp[] = { { 0, 0 }, { 100, 6 }, { 150, 6 }, { 250, 0.5 } };
	static const struct rate tr = { .shape = RATE_TRACE, .points = tp, .npoints = 4 };
	static const struct rate c = { .shape = RATE_CONSTANT, .rps = 3 };

	(void)state;
	check_poisson(&c, 400, "constant");
	check_poisson(&day, 86400, "diurnal");
	check_poisson(&st, 400, "steps");
	check_poisson(&tr, 400, "trace");
}

/* Nothing arrives while a step is at 0 rps; a rate 0 forever ends the stream. */
static void test_zero_rate(void **state)
{
	static struct rate_point sp[] = { { 0, 5 }, { 10, 0 }, { 20, 5 }, { 30, 0 } };
	static const struct rate st = { .shape = RATE_STEPS, .points = sp, .npoints = 4 };
	struct rng g;
	struct arrivals a;
	double t;
	long n = 0;

	(void)state;
	rng_init(&g, 3, "test/zero");
	arrivals_init(&a, &st, ARRIVAL_POISSON, &g, 0);
	while (isfinite(t = arrivals_next(&a))) {
		assert_true(t <= 10 || (t >= 20 && t <= 30));
		n++;
	}
	assert_true(n > 50 && n < 150); /* Poisson(100): 5 sigma either side */
	assert_true(isinf(arrivals_next(&a)));
	rng_release(&g);
}

/* Uniform: the k-th arrival where Lambda(t0, t) = k. Constant 10 rps from
 * 0: exactly k / 10. Steps: 5 rps from 100 -> every 0.2 s up to 200
 * (Lambda(0, 200) = 500), none while 0, then 20 rps -> 300.05, 300.1, ... */
static void test_uniform(void **state)
{
	static const struct rate c10 = { .shape = RATE_CONSTANT, .rps = 10 };
	struct rng g;
	struct arrivals a;
	double t;
	long n = 0;

	(void)state;
	rng_init(&g, 1, "test/uniform");
	arrivals_init(&a, &c10, ARRIVAL_UNIFORM, &g, 0);
	for (int k = 1; k <= 1000; k++)
		NEAR(arrivals_next(&a), k / 10.0, 1e-9);
	arrivals_init(&a, &steps, ARRIVAL_UNIFORM, &g, 0);
	NEAR(arrivals_next(&a), 100.2, 1e-9);
	n = 1;
	while ((t = arrivals_next(&a)) <= 399.93) {
		n++;
		if (n == 500)
			NEAR(t, 200, 1e-9);
		if (n == 501)
			NEAR(t, 300.05, 1e-9);
		assert_true(t <= 200 + 1e-9 || t >= 300);
	}
	assert_int_equal(n, 2498); /* floor(Lambda(0, 399.93)) = floor(2498.6) */
	rng_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_max_on),
		cmocka_unit_test(test_integral),
		cmocka_unit_test(test_advance_inverts),
		cmocka_unit_test(test_poisson_counts),
		cmocka_unit_test(test_zero_rate),
		cmocka_unit_test(test_uniform),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
