/*
 * dist.c -- the distribution kinds as one const ops table.
 *
 * Each row gives a kind's scenario name, its parameter names (as in the
 * scenario file, mapped to p1 and p2), a sampler and its mean. Samplers use
 * GSL's gsl_ran_* on the given stream, one or a few draws, O(1).
 *
 * Parametrisation by mean m and coefficient of variation c (standard
 * moment matching):
 *   lognormal: ln X ~ N(mu, sigma^2) with sigma^2 = ln(1 + c^2) and
 *              mu = ln m - sigma^2 / 2, since E X = exp(mu + sigma^2/2)
 *              and Var X / (E X)^2 = exp(sigma^2) - 1.
 *   gamma:     shape k = 1 / c^2, scale theta = m c^2, since E X = k theta
 *              and Var X / (E X)^2 = 1 / k.
 * With c = 0 both are the constant m. Parameters are validated by the
 * scenario loader (means > 0, cv >= 0, min <= max), not here.
 */
#include "dist.h"

#include "rng.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

struct dist_ops {
	const char *name;
	const char *param[2]; /* names of p1, p2; NULL where unused */
	double (*sample)(const struct dist *d, gsl_rng *g);
	double (*mean)(const struct dist *d);
};

static double constant_sample(const struct dist *d, gsl_rng *g)
{
	(void)g;
	return d->p1;
}

static double p1_mean(const struct dist *d)
{
	return d->p1;
}

static double exponential_sample(const struct dist *d, gsl_rng *g)
{
	/* gsl_ran_exponential with log(1 - u) for log1p(-u): see rng_exponential. */
	return -d->p1 * log(1.0 - gsl_rng_uniform(g));
}

static double lognormal_sample(const struct dist *d, gsl_rng *g)
{
	double m = d->p1, c = d->p2, s2;

	if (c == 0)
		return m;
	s2 = log1p(c * c);
	return gsl_ran_lognormal(g, log(m) - s2 / 2, sqrt(s2));
}

static double gamma_sample(const struct dist *d, gsl_rng *g)
{
	double m = d->p1, c = d->p2;

	if (c == 0)
		return m;
	return gsl_ran_gamma(g, 1 / (c * c), m * c * c);
}

static double uniform_sample(const struct dist *d, gsl_rng *g)
{
	if (d->p1 == d->p2)
		return d->p1;
	return gsl_ran_flat(g, d->p1, d->p2);
}

static double uniform_mean(const struct dist *d)
{
	return d->p1 / 2 + d->p2 / 2;
}

static const struct dist_ops dist_table[DIST_NKINDS] = {
	[DIST_CONSTANT] = { "constant", { "value", NULL }, constant_sample, p1_mean },
	[DIST_EXPONENTIAL] = { "exponential", { "mean", NULL }, exponential_sample, p1_mean },
	[DIST_LOGNORMAL] = { "lognormal", { "mean", "cv" }, lognormal_sample, p1_mean },
	[DIST_GAMMA] = { "gamma", { "mean", "cv" }, gamma_sample, p1_mean },
	[DIST_UNIFORM] = { "uniform", { "min", "max" }, uniform_sample, uniform_mean },
};

static const struct dist_ops *ops_of(enum dist_kind k)
{
	return (unsigned)k < DIST_NKINDS ? &dist_table[k] : NULL;
}

double dist_sample(const struct dist *d, struct rng *r)
{
	assert((unsigned)d->kind < DIST_NKINDS);
	/* rng.h's `struct gsl_rng` is GSL's anonymous-struct gsl_rng. */
	return dist_table[d->kind].sample(d, (gsl_rng *)(void *)r->g);
}

double dist_mean(const struct dist *d)
{
	assert((unsigned)d->kind < DIST_NKINDS);
	return dist_table[d->kind].mean(d);
}

const char *dist_kind_name(enum dist_kind k)
{
	const struct dist_ops *o = ops_of(k);
	return o ? o->name : NULL;
}

int dist_kind_lookup(const char *name)
{
	for (int k = 0; k < DIST_NKINDS; k++)
		if (strcmp(dist_table[k].name, name) == 0)
			return k;
	return -1;
}

const char *dist_param_name(enum dist_kind k, int which)
{
	const struct dist_ops *o = ops_of(k);
	return o && which >= 0 && which < 2 ? o->param[which] : NULL;
}
