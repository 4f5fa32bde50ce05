/*
 * best.c -- ranking parameter points by cost among those that meet the
 * SLOs; see best.h.
 */
#include "best.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static void judge(struct best_row *row, const struct points *p, size_t i, const struct slo *slo,
		  int nslo, double *bounds, int cost_metric)
{
	const double *cost = points_values(p, i, cost_metric);
	struct stats_acc a;
	struct stats_est est;

	stats_acc_init(&a);
	for (size_t k = 0; k < p->pt[i].n; k++)
		if (!isnan(cost[k]))
			stats_acc_add(&a, cost[k]);
	stats_acc_est(&a, &est);
	row->index = i;
	row->cost = est.mean;
	row->cost_half = est.half95;
	row->bound = bounds;
	row->first_failed = -1;
	for (int s = 0; s < nslo; s++) {
		int m = (int)(slo[s].metric - p->metrics);
		int ok = slo_holds_ci(&slo[s], points_values(p, i, m), (int)p->pt[i].n, &bounds[s]);

		if (!ok && row->first_failed < 0)
			row->first_failed = s;
	}
	row->feasible = row->first_failed < 0 && !isnan(row->cost);
}

/* Feasible first, then by mean cost (NAN last), then by point index. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct best_row *a = pa, *b = pb;

	if (a->feasible != b->feasible)
		return b->feasible - a->feasible;
	if (isnan(a->cost) != isnan(b->cost))
		return isnan(a->cost) - isnan(b->cost);
	if (!isnan(a->cost) && a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

void best_rank(struct best *b, const struct points *p, const struct slo *slo, int nslo)
{
	int cost_metric = points_metric(p, "cost_per_month_usd");

	memset(b, 0, sizeof(*b));
	b->n = p->n;
	b->rows = xcalloc(p->n + 1, sizeof(*b->rows));
	b->bounds = xcalloc(p->n * (size_t)nslo + 1, sizeof(*b->bounds));
	for (size_t i = 0; i < p->n; i++) {
		judge(&b->rows[i], p, i, slo, nslo, b->bounds + i * (size_t)nslo, cost_metric);
		b->nfeasible += (size_t)b->rows[i].feasible;
	}
	qsort(b->rows, b->n, sizeof(*b->rows), cmp_rows);
}

void best_release(struct best *b)
{
	free(b->rows);
	free(b->bounds);
	memset(b, 0, sizeof(*b));
}
