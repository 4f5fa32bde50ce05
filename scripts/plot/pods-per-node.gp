# pods-per-node.gp -- pods bound to each node over time, one step line per
# node: a node far above the others is where the scheduler crowded pods.
#
# Data file (clustersim plot DB --chart pods-per-node --data FILE): one block
# per node, blocks separated by two blank lines; each block is
#   # node NAME (TYPE): ...             comment
#   t_s "NAME (TYPE)"                   header row: column 2 names the series
#   T PODS                              simulated s, pods on the node
#
# Variables (-e "name=value; ..."), all optional:
#   datafile  the data file (default "pods-per-node.dat")
#   outfile   output .png or .svg (default "chart.png"); term: pngcairo|svg
#   title     chart title
#   tmax, tdiv, tunit   x axis end (s), seconds per unit and unit name
#   extra     gnuplot commands run just before plotting
#
# By hand:
#   gnuplot -e "datafile='pods-per-node.dat'; outfile='pods.png'" scripts/plot/pods-per-node.gp

_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load _d[1:_i] . "common.gp"
if (!exists("datafile")) datafile = "pods-per-node.dat"
if (!exists("title")) title = "pods per node"

stats [*:*][*:*] datafile using 1 nooutput
nnodes = STATS_blocks
eval time_axis
stats [*:*][*:*] datafile using 2 nooutput
set title title font ",16"
set ylabel "pods"
set yrange [0:STATS_max < 5 ? 5 : STATS_max * 1.1]
set ytics 1
if (STATS_max > 20) set ytics 5
if (STATS_max > 100) set ytics autofreq
keytitle = "node"
eval key_layout
if (nnodes > 20) set key font ",9" spacing 1
if (exists("extra")) eval extra

plot for [i=0:nnodes-1] datafile index i using ($1/tdiv):2 with steps lt (i+1) lw 2.5 \
	title columnheader(2)
