/*
 * credits.h -- CPU credits of a burstable (t2/t3) node, exact in time.
 *
 * One credit is one vCPU at 100 % for one minute (reference §8.2). With the
 * node using u cores (piecewise constant: it changes only at CPU events,
 * which cpu_node_watch reports), the balance B moves at
 *     dB/dt = credits_per_hour / 3600 - u / 60      credits per second,
 * and earning stops at max_credits (a balance above it, from launch
 * credits, is kept but does not grow). Baseline cores b = baseline x vCPU.
 *
 * Exhausted state (both modes): entered at the instant B reaches 0 while
 * u > b (an engine event at the exact crossing time, moved whenever u
 * changes); left when B is back to `resume` credits (default
 * CREDITS_RESUME = 1 credit). The hysteresis keeps a node whose demand
 * hovers around the baseline from flipping at every request; it delays
 * the use of at most `resume` earned credits, and costs nothing else,
 * since a capped node with demand above b neither earns nor spends.
 *
 * Standard mode: while exhausted the node's capacity is b cores
 * (cpu_node_set_capacity), the full vCPU count otherwise.
 *
 * Unlimited mode: the node never slows down. Credits spent while B = 0 are
 * surplus credits S; later earnings repay S before the balance grows, and
 * S above max_credits is charged at once. The charge is for every surplus
 * credit charged or still outstanding, at surplus_price_per_vcpu_hour / 60
 * USD per credit. Simplification against AWS, which charges surplus not
 * repaid over a rolling 24-h window (and at stop/terminate): here surplus
 * repaid at any later time is not charged, and what is outstanding when
 * the node ends is. The two agree when usage averages below the baseline
 * over each day (nothing charged) or stays above it (all charged).
 *
 * The callback reports each entry (exhausted = 1: the CreditsExhausted
 * event) and exit. Cost: O(1) per usage change; no polling.
 */
#ifndef CLUSTERSIM_CREDITS_H
#define CLUSTERSIM_CREDITS_H

#include "cpu.h"
#include "engine.h"
#include "scenario.h"

#define CREDITS_RESUME 1.0 /* credits: balance at which an exhausted node recovers */

struct credits;
typedef void (*credits_fn)(void *ctx, struct credits *c, int exhausted);

/* Everything that changes with time, as of time t. */
struct credits_state {
	double t;           /* s */
	double balance;     /* credits */
	double surplus;     /* credits outstanding (unlimited mode) */
	double charged;     /* credits charged above max_credits (unlimited) */
	double exhausted_s; /* s spent exhausted up to t */
};

struct credits {
	struct engine *eng;
	struct cpu_node *node;
	double vcpu;     /* cores, the uncapped capacity */
	double base;     /* cores: baseline x vCPU */
	double earn;     /* credits per second */
	double max;      /* credits, cap of the earned balance */
	double resume;   /* credits, see above */
	int unlimited;
	double price;    /* USD per surplus credit */
	double used;     /* cores, the node's usage since st.t */
	int exhausted;
	struct credits_state st;
	event_id ev;
	credits_fn fn;
	void *ctx;
};

/* Starts tracking node n (capacity vcpu) from now with b's initial balance;
 * registers itself as the node's usage watcher. b->enabled must be set. */
void credits_init(struct credits *c, struct cpu_node *n, const struct burstable *b, int vcpu,
		  credits_fn fn, void *ctx);
/* Stops tracking (cancels the event, unwatches the node). */
void credits_release(struct credits *c);

double credits_balance(const struct credits *c, double now);      /* credits */
double credits_exhausted_seconds(const struct credits *c, double now); /* s */
/* Unlimited mode: surplus credits charged or outstanding, and their USD. */
double credits_surplus(const struct credits *c, double now);
double credits_surplus_usd(const struct credits *c, double now);

#endif
