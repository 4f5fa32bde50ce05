/*
 * slo.h -- service level objectives on a run's summary: "p99_ms<=200".
 *
 * An SLO is `METRIC OP NUMBER`: METRIC is a column of the summary table of
 * shared/SPEC.md "Results database", written without the `latency_` prefix
 * where the column has one (p99_ms for latency_p99_ms; the full column name
 * is accepted too), OP one of <=, <, >=, >, and NUMBER a finite decimal in
 * the column's unit (ms, USD, a fraction for error_rate). Spaces around the
 * parts are allowed: "p99_ms <= 200".
 *
 * Over replications an SLO is judged pessimistically: on the bound of the
 * two-sided 95 % confidence interval of the mean (Student t with n-1
 * degrees of freedom) on the side that could break it -- the upper bound
 * for <= and <, the lower bound for >= and >. That is the end of the error
 * bar drawn on the cost-latency chart, so "its error bar stays under the
 * SLO line" and "meets the SLO" say the same thing. One replication has no
 * interval; its value is judged as is.
 *
 * The metric table is const and shared; a struct slo is a plain value (no
 * allocation, nothing to release). Parsing is O(length of the expression).
 */
#ifndef CLUSTERSIM_SLO_H
#define CLUSTERSIM_SLO_H

#include <stddef.h>
#include "base.h"

struct slo_metric {
	const char *name;   /* as written in an SLO: "p99_ms" */
	const char *column; /* summary column: "latency_p99_ms" */
	const char *unit;   /* for people: "ms", "USD", "" */
	const char *help;   /* one line */
};

enum slo_op { SLO_LE, SLO_LT, SLO_GE, SLO_GT };

struct slo {
	const struct slo_metric *metric;
	enum slo_op op;
	double bound; /* in the metric's unit */
};

/* All metrics, in summary column order; *n gets their count. */
const struct slo_metric *slo_metrics(size_t *n);
/* By SLO name or summary column name; NULL when unknown. */
const struct slo_metric *slo_metric_find(const char *name);

/*
 * Parses one expression. ERR_INPUT with a message that quotes the
 * expression and says what was expected (naming the known metrics, with a
 * "did you mean" for a near miss).
 */
int slo_parse(const char *expr, struct slo *s, struct err *e);

const char *slo_op_str(enum slo_op op);
/* "p99_ms<=200" into buf (always NUL-terminated); returns buf. */
char *slo_format(const struct slo *s, char *buf, size_t n);

/* Whether value meets the SLO; NaN never does. */
int slo_holds(const struct slo *s, double value);

/*
 * Mean and half-width of the two-sided 95 % confidence interval of the mean
 * of x[0..n), Student t with n-1 degrees of freedom (GSL). NaN entries are
 * skipped (a run without the metric, e.g. no requests). Returns the number
 * of values used; with none, mean is NaN; with one, half is 0. O(n).
 */
int slo_ci95(const double *x, int n, double *mean, double *half);

/* The interval's end that could break the SLO: mean + half for <= and <,
 * mean - half for >= and >. */
double slo_pessimistic(const struct slo *s, double mean, double half);

/*
 * Whether the SLO holds on replications x[0..n): slo_holds on the
 * pessimistic bound of slo_ci95. *bound (may be NULL) gets that bound.
 */
int slo_holds_ci(const struct slo *s, const double *x, int n, double *bound);

#endif
