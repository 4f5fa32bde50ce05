# credits.gp -- CPU credit balance of each burstable node (t2, t3, ...)
# over time. One credit is one vCPU at 100 % for one minute; a node earns
# them at its baseline rate and spends them above it. At zero, a node in
# standard mode is held to its baseline CPU.
#
# Data file (clustersim plot DB --chart credits --data FILE): one block per
# burstable node, blocks separated by two blank lines; each block is
#   # node NAME (TYPE): ...             comment
#   t_s "NAME (TYPE)"                   header row: column 2 names the series
#   T CREDITS                           simulated s, credits
#
# Variables (-e "name=value; ..."), all optional:
#   datafile  the data file (default "credits.dat")
#   outfile   output .png or .svg (default "chart.png"); term: pngcairo|svg
#   title     chart title
#   tmax, tdiv, tunit   x axis end (s), seconds per unit and unit name
#   extra     gnuplot commands run just before plotting
#
# By hand:
#   gnuplot -e "datafile='credits.dat'; outfile='credits.png'" scripts/plot/credits.gp

_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load _d[1:_i] . "common.gp"
if (!exists("datafile")) datafile = "credits.dat"
if (!exists("title")) title = "CPU credit balance"

stats [*:*][*:*] datafile using 1 nooutput
nnodes = STATS_blocks
eval time_axis
set title title font ",16"
set ylabel "CPU credits (vCPU-minutes)"
set yrange [0:*]
set offsets 0, 0, graph 0.06, 0
keytitle = "burstable node"
eval key_layout
if (nnodes > 20) set key font ",9" spacing 1
if (exists("extra")) eval extra

plot for [i=0:nnodes-1] datafile index i using ($1/tdiv):2 with lines lt (i+1) lw 2.5 \
	title columnheader(2)
