/*
 * stats.h -- small statistics for sweeps: mean, sample standard deviation
 * and the 95 % confidence half-width of a mean over replications, for one
 * sample or for paired differences (common random numbers).
 *
 * The confidence interval is Student's t: mean +- t(0.975, n-1) * sd / sqrt(n),
 * which assumes the replications are independent and roughly normal (true
 * enough for means of long runs; see Law, Simulation Modeling and Analysis,
 * ch. 9). With n < 2 there is no estimate of spread: sd and the half-width
 * are NAN ("unknown"), never 0 or infinity, so callers print "-" and plots
 * draw no error bar. NAN inputs propagate (callers skip missing values).
 *
 * The accumulator uses Welford's update, stable for samples with a large
 * common offset (costs of 1e6 USD differing in cents). All functions are
 * O(n) over their input or O(1) per added value; no state is global.
 */
#ifndef CLUSTERSIM_STATS_H
#define CLUSTERSIM_STATS_H

#include <stddef.h>

/* An estimate of a mean from n samples. */
struct stats_est {
	size_t n;
	double mean;   /* NAN when n == 0 */
	double sd;     /* sample standard deviation (n - 1 divisor); NAN when n < 2 */
	double half95; /* 95 % confidence half-width of the mean; NAN when n < 2 */
};

/* Streaming accumulator: init, add values, read an estimate at any time. */
struct stats_acc {
	size_t n;
	double mean;
	double m2; /* sum of squared deviations from the running mean */
};

void stats_acc_init(struct stats_acc *a);
void stats_acc_add(struct stats_acc *a, double x);
void stats_acc_est(const struct stats_acc *a, struct stats_est *out);

/* Quantile t(0.975, df) of Student's t (two-sided 95 %); NAN when df < 1. */
double stats_t975(size_t df);

double stats_mean(const double *x, size_t n);
double stats_sd(const double *x, size_t n);
double stats_half95(const double *x, size_t n);
void stats_estimate(const double *x, size_t n, struct stats_est *out);
/* Estimate of the mean of cand[i] - base[i] (candidate minus baseline). */
void stats_paired(const double *base, const double *cand, size_t n, struct stats_est *out);

#endif
