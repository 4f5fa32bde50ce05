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
	uint64_t *counts; /* HIST_NBUCKETS, allocated by hist_init; a window's
			   * at its first fold (NULL until then) */
	uint64_t n;
	double sum, min, max;
	int lo, hi;       /* buckets of the least and the greatest value, when n > 0 */
	uint16_t *log;    /* a window's buckets not yet counted, in arrival order */
	uint32_t nlog;
};

void hist_init(struct hist *h);
void hist_release(struct hist *h);
void hist_reset(struct hist *h);
void hist_add(struct hist *h, double v);
void hist_merge(struct hist *into, const struct hist *from);
/* q in [0, 1]; 0 when empty. */
double hist_quantile(const struct hist *h, double q);
/* Several quantiles in one pass: q[0..nq) ascending, out[k] as
 * hist_quantile(h, q[k]). */
void hist_quantiles(const struct hist *h, const double *q, int nq, double *out);
double hist_mean(const struct hist *h);
int hist_nbuckets(void);

/*
 * A window: the histogram of one sample interval of one workload, read and
 * reset every interval. Its values' buckets are appended to a log (two
 * bytes each, written in sequence) instead of incrementing one of 1,396
 * counters: with hundreds of workloads the counters were cold, and one
 * increment per request was 8 % of `large`. The log is counted when the
 * window is read, into a scratch histogram that stays in cache, or into
 * the window's own counters once more than HIST_LOG values arrive within
 * one interval (memory stays bounded). Quantiles, n, sum, min and max are
 * exactly those of a plain histogram of the same values.
 */
enum { HIST_LOG = 4096 };
void hist_window_init(struct hist *w);
/* Adds v to the window and, when total is not NULL, to total (a plain
 * histogram): the bucket is computed once. */
void hist_window_add(struct hist *w, struct hist *total, double v);
/* hist_quantiles of the window; scratch is a plain, empty histogram,
 * left empty. */
void hist_window_quantiles(struct hist *w, struct hist *scratch, const double *q, int nq,
			   double *out);
/* (hist_reset and hist_release serve windows too.) */

#endif
