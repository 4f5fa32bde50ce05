/*
 * plot.h -- charts of a results database, drawn by gnuplot.
 *
 * A chart is one row of a const table (plot_data.h): a name, a gnuplot
 * script in scripts/plot/, a caption, and a function that extracts the
 * chart's data with SQL. plot_chart runs that function into a temporary
 * data file (whitespace-separated columns; one block per series, blocks
 * separated by two blank lines, each starting with `# ...` comments and a
 * column-header row that names the series, so scripts use `index` and
 * `columnheader`), then runs gnuplot on the chart's script with `-e`
 * assignments (datafile, outfile, term, title and the chart's own
 * variables). gnuplot is started with posix_spawnp, never through a shell,
 * so paths may hold spaces and quotes. docs/charts.md describes every chart
 * and data file.
 *
 * The database is opened read-only and queried directly (the schema of
 * shared/SPEC.md "Results database"); nothing here writes to it.
 *
 * Scripts are found in o->scripts_dir, else $CLUSTERSIM_PLOT_SCRIPTS, else
 * CLUSTERSIM_SOURCE_DIR/scripts/plot when that folder exists, else
 * CLUSTERSIM_DATA_DIR/scripts/plot (the installed copy).
 *
 * Errors: ERR_INPUT for what the user can fix (no such database, chart or
 * run; a chart with nothing to draw, e.g. `credits` without burstable
 * nodes; gnuplot not installed), ERR_RUN for failures (SQLite, gnuplot
 * exiting non-zero -- its last stderr lines are in the message -- or a
 * file that cannot be written).
 *
 * Cost: one pass over the run's sample rows per chart, plus one gnuplot
 * process (tenths of a second for a day of 15 s samples).
 */
#ifndef CLUSTERSIM_PLOT_H
#define CLUSTERSIM_PLOT_H

#include <stddef.h>
#include <stdint.h>
#include "base.h"
#include "slo.h"

struct plot_opts {
	const char *db;          /* results database path */
	const char *chart;       /* chart name (plot_chart only) */
	int64_t run_id;          /* 0: the latest run; ignored by cost-latency (all runs) */
	const char *output;      /* .png or .svg; NULL: results/<scenario>-<chart>[-run<ID>].png */
	const struct slo *slos;  /* SLO lines on charts, the best point on the review page */
	int nslo;
	const char *scripts_dir; /* NULL: the lookup above */
	const char *data_out;    /* keep the data file here (for use by hand); NULL: temporary */
	const char *extra;       /* gnuplot commands run before plotting; NULL: none */
	const char *gnuplot;     /* gnuplot program; NULL: "gnuplot" on PATH */
	char *written;           /* if not NULL: receives the path written (chart or index.html) */
	size_t written_size;
};

/*
 * Draws one chart to o->output (PNG 1280x720 with pngcairo, or SVG; chosen
 * by the extension). The default output folder results/ is created when
 * missing. -run<ID> is appended to the default name only when o->run_id
 * names a run.
 */
int plot_chart(const struct plot_opts *o, struct err *e);

/*
 * Draws every chart that applies into outdir (created if missing) and
 * writes outdir/index.html, a self-contained review page: inline CSS, the
 * charts as relative <img> links to the PNGs beside it, the scenario's
 * name and hash, a summary table of the runs, a caption per chart, and for
 * a sweep the per-point means with 95 % intervals and, with SLOs, the
 * cheapest point that meets them all (slo.h). Per-run charts are drawn for
 * o->run_id, or for every run when it is 0; a chart without data (credits
 * without burstable nodes, events without events of its kinds) is left out.
 * cost-latency is drawn when the database has more than one parameter
 * point. o->chart and o->output are ignored.
 */
int plot_all(const struct plot_opts *o, const char *outdir, struct err *e);

/*
 * `clustersim plot DB --chart NAME [--run ID] [-o FILE.png|FILE.svg]
 * [--slo EXPR]... [--data FILE] [--scripts DIR] [--extra CMDS]` and
 * `clustersim plot DB --all -o DIR [--run ID] [--slo EXPR]...`.
 * argv[0] is "plot". Prints what it wrote on stdout and errors on stderr as
 * "clustersim: MESSAGE"; returns the exit status (0, 1 failure, 2 usage).
 */
int plot_cli(int argc, char **argv);

#endif
