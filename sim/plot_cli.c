/*
 * plot_cli.c -- the `clustersim plot` command: argument parsing around
 * plot_chart and plot_all (plot.h). The only plot file that prints.
 *
 *   clustersim plot DB --chart NAME [--run ID] [-o FILE.png|FILE.svg]
 *                      [--slo EXPR]... [--data FILE] [--scripts DIR] [--extra CMDS]
 *   clustersim plot DB --all -o DIR [--run ID] [--slo EXPR]... [--scripts DIR]
 */
#include "plot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#include "plot_data.h"

#define EXIT_RUN 1
#define EXIT_USAGE 2

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
	va_list ap;
	fputs("clustersim: plot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nusage: clustersim plot DB --chart NAME [--run ID] [-o FILE.png|FILE.svg] "
	      "[--slo EXPR]...\n"
	      "       clustersim plot DB --all -o DIR [--run ID] [--slo EXPR]...\n",
	      stderr);
	return EXIT_USAGE;
}

static int parse_run(const char *s, int64_t *id)
{
	char *end;
	long long x;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (!*s || *end || errno || x <= 0)
		return -1;
	*id = x;
	return 0;
}

static void chart_names(char *buf, size_t n)
{
	size_t nc;
	const struct plot_chart_def *c = plot_charts(&nc);
	buf[0] = '\0';
	for (size_t i = 0; i < nc; i++)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? ", " : "", c[i].name);
}

int plot_cli(int argc, char **argv)
{
	struct plot_opts o = {0};
	struct slo *slos = xcalloc((size_t)argc, sizeof(*slos));
	struct err e = {0};
	char written[4096] = "", names[256];
	int all = 0, rc, missing = 0;
	const char *v;

	o.slos = slos;
	o.written = written;
	o.written_size = sizeof(written);
	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--chart", &missing))) {
			o.chart = v;
		} else if ((v = cli_opt(argc, argv, &i, "--run", &missing))) {
			if (!missing && parse_run(v, &o.run_id)) {
				free(slos);
				return usage("--run: expected a run id (a positive integer), "
					     "got \"%s\"",
					     v);
			}
		} else if ((v = cli_opt(argc, argv, &i, "-o", &missing)) ||
			   (v = cli_opt(argc, argv, &i, "--output", &missing))) {
			o.output = v;
		} else if ((v = cli_opt(argc, argv, &i, "--slo", &missing))) {
			if (!missing && slo_parse(v, &slos[o.nslo++], &e)) {
				free(slos);
				return usage("%s", e.msg);
			}
		} else if ((v = cli_opt(argc, argv, &i, "--data", &missing))) {
			o.data_out = v;
		} else if ((v = cli_opt(argc, argv, &i, "--scripts", &missing))) {
			o.scripts_dir = v;
		} else if ((v = cli_opt(argc, argv, &i, "--extra", &missing))) {
			o.extra = v;
		} else if (!strcmp(argv[i], "--all")) {
			all = 1;
		} else if (argv[i][0] == '-' || o.db) {
			free(slos);
			return usage("unexpected argument \"%s\"", argv[i]);
		} else {
			o.db = argv[i];
		}
		if (missing) {
			free(slos);
			return usage("%s: expected a value", argv[i]);
		}
	}
	chart_names(names, sizeof(names));
	if (!o.db)
		rc = usage("expected a results database");
	else if (all && o.chart)
		rc = usage("--all and --chart exclude each other");
	else if (all && !o.output)
		rc = usage("--all: expected an output folder (-o DIR)");
	else if (all && o.data_out)
		rc = usage("--data goes with --chart (one chart's data file)");
	else if (!all && !o.chart)
		rc = usage("expected --chart NAME (one of %s) or --all -o DIR", names);
	else if (!all && !plot_chart_find(o.chart))
		rc = usage("--chart: unknown chart \"%s\": expected one of %s", o.chart, names);
	else
		rc = -1;
	if (rc >= 0) {
		free(slos);
		return rc;
	}
	rc = all ? plot_all(&o, o.output, &e) : plot_chart(&o, &e);
	free(slos);
	if (rc) {
		fprintf(stderr, "clustersim: %s\n", e.msg);
		return rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUN;
	}
	printf("%s\n", written);
	return 0;
}
