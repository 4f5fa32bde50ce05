# cost-latency.gp -- the sweep's trade-off: each parameter point's mean
# monthly cost (x) against its mean p99 latency (y), with 95 % confidence
# error bars over replications (horizontal ones only when the cost varies,
# e.g. with autoscaling). The Pareto front -- the points no other point
# beats on both cost and latency -- is a line through its points, which are
# labelled with their parameter values. Optional: an SLO line on p99 (and
# on cost), and a ring around the cheapest point meeting the SLOs. An axis
# turns logarithmic when its values span more than a factor of 20.
#
# Data file (clustersim plot DB --chart cost-latency --data FILE):
# block 0, every point:
#   point "parameter points" cost_ci p99_ms p99_ci runs pareto slo_ok label
#   P COST COST_CI P99 P99_CI RUNS PARETO SLO_OK "LABEL"
#       USD/month and ms; *_CI: half-width of the 95 % interval (Student t);
#       PARETO, SLO_OK: 1 or 0
# block 1, the Pareto front by cost:     cost_usd_month "Pareto front" label
#   COST P99 "LABEL"
# block 2 (only when has_best=1):        cost_usd_month "cheapest ..." label
#   COST P99 "LABEL"
#
# Variables (-e "name=value; ..."), all optional:
#   datafile  the data file (default "cost-latency.dat")
#   outfile   output .png or .svg (default "chart.png"); term: pngcairo|svg
#   title     chart title
#   has_best  1 when block 2 exists (default 0)
#   slo_y, slo_y_label   p99 SLO line (ms), e.g. 200 and "p99_ms<=200"
#   slo_x, slo_x_label   cost SLO line (USD/month)
#   logx, logy           1 or 0 to force an axis scale (default: from the data)
#   extra     gnuplot commands run just before plotting
#
# By hand:
#   gnuplot -e "datafile='cost-latency.dat'; outfile='cl.png'; slo_y=200" scripts/plot/cost-latency.gp

# The longest legend entry: "cheapest meeting SLOs".
if (!exists("keychars")) keychars = 21
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load _d[1:_i] . "common.gp"
if (!exists("datafile")) datafile = "cost-latency.dat"
if (!exists("title")) title = "monthly cost against p99 latency"
if (!exists("has_best")) has_best = 0

# Ranges by hand, to hold every error bar and SLO line (autoscaling does
# not count error bars), with room on the left for the front's labels:
# they go below-left of their points, where by definition of the front no
# other point lies.
stats [*:*][*:*] datafile index 0 using ($2 - $3) nooutput
xlo = STATS_min
stats [*:*][*:*] datafile index 0 using ($2 + $3) nooutput
xhi = STATS_max
stats [*:*][*:*] datafile index 0 using 3 nooutput
xerr = STATS_max > 0
stats [*:*][*:*] datafile index 0 using ($4 - $5) nooutput
ylo = STATS_min
stats [*:*][*:*] datafile index 0 using ($4 + $5) nooutput
yhi = STATS_max
stats [*:*][*:*] datafile index 0 using 2 nooutput
if (!exists("logx")) logx = (STATS_min > 0 && STATS_max / STATS_min > 20)
stats [*:*][*:*] datafile index 0 using 4 nooutput
if (!exists("logy")) logy = (STATS_min > 0 && STATS_max / STATS_min > 20)
if (exists("slo_x")) { xlo = (slo_x < xlo) ? slo_x : xlo; xhi = (slo_x > xhi) ? slo_x : xhi }
if (exists("slo_y")) { ylo = (slo_y < ylo) ? slo_y : ylo; yhi = (slo_y > yhi) ? slo_y : yhi }
# Costs and latencies are not negative: bars reaching below zero are cut.
if (logx) { xlo = (xlo > 0) ? xlo : STATS_min / 2 } else { xlo = (xlo > 0) ? xlo : 0 }
if (logy) { stats [*:*][*:*] datafile index 0 using 4 nooutput; ylo = (ylo > 0) ? ylo : STATS_min / 2 }
if (!logy) { ylo = (ylo > 0) ? ylo : 0 }
# A single point (or all alike): a range of +-10 % around it.
if (xhi <= xlo) { xhi = (xlo > 0) ? xlo * 1.1 : 1; xlo = xlo * 0.9 }
if (yhi <= ylo) { yhi = (ylo > 0) ? ylo * 1.1 : 1; ylo = ylo * 0.9 }

set title title font ",16"
set xlabel "monthly cost (USD at 720 h per month)"
set ylabel "p99 latency (ms)"
keytitle = "mean ± 95 % CI"
eval key_layout
if (logx) {
	set logscale x 10
	set mxtics 10
	if (xhi / xlo < 1000) { eval log125("x") }
	set xrange [xlo / (xhi / xlo) ** 0.3 : xhi * (xhi / xlo) ** 0.05]
} else {
	xmin = xlo - 0.3 * (xhi - xlo)
	set xrange [(xmin > 0 ? xmin : 0) : xhi + 0.05 * (xhi - xlo)]
}
if (logy) {
	set logscale y 10
	set mytics 10
	if (yhi / ylo < 1000) { eval log125("y") }
	set yrange [ylo / (yhi / ylo) ** 0.06 : yhi * (yhi / ylo) ** 0.06]
} else {
	set yrange [(ylo == 0 ? 0 : ylo - 0.06 * (yhi - ylo)) : yhi + 0.06 * (yhi - ylo)]
}
set bars small
set style textbox opaque fillcolor rgb "#40ffffff" noborder margins 2, 1
if (exists("slo_y")) {
	set arrow 1 from graph 0, first slo_y to graph 1, first slo_y nohead lc rgb "#d62728" \
		dt 12 lw 2 front
	set label 1 sprintf("SLO %s", exists("slo_y_label") ? slo_y_label : "") \
		at graph 0.005, first slo_y offset 0, 0.7 tc rgb "#d62728" front
}
if (exists("slo_x")) {
	set arrow 2 from first slo_x, graph 0 to first slo_x, graph 1 nohead lc rgb "#d62728" \
		dt 12 lw 2 front
	set label 2 sprintf("SLO %s", exists("slo_x_label") ? slo_x_label : "") \
		at first slo_x, graph 0.99 offset 0.5, 0 tc rgb "#d62728" front
}
if (exists("extra")) eval extra

points = xerr ? "using 2:4:3:5 with xyerrorbars" : "using 2:4:5 with yerrorbars"
best_plot = ""
if (has_best) best_plot = ", datafile index 2 using 1:2 with points pt 6 ps 4 lw 3 " . \
	"lc rgb '#2ca02c' title 'cheapest meeting SLOs'"

plot datafile index 1 using 1:2 with lines lw 2.5 lc rgb "#ff7f0e" title columnheader(2), \
	datafile index 0 @points pt 7 ps 1.4 lw 1.5 lc rgb "#1f77b4" title columnheader(2), \
	datafile index 1 every ::1 using 1:2:3 with labels right offset char -0.8, -0.9 boxed \
		font ",11" tc rgb "#222222" notitle @best_plot
