# common.gp -- terminal, colours and axes shared by the clustersim chart
# scripts; each chart script loads it from its own folder:
#   _d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
#   load _d[1:_i] . "common.gp"
#
# Reads (all optional): outfile (default chart.png), term ("pngcairo" or
# "svg"; default from outfile's extension), title, and for time charts tmax
# (s), tdiv (s per axis unit) and tunit (its name).
# Defines: the terminal (1280x720), tab10 line colours 1-10, a light grid,
# and the string `time_axis`, which a time chart evaluates after a `stats`
# of column 1 to set the x axis (stats take [*:*][*:*] so that axis ranges
# set before do not filter them): hours for runs over 2 h, minutes over
# 2 min, else seconds (unless tdiv/tunit are given).

if (!exists("outfile")) outfile = "chart.png"
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq "svg") ? "svg" : "pngcairo"
if (term eq "svg") {
	set terminal svg size 1280,720 font "Sans,12" fontscale 1.25 noenhanced background rgb "white"
} else {
	set terminal pngcairo size 1280,720 font "Sans,12" noenhanced background rgb "white"
}
set output outfile
set encoding utf8

# tab10: ten colours that stay apart for most colour vision, as in dashboards.
set linetype 1 lc rgb "#1f77b4" lw 2 pt 7
set linetype 2 lc rgb "#ff7f0e" lw 2 pt 7
set linetype 3 lc rgb "#2ca02c" lw 2 pt 7
set linetype 4 lc rgb "#d62728" lw 2 pt 7
set linetype 5 lc rgb "#9467bd" lw 2 pt 7
set linetype 6 lc rgb "#8c564b" lw 2 pt 7
set linetype 7 lc rgb "#e377c2" lw 2 pt 7
set linetype 8 lc rgb "#7f7f7f" lw 2 pt 7
set linetype 9 lc rgb "#bcbd22" lw 2 pt 7
set linetype 10 lc rgb "#17becf" lw 2 pt 7
set linetype cycle 10

set border 3 lw 1
set tics nomirror out
set style line 100 lc rgb "#e2e2e2" lw 1 dt solid
set style line 101 lc rgb "#f2f2f2" lw 1 dt solid
set grid xtics ytics ls 100, ls 101 back
# Dash patterns: 11 for capacities and "ready" series, 12 for SLO lines.
set dashtype 11 (14,9)
set dashtype 12 (24,10)
set title font ",16"
# Legends go right of the plot, where they cannot cover data. `key_layout`
# (evaluated by each chart) sizes the plot to leave room for the longest
# entry: keychars characters (passed by clustersim; default 26), or the
# legend's title `keytitle` if longer. About 8.5 px a character at 1280 px.
if (!exists("keychars")) keychars = 26
key_layout = 'kc = (exists("keytitle") && strlen(keytitle) > keychars) ? strlen(keytitle) : keychars; ' . \
	'key_left = 1 - (kc * 0.0066 + 0.055); ' . \
	'key_left = (key_left < 0.55) ? 0.55 : ((key_left > 0.86) ? 0.86 : key_left); ' . \
	'set rmargin at screen key_left - 0.015; ' . \
	'set key at screen key_left, graph 1 left top vertical Left reverse samplen 3 spacing 1.15; ' . \
	'if (exists("keytitle")) { set key title keytitle }'

# Log axes spanning less than 3 decades get 1-2-5 tic labels (gnuplot would
# label only the powers of ten): `eval log125("y")`.
log125(axis) = sprintf("set %stics (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, " . \
	"100, 200, 500, 1000, 2000, 5000, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6); " . \
	"set m%stics 10", axis, axis)

time_axis = 'if (!exists("tmax")) { tmax = STATS_max }; ' . \
	'if (!exists("tdiv")) { tdiv = (tmax > 7200) ? 3600 : ((tmax > 120) ? 60 : 1) }; ' . \
	'if (!exists("tunit")) { tunit = (tdiv == 3600) ? "h" : ((tdiv == 60) ? "min" : "s") }; ' . \
	'set xrange [0:tmax / tdiv]; set xlabel sprintf("simulated time (%s)", tunit)'
