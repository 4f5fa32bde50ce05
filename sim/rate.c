/*
 * rate.c -- rate shapes as an ops table of monotone pieces. See rate.h.
 *
 * A shape answers four questions about the piece containing t:
 *   at(t)            the rate;
 *   end(t)           where the piece ends (> t; INFINITY for the last);
 *   mass(t0, t1)     the integral over [t0, t1] inside one piece;
 *   solve(t, x, e)   tau in [t, e] with mass(t, tau) = x, given
 *                    mass(t, e) >= x;
 * and max(t0, t1) over a piece, which for a monotone piece is an endpoint.
 * The generic walks below (integral, max, advance) go piece by piece.
 */
#include "rate.h"

#include <assert.h>
#include <math.h>

#include "rng.h"

struct rate_ops {
	const char *name;
	double (*at)(const struct rate *r, double t);
	double (*end)(const struct rate *r, double t);
	double (*mass)(const struct rate *r, double t0, double t1);
	double (*piece_max)(const struct rate *r, double t0, double t1);
	double (*solve)(const struct rate *r, double t, double x, double e);
};

/* ---- helpers shared by piecewise shapes ------------------------------------ */

/* Index of the last point with p.t <= t, or -1. O(log n). */
static int point_at_or_before(const struct rate *r, double t)
{
	int lo = 0, hi = r->npoints - 1, ans = -1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (r->points[mid].t <= t) {
			ans = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return ans;
}

/* The first point time after t, or INFINITY. */
static double point_after(const struct rate *r, double t)
{
	int i = point_at_or_before(r, t) + 1;
	return i < r->npoints ? r->points[i].t : INFINITY;
}

/* A constant piece of rate v: tau = t + x / v. */
static double solve_flat(double t, double x, double v, double e)
{
	double tau = t + x / v;
	return tau < e ? tau : e;
}

/* ---- constant ----------------------------------------------------------------- */

static double const_at(const struct rate *r, double t)
{
	(void)t;
	return r->rps;
}

static double no_end(const struct rate *r, double t)
{
	(void)r;
	(void)t;
	return INFINITY;
}

static double const_mass(const struct rate *r, double t0, double t1)
{
	return r->rps * (t1 - t0);
}

static double const_max(const struct rate *r, double t0, double t1)
{
	(void)t0;
	(void)t1;
	return r->rps;
}

static double const_solve(const struct rate *r, double t, double x, double e)
{
	return solve_flat(t, x, r->rps, e);
}

/* ---- steps: right-continuous, 0 before the first step ----------------------- */

static double steps_at(const struct rate *r, double t)
{
	int i = point_at_or_before(r, t);
	return i < 0 ? 0 : r->points[i].rps;
}

static double steps_end(const struct rate *r, double t)
{
	return point_after(r, t);
}

static double steps_mass(const struct rate *r, double t0, double t1)
{
	return steps_at(r, t0) * (t1 - t0);
}

/* The piece is [t0, end): its value is the value at t0. */
static double steps_max(const struct rate *r, double t0, double t1)
{
	(void)t1;
	return steps_at(r, t0);
}

static double steps_solve(const struct rate *r, double t, double x, double e)
{
	return solve_flat(t, x, steps_at(r, t), e);
}

/* ---- trace: linear between points, held outside ----------------------------- */

static double trace_at(const struct rate *r, double t)
{
	int i = point_at_or_before(r, t);
	const struct rate_point *a, *b;

	if (i < 0)
		return r->points[0].rps;
	if (i == r->npoints - 1)
		return r->points[i].rps;
	a = &r->points[i];
	b = &r->points[i + 1];
	return a->rps + (b->rps - a->rps) * (t - a->t) / (b->t - a->t);
}

/* Slope of the piece containing t (0 outside the points). */
static double trace_slope(const struct rate *r, double t)
{
	int i = point_at_or_before(r, t);
	const struct rate_point *a, *b;

	if (i < 0 || i == r->npoints - 1)
		return 0;
	a = &r->points[i];
	b = &r->points[i + 1];
	return (b->rps - a->rps) / (b->t - a->t);
}

static double trace_end(const struct rate *r, double t)
{
	return point_after(r, t);
}

static double trace_mass(const struct rate *r, double t0, double t1)
{
	double a = trace_at(r, t0), dt = t1 - t0;
	return a * dt + trace_slope(r, t0) * dt * dt / 2;
}

static double trace_max(const struct rate *r, double t0, double t1)
{
	double a = trace_at(r, t0), b = a + trace_slope(r, t0) * (t1 - t0);
	return a > b ? a : b;
}

/* a d + s d^2 / 2 = x, in the form without cancellation. */
static double trace_solve(const struct rate *r, double t, double x, double e)
{
	double a = trace_at(r, t), s = trace_slope(r, t), disc = a * a + 2 * s * x, d;

	if (disc < 0)
		disc = 0;
	d = 2 * x / (a + sqrt(disc));
	return t + d < e ? t + d : e;
}

/* ---- diurnal ------------------------------------------------------------------- */

static double diurnal_phase(const struct rate *r, double t)
{
	return 2 * M_PI * (t - r->peak_at) / r->period;
}

static double diurnal_at(const struct rate *r, double t)
{
	return r->min + (r->max - r->min) * (1 + cos(diurnal_phase(r, t))) / 2;
}

/* Pieces are half periods, from a peak to a trough or back. */
static double diurnal_end(const struct rate *r, double t)
{
	double half = r->period / 2, k = floor((t - r->peak_at) / half) + 1;
	double e = r->peak_at + k * half;
	return e > t ? e : e + half;
}

/* (min+max)/2 dt + (max-min)/2 * P/(2 pi) (sin th1 - sin th0), with the
 * sine difference as 2 cos(mid) sin(half-diff) to keep short spans exact. */
static double diurnal_mass(const struct rate *r, double t0, double t1)
{
	double th0 = diurnal_phase(r, t0), th1 = diurnal_phase(r, t1);
	double dsin = 2 * cos((th0 + th1) / 2) * sin((th1 - th0) / 2);
	return (r->min + r->max) / 2 * (t1 - t0) +
	       (r->max - r->min) / 2 * r->period / (2 * M_PI) * dsin;
}

static double diurnal_max(const struct rate *r, double t0, double t1)
{
	double a = diurnal_at(r, t0), b = diurnal_at(r, t1);
	return a > b ? a : b;
}

/* Newton on F(tau) = mass(t, tau) - x (F' = rate >= 0, F increasing),
 * kept inside a shrinking bracket [lo, hi] by bisection. */
static double diurnal_solve(const struct rate *r, double t, double x, double e)
{
	double lo = t, hi = e, v = diurnal_at(r, t);
	double tau = v > 0 ? t + x / v : (t + e) / 2;

	for (int it = 0; it < 100; it++) {
		double f, fp, next, tol = 1e-12 * (fabs(tau) + 1);
		if (!(tau > lo && tau < hi))
			tau = lo + (hi - lo) / 2;
		f = diurnal_mass(r, t, tau) - x;
		if (f > 0)
			hi = tau;
		else
			lo = tau;
		fp = diurnal_at(r, tau);
		next = fp > 0 ? tau - f / fp : lo + (hi - lo) / 2;
		if (fabs(next - tau) <= tol || hi - lo <= tol)
			return next > lo && next < hi ? next : tau;
		tau = next;
	}
	return tau;
}

static const struct rate_ops shapes[] = {
	[RATE_CONSTANT] = { "constant", const_at, no_end, const_mass, const_max, const_solve },
	[RATE_DIURNAL] = { "diurnal", diurnal_at, diurnal_end, diurnal_mass, diurnal_max,
			   diurnal_solve },
	[RATE_STEPS] = { "steps", steps_at, steps_end, steps_mass, steps_max, steps_solve },
	[RATE_TRACE] = { "trace", trace_at, trace_end, trace_mass, trace_max, trace_solve },
};

static const struct rate_ops *ops_of(const struct rate *r)
{
	assert((unsigned)r->shape < ARRAY_LEN(shapes));
	assert(r->shape == RATE_CONSTANT || r->shape == RATE_DIURNAL || r->npoints > 0);
	assert(r->shape != RATE_DIURNAL || r->period > 0);
	return &shapes[r->shape];
}

/* ---- generic walks --------------------------------------------------------------- */

const char *rate_shape_name(enum rate_shape s)
{
	return (unsigned)s < ARRAY_LEN(shapes) ? shapes[s].name : NULL;
}

double rate_at(const struct rate *r, double t)
{
	return ops_of(r)->at(r, t);
}

double rate_max_on(const struct rate *r, double t0, double t1)
{
	const struct rate_ops *o = ops_of(r);
	double m = 0;

	assert(t0 <= t1);
	for (;;) {
		double e = o->end(r, t0), b = e < t1 ? e : t1, v = o->piece_max(r, t0, b);
		if (v > m)
			m = v;
		if (e >= t1)
			break;
		t0 = e;
	}
	/* A step exactly at t1 is part of the closed interval. */
	if (r->shape == RATE_STEPS && o->at(r, t1) > m)
		m = o->at(r, t1);
	return m;
}

/* Mass of one whole period of a diurnal rate (the cosine integrates to 0). */
static double diurnal_period_mass(const struct rate *r)
{
	return (r->min + r->max) / 2 * r->period;
}

double rate_integral(const struct rate *r, double t0, double t1)
{
	const struct rate_ops *o = ops_of(r);
	double sum = 0;

	assert(t0 <= t1);
	if (r->shape == RATE_DIURNAL && t1 - t0 > r->period) {
		/* Whole periods in O(1): a 1 us period over a year is 6 x 10^13
		 * half periods to walk otherwise. */
		double k = floor((t1 - t0) / r->period);
		sum = k * diurnal_period_mass(r);
		t0 += k * r->period;
	}
	while (t0 < t1) {
		double e = o->end(r, t0), b = e < t1 ? e : t1;
		sum += o->mass(r, t0, b);
		t0 = b;
	}
	return sum;
}

double rate_advance(const struct rate *r, double t, double x)
{
	const struct rate_ops *o = ops_of(r);

	assert(x >= 0);
	if (x <= 0)
		return t;
	if (r->shape == RATE_DIURNAL) {
		/* Skip whole periods in O(1). Walking half periods one by one
		 * never ended for max 0 (no mass anywhere) and took millions of
		 * steps per arrival for a tiny rate or a microsecond period. */
		double per = diurnal_period_mass(r), k;
		if (!(per > 0))
			return INFINITY;
		k = floor(x / per) - 1;
		if (k > 0) {
			t += k * r->period;
			x -= k * per;
		}
	}
	for (;;) {
		double e = o->end(r, t), m;
		if (!(e > t))
			return INFINITY; /* t beyond the resolution of a double */
		if (isinf(e)) {
			/* The last piece is flat in every shape that has one. */
			double v = o->at(r, t);
			return v > 0 ? t + x / v : INFINITY;
		}
		m = o->mass(r, t, e);
		if (m >= x) {
			double tau = o->solve(r, t, x, e);
			return tau > t ? tau : t;
		}
		x -= m;
		t = e;
	}
}

void arrivals_init(struct arrivals *a, const struct rate *r, enum arrival_kind kind,
		   struct rng *rng, double t0)
{
	(void)ops_of(r);
	a->rate = r;
	a->kind = kind;
	a->rng = rng;
	a->t = t0;
	a->piece_end = t0;
	a->hi = a->lo = 0;
}

/* Thinning pieces per diurnal period: even, so half periods (the monotone
 * pieces) are unions of them. At 1024 the bound exceeds the rate by at most
 * pi (max - min) / 1024, so nearly every candidate is kept. */
enum { THIN_PIECES = 1024 };

/* Makes the thinning piece containing t current. */
static void thin_piece(struct arrivals *a, double t)
{
	const struct rate *r = a->rate;
	double h = r->period / THIN_PIECES, k = floor((t - r->peak_at) / h);
	double s = r->peak_at + k * h, e = s + h, va, vb;

	if (e <= t) {
		s = e;
		e += h;
	}
	va = diurnal_at(r, s);
	vb = diurnal_at(r, e);
	a->piece_end = e;
	a->hi = va > vb ? va : vb;
	a->lo = va < vb ? va : vb;
}

/* The next Poisson arrival after a->t on a diurnal rate, by thinning. */
static double thin_next(struct arrivals *a)
{
	double t = a->t;

	if (!(a->rate->max > 0))
		return INFINITY;
	for (;;) {
		double c, u;
		if (t >= a->piece_end)
			thin_piece(a, t);
		if (!(a->hi > 0)) {
			t = a->piece_end;
			continue;
		}
		c = t + rng_exponential(a->rng, 1.0) / a->hi;
		if (c >= a->piece_end) {
			t = a->piece_end;
			continue;
		}
		t = c;
		u = rng_uniform(a->rng) * a->hi;
		if (u < a->lo || u < diurnal_at(a->rate, t))
			return t;
	}
}

double arrivals_next(struct arrivals *a)
{
	double x;

	if (a->kind == ARRIVAL_POISSON && a->rate->shape == RATE_DIURNAL) {
		if (isfinite(a->t))
			a->t = thin_next(a);
		return a->t;
	}
	x = a->kind == ARRIVAL_POISSON ? rng_exponential(a->rng, 1.0) : 1.0;
	if (a->rate->shape == RATE_CONSTANT)
		a->t = a->rate->rps > 0 ? a->t + x / a->rate->rps : INFINITY;
	else if (isfinite(a->t))
		a->t = rate_advance(a->rate, a->t, x);
	return a->t;
}
