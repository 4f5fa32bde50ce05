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
	h->counts = xcalloc(HIST_NBUCKETS, sizeof(*h->counts));
	h->n = 0;
	h->sum = h->min = h->max = 0;
}

void hist_release(struct hist *h)
{
	free(h->counts);
	h->counts = NULL;
}

static inline int bucket_of(double v)
{
	double x;

	if (!(v >= HIST_MIN))
		return 0;
	x = log2(v / HIST_MIN) * BUCKETS_PER_OCTAVE;
	return x < HIST_NBUCKETS - 1 ? (int)x : HIST_NBUCKETS - 1;
}

/* Every count lies in the buckets of the exact min .. max (bucket_of is
 * monotonic): reset, merge and quantiles look at those only. A window of
 * latencies spans a few hundred buckets of the 1,396. */
static int lo_bucket(const struct hist *h)
{
	return bucket_of(h->min);
}

static int hi_bucket(const struct hist *h)
{
	return bucket_of(h->max);
}

void hist_reset(struct hist *h)
{
	if (h->n > 0) {
		int lo = lo_bucket(h);
		memset(h->counts + lo, 0, (size_t)(hi_bucket(h) - lo + 1) * sizeof(*h->counts));
	}
	h->n = 0;
	h->sum = h->min = h->max = 0;
}

static inline void add_at(struct hist *h, int bucket, double v)
{
	h->counts[bucket]++;
	if (h->n == 0) {
		h->min = h->max = v;
	} else {
		h->min = v < h->min ? v : h->min;
		h->max = v > h->max ? v : h->max;
	}
	h->n++;
	h->sum += v;
}

void hist_add(struct hist *h, double v)
{
	assert(!isnan(v));
	add_at(h, bucket_of(v), v);
}

void hist_add2(struct hist *a, struct hist *b, double v)
{
	int bucket;

	assert(!isnan(v));
	bucket = bucket_of(v);
	add_at(a, bucket, v);
	add_at(b, bucket, v);
}

void hist_merge(struct hist *into, const struct hist *from)
{
	if (from->n == 0)
		return;
	for (int i = lo_bucket(from), hi = hi_bucket(from); i <= hi; i++)
		into->counts[i] += from->counts[i];
	if (into->n == 0) {
		into->min = from->min;
		into->max = from->max;
	} else {
		into->min = from->min < into->min ? from->min : into->min;
		into->max = from->max > into->max ? from->max : into->max;
	}
	into->n += from->n;
	into->sum += from->sum;
}

double hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	double mid;
	int i, hi;

	if (h->n == 0)
		return 0;
	assert(q >= 0 && q <= 1);
	rank = (uint64_t)ceil(q * (double)h->n);
	if (rank <= 1)
		return h->min;
	if (rank >= h->n)
		return h->max;
	for (i = lo_bucket(h), hi = hi_bucket(h); i < hi; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			break;
	}
	mid = HIST_MIN * exp2((i + 0.5) / BUCKETS_PER_OCTAVE);
	return mid < h->min ? h->min : mid > h->max ? h->max : mid;
}

double hist_mean(const struct hist *h)
{
	return h->n ? h->sum / (double)h->n : 0;
}

int hist_nbuckets(void)
{
	return HIST_NBUCKETS;
}
