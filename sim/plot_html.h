/*
 * plot_html.h -- the review page of `clustersim plot --all` (see plot_all
 * in plot.h): one self-contained HTML file with inline CSS, no script, and
 * the charts as relative <img> links to the PNG files beside it, so the
 * folder can be zipped, mailed or served as it is. Internal to plot.
 */
#ifndef CLUSTERSIM_PLOT_HTML_H
#define CLUSTERSIM_PLOT_HTML_H

#include <stddef.h>
#include <stdint.h>
#include "base.h"
#include "plot.h"
#include "plot_data.h"

struct sqlite3;

struct plot_page_chart {
	const struct plot_chart_def *def;
	int64_t run_id; /* 0 for a chart over all runs */
	char *file;     /* relative to the page */
};

/*
 * Writes the page to path: the scenarios' names and hashes, the runs'
 * summary table, for several points the per-point table (means with 95 %
 * half-widths) and, with SLOs, the cheapest point meeting them (pp->best),
 * then every chart with its caption. All text from the database is
 * HTML-escaped. ERR_RUN when the file cannot be written.
 */
int plot_html_write(struct sqlite3 *db, const struct plot_opts *o, const struct plot_points *pp,
		    const struct plot_page_chart *charts, size_t ncharts, const char *path,
		    struct err *e);

#endif
