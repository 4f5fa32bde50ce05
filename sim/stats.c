/*
 * stats.c -- means and Student-t confidence half-widths over replications.
 * See stats.h for the contract.
 */
#include "stats.h"

#include <math.h>
#include <gsl/gsl_cdf.h>

void stats_acc_init(struct stats_acc *a)
{
	a->n = 0;
	a->mean = 0.0;
	a->m2 = 0.0;
}

/* Welford: mean and m2 updated without summing squares of raw values. */
void stats_acc_add(struct stats_acc *a, double x)
{
	double d = x - a->mean;

	a->n++;
	a->mean += d / (double)a->n;
	a->m2 += d * (x - a->mean);
}

double stats_t975(size_t df)
{
	if (df < 1)
		return NAN;
	return gsl_cdf_tdist_Pinv(0.975, (double)df);
}

void stats_acc_est(const struct stats_acc *a, struct stats_est *out)
{
	out->n = a->n;
	out->mean = a->n ? a->mean : NAN;
	if (a->n < 2) {
		out->sd = NAN;
		out->half95 = NAN;
		return;
	}
	out->sd = sqrt(a->m2 / (double)(a->n - 1));
	out->half95 = stats_t975(a->n - 1) * out->sd / sqrt((double)a->n);
}

void stats_estimate(const double *x, size_t n, struct stats_est *out)
{
	struct stats_acc a;
	size_t i;

	stats_acc_init(&a);
	for (i = 0; i < n; i++)
		stats_acc_add(&a, x[i]);
	stats_acc_est(&a, out);
}

double stats_mean(const double *x, size_t n)
{
	struct stats_est e;

	stats_estimate(x, n, &e);
	return e.mean;
}

double stats_sd(const double *x, size_t n)
{
	struct stats_est e;

	stats_estimate(x, n, &e);
	return e.sd;
}

double stats_half95(const double *x, size_t n)
{
	struct stats_est e;

	stats_estimate(x, n, &e);
	return e.half95;
}

void stats_paired(const double *base, const double *cand, size_t n, struct stats_est *out)
{
	struct stats_acc a;
	size_t i;

	stats_acc_init(&a);
	for (i = 0; i < n; i++)
		stats_acc_add(&a, cand[i] - base[i]);
	stats_acc_est(&a, out);
}
