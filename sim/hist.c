/*
 * hist.c -- log-bucketed histogram with 1 % relative error.
 *
 * Bucket i (0 <= i < NBUCKETS) holds the values in
 * [HIST_MIN g^i, HIST_MIN g^(i+1)) with g = HIST_GAMMA = 1.02; values below
 * HIST_MIN go to bucket 0, values from HIST_MIN g^NBUCKETS up to the last.
 * NBUCKETS = 1396 is the least count with HIST_MIN g^NBUCKETS > HIST_MAX
 * (ln(1e12) / ln(1.02) = 1395.3); the test recomputes it.
 *
 * A quantile is read back as its bucket's geometric midpoint
 * HIST_MIN g^(i + 1/2), which is within a factor g^(1/2) = 1.00995 of every
 * value of the bucket: at most 0.995 % off. The bucket index is
 * floor(log2(v / HIST_MIN) / log2(g)): one libm log2 and a multiply. Its
 * rounding error (a few ulps, ~1e-13 of a bucket) can only put a value
 * that lies within ~1e-15 relative of an edge into the neighbouring
 * bucket, whose midpoint is then off by 0.995 % + 1e-15: still inside the
 * 1 % guarantee, which leaves a margin of 5e-5.
 *
 * Quantiles use the nearest-rank definition: the q-quantile of n values is
 * the value of rank ceil(q n) (rank 1 for q = 0). Ranks 1 and n return
 * the exact min and max, and any midpoint is clamped into [min, max],
 * which can only bring it closer to the true value.
 */
#include "hist.h"

#include "base.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { HIST_NBUCKETS = 1396 };

/* 1 / log2(HIST_GAMMA): buckets per doubling of the value. */
#define BUCKETS_PER_OCTAVE 35.0027887811465 /* checked by the test */

void hist_init(struct hist *h)
{
	*h = (struct hist){ 0 };
	h->counts = xcalloc(HIST_NBUCKETS, sizeof(*h->counts));
}

void hist_window_init(struct hist *w)
{
	*w = (struct hist){ 0 };
	w->log = xmalloc(HIST_LOG * sizeof(*w->log));
}

void hist_release(struct hist *h)
{
	free(h->counts);
	free(h->log);
	h->counts = NULL;
	h->log = NULL;
}

static inline int bucket_of(double v)
{
	double x;

	if (!(v >= HIST_MIN))
		return 0;
	x = log2(v / HIST_MIN) * BUCKETS_PER_OCTAVE;
	return x < HIST_NBUCKETS - 1 ? (int)x : HIST_NBUCKETS - 1;
}

/* Every count lies in buckets lo .. hi (kept by add_at): reset, merge and
 * quantiles look at those only. */
void hist_reset(struct hist *h)
{
	if (h->n > 0 && h->counts)
		memset(h->counts + h->lo, 0, (size_t)(h->hi - h->lo + 1) * sizeof(*h->counts));
	h->n = 0;
	h->nlog = 0;
	h->sum = h->min = h->max = 0;
}

/* Everything an add changes but the bucket's count. */
static inline void note(struct hist *h, int bucket, double v)
{
	if (h->n == 0) {
		h->min = h->max = v;
		h->lo = h->hi = bucket;
	} else {
		h->min = v < h->min ? v : h->min;
		h->max = v > h->max ? v : h->max;
		h->lo = bucket < h->lo ? bucket : h->lo;
		h->hi = bucket > h->hi ? bucket : h->hi;
	}
	h->n++;
	h->sum += v;
}

static inline void add_at(struct hist *h, int bucket, double v)
{
	h->counts[bucket]++;
	note(h, bucket, v);
}

/* Counts a window's log into counts (HIST_NBUCKETS, zero where the log's
 * values are not yet counted). */
static void count_log(const struct hist *w, uint64_t *counts)
{
	for (uint32_t i = 0; i < w->nlog; i++)
		counts[w->log[i]]++;
}

/* Counts the log into the window's own counters, allocated on first use. */
static void fold(struct hist *w)
{
	if (!w->counts)
		w->counts = xcalloc(HIST_NBUCKETS, sizeof(*w->counts));
	count_log(w, w->counts);
	w->nlog = 0;
}

void hist_window_add(struct hist *w, struct hist *total, double v)
{
	int bucket;

	assert(!isnan(v) && w->log);
	bucket = bucket_of(v);
	note(w, bucket, v);
	w->log[w->nlog++] = (uint16_t)bucket;
	if (w->nlog == HIST_LOG)
		fold(w);
	if (total)
		add_at(total, bucket, v);
}

void hist_window_quantiles(struct hist *w, struct hist *scratch, const double *q, int nq,
			   double *out)
{
	if (w->counts) {
		fold(w);
		hist_quantiles(w, q, nq, out);
		return;
	}
	/* The window's n, sum, min, max, lo and hi over the scratch's counters,
	 * which are zeroed again after. */
	struct hist view = *w;

	assert(scratch->n == 0 && scratch->counts);
	view.counts = scratch->counts;
	view.log = NULL;
	view.nlog = 0;
	count_log(w, view.counts);
	hist_quantiles(&view, q, nq, out);
	hist_reset(&view);
}

void hist_add(struct hist *h, double v)
{
	assert(!isnan(v));
	add_at(h, bucket_of(v), v);
}

void hist_merge(struct hist *into, const struct hist *from)
{
	if (from->n == 0)
		return;
	for (int i = from->lo; i <= from->hi; i++)
		into->counts[i] += from->counts[i];
	if (into->n == 0) {
		into->min = from->min;
		into->max = from->max;
		into->lo = from->lo;
		into->hi = from->hi;
	} else {
		into->min = from->min < into->min ? from->min : into->min;
		into->max = from->max > into->max ? from->max : into->max;
		into->lo = from->lo < into->lo ? from->lo : into->lo;
		into->hi = from->hi > into->hi ? from->hi : into->hi;
	}
	into->n += from->n;
	into->sum += from->sum;
}

/* The value of rank `rank` (2 .. n-1) from bucket i on, where `seen`
 * values lie below bucket i; advances i and seen. */
static double rank_value(const struct hist *h, uint64_t rank, int *i, uint64_t *seen)
{
	double mid;

	while (*i < h->hi && *seen + h->counts[*i] < rank)
		*seen += h->counts[(*i)++];
	mid = HIST_MIN * exp2((*i + 0.5) / BUCKETS_PER_OCTAVE);
	return mid < h->min ? h->min : mid > h->max ? h->max : mid;
}

void hist_quantiles(const struct hist *h, const double *q, int nq, double *out)
{
	uint64_t seen = 0;
	int i = h->n ? h->lo : 0;

	for (int k = 0; k < nq; k++) {
		uint64_t rank;

		assert(q[k] >= 0 && q[k] <= 1 && (k == 0 || q[k] >= q[k - 1]));
		rank = (uint64_t)ceil(q[k] * (double)h->n);
		if (h->n == 0)
			out[k] = 0;
		else if (rank <= 1)
			out[k] = h->min;
		else if (rank >= h->n)
			out[k] = h->max;
		else
			out[k] = rank_value(h, rank, &i, &seen);
	}
}

double hist_quantile(const struct hist *h, double q)
{
	double v;

	hist_quantiles(h, &q, 1, &v);
	return v;
}

double hist_mean(const struct hist *h)
{
	return h->n ? h->sum / (double)h->n : 0;
}

int hist_nbuckets(void)
{
	return HIST_NBUCKETS;
}
