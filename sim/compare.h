/*
 * compare.h -- paired what-if comparison of two parameter points
 * (`clustersim compare`): the difference candidate - baseline of a metric
 * with the 95 % confidence interval of the paired differences.
 *
 * Replication k of every point of a sweep runs with the same seed, and
 * every random stream is keyed by (seed, stream name), so the two points
 * see the same arrivals and the same request sizes: common random numbers.
 * The runs are paired by seed (a seed run twice at one point counts once,
 * its first run), and the interval is Student t on the n differences
 * d_k = cand_k - base_k:  mean(d) +- t(0.975, n-1) sd(d) / sqrt(n).
 * Because the noise both runs of a pair share cancels in d_k, this is
 * narrower than the unpaired interval whenever the two points are
 * positively correlated, which CRN makes them.
 *
 * For contrast the unpaired (Welch) interval over the same runs is given
 * beside it, as if the points had been run with independent seeds:
 * (mean_c - mean_b) +- t(0.975, v) sqrt(s_b^2/n + s_c^2/n), v the
 * Welch-Satterthwaite degrees of freedom (real-valued; exactly 0 when both
 * variances are 0, as for the cost of a fixed cluster).
 *
 * A pair with the metric missing at either point (NULL: no requests) is
 * left out of that metric. Cost: O(n log n) for the pairing.
 */
#ifndef CLUSTERSIM_COMPARE_H
#define CLUSTERSIM_COMPARE_H

#include <stddef.h>

#include "base.h"
#include "points.h"
#include "stats.h"

struct compare_row {
	int metric;            /* index in points' metrics */
	size_t n;              /* pairs with the metric at both points */
	double base_mean;      /* over those pairs, the metric's unit */
	double cand_mean;
	struct stats_est diff; /* paired: of cand - base */
	double unpaired_half;  /* Welch's 95 % half-width; NAN when n < 2 */
};

/*
 * Compares metrics[0..nm) of points cand and base; out gets nm rows,
 * *npairs the number of seeds the points share. ERR_INPUT when they share
 * none, or base == cand.
 */
int compare_points(const struct points *p, size_t base, size_t cand, const int *metrics,
		   size_t nm, struct compare_row *out, size_t *npairs, struct err *e);

#endif
