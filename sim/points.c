/*
 * points.c -- runs grouped into parameter points; see points.h.
 */
#include "points.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "scenario.h"
#include "slo.h"
#include "stats.h"
#include "sweep.h"

/*
 * Runs in point order: scenarios in the order they first appear, then the
 * sweep's point number, then the point's first run (points of different
 * sweeps, or single runs, with the same number); runs by run_id.
 */
static const char load_head[] =
	"SELECT g.first, r.run_id, r.seed, f.point, r.scenario, r.scenario_sha256, r.params";
static const char load_tail[] =
	" FROM runs r LEFT JOIN summary s ON s.run_id = r.run_id"
	" JOIN (SELECT scenario_sha256 AS sha, params AS p, min(run_id) AS first"
	"       FROM runs GROUP BY scenario_sha256, params) g"
	" ON g.sha = r.scenario_sha256 AND g.p = r.params"
	" JOIN runs f ON f.run_id = g.first"
	" JOIN (SELECT scenario AS name, min(run_id) AS first FROM runs GROUP BY scenario) h"
	" ON h.name = f.scenario"
	" ORDER BY h.first, f.point, g.first, r.run_id";
#define LOAD_NHEAD 7

static char *load_sql(const struct points *p)
{
	size_t len = sizeof(load_head) + sizeof(load_tail);
	char *sql, *end;

	for (size_t m = 0; m < p->nmetrics; m++)
		len += strlen(p->metrics[m].column) + 4;
	sql = xmalloc(len);
	end = sql + sprintf(sql, "%s", load_head);
	for (size_t m = 0; m < p->nmetrics; m++)
		end += sprintf(end, ", s.%s", p->metrics[m].column);
	strcpy(end, load_tail);
	return sql;
}

static const char *text_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

/* Appends one row; starts a point when its first run_id changes. */
static void add_row(struct points *p, sqlite3_stmt *st, size_t *cap, size_t *cap_pt,
		    int64_t *cur)
{
	size_t r = p->nrows;

	if (r >= *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		double *nv = xcalloc(nc * p->nmetrics, sizeof(*nv));

		for (size_t m = 0; r && m < p->nmetrics; m++)
			memcpy(nv + m * nc, p->val + m * *cap, r * sizeof(*nv));
		free(p->val);
		p->val = nv;
		p->run_id = xrealloc(p->run_id, nc * sizeof(*p->run_id));
		p->seed = xrealloc(p->seed, nc * sizeof(*p->seed));
		*cap = nc;
	}
	if (sqlite3_column_int64(st, 0) != *cur) {
		struct point *pt;

		GROW(p->pt, p->n, *cap_pt);
		pt = &p->pt[p->n++];
		*cur = sqlite3_column_int64(st, 0);
		pt->point = sqlite3_column_int64(st, 3);
		pt->scenario = arena_strdup(&p->arena, text_col(st, 4));
		pt->sha256 = arena_strdup(&p->arena, text_col(st, 5));
		pt->params = arena_strdup(&p->arena, text_col(st, 6));
		pt->first = r;
		pt->n = 0;
	}
	p->pt[p->n - 1].n++;
	p->run_id[r] = sqlite3_column_int64(st, 1);
	p->seed[r] = (uint64_t)sqlite3_column_int64(st, 2);
	for (size_t m = 0; m < p->nmetrics; m++) {
		int c = LOAD_NHEAD + (int)m;
		p->val[m * *cap + r] = sqlite3_column_type(st, c) == SQLITE_NULL
					       ? NAN
					       : sqlite3_column_double(st, c);
	}
	p->nrows++;
}

/* val was laid out with stride cap; make it stride nrows. */
static void compact(struct points *p, size_t cap)
{
	if (cap == p->nrows || !p->nrows)
		return;
	for (size_t m = 1; m < p->nmetrics; m++)
		memmove(p->val + m * p->nrows, p->val + m * cap, p->nrows * sizeof(*p->val));
}

int points_load(struct points *p, struct store *st, struct err *e)
{
	size_t cap = 0, cap_pt = 0;
	int64_t cur = -1;
	sqlite3_stmt *q;
	char *sql;
	int rc;

	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	p->metrics = slo_metrics(&p->nmetrics);
	sql = load_sql(p);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return err_set(e, ERR_RUN, "%s: cannot read runs: %s", st->path,
			       sqlite3_errmsg(st->db));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		add_row(p, q, &cap, &cap_pt, &cur);
	sqlite3_finalize(q);
	compact(p, cap);
	if (rc != SQLITE_DONE) {
		err_set(e, ERR_RUN, "%s: cannot read runs: %s", st->path, sqlite3_errmsg(st->db));
		points_release(p);
		return ERR_RUN;
	}
	return 0;
}

void points_release(struct points *p)
{
	free(p->run_id);
	free(p->seed);
	free(p->val);
	free(p->pt);
	arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

int points_metric(const struct points *p, const char *name)
{
	const struct slo_metric *m = slo_metric_find(name);
	return m ? (int)(m - p->metrics) : -1;
}

const double *points_values(const struct points *p, size_t i, int m)
{
	return p->val + (size_t)m * p->nrows + p->pt[i].first;
}

/* ---- selectors ------------------------------------------------------------ */

/* s without blanks outside JSON strings, malloc'ed. */
static char *squeeze_json(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	int in_str = 0;

	for (; *s; s++) {
		if (in_str) {
			*o++ = *s;
			if (*s == '\\' && s[1])
				*o++ = *++s;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == '"') {
			in_str = 1;
			*o++ = *s;
		} else if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

/* Whether params holds the member `"path":value` (frag, without braces). */
static int has_member(const char *params, const char *frag)
{
	size_t n = strlen(frag);

	for (const char *q = strstr(params, frag); q; q = strstr(q + 1, frag))
		if (q > params && (q[-1] == '{' || q[-1] == ',') && (q[n] == ',' || q[n] == '}'))
			return 1;
	return 0;
}

/* Splits "a=1,b=[x,y]" at the commas outside brackets, braces and quotes. */
static size_t next_pair(const char *s)
{
	int depth = 0, quote = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		char c = s[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		} else if (c == ',' && depth == 0) {
			break;
		}
	}
	return i;
}

/* The members `"path":value` a path=value selector asks for. */
static int selector_members(const char *sel, const char *what, char ***frags, size_t *n,
			    struct err *e)
{
	const char *s = sel;

	*frags = NULL;
	*n = 0;
	while (*s) {
		size_t len = next_pair(s), cap = *n;
		char *pair = xstrndup(s, len), *json;
		struct override o;

		if (override_parse(pair, &o, e)) {
			free(pair);
			return err_set(e, ERR_INPUT,
				       "%s: expected a point number, a params JSON object or "
				       "path=value[,path=value...], got \"%s\"",
				       what, sel);
		}
		json = overrides_json(&o, 1);
		free(pair);
		/* {"path":value} -> "path":value */
		json[strlen(json) - 1] = '\0';
		memmove(json, json + 1, strlen(json));
		GROW(*frags, *n, cap);
		(*frags)[(*n)++] = json;
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Whether point i matches the selector (one of its three forms). */
static int matches(const struct points *p, size_t i, int form, long long num, const char *json,
		   char **frags, size_t nfrags)
{
	const struct point *pt = &p->pt[i];

	if (form == 0)
		return pt->point == num;
	if (form == 1) {
		char *q = squeeze_json(pt->params);
		int eq = !strcmp(q, json);
		free(q);
		return eq;
	}
	for (size_t k = 0; k < nfrags; k++)
		if (!has_member(pt->params, frags[k]))
			return 0;
	return 1;
}

static int select_fail(const struct points *p, const char *sel, const char *what,
		       const size_t *hit, size_t nhit, struct err *e)
{
	size_t len;

	if (nhit == 0)
		return err_set(e, ERR_INPUT,
			       "%s: no point matches \"%s\" (%zu points in the database; "
			       "`clustersim report DB --by-point` lists them)",
			       what, sel, p->n);
	len = (size_t)snprintf(e->msg, sizeof(e->msg),
			       "%s: \"%s\" matches %zu points; add path=value pairs to tell them "
			       "apart:",
			       what, sel, nhit);
	for (size_t k = 0; k < nhit && k < 4 && len < sizeof(e->msg); k++)
		len += (size_t)snprintf(e->msg + len, sizeof(e->msg) - len, " %s %s%s",
					p->pt[hit[k]].scenario, p->pt[hit[k]].params,
					k + 1 < nhit ? ";" : "");
	if (nhit > 4 && len < sizeof(e->msg))
		snprintf(e->msg + len, sizeof(e->msg) - len, " ...");
	e->code = ERR_INPUT;
	return ERR_INPUT;
}

int points_select(const struct points *p, const char *sel, const char *what, size_t *index,
		  struct err *e)
{
	char **frags = NULL, *json = NULL;
	size_t nfrags = 0, nhit = 0, *hit = xcalloc(p->n + 1, sizeof(*hit));
	long long num = 0;
	int form, rc = 0;

	if (is_number(sel)) {
		form = 0;
		errno = 0;
		num = strtoll(sel, NULL, 10);
	} else if (sel[0] == '{') {
		form = 1;
		json = squeeze_json(sel);
	} else {
		form = 2;
		rc = selector_members(sel, what, &frags, &nfrags, e);
	}
	for (size_t i = 0; !rc && i < p->n; i++)
		if (matches(p, i, form, num, json, frags, nfrags))
			hit[nhit++] = i;
	if (!rc && nhit != 1)
		rc = select_fail(p, sel, what, hit, nhit, e);
	if (!rc)
		*index = hit[0];
	for (size_t k = 0; k < nfrags; k++)
		free(frags[k]);
	free(frags);
	free(json);
	free(hit);
	return rc;
}

/* ---- the grouped report --------------------------------------------------- */

/* The fewest significant digits that read back as the same double. */
static void fmt_real(char *buf, size_t n, double v)
{
	for (int prec = 15; prec < 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, n, "%.17g", v);
}

static void put_text(FILE *out, const char *s, enum report_format fmt)
{
	if (fmt == REPORT_CSV && !strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (fmt == REPORT_CSV) {
			if (c == '"')
				fputc('"', out);
			fputc(c, out);
		} else if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
		} else if (c < 0x20) {
			fprintf(out, "\\u%04x", c);
		} else {
			fputc(c, out);
		}
	}
	fputc('"', out);
}

/* A real: NAN (no value, no estimate) is an empty CSV field, JSON null. */
static void put_real(FILE *out, double v, enum report_format fmt)
{
	char buf[40];

	if (!isfinite(v)) {
		if (fmt == REPORT_JSON)
			fputs("null", out);
		return;
	}
	fmt_real(buf, sizeof(buf), v);
	fputs(buf, out);
}

static void put_key(FILE *out, const char *key, const char *suffix, int *ncol,
		    enum report_format fmt)
{
	if ((*ncol)++)
		fputc(',', out);
	if (fmt == REPORT_JSON)
		fprintf(out, "\"%s%s\":", key, suffix);
}

/* An estimate of metric m at point i over its non-missing values. */
static void estimate(const struct points *p, size_t i, int m, struct stats_est *est)
{
	const double *x = points_values(p, i, m);
	struct stats_acc a;

	stats_acc_init(&a);
	for (size_t k = 0; k < p->pt[i].n; k++)
		if (!isnan(x[k]))
			stats_acc_add(&a, x[k]);
	stats_acc_est(&a, est);
}

static void data_header(const struct points *p, FILE *out)
{
	fputs("point,scenario,scenario_sha256,params,n", out);
	for (size_t m = 0; m < p->nmetrics; m++)
		fprintf(out, ",%s_mean,%s_ci95", p->metrics[m].column, p->metrics[m].column);
	fputc('\n', out);
}

static void data_row(const struct points *p, size_t i, FILE *out, enum report_format fmt)
{
	const struct point *pt = &p->pt[i];
	int ncol = 0;

	put_key(out, "point", "", &ncol, fmt);
	fprintf(out, "%" PRId64, pt->point);
	put_key(out, "scenario", "", &ncol, fmt);
	put_text(out, pt->scenario, fmt);
	put_key(out, "scenario_sha256", "", &ncol, fmt);
	put_text(out, pt->sha256, fmt);
	put_key(out, "params", "", &ncol, fmt);
	put_text(out, pt->params, fmt);
	put_key(out, "n", "", &ncol, fmt);
	fprintf(out, "%zu", pt->n);
	for (size_t m = 0; m < p->nmetrics; m++) {
		struct stats_est est;

		estimate(p, i, (int)m, &est);
		put_key(out, p->metrics[m].column, "_mean", &ncol, fmt);
		put_real(out, est.mean, fmt);
		put_key(out, p->metrics[m].column, "_ci95", &ncol, fmt);
		put_real(out, est.half95, fmt);
	}
}

/* The text table: metric name, printf precision. */
static const struct {
	const char *metric, *head;
	int prec;
} text_metrics[] = {
	{ "cost_per_month_usd", "cost/month", 3 },
	{ "p50_ms", "p50_ms", 2 },
	{ "p99_ms", "p99_ms", 2 },
	{ "error_rate", "error_rate", 5 },
	{ "oom_kills", "oom_kills", 1 },
};

static char *cell_est(const struct stats_est *est, int prec)
{
	if (isnan(est->mean))
		return xstrdup("-");
	if (isnan(est->half95))
		return xasprintf("%.*f", prec, est->mean);
	return xasprintf("%.*f +- %.*f", prec, est->mean, prec, est->half95);
}

static void report_text(const struct points *p, FILE *out)
{
	enum { NFIX = 3, NCOL = NFIX + (int)ARRAY_LEN(text_metrics) };
	size_t nrow = p->n + 1, w[NCOL] = { 0 };
	char **cell = xcalloc(nrow * NCOL, sizeof(*cell));
	static const char *const fixed[NFIX] = { "point", "n", "params" };

	for (int c = 0; c < NCOL; c++)
		cell[c] = xstrdup(c < NFIX ? fixed[c] : text_metrics[c - NFIX].head);
	for (size_t i = 0; i < p->n; i++) {
		char **row = cell + (i + 1) * NCOL;
		row[0] = xasprintf("%" PRId64, p->pt[i].point);
		row[1] = xasprintf("%zu", p->pt[i].n);
		row[2] = xasprintf("%s %s", p->pt[i].scenario, p->pt[i].params);
		for (size_t k = 0; k < ARRAY_LEN(text_metrics); k++) {
			struct stats_est est;
			estimate(p, i, points_metric(p, text_metrics[k].metric), &est);
			row[NFIX + k] = cell_est(&est, text_metrics[k].prec);
		}
	}
	for (size_t i = 0; i < nrow * NCOL; i++)
		if (strlen(cell[i]) > w[i % NCOL])
			w[i % NCOL] = strlen(cell[i]);
	fputs("by point: mean +- 95 % confidence half-width over replications (Student t)\n", out);
	for (size_t i = 0; i < nrow; i++)
		for (int c = 0; c < NCOL; c++) {
			const char *s = cell[i * NCOL + c];
			if (c == 2)
				fprintf(out, "%-*s", (int)w[c], s);
			else
				fprintf(out, "%*s", (int)w[c], s);
			fputs(c == NCOL - 1 ? "\n" : "  ", out);
		}
	for (size_t i = 0; i < nrow * NCOL; i++)
		free(cell[i]);
	free(cell);
}

int points_report(const struct points *p, enum report_format fmt, FILE *out, struct err *e)
{
	if (fmt == REPORT_TEXT) {
		report_text(p, out);
	} else if (fmt == REPORT_CSV) {
		data_header(p, out);
		for (size_t i = 0; i < p->n; i++) {
			data_row(p, i, out, fmt);
			fputc('\n', out);
		}
	} else {
		fputc('[', out);
		for (size_t i = 0; i < p->n; i++) {
			fputs(i ? ",\n{" : "\n{", out);
			data_row(p, i, out, fmt);
			fputc('}', out);
		}
		fputs(p->n ? "\n]\n" : "]\n", out);
	}
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, ERR_RUN, "cannot write the report: %s", strerror(errno));
	return 0;
}
