/*
 * cli.c -- the commands of shared/SPEC.md "Command line".
 *
 * Each command is a row of one table (name, handler, one-line help). A
 * handler parses its own arguments with the small helpers below, calls the
 * library, prints the library's error message and returns the exit status:
 * 0 success, 1 the run failed, 2 bad input or usage. Only this file (and
 * progress output in the run) writes to the terminal.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "base.h"
#include "batch.h"
#include "import.h"
#include "paths.h"
#include "plot.h"
#include "results.h"
#include "run.h"
#include "scenario.h"
#include "store.h"
#include "sweep.h"
#include "sweep_cli.h"
#include "units.h"
#include "writer.h"
#include "ydoc.h"

#define EXIT_RUN 1
#define EXIT_USAGE 2

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
};

static const struct command *commands(void);

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("clustersim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see clustersim --help)\n", stderr);
	return EXIT_USAGE;
}

static int report_err(const struct err *e)
{
	fprintf(stderr, "clustersim: %s\n", e->msg);
	return e->code == ERR_INPUT ? EXIT_USAGE : EXIT_RUN;
}

/* Loader warnings (manifests: what is ignored), on stderr. */
static void print_warnings(const struct scenario *sc)
{
	for (int i = 0; i < sc->nwarnings; i++)
		fprintf(stderr, "clustersim: warning: %s\n", sc->warnings[i]);
}

const char *cli_opt(int argc, char **argv, int *i, const char *name, int *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		if (missing)
			*missing = 1;
		return "";
	}
	return argv[++*i];
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

/* results/<name>.db, creating results/ when needed. */
static char *default_db(const char *scenario_name)
{
	mkdir("results", 0777);
	return xasprintf("results/%s.db", scenario_name);
}

static void print_summary(const struct results *r, int64_t run_id, const char *db)
{
	const struct res_summary *s = &r->summary;
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("run %" PRId64 ": %s, seed %" PRIu64 ", %.0f s simulated in %.2f s wall "
	       "(%" PRIu64 " events, %.2f M events/s, peak RSS %.1f MiB)\n",
	       run_id, r->run.scenario, r->run.seed, r->run.sim_seconds, r->run.wall_seconds,
	       r->run.events,
	       r->run.wall_seconds > 0 ? (double)r->run.events / r->run.wall_seconds / 1e6 : 0.0,
	       (double)ru.ru_maxrss / 1024.0);
	printf("  cost        %.3f USD  (%.3f USD/month at 720 h), %.2f node-hours, max %d nodes\n",
	       s->cost_usd, s->cost_per_month_usd, s->node_hours, s->max_nodes);
	printf("  requests    %" PRId64 ", errors %" PRId64 " (%.4f %%)\n", s->requests, s->errors,
	       100.0 * s->error_rate);
	if (s->requests > 0)
		printf("  latency ms  mean %.2f  p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n",
		       s->latency_mean_ms, s->latency_p50_ms, s->latency_p95_ms, s->latency_p99_ms,
		       s->latency_max_ms);
	printf("  pods        oom kills %" PRId64 ", evictions %" PRId64 ", restarts %" PRId64
	       ", max pending %d, pending pod-seconds %.0f\n",
	       s->oom_kills, s->evictions, s->restarts, s->max_pending_pods, s->pending_pod_seconds);
	if (s->credits_exhausted_seconds > 0)
		printf("  credits     exhausted for %.0f s\n", s->credits_exhausted_seconds);
	printf("  results     %s\n", db);
}

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int cmd_run(int argc, char **argv)
{
	const char *path = NULL, *db = NULL, *v;
	struct override *ovr = xcalloc((size_t)argc, sizeof(*ovr));
	int novr = 0, quiet = 0, have_seed = 0, rc;
	uint64_t seed = 0, threads = batch_default_jobs() >= 2 ? 2 : 1;
	struct scenario sc;
	struct results res;
	struct run_opts o = {0};
	struct store st;
	struct err e = {0};
	int64_t run_id = 0;
	char *dbpath = NULL, *params = NULL;
	struct writer *wr;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--db", NULL))) {
			db = v;
		} else if ((v = cli_opt(argc, argv, &i, "--seed", NULL))) {
			if (parse_u64(v, &seed)) {
				free(ovr);
				return usage_error("--seed: expected a non-negative integer, got \"%s\"", v);
			}
			have_seed = 1;
		} else if ((v = cli_opt(argc, argv, &i, "--threads", NULL))) {
			if (parse_u64(v, &threads) || threads < 1 || threads > 2) {
				free(ovr);
				return usage_error("--threads: expected 1 or 2, got \"%s\"", v);
			}
		} else if ((v = cli_opt(argc, argv, &i, "--set", NULL))) {
			if (override_parse(v, &ovr[novr], &e)) {
				free(ovr);
				return report_err(&e);
			}
			novr++;
		} else if (!strcmp(argv[i], "--quiet")) {
			quiet = 1;
		} else if (argv[i][0] == '-' || path) {
			free(ovr);
			return usage_error("run: unexpected argument \"%s\"", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		free(ovr);
		return usage_error("run: expected a scenario file");
	}
	if (scenario_load(&sc, path, ovr, novr, NULL, &e)) {
		free(ovr);
		return report_err(&e);
	}
	print_warnings(&sc);
	params = overrides_json(ovr, novr);
	free(ovr);
	results_init(&res);
	o.seed = have_seed ? seed : sc.seed;
	o.params_json = params;
	o.progress = !quiet && isatty(2);
	o.interrupted = &interrupted;
	/* One run alone: by default a second core takes half of the per-pod
	 * walks (same results with --threads 1). */
	o.threads = (int)threads;
	dbpath = db ? xstrdup(db) : default_db(sc.name);
	/* Into a new file, with a second core: rows are written as the run
	 * goes (writer.h); otherwise all at its end. */
	wr = threads >= 2 ? writer_start(dbpath, &res) : NULL;
	signal(SIGINT, on_sigint);
	rc = run_exec(&sc, &o, &res, &e);
	if (rc == 0 && wr) {
		rc = writer_finish(wr, &run_id, &e);
		wr = NULL;
	} else if (rc == 0) {
		rc = store_open(&st, dbpath, 0, &e);
		if (rc == 0) {
			rc = store_write_run(&st, &res, &run_id, &e);
			store_close(&st);
		}
	}
	writer_free(wr);
	if (rc == 0)
		print_summary(&res, run_id, dbpath);
	else
		report_err(&e);
	results_release(&res);
	scenario_release(&sc);
	free(dbpath);
	free(params);
	return rc == 0 ? 0 : (rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUN);
}

/* A sweep file is a map with a top-level `scenario` key. */
static int is_sweep_file(const char *path, struct err *e)
{
	struct ydoc d;
	int sweep = 0;
	if (ydoc_load_file(&d, path, e)) {
		ydoc_release(&d);
		return e->code;
	}
	sweep = ynode_get(ydoc_root(&d), "scenario") != NULL;
	ydoc_release(&d);
	return sweep;
}

static int cmd_validate(int argc, char **argv)
{
	struct err e = {0};
	int kind;

	if (argc != 2 || argv[1][0] == '-')
		return usage_error("validate: expected one scenario or sweep file");
	kind = is_sweep_file(argv[1], &e);
	if (kind < 0)
		return report_err(&e);
	if (kind) {
		struct sweep s;
		if (sweep_load(&s, argv[1], &e) || sweep_validate(&s, NULL, &e)) {
			sweep_release(&s);
			return report_err(&e);
		}
		printf("%s: valid sweep: %d points x %d replications = %d runs\n", argv[1],
		       s.npoints, s.replications, sweep_nruns(&s));
		sweep_release(&s);
	} else {
		struct scenario sc;
		if (scenario_load(&sc, argv[1], NULL, 0, NULL, &e))
			return report_err(&e);
		print_warnings(&sc);
		printf("%s: valid scenario \"%s\": %d node groups, %d workloads, %d traffic streams\n",
		       argv[1], sc.name, sc.ngroups, sc.nworkloads, sc.ntraffic);
		scenario_release(&sc);
	}
	return 0;
}

static int cmd_catalog(int argc, char **argv)
{
	const char *name = "aws-us-east-1", *v;
	struct arena a;
	struct instance_type *t;
	int n;
	struct err e = {0};
	char *path;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--catalog", NULL)))
			name = v;
		else
			return usage_error("catalog: unexpected argument \"%s\"", argv[i]);
	}
	path = xasprintf("%s/%s.yaml", paths_models_dir(), name);
	arena_init(&a);
	if (catalog_load(&a, path, &t, &n, &e)) {
		free(path);
		arena_release(&a);
		return report_err(&e);
	}
	printf("%-12s %5s %9s %9s %8s %10s %10s %s\n", "type", "vCPU", "memory", "USD/h",
	       "max pods", "alloc cpu", "alloc mem", "burstable");
	for (int i = 0; i < n; i++) {
		char mem[32], acpu[32], amem[32], burst[96] = "-";
		units_fmt_memory(mem, sizeof(mem), t[i].memory);
		units_fmt_cpu(acpu, sizeof(acpu), (int64_t)t[i].vcpu * 1000 - t[i].reserved_cpu);
		units_fmt_memory(amem, sizeof(amem), t[i].memory - t[i].reserved_memory);
		if (t[i].burst.enabled)
			snprintf(burst, sizeof(burst), "baseline %.1f%%, %.0f credits/h, %s",
				 100 * t[i].burst.baseline, t[i].burst.credits_per_hour,
				 t[i].burst.mode == CREDIT_STANDARD ? "standard" : "unlimited");
		printf("%-12s %5d %9s %9.4f %8d %10s %10s %s\n", t[i].name, t[i].vcpu, mem,
		       t[i].price_per_hour, t[i].max_pods, acpu, amem, burst);
	}
	printf("source: %s\n", path);
	free(path);
	arena_release(&a);
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	const char *db = NULL, *v;
	uint64_t run_id = 0;
	enum report_format fmt = REPORT_TEXT;
	struct store st;
	struct err e = {0};
	int rc, by_point = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--by-point")) {
			by_point = 1;
		} else if ((v = cli_opt(argc, argv, &i, "--run", NULL))) {
			if (parse_u64(v, &run_id) || run_id == 0)
				return usage_error("--run: expected a run id, got \"%s\"", v);
		} else if ((v = cli_opt(argc, argv, &i, "--format", NULL))) {
			if (!strcmp(v, "text"))
				fmt = REPORT_TEXT;
			else if (!strcmp(v, "csv"))
				fmt = REPORT_CSV;
			else if (!strcmp(v, "json"))
				fmt = REPORT_JSON;
			else
				return usage_error("--format: expected text, csv or json, got \"%s\"", v);
		} else if (argv[i][0] == '-' || db) {
			return usage_error("report: unexpected argument \"%s\"", argv[i]);
		} else {
			db = argv[i];
		}
	}
	if (!db)
		return usage_error("report: expected a results database");
	if (by_point && run_id)
		return usage_error("report: --by-point groups all runs; it takes no --run");
	if (access(db, R_OK) != 0) {
		fprintf(stderr, "clustersim: %s: no such results database\n", db);
		return EXIT_USAGE;
	}
	if (store_open(&st, db, 1, &e))
		return report_err(&e);
	if (by_point) {
		rc = sweep_cli_report_points(&st, fmt);
		store_close(&st);
		return rc;
	}
	rc = store_report(&st, (int64_t)run_id, fmt, stdout, &e);
	store_close(&st);
	return rc ? report_err(&e) : 0;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("clustersim %s -- simulate Kubernetes clusters on cloud instances before buying them\n\n"
	       "usage:\n",
	       CLUSTERSIM_VERSION);
	for (const struct command *c = commands(); c->name; c++)
		if (c->usage)
			printf("  clustersim %s\n      %s\n", c->usage, c->help);
	printf("\nExit status: 0 success, 1 the run failed, 2 bad input or usage.\n"
	       "Documentation: README.md and docs/ in the source tree.\n");
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("clustersim %s\n", CLUSTERSIM_VERSION);
	return 0;
}

static const struct command command_table[] = {
	{"run", cmd_run,
	 "run SCENARIO.yaml [--db FILE] [--seed N] [--set PATH=VALUE]... [--threads 1|2] [--quiet]",
	 "simulate one scenario"},
	{"sweep", sweep_cli_sweep, "sweep SWEEP.yaml [--db FILE] [-j N] [--shard K/N] [--quiet]",
	 "every run of a sweep, N at once; resumes"},
	{"merge", sweep_cli_merge, "merge OUT.db IN.db...", "combine shard databases"},
	{"report", cmd_report, "report DB [--run ID] [--by-point] [--format text|csv|json]",
	 "print runs and summaries"},
	{"best", sweep_cli_best, "best DB --slo EXPR [--slo EXPR]... [--top N]",
	 "cheapest point meeting the SLOs"},
	{"compare", sweep_cli_compare, "compare DB --baseline POINT --candidate POINT",
	 "paired differences"},
	{"plot", plot_cli,
	 "plot DB --chart NAME [--run ID] [-o FILE.png|FILE.svg] [--slo EXPR]...",
	 "draw a chart with gnuplot"},
	{"plot ", plot_cli, "plot DB --all -o DIR [--slo EXPR]...",
	 "every chart and an index.html review page"},
	{"validate", cmd_validate, "validate SCENARIO.yaml|SWEEP.yaml", "check a file without running it"},
	{"catalog", cmd_catalog, "catalog [--catalog NAME]", "print the instance types known"},
	{"import", import_cli, "import FILES... --nodes TYPE=COUNT[,...] [--name NAME]",
	 "a scenario skeleton from Kubernetes manifests"},
	{"--help", cmd_help, "--help | --version", "this help; the version"},
	{"-h", cmd_help, NULL, NULL},
	{"help", cmd_help, NULL, NULL},
	{"--version", cmd_version, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

static const struct command *commands(void)
{
	return command_table;
}

int cli_main(int argc, char **argv)
{
	/* GSL's default handler aborts; every GSL call we make checks its
	 * arguments first, so turn the process-wide handler off once here. */
	gsl_set_error_handler_off();
	if (argc < 2) {
		cmd_help(0, NULL);
		return EXIT_USAGE;
	}
	for (const struct command *c = commands(); c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->fn(argc - 1, argv + 1);
	return usage_error("unknown command \"%s\"", argv[1]);
}
