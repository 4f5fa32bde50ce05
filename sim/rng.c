/*
 * rng.c -- named random streams on GSL's taus2.
 *
 * Seeding. rng_stream_seed gives a 64-bit value, but taus2's seeding
 * (gsl_rng_set -> taus_set) reads only 32 bits: it feeds the seed to a
 * 32-bit LCG (69069 s mod 2^32), so the high half of an unsigned long
 * would be ignored. We fold the halves (low ^ high) so that every bit of
 * the derived seed counts. Two names then share a stream only if their
 * folded seeds collide: with k streams in a run, the chance is about
 * k^2 / 2^33 (1e-4 for a thousand streams), and the test checks that a
 * thousand typical names give a thousand different streams.
 *
 * rng_below is exact (no modulo bias): Lemire's multiply-and-reject on one
 * 32-bit draw when n <= 2^32, plain rejection on two draws above.
 */
#include "rng.h"

#include "base.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* rng.h names the generator `struct gsl_rng`, but GSL's gsl_rng is a
 * typedef of an anonymous struct: convert at this one place. */
static inline gsl_rng *gen(struct rng *r)
{
	return (gsl_rng *)(void *)r->g;
}

uint64_t rng_stream_seed(uint64_t seed, const char *name)
{
	return mix64(seed ^ mix64(hash_str64(name)));
}

void rng_init(struct rng *r, uint64_t seed, const char *name)
{
	uint64_t s = rng_stream_seed(seed, name);
	gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);

	if (!g)
		abort(); /* out of memory: the same policy as xmalloc */
	/* taus2 outputs 32 bits; rng_below relies on the full range. */
	assert(gsl_rng_min(g) == 0 && gsl_rng_max(g) == UINT32_MAX);
	gsl_rng_set(g, (unsigned long)(uint32_t)(s ^ (s >> 32)));
	r->g = (struct gsl_rng *)(void *)g;
}

void rng_release(struct rng *r)
{
	gsl_rng_free(gen(r));
	r->g = NULL;
}

double rng_uniform(struct rng *r)
{
	return gsl_rng_uniform(gen(r));
}

double rng_uniform_pos(struct rng *r)
{
	return gsl_rng_uniform_pos(gen(r));
}

static inline uint32_t next32(struct rng *r)
{
	return (uint32_t)gsl_rng_get(gen(r));
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	assert(n >= 1);
	if (n <= (uint64_t)1 << 32) {
		/* Lemire (2019): x * n / 2^32 is uniform once the low products
		 * that fall in the 2^32 mod n short stripe are rejected. */
		uint64_t m = (uint64_t)next32(r) * n;
		if ((uint32_t)m < n) {
			uint32_t reject = (uint32_t)(((uint64_t)1 << 32) % n);
			while ((uint32_t)m < reject)
				m = (uint64_t)next32(r) * n;
		}
		return m >> 32;
	} else {
		/* The largest multiple of n that fits: 2^64 - (2^64 mod n). */
		uint64_t reject = (UINT64_MAX - n + 1) % n, x;
		do {
			x = (uint64_t)next32(r) << 32;
			x |= next32(r);
		} while (x < reject);
		return x % n;
	}
}

/* gsl_ran_exponential's -mean log1p(-u) with log(1 - u): the same uniform
 * draw and the same value (1 - u is exact for the generator's dyadic u in
 * [0, 1), so the two differ by the last-place rounding of the logarithm at
 * most), but glibc's log is about twice as fast as its log1p, and the
 * exponential is drawn for every arrival and every request's work. */
double rng_exponential(struct rng *r, double mean)
{
	return -mean * log(1.0 - gsl_rng_uniform(gen(r)));
}
