/*
 * plot_html.c -- the review page of `clustersim plot --all`; see
 * plot_html.h. Plain HTML 5 with an inline style sheet and no script:
 * it opens from a file:// URL, a zip or a static server alike, and prints.
 * Runs' chart sections are <details> blocks so a sweep of many runs stays
 * one short page; the first run's is open.
 */
#include "plot_html.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "plot_sql.h"

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;"
	"max-width:1320px;padding:0 1em;color:#222;line-height:1.4}\n"
	"h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}\n"
	".meta{color:#555}code{font-size:.9em;background:#f4f4f4;padding:0 .25em}\n"
	"table{border-collapse:collapse;margin:.5em 0;font-size:.9em}\n"
	"th,td{padding:.25em .6em;border-bottom:1px solid #e4e4e4;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}td.p{white-space:nowrap}\n"
	"tr.best td{background:#e6f4ea;font-weight:600}\n"
	".verdict{padding:.6em 1em;border-left:4px solid #2ca02c;background:#f3faf4}\n"
	".verdict.fail{border-color:#d62728;background:#fdf3f3}\n"
	"figure{margin:1em 0 2em}figure img{max-width:100%;height:auto;border:1px solid #ddd}\n"
	"figcaption{color:#444;margin-top:.3em}\n"
	"details{margin:1em 0}summary{font-size:1.2em;font-weight:600;cursor:pointer}\n";

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* A number cell: fixed decimals, "–" for NaN (SQL NULL). */
static void num_cell(FILE *f, double x, int decimals)
{
	if (isnan(x))
		fputs("<td class=n>&ndash;</td>", f);
	else
		fprintf(f, "<td class=n>%.*f</td>", decimals, x);
}

/* mean ± half-width, or the mean alone for one replication. */
static void ci_cell(FILE *f, double mean, double half, int decimals)
{
	if (isnan(mean))
		fputs("<td class=n>&ndash;</td>", f);
	else if (half > 0)
		fprintf(f, "<td class=n>%.*f &plusmn; %.*f</td>", decimals, mean, decimals, half);
	else
		fprintf(f, "<td class=n>%.*f</td>", decimals, mean);
}

static int scenarios(FILE *f, sqlite3 *db, struct err *e)
{
	sqlite3_stmt *st;
	int rc = plot_sql_prepare(db,
				  "SELECT scenario, scenario_sha256, COUNT(*), MIN(created_at), "
				  "MAX(created_at), MAX(version) FROM runs "
				  "GROUP BY scenario, scenario_sha256 ORDER BY MIN(run_id)",
				  &st, e);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fputs("<p class=meta>scenario <strong>", f);
		esc(f, plot_sql_text(st, 0));
		fputs("</strong>, sha256 <code>", f);
		esc(f, plot_sql_text(st, 1));
		fprintf(f, "</code>: %d run%s from ", sqlite3_column_int(st, 2),
			sqlite3_column_int(st, 2) == 1 ? "" : "s");
		esc(f, plot_sql_text(st, 3));
		fputs(" to ", f);
		esc(f, plot_sql_text(st, 4));
		fputs(", clustersim ", f);
		esc(f, plot_sql_text(st, 5));
		fputs("</p>\n", f);
	}
	return plot_sql_done(db, st, rc, e);
}

/* Every run's summary; folded away under the per-point table of a sweep. */
static int runs_table(FILE *f, sqlite3 *db, int folded, struct err *e)
{
	static const char *const head[] = {
		"run", "point", "seed", "parameters", "simulated h", "USD/month", "node-h",
		"requests", "errors %", "p50 ms", "p95 ms", "p99 ms", "OOM kills", "evictions",
		"restarts", "max nodes", "max pending", "credits out s",
	};
	sqlite3_stmt *st;
	int rc = plot_sql_prepare(
		db,
		"SELECT r.run_id, r.point, r.seed, r.params, r.sim_seconds / 3600.0, "
		"s.cost_per_month_usd, s.node_hours, s.requests, 100.0 * s.error_rate, "
		"s.latency_p50_ms, s.latency_p95_ms, s.latency_p99_ms, s.oom_kills, s.evictions, "
		"s.restarts, s.max_nodes, s.max_pending_pods, s.credits_exhausted_seconds "
		"FROM runs r LEFT JOIN summary s ON s.run_id = r.run_id ORDER BY r.run_id",
		&st, e);
	/* Decimals per column from 4 on; -1: an integer count. */
	static const int dec[] = {1, 2, 1, -1, 3, 1, 1, 1, -1, -1, -1, -1, -1, 0};

	if (rc)
		return rc;
	fputs(folded ? "<details><summary>All runs</summary>\n<table>\n<tr>"
		     : "<h2>Runs</h2>\n<table>\n<tr>",
	      f);
	for (size_t i = 0; i < ARRAY_LEN(head); i++)
		fprintf(f, "<th>%s</th>", head[i]);
	fputs("</tr>\n", f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *label = plot_params_label(plot_sql_text(st, 3));
		fprintf(f, "<tr><td class=n>%" PRId64 "</td><td class=n>%d</td><td class=n>%" PRId64
			   "</td><td class=p>",
			(int64_t)sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
			(int64_t)sqlite3_column_int64(st, 2));
		esc(f, label);
		fputs("</td>", f);
		free(label);
		for (int i = 4; i < (int)ARRAY_LEN(head); i++)
			num_cell(f, plot_sql_num(st, i), dec[i - 4] < 0 ? 0 : dec[i - 4]);
		fputs("</tr>\n", f);
	}
	fputs(folded ? "</table>\n</details>\n" : "</table>\n", f);
	return plot_sql_done(db, st, rc, e);
}

static void slo_list(FILE *f, const struct plot_opts *o)
{
	for (int i = 0; i < o->nslo; i++) {
		char buf[96];
		fputs(i ? ", <code>" : "<code>", f);
		esc(f, slo_format(&o->slos[i], buf, sizeof(buf)));
		fputs("</code>", f);
	}
}

/* The SLOs a point misses, judged on the pessimistic end of its interval. */
static void slo_misses(FILE *f, const struct plot_opts *o, const struct plot_point *p)
{
	int first = 1;
	for (int i = 0; i < o->nslo; i++) {
		size_t m = plot_metric_index(o->slos[i].metric->name);
		double b = slo_pessimistic(&o->slos[i], p->mean[m], p->half[m]);
		char buf[96];
		if (slo_holds(&o->slos[i], b))
			continue;
		fputs(first ? "&#10007; " : ", ", f);
		first = 0;
		esc(f, slo_format(&o->slos[i], buf, sizeof(buf)));
		fprintf(f, " (%.4g)", b);
	}
	if (first)
		fputs("&#10003;", f);
}

static void verdict(FILE *f, const struct plot_opts *o, const struct plot_points *pp)
{
	size_t cost = plot_metric_index("cost_per_month_usd"), p99 = plot_metric_index("p99_ms");
	const struct plot_point *b = pp->best >= 0 ? &pp->p[pp->best] : NULL;

	if (o->nslo == 0 || pp->n == 0)
		return;
	fprintf(f, "<div class=\"verdict%s\"><p>SLOs: ", b ? "" : " fail");
	slo_list(f, o);
	fputs(", each judged on the end of the 95 % confidence interval of the mean over "
	      "replications that could break it (Student t).</p>\n<p>",
	      f);
	if (!b) {
		fprintf(f, "<strong>No %s meets every SLO.</strong>",
			pp->n > 1 ? "parameter point" : "run");
	} else {
		fputs(pp->n > 1 ? "<strong>Cheapest point meeting every SLO: "
				: "<strong>Meets every SLO: ",
		      f);
		esc(f, b->label);
		fprintf(f, "</strong> &mdash; %.2f USD/month", b->mean[cost]);
		if (b->half[cost] > 0)
			fprintf(f, " &plusmn; %.2f", b->half[cost]);
		fprintf(f, ", p99 %.1f ms", b->mean[p99]);
		if (b->half[p99] > 0)
			fprintf(f, " &plusmn; %.1f", b->half[p99]);
		fprintf(f, " over %d run%s.", b->nruns, b->nruns == 1 ? "" : "s");
	}
	fputs("</p></div>\n", f);
}

static void points_table(FILE *f, const struct plot_opts *o, const struct plot_points *pp)
{
	size_t cost = plot_metric_index("cost_per_month_usd"), p50 = plot_metric_index("p50_ms"),
	       p95 = plot_metric_index("p95_ms"), p99 = plot_metric_index("p99_ms"),
	       err = plot_metric_index("error_rate"), oom = plot_metric_index("oom_kills");

	fputs("<h2>Parameter points</h2>\n<p>Means over replications &plusmn; the half-width "
	      "of their 95 % confidence interval (Student t).</p>\n<table>\n<tr><th>point</th>"
	      "<th>parameters</th><th>runs</th><th>USD/month</th><th>p50 ms</th><th>p95 ms</th>"
	      "<th>p99 ms</th><th>errors %</th><th>OOM kills</th><th>Pareto</th>",
	      f);
	if (o->nslo)
		fputs("<th>SLOs</th>", f);
	fputs("</tr>\n", f);
	for (size_t i = 0; i < pp->n; i++) {
		const struct plot_point *p = &pp->p[i];
		fprintf(f, "<tr%s><td class=n>%d</td><td class=p>",
			(int)i == pp->best ? " class=best" : "", p->point);
		esc(f, p->label);
		fprintf(f, "</td><td class=n>%d</td>", p->nruns);
		ci_cell(f, p->mean[cost], p->half[cost], 2);
		ci_cell(f, p->mean[p50], p->half[p50], 1);
		ci_cell(f, p->mean[p95], p->half[p95], 1);
		ci_cell(f, p->mean[p99], p->half[p99], 1);
		ci_cell(f, 100 * p->mean[err], 100 * p->half[err], 3);
		ci_cell(f, p->mean[oom], p->half[oom], 1);
		fprintf(f, "<td>%s</td>", p->pareto ? "&#9679;" : "");
		if (o->nslo) {
			fputs("<td>", f);
			slo_misses(f, o, p);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void figure(FILE *f, const struct plot_page_chart *c)
{
	fputs("<figure><img src=\"", f);
	esc(f, c->file);
	fputs("\" width=1280 height=720 loading=lazy alt=\"", f);
	esc(f, c->def->title);
	fputs("\"><figcaption>", f);
	esc(f, c->def->caption);
	fputs("</figcaption></figure>\n", f);
}

/* The heading of a run's section: its parameters and seed. */
static int run_heading(FILE *f, sqlite3 *db, int64_t run_id, int open, struct err *e)
{
	sqlite3_stmt *st;
	int rc = plot_sql_prepare(db, "SELECT params, seed, point FROM runs WHERE run_id = ?1",
				  &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	fprintf(f, "<details%s><summary>Run %" PRId64, open ? " open" : "", run_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *label = plot_params_label(plot_sql_text(st, 0));
		fputs(" &mdash; ", f);
		esc(f, label);
		fprintf(f, ", seed %" PRId64, (int64_t)sqlite3_column_int64(st, 1));
		free(label);
		rc = SQLITE_DONE;
	}
	fputs("</summary>\n", f);
	return plot_sql_done(db, st, rc, e);
}

/* The charts over all runs (cost-latency), first on the page. */
static void sweep_charts(FILE *f, const struct plot_page_chart *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].run_id == 0) {
			fputs("<h2>Cost and latency</h2>\n", f);
			figure(f, &c[i]);
		}
}

/* Each run's charts in a <details> section; the first one open. */
static int run_charts(FILE *f, sqlite3 *db, const struct plot_page_chart *c, size_t n,
		      struct err *e)
{
	int64_t run = -1;
	int rc = 0, sections = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		if (c[i].run_id == 0)
			continue;
		if (c[i].run_id != run) {
			if (sections++)
				fputs("</details>\n", f);
			else
				fputs("<h2>Runs in detail</h2>\n", f);
			run = c[i].run_id;
			rc = run_heading(f, db, run, sections == 1, e);
		}
		figure(f, &c[i]);
	}
	if (sections)
		fputs("</details>\n", f);
	return rc;
}

static int first_scenario(sqlite3 *db, char **name, struct err *e)
{
	sqlite3_stmt *st;
	int rc = plot_sql_prepare(db, "SELECT scenario FROM runs ORDER BY run_id LIMIT 1", &st, e);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	*name = xstrdup(rc == SQLITE_ROW ? plot_sql_text(st, 0) : "");
	return plot_sql_done(db, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, e);
}

int plot_html_write(sqlite3 *db, const struct plot_opts *o, const struct plot_points *pp,
		    const struct plot_page_chart *c, size_t n, const char *path, struct err *e)
{
	FILE *f = fopen(path, "w");
	char *name = NULL;
	int rc, bad;

	if (!f)
		return err_set(e, ERR_RUN, "%s: %s", path, strerror(errno));
	rc = first_scenario(db, &name, e);
	fputs("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
	      "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	esc(f, name);
	fprintf(f, " &mdash; clustersim review</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
		style);
	esc(f, name);
	fputs("</h1>\n<p class=meta>Results database <code>", f);
	esc(f, o->db);
	fputs("</code></p>\n", f);
	if (rc == 0)
		rc = scenarios(f, db, e);
	if (rc == 0) {
		verdict(f, o, pp);
		sweep_charts(f, c, n);
		if (pp->n > 1)
			points_table(f, o, pp);
		rc = runs_table(f, db, pp->n > 1, e);
	}
	if (rc == 0)
		rc = run_charts(f, db, c, n, e);
	fputs("</body>\n</html>\n", f);
	free(name);
	bad = ferror(f);
	if (fclose(f) || bad)
		rc = rc ? rc : err_set(e, ERR_RUN, "%s: cannot write the review page", path);
	return rc;
}
