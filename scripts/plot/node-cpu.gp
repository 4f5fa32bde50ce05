# node-cpu.gp -- CPU used per node over time against the node's capacity,
# like Grafana's "CPU usage per node" panel: one solid line per node and
# its CPU capacity as a dashed line of the same colour.
#
# Data file (clustersim plot DB --chart node-cpu --data FILE): one block per
# node, blocks separated by two blank lines; each block is
#   # node NAME (TYPE): ...             comment
#   t_s "NAME (TYPE)" capacity_cores    header row: column 2 names the series
#   T CPU_USED CPU_CAPACITY             simulated s, cores, cores
#
# Variables (-e "name=value; ..."), all optional:
#   datafile  the data file (default "node-cpu.dat")
#   outfile   output .png or .svg (default "chart.png"); term: pngcairo|svg
#   title     chart title
#   tmax, tdiv, tunit   x axis end (s), seconds per unit and unit name
#             (default: from the data: h over 2 h, min over 2 min, else s)
#   extra     gnuplot commands run just before plotting, e.g. "set key bottom"
#
# By hand:
#   gnuplot -e "datafile='node-cpu.dat'; outfile='node-cpu.png'" scripts/plot/node-cpu.gp

_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load _d[1:_i] . "common.gp"
if (!exists("datafile")) datafile = "node-cpu.dat"
if (!exists("title")) title = "CPU used per node"

stats [*:*][*:*] datafile using 1 nooutput
nnodes = STATS_blocks
eval time_axis
set title title font ",16"
set ylabel "CPU (cores)"
set yrange [0:*]
set offsets 0, 0, graph 0.06, 0
keytitle = "node"
# "capacity (dashed)" is an entry too.
keychars = (keychars < 17) ? 17 : keychars
eval key_layout
if (nnodes > 20) set key font ",9" spacing 1
if (exists("extra")) eval extra

# Capacities first, so a node's used line stays visible where it reaches them.
plot for [i=0:nnodes-1] datafile index i using ($1/tdiv):3 with lines lt (i+1) dt 11 lw 1.5 \
		notitle, \
	for [i=0:nnodes-1] datafile index i using ($1/tdiv):2 with lines lt (i+1) \
		title columnheader(2), \
	NaN with lines lc rgb "#555555" dt 11 lw 1.5 title "capacity (dashed)"
