/*
 * rng.h -- named random streams.
 *
 * Owns: one GSL generator per stream. Every stream is derived from the run's
 * seed and a stable name ("arrivals/user-server", "sched/tiebreak", ...):
 * stream_seed = mix64(seed ^ mix64(hash_str64(name))). Adding a workload
 * therefore never changes another workload's numbers, and replication k of
 * two sweep points sees the same traffic (common random numbers).
 *
 * The generator is GSL's taus2 (fast, 2^88 period). Its seeding reads only
 * 32 bits, so rng_init folds the 64-bit stream seed into low ^ high before
 * gsl_rng_set (see rng.c).
 */
#ifndef CLUSTERSIM_RNG_H
#define CLUSTERSIM_RNG_H

#include <stdint.h>

struct gsl_rng;

struct rng {
	struct gsl_rng *g;
};

uint64_t rng_stream_seed(uint64_t seed, const char *name);
void rng_init(struct rng *r, uint64_t seed, const char *name);
void rng_release(struct rng *r);

double rng_uniform(struct rng *r);     /* [0, 1) */
double rng_uniform_pos(struct rng *r); /* (0, 1) */
uint64_t rng_below(struct rng *r, uint64_t n); /* uniform in [0, n), n >= 1 */
double rng_exponential(struct rng *r, double mean);

#endif
