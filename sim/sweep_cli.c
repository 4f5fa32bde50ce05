/*
 * sweep_cli.c -- the `sweep`, `merge`, `best` and `compare` commands
 * (sweep_cli.h): arguments, signals, progress, printing; the work is in
 * batch.c, merge.c, points.c, best.c and compare.c.
 *
 * Signals during a sweep: the first SIGINT (Ctrl-C) or SIGTERM (Slurm's
 * scancel, Kubernetes' pod deletion) stops starting runs and lets the ones
 * in flight finish and be written; a second one aborts those too (nothing
 * of them is written). Either way the sweep exits 1 and re-running the
 * same command resumes it.
 */
#include "sweep_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "best.h"
#include "compare.h"
#include "merge.h"
#include "points.h"
#include "scenario.h"
#include "slo.h"
#include "sweep.h"

#define EXIT_RUN 1
#define EXIT_USAGE 2

static int usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "clustersim: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see clustersim --help)\n", stderr);
	return EXIT_USAGE;
}

static int fail(const struct err *e)
{
	fprintf(stderr, "clustersim: %s\n", e->msg);
	return e->code == ERR_INPUT ? EXIT_USAGE : EXIT_RUN;
}

static int parse_count(const char *s, int *v)
{
	char *end;
	long x;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	x = strtol(s, &end, 10);
	if (errno || *end || x < 1 || x > 100000)
		return -1;
	*v = (int)x;
	return 0;
}

static int readable_db(const char *cmd, const char *db)
{
	if (access(db, R_OK) != 0) {
		fprintf(stderr, "clustersim: %s: %s: no such results database\n", cmd, db);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- sweep ------------------------------------------------------------------ */

static volatile sig_atomic_t stop_req, abort_req;

static void on_signal(int sig)
{
	(void)sig;
	if (stop_req)
		abort_req = 1;
	stop_req = 1;
}

static void catch_signals(struct sigaction *old_int, struct sigaction *old_term)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	stop_req = abort_req = 0;
	sigaction(SIGINT, &sa, old_int);
	sigaction(SIGTERM, &sa, old_term);
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct progress {
	double last; /* wall s of the last line */
};

/* "12/54 runs (6 skipped), 2 running, 4.2 runs/s, ETA 10 s", twice a second at most. */
static int on_progress(void *ctx, const struct batch_progress *p)
{
	struct progress *pr = ctx;
	double now = wall_now(), rate = p->elapsed > 0 ? p->done / p->elapsed : 0;
	int in = p->done + p->skipped, left = p->total - in;

	if (now - pr->last < 0.5 && in < p->total)
		return 0;
	pr->last = now;
	fprintf(stderr, "\rsweep: %d/%d runs", in, p->total);
	if (p->skipped)
		fprintf(stderr, " (%d already in the database)", p->skipped);
	fprintf(stderr, ", %d running, %.2f runs/s", p->running, rate);
	if (rate > 0 && left > 0)
		fprintf(stderr, ", ETA %.0f s", left / rate);
	fputs("\033[K", stderr);
	return 0;
}

/* results/<name of point 0's scenario>.db */
static int default_db(const struct sweep *s, char **db, struct err *e)
{
	struct override *ovr = xcalloc((size_t)s->nparams + 1, sizeof(*ovr));
	struct scenario sc;
	int rc;

	sweep_point_overrides(s, 0, ovr);
	rc = scenario_load(&sc, s->scenario_path, ovr, s->nparams, NULL, e);
	free(ovr);
	if (rc)
		return rc;
	mkdir("results", 0777);
	*db = xasprintf("results/%s.db", sc.name);
	scenario_release(&sc);
	return 0;
}

struct sweep_args {
	const char *file, *db;
	int jobs, shard_k, shard_n, quiet;
};

static int sweep_args(int argc, char **argv, struct sweep_args *a)
{
	const char *v;
	struct err e = { 0 };

	memset(a, 0, sizeof(*a));
	a->shard_n = 1;
	a->jobs = batch_default_jobs();
	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--db", NULL))) {
			if (!*v)
				return usage("sweep", "--db: expected a file");
			a->db = v;
		} else if ((v = cli_opt(argc, argv, &i, "-j", NULL)) || (v = cli_opt(argc, argv, &i, "--jobs", NULL)) ||
			   (!strncmp(argv[i], "-j", 2) && (v = argv[i] + 2))) {
			if (parse_count(v, &a->jobs))
				return usage("sweep", "-j: expected a number of runs at once (1 or "
						      "more), got \"%s\"", v);
		} else if ((v = cli_opt(argc, argv, &i, "--shard", NULL))) {
			if (batch_parse_shard(v, &a->shard_k, &a->shard_n, &e))
				return usage("sweep", "%s", e.msg);
		} else if (!strcmp(argv[i], "--quiet")) {
			a->quiet = 1;
		} else if (argv[i][0] == '-' || a->file) {
			return usage("sweep", "unexpected argument \"%s\"", argv[i]);
		} else {
			a->file = argv[i];
		}
	}
	if (!a->file)
		return usage("sweep", "expected a sweep file");
	return 0;
}

static void print_done(const struct sweep_args *a, const struct sweep *s,
		       const struct batch_progress *p, const char *db)
{
	printf("sweep %s: %d points x %d replications = %d runs", a->file, s->npoints,
	       s->replications, sweep_nruns(s));
	if (a->shard_n > 1)
		printf("; shard %d/%d: %d runs", a->shard_k, a->shard_n, p->total);
	printf("\n  %d run now (%.1f s wall, %.2f runs/s, -j %d), %d already in the database\n",
	       p->done, p->elapsed, p->elapsed > 0 ? p->done / p->elapsed : 0.0, a->jobs,
	       p->skipped);
	printf("  results     %s\n", db);
}

int sweep_cli_sweep(int argc, char **argv)
{
	struct sweep_args a;
	struct sweep s;
	struct batch_opts o = { 0 };
	struct batch_progress p = { 0 };
	struct progress pr = { 0 };
	struct sigaction old_int, old_term;
	struct err e = { 0 };
	char *db = NULL;
	int rc;

	if ((rc = sweep_args(argc, argv, &a)))
		return rc;
	if (sweep_load(&s, a.file, &e))
		return fail(&e);
	if (sweep_validate(&s, NULL, &e) || (!a.db && default_db(&s, &db, &e))) {
		sweep_release(&s);
		return fail(&e);
	}
	o.db = a.db ? a.db : db;
	o.jobs = a.jobs;
	o.shard_k = a.shard_k;
	o.shard_n = a.shard_n;
	o.stop = &stop_req;
	o.abort = &abort_req;
	if (!a.quiet && isatty(2)) {
		o.on_progress = on_progress;
		o.ctx = &pr;
	}
	catch_signals(&old_int, &old_term);
	rc = batch_exec(&s, &o, &p, &e);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (o.on_progress)
		fputs("\r\033[K", stderr);
	if (rc == 0)
		print_done(&a, &s, &p, o.db);
	else
		fail(&e);
	sweep_release(&s);
	free(db);
	return rc == 0 ? 0 : rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUN;
}

/* ---- merge ------------------------------------------------------------------ */

int sweep_cli_merge(int argc, char **argv)
{
	struct merge_stats ms;
	struct err e = { 0 };

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return usage("merge", "unexpected option \"%s\"", argv[i]);
	if (argc < 3)
		return usage("merge", "expected OUT.db and at least one IN.db");
	if (merge_dbs(argv[1], (const char *const *)argv + 2, argc - 2, &ms, &e))
		return fail(&e);
	printf("merged %" PRId64 " runs from %d databases into %s", ms.runs, argc - 2, argv[1]);
	if (ms.runs)
		printf(" (run_id %" PRId64 " to %" PRId64 ")", ms.first_id, ms.last_id);
	putchar('\n');
	return 0;
}

/* ---- points of a database --------------------------------------------------- */

static int load_points(const char *cmd, const char *db, struct points *p)
{
	struct store st;
	struct err e = { 0 };
	int rc;

	if ((rc = readable_db(cmd, db)))
		return rc;
	if (store_open(&st, db, 1, &e))
		return fail(&e);
	rc = points_load(p, &st, &e);
	store_close(&st);
	if (rc)
		return fail(&e);
	if (p->n == 0) {
		points_release(p);
		fprintf(stderr, "clustersim: %s: %s: no runs in the database\n", cmd, db);
		return EXIT_USAGE;
	}
	return 0;
}

int sweep_cli_report_points(struct store *st, enum report_format fmt)
{
	struct points p;
	struct err e = { 0 };
	int rc;

	if (points_load(&p, st, &e))
		return fail(&e);
	rc = points_report(&p, fmt, stdout, &e);
	points_release(&p);
	return rc ? fail(&e) : 0;
}

/* ---- best ------------------------------------------------------------------- */

/* One table line: the point and each SLO's bound, "!" marking a failure. */
static void best_line(const struct points *p, const struct best_row *r, const struct slo *slo,
		      int nslo, int rank, const int *w)
{
	const struct point *pt = &p->pt[r->index];
	char cost[64];

	if (isnan(r->cost_half))
		snprintf(cost, sizeof(cost), "%.3f", r->cost);
	else
		snprintf(cost, sizeof(cost), "%.3f +- %.3f", r->cost, r->cost_half);
	printf("%4d  %5" PRId64 "  %3zu  %20s", rank, pt->point, pt->n, cost);
	for (int s = 0; s < nslo; s++) {
		char b[48];
		int ok = slo_holds(&slo[s], r->bound[s]);
		snprintf(b, sizeof(b), "%.6g%s", r->bound[s], ok ? "" : "!");
		printf("  %*s", w[s], b);
	}
	printf("  %s %s\n", pt->scenario, pt->params);
}

static void best_table(const struct points *p, const struct best *b, const struct slo *slo,
		       int nslo, size_t from, size_t count)
{
	int *w = xcalloc((size_t)nslo + 1, sizeof(*w));
	char name[128];

	printf("%4s  %5s  %3s  %20s", "rank", "point", "n", "cost/month USD");
	for (int s = 0; s < nslo; s++) {
		slo_format(&slo[s], name, sizeof(name));
		w[s] = (int)strlen(name) < 12 ? 12 : (int)strlen(name);
		printf("  %*s", w[s], name);
	}
	printf("  params\n");
	for (size_t k = from; k < from + count && k < b->n; k++)
		best_line(p, &b->rows[k], slo, nslo, (int)(k + 1), w);
	free(w);
}

static void slo_list(char *buf, size_t n, const struct slo *slo, int nslo)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int s = 0; s < nslo && len < n; s++) {
		char one[128];
		len += (size_t)snprintf(buf + len, n - len, "%s%s", s ? ", " : "",
					slo_format(&slo[s], one, sizeof(one)));
	}
}

static int best_print(const struct points *p, const struct slo *slo, int nslo, int top)
{
	struct best b;
	char slos[1024];

	best_rank(&b, p, slo, nslo);
	slo_list(slos, sizeof(slos), slo, nslo);
	printf("SLOs %s, judged on the pessimistic end of each point's 95 %% confidence "
	       "interval (Student t over replications); a bound marked ! fails\n",
	       slos);
	if (b.nfeasible == 0) {
		printf("no feasible point; the cheapest %s:\n", b.n > 1 ? "ones" : "one");
		best_table(p, &b, slo, nslo, 0, (size_t)top);
		fprintf(stderr,
			"clustersim: best: no point of %zu meets %s on its 95 %% bound; add "
			"capacity to the sweep, or replications if the intervals are wide\n",
			p->n, slos);
		best_release(&b);
		return EXIT_RUN;
	}
	printf("best: %s %s at %.3f USD/month (point %" PRId64 ", %zu replications)\n",
	       p->pt[b.rows[0].index].scenario, p->pt[b.rows[0].index].params, b.rows[0].cost,
	       p->pt[b.rows[0].index].point, p->pt[b.rows[0].index].n);
	printf("%zu of %zu points meet the SLOs; the cheapest:\n", b.nfeasible, p->n);
	best_table(p, &b, slo, nslo, 0, b.nfeasible < (size_t)top ? b.nfeasible : (size_t)top);
	best_release(&b);
	return 0;
}

int sweep_cli_best(int argc, char **argv)
{
	const char *db = NULL, *v;
	struct slo *slo = xcalloc((size_t)argc, sizeof(*slo));
	struct points p;
	struct err e = { 0 };
	int nslo = 0, top = 5, rc;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--slo", NULL))) {
			if (slo_parse(v, &slo[nslo], &e)) {
				free(slo);
				return fail(&e);
			}
			nslo++;
		} else if ((v = cli_opt(argc, argv, &i, "--top", NULL))) {
			if (parse_count(v, &top)) {
				free(slo);
				return usage("best", "--top: expected a number of points, got \"%s\"",
					     v);
			}
		} else if (argv[i][0] == '-' || db) {
			free(slo);
			return usage("best", "unexpected argument \"%s\"", argv[i]);
		} else {
			db = argv[i];
		}
	}
	if (!db || !nslo) {
		free(slo);
		return usage("best", db ? "expected at least one --slo EXPR, like 'p99_ms<=200'"
					: "expected a results database");
	}
	if ((rc = load_points("best", db, &p))) {
		free(slo);
		return rc;
	}
	rc = best_print(&p, slo, nslo, top);
	points_release(&p);
	free(slo);
	return rc;
}

/* ---- compare ---------------------------------------------------------------- */

static const struct {
	const char *metric;
	int prec; /* digits after the point */
} compare_metrics[] = {
	{ "cost_per_month_usd", 3 }, { "latency_p50_ms", 2 }, { "latency_p99_ms", 2 },
	{ "error_rate", 6 },         { "oom_kills", 2 },
};
#define NCMP ARRAY_LEN(compare_metrics)

static char *num(double v, int prec)
{
	return isnan(v) ? xstrdup("-") : xasprintf("%.*f", prec, v);
}

static void compare_print(const struct points *p, size_t base, size_t cand,
			  const struct compare_row *rows, size_t npairs)
{
	static const char *const head[] = { "metric", "n", "baseline", "candidate",
					    "difference", "paired +-95%", "paired 95% interval",
					    "unpaired +-95%" };
	enum { NC = ARRAY_LEN(head) };
	char *cell[NCMP + 1][NC];
	size_t w[NC] = { 0 };

	printf("baseline   point %" PRId64 ": %s %s (%zu runs)\n", p->pt[base].point,
	       p->pt[base].scenario, p->pt[base].params, p->pt[base].n);
	printf("candidate  point %" PRId64 ": %s %s (%zu runs)\n", p->pt[cand].point,
	       p->pt[cand].scenario, p->pt[cand].params, p->pt[cand].n);
	printf("%zu pairs matched by seed (common random numbers); difference = candidate - "
	       "baseline;\n* marks a paired interval that excludes 0\n\n",
	       npairs);
	for (int c = 0; c < NC; c++)
		cell[0][c] = xstrdup(head[c]);
	for (size_t k = 0; k < NCMP; k++) {
		const struct compare_row *r = &rows[k];
		int d = compare_metrics[k].prec;
		double lo = r->diff.mean - r->diff.half95, hi = r->diff.mean + r->diff.half95;
		int sig = !isnan(lo) && (lo > 0 || hi < 0);

		cell[k + 1][0] = xstrdup(compare_metrics[k].metric);
		cell[k + 1][1] = xasprintf("%zu", r->n);
		cell[k + 1][2] = num(r->base_mean, d);
		cell[k + 1][3] = num(r->cand_mean, d);
		cell[k + 1][4] = num(r->diff.mean, d);
		cell[k + 1][5] = num(r->diff.half95, d);
		cell[k + 1][6] = isnan(lo) ? xstrdup("-")
					   : xasprintf("[%.*f, %.*f]%s", d, lo, d, hi,
						       sig ? " *" : "");
		cell[k + 1][7] = num(r->unpaired_half, d);
	}
	for (size_t k = 0; k <= NCMP; k++)
		for (int c = 0; c < NC; c++)
			if (strlen(cell[k][c]) > w[c])
				w[c] = strlen(cell[k][c]);
	for (size_t k = 0; k <= NCMP; k++) {
		for (int c = 0; c < NC; c++) {
			printf(c == 0 ? "%-*s" : "%*s", (int)w[c], cell[k][c]);
			fputs(c == NC - 1 ? "\n" : "  ", stdout);
			free(cell[k][c]);
		}
	}
}

int sweep_cli_compare(int argc, char **argv)
{
	const char *db = NULL, *bsel = NULL, *csel = NULL, *v;
	struct compare_row rows[NCMP];
	int metrics[NCMP], rc;
	struct points p;
	struct err e = { 0 };
	size_t base, cand, npairs;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--baseline", NULL)))
			bsel = v;
		else if ((v = cli_opt(argc, argv, &i, "--candidate", NULL)))
			csel = v;
		else if (argv[i][0] == '-' || db)
			return usage("compare", "unexpected argument \"%s\"", argv[i]);
		else
			db = argv[i];
	}
	if (!db || !bsel || !*bsel || !csel || !*csel)
		return usage("compare", "expected DB --baseline POINT --candidate POINT");
	if ((rc = load_points("compare", db, &p)))
		return rc;
	for (size_t k = 0; k < NCMP; k++)
		metrics[k] = points_metric(&p, compare_metrics[k].metric);
	rc = points_select(&p, bsel, "--baseline", &base, &e);
	if (!rc)
		rc = points_select(&p, csel, "--candidate", &cand, &e);
	if (!rc)
		rc = compare_points(&p, base, cand, metrics, NCMP, rows, &npairs, &e);
	if (!rc)
		compare_print(&p, base, cand, rows, npairs);
	points_release(&p);
	return rc ? fail(&e) : 0;
}
