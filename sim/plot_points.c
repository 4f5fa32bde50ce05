/*
 * plot_points.c -- parameter points of a sweep: the runs grouped by what
 * was varied, their means and 95 % intervals over replications, the
 * cost/p99 Pareto front, the cheapest point meeting the SLOs, and the
 * cost-latency chart's data. See plot_data.h.
 *
 * A point is identified by (scenario, scenario_sha256, params): runs of
 * one sweep point share them whatever their seeds, shards or merge order,
 * and a plain `clustersim run` repeated with other seeds adds replications
 * to its point. Grouping is O(runs x points), fine for the thousands of
 * runs a sweep has.
 */
#include "plot_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "plot_sql.h"

size_t plot_metric_index(const char *name)
{
	size_t n;
	const struct slo_metric *m = slo_metrics(&n), *f = slo_metric_find(name);
	return f ? (size_t)(f - m) : n;
}

/* Replication values of one point: vals[run * nmetrics + metric]. */
struct acc {
	double *vals;
	size_t n, cap;
};

static size_t find_point(struct plot_points *pp, const char *scen, const char *sha,
			 const char *params)
{
	for (size_t i = 0; i < pp->n; i++)
		if (!strcmp(pp->p[i].scenario, scen) && !strcmp(pp->p[i].sha256, sha) &&
		    !strcmp(pp->p[i].params, params))
			return i;
	return pp->n;
}

static char *select_sql(void)
{
	size_t nm;
	const struct slo_metric *m = slo_metrics(&nm);
	char *cols = xstrdup(""), *sql;

	for (size_t i = 0; i < nm; i++) {
		char *c = xasprintf("%s, s.%s", cols, m[i].column);
		free(cols);
		cols = c;
	}
	sql = xasprintf("SELECT r.run_id, r.scenario, r.scenario_sha256, r.params, r.point%s "
			"FROM runs r JOIN summary s ON s.run_id = r.run_id ORDER BY r.run_id",
			cols);
	free(cols);
	return sql;
}

static int load_rows(sqlite3 *db, struct plot_points *pp, struct acc **accs, struct err *e)
{
	size_t nm, cap = 0, acap = 0;
	char *sql = select_sql();
	sqlite3_stmt *st;
	int rc;

	slo_metrics(&nm);
	rc = plot_sql_prepare(db, sql, &st, e);
	free(sql);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *scen = plot_sql_text(st, 1), *sha = plot_sql_text(st, 2);
		const char *params = plot_sql_text(st, 3);
		size_t i;
		struct acc *a;

		if (!*params)
			params = "{}"; /* NULL params: a run without overrides */
		i = find_point(pp, scen, sha, params);
		if (i == pp->n) {
			struct plot_point *p;
			GROW(pp->p, pp->n, cap);
			GROW(*accs, pp->n, acap);
			p = memset(&pp->p[pp->n], 0, sizeof(*p));
			memset(&(*accs)[pp->n], 0, sizeof(**accs));
			pp->n++;
			p->scenario = xstrdup(scen);
			p->sha256 = xstrdup(sha);
			p->params = xstrdup(params);
			p->point = sqlite3_column_int(st, 4);
			p->first_run = sqlite3_column_int64(st, 0);
		}
		pp->p[i].nruns++;
		a = &(*accs)[i];
		GROW(a->vals, a->n + nm, a->cap);
		for (size_t m = 0; m < nm; m++)
			a->vals[a->n++] = plot_sql_num(st, 5 + (int)m);
	}
	return plot_sql_done(db, st, rc, e);
}

/* Means, intervals and SLO verdicts of one point from its replications. */
static void point_stats(struct plot_point *p, const struct acc *a, const struct slo *slos,
			int nslo)
{
	size_t nm;
	double *x = xmalloc((size_t)p->nruns * sizeof(*x));

	slo_metrics(&nm);
	p->mean = xmalloc(nm * sizeof(*p->mean));
	p->half = xmalloc(nm * sizeof(*p->half));
	for (size_t m = 0; m < nm; m++) {
		for (int r = 0; r < p->nruns; r++)
			x[r] = a->vals[(size_t)r * nm + m];
		slo_ci95(x, p->nruns, &p->mean[m], &p->half[m]);
	}
	p->slo_ok = 1;
	for (int i = 0; i < nslo; i++) {
		size_t m = plot_metric_index(slos[i].metric->name);
		p->slo_ok &= slo_holds(&slos[i], slo_pessimistic(&slos[i], p->mean[m], p->half[m]));
	}
	free(x);
}

/* Cheapest mean monthly cost among points meeting every SLO; ties: lower p99. */
static int best_point(const struct plot_points *pp, int nslo)
{
	size_t cost = plot_metric_index("cost_per_month_usd"), p99 = plot_metric_index("p99_ms");
	int best = -1;

	if (nslo == 0)
		return -1;
	for (size_t i = 0; i < pp->n; i++) {
		const struct plot_point *p = &pp->p[i], *b = best >= 0 ? &pp->p[best] : NULL;
		if (!p->slo_ok || isnan(p->mean[cost]))
			continue;
		if (!b || p->mean[cost] < b->mean[cost] ||
		    (p->mean[cost] == b->mean[cost] && p->mean[p99] < b->mean[p99]))
			best = (int)i;
	}
	return best;
}

static void mark_pareto(struct plot_points *pp)
{
	size_t cost = plot_metric_index("cost_per_month_usd"), p99 = plot_metric_index("p99_ms");
	double *x = xmalloc((pp->n + 1) * sizeof(*x)), *y = xmalloc((pp->n + 1) * sizeof(*y));
	int *front = xmalloc((pp->n + 1) * sizeof(*front));

	for (size_t i = 0; i < pp->n; i++) {
		x[i] = pp->p[i].mean[cost];
		y[i] = pp->p[i].mean[p99];
	}
	plot_pareto(x, y, pp->n, front);
	for (size_t i = 0; i < pp->n; i++)
		pp->p[i].pareto = front[i];
	free(x);
	free(y);
	free(front);
}

int plot_points_load(sqlite3 *db, const struct slo *slos, int nslo, struct plot_points *pp,
		     struct err *e)
{
	struct acc *accs = NULL;
	int rc, several = 0;

	memset(pp, 0, sizeof(*pp));
	pp->best = -1;
	rc = load_rows(db, pp, &accs, e);
	for (size_t i = 0; i < pp->n; i++) {
		if (rc == 0)
			point_stats(&pp->p[i], &accs[i], slos, nslo);
		free(accs[i].vals);
		several |= strcmp(pp->p[i].scenario, pp->p[0].scenario) != 0;
	}
	free(accs);
	if (rc) {
		plot_points_release(pp);
		return rc;
	}
	for (size_t i = 0; i < pp->n; i++) {
		char *l = plot_params_label(pp->p[i].params);
		/* Points of different scenarios in one (merged) database. */
		pp->p[i].label = several ? xasprintf("%s: %s", pp->p[i].scenario, l) : xstrdup(l);
		free(l);
	}
	mark_pareto(pp);
	pp->best = best_point(pp, nslo);
	return 0;
}

void plot_points_release(struct plot_points *pp)
{
	for (size_t i = 0; i < pp->n; i++) {
		struct plot_point *p = &pp->p[i];
		free(p->scenario);
		free(p->sha256);
		free(p->params);
		free(p->label);
		free(p->mean);
		free(p->half);
	}
	free(pp->p);
	memset(pp, 0, sizeof(*pp));
	pp->best = -1;
}

/* ---- Pareto front ---- */

struct xy {
	double x, y;
	size_t i;
};

static int cmp_xy(const void *a, const void *b)
{
	const struct xy *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

/*
 * Sorted by x then y, a point is on the front when its y is below every y
 * seen before (all of which have x <= its x), or when it equals the last
 * front point exactly. A point with the same x as an earlier one but a
 * larger y is dominated by it.
 */
void plot_pareto(const double *x, const double *y, size_t n, int *front)
{
	struct xy *s = xmalloc((n + 1) * sizeof(*s));
	size_t k = 0;
	double best = INFINITY, lastx = NAN;

	for (size_t i = 0; i < n; i++) {
		front[i] = 0;
		if (!isnan(x[i]) && !isnan(y[i]))
			s[k++] = (struct xy){x[i], y[i], i};
	}
	qsort(s, k, sizeof(*s), cmp_xy);
	for (size_t j = 0; j < k; j++) {
		if (s[j].y < best) {
			best = s[j].y;
			lastx = s[j].x;
			front[s[j].i] = 1;
		} else if (s[j].y == best && s[j].x == lastx) {
			front[s[j].i] = 1;
		}
	}
	free(s);
}

/* ---- params labels ---- */

struct kv {
	char *key, *val;
	int used;
};

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* A JSON string at p (after its quote); NULL on a malformed one. */
static char *json_string(const char **pp)
{
	const char *p = *pp;
	size_t cap = 16, n = 0;
	char *s = xmalloc(cap);

	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++; /* \" and \\ keep the next character; others are rare in params */
		GROW(s, n + 1, cap);
		s[n++] = *p;
	}
	if (*p != '"') {
		free(s);
		return NULL;
	}
	s[n] = '\0';
	*pp = p + 1;
	return s;
}

/* Any other value: a number, true/false/null, or a nested [..]/{..} kept as text. */
static char *json_raw(const char **pp)
{
	const char *p = *pp, *start = p;
	int depth = 0, instr = 0;

	for (; *p; p++) {
		if (instr) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				instr = 0;
		} else if (*p == '"') {
			instr = 1;
		} else if (*p == '[' || *p == '{') {
			depth++;
		} else if (*p == ']' || *p == '}') {
			if (depth-- == 0)
				break;
		} else if (*p == ',' && depth == 0) {
			break;
		}
	}
	while (p > start && (p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t'))
		p--;
	*pp = p;
	return p > start ? xstrndup(start, (size_t)(p - start)) : NULL;
}

/* Parses a flat JSON object into kv[]; returns the count or -1. */
static int json_object(const char *json, struct kv **out)
{
	const char *p = json_ws(json);
	struct kv *kv = NULL;
	size_t n = 0, cap = 0;

	if (*p++ != '{')
		return -1;
	p = json_ws(p);
	while (*p && *p != '}') {
		char *k, *v;
		if (*p++ != '"' || !(k = json_string(&p)))
			goto bad;
		p = json_ws(p);
		if (*p++ != ':') {
			free(k);
			goto bad;
		}
		p = json_ws(p);
		v = *p == '"' ? (p++, json_string(&p)) : json_raw(&p);
		if (!v) {
			free(k);
			goto bad;
		}
		GROW(kv, n, cap);
		kv[n++] = (struct kv){k, v, 0};
		p = json_ws(p);
		if (*p == ',')
			p = json_ws(p + 1);
		else if (*p != '}')
			goto bad;
	}
	if (*p != '}')
		goto bad;
	*out = kv;
	return (int)n;
bad:
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
	return -1;
}

/* Index of the key "<prefix of key before suffix_from><suffix_to>", or -1. */
static int sibling(const struct kv *kv, int n, const char *key, const char *suffix_from,
		   const char *suffix_to)
{
	size_t lk = strlen(key), lf = strlen(suffix_from);
	if (lk < lf || strcmp(key + lk - lf, suffix_from))
		return -1;
	for (int i = 0; i < n; i++) {
		size_t li = strlen(kv[i].key), lt = strlen(suffix_to);
		if (li == lk - lf + lt && !strncmp(kv[i].key, key, lk - lf) &&
		    !strcmp(kv[i].key + lk - lf, suffix_to))
			return i;
	}
	return -1;
}

char *plot_params_label(const char *json)
{
	struct kv *kv = NULL;
	int n = json_object(json ? json : "{}", &kv);
	char *label;

	if (n < 0)
		return xstrdup(json);
	if (n == 0) {
		free(kv);
		return xstrdup("baseline");
	}
	label = xstrdup("");
	for (int i = 0; i < n; i++) {
		int c = sibling(kv, n, kv[i].key, ".instance_type", ".count");
		int t = sibling(kv, n, kv[i].key, ".count", ".instance_type");
		char *item, *next;

		if (kv[i].used)
			continue;
		/* A group's type and count go together, where the first of them is. */
		if (c >= 0) {
			item = xasprintf("%s\u00d7%s", kv[i].val, kv[c].val);
			kv[c].used = 1;
		} else if (t >= 0) {
			item = xasprintf("%s\u00d7%s", kv[t].val, kv[i].val);
			kv[t].used = 1;
		} else {
			item = xstrdup(kv[i].val);
		}
		next = xasprintf("%s%s%s", label, *label ? ", " : "", item);
		free(item);
		free(label);
		label = next;
	}
	for (int i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
	return label;
}

/* ---- the cost-latency chart ---- */

static void point_row(FILE *out, const struct plot_point *p, size_t cost, size_t p99)
{
	fprintf(out, "%d ", p->point);
	plot_put_num(out, p->mean[cost]);
	fputc(' ', out);
	plot_put_num(out, p->half[cost]);
	fputc(' ', out);
	plot_put_num(out, p->mean[p99]);
	fputc(' ', out);
	plot_put_num(out, p->half[p99]);
	fprintf(out, " %d %d %d ", p->nruns, p->pareto, p->slo_ok);
	plot_put_str(out, p->label);
	fputc('\n', out);
}

static void xy_row(FILE *out, const struct plot_point *p, size_t cost, size_t p99)
{
	plot_put_num(out, p->mean[cost]);
	fputc(' ', out);
	plot_put_num(out, p->mean[p99]);
	fputc(' ', out);
	plot_put_str(out, p->label);
	fputc('\n', out);
}

struct front_pt {
	double cost;
	const struct plot_point *p;
};

static int cmp_front(const void *a, const void *b)
{
	const struct front_pt *p = a, *q = b;
	return (p->cost > q->cost) - (p->cost < q->cost);
}

static void write_points(FILE *out, const struct plot_points *pp, struct plot_vars *v)
{
	size_t cost = plot_metric_index("cost_per_month_usd"), p99 = plot_metric_index("p99_ms");
	struct front_pt *front = xmalloc((pp->n + 1) * sizeof(*front));
	size_t nf = 0;
	int n = 0;

	fputs("# parameter points: mean over replications and the half-width of its 95 % "
	      "confidence interval (Student t); cost in USD/month, p99 in ms\n",
	      out);
	fputs("point \"parameter points\" cost_ci p99_ms p99_ci runs pareto slo_ok label\n", out);
	for (size_t i = 0; i < pp->n; i++) {
		const struct plot_point *p = &pp->p[i];
		if (isnan(p->mean[cost]) || isnan(p->mean[p99]))
			continue; /* no request completed: nothing to place */
		point_row(out, p, cost, p99);
		n++;
		if (p->pareto)
			front[nf++] = (struct front_pt){p->mean[cost], p};
	}
	qsort(front, nf, sizeof(*front), cmp_front);
	plot_block_begin(out, 1);
	fputs("# Pareto front (no other point is both cheaper and faster), by cost\n", out);
	fputs("cost_usd_month \"Pareto front\" label\n", out);
	for (size_t i = 0; i < nf; i++)
		xy_row(out, front[i].p, cost, p99);
	if (pp->best >= 0) {
		plot_block_begin(out, 2);
		fputs("# the cheapest point whose SLOs hold on the pessimistic end of the 95 % "
		      "interval\n",
		      out);
		fputs("cost_usd_month \"cheapest meeting the SLOs\" label\n", out);
		xy_row(out, &pp->p[pp->best], cost, p99);
	}
	free(front);
	v->nseries = n;
	plot_vars_num(v, "npoints", n);
	plot_vars_num(v, "has_best", pp->best >= 0);
}

int plot_data_cost_latency(const struct plot_src *src, FILE *out, struct plot_vars *v,
			   struct err *e)
{
	struct plot_points pp;
	int rc = plot_points_load(src->db, src->slos, src->nslo, &pp, e);

	if (rc)
		return rc;
	write_points(out, &pp, v);
	for (int i = 0, have_x = 0, have_y = 0; i < src->nslo; i++) {
		char buf[96];
		const char *m = src->slos[i].metric->name;
		const char *var = NULL;
		char *label;

		/* The first SLO on each axis is drawn as a line across the chart. */
		if (!strcmp(m, "p99_ms") && !have_y++)
			var = "slo_y";
		else if (!strcmp(m, "cost_per_month_usd") && !have_x++)
			var = "slo_x";
		if (!var)
			continue;
		plot_vars_num(v, var, src->slos[i].bound);
		label = xasprintf("%s_label", var);
		plot_vars_str(v, label, slo_format(&src->slos[i], buf, sizeof(buf)));
		free(label);
	}
	plot_points_release(&pp);
	return 0;
}
