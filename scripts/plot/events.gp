# events.gp -- Kubernetes events on a time axis, one row per kind:
# OOMKilled, Evicted, BackOff (CrashLoopBackOff), ScaleUp and ScaleDown
# (cluster autoscaler), HPAScale, NodeReady, NodeRemoved, CreditsExhausted.
# Each event is a translucent mark, so bursts show as darker runs; the row
# label gives each kind's count.
#
# Data file (clustersim plot DB --chart events --data FILE): one block per
# kind that occurred, top row first, blocks separated by two blank lines:
#   # KIND events: ...                          comment
#   t_s "KIND" colour label object              header row
#   T ROW COLOUR "KIND (COUNT)" "OBJECT"        simulated s, row (1 = top),
#                                               the kind's colour 1-9, label,
#                                               the pod, node or group
#
# Variables (-e "name=value; ..."), all optional:
#   datafile  the data file (default "events.dat")
#   outfile   output .png or .svg (default "chart.png"); term: pngcairo|svg
#   title     chart title
#   tmax, tdiv, tunit   x axis end (s), seconds per unit and unit name
#   extra     gnuplot commands run just before plotting
#
# By hand:
#   gnuplot -e "datafile='events.dat'; outfile='events.png'" scripts/plot/events.gp

_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load _d[1:_i] . "common.gp"
if (!exists("datafile")) datafile = "events.dat"
if (!exists("title")) title = "events"

stats [*:*][*:*] datafile using 1 nooutput
nkinds = STATS_blocks
eval time_axis
set offsets graph 0.01, graph 0.01, 0, 0
set title title font ",16"
# Row 1 at the top.
set yrange [nkinds + 0.5:0.5]
set ytics scale 0
set border 1
set lmargin at screen 0.16
set rmargin at screen 0.96
unset key

# Colours by kind, as in the list above: the red family for trouble, green
# and blue for scaling, grey for node changes. 0x70 in the top byte: about
# 44 % transparent.
kind_rgb(k) = 0x70000000 + (k == 1 ? 0xd62728 : k == 2 ? 0xff7f0e : k == 3 ? 0x8c564b : \
	k == 4 ? 0x2ca02c : k == 5 ? 0x1f77b4 : k == 6 ? 0x9467bd : k == 7 ? 0x17becf : \
	k == 8 ? 0x7f7f7f : 0xbcbd22)
if (exists("extra")) eval extra

# The first row of each block (row 0 is its header) places the row's label.
plot for [i=0:nkinds-1] datafile index i every ::1::1 using ($1/tdiv):2:ytic(4) \
		with dots lc rgb "#ff000000" notitle, \
	for [i=0:nkinds-1] datafile index i using ($1/tdiv):2:(kind_rgb($3)) \
		with points pt 7 ps 2 lc rgb variable notitle
