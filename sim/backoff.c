/* backoff.c -- client-go flowcontrol.Backoff for one key; see backoff.h. */
#include "backoff.h"

#include <assert.h>
#include <math.h>

void backoff_init(struct backoff *b, double initial, double max)
{
	assert(initial > 0 && max >= initial);
	b->initial = initial;
	b->max = max;
	b->delay = 0.0;
	b->last_update = 0.0;
}

/* The moment after which the entry counts as stable: 2 x max after its
 * last update. Both rules below compare absolute times with this one
 * value, so backoff_release_time's answer agrees with them to the bit. */
static double stable_t(const struct backoff *b)
{
	return b->last_update + 2 * b->max;
}

/* Collected by Backoff.GC: now - lastUpdate > 2 x max. */
static int collected(const struct backoff *b, double now)
{
	return b->delay == 0.0 || now > stable_t(b);
}

/* hasExpired: eventTime - lastUpdate > 2 x max ("consider stable if it's
 * ok for twice the maxDuration"). */
static int expired(const struct backoff *b, double event_t)
{
	return event_t > stable_t(b);
}

void backoff_next(struct backoff *b, double event_t, double now)
{
	assert(b->initial > 0);
	if (collected(b, now) || expired(b, event_t)) {
		b->delay = b->initial;
	} else {
		double d = 2 * b->delay;
		b->delay = d < b->max ? d : b->max;
	}
	b->last_update = now;
}

int backoff_in_backoff_since(const struct backoff *b, double event_t, double now)
{
	if (collected(b, now) || expired(b, event_t))
		return 0;
	return now < event_t + b->delay;
}

double backoff_get(const struct backoff *b, double now)
{
	return collected(b, now) ? 0.0 : b->delay;
}

double backoff_release_time(const struct backoff *b, double event_t)
{
	double until, gc;

	if (collected(b, event_t) || expired(b, event_t))
		return event_t;
	until = event_t + b->delay;
	gc = nextafter(stable_t(b), INFINITY); /* the first instant it is collected */
	return gc < until ? gc : until;
}
