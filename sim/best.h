/*
 * best.h -- the cheapest parameter point that meets service level
 * objectives over its replications (`clustersim best`).
 *
 * A point is feasible when every SLO holds on the pessimistic end of its
 * two-sided 95 % confidence interval (slo_holds_ci: the upper bound for
 * <=, the lower for >=), so a point that passes on a lucky seed but whose
 * interval crosses the line does not. Feasible points are ranked by the
 * mean of cost_per_month_usd (ties: the earlier point first); the first is
 * the answer, the next ones the runners-up. A point without a cost (no
 * summary rows) is never feasible.
 *
 * Owns: its arrays (best_release). Cost: O(runs x SLOs) plus a sort of
 * the points.
 */
#ifndef CLUSTERSIM_BEST_H
#define CLUSTERSIM_BEST_H

#include <stddef.h>

#include "points.h"
#include "slo.h"

struct best_row {
	size_t index;        /* the point's index in struct points */
	double cost;         /* USD/month, mean over replications; NAN when none */
	double cost_half;    /* USD/month, 95 % half-width; NAN when n < 2 */
	int feasible;        /* every SLO holds on its pessimistic bound */
	int first_failed;    /* index of the first SLO not met; -1 when feasible */
	const double *bound; /* [nslo] each SLO's pessimistic bound, its metric's unit */
};

struct best {
	struct best_row *rows; /* [n]: feasible by cost, then the others by cost */
	size_t n, nfeasible;
	double *bounds;        /* [n * nslo], pointed into by rows */
};

void best_rank(struct best *b, const struct points *p, const struct slo *slo, int nslo);
void best_release(struct best *b);

#endif
