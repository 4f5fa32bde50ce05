/*
 * dist.h -- the scenario's distributions (request CPU time, ...).
 *
 * A distribution is a value: kind + two parameters, as in scenario files:
 *   constant     {value: X}         p1 = X
 *   exponential  {mean: X}          p1 = X
 *   lognormal    {mean: X, cv: Y}   p1 = X, p2 = Y (coefficient of variation)
 *   gamma        {mean: X, cv: Y}   p1 = X, p2 = Y
 *   uniform      {min: X, max: Y}   p1 = X, p2 = Y
 * The kinds are rows of one ops table (dist.c): adding one is adding a row.
 * Sampling draws from the given stream only; O(1).
 */
#ifndef CLUSTERSIM_DIST_H
#define CLUSTERSIM_DIST_H

struct rng;

enum dist_kind {
	DIST_CONSTANT,
	DIST_EXPONENTIAL,
	DIST_LOGNORMAL,
	DIST_GAMMA,
	DIST_UNIFORM,
	DIST_NKINDS
};

struct dist {
	enum dist_kind kind;
	double p1, p2;
};

double dist_sample(const struct dist *d, struct rng *r);
double dist_mean(const struct dist *d);
const char *dist_kind_name(enum dist_kind k);
/* Returns the kind for a name, or -1. */
int dist_kind_lookup(const char *name);
/* Names of the parameters of a kind, which = 0 for p1 and 1 for p2 ("mean",
 * "cv", ...); NULL where unused or out of range (for the loader). */
const char *dist_param_name(enum dist_kind k, int which);

#endif
