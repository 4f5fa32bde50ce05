/*
 * report.c -- store_report: the runs of a results database as text, CSV or
 * JSON (see store.h).
 *
 * Text is for people: one aligned row per run with the columns that decide
 * a purchase (cost, errors, latency percentiles, OOM kills, nodes), and,
 * when some parameter point was replicated (runs sharing scenario_sha256
 * and params), a second table per point with the mean and 95 % confidence
 * half-width (Student t, n - 1 degrees of freedom; stats.h) of monthly
 * cost, p99 latency and error rate. A missing value prints as "-" and is
 * left out of a point's mean.
 *
 * CSV and JSON are for programs: every column of runs and summary (run_id
 * once), so columns added to the schema later appear without code changes.
 * SQL NULL is an empty CSV field and JSON null; reals print with the fewest
 * digits that read back to the same double. params stays a JSON string
 * (as stored), so the output is valid whatever the column holds.
 *
 * Cost: one query over runs joined with summary, O(runs); the text format
 * keeps the table in memory to align it.
 */
#include "store.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "stats.h"

/* An aligned text table: cells are kept until the widths are known. */
struct tbl {
	int ncols;
	const char *align; /* per column: 'l' or 'r' */
	char **cells;      /* row-major, arena strings */
	size_t n, cap;
	struct arena arena;
};

static void tbl_init(struct tbl *t, int ncols, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->align = align;
	arena_init(&t->arena);
}

static void tbl_release(struct tbl *t)
{
	free(t->cells);
	arena_release(&t->arena);
}

static void tbl_cell(struct tbl *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tbl_cell(struct tbl *t, const char *fmt, ...)
{
	va_list ap;
	char *cell;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	cell = arena_alloc(&t->arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(cell, (size_t)n + 1, fmt, ap);
	va_end(ap);
	GROW(t->cells, t->n, t->cap);
	t->cells[t->n++] = cell;
}

/* A real as %.*f or %.*g; NAN (no value, no estimate) as "-". */
static void tbl_real(struct tbl *t, char conv, int prec, double v)
{
	if (isnan(v))
		tbl_cell(t, "-");
	else if (conv == 'g')
		tbl_cell(t, "%.*g", prec, v);
	else
		tbl_cell(t, "%.*f", prec, v);
}

/* Columns separated by two spaces; no trailing blanks. */
static void tbl_print(const struct tbl *t, FILE *out)
{
	size_t *w = xcalloc((size_t)t->ncols, sizeof(*w));
	size_t i;
	int c;

	for (i = 0; i < t->n; i++) {
		size_t len = strlen(t->cells[i]);
		c = (int)(i % (size_t)t->ncols);
		if (len > w[c])
			w[c] = len;
	}
	for (i = 0; i < t->n; i++) {
		int last;

		c = (int)(i % (size_t)t->ncols);
		last = c == t->ncols - 1;
		if (t->align[c] == 'r')
			fprintf(out, "%*s", (int)w[c], t->cells[i]);
		else if (last)
			fputs(t->cells[i], out);
		else
			fprintf(out, "%-*s", (int)w[c], t->cells[i]);
		fputs(last ? "\n" : "  ", out);
	}
	free(w);
}

/* A column of the text table: header, SQL expression, how to print. */
struct tcol {
	const char *head;
	const char *expr;
	char kind; /* 'i' integer, 'u' unsigned 64-bit, 's' text, 'f' or 'g' real */
	int prec;  /* digits of a real, as in printf's %.*f or %.*g */
};

static const struct tcol text_cols[] = {
	{ "run_id", "r.run_id", 'i', 0 },
	{ "scenario", "r.scenario", 's', 0 },
	{ "seed", "r.seed", 'u', 0 },
	{ "point", "r.point", 'i', 0 },
	{ "params", "r.params", 's', 0 },
	{ "cost/month", "s.cost_per_month_usd", 'f', 3 },
	{ "requests", "s.requests", 'i', 0 },
	{ "errors", "s.errors", 'i', 0 },
	{ "error_rate", "s.error_rate", 'g', 4 },
	{ "p50_ms", "s.latency_p50_ms", 'f', 2 },
	{ "p95_ms", "s.latency_p95_ms", 'f', 2 },
	{ "p99_ms", "s.latency_p99_ms", 'f', 2 },
	{ "oom_kills", "s.oom_kills", 'i', 0 },
	{ "restarts", "s.restarts", 'i', 0 },
	{ "max_nodes", "s.max_nodes", 'i', 0 },
};

static void text_cell(struct tbl *t, sqlite3_stmt *st, int i, const struct tcol *c)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		tbl_cell(t, "-");
		return;
	}
	switch (c->kind) {
	case 'i':
		tbl_cell(t, "%lld", (long long)sqlite3_column_int64(st, i));
		break;
	case 'u':
		tbl_cell(t, "%llu", (unsigned long long)(uint64_t)sqlite3_column_int64(st, i));
		break;
	case 'f':
	case 'g':
		tbl_real(t, c->kind, c->prec, sqlite3_column_double(st, i));
		break;
	default:
		tbl_cell(t, "%s", (const char *)sqlite3_column_text(st, i));
	}
}

static int report_fail(struct store *s, struct err *e)
{
	return err_set(e, ERR_RUN, "%s: cannot read runs: %s", s->path, sqlite3_errmsg(s->db));
}

/* Prepares sql with ?1 bound to run_id. */
static int prepare_runs(struct store *s, const char *sql, int64_t run_id, sqlite3_stmt **st,
			struct err *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return report_fail(s, e);
	sqlite3_bind_int64(*st, 1, run_id);
	return 0;
}

static int step_done(struct store *s, sqlite3_stmt *st, int rc, struct err *e)
{
	if (rc != SQLITE_DONE)
		report_fail(s, e);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ERR_RUN;
}

static int report_runs_text(struct store *s, int64_t run_id, FILE *out, struct err *e)
{
	char align[ARRAY_LEN(text_cols)];
	char sql[1024] = "SELECT ";
	sqlite3_stmt *st;
	struct tbl t;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_LEN(text_cols); i++) {
		strcat(sql, i ? ", " : "");
		strcat(sql, text_cols[i].expr);
		align[i] = text_cols[i].kind == 's' ? 'l' : 'r';
	}
	strcat(sql, " FROM runs r LEFT JOIN summary s ON s.run_id = r.run_id"
		    " WHERE ?1 <= 0 OR r.run_id = ?1 ORDER BY r.run_id");
	if (prepare_runs(s, sql, run_id, &st, e))
		return ERR_RUN;
	tbl_init(&t, (int)ARRAY_LEN(text_cols), align);
	for (i = 0; i < ARRAY_LEN(text_cols); i++)
		tbl_cell(&t, "%s", text_cols[i].head);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < ARRAY_LEN(text_cols); i++)
			text_cell(&t, st, (int)i, &text_cols[i]);
	if (rc == SQLITE_DONE)
		tbl_print(&t, out);
	tbl_release(&t);
	return step_done(s, st, rc, e);
}

/* One parameter point: its label (from its first run) and statistics. */
struct point_acc {
	int64_t first; /* run_id of the point's first run */
	int64_t point;
	char *scenario, *params;
	size_t n;
	struct stats_acc cost, p99, error_rate;
};

static void point_start(struct point_acc *p, sqlite3_stmt *st)
{
	free(p->scenario);
	free(p->params);
	p->first = sqlite3_column_int64(st, 0);
	p->scenario = xstrdup((const char *)sqlite3_column_text(st, 1));
	p->point = sqlite3_column_int64(st, 2);
	p->params = xstrdup((const char *)sqlite3_column_text(st, 3));
	p->n = 0;
	stats_acc_init(&p->cost);
	stats_acc_init(&p->p99);
	stats_acc_init(&p->error_rate);
}

static void acc_value(struct stats_acc *a, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) != SQLITE_NULL)
		stats_acc_add(a, sqlite3_column_double(st, i));
}

/* Mean and half-width cells; "-" where there is no estimate. */
static void est_cells(struct tbl *t, const struct stats_acc *a, char conv, int prec)
{
	struct stats_est est;

	stats_acc_est(a, &est);
	tbl_real(t, conv, prec, est.mean);
	tbl_real(t, conv, prec, est.half95);
}

static void point_row(struct tbl *t, const struct point_acc *p)
{
	tbl_cell(t, "%lld", (long long)p->point);
	tbl_cell(t, "%s", p->scenario);
	tbl_cell(t, "%s", p->params);
	tbl_cell(t, "%zu", p->n);
	est_cells(t, &p->cost, 'f', 3);
	est_cells(t, &p->p99, 'f', 2);
	est_cells(t, &p->error_rate, 'g', 4);
}

/* Whether any point (scenario_sha256, params) has more than one run. */
static int has_replications(struct store *s, int *yes, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare_runs(s,
			 "SELECT 1 FROM runs GROUP BY scenario_sha256, params"
			 " HAVING count(*) > 1 LIMIT 1",
			 0, &st, e))
		return ERR_RUN;
	rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW;
	return step_done(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, e);
}

/* Runs grouped by point, points in the order of their first run. */
static const char point_sql[] =
	"SELECT g.first, r.scenario, r.point, r.params,"
	" s.cost_per_month_usd, s.latency_p99_ms, s.error_rate"
	" FROM runs r LEFT JOIN summary s ON s.run_id = r.run_id"
	" JOIN (SELECT scenario_sha256 AS sha, params AS p, min(run_id) AS first"
	"       FROM runs GROUP BY scenario_sha256, params) g"
	" ON g.sha = r.scenario_sha256 AND g.p = r.params"
	" ORDER BY g.first, r.run_id";

static int report_points_text(struct store *s, FILE *out, struct err *e)
{
	static const char *const head[] = { "point", "scenario", "params", "n",
					    "cost/month", "+-95%", "p99_ms", "+-95%",
					    "error_rate", "+-95%" };
	struct point_acc p = { .first = -1 };
	sqlite3_stmt *st;
	struct tbl t;
	size_t i;
	int rc;

	if (prepare_runs(s, point_sql, 0, &st, e))
		return ERR_RUN;
	tbl_init(&t, (int)ARRAY_LEN(head), "rllrrrrrrr");
	for (i = 0; i < ARRAY_LEN(head); i++)
		tbl_cell(&t, "%s", head[i]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != p.first) {
			if (p.first >= 0)
				point_row(&t, &p);
			point_start(&p, st);
		}
		p.n++;
		acc_value(&p.cost, st, 4);
		acc_value(&p.p99, st, 5);
		acc_value(&p.error_rate, st, 6);
	}
	if (rc == SQLITE_DONE) {
		if (p.first >= 0)
			point_row(&t, &p);
		fputs("\nby point: mean and 95 % confidence half-width over replications"
		      " (Student t)\n",
		      out);
		tbl_print(&t, out);
	}
	free(p.scenario);
	free(p.params);
	tbl_release(&t);
	return step_done(s, st, rc, e);
}

/* The fewest significant digits that read back as the same double. */
static void fmt_real(char *buf, size_t n, double v)
{
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, n, "%.17g", v);
}

/* RFC 4180: quote a field holding a comma, quote or line break. */
static void csv_text(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void json_text(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (c < 0x20)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

/* One value in CSV or JSON form. */
static void data_value(FILE *out, sqlite3_stmt *st, int i, enum report_format fmt)
{
	char buf[40];

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		if (fmt == REPORT_JSON)
			fputs("null", out);
		break;
	case SQLITE_INTEGER:
		fprintf(out, "%lld", (long long)sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT: {
		double v = sqlite3_column_double(st, i);

		if (fmt == REPORT_JSON && !isfinite(v)) {
			fputs("null", out); /* JSON has no inf or nan */
			break;
		}
		fmt_real(buf, sizeof(buf), v);
		fputs(buf, out);
		break;
	}
	default:
		if (fmt == REPORT_JSON)
			json_text(out, (const char *)sqlite3_column_text(st, i));
		else
			csv_text(out, (const char *)sqlite3_column_text(st, i));
	}
}

/* Whether column i repeats run_id (summary's, after runs'). */
static int dup_column(sqlite3_stmt *st, int i)
{
	return i > 0 && strcmp(sqlite3_column_name(st, i), "run_id") == 0;
}

static int report_data(struct store *s, int64_t run_id, enum report_format fmt, FILE *out,
		       struct err *e)
{
	sqlite3_stmt *st;
	int i, ncols, rc, nrows = 0;

	if (prepare_runs(s,
			 "SELECT r.*, s.* FROM runs r LEFT JOIN summary s ON s.run_id = r.run_id"
			 " WHERE ?1 <= 0 OR r.run_id = ?1 ORDER BY r.run_id",
			 run_id, &st, e))
		return ERR_RUN;
	ncols = sqlite3_column_count(st);
	if (fmt == REPORT_CSV) {
		for (i = 0; i < ncols; i++)
			if (!dup_column(st, i))
				fprintf(out, "%s%s", i ? "," : "", sqlite3_column_name(st, i));
		fputc('\n', out);
	} else {
		fputc('[', out);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = 0;

		if (fmt == REPORT_JSON)
			fputs(nrows++ ? ",\n{" : "\n{", out);
		for (i = 0; i < ncols; i++) {
			if (dup_column(st, i))
				continue;
			if (n++)
				fputc(',', out);
			if (fmt == REPORT_JSON) {
				json_text(out, sqlite3_column_name(st, i));
				fputc(':', out);
			}
			data_value(out, st, i, fmt);
		}
		fputs(fmt == REPORT_JSON ? "}" : "\n", out);
	}
	if (fmt == REPORT_JSON)
		fputs(nrows ? "\n]\n" : "]\n", out);
	return step_done(s, st, rc, e);
}

static int check_run(struct store *s, int64_t run_id, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare_runs(s, "SELECT 1 FROM runs WHERE run_id = ?1", run_id, &st, e))
		return ERR_RUN;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return err_set(e, ERR_INPUT, "%s: no run with run_id %lld", s->path,
			       (long long)run_id);
	return report_fail(s, e);
}

int store_report(struct store *s, int64_t run_id, enum report_format fmt, void *out_file,
		 struct err *e)
{
	FILE *out = out_file;
	int rc, points = 0;

	if (run_id > 0 && (rc = check_run(s, run_id, e)) != 0)
		return rc;
	if (fmt != REPORT_TEXT) {
		rc = report_data(s, run_id, fmt, out, e);
	} else {
		rc = report_runs_text(s, run_id, out, e);
		if (!rc && run_id <= 0)
			rc = has_replications(s, &points, e);
		if (!rc && points)
			rc = report_points_text(s, out, e);
	}
	if (!rc && (fflush(out) != 0 || ferror(out)))
		rc = err_set(e, ERR_RUN, "%s: cannot write the report: %s", s->path,
			     strerror(errno));
	return rc;
}
