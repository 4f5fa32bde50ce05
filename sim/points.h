/*
 * points.h -- the runs of a results database grouped into parameter
 * points, for statistics over replications (`report --by-point`, `best`,
 * `compare`).
 *
 * A point is the set of runs sharing scenario_sha256 and params (as
 * `report` groups them): the replications of one sweep point, or repeated
 * `run`s of one scenario with the same --set. `point` is the runs.point
 * column of its first run (the sweep's own number). Points are ordered by
 * scenario (in the order of first appearance), point number, first run.
 *
 * Values: every summary column named in slo_metrics(), per run, NAN where
 * the column is NULL (a run without requests has no latency). Rows of one
 * point are contiguous and in run_id order, so the values of metric m for
 * point i are the array points_values(p, i, m) of p->pt[i].n doubles, ready
 * for stats.h and slo_holds_ci.
 *
 * Owns: every array and string (freed by points_release). Cost: one query,
 * O(runs x metrics) memory.
 */
#ifndef CLUSTERSIM_POINTS_H
#define CLUSTERSIM_POINTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "store.h"

struct slo_metric;

struct point {
	int64_t point;          /* runs.point of the first run */
	const char *scenario, *sha256, *params;
	size_t first, n;        /* rows [first, first + n) */
};

struct points {
	const struct slo_metric *metrics; /* slo_metrics() */
	size_t nmetrics;
	size_t nrows;
	int64_t *run_id;  /* [nrows] */
	uint64_t *seed;   /* [nrows] */
	double *val;      /* [nmetrics * nrows]: metric-major */
	struct point *pt; /* [n] */
	size_t n;
	struct arena arena;
};

int points_load(struct points *p, struct store *st, struct err *e);
void points_release(struct points *p);

/* Metric index by SLO or column name (slo_metric_find); -1 when unknown. */
int points_metric(const struct points *p, const char *name);
/* The values of metric m for point i: pt[i].n doubles. */
const double *points_values(const struct points *p, size_t i, int m);

/*
 * Finds the one point a selector names:
 *   N                       runs.point = N (the sweep's point number);
 *   {"path":value,...}      params exactly as stored (copy it from report);
 *   path=value[,path=value] params holding each of these overrides, values
 *                           written as in a sweep file (2, m5.large, 100Mi).
 * ERR_INPUT when none matches or several do (listing a few, so the user
 * can add a path=value that tells them apart). `what` names the option in
 * messages ("--baseline").
 */
int points_select(const struct points *p, const char *sel, const char *what, size_t *index,
		  struct err *e);

/*
 * The grouped view: one row per point with n and, for every metric, the
 * mean and the 95 % confidence half-width over replications (stats.h,
 * Student t; "-" / empty / null when n < 2). CSV and JSON carry every
 * metric as <column>_mean and <column>_ci95; text shows the columns that
 * decide a purchase.
 */
int points_report(const struct points *p, enum report_format fmt, FILE *out, struct err *e);

#endif
