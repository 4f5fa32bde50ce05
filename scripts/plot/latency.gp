# latency.gp -- request latency percentiles over time per workload: p99
# solid, p95 dashed, p50 dotted, one colour per workload, in ms. The y axis
# turns logarithmic when the values span more than a factor of 20 (p99
# spikes would flatten everything else). An SLO, when given, is a red line.
#
# Data file (clustersim plot DB --chart latency --data FILE): one block per
# workload that completed requests, blocks separated by two blank lines:
#   # workload NAME: ...                                comment
#   t_s "NAME p50" "NAME p95" "NAME p99"                header row: series names
#   T P50 P95 P99                                       simulated s, ms, ms, ms
# A row of NaN marks a sample interval in which no request completed (a gap).
#
# Variables (-e "name=value; ..."), all optional:
#   datafile  the data file (default "latency.dat")
#   outfile   output .png or .svg (default "chart.png"); term: pngcairo|svg
#   title     chart title
#   slo_y, slo_y_label   an SLO line at slo_y ms, e.g. 200 and "p99_ms<=200"
#   logy      1 or 0 to force the y scale (default: from the data)
#   tmax, tdiv, tunit   x axis end (s), seconds per unit and unit name
#   extra     gnuplot commands run just before plotting
#
# By hand:
#   gnuplot -e "datafile='latency.dat'; outfile='latency.png'; slo_y=200" scripts/plot/latency.gp

_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load _d[1:_i] . "common.gp"
if (!exists("datafile")) datafile = "latency.dat"
if (!exists("title")) title = "request latency"

stats [*:*][*:*] datafile using 1 nooutput
nworkloads = STATS_blocks
style = (STATS_records / nworkloads <= 200) ? "linespoints pt 7 ps 0.6" : "lines"
eval time_axis
stats [*:*][*:*] datafile using 2 nooutput
lo = STATS_min
stats [*:*][*:*] datafile using 4 nooutput
hi = STATS_max
if (exists("slo_y")) { hi = (slo_y > hi) ? slo_y : hi }
if (!exists("logy")) logy = (lo > 0 && hi / lo > 20)
set title title font ",16"
set ylabel "latency (ms)"
if (logy) {
	set logscale y 10
	set yrange [lo / 1.5:hi * 1.5]
	set mytics 10
	if (hi / lo < 1000) { eval log125("y") }
	set grid mytics
} else {
	set yrange [0:*]
	set offsets 0, 0, graph 0.06, 0
}
keytitle = "workload percentile"
if (exists("slo_y_label")) { keychars = (strlen(slo_y_label) + 4 > keychars) ? strlen(slo_y_label) + 4 : keychars }
eval key_layout
if (exists("extra")) eval extra

slo_plot = ""
if (exists("slo_y")) slo_plot = sprintf(", %g with lines lc rgb '#d62728' dt 12 lw 2 " . \
	"title 'SLO %s'", slo_y, exists("slo_y_label") ? slo_y_label : "")

# Per workload, its p99 (column 4, solid), p95 (3, dashed), p50 (2, dotted).
# Sparse series (up to 200 samples) get small points too (`style` above),
# so a value between two gaps (NaN) still shows; on dense ones points
# would hide the dash patterns.
plot for [i=0:nworkloads-1] for [c=4:2:-1] datafile index i using ($1/tdiv):c with @style \
	lt (i+1) lw (c == 4 ? 2.5 : 2) dt 1 + (c < 4) + (c < 3) \
	title columnheader(c) @slo_plot
