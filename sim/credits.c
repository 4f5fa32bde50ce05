/*
 * credits.c -- burstable CPU credits as a piecewise-linear balance with one
 * pending event for the next state change. See credits.h.
 *
 * Between two usage changes the drift d = earn - used/60 is constant, so
 * the state at any later time is closed-form (state_advance). The only
 * instants that need an event are the entry into the exhausted state
 * (B reaches 0 with d < 0) and the exit (B back to `resume`, after any
 * surplus is repaid, with d > 0).
 */
#include "credits.h"

#include <assert.h>
#include <math.h>

/* Balance grown by g >= 0 credits, never past max unless already above. */
static double grow(double b, double g, double max)
{
	if (b >= max)
		return b;
	b += g;
	return b < max ? b : max;
}

static double drift(const struct credits *c)
{
	return c->earn - c->used / 60.0;
}

/* Moves s to time now at the constant drift of c. */
static void state_advance(const struct credits *c, struct credits_state *s, double now)
{
	double dt = now - s->t, d = drift(c);

	assert(dt >= 0);
	if (dt <= 0)
		return;
	if (c->exhausted)
		s->exhausted_s += dt;
	if (d >= 0) {
		double gain = d * dt, repay = gain < s->surplus ? gain : s->surplus;
		s->surplus -= repay;
		s->balance = grow(s->balance, gain - repay, c->max);
	} else {
		double spend = -d * dt, take = spend < s->balance ? spend : s->balance;
		s->balance -= take;
		if (c->unlimited && c->exhausted) {
			s->surplus += spend - take;
			if (s->surplus > c->max) {
				s->charged += s->surplus - c->max;
				s->surplus = c->max;
			}
		}
	}
	s->t = now;
}

/* Time of the next state change at the current drift, or INFINITY. */
static double next_change(const struct credits *c)
{
	double d = drift(c);

	if (!c->exhausted)
		return d < 0 ? c->st.t + c->st.balance / -d : INFINITY;
	if (d <= 0)
		return INFINITY;
	return c->st.t + (c->st.surplus + (c->resume - c->st.balance)) / d;
}

static void on_event(void *ctx, void *obj, uint64_t arg);

static void reschedule(struct credits *c)
{
	double t = next_change(c);

	if (t < c->st.t)
		t = c->st.t;
	if (!isfinite(t)) {
		if (c->ev)
			engine_cancel(c->eng, c->ev);
		c->ev = 0;
	} else if (c->ev) {
		c->ev = engine_reschedule(c->eng, c->ev, t);
	} else {
		c->ev = engine_at(c->eng, t, on_event, c, 0);
	}
}

static void on_usage(void *ctx, double now, double used)
{
	struct credits *c = ctx;

	state_advance(c, &c->st, now);
	c->used = used;
	reschedule(c);
}

/* The event was placed at the exact crossing: snap away rounding. */
static void on_event(void *ctx, void *obj, uint64_t arg)
{
	struct credits *c = obj;
	int entering = !c->exhausted;

	(void)ctx;
	(void)arg;
	c->ev = 0;
	state_advance(c, &c->st, c->eng->now);
	if (entering) {
		c->st.balance = 0;
		c->exhausted = 1;
		if (!c->unlimited)
			cpu_node_set_capacity(c->node, c->base);
	} else {
		c->st.surplus = 0;
		if (c->st.balance < c->resume)
			c->st.balance = c->resume;
		c->exhausted = 0;
		if (!c->unlimited)
			cpu_node_set_capacity(c->node, c->vcpu);
	}
	reschedule(c);
	if (c->fn)
		c->fn(c->ctx, c, c->exhausted);
}

void credits_init(struct credits *c, struct cpu_node *n, const struct burstable *b, int vcpu,
		  credits_fn fn, void *ctx)
{
	assert(b->enabled && vcpu > 0);
	*c = (struct credits){ 0 };
	c->eng = n->eng;
	c->node = n;
	c->vcpu = vcpu;
	c->base = b->baseline * vcpu;
	c->earn = b->credits_per_hour / 3600.0;
	c->max = b->max_credits;
	c->resume = CREDITS_RESUME < c->max ? CREDITS_RESUME : c->max;
	c->unlimited = b->mode == CREDIT_UNLIMITED;
	c->price = b->surplus_price_per_vcpu_hour / 60.0;
	c->st.t = n->eng->now;
	c->st.balance = b->initial_credits;
	c->fn = fn;
	c->ctx = ctx;
	c->used = cpu_node_used(n);
	cpu_node_watch(n, on_usage, c);
	reschedule(c);
}

void credits_release(struct credits *c)
{
	if (c->ev)
		engine_cancel(c->eng, c->ev);
	c->ev = 0;
	if (c->node && c->node->watch_ctx == c)
		cpu_node_watch(c->node, NULL, NULL);
	c->node = NULL;
}

static struct credits_state at(const struct credits *c, double now)
{
	struct credits_state s = c->st;
	state_advance(c, &s, now);
	return s;
}

double credits_balance(const struct credits *c, double now)
{
	return at(c, now).balance;
}

double credits_exhausted_seconds(const struct credits *c, double now)
{
	return at(c, now).exhausted_s;
}

double credits_surplus(const struct credits *c, double now)
{
	struct credits_state s = at(c, now);
	return s.charged + s.surplus;
}

double credits_surplus_usd(const struct credits *c, double now)
{
	return credits_surplus(c, now) * c->price;
}
