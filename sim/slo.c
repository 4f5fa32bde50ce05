/*
 * slo.c -- parsing and judging service level objectives; see slo.h.
 *
 * The metrics are the summary table's columns (shared/SPEC.md "Results
 * database"), declared once below; `best`, `plot` and the review page all
 * take their names from this table.
 */
#include "slo.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

static const struct slo_metric metric_table[] = {
	{"cost_usd", "cost_usd", "USD", "cost of the simulated run"},
	{"cost_per_month_usd", "cost_per_month_usd", "USD", "cost scaled to 720 h"},
	{"node_hours", "node_hours", "h", "node-hours paid for"},
	{"requests", "requests", "", "requests sent"},
	{"errors", "errors", "", "requests failed or timed out"},
	{"error_rate", "error_rate", "", "errors / requests, a fraction"},
	{"mean_ms", "latency_mean_ms", "ms", "mean request latency"},
	{"p50_ms", "latency_p50_ms", "ms", "median request latency"},
	{"p95_ms", "latency_p95_ms", "ms", "95th percentile latency"},
	{"p99_ms", "latency_p99_ms", "ms", "99th percentile latency"},
	{"max_ms", "latency_max_ms", "ms", "largest latency"},
	{"oom_kills", "oom_kills", "", "containers OOMKilled"},
	{"evictions", "evictions", "", "pods evicted by the kubelet"},
	{"restarts", "restarts", "", "container restarts"},
	{"max_nodes", "max_nodes", "", "most nodes at once"},
	{"max_pending_pods", "max_pending_pods", "", "most pods pending at once"},
	{"pending_pod_seconds", "pending_pod_seconds", "s", "pod-seconds spent pending"},
	{"credits_exhausted_seconds", "credits_exhausted_seconds", "s",
	 "node-seconds with CPU credits exhausted"},
};

const struct slo_metric *slo_metrics(size_t *n)
{
	*n = ARRAY_LEN(metric_table);
	return metric_table;
}

const struct slo_metric *slo_metric_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(metric_table); i++)
		if (!strcmp(metric_table[i].name, name) || !strcmp(metric_table[i].column, name))
			return &metric_table[i];
	return NULL;
}

const char *slo_op_str(enum slo_op op)
{
	static const char *const str[] = {"<=", "<", ">=", ">"};
	return str[op];
}

char *slo_format(const struct slo *s, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%.10g", s->metric->name, slo_op_str(s->op), s->bound);
	return buf;
}

/* Levenshtein distance, capped at 9 (enough to rank near misses). */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[64];

	if (la >= ARRAY_LEN(row) || lb >= ARRAY_LEN(row))
		return 9;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0], best;
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] < 9 ? row[lb] : 9;
}

static int unknown_metric(const char *expr, const char *name, struct err *e)
{
	char list[512] = "", hint[96] = "";
	const struct slo_metric *near = NULL;
	int near_d = 3; /* at most 2 edits, or a prefix, count as a near miss */

	for (size_t i = 0; i < ARRAY_LEN(metric_table); i++) {
		const char *m = metric_table[i].name;
		int d = edit_distance(name, m);
		size_t used = strlen(list);

		if (strncmp(m, name, strlen(name)) == 0 && *name)
			d = 1;
		if (d < near_d) {
			near_d = d;
			near = &metric_table[i];
		}
		snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", m);
	}
	if (near)
		snprintf(hint, sizeof(hint), " (did you mean \"%s\"?)", near->name);
	return err_set(e, ERR_INPUT, "slo \"%s\": unknown metric \"%s\"%s; expected one of %s",
		       expr, name, hint, list);
}

static const char *skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

int slo_parse(const char *expr, struct slo *s, struct err *e)
{
	const char *p = skip_space(expr), *start = p;
	char name[64], *end;
	size_t len;

	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	len = (size_t)(p - start);
	if (len == 0)
		return err_set(e, ERR_INPUT,
			       "slo \"%s\": expected METRIC OP NUMBER, e.g. p99_ms<=200", expr);
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, start, len);
	name[len] = '\0';
	p = skip_space(p);
	if (p[0] == '<' && p[1] == '=')
		s->op = SLO_LE, p += 2;
	else if (p[0] == '>' && p[1] == '=')
		s->op = SLO_GE, p += 2;
	else if (p[0] == '<')
		s->op = SLO_LT, p += 1;
	else if (p[0] == '>')
		s->op = SLO_GT, p += 1;
	else
		return err_set(e, ERR_INPUT,
			       "slo \"%s\": expected an operator <=, <, >= or > after \"%s\", "
			       "got \"%s\"",
			       expr, name, p);
	s->metric = slo_metric_find(name);
	if (!s->metric)
		return unknown_metric(expr, name, e);
	p = skip_space(p);
	errno = 0;
	s->bound = strtod(p, &end);
	if (end == p || errno || !isfinite(s->bound) || *skip_space(end))
		return err_set(e, ERR_INPUT,
			       "slo \"%s\": expected a number after \"%s\", got \"%s\"", expr,
			       slo_op_str(s->op), p);
	return 0;
}

int slo_holds(const struct slo *s, double value)
{
	if (isnan(value))
		return 0;
	switch (s->op) {
	case SLO_LE:
		return value <= s->bound;
	case SLO_LT:
		return value < s->bound;
	case SLO_GE:
		return value >= s->bound;
	case SLO_GT:
		return value > s->bound;
	}
	return 0;
}

int slo_ci95(const double *x, int n, double *mean, double *half)
{
	double sum = 0, ss = 0, m;
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(x[i])) {
			sum += x[i];
			k++;
		}
	*mean = k ? sum / k : NAN;
	*half = k ? 0 : NAN;
	if (k < 2)
		return k;
	m = *mean;
	for (int i = 0; i < n; i++)
		if (!isnan(x[i]))
			ss += (x[i] - m) * (x[i] - m);
	/* Two-sided 95 %: the 0.975 quantile of Student t with k-1 d.o.f. */
	*half = gsl_cdf_tdist_Pinv(0.975, k - 1) * sqrt(ss / (k - 1)) / sqrt(k);
	return k;
}

double slo_pessimistic(const struct slo *s, double mean, double half)
{
	return (s->op == SLO_LE || s->op == SLO_LT) ? mean + half : mean - half;
}

int slo_holds_ci(const struct slo *s, const double *x, int n, double *bound)
{
	double mean, half, b;

	slo_ci95(x, n, &mean, &half);
	b = slo_pessimistic(s, mean, half);
	if (bound)
		*bound = b;
	return slo_holds(s, b);
}
