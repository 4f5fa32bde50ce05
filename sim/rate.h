/*
 * rate.h -- traffic rate shapes (scenario.h struct rate) and arrivals.
 *
 * Shapes, rps(t) in requests per second, t in simulated seconds:
 *   constant  rps.
 *   diurnal   min + (max - min) * (1 + cos(2 pi (t - peak_at) / period)) / 2:
 *             max at peak_at (+ k periods), min half a period later, the
 *             mean of min and max a quarter period from either.
 *   steps     the rps of the last step whose `at` is <= t; 0 before the
 *             first step (piecewise constant, right-continuous).
 *   trace     linear interpolation between the points; before the first
 *             point its rps, after the last the last rps (held constant).
 * Points are sorted by t (the loader checks); rates are >= 0.
 *
 * Each shape is a row of an ops table (rate.c) that cuts time into pieces
 * on which the rate is monotone (constant, linear, or a half period of the
 * cosine) and integrates and inverts it there in closed form (Newton with
 * bisection safeguard for the cosine).
 *
 * Arrivals invert the integrated rate Lambda(t0, t) = int_t0^t rps:
 *   poisson   the next arrival after t is at tau with Lambda(t, tau) = E,
 *             E ~ Exp(1) from the stream's own rng: the time-change theorem
 *             makes this an exact non-homogeneous Poisson process (no
 *             thinning, no rejected draws, one draw per arrival).
 *   uniform   the same with E = 1: the k-th arrival after t0 is where
 *             Lambda(t0, t) = k. At a constant rate r that is t0 + k / r
 *             (the first one 1/r after t0, none at t0); a rate change
 *             inside a gap stretches the gap continuously; while the rate
 *             is 0 nothing arrives.
 * When no arrival will ever come (the rate stays 0), the next time is
 * INFINITY. Cost: O(1) for constant; O(pieces crossed) otherwise, plus
 * O(log points) to find a step or trace segment.
 *
 * Poisson arrivals on a diurnal rate use thinning instead (Lewis and
 * Shedler 1979), which is exact as well: on short pieces (period / 1024,
 * inside one monotone half period) candidates come at the piece's largest
 * rate hi and are kept with probability rps(t) / hi; a candidate past the
 * piece's end is dropped and drawing restarts at the end, which the
 * memorylessness of the homogeneous candidate process makes exact. A
 * candidate whose uniform falls below the piece's smallest rate is kept
 * without evaluating the cosine (a squeeze), so an arrival costs about one
 * exponential and one uniform draw, instead of Newton's several cosines.
 */
#ifndef CLUSTERSIM_RATE_H
#define CLUSTERSIM_RATE_H

#include "scenario.h"

struct rng;

double rate_at(const struct rate *r, double t);
/* Largest rps on [t0, t1] (t0 <= t1): a bound for thinning or sampling. */
double rate_max_on(const struct rate *r, double t0, double t1);
/* Lambda(t0, t1): expected arrivals in [t0, t1]. */
double rate_integral(const struct rate *r, double t0, double t1);
/* The smallest tau >= t with Lambda(t, tau) = x (x >= 0), or INFINITY. */
double rate_advance(const struct rate *r, double t, double x);
const char *rate_shape_name(enum rate_shape s);

struct arrivals {
	const struct rate *rate; /* not owned; must outlive the stream */
	enum arrival_kind kind;
	struct rng *rng;         /* not owned; this stream's own */
	double t;                /* s, the last arrival (or the start) */
	/* Thinning (Poisson on a diurnal rate): the current piece. */
	double piece_end;        /* s; <= t when no piece is current */
	double hi, lo;           /* rps, the rate's largest and smallest on it */
};

void arrivals_init(struct arrivals *a, const struct rate *r, enum arrival_kind kind,
		   struct rng *rng, double t0);
/* The next arrival time (>= the previous), or INFINITY. */
double arrivals_next(struct arrivals *a);

#endif
