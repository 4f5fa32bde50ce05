/*
 * hist.h -- streaming histogram of positive values (latencies in ms) with
 * bounded relative error.
 *
 * Buckets grow geometrically by HIST_GAMMA = 1.02, so a quantile read back
 * as the bucket's geometric midpoint is within 1 % of the true value.
 * Range: HIST_MIN .. HIST_MAX (values outside are clamped to the end
 * buckets and still counted). Memory is fixed (independent of the number
 * of values); add is O(1); reset, quantiles and merge are O(buckets
 * between the least and the greatest value), a few hundred for a window of
 * latencies. Exact count, sum, min and max are kept alongside.
 */
#ifndef CLUSTERSIM_HIST_H
#define CLUSTERSIM_HIST_H

#include <stdint.h>

#define HIST_GAMMA 1.02
#define HIST_MIN 1e-3 /* ms: 1 us */
#define HIST_MAX 1e9  /* ms: ~11.6 days */

struct hist {
	uint64_t *counts; /* HIST_NBUCKETS, allocated by hist_init */
	uint64_t n;
	double sum, min, max;
	int lo, hi;       /* buckets of the least and the greatest value, when n > 0 */
};

void hist_init(struct hist *h);
void hist_release(struct hist *h);
void hist_reset(struct hist *h);
void hist_add(struct hist *h, double v);
/* The same value into two histograms (a window and a run total): the
 * bucket is computed once. */
void hist_add2(struct hist *a, struct hist *b, double v);
void hist_merge(struct hist *into, const struct hist *from);
/* q in [0, 1]; 0 when empty. */
double hist_quantile(const struct hist *h, double q);
/* Several quantiles in one pass: q[0..nq) ascending, out[k] as
 * hist_quantile(h, q[k]). */
void hist_quantiles(const struct hist *h, const double *q, int nq, double *out);
double hist_mean(const struct hist *h);
int hist_nbuckets(void);

#endif
