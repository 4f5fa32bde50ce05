/*
 * plot_data.h -- the chart table and the SQL that extracts each chart's
 * data, the inside of plot.h exposed so tests can check the exact rows
 * handed to gnuplot.
 *
 * A data function writes the chart's data file body to out: per series a
 * block of `# ...` comment lines, one column-header row whose second column
 * names the series (quoted), then the rows; blocks are separated by two
 * blank lines (none after the last). Numbers are printed with %.10g, a
 * missing value (SQL NULL) as NaN, which gnuplot treats as a gap. Times are
 * simulated seconds; scripts convert to the axis unit. The function also
 * appends the gnuplot variables the script needs (block counts, SLO lines)
 * to a plot_vars and sets its nseries; nseries 0 means "nothing to draw"
 * (e.g. no burstable nodes for `credits`): plot_chart reports the chart's
 * `empty` text, plot_all leaves the chart out.
 *
 * Block order is stable: nodes by creation time then name, workloads and
 * node groups by name, event kinds in the order of the events chart.
 */
#ifndef CLUSTERSIM_PLOT_DATA_H
#define CLUSTERSIM_PLOT_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "base.h"
#include "slo.h"

struct sqlite3;

/* gnuplot `-e` assignments, e.g. "nnodes=3; tunit='h'; ". */
struct plot_vars {
	char *text; /* malloc'ed, NUL-terminated; NULL until the first append */
	size_t len, cap;
	int nseries;  /* blocks written that hold a series; 0: nothing to draw */
	int keychars; /* longest legend entry in characters; plot.c passes it on
		       * as keychars so the script makes room for the legend */
};

void plot_vars_num(struct plot_vars *v, const char *name, double x);
/* Appends name='s' with s quoted for gnuplot (a ' doubled). */
void plot_vars_str(struct plot_vars *v, const char *name, const char *s);
void plot_vars_release(struct plot_vars *v);
/* Notes a legend entry (UTF-8) for keychars. */
void plot_vars_key(struct plot_vars *v, const char *label);

/* What a data function reads. */
struct plot_src {
	struct sqlite3 *db;
	int64_t run_id;         /* the run, for per-run charts */
	const struct slo *slos; /* for SLO lines and the best point */
	int nslo;
};

typedef int plot_data_fn(const struct plot_src *src, FILE *out, struct plot_vars *v,
			 struct err *e);

enum plot_scope {
	PLOT_RUN,   /* one chart per run */
	PLOT_SWEEP, /* one chart over all runs, when there are several points */
};

struct plot_chart_def {
	const char *name;    /* --chart NAME, file names */
	const char *script;  /* file in the scripts folder */
	const char *title;   /* chart title after "<scenario>: " */
	const char *caption; /* one line for the review page */
	const char *empty;   /* why there is nothing to draw, after "run N has " */
	enum plot_scope scope;
	plot_data_fn *data;
};

/* The chart table, in the order of the review page; *n gets its length. */
const struct plot_chart_def *plot_charts(size_t *n);
const struct plot_chart_def *plot_chart_find(const char *name);

plot_data_fn plot_data_node_cpu;
plot_data_fn plot_data_node_memory;
plot_data_fn plot_data_pods_per_node;
plot_data_fn plot_data_latency;
plot_data_fn plot_data_autoscaling;
plot_data_fn plot_data_credits;
plot_data_fn plot_data_events;
plot_data_fn plot_data_cost_latency;

/*
 * Parameter points: the runs grouped by (scenario, scenario_sha256,
 * params), each with the mean and 95 % half-width (slo_ci95) of every
 * summary metric over its replications. Owned by plot_points; release
 * frees all.
 */
struct plot_point {
	char *scenario, *sha256, *params; /* params: the runs' JSON */
	char *label;                      /* plot_params_label of params */
	int point;                        /* runs.point of its first run */
	int nruns;
	int64_t first_run;
	double *mean, *half; /* per metric of slo_metrics(), NaN when absent */
	int pareto;          /* on the cost/p99 Pareto front of the means */
	int slo_ok;          /* every SLO holds on its pessimistic bound */
};

struct plot_points {
	struct plot_point *p; /* ordered by first run id */
	size_t n;
	int best; /* index of the cheapest point meeting every SLO, -1: none or no SLO */
};

int plot_points_load(struct sqlite3 *db, const struct slo *slos, int nslo,
		     struct plot_points *pp, struct err *e);
void plot_points_release(struct plot_points *pp);
/* Index of a metric in slo_metrics() (for plot_point.mean/half). */
size_t plot_metric_index(const char *name);

/*
 * Marks front[i] = 1 for the points not dominated when minimising both x
 * and y: j dominates i when x[j] <= x[i] and y[j] <= y[i] with one of them
 * strictly smaller. Equal points are both on the front. Points with a NaN
 * coordinate are never on it. O(n log n).
 */
void plot_pareto(const double *x, const double *y, size_t n, int *front);

/*
 * A short label of a params JSON object for chart labels: the values in
 * order, joined by ", ", with a node group's instance_type and count
 * written together as "t3.large×3"; "{}" gives "baseline". Returns a
 * malloc'ed string.
 */
char *plot_params_label(const char *json);

#endif
