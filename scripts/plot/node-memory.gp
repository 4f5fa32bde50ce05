# node-memory.gp -- memory used per node over time against the node's
# capacity (dashed, same colour), in GiB, with OOM kills marked as circles
# on the line of the node where they happened.
#
# Data file (clustersim plot DB --chart node-memory --data FILE): one block
# per node, then one block of OOM kills (always last, possibly empty):
#   # node NAME (TYPE): ...             comment
#   t_s "NAME (TYPE)" capacity_bytes    header row: column 2 names the series
#   T MEM_USED MEM_CAPACITY             simulated s, bytes, bytes
# and
#   t_s "OOMKilled" node_block pod
#   T MEM_USED NODE_BLOCK "POD"         the node's memory then (bytes, on its
#                                       line: interpolated between samples);
#                                       the node's block index
#
# Variables (-e "name=value; ..."), all optional:
#   datafile  the data file (default "node-memory.dat")
#   outfile   output .png or .svg (default "chart.png"); term: pngcairo|svg
#   title     chart title
#   nnodes    node blocks (default: all blocks but the last)
#   noom      rows in the OOM block; 0 skips it (default 1: draw it)
#   tmax, tdiv, tunit   x axis end (s), seconds per unit and unit name
#   extra     gnuplot commands run just before plotting
#
# By hand:
#   gnuplot -e "datafile='node-memory.dat'; outfile='node-memory.png'" scripts/plot/node-memory.gp

_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load _d[1:_i] . "common.gp"
if (!exists("datafile")) datafile = "node-memory.dat"
if (!exists("title")) title = "memory used per node"

stats [*:*][*:*] datafile using 1 nooutput
if (!exists("nnodes")) nnodes = STATS_blocks - 1
if (!exists("noom")) noom = 1
eval time_axis
GiB = 1024.0 * 1024 * 1024
set title title font ",16"
set ylabel "memory (GiB)"
set yrange [0:*]
set offsets 0, 0, graph 0.06, 0
keytitle = "node"
# "capacity (dashed)" is an entry too.
keychars = (keychars < 17) ? 17 : keychars
eval key_layout
if (nnodes > 20) set key font ",9" spacing 1
if (exists("extra")) eval extra

# The OOM kills: filled circles in their node's colour with a black ring,
# drawn last so they sit on top of the lines.
oom_plot = ""
if (noom > 0) oom_plot = sprintf(", datafile index %d using ($1/tdiv):($2/GiB):($3+1) " . \
	"with points pt 7 ps 2.2 lc variable notitle, datafile index %d using ($1/tdiv):($2/GiB) " . \
	"with points pt 6 ps 2.2 lw 2 lc rgb 'black' title 'OOMKilled'", nnodes, nnodes)

plot for [i=0:nnodes-1] datafile index i using ($1/tdiv):($3/GiB) with lines lt (i+1) \
		dt 11 lw 1.5 notitle, \
	for [i=0:nnodes-1] datafile index i using ($1/tdiv):($2/GiB) with lines lt (i+1) \
		title columnheader(2), \
	NaN with lines lc rgb "#555555" dt 11 lw 1.5 title "capacity (dashed)" @oom_plot
